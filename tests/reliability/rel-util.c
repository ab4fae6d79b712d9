/* rel-util.c: helpers of the reliability tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "rel-util.h"

void
rel_raw_response_free (RelRawResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->head);
  g_free (response->body);
  g_free (response);
}

RelRawResponse *
rel_raw_request (CrnTestServer *server,
                 const char    *request,
                 gsize          length)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  RelRawResponse *response = g_new0 (RelRawResponse, 1);
  const char *port_text = strrchr (server->base, ':') + 1;
  guint16 port = (guint16) g_ascii_strtoull (port_text, NULL, 10);
  const guint8 *end_of_head;
  gsize written = 0;
  guint8 buffer[16384];

  g_socket_client_set_timeout (client, 30);
  tcp = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  identity = g_network_address_new ("127.0.0.1", port);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), server->tls_database);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  /* The server may answer (and close) before it read everything: a write error then is
   * not a failure, the answer is what counts. */
  g_output_stream_write_all (g_io_stream_get_output_stream (tls), request, length, &written,
                             NULL, NULL);
  for (;;)
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer,
                                      sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      g_byte_array_append (data, buffer, n);
    }
  g_io_stream_close (tls, NULL, NULL);

  end_of_head = data->len >= 4 ? memmem (data->data, data->len, "\r\n\r\n", 4) : NULL;
  if (end_of_head != NULL && data->len > 12 && memcmp (data->data, "HTTP/1.", 7) == 0)
    {
      gsize head_len = end_of_head - data->data;

      response->status = (guint) g_ascii_strtoull ((const char *) data->data + 9, NULL, 10);
      response->head = g_strndup ((const char *) data->data, head_len);
      response->body_len = data->len - head_len - 4;
      response->body = g_strndup ((const char *) end_of_head + 4, response->body_len);
    }
  else
    {
      response->head = g_strdup ("");
      response->body = g_strdup ("");
    }
  return response;
}

