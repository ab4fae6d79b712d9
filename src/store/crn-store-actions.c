/* crn-store-actions.c: CrnStore's user actions, views, inbox, outbox, sync state, accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The second half of CrnStore (crn-store.c holds the type, the worker and the server
 * data): each public call copies its arguments into a job for the worker thread.
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include "crn-store.h"
#include "crn-store-job-private.h"

/* ------------------------------------------------------------------ user actions */

static gpointer
save_slot_change_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_save_slot_change (db, a->object, a->entry, error));
}

/**
 * crn_store_save_slot_change_async:
 * @self: a store
 * @slot: the slot as the user changed it (e.g. reclaimed), copied
 * @entry: the outbox entry that will push it ("slot.reclaim"…), copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Saves the local change and its outbox entry in one transaction. Calling it again with
 * the same @entry (same UUID) leaves one outbox entry.
 */
void
crn_store_save_slot_change_async (CrnStore             *self,
                                  const CrnSlot        *slot,
                                  const CrnOutboxEntry *entry,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (slot != NULL && entry != NULL);

  a->object = crn_slot_copy (slot);
  a->object_free = (GDestroyNotify) crn_slot_free;
  a->entry = crn_outbox_entry_copy (entry);
  _crn_store_run_job (self, crn_store_save_slot_change_async, a, save_slot_change_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_save_slot_change_finish:
 *
 * Returns: %TRUE on success; on failure nothing was saved
 */
gboolean
crn_store_save_slot_change_finish (CrnStore      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  FINISH_CHECK (self, result, crn_store_save_slot_change_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
save_booking_change_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_save_booking_change (db, a->object, a->entry, error));
}

/**
 * crn_store_save_booking_change_async:
 * @self: a store
 * @booking: the booking as the user changed it (crn_booking_apply()), copied
 * @entry: the outbox entry that will push it ("booking.accept", "booking.outcome"…), copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Saves the local change and its outbox entry in one transaction; a retry with the same
 * @entry leaves one outbox entry.
 */
void
crn_store_save_booking_change_async (CrnStore             *self,
                                     const CrnBooking     *booking,
                                     const CrnOutboxEntry *entry,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (booking != NULL && entry != NULL);

  a->object = crn_booking_copy (booking);
  a->object_free = (GDestroyNotify) crn_booking_free;
  a->entry = crn_outbox_entry_copy (entry);
  _crn_store_run_job (self, crn_store_save_booking_change_async, a, save_booking_change_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_save_booking_change_finish:
 *
 * Returns: %TRUE on success; on failure nothing was saved
 */
gboolean
crn_store_save_booking_change_finish (CrnStore      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  FINISH_CHECK (self, result, crn_store_save_booking_change_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
save_template_change_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_save_template_change (db, a->object, a->entry, error));
}

/**
 * crn_store_save_template_change_async:
 * @self: a store
 * @template: the template as the user edited it, copied
 * @entry: the outbox entry that will push it ("template.put"), copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Saves the template and its outbox entry in one transaction.
 */
void
crn_store_save_template_change_async (CrnStore             *self,
                                      const CrnTemplate    *template,
                                      const CrnOutboxEntry *entry,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (template != NULL && entry != NULL);

  a->object = crn_template_copy (template);
  a->object_free = (GDestroyNotify) crn_template_free;
  a->entry = crn_outbox_entry_copy (entry);
  _crn_store_run_job (self, crn_store_save_template_change_async, a, save_template_change_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_save_template_change_finish:
 *
 * Returns: %TRUE on success; on failure nothing was saved
 */
gboolean
crn_store_save_template_change_finish (CrnStore      *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  FINISH_CHECK (self, result, crn_store_save_template_change_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
replace_template_slots_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_replace_template_slots (db, a->str, a->array, a->i1,
                                                                &a->out1, &a->out2, error));
}

/**
 * crn_store_replace_template_slots_async:
 * @self: a store
 * @template_id: the template
 * @slots: (element-type CrnSlot): crn_template_expand() of it, copied
 * @from: slots starting before this instant are left alone
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Replaces the future slots of the template in one transaction. A stored slot the new
 * expansion no longer has is deleted, unless it holds a booking: then it is kept and
 * flagged as a conflict with a note for the week view.
 */
void
crn_store_replace_template_slots_async (CrnStore            *self,
                                        const char          *template_id,
                                        GPtrArray           *slots,
                                        CrnInstant           from,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (template_id != NULL && slots != NULL);

  a->str = g_strdup (template_id);
  a->array = _crn_store_copy_array (slots, (CrnStoreCopyFunc) crn_slot_copy,
                                    (GDestroyNotify) crn_slot_free);
  a->i1 = from;
  _crn_store_run_job (self, crn_store_replace_template_slots_async, a, replace_template_slots_job,
                      NULL, cancellable, callback, user_data);
}

/**
 * crn_store_replace_template_slots_finish:
 * @n_removed: (out) (optional): slots deleted
 * @n_flagged: (out) (optional): slots kept because booked, flagged as conflicts
 *
 * Returns: %TRUE on success; on failure nothing changed
 */
gboolean
crn_store_replace_template_slots_finish (CrnStore      *self,
                                         GAsyncResult  *result,
                                         guint         *n_removed,
                                         guint         *n_flagged,
                                         GError       **error)
{
  FINISH_CHECK (self, result, crn_store_replace_template_slots_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_removed != NULL)
    *n_removed = _crn_store_task_args (result)->out1;
  if (n_flagged != NULL)
    *n_flagged = _crn_store_task_args (result)->out2;
  return TRUE;
}

/* ------------------------------------------------------------------ views */

static gpointer
week_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_week (db, (const char * const *) a->strv, a->i1, a->i2, error);
}

/**
 * crn_store_week_async:
 * @self: a store
 * @practitioners: (nullable) (array zero-terminated=1): IDNPS, %NULL for all
 * @from: start (inclusive)
 * @to: end (exclusive)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * The week view: slots starting in [@from, @to) with the booking holding each, in one query.
 */
void
crn_store_week_async (CrnStore            *self,
                      const char * const  *practitioners,
                      CrnInstant           from,
                      CrnInstant           to,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->strv = g_strdupv ((char **) practitioners);
  a->i1 = from;
  a->i2 = to;
  _crn_store_run_job (self, crn_store_week_async, a, week_job, (GDestroyNotify) g_ptr_array_unref,
                      cancellable, callback, user_data);
}

/**
 * crn_store_week_finish:
 *
 * Returns: (transfer full) (element-type CrnWeekEntry) (nullable): by start
 */
GPtrArray *
crn_store_week_finish (CrnStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  FINISH_CHECK (self, result, crn_store_week_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
figures_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_figures (db, a->str, a->i1, a->i2, &a->figures, error));
}

/**
 * crn_store_figures_async:
 * @self: a store
 * @practitioner: (nullable): IDNPS, %NULL for the whole practice
 * @from: start of the period (inclusive)
 * @to: end of the period (exclusive)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * The figures of the period as crn_figures_compute() defines them, in one query.
 */
void
crn_store_figures_async (CrnStore            *self,
                         const char          *practitioner,
                         CrnInstant           from,
                         CrnInstant           to,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->str = g_strdup (practitioner);
  a->i1 = from;
  a->i2 = to;
  _crn_store_run_job (self, crn_store_figures_async, a, figures_job, NULL, cancellable, callback,
                      user_data);
}

/**
 * crn_store_figures_finish:
 * @figures: (out caller-allocates): the figures
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_figures_finish (CrnStore      *self,
                          GAsyncResult  *result,
                          CrnFigures    *figures,
                          GError       **error)
{
  FINISH_CHECK (self, result, crn_store_figures_async, FALSE);
  g_return_val_if_fail (figures != NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *figures = _crn_store_task_args (result)->figures;
  return TRUE;
}

/* ------------------------------------------------------------------ inbox */

static gpointer
inbox_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  switch ((CrnStoreInbox) a->i1)
    {
    case CRN_STORE_INBOX_TO_CONFIRM:
      return _crn_store_db_bookings_to_confirm (db, error);
    case CRN_STORE_INBOX_TODAY:
      {
        GDate day;
        CrnInstant from;

        crn_time_to_local (a->i2, &day, NULL, NULL);
        from = crn_time_from_local (&day, 0);
        g_date_add_days (&day, 1);
        return _crn_store_db_bookings_between (db, from, crn_time_from_local (&day, 0), error);
      }
    case CRN_STORE_INBOX_COMING:
      return _crn_store_db_bookings_coming (db, a->i2, 0, error);
    case CRN_STORE_INBOX_WITHOUT_OUTCOME:
      return _crn_store_db_bookings_without_outcome (db, a->i2, error);
    default:
      g_assert_not_reached ();
    }
}

/**
 * crn_store_list_inbox_async:
 * @self: a store
 * @inbox: which list
 * @now: the current instant (crn_time_now())
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * One of the inbox lists of bookings, each one query over an index.
 */
void
crn_store_list_inbox_async (CrnStore            *self,
                            CrnStoreInbox        inbox,
                            CrnInstant           now,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (inbox <= CRN_STORE_INBOX_WITHOUT_OUTCOME);

  a->i1 = inbox;
  a->i2 = now;
  _crn_store_run_job (self, crn_store_list_inbox_async, a, inbox_job,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_list_inbox_finish:
 *
 * Returns: (transfer full) (element-type CrnBooking) (nullable): the bookings
 */
GPtrArray *
crn_store_list_inbox_finish (CrnStore      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  FINISH_CHECK (self, result, crn_store_list_inbox_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
extras_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_extras_between (db, a->i1, a->i2, error);
}

/**
 * crn_store_list_extras_async:
 * @self: a store
 * @from: start (inclusive)
 * @to: end (exclusive)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * The extra patients (surnuméraires: seen without a slot) of a period, cancelled ones left
 * out, soonest first.
 */
void
crn_store_list_extras_async (CrnStore            *self,
                             CrnInstant           from,
                             CrnInstant           to,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->i1 = from;
  a->i2 = to;
  _crn_store_run_job (self, crn_store_list_extras_async, a, extras_job,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_list_extras_finish:
 *
 * Returns: (transfer full) (element-type CrnBooking) (nullable): the extra patients
 */
GPtrArray *
crn_store_list_extras_finish (CrnStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  FINISH_CHECK (self, result, crn_store_list_extras_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
noshows_per_month_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_noshows_per_month (db, a->str, &a->date, (guint) a->i1, error);
}

/**
 * crn_store_noshows_per_month_async:
 * @self: a store
 * @practitioner: (nullable): IDNPS, %NULL for all
 * @first_month: a day in the first month
 * @n_months: how many months
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * No-shows and seen patients per month (Europe/Paris), in one query.
 */
void
crn_store_noshows_per_month_async (CrnStore            *self,
                                   const char          *practitioner,
                                   const GDate         *first_month,
                                   guint                n_months,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (first_month != NULL && g_date_valid (first_month));

  a->str = g_strdup (practitioner);
  a->date = *first_month;
  a->i1 = n_months;
  _crn_store_run_job (self, crn_store_noshows_per_month_async, a, noshows_per_month_job,
                      (GDestroyNotify) g_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_noshows_per_month_finish:
 *
 * Returns: (transfer full) (element-type CrnNoshowCount) (nullable): one per month
 */
GArray *
crn_store_noshows_per_month_finish (CrnStore      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  FINISH_CHECK (self, result, crn_store_noshows_per_month_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
noshows_per_referrer_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_noshows_per_referrer (db, a->str, a->i1, a->i2, error);
}

/**
 * crn_store_noshows_per_referrer_async:
 * @self: a store
 * @practitioner: (nullable): IDNPS, %NULL for all
 * @from: start of the period (inclusive)
 * @to: end of the period (exclusive)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * No-shows and seen patients per referrer over a period, in one query.
 */
void
crn_store_noshows_per_referrer_async (CrnStore            *self,
                                      const char          *practitioner,
                                      CrnInstant           from,
                                      CrnInstant           to,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->str = g_strdup (practitioner);
  a->i1 = from;
  a->i2 = to;
  _crn_store_run_job (self, crn_store_noshows_per_referrer_async, a, noshows_per_referrer_job,
                      (GDestroyNotify) g_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_noshows_per_referrer_finish:
 *
 * Returns: (transfer full) (element-type CrnNoshowCount) (nullable): one per referrer
 */
GArray *
crn_store_noshows_per_referrer_finish (CrnStore      *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  FINISH_CHECK (self, result, crn_store_noshows_per_referrer_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
repeat_noshows_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_repeat_noshows (db, (guint) a->i1, error);
}

/**
 * crn_store_repeat_noshows_async:
 * @self: a store
 * @min_count: least number of no-shows (at least 2)
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Patients (same names and birth date) who missed @min_count bookings or more.
 */
void
crn_store_repeat_noshows_async (CrnStore            *self,
                                guint                min_count,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->i1 = min_count;
  _crn_store_run_job (self, crn_store_repeat_noshows_async, a, repeat_noshows_job,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_repeat_noshows_finish:
 *
 * Returns: (transfer full) (element-type CrnRepeatNoshow) (nullable): most first
 */
GPtrArray *
crn_store_repeat_noshows_finish (CrnStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_CHECK (self, result, crn_store_repeat_noshows_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ outbox */

static gpointer
enqueue_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_enqueue (db, a->entry, error));
}

/**
 * crn_store_enqueue_async:
 * @self: a store
 * @entry: a new entry, copied; an entry with the same UUID already there is kept as is
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Queues a change that has no local state to write with it.
 */
void
crn_store_enqueue_async (CrnStore             *self,
                         const CrnOutboxEntry *entry,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (entry != NULL);

  a->entry = crn_outbox_entry_copy (entry);
  _crn_store_run_job (self, crn_store_enqueue_async, a, enqueue_job, NULL, cancellable, callback,
                      user_data);
}

/**
 * crn_store_enqueue_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_enqueue_finish (CrnStore      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  FINISH_CHECK (self, result, crn_store_enqueue_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
outbox_list_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_outbox_list (db, (CrnOutboxState) a->i1, (guint) a->i2, error);
}

/**
 * crn_store_outbox_list_async:
 * @self: a store
 * @state: which entries
 * @limit: at most this many, 0 for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads outbox entries in the order they were queued.
 */
void
crn_store_outbox_list_async (CrnStore            *self,
                             CrnOutboxState       state,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->i1 = state;
  a->i2 = limit;
  _crn_store_run_job (self, crn_store_outbox_list_async, a, outbox_list_job,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_outbox_list_finish:
 *
 * Returns: (transfer full) (element-type CrnOutboxEntry) (nullable): oldest first
 */
GPtrArray *
crn_store_outbox_list_finish (CrnStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  FINISH_CHECK (self, result, crn_store_outbox_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
outbox_mark_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_outbox_mark (db, a->str, (CrnOutboxState) a->i1,
                                                     a->str2, error));
}

/**
 * crn_store_outbox_mark_async:
 * @self: a store
 * @uuid: the entry
 * @state: sent (counts an attempt), pending (retry later), done or failed
 * @last_error: (nullable): why the attempt failed; never patient data
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Moves an outbox entry to @state.
 */
void
crn_store_outbox_mark_async (CrnStore            *self,
                             const char          *uuid,
                             CrnOutboxState       state,
                             const char          *last_error,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (uuid != NULL);

  a->str = g_strdup (uuid);
  a->str2 = g_strdup (last_error);
  a->i1 = state;
  _crn_store_run_job (self, crn_store_outbox_mark_async, a, outbox_mark_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_outbox_mark_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_outbox_mark_finish (CrnStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  FINISH_CHECK (self, result, crn_store_outbox_mark_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
outbox_count_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_outbox_count (db, (CrnOutboxState) a->i1, &a->out1,
                                                      error));
}

/**
 * crn_store_outbox_count_async:
 * @self: a store
 * @state: which entries
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Counts outbox entries in @state.
 */
void
crn_store_outbox_count_async (CrnStore            *self,
                              CrnOutboxState       state,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->i1 = state;
  _crn_store_run_job (self, crn_store_outbox_count_async, a, outbox_count_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_outbox_count_finish:
 * @count: (out): how many
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_outbox_count_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               guint         *count,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_outbox_count_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *count = _crn_store_task_args (result)->out1;
  return TRUE;
}

static gpointer
count_unsent_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_count_unsent (db, &a->out1, error));
}

/**
 * crn_store_count_unsent_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Counts the local changes that have not reached the server yet (waiting, or sent without
 * an answer): what a sign-out that removes the local data would lose. The UI shows it before
 * asking.
 */
void
crn_store_count_unsent_async (CrnStore            *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CRN_IS_STORE (self));

  _crn_store_run_job (self, crn_store_count_unsent_async, _crn_store_args_new (),
                      count_unsent_job, NULL, cancellable, callback, user_data);
}

/**
 * crn_store_count_unsent_finish:
 * @count: (out): how many changes are unsent
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_count_unsent_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               guint         *count,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_count_unsent_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *count = _crn_store_task_args (result)->out1;
  return TRUE;
}

static gpointer
remove_local_data_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_remove_local_data (db, error));
}

/**
 * crn_store_remove_local_data_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Deletes the agenda, the bookings (patient data), templates, directory, policy, pull
 * watermarks and the whole outbox, unsent changes included (count them first with
 * crn_store_count_unsent_async()); the accounts stay. The file is rewritten so that nothing
 * deleted remains in it or in its write-ahead log.
 */
void
crn_store_remove_local_data_async (CrnStore            *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CRN_IS_STORE (self));

  _crn_store_run_job (self, crn_store_remove_local_data_async, _crn_store_args_new (),
                      remove_local_data_job, NULL, cancellable, callback, user_data);
}

/**
 * crn_store_remove_local_data_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_remove_local_data_finish (CrnStore      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  FINISH_CHECK (self, result, crn_store_remove_local_data_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ sync state, accounts */

static gpointer
get_sync_state_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_get_sync_state (db, a->str, error);
}

/**
 * crn_store_get_sync_state_async:
 * @self: a store
 * @resource: the resource type
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads where the last pull of @resource stopped.
 */
void
crn_store_get_sync_state_async (CrnStore            *self,
                                const char          *resource,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (resource != NULL);

  a->str = g_strdup (resource);
  _crn_store_run_job (self, crn_store_get_sync_state_async, a, get_sync_state_job,
                      (GDestroyNotify) crn_sync_state_free, cancellable, callback, user_data);
}

/**
 * crn_store_get_sync_state_finish:
 *
 * Returns: (transfer full) (nullable): the state (zero watermark before the first pull)
 */
CrnSyncState *
crn_store_get_sync_state_finish (CrnStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_CHECK (self, result, crn_store_get_sync_state_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
set_sync_state_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_set_sync_state (db, a->object, error));
}

/**
 * crn_store_set_sync_state_async:
 * @self: a store
 * @state: the new state, copied; the watermark never goes backwards
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Records where a pull stopped.
 */
void
crn_store_set_sync_state_async (CrnStore            *self,
                                const CrnSyncState  *state,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (state != NULL && state->resource != NULL);

  a->object = crn_sync_state_copy (state);
  a->object_free = (GDestroyNotify) crn_sync_state_free;
  _crn_store_run_job (self, crn_store_set_sync_state_async, a, set_sync_state_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_set_sync_state_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_set_sync_state_finish (CrnStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_CHECK (self, result, crn_store_set_sync_state_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
save_account_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_save_account (db, a->object, error));
}

/**
 * crn_store_save_account_async:
 * @self: a store
 * @account: what to remember (never a secret), copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Inserts or replaces an account and the practitioners it acts for.
 */
void
crn_store_save_account_async (CrnStore              *self,
                              const CrnStoreAccount *account,
                              GCancellable          *cancellable,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (account != NULL);

  a->object = crn_store_account_copy (account);
  a->object_free = (GDestroyNotify) crn_store_account_free;
  _crn_store_run_job (self, crn_store_save_account_async, a, save_account_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_save_account_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_save_account_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_save_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
list_accounts_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_list_accounts (db, error);
}

/**
 * crn_store_list_accounts_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the accounts.
 */
void
crn_store_list_accounts_async (CrnStore            *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CRN_IS_STORE (self));

  _crn_store_run_job (self, crn_store_list_accounts_async, _crn_store_args_new (),
                      list_accounts_job, (GDestroyNotify) g_ptr_array_unref, cancellable, callback,
                      user_data);
}

/**
 * crn_store_list_accounts_finish:
 *
 * Returns: (transfer full) (element-type CrnStoreAccount) (nullable): the accounts
 */
GPtrArray *
crn_store_list_accounts_finish (CrnStore      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  FINISH_CHECK (self, result, crn_store_list_accounts_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
delete_account_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_delete_account (db, a->str, error));
}

/**
 * crn_store_delete_account_async:
 * @self: a store
 * @id: the account
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Forgets an account (its secrets are the keyring's business).
 */
void
crn_store_delete_account_async (CrnStore            *self,
                                const char          *id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (id != NULL);

  a->str = g_strdup (id);
  _crn_store_run_job (self, crn_store_delete_account_async, a, delete_account_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_delete_account_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_delete_account_finish (CrnStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_CHECK (self, result, crn_store_delete_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
