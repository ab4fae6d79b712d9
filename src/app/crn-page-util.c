/* crn-page-util.c: small helpers the list pages share (labels, toasts, clipboard)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnPage"

#include "config.h"

#include "crn-page-util.h"

#include "crn-window.h"

#include <glib/gi18n-lib.h>

static const char * const month_names[] = {
  NULL, N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
  N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
};

static const char * const weekday_short[] = {
  NULL, N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
};

/**
 * crn_page_dup_when:
 * @instant: an instant
 *
 * Returns: (transfer full): "Tue 1 Dec, 14:20" style, in Europe/Paris time
 */
char *
crn_page_dup_when (CrnInstant instant)
{
  GDate date;
  guint minute;
  GDateWeekday weekday;
  g_autofree char *hhmm = NULL;
  g_autofree char *month = NULL;

  crn_time_to_local (instant, &date, &minute, &weekday);
  hhmm = crn_time_format_minutes (minute);
  month = g_utf8_substring (_(month_names[g_date_get_month (&date)]), 0, 3);
  /* TRANSLATORS: weekday, day, month (3 letters), time: "Tue 1 Dec, 14:20" */
  return g_strdup_printf (_("%s %u %s, %s"), _(weekday_short[weekday]), g_date_get_day (&date),
                          month, hhmm);
}

/**
 * crn_page_dup_month:
 * @day: a day of the month
 *
 * Returns: (transfer full): "December 2026"
 */
char *
crn_page_dup_month (const GDate *day)
{
  /* TRANSLATORS: month and year, "December 2026" */
  return g_strdup_printf (_("%s %u"), _(month_names[g_date_get_month (day)]), g_date_get_year (day));
}

/**
 * crn_page_dup_patient:
 * @booking: a booking
 *
 * Returns: (transfer full): "ROUSSEL Inès"
 */
char *
crn_page_dup_patient (const CrnBooking *booking)
{
  return g_strdup_printf ("%s %s", booking->patient.family ? booking->patient.family : "",
                          booking->patient.given ? booking->patient.given : "");
}

/**
 * crn_page_dup_referrer:
 * @booking: a booking
 *
 * Returns: (transfer full): "Pharmacy (Pharmacie du Port)"
 */
char *
crn_page_dup_referrer (const CrnBooking *booking)
{
  if (booking->referrer_name != NULL && *booking->referrer_name)
    return g_strdup_printf ("%s (%s)", crn_referrer_get_label (booking->referrer),
                            booking->referrer_name);
  return g_strdup (crn_referrer_get_label (booking->referrer));
}

/**
 * crn_page_dup_booking_details:
 * @booking: a booking
 *
 * Returns: (transfer full): the second line of a booking row: date of birth, reason,
 *   referrer, when regulation asked
 */
char *
crn_page_dup_booking_details (const CrnBooking *booking)
{
  GString *text = g_string_new (NULL);
  g_autofree char *referrer = crn_page_dup_referrer (booking);

  if (booking->patient.birth_date != NULL)
    /* TRANSLATORS: date of birth, "born 1987-04-12" */
    g_string_append_printf (text, _("born %s"), booking->patient.birth_date);
  if (booking->reason != NULL && *booking->reason)
    g_string_append_printf (text, " · %s", booking->reason);
  g_string_append_printf (text, " · %s", referrer);
  if (booking->extra)
    g_string_append_printf (text, " · %s", _("extra patient"));
  if (booking->requested_at != 0)
    {
      g_autofree char *when = crn_page_dup_when (booking->requested_at);
      /* TRANSLATORS: when regulation asked for the booking */
      g_string_append_printf (text, " · ");
      g_string_append_printf (text, _("asked %s"), when);
    }

  return g_string_free (text, FALSE);
}

/**
 * crn_page_add_toast:
 * @widget: a widget inside the window
 * @toast: (transfer full): a toast
 *
 * Shows @toast in the nearest #AdwToastOverlay above @widget (the window's).
 */
void
crn_page_add_toast (GtkWidget *widget,
                    AdwToast  *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkRoot *root = gtk_widget_get_root (widget);

  /* The window shows its toasts one at a time (see crn_window_add_toast()). */
  if (CRN_IS_WINDOW (root))
    crn_window_add_toast (CRN_WINDOW (root), toast);
  else if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
on_phone_clicked_cb (GtkButton *button,
                     gpointer   user_data)
{
  const char *phone = g_object_get_data (G_OBJECT (button), "crn-phone");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), phone);
  crn_page_add_toast (GTK_WIDGET (button), adw_toast_new (_("Phone number copied")));
}

/**
 * crn_page_new_phone_button:
 * @phone: a phone number
 *
 * Returns: (transfer floating): a flat button showing @phone that copies it (and says so in
 *   a toast): secretaries call patients back
 */
GtkWidget *
crn_page_new_phone_button (const char *phone)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();
  g_autofree char *accessible = g_strdup_printf (_("Copy the phone number %s"), phone);

  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), phone);
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "edit-copy-symbolic");
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (button, "phone-button");
  gtk_widget_set_tooltip_text (button, _("Copy the Phone Number"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "crn-phone", g_strdup (phone), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_phone_clicked_cb), NULL);

  return button;
}

/**
 * crn_page_clear_box:
 * @box: a box
 *
 * Removes every child of @box.
 */
void
crn_page_clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}
