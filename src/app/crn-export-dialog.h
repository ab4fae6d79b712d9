/* crn-export-dialog.h: "Export…": iCalendar of a range of days, CSV or PDF of a month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-export.h"
#include "crn-window.h"

G_BEGIN_DECLS

#define CRN_TYPE_EXPORT_DIALOG (crn_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CrnExportDialog, crn_export_dialog, CRN, EXPORT_DIALOG, AdwWindow)

CrnExportDialog *crn_export_dialog_new     (CrnWindow   *window);
/* Fills the fields from @request (the tests, a caller that knows what to export). */
void             crn_export_dialog_set_request (CrnExportDialog        *self,
                                                const CrnExportRequest *request);
/* What choosing @file in the file chooser does: exports, then closes or says why not. */
void             crn_export_dialog_export_to   (CrnExportDialog        *self,
                                                GFile                  *file);
/* Whether an export is being written. */
gboolean         crn_export_dialog_is_busy     (CrnExportDialog        *self);

/* The window's "win.export" action (gtk_widget_class_install_action()). */
void             crn_export_dialog_action  (GtkWidget   *widget,
                                            const char  *action_name,
                                            GVariant    *parameter);

G_END_DECLS
