/* test-report.c: the CPTS monthly report (/reports/monthly), against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts creneaux-server --demo on a free loopback port over TLS (the build's test
 * certificate), then checks the report's access rules, its errors, its CSV and JSON shapes
 * and its figures: the invariants over the demo's three months of history, and exact
 * changes when known bookings are made (by SAS regulation and by a pharmacy, through the
 * booking page) and cancelled.
 *
 * Needs CRN_SERVER_EXE (the creneaux-server binary), CRN_TEST_TLS_CERT, CRN_TEST_TLS_KEY.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#define CSV_HEADER "date,territoire,cabinet_id,cabinet,creneaux_proposes,minutes_proposees," \
                   "reservations,reservations_sas,reservations_pharmacie,vus,non_venus," \
                   "annules,taux_remplissage"
#define N_COLUMNS 13

/* Column indexes of the counts */
enum
{
  COL_DATE = 0, COL_TERRITORY, COL_PRACTICE_ID, COL_PRACTICE, COL_OFFERED, COL_MINUTES,
  COL_BOOKED, COL_SAS, COL_PHARMACY, COL_SEEN, COL_NOSHOW, COL_CANCELLED, COL_RATE,
};

typedef struct
{
  char *login;
  char *password;
} Account;

typedef struct
{
  GSubprocess *process;
  char        *data_dir;
  char        *base;
  SoupSession *session;
  GHashTable  *accounts;   /* role -> Account */
} Server;

static Server *server;   /* one demo server for the whole file: seeding takes a while */

static void
account_free (Account *a)
{
  g_free (a->login);
  g_free (a->password);
  g_free (a);
}

/* ------------------------------------------------------------------------------------ */
/* The server process                                                                    */

static gboolean
accept_test_certificate (SoupMessage          *msg,
                         GTlsCertificate      *certificate,
                         GTlsCertificateFlags  errors,
                         gpointer              user_data)
{
  GTlsCertificate *expected = user_data;

  return g_tls_certificate_is_same (certificate, expected);
}

/* The server dies with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
server_start (void)
{
  const char *exe = g_getenv ("CRN_SERVER_EXE");
  const char *cert = g_getenv ("CRN_TEST_TLS_CERT");
  const char *key = g_getenv ("CRN_TEST_TLS_KEY");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_dir = NULL;

  g_assert_nonnull (exe);
  g_assert_nonnull (cert);
  g_assert_nonnull (key);

  server = g_new0 (Server, 1);
  server->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) account_free);
  server->data_dir = g_dir_make_tmp ("crn-report-XXXXXX", &error);
  g_assert_no_error (error);
  db_dir = g_build_filename (server->data_dir, "data", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error, exe, "--data-dir", db_dir,
                                                 "--listen", "127.0.0.1:0",
                                                 "--tls-cert", cert, "--tls-key", key,
                                                 "--demo", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while (server->base == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_auto(GStrv) words = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* the server died before listening */
      g_strstrip (line);
      if (g_str_has_prefix (line, "Listening on "))
        server->base = g_strdup (line + strlen ("Listening on "));
      else if (g_str_has_prefix (line, "Demo account: "))
        {
          words = g_strsplit (line + strlen ("Demo account: "), " ", -1);
          if (g_strv_length (words) == 3)
            {
              Account *a = g_new0 (Account, 1);
              a->login = g_strdup (words[1]);
              a->password = g_strdup (words[2]);
              g_hash_table_replace (server->accounts, g_strdup (words[0]), a);
            }
        }
    }
  g_assert_true (g_str_has_prefix (server->base, "https://127.0.0.1:"));
  g_assert_true (g_hash_table_contains (server->accounts, "coordinator"));
  g_assert_true (g_hash_table_contains (server->accounts, "regulator"));
  g_assert_true (g_hash_table_contains (server->accounts, "pharmacy"));
  g_assert_true (g_hash_table_contains (server->accounts, "practitioner"));

  server->session = soup_session_new_with_options ("timeout", 60, NULL);
}

