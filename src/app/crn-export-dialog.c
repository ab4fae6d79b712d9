/* crn-export-dialog.c: "Export…": iCalendar of a range of days, CSV or PDF of a month
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's primary menu opens this dialog: the user picks the format, the days or the
 * month (Europe/Paris), whether patients' names go in the iCalendar file and the CSV
 * separator, then a file with GtkFileChooserNative. The export itself is the export layer's
 * crn_export_save_async() on the agenda's store, as for the command line.
 */
#define G_LOG_DOMAIN "CrnExportDialog"

#include "config.h"

#include "crn-export-dialog.h"

#include <glib/gi18n-lib.h>

#include "crn-agenda.h"
#include "crn-export.h"

struct _CrnExportDialog
{
  AdwWindow             parent_instance;

  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  CrnExportRequest      request;        /* what the chooser's file will receive */

  AdwToastOverlay      *toasts;
  AdwComboRow          *format_row;
  AdwPreferencesGroup  *range_group;
  AdwPreferencesGroup  *month_group;
  GtkEditable          *from_entry;
  GtkEditable          *to_entry;
  GtkSwitch            *patients_switch;
  GtkEditable          *month_entry;
  AdwActionRow         *separator_row;
  GtkSwitch            *separator_switch;
  GtkButton            *export_button;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (CrnExportDialog, crn_export_dialog, ADW_TYPE_WINDOW)

static void
show_error (CrnExportDialog *self,
            const char      *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

/* The main window it was opened from: its agenda's store is exported. */
static CrnWindow *
parent_window (CrnExportDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  return CRN_IS_WINDOW (parent) ? CRN_WINDOW (parent) : NULL;
}

static void
update_rows (CrnExportDialog *self)
{
  CrnExportFormat format = (CrnExportFormat) adw_combo_row_get_selected (self->format_row);
  const char *what[] = {
    N_("SNP slots and bookings of a range of days, for an agenda"),
    N_("The activity of a month, per day, for a spreadsheet"),
    N_("The activity of a month, with its charts"),
  };

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row),
                               format < G_N_ELEMENTS (what) ? _(what[format]) : "");

  gtk_widget_set_visible (GTK_WIDGET (self->range_group), format == CRN_EXPORT_ICS);
  gtk_widget_set_visible (GTK_WIDGET (self->month_group), format != CRN_EXPORT_ICS);
  gtk_widget_set_visible (GTK_WIDGET (self->separator_row), format == CRN_EXPORT_CSV);
}

static void
on_format_changed_cb (CrnExportDialog *self)
{
  update_rows (self);
}

/* The request from the fields, checked; %FALSE with a translated sentence otherwise. */
static gboolean
read_request (CrnExportDialog   *self,
              CrnExportRequest  *request,
              GError           **error)
{
  CrnExportFormat format = (CrnExportFormat) adw_combo_row_get_selected (self->format_row);

  crn_export_request_init (request, format);
  if (format == CRN_EXPORT_ICS)
    {
      if (!crn_export_parse_date (gtk_editable_get_text (self->from_entry), &request->from, error)
          || !crn_export_parse_date (gtk_editable_get_text (self->to_entry), &request->to, error))
        return FALSE;
      request->with_patients = gtk_switch_get_active (self->patients_switch);
    }
  else
    {
      if (!crn_export_parse_month (gtk_editable_get_text (self->month_entry), &request->month,
                                   error))
        return FALSE;
      request->separator = gtk_switch_get_active (self->separator_switch) ? ';' : ',';
    }
  return crn_export_request_validate (request, error);
}

static char *
dup_file_name (const CrnExportRequest *request)
{
  switch (request->format)
    {
    case CRN_EXPORT_ICS:
      return g_strdup_printf ("creneaux-%04u-%02u-%02u.ics", g_date_get_year (&request->from),
                              g_date_get_month (&request->from), g_date_get_day (&request->from));
    case CRN_EXPORT_CSV:
    case CRN_EXPORT_PDF:
    default:
      return g_strdup_printf ("creneaux-activite-%04u-%02u.%s", g_date_get_year (&request->month),
                              g_date_get_month (&request->month),
                              request->format == CRN_EXPORT_CSV ? "csv" : "pdf");
    }
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrnExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!crn_export_save_finish (CRN_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
          show_error (self, error->message);
        }
      return;
    }

  if (parent_window (self) != NULL)
    crn_window_add_toast (parent_window (self), adw_toast_new (_("Export saved")));
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * crn_export_dialog_export_to:
 * @self: a #CrnExportDialog
 * @file: where to write
 *
 * Exports what the fields say into @file (what choosing a file does); the dialog closes when
 * the file is written, or shows why not.
 */
void
crn_export_dialog_export_to (CrnExportDialog *self,
                             GFile           *file)
{
  CrnWindow *window = parent_window (self);
  CrnStore *store = window != NULL ? crn_agenda_get_store (crn_window_get_agenda (window)) : NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CRN_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!read_request (self, &self->request, &error))
    {
      show_error (self, error->message);
      return;
    }
  if (store == NULL)
    {
      show_error (self, _("The agenda is not open yet. Try again in a moment."));
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
  self->busy = TRUE;
  crn_export_save_async (store, &self->request, file, self->cancellable, on_saved_cb,
                         g_object_ref (self));
}

/**
 * crn_export_dialog_is_busy:
 * @self: a #CrnExportDialog
 *
 * Returns: whether an export is being read or written
 */
