/* crn-sync.c: push the outbox, pull deltas, listen for notifications, retry with backoff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-backoff.h"
#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync.h"

#define DEFAULT_PAGE_SIZE     500
#define DEFAULT_POLL_SECONDS  60
#define MAX_REBASES           4

/* Pulled in this order: templates, then their slots, then the bookings holding them. */
static const char * const pull_types[] = { "Schedule", "Slot", "Appointment" };
#define N_PULL_TYPES G_N_ELEMENTS (pull_types)

typedef struct
{
  CrnOutboxEntry  *entry;
  CrnChangeTarget  target;
  gpointer         wanted;      /* CrnSlot, CrnBooking or CrnTemplate to send */
  gpointer         server;      /* the server's copy after a conflict, or NULL */
  guint            tries;
} PushItem;

struct _CrnSync
{
  GObject        parent_instance;

  CrnStore      *store;
  CrnClient     *client;
  CrnAccount    *account;
  GCancellable  *cancellable;
  gulong         token_handler;

  CrnSyncStatus  status;
  gint64         offline_since_ms;
  gint64         last_sync_ms;
  char          *last_error;

  gboolean       started;
  gboolean       running;
  gboolean       again;
  GPtrArray     *waiters;       /* GTask of crn_sync_sync_async() */
  CrnBackoff     retry_backoff;
  guint          retry_id;
  guint          page_size;

  /* the cycle */
  GPtrArray     *queue;         /* CrnOutboxEntry */
  guint          queue_pos;
  PushItem      *item;
  guint          type_index;
  gint64         page_max_ms;
  gint64         old_watermark_ms;

  /* live */
  SoupWebsocketConnection *ws;
  gboolean       ws_connecting;
  CrnBackoff     ws_backoff;
  guint          ws_retry_id;
  guint          poll_id;
  guint          poll_seconds;
};

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

static void run_cycle    (CrnSync      *self);
static void push_next    (CrnSync      *self);
static void pull_type    (CrnSync      *self);
static void cycle_done   (CrnSync      *self,
                          const GError *error);
static void connect_live (CrnSync      *self);

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

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                             */

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
set_status (CrnSync       *self,
            CrnSyncStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (CrnSync    *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
push_item_free (PushItem *item)
{
  GDestroyNotify free_func;

  if (item == NULL)
    return;
  switch (item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      free_func = (GDestroyNotify) crn_slot_free;
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      free_func = (GDestroyNotify) crn_booking_free;
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      free_func = (GDestroyNotify) crn_template_free;
      break;
    }
  g_clear_pointer (&item->wanted, free_func);
  g_clear_pointer (&item->server, free_func);
  crn_outbox_entry_free (item->entry);
  g_free (item);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---------------------------------------------------------------------------------- */
/* Storing server copies                                                               */

static void
upsert_async (CrnSync             *self,
              CrnChangeTarget      target,
              GPtrArray           *objects,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      crn_store_upsert_slots_async (self->store, objects, self->cancellable, callback,
                                    user_data);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      crn_store_upsert_bookings_async (self->store, objects, self->cancellable, callback,
                                       user_data);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      crn_store_upsert_templates_async (self->store, objects, self->cancellable, callback,
                                        user_data);
      break;
    }
}

static gboolean
upsert_finish (CrnSync          *self,
               CrnChangeTarget   target,
               GAsyncResult     *result,
               guint            *n_applied,
               GError          **error)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return crn_store_upsert_slots_finish (self->store, result, n_applied, error);
    case CRN_CHANGE_TARGET_BOOKING:
      return crn_store_upsert_bookings_finish (self->store, result, n_applied, error);
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return crn_store_upsert_templates_finish (self->store, result, n_applied, error);
    }
}

/* Parses one resource into its domain object. */
static gpointer
parse_resource (CrnChangeTarget   target,
                JsonNode         *node,
                gint64           *last_updated_ms,
                GError          **error)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      {
        g_auto(CrnFhirSlotInfo) info = { 0 };
        CrnSlot *slot = crn_fhir_slot_parse (node, &info, error);

        if (slot != NULL && last_updated_ms != NULL)
          *last_updated_ms = slot->last_updated_ms;
        return slot;
      }
    case CRN_CHANGE_TARGET_BOOKING:
      {
        g_auto(CrnFhirAppointmentInfo) info = { 0 };
        CrnBooking *booking = crn_fhir_appointment_parse (node, &info, error);

        if (booking != NULL && booking->slot_id == NULL && info.slot_ids != NULL &&
            info.slot_ids[0] != NULL)
          booking->slot_id = g_strdup (info.slot_ids[0]);
        if (booking != NULL && last_updated_ms != NULL)
          *last_updated_ms = booking->last_updated_ms;
        return booking;
      }
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      {
        g_auto(CrnFhirScheduleInfo) info = { 0 };
        CrnTemplate *template = crn_fhir_schedule_parse (node, &info, error);

        if (template != NULL && last_updated_ms != NULL)
          *last_updated_ms = template->last_updated_ms;
        return template;
      }
    }
}

