/* crn-bookings-page.c: the inbox: to confirm, today, coming, past without outcome
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnBookingsPage"

#include "config.h"

#include "crn-bookings-page.h"

#include <glib/gi18n-lib.h>

#include "crn-page-util.h"
#include "crn-sync.h"

#define N_INBOXES 4

struct _CrnBookingsPage
{
  GtkWidget       parent_instance;

  CrnAgenda      *agenda;
  GCancellable   *cancellable;
  GHashTable     *bookings;          /* id -> CrnBooking, what the rows show */
  guint           counts[N_INBOXES];
  guint           serial;
  guint           loading;
  GtkWindow      *dialog;
  GPtrArray      *extra_entries;     /* (element-type GtkEntry) of the extra-patient dialog */
  GtkLabel       *extra_error;
  char           *selected_id;       /* the booking to show selected (a notification's) */
  GtkWidget      *selected_row;

  /* Template widgets */
  GtkStack       *stack;
  GtkBox         *content;
};

G_DEFINE_FINAL_TYPE (CrnBookingsPage, crn_bookings_page, GTK_TYPE_WIDGET)

enum {
  EXTRA_FAMILY,
  EXTRA_GIVEN,
  EXTRA_BIRTH,
  EXTRA_PHONE,
  EXTRA_REASON,
  EXTRA_TIME,
  N_EXTRA
};

static const char * const inbox_titles[N_INBOXES] = {
  N_("To Confirm"), N_("Today"), N_("Coming"), N_("Past, Outcome Not Recorded"),
};

static const char * const inbox_descriptions[N_INBOXES] = {
  N_("Booked by regulation or a referrer; the patient is told once you accept"),
  NULL,
  NULL,
  N_("Record whether the patient came on the Review page"),
};

/*
 * Loading
 */

typedef struct _Reload
{
  CrnBookingsPage *page;
  guint            serial;
  guint            pending;
  GPtrArray       *lists[N_INBOXES];
  struct _Reload  *self_refs[N_INBOXES];
} Reload;

static void
reload_free (Reload *reload)
{
  for (guint i = 0; i < N_INBOXES; i++)
    g_clear_pointer (&reload->lists[i], g_ptr_array_unref);
  g_object_unref (reload->page);
  g_free (reload);
}

static GtkWidget *
new_row (CrnBookingsPage  *self,
         CrnStoreInbox     inbox,
         const CrnBooking *booking)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = crn_page_dup_patient (booking);
  g_autofree char *details = crn_page_dup_booking_details (booking);
  g_autofree char *when = crn_page_dup_when (booking->start);
  g_autofree char *subtitle = g_strdup_printf ("%s\n%s", when, details);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_set_name (row, booking->id);

  if (booking->patient.phone != NULL && *booking->patient.phone)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               crn_page_new_phone_button (booking->patient.phone));

  if (inbox == CRN_STORE_INBOX_TO_CONFIRM)
    {
      GtkWidget *accept = gtk_button_new_with_mnemonic (_("_Accept"));
      GtkWidget *decline = gtk_button_new_with_mnemonic (_("_Decline"));
      g_autofree char *accept_label = g_strdup_printf (_("Accept the booking of %s"), title);
      g_autofree char *decline_label = g_strdup_printf (_("Decline the booking of %s"), title);

      gtk_widget_set_valign (accept, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (decline, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (accept, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (accept), "bookings.accept");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (accept), "s", booking->id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (decline), "bookings.decline");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (decline), "s", booking->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (accept), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accept_label, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (decline), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      decline_label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), decline);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), accept);
    }

  return row;
}

