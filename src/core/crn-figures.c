/* crn-figures.c: the practice's figures (fill rate, no-shows, Avenant 9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "crn-booking.h"
#include "crn-figures.h"
#include "crn-slot.h"
#include "crn-time.h"

/**
 * crn_figures_fill_rate:
 * @figures: figures
 *
 * Returns: booked / offered, 0 when nothing was offered
 */
double
crn_figures_fill_rate (const CrnFigures *figures)
{
  g_return_val_if_fail (figures != NULL, 0.0);

  if (figures->offered == 0)
    return 0.0;
  return (double) figures->booked / (double) figures->offered;
}

/**
 * crn_figures_noshow_rate:
 * @figures: figures
 *
 * Returns: noshow / (seen + noshow), 0 when there is neither
 */
double
crn_figures_noshow_rate (const CrnFigures *figures)
{
  g_return_val_if_fail (figures != NULL, 0.0);

  if (figures->seen + figures->noshow == 0)
    return 0.0;
  return (double) figures->noshow / (double) (figures->seen + figures->noshow);
}

static gboolean
status_is_booked (CrnAppointmentStatus status)
{
  return status == CRN_APPOINTMENT_STATUS_BOOKED ||
         status == CRN_APPOINTMENT_STATUS_ARRIVED ||
         status == CRN_APPOINTMENT_STATUS_FULFILLED ||
         status == CRN_APPOINTMENT_STATUS_NOSHOW;
}

static gboolean
in_scope (const char *owner,
          CrnInstant  start,
          const char *practitioner,
          CrnInstant  from,
          CrnInstant  to)
{
  if (practitioner != NULL && g_strcmp0 (owner, practitioner) != 0)
    return FALSE;
  return start >= from && start < to;
}

/**
 * crn_figures_compute:
 * @figures: (out caller-allocates): the result, overwritten
 * @slots: (element-type CrnSlot): slots
 * @bookings: (element-type CrnBooking): bookings
 * @practitioner: (nullable): IDNPS, or %NULL for every practitioner
 * @from: start of the period (inclusive, UTC)
 * @to: end of the period (exclusive, UTC)
 *
 * Exactly:
 * - offered, offered_minutes: slots in scope visible to regulation (SNP or CPTS) and not
 *   entered-in-error;
 * - booked: offered slots that at least one non-extra booking in a booked state (booked,
 *   arrived, fulfilled, noshow) refers to through its slot_id;
 * - booked_by_referrer: non-extra bookings in scope in a booked state, by referrer, whatever
 *   their slot;
 * - seen: non-extra bookings fulfilled, or arrived with a start at or before crn_time_now();
 * - noshow, noshow_by_referrer: non-extra bookings in noshow; cancelled: non-extra
 *   bookings cancelled (declined ones included);
 * - extras: extra bookings neither cancelled nor entered-in-error;
 * - sas_regulated: bookings by %CRN_REFERRER_SAS counted as seen, extras included.
 * Bookings entered-in-error count nowhere. A booking is in scope when its practitioner
 * matches and its start is in [@from, @to).
 */
