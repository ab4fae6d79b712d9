/* crn-fhir-outcome.c: OperationOutcome builder and reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-outcome.h"
#include "crn-fhir-private.h"

static const CrnFhirCode severity_codes[] = {
  { "fatal", CRN_FHIR_SEVERITY_FATAL },
  { "error", CRN_FHIR_SEVERITY_ERROR },
  { "warning", CRN_FHIR_SEVERITY_WARNING },
  { "information", CRN_FHIR_SEVERITY_INFORMATION },
  { NULL, 0 },
};

CrnFhirIssue *
crn_fhir_issue_new (CrnFhirSeverity  severity,
                    const char      *code,
                    const char      *details,
                    const char      *diagnostics,
                    const char      *expression)
{
  CrnFhirIssue *issue = g_new0 (CrnFhirIssue, 1);

  g_return_val_if_fail (code != NULL, issue);

  issue->severity = severity;
  issue->code = g_strdup (code);
  issue->details = g_strdup (details);
  issue->diagnostics = g_strdup (diagnostics);
  issue->expression = g_strdup (expression);
  return issue;
}

void
crn_fhir_issue_free (CrnFhirIssue *issue)
{
  if (issue == NULL)
    return;

  g_free (issue->code);
  g_free (issue->details);
  g_free (issue->diagnostics);
  g_free (issue->expression);
  g_free (issue);
}

const char *
crn_fhir_severity_to_string (CrnFhirSeverity severity)
{
  const char *code = _crn_fhir_code_for (severity_codes, severity);

  return code != NULL ? code : "error";
}

JsonNode *
crn_fhir_operation_outcome_build (GPtrArray *issues)
{
  JsonObject *resource;
  JsonArray *array;

  g_return_val_if_fail (issues != NULL && issues->len > 0, NULL);

  resource = _crn_fhir_resource_new ("OperationOutcome", NULL);
  array = json_array_new ();
  for (guint i = 0; i < issues->len; i++)
    {
      const CrnFhirIssue *issue = g_ptr_array_index (issues, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "severity",
                                     crn_fhir_severity_to_string (issue->severity));
      json_object_set_string_member (object, "code",
                                     issue->code != NULL ? issue->code : "processing");
      if (issue->details != NULL && *issue->details != '\0')
        json_object_set_object_member (object, "details",
                                       _crn_fhir_concept_new (NULL, NULL, issue->details));
      _crn_fhir_set_string (object, "diagnostics", issue->diagnostics);
      if (issue->expression != NULL && *issue->expression != '\0')
        {
          JsonArray *expressions = json_array_new ();

          json_array_add_string_element (expressions, issue->expression);
          json_object_set_array_member (object, "expression", expressions);
        }
      json_array_add_object_element (array, object);
    }
  json_object_set_array_member (resource, "issue", array);
  return _crn_fhir_node_take (resource);
}

JsonNode *
crn_fhir_operation_outcome_new (CrnFhirSeverity  severity,
                                const char      *code,
                                const char      *details,
                                const char      *diagnostics,
                                const char      *expression)
{
  g_autoptr(GPtrArray) issues = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_fhir_issue_free);

  g_ptr_array_add (issues, crn_fhir_issue_new (severity, code, details, diagnostics, expression));
  return crn_fhir_operation_outcome_build (issues);
}

JsonNode *
crn_fhir_operation_outcome_from_error (const GError *error,
                                       const char   *diagnostics)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == CRN_CORE_ERROR)
    text = g_strdup_printf ("rule=%s%s%s",
                            crn_core_error_rule_name ((CrnCoreError) error->code),
                            diagnostics != NULL ? "; " : "",
                            diagnostics != NULL ? diagnostics : "");
  else
    text = g_strdup (diagnostics);

  return crn_fhir_operation_outcome_new (CRN_FHIR_SEVERITY_ERROR,
                                         crn_fhir_error_get_issue_code (error),
                                         error->message, text,
                                         crn_fhir_error_get_expression (error));
}

GPtrArray *
crn_fhir_operation_outcome_parse (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(GPtrArray) issues = NULL;
  JsonObject *resource;
  JsonArray *array;

  resource = _crn_fhir_expect_resource (node, "OperationOutcome", error);
  if (resource == NULL)
    return NULL;
  if (!_crn_fhir_read_array (resource, "OperationOutcome", "issue", TRUE, &array, error))
    return NULL;

  issues = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_fhir_issue_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("OperationOutcome.issue", i);
      g_autofree char *details_path = _crn_fhir_path (path, "details");
      g_autofree char *expr_path = _crn_fhir_path (path, "expression");
      JsonObject *object;
      JsonObject *details;
      JsonArray *expressions;
      const char *severity;
      const char *code;
      const char *text = NULL;
      const char *diagnostics;
      const char *expression = NULL;
      guint value;

      if (!_crn_fhir_array_object (array, "OperationOutcome.issue", i, &object, error) ||
          !_crn_fhir_read_string (object, path, "severity", TRUE, &severity, error) ||
          !_crn_fhir_read_string (object, path, "code", TRUE, &code, error) ||
          !_crn_fhir_read_object (object, path, "details", FALSE, &details, error) ||
          !_crn_fhir_read_string (object, path, "diagnostics", FALSE, &diagnostics, error) ||
          !_crn_fhir_read_array (object, path, "expression", FALSE, &expressions, error))
        return NULL;
      if (!_crn_fhir_value_for (severity_codes, severity, &value))
        {
          g_autofree char *spath = _crn_fhir_path (path, "severity");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, spath,
                              _("%s must be fatal, error, warning or information."), spath);
          return NULL;
        }
      if (details != NULL &&
          !_crn_fhir_read_string (details, details_path, "text", FALSE, &text, error))
        return NULL;
      if (expressions != NULL &&
          !_crn_fhir_array_string (expressions, expr_path, 0, &expression, error))
        return NULL;

      g_ptr_array_add (issues, crn_fhir_issue_new ((CrnFhirSeverity) value, code, text,
                                                   diagnostics, expression));
    }

  return g_steal_pointer (&issues);
}

char *
crn_fhir_operation_outcome_get_message (GPtrArray *issues)
{
  const CrnFhirIssue *best = NULL;

  g_return_val_if_fail (issues != NULL, NULL);

  /* the most severe issue that says something, first one on ties */
  for (guint i = 0; i < issues->len; i++)
    {
      const CrnFhirIssue *issue = g_ptr_array_index (issues, i);

      if (issue->details == NULL && issue->diagnostics == NULL)
        continue;
      if (best == NULL || issue->severity < best->severity)
        best = issue;
    }

  if (best == NULL)
    return NULL;
  return g_strdup (best->details != NULL ? best->details : best->diagnostics);
}
