/* crn-window.c: the main window: header bar, pages, toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnWindow"

#include "config.h"

#include "crn-window.h"

#include <glib/gi18n-lib.h>

#include "crn-demo.h"
#include "crn-export-dialog.h"
#include "crn-first-run.h"

struct _CrnWindow
{
  AdwApplicationWindow  parent_instance;

  CrnAgenda            *agenda;
  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *store_path;
  GtkWindow            *store_dialog;
  GdkFrameClock        *first_frame_clock;   /* until the first frame: the store waits */
  gulong                first_frame_id;
  guint                 first_frame_timeout_id;   /* or the idle after it */
  gboolean              demo;
  CrnSession           *session;
  CrnSync              *watched_sync;
  char                 *demo_server;
  char                 *demo_login;
  char                 *demo_password;
  GQueue                toasts;          /* (element-type AdwToast) waiting to be shown */
  AdwToast             *shown_toast;
  guint                 toast_delay_id;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  CrnWeekPage          *week_page;
  AdwBin               *availability_bin;
  AdwBin               *bookings_bin;
  AdwBin               *activity_bin;
  AdwBin               *review_bin;

  /* The other pages, built when first shown (NULL until then): each is the child of its bin */
  CrnAvailabilityPage  *availability_page;
  CrnBookingsPage      *bookings_page;
  CrnActivityPage      *activity_page;
  CrnReviewPage        *review_page;
  GtkSpinner           *sync_spinner;
  GtkLabel             *offline_label;
  GtkStack             *main_stack;
  AdwBin               *first_run_bin;
  CrnFirstRun          *first_run;       /* built when first needed: the child of first_run_bin */
  GtkWidget            *sign_in_again_button;
  GtkWidget            *paris_label;
};

