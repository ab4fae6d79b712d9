/* test-store-data.c: what goes in and out of the agenda file, with the synchronous store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "store-test-util.h"

/* Monday 2 March 2026 08:00 UTC (09:00 in Paris) */
#define T0 ((CrnInstant) 1772438400)

static GPtrArray *
slots_array (CrnSlot *first, ...)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  va_list ap;

  va_start (ap, first);
  for (CrnSlot *s = first; s != NULL; s = va_arg (ap, CrnSlot *))
    g_ptr_array_add (array, s);
  va_end (ap);

  return array;
}

static GPtrArray *
bookings_array (CrnBooking *first, ...)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  va_list ap;

  va_start (ap, first);
  for (CrnBooking *b = first; b != NULL; b = va_arg (ap, CrnBooking *))
    g_ptr_array_add (array, b);
  va_end (ap);

  return array;
}

static char *
query_plan (CrnStoreDb *db,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  GString *plan = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (_crn_store_db_get_handle (db), explain, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);

  return g_string_free (plan, FALSE);
}

/* ------------------------------------------------------------------ upserts */

static void
test_upsert_slots_versions (StoreFixture  *fixture,
                            gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(CrnSlot) stored = NULL;
  g_autoptr(GError) error = NULL;
  CrnSlot *s;
  guint applied = 99;

  s = store_test_slot ("slot-a", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP);
  s->version = 2;
  page = slots_array (s, store_test_slot ("slot-b", TEST_IDNPS, T0 + 1200, 20, CRN_VISIBILITY_SNP),
                      NULL);
  g_assert_true (_crn_store_db_upsert_slots (db, page, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 2);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* Older and equal versions are skipped; the stored row keeps its values. */
  s = store_test_slot ("slot-a", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP);
  s->version = 1;
  s->status = CRN_SLOT_STATUS_BUSY;
  page = slots_array (s, NULL);
  s = store_test_slot ("slot-a", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP);
  s->version = 2;
  s->status = CRN_SLOT_STATUS_BUSY_UNAVAILABLE;
  g_ptr_array_add (page, s);
  g_assert_true (_crn_store_db_upsert_slots (db, page, &applied, &error));
  g_assert_cmpuint (applied, ==, 0);
  stored = _crn_store_db_get_slot (db, "slot-a", &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->status, ==, CRN_SLOT_STATUS_FREE);
  g_assert_cmpint (stored->version, ==, 2);
  g_clear_pointer (&page, g_ptr_array_unref);
  g_clear_pointer (&stored, crn_slot_free);

  /* A newer version replaces it, every field round-trips. */
  s = store_test_slot ("slot-a", TEST_IDNPS, T0 + 600, 15, CRN_VISIBILITY_CPTS | CRN_VISIBILITY_PRO);
  s->version = 3;
  s->status = CRN_SLOT_STATUS_BUSY;
  s->modalities = CRN_MODALITY_AMB | CRN_MODALITY_VR;
  s->restriction = CRN_RESTRICTION_OTHER;
  s->restriction_text = g_strdup ("Pédiatrie de préférence");
  s->last_updated_ms = 1772000000123;
  page = slots_array (s, NULL);
  g_assert_true (_crn_store_db_upsert_slots (db, page, &applied, &error));
  g_assert_cmpuint (applied, ==, 1);
  stored = _crn_store_db_get_slot (db, "slot-a", &error);
  g_assert_no_error (error);
  g_assert_true (crn_slot_equal (stored, s));
  g_clear_pointer (&stored, crn_slot_free);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* One bad row fails the whole page: nothing of it is kept. */
  s = store_test_slot ("slot-c", TEST_IDNPS, T0 + 7200, 20, CRN_VISIBILITY_SNP);
  page = slots_array (s, store_test_slot ("slot-d", NULL, T0, 20, CRN_VISIBILITY_SNP), NULL);
  g_assert_false (_crn_store_db_upsert_slots (db, page, &applied, &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots WHERE id = 'slot-c'"), ==, 0);

  stored = _crn_store_db_get_slot (db, "no-such-slot", &error);
  g_assert_null (stored);
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND);

  _crn_store_db_close (db);
}

static void
test_upsert_bookings_versions (StoreFixture  *fixture,
                               gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnSlot) slot = store_test_slot ("slot-a", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  g_autoptr(GError) error = NULL;
  CrnBooking *b;
  guint applied = 0;

  b = store_test_booking ("booking-a", slot, CRN_APPOINTMENT_STATUS_PROPOSED, CRN_REFERRER_SAS,
                          "Durand", "Léa", "1988-04-02");
  b->version = 5;
  b->referrer_name = g_strdup ("SAS 69");
  b->operator_id = g_strdup ("osnp-42");
  b->requested_at = T0 - 7200;
  b->last_updated_ms = 1772000000999;
  page = bookings_array (b, NULL);
  g_assert_true (_crn_store_db_upsert_bookings (db, page, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 1);
  stored = _crn_store_db_get_booking (db, "booking-a", &error);
  g_assert_no_error (error);
  g_assert_true (crn_booking_equal (stored, b));
  g_clear_pointer (&stored, crn_booking_free);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* never backwards */
  b = store_test_booking ("booking-a", slot, CRN_APPOINTMENT_STATUS_CANCELLED, CRN_REFERRER_SAS,
                          "Durand", "Léa", "1988-04-02");
  b->version = 4;
  page = bookings_array (b, NULL);
  g_assert_true (_crn_store_db_upsert_bookings (db, page, &applied, &error));
  g_assert_cmpuint (applied, ==, 0);
  stored = _crn_store_db_get_booking (db, "booking-a", &error);
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_PROPOSED);
  g_clear_pointer (&stored, crn_booking_free);
  g_clear_pointer (&page, g_ptr_array_unref);

  b = store_test_booking ("booking-a", slot, CRN_APPOINTMENT_STATUS_BOOKED, CRN_REFERRER_SAS,
                          "Durand", "Léa", "1988-04-02");
  b->version = 6;
  page = bookings_array (b, NULL);
  g_assert_true (_crn_store_db_upsert_bookings (db, page, &applied, &error));
  g_assert_cmpuint (applied, ==, 1);
  stored = _crn_store_db_get_booking (db, "booking-a", &error);
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);
  g_assert_cmpint (stored->version, ==, 6);

  _crn_store_db_close (db);
}

static CrnTemplate *
make_template (void)
{
  CrnTemplate *template = crn_template_new (TEST_IDNPS, TEST_PLACE);
  CrnTemplateBlock *block = crn_template_block_new ();
  CrnTemplateException *absence = crn_template_exception_new ();

  g_free (template->id);
  template->id = g_strdup ("a3f1c7e2-1111-4222-8333-444455556666");
  template->version = 3;

  block->id = g_strdup ("b0000000-0000-4000-8000-000000000001");
  block->weekdays = CRN_WEEKDAY_BIT (G_DATE_TUESDAY) | CRN_WEEKDAY_BIT (G_DATE_THURSDAY);
  block->start_minute = 14 * 60;
  block->end_minute = 16 * 60;
  block->slot_minutes = 20;
  block->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  g_date_set_dmy (&block->valid_from, 1, G_DATE_MARCH, 2026);
  crn_template_add_block (template, block);

  block = crn_template_block_new ();
  block->id = g_strdup ("b0000000-0000-4000-8000-000000000002");
  block->weekdays = CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY);
  block->start_minute = 9 * 60;
  block->end_minute = 12 * 60;
  block->n_patients = 6;
  block->months = 0x0fc0;   /* July to December */
  block->restriction = CRN_RESTRICTION_CHILDREN;
  crn_template_add_block (template, block);

  absence->id = g_strdup ("e0000000-0000-4000-8000-000000000001");
  absence->start = T0 + 7 * 86400;
  absence->end = T0 + 14 * 86400;
  absence->reason = g_strdup ("Congés annuels");
  crn_template_add_exception (template, absence);

  return template;
}

