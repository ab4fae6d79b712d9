/* fuzz-server-search.c: FHIR search query strings against the real server
 *
 * Input: one byte choosing the account (practitioner, secretary, regulator, pharmacy,
 * coordinator) and the resource type searched, then the query string, sent as
 * `GET /fhir/<Type>?<query>` with that account's bearer token (bytes a request line cannot
 * carry are percent-encoded, '%' is kept). This goes through the server's own query
 * parsing (repeated parameters, '+' as space, percent-decoding, UTF-8 check, the 16 kB
 * limit), the search value parsers, paging and sorting, and the SQL search.
 *
 * Properties: never a 5xx; the body is FHIR JSON; a 200 is a searchset Bundle that
 * CrnFhirBundleReader reads, anything else an OperationOutcome with at least one issue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include "fuzz-http.h"

static const char *types[] = {
  "Slot", "Appointment", "Schedule", "Practitioner", "PractitionerRole", "Organization",
  "HealthcareService",
};

static const char *accounts[][2] = {
  { "dr.morel", "demo-morel-2026" },
  { "secretariat.tilleuls", "demo-secretariat-2026" },
  { "regulation.sas41", "demo-regulation-2026" },
  { "pharmacie.marche", "demo-pharmacie-2026" },
  { "coordination.cpts", "demo-coordination-2026" },
};

static char *tokens[G_N_ELEMENTS (accounts)];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  fuzz_http_start ();
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    tokens[i] = fuzz_http_oauth_token (accounts[i][0], accounts[i][1]);
  return 0;
}

static void
check_body (const FuzzHttpResponse *response,
            const char             *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *type;

  /* libsoup answers a request line whose URI it cannot parse (a bad %-escape such as "%ZZ")
   * with a bare 400 before any handler of the server runs: accepted here, reported in
   * docs/FUZZING.md. */
  if (response->status == 400 && response->body->len == 0)
    return;
  node = crn_fhir_parse (response->body->str, response->body->len, &error);
  if (node == NULL)
    fuzz_fail ("GET %s: %u with a body that is not FHIR JSON (%s):\n%s%s", target,
               response->status, error->message, response->head->str, response->body->str);
  type = crn_fhir_get_resource_type (node);
  if (response->status == 200)
    {
      g_autoptr(CrnFhirBundleReader) reader = NULL;

      if (g_strcmp0 (type, "Bundle") != 0)
        fuzz_fail ("GET %s: 200 with a %s, not a Bundle", target, type);
      reader = crn_fhir_bundle_reader_new (node, &error);
      if (reader == NULL)
        fuzz_fail ("GET %s: the Bundle does not read: %s", target, error->message);
    }
  else
    {
      g_autoptr(GPtrArray) issues = NULL;

      if (g_strcmp0 (type, "OperationOutcome") != 0)
        fuzz_fail ("GET %s: %u with a %s, not an OperationOutcome", target, response->status,
                   type);
      issues = crn_fhir_operation_outcome_parse (node, &error);
      if (issues == NULL || issues->len == 0)
        fuzz_fail ("GET %s: %u with an OperationOutcome without issues", target,
                   response->status);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *query = NULL;
  g_autofree char *target = NULL;
  g_autofree char *headers = NULL;
  FuzzHttpResponse response;
  guint8 choice;

  if (size < 1)
    return 0;
  choice = data[0];
  query = fuzz_http_escape_target (data + 1, size - 1);
  target = g_strdup_printf ("/fhir/%s?%s", types[(choice / G_N_ELEMENTS (accounts)) %
                                                  G_N_ELEMENTS (types)], query);
  headers = g_strdup_printf ("Authorization: Bearer %s\r\nAccept: application/fhir+json\r\n",
                             tokens[choice % G_N_ELEMENTS (accounts)]);
  fuzz_http_send ("GET", target, headers, NULL, 0, &response);
  fuzz_http_check_status (&response, target);
  check_body (&response, target);
  fuzz_http_response_clear (&response);
  return 0;
}
