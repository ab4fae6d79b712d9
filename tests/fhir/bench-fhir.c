/* bench-fhir.c: how long the SAS slot search answer takes to build and to read back
 *
 * Prints figures, asserts nothing about time (run with `meson test --benchmark`).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

#define N_SLOTS 1000

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrnFhirBundleBuilder) builder = NULL;
  g_autoptr(JsonNode) bundle = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *const services[] = { "hs-cpts-1", NULL };
  CrnFhirSlotOptions options = {
    .identifier_system = "https://agenda.cpts-exemple.fr/fhir/sid/slot",
    .booking_url = "https://agenda.cpts-exemple.fr/rdv/praticien/899700123456",
    .healthcare_service_ids = services,
    .profile = CRN_FHIR_PROFILE_SAS_CPTS_SLOT,
  };
  CrnInstant start = crn_test_instant ("2026-12-01T08:00:00+01:00");
  gint64 t0, t1, t2, t3;
  JsonNode *resource;
  guint iter = 0;
  guint n = 0;

  g_test_init (&argc, &argv, NULL);

  t0 = g_get_monotonic_time ();
  builder = crn_fhir_bundle_builder_new ("https://agenda.cpts-exemple.fr/fhir",
                                         "https://agenda.cpts-exemple.fr/fhir/Slot?status=free",
                                         CRN_FHIR_PROFILE_SAS_CPTS_BUNDLE);
  for (guint i = 0; i < N_SLOTS; i++)
    {
      g_autoptr(CrnSlot) slot = crn_slot_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) schedule = NULL;
      g_autofree char *place = g_strdup_printf ("place-%u", i % 25);

      slot->id = crn_uuid_new ();
      slot->practitioner = g_strdup_printf ("8997001%05u", i % 25);
      slot->place_id = g_strdup (place);
      slot->start = start + (CrnInstant) i * 1200;
      slot->end = slot->start + 1200;
      slot->modalities = CRN_MODALITY_AMB;
      slot->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
      node = crn_fhir_slot_build (slot, &options);
      crn_fhir_bundle_builder_add (builder, node, CRN_FHIR_SEARCH_MODE_MATCH);
      {
        g_autofree char *sid = crn_fhir_schedule_id (slot->practitioner, place);
        g_autofree char *pid = crn_fhir_practitioner_id (slot->practitioner);
        g_autofree char *rid = crn_fhir_practitioner_role_id (slot->practitioner, place);

        schedule = crn_fhir_schedule_build_sas (sid, pid, rid);
        crn_fhir_bundle_builder_add (builder, schedule, CRN_FHIR_SEARCH_MODE_INCLUDE);
      }
    }
  bundle = crn_fhir_bundle_builder_end (builder);
  text = crn_fhir_to_string (bundle, FALSE);
  t1 = g_get_monotonic_time ();

  parsed = crn_fhir_parse (text, -1, &error);
  g_assert_no_error (error);
  t2 = g_get_monotonic_time ();
  reader = crn_fhir_bundle_reader_new (parsed, &error);
  g_assert_no_error (error);
  while ((resource = crn_fhir_bundle_reader_next (reader, "Slot", &iter)) != NULL)
    {
      g_autoptr(CrnSlot) slot = crn_fhir_slot_parse (resource, NULL, &error);

      g_assert_no_error (error);
      n++;
    }
  t3 = g_get_monotonic_time ();
  g_assert_cmpuint (n, ==, N_SLOTS);

  g_print ("SAS answer, %u slots + %u schedules, %zu bytes\n", N_SLOTS,
           crn_fhir_bundle_builder_get_n_entries (builder) - N_SLOTS, strlen (text));
  g_print ("  build + serialise: %.1f ms\n", (t1 - t0) / 1000.0);
  g_print ("  parse JSON:        %.1f ms\n", (t2 - t1) / 1000.0);
  g_print ("  read %u slots:   %.1f ms\n", N_SLOTS, (t3 - t2) / 1000.0);
  return 0;
}
