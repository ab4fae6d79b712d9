/* bench-empty-window.c: the baseline of the app's first frame: an empty libadwaita window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test. Starts like the app does (an AdwApplication, not unique, one
 * AdwApplicationWindow of the app's default size, 1100 × 720, with a header bar and nothing
 * else), prints `first-frame-ms: N` when its first frame has been painted, the same way as
 * `creneaux --exit-after-first-frame`, then its resident memory at that moment, and quits.
 * The harness runs both under the same Xvfb with the same renderer and compares.
 */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>

static gint64 start_time_us;

/* VmRSS of this process in KiB, from /proc/self/status; 0 when unknown. */
static guint64
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen ("\nVmRSS:") + strspn (line + strlen ("\nVmRSS:"), " \t"),
                           NULL, 10);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   GApplication  *app)
{
  gint64 elapsed_us = g_get_monotonic_time () - start_time_us;

  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, app);
  printf ("first-frame-ms: %.1f\n", elapsed_us / 1000.0);
  printf ("rss-kib: %" G_GUINT64_FORMAT "\n", resident_kib ());
  fflush (stdout);
  g_application_quit (app);
}

static void
on_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Empty");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint_cb), app);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = NULL;

  start_time_us = g_get_monotonic_time ();
  app = adw_application_new ("io.github.creneaux.Creneaux.BenchEmptyWindow",
                             G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
