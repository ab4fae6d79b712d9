/* crn-week-page.c: the Week page: navigation, the week view, the legend, slot details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnWeekPage"

#include "config.h"

#include "crn-week-page.h"

#include <glib/gi18n-lib.h>

#include "crn-page-util.h"

struct _CrnWeekPage
{
  AdwBin          parent_instance;

  CrnAgenda      *agenda;
  GDate           monday;
  GStrv           selected;        /* IDNPS shown; empty = every practitioner */
  guint           first_hour;
  guint           last_hour;
  guint           refresh_id;
  gint64          last_switch_us;
  gboolean        updating_dropdown;

  /* Template widgets */
  GtkLabel       *week_label;
  GtkDropDown    *practitioner_dropdown;
  GtkStack       *stack;
  CrnWeekView    *week_view;
  AdwStatusPage  *empty_page;
};

G_DEFINE_FINAL_TYPE (CrnWeekPage, crn_week_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SELECTED_PRACTITIONERS,
  PROP_FIRST_HOUR,
  PROP_LAST_HOUR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const month_names[] = {
  NULL, N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
  N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
};

static const char * const weekday_names[] = {
  NULL, N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
  N_("Saturday"), N_("Sunday"),
};

/*
 * Helpers
 */

/* The week the page opens on: this one, or on a Sunday (no SNP) the coming one. */
static void
current_monday (GDate *monday)
{
  crn_time_to_local (crn_time_now (), monday, NULL, NULL);
  if (g_date_get_weekday (monday) == G_DATE_SUNDAY)
    g_date_add_days (monday, 1);
  else
    g_date_subtract_days (monday, g_date_get_weekday (monday) - 1);
}

static void
update_actions (CrnWeekPage *self)
{
  GDate monday;

  current_monday (&monday);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.today",
                                 !g_date_valid (&self->monday) ||
                                 g_date_compare (&monday, &self->monday) != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.previous", self->agenda != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "week.next", self->agenda != NULL);
}

static char *
dup_week_title (const GDate *monday)
{
  GDate saturday = *monday;

  g_date_add_days (&saturday, 5);

  if (g_date_get_month (monday) == g_date_get_month (&saturday))
    /* TRANSLATORS: a week: "23 – 28 November 2026" */
    return g_strdup_printf (_("%u – %u %s %u"),
                            g_date_get_day (monday), g_date_get_day (&saturday),
                            _(month_names[g_date_get_month (&saturday)]),
                            g_date_get_year (&saturday));
  if (g_date_get_year (monday) == g_date_get_year (&saturday))
    /* TRANSLATORS: a week across two months: "30 November – 5 December 2026" */
    return g_strdup_printf (_("%u %s – %u %s %u"),
                            g_date_get_day (monday), _(month_names[g_date_get_month (monday)]),
                            g_date_get_day (&saturday), _(month_names[g_date_get_month (&saturday)]),
                            g_date_get_year (&saturday));
  /* TRANSLATORS: a week across two years: "29 December 2025 – 3 January 2026" */
  return g_strdup_printf (_("%u %s %u – %u %s %u"),
                          g_date_get_day (monday), _(month_names[g_date_get_month (monday)]),
                          g_date_get_year (monday),
                          g_date_get_day (&saturday), _(month_names[g_date_get_month (&saturday)]),
                          g_date_get_year (&saturday));
}

/* "No Slots This Week" is said only once there is something to go by: the agenda file open,
 * or slots given. Before that (the first frame, the file being opened), the empty grid of the
 * week is shown, and the status page, hidden, is not even measured for that frame. */
static void
show_week_or_empty (CrnWeekPage *self,
                    gboolean     no_slots)
{
  gboolean known = self->agenda != NULL && (crn_agenda_get_store (self->agenda) != NULL ||
                                            crn_agenda_get_n_slots (self->agenda) > 0);
  gboolean empty = no_slots && known;

  /* Shown before it is made the visible child (a hidden one cannot be). */
  if (empty)
    gtk_widget_set_visible (GTK_WIDGET (self->empty_page), TRUE);
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "week");
  if (!empty)
    gtk_widget_set_visible (GTK_WIDGET (self->empty_page), FALSE);
}

