/* crn-practitioner.h: GPs and places of consultation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-types.h"

G_BEGIN_DECLS

struct _CrnPractitioner
{
  char *idnps;            /* "8" + RPPS */
  char *family;
  char *given;
  char *phone;            /* may be NULL */
  char *organization;     /* IDNST of the practice ("1"+FINESS, "3"+SIRET…), may be NULL */
};

struct _CrnPlace
{
  char *id;               /* UUID */
  char *name;             /* "Cabinet du Parc" */
  char *line;
  char *postal_code;      /* [0-9]{5} */
  char *city;
};

CrnPractitioner *crn_practitioner_new      (void);
CrnPractitioner *crn_practitioner_copy     (const CrnPractitioner *self);
void             crn_practitioner_free     (CrnPractitioner       *self);
gboolean         crn_practitioner_validate (const CrnPractitioner *self,
                                            GError               **error);
/* "Dr Claire Martin" */
char            *crn_practitioner_get_display_name (const CrnPractitioner *self);

CrnPlace        *crn_place_new             (void);
CrnPlace        *crn_place_copy            (const CrnPlace *self);
void             crn_place_free            (CrnPlace       *self);
gboolean         crn_place_validate        (const CrnPlace *self,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnPractitioner, crn_practitioner_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnPlace, crn_place_free)

G_END_DECLS
