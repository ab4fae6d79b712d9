/* crn-agenda-store.c: CrnAgenda over the local store: loading, and the person's changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnAgenda"

#include "config.h"

#include "crn-agenda-private.h"

#include <glib/gi18n-lib.h>

#include "crn-sync.h"

/*
 * The store runs every job on its one worker thread, in order, and calls back in the main
 * context: the main loop never waits on the disk. A load asks for the practitioners, the
 * policy, the templates and the slots of a range at once and applies them together when the
 * last answer is in, so that the pages see one ::changed. Each change a person makes is one
 * store transaction holding the new state and its outbox entry (built by the sync layer's
 * crn_change_new_*(), whose client-generated UUID makes a retry harmless).
 */

/*
 * Loading
 */

typedef struct
{
  CrnInstant  from;
  CrnInstant  to;
  guint       serial;
  guint       pending;
  gboolean    full;            /* practitioners, policy and templates too */
  GPtrArray  *practitioners;
  CrnPolicy  *policy;
  GPtrArray  *templates;
  GPtrArray  *entries;
  GError     *error;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_pointer (&data->practitioners, g_ptr_array_unref);
  g_clear_pointer (&data->policy, crn_policy_free);
  g_clear_pointer (&data->templates, g_ptr_array_unref);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static void
load_apply (CrnAgenda *self,
            LoadData  *data)
{
  if (data->full)
    {
      if (data->practitioners != NULL)
        {
          g_ptr_array_set_size (self->practitioners, 0);
          for (guint i = 0; i < data->practitioners->len; i++)
            g_ptr_array_add (self->practitioners,
                             crn_practitioner_copy (g_ptr_array_index (data->practitioners, i)));
        }
      if (data->policy != NULL)
        {
          crn_policy_free (self->policy);
          self->policy = g_steal_pointer (&data->policy);
        }
      for (guint i = 0; data->templates != NULL && i < data->templates->len; i++)
        crn_agenda_set_template (self, g_ptr_array_index (data->templates, i));
    }

  /* A newer range query is on its way: it covers this one, so this answer is dropped. */
  if (data->serial != self->range_serial)
    {
      if (data->full)
        g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
      return;
    }

  g_debug ("Loaded %u slots from the store", data->entries != NULL ? data->entries->len : 0);
  self->loaded_from = data->from;
  self->loaded_to = data->to;
  _crn_agenda_set_entries (self, data->entries);
}

static void
load_step_done (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  CrnAgenda *self = g_task_get_source_object (task);

  g_assert (data->pending > 0);
  if (--data->pending > 0)
    return;

  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }

  load_apply (self, data);
  g_task_return_boolean (task, TRUE);
}

static void
keep_error (LoadData *data,
            GError   *error)
{
  if (data->error == NULL)
    data->error = error;
  else
    g_error_free (error);
}

static void
on_practitioners_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->practitioners = crn_store_list_practitioners_finish (CRN_STORE (object), result, &error);
  if (error != NULL)
    keep_error (data, error);
  load_step_done (task);
}

static void
on_policy_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->policy = crn_store_get_policy_finish (CRN_STORE (object), result, NULL, &error);
  /* Before the first synchronisation there is no policy: the default one stays. */
  if (error != NULL && g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND))
    g_clear_error (&error);
  if (error != NULL)
    keep_error (data, error);
  load_step_done (task);
}

static void
on_templates_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->templates = crn_store_list_templates_finish (CRN_STORE (object), result, &error);
  if (error != NULL)
    keep_error (data, error);
  load_step_done (task);
}

static void
on_week_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->entries = crn_store_week_finish (CRN_STORE (object), result, &error);
  if (error != NULL)
    keep_error (data, error);
  load_step_done (task);
}

