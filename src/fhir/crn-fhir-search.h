/* crn-fhir-search.h: FHIR search parameter values (date, token, OR lists)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"

G_BEGIN_DECLS

/*
 * Values here are the already URL-decoded parameter values. Errors are %CRN_FHIR_ERROR with
 * the parameter name as expression (e.g. "start"), so the server can answer 400 with an
 * OperationOutcome whose expression names the parameter.
 */

/**
 * CrnFhirPrefix:
 * FHIR search comparators supported on dates. `sa`/`eb` are read as `gt`/`lt` (the same
 * thing for an instant target); `ne` and `ap` are refused with %CRN_FHIR_ERROR_UNKNOWN_CODE.
 */
typedef enum
{
  CRN_FHIR_PREFIX_EQ = 0,
  CRN_FHIR_PREFIX_GT,
  CRN_FHIR_PREFIX_GE,
  CRN_FHIR_PREFIX_LT,
  CRN_FHIR_PREFIX_LE,
} CrnFhirPrefix;

/**
 * CrnFhirDateParam:
 * @prefix: comparator (default eq)
 * @low_ms: first millisecond of the value's implicit range
 * @high_ms: first millisecond after it
 *
 * A date search value: "ge2026-12-01" covers the whole local day [00:00, next 00:00) in
 * Europe/Paris, "2026-12-01T14:00:00+01:00" covers one second, "…T14:00:00.250+01:00" one
 * millisecond, "2026-12" a month, "2026" a year, "…T14:00+01:00" a minute.
 */
typedef struct
{
  CrnFhirPrefix prefix;
  gint64        low_ms;
  gint64        high_ms;
} CrnFhirDateParam;

/**
 * CrnFhirInstantRange:
 * @from_ms: first millisecond included, %G_MININT64 when unbounded
 * @to_ms: first millisecond excluded, %G_MAXINT64 when unbounded
 *
 * The instants a set of date conditions accepts: from_ms <= t < to_ms. Empty when
 * from_ms >= to_ms.
 */
typedef struct
{
  gint64 from_ms;
  gint64 to_ms;
} CrnFhirInstantRange;

/**
 * crn_fhir_date_param_parse:
 * @text: a value such as "ge2026-12-01T00:00:00.000+01:00"
 * @param: parameter name, for the error's expression ("start")
 * @out: (out): the parsed value
 * @error: return location for a #GError
 *
 * Accepts a year, year-month, date, or dateTime with minutes, seconds or a fraction
 * (milliseconds kept, more digits truncated), with an offset or "Z"; a dateTime without an
 * offset is read in Europe/Paris; years outside 1900–2199 are refused. The "+" trap: a "+" sent unencoded arrives as a space,
 * so "…00.000 01:00" is read as "+01:00"; a literal "%2B" (value not decoded) too.
 */
gboolean crn_fhir_date_param_parse     (const char          *text,
                                        const char          *param,
                                        CrnFhirDateParam    *out,
                                        GError             **error);

/* The instants @param accepts, e.g. ge X -> [X.low, +inf), le X -> (-inf, X.high). */
void     crn_fhir_date_param_get_range (const CrnFhirDateParam *param,
                                        CrnFhirInstantRange    *out);

/**
 * crn_fhir_date_params_to_range:
 * @values: (array length=n_values): the values of every occurrence of the parameter
 *   ("start=ge…&start=le…" gives two)
 * @n_values: their number (0 = unbounded)
 * @param: parameter name for errors
 * @out: (out): the intersection (AND) of all conditions
 * @error: return location for a #GError
 *
 * A comma in a date parameter is refused
 * (%CRN_FHIR_ERROR_INVALID_VALUE), as OR between date ranges is not supported.
 */
gboolean crn_fhir_date_params_to_range (const char * const  *values,
                                        guint                n_values,
                                        const char          *param,
                                        CrnFhirInstantRange *out,
                                        GError             **error);

gboolean crn_fhir_instant_range_contains (const CrnFhirInstantRange *range,
                                          gint64                     ms);

/**
 * CrnFhirToken:
 * @system: (nullable): identifier system, normalised with "urn:oid:" when it was a bare OID
 * @value: (nullable): the value, %NULL for "system|"
 * @has_system: %TRUE when the text had a "|": "|value" means "no system" (@system %NULL),
 *   while a bare "value" (%FALSE) means "any system"
 */
typedef struct
{
  char     *system;
  char     *value;
  gboolean  has_system;
} CrnFhirToken;

/**
 * crn_fhir_token_parse:
 * @text: "system|value", "|value", "system|" or "value" (one item, no comma)
 * @param: parameter name for errors
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the token, or %NULL with @error set (empty text, both parts
 *   empty, more than one "|", over %CRN_FHIR_MAX_STRING_BYTES).
 */
CrnFhirToken *crn_fhir_token_parse      (const char    *text,
                                         const char    *param,
                                         GError       **error);
void          crn_fhir_token_free       (CrnFhirToken  *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnFhirToken, crn_fhir_token_free)

/* Whether an identifier (@system, @value) matches @token (urn:oid-tolerant on systems). */
gboolean      crn_fhir_token_matches    (const CrnFhirToken *token,
                                         const char         *system,
                                         const char         *value);

/**
 * crn_fhir_token_get_idnps:
 * @token: a token
 *
 * Returns: (transfer full) (nullable): the IDNPS ("8"+RPPS) when @token has the IDNPS
 *   system (with or without "urn:oid:") or no system, and a value that is an IDNPS or a
 *   bare 11-digit RPPS; else %NULL.
 */
char         *crn_fhir_token_get_idnps  (const CrnFhirToken *token);

/**
 * crn_fhir_split_or_list:
 * @text: a comma-separated OR list ("a,b, c"); "\," is a literal comma
 * @max_items: refuse more than this with %CRN_FHIR_ERROR_TOO_LARGE
 * @param: parameter name for errors
 * @error: return location for a #GError
 *
 * Items are trimmed of spaces; an empty item is refused (%CRN_FHIR_ERROR_INVALID_VALUE).
 *
 * Returns: (transfer full): the items, or %NULL with @error set.
 */
GStrv         crn_fhir_split_or_list    (const char    *text,
                                         guint          max_items,
                                         const char    *param,
                                         GError       **error);

/**
 * crn_fhir_token_list_parse:
 * @text: an OR list of tokens
 * @max_items: limit (%CRN_FHIR_MAX_SAS_IDENTIFIERS for the SAS search)
 * @param: parameter name
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type CrnFhirToken): the tokens, or %NULL.
 */
GPtrArray    *crn_fhir_token_list_parse (const char    *text,
                                         guint          max_items,
                                         const char    *param,
                                         GError       **error);

/**
 * crn_fhir_idnps_list_parse:
 * @text: the value of `schedule.actor:Practitioner.identifier`
 * @max_items: limit (%CRN_FHIR_MAX_SAS_IDENTIFIERS)
 * @param: parameter name
 * @error: return location for a #GError
 *
 * Each item must be an IDNPS token (see crn_fhir_token_get_idnps()); duplicates are dropped.
 * An item with another system is refused (%CRN_FHIR_ERROR_UNKNOWN_CODE), a malformed RPPS
 * too (%CRN_FHIR_ERROR_INVALID_VALUE).
 *
 * Returns: (transfer full): the normalised IDNPS ("8…", 12 characters), or %NULL.
 */
GStrv         crn_fhir_idnps_list_parse (const char    *text,
                                         guint          max_items,
                                         const char    *param,
                                         GError       **error);

G_END_DECLS
