/* bench-server.c: creneaux-server figures (not a test)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds 500 GPs with eight weeks of slots (the server keeps that much expanded; the SAS asks
 * for 72 hours), starts the real server over TLS, and measures:
 *   - the SAS INT_R04 search (25 RPPS, 72 h, the four _include): p50/p99 and requests/s;
 *   - bookings by 32 concurrent clients (each sends its next booking when its last one is
 *     answered) on a pool of free slots, so some are refused as taken: requests/s, p50/p99;
 *   - the same client against a bare libsoup "hello" handler over TLS, in the same run, one
 *     at a time, 16 and 32 in flight.
 *
 * --scale N seeds N times the GPs (500 × N; the first 500 through the server's own schedule
 * code, the others as copies of them made in SQL, which is much faster): the growth study of
 * tests/bench/bench.py runs the SAS search at 1×, 4× and 16×. --sas-only measures the search
 * alone (for the growth study and for profiling: CRN_SERVER_EXE may name a wrapper that runs
 * the server under valgrind --tool=callgrind, with --requests 20).
 *
 * Besides its text, every figure is printed as a `BENCH {json}` line for bench.py.
 *
 *   CRN_SERVER_EXE=… CRN_TEST_TLS_CERT=… CRN_TEST_TLS_KEY=… tests/server/bench-server [--scale N]
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "crn-server-db-private.h"
#include "crn-test-server.h"

#define N_GPS       500
#define N_CLIENTS   32
#define N_BOOKINGS  512
#define BOOKING_POOL 1000

static int opt_scale = 1;
static int opt_requests = 300;
static int opt_seconds = 5;
static gboolean opt_sas_only;

static void
print_bench (const char *id,
             const char *fields_format,
             ...) G_GNUC_PRINTF (2, 3);

/* One machine-readable line: BENCH {"id": …, "scale": …, <fields>} */
static void
print_bench (const char *id,
             const char *fields_format,
             ...)
{
  g_autofree char *fields = NULL;
  va_list args;

  va_start (args, fields_format);
  fields = g_strdup_vprintf (fields_format, args);
  va_end (args);
  g_print ("BENCH {\"id\": \"%s\", \"scale\": %d, %s}\n", id, opt_scale, fields);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
percentile (GArray *ms,
            double  p)
{
  guint index;

  g_array_sort (ms, compare_doubles);
  index = (guint) (p * (ms->len - 1) + 0.5);
  return g_array_index (ms, double, index);
}

static char *
idnps_of (guint i)
{
  return g_strdup_printf ("8997002%05u", i);
}

static void
exec_sql (sqlite3    *handle,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (handle, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("Seeding failed: %s\n%s", message, sql);
}

/* crn_slot_id (template_block_id, start): the id the server's expansion gives the slot of
 * that block at that instant (crn-template.c: the UUID of "<block>/<local date>T<hh:mm>"), so
 * that the copies below are the slots the server would have made, and its start-up finds
 * nothing to change. */
static void
slot_id_function (sqlite3_context *context,
                  int              argc,
                  sqlite3_value  **argv)
{
  const char *block = (const char *) sqlite3_value_text (argv[0]);
  CrnInstant start = sqlite3_value_int64 (argv[1]);
  GDate date;
  guint minute;
  char iso_date[16];
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;

  crn_time_to_local (start, &date, &minute, NULL);
  g_date_strftime (iso_date, sizeof iso_date, "%Y-%m-%d", &date);
  name = g_strdup_printf ("%s/%sT%02u:%02u", block != NULL ? block : "", iso_date, minute / 60,
                          minute % 60);
  id = crn_uuid_from_name (name);
  sqlite3_result_text (context, id, -1, SQLITE_TRANSIENT);
}

/* Copies the first N_GPS GPs (practitioner, schedule, its blocks, its slots) as GPs
 * k × N_GPS … k × N_GPS + N_GPS - 1: the same agendas under other RPPS numbers. Template and
 * block ids get k as their first eight hex digits, so they stay UUIDs and unique; the slot
 * ids are the ones the expansion gives (slot_id_function). Inside the caller's transaction,
 * with the slots' indexes dropped: they are built once at the end. */
static void
replicate (sqlite3 *handle,
           int      k,
           gint64   last_rowid)
{
  g_autofree char *sql = NULL;
#define GP_SQL "('8997002' || printf ('%%05d', CAST (substr (%s, 8) AS INTEGER) + %d))"
  g_autofree char *new_pract = g_strdup_printf (GP_SQL, "idnps", k * N_GPS);
  g_autofree char *new_sched_gp = g_strdup_printf (GP_SQL, "practitioner", k * N_GPS);
#undef GP_SQL
  g_autofree char *prefix = g_strdup_printf ("'%08x'", k);
  g_autofree char *last = idnps_of (N_GPS - 1);

  sql = g_strdup_printf (
    "INSERT INTO practitioners (idnps, family, given, phone, practice_id, version,"
    " last_updated_ms) SELECT %s, family || '-%d', given, phone, practice_id, version,"
    " last_updated_ms FROM practitioners WHERE idnps <= '%s';"
    "INSERT INTO schedules (id, template_id, practitioner, place_id, version,"
    " last_updated_ms, expanded_until) SELECT replace (id, practitioner, %s),"
    " %s || substr (template_id, 9), %s, place_id, version, last_updated_ms, expanded_until"
    " FROM schedules WHERE practitioner <= '%s';"
    "INSERT INTO schedule_blocks SELECT replace (b.schedule_id, s.practitioner, %s),"
    " b.position, %s || substr (b.id, 9), b.weekdays, b.start_minute, b.end_minute,"
    " b.slot_minutes, b.n_patients, b.months, b.modalities, b.visibility, b.restriction,"
    " b.restriction_text, b.valid_from, b.valid_until"
    " FROM schedule_blocks b JOIN schedules s ON s.id = b.schedule_id"
    " WHERE s.practitioner <= '%s';"
    "INSERT INTO slots (id, schedule_id, practitioner, place_id, template_block_id, start,"
    " end, modalities, visibility, restriction, restriction_text, status, reclaimed,"
    " version, last_updated_ms) SELECT crn_slot_id (%s || substr (template_block_id, 9), start),"
    " replace (schedule_id, practitioner, %s), %s, place_id,"
    " %s || substr (template_block_id, 9), start, end, modalities, visibility, restriction,"
    " restriction_text, status, reclaimed, version, last_updated_ms FROM slots"
    " WHERE rowid <= %" G_GINT64_FORMAT ";",
    new_pract, k, last,
    new_sched_gp, prefix, new_sched_gp, last,
    new_sched_gp, prefix, last,
    prefix, new_sched_gp, new_sched_gp, prefix, last_rowid);
  exec_sql (handle, sql);
}

/* The copies at --scale N, fast: one transaction, the slots' secondary indexes dropped
 * during the copy and built again after it (a sort each, instead of millions of random
 * inserts into four B-trees). */
static void
replicate_all (sqlite3 *handle)
{
  g_autoptr(GPtrArray) indexes = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  gint64 last_rowid;

  if (opt_scale <= 1)
    return;
  sqlite3_create_function (handle, "crn_slot_id", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                           slot_id_function, NULL, NULL);
  exec_sql (handle, "PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;");
  sqlite3_prepare_v2 (handle, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                      " AND tbl_name = 'slots' AND sql IS NOT NULL", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (indexes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (indexes, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  /* The first N_GPS GPs' slots, the only ones so far, are the rows up to this one. */
  sqlite3_prepare_v2 (handle, "SELECT MAX (rowid) FROM slots", -1, &stmt, NULL);
  sqlite3_step (stmt);
  last_rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  exec_sql (handle, "BEGIN");
  for (guint i = 0; i < indexes->len; i += 2)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX %s",
                                               (char *) g_ptr_array_index (indexes, i));

      exec_sql (handle, drop);
    }
  for (int k = 1; k < opt_scale; k++)
    replicate (handle, k, last_rowid);
  for (guint i = 0; i < indexes->len; i += 2)
    exec_sql (handle, g_ptr_array_index (indexes, i + 1));
  exec_sql (handle, "COMMIT");
}

static void
seed (const char *db_dir)
{
  g_autofree char *path = g_build_filename (db_dir, "creneaux-server.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnServerDb) db = NULL;
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  CrnServerPractice practice = { (char *) "bench", (char *) "Cabinet de mesure", NULL, NULL,
                                 0, 0 };
  g_autoptr(CrnPlace) place = crn_place_new ();
  CrnServerAccount writer = { 0 };
  gint64 t0 = g_get_monotonic_time ();

  g_mkdir_with_parents (db_dir, 0700);
  db = crn_server_db_open (path, &error);
  g_assert_no_error (error);
  /* A data set made again at each run: no need to wait for the disk at every schedule. */
  exec_sql (crn_server_db_get_handle (db), "PRAGMA synchronous = OFF");
  for (guint wd = 1; wd <= 7; wd++)
    {
      policy->snp_open[wd] = 0;
      policy->snp_close[wd] = 24 * 60;
    }
  g_assert_true (crn_server_db_set_policy (db, policy, &error));
  g_assert_true (crn_server_db_put_practice (db, &practice, &error));
  g_free (place->id);
  place->id = g_strdup ("bench-place");
  place->name = g_strdup ("Cabinet de mesure");
  place->line = g_strdup ("1 rue du Banc");
  place->postal_code = g_strdup ("41000");
  place->city = g_strdup ("Blois");
  g_assert_true (crn_server_db_put_place (db, place, "bench", &error));

  writer.role = CRN_SERVER_ROLE_SECRETARY;
  writer.acts_for = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < N_GPS; i++)
    {
      g_autoptr(CrnPractitioner) p = crn_practitioner_new ();
      g_autoptr(CrnTemplate) t = NULL;
      g_autoptr(CrnTemplate) stored = NULL;
      CrnTemplateBlock *b = crn_template_block_new ();

      p->idnps = idnps_of (i);
      p->given = g_strdup ("Praticien");
      p->family = g_strdup_printf ("Mesure%03u", i);
      p->organization = g_strdup ("bench");
      g_assert_true (crn_server_db_put_practitioner (db, p, &error));
      g_ptr_array_add (writer.acts_for, g_strdup (p->idnps));

      t = crn_template_new (p->idnps, "bench-place");
      g_free (t->id);
      t->id = crn_uuid_new ();
      g_free (b->id);
      b->id = crn_uuid_new ();
      b->weekdays = 0x7f;                         /* every day */
      b->start_minute = 8 * 60 + (i % 8) * 60;    /* spread over the day */
      b->end_minute = b->start_minute + 120;
      b->slot_minutes = 20;
      b->modalities = CRN_MODALITY_AMB;
      b->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
      crn_template_add_block (t, b);
      stored = crn_server_db_put_schedule (db, &writer, t, 0, FALSE, NULL, &error);
      g_assert_no_error (error);
    }
  g_ptr_array_unref (writer.acts_for);
  replicate_all (crn_server_db_get_handle (db));
  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (crn_server_db_get_handle (db), "SELECT COUNT (*) FROM slots", -1,
                        &stmt, NULL);
    sqlite3_step (stmt);
    g_print ("Seeded %u GPs, %d slots (every day, 6 a day, %d days ahead) in %.1f s\n",
             N_GPS * opt_scale, sqlite3_column_int (stmt, 0), CRN_EXPANSION_DAYS,
             (g_get_monotonic_time () - t0) / 1e6);
    sqlite3_finalize (stmt);
  }
}

/* ---------------------------------------------------------------------------------- */
/* The bare libsoup baseline, in its own thread                                        */

static void
hello_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  static const char text[] = "hello";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, text,
                                    sizeof text - 1);
}

