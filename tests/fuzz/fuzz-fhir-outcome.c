/* fuzz-fhir-outcome.c: OperationOutcome JSON -> crn_fhir_operation_outcome_parse()
 *
 * Issues that parse give a message for a person and build again into an OperationOutcome
 * with the same issues.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include "fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) built = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GPtrArray) issues2 = NULL;
  g_autofree char *message = NULL;

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  issues = crn_fhir_operation_outcome_parse (node, &error);
  if (issues == NULL)
    {
      fuzz_check_error (error, "crn_fhir_operation_outcome_parse");
      return 0;
    }
  message = crn_fhir_operation_outcome_get_message (issues);
  if (message != NULL && !g_utf8_validate (message, -1, NULL))
    fuzz_fail ("the message of an OperationOutcome is not UTF-8");

  built = crn_fhir_operation_outcome_build (issues);
  again = fuzz_reparse (built, "crn_fhir_operation_outcome_build");
  issues2 = crn_fhir_operation_outcome_parse (again, &error);
  if (issues2 == NULL)
    fuzz_fail ("an OperationOutcome built from parsed issues does not parse: %s",
               error->message);
  if (issues2->len != issues->len)
    fuzz_fail ("%u issues became %u on a round trip", issues->len, issues2->len);
  for (guint i = 0; i < issues->len; i++)
    {
      const CrnFhirIssue *a = g_ptr_array_index (issues, i);
      const CrnFhirIssue *b = g_ptr_array_index (issues2, i);

      if (a->severity != b->severity || g_strcmp0 (a->code, b->code) != 0 ||
          g_strcmp0 (a->details, b->details) != 0 ||
          g_strcmp0 (a->diagnostics, b->diagnostics) != 0 ||
          g_strcmp0 (a->expression, b->expression) != 0)
        fuzz_fail ("issue %u changed on a round trip", i);
    }
  return 0;
}
