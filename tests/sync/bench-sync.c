/* bench-sync.c: how fast the app's sync is against the real server over loopback TLS.
 * Not a test: `ninja -C <build> tests/sync/bench-sync` then run it (needs the same
 * environment as the tests: CRN_SERVER_EXE, CRN_TEST_TLS_CERT/KEY; `meson devenv` or the
 * variables printed by `meson test --suite sync -v`).
 *
 * It seeds a year of a 10-GP practice straight into the server's database (the API only
 * expands templates 8 weeks ahead and regulation books 48 h ahead at most), starts the real
 * server, then measures, each beside a bare HTTPS round trip of the same run:
 *   - the initial sync of the year into an empty store;
 *   - a sync when nothing changed, in turn with a bare round trip of its own;
 *   - booking-on-server to row-in-store latency (live notification), p50/p99 over 200
 *     regulation bookings made through the server's FHIR API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncBench"

#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "crn-server-db.h"
#include "crn-server-db-private.h"
#include "crn-sync.h"
#include "sync-test-server.h"
#include "sync-test-util.h"

#define N_GPS          10
#define SLOTS_PER_GP   1000
#define N_LIVE         200
#define N_NO_CHANGE    100
#define PRACTICE       "cabinet-tilleuls"
#define BENCH_LOGIN    "bench.secretariat"
#define BENCH_PASSWORD "bench-secretariat-2026"

static char *
gp_idnps (guint i)
{
  return g_strdup_printf ("8997002000%02u", i);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("SQL: %s", message);
}

/* Slots of a whole year (half booked), plus free regulation slots in the next hours for the
 * live measurement. */
