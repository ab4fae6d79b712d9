/* crn-sync.c: push the outbox, pull deltas, listen for notifications, retry with backoff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync-private.h"

G_DEFINE_FINAL_TYPE (CrnSync, crn_sync, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_OFFLINE_SINCE,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGE_REFUSED,
  SIGNAL_STORE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------------------- */
/* Enum type                                                                           */

GType
crn_sync_status_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CRN_SYNC_STATUS_IDLE, "CRN_SYNC_STATUS_IDLE", "idle" },
        { CRN_SYNC_STATUS_SYNCING, "CRN_SYNC_STATUS_SYNCING", "syncing" },
        { CRN_SYNC_STATUS_OFFLINE, "CRN_SYNC_STATUS_OFFLINE", "offline" },
        { CRN_SYNC_STATUS_SIGNED_OUT, "CRN_SYNC_STATUS_SIGNED_OUT", "signed-out" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("CrnSyncStatus"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

GType
crn_sign_out_flags_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GFlagsValue values[] = {
        { CRN_SIGN_OUT_NONE, "CRN_SIGN_OUT_NONE", "none" },
        { CRN_SIGN_OUT_FORGET_ACCOUNT, "CRN_SIGN_OUT_FORGET_ACCOUNT", "forget-account" },
        { CRN_SIGN_OUT_REMOVE_LOCAL_DATA, "CRN_SIGN_OUT_REMOVE_LOCAL_DATA",
          "remove-local-data" },
        { 0, NULL, NULL },
      };
      GType type = g_flags_register_static (g_intern_static_string ("CrnSignOutFlags"),
                                            values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                             */

void
_crn_sync_set_status (CrnSync       *self,
                      CrnSyncStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_crn_sync_set_last_error (CrnSync    *self,
                          const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

gboolean
_crn_sync_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

void
_crn_sync_emit_change_refused (CrnSync    *self,
                               const char *uuid,
                               const char *kind,
                               const char *target_id,
                               const char *message)
{
  g_signal_emit (self, signals[SIGNAL_CHANGE_REFUSED], 0, uuid, kind, target_id, message);
}

void
_crn_sync_emit_store_changed (CrnSync    *self,
                              const char *resource_type,
                              guint       n_applied)
{
  g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0, resource_type, n_applied);
}

/* ---------------------------------------------------------------------------------- */
/* Cycle end, retries                                                                  */

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  CrnSync *self = user_data;

  self->retry_id = 0;
  _crn_sync_run_cycle (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CrnSync *self)
{
  guint delay;

  if (self->retry_id != 0 || !self->started)
    return;
  delay = crn_backoff_next_delay (&self->retry_backoff);
  g_debug ("Next attempt in %u ms", delay);
  self->retry_id = g_timeout_add (delay, on_retry_timeout_cb, self);
}

static void
complete_waiters (CrnSync      *self,
                  const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

void
_crn_sync_cycle_done (CrnSync      *self,
                      const GError *error)
{
  g_clear_pointer (&self->item, _crn_sync_push_item_free);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_ptr_array_set_size (self->pages_read, 0);
  g_clear_pointer (&self->page_raw_stash, crn_response_free);
  g_clear_pointer (&self->cycle_state, crn_sync_state_free);
  g_clear_error (&self->cycle_state_error);
  self->generation++;
  self->page_in_flight = FALSE;
  self->pages_reading = 0;
  self->page_storing = FALSE;
  self->running = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (error == NULL)
    {
      crn_backoff_reset (&self->retry_backoff);
      self->last_sync_ms = _crn_sync_now_ms ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      if (self->offline_since_ms != 0)
        {
          self->offline_since_ms = 0;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE_SINCE]);
        }
      _crn_sync_set_last_error (self, NULL);
      _crn_sync_set_status (self, CRN_SYNC_STATUS_IDLE);
    }
  else if (_crn_sync_is_cancelled (error))
    {
      _crn_sync_set_status (self, self->status == CRN_SYNC_STATUS_SYNCING ? CRN_SYNC_STATUS_IDLE
                                                                : self->status);
    }
  else if (g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT))
    {
      _crn_sync_set_last_error (self, error->message);
      _crn_sync_set_status (self, CRN_SYNC_STATUS_SIGNED_OUT);
      if (self->ws != NULL)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      _crn_sync_set_last_error (self, error->message);
      if (self->offline_since_ms == 0)
        {
          self->offline_since_ms = _crn_sync_now_ms ();
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE_SINCE]);
        }
      _crn_sync_set_status (self, CRN_SYNC_STATUS_OFFLINE);
      schedule_retry (self);
    }
  g_object_thaw_notify (G_OBJECT (self));

  complete_waiters (self, error);

  /* Callers who asked while this cycle ran need one that starts after their request. */
  if (self->next_waiters->len > 0)
    {
      GPtrArray *next = self->next_waiters;

      self->next_waiters = self->waiters;
      self->waiters = next;
      if (error != NULL && !crn_sync_error_is_transient (error))
        complete_waiters (self, error);
      else
        {
          self->again = FALSE;
          _crn_sync_run_cycle (self);
          return;
        }
    }

  if (error == NULL && self->started && self->ws == NULL && !self->ws_connecting &&
      self->ws_retry_id == 0)
    _crn_sync_connect_live (self);
  /* A cancelled cycle that ends after crn_sync_start() was called again (stop, then start
   * while the old cycle was winding down) owes the restart its first cycle. */
  if (self->again && self->started &&
      (error == NULL || crn_sync_error_is_transient (error) || _crn_sync_is_cancelled (error)))
    {
      self->again = FALSE;
      if (error == NULL || _crn_sync_is_cancelled (error))
        _crn_sync_run_cycle (self);
    }
}

