/* sync-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

#include "crn-fhir.h"
#include "sync-test-server.h"
#include "sync-test-util.h"

/* ---------------------------------------------------------------------------------- */
/* The server process                                                                  */

SyncServer *
sync_server_start (const char *data_dir)
{
  return sync_server_start_on (data_dir, 0);
}

/* A test that aborts must not leave its server running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

SyncServer *
sync_server_start_on (const char *data_dir,
                      guint       port)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  const char *exe = g_getenv ("CRN_SERVER_EXE");
  SyncServer *server = g_new0 (SyncServer, 1);

  g_assert_nonnull (exe);
  server->data_dir = data_dir != NULL ? g_strdup (data_dir) : sync_test_tmpdir ();
  server->stderr_path = g_strdup_printf ("%s.stderr", server->data_dir);
  server->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, server->stderr_path);
  server->process = g_subprocess_launcher_spawn (launcher, &error, exe,
                                                 "--data-dir", server->data_dir,
                                                 "--listen", listen,
                                                 "--tls-cert", g_getenv ("CRN_TEST_TLS_CERT"),
                                                 "--tls-key", g_getenv ("CRN_TEST_TLS_KEY"),
                                                 "--demo", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while (server->url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_auto(GStrv) words = NULL;

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("creneaux-server stopped before listening (see %s)", server->stderr_path);
      if (g_str_has_prefix (line, "Listening on "))
        server->url = g_strdup (line + strlen ("Listening on "));
      else if (g_str_has_prefix (line, "Demo account: "))
        {
          words = g_strsplit (line + strlen ("Demo account: "), " ", 3);
          if (g_strv_length (words) == 3)
            g_hash_table_insert (server->passwords, g_strdup (words[1]), g_strdup (words[2]));
        }
    }
  return server;
}

static char *prepared_dir;

static void
remove_prepared_dir (void)
{
  sync_test_rmrf (prepared_dir);
  g_clear_pointer (&prepared_dir, g_free);
}

SyncServer *
sync_server_start_prepared (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  char *data_dir;
  const char *name;

  if (prepared_dir == NULL)
    {
      SyncServer *first = sync_server_start (NULL);

      sync_server_set_policy (first, FALSE);
      sync_server_add_evening (first, "dr.morel", "899700100011");
      prepared_dir = g_strdup (first->data_dir);
      sync_server_stop (first, TRUE);
      atexit (remove_prepared_dir);
    }

  data_dir = sync_test_tmpdir ();
  dir = g_dir_open (prepared_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from_path = g_build_filename (prepared_dir, name, NULL);
      g_autofree char *to_path = g_build_filename (data_dir, name, NULL);
      g_autoptr(GFile) from = g_file_new_for_path (from_path);
      g_autoptr(GFile) to = g_file_new_for_path (to_path);

      if (!g_file_test (from_path, G_FILE_TEST_IS_REGULAR))
        continue;
      g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }

  {
    SyncServer *server = sync_server_start (data_dir);

    g_free (data_dir);
    return server;
  }
}

void
sync_server_stop (SyncServer *server,
                  gboolean    keep_data)
{
  if (server == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  if (!keep_data)
    {
      sync_test_rmrf (server->data_dir);
      sync_test_rmrf (server->stderr_path);
    }
  g_free (server->data_dir);
  g_free (server->stderr_path);
  g_free (server->url);
  g_hash_table_unref (server->passwords);
  g_free (server);
}

void
sync_server_kill (SyncServer *server)
{
  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
  g_free (server->data_dir);
  g_free (server->stderr_path);
  g_free (server->url);
  g_hash_table_unref (server->passwords);
  g_free (server);
}

const char *
sync_server_password (SyncServer *server,
                      const char *login)
{
  const char *password = g_hash_table_lookup (server->passwords, login);

  g_assert_nonnull (password);
  return password;
}

/* ---------------------------------------------------------------------------------- */
/* Talking to it                                                                       */

CrnClient *
sync_server_client (SyncServer *server,
                    const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnAccount) account = NULL;
  CrnClient *client = crn_client_new (server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);

  g_assert_no_error (error);
  crn_client_sign_in_async (client, login, sync_server_password (server, login), NULL,
                            sync_test_result_cb, &result);
  account = crn_client_sign_in_finish (client, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return client;
}

CrnResponse *
sync_server_request (CrnClient  *client,
                     const char *method,
                     const char *path,
                     const char *if_none_exist,
                     JsonNode   *body)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnResponse *response;

  crn_client_request_async (client, method, path, NULL, if_none_exist, body, NULL,
                            sync_test_result_cb, &result);
  response = crn_client_request_finish (client, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return response;
}

