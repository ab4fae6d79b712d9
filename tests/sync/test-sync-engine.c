/* test-sync-engine.c: pull, push, conflicts and offline behaviour against an in-process
 * TLS server that counts requests and injects failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include "crn-fhir.h"
#include "crn-sync.h"
#include "sync-test-util.h"

typedef struct
{
  char       *dir;
  CrnStore   *store;
  SyncFake   *fake;
  CrnClient  *client;
  CrnAccount *account;
  CrnSync    *sync;
  GPtrArray  *refused;      /* messages of change-refused */
} Fixture;

static void
on_refused_cb (CrnSync    *sync,
               const char *uuid,
               const char *kind,
               const char *target_id,
               const char *message,
               gpointer    user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->refused, g_strdup (message));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;

  f->dir = sync_test_tmpdir ();
  path = g_build_filename (f->dir, "creneaux.db", NULL);
  f->store = sync_test_open_store (path);
  f->fake = sync_fake_new ();
  f->client = crn_client_new (f->fake->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  crn_client_sign_in_async (f->client, TEST_LOGIN, TEST_PASSWORD, NULL, sync_test_result_cb,
                            &result);
  f->account = crn_client_sign_in_finish (f->client, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  f->sync = crn_sync_new (f->store, f->client, f->account);
  crn_sync_set_page_size (f->sync, 10);
  crn_sync_set_retry_delays (f->sync, 20, 200);
  f->refused = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->sync, "change-refused", G_CALLBACK (on_refused_cb), f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  crn_sync_stop (f->sync);
  g_clear_object (&f->sync);
  g_clear_object (&f->account);
  g_clear_object (&f->client);
  g_clear_object (&f->store);
  sync_fake_free (f->fake);
  sync_test_rmrf (f->dir);
  g_free (f->dir);
  g_ptr_array_unref (f->refused);
}

static void
seed_slots (Fixture *f,
            guint    n)
{
  CrnInstant start = sync_test_utc (2026, 12, 7, 8, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("slot-%02u", i);
      g_autoptr(CrnSlot) slot = sync_test_slot (id, start + i * 1200, 20);

      sync_fake_put_slot (f->fake, slot);
    }
}

static void
save_reclaim (Fixture    *f,
              const char *id)
{
  g_autoptr(CrnSlot) slot = sync_test_stored_slot (f->store, id);
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (slot);
  slot->visibility = CRN_VISIBILITY_NONE;
  entry = crn_change_new_slot (CRN_CHANGE_SLOT_RECLAIM, slot);
  crn_store_save_slot_change_async (f->store, slot, entry, NULL, sync_test_result_cb, &result);
  crn_store_save_slot_change_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------------------------- */

static void
test_pull_pages (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) first = NULL;
  g_autoptr(CrnSlot) last = NULL;

  seed_slots (f, 25);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  /* 25 slots, 10 a page: three pages of one search of the server, following next. */
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?"), ==, 3);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated&_count=10&_offset=20"),
                    ==, 1);
  first = sync_test_stored_slot (f->store, "slot-00");
  last = sync_test_stored_slot (f->store, "slot-24");
  g_assert_nonnull (first);
  g_assert_nonnull (last);
  g_assert_cmpint (last->version, ==, 1);
  g_assert_cmpint (crn_sync_get_status (f->sync), ==, CRN_SYNC_STATUS_IDLE);
  g_assert_cmpint (crn_sync_get_last_sync (f->sync), >, 0);
}

static void
test_pull_interrupted (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) first = NULL;
  g_autoptr(CrnSlot) last = NULL;

  seed_slots (f, 25);
  /* The second page comes back garbled (the first is stored, no third is asked for). */
  f->fake->fail_skip = 1;
  f->fake->fail_malformed = 1;
  error = sync_test_run (f->sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  first = sync_test_stored_slot (f->store, "slot-00");
  last = sync_test_stored_slot (f->store, "slot-24");
  g_assert_nonnull (first);
  g_assert_null (last);

  /* The next sync starts from the first page's watermark and gets the rest. */
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  last = sync_test_stored_slot (f->store, "slot-24");
  g_assert_nonnull (last);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated&_count=10&_lastUpdated=gt"),
                    ==, 1);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?"), ==, 2);
}

static void
test_pull_no_change (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) changed = NULL;
  CrnSlot *server;

  seed_slots (f, 12);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  /* Nothing changed: one small request for the three types, nothing else. */
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->fake->log->len, ==, 1);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated&_count=10&_lastUpdated=gt"),
                    ==, 1);

  /* One slot booked on the server: only it comes down. */
  server = crn_slot_copy (sync_fake_get_slot (f->fake, "slot-05"));
  server->status = CRN_SLOT_STATUS_BUSY;
  sync_fake_put_slot (f->fake, server);
  crn_slot_free (server);
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->fake->log->len, ==, 1);
  changed = sync_test_stored_slot (f->store, "slot-05");
  g_assert_cmpint (changed->status, ==, CRN_SLOT_STATUS_BUSY);
  g_assert_cmpint (changed->version, ==, 2);
}