typedef struct
{
  GMutex  lock;
  GCond   cond;
  guint   port;
  GMainLoop *loop;
} Hello;

static gpointer
hello_thread (gpointer data)
{
  Hello *hello = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_main_context_push_thread_default (context);
  cert = g_tls_certificate_new_from_files (g_getenv ("CRN_TEST_TLS_CERT"),
                                           g_getenv ("CRN_TEST_TLS_KEY"), &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (server, NULL, hello_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&hello->lock);
  hello->port = g_uri_get_port (uris->data);
  hello->loop = g_main_loop_new (context, FALSE);
  g_cond_signal (&hello->cond);
  g_mutex_unlock (&hello->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (hello->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* Measuring                                                                           */

typedef struct
{
  SoupSession *session;
  GPtrArray   *urls;         /* absolute */
  const char  *token;
  gint64       deadline;
  guint        in_flight;
  guint        done;
  guint        failed;
  guint        next;
  GArray      *ms;           /* latency of each request under load */
} Load;

typedef struct
{
  Load   *load;
  gint64  start;
} LoadRequest;

static SoupMessage *
load_message (Load       *load,
              const char *url)
{
  SoupMessage *msg = soup_message_new ("GET", url);

  if (load->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", load->token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
    }
  return msg;
}

static void load_send (Load *load);

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LoadRequest *request = user_data;
  Load *load = request->load;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              NULL);
  double elapsed = (g_get_monotonic_time () - request->start) / 1000.0;

  g_free (request);
  load->in_flight--;
  if (body == NULL || soup_message_get_status (msg) != 200)
    load->failed++;
  else
    {
      load->done++;
      g_array_append_val (load->ms, elapsed);
    }
  if (g_get_monotonic_time () < load->deadline)
    load_send (load);
}

static void
load_send (Load *load)
{
  g_autoptr(SoupMessage) msg = load_message (load, g_ptr_array_index (load->urls,
                                                                      load->next++ %
                                                                      load->urls->len));
  LoadRequest *request = g_new0 (LoadRequest, 1);

  request->load = load;
  request->start = g_get_monotonic_time ();
  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    load_done_cb, request);
}

/* Sequential latency (one request at a time), then throughput with `in_flight` requests
 * in flight for opt_seconds: prints the text line and a BENCH line. */
static void
measure (const char  *label,
         const char  *bench_id,
         SoupSession *session,
         GPtrArray   *urls,
         const char  *token,
         guint        n_sequential,
         guint        in_flight,
         double      *p50_out,
         double      *rps_out)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) loaded_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Load load = { session, urls, token, 0, 0, 0, 0, 0, loaded_ms };
  gint64 t0;
  double p50 = 0, p99 = 0, rps;

  /* Warm up the connection(s). */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SoupMessage) msg = load_message (&load, g_ptr_array_index (urls, i % urls->len));
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }
  for (guint i = 0; i < n_sequential; i++)
    {
      g_autoptr(SoupMessage) msg = load_message (&load, g_ptr_array_index (urls, i % urls->len));
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
      double elapsed = (g_get_monotonic_time () - start) / 1000.0;

      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      g_array_append_val (ms, elapsed);
    }
  if (n_sequential > 0)
    {
      p50 = percentile (ms, 0.50);
      p99 = percentile (ms, 0.99);
    }

  /* Throughput: requests in flight for a few seconds. */
  t0 = g_get_monotonic_time ();
  load.deadline = t0 + opt_seconds * G_USEC_PER_SEC;
  for (guint i = 0; i < in_flight; i++)
    load_send (&load);
  while (load.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  rps = load.done / ((g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpuint (load.failed, ==, 0);

  if (n_sequential > 0)
    {
      g_print ("%-34s p50 %7.2f ms   p99 %7.2f ms   %8.0f req/s (%u in flight)\n", label, p50,
               p99, rps, in_flight);
      print_bench (bench_id, "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"per_s\": %.1f, \"n\": %u, "
                   "\"in_flight\": %u", p50, p99, rps, n_sequential, in_flight);
    }
  else
    {
      /* Latency under load: each request from its send to its answer. */
      p50 = percentile (loaded_ms, 0.50);
      p99 = percentile (loaded_ms, 0.99);
      g_print ("%-34s p50 %7.2f ms   p99 %7.2f ms   %8.0f req/s (%u in flight)\n", label, p50,
               p99, rps, in_flight);
      print_bench (bench_id, "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"per_s\": %.1f, "
                   "\"n\": %u, \"in_flight\": %u", p50, p99, rps, loaded_ms->len, in_flight);
    }
  if (p50_out != NULL)
    *p50_out = p50;
  if (rps_out != NULL)
    *rps_out = rps;
}

/* ---------------------------------------------------------------------------------- */
/* Bookings by 32 concurrent clients                                                   */

typedef struct
{
  CrnTestServer *server;
  const char    *token;
  GPtrArray     *bodies;     /* one Appointment body per request, prepared beforehand */
  GArray        *ms;
  guint          next;
  guint          created;
  guint          conflicts;
  guint          other;
  guint          pending;
} Bookings;

typedef struct
{
  Bookings *all;
  gint64    start;
} OneBooking;

static void booking_send (Bookings *all);

static void
booking_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OneBooking *one = user_data;
  Bookings *all = one->all;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              NULL);
  double elapsed = (g_get_monotonic_time () - one->start) / 1000.0;
  guint status = soup_message_get_status (msg);

  g_array_append_val (all->ms, elapsed);
  if (status == 201)
    all->created++;
  else if (status == 409)
    all->conflicts++;
  else
    all->other++;
  all->pending--;
  g_free (one);
  /* A closed loop: this client sends its next booking as soon as it has its answer. */
  if (all->next < all->bodies->len)
    booking_send (all);
}

