/* crn-sync-session.c: sign-in, resume from the keyring, sign-in again, sign-out
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
/* Sign-in, resume, sign-out                                                           */

typedef struct
{
  CrnStore   *store;
  CrnClient  *client;
  CrnAccount *account;
  char       *refresh_token;
  char       *ca_file;
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
  g_free (data->ca_file);
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
on_accounts_listed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(CrnStoreAccount) stored = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  accounts = crn_store_list_accounts_finish (CRN_STORE (source), result, &error);
  if (accounts == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Signing in again with the same server and user name: the same account. */
  for (guint i = 0; i < accounts->len; i++)
    {
      CrnStoreAccount *known = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (known->server_url, crn_account_get_server_url (data->account)) == 0 &&
          g_strcmp0 (known->username, crn_account_get_username (data->account)) == 0 &&
          g_strcmp0 (known->id, crn_account_get_id (data->account)) != 0)
        {
          CrnAccount *same = crn_account_new_with_id (known->id, data->account);

          g_object_unref (data->account);
          data->account = same;
          break;
        }
    }
  stored = crn_account_to_store (data->account);
  crn_store_save_account_async (data->store, stored, cancellable, on_account_saved_cb,
                                g_steal_pointer (&task));
}

static void
on_sign_in_saved_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!crn_secret_store_save_finish (result, &error))
    {
      crn_client_forget_tokens (data->client);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  crn_store_list_accounts_async (data->store, cancellable, on_accounts_listed_cb,
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
  crn_account_set_ca_file (data->account, data->ca_file);
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
 * Signs in, keeps the refresh token in the keyring and the account (no secret, with
 * @ca_file) in the store. Signing in again with the same server and user name reuses the
 * account the store has (same id).
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
  data->ca_file = g_strdup (ca_file);
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
 * @ca_file: (nullable): the CPTS's certificate authority (PEM); %NULL for the one kept with
 *   the account at sign-in (crn_account_get_ca_file()), if any
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
  if (ca_file == NULL)
    ca_file = crn_account_get_ca_file (account);
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
  _crn_sync_set_last_error (self, NULL);
  _crn_sync_set_status (self, CRN_SYNC_STATUS_IDLE);
  g_task_return_boolean (task, TRUE);
  if (self->started)
    {
      _crn_sync_run_cycle (self);
      _crn_sync_connect_live (self);
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

static void sign_out_next (GTask *task);

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
    sign_out_next (g_steal_pointer (&task));
}

static void
on_local_data_removed_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_store_remove_local_data_finish (CRN_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    sign_out_next (g_steal_pointer (&task));
}

static void
on_secrets_cleared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_secret_store_clear_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    sign_out_next (g_steal_pointer (&task));
}

/* The steps of a sign-out, each done once, in this order: the keyring, the account,
 * the local data. The task data holds the flags still to do. */
static void
sign_out_next (GTask *task)
{
  CrnSync *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint todo = GPOINTER_TO_UINT (g_task_get_task_data (task));

  if (todo & CRN_SIGN_OUT_FORGET_ACCOUNT)
    {
      g_task_set_task_data (task, GUINT_TO_POINTER (todo & ~CRN_SIGN_OUT_FORGET_ACCOUNT),
                            NULL);
      crn_store_delete_account_async (self->store, crn_account_get_id (self->account),
                                      cancellable, on_account_deleted_cb, task);
    }
  else if (todo & CRN_SIGN_OUT_REMOVE_LOCAL_DATA)
    {
      /* Last: it rewrites the file, so the deleted account leaves no trace either. */
      g_task_set_task_data (task, GUINT_TO_POINTER (todo & ~CRN_SIGN_OUT_REMOVE_LOCAL_DATA),
                            NULL);
      crn_store_remove_local_data_async (self->store, cancellable, on_local_data_removed_cb,
                                         task);
    }
  else
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/**
 * crn_sync_sign_out_async:
 * @self: a sync
 * @flags: what to remove besides the session (see #CrnSignOutFlags)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stops syncing, forgets the tokens and removes the account's secrets from the keyring.
 * With %CRN_SIGN_OUT_REMOVE_LOCAL_DATA, the local agenda, bookings and the whole outbox are
 * deleted from the store (unsent changes are lost: count them first with
 * crn_store_count_unsent_async()); with %CRN_SIGN_OUT_FORGET_ACCOUNT, the account too.
 * Without flags the outbox is kept and sent after the next sign-in.
 */
void
crn_sync_sign_out_async (CrnSync             *self,
                         CrnSignOutFlags      flags,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CRN_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_sync_sign_out_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (flags), NULL);
  crn_sync_stop (self);
  crn_client_forget_tokens (self->client);
  _crn_sync_set_status (self, CRN_SYNC_STATUS_SIGNED_OUT);
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

