/* crn-fhir-private.h: helpers shared by the files of the FHIR layer (not installed, not API)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir.h"

G_BEGIN_DECLS

/* ---- code tables (wire vocabulary) ---------------------------------------------------- */

typedef struct
{
  const char *code;
  guint       value;
} CrnFhirCode;

/* Returns the code for @value, or NULL. */
const char *_crn_fhir_code_for    (const CrnFhirCode *table,
                                   guint              value);
/* Looks @code up; FALSE when unknown. */
gboolean    _crn_fhir_value_for   (const CrnFhirCode *table,
                                   const char        *code,
                                   guint             *value);

extern const CrnFhirCode _crn_fhir_visibility_codes[];
extern const CrnFhirCode _crn_fhir_modality_codes[];
extern const CrnFhirCode _crn_fhir_restriction_codes[];
extern const CrnFhirCode _crn_fhir_slot_status_codes[];
extern const CrnFhirCode _crn_fhir_appointment_status_codes[];
extern const CrnFhirCode _crn_fhir_participation_codes[];
extern const CrnFhirCode _crn_fhir_referrer_codes[];

/* ---- reading, strictly ----------------------------------------------------------------- */

char       *_crn_fhir_path            (const char  *base,
                                       const char  *member);
char       *_crn_fhir_path_index      (const char  *base,
                                       guint        index);

/* Checks resourceType == @type and returns the root object. */
JsonObject *_crn_fhir_expect_resource (JsonNode    *node,
                                       const char  *type,
                                       GError     **error);

/* Each reader: an absent member (or JSON null) gives NULL / FALSE in *present and succeeds,
 * unless @required, which gives MISSING_FIELD. A wrong JSON type gives INVALID_VALUE, an
 * over-long string or array TOO_LARGE. @base is the FHIRPath of @object. */
gboolean    _crn_fhir_read_string     (JsonObject  *object,
                                       const char  *base,
                                       const char  *member,
                                       gboolean     required,
                                       const char **out,
                                       GError     **error);
gboolean    _crn_fhir_read_object     (JsonObject  *object,
                                       const char  *base,
                                       const char  *member,
                                       gboolean     required,
                                       JsonObject **out,
                                       GError     **error);
/* An empty array counts as absent. */
gboolean    _crn_fhir_read_array      (JsonObject  *object,
                                       const char  *base,
                                       const char  *member,
                                       gboolean     required,
                                       JsonArray  **out,
                                       GError     **error);
gboolean    _crn_fhir_read_int        (JsonObject  *object,
                                       const char  *base,
                                       const char  *member,
                                       gboolean     required,
                                       gboolean    *present,
                                       gint64      *out,
                                       GError     **error);
gboolean    _crn_fhir_read_bool       (JsonObject  *object,
                                       const char  *base,
                                       const char  *member,
                                       gboolean     required,
                                       gboolean    *present,
                                       gboolean    *out,
                                       GError     **error);
/* Reads a dateTime member with offset into ms. */
gboolean    _crn_fhir_read_datetime   (JsonObject  *object,
                                       const char  *base,
                                       const char  *member,
                                       gboolean     required,
                                       gboolean    *present,
                                       gint64      *out_ms,
                                       GError     **error);
/* Array element @index must be an object (@base is the array's path). */
gboolean    _crn_fhir_array_object    (JsonArray   *array,
                                       const char  *base,
                                       guint        index,
                                       JsonObject **out,
                                       GError     **error);
gboolean    _crn_fhir_array_string    (JsonArray   *array,
                                       const char  *base,
                                       guint        index,
                                       const char **out,
                                       GError     **error);
/* meta.versionId (digits) and meta.lastUpdated; absent -> 0. */
gboolean    _crn_fhir_read_meta       (JsonObject  *resource,
                                       const char  *type,
                                       gint64      *version,
                                       gint64      *last_updated_ms,
                                       GError     **error);
/* "Type/id" -> id (a FHIR id), or FALSE with INVALID_VALUE. */
gboolean    _crn_fhir_parse_reference (const char  *reference,
                                       const char  *type,
                                       const char  *path,
                                       const char **id_start,
                                       GError     **error);
