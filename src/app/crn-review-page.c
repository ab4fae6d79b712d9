/* crn-review-page.c: outcomes to record, no-shows per month and per referrer, repeat no-shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnReviewPage"

#include "config.h"

#include "crn-review-page.h"

#include <glib/gi18n-lib.h>

#include "crn-page-util.h"
#include "crn-sync.h"

#define N_MONTHS 6

struct _CrnReviewPage
{
  GtkWidget     parent_instance;

  CrnAgenda    *agenda;
  GCancellable *cancellable;
  GHashTable   *bookings;      /* id -> CrnBooking, the outcomes to record */
  GHashTable   *undo;          /* id -> CrnBooking, the state before the last outcome */
  GArray       *per_month;     /* (element-type CrnNoshowCount) */
  guint         n_to_record;
  guint         serial;
  guint         loading;

  /* Template widgets */
  GtkStack     *stack;
  GtkBox       *content;
};

G_DEFINE_FINAL_TYPE (CrnReviewPage, crn_review_page, GTK_TYPE_WIDGET)

/*
 * Loading
 */

typedef struct
{
  CrnReviewPage *page;
  guint          serial;
  guint          pending;
  GPtrArray     *to_record;
  GArray        *per_month;
  GArray        *per_referrer;
  GPtrArray     *repeat;
} Reload;

static void
reload_free (Reload *reload)
{
  g_clear_pointer (&reload->to_record, g_ptr_array_unref);
  g_clear_pointer (&reload->per_month, g_array_unref);
  g_clear_pointer (&reload->per_referrer, g_array_unref);
  g_clear_pointer (&reload->repeat, g_ptr_array_unref);
  g_object_unref (reload->page);
  g_free (reload);
}