static GDestroyNotify
target_free_func (CrnChangeTarget target)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return (GDestroyNotify) crn_slot_free;
    case CRN_CHANGE_TARGET_BOOKING:
      return (GDestroyNotify) crn_booking_free;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return (GDestroyNotify) crn_template_free;
    }
}

static gpointer
copy_object (CrnChangeTarget target,
             gconstpointer   object)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return crn_slot_copy (object);
    case CRN_CHANGE_TARGET_BOOKING:
      return crn_booking_copy (object);
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return crn_template_copy (object);
    }
}

static const char *
target_type_name (CrnChangeTarget target)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return "Slot";
    case CRN_CHANGE_TARGET_BOOKING:
      return "Appointment";
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return "Schedule";
    }
}

/* ---------------------------------------------------------------------------------- */
/* Cycle end, retries                                                                  */

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  CrnSync *self = user_data;

  self->retry_id = 0;
  run_cycle (self);
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

static void
cycle_done (CrnSync      *self,
            const GError *error)
{
  g_clear_pointer (&self->item, push_item_free);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  self->running = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (error == NULL)
    {
      crn_backoff_reset (&self->retry_backoff);
      self->last_sync_ms = now_ms ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      if (self->offline_since_ms != 0)
        {
          self->offline_since_ms = 0;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE_SINCE]);
        }
      set_last_error (self, NULL);
      set_status (self, CRN_SYNC_STATUS_IDLE);
    }
  else if (is_cancelled (error))
    {
      set_status (self, self->status == CRN_SYNC_STATUS_SYNCING ? CRN_SYNC_STATUS_IDLE
                                                                : self->status);
    }
  else if (g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT))
    {
      set_last_error (self, error->message);
      set_status (self, CRN_SYNC_STATUS_SIGNED_OUT);
      if (self->ws != NULL)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      set_last_error (self, error->message);
      if (self->offline_since_ms == 0)
        {
          self->offline_since_ms = now_ms ();
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE_SINCE]);
        }
      set_status (self, CRN_SYNC_STATUS_OFFLINE);
      schedule_retry (self);
    }
  g_object_thaw_notify (G_OBJECT (self));

  complete_waiters (self, error);

  if (error == NULL && self->started && self->ws == NULL && !self->ws_connecting &&
      self->ws_retry_id == 0)
    connect_live (self);
  if (self->again && self->started && (error == NULL || crn_sync_error_is_transient (error)))
    {
      self->again = FALSE;
      if (error == NULL)
        run_cycle (self);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Push                                                                                */

static void
on_marked_final_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_store_outbox_mark_finish (CRN_STORE (source), result, &error))
    {
      cycle_done (self, error);
      return;
    }
  g_clear_pointer (&self->item, push_item_free);
  self->queue_pos++;
  push_next (self);
}

static void
finish_item (CrnSync        *self,
             CrnOutboxState  state,
             const char     *message)
{
  PushItem *item = self->item;

  if (state == CRN_OUTBOX_FAILED)
    {
      g_debug ("Change %s (%s) refused", item->entry->uuid, item->entry->kind);
      g_signal_emit (self, signals[SIGNAL_CHANGE_REFUSED], 0, item->entry->uuid,
                     item->entry->kind, item->entry->target_id, message);
    }
  crn_store_outbox_mark_async (self->store, item->entry->uuid, state, message,
                               self->cancellable, on_marked_final_cb, g_object_ref (self));
}

typedef struct
{
  CrnSync        *self;
  CrnOutboxState  state;
  char           *message;
} FinishData;

static void
on_item_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FinishData *data = user_data;
  CrnSync *self = data->self;
  g_autoptr(GError) error = NULL;
  guint n_applied = 0;

  if (!upsert_finish (self, self->item->target, result, &n_applied, &error))
    {
      if (!is_cancelled (error))
        g_warning ("Could not keep the server's copy: %s", error->message);
      cycle_done (self, error);
    }
  else
    {
      if (n_applied > 0)
        g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0,
                       target_type_name (self->item->target), n_applied);
      finish_item (self, data->state, data->message);
    }
  g_free (data->message);
  g_object_unref (data->self);
  g_free (data);
}

