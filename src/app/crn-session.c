/* crn-session.c: the app's link to its CPTS server: sign-in, resume, directory, notices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSession"

#include "config.h"

#include "crn-session.h"

#include <glib/gi18n-lib.h>

#include "crn-fhir.h"

/*
 * One CrnSession per application. Once the agenda has its store, crn_session_resume() looks
 * for the account remembered there: none means the first run (state NO_ACCOUNT, the window
 * shows the sign-in pages); one means its CrnSync is rebuilt from the keyring in the
 * background (the first frame never waits for it) and started. After a sign-in or a resume,
 * the practitioners and the CPTS policy are read from the server (the sync pulls the agenda
 * itself) and written to the store. Every pull that brings appointments is compared with the
 * bookings already known, and ::booking-arrived is emitted for each new one, or one that
 * newly waits for confirmation (not during the first synchronisation).
 */

struct _CrnSession
{
  GObject          parent_instance;

  CrnAgenda       *agenda;
  CrnSync         *sync;
  CrnSessionState  state;
  char            *ca_file;
  GCancellable    *cancellable;

  GHashTable      *known;          /* booking id -> GINT_TO_POINTER (to confirm + 1) */
  GHashTable      *names;          /* IDNPS -> display name */
  guint            n_received;
  guint            scanning : 1;
  guint            rescan : 1;
  guint            watching : 1;
  guint            priming : 1;
  guint            directory_read : 1;
};

G_DEFINE_FINAL_TYPE (CrnSession, crn_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_SYNC,
  PROP_N_RECEIVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  BOOKING_ARRIVED,
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/*
 * Helpers
 */

static void
set_state (CrnSession      *self,
           CrnSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void scan_bookings (CrnSession *self);

static void
on_store_changed_cb (CrnSession *self,
                     const char *resource_type,
                     guint       n_applied)
{
  self->n_received += n_applied;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECEIVED]);
  if ((self->watching || self->priming) && n_applied > 0 &&
      g_strcmp0 (resource_type, "Appointment") == 0)
    scan_bookings (self);
}

static void
set_sync (CrnSession *self,
          CrnSync    *sync)
{
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  if (!g_set_object (&self->sync, sync))
    return;
  if (sync != NULL)
    g_signal_connect_object (sync, "store-changed", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

/*
 * New bookings
 */

typedef struct
{
  CrnSession *session;
  GPtrArray  *bookings;   /* (element-type CrnBooking) */
  guint       pending;
} Scan;

static void
scan_done (Scan *scan)
{
  CrnSession *self = scan->session;
  /* The first scan only learns what is there already. */
  gboolean first = self->priming;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < scan->bookings->len; i++)
    {
      const CrnBooking *booking = g_ptr_array_index (scan->bookings, i);
      gboolean to_confirm = booking->practitioner_status == CRN_PARTICIPATION_NEEDS_ACTION &&
                            (booking->status == CRN_APPOINTMENT_STATUS_PROPOSED ||
                             booking->status == CRN_APPOINTMENT_STATUS_PENDING);
      gpointer old = g_hash_table_lookup (self->known, booking->id);

      if (g_hash_table_contains (seen, booking->id))
        continue;
      g_hash_table_add (seen, booking->id);
      if (!first && (old == NULL || (to_confirm && GPOINTER_TO_INT (old) != 2)))
        g_signal_emit (self, signals[BOOKING_ARRIVED], 0, booking, to_confirm);
      g_hash_table_insert (self->known, g_strdup (booking->id), GINT_TO_POINTER (to_confirm + 1));
    }

  self->scanning = FALSE;
  if (self->priming)
    {
      self->priming = FALSE;
      self->watching = TRUE;
    }
  if (self->rescan)
    {
      self->rescan = FALSE;
      scan_bookings (self);
    }
}

static void
on_inbox_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Scan *scan = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = crn_store_list_inbox_finish (CRN_STORE (object), result, &error);

  if (list == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not list the bookings: %s", error->message);
  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (scan->bookings, crn_booking_copy (g_ptr_array_index (list, i)));

  if (--scan->pending > 0)
    return;
  if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    scan_done (scan);
  g_ptr_array_unref (scan->bookings);
  g_object_unref (scan->session);
  g_free (scan);
}

static void
scan_bookings (CrnSession *self)
{
  static const CrnStoreInbox inboxes[] = {
    CRN_STORE_INBOX_TO_CONFIRM, CRN_STORE_INBOX_TODAY, CRN_STORE_INBOX_COMING,
  };
  CrnStore *store = crn_agenda_get_store (self->agenda);
  Scan *scan;

  if (store == NULL)
    return;
  if (self->scanning)
    {
      self->rescan = TRUE;
      return;
    }
  self->scanning = TRUE;
  scan = g_new0 (Scan, 1);
  scan->session = g_object_ref (self);
  scan->bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  scan->pending = G_N_ELEMENTS (inboxes);
  for (guint i = 0; i < G_N_ELEMENTS (inboxes); i++)
    crn_store_list_inbox_async (store, inboxes[i], crn_time_now (), self->cancellable,
                                on_inbox_cb, scan);
}

/* From now on, every new booking is told (those already there are only remembered). */
static void
start_watching (CrnSession *self)
{
  self->priming = TRUE;
  scan_bookings (self);
}

/*
 * The directory: practitioners and policy
 */

/* Keeps the names of the practitioners for the pages and shows the policy at once (the sync
 * has written both to the store). */
static void
on_directory_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) practitioners = NULL;
  g_autoptr(CrnPolicy) policy = NULL;

  /* Not fatal: the numbers are shown instead of the names, and the next start reads them. */
  if (!crn_sync_read_directory_finish (CRN_SYNC (object), result, &practitioners, &policy,
                                       &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the practitioners and the CPTS policy: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; practitioners != NULL && i < practitioners->len; i++)
    {
      const CrnPractitioner *practitioner = g_ptr_array_index (practitioners, i);

      g_hash_table_replace (self->names, g_strdup (practitioner->idnps),
                            crn_practitioner_get_display_name (practitioner));
    }
  if (policy != NULL)
    crn_agenda_set_policy (self->agenda, policy);
  if (practitioners != NULL && practitioners->len > 0)
    crn_agenda_reload (self->agenda);
  g_task_return_boolean (task, TRUE);
}

