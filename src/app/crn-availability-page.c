/* crn-availability-page.c: the weekly template editor, its exceptions, preview and checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnAvailabilityPage"

#include "config.h"

#include "crn-availability-page.h"

#include <glib/gi18n-lib.h>

#include "crn-block-dialog.h"
#include "crn-exception-dialog.h"

/*
 * The page edits a working copy of one practitioner's CrnTemplate. Every change is checked
 * at once (the block dialog refuses blocks outside the CPTS's SNP hours with the rule's own
 * words; the template refuses overlapping blocks), and the preview and the Avenant 9 line are
 * recomputed from the copy with crn_template_expand() and
 * crn_template_regulation_minutes_in_week(). "Save" hands the copy to
 * crn_agenda_save_template(), whose ::template-saved signal is where the store's outbox will
 * take it (the next step of the wiring).
 */

#define PREVIEW_WEEKS 4

struct _CrnAvailabilityPage
{
  AdwBin          parent_instance;

  CrnAgenda      *agenda;
  char           *practitioner;
  CrnTemplate    *template;       /* the working copy */
  gboolean        dirty;
  gboolean        updating_dropdown;
  GPtrArray      *preview;        /* (element-type CrnSlot) */
  char           *avenant_text;
  gboolean        level1_met;
  char           *error_text;
  GtkWindow      *dialog;         /* weak */

  /* Template widgets */
  GtkDropDown    *practitioner_dropdown;
  GtkLabel       *state_label;
  AdwActionRow   *avenant_row;
  GtkImage       *avenant_icon;
  GtkLabel       *error_label;
  GtkListBox     *blocks_list;
  GtkListBox     *exceptions_list;
  GtkListBox     *preview_list;
};

G_DEFINE_FINAL_TYPE (CrnAvailabilityPage, crn_availability_page, ADW_TYPE_BIN)

static const char * const weekday_names[] = {
  NULL, N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
  N_("Saturday"), N_("Sunday"),
};
static const char * const month_names[] = {
  NULL, N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
  N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
};
static const char * const month_short[] = {
  NULL, N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
  N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
};

/*
 * Helpers
 */

static char *
format_hours (guint minutes)
{
  /* TRANSLATORS: hours and minutes of slots: "2 h 00" */
  return g_strdup_printf (_("%u h %02u"), minutes / 60, minutes % 60);
}

static char *
format_day (const GDate *date)
{
  /* TRANSLATORS: "Tuesday 24 November" */
  return g_strdup_printf (_("%s %u %s"), _(weekday_names[g_date_get_weekday (date)]),
                          g_date_get_day (date), _(month_names[g_date_get_month (date)]));
}

static char *
describe_block_details (const CrnTemplateBlock *block)
{
  GString *text = g_string_new (crn_visibility_get_description (block->visibility));

  if (block->modalities & CRN_MODALITY_AMB)
    g_string_append_printf (text, " · %s", _("In the practice"));
  if (block->modalities & CRN_MODALITY_VR)
    g_string_append_printf (text, " · %s", _("Teleconsultation"));
  if (block->modalities & CRN_MODALITY_HH)
    g_string_append_printf (text, " · %s", _("Home visit"));

  if (block->restriction == CRN_RESTRICTION_CHILDREN)
    g_string_append_printf (text, " · %s", _("Children only"));
  else if (block->restriction == CRN_RESTRICTION_ADULTS)
    g_string_append_printf (text, " · %s", _("Adults only"));
  else if (block->restriction == CRN_RESTRICTION_OTHER && block->restriction_text != NULL)
    g_string_append_printf (text, " · %s", block->restriction_text);

  if (g_date_valid (&block->valid_from))
    {
      g_autofree char *day = format_day (&block->valid_from);
      g_string_append (text, " · ");
      /* TRANSLATORS: "from Tuesday 1 December" */
      g_string_append_printf (text, _("from %s"), day);
    }
  if (g_date_valid (&block->valid_until))
    {
      g_autofree char *day = format_day (&block->valid_until);
      g_string_append (text, " · ");
      /* TRANSLATORS: "until Thursday 31 December" */
      g_string_append_printf (text, _("until %s"), day);
    }
  if (block->months != 0)
    {
      gboolean first = TRUE;

      g_string_append (text, " · ");
      for (guint m = 1; m <= 12; m++)
        if (block->months & (1u << (m - 1)))
          {
            g_string_append_printf (text, "%s%s", first ? "" : ", ", _(month_short[m]));
            first = FALSE;
          }
    }

  return g_string_free (text, FALSE);
}