static void
start_load (CrnAgenda           *self,
            gboolean             full,
            CrnInstant           from,
            CrnInstant           to,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  g_task_set_source_tag (task, crn_agenda_load_async);
  data->from = from;
  data->to = to;
  data->full = full;
  data->serial = ++self->range_serial;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  /* One reference per job; load_step_done() answers when the last one is back. */
  if (full)
    {
      data->pending += 3;
      crn_store_list_practitioners_async (self->store, cancellable, on_practitioners_cb,
                                          g_object_ref (task));
      crn_store_get_policy_async (self->store, cancellable, on_policy_cb, g_object_ref (task));
      crn_store_list_templates_async (self->store, NULL, cancellable, on_templates_cb,
                                      g_object_ref (task));
    }
  data->pending++;
  crn_store_week_async (self->store, NULL, from, to, cancellable, on_week_cb, task);
}

static void
on_background_load_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CrnAgenda *self = CRN_AGENDA (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (crn_agenda_load_finish (self, result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_warning ("Could not read the agenda file: %s", error->message);
  message = g_strdup_printf (_("The agenda file could not be read: %s"), error->message);
  g_signal_emit (self, _crn_agenda_signals[NOTICE], 0, message);
}

/*
 * Writing
 */

/* A change is in the outbox: the sync sends it now rather than at its next poll. */
static void
push_soon (CrnAgenda *self)
{
  if (self->sync != NULL)
    crn_sync_request_sync (CRN_SYNC (self->sync));
}

static void
tell_write_error (CrnAgenda    *self,
                  const GError *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  message = g_strdup_printf (_("Your change could not be saved: %s"), error->message);
  g_signal_emit (self, _crn_agenda_signals[NOTICE], 0, message);
}

typedef struct
{
  CrnAgenda *agenda;
  char      *practitioner;
} TemplateSave;

static void
template_save_free (TemplateSave *save)
{
  g_object_unref (save->agenda);
  g_free (save->practitioner);
  g_free (save);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TemplateSave, template_save_free)

static void
on_template_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TemplateSave) save = user_data;
  g_autoptr(GError) error = NULL;
  const CrnTemplate *template;

  if (!crn_store_save_template_change_finish (CRN_STORE (object), result, &error))
    {
      tell_write_error (save->agenda, error);
      return;
    }

  push_soon (save->agenda);
  /* The template held now may be a later edit; either way it is the practitioner's. */
  template = crn_agenda_get_template (save->agenda, save->practitioner);
  if (template != NULL)
    g_signal_emit (save->agenda, _crn_agenda_signals[TEMPLATE_SAVED], 0, template);
}

void
_crn_agenda_store_save_template (CrnAgenda         *self,
                                 const CrnTemplate *template)
{
  g_autoptr(CrnOutboxEntry) entry = crn_change_new_template (template);
  TemplateSave *save = g_new0 (TemplateSave, 1);

  save->agenda = g_object_ref (self);
  save->practitioner = g_strdup (template->practitioner);
  crn_store_save_template_change_async (self->store, template, entry, self->cancellable,
                                        on_template_saved_cb, save);
}

