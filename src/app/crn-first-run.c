/* crn-first-run.c: welcome, server address, sign-in, practitioners, first synchronisation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFirstRun"

#include "config.h"

#include "crn-first-run.h"

#include <glib/gi18n-lib.h>

struct _CrnFirstRun
{
  GtkWidget             parent_instance;

  CrnSession           *session;
  GCancellable         *cancellable;
  char                 *ca_file;
  GPtrArray            *practitioner_rows;   /* AdwActionRow with a GtkCheckButton suffix */
  GtkFileChooserNative *chooser;
  guint                 pulse_id;
  gboolean              busy;
  gboolean              automatic;

  /* Template widgets */
  GtkStack             *stack;
  GtkWidget            *back_button;
  AdwEntryRow          *server_row;
  AdwActionRow         *ca_row;
  GtkWidget            *ca_clear_button;
  GtkLabel             *server_error;
  AdwEntryRow          *login_row;
  AdwPasswordEntryRow  *password_row;
  GtkLabel             *sign_in_error;
  GtkSpinner           *sign_in_spinner;
  AdwPreferencesGroup  *practitioners_group;
  AdwStatusPage        *sync_status;
  GtkProgressBar       *sync_progress;
  GtkLabel             *sync_error;
  GtkWidget            *sync_retry_button;
};

G_DEFINE_FINAL_TYPE (CrnFirstRun, crn_first_run, GTK_TYPE_WIDGET)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/*
 * Helpers
 */

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
update_actions (CrnFirstRun *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean can_go_back = !self->busy && (g_strcmp0 (page, "server") == 0 ||
                                         g_strcmp0 (page, "sign-in") == 0);

  gtk_widget_set_visible (self->back_button, can_go_back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "first-run.back", can_go_back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "first-run.continue", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "first-run.sign-in", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "first-run.retry", !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_spinner), self->busy);
  gtk_spinner_set_spinning (self->sign_in_spinner, self->busy);
}

static void
set_busy (CrnFirstRun *self,
          gboolean     busy)
{
  self->busy = !!busy;
  update_actions (self);
}

static void
show_step (CrnFirstRun *self,
           const char  *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  update_actions (self);
}

static void
set_ca_file (CrnFirstRun *self,
             const char  *path)
{
  g_autofree char *basename = NULL;

  g_free (self->ca_file);
  self->ca_file = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  basename = self->ca_file != NULL ? g_path_get_basename (self->ca_file) : NULL;
  adw_action_row_set_subtitle (self->ca_row, basename != NULL ? basename
                                                               : _("Only if your CPTS uses its own"));
  gtk_widget_set_visible (self->ca_clear_button, self->ca_file != NULL);
}

/*
 * The first synchronisation
 */

static gboolean
pulse_cb (gpointer user_data)
{
  CrnFirstRun *self = user_data;

  gtk_progress_bar_pulse (self->sync_progress);
  return G_SOURCE_CONTINUE;
}

static void
on_n_received_cb (CrnFirstRun *self)
{
  guint n = crn_session_get_n_received (self->session);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item received", "%u items received", n), n);
  gtk_progress_bar_set_text (self->sync_progress, text);
  gtk_progress_bar_set_show_text (self->sync_progress, TRUE);
}

static void
on_first_sync_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CrnFirstRun) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_signal_handlers_disconnect_by_func (self->session, on_n_received_cb, self);
  set_busy (self, FALSE);
  if (!crn_session_first_sync_finish (CRN_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self->sync_error, error->message);
      gtk_widget_set_visible (self->sync_retry_button, TRUE);
      return;
    }
  gtk_progress_bar_set_fraction (self->sync_progress, 1.0);
  g_signal_emit (self, signals[DONE], 0);
}

static void
start_first_sync (CrnFirstRun *self)
{
  show_error (self->sync_error, NULL);
  gtk_widget_set_visible (self->sync_retry_button, FALSE);
  show_step (self, "sync");
  set_busy (self, TRUE);
  gtk_progress_bar_set_fraction (self->sync_progress, 0.0);
  if (self->pulse_id == 0)
    self->pulse_id = g_timeout_add (150, pulse_cb, self);
  g_signal_connect_object (self->session, "notify::n-received", G_CALLBACK (on_n_received_cb),
                           self, G_CONNECT_SWAPPED);
  crn_session_first_sync_async (self->session, self->cancellable, on_first_sync_cb,
                                g_object_ref (self));
}

/*
 * Practitioners (a secretary acts for some of the practice's GPs)
 */

