/* crn-activity-page.h: the practice's figures by week and month, charts, PDF of the month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_TYPE_ACTIVITY_PAGE (crn_activity_page_get_type ())

G_DECLARE_FINAL_TYPE (CrnActivityPage, crn_activity_page, CRN, ACTIVITY_PAGE, GtkWidget)

void      crn_activity_page_set_agenda        (CrnActivityPage  *self,
                                               CrnAgenda        *agenda);
void      crn_activity_page_set_month         (CrnActivityPage  *self,
                                               const GDate      *day);
gboolean  crn_activity_page_is_loading        (CrnActivityPage  *self);
gboolean  crn_activity_page_get_month_figures (CrnActivityPage  *self,
                                               CrnFigures       *figures,
                                               guint            *quarter_extras);
gboolean  crn_activity_page_get_week_figures  (CrnActivityPage  *self,
                                               guint             index,
                                               GDate            *monday,
                                               CrnFigures       *figures);
void      crn_activity_page_export_pdf_async  (CrnActivityPage     *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean  crn_activity_page_export_pdf_finish (CrnActivityPage     *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
