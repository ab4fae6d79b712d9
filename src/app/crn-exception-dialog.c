/* crn-exception-dialog.c: add an absence or a one-off extra block to a template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnExceptionDialog"

#include "config.h"

#include "crn-exception-dialog.h"

#include <glib/gi18n-lib.h>

#include "crn-time-spin.h"

/*
 * An absence covers whole days, from the first day's midnight to the midnight after the last
 * day (Europe/Paris). An extra block is one day, from a start to an end time, cut in slots of
 * a set length, offered to regulation and the CPTS; it must respect the SNP hours like a
 * weekly block.
 */

struct _CrnExceptionDialog
{
  AdwWindow       parent_instance;

  CrnPolicy      *policy;
  char           *error_text;
  gboolean        loading;
  GtkSpinButton  *start_spin;
  GtkSpinButton  *end_spin;

  /* Template widgets */
  AdwComboRow    *kind_row;
  AdwEntryRow    *first_day_row;
  AdwEntryRow    *last_day_row;
  AdwActionRow   *start_row;
  AdwActionRow   *end_row;
  AdwActionRow   *length_row;
  GtkSpinButton  *length_spin;
  AdwEntryRow    *reason_row;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (CrnExceptionDialog, crn_exception_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/*
 * Helpers
 */

static gboolean
parse_day (AdwEntryRow  *row,
           GDate        *date,
           const char   *what,
           GError      **error)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  int y, m, d;
  char extra;

  if (*text == '\0')
    {
      /* TRANSLATORS: %s is a field: "the first day" */
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("Type %s as year-month-day, for example 2026-12-24."), what);
      return FALSE;
    }
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || !g_date_valid_dmy (d, m, y))
    {
      /* TRANSLATORS: the first %s is what was typed, the second a field: "the first day" */
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("“%s” is not a date: type %s as year-month-day, for example 2026-12-24."),
                   text, what);
      return FALSE;
    }

  g_date_clear (date, 1);
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

static gboolean
is_extra (CrnExceptionDialog *self)
{
  return adw_combo_row_get_selected (self->kind_row) == 1;
}

static CrnTemplateException *
read_exception (CrnExceptionDialog  *self,
                GError             **error)
{
  g_autoptr(CrnTemplateException) exception = crn_template_exception_new ();
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_row))));
  GDate first, last;

  g_free (exception->id);
  exception->id = crn_uuid_new ();
  exception->reason = *reason != '\0' ? g_steal_pointer (&reason) : NULL;

  if (!parse_day (self->first_day_row, &first, _("the first day"), error))
    return NULL;

  if (!is_extra (self))
    {
      if (!parse_day (self->last_day_row, &last, _("the last day"), error))
        return NULL;
      if (g_date_compare (&last, &first) < 0)
        {
          g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                               _("The last day of the absence is before its first day."));
          return NULL;
        }
      g_date_add_days (&last, 1);
      exception->kind = CRN_EXCEPTION_ABSENCE;
      exception->start = crn_time_from_local (&first, 0);
      exception->end = crn_time_from_local (&last, 0);
    }
  else
    {
      guint start_minute = crn_time_spin_get_minute (self->start_spin);
      guint end_minute = crn_time_spin_get_minute (self->end_spin);

      if (!crn_policy_check_block (self->policy, g_date_get_weekday (&first), start_minute,
                                   end_minute, error))
        return NULL;

      exception->kind = CRN_EXCEPTION_EXTRA;
      exception->start = crn_time_from_local (&first, start_minute);
      exception->end = crn_time_from_local (&first, end_minute);
      exception->slot_minutes = gtk_spin_button_get_value_as_int (self->length_spin);
      exception->modalities = CRN_MODALITY_AMB;
      exception->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
      exception->restriction = CRN_RESTRICTION_NONE;
    }

  if (!crn_template_exception_validate (exception, error))
    return NULL;

  return g_steal_pointer (&exception);
}

static void
show_error (CrnExceptionDialog *self,
            const char         *message)
{
  g_clear_pointer (&self->error_text, g_free);
  self->error_text = g_strdup (message);
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
revalidate (CrnExceptionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnTemplateException) exception = NULL;
  gboolean extra;

  if (self->loading)
    return;

  extra = is_extra (self);
  gtk_widget_set_visible (GTK_WIDGET (self->last_day_row), !extra);
  gtk_widget_set_visible (GTK_WIDGET (self->start_row), extra);
  gtk_widget_set_visible (GTK_WIDGET (self->end_row), extra);
  gtk_widget_set_visible (GTK_WIDGET (self->length_row), extra);
  gtk_window_set_title (GTK_WINDOW (self), extra ? _("Extra Block") : _("Absence"));

  exception = read_exception (self, &error);
  show_error (self, exception == NULL ? error->message : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exception.save", exception != NULL);
}

/*
 * Callbacks
 */

static void
on_changed_cb (CrnExceptionDialog *self)
{
  revalidate (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  crn_exception_dialog_save (CRN_EXCEPTION_DIALOG (widget));
}

/*
 * GObject overrides
 */

static void
crn_exception_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CRN_TYPE_EXCEPTION_DIALOG);

  G_OBJECT_CLASS (crn_exception_dialog_parent_class)->dispose (object);
}

static void
crn_exception_dialog_finalize (GObject *object)
{
  CrnExceptionDialog *self = (CrnExceptionDialog *) object;

  g_clear_pointer (&self->policy, crn_policy_free);
  g_clear_pointer (&self->error_text, g_free);

  G_OBJECT_CLASS (crn_exception_dialog_parent_class)->finalize (object);
}

