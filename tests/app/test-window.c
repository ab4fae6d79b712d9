/* test-window.c: the application window, its pages and its settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "crn-application.h"
#include "crn-test-fixtures.h"
#include "crn-window.h"

static void
test_window_pages (void)
{
  static const char * const names[] = { "week", "bookings", "availability", "review", "activity" };
  g_autoptr(CrnAgenda) agenda = crn_test_agenda_new ();
  CrnWindow *window = crn_window_new (NULL, agenda);
  AdwViewStack *stack = crn_window_get_view_stack (window);

  gtk_window_present (GTK_WINDOW (window));
  crn_test_wait_mapped (GTK_WIDGET (window));

  g_assert_true (crn_window_get_agenda (window) == agenda);
  /* Only the page shown is built before the first frame; the others when first shown. */
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    g_assert_null (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (stack, names[i]))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review"));
  g_assert_true (CRN_IS_REVIEW_PAGE (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (stack, "review")))));
  g_assert_null (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (stack, "activity"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "week"));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *child = adw_view_stack_get_child_by_name (stack, names[i]);
      AdwViewStackPage *page;

      g_assert_nonnull (child);
      page = adw_view_stack_get_page (stack, child);
      g_assert_nonnull (adw_view_stack_page_get_title (page));
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));
    }

  g_assert_true (CRN_IS_BOOKINGS_PAGE (crn_window_get_bookings_page (window)));
  g_assert_true (CRN_IS_REVIEW_PAGE (crn_window_get_review_page (window)));
  g_assert_true (CRN_IS_ACTIVITY_PAGE (crn_window_get_activity_page (window)));
  /* A page not shown yet is built when asked for, in its place in the stack. */
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (crn_window_get_bookings_page (window)),
                                         adw_view_stack_get_child_by_name (stack, "bookings")));
  g_assert_true (CRN_IS_WEEK_PAGE (crn_window_get_week_page (window)));
  g_assert_true (CRN_IS_AVAILABILITY_PAGE (crn_window_get_availability_page (window)));
  g_assert_true (crn_week_page_get_agenda (crn_window_get_week_page (window)) == agenda);

  /* win.show-page (Alt+1…5) switches pages. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "availability"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "availability");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "week"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "week");

  /* The tests run in America/New_York: the header says that times are Paris time. */
  g_assert_false (crn_window_local_time_is_paris ());

  /* The default profile has no "devel" style. */
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "devel"));

  gtk_window_destroy (GTK_WINDOW (window));
  crn_test_iterate ();
}

static gboolean
child_is_visible_label (GtkWidget  *widget,
                        const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) == 0)
        return gtk_widget_is_visible (child);
      if (child_is_visible_label (child, text))
        return TRUE;
    }
  return FALSE;
}

/* The bottom view switcher gets its buttons when a narrow window reveals it. */
static void
test_window_switcher_bar (void)
{
  g_autoptr(CrnAgenda) agenda = crn_test_agenda_new ();
  CrnWindow *window = crn_window_new (NULL, agenda);
  AdwViewSwitcherBar *bar = ADW_VIEW_SWITCHER_BAR (crn_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  crn_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_false (adw_view_switcher_bar_get_reveal (bar));
  g_assert_null (adw_view_switcher_bar_get_stack (bar));

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 600);
  for (guint i = 0; i < 200 && !adw_view_switcher_bar_get_reveal (bar); i++)
    crn_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_true (adw_view_switcher_bar_get_reveal (bar));
  g_assert_true (adw_view_switcher_bar_get_stack (bar) == crn_window_get_view_stack (window));

  gtk_window_destroy (GTK_WINDOW (window));
  crn_test_iterate ();
}

static void
test_window_sync_indicator (void)
{
  g_autoptr(CrnAgenda) agenda = crn_agenda_new ();
  CrnWindow *window = crn_window_new (NULL, agenda);

  gtk_window_present (GTK_WINDOW (window));
  crn_test_wait_mapped (GTK_WIDGET (window));

  /* Not connected yet: the header says so. */
  g_assert_true (child_is_visible_label (GTK_WIDGET (window), "Offline"));
  crn_agenda_set_online (agenda, TRUE);
  g_assert_false (child_is_visible_label (GTK_WIDGET (window), "Offline"));
  crn_agenda_set_online (agenda, FALSE);
  g_assert_true (child_is_visible_label (GTK_WIDGET (window), "Offline"));

  gtk_window_destroy (GTK_WINDOW (window));
  crn_test_iterate ();
}