G_DEFINE_FINAL_TYPE (CrnWindow, crn_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_AGENDA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const page_names[] = { "week", "bookings", "availability", "review", "activity" };

/*
 * Helpers
 */

/* The schema is installed with the app; an uninstalled run without GSETTINGS_SCHEMA_DIR has
 * none, and the window then simply does not remember its size. */
static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed: window size and choices will not be kept",
                 APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
load_window_state (CrnWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (CrnWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* Only a page that exists is taken from the settings (an older or newer version may have
 * stored another name). */
static gboolean
get_page_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_strcmp0 (name, page_names[i]) == 0)
      {
        g_value_set_string (value, name);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
set_page_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char *name = g_value_get_string (value);

  return g_variant_new_string (name != NULL ? name : "week");
}

/*
 * The pages
 */

/* The pages other than the week are built when first shown, or when the window is asked for
 * one: building their templates and measuring their hidden content (AdwViewStack measures
 * every page) took a third of the time to the first frame, for pages nobody sees yet. Each
 * page's place in the stack is an AdwBin, so that the view switcher has its five buttons
 * from the start. */
static GtkWidget *
ensure_page (CrnWindow  *self,
             const char *name)
{
  if (g_strcmp0 (name, "bookings") == 0)
    {
      if (self->bookings_page == NULL)
        {
          self->bookings_page = g_object_new (CRN_TYPE_BOOKINGS_PAGE, NULL);
          adw_bin_set_child (self->bookings_bin, GTK_WIDGET (self->bookings_page));
          crn_bookings_page_set_agenda (self->bookings_page, self->agenda);
        }
      return GTK_WIDGET (self->bookings_page);
    }
  if (g_strcmp0 (name, "availability") == 0)
    {
      if (self->availability_page == NULL)
        {
          self->availability_page = g_object_new (CRN_TYPE_AVAILABILITY_PAGE, NULL);
          adw_bin_set_child (self->availability_bin, GTK_WIDGET (self->availability_page));
          crn_availability_page_set_agenda (self->availability_page, self->agenda);
        }
      return GTK_WIDGET (self->availability_page);
    }
  if (g_strcmp0 (name, "review") == 0)
    {
      if (self->review_page == NULL)
        {
          self->review_page = g_object_new (CRN_TYPE_REVIEW_PAGE, NULL);
          adw_bin_set_child (self->review_bin, GTK_WIDGET (self->review_page));
          crn_review_page_set_agenda (self->review_page, self->agenda);
        }
      return GTK_WIDGET (self->review_page);
    }
  if (g_strcmp0 (name, "activity") == 0)
    {
      if (self->activity_page == NULL)
        {
          self->activity_page = g_object_new (CRN_TYPE_ACTIVITY_PAGE, NULL);
          adw_bin_set_child (self->activity_bin, GTK_WIDGET (self->activity_page));
          crn_activity_page_set_agenda (self->activity_page, self->agenda);
        }
      return GTK_WIDGET (self->activity_page);
    }

  return GTK_WIDGET (self->week_page);
}

/* The bottom view switcher is revealed when the window is too narrow for the one in the
 * header bar: its buttons are made then, not for the first frame of a wide window. */
static void
on_title_visible_cb (CrnWindow *self)
{
  if (adw_view_switcher_title_get_title_visible (self->switcher_title) &&
      adw_view_switcher_bar_get_stack (self->switcher_bar) == NULL)
    adw_view_switcher_bar_set_stack (self->switcher_bar, self->view_stack);
}

static void
on_visible_page_cb (CrnWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (name != NULL)
    ensure_page (self, name);
}

/*
 * Toasts
 */

/* libadwaita 1.2's AdwToastOverlay can crash when a toast is replaced or hidden while another
 * one's animation runs (adw_animation_skip() on a freed toast, seen under load in
 * tests/app/test-live.c; also gmg137/netease-cloud-music-gtk#209): the window shows one toast at
 * a time and waits for the hide animation (300 ms) before the next. */
static void show_next_toast (CrnWindow *self);

static gboolean
on_toast_delay_cb (gpointer user_data)
{
  CrnWindow *self = user_data;

  self->toast_delay_id = 0;
  show_next_toast (self);
  return G_SOURCE_REMOVE;
}

static void
on_toast_dismissed_cb (AdwToast  *toast,
                       CrnWindow *self)
{
  if (toast != self->shown_toast)
    return;
  g_clear_object (&self->shown_toast);
  g_clear_handle_id (&self->toast_delay_id, g_source_remove);
  self->toast_delay_id = g_timeout_add (400, on_toast_delay_cb, self);
}

static void
show_next_toast (CrnWindow *self)
{
  AdwToast *toast;

  if (self->shown_toast != NULL || self->toast_delay_id != 0)
    return;
  toast = g_queue_pop_head (&self->toasts);
  if (toast == NULL)
    return;
  self->shown_toast = toast;
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

/*
 * The store
 */

static void open_store (CrnWindow *self);

/* The visible week first (the first frame must not wait for more), then eight weeks on each
 * side of today in the background. */
static void
on_agenda_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CrnWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  CrnInstant now = crn_time_now ();

  if (!crn_agenda_load_finish (CRN_AGENDA (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        crn_window_add_toast (self, adw_toast_new (error->message));
      return;
    }

  crn_agenda_ensure_range (self->agenda, now - 8 * 7 * 24 * 3600, now + 9 * 7 * 24 * 3600);
}

static void
attach_store (CrnWindow *self,
              CrnStore  *store)
{
  GDate monday, next;
  CrnInstant from, to;

  crn_agenda_set_store (self->agenda, store);
  /* The account is looked up once the visible week is asked for: the first frame never
   * waits for the keyring or the server. */
  if (self->session != NULL && !self->demo)
    {
      g_autofree char *ca_file = self->settings != NULL ? g_settings_get_string (self->settings, "ca-file")
                                                        : NULL;
      crn_session_resume (self->session, ca_file);
    }
  crn_week_page_get_week (self->week_page, &monday);
  if (!g_date_valid (&monday))
    crn_time_to_local (crn_time_now (), &monday, NULL, NULL);
  next = monday;
  g_date_add_days (&next, 7);
  from = crn_time_from_local (&monday, 0);
  to = crn_time_from_local (&next, 0);
  crn_agenda_load_async (self->agenda, from, to, self->cancellable, on_agenda_loaded_cb,
                         g_object_ref (self));
}

static void
on_demo_filled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CrnWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_demo_fill_store_finish (CRN_STORE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        crn_window_add_toast (self, adw_toast_new (error->message));
      return;
    }
  crn_demo_follow_templates (self->agenda);
  attach_store (self, CRN_STORE (object));
}

static void
on_store_dialog_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             CrnWindow        *self)
{
  if (g_strcmp0 (response, "fresh") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *aside = NULL;

      if (!crn_store_move_aside (self->store_path, &aside, &error))
        {
          crn_window_add_toast (self, adw_toast_new (error->message));
          return;
        }
      {
        g_autofree char *text = g_strdup_printf (_("The old agenda file was kept as %s"), aside);
        AdwToast *toast = adw_toast_new (text);

        adw_toast_set_timeout (toast, 0);
        crn_window_add_toast (self, toast);
      }
      open_store (self);
    }
  else if (g_strcmp0 (response, "retry") == 0)
    open_store (self);
  else if (g_strcmp0 (response, "quit") == 0)
    gtk_window_close (GTK_WINDOW (self));
}

static void
show_store_error (CrnWindow    *self,
                  const GError *error)
{
  GtkWidget *dialog;
  gboolean damaged = g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_CORRUPT) ||
                     g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FOREIGN) ||
                     g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_TOO_NEW);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Agenda File Cannot Be Opened"),
                                   error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "quit", _("_Quit"));
  if (damaged)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "fresh",
                                       _("_Start Fresh (Keep the Old File Aside)"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "fresh",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "fresh");
    }
  else
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "retry", _("_Try Again"));
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "retry");
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "none");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_store_dialog_response_cb), self, 0);

  self->store_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->store_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_store_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CrnWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnStore) store = crn_store_new_finish (result, &error);

  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_store_error (self, error);
      return;
    }

  if (self->demo)
    crn_demo_fill_store_async (store, self->cancellable, on_demo_filled_cb, g_object_ref (self));
  else
    attach_store (self, store);
}

static void
open_store (CrnWindow *self)
{
  crn_store_new_async (self->store_path, self->cancellable, on_store_opened_cb,
                       g_object_ref (self));
}

static void
stop_waiting_for_first_frame (CrnWindow *self)
{
  if (self->first_frame_clock != NULL)
    {
      g_clear_signal_handler (&self->first_frame_id, self->first_frame_clock);
      g_clear_object (&self->first_frame_clock);
    }
  g_clear_handle_id (&self->first_frame_timeout_id, g_source_remove);
}

static gboolean
on_first_frame_timeout_cb (gpointer user_data)
{
  CrnWindow *self = user_data;

  self->first_frame_timeout_id = 0;
  stop_waiting_for_first_frame (self);
  crn_window_ensure_help_overlay (self);
  open_store (self);
  return G_SOURCE_REMOVE;
}

/* Once the frame is painted, in the next idle moment: the frame is out first. */
static void
on_first_frame_cb (CrnWindow *self)
{
  stop_waiting_for_first_frame (self);
  self->first_frame_timeout_id = g_idle_add (on_first_frame_timeout_cb, self);
}

/* The window's first frame is painted before the agenda file is opened: opening it and
 * reading the week on the store's thread would take a CPU from that frame on a busy
 * machine, and the week could not be shown sooner anyway. A window that does not paint
 * (hidden, no display) opens it after a second. */
static void
open_store_after_first_frame (CrnWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_waiting_for_first_frame (self);
  if (clock == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      crn_window_ensure_help_overlay (self);
      open_store (self);
      return;
    }
  self->first_frame_clock = g_object_ref (clock);
  self->first_frame_id = g_signal_connect_object (clock, "after-paint",
                                                  G_CALLBACK (on_first_frame_cb), self,
                                                  G_CONNECT_SWAPPED);
  self->first_frame_timeout_id = g_timeout_add (1000, on_first_frame_timeout_cb, self);
}

static void
on_agenda_notice_cb (CrnWindow  *self,
                     const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  /* A refusal explains something that did not happen: it stays until read. */
  adw_toast_set_timeout (toast, 0);
  crn_window_add_toast (self, toast);
}

/*
 * Actions
 */

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  crn_window_show_page (CRN_WINDOW (widget), g_variant_get_string (param, NULL));
}

/*
 * The session
 */

static void
update_sync_status (CrnWindow *self)
{
  CrnSyncStatus status = self->watched_sync != NULL ? crn_sync_get_status (self->watched_sync)
                                                    : CRN_SYNC_STATUS_OFFLINE;
  g_autofree char *text = NULL;

  if (status == CRN_SYNC_STATUS_SIGNED_OUT)
    text = g_strdup (_("Signed out"));
  else if (status == CRN_SYNC_STATUS_OFFLINE && self->watched_sync != NULL &&
           crn_sync_get_offline_since (self->watched_sync) > 0)
    {
      g_autoptr(GDateTime) local = NULL;
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (crn_sync_get_offline_since (self->watched_sync) / 1000);
      g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
      g_autofree char *hhmm = NULL;

      if (paris == NULL)
        paris = g_time_zone_new_utc ();
      local = g_date_time_to_timezone (utc, paris);
      hhmm = g_date_time_format (local, "%H:%M");
      /* TRANSLATORS: %s is a time, 14:02 */
      text = g_strdup_printf (_("Offline since %s"), hhmm);
    }
  else
    text = g_strdup (_("Offline"));

  gtk_label_set_text (self->offline_label, text);
  gtk_widget_set_visible (self->sign_in_again_button, status == CRN_SYNC_STATUS_SIGNED_OUT);
  if (self->watched_sync != NULL && crn_sync_get_last_error (self->watched_sync) != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->offline_label),
                                 crn_sync_get_last_error (self->watched_sync));
}

static void
on_session_sync_cb (CrnWindow *self)
{
  CrnSync *sync = crn_session_get_sync (self->session);

  if (self->watched_sync != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_sync, self);
  g_set_object (&self->watched_sync, sync);
  if (sync != NULL)
    {
      g_signal_connect_object (sync, "notify::state", G_CALLBACK (update_sync_status), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "notify::offline-since", G_CALLBACK (update_sync_status),
                               self, G_CONNECT_SWAPPED);
    }
  update_sync_status (self);
}

static void
on_first_run_done_cb (CrnWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, "agenda");
}

/* The first-run pages are built when nobody is signed in, not for the first frame: whether
 * somebody is is known only once the agenda file is open. */
static CrnFirstRun *
ensure_first_run (CrnWindow *self)
{
  if (self->first_run == NULL)
    {
      self->first_run = g_object_new (CRN_TYPE_FIRST_RUN, NULL);
      adw_bin_set_child (self->first_run_bin, GTK_WIDGET (self->first_run));
      if (self->session != NULL)
        {
          crn_first_run_set_session (self->first_run, self->session);
          g_signal_connect_object (self->first_run, "done", G_CALLBACK (on_first_run_done_cb), self,
                                   G_CONNECT_SWAPPED);
        }
    }

  return self->first_run;
}

static void
on_session_state_cb (CrnWindow *self)
{
  switch (crn_session_get_state (self->session))
    {
    case CRN_SESSION_STATE_NO_ACCOUNT:
      crn_first_run_reset (ensure_first_run (self));
      gtk_stack_set_visible_child_name (self->main_stack, "first-run");
      if (self->demo_server != NULL)
        {
          /* build-aux/run's demo server: signed in without typing (demo accounts only). */
          crn_first_run_fill (self->first_run, self->demo_server, NULL, self->demo_login,
                              self->demo_password);
          crn_first_run_set_automatic (self->first_run, TRUE);
          gtk_widget_activate_action (GTK_WIDGET (self->first_run), "first-run.start", NULL);
          gtk_widget_activate_action (GTK_WIDGET (self->first_run), "first-run.continue", NULL);
          gtk_widget_activate_action (GTK_WIDGET (self->first_run), "first-run.sign-in", NULL);
        }
      break;
    case CRN_SESSION_STATE_READY:
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "ca-file",
                               crn_session_get_ca_file (self->session) != NULL ? crn_session_get_ca_file (self->session) : "");
      if (self->first_run == NULL || !crn_first_run_is_busy (self->first_run))
        gtk_stack_set_visible_child_name (self->main_stack, "agenda");
      break;
    case CRN_SESSION_STATE_STARTING:
    default:
      break;
    }
}

static void
on_signed_in_again_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(CrnWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_session_sign_in_again_finish (CRN_SESSION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        crn_window_add_toast (self, adw_toast_new (error->message));
      return;
    }
  crn_window_add_toast (self, adw_toast_new (_("Signed in again: your changes are being sent")));
}

