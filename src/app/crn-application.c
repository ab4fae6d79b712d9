/* crn-application.c: the application: actions, windows, startup options
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnApplication"

#include "config.h"

#include "crn-application.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "crn-demo.h"
#include "crn-export-cli.h"
#include "crn-page-util.h"
#include "crn-preferences-window.h"
#include "crn-session.h"
#include "crn-window.h"

struct _CrnApplication
{
  AdwApplication  parent_instance;

  gint64          start_time_us;
  CrnAgenda      *agenda;
  CrnSession     *session;
  GSettings      *settings;
  gulong          after_paint_id;
  char           *store_path;

  guint           exit_after_first_frame : 1;
  guint           demo_local : 1;
};

G_DEFINE_FINAL_TYPE (CrnApplication, crn_application, ADW_TYPE_APPLICATION)

/*
 * Helpers
 */

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

/*
 * Callbacks
 */

static void
on_after_paint_cb (GdkFrameClock  *clock,
                   CrnApplication *self)
{
  gint64 elapsed_us = g_get_monotonic_time () - self->start_time_us;

  g_clear_signal_handler (&self->after_paint_id, clock);
  g_print ("first-frame-ms: %.1f\n", elapsed_us / 1000.0);
  g_application_quit (G_APPLICATION (self));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Closing each window first lets it save its size. */
  for (GList *l = windows; l != NULL; l = windows)
    {
      windows = l->next;
      gtk_window_close (GTK_WINDOW (l->data));
    }
  g_application_quit (app);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Créneaux developers", NULL };
  g_autofree char *debug_info = crn_application_dup_debug_info ();
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application", app,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Créneaux"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The Créneaux developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Unscheduled care (SNP) slots and bookings for GP practices working with the SAS and their CPTS."),
                        "developers", developers,
                        "copyright", "© 2026 The Créneaux developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "debug-info", debug_info,
                        "debug-info-filename", "creneaux-debug-info.txt",
                        /* TRANSLATORS: your name(s), one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  CrnApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (crn_preferences_window_new (parent, self->session, self->settings)));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window == NULL)
    return;
  if (CRN_IS_WINDOW (window))
    crn_window_ensure_help_overlay (CRN_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

/* A notification's default action: the window, on the Bookings page, that booking selected. */
static void
show_booking_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  CrnApplication *self = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (CRN_IS_WINDOW (window))
    {
      crn_window_show_booking (CRN_WINDOW (window), g_variant_get_string (param, NULL));
      gtk_window_present (window);
    }
}

static void
on_booking_arrived_cb (CrnApplication   *self,
                       const CrnBooking *booking,
                       gboolean          to_confirm)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *when = crn_page_dup_when (booking->start);
  g_autofree char *patient = crn_page_dup_patient (booking);
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;

  if (self->settings != NULL &&
      !g_settings_get_boolean (self->settings, to_confirm ? "notify-on-confirmation" : "notifications-enabled"))
    return;

  notification = g_notification_new (to_confirm ? _("Booking to Confirm") : _("New Booking"));
  body = g_strdup_printf ("%s — %s", when, patient);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, to_confirm ? G_NOTIFICATION_PRIORITY_HIGH
                                                        : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (notification, "app.show-booking", "s", booking->id);
  if (to_confirm)
    g_notification_add_button_with_target (notification, _("Open"), "app.show-booking", "s",
                                           booking->id);
  /* One notification per booking: a later change replaces it. */
  id = g_strconcat ("booking-", booking->id, NULL);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static const GActionEntry app_actions[] = {
  { "show-booking", show_booking_action, "s" },
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
};

/*
 * GApplication overrides
 */

static int
crn_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  CrnApplication *self = CRN_APPLICATION (app);
  int export_status = crn_export_cli_handle_options (options);

  /* --export-ics/--export-csv/--export-pdf work on the local agenda without a window. */
  if (export_status >= 0)
    return export_status;

  if (g_variant_dict_contains (options, "exit-after-first-frame"))
    {
      self->exit_after_first_frame = TRUE;
      /* A measurement must not hand over to an instance that is already running. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }
  if (g_variant_dict_contains (options, "demo-local"))
    self->demo_local = TRUE;
  g_clear_pointer (&self->store_path, g_free);
  /* A given file is opened by this process, never handed over to one already running. */
  if (g_variant_dict_lookup (options, "store", "^ay", &self->store_path))
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (crn_application_parent_class)->handle_local_options (app, options);
}