static void
server_stop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_clear_object (&server->process);
  g_clear_object (&server->session);

  /* The data folder: the database and its WAL files. */
  {
    g_autofree char *db_dir = g_build_filename (server->data_dir, "data", NULL);
    g_autoptr(GDir) d = g_dir_open (db_dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (db_dir, name, NULL);
        g_remove (path);
      }
    g_rmdir (db_dir);
    g_rmdir (server->data_dir);
  }
  g_hash_table_unref (server->accounts);
  g_free (server->data_dir);
  g_free (server->base);
  g_clear_pointer (&server, g_free);
}

/* ------------------------------------------------------------------------------------ */
/* HTTP                                                                                  */

typedef struct
{
  guint       status;
  char       *body;
  gsize       length;
  char       *content_type;
  char       *location;
  GPtrArray  *set_cookies;
} Response;

static void
response_free (Response *r)
{
  g_free (r->body);
  g_free (r->content_type);
  g_free (r->location);
  g_ptr_array_unref (r->set_cookies);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
collect_cookie (const char *name,
                const char *value,
                gpointer    user_data)
{
  if (g_ascii_strcasecmp (name, "Set-Cookie") == 0)
    g_ptr_array_add (user_data, g_strdup (value));
}

static Response *
request (const char *method,
         const char *path,
         const char *authorization,   /* nullable: "Bearer …" */
         const char *cookies,         /* nullable: "a=b; c=d" */
         const char *accept,          /* nullable */
         const char *form)            /* nullable: urlencoded body */
{
  g_autofree char *url = g_strconcat (server->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  Response *r;
  const char *location;

  g_assert_nonnull (msg);
  cert = g_tls_certificate_new_from_file (g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_test_certificate), cert);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (cookies != NULL && *cookies != '\0')
    soup_message_headers_replace (headers, "Cookie", cookies);
  if (accept != NULL)
    soup_message_headers_replace (headers, "Accept", accept);
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
    }

  body = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);

  r = g_new0 (Response, 1);
  r->status = soup_message_get_status (msg);
  r->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  r->length = g_bytes_get_size (body);
  r->content_type = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                            "Content-Type"));
  /* The Location as a path: libsoup makes redirects absolute. */
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (location != NULL && g_str_has_prefix (location, server->base))
    location += strlen (server->base);
  r->location = g_strdup (location);
  r->set_cookies = g_ptr_array_new_with_free_func (g_free);
  soup_message_headers_foreach (soup_message_get_response_headers (msg), collect_cookie,
                                r->set_cookies);
  return r;
}

static char *
get_token (const char *role)
{
  Account *a = g_hash_table_lookup (server->accounts, role);
  g_autofree char *form = NULL;
  g_autoptr(Response) r = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  g_assert_nonnull (a);
  form = soup_form_encode ("grant_type", "password", "username", a->login,
                           "password", a->password, NULL);
  r = request ("POST", "/oauth/token", NULL, NULL, NULL, form);
  g_assert_cmpuint (r->status, ==, 200);
  json_parser_load_from_data (parser, r->body, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  return g_strdup_printf ("Bearer %s", json_object_get_string_member (o, "access_token"));
}

static char *
this_month (int delta)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) now = g_date_time_new_now (paris);
  g_autoptr(GDateTime) first = g_date_time_new (paris, g_date_time_get_year (now),
                                                g_date_time_get_month (now), 1, 12, 0, 0);
  g_autoptr(GDateTime) shifted = g_date_time_add_months (first, delta);

  return g_date_time_format (shifted, "%Y-%m");
}

/* ------------------------------------------------------------------------------------ */
/* CSV                                                                                   */

/* Our CSV has no quoted separators in the figures; quoted text cells are unquoted here. */
static GPtrArray *
csv_parse (const char *text,
           char        sep)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_auto(GStrv) lines = NULL;
  guint i;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  for (i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      GPtrArray *cells = g_ptr_array_new ();
      GString *cell = g_string_new (NULL);
      gboolean quoted = FALSE;
      const char *p;

      for (p = lines[i]; ; p++)
        {
          if (*p == '\0' || (*p == sep && !quoted))
            {
              g_ptr_array_add (cells, g_string_free (cell, FALSE));
              if (*p == '\0')
                break;
              cell = g_string_new (NULL);
            }
          else if (*p == '"')
            {
              if (quoted && p[1] == '"')
                {
                  g_string_append_c (cell, '"');
                  p++;
                }
              else
                quoted = !quoted;
            }
          else
            g_string_append_c (cell, *p);
        }
      g_ptr_array_add (cells, NULL);
      g_ptr_array_add (rows, g_ptr_array_free (cells, FALSE));
    }
  return rows;
}

