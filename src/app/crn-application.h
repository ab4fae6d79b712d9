/* crn-application.h: the application: actions, windows, startup options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"
#include "crn-session.h"

G_BEGIN_DECLS

#define CRN_TYPE_APPLICATION (crn_application_get_type ())

G_DECLARE_FINAL_TYPE (CrnApplication, crn_application, CRN, APPLICATION, AdwApplication)

CrnApplication *crn_application_new            (gint64          start_time_us);
CrnAgenda      *crn_application_get_agenda     (CrnApplication *self);
CrnSession     *crn_application_get_session    (CrnApplication *self);
char           *crn_application_dup_debug_info (void);

G_END_DECLS
