/* crn-screenshots.c: renders the app's pages to docs/screenshots/ with fictitious data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: crn-screenshots OUTPUT-DIR (run under a display; tests/app/screenshots.sh does it).
 * The clock is frozen at Tuesday 1 December 2026, 13:10 in Paris, and the agenda holds the
 * --demo-local practice, so that every run draws the same pictures.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "crn-block-dialog.h"
#include "crn-demo.h"
#include "crn-preferences-window.h"
#include "crn-test-fixtures.h"
#include "crn-window.h"

/* Lets transitions (view stack, hover) settle: 300 ms of frames. */
static void
settle (GtkWidget *widget)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  crn_test_wait_frames (widget, 1);
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static void
save (GtkWidget  *widget,
      const char *dir,
      const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  settle (widget);
  if (!crn_test_save_png (widget, path, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  g_print ("%s\n", path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrnAgenda) agenda = NULL;
  g_autoptr(CrnTemplateBlock) saturday = crn_template_block_new ();
  const char *dir;
  CrnWindow *window;
  CrnBlockDialog *dialog;

  /* French first: the script points CRN_LOCALEDIR at the build's catalogues. Bound before
   * anything translates, since GLib decides once whether to translate at all. */
  if (g_getenv ("CRN_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("CRN_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  crn_test_init (&argc, &argv);
  if (argc < 2)
    {
      g_printerr ("usage: %s OUTPUT-DIR\n", argv[0]);
      return 1;
    }
  dir = argv[1];
  g_mkdir_with_parents (dir, 0755);

  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));
  agenda = crn_agenda_new ();

  /* The demo practice written into a throw-away store, as --demo-local does. */
  window = crn_window_new (NULL, agenda);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 960);
  crn_window_show_page (window, "week");
  gtk_window_present (GTK_WINDOW (window));
  {
    g_autofree char *tmp = g_dir_make_tmp ("crn-screenshots-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (tmp, "creneaux.db", NULL);

    crn_window_open_store (window, path, TRUE);
    while (crn_agenda_get_n_slots (agenda) < 300 ||
           crn_bookings_page_is_loading (crn_window_get_bookings_page (window)))
      g_main_context_iteration (NULL, TRUE);
  }
  save (GTK_WIDGET (window), dir, "week.png");

  /* The details of a booking waiting for confirmation. */
  {
    CrnWeekView *view = crn_week_page_get_view (crn_window_get_week_page (window));

    for (guint i = 0; i < crn_week_view_get_n_tiles (view); i++)
      {
        CrnSlotTile *tile = crn_week_view_get_tile (view, i);

        if (crn_slot_tile_get_state (tile) == CRN_SLOT_STATE_WAITING)
          {
            g_assert_true (crn_week_page_show_slot (crn_window_get_week_page (window),
                                                    crn_slot_object_get_id (crn_slot_tile_get_slot (tile))));
            save (GTK_WIDGET (crn_week_view_get_popover (view)), dir, "slot-details.png");
            gtk_popover_popdown (crn_week_view_get_popover (view));
            break;
          }
      }
    /* A free slot inside the reclaim window: "Take back for my patients". */
    for (guint i = 0; i < crn_week_view_get_n_tiles (view); i++)
      {
        CrnSlotTile *tile = crn_week_view_get_tile (view, i);

        if (crn_slot_tile_get_state (tile) == CRN_SLOT_STATE_RECLAIMABLE)
          {
            g_assert_true (crn_week_page_show_slot (crn_window_get_week_page (window),
                                                    crn_slot_object_get_id (crn_slot_tile_get_slot (tile))));
            save (GTK_WIDGET (crn_week_view_get_popover (view)), dir, "slot-reclaim.png");
            gtk_popover_popdown (crn_week_view_get_popover (view));
            break;
          }
      }
  }

  crn_window_show_page (window, "availability");
  save (GTK_WIDGET (window), dir, "availability.png");

  crn_window_show_page (window, "bookings");
  save (GTK_WIDGET (window), dir, "bookings.png");
  crn_window_show_page (window, "review");
  save (GTK_WIDGET (window), dir, "review.png");
  crn_window_show_page (window, "activity");
  save (GTK_WIDGET (window), dir, "activity.png");

  /* The block editor refusing a Saturday afternoon, with the rule's words. */
  crn_window_show_page (window, "availability");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (crn_window_get_availability_page (window)),
                                             "availability.add-block", NULL));
  dialog = CRN_BLOCK_DIALOG (crn_availability_page_get_dialog (crn_window_get_availability_page (window)));
  saturday->id = crn_uuid_new ();
  saturday->weekdays = CRN_WEEKDAY_BIT (G_DATE_SATURDAY);
  saturday->start_minute = 11 * 60;
  saturday->end_minute = 13 * 60;
  saturday->slot_minutes = 20;
  saturday->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  crn_block_dialog_set_block (dialog, saturday);
  save (GTK_WIDGET (dialog), dir, "block-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The preferences over the demo practice (its CPTS policy; no account on this machine). */
  {
    g_autoptr(CrnSession) session = crn_session_new (agenda);
    g_autoptr(GSettings) settings = crn_first_run_new_settings ();
    GtkWindow *preferences = GTK_WINDOW (crn_preferences_window_new (GTK_WINDOW (window), session, settings));

    gtk_window_set_default_size (preferences, 640, 860);
    gtk_window_present (preferences);
    save (GTK_WIDGET (preferences), dir, "preferences.png");
    gtk_window_destroy (preferences);
  }

  /* The first run: welcome, then the server address with an error, then the sign-in. */
  {
    g_autoptr(CrnAgenda) empty = crn_agenda_new ();
    g_autoptr(CrnSession) session = crn_session_new (empty);
    GtkWidget *first = g_object_new (CRN_TYPE_FIRST_RUN, NULL);
    GtkWidget *frame = gtk_window_new ();

    crn_first_run_set_session (CRN_FIRST_RUN (first), session);
    gtk_window_set_child (GTK_WINDOW (frame), first);
    gtk_window_set_default_size (GTK_WINDOW (frame), 900, 640);
    gtk_window_present (GTK_WINDOW (frame));
    save (frame, dir, "first-run.png");
    gtk_widget_activate_action (first, "first-run.start", NULL);
    crn_first_run_fill (CRN_FIRST_RUN (first), "http://agenda.cpts-val-de-loire.example", NULL,
                        "secretariat.tilleuls", NULL);
    gtk_widget_activate_action (first, "first-run.continue", NULL);
    save (frame, dir, "first-run-server.png");
    crn_first_run_fill (CRN_FIRST_RUN (first), "https://agenda.cpts-val-de-loire.example", NULL,
                        NULL, NULL);
    gtk_widget_activate_action (first, "first-run.continue", NULL);
    save (frame, dir, "first-run-sign-in.png");
    gtk_window_destroy (GTK_WINDOW (frame));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  crn_test_iterate ();

  return 0;
}
