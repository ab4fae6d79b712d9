/* test-races.c: randomised interleavings of regulation, two practice apps and template
 * changes against the real creneaux-server
 *
 * The test starts one server and signs in two apps (Dr Morel and her secretary: each a
 * CrnStore on its own SQLite file + a CrnSync, the layers the app uses, no GTK), kept for all
 * runs. Each run gives Dr Morel's agenda a fresh block of slots (a new template with a new
 * extra block: new slot ids; the previous run's free slots leave, its bookings stay), lets
 * both apps sync it, and plays a random sequence (seeded) of: the regulator booking slots and cancelling its bookings (HTTP), the
 * GP and the secretary reclaiming slots and accepting or declining the bookings they see
 * (saved in their stores, pushed by their syncs, started at random moments and left to run
 * while the rest goes on), and the GP's agenda gaining absences over slots (HTTP). Then both
 * apps sync until their outboxes are empty, and the test checks:
 *   - no slot holds two live bookings (server database);
 *   - every booking acknowledged with a 201 exists exactly once, every acknowledged
 *     cancellation is there;
 *   - every change an app recorded as done is on the server (or was overtaken by a later
 *     acknowledged action), none is left pending;
 *   - both apps hold the server's state of every slot and booking of the run;
 *   - the server's log holds no password, token or patient name.
 *
 *   test-races [--runs N] [--seed S]       (default 3 runs; the seed is printed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-sync.h"
#include "rel-util.h"
#include "sync-test-util.h"

#define GP_A     "899700100011"
#define PLACE_A  "cabinet-tilleuls"
#define REG      (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
#define N_SLOTS  6
#define N_OPS    24

static guint runs = 3;
static guint64 seed;

typedef struct
{
  const char *name;
  char       *dir;
  CrnStore   *store;
  CrnSync    *sync;
  gboolean    syncing;
  guint       n_syncs;
  char       *last_error;   /* of the last sync, NULL when it succeeded */
} App;

/* What all runs share: the server, the tokens and the two signed-in apps. */
typedef struct
{
  CrnTestServer *server;
  char          *reg;
  char          *doc;
  gint64         tokens_at;    /* monotonic µs when reg and doc were issued */
  App            apps[2];
  gsize          log_checked;  /* bytes of the server's log already checked */
} Session;

typedef struct
{
  CrnTestServer *server;
  char          *reg;
  char          *doc;
  Session       *session;
  CrnTemplate   *agenda;
  char          *slots[N_SLOTS];
  gint64         starts[N_SLOTS];
  GPtrArray     *booked;       /* ids acknowledged with 201 */
  GPtrArray     *cancelled;    /* ids whose cancellation got a 200 */
  App           *apps;         /* the session's two */
  GHashTable    *entries;      /* uuids of the outbox entries this run saved */
  GRand         *rand;
  guint          refused;
  guint          done;         /* app changes the server accepted */
} Run;

enum { OP_BOOK, OP_CANCEL, OP_RECLAIM, OP_DECIDE, OP_ABSENCE, OP_SYNC };
static const char *op_names[] = { "book", "cancel", "reclaim", "accept/decline", "absence",
                                  "sync" };

/* ---------------------------------------------------------------------------------- */

static gint64
db_int (Run        *run,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static gint64
db_int (Run        *run,
        const char *format,
        ...)
{
  va_list args;
  g_autofree char *sql = NULL;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return rel_db_count (run->server, sql);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  App *app = user_data;
  g_autoptr(GError) error = NULL;

  /* Offline or refused changes are the sync's business; the checks look at the outcome. */
  g_clear_pointer (&app->last_error, g_free);
  if (!crn_sync_sync_finish (CRN_SYNC (source), result, &error))
    app->last_error = g_strdup (error->message);
  app->syncing = FALSE;
  app->n_syncs++;
}

static void
start_sync (App *app)
{
  if (app->syncing)
    return;
  app->syncing = TRUE;
  crn_sync_sync_async (app->sync, NULL, sync_done_cb, app);
}

static void
wait_syncs (Run *run)
{
  while (run->apps[0].syncing || run->apps[1].syncing)
    g_main_context_iteration (NULL, TRUE);
}

static guint
unsent (App *app)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint pending = 0, sent = 0;

  crn_store_outbox_count_async (app->store, CRN_OUTBOX_PENDING, NULL, sync_test_result_cb,
                                &result);
  g_assert_true (crn_store_outbox_count_finish (app->store, sync_test_wait (&result), &pending,
                                                NULL));
  g_clear_object (&result);
  crn_store_outbox_count_async (app->store, CRN_OUTBOX_SENT, NULL, sync_test_result_cb,
                                &result);
  g_assert_true (crn_store_outbox_count_finish (app->store, sync_test_wait (&result), &sent,
                                                NULL));
  return pending + sent;
}

