/* crn-booking.h: a booking of a slot for a patient ("RDV"), and its state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-types.h"

G_BEGIN_DECLS

#define CRN_TYPE_BOOKING (crn_booking_get_type ())

struct _CrnPatient
{
  char  *family;       /* required */
  char  *given;        /* required */
  char  *birth_date;   /* "YYYY-MM-DD", required */
  char  *phone;        /* as typed; crn_phone_normalize() gives +33… */
};

struct _CrnBooking
{
  char                   *id;                 /* client-generated UUID: the business identifier */
  char                   *slot_id;            /* NULL for an extra patient (surnuméraire) */
  char                   *practitioner;       /* IDNPS of the effecteur */
  CrnInstant              start;
  CrnInstant              end;
  CrnPatient              patient;
  char                   *reason;             /* motif */
  CrnReferrer             referrer;
  char                   *referrer_name;      /* operator or pharmacy display name, may be NULL */
  char                   *operator_id;        /* identifier of the regulator who booked, may be NULL */
  CrnInstant              requested_at;       /* when regulation asked; 0 = unknown */
  CrnInstant              created_at;
  gboolean                extra;              /* surnuméraire (Avenant 9 level 2) */
  CrnAppointmentStatus    status;
  CrnParticipationStatus  practitioner_status;
  char                   *cancel_reason;      /* decline/cancel reason, may be NULL */
  gint64                  version;            /* meta.versionId; 0 = never synced */
  gint64                  last_updated_ms;
};

GType        crn_booking_get_type     (void) G_GNUC_CONST;
CrnBooking  *crn_booking_new          (void);
CrnBooking  *crn_booking_copy         (const CrnBooking *booking);
void         crn_booking_free         (CrnBooking       *booking);
gboolean     crn_booking_equal        (const CrnBooking *a,
                                       const CrnBooking *b);
/* Required fields present and well formed (names, birth date not in the future, phone digits,
 * end > start). Messages name the field and say what to type. */
gboolean     crn_booking_validate     (const CrnBooking *booking,
                                       GError          **error);

/* Whether the booking holds its slot (proposed, pending, booked, arrived, fulfilled, noshow). */
gboolean     crn_booking_holds_slot   (const CrnBooking *booking);
/* Whether an outcome is still to be recorded (booked/arrived and start in the past). */
gboolean     crn_booking_needs_outcome (const CrnBooking *booking,
                                        CrnInstant        now);
/* Waiting for the practice's confirmation (proposed/pending + needs-action). */
gboolean     crn_booking_needs_confirmation (const CrnBooking *booking);

/* The state machine. Legal moves:
 *   proposed/pending --accept--> booked (accepted)
 *   proposed/pending --decline--> cancelled (declined)
 *   booked --arrive--> arrived
 *   booked/arrived --seen--> fulfilled
 *   booked --noshow--> noshow
 *   proposed/pending/booked/arrived --cancel--> cancelled
 *   fulfilled <-> noshow (correcting an outcome)
 *   any but entered-in-error --error--> entered-in-error
 * Anything else fails with CRN_CORE_ERROR_ILLEGAL_TRANSITION and a sentence naming both
 * states; the booking is left untouched. @reason is kept for decline/cancel (may be NULL). */
gboolean     crn_booking_apply        (CrnBooking       *booking,
                                       CrnBookingAction  action,
                                       const char       *reason,
                                       GError          **error);
gboolean     crn_booking_can_apply    (const CrnBooking *booking,
                                       CrnBookingAction  action);

/* Age in whole years on @on (local date) from patient.birth_date; -1 if unknown. */
int          crn_patient_age_on       (const CrnPatient *patient,
                                       const GDate      *on);
/* French phone numbers -> E.164 "+33XXXXXXXXX"; NULL if not a phone number. */
char        *crn_phone_normalize      (const char       *phone);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnBooking, crn_booking_free)

G_END_DECLS
