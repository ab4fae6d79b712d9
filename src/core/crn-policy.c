/* crn-policy.c: the CPTS rules (SNP window, reclaim window, booking cut-off, exclusions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-booking.h"
#include "crn-core-error.h"
#include "crn-policy.h"
#include "crn-slot.h"
#include "crn-template.h"
#include "crn-time.h"

G_DEFINE_BOXED_TYPE (CrnPolicy, crn_policy, crn_policy_copy, crn_policy_free)

/* ------------------------------------------------------------------ helpers */

static const char *
weekday_name (GDateWeekday wd)
{
  switch (wd)
    {
    case G_DATE_MONDAY:    return _("Monday");
    case G_DATE_TUESDAY:   return _("Tuesday");
    case G_DATE_WEDNESDAY: return _("Wednesday");
    case G_DATE_THURSDAY:  return _("Thursday");
    case G_DATE_FRIDAY:    return _("Friday");
    case G_DATE_SATURDAY:  return _("Saturday");
    case G_DATE_SUNDAY:    return _("Sunday");
    case G_DATE_BAD_WEEKDAY:
    default:               return "?";
    }
}

/* "2 hours", "59 minutes", "1 h 30 min" */
static char *
format_duration (guint minutes)
{
  if (minutes % 60 == 0 && minutes >= 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", minutes / 60),
                            minutes / 60);
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", minutes),
                            minutes);
  /* TRANSLATORS: hours and minutes, e.g. "1 h 30 min" */
  return g_strdup_printf (_("%u h %02u min"), minutes / 60, minutes % 60);
}

static char *
local_hhmm (CrnInstant instant)
{
  guint minute;

  crn_time_to_local (instant, NULL, &minute, NULL);
  return crn_time_format_minutes (minute);
}

/* Lower case, no accents, for "contains" matching. */
static char *
fold (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  g_autofree char *folded = NULL;
  GString *out;

  if (decomposed == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (decomposed, -1);
  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      /* typographic apostrophe reads as the plain one */
      if (c == 0x2019 || c == 0x2018)
        c = '\'';
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ boxed type */

/**
 * crn_policy_new_default:
 *
 * Returns: (transfer full): the national defaults: SNP Monday–Friday 08:00–20:00 and
 *   Saturday 08:00–12:00, reclaim 120 min before, booking until the start, 48 h horizon,
 *   no confirmation, and renewals and certificates excluded
 */
CrnPolicy *
crn_policy_new_default (void)
{
  CrnPolicy *self = g_new0 (CrnPolicy, 1);

  for (guint wd = G_DATE_MONDAY; wd <= G_DATE_FRIDAY; wd++)
    {
      self->snp_open[wd] = 8 * 60;
      self->snp_close[wd] = 20 * 60;
    }
  self->snp_open[G_DATE_SATURDAY] = 8 * 60;
  self->snp_close[G_DATE_SATURDAY] = 12 * 60;
  self->snp_open[G_DATE_SUNDAY] = 0;
  self->snp_close[G_DATE_SUNDAY] = 0;
  self->reclaim_minutes = 120;
  self->booking_closes_minutes = 0;
  self->horizon_hours = 48;
  self->needs_confirmation = FALSE;
  self->excluded_reasons = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->excluded_reasons, g_strdup ("renouvellement d'ordonnance"));
  g_ptr_array_add (self->excluded_reasons, g_strdup ("renouvellement d'arrêt de travail"));
  g_ptr_array_add (self->excluded_reasons, g_strdup ("certificat médical"));
  return self;
}

/**
 * crn_policy_copy:
 * @self: a policy
 *
 * Returns: (transfer full): a deep copy
 */
CrnPolicy *
crn_policy_copy (const CrnPolicy *self)
{
  CrnPolicy *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new (CrnPolicy, 1);
  *copy = *self;
  copy->excluded_reasons = g_ptr_array_new_with_free_func (g_free);
  if (self->excluded_reasons != NULL)
    for (guint i = 0; i < self->excluded_reasons->len; i++)
      g_ptr_array_add (copy->excluded_reasons,
                       g_strdup (g_ptr_array_index (self->excluded_reasons, i)));
  return copy;
}

/**
 * crn_policy_free:
 * @self: (nullable): a policy
 */
void
crn_policy_free (CrnPolicy *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->excluded_reasons, g_ptr_array_unref);
  g_free (self);
}

