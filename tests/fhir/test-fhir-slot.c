/* test-fhir-slot.c: Slot <-> CrnSlot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

#define BASE "https://agenda.cpts-exemple.fr/fhir"
#define PLACE "0f8fad5b-d9cb-469f-a165-70867728950e"

static CrnSlot *
make_slot (void)
{
  CrnSlot *slot = crn_slot_new ();

  slot->id = g_strdup ("44bfc014-f729-4342-8863-4fd245d965a7");
  slot->practitioner = g_strdup ("899700123456");
  slot->place_id = g_strdup (PLACE);
  slot->template_block_id = g_strdup ("7d444840-9dc0-11d1-b245-5ffdce74fad2");
  slot->start = crn_test_instant ("2026-12-01T14:00:00+01:00");
  slot->end = crn_test_instant ("2026-12-01T14:20:00+01:00");
  slot->modalities = CRN_MODALITY_AMB | CRN_MODALITY_VR;
  slot->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  slot->restriction = CRN_RESTRICTION_CHILDREN;
  slot->restriction_text = g_strdup ("Enfants de moins de 6 ans");
  slot->status = CRN_SLOT_STATUS_FREE;
  slot->version = 3;
  slot->last_updated_ms = G_GINT64_CONSTANT (1796129000456);
  return slot;
}

static void
test_parse_example (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("slot-snp-cpts.json");
  g_auto(CrnFhirSlotInfo) info = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) slot = crn_fhir_slot_parse (node, &info, &error);

  g_assert_no_error (error);
  g_assert_nonnull (slot);
  g_assert_cmpstr (slot->id, ==, "slot-20261201-1400");
  g_assert_cmpint (slot->start, ==, crn_test_instant ("2026-12-01T14:00:00+01:00"));
  g_assert_cmpint (slot->end, ==, crn_test_instant ("2026-12-01T14:20:00+01:00"));
  g_assert_cmpint (slot->modalities, ==, CRN_MODALITY_AMB);
  g_assert_cmpint (slot->visibility, ==, CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);
  g_assert_cmpint (slot->status, ==, CRN_SLOT_STATUS_FREE);
  g_assert_cmpint (slot->restriction, ==, CRN_RESTRICTION_NONE);
  g_assert_cmpint (slot->version, ==, 0);
  /* the example's schedule id does not follow our convention: the caller resolves it */
  g_assert_null (slot->practitioner);
  g_assert_null (slot->place_id);
  g_assert_cmpstr (info.schedule_id, ==, "sched-dr-martin-cabinet1");
  g_assert_cmpstr (info.booking_url, ==,
                   "https://agenda.cpts-exemple.fr/rdv/praticien/899700123456?lieu=cabinet1");
  g_assert_cmpuint (g_strv_length (info.healthcare_service_ids), ==, 1);
  g_assert_cmpstr (info.healthcare_service_ids[0], ==, "hs-cpts-val-de-loire");
  g_assert_cmpstr (info.identifier_system, ==, BASE "/sid/slot");
  g_assert_cmpstr (info.identifier_value, ==, "44bfc014-f729-4342-8863-4fd245d965a7");
}