static guint
cell_uint (GStrv row,
           int   col)
{
  guint64 v = 0;
  g_autoptr(GError) error = NULL;

  g_ascii_string_to_unsigned (row[col], 10, 0, G_MAXUINT, &v, &error);
  g_assert_no_error (error);
  return (guint) v;
}

static GPtrArray *
get_csv (const char *token,
         const char *month)
{
  g_autofree char *path = g_strdup_printf ("/reports/monthly?month=%s", month);
  g_autoptr(Response) r = request ("GET", path, token, NULL, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (r->content_type, "text/csv"));
  return csv_parse (r->body, ',');
}

/* Checks the shape and the invariants of one month's CSV. Returns the totals row. */
static GStrv
check_csv (GPtrArray *rows)
{
  g_autofree char *header = NULL;
  guint sums[N_COLUMNS] = { 0 };
  GStrv total;
  guint i;
  int c;

  g_assert_cmpuint (rows->len, >=, 2);
  header = g_strjoinv (",", g_ptr_array_index (rows, 0));
  g_assert_cmpstr (header, ==, CSV_HEADER);

  for (i = 1; i + 1 < rows->len; i++)
    {
      GStrv row = g_ptr_array_index (rows, i);

      g_assert_cmpuint (g_strv_length (row), ==, N_COLUMNS);
      g_assert_true (g_regex_match_simple ("^\\d{4}-\\d{2}-\\d{2}$", row[COL_DATE], 0, 0));
      g_assert_cmpstr (row[COL_PRACTICE], !=, "");
      g_assert_cmpuint (cell_uint (row, COL_SAS) + cell_uint (row, COL_PHARMACY), <=,
                        cell_uint (row, COL_BOOKED));
      g_assert_cmpuint (cell_uint (row, COL_SEEN) + cell_uint (row, COL_NOSHOW), <=,
                        cell_uint (row, COL_BOOKED));
      if (i > 1)
        {
          GStrv prev = g_ptr_array_index (rows, i - 1);
          g_assert_cmpstr (prev[COL_DATE], <=, row[COL_DATE]);   /* sorted by day */
        }
      for (c = COL_OFFERED; c <= COL_CANCELLED; c++)
        sums[c] += cell_uint (row, c);
    }

  total = g_ptr_array_index (rows, rows->len - 1);
  g_assert_cmpuint (g_strv_length (total), ==, N_COLUMNS);
  g_assert_cmpstr (total[COL_DATE], ==, "TOTAL");
  for (c = COL_OFFERED; c <= COL_CANCELLED; c++)
    g_assert_cmpuint (cell_uint (total, c), ==, sums[c]);
  return total;
}

/* The row of @day and @practice_id, or NULL. */
static GStrv
find_row (GPtrArray  *rows,
          const char *day,
          const char *practice_id)
{
  guint i;

  for (i = 1; i + 1 < rows->len; i++)
    {
      GStrv row = g_ptr_array_index (rows, i);
      if (g_str_equal (row[COL_DATE], day) && g_str_equal (row[COL_PRACTICE_ID], practice_id))
        return row;
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Access and errors                                                                     */

static void
assert_outcome (Response *r,
                guint     status)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  JsonArray *issues;

  g_assert_cmpuint (r->status, ==, status);
  g_assert_true (g_str_has_prefix (r->content_type, "application/fhir+json"));
  json_parser_load_from_data (parser, r->body, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "resourceType"), ==, "OperationOutcome");
  issues = json_object_get_array_member (o, "issue");
  g_assert_cmpuint (json_array_get_length (issues), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (issues, 0),
                                                  "diagnostics"), !=, "");
}