/* Keeps @server (the server's copy, may be NULL) in the store, then ends the item. */
static void
store_and_finish (CrnSync        *self,
                  gconstpointer   server,
                  CrnOutboxState  state,
                  const char     *message)
{
  g_autoptr(GPtrArray) objects = NULL;
  FinishData *data;

  if (server == NULL)
    {
      finish_item (self, state, message);
      return;
    }
  data = g_new0 (FinishData, 1);
  data->self = g_object_ref (self);
  data->state = state;
  data->message = g_strdup (message);
  objects = g_ptr_array_new_with_free_func (target_free_func (self->item->target));
  g_ptr_array_add (objects, copy_object (self->item->target, server));
  upsert_async (self, self->item->target, objects, on_item_stored_cb, data);
}

static void
on_marked_pending_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  GError *error = g_object_steal_data (G_OBJECT (self), "crn-push-error");

  crn_store_outbox_mark_finish (CRN_STORE (source), result, NULL);
  cycle_done (self, error);
  g_clear_error (&error);
}

/* A transient failure: the entry goes back to pending and the cycle stops. */
static void
postpone_item (CrnSync      *self,
               const GError *error)
{
  if (is_cancelled (error))
    {
      cycle_done (self, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (self), "crn-push-error", g_error_copy (error),
                          (GDestroyNotify) g_error_free);
  crn_store_outbox_mark_async (self->store, self->item->entry->uuid, CRN_OUTBOX_PENDING,
                               error->message, NULL, on_marked_pending_cb,
                               g_object_ref (self));
}

static void send_item (CrnSync *self);

static char *
identifier_query (CrnSync    *self,
                  const char *id)
{
  g_autofree char *system = crn_change_appointment_system (crn_client_get_server_url (self->client));
  g_autofree char *token = g_strdup_printf ("%s|%s", system, id);

  return g_uri_escape_string (token, NULL, FALSE);
}

static void
on_current_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  PushItem *item = self->item;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnResponse) response = NULL;
  g_autofree char *message = NULL;
  gpointer rebased = NULL;
  gpointer server;
  CrnConflictDecision decision;

  response = crn_client_request_finish (CRN_CLIENT (source), result, &error);
  if (response == NULL)
    {
      postpone_item (self, error);
      return;
    }
  if (response->status == SOUP_STATUS_NOT_FOUND || response->status == SOUP_STATUS_GONE)
    {
      finish_item (self, CRN_OUTBOX_FAILED,
                   _("This no longer exists on the server; your change could not be "
                     "applied."));
      return;
    }
  if (response->status != SOUP_STATUS_OK || response->body == NULL)
    {
      message = crn_response_dup_message (response);
      finish_item (self, CRN_OUTBOX_FAILED, message);
      return;
    }
  server = parse_resource (item->target, response->body, NULL, &error);
  if (server == NULL)
    {
      g_autoptr(GError) unreadable =
        g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                     _("The server sent a copy that could not be read (%s). Créneaux will "
                       "try again later."), error->message);
      postpone_item (self, unreadable);
      return;
    }
  g_clear_pointer (&item->server, target_free_func (item->target));
  item->server = server;

  switch (item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      decision = crn_conflict_decide_slot (item->entry->kind, item->wanted, server,
                                           (CrnSlot **) &rebased, &message);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      decision = crn_conflict_decide_booking (item->entry->kind, item->wanted, server,
                                              item->entry->created_ms,
                                              (CrnBooking **) &rebased, &message);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      {
        /* One author per agenda (the GP or their secretary): the latest save wins. */
        CrnTemplate *t = crn_template_copy (item->wanted);

        t->version = ((CrnTemplate *) server)->version;
        rebased = t;
        decision = CRN_CONFLICT_RETRY;
      }
      break;
    }

  g_debug ("Conflict on %s (%s): decision %d", item->entry->target_id, item->entry->kind,
           decision);
  switch (decision)
    {
    case CRN_CONFLICT_DONE:
      store_and_finish (self, server, CRN_OUTBOX_DONE, NULL);
      break;
    case CRN_CONFLICT_REFUSED:
      store_and_finish (self, server, CRN_OUTBOX_FAILED, message);
      break;
    case CRN_CONFLICT_RETRY:
    default:
      g_clear_pointer (&item->wanted, target_free_func (item->target));
      item->wanted = rebased;
      if (item->tries >= MAX_REBASES)
        {
          store_and_finish (self, server, CRN_OUTBOX_FAILED,
                            _("This changed on the server again and again while your change "
                              "was being sent; make your change again."));
          return;
        }
      send_item (self);
      break;
    }
}

