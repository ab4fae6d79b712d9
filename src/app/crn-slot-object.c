/* crn-slot-object.c: a slot and the booking that holds it, as a GObject for list models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSlotObject"

#include "config.h"

#include "crn-slot-object.h"

#include <glib/gi18n-lib.h>

struct _CrnSlotObject
{
  GObject     parent_instance;

  CrnSlot    *slot;      /* owned, never NULL */
  CrnBooking *booking;   /* owned, NULL when no booking holds the slot */
};

G_DEFINE_FINAL_TYPE (CrnSlotObject, crn_slot_object, G_TYPE_OBJECT)

/*
 * Helpers
 */

static const char * const weekday_names[] = {
  NULL, N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
  N_("Saturday"), N_("Sunday"),
};

/**
 * crn_format_duration:
 * @seconds: a duration, >= 0
 *
 * Returns: (transfer full): a short human duration: "35 min", "1 h 20 min", "2 d 3 h".
 */
char *
crn_format_duration (gint64 seconds)
{
  gint64 minutes;

  if (seconds < 0)
    seconds = 0;

  /* Round up: "in 1 min" rather than "in 0 min" for the last seconds. */
  minutes = (seconds + 59) / 60;

  if (minutes < 60)
    /* TRANSLATORS: a duration in minutes */
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 24 * 60)
    {
      if (minutes % 60 == 0)
        /* TRANSLATORS: a duration in whole hours */
        return g_strdup_printf (_("%d h"), (int) (minutes / 60));
      /* TRANSLATORS: a duration in hours and minutes */
      return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));
    }
  /* TRANSLATORS: a duration in days and hours */
  return g_strdup_printf (_("%d d %d h"), (int) (minutes / (24 * 60)),
                          (int) ((minutes / 60) % 24));
}

/**
 * crn_visibility_get_short_label:
 * @visibility: the labels of a slot
 *
 * Returns: who may book, in a word or two ("SNP", "CPTS", "no SNP label").
 */
const char *
crn_visibility_get_short_label (CrnVisibility visibility)
{
  if (visibility & CRN_VISIBILITY_SNP)
    return _("SNP");
  if (visibility & CRN_VISIBILITY_CPTS)
    return _("CPTS");
  if (visibility & CRN_VISIBILITY_PRO)
    return _("health professionals");
  if (visibility & CRN_VISIBILITY_PUBLIC)
    return _("public");
  return _("no SNP label");
}

/**
 * crn_visibility_get_description:
 * @visibility: the labels of a slot or block
 *
 * Returns: who may book, in full ("Regulation (SAS) and CPTS")
 */
const char *
crn_visibility_get_description (CrnVisibility visibility)
{
  if (visibility == (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS))
    return _("Regulation (SAS) and CPTS");
  if (visibility == CRN_VISIBILITY_SNP)
    return _("Regulation (SAS) only");
  if (visibility == CRN_VISIBILITY_CPTS)
    return _("CPTS members only");
  if (visibility == (CRN_VISIBILITY_PRO | CRN_VISIBILITY_CPTS))
    return _("Health professionals and CPTS");
  if (visibility == CRN_VISIBILITY_NONE)
    return _("Own patients only (no SNP label)");
  if (visibility & CRN_VISIBILITY_PUBLIC)
    return _("Anyone, including the public");
  return _("Regulation and other referrers");
}

/**
 * crn_slot_state_to_css_class:
 * @state: a #CrnSlotState
 *
 * Returns: the CSS class the week view gives to a slot in @state.
 */
const char *
crn_slot_state_to_css_class (CrnSlotState state)
{
  switch (state)
    {
    case CRN_SLOT_STATE_FREE:        return "free";
    case CRN_SLOT_STATE_RECLAIMABLE: return "reclaimable";
    case CRN_SLOT_STATE_WAITING:     return "waiting";
    case CRN_SLOT_STATE_BOOKED:      return "booked";
    case CRN_SLOT_STATE_RECLAIMED:   return "reclaimed";
    case CRN_SLOT_STATE_UNAVAILABLE: return "unavailable";
    case CRN_SLOT_STATE_PAST:        return "past";
    default:                         g_assert_not_reached ();
    }
  return NULL;
}

static gboolean
booking_is_live (const CrnBooking *booking)
{
  return booking != NULL && crn_booking_holds_slot (booking);
}

