/* crn-chart.h: a small bar chart (two series) drawn with cairo, with a text summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CRN_TYPE_CHART (crn_chart_get_type ())

G_DECLARE_FINAL_TYPE (CrnChart, crn_chart, CRN, CHART, GtkWidget)

GtkWidget  *crn_chart_new         (void);
void        crn_chart_set_data    (CrnChart      *self,
                                   const char    *title,
                                   const char   **labels,
                                   const guint   *first,
                                   const guint   *second,
                                   guint          n,
                                   const char    *first_name,
                                   const char    *second_name);
const char *crn_chart_get_summary (CrnChart      *self);

G_END_DECLS