/* ---------------------------------------------------------------------------------- */
/* The cycle                                                                           */

void
_crn_sync_run_cycle (CrnSync *self)
{
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  if (!crn_client_has_session (self->client))
    {
      g_autoptr(GError) error = g_error_new_literal (CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT,
                                                     _("Sign in to send your changes and "
                                                       "see the agenda of your CPTS."));
      _crn_sync_cycle_done (self, error);
      return;
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->running = TRUE;
  self->again = FALSE;
  _crn_sync_set_status (self, CRN_SYNC_STATUS_SYNCING);
  _crn_sync_push (self);
}

/* ---------------------------------------------------------------------------------- */
/* Live notifications                                                                  */

static gboolean
on_poll_cb (gpointer user_data)
{
  CrnSync *self = user_data;

  if (!self->running && self->retry_id == 0 && self->status != CRN_SYNC_STATUS_SIGNED_OUT)
    _crn_sync_run_cycle (self);
  return G_SOURCE_CONTINUE;
}

static void
start_polling (CrnSync *self)
{
  if (self->poll_id == 0 && self->started)
    self->poll_id = g_timeout_add_seconds (self->poll_seconds, on_poll_cb, self);
}

static gboolean
on_ws_retry_cb (gpointer user_data)
{
  CrnSync *self = user_data;

  self->ws_retry_id = 0;
  _crn_sync_connect_live (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (CrnSync *self)
{
  guint delay;

  if (!self->started || self->ws_retry_id != 0 || self->status == CRN_SYNC_STATUS_SIGNED_OUT)
    return;
  delay = crn_backoff_next_delay (&self->ws_backoff);
  g_debug ("Live notifications: reconnecting in %u ms", delay);
  self->ws_retry_id = g_timeout_add (delay, on_ws_retry_cb, self);
}

static void
on_ws_message_cb (SoupWebsocketConnection *connection,
                  gint                     type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  CrnSync *self = user_data;

  g_debug ("Live notification (%" G_GSIZE_FORMAT " bytes)", g_bytes_get_size (message));
  _crn_sync_run_cycle (self);
}

static void
on_ws_closed_cb (SoupWebsocketConnection *connection,
                 gpointer                 user_data)
{
  CrnSync *self = user_data;

  g_debug ("Live notifications closed (code %u)",
           soup_websocket_connection_get_close_code (connection));
  g_signal_handlers_disconnect_by_data (connection, self);
  g_clear_object (&self->ws);
  start_polling (self);
  schedule_reconnect (self);
}

static void
on_ws_connected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = crn_client_connect_notifications_finish (CRN_CLIENT (source), result, &error);
  self->ws_connecting = FALSE;
  if (connection == NULL)
    {
      if (_crn_sync_is_cancelled (error))
        return;
      g_debug ("Live notifications unavailable: %s", error->message);
      if (g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT))
        {
          _crn_sync_cycle_done (self, error);
          return;
        }
      start_polling (self);
      schedule_reconnect (self);
      return;
    }
  if (!self->started)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      return;
    }
  self->ws = connection;
  crn_backoff_reset (&self->ws_backoff);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "message", G_CALLBACK (on_ws_message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_ws_closed_cb), self);
  g_debug ("Live notifications connected");
  /* Whatever changed while the socket was down. */
  _crn_sync_run_cycle (self);
}