static void
test_window_size_saved (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(CrnAgenda) agenda = crn_agenda_new ();
  g_autofree char *last_page = NULL;
  CrnWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 700);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
  g_settings_set_string (settings, "last-page", "availability");

  window = crn_window_new (NULL, agenda);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (crn_window_get_view_stack (window)), ==,
                   "availability");

  gtk_window_present (GTK_WINDOW (window));
  crn_test_wait_mapped (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1234, 777);
  crn_window_show_page (window, "week");
  gtk_window_close (GTK_WINDOW (window));
  crn_test_iterate ();

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1234);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 777);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  last_page = g_settings_get_string (settings, "last-page");
  g_assert_cmpstr (last_page, ==, "week");

  /* A page name the window does not know is ignored: it opens on the Week page. */
  g_settings_set_string (settings, "last-page", "no-such-page");
  window = crn_window_new (NULL, agenda);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (crn_window_get_view_stack (window)), ==, "week");
  gtk_window_destroy (GTK_WINDOW (window));
  crn_test_iterate ();
}

static void
test_window_debug_info (void)
{
  g_autofree char *info = crn_application_dup_debug_info ();

  g_assert_nonnull (strstr (info, APPLICATION_ID));
  g_assert_nonnull (strstr (info, "GLib: runtime "));
  g_assert_nonnull (strstr (info, "GTK: runtime "));
  g_assert_nonnull (strstr (info, "libadwaita: runtime "));
  g_assert_nonnull (strstr (info, "libsoup: runtime "));
  g_assert_nonnull (strstr (info, "SQLite: runtime "));
}

static void
test_window_application (void)
{
  g_autoptr(CrnApplication) app = crn_application_new (g_get_monotonic_time ());
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;
  GtkWindow *window;

  /* Started without a main loop of its own, and without taking the bus name. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    {
      static const char * const actions[] = { "quit", "about", "preferences", "shortcuts" };
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), actions[i]));
    }
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpstr (accels[0], ==, "<Control>q");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.shortcuts");
  g_assert_cmpstr (accels[0], ==, "<Control>question");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");

  /* Without --demo-local the agenda starts empty: the store will fill it. */
  g_assert_nonnull (crn_application_get_agenda (CRN_APPLICATION (app)));
  g_assert_cmpuint (crn_agenda_get_n_slots (crn_application_get_agenda (CRN_APPLICATION (app))), ==, 0);

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (CRN_IS_WINDOW (window));
  crn_test_wait_mapped (GTK_WIDGET (window));
  /* No practitioner yet: the availability page says what it will hold. */
  g_assert_null (crn_availability_page_get_template (crn_window_get_availability_page (CRN_WINDOW (window))));

  /* app.shortcuts (Ctrl+?) shows the help overlay from the resources, built when the first
   * frame is out or when asked for. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  crn_test_iterate ();
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)))));

  gtk_window_close (GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))));
  crn_test_iterate ();

  /* The preferences window opens over the main window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  crn_test_iterate ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);
  g_assert_true (ADW_IS_PREFERENCES_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data));

  /* So does the About window, with the debug information. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  crn_test_iterate ();
  g_assert_true (ADW_IS_ABOUT_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data));
  g_assert_nonnull (strstr (adw_about_window_get_debug_info (gtk_application_get_windows (GTK_APPLICATION (app))->data),
                            "libadwaita: runtime"));

  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  crn_test_iterate ();
}

int
main (int   argc,
      char *argv[])
{
  crn_test_init (&argc, &argv);

  g_test_add_func ("/app/window/pages", test_window_pages);
  g_test_add_func ("/app/window/switcher-bar", test_window_switcher_bar);
  g_test_add_func ("/app/window/sync-indicator", test_window_sync_indicator);
  g_test_add_func ("/app/window/size-saved", test_window_size_saved);
  g_test_add_func ("/app/window/debug-info", test_window_debug_info);
  g_test_add_func ("/app/window/application", test_window_application);

  return g_test_run ();
}