static GtkWidget *
new_group (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

static GtkWidget *
new_info_row (const char *title,
              const char *subtitle,
              const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (value != NULL)
    {
      GtkWidget *label = gtk_label_new (value);

      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  return row;
}

static GtkWidget *
new_outcome_button (const char       *label,
                    const char       *accessible,
                    const CrnBooking *booking,
                    const char       *outcome)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "review.outcome");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", booking->id, outcome);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

static char *
dup_rate (guint noshow,
          guint seen)
{
  if (noshow + seen == 0)
    return g_strdup ("–");
  return g_strdup_printf ("%.0f %%", 100.0 * noshow / (noshow + seen));
}

static void
rebuild (CrnReviewPage *self,
         Reload        *reload)
{
  GtkWidget *group;
  gboolean any = FALSE;

  crn_page_clear_box (self->content);
  g_hash_table_remove_all (self->bookings);
  self->n_to_record = reload->to_record != NULL ? reload->to_record->len : 0;
  g_clear_pointer (&self->per_month, g_array_unref);
  if (reload->per_month != NULL)
    self->per_month = g_array_ref (reload->per_month);

  if (self->n_to_record > 0)
    {
      g_autofree char *title = g_strdup_printf (_("Outcomes to Record (%u)"), self->n_to_record);

      any = TRUE;
      group = new_group (title, _("Whether each patient came: no-shows are counted per month and per referrer below"));
      for (guint i = 0; i < reload->to_record->len; i++)
        {
          const CrnBooking *booking = g_ptr_array_index (reload->to_record, i);
          g_autofree char *patient = crn_page_dup_patient (booking);
          g_autofree char *when = crn_page_dup_when (booking->start);
          g_autofree char *referrer = crn_page_dup_referrer (booking);
          g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, referrer);
          GtkWidget *row = new_info_row (patient, subtitle, NULL);
          GtkWidget *seen;
          g_autofree char *seen_label = g_strdup_printf (_("%s was seen"), patient);
          g_autofree char *cancel_label = g_strdup_printf (_("%s cancelled"), patient);
          g_autofree char *noshow_label = g_strdup_printf (_("%s did not come"), patient);

          g_hash_table_replace (self->bookings, g_strdup (booking->id), crn_booking_copy (booking));

          seen = new_outcome_button (_("_Seen"), seen_label, booking, "seen");
          gtk_widget_add_css_class (seen, "suggested-action");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     new_outcome_button (_("_Cancelled"), cancel_label, booking,
                                                         "cancel"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     new_outcome_button (_("_No-show"), noshow_label, booking,
                                                         "noshow"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), seen);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->content, group);
    }

  if (reload->per_month != NULL && reload->per_month->len > 0)
    {
      any = TRUE;
      group = new_group (_("No-shows per Month"), _("Of the patients expected, how many did not come"));
      for (guint i = reload->per_month->len; i > 0; i--)
        {
          const CrnNoshowCount *count = &g_array_index (reload->per_month, CrnNoshowCount, i - 1);
          GDate day;
          g_autofree char *month = NULL;
          g_autofree char *subtitle = NULL;
          g_autofree char *rate = dup_rate (count->noshow, count->seen);

          g_date_clear (&day, 1);
          g_date_set_dmy (&day, 1, count->month, count->year);
          month = crn_page_dup_month (&day);
          subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u no-show, %u seen",
                                                   "%u no-shows, %u seen", count->noshow),
                                      count->noshow, count->seen);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     new_info_row (month, subtitle, rate));
        }
      gtk_box_append (self->content, group);
    }

  if (reload->per_referrer != NULL && reload->per_referrer->len > 0)
    {
      any = TRUE;
      group = new_group (_("No-shows per Referrer"), _("The last six months"));
      for (guint i = 0; i < reload->per_referrer->len; i++)
        {
          const CrnNoshowCount *count = &g_array_index (reload->per_referrer, CrnNoshowCount, i);
          g_autofree char *subtitle = NULL;
          g_autofree char *rate = dup_rate (count->noshow, count->seen);

          subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u no-show, %u seen",
                                                   "%u no-shows, %u seen", count->noshow),
                                      count->noshow, count->seen);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     new_info_row (crn_referrer_get_label (count->referrer),
                                                   subtitle, rate));
        }
      gtk_box_append (self->content, group);
    }

  if (reload->repeat != NULL && reload->repeat->len > 0)
    {
      any = TRUE;
      group = new_group (_("Repeat No-shows"), _("Patients who missed two bookings or more"));
      for (guint i = 0; i < reload->repeat->len; i++)
        {
          const CrnRepeatNoshow *repeat = g_ptr_array_index (reload->repeat, i);
          g_autofree char *name = g_strdup_printf ("%s %s", repeat->family, repeat->given);
          g_autofree char *last = crn_page_dup_when (repeat->last_start);
          g_autofree char *subtitle = g_strdup_printf (_("born %s · last missed %s"),
                                                       repeat->birth_date, last);
          g_autofree char *value = g_strdup_printf ("%u", repeat->count);

          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     new_info_row (name, subtitle, value));
        }
      gtk_box_append (self->content, group);
    }

  gtk_stack_set_visible_child_name (self->stack, any ? "list" : "empty");
}

static void
reload_step_done (Reload *reload)
{
  CrnReviewPage *self = reload->page;

  if (--reload->pending > 0)
    return;
  if (reload->serial == self->serial && !g_cancellable_is_cancelled (self->cancellable))
    {
      rebuild (self, reload);
      self->loading = 0;
    }
  reload_free (reload);
}

static void
warn_unless_cancelled (const GError *error)
{
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not read the review lists: %s", error->message);
}

static void
on_to_record_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reload *reload = user_data;
  g_autoptr(GError) error = NULL;

  reload->to_record = crn_store_list_inbox_finish (CRN_STORE (object), result, &error);
  warn_unless_cancelled (error);
  reload_step_done (reload);
}

static void
on_per_month_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reload *reload = user_data;
  g_autoptr(GError) error = NULL;

  reload->per_month = crn_store_noshows_per_month_finish (CRN_STORE (object), result, &error);
  warn_unless_cancelled (error);
  reload_step_done (reload);
}