void
_crn_sync_connect_live (CrnSync *self)
{
  if (self->ws != NULL || self->ws_connecting || !self->started)
    return;
  self->ws_connecting = TRUE;
  crn_client_connect_notifications_async (self->client, self->cancellable, on_ws_connected_cb,
                                          g_object_ref (self));
}

/* ---------------------------------------------------------------------------------- */
/* Keyring                                                                             */

static void
on_token_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CrnClient) client = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_secret_store_save_finish (result, &error))
    g_warning ("The new session could not be kept in the keyring: %s", error->message);
  crn_client_release_refresh (client);
}

void
_crn_sync_on_refresh_token_changed (CrnClient  *client,
                                    const char *refresh_token,
                                    gpointer    user_data)
{
  CrnSync *self = user_data;

  /* The next rotation waits until the keyring holds this token (crn_client_hold_refresh()). */
  crn_client_hold_refresh (client);
  crn_secret_store_save_async (crn_account_get_server_url (self->account),
                               crn_account_get_username (self->account), refresh_token, NULL,
                               on_token_saved_cb, g_object_ref (client));
}

/* ---------------------------------------------------------------------------------- */
/* GObject                                                                             */

static void
crn_sync_dispose (GObject *object)
{
  CrnSync *self = CRN_SYNC (object);

  crn_sync_stop (self);
  if (self->token_handler != 0)
    g_clear_signal_handler (&self->token_handler, self->client);

  G_OBJECT_CLASS (crn_sync_parent_class)->dispose (object);
}

static void
crn_sync_finalize (GObject *object)
{
  CrnSync *self = CRN_SYNC (object);

  g_assert (self->waiters->len == 0 && self->next_waiters->len == 0);
  g_ptr_array_unref (self->waiters);
  g_ptr_array_unref (self->next_waiters);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_clear_pointer (&self->item, _crn_sync_push_item_free);
  g_clear_pointer (&self->pages_read, g_ptr_array_unref);
  g_clear_pointer (&self->page_raw_stash, crn_response_free);
  g_clear_pointer (&self->cycle_state, crn_sync_state_free);
  g_clear_error (&self->cycle_state_error);
  g_clear_pointer (&self->quiet_state, crn_sync_state_free);
  g_free (self->pull_etag);
  crn_backoff_clear (&self->retry_backoff);
  crn_backoff_clear (&self->ws_backoff);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
  g_free (self->last_error);

  G_OBJECT_CLASS (crn_sync_parent_class)->finalize (object);
}

