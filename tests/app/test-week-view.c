/* test-week-view.c: the Week page on a known set of slots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "crn-test-fixtures.h"
#include "crn-week-page.h"

typedef struct
{
  CrnAgenda   *agenda;
  GtkWindow   *window;
  CrnWeekPage *page;
  CrnWeekView *view;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* Tuesday 1 December 2026, 13:10 in Paris. */
  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));

  fixture->agenda = crn_test_agenda_new ();
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1100, 900);
  fixture->page = CRN_WEEK_PAGE (crn_week_page_new ());
  crn_week_page_set_agenda (fixture->page, fixture->agenda);
  fixture->view = crn_week_page_get_view (fixture->page);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
  crn_test_wait_mapped (GTK_WIDGET (fixture->view));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  crn_test_iterate ();
  g_clear_object (&fixture->agenda);
  crn_time_set_now_for_testing (0);
}

static CrnSlotTile *
tile_of (Fixture    *fixture,
         const char *slot_id)
{
  CrnSlotTile *tile = crn_week_view_find_tile (fixture->view, slot_id);

  g_assert_nonnull (tile);
  return tile;
}

static void
test_week_opens_on_current_week (Fixture       *fixture,
                                 gconstpointer  data)
{
  GDate monday;

  crn_week_page_get_week (fixture->page, &monday);
  g_assert_cmpint (g_date_get_year (&monday), ==, 2026);
  g_assert_cmpint (g_date_get_month (&monday), ==, 11);
  g_assert_cmpint (g_date_get_day (&monday), ==, 30);
  /* Nine slots this week; the one of 8 December is not shown. */
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 9);
  g_assert_null (crn_week_view_find_tile (fixture->view, "j-tue-next"));
}

static void
test_week_states_and_names (Fixture       *fixture,
                            gconstpointer  data)
{
  static const struct {
    const char   *id;
    CrnSlotState  state;
    const char   *label;
    const char   *css;
  } expected[] = {
    { "a-mon-1400", CRN_SLOT_STATE_PAST, "Monday 14:00–14:20, past, seen, SNP", "past" },
    { "b-mon-1420", CRN_SLOT_STATE_PAST, "Monday 14:20–14:40, past, no-show, SNP", "past" },
    { "c-mon-1440", CRN_SLOT_STATE_PAST, "Monday 14:40–15:00, past, not booked, SNP", "past" },
    { "d-tue-1400", CRN_SLOT_STATE_RECLAIMABLE,
      "Tuesday 14:00–14:20, free, reclaimable now, SNP. Regulation can book for 50 min more",
      "reclaimable" },
    { "e-tue-1420", CRN_SLOT_STATE_BOOKED, "Tuesday 14:20–14:40, booked by SAS regulation, SNP", "booked" },
    { "f-tue-1440", CRN_SLOT_STATE_WAITING,
      "Tuesday 14:40–15:00, waiting for confirmation, Pharmacy (Pharmacie du Port), SNP", "waiting" },
    { "g-wed-1400", CRN_SLOT_STATE_FREE,
      "Wednesday 14:00–14:20, free, SNP. Reclaim opens in 22 h 50 min", "free" },
    { "h-wed-1420", CRN_SLOT_STATE_RECLAIMED,
      "Wednesday 14:20–14:40, reclaimed, free for own patients", "reclaimed" },
    { "i-thu-1400", CRN_SLOT_STATE_UNAVAILABLE, "Thursday 14:00–14:20, unavailable, SNP", "unavailable" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      CrnSlotTile *tile = tile_of (fixture, expected[i].id);

      g_assert_cmpint (crn_slot_tile_get_state (tile), ==, expected[i].state);
      g_assert_cmpstr (crn_slot_tile_get_label (tile), ==, expected[i].label);
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (tile), expected[i].css));
      g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (tile)));
      g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (tile)));
      /* Every slot has room in its day column and in its hour. */
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (tile)), >, 40);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (tile)), >, 10);
    }

  /* The tile's first line says the state in a word; the second who booked or the countdown. */
  g_assert_cmpstr (crn_slot_tile_get_title (tile_of (fixture, "b-mon-1420")), ==, "14:20  No-show");
  g_assert_cmpstr (crn_slot_tile_get_title (tile_of (fixture, "e-tue-1420")), ==, "14:20  SAS regulation");
  g_assert_cmpstr (crn_slot_tile_get_detail (tile_of (fixture, "f-tue-1440")), ==, "Pharmacie du Port");
  g_assert_cmpstr (crn_slot_tile_get_detail (tile_of (fixture, "d-tue-1400")), ==,
                   "Regulation can book for 50 min more");
}

static void
test_week_countdown_moves (Fixture       *fixture,
                           gconstpointer  data)
{
  CrnSlotTile *tile;

  /* 25 minutes later the reclaimable slot has 25 minutes left… */
  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 35));
  crn_week_view_refresh (fixture->view, crn_time_now ());
  tile = tile_of (fixture, "d-tue-1400");
  g_assert_cmpstr (crn_slot_tile_get_detail (tile), ==, "Regulation can book for 25 min more");

  /* …and once it has started it is past, not booked. */
  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 14 * 60 + 30));
  crn_week_view_refresh (fixture->view, crn_time_now ());
  g_assert_cmpint (crn_slot_tile_get_state (tile), ==, CRN_SLOT_STATE_PAST);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (tile), "past"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (tile), "reclaimable"));
}

static void
test_week_switch_actions (Fixture       *fixture,
                          gconstpointer  data)
{
  GDate monday;
  gint64 next_us, previous_us;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "week.next", NULL));
  crn_week_page_get_week (fixture->page, &monday);
  g_assert_cmpint (g_date_get_month (&monday), ==, 12);
  g_assert_cmpint (g_date_get_day (&monday), ==, 7);
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 1);
  g_assert_nonnull (crn_week_view_find_tile (fixture->view, "j-tue-next"));
  next_us = crn_week_page_get_last_switch_us (fixture->page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "week.previous", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "week.previous", NULL));
  crn_week_page_get_week (fixture->page, &monday);
  g_assert_cmpint (g_date_get_month (&monday), ==, 11);
  g_assert_cmpint (g_date_get_day (&monday), ==, 23);
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 0);
  previous_us = crn_week_page_get_last_switch_us (fixture->page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "week.today", NULL));
  crn_week_page_get_week (fixture->page, &monday);
  g_assert_cmpint (g_date_get_day (&monday), ==, 30);
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 9);

  /* A measurement, not an assertion: the benchmark reports it. */
  g_test_message ("week switch: %" G_GINT64_FORMAT " µs (next), %" G_GINT64_FORMAT " µs (previous), %" G_GINT64_FORMAT " µs (today)",
                  next_us, previous_us, crn_week_page_get_last_switch_us (fixture->page));
}

