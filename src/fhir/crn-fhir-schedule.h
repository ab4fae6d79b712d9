/* crn-fhir-schedule.h: Schedule (FrCore availabilityTime) <-> CrnTemplate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"

G_BEGIN_DECLS

/**
 * CRN_FHIR_OPEN_REFERENCE_DATE:
 *
 * A block whose valid_from is open starts its first occurrence on the first matching weekday
 * on or after this local date (a Monday, 2024-01-01). On parsing, validFrom comes from the
 * local extension when present (absent there = open); a window from another declarer
 * (no local extension) is valid from the local date of its start, or open when that date is
 * in the reference week.
 */
#define CRN_FHIR_OPEN_REFERENCE_YEAR  2024
#define CRN_FHIR_OPEN_REFERENCE_MONTH 1
#define CRN_FHIR_OPEN_REFERENCE_DAY   1

/**
 * CrnFhirScheduleOptions:
 * @identifier_system: (nullable): system of Schedule.identifier (value = template id),
 *   normally base URL + "/sid/schedule"; %NULL = no identifier
 * @availability_system: (nullable): system of each availabilityTime identifier (value =
 *   block or exception id), normally base URL + "/sid/availability"; %NULL = value only
 * @schedule_id: (nullable): Schedule.id; %NULL = crn_fhir_schedule_id()
 * @practitioner_id: (nullable): actor Practitioner id; %NULL = crn_fhir_practitioner_id()
 * @role_id: (nullable): actor PractitionerRole id; %NULL = crn_fhir_practitioner_role_id()
 * @profile: (nullable): meta.profile; %NULL = %CRN_FHIR_PROFILE_GAP_SCHEDULE
 */
typedef struct
{
  const char *identifier_system;
  const char *availability_system;
  const char *schedule_id;
  const char *practitioner_id;
  const char *role_id;
  const char *profile;
} CrnFhirScheduleOptions;

/**
 * CrnFhirScheduleInfo:
 * @schedule_id: Schedule.id or %NULL
 * @practitioner_id: id of the Practitioner actor, or %NULL
 * @role_id: id of the PractitionerRole actor, or %NULL
 *
 * What a parse found besides the CrnTemplate. Clear with crn_fhir_schedule_info_clear().
 */
typedef struct
{
  char *schedule_id;
  char *practitioner_id;
  char *role_id;
} CrnFhirScheduleInfo;

void         crn_fhir_schedule_info_clear (CrnFhirScheduleInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrnFhirScheduleInfo, crn_fhir_schedule_info_clear)

/**
 * crn_fhir_schedule_build:
 * @template: a template (one GP, one place)
 * @options: (nullable): ids and systems
 *
 * Builds one Schedule: actor = Practitioner + PractitionerRole, identifier = template id,
 * specialty TRE_R38 SM54 (general practice),
 * meta.versionId/lastUpdated when @template->version > 0, and one FrCore availabilityTime
 * extension per block and per exception:
 *
 * - a block: type `free`, identifier = block id, start/end = its first occurrence (first
 *   matching weekday on or after valid_from, or after %CRN_FHIR_OPEN_REFERENCE_YEAR-01-01
 *   when open, on which its hours exist: not in the hour skipped for summer time), rrule freq `WEEKLY`, one `byDay` (MO…SU) per weekday, one `byMonth` per
 *   month when @months is not 0, `until` = valid_until 23:59:59 local when set;
 * - an absence: type `busy-unavailable`, priority 1, start/end, unavailabilityReason.text;
 * - an extra block: type `free`, start/end, no rrule.
 *
 * What FrCore does not carry travels in one nested local extension per window,
 * %CRN_FHIR_EXT_AVAILABILITY_SNP (`…/StructureDefinition/availability-snp`), with
 * sub-extensions `slotMinutes` or `patients` (valuePositiveInt), `modality` (valueCode
 * AMB/VR/HH, repeated), `visibility` (valueCode PUBLIC/PRO/SNP/CPTS, repeated; none = own
 * patients), `restriction` (valueCodeableConcept as on Slot) and `validFrom` (valueDate,
 * only when set). The slot length is per block in that extension; in addition, for other
 * readers, the Schedule carries one FrCore serviceTypeDuration with the slot length of the
 * first block cut by length (text "Consultation de soins non programmés").
 *
 * Returns: (transfer full): the Schedule.
 */
JsonNode    *crn_fhir_schedule_build      (const CrnTemplate            *template,
                                           const CrnFhirScheduleOptions *options);

/**
 * crn_fhir_schedule_parse:
 * @node: a Schedule
 * @info: (out caller-allocates) (optional): actor ids; must be zero-initialised, is
 *   cleared first
 * @error: return location for a #GError
 *
 * Reads a Schedule written by crn_fhir_schedule_build() or by another GAP declarer.
 * Template id = the first identifier's value, else Schedule.id. Practitioner = the IDNPS of
 * the Practitioner actor ("pract-<IDNPS>"), place = from the PractitionerRole or Schedule
 * id when they follow the conventions, else %NULL (see @info). For each availabilityTime:
 * `type` `free` with an rrule -> block (freq must be WEEKLY, byDay required, hours from the
 * local wall-clock start/end); `free` without rrule -> extra exception;
 * `busy-unavailable` -> absence. Windows without the local extension get the slot length of
 * the first serviceTypeDuration (required then), modality AMB and visibility SNP.
 * Unsupported recurrences (DAILY, MONTHLY, interval != 1, count…) are refused with
 * %CRN_FHIR_ERROR_INVALID_VALUE rather than misread.
 *
 * Returns: (transfer full): the template, or %NULL with @error set.
 */
CrnTemplate *crn_fhir_schedule_parse      (JsonNode                     *node,
                                           CrnFhirScheduleInfo          *info,
                                           GError                      **error);

/**
 * crn_fhir_schedule_build_sas:
 * @schedule_id: Schedule.id
 * @practitioner_id: Practitioner id
 * @role_id: PractitionerRole id
 *
 * The FrScheduleAgregateur shape of the SAS search bundle: id, profile and the two actors.
 *
 * Returns: (transfer full): the Schedule.
 */
JsonNode    *crn_fhir_schedule_build_sas  (const char *schedule_id,
                                           const char *practitioner_id,
                                           const char *role_id);

G_END_DECLS