static char *
dup_referrer_text (const CrnBooking *booking)
{
  const char *label = crn_referrer_get_label (booking->referrer);

  if (booking->referrer_name != NULL && booking->referrer_name[0] != '\0')
    return g_strdup_printf ("%s (%s)", label, booking->referrer_name);
  return g_strdup (label);
}

/*
 * GObject overrides
 */

static void
crn_slot_object_finalize (GObject *object)
{
  CrnSlotObject *self = (CrnSlotObject *) object;

  g_clear_pointer (&self->slot, crn_slot_free);
  g_clear_pointer (&self->booking, crn_booking_free);

  G_OBJECT_CLASS (crn_slot_object_parent_class)->finalize (object);
}

static void
crn_slot_object_class_init (CrnSlotObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crn_slot_object_finalize;
}

static void
crn_slot_object_init (CrnSlotObject *self)
{
}

/*
 * Public API
 */

/**
 * crn_slot_object_new:
 * @slot: a slot (copied)
 * @booking: (nullable): the booking holding @slot (copied), or %NULL
 *
 * Returns: (transfer full): a new #CrnSlotObject
 */
CrnSlotObject *
crn_slot_object_new (const CrnSlot    *slot,
                     const CrnBooking *booking)
{
  CrnSlotObject *self;

  g_return_val_if_fail (slot != NULL, NULL);

  self = g_object_new (CRN_TYPE_SLOT_OBJECT, NULL);
  self->slot = crn_slot_copy (slot);
  self->booking = booking != NULL ? crn_booking_copy (booking) : NULL;

  return self;
}

/**
 * crn_slot_object_get_slot:
 * @self: a #CrnSlotObject
 *
 * Returns: (transfer none): the slot
 */
const CrnSlot *
crn_slot_object_get_slot (CrnSlotObject *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);

  return self->slot;
}

/**
 * crn_slot_object_get_booking:
 * @self: a #CrnSlotObject
 *
 * Returns: (transfer none) (nullable): the booking holding the slot, if any
 */
const CrnBooking *
crn_slot_object_get_booking (CrnSlotObject *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);

  return self->booking;
}

/**
 * crn_slot_object_set_booking:
 * @self: a #CrnSlotObject
 * @booking: (nullable): the booking now holding the slot (copied)
 */
void
crn_slot_object_set_booking (CrnSlotObject    *self,
                             const CrnBooking *booking)
{
  g_return_if_fail (CRN_IS_SLOT_OBJECT (self));

  g_clear_pointer (&self->booking, crn_booking_free);
  if (booking != NULL)
    self->booking = crn_booking_copy (booking);
}

/**
 * crn_slot_object_get_id:
 * @self: a #CrnSlotObject
 *
 * Returns: the slot's identifier
 */
const char *
crn_slot_object_get_id (CrnSlotObject *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);

  return self->slot->id;
}

/**
 * crn_slot_object_get_start:
 * @self: a #CrnSlotObject
 *
 * Returns: the start of the slot (UTC)
 */
CrnInstant
crn_slot_object_get_start (CrnSlotObject *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), 0);

  return self->slot->start;
}

/**
 * crn_slot_object_get_end:
 * @self: a #CrnSlotObject
 *
 * Returns: the end of the slot (UTC)
 */
CrnInstant
crn_slot_object_get_end (CrnSlotObject *self)
{
  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), 0);

  return self->slot->end;
}

/**
 * crn_slot_object_get_state:
 * @self: a #CrnSlotObject
 * @policy: the CPTS policy (reclaim window)
 * @now: the current instant
 *
 * Returns: what the slot is at @now
 */
CrnSlotState
crn_slot_object_get_state (CrnSlotObject   *self,
                           const CrnPolicy *policy,
                           CrnInstant       now)
{
  const CrnSlot *slot;

  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), CRN_SLOT_STATE_FREE);
  g_return_val_if_fail (policy != NULL, CRN_SLOT_STATE_FREE);

  slot = self->slot;

  if (slot->end <= now)
    return CRN_SLOT_STATE_PAST;
  if (slot->status == CRN_SLOT_STATUS_BUSY_UNAVAILABLE ||
      slot->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
    return CRN_SLOT_STATE_UNAVAILABLE;
  if (slot->visibility == CRN_VISIBILITY_NONE)
    return CRN_SLOT_STATE_RECLAIMED;
  if (booking_is_live (self->booking))
    {
      if (crn_booking_needs_confirmation (self->booking))
        return CRN_SLOT_STATE_WAITING;
      return CRN_SLOT_STATE_BOOKED;
    }
  if (slot->status != CRN_SLOT_STATUS_FREE)
    /* Busy on the server, and the booking has not been pulled yet. */
    return CRN_SLOT_STATE_BOOKED;
  if (crn_slot_is_for_regulation (slot) &&
      crn_policy_check_reclaim (policy, slot, now, NULL))
    return CRN_SLOT_STATE_RECLAIMABLE;

  return CRN_SLOT_STATE_FREE;
}

