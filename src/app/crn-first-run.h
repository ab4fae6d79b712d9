/* crn-first-run.h: welcome, server address, sign-in, practitioners, first synchronisation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-session.h"

G_BEGIN_DECLS

#define CRN_TYPE_FIRST_RUN (crn_first_run_get_type ())

G_DECLARE_FINAL_TYPE (CrnFirstRun, crn_first_run, CRN, FIRST_RUN, GtkWidget)

GSettings  *crn_first_run_new_settings  (void);
void        crn_first_run_set_session   (CrnFirstRun *self,
                                         CrnSession  *session);
void        crn_first_run_reset         (CrnFirstRun *self);
void        crn_first_run_fill          (CrnFirstRun *self,
                                         const char  *server_url,
                                         const char  *ca_file,
                                         const char  *login,
                                         const char  *password);
const char *crn_first_run_get_step      (CrnFirstRun *self);
const char *crn_first_run_get_error     (CrnFirstRun *self);
gboolean    crn_first_run_is_busy       (CrnFirstRun *self);
void        crn_first_run_set_automatic (CrnFirstRun *self,
                                         gboolean     automatic);

G_END_DECLS
