/* crn-booking.c: a booking of a slot for a patient ("RDV"), and its state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-booking.h"
#include "crn-core-error.h"
#include "crn-slot.h"
#include "crn-time.h"

G_DEFINE_BOXED_TYPE (CrnBooking, crn_booking, crn_booking_copy, crn_booking_free)

/* ------------------------------------------------------------------ helpers */

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static gboolean
parse_birth_date (const char *text,
                  GDate      *out)
{
  guint y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (y < 1 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  g_date_clear (out, 1);
  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/* A translated word for a state, used in sentences. */
static const char *
status_label (CrnAppointmentStatus status)
{
  switch (status)
    {
    case CRN_APPOINTMENT_STATUS_PROPOSED:         return _("proposed");
    case CRN_APPOINTMENT_STATUS_PENDING:          return _("pending");
    case CRN_APPOINTMENT_STATUS_BOOKED:           return _("booked");
    case CRN_APPOINTMENT_STATUS_ARRIVED:          return _("arrived");
    case CRN_APPOINTMENT_STATUS_FULFILLED:        return _("seen");
    case CRN_APPOINTMENT_STATUS_CANCELLED:        return _("cancelled");
    case CRN_APPOINTMENT_STATUS_NOSHOW:           return _("no-show");
    case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR: return _("entered in error");
    default:                                      return _("unknown");
    }
}

/* The state an action leads to. */
static CrnAppointmentStatus
action_target (CrnBookingAction action)
{
  switch (action)
    {
    case CRN_BOOKING_ACTION_ACCEPT:  return CRN_APPOINTMENT_STATUS_BOOKED;
    case CRN_BOOKING_ACTION_DECLINE: return CRN_APPOINTMENT_STATUS_CANCELLED;
    case CRN_BOOKING_ACTION_ARRIVE:  return CRN_APPOINTMENT_STATUS_ARRIVED;
    case CRN_BOOKING_ACTION_SEEN:    return CRN_APPOINTMENT_STATUS_FULFILLED;
    case CRN_BOOKING_ACTION_NOSHOW:  return CRN_APPOINTMENT_STATUS_NOSHOW;
    case CRN_BOOKING_ACTION_CANCEL:  return CRN_APPOINTMENT_STATUS_CANCELLED;
    case CRN_BOOKING_ACTION_ERROR:   return CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR;
    default:                         return CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR;
    }
}

static gboolean
is_legal (CrnAppointmentStatus from,
          CrnBookingAction     action)
{
  gboolean waiting = from == CRN_APPOINTMENT_STATUS_PROPOSED ||
                     from == CRN_APPOINTMENT_STATUS_PENDING;

  switch (action)
    {
    case CRN_BOOKING_ACTION_ACCEPT:
    case CRN_BOOKING_ACTION_DECLINE:
      return waiting;
    case CRN_BOOKING_ACTION_ARRIVE:
      return from == CRN_APPOINTMENT_STATUS_BOOKED;
    case CRN_BOOKING_ACTION_SEEN:
      return from == CRN_APPOINTMENT_STATUS_BOOKED ||
             from == CRN_APPOINTMENT_STATUS_ARRIVED ||
             from == CRN_APPOINTMENT_STATUS_NOSHOW;
    case CRN_BOOKING_ACTION_NOSHOW:
      return from == CRN_APPOINTMENT_STATUS_BOOKED ||
             from == CRN_APPOINTMENT_STATUS_FULFILLED;
    case CRN_BOOKING_ACTION_CANCEL:
      return waiting ||
             from == CRN_APPOINTMENT_STATUS_BOOKED ||
             from == CRN_APPOINTMENT_STATUS_ARRIVED;
    case CRN_BOOKING_ACTION_ERROR:
      return from <= CRN_APPOINTMENT_STATUS_NOSHOW;
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------ boxed type */

/**
 * crn_booking_new:
 *
 * Returns: (transfer full): an empty proposed booking by SAS, waiting for the practice
 */
CrnBooking *
crn_booking_new (void)
{
  CrnBooking *booking = g_new0 (CrnBooking, 1);

  booking->status = CRN_APPOINTMENT_STATUS_PROPOSED;
  booking->practitioner_status = CRN_PARTICIPATION_NEEDS_ACTION;
  booking->referrer = CRN_REFERRER_SAS;
  return booking;
}

/**
 * crn_booking_copy:
 * @booking: a booking
 *
 * Returns: (transfer full): a deep copy
 */
CrnBooking *
crn_booking_copy (const CrnBooking *booking)
{
  CrnBooking *copy;

  g_return_val_if_fail (booking != NULL, NULL);

  copy = g_new (CrnBooking, 1);
  *copy = *booking;
  copy->id = g_strdup (booking->id);
  copy->slot_id = g_strdup (booking->slot_id);
  copy->practitioner = g_strdup (booking->practitioner);
  copy->patient.family = g_strdup (booking->patient.family);
  copy->patient.given = g_strdup (booking->patient.given);
  copy->patient.birth_date = g_strdup (booking->patient.birth_date);
  copy->patient.phone = g_strdup (booking->patient.phone);
  copy->reason = g_strdup (booking->reason);
  copy->referrer_name = g_strdup (booking->referrer_name);
  copy->operator_id = g_strdup (booking->operator_id);
  copy->cancel_reason = g_strdup (booking->cancel_reason);
  return copy;
}

/**
 * crn_booking_free:
 * @booking: (nullable): a booking
 */
void
crn_booking_free (CrnBooking *booking)
{
  if (booking == NULL)
    return;
  g_free (booking->id);
  g_free (booking->slot_id);
  g_free (booking->practitioner);
  g_free (booking->patient.family);
  g_free (booking->patient.given);
  g_free (booking->patient.birth_date);
  g_free (booking->patient.phone);
  g_free (booking->reason);
  g_free (booking->referrer_name);
  g_free (booking->operator_id);
  g_free (booking->cancel_reason);
  g_free (booking);
}

/**
 * crn_booking_equal:
 * @a: a booking
 * @b: a booking
 *
 * Returns: %TRUE if every field is equal
 */
gboolean
crn_booking_equal (const CrnBooking *a,
                   const CrnBooking *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->slot_id, b->slot_id) == 0 &&
         g_strcmp0 (a->practitioner, b->practitioner) == 0 &&
         a->start == b->start &&
         a->end == b->end &&
         g_strcmp0 (a->patient.family, b->patient.family) == 0 &&
         g_strcmp0 (a->patient.given, b->patient.given) == 0 &&
         g_strcmp0 (a->patient.birth_date, b->patient.birth_date) == 0 &&
         g_strcmp0 (a->patient.phone, b->patient.phone) == 0 &&
         g_strcmp0 (a->reason, b->reason) == 0 &&
         a->referrer == b->referrer &&
         g_strcmp0 (a->referrer_name, b->referrer_name) == 0 &&
         g_strcmp0 (a->operator_id, b->operator_id) == 0 &&
         a->requested_at == b->requested_at &&
         a->created_at == b->created_at &&
         !a->extra == !b->extra &&
         a->status == b->status &&
         a->practitioner_status == b->practitioner_status &&
         g_strcmp0 (a->cancel_reason, b->cancel_reason) == 0 &&
         a->version == b->version &&
         a->last_updated_ms == b->last_updated_ms;
}

/**
 * crn_booking_validate:
 * @booking: a booking
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Checks an id, the practitioner's IDNPS, end after start, the patient's family and given
 * names, a real birth date (YYYY-MM-DD) not in the future (Europe/Paris date of
 * crn_time_now()), and a French phone number.
 *
 * Returns: %TRUE if @booking is well formed
 */
gboolean
crn_booking_validate (const CrnBooking *booking,
                      GError          **error)
{
  GDate birth, today;
  g_autofree char *phone = NULL;

  g_return_val_if_fail (booking != NULL, FALSE);

  if (is_blank (booking->id))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The booking has no identifier."));
      return FALSE;
    }
  if (!crn_idnps_is_valid (booking->practitioner))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The booking’s practitioner “%s” is not an IDNPS: it must be 8 followed "
                     "by the 11 digits of the RPPS number."),
                   booking->practitioner != NULL ? booking->practitioner : "");
      return FALSE;
    }
  if (booking->end <= booking->start)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The appointment ends before it starts: its end must be after "
                             "its start."));
      return FALSE;
    }
  if (is_blank (booking->patient.family))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The patient’s family name is empty: type it."));
      return FALSE;
    }
  if (is_blank (booking->patient.given))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The patient’s given name is empty: type it."));
      return FALSE;
    }
  if (!parse_birth_date (booking->patient.birth_date, &birth))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The patient’s birth date “%s” is not a date: type it as YYYY-MM-DD, "
                     "e.g. 2015-03-21."),
                   booking->patient.birth_date != NULL ? booking->patient.birth_date : "");
      return FALSE;
    }
  crn_time_to_local (crn_time_now (), &today, NULL, NULL);
  if (g_date_compare (&birth, &today) > 0)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The patient’s birth date %s is in the future: check the year."),
                   booking->patient.birth_date);
      return FALSE;
    }
  phone = crn_phone_normalize (booking->patient.phone);
  if (phone == NULL)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The patient’s phone number “%s” is not a French phone number: type "
                     "10 digits such as 06 12 34 56 78."),
                   booking->patient.phone != NULL ? booking->patient.phone : "");
      return FALSE;
    }
  return TRUE;
}

