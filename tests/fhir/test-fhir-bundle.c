/* test-fhir-bundle.c: searchset Bundle builder and reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

#define BASE "https://agenda.cpts-exemple.fr/fhir"
#define SELF BASE "/Slot?start=ge2026-12-01&status=free"

static JsonNode *
make_slot_node (const char *id,
                guint       hour)
{
  g_autoptr(CrnSlot) slot = crn_slot_new ();
  g_autofree char *start = g_strdup_printf ("2026-12-01T%02u:00:00+01:00", hour);
  g_autofree char *end = g_strdup_printf ("2026-12-01T%02u:20:00+01:00", hour);
  const char *const services[] = { "hs-cpts-val-de-loire", NULL };
  CrnFhirSlotOptions options = {
    .identifier_system = BASE "/sid/slot",
    .schedule_id = "sched-dr-martin-cabinet1",
    .booking_url = "https://agenda.cpts-exemple.fr/rdv/praticien/899700123456?lieu=cabinet1",
    .healthcare_service_ids = services,
    .service_text = "Consultation de soins non programmés",
    .profile = CRN_FHIR_PROFILE_SAS_CPTS_SLOT,
  };

  slot->id = g_strdup (id);
  slot->start = crn_test_instant (start);
  slot->end = crn_test_instant (end);
  slot->modalities = CRN_MODALITY_AMB;
  slot->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  return crn_fhir_slot_build (slot, &options);
}

static void
test_build_sas_answer (void)
{
  g_autoptr(CrnFhirBundleBuilder) builder =
    crn_fhir_bundle_builder_new (BASE "/", SELF, CRN_FHIR_PROFILE_SAS_CPTS_BUNDLE);
  g_autoptr(JsonNode) slot1 = make_slot_node ("slot-1", 14);
  g_autoptr(JsonNode) slot2 = make_slot_node ("slot-2", 15);
  g_autoptr(JsonNode) schedule = crn_fhir_schedule_build_sas ("sched-dr-martin-cabinet1",
                                                              "pract-899700123456",
                                                              "role-899700123456-cabinet1");
  g_autoptr(JsonNode) schedule_again = json_node_copy (schedule);
  g_autoptr(JsonNode) hs = crn_fhir_healthcare_service_build ("hs-cpts-val-de-loire",
                                                              "org-cpts-val-de-loire", NULL);
  g_autoptr(JsonNode) bundle = NULL;
  g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) parsed = NULL;

  g_assert_true (crn_fhir_bundle_builder_add (builder, slot1, CRN_FHIR_SEARCH_MODE_MATCH));
  g_assert_true (crn_fhir_bundle_builder_add (builder, schedule, CRN_FHIR_SEARCH_MODE_INCLUDE));
  g_assert_true (crn_fhir_bundle_builder_add (builder, slot2, CRN_FHIR_SEARCH_MODE_MATCH));
  /* the same Schedule included for the second slot: no duplicate */
  g_assert_false (crn_fhir_bundle_builder_add (builder, schedule_again,
                                               CRN_FHIR_SEARCH_MODE_INCLUDE));
  g_assert_true (crn_fhir_bundle_builder_add (builder, hs, CRN_FHIR_SEARCH_MODE_INCLUDE));
  g_assert_cmpuint (crn_fhir_bundle_builder_get_n_entries (builder), ==, 4);
  bundle = crn_fhir_bundle_builder_end (builder);

  crn_assert_string_at (bundle, "resourceType", "Bundle");
  g_assert_true (crn_uuid_is_valid (crn_test_string_at (bundle, "id")));
  crn_assert_string_at (bundle, "meta.profile[0]",
                        crn_test_string_at (example, "meta.profile[0]"));
  crn_assert_string_at (bundle, "type", "searchset");
  g_assert_cmpint (crn_test_int_at (bundle, "total"), ==, 2);
  g_assert_cmpuint (crn_test_length_at (bundle, "link"), ==, 1);
  crn_assert_string_at (bundle, "link[0].relation", "self");
  crn_assert_string_at (bundle, "link[0].url", SELF);
  crn_assert_string_at (bundle, "entry[0].fullUrl", BASE "/Slot/slot-1");
  crn_assert_string_at (bundle, "entry[0].search.mode", "match");
  crn_assert_string_at (bundle, "entry[1].fullUrl", BASE "/Schedule/sched-dr-martin-cabinet1");
  crn_assert_string_at (bundle, "entry[1].search.mode", "include");
  crn_assert_string_at (bundle, "entry[3].fullUrl", BASE "/HealthcareService/hs-cpts-val-de-loire");

  /* the slot entry matches the example's, value for value */
  {
    g_autoptr(JsonNode) mine = json_node_copy (crn_test_at (bundle, "entry[0].resource"));

    crn_test_set (mine, "id", "\"slot-20261201-1400\"");
    crn_test_set (mine, "identifier[0].value", "\"44bfc014-f729-4342-8863-4fd245d965a7\"");
    g_assert_true (json_node_equal (mine, crn_test_at (example, "entry[0].resource")));
  }

  reader = crn_fhir_bundle_reader_new (bundle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (crn_fhir_bundle_reader_get_total (reader), ==, 2);
  g_assert_null (crn_fhir_bundle_reader_get_next_link (reader));
  parsed = crn_fhir_slot_parse (crn_fhir_bundle_reader_resolve (reader, "Slot/slot-2"), NULL,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpint (parsed->start, ==, crn_test_instant ("2026-12-01T15:00:00+01:00"));
  g_assert_null (crn_fhir_bundle_reader_resolve (reader, "Slot/slot-3"));
  g_assert_null (crn_fhir_bundle_reader_resolve (reader, "Schedule/slot-1"));
}

static void
test_empty (void)
{
  g_autoptr(CrnFhirBundleBuilder) builder = crn_fhir_bundle_builder_new (BASE, SELF, NULL);
  g_autoptr(JsonNode) bundle = crn_fhir_bundle_builder_end (builder);

  g_assert_cmpint (crn_test_int_at (bundle, "total"), ==, 0);
  g_assert_null (crn_test_at (bundle, "entry"));
  g_assert_null (crn_test_at (bundle, "meta"));
  crn_assert_string_at (bundle, "link[0].url", SELF);
}

static void
test_read_example (void)
{
  g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirBundleReader) reader = crn_fhir_bundle_reader_new (example, &error);
  guint iter = 0;
  guint n = 0;
  JsonNode *resource;
  const char *full_url = NULL;
  CrnFhirSearchMode mode = CRN_FHIR_SEARCH_MODE_NONE;

  g_assert_no_error (error);
  g_assert_cmpuint (crn_fhir_bundle_reader_get_n_entries (reader), ==, 6);
  g_assert_cmpint (crn_fhir_bundle_reader_get_total (reader), ==, 1);
  g_assert_true (g_str_has_prefix (crn_fhir_bundle_reader_get_link (reader, "self"),
                                   BASE "/Slot?_include=Slot:schedule"));
  g_assert_null (crn_fhir_bundle_reader_get_next_link (reader));

  while ((resource = crn_fhir_bundle_reader_next (reader, "Slot", &iter)) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);
  iter = 0;
  n = 0;
  while ((resource = crn_fhir_bundle_reader_next (reader, NULL, &iter)) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 6);

  resource = crn_fhir_bundle_reader_get_resource (reader, 3, &full_url, &mode);
  g_assert_cmpstr (crn_fhir_get_resource_type (resource), ==, "PractitionerRole");
  g_assert_cmpstr (full_url, ==, BASE "/PractitionerRole/role-dr-martin-cabinet1");
  g_assert_cmpint (mode, ==, CRN_FHIR_SEARCH_MODE_INCLUDE);
  crn_fhir_bundle_reader_get_resource (reader, 0, NULL, &mode);
  g_assert_cmpint (mode, ==, CRN_FHIR_SEARCH_MODE_MATCH);
}

