/* test-bookings.c: the store-backed agenda and the Bookings page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "crn-sync.h"
#include "crn-test-fixtures.h"
#include "crn-window.h"

typedef struct
{
  char      *dir;
  CrnStore  *store;
  CrnAgenda *agenda;
  CrnWindow *window;
} Fixture;

/* The test agenda (clock frozen on Tuesday 1 December 2026, 13:10) in a store, plus a past
 * booking whose outcome is not recorded, then a window on it. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CrnAgenda) memory = crn_test_agenda_new ();
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  g_autoptr(CrnSlot) slot = crn_test_slot_new ("c-mon-1440", 2026, 11, 30, 14 * 60 + 40, 15 * 60,
                                               CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS,
                                               CRN_SLOT_STATUS_BUSY);
  CrnBooking *past;

  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));
  fixture->store = crn_test_store_new (memory, &fixture->dir);

  past = crn_test_booking_new (slot, CRN_REFERRER_SAS, NULL, CRN_APPOINTMENT_STATUS_BOOKED,
                               CRN_PARTICIPATION_ACCEPTED);
  g_free (past->patient.family);
  past->patient.family = g_strdup ("GARNIER");
  g_ptr_array_add (more, past);
  crn_test_store_put_bookings (fixture->store, more);

  fixture->agenda = crn_agenda_new ();
  fixture->window = crn_window_new (NULL, fixture->agenda);
  gtk_window_present (GTK_WINDOW (fixture->window));
  crn_test_wait_mapped (GTK_WIDGET (fixture->window));
  crn_test_agenda_load (fixture->agenda, fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->agenda);
  g_clear_object (&fixture->store);
  crn_test_iterate ();
  crn_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  crn_time_set_now_for_testing (0);
}

static void
wait_page (CrnBookingsPage *page)
{
  crn_test_iterate ();
  while (crn_bookings_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);
}

/* Waits until the outbox holds @n entries (the writes are on the store's thread). */
static GPtrArray *
wait_outbox (CrnStore *store,
             guint     n)
{
  while (TRUE)
    {
      g_autoptr(GPtrArray) entries = crn_test_store_outbox (store);

      if (entries->len >= n)
        return g_steal_pointer (&entries);
      g_main_context_iteration (NULL, TRUE);
    }
}

static const char *
booking_id (const char *slot_id)
{
  static char id[64];
  g_autofree char *name = g_strdup_printf ("booking/%s", slot_id);
  g_autofree char *uuid = crn_uuid_from_name (name);

  g_strlcpy (id, uuid, sizeof id);
  return id;
}

static void
test_agenda_from_store (Fixture       *fixture,
                        gconstpointer  data)
{
  CrnSlotObject *object;

  /* What the store holds is what the week shows. */
  g_assert_cmpuint (crn_agenda_get_practitioners (fixture->agenda)->len, ==, 1);
  g_assert_cmpuint (crn_agenda_get_n_slots (fixture->agenda), ==, 10);
  object = crn_agenda_find_slot (fixture->agenda, "f-tue-1440");
  g_assert_nonnull (object);
  g_assert_nonnull (crn_slot_object_get_booking (object));
  g_assert_cmpint (crn_slot_object_get_state (object, crn_agenda_get_policy (fixture->agenda),
                                              crn_time_now ()), ==, CRN_SLOT_STATE_WAITING);
  object = crn_agenda_find_slot (fixture->agenda, "c-mon-1440");
  g_assert_cmpint (crn_slot_object_get_outcome (object, crn_time_now ()), ==,
                   CRN_SLOT_OUTCOME_TO_RECORD);
}

static void
test_bookings_sections (Fixture       *fixture,
                        gconstpointer  data)
{
  CrnBookingsPage *page = crn_window_get_bookings_page (fixture->window);

  crn_window_show_page (fixture->window, "bookings");
  wait_page (page);
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TO_CONFIRM), ==, 1);
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TODAY), ==, 1);
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_WITHOUT_OUTCOME), ==, 1);
}