static CrnSlot *
store_slot (App        *app,
            const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;

  crn_store_get_slot_async (app->store, id, NULL, sync_test_result_cb, &result);
  return crn_store_get_slot_finish (app->store, sync_test_wait (&result), NULL);
}

static CrnBooking *
store_booking (App        *app,
               const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;

  crn_store_get_booking_async (app->store, id, NULL, sync_test_result_cb, &result);
  return crn_store_get_booking_finish (app->store, sync_test_wait (&result), NULL);
}

/* Operations ----------------------------------------------------------------------- */

static void
op_book (Run *run)
{
  guint k = g_rand_int_range (run->rand, 0, N_SLOTS);
  g_autofree char *text = crn_test_appointment_body (NULL, run->slots[k], GP_A, run->starts[k],
                                                     NULL);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autofree char *end = crn_fhir_format_instant_ms ((run->starts[k] + 10 * 60) * 1000);
  g_autofree char *end_json = g_strdup_printf ("\"%s\"", end);
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) r = NULL;

  /* The slots last 10 minutes. */
  rel_json_set (node, "end", end_json);
  rel_json_set (node, "minutesDuration", NULL);
  body = json_to_string (node, FALSE);
  r = crn_test_request (run->server, "POST", "/fhir/Appointment", run->reg, body, NULL);

  if (r->status == 201)
    g_ptr_array_add (run->booked, g_strdup (crn_test_json_string (r->json, "id")));
  else if (r->status == 409 || r->status == 422)
    run->refused++;     /* taken, reclaimed or removed meanwhile */
  else
    g_error ("booking: %u %s", r->status, r->body);
}

static void
op_cancel (Run *run)
{
  const char *id;
  g_autofree char *path = NULL;
  g_autoptr(CrnTestResponse) current = NULL;
  g_autoptr(CrnTestResponse) r = NULL;
  g_autofree char *body = NULL;
  g_autofree char *etag = NULL;

  if (run->booked->len == 0)
    return;
  id = g_ptr_array_index (run->booked, g_rand_int_range (run->rand, 0, run->booked->len));
  path = g_strdup_printf ("/fhir/Appointment/%s", id);
  current = crn_test_request (run->server, "GET", path, run->reg, NULL, NULL);
  g_assert_cmpuint (current->status, ==, 200);
  etag = g_strdup (soup_message_headers_get_one (current->headers, "ETag"));
  json_object_set_string_member (json_node_get_object (current->json), "status", "cancelled");
  body = crn_test_to_string (current->json);
  r = crn_test_request (run->server, "PUT", path, run->reg, body, "If-Match", etag, NULL);
  if (r->status == 200)
    {
      if (!g_ptr_array_find_with_equal_func (run->cancelled, id, g_str_equal, NULL))
        g_ptr_array_add (run->cancelled, g_strdup (id));
    }
  else if (r->status >= 500 || r->status < 400)
    g_error ("cancel: %u %s", r->status, r->body);
}

static void
op_reclaim (Run *run,
            App *app)
{
  guint k = g_rand_int_range (run->rand, 0, N_SLOTS);
  g_autoptr(CrnSlot) slot = store_slot (app, run->slots[k]);
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  /* What the app allows: a free slot still offered to regulation. */
  if (slot == NULL || slot->status != CRN_SLOT_STATUS_FREE ||
      slot->visibility == CRN_VISIBILITY_NONE)
    return;
  slot->visibility = CRN_VISIBILITY_NONE;
  entry = crn_change_new_slot ("slot.reclaim", slot);
  crn_store_save_slot_change_async (app->store, slot, entry, NULL, sync_test_result_cb, &result);
  g_assert_true (crn_store_save_slot_change_finish (app->store, sync_test_wait (&result), NULL));
  g_hash_table_add (run->entries, g_strdup (entry->uuid));
}