static void
on_per_referrer_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Reload *reload = user_data;
  g_autoptr(GError) error = NULL;

  reload->per_referrer = crn_store_noshows_per_referrer_finish (CRN_STORE (object), result, &error);
  warn_unless_cancelled (error);
  reload_step_done (reload);
}

static void
on_repeat_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Reload *reload = user_data;
  g_autoptr(GError) error = NULL;

  reload->repeat = crn_store_repeat_noshows_finish (CRN_STORE (object), result, &error);
  warn_unless_cancelled (error);
  reload_step_done (reload);
}

static void
reload (CrnReviewPage *self)
{
  CrnStore *store = self->agenda != NULL ? crn_agenda_get_store (self->agenda) : NULL;
  CrnInstant now = crn_time_now ();
  CrnInstant from, to;
  Reload *data;
  GDate first;

  if (store == NULL)
    {
      Reload empty = { 0, };

      rebuild (self, &empty);
      return;
    }

  /* The current month and the five before it. */
  crn_time_to_local (now, &first, NULL, NULL);
  g_date_set_day (&first, 1);
  g_date_subtract_months (&first, N_MONTHS - 1);
  from = crn_time_from_local (&first, 0);
  to = now;

  data = g_new0 (Reload, 1);
  data->page = g_object_ref (self);
  data->serial = ++self->serial;
  data->pending = 4;
  self->loading = 1;
  crn_store_list_inbox_async (store, CRN_STORE_INBOX_WITHOUT_OUTCOME, now, self->cancellable,
                              on_to_record_cb, data);
  crn_store_noshows_per_month_async (store, NULL, &first, N_MONTHS, self->cancellable,
                                     on_per_month_cb, data);
  crn_store_noshows_per_referrer_async (store, NULL, from, to, self->cancellable,
                                        on_per_referrer_cb, data);
  crn_store_repeat_noshows_async (store, 2, self->cancellable, on_repeat_cb, data);
}

/*
 * Changes
 */

static void
on_saved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrnReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_agenda_save_booking_finish (CRN_AGENDA (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (error->message));
}

static void
outcome_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CrnReviewPage *self = CRN_REVIEW_PAGE (widget);
  const char *id, *outcome;
  const CrnBooking *booking;
  CrnBookingAction action;
  g_autofree char *patient = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  g_variant_get (param, "(&s&s)", &id, &outcome);
  booking = g_hash_table_lookup (self->bookings, id);
  if (booking == NULL || self->agenda == NULL)
    return;

  patient = crn_page_dup_patient (booking);
  if (g_str_equal (outcome, "seen"))
    {
      action = CRN_BOOKING_ACTION_SEEN;
      text = g_strdup_printf (_("%s recorded as seen"), patient);
    }
  else if (g_str_equal (outcome, "noshow"))
    {
      action = CRN_BOOKING_ACTION_NOSHOW;
      text = g_strdup_printf (_("%s recorded as a no-show"), patient);
    }
  else
    {
      action = CRN_BOOKING_ACTION_CANCEL;
      text = g_strdup_printf (_("%s recorded as cancelled"), patient);
    }

  /* The state before is kept for Undo, which writes it back as a change of its own. */
  g_hash_table_replace (self->undo, g_strdup (id), crn_booking_copy (booking));
  crn_agenda_apply_booking_async (self->agenda, booking, action, NULL, self->cancellable,
                                  on_saved_cb, g_object_ref (self));

  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "review.undo");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  crn_page_add_toast (widget, toast);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CrnReviewPage *self = CRN_REVIEW_PAGE (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(CrnBooking) before = NULL;
  g_autofree char *key = NULL;

  if (self->agenda == NULL ||
      !g_hash_table_steal_extended (self->undo, id, (gpointer *) &key, (gpointer *) &before))
    return;

  crn_agenda_save_booking_async (self->agenda, before,
                                 before->status == CRN_APPOINTMENT_STATUS_CANCELLED
                                 ? CRN_CHANGE_BOOKING_EDIT : CRN_CHANGE_BOOKING_OUTCOME,
                                 self->cancellable, on_saved_cb, g_object_ref (self));
}