/**
 * crn_booking_holds_slot:
 * @booking: a booking
 *
 * Returns: %TRUE while the booking holds its slot (proposed, pending, booked, arrived,
 *   fulfilled, noshow)
 */
gboolean
crn_booking_holds_slot (const CrnBooking *booking)
{
  g_return_val_if_fail (booking != NULL, FALSE);

  switch (booking->status)
    {
    case CRN_APPOINTMENT_STATUS_PROPOSED:
    case CRN_APPOINTMENT_STATUS_PENDING:
    case CRN_APPOINTMENT_STATUS_BOOKED:
    case CRN_APPOINTMENT_STATUS_ARRIVED:
    case CRN_APPOINTMENT_STATUS_FULFILLED:
    case CRN_APPOINTMENT_STATUS_NOSHOW:
      return TRUE;
    case CRN_APPOINTMENT_STATUS_CANCELLED:
    case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR:
    default:
      return FALSE;
    }
}

/**
 * crn_booking_needs_outcome:
 * @booking: a booking
 * @now: the current instant
 *
 * Returns: %TRUE if booked or arrived and its start is at or before @now
 */
gboolean
crn_booking_needs_outcome (const CrnBooking *booking,
                           CrnInstant        now)
{
  g_return_val_if_fail (booking != NULL, FALSE);

  return (booking->status == CRN_APPOINTMENT_STATUS_BOOKED ||
          booking->status == CRN_APPOINTMENT_STATUS_ARRIVED) &&
         booking->start <= now;
}

