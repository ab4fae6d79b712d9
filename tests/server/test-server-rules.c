/* test-server-rules.c: the CPTS rules enforced by the real server, one transaction each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test builds its own slots as one-off extra blocks of a GP's agenda at times relative to
 * now, and widens the CPTS's SNP hours to the whole day first, so that it passes whatever
 * the time of day it runs at.
 */
#include "config.h"

#include <string.h>

#include "crn-fhir.h"
#include "crn-test-server.h"

#define GP        "899700100028"          /* Dr Besson, cabinet des Tilleuls (demo) */
#define PLACE     "cabinet-tilleuls"
#define REG       (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)

static CrnTestServer *server;
static char *regulator;          /* access tokens */
static char *pharmacy;
static char *secretary;
static char *coordinator;
static CrnTemplate *agenda;      /* every extra block the tests added so far */

/* ---------------------------------------------------------------------------------- */

static void
put_policy (guint    close_on_weekday,   /* 0 = every day 00:00–24:00 */
            guint    close_minute,
            guint    booking_closes,
            gboolean confirmation)
{
  crn_test_put_policy (server, coordinator, close_on_weekday, close_minute, booking_closes,
                       confirmation);
}

/* Adds a one-slot extra block (20 min) at @start and returns the new slot's id. */
static char *
add_slot (gint64        start,
          CrnVisibility visibility)
{
  return crn_test_add_slot (server, secretary, agenda, start, visibility);
}

static CrnTestResponse *
book (const char *token,
      const char *slot_id,
      gint64      start,
      const char *reason)
{
  g_autofree char *body = crn_test_appointment_body (NULL, slot_id, GP, start, reason);

  return crn_test_request (server, "POST", "/fhir/Appointment", token, body, NULL);
}

static CrnTestResponse *
get_slot (const char *slot_id)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot_id);

  return crn_test_request (server, "GET", path, secretary, NULL, NULL);
}

static void
assert_rule (CrnTestResponse *r,
             guint            status,
             const char      *rule)
{
  if (r->status != status)
    g_error ("expected %u, got %u: %s", status, r->status, r->body);
  g_assert_cmpstr (crn_test_outcome_code (r), ==, status == 422 ? "business-rule" : "conflict");
  g_assert_nonnull (crn_test_outcome_text (r));
  if (rule != NULL)
    {
      g_autofree char *wanted = g_strdup_printf ("rule=%s", rule);

      g_assert_nonnull (crn_test_outcome_diagnostics (r));
      g_assert_nonnull (strstr (crn_test_outcome_diagnostics (r), wanted));
    }
}

/* ---------------------------------------------------------------------------------- */

static void
test_book_then_taken (void)
{
  gint64 start = crn_test_pick_start (180, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) first = book (regulator, slot, start, NULL);
  g_autoptr(CrnTestResponse) second = NULL;
  g_autoptr(CrnTestResponse) after = NULL;

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpstr (crn_test_json_string (first->json, "status"), ==, "booked");
  g_assert_nonnull (soup_message_headers_get_one (first->headers, "Location"));
  g_assert_cmpstr (soup_message_headers_get_one (first->headers, "ETag"), ==, "W/\"1\"");
  g_assert_cmpstr (crn_test_json_string (first->json, "meta.versionId"), ==, "1");

  after = get_slot (slot);
  g_assert_cmpstr (crn_test_json_string (after->json, "status"), ==, "busy");
  g_assert_cmpstr (soup_message_headers_get_one (after->headers, "ETag"), ==, "W/\"2\"");

  second = book (regulator, slot, start, NULL);
  assert_rule (second, 409, NULL);
}

typedef struct
{
  guint created;
  guint conflict;
  guint other;
  guint pending;
} RaceResult;

static void
race_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RaceResult *race = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  guint status = soup_message_get_status (msg);

  if (status == 201)
    race->created++;
  else if (status == 409)
    race->conflict++;
  else
    {
      g_test_message ("race: status %u (%s)", status,
                       error ? error->message : soup_message_get_reason_phrase (msg));
      race->other++;
    }
  race->pending--;
}

