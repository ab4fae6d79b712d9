/* test-sync-conflicts.c: the same booking changed on two computers (the GP's and the
 * secretary's: two accounts, two stores, two CrnSync) against the real creneaux-server, one
 * test per rule of docs/ARCHITECTURE.md ("Bookings (GP and secretary editing the same
 * booking on two machines)"), and the stale If-Match (412) path
 *
 * Each test makes the second computer's change on a copy it pulled before the first
 * computer's change reached the server, so the server answers 412 and the rule decides.
 * Times of the user's changes are set on the outbox entry (created_ms) relative to the
 * server's lastUpdated, so "later" and "earlier" are exact, not a matter of timing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include <string.h>

#include "crn-conflict.h"
#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync.h"
#include "sync-test-server.h"
#include "sync-test-util.h"

#define GP_LOGIN    "dr.morel"
#define GP_IDNPS    "899700100011"
#define SEC_LOGIN   "secretariat.tilleuls"
#define REG_LOGIN   "regulation.sas41"

typedef struct
{
  const char *login;
  char       *path;
  CrnStore   *store;
  CrnSync    *sync;
  GPtrArray  *refused;   /* the messages of change-refused */
} App;

/* One server for the whole run (each test books its own slot): starting one per test would
 * make the suite slow. */
static SyncServer *the_server;
static GHashTable *used_slots;   /* slot ids an earlier test booked */

typedef struct
{
  SyncServer *server;
  char       *dir;
  App         gp;
  App         sec;
} Fixture;

static void
on_refused_cb (CrnSync    *sync,
               const char *uuid,
               const char *kind,
               const char *target_id,
               const char *message,
               gpointer    user_data)
{
  App *app = user_data;

  g_ptr_array_add (app->refused, g_strdup (message));
}

static void
sync_ok (App *app)
{
  g_autoptr(GError) error = sync_test_run (app->sync);

  g_assert_no_error (error);
}

static void
app_open (Fixture    *f,
          App        *app,
          const char *login)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  app->login = login;
  app->path = g_strdup_printf ("%s/%s.db", f->dir, login);
  app->store = sync_test_open_store (app->path);
  app->refused = g_ptr_array_new_with_free_func (g_free);
  crn_sync_sign_in_async (app->store, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), login,
                          sync_server_password (f->server, login), NULL, sync_test_result_cb,
                          &result);
  app->sync = crn_sync_sign_in_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_signal_connect (app->sync, "change-refused", G_CALLBACK (on_refused_cb), app);
  crn_sync_set_page_size (app->sync, 200);
}

static void
app_close (App *app)
{
  g_clear_object (&app->sync);
  g_clear_object (&app->store);
  g_clear_pointer (&app->refused, g_ptr_array_unref);
  g_clear_pointer (&app->path, g_free);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->server = the_server;
  f->dir = sync_test_tmpdir ();
  sync_server_set_policy (the_server, GPOINTER_TO_INT (data));
  app_open (f, &f->gp, GP_LOGIN);
  app_open (f, &f->sec, SEC_LOGIN);
  sync_ok (&f->gp);
  sync_ok (&f->sec);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  sync_test_clear_keyring (f->server->url, GP_LOGIN);
  sync_test_clear_keyring (f->server->url, SEC_LOGIN);
  app_close (&f->gp);
  app_close (&f->sec);
  sync_test_spin (20);
  sync_test_rmrf (f->dir);
  g_free (f->dir);
}

/* The booking holding @slot_id in @app's store (a copy), or NULL. */
static CrnBooking *
booking_on (App        *app,
            const char *slot_id)
{
  return sync_test_week_booking (app->store, GP_IDNPS, slot_id);
}

