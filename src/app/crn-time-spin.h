/* crn-time-spin.h: a GtkSpinButton that edits a time of day as HH:MM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *crn_time_spin_new        (const char    *accessible_label);
guint      crn_time_spin_get_minute (GtkSpinButton *spin);
void       crn_time_spin_set_minute (GtkSpinButton *spin,
                                     guint          minute_of_day);

G_END_DECLS
