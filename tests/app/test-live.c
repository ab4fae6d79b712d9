/* test-live.c: the app against the real creneaux-server (TLS on loopback), the real keyring
 * and a notification server owned on the test's D-Bus session bus
 *
 * The cases run in order on one application and one server: sign in through the first-run
 * pages, declare slots, watch a booking made through the server's FHIR API appear (row and
 * notification), confirm it, reclaim a free slot (allowed, then refused because regulation
 * booked first), record a no-show and see the month's figures change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "crn-application.h"
#include "crn-preferences-window.h"
#include "crn-test-fixtures.h"
#include "crn-test-server.h"
#include "crn-window.h"

#define MOREL "899700100011"

typedef struct
{
  char *id;
  char *title;
  char *action;
  char *target;
} Notice;

static struct
{
  CrnTestServer  *server;
  char           *data_dir;
  GApplication   *app;
  CrnWindow      *window;
  GPtrArray      *notices;       /* (element-type Notice) */
  guint           owner_id;
  guint           object_id;
  gint64          starts[3];     /* the three slots declared by the test */
  char           *slots[3];
  char           *booking_id;
  char           *refused;       /* the last ::notice of the agenda */
  char           *secretary;     /* tokens, taken once: each sign-in costs the server an argon2id */
  char           *regulator;
} live;

/*
 * A notification server: org.gtk.Notifications, which GApplication talks to
 */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notice_free (Notice *notice)
{
  g_free (notice->id);
  g_free (notice->title);
  g_free (notice->action);
  g_free (notice->target);
  g_free (notice);
}

static void
on_notifications_call_cb (GDBusConnection       *connection,
                          const char            *sender,
                          const char            *path,
                          const char            *interface,
                          const char            *method,
                          GVariant              *parameters,
                          GDBusMethodInvocation *invocation,
                          gpointer               user_data)
{
  if (g_str_equal (method, "AddNotification"))
    {
      g_autoptr(GVariant) fields = NULL;
      g_autoptr(GVariant) target = NULL;
      const char *app_id, *id;
      Notice *notice = g_new0 (Notice, 1);

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &fields);
      g_assert_cmpstr (app_id, ==, APPLICATION_ID);
      notice->id = g_strdup (id);
      g_variant_lookup (fields, "title", "s", &notice->title);
      g_variant_lookup (fields, "default-action", "s", &notice->action);
      target = g_variant_lookup_value (fields, "default-action-target", G_VARIANT_TYPE_STRING);
      notice->target = target != NULL ? g_variant_dup_string (target, NULL) : NULL;
      g_ptr_array_add (live.notices, notice);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { on_notifications_call_cb, NULL, NULL };

static void
own_notifications (void)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;

  g_assert_nonnull (bus);
  live.object_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications",
                                                      info->interfaces[0], &notifications_vtable,
                                                      NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.gtk.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), 0, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);   /* primary owner */
}

static Notice *
find_notice (const char *id)
{
  for (guint i = 0; i < live.notices->len; i++)
    {
      Notice *notice = g_ptr_array_index (live.notices, i);

      if (g_strcmp0 (notice->id, id) == 0)
        return notice;
    }
  return NULL;
}

/*
 * Helpers
 */

typedef gboolean (*Predicate) (gpointer data);

static void
wait_until (Predicate   predicate,
            gpointer    data,
            const char *what)
{
  gint64 begin = g_get_monotonic_time ();
  /* The sanitized build (build-aux/test sets CRN_TEST_SANITIZED) runs the server and the app
   * several times slower. */
  gint64 deadline = begin + (g_getenv ("CRN_TEST_SANITIZED") != NULL ? 240 : 30) * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          CrnSync *sync = live.app != NULL ? crn_session_get_sync (crn_application_get_session (CRN_APPLICATION (live.app))) : NULL;

          g_error ("Timed out waiting for %s (sync: %s; last notice: %s)", what,
                   sync != NULL && crn_sync_get_last_error (sync) != NULL ? crn_sync_get_last_error (sync) : "no error",
                   live.refused != NULL ? live.refused : "none");
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_test_message ("%s: %.1f s", what, (g_get_monotonic_time () - begin) / 1e6);
}

static CrnSession *
session (void)
{
  return crn_application_get_session (CRN_APPLICATION (live.app));
}

static CrnAgenda *
agenda (void)
{
  return crn_application_get_agenda (CRN_APPLICATION (live.app));
}