static void
assert_templates_equal (const CrnTemplate *a,
                        const CrnTemplate *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->practitioner, ==, b->practitioner);
  g_assert_cmpstr (a->place_id, ==, b->place_id);
  g_assert_cmpint (a->version, ==, b->version);
  g_assert_cmpuint (a->blocks->len, ==, b->blocks->len);
  g_assert_cmpuint (a->exceptions->len, ==, b->exceptions->len);
  for (guint i = 0; i < a->blocks->len; i++)
    {
      const CrnTemplateBlock *x = g_ptr_array_index (a->blocks, i);
      const CrnTemplateBlock *y = g_ptr_array_index (b->blocks, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpuint (x->weekdays, ==, y->weekdays);
      g_assert_cmpuint (x->start_minute, ==, y->start_minute);
      g_assert_cmpuint (x->end_minute, ==, y->end_minute);
      g_assert_cmpuint (x->slot_minutes, ==, y->slot_minutes);
      g_assert_cmpuint (x->n_patients, ==, y->n_patients);
      g_assert_cmpuint (x->months, ==, y->months);
      g_assert_cmpint (x->visibility, ==, y->visibility);
      g_assert_cmpint (x->restriction, ==, y->restriction);
      g_assert_cmpint (g_date_valid (&x->valid_from), ==, g_date_valid (&y->valid_from));
      if (g_date_valid (&x->valid_from))
        g_assert_cmpint (g_date_compare (&x->valid_from, &y->valid_from), ==, 0);
      g_assert_cmpint (g_date_valid (&x->valid_until), ==, g_date_valid (&y->valid_until));
    }
  for (guint i = 0; i < a->exceptions->len; i++)
    {
      const CrnTemplateException *x = g_ptr_array_index (a->exceptions, i);
      const CrnTemplateException *y = g_ptr_array_index (b->exceptions, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpint (x->start, ==, y->start);
      g_assert_cmpint (x->end, ==, y->end);
      g_assert_cmpstr (x->reason, ==, y->reason);
    }
}

static void
test_upsert_templates (StoreFixture  *fixture,
                       gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnTemplate) template = make_template ();
  g_autoptr(CrnTemplate) stored = NULL;
  g_autoptr(CrnTemplate) older = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  guint applied = 0;

  g_ptr_array_add (page, template);
  g_assert_true (_crn_store_db_upsert_templates (db, page, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 1);
  stored = _crn_store_db_get_template (db, template->id, &error);
  g_assert_no_error (error);
  assert_templates_equal (stored, template);
  g_clear_pointer (&stored, crn_template_free);

  /* An older version with one block less is ignored. */
  older = crn_template_copy (template);
  older->version = 2;
  g_ptr_array_remove_index (older->blocks, 1);
  g_ptr_array_index (page, 0) = older;
  g_assert_true (_crn_store_db_upsert_templates (db, page, &applied, &error));
  g_assert_cmpuint (applied, ==, 0);
  stored = _crn_store_db_get_template (db, template->id, &error);
  g_assert_cmpuint (stored->blocks->len, ==, 2);
  g_clear_pointer (&stored, crn_template_free);

  /* A newer one replaces blocks and exceptions. */
  older->version = 4;
  g_ptr_array_set_size (older->exceptions, 0);
  g_assert_true (_crn_store_db_upsert_templates (db, page, &applied, &error));
  g_assert_cmpuint (applied, ==, 1);
  stored = _crn_store_db_get_template (db, template->id, &error);
  assert_templates_equal (stored, older);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM template_blocks"), ==, 1);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM template_exceptions"), ==, 0);

  list = _crn_store_db_list_templates (db, TEST_IDNPS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = _crn_store_db_list_templates (db, TEST_IDNPS_2, &error);
  g_assert_cmpuint (list->len, ==, 0);

  _crn_store_db_close (db);
}