/* Reads the directory once per sign-in or resume; @callback (nullable) runs when it is in. */
static void
read_directory (CrnSession          *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, read_directory);
  crn_sync_read_directory_async (self->sync, cancellable, on_directory_cb, task);
}

/* Hands the sync to the agenda, starts it and reads the directory. */
static void
go_live (CrnSession *self)
{
  crn_agenda_set_sync (self->agenda, G_OBJECT (self->sync));
  set_state (self, CRN_SESSION_STATE_READY);
  crn_sync_start (self->sync);
  /* After a sign-in, the directory was read before the first synchronisation: the agenda
   * only has to show what that synchronisation brought. */
  if (!self->directory_read)
    read_directory (self, self->cancellable, NULL, NULL);
  else
    crn_agenda_reload (self->agenda);
  self->directory_read = FALSE;
}

/*
 * Resume
 */

static void
on_resumed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrnSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = crn_sync_resume_finish (result, &error);

  if (sync == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not resume the session: %s", error->message);
      g_signal_emit (self, signals[ERROR], 0, error->message);
      set_state (self, CRN_SESSION_STATE_NO_ACCOUNT);
      return;
    }
  set_sync (self, sync);
  go_live (self);
  start_watching (self);
}

static void
on_accounts_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CrnSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = crn_store_list_accounts_finish (CRN_STORE (object), result, &error);
  g_autoptr(CrnAccount) account = NULL;

  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the account: %s", error->message);
      return;
    }
  if (accounts->len == 0)
    {
      set_state (self, CRN_SESSION_STATE_NO_ACCOUNT);
      return;
    }
  account = crn_account_new_from_store (g_ptr_array_index (accounts, 0));
  crn_sync_resume_async (CRN_STORE (object), account, self->ca_file, self->cancellable,
                         on_resumed_cb, g_object_ref (self));
}

/*
 * Sign-in
 */