static void
set_watermark (Fixture    *f,
               const char *resource,
               gint64      watermark_ms)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnSyncState state = { 0 };

  state.resource = (char *) resource;
  state.watermark_ms = watermark_ms;
  state.synced_at_ms = watermark_ms;
  crn_store_set_sync_state_async (f->store, &state, NULL, sync_test_result_cb, &result);
  g_assert_true (crn_store_set_sync_state_finish (f->store, sync_test_wait (&result), &error));
  g_assert_no_error (error);
}

/* A file of an earlier version kept one watermark per type: the pull goes on from the
 * oldest of them (nothing after it is lost; rows already held are skipped by version), then
 * keeps its one watermark. */
static void
test_pull_old_watermarks (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnSyncState) state = NULL;
  g_autoptr(CrnSlot) before = NULL;
  g_autoptr(CrnSlot) after = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *expected = NULL;
  gint64 oldest;

  seed_slots (f, 12);
  /* The old file held the first six slots' time as the slots' watermark, later ones for the
   * other types. */
  oldest = sync_fake_get_slot (f->fake, "slot-05")->last_updated_ms;
  set_watermark (f, "Schedule", oldest + 100000);
  set_watermark (f, "Slot", oldest);
  set_watermark (f, "Appointment", oldest + 50000);
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  iso = crn_fhir_format_instant_ms (oldest);
  escaped = g_uri_escape_string (iso, NULL, FALSE);
  expected = g_strdup_printf ("GET /fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated"
                              "&_count=10&_lastUpdated=gt%s", escaped);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?"), ==, 1);
  g_assert_cmpuint (sync_fake_count (f->fake, expected), ==, 1);
  before = sync_test_stored_slot (f->store, "slot-05");
  after = sync_test_stored_slot (f->store, "slot-06");
  g_assert_null (before);      /* at or before the old watermark: not asked for again */
  g_assert_nonnull (after);
  g_clear_pointer (&after, crn_slot_free);
  after = sync_test_stored_slot (f->store, "slot-11");
  g_assert_nonnull (after);

  crn_store_get_sync_state_async (f->store, CRN_SYNC_PULL_RESOURCE, NULL, sync_test_result_cb,
                                  &result);
  state = crn_store_get_sync_state_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (state->watermark_ms, ==,
                   sync_fake_get_slot (f->fake, "slot-11")->last_updated_ms);
}

static void
test_push_if_match (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) local = NULL;

  seed_slots (f, 3);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  save_reclaim (f, "slot-01");
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 1);
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  g_assert_cmpuint (sync_fake_count (f->fake, "PUT /fhir/Slot/slot-01"), ==, 1);
  g_assert_cmpuint (f->fake->if_match_log->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->fake->if_match_log, 0), ==, "W/\"1\"");
  g_assert_cmpint (sync_fake_get_slot (f->fake, "slot-01")->visibility, ==, CRN_VISIBILITY_NONE);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_SENT), ==, 0);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_DONE), ==, 1);
  local = sync_test_stored_slot (f->store, "slot-01");
  g_assert_cmpint (local->version, ==, 2);
  g_assert_cmpint (local->visibility, ==, CRN_VISIBILITY_NONE);
  g_assert_cmpuint (f->refused->len, ==, 0);
}

/* A no-change sync writes nothing to the file, so the next one starts from what the last
 * read kept; a change saved meanwhile moves the store's count and is sent by the next sync. */