static void
fill_practitioners (CrnFirstRun *self,
                    CrnAccount  *account)
{
  const char * const *ids = crn_account_get_practitioners (account);

  for (guint i = 0; i < self->practitioner_rows->len; i++)
    adw_preferences_group_remove (self->practitioners_group,
                                  g_ptr_array_index (self->practitioner_rows, i));
  g_ptr_array_set_size (self->practitioner_rows, 0);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *title = crn_session_dup_practitioner_name (self->session, ids[i]);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ids[i]);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      title, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data_full (G_OBJECT (row), "idnps", g_strdup (ids[i]), g_free);
      g_object_set_data (G_OBJECT (row), "check", check);
      adw_preferences_group_add (self->practitioners_group, row);
      g_ptr_array_add (self->practitioner_rows, row);
    }
}

/*
 * Sign-in
 */

static void
on_signed_in_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CrnFirstRun) self = user_data;
  g_autoptr(GError) error = NULL;
  CrnAccount *account;

  set_busy (self, FALSE);
  if (!crn_session_sign_in_finish (CRN_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* An address or certificate problem is fixed on the previous step. */
      if (g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_URL) ||
          g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INSECURE) ||
          g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE))
        {
          show_error (self->server_error, error->message);
          show_step (self, "server");
        }
      else
        {
          show_error (self->sign_in_error, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
        }
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  account = crn_session_get_account (self->session);
  if (crn_account_is_secretary (account))
    {
      fill_practitioners (self, account);
      show_step (self, "practitioners");
      if (self->automatic)
        gtk_widget_activate_action (GTK_WIDGET (self), "first-run.choose-practitioners", NULL);
      return;
    }
  start_first_sync (self);
}

static gboolean
check_server (CrnFirstRun *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnClient) client = NULL;
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  /* The address and the CA file are checked here, without the network: plain HTTP to
   * another computer, a typo or an unreadable file are told on this step. */
  client = crn_client_new (url, self->ca_file, &error);
  if (client == NULL)
    {
      show_error (self->server_error, error->message);
      return FALSE;
    }
  show_error (self->server_error, NULL);
  return TRUE;
}

/*
 * Actions
 */

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  CrnFirstRun *self = CRN_FIRST_RUN (widget);

  show_step (self, "server");
  gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CrnFirstRun *self = CRN_FIRST_RUN (widget);

  if (!check_server (self))
    return;
  show_step (self, "sign-in");
  gtk_widget_grab_focus (GTK_WIDGET (self->login_row));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CrnFirstRun *self = CRN_FIRST_RUN (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  show_step (self, g_strcmp0 (page, "sign-in") == 0 ? "server" : "welcome");
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CrnFirstRun *self = CRN_FIRST_RUN (widget);
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->login_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*login == '\0' || *password == '\0')
    {
      show_error (self->sign_in_error, _("Type your user name and your password."));
      return;
    }
  show_error (self->sign_in_error, NULL);
  set_busy (self, TRUE);
  crn_session_sign_in_async (self->session, url, self->ca_file, login, password,
                             self->cancellable, on_signed_in_cb, g_object_ref (self));
}

static void
choose_practitioners_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *param)
{
  CrnFirstRun *self = CRN_FIRST_RUN (widget);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) chosen = NULL;
  g_autoptr(GSettings) settings = crn_first_run_new_settings ();

  for (guint i = 0; i < self->practitioner_rows->len; i++)
    {
      GObject *row = g_ptr_array_index (self->practitioner_rows, i);

      if (gtk_check_button_get_active (g_object_get_data (row, "check")))
        g_strv_builder_add (builder, g_object_get_data (row, "idnps"));
    }
  chosen = g_strv_builder_end (builder);
  /* None ticked shows them all, as the Week page does with an empty choice. */
  if (settings != NULL)
    g_settings_set_strv (settings, "selected-practitioners", (const char * const *) chosen);
  start_first_sync (self);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  start_first_sync (CRN_FIRST_RUN (widget));
}

static void
on_chooser_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        CrnFirstRun     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      set_ca_file (self, path);
      check_server (self);
    }
  g_clear_object (&self->chooser);
}

static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CrnFirstRun *self = CRN_FIRST_RUN (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Certificate Authority of Your CPTS"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_ca_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  set_ca_file (CRN_FIRST_RUN (widget), NULL);
}

/*
 * Template callbacks
 */

static void
on_server_activated_cb (CrnFirstRun *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "first-run.continue", NULL);
}

static void
on_password_activated_cb (CrnFirstRun *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "first-run.sign-in", NULL);
}

/*
 * GObject overrides
 */

static void
crn_first_run_dispose (GObject *object)
{
  CrnFirstRun *self = (CrnFirstRun *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_FIRST_RUN);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (crn_first_run_parent_class)->dispose (object);
}