static void
seed (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "creneaux-server.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnServerDb) db = crn_server_db_open (path, &error);
  g_autoptr(GPtrArray) acts_for = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CrnServerAccount) account = NULL;
  g_autoptr(CrnPolicy) policy = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  sqlite3 *handle;
  sqlite3_stmt *slot_stmt;
  sqlite3_stmt *booking_stmt;
  CrnInstant now = crn_time_now ();
  CrnInstant year_start = (now / 86400 - 180) * 86400;
  CrnInstant live_start;
  gint64 account_id;
  guint n_slots = 0, n_bookings = 0, n_live = 0;

  g_assert_no_error (error);
  policy = crn_server_db_get_policy (db);
  for (guint i = 0; i < N_GPS; i++)
    {
      g_autoptr(CrnPractitioner) gp = g_new0 (CrnPractitioner, 1);

      gp->idnps = gp_idnps (i);
      gp->family = g_strdup_printf ("Banc%02u", i);
      gp->given = g_strdup ("Camille");
      gp->organization = g_strdup (PRACTICE);
      if (!crn_server_db_put_practitioner (db, gp, &error))
        g_error ("%s", error->message);
      g_ptr_array_add (acts_for, g_strdup (gp->idnps));
    }
  g_ptr_array_add (acts_for, NULL);
  account_id = crn_server_db_add_account (db, BENCH_LOGIN, BENCH_PASSWORD,
                                          CRN_SERVER_ROLE_SECRETARY, "Secrétariat banc",
                                          NULL, (const char * const *) acts_for->pdata, &error);
  g_assert_no_error (error);
  account = crn_server_db_get_account (db, account_id, &error);
  g_assert_no_error (error);

  /* One Schedule per GP (no block: the year's slots are written below). */
  for (guint i = 0; i < N_GPS; i++)
    {
      g_autofree char *idnps = gp_idnps (i);
      g_autoptr(CrnTemplate) t = crn_template_new (idnps, PRACTICE);
      g_autoptr(CrnTemplate) stored = NULL;

      stored = crn_server_db_put_schedule (db, account, t, 0, FALSE, NULL, &error);
      if (stored == NULL)
        g_error ("Schedule: %s", error->message);
    }

  handle = crn_server_db_get_handle (db);
  exec_sql (handle, "BEGIN");
  sqlite3_prepare_v2 (handle,
                      "INSERT INTO slots (id, schedule_id, practitioner, place_id, start, end,"
                      " modalities, visibility, restriction, status, version, last_updated_ms)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 1, ?)", -1, &slot_stmt, NULL);
  sqlite3_prepare_v2 (handle,
                      "INSERT INTO bookings (id, slot_id, practitioner, start, end,"
                      " patient_family, patient_given, patient_birth_date, patient_phone,"
                      " reason, referrer, requested_at, created_at, extra, status,"
                      " practitioner_status, version, last_updated_ms)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, '1980-01-01', '+33612345678',"
                      " 'Fièvre', 0, ?, ?, 0, ?, 1, 1, ?)", -1, &booking_stmt, NULL);

  /* The live slots: SNP-labelled, free, in the first SNP hours at least 3 h ahead. */
  live_start = ((now + 3 * 3600) / 900 + 1) * 900;
  for (guint step = 0; step < 7 * 96; step++, live_start += 900)
    {
      g_autoptr(CrnSlot) probe = crn_slot_new ();

      probe->start = live_start;
      probe->end = live_start + 3 * 3600;
      if (crn_policy_check_slot_hours (policy, probe, NULL))
        break;
    }

  for (guint i = 0; i < N_GPS; i++)
    {
      g_autofree char *idnps = gp_idnps (i);
      g_autofree char *schedule_id = crn_server_db_schedule_id_for (db, idnps, PRACTICE);
      guint n = SLOTS_PER_GP + N_LIVE / N_GPS;

      for (guint k = 0; k < n; k++)
        {
          g_autofree char *id = crn_uuid_new ();
          gboolean live = k >= SLOTS_PER_GP;
          CrnInstant start;
          gboolean booked;

          if (live)
            start = live_start + (CrnInstant) ((k - SLOTS_PER_GP) % 9) * 1200;
          else
            start = year_start + (CrnInstant) (k * 365 / SLOTS_PER_GP) * 86400 +
                    (8 * 3600) + (CrnInstant) g_rand_int_range (rand, 0, 30) * 1200;
          booked = !live && g_rand_boolean (rand);
          sqlite3_reset (slot_stmt);
          sqlite3_bind_text (slot_stmt, 1, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (slot_stmt, 2, schedule_id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (slot_stmt, 3, idnps, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (slot_stmt, 4, PRACTICE, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (slot_stmt, 5, start);
          sqlite3_bind_int64 (slot_stmt, 6, start + 1200);
          sqlite3_bind_int (slot_stmt, 7, CRN_MODALITY_AMB);
          sqlite3_bind_int (slot_stmt, 8, CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);
          sqlite3_bind_int (slot_stmt, 9, booked ? CRN_SLOT_STATUS_BUSY : CRN_SLOT_STATUS_FREE);
          sqlite3_bind_int64 (slot_stmt, 10, crn_server_db_next_stamp (db));
          if (sqlite3_step (slot_stmt) != SQLITE_DONE)
            g_error ("slot: %s", sqlite3_errmsg (handle));
          n_slots += !live;
          n_live += live;
          if (booked)
            {
              g_autofree char *bid = crn_uuid_new ();
              g_autofree char *family = g_strdup_printf ("Bancpatient%05u", n_bookings);

              sqlite3_reset (booking_stmt);
              sqlite3_bind_text (booking_stmt, 1, bid, -1, SQLITE_TRANSIENT);
              sqlite3_bind_text (booking_stmt, 2, id, -1, SQLITE_TRANSIENT);
              sqlite3_bind_text (booking_stmt, 3, idnps, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (booking_stmt, 4, start);
              sqlite3_bind_int64 (booking_stmt, 5, start + 1200);
              sqlite3_bind_text (booking_stmt, 6, family, -1, SQLITE_TRANSIENT);
              sqlite3_bind_text (booking_stmt, 7, "Alex", -1, SQLITE_STATIC);
              sqlite3_bind_int64 (booking_stmt, 8, start - 3600);
              sqlite3_bind_int64 (booking_stmt, 9, start - 3600);
              sqlite3_bind_int (booking_stmt, 10,
                                start < now ? CRN_APPOINTMENT_STATUS_FULFILLED
                                            : CRN_APPOINTMENT_STATUS_BOOKED);
              sqlite3_bind_int64 (booking_stmt, 11, crn_server_db_next_stamp (db));
              if (sqlite3_step (booking_stmt) != SQLITE_DONE)
                g_error ("booking: %s", sqlite3_errmsg (handle));
              n_bookings++;
            }
        }
    }
  sqlite3_finalize (slot_stmt);
  sqlite3_finalize (booking_stmt);
  exec_sql (handle, "COMMIT");
  printf ("Seeded %u GPs, %u slots over a year, %u bookings, %u free slots for the live "
          "bookings\n", N_GPS, n_slots, n_bookings, n_live);
}

/* ---------------------------------------------------------------------------------- */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint index;

  g_array_sort (values, compare_double);
  index = (guint) MIN (values->len - 1, (guint) (p * values->len));
  return g_array_index (values, double, index);
}

/* A plain libsoup session that trusts the test certificate: the baselines' client. */
static SoupSession *
bare_session_new (void)
{
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (g_getenv ("CRN_TEST_TLS_CERT"),
                                                              NULL);

  return soup_session_new_with_options ("tls-database", database, NULL);
}

/* One GET of @url's body through @session, in milliseconds. */
static double
timed_bare_get (SoupSession *session,
                const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    sync_test_result_cb, &result);
  bytes = soup_session_send_and_read_finish (session, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static double
bare_round_trip (const char *url)
{
  g_autoptr(SoupSession) session = bare_session_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *metadata = g_strdup_printf ("%s/fhir/metadata", url);

  for (guint i = 0; i < 101; i++)
    {
      double ms = timed_bare_get (session, metadata);

      if (i > 0)          /* the first one pays the TLS handshake */
        g_array_append_val (times, ms);
    }
  return percentile (times, 0.5);
}

static double
timed_sync (CrnSync *sync)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  crn_sync_sync_async (sync, NULL, sync_test_result_cb, &result);
  crn_sync_sync_finish (sync, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

typedef struct
{
  CrnStore   *store;
  const char *waiting_for;
  gboolean    arrived;
  gboolean    checking;
} Live;

static void
on_booking_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Live *live = user_data;
  g_autoptr(CrnBooking) booking = crn_store_get_booking_finish (CRN_STORE (source), result, NULL);

  live->checking = FALSE;
  if (booking != NULL && live->waiting_for != NULL &&
      g_strcmp0 (booking->id, live->waiting_for) == 0)
    live->arrived = TRUE;
}

static void
on_store_changed_cb (CrnSync    *sync,
                     const char *type,
                     guint       n,
                     gpointer    user_data)
{
  Live *live = user_data;

  if (g_str_equal (type, "Appointment") && live->waiting_for != NULL && !live->checking)
    {
      live->checking = TRUE;
      crn_store_get_booking_async (live->store, live->waiting_for, NULL, on_booking_cb, live);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = sync_test_tmpdir ();
  g_autofree char *app_dir = sync_test_tmpdir ();
  g_autofree char *store_path = g_build_filename (app_dir, "creneaux.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnStore) store = NULL;
  g_autoptr(CrnClient) client = NULL;
  g_autoptr(CrnClient) regulator = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(CrnAccount) regulator_account = NULL;
  g_autoptr(CrnSync) sync = NULL;
  g_autoptr(GArray) no_change = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) client_get = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) no_change_rtt = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) live_slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GPtrArray) week = NULL;
  SyncServer *server;
  Live live = { 0 };
  double rtt, initial;
  CrnInstant now = crn_time_now ();

  if (g_getenv ("CRN_SERVER_EXE") == NULL || g_getenv ("CRN_TEST_TLS_CERT") == NULL)
    {
      fprintf (stderr, "Set CRN_SERVER_EXE, CRN_TEST_TLS_CERT and CRN_TEST_TLS_KEY.\n");
      return 2;
    }

  /* The demo CPTS (accounts, practice, policy), then the year. */
  server = sync_server_start (data_dir);
  sync_server_stop (server, TRUE);
  seed (data_dir);
  server = sync_server_start (data_dir);

  rtt = bare_round_trip (server->url);

  store = sync_test_open_store (store_path);
  client = crn_client_new (server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  crn_client_sign_in_async (client, BENCH_LOGIN, BENCH_PASSWORD, NULL, sync_test_result_cb,
                            &result);
  account = crn_client_sign_in_finish (client, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  sync = crn_sync_new (store, client, account);

  initial = timed_sync (sync);

  /*
   * The no-change sync, its baseline and the same conditional request through CrnClient
   * alone, taken in turn: a bare round trip measured back to back (above) runs with every
   * cache warm for that one path, and a sync measured minutes later would be compared with
   * a machine in another state. In turn, each of the three sees the same moment.
   */
  {
    const char *path = "/fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated&_count=1";
    g_autoptr(SoupSession) bare = bare_session_new ();
    g_autofree char *metadata = g_strdup_printf ("%s/fhir/metadata", server->url);
    g_autofree char *etag = NULL;

    for (guint i = 0; i < N_NO_CHANGE + 1; i++)
      {
        g_autoptr(CrnResponse) response = NULL;
        double sync_ms, bare_ms, client_ms;
        gint64 t0;

        sync_ms = timed_sync (sync);
        bare_ms = timed_bare_get (bare, metadata);

        t0 = g_get_monotonic_time ();
        crn_client_get_async (client, path, etag, NULL, sync_test_result_cb, &result);
        response = crn_client_request_finish (client, sync_test_wait (&result), &error);
        g_assert_no_error (error);
        g_clear_object (&result);
        client_ms = (g_get_monotonic_time () - t0) / 1000.0;

        if (i == 0)
          {
            /* The first turn opens the bare connection (TLS handshake) and fetches the
             * validator the conditional requests send. */
            etag = g_strdup (response->etag);
            continue;
          }
        g_assert_cmpuint (response->status, ==, SOUP_STATUS_NOT_MODIFIED);
        g_array_append_val (no_change, sync_ms);
        g_array_append_val (no_change_rtt, bare_ms);
        g_array_append_val (client_get, client_ms);
      }
  }

  /* The live bookings: regulation books the free slots of the next hours, one at a time. */
  crn_store_week_async (store, NULL, now, now + 3 * 86400, NULL, sync_test_result_cb, &result);
  week = crn_store_week_finish (store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *entry = g_ptr_array_index (week, i);

      if (entry->booking == NULL && entry->slot->status == CRN_SLOT_STATUS_FREE)
        g_ptr_array_add (live_slots, crn_slot_copy (entry->slot));
    }
  regulator = crn_client_new (server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  crn_client_sign_in_async (regulator, "regulation.sas41",
                            sync_server_password (server, "regulation.sas41"), NULL,
                            sync_test_result_cb, &result);
  regulator_account = crn_client_sign_in_finish (regulator, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  live.store = store;
  g_signal_connect (sync, "store-changed", G_CALLBACK (on_store_changed_cb), &live);
  crn_sync_set_poll_interval (sync, 3600);
  crn_sync_start (sync);
  while (!crn_sync_is_live (sync))
    g_main_context_iteration (NULL, TRUE);
  sync_test_spin (200);

  for (guint i = 0; i < live_slots->len && latencies->len < N_LIVE; i++)
    {
      CrnSlot *slot = g_ptr_array_index (live_slots, i);
      g_autoptr(CrnBooking) booking = crn_booking_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(CrnResponse) response = NULL;
      g_autofree char *family = g_strdup_printf ("Livepatient%03u", i);
      gint64 t0;
      double ms;

      booking->id = crn_uuid_new ();
      booking->slot_id = g_strdup (slot->id);
      booking->practitioner = g_strdup (slot->practitioner);
      booking->start = slot->start;
      booking->end = slot->end;
      booking->patient.family = g_strdup (family);
      booking->patient.given = g_strdup ("Alex");
      booking->patient.birth_date = g_strdup ("1990-04-05");
      booking->patient.phone = g_strdup ("0612345678");
      booking->reason = g_strdup ("Fièvre");
      booking->referrer = CRN_REFERRER_SAS;
      booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
      booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
      body = crn_change_build_booking (booking, server->url);

      live.waiting_for = booking->id;
      live.arrived = FALSE;
      t0 = g_get_monotonic_time ();
      crn_client_request_async (regulator, "POST", "/fhir/Appointment", NULL, NULL, body, NULL,
                                sync_test_result_cb, &result);
      response = crn_client_request_finish (regulator, sync_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      if (response->status != 201)
        {
          g_autofree char *message = crn_response_dup_message (response);

          fprintf (stderr, "Regulation could not book a live slot: %s\n", message);
          live.waiting_for = NULL;
          continue;
        }
      while (!live.arrived)
        g_main_context_iteration (NULL, TRUE);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (latencies, ms);
      live.waiting_for = NULL;
    }
  crn_sync_stop (sync);

  printf ("Bare loopback HTTPS round trip (GET /fhir/metadata, median of 100): %.2f ms\n", rtt);
  printf ("Initial sync of the year: %.0f ms (%.0f round trips)\n", initial, initial / rtt);
  printf ("Bare round trip taken in turn with the no-change sync (median of %u): %.2f ms\n",
          N_NO_CHANGE, percentile (no_change_rtt, 0.5));
  printf ("No-change sync (median of %u): %.2f ms (%.1f round trips taken in turn with it, "
          "%.1f back to back)\n", N_NO_CHANGE, percentile (no_change, 0.5),
          percentile (no_change, 0.5) / percentile (no_change_rtt, 0.5),
          percentile (no_change, 0.5) / rtt);
  printf ("Of which a conditional GET answered 304 through CrnClient alone (median of %u): "
          "%.2f ms (%.1f round trips taken in turn)\n", N_NO_CHANGE,
          percentile (client_get, 0.5),
          percentile (client_get, 0.5) / percentile (no_change_rtt, 0.5));
  if (latencies->len > 0)
    printf ("Booking on the server to row in the store, over %u bookings: p50 %.2f ms "
            "(%.1f round trips), p99 %.2f ms (%.1f round trips)\n", latencies->len,
            percentile (latencies, 0.5), percentile (latencies, 0.5) / rtt,
            percentile (latencies, 0.99), percentile (latencies, 0.99) / rtt);
  else
    printf ("No live booking could be made (no SNP hours in the next 48 h?)\n");

  g_clear_object (&sync);
  g_clear_object (&store);
  sync_server_stop (server, FALSE);
  sync_test_rmrf (app_dir);
  return 0;
}