void
crn_figures_compute (CrnFigures *figures,
                     GPtrArray  *slots,
                     GPtrArray  *bookings,
                     const char *practitioner,
                     CrnInstant  from,
                     CrnInstant  to)
{
  g_autoptr(GHashTable) booked_slot_ids = NULL;
  CrnInstant now = crn_time_now ();

  g_return_if_fail (figures != NULL);

  memset (figures, 0, sizeof *figures);
  booked_slot_ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; bookings != NULL && i < bookings->len; i++)
    {
      const CrnBooking *b = g_ptr_array_index (bookings, i);
      gboolean seen;

      if (b->status == CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR)
        continue;

      /* a booked slot counts with the slot, wherever the booking's times say it is */
      if (!b->extra && b->slot_id != NULL && status_is_booked (b->status))
        g_hash_table_add (booked_slot_ids, b->slot_id);

      if (!in_scope (b->practitioner, b->start, practitioner, from, to))
        continue;

      seen = b->status == CRN_APPOINTMENT_STATUS_FULFILLED ||
             (b->status == CRN_APPOINTMENT_STATUS_ARRIVED && b->start <= now);

      if (seen && b->referrer == CRN_REFERRER_SAS)
        figures->sas_regulated++;

      if (b->extra)
        {
          if (b->status != CRN_APPOINTMENT_STATUS_CANCELLED)
            figures->extras++;
          continue;
        }

      if (status_is_booked (b->status) && b->referrer < CRN_REFERRER_N)
        figures->booked_by_referrer[b->referrer]++;
      if (seen)
        figures->seen++;
      if (b->status == CRN_APPOINTMENT_STATUS_NOSHOW)
        {
          figures->noshow++;
          if (b->referrer < CRN_REFERRER_N)
            figures->noshow_by_referrer[b->referrer]++;
        }
      if (b->status == CRN_APPOINTMENT_STATUS_CANCELLED)
        figures->cancelled++;
    }

  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      const CrnSlot *s = g_ptr_array_index (slots, i);

      if (!in_scope (s->practitioner, s->start, practitioner, from, to))
        continue;
      if (!crn_slot_is_for_regulation (s) || s->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
        continue;
      figures->offered++;
      figures->offered_minutes += crn_slot_get_minutes (s);
      if (s->id != NULL && g_hash_table_contains (booked_slot_ids, s->id))
        figures->booked++;
    }
}

/**
 * crn_figures_meets_level1:
 * @regulation_minutes_in_week: minutes visible to regulation that week
 *
 * Returns: %TRUE if at least %CRN_AVENANT9_MIN_WEEKLY_MINUTES
 */
gboolean
crn_figures_meets_level1 (guint regulation_minutes_in_week)
{
  return regulation_minutes_in_week >= CRN_AVENANT9_MIN_WEEKLY_MINUTES;
}

/**
 * crn_figures_majoration_count:
 * @sas_regulated_in_week: regulated consultations that week
 *
 * Returns: how many are paid the SNP majoration (at most %CRN_SNP_MAJORATION_WEEKLY_CAP)
 */
guint
crn_figures_majoration_count (guint sas_regulated_in_week)
{
  return MIN (sas_regulated_in_week, CRN_SNP_MAJORATION_WEEKLY_CAP);
}

/**
 * crn_period_week:
 * @day: a local date
 * @from: (out): Monday 00:00 of its ISO week, Europe/Paris
 * @to: (out): the next Monday 00:00
 */
void
crn_period_week (const GDate *day,
                 CrnInstant  *from,
                 CrnInstant  *to)
{
  GDate monday;

  g_return_if_fail (day != NULL && g_date_valid (day));

  monday = *day;
  g_date_subtract_days (&monday, g_date_get_weekday (day) - G_DATE_MONDAY);
  if (from != NULL)
    *from = crn_time_from_local (&monday, 0);
  g_date_add_days (&monday, 7);
  if (to != NULL)
    *to = crn_time_from_local (&monday, 0);
}

static void
period_months (const GDate *day,
               guint        first_month,
               guint        n_months,
               CrnInstant  *from,
               CrnInstant  *to)
{
  GDate first;

  g_date_clear (&first, 1);
  g_date_set_dmy (&first, 1, (GDateMonth) first_month, g_date_get_year (day));
  if (from != NULL)
    *from = crn_time_from_local (&first, 0);
  g_date_add_months (&first, n_months);
  if (to != NULL)
    *to = crn_time_from_local (&first, 0);
}

/**
 * crn_period_month:
 * @day: a local date
 * @from: (out): the first of its month 00:00, Europe/Paris
 * @to: (out): the first of the next month 00:00
 */
void
crn_period_month (const GDate *day,
                  CrnInstant  *from,
                  CrnInstant  *to)
{
  g_return_if_fail (day != NULL && g_date_valid (day));

  period_months (day, g_date_get_month (day), 1, from, to);
}

/**
 * crn_period_quarter:
 * @day: a local date
 * @from: (out): the first day of its quarter 00:00, Europe/Paris
 * @to: (out): the first day of the next quarter 00:00
 */
void
crn_period_quarter (const GDate *day,
                    CrnInstant  *from,
                    CrnInstant  *to)
{
  guint first_month;

  g_return_if_fail (day != NULL && g_date_valid (day));

  first_month = ((g_date_get_month (day) - 1) / 3) * 3 + 1;
  period_months (day, first_month, 3, from, to);
}