static char *
describe_exception (const CrnTemplateException *exception)
{
  GDate first, last;
  guint start_minute, end_minute;
  g_autofree char *first_text = NULL;
  g_autofree char *last_text = NULL;

  crn_time_to_local (exception->start, &first, &start_minute, NULL);
  crn_time_to_local (exception->end, &last, &end_minute, NULL);
  first_text = format_day (&first);

  if (exception->kind == CRN_EXCEPTION_ABSENCE)
    {
      /* The end is the midnight after the last day. */
      if (end_minute == 0)
        g_date_subtract_days (&last, 1);
      if (g_date_compare (&first, &last) >= 0)
        /* TRANSLATORS: "Absence on Tuesday 24 November" */
        return g_strdup_printf (_("Absence on %s"), first_text);
      last_text = format_day (&last);
      /* TRANSLATORS: "Absence from Wednesday 2 December to Friday 4 December" */
      return g_strdup_printf (_("Absence from %s to %s"), first_text, last_text);
    }
  else
    {
      g_autofree char *start = crn_time_format_minutes (start_minute);
      g_autofree char *end = crn_time_format_minutes (end_minute);

      /* TRANSLATORS: "Extra block on Saturday 28 November, 09:00–11:00" */
      return g_strdup_printf (_("Extra block on %s, %s–%s"), first_text, start, end);
    }
}

static GtkWidget *
new_icon_button (const char *icon_name,
                 const char *tooltip,
                 const char *action_name,
                 const char *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);

  return button;
}

static GtkWidget *
new_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");

  return label;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
rebuild_blocks (CrnAvailabilityPage *self)
{
  clear_list (self->blocks_list);

  for (guint i = 0; self->template != NULL && i < self->template->blocks->len; i++)
    {
      const CrnTemplateBlock *block = g_ptr_array_index (self->template->blocks, i);
      g_autofree char *title = crn_template_block_describe (block);
      g_autofree char *subtitle = describe_block_details (block);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 new_icon_button ("document-edit-symbolic", _("Edit Block"),
                                                  "availability.edit-block", block->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 new_icon_button ("user-trash-symbolic", _("Remove Block"),
                                                  "availability.remove-block", block->id));
      gtk_list_box_append (self->blocks_list, row);
    }

  if (self->template == NULL || self->template->blocks->len == 0)
    gtk_list_box_set_placeholder (self->blocks_list,
                                  new_placeholder (_("No weekly block yet. Add the hours you offer for unscheduled care, for example Tuesday 14:00–16:00.")));
}

static void
rebuild_exceptions (CrnAvailabilityPage *self)
{
  clear_list (self->exceptions_list);

  for (guint i = 0; self->template != NULL && i < self->template->exceptions->len; i++)
    {
      const CrnTemplateException *exception = g_ptr_array_index (self->template->exceptions, i);
      g_autofree char *title = describe_exception (exception);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      if (exception->reason != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), exception->reason);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (exception->kind == CRN_EXCEPTION_ABSENCE
                                                               ? "action-unavailable-symbolic"
                                                               : "list-add-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 new_icon_button ("user-trash-symbolic",
                                                  exception->kind == CRN_EXCEPTION_ABSENCE
                                                  ? _("Remove Absence") : _("Remove Extra Block"),
                                                  "availability.remove-exception", exception->id));
      gtk_list_box_append (self->exceptions_list, row);
    }

  gtk_list_box_set_placeholder (self->exceptions_list,
                                new_placeholder (_("No absence or extra block.")));
}

