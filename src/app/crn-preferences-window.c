/* crn-preferences-window.c: account, practitioners, notifications, week view, CPTS policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnPreferences"

#include "config.h"

#include "crn-preferences-window.h"

#include <glib/gi18n-lib.h>

struct _CrnPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  CrnSession           *session;
  GSettings            *settings;
  GCancellable         *cancellable;
  guint                 n_unsent;
  GtkWidget            *sign_out_row;
  GPtrArray            *practitioner_checks;   /* (element-type GtkCheckButton) unowned */
};

G_DEFINE_FINAL_TYPE (CrnPreferencesWindow, crn_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/*
 * Helpers
 */

static GtkWidget *
new_switch_row (GSettings  *settings,
                const char *key,
                const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  if (settings != NULL)
    g_settings_bind (settings, key, toggle, "active", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);

  return row;
}

static GtkWidget *
new_hour_row (GSettings  *settings,
              const char *key,
              const char *title,
              int         lower,
              int         upper)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  if (settings != NULL)
    g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (row, FALSE);

  return row;
}

static GtkWidget *
new_info_row (const char *title,
              const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* A wrapping label asks for a few characters only: short values stay on one line. */
  gtk_label_set_wrap (GTK_LABEL (label), value != NULL && g_utf8_strlen (value, -1) > 28);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

static char *
dup_snp_hours (const CrnPolicy *policy)
{
  static const char * const names[] = {
    NULL, N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
    N_("Saturday"), N_("Sunday"),
  };
  GString *text = g_string_new (NULL);

  for (guint wd = 1; wd <= 7; wd++)
    {
      g_autofree char *open = NULL;
      g_autofree char *close = NULL;

      if (policy->snp_open[wd] >= policy->snp_close[wd])
        continue;
      open = crn_time_format_minutes (policy->snp_open[wd]);
      close = crn_time_format_minutes (policy->snp_close[wd]);
      g_string_append_printf (text, "%s%s %s–%s", text->len ? "\n" : "", _(names[wd]), open, close);
    }

  return g_string_free (text, FALSE);
}

static GtkWidget *
build_policy_group (const CrnPolicy *policy)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *hours = dup_snp_hours (policy);
  g_autofree char *reclaim = NULL;
  g_autofree char *closes = NULL;
  g_autofree char *horizon = NULL;
  g_autoptr(GString) excluded = g_string_new (NULL);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("CPTS Policy"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Set by your CPTS and enforced by its server."));

  reclaim = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute before the slot",
                                          "%u minutes before the slot", policy->reclaim_minutes),
                             policy->reclaim_minutes);
  if (policy->booking_closes_minutes == 0)
    closes = g_strdup (_("Until the slot starts"));
  else
    closes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Until %u minute before the slot",
                                           "Until %u minutes before the slot",
                                           policy->booking_closes_minutes),
                              policy->booking_closes_minutes);
  horizon = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", policy->horizon_hours),
                             policy->horizon_hours);
  for (guint i = 0; policy->excluded_reasons != NULL && i < policy->excluded_reasons->len; i++)
    g_string_append_printf (excluded, "%s%s", i ? "\n" : "",
                            (const char *) g_ptr_array_index (policy->excluded_reasons, i));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_info_row (_("SNP hours"), hours));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_info_row (_("Reclaim a free slot from"), reclaim));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_info_row (_("Regulation may book"), closes));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_info_row (_("Care horizon"), horizon));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_info_row (_("Bookings wait for confirmation"),
                                           policy->needs_confirmation ? _("Yes") : _("No")));
  if (excluded->len > 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_info_row (_("Reasons not covered"), excluded->str));

  return group;
}

static const char *
role_name (const char *role)
{
  if (g_strcmp0 (role, "practitioner") == 0)
    return _("Practitioner");
  if (g_strcmp0 (role, "secretary") == 0)
    return _("Secretary");
  return role != NULL ? role : "";
}

static GtkWidget *
build_account_group (CrnPreferencesWindow *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  CrnAccount *account = crn_session_get_account (self->session);
  CrnSync *sync = crn_session_get_sync (self->session);
  GtkWidget *button;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Account"));
  if (account == NULL)
    {
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 new_info_row (_("CPTS server"), _("Not signed in")));
      return group;
    }

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_info_row (_("CPTS server"), crn_account_get_server_url (account)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_info_row (_("User name"), crn_account_get_username (account)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_info_row (_("Role"), role_name (crn_account_get_role (account))));
  if (crn_session_get_ca_file (self->session) != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_info_row (_("Certificate authority"),
                                             crn_session_get_ca_file (self->session)));
  if (sync != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_info_row (_("Connection"),
                                             crn_sync_get_status (sync) == CRN_SYNC_STATUS_IDLE ||
                                             crn_sync_get_status (sync) == CRN_SYNC_STATUS_SYNCING
                                             ? _("Connected") : _("Not connected")));

  self->sign_out_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sign_out_row), _("Sign Out"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->sign_out_row),
                               _("Ends the session on this computer"));
  button = gtk_button_new_with_mnemonic (_("Sign _Out…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.sign-out");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->sign_out_row), button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->sign_out_row);

  return group;
}