static void
crn_sync_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CrnSync *self = CRN_SYNC (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->status);
      break;
    case PROP_OFFLINE_SINCE:
      g_value_set_int64 (value, self->offline_since_ms);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync_ms);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_sync_class_init (CrnSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crn_sync_dispose;
  object_class->finalize = crn_sync_finalize;
  object_class->get_property = crn_sync_get_property;

  /**
   * CrnSync:state:
   *
   * Idle, syncing, offline (retrying) or signed out.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CRN_TYPE_SYNC_STATUS, CRN_SYNC_STATUS_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrnSync:offline-since:
   *
   * When the server stopped answering (ms since the epoch), 0 when online.
   */
  properties[PROP_OFFLINE_SINCE] =
    g_param_spec_int64 ("offline-since", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrnSync:last-sync:
   *
   * When the last complete sync ended (ms since the epoch), 0 = never.
   */
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CrnSync:last-error:
   *
   * The translated sentence of the last failure, %NULL after a success.
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrnSync::change-refused:
   * @self: the sync
   * @uuid: the outbox entry
   * @kind: its kind ("slot.reclaim"…)
   * @target_id: the slot, booking or template it was about
   * @message: the translated sentence to show ("Booked by regulation at 14:02 before your
   *   reclaim. The booking is kept.")
   *
   * The server refused a change for good; the entry is kept as failed with @message.
   */
  signals[SIGNAL_CHANGE_REFUSED] =
    g_signal_new ("change-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING);
  /**
   * CrnSync::store-changed:
   * @self: the sync
   * @resource_type: "Slot", "Appointment" or "Schedule"
   * @n_applied: rows written
   *
   * Server data was written to the store: views should reload.
   */
  signals[SIGNAL_STORE_CHANGED] =
    g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
crn_sync_init (CrnSync *self)
{
  self->waiters = g_ptr_array_new ();
  self->next_waiters = g_ptr_array_new ();
  self->pages_read = g_ptr_array_new_with_free_func ((GDestroyNotify) _crn_sync_pulled_page_free);
  self->page_size = DEFAULT_PAGE_SIZE;
  self->poll_seconds = DEFAULT_POLL_SECONDS;
  crn_backoff_init (&self->retry_backoff, 1000, 5 * 60 * 1000);
  crn_backoff_init (&self->ws_backoff, 1000, 2 * 60 * 1000);
  self->cancellable = g_cancellable_new ();
}

/* ---------------------------------------------------------------------------------- */
/* Public API                                                                          */

/**
 * crn_sync_new:
 * @store: the local store
 * @client: the client of the account's server
 * @account: the account
 *
 * Returns: (transfer full): a sync, not started
 */
CrnSync *
crn_sync_new (CrnStore   *store,
              CrnClient  *client,
              CrnAccount *account)
{
  CrnSync *self;

  g_return_val_if_fail (CRN_IS_STORE (store), NULL);
  g_return_val_if_fail (CRN_IS_CLIENT (client), NULL);
  g_return_val_if_fail (CRN_IS_ACCOUNT (account), NULL);

  self = g_object_new (CRN_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  self->account = g_object_ref (account);
  self->token_handler = g_signal_connect (client, "refresh-token-changed",
                                          G_CALLBACK (_crn_sync_on_refresh_token_changed), self);
  if (!crn_client_has_session (client))
    self->status = CRN_SYNC_STATUS_SIGNED_OUT;
  return self;
}

CrnStore *
crn_sync_get_store (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), NULL);
  return self->store;
}

CrnClient *
crn_sync_get_client (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), NULL);
  return self->client;
}

CrnAccount *
crn_sync_get_account (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), NULL);
  return self->account;
}

CrnSyncStatus
crn_sync_get_status (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), CRN_SYNC_STATUS_IDLE);
  return self->status;
}

gint64
crn_sync_get_offline_since (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), 0);
  return self->offline_since_ms;
}

gint64
crn_sync_get_last_sync (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), 0);
  return self->last_sync_ms;
}