static void
reload (CrnWeekPage *self)
{
  g_autoptr(GListModel) slots = NULL;
  g_autofree char *title = NULL;
  g_auto(GStrv) columns = NULL;
  g_auto(GStrv) initials = NULL;
  g_auto(GStrv) names = NULL;
  CrnInstant from, to;
  GDate sunday;
  gint64 begin = g_get_monotonic_time ();

  if (!g_date_valid (&self->monday))
    return;

  title = dup_week_title (&self->monday);
  gtk_label_set_label (self->week_label, title);
  crn_week_view_set_week (self->week_view, &self->monday);

  if (self->agenda == NULL)
    {
      show_week_or_empty (self, TRUE);
      update_actions (self);
      return;
    }

  sunday = self->monday;
  g_date_add_days (&sunday, 6);
  from = crn_time_from_local (&self->monday, 0);
  to = crn_time_from_local (&sunday, 0);

  /* With a store, a week outside what is held is loaded in the background (::changed). */
  crn_agenda_ensure_range (self->agenda, from, to);
  slots = crn_agenda_list_slots (self->agenda, from, to, (const char * const *) self->selected);

  /* The practitioners shown, in the agenda's order, with their initials and names for the
   * tiles when there are several. */
  {
    GPtrArray *practitioners = crn_agenda_get_practitioners (self->agenda);
    gboolean all = self->selected == NULL || self->selected[0] == NULL;
    g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
    g_autoptr(GStrvBuilder) initials_builder = g_strv_builder_new ();
    g_autoptr(GStrvBuilder) names_builder = g_strv_builder_new ();

    for (guint i = 0; i < practitioners->len; i++)
      {
        const CrnPractitioner *p = g_ptr_array_index (practitioners, i);
        g_autofree char *name = NULL;
        g_autofree char *given = NULL;
        g_autofree char *family = NULL;
        g_autofree char *letters = NULL;
        g_autofree char *short_name = NULL;

        if (!all && !g_strv_contains ((const char * const *) self->selected, p->idnps))
          continue;

        name = crn_practitioner_get_display_name (p);
        given = p->given != NULL && *p->given ? g_utf8_substring (p->given, 0, 1) : g_strdup ("");
        family = p->family != NULL && *p->family ? g_utf8_substring (p->family, 0, 1) : g_strdup ("");
        letters = g_strconcat (given, family, NULL);
        short_name = g_utf8_strup (*letters ? letters : "?", -1);
        g_strv_builder_add (ids, p->idnps);
        g_strv_builder_add (initials_builder, short_name);
        g_strv_builder_add (names_builder, name);
      }
    columns = g_strv_builder_end (ids);
    initials = g_strv_builder_end (initials_builder);
    names = g_strv_builder_end (names_builder);
  }

  crn_week_view_set_slots (self->week_view, slots, crn_agenda_get_policy (self->agenda),
                           (const char * const *) columns, (const char * const *) initials,
                           (const char * const *) names, crn_time_now ());

  show_week_or_empty (self, g_list_model_get_n_items (slots) == 0);
  update_actions (self);

  self->last_switch_us = g_get_monotonic_time () - begin;
  g_debug ("Week switched in %" G_GINT64_FORMAT " µs", self->last_switch_us);
}

static void
rebuild_dropdown (CrnWeekPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *practitioners;
  guint selected = 0;

  gtk_string_list_append (names, _("All Practitioners"));
  if (self->agenda != NULL)
    {
      practitioners = crn_agenda_get_practitioners (self->agenda);
      for (guint i = 0; i < practitioners->len; i++)
        {
          const CrnPractitioner *p = g_ptr_array_index (practitioners, i);
          g_autofree char *name = crn_practitioner_get_display_name (p);

          gtk_string_list_append (names, name);
          if (self->selected != NULL && g_strv_length (self->selected) == 1 &&
              g_strcmp0 (self->selected[0], p->idnps) == 0)
            selected = i + 1;
        }
      gtk_widget_set_visible (GTK_WIDGET (self->practitioner_dropdown), practitioners->len > 1);
    }

  self->updating_dropdown = TRUE;
  gtk_drop_down_set_model (self->practitioner_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->practitioner_dropdown, selected);
  self->updating_dropdown = FALSE;
}