static void
test_policy (StoreFixture  *fixture,
             gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  g_autoptr(CrnPolicy) stored = NULL;
  g_autoptr(CrnPolicy) older = NULL;
  g_autoptr(GError) error = NULL;
  gboolean applied = FALSE;
  gint64 version = 0;

  g_assert_null (_crn_store_db_get_policy (db, NULL, &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_ptr_array_set_size (policy->excluded_reasons, 0);
  policy->snp_close[G_DATE_SATURDAY] = 13 * 60;
  policy->reclaim_minutes = 59;
  policy->booking_closes_minutes = 60;
  policy->needs_confirmation = TRUE;
  g_ptr_array_add (policy->excluded_reasons, g_strdup ("renouvellement d'ordonnance"));
  g_ptr_array_add (policy->excluded_reasons, g_strdup ("certificat"));
  g_assert_true (_crn_store_db_set_policy (db, policy, 7, &applied, &error));
  g_assert_no_error (error);
  g_assert_true (applied);

  older = crn_policy_new_default ();
  g_assert_true (_crn_store_db_set_policy (db, older, 6, &applied, &error));
  g_assert_false (applied);

  stored = _crn_store_db_get_policy (db, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 7);
  for (guint wd = 1; wd <= 7; wd++)
    {
      g_assert_cmpuint (stored->snp_open[wd], ==, policy->snp_open[wd]);
      g_assert_cmpuint (stored->snp_close[wd], ==, policy->snp_close[wd]);
    }
  g_assert_cmpuint (stored->reclaim_minutes, ==, 59);
  g_assert_cmpuint (stored->booking_closes_minutes, ==, 60);
  g_assert_cmpuint (stored->horizon_hours, ==, 48);
  g_assert_true (stored->needs_confirmation);
  g_assert_cmpuint (stored->excluded_reasons->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (stored->excluded_reasons, 1), ==, "certificat");

  _crn_store_db_close (db);
}

static void
test_practitioners_places (StoreFixture  *fixture,
                           gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(GPtrArray) gps = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_practitioner_free);
  g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_place_free);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  CrnPractitioner *gp;
  CrnPlace *place;

  gp = crn_practitioner_new ();
  gp->idnps = g_strdup (TEST_IDNPS_2);
  gp->family = g_strdup ("Martin");
  gp->given = g_strdup ("Claire");
  g_ptr_array_add (gps, gp);
  gp = crn_practitioner_new ();
  gp->idnps = g_strdup (TEST_IDNPS);
  gp->family = g_strdup ("Bernard");
  gp->given = g_strdup ("Hugo");
  gp->phone = g_strdup ("0400000000");
  g_ptr_array_add (gps, gp);
  g_assert_true (_crn_store_db_upsert_practitioners (db, gps, &error));
  g_assert_no_error (error);

  g_free (gp->family);
  gp->family = g_strdup ("Bernard-Petit");
  g_assert_true (_crn_store_db_upsert_practitioners (db, gps, &error));

  list = _crn_store_db_list_practitioners (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((CrnPractitioner *) g_ptr_array_index (list, 0))->family, ==, "Bernard-Petit");
  g_assert_cmpstr (((CrnPractitioner *) g_ptr_array_index (list, 0))->phone, ==, "0400000000");
  g_clear_pointer (&list, g_ptr_array_unref);

  place = crn_place_new ();
  place->id = g_strdup (TEST_PLACE);
  place->name = g_strdup ("Cabinet du Parc");
  place->postal_code = g_strdup ("69003");
  place->city = g_strdup ("Lyon");
  g_ptr_array_add (places, place);
  g_assert_true (_crn_store_db_upsert_places (db, places, &error));
  list = _crn_store_db_list_places (db, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((CrnPlace *) g_ptr_array_index (list, 0))->city, ==, "Lyon");

  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ outbox */

static void
test_outbox (StoreFixture  *fixture,
             gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnOutboxEntry) a = crn_outbox_entry_new ("slot.reclaim", "slot-a", 3, "{\"visibility\":[]}");
  g_autoptr(CrnOutboxEntry) b = crn_outbox_entry_new ("booking.accept", "booking-b", 1, NULL);
  g_autoptr(CrnOutboxEntry) c = crn_outbox_entry_new ("booking.outcome", "booking-c", 2, "{\"status\":\"noshow\"}");
  g_autoptr(CrnOutboxEntry) bad = crn_outbox_entry_new ("template.put", "t", 0, "{not json");
  g_autoptr(CrnOutboxEntry) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_assert_true (crn_uuid_is_valid (a->uuid));
  g_assert_cmpstr (a->uuid, !=, b->uuid);

  g_assert_true (_crn_store_db_enqueue (db, a, &error));
  g_assert_no_error (error);
  g_assert_true (_crn_store_db_enqueue (db, b, &error));
  g_assert_true (_crn_store_db_enqueue (db, c, &error));
  /* A retry of the same action (same UUID) never makes a second entry. */
  g_assert_true (_crn_store_db_enqueue (db, a, &error));
  g_assert_true (_crn_store_db_enqueue (db, a, &error));
  g_assert_no_error (error);

  g_assert_false (_crn_store_db_enqueue (db, bad, &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID);
  g_clear_error (&error);

  list = _crn_store_db_outbox_list (db, CRN_OUTBOX_PENDING, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 0))->uuid, ==, a->uuid);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 1))->uuid, ==, b->uuid);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 2))->uuid, ==, c->uuid);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 1))->payload, ==, "{}");
  g_assert_cmpint (((CrnOutboxEntry *) g_ptr_array_index (list, 0))->base_version, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = _crn_store_db_outbox_list (db, CRN_OUTBOX_PENDING, 2, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Sent (attempt 1), failed for now (back to pending with the reason), sent again, done. */
  g_assert_true (_crn_store_db_outbox_mark (db, a->uuid, CRN_OUTBOX_SENT, NULL, &error));
  g_assert_true (_crn_store_db_outbox_mark (db, a->uuid, CRN_OUTBOX_PENDING,
                                            "HTTP 503: server unavailable", &error));
  got = _crn_store_db_outbox_get (db, a->uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, CRN_OUTBOX_PENDING);
  g_assert_cmpuint (got->attempts, ==, 1);
  g_assert_cmpstr (got->last_error, ==, "HTTP 503: server unavailable");
  g_clear_pointer (&got, crn_outbox_entry_free);

  g_assert_true (_crn_store_db_outbox_mark (db, a->uuid, CRN_OUTBOX_SENT, NULL, &error));
  got = _crn_store_db_outbox_get (db, a->uuid, &error);
  g_assert_cmpint (got->state, ==, CRN_OUTBOX_SENT);
  g_assert_cmpuint (got->attempts, ==, 2);
  g_assert_cmpstr (got->last_error, ==, "HTTP 503: server unavailable");
  g_clear_pointer (&got, crn_outbox_entry_free);

  g_assert_true (_crn_store_db_outbox_mark (db, a->uuid, CRN_OUTBOX_DONE, NULL, &error));
  g_assert_true (_crn_store_db_outbox_mark (db, b->uuid, CRN_OUTBOX_SENT, NULL, &error));
  g_assert_true (_crn_store_db_outbox_mark (db, b->uuid, CRN_OUTBOX_FAILED,
                                            "HTTP 412: changed on the server", &error));
  g_assert_no_error (error);

  g_assert_false (_crn_store_db_outbox_mark (db, "00000000-0000-4000-8000-000000000000",
                                             CRN_OUTBOX_DONE, NULL, &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A retry after done still does not make a new entry. */
  g_assert_true (_crn_store_db_enqueue (db, a, &error));
  _crn_store_db_close (db);

  /* Everything survives closing the file. */
  db = store_test_open (fixture->path);
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_PENDING, &count, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_DONE, &count, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_FAILED, &count, &error));
  g_assert_cmpuint (count, ==, 1);
  list = _crn_store_db_outbox_list (db, CRN_OUTBOX_PENDING, 0, &error);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 0))->uuid, ==, c->uuid);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (list, 0))->payload, ==,
                   "{\"status\":\"noshow\"}");

  g_assert_true (_crn_store_db_outbox_purge_done (db, G_MAXINT64, &error));
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_DONE, &count, &error));
  g_assert_cmpuint (count, ==, 0);
  g_assert_no_error (error);

  _crn_store_db_close (db);
}