/**
 * crn_slot_object_get_outcome:
 * @self: a #CrnSlotObject
 * @now: the current instant
 *
 * Returns: what happened to the slot, or %CRN_SLOT_OUTCOME_NONE if it is not over
 */
CrnSlotOutcome
crn_slot_object_get_outcome (CrnSlotObject *self,
                             CrnInstant     now)
{
  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), CRN_SLOT_OUTCOME_NONE);

  if (self->slot->end > now)
    return CRN_SLOT_OUTCOME_NONE;

  if (self->booking != NULL)
    {
      switch (self->booking->status)
        {
        case CRN_APPOINTMENT_STATUS_FULFILLED:
          return CRN_SLOT_OUTCOME_SEEN;
        case CRN_APPOINTMENT_STATUS_NOSHOW:
          return CRN_SLOT_OUTCOME_NOSHOW;
        case CRN_APPOINTMENT_STATUS_CANCELLED:
          return CRN_SLOT_OUTCOME_CANCELLED;
        case CRN_APPOINTMENT_STATUS_PROPOSED:
        case CRN_APPOINTMENT_STATUS_PENDING:
        case CRN_APPOINTMENT_STATUS_BOOKED:
        case CRN_APPOINTMENT_STATUS_ARRIVED:
          return CRN_SLOT_OUTCOME_TO_RECORD;
        case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR:
        default:
          break;
        }
    }

  if (self->slot->status == CRN_SLOT_STATUS_BUSY_UNAVAILABLE ||
      self->slot->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
    return CRN_SLOT_OUTCOME_UNAVAILABLE;

  return CRN_SLOT_OUTCOME_NOT_BOOKED;
}

/**
 * crn_slot_object_dup_state_label:
 * @self: a #CrnSlotObject
 * @policy: the CPTS policy
 * @now: the current instant
 *
 * Returns: (transfer full): the state in a few words: "free", "booked by SAS / Centre 15",
 *   "past, no-show"
 */