/**
 * crn_policy_equal:
 * @a: a policy
 * @b: a policy
 *
 * Returns: %TRUE if every field is equal (excluded reasons in the same order)
 */
gboolean
crn_policy_equal (const CrnPolicy *a,
                  const CrnPolicy *b)
{
  guint na, nb;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  for (guint wd = 1; wd <= 7; wd++)
    if (a->snp_open[wd] != b->snp_open[wd] || a->snp_close[wd] != b->snp_close[wd])
      return FALSE;
  if (a->reclaim_minutes != b->reclaim_minutes ||
      a->booking_closes_minutes != b->booking_closes_minutes ||
      a->horizon_hours != b->horizon_hours ||
      !a->needs_confirmation != !b->needs_confirmation)
    return FALSE;

  na = a->excluded_reasons != NULL ? a->excluded_reasons->len : 0;
  nb = b->excluded_reasons != NULL ? b->excluded_reasons->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (g_strcmp0 (g_ptr_array_index (a->excluded_reasons, i),
                   g_ptr_array_index (b->excluded_reasons, i)) != 0)
      return FALSE;
  return TRUE;
}

/**
 * crn_policy_validate:
 * @self: a policy
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Returns: %TRUE if each day's window is inside the day and opens before it closes, the
 *   horizon is at least one hour, and no excluded reason is empty
 */
gboolean
crn_policy_validate (const CrnPolicy *self,
                     GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint wd = G_DATE_MONDAY; wd <= G_DATE_SUNDAY; wd++)
    if (self->snp_close[wd] > 24 * 60 || self->snp_open[wd] > self->snp_close[wd])
      {
        g_autofree char *o = crn_time_format_minutes (self->snp_open[wd]);
        g_autofree char *c = crn_time_format_minutes (self->snp_close[wd]);

        g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                     _("SNP hours on %s (%s–%s) do not make sense: they must close after "
                       "they open, by 24:00."), weekday_name ((GDateWeekday) wd), o, c);
        return FALSE;
      }
  if (self->horizon_hours == 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The booking horizon is zero: regulation could book nothing. "
                             "Set it to at least one hour (48 as a rule)."));
      return FALSE;
    }
  if (self->reclaim_minutes > 7 * 24 * 60 || self->booking_closes_minutes > 7 * 24 * 60)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The reclaim and closing delays must be less than a week."));
      return FALSE;
    }
  if (self->excluded_reasons != NULL)
    for (guint i = 0; i < self->excluded_reasons->len; i++)
      {
        const char *r = g_ptr_array_index (self->excluded_reasons, i);

        gboolean blank = TRUE;

        for (const char *c = r; c != NULL && *c != '\0'; c++)
          if (!g_ascii_isspace (*c))
            blank = FALSE;
        if (blank || !g_utf8_validate (r, -1, NULL))
          {
            g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                                 _("An excluded reason is empty: remove it or type the "
                                   "reason."));
            return FALSE;
          }
      }
  return TRUE;
}

/* ------------------------------------------------------------------ checks */

/**
 * crn_policy_check_block:
 * @self: a policy
 * @weekday: the ISO weekday
 * @start_minute: local start
 * @end_minute: local end
 * @error: a #GError of %CRN_CORE_ERROR_OUTSIDE_SNP_HOURS
 *
 * Returns: %TRUE if [@start_minute, @end_minute) lies in the SNP window of @weekday
 */
gboolean
crn_policy_check_block (const CrnPolicy *self,
                        GDateWeekday     weekday,
                        guint            start_minute,
                        guint            end_minute,
                        GError         **error)
{
  guint open, close;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (weekday >= G_DATE_MONDAY && weekday <= G_DATE_SUNDAY, FALSE);

  open = self->snp_open[weekday];
  close = self->snp_close[weekday];

  if (open >= close)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS,
                   _("Outside SNP hours: there are none on %s."), weekday_name (weekday));
      return FALSE;
    }
  if (start_minute < open)
    {
      g_autofree char *o = crn_time_format_minutes (open);

      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS,
                   _("Outside SNP hours: on %s they start at %s."), weekday_name (weekday), o);
      return FALSE;
    }
  if (end_minute > close || start_minute >= close)
    {
      g_autofree char *c = crn_time_format_minutes (close);

      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS,
                   _("Outside SNP hours: on %s they end at %s."), weekday_name (weekday), c);
      return FALSE;
    }
  return TRUE;
}