static void
test_push_after_quiet_syncs (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 count;

  seed_slots (f, 3);
  for (guint i = 0; i < 2; i++)
    {
      error = sync_test_run (f->sync);
      g_assert_no_error (error);
    }
  count = crn_store_get_change_count (f->store);
  for (guint i = 0; i < 3; i++)
    {
      sync_fake_clear_log (f->fake);
      error = sync_test_run (f->sync);
      g_assert_no_error (error);
      g_assert_cmpuint (f->fake->log->len, ==, 1);
      g_assert_cmpuint (crn_store_get_change_count (f->store), ==, count);
    }

  save_reclaim (f, "slot-01");
  g_assert_cmpuint (crn_store_get_change_count (f->store), >, count);
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  g_assert_cmpuint (sync_fake_count (f->fake, "PUT /fhir/Slot/slot-01"), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 0);
  g_assert_cmpint (sync_fake_get_slot (f->fake, "slot-01")->visibility, ==, CRN_VISIBILITY_NONE);

  /* A slot changed on the server after the quiet syncs still comes down. */
  {
    CrnSlot *server = crn_slot_copy (sync_fake_get_slot (f->fake, "slot-02"));
    g_autoptr(CrnSlot) local = NULL;

    server->status = CRN_SLOT_STATUS_BUSY;
    sync_fake_put_slot (f->fake, server);
    crn_slot_free (server);
    error = sync_test_run (f->sync);
    g_assert_no_error (error);
    error = sync_test_run (f->sync);
    g_assert_no_error (error);
    local = sync_test_stored_slot (f->store, "slot-02");
    g_assert_cmpint (local->status, ==, CRN_SLOT_STATUS_BUSY);
  }
  g_assert_cmpuint (f->refused->len, ==, 0);
}

static void
test_push_booked_first (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(CrnSlot) local = NULL;
  CrnOutboxEntry *entry;
  CrnSlot *server;

  seed_slots (f, 3);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  /* Offline, the GP reclaims slot-02; meanwhile regulation books it on the server. */
  save_reclaim (f, "slot-02");
  server = crn_slot_copy (sync_fake_get_slot (f->fake, "slot-02"));
  server->status = CRN_SLOT_STATUS_BUSY;
  sync_fake_put_slot (f->fake, server);
  crn_slot_free (server);

  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  /* 412, re-read, refused: the booking is kept and the user is told why. */
  g_assert_cmpuint (sync_fake_count (f->fake, "PUT /fhir/Slot/slot-02"), ==, 1);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir/Slot/slot-02"), ==, 1);
  g_assert_cmpuint (f->refused->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->refused, 0), "Booked by regulation at "));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (f->refused, 0),
                                   " before your reclaim. The booking is kept."));
  crn_store_outbox_list_async (f->store, CRN_OUTBOX_FAILED, 0, NULL, sync_test_result_cb,
                               &result);
  failed = crn_store_outbox_list_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (failed->len, ==, 1);
  entry = g_ptr_array_index (failed, 0);
  g_assert_cmpstr (entry->last_error, ==, g_ptr_array_index (f->refused, 0));
  g_assert_cmpint (sync_fake_get_slot (f->fake, "slot-02")->status, ==, CRN_SLOT_STATUS_BUSY);
  g_assert_cmpint (sync_fake_get_slot (f->fake, "slot-02")->visibility, ==, CRN_VISIBILITY_SNP);
  local = sync_test_stored_slot (f->store, "slot-02");
  g_assert_cmpint (local->status, ==, CRN_SLOT_STATUS_BUSY);
  g_assert_cmpint (local->version, ==, 2);
}

static void
test_push_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  seed_slots (f, 2);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  save_reclaim (f, "slot-00");
  f->fake->put_status = 422;
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->refused, 0), ==,
                   "Too late: a slot can be reclaimed until 2 hours before it starts.");
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_FAILED), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 0);

  /* A refused change is not sent again. */
  sync_fake_clear_log (f->fake);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  g_assert_cmpuint (sync_fake_count (f->fake, "PUT "), ==, 0);
}

static void
on_notify_flag_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  gboolean *flag = user_data;
  CrnSyncStatus wanted = GPOINTER_TO_INT (g_object_get_data (object, "wanted"));

  if (crn_sync_get_status (CRN_SYNC (object)) == wanted)
    *flag = TRUE;
}

static void
wait_status (Fixture       *f,
             CrnSyncStatus  status)
{
  gboolean reached = crn_sync_get_status (f->sync) == status;
  gulong id;

  g_object_set_data (G_OBJECT (f->sync), "wanted", GINT_TO_POINTER (status));
  id = g_signal_connect (f->sync, "notify::state", G_CALLBACK (on_notify_flag_cb), &reached);
  sync_test_wait_flag (&reached, 30000);
  g_signal_handler_disconnect (f->sync, id);
}