static void
test_bookings_confirm (Fixture       *fixture,
                       gconstpointer  data)
{
  CrnBookingsPage *page = crn_window_get_bookings_page (fixture->window);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  const CrnOutboxEntry *entry;

  wait_page (page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "bookings.accept", "s",
                                             booking_id ("f-tue-1440")));
  outbox = wait_outbox (fixture->store, 1);
  wait_page (page);

  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->kind, ==, CRN_CHANGE_BOOKING_ACCEPT);
  g_assert_cmpstr (entry->target_id, ==, booking_id ("f-tue-1440"));
  g_assert_true (g_uuid_string_is_valid (entry->uuid));
  g_assert_nonnull (strstr (entry->payload, "\"resourceType\""));

  stored = crn_test_store_get_booking (fixture->store, booking_id ("f-tue-1440"));
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);
  g_assert_cmpint (stored->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TO_CONFIRM), ==, 0);
  g_assert_cmpint (crn_slot_object_get_state (crn_agenda_find_slot (fixture->agenda, "f-tue-1440"),
                                              crn_agenda_get_policy (fixture->agenda),
                                              crn_time_now ()), ==, CRN_SLOT_STATE_BOOKED);
}

static void
test_bookings_decline (Fixture       *fixture,
                       gconstpointer  data)
{
  CrnBookingsPage *page = crn_window_get_bookings_page (fixture->window);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  GtkWindow *dialog;

  wait_page (page);
  /* The button opens a dialog asking for the reason. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "bookings.decline", "s",
                                             booking_id ("f-tue-1440")));
  dialog = crn_bookings_page_get_dialog (page);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  gtk_window_destroy (dialog);

  crn_bookings_page_decline (page, booking_id ("f-tue-1440"), "Cabinet fermé cet après-midi");
  outbox = wait_outbox (fixture->store, 1);
  wait_page (page);

  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (outbox, 0))->kind, ==,
                   CRN_CHANGE_BOOKING_DECLINE);
  stored = crn_test_store_get_booking (fixture->store, booking_id ("f-tue-1440"));
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpint (stored->practitioner_status, ==, CRN_PARTICIPATION_DECLINED);
  g_assert_cmpstr (stored->cancel_reason, ==, "Cabinet fermé cet après-midi");
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TO_CONFIRM), ==, 0);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
on_text_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
test_bookings_copy_phone (Fixture       *fixture,
                          gconstpointer  data)
{
  CrnBookingsPage *page = crn_window_get_bookings_page (fixture->window);
  g_autofree char *text = NULL;
  GtkWidget *button;

  wait_page (page);
  button = find_named (GTK_WIDGET (page), "phone-button");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (button), NULL, on_text_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (text, ==, "06 12 34 56 78");
}

static void
test_bookings_extra (Fixture       *fixture,
                     gconstpointer  data)
{
  CrnBookingsPage *page = crn_window_get_bookings_page (fixture->window);
  g_autoptr(GPtrArray) outbox = NULL;
  const CrnOutboxEntry *entry;
  g_autoptr(CrnBooking) stored = NULL;
  AdwMessageDialog *dialog;
  guint today;

  wait_page (page);
  today = crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TODAY);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "bookings.add-extra", NULL));
  dialog = ADW_MESSAGE_DIALOG (crn_bookings_page_get_dialog (page));
  g_assert_nonnull (dialog);

  /* Nothing typed: cannot be saved. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  crn_bookings_page_set_extra_field (page, 0, "Lambert");
  crn_bookings_page_set_extra_field (page, 1, "Zoé");
  crn_bookings_page_set_extra_field (page, 2, "2031-05-02");
  crn_bookings_page_set_extra_field (page, 3, "06 11 22 33 44");
  crn_bookings_page_set_extra_field (page, 4, "Otalgie");
  crn_bookings_page_set_extra_field (page, 5, "17:30");
  /* A birth date in the future is refused with the core's words. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  crn_bookings_page_set_extra_field (page, 2, "2019-05-02");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  adw_message_dialog_response (dialog, "save");

  outbox = wait_outbox (fixture->store, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->kind, ==, CRN_CHANGE_BOOKING_CREATE);
  stored = crn_test_store_get_booking (fixture->store, entry->target_id);
  g_assert_null (stored->slot_id);
  g_assert_true (stored->extra);
  g_assert_cmpstr (stored->patient.family, ==, "LAMBERT");
  g_assert_cmpint (stored->start, ==, crn_test_instant (2026, 12, 1, 17 * 60 + 30));

  while (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TODAY) == today)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TODAY), ==, today + 1);
}

static void
wait_review (CrnReviewPage *page)
{
  crn_test_iterate ();
  while (crn_review_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);
}

static void
test_review_noshow_undo (Fixture       *fixture,
                         gconstpointer  data)
{
  CrnReviewPage *page = crn_window_get_review_page (fixture->window);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  g_autoptr(CrnBooking) restored = NULL;
  const char *id = booking_id ("c-mon-1440");

  crn_window_show_page (fixture->window, "review");
  wait_review (page);
  g_assert_cmpuint (crn_review_page_get_n_to_record (page), ==, 1);
  /* The pharmacy's patient of Monday 30 November did not come. */
  g_assert_cmpuint (crn_review_page_get_noshows (page, 2026, 11), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.outcome", "(ss)", id,
                                             "noshow"));
  outbox = wait_outbox (fixture->store, 1);
  wait_review (page);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (outbox, 0))->kind, ==,
                   CRN_CHANGE_BOOKING_OUTCOME);
  stored = crn_test_store_get_booking (fixture->store, id);
  g_assert_cmpint (stored->status, ==, CRN_APPOINTMENT_STATUS_NOSHOW);
  g_assert_cmpuint (crn_review_page_get_n_to_record (page), ==, 0);
  g_assert_cmpuint (crn_review_page_get_noshows (page, 2026, 11), ==, 2);
  g_assert_cmpint (crn_slot_object_get_outcome (crn_agenda_find_slot (fixture->agenda, "c-mon-1440"),
                                                crn_time_now ()), ==, CRN_SLOT_OUTCOME_NOSHOW);

  /* Undo (the toast's button) writes the reverse change: a second outbox entry. */
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.undo", "s", id));
  outbox = wait_outbox (fixture->store, 2);
  wait_review (page);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_cmpstr (((CrnOutboxEntry *) g_ptr_array_index (outbox, 1))->kind, ==,
                   CRN_CHANGE_BOOKING_OUTCOME);
  restored = crn_test_store_get_booking (fixture->store, id);
  g_assert_cmpint (restored->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);
  g_assert_cmpuint (crn_review_page_get_n_to_record (page), ==, 1);
  g_assert_cmpuint (crn_review_page_get_noshows (page, 2026, 11), ==, 1);

  /* A second Undo has nothing left to undo. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.undo", "s", id));
  crn_test_iterate ();
  g_clear_pointer (&outbox, g_ptr_array_unref);
  outbox = crn_test_store_outbox (fixture->store);
  g_assert_cmpuint (outbox->len, ==, 2);
}

/* A PDF holds NUL bytes: strstr() would stop at the first. */
static const char *
find_bytes (const char *data,
            gsize       length,
            const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return data + i;
  return NULL;
}

