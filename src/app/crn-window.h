/* crn-window.h: the main window: header bar, pages, toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"
#include "crn-availability-page.h"
#include "crn-bookings-page.h"
#include "crn-first-run.h"
#include "crn-session.h"
#include "crn-activity-page.h"
#include "crn-review-page.h"
#include "crn-week-page.h"

G_BEGIN_DECLS

#define CRN_TYPE_WINDOW (crn_window_get_type ())

G_DECLARE_FINAL_TYPE (CrnWindow, crn_window, CRN, WINDOW, AdwApplicationWindow)

CrnWindow           *crn_window_new                   (AdwApplication *application,
                                                       CrnAgenda      *agenda);
CrnAgenda           *crn_window_get_agenda            (CrnWindow      *self);
AdwViewStack        *crn_window_get_view_stack        (CrnWindow      *self);
CrnWeekPage         *crn_window_get_week_page         (CrnWindow      *self);
CrnAvailabilityPage *crn_window_get_availability_page (CrnWindow      *self);
CrnBookingsPage     *crn_window_get_bookings_page     (CrnWindow      *self);
CrnReviewPage        *crn_window_get_review_page       (CrnWindow      *self);
CrnActivityPage      *crn_window_get_activity_page     (CrnWindow      *self);
void                 crn_window_show_page             (CrnWindow      *self,
                                                       const char     *name);
void                 crn_window_add_toast             (CrnWindow      *self,
                                                       AdwToast       *toast);
void                 crn_window_open_store            (CrnWindow      *self,
                                                       const char     *path,
                                                       gboolean        demo);
void                 crn_window_ensure_help_overlay   (CrnWindow      *self);
GtkWindow           *crn_window_get_store_dialog      (CrnWindow      *self);
void                 crn_window_set_session           (CrnWindow      *self,
                                                       CrnSession     *session);
void                 crn_window_set_demo_account      (CrnWindow      *self,
                                                       const char     *server_url,
                                                       const char     *login,
                                                       const char     *password);
CrnFirstRun         *crn_window_get_first_run         (CrnWindow      *self);
gboolean             crn_window_is_showing_first_run  (CrnWindow      *self);
void                 crn_window_show_booking          (CrnWindow      *self,
                                                       const char     *id);
gboolean             crn_window_local_time_is_paris   (void);

G_END_DECLS
