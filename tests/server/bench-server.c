/* bench-server.c: creneaux-server figures (not a test)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds 500 GPs with eight weeks of slots (the server keeps that much expanded; the SAS asks
 * for 72 hours), starts the real server over TLS, and measures:
 *   - the SAS INT_R04 search (25 RPPS, 72 h, the four _include): p50/p99 and requests/s;
 *   - booking latency with 32 clients at once on a pool of slots (with conflicts);
 *   - the same client against a bare libsoup "hello" handler over TLS, in the same run.
 *
 *   CRN_SERVER_EXE=… CRN_TEST_TLS_CERT=… CRN_TEST_TLS_KEY=… tests/server/bench-server
 */
#include "config.h"

#include <string.h>

#include "crn-server-db-private.h"
#include "crn-test-server.h"

#define N_GPS       500
#define N_SEQUENTIAL 300
#define N_CLIENTS   32
#define THROUGHPUT_SECONDS 5

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
  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (crn_server_db_get_handle (db), "SELECT COUNT (*) FROM slots", -1,
                        &stmt, NULL);
    sqlite3_step (stmt);
    g_print ("Seeded %u GPs, %d slots (every day, 6 a day, %d days ahead) in %.1f s\n",
             N_GPS, sqlite3_column_int (stmt, 0), CRN_EXPANSION_DAYS,
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
} Load;

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
  Load *load = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              NULL);

  load->in_flight--;
  if (body == NULL || soup_message_get_status (msg) != 200)
    load->failed++;
  else
    load->done++;
  if (g_get_monotonic_time () < load->deadline)
    load_send (load);
}

static void
load_send (Load *load)
{
  g_autoptr(SoupMessage) msg = load_message (load, g_ptr_array_index (load->urls,
                                                                      load->next++ %
                                                                      load->urls->len));

  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    load_done_cb, load);
}

static void
measure (const char  *label,
         SoupSession *session,
         GPtrArray   *urls,
         const char  *token,
         double      *p50_out,
         double      *rps_out)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  Load load = { session, urls, token, 0, 0, 0, 0, 0 };
  gint64 t0;
  double p50, p99, rps;

  /* Warm up the connection(s). */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SoupMessage) msg = load_message (&load, g_ptr_array_index (urls, i % urls->len));
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }
  for (guint i = 0; i < N_SEQUENTIAL; i++)
    {
      g_autoptr(SoupMessage) msg = load_message (&load, g_ptr_array_index (urls, i % urls->len));
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
      double elapsed = (g_get_monotonic_time () - start) / 1000.0;

      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      g_array_append_val (ms, elapsed);
    }
  p50 = percentile (ms, 0.50);
  p99 = percentile (ms, 0.99);

  /* Throughput: 16 requests in flight for a few seconds. */
  t0 = g_get_monotonic_time ();
  load.deadline = t0 + THROUGHPUT_SECONDS * G_USEC_PER_SEC;
  for (guint i = 0; i < 16; i++)
    load_send (&load);
  while (load.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  rps = load.done / ((g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpuint (load.failed, ==, 0);

  g_print ("%-34s p50 %7.2f ms   p99 %7.2f ms   %8.0f req/s (16 in flight)\n", label, p50, p99,
           rps);
  *p50_out = p50;
  *rps_out = rps;
}

typedef struct
{
  GArray *ms;
  guint   created;
  guint   conflicts;
  guint   other;
  guint   pending;
} Bookings;

typedef struct
{
  Bookings *all;
  gint64    start;
} OneBooking;

static void
booking_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OneBooking *one = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              NULL);
  double elapsed = (g_get_monotonic_time () - one->start) / 1000.0;
  guint status = soup_message_get_status (msg);

  g_array_append_val (one->all->ms, elapsed);
  if (status == 201)
    one->all->created++;
  else if (status == 409)
    one->all->conflicts++;
  else
    one->all->other++;
  one->all->pending--;
  g_free (one);
}