static void
test_race (void)
{
  gint64 start = crn_test_pick_start (200, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) after = NULL;
  RaceResult race = { 0 };

  for (guint i = 0; i < 32; i++)
    {
      g_autofree char *body = crn_test_appointment_body (NULL, slot, GP, start, NULL);
      g_autoptr(SoupMessage) msg = crn_test_message_new (server, "POST", "/fhir/Appointment",
                                                         regulator, NULL, body, -1);

      race.pending++;
      soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        race_done_cb, &race);
    }
  while (race.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (race.created, ==, 1);
  g_assert_cmpuint (race.conflict, ==, 31);
  g_assert_cmpuint (race.other, ==, 0);
  after = get_slot (slot);
  g_assert_cmpstr (crn_test_json_string (after->json, "status"), ==, "busy");
}

static void
test_outside_snp_hours (void)
{
  gint64 start = crn_test_pick_start (240, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, paris);
  g_autoptr(CrnTestResponse) r = NULL;

  /* That weekday's SNP hours now end before the slot. */
  put_policy (g_date_time_get_day_of_week (local), g_date_time_get_hour (local) * 60 +
              g_date_time_get_minute (local), 0, FALSE);
  r = book (regulator, slot, start, NULL);
  put_policy (0, 0, 0, FALSE);
  assert_rule (r, 422, "snp-hours");
}

static void
test_booking_closed (void)
{
  gint64 start = crn_test_pick_start (30, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) r = NULL;

  put_policy (0, 0, 60, FALSE);
  r = book (regulator, slot, start, NULL);
  put_policy (0, 0, 0, FALSE);
  assert_rule (r, 422, "booking-closed");
}

static void
test_excluded_reason (void)
{
  gint64 start = crn_test_pick_start (260, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) r = book (regulator, slot, start, "Renouvellement d'ordonnance");
  g_autoptr(CrnTestResponse) ok = book (regulator, slot, start, "Angine");

  assert_rule (r, 422, "excluded-reason");
  g_assert_cmpuint (ok->status, ==, 201);
}

static void
test_own_patients_slot (void)
{
  gint64 start = crn_test_pick_start (280, 20);
  g_autofree char *slot = add_slot (start, CRN_VISIBILITY_NONE);
  g_autoptr(CrnTestResponse) r = book (regulator, slot, start, NULL);
  g_autoptr(CrnTestResponse) p = book (pharmacy, slot, start, NULL);

  assert_rule (r, 422, "not-visible");
  assert_rule (p, 422, "not-visible");
}

static void
test_pharmacy_visibility (void)
{
  gint64 start = crn_test_pick_start (300, 20);
  g_autofree char *snp_only = add_slot (start, CRN_VISIBILITY_SNP);
  gint64 pro_start = crn_test_pick_start (330, 20);
  g_autofree char *pro = add_slot (pro_start, CRN_VISIBILITY_PRO);
  g_autoptr(CrnTestResponse) refused = book (pharmacy, snp_only, start, NULL);
  g_autoptr(CrnTestResponse) ok = book (pharmacy, pro, pro_start, NULL);
  g_autoptr(CrnTestResponse) reg = book (regulator, pro, pro_start, NULL);

  assert_rule (refused, 422, "not-visible");
  g_assert_cmpuint (ok->status, ==, 201);
  g_assert_cmpstr (crn_test_json_string (ok->json, "status"), ==, "booked");
  assert_rule (reg, 409, NULL);
}

static void
test_too_far_ahead (void)
{
  gint64 start = crn_test_pick_start (72 * 60, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) r = book (regulator, slot, start, NULL);

  assert_rule (r, 422, "horizon");
}

static CrnTestResponse *
reclaim (const char *slot_id,
         const char *if_match)
{
  g_autoptr(CrnTestResponse) current = get_slot (slot_id);
  g_autofree char *body = NULL;
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot_id);
  JsonObject *meta;

  g_assert_cmpuint (current->status, ==, 200);
  meta = json_object_get_object_member (json_node_get_object (current->json), "meta");
  json_object_remove_member (meta, "security");
  body = crn_test_to_string (current->json);
  return crn_test_request (server, "PUT", path, secretary, body, "If-Match",
                           if_match != NULL ? if_match
                           : soup_message_headers_get_one (current->headers, "ETag"),
                           NULL);
}