static void
test_week_keyboard (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *focus;

  /* No slot focused yet: the first one takes the focus. */
  g_assert_true (crn_week_view_move_focus (fixture->view, 0, 1));
  focus = gtk_window_get_focus (fixture->window);
  g_assert_true (focus == GTK_WIDGET (tile_of (fixture, "a-mon-1400")));

  /* Down: the next slot of Monday. */
  g_assert_true (crn_week_view_move_focus (fixture->view, 0, 1));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "b-mon-1420")));

  /* Right: Tuesday, the slot closest in time (14:20). */
  g_assert_true (crn_week_view_move_focus (fixture->view, 1, 0));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "e-tue-1420")));

  /* Right twice: Wednesday 14:20, then Thursday 14:00 (the only one). */
  g_assert_true (crn_week_view_move_focus (fixture->view, 1, 0));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "h-wed-1420")));
  g_assert_true (crn_week_view_move_focus (fixture->view, 1, 0));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "i-thu-1400")));

  /* Nothing after Thursday: the focus stays. */
  g_assert_false (crn_week_view_move_focus (fixture->view, 1, 0));
  g_assert_false (crn_week_view_move_focus (fixture->view, 0, 1));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "i-thu-1400")));

  /* Left from Thursday 14:00 is Wednesday 14:00; down and up again move along Wednesday. */
  g_assert_true (crn_week_view_move_focus (fixture->view, -1, 0));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "g-wed-1400")));
  g_assert_false (crn_week_view_move_focus (fixture->view, 0, -1));
  g_assert_true (crn_week_view_move_focus (fixture->view, 0, 1));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "h-wed-1420")));
  g_assert_true (crn_week_view_move_focus (fixture->view, 0, -1));
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile_of (fixture, "g-wed-1400")));
}

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label (child, text))
      return TRUE;

  return FALSE;
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_week_enter_opens_details (Fixture       *fixture,
                               gconstpointer  data)
{
  CrnSlotTile *tile = tile_of (fixture, "f-tue-1440");
  GtkPopover *popover = crn_week_view_get_popover (fixture->view);
  GtkWidget *content;

  gtk_widget_grab_focus (GTK_WIDGET (tile));
  /* Enter (the tile's activate signal) opens the details. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (tile)));
  crn_test_iterate ();

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  content = gtk_popover_get_child (popover);
  g_assert_nonnull (content);
  g_assert_true (find_label (content, "Tuesday 1 December, 14:40–15:00"));
  g_assert_true (find_label (content, "Waiting for confirmation, Pharmacy (Pharmacie du Port)"));
  g_assert_true (find_label (content, "ROUSSEL Inès, born 1987-04-12 (39 years)"));
  g_assert_true (find_label (content, "06 12 34 56 78"));
  g_assert_true (find_label (content, "Dr Claire Martin"));
  g_assert_true (find_label (content, "Regulation (SAS) and CPTS"));

  /* The phone number is a button that copies it. */
  {
    GtkWidget *button = find_button (content);
    GdkClipboard *clipboard = gtk_widget_get_clipboard (button);
    GValue value = G_VALUE_INIT;

    g_signal_emit_by_name (button, "clicked");
    g_value_init (&value, G_TYPE_STRING);
    g_assert_nonnull (gdk_clipboard_get_content (clipboard));
    g_assert_true (gdk_content_provider_get_value (gdk_clipboard_get_content (clipboard), &value, NULL));
    g_assert_cmpstr (g_value_get_string (&value), ==, "06 12 34 56 78");
    g_value_unset (&value);
  }

  gtk_popover_popdown (popover);
  crn_test_iterate ();
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (tile));

  /* A free slot shows when it can be taken back. */
  g_assert_true (crn_week_page_show_slot (fixture->page, "g-wed-1400"));
  crn_test_iterate ();
  content = gtk_popover_get_child (popover);
  g_assert_true (find_label (content, "Wednesday 2 at 12:00"));
  gtk_popover_popdown (popover);
}

static void
test_week_selected_practitioners (Fixture       *fixture,
                                  gconstpointer  data)
{
  const char *other[] = { "899700999999", NULL };
  const char *mine[] = { CRN_TEST_PRACTITIONER, NULL };

  crn_week_page_set_selected_practitioners (fixture->page, other);
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 0);
  crn_week_page_set_selected_practitioners (fixture->page, mine);
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 9);
  crn_week_page_set_selected_practitioners (fixture->page, NULL);
  g_assert_cmpuint (crn_week_view_get_n_tiles (fixture->view), ==, 9);
}

typedef struct
{
  guint  n_frames;
  gint64 frame_start;   /* when the last frame began (the clock's "update" phase) */
  gint64 frame_work;    /* from there to the end of its paint */
} FrameCount;

