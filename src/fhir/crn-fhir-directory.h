/* crn-fhir-directory.h: Practitioner, PractitionerRole (+ Location), Organization,
 * HealthcareService, and the CPTS policy as a Parameters resource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"

G_BEGIN_DECLS

/**
 * crn_fhir_practitioner_build:
 * @practitioner: a GP (idnps, family, given; phone optional)
 * @flavor: %CRN_FHIR_FLAVOR_SAS adds the FrPractitionerAgregateur profile and the
 *   interopsante IDNPS type system; %CRN_FHIR_FLAVOR_GAP uses FrCore 2.x
 *
 * id = crn_fhir_practitioner_id(); identifier IDNPS (type, system, value); name
 * family/given; telecom phone "+33…" when it normalises.
 *
 * Returns: (transfer full): the Practitioner.
 */
JsonNode        *crn_fhir_practitioner_build      (const CrnPractitioner *practitioner,
                                                   CrnFhirFlavor          flavor);

/**
 * crn_fhir_practitioner_parse:
 * @node: a Practitioner
 * @error: return location for a #GError
 *
 * Reads the IDNPS identifier (system with or without "urn:oid:"; an 11-digit RPPS is
 * prefixed with "8"), name family/given and the first phone. Regulator accounts (INT_R02)
 * without an IDNPS are refused with %CRN_FHIR_ERROR_MISSING_FIELD on
 * "Practitioner.identifier"; the server reads those itself.
 *
 * Returns: (transfer full): the practitioner, or %NULL with @error set.
 */
CrnPractitioner *crn_fhir_practitioner_parse      (JsonNode              *node,
                                                   GError               **error);

/**
 * crn_fhir_practitioner_role_build:
 * @practitioner: the GP (idnps; organization = IDNST of the practice, may be %NULL)
 * @place: the place of consultation
 * @location_system: (nullable): system of the Location identifier, normally base URL +
 *   "/sid/location"
 * @flavor: SAS adds the aggregator profiles and interopsante type systems
 *
 * id = crn_fhir_practitioner_role_id(); contained Location "loc" (identifier type INTRN =
 * place id, name, address line/city/postalCode), location = "#loc", practitioner reference,
 * organization.identifier = IDNST when known, telecom phone when known.
 *
 * Returns: (transfer full): the PractitionerRole.
 */
JsonNode        *crn_fhir_practitioner_role_build (const CrnPractitioner *practitioner,
                                                   const CrnPlace        *place,
                                                   const char            *location_system,
                                                   CrnFhirFlavor          flavor);

/**
 * crn_fhir_organization_build:
 * @id: Organization.id
 * @idnst: "1"+FINESS of the CPTS
 * @name: (nullable): name
 * @phone: (nullable): phone ("+33…" when it normalises)
 *
 * The sas-cpts-organization-aggregator shape: identifier IDNST (FrCore 2.x type system, as
 * in the SAS CPTS example), name, telecom.
 *
 * Returns: (transfer full): the Organization.
 */
JsonNode        *crn_fhir_organization_build      (const char *id,
                                                   const char *idnst,
                                                   const char *name,
                                                   const char *phone);

/**
 * crn_fhir_healthcare_service_build:
 * @id: HealthcareService.id
 * @organization_id: id of the CPTS Organization (providedBy)
 * @name: (nullable): name
 *
 * Returns: (transfer full): the sas-cpts-healthcareservice-aggregator HealthcareService.
 */
JsonNode        *crn_fhir_healthcare_service_build (const char *id,
                                                    const char *organization_id,
                                                    const char *name);

/**
 * crn_fhir_policy_build:
 * @policy: a CPTS policy
 * @id: (nullable): Parameters.id, e.g. the CPTS id
 *
 * The CPTS policy as a `Parameters` resource (meta.profile %CRN_FHIR_PROFILE_POLICY), chosen
 * over Basic because named, typed parameters need no extension. Parameters, in this order:
 * `snpWindow` x7 (parts `day` valueCode mon…sun, `open` and `close` valueTime "hh:mm:ss";
 * open == close = no SNP that day), `reclaimMinutes`, `bookingClosesMinutes`, `horizonHours`
 * (valueUnsignedInt), `needsConfirmation` (valueBoolean), `excludedReason` (valueString, one
 * per reason).
 *
 * Returns: (transfer full): the Parameters.
 */
JsonNode        *crn_fhir_policy_build            (const CrnPolicy *policy,
                                                   const char      *id);

/**
 * crn_fhir_policy_parse:
 * @node: a Parameters written by crn_fhir_policy_build()
 * @error: return location for a #GError
 *
 * Strict: every parameter but `excludedReason` exactly once, the seven days each once, times
 * on the minute, unknown parameter names refused (%CRN_FHIR_ERROR_UNKNOWN_CODE).
 *
 * Returns: (transfer full): the policy, or %NULL with @error set.
 */
CrnPolicy       *crn_fhir_policy_parse            (JsonNode        *node,
                                                   GError         **error);

G_END_DECLS
