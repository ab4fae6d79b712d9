/* sync-helper.c: an "app" process for the crash tests. It saves a booking locally, prints
 * SAVED, then pushes it (through the test's proxy) and waits to be killed.
 *
 *   sync-helper STORE SERVER_URL CA_FILE SLOT_ID FAMILY
 *
 * With --pull it pulls with pages of 5, printing PAGE after each page stored (and DONE at
 * the end), and waits to be killed:
 *
 *   sync-helper --pull STORE SERVER_URL CA_FILE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncHelper"

#include "config.h"

#include <stdio.h>

#include "crn-secret-store.h"
#include "crn-sync.h"
#include "sync-test-util.h"

static gboolean token_saved;

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!crn_secret_store_save_finish (result, &error))
    g_error ("keyring: %s", error->message);
  token_saved = TRUE;
}

static void
on_token_cb (CrnClient  *client,
             const char *token,
             gpointer    user_data)
{
  CrnAccount *account = user_data;

  crn_secret_store_save_async (crn_account_get_server_url (account),
                               crn_account_get_username (account), token, NULL, on_saved_cb,
                               NULL);
}

static void
on_store_changed_cb (CrnSync    *sync,
                     const char *resource_type,
                     guint       n_applied,
                     gpointer    user_data)
{
  printf ("PAGE %s %u\n", resource_type, n_applied);
  fflush (stdout);
}

static void
on_pulled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  crn_sync_sync_finish (CRN_SYNC (source), result, NULL);
  printf ("DONE\n");
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(CrnClient) client = NULL;
  g_autoptr(CrnSync) sync = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(CrnResponse) response = NULL;
  char *secret;
  gboolean pull = argc == 5 && g_str_equal (argv[1], "--pull");

  if (pull)
    {
      argv++;
      argc = 6;
    }
  if (argc != 6)
    {
      fprintf (stderr, "usage: sync-helper STORE SERVER_URL CA_FILE SLOT_ID FAMILY\n");
      return 2;
    }

  store = sync_test_open_store (argv[1]);
  crn_store_list_accounts_async (store, NULL, sync_test_result_cb, &result);
  accounts = crn_store_list_accounts_finish (store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_clear_object (&result);
  account = crn_account_new_from_store (g_ptr_array_index (accounts, 0));

  crn_secret_store_lookup_async (crn_account_get_server_url (account),
                                 crn_account_get_username (account), NULL, sync_test_result_cb,
                                 &result);
  secret = crn_secret_store_lookup_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (secret);
  g_clear_object (&result);

  client = crn_client_new (argv[2], argv[3], &error);
  g_assert_no_error (error);
  crn_client_set_refresh_token (client, secret);
  secret_password_free (secret);

  /* Renew the session first and wait until the keyring has the new refresh token, so that
   * killing this process later cannot lose the session. */
  g_signal_connect (client, "refresh-token-changed", G_CALLBACK (on_token_cb), account);
  crn_client_request_async (client, "GET", "/fhir/metadata", NULL, NULL, NULL, NULL,
                            sync_test_result_cb, &result);
  response = crn_client_request_finish (client, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  sync_test_wait_flag (&token_saved, 30000);
  g_signal_handlers_disconnect_by_data (client, account);

  if (pull)
    {
      sync = crn_sync_new (store, client, account);
      crn_sync_set_page_size (sync, 5);
      g_signal_connect (sync, "store-changed", G_CALLBACK (on_store_changed_cb), NULL);
      crn_sync_sync_async (sync, NULL, on_pulled_cb, NULL);
      for (;;)
        g_main_context_iteration (NULL, TRUE);
    }

  crn_store_get_slot_async (store, argv[4], NULL, sync_test_result_cb, &result);
  slot = crn_store_get_slot_finish (store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  booking = crn_booking_new ();
  booking->id = crn_uuid_new ();
  booking->slot_id = g_strdup (slot->id);
  booking->practitioner = g_strdup (slot->practitioner);
  booking->start = slot->start;
  booking->end = slot->end;
  booking->patient.family = g_strdup (argv[5]);
  booking->patient.given = g_strdup ("Dominique");
  booking->patient.birth_date = g_strdup ("1975-06-15");
  booking->patient.phone = g_strdup ("0612345678");
  booking->referrer = CRN_REFERRER_OWN_PATIENT;
  booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
  booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
  booking->created_at = crn_time_now ();
  entry = crn_change_new_booking (CRN_CHANGE_BOOKING_CREATE, booking);
  crn_store_save_booking_change_async (store, booking, entry, NULL, sync_test_result_cb,
                                       &result);
  crn_store_save_booking_change_finish (store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  printf ("SAVED %s\n", booking->id);
  fflush (stdout);

  sync = crn_sync_new (store, client, account);
  crn_sync_sync_async (sync, NULL, sync_test_result_cb, &result);
  /* The test kills this process while the push is in flight. */
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
