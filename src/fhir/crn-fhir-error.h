/* crn-fhir-error.h: errors of the FHIR layer, with the FHIRPath of the faulty element
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRN_FHIR_ERROR (crn_fhir_error_quark ())

/**
 * CrnFhirError:
 * @CRN_FHIR_ERROR_INVALID_JSON: the text is not JSON, or not a JSON object where one is
 *   expected (OperationOutcome code `structure`)
 * @CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE: `resourceType` is absent or not the one expected
 *   (`invalid`)
 * @CRN_FHIR_ERROR_MISSING_FIELD: a required element is absent or empty (`required`)
 * @CRN_FHIR_ERROR_INVALID_VALUE: an element has the wrong JSON type or a malformed value, or
 *   values contradict each other (end before start) (`value`)
 * @CRN_FHIR_ERROR_UNKNOWN_CODE: a code is not in the expected code system or value set
 *   (`code-invalid`)
 * @CRN_FHIR_ERROR_TOO_LARGE: a string, an array, the nesting or the whole document is over
 *   the limits of this layer, or a search list is too long (`too-costly`)
 *
 * Every error of %CRN_FHIR_ERROR carries, besides its translated message, the FHIRPath
 * expression of the element at fault ("Slot.start", "Appointment.participant[2].status",
 * "Schedule.extension[0].extension('rrule')"): get it with crn_fhir_error_get_expression().
 * The message is a sentence for a person naming the element and what is expected; it never
 * contains patient data (names, birth dates, phone numbers are never quoted back).
 */
typedef enum
{
  CRN_FHIR_ERROR_INVALID_JSON = 1,
  CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE,
  CRN_FHIR_ERROR_MISSING_FIELD,
  CRN_FHIR_ERROR_INVALID_VALUE,
  CRN_FHIR_ERROR_UNKNOWN_CODE,
  CRN_FHIR_ERROR_TOO_LARGE,
} CrnFhirError;

GQuark       crn_fhir_error_quark          (void);

/**
 * crn_fhir_error_get_expression:
 * @error: a #GError
 *
 * Returns: (nullable): the FHIRPath expression of the faulty element when @error is in the
 *   %CRN_FHIR_ERROR domain and names one ("Slot.start"), else %NULL. Owned by @error.
 */
const char  *crn_fhir_error_get_expression (const GError *error);

/**
 * crn_fhir_error_get_issue_code:
 * @error: a #GError
 *
 * Returns: the FHIR issue-type code that fits @error for an OperationOutcome: "structure",
 *   "invalid", "required", "value", "code-invalid", "too-costly" for %CRN_FHIR_ERROR;
 *   "business-rule" for the domain's CRN_CORE_ERROR; "processing" for anything else.
 */
const char  *crn_fhir_error_get_issue_code (const GError *error);

/**
 * crn_fhir_set_error:
 * @error: return location for a #GError, or %NULL
 * @code: a #CrnFhirError
 * @expression: (nullable): FHIRPath of the faulty element
 * @format: printf-style translated message
 *
 * Sets a %CRN_FHIR_ERROR that remembers @expression. Used by this layer and by callers that
 * check FHIR content themselves (the server's search parameters).
 */
void         crn_fhir_set_error            (GError      **error,
                                            CrnFhirError  code,
                                            const char   *expression,
                                            const char   *format,
                                            ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS
