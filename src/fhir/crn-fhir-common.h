/* crn-fhir-common.h: JSON entry points, limits, canonical URLs and logical id conventions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "crn-core.h"
#include "crn-fhir-error.h"

G_BEGIN_DECLS

/* Limits: anything over them is refused with CRN_FHIR_ERROR_TOO_LARGE. */
#define CRN_FHIR_MAX_DOCUMENT_BYTES  (8 * 1024 * 1024)  /* one JSON body */
#define CRN_FHIR_MAX_DEPTH           48                 /* nesting of arrays/objects */
#define CRN_FHIR_MAX_STRING_BYTES    4096               /* any string this layer reads */
#define CRN_FHIR_MAX_ARRAY_LENGTH    5000               /* any array, Bundle.entry included */
#define CRN_FHIR_MAX_SAS_IDENTIFIERS 25                 /* RPPS per SAS slot search */

/* Identifier systems and code systems (exact strings, see FHIR-DIGEST.md section 2). */
#define CRN_FHIR_OID_IDNPS           "urn:oid:1.2.250.1.71.4.2.1"
#define CRN_FHIR_OID_IDNST           "urn:oid:1.2.250.1.71.4.2.2"
#define CRN_FHIR_OID_SAS             "urn:oid:1.2.250.1.213.3.6"
#define CRN_FHIR_CS_TRE_R314         "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
#define CRN_FHIR_CS_TRE_R314_OID     "urn:oid:1.2.250.1.213.3.3.71"
#define CRN_FHIR_CS_TRE_R66          "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
#define CRN_FHIR_CS_TRE_R38          "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
/* Médecine générale: every Slot and Schedule of Créneaux carries it in `specialty`. */
#define CRN_FHIR_SPECIALTY_GP        "SM54"
#define CRN_FHIR_CS_ACT_CODE         "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define CRN_FHIR_CS_V2_0276          "http://terminology.hl7.org/CodeSystem/v2-0276"
#define CRN_FHIR_CS_V2_0203_FRCORE   "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
#define CRN_FHIR_CS_V2_0203_SAS      "http://interopsante.org/fhir/CodeSystem/fr-v2-0203"
#define CRN_FHIR_CS_LOCATION_ID_TYPE "http://interopsante.org/fhir/CodeSystem/fr-location-identifier-type"
#define CRN_FHIR_CS_SCHEDULE_TYPE    "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-schedule-type"
#define CRN_FHIR_CS_RFC2445          "https://www.ietf.org/rfc/rfc2445"
#define CRN_FHIR_CS_ORIENTATION_SAS  "https://interop.esante.gouv.fr/ig/fhir/sas/CodeSystem/categorie-orientation-sas-codesystem"

/* Extensions defined by others. */
#define CRN_FHIR_EXT_AVAILABILITY_TIME    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-schedule-availability-time"
#define CRN_FHIR_EXT_SERVICE_TYPE_DURATION "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-service-type-duration"
#define CRN_FHIR_EXT_OPERATOR             "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-appointment-operator"
#define CRN_FHIR_EXT_OPERATOR_SAS         "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator"
#define CRN_FHIR_EXT_ORIENTATION_SAS      "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/sas-categorie-orientation"
#define CRN_FHIR_EXT_SLOT_SERVICE_TYPE_R5 "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"

/* Profiles. */
#define CRN_FHIR_PROFILE_SAS_SLOT         "http://sas.fr/fhir/StructureDefinition/FrSlotAgregateur"
#define CRN_FHIR_PROFILE_SAS_CPTS_SLOT    "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/sas-cpts-slot-aggregator"
#define CRN_FHIR_PROFILE_SAS_SCHEDULE     "http://sas.fr/fhir/StructureDefinition/FrScheduleAgregateur"
#define CRN_FHIR_PROFILE_SAS_PRACTITIONER "http://sas.fr/fhir/StructureDefinition/FrPractitionerAgregateur"
#define CRN_FHIR_PROFILE_SAS_ROLE         "http://sas.fr/fhir/StructureDefinition/FrPractitionerRoleExerciceAgregateur"
#define CRN_FHIR_PROFILE_SAS_LOCATION     "http://sas.fr/fhir/StructureDefinition/FrLocationAgregateur"
#define CRN_FHIR_PROFILE_SAS_CPTS_HS      "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/sas-cpts-healthcareservice-aggregator"
#define CRN_FHIR_PROFILE_SAS_CPTS_ORG     "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/sas-cpts-organization-aggregator"
#define CRN_FHIR_PROFILE_SAS_CPTS_BUNDLE  "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/sas-cpts-bundle-aggregator"
#define CRN_FHIR_PROFILE_SAS_APPOINTMENT  "http://sas.fr/fhir/StructureDefinition/FrAppointmentSAS"
#define CRN_FHIR_PROFILE_GAP_SLOT         "https://interop.esante.gouv.fr/ig/fhir/gap/StructureDefinition/gap-fr-slot"
#define CRN_FHIR_PROFILE_GAP_SCHEDULE     "https://interop.esante.gouv.fr/ig/fhir/gap/StructureDefinition/gap-fr-schedule"
#define CRN_FHIR_PROFILE_GAP_APPOINTMENT  "https://interop.esante.gouv.fr/ig/fhir/gap/StructureDefinition/gap-fr-appointment"

