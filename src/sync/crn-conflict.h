/* crn-conflict.h: what to do when the server changed something the user changed offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules are written in docs/ARCHITECTURE.md, "Sync conflicts".
 */
#pragma once

#include "crn-core.h"

G_BEGIN_DECLS

/**
 * CrnConflictDecision:
 * @CRN_CONFLICT_DONE: the server already holds the change (an earlier attempt landed)
 * @CRN_CONFLICT_RETRY: send the change again on top of the server's version
 * @CRN_CONFLICT_REFUSED: the server's state wins; tell the user why
 */
typedef enum
{
  CRN_CONFLICT_DONE = 0,
  CRN_CONFLICT_RETRY,
  CRN_CONFLICT_REFUSED,
} CrnConflictDecision;

/* Outbox kinds (CrnOutboxEntry.kind) the sync layer knows. */
#define CRN_CHANGE_SLOT_UPDATE     "slot.update"
#define CRN_CHANGE_SLOT_RECLAIM    "slot.reclaim"
#define CRN_CHANGE_BOOKING_CREATE  "booking.create"
#define CRN_CHANGE_BOOKING_ACCEPT  "booking.accept"
#define CRN_CHANGE_BOOKING_DECLINE "booking.decline"
#define CRN_CHANGE_BOOKING_OUTCOME "booking.outcome"
#define CRN_CHANGE_BOOKING_CANCEL  "booking.cancel"
#define CRN_CHANGE_BOOKING_EDIT    "booking.edit"
#define CRN_CHANGE_TEMPLATE_PUT    "template.put"

CrnConflictDecision crn_conflict_decide_slot    (const char        *kind,
                                                 const CrnSlot     *wanted,
                                                 const CrnSlot     *server,
                                                 CrnSlot          **rebased,
                                                 char             **message);

CrnConflictDecision crn_conflict_decide_booking (const char        *kind,
                                                 const CrnBooking  *wanted,
                                                 const CrnBooking  *server,
                                                 gint64             changed_ms,
                                                 CrnBooking       **rebased,
                                                 char             **message);

/* "14:02" in Europe/Paris for @ms (0 = unknown: NULL). */
char               *crn_conflict_format_time    (gint64             ms);

G_END_DECLS