static void
test_report_access (void)
{
  const char *roles[] = { "regulator", "pharmacy", "practitioner", "secretary" };
  g_autofree char *month = this_month (-1);
  g_autofree char *path = g_strdup_printf ("/reports/monthly?month=%s", month);
  g_autoptr(Response) none = request ("GET", path, NULL, NULL, NULL, NULL);
  g_autoptr(Response) bad = request ("GET", path, "Bearer not-a-token", NULL, NULL, NULL);
  g_autofree char *token = get_token ("coordinator");
  g_autoptr(Response) ok = request ("GET", path, token, NULL, NULL, NULL);
  g_autoptr(Response) post = request ("POST", path, token, NULL, NULL, "x=1");
  guint i;

  assert_outcome (none, 401);
  assert_outcome (bad, 401);
  g_assert_cmpuint (ok->status, ==, 200);
  assert_outcome (post, 405);

  for (i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *other = NULL;
      g_autoptr(Response) r = NULL;

      if (!g_hash_table_contains (server->accounts, roles[i]))
        continue;
      other = get_token (roles[i]);
      r = request ("GET", path, other, NULL, NULL, NULL);
      assert_outcome (r, 403);
    }
}

static void
test_report_bad_requests (void)
{
  const char *queries[] = {
    "", "?month=", "?month=2026-13", "?month=2026-00", "?month=2026-1", "?month=26-10",
    "?month=abcd-ef", "?month=2026-10-01", "?month=2026-10&format=xml",
    "?month=2026-10&sep=tab", "?month=2026-10&colour=blue", "?month=%3Cscript%3E",
  };
  g_autofree char *token = get_token ("coordinator");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *path = g_strconcat ("/reports/monthly", queries[i], NULL);
      g_autoptr(Response) r = request ("GET", path, token, NULL, NULL, NULL);

      g_test_message ("%s", path);
      assert_outcome (r, 400);
      g_assert_null (strstr (r->body, "<script>"));
    }
}

/* ------------------------------------------------------------------------------------ */
/* Shapes                                                                                */

static void
test_report_history (void)
{
  g_autofree char *token = get_token ("coordinator");
  guint noshow = 0, seen = 0, booked = 0, offered = 0;
  int delta;

  /* The demo seeds three months of past bookings with realistic no-shows. */
  for (delta = -3; delta <= 0; delta++)
    {
      g_autofree char *month = this_month (delta);
      g_autoptr(GPtrArray) rows = get_csv (token, month);
      GStrv total = check_csv (rows);

      g_test_message ("%s: %u rows, offered %s booked %s seen %s no-shows %s", month,
                      rows->len - 2, total[COL_OFFERED], total[COL_BOOKED], total[COL_SEEN],
                      total[COL_NOSHOW]);
      offered += cell_uint (total, COL_OFFERED);
      booked += cell_uint (total, COL_BOOKED);
      seen += cell_uint (total, COL_SEEN);
      noshow += cell_uint (total, COL_NOSHOW);
    }
  g_assert_cmpuint (offered, >, 0);
  g_assert_cmpuint (booked, >, 0);
  g_assert_cmpuint (booked, <=, offered);
  g_assert_cmpuint (seen, >, 0);
  g_assert_cmpuint (noshow, >, 0);

  /* A month far away has no rows: the header and a zero total. */
  {
    g_autoptr(GPtrArray) rows = get_csv (token, "2001-01");
    GStrv total = check_csv (rows);

    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpuint (cell_uint (total, COL_OFFERED), ==, 0);
    g_assert_cmpstr (total[COL_RATE], ==, "");
  }
}

