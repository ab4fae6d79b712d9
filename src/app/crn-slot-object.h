/* crn-slot-object.h: a slot and the booking that holds it, as a GObject for list models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-core.h"

G_BEGIN_DECLS

/**
 * CrnSlotState:
 * @CRN_SLOT_STATE_FREE: free and offered, reclaim window not open yet
 * @CRN_SLOT_STATE_RECLAIMABLE: free, and the practice may take it back now
 * @CRN_SLOT_STATE_WAITING: booked, waiting for the practice's confirmation
 * @CRN_SLOT_STATE_BOOKED: booked (by a referrer)
 * @CRN_SLOT_STATE_RECLAIMED: taken back for the practice's own patients (no SNP label)
 * @CRN_SLOT_STATE_UNAVAILABLE: withdrawn (absence, busy-unavailable)
 * @CRN_SLOT_STATE_PAST: over; see crn_slot_object_get_outcome()
 *
 * What the week view shows for one slot at a given instant.
 */
typedef enum
{
  CRN_SLOT_STATE_FREE = 0,
  CRN_SLOT_STATE_RECLAIMABLE,
  CRN_SLOT_STATE_WAITING,
  CRN_SLOT_STATE_BOOKED,
  CRN_SLOT_STATE_RECLAIMED,
  CRN_SLOT_STATE_UNAVAILABLE,
  CRN_SLOT_STATE_PAST,
} CrnSlotState;

/**
 * CrnSlotOutcome:
 *
 * What happened to a past slot.
 */
typedef enum
{
  CRN_SLOT_OUTCOME_NONE = 0,       /* not over yet */
  CRN_SLOT_OUTCOME_NOT_BOOKED,     /* nobody booked it */
  CRN_SLOT_OUTCOME_TO_RECORD,      /* booked, outcome still to be recorded */
  CRN_SLOT_OUTCOME_SEEN,
  CRN_SLOT_OUTCOME_NOSHOW,
  CRN_SLOT_OUTCOME_CANCELLED,
  CRN_SLOT_OUTCOME_UNAVAILABLE,    /* withdrawn */
} CrnSlotOutcome;

#define CRN_TYPE_SLOT_OBJECT (crn_slot_object_get_type ())

G_DECLARE_FINAL_TYPE (CrnSlotObject, crn_slot_object, CRN, SLOT_OBJECT, GObject)

CrnSlotObject    *crn_slot_object_new                 (const CrnSlot    *slot,
                                                       const CrnBooking *booking);
const CrnSlot    *crn_slot_object_get_slot            (CrnSlotObject    *self);
const CrnBooking *crn_slot_object_get_booking         (CrnSlotObject    *self);
void              crn_slot_object_set_booking         (CrnSlotObject    *self,
                                                       const CrnBooking *booking);
const char       *crn_slot_object_get_id              (CrnSlotObject    *self);
CrnInstant        crn_slot_object_get_start           (CrnSlotObject    *self);
CrnInstant        crn_slot_object_get_end             (CrnSlotObject    *self);

CrnSlotState      crn_slot_object_get_state           (CrnSlotObject    *self,
                                                       const CrnPolicy  *policy,
                                                       CrnInstant        now);
CrnSlotOutcome    crn_slot_object_get_outcome         (CrnSlotObject    *self,
                                                       CrnInstant        now);
char             *crn_slot_object_dup_state_label     (CrnSlotObject    *self,
                                                       const CrnPolicy  *policy,
                                                       CrnInstant        now);
char             *crn_slot_object_dup_countdown       (CrnSlotObject    *self,
                                                       const CrnPolicy  *policy,
                                                       CrnInstant        now);
char             *crn_slot_object_dup_time_range      (CrnSlotObject    *self);
char             *crn_slot_object_dup_accessible_label (CrnSlotObject   *self,
                                                        const CrnPolicy *policy,
                                                        CrnInstant       now);

const char       *crn_slot_state_to_css_class         (CrnSlotState      state);
const char       *crn_visibility_get_short_label      (CrnVisibility     visibility);
const char       *crn_visibility_get_description      (CrnVisibility     visibility);
char             *crn_format_duration                 (gint64            seconds);

G_END_DECLS
