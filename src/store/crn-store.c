/* crn-store.c: the app's local agenda file, with SQLite on one worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-store.h"
#include "crn-store-job-private.h"
#include "crn-store-private.h"

/**
 * CrnStore:
 *
 * The SQLite file of the app: what the server sent (slots, bookings, templates, policy,
 * practitioners), the patient data of the bookings (the only place it is kept on this
 * computer), the sync state, the accounts (never their secrets) and the outbox of local
 * changes waiting to be pushed.
 *
 * SQLite has one owner thread: every call is a job on a one-thread exclusive
 * #GThreadPool and returns through a #GTask in the caller's main context, so the main loop
 * never waits on the disk. Jobs run in the order they were asked for. Everything handed in
 * is copied; everything handed out is a copy.
 */
struct _CrnStore
{
  GObject      parent_instance;

  char        *path;      /* construct-only */
  GThreadPool *pool;
  CrnStoreDb  *db;        /* only touched on the worker */
  gpointer     change_count;   /* atomic, a gsize: see crn_store_get_change_count() */
};

static void crn_store_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrnStore, crn_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      crn_store_async_initable_iface_init))

enum { PROP_0, PROP_PATH, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ jobs */

static void
args_free (gpointer data)
{
  CrnStoreJobArgs *args = data;

  g_free (args->str);
  g_free (args->str2);
  g_strfreev (args->strv);
  g_clear_pointer (&args->array, g_ptr_array_unref);
  if (args->object != NULL && args->object_free != NULL)
    args->object_free (args->object);
  g_clear_pointer (&args->entry, crn_outbox_entry_free);
  g_free (args);
}

typedef struct
{
  GTask           *task;
  CrnStoreJobFunc  func;
  GDestroyNotify   result_free;   /* NULL: the job returns a boolean */
  gboolean         is_open;
  gboolean         is_close;      /* no task: closes the connection from finalize */
  /* Filled by the worker, handed to the task on the caller's context. */
  gpointer         result;
  GError          *error;
} Job;

/* Runs on the task's main context: the worker never touches a GTask after its job, so
 * every reference to the store is dropped on the caller's thread and the store is always
 * finalized there, never on its own worker. */
static gboolean
complete_job (gpointer data)
{
  Job *job = data;

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else if (job->result_free != NULL)
    g_task_return_pointer (job->task, g_steal_pointer (&job->result), job->result_free);
  else
    g_task_return_boolean (job->task, TRUE);

  g_object_unref (job->task);
  g_free (job);

  return G_SOURCE_REMOVE;
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  Job *job = data;
  CrnStore *self = user_data;
  GCancellable *cancellable;
  GSource *source;

  if (job->is_close)
    {
      _crn_store_db_close (g_steal_pointer (&self->db));
      g_free (job);
      return;
    }

  cancellable = g_task_get_cancellable (job->task);
  if (g_cancellable_set_error_if_cancelled (cancellable, &job->error))
    {
      /* nothing to do */
    }
  else if (job->is_open)
    {
      self->db = _crn_store_db_open (self->path, &job->error);
    }
  else if (self->db == NULL)
    {
      g_set_error (&job->error, CRN_STORE_ERROR, CRN_STORE_ERROR_CLOSED,
                   _("The agenda file is not open. Restart Créneaux."));
    }
  else
    {
      job->result = job->func (self->db, g_task_get_task_data (job->task), &job->error);
      g_assert ((job->result == NULL) == (job->error != NULL));
      if (job->result_free == NULL)
        job->result = NULL;
      /* Before the caller hears of the job: whoever sees its result sees the new count. */
      g_atomic_pointer_set (&self->change_count,
                            GSIZE_TO_POINTER ((gsize) sqlite3_total_changes64
                                              (_crn_store_db_get_handle (self->db))));
    }

  /* An idle source, not g_main_context_invoke(): that could run the callback right here
   * when the caller's context happens to be free. */
  source = g_idle_source_new ();
  g_source_set_priority (source, g_task_get_priority (job->task));
  g_source_set_static_name (source, "[crn-store] complete job");
  g_source_set_callback (source, complete_job, job, NULL);
  g_source_attach (source, g_task_get_context (job->task));
  g_source_unref (source);
}

void
_crn_store_run_job (CrnStore            *self,
                    gpointer             source_tag,
                    CrnStoreJobArgs     *args,
                    CrnStoreJobFunc      func,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_task_set_task_data (job->task, args, args_free);
  job->func = func;
  job->result_free = result_free;

  if (self->pool == NULL)
    {
      /* Used without crn_store_new_async(): fail through the task like a closed file. */
      g_task_return_new_error (job->task, CRN_STORE_ERROR, CRN_STORE_ERROR_CLOSED,
                               _("The agenda file is not open. Restart Créneaux."));
      g_object_unref (job->task);
      g_free (job);
      return;
    }

  g_thread_pool_push (self->pool, job, NULL);
}

CrnStoreJobArgs *
_crn_store_args_new (void)
{
  return g_new0 (CrnStoreJobArgs, 1);
}

GPtrArray *
_crn_store_copy_array (GPtrArray        *array,
                       CrnStoreCopyFunc  copy,
                       GDestroyNotify    free_func)
{
  GPtrArray *out = g_ptr_array_new_full (array->len, free_func);

  for (guint i = 0; i < array->len; i++)
    g_ptr_array_add (out, copy (g_ptr_array_index (array, i)));

  return out;
}

CrnStoreJobArgs *
_crn_store_task_args (GAsyncResult *result)
{
  return g_task_get_task_data (G_TASK (result));
}

/* ------------------------------------------------------------------ GObject */

static void
crn_store_finalize (GObject *object)
{
  CrnStore *self = (CrnStore *) object;
  Job *job;

  if (self->pool == NULL)
    goto out;

  /* Every job holds a reference through its task until it completed on the caller's
   * context, so none is queued now: the close job runs at once, on the thread that owns
   * the connection, and we wait for it. */
  job = g_new0 (Job, 1);
  job->is_close = TRUE;
  g_thread_pool_push (self->pool, job, NULL);
  g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
  g_assert (self->db == NULL);

out:
  g_free (self->path);

  G_OBJECT_CLASS (crn_store_parent_class)->finalize (object);
}

static void
crn_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CrnStore *self = CRN_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_store_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CrnStore *self = CRN_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = _crn_store_default_path ();
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_store_class_init (CrnStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crn_store_finalize;
  object_class->get_property = crn_store_get_property;
  object_class->set_property = crn_store_set_property;

  /**
   * CrnStore:path:
   *
   * The database file; %NULL at construction means the default one in the user data dir.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
crn_store_init (CrnStore *self)
{
}

/* ------------------------------------------------------------------ GAsyncInitable */

static void
crn_store_init_async (GAsyncInitable      *initable,
                      int                  io_priority,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  CrnStore *self = CRN_STORE (initable);
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (self->pool == NULL);

  /* Exclusive, one thread: that thread owns the SQLite connection. */
  self->pool = g_thread_pool_new (worker_func, self, 1, TRUE, &error);
  if (self->pool == NULL)
    {
      g_task_report_new_error (self, callback, user_data, crn_store_init_async,
                               CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                               _("Could not start the agenda file’s thread (%s). Close some "
                                 "applications, then start Créneaux again."),
                               error->message);
      return;
    }

  job = g_new0 (Job, 1);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, crn_store_init_async);
  g_task_set_priority (job->task, io_priority);
  job->is_open = TRUE;

  g_thread_pool_push (self->pool, job, NULL);
}

static gboolean
crn_store_init_finish (GAsyncInitable  *initable,
                       GAsyncResult    *result,
                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, initable), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
crn_store_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = crn_store_init_async;
  iface->init_finish = crn_store_init_finish;
}