static void
on_booking_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnAgenda *self = g_task_get_source_object (task);
  const CrnBooking *booking = g_task_get_task_data (task);
  GError *error = NULL;

  if (!crn_store_save_booking_change_finish (CRN_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _crn_agenda_put_booking (self, booking);
  push_soon (self);
  g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

static void
on_slot_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnAgenda *self = g_task_get_source_object (task);
  const CrnSlot *slot = g_task_get_task_data (task);
  GError *error = NULL;

  if (!crn_store_save_slot_change_finish (CRN_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  _crn_agenda_put_slot (self, slot);
  push_soon (self);
  g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

static const char *
kind_for_action (CrnBookingAction action)
{
  switch (action)
    {
    case CRN_BOOKING_ACTION_ACCEPT:  return CRN_CHANGE_BOOKING_ACCEPT;
    case CRN_BOOKING_ACTION_DECLINE: return CRN_CHANGE_BOOKING_DECLINE;
    case CRN_BOOKING_ACTION_ARRIVE:
    case CRN_BOOKING_ACTION_SEEN:
    case CRN_BOOKING_ACTION_NOSHOW:  return CRN_CHANGE_BOOKING_OUTCOME;
    case CRN_BOOKING_ACTION_CANCEL:  return CRN_CHANGE_BOOKING_CANCEL;
    case CRN_BOOKING_ACTION_ERROR:   return CRN_CHANGE_BOOKING_EDIT;
    default:                         g_assert_not_reached ();
    }
}

/*
 * The sync
 */

static void
on_sync_store_changed_cb (CrnAgenda  *self,
                          const char *resource_type,
                          guint       n_applied)
{
  if (n_applied > 0)
    crn_agenda_reload (self);
}

static void
on_sync_change_refused_cb (CrnAgenda  *self,
                           const char *uuid,
                           const char *kind,
                           const char *target_id,
                           const char *message)
{
  /* The server's state wins: show it, and what the server holds now. */
  g_signal_emit (self, _crn_agenda_signals[NOTICE], 0, message);
  crn_agenda_reload (self);
}

static void
on_sync_state_cb (CrnAgenda *self)
{
  CrnSyncStatus status = crn_sync_get_status (CRN_SYNC (self->sync));

  crn_agenda_set_online (self, status == CRN_SYNC_STATUS_IDLE || status == CRN_SYNC_STATUS_SYNCING);
  crn_agenda_set_syncing (self, status == CRN_SYNC_STATUS_SYNCING);
}

void
_crn_agenda_disconnect_sync (CrnAgenda *self)
{
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
}

/*
 * Public API
 */

/**
 * crn_agenda_set_store:
 * @self: a #CrnAgenda
 * @store: (nullable): the open local store
 *
 * Makes @self read from and write to @store. Nothing is loaded yet: call
 * crn_agenda_load_async() for the first range (the visible week).
 */
void
crn_agenda_set_store (CrnAgenda *self,
                      CrnStore  *store)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (store == NULL || CRN_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  self->loaded_from = self->loaded_to = 0;
  self->range_serial++;
  g_object_notify (G_OBJECT (self), "store");
}

/**
 * crn_agenda_get_store:
 * @self: a #CrnAgenda
 *
 * Returns: (transfer none) (nullable): the local store
 */
CrnStore *
crn_agenda_get_store (CrnAgenda *self)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);

  return self->store;
}

/**
 * crn_agenda_set_sync:
 * @self: a #CrnAgenda with a store
 * @sync: (nullable) (type CrnSync): the sync of that store
 *
 * Follows @sync: its status drives #CrnAgenda:online and #CrnAgenda:syncing, server data
 * written to the store reloads the agenda, and a change the server refused for good is told
 * through ::notice with the sync's sentence.
 */
void
crn_agenda_set_sync (CrnAgenda *self,
                     GObject   *sync)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (sync == NULL || CRN_IS_SYNC (sync));

  _crn_agenda_disconnect_sync (self);
  if (sync == NULL)
    return;

  self->sync = g_object_ref (sync);
  g_signal_connect_object (sync, "store-changed", G_CALLBACK (on_sync_store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "change-refused", G_CALLBACK (on_sync_change_refused_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "notify::state", G_CALLBACK (on_sync_state_cb), self,
                           G_CONNECT_SWAPPED);
  on_sync_state_cb (self);
}

/**
 * crn_agenda_load_async:
 * @self: a #CrnAgenda with a store
 * @from: start of the range of slots to hold (UTC)
 * @to: end of that range (UTC, exclusive)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when loaded
 * @user_data: data for @callback
 *
 * Loads the practitioners, the policy, the templates and the slots of [@from, @to) with
 * their bookings, and emits ::changed once.
 */
void
crn_agenda_load_async (CrnAgenda           *self,
                       CrnInstant           from,
                       CrnInstant           to,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (self->store != NULL);
  g_return_if_fail (from <= to);

  start_load (self, TRUE, from, to, cancellable, callback, user_data);
}

/**
 * crn_agenda_load_finish:
 * @self: a #CrnAgenda
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: whether the agenda was loaded
 */
gboolean
crn_agenda_load_finish (CrnAgenda     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * crn_agenda_ensure_range:
 * @self: a #CrnAgenda
 * @from: start (UTC)
 * @to: end (UTC, exclusive)
 *
 * Makes sure the slots of [@from, @to) are held (a page is about to show them): when they are
 * not, the held range grows to cover them and is loaded in the background (::changed follows).
 * Does nothing without a store.
 */
void
crn_agenda_ensure_range (CrnAgenda  *self,
                         CrnInstant  from,
                         CrnInstant  to)
{
  g_return_if_fail (CRN_IS_AGENDA (self));

  if (self->store == NULL)
    return;
  if (self->loaded_from < self->loaded_to && from >= self->loaded_from && to <= self->loaded_to)
    return;

  if (self->loaded_from < self->loaded_to)
    {
      from = MIN (from, self->loaded_from);
      to = MAX (to, self->loaded_to);
    }
  /* Counted as held from now on, so that a page asking again does not start another load. */
  self->loaded_from = from;
  self->loaded_to = to;
  start_load (self, FALSE, from, to, self->cancellable, on_background_load_cb, NULL);
}

/**
 * crn_agenda_reload:
 * @self: a #CrnAgenda
 *
 * Reads everything held again from the store, in the background (after the sync wrote to
 * it). Does nothing without a store.
 */
void
crn_agenda_reload (CrnAgenda *self)
{
  g_return_if_fail (CRN_IS_AGENDA (self));

  if (self->store == NULL)
    return;
  start_load (self, TRUE, self->loaded_from, self->loaded_to, self->cancellable,
              on_background_load_cb, NULL);
}

/**
 * crn_agenda_save_booking_async:
 * @self: a #CrnAgenda
 * @booking: the booking as it must now be (copied)
 * @kind: its outbox kind (%CRN_CHANGE_BOOKING_OUTCOME…)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Writes @booking and its outbox entry in one transaction (with a store; in memory only
 * otherwise), then shows it and emits ::changed. Also used to undo a change: @booking is
 * then the state before it.
 */
void
crn_agenda_save_booking_async (CrnAgenda           *self,
                               const CrnBooking    *booking,
                               const char          *kind,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  CrnBooking *copy;

  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (booking != NULL && booking->id != NULL);
  g_return_if_fail (kind != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_agenda_save_booking_async);
  copy = crn_booking_copy (booking);
  g_task_set_task_data (task, copy, (GDestroyNotify) crn_booking_free);

  if (self->store == NULL)
    {
      _crn_agenda_put_booking (self, copy);
      g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
      g_task_return_boolean (task, TRUE);
      return;
    }

  entry = crn_change_new_booking (kind, copy);
  crn_store_save_booking_change_async (self->store, copy, entry, cancellable,
                                       on_booking_saved_cb, g_steal_pointer (&task));
}

/**
 * crn_agenda_save_booking_finish:
 * @self: a #CrnAgenda
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: whether the booking was saved
 */
gboolean
crn_agenda_save_booking_finish (CrnAgenda     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * crn_agenda_apply_booking_async:
 * @self: a #CrnAgenda
 * @booking: the booking as shown
 * @action: what the person did
 * @reason: (nullable): why (decline, cancel)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Applies @action to a copy of @booking (the core's state machine says whether it may) and
 * saves it as crn_agenda_save_booking_async() does, with the matching outbox kind.
 */
void
crn_agenda_apply_booking_async (CrnAgenda           *self,
                                const CrnBooking    *booking,
                                CrnBookingAction     action,
                                const char          *reason,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(CrnBooking) changed = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (booking != NULL);

  changed = crn_booking_copy (booking);
  if (!crn_booking_apply (changed, action, reason, &error))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, crn_agenda_save_booking_async);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  crn_agenda_save_booking_async (self, changed, kind_for_action (action), cancellable,
                                 callback, user_data);
}

/**
 * crn_agenda_apply_booking_finish:
 * @self: a #CrnAgenda
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: whether the change was saved
 */
gboolean
crn_agenda_apply_booking_finish (CrnAgenda     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return crn_agenda_save_booking_finish (self, result, error);
}

/**
 * crn_agenda_can_reclaim:
 * @self: a #CrnAgenda
 * @slot_id: a slot held by @self
 * @now: the current instant
 * @error: return location for the reason it may not
 *
 * Returns: whether the practice may take the slot back for its own patients now: it is
 *   free, offered to regulation, and inside the CPTS's reclaim window
 */
gboolean
crn_agenda_can_reclaim (CrnAgenda   *self,
                        const char  *slot_id,
                        CrnInstant   now,
                        GError     **error)
{
  CrnSlotObject *object;
  const CrnBooking *booking;

  g_return_val_if_fail (CRN_IS_AGENDA (self), FALSE);
  g_return_val_if_fail (slot_id != NULL, FALSE);

  object = crn_agenda_find_slot (self, slot_id);
  if (object == NULL)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                   _("This slot is no longer in the agenda. Reload the week."));
      return FALSE;
    }
  if (crn_slot_object_get_slot (object)->visibility == CRN_VISIBILITY_NONE)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_NOT_VISIBLE,
                   _("This slot is already kept for your own patients."));
      return FALSE;
    }
  booking = crn_slot_object_get_booking (object);
  if (booking != NULL && crn_booking_holds_slot (booking))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_SLOT_NOT_FREE,
                   _("This slot is booked: only a free slot can be taken back."));
      return FALSE;
    }

  return crn_policy_check_reclaim (self->policy, crn_slot_object_get_slot (object), now, error);
}

