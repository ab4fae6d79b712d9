/* crn-demo.h: fictitious data for --demo-local, the screenshots and the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_DEMO_PRACTITIONER_1 "899700123456"
#define CRN_DEMO_PRACTITIONER_2 "899700234567"

void  crn_demo_fill                (CrnAgenda         *agenda);
void  crn_demo_expand              (CrnAgenda         *agenda);
void      crn_demo_fill_store_async  (CrnStore            *store,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
void      crn_demo_follow_templates  (CrnAgenda           *agenda);
gboolean  crn_demo_fill_store_finish (CrnStore            *store,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