/* ------------------------------------------------------------------ opening */

/**
 * crn_store_new_async:
 * @path: (nullable): the database file, %NULL for `$XDG_DATA_HOME/creneaux/creneaux.db`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is open
 * @user_data: data for @callback
 *
 * Opens (creating and migrating it if needed) the agenda file. A damaged, foreign or newer
 * file fails with %CRN_STORE_ERROR_CORRUPT, %CRN_STORE_ERROR_FOREIGN or
 * %CRN_STORE_ERROR_TOO_NEW and is left untouched; see crn_store_move_aside().
 */
void
crn_store_new_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_async_initable_new_async (CRN_TYPE_STORE, G_PRIORITY_DEFAULT, cancellable, callback,
                              user_data, "path", path, NULL);
}

/**
 * crn_store_new_finish:
 * @result: the result given to the callback
 * @error: where to put an error
 *
 * Returns: (transfer full) (nullable): the open store
 */
CrnStore *
crn_store_new_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object != NULL ? CRN_STORE (object) : NULL;
}

/**
 * crn_store_get_path:
 * @self: a store
 *
 * Returns: the database file
 */
/**
 * crn_store_get_change_count:
 * @self: a store
 *
 * How many rows the store has inserted, changed or deleted since it was opened, as of the
 * last job that ended; may be called from any thread. Two equal values mean that nothing
 * was written in between, so a caller can keep what it read from the store meanwhile (the
 * sync engine does, to start a cycle with nothing to send without reading the file).
 * Writes made to the file by another connection are not counted.
 *
 * Returns: the count
 */