/* The local change and its outbox entry are one transaction: both or neither. */
static void
test_user_action_one_transaction (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnSlot) slot = store_test_slot ("slot-a", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP);
  g_autoptr(CrnBooking) booking = store_test_booking ("booking-a", slot,
                                                      CRN_APPOINTMENT_STATUS_PROPOSED,
                                                      CRN_REFERRER_SAS, "Durand", "Léa",
                                                      "1988-04-02");
  g_autoptr(GPtrArray) page = bookings_array (crn_booking_copy (booking), NULL);
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(CrnOutboxEntry) broken = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  g_autoptr(CrnTemplate) template = make_template ();
  g_autoptr(CrnTemplate) stored_template = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_assert_true (_crn_store_db_upsert_bookings (db, page, NULL, &error));
  g_assert_no_error (error);

  /* The practice accepts the booking. */
  g_assert_true (crn_booking_apply (booking, CRN_BOOKING_ACTION_ACCEPT, NULL, &error));
  g_assert_no_error (error);

  /* A payload that is not JSON fails the enqueue, and the booking is not changed either. */
  broken = crn_outbox_entry_new ("booking.accept", booking->id, booking->version, "{oops");
  g_assert_false (_crn_store_db_save_booking_change (db, booking, broken, &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  stored = _crn_store_db_get_booking (db, booking->id, &error);
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_PROPOSED);
  g_clear_pointer (&stored, crn_booking_free);
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_PENDING, &count, &error));
  g_assert_cmpuint (count, ==, 0);

  entry = crn_outbox_entry_new ("booking.accept", booking->id, booking->version,
                                "{\"participant\":\"accepted\"}");
  g_assert_true (_crn_store_db_save_booking_change (db, booking, entry, &error));
  g_assert_no_error (error);
  /* The user's retry (same entry) changes nothing more. */
  g_assert_true (_crn_store_db_save_booking_change (db, booking, entry, &error));
  stored = _crn_store_db_get_booking (db, booking->id, &error);
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);
  g_assert_cmpint (stored->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_PENDING, &count, &error));
  g_assert_cmpuint (count, ==, 1);

  /* The server's copy of the same version does not undo the local change. */
  g_assert_true (_crn_store_db_upsert_bookings (db, page, NULL, &error));
  g_clear_pointer (&stored, crn_booking_free);
  stored = _crn_store_db_get_booking (db, booking->id, &error);
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);

  /* Reclaiming a slot, editing a template: same rule. */
  slot->visibility = CRN_VISIBILITY_NONE;
  g_clear_pointer (&entry, crn_outbox_entry_free);
  entry = crn_outbox_entry_new ("slot.reclaim", slot->id, slot->version, NULL);
  g_assert_true (_crn_store_db_save_slot_change (db, slot, entry, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, crn_outbox_entry_free);
  entry = crn_outbox_entry_new ("template.put", template->id, template->version, "{}");
  g_assert_true (_crn_store_db_save_template_change (db, template, entry, &error));
  g_assert_no_error (error);
  stored_template = _crn_store_db_get_template (db, template->id, &error);
  assert_templates_equal (stored_template, template);
  g_assert_true (_crn_store_db_outbox_count (db, CRN_OUTBOX_PENDING, &count, &error));
  g_assert_cmpuint (count, ==, 3);

  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ conflicts */

static guint
count_conflicts (GPtrArray *week)
{
  guint n = 0;

  for (guint i = 0; i < week->len; i++)
    n += ((CrnWeekEntry *) g_ptr_array_index (week, i))->conflict;
  return n;
}

static void
test_template_conflict (StoreFixture  *fixture,
                        gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnTemplate) template = make_template ();
  g_autoptr(CrnTemplate) changed = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(GError) error = NULL;
  GDate from, to;
  g_autoptr(CrnSlot) booked_slot = NULL;
  g_autoptr(CrnSlot) busy_slot = NULL;
  g_autoptr(CrnSlot) past_slot = NULL;
  CrnInstant now;
  guint n_removed = 99, n_flagged = 99, n_slots;
  guint n_block1 = 0;

  /* March 2026: Tuesdays and Thursdays 14:00–16:00 (6 slots each), no Wednesday block
   * (July–December only), an absence 9–16 March. */
  g_date_set_dmy (&from, 2, G_DATE_MARCH, 2026);
  g_date_set_dmy (&to, 29, G_DATE_MARCH, 2026);
  slots = crn_template_expand (template, &from, &to);
  g_assert_cmpuint (slots->len, >, 12);
  for (guint i = 0; i < slots->len; i++)
    {
      CrnSlot *s = g_ptr_array_index (slots, i);

      g_assert_cmpstr (s->template_block_id, ==, "b0000000-0000-4000-8000-000000000001");
    }
  n_slots = slots->len;

  /* "now" is just before the second slot: the first one is history. */
  past_slot = crn_slot_copy (g_ptr_array_index (slots, 0));
  now = past_slot->start + 60;
  g_assert_true (_crn_store_db_replace_template_slots (db, template->id, slots, T0 - 86400,
                                                      &n_removed, &n_flagged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_removed, ==, 0);
  g_assert_cmpuint (n_flagged, ==, 0);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots"), ==, n_slots);

  /* Expanding the same template again changes nothing (stable ids). */
  g_assert_true (_crn_store_db_replace_template_slots (db, template->id, slots, now,
                                                      &n_removed, &n_flagged, &error));
  g_assert_cmpuint (n_removed, ==, 0);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots"), ==, n_slots);

  /* A patient is booked on the last slot; the server marked the one before busy. */
  booked_slot = crn_slot_copy (g_ptr_array_index (slots, n_slots - 1));
  busy_slot = crn_slot_copy (g_ptr_array_index (slots, n_slots - 2));
  page = bookings_array (store_test_booking ("booking-a", booked_slot,
                                             CRN_APPOINTMENT_STATUS_BOOKED, CRN_REFERRER_SAS,
                                             "Durand", "Léa", "1988-04-02"),
                         /* a cancelled booking does not hold its slot */
                         store_test_booking ("booking-b", g_ptr_array_index (slots, 3),
                                             CRN_APPOINTMENT_STATUS_CANCELLED,
                                             CRN_REFERRER_SAS, "Petit", "Hugo", "2001-01-01"),
                         NULL);
  g_assert_true (_crn_store_db_upsert_bookings (db, page, NULL, &error));
  g_clear_pointer (&page, g_ptr_array_unref);
  {
    g_autoptr(CrnSlot) busy = crn_slot_copy (busy_slot);

    busy->status = CRN_SLOT_STATUS_BUSY;
    busy->version = 9;
    page = slots_array (g_steal_pointer (&busy), NULL);
    g_assert_true (_crn_store_db_upsert_slots (db, page, NULL, &error));
    g_clear_pointer (&page, g_ptr_array_unref);
  }

  /* The GP drops the Tuesday/Thursday block: the future slots go, except the two held. */
  changed = crn_template_copy (template);
  g_ptr_array_remove_index (changed->blocks, 0);
  g_clear_pointer (&slots, g_ptr_array_unref);
  slots = crn_template_expand (changed, &from, &to);
  g_assert_cmpuint (slots->len, ==, 0);
  g_assert_true (_crn_store_db_replace_template_slots (db, changed->id, slots, now,
                                                      &n_removed, &n_flagged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_flagged, ==, 2);
  g_assert_cmpuint (n_removed, ==, n_slots - 1 - 2);   /* the past one stays */

  week = _crn_store_db_week (db, NULL, T0 - 86400, T0 + 40 * 86400, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (week->len, ==, 3);
  g_assert_cmpuint (count_conflicts (week), ==, 2);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *e = g_ptr_array_index (week, i);

      if (g_strcmp0 (e->slot->id, booked_slot->id) == 0)
        {
          g_assert_true (e->conflict);
          g_assert_nonnull (e->conflict_note);
          g_assert_nonnull (strstr (e->conflict_note, "booked"));
          g_assert_nonnull (e->booking);
          g_assert_cmpstr (e->booking->id, ==, "booking-a");
        }
      else if (g_strcmp0 (e->slot->id, busy_slot->id) == 0)
        {
          g_assert_true (e->conflict);
          g_assert_cmpint (e->slot->status, ==, CRN_SLOT_STATUS_BUSY);
          g_assert_cmpint (e->slot->version, ==, 9);
        }
      else
        {
          g_assert_cmpstr (e->slot->id, ==, past_slot->id);
          g_assert_false (e->conflict);
        }
    }
  g_clear_pointer (&week, g_ptr_array_unref);

  /* Putting the block back clears the flags; the busy slot keeps its status. */
  g_clear_pointer (&slots, g_ptr_array_unref);
  slots = crn_template_expand (template, &from, &to);
  g_assert_true (_crn_store_db_replace_template_slots (db, template->id, slots, now,
                                                      &n_removed, &n_flagged, &error));
  g_assert_cmpuint (n_flagged, ==, 0);
  week = _crn_store_db_week (db, NULL, T0 - 86400, T0 + 40 * 86400, &error);
  g_assert_cmpuint (week->len, ==, n_slots);
  g_assert_cmpuint (count_conflicts (week), ==, 0);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *e = g_ptr_array_index (week, i);

      n_block1 += g_strcmp0 (e->slot->template_block_id,
                             "b0000000-0000-4000-8000-000000000001") == 0;
      if (g_strcmp0 (e->slot->id, busy_slot->id) == 0)
        g_assert_cmpint (e->slot->status, ==, CRN_SLOT_STATUS_BUSY);
    }
  g_assert_cmpuint (n_block1, ==, n_slots);
  g_clear_pointer (&week, g_ptr_array_unref);

  /* The server deletes two slots: the booked one is kept and flagged. */
  {
    const char *ids[] = { booked_slot->id, past_slot->id, NULL };

    g_assert_true (_crn_store_db_delete_slots (db, ids, &error));
    g_assert_no_error (error);
    week = _crn_store_db_week (db, NULL, T0 - 86400, T0 + 40 * 86400, &error);
    g_assert_cmpuint (week->len, ==, n_slots - 1);
    g_assert_cmpuint (count_conflicts (week), ==, 1);
  }

  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ week view */

static void
test_week (StoreFixture  *fixture,
           gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(GPtrArray) slots = slots_array (
    store_test_slot ("s1", TEST_IDNPS, T0, 20, CRN_VISIBILITY_SNP),
    store_test_slot ("s2", TEST_IDNPS_2, T0, 20, CRN_VISIBILITY_SNP),
    store_test_slot ("s3", TEST_IDNPS, T0 + 3600, 20, CRN_VISIBILITY_SNP),
    store_test_slot ("s4", TEST_IDNPS, T0 + 7 * 86400, 20, CRN_VISIBILITY_SNP),  /* next week */
    store_test_slot ("s5", "899700999999", T0 + 1200, 20, CRN_VISIBILITY_SNP),
    store_test_slot ("s0", TEST_IDNPS, T0 - 1, 20, CRN_VISIBILITY_SNP),          /* before */
    NULL);
  g_autoptr(GPtrArray) bookings = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  const char *both[] = { TEST_IDNPS, TEST_IDNPS_2, NULL };
  const char *one[] = { TEST_IDNPS_2, NULL };
  CrnBooking *cancelled, *rebooked;

  cancelled = store_test_booking ("b-old", g_ptr_array_index (slots, 0),
                                  CRN_APPOINTMENT_STATUS_CANCELLED, CRN_REFERRER_SAS,
                                  "Petit", "Hugo", "2001-01-01");
  rebooked = store_test_booking ("b-new", g_ptr_array_index (slots, 0),
                                 CRN_APPOINTMENT_STATUS_BOOKED, CRN_REFERRER_PHARMACY,
                                 "Roux", "Inès", "1975-06-30");
  bookings = bookings_array (cancelled, rebooked,
                             store_test_booking ("b-3", g_ptr_array_index (slots, 2),
                                                 CRN_APPOINTMENT_STATUS_PROPOSED,
                                                 CRN_REFERRER_SAS, "Simon", "Jules",
                                                 "2015-02-03"),
                             NULL);
  g_assert_true (_crn_store_db_upsert_slots (db, slots, NULL, &error));
  g_assert_true (_crn_store_db_upsert_bookings (db, bookings, NULL, &error));
  g_assert_no_error (error);

  week = _crn_store_db_week (db, both, T0, T0 + 7 * 86400, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (week->len, ==, 3);
  /* by start, then practitioner */
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 0))->slot->id, ==, "s1");
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 1))->slot->id, ==, "s2");
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 2))->slot->id, ==, "s3");
  /* the booking that holds s1 is the live one, not the cancelled one */
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 0))->booking->id, ==, "b-new");
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 0))->booking->patient.given, ==, "Inès");
  g_assert_null (((CrnWeekEntry *) g_ptr_array_index (week, 1))->booking);
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 2))->booking->id, ==, "b-3");
  g_clear_pointer (&week, g_ptr_array_unref);

  week = _crn_store_db_week (db, one, T0, T0 + 7 * 86400, &error);
  g_assert_cmpuint (week->len, ==, 1);
  g_clear_pointer (&week, g_ptr_array_unref);

  week = _crn_store_db_week (db, NULL, T0, T0 + 7 * 86400, &error);
  g_assert_cmpuint (week->len, ==, 4);

  /* Served by the (practitioner, start) index, and the booking lookup by its slot index. */
  plan = query_plan (db,
                     "SELECT s.id, b.id FROM slots s LEFT JOIN bookings b ON b.id = (SELECT x.id"
                     " FROM bookings x WHERE x.slot_id = s.id AND x.status IN ('booked')"
                     " ORDER BY x.created_at DESC, x.id LIMIT 1)"
                     " WHERE s.practitioner IN (SELECT value FROM json_each ('[\"a\"]'))"
                     " AND s.start >= 0 AND s.start < 10 ORDER BY s.start, s.practitioner, s.id");
  g_test_message ("week plan:\n%s", plan);
  g_assert_nonnull (strstr (plan, "slots_practitioner_start"));
  g_assert_nonnull (strstr (plan, "bookings_slot"));

  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ figures */

