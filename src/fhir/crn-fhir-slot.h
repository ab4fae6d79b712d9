/* crn-fhir-slot.h: Slot <-> CrnSlot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"
#include "crn-fhir-writer.h"

G_BEGIN_DECLS

/**
 * CrnFhirSlotOptions:
 * @identifier_system: (nullable): system of Slot.identifier, normally base URL +
 *   "/sid/slot"; %NULL = no identifier. Its value is the slot id.
 * @schedule_id: (nullable): id for Slot.schedule; %NULL = crn_fhir_schedule_id()
 *   (practitioner, place_id)
 * @booking_url: (nullable): Slot.comment (the booking page URL); %NULL = omitted
 * @healthcare_service_ids: (nullable) (array zero-terminated=1): HealthcareService ids of
 *   the CPTS the slot is shown to; one TRE_R66 604 serviceType entry each, only when the slot
 *   has %CRN_VISIBILITY_CPTS
 * @service_text: (nullable): a `{ "text": … }` serviceType entry (the motif); %NULL = none
 * @profile: (nullable): meta.profile; %NULL = none. For SAS answers use
 *   %CRN_FHIR_PROFILE_SAS_CPTS_SLOT (or %CRN_FHIR_PROFILE_SAS_SLOT for a slot without CPTS)
 *
 * What the caller knows about a slot that CrnSlot does not hold. All may be %NULL; a zeroed
 * struct (or %NULL) gives a valid GAP Slot.
 */
typedef struct
{
  const char         *identifier_system;
  const char         *schedule_id;
  const char         *booking_url;
  const char * const *healthcare_service_ids;
  const char         *service_text;
  const char         *profile;
} CrnFhirSlotOptions;

/**
 * CrnFhirSlotInfo:
 * @schedule_id: id from Slot.schedule ("Schedule/<id>"), always set after a parse
 * @booking_url: Slot.comment, or %NULL
 * @healthcare_service_ids: HealthcareService ids of the TRE_R66 604 serviceType entries
 *   (%NULL-terminated, maybe empty, never %NULL after a parse)
 * @identifier_system: system of the first Slot.identifier, or %NULL
 * @identifier_value: its value, or %NULL
 *
 * What a parse found besides the CrnSlot. Clear with crn_fhir_slot_info_clear().
 */
typedef struct
{
  char   *schedule_id;
  char   *booking_url;
  GStrv   healthcare_service_ids;
  char   *identifier_system;
  char   *identifier_value;
} CrnFhirSlotInfo;

void      crn_fhir_slot_info_clear (CrnFhirSlotInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrnFhirSlotInfo, crn_fhir_slot_info_clear)

/**
 * crn_fhir_slot_build:
 * @slot: a slot (id, start, end set)
 * @options: (nullable): what CrnSlot does not hold
 *
 * Builds a Slot: `id` = slot id; meta.versionId/lastUpdated when @slot->version > 0;
 * meta.security = one TRE_R314 coding per visibility flag (PUBLIC, PRO, SNP, CPTS);
 * serviceType = one v3-ActCode entry per modality (AMB, VR, HH), then the CPTS entries,
 * then the motif; specialty TRE_R38 SM54 (general practice); appointmentType v2-0276
 * ROUTINE; schedule; status; start/end as
 * "YYYY-MM-DDThh:mm:ss.000+01:00" (Europe/Paris); comment; and local extensions:
 *
 * - %CRN_FHIR_EXT_RESTRICTION (`…/StructureDefinition/slot-restriction`): valueCodeableConcept
 *   with a coding in %CRN_FHIR_CS_RESTRICTION (`children`, `adults`, `other`) and `text` =
 *   restriction_text; absent when the slot has no restriction.
 * - %CRN_FHIR_EXT_TEMPLATE_BLOCK (`…/StructureDefinition/slot-template-block`): valueString =
 *   the template block id; absent when the slot was not made from a template.
 *
 * Returns: (transfer full): the Slot.
 */
JsonNode *crn_fhir_slot_build      (const CrnSlot            *slot,
                                    const CrnFhirSlotOptions *options);

/**
 * crn_fhir_slot_write:
 * @writer: where the Slot goes
 * @name: (nullable): its member name, %NULL in an array or at the top
 * @slot: a slot, as for crn_fhir_slot_build()
 * @options: (nullable): as for crn_fhir_slot_build()
 *
 * Writes the Slot crn_fhir_slot_build() builds, byte for byte as json-glib would generate
 * it, with no JsonNode tree in between (the SAS search writes hundreds of them).
 */
void      crn_fhir_slot_write      (CrnFhirWriter            *writer,
                                    const char               *name,
                                    const CrnSlot            *slot,
                                    const CrnFhirSlotOptions *options);

/**
 * crn_fhir_slot_parse:
 * @node: a Slot
 * @info: (out caller-allocates) (optional): what CrnSlot does not hold; must be
 *   zero-initialised (`g_auto(CrnFhirSlotInfo) info = { 0 };`), is cleared first
 * @error: return location for a #GError
 *
 * Strict: resourceType must be Slot; `start`, `end` (with offsets), `status` and `schedule`
 * are required; end must be after start; status must be a FHIR slotstatus; every
 * meta.security coding in the TRE_R314 system (URL, "urn:oid:1.2.250.1.213.3.3.71" or the
 * bare OID) must be PUBLIC, PRO, SNP or CPTS (labels of other systems are ignored); v3-ActCode
 * serviceType codes must be AMB, VR or HH. A slot without modality gets AMB.
 *
 * The slot id is `id`, else the value of the first identifier. practitioner and place_id
 * come from the schedule reference when it follows crn_fhir_schedule_id(); otherwise they
 * are %NULL and the caller resolves @info->schedule_id. Errors name the element
 * (crn_fhir_error_get_expression()).
 *
 * Returns: (transfer full): the slot, or %NULL with @error set.
 */
CrnSlot  *crn_fhir_slot_parse      (JsonNode                 *node,
                                    CrnFhirSlotInfo          *info,
                                    GError                  **error);

G_END_DECLS