static void
booking_send (Bookings *all)
{
  g_autoptr(SoupMessage) msg = NULL;
  OneBooking *one = g_new0 (OneBooking, 1);

  msg = crn_test_message_new (all->server, "POST", "/fhir/Appointment", all->token, NULL,
                              g_ptr_array_index (all->bodies, all->next++), -1);
  /* Client-generated ids make the POST safe to retry; without this flag libsoup opens a new
   * TLS connection for every POST, and we would measure handshakes. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  one->all = all;
  one->start = g_get_monotonic_time ();
  all->pending++;
  soup_session_send_and_read_async (all->server->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    booking_done_cb, one);
}

static void
measure_bookings (CrnTestServer *server,
                  const char    *token,
                  GRand         *rand)
{
  g_autoptr(CrnTestResponse) free_slots = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = g_strdup_printf ("/fhir/Slot?status=free&_count=%d&_sort=start",
                                           BOOKING_POOL);
  Bookings all = { server, token, bodies, ms, 0, 0, 0, 0, 0 };
  guint n_free;
  gint64 t0;
  double elapsed_s, p50, p99;

  free_slots = crn_test_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpuint (free_slots->status, ==, 200);
  n_free = crn_test_json_length (free_slots->json, "entry");
  g_assert_cmpuint (n_free, >, 0);
  for (guint i = 0; i < N_BOOKINGS; i++)
    {
      guint pick = g_rand_int_range (rand, 0, n_free);
      g_autofree char *p_id = g_strdup_printf ("entry[%u].resource.id", pick);
      g_autofree char *p_start = g_strdup_printf ("entry[%u].resource.start", pick);
      g_autofree char *p_ref = g_strdup_printf ("entry[%u].resource.schedule.reference", pick);
      g_autofree char *gp = NULL;
      gint64 start_ms = 0;

      crn_fhir_split_role_id (crn_test_json_string (free_slots->json, p_ref) +
                              strlen ("Schedule/"), "sched", &gp, NULL);
      crn_fhir_parse_datetime_ms (crn_test_json_string (free_slots->json, p_start), &start_ms,
                                  NULL, NULL);
      g_ptr_array_add (bodies, crn_test_appointment_body (NULL,
                                                          crn_test_json_string (free_slots->json,
                                                                                p_id),
                                                          gp, start_ms / 1000, NULL));
    }

  t0 = g_get_monotonic_time ();
  for (guint c = 0; c < N_CLIENTS; c++)
    booking_send (&all);
  while (all.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed_s = (g_get_monotonic_time () - t0) / 1e6;
  p50 = percentile (ms, 0.5);
  p99 = percentile (ms, 0.99);
  g_print ("Booking, %u clients at once (%u requests): p50 %.2f ms  p99 %.2f ms  %.0f req/s  "
           "(%u booked, %u refused as taken, %u other; pool of %u free slots)\n", N_CLIENTS,
           ms->len, p50, p99, ms->len / elapsed_s, all.created, all.conflicts, all.other, n_free);
  print_bench ("server.booking-32", "\"clients\": %u, \"requests\": %u, \"p50_ms\": %.3f, "
               "\"p99_ms\": %.3f, \"per_s\": %.1f, \"booked\": %u, \"refused\": %u",
               N_CLIENTS, ms->len, p50, p99, ms->len / elapsed_s, all.created, all.conflicts);
  g_assert_cmpuint (all.other, ==, 0);
}

static const GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_INT, &opt_scale, "Seed N × 500 GPs (1)", "N" },
  { "requests", 0, 0, G_OPTION_ARG_INT, &opt_requests,
    "Sequential SAS searches to time (300)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds,
    "Seconds of each throughput measure (5)", "S" },
  { "sas-only", 0, 0, G_OPTION_ARG_NONE, &opt_sas_only,
    "Measure the SAS search only (no baseline, no bookings)", NULL },
  { NULL }
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- creneaux-server figures");
  g_autofree char *tmp = NULL;
  g_autofree char *db_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) hello_urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *regulator = NULL;
  g_autofree char *coordinator = NULL;
  g_autofree char *ge = NULL;
  g_autofree char *le = NULL;
  CrnTestServer *server;
  Hello hello = { 0 };
  GThread *thread;
  double sas_p50, sas_rps, hello_p50, hello_rps;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_gps;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_scale < 1 || opt_scale > 64 || opt_requests < 1 || opt_seconds < 1)
    {
      g_printerr ("--scale is 1 to 64, --requests and --seconds at least 1\n");
      return 2;
    }
  n_gps = N_GPS * opt_scale;
  tmp = g_dir_make_tmp ("crn-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_dir = g_build_filename (tmp, "data", NULL);
  seed (db_dir);

  {
    gint64 t0 = g_get_monotonic_time ();

    server = crn_test_server_start (tmp);
    g_print ("Server started (agendas expanded) in %.2f s\n",
             (g_get_monotonic_time () - t0) / 1e6);
  }
  regulator = crn_test_server_token (server, crn_test_server_login_for (server, "regulator"),
                                     NULL);
  coordinator = crn_test_server_token (server, crn_test_server_login_for (server, "coordinator"),
                                       NULL);
  crn_test_put_policy (server, coordinator, 0, 0, 0, FALSE);

  /* 100 different SAS searches: 25 random RPPS each, now + 72 h. */
  ge = crn_test_iso_param (now);
  le = crn_test_iso_param (now + 72 * 3600);
  for (guint q = 0; q < 100; q++)
    {
      GString *url = g_string_new (server->base);

      g_string_append_printf (url, "/fhir/Slot?_include=Slot:schedule"
                                   "&_include:iterate=Schedule:actor"
                                   "&_include=Slot:service-type-reference"
                                   "&_include:iterate=HealthcareService:organization"
                                   "&start=ge%s&start=le%s&status=free&_count=1000"
                                   "&schedule.actor:Practitioner.identifier=", ge, le);
      for (guint k = 0; k < 25; k++)
        {
          g_autofree char *idnps = idnps_of (g_rand_int_range (rand, 0, n_gps));

          g_string_append_printf (url, "%surn:oid:1.2.250.1.71.4.2.1%%7C%s", k > 0 ? "," : "",
                                  idnps);
        }
      g_ptr_array_add (urls, g_string_free (url, FALSE));
    }
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", g_ptr_array_index (urls, 0));
    g_autofree char *auth = g_strdup_printf ("Bearer %s", regulator);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    body = soup_session_send_and_read (server->session, msg, NULL, &error);
    g_assert_no_error (error);
    json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                NULL);
    g_print ("One SAS answer: %" G_GINT64_FORMAT " slots, %u entries, %zu bytes\n",
             crn_test_json_int (json_parser_get_root (parser), "total"),
             crn_test_json_length (json_parser_get_root (parser), "entry"),
             g_bytes_get_size (body));
  }

  g_print ("\n");
  measure ("SAS search (25 RPPS, 72 h, 4 incl.)", "server.sas-search", server->session, urls,
           regulator, opt_requests, 16, &sas_p50, &sas_rps);
  if (opt_sas_only)
    {
      crn_test_server_free (server);
      return 0;
    }

  g_mutex_init (&hello.lock);
  g_cond_init (&hello.cond);
  thread = g_thread_new ("hello", hello_thread, &hello);
  g_mutex_lock (&hello.lock);
  while (hello.port == 0)
    g_cond_wait (&hello.cond, &hello.lock);
  g_mutex_unlock (&hello.lock);
  g_ptr_array_add (hello_urls, g_strdup_printf ("https://127.0.0.1:%u/hello", hello.port));

  measure ("bare libsoup \"hello\" (baseline)", "server.baseline.hello", server->session,
           hello_urls, NULL, opt_requests, 16, &hello_p50, &hello_rps);
  g_print ("SAS search vs hello: %.1fx the latency, %.1f%% of the throughput\n\n",
           sas_p50 / hello_p50, 100.0 * sas_rps / hello_rps);

  /* Bookings under contention, and the bare handler under the same 32 clients. */
  measure_bookings (server, regulator, rand);
  measure ("bare libsoup \"hello\", 32 clients", "server.baseline.hello-32", server->session,
           hello_urls, NULL, 0, N_CLIENTS, NULL, NULL);

  g_main_loop_quit (hello.loop);
  g_thread_join (thread);
  g_main_loop_unref (hello.loop);
  crn_test_server_free (server);
  return 0;
}