/**
 * crn_policy_check_template:
 * @self: a policy
 * @template: a template
 * @error: a #GError of %CRN_CORE_ERROR_OUTSIDE_SNP_HOURS
 *
 * Checks every weekday of every block, and every extra block, against the SNP window.
 *
 * Returns: %TRUE if all of them are inside
 */
gboolean
crn_policy_check_template (const CrnPolicy   *self,
                           const CrnTemplate *template,
                           GError           **error)
{
  g_return_val_if_fail (self != NULL && template != NULL, FALSE);

  for (guint i = 0; i < template->blocks->len; i++)
    {
      const CrnTemplateBlock *block = g_ptr_array_index (template->blocks, i);

      for (guint wd = G_DATE_MONDAY; wd <= G_DATE_SUNDAY; wd++)
        if ((block->weekdays & CRN_WEEKDAY_BIT (wd)) != 0 &&
            !crn_policy_check_block (self, (GDateWeekday) wd, block->start_minute,
                                     block->end_minute, error))
          return FALSE;
    }

  for (guint i = 0; i < template->exceptions->len; i++)
    {
      const CrnTemplateException *ex = g_ptr_array_index (template->exceptions, i);
      GDate date, end_date;
      guint start_minute, end_minute;
      GDateWeekday wd;

      if (ex->kind != CRN_EXCEPTION_EXTRA)
        continue;
      crn_time_to_local (ex->start, &date, &start_minute, &wd);
      crn_time_to_local (ex->end, &end_date, &end_minute, NULL);
      end_minute += 1440u * (guint) MAX (0, g_date_days_between (&date, &end_date));
      if (!crn_policy_check_block (self, wd, start_minute, end_minute, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * crn_policy_check_slot_hours:
 * @self: a policy
 * @slot: a slot
 * @error: a #GError of %CRN_CORE_ERROR_OUTSIDE_SNP_HOURS
 *
 * Returns: %TRUE if @slot lies inside the SNP window of its local day
 */
gboolean
crn_policy_check_slot_hours (const CrnPolicy *self,
                             const CrnSlot   *slot,
                             GError         **error)
{
  GDate date, end_date;
  guint start_minute, end_minute;
  GDateWeekday wd;

  g_return_val_if_fail (self != NULL && slot != NULL, FALSE);

  crn_time_to_local (slot->start, &date, &start_minute, &wd);
  crn_time_to_local (slot->end, &end_date, &end_minute, NULL);
  end_minute += 1440u * (guint) MAX (0, g_date_days_between (&date, &end_date));
  /* seconds past the minute still count as being after it */
  if ((slot->end - slot->start) % 60 != 0)
    end_minute++;

  return crn_policy_check_block (self, wd, start_minute, end_minute, error);
}

/**
 * crn_policy_check_reason:
 * @self: a policy
 * @reason: (nullable): the reason typed by the referrer
 * @error: a #GError of %CRN_CORE_ERROR_EXCLUDED_REASON
 *
 * Returns: %TRUE unless @reason, case- and accent-folded, contains an excluded reason
 */
gboolean
crn_policy_check_reason (const CrnPolicy *self,
                         const char      *reason,
                         GError         **error)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (reason == NULL || self->excluded_reasons == NULL || !g_utf8_validate (reason, -1, NULL))
    return TRUE;

  folded = fold (reason);
  for (guint i = 0; i < self->excluded_reasons->len; i++)
    {
      const char *excluded = g_ptr_array_index (self->excluded_reasons, i);
      g_autofree char *folded_excluded = NULL;

      if (excluded == NULL || excluded[0] == '\0')
        continue;
      folded_excluded = fold (excluded);
      if (folded_excluded[0] != '\0' && strstr (folded, folded_excluded) != NULL)
        {
          g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_EXCLUDED_REASON,
                       _("SNP slots do not cover “%s” in this CPTS: offer the patient an "
                         "ordinary appointment instead."), excluded);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
visible_to (const CrnSlot *slot,
            CrnReferrer    referrer)
{
  switch (referrer)
    {
    case CRN_REFERRER_SAS:
      return (slot->visibility & (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)) != 0;
    case CRN_REFERRER_PHARMACY:
    case CRN_REFERRER_EMERGENCY:
    case CRN_REFERRER_NURSE:
    case CRN_REFERRER_PHYSIOTHERAPIST:
      return (slot->visibility & (CRN_VISIBILITY_PRO | CRN_VISIBILITY_CPTS)) != 0;
    case CRN_REFERRER_OTHER:
      return (slot->visibility & (CRN_VISIBILITY_PUBLIC | CRN_VISIBILITY_CPTS)) != 0;
    case CRN_REFERRER_OWN_PATIENT:
      return TRUE;
    case CRN_REFERRER_N:
    default:
      return FALSE;
    }
}

static gboolean
check_free (const CrnSlot  *slot,
            GError        **error)
{
  if (slot->status != CRN_SLOT_STATUS_FREE)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_SLOT_NOT_FREE,
                           _("This slot is no longer free: choose another one."));
      return FALSE;
    }
  return TRUE;
}

/**
 * crn_policy_check_regulation_booking:
 * @self: a policy
 * @slot: the slot to book
 * @referrer: who books
 * @patient: (nullable): the patient (needed when the slot has an age restriction)
 * @reason: (nullable): the reason
 * @now: the current instant
 * @error: a #GError of %CRN_CORE_ERROR naming the first rule broken
 *
 * Checks, in order: slot free, visible to @referrer (SAS: SNP or CPTS; pharmacy, emergency,
 * nurse, physiotherapist: PRO or CPTS; other: PUBLIC or CPTS), inside SNP hours, not
 * started, before the cut-off, within the horizon, reason not excluded, patient matching
 * the restriction. A booking by the practice for its own patient (%CRN_REFERRER_OWN_PATIENT)
 * only needs the slot to be free: it is not a regulation booking.
 *
 * Returns: %TRUE if the booking is allowed
 */
gboolean
crn_policy_check_regulation_booking (const CrnPolicy  *self,
                                     const CrnSlot    *slot,
                                     CrnReferrer       referrer,
                                     const CrnPatient *patient,
                                     const char       *reason,
                                     CrnInstant        now,
                                     GError          **error)
{
  CrnInstant closes_at;

  g_return_val_if_fail (self != NULL && slot != NULL, FALSE);

  if (!check_free (slot, error))
    return FALSE;
  if (referrer == CRN_REFERRER_OWN_PATIENT)
    return TRUE;

  if (!visible_to (slot, referrer))
    {
      /* TRANSLATORS: %s is who books, as crn_referrer_get_label() gives it, e.g.
       * "SAS regulation" or "Pharmacy" */
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_NOT_VISIBLE,
                   slot->visibility == CRN_VISIBILITY_NONE
                   ? _("This slot is kept for the practice’s own patients: %s cannot book it.")
                   : _("This slot is not open to %s: choose a slot offered to it."),
                   crn_referrer_get_label (referrer));
      return FALSE;
    }

  if (!crn_policy_check_slot_hours (self, slot, error))
    return FALSE;

  if (slot->start <= now)
    {
      g_autofree char *at = local_hhmm (slot->start);

      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_IN_THE_PAST,
                   _("This slot has already started (at %s): choose a later one."), at);
      return FALSE;
    }

  closes_at = crn_policy_booking_closes_at (self, slot);
  if (self->booking_closes_minutes > 0 && now >= closes_at)
    {
      g_autofree char *delay = format_duration (self->booking_closes_minutes);
      g_autofree char *at = local_hhmm (closes_at);

      /* TRANSLATORS: the first %s is a length of time ("59 minutes", "2 hours"), the
       * second a time of day ("13:01") */
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_BOOKING_CLOSED,
                   _("Regulation booking closes %s before the slot (at %s)."), delay, at);
      return FALSE;
    }

  if (slot->start > now + (CrnInstant) self->horizon_hours * 3600)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_TOO_FAR_AHEAD,
                   g_dngettext (GETTEXT_PACKAGE,
                                "This slot is more than %u hour ahead: regulation books care "
                                "within the next %u hour.",
                                "This slot is more than %u hours ahead: regulation books care "
                                "within the next %u hours.", self->horizon_hours),
                   self->horizon_hours, self->horizon_hours);
      return FALSE;
    }

  if (!crn_policy_check_reason (self, reason, error))
    return FALSE;

  if (slot->restriction == CRN_RESTRICTION_CHILDREN || slot->restriction == CRN_RESTRICTION_ADULTS)
    {
      GDate day;
      int age = -1;

      crn_time_to_local (slot->start, &day, NULL, NULL);
      if (patient != NULL)
        age = crn_patient_age_on (patient, &day);
      if (age < 0)
        {
          g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_RESTRICTED,
                               slot->restriction == CRN_RESTRICTION_CHILDREN
                               ? _("This slot is for children only: give the patient’s birth "
                                   "date.")
                               : _("This slot is for adults only: give the patient’s birth "
                                   "date."));
          return FALSE;
        }
      if (slot->restriction == CRN_RESTRICTION_CHILDREN && age >= 18)
        {
          g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_RESTRICTED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "This slot is for children only (under 18) and the "
                                    "patient is %d year old: choose another slot.",
                                    "This slot is for children only (under 18) and the "
                                    "patient is %d years old: choose another slot.", age),
                       age);
          return FALSE;
        }
      if (slot->restriction == CRN_RESTRICTION_ADULTS && age < 18)
        {
          g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_RESTRICTED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "This slot is for adults only (18 and over) and the "
                                    "patient is %d year old: choose another slot.",
                                    "This slot is for adults only (18 and over) and the "
                                    "patient is %d years old: choose another slot.", age),
                       age);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * crn_policy_check_reclaim:
 * @self: a policy
 * @slot: a free slot
 * @now: the current instant
 * @error: a #GError of %CRN_CORE_ERROR_SLOT_NOT_FREE, %CRN_CORE_ERROR_IN_THE_PAST or
 *   %CRN_CORE_ERROR_RECLAIM_NOT_YET
 *
 * Returns: %TRUE if the practice may take @slot back for its own patients at @now
 */