/**
 * crn_agenda_reclaim_async:
 * @self: a #CrnAgenda
 * @slot_id: a free slot held by @self
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Takes the slot back for the practice's own patients (no longer offered to regulation),
 * when crn_agenda_can_reclaim() allows it now: the slot and its "slot.reclaim" outbox entry
 * are written in one transaction. The server may still refuse it (regulation booked first):
 * the sync then says so through ::notice (see crn_agenda_set_sync()).
 */
void
crn_agenda_reclaim_async (CrnAgenda           *self,
                          const char          *slot_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  CrnSlot *slot;

  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (slot_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_agenda_reclaim_async);

  if (!crn_agenda_can_reclaim (self, slot_id, crn_time_now (), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  slot = crn_slot_copy (crn_slot_object_get_slot (crn_agenda_find_slot (self, slot_id)));
  slot->visibility = CRN_VISIBILITY_NONE;
  /* The server knows a slot by its practitioner and place: one without a place was never
   * received from it and cannot be sent back. */
  if (self->store != NULL && slot->place_id == NULL)
    {
      crn_slot_free (slot);
      g_task_return_new_error (task, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                               _("This slot has no place of consultation, so the CPTS server "
                                 "cannot be told. Wait for the next synchronisation and try "
                                 "again."));
      return;
    }
  g_task_set_task_data (task, slot, (GDestroyNotify) crn_slot_free);

  if (self->store == NULL)
    {
      _crn_agenda_put_slot (self, slot);
      g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
      g_task_return_boolean (task, TRUE);
      return;
    }

  entry = crn_change_new_slot (CRN_CHANGE_SLOT_RECLAIM, slot);
  crn_store_save_slot_change_async (self->store, slot, entry, cancellable, on_slot_saved_cb,
                                    g_steal_pointer (&task));
}

/**
 * crn_agenda_reclaim_finish:
 * @self: a #CrnAgenda
 * @result: the result
 * @error: return location for a #GError (the policy's reason when it may not)
 *
 * Returns: whether the slot was taken back (locally; the sync sends it)
 */
gboolean
crn_agenda_reclaim_finish (CrnAgenda     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