static sqlite3 *
open_db (CrnTestServer *server)
{
  g_autofree char *path = g_build_filename (server->db_dir, "creneaux-server.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  return db;
}

char *
rel_db_digest (CrnTestServer *server)
{
  sqlite3 *db = open_db (server);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  /* One read transaction: a consistent snapshot. */
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name <> 'tokens' ORDER BY name", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_assert_cmpuint (tables->len, >=, 10);

  for (guint t = 0; t < tables->len; t++)
    {
      const char *table = g_ptr_array_index (tables, t);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", table);

      g_checksum_update (sum, (const guchar *) table, -1);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const void *blob = sqlite3_column_blob (stmt, c);
              int len = sqlite3_column_bytes (stmt, c);
              char type = (char) ('0' + sqlite3_column_type (stmt, c));

              g_checksum_update (sum, (const guchar *) &type, 1);
              if (blob != NULL)
                g_checksum_update (sum, blob, len);
              g_checksum_update (sum, (const guchar *) "\x1f", 1);
            }
          g_checksum_update (sum, (const guchar *) "\x1e", 1);
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

gint64
rel_db_count (CrnTestServer *server,
              const char    *sql)
{
  sqlite3 *db = open_db (server);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

void
rel_json_set (JsonNode   *root,
              const char *path,
              const char *value_json)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;
  guint n = g_strv_length (parts);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup (parts[i]);
      char *bracket = strchr (name, '[');
      gint index = -1;
      JsonObject *object;
      gboolean last = i + 1 == n;

      if (bracket != NULL)
        {
          index = (gint) g_ascii_strtoull (bracket + 1, NULL, 10);
          *bracket = '\0';
        }
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      object = json_node_get_object (node);
      if (last && index < 0)
        {
          if (value_json == NULL)
            json_object_remove_member (object, name);
          else
            json_object_set_member (object, name, json_from_string (value_json, NULL));
          return;
        }
      node = json_object_get_member (object, name);
      g_assert_nonnull (node);
      if (index >= 0)
        {
          JsonArray *array;

          g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
          array = json_node_get_array (node);
          g_assert_cmpint (index, <, (gint) json_array_get_length (array));
          if (last)
            {
              if (value_json == NULL)
                json_array_remove_element (array, index);
              else
                {
                  /* Replace in place: rebuild the array. */
                  JsonArray *copy = json_array_new ();

                  for (guint k = 0; k < json_array_get_length (array); k++)
                    json_array_add_element (copy, (gint) k == index
                                                    ? json_from_string (value_json, NULL)
                                                    : json_node_copy (json_array_get_element (array, k)));
                  json_object_set_array_member (object, name, copy);
                }
              return;
            }
          node = json_array_get_element (array, index);
        }
    }
}

char *
rel_db_integrity (CrnTestServer *server)
{
  sqlite3 *db = open_db (server);
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

gint64
rel_pick_start_after (gint64 earliest,
                      guint  length)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return crn_test_pick_start (earliest > now ? (guint) ((earliest - now + 59) / 60) : 0, length);
}

void
rel_add_slots (CrnTestServer *server,
               const char    *token,
               CrnTemplate   *agenda,
               guint          n_blocks,
               guint          minutes_ahead,
               CrnVisibility  visibility,
               GPtrArray     *ids,
               GArray        *starts)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *put_path = g_strdup_printf ("/fhir/Schedule/sched-%s-%s",
                                               agenda->practitioner, agenda->place_id);
  g_autoptr(CrnTestResponse) put = NULL;
  g_autofree gint64 *firsts = g_new0 (gint64, n_blocks);

  for (guint b = 0; b < n_blocks; b++)
    {
      CrnTemplateException *extra = crn_template_exception_new ();

      /* Each block after the one before: a block pushed past midnight must not run into
       * the next one (slots at the same instants would make both ambiguous). */
      firsts[b] = b == 0 ? crn_test_pick_start (minutes_ahead, 8 * 20)
                         : rel_pick_start_after (firsts[b - 1] + 8 * 20 * 60 + 10 * 60, 8 * 20);
      g_free (extra->id);
      extra->id = crn_uuid_new ();
      extra->kind = CRN_EXCEPTION_EXTRA;
      extra->start = firsts[b];
      extra->end = firsts[b] + 8 * 20 * 60;
      extra->slot_minutes = 20;
      extra->modalities = CRN_MODALITY_AMB;
      extra->visibility = visibility;
      crn_template_add_exception (agenda, extra);
    }
  node = crn_fhir_schedule_build (agenda, NULL);
  body = crn_fhir_to_string (node, FALSE);
  put = crn_test_request (server, "PUT", put_path, token, body, NULL);
  if (put->status != 200)
    g_error ("Schedule PUT: %u %s", put->status, put->body);

  for (guint i = 0; i < n_blocks * 8; i++)
    {
      gint64 start = firsts[i / 8] + (i % 8) * 20 * 60;
      g_autofree char *iso = crn_test_iso_param (start);
      g_autofree char *path = g_strdup_printf ("/fhir/Slot?actor=Practitioner/pract-%s"
                                               "&status=free&start=ge%s&start=le%s",
                                               agenda->practitioner, iso, iso);
      g_autoptr(CrnTestResponse) r = crn_test_request (server, "GET", path, token, NULL, NULL);

      g_assert_cmpuint (r->status, ==, 200);
      if (crn_test_json_int (r->json, "total") != 1)
        continue;     /* an instant the expansion skips (a time change) */
      g_ptr_array_add (ids, g_strdup (crn_test_json_string (r->json, "entry[0].resource.id")));
      g_array_append_val (starts, start);
    }
}

guint64
rel_test_init (int          *argc,
               char       ***argv,
               const char   *count_name,
               const char   *count_help,
               guint        *count)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  gint64 seed_option = -1;
  int count_option = 0;
  GOptionEntry entries[] = {
    { count_name, 0, 0, G_OPTION_ARG_INT, &count_option, count_help, "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed_option, "Random seed", "S" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  guint64 seed;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  if (!g_option_context_parse (context, argc, argv, &error))
    g_error ("%s", error->message);
  g_test_init (argc, argv, NULL);
  if (count_option > 0)
    *count = (guint) count_option;
  seed = seed_option >= 0 ? (guint64) seed_option : (guint64) g_get_real_time () % 1000000;
  g_print ("# seed %" G_GUINT64_FORMAT " (rerun with --seed %" G_GUINT64_FORMAT ")\n", seed,
           seed);
  return seed;
}
