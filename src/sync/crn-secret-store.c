/* crn-secret-store.c: libsecret with one fixed schema, asynchronous calls only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-secret-store.h"
#include "crn-sync-error.h"

/* ---------------------------------------------------------------------------------- */
/* Schema                                                                              */

/**
 * crn_secret_store_get_schema:
 *
 * The one schema of Créneaux's secrets: attributes "server" (the server's base URL) and
 * "login" (the user name). The secret is the refresh token of the account; the password
 * itself is never kept.
 *
 * Returns: (transfer none): the schema
 */
const SecretSchema *
crn_secret_store_get_schema (void)
{
  static const SecretSchema schema = {
    CRN_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "login", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
set_keyring_error (GTask  *task,
                   GError *error)
{
  g_debug ("Keyring: %s", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_KEYRING,
                           _("The keyring could not be used (%s). Unlock your keyring, or "
                             "check that a secret service such as GNOME Keyring is running, "
                             "then sign in again."), error->message);
  g_error_free (error);
}

/* ---------------------------------------------------------------------------------- */
/* Save                                                                                */

static void
on_store_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    set_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * crn_secret_store_save_async:
 * @server_url: the server's base URL
 * @login: the user name
 * @secret: the secret to keep (a refresh token)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stores @secret in the default collection, replacing the one of the same account.
 */
void
crn_secret_store_save_async (const char          *server_url,
                             const char          *login,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = NULL;

  g_task_set_source_tag (task, crn_secret_store_save_async);
  /* TRANSLATORS: the label of the keyring item; %s is the user name, then the server */
  label = g_strdup_printf (_("Créneaux sign-in of %s on %s"), login, server_url);
  secret_password_store (crn_secret_store_get_schema (), SECRET_COLLECTION_DEFAULT, label,
                         secret, cancellable, on_store_cb, task,
                         "server", server_url, "login", login, NULL);
}

/**
 * crn_secret_store_save_finish:
 * @result: the result
 * @error: a #GError, %CRN_SYNC_ERROR_KEYRING when the keyring failed
 *
 * Returns: whether the secret was stored
 */
gboolean
crn_secret_store_save_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------- */
/* Lookup                                                                              */

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    set_keyring_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

/**
 * crn_secret_store_lookup_async:
 * @server_url: the server's base URL
 * @login: the user name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Looks the account's secret up.
 */
void
crn_secret_store_lookup_async (const char          *server_url,
                               const char          *login,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, crn_secret_store_lookup_async);
  secret_password_lookup (crn_secret_store_get_schema (), cancellable, on_lookup_cb, task,
                          "server", server_url, "login", login, NULL);
}

/**
 * crn_secret_store_lookup_finish:
 * @result: the result
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the secret (free it with secret_password_free()), or
 *   %NULL without error when there is none
 */
char *
crn_secret_store_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------- */
/* Clear                                                                               */

static void
on_clear_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    set_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * crn_secret_store_clear_async:
 * @server_url: the server's base URL
 * @login: the user name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes the account's secrets from the keyring (none is not an error).
 */
void
crn_secret_store_clear_async (const char          *server_url,
                              const char          *login,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, crn_secret_store_clear_async);
  secret_password_clear (crn_secret_store_get_schema (), cancellable, on_clear_cb, task,
                         "server", server_url, "login", login, NULL);
}

/**
 * crn_secret_store_clear_finish:
 * @result: the result
 * @error: a #GError
 *
 * Returns: whether the keyring could be asked
 */
gboolean
crn_secret_store_clear_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