static void
op_decide (Run *run,
           App *app)
{
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean accept = g_rand_boolean (run->rand);
  const char *id;

  if (run->booked->len == 0)
    return;
  id = g_ptr_array_index (run->booked, g_rand_int_range (run->rand, 0, run->booked->len));
  booking = store_booking (app, id);
  if (booking == NULL ||
      !crn_booking_can_apply (booking, accept ? CRN_BOOKING_ACTION_ACCEPT
                                              : CRN_BOOKING_ACTION_DECLINE))
    return;
  g_assert_true (crn_booking_apply (booking, accept ? CRN_BOOKING_ACTION_ACCEPT
                                                    : CRN_BOOKING_ACTION_DECLINE,
                                    accept ? NULL : "Le médecin est absent", NULL));
  entry = crn_change_new_booking (accept ? "booking.accept" : "booking.decline", booking);
  crn_store_save_booking_change_async (app->store, booking, entry, NULL, sync_test_result_cb,
                                       &result);
  g_assert_true (crn_store_save_booking_change_finish (app->store, sync_test_wait (&result),
                                                       NULL));
  g_hash_table_add (run->entries, g_strdup (entry->uuid));
}

/* The GP's agenda gains an absence over one slot: removed if free, kept if booked. */
static void
op_absence (Run *run)
{
  guint k = g_rand_int_range (run->rand, 0, N_SLOTS);
  CrnTemplateException *absence = crn_template_exception_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) r = NULL;

  g_free (absence->id);
  absence->id = crn_uuid_new ();
  absence->kind = CRN_EXCEPTION_ABSENCE;
  absence->start = run->starts[k];
  absence->end = run->starts[k] + 10 * 60;
  absence->reason = g_strdup ("Formation");
  crn_template_add_exception (run->agenda, absence);
  node = crn_fhir_schedule_build (run->agenda, NULL);
  body = crn_fhir_to_string (node, FALSE);
  r = crn_test_request (run->server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, run->doc,
                        body, NULL);
  if (r->status != 200)
    g_error ("absence: %u %s", r->status, r->body);
}

/* Setup ---------------------------------------------------------------------------- */

static void
app_open (Session    *session,
          App        *app,
          const char *login)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  app->name = login;
  app->dir = sync_test_tmpdir ();
  path = g_build_filename (app->dir, "creneaux.db", NULL);
  app->store = sync_test_open_store (path);
  crn_sync_sign_in_async (app->store, session->server->base, g_getenv ("CRN_TEST_TLS_CERT"),
                          login, g_hash_table_lookup (session->server->passwords, login), NULL,
                          sync_test_result_cb, &result);
  app->sync = crn_sync_sign_in_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  crn_sync_set_retry_delays (app->sync, 10, 50);
}

static void
app_close (App *app)
{
  g_clear_object (&app->sync);
  g_clear_object (&app->store);
  g_clear_pointer (&app->last_error, g_free);
  sync_test_spin (20);
  sync_test_rmrf (app->dir);
  g_clear_pointer (&app->dir, g_free);
}

/* SNP hours all day, bookings to be confirmed by the practice, and the reclaim window (the
 * longest the rules allow, 7 days) and the regulation horizon (8 days) wide enough for the
 * runs' slots to be spread over the week ahead (run_first_start). */
static void
put_policy (CrnTestServer *server,
            const char    *coordinator_token)
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
  policy->booking_closes_minutes = 0;
  policy->reclaim_minutes = 7 * 24 * 60;
  policy->horizon_hours = 8 * 24;
  policy->needs_confirmation = TRUE;
  node = crn_fhir_policy_build (policy, "policy");
  body = crn_fhir_to_string (node, FALSE);
  r = crn_test_request (server, "PUT", "/fhir/Parameters/policy", coordinator_token, body,
                        NULL);
  g_assert_cmpuint (r->status, ==, 200);
}

