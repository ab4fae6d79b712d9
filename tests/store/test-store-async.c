/* test-store-async.c: CrnStore from a main loop, as the app uses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "store-test-util.h"

#define T0 ((CrnInstant) 1772438400)   /* Monday 2 March 2026 08:00 UTC */

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* Spins the default main context until the callback has run. */
static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static CrnStore *
open_store (const char *path)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  CrnStore *store;

  crn_store_new_async (path, NULL, got_result, &result);
  /* Nothing happens before the main loop runs: the open is on the worker. */
  g_assert_null (result);
  store = crn_store_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (CRN_IS_STORE (store));
  g_object_unref (result);

  return store;
}

static void
test_async_roundtrip (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(CrnStore) store = open_store (fixture->path);
  g_autoptr(CrnSlot) slot = store_test_slot ("slot-a", TEST_IDNPS, T0, 20,
                                             CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);
  g_autoptr(CrnBooking) booking = store_test_booking ("booking-a", slot,
                                                      CRN_APPOINTMENT_STATUS_PROPOSED,
                                                      CRN_REFERRER_SAS, "Durand", "Léa",
                                                      "1988-04-02");
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(CrnBooking) got = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *r1 = NULL, *r2 = NULL, *r3 = NULL;
  const char *gps[] = { TEST_IDNPS, NULL };
  CrnFigures figures;
  guint applied = 0, count = 0;
  guint64 changes;

  g_assert_cmpstr (crn_store_get_path (store), ==, fixture->path);

  g_ptr_array_add (slots, crn_slot_copy (slot));
  g_ptr_array_add (bookings, crn_booking_copy (booking));

  /* Jobs run in the order they are asked for: the week query sees both upserts. */
  crn_store_upsert_slots_async (store, slots, NULL, got_result, &r1);
  crn_store_upsert_bookings_async (store, bookings, NULL, got_result, &r2);
  crn_store_week_async (store, gps, T0, T0 + 7 * 86400, NULL, got_result, &r3);
  /* The caller may free what it handed in at once: the store copied it. */
  g_ptr_array_set_size (slots, 0);
  g_ptr_array_set_size (bookings, 0);

  g_assert_true (crn_store_upsert_slots_finish (store, wait_for (&r1), &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 1);
  g_assert_true (crn_store_upsert_bookings_finish (store, wait_for (&r2), &applied, &error));
  g_assert_cmpuint (applied, ==, 1);
  week = crn_store_week_finish (store, wait_for (&r3), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (week->len, ==, 1);
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 0))->booking->patient.family, ==,
                   "Durand");
  g_clear_object (&r1);
  g_clear_object (&r2);
  g_clear_object (&r3);
  /* Two rows written; by the time their results are seen, the count says so. */
  changes = crn_store_get_change_count (store);
  g_assert_cmpuint (changes, >=, 2);

  /* Accept the booking: local change + outbox entry. */
  g_assert_true (crn_booking_apply (booking, CRN_BOOKING_ACTION_ACCEPT, NULL, &error));
  entry = crn_outbox_entry_new ("booking.accept", booking->id, booking->version, NULL);
  crn_store_save_booking_change_async (store, booking, entry, NULL, got_result, &r1);
  g_assert_true (crn_store_save_booking_change_finish (store, wait_for (&r1), &error));
  g_assert_no_error (error);
  g_clear_object (&r1);
  g_assert_cmpuint (crn_store_get_change_count (store), >=, changes + 2);
  changes = crn_store_get_change_count (store);

  crn_store_get_booking_async (store, "booking-a", NULL, got_result, &r1);
  got = crn_store_get_booking_finish (store, wait_for (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);
  g_clear_object (&r1);

  crn_store_outbox_list_async (store, CRN_OUTBOX_PENDING, 0, NULL, got_result, &r1);
  list = crn_store_outbox_list_finish (store, wait_for (&r1), &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 0))->uuid, ==, entry->uuid);
  g_clear_object (&r1);
  /* Reads leave it. */
  g_assert_cmpuint (crn_store_get_change_count (store), ==, changes);

  crn_store_outbox_mark_async (store, entry->uuid, CRN_OUTBOX_DONE, NULL, NULL, got_result, &r1);
  g_assert_true (crn_store_outbox_mark_finish (store, wait_for (&r1), &error));
  g_clear_object (&r1);
  crn_store_outbox_count_async (store, CRN_OUTBOX_PENDING, NULL, got_result, &r1);
  g_assert_true (crn_store_outbox_count_finish (store, wait_for (&r1), &count, &error));
  g_assert_cmpuint (count, ==, 0);
  g_clear_object (&r1);

  crn_store_figures_async (store, NULL, T0, T0 + 86400, NULL, got_result, &r1);
  g_assert_true (crn_store_figures_finish (store, wait_for (&r1), &figures, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (figures.offered, ==, 1);
  g_assert_cmpuint (figures.booked, ==, 1);
  g_assert_cmpuint (figures.booked_by_referrer[CRN_REFERRER_SAS], ==, 1);
  g_clear_object (&r1);

  /* A missing row is a clear error through the task. */
  crn_store_get_slot_async (store, "nope", NULL, got_result, &r1);
  g_assert_null (crn_store_get_slot_finish (store, wait_for (&r1), &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&r1);
}

static void
test_async_more (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(CrnStore) store = open_store (fixture->path);
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  g_autoptr(CrnPolicy) got_policy = NULL;
  g_autoptr(CrnSyncState) state = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  CrnSyncState set = { (char *) "Slot", 1772000000000, NULL, 0 };
  const char *gps[] = { TEST_IDNPS, NULL };
  CrnStoreAccount account = { (char *) "acc-1", (char *) "https://cpts.example.org",
                              (char *) "dr.martin", (char *) "practitioner", (char **) gps };
  GAsyncResult *r = NULL;
  gboolean applied = FALSE;
  gint64 version = 0;
  GDate month;

  crn_store_set_policy_async (store, policy, 3, NULL, got_result, &r);
  g_assert_true (crn_store_set_policy_finish (store, wait_for (&r), &applied, &error));
  g_assert_true (applied);
  g_clear_object (&r);
  crn_store_get_policy_async (store, NULL, got_result, &r);
  got_policy = crn_store_get_policy_finish (store, wait_for (&r), &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 3);
  g_assert_cmpuint (got_policy->reclaim_minutes, ==, policy->reclaim_minutes);
  g_clear_object (&r);

  crn_store_set_sync_state_async (store, &set, NULL, got_result, &r);
  g_assert_true (crn_store_set_sync_state_finish (store, wait_for (&r), &error));
  g_clear_object (&r);
  crn_store_get_sync_state_async (store, "Slot", NULL, got_result, &r);
  state = crn_store_get_sync_state_finish (store, wait_for (&r), &error);
  g_assert_cmpint (state->watermark_ms, ==, 1772000000000);
  g_clear_object (&r);

  crn_store_save_account_async (store, &account, NULL, got_result, &r);
  g_assert_true (crn_store_save_account_finish (store, wait_for (&r), &error));
  g_clear_object (&r);
  crn_store_list_accounts_async (store, NULL, got_result, &r);
  list = crn_store_list_accounts_finish (store, wait_for (&r), &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_object (&r);

  crn_store_list_inbox_async (store, CRN_STORE_INBOX_TO_CONFIRM, T0, NULL, got_result, &r);
  list = crn_store_list_inbox_finish (store, wait_for (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_object (&r);

  g_date_set_dmy (&month, 1, G_DATE_MARCH, 2026);
  crn_store_noshows_per_month_async (store, NULL, &month, 12, NULL, got_result, &r);
  counts = crn_store_noshows_per_month_finish (store, wait_for (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 12);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 11).month, ==, 2);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 11).year, ==, 2027);
  g_clear_object (&r);
}

static void
test_async_cancelled (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(CrnStore) store = open_store (fixture->path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *r = NULL;

  g_cancellable_cancel (cancellable);
  crn_store_list_practitioners_async (store, cancellable, got_result, &r);
  g_assert_null (crn_store_list_practitioners_finish (store, wait_for (&r), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&r);
}

static void
test_async_bad_file (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  GAsyncResult *r = NULL;
  CrnStore *store;

  store_test_raw_exec (fixture->path, "CREATE TABLE not_ours (x);");

  crn_store_new_async (fixture->path, NULL, got_result, &r);
  store = crn_store_new_finish (wait_for (&r), &error);
  g_assert_null (store);
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FOREIGN);
  g_clear_object (&r);
  g_clear_error (&error);

  /* The user chose to start fresh. */
  g_assert_true (crn_store_move_aside (fixture->path, &moved, &error));
  g_assert_no_error (error);
  store = open_store (fixture->path);
  g_object_unref (store);
}

/* Dropping the last reference closes the file on the worker: SQLite then checkpoints and
 * removes the WAL, and the file can be opened again at once. */
static void
test_async_close (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GError) error = NULL;
  GAsyncResult *r = NULL;
  CrnStore *store = open_store (fixture->path);

  g_ptr_array_add (slots, store_test_slot ("slot-a", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP));
  crn_store_upsert_slots_async (store, slots, NULL, got_result, &r);
  g_assert_true (crn_store_upsert_slots_finish (store, wait_for (&r), NULL, &error));
  g_clear_object (&r);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_object_unref (store);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  store = open_store (fixture->path);
  crn_store_get_slot_async (store, "slot-a", NULL, got_result, &r);
  {
    g_autoptr(CrnSlot) slot = crn_store_get_slot_finish (store, wait_for (&r), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (slot->practitioner, ==, TEST_IDNPS);
  }
  g_clear_object (&r);
  g_object_unref (store);
}

/* A store that was never opened fails every call through its task, with no thread. */
static void
test_async_not_opened (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CrnStore) store = g_object_new (CRN_TYPE_STORE, NULL);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "creneaux",
                                                "creneaux.db", NULL);
  g_autofree char *default_path = crn_store_get_default_path ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *r = NULL;

  g_assert_cmpstr (default_path, ==, expected);
  g_assert_cmpstr (crn_store_get_path (store), ==, expected);

  crn_store_list_places_async (store, NULL, got_result, &r);
  g_assert_null (crn_store_list_places_finish (store, wait_for (&r), &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_CLOSED);
  g_clear_object (&r);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, StoreFixture, NULL, store_fixture_setup, func, store_fixture_teardown)

  ADD ("/store/async/roundtrip", test_async_roundtrip);
  ADD ("/store/async/policy-sync-accounts-inbox", test_async_more);
  ADD ("/store/async/cancelled", test_async_cancelled);
  ADD ("/store/async/bad-file", test_async_bad_file);
  ADD ("/store/async/close", test_async_close);
  ADD ("/store/async/not-opened", test_async_not_opened);

#undef ADD

  return g_test_run ();
}
