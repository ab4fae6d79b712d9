/* test-export.c: the export layer on a real store file, its files parsed back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * iCalendar with libical (times across the October 2026 DST change, stable UIDs, patient
 * identity only when asked for), CSV with an RFC 4180 parser compared with the core's
 * figures, PDF with poppler's pdfinfo and pdftotext.
 */
#include "export-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define SLOT_S1 "00000000-0000-4000-8000-0000000000a1"
#define SLOT_S2 "00000000-0000-4000-8000-0000000000a2"
#define SLOT_S3 "00000000-0000-4000-8000-0000000000a3"
#define SLOT_S4 "00000000-0000-4000-8000-0000000000a4"
#define SLOT_S6 "00000000-0000-4000-8000-0000000000a6"
#define SLOT_S7 "00000000-0000-4000-8000-0000000000a7"

/* ------------------------------------------------------------------ running an export */

typedef struct
{
  GMainLoop    *loop;
  CrnStore     *store;
  gboolean      ok;
  GError       *error;
} Run;

static void
on_store_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->store = crn_store_new_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->ok = crn_export_save_finish (CRN_STORE (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

/* Exports from the store at @db_path into @out_path; returns the file's contents, or NULL
 * with @error set. */
static char *
export_file (const char             *db_path,
             const CrnExportRequest *request,
             const char             *out_path,
             GError                **error)
{
  Run run = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (out_path);
  char *contents = NULL;

  run.loop = g_main_loop_new (NULL, FALSE);
  crn_store_new_async (db_path, NULL, on_store_cb, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);

  crn_export_save_async (run.store, request, file, NULL, on_saved_cb, &run);
  g_main_loop_run (run.loop);
  g_object_unref (run.store);
  g_main_loop_unref (run.loop);

  if (!run.ok)
    {
      g_propagate_error (error, run.error);
      return NULL;
    }
  g_assert_no_error (run.error);
  g_assert_true (g_file_get_contents (out_path, &contents, NULL, NULL));
  return contents;
}

static void
ics_request (CrnExportRequest *request,
             int               from_day,
             int               to_day,
             gboolean          with_patients)
{
  crn_export_request_init (request, CRN_EXPORT_ICS);
  g_date_set_dmy (&request->from, from_day, G_DATE_OCTOBER, 2026);
  g_date_set_dmy (&request->to, to_day, G_DATE_OCTOBER, 2026);
  request->with_patients = with_patients;
}

/* ------------------------------------------------------------------ iCalendar */

#define EXTRA_E1 "00000000-0000-4000-9000-0000000000e1"
#define EXTRA_E2 "00000000-0000-4000-9000-0000000000e2"
#define EXTRA_E3 "00000000-0000-4000-9000-0000000000e3"

/* An extra patient (surnuméraire): a booking without a slot. */
static CrnBooking *
extra_booking (const char           *id,
               CrnInstant            start,
               CrnAppointmentStatus  status,
               const char           *family,
               const char           *given)
{
  g_autoptr(CrnSlot) place = store_test_slot (SLOT_S1, TEST_IDNPS, start, 15, CRN_VISIBILITY_NONE);
  CrnBooking *booking = store_test_booking (id, place, status, CRN_REFERRER_SAS, family, given,
                                            "1972-06-15");

  g_clear_pointer (&booking->slot_id, g_free);
  booking->extra = TRUE;
  return booking;
}

/* Slots around the end of summer time in Paris (Sunday 25 October 2026, 03:00 -> 02:00). */
static void
fill_ics_store (const char *path)
{
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  CrnSlot *s2, *s4;

  /* Friday 23, 09:00 CEST */
  g_ptr_array_add (slots, store_test_slot (SLOT_S1, TEST_IDNPS, store_test_utc (2026, 10, 23, 7, 0),
                                           20, CRN_VISIBILITY_SNP));
  /* Monday 26, 09:00 CET, booked by regulation */
  s2 = store_test_slot (SLOT_S2, TEST_IDNPS, store_test_utc (2026, 10, 26, 8, 0), 20,
                        CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);
  s2->status = CRN_SLOT_STATUS_BUSY;
  g_ptr_array_add (slots, s2);
  g_ptr_array_add (bookings, store_test_booking ("00000000-0000-4000-9000-0000000000b2", s2,
                                                 CRN_APPOINTMENT_STATUS_BOOKED, CRN_REFERRER_SAS,
                                                 "Durand", "Camille", "1985-03-02"));
  /* Saturday 24, 10:00: kept for the practice's own patients, not exported */
  g_ptr_array_add (slots, store_test_slot (SLOT_S3, TEST_IDNPS, store_test_utc (2026, 10, 24, 8, 0),
                                           15, CRN_VISIBILITY_NONE));
  /* Saturday 24, 11:00: for professionals only, but booked by a pharmacy: exported */
  s4 = store_test_slot (SLOT_S4, TEST_IDNPS_2, store_test_utc (2026, 10, 24, 9, 0), 15,
                        CRN_VISIBILITY_PRO);
  s4->status = CRN_SLOT_STATUS_BUSY_TENTATIVE;
  g_ptr_array_add (slots, s4);
  g_ptr_array_add (bookings, store_test_booking ("00000000-0000-4000-9000-0000000000b4", s4,
                                                 CRN_APPOINTMENT_STATUS_PROPOSED,
                                                 CRN_REFERRER_PHARMACY, "Étienne", "Inès",
                                                 "1950-11-20"));
  /* Tuesday 27: after the range */
  g_ptr_array_add (slots, store_test_slot (SLOT_S6, TEST_IDNPS, store_test_utc (2026, 10, 27, 8, 0),
                                           20, CRN_VISIBILITY_SNP));
  /* Friday 23, 00:30 in Paris (still Thursday 22 in UTC): inside the range */
  g_ptr_array_add (slots, store_test_slot (SLOT_S7, TEST_IDNPS, store_test_utc (2026, 10, 22, 22, 30),
                                           20, CRN_VISIBILITY_SNP));
  /* Extra patients: Sunday 25, 10:00 CET (seen); Saturday 24 (cancelled, not exported);
   * Tuesday 27 (after the range) */
  g_ptr_array_add (bookings, extra_booking (EXTRA_E1, store_test_utc (2026, 10, 25, 9, 0),
                                            CRN_APPOINTMENT_STATUS_FULFILLED, "Lefèvre", "Hugo"));
  g_ptr_array_add (bookings, extra_booking (EXTRA_E2, store_test_utc (2026, 10, 24, 12, 0),
                                            CRN_APPOINTMENT_STATUS_CANCELLED, "Roux", "Léa"));
  g_ptr_array_add (bookings, extra_booking (EXTRA_E3, store_test_utc (2026, 10, 27, 9, 0),
                                            CRN_APPOINTMENT_STATUS_FULFILLED, "Petit", "Jules"));
  export_test_fill_store (path, slots, bookings);
}

typedef struct
{
  const char *slot_id;
  CrnInstant  start;
  int         hour, minute;        /* Europe/Paris wall clock */
  icalproperty_status status;
} Expected;

static const Expected *
find_expected (const Expected *expected,
               guint           n,
               const char     *uid)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *want = g_strdup_printf ("%s@creneaux.github.io", expected[i].slot_id);

      if (g_str_equal (want, uid))
        return &expected[i];
    }
  return NULL;
}

