/* test-export-cli.c: `creneaux --export-ics/--export-csv/--export-pdf` on a real agenda file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real binary (its path is the first argument) with XDG_DATA_HOME pointing at a
 * temporary folder holding the agenda file, and parses back what it wrote. Bad arguments
 * must give a clear (translated) message, a non-zero status and no file.
 */
#include "export-test-util.h"

#include <string.h>

static const char *creneaux;

typedef struct
{
  char *dir;
  char *data_home;       /* dir/xdg */
  char *db_path;         /* dir/xdg/creneaux/creneaux.db */
} CliFixture;

static void
cli_setup (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;

  fixture->dir = g_dir_make_tmp ("crn-export-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_home = g_build_filename (fixture->dir, "xdg", NULL);
  folder = g_build_filename (fixture->data_home, "creneaux", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  fixture->db_path = g_build_filename (folder, "creneaux.db", NULL);
}

static void
cli_teardown (CliFixture    *fixture,
              gconstpointer  data)
{
  const char *argv[] = { "rm", "-rf", fixture->dir, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
  g_free (fixture->dir);
  g_free (fixture->data_home);
  g_free (fixture->db_path);
}

static StoreTestData *
fill (CliFixture *fixture)
{
  /* October 2026 and a few days around it, in the past of the real clock's today or not:
   * the comparison below uses the same clock as the binary. */
  StoreTestData *generated = store_test_generate (77, 2, store_test_utc (2026, 9, 28, 0, 0), 38,
                                                  300, 220, crn_time_now ());

  export_test_fill_store (fixture->db_path, generated->slots, generated->bookings);
  return generated;
}

static char *
read_file (const char *path)
{
  char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
test_cli_ics (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(StoreTestData) generated = fill (fixture);
  g_autofree char *out = g_build_filename (fixture->dir, "agenda.ics", NULL);
  g_autofree char *err = NULL, *text = NULL, *err2 = NULL, *with = NULL;
  const char *argv[] = { creneaux, "--export-ics", out, "--from", "2026-10-05", "--to",
                         "2026-10-11", NULL, NULL };
  CrnInstant from, to;
  guint expected = 0, n = 0, named = 0;
  icalcomponent *calendar;
  GDate day;

  g_assert_cmpint (export_test_run (argv, fixture->data_home, NULL, &err), ==, 0);
  text = read_file (out);
  calendar = export_test_parse_ics (text);

  /* The slots of that week offered to regulation or holding a booking. */
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 5, G_DATE_OCTOBER, 2026);
  from = crn_time_from_local (&day, 0);
  g_date_add_days (&day, 7);
  to = crn_time_from_local (&day, 0);
  for (guint i = 0; i < generated->slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (generated->slots, i);
      gboolean held = FALSE;

      if (slot->start < from || slot->start >= to
          || slot->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
        continue;
      for (guint j = 0; j < generated->bookings->len; j++)
        {
          const CrnBooking *b = g_ptr_array_index (generated->bookings, j);

          held |= g_strcmp0 (b->slot_id, slot->id) == 0 && crn_booking_holds_slot (b);
        }
      expected += held || crn_slot_is_for_regulation (slot);
    }
  g_assert_cmpuint (expected, >, 10);

  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      struct icaltimetype start = icalcomponent_get_dtstart (event);
      time_t t = icaltime_as_timet_with_zone (start, start.zone);

      g_assert_nonnull (start.zone);
      g_assert_cmpint (t, >=, from);
      g_assert_cmpint (t, <, to);
      n++;
    }
  g_assert_cmpuint (n, ==, expected);
  icalcomponent_free (calendar);

  /* No patient without --with-patients; with it, their names. */
  for (guint j = 0; j < generated->bookings->len; j++)
    {
      const CrnBooking *b = g_ptr_array_index (generated->bookings, j);
      g_autofree char *summary = g_strdup_printf ("SNP booking: %s %s", b->patient.family,
                                                  b->patient.given);

      g_assert_null (strstr (text, summary));
    }
  argv[7] = "--with-patients";
  g_assert_cmpint (export_test_run (argv, fixture->data_home, NULL, &err2), ==, 0);
  with = read_file (out);
  for (guint j = 0; j < generated->bookings->len; j++)
    {
      const CrnBooking *b = g_ptr_array_index (generated->bookings, j);
      g_autofree char *summary = g_strdup_printf ("SNP booking: %s %s", b->patient.family,
                                                  b->patient.given);

      named += strstr (with, summary) != NULL;
    }
  g_assert_cmpuint (named, >, 0);

  /* In French, the events say so in French (po/fr.po through the build's catalogue). */
  {
    g_autofree char *err3 = NULL, *french = NULL;
    g_auto(GStrv) folded = NULL;
    g_autofree char *flat = NULL;

    argv[7] = NULL;
    g_assert_cmpint (export_test_run (argv, fixture->data_home, "fr", &err3), ==, 0);
    french = read_file (out);
    folded = g_strsplit (french, "\r\n ", -1);
    flat = g_strjoinv ("", folded);
    g_assert_nonnull (strstr (flat, "\r\nSUMMARY:Créneau SNP libre\r\n"));
    g_assert_nonnull (strstr (flat, "\r\nX-WR-CALNAME:Créneaux SNP\r\n"));
    g_assert_null (strstr (flat, "SUMMARY:SNP slot"));
  }
}

static guint
cell (GPtrArray *row,
      guint      column)
{
  guint64 value = 0;

  g_assert_true (g_ascii_string_to_unsigned (g_ptr_array_index (row, column), 10, 0, G_MAXUINT,
                                             &value, NULL));
  return (guint) value;
}

static void
test_cli_csv (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(StoreTestData) generated = fill (fixture);
  g_autofree char *out = g_build_filename (fixture->dir, "octobre.csv", NULL);
  g_autofree char *err = NULL, *text = NULL, *header = crn_export_csv_header (';');
  const char *argv[] = { creneaux, "--export-csv", out, "--month", "2026-10", "--separator", ";",
                         NULL };
  g_autoptr(GPtrArray) rows = NULL;
  g_auto(GStrv) columns = g_strsplit (header, ";", -1);
  gboolean bom;

  g_assert_cmpint (export_test_run (argv, fixture->data_home, NULL, &err), ==, 0);
  text = read_file (out);
  rows = export_test_parse_csv (text, ';', &bom);
  g_assert_true (bom);
  g_assert_cmpuint (rows->len, ==, 33);
  for (guint i = 0; columns[i] != NULL; i++)
    g_assert_cmpstr (g_ptr_array_index ((GPtrArray *) g_ptr_array_index (rows, 0), i), ==,
                     columns[i]);

  for (guint d = 1; d <= 32; d++)
    {
      GPtrArray *row = g_ptr_array_index (rows, d);
      GDate first, next;
      CrnFigures f;

      g_date_clear (&first, 1);
      g_date_set_dmy (&first, d <= 31 ? d : 1, G_DATE_OCTOBER, 2026);
      next = first;
      if (d <= 31)
        g_date_add_days (&next, 1);
      else
        g_date_add_months (&next, 1);      /* the TOTAL line */
      export_test_figures (&f, generated->slots, generated->bookings, &first, &next);

      /* date, offered, minutes, booked, booked by referrer ×7, seen, no-shows */
      g_assert_cmpuint (cell (row, 1), ==, f.offered);
      g_assert_cmpuint (cell (row, 2), ==, f.offered_minutes);
      g_assert_cmpuint (cell (row, 3), ==, f.booked);
      g_assert_cmpuint (cell (row, 4), ==, f.booked_by_referrer[CRN_REFERRER_SAS]);
      g_assert_cmpuint (cell (row, 4 + CRN_REFERRER_N), ==, f.seen);
      g_assert_cmpuint (cell (row, 5 + CRN_REFERRER_N), ==, f.noshow);
    }
  g_assert_cmpstr (g_ptr_array_index ((GPtrArray *) g_ptr_array_index (rows, 32), 0), ==,
                   "TOTAL");
}

static char *
run_poppler (const char *tool,
             const char *path)
{
  const char *argv[] = { tool, path, g_str_equal (tool, "pdftotext") ? "-" : NULL, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                               | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  return out;
}

static void
test_cli_pdf (CliFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(StoreTestData) generated = fill (fixture);
  g_autofree char *out = g_build_filename (fixture->dir, "octobre.pdf", NULL);
  g_autofree char *err = NULL, *info = NULL, *text = NULL;
  const char *argv[] = { creneaux, "--export-pdf", out, "--month", "2026-10", NULL };

  g_assert_cmpint (export_test_run (argv, fixture->data_home, NULL, &err), ==, 0);
  info = run_poppler ("pdfinfo", out);
  g_assert_true (g_regex_match_simple ("^Pages: +1$", info, G_REGEX_MULTILINE, 0));
  text = run_poppler ("pdftotext", out);
  g_assert_nonnull (strstr (text, "Créneaux, SNP activity, October 2026"));
}

typedef struct
{
  const char *args[8];
  const char *message;        /* a part of the message on the standard error */
} BadCase;

static void
test_cli_bad_arguments (CliFixture    *fixture,
                        gconstpointer  data)
{
  const BadCase cases[] = {
    { { "--export-ics", "OUT", "--from", "2026-10-32", "--to", "2026-11-01" }, "is not a date" },
    { { "--export-ics", "OUT", "--from", "2026-10-05", "--to", "2026-10-04" },
      "The last day is before the first day." },
    { { "--export-ics", "OUT", "--from", "2026-10-05" }, "needs --from and --to" },
    { { "--export-ics", "OUT", "--from", "2026-01-01", "--to", "2027-12-31" }, "at most" },
    { { "--export-csv", "OUT", "--month", "2026-13" }, "is not a month" },
    { { "--export-csv", "OUT" }, "needs --month" },
    { { "--export-csv", "OUT", "--month", "2026-10", "--separator", "|" }, "is not a separator" },
    { { "--export-pdf", "OUT", "--month", "2026-10", "--separator", ";" }, "--export-csv only" },
    { { "--export-pdf", "OUT", "--month", "2026-10", "--from", "2026-10-01" }, "--export-ics only" },
    { { "--export-pdf", "OUT", "--export-csv", "OUT", "--month", "2026-10" }, "at a time" },
    { { "--month", "2026-10" }, "goes with --export-ics" },
    { { "--export-ics", "NOWHERE", "--from", "2026-10-05", "--to", "2026-10-06" },
      "could not be written" },
  };
  g_autofree char *out = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *nowhere = g_build_filename (fixture->dir, "no-such-folder", "out.ics", NULL);
  g_autoptr(StoreTestData) generated = fill (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[10] = { creneaux, };
      g_autofree char *err = NULL;
      guint n = 1;

      for (guint j = 0; cases[i].args[j] != NULL; j++)
        {
          const char *arg = cases[i].args[j];

          argv[n++] = g_str_equal (arg, "OUT") ? out : g_str_equal (arg, "NOWHERE") ? nowhere : arg;
        }
      g_test_message ("case %u: %s", i, cases[i].message);
      g_assert_cmpint (export_test_run (argv, fixture->data_home, NULL, &err), !=, 0);
      g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
    }

  /* The same in French. */
  {
    const char *argv[] = { creneaux, "--export-ics", out, "--from", "2026-10-32", "--to",
                           "2026-11-01", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (export_test_run (argv, fixture->data_home, "fr", &err), !=, 0);
    g_assert_nonnull (strstr (err, "« 2026-10-32 » n’est pas une date"));
  }
}

static void
test_cli_no_agenda (CliFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->dir, "agenda.ics", NULL);
  g_autofree char *err = NULL;
  const char *argv[] = { creneaux, "--export-ics", out, "--from", "2026-10-05", "--to",
                         "2026-10-06", NULL };

  /* Nothing at XDG_DATA_HOME: a clear message, and no agenda file created by the export. */
  g_assert_cmpint (export_test_run (argv, fixture->data_home, NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "There is no agenda on this computer yet"));
  g_assert_false (g_file_test (fixture->db_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("usage: %s PATH-TO-CRENEAUX", argv[0]);
  creneaux = argv[1];

#define ADD(path, func) g_test_add (path, CliFixture, NULL, cli_setup, func, cli_teardown)
  ADD ("/export/cli/ics", test_cli_ics);
  ADD ("/export/cli/csv", test_cli_csv);
  ADD ("/export/cli/pdf", test_cli_pdf);
  ADD ("/export/cli/bad-arguments", test_cli_bad_arguments);
  ADD ("/export/cli/no-agenda", test_cli_no_agenda);
#undef ADD

  return g_test_run ();
}