static void
test_reclaim_in_window (void)
{
  gint64 start = crn_test_pick_start (60, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) r = reclaim (slot, NULL);
  g_autoptr(CrnTestResponse) late = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (crn_test_json_get (r->json, "meta.security"));
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, "W/\"2\"");
  /* Regulation comes too late: the practice took it back. */
  late = book (regulator, slot, start, NULL);
  assert_rule (late, 409, NULL);
}

static void
test_reclaim_outside_window (void)
{
  gint64 start = crn_test_pick_start (420, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) r = reclaim (slot, NULL);
  g_autoptr(CrnTestResponse) after = get_slot (slot);

  assert_rule (r, 422, "reclaim-window");
  g_assert_cmpuint (crn_test_json_length (after->json, "meta.security"), ==, 2);
}

static void
test_reclaim_after_booking (void)
{
  gint64 start = crn_test_pick_start (90, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) seen = get_slot (slot);
  g_autofree char *etag = g_strdup (soup_message_headers_get_one (seen->headers, "ETag"));
  g_autoptr(CrnTestResponse) booked = book (regulator, slot, start, NULL);
  g_autoptr(CrnTestResponse) stale = NULL;
  g_autoptr(CrnTestResponse) fresh = NULL;

  g_assert_cmpuint (booked->status, ==, 201);
  /* The practice acts on what it saw: the version moved on. */
  stale = reclaim (slot, etag);
  g_assert_cmpuint (stale->status, ==, 412);
  g_assert_cmpstr (crn_test_outcome_code (stale), ==, "conflict");
  /* With the fresh version, it is still refused: the slot is booked. */
  fresh = reclaim (slot, NULL);
  assert_rule (fresh, 409, NULL);
}

static void
test_confirmation (void)
{
  gint64 start = crn_test_pick_start (460, 20);
  g_autofree char *accept_slot = add_slot (start, REG);
  gint64 decline_start = crn_test_pick_start (490, 20);
  g_autofree char *decline_slot = add_slot (decline_start, REG);
  g_autoptr(CrnTestResponse) a = NULL;
  g_autoptr(CrnTestResponse) d = NULL;
  g_autoptr(CrnTestResponse) tentative = NULL;
  g_autoptr(CrnTestResponse) accepted = NULL;
  g_autoptr(CrnTestResponse) declined = NULL;
  g_autoptr(CrnTestResponse) busy = NULL;
  g_autoptr(CrnTestResponse) freed = NULL;
  g_autoptr(CrnTestResponse) not_regulator = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  JsonObject *root;
  JsonArray *participants;

  put_policy (0, 0, 0, TRUE);
  a = book (regulator, accept_slot, start, NULL);
  d = book (regulator, decline_slot, decline_start, NULL);
  put_policy (0, 0, 0, FALSE);

  g_assert_cmpuint (a->status, ==, 201);
  g_assert_cmpstr (crn_test_json_string (a->json, "status"), ==, "proposed");
  tentative = get_slot (accept_slot);
  g_assert_cmpstr (crn_test_json_string (tentative->json, "status"), ==, "busy-tentative");

  /* The regulator cannot confirm its own booking. */
  root = json_node_get_object (a->json);
  json_object_set_string_member (root, "status", "booked");
  participants = json_object_get_array_member (root, "participant");
  for (guint i = 0; i < json_array_get_length (participants); i++)
    json_object_set_string_member (json_array_get_object_element (participants, i), "status",
                                   "accepted");
  body = crn_test_to_string (a->json);
  path = g_strdup_printf ("/fhir/Appointment/%s", crn_test_json_string (a->json, "id"));
  not_regulator = crn_test_request (server, "PUT", path, regulator, body, NULL);
  g_assert_cmpuint (not_regulator->status, ==, 403);

  accepted = crn_test_request (server, "PUT", path, secretary, body, "If-Match", "W/\"1\"", NULL);
  g_assert_cmpuint (accepted->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (accepted->json, "status"), ==, "booked");
  busy = get_slot (accept_slot);
  g_assert_cmpstr (crn_test_json_string (busy->json, "status"), ==, "busy");

  /* Declined: the slot is free again. */
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&path, g_free);
  root = json_node_get_object (d->json);
  json_object_set_string_member (root, "status", "cancelled");
  participants = json_object_get_array_member (root, "participant");
  for (guint i = 0; i < json_array_get_length (participants); i++)
    json_object_set_string_member (json_array_get_object_element (participants, i), "status",
                                   "declined");
  body = crn_test_to_string (d->json);
  path = g_strdup_printf ("/fhir/Appointment?identifier=%s", crn_test_json_string (d->json, "id"));
  declined = crn_test_request (server, "PUT", path, secretary, body, NULL);
  g_assert_cmpuint (declined->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (declined->json, "status"), ==, "cancelled");
  freed = get_slot (decline_slot);
  g_assert_cmpstr (crn_test_json_string (freed->json, "status"), ==, "free");
}