static char *
unfold (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\r\n ", -1);

  return g_strjoinv ("", parts);
}

static void
test_ics_times (StoreFixture  *fixture,
                gconstpointer  data)
{
  const Expected expected[] = {
    { SLOT_S7, store_test_utc (2026, 10, 22, 22, 30), 0, 30, ICAL_STATUS_TENTATIVE },
    { SLOT_S1, store_test_utc (2026, 10, 23, 7, 0), 9, 0, ICAL_STATUS_TENTATIVE },
    { SLOT_S4, store_test_utc (2026, 10, 24, 9, 0), 11, 0, ICAL_STATUS_TENTATIVE },
    { EXTRA_E1, store_test_utc (2026, 10, 25, 9, 0), 10, 0, ICAL_STATUS_CONFIRMED },
    { SLOT_S2, store_test_utc (2026, 10, 26, 8, 0), 9, 0, ICAL_STATUS_CONFIRMED },
  };
  g_autofree char *out = g_build_filename (fixture->dir, "agenda.ics", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  CrnExportRequest request;
  icalcomponent *calendar, *zone, *event;
  guint n = 0;
  gboolean seen[G_N_ELEMENTS (expected)] = { FALSE, };

  fill_ics_store (fixture->path);
  ics_request (&request, 23, 26, FALSE);
  text = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);

  calendar = export_test_parse_ics (text);
  zone = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
  g_assert_nonnull (zone);
  g_assert_cmpstr (icalproperty_get_tzid (icalcomponent_get_first_property (zone, ICAL_TZID_PROPERTY)),
                   ==, "Europe/Paris");

  for (event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT); event != NULL;
       event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      const char *uid = icalcomponent_get_uid (event);
      const Expected *e = find_expected (expected, G_N_ELEMENTS (expected), uid);
      icalproperty *dtstart = icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY);
      icalparameter *tzid = icalproperty_get_first_parameter (dtstart, ICAL_TZID_PARAMETER);
      struct icaltimetype start = icalcomponent_get_dtstart (event);
      struct icaltimetype end = icalcomponent_get_dtend (event);

      g_assert_nonnull (e);
      g_assert_false (seen[e - expected]);
      seen[e - expected] = TRUE;
      n++;

      /* Wall-clock time in Paris, with its zone, converting to the slot's instant. */
      g_assert_nonnull (tzid);
      g_assert_cmpstr (icalparameter_get_tzid (tzid), ==, "Europe/Paris");
      g_assert_nonnull (start.zone);
      g_assert_cmpint (start.hour, ==, e->hour);
      g_assert_cmpint (start.minute, ==, e->minute);
      g_assert_cmpint (icaltime_as_timet_with_zone (start, start.zone), ==, e->start);
      g_assert_cmpint (icaltime_as_timet_with_zone (end, end.zone) - e->start, >=, 15 * 60);
      g_assert_cmpint (icalcomponent_get_status (event), ==, e->status);
      g_assert_nonnull (icalcomponent_get_summary (event));
      g_assert_nonnull (icalcomponent_get_first_property (event, ICAL_DTSTAMP_PROPERTY));
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));

  /* The free SNP slot and the booked one say so. */
  {
    g_autofree char *flat = unfold (text);

    g_assert_nonnull (strstr (flat, "SUMMARY:SNP slot\\, free"));
    g_assert_nonnull (strstr (flat, "SUMMARY:SNP booking (SAS regulation)"));
    g_assert_nonnull (strstr (flat, "SUMMARY:SNP booking to confirm (Pharmacy)"));
    g_assert_nonnull (strstr (flat, "SUMMARY:Extra SNP patient (SAS regulation)"));
  }
  icalcomponent_free (calendar);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