/* The app's pull loop: follow next links until there is none. */
static void
test_pull_pages (void)
{
  g_autoptr(GHashTable) pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) json_node_unref);
  const char *url = BASE "/Slot?_lastUpdated=gt2026-12-01T00:00:00.000%2B01:00&_count=2";
  guint n_slots = 0;
  guint n_pages = 0;

  /* the server side: 5 slots in pages of 2 */
  for (guint page = 0; page < 3; page++)
    {
      g_autofree char *self = page == 0 ? g_strdup (url)
                              : g_strdup_printf ("%s&page=%u", url, page);
      g_autofree char *next = g_strdup_printf ("%s&page=%u", url, page + 1);
      g_autoptr(CrnFhirBundleBuilder) builder = crn_fhir_bundle_builder_new (BASE, self, NULL);

      for (guint k = 0; k < 2 && page * 2 + k < 5; k++)
        {
          g_autofree char *id = g_strdup_printf ("slot-%u", page * 2 + k);
          g_autoptr(JsonNode) slot = make_slot_node (id, 8 + page * 2 + k);

          crn_fhir_bundle_builder_add (builder, slot, CRN_FHIR_SEARCH_MODE_MATCH);
        }
      crn_fhir_bundle_builder_set_total (builder, 5);
      if (page < 2)
        crn_fhir_bundle_builder_set_next (builder, next);
      g_hash_table_insert (pages, g_steal_pointer (&self), crn_fhir_bundle_builder_end (builder));
    }

  /* the client side, through text as on the wire */
  while (url != NULL)
    {
      JsonNode *served = g_hash_table_lookup (pages, url);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) received = NULL;
      g_autoptr(CrnFhirBundleReader) reader = NULL;
      g_autoptr(GError) error = NULL;
      JsonNode *resource;
      guint iter = 0;

      g_assert_nonnull (served);
      text = crn_fhir_to_string (served, FALSE);
      received = crn_fhir_parse (text, -1, &error);
      g_assert_no_error (error);
      reader = crn_fhir_bundle_reader_new (received, &error);
      g_assert_no_error (error);
      g_assert_cmpint (crn_fhir_bundle_reader_get_total (reader), ==, 5);
      while ((resource = crn_fhir_bundle_reader_next (reader, "Slot", &iter)) != NULL)
        {
          g_autoptr(CrnSlot) slot = crn_fhir_slot_parse (resource, NULL, &error);

          g_assert_no_error (error);
          n_slots++;
        }
      n_pages++;
      url = crn_fhir_bundle_reader_get_next_link (reader);
      /* the reader owns url: look it up before the reader goes */
      url = url != NULL ? g_intern_string (url) : NULL;
    }

  g_assert_cmpuint (n_pages, ==, 3);
  g_assert_cmpuint (n_slots, ==, 5);
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
    { "resourceType", "\"Slot\"", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType" },
    { "entry", "{}", CRN_FHIR_ERROR_INVALID_VALUE, "Bundle.entry" },
    { "entry[1]", "3", CRN_FHIR_ERROR_INVALID_VALUE, "Bundle.entry[1]" },
    { "entry[1].resource", "{\"id\": \"x\"}", CRN_FHIR_ERROR_MISSING_FIELD,
      "Bundle.entry[1].resource.resourceType" },
    { "entry[1].search.mode", "\"matches\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "Bundle.entry[1].search.mode" },
    { "total", "\"1\"", CRN_FHIR_ERROR_INVALID_VALUE, "Bundle.total" },
    { "link[0].url", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Bundle.link[0].url" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_test_fixture ("bundle-searchset-slots.json");
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnFhirBundleReader) reader = NULL;

      g_test_message ("case %u", i);
      crn_test_set (node, cases[i].path, cases[i].json);
      reader = crn_fhir_bundle_reader_new (node, &error);
      g_assert_null (reader);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
    }
}

static void
test_too_many_entries (void)
{
  g_autoptr(GString) text = g_string_new ("{\"resourceType\": \"Bundle\", \"type\": \"searchset\", "
                                          "\"entry\": [");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;

  for (guint i = 0; i <= CRN_FHIR_MAX_ARRAY_LENGTH; i++)
    g_string_append (text, i == 0 ? "{}" : ",{}");
  g_string_append (text, "]}");
  node = crn_fhir_parse (text->str, -1, &error);
  g_assert_no_error (error);
  reader = crn_fhir_bundle_reader_new (node, &error);
  g_assert_null (reader);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
  g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "Bundle.entry");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/bundle/build-sas-answer", test_build_sas_answer);
  g_test_add_func ("/fhir/bundle/empty", test_empty);
  g_test_add_func ("/fhir/bundle/read-example", test_read_example);
  g_test_add_func ("/fhir/bundle/pull-pages", test_pull_pages);
  g_test_add_func ("/fhir/bundle/malformed", test_malformed);
  g_test_add_func ("/fhir/bundle/too-many-entries", test_too_many_entries);

  return g_test_run ();
}
