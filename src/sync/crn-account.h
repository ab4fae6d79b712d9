/* crn-account.h: one sign-in to a CPTS server (never a secret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-store-types.h"

G_BEGIN_DECLS

#define CRN_TYPE_ACCOUNT (crn_account_get_type ())

G_DECLARE_FINAL_TYPE (CrnAccount, crn_account, CRN, ACCOUNT, GObject)

CrnAccount         *crn_account_new                  (const char            *server_url,
                                                      const char            *username);
CrnAccount         *crn_account_new_from_store       (const CrnStoreAccount *stored);
CrnStoreAccount    *crn_account_to_store             (CrnAccount            *self);

const char         *crn_account_get_id               (CrnAccount            *self);
const char         *crn_account_get_server_url       (CrnAccount            *self);
const char         *crn_account_get_username         (CrnAccount            *self);
const char         *crn_account_get_role             (CrnAccount            *self);
void                crn_account_set_role             (CrnAccount            *self,
                                                      const char            *role);
const char         *crn_account_get_display_name     (CrnAccount            *self);
void                crn_account_set_display_name     (CrnAccount            *self,
                                                      const char            *display_name);
const char * const *crn_account_get_practitioners    (CrnAccount            *self);
void                crn_account_set_practitioners    (CrnAccount            *self,
                                                      const char * const    *practitioners);
gboolean            crn_account_is_secretary         (CrnAccount            *self);
const char         *crn_account_get_ca_file          (CrnAccount            *self);
void                crn_account_set_ca_file          (CrnAccount            *self,
                                                      const char            *ca_file);
CrnAccount         *crn_account_new_with_id          (const char            *id,
                                                      CrnAccount            *other);

G_END_DECLS