uids_of (const char *text)
{
  icalcomponent *calendar = export_test_parse_ics (text);
  GPtrArray *uids = g_ptr_array_new_with_free_func (g_free);

  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    g_ptr_array_add (uids, g_strdup (icalcomponent_get_uid (event)));
  icalcomponent_free (calendar);
  g_ptr_array_sort (uids, compare_strings);
  return uids;
}

static void
test_ics_stable_uids (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->dir, "agenda.ics", NULL);
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  g_autoptr(GPtrArray) a = NULL, b = NULL, c = NULL;
  g_autoptr(GError) error = NULL;
  CrnExportRequest request;

  fill_ics_store (fixture->path);
  ics_request (&request, 23, 26, FALSE);
  first = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);

  /* Someone books the free slot in between: same UID, new summary. */
  {
    g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
    g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
    CrnSlot *s1 = store_test_slot (SLOT_S1, TEST_IDNPS, store_test_utc (2026, 10, 23, 7, 0), 20,
                                   CRN_VISIBILITY_SNP);

    s1->status = CRN_SLOT_STATUS_BUSY;
    s1->version = 2;
    g_ptr_array_add (bookings, store_test_booking ("00000000-0000-4000-9000-0000000000b1", s1,
                                                   CRN_APPOINTMENT_STATUS_BOOKED,
                                                   CRN_REFERRER_SAS, "Moreau", "Hugo", "1990-01-02"));
    g_ptr_array_add (slots, s1);
    export_test_fill_store (fixture->path, slots, bookings);
  }
  second = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, !=, second);

  a = uids_of (first);
  b = uids_of (second);
  g_assert_cmpuint (a->len, ==, 5);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));

  /* A narrower range gives a subset with the same UIDs. */
  ics_request (&request, 24, 24, FALSE);
  third = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);
  c = uids_of (third);
  g_assert_cmpuint (c->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (c, 0), ==, SLOT_S4 "@creneaux.github.io");
}

