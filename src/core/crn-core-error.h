/* crn-core-error.h: the error domain of the domain core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRN_CORE_ERROR (crn_core_error_quark ())

/**
 * CrnCoreError:
 *
 * Every rule of the domain that can refuse something has its own code, so that the server
 * can name the rule (422 business-rule) and the app can explain it. The GError message is a
 * translated sentence for a person: what happened and what to do.
 */
typedef enum
{
  CRN_CORE_ERROR_INVALID = 1,            /* malformed value (bad time, empty name…) */
  CRN_CORE_ERROR_OUTSIDE_SNP_HOURS,      /* block or slot outside the CPTS SNP window */
  CRN_CORE_ERROR_BOOKING_CLOSED,         /* regulation booking closes N min before start */
  CRN_CORE_ERROR_TOO_FAR_AHEAD,          /* beyond the care horizon (48 h) */
  CRN_CORE_ERROR_IN_THE_PAST,            /* the slot has already started */
  CRN_CORE_ERROR_EXCLUDED_REASON,        /* reason not covered by SNP (renewals…) */
  CRN_CORE_ERROR_NOT_VISIBLE,            /* slot kept for own patients / not for this referrer */
  CRN_CORE_ERROR_RESTRICTED,             /* patient does not match the restriction (age) */
  CRN_CORE_ERROR_SLOT_NOT_FREE,          /* already held by a booking */
  CRN_CORE_ERROR_RECLAIM_NOT_YET,        /* reclaim window not open yet */
  CRN_CORE_ERROR_ILLEGAL_TRANSITION,     /* booking state machine refuses the action */
  CRN_CORE_ERROR_OVERLAP,                /* two blocks of one template overlap */
} CrnCoreError;

GQuark crn_core_error_quark (void);

/**
 * crn_core_error_rule_name:
 * @code: a #CrnCoreError
 *
 * Returns: a stable, machine-readable name of the rule ("snp-hours", "booking-closed",
 *   "reclaim-window"…), used by the server in OperationOutcome diagnostics.
 */
const char *crn_core_error_rule_name (CrnCoreError code);

G_END_DECLS
