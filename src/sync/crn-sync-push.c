/* crn-sync-push.c: drains the outbox, one change at a time, exactly once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync-private.h"

/* ---------------------------------------------------------------------------------- */
/* Push                                                                                */

static void push_next (CrnSync *self);

void
_crn_sync_push_item_free (PushItem *item)
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
  g_free (item->refusal);
  crn_outbox_entry_free (item->entry);
  g_free (item);
}


static void
on_marked_final_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_store_outbox_mark_finish (CRN_STORE (source), result, &error))
    {
      _crn_sync_cycle_done (self, error);
      return;
    }
  g_clear_pointer (&self->item, _crn_sync_push_item_free);
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
      _crn_sync_emit_change_refused (self, item->entry->uuid, item->entry->kind,
                                     item->entry->target_id, message);
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

  if (!_crn_sync_upsert_finish (self, self->item->target, result, &n_applied, &error))
    {
      if (!_crn_sync_is_cancelled (error))
        g_warning ("Could not keep the server's copy: %s", error->message);
      _crn_sync_cycle_done (self, error);
    }
  else
    {
      if (n_applied > 0)
        _crn_sync_emit_store_changed (self, _crn_sync_target_type_name (self->item->target),
                                      n_applied);
      finish_item (self, data->state, data->message);
    }
  g_free (data->message);
  g_object_unref (data->self);
  g_free (data);
}

static void
on_item_restored_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  FinishData *data = user_data;
  CrnSync *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean applied = FALSE;
  gboolean ok;

  switch (self->item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      ok = crn_store_restore_slot_finish (CRN_STORE (source), result, &applied, &error);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      ok = crn_store_restore_booking_finish (CRN_STORE (source), result, &applied, &error);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      ok = crn_store_restore_template_finish (CRN_STORE (source), result, &applied, &error);
      break;
    }
  if (!ok)
    {
      if (!_crn_sync_is_cancelled (error))
        g_warning ("Could not put the server's copy back: %s", error->message);
      _crn_sync_cycle_done (self, error);
    }
  else
    {
      if (applied)
        _crn_sync_emit_store_changed (self, _crn_sync_target_type_name (self->item->target), 1);
      finish_item (self, data->state, data->message);
    }
  g_free (data->message);
  g_object_unref (data->self);
  g_free (data);
}

/* The server refused the change for good: its copy (@server, %NULL when it has none) goes
 * back over the local edit, which has the same version (an upsert would skip it), then the
 * entry fails with @message and change-refused tells the UI. */
static void
restore_and_refuse (CrnSync       *self,
                    gconstpointer  server,
                    const char    *message)
{
  PushItem *item = self->item;
  FinishData *data;

  if (server == NULL && item->target != CRN_CHANGE_TARGET_BOOKING)
    {
      finish_item (self, CRN_OUTBOX_FAILED, message);
      return;
    }
  data = g_new0 (FinishData, 1);
  data->self = g_object_ref (self);
  data->state = CRN_OUTBOX_FAILED;
  data->message = g_strdup (message);
  switch (item->target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      crn_store_restore_slot_async (self->store, server, self->cancellable,
                                    on_item_restored_cb, data);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      crn_store_restore_booking_async (self->store, ((CrnBooking *) item->wanted)->id, server,
                                       self->cancellable, on_item_restored_cb, data);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      crn_store_restore_template_async (self->store, server, self->cancellable,
                                        on_item_restored_cb, data);
      break;
    }
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

  if (state == CRN_OUTBOX_FAILED)
    {
      restore_and_refuse (self, server, message);
      return;
    }
  if (server == NULL)
    {
      finish_item (self, state, message);
      return;
    }
  data = g_new0 (FinishData, 1);
  data->self = g_object_ref (self);
  data->state = state;
  data->message = g_strdup (message);
  objects = g_ptr_array_new_with_free_func (_crn_sync_target_free_func (self->item->target));
  g_ptr_array_add (objects, _crn_sync_copy_object (self->item->target, server));
  _crn_sync_upsert_async (self, self->item->target, objects, on_item_stored_cb, data);
}

