/* crn-change.h: outbox entries for the user's changes, and their FHIR requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "crn-conflict.h"
#include "crn-core.h"
#include "crn-store-types.h"

G_BEGIN_DECLS

/* The resources a change can be about. */
typedef enum
{
  CRN_CHANGE_TARGET_SLOT = 0,
  CRN_CHANGE_TARGET_BOOKING,
  CRN_CHANGE_TARGET_TEMPLATE,
} CrnChangeTarget;

CrnOutboxEntry *crn_change_new_slot       (const char            *kind,
                                           const CrnSlot         *slot);
CrnOutboxEntry *crn_change_new_booking    (const char            *kind,
                                           const CrnBooking      *booking);
CrnOutboxEntry *crn_change_new_template   (const CrnTemplate     *template);

gboolean        crn_change_get_target     (const char            *kind,
                                           CrnChangeTarget       *target);

/* The domain object an entry carries (parsed from its payload). */
CrnSlot        *crn_change_parse_slot     (const CrnOutboxEntry  *entry,
                                           GError               **error);
CrnBooking     *crn_change_parse_booking  (const CrnOutboxEntry  *entry,
                                           GError               **error);
CrnTemplate    *crn_change_parse_template (const CrnOutboxEntry  *entry,
                                           GError               **error);

/* FHIR resources as the app sends them. */
JsonNode       *crn_change_build_slot     (const CrnSlot         *slot);
JsonNode       *crn_change_build_booking  (const CrnBooking      *booking,
                                           const char            *server_url);
JsonNode       *crn_change_build_template (const CrnTemplate     *template);

/* "<server>/fhir/sid/appointment" */
char           *crn_change_appointment_system (const char        *server_url);

G_END_DECLS