static void
wait_activity (CrnActivityPage *page)
{
  crn_test_iterate ();
  while (crn_activity_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);
}

/* The reference figures of the core over the fixture's data (as written to the store). */
static void
reference_figures (CrnFigures *figures,
                   CrnInstant  from,
                   CrnInstant  to)
{
  g_autoptr(CrnAgenda) memory = crn_test_agenda_new ();
  g_autoptr(GListModel) all = crn_agenda_list_slots (memory, G_MININT64 / 2, G_MAXINT64 / 2, NULL);
  g_autoptr(GPtrArray) slots = g_ptr_array_new ();
  g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  g_autoptr(CrnSlot) busy = crn_test_slot_new ("c-mon-1440", 2026, 11, 30, 14 * 60 + 40, 15 * 60,
                                               CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS,
                                               CRN_SLOT_STATUS_BUSY);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(CrnSlotObject) object = g_list_model_get_item (all, i);

      if (g_str_equal (crn_slot_object_get_id (object), "c-mon-1440"))
        g_ptr_array_add (slots, busy);
      else
        g_ptr_array_add (slots, (gpointer) crn_slot_object_get_slot (object));
      if (crn_slot_object_get_booking (object) != NULL)
        g_ptr_array_add (bookings, crn_booking_copy (crn_slot_object_get_booking (object)));
    }
  g_ptr_array_add (bookings, crn_test_booking_new (busy, CRN_REFERRER_SAS, NULL,
                                                   CRN_APPOINTMENT_STATUS_BOOKED,
                                                   CRN_PARTICIPATION_ACCEPTED));
  crn_figures_compute (figures, slots, bookings, NULL, from, to);
}

static void
assert_figures_equal (const CrnFigures *a,
                      const CrnFigures *b)
{
  g_assert_cmpuint (a->offered, ==, b->offered);
  g_assert_cmpuint (a->booked, ==, b->booked);
  g_assert_cmpuint (a->seen, ==, b->seen);
  g_assert_cmpuint (a->noshow, ==, b->noshow);
  g_assert_cmpuint (a->extras, ==, b->extras);
  g_assert_cmpuint (a->offered_minutes, ==, b->offered_minutes);
}