static void
update_actions (CrnReviewPage *self)
{
  gboolean ready = self->agenda != NULL && crn_agenda_get_store (self->agenda) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.outcome", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.undo", ready);
}

static void
on_agenda_changed_cb (CrnReviewPage *self)
{
  update_actions (self);
  reload (self);
}

/*
 * GObject overrides
 */

static void
crn_review_page_dispose (GObject *object)
{
  CrnReviewPage *self = (CrnReviewPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_REVIEW_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_clear_object (&self->agenda);

  G_OBJECT_CLASS (crn_review_page_parent_class)->dispose (object);
}

static void
crn_review_page_finalize (GObject *object)
{
  CrnReviewPage *self = (CrnReviewPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bookings, g_hash_table_unref);
  g_clear_pointer (&self->undo, g_hash_table_unref);
  g_clear_pointer (&self->per_month, g_array_unref);

  G_OBJECT_CLASS (crn_review_page_parent_class)->finalize (object);
}

static void
crn_review_page_class_init (CrnReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_review_page_dispose;
  object_class->finalize = crn_review_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnReviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CrnReviewPage, content);

  gtk_widget_class_install_action (widget_class, "review.outcome", "(ss)", outcome_action);
  gtk_widget_class_install_action (widget_class, "review.undo", "s", undo_action);
}

static void
crn_review_page_init (CrnReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->bookings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) crn_booking_free);
  self->undo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) crn_booking_free);
  update_actions (self);
}

/*
 * Public API
 */

/**
 * crn_review_page_set_agenda:
 * @self: a #CrnReviewPage
 * @agenda: (nullable): the agenda (its store gives the lists and counts)
 */
void
crn_review_page_set_agenda (CrnReviewPage *self,
                            CrnAgenda     *agenda)
{
  g_return_if_fail (CRN_IS_REVIEW_PAGE (self));

  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_set_object (&self->agenda, agenda);
  if (agenda != NULL)
    {
      g_signal_connect_object (agenda, "changed", G_CALLBACK (on_agenda_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (agenda, "notify::store", G_CALLBACK (on_agenda_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  on_agenda_changed_cb (self);
}

/**
 * crn_review_page_is_loading:
 * @self: a #CrnReviewPage
 *
 * Returns: whether the lists are being read
 */
gboolean
crn_review_page_is_loading (CrnReviewPage *self)
{
  g_return_val_if_fail (CRN_IS_REVIEW_PAGE (self), FALSE);

  return self->loading != 0;
}

/**
 * crn_review_page_get_n_to_record:
 * @self: a #CrnReviewPage
 *
 * Returns: the bookings whose outcome is still to be recorded
 */
guint
crn_review_page_get_n_to_record (CrnReviewPage *self)
{
  g_return_val_if_fail (CRN_IS_REVIEW_PAGE (self), 0);

  return self->n_to_record;
}

/**
 * crn_review_page_get_noshows:
 * @self: a #CrnReviewPage
 * @year: a year
 * @month: 1..12
 *
 * Returns: the no-shows shown for that month (0 when not shown)
 */
guint
crn_review_page_get_noshows (CrnReviewPage *self,
                             guint          year,
                             guint          month)
{
  g_return_val_if_fail (CRN_IS_REVIEW_PAGE (self), 0);

  for (guint i = 0; self->per_month != NULL && i < self->per_month->len; i++)
    {
      const CrnNoshowCount *count = &g_array_index (self->per_month, CrnNoshowCount, i);

      if (count->year == year && count->month == month)
        return count->noshow;
    }
  return 0;
}
