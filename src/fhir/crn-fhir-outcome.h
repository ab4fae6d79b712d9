/* crn-fhir-outcome.h: OperationOutcome builder and reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"

G_BEGIN_DECLS

/**
 * CrnFhirSeverity:
 * FHIR issue-severity.
 */
typedef enum
{
  CRN_FHIR_SEVERITY_FATAL = 0,
  CRN_FHIR_SEVERITY_ERROR,
  CRN_FHIR_SEVERITY_WARNING,
  CRN_FHIR_SEVERITY_INFORMATION,
} CrnFhirSeverity;

/**
 * CrnFhirIssue:
 * @severity: severity
 * @code: FHIR issue-type code ("invalid", "business-rule", "conflict"…)
 * @details: (nullable): human text (details.text), in French for the server's answers
 * @diagnostics: (nullable): technical text, never patient data
 * @expression: (nullable): FHIRPath of the element at fault
 *
 * One OperationOutcome.issue.
 */
typedef struct
{
  CrnFhirSeverity  severity;
  char            *code;
  char            *details;
  char            *diagnostics;
  char            *expression;
} CrnFhirIssue;

CrnFhirIssue *crn_fhir_issue_new                  (CrnFhirSeverity  severity,
                                                   const char      *code,
                                                   const char      *details,
                                                   const char      *diagnostics,
                                                   const char      *expression);
void          crn_fhir_issue_free                 (CrnFhirIssue    *issue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnFhirIssue, crn_fhir_issue_free)

const char   *crn_fhir_severity_to_string         (CrnFhirSeverity  severity);

/**
 * crn_fhir_operation_outcome_build:
 * @issues: (element-type CrnFhirIssue): at least one issue
 *
 * Empty fields are omitted.
 *
 * Returns: (transfer full): the OperationOutcome.
 */
JsonNode     *crn_fhir_operation_outcome_build    (GPtrArray       *issues);

/* One issue: the common case. */
JsonNode     *crn_fhir_operation_outcome_new      (CrnFhirSeverity  severity,
                                                   const char      *code,
                                                   const char      *details,
                                                   const char      *diagnostics,
                                                   const char      *expression);

/**
 * crn_fhir_operation_outcome_from_error:
 * @error: any #GError
 * @diagnostics: (nullable): technical text
 *
 * One `error` issue: code from crn_fhir_error_get_issue_code(), details.text = the (already
 * translated) message, expression from crn_fhir_error_get_expression(); for a CRN_CORE_ERROR
 * the diagnostics start with crn_core_error_rule_name() ("rule=reclaim-window; …").
 *
 * Returns: (transfer full): the OperationOutcome.
 */
JsonNode     *crn_fhir_operation_outcome_from_error (const GError  *error,
                                                     const char    *diagnostics);

/**
 * crn_fhir_operation_outcome_parse:
 * @node: an OperationOutcome
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type CrnFhirIssue): its issues (at least one), or %NULL
 *   with @error set.
 */
GPtrArray    *crn_fhir_operation_outcome_parse    (JsonNode        *node,
                                                   GError         **error);

/**
 * crn_fhir_operation_outcome_get_message:
 * @issues: (element-type CrnFhirIssue): parsed issues
 *
 * Returns: (transfer full) (nullable): what to show a person: the details.text of the most
 *   severe issue, else its diagnostics, else %NULL.
 */
char         *crn_fhir_operation_outcome_get_message (GPtrArray    *issues);

G_END_DECLS
