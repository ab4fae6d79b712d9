/* crn-types.h: the shared vocabulary of Créneaux (enums, flags, forward declarations)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CrnInstant:
 *
 * A point in time: seconds since the Unix epoch, UTC. Every instant the domain stores is a
 * #CrnInstant; rules that depend on the wall clock are computed in Europe/Paris.
 */
typedef gint64 CrnInstant;

/** CrnModality: how a consultation takes place (v3-ActCode); several may be allowed. */
typedef enum /*< flags >*/
{
  CRN_MODALITY_NONE     = 0,
  CRN_MODALITY_AMB      = 1 << 0,   /* in the practice (cabinet) */
  CRN_MODALITY_VR       = 1 << 1,   /* teleconsultation */
  CRN_MODALITY_HH       = 1 << 2,   /* home visit */
} CrnModality;

#define CRN_MODALITY_ALL (CRN_MODALITY_AMB | CRN_MODALITY_VR | CRN_MODALITY_HH)

/**
 * CrnVisibility:
 *
 * Who may book a slot (TRE_R314 "type de créneau", carried in Slot.meta.security).
 * No label at all means the slot is kept for the practice's own patients.
 */
typedef enum /*< flags >*/
{
  CRN_VISIBILITY_NONE   = 0,
  CRN_VISIBILITY_SNP    = 1 << 0,   /* regulation (SAS, OSNP) */
  CRN_VISIBILITY_CPTS   = 1 << 1,   /* the CPTS and its members */
  CRN_VISIBILITY_PRO    = 1 << 2,   /* any health professional (pharmacy, nurse…) */
  CRN_VISIBILITY_PUBLIC = 1 << 3,   /* the general public */
} CrnVisibility;

#define CRN_VISIBILITY_ALL (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS | \
                            CRN_VISIBILITY_PRO | CRN_VISIBILITY_PUBLIC)

/** CrnRestriction: who a GP accepts in a slot. */
typedef enum
{
  CRN_RESTRICTION_NONE = 0,
  CRN_RESTRICTION_CHILDREN,        /* paediatric SNP only (under 18) */
  CRN_RESTRICTION_ADULTS,          /* adults only */
  CRN_RESTRICTION_OTHER,           /* free text in restriction_text */
} CrnRestriction;

/** CrnSlotStatus: FHIR R4 slotstatus. */
typedef enum
{
  CRN_SLOT_STATUS_FREE = 0,
  CRN_SLOT_STATUS_BUSY,
  CRN_SLOT_STATUS_BUSY_TENTATIVE,
  CRN_SLOT_STATUS_BUSY_UNAVAILABLE,
  CRN_SLOT_STATUS_ENTERED_IN_ERROR,
} CrnSlotStatus;

/** CrnAppointmentStatus: FHIR R4 appointmentstatus (the subset Créneaux uses). */
typedef enum
{
  CRN_APPOINTMENT_STATUS_PROPOSED = 0,
  CRN_APPOINTMENT_STATUS_PENDING,
  CRN_APPOINTMENT_STATUS_BOOKED,
  CRN_APPOINTMENT_STATUS_ARRIVED,
  CRN_APPOINTMENT_STATUS_FULFILLED,
  CRN_APPOINTMENT_STATUS_CANCELLED,
  CRN_APPOINTMENT_STATUS_NOSHOW,
  CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR,
} CrnAppointmentStatus;

/** CrnParticipationStatus: FHIR R4 participationstatus of the effecteur. */
typedef enum
{
  CRN_PARTICIPATION_NEEDS_ACTION = 0,
  CRN_PARTICIPATION_ACCEPTED,
  CRN_PARTICIPATION_DECLINED,
  CRN_PARTICIPATION_TENTATIVE,
} CrnParticipationStatus;

/** CrnReferrer: who booked the slot ("adresseur"). */
typedef enum
{
  CRN_REFERRER_SAS = 0,            /* SAS / Centre 15 regulation (OSNP, regulating GP) */
  CRN_REFERRER_PHARMACY,
  CRN_REFERRER_EMERGENCY,          /* hospital emergency department */
  CRN_REFERRER_NURSE,
  CRN_REFERRER_PHYSIOTHERAPIST,
  CRN_REFERRER_OWN_PATIENT,        /* the practice itself, e.g. after a reclaim */
  CRN_REFERRER_OTHER,
  CRN_REFERRER_N,                  /*< skip >*/
} CrnReferrer;

/** CrnBookingAction: what a person does to a booking; see crn_booking_apply(). */
typedef enum
{
  CRN_BOOKING_ACTION_ACCEPT = 0,   /* the practice confirms a proposed booking */
  CRN_BOOKING_ACTION_DECLINE,      /* the practice declines a proposed booking */
  CRN_BOOKING_ACTION_ARRIVE,       /* the patient is in the waiting room */
  CRN_BOOKING_ACTION_SEEN,         /* consultation done (fulfilled) */
  CRN_BOOKING_ACTION_NOSHOW,       /* the patient did not come */
  CRN_BOOKING_ACTION_CANCEL,       /* cancelled by anyone */
  CRN_BOOKING_ACTION_ERROR,        /* created by mistake (entered-in-error) */
} CrnBookingAction;

/** CrnExceptionKind: an exception to a weekly template. */
typedef enum
{
  CRN_EXCEPTION_ABSENCE = 0,       /* holiday, training…: removes slots (busy-unavailable) */
  CRN_EXCEPTION_EXTRA,             /* a one-off extra block: adds slots */
} CrnExceptionKind;

/** CrnWeekday: ISO weekday numbers, as GDateWeekday (Monday = 1 … Sunday = 7). */
#define CRN_WEEKDAY_BIT(wd) (1u << ((wd) - 1))   /* wd: 1..7 */

typedef struct _CrnSlot              CrnSlot;
typedef struct _CrnPatient           CrnPatient;
typedef struct _CrnBooking           CrnBooking;
typedef struct _CrnTemplateBlock     CrnTemplateBlock;
typedef struct _CrnTemplateException CrnTemplateException;
typedef struct _CrnTemplate          CrnTemplate;
typedef struct _CrnPolicy            CrnPolicy;
typedef struct _CrnPractitioner      CrnPractitioner;
typedef struct _CrnPlace             CrnPlace;
typedef struct _CrnFigures           CrnFigures;

const char            *crn_modality_to_code           (CrnModality             modality);
CrnModality            crn_modality_from_code         (const char             *code);
const char            *crn_visibility_to_code         (CrnVisibility           visibility);
CrnVisibility          crn_visibility_from_code       (const char             *code);
const char            *crn_slot_status_to_string      (CrnSlotStatus           status);
gboolean               crn_slot_status_from_string    (const char             *str,
                                                       CrnSlotStatus          *out);
const char            *crn_appointment_status_to_string (CrnAppointmentStatus  status);
gboolean               crn_appointment_status_from_string (const char         *str,
                                                           CrnAppointmentStatus *out);
const char            *crn_participation_status_to_string (CrnParticipationStatus status);
gboolean               crn_participation_status_from_string (const char       *str,
                                                             CrnParticipationStatus *out);
const char            *crn_referrer_to_string         (CrnReferrer             referrer);
gboolean               crn_referrer_from_string       (const char             *str,
                                                       CrnReferrer            *out);
const char            *crn_referrer_get_label         (CrnReferrer             referrer);
const char            *crn_restriction_to_string      (CrnRestriction          restriction);
gboolean               crn_restriction_from_string    (const char             *str,
                                                       CrnRestriction         *out);

G_END_DECLS