static void
rebuild (CrnBookingsPage *self,
         Reload          *reload)
{
  guint total = 0;

  crn_page_clear_box (self->content);
  g_hash_table_remove_all (self->bookings);
  self->selected_row = NULL;

  /* A booking of today still to come is in two lists of the store: it is shown once, in the
   * first section that has it. */
  for (guint i = 0; i < N_INBOXES; i++)
    {
      GPtrArray *list = reload->lists[i];
      g_autoptr(GPtrArray) shown = g_ptr_array_new ();
      GtkWidget *group;

      for (guint j = 0; list != NULL && j < list->len; j++)
        {
          const CrnBooking *booking = g_ptr_array_index (list, j);

          if (!g_hash_table_contains (self->bookings, booking->id))
            {
              g_ptr_array_add (shown, (gpointer) booking);
              g_hash_table_replace (self->bookings, g_strdup (booking->id), crn_booking_copy (booking));
            }
        }
      list = shown;
      self->counts[i] = list->len;
      total += self->counts[i];
      if (self->counts[i] == 0)
        continue;

      group = adw_preferences_group_new ();
      {
        g_autofree char *title = g_strdup_printf ("%s (%u)", _(inbox_titles[i]), list->len);
        adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      }
      if (inbox_descriptions[i] != NULL)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                               _(inbox_descriptions[i]));
      for (guint j = 0; j < list->len; j++)
        {
          const CrnBooking *booking = g_ptr_array_index (list, j);
          GtkWidget *row = new_row (self, i, booking);

          if (g_strcmp0 (booking->id, self->selected_id) == 0)
            {
              self->selected_row = row;
              gtk_widget_add_css_class (row, "selected-booking");
            }
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->content, group);
    }
  if (self->selected_row != NULL)
    gtk_widget_grab_focus (self->selected_row);

  gtk_stack_set_visible_child_name (self->stack, total > 0 ? "list" : "empty");
}

static void
on_inbox_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Reload **slot = user_data;
  Reload *reload = *slot;
  CrnBookingsPage *self = reload->page;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = crn_store_list_inbox_finish (CRN_STORE (object), result, &error);

  /* @slot points into the Reload: its index is the inbox. */
  reload->lists[slot - reload->self_refs] = list;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not list the bookings: %s", error->message);

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
reload (CrnBookingsPage *self)
{
  CrnStore *store = self->agenda != NULL ? crn_agenda_get_store (self->agenda) : NULL;
  Reload *data;
  CrnInstant now = crn_time_now ();

  if (store == NULL)
    {
      Reload empty = { 0, };

      rebuild (self, &empty);
      return;
    }

  data = g_new0 (Reload, 1);
  data->page = g_object_ref (self);
  data->serial = ++self->serial;
  data->pending = N_INBOXES;
  self->loading = 1;
  for (guint i = 0; i < N_INBOXES; i++)
    {
      data->self_refs[i] = data;
      crn_store_list_inbox_async (store, i, now, self->cancellable, on_inbox_cb,
                                  &data->self_refs[i]);
    }
}

/*
 * Changes
 */

static void
on_booking_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;
  const char *done = g_object_get_data (G_OBJECT (widget), "crn-last-done");

  if (!crn_agenda_save_booking_finish (CRN_AGENDA (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        crn_page_add_toast (widget, adw_toast_new (error->message));
      return;
    }
  if (done != NULL)
    crn_page_add_toast (widget, adw_toast_new (done));
}

static void
apply (CrnBookingsPage  *self,
       const char       *id,
       CrnBookingAction  action,
       const char       *reason,
       const char       *done)
{
  const CrnBooking *booking = g_hash_table_lookup (self->bookings, id);

  if (booking == NULL || self->agenda == NULL)
    return;

  g_object_set_data_full (G_OBJECT (self), "crn-last-done", g_strdup (done), g_free);
  crn_agenda_apply_booking_async (self->agenda, booking, action, reason, self->cancellable,
                                  on_booking_saved_cb, g_object_ref (self));
}

static void
on_decline_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        CrnBookingsPage  *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "crn-reason");
  const char *id = g_object_get_data (G_OBJECT (dialog), "crn-booking");

  if (g_strcmp0 (response, "decline") == 0)
    crn_bookings_page_decline (self, id, gtk_editable_get_text (entry));
}

