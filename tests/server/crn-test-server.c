/* crn-test-server.c: start the real creneaux-server process and talk to it over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "crn-test-server.h"

static char *
read_stderr (CrnTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "server.log", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

void
crn_test_server_drain_stderr (CrnTestServer *server)
{
  g_autofree char *text = read_stderr (server);

  g_string_assign (server->stderr_text, text);
}

/* A test that fails with g_error() must not leave its server running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
server_spawn (CrnTestServer *server)
{
  const char *exe = g_getenv ("CRN_SERVER_EXE");
  const char *cert = g_getenv ("CRN_TEST_TLS_CERT");
  const char *key = g_getenv ("CRN_TEST_TLS_KEY");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log_path = g_build_filename (server->data_dir, "server.log", NULL);

  g_assert_nonnull (exe);
  g_assert_nonnull (cert);
  g_assert_nonnull (key);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* Append: a restart keeps the first run's log. */
  {
    int fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_subprocess_launcher_take_stderr_fd (launcher, fd);
  }
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error, exe,
                                                 "--data-dir", server->db_dir,
                                                 "--listen", "127.0.0.1:0",
                                                 "--tls-cert", cert, "--tls-key", key,
                                                 "--demo", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  g_clear_pointer (&server->base, g_free);
  while (server->base == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_auto(GStrv) words = NULL;

      g_assert_no_error (error);
      if (line == NULL)
        {
          g_autofree char *log = read_stderr (server);

          g_error ("The server stopped before listening:\n%s", log);
        }
      if (g_str_has_prefix (line, "Listening on "))
        server->base = g_strdup (line + strlen ("Listening on "));
      else if (g_str_has_prefix (line, "Demo account: "))
        {
          words = g_strsplit (line + strlen ("Demo account: "), " ", -1);
          g_assert_cmpuint (g_strv_length (words), ==, 3);
          g_hash_table_replace (server->passwords, g_strdup (words[1]), g_strdup (words[2]));
          if (!g_hash_table_contains (server->logins, words[0]))
            g_hash_table_insert (server->logins, g_strdup (words[0]), g_strdup (words[1]));
        }
    }
  g_assert_true (g_str_has_prefix (server->base, "https://127.0.0.1:"));
}

CrnTestServer *
crn_test_server_start (const char *data_dir)
{
  CrnTestServer *server = g_new0 (CrnTestServer, 1);
  g_autoptr(GError) error = NULL;

  server->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->stderr_text = g_string_new (NULL);
  if (data_dir != NULL)
    server->data_dir = g_strdup (data_dir);
  else
    {
      server->data_dir = g_dir_make_tmp ("crn-server-test-XXXXXX", &error);
      g_assert_no_error (error);
    }
  server->db_dir = g_build_filename (server->data_dir, "data", NULL);
  server_spawn (server);

  /* Trust exactly the test certificate. */
  server->tls_database = g_tls_file_database_new (g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  /* Sanitized builds on a loaded machine answer a burst of 32 bookings slowly; a request
   * that times out would be counted as neither won nor lost. */
  server->session = soup_session_new_with_options ("timeout",
                                                   g_getenv ("CRN_TEST_SANITIZED") ? 300 : 60,
                                                   "tls-database", server->tls_database,
                                                   "max-conns", 100,
                                                   "max-conns-per-host", 100,
                                                   NULL);
  return server;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
crn_test_server_stop (CrnTestServer *server,
                      gboolean       keep_data)
{
  g_autoptr(GError) error = NULL;

  if (server->process != NULL)
    {
      g_subprocess_send_signal (server->process, SIGTERM);
      g_subprocess_wait (server->process, NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&server->process);
    }
  crn_test_server_drain_stderr (server);
  /* Under ASan/UBSan the server reports memory errors in its log: they fail the test.
   * (Leaks at exit are left to LSAN_OPTIONS; libsoup 3.2 leaks the sockets of idle
   * connections closed by the client, fixed upstream in 3.3.) */
  if (strstr (server->stderr_text->str, "ERROR: AddressSanitizer") != NULL ||
      strstr (server->stderr_text->str, "runtime error:") != NULL)
    g_error ("The server reported a memory error:\n%s", server->stderr_text->str);
  if (!keep_data && server->data_dir != NULL)
    {
      remove_tree (server->data_dir);
      g_clear_pointer (&server->data_dir, g_free);
    }
}

void
crn_test_server_kill (CrnTestServer *server)
{
  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

void
crn_test_server_free (CrnTestServer *server)
{
  if (server == NULL)
    return;
  if (server->process != NULL || server->data_dir != NULL)
    crn_test_server_stop (server, FALSE);
  if (server->session != NULL)
    soup_session_abort (server->session);
  g_clear_object (&server->session);
  g_clear_object (&server->tls_database);
  g_hash_table_unref (server->passwords);
  g_hash_table_unref (server->logins);
  g_string_free (server->stderr_text, TRUE);
  g_free (server->db_dir);
  g_free (server->base);
  g_free (server);
  /* Let the session's sources finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

const char *
crn_test_server_login_for (CrnTestServer *server,
                           const char    *role)
{
  const char *login = g_hash_table_lookup (server->logins, role);

  g_assert_nonnull (login);
  return login;
}

SoupMessage *
crn_test_message_new (CrnTestServer *server,
                      const char    *method,
                      const char    *path,
                      const char    *token,
                      const char    *content_type,
                      const char    *body,
                      gssize         body_len)
{
  g_autofree char *url = g_strconcat (server->base, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len < 0 ? strlen (body) : (gsize) body_len);

      soup_message_set_request_body_from_bytes (msg, content_type != NULL ? content_type
                                                                          : "application/fhir+json",
                                                bytes);
    }
  return msg;
}

static CrnTestResponse *
response_new (SoupMessage *msg,
              GBytes      *body)
{
  CrnTestResponse *r = g_new0 (CrnTestResponse, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();

  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  /* An empty GBytes may have no data at all (g_strndup (NULL, 0) is NULL). */
  r->body = body != NULL && g_bytes_get_size (body) > 0
              ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
              : g_strdup ("");
  if (r->body[0] != '\0' && json_parser_load_from_data (parser, r->body, -1, NULL))
    r->json = json_node_ref (json_parser_get_root (parser));
  return r;
}

CrnTestResponse *
crn_test_send_message (CrnTestServer *server,
                       SoupMessage   *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (server->session, msg, NULL, &error);

  g_assert_no_error (error);
  return response_new (msg, body);
}

CrnTestResponse *
crn_test_request (CrnTestServer *server,
                  const char    *method,
                  const char    *path,
                  const char    *token,
                  const char    *body,
                  ...)
{
  g_autoptr(SoupMessage) msg = crn_test_message_new (server, method, path, token, NULL, body,
                                                     -1);
  va_list args;
  const char *name;

  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      soup_message_headers_replace (soup_message_get_request_headers (msg), name, value);
    }
  va_end (args);
  return crn_test_send_message (server, msg);
}

CrnTestResponse *
crn_test_form (CrnTestServer *server,
               const char    *path,
               const char    *form)
{
  g_autoptr(SoupMessage) msg = crn_test_message_new (server, "POST", path, NULL,
                                                     "application/x-www-form-urlencoded",
                                                     form, -1);

  return crn_test_send_message (server, msg);
}

char *
crn_test_server_token (CrnTestServer *server,
                       const char    *login,
                       char         **refresh_token)
{
  const char *password = g_hash_table_lookup (server->passwords, login);
  g_autofree char *u = NULL;
  g_autofree char *p = NULL;
  g_autofree char *form = NULL;
  g_autoptr(CrnTestResponse) r = NULL;

  g_assert_nonnull (password);
  u = g_uri_escape_string (login, NULL, FALSE);
  p = g_uri_escape_string (password, NULL, FALSE);
  form = g_strdup_printf ("grant_type=password&username=%s&password=%s", u, p);
  r = crn_test_form (server, "/oauth/token", form);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  if (refresh_token != NULL)
    *refresh_token = g_strdup (crn_test_json_string (r->json, "refresh_token"));
  return g_strdup (crn_test_json_string (r->json, "access_token"));
}

void
crn_test_response_free (CrnTestResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response->body);
  g_free (response);
}

/* ---------------------------------------------------------------------------------- */

JsonNode *
crn_test_json_get (JsonNode   *root,
                   const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    {
      char *bracket = strchr (parts[i], '[');
      guint index = 0;

      if (bracket != NULL)
        {
          index = g_ascii_strtoull (bracket + 1, NULL, 10);
          *bracket = '\0';
        }
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
      if (node != NULL && bracket != NULL)
        {
          JsonArray *array;

          if (!JSON_NODE_HOLDS_ARRAY (node))
            return NULL;
          array = json_node_get_array (node);
          node = index < json_array_get_length (array) ? json_array_get_element (array, index)
                                                       : NULL;
        }
    }
  return node;
}

const char *
crn_test_json_string (JsonNode   *root,
                      const char *path)
{
  JsonNode *node = crn_test_json_get (root, path);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
crn_test_json_int (JsonNode   *root,
                   const char *path)
{
  JsonNode *node = crn_test_json_get (root, path);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  return json_node_get_int (node);
}

guint
crn_test_json_length (JsonNode   *root,
                      const char *path)
{
  JsonNode *node = crn_test_json_get (root, path);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;
  return json_array_get_length (json_node_get_array (node));
}

char *
crn_test_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

const char *
crn_test_outcome_code (CrnTestResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_cmpstr (crn_test_json_string (response->json, "resourceType"), ==,
                   "OperationOutcome");
  return crn_test_json_string (response->json, "issue[0].code");
}

const char *
crn_test_outcome_text (CrnTestResponse *response)
{
  g_assert_nonnull (response->json);
  return crn_test_json_string (response->json, "issue[0].details.text");
}

const char *
crn_test_outcome_diagnostics (CrnTestResponse *response)
{
  g_assert_nonnull (response->json);
  return crn_test_json_string (response->json, "issue[0].diagnostics");
}

/* Every start handed out so far in this process. Picks that would cross midnight are pushed
 * to 00:05, so two picks asked for different offsets could otherwise land on the same
 * instant when a test runs in the evening (Paris time). */
G_LOCK_DEFINE_STATIC (picked);
static GHashTable *picked;

/* Can a block of @length minutes start at @start: inside one Paris day, not in its first
 * five minutes, and not handed out before? Called with the lock held. */
static gboolean
start_free (gint64 start,
            guint  length)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (start);
  g_autoptr(GDateTime) in_paris = g_date_time_to_timezone (local, paris);
  guint minute = g_date_time_get_hour (in_paris) * 60 + g_date_time_get_minute (in_paris);

  return minute + length < 24 * 60 && minute >= 5 && !g_hash_table_contains (picked, &start);
}

void
crn_test_pick_starts (guint   minutes_ahead,
                      guint   n,
                      guint   spacing,
                      guint   length,
                      gint64 *starts)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = ((now + minutes_ahead * 60) / 300 + 1) * 300;

  g_return_if_fail (spacing > 0 && spacing % 5 == 0);

  G_LOCK (picked);
  if (picked == NULL)
    picked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < n; i++, start += spacing * 60)
    {
      while (!start_free (start, length))
        start += 300;
      starts[i] = start;
      g_hash_table_add (picked, g_memdup2 (&start, sizeof start));
    }
  G_UNLOCK (picked);
}

gint64
crn_test_pick_start (guint minutes_ahead,
                     guint length)
{
  gint64 start;

  crn_test_pick_starts (minutes_ahead, 1, MAX (5, (length + 4) / 5 * 5), length, &start);
  return start;
}

/* ---------------------------------------------------------------------------------- */
/* Agenda helpers                                                                      */

void
crn_test_put_policy (CrnTestServer *server,
                     const char    *coordinator_token,
                     guint          close_weekday,
                     guint          close_minute,
                     guint          booking_closes,
                     gboolean       confirmation)
{
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) r = NULL;

  for (guint wd = 1; wd <= 7; wd++)
    {
      policy->snp_open[wd] = 0;
      policy->snp_close[wd] = 24 * 60;
    }
  if (close_weekday != 0)
    policy->snp_close[close_weekday] = close_minute;
  policy->booking_closes_minutes = booking_closes;
  policy->needs_confirmation = confirmation;
  g_ptr_array_add (policy->excluded_reasons, g_strdup ("renouvellement d'ordonnance"));
  node = crn_fhir_policy_build (policy, "policy");
  body = crn_fhir_to_string (node, FALSE);
  r = crn_test_request (server, "PUT", "/fhir/Parameters/policy", coordinator_token, body,
                        NULL);
  g_assert_cmpuint (r->status, ==, 200);
}

char *
crn_test_iso_param (gint64 seconds)
{
  g_autofree char *iso = crn_fhir_format_instant_ms (seconds * 1000);

  return g_uri_escape_string (iso, NULL, FALSE);
}

char *
crn_test_add_slot (CrnTestServer *server,
                   const char    *token,
                   CrnTemplate   *agenda,
                   gint64         start,
                   CrnVisibility  visibility)
{
  return crn_test_add_slot_minutes (server, token, agenda, start, 20, visibility);
}

char *
crn_test_add_slot_minutes (CrnTestServer *server,
                           const char    *token,
                           CrnTemplate   *agenda,
                           gint64         start,
                           guint          minutes,
                           CrnVisibility  visibility)
{
  CrnTemplateException *extra = crn_template_exception_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *from = crn_test_iso_param (start);
  g_autofree char *schedule = crn_fhir_schedule_id (agenda->practitioner, agenda->place_id);
  g_autofree char *put_path = g_strdup_printf ("/fhir/Schedule/%s", schedule);
  g_autofree char *path = NULL;
  g_autoptr(CrnTestResponse) put = NULL;
  g_autoptr(CrnTestResponse) before = NULL;
  g_autoptr(CrnTestResponse) search = NULL;
  g_autoptr(GHashTable) there = g_hash_table_new (g_str_hash, g_str_equal);
  const char *found = NULL;
  gint64 total;

  /* The demo agenda may already have a slot at that instant (its "soon" block lies 90 to
   * 125 minutes after the server started): the new slot is the one that was not there. */
  path = g_strdup_printf ("/fhir/Slot?actor=Practitioner/pract-%s&status=free"
                          "&start=ge%s&start=le%s", agenda->practitioner, from, from);
  before = crn_test_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpuint (before->status, ==, 200);
  total = crn_test_json_int (before->json, "total");
  for (gint64 i = 0; i < total; i++)
    {
      g_autofree char *member = g_strdup_printf ("entry[%" G_GINT64_FORMAT "].resource.id", i);

      g_hash_table_add (there, (gpointer) crn_test_json_string (before->json, member));
    }

  g_free (extra->id);
  extra->id = crn_uuid_new ();
  extra->kind = CRN_EXCEPTION_EXTRA;
  extra->start = start;
  extra->end = start + minutes * 60;
  extra->slot_minutes = minutes;
  extra->modalities = CRN_MODALITY_AMB;
  extra->visibility = visibility;
  crn_template_add_exception (agenda, extra);

  node = crn_fhir_schedule_build (agenda, NULL);
  body = crn_fhir_to_string (node, FALSE);
  put = crn_test_request (server, "PUT", put_path, token, body, NULL);
  if (put->status != 200)
    g_error ("Schedule PUT (extra at %" G_GINT64_FORMAT "): %u %s\n%s", start, put->status,
             put->body, body);

  search = crn_test_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpuint (search->status, ==, 200);
  /* (The one there before may be gone: the PUT replaces the whole agenda, and @agenda may
   * not hold the block that made it.) */
  total = crn_test_json_int (search->json, "total");
  for (gint64 i = 0; i < total; i++)
    {
      g_autofree char *member = g_strdup_printf ("entry[%" G_GINT64_FORMAT "].resource.id", i);
      const char *id = crn_test_json_string (search->json, member);

      if (!g_hash_table_contains (there, id))
        {
          g_assert_null (found);
          found = id;
        }
    }
  g_assert_nonnull (found);
  return g_strdup (found);
}