char *
crn_slot_object_dup_state_label (CrnSlotObject   *self,
                                 const CrnPolicy *policy,
                                 CrnInstant       now)
{
  g_autofree char *referrer = NULL;

  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);

  if (self->booking != NULL)
    referrer = dup_referrer_text (self->booking);

  switch (crn_slot_object_get_state (self, policy, now))
    {
    case CRN_SLOT_STATE_FREE:
      return g_strdup (_("free"));
    case CRN_SLOT_STATE_RECLAIMABLE:
      return g_strdup (_("free, reclaimable now"));
    case CRN_SLOT_STATE_WAITING:
      /* TRANSLATORS: %s is who booked: "SAS / Centre 15", "Pharmacy (Pharmacie du Port)" */
      return g_strdup_printf (_("waiting for confirmation, %s"), referrer);
    case CRN_SLOT_STATE_BOOKED:
      if (referrer == NULL)
        return g_strdup (_("booked"));
      /* TRANSLATORS: %s is who booked: "SAS / Centre 15", "Pharmacy (Pharmacie du Port)" */
      return g_strdup_printf (_("booked by %s"), referrer);
    case CRN_SLOT_STATE_RECLAIMED:
      if (booking_is_live (self->booking))
        return g_strdup (_("reclaimed, booked for an own patient"));
      return g_strdup (_("reclaimed, free for own patients"));
    case CRN_SLOT_STATE_UNAVAILABLE:
      return g_strdup (_("unavailable"));
    case CRN_SLOT_STATE_PAST:
      switch (crn_slot_object_get_outcome (self, now))
        {
        case CRN_SLOT_OUTCOME_SEEN:
          return g_strdup (_("past, seen"));
        case CRN_SLOT_OUTCOME_NOSHOW:
          return g_strdup (_("past, no-show"));
        case CRN_SLOT_OUTCOME_CANCELLED:
          return g_strdup (_("past, cancelled"));
        case CRN_SLOT_OUTCOME_TO_RECORD:
          return g_strdup (_("past, outcome to record"));
        case CRN_SLOT_OUTCOME_UNAVAILABLE:
          return g_strdup (_("past, unavailable"));
        case CRN_SLOT_OUTCOME_NOT_BOOKED:
        case CRN_SLOT_OUTCOME_NONE:
        default:
          return g_strdup (_("past, not booked"));
        }
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

/**
 * crn_slot_object_dup_countdown:
 * @self: a #CrnSlotObject
 * @policy: the CPTS policy (reclaim window, booking cut-off)
 * @now: the current instant
 *
 * For a free slot offered to regulation: when the practice may take it back, or, once it
 * may, how long regulation can still book it. Nothing when the reclaim window opens more than
 * a day from now.
 *
 * Returns: (transfer full) (nullable): "Reclaim opens in 1 h 20 min",
 *   "Regulation can book for 35 min more", or %NULL
 */
char *
crn_slot_object_dup_countdown (CrnSlotObject   *self,
                               const CrnPolicy *policy,
                               CrnInstant       now)
{
  CrnSlotState state;
  g_autofree char *duration = NULL;

  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);
  g_return_val_if_fail (policy != NULL, NULL);

  state = crn_slot_object_get_state (self, policy, now);

  if (state == CRN_SLOT_STATE_FREE && crn_slot_is_for_regulation (self->slot))
    {
      CrnInstant opens = crn_policy_reclaim_opens_at (policy, self->slot);

      if (opens <= now || opens - now > 24 * 3600)
        return NULL;
      duration = crn_format_duration (opens - now);
      /* TRANSLATORS: %s is a duration: "1 h 20 min" */
      return g_strdup_printf (_("Reclaim opens in %s"), duration);
    }

  if (state == CRN_SLOT_STATE_RECLAIMABLE)
    {
      CrnInstant closes = crn_policy_booking_closes_at (policy, self->slot);

      if (closes <= now)
        return g_strdup (_("Regulation can no longer book it"));
      duration = crn_format_duration (closes - now);
      /* TRANSLATORS: %s is a duration: "35 min" */
      return g_strdup_printf (_("Regulation can book for %s more"), duration);
    }

  return NULL;
}

/**
 * crn_slot_object_dup_time_range:
 * @self: a #CrnSlotObject
 *
 * Returns: (transfer full): "14:00–14:20", in Europe/Paris time
 */
char *
crn_slot_object_dup_time_range (CrnSlotObject *self)
{
  guint start_minute, end_minute;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);

  crn_time_to_local (self->slot->start, NULL, &start_minute, NULL);
  crn_time_to_local (self->slot->end, NULL, &end_minute, NULL);
  start = crn_time_format_minutes (start_minute);
  end = crn_time_format_minutes (end_minute);

  return g_strdup_printf ("%s–%s", start, end);
}

/**
 * crn_slot_object_dup_accessible_label:
 * @self: a #CrnSlotObject
 * @policy: the CPTS policy
 * @now: the current instant
 *
 * Returns: (transfer full): what a screen reader says for the slot:
 *   "Tuesday 14:00–14:20, free, SNP", then the countdown if any ("… SNP. Reclaim opens in
 *   1 h 20 min")
 */
char *
crn_slot_object_dup_accessible_label (CrnSlotObject   *self,
                                      const CrnPolicy *policy,
                                      CrnInstant       now)
{
  GDateWeekday weekday;
  g_autofree char *range = NULL;
  g_autofree char *state = NULL;
  g_autofree char *countdown = NULL;
  GString *label;

  g_return_val_if_fail (CRN_IS_SLOT_OBJECT (self), NULL);

  crn_time_to_local (self->slot->start, NULL, NULL, &weekday);
  range = crn_slot_object_dup_time_range (self);
  state = crn_slot_object_dup_state_label (self, policy, now);
  countdown = crn_slot_object_dup_countdown (self, policy, now);

  label = g_string_new (NULL);
  g_string_append_printf (label, "%s %s, %s", _(weekday_names[weekday]), range, state);
  if (self->slot->visibility != CRN_VISIBILITY_NONE)
    g_string_append_printf (label, ", %s", crn_visibility_get_short_label (self->slot->visibility));
  if (countdown != NULL)
    g_string_append_printf (label, ". %s", countdown);

  return g_string_free (label, FALSE);
}