/* Builds the booking the extra-patient form describes; NULL with the first problem. */
static CrnBooking *
extra_from_form (CrnBookingsPage  *self,
                 GError          **error)
{
  g_autoptr(CrnBooking) booking = crn_booking_new ();
  const char *text[N_EXTRA];
  GPtrArray *practitioners = crn_agenda_get_practitioners (self->agenda);
  guint minute;
  GDate today;

  for (guint i = 0; i < N_EXTRA; i++)
    text[i] = gtk_editable_get_text (g_ptr_array_index (self->extra_entries, i));

  if (practitioners->len == 0)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("No practitioner yet: sign in to your CPTS first."));
      return NULL;
    }
  if (!crn_time_parse_minutes (text[EXTRA_TIME], &minute))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("Type the time as hours and minutes, for example 14:30."));
      return NULL;
    }

  crn_time_to_local (crn_time_now (), &today, NULL, NULL);
  booking->id = crn_uuid_new ();
  booking->practitioner = g_strdup (((CrnPractitioner *) g_ptr_array_index (practitioners, 0))->idnps);
  booking->start = crn_time_from_local (&today, minute);
  booking->end = booking->start + 20 * 60;
  {
    g_autofree char *family = g_strstrip (g_strdup (text[EXTRA_FAMILY]));
    booking->patient.family = g_utf8_strup (family, -1);
  }
  booking->patient.given = g_strstrip (g_strdup (text[EXTRA_GIVEN]));
  booking->patient.birth_date = g_strstrip (g_strdup (text[EXTRA_BIRTH]));
  booking->patient.phone = g_strstrip (g_strdup (text[EXTRA_PHONE]));
  booking->reason = g_strstrip (g_strdup (text[EXTRA_REASON]));
  booking->referrer = CRN_REFERRER_SAS;
  booking->requested_at = crn_time_now ();
  booking->created_at = crn_time_now ();
  booking->extra = TRUE;
  booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
  booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;

  if (!crn_booking_validate (booking, error))
    return NULL;

  return g_steal_pointer (&booking);
}

static void
on_extra_changed_cb (CrnBookingsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) booking = NULL;

  if (self->dialog == NULL)
    return;
  booking = extra_from_form (self, &error);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self->dialog), "save", booking != NULL);
  gtk_label_set_label (self->extra_error, error != NULL ? error->message : "");
}

static void
on_extra_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      CrnBookingsPage  *self)
{
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "save") != 0)
    return;

  booking = extra_from_form (self, &error);
  if (booking == NULL)
    crn_page_add_toast (GTK_WIDGET (self), adw_toast_new (error->message));
  else
    crn_bookings_page_save_extra (self, booking);
}

static void
show_extra_dialog (CrnBookingsPage *self)
{
  static const char * const labels[N_EXTRA] = {
    N_("Family name"), N_("Given name"), N_("Date of birth (YYYY-MM-DD)"), N_("Phone"),
    N_("Reason"), N_("Time today"),
  };
  GtkWidget *dialog, *grid;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *now_text = NULL;
  guint minute;

  crn_time_to_local (crn_time_now (), NULL, &minute, NULL);
  now_text = crn_time_format_minutes (minute);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Extra Patient"),
                                   _("A patient taken on top of the declared slots at the SAS's "
                                     "request (surnuméraire, Avenant 9 level 2)."));
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  g_clear_pointer (&self->extra_entries, g_ptr_array_unref);
  self->extra_entries = g_ptr_array_new ();
  for (guint i = 0; i < N_EXTRA; i++)
    {
      GtkWidget *label = gtk_label_new (_(labels[i]));
      GtkWidget *entry = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(labels[i]), -1);
      if (i == EXTRA_TIME)
        gtk_editable_set_text (GTK_EDITABLE (entry), now_text);
      g_signal_connect_object (entry, "changed", G_CALLBACK (on_extra_changed_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_grid_attach (GTK_GRID (grid), label, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), entry, 1, i, 1, 1);
      g_ptr_array_add (self->extra_entries, entry);
    }
  self->extra_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->extra_error, TRUE);
  gtk_label_set_xalign (self->extra_error, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->extra_error), "dim-label");
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->extra_error), 0, N_EXTRA, 2, 1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "save", _("_Save"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_extra_response_cb), self, 0);

  self->dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
  on_extra_changed_cb (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/*
 * Actions
 */

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CrnBookingsPage *self = CRN_BOOKINGS_PAGE (widget);

  apply (self, g_variant_get_string (param, NULL), CRN_BOOKING_ACTION_ACCEPT, NULL,
         _("Booking accepted"));
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CrnBookingsPage *self = CRN_BOOKINGS_PAGE (widget);
  const char *id = g_variant_get_string (param, NULL);
  const CrnBooking *booking = g_hash_table_lookup (self->bookings, id);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *patient = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog, *entry;

  if (booking == NULL)
    return;

  patient = crn_page_dup_patient (booking);
  body = g_strdup_printf (_("The referrer is told that %s will not be seen in this slot, with "
                            "your reason."), patient);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Decline the Booking?"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason, for the referrer"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for declining"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "decline", _("_Decline"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decline",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "crn-reason", entry);
  g_object_set_data_full (G_OBJECT (dialog), "crn-booking", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_decline_response_cb), self, 0);

  self->dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_extra_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  show_extra_dialog (CRN_BOOKINGS_PAGE (widget));
}