static void
test_report_json_matches_csv (void)
{
  g_autofree char *token = get_token ("coordinator");
  g_autofree char *month = this_month (-1);
  g_autofree char *path = g_strdup_printf ("/reports/monthly?month=%s&format=json", month);
  g_autofree char *path_csv = g_strdup_printf ("/reports/monthly?month=%s&format=csv", month);
  g_autofree char *path_plain = g_strdup_printf ("/reports/monthly?month=%s", month);
  g_autoptr(Response) r = request ("GET", path, token, NULL, NULL, NULL);
  g_autoptr(Response) by_accept = request ("GET", path_plain, token, NULL, "application/json",
                                           NULL);
  g_autoptr(Response) by_accept_csv = request ("GET", path_plain, token, NULL, "text/csv",
                                               NULL);
  g_autoptr(Response) csv_text = request ("GET", path_csv, token, NULL, NULL, NULL);
  g_autoptr(GPtrArray) rows = get_csv (token, month);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *totals;
  JsonArray *jrows, *practices;
  GStrv total = check_csv (rows);
  guint i, sum_booked = 0;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (r->content_type, "application/json"));
  g_assert_true (g_str_has_prefix (by_accept->content_type, "application/json"));
  g_assert_true (g_str_has_prefix (by_accept_csv->content_type, "text/csv"));
  g_assert_cmpstr (csv_text->body, ==, by_accept_csv->body);
  g_assert_true (g_utf8_validate (csv_text->body, -1, NULL));

  json_parser_load_from_data (parser, r->body, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "month"), ==, month);
  jrows = json_object_get_array_member (root, "rows");
  g_assert_cmpuint (json_array_get_length (jrows), ==, rows->len - 2);
  for (i = 0; i < json_array_get_length (jrows); i++)
    {
      JsonObject *o = json_array_get_object_element (jrows, i);
      GStrv row = g_ptr_array_index (rows, i + 1);

      g_assert_cmpstr (json_object_get_string_member (o, "date"), ==, row[COL_DATE]);
      g_assert_cmpstr (json_object_get_string_member (o, "practice_id"), ==,
                       row[COL_PRACTICE_ID]);
      g_assert_cmpstr (json_object_get_string_member (o, "practice"), ==, row[COL_PRACTICE]);
      g_assert_cmpint (json_object_get_int_member (o, "offered"), ==,
                       cell_uint (row, COL_OFFERED));
      g_assert_cmpint (json_object_get_int_member (o, "booked"), ==,
                       cell_uint (row, COL_BOOKED));
      g_assert_cmpint (json_object_get_int_member (o, "booked_sas"), ==,
                       cell_uint (row, COL_SAS));
      g_assert_cmpint (json_object_get_int_member (o, "booked_pharmacy"), ==,
                       cell_uint (row, COL_PHARMACY));
      g_assert_cmpint (json_object_get_int_member (o, "seen"), ==, cell_uint (row, COL_SEEN));
      g_assert_cmpint (json_object_get_int_member (o, "noshow"), ==,
                       cell_uint (row, COL_NOSHOW));
    }
  practices = json_object_get_array_member (root, "practices");
  for (i = 0; i < json_array_get_length (practices); i++)
    sum_booked += json_object_get_int_member (json_array_get_object_element (practices, i),
                                              "booked");
  totals = json_object_get_object_member (root, "totals");
  g_assert_cmpint (json_object_get_int_member (totals, "booked"), ==,
                   cell_uint (total, COL_BOOKED));
  g_assert_cmpint (json_object_get_int_member (totals, "offered"), ==,
                   cell_uint (total, COL_OFFERED));
  g_assert_cmpint (json_object_get_int_member (totals, "noshow"), ==,
                   cell_uint (total, COL_NOSHOW));
  g_assert_cmpuint (sum_booked, ==, cell_uint (total, COL_BOOKED));
}

static void
test_report_semicolon (void)
{
  g_autofree char *token = get_token ("coordinator");
  g_autofree char *month = this_month (-1);
  g_autofree char *path = g_strdup_printf ("/reports/monthly?month=%s&sep=semicolon", month);
  g_autoptr(Response) r = request ("GET", path, token, NULL, NULL, NULL);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) comma = get_csv (token, month);
  g_autofree char *header = NULL;
  GStrv total, total_comma;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (r->body, "\xEF\xBB\xBF"));   /* BOM for spreadsheets */
  rows = csv_parse (r->body + 3, ';');
  header = g_strjoinv (",", g_ptr_array_index (rows, 0));
  g_assert_cmpstr (header, ==, CSV_HEADER);
  total = g_ptr_array_index (rows, rows->len - 1);
  total_comma = g_ptr_array_index (comma, comma->len - 1);
  g_assert_cmpuint (rows->len, ==, comma->len);
  g_assert_cmpstr (total[COL_BOOKED], ==, total_comma[COL_BOOKED]);
  if (cell_uint (total, COL_OFFERED) > 0)
    {
      /* decimal comma: "28,6" where the comma variant says "28.6" */
      g_autofree char *fr = g_strdup (total_comma[COL_RATE]);
      g_strdelimit (fr, ".", ',');
      g_assert_cmpstr (total[COL_RATE], ==, fr);
      g_assert_nonnull (strchr (total[COL_RATE], ','));
    }
}