static void
test_ics_patients (StoreFixture  *fixture,
                   gconstpointer  data)
{
  static const char *const identity[] = {
    "Durand", "Camille", "1985-03-02", "Étienne", "Inès", "1950-11-20", "0600000000", "Fièvre",
    "Lefèvre", "1972-06-15",
  };
  g_autofree char *out = g_build_filename (fixture->dir, "agenda.ics", NULL);
  g_autofree char *without = NULL, *with = NULL, *flat_without = NULL, *flat_with = NULL;
  g_autoptr(GError) error = NULL;
  CrnExportRequest request;
  icalcomponent *calendar;
  gboolean found_summary = FALSE, found_reason = FALSE, found_extra = FALSE;

  fill_ics_store (fixture->path);
  ics_request (&request, 23, 26, FALSE);
  without = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);
  flat_without = unfold (without);
  for (guint i = 0; i < G_N_ELEMENTS (identity); i++)
    g_assert_null (strstr (flat_without, identity[i]));

  ics_request (&request, 23, 26, TRUE);
  with = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);
  flat_with = unfold (with);
  for (guint i = 0; i < G_N_ELEMENTS (identity); i++)
    g_assert_nonnull (strstr (flat_with, identity[i]));

  calendar = export_test_parse_ics (with);
  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      if (g_str_equal (icalcomponent_get_uid (event), EXTRA_E1 "@creneaux.github.io"))
        found_extra = g_str_equal (icalcomponent_get_summary (event),
                                   "Extra SNP patient: Lefèvre Hugo (SAS regulation)");
      if (!g_str_equal (icalcomponent_get_uid (event), SLOT_S2 "@creneaux.github.io"))
        continue;
      found_summary = g_str_equal (icalcomponent_get_summary (event),
                                   "SNP booking: Durand Camille (SAS regulation)");
      found_reason = strstr (icalcomponent_get_description (event),
                             "Reason: Fièvre depuis 2 jours") != NULL;
    }
  icalcomponent_free (calendar);
  g_assert_true (found_summary);
  g_assert_true (found_reason);
  g_assert_true (found_extra);
  /* Neither the cancelled extra patient nor the one after the range. */
  g_assert_null (strstr (flat_with, "Roux"));
  g_assert_null (strstr (flat_with, "Petit"));
}

/* ------------------------------------------------------------------ CSV */

static StoreTestData *
fill_month_store (const char *path)
{
  /* From 29 September over 35 days: some slots fall outside October on purpose. */
  StoreTestData *generated = store_test_generate (4242, 2, store_test_utc (2026, 9, 29, 0, 0), 35,
                                                  420, 330, crn_time_now ());

  export_test_fill_store (path, generated->slots, generated->bookings);
  return generated;
}

static guint
cell_uint (GPtrArray *row,
           guint      column)
{
  const char *text = g_ptr_array_index (row, column);
  guint64 value = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, &error));
  return (guint) value;
}

static void
assert_row (GPtrArray        *row,
            const CrnFigures *f,
            char              separator)
{
  guint c = 1;
  const char *fill;

  g_assert_cmpuint (row->len, ==, 1 + 3 + CRN_REFERRER_N + 2 + CRN_REFERRER_N + 5);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->offered);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->offered_minutes);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->booked);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    g_assert_cmpuint (cell_uint (row, c++), ==, f->booked_by_referrer[r]);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->seen);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->noshow);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    g_assert_cmpuint (cell_uint (row, c++), ==, f->noshow_by_referrer[r]);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->cancelled);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->extras);
  g_assert_cmpuint (cell_uint (row, c++), ==, f->sas_regulated);

  fill = g_ptr_array_index (row, c);
  if (f->offered == 0)
    g_assert_cmpstr (fill, ==, "");
  else
    {
      g_autofree char *dot = g_strdup (fill);
      double value;

      /* French spreadsheets get a decimal comma, the others a point. */
      g_assert_nonnull (strchr (fill, separator == ';' ? ',' : '.'));
      g_strdelimit (dot, ",", '.');
      value = g_ascii_strtod (dot, NULL);
      g_assert_cmpfloat_with_epsilon (value, 100.0 * crn_figures_fill_rate (f), 0.051);
    }
}