static void
assert_figures_equal (const CrnFigures *sql,
                      const CrnFigures *c)
{
  g_assert_cmpuint (sql->offered, ==, c->offered);
  g_assert_cmpuint (sql->booked, ==, c->booked);
  g_assert_cmpuint (sql->seen, ==, c->seen);
  g_assert_cmpuint (sql->noshow, ==, c->noshow);
  g_assert_cmpuint (sql->cancelled, ==, c->cancelled);
  g_assert_cmpuint (sql->extras, ==, c->extras);
  g_assert_cmpuint (sql->sas_regulated, ==, c->sas_regulated);
  g_assert_cmpuint (sql->offered_minutes, ==, c->offered_minutes);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    {
      g_assert_cmpuint (sql->booked_by_referrer[r], ==, c->booked_by_referrer[r]);
      g_assert_cmpuint (sql->noshow_by_referrer[r], ==, c->noshow_by_referrer[r]);
    }
  g_assert_true (memcmp (sql, c, sizeof *sql) == 0);
}

static void
compare_figures_for_seed (const char *path,
                          guint32     seed)
{
  CrnStoreDb *db = store_test_open (path);
  CrnInstant now = T0 + 30 * 86400 + 12 * 3600;
  g_autoptr(StoreTestData) generated = NULL;
  g_autoptr(GError) error = NULL;
  guint n_compared = 0, n_nonzero = 0;

  crn_time_set_now_for_testing (now);
  generated = store_test_generate (seed, 3, T0, 61, 900, 600, now);
  g_assert_true (_crn_store_db_upsert_slots (db, generated->slots, NULL, &error));
  g_assert_true (_crn_store_db_upsert_bookings (db, generated->bookings, NULL, &error));
  g_assert_no_error (error);

  for (int p = -1; p < 3; p++)
    {
      const char *gp = p < 0 ? NULL : generated->practitioners[p];
      /* the whole range, each ISO week, each month, and odd periods */
      for (CrnInstant from = T0 - 86400; from < T0 + 62 * 86400; from += 7 * 86400)
        {
          const CrnInstant lengths[] = { 7 * 86400, 31 * 86400, 3 * 3600 + 17, 70 * 86400 };

          for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
            {
              CrnFigures c, sql;

              crn_figures_compute (&c, generated->slots, generated->bookings, gp, from,
                                   from + lengths[l]);
              g_assert_true (_crn_store_db_figures (db, gp, from, from + lengths[l], &sql,
                                                    &error));
              g_assert_no_error (error);
              assert_figures_equal (&sql, &c);
              n_compared++;
              n_nonzero += c.booked > 0 && c.noshow > 0 && c.extras > 0;
            }
        }
    }
  g_test_message ("seed %u: %u periods compared, %u with bookings, no-shows and extras",
                  seed, n_compared, n_nonzero);
  /* The data really exercises every counter. */
  g_assert_cmpuint (n_nonzero, >, 20);

  {
    CrnFigures all;

    g_assert_true (_crn_store_db_figures (db, NULL, T0, T0 + 61 * 86400, &all, &error));
    g_assert_cmpuint (all.seen, >, 0);
    g_assert_cmpuint (all.sas_regulated, >, 0);
    g_assert_cmpuint (all.cancelled, >, 0);
    g_assert_cmpuint (all.offered_minutes, >, all.offered * 14);
  }

  crn_time_set_now_for_testing (0);
  _crn_store_db_close (db);
}