/* Regulation's and the GP's access tokens, again every half hour: they last an hour, and the
 * long mode runs for longer. */
static void
session_tokens (Session *session)
{
  if (session->reg != NULL &&
      g_get_monotonic_time () - session->tokens_at < 30 * 60 * G_USEC_PER_SEC)
    return;
  g_free (session->reg);
  g_free (session->doc);
  session->reg = crn_test_server_token (session->server,
                                        crn_test_server_login_for (session->server, "regulator"),
                                        NULL);
  session->doc = crn_test_server_token (session->server, "dr.morel", NULL);
  session->tokens_at = g_get_monotonic_time ();
}

/* Once for all runs: the server, the tokens, the CPTS rules and both apps, synced. */
static void
setup_session (Session *session)
{
  g_autofree char *coord = NULL;

  session->server = crn_test_server_start (NULL);
  session_tokens (session);
  coord = crn_test_server_token (session->server,
                                 crn_test_server_login_for (session->server, "coordinator"),
                                 NULL);
  put_policy (session->server, coord);
  app_open (session, &session->apps[0], "dr.morel");
  app_open (session, &session->apps[1],
            crn_test_server_login_for (session->server, "secretary"));
  start_sync (&session->apps[0]);
  start_sync (&session->apps[1]);
  while (session->apps[0].syncing || session->apps[1].syncing)
    g_main_context_iteration (NULL, TRUE);
}

static void
teardown_session (Session *session)
{
  app_close (&session->apps[0]);
  app_close (&session->apps[1]);
  g_free (session->reg);
  g_free (session->doc);
  crn_test_server_free (session->server);
}

/* The first slot of run @index: one of 150 hourly windows over the week ahead, from the
 * next 5-minute mark at least 15 minutes ahead, the block not crossing midnight in Paris.
 * Runs never share slots (each run's block has its own ids), but the server goes over
 * every future slot of the agenda when it changes, and a later run's absences turn the
 * removed slots of earlier runs at the same times to busy-unavailable and back: spreading
 * the runs keeps that work, and a run's time, from growing with the number of runs. */
#define N_WINDOWS 150

static gint64
run_first_start (guint index)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = ((now + 15 * 60) / 300 + 1) * 300 + (gint64) (index % N_WINDOWS) * 3600;

  for (;; start += 300)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start);
      g_autoptr(GDateTime) in_paris = g_date_time_to_timezone (utc, paris);
      guint minute = g_date_time_get_hour (in_paris) * 60 + g_date_time_get_minute (in_paris);

      if (minute + N_SLOTS * 10 < 24 * 60 && minute >= 5)
        return start;
    }
}

/* Each run: Dr Morel's agenda becomes a new template holding one extra block of N_SLOTS
 * slots of 10 minutes open to regulation (the server turns the previous run's free slots
 * to entered-in-error and keeps its booked ones); both apps sync it. */