static void
on_sign_in_again_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              CrnWindow        *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "password");

  if (g_strcmp0 (response, "sign-in") != 0 || self->session == NULL)
    return;
  crn_session_sign_in_again_async (self->session, gtk_editable_get_text (entry),
                                   self->cancellable, on_signed_in_again_cb, g_object_ref (self));
}

static void
sign_in_again_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  CrnWindow *self = CRN_WINDOW (widget);
  CrnAccount *account = self->session != NULL ? crn_session_get_account (self->session) : NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (account == NULL)
    return;
  body = g_strdup_printf (_("Your session on %s has ended. Type the password of %s; the changes "
                            "you made meanwhile are kept and will be sent."),
                          crn_account_get_server_url (account), crn_account_get_username (account));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign In Again"), body);
  entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Password"), -1);
  g_object_set (entry, "activates-default", TRUE, NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "password", entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "sign-in", _("_Sign In"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-in",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_in_again_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/*
 * GtkWindow overrides
 */

static gboolean
crn_window_close_request (GtkWindow *window)
{
  save_window_state (CRN_WINDOW (window));

  return GTK_WINDOW_CLASS (crn_window_parent_class)->close_request (window);
}

/*
 * GObject overrides
 */

static void
crn_window_constructed (GObject *object)
{
  CrnWindow *self = CRN_WINDOW (object);

  G_OBJECT_CLASS (crn_window_parent_class)->constructed (object);

  if (self->agenda == NULL)
    self->agenda = crn_agenda_new ();

  g_object_bind_property (self->agenda, "syncing", self->sync_spinner, "spinning",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->agenda, "syncing", self->sync_spinner, "visible",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->agenda, "online", self->offline_label, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  g_signal_connect_object (self->agenda, "notice", G_CALLBACK (on_agenda_notice_cb), self,
                           G_CONNECT_SWAPPED);

  crn_week_page_set_agenda (self->week_page, self->agenda);
  /* The page shown (the week, or the one the settings remember) is built now, the others
   * when first shown. */
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (on_visible_page_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (on_title_visible_cb), self, G_CONNECT_SWAPPED);
  on_title_visible_cb (self);

  self->settings = new_settings ();
  if (self->settings != NULL)
    {
      load_window_state (self);
      g_settings_bind_with_mapping (self->settings, "last-page", self->view_stack, "visible-child-name",
                                    G_SETTINGS_BIND_DEFAULT, get_page_mapping, set_page_mapping,
                                    NULL, NULL);
      g_settings_bind (self->settings, "selected-practitioners", self->week_page,
                       "selected-practitioners", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "week-first-hour", self->week_page, "first-hour",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "week-last-hour", self->week_page, "last-hour",
                       G_SETTINGS_BIND_DEFAULT);
    }

  if (g_str_has_suffix (APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  /* Times are shown in Europe/Paris whatever the machine's zone: say so when they differ. */
  gtk_widget_set_visible (self->paris_label, !crn_window_local_time_is_paris ());

  on_visible_page_cb (self);
}

static void
crn_window_dispose (GObject *object)
{
  CrnWindow *self = (CrnWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->store_path, g_free);
  stop_waiting_for_first_frame (self);
  g_clear_handle_id (&self->toast_delay_id, g_source_remove);
  g_queue_clear_full (&self->toasts, g_object_unref);
  if (self->shown_toast != NULL)
    g_signal_handlers_disconnect_by_data (self->shown_toast, self);
  g_clear_object (&self->shown_toast);
  /* Taking the pages apart changes the visible one: no page is built for that. */
  if (self->view_stack != NULL)
    g_signal_handlers_disconnect_by_func (self->view_stack, on_visible_page_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->agenda);
  if (self->watched_sync != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_sync, self);
  g_clear_object (&self->watched_sync);
  g_clear_object (&self->session);
  g_clear_pointer (&self->demo_server, g_free);
  g_clear_pointer (&self->demo_login, g_free);
  g_clear_pointer (&self->demo_password, g_free);

  G_OBJECT_CLASS (crn_window_parent_class)->dispose (object);
}

static void
crn_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CrnWindow *self = CRN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_AGENDA:
      g_value_set_object (value, self->agenda);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CrnWindow *self = CRN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_AGENDA:
      self->agenda = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_window_class_init (CrnWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = crn_window_constructed;
  object_class->dispose = crn_window_dispose;
  object_class->get_property = crn_window_get_property;
  object_class->set_property = crn_window_set_property;

  window_class->close_request = crn_window_close_request;

  /**
   * CrnWindow:agenda:
   *
   * Where every page reads its data.
   */
  properties[PROP_AGENDA] =
    g_param_spec_object ("agenda", NULL, NULL, CRN_TYPE_AGENDA,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CRN_TYPE_WEEK_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, week_page);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, availability_bin);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, bookings_bin);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, activity_bin);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, review_bin);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, first_run_bin);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, sign_in_again_button);
  gtk_widget_class_bind_template_child (widget_class, CrnWindow, paris_label);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", NULL, sign_in_again_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, crn_export_dialog_action);
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", page_names[i]);
}