void
sync_server_set_policy (SyncServer *server,
                        gboolean    needs_confirmation)
{
  g_autoptr(CrnClient) coord = sync_server_client (server, "coordination.cpts");
  g_autoptr(CrnResponse) current = sync_server_request (coord, "GET", "/fhir/Parameters/policy",
                                                        NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnPolicy) policy = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(CrnResponse) put = NULL;

  g_assert_cmpuint (current->status, ==, 200);
  policy = crn_fhir_policy_parse (current->body, &error);
  g_assert_no_error (error);
  policy->needs_confirmation = needs_confirmation;
  for (guint wd = 1; wd <= 7; wd++)
    {
      policy->snp_open[wd] = 0;
      policy->snp_close[wd] = 24 * 60;
    }
  body = crn_fhir_policy_build (policy, "policy");
  put = sync_server_request (coord, "PUT", "/fhir/Parameters/policy", NULL, body);
  g_assert_cmpuint (put->status, ==, 200);
}

void
sync_server_add_evening (SyncServer *server,
                         const char *login,
                         const char *idnps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnClient) gp = sync_server_client (server, login);
  g_autofree char *query = g_strdup_printf ("/fhir/Schedule?actor=Practitioner/pract-%s", idnps);
  g_autoptr(CrnResponse) found = sync_server_request (gp, "GET", query, NULL, NULL);
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(CrnTemplate) template = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(CrnResponse) put = NULL;
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) now = g_date_time_new_now (paris);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) evening = NULL;
  g_auto(CrnFhirScheduleInfo) info = { 0 };
  g_autofree char *path = NULL;
  CrnTemplateException *extra = crn_template_exception_new ();
  guint iter = 0;
  JsonNode *node;

  g_assert_cmpuint (found->status, ==, 200);
  reader = crn_fhir_bundle_reader_new (found->body, &error);
  g_assert_no_error (error);
  node = crn_fhir_bundle_reader_next (reader, "Schedule", &iter);
  g_assert_nonnull (node);
  template = crn_fhir_schedule_parse (node, &info, &error);
  g_assert_no_error (error);

  evening = g_date_time_new (paris, g_date_time_get_year (tomorrow),
                             g_date_time_get_month (tomorrow),
                             g_date_time_get_day_of_month (tomorrow), 21, 0, 0);
  g_free (extra->id);
  extra->id = crn_uuid_new ();
  extra->kind = CRN_EXCEPTION_EXTRA;
  extra->start = g_date_time_to_unix (evening);
  extra->end = extra->start + 2 * 3600;
  extra->slot_minutes = 10;
  extra->modalities = CRN_MODALITY_AMB;
  extra->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  crn_template_add_exception (template, extra);
  body = crn_fhir_schedule_build (template, NULL);
  path = g_strdup_printf ("/fhir/Schedule/%s",
                          json_object_get_string_member (json_node_get_object (body), "id"));
  put = sync_server_request (gp, "PUT", path, NULL, body);
  if (put->status != 200)
    {
      g_autofree char *message = crn_response_dup_message (put);

      g_error ("The evening could not be added: %u %s", put->status, message);
    }
}

/* ---------------------------------------------------------------------------------- */
/* The proxy                                                                           */

typedef struct
{
  SyncProxy         *proxy;
  SoupServerMessage *msg;
  SoupMessage       *upstream;
  SyncProxyMode      mode;
} Forward;

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  SoupMessageHeaders *to = user_data;

  if (g_ascii_strcasecmp (name, "Host") == 0 ||
      g_ascii_strcasecmp (name, "Connection") == 0 ||
      g_ascii_strcasecmp (name, "Content-Length") == 0 ||
      g_ascii_strcasecmp (name, "Transfer-Encoding") == 0 ||
      g_ascii_strcasecmp (name, "Accept-Encoding") == 0 ||
      g_ascii_strcasecmp (name, "Content-Encoding") == 0)
    return;
  soup_message_headers_append (to, name, value);
}