static void
this_monday (GDate *monday)
{
  crn_time_to_local (crn_time_now (), monday, NULL, NULL);
  g_date_subtract_days (monday, g_date_get_weekday (monday) - 1);
}

static void
rebuild_preview (CrnAvailabilityPage *self)
{
  GDate monday, last;
  guint next = 0;

  clear_list (self->preview_list);
  g_clear_pointer (&self->preview, g_ptr_array_unref);

  if (self->template == NULL)
    return;

  this_monday (&monday);
  last = monday;
  g_date_add_days (&last, PREVIEW_WEEKS * 7 - 1);
  self->preview = crn_template_expand (self->template, &monday, &last);

  for (guint w = 0; w < PREVIEW_WEEKS; w++)
    {
      GDate week = monday;
      GDate week_end;
      CrnInstant week_end_instant;
      GtkWidget *expander = adw_expander_row_new ();
      g_autofree char *title = NULL;
      g_autofree char *day_text = NULL;
      g_autofree char *hours = NULL;
      g_autofree char *subtitle = NULL;
      guint minutes;
      guint n_slots = 0;

      g_date_add_days (&week, w * 7);
      week_end = week;
      g_date_add_days (&week_end, 7);
      week_end_instant = crn_time_from_local (&week_end, 0);
      minutes = crn_template_regulation_minutes_in_week (self->template, &week);
      hours = format_hours (minutes);
      day_text = format_day (&week);
      /* TRANSLATORS: "Week of Monday 23 November" */
      title = g_strdup_printf (_("Week of %s"), day_text);

      /* One row per day that has slots: "14:00, 14:20, 14:40". */
      while (next < self->preview->len)
        {
          const CrnSlot *slot = g_ptr_array_index (self->preview, next);
          g_autoptr(GString) times = g_string_new (NULL);
          g_autofree char *row_title = NULL;
          GDate day;
          GtkWidget *row;

          if (slot->start >= week_end_instant)
            break;

          crn_time_to_local (slot->start, &day, NULL, NULL);
          while (next < self->preview->len)
            {
              const CrnSlot *s = g_ptr_array_index (self->preview, next);
              GDate d;
              guint minute;
              g_autofree char *hhmm = NULL;

              crn_time_to_local (s->start, &d, &minute, NULL);
              if (g_date_compare (&d, &day) != 0)
                break;
              hhmm = crn_time_format_minutes (minute);
              g_string_append_printf (times, "%s%s", times->len ? ", " : "", hhmm);
              n_slots++;
              next++;
            }

          row = adw_action_row_new ();
          row_title = format_day (&day);
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), row_title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), times->str);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
        }

      if (crn_figures_meets_level1 (minutes))
        /* TRANSLATORS: "12 slots · 4 h 00 visible to regulation · level 1 met" */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u slot · %s visible to regulation · level 1 met",
                                                 "%u slots · %s visible to regulation · level 1 met",
                                                 n_slots), n_slots, hours);
      else
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u slot · %s visible to regulation · level 1 not met",
                                                 "%u slots · %s visible to regulation · level 1 not met",
                                                 n_slots), n_slots, hours);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (expander), n_slots > 0);
      if (w == 0 && n_slots > 0)
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
      gtk_list_box_append (self->preview_list, expander);
    }
}