static void
check_csv (const char *db_path,
           const char *out,
           char        separator,
           GPtrArray  *slots,
           GPtrArray  *bookings)
{
  g_autofree char *text = NULL;
  g_autofree char *header = crn_export_csv_header (separator);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) columns = NULL;
  CrnExportRequest request;
  GPtrArray *row;
  gboolean bom;
  GDate first, next;
  CrnFigures f, sum = { 0 };
  guint nonempty = 0;

  crn_export_request_init (&request, CRN_EXPORT_CSV);
  g_date_set_dmy (&request.month, 17, G_DATE_OCTOBER, 2026);
  request.separator = separator;
  text = export_file (db_path, &request, out, &error);
  g_assert_no_error (error);

  rows = export_test_parse_csv (text, separator, &bom);
  g_assert_true (bom == (separator == ';'));
  g_assert_cmpuint (rows->len, ==, 1 + 31 + 1);

  /* The header is the documented one. */
  row = g_ptr_array_index (rows, 0);
  columns = g_strsplit (header, (char[]) { separator, '\0' }, -1);
  g_assert_cmpuint (row->len, ==, g_strv_length (columns));
  for (guint i = 0; i < row->len; i++)
    g_assert_cmpstr (g_ptr_array_index (row, i), ==, columns[i]);
  g_assert_cmpstr (columns[0], ==, "date");
  g_assert_cmpstr (columns[4], ==, "reservations_sas");

  for (guint d = 1; d <= 31; d++)
    {
      g_autofree char *date = g_strdup_printf ("2026-10-%02u", d);

      row = g_ptr_array_index (rows, d);
      g_assert_cmpstr (g_ptr_array_index (row, 0), ==, date);
      g_date_clear (&first, 1);
      g_date_set_dmy (&first, d, G_DATE_OCTOBER, 2026);
      next = first;
      g_date_add_days (&next, 1);
      export_test_figures (&f, slots, bookings, &first, &next);
      assert_row (row, &f, separator);
      sum.offered += f.offered;
      nonempty += f.offered > 0;
    }
  /* The fixture has activity on most days. */
  g_assert_cmpuint (nonempty, >, 20);

  row = g_ptr_array_index (rows, 32);
  g_assert_cmpstr (g_ptr_array_index (row, 0), ==, "TOTAL");
  g_date_set_dmy (&first, 1, G_DATE_OCTOBER, 2026);
  g_date_clear (&next, 1);
  g_date_set_dmy (&next, 1, G_DATE_NOVEMBER, 2026);
  export_test_figures (&f, slots, bookings, &first, &next);
  assert_row (row, &f, separator);
  g_assert_cmpuint (f.offered, ==, sum.offered);
}

static void
test_csv_month (StoreFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(StoreTestData) generated = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "octobre.csv", NULL);

  crn_time_set_now_for_testing (store_test_utc (2026, 10, 20, 12, 0));
  generated = fill_month_store (fixture->path);
  check_csv (fixture->path, out, ',', generated->slots, generated->bookings);
  check_csv (fixture->path, out, ';', generated->slots, generated->bookings);
  crn_time_set_now_for_testing (0);
}

/* ------------------------------------------------------------------ PDF */

static char *
run_tool (const char *tool,
          const char *option,
          const char *path)
{
  g_autofree char *program = g_find_program_in_path (tool);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  const char *argv[5] = { tool, };
  guint n = 1;

  if (program == NULL)
    g_error ("%s is missing: build-aux/deps installs poppler-utils", tool);
  if (option != NULL)
    argv[n++] = option;
  argv[n++] = path;
  if (!g_str_equal (tool, "pdfinfo"))
    argv[n++] = "-";
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  return out;
}