static GtkWidget *
add_detail_row (GtkGrid    *grid,
                int         row,
                const char *key,
                const char *value)
{
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (key_label), 1.0f);
  gtk_label_set_yalign (GTK_LABEL (key_label), 0.0f);
  gtk_widget_add_css_class (key_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (value_label), 36);
  gtk_grid_attach (grid, key_label, 0, row, 1, 1);
  gtk_grid_attach (grid, value_label, 1, row, 1, 1);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, key_label, NULL,
                                  -1);
  return value_label;
}

static void
on_copy_clicked_cb (GtkButton *button,
                    gpointer   user_data)
{
  const char *text = g_object_get_data (G_OBJECT (button), "crn-copy-text");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Copied"));
}

/* The phone number is a button that copies it: secretaries call patients back. */
static void
add_phone_row (GtkGrid    *grid,
               int         row,
               const char *phone)
{
  GtkWidget *key_label = gtk_label_new (_("Phone"));
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();
  g_autofree char *accessible = g_strdup_printf (_("Copy the phone number %s"), phone);

  gtk_label_set_xalign (GTK_LABEL (key_label), 1.0f);
  gtk_widget_add_css_class (key_label, "dim-label");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), phone);
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "edit-copy-symbolic");
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "copy-button");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Copy the Phone Number"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "crn-copy-text", g_strdup (phone), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_copy_clicked_cb), NULL);

  gtk_grid_attach (grid, key_label, 0, row, 1, 1);
  gtk_grid_attach (grid, button, 1, row, 1, 1);
}

static char *
dup_local_time (CrnInstant instant)
{
  guint minute;
  GDate date;
  GDateWeekday weekday;
  g_autofree char *hhmm = NULL;

  crn_time_to_local (instant, &date, &minute, &weekday);
  hhmm = crn_time_format_minutes (minute);
  /* TRANSLATORS: "Tuesday 24 at 12:00" */
  return g_strdup_printf (_("%s %u at %s"), _(weekday_names[weekday]), g_date_get_day (&date), hhmm);
}