/* The server's copy, read as the GP. */
static CrnBooking *
server_booking (Fixture    *f,
                const char *id)
{
  g_autoptr(CrnClient) gp = sync_server_client (f->server, GP_LOGIN);
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", id);
  g_autoptr(CrnResponse) response = sync_server_request (gp, "GET", path, NULL, NULL);
  g_auto(CrnFhirAppointmentInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  CrnBooking *booking;

  g_assert_cmpuint (response->status, ==, 200);
  booking = crn_fhir_appointment_parse (response->body, &info, &error);
  g_assert_no_error (error);
  return booking;
}

static gint64
server_version (Fixture    *f,
                const char *id)
{
  g_autoptr(CrnBooking) booking = server_booking (f, id);

  return booking->version;
}

/* Regulation books a free regulation slot of the GP; both computers pull it. Returns the
 * booking as the GP's store holds it. */
static CrnBooking *
regulation_booking (Fixture *f)
{
  const char *gps[] = { GP_IDNPS, NULL };
  CrnInstant now = crn_time_now ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(CrnClient) regulator = sync_server_client (f->server, REG_LOGIN);
  g_autoptr(CrnBooking) booking = crn_booking_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(CrnResponse) response = NULL;
  g_autoptr(CrnBooking) held = NULL;
  const CrnSlot *slot = NULL;

  crn_store_week_async (f->gp.store, gps, now, now + 2 * 86400, NULL, sync_test_result_cb,
                        &result);
  week = crn_store_week_finish (f->gp.store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < week->len && slot == NULL; i++)
    {
      CrnWeekEntry *entry = g_ptr_array_index (week, i);

      if (entry->booking == NULL && entry->slot->status == CRN_SLOT_STATUS_FREE &&
          (entry->slot->visibility & CRN_VISIBILITY_SNP) &&
          entry->slot->start > now + 3 * 3600 && entry->slot->start < now + 46 * 3600 &&
          !g_hash_table_contains (used_slots, entry->slot->id))
        slot = entry->slot;
    }
  /* Regulation books within the next 48 hours only. */
  if (slot == NULL)
    g_error ("No free regulation slot left in the next 48 hours of the demo agenda");
  g_hash_table_add (used_slots, g_strdup (slot->id));

  booking->id = crn_uuid_new ();
  booking->slot_id = g_strdup (slot->id);
  booking->practitioner = g_strdup (slot->practitioner);
  booking->start = slot->start;
  booking->end = slot->end;
  booking->patient.family = g_strdup ("Conflitest");
  booking->patient.given = g_strdup ("Camille");
  booking->patient.birth_date = g_strdup ("1980-02-29");
  booking->patient.phone = g_strdup ("0611223344");
  booking->reason = g_strdup ("Fièvre");
  booking->referrer = CRN_REFERRER_SAS;
  booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
  booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
  booking->created_at = now;
  body = crn_change_build_booking (booking, f->server->url);
  response = sync_server_request (regulator, "POST", "/fhir/Appointment", NULL, body);
  if (response->status != 201)
    {
      g_autofree char *message = crn_response_dup_message (response);

      g_error ("Regulation could not book: %u %s", response->status, message);
    }
  sync_ok (&f->gp);
  sync_ok (&f->sec);
  held = booking_on (&f->gp, booking->slot_id);
  g_assert_nonnull (held);
  return g_steal_pointer (&held);
}

/* @app changes its copy of booking @id with @action, as the user would, and the outbox
 * entry says the user made it at @made_ms (0: now). Not sent yet. */
static void
change (App              *app,
        const char       *id,
        const char       *kind,
        CrnBookingAction  action,
        gint64            made_ms)
{
  g_autoptr(CrnBooking) booking = sync_test_stored_booking (app->store, id);
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (crn_booking_apply (booking, action, "Motif de test", &error));
  g_assert_no_error (error);
  entry = crn_change_new_booking (kind, booking);
  if (made_ms != 0)
    entry->created_ms = made_ms;
  crn_store_save_booking_change_async (app->store, booking, entry, NULL, sync_test_result_cb,
                                       &result);
  crn_store_save_booking_change_finish (app->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
}

static void
assert_refused (App        *app,
                const char *words)
{
  g_assert_cmpuint (app->refused->len, ==, 1);
  if (strstr (g_ptr_array_index (app->refused, 0), words) == NULL)
    g_error ("%s was told “%s”, expected a sentence with “%s”", app->login,
             (char *) g_ptr_array_index (app->refused, 0), words);
  g_assert_cmpuint (sync_test_outbox_count (app->store, CRN_OUTBOX_FAILED), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (app->store, CRN_OUTBOX_PENDING), ==, 0);
}

static void
assert_applied (App *app)
{
  if (app->refused->len > 0)
    g_error ("%s was refused: %s", app->login, (char *) g_ptr_array_index (app->refused, 0));
  g_assert_cmpuint (sync_test_outbox_count (app->store, CRN_OUTBOX_FAILED), ==, 0);
  g_assert_cmpuint (sync_test_outbox_count (app->store, CRN_OUTBOX_PENDING), ==, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Confirm / decline: the first decision wins                                          */

static void
test_first_decision_wins (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) sec = NULL;
  gint64 version;

  g_assert_true (crn_booking_needs_confirmation (booking));
  /* The GP confirms; the secretary, who has not pulled since, declines. */
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_ACCEPT, CRN_BOOKING_ACTION_ACCEPT, 0);
  sync_ok (&f->gp);
  assert_applied (&f->gp);
  version = server_version (f, booking->id);
  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_DECLINE, CRN_BOOKING_ACTION_DECLINE, 0);
  sync_ok (&f->sec);

  assert_refused (&f->sec, "already confirmed");
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
  g_assert_cmpint (server->version, ==, version);   /* the decline never landed */
  /* the secretary sees the confirmation */
  sec = sync_test_stored_booking (f->sec.store, booking->id);
  g_assert_cmpint (sec->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
  g_assert_cmpint (sec->version, ==, version);
}

/* The same decision on both computers is no conflict: the second is "already there". */
static void
test_same_decision (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  gint64 version;

  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_ACCEPT, CRN_BOOKING_ACTION_ACCEPT, 0);
  sync_ok (&f->gp);
  version = server_version (f, booking->id);
  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_ACCEPT, CRN_BOOKING_ACTION_ACCEPT, 0);
  sync_ok (&f->sec);
  assert_applied (&f->sec);
  g_assert_cmpuint (sync_test_outbox_count (f->sec.store, CRN_OUTBOX_DONE), ==, 1);
  g_assert_cmpint (server_version (f, booking->id), ==, version);   /* not sent */
}