char *
crn_test_appointment_body (const char *id,
                           const char *slot_id,
                           const char *gp,
                           gint64      start,
                           const char *reason)
{
  g_autoptr(CrnBooking) b = crn_booking_new ();
  g_autoptr(JsonNode) node = NULL;

  g_free (b->id);
  b->id = id != NULL ? g_strdup (id) : crn_uuid_new ();
  b->slot_id = g_strdup (slot_id);
  b->practitioner = g_strdup (gp);
  b->start = start;
  b->end = start + 20 * 60;
  b->patient.family = g_strdup ("DUPONT");
  b->patient.given = g_strdup ("Lucas");
  b->patient.birth_date = g_strdup ("1987-04-12");
  b->patient.phone = g_strdup ("06 00 00 00 00");
  b->reason = g_strdup (reason != NULL ? reason : "Fièvre et otalgie depuis 48 h");
  b->referrer = CRN_REFERRER_SAS;
  b->status = CRN_APPOINTMENT_STATUS_BOOKED;
  b->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
  node = crn_fhir_appointment_build (b, NULL);
  return crn_fhir_to_string (node, FALSE);
}

/* The notifications' WebSocket ------------------------------------------------------- */

static void
on_listener_message_cb (SoupWebsocketConnection *connection,
                        int                      type,
                        GBytes                  *message,
                        gpointer                 user_data)
{
  CrnTestListener *l = user_data;

  g_ptr_array_add (l->messages, g_strndup (g_bytes_get_data (message, NULL),
                                           g_bytes_get_size (message)));
}

static void
on_listener_closed_cb (SoupWebsocketConnection *connection,
                       gpointer                 user_data)
{
  ((CrnTestListener *) user_data)->closed = TRUE;
}

static void
on_listener_connected_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  CrnTestListener *l = user_data;

  l->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                         &l->error);
  if (l->connection != NULL)
    {
      g_signal_connect (l->connection, "message", G_CALLBACK (on_listener_message_cb), l);
      g_signal_connect (l->connection, "closed", G_CALLBACK (on_listener_closed_cb), l);
    }
}

CrnTestListener *
crn_test_listen (CrnTestServer *server,
                 const char    *token,
                 guint         *status)
{
  CrnTestListener *l = g_new0 (CrnTestListener, 1);
  g_autofree char *url = g_strdup_printf ("%s/notifications", server->base);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
    }
  l->messages = g_ptr_array_new_with_free_func (g_free);
  soup_session_websocket_connect_async (server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_listener_connected_cb, l);
  while (l->connection == NULL && l->error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (status != NULL)
    *status = soup_message_get_status (msg);
  return l;
}

void
crn_test_listener_free (CrnTestListener *l)
{
  if (l == NULL)
    return;
  if (l->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (l->connection, l);
      soup_websocket_connection_close (l->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (l->connection);
    }
  g_clear_error (&l->error);
  g_ptr_array_unref (l->messages);
  g_free (l);
}
