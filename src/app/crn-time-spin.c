/* crn-time-spin.c: a GtkSpinButton that edits a time of day as HH:MM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnTimeSpin"

#include "config.h"

#include "crn-time-spin.h"

#include "crn-core.h"

/*
 * GtkSpinButton is final in GTK 4, so the time editor is a configured spin button rather than
 * a type of its own: the value is minutes since midnight, in steps of 5, shown as "HH:MM".
 */

static gboolean
on_output_cb (GtkSpinButton *spin,
              gpointer       user_data)
{
  g_autofree char *text = crn_time_format_minutes ((guint) gtk_spin_button_get_value (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_input_cb (GtkSpinButton *spin,
             double        *new_value,
             gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  guint minute;

  if (crn_time_parse_minutes (text, &minute))
    {
      *new_value = minute;
      return TRUE;
    }
  /* A bare hour ("14") is read as 14:00. */
  if (text != NULL && *text != '\0' && strlen (text) <= 2 && g_ascii_isdigit (text[0]) &&
      (text[1] == '\0' || g_ascii_isdigit (text[1])))
    {
      *new_value = (double) (atoi (text) * 60);
      return *new_value < 24 * 60 ? TRUE : GTK_INPUT_ERROR;
    }
  return GTK_INPUT_ERROR;
}

/**
 * crn_time_spin_new:
 * @accessible_label: what a screen reader calls it ("Start time")
 *
 * Returns: (transfer floating): a spin button editing a time of day in 5-minute steps
 */
GtkWidget *
crn_time_spin_new (const char *accessible_label)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, 24 * 60 - 5, 5);

  gtk_spin_button_set_increments (GTK_SPIN_BUTTON (spin), 5, 60);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_signal_connect (spin, "output", G_CALLBACK (on_output_cb), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (on_input_cb), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  on_output_cb (GTK_SPIN_BUTTON (spin), NULL);

  return spin;
}

/**
 * crn_time_spin_get_minute:
 * @spin: a spin button made by crn_time_spin_new()
 *
 * Returns: the time, in minutes since midnight
 */
guint
crn_time_spin_get_minute (GtkSpinButton *spin)
{
  g_return_val_if_fail (GTK_IS_SPIN_BUTTON (spin), 0);

  return (guint) gtk_spin_button_get_value (spin);
}

/**
 * crn_time_spin_set_minute:
 * @spin: a spin button made by crn_time_spin_new()
 * @minute_of_day: minutes since midnight
 */
void
crn_time_spin_set_minute (GtkSpinButton *spin,
                          guint          minute_of_day)
{
  g_return_if_fail (GTK_IS_SPIN_BUTTON (spin));

  gtk_spin_button_set_value (spin, minute_of_day);
}