static GtkWidget *
build_details (CrnWeekPage   *self,
               CrnSlotObject *object)
{
  const CrnSlot *slot = crn_slot_object_get_slot (object);
  const CrnBooking *booking = crn_slot_object_get_booking (object);
  const CrnPolicy *policy = crn_agenda_get_policy (self->agenda);
  const CrnPractitioner *practitioner = crn_agenda_find_practitioner (self->agenda, slot->practitioner);
  CrnInstant now = crn_time_now ();
  CrnSlotState state = crn_slot_object_get_state (object, policy, now);
  GtkWidget *box, *title, *grid;
  GDate date;
  GDateWeekday weekday;
  g_autofree char *range = crn_slot_object_dup_time_range (object);
  g_autofree char *heading = NULL;
  g_autofree char *state_text = crn_slot_object_dup_state_label (object, policy, now);
  g_autofree char *countdown = crn_slot_object_dup_countdown (object, policy, now);
  g_autoptr(GString) modalities = g_string_new (NULL);
  int row = 0;

  crn_time_to_local (slot->start, &date, NULL, &weekday);
  /* TRANSLATORS: "Tuesday 24 November, 14:00–14:20" */
  heading = g_strdup_printf (_("%s %u %s, %s"), _(weekday_names[weekday]), g_date_get_day (&date),
                             _(month_names[g_date_get_month (&date)]), range);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  title = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_box_append (GTK_BOX (box), grid);

  state_text[0] = g_unichar_toupper (state_text[0]);
  add_detail_row (GTK_GRID (grid), row++, _("State"), state_text);
  if (practitioner != NULL)
    {
      g_autofree char *name = crn_practitioner_get_display_name (practitioner);
      add_detail_row (GTK_GRID (grid), row++, _("Practitioner"), name);
    }
  add_detail_row (GTK_GRID (grid), row++, _("Offered to"),
                  crn_visibility_get_description (slot->visibility));

  if (slot->modalities & CRN_MODALITY_AMB)
    g_string_append (modalities, _("In the practice"));
  if (slot->modalities & CRN_MODALITY_VR)
    g_string_append_printf (modalities, "%s%s", modalities->len ? ", " : "", _("Teleconsultation"));
  if (slot->modalities & CRN_MODALITY_HH)
    g_string_append_printf (modalities, "%s%s", modalities->len ? ", " : "", _("Home visit"));
  add_detail_row (GTK_GRID (grid), row++, _("Modality"), modalities->str);

  if (slot->restriction == CRN_RESTRICTION_CHILDREN)
    add_detail_row (GTK_GRID (grid), row++, _("Restriction"), _("Children only"));
  else if (slot->restriction == CRN_RESTRICTION_ADULTS)
    add_detail_row (GTK_GRID (grid), row++, _("Restriction"), _("Adults only"));
  else if (slot->restriction == CRN_RESTRICTION_OTHER && slot->restriction_text != NULL)
    add_detail_row (GTK_GRID (grid), row++, _("Restriction"), slot->restriction_text);

  if (booking != NULL && state != CRN_SLOT_STATE_FREE && state != CRN_SLOT_STATE_RECLAIMABLE)
    {
      g_autofree char *patient = NULL;
      g_autofree char *referrer = NULL;
      GDate today;
      int age;

      crn_time_to_local (now, &today, NULL, NULL);
      age = crn_patient_age_on (&booking->patient, &today);
      if (age >= 0)
        /* TRANSLATORS: "MARTIN Lucie, born 2019-03-02 (7 years)" */
        patient = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s %s, born %s (%d year)",
                                                "%s %s, born %s (%d years)", age),
                                   booking->patient.family, booking->patient.given,
                                   booking->patient.birth_date, age);
      else
        patient = g_strdup_printf ("%s %s", booking->patient.family, booking->patient.given);
      add_detail_row (GTK_GRID (grid), row++, _("Patient"), patient);
      if (booking->patient.phone != NULL)
        add_phone_row (GTK_GRID (grid), row++, booking->patient.phone);
      if (booking->reason != NULL)
        add_detail_row (GTK_GRID (grid), row++, _("Reason"), booking->reason);
      if (booking->referrer_name != NULL)
        referrer = g_strdup_printf ("%s (%s)", crn_referrer_get_label (booking->referrer),
                                    booking->referrer_name);
      else
        referrer = g_strdup (crn_referrer_get_label (booking->referrer));
      add_detail_row (GTK_GRID (grid), row++, _("Referrer"), referrer);
      if (booking->requested_at != 0)
        {
          g_autofree char *when = dup_local_time (booking->requested_at);
          add_detail_row (GTK_GRID (grid), row++, _("Requested"), when);
        }
    }

  if (state == CRN_SLOT_STATE_FREE || state == CRN_SLOT_STATE_RECLAIMABLE)
    {
      g_autofree char *opens = dup_local_time (crn_policy_reclaim_opens_at (policy, slot));
      g_autofree char *closes = dup_local_time (crn_policy_booking_closes_at (policy, slot));

      add_detail_row (GTK_GRID (grid), row++, _("Reclaim from"), opens);
      add_detail_row (GTK_GRID (grid), row++, _("Regulation until"), closes);
      if (countdown != NULL)
        add_detail_row (GTK_GRID (grid), row++, _("Now"), countdown);
    }

  /* Taking a free slot back is offered only when the CPTS policy allows it now; otherwise the
   * button stays visible, insensitive, with the policy's reason under it. */
  if (state == CRN_SLOT_STATE_FREE || state == CRN_SLOT_STATE_RECLAIMABLE)
    {
      g_autoptr(GError) why = NULL;
      gboolean allowed = crn_agenda_can_reclaim (self->agenda, slot->id, now, &why);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Take Back for My Patients"));

      gtk_widget_set_name (button, "reclaim-button");
      gtk_widget_set_tooltip_text (button, _("Stop offering this slot to regulation and keep it for the practice's own patients"));
      /* An actionable button follows its action's state: the action is only set when allowed. */
      if (allowed)
        {
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "week.reclaim");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", slot->id);
          gtk_widget_add_css_class (button, "suggested-action");
        }
      else
        gtk_widget_set_sensitive (button, FALSE);
      gtk_box_append (GTK_BOX (box), button);

      if (!allowed)
        {
          GtkWidget *reason = gtk_label_new (why->message);

          gtk_widget_set_name (reason, "reclaim-reason");
          gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
          gtk_label_set_max_width_chars (GTK_LABEL (reason), 40);
          gtk_label_set_xalign (GTK_LABEL (reason), 0.0f);
          gtk_widget_add_css_class (reason, "dim-label");
          gtk_widget_add_css_class (reason, "caption");
          gtk_accessible_update_relation (GTK_ACCESSIBLE (button),
                                          GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, reason, NULL, -1);
          gtk_box_append (GTK_BOX (box), reason);
        }
    }

  return box;
}