static void
on_sign_in_directory_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSession *self = g_task_get_source_object (task);

  self->directory_read = g_task_propagate_boolean (G_TASK (result), NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_signed_in_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSession *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autoptr(CrnSync) sync = crn_sync_sign_in_finish (result, &error);

  if (sync == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  set_sync (self, sync);
  /* The names of the practitioners are known before the secretary chooses among them; the
   * directory is read once, here, not again when the sync goes live. */
  read_directory (self, cancellable, on_sign_in_directory_cb, g_steal_pointer (&task));
}

static void
on_first_sync_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!crn_sync_sync_finish (CRN_SYNC (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  go_live (self);
  start_watching (self);
  g_task_return_boolean (task, TRUE);
}

/*
 * GObject overrides
 */

static void
crn_session_dispose (GObject *object)
{
  CrnSession *self = (CrnSession *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->sync != NULL)
    {
      crn_sync_stop (self->sync);
      g_signal_handlers_disconnect_by_data (self->sync, self);
    }
  g_clear_object (&self->sync);
  g_clear_object (&self->agenda);

  G_OBJECT_CLASS (crn_session_parent_class)->dispose (object);
}

static void
crn_session_finalize (GObject *object)
{
  CrnSession *self = (CrnSession *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_free (self->ca_file);

  G_OBJECT_CLASS (crn_session_parent_class)->finalize (object);
}

static void
crn_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CrnSession *self = CRN_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    case PROP_N_RECEIVED:
      g_value_set_uint (value, self->n_received);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_session_class_init (CrnSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crn_session_dispose;
  object_class->finalize = crn_session_finalize;
  object_class->get_property = crn_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, CRN_SESSION_STATE_READY, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, CRN_TYPE_SYNC,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_RECEIVED] =
    g_param_spec_uint ("n-received", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrnSession::booking-arrived:
   * @booking: the booking (valid during the emission)
   * @to_confirm: whether it waits for the practice's confirmation
   *
   * A booking the app had not seen came from the server, or one now waits for confirmation.
   */
  signals[BOOKING_ARRIVED] =
    g_signal_new ("booking-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, CRN_TYPE_BOOKING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BOOLEAN);

  /**
   * CrnSession::error:
   * @message: a translated sentence
   *
   * The remembered session could not be resumed.
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
crn_session_init (CrnSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/*
 * Public API
 */

/**
 * crn_session_new:
 * @agenda: the agenda the sync feeds
 *
 * Returns: (transfer full): a new session, state STARTING
 */
CrnSession *
crn_session_new (CrnAgenda *agenda)
{
  CrnSession *self;

  g_return_val_if_fail (CRN_IS_AGENDA (agenda), NULL);

  self = g_object_new (CRN_TYPE_SESSION, NULL);
  self->agenda = g_object_ref (agenda);

  return self;
}

CrnAgenda *
crn_session_get_agenda (CrnSession *self)
{
  g_return_val_if_fail (CRN_IS_SESSION (self), NULL);

  return self->agenda;
}

CrnSessionState
crn_session_get_state (CrnSession *self)
{
  g_return_val_if_fail (CRN_IS_SESSION (self), CRN_SESSION_STATE_STARTING);

  return self->state;
}

/**
 * crn_session_get_sync:
 * @self: a #CrnSession
 *
 * Returns: (transfer none) (nullable): the sync of the signed-in account
 */
CrnSync *
crn_session_get_sync (CrnSession *self)
{
  g_return_val_if_fail (CRN_IS_SESSION (self), NULL);

  return self->sync;
}

/**
 * crn_session_get_account:
 * @self: a #CrnSession
 *
 * Returns: (transfer none) (nullable): the signed-in account
 */
CrnAccount *
crn_session_get_account (CrnSession *self)
{
  g_return_val_if_fail (CRN_IS_SESSION (self), NULL);

  return self->sync != NULL ? crn_sync_get_account (self->sync) : NULL;
}

/**
 * crn_session_get_ca_file:
 * @self: a #CrnSession
 *
 * Returns: (nullable): the CPTS's own certificate authority file, if one was chosen
 */
const char *
crn_session_get_ca_file (CrnSession *self)
{
  g_return_val_if_fail (CRN_IS_SESSION (self), NULL);

  return self->ca_file;
}

/**
 * crn_session_resume:
 * @self: a #CrnSession whose agenda has its store
 * @ca_file: (nullable): the certificate authority chosen at sign-in
 *
 * Looks for the account remembered in the store, in the background: without one the state
 * becomes NO_ACCOUNT; with one its session is taken from the keyring and the sync starts
 * (signed out when the keyring holds none).
 */
void
crn_session_resume (CrnSession *self,
                    const char *ca_file)
{
  CrnStore *store;

  g_return_if_fail (CRN_IS_SESSION (self));

  store = crn_agenda_get_store (self->agenda);
  g_return_if_fail (store != NULL);

  g_free (self->ca_file);
  self->ca_file = ca_file != NULL && *ca_file != '\0' ? g_strdup (ca_file) : NULL;
  crn_store_list_accounts_async (store, self->cancellable, on_accounts_cb, g_object_ref (self));
}

/**
 * crn_session_sign_in_async:
 * @self: a #CrnSession whose agenda has its store
 * @server_url: the server's address
 * @ca_file: (nullable): the CPTS's own certificate authority (PEM)
 * @login: the user name
 * @password: the password (never kept)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Signs in; the session goes to the keyring and the account to the store. The sync is not
 * started: crn_session_first_sync_async() does that.
 */
void
crn_session_sign_in_async (CrnSession          *self,
                           const char          *server_url,
                           const char          *ca_file,
                           const char          *login,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CrnStore *store;

  g_return_if_fail (CRN_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_session_sign_in_async);
  store = crn_agenda_get_store (self->agenda);
  if (store == NULL)
    {
      g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_FAILED,
                               _("The agenda file is not open yet. Try again in a moment."));
      return;
    }
  g_free (self->ca_file);
  self->ca_file = ca_file != NULL && *ca_file != '\0' ? g_strdup (ca_file) : NULL;
  crn_sync_sign_in_async (store, server_url, self->ca_file, login, password, cancellable,
                          on_signed_in_cb, g_steal_pointer (&task));
}

gboolean
crn_session_sign_in_finish (CrnSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * crn_session_first_sync_async:
 * @self: a signed-in #CrnSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the agenda was received
 * @user_data: data for @callback
 *
 * Receives the whole agenda once (#CrnSession:n-received counts the rows), then starts the
 * live sync. The bookings received then are not announced as new.
 */
void
crn_session_first_sync_async (CrnSession          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRN_IS_SESSION (self));
  g_return_if_fail (self->sync != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_session_first_sync_async);
  self->n_received = 0;
  crn_sync_sync_async (self->sync, cancellable, on_first_sync_cb, task);
}

gboolean
crn_session_first_sync_finish (CrnSession    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * crn_session_dup_practitioner_name:
 * @self: a #CrnSession
 * @idnps: a practitioner's IDNPS
 *
 * Returns: (transfer full): "Dr Claire Morel", or the agenda's name, or the IDNPS
 */
char *
crn_session_dup_practitioner_name (CrnSession *self,
                                   const char *idnps)
{
  const CrnPractitioner *practitioner;
  const char *name;

  g_return_val_if_fail (CRN_IS_SESSION (self), NULL);

  name = g_hash_table_lookup (self->names, idnps);
  if (name != NULL)
    return g_strdup (name);
  practitioner = crn_agenda_find_practitioner (self->agenda, idnps);
  if (practitioner != NULL)
    return crn_practitioner_get_display_name (practitioner);
  return g_strdup (idnps);
}

guint
crn_session_get_n_received (CrnSession *self)
{
  g_return_val_if_fail (CRN_IS_SESSION (self), 0);

  return self->n_received;
}

static void
on_signed_in_again_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!crn_sync_sign_in_again_finish (CRN_SYNC (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * crn_session_sign_in_again_async:
 * @self: a #CrnSession whose sync is signed out
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Opens a new session for the same account; the changes kept meanwhile are sent then.
 */
void
crn_session_sign_in_again_async (CrnSession          *self,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRN_IS_SESSION (self));
  g_return_if_fail (self->sync != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_session_sign_in_again_async);
  crn_sync_sign_in_again_async (self->sync, password, cancellable, on_signed_in_again_cb, task);
}

gboolean
crn_session_sign_in_again_finish (CrnSession    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_signed_out_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!crn_sync_sign_out_finish (CRN_SYNC (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  crn_agenda_set_sync (self->agenda, NULL);
  set_sync (self, NULL);
  g_hash_table_remove_all (self->known);
  g_hash_table_remove_all (self->names);
  self->watching = FALSE;
  self->priming = FALSE;
  crn_agenda_reload (self->agenda);
  set_state (self, CRN_SESSION_STATE_NO_ACCOUNT);
  g_task_return_boolean (task, TRUE);
}

/**
 * crn_session_sign_out_async:
 * @self: a signed-in #CrnSession
 * @remove_local_data: also delete the local agenda and the unsent changes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stops the sync and removes the session from the keyring; the state goes back to
 * NO_ACCOUNT (the first-run pages).
 */
void
crn_session_sign_out_async (CrnSession          *self,
                            gboolean             remove_local_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRN_IS_SESSION (self));
  g_return_if_fail (self->sync != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_session_sign_out_async);
  /* The account is forgotten either way: the next start shows the first-run pages. */
  crn_sync_sign_out_async (self->sync,
                           CRN_SIGN_OUT_FORGET_ACCOUNT |
                           (remove_local_data ? CRN_SIGN_OUT_REMOVE_LOCAL_DATA : 0),
                           cancellable, on_signed_out_cb, task);
}

gboolean
crn_session_sign_out_finish (CrnSession    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