static void
update_avenant (CrnAvailabilityPage *self)
{
  GDate today;
  guint minutes = 0;
  g_autofree char *hours = NULL;

  crn_time_to_local (crn_time_now (), &today, NULL, NULL);
  if (self->template != NULL)
    minutes = crn_template_regulation_minutes_in_week (self->template, &today);
  hours = format_hours (minutes);
  self->level1_met = crn_figures_meets_level1 (minutes);

  g_free (self->avenant_text);
  if (self->level1_met)
    /* TRANSLATORS: "2 h 00 visible to regulation this week — level 1 met" */
    self->avenant_text = g_strdup_printf (_("%s visible to regulation this week — level 1 met"), hours);
  else
    {
      g_autofree char *missing = format_hours (CRN_AVENANT9_MIN_WEEKLY_MINUTES - minutes);
      /* TRANSLATORS: "1 h 00 visible to regulation this week — level 1 not met (1 h 00 missing)" */
      self->avenant_text = g_strdup_printf (_("%s visible to regulation this week — level 1 not met (%s missing)"),
                                            hours, missing);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->avenant_row), self->avenant_text);
  gtk_image_set_from_icon_name (self->avenant_icon,
                                self->level1_met ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->avenant_icon), self->level1_met ? "warning" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->avenant_icon), self->level1_met ? "success" : "warning");
}

static gboolean
check_template (CrnAvailabilityPage  *self,
                const CrnTemplate    *template,
                GError              **error)
{
  const CrnPolicy *policy = self->agenda != NULL ? crn_agenda_get_policy (self->agenda) : NULL;
  g_autoptr(CrnPolicy) fallback = NULL;

  if (policy == NULL)
    policy = fallback = crn_policy_new_default ();

  return crn_policy_check_template (policy, template, error) &&
         crn_template_validate (template, error);
}

static void
update_actions (CrnAvailabilityPage *self)
{
  gboolean has_template = self->template != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.add-block", has_template);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.add-absence", has_template);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.add-extra", has_template);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.save",
                                 has_template && self->dirty && self->error_text == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.revert", has_template && self->dirty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->practitioner_dropdown), !self->dirty);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->practitioner_dropdown),
                               self->dirty ? _("Save or discard the changes to choose another practitioner")
                                           : _("Whose Availability"));
}

static void
refresh (CrnAvailabilityPage *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->error_text, g_free);
  if (self->template != NULL && !check_template (self, self->template, &error))
    self->error_text = g_strdup (error->message);
  gtk_label_set_label (self->error_label, self->error_text != NULL ? self->error_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error_text != NULL);

  rebuild_blocks (self);
  rebuild_exceptions (self);
  rebuild_preview (self);
  update_avenant (self);

  gtk_label_set_label (self->state_label, self->dirty ? _("Unsaved changes") : "");
  /* The stack is the bin's child; it is not bound, because gtk_widget_dispose_template()
   * would unparent it behind AdwBin's back. */
  gtk_stack_set_visible_child_name (GTK_STACK (adw_bin_get_child (ADW_BIN (self))),
                                    self->template != NULL ? "editor" : "empty");
  update_actions (self);
}

static void
load_template (CrnAvailabilityPage *self)
{
  const CrnTemplate *saved = NULL;

  g_clear_pointer (&self->template, crn_template_free);
  if (self->agenda != NULL && self->practitioner != NULL)
    saved = crn_agenda_get_template (self->agenda, self->practitioner);

  if (saved != NULL)
    self->template = crn_template_copy (saved);
  else if (self->practitioner != NULL)
    self->template = crn_template_new (self->practitioner, NULL);

  self->dirty = FALSE;
  refresh (self);
}

static void
rebuild_dropdown (CrnAvailabilityPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *practitioners = self->agenda != NULL ? crn_agenda_get_practitioners (self->agenda) : NULL;
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; practitioners != NULL && i < practitioners->len; i++)
    {
      const CrnPractitioner *p = g_ptr_array_index (practitioners, i);
      g_autofree char *name = crn_practitioner_get_display_name (p);

      gtk_string_list_append (names, name);
      if (g_strcmp0 (p->idnps, self->practitioner) == 0)
        selected = i;
    }

  self->updating_dropdown = TRUE;
  gtk_drop_down_set_model (self->practitioner_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->practitioner_dropdown, selected);
  self->updating_dropdown = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->practitioner_dropdown),
                          practitioners != NULL && practitioners->len > 0);
}

