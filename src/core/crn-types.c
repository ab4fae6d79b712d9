/* crn-types.c: string <-> enum conversions of the shared vocabulary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-types.h"

/* ------------------------------------------------------------------ helpers */

typedef struct
{
  int         value;
  const char *code;
} CodeEntry;

static const char *
lookup_code (const CodeEntry *table,
             gsize            n,
             int              value)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].value == value)
      return table[i].code;
  return NULL;
}

static gboolean
lookup_value (const CodeEntry *table,
              gsize            n,
              const char      *code,
              int             *out)
{
  if (code == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (strcmp (table[i].code, code) == 0)
      {
        if (out != NULL)
          *out = table[i].value;
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------------ tables */

static const CodeEntry modality_codes[] = {
  { CRN_MODALITY_AMB, "AMB" },
  { CRN_MODALITY_VR, "VR" },
  { CRN_MODALITY_HH, "HH" },
};

static const CodeEntry visibility_codes[] = {
  { CRN_VISIBILITY_SNP, "SNP" },
  { CRN_VISIBILITY_CPTS, "CPTS" },
  { CRN_VISIBILITY_PRO, "PRO" },
  { CRN_VISIBILITY_PUBLIC, "PUBLIC" },
};

static const CodeEntry slot_status_codes[] = {
  { CRN_SLOT_STATUS_FREE, "free" },
  { CRN_SLOT_STATUS_BUSY, "busy" },
  { CRN_SLOT_STATUS_BUSY_TENTATIVE, "busy-tentative" },
  { CRN_SLOT_STATUS_BUSY_UNAVAILABLE, "busy-unavailable" },
  { CRN_SLOT_STATUS_ENTERED_IN_ERROR, "entered-in-error" },
};

static const CodeEntry appointment_status_codes[] = {
  { CRN_APPOINTMENT_STATUS_PROPOSED, "proposed" },
  { CRN_APPOINTMENT_STATUS_PENDING, "pending" },
  { CRN_APPOINTMENT_STATUS_BOOKED, "booked" },
  { CRN_APPOINTMENT_STATUS_ARRIVED, "arrived" },
  { CRN_APPOINTMENT_STATUS_FULFILLED, "fulfilled" },
  { CRN_APPOINTMENT_STATUS_CANCELLED, "cancelled" },
  { CRN_APPOINTMENT_STATUS_NOSHOW, "noshow" },
  { CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR, "entered-in-error" },
};

static const CodeEntry participation_codes[] = {
  { CRN_PARTICIPATION_NEEDS_ACTION, "needs-action" },
  { CRN_PARTICIPATION_ACCEPTED, "accepted" },
  { CRN_PARTICIPATION_DECLINED, "declined" },
  { CRN_PARTICIPATION_TENTATIVE, "tentative" },
};

static const CodeEntry referrer_codes[] = {
  { CRN_REFERRER_SAS, "sas" },
  { CRN_REFERRER_PHARMACY, "pharmacy" },
  { CRN_REFERRER_EMERGENCY, "emergency" },
  { CRN_REFERRER_NURSE, "nurse" },
  { CRN_REFERRER_PHYSIOTHERAPIST, "physiotherapist" },
  { CRN_REFERRER_OWN_PATIENT, "own-patient" },
  { CRN_REFERRER_OTHER, "other" },
};

static const CodeEntry restriction_codes[] = {
  { CRN_RESTRICTION_NONE, "none" },
  { CRN_RESTRICTION_CHILDREN, "children" },
  { CRN_RESTRICTION_ADULTS, "adults" },
  { CRN_RESTRICTION_OTHER, "other" },
};

#define LOOKUP_CODE(table, v) lookup_code (table, G_N_ELEMENTS (table), (int) (v))

/* ------------------------------------------------------------------ public API */

/**
 * crn_modality_to_code:
 * @modality: exactly one #CrnModality flag
 *
 * Returns: the v3-ActCode ("AMB", "VR", "HH"), or %NULL when @modality is not a single flag.
 */
const char *
crn_modality_to_code (CrnModality modality)
{
  return LOOKUP_CODE (modality_codes, modality);
}

/**
 * crn_modality_from_code:
 * @code: "AMB", "VR" or "HH"
 *
 * Returns: the flag, or %CRN_MODALITY_NONE for an unknown code.
 */
CrnModality
crn_modality_from_code (const char *code)
{
  int v = CRN_MODALITY_NONE;

  if (!lookup_value (modality_codes, G_N_ELEMENTS (modality_codes), code, &v))
    return CRN_MODALITY_NONE;
  return (CrnModality) v;
}

/**
 * crn_visibility_to_code:
 * @visibility: exactly one #CrnVisibility flag
 *
 * Returns: "SNP", "CPTS", "PRO" or "PUBLIC", or %NULL when @visibility is not a single flag.
 */
const char *
crn_visibility_to_code (CrnVisibility visibility)
{
  return LOOKUP_CODE (visibility_codes, visibility);
}

/**
 * crn_visibility_from_code:
 * @code: "SNP", "CPTS", "PRO" or "PUBLIC"
 *
 * Returns: the flag, or %CRN_VISIBILITY_NONE for an unknown code.
 */
CrnVisibility
crn_visibility_from_code (const char *code)
{
  int v = CRN_VISIBILITY_NONE;

  if (!lookup_value (visibility_codes, G_N_ELEMENTS (visibility_codes), code, &v))
    return CRN_VISIBILITY_NONE;
  return (CrnVisibility) v;
}

/**
 * crn_slot_status_to_string:
 * @status: a #CrnSlotStatus
 *
 * Returns: the FHIR code ("free", "busy"…), or %NULL for an out-of-range value.
 */
const char *
crn_slot_status_to_string (CrnSlotStatus status)
{
  return LOOKUP_CODE (slot_status_codes, status);
}

/**
 * crn_slot_status_from_string:
 * @str: a FHIR slotstatus code
 * @out: (out) (optional): the status
 *
 * Returns: %TRUE if @str is a known code
 */
gboolean
crn_slot_status_from_string (const char    *str,
                             CrnSlotStatus *out)
{
  int v;

  if (!lookup_value (slot_status_codes, G_N_ELEMENTS (slot_status_codes), str, &v))
    return FALSE;
  if (out != NULL)
    *out = (CrnSlotStatus) v;
  return TRUE;
}

/**
 * crn_appointment_status_to_string:
 * @status: a #CrnAppointmentStatus
 *
 * Returns: the FHIR code ("proposed", "booked", "noshow"…), or %NULL.
 */
const char *
crn_appointment_status_to_string (CrnAppointmentStatus status)
{
  return LOOKUP_CODE (appointment_status_codes, status);
}

/**
 * crn_appointment_status_from_string:
 * @str: a FHIR appointmentstatus code
 * @out: (out) (optional): the status
 *
 * Returns: %TRUE if @str is a known code
 */
gboolean
crn_appointment_status_from_string (const char           *str,
                                    CrnAppointmentStatus *out)
{
  int v;

  if (!lookup_value (appointment_status_codes, G_N_ELEMENTS (appointment_status_codes),
                     str, &v))
    return FALSE;
  if (out != NULL)
    *out = (CrnAppointmentStatus) v;
  return TRUE;
}

/**
 * crn_participation_status_to_string:
 * @status: a #CrnParticipationStatus
 *
 * Returns: the FHIR code ("needs-action", "accepted"…), or %NULL.
 */
const char *
crn_participation_status_to_string (CrnParticipationStatus status)
{
  return LOOKUP_CODE (participation_codes, status);
}

/**
 * crn_participation_status_from_string:
 * @str: a FHIR participationstatus code
 * @out: (out) (optional): the status
 *
 * Returns: %TRUE if @str is a known code
 */
gboolean
crn_participation_status_from_string (const char             *str,
                                      CrnParticipationStatus *out)
{
  int v;

  if (!lookup_value (participation_codes, G_N_ELEMENTS (participation_codes), str, &v))
    return FALSE;
  if (out != NULL)
    *out = (CrnParticipationStatus) v;
  return TRUE;
}

/**
 * crn_referrer_to_string:
 * @referrer: a #CrnReferrer
 *
 * Returns: the stable code ("sas", "pharmacy"…), or %NULL.
 */
const char *
crn_referrer_to_string (CrnReferrer referrer)
{
  return LOOKUP_CODE (referrer_codes, referrer);
}

/**
 * crn_referrer_from_string:
 * @str: a referrer code
 * @out: (out) (optional): the referrer
 *
 * Returns: %TRUE if @str is a known code
 */
gboolean
crn_referrer_from_string (const char  *str,
                          CrnReferrer *out)
{
  int v;

  if (!lookup_value (referrer_codes, G_N_ELEMENTS (referrer_codes), str, &v))
    return FALSE;
  if (out != NULL)
    *out = (CrnReferrer) v;
  return TRUE;
}

/**
 * crn_referrer_get_label:
 * @referrer: a #CrnReferrer
 *
 * Returns: a translated label for people ("SAS regulation", "Pharmacy"…).
 */
const char *
crn_referrer_get_label (CrnReferrer referrer)
{
  switch (referrer)
    {
    case CRN_REFERRER_SAS:             return _("SAS regulation");
    case CRN_REFERRER_PHARMACY:        return _("Pharmacy");
    case CRN_REFERRER_EMERGENCY:       return _("Emergency department");
    case CRN_REFERRER_NURSE:           return _("Nurse");
    case CRN_REFERRER_PHYSIOTHERAPIST: return _("Physiotherapist");
    case CRN_REFERRER_OWN_PATIENT:     return _("Own patient");
    case CRN_REFERRER_OTHER:           return _("Other");
    case CRN_REFERRER_N:
    default:                           return _("Unknown");
    }
}

/**
 * crn_restriction_to_string:
 * @restriction: a #CrnRestriction
 *
 * Returns: "none", "children", "adults" or "other", or %NULL.
 */
const char *
crn_restriction_to_string (CrnRestriction restriction)
{
  return LOOKUP_CODE (restriction_codes, restriction);
}

/**
 * crn_restriction_from_string:
 * @str: a restriction code
 * @out: (out) (optional): the restriction
 *
 * Returns: %TRUE if @str is a known code
 */
gboolean
crn_restriction_from_string (const char     *str,
                             CrnRestriction *out)
{
  int v;

  if (!lookup_value (restriction_codes, G_N_ELEMENTS (restriction_codes), str, &v))
    return FALSE;
  if (out != NULL)
    *out = (CrnRestriction) v;
  return TRUE;
}