static void
fetch_current (CrnSync *self)
{
  PushItem *item = self->item;
  g_autofree char *path = NULL;

  switch (item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      path = g_strdup_printf ("/fhir/Slot/%s", ((CrnSlot *) item->wanted)->id);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      path = g_strdup_printf ("/fhir/Appointment/%s", ((CrnBooking *) item->wanted)->id);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      {
        CrnTemplate *t = item->wanted;
        g_autofree char *id = crn_fhir_schedule_id (t->practitioner, t->place_id);

        path = g_strdup_printf ("/fhir/Schedule/%s", id);
      }
      break;
    }
  crn_client_request_async (self->client, "GET", path, NULL, NULL, NULL, self->cancellable,
                            on_current_cb, g_object_ref (self));
}

static void
on_push_response_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  PushItem *item = self->item;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnResponse) response = NULL;
  g_autofree char *message = NULL;
  gpointer stored;

  response = crn_client_request_finish (CRN_CLIENT (source), result, &error);
  if (response == NULL)
    {
      postpone_item (self, error);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (response->status))
    {
      if (response->body == NULL)
        {
          fetch_current (self);
          return;
        }
      stored = parse_resource (item->target, response->body, NULL, &error);
      if (stored == NULL)
        {
          g_autoptr(GError) unreadable =
            g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                         _("The server's answer to a change could not be read (%s). "
                           "Créneaux will try again later."), error->message);
          postpone_item (self, unreadable);
          return;
        }
      g_clear_pointer (&item->server, target_free_func (item->target));
      item->server = stored;
      store_and_finish (self, stored, CRN_OUTBOX_DONE, NULL);
      return;
    }

  /* Someone else got there first: re-read and apply the rules. A booking that cannot be
   * made (the slot is taken) is refused with the server's words. */
  if (response->status == SOUP_STATUS_PRECONDITION_FAILED ||
      (response->status == SOUP_STATUS_CONFLICT &&
       g_strcmp0 (item->entry->kind, CRN_CHANGE_BOOKING_CREATE) != 0))
    {
      fetch_current (self);
      return;
    }

  message = crn_response_dup_message (response);
  finish_item (self, CRN_OUTBOX_FAILED, message);
}

static void
send_item (CrnSync *self)
{
  PushItem *item = self->item;
  const char *server_url = crn_client_get_server_url (self->client);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *if_none_exist = NULL;
  const char *method = "PUT";
  gint64 version = 0;

  item->tries++;
  switch (item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      {
        CrnSlot *slot = item->wanted;

        body = crn_change_build_slot (slot);
        path = g_strdup_printf ("/fhir/Slot/%s", slot->id);
        version = slot->version;
      }
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      {
        CrnBooking *booking = item->wanted;
        g_autofree char *query = identifier_query (self, booking->id);

        body = crn_change_build_booking (booking, server_url);
        version = booking->version;
        if (g_strcmp0 (item->entry->kind, CRN_CHANGE_BOOKING_CREATE) == 0 && version == 0)
          {
            g_autofree char *system = crn_change_appointment_system (server_url);

            method = "POST";
            path = g_strdup ("/fhir/Appointment");
            if_none_exist = g_strdup_printf ("identifier=%s|%s", system, booking->id);
          }
        else
          path = g_strdup_printf ("/fhir/Appointment?identifier=%s", query);
      }
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      {
        CrnTemplate *template = item->wanted;
        g_autofree char *id = crn_fhir_schedule_id (template->practitioner,
                                                    template->place_id);

        body = crn_change_build_template (template);
        path = g_strdup_printf ("/fhir/Schedule/%s", id);
        version = template->version;
      }
      break;
    }
  if (version > 0)
    if_match = crn_client_format_etag (version);

  g_debug ("Pushing %s %s (%s, try %u)", item->entry->kind, item->entry->uuid, method,
           item->tries);
  crn_client_request_async (self->client, method, path, if_match, if_none_exist, body,
                            self->cancellable, on_push_response_cb, g_object_ref (self));
}