static GtkWindow *
present_dialog (CrnAvailabilityPage *self,
                GtkWindow           *dialog)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (dialog, GTK_WINDOW (root));
  self->dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
  gtk_window_present (dialog);

  return dialog;
}

static int
find_block (CrnAvailabilityPage *self,
            const char          *block_id)
{
  for (guint i = 0; self->template != NULL && i < self->template->blocks->len; i++)
    if (g_strcmp0 (((CrnTemplateBlock *) g_ptr_array_index (self->template->blocks, i))->id, block_id) == 0)
      return i;
  return -1;
}

/*
 * Callbacks
 */

static gboolean
on_block_saved_cb (CrnBlockDialog      *dialog,
                   CrnTemplateBlock    *block,
                   GError             **error,
                   CrnAvailabilityPage *self)
{
  if (find_block (self, block->id) >= 0)
    return crn_availability_page_replace_block (self, block, error);
  return crn_availability_page_add_block (self, block, error);
}

static gboolean
on_exception_saved_cb (CrnExceptionDialog   *dialog,
                       CrnTemplateException *exception,
                       GError              **error,
                       CrnAvailabilityPage  *self)
{
  return crn_availability_page_add_exception (self, exception, error);
}

static void
on_practitioner_selected_cb (CrnAvailabilityPage *self)
{
  GPtrArray *practitioners;
  guint selected;

  if (self->updating_dropdown || self->agenda == NULL)
    return;

  practitioners = crn_agenda_get_practitioners (self->agenda);
  selected = gtk_drop_down_get_selected (self->practitioner_dropdown);
  if (selected < practitioners->len)
    crn_availability_page_set_practitioner (self,
                                            ((CrnPractitioner *) g_ptr_array_index (practitioners, selected))->idnps);
}

static void
on_agenda_changed_cb (CrnAvailabilityPage *self)
{
  GPtrArray *practitioners = crn_agenda_get_practitioners (self->agenda);

  if (self->practitioner == NULL && practitioners->len > 0)
    {
      crn_availability_page_set_practitioner (self, ((CrnPractitioner *) g_ptr_array_index (practitioners, 0))->idnps);
      return;
    }

  rebuild_dropdown (self);
  /* Never overwrite what the person is editing. */
  if (!self->dirty)
    load_template (self);
}

static void
add_block_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CrnAvailabilityPage *self = CRN_AVAILABILITY_PAGE (widget);
  CrnBlockDialog *dialog = crn_block_dialog_new (crn_agenda_get_policy (self->agenda), NULL);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_block_saved_cb), self, 0);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
edit_block_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CrnAvailabilityPage *self = CRN_AVAILABILITY_PAGE (widget);
  int i = find_block (self, g_variant_get_string (param, NULL));
  CrnBlockDialog *dialog;

  if (i < 0)
    return;

  dialog = crn_block_dialog_new (crn_agenda_get_policy (self->agenda),
                                 g_ptr_array_index (self->template->blocks, i));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_block_saved_cb), self, 0);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
remove_block_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  crn_availability_page_remove_block (CRN_AVAILABILITY_PAGE (widget), g_variant_get_string (param, NULL));
}

static void
add_exception (CrnAvailabilityPage *self,
               CrnExceptionKind     kind)
{
  CrnExceptionDialog *dialog = crn_exception_dialog_new (crn_agenda_get_policy (self->agenda), kind);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_exception_saved_cb), self, 0);
  present_dialog (self, GTK_WINDOW (dialog));
}

static void
add_absence_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  add_exception (CRN_AVAILABILITY_PAGE (widget), CRN_EXCEPTION_ABSENCE);
}

static void
add_extra_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  add_exception (CRN_AVAILABILITY_PAGE (widget), CRN_EXCEPTION_EXTRA);
}