/**
 * crn_booking_needs_confirmation:
 * @booking: a booking
 *
 * Returns: %TRUE if proposed or pending and the practitioner has not answered
 */
gboolean
crn_booking_needs_confirmation (const CrnBooking *booking)
{
  g_return_val_if_fail (booking != NULL, FALSE);

  return (booking->status == CRN_APPOINTMENT_STATUS_PROPOSED ||
          booking->status == CRN_APPOINTMENT_STATUS_PENDING) &&
         booking->practitioner_status == CRN_PARTICIPATION_NEEDS_ACTION;
}

/**
 * crn_booking_can_apply:
 * @booking: a booking
 * @action: an action
 *
 * Returns: %TRUE if crn_booking_apply() would accept @action
 */
gboolean
crn_booking_can_apply (const CrnBooking *booking,
                       CrnBookingAction  action)
{
  g_return_val_if_fail (booking != NULL, FALSE);

  return is_legal (booking->status, action);
}

/**
 * crn_booking_apply:
 * @booking: a booking
 * @action: what a person does
 * @reason: (nullable): the reason of a decline or cancel
 * @error: a #GError of %CRN_CORE_ERROR_ILLEGAL_TRANSITION
 *
 * Moves @booking along its state machine (see crn-booking.h). Accept also sets the
 * practitioner's participation to accepted; decline sets it to declined and keeps @reason.
 *
 * Returns: %TRUE if the action was applied; otherwise @booking is untouched
 */