static void
setup_run (Session *session,
           Run     *run,
           guint    index)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) r = NULL;
  g_autoptr(GPtrArray) expanded = NULL;
  CrnTemplateException *extra = crn_template_exception_new ();
  gint64 first = run_first_start (index);
  GDate from, to;

  session_tokens (session);
  run->session = session;
  run->server = session->server;
  run->reg = session->reg;
  run->doc = session->doc;
  run->apps = session->apps;
  run->agenda = crn_template_new (GP_A, PLACE_A);
  g_free (run->agenda->id);
  run->agenda->id = crn_uuid_new ();
  g_free (extra->id);
  extra->id = crn_uuid_new ();
  extra->kind = CRN_EXCEPTION_EXTRA;
  extra->start = first;
  extra->end = first + N_SLOTS * 10 * 60;
  extra->slot_minutes = 10;
  extra->modalities = CRN_MODALITY_AMB;
  extra->visibility = REG;
  crn_template_add_exception (run->agenda, extra);
  node = crn_fhir_schedule_build (run->agenda, NULL);
  body = crn_fhir_to_string (node, FALSE);
  r = crn_test_request (run->server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, run->doc,
                        body, NULL);
  g_assert_cmpuint (r->status, ==, 200);

  /* The slots' ids are the expansion's (the server expands the same template); each must
   * be on the server, free. */
  crn_time_to_local (first, &from, NULL, NULL);
  crn_time_to_local (extra->end, &to, NULL, NULL);
  expanded = crn_template_expand (run->agenda, &from, &to);
  g_assert_cmpuint (expanded->len, ==, N_SLOTS);
  for (guint k = 0; k < N_SLOTS; k++)
    {
      CrnSlot *slot = g_ptr_array_index (expanded, k);

      run->starts[k] = first + k * 600;
      g_assert_cmpint (slot->start, ==, run->starts[k]);
      run->slots[k] = g_strdup (slot->id);
      g_assert_cmpint (db_int (run, "SELECT count(*) FROM slots WHERE id = '%s' AND status = %d",
                               run->slots[k], CRN_SLOT_STATUS_FREE), ==, 1);
    }
  run->booked = g_ptr_array_new_with_free_func (g_free);
  run->cancelled = g_ptr_array_new_with_free_func (g_free);
  run->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  start_sync (&run->apps[0]);
  start_sync (&run->apps[1]);
  wait_syncs (run);
}

static void
teardown_run (Run *run)
{
  for (guint k = 0; k < N_SLOTS; k++)
    g_free (run->slots[k]);
  g_ptr_array_unref (run->booked);
  g_ptr_array_unref (run->cancelled);
  g_hash_table_unref (run->entries);
  crn_template_free (run->agenda);
}

/* ---------------------------------------------------------------------------------- */

/* Checks --------------------------------------------------------------------------- */

