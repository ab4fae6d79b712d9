/* test-sync-client.c: backoff, ETags, server addresses, TLS, tokens, errors, conflict rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include "crn-backoff.h"
#include "crn-client.h"
#include "crn-conflict.h"
#include "sync-test-util.h"

/* ---------------------------------------------------------------------------------- */
/* Backoff                                                                             */

static void
test_backoff (void)
{
  CrnBackoff backoff;
  guint expected[] = { 100, 200, 400, 800, 1600, 3000, 3000, 3000 };

  crn_backoff_init (&backoff, 100, 3000);
  backoff.rand = g_rand_new_with_seed (42);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      guint ceiling = crn_backoff_peek_ceiling (&backoff);
      guint delay = crn_backoff_next_delay (&backoff);

      g_assert_cmpuint (ceiling, ==, expected[i]);
      g_assert_cmpuint (delay, >=, ceiling / 2);
      g_assert_cmpuint (delay, <=, ceiling);
    }
  crn_backoff_reset (&backoff);
  g_assert_cmpuint (crn_backoff_peek_ceiling (&backoff), ==, 100);

  /* Jitter: many draws at the same attempt are not all the same. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

    for (guint i = 0; i < 50; i++)
      {
        backoff.attempt = 5;
        g_hash_table_add (seen, GUINT_TO_POINTER (crn_backoff_next_delay (&backoff)));
      }
    g_assert_cmpuint (g_hash_table_size (seen), >, 10);
  }
  /* A huge attempt count neither overflows nor exceeds the cap. */
  backoff.attempt = 1000;
  g_assert_cmpuint (crn_backoff_peek_ceiling (&backoff), ==, 3000);
  crn_backoff_clear (&backoff);
}

static void
test_etag (void)
{
  g_autofree char *etag = crn_client_format_etag (17);

  g_assert_cmpstr (etag, ==, "W/\"17\"");
  g_assert_cmpint (crn_client_parse_etag (etag), ==, 17);
  g_assert_cmpint (crn_client_parse_etag ("\"3\""), ==, 3);
  g_assert_cmpint (crn_client_parse_etag ("W/\"abc\""), ==, 0);
  g_assert_cmpint (crn_client_parse_etag (NULL), ==, 0);
  g_assert_cmpint (crn_client_parse_etag ("W/\"99999999999999999999999\""), ==, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Addresses and TLS                                                                   */

static void
test_url (void)
{
  struct { const char *url; int code; } cases[] = {
    { "https://agenda.cpts.example", 0 },
    { "https://agenda.cpts.example/", 0 },
    { "http://127.0.0.1:8080", 0 },
    { "http://localhost:8080", 0 },
    { "http://[::1]:8080", 0 },
    { "http://agenda.cpts.example", CRN_SYNC_ERROR_INSECURE },
    { "http://192.168.1.10", CRN_SYNC_ERROR_INSECURE },
    { "ftp://agenda.cpts.example", CRN_SYNC_ERROR_INVALID_URL },
    { "agenda.cpts.example", CRN_SYNC_ERROR_INVALID_URL },
    { "https://user:pw@agenda.cpts.example", CRN_SYNC_ERROR_INVALID_URL },
    { "", CRN_SYNC_ERROR_INVALID_URL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnClient) client = crn_client_new (cases[i].url, NULL, &error);

      if (cases[i].code == 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (client);
          g_assert_false (g_str_has_suffix (crn_client_get_server_url (client), "/"));
        }
      else
        {
          g_assert_error (error, CRN_SYNC_ERROR, cases[i].code);
          g_assert_null (client);
          g_assert_cmpstr (error->message, !=, "");
        }
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CrnClient) client = crn_client_new ("https://agenda.cpts.example",
                                                  "/nonexistent/ca.pem", &error);

    g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE);
    g_assert_null (client);
  }
}

static CrnAccount *
sign_in (CrnClient   *client,
         const char  *password,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  crn_client_sign_in_async (client, TEST_LOGIN, password, NULL, sync_test_result_cb, &result);
  return crn_client_sign_in_finish (client, sync_test_wait (&result), error);
}

static CrnResponse *
request (CrnClient   *client,
         const char  *method,
         const char  *path,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  crn_client_request_async (client, method, path, NULL, NULL, NULL, NULL, sync_test_result_cb,
                            &result);
  return crn_client_request_finish (client, sync_test_wait (&result), error);
}

