/* crn-fhir-appointment.h: Appointment <-> CrnBooking (GAP), and the SAS INT_R03 shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"
#include "crn-fhir-writer.h"

G_BEGIN_DECLS

/**
 * CrnFhirAppointmentOptions:
 * @identifier_system: system of Appointment.identifier (value = booking id), normally base
 *   URL + "/sid/appointment"; required by crn_fhir_appointment_build_sas()
 * @practitioner_id: (nullable): Practitioner participant id; %NULL =
 *   crn_fhir_practitioner_id()
 * @role_id: (nullable): PractitionerRole participant id; %NULL = no PractitionerRole
 *   participant (a CrnBooking does not know its place)
 * @cpts: whether the booking went through a CPTS: adds the SAS orientation category
 *   TRE_R66 604 to a %CRN_REFERRER_SAS booking
 */
typedef struct
{
  const char *identifier_system;
  const char *practitioner_id;
  const char *role_id;
  gboolean    cpts;
} CrnFhirAppointmentOptions;

/**
 * CrnFhirAppointmentInfo:
 * @slot_ids: ids of the Slot references (%NULL-terminated, never %NULL after a parse)
 * @role_id: id of the PractitionerRole participant, or %NULL
 * @identifier_system: system of the first identifier, or %NULL
 *
 * What a parse found besides the CrnBooking. Clear with crn_fhir_appointment_info_clear().
 */
typedef struct
{
  GStrv  slot_ids;
  char  *role_id;
  char  *identifier_system;
} CrnFhirAppointmentInfo;

void        crn_fhir_appointment_info_clear (CrnFhirAppointmentInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrnFhirAppointmentInfo, crn_fhir_appointment_info_clear)

/**
 * crn_fhir_appointment_build:
 * @booking: a booking
 * @options: (nullable): systems and ids
 *
 * The GAP Appointment (profile %CRN_FHIR_PROFILE_GAP_APPOINTMENT) synchronised between the
 * app and the server: id and identifier = booking id; meta.versionId/lastUpdated when
 * version > 0; contained Patient "#pat" (name family/given, birthDate, telecom phone as
 * "+33…" when it normalises); participants: the patient (accepted), the PractitionerRole
 * (when given) and the Practitioner (reference + IDNPS identifier), both with
 * practitioner_status; status; slot reference (when slot_id); start/end; minutesDuration;
 * created; description = reason; cancelationReason.text = cancel_reason. Extensions:
 *
 * - FrCore 2.x appointment-operator (%CRN_FHIR_EXT_OPERATOR): valueReference.identifier =
 *   operator_id (type IDNPS, system %CRN_FHIR_OID_IDNPS when it is an IDNPS, else type
 *   INTRN, system %CRN_FHIR_OID_SAS), display = referrer_name; absent when both are %NULL;
 * - SAS orientation category TRE_R66 604 when @options->cpts and referrer is SAS;
 * - %CRN_FHIR_EXT_REFERRER (`…/appointment-referrer`): valueCoding in %CRN_FHIR_CS_REFERRER,
 *   code `sas`, `pharmacy`, `emergency`, `nurse`, `physiotherapist`, `own-patient` or
 *   `other` — always present;
 * - %CRN_FHIR_EXT_REQUESTED_AT (`…/appointment-requested-at`): valueDateTime, when known;
 * - %CRN_FHIR_EXT_EXTRA_PATIENT (`…/appointment-extra-patient`): valueBoolean true for an
 *   extra patient (surnuméraire), absent otherwise.
 *
 * Returns: (transfer full): the Appointment.
 */
JsonNode   *crn_fhir_appointment_build     (const CrnBooking                *booking,
                                            const CrnFhirAppointmentOptions *options);

/**
 * crn_fhir_appointment_write:
 * @writer: where the Appointment goes
 * @name: (nullable): its member name, %NULL in an array or at the top
 * @booking: a booking, as for crn_fhir_appointment_build()
 * @options: (nullable): as for crn_fhir_appointment_build()
 *
 * Writes the Appointment crn_fhir_appointment_build() builds, byte for byte as json-glib
 * would generate it, with no JsonNode tree in between (the apps' first pull writes
 * thousands of them).
 */
void        crn_fhir_appointment_write     (CrnFhirWriter                   *writer,
                                            const char                      *name,
                                            const CrnBooking                *booking,
                                            const CrnFhirAppointmentOptions *options);

/**
 * crn_fhir_appointment_parse:
 * @node: an Appointment
 * @info: (out caller-allocates) (optional): must be zero-initialised, is cleared first
 * @error: return location for a #GError
 *
 * Strict: resourceType Appointment, `status` (appointmentstatus), `start` and `end` (end after
 * start), a Practitioner participant (identifier IDNPS, "8"+RPPS, system with or without
 * "urn:oid:", or a "Practitioner/pract-<IDNPS>" reference) with a participationstatus,
 * and a contained Patient referenced by a participant with family, given and birthDate.
 * Booking id = first identifier value, else `id`. Both operator extension URLs are accepted.
 * Referrer = the local extension, else SAS when an orientation category or an operator is
 * present, else OTHER.
 *
 * Returns: (transfer full): the booking, or %NULL with @error set.
 */
CrnBooking *crn_fhir_appointment_parse     (JsonNode                        *node,
                                            CrnFhirAppointmentInfo          *info,
                                            GError                         **error);

/**
 * crn_fhir_appointment_build_sas:
 * @booking: a booking made by SAS regulation (operator_id set)
 * @identifier_system: the editor's system for the business identifier
 *
 * The FrAppointmentSAS body the CPTS server POSTs / PUTs to the SAS platform (INT_R03): no
 * id, no Patient, profile %CRN_FHIR_PROFILE_SAS_APPOINTMENT, operator extension
 * %CRN_FHIR_EXT_OPERATOR_SAS with type coding in %CRN_FHIR_CS_V2_0203_SAS, identifier,
 * status, start, end, created, one participant with actor.identifier (IDNPS) and status.
 *
 * Returns: (transfer full): the Appointment.
 */
JsonNode   *crn_fhir_appointment_build_sas (const CrnBooking *booking,
                                            const char       *identifier_system);

G_END_DECLS