const char *
crn_sync_get_last_error (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), NULL);
  return self->last_error;
}

/**
 * crn_sync_set_poll_interval:
 * @self: a sync
 * @seconds: how often to pull while live notifications are down (default 60)
 */
void
crn_sync_set_poll_interval (CrnSync *self,
                            guint    seconds)
{
  g_return_if_fail (CRN_IS_SYNC (self));
  self->poll_seconds = MAX (seconds, 1);
}

/**
 * crn_sync_set_page_size:
 * @self: a sync
 * @count: `_count` of each pull request (default 500)
 */
void
crn_sync_set_page_size (CrnSync *self,
                        guint    count)
{
  g_return_if_fail (CRN_IS_SYNC (self));
  self->page_size = CLAMP (count, 1, 1000);
}

/**
 * crn_sync_set_retry_delays:
 * @self: a sync
 * @base_ms: first retry delay (default 1 s)
 * @max_ms: longest retry delay (default 5 min)
 *
 * Also used for reconnecting the live notifications.
 */
void
crn_sync_set_retry_delays (CrnSync *self,
                           guint    base_ms,
                           guint    max_ms)
{
  g_return_if_fail (CRN_IS_SYNC (self));
  crn_backoff_init (&self->retry_backoff, base_ms, max_ms);
  crn_backoff_init (&self->ws_backoff, base_ms, max_ms);
}

/**
 * crn_sync_start:
 * @self: a sync
 *
 * Syncs now, then keeps syncing: on live notifications, after failures (with backoff) and
 * by polling while notifications are down.
 */
void
crn_sync_start (CrnSync *self)
{
  g_return_if_fail (CRN_IS_SYNC (self));

  if (self->started)
    return;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  self->started = TRUE;
  _crn_sync_run_cycle (self);
}

/**
 * crn_sync_stop:
 * @self: a sync
 *
 * Stops everything in flight; unsent changes stay in the outbox.
 */
void
crn_sync_stop (CrnSync *self)
{
  g_return_if_fail (CRN_IS_SYNC (self));

  self->started = FALSE;
  self->again = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->ws_retry_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->ws);
    }
}

/**
 * crn_sync_request_sync:
 * @self: a sync
 *
 * Asks for a sync soon (after a local change); coalesced with one in progress.
 */
void
crn_sync_request_sync (CrnSync *self)
{
  g_return_if_fail (CRN_IS_SYNC (self));

  if (self->status == CRN_SYNC_STATUS_SIGNED_OUT)
    return;
  if (self->retry_id != 0)
    {
      /* Offline: a user action is a good moment to try again. */
      g_clear_handle_id (&self->retry_id, g_source_remove);
    }
  _crn_sync_run_cycle (self);
}

/**
 * crn_sync_sync_async:
 * @self: a sync
 * @cancellable: (nullable): a #GCancellable (stops waiting, not the sync)
 * @callback: called when a complete cycle (push then pull) ended
 * @user_data: data for @callback
 *
 * Runs one push-and-pull cycle (or waits for the next one to end when one is running).
 */
void
crn_sync_sync_async (CrnSync             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRN_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_sync_sync_async);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  if (self->running)
    g_ptr_array_add (self->next_waiters, task);
  else
    {
      g_ptr_array_add (self->waiters, task);
      _crn_sync_run_cycle (self);
    }
}

/**
 * crn_sync_sync_finish:
 * @self: a sync
 * @result: the result
 * @error: a #GError
 *
 * Returns: whether the cycle completed
 */
gboolean
crn_sync_sync_finish (CrnSync       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * crn_sync_is_live:
 * @self: a sync
 *
 * Returns: whether the live notification channel is open
 */
gboolean
crn_sync_is_live (CrnSync *self)
{
  g_return_val_if_fail (CRN_IS_SYNC (self), FALSE);
  return self->ws != NULL &&
         soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

