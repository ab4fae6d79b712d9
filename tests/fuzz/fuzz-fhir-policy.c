/* fuzz-fhir-policy.c: the CPTS policy (a Parameters resource) -> crn_fhir_policy_parse()
 *
 * A policy that parses must be valid and build again into an equal policy.
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
  g_autoptr(CrnPolicy) policy = NULL;
  g_autoptr(CrnPolicy) policy2 = NULL;

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  policy = crn_fhir_policy_parse (node, &error);
  if (policy == NULL)
    {
      fuzz_check_error (error, "crn_fhir_policy_parse");
      return 0;
    }
  if (!crn_policy_validate (policy, &error))
    fuzz_fail ("crn_fhir_policy_parse returned an invalid policy: %s", error->message);

  built = crn_fhir_policy_build (policy, "cpts-policy");
  again = fuzz_reparse (built, "crn_fhir_policy_build");
  policy2 = crn_fhir_policy_parse (again, &error);
  if (policy2 == NULL)
    fuzz_fail ("a policy built from a parsed one does not parse: %s", error->message);
  if (!crn_policy_equal (policy, policy2))
    fuzz_fail ("a policy changed on a parse/build/parse round trip");
  return 0;
}