static void
test_if_none_exist (void)
{
  gint64 start = crn_test_pick_start (380, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autofree char *id = crn_uuid_new ();
  g_autofree char *body = crn_test_appointment_body (id, slot, GP, start, NULL);
  g_autofree char *cond = g_strdup_printf ("identifier=urn:example|%s", id);
  g_autoptr(CrnTestResponse) first = crn_test_request (server, "POST", "/fhir/Appointment",
                                                       regulator, body, "If-None-Exist", cond,
                                                       NULL);
  g_autoptr(CrnTestResponse) again = crn_test_request (server, "POST", "/fhir/Appointment",
                                                       regulator, body, "If-None-Exist", cond,
                                                       NULL);
  g_autoptr(CrnTestResponse) plain = crn_test_request (server, "POST", "/fhir/Appointment",
                                                       regulator, body, NULL);

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (again->json, "id"), ==, id);
  g_assert_cmpuint (plain->status, ==, 409);
  g_assert_cmpstr (crn_test_outcome_code (plain), ==, "duplicate");
}

static void
test_cancel_frees_slot (void)
{
  gint64 start = crn_test_pick_start (400, 20);
  g_autofree char *slot = add_slot (start, REG);
  g_autoptr(CrnTestResponse) booked = book (regulator, slot, start, NULL);
  g_autoptr(CrnTestResponse) cancelled = NULL;
  g_autoptr(CrnTestResponse) again = NULL;
  g_autoptr(CrnTestResponse) freed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpuint (booked->status, ==, 201);
  json_object_set_string_member (json_node_get_object (booked->json), "status", "cancelled");
  body = crn_test_to_string (booked->json);
  path = g_strdup_printf ("/fhir/Appointment/%s", crn_test_json_string (booked->json, "id"));
  cancelled = crn_test_request (server, "PUT", path, regulator, body, "If-Match", "W/\"1\"",
                                NULL);
  g_assert_cmpuint (cancelled->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (cancelled->json, "status"), ==, "cancelled");
  g_assert_cmpstr (crn_test_json_string (cancelled->json, "meta.versionId"), ==, "2");
  freed = get_slot (slot);
  g_assert_cmpstr (crn_test_json_string (freed->json, "status"), ==, "free");

  /* A stale version is refused (412), whatever the change. */
  again = crn_test_request (server, "PUT", path, regulator, body, "If-Match", "W/\"1\"", NULL);
  g_assert_cmpuint (again->status, ==, 412);
}

/* The booking page lists a slot only while an operator still has time to fill in its form
 * (five minutes before its start at the latest): a slot listed seconds before its start was
 * refused as started once submitted. */
