/* crn-slot.h: one consultation time a GP offers ("créneau")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-types.h"

G_BEGIN_DECLS

#define CRN_TYPE_SLOT (crn_slot_get_type ())

struct _CrnSlot
{
  char            *id;                /* logical id: UUID, client- or template-generated */
  char            *practitioner;      /* IDNPS of the GP: "8" + RPPS (12 characters) */
  char            *place_id;          /* the place of consultation (one Schedule per GP+place) */
  char            *template_block_id; /* the template block it came from, NULL if none */
  CrnInstant       start;             /* UTC */
  CrnInstant       end;               /* UTC, > start */
  CrnModality      modalities;        /* at least one */
  CrnVisibility    visibility;        /* NONE = kept for the practice's own patients */
  CrnRestriction   restriction;
  char            *restriction_text;  /* free text when restriction == OTHER, else NULL */
  CrnSlotStatus    status;
  gint64           version;           /* meta.versionId on the server; 0 = never synced */
  gint64           last_updated_ms;   /* meta.lastUpdated, ms since epoch; 0 = unknown */
};

GType     crn_slot_get_type        (void) G_GNUC_CONST;
CrnSlot  *crn_slot_new             (void);
CrnSlot  *crn_slot_copy            (const CrnSlot *slot);
void      crn_slot_free            (CrnSlot       *slot);
gboolean  crn_slot_equal           (const CrnSlot *a,
                                    const CrnSlot *b);
/* Checks invariants: id, practitioner (^8[0-9]{11}$), end > start, a modality. */
gboolean  crn_slot_validate        (const CrnSlot *slot,
                                    GError       **error);
guint     crn_slot_get_minutes     (const CrnSlot *slot);
/* Visible to SAS regulation (SNP or CPTS label) */
gboolean  crn_slot_is_for_regulation (const CrnSlot *slot);
/* GCompareFunc/GCompareDataFunc-style by start, then practitioner, then id */
int       crn_slot_compare         (const CrnSlot *a,
                                    const CrnSlot *b);

/* Practitioner identifier helpers: accept "8"+RPPS (12) or a bare RPPS (11 digits). */
gboolean  crn_idnps_is_valid       (const char    *idnps);
char     *crn_idnps_normalize      (const char    *rpps_or_idnps);  /* NULL if invalid */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnSlot, crn_slot_free)

G_END_DECLS