gboolean
crn_booking_apply (CrnBooking       *booking,
                   CrnBookingAction  action,
                   const char       *reason,
                   GError          **error)
{
  g_return_val_if_fail (booking != NULL, FALSE);

  if (action > CRN_BOOKING_ACTION_ERROR)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_ILLEGAL_TRANSITION,
                   _("Unknown action %d on a booking that is %s."),
                   (int) action, status_label (booking->status));
      return FALSE;
    }

  if (!is_legal (booking->status, action))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_ILLEGAL_TRANSITION,
                   /* TRANSLATORS: both %s are states: "booked", "cancelled"… */
                   _("This booking is %s: it cannot become %s."),
                   status_label (booking->status), status_label (action_target (action)));
      return FALSE;
    }

  booking->status = action_target (action);
  switch (action)
    {
    case CRN_BOOKING_ACTION_ACCEPT:
      booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
      break;
    case CRN_BOOKING_ACTION_DECLINE:
      booking->practitioner_status = CRN_PARTICIPATION_DECLINED;
      g_free (booking->cancel_reason);
      booking->cancel_reason = g_strdup (reason);
      break;
    case CRN_BOOKING_ACTION_CANCEL:
      g_free (booking->cancel_reason);
      booking->cancel_reason = g_strdup (reason);
      break;
    case CRN_BOOKING_ACTION_ARRIVE:
    case CRN_BOOKING_ACTION_SEEN:
    case CRN_BOOKING_ACTION_NOSHOW:
    case CRN_BOOKING_ACTION_ERROR:
    default:
      break;
    }
  return TRUE;
}

/**
 * crn_patient_age_on:
 * @patient: a patient
 * @on: a local date
 *
 * Returns: the age in whole years on @on, or -1 if the birth date is unknown, malformed or
 *   after @on
 */
int
crn_patient_age_on (const CrnPatient *patient,
                    const GDate      *on)
{
  GDate birth;
  int age;

  g_return_val_if_fail (patient != NULL && on != NULL && g_date_valid (on), -1);

  if (!parse_birth_date (patient->birth_date, &birth) || g_date_compare (&birth, on) > 0)
    return -1;

  age = (int) g_date_get_year (on) - (int) g_date_get_year (&birth);
  if (g_date_get_month (on) < g_date_get_month (&birth) ||
      (g_date_get_month (on) == g_date_get_month (&birth) &&
       g_date_get_day (on) < g_date_get_day (&birth)))
    age--;
  return age;
}

/**
 * crn_phone_normalize:
 * @phone: (nullable): a phone number as typed: "06 12 34 56 78", "06.12.34.56.78",
 *   "+33 6 12 34 56 78", "0033612345678"
 *
 * Returns: (transfer full) (nullable): "+33612345678", or %NULL if @phone is not a French
 *   number
 */
char *
crn_phone_normalize (const char *phone)
{
  g_autoptr(GString) digits = NULL;
  const char *national;
  gboolean plus = FALSE;

  if (phone == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '.' || *p == '-' || *p == '\t')
        continue;
      if (*p == '+' && digits->len == 0 && !plus)
        {
          plus = TRUE;
          continue;
        }
      /* "+33 (0)6 12…" */
      if (*p == '(' && p[1] == '0' && p[2] == ')')
        {
          p += 2;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        return NULL;
      g_string_append_c (digits, *p);
    }

  if (plus && g_str_has_prefix (digits->str, "33"))
    national = digits->str + 2;
  else if (!plus && g_str_has_prefix (digits->str, "0033"))
    national = digits->str + 4;
  else if (!plus && digits->len == 10 && digits->str[0] == '0')
    national = digits->str + 1;
  else
    return NULL;

  if (strlen (national) != 9 || national[0] == '0')
    return NULL;
  return g_strconcat ("+33", national, NULL);
}