static void
on_marked_pending_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  GError *error = g_object_steal_data (G_OBJECT (self), "crn-push-error");

  crn_store_outbox_mark_finish (CRN_STORE (source), result, NULL);
  _crn_sync_cycle_done (self, error);
  g_clear_error (&error);
}

/* A transient failure: the entry goes back to pending and the cycle stops. */
static void
postpone_item (CrnSync      *self,
               const GError *error)
{
  if (_crn_sync_is_cancelled (error))
    {
      _crn_sync_cycle_done (self, error);
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
      /* Also after a refusal: the entry is tried again later, and refused again, until the
       * server's copy can be put back. */
      postpone_item (self, error);
      return;
    }
  if (response->status == SOUP_STATUS_NOT_FOUND || response->status == SOUP_STATUS_GONE)
    {
      restore_and_refuse (self, NULL,
                          item->refusal != NULL
                          ? item->refusal
                          : _("This no longer exists on the server; your change could not "
                              "be applied."));
      return;
    }
  if (item->refusal != NULL && response->status != SOUP_STATUS_OK)
    {
      finish_item (self, CRN_OUTBOX_FAILED, item->refusal);
      return;
    }
  if (response->status != SOUP_STATUS_OK || response->body == NULL)
    {
      message = crn_response_dup_message (response);
      finish_item (self, CRN_OUTBOX_FAILED, message);
      return;
    }
  server = _crn_sync_parse_resource (item->target, response->body, NULL, &error);
  if (server == NULL)
    {
      g_autoptr(GError) unreadable =
        g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                     _("The server sent a copy that could not be read (%s). Créneaux will "
                       "try again later."), error->message);
      postpone_item (self, unreadable);
      return;
    }
  g_clear_pointer (&item->server, _crn_sync_target_free_func (item->target));
  item->server = server;

  if (item->refusal != NULL)
    {
      restore_and_refuse (self, server, item->refusal);
      return;
    }

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
      g_clear_pointer (&item->wanted, _crn_sync_target_free_func (item->target));
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
      stored = _crn_sync_parse_resource (item->target, response->body, NULL, &error);
      if (stored == NULL)
        {
          g_autoptr(GError) unreadable =
            g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                         _("The server's answer to a change could not be read (%s). "
                           "Créneaux will try again later."), error->message);
          postpone_item (self, unreadable);
          return;
        }
      g_clear_pointer (&item->server, _crn_sync_target_free_func (item->target));
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

  /* Refused for good (400, 403, 404, 422…): read the server's copy, put it back over the
   * local edit, then tell the UI. */
  g_free (item->refusal);
  item->refusal = crn_response_dup_message (response);
  fetch_current (self);
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
      _crn_sync_cycle_done (self, error);
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
      _crn_sync_pull (self);
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

/*
 * The reads that start a cycle — the outbox's "sent" entries, its "pending" ones and the
 * pull's watermark — are asked of the store thread at once: it runs them back to back, and
 * the main loop waits for one answer instead of three in a row. Only a pull writes the
 * watermark, so reading it before the push is the same as after.
 *
 * When they find the outbox empty, what they read is kept with the store's change count
 * taken before them: while the count stays the same, nothing was written to the file, so
 * the next cycle starts from that without asking the store thread (a no-change sync is
 * then one request answered 304). A user's change is written before its action returns,
 * so it moves the count before anyone asks for the sync that sends it. The kept reads
 * also expire after a minute, so a writer the count does not see (another connection to
 * the file) delays a send by that much at worst.
 */
#define QUIET_MAX_AGE_US (60 * G_USEC_PER_SEC)

typedef struct
{
  CrnSync      *self;
  guint         generation;
  guint64       change_count;
  guint         remaining;
  GPtrArray    *sent;
  GPtrArray    *pending;
  CrnSyncState *state;
  GError       *error;         /* of the outbox reads */
  GError       *state_error;
} CycleReads;