/*
 * Callbacks
 */

static void
on_slot_activated_cb (CrnWeekView   *view,
                      CrnSlotObject *slot,
                      CrnSlotTile   *tile,
                      CrnWeekPage   *self)
{
  if (self->agenda == NULL)
    return;

  crn_week_view_show_popover (view, tile, build_details (self, slot));
}

static void
on_agenda_changed_cb (CrnWeekPage *self)
{
  rebuild_dropdown (self);
  reload (self);
}

static void
on_dropdown_selected_cb (CrnWeekPage *self)
{
  guint selected;

  if (self->updating_dropdown || self->agenda == NULL)
    return;

  selected = gtk_drop_down_get_selected (self->practitioner_dropdown);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    {
      const char *none[] = { NULL };
      crn_week_page_set_selected_practitioners (self, none);
    }
  else
    {
      GPtrArray *practitioners = crn_agenda_get_practitioners (self->agenda);

      if (selected - 1 < practitioners->len)
        {
          const char *one[] = { ((CrnPractitioner *) g_ptr_array_index (practitioners, selected - 1))->idnps, NULL };
          crn_week_page_set_selected_practitioners (self, one);
        }
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  CrnWeekPage *self = user_data;

  crn_week_view_refresh (self->week_view, crn_time_now ());
  update_actions (self);
  return G_SOURCE_CONTINUE;
}

static void
on_reclaimed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CrnWeekPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (crn_agenda_reclaim_finish (CRN_AGENDA (object), result, &error))
    crn_page_add_toast (GTK_WIDGET (self),
                        adw_toast_new (_("Slot taken back for your patients; the CPTS server is told at the next sync")));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (error->message));
}

static void
week_reclaim_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (widget);

  if (self->agenda == NULL)
    return;
  gtk_popover_popdown (crn_week_view_get_popover (self->week_view));
  crn_agenda_reclaim_async (self->agenda, g_variant_get_string (param, NULL), NULL,
                            on_reclaimed_cb, g_object_ref (self));
}

static void
week_previous_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (widget);
  GDate day = self->monday;

  g_date_subtract_days (&day, 7);
  crn_week_page_set_week (self, &day);
}

static void
week_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (widget);
  GDate day = self->monday;

  g_date_add_days (&day, 7);
  crn_week_page_set_week (self, &day);
}

static void
week_today_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (widget);
  GDate monday;

  current_monday (&monday);
  crn_week_page_set_week (self, &monday);
}

/*
 * GtkWidget overrides
 */

static void
crn_week_page_map (GtkWidget *widget)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (widget);

  GTK_WIDGET_CLASS (crn_week_page_parent_class)->map (widget);

  /* Countdowns move on while the page is shown; nothing runs while it is hidden. */
  crn_week_view_refresh (self->week_view, crn_time_now ());
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (30, refresh_cb, self);
}

static void
crn_week_page_unmap (GtkWidget *widget)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);

  GTK_WIDGET_CLASS (crn_week_page_parent_class)->unmap (widget);
}

/*
 * GObject overrides
 */

static void
crn_week_page_dispose (GObject *object)
{
  CrnWeekPage *self = (CrnWeekPage *) object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_clear_object (&self->agenda);

  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_WEEK_PAGE);

  G_OBJECT_CLASS (crn_week_page_parent_class)->dispose (object);
}

static void
crn_week_page_finalize (GObject *object)
{
  CrnWeekPage *self = (CrnWeekPage *) object;

  g_clear_pointer (&self->selected, g_strfreev);

  G_OBJECT_CLASS (crn_week_page_parent_class)->finalize (object);
}