static char *
token_for (const char *role)
{
  return crn_test_server_token (live.server, crn_test_server_login_for (live.server, role), NULL);
}

static gboolean
first_run_idle (gpointer data)
{
  return !crn_first_run_is_busy (crn_window_get_first_run (live.window));
}

static gboolean
first_run_at (gpointer data)
{
  return first_run_idle (NULL) &&
         g_strcmp0 (crn_first_run_get_step (crn_window_get_first_run (live.window)), data) == 0;
}

static gboolean
showing_agenda (gpointer data)
{
  return !crn_window_is_showing_first_run (live.window);
}

static gboolean
showing_first_run (gpointer data)
{
  return crn_window_is_showing_first_run (live.window);
}

static gboolean
session_idle (gpointer data)
{
  CrnSync *sync = crn_session_get_sync (session ());

  return sync != NULL && crn_sync_get_status (sync) == CRN_SYNC_STATUS_IDLE;
}

static const CrnSlot *
agenda_slot_at (gint64 start)
{
  g_autoptr(GListModel) slots = crn_agenda_list_slots (agenda (), start, start + 60, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (slots); i++)
    {
      g_autoptr(CrnSlotObject) object = g_list_model_get_item (slots, i);
      const CrnSlot *slot = crn_slot_object_get_slot (object);

      if (slot->start == start && g_strcmp0 (slot->practitioner, MOREL) == 0)
        return slot;
    }
  return NULL;
}

static gboolean
slots_arrived (gpointer data)
{
  for (guint i = 0; i < 3; i++)
    if (agenda_slot_at (live.starts[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The server's copy of a resource, read as the practice's secretary. */
static CrnTestResponse *
server_get (const char *path)
{
  return crn_test_request (live.server, "GET", path, live.secretary, NULL, NULL);
}

/*
 * 1. First run
 */

static void
on_notice_cb (CrnAgenda  *agenda,
              const char *message,
              gpointer    user_data)
{
  g_free (live.refused);
  live.refused = g_strdup (message);
}

static void
fill (const char *server,
      const char *ca_file,
      const char *login,
      const char *password)
{
  crn_first_run_fill (crn_window_get_first_run (live.window), server, ca_file, login, password);
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (crn_window_get_first_run (live.window)),
                                             action, NULL));
}

static void
test_live_first_run (void)
{
  CrnFirstRun *first_run;
  const char *login = crn_test_server_login_for (live.server, "secretary");
  const char *password = g_hash_table_lookup (live.server->passwords, login);
  g_autoptr(GSettings) settings = crn_first_run_new_settings ();
  g_auto(GStrv) chosen = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *ca_file = NULL;

  g_application_activate (live.app);
  live.window = CRN_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (live.app)));
  g_assert_true (CRN_IS_WINDOW (live.window));
  first_run = crn_window_get_first_run (live.window);
  g_signal_connect (agenda (), "notice", G_CALLBACK (on_notice_cb), NULL);
  crn_test_wait_mapped (GTK_WIDGET (live.window));
  /* Nobody signed in on this computer: the welcome page, once the agenda file is open (after
   * the window's first frame). */
  wait_until (showing_first_run, NULL, "the first-run pages");
  wait_until (first_run_at, (gpointer) "welcome", "the welcome page");
  activate ("first-run.start");
  g_assert_cmpstr (crn_first_run_get_step (first_run), ==, "server");

  /* Plain HTTP to another computer is refused on the address step, without the network. */
  fill ("http://192.0.2.10:8080", NULL, NULL, NULL);
  activate ("first-run.continue");
  g_assert_cmpstr (crn_first_run_get_step (first_run), ==, "server");
  g_assert_nonnull (crn_first_run_get_error (first_run));
  g_assert_nonnull (strstr (crn_first_run_get_error (first_run), "https"));

  /* The loopback server's certificate is its own: without its CA, the sign-in comes back to
   * the address step and says why. */
  fill (live.server->base, NULL, login, password);
  activate ("first-run.continue");
  g_assert_cmpstr (crn_first_run_get_step (first_run), ==, "sign-in");
  activate ("first-run.sign-in");
  wait_until (first_run_idle, NULL, "the refused certificate");
  g_assert_cmpstr (crn_first_run_get_step (first_run), ==, "server");
  g_assert_nonnull (strstr (crn_first_run_get_error (first_run), "certificate"));

  /* With the CPTS's CA: a wrong password is told on the sign-in step. */
  fill (NULL, g_getenv ("CRN_TEST_TLS_CERT"), NULL, "not-the-password");
  activate ("first-run.continue");
  activate ("first-run.sign-in");
  wait_until (first_run_idle, NULL, "the wrong password");
  g_assert_cmpstr (crn_first_run_get_step (first_run), ==, "sign-in");
  g_assert_nonnull (strstr (crn_first_run_get_error (first_run), "password"));

  /* The right one: a secretary chooses among the practitioners she acts for. */
  fill (NULL, g_getenv ("CRN_TEST_TLS_CERT"), NULL, password);
  activate ("first-run.sign-in");
  wait_until (first_run_at, (gpointer) "practitioners", "the practitioners page");
  g_assert_true (crn_account_is_secretary (crn_session_get_account (session ())));
  g_assert_true (g_strv_contains (crn_account_get_practitioners (crn_session_get_account (session ())),
                                  MOREL));
  activate ("first-run.choose-practitioners");
  wait_until (showing_agenda, NULL, "the first synchronisation");
  g_assert_cmpint (crn_session_get_state (session ()), ==, CRN_SESSION_STATE_READY);
  g_assert_cmpuint (crn_session_get_n_received (session ()), >, 0);
  chosen = g_settings_get_strv (settings, "selected-practitioners");
  g_assert_true (g_strv_contains ((const char * const *) chosen, MOREL));
  ca_file = g_settings_get_string (settings, "ca-file");
  g_assert_cmpstr (ca_file, ==, g_getenv ("CRN_TEST_TLS_CERT"));

  /* The practitioners' names came from the server. */
  plain = crn_session_dup_practitioner_name (session (), MOREL);
  g_assert_cmpstr (plain, !=, MOREL);
  wait_until (session_idle, NULL, "the live sync");
}

