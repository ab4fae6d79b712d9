/* crn-session.h: the app's link to its CPTS server: sign-in, resume, directory, notices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "crn-agenda.h"
#include "crn-sync.h"

G_BEGIN_DECLS

/**
 * CrnSessionState:
 * @CRN_SESSION_STATE_STARTING: the agenda file or the keyring is being read
 * @CRN_SESSION_STATE_NO_ACCOUNT: nobody signed in on this computer yet (first run)
 * @CRN_SESSION_STATE_READY: an account is signed in (its sync may be offline or signed out)
 */
typedef enum
{
  CRN_SESSION_STATE_STARTING = 0,
  CRN_SESSION_STATE_NO_ACCOUNT,
  CRN_SESSION_STATE_READY,
} CrnSessionState;

#define CRN_TYPE_SESSION (crn_session_get_type ())

G_DECLARE_FINAL_TYPE (CrnSession, crn_session, CRN, SESSION, GObject)

CrnSession      *crn_session_new                   (CrnAgenda           *agenda);
CrnAgenda       *crn_session_get_agenda            (CrnSession          *self);
CrnSessionState  crn_session_get_state             (CrnSession          *self);
CrnSync         *crn_session_get_sync              (CrnSession          *self);
CrnAccount      *crn_session_get_account           (CrnSession          *self);
const char      *crn_session_get_ca_file           (CrnSession          *self);

void             crn_session_resume                (CrnSession          *self,
                                                    const char          *ca_file);

void             crn_session_sign_in_async         (CrnSession          *self,
                                                    const char          *server_url,
                                                    const char          *ca_file,
                                                    const char          *login,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         crn_session_sign_in_finish        (CrnSession          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void             crn_session_first_sync_async      (CrnSession          *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         crn_session_first_sync_finish     (CrnSession          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
guint            crn_session_get_n_received        (CrnSession          *self);
char            *crn_session_dup_practitioner_name (CrnSession          *self,
                                                    const char          *idnps);

void             crn_session_sign_in_again_async   (CrnSession          *self,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         crn_session_sign_in_again_finish  (CrnSession          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void             crn_session_sign_out_async        (CrnSession          *self,
                                                    gboolean             remove_local_data,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         crn_session_sign_out_finish       (CrnSession          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