static void
on_marked_sent_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_store_outbox_mark_finish (CRN_STORE (source), result, &error))
    {
      cycle_done (self, error);
      return;
    }
  send_item (self);
}

static void
push_next (CrnSync *self)
{
  CrnOutboxEntry *entry;
  g_autoptr(GError) error = NULL;
  PushItem *item;

  if (self->queue == NULL || self->queue_pos >= self->queue->len)
    {
      self->type_index = 0;
      pull_type (self);
      return;
    }

  entry = g_ptr_array_index (self->queue, self->queue_pos);
  item = g_new0 (PushItem, 1);
  item->entry = crn_outbox_entry_copy (entry);
  self->item = item;
  if (!crn_change_get_target (entry->kind, &item->target))
    {
      g_autofree char *message =
        g_strdup_printf (_("This version of Créneaux cannot send changes of type “%s”. "
                           "Update Créneaux."), entry->kind);

      item->target = CRN_CHANGE_TARGET_SLOT;
      finish_item (self, CRN_OUTBOX_FAILED, message);
      return;
    }
  switch (item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      item->wanted = crn_change_parse_slot (entry, &error);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      item->wanted = crn_change_parse_booking (entry, &error);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      item->wanted = crn_change_parse_template (entry, &error);
      break;
    }
  if (item->wanted == NULL)
    {
      finish_item (self, CRN_OUTBOX_FAILED, error->message);
      return;
    }

  /* "sent" before the request: after a crash the entry is sent again, and the conditional
   * request makes the second attempt harmless. */
  crn_store_outbox_mark_async (self->store, entry->uuid, CRN_OUTBOX_SENT, NULL,
                               self->cancellable, on_marked_sent_cb, g_object_ref (self));
}

static gint
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const CrnOutboxEntry *ea = *(const CrnOutboxEntry * const *) a;
  const CrnOutboxEntry *eb = *(const CrnOutboxEntry * const *) b;

  return ea->seq < eb->seq ? -1 : ea->seq > eb->seq;
}

static void
on_pending_listed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = crn_store_outbox_list_finish (CRN_STORE (source), result,
                                                               &error);

  if (pending == NULL)
    {
      cycle_done (self, error);
      return;
    }
  for (guint i = 0; i < pending->len; i++)
    g_ptr_array_add (self->queue, crn_outbox_entry_copy (g_ptr_array_index (pending, i)));
  g_ptr_array_sort (self->queue, compare_seq);
  self->queue_pos = 0;
  if (self->queue->len > 0)
    g_debug ("Pushing %u change(s)", self->queue->len);
  push_next (self);
}

static void
on_sent_listed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = crn_store_outbox_list_finish (CRN_STORE (source), result,
                                                            &error);

  if (sent == NULL)
    {
      cycle_done (self, error);
      return;
    }
  /* Entries left "sent" by a crash or a lost answer go first, in their order. */
  self->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_outbox_entry_free);
  for (guint i = 0; i < sent->len; i++)
    g_ptr_array_add (self->queue, crn_outbox_entry_copy (g_ptr_array_index (sent, i)));
  crn_store_outbox_list_async (self->store, CRN_OUTBOX_PENDING, 0, self->cancellable,
                               on_pending_listed_cb, g_object_ref (self));
}

/* ---------------------------------------------------------------------------------- */
/* Pull                                                                                */

static void request_page (CrnSync    *self,
                          const char *url);

typedef struct
{
  CrnSync *self;
  char    *next;
  gint64   watermark_ms;
  guint    n_objects;
} PageData;

static void
page_data_free (PageData *data)
{
  g_object_unref (data->self);
  g_free (data->next);
  g_free (data);
}

static void
on_watermark_saved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  PageData *data = user_data;
  CrnSync *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!crn_store_set_sync_state_finish (CRN_STORE (source), result, &error))
    cycle_done (self, error);
  else if (data->next != NULL)
    request_page (self, data->next);
  else
    {
      self->type_index++;
      pull_type (self);
    }
  page_data_free (data);
}

static void
save_watermark (PageData *data)
{
  CrnSync *self = data->self;
  CrnSyncState state = { 0 };

  state.resource = (char *) pull_types[self->type_index];
  state.watermark_ms = data->watermark_ms;
  state.synced_at_ms = now_ms ();
  crn_store_set_sync_state_async (self->store, &state, self->cancellable,
                                  on_watermark_saved_cb, data);
}

