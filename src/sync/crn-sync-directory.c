/* crn-sync-directory.c: the practitioners and the CPTS policy, read from the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-fhir.h"
#include "crn-sync-private.h"

/*
 * Two requests in parallel (GET /fhir/Practitioner, GET /fhir/Parameters/policy); each part
 * is parsed and written to the store on its own, and the task ends when both are done. One
 * part failing does not lose the other: the caller gets what could be read, and an error
 * only when nothing could.
 */

typedef struct
{
  GPtrArray *practitioners;   /* CrnPractitioner, or NULL when not read */
  CrnPolicy *policy;          /* or NULL when not read */
  GError    *error;           /* the first failure */
  guint      pending;
} Directory;

static void
directory_free (Directory *data)
{
  g_clear_pointer (&data->practitioners, g_ptr_array_unref);
  g_clear_pointer (&data->policy, crn_policy_free);
  g_clear_error (&data->error);
  g_free (data);
}

static void
directory_fail (Directory *data,
                GError    *error)
{
  if (data->error == NULL)
    data->error = error;
  else
    g_error_free (error);
}

static void
directory_part_done (GTask *task)
{
  Directory *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    {
      g_object_unref (task);
      return;
    }
  if (data->error != NULL &&
      (g_error_matches (data->error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       (data->practitioners == NULL && data->policy == NULL)))
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    {
      if (data->error != NULL)
        g_warning ("Part of the directory could not be read: %s", data->error->message);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

/* An answer that is not a 200 with a body: a translated sentence. */
static gboolean
check_response (CrnResponse  *response,
                GError      **error)
{
  g_autofree char *message = NULL;

  if (response->status == SOUP_STATUS_OK && response->body != NULL)
    return TRUE;
  message = crn_response_dup_message (response);
  g_set_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_REFUSED,
               _("The server refused to send the practitioners and the CPTS policy: %s"),
               message);
  return FALSE;
}

static void
on_practitioners_saved_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GTask *task = user_data;
  Directory *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!crn_store_upsert_practitioners_finish (CRN_STORE (source), result, &error))
    {
      g_clear_pointer (&data->practitioners, g_ptr_array_unref);
      directory_fail (data, error);
    }
  directory_part_done (task);
}

static void
on_practitioners_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  CrnSync *self = g_task_get_source_object (task);
  Directory *data = g_task_get_task_data (task);
  g_autoptr(CrnResponse) response = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(GPtrArray) practitioners = NULL;
  const char * const *mine;
  GError *error = NULL;
  JsonNode *node;
  guint iter = 0;

  response = crn_client_request_finish (CRN_CLIENT (source), result, &error);
  if (response == NULL || !check_response (response, &error) ||
      (reader = crn_fhir_bundle_reader_new (response->body, &error)) == NULL)
    {
      directory_fail (data, error);
      directory_part_done (task);
      return;
    }

  /* Only the practitioners the account acts for (all of them when it names none). */
  mine = crn_account_get_practitioners (self->account);
  practitioners = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_practitioner_free);
  while ((node = crn_fhir_bundle_reader_next (reader, "Practitioner", &iter)) != NULL)
    {
      g_autoptr(GError) parse_error = NULL;
      CrnPractitioner *practitioner = crn_fhir_practitioner_parse (node, &parse_error);

      if (practitioner == NULL)
        {
          g_warning ("Skipped a Practitioner from the server: %s", parse_error->message);
          continue;
        }
      if (mine != NULL && mine[0] != NULL && !g_strv_contains (mine, practitioner->idnps))
        {
          crn_practitioner_free (practitioner);
          continue;
        }
      g_ptr_array_add (practitioners, practitioner);
    }
  data->practitioners = g_steal_pointer (&practitioners);
  if (data->practitioners->len == 0)
    {
      directory_part_done (task);
      return;
    }
  crn_store_upsert_practitioners_async (self->store, data->practitioners,
                                        g_task_get_cancellable (task),
                                        on_practitioners_saved_cb, task);
}

static void
on_policy_saved_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Directory *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!crn_store_set_policy_finish (CRN_STORE (source), result, NULL, &error))
    {
      g_clear_pointer (&data->policy, crn_policy_free);
      directory_fail (data, error);
    }
  directory_part_done (task);
}

static void
on_policy_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  CrnSync *self = g_task_get_source_object (task);
  Directory *data = g_task_get_task_data (task);
  g_autoptr(CrnResponse) response = NULL;
  GError *error = NULL;

  response = crn_client_request_finish (CRN_CLIENT (source), result, &error);
  if (response == NULL || !check_response (response, &error) ||
      (data->policy = crn_fhir_policy_parse (response->body, &error)) == NULL)
    {
      directory_fail (data, error);
      directory_part_done (task);
      return;
    }
  crn_store_set_policy_async (self->store, data->policy, response->version,
                              g_task_get_cancellable (task), on_policy_saved_cb, task);
}

/**
 * crn_sync_read_directory_async:
 * @self: a signed-in sync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once both parts are read and stored
 * @user_data: data for @callback
 *
 * Reads the practitioners the account acts for (`GET /fhir/Practitioner`) and the CPTS
 * policy (`GET /fhir/Parameters/policy`) and writes them to the store. Does not need the
 * sync to be started.
 */
void
crn_sync_read_directory_async (CrnSync             *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Directory *data;

  g_return_if_fail (CRN_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crn_sync_read_directory_async);
  data = g_new0 (Directory, 1);
  data->pending = 2;
  g_task_set_task_data (task, data, (GDestroyNotify) directory_free);
  /* One reference per part; directory_part_done() drops it. */
  crn_client_request_async (self->client, "GET", "/fhir/Practitioner", NULL, NULL, NULL,
                            cancellable, on_practitioners_cb, g_object_ref (task));
  crn_client_request_async (self->client, "GET", "/fhir/Parameters/policy", NULL, NULL, NULL,
                            cancellable, on_policy_cb, task);
}

/**
 * crn_sync_read_directory_finish:
 * @self: a sync
 * @result: the result
 * @practitioners: (out) (optional) (transfer container) (element-type CrnPractitioner):
 *   the practitioners read, or %NULL when that part failed
 * @policy: (out) (optional) (transfer full): the CPTS policy, or %NULL when that part failed
 * @error: the failure when neither part could be read (or the read was cancelled)
 *
 * Returns: %TRUE when at least one part was read and stored
 */
gboolean
crn_sync_read_directory_finish (CrnSync       *self,
                                GAsyncResult  *result,
                                GPtrArray    **practitioners,
                                CrnPolicy    **policy,
                                GError       **error)
{
  Directory *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (practitioners != NULL)
    *practitioners = g_steal_pointer (&data->practitioners);
  if (policy != NULL)
    *policy = g_steal_pointer (&data->policy);
  return TRUE;
}