static void
test_figures_sql_vs_c (StoreFixture  *fixture,
                       gconstpointer  data)
{
  const guint32 seeds[] = { 20260302, 1, 4242 };

  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s.%u", fixture->path, seeds[i]);

      compare_figures_for_seed (path, seeds[i]);
    }
}

/* ------------------------------------------------------------------ inbox */

static void
test_inbox (StoreFixture  *fixture,
            gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  /* Wednesday 4 March 2026 10:30 UTC (11:30 in Paris) */
  CrnInstant now = T0 + 2 * 86400 + 2 * 3600 + 1800;
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  GDate first;
  struct {
    int day; int hour; CrnAppointmentStatus status; CrnParticipationStatus part;
    CrnReferrer referrer; const char *family; const char *given; const char *birth;
    const char *id;
  } rows[] = {
    /* days from Monday 2 March, hours UTC */
    { 2, 13, CRN_APPOINTMENT_STATUS_PROPOSED, CRN_PARTICIPATION_NEEDS_ACTION, CRN_REFERRER_SAS, "Durand", "Léa", "1988-04-02", "confirm-1" },
    { 3, 9, CRN_APPOINTMENT_STATUS_PENDING, CRN_PARTICIPATION_NEEDS_ACTION, CRN_REFERRER_PHARMACY, "Roux", "Inès", "1975-06-30", "confirm-2" },
    { 3, 8, CRN_APPOINTMENT_STATUS_PROPOSED, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Simon", "Jules", "2015-02-03", "not-confirm" },
    { 2, 8, CRN_APPOINTMENT_STATUS_BOOKED, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Petit", "Hugo", "2001-01-01", "today-past" },
    { 2, 16, CRN_APPOINTMENT_STATUS_BOOKED, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Moreau", "Claire", "1960-12-12", "today-later" },
    { 2, 17, CRN_APPOINTMENT_STATUS_CANCELLED, CRN_PARTICIPATION_DECLINED, CRN_REFERRER_SAS, "Leroy", "Louis", "1999-09-09", "today-cancelled" },
    { 1, 9, CRN_APPOINTMENT_STATUS_ARRIVED, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_NURSE, "Garcia", "Manon", "1990-05-05", "outcome-1" },
    { 0, 9, CRN_APPOINTMENT_STATUS_NOSHOW, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Étienne", "Élodie", "1980-03-03", "noshow-1" },
    { -30, 9, CRN_APPOINTMENT_STATUS_NOSHOW, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_PHARMACY, "ETIENNE", "elodie", "1980-03-03", "noshow-2" },
    { -31, 9, CRN_APPOINTMENT_STATUS_NOSHOW, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Etienne", "Elodie", "1980-03-04", "noshow-other-person" },
    /* 28 February 23:00 UTC is 1 March 00:00 in Paris: a March no-show */
    { -2, 23, CRN_APPOINTMENT_STATUS_NOSHOW, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Fournier", "Lucas", "1995-01-01", "noshow-boundary" },
    { -3, 9, CRN_APPOINTMENT_STATUS_FULFILLED, CRN_PARTICIPATION_ACCEPTED, CRN_REFERRER_SAS, "Michel", "Chloé", "1970-07-07", "seen-1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *slot_id = g_strdup_printf ("slot-%u", i);
      CrnSlot *slot = store_test_slot (slot_id, TEST_IDNPS,
                                       T0 + rows[i].day * 86400 + (rows[i].hour - 8) * 3600,
                                       20, CRN_VISIBILITY_SNP);
      CrnBooking *b = store_test_booking (rows[i].id, slot, rows[i].status, rows[i].referrer,
                                          rows[i].family, rows[i].given, rows[i].birth);

      b->practitioner_status = rows[i].part;
      g_ptr_array_add (slots, slot);
      g_ptr_array_add (bookings, b);
    }
  g_assert_true (_crn_store_db_upsert_slots (db, slots, NULL, &error));
  g_assert_true (_crn_store_db_upsert_bookings (db, bookings, NULL, &error));
  g_assert_no_error (error);

  list = _crn_store_db_bookings_to_confirm (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 0))->id, ==, "confirm-1");
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 1))->id, ==, "confirm-2");
  for (guint i = 0; i < list->len; i++)
    g_assert_true (crn_booking_needs_confirmation (g_ptr_array_index (list, i)));
  g_clear_pointer (&list, g_ptr_array_unref);

  {
    GDate day;
    CrnInstant from, to;

    crn_time_to_local (now, &day, NULL, NULL);
    from = crn_time_from_local (&day, 0);
    g_date_add_days (&day, 1);
    to = crn_time_from_local (&day, 0);
    list = _crn_store_db_bookings_between (db, from, to, &error);
  }
  g_assert_cmpuint (list->len, ==, 3);   /* today-past, confirm-1, today-later */
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 0))->id, ==, "today-past");
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 2))->id, ==, "today-later");
  g_clear_pointer (&list, g_ptr_array_unref);

  list = _crn_store_db_bookings_coming (db, now, 0, &error);
  g_assert_cmpuint (list->len, ==, 4);   /* confirm-1, today-later, not-confirm, confirm-2 */
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 0))->id, ==, "confirm-1");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = _crn_store_db_bookings_coming (db, now, 2, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = _crn_store_db_bookings_without_outcome (db, now, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 0))->id, ==, "outcome-1");
  g_assert_cmpstr (((CrnBooking *) g_ptr_array_index (list, 1))->id, ==, "today-past");
  for (guint i = 0; i < list->len; i++)
    g_assert_true (crn_booking_needs_outcome (g_ptr_array_index (list, i), now));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Repeat no-shows: the same person whatever the case and accents, not her namesake
   * born on another day. */
  list = _crn_store_db_repeat_noshows (db, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    CrnRepeatNoshow *r = g_ptr_array_index (list, 0);

    g_assert_cmpuint (r->count, ==, 2);
    g_assert_cmpstr (r->birth_date, ==, "1980-03-03");
    g_assert_cmpint (r->last_start, ==, T0 + 3600);
  }
  g_clear_pointer (&list, g_ptr_array_unref);
  list = _crn_store_db_repeat_noshows (db, 3, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Per month in Paris: January 2026 (30 and 31 Jan), February (seen on 27 Feb), March
   * (2 March, and the one at midnight in Paris on 1 March; the arrived patient is seen). */
  crn_time_set_now_for_testing (now);
  g_date_set_dmy (&first, 15, G_DATE_JANUARY, 2026);
  counts = _crn_store_db_noshows_per_month (db, NULL, &first, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 3);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 0).year, ==, 2026);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 0).month, ==, 1);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 0).noshow, ==, 2);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 0).seen, ==, 0);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 1).month, ==, 2);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 1).noshow, ==, 0);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 1).seen, ==, 1);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 2).month, ==, 3);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 2).noshow, ==, 2);
  g_assert_cmpuint (g_array_index (counts, CrnNoshowCount, 2).seen, ==, 1);
  g_clear_pointer (&counts, g_array_unref);

  counts = _crn_store_db_noshows_per_referrer (db, TEST_IDNPS, T0 - 60 * 86400, T0 + 7 * 86400,
                                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 3);
  for (guint i = 0; i < counts->len; i++)
    {
      CrnNoshowCount *c = &g_array_index (counts, CrnNoshowCount, i);

      if (c->referrer == CRN_REFERRER_SAS)
        {
          g_assert_cmpuint (c->noshow, ==, 3);
          g_assert_cmpuint (c->seen, ==, 1);
        }
      else if (c->referrer == CRN_REFERRER_PHARMACY)
        {
          g_assert_cmpuint (c->noshow, ==, 1);
          g_assert_cmpuint (c->seen, ==, 0);
        }
      else
        {
          g_assert_cmpint (c->referrer, ==, CRN_REFERRER_NURSE);
          g_assert_cmpuint (c->seen, ==, 1);
        }
    }
  crn_time_set_now_for_testing (0);

  {
    g_autofree char *plan = query_plan (db, "SELECT id FROM bookings WHERE status IN"
                                            " ('proposed', 'pending') ORDER BY start");

    g_assert_nonnull (strstr (plan, "bookings_status"));
  }

  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ sync state, accounts */