static void
on_result_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_activity_figures_and_pdf (Fixture       *fixture,
                               gconstpointer  data)
{
  CrnActivityPage *page = crn_window_get_activity_page (fixture->window);
  CrnFigures shown, expected, week;
  g_autofree char *pdf = g_build_filename (fixture->dir, "activity.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  CrnInstant from, to;
  GDate day, monday;
  gsize length;

  crn_window_show_page (fixture->window, "activity");
  wait_activity (page);
  crn_test_iterate ();
  /* Built when first shown, after the agenda was loaded: Export PDF is offered once the
   * figures are in. */
  g_assert_true (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (page), "activity.export-pdf")));

  /* December 2026, as the core computes it from the same data. */
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 1, 12, 2026);
  crn_period_month (&day, &from, &to);
  reference_figures (&expected, from, to);
  g_assert_true (crn_activity_page_get_month_figures (page, &shown, NULL));
  assert_figures_equal (&shown, &expected);
  g_assert_cmpuint (shown.offered, >, 0);

  /* The first week shown is the one of Monday 30 November. */
  g_assert_true (crn_activity_page_get_week_figures (page, 0, &monday, &week));
  g_assert_cmpuint (g_date_get_day (&monday), ==, 30);
  crn_period_week (&monday, &from, &to);
  reference_figures (&expected, from, to);
  assert_figures_equal (&week, &expected);

  /* The PDF of the month. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (pdf);
    g_autoptr(GAsyncResult) result = NULL;

    crn_activity_page_export_pdf_async (page, file, NULL, on_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (crn_activity_page_export_pdf_finish (page, result, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  /* The Info dictionary is not compressed: its keywords name the month. */
  g_assert_nonnull (find_bytes (contents, length, "/Keywords (2026-12)"));

  /* November: recording a no-show changes the figures. */
  g_date_set_dmy (&day, 15, 11, 2026);
  crn_activity_page_set_month (page, &day);
  wait_activity (page);
  g_assert_true (crn_activity_page_get_month_figures (page, &shown, NULL));
  g_assert_cmpuint (shown.noshow, ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (crn_window_get_review_page (fixture->window)),
                                             "review.outcome", "(ss)", booking_id ("c-mon-1440"),
                                             "noshow"));
  g_ptr_array_unref (wait_outbox (fixture->store, 1));
  wait_activity (page);
  g_assert_true (crn_activity_page_get_month_figures (page, &shown, NULL));
  g_assert_cmpuint (shown.noshow, ==, 2);
}

static GtkWidget *
show_details (Fixture    *fixture,
              const char *slot_id)
{
  CrnWeekPage *page = crn_window_get_week_page (fixture->window);
  CrnWeekView *view = crn_week_page_get_view (page);

  crn_window_show_page (fixture->window, "week");
  crn_test_iterate ();
  g_assert_true (crn_week_page_show_slot (page, slot_id));
  return gtk_popover_get_child (crn_week_view_get_popover (view));
}