static void
check_run (Run   *run,
           guint  index)
{
  /* Until both outboxes are empty and a last pull brought both up to date. */
  for (guint round = 0; round < 10; round++)
    {
      start_sync (&run->apps[0]);
      start_sync (&run->apps[1]);
      wait_syncs (run);
      if (unsent (&run->apps[0]) == 0 && unsent (&run->apps[1]) == 0)
        break;
      sync_test_spin (60);
    }
  /* A last sync of each app that succeeds (a slow machine may time one out). */
  for (guint a = 0; a < 2; a++)
    for (guint attempt = 0; attempt < 5; attempt++)
      {
        start_sync (&run->apps[a]);
        wait_syncs (run);
        if (run->apps[a].last_error == NULL)
          break;
        g_test_message ("run %u: a sync of %s failed (%s), again", index, run->apps[a].name,
                        run->apps[a].last_error);
        sync_test_spin (200);
      }
  for (guint a = 0; a < 2; a++)
    if (run->apps[a].last_error != NULL)
      g_error ("run %u: %s cannot sync: %s", index, run->apps[a].name, run->apps[a].last_error);
  for (guint a = 0; a < 2; a++)
    if (unsent (&run->apps[a]) != 0)
      g_error ("run %u: %s still has %u changes to send", index, run->apps[a].name,
               unsent (&run->apps[a]));

  /* No slot held twice. */
  g_assert_cmpint (db_int (run, "SELECT count(*) FROM (SELECT slot_id FROM bookings WHERE "
                                "slot_id IS NOT NULL AND status NOT IN (5, 7) GROUP BY slot_id "
                                "HAVING count(*) > 1)"), ==, 0);
  /* Every acknowledged booking exactly once; every acknowledged cancellation kept. */
  for (guint i = 0; i < run->booked->len; i++)
    g_assert_cmpint (db_int (run, "SELECT count(*) FROM bookings WHERE id = '%s'",
                             (char *) g_ptr_array_index (run->booked, i)), ==, 1);
  for (guint i = 0; i < run->cancelled->len; i++)
    g_assert_cmpint (db_int (run, "SELECT status FROM bookings WHERE id = '%s'",
                             (char *) g_ptr_array_index (run->cancelled, i)), ==,
                     CRN_APPOINTMENT_STATUS_CANCELLED);

  /* Every change an app saw accepted is on the server, unless a later acknowledged action
   * of someone else overtook it (a cancellation, an absence removing a slot). */
  for (guint a = 0; a < 2; a++)
    {
      App *app = &run->apps[a];
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) done = NULL;

      crn_store_outbox_list_async (app->store, CRN_OUTBOX_DONE, G_MAXINT, NULL,
                                   sync_test_result_cb, &result);
      done = crn_store_outbox_list_finish (app->store, sync_test_wait (&result), NULL);
      g_assert_nonnull (done);
      for (guint i = 0; i < done->len; i++)
        {
          CrnOutboxEntry *e = g_ptr_array_index (done, i);

          if (!g_hash_table_contains (run->entries, e->uuid))
            continue;           /* an earlier run's, checked then */
          if (g_str_equal (e->kind, "slot.reclaim"))
            {
              gint64 status = db_int (run, "SELECT status FROM slots WHERE id = '%s'",
                                      e->target_id);

              if (status != CRN_SLOT_STATUS_ENTERED_IN_ERROR)
                g_assert_cmpint (db_int (run, "SELECT visibility FROM slots WHERE id = '%s'",
                                         e->target_id), ==, CRN_VISIBILITY_NONE);
            }
          else if (g_str_equal (e->kind, "booking.accept") ||
                   g_str_equal (e->kind, "booking.decline"))
            {
              gboolean accept = g_str_equal (e->kind, "booking.accept");
              gint64 decision = db_int (run, "SELECT practitioner_status FROM bookings WHERE "
                                             "id = '%s'", e->target_id);

              g_assert_cmpint (decision, ==, accept ? CRN_PARTICIPATION_ACCEPTED
                                                    : CRN_PARTICIPATION_DECLINED);
            }
          else
            g_error ("unexpected outbox entry %s", e->kind);
          run->done++;
        }
    }

  /* Both apps hold the server's state. */
  for (guint a = 0; a < 2; a++)
    {
      App *app = &run->apps[a];

      for (guint k = 0; k < N_SLOTS; k++)
        {
          g_autoptr(CrnSlot) slot = store_slot (app, run->slots[k]);
          gint64 status = db_int (run, "SELECT coalesce((SELECT status FROM slots WHERE id = "
                                       "'%s'), -1)", run->slots[k]);
          gint64 visibility = db_int (run, "SELECT coalesce((SELECT visibility FROM slots "
                                           "WHERE id = '%s'), -1)", run->slots[k]);

          if (status == -1 || status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
            {
              if (slot != NULL && slot->status != CRN_SLOT_STATUS_ENTERED_IN_ERROR)
                g_error ("run %u: %s still shows slot %s the server removed", index,
                         app->name, run->slots[k]);
              continue;
            }
          if (slot == NULL)
            g_error ("run %u: %s lacks slot %s", index, app->name, run->slots[k]);
          if (slot->status != status || (gint64) slot->visibility != visibility)
            g_error ("run %u: %s has slot %s as status %d visibility %u, the server %"
                     G_GINT64_FORMAT "/%" G_GINT64_FORMAT, index, app->name, run->slots[k],
                     slot->status, slot->visibility, status, visibility);
        }
      for (guint i = 0; i < run->booked->len; i++)
        {
          const char *id = g_ptr_array_index (run->booked, i);
          g_autoptr(CrnBooking) booking = store_booking (app, id);
          gint64 status = db_int (run, "SELECT status FROM bookings WHERE id = '%s'", id);
          gint64 decision = db_int (run, "SELECT practitioner_status FROM bookings WHERE id = "
                                         "'%s'", id);

          if (booking == NULL)
            g_error ("run %u: %s lacks booking %s", index, app->name, id);
          if ((gint64) booking->status != status ||
              (gint64) booking->practitioner_status != decision)
            g_error ("run %u: %s has booking %s as %d/%d, the server %" G_GINT64_FORMAT "/%"
                     G_GINT64_FORMAT, index, app->name, id, booking->status,
                     booking->practitioner_status, status, decision);
        }
    }
}

/* After a whole session of two apps and regulation: no password, token or patient name in
 * the server's log (every level: the tests run it with G_MESSAGES_DEBUG=all). */