static void
cycle_reads_free (CycleReads *reads)
{
  g_object_unref (reads->self);
  g_clear_pointer (&reads->sent, g_ptr_array_unref);
  g_clear_pointer (&reads->pending, g_ptr_array_unref);
  g_clear_pointer (&reads->state, crn_sync_state_free);
  g_clear_error (&reads->error);
  g_clear_error (&reads->state_error);
  g_free (reads);
}

static void
cycle_reads_done (CycleReads *reads)
{
  CrnSync *self = reads->self;

  if (--reads->remaining > 0)
    return;
  if (reads->generation != self->generation)
    ;   /* the cycle has ended meanwhile */
  else if (reads->error != NULL)
    _crn_sync_cycle_done (self, reads->error);
  else
    {
      self->cycle_state = g_steal_pointer (&reads->state);
      self->cycle_state_error = g_steal_pointer (&reads->state_error);
      /* Entries left "sent" by a crash or a lost answer go first, in their order. */
      self->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_outbox_entry_free);
      for (guint i = 0; i < reads->sent->len; i++)
        g_ptr_array_add (self->queue,
                         crn_outbox_entry_copy (g_ptr_array_index (reads->sent, i)));
      for (guint i = 0; i < reads->pending->len; i++)
        g_ptr_array_add (self->queue,
                         crn_outbox_entry_copy (g_ptr_array_index (reads->pending, i)));
      g_ptr_array_sort (self->queue, compare_seq);
      self->queue_pos = 0;
      if (self->queue->len == 0 && self->cycle_state != NULL)
        {
          self->quiet_state = crn_sync_state_copy (self->cycle_state);
          self->quiet_count = reads->change_count;
          self->quiet_at_us = g_get_monotonic_time ();
        }
      if (self->queue->len > 0)
        g_debug ("Pushing %u change(s)", self->queue->len);
      push_next (self);
    }
  cycle_reads_free (reads);
}

static void
on_sent_listed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CycleReads *reads = user_data;
  GError *error = NULL;

  reads->sent = crn_store_outbox_list_finish (CRN_STORE (source), result, &error);
  if (reads->sent == NULL && reads->error == NULL)
    reads->error = error;
  else
    g_clear_error (&error);
  cycle_reads_done (reads);
}

static void
on_pending_listed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  CycleReads *reads = user_data;
  GError *error = NULL;

  reads->pending = crn_store_outbox_list_finish (CRN_STORE (source), result, &error);
  if (reads->pending == NULL && reads->error == NULL)
    reads->error = error;
  else
    g_clear_error (&error);
  cycle_reads_done (reads);
}

static void
on_state_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CycleReads *reads = user_data;

  reads->state = crn_store_get_sync_state_finish (CRN_STORE (source), result,
                                                  &reads->state_error);
  cycle_reads_done (reads);
}

/**
 * _crn_sync_push:
 * @self: a sync
 *
 * Drains the outbox in order (entries left "sent" by a crash first), then pulls.
 */
void
_crn_sync_push (CrnSync *self)
{
  guint64 change_count = crn_store_get_change_count (self->store);
  CycleReads *reads;

  if (self->quiet_state != NULL && change_count == self->quiet_count &&
      g_get_monotonic_time () - self->quiet_at_us < QUIET_MAX_AGE_US)
    {
      self->cycle_state = crn_sync_state_copy (self->quiet_state);
      self->queue = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_outbox_entry_free);
      self->queue_pos = 0;
      push_next (self);
      return;
    }
  g_clear_pointer (&self->quiet_state, crn_sync_state_free);

  reads = g_new0 (CycleReads, 1);
  reads->self = g_object_ref (self);
  reads->generation = self->generation;
  reads->change_count = change_count;
  reads->remaining = 3;
  crn_store_outbox_list_async (self->store, CRN_OUTBOX_SENT, 0, self->cancellable,
                               on_sent_listed_cb, reads);
  crn_store_outbox_list_async (self->store, CRN_OUTBOX_PENDING, 0, self->cancellable,
                               on_pending_listed_cb, reads);
  crn_store_get_sync_state_async (self->store, CRN_SYNC_PULL_RESOURCE, self->cancellable,
                                  on_state_read_cb, reads);
}