/**
 * CRN_FHIR_LOCAL_BASE:
 *
 * Base of the extensions and code systems Créneaux defines itself, for what neither the
 * SAS nor the GAP guide carries. Every local extension URL is this base +
 * "StructureDefinition/<name>"; the names are listed next to each resource's API.
 */
#define CRN_FHIR_LOCAL_BASE              "https://creneaux.github.io/fhir/"
#define CRN_FHIR_EXT_RESTRICTION         CRN_FHIR_LOCAL_BASE "StructureDefinition/slot-restriction"
#define CRN_FHIR_EXT_TEMPLATE_BLOCK      CRN_FHIR_LOCAL_BASE "StructureDefinition/slot-template-block"
#define CRN_FHIR_EXT_AVAILABILITY_SNP    CRN_FHIR_LOCAL_BASE "StructureDefinition/availability-snp"
#define CRN_FHIR_EXT_REFERRER            CRN_FHIR_LOCAL_BASE "StructureDefinition/appointment-referrer"
#define CRN_FHIR_EXT_REQUESTED_AT        CRN_FHIR_LOCAL_BASE "StructureDefinition/appointment-requested-at"
#define CRN_FHIR_EXT_EXTRA_PATIENT       CRN_FHIR_LOCAL_BASE "StructureDefinition/appointment-extra-patient"
#define CRN_FHIR_PROFILE_POLICY          CRN_FHIR_LOCAL_BASE "StructureDefinition/cpts-policy"
#define CRN_FHIR_CS_RESTRICTION          CRN_FHIR_LOCAL_BASE "CodeSystem/restriction"
#define CRN_FHIR_CS_REFERRER             CRN_FHIR_LOCAL_BASE "CodeSystem/referrer"

/**
 * CrnFhirFlavor:
 * @CRN_FHIR_FLAVOR_GAP: FrCore 2.x URLs (app <-> CPTS server, GAP)
 * @CRN_FHIR_FLAVOR_SAS: FrCore 1.1.0 / interopsante URLs (what the SAS platform expects)
 *
 * Which generation of French code system URLs to emit. Parsers accept both.
 */
typedef enum
{
  CRN_FHIR_FLAVOR_GAP = 0,
  CRN_FHIR_FLAVOR_SAS,
} CrnFhirFlavor;

/**
 * crn_fhir_parse:
 * @data: UTF-8 JSON text
 * @length: length of @data in bytes, or -1 if nul-terminated
 * @error: return location for a #GError
 *
 * Parses one JSON document with json-glib after checking the limits (size
 * %CRN_FHIR_MAX_DOCUMENT_BYTES, nesting %CRN_FHIR_MAX_DEPTH, so that hostile input cannot
 * exhaust the stack). The root must be an object with a string `resourceType`.
 *
 * Returns: (transfer full): the root node, or %NULL with %CRN_FHIR_ERROR_INVALID_JSON,
 *   %CRN_FHIR_ERROR_TOO_LARGE or %CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE.
 */
JsonNode    *crn_fhir_parse                 (const char  *data,
                                             gssize       length,
                                             GError     **error);

/**
 * crn_fhir_parse_object:
 * @data: UTF-8 JSON text
 * @length: length of @data in bytes, or -1 if nul-terminated
 * @error: return location for a #GError
 *
 * As crn_fhir_parse(), with the same checks before json-glib reads the text (one object,
 * limits, only JSON's string escapes), without asking for a `resourceType`: for the plain
 * JSON of OAuth answers.
 *
 * Returns: (transfer full): the root object, or %NULL with %CRN_FHIR_ERROR_INVALID_JSON or
 *   %CRN_FHIR_ERROR_TOO_LARGE.
 */