static CrnChangeTarget
pull_target (guint index)
{
  switch (index)
    {
    case 0:
      return CRN_CHANGE_TARGET_TEMPLATE;
    case 1:
      return CRN_CHANGE_TARGET_SLOT;
    default:
      return CRN_CHANGE_TARGET_BOOKING;
    }
}

static void
on_page_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PageData *data = user_data;
  CrnSync *self = data->self;
  g_autoptr(GError) error = NULL;
  guint n_applied = 0;

  if (!upsert_finish (self, pull_target (self->type_index), result, &n_applied, &error))
    {
      cycle_done (self, error);
      page_data_free (data);
      return;
    }
  if (n_applied > 0)
    g_signal_emit (self, signals[SIGNAL_STORE_CHANGED], 0, pull_types[self->type_index],
                   n_applied);
  save_watermark (data);
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnResponse) response = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  CrnChangeTarget target = pull_target (self->type_index);
  const char *type = pull_types[self->type_index];
  PageData *data;
  gint64 max_ms = self->page_max_ms;
  guint iter = 0;
  JsonNode *node;

  response = crn_client_request_finish (CRN_CLIENT (source), result, &error);
  if (response == NULL)
    {
      cycle_done (self, error);
      return;
    }
  if (response->status != SOUP_STATUS_OK || response->body == NULL)
    {
      g_autofree char *message = crn_response_dup_message (response);
      g_autoptr(GError) refused = g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_REFUSED,
                                               _("The server refused to send the agenda: "
                                                 "%s"), message);
      cycle_done (self, refused);
      return;
    }
  reader = crn_fhir_bundle_reader_new (response->body, &error);
  if (reader == NULL)
    {
      g_autoptr(GError) unreadable =
        g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                     _("The server sent an agenda that could not be read (%s). Créneaux "
                       "will try again later."), error->message);
      cycle_done (self, unreadable);
      return;
    }

  objects = g_ptr_array_new_with_free_func (target_free_func (target));
  while ((node = crn_fhir_bundle_reader_next (reader, type, &iter)) != NULL)
    {
      g_autoptr(GError) parse_error = NULL;
      gint64 lu = 0;
      gpointer object = parse_resource (target, node, &lu, &parse_error);

      if (object == NULL)
        {
          /* Never patient data in logs: the FHIR error names a path, not a value. */
          g_warning ("Skipped a %s from the server: %s", type, parse_error->message);
          continue;
        }
      max_ms = MAX (max_ms, lu);
      g_ptr_array_add (objects, object);
    }

  data = g_new0 (PageData, 1);
  data->self = g_object_ref (self);
  data->next = g_strdup (crn_fhir_bundle_reader_get_next_link (reader));
  data->n_objects = objects->len;
  self->page_max_ms = max_ms;
  /* Between pages, keep one ms of margin so that resources sharing the last instant of a
   * page are fetched again (and skipped by version) if the pull stops there. */
  if (data->next != NULL)
    data->watermark_ms = MAX (self->old_watermark_ms, max_ms - 1);
  else
    data->watermark_ms = max_ms;

  if (objects->len == 0)
    {
      if (data->watermark_ms == self->old_watermark_ms && data->next == NULL)
        {
          page_data_free (data);
          self->type_index++;
          pull_type (self);
          return;
        }
      save_watermark (data);
      return;
    }
  upsert_async (self, target, objects, on_page_stored_cb, data);
}

static void
request_page (CrnSync    *self,
              const char *url)
{
  crn_client_request_async (self->client, "GET", url, NULL, NULL, NULL, self->cancellable,
                            on_page_cb, g_object_ref (self));
}

static void
on_state_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSyncState) state = crn_store_get_sync_state_finish (CRN_STORE (source), result,
                                                                   &error);
  g_autoptr(GString) url = NULL;

  if (state == NULL && error != NULL &&
      !g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND))
    {
      cycle_done (self, error);
      return;
    }
  self->old_watermark_ms = state != NULL ? state->watermark_ms : 0;
  self->page_max_ms = self->old_watermark_ms;

  url = g_string_new ("/fhir/");
  g_string_append_printf (url, "%s?_sort=_lastUpdated&_count=%u", pull_types[self->type_index],
                          self->page_size);
  if (self->old_watermark_ms > 0)
    {
      g_autofree char *iso = crn_fhir_format_instant_ms (self->old_watermark_ms);
      g_autofree char *escaped = g_uri_escape_string (iso, NULL, FALSE);

      g_string_append_printf (url, "&_lastUpdated=gt%s", escaped);
    }
  request_page (self, url->str);
}

