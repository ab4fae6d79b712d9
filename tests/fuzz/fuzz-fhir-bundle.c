/* fuzz-fhir-bundle.c: searchset Bundle JSON -> CrnFhirBundleReader, and each entry
 *
 * Reads total and links, walks every entry, resolves references between entries, and
 * parses each Slot, Schedule, Appointment, Practitioner and OperationOutcome entry with its
 * own parser (what the sync engine does with a page of search results).
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

static void
parse_entry (CrnFhirBundleReader *reader,
             JsonNode            *resource)
{
  g_autoptr(GError) error = NULL;
  const char *type = crn_fhir_get_resource_type (resource);

  if (g_strcmp0 (type, "Slot") == 0)
    {
      g_auto(CrnFhirSlotInfo) info = { 0 };
      g_autoptr(CrnSlot) slot = crn_fhir_slot_parse (resource, &info, &error);

      if (slot == NULL)
        fuzz_check_error (error, "crn_fhir_slot_parse");
      else if (info.schedule_id != NULL)
        {
          g_autofree char *reference = g_strconcat ("Schedule/", info.schedule_id, NULL);

          crn_fhir_bundle_reader_resolve (reader, reference);
        }
    }
  else if (g_strcmp0 (type, "Schedule") == 0)
    {
      g_auto(CrnFhirScheduleInfo) info = { 0 };
      g_autoptr(CrnTemplate) template = crn_fhir_schedule_parse (resource, &info, &error);

      if (template == NULL)
        fuzz_check_error (error, "crn_fhir_schedule_parse");
      else if (info.role_id != NULL)
        {
          g_autofree char *reference = g_strconcat ("PractitionerRole/", info.role_id, NULL);

          crn_fhir_bundle_reader_resolve (reader, reference);
        }
    }
  else if (g_strcmp0 (type, "Appointment") == 0)
    {
      g_auto(CrnFhirAppointmentInfo) info = { 0 };
      g_autoptr(CrnBooking) booking = crn_fhir_appointment_parse (resource, &info, &error);

      if (booking == NULL)
        fuzz_check_error (error, "crn_fhir_appointment_parse");
      else if (booking->slot_id != NULL)
        {
          g_autofree char *reference = g_strconcat ("Slot/", booking->slot_id, NULL);

          crn_fhir_bundle_reader_resolve (reader, reference);
        }
    }
  else if (g_strcmp0 (type, "Practitioner") == 0)
    {
      g_autoptr(CrnPractitioner) practitioner = crn_fhir_practitioner_parse (resource, &error);

      if (practitioner == NULL)
        fuzz_check_error (error, "crn_fhir_practitioner_parse");
    }
  else if (g_strcmp0 (type, "OperationOutcome") == 0)
    {
      g_autoptr(GPtrArray) issues = crn_fhir_operation_outcome_parse (resource, &error);

      if (issues == NULL)
        fuzz_check_error (error, "crn_fhir_operation_outcome_parse");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  JsonNode *resource;
  guint n, iter = 0, n_slots = 0;

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  reader = crn_fhir_bundle_reader_new (node, &error);
  if (reader == NULL)
    {
      fuzz_check_error (error, "crn_fhir_bundle_reader_new");
      return 0;
    }
  crn_fhir_bundle_reader_get_total (reader);
  crn_fhir_bundle_reader_get_link (reader, "self");
  crn_fhir_bundle_reader_get_next_link (reader);

  n = crn_fhir_bundle_reader_get_n_entries (reader);
  for (guint i = 0; i < n; i++)
    {
      const char *full_url = NULL;
      CrnFhirSearchMode mode = CRN_FHIR_SEARCH_MODE_NONE;

      /* An entry may have no resource (the reader accepts it). */
      resource = crn_fhir_bundle_reader_get_resource (reader, i, &full_url, &mode);
      if (full_url != NULL && !g_utf8_validate (full_url, -1, NULL))
        fuzz_fail ("entry %u has a fullUrl that is not UTF-8", i);
      crn_fhir_search_mode_to_string (mode);
      if (resource != NULL)
        parse_entry (reader, resource);
    }
  while ((resource = crn_fhir_bundle_reader_next (reader, "Slot", &iter)) != NULL)
    {
      if (g_strcmp0 (crn_fhir_get_resource_type (resource), "Slot") != 0)
        fuzz_fail ("crn_fhir_bundle_reader_next (\"Slot\") gave another type");
      if (++n_slots > n)
        fuzz_fail ("crn_fhir_bundle_reader_next gave more Slots than entries");
    }
  return 0;
}