static void
on_update_cb (GdkFrameClock *clock,
              FrameCount    *count)
{
  count->frame_start = g_get_monotonic_time ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   FrameCount    *count)
{
  count->frame_work = g_get_monotonic_time () - count->frame_start;
  count->n_frames++;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* A year of data for ten GPs (Monday to Friday 14:00–16:00 in 20-minute slots, about 15 000
 * slots): switching weeks must still give the right slots. The time of each switch, up to the
 * next painted frame, is reported for the benchmark, never asserted. */
static void
test_week_switch_year_of_data (void)
{
  g_autoptr(CrnAgenda) agenda = crn_agenda_new ();
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) one_update = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all_update = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) one_frame = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all_frame = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *selected[] = { "899700100003", NULL };
  GtkWindow *window;
  CrnWeekPage *page;
  CrnWeekView *view;
  GdkFrameClock *clock;
  GDate from, to;
  FrameCount count = { 0, 0, 0 };

  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));
  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_dmy (&from, 1, 6, 2026);
  g_date_set_dmy (&to, 31, 5, 2027);

  for (guint p = 0; p < 10; p++)
    {
      g_autoptr(CrnPractitioner) practitioner = crn_practitioner_new ();
      g_autoptr(CrnTemplate) template = NULL;
      g_autoptr(GPtrArray) expanded = NULL;
      CrnTemplateBlock *block = crn_template_block_new ();

      practitioner->idnps = g_strdup_printf ("8997001000%02u", p);
      practitioner->given = g_strdup ("Camille");
      practitioner->family = g_strdup_printf ("Docteur%u", p);
      crn_agenda_add_practitioner (agenda, practitioner);

      template = crn_template_new (practitioner->idnps, NULL);
      block->id = crn_uuid_new ();
      block->weekdays = 0x1f;
      block->start_minute = 14 * 60;
      block->end_minute = 16 * 60;
      block->slot_minutes = 20;
      crn_template_add_block (template, block);
      expanded = crn_template_expand (template, &from, &to);
      for (guint i = 0; i < expanded->len; i++)
        g_ptr_array_add (slots, crn_slot_copy (g_ptr_array_index (expanded, i)));
    }
  crn_agenda_set_data (agenda, slots, NULL);
  g_assert_cmpuint (crn_agenda_get_n_slots (agenda), >, 14000);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 900);
  page = CRN_WEEK_PAGE (crn_week_page_new ());
  crn_week_page_set_agenda (page, agenda);
  view = crn_week_page_get_view (page);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  crn_test_wait_mapped (GTK_WIDGET (view));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  g_signal_connect (clock, "update", G_CALLBACK (on_update_cb), &count);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &count);

  for (guint round = 0; round < 2; round++)
    {
      GArray *times = round == 0 ? all : one;
      GArray *updates = round == 0 ? all_update : one_update;
      GArray *frames = round == 0 ? all_frame : one_frame;

      crn_week_page_set_selected_practitioners (page, round == 0 ? NULL : selected);
      for (guint i = 0; i < 10; i++)
        {
          gint64 begin = g_get_monotonic_time ();
          guint n_frames = count.n_frames;
          gint64 elapsed;

          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), i < 5 ? "week.next" : "week.previous", NULL));
          elapsed = crn_week_page_get_last_switch_us (page);
          g_array_append_val (updates, elapsed);
          while (count.n_frames == n_frames)
            g_main_context_iteration (NULL, TRUE);
          elapsed = g_get_monotonic_time () - begin;
          g_array_append_val (times, elapsed);
          g_array_append_val (frames, count.frame_work);
          /* 30 slots per practitioner and week. */
          g_assert_cmpuint (crn_week_view_get_n_tiles (view), ==, round == 0 ? 300 : 30);
          /* With several practitioners each tile says whose it is; with one it need not. */
          if (round == 0)
            {
              g_assert_nonnull (strstr (crn_slot_tile_get_title (crn_week_view_get_tile (view, 0)), "  CD · "));
              g_assert_true (g_str_has_suffix (crn_slot_tile_get_label (crn_week_view_get_tile (view, 0)), ")"));
              g_assert_nonnull (strstr (crn_slot_tile_get_label (crn_week_view_get_tile (view, 0)), " (Dr Camille Docteur"));
            }
          else
            g_assert_null (strstr (crn_slot_tile_get_label (crn_week_view_get_tile (view, 0)), "(Dr "));
        }
    }

  g_array_sort (all, compare_gint64);
  g_array_sort (one, compare_gint64);
  g_array_sort (all_update, compare_gint64);
  g_array_sort (one_update, compare_gint64);
  g_array_sort (all_frame, compare_gint64);
  g_array_sort (one_frame, compare_gint64);
  g_test_message ("week switch, %u slots held. Query + tiles: 1 GP (30 shown) median %.2f ms, 10 GPs (300 shown) median %.2f ms. "
                  "Layout + paint of the next frame: 1 GP median %.1f ms, 10 GPs median %.1f ms. "
                  "Action to that frame painted (includes waiting for the frame clock): 1 GP median %.1f ms (max %.1f), 10 GPs median %.1f ms (max %.1f)",
                  crn_agenda_get_n_slots (agenda),
                  g_array_index (one_update, gint64, one_update->len / 2) / 1000.0,
                  g_array_index (all_update, gint64, all_update->len / 2) / 1000.0,
                  g_array_index (one_frame, gint64, one_frame->len / 2) / 1000.0,
                  g_array_index (all_frame, gint64, all_frame->len / 2) / 1000.0,
                  g_array_index (one, gint64, one->len / 2) / 1000.0, g_array_index (one, gint64, one->len - 1) / 1000.0,
                  g_array_index (all, gint64, all->len / 2) / 1000.0, g_array_index (all, gint64, all->len - 1) / 1000.0);

  g_signal_handlers_disconnect_by_data (clock, &count);
  gtk_window_destroy (window);
  crn_test_iterate ();
  crn_time_set_now_for_testing (0);
}