/*
 * 2. Declare slots
 */

static void
test_live_declare (void)
{
  const CrnTemplate *current = crn_agenda_get_template (agenda (), MOREL);
  g_autoptr(CrnTemplate) template = NULL;

  g_assert_nonnull (current);
  template = crn_template_copy (current);
  /* Three 20-minute slots, half an hour apart, all inside the reclaim window (2 h) whatever
   * the time of day: each is its own block, so only one that would cross midnight moves on.
   * One minute off the five-minute grid, where every slot of the demo's agenda starts, so
   * agenda_slot_at() finds only the test's. */
  crn_test_pick_starts (10, 3, 30, 21, live.starts);
  for (guint i = 0; i < 3; i++)
    {
      CrnTemplateException *extra = crn_template_exception_new ();

      live.starts[i] += 60;
      g_free (extra->id);
      extra->id = crn_uuid_new ();
      extra->kind = CRN_EXCEPTION_EXTRA;
      extra->start = live.starts[i];
      extra->end = extra->start + 20 * 60;
      extra->slot_minutes = 20;
      extra->modalities = CRN_MODALITY_AMB;
      extra->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
      crn_template_add_exception (template, extra);
    }
  /* What the Availability page does when the template is saved. */
  crn_agenda_save_template (agenda (), template);

  /* Pushed, expanded by the server, pulled back with the server's ids. */
  wait_until (slots_arrived, NULL, "the declared slots");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(CrnTestResponse) r = NULL;

      live.slots[i] = g_strdup (agenda_slot_at (live.starts[i])->id);
      path = g_strdup_printf ("/fhir/Slot/%s", live.slots[i]);
      r = server_get (path);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (crn_test_json_string (r->json, "status"), ==, "free");
    }
}

/*
 * 3. A booking arrives, is notified, opened and confirmed
 */

static gboolean
booking_notified (gpointer data)
{
  return find_notice (data) != NULL;
}

static gboolean
booking_row_selected (gpointer data)
{
  return g_strcmp0 (crn_bookings_page_get_selected (crn_window_get_bookings_page (live.window)),
                    live.booking_id) == 0;
}

static gboolean
server_booking_accepted (gpointer data)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment?identifier=%s", live.booking_id);
  g_autoptr(CrnTestResponse) r = server_get (path);

  return r->status == 200 &&
         g_strcmp0 (crn_test_json_string (r->json, "entry[0].resource.status"), "booked") == 0;
}