static void
test_offline_then_back (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) local = NULL;
  guint attempts;

  seed_slots (f, 2);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  /* The server fails (500) for a while: the change waits, the state says offline. */
  save_reclaim (f, "slot-01");
  f->fake->fail_500 = 3;
  crn_sync_start (f->sync);
  wait_status (f, CRN_SYNC_STATUS_OFFLINE);
  g_assert_cmpint (crn_sync_get_offline_since (f->sync), >, 0);
  g_assert_nonnull (crn_sync_get_last_error (f->sync));
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 1);
  local = sync_test_stored_slot (f->store, "slot-01");
  g_assert_cmpint (local->visibility, ==, CRN_VISIBILITY_NONE);

  /* It retries by itself (backoff) and gets through once the server answers again. */
  wait_status (f, CRN_SYNC_STATUS_IDLE);
  g_assert_cmpint (crn_sync_get_offline_since (f->sync), ==, 0);
  g_assert_null (crn_sync_get_last_error (f->sync));
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_DONE), ==, 1);
  g_assert_cmpuint (f->fake->fail_500, ==, 0);
  attempts = sync_fake_count (f->fake, "PUT /fhir/Slot/slot-01");
  g_assert_cmpuint (attempts, ==, 4);
  g_assert_cmpint (sync_fake_get_slot (f->fake, "slot-01")->version, ==, 2);
}

static void
test_malformed_then_back (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  seed_slots (f, 4);
  f->fake->fail_malformed = 1;
  error = sync_test_run (f->sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
  g_assert_cmpint (crn_sync_get_status (f->sync), ==, CRN_SYNC_STATUS_OFFLINE);
  g_clear_error (&error);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);
  g_assert_cmpint (crn_sync_get_status (f->sync), ==, CRN_SYNC_STATUS_IDLE);
}

static void
test_sync_while_syncing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  seed_slots (f, 3);
  /* A caller asking while a cycle runs gets a cycle that starts after its request. */
  crn_sync_sync_async (f->sync, NULL, sync_test_result_cb, &first);
  crn_sync_sync_async (f->sync, NULL, sync_test_result_cb, &second);
  crn_sync_sync_finish (f->sync, sync_test_wait (&first), &error);
  g_assert_no_error (error);
  g_assert_null (second);
  crn_sync_sync_finish (f->sync, sync_test_wait (&second), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?"), ==, 2);
}

static void
on_last_sync_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_restart_while_stopping (Fixture       *f,
                             gconstpointer  data)
{
  gboolean synced = FALSE;

  seed_slots (f, 3);
  g_signal_connect (f->sync, "notify::last-sync", G_CALLBACK (on_last_sync_cb), &synced);
  /* Started, stopped while its first cycle is in flight, started again at once: the
   * cancelled cycle ends after the restart, which still owes a complete cycle. */
  crn_sync_start (f->sync);
  crn_sync_stop (f->sync);
  crn_sync_start (f->sync);
  sync_test_wait_flag (&synced, 10000);
  g_assert_cmpint (crn_sync_get_status (f->sync), ==, CRN_SYNC_STATUS_IDLE);
  g_assert_cmpuint (sync_fake_count (f->fake, "GET /fhir?"), >=, 1);
  crn_sync_stop (f->sync);
}

static void
test_signed_out (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  seed_slots (f, 2);
  error = sync_test_run (f->sync);
  g_assert_no_error (error);

  save_reclaim (f, "slot-00");
  g_clear_pointer (&f->fake->refresh, g_free);
  f->fake->fail_401 = 1;
  error = sync_test_run (f->sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT);
  g_assert_cmpint (crn_sync_get_status (f->sync), ==, CRN_SYNC_STATUS_SIGNED_OUT);
  /* The unsent change is kept for after the next sign-in. */
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_FAILED), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/pull/pages", Fixture, NULL, setup, test_pull_pages, teardown);
  g_test_add ("/sync/pull/interrupted", Fixture, NULL, setup, test_pull_interrupted,
              teardown);
  g_test_add ("/sync/pull/no-change", Fixture, NULL, setup, test_pull_no_change, teardown);
  g_test_add ("/sync/pull/old-watermarks", Fixture, NULL, setup, test_pull_old_watermarks,
              teardown);
  g_test_add ("/sync/push/if-match", Fixture, NULL, setup, test_push_if_match, teardown);
  g_test_add ("/sync/push/after-quiet-syncs", Fixture, NULL, setup,
              test_push_after_quiet_syncs, teardown);
  g_test_add ("/sync/push/booked-first", Fixture, NULL, setup, test_push_booked_first,
              teardown);
  g_test_add ("/sync/push/refused", Fixture, NULL, setup, test_push_refused, teardown);
  g_test_add ("/sync/offline-then-back", Fixture, NULL, setup, test_offline_then_back,
              teardown);
  g_test_add ("/sync/malformed-then-back", Fixture, NULL, setup, test_malformed_then_back,
              teardown);
  g_test_add ("/sync/signed-out", Fixture, NULL, setup, test_signed_out, teardown);
  g_test_add ("/sync/sync-while-syncing", Fixture, NULL, setup, test_sync_while_syncing,
              teardown);
  g_test_add ("/sync/restart-while-stopping", Fixture, NULL, setup,
              test_restart_while_stopping, teardown);

  return g_test_run ();
}