static void
test_pdf_month (StoreFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(StoreTestData) generated = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "octobre.pdf", NULL);
  g_autofree char *pdf = NULL, *info = NULL, *text = NULL, *layout = NULL, *offered = NULL;
  g_autoptr(GError) error = NULL;
  CrnExportRequest request;
  GDate first, next;
  CrnFigures f;

  crn_time_set_now_for_testing (store_test_utc (2026, 10, 20, 12, 0));
  generated = fill_month_store (fixture->path);
  crn_export_request_init (&request, CRN_EXPORT_PDF);
  g_date_set_dmy (&request.month, 1, G_DATE_OCTOBER, 2026);
  pdf = export_file (fixture->path, &request, out, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));

  info = run_tool ("pdfinfo", NULL, out);
  g_assert_true (g_regex_match_simple ("^Pages: +1$", info, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Title: +Créneaux, SNP activity, October 2026$", info,
                                       G_REGEX_MULTILINE, 0));

  text = run_tool ("pdftotext", NULL, out);
  layout = run_tool ("pdftotext", "-layout", out);
  g_assert_nonnull (strstr (text, "Créneaux, SNP activity, October 2026"));
  g_assert_nonnull (strstr (text, "Slots offered and booked per day"));

  g_date_clear (&first, 1);
  g_date_set_dmy (&first, 1, G_DATE_OCTOBER, 2026);
  g_date_clear (&next, 1);
  g_date_set_dmy (&next, 1, G_DATE_NOVEMBER, 2026);
  export_test_figures (&f, generated->slots, generated->bookings, &first, &next);
  offered = g_strdup_printf ("Slots offered to regulation: %u (", f.offered);
  g_assert_nonnull (strstr (text, offered));

  /* Avenant 9's checks count whole calendar weeks: week 40 starts on Monday 28 September,
   * before the month, and its line counts those days too. */
  g_assert_nonnull (strstr (text, "Avenant 9, per calendar week"));
  {
    GDate monday, next_monday, month_cut_end;
    CrnFigures whole, cut;
    g_autofree char *line = NULL;

    g_date_clear (&monday, 1);
    g_date_set_dmy (&monday, 28, G_DATE_SEPTEMBER, 2026);
    next_monday = monday;
    g_date_add_days (&next_monday, 7);
    month_cut_end = next_monday;
    export_test_figures (&whole, generated->slots, generated->bookings, &monday, &next_monday);
    export_test_figures (&cut, generated->slots, generated->bookings, &first, &month_cut_end);
    g_assert_cmpuint (whole.offered, >, cut.offered);
    /* pdftotext -layout keeps a table row on one line. */
    line = g_strdup_printf ("^40 \\(28/09\\) +%u +%u h %02u +%u ", whole.offered,
                            whole.offered_minutes / 60, whole.offered_minutes % 60, whole.booked);
    g_assert_true (g_regex_match_simple (line, layout, G_REGEX_MULTILINE, 0));
    g_assert_nonnull (strstr (layout, "44 (26/10)"));
    g_assert_null (strstr (layout, "45 (2/11)"));
  }
  crn_time_set_now_for_testing (0);
}

/* ------------------------------------------------------------------ bad input */

static void
test_bad_input (StoreFixture  *fixture,
                gconstpointer  data)
{
  static const char *const bad_dates[] = {
    "2026-13-01", "2026-02-30", "2026-1-01", "tomorrow", "", "1999-12-31", "2026-10-01x",
  };
  static const char *const bad_months[] = { "2026-13", "2026-1", "octobre", "2026-10-01", "" };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  CrnExportRequest request;
  GDate date;
  char sep;

  for (guint i = 0; i < G_N_ELEMENTS (bad_dates); i++)
    {
      g_assert_false (crn_export_parse_date (bad_dates[i], &date, &error));
      g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "YYYY-MM-DD"));
      g_clear_error (&error);
    }
  g_assert_true (crn_export_parse_date ("2028-02-29", &date, &error));
  g_assert_cmpuint (g_date_get_day (&date), ==, 29);
  for (guint i = 0; i < G_N_ELEMENTS (bad_months); i++)
    {
      g_assert_false (crn_export_parse_month (bad_months[i], &date, &error));
      g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_false (crn_export_parse_separator ("|", &sep, &error));
  g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (crn_export_parse_separator (";", &sep, &error));
  g_assert_cmpint (sep, ==, ';');

  /* The last day before the first, no dates, a range too long */
  fill_ics_store (fixture->path);
  out = g_build_filename (fixture->dir, "agenda.ics", NULL);
  ics_request (&request, 26, 23, FALSE);
  g_assert_null (export_file (fixture->path, &request, out, &error));
  g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  crn_export_request_init (&request, CRN_EXPORT_ICS);
  g_assert_false (crn_export_request_validate (&request, &error));
  g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  ics_request (&request, 1, 1, FALSE);
  g_date_add_days (&request.to, CRN_EXPORT_MAX_DAYS);
  g_assert_false (crn_export_request_validate (&request, &error));
  g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID);
  g_clear_error (&error);

  /* A file that cannot be written: the error names it. */
  g_free (out);
  out = g_build_filename (fixture->dir, "no-such-folder", "agenda.ics", NULL);
  ics_request (&request, 23, 26, FALSE);
  text = export_file (fixture->path, &request, out, &error);
  g_assert_null (text);
  g_assert_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, out));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, func, store_fixture_teardown)
  ADD ("/export/ics/times-across-dst", test_ics_times);
  ADD ("/export/ics/stable-uids", test_ics_stable_uids);
  ADD ("/export/ics/patients-only-when-asked", test_ics_patients);
  ADD ("/export/csv/month-vs-core", test_csv_month);
  ADD ("/export/pdf/month", test_pdf_month);
  ADD ("/export/bad-input", test_bad_input);
#undef ADD

  return g_test_run ();
}
