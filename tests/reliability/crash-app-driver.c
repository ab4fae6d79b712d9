/* crash-app-driver.c: an "app" for the app-side crash test: the store and sync layers the
 * app uses (no GTK), saving changes and syncing without pause until it is killed
 *
 *   crash-app-driver STORE SERVER_URL CA_FILE LOGIN PASSWORD MODE
 *
 * MODE "sign-in": sign in with the password, then work; "resume": resume the session the
 * keyring holds, then work; "finish": resume, sync until the outbox is empty, print DONE and
 * exit. Working = saving, one after another, extra-patient bookings (each with its own UUID
 * in the reason) and printing "SAVED <uuid>" once each is saved, while syncs run back to back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "crn-sync.h"
#include "sync-test-util.h"

#define GP_A "899700100011"

static CrnStore *store;
static CrnSync *sync_;
static gboolean syncing;
static char *last_error;     /* of the last sync, NULL when it succeeded */
static gboolean signed_out;  /* the last sync found the session ended */
static char **args;

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&last_error, g_free);
  if (!crn_sync_sync_finish (CRN_SYNC (source), result, &error))
    last_error = g_strdup (error->message);
  signed_out = g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT);
  syncing = FALSE;
}

/* What the app asks of the user when the session ended: sign in again with the password.
 * A kill between the server's rotation of the refresh token and the keyring's copy of the
 * new one leaves the keyring with a token the server no longer takes. */
static void
sign_in_again (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&sync_);
  crn_sync_sign_in_async (store, args[2], args[3], args[4], args[5], NULL,
                          sync_test_result_cb, &result);
  sync_ = crn_sync_sign_in_finish (sync_test_wait (&result), &error);
  if (sync_ == NULL)
    g_error ("signing in again: %s", error->message);
  crn_sync_set_retry_delays (sync_, 10, 100);
  signed_out = FALSE;
  printf ("SIGNED-IN-AGAIN\n");
  fflush (stdout);
}

static void
start_sync (void)
{
  if (syncing)
    return;
  syncing = TRUE;
  crn_sync_sync_async (sync_, NULL, sync_done_cb, NULL);
}

static guint
unsent (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint pending = 0, sent = 0;

  crn_store_outbox_count_async (store, CRN_OUTBOX_PENDING, NULL, sync_test_result_cb, &result);
  g_assert_true (crn_store_outbox_count_finish (store, sync_test_wait (&result), &pending, NULL));
  g_clear_object (&result);
  crn_store_outbox_count_async (store, CRN_OUTBOX_SENT, NULL, sync_test_result_cb, &result);
  g_assert_true (crn_store_outbox_count_finish (store, sync_test_wait (&result), &sent, NULL));
  return pending + sent;
}

static void
save_one (guint n)
{
  g_autoptr(CrnBooking) booking = crn_booking_new ();
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnInstant now = crn_time_now ();

  g_free (booking->id);
  booking->id = crn_uuid_new ();
  booking->slot_id = NULL;            /* an extra patient: no slot */
  booking->extra = TRUE;
  booking->practitioner = g_strdup (GP_A);
  booking->start = (now / 300 + 24 + n % 50) * 300;
  booking->end = booking->start + 15 * 60;
  booking->patient.family = g_strdup ("TESTEUR");
  booking->patient.given = g_strdup ("Camille");
  booking->patient.birth_date = g_strdup ("1980-02-03");
  booking->patient.phone = g_strdup ("0612345678");
  booking->reason = g_strdup_printf ("crash %s", booking->id);
  booking->referrer = CRN_REFERRER_OWN_PATIENT;
  booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
  booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
  booking->created_at = now;
  entry = crn_change_new_booking ("booking.create", booking);
  crn_store_save_booking_change_async (store, booking, entry, NULL, sync_test_result_cb,
                                       &result);
  if (!crn_store_save_booking_change_finish (store, sync_test_wait (&result), &error))
    g_error ("save: %s", error->message);
  printf ("SAVED %s\n", booking->id);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *mode;

  if (argc != 7)
    {
      fprintf (stderr, "usage: crash-app-driver STORE SERVER_URL CA LOGIN PASSWORD MODE\n");
      return 2;
    }
  mode = argv[6];
  args = argv;
  store = sync_test_open_store (argv[1]);
  if (g_str_equal (mode, "sign-in"))
    {
      crn_sync_sign_in_async (store, argv[2], argv[3], argv[4], argv[5], NULL,
                              sync_test_result_cb, &result);
      sync_ = crn_sync_sign_in_finish (sync_test_wait (&result), &error);
    }
  else
    {
      g_autoptr(GPtrArray) accounts = NULL;
      g_autoptr(CrnAccount) account = NULL;

      crn_store_list_accounts_async (store, NULL, sync_test_result_cb, &result);
      accounts = crn_store_list_accounts_finish (store, sync_test_wait (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (accounts->len, ==, 1);
      g_clear_object (&result);
      account = crn_account_new_from_store (g_ptr_array_index (accounts, 0));
      crn_sync_resume_async (store, account, argv[3], NULL, sync_test_result_cb, &result);
      sync_ = crn_sync_resume_finish (sync_test_wait (&result), &error);
    }
  if (sync_ == NULL)
    g_error ("session: %s", error->message);
  crn_sync_set_retry_delays (sync_, 10, 100);

  if (g_str_equal (mode, "finish"))
    {
      for (guint i = 0; i < 50 && (i < 2 || unsent () > 0); i++)
        {
          if (signed_out)
            sign_in_again ();
          start_sync ();
          while (syncing)
            g_main_context_iteration (NULL, TRUE);
        }
      if (last_error != NULL)
        fprintf (stderr, "crash-app-driver: the last sync failed: %s\n", last_error);
      printf ("DONE %u\n", unsent ());
      fflush (stdout);
      g_clear_object (&sync_);
      g_clear_object (&store);
      sync_test_spin (50);
      return 0;
    }

  printf ("READY\n");
  fflush (stdout);
  for (guint n = 0;; n++)
    {
      if (signed_out && !syncing)
        sign_in_again ();
      save_one (n);
      start_sync ();
      for (guint k = g_random_int_range (0, 30); k > 0; k--)
        g_main_context_iteration (NULL, FALSE);
    }
  return 0;
}
