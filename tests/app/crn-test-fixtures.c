/* crn-test-fixtures.c: shared set-up of the app's UI tests and screenshot tool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnTest"

#include "config.h"

#include "crn-test-fixtures.h"

#include <glib/gstdio.h>

/**
 * crn_test_init:
 *
 * gtk_test_init() + adw_init(), and the app's style sheet (which AdwApplication would load
 * from the resources; the tests build windows without an application).
 */
void
crn_test_init (int    *argc,
               char ***argv)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  gtk_css_provider_load_from_resource (provider, "/io/github/creneaux/Creneaux/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/**
 * crn_test_instant:
 *
 * Returns: the instant of a Europe/Paris wall-clock time
 */
CrnInstant
crn_test_instant (int   year,
                  int   month,
                  int   day,
                  guint minute_of_day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return crn_time_from_local (&date, minute_of_day);
}

CrnSlot *
crn_test_slot_new (const char   *id,
                   int           year,
                   int           month,
                   int           day,
                   guint         start_minute,
                   guint         end_minute,
                   CrnVisibility visibility,
                   CrnSlotStatus status)
{
  CrnSlot *slot = crn_slot_new ();

  slot->id = g_strdup (id);
  slot->practitioner = g_strdup (CRN_TEST_PRACTITIONER);
  /* A slot from the server always has its place (the FHIR Schedule is per GP and place). */
  slot->place_id = crn_uuid_from_name ("test-place/Cabinet du Parc");
  slot->start = crn_test_instant (year, month, day, start_minute);
  slot->end = crn_test_instant (year, month, day, end_minute);
  slot->modalities = CRN_MODALITY_AMB;
  slot->visibility = visibility;
  slot->restriction = CRN_RESTRICTION_NONE;
  slot->status = status;

  return slot;
}

CrnBooking *
crn_test_booking_new (const CrnSlot          *slot,
                      CrnReferrer             referrer,
                      const char             *referrer_name,
                      CrnAppointmentStatus    status,
                      CrnParticipationStatus  participation)
{
  CrnBooking *booking = crn_booking_new ();
  g_autofree char *name = g_strdup_printf ("booking/%s", slot->id);

  booking->id = crn_uuid_from_name (name);
  booking->slot_id = g_strdup (slot->id);
  booking->practitioner = g_strdup (slot->practitioner);
  booking->start = slot->start;
  booking->end = slot->end;
  booking->patient.family = g_strdup ("ROUSSEL");
  booking->patient.given = g_strdup ("Inès");
  booking->patient.birth_date = g_strdup ("1987-04-12");
  booking->patient.phone = g_strdup ("06 12 34 56 78");
  booking->reason = g_strdup ("Fièvre depuis 48 h");
  booking->referrer = referrer;
  booking->referrer_name = g_strdup (referrer_name);
  booking->requested_at = slot->start - 3 * 3600;
  booking->created_at = booking->requested_at + 60;
  booking->status = status;
  booking->practitioner_status = participation;

  return booking;
}

/**
 * crn_test_agenda_new:
 *
 * One practitioner and one slot in each state, in the week of Monday 30 November 2026; the
 * tests freeze the clock at Tuesday 1 December 13:10 (Paris). Plus one free slot on Tuesday
 * 8 December, the week after.
 *
 * Returns: (transfer full): the agenda
 */
CrnAgenda *
crn_test_agenda_new (void)
{
  CrnAgenda *agenda = crn_agenda_new ();
  g_autoptr(CrnPractitioner) practitioner = crn_practitioner_new ();
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  const CrnVisibility snp = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  CrnSlot *slot;

  practitioner->idnps = g_strdup (CRN_TEST_PRACTITIONER);
  practitioner->given = g_strdup ("Claire");
  practitioner->family = g_strdup ("Martin");
  crn_agenda_add_practitioner (agenda, practitioner);

  slot = crn_test_slot_new ("a-mon-1400", 2026, 11, 30, 14 * 60, 14 * 60 + 20, snp, CRN_SLOT_STATUS_BUSY);
  g_ptr_array_add (slots, slot);
  g_ptr_array_add (bookings, crn_test_booking_new (slot, CRN_REFERRER_SAS, NULL,
                                                   CRN_APPOINTMENT_STATUS_FULFILLED,
                                                   CRN_PARTICIPATION_ACCEPTED));
  slot = crn_test_slot_new ("b-mon-1420", 2026, 11, 30, 14 * 60 + 20, 14 * 60 + 40, snp, CRN_SLOT_STATUS_BUSY);
  g_ptr_array_add (slots, slot);
  g_ptr_array_add (bookings, crn_test_booking_new (slot, CRN_REFERRER_PHARMACY, "Pharmacie du Port",
                                                   CRN_APPOINTMENT_STATUS_NOSHOW,
                                                   CRN_PARTICIPATION_ACCEPTED));
  g_ptr_array_add (slots, crn_test_slot_new ("c-mon-1440", 2026, 11, 30, 14 * 60 + 40, 15 * 60, snp,
                                             CRN_SLOT_STATUS_FREE));
  g_ptr_array_add (slots, crn_test_slot_new ("d-tue-1400", 2026, 12, 1, 14 * 60, 14 * 60 + 20, snp,
                                             CRN_SLOT_STATUS_FREE));
  slot = crn_test_slot_new ("e-tue-1420", 2026, 12, 1, 14 * 60 + 20, 14 * 60 + 40, snp, CRN_SLOT_STATUS_BUSY);
  g_ptr_array_add (slots, slot);
  g_ptr_array_add (bookings, crn_test_booking_new (slot, CRN_REFERRER_SAS, NULL,
                                                   CRN_APPOINTMENT_STATUS_BOOKED,
                                                   CRN_PARTICIPATION_ACCEPTED));
  slot = crn_test_slot_new ("f-tue-1440", 2026, 12, 1, 14 * 60 + 40, 15 * 60, snp, CRN_SLOT_STATUS_BUSY_TENTATIVE);
  g_ptr_array_add (slots, slot);
  g_ptr_array_add (bookings, crn_test_booking_new (slot, CRN_REFERRER_PHARMACY, "Pharmacie du Port",
                                                   CRN_APPOINTMENT_STATUS_PROPOSED,
                                                   CRN_PARTICIPATION_NEEDS_ACTION));
  g_ptr_array_add (slots, crn_test_slot_new ("g-wed-1400", 2026, 12, 2, 14 * 60, 14 * 60 + 20, snp,
                                             CRN_SLOT_STATUS_FREE));
  g_ptr_array_add (slots, crn_test_slot_new ("h-wed-1420", 2026, 12, 2, 14 * 60 + 20, 14 * 60 + 40,
                                             CRN_VISIBILITY_NONE, CRN_SLOT_STATUS_FREE));
  g_ptr_array_add (slots, crn_test_slot_new ("i-thu-1400", 2026, 12, 3, 14 * 60, 14 * 60 + 20, snp,
                                             CRN_SLOT_STATUS_BUSY_UNAVAILABLE));
  g_ptr_array_add (slots, crn_test_slot_new ("j-tue-next", 2026, 12, 8, 14 * 60, 14 * 60 + 20, snp,
                                             CRN_SLOT_STATUS_FREE));

  crn_agenda_set_data (agenda, slots, bookings);

  return agenda;
}

GtkWidget *
crn_test_find_descendant (GtkWidget *widget,
                          GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = crn_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * crn_test_iterate:
 *
 * Runs the pending events of the main context.
 */
void
crn_test_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/**
 * crn_test_wait_mapped:
 * @widget: a widget in a window being presented
 *
 * Iterates the main context until @widget is mapped and its window has painted a frame.
 */
void
crn_test_wait_mapped (GtkWidget *widget)
{
  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);
  crn_test_iterate ();
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   guint         *n_frames)
{
  (*n_frames)++;
}

/**
 * crn_test_wait_frames:
 * @widget: a mapped widget
 * @n: how many frames
 *
 * Asks @widget's window to paint @n frames and waits for them.
 */
void
crn_test_wait_frames (GtkWidget *widget,
                      guint      n)
{
  GdkFrameClock *clock;
  guint n_frames = 0;
  gulong id;

  crn_test_wait_mapped (widget);
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &n_frames);
  while (n_frames < n)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
}

