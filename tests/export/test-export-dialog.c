/* test-export-dialog.c: the window's "Export…" dialog on a real store (under Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the dialog through the window's win.export action (the primary menu's entry), fills
 * it, and exports as choosing a file in the chooser does; the files are parsed back (CSV
 * against the core's figures of the agenda, iCalendar with libical). A bad range keeps the
 * dialog open and writes nothing.
 */
#include <libical/ical.h>
#include <string.h>

#include "crn-export-dialog.h"
#include "crn-slot-object.h"
#include "crn-test-fixtures.h"
#include "crn-window.h"

typedef struct
{
  char      *dir;
  CrnStore  *store;
  CrnAgenda *agenda;
  CrnAgenda *memory;
  CrnWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));
  fixture->memory = crn_test_agenda_new ();
  fixture->store = crn_test_store_new (fixture->memory, &fixture->dir);
  fixture->agenda = crn_agenda_new ();
  fixture->window = crn_window_new (NULL, fixture->agenda);
  gtk_window_present (GTK_WINDOW (fixture->window));
  crn_test_wait_mapped (GTK_WIDGET (fixture->window));
  crn_test_agenda_load (fixture->agenda, fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->agenda);
  g_clear_object (&fixture->memory);
  g_clear_object (&fixture->store);
  crn_test_iterate ();
  crn_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  crn_time_set_now_for_testing (0);
}

static CrnExportDialog *
open_dialog (Fixture *fixture)
{
  CrnExportDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();     /* (transfer none) */

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export", NULL));
  crn_test_iterate ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (CRN_IS_EXPORT_DIALOG (item))
        dialog = CRN_EXPORT_DIALOG (item);
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  return dialog;
}

/* Exports through the dialog and waits until it closed (success) or for a while (failure). */
static gboolean
export_through (CrnExportDialog *dialog,
                const char      *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CrnExportDialog *alive = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &alive);
  crn_export_dialog_export_to (dialog, file);
  /* A refused request is refused at once (the button stays sensitive); otherwise the export
   * runs on the store's thread and the dialog closes when the file is written. */
  while (alive != NULL && crn_export_dialog_is_busy (dialog))
    g_main_context_iteration (NULL, TRUE);
  crn_test_iterate ();
  if (alive != NULL)
    g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &alive);
  return alive == NULL;
}

static void
test_dialog_csv (Fixture       *fixture,
                 gconstpointer  data)
{
  CrnExportDialog *dialog = open_dialog (fixture);
  g_autofree char *path = g_build_filename (fixture->dir, "decembre.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) slots = g_ptr_array_new ();
  g_autoptr(GPtrArray) bookings = g_ptr_array_new ();
  g_autoptr(GListModel) all = crn_agenda_list_slots (fixture->memory, G_MININT64 / 2,
                                                     G_MAXINT64 / 2, NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) total = NULL;
  CrnExportRequest request;
  CrnInstant from, to;
  CrnFigures f;
  guint n;

  crn_export_request_init (&request, CRN_EXPORT_CSV);
  g_date_set_dmy (&request.month, 1, G_DATE_DECEMBER, 2026);
  crn_export_dialog_set_request (dialog, &request);
  g_assert_true (export_through (dialog, path));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));

  /* The TOTAL line against the core's figures of the agenda written to the store. */
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(CrnSlotObject) object = g_list_model_get_item (all, i);

      g_ptr_array_add (slots, (gpointer) crn_slot_object_get_slot (object));
      if (crn_slot_object_get_booking (object) != NULL)
        g_ptr_array_add (bookings, (gpointer) crn_slot_object_get_booking (object));
    }
  crn_period_month (&request.month, &from, &to);
  crn_figures_compute (&f, slots, bookings, NULL, from, to);
  g_assert_cmpuint (f.offered, >, 0);

  lines = g_strsplit (text, "\r\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, ==, 1 + 31 + 1 + 1);          /* header, days, TOTAL, "" */
  total = g_strsplit (lines[32], ",", -1);
  g_assert_cmpstr (total[0], ==, "TOTAL");
  g_assert_cmpuint (g_ascii_strtoull (total[1], NULL, 10), ==, f.offered);
  g_assert_cmpuint (g_ascii_strtoull (total[3], NULL, 10), ==, f.booked);
}

static void
test_dialog_ics (Fixture       *fixture,
                 gconstpointer  data)
{
  CrnExportDialog *dialog = open_dialog (fixture);
  g_autofree char *path = g_build_filename (fixture->dir, "agenda.ics", NULL);
  g_autofree char *text = NULL;
  CrnExportRequest request;
  icalcomponent *calendar;
  guint n = 0;

  crn_export_request_init (&request, CRN_EXPORT_ICS);
  g_date_set_dmy (&request.from, 30, G_DATE_NOVEMBER, 2026);
  g_date_set_dmy (&request.to, 13, G_DATE_DECEMBER, 2026);
  crn_export_dialog_set_request (dialog, &request);
  g_assert_true (export_through (dialog, path));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  calendar = icalcomponent_new_from_string (text);
  g_assert_nonnull (calendar);
  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      struct icaltimetype start = icalcomponent_get_dtstart (event);

      g_assert_nonnull (start.zone);
      n++;
    }
  icalcomponent_free (calendar);
  g_assert_cmpuint (n, >, 0);
}

static void
test_dialog_bad_range (Fixture       *fixture,
                       gconstpointer  data)
{
  CrnExportDialog *dialog = open_dialog (fixture);
  g_autofree char *path = g_build_filename (fixture->dir, "agenda.ics", NULL);
  CrnExportRequest request;

  crn_export_request_init (&request, CRN_EXPORT_ICS);
  g_date_set_dmy (&request.from, 13, G_DATE_DECEMBER, 2026);
  g_date_set_dmy (&request.to, 30, G_DATE_NOVEMBER, 2026);
  crn_export_dialog_set_request (dialog, &request);
  g_assert_false (export_through (dialog, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  crn_test_init (&argc, &argv);

  g_test_add ("/export/dialog/csv", Fixture, NULL, fixture_set_up, test_dialog_csv,
              fixture_tear_down);
  g_test_add ("/export/dialog/ics", Fixture, NULL, fixture_set_up, test_dialog_ics,
              fixture_tear_down);
  g_test_add ("/export/dialog/bad-range", Fixture, NULL, fixture_set_up, test_dialog_bad_range,
              fixture_tear_down);

  return g_test_run ();
}