static void
on_upstream_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);

  forward->proxy->n_forwarded++;
  if (forward->mode == SYNC_PROXY_DROP_ANSWER)
    {
      /* The server committed; the client never hears of it. */
      GIOStream *stream = soup_server_message_steal_connection (forward->msg);

      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      g_object_unref (forward->msg);
      g_object_unref (forward->upstream);
      g_free (forward);
      return;
    }
  if (forward->mode == SYNC_PROXY_HOLD_ANSWER)
    {
      g_ptr_array_add (forward->proxy->held, g_object_ref (forward->msg));
      g_object_unref (forward->msg);
      g_object_unref (forward->upstream);
      g_free (forward);
      return;
    }
  if (body == NULL)
    soup_server_message_set_status (forward->msg, SOUP_STATUS_BAD_GATEWAY, NULL);
  else
    {
      /* Like a reverse proxy: the server's own address in links becomes the proxy's. */
      g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (body, NULL),
                                                  g_bytes_get_size (body));

      soup_message_headers_foreach (soup_message_get_response_headers (forward->upstream),
                                    copy_header_cb,
                                    soup_server_message_get_response_headers (forward->msg));
      soup_server_message_set_status (forward->msg, soup_message_get_status (forward->upstream),
                                      NULL);
      g_string_replace (text, forward->proxy->upstream, forward->proxy->url, 0);
      soup_message_body_append (soup_server_message_get_response_body (forward->msg),
                                SOUP_MEMORY_COPY, text->str, text->len);
    }
  soup_server_message_unpause (forward->msg);
  g_object_unref (forward->msg);
  g_object_unref (forward->upstream);
  g_free (forward);
}

static void
bytes_closure_unref (gpointer  data,
                     GClosure *closure)
{
  g_bytes_unref (data);
}

static void
on_forward_restarted_cb (SoupMessage *msg,
                         gpointer     user_data)
{
  GBytes *body = user_data;

  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_set_request_body_from_bytes (msg,
                                            soup_message_headers_get_content_type (headers, NULL),
                                            body);
}

static void
proxy_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SyncProxy *proxy = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (in, "Authorization");
  g_autofree char *line = g_strdup_printf ("%s %s", method, path);
  g_autofree char *url = g_strdup_printf ("%s%s%s%s", proxy->upstream, path,
                                          raw_query != NULL ? "?" : "",
                                          raw_query != NULL ? raw_query : "");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  SyncProxyMode mode = SYNC_PROXY_PASS;
  Forward *forward;

  if (auth != NULL && g_str_has_prefix (auth, "Bearer "))
    g_ptr_array_add (proxy->tokens, g_strdup (auth + 7));
  if (proxy->times > 0 && (proxy->match == NULL || g_str_has_prefix (line, proxy->match)))
    {
      proxy->times--;
      proxy->n_matched++;
      mode = proxy->mode;
    }

  if (mode == SYNC_PROXY_FAIL_500)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }
  if (mode == SYNC_PROXY_MALFORMED)
    {
      static const char garbage[] = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resou";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_STATIC,
                                        garbage, strlen (garbage));
      return;
    }

  forward = g_new0 (Forward, 1);
  forward->proxy = proxy;
  forward->msg = g_object_ref (msg);
  forward->mode = mode;
  forward->upstream = soup_message_new (method, url);
  soup_message_headers_foreach (in, copy_header_cb,
                                soup_message_get_request_headers (forward->upstream));
  if (g_bytes_get_size (body) > 0)
    {
      soup_message_set_request_body_from_bytes (forward->upstream,
                                                soup_message_headers_get_content_type (in, NULL),
                                                body);
      g_signal_connect_data (forward->upstream, "restarted",
                             G_CALLBACK (on_forward_restarted_cb), g_bytes_ref (body),
                             bytes_closure_unref, 0);
    }
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (proxy->session, forward->upstream, G_PRIORITY_DEFAULT, NULL,
                                    on_upstream_cb, forward);
}

SyncProxy *
sync_proxy_new (const char *upstream)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  SyncProxy *proxy = g_new0 (SyncProxy, 1);
  GSList *uris;

  cert = g_tls_certificate_new_from_files (g_getenv ("CRN_TEST_TLS_CERT"),
                                           g_getenv ("CRN_TEST_TLS_KEY"), &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  proxy->session = soup_session_new_with_options ("tls-database", database, "timeout", 30,
                                                  NULL);
  proxy->server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (proxy->server, NULL, proxy_handler, proxy, NULL);
  soup_server_listen_local (proxy->server, 0,
                            SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy->server);
  proxy->url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  proxy->upstream = g_strdup (upstream);
  proxy->tokens = g_ptr_array_new_with_free_func (g_free);
  proxy->held = g_ptr_array_new_with_free_func (g_object_unref);
  return proxy;
}

void
sync_proxy_set_mode (SyncProxy     *proxy,
                     SyncProxyMode  mode,
                     const char    *match,
                     guint          times)
{
  proxy->mode = mode;
  g_free (proxy->match);
  proxy->match = g_strdup (match);
  proxy->times = times;
}

void
sync_proxy_free (SyncProxy *proxy)
{
  soup_server_disconnect (proxy->server);
  g_object_unref (proxy->server);
  g_object_unref (proxy->session);
  g_ptr_array_unref (proxy->held);
  g_ptr_array_unref (proxy->tokens);
  g_free (proxy->url);
  g_free (proxy->upstream);
  g_free (proxy->match);
  g_free (proxy);
}