static void
test_booking_page_lead (void)
{
  const char *login = crn_test_server_login_for (server, "regulator");
  /* One to two minutes ahead, on a whole minute, and short enough to end by midnight
   * (Paris): at 23:50 a 20-minute slot on the five-minute grid would move on to 00:05,
   * ten minutes ahead. */
  gint64 soon = (g_get_real_time () / G_USEC_PER_SEC / 60 + 2) * 60;
  guint soon_minute;
  guint soon_length;
  gint64 later = crn_test_pick_start (30, 20);
  g_autofree char *soon_id = NULL;
  g_autofree char *later_id = add_slot (later, REG);
  g_autoptr(SoupCookieJar) jar = soup_cookie_jar_new ();
  g_autoptr(CrnTestResponse) page = NULL;
  g_autoptr(CrnTestResponse) signed_in = NULL;
  g_autoptr(CrnTestResponse) found = NULL;
  g_autoptr(GRegex) re = g_regex_new ("name=\"jeton\" value=\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;
  g_autofree char *jeton = NULL;
  g_autofree char *form = NULL;
  g_autofree char *soon_attr = NULL;
  g_autofree char *later_attr = g_strdup_printf ("data-slot=\"%s\"", later_id);

  crn_time_to_local (soon, NULL, &soon_minute, NULL);
  soon_length = MIN (20, 24 * 60 - soon_minute);
  soon_id = crn_test_add_slot_minutes (server, secretary, agenda, soon, soon_length, REG);
  soon_attr = g_strdup_printf ("data-slot=\"%s\"", soon_id);
  soup_session_add_feature (server->session, SOUP_SESSION_FEATURE (jar));
  page = crn_test_request (server, "GET", "/reservation", NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (g_regex_match (re, page->body, 0, &info));
  jeton = g_match_info_fetch (info, 1);
  form = soup_form_encode ("jeton", jeton, "identifiant", login, "mot-de-passe",
                           g_hash_table_lookup (server->passwords, login), NULL);
  signed_in = crn_test_form (server, "/reservation/connexion", form);
  g_assert_cmpuint (signed_in->status, ==, 200);
  found = crn_test_request (server, "GET", "/reservation?jours=2", NULL, NULL, NULL);
  soup_session_remove_feature (server->session, SOUP_SESSION_FEATURE (jar));

  g_assert_cmpuint (found->status, ==, 200);
  g_assert_nonnull (strstr (found->body, later_attr));
  g_assert_null (strstr (found->body, soon_attr));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = crn_test_server_start (NULL);
  regulator = crn_test_server_token (server, crn_test_server_login_for (server, "regulator"),
                                     NULL);
  pharmacy = crn_test_server_token (server, crn_test_server_login_for (server, "pharmacy"),
                                    NULL);
  secretary = crn_test_server_token (server, crn_test_server_login_for (server, "secretary"),
                                     NULL);
  coordinator = crn_test_server_token (server,
                                       crn_test_server_login_for (server, "coordinator"), NULL);
  put_policy (0, 0, 0, FALSE);
  agenda = crn_template_new (GP, PLACE);
  g_free (agenda->id);
  agenda->id = crn_uuid_new ();

  g_test_add_func ("/server/rules/book-then-taken", test_book_then_taken);
  g_test_add_func ("/server/rules/race-32-clients", test_race);
  g_test_add_func ("/server/rules/outside-snp-hours", test_outside_snp_hours);
  g_test_add_func ("/server/rules/booking-closed", test_booking_closed);
  g_test_add_func ("/server/rules/excluded-reason", test_excluded_reason);
  g_test_add_func ("/server/rules/own-patients-slot", test_own_patients_slot);
  g_test_add_func ("/server/rules/pharmacy-visibility", test_pharmacy_visibility);
  g_test_add_func ("/server/rules/too-far-ahead", test_too_far_ahead);
  g_test_add_func ("/server/rules/reclaim-in-window", test_reclaim_in_window);
  g_test_add_func ("/server/rules/reclaim-outside-window", test_reclaim_outside_window);
  g_test_add_func ("/server/rules/reclaim-after-booking", test_reclaim_after_booking);
  g_test_add_func ("/server/rules/confirmation", test_confirmation);
  g_test_add_func ("/server/rules/if-none-exist", test_if_none_exist);
  g_test_add_func ("/server/rules/cancel-frees-slot", test_cancel_frees_slot);
  g_test_add_func ("/server/rules/booking-page-lead", test_booking_page_lead);
  status = g_test_run ();

  crn_template_free (agenda);
  g_free (regulator);
  g_free (pharmacy);
  g_free (secretary);
  g_free (coordinator);
  crn_test_server_free (server);
  return status;
}