static void
test_build (void)
{
  g_autoptr(CrnSlot) slot = make_slot ();
  const char *const services[] = { "hs-cpts-val-de-loire", "hs-cpts-sologne", NULL };
  CrnFhirSlotOptions options = {
    .identifier_system = BASE "/sid/slot",
    .booking_url = "https://agenda.cpts-exemple.fr/rdv/slot/44bf",
    .healthcare_service_ids = services,
    .service_text = "Consultation de soins non programmés",
    .profile = CRN_FHIR_PROFILE_SAS_CPTS_SLOT,
  };
  g_autoptr(JsonNode) node = crn_fhir_slot_build (slot, &options);
  g_autofree char *schedule = g_strconcat ("Schedule/sched-899700123456-", PLACE, NULL);

  crn_assert_string_at (node, "resourceType", "Slot");
  crn_assert_string_at (node, "id", "44bfc014-f729-4342-8863-4fd245d965a7");
  crn_assert_string_at (node, "meta.versionId", "3");
  crn_assert_string_at (node, "meta.lastUpdated", "2026-12-01T13:43:20.456+01:00");
  crn_assert_string_at (node, "meta.profile[0]", CRN_FHIR_PROFILE_SAS_CPTS_SLOT);
  g_assert_cmpuint (crn_test_length_at (node, "meta.security"), ==, 2);
  crn_assert_string_at (node, "meta.security[0].system", CRN_FHIR_CS_TRE_R314);
  crn_assert_string_at (node, "meta.security[0].code", "SNP");
  crn_assert_string_at (node, "meta.security[1].code", "CPTS");
  crn_assert_string_at (node, "identifier[0].system", BASE "/sid/slot");
  crn_assert_string_at (node, "identifier[0].value", "44bfc014-f729-4342-8863-4fd245d965a7");

  g_assert_cmpuint (crn_test_length_at (node, "serviceType"), ==, 5);
  crn_assert_string_at (node, "serviceType[0].coding[0].system", CRN_FHIR_CS_ACT_CODE);
  crn_assert_string_at (node, "serviceType[0].coding[0].code", "AMB");
  crn_assert_string_at (node, "serviceType[1].coding[0].code", "VR");
  g_assert_null (crn_test_at (node, "serviceType[0].extension"));
  crn_assert_string_at (node, "serviceType[2].coding[0].system", CRN_FHIR_CS_TRE_R66);
  crn_assert_string_at (node, "serviceType[2].coding[0].code", "604");
  crn_assert_string_at (node, "serviceType[2].extension[0].url",
                        CRN_FHIR_EXT_SLOT_SERVICE_TYPE_R5);
  crn_assert_string_at (node, "serviceType[2].extension[0].valueReference.reference",
                        "HealthcareService/hs-cpts-val-de-loire");
  crn_assert_string_at (node, "serviceType[3].extension[0].valueReference.reference",
                        "HealthcareService/hs-cpts-sologne");
  crn_assert_string_at (node, "serviceType[4].text", "Consultation de soins non programmés");

  crn_assert_string_at (node, "appointmentType.coding[0].system", CRN_FHIR_CS_V2_0276);
  crn_assert_string_at (node, "appointmentType.coding[0].code", "ROUTINE");
  crn_assert_string_at (node, "schedule.reference", schedule);
  crn_assert_string_at (node, "status", "free");
  crn_assert_string_at (node, "start", "2026-12-01T14:00:00.000+01:00");
  crn_assert_string_at (node, "end", "2026-12-01T14:20:00.000+01:00");
  crn_assert_string_at (node, "comment", "https://agenda.cpts-exemple.fr/rdv/slot/44bf");

  crn_assert_string_at (node, "extension[0].url", CRN_FHIR_EXT_RESTRICTION);
  crn_assert_string_at (node, "extension[0].valueCodeableConcept.coding[0].code", "children");
  crn_assert_string_at (node, "extension[0].valueCodeableConcept.text",
                        "Enfants de moins de 6 ans");
  crn_assert_string_at (node, "extension[1].url", CRN_FHIR_EXT_TEMPLATE_BLOCK);
  crn_assert_string_at (node, "extension[1].valueString", "7d444840-9dc0-11d1-b245-5ffdce74fad2");
}

static void
test_build_minimal (void)
{
  g_autoptr(CrnSlot) slot = make_slot ();
  g_autoptr(JsonNode) node = NULL;
  const char *const services[] = { "hs-cpts-val-de-loire", NULL };
  CrnFhirSlotOptions options = { .healthcare_service_ids = services };

  /* own patients only: no label, no CPTS entry even with services given */
  slot->visibility = CRN_VISIBILITY_NONE;
  slot->restriction = CRN_RESTRICTION_NONE;
  g_clear_pointer (&slot->restriction_text, g_free);
  g_clear_pointer (&slot->template_block_id, g_free);
  slot->version = 0;
  slot->last_updated_ms = 0;
  slot->status = CRN_SLOT_STATUS_BUSY;
  node = crn_fhir_slot_build (slot, &options);

  g_assert_null (crn_test_at (node, "meta"));
  g_assert_null (crn_test_at (node, "extension"));
  g_assert_null (crn_test_at (node, "identifier"));
  g_assert_null (crn_test_at (node, "comment"));
  g_assert_cmpuint (crn_test_length_at (node, "serviceType"), ==, 2);
  crn_assert_string_at (node, "status", "busy");
}