static void
crn_exception_dialog_class_init (CrnExceptionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_exception_dialog_dispose;
  object_class->finalize = crn_exception_dialog_finalize;

  /**
   * CrnExceptionDialog::saved:
   * @exception: (type gpointer): the #CrnTemplateException, valid for the emission only
   * @error: (type gpointer): a `GError **` to set when it is refused
   *
   * Returns: whether the exception was taken; %FALSE keeps the dialog open with the reason
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, G_TYPE_POINTER, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-exception-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, first_day_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, last_day_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, start_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, end_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, length_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, length_spin);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, CrnExceptionDialog, error_label);

  gtk_widget_class_install_action (widget_class, "exception.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
crn_exception_dialog_init (CrnExceptionDialog *self)
{
  GtkWidget *spin;

  gtk_widget_init_template (GTK_WIDGET (self));

  spin = crn_time_spin_new (_("Start time"));
  adw_action_row_add_suffix (self->start_row, spin);
  adw_action_row_set_activatable_widget (self->start_row, spin);
  self->start_spin = GTK_SPIN_BUTTON (spin);
  spin = crn_time_spin_new (_("End time"));
  adw_action_row_add_suffix (self->end_row, spin);
  adw_action_row_set_activatable_widget (self->end_row, spin);
  self->end_spin = GTK_SPIN_BUTTON (spin);

  g_signal_connect_object (self->kind_row, "notify::selected", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_day_row, "changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->last_day_row, "changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->start_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->end_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->length_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reason_row, "changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
}

/*
 * Public API
 */

/**
 * crn_exception_dialog_new:
 * @policy: the CPTS policy an extra block must respect (copied)
 * @kind: what to add first (the person may change it)
 *
 * Returns: (transfer full): a new dialog, its first day set to tomorrow
 */
CrnExceptionDialog *
crn_exception_dialog_new (const CrnPolicy  *policy,
                          CrnExceptionKind  kind)
{
  CrnExceptionDialog *self;
  g_autofree char *day = NULL;
  GDate tomorrow;

  g_return_val_if_fail (policy != NULL, NULL);

  self = g_object_new (CRN_TYPE_EXCEPTION_DIALOG, NULL);
  self->policy = crn_policy_copy (policy);

  crn_time_to_local (crn_time_now (), &tomorrow, NULL, NULL);
  g_date_add_days (&tomorrow, 1);
  day = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&tomorrow),
                         g_date_get_month (&tomorrow), g_date_get_day (&tomorrow));

  self->loading = TRUE;
  adw_combo_row_set_selected (self->kind_row, kind == CRN_EXCEPTION_EXTRA ? 1 : 0);
  self->loading = FALSE;
  crn_exception_dialog_set_fields (self, day, day, 14 * 60, 16 * 60, NULL);

  return self;
}

/**
 * crn_exception_dialog_set_fields:
 * @self: a #CrnExceptionDialog
 * @first_day: "YYYY-MM-DD"
 * @last_day: "YYYY-MM-DD" (absences)
 * @start_minute: start of an extra block, minutes since midnight
 * @end_minute: end of an extra block
 * @reason: (nullable): why
 */
void
crn_exception_dialog_set_fields (CrnExceptionDialog *self,
                                 const char         *first_day,
                                 const char         *last_day,
                                 guint               start_minute,
                                 guint               end_minute,
                                 const char         *reason)
{
  g_return_if_fail (CRN_IS_EXCEPTION_DIALOG (self));

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->first_day_row), first_day != NULL ? first_day : "");
  gtk_editable_set_text (GTK_EDITABLE (self->last_day_row), last_day != NULL ? last_day : "");
  crn_time_spin_set_minute (self->start_spin, start_minute);
  crn_time_spin_set_minute (self->end_spin, end_minute);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason != NULL ? reason : "");
  self->loading = FALSE;
  revalidate (self);
}

/**
 * crn_exception_dialog_dup_exception:
 * @self: a #CrnExceptionDialog
 * @error: return location for the reason it is refused
 *
 * Returns: (transfer full) (nullable): the exception the fields describe
 */
CrnTemplateException *
crn_exception_dialog_dup_exception (CrnExceptionDialog  *self,
                                    GError             **error)
{
  g_return_val_if_fail (CRN_IS_EXCEPTION_DIALOG (self), NULL);

  return read_exception (self, error);
}

/**
 * crn_exception_dialog_get_error_text:
 * @self: a #CrnExceptionDialog
 *
 * Returns: (nullable): the message shown, or %NULL when the fields are fine
 */
const char *
crn_exception_dialog_get_error_text (CrnExceptionDialog *self)
{
  g_return_val_if_fail (CRN_IS_EXCEPTION_DIALOG (self), NULL);

  return self->error_text;
}

/**
 * crn_exception_dialog_save:
 * @self: a #CrnExceptionDialog
 *
 * Emits ::saved and closes, unless the exception is refused; then the reason is shown.
 *
 * Returns: whether it was saved
 */
gboolean
crn_exception_dialog_save (CrnExceptionDialog *self)
{
  g_autoptr(CrnTemplateException) exception = NULL;
  g_autoptr(GError) error = NULL;
  gboolean taken = FALSE;

  g_return_val_if_fail (CRN_IS_EXCEPTION_DIALOG (self), FALSE);

  exception = read_exception (self, &error);
  if (exception == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }

  g_signal_emit (self, signals[SAVED], 0, exception, &error, &taken);
  if (!taken)
    {
      show_error (self, error != NULL ? error->message : _("The exception could not be added."));
      return FALSE;
    }

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}
