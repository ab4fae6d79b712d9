/* crn-preferences-window.h: account, practitioners, notifications, week view, CPTS policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-session.h"

G_BEGIN_DECLS

#define CRN_TYPE_PREFERENCES_WINDOW (crn_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CrnPreferencesWindow, crn_preferences_window, CRN, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

CrnPreferencesWindow *crn_preferences_window_new (GtkWindow  *parent,
                                                  CrnSession *session,
                                                  GSettings  *settings);

G_END_DECLS