/* ------------------------------------------------------------------------------------ */
/* Known bookings through the booking page                                               */

typedef struct
{
  GHashTable *jar;    /* name -> value */
  char       *csrf;
} Browser;

static void
browser_clear (Browser *b)
{
  g_clear_pointer (&b->jar, g_hash_table_unref);
  g_clear_pointer (&b->csrf, g_free);
}

static void
browser_take_cookies (Browser  *b,
                      Response *r)
{
  guint i;

  for (i = 0; i < r->set_cookies->len; i++)
    {
      const char *line = g_ptr_array_index (r->set_cookies, i);
      const char *eq = strchr (line, '=');
      const char *semi = strchr (line, ';');
      g_autofree char *name = NULL;

      g_assert_nonnull (eq);
      name = g_strndup (line, eq - line);
      if (strstr (line, "Max-Age=0") != NULL)
        g_hash_table_remove (b->jar, name);
      else
        g_hash_table_replace (b->jar, g_steal_pointer (&name),
                              semi != NULL ? g_strndup (eq + 1, semi - eq - 1) : g_strdup (eq + 1));
    }
}

static char *
browser_cookie_header (Browser *b)
{
  GString *s = g_string_new (NULL);
  GHashTableIter iter;
  const char *k, *v;

  g_hash_table_iter_init (&iter, b->jar);
  while (g_hash_table_iter_next (&iter, (gpointer *) &k, (gpointer *) &v))
    g_string_append_printf (s, "%s%s=%s", s->len > 0 ? "; " : "", k, v);
  return g_string_free (s, FALSE);
}

static Response *
browser_request (Browser    *b,
                 const char *method,
                 const char *path,
                 const char *form)
{
  g_autofree char *cookies = browser_cookie_header (b);
  Response *r = request (method, path, NULL, cookies, NULL, form);

  browser_take_cookies (b, r);
  return r;
}

/* The value="…" of the first hidden input named @name in @html. */
static char *
hidden_value (const char *html,
              const char *name)
{
  g_autofree char *pattern = g_strdup_printf ("name=\"%s\" value=\"([^\"]*)\"", name);
  g_autoptr(GMatchInfo) info = NULL;
  g_autoptr(GRegex) re = g_regex_new (pattern, 0, 0, NULL);

  if (!g_regex_match (re, html, 0, &info))
    return NULL;
  return g_match_info_fetch (info, 1);
}

static void
browser_sign_in (Browser    *b,
                 const char *role)
{
  Account *a = g_hash_table_lookup (server->accounts, role);
  g_autoptr(Response) page = NULL;
  g_autoptr(Response) done = NULL;
  g_autoptr(Response) home = NULL;
  g_autofree char *jeton = NULL;
  g_autofree char *form = NULL;

  b->jar = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  page = browser_request (b, "GET", "/reservation", NULL);
  g_assert_cmpuint (page->status, ==, 200);
  jeton = hidden_value (page->body, "jeton");
  g_assert_nonnull (jeton);
  form = soup_form_encode ("jeton", jeton, "identifiant", a->login, "mot-de-passe", a->password,
                           NULL);
  done = browser_request (b, "POST", "/reservation/connexion", form);
  g_assert_cmpuint (done->status, ==, 303);
  g_assert_true (g_hash_table_contains (b->jar, "crn_session"));
  home = browser_request (b, "GET", "/reservation", NULL);
  g_assert_cmpuint (home->status, ==, 200);
  b->csrf = hidden_value (home->body, "csrf");
  g_assert_nonnull (b->csrf);
}

typedef struct
{
  char *id;
  char *day;
} FoundSlot;