static void
test_untrusted_certificate (void)
{
  g_autoptr(SyncFake) fake = sync_fake_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnClient) client = crn_client_new (fake->url, NULL, &error);
  g_autoptr(CrnAccount) account = NULL;

  g_assert_no_error (error);
  /* The system's authorities do not know the test certificate: refused, nothing sent. */
  account = sign_in (client, TEST_PASSWORD, &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE);
  g_assert_null (account);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_cmpuint (fake->n_tokens, ==, 0);
}

static void
test_other_certificate (void)
{
  g_autoptr(SyncFake) fake = sync_fake_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnClient) client = crn_client_new (fake->url, g_getenv ("CRN_TEST_OTHER_CERT"),
                                                &error);
  g_autoptr(CrnAccount) account = NULL;

  g_assert_no_error (error);
  /* Trusting another authority (a changed certificate) is refused just the same. */
  account = sign_in (client, TEST_PASSWORD, &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE);
  g_assert_cmpuint (fake->n_tokens, ==, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Tokens                                                                              */

static void
on_token_changed_cb (CrnClient  *client,
                     const char *token,
                     gpointer    user_data)
{
  char **out = user_data;

  g_free (*out);
  *out = g_strdup (token);
}

static CrnClient *
trusted_client (SyncFake *fake)
{
  g_autoptr(GError) error = NULL;
  CrnClient *client = crn_client_new (fake->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);

  g_assert_no_error (error);
  return client;
}

static void
test_sign_in (void)
{
  g_autoptr(SyncFake) fake = sync_fake_new ();
  g_autoptr(CrnClient) client = trusted_client (fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(CrnResponse) response = NULL;
  g_autofree char *refresh = NULL;

  g_signal_connect (client, "refresh-token-changed", G_CALLBACK (on_token_changed_cb), &refresh);

  account = sign_in (client, "wrong-password", &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_BAD_LOGIN);
  g_assert_null (account);
  g_assert_false (crn_client_has_session (client));
  g_clear_error (&error);

  account = sign_in (client, TEST_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crn_account_get_username (account), ==, TEST_LOGIN);
  g_assert_cmpstr (crn_account_get_role (account), ==, "practitioner");
  g_assert_cmpstr (crn_account_get_practitioners (account)[0], ==, TEST_IDNPS);
  g_assert_null (crn_account_get_practitioners (account)[1]);
  g_assert_cmpstr (refresh, ==, fake->refresh);
  g_assert_true (crn_client_has_session (client));

  response = request (client, "GET", "/fhir/Slot?_count=10", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (fake->n_tokens, ==, 2);
  g_clear_pointer (&response, crn_response_free);
  g_assert_finalize_object (g_steal_pointer (&client));
}

static void
test_refresh_on_401 (void)
{
  g_autoptr(SyncFake) fake = sync_fake_new ();
  g_autoptr(CrnClient) client = trusted_client (fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnAccount) account = sign_in (client, TEST_PASSWORD, &error);
  g_autofree char *refresh = NULL;
  g_autofree char *first_refresh = g_strdup (fake->refresh);
  CrnResponse *response;

  g_assert_no_error (error);
  g_signal_connect (client, "refresh-token-changed", G_CALLBACK (on_token_changed_cb), &refresh);

  /* The server forgets the access token: 401, refresh, same request again. */
  fake->fail_401 = 1;
  response = request (client, "GET", "/fhir/Slot", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  crn_response_free (response);
  g_assert_cmpuint (fake->n_tokens, ==, 2);
  g_assert_cmpuint (sync_fake_count (fake, "GET /fhir/Slot"), ==, 2);
  /* The rotated refresh token was announced (to be kept in the keyring). */
  g_assert_cmpstr (refresh, ==, fake->refresh);
  g_assert_cmpstr (refresh, !=, first_refresh);

  /* An access token about to expire is refreshed before the request, not after a 401. */
  crn_client_expire_access_token (client);
  sync_fake_clear_log (fake);
  response = request (client, "GET", "/fhir/Slot", &error);
  g_assert_no_error (error);
  crn_response_free (response);
  g_assert_cmpuint (fake->log->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fake->log, 0), ==, "POST /oauth/token");
}

static void
test_revoked (void)
{
  g_autoptr(SyncFake) fake = sync_fake_new ();
  g_autoptr(CrnClient) client = trusted_client (fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnAccount) account = sign_in (client, TEST_PASSWORD, &error);
  CrnResponse *response;

  g_assert_no_error (error);
  /* The refresh token was revoked on the server (sign-out elsewhere, account disabled). */
  g_clear_pointer (&fake->refresh, g_free);
  fake->fail_401 = 1;
  response = request (client, "GET", "/fhir/Slot", &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT);
  g_assert_null (response);
  g_assert_false (crn_client_has_session (client));
  g_assert_false (crn_sync_error_is_transient (error));

  /* Without a session nothing is sent. */
  sync_fake_clear_log (fake);
  g_clear_error (&error);
  response = request (client, "GET", "/fhir/Slot", &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT);
  g_assert_cmpuint (fake->log->len, ==, 0);
}

/* The token answer is plain JSON, read with the FHIR layer's checks: a second object after
 * the first (json-glib 1.6.6 would keep the last, F1 in docs/FUZZING.md) or a broken
 * surrogate pair (on which it leaks, F10) is not an answer; the ASan run checks the leak. */
static void
test_token_answer_checked (void)
{
#define GOOD_ANSWER "{\"access_token\":\"access-9\",\"token_type\":\"Bearer\"," \
    "\"expires_in\":900,\"refresh_token\":\"refresh-9\",\"role\":\"practitioner\"," \
    "\"display_name\":\"Dr Test\",\"practitioner\":\"" TEST_IDNPS "\",\"acts_for\":[]}"
  static const char *bodies[] = {
    "{\"error\":\"x\"}" GOOD_ANSWER,
    GOOD_ANSWER "{\"error\":\"x\"}",
    "{\"access_token\":\"a\\uDer\\uDer\"}",
    "{\"access_token\":\"a\\uD800\\uD800\"}",
    "[1,2][1,2]",
  };
  g_autoptr(SyncFake) fake = sync_fake_new ();

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(CrnClient) client = trusted_client (fake);
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnAccount) account = NULL;

      g_test_message ("token answer %u", i);
      fake->token_body = bodies[i];
      account = sign_in (client, TEST_PASSWORD, &error);
      g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
      g_assert_null (account);
      g_assert_false (crn_client_has_session (client));
    }
  fake->token_body = NULL;
#undef GOOD_ANSWER
}

static void
test_server_errors (void)
{
  g_autoptr(SyncFake) fake = sync_fake_new ();
  g_autoptr(CrnClient) client = trusted_client (fake);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnAccount) account = sign_in (client, TEST_PASSWORD, &error);
  CrnResponse *response;

  g_assert_no_error (error);

  fake->fail_500 = 1;
  response = request (client, "GET", "/fhir/Slot", &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SERVER);
  g_assert_true (crn_sync_error_is_transient (error));
  g_assert_null (response);
  g_clear_error (&error);

  fake->fail_malformed = 1;
  response = request (client, "GET", "/fhir/Slot", &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
  g_assert_true (crn_sync_error_is_transient (error));
  g_clear_error (&error);

  /* A 4xx is an answer for the caller, with the OperationOutcome text. */
  response = request (client, "GET", "/fhir/Slot/unknown-slot", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 404);
  {
    g_autofree char *message = crn_response_dup_message (response);

    g_assert_cmpstr (message, ==, "No such slot.");
  }
  crn_response_free (response);

  /* A link to another server is not followed, nor to another port of this one. */
  response = request (client, "GET", "https://elsewhere.example/fhir/Slot", &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  {
    g_autofree char *other_port = g_strdup_printf ("%s1/fhir/Slot", fake->url);

    response = request (client, "GET", other_port, &error);
    g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
    g_clear_error (&error);
  }

  /* A slow server: the request gives up (the session timeout, 1 s here) and says so. */
  {
    g_autoptr(CrnClient) slow = trusted_client (fake);

    crn_client_set_timeout (slow, 1);
    crn_client_set_refresh_token (slow, fake->refresh);
    fake->delay_ms = 3000;
    response = request (slow, "GET", "/fhir/Slot", &error);
    g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_NETWORK);
    g_assert_true (crn_sync_error_is_transient (error));
    fake->delay_ms = 0;
    g_clear_error (&error);
    sync_test_spin (2500);
  }

  /* Nobody listening. */
  {
    g_autofree char *url = g_strdup (fake->url);
    g_autoptr(CrnClient) gone = NULL;

    soup_server_disconnect (fake->server);
    gone = crn_client_new (url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
    g_assert_no_error (error);
    crn_client_set_refresh_token (gone, "whatever");
    response = request (gone, "GET", "/fhir/Slot", &error);
    g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_NETWORK);
    g_assert_true (crn_sync_error_is_transient (error));
  }
}

/* ---------------------------------------------------------------------------------- */
/* Conflict rules                                                                      */

static gint64
paris_ms (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (crn_time_zone_paris (), year, month, day, hour,
                                             minute, 0);

  return g_date_time_to_unix (dt) * 1000;
}

static void
test_conflict_slot (void)
{
  CrnInstant start = sync_test_utc (2026, 12, 1, 15, 0);
  g_autoptr(CrnSlot) wanted = sync_test_slot ("s-1", start, 20);
  g_autoptr(CrnSlot) server = sync_test_slot ("s-1", start, 20);
  g_autofree char *message = NULL;
  CrnSlot *rebased = NULL;

  /* The reclaim: the slot leaves regulation. */
  wanted->visibility = CRN_VISIBILITY_NONE;
  wanted->version = 1;

  /* Regulation booked it at 14:02 (Paris) before the reclaim reached the server. */
  server->status = CRN_SLOT_STATUS_BUSY;
  server->version = 2;
  server->last_updated_ms = paris_ms (2026, 12, 1, 14, 2);
  g_assert_cmpint (crn_conflict_decide_slot (CRN_CHANGE_SLOT_RECLAIM, wanted, server, &rebased,
                                             &message), ==, CRN_CONFLICT_REFUSED);
  g_assert_null (rebased);
  g_assert_cmpstr (message, ==,
                   "Booked by regulation at 14:02 before your reclaim. The booking is kept.");
  g_clear_pointer (&message, g_free);

  /* Our own earlier attempt landed (lost answer): nothing to send again. */
  server->status = CRN_SLOT_STATUS_FREE;
  server->visibility = CRN_VISIBILITY_NONE;
  g_assert_cmpint (crn_conflict_decide_slot (CRN_CHANGE_SLOT_RECLAIM, wanted, server, &rebased,
                                             &message), ==, CRN_CONFLICT_DONE);

  /* Still free but edited elsewhere (modes): the user's fields on the new version. */
  server->visibility = CRN_VISIBILITY_SNP;
  server->modalities = CRN_MODALITY_AMB | CRN_MODALITY_VR;
  g_assert_cmpint (crn_conflict_decide_slot (CRN_CHANGE_SLOT_RECLAIM, wanted, server, &rebased,
                                             &message), ==, CRN_CONFLICT_RETRY);
  g_assert_nonnull (rebased);
  g_assert_cmpint (rebased->version, ==, 2);
  g_assert_cmpint (rebased->visibility, ==, CRN_VISIBILITY_NONE);
  crn_slot_free (rebased);

  /* Removed from the agenda meanwhile. */
  server->status = CRN_SLOT_STATUS_ENTERED_IN_ERROR;
  g_assert_cmpint (crn_conflict_decide_slot (CRN_CHANGE_SLOT_UPDATE, wanted, server, NULL,
                                             &message), ==, CRN_CONFLICT_REFUSED);
  g_assert_nonnull (message);
}

static CrnBooking *
booking (CrnAppointmentStatus   status,
         CrnParticipationStatus participation,
         gint64                 last_updated_ms)
{
  CrnBooking *b = crn_booking_new ();

  b->id = g_strdup ("7d1f2a3b-0000-4000-8000-000000000001");
  b->slot_id = g_strdup ("s-1");
  b->practitioner = g_strdup (TEST_IDNPS);
  b->patient.family = g_strdup ("Testeur");
  b->patient.given = g_strdup ("Camille");
  b->patient.birth_date = g_strdup ("1980-02-03");
  b->status = status;
  b->practitioner_status = participation;
  b->version = 3;
  b->last_updated_ms = last_updated_ms;
  return b;
}

static void
test_conflict_booking (void)
{
  gint64 t_1400 = paris_ms (2026, 12, 1, 14, 0);
  gint64 t_1410 = paris_ms (2026, 12, 1, 14, 10);
  gint64 t_1420 = paris_ms (2026, 12, 1, 14, 20);
  g_autofree char *message = NULL;
  CrnBooking *rebased = NULL;

  /* Confirmation vs cancellation that came first: the cancellation wins. */
  {
    g_autoptr(CrnBooking) wanted = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_ACCEPTED, 0);
    g_autoptr(CrnBooking) server = booking (CRN_APPOINTMENT_STATUS_CANCELLED,
                                            CRN_PARTICIPATION_NEEDS_ACTION, t_1400);

    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_ACCEPT, wanted, server,
                                                  t_1410, &rebased, &message),
                     ==, CRN_CONFLICT_REFUSED);
    g_assert_cmpstr (message, ==, "This booking was cancelled at 14:00, before your "
                                  "confirmation.");
    g_clear_pointer (&message, g_free);
  }
  /* Cancellation after a confirmation made elsewhere: applied on top. */
  {
    g_autoptr(CrnBooking) wanted = booking (CRN_APPOINTMENT_STATUS_CANCELLED,
                                            CRN_PARTICIPATION_ACCEPTED, 0);
    g_autoptr(CrnBooking) server = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_ACCEPTED, t_1400);

    server->version = 4;
    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_CANCEL, wanted, server,
                                                  t_1410, &rebased, &message),
                     ==, CRN_CONFLICT_RETRY);
    g_assert_cmpint (rebased->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
    g_assert_cmpint (rebased->version, ==, 4);
    g_clear_pointer (&rebased, crn_booking_free);
  }
  /* Outcome: the latest by time. The other machine said "seen" at 14:20, after our
   * "no-show" of 14:10: theirs is kept. */
  {
    g_autoptr(CrnBooking) wanted = booking (CRN_APPOINTMENT_STATUS_NOSHOW,
                                            CRN_PARTICIPATION_ACCEPTED, 0);
    g_autoptr(CrnBooking) server = booking (CRN_APPOINTMENT_STATUS_FULFILLED,
                                            CRN_PARTICIPATION_ACCEPTED, t_1420);

    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_OUTCOME, wanted, server,
                                                  t_1410, &rebased, &message),
                     ==, CRN_CONFLICT_REFUSED);
    g_assert_nonnull (strstr (message, "14:20"));
    g_clear_pointer (&message, g_free);
    /* …and ours wins when it is the later one. */
    server->last_updated_ms = t_1400;
    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_OUTCOME, wanted, server,
                                                  t_1410, &rebased, &message),
                     ==, CRN_CONFLICT_RETRY);
    g_assert_cmpint (rebased->status, ==, CRN_APPOINTMENT_STATUS_NOSHOW);
    g_clear_pointer (&rebased, crn_booking_free);
  }
  /* Two decisions on a request: the first one stays. */
  {
    g_autoptr(CrnBooking) wanted = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_ACCEPTED, 0);
    g_autoptr(CrnBooking) server = booking (CRN_APPOINTMENT_STATUS_PROPOSED,
                                            CRN_PARTICIPATION_DECLINED, t_1400);

    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_ACCEPT, wanted, server,
                                                  t_1410, NULL, &message),
                     ==, CRN_CONFLICT_REFUSED);
    g_assert_cmpstr (message, ==, "This booking was already declined at 14:00 on another "
                                  "computer.");
    g_clear_pointer (&message, g_free);
  }
  /* Same status already there (our lost answer): done. */
  {
    g_autoptr(CrnBooking) wanted = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_ACCEPTED, 0);
    g_autoptr(CrnBooking) server = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_ACCEPTED, t_1400);

    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_ACCEPT, wanted, server,
                                                  t_1410, NULL, NULL), ==, CRN_CONFLICT_DONE);
  }
  /* Patient details: merged on top of the server's status. */
  {
    g_autoptr(CrnBooking) wanted = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_NEEDS_ACTION, 0);
    g_autoptr(CrnBooking) server = booking (CRN_APPOINTMENT_STATUS_BOOKED,
                                            CRN_PARTICIPATION_ACCEPTED, t_1400);

    g_free (wanted->patient.phone);
    wanted->patient.phone = g_strdup ("0601020304");
    g_assert_cmpint (crn_conflict_decide_booking (CRN_CHANGE_BOOKING_EDIT, wanted, server,
                                                  t_1410, &rebased, NULL), ==,
                     CRN_CONFLICT_RETRY);
    g_assert_cmpstr (rebased->patient.phone, ==, "0601020304");
    g_assert_cmpint (rebased->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
    g_clear_pointer (&rebased, crn_booking_free);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/backoff", test_backoff);
  g_test_add_func ("/sync/etag", test_etag);
  g_test_add_func ("/sync/client/url", test_url);
  g_test_add_func ("/sync/client/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/sync/client/other-certificate", test_other_certificate);
  g_test_add_func ("/sync/client/sign-in", test_sign_in);
  g_test_add_func ("/sync/client/refresh", test_refresh_on_401);
  g_test_add_func ("/sync/client/revoked", test_revoked);
  g_test_add_func ("/sync/client/server-errors", test_server_errors);
  g_test_add_func ("/sync/client/token-answer-checked", test_token_answer_checked);
  g_test_add_func ("/sync/conflict/slot", test_conflict_slot);
  g_test_add_func ("/sync/conflict/booking", test_conflict_booking);

  return g_test_run ();
}