static void
update_actions (CrnBookingsPage *self)
{
  gboolean ready = self->agenda != NULL && crn_agenda_get_store (self->agenda) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bookings.accept", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bookings.decline", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bookings.add-extra", ready);
}

static void
on_agenda_changed_cb (CrnBookingsPage *self)
{
  update_actions (self);
  reload (self);
}

/*
 * GObject overrides
 */

static void
crn_bookings_page_dispose (GObject *object)
{
  CrnBookingsPage *self = (CrnBookingsPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRN_TYPE_BOOKINGS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->agenda != NULL)
    g_signal_handlers_disconnect_by_data (self->agenda, self);
  g_clear_object (&self->agenda);

  G_OBJECT_CLASS (crn_bookings_page_parent_class)->dispose (object);
}

static void
crn_bookings_page_finalize (GObject *object)
{
  CrnBookingsPage *self = (CrnBookingsPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bookings, g_hash_table_unref);
  g_clear_pointer (&self->extra_entries, g_ptr_array_unref);
  g_free (self->selected_id);

  G_OBJECT_CLASS (crn_bookings_page_parent_class)->finalize (object);
}

static void
crn_bookings_page_class_init (CrnBookingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crn_bookings_page_dispose;
  object_class->finalize = crn_bookings_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/creneaux/Creneaux/ui/crn-bookings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrnBookingsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CrnBookingsPage, content);

  gtk_widget_class_install_action (widget_class, "bookings.accept", "s", accept_action);
  gtk_widget_class_install_action (widget_class, "bookings.decline", "s", decline_action);
  gtk_widget_class_install_action (widget_class, "bookings.add-extra", NULL, add_extra_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "bookings.add-extra", NULL);
}

static void
crn_bookings_page_init (CrnBookingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->bookings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) crn_booking_free);
  update_actions (self);
}

/*
 * Public API
 */

/**
 * crn_bookings_page_select_booking:
 * @self: a #CrnBookingsPage
 * @id: a booking id
 *
 * Shows that booking's row selected (now, or as soon as the booking is in the lists) and
 * gives it the keyboard focus.
 */
void
crn_bookings_page_select_booking (CrnBookingsPage *self,
                                  const char      *id)
{
  g_return_if_fail (CRN_IS_BOOKINGS_PAGE (self));
  g_return_if_fail (id != NULL);

  g_free (self->selected_id);
  self->selected_id = g_strdup (id);
  reload (self);
}

/**
 * crn_bookings_page_get_selected:
 * @self: a #CrnBookingsPage
 *
 * Returns: (nullable): the id of the booking shown selected, when its row is in the lists
 */
