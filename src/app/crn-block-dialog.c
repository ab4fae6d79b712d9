/* crn-block-dialog.c: add or edit one weekly block of a template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnBlockDialog"

#include "config.h"

#include "crn-block-dialog.h"

#include <glib/gi18n-lib.h>

#include "crn-time-spin.h"

struct _CrnBlockDialog
{
  AdwWindow        parent_instance;

  CrnPolicy       *policy;
  char            *block_id;      /* kept when editing, NULL for a new block */
  char            *error_text;
  gboolean         loading;

  GtkCheckButton  *weekday_checks[8];   /* 1..7 */
  GtkToggleButton *month_toggles[13];   /* 1..12 */
  GtkSpinButton   *start_spin;
  GtkSpinButton   *end_spin;

  /* Template widgets */
  GtkWidget       *save_button;
  GtkBox          *weekday_box;
  AdwActionRow    *start_row;
  AdwActionRow    *end_row;
  AdwComboRow     *cut_row;
  AdwActionRow    *length_row;
  GtkSpinButton   *length_spin;
  AdwActionRow    *patients_row;
  GtkSpinButton   *patients_spin;
  GtkCheckButton  *amb_check;
  GtkCheckButton  *vr_check;
  GtkCheckButton  *hh_check;
  AdwComboRow     *visibility_row;
  AdwComboRow     *restriction_row;
  AdwEntryRow     *restriction_text_row;
  AdwEntryRow     *valid_from_row;
  AdwEntryRow     *valid_until_row;
  GtkFlowBox      *months_box;
  GtkLabel        *summary_label;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (CrnBlockDialog, crn_block_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The "Offered to" choices, in the order of the combo row. */
static const CrnVisibility visibilities[] = {
  CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS,
  CRN_VISIBILITY_SNP,
  CRN_VISIBILITY_CPTS,
  CRN_VISIBILITY_PRO | CRN_VISIBILITY_CPTS,
  CRN_VISIBILITY_NONE,
};

static const CrnRestriction restrictions[] = {
  CRN_RESTRICTION_NONE, CRN_RESTRICTION_CHILDREN, CRN_RESTRICTION_ADULTS, CRN_RESTRICTION_OTHER,
};

static const char * const weekday_short[] = {
  NULL, N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
};
static const char * const weekday_long[] = {
  NULL, N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
  N_("Saturday"), N_("Sunday"),
};
static const char * const month_short[] = {
  NULL, N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
  N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
};

/*
 * Helpers
 */

static gboolean
parse_date (const char  *text,
            GDate       *date,
            const char  *what,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  int y, m, d;
  char extra;

  g_date_clear (date, 1);
  if (*stripped == '\0')
    return TRUE;

  if (sscanf (stripped, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 ||
      !g_date_valid_dmy (d, m, y))
    {
      /* TRANSLATORS: the first %s is a field ("The start of validity"), the second what was typed */
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("%s “%s” is not a date: type it as year-month-day, for example 2026-12-01."),
                   what, stripped);
      return FALSE;
    }

  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

static char *
format_date (const GDate *date)
{
  if (!g_date_valid (date))
    return g_strdup ("");
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static CrnTemplateBlock *
read_block (CrnBlockDialog  *self,
            GError         **error)
{
  g_autoptr(CrnTemplateBlock) block = crn_template_block_new ();
  guint visibility = adw_combo_row_get_selected (self->visibility_row);
  guint restriction = adw_combo_row_get_selected (self->restriction_row);

  block->id = self->block_id != NULL ? g_strdup (self->block_id) : crn_uuid_new ();

  for (guint wd = 1; wd <= 7; wd++)
    if (gtk_check_button_get_active (self->weekday_checks[wd]))
      block->weekdays |= CRN_WEEKDAY_BIT (wd);
  for (guint m = 1; m <= 12; m++)
    if (gtk_toggle_button_get_active (self->month_toggles[m]))
      block->months |= 1u << (m - 1);

  block->start_minute = crn_time_spin_get_minute (self->start_spin);
  block->end_minute = crn_time_spin_get_minute (self->end_spin);
  if (adw_combo_row_get_selected (self->cut_row) == 0)
    block->slot_minutes = gtk_spin_button_get_value_as_int (self->length_spin);
  else
    block->n_patients = gtk_spin_button_get_value_as_int (self->patients_spin);

  block->modalities = CRN_MODALITY_NONE;
  if (gtk_check_button_get_active (self->amb_check))
    block->modalities |= CRN_MODALITY_AMB;
  if (gtk_check_button_get_active (self->vr_check))
    block->modalities |= CRN_MODALITY_VR;
  if (gtk_check_button_get_active (self->hh_check))
    block->modalities |= CRN_MODALITY_HH;

  block->visibility = visibilities[MIN (visibility, G_N_ELEMENTS (visibilities) - 1)];
  block->restriction = restrictions[MIN (restriction, G_N_ELEMENTS (restrictions) - 1)];
  if (block->restriction == CRN_RESTRICTION_OTHER)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->restriction_text_row))));

      if (*text == '\0')
        {
          g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                               _("Describe the restriction in words, or choose another restriction."));
          return NULL;
        }
      block->restriction_text = g_steal_pointer (&text);
    }

  if (!parse_date (gtk_editable_get_text (GTK_EDITABLE (self->valid_from_row)), &block->valid_from,
                   _("The start of validity"), error) ||
      !parse_date (gtk_editable_get_text (GTK_EDITABLE (self->valid_until_row)), &block->valid_until,
                   _("The end of validity"), error))
    return NULL;

  return g_steal_pointer (&block);
}