int
main (int   argc,
      char *argv[])
{
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
  g_autoptr(CrnTestResponse) free_slots = NULL;
  CrnTestServer *server;
  Hello hello = { 0 };
  GThread *thread;
  Bookings bookings = { 0 };
  double sas_p50, sas_rps, hello_p50, hello_rps;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_test_init (&argc, &argv, NULL);
  tmp = g_dir_make_tmp ("crn-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_dir = g_build_filename (tmp, "data", NULL);
  seed (db_dir);

  server = crn_test_server_start (tmp);
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
          g_autofree char *idnps = idnps_of (g_rand_int_range (rand, 0, N_GPS));

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

  g_mutex_init (&hello.lock);
  g_cond_init (&hello.cond);
  thread = g_thread_new ("hello", hello_thread, &hello);
  g_mutex_lock (&hello.lock);
  while (hello.port == 0)
    g_cond_wait (&hello.cond, &hello.lock);
  g_mutex_unlock (&hello.lock);
  g_ptr_array_add (hello_urls, g_strdup_printf ("https://127.0.0.1:%u/hello", hello.port));

  g_print ("\n");
  measure ("SAS search (25 RPPS, 72 h, 4 incl.)", server->session, urls, regulator, &sas_p50,
           &sas_rps);
  measure ("bare libsoup \"hello\" (baseline)", server->session, hello_urls, NULL, &hello_p50,
           &hello_rps);
  g_print ("SAS search vs hello: %.1fx the latency, %.1f%% of the throughput\n\n",
           sas_p50 / hello_p50, 100.0 * sas_rps / hello_rps);

  /* Booking under contention: 32 clients at once, 8 rounds, on 96 slots (so conflicts). */
  free_slots = crn_test_request (server, "GET", "/fhir/Slot?status=free&_count=96"
                                 "&_sort=start", regulator, NULL, NULL);
  g_assert_cmpuint (free_slots->status, ==, 200);
  bookings.ms = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint round = 0; round < 8; round++)
    {
      for (guint c = 0; c < N_CLIENTS; c++)
        {
          guint pick = g_rand_int_range (rand, 0, crn_test_json_length (free_slots->json,
                                                                        "entry"));
          g_autofree char *p_id = g_strdup_printf ("entry[%u].resource.id", pick);
          g_autofree char *p_start = g_strdup_printf ("entry[%u].resource.start", pick);
          g_autofree char *p_ref = g_strdup_printf ("entry[%u].resource.schedule.reference",
                                                    pick);
          g_autofree char *gp = NULL;
          g_autofree char *body = NULL;
          g_autoptr(SoupMessage) msg = NULL;
          OneBooking *one = g_new0 (OneBooking, 1);
          gint64 start_ms = 0;

          crn_fhir_split_role_id (crn_test_json_string (free_slots->json, p_ref) +
                                  strlen ("Schedule/"), "sched", &gp, NULL);
          crn_fhir_parse_datetime_ms (crn_test_json_string (free_slots->json, p_start),
                                      &start_ms, NULL, NULL);
          body = crn_test_appointment_body (NULL, crn_test_json_string (free_slots->json, p_id),
                                            gp, start_ms / 1000, NULL);
          msg = crn_test_message_new (server, "POST", "/fhir/Appointment", regulator, NULL,
                                      body, -1);
          /* Client-generated ids make the POST safe to retry; without this flag libsoup
           * opens a new TLS connection for every POST, and we would measure handshakes. */
          soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
          one->all = &bookings;
          one->start = g_get_monotonic_time ();
          bookings.pending++;
          soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL,
                                            booking_done_cb, one);
        }
      while (bookings.pending > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  g_print ("Booking, %u clients at once (%u requests): p50 %.2f ms  p99 %.2f ms  "
           "(%u booked, %u refused as taken, %u other)\n", N_CLIENTS, bookings.ms->len,
           percentile (bookings.ms, 0.5), percentile (bookings.ms, 0.99), bookings.created,
           bookings.conflicts, bookings.other);
  g_assert_cmpuint (bookings.other, ==, 0);
  g_array_unref (bookings.ms);

  g_main_loop_quit (hello.loop);
  g_thread_join (thread);
  g_main_loop_unref (hello.loop);
  crn_test_server_free (server);
  return 0;
}