static void
test_sync_state (StoreFixture  *fixture,
                 gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnSyncState) state = NULL;
  CrnSyncState set = { (char *) "Appointment", 1772000000000, (char *) "W/\"7\"", 0 };
  g_autoptr(GError) error = NULL;

  state = _crn_store_db_get_sync_state (db, "Appointment", &error);
  g_assert_no_error (error);
  g_assert_cmpint (state->watermark_ms, ==, 0);
  g_assert_null (state->etag);
  g_clear_pointer (&state, crn_sync_state_free);

  g_assert_true (_crn_store_db_set_sync_state (db, &set, &error));
  set.watermark_ms = 1771000000000;   /* never backwards */
  set.etag = (char *) "W/\"8\"";
  g_assert_true (_crn_store_db_set_sync_state (db, &set, &error));
  g_assert_no_error (error);

  state = _crn_store_db_get_sync_state (db, "Appointment", &error);
  g_assert_cmpint (state->watermark_ms, ==, 1772000000000);
  g_assert_cmpstr (state->etag, ==, "W/\"8\"");
  g_assert_cmpint (state->synced_at_ms, >, 0);
  g_clear_pointer (&state, crn_sync_state_free);

  state = _crn_store_db_get_sync_state (db, "Slot", &error);
  g_assert_cmpint (state->watermark_ms, ==, 0);

  _crn_store_db_close (db);
}

/* One pull sorts by lastUpdated: a template edited after its slots were made arrives after
 * them. The slots must still count as the template's when it is next re-expanded: an
 * absence removes them, a booked one is flagged. */