static void
test_live_booking (void)
{
  const char *regulator = live.regulator;
  g_autofree char *body = NULL;
  g_autofree char *notice_id = NULL;
  g_autoptr(CrnTestResponse) r = NULL;
  CrnBookingsPage *page = crn_window_get_bookings_page (live.window);
  Notice *notice;

  live.booking_id = crn_uuid_new ();
  body = crn_test_appointment_body (live.booking_id, live.slots[0], MOREL, live.starts[0],
                                     NULL);
  r = crn_test_request (live.server, "POST", "/fhir/Appointment", regulator, body, NULL);
  g_assert_cmpuint (r->status, ==, 201);

  /* The server tells the app at once; the app pulls it and notifies. */
  notice_id = g_strconcat ("booking-", live.booking_id, NULL);
  wait_until (booking_notified, notice_id, "the notification");
  notice = find_notice (notice_id);
  g_assert_cmpstr (notice->title, ==, "Booking to Confirm");
  g_assert_cmpstr (notice->action, ==, "app.show-booking");
  g_assert_cmpstr (notice->target, ==, live.booking_id);
  /* Only that booking was announced, not the demo's past ones. */
  g_assert_cmpuint (live.notices->len, ==, 1);

  /* Clicking it: the Bookings page, that row selected. */
  crn_window_show_page (live.window, "week");
  g_action_group_activate_action (G_ACTION_GROUP (live.app), "show-booking",
                                  g_variant_new_string (notice->target));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (crn_window_get_view_stack (live.window)),
                   ==, "bookings");
  wait_until (booking_row_selected, NULL, "the selected row");
  g_assert_cmpuint (crn_bookings_page_get_n_rows (page, CRN_STORE_INBOX_TO_CONFIRM), ==, 1);

  /* Accept it: the server has it booked. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "bookings.accept", "s", live.booking_id));
  wait_until (server_booking_accepted, NULL, "the confirmation on the server");
}

/*
 * 4. Reclaim: allowed, then refused because regulation booked first
 */

static gboolean
server_slot_kept (gpointer data)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", (const char *) data);
  g_autoptr(CrnTestResponse) r = server_get (path);
  JsonNode *labels = crn_test_json_get (r->json, "meta.security");

  /* Kept for the practice's own patients: no SNP label any more. */
  if (r->status != 200)
    return FALSE;
  if (labels == NULL)
    return TRUE;
  {
    g_autofree char *text = crn_test_to_string (labels);
    return strstr (text, "\"SNP\"") == NULL;
  }
}

static gboolean
sync_not_running (gpointer data)
{
  return crn_sync_get_status (data) != CRN_SYNC_STATUS_SYNCING;
}

static gboolean
refusal_told (gpointer data)
{
  return live.refused != NULL;
}

static void
test_live_reclaim (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *regulator = live.regulator;
  g_autofree char *body = NULL;
  g_autofree char *id = crn_uuid_new ();
  g_autoptr(CrnTestResponse) r = NULL;
  CrnSync *sync = crn_session_get_sync (session ());

  /* Allowed: inside the reclaim window, still free. */
  g_assert_true (crn_agenda_can_reclaim (agenda (), live.slots[1], crn_time_now (), &error));
  g_assert_no_error (error);
  crn_agenda_reclaim_async (agenda (), live.slots[1], NULL, on_result_cb, &result);
  wait_until (result_ready, &result, "the reclaim");
  g_assert_true (crn_agenda_reclaim_finish (agenda (), result, &error));
  g_assert_no_error (error);
  wait_until (server_slot_kept, live.slots[1], "the reclaim on the server");
  g_clear_object (&result);

  /* Refused: offline, the practice takes the third slot back while regulation books it. */
  crn_sync_stop (sync);
  crn_agenda_reclaim_async (agenda (), live.slots[2], NULL, on_result_cb, &result);
  wait_until (result_ready, &result, "the local reclaim");
  g_assert_true (crn_agenda_reclaim_finish (agenda (), result, &error));
  /* The cycle the change asked for ends at once, cancelled (the sync is stopped). */
  wait_until (sync_not_running, sync, "the stopped sync");
  body = crn_test_appointment_body (id, live.slots[2], MOREL, live.starts[2], NULL);
  r = crn_test_request (live.server, "POST", "/fhir/Appointment", regulator, body, NULL);
  g_assert_cmpuint (r->status, ==, 201);

  g_clear_pointer (&live.refused, g_free);
  crn_sync_start (sync);
  wait_until (refusal_told, NULL, "the refusal");
  /* The page's explanation: booked by regulation before the reclaim, at what time. */
  g_test_message ("Refusal: %s", live.refused);
  g_assert_nonnull (strstr (live.refused, "regulation"));
  g_assert_true (g_regex_match_simple ("[0-9]{2}:[0-9]{2}", live.refused, 0, 0));
}