static void
remove_exception_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  crn_availability_page_remove_exception (CRN_AVAILABILITY_PAGE (widget), g_variant_get_string (param, NULL));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  crn_availability_page_save (CRN_AVAILABILITY_PAGE (widget));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  crn_availability_page_revert (CRN_AVAILABILITY_PAGE (widget));
}

/*
 * GObject overrides
 */

static void
crn_availability_page_dispose (GObject *object)
{
  CrnAvailabilityPage *self = (CrnAvailabilityPage *) object;

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_clear_object (&self->agenda);

  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_AVAILABILITY_PAGE);

  G_OBJECT_CLASS (crn_availability_page_parent_class)->dispose (object);
}

static void
crn_availability_page_finalize (GObject *object)
{
  CrnAvailabilityPage *self = (CrnAvailabilityPage *) object;

  g_clear_pointer (&self->practitioner, g_free);
  g_clear_pointer (&self->template, crn_template_free);
  g_clear_pointer (&self->preview, g_ptr_array_unref);
  g_clear_pointer (&self->avenant_text, g_free);
  g_clear_pointer (&self->error_text, g_free);

  G_OBJECT_CLASS (crn_availability_page_parent_class)->finalize (object);
}

static void
crn_availability_page_class_init (CrnAvailabilityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_availability_page_dispose;
  object_class->finalize = crn_availability_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-availability-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, practitioner_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, avenant_row);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, avenant_icon);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, blocks_list);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, exceptions_list);
  gtk_widget_class_bind_template_child (widget_class, CrnAvailabilityPage, preview_list);
  gtk_widget_class_bind_template_callback (widget_class, on_practitioner_selected_cb);

  gtk_widget_class_install_action (widget_class, "availability.add-block", NULL, add_block_action);
  gtk_widget_class_install_action (widget_class, "availability.edit-block", "s", edit_block_action);
  gtk_widget_class_install_action (widget_class, "availability.remove-block", "s", remove_block_action);
  gtk_widget_class_install_action (widget_class, "availability.add-absence", NULL, add_absence_action);
  gtk_widget_class_install_action (widget_class, "availability.add-extra", NULL, add_extra_action);
  gtk_widget_class_install_action (widget_class, "availability.remove-exception", "s", remove_exception_action);
  gtk_widget_class_install_action (widget_class, "availability.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "availability.revert", NULL, revert_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "availability.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "availability.add-block", NULL);
}

static void
crn_availability_page_init (CrnAvailabilityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  refresh (self);
}

/*
 * Public API
 */

/**
 * crn_availability_page_new:
 *
 * Returns: (transfer floating): a new #CrnAvailabilityPage
 */
GtkWidget *
crn_availability_page_new (void)
{
  return g_object_new (CRN_TYPE_AVAILABILITY_PAGE, NULL);
}

/**
 * crn_availability_page_set_agenda:
 * @self: a #CrnAvailabilityPage
 * @agenda: (nullable): where templates are read and saved
 *
 * Shows the first practitioner's template, unless one was chosen already.
 */
void
crn_availability_page_set_agenda (CrnAvailabilityPage *self,
                                  CrnAgenda           *agenda)
{
  g_return_if_fail (CRN_IS_AVAILABILITY_PAGE (self));
  g_return_if_fail (agenda == NULL || CRN_IS_AGENDA (agenda));

  if (self->agenda == agenda)
    return;

  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_set_object (&self->agenda, agenda);

  if (agenda != NULL)
    {
      GPtrArray *practitioners = crn_agenda_get_practitioners (agenda);

      g_signal_connect_object (agenda, "changed", G_CALLBACK (on_agenda_changed_cb), self,
                               G_CONNECT_SWAPPED);
      if (self->practitioner == NULL && practitioners->len > 0)
        self->practitioner = g_strdup (((CrnPractitioner *) g_ptr_array_index (practitioners, 0))->idnps);
    }

  rebuild_dropdown (self);
  load_template (self);
}

