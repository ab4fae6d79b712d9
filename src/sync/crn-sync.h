/* crn-sync.h: keeps the local store and the CPTS server in step (pull, push, live)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "crn-account.h"
#include "crn-change.h"
#include "crn-client.h"
#include "crn-store.h"
#include "crn-sync-error.h"

G_BEGIN_DECLS

/**
 * CrnSyncStatus:
 * @CRN_SYNC_STATUS_IDLE: in step with the server
 * @CRN_SYNC_STATUS_SYNCING: pushing or pulling now
 * @CRN_SYNC_STATUS_OFFLINE: the server cannot be reached; retrying (see offline-since)
 * @CRN_SYNC_STATUS_SIGNED_OUT: the user has to sign in again; local changes are kept
 */
typedef enum
{
  CRN_SYNC_STATUS_IDLE = 0,
  CRN_SYNC_STATUS_SYNCING,
  CRN_SYNC_STATUS_OFFLINE,
  CRN_SYNC_STATUS_SIGNED_OUT,
} CrnSyncStatus;

GType crn_sync_status_get_type (void) G_GNUC_CONST;
#define CRN_TYPE_SYNC_STATUS (crn_sync_status_get_type ())

/**
 * CrnSignOutFlags:
 * @CRN_SIGN_OUT_NONE: end the session only: the secrets leave the keyring, the account and
 *   the local data stay (unsent changes go out after the next sign-in)
 * @CRN_SIGN_OUT_FORGET_ACCOUNT: also forget the account (server address, user name, CA file)
 * @CRN_SIGN_OUT_REMOVE_LOCAL_DATA: also delete the local agenda, bookings, templates and the
 *   whole outbox: **unsent changes are dropped**. Ask crn_store_count_unsent_async() first and
 *   let the user decide (or sync first) when it is not zero.
 */
typedef enum /*< flags >*/
{
  CRN_SIGN_OUT_NONE = 0,
  CRN_SIGN_OUT_FORGET_ACCOUNT = 1 << 0,
  CRN_SIGN_OUT_REMOVE_LOCAL_DATA = 1 << 1,
} CrnSignOutFlags;

GType crn_sign_out_flags_get_type (void) G_GNUC_CONST;
#define CRN_TYPE_SIGN_OUT_FLAGS (crn_sign_out_flags_get_type ())

/**
 * CRN_SYNC_PULL_RESOURCE:
 *
 * The name of the pull's one watermark in the store's sync state (crn_store_get_sync_state_async()):
 * the `_type` of the search it continues.
 */
#define CRN_SYNC_PULL_RESOURCE "Schedule,Slot,Appointment"

#define CRN_TYPE_SYNC (crn_sync_get_type ())

G_DECLARE_FINAL_TYPE (CrnSync, crn_sync, CRN, SYNC, GObject)

/* Creating */
CrnSync       *crn_sync_new                  (CrnStore            *store,
                                              CrnClient           *client,
                                              CrnAccount          *account);
void           crn_sync_sign_in_async        (CrnStore            *store,
                                              const char          *server_url,
                                              const char          *ca_file,
                                              const char          *username,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
CrnSync       *crn_sync_sign_in_finish       (GAsyncResult        *result,
                                              GError             **error);
void           crn_sync_resume_async         (CrnStore            *store,
                                              CrnAccount          *account,
                                              const char          *ca_file,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
CrnSync       *crn_sync_resume_finish        (GAsyncResult        *result,
                                              GError             **error);

/* Accessors */
CrnStore      *crn_sync_get_store            (CrnSync             *self);
CrnClient     *crn_sync_get_client           (CrnSync             *self);
CrnAccount    *crn_sync_get_account          (CrnSync             *self);
CrnSyncStatus  crn_sync_get_status           (CrnSync             *self);
gint64         crn_sync_get_offline_since    (CrnSync             *self);
gint64         crn_sync_get_last_sync        (CrnSync             *self);
const char    *crn_sync_get_last_error       (CrnSync             *self);
void           crn_sync_set_poll_interval    (CrnSync             *self,
                                              guint                seconds);
void           crn_sync_set_page_size        (CrnSync             *self,
                                              guint                count);
void           crn_sync_set_retry_delays     (CrnSync             *self,
                                              guint                base_ms,
                                              guint                max_ms);

/* Running */
void           crn_sync_start                (CrnSync             *self);
void           crn_sync_stop                 (CrnSync             *self);
void           crn_sync_request_sync         (CrnSync             *self);
void           crn_sync_sync_async           (CrnSync             *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       crn_sync_sync_finish          (CrnSync             *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean       crn_sync_is_live              (CrnSync             *self);

/* The directory */
void           crn_sync_read_directory_async (CrnSync             *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       crn_sync_read_directory_finish (CrnSync            *self,
                                               GAsyncResult       *result,
                                               GPtrArray         **practitioners,
                                               CrnPolicy         **policy,
                                               GError            **error);

/* The session */
void           crn_sync_sign_in_again_async  (CrnSync             *self,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       crn_sync_sign_in_again_finish (CrnSync             *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void           crn_sync_sign_out_async       (CrnSync             *self,
                                              CrnSignOutFlags      flags,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       crn_sync_sign_out_finish      (CrnSync             *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