static gboolean
check_block (CrnBlockDialog          *self,
             const CrnTemplateBlock  *block,
             GError                 **error)
{
  if (block->weekdays == 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("Choose at least one day of the week."));
      return FALSE;
    }
  if (block->modalities == CRN_MODALITY_NONE)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("Choose at least one modality: in the practice, video or home."));
      return FALSE;
    }

  /* The CPTS's SNP hours first: their message names the rule the block breaks. */
  for (guint wd = 1; wd <= 7; wd++)
    if ((block->weekdays & CRN_WEEKDAY_BIT (wd)) &&
        !crn_policy_check_block (self->policy, wd, block->start_minute, block->end_minute, error))
      return FALSE;

  return crn_template_block_validate (block, error);
}

static void
update_summary (CrnBlockDialog         *self,
                const CrnTemplateBlock *block)
{
  guint n_slots = crn_template_block_get_n_slots (block);
  guint minutes = crn_template_block_get_slot_minutes (block);
  guint n_days = 0;
  g_autofree char *text = NULL;

  for (guint wd = 1; wd <= 7; wd++)
    if (block->weekdays & CRN_WEEKDAY_BIT (wd))
      n_days++;

  if (n_slots == 0)
    text = g_strdup ("");
  else
    /* TRANSLATORS: "3 slots of 20 min each day, 12 a week" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u slot of %u min each day, %u a week",
                                         "%u slots of %u min each day, %u a week", n_slots),
                            n_slots, minutes, n_slots * n_days);
  gtk_label_set_label (self->summary_label, text);
}

static void
revalidate (CrnBlockDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnTemplateBlock) block = NULL;
  gboolean by_length;
  gboolean valid;

  if (self->loading)
    return;

  by_length = adw_combo_row_get_selected (self->cut_row) == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->length_row), by_length);
  gtk_widget_set_visible (GTK_WIDGET (self->patients_row), !by_length);
  gtk_widget_set_visible (GTK_WIDGET (self->restriction_text_row),
                          adw_combo_row_get_selected (self->restriction_row) == 3);

  block = read_block (self, &error);
  valid = block != NULL && check_block (self, block, &error);
  if (block != NULL)
    update_summary (self, block);

  g_clear_pointer (&self->error_text, g_free);
  if (!valid)
    self->error_text = g_strdup (error->message);

  gtk_label_set_label (self->error_label, self->error_text != NULL ? self->error_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error_text != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "block.save", valid);
}

/*
 * Callbacks
 */

static void
on_changed_cb (CrnBlockDialog *self)
{
  revalidate (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  crn_block_dialog_save (CRN_BLOCK_DIALOG (widget));
}

/*
 * GObject overrides
 */

static void
crn_block_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CRN_TYPE_BLOCK_DIALOG);

  G_OBJECT_CLASS (crn_block_dialog_parent_class)->dispose (object);
}

static void
crn_block_dialog_finalize (GObject *object)
{
  CrnBlockDialog *self = (CrnBlockDialog *) object;

  g_clear_pointer (&self->policy, crn_policy_free);
  g_clear_pointer (&self->block_id, g_free);
  g_clear_pointer (&self->error_text, g_free);

  G_OBJECT_CLASS (crn_block_dialog_parent_class)->finalize (object);
}