guint64
crn_store_get_change_count (CrnStore *self)
{
  g_return_val_if_fail (CRN_IS_STORE (self), 0);

  return GPOINTER_TO_SIZE (g_atomic_pointer_get (&self->change_count));
}

const char *
crn_store_get_path (CrnStore *self)
{
  g_return_val_if_fail (CRN_IS_STORE (self), NULL);

  return self->path;
}

/**
 * crn_store_get_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/creneaux/creneaux.db`
 */
char *
crn_store_get_default_path (void)
{
  return _crn_store_default_path ();
}

/**
 * crn_store_move_aside:
 * @path: a database file that failed to open
 * @new_path: (out) (optional) (transfer full): where it was moved
 * @error: where to put an error
 *
 * When the user chose to start with a new file: renames @path and its -wal/-shm files to
 * `@path.damaged-YYYYMMDD-HHMMSS`. Nothing is deleted. Only call it while no #CrnStore has
 * the file open.
 *
 * Returns: %TRUE if the file was moved (or was not there)
 */
gboolean
crn_store_move_aside (const char  *path,
                      char       **new_path,
                      GError     **error)
{
  return _crn_store_move_aside (path, new_path, error);
}

/* ------------------------------------------------------------------ server data */

static gpointer
apply_page_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_apply_page (db, a->str, a->array, a->object, &a->out1,
                                                    error));
}

/**
 * crn_store_apply_page_async:
 * @self: a store
 * @resource: "Slot", "Appointment" or "Schedule": what @objects hold (#CrnSlot, #CrnBooking
 *   or #CrnTemplate)
 * @objects: one page from the server, copied
 * @state: (nullable): the pull's new watermark for @resource, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Writes a page of server data and the watermark after it in one transaction (rows not
 * newer than the stored ones are skipped; the watermark never goes back).
 */
