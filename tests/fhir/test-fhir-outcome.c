/* test-fhir-outcome.c: OperationOutcome
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

static void
test_build_like_example (void)
{
  g_autoptr(JsonNode) expected = crn_test_fixture ("operationoutcome-reclaim-refused.json");
  g_autoptr(JsonNode) node =
    crn_fhir_operation_outcome_new (CRN_FHIR_SEVERITY_ERROR, "business-rule",
                                    crn_test_string_at (expected, "issue[0].details.text"),
                                    crn_test_string_at (expected, "issue[0].diagnostics"),
                                    "Slot.status");

  g_assert_true (json_node_equal (node, expected));
}

static void
test_parse_example (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("operationoutcome-reclaim-refused.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issues = crn_fhir_operation_outcome_parse (node, &error);
  g_autofree char *message = NULL;
  CrnFhirIssue *issue;

  g_assert_no_error (error);
  g_assert_cmpuint (issues->len, ==, 1);
  issue = g_ptr_array_index (issues, 0);
  g_assert_cmpint (issue->severity, ==, CRN_FHIR_SEVERITY_ERROR);
  g_assert_cmpstr (issue->code, ==, "business-rule");
  g_assert_true (g_str_has_prefix (issue->details, "Créneau SNP non reprenable"));
  g_assert_true (g_str_has_prefix (issue->diagnostics, "Slot/slot-20261201-1400"));
  g_assert_cmpstr (issue->expression, ==, "Slot.status");
  message = crn_fhir_operation_outcome_get_message (issues);
  g_assert_cmpstr (message, ==, issue->details);
}

static void
test_from_error (void)
{
  g_autoptr(GError) fhir = NULL;
  g_autoptr(GError) core = g_error_new_literal (CRN_CORE_ERROR, CRN_CORE_ERROR_RECLAIM_NOT_YET,
                                                "Reprise possible à partir de 12:00.");
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autofree char *diagnostics = NULL;

  crn_fhir_set_error (&fhir, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.start", "Slot.start manque.");
  a = crn_fhir_operation_outcome_from_error (fhir, "request=PUT Slot/x");
  crn_assert_string_at (a, "resourceType", "OperationOutcome");
  crn_assert_string_at (a, "issue[0].severity", "error");
  crn_assert_string_at (a, "issue[0].code", "required");
  crn_assert_string_at (a, "issue[0].details.text", "Slot.start manque.");
  crn_assert_string_at (a, "issue[0].diagnostics", "request=PUT Slot/x");
  crn_assert_string_at (a, "issue[0].expression[0]", "Slot.start");

  b = crn_fhir_operation_outcome_from_error (core, NULL);
  crn_assert_string_at (b, "issue[0].code", "business-rule");
  diagnostics = g_strconcat ("rule=",
                             crn_core_error_rule_name (CRN_CORE_ERROR_RECLAIM_NOT_YET), NULL);
  crn_assert_string_at (b, "issue[0].diagnostics", diagnostics);
  g_assert_null (crn_test_at (b, "issue[0].expression"));
}

static void
test_several_issues (void)
{
  g_autoptr(GPtrArray) issues = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_fhir_issue_free);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_ptr_array_add (issues, crn_fhir_issue_new (CRN_FHIR_SEVERITY_WARNING, "informational",
                                               "Avertissement", NULL, NULL));
  g_ptr_array_add (issues, crn_fhir_issue_new (CRN_FHIR_SEVERITY_INFORMATION, "informational",
                                               NULL, NULL, NULL));
  g_ptr_array_add (issues, crn_fhir_issue_new (CRN_FHIR_SEVERITY_FATAL, "exception", NULL,
                                               "database locked", NULL));
  node = crn_fhir_operation_outcome_build (issues);
  g_assert_cmpuint (crn_test_length_at (node, "issue"), ==, 3);
  g_assert_null (crn_test_at (node, "issue[1].details"));
  g_assert_null (crn_test_at (node, "issue[1].diagnostics"));
  crn_assert_string_at (node, "issue[2].severity", "fatal");

  back = crn_fhir_operation_outcome_parse (node, &error);
  g_assert_no_error (error);
  message = crn_fhir_operation_outcome_get_message (back);
  g_assert_cmpstr (message, ==, "database locked");
}

static void
test_malformed (void)
{
  static const struct {
    const char *path;
    const char *json;
    int         code;
    const char *expression;
  } cases[] = {
    { "resourceType", "\"Bundle\"", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType" },
    { "issue", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "OperationOutcome.issue" },
    { "issue", "[]", CRN_FHIR_ERROR_MISSING_FIELD, "OperationOutcome.issue" },
    { "issue[0].severity", "\"bad\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "OperationOutcome.issue[0].severity" },
    { "issue[0].code", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "OperationOutcome.issue[0].code" },
    { "issue[0].details", "\"text\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "OperationOutcome.issue[0].details" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_test_fixture ("operationoutcome-reclaim-refused.json");
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) issues = NULL;

      g_test_message ("case %u", i);
      crn_test_set (node, cases[i].path, cases[i].json);
      issues = crn_fhir_operation_outcome_parse (node, &error);
      g_assert_null (issues);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/outcome/build-like-example", test_build_like_example);
  g_test_add_func ("/fhir/outcome/parse-example", test_parse_example);
  g_test_add_func ("/fhir/outcome/from-error", test_from_error);
  g_test_add_func ("/fhir/outcome/several-issues", test_several_issues);
  g_test_add_func ("/fhir/outcome/malformed", test_malformed);

  return g_test_run ();
}