static void
crn_first_run_finalize (GObject *object)
{
  CrnFirstRun *self = (CrnFirstRun *) object;

  g_free (self->ca_file);
  g_ptr_array_unref (self->practitioner_rows);

  G_OBJECT_CLASS (crn_first_run_parent_class)->finalize (object);
}

static void
crn_first_run_class_init (CrnFirstRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_first_run_dispose;
  object_class->finalize = crn_first_run_finalize;

  /**
   * CrnFirstRun::done:
   *
   * Signed in and the agenda received: the window shows the pages.
   */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-first-run.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, stack);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, back_button);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, server_row);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, ca_row);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, server_error);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, login_row);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, password_row);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, practitioners_group);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, sync_status);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, sync_error);
  gtk_widget_class_bind_template_child (widget_class, CrnFirstRun, sync_retry_button);
  gtk_widget_class_bind_template_callback (widget_class, on_server_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated_cb);

  gtk_widget_class_install_action (widget_class, "first-run.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "first-run.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "first-run.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "first-run.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "first-run.choose-practitioners", NULL,
                                   choose_practitioners_action);
  gtk_widget_class_install_action (widget_class, "first-run.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "first-run.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "first-run.clear-ca", NULL, clear_ca_action);
}

static void
crn_first_run_init (CrnFirstRun *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->practitioner_rows = g_ptr_array_new ();
  update_actions (self);
}

/*
 * Public API
 */

/**
 * crn_first_run_new_settings:
 *
 * Returns: (transfer full) (nullable): the app's settings, %NULL when the schema is missing
 */
GSettings *
crn_first_run_new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

void
crn_first_run_set_session (CrnFirstRun *self,
                           CrnSession  *session)
{
  g_return_if_fail (CRN_IS_FIRST_RUN (self));

  g_set_object (&self->session, session);
}

/**
 * crn_first_run_reset:
 * @self: a #CrnFirstRun
 *
 * Goes back to the welcome page (after a sign-out).
 */
void
crn_first_run_reset (CrnFirstRun *self)
{
  g_return_if_fail (CRN_IS_FIRST_RUN (self));

  show_error (self->server_error, NULL);
  show_error (self->sign_in_error, NULL);
  show_step (self, "welcome");
}

/**
 * crn_first_run_fill:
 * @self: a #CrnFirstRun
 * @server_url: (nullable): the server address
 * @ca_file: (nullable): the certificate authority file
 * @login: (nullable): the user name
 * @password: (nullable): the password (the demo server's, given by build-aux/run)
 *
 * Pre-fills the form.
 */
void
crn_first_run_fill (CrnFirstRun *self,
                    const char  *server_url,
                    const char  *ca_file,
                    const char  *login,
                    const char  *password)
{
  g_return_if_fail (CRN_IS_FIRST_RUN (self));

  if (server_url != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url);
  set_ca_file (self, ca_file);
  if (login != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->login_row), login);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}

/**
 * crn_first_run_get_step:
 * @self: a #CrnFirstRun
 *
 * Returns: the page shown: "welcome", "server", "sign-in", "practitioners" or "sync"
 */
const char *
crn_first_run_get_step (CrnFirstRun *self)
{
  g_return_val_if_fail (CRN_IS_FIRST_RUN (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * crn_first_run_get_error:
 * @self: a #CrnFirstRun
 *
 * Returns: (nullable): the error shown on the current page
 */
const char *
crn_first_run_get_error (CrnFirstRun *self)
{
  const char *page;
  GtkLabel *label;

  g_return_val_if_fail (CRN_IS_FIRST_RUN (self), NULL);

  page = crn_first_run_get_step (self);
  if (g_strcmp0 (page, "server") == 0)
    label = self->server_error;
  else if (g_strcmp0 (page, "sign-in") == 0)
    label = self->sign_in_error;
  else if (g_strcmp0 (page, "sync") == 0)
    label = self->sync_error;
  else
    return NULL;

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

/**
 * crn_first_run_is_busy:
 * @self: a #CrnFirstRun
 *
 * Returns: whether a sign-in or the first synchronisation is under way
 */
gboolean
crn_first_run_is_busy (CrnFirstRun *self)
{
  g_return_val_if_fail (CRN_IS_FIRST_RUN (self), FALSE);

  return self->busy;
}

/**
 * crn_first_run_set_automatic:
 * @self: a #CrnFirstRun
 * @automatic: whether to keep every practitioner without asking (the demo)
 */
void
crn_first_run_set_automatic (CrnFirstRun *self,
                             gboolean     automatic)
{
  g_return_if_fail (CRN_IS_FIRST_RUN (self));

  self->automatic = !!automatic;
}