static void
pull_type (CrnSync *self)
{
  if (self->type_index >= N_PULL_TYPES)
    {
      cycle_done (self, NULL);
      return;
    }
  crn_store_get_sync_state_async (self->store, pull_types[self->type_index], self->cancellable,
                                  on_state_cb, g_object_ref (self));
}

/* ---------------------------------------------------------------------------------- */
/* The cycle                                                                           */

static void
run_cycle (CrnSync *self)
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
      cycle_done (self, error);
      return;
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->running = TRUE;
  self->again = FALSE;
  set_status (self, CRN_SYNC_STATUS_SYNCING);
  crn_store_outbox_list_async (self->store, CRN_OUTBOX_SENT, 0, self->cancellable,
                               on_sent_listed_cb, g_object_ref (self));
}

/* ---------------------------------------------------------------------------------- */
/* Live notifications                                                                  */

static gboolean
on_poll_cb (gpointer user_data)
{
  CrnSync *self = user_data;

  if (!self->running && self->retry_id == 0 && self->status != CRN_SYNC_STATUS_SIGNED_OUT)
    run_cycle (self);
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
  connect_live (self);
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
  run_cycle (self);
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
      if (is_cancelled (error))
        return;
      g_debug ("Live notifications unavailable: %s", error->message);
      if (g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT))
        {
          cycle_done (self, error);
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
  run_cycle (self);
}

static void
connect_live (CrnSync *self)
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
  g_autoptr(GError) error = NULL;

  if (!crn_secret_store_save_finish (result, &error))
    g_warning ("The new session could not be kept in the keyring: %s", error->message);
}

static void
on_refresh_token_changed_cb (CrnClient  *client,
                             const char *refresh_token,
                             gpointer    user_data)
{
  CrnSync *self = user_data;

  crn_secret_store_save_async (crn_account_get_server_url (self->account),
                               crn_account_get_username (self->account), refresh_token, NULL,
                               on_token_saved_cb, NULL);
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

  g_assert (self->waiters->len == 0);
  g_ptr_array_unref (self->waiters);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  g_clear_pointer (&self->item, push_item_free);
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
                                          G_CALLBACK (on_refresh_token_changed_cb), self);
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
  run_cycle (self);
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
  run_cycle (self);
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
  g_ptr_array_add (self->waiters, task);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  if (self->running)
    self->again = TRUE;
  else
    run_cycle (self);
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

/* ---------------------------------------------------------------------------------- */
/* Sign-in, resume, sign-out                                                           */

typedef struct
{
  CrnStore   *store;
  CrnClient  *client;
  CrnAccount *account;
  char       *refresh_token;
  gulong      handler;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  if (data->handler != 0)
    g_signal_handler_disconnect (data->client, data->handler);
  g_clear_object (&data->store);
  g_clear_object (&data->client);
  g_clear_object (&data->account);
  if (data->refresh_token != NULL)
    secret_password_free (data->refresh_token);
  g_free (data);
}

static void
on_sign_in_token_cb (CrnClient  *client,
                     const char *refresh_token,
                     gpointer    user_data)
{
  SignIn *data = user_data;

  if (data->refresh_token != NULL)
    secret_password_free (data->refresh_token);
  data->refresh_token = g_strdup (refresh_token);
}

static void
on_account_saved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!crn_store_save_account_finish (CRN_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, crn_sync_new (data->store, data->client, data->account),
                         g_object_unref);
}