static void
crn_window_init (CrnWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/*
 * Public API
 */

/**
 * crn_window_new:
 * @application: the application
 * @agenda: (nullable): the data source; a new empty one if %NULL
 *
 * Returns: (transfer full): a new main window
 */
CrnWindow *
crn_window_new (AdwApplication *application,
                CrnAgenda      *agenda)
{
  g_return_val_if_fail (application == NULL || ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (agenda == NULL || CRN_IS_AGENDA (agenda), NULL);

  return g_object_new (CRN_TYPE_WINDOW,
                       "application", application,
                       "agenda", agenda,
                       NULL);
}

/**
 * crn_window_get_agenda:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the data source of the pages
 */
CrnAgenda *
crn_window_get_agenda (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->agenda;
}

/**
 * crn_window_get_view_stack:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the stack of pages
 */
AdwViewStack *
crn_window_get_view_stack (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->view_stack;
}

/**
 * crn_window_get_week_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Week page
 */
CrnWeekPage *
crn_window_get_week_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->week_page;
}

/**
 * crn_window_get_availability_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Availability page, built now if it was not shown yet
 */
CrnAvailabilityPage *
crn_window_get_availability_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return CRN_AVAILABILITY_PAGE (ensure_page (self, "availability"));
}

/**
 * crn_window_get_bookings_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Bookings page, built now if it was not shown yet
 */
CrnBookingsPage *
crn_window_get_bookings_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return CRN_BOOKINGS_PAGE (ensure_page (self, "bookings"));
}

/**
 * crn_window_get_review_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Review page, built now if it was not shown yet
 */
CrnReviewPage *
crn_window_get_review_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return CRN_REVIEW_PAGE (ensure_page (self, "review"));
}

/**
 * crn_window_get_activity_page:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the Activity page, built now if it was not shown yet
 */
CrnActivityPage *
crn_window_get_activity_page (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return CRN_ACTIVITY_PAGE (ensure_page (self, "activity"));
}

/**
 * crn_window_show_page:
 * @self: a #CrnWindow
 * @name: "week", "bookings", "availability", "review" or "activity"
 */