static void
on_notice_cb (CrnAgenda  *agenda,
              const char *message,
              char      **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static void
test_reclaim (Fixture       *fixture,
              gconstpointer  data)
{
  CrnWeekPage *week = crn_window_get_week_page (fixture->window);
  const CrnPolicy *policy = crn_agenda_get_policy (fixture->agenda);
  g_autoptr(GError) expected = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(CrnSync) sync = NULL;
  g_autoptr(CrnClient) client = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *refusal = NULL;
  g_autoptr(CrnSlot) server = NULL;
  CrnSlotObject *object;
  GtkWidget *details, *button, *reason;
  const CrnOutboxEntry *entry;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 1, 12, 2026);
  crn_week_page_set_week (week, &day);

  /* Wednesday's slot: the reclaim window is not open yet; the policy's reason is shown. */
  object = crn_agenda_find_slot (fixture->agenda, "g-wed-1400");
  g_assert_false (crn_policy_check_reclaim (policy, crn_slot_object_get_slot (object),
                                            crn_time_now (), &expected));
  details = show_details (fixture, "g-wed-1400");
  button = find_named (details, "reclaim-button");
  reason = find_named (details, "reclaim-reason");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (reason);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (reason)), ==, expected->message);
  gtk_popover_popdown (crn_week_view_get_popover (crn_week_page_get_view (week)));

  /* The same refused through the agenda: nothing is written. */
  g_assert_false (crn_agenda_can_reclaim (fixture->agenda, "g-wed-1400", crn_time_now (), NULL));

  /* Today's 14:00 slot is free and inside the window: the button is enabled. */
  details = show_details (fixture, "d-tue-1400");
  button = find_named (details, "reclaim-button");
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_null (find_named (details, "reclaim-reason"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (week), "week.reclaim", "s", "d-tue-1400"));

  outbox = wait_outbox (fixture->store, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->kind, ==, CRN_CHANGE_SLOT_RECLAIM);
  g_assert_cmpstr (entry->target_id, ==, "d-tue-1400");
  while (crn_slot_object_get_slot (crn_agenda_find_slot (fixture->agenda, "d-tue-1400"))->visibility !=
         CRN_VISIBILITY_NONE)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (crn_slot_object_get_state (crn_agenda_find_slot (fixture->agenda, "d-tue-1400"),
                                              policy, crn_time_now ()), ==, CRN_SLOT_STATE_RECLAIMED);

  /* Regulation booked it first: the sync refuses the change with its sentence, which the
   * agenda passes on (the window shows it in a toast). */
  client = crn_client_new ("https://127.0.0.1:9", NULL, &error);
  g_assert_no_error (error);
  account = crn_account_new ("https://127.0.0.1:9", "secretariat");
  sync = crn_sync_new (fixture->store, client, account);
  crn_agenda_set_sync (fixture->agenda, G_OBJECT (sync));
  g_assert_false (crn_agenda_get_online (fixture->agenda));
  g_signal_connect (fixture->agenda, "notice", G_CALLBACK (on_notice_cb), &notice);

  server = crn_slot_copy (crn_slot_object_get_slot (crn_agenda_find_slot (fixture->agenda, "d-tue-1400")));
  server->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  server->status = CRN_SLOT_STATUS_BUSY;
  server->last_updated_ms = crn_test_instant (2026, 12, 1, 13 * 60 + 2) * 1000;
  g_assert_cmpint (crn_conflict_decide_slot (CRN_CHANGE_SLOT_RECLAIM, crn_slot_object_get_slot (
                     crn_agenda_find_slot (fixture->agenda, "d-tue-1400")), server, NULL, &refusal),
                   ==, CRN_CONFLICT_REFUSED);
  g_signal_emit_by_name (sync, "change-refused", entry->uuid, entry->kind, entry->target_id, refusal);
  g_assert_cmpstr (notice, ==, refusal);
  g_assert_nonnull (strstr (notice, "before your reclaim"));

  g_signal_handlers_disconnect_by_func (fixture->agenda, on_notice_cb, &notice);
  crn_agenda_set_sync (fixture->agenda, NULL);
  crn_test_iterate ();
}

static void
on_template_saved_cb (CrnAgenda         *agenda,
                      const CrnTemplate *template,
                      guint             *count)
{
  (*count)++;
}

static void
test_template_saved_to_outbox (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(CrnTemplate) template = crn_template_new (CRN_TEST_PRACTITIONER, NULL);
  CrnTemplateBlock *block = crn_template_block_new ();
  g_autoptr(GPtrArray) outbox = NULL;
  const CrnOutboxEntry *entry;
  guint saved = 0;

  g_free (block->id);
  block->id = crn_uuid_new ();
  block->weekdays = CRN_WEEKDAY_BIT (G_DATE_FRIDAY);
  block->start_minute = 16 * 60;
  block->end_minute = 18 * 60;
  block->slot_minutes = 20;
  block->modalities = CRN_MODALITY_AMB;
  block->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  crn_template_add_block (template, block);
  g_free (template->place_id);
  template->place_id = crn_uuid_from_name ("test-place/Cabinet du Parc");

  g_signal_connect (fixture->agenda, "template-saved", G_CALLBACK (on_template_saved_cb), &saved);
  crn_agenda_save_template (fixture->agenda, template);
  /* Kept at once for the pages; ::template-saved once the store has it. */
  g_assert_nonnull (crn_agenda_get_template (fixture->agenda, CRN_TEST_PRACTITIONER));
  outbox = wait_outbox (fixture->store, 1);
  while (saved == 0)
    g_main_context_iteration (NULL, TRUE);

  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->kind, ==, CRN_CHANGE_TEMPLATE_PUT);
  g_assert_cmpstr (entry->target_id, ==, template->id);
  g_assert_cmpuint (saved, ==, 1);
  g_signal_handlers_disconnect_by_func (fixture->agenda, on_template_saved_cb, &saved);
}