static void
check_log (Run *run)
{
  GHashTableIter iter;
  gpointer password;
  const char *log;

  crn_test_server_drain_stderr (run->server);
  /* What the server wrote during this run. */
  log = run->server->stderr_text->str + run->session->log_checked;
  run->session->log_checked = run->server->stderr_text->len;
  if (strstr (log, "ERROR: AddressSanitizer") != NULL || strstr (log, "runtime error:") != NULL)
    g_error ("The server reported a memory error:\n%s", log);
  g_hash_table_iter_init (&iter, run->server->passwords);
  while (g_hash_table_iter_next (&iter, NULL, &password))
    if (strstr (log, password) != NULL)
      g_error ("a password is in the server log");
  if (strstr (log, run->reg) != NULL || strstr (log, run->doc) != NULL)
    g_error ("an access token is in the server log");
  g_assert_null (strstr (log, "DUPONT"));
  g_assert_null (strstr (log, "Lucas"));
  g_assert_null (strstr (log, "1987-04-12"));
}

static void
play (Session *session,
      guint    index,
      GRand   *rand,
      guint   *totals)
{
  Run run = { 0 };

  run.rand = rand;
  setup_run (session, &run, index);
  for (guint i = 0; i < N_OPS; i++)
    {
      guint op = g_rand_int_range (rand, 0, 6);
      App *app = &run.apps[g_rand_int_range (rand, 0, 2)];

      switch (op)
        {
        case OP_BOOK: op_book (&run); break;
        case OP_CANCEL: op_cancel (&run); break;
        case OP_RECLAIM: op_reclaim (&run, app); break;
        case OP_DECIDE: op_decide (&run, app); break;
        case OP_ABSENCE: op_absence (&run); break;
        case OP_SYNC: start_sync (app); break;
        default: g_assert_not_reached ();
        }
      totals[op]++;
      /* Let the syncs in flight move on a random amount. */
      for (guint n = g_rand_int_range (rand, 0, 20); n > 0; n--)
        g_main_context_iteration (NULL, FALSE);
    }
  check_run (&run, index);
  check_log (&run);
  totals[6] += run.booked->len;
  totals[7] += run.cancelled->len;
  totals[8] += run.refused;
  totals[9] += run.done;
  teardown_run (&run);
}

static void
test_races (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);
  guint totals[10] = { 0 };
  Session session = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 runs_start;

  setup_session (&session);
  runs_start = g_get_monotonic_time ();
  for (guint i = 0; i < runs; i++)
    {
      gint64 before = g_get_monotonic_time ();

      play (&session, i, rand, totals);
      /* Progress of a long run: the time of every 100th. */
      if ((i + 1) % 100 == 0)
        g_test_message ("run %u done (%.2f s, %.0f s since the start)", i + 1,
                        (g_get_monotonic_time () - before) / 1e6,
                        (g_get_monotonic_time () - start) / 1e6);
    }
  g_test_message ("%u runs in %.0f s (%.2f s per run after %.1f s to start the server and "
                  "sign in the apps)", runs, (g_get_monotonic_time () - start) / 1e6,
                  (g_get_monotonic_time () - runs_start) / 1e6 / runs,
                  (runs_start - start) / 1e6);
  teardown_session (&session);
  g_test_message ("%u runs, seed %" G_GUINT64_FORMAT ": %u bookings acknowledged (%u "
                  "refused), %u cancellations, %u app changes accepted, operations: %u book, %u cancel, %u reclaim, %u accept/"
                  "decline, %u absence, %u sync; no slot held twice, nothing lost, both apps "
                  "converged", runs, seed, totals[6], totals[8], totals[7], totals[9], totals[OP_BOOK],
                  totals[OP_CANCEL], totals[OP_RECLAIM], totals[OP_DECIDE], totals[OP_ABSENCE],
                  totals[OP_SYNC]);
  (void) op_names;
}

int
main (int   argc,
      char *argv[])
{
  seed = rel_test_init (&argc, &argv, "runs", "Runs (default 3)", &runs);
  g_test_add_func ("/reliability/races/interleavings", test_races);
  return g_test_run ();
}