void
crn_window_show_page (CrnWindow  *self,
                      const char *name)
{
  g_return_if_fail (CRN_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    {
      g_warning ("No page named “%s”", name);
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * crn_window_add_toast:
 * @self: a #CrnWindow
 * @toast: (transfer full): a toast
 */
void
crn_window_add_toast (CrnWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (CRN_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_queue_push_tail (&self->toasts, toast);
  show_next_toast (self);
}

/**
 * crn_window_open_store:
 * @self: a #CrnWindow
 * @path: (nullable): the agenda file, %NULL for the default one
 * @demo: whether to write the fictitious demo practice into it first
 *
 * Opens the local store in the background once the window's first frame is painted, and
 * feeds the agenda from it: the visible week first, then the weeks around today. A damaged or foreign file is shown in a dialog with the
 * store's message and a way to start fresh, keeping the old file aside.
 */
void
crn_window_open_store (CrnWindow  *self,
                       const char *path,
                       gboolean    demo)
{
  g_return_if_fail (CRN_IS_WINDOW (self));

  g_free (self->store_path);
  self->store_path = path != NULL ? g_strdup (path) : crn_store_get_default_path ();
  self->demo = !!demo;
  open_store_after_first_frame (self);
}

/**
 * crn_window_ensure_help_overlay:
 * @self: a #CrnWindow
 *
 * Gives the window its keyboard shortcuts window (win.show-help-overlay), if not done yet.
 * Building it took a few percent of the time to the first frame: the window does it once
 * that frame is painted, or now when the shortcuts are asked for sooner.
 */
void
crn_window_ensure_help_overlay (CrnWindow *self)
{
  g_autoptr(GtkBuilder) builder = NULL;

  g_return_if_fail (CRN_IS_WINDOW (self));

  if (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self)) != NULL)
    return;
  builder = gtk_builder_new_from_resource ("/io/github/creneaux/Creneaux/ui/crn-help-overlay.ui");
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
}

/**
 * crn_window_get_store_dialog:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none) (nullable): the dialog saying the store cannot be opened, if shown
 */
GtkWindow *
crn_window_get_store_dialog (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return self->store_dialog;
}

/**
 * crn_window_local_time_is_paris:
 *
 * Returns: whether this computer's clock shows the same time as Europe/Paris now
 */
gboolean
crn_window_local_time_is_paris (void)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) local = g_date_time_new_now_local ();
  g_autoptr(GDateTime) in_paris = NULL;

  if (paris == NULL)
    return TRUE;
  in_paris = g_date_time_to_timezone (local, paris);
  return g_date_time_get_utc_offset (local) == g_date_time_get_utc_offset (in_paris);
}

/**
 * crn_window_set_session:
 * @self: a #CrnWindow
 * @session: the application's link to its CPTS server
 *
 * Follows @session: the first-run pages while nobody is signed in, the sync state in the
 * header bar. Call before crn_window_open_store(): the remembered account is resumed once
 * the agenda file is open.
 */
void
crn_window_set_session (CrnWindow  *self,
                        CrnSession *session)
{
  g_return_if_fail (CRN_IS_WINDOW (self));
  g_return_if_fail (CRN_IS_SESSION (session));

  g_set_object (&self->session, session);
  if (self->first_run != NULL)
    {
      crn_first_run_set_session (self->first_run, session);
      g_signal_connect_object (self->first_run, "done", G_CALLBACK (on_first_run_done_cb), self,
                               G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::sync", G_CALLBACK (on_session_sync_cb), self,
                           G_CONNECT_SWAPPED);
  on_session_sync_cb (self);
  on_session_state_cb (self);
}

/**
 * crn_window_set_demo_account:
 * @self: a #CrnWindow
 * @server_url: the demo server's address (build-aux/run's, on loopback)
 * @login: a demo login
 * @password: its demo password
 *
 * On the first run, signs in to the demo server without typing.
 */
void
crn_window_set_demo_account (CrnWindow  *self,
                             const char *server_url,
                             const char *login,
                             const char *password)
{
  g_return_if_fail (CRN_IS_WINDOW (self));

  g_free (self->demo_server);
  self->demo_server = g_strdup (server_url);
  g_free (self->demo_login);
  self->demo_login = g_strdup (login);
  g_free (self->demo_password);
  self->demo_password = g_strdup (password);
}

/**
 * crn_window_get_first_run:
 * @self: a #CrnWindow
 *
 * Returns: (transfer none): the first-run pages, built now if they were not needed yet
 */
CrnFirstRun *
crn_window_get_first_run (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), NULL);

  return ensure_first_run (self);
}

/**
 * crn_window_is_showing_first_run:
 * @self: a #CrnWindow
 *
 * Returns: whether the first-run pages are shown instead of the agenda
 */
gboolean
crn_window_is_showing_first_run (CrnWindow *self)
{
  g_return_val_if_fail (CRN_IS_WINDOW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "first-run") == 0;
}

/**
 * crn_window_show_booking:
 * @self: a #CrnWindow
 * @id: a booking id
 *
 * Shows the Bookings page with that booking's row selected.
 */
void
crn_window_show_booking (CrnWindow  *self,
                         const char *id)
{
  g_return_if_fail (CRN_IS_WINDOW (self));
  g_return_if_fail (id != NULL);

  gtk_stack_set_visible_child_name (self->main_stack, "agenda");
  crn_window_show_page (self, "bookings");
  crn_bookings_page_select_booking (crn_window_get_bookings_page (self), id);
}