static void
test_store_damaged (void)
{
  g_autoptr(CrnAgenda) agenda = crn_agenda_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-app-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "creneaux.db", NULL);
  CrnWindow *window;
  GtkWindow *dialog;

  g_assert_no_error (error);
  g_file_set_contents (path, "This is not an agenda file, but a letter to a friend.\n", -1, &error);
  g_assert_no_error (error);

  window = crn_window_new (NULL, agenda);
  gtk_window_present (GTK_WINDOW (window));
  crn_window_open_store (window, path, FALSE);
  while ((dialog = crn_window_get_store_dialog (window)) == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "fresh"));
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), !=, "");

  /* Start fresh: the old file is kept aside and a new store opens. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "fresh");
  while (crn_agenda_get_store (agenda) == NULL)
    g_main_context_iteration (NULL, TRUE);
  {
    g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
    const char *name;
    gboolean aside = FALSE;

    while ((name = g_dir_read_name (handle)) != NULL)
      if (g_str_has_prefix (name, "creneaux.db") && strcmp (name, "creneaux.db") != 0 &&
          !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
        aside = TRUE;
    g_assert_true (aside);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&agenda);
  crn_test_iterate ();
  crn_test_remove_dir (dir);
}

static gboolean
has_slot_at (CrnAgenda  *agenda,
             const char *practitioner,
             CrnInstant  start)
{
  g_autoptr(GListModel) slots = crn_agenda_list_slots (agenda, start, start + 60, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (slots); i++)
    {
      g_autoptr(CrnSlotObject) object = g_list_model_get_item (slots, i);

      if (crn_slot_object_get_start (object) == start &&
          g_strcmp0 (crn_slot_object_get_slot (object)->practitioner, practitioner) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_demo_store (void)
{
  g_autoptr(CrnAgenda) agenda = crn_agenda_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-app-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "creneaux.db", NULL);
  g_autoptr(CrnTemplate) template = NULL;
  CrnTemplateBlock *block = crn_template_block_new ();
  CrnWindow *window;
  CrnInstant friday_16 = crn_test_instant (2026, 12, 11, 16 * 60);

  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));
  window = crn_window_new (NULL, agenda);
  gtk_window_present (GTK_WINDOW (window));
  crn_window_open_store (window, path, TRUE);
  /* --demo-local: the fictitious practice, written into a throw-away store. */
  while (crn_agenda_get_n_slots (agenda) < 300)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (crn_agenda_get_practitioners (agenda)->len, ==, 2);
  g_assert_false (has_slot_at (agenda, "899700123456", friday_16));

  /* Dr Martin adds "Friday 16:00–18:00": the demo expands it like a server would. */
  template = crn_template_copy (crn_agenda_get_template (agenda, "899700123456"));
  g_free (block->id);
  block->id = crn_uuid_new ();
  block->weekdays = CRN_WEEKDAY_BIT (G_DATE_FRIDAY);
  block->start_minute = 16 * 60;
  block->end_minute = 18 * 60;
  block->slot_minutes = 20;
  block->modalities = CRN_MODALITY_AMB;
  block->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  crn_template_add_block (template, block);
  crn_agenda_save_template (agenda, template);
  while (!has_slot_at (agenda, "899700123456", friday_16))
    g_main_context_iteration (NULL, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&agenda);
  crn_test_iterate ();
  crn_test_remove_dir (dir);
  crn_time_set_now_for_testing (0);
}

int
main (int   argc,
      char *argv[])
{
  crn_test_init (&argc, &argv);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/app/agenda/from-store", test_agenda_from_store);
  ADD ("/app/bookings/sections", test_bookings_sections);
  ADD ("/app/bookings/confirm", test_bookings_confirm);
  ADD ("/app/bookings/decline", test_bookings_decline);
  ADD ("/app/bookings/copy-phone", test_bookings_copy_phone);
  ADD ("/app/bookings/extra-patient", test_bookings_extra);
  ADD ("/app/review/noshow-undo", test_review_noshow_undo);
  ADD ("/app/activity/figures-pdf", test_activity_figures_and_pdf);
  ADD ("/app/week/reclaim", test_reclaim);
  ADD ("/app/agenda/template-to-outbox", test_template_saved_to_outbox);
#undef ADD
  g_test_add_func ("/app/agenda/store-damaged", test_store_damaged);
  g_test_add_func ("/app/agenda/demo-store", test_demo_store);

  return g_test_run ();
}
