/* bench-week-switch.c: the cost of switching the week view to the next week
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: prints figures as `BENCH {json}` lines. Builds the app's week page (the real
 * CrnWeekPage and CrnWeekView of src/app, with the app's style sheet) in a 1100 × 720 window
 * on an agenda holding the practice data set: 10 GPs, one year, 10,000 slots and 5,000
 * bookings from the store tests' seeded generator (the agenda is filled directly: the app
 * does not read its store yet). Then switches 50 weeks forward and 50 back through the year
 * with the page's own week.next and week.previous actions, all ten GPs shown, and for each
 * switch measures:
 *
 *  - week-switch.action:  the action itself (the query of the agenda and the tiles);
 *  - week-switch.frame:   the next frame, from its before-paint phase to after-paint
 *                         (style, layout and paint);
 *  - week-switch:         their sum, the work a switch costs (the "layout + paint"
 *                         target, ≤ 16 ms at p95);
 *  - week-switch.wall:    action to painted frame, including the wait for the frame clock;
 *  - week-switch.frame-cpu: the CPU time of the frame's thread during that frame (its
 *                         thread clock: a frame that waited for a CPU on a loaded machine
 *                         does not count the wait).
 *
 * Run it on a display (the harness uses Xvfb with GSK_RENDERER=cairo).
 */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <time.h>

#include "bench-util.h"
#include "crn-week-page.h"
#include "store-test-util.h"

#define SEED        20260105
#define N_SWITCHES  50

/* Monday 5 January 2026 00:00 UTC */
#define YEAR_START ((CrnInstant) 1767571200)

typedef struct
{
  guint  n_frames;
  gint64 frame_start;
  gint64 frame_work;
  gint64 cpu_start;
  gint64 cpu_work;
} Frames;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
on_before_paint_cb (GdkFrameClock *clock,
                    Frames        *frames)
{
  frames->frame_start = g_get_monotonic_time ();
  frames->cpu_start = thread_cpu_us ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   Frames        *frames)
{
  frames->frame_work = g_get_monotonic_time () - frames->frame_start;
  frames->cpu_work = thread_cpu_us () - frames->cpu_start;
  frames->n_frames++;
}

static void
wait_frames (Frames *frames,
             guint   n_frames)
{
  while (frames->n_frames < n_frames)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autoptr(StoreTestData) data = NULL;
  g_autoptr(CrnAgenda) agenda = NULL;
  g_autoptr(GArray) action = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frame = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *extra = NULL;
  Frames frames = { 0, 0, 0, 0, 0 };
  GtkWindow *window;
  CrnWeekPage *page;
  CrnWeekView *view;
  GdkFrameClock *clock;
  guint tiles = 0;
  GDate monday;

  if (!gtk_init_check ())
    {
      fprintf (stderr, "%s: no display; run it under xvfb-run.\n", argv[0]);
      return 2;
    }
  adw_init ();
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/creneaux/Creneaux/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  crn_time_set_now_for_testing (YEAR_START + 180 * 86400);
  data = store_test_generate (SEED, 10, YEAR_START, 364, 10000, 5000, YEAR_START + 180 * 86400);
  agenda = crn_agenda_new ();
  for (guint p = 0; data->practitioners[p] != NULL; p++)
    {
      g_autoptr(CrnPractitioner) practitioner = crn_practitioner_new ();

      practitioner->idnps = g_strdup (data->practitioners[p]);
      practitioner->given = g_strdup ("Camille");
      practitioner->family = g_strdup_printf ("Docteur%u", p);
      crn_agenda_add_practitioner (agenda, practitioner);
    }
  crn_agenda_set_data (agenda, data->slots, data->bookings);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1100, 720);
  page = CRN_WEEK_PAGE (crn_week_page_new ());
  crn_week_page_set_agenda (page, agenda);
  crn_week_page_set_selected_practitioners (page, NULL);
  g_date_clear (&monday, 1);
  g_date_set_dmy (&monday, 5, G_DATE_JANUARY, 2026);
  crn_week_page_set_week (page, &monday);
  view = crn_week_page_get_view (page);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint_cb), &frames);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &frames);
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)))
    g_main_context_iteration (NULL, TRUE);
  /* Settle: the first frames also load fonts and icons. */
  for (guint i = 0; i < 3; i++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      wait_frames (&frames, frames.n_frames + 1);
    }

  for (guint i = 0; i < 2 * N_SWITCHES; i++)
    {
      guint n_frames = frames.n_frames;
      gint64 begin = g_get_monotonic_time ();
      gint64 after_action;

      if (!gtk_widget_activate_action (GTK_WIDGET (page),
                                       i < N_SWITCHES ? "week.next" : "week.previous", NULL))
        g_error ("The week page has no week.next or week.previous action");
      after_action = g_get_monotonic_time ();
      wait_frames (&frames, n_frames + 1);
      g_array_append_val (action, (double) { (after_action - begin) / 1000.0 });
      g_array_append_val (frame, (double) { frames.frame_work / 1000.0 });
      g_array_append_val (work, (double) { (after_action - begin + frames.frame_work) / 1000.0 });
      g_array_append_val (wall, (double) { (g_get_monotonic_time () - begin) / 1000.0 });
      g_array_append_val (cpu, (double) { frames.cpu_work / 1000.0 });
      tiles += crn_week_view_get_n_tiles (view);
    }

  printf ("Week switch: %u slots held, %u tiles shown per week on average, %u switches\n",
          crn_agenda_get_n_slots (agenda), tiles / (2 * N_SWITCHES), 2 * N_SWITCHES);
  extra = g_strdup_printf ("\"slots\":%u,\"tiles_per_week\":%u", crn_agenda_get_n_slots (agenda),
                           tiles / (2 * N_SWITCHES));
  bench_print_latencies ("week-switch", work, 0, extra);
  bench_print_latencies ("week-switch.action", action, 0, extra);
  bench_print_latencies ("week-switch.frame", frame, 0, extra);
  bench_print_latencies ("week-switch.wall", wall, 0, extra);
  bench_print_latencies ("week-switch.frame-cpu", cpu, 0, extra);

  g_signal_handlers_disconnect_by_data (clock, &frames);
  gtk_window_destroy (window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  crn_time_set_now_for_testing (0);

  return 0;
}