gboolean
crn_policy_check_reclaim (const CrnPolicy *self,
                          const CrnSlot   *slot,
                          CrnInstant       now,
                          GError         **error)
{
  CrnInstant opens_at;

  g_return_val_if_fail (self != NULL && slot != NULL, FALSE);

  if (!check_free (slot, error))
    return FALSE;
  if (slot->start <= now)
    {
      g_autofree char *at = local_hhmm (slot->start);

      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_IN_THE_PAST,
                   _("This slot has already started (at %s): there is nothing to take "
                     "back."), at);
      return FALSE;
    }
  opens_at = crn_policy_reclaim_opens_at (self, slot);
  if (now < opens_at)
    {
      g_autofree char *delay = format_duration (self->reclaim_minutes);
      g_autofree char *at = local_hhmm (opens_at);

      /* TRANSLATORS: the first %s is a time of day ("12:00"), the second a length of time
       * ("2 hours") */
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_RECLAIM_NOT_YET,
                   _("This slot can be taken back from %s, %s before it starts."), at, delay);
      return FALSE;
    }
  return TRUE;
}

/**
 * crn_policy_reclaim_opens_at:
 * @self: a policy
 * @slot: a slot
 *
 * Returns: the instant from which the practice may take @slot back
 */
CrnInstant
crn_policy_reclaim_opens_at (const CrnPolicy *self,
                             const CrnSlot   *slot)
{
  g_return_val_if_fail (self != NULL && slot != NULL, 0);

  return slot->start - (CrnInstant) self->reclaim_minutes * 60;
}

/**
 * crn_policy_booking_closes_at:
 * @self: a policy
 * @slot: a slot
 *
 * Returns: the instant from which regulation can no longer book @slot
 */
CrnInstant
crn_policy_booking_closes_at (const CrnPolicy *self,
                              const CrnSlot   *slot)
{
  g_return_val_if_fail (self != NULL && slot != NULL, 0);

  return slot->start - (CrnInstant) self->booking_closes_minutes * 60;
}