/**
 * crn_availability_page_set_practitioner:
 * @self: a #CrnAvailabilityPage
 * @idnps: whose template to edit
 *
 * Loads @idnps's saved template; unsaved changes to the current one are dropped.
 */
void
crn_availability_page_set_practitioner (CrnAvailabilityPage *self,
                                        const char          *idnps)
{
  g_return_if_fail (CRN_IS_AVAILABILITY_PAGE (self));

  if (g_strcmp0 (self->practitioner, idnps) == 0 && self->template != NULL)
    return;

  g_free (self->practitioner);
  self->practitioner = g_strdup (idnps);
  rebuild_dropdown (self);
  load_template (self);
}

/**
 * crn_availability_page_get_practitioner:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: (nullable): whose template is edited
 */
const char *
crn_availability_page_get_practitioner (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), NULL);

  return self->practitioner;
}

/**
 * crn_availability_page_get_template:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: (transfer none) (nullable): the template being edited
 */
const CrnTemplate *
crn_availability_page_get_template (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), NULL);

  return self->template;
}

/**
 * crn_availability_page_get_dirty:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: whether there are unsaved changes
 */
gboolean
crn_availability_page_get_dirty (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);

  return self->dirty;
}

/* Applies @change to a copy of the template, and keeps the copy only if the whole template
 * still passes the CPTS policy and the template's own checks (no overlap). */
static gboolean
try_change (CrnAvailabilityPage  *self,
            CrnTemplate          *candidate,
            GError              **error)
{
  if (!check_template (self, candidate, error))
    {
      crn_template_free (candidate);
      return FALSE;
    }

  crn_template_free (self->template);
  self->template = candidate;
  self->dirty = TRUE;
  refresh (self);
  return TRUE;
}

/**
 * crn_availability_page_add_block:
 * @self: a #CrnAvailabilityPage
 * @block: a block (copied)
 * @error: return location for the reason it is refused
 *
 * Adds @block to the template being edited, if the template stays valid: inside the CPTS's
 * SNP hours and without overlapping blocks.
 *
 * Returns: whether it was added
 */
gboolean
crn_availability_page_add_block (CrnAvailabilityPage     *self,
                                 const CrnTemplateBlock  *block,
                                 GError                 **error)
{
  CrnTemplate *candidate;

  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);
  g_return_val_if_fail (block != NULL, FALSE);
  g_return_val_if_fail (self->template != NULL, FALSE);

  candidate = crn_template_copy (self->template);
  crn_template_add_block (candidate, crn_template_block_copy (block));
  return try_change (self, candidate, error);
}

/**
 * crn_availability_page_replace_block:
 * @self: a #CrnAvailabilityPage
 * @block: the edited block; its id names the block it replaces
 * @error: return location for the reason it is refused
 *
 * Returns: whether it was replaced
 */
gboolean
crn_availability_page_replace_block (CrnAvailabilityPage     *self,
                                     const CrnTemplateBlock  *block,
                                     GError                 **error)
{
  CrnTemplate *candidate;
  int i;

  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);
  g_return_val_if_fail (block != NULL, FALSE);

  i = find_block (self, block->id);
  if (i < 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("This block is no longer in the template: add it again."));
      return FALSE;
    }

  candidate = crn_template_copy (self->template);
  g_ptr_array_remove_index (candidate->blocks, i);
  g_ptr_array_insert (candidate->blocks, i, crn_template_block_copy (block));
  return try_change (self, candidate, error);
}

/**
 * crn_availability_page_remove_block:
 * @self: a #CrnAvailabilityPage
 * @block_id: the block's id
 *
 * Returns: whether a block was removed
 */
gboolean
crn_availability_page_remove_block (CrnAvailabilityPage *self,
                                    const char          *block_id)
{
  int i;

  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);

  i = find_block (self, block_id);
  if (i < 0)
    return FALSE;

  g_ptr_array_remove_index (self->template->blocks, i);
  self->dirty = TRUE;
  refresh (self);
  return TRUE;
}

