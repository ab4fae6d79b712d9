/* crn-exception-dialog.h: add an absence or a one-off extra block to a template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-core.h"

G_BEGIN_DECLS

#define CRN_TYPE_EXCEPTION_DIALOG (crn_exception_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CrnExceptionDialog, crn_exception_dialog, CRN, EXCEPTION_DIALOG, AdwWindow)

CrnExceptionDialog   *crn_exception_dialog_new            (const CrnPolicy  *policy,
                                                           CrnExceptionKind  kind);
void                  crn_exception_dialog_set_fields     (CrnExceptionDialog *self,
                                                           const char         *first_day,
                                                           const char         *last_day,
                                                           guint               start_minute,
                                                           guint               end_minute,
                                                           const char         *reason);
CrnTemplateException *crn_exception_dialog_dup_exception  (CrnExceptionDialog *self,
                                                           GError            **error);
const char           *crn_exception_dialog_get_error_text (CrnExceptionDialog *self);
gboolean              crn_exception_dialog_save           (CrnExceptionDialog *self);

G_END_DECLS