gboolean
crn_export_dialog_is_busy (CrnExportDialog *self)
{
  g_return_val_if_fail (CRN_IS_EXPORT_DIALOG (self), FALSE);

  return self->busy;
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        CrnExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        crn_export_dialog_export_to (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
on_export_clicked_cb (CrnExportDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;
  if (!read_request (self, &self->request, &error))
    {
      show_error (self, error->message);
      return;
    }

  name = dup_file_name (&self->request);
  self->chooser = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static GtkEditable *
add_entry_row (AdwPreferencesGroup *group,
               const char          *title,
               const char          *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_preferences_group_add (group, row);
  return GTK_EDITABLE (row);
}

static GtkSwitch *
add_switch_row (AdwPreferencesGroup  *group,
                const char           *title,
                const char           *subtitle,
                AdwActionRow        **row_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (group, row);
  if (row_out != NULL)
    *row_out = ADW_ACTION_ROW (row);
  return GTK_SWITCH (toggle);
}

static void
crn_export_dialog_dispose (GObject *object)
{
  CrnExportDialog *self = (CrnExportDialog *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (crn_export_dialog_parent_class)->dispose (object);
}

static void
crn_export_dialog_finalize (GObject *object)
{
  CrnExportDialog *self = (CrnExportDialog *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (crn_export_dialog_parent_class)->finalize (object);
}

static void
crn_export_dialog_class_init (CrnExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_export_dialog_dispose;
  object_class->finalize = crn_export_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
crn_export_dialog_init (CrnExportDialog *self)
{
  const char *formats[] = { "iCalendar", "CSV", "PDF", NULL };
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (crn_time_now ());
  g_autoptr(GDateTime) today = g_date_time_to_timezone (now, crn_time_zone_paris ());
  g_autoptr(GDateTime) later = g_date_time_add_days (today, 27);
  g_autofree char *from = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *month = g_date_time_format (today, "%Y-%m");
  g_autoptr(GtkStringList) model = gtk_string_list_new (formats);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *button_group = adw_preferences_group_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Export…"));

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Export"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 560);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->toasts), TRUE);
  adw_toast_overlay_set_child (self->toasts, page);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toasts));
  adw_window_set_content (ADW_WINDOW (self), box);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Days are those of Europe/Paris."));
  self->format_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->format_row), _("Format"));
  adw_combo_row_set_model (self->format_row, G_LIST_MODEL (model));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->format_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  self->range_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->range_group, _("Days"));
  self->from_entry = add_entry_row (self->range_group, _("First day (YYYY-MM-DD)"), from);
  self->to_entry = add_entry_row (self->range_group, _("Last day (YYYY-MM-DD)"), to);
  self->patients_switch =
    add_switch_row (self->range_group, _("Patients’ names and reasons"),
                    _("Only for your own agenda: the file then holds health data."), NULL);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->range_group);

  self->month_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->month_group, _("Month"));
  self->month_entry = add_entry_row (self->month_group, _("Month (YYYY-MM)"), month);
  self->separator_switch =
    add_switch_row (self->month_group, _("Semicolons for French spreadsheets"),
                    _("Decimal commas, “;” between columns"), &self->separator_row);
  gtk_switch_set_active (self->separator_switch, TRUE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->month_group);

  self->export_button = GTK_BUTTON (button);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_export_clicked_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (button_group), button);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (button_group));

  g_signal_connect_swapped (self->format_row, "notify::selected",
                            G_CALLBACK (on_format_changed_cb), self);
  update_rows (self);
}

/**
 * crn_export_dialog_new:
 * @window: the main window (its agenda's store is exported)
 *
 * Returns: (transfer floating): the dialog, transient for @window
 */
CrnExportDialog *
crn_export_dialog_new (CrnWindow *window)
{
  CrnExportDialog *self = g_object_new (CRN_TYPE_EXPORT_DIALOG,
                                        "transient-for", window,
                                        NULL);

  return self;
}

/**
 * crn_export_dialog_set_request:
 * @self: a #CrnExportDialog
 * @request: the format, days or month and options to show
 */
void
crn_export_dialog_set_request (CrnExportDialog        *self,
                               const CrnExportRequest *request)
{
  char text[16];

  g_return_if_fail (CRN_IS_EXPORT_DIALOG (self));

  adw_combo_row_set_selected (self->format_row, request->format);
  if (g_date_valid (&request->from))
    {
      g_date_strftime (text, sizeof text, "%Y-%m-%d", &request->from);
      gtk_editable_set_text (self->from_entry, text);
    }
  if (g_date_valid (&request->to))
    {
      g_date_strftime (text, sizeof text, "%Y-%m-%d", &request->to);
      gtk_editable_set_text (self->to_entry, text);
    }
  if (g_date_valid (&request->month))
    {
      g_date_strftime (text, sizeof text, "%Y-%m", &request->month);
      gtk_editable_set_text (self->month_entry, text);
    }
  gtk_switch_set_active (self->patients_switch, request->with_patients);
  gtk_switch_set_active (self->separator_switch, request->separator == ';');
  update_rows (self);
}

/**
 * crn_export_dialog_action:
 *
 * "win.export": opens the dialog.
 */
void
crn_export_dialog_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  gtk_window_present (GTK_WINDOW (crn_export_dialog_new (CRN_WINDOW (widget))));
}