static void
crn_week_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_PRACTITIONERS:
      g_value_set_boxed (value, self->selected);
      break;
    case PROP_FIRST_HOUR:
      g_value_set_int (value, self->first_hour);
      break;
    case PROP_LAST_HOUR:
      g_value_set_int (value, self->last_hour);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_hours (CrnWeekPage *self,
           int          first_hour,
           int          last_hour)
{
  /* Keep at least one hour, inside the day; a bad pair from settings falls back to 8–20. */
  if (first_hour < 0 || last_hour > 24 || first_hour >= last_hour)
    {
      first_hour = 8;
      last_hour = 20;
    }

  self->first_hour = first_hour;
  self->last_hour = last_hour;
  crn_week_view_set_hours (self->week_view, first_hour, last_hour);
}

static void
crn_week_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CrnWeekPage *self = CRN_WEEK_PAGE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_PRACTITIONERS:
      crn_week_page_set_selected_practitioners (self, g_value_get_boxed (value));
      break;
    case PROP_FIRST_HOUR:
      if (g_value_get_int (value) != (int) self->first_hour)
        {
          set_hours (self, g_value_get_int (value), self->last_hour);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_LAST_HOUR:
      if (g_value_get_int (value) != (int) self->last_hour)
        {
          set_hours (self, self->first_hour, g_value_get_int (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_week_page_class_init (CrnWeekPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_week_page_dispose;
  object_class->finalize = crn_week_page_finalize;
  object_class->get_property = crn_week_page_get_property;
  object_class->set_property = crn_week_page_set_property;

  widget_class->map = crn_week_page_map;
  widget_class->unmap = crn_week_page_unmap;

  /**
   * CrnWeekPage:selected-practitioners:
   *
   * The IDNPS of the practitioners shown; empty shows every practitioner.
   */
  properties[PROP_SELECTED_PRACTITIONERS] =
    g_param_spec_boxed ("selected-practitioners", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_HOUR] =
    g_param_spec_int ("first-hour", NULL, NULL, 0, 23, 8,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_HOUR] =
    g_param_spec_int ("last-hour", NULL, NULL, 1, 24, 20,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CRN_TYPE_WEEK_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-week-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnWeekPage, week_label);
  gtk_widget_class_bind_template_child (widget_class, CrnWeekPage, practitioner_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrnWeekPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CrnWeekPage, week_view);
  gtk_widget_class_bind_template_child (widget_class, CrnWeekPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_slot_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dropdown_selected_cb);

  gtk_widget_class_install_action (widget_class, "week.previous", NULL, week_previous_action);
  gtk_widget_class_install_action (widget_class, "week.next", NULL, week_next_action);
  gtk_widget_class_install_action (widget_class, "week.today", NULL, week_today_action);
  gtk_widget_class_install_action (widget_class, "week.reclaim", "s", week_reclaim_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "week.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Page_Up, 0, "week.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "week.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "week.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Page_Down, 0, "week.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "week.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "week.today", NULL);
}

static void
crn_week_page_init (CrnWeekPage *self)
{
  GDate monday;

  self->first_hour = 8;
  self->last_hour = 20;
  self->selected = g_new0 (char *, 1);

  gtk_widget_init_template (GTK_WIDGET (self));

  current_monday (&monday);
  crn_week_page_set_week (self, &monday);
}

/*
 * Public API
 */

/**
 * crn_week_page_new:
 *
 * Returns: (transfer floating): a new #CrnWeekPage showing the current week (the coming one
 *   on a Sunday)
 */
GtkWidget *
crn_week_page_new (void)
{
  return g_object_new (CRN_TYPE_WEEK_PAGE, NULL);
}

/**
 * crn_week_page_set_agenda:
 * @self: a #CrnWeekPage
 * @agenda: (nullable): where the slots come from
 */
void
crn_week_page_set_agenda (CrnWeekPage *self,
                          CrnAgenda   *agenda)
{
  g_return_if_fail (CRN_IS_WEEK_PAGE (self));
  g_return_if_fail (agenda == NULL || CRN_IS_AGENDA (agenda));

  if (self->agenda == agenda)
    return;

  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_set_object (&self->agenda, agenda);
  if (agenda != NULL)
    g_signal_connect_object (agenda, "changed", G_CALLBACK (on_agenda_changed_cb), self,
                             G_CONNECT_SWAPPED);

  rebuild_dropdown (self);
  reload (self);
}

/**
 * crn_week_page_get_agenda:
 * @self: a #CrnWeekPage
 *
 * Returns: (transfer none) (nullable): the agenda
 */
CrnAgenda *
crn_week_page_get_agenda (CrnWeekPage *self)
{
  g_return_val_if_fail (CRN_IS_WEEK_PAGE (self), NULL);

  return self->agenda;
}

/**
 * crn_week_page_set_week:
 * @self: a #CrnWeekPage
 * @day: any day of the week to show
 */
void
crn_week_page_set_week (CrnWeekPage *self,
                        const GDate *day)
{
  GDate monday;

  g_return_if_fail (CRN_IS_WEEK_PAGE (self));
  g_return_if_fail (day != NULL && g_date_valid (day));

  monday = *day;
  g_date_subtract_days (&monday, g_date_get_weekday (day) - 1);
  self->monday = monday;
  reload (self);
}

/**
 * crn_week_page_get_week:
 * @self: a #CrnWeekPage
 * @monday: (out caller-allocates): the Monday of the week shown
 */
void
crn_week_page_get_week (CrnWeekPage *self,
                        GDate       *monday)
{
  g_return_if_fail (CRN_IS_WEEK_PAGE (self));
  g_return_if_fail (monday != NULL);

  *monday = self->monday;
}

/**
 * crn_week_page_get_view:
 * @self: a #CrnWeekPage
 *
 * Returns: (transfer none): the week view
 */
CrnWeekView *
crn_week_page_get_view (CrnWeekPage *self)
{
  g_return_val_if_fail (CRN_IS_WEEK_PAGE (self), NULL);

  return self->week_view;
}

/**
 * crn_week_page_get_selected_practitioners:
 * @self: a #CrnWeekPage
 *
 * Returns: (transfer none): the IDNPS shown; empty = every practitioner
 */
const char * const *
crn_week_page_get_selected_practitioners (CrnWeekPage *self)
{
  g_return_val_if_fail (CRN_IS_WEEK_PAGE (self), NULL);

  return (const char * const *) self->selected;
}

/**
 * crn_week_page_set_selected_practitioners:
 * @self: a #CrnWeekPage
 * @practitioners: (nullable) (array zero-terminated=1): IDNPS to show; %NULL or empty = all
 */
void
crn_week_page_set_selected_practitioners (CrnWeekPage        *self,
                                          const char * const *practitioners)
{
  const char * const none[] = { NULL };

  g_return_if_fail (CRN_IS_WEEK_PAGE (self));

  if (practitioners == NULL)
    practitioners = none;
  if (g_strv_equal ((const char * const *) self->selected, practitioners))
    return;

  g_strfreev (self->selected);
  self->selected = g_strdupv ((char **) practitioners);
  rebuild_dropdown (self);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_PRACTITIONERS]);
}

/**
 * crn_week_page_show_slot:
 * @self: a #CrnWeekPage
 * @slot_id: a slot identifier
 *
 * Goes to the week of the slot, focuses it and opens its details.
 *
 * Returns: whether the slot was found
 */
gboolean
crn_week_page_show_slot (CrnWeekPage *self,
                         const char  *slot_id)
{
  CrnSlotObject *slot;
  CrnSlotTile *tile;
  GDate day;

  g_return_val_if_fail (CRN_IS_WEEK_PAGE (self), FALSE);
  g_return_val_if_fail (slot_id != NULL, FALSE);

  if (self->agenda == NULL || (slot = crn_agenda_find_slot (self->agenda, slot_id)) == NULL)
    return FALSE;

  crn_time_to_local (crn_slot_object_get_start (slot), &day, NULL, NULL);
  crn_week_page_set_week (self, &day);
  tile = crn_week_view_find_tile (self->week_view, slot_id);
  if (tile == NULL)
    return FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (tile));
  crn_week_view_show_popover (self->week_view, tile, build_details (self, slot));
  return TRUE;
}

/**
 * crn_week_page_get_last_switch_us:
 * @self: a #CrnWeekPage
 *
 * Returns: how long the last week change took to query and update the tiles, in µs
 */
gint64
crn_week_page_get_last_switch_us (CrnWeekPage *self)
{
  g_return_val_if_fail (CRN_IS_WEEK_PAGE (self), 0);

  return self->last_switch_us;
}