static void
test_template_after_its_slots (StoreFixture  *fixture,
                               gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnTemplate) template = make_template ();
  g_autoptr(CrnTemplate) changed = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  CrnTemplateException *absence = crn_template_exception_new ();
  GDate from, to;
  guint n_removed = 99, n_flagged = 99;
  guint n_slots;

  g_date_set_dmy (&from, 2, G_DATE_MARCH, 2026);
  g_date_set_dmy (&to, 29, G_DATE_MARCH, 2026);
  slots = crn_template_expand (template, &from, &to);
  n_slots = slots->len;
  g_assert_cmpuint (n_slots, >, 4);

  /* The slots' page first (their template unknown yet), then the template's. */
  g_assert_true (_crn_store_db_upsert_slots (db, slots, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots WHERE template_id IS NULL"),
                   ==, n_slots);
  page = g_ptr_array_new ();
  g_ptr_array_add (page, template);
  g_assert_true (_crn_store_db_upsert_templates (db, page, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots WHERE template_id IS NULL"),
                   ==, 0);

  /* The GP is away the whole month: every future slot goes. */
  changed = crn_template_copy (template);
  g_free (absence->id);
  absence->id = g_strdup ("e0000000-0000-4000-8000-000000000002");
  absence->start = T0 - 86400;
  absence->end = T0 + 40 * 86400;
  absence->reason = g_strdup ("Formation");
  crn_template_add_exception (changed, absence);
  g_clear_pointer (&slots, g_ptr_array_unref);
  slots = crn_template_expand (changed, &from, &to);
  g_assert_cmpuint (slots->len, ==, 0);
  g_assert_true (_crn_store_db_replace_template_slots (db, changed->id, slots, T0 - 86400,
                                                      &n_removed, &n_flagged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_removed, ==, n_slots);
  g_assert_cmpuint (n_flagged, ==, 0);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots"), ==, 0);

  _crn_store_db_close (db);
}

/* A slot the local template change removed (it was free here) but that the server booked
 * meanwhile comes back with the pull: kept, and flagged for the practice to decide; the
 * flag survives the next pages. */
static void
test_template_removed_then_booked (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  g_autoptr(CrnTemplate) template = make_template ();
  g_autoptr(CrnTemplate) changed = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) booked = NULL;
  g_autoptr(CrnSlot) other = NULL;
  CrnSyncState state = { (char *) "Slot", 1772500000000, NULL, 0 };
  GDate from, to;
  guint n_removed = 0, n_flagged = 99;
  guint n_applied = 0;

  g_date_set_dmy (&from, 2, G_DATE_MARCH, 2026);
  g_date_set_dmy (&to, 29, G_DATE_MARCH, 2026);
  slots = crn_template_expand (template, &from, &to);
  g_assert_true (_crn_store_db_replace_template_slots (db, template->id, slots, T0 - 86400,
                                                      NULL, NULL, &error));
  g_assert_no_error (error);

  /* Offline, the GP drops the block: every slot goes (all free here). */
  changed = crn_template_copy (template);
  g_ptr_array_remove_index (changed->blocks, 0);
  none = crn_template_expand (changed, &from, &to);
  g_assert_true (_crn_store_db_replace_template_slots (db, changed->id, none, T0 - 86400,
                                                      &n_removed, &n_flagged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_removed, ==, slots->len);
  g_assert_cmpuint (n_flagged, ==, 0);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots"), ==, 0);

  /* The server had booked one of them; the pull brings it busy (with its watermark). */
  booked = crn_slot_copy (g_ptr_array_index (slots, 2));
  booked->status = CRN_SLOT_STATUS_BUSY;
  booked->version = 5;
  page = slots_array (crn_slot_copy (booked), NULL);
  g_assert_true (_crn_store_db_apply_page (db, "Slot", page, &state, &n_applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_applied, ==, 1);
  g_clear_pointer (&page, g_ptr_array_unref);

  week = _crn_store_db_week (db, NULL, T0 - 86400, T0 + 40 * 86400, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (week->len, ==, 1);
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 0))->slot->id, ==, booked->id);
  g_assert_true (((CrnWeekEntry *) g_ptr_array_index (week, 0))->conflict);
  g_assert_nonnull (((CrnWeekEntry *) g_ptr_array_index (week, 0))->conflict_note);
  g_clear_pointer (&week, g_ptr_array_unref);

  /* A later revision of it (still booked), through the plain upsert: still flagged. */
  booked->version = 6;
  page = slots_array (crn_slot_copy (booked), NULL);
  g_assert_true (_crn_store_db_upsert_slots (db, page, NULL, &error));
  g_clear_pointer (&page, g_ptr_array_unref);
  g_assert_cmpint (store_test_db_int (db, "SELECT conflict FROM slots"), ==, 1);

  /* A slot of another template, busy, is not flagged. */
  other = store_test_slot ("slot-other", TEST_IDNPS, T0 + 7200, 20, CRN_VISIBILITY_SNP);
  other->status = CRN_SLOT_STATUS_BUSY;
  other->version = 2;
  page = slots_array (g_steal_pointer (&other), NULL);
  g_assert_true (_crn_store_db_upsert_slots (db, page, NULL, &error));
  g_assert_cmpint (store_test_db_int (db, "SELECT conflict FROM slots WHERE id = 'slot-other'"),
                   ==, 0);

  /* The block is back: the slot is the template's again, unflagged. */
  g_assert_true (_crn_store_db_replace_template_slots (db, template->id, slots, T0 - 86400,
                                                      NULL, &n_flagged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots WHERE conflict != 0"),
                   ==, 0);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM removed_slots"), ==, 0);

  _crn_store_db_close (db);
}

static void
test_accounts (StoreFixture  *fixture,
               gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  const char *acted_for[] = { TEST_IDNPS_2, TEST_IDNPS, NULL };
  CrnStoreAccount account = {
    (char *) "acc-1", (char *) "https://cpts.example.org", (char *) "secretariat",
    (char *) "secretary", (char **) acted_for,
  };
  CrnStoreAccount clash = account;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  CrnStoreAccount *got;

  g_assert_true (_crn_store_db_save_account (db, &account, &error));
  g_assert_no_error (error);
  list = _crn_store_db_list_accounts (db, &error);
  g_assert_cmpuint (list->len, ==, 1);
  got = g_ptr_array_index (list, 0);
  g_assert_cmpstr (got->server_url, ==, "https://cpts.example.org");
  g_assert_cmpstr (got->role, ==, "secretary");
  g_assert_cmpuint (g_strv_length (got->practitioners), ==, 2);
  g_assert_cmpstr (got->practitioners[0], ==, TEST_IDNPS);   /* sorted */
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Acting for one GP only now. */
  acted_for[1] = NULL;
  g_assert_true (_crn_store_db_save_account (db, &account, &error));
  list = _crn_store_db_list_accounts (db, &error);
  got = g_ptr_array_index (list, 0);
  g_assert_cmpuint (g_strv_length (got->practitioners), ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The same user on the same server again (a second sign-in) is the same account: it is
   * updated under its first id, with the CA file chosen this time. */
  clash.id = (char *) "acc-2";
  clash.role = (char *) "practitioner";
  clash.ca_file = (char *) "/etc/cpts/ca.pem";
  g_assert_true (_crn_store_db_save_account (db, &clash, &error));
  g_assert_no_error (error);
  list = _crn_store_db_list_accounts (db, &error);
  g_assert_cmpuint (list->len, ==, 1);
  got = g_ptr_array_index (list, 0);
  g_assert_cmpstr (got->id, ==, "acc-1");
  g_assert_cmpstr (got->role, ==, "practitioner");
  g_assert_cmpstr (got->ca_file, ==, "/etc/cpts/ca.pem");
  g_assert_cmpuint (g_strv_length (got->practitioners), ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM accounts"), ==, 1);

  g_assert_true (_crn_store_db_delete_account (db, "acc-1", &error));
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM account_practitioners"), ==, 0);
  list = _crn_store_db_list_accounts (db, &error);
  g_assert_cmpuint (list->len, ==, 0);

  _crn_store_db_close (db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, StoreFixture, NULL, store_fixture_setup, func, store_fixture_teardown)

  ADD ("/store/upsert/slots-versions", test_upsert_slots_versions);
  ADD ("/store/upsert/bookings-versions", test_upsert_bookings_versions);
  ADD ("/store/upsert/templates", test_upsert_templates);
  ADD ("/store/upsert/policy", test_policy);
  ADD ("/store/upsert/practitioners-places", test_practitioners_places);
  ADD ("/store/outbox/enqueue-mark-reopen", test_outbox);
  ADD ("/store/outbox/user-action-one-transaction", test_user_action_one_transaction);
  ADD ("/store/conflict/template-change-keeps-booked", test_template_conflict);
  ADD ("/store/conflict/template-removed-then-booked", test_template_removed_then_booked);
  ADD ("/store/conflict/template-after-its-slots", test_template_after_its_slots);
  ADD ("/store/query/week", test_week);
  ADD ("/store/query/figures-sql-vs-c", test_figures_sql_vs_c);
  ADD ("/store/query/inbox", test_inbox);
  ADD ("/store/sync-state", test_sync_state);
  ADD ("/store/accounts", test_accounts);

#undef ADD

  return g_test_run ();
}