/* A cancellation that came first wins over a confirmation. */
static void
test_cancel_before_confirm (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) gp = NULL;

  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_CANCEL, CRN_BOOKING_ACTION_CANCEL, 0);
  sync_ok (&f->sec);
  assert_applied (&f->sec);
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_ACCEPT, CRN_BOOKING_ACTION_ACCEPT, 0);
  sync_ok (&f->gp);

  assert_refused (&f->gp, "before your confirmation");
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpint (server->practitioner_status, !=, CRN_PARTICIPATION_ACCEPTED);
  gp = sync_test_stored_booking (f->gp.store, booking->id);
  g_assert_cmpint (gp->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
}

/* ---------------------------------------------------------------------------------- */
/* Cancel                                                                              */

/* A cancellation is applied on top of a confirmation made elsewhere. */
static void
test_cancel_after_confirm (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) gp = NULL;
  gint64 version;

  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_ACCEPT, CRN_BOOKING_ACTION_ACCEPT, 0);
  sync_ok (&f->gp);
  version = server_version (f, booking->id);
  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_CANCEL, CRN_BOOKING_ACTION_CANCEL, 0);
  sync_ok (&f->sec);

  assert_applied (&f->sec);
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpint (server->version, ==, version + 1);   /* re-applied once */
  sync_ok (&f->gp);
  gp = sync_test_stored_booking (f->gp.store, booking->id);
  g_assert_cmpint (gp->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
}

/* An outcome recorded elsewhere after our cancellation was made is kept. */
static void
test_cancel_loses_to_later_outcome (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) sec = NULL;
  gint64 made = g_get_real_time () / 1000 - 60000;   /* a minute ago, offline */

  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_CANCEL, CRN_BOOKING_ACTION_CANCEL, made);
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_SEEN, 0);
  sync_ok (&f->gp);
  assert_applied (&f->gp);
  sync_ok (&f->sec);

  assert_refused (&f->sec, "after your change");
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
  sec = sync_test_stored_booking (f->sec.store, booking->id);
  g_assert_cmpint (sec->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
}

/* ---------------------------------------------------------------------------------- */
/* Outcome: the latest by time                                                         */

static void
test_outcome_server_later (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) gp = NULL;
  gint64 made = g_get_real_time () / 1000 - 60000;

  /* The GP marked "seen" a minute ago, offline; the secretary marks "no-show" now and
   * sends it first: hers is later, it is kept. */
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_SEEN, made);
  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_NOSHOW, 0);
  sync_ok (&f->sec);
  assert_applied (&f->sec);
  sync_ok (&f->gp);

  assert_refused (&f->gp, "after your change");
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_NOSHOW);
  gp = sync_test_stored_booking (f->gp.store, booking->id);
  g_assert_cmpint (gp->status, ==, CRN_APPOINTMENT_STATUS_NOSHOW);
}

static void
test_outcome_ours_later (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) first = NULL;
  g_autoptr(CrnBooking) sec = NULL;

  /* The secretary's "no-show" reaches the server first; the GP, who has not pulled it,
   * marks "seen" after it (a minute after the server's time): the GP's is re-applied. */
  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_NOSHOW, 0);
  sync_ok (&f->sec);
  first = server_booking (f, booking->id);
  g_assert_cmpint (first->status, ==, CRN_APPOINTMENT_STATUS_NOSHOW);
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_SEEN,
          first->last_updated_ms + 60000);
  sync_ok (&f->gp);

  assert_applied (&f->gp);
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
  g_assert_cmpint (server->version, ==, first->version + 1);
  sync_ok (&f->sec);
  sec = sync_test_stored_booking (f->sec.store, booking->id);
  g_assert_cmpint (sec->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
}

