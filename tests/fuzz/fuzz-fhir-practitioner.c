/* fuzz-fhir-practitioner.c: Practitioner JSON -> crn_fhir_practitioner_parse()
 *
 * A practitioner that parses must build again (GAP and SAS flavours) into JSON that parses
 * again with the same IDNPS and names.
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
  g_autoptr(CrnPractitioner) practitioner = NULL;
  g_autofree char *display = NULL;

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  practitioner = crn_fhir_practitioner_parse (node, &error);
  if (practitioner == NULL)
    {
      fuzz_check_error (error, "crn_fhir_practitioner_parse");
      return 0;
    }
  display = crn_practitioner_get_display_name (practitioner);
  if (display != NULL && !g_utf8_validate (display, -1, NULL))
    fuzz_fail ("the display name of a parsed practitioner is not UTF-8");

  for (int flavor = CRN_FHIR_FLAVOR_GAP; flavor <= CRN_FHIR_FLAVOR_SAS; flavor++)
    {
      g_autoptr(JsonNode) built = crn_fhir_practitioner_build (practitioner, flavor);
      g_autoptr(JsonNode) again = fuzz_reparse (built, "crn_fhir_practitioner_build");
      g_autoptr(CrnPractitioner) practitioner2 = crn_fhir_practitioner_parse (again, &error);
      g_autofree char *display2 = NULL;

      if (practitioner2 == NULL)
        fuzz_fail ("a Practitioner built (flavour %d) from a parsed one does not parse: %s",
                   flavor, error->message);
      display2 = crn_practitioner_get_display_name (practitioner2);
      if (g_strcmp0 (practitioner->idnps, practitioner2->idnps) != 0 ||
          g_strcmp0 (display, display2) != 0)
        fuzz_fail ("a Practitioner changed on a round trip (flavour %d)", flavor);
    }
  return 0;
}