/*
 * 5. A no-show changes the figures
 */

static gboolean
activity_loaded (gpointer data)
{
  return !crn_activity_page_is_loading (crn_window_get_activity_page (live.window));
}

static gboolean
server_noshow (gpointer data)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment?identifier=%s", live.booking_id);
  g_autoptr(CrnTestResponse) r = server_get (path);

  return r->status == 200 &&
         g_strcmp0 (crn_test_json_string (r->json, "entry[0].resource.status"), "noshow") == 0;
}

static guint
month_noshows (void)
{
  CrnActivityPage *page = crn_window_get_activity_page (live.window);
  CrnFigures figures = { 0, };
  GDate day;

  crn_time_to_local (live.starts[0], &day, NULL, NULL);
  crn_activity_page_set_month (page, &day);
  wait_until (activity_loaded, NULL, "the figures");
  g_assert_true (crn_activity_page_get_month_figures (page, &figures, NULL));
  return figures.noshow;
}

static void
test_live_noshow (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  CrnSlotObject *object;
  guint before;

  before = month_noshows ();
  /* A copy: the agenda replaces its objects when it reloads. */
  object = crn_agenda_find_slot (agenda (), live.slots[0]);
  g_assert_nonnull (object);
  g_assert_nonnull (crn_slot_object_get_booking (object));
  booking = crn_booking_copy (crn_slot_object_get_booking (object));
  g_assert_cmpint (booking->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);

  crn_agenda_apply_booking_async (agenda (), booking, CRN_BOOKING_ACTION_NOSHOW, NULL, NULL,
                                  on_result_cb, &result);
  wait_until (result_ready, &result, "the no-show");
  g_assert_true (crn_agenda_apply_booking_finish (agenda (), result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (month_noshows (), ==, before + 1);
  wait_until (server_noshow, NULL, "the no-show on the server");
}

/*
 * 6. The preferences of a signed-in secretary
 */

static void
collect_labels (GtkWidget *widget,
                GString   *text)
{
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

static GtkCheckButton *
first_check (GtkWidget *widget)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    return GTK_CHECK_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *found = first_check (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The tick box of the practitioner @idnps, or with @idnps NULL of the first practitioner other
 * than Dr Morel (its IDNPS in @other_id). The rows' subtitles are the IDNPS. */
static GtkCheckButton *
practitioner_check (GtkWidget   *widget,
                    const char  *idnps,
                    const char **other_id)
{
  if (ADW_IS_ACTION_ROW (widget))
    {
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
      gboolean match = idnps != NULL ? g_strcmp0 (subtitle, idnps) == 0
                                     : subtitle != NULL && g_str_has_prefix (subtitle, "8997")
                                       && g_strcmp0 (subtitle, MOREL) != 0;

      if (!match)
        return NULL;
      if (other_id != NULL)
        *other_id = subtitle;
      return first_check (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *found = practitioner_check (child, idnps, other_id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_live_preferences (void)
{
  const char *login = crn_test_server_login_for (live.server, "secretary");
  const char *screenshots = g_getenv ("CRN_LIVE_SCREENSHOTS");
  g_autofree char *morel = crn_session_dup_practitioner_name (session (), MOREL);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWindow *preferences = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (live.app), "preferences", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (live.app)); l != NULL; l = l->next)
    if (CRN_IS_PREFERENCES_WINDOW (l->data))
      preferences = l->data;
  g_assert_nonnull (preferences);
  gtk_window_set_default_size (preferences, 640, 860);
  crn_test_wait_mapped (GTK_WIDGET (preferences));

  /* The account says where and who: the server, the login, the CA file, and the
   * practitioners the secretary acts for, by name. */
  collect_labels (GTK_WIDGET (preferences), text);
  g_assert_nonnull (strstr (text->str, live.server->base));
  g_assert_nonnull (strstr (text->str, login));
  g_assert_nonnull (strstr (text->str, g_getenv ("CRN_TEST_TLS_CERT")));
  g_assert_nonnull (strstr (text->str, morel));
  g_assert_nonnull (strstr (text->str, MOREL));

  /* The first run's choice is ticked; ticking Dr Morel off takes him out of the choice, and
   * ticking him again puts him back. */
  {
    g_autoptr(GSettings) settings = crn_first_run_new_settings ();
    g_auto(GStrv) before = g_settings_get_strv (settings, "selected-practitioners");
    g_auto(GStrv) off = NULL;
    g_auto(GStrv) on = NULL;
    GtkCheckButton *morel_check = practitioner_check (GTK_WIDGET (preferences), MOREL, NULL);
    const char *other_id = NULL;
    GtkCheckButton *other = practitioner_check (GTK_WIDGET (preferences), NULL, &other_id);

    g_assert_true (g_strv_contains ((const char * const *) before, MOREL));
    g_assert_nonnull (morel_check);
    g_assert_nonnull (other);
    g_assert_true (gtk_check_button_get_active (morel_check));
    g_assert_cmpint (gtk_check_button_get_active (other), ==,
                     g_strv_contains ((const char * const *) before, other_id));
    gtk_check_button_set_active (morel_check, FALSE);
    off = g_settings_get_strv (settings, "selected-practitioners");
    g_assert_false (g_strv_contains ((const char * const *) off, MOREL));
    g_assert_cmpuint (g_strv_length (off), ==, g_strv_length (before) - 1);
    gtk_check_button_set_active (morel_check, TRUE);
    on = g_settings_get_strv (settings, "selected-practitioners");
    g_assert_true (g_strv_contains ((const char * const *) on, MOREL));
    g_assert_cmpuint (g_strv_length (on), ==, g_strv_length (before));
  }

  /* CRN_LIVE_SCREENSHOTS=DIR: the picture of it (docs/screenshots/preferences-signed-in.png). */
  if (screenshots != NULL)
    {
      g_autofree char *path = g_build_filename (screenshots, "preferences-signed-in.png", NULL);
      g_autoptr(GError) error = NULL;

      crn_test_wait_frames (GTK_WIDGET (preferences), 2);
      g_assert_true (crn_test_save_png (GTK_WIDGET (preferences), path, &error));
      g_assert_no_error (error);
    }
  gtk_window_destroy (preferences);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *xdg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *coordinator = NULL;
  int status;

  /* A keyring and an agenda file of its own (before GLib reads XDG_DATA_HOME). */
  live.data_dir = g_dir_make_tmp ("crn-test-live-XXXXXX", NULL);
  xdg = g_build_filename (live.data_dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", xdg, TRUE);

  crn_test_init (&argc, &argv);
  live.notices = g_ptr_array_new_with_free_func ((GDestroyNotify) notice_free);
  own_notifications ();

  live.server = crn_test_server_start (NULL);
  /* Bookings wait for the practice's confirmation. */
  coordinator = token_for ("coordinator");
  crn_test_put_policy (live.server, coordinator, 0, 0, 0, TRUE);
  live.secretary = token_for ("secretary");
  live.regulator = token_for ("regulator");

  live.app = G_APPLICATION (crn_application_new (g_get_monotonic_time ()));
  g_application_set_flags (live.app, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (live.app, NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/app/live/1-first-run", test_live_first_run);
  g_test_add_func ("/app/live/2-declare", test_live_declare);
  g_test_add_func ("/app/live/3-booking", test_live_booking);
  g_test_add_func ("/app/live/4-reclaim", test_live_reclaim);
  g_test_add_func ("/app/live/5-noshow", test_live_noshow);
  g_test_add_func ("/app/live/6-preferences", test_live_preferences);
  status = g_test_run ();

  while (gtk_application_get_windows (GTK_APPLICATION (live.app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (live.app))->data);
  crn_test_iterate ();
  g_clear_object (&live.app);
  crn_test_server_stop (live.server, FALSE);
  crn_test_server_free (live.server);
  crn_test_remove_dir (live.data_dir);
  g_free (live.data_dir);
  for (guint i = 0; i < 3; i++)
    g_free (live.slots[i]);
  g_free (live.booking_id);
  g_free (live.refused);
  g_free (live.secretary);
  g_free (live.regulator);
  g_ptr_array_unref (live.notices);

  return status;
}