static void
test_round_trip (void)
{
  g_autoptr(CrnSlot) slot = make_slot ();
  const char *const services[] = { "hs-1", NULL };
  CrnFhirSlotOptions options = {
    .identifier_system = BASE "/sid/slot",
    .healthcare_service_ids = services,
  };
  CrnModality modalities[] = { CRN_MODALITY_AMB, CRN_MODALITY_VR | CRN_MODALITY_HH,
                               CRN_MODALITY_ALL };
  CrnVisibility visibilities[] = { CRN_VISIBILITY_NONE, CRN_VISIBILITY_SNP,
                                   CRN_VISIBILITY_ALL, CRN_VISIBILITY_PRO };
  CrnSlotStatus statuses[] = { CRN_SLOT_STATUS_FREE, CRN_SLOT_STATUS_BUSY,
                               CRN_SLOT_STATUS_BUSY_TENTATIVE,
                               CRN_SLOT_STATUS_BUSY_UNAVAILABLE,
                               CRN_SLOT_STATUS_ENTERED_IN_ERROR };

  for (guint m = 0; m < G_N_ELEMENTS (modalities); m++)
    for (guint v = 0; v < G_N_ELEMENTS (visibilities); v++)
      for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
        {
          g_autoptr(JsonNode) node = NULL;
          g_autoptr(CrnSlot) back = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *text = NULL;
          g_autoptr(JsonNode) reparsed = NULL;
          g_auto(CrnFhirSlotInfo) info = { NULL, };

          slot->modalities = modalities[m];
          slot->visibility = visibilities[v];
          slot->status = statuses[s];
          slot->restriction = (m == 1) ? CRN_RESTRICTION_NONE : CRN_RESTRICTION_OTHER;
          g_free (slot->restriction_text);
          slot->restriction_text = (m == 1) ? NULL : g_strdup ("Pas de certificats");

          node = crn_fhir_slot_build (slot, &options);
          /* through text, as on the wire */
          text = crn_fhir_to_string (node, FALSE);
          reparsed = crn_fhir_parse (text, -1, &error);
          g_assert_no_error (error);
          back = crn_fhir_slot_parse (reparsed, &info, &error);
          g_assert_no_error (error);
          g_assert_true (crn_slot_equal (slot, back));
          g_assert_cmpstr (back->practitioner, ==, slot->practitioner);
          g_assert_cmpstr (back->place_id, ==, slot->place_id);
          g_assert_cmpstr (back->template_block_id, ==, slot->template_block_id);
          g_assert_cmpint (back->restriction, ==, slot->restriction);
          g_assert_cmpstr (back->restriction_text, ==, slot->restriction_text);
          g_assert_cmpint (back->version, ==, 3);
          g_assert_cmpint (back->last_updated_ms, ==, slot->last_updated_ms);
          g_assert_cmpuint (g_strv_length (info.healthcare_service_ids), ==,
                            (slot->visibility & CRN_VISIBILITY_CPTS) ? 1 : 0);
        }
}

typedef struct
{
  const char *path;      /* member to change in the example */
  const char *json;      /* new value, NULL = remove */
  int         code;
  const char *expression;
} Malformed;