/* "No Slots This Week" only once the agenda has something to go by: before its file is open
 * (the first frame), the week's empty grid. */
static void
test_week_empty_only_once_known (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CrnAgenda) unknown = crn_agenda_new ();
  GtkWidget *status = crn_test_find_descendant (GTK_WIDGET (fixture->page), ADW_TYPE_STATUS_PAGE);
  GDate monday;

  g_assert_nonnull (status);
  g_assert_false (gtk_widget_get_mapped (status));

  /* A week without slots, in an agenda that holds some: said so. */
  g_date_set_dmy (&monday, 4, 1, 2027);
  crn_week_page_set_week (fixture->page, &monday);
  crn_test_iterate ();
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));

  /* An agenda with neither a file nor slots yet: the grid, not a verdict. */
  crn_week_page_set_agenda (fixture->page, unknown);
  crn_test_iterate ();
  g_assert_false (gtk_widget_get_visible (status));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
}

int
main (int   argc,
      char *argv[])
{
  crn_test_init (&argc, &argv);

  g_test_add ("/app/week/empty-only-once-known", Fixture, NULL,
              fixture_set_up, test_week_empty_only_once_known, fixture_tear_down);
  g_test_add ("/app/week/opens-on-current-week", Fixture, NULL,
              fixture_set_up, test_week_opens_on_current_week, fixture_tear_down);
  g_test_add ("/app/week/states-and-names", Fixture, NULL,
              fixture_set_up, test_week_states_and_names, fixture_tear_down);
  g_test_add ("/app/week/countdown-moves", Fixture, NULL,
              fixture_set_up, test_week_countdown_moves, fixture_tear_down);
  g_test_add ("/app/week/switch-actions", Fixture, NULL,
              fixture_set_up, test_week_switch_actions, fixture_tear_down);
  g_test_add ("/app/week/keyboard", Fixture, NULL,
              fixture_set_up, test_week_keyboard, fixture_tear_down);
  g_test_add ("/app/week/enter-opens-details", Fixture, NULL,
              fixture_set_up, test_week_enter_opens_details, fixture_tear_down);
  g_test_add ("/app/week/selected-practitioners", Fixture, NULL,
              fixture_set_up, test_week_selected_practitioners, fixture_tear_down);

  g_test_add_func ("/app/week/switch-year-of-data", test_week_switch_year_of_data);

  return g_test_run ();
}