void
crn_store_apply_page_async (CrnStore            *self,
                            const char          *resource,
                            GPtrArray           *objects,
                            const CrnSyncState  *state,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();
  CrnStoreCopyFunc copy;
  GDestroyNotify free_func;

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (objects != NULL);

  if (g_strcmp0 (resource, "Slot") == 0)
    {
      copy = (CrnStoreCopyFunc) crn_slot_copy;
      free_func = (GDestroyNotify) crn_slot_free;
    }
  else if (g_strcmp0 (resource, "Appointment") == 0)
    {
      copy = (CrnStoreCopyFunc) crn_booking_copy;
      free_func = (GDestroyNotify) crn_booking_free;
    }
  else
    {
      g_return_if_fail (g_strcmp0 (resource, "Schedule") == 0);
      copy = (CrnStoreCopyFunc) crn_template_copy;
      free_func = (GDestroyNotify) crn_template_free;
    }
  a->str = g_strdup (resource);
  a->array = _crn_store_copy_array (objects, copy, free_func);
  if (state != NULL)
    {
      a->object = crn_sync_state_copy (state);
      a->object_free = (GDestroyNotify) crn_sync_state_free;
    }
  _crn_store_run_job (self, crn_store_apply_page_async, a, apply_page_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_apply_page_finish:
 * @n_applied: (out) (optional): rows that were new or newer
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_apply_page_finish (CrnStore      *self,
                             GAsyncResult  *result,
                             guint         *n_applied,
                             GError       **error)
{
  FINISH_CHECK (self, result, crn_store_apply_page_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_applied != NULL)
    *n_applied = _crn_store_task_args (result)->out1;
  return TRUE;
}

typedef struct
{
  GPtrArray    *arrays[3];   /* templates, slots, bookings */
  CrnSyncState *state;
  guint         applied[3];
} ServerPage;

static void
server_page_free (ServerPage *page)
{
  for (guint i = 0; i < 3; i++)
    g_clear_pointer (&page->arrays[i], g_ptr_array_unref);
  g_clear_pointer (&page->state, crn_sync_state_free);
  g_free (page);
}

static gpointer
apply_server_page_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  ServerPage *page = a->object;

  return GINT_TO_POINTER (_crn_store_db_apply_server_page (db, page->arrays[0],
                                                           page->arrays[1], page->arrays[2],
                                                           page->state, page->applied,
                                                           error));
}

/**
 * crn_store_apply_server_page_async:
 * @self: a store
 * @templates: (nullable) (transfer full) (element-type CrnTemplate): the page's templates
 * @slots: (nullable) (transfer full) (element-type CrnSlot): the page's slots
 * @bookings: (nullable) (transfer full) (element-type CrnBooking): the page's bookings
 * @state: (nullable): the pull's new watermark, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Writes a page of a search over several types (templates first, then slots, then
 * bookings: what a row refers to is written before it) and the watermark after it in one
 * transaction; rows not newer than the stored ones are skipped. The arrays are taken, not
 * copied: the caller must not use them after this call.
 */
void
crn_store_apply_server_page_async (CrnStore            *self,
                                   GPtrArray           *templates,
                                   GPtrArray           *slots,
                                   GPtrArray           *bookings,
                                   const CrnSyncState  *state,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();
  ServerPage *page = g_new0 (ServerPage, 1);

  g_return_if_fail (CRN_IS_STORE (self));

  page->arrays[0] = templates;
  page->arrays[1] = slots;
  page->arrays[2] = bookings;
  page->state = state != NULL ? crn_sync_state_copy (state) : NULL;
  a->object = page;
  a->object_free = (GDestroyNotify) server_page_free;
  _crn_store_run_job (self, crn_store_apply_server_page_async, a, apply_server_page_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_apply_server_page_finish:
 * @n_templates: (out) (optional): templates that were new or newer
 * @n_slots: (out) (optional): slots that were new or newer
 * @n_bookings: (out) (optional): bookings that were new or newer
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_apply_server_page_finish (CrnStore      *self,
                                    GAsyncResult  *result,
                                    guint         *n_templates,
                                    guint         *n_slots,
                                    guint         *n_bookings,
                                    GError       **error)
{
  ServerPage *page;

  FINISH_CHECK (self, result, crn_store_apply_server_page_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  page = _crn_store_task_args (result)->object;
  if (n_templates != NULL)
    *n_templates = page->applied[0];
  if (n_slots != NULL)
    *n_slots = page->applied[1];
  if (n_bookings != NULL)
    *n_bookings = page->applied[2];
  return TRUE;
}

static gpointer
restore_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  gboolean ok;

  switch (a->i1)
    {
    case 0:
      ok = _crn_store_db_restore_slot (db, a->object, &a->out_flag, error);
      break;
    case 1:
      ok = _crn_store_db_restore_booking (db, a->str, a->object, &a->out_flag, error);
      break;
    default:
      ok = _crn_store_db_restore_template (db, a->object, &a->out_flag, error);
      break;
    }
  return GINT_TO_POINTER (ok);
}

/**
 * crn_store_restore_slot_async:
 * @self: a store
 * @slot: the server's copy of a slot whose local change was refused, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Puts the server's copy back over the refused local edit, which has the same version (a
 * plain upsert would skip it); a newer stored revision is kept.
 */
void
crn_store_restore_slot_async (CrnStore            *self,
                              const CrnSlot       *slot,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (slot != NULL);

  a->i1 = 0;
  a->object = crn_slot_copy (slot);
  a->object_free = (GDestroyNotify) crn_slot_free;
  _crn_store_run_job (self, crn_store_restore_slot_async, a, restore_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_restore_slot_finish:
 * @applied: (out) (optional): whether the stored row changed
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_restore_slot_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               gboolean      *applied,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_restore_slot_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (applied != NULL)
    *applied = _crn_store_task_args (result)->out_flag;
  return TRUE;
}

/**
 * crn_store_restore_booking_async:
 * @self: a store
 * @id: the booking
 * @booking: (nullable): the server's copy, copied; %NULL when the server does not have it
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Puts the server's copy back over a refused local edit. Without a copy, a booking the
 * server never had (a refused creation) is removed; its failed outbox entry keeps what the
 * user entered.
 */
void
crn_store_restore_booking_async (CrnStore            *self,
                                 const char          *id,
                                 const CrnBooking    *booking,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (id != NULL);

  a->i1 = 1;
  a->str = g_strdup (id);
  if (booking != NULL)
    {
      a->object = crn_booking_copy (booking);
      a->object_free = (GDestroyNotify) crn_booking_free;
    }
  _crn_store_run_job (self, crn_store_restore_booking_async, a, restore_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_restore_booking_finish:
 * @applied: (out) (optional): whether the stored row changed
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_restore_booking_finish (CrnStore      *self,
                                  GAsyncResult  *result,
                                  gboolean      *applied,
                                  GError       **error)
{
  FINISH_CHECK (self, result, crn_store_restore_booking_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (applied != NULL)
    *applied = _crn_store_task_args (result)->out_flag;
  return TRUE;
}

/**
 * crn_store_restore_template_async:
 * @self: a store
 * @template: the server's copy of a template whose local change was refused, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Puts the server's copy (blocks and exceptions) back unless a newer one is stored.
 */
void
crn_store_restore_template_async (CrnStore            *self,
                                  const CrnTemplate   *template,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (template != NULL);

  a->i1 = 2;
  a->object = crn_template_copy (template);
  a->object_free = (GDestroyNotify) crn_template_free;
  _crn_store_run_job (self, crn_store_restore_template_async, a, restore_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_restore_template_finish:
 * @applied: (out) (optional): whether the stored rows changed
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_restore_template_finish (CrnStore      *self,
                                   GAsyncResult  *result,
                                   gboolean      *applied,
                                   GError       **error)
{
  FINISH_CHECK (self, result, crn_store_restore_template_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (applied != NULL)
    *applied = _crn_store_task_args (result)->out_flag;
  return TRUE;
}

static gpointer
upsert_slots_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_upsert_slots (db, a->array, &a->out1, error));
}

/**
 * crn_store_upsert_slots_async:
 * @self: a store
 * @slots: (element-type CrnSlot): one page from the server, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Inserts or updates the page in one transaction, skipping slots not newer than the stored.
 */
void
crn_store_upsert_slots_async (CrnStore            *self,
                              GPtrArray           *slots,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (slots != NULL);

  a->array = _crn_store_copy_array (slots, (CrnStoreCopyFunc) crn_slot_copy,
                                    (GDestroyNotify) crn_slot_free);
  _crn_store_run_job (self, crn_store_upsert_slots_async, a, upsert_slots_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_upsert_slots_finish:
 * @n_applied: (out) (optional): slots that were new or newer
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_upsert_slots_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               guint         *n_applied,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_upsert_slots_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_applied != NULL)
    *n_applied = _crn_store_task_args (result)->out1;
  return TRUE;
}

static gpointer
upsert_bookings_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_upsert_bookings (db, a->array, &a->out1, error));
}

/**
 * crn_store_upsert_bookings_async:
 * @self: a store
 * @bookings: (element-type CrnBooking): one page from the server, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Inserts or updates the page in one transaction, skipping bookings not newer than the
 * stored ones.
 */
void
crn_store_upsert_bookings_async (CrnStore            *self,
                                 GPtrArray           *bookings,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (bookings != NULL);

  a->array = _crn_store_copy_array (bookings, (CrnStoreCopyFunc) crn_booking_copy,
                                    (GDestroyNotify) crn_booking_free);
  _crn_store_run_job (self, crn_store_upsert_bookings_async, a, upsert_bookings_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_upsert_bookings_finish:
 * @n_applied: (out) (optional): bookings that were new or newer
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_upsert_bookings_finish (CrnStore      *self,
                                  GAsyncResult  *result,
                                  guint         *n_applied,
                                  GError       **error)
{
  FINISH_CHECK (self, result, crn_store_upsert_bookings_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_applied != NULL)
    *n_applied = _crn_store_task_args (result)->out1;
  return TRUE;
}

static gpointer
upsert_templates_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_upsert_templates (db, a->array, &a->out1, error));
}

/**
 * crn_store_upsert_templates_async:
 * @self: a store
 * @templates: (element-type CrnTemplate): one page from the server, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Inserts or replaces the templates with their blocks and exceptions in one transaction,
 * skipping templates not newer than the stored ones.
 */
void
crn_store_upsert_templates_async (CrnStore            *self,
                                  GPtrArray           *templates,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (templates != NULL);

  a->array = _crn_store_copy_array (templates, (CrnStoreCopyFunc) crn_template_copy,
                                    (GDestroyNotify) crn_template_free);
  _crn_store_run_job (self, crn_store_upsert_templates_async, a, upsert_templates_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_upsert_templates_finish:
 * @n_applied: (out) (optional): templates that were new or newer
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_upsert_templates_finish (CrnStore      *self,
                                   GAsyncResult  *result,
                                   guint         *n_applied,
                                   GError       **error)
{
  FINISH_CHECK (self, result, crn_store_upsert_templates_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (n_applied != NULL)
    *n_applied = _crn_store_task_args (result)->out1;
  return TRUE;
}

static gpointer
upsert_practitioners_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_upsert_practitioners (db, a->array, error));
}

/**
 * crn_store_upsert_practitioners_async:
 * @self: a store
 * @practitioners: (element-type CrnPractitioner): from the server, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Inserts or updates the practitioners in one transaction.
 */
void
crn_store_upsert_practitioners_async (CrnStore            *self,
                                      GPtrArray           *practitioners,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (practitioners != NULL);

  a->array = _crn_store_copy_array (practitioners, (CrnStoreCopyFunc) crn_practitioner_copy,
                                    (GDestroyNotify) crn_practitioner_free);
  _crn_store_run_job (self, crn_store_upsert_practitioners_async, a, upsert_practitioners_job, NULL,
                      cancellable, callback, user_data);
}

/**
 * crn_store_upsert_practitioners_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_upsert_practitioners_finish (CrnStore      *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  FINISH_CHECK (self, result, crn_store_upsert_practitioners_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
upsert_places_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_upsert_places (db, a->array, error));
}

/**
 * crn_store_upsert_places_async:
 * @self: a store
 * @places: (element-type CrnPlace): from the server, copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Inserts or updates the places of consultation in one transaction.
 */
void
crn_store_upsert_places_async (CrnStore            *self,
                               GPtrArray           *places,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (places != NULL);

  a->array = _crn_store_copy_array (places, (CrnStoreCopyFunc) crn_place_copy,
                                    (GDestroyNotify) crn_place_free);
  _crn_store_run_job (self, crn_store_upsert_places_async, a, upsert_places_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_upsert_places_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_upsert_places_finish (CrnStore      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  FINISH_CHECK (self, result, crn_store_upsert_places_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
set_policy_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_set_policy (db, a->object, a->i1, &a->out_flag, error));
}

/**
 * crn_store_set_policy_async:
 * @self: a store
 * @policy: the CPTS policy from the server, copied
 * @version: its version; not newer than the stored one means it is skipped
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Stores the policy.
 */
void
crn_store_set_policy_async (CrnStore            *self,
                            const CrnPolicy     *policy,
                            gint64               version,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (policy != NULL);

  a->object = crn_policy_copy (policy);
  a->object_free = (GDestroyNotify) crn_policy_free;
  a->i1 = version;
  _crn_store_run_job (self, crn_store_set_policy_async, a, set_policy_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_set_policy_finish:
 * @applied: (out) (optional): whether it replaced the stored policy
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_set_policy_finish (CrnStore      *self,
                             GAsyncResult  *result,
                             gboolean      *applied,
                             GError       **error)
{
  FINISH_CHECK (self, result, crn_store_set_policy_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (applied != NULL)
    *applied = _crn_store_task_args (result)->out_flag;
  return TRUE;
}

static gpointer
delete_slots_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return GINT_TO_POINTER (_crn_store_db_delete_slots (db, (const char * const *) a->strv,
                                                      error));
}

/**
 * crn_store_delete_slots_async:
 * @self: a store
 * @ids: (array zero-terminated=1): slots the server deleted
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Deletes the slots in one transaction; a slot that holds a booking is kept and flagged.
 */
void
crn_store_delete_slots_async (CrnStore            *self,
                              const char * const  *ids,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->strv = g_strdupv ((char **) ids);
  _crn_store_run_job (self, crn_store_delete_slots_async, a, delete_slots_job, NULL, cancellable,
                      callback, user_data);
}

/**
 * crn_store_delete_slots_finish:
 *
 * Returns: %TRUE on success
 */
gboolean
crn_store_delete_slots_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_delete_slots_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ reads */

static gpointer
get_policy_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_get_policy (db, &a->out_version, error);
}

/**
 * crn_store_get_policy_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the stored CPTS policy.
 */
void
crn_store_get_policy_async (CrnStore            *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CRN_IS_STORE (self));

  _crn_store_run_job (self, crn_store_get_policy_async, _crn_store_args_new (), get_policy_job,
                      (GDestroyNotify) crn_policy_free, cancellable, callback, user_data);
}

/**
 * crn_store_get_policy_finish:
 * @version: (out) (optional): its version
 *
 * Returns: (transfer full) (nullable): the policy, or %NULL with
 *   %CRN_STORE_ERROR_NOT_FOUND before the first synchronisation
 */
CrnPolicy *
crn_store_get_policy_finish (CrnStore      *self,
                             GAsyncResult  *result,
                             gint64        *version,
                             GError       **error)
{
  CrnPolicy *policy;

  FINISH_CHECK (self, result, crn_store_get_policy_async, NULL);

  policy = g_task_propagate_pointer (G_TASK (result), error);
  if (policy != NULL && version != NULL)
    *version = _crn_store_task_args (result)->out_version;
  return policy;
}

static gpointer
get_slot_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_get_slot (db, a->str, error);
}

/**
 * crn_store_get_slot_async:
 * @self: a store
 * @id: the slot id
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads one slot.
 */
void
crn_store_get_slot_async (CrnStore            *self,
                          const char          *id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (id != NULL);

  a->str = g_strdup (id);
  _crn_store_run_job (self, crn_store_get_slot_async, a, get_slot_job,
                      (GDestroyNotify) crn_slot_free, cancellable, callback, user_data);
}

/**
 * crn_store_get_slot_finish:
 *
 * Returns: (transfer full) (nullable): a copy, or %NULL with %CRN_STORE_ERROR_NOT_FOUND
 */
CrnSlot *
crn_store_get_slot_finish (CrnStore      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  FINISH_CHECK (self, result, crn_store_get_slot_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
get_booking_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_get_booking (db, a->str, error);
}

/**
 * crn_store_get_booking_async:
 * @self: a store
 * @id: the booking id
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads one booking.
 */
void
crn_store_get_booking_async (CrnStore            *self,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (id != NULL);

  a->str = g_strdup (id);
  _crn_store_run_job (self, crn_store_get_booking_async, a, get_booking_job,
                      (GDestroyNotify) crn_booking_free, cancellable, callback, user_data);
}

/**
 * crn_store_get_booking_finish:
 *
 * Returns: (transfer full) (nullable): a copy, or %NULL with %CRN_STORE_ERROR_NOT_FOUND
 */
CrnBooking *
crn_store_get_booking_finish (CrnStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  FINISH_CHECK (self, result, crn_store_get_booking_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
get_template_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_get_template (db, a->str, error);
}

/**
 * crn_store_get_template_async:
 * @self: a store
 * @id: the template id
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads one template with its blocks and exceptions.
 */
void
crn_store_get_template_async (CrnStore            *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));
  g_return_if_fail (id != NULL);

  a->str = g_strdup (id);
  _crn_store_run_job (self, crn_store_get_template_async, a, get_template_job,
                      (GDestroyNotify) crn_template_free, cancellable, callback, user_data);
}

/**
 * crn_store_get_template_finish:
 *
 * Returns: (transfer full) (nullable): a copy, or %NULL with %CRN_STORE_ERROR_NOT_FOUND
 */
CrnTemplate *
crn_store_get_template_finish (CrnStore      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  FINISH_CHECK (self, result, crn_store_get_template_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
list_templates_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_list_templates (db, a->str, error);
}

/**
 * crn_store_list_templates_async:
 * @self: a store
 * @practitioner: (nullable): IDNPS, or %NULL for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the templates.
 */
void
crn_store_list_templates_async (CrnStore            *self,
                                const char          *practitioner,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CrnStoreJobArgs *a = _crn_store_args_new ();

  g_return_if_fail (CRN_IS_STORE (self));

  a->str = g_strdup (practitioner);
  _crn_store_run_job (self, crn_store_list_templates_async, a, list_templates_job,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_list_templates_finish:
 *
 * Returns: (transfer full) (element-type CrnTemplate) (nullable): the templates
 */
GPtrArray *
crn_store_list_templates_finish (CrnStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  FINISH_CHECK (self, result, crn_store_list_templates_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
list_practitioners_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_list_practitioners (db, error);
}

/**
 * crn_store_list_practitioners_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the practitioners.
 */
void
crn_store_list_practitioners_async (CrnStore            *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CRN_IS_STORE (self));

  _crn_store_run_job (self, crn_store_list_practitioners_async, _crn_store_args_new (),
                      list_practitioners_job, (GDestroyNotify) g_ptr_array_unref, cancellable,
                      callback, user_data);
}

/**
 * crn_store_list_practitioners_finish:
 *
 * Returns: (transfer full) (element-type CrnPractitioner) (nullable): by name
 */
GPtrArray *
crn_store_list_practitioners_finish (CrnStore      *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  FINISH_CHECK (self, result, crn_store_list_practitioners_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
list_places_job (CrnStoreDb *db, CrnStoreJobArgs *a, GError **error)
{
  return _crn_store_db_list_places (db, error);
}

/**
 * crn_store_list_places_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: callback
 * @user_data: data for @callback
 *
 * Reads the places of consultation.
 */
void
crn_store_list_places_async (CrnStore            *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CRN_IS_STORE (self));

  _crn_store_run_job (self, crn_store_list_places_async, _crn_store_args_new (), list_places_job,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * crn_store_list_places_finish:
 *
 * Returns: (transfer full) (element-type CrnPlace) (nullable): by name
 */
GPtrArray *
crn_store_list_places_finish (CrnStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  FINISH_CHECK (self, result, crn_store_list_places_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