/* The first coding of a CodeableConcept in @system (urn:oid tolerant); NULL if none. */
JsonObject *_crn_fhir_find_coding     (JsonObject  *concept,
                                       const char  *system);

/* ---- building ---------------------------------------------------------------------------- */

/* Sets @member only when @value is non-NULL and non-empty. */
void        _crn_fhir_set_string      (JsonObject  *object,
                                       const char  *member,
                                       const char  *value);
void        _crn_fhir_set_object      (JsonObject  *object,
                                       const char  *member,
                                       JsonObject  *value);   /* takes ownership */
void        _crn_fhir_set_array       (JsonObject  *object,
                                       const char  *member,
                                       JsonArray   *value);   /* takes; dropped if empty */
void        _crn_fhir_array_add_object (JsonArray  *array,
                                        JsonObject *value);  /* takes ownership */
JsonObject *_crn_fhir_coding_new      (const char  *system,
                                       const char  *code,
                                       const char  *display);
/* { coding: [ {system, code} ] } plus text when non-NULL; no coding when @code is NULL. */
JsonObject *_crn_fhir_concept_new     (const char  *system,
                                       const char  *code,
                                       const char  *text);
JsonObject *_crn_fhir_reference_new   (const char  *type,
                                       const char  *id);
/* { type: { coding: [ {type_system, type_code} ] }, system, value } */
JsonObject *_crn_fhir_identifier_new  (const char  *type_system,
                                       const char  *type_code,
                                       const char  *system,
                                       const char  *value);
JsonObject *_crn_fhir_extension_new   (const char  *url);
JsonObject *_crn_fhir_resource_new    (const char  *type,
                                       const char  *id);
/* meta { versionId, lastUpdated, profile[], security[] } (security: takes ownership). */
void        _crn_fhir_set_meta        (JsonObject  *resource,
                                       const char  *profile,
                                       gint64       version,
                                       gint64       last_updated_ms,
                                       JsonArray   *security);
JsonNode   *_crn_fhir_node_take       (JsonObject  *object);
void        _crn_fhir_set_datetime    (JsonObject  *object,
                                       const char  *member,
                                       CrnInstant   instant);
/* "+33…" when @phone normalises, else @phone (never logs it). */
char       *_crn_fhir_phone           (const char  *phone);

/* Restriction as a valueCodeableConcept (shared by Slot and Schedule). */
JsonObject *_crn_fhir_restriction_new (CrnRestriction restriction,
                                       const char    *text);
gboolean    _crn_fhir_restriction_read (JsonObject    *concept,
                                        const char    *path,
                                        CrnRestriction *restriction,
                                        char         **text,
                                        GError       **error);

/* Instant in seconds -> ms, and back (floor). */
#define CRN_FHIR_MS(instant) ((gint64) (instant) * 1000)
gint64      _crn_fhir_floor_div       (gint64 a,
                                       gint64 b);

/* Dates outside these years are refused: nothing in an agenda (nor a living patient's birth
 * date) lies there, and the calendar code of GLib and core need not meet year 1 or 9999. */
#define CRN_FHIR_MIN_YEAR 1900
#define CRN_FHIR_MAX_YEAR 2199

/* A FHIR date/dateTime split into parts, precision 1 = year … 4 = minute, 5 = second,
 * 6 = fraction. With @plus_tolerant, a space or "%2B" before the offset is read as "+". */
typedef struct
{
  int      year, month, day, hour, minute, second, ms;
  int      precision;
  gboolean has_offset;
  int      offset_minutes;
} CrnFhirDateParts;

gboolean    _crn_fhir_scan_date       (const char       *text,
                                       gboolean          plus_tolerant,
                                       CrnFhirDateParts *out);
/* First ms of the parts' implicit range and first ms after it (no offset: Europe/Paris). */
void        _crn_fhir_date_parts_range (const CrnFhirDateParts *parts,
                                        gint64                 *low_ms,
                                        gint64                 *high_ms);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
gint64      _crn_fhir_days_from_civil (int year,
                                       int month,
                                       int day);

G_END_DECLS