/**
 * crn_test_save_png:
 * @widget: a mapped widget (usually a window)
 * @path: where to write the PNG
 * @error: return location for an error
 *
 * Renders @widget with its window's renderer (GtkWidgetPaintable ->
 * gsk_renderer_render_texture) and saves it. The paintable follows the widget's drawing, so
 * it is made first and two frames are painted before it is read.
 *
 * Returns: whether the file was written
 */
gboolean
crn_test_save_png (GtkWidget   *widget,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width, height;

  crn_test_wait_frames (widget, 2);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing to render for %s", path);
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
      return FALSE;
    }

  return TRUE;
}

/* Waits for one asynchronous answer. */
static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/**
 * crn_test_store_new:
 * @from: (nullable): an in-memory agenda whose practitioners, templates, slots and bookings
 *   are written to the store through its API
 * @dir: (out): the temporary folder holding the file (remove with crn_test_remove_dir())
 *
 * Returns: (transfer full): a new store in a temporary folder
 */
CrnStore *
crn_test_store_new (CrnAgenda  *from,
                    char      **dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  CrnStore *store;

  *dir = g_dir_make_tmp ("crn-app-test-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "creneaux.db", NULL);

  crn_store_new_async (path, NULL, on_result_cb, &result);
  store = crn_store_new_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  if (from != NULL)
    {
      g_autoptr(GPtrArray) slots = g_ptr_array_new ();
      g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
      g_autoptr(GListModel) all = crn_agenda_list_slots (from, G_MININT64 / 2, G_MAXINT64 / 2, NULL);

      crn_store_upsert_practitioners_async (store, crn_agenda_get_practitioners (from), NULL,
                                            on_result_cb, &result);
      crn_store_upsert_practitioners_finish (store, wait_result (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);

      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(CrnSlotObject) object = g_list_model_get_item (all, i);

          g_ptr_array_add (slots, (gpointer) crn_slot_object_get_slot (object));
          if (crn_slot_object_get_booking (object) != NULL)
            g_ptr_array_add (bookings, crn_booking_copy (crn_slot_object_get_booking (object)));
        }
      crn_store_upsert_slots_async (store, slots, NULL, on_result_cb, &result);
      crn_store_upsert_slots_finish (store, wait_result (&result), NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&result);

      crn_test_store_put_bookings (store, bookings);
    }

  return store;
}

void
crn_test_store_put_bookings (CrnStore  *store,
                             GPtrArray *bookings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  crn_store_upsert_bookings_async (store, bookings, NULL, on_result_cb, &result);
  crn_store_upsert_bookings_finish (store, wait_result (&result), NULL, &error);
  g_assert_no_error (error);
}

/**
 * crn_test_store_get_booking:
 *
 * Returns: (transfer full): the booking as the store holds it
 */
CrnBooking *
crn_test_store_get_booking (CrnStore   *store,
                            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  CrnBooking *booking;

  crn_store_get_booking_async (store, id, NULL, on_result_cb, &result);
  booking = crn_store_get_booking_finish (store, wait_result (&result), &error);
  g_assert_no_error (error);

  return booking;
}

/**
 * crn_test_store_outbox:
 *
 * Returns: (transfer full) (element-type CrnOutboxEntry): the pending outbox entries, in order
 */
GPtrArray *
crn_test_store_outbox (CrnStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GPtrArray *entries;

  crn_store_outbox_list_async (store, CRN_OUTBOX_PENDING, 100, NULL, on_result_cb, &result);
  entries = crn_store_outbox_list_finish (store, wait_result (&result), &error);
  g_assert_no_error (error);

  return entries;
}

/**
 * crn_test_agenda_load:
 *
 * Attaches @store to @agenda and loads the test weeks (30 November to 14 December 2026).
 */
void
crn_test_agenda_load (CrnAgenda *agenda,
                      CrnStore  *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  crn_agenda_set_store (agenda, store);
  crn_agenda_load_async (agenda, crn_test_instant (2026, 11, 23, 0), crn_test_instant (2026, 12, 14, 0),
                         NULL, on_result_cb, &result);
  crn_agenda_load_finish (agenda, wait_result (&result), &error);
  g_assert_no_error (error);
}

/* Removes a temporary folder and the files in it (no sub-folders). */
void
crn_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}