/* ---------------------------------------------------------------------------------- */
/* Patient details: merged                                                             */

static void
test_patient_merged (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) edited = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) server = NULL;

  /* The GP marks the patient arrived; the secretary, on the copy before it, corrects the
   * phone number: both are on the server. */
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_ARRIVE, 0);
  sync_ok (&f->gp);
  assert_applied (&f->gp);
  edited = sync_test_stored_booking (f->sec.store, booking->id);
  g_free (edited->patient.phone);
  edited->patient.phone = g_strdup ("0699887766");
  entry = crn_change_new_booking (CRN_CHANGE_BOOKING_EDIT, edited);
  crn_store_save_booking_change_async (f->sec.store, edited, entry, NULL, sync_test_result_cb,
                                       &result);
  crn_store_save_booking_change_finish (f->sec.store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  sync_ok (&f->sec);

  assert_applied (&f->sec);
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_ARRIVED);
  g_assert_cmpstr (server->patient.phone, ==, "+33699887766");
  g_assert_cmpstr (server->patient.family, ==, "Conflitest");
}

/* ---------------------------------------------------------------------------------- */
/* The stale If-Match (412), on its own                                                */

static void
test_stale_if_match (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CrnBooking) booking = regulation_booking (f);
  g_autoptr(CrnBooking) first = NULL;
  g_autoptr(CrnBooking) server = NULL;
  g_autoptr(CrnBooking) gp = NULL;
  g_autoptr(CrnBooking) local = NULL;
  g_autoptr(GError) error = NULL;

  /* The secretary cancels; the GP, on the version before, marks the patient seen a minute
   * before that: the GP's If-Match is stale, the server answers 412, the app reads the
   * server's copy, the rule keeps the cancellation. */
  change (&f->sec, booking->id, CRN_CHANGE_BOOKING_CANCEL, CRN_BOOKING_ACTION_CANCEL, 0);
  sync_ok (&f->sec);
  first = server_booking (f, booking->id);
  g_assert_cmpint (first->version, >, booking->version);
  change (&f->gp, booking->id, CRN_CHANGE_BOOKING_OUTCOME, CRN_BOOKING_ACTION_SEEN,
          first->last_updated_ms - 60000);
  /* shown at once, before the push */
  local = sync_test_stored_booking (f->gp.store, booking->id);
  g_assert_cmpint (local->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
  g_assert_cmpint (local->version, ==, booking->version);
  sync_ok (&f->gp);

  /* The user is told, once; the app holds the server's copy; nothing was applied. */
  assert_refused (&f->gp, "cancelled");
  gp = sync_test_stored_booking (f->gp.store, booking->id);
  g_assert_cmpint (gp->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpint (gp->version, ==, first->version);
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpint (server->version, ==, first->version);

  /* The next syncs do not send it again, nor tell the user again. */
  sync_ok (&f->gp);
  sync_ok (&f->gp);
  g_assert_cmpuint (f->gp.refused->len, ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->gp.store, CRN_OUTBOX_FAILED), ==, 1);
  g_clear_pointer (&server, crn_booking_free);
  server = server_booking (f, booking->id);
  g_assert_cmpint (server->version, ==, first->version);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, confirmation, func) \
  g_test_add ("/sync/conflicts/" path, Fixture, GINT_TO_POINTER (confirmation), setup, func, \
              teardown)
  ADD ("first-decision-wins", TRUE, test_first_decision_wins);
  ADD ("same-decision", TRUE, test_same_decision);
  ADD ("cancel-before-confirm", TRUE, test_cancel_before_confirm);
  ADD ("cancel-after-confirm", TRUE, test_cancel_after_confirm);
  ADD ("cancel-loses-to-later-outcome", FALSE, test_cancel_loses_to_later_outcome);
  ADD ("outcome-server-later", FALSE, test_outcome_server_later);
  ADD ("outcome-ours-later", FALSE, test_outcome_ours_later);
  ADD ("patient-merged", FALSE, test_patient_merged);
  ADD ("stale-if-match", FALSE, test_stale_if_match);
#undef ADD

  used_slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  the_server = sync_server_start (NULL);
  sync_server_set_policy (the_server, FALSE);
  sync_server_add_evening (the_server, GP_LOGIN, GP_IDNPS);
  status = g_test_run ();
  sync_server_stop (the_server, FALSE);
  g_hash_table_unref (used_slots);
  return status;
}