static void
crn_application_startup (GApplication *app)
{
  CrnApplication *self = CRN_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *no_accels[] = { NULL };

  G_APPLICATION_CLASS (crn_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  /* The help overlay is opened through app.shortcuts, so that the accelerator is listed once. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", no_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.shortcuts", shortcuts_accels);

  self->settings = new_settings ();
  self->agenda = crn_agenda_new ();
  self->session = crn_session_new (self->agenda);
  g_signal_connect_object (self->session, "booking-arrived", G_CALLBACK (on_booking_arrived_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
crn_application_activate (GApplication *app)
{
  CrnApplication *self = CRN_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (crn_window_new (ADW_APPLICATION (app), self->agenda));
      if (!self->demo_local)
        {
          /* build-aux/run passes its demo server's address and a demo account (plain HTTP is
           * accepted only on loopback, by the sync layer). */
          if (g_getenv ("CRN_DEMO_SERVER") != NULL)
            crn_window_set_demo_account (CRN_WINDOW (window), g_getenv ("CRN_DEMO_SERVER"),
                                         g_getenv ("CRN_DEMO_LOGIN"), g_getenv ("CRN_DEMO_PASSWORD"));
          crn_window_set_session (CRN_WINDOW (window), self->session);
        }
      gtk_window_present (window);

      /* The window is shown first; the agenda file is opened on the store's thread. The
       * explicit --demo-local option writes a fictitious practice into a throw-away file. */
      if (self->demo_local)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *dir = g_dir_make_tmp ("creneaux-demo-XXXXXX", &error);

          if (dir == NULL)
            g_warning ("No folder for the demonstration data: %s", error->message);
          else
            {
              g_autofree char *path = g_build_filename (dir, "creneaux.db", NULL);
              crn_window_open_store (CRN_WINDOW (window), path, TRUE);
            }
        }
      else
        crn_window_open_store (CRN_WINDOW (window), self->store_path, FALSE);
    }

  gtk_window_present (window);

  if (self->exit_after_first_frame && self->after_paint_id == 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

      if (clock != NULL)
        self->after_paint_id = g_signal_connect (clock, "after-paint",
                                                 G_CALLBACK (on_after_paint_cb), self);
    }
}

/*
 * GObject overrides
 */

static void
crn_application_dispose (GObject *object)
{
  CrnApplication *self = (CrnApplication *) object;

  g_clear_object (&self->session);
  g_clear_object (&self->agenda);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->store_path, g_free);

  G_OBJECT_CLASS (crn_application_parent_class)->dispose (object);
}

static void
crn_application_class_init (CrnApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = crn_application_dispose;

  app_class->handle_local_options = crn_application_handle_local_options;
  app_class->startup = crn_application_startup;
  app_class->activate = crn_application_activate;
}

static void
crn_application_init (CrnApplication *self)
{
  static const GOptionEntry options[] = {
    { "exit-after-first-frame", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
      "Print the time from start to the first painted frame, then quit", NULL },
    { "demo-local", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Show fictitious demonstration data computed on this computer, without a server"), NULL },
    /* The benchmark opens a generated practice data set this way. */
    { "store", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL,
      "Open this agenda file instead of the default one", "PATH" },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  crn_export_cli_add_options (G_APPLICATION (self));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("SNP slots and bookings for GP practices"));
}

/*
 * Public API
 */

/**
 * crn_application_new:
 * @start_time_us: g_get_monotonic_time() at the start of main()
 *
 * Returns: (transfer full): the application
 */
CrnApplication *
crn_application_new (gint64 start_time_us)
{
  CrnApplication *self;

  self = g_object_new (CRN_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/creneaux/Creneaux",
                       NULL);
  self->start_time_us = start_time_us;

  return self;
}

/**
 * crn_application_get_agenda:
 * @self: a #CrnApplication
 *
 * Returns: (transfer none) (nullable): the agenda, once the application has started
 */
CrnAgenda *
crn_application_get_agenda (CrnApplication *self)
{
  g_return_val_if_fail (CRN_IS_APPLICATION (self), NULL);

  return self->agenda;
}

/**
 * crn_application_get_session:
 * @self: a #CrnApplication
 *
 * Returns: (transfer none) (nullable): the link to the CPTS server, once started
 */
CrnSession *
crn_application_get_session (CrnApplication *self)
{
  g_return_val_if_fail (CRN_IS_APPLICATION (self), NULL);

  return self->session;
}

/**
 * crn_application_dup_debug_info:
 *
 * Returns: (transfer full): the versions the app runs with and was built with, for bug
 *   reports (the About window's "Troubleshooting" page)
 */
char *
crn_application_dup_debug_info (void)
{
  GString *info = g_string_new (NULL);

  g_string_append_printf (info, "Créneaux %s (%s, profile %s)\n", PACKAGE_VERSION, APPLICATION_ID, PROFILE);
  g_string_append_printf (info, "Flatpak: %s\n",
                          g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "yes" : "no");
  g_string_append_printf (info, "GLib: runtime %u.%u.%u, build %u.%u.%u\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          GLIB_MAJOR_VERSION, GLIB_MINOR_VERSION, GLIB_MICRO_VERSION);
  g_string_append_printf (info, "GTK: runtime %u.%u.%u, build %u.%u.%u\n",
                          gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
                          GTK_MAJOR_VERSION, GTK_MINOR_VERSION, GTK_MICRO_VERSION);
  g_string_append_printf (info, "libadwaita: runtime %u.%u.%u, build %u.%u.%u\n",
                          adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
                          ADW_MAJOR_VERSION, ADW_MINOR_VERSION, ADW_MICRO_VERSION);
  g_string_append_printf (info, "libsoup: runtime %u.%u.%u, build %u.%u.%u\n",
                          soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version (),
                          SOUP_MAJOR_VERSION, SOUP_MINOR_VERSION, SOUP_MICRO_VERSION);
  g_string_append_printf (info, "SQLite: runtime %s, build %s\n", sqlite3_libversion (), SQLITE_VERSION);

  return g_string_free (info, FALSE);
}