/* The ticked practitioners become the choice, in the account's order. */
static void
on_practitioner_toggled_cb (CrnPreferencesWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) result = NULL;

  if (self->settings == NULL || self->practitioner_checks == NULL)
    return;
  for (guint i = 0; i < self->practitioner_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->practitioner_checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "idnps"));
    }
  result = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "selected-practitioners", (const char * const *) result);
}

static GtkWidget *
build_practitioners_group (CrnPreferencesWindow *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  CrnAccount *account = crn_session_get_account (self->session);
  const char * const *ids = account != NULL ? crn_account_get_practitioners (account) : NULL;
  g_auto(GStrv) chosen = self->settings != NULL ? g_settings_get_strv (self->settings, "selected-practitioners")
                                                : NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Practitioners"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Those whose slots and bookings are shown. None ticked shows them all."));
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *name = crn_session_dup_practitioner_name (self->session, ids[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ids[i]);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   chosen == NULL || chosen[0] == NULL ||
                                   g_strv_contains ((const char * const *) chosen, ids[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data_full (G_OBJECT (check), "idnps", g_strdup (ids[i]), g_free);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_practitioner_toggled_cb), self,
                               G_CONNECT_SWAPPED);
      g_ptr_array_add (self->practitioner_checks, check);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (ids == NULL || ids[0] == NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_info_row (_("Practitioners"), _("Known after signing in")));

  return group;
}

/*
 * Sign-out
 */

static void
on_signed_out_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CrnPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_session_sign_out_finish (CRN_SESSION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_sign_out_response_cb (AdwMessageDialog     *dialog,
                         const char           *response,
                         CrnPreferencesWindow *self)
{
  GtkCheckButton *remove = g_object_get_data (G_OBJECT (dialog), "remove");

  if (g_strcmp0 (response, "sign-out") != 0)
    return;
  crn_session_sign_out_async (self->session, gtk_check_button_get_active (remove),
                              self->cancellable, on_signed_out_cb, g_object_ref (self));
}

static void
show_sign_out_dialog (CrnPreferencesWindow *self)
{
  GtkWidget *dialog;
  GtkWidget *remove;
  g_autofree char *body = NULL;

  if (self->n_unsent > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u change has not reached the server yet. It is kept and sent at the next sign-in, unless you remove the local data.",
                                         "%u changes have not reached the server yet. They are kept and sent at the next sign-in, unless you remove the local data.",
                                         self->n_unsent),
                            self->n_unsent);
  else
    body = g_strdup (_("Every change has reached the server."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out?"), body);
  remove = gtk_check_button_new_with_mnemonic (_("Also _remove the agenda kept on this computer"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), remove);
  g_object_set_data (G_OBJECT (dialog), "remove", remove);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "sign-out", _("Sign _Out"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_unsent_counted_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CrnPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  if (!crn_store_count_unsent_finish (CRN_STORE (object), result, &count, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not count the unsent changes: %s", error->message);
    }
  self->n_unsent = count;
  show_sign_out_dialog (self);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CrnPreferencesWindow *self = CRN_PREFERENCES_WINDOW (widget);
  CrnStore *store = crn_agenda_get_store (crn_session_get_agenda (self->session));

  if (crn_session_get_sync (self->session) == NULL)
    return;
  /* How many changes would be lost is said before anything is removed. */
  if (store != NULL)
    crn_store_count_unsent_async (store, self->cancellable, on_unsent_counted_cb, g_object_ref (self));
  else
    show_sign_out_dialog (self);
}

/*
 * GObject overrides
 */

static void
crn_preferences_window_dispose (GObject *object)
{
  CrnPreferencesWindow *self = (CrnPreferencesWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->practitioner_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (crn_preferences_window_parent_class)->dispose (object);
}

static void
crn_preferences_window_class_init (CrnPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_preferences_window_dispose;

  gtk_widget_class_install_action (widget_class, "preferences.sign-out", NULL, sign_out_action);
}

static void
crn_preferences_window_init (CrnPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->practitioner_checks = g_ptr_array_new ();
}

/*
 * Public API
 */

/**
 * crn_preferences_window_new:
 * @parent: (nullable): the main window
 * @session: the application's session
 * @settings: (nullable): the application's settings
 *
 * Returns: (transfer full): the preferences: account and sign-out, practitioners shown,
 *   notifications, week view, and the CPTS policy (read-only, from the server)
 */
CrnPreferencesWindow *
crn_preferences_window_new (GtkWindow  *parent,
                            CrnSession *session,
                            GSettings  *settings)
{
  CrnPreferencesWindow *self;
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group;

  g_return_val_if_fail (CRN_IS_SESSION (session), NULL);

  self = g_object_new (CRN_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       "search-enabled", FALSE,
                       NULL);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->session = g_object_ref (session);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_account_group (self)));
  if (crn_session_get_account (session) != NULL)
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                              ADW_PREFERENCES_GROUP (build_practitioners_group (self)));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Notifications"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_switch_row (settings, "notifications-enabled",
                                             _("New Bookings"),
                                             _("Notify when regulation or a referrer books a slot")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_switch_row (settings, "notify-on-confirmation",
                                             _("Bookings to Confirm"),
                                             _("Notify when a booking waits for the practice's confirmation")));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Week View"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_hour_row (settings, "week-first-hour", _("First Hour Shown"), 0, 23));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             new_hour_row (settings, "week-last-hour", _("Last Hour Shown"), 1, 24));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_policy_group (crn_agenda_get_policy (crn_session_get_agenda (session)))));

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));

  return self;
}