/* The free slots on the search page, with their local day (from the day sections). */
static GPtrArray *
browser_free_slots (Browser *b)
{
  g_autoptr(Response) r = browser_request (b, "GET", "/reservation?jours=3", NULL);
  g_autoptr(GRegex) re = g_regex_new ("id=\"day-(\\d{4}-\\d{2}-\\d{2})\"|data-slot=\"([^\"]+)\"",
                                      0, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;
  GPtrArray *found = g_ptr_array_new ();
  g_autofree char *day = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_regex_match (re, r->body, 0, &info);
  while (g_match_info_matches (info))
    {
      g_autofree char *d = g_match_info_fetch (info, 1);
      g_autofree char *id = g_match_info_fetch (info, 2);

      if (d != NULL && *d != '\0')
        {
          g_free (day);
          day = g_steal_pointer (&d);
        }
      else if (id != NULL && *id != '\0')
        {
          FoundSlot *s = g_new0 (FoundSlot, 1);
          s->id = g_steal_pointer (&id);
          s->day = g_strdup (day);
          g_ptr_array_add (found, s);
        }
      g_match_info_next (info, NULL);
    }
  return found;
}

static void
found_slot_free (FoundSlot *s)
{
  g_free (s->id);
  g_free (s->day);
  g_free (s);
}

/* Books @slot_id for a fictitious patient; returns the booking id. */
static char *
browser_book (Browser    *b,
              const char *slot_id)
{
  g_autofree char *form = soup_form_encode ("csrf", b->csrf, "slot", slot_id,
                                            "nom", "Testeur", "prenom", "Rapport",
                                            "naissance", "1970-04-01",
                                            "telephone", "06 00 00 00 01",
                                            "motif", "Fièvre et toux",
                                            "operateur", "Test report", NULL);
  g_autoptr(Response) r = browser_request (b, "POST", "/reservation/reserver", form);

  if (r->status != 303)
    g_test_message ("booking answered %u: %s", r->status, r->body);
  g_assert_cmpuint (r->status, ==, 303);
  g_assert_true (g_str_has_prefix (r->location, "/reservation/rdv/"));
  return g_strdup (r->location + strlen ("/reservation/rdv/"));
}

/* Finds the one row (day, practice) that differs between @before and @after. */
static void
find_changed_row (GPtrArray   *before,
                  GPtrArray   *after,
                  const char  *day,
                  GStrv       *row_before,
                  GStrv       *row_after)
{
  guint i, changed = 0;

  *row_before = *row_after = NULL;
  for (i = 1; i + 1 < after->len; i++)
    {
      GStrv a = g_ptr_array_index (after, i);
      GStrv b = find_row (before, a[COL_DATE], a[COL_PRACTICE_ID]);
      g_autofree char *ja = g_strjoinv (",", a);
      g_autofree char *jb = b != NULL ? g_strjoinv (",", b) : NULL;

      if (g_strcmp0 (ja, jb) != 0)
        {
          changed++;
          g_assert_cmpstr (a[COL_DATE], ==, day);
          *row_before = b;
          *row_after = a;
        }
    }
  g_assert_cmpuint (changed, ==, 1);
}

static void
test_report_known_bookings (void)
{
  g_autofree char *token = get_token ("coordinator");
  g_autoptr(GPtrArray) slots = NULL;
  Browser regulator = { 0 }, pharmacy = { 0 };
  FoundSlot *sas_slot, *pharmacy_slot = NULL;
  g_autofree char *month = NULL;
  g_autofree char *booking_id = NULL;
  g_autofree char *pharmacy_booking = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GStrv b, a;
  guint i;

  browser_sign_in (&regulator, "regulator");
  browser_sign_in (&pharmacy, "pharmacy");

  slots = browser_free_slots (&regulator);
  g_ptr_array_set_free_func (slots, (GDestroyNotify) found_slot_free);
  g_assert_cmpuint (slots->len, >=, 1);
  sas_slot = g_ptr_array_index (slots, 0);
  month = g_strndup (sas_slot->day, 7);

  /* 1. A booking by SAS regulation: booked +1, by SAS +1, nothing else. */
  before = get_csv (token, month);
  booking_id = browser_book (&regulator, sas_slot->id);
  after = get_csv (token, month);
  check_csv (after);
  find_changed_row (before, after, sas_slot->day, &b, &a);
  g_assert_nonnull (b);   /* the day had slots offered already */
  g_assert_cmpuint (cell_uint (a, COL_OFFERED), ==, cell_uint (b, COL_OFFERED));
  g_assert_cmpuint (cell_uint (a, COL_BOOKED), ==, cell_uint (b, COL_BOOKED) + 1);
  g_assert_cmpuint (cell_uint (a, COL_SAS), ==, cell_uint (b, COL_SAS) + 1);
  g_assert_cmpuint (cell_uint (a, COL_PHARMACY), ==, cell_uint (b, COL_PHARMACY));
  g_assert_cmpuint (cell_uint (a, COL_CANCELLED), ==, cell_uint (b, COL_CANCELLED));

  /* 2. Cancelled through the page: booked -1, cancelled +1. */
  g_clear_pointer (&before, g_ptr_array_unref);
  before = g_steal_pointer (&after);
  {
    g_autofree char *path = g_strdup_printf ("/reservation/annuler/%s", booking_id);
    g_autofree char *form = soup_form_encode ("csrf", regulator.csrf, "raison", "test", NULL);
    g_autoptr(Response) r = browser_request (&regulator, "POST", path, form);
    g_assert_cmpuint (r->status, ==, 303);
  }
  after = get_csv (token, month);
  find_changed_row (before, after, sas_slot->day, &b, &a);
  g_assert_cmpuint (cell_uint (a, COL_BOOKED), ==, cell_uint (b, COL_BOOKED) - 1);
  g_assert_cmpuint (cell_uint (a, COL_SAS), ==, cell_uint (b, COL_SAS) - 1);
  g_assert_cmpuint (cell_uint (a, COL_CANCELLED), ==, cell_uint (b, COL_CANCELLED) + 1);

  /* 3. A booking by a pharmacy (on a slot open to professionals). */
  g_clear_pointer (&slots, g_ptr_array_unref);
  slots = browser_free_slots (&pharmacy);
  g_ptr_array_set_free_func (slots, (GDestroyNotify) found_slot_free);
  for (i = 0; i < slots->len && pharmacy_slot == NULL; i++)
    pharmacy_slot = g_ptr_array_index (slots, i);
  if (pharmacy_slot == NULL)
    {
      g_test_message ("the demo offers no slot to pharmacies in the next days");
    }
  else
    {
      g_autofree char *pmonth = g_strndup (pharmacy_slot->day, 7);

      g_clear_pointer (&before, g_ptr_array_unref);
      g_clear_pointer (&after, g_ptr_array_unref);
      before = get_csv (token, pmonth);
      pharmacy_booking = browser_book (&pharmacy, pharmacy_slot->id);
      after = get_csv (token, pmonth);
      find_changed_row (before, after, pharmacy_slot->day, &b, &a);
      g_assert_cmpuint (cell_uint (a, COL_BOOKED), ==, cell_uint (b, COL_BOOKED) + 1);
      g_assert_cmpuint (cell_uint (a, COL_PHARMACY), ==, cell_uint (b, COL_PHARMACY) + 1);
      g_assert_cmpuint (cell_uint (a, COL_SAS), ==, cell_uint (b, COL_SAS));
    }
  g_assert_nonnull (pharmacy_slot);

  browser_clear (&regulator);
  browser_clear (&pharmacy);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("CRN_SERVER_EXE") == NULL)
    {
      g_printerr ("CRN_SERVER_EXE is not set: the test needs the creneaux-server binary\n");
      return 1;
    }
  server_start ();

  g_test_add_func ("/report/access", test_report_access);
  g_test_add_func ("/report/bad-requests", test_report_bad_requests);
  g_test_add_func ("/report/history", test_report_history);
  g_test_add_func ("/report/json-matches-csv", test_report_json_matches_csv);
  g_test_add_func ("/report/semicolon", test_report_semicolon);
  g_test_add_func ("/report/known-bookings", test_report_known_bookings);

  ret = g_test_run ();
  server_stop ();
  return ret;
}