const char *
crn_bookings_page_get_selected (CrnBookingsPage *self)
{
  g_return_val_if_fail (CRN_IS_BOOKINGS_PAGE (self), NULL);

  return self->selected_row != NULL ? self->selected_id : NULL;
}

/**
 * crn_bookings_page_set_agenda:
 * @self: a #CrnBookingsPage
 * @agenda: (nullable): the agenda (its store gives the lists)
 */
void
crn_bookings_page_set_agenda (CrnBookingsPage *self,
                              CrnAgenda       *agenda)
{
  g_return_if_fail (CRN_IS_BOOKINGS_PAGE (self));

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
 * crn_bookings_page_is_loading:
 * @self: a #CrnBookingsPage
 *
 * Returns: whether the lists are being read
 */
gboolean
crn_bookings_page_is_loading (CrnBookingsPage *self)
{
  g_return_val_if_fail (CRN_IS_BOOKINGS_PAGE (self), FALSE);

  return self->loading != 0;
}

/**
 * crn_bookings_page_get_n_rows:
 * @self: a #CrnBookingsPage
 * @inbox: a section
 *
 * Returns: the bookings shown in @inbox
 */
guint
crn_bookings_page_get_n_rows (CrnBookingsPage *self,
                              CrnStoreInbox    inbox)
{
  g_return_val_if_fail (CRN_IS_BOOKINGS_PAGE (self), 0);
  g_return_val_if_fail (inbox < N_INBOXES, 0);

  return self->counts[inbox];
}

/**
 * crn_bookings_page_get_dialog:
 * @self: a #CrnBookingsPage
 *
 * Returns: (transfer none) (nullable): the decline or extra-patient dialog, when open
 */
GtkWindow *
crn_bookings_page_get_dialog (CrnBookingsPage *self)
{
  g_return_val_if_fail (CRN_IS_BOOKINGS_PAGE (self), NULL);

  return self->dialog;
}

/**
 * crn_bookings_page_decline:
 * @self: a #CrnBookingsPage
 * @id: a booking shown
 * @reason: (nullable): why
 *
 * Declines the booking (what the decline dialog does).
 */
void
crn_bookings_page_decline (CrnBookingsPage *self,
                           const char      *id,
                           const char      *reason)
{
  g_return_if_fail (CRN_IS_BOOKINGS_PAGE (self));
  g_return_if_fail (id != NULL);

  apply (self, id, CRN_BOOKING_ACTION_DECLINE, reason != NULL && *reason ? reason : NULL,
         _("Booking declined"));
}

/**
 * crn_bookings_page_set_extra_field:
 * @self: a #CrnBookingsPage with the extra-patient dialog open
 * @field: 0 family, 1 given, 2 birth date, 3 phone, 4 reason, 5 time
 * @text: what to type
 */
void
crn_bookings_page_set_extra_field (CrnBookingsPage *self,
                                   guint            field,
                                   const char      *text)
{
  g_return_if_fail (CRN_IS_BOOKINGS_PAGE (self));
  g_return_if_fail (self->extra_entries != NULL && field < self->extra_entries->len);

  gtk_editable_set_text (g_ptr_array_index (self->extra_entries, field), text);
}

/**
 * crn_bookings_page_save_extra:
 * @self: a #CrnBookingsPage
 * @booking: a valid extra-patient booking (no slot)
 *
 * Saves @booking as a new booking ("booking.create" in the outbox).
 */
void
crn_bookings_page_save_extra (CrnBookingsPage  *self,
                              const CrnBooking *booking)
{
  g_return_if_fail (CRN_IS_BOOKINGS_PAGE (self));
  g_return_if_fail (booking != NULL);

  if (self->agenda == NULL)
    return;
  g_object_set_data_full (G_OBJECT (self), "crn-last-done", g_strdup (_("Extra patient saved")),
                          g_free);
  crn_agenda_save_booking_async (self->agenda, booking, CRN_CHANGE_BOOKING_CREATE,
                                 self->cancellable, on_booking_saved_cb, g_object_ref (self));
}
