/* crn-test-fixtures.c: shared set-up of the app's UI tests and screenshot tool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnTest"

#include "config.h"

#include "crn-test-fixtures.h"

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