JsonNode    *crn_fhir_parse_object          (const char  *data,
                                             gssize       length,
                                             GError     **error);
JsonNode    *crn_fhir_parse_bytes           (GBytes      *bytes,
                                             GError     **error);

/**
 * crn_fhir_to_string:
 * @node: a resource
 * @pretty: indent or not
 *
 * Returns: (transfer full): the JSON text (UTF-8), ready for an `application/fhir+json` body.
 */
char        *crn_fhir_to_string             (JsonNode    *node,
                                             gboolean     pretty);
GBytes      *crn_fhir_to_bytes              (JsonNode    *node);

/**
 * crn_fhir_get_resource_type:
 * @node: a JSON node
 *
 * Returns: (nullable): the `resourceType` of @node, or %NULL when @node is not an object
 *   with a string `resourceType`, or when that string is not UTF-8 (json-glib decodes a
 *   broken `\u` escape into bytes that are not; callers quote the type in messages).
 *   Owned by @node.
 */
const char  *crn_fhir_get_resource_type     (JsonNode    *node);
/* The `id` of a resource, or NULL. Owned by @node. */
const char  *crn_fhir_get_id                (JsonNode    *node);
/* Sets or replaces `id` (the server assigns ids on create). */
void         crn_fhir_set_id                (JsonNode    *node,
                                             const char  *id);
/* Sets meta.versionId ("<version>") and meta.lastUpdated (ms, Europe/Paris offset). */
void         crn_fhir_set_meta_version      (JsonNode    *node,
                                             gint64       version,
                                             gint64       last_updated_ms);

/* FHIR id syntax: [A-Za-z0-9\-\.]{1,64}. */
gboolean     crn_fhir_id_is_valid           (const char  *id);

/*
 * Logical id conventions (the server uses them so that the app can compute references):
 *   Practitioner/pract-<IDNPS>                      crn_fhir_practitioner_id()
 *   PractitionerRole/role-<IDNPS>-<place id>        crn_fhir_practitioner_role_id()
 *   Schedule/sched-<IDNPS>-<place id>               crn_fhir_schedule_id()
 * A place id must be a FHIR id of at most 44 characters (a UUID is 36). The parsers
 * recognise these forms to fill CrnSlot.practitioner / place_id; a reference in another
 * form is reported in the parse info structs so that the caller can resolve it.
 */
char        *crn_fhir_practitioner_id       (const char  *idnps);
char        *crn_fhir_practitioner_role_id  (const char  *idnps,
                                             const char  *place_id);
char        *crn_fhir_schedule_id           (const char  *idnps,
                                             const char  *place_id);
/* Splits "sched-<IDNPS>-<place>" or "role-<IDNPS>-<place>" (prefix given); FALSE if not
 * of that form. Out parameters may be NULL. */
gboolean     crn_fhir_split_role_id         (const char  *id,
                                             const char  *prefix,
                                             char       **idnps,
                                             char       **place_id);

/**
 * crn_fhir_format_instant_ms:
 * @ms: milliseconds since the Unix epoch
 *
 * Returns: (transfer full): "YYYY-MM-DDThh:mm:ss.sss+hh:mm" in Europe/Paris.
 */
char        *crn_fhir_format_instant_ms     (gint64       ms);

/**
 * crn_fhir_parse_datetime_ms:
 * @text: a FHIR dateTime/instant with seconds and an offset or "Z" (fraction optional)
 * @out_ms: (out): milliseconds since the Unix epoch
 * @expression: (nullable): FHIRPath named in the error
 * @error: return location for a #GError
 *
 * Strict: a date alone, a dateTime without an offset, or a year outside 1900–2199 is refused
 * (%CRN_FHIR_ERROR_INVALID_VALUE). Fractions beyond milliseconds are truncated.
 */
gboolean     crn_fhir_parse_datetime_ms     (const char  *text,
                                             gint64      *out_ms,
                                             const char  *expression,
                                             GError     **error);

/* "urn:oid:1.2.3" for "1.2.3"; anything that is not a bare OID is returned as is. */
char        *crn_fhir_normalize_system      (const char  *system);
/* Whether two identifier systems are the same, tolerating a missing "urn:oid:" prefix. */
gboolean     crn_fhir_system_equal          (const char  *a,
                                             const char  *b);

G_END_DECLS
