/* crn-core-error.c: the error domain of the domain core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "crn-core-error.h"

G_DEFINE_QUARK (crn-core-error-quark, crn_core_error)

/**
 * crn_core_error_rule_name:
 * @code: a #CrnCoreError
 *
 * Returns: a stable, machine-readable name of the rule, or "unknown".
 */
const char *
crn_core_error_rule_name (CrnCoreError code)
{
  switch (code)
    {
    case CRN_CORE_ERROR_INVALID:            return "invalid";
    case CRN_CORE_ERROR_OUTSIDE_SNP_HOURS:  return "snp-hours";
    case CRN_CORE_ERROR_BOOKING_CLOSED:     return "booking-closed";
    case CRN_CORE_ERROR_TOO_FAR_AHEAD:      return "horizon";
    case CRN_CORE_ERROR_IN_THE_PAST:        return "in-the-past";
    case CRN_CORE_ERROR_EXCLUDED_REASON:    return "excluded-reason";
    case CRN_CORE_ERROR_NOT_VISIBLE:        return "not-visible";
    case CRN_CORE_ERROR_RESTRICTED:         return "restriction";
    case CRN_CORE_ERROR_SLOT_NOT_FREE:      return "slot-not-free";
    case CRN_CORE_ERROR_RECLAIM_NOT_YET:    return "reclaim-window";
    case CRN_CORE_ERROR_ILLEGAL_TRANSITION: return "illegal-transition";
    case CRN_CORE_ERROR_OVERLAP:            return "overlap";
    default:                                return "unknown";
    }
}