static void
crn_block_dialog_class_init (CrnBlockDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_block_dialog_dispose;
  object_class->finalize = crn_block_dialog_finalize;

  /**
   * CrnBlockDialog::saved:
   * @block: (type gpointer): the #CrnTemplateBlock, valid for the emission only
   * @error: (type gpointer): a `GError **` to set when the block is refused
   *
   * The person saved a block that passed the dialog's checks. The handler adds it to the
   * template; when the template refuses it (it overlaps another block), the handler returns
   * %FALSE with @error set, and the dialog shows the reason and stays open.
   *
   * Returns: whether the block was taken
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_BOOLEAN, 2, G_TYPE_POINTER, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-block-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, weekday_box);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, start_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, end_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, cut_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, length_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, length_spin);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, patients_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, patients_spin);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, amb_check);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, vr_check);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, hh_check);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, visibility_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, restriction_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, restriction_text_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, valid_from_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, valid_until_row);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, months_box);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CrnBlockDialog, error_label);

  gtk_widget_class_install_action (widget_class, "block.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "block.save", NULL);
}

static void
crn_block_dialog_init (CrnBlockDialog *self)
{
  GtkWidget *spin;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint wd = 1; wd <= 7; wd++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (_(weekday_short[wd]));

      gtk_widget_set_tooltip_text (check, _(weekday_long[wd]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(weekday_long[wd]), -1);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->weekday_box, check);
      self->weekday_checks[wd] = GTK_CHECK_BUTTON (check);
    }

  for (guint m = 1; m <= 12; m++)
    {
      GtkWidget *toggle = gtk_toggle_button_new_with_label (_(month_short[m]));

      g_signal_connect_object (toggle, "toggled", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_flow_box_append (self->months_box, toggle);
      self->month_toggles[m] = GTK_TOGGLE_BUTTON (toggle);
    }

  spin = crn_time_spin_new (_("Start time"));
  adw_action_row_add_suffix (self->start_row, spin);
  adw_action_row_set_activatable_widget (self->start_row, spin);
  self->start_spin = GTK_SPIN_BUTTON (spin);
  spin = crn_time_spin_new (_("End time"));
  adw_action_row_add_suffix (self->end_row, spin);
  adw_action_row_set_activatable_widget (self->end_row, spin);
  self->end_spin = GTK_SPIN_BUTTON (spin);

  g_signal_connect_object (self->start_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->end_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->length_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patients_spin, "value-changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->amb_check, "toggled", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->vr_check, "toggled", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hh_check, "toggled", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cut_row, "notify::selected", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->visibility_row, "notify::selected", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->restriction_row, "notify::selected", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->restriction_text_row, "changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->valid_from_row, "changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->valid_until_row, "changed", G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);
}

/*
 * Public API
 */

/**
 * crn_block_dialog_new:
 * @policy: the CPTS policy the block must respect (copied)
 * @block: (nullable): the block to edit, or %NULL for a new one
 *
 * Returns: (transfer full): a new dialog; connect to ::saved, then present it
 */
CrnBlockDialog *
crn_block_dialog_new (const CrnPolicy        *policy,
                      const CrnTemplateBlock *block)
{
  CrnBlockDialog *self;
  g_autoptr(CrnTemplateBlock) fresh = NULL;

  g_return_val_if_fail (policy != NULL, NULL);

  self = g_object_new (CRN_TYPE_BLOCK_DIALOG, NULL);
  self->policy = crn_policy_copy (policy);

  if (block == NULL)
    {
      /* A sensible start: Tuesday 14:00–16:00, 20-minute slots, for regulation and the CPTS. */
      fresh = crn_template_block_new ();
      fresh->weekdays = CRN_WEEKDAY_BIT (G_DATE_TUESDAY);
      fresh->start_minute = 14 * 60;
      fresh->end_minute = 16 * 60;
      fresh->slot_minutes = 20;
      fresh->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
      gtk_window_set_title (GTK_WINDOW (self), _("New Weekly Block"));
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _("Edit Weekly Block"));

  crn_block_dialog_set_block (self, block != NULL ? block : fresh);
  if (block == NULL)
    g_clear_pointer (&self->block_id, g_free);

  return self;
}

/**
 * crn_block_dialog_set_block:
 * @self: a #CrnBlockDialog
 * @block: the block to show
 *
 * Fills every field from @block and checks it.
 */
void
crn_block_dialog_set_block (CrnBlockDialog         *self,
                            const CrnTemplateBlock *block)
{
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  guint visibility = 0;
  guint restriction = 0;

  g_return_if_fail (CRN_IS_BLOCK_DIALOG (self));
  g_return_if_fail (block != NULL);

  self->loading = TRUE;

  g_free (self->block_id);
  self->block_id = g_strdup (block->id);

  for (guint wd = 1; wd <= 7; wd++)
    gtk_check_button_set_active (self->weekday_checks[wd], (block->weekdays & CRN_WEEKDAY_BIT (wd)) != 0);
  for (guint m = 1; m <= 12; m++)
    gtk_toggle_button_set_active (self->month_toggles[m], (block->months & (1u << (m - 1))) != 0);

  crn_time_spin_set_minute (self->start_spin, block->start_minute);
  crn_time_spin_set_minute (self->end_spin, block->end_minute);
  adw_combo_row_set_selected (self->cut_row, block->n_patients > 0 ? 1 : 0);
  if (block->slot_minutes > 0)
    gtk_spin_button_set_value (self->length_spin, block->slot_minutes);
  if (block->n_patients > 0)
    gtk_spin_button_set_value (self->patients_spin, block->n_patients);

  gtk_check_button_set_active (self->amb_check, (block->modalities & CRN_MODALITY_AMB) != 0);
  gtk_check_button_set_active (self->vr_check, (block->modalities & CRN_MODALITY_VR) != 0);
  gtk_check_button_set_active (self->hh_check, (block->modalities & CRN_MODALITY_HH) != 0);

  for (guint i = 0; i < G_N_ELEMENTS (visibilities); i++)
    if (visibilities[i] == block->visibility)
      visibility = i;
  adw_combo_row_set_selected (self->visibility_row, visibility);
  for (guint i = 0; i < G_N_ELEMENTS (restrictions); i++)
    if (restrictions[i] == block->restriction)
      restriction = i;
  adw_combo_row_set_selected (self->restriction_row, restriction);
  gtk_editable_set_text (GTK_EDITABLE (self->restriction_text_row),
                         block->restriction_text != NULL ? block->restriction_text : "");

  from = format_date (&block->valid_from);
  until = format_date (&block->valid_until);
  gtk_editable_set_text (GTK_EDITABLE (self->valid_from_row), from);
  gtk_editable_set_text (GTK_EDITABLE (self->valid_until_row), until);

  self->loading = FALSE;
  revalidate (self);
}

/**
 * crn_block_dialog_dup_block:
 * @self: a #CrnBlockDialog
 *
 * Returns: (transfer full) (nullable): the block as the fields describe it, or %NULL when a
 *   field cannot be read (see crn_block_dialog_get_error_text())
 */
CrnTemplateBlock *
crn_block_dialog_dup_block (CrnBlockDialog *self)
{
  g_return_val_if_fail (CRN_IS_BLOCK_DIALOG (self), NULL);

  return read_block (self, NULL);
}

/**
 * crn_block_dialog_check:
 * @self: a #CrnBlockDialog
 * @error: return location for the reason the block is refused
 *
 * Returns: whether the block is well formed and inside the CPTS's SNP hours
 */
gboolean
crn_block_dialog_check (CrnBlockDialog  *self,
                        GError         **error)
{
  g_autoptr(CrnTemplateBlock) block = NULL;

  g_return_val_if_fail (CRN_IS_BLOCK_DIALOG (self), FALSE);

  block = read_block (self, error);
  return block != NULL && check_block (self, block, error);
}

/**
 * crn_block_dialog_get_error_text:
 * @self: a #CrnBlockDialog
 *
 * Returns: (nullable): the message shown under the hours, or %NULL when the block is fine
 */
const char *
crn_block_dialog_get_error_text (CrnBlockDialog *self)
{
  g_return_val_if_fail (CRN_IS_BLOCK_DIALOG (self), NULL);

  return self->error_text;
}

/**
 * crn_block_dialog_save:
 * @self: a #CrnBlockDialog
 *
 * Emits ::saved with the block and closes the dialog, unless the block is refused (by the
 * checks or by the ::saved handler); then the reason is shown and the dialog stays open.
 *
 * Returns: whether the block was saved
 */
gboolean
crn_block_dialog_save (CrnBlockDialog *self)
{
  g_autoptr(CrnTemplateBlock) block = NULL;
  g_autoptr(GError) error = NULL;
  gboolean taken = FALSE;

  g_return_val_if_fail (CRN_IS_BLOCK_DIALOG (self), FALSE);

  block = read_block (self, &error);
  if (block == NULL || !check_block (self, block, &error))
    {
      revalidate (self);
      return FALSE;
    }

  g_signal_emit (self, signals[SAVED], 0, block, &error, &taken);
  if (!taken)
    {
      g_clear_pointer (&self->error_text, g_free);
      self->error_text = g_strdup (error != NULL ? error->message : _("The block could not be added."));
      gtk_label_set_label (self->error_label, self->error_text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return FALSE;
    }

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}