/**
 * crn_availability_page_add_exception:
 * @self: a #CrnAvailabilityPage
 * @exception: an absence or extra block (copied)
 * @error: return location for the reason it is refused
 *
 * Returns: whether it was added
 */
gboolean
crn_availability_page_add_exception (CrnAvailabilityPage         *self,
                                     const CrnTemplateException  *exception,
                                     GError                     **error)
{
  CrnTemplate *candidate;

  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);
  g_return_val_if_fail (exception != NULL, FALSE);
  g_return_val_if_fail (self->template != NULL, FALSE);

  candidate = crn_template_copy (self->template);
  crn_template_add_exception (candidate, crn_template_exception_copy (exception));
  return try_change (self, candidate, error);
}

/**
 * crn_availability_page_remove_exception:
 * @self: a #CrnAvailabilityPage
 * @exception_id: the exception's id
 *
 * Returns: whether an exception was removed
 */
gboolean
crn_availability_page_remove_exception (CrnAvailabilityPage *self,
                                        const char          *exception_id)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);

  for (guint i = 0; self->template != NULL && i < self->template->exceptions->len; i++)
    {
      const CrnTemplateException *exception = g_ptr_array_index (self->template->exceptions, i);

      if (g_strcmp0 (exception->id, exception_id) == 0)
        {
          g_ptr_array_remove_index (self->template->exceptions, i);
          self->dirty = TRUE;
          refresh (self);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * crn_availability_page_save:
 * @self: a #CrnAvailabilityPage
 *
 * Hands the edited template to crn_agenda_save_template() if it is valid.
 *
 * Returns: whether it was saved
 */
gboolean
crn_availability_page_save (CrnAvailabilityPage *self)
{
  g_autoptr(CrnTemplate) saved = NULL;

  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);

  if (self->agenda == NULL || self->template == NULL || self->error_text != NULL)
    return FALSE;

  /* The agenda's handlers may change the agenda (and so reload this page): save a copy. */
  saved = crn_template_copy (self->template);
  self->dirty = FALSE;
  crn_agenda_save_template (self->agenda, saved);
  refresh (self);
  gtk_label_set_label (self->state_label, _("Saved"));

  return TRUE;
}

/**
 * crn_availability_page_revert:
 * @self: a #CrnAvailabilityPage
 *
 * Drops the unsaved changes.
 */
void
crn_availability_page_revert (CrnAvailabilityPage *self)
{
  g_return_if_fail (CRN_IS_AVAILABILITY_PAGE (self));

  load_template (self);
}

/**
 * crn_availability_page_get_avenant_text:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: the Avenant 9 line for the current week
 */
const char *
crn_availability_page_get_avenant_text (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), NULL);

  return self->avenant_text;
}

/**
 * crn_availability_page_get_level1_met:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: whether the template meets Avenant 9 level 1 this week
 */
gboolean
crn_availability_page_get_level1_met (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), FALSE);

  return self->level1_met;
}

/**
 * crn_availability_page_get_preview:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: (transfer none) (element-type CrnSlot) (nullable): the slots of the preview
 *   (this week and the three after), sorted by start
 */
GPtrArray *
crn_availability_page_get_preview (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), NULL);

  return self->preview;
}

/**
 * crn_availability_page_get_error_text:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: (nullable): why the template cannot be saved, as shown on the page
 */
const char *
crn_availability_page_get_error_text (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), NULL);

  return self->error_text;
}

/**
 * crn_availability_page_get_dialog:
 * @self: a #CrnAvailabilityPage
 *
 * Returns: (transfer none) (nullable): the block or exception dialog open, if any
 */
GtkWindow *
crn_availability_page_get_dialog (CrnAvailabilityPage *self)
{
  g_return_val_if_fail (CRN_IS_AVAILABILITY_PAGE (self), NULL);

  return self->dialog;
}