static void
on_sign_in_saved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnStoreAccount) stored = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!crn_secret_store_save_finish (result, &error))
    {
      crn_client_forget_tokens (data->client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  stored = crn_account_to_store (data->account);
  crn_store_save_account_async (data->store, stored, cancellable, on_account_saved_cb,
                                g_steal_pointer (&task));
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  data->account = crn_client_sign_in_finish (CRN_CLIENT (source), result, &error);
  if (data->account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_signal_handler (&data->handler, data->client);
  crn_secret_store_save_async (crn_account_get_server_url (data->account),
                               crn_account_get_username (data->account), data->refresh_token,
                               cancellable, on_sign_in_saved_cb, g_steal_pointer (&task));
}

/**
 * crn_sync_sign_in_async:
 * @store: the local store
 * @server_url: the server's address
 * @ca_file: (nullable): the CPTS's certificate authority (PEM)
 * @username: the user name
 * @password: the password (sent once over TLS, never kept)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Signs in, keeps the refresh token in the keyring and the account (no secret) in the
 * store.
 */
void
crn_sync_sign_in_async (CrnStore            *store,
                        const char          *server_url,
                        const char          *ca_file,
                        const char          *username,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  SignIn *data;
  CrnClient *client;

  g_task_set_source_tag (task, crn_sync_sign_in_async);
  client = crn_client_new (server_url, ca_file, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data = g_new0 (SignIn, 1);
  data->store = g_object_ref (store);
  data->client = client;
  data->handler = g_signal_connect (client, "refresh-token-changed",
                                    G_CALLBACK (on_sign_in_token_cb), data);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  crn_client_sign_in_async (client, username, password, cancellable, on_signed_in_cb, task);
}

/**
 * crn_sync_sign_in_finish:
 * @result: the result
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the account's sync, not started
 */
CrnSync *
crn_sync_sign_in_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_resume_lookup_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secret = crn_secret_store_lookup_finish (result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  crn_client_set_refresh_token (data->client, secret);
  if (secret != NULL)
    secret_password_free (secret);
  g_task_return_pointer (task, crn_sync_new (data->store, data->client, data->account),
                         g_object_unref);
}

/**
 * crn_sync_resume_async:
 * @store: the local store
 * @account: an account remembered by the store
 * @ca_file: (nullable): the CPTS's certificate authority (PEM)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Looks the session up in the keyring. Without one, the sync starts signed out.
 */
void
crn_sync_resume_async (CrnStore            *store,
                       CrnAccount          *account,
                       const char          *ca_file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  SignIn *data;
  CrnClient *client;

  g_task_set_source_tag (task, crn_sync_resume_async);
  client = crn_client_new (crn_account_get_server_url (account), ca_file, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data = g_new0 (SignIn, 1);
  data->store = g_object_ref (store);
  data->client = client;
  data->account = g_object_ref (account);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  crn_secret_store_lookup_async (crn_account_get_server_url (account),
                                 crn_account_get_username (account), cancellable,
                                 on_resume_lookup_cb, task);
}

/**
 * crn_sync_resume_finish:
 * @result: the result
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the account's sync, not started
 */
CrnSync *
crn_sync_resume_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_signed_in_again_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSync *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnAccount) account = crn_client_sign_in_finish (CRN_CLIENT (source), result,
                                                             &error);

  if (account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  crn_account_set_role (self->account, crn_account_get_role (account));
  crn_account_set_display_name (self->account, crn_account_get_display_name (account));
  crn_account_set_practitioners (self->account, crn_account_get_practitioners (account));
  /* The new refresh token goes to the keyring through on_refresh_token_changed_cb(). */
  set_last_error (self, NULL);
  set_status (self, CRN_SYNC_STATUS_IDLE);
  g_task_return_boolean (task, TRUE);
  if (self->started)
    {
      run_cycle (self);
      connect_live (self);
    }
}

/**
 * crn_sync_sign_in_again_async:
 * @self: a signed-out sync
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Opens a new session after the previous one ended; the outbox is sent then.
 */
void
crn_sync_sign_in_again_async (CrnSync             *self,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, crn_sync_sign_in_again_async);
  crn_client_sign_in_async (self->client, crn_account_get_username (self->account), password,
                            cancellable, on_signed_in_again_cb, task);
}

gboolean
crn_sync_sign_in_again_finish (CrnSync       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_account_deleted_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_store_delete_account_finish (CRN_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_secrets_cleared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSync *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (!crn_secret_store_clear_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (GPOINTER_TO_INT (g_task_get_task_data (task)))
    crn_store_delete_account_async (self->store, crn_account_get_id (self->account),
                                    cancellable, on_account_deleted_cb,
                                    g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * crn_sync_sign_out_async:
 * @self: a sync
 * @forget_account: also forget the account in the store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stops syncing, forgets the tokens and removes the account's secrets from the keyring.
 * Removing the local agenda file is the application's (close the store, then delete it).
 */
void
crn_sync_sign_out_async (CrnSync             *self,
                         gboolean             forget_account,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, crn_sync_sign_out_async);
  g_task_set_task_data (task, GINT_TO_POINTER (forget_account), NULL);
  crn_sync_stop (self);
  crn_client_forget_tokens (self->client);
  set_status (self, CRN_SYNC_STATUS_SIGNED_OUT);
  crn_secret_store_clear_async (crn_account_get_server_url (self->account),
                                crn_account_get_username (self->account), cancellable,
                                on_secrets_cleared_cb, task);
}

gboolean
crn_sync_sign_out_finish (CrnSync       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