static void
test_malformed (void)
{
  static const Malformed cases[] = {
    { "resourceType", "\"Schedule\"", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType" },
    { "start", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.start" },
    { "end", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.end" },
    { "start", "\"2026-12-01T14:00:00\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.start" },
    { "start", "\"2026-12-01\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.start" },
    { "start", "1796130000", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.start" },
    { "end", "\"2026-12-01T14:00:00.000+01:00\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.end" },
    { "end", "\"2026-12-01T13:40:00.000+01:00\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.end" },
    { "status", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.status" },
    { "status", "\"open\"", CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.status" },
    { "status", "\"FREE\"", CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.status" },
    { "status", "\"\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.status" },
    { "schedule", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.schedule" },
    { "schedule", "{\"reference\": \"Practitioner/x\"}", CRN_FHIR_ERROR_INVALID_VALUE,
      "Slot.schedule.reference" },
    { "schedule", "\"Schedule/x\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.schedule" },
    { "meta.security[1]", "{\"system\": \"" CRN_FHIR_CS_TRE_R314 "\", \"code\": \"VIP\"}",
      CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.meta.security[1].code" },
    { "meta.security[0]", "{\"system\": \"urn:oid:1.2.250.1.213.3.3.71\", \"code\": \"X\"}",
      CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.meta.security[0].code" },
    { "meta.security[0]", "{\"system\": \"1.2.250.1.213.3.3.71\", \"code\": \"snp\"}",
      CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.meta.security[0].code" },
    { "meta.security", "{}", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.meta.security" },
    { "meta.versionId", "\"W/3\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.meta.versionId" },
    { "serviceType[0]", "{\"coding\": [{\"system\": \"" CRN_FHIR_CS_ACT_CODE "\", \"code\": \"EMER\"}]}",
      CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.serviceType[0].coding" },
    { "serviceType[1].extension[0].valueReference",
      "{\"reference\": \"Organization/x\"}", CRN_FHIR_ERROR_INVALID_VALUE,
      "Slot.serviceType[1].extension[0].valueReference.reference" },
    { "id", "\"a b\"", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.id" },
    { "comment", "[\"x\"]", CRN_FHIR_ERROR_INVALID_VALUE, "Slot.comment" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_test_fixture ("slot-snp-cpts.json");
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnSlot) slot = NULL;

      g_test_message ("case %u: %s", i, cases[i].path);
      crn_test_set (node, cases[i].path, cases[i].json);
      slot = crn_fhir_slot_parse (node, NULL, &error);
      g_assert_null (slot);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
    }
}

static void
test_tolerance (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("slot-snp-cpts.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  g_autofree char *long_text = g_strnfill (CRN_FHIR_MAX_STRING_BYTES + 1, 'x');
  g_autofree char *long_json = g_strdup_printf ("\"%s\"", long_text);

  /* OID systems, bare or prefixed; labels of other systems are ignored */
  crn_test_set (node, "meta.security[0]", "{\"system\": \"1.2.250.1.213.3.3.71\", \"code\": \"PRO\"}");
  crn_test_set (node, "meta.security[1]", "{\"system\": \"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\", \"code\": \"N\"}");
  crn_test_set (node, "serviceType", NULL);
  crn_test_set (node, "id", NULL);
  slot = crn_fhir_slot_parse (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (slot->visibility, ==, CRN_VISIBILITY_PRO);
  g_assert_cmpint (slot->modalities, ==, CRN_MODALITY_AMB);
  g_assert_cmpstr (slot->id, ==, "44bfc014-f729-4342-8863-4fd245d965a7");
  g_clear_pointer (&slot, crn_slot_free);

  /* a schedule reference that follows our convention gives practitioner and place */
  crn_test_set (node, "schedule", "{\"reference\": \"Schedule/sched-899700123456-cab1\"}");
  slot = crn_fhir_slot_parse (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (slot->practitioner, ==, "899700123456");
  g_assert_cmpstr (slot->place_id, ==, "cab1");
  g_clear_pointer (&slot, crn_slot_free);

  crn_test_set (node, "comment", long_json);
  slot = crn_fhir_slot_parse (node, NULL, &error);
  g_assert_null (slot);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
  g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "Slot.comment");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/slot/parse-example", test_parse_example);
  g_test_add_func ("/fhir/slot/build", test_build);
  g_test_add_func ("/fhir/slot/build-minimal", test_build_minimal);
  g_test_add_func ("/fhir/slot/round-trip", test_round_trip);
  g_test_add_func ("/fhir/slot/malformed", test_malformed);
  g_test_add_func ("/fhir/slot/tolerance", test_tolerance);

  return g_test_run ();
}
