/* test-fhir-directory.c: Practitioner, PractitionerRole, Organization, HealthcareService,
 * and the CPTS policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

#define BASE "https://agenda.cpts-exemple.fr/fhir"

static CrnPractitioner *
make_practitioner (void)
{
  CrnPractitioner *p = crn_practitioner_new ();

  p->idnps = g_strdup ("899700123456");
  p->family = g_strdup ("MARTIN");
  p->given = g_strdup ("Claire");
  p->phone = g_strdup ("02 54 00 00 00");
  p->organization = g_strdup ("499700123456001");
  return p;
}

static void
test_practitioner (void)
{
  g_autoptr(CrnPractitioner) p = make_practitioner ();
  g_autoptr(JsonNode) sas = crn_fhir_practitioner_build (p, CRN_FHIR_FLAVOR_SAS);
  g_autoptr(JsonNode) gap = crn_fhir_practitioner_build (p, CRN_FHIR_FLAVOR_GAP);
  g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
  JsonNode *expected = crn_test_at (example, "entry[2].resource");
  g_autoptr(CrnPractitioner) back = NULL;
  g_autoptr(GError) error = NULL;

  /* the SAS shape is the example's, element for element */
  crn_assert_string_at (sas, "id", crn_test_string_at (expected, "id"));
  crn_assert_string_at (sas, "meta.profile[0]", crn_test_string_at (expected, "meta.profile[0]"));
  g_assert_cmpuint (crn_test_length_at (sas, "identifier"), ==, 1);
  g_assert_cmpuint (crn_test_length_at (sas, "identifier[0].type.coding"), ==, 1);
  crn_assert_string_at (sas, "identifier[0].type.coding[0].system",
                        crn_test_string_at (expected, "identifier[0].type.coding[0].system"));
  crn_assert_string_at (sas, "identifier[0].type.coding[0].code", "IDNPS");
  crn_assert_string_at (sas, "identifier[0].system", CRN_FHIR_OID_IDNPS);
  crn_assert_string_at (sas, "identifier[0].value", "899700123456");
  crn_assert_string_at (sas, "name[0].family", "MARTIN");
  crn_assert_string_at (sas, "name[0].given[0]", "Claire");
  crn_assert_string_at (sas, "telecom[0].system", "phone");
  crn_assert_string_at (sas, "telecom[0].value", "+33254000000");

  g_assert_null (crn_test_at (gap, "meta"));
  crn_assert_string_at (gap, "identifier[0].type.coding[0].system", CRN_FHIR_CS_V2_0203_FRCORE);

  back = crn_fhir_practitioner_parse (expected, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->idnps, ==, "899700123456");
  g_assert_cmpstr (back->family, ==, "MARTIN");
  g_assert_cmpstr (back->given, ==, "Claire");
  g_assert_null (back->phone);
  g_clear_pointer (&back, crn_practitioner_free);

  back = crn_fhir_practitioner_parse (gap, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->phone, ==, "+33254000000");
}

static void
test_practitioner_malformed (void)
{
  static const struct {
    const char *path;
    const char *json;
    int         code;
    const char *expression;
  } cases[] = {
    { "resourceType", "\"Patient\"", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType" },
    { "identifier", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Practitioner.identifier" },
    /* a regulator with only a SAS technical id */
    { "identifier[0]", "{\"system\": \"urn:oid:1.2.250.1.213.3.6\", \"value\": \"u\"}",
      CRN_FHIR_ERROR_MISSING_FIELD, "Practitioner.identifier" },
    { "identifier[0].value", "\"3456780581/11242343\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Practitioner.identifier[0].value" },
    { "name[0].family", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Practitioner.name[0].family" },
    { "name[0].given", "[3]", CRN_FHIR_ERROR_INVALID_VALUE, "Practitioner.name[0].given[0]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
      JsonNode *node = crn_test_at (example, "entry[2].resource");
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnPractitioner) p = NULL;

      g_test_message ("case %u", i);
      crn_test_set (node, cases[i].path, cases[i].json);
      p = crn_fhir_practitioner_parse (node, &error);
      g_assert_null (p);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
    }
}

static void
test_practitioner_role (void)
{
  g_autoptr(CrnPractitioner) p = make_practitioner ();
  g_autoptr(CrnPlace) place = crn_place_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
  JsonNode *expected = crn_test_at (example, "entry[3].resource");
  g_autofree char *local_ref = NULL;

  place->id = g_strdup ("cabinet1");
  place->name = g_strdup ("Cabinet des Tilleuls");
  place->line = g_strdup ("12 rue des Tilleuls");
  place->postal_code = g_strdup ("41000");
  place->city = g_strdup ("Blois");
  node = crn_fhir_practitioner_role_build (p, place, BASE "/sid/location", CRN_FHIR_FLAVOR_SAS);

  crn_assert_string_at (node, "resourceType", "PractitionerRole");
  crn_assert_string_at (node, "id", "role-899700123456-cabinet1");
  crn_assert_string_at (node, "meta.profile[0]", crn_test_string_at (expected, "meta.profile[0]"));
  g_assert_cmpuint (crn_test_length_at (node, "contained"), ==, 1);
  crn_assert_string_at (node, "contained[0].resourceType", "Location");
  crn_assert_string_at (node, "contained[0].meta.profile[0]",
                        crn_test_string_at (expected, "contained[0].meta.profile[0]"));
  crn_assert_string_at (node, "contained[0].identifier[0].type.coding[0].system",
                        crn_test_string_at (expected, "contained[0].identifier[0].type.coding[0].system"));
  crn_assert_string_at (node, "contained[0].identifier[0].type.coding[0].code", "INTRN");
  crn_assert_string_at (node, "contained[0].identifier[0].system",
                        crn_test_string_at (expected, "contained[0].identifier[0].system"));
  crn_assert_string_at (node, "contained[0].identifier[0].value", "cabinet1");
  g_assert_cmpuint (crn_test_length_at (node, "contained[0].address.line"), ==, 1);
  crn_assert_string_at (node, "contained[0].address.line[0]", "12 rue des Tilleuls");
  crn_assert_string_at (node, "contained[0].address.city", "Blois");
  crn_assert_string_at (node, "contained[0].address.postalCode", "41000");
  crn_assert_string_at (node, "contained[0].name", "Cabinet des Tilleuls");
  g_assert_cmpuint (crn_test_length_at (node, "location"), ==, 1);
  local_ref = g_strconcat ("#", crn_test_string_at (node, "contained[0].id"), NULL);
  crn_assert_string_at (node, "location[0].reference", local_ref);
  crn_assert_string_at (node, "practitioner.reference", "Practitioner/pract-899700123456");
  crn_assert_string_at (node, "organization.identifier.type.coding[0].system",
                        crn_test_string_at (expected, "organization.identifier.type.coding[0].system"));
  crn_assert_string_at (node, "organization.identifier.type.coding[0].code", "IDNST");
  crn_assert_string_at (node, "organization.identifier.system", CRN_FHIR_OID_IDNST);
  crn_assert_string_at (node, "organization.identifier.value", "499700123456001");
  crn_assert_string_at (node, "telecom[0].value", "+33254000000");
}

static void
test_cpts_structures (void)
{
  g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
  JsonNode *expected_hs = crn_test_at (example, "entry[4].resource");
  JsonNode *expected_org = crn_test_at (example, "entry[5].resource");
  g_autoptr(JsonNode) hs = crn_fhir_healthcare_service_build ("hs-cpts-val-de-loire",
                                                              "org-cpts-val-de-loire", NULL);
  g_autoptr(JsonNode) org = crn_fhir_organization_build ("org-cpts-val-de-loire", "1990000017",
                                                         "CPTS Val de Loire (fictive)",
                                                         "02 54 00 00 99");

  g_assert_true (json_node_equal (hs, expected_hs));
  g_assert_true (json_node_equal (org, expected_org));
}

static void
test_policy_round_trip (void)
{
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  g_autoptr(CrnPolicy) custom = crn_policy_new_default ();
  CrnPolicy *policies[2] = { policy, custom };

  custom->snp_open[G_DATE_SATURDAY] = 9 * 60;
  custom->snp_close[G_DATE_SATURDAY] = 13 * 60 + 30;
  custom->snp_open[G_DATE_SUNDAY] = 10 * 60;
  custom->snp_close[G_DATE_SUNDAY] = 12 * 60;
  custom->reclaim_minutes = 59;
  custom->booking_closes_minutes = 60;
  custom->horizon_hours = 72;
  custom->needs_confirmation = TRUE;
  g_ptr_array_set_size (custom->excluded_reasons, 0);

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      g_autoptr(JsonNode) node = crn_fhir_policy_build (policies[i], "cpts-val-de-loire");
      g_autofree char *text = crn_fhir_to_string (node, FALSE);
      g_autoptr(JsonNode) reparsed = NULL;
      g_autoptr(CrnPolicy) back = NULL;
      g_autoptr(GError) error = NULL;

      reparsed = crn_fhir_parse (text, -1, &error);
      g_assert_no_error (error);
      back = crn_fhir_policy_parse (reparsed, &error);
      g_assert_no_error (error);
      g_assert_true (crn_policy_equal (policies[i], back));
    }

  {
    g_autoptr(JsonNode) node = crn_fhir_policy_build (policy, NULL);

    crn_assert_string_at (node, "resourceType", "Parameters");
    crn_assert_string_at (node, "meta.profile[0]", CRN_FHIR_PROFILE_POLICY);
    crn_assert_string_at (node, "parameter[0].name", "snpWindow");
    crn_assert_string_at (node, "parameter[0].part[0].valueCode", "mon");
    crn_assert_string_at (node, "parameter[0].part[1].valueTime", "08:00:00");
    crn_assert_string_at (node, "parameter[0].part[2].valueTime", "20:00:00");
    crn_assert_string_at (node, "parameter[5].part[0].valueCode", "sat");
    crn_assert_string_at (node, "parameter[5].part[2].valueTime", "12:00:00");
    crn_assert_string_at (node, "parameter[6].part[2].valueTime", "00:00:00");
    crn_assert_string_at (node, "parameter[7].name", "reclaimMinutes");
    g_assert_cmpint (crn_test_int_at (node, "parameter[7].valueUnsignedInt"), ==, 120);
    crn_assert_string_at (node, "parameter[9].name", "horizonHours");
    g_assert_cmpint (crn_test_int_at (node, "parameter[9].valueUnsignedInt"), ==, 48);
    crn_assert_string_at (node, "parameter[11].name", "excludedReason");
    crn_assert_string_at (node, "parameter[11].valueString", "renouvellement d'ordonnance");
  }
}

static void
test_policy_malformed (void)
{
  static const struct {
    const char *path;
    const char *json;
    int         code;
    const char *expression;
  } cases[] = {
    { "resourceType", "\"Basic\"", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType" },
    { "parameter[3]", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Parameters.parameter" },
    { "parameter[8]", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Parameters.parameter" },
    { "parameter[3].part[0].valueCode", "\"mon\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[3].part" },
    { "parameter[3].part[0].valueCode", "\"jeu\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "Parameters.parameter[3].part[0].valueCode" },
    { "parameter[3].part[1].valueTime", "\"8:00\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[3].part[1].valueTime" },
    { "parameter[3].part[1].valueTime", "\"08:00:30\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[3].part[1].valueTime" },
    { "parameter[3].part[1].valueTime", "\"21:00:00\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[3].part" },
    { "parameter[7].valueUnsignedInt", "-5", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[7].valueUnsignedInt" },
    { "parameter[7].valueUnsignedInt", "\"120\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[7].valueUnsignedInt" },
    { "parameter[8].name", "\"reclaimMinutes\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[8].name" },
    { "parameter[10].name", "\"cutoff\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "Parameters.parameter[10].name" },
    { "parameter[10].valueBoolean", "\"yes\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Parameters.parameter[10].valueBoolean" },
  };
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_fhir_policy_build (policy, "p");
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnPolicy) back = NULL;

      g_test_message ("case %u: %s", i, cases[i].path);
      crn_test_set (node, cases[i].path, cases[i].json);
      back = crn_fhir_policy_parse (node, &error);
      g_assert_null (back);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/directory/practitioner", test_practitioner);
  g_test_add_func ("/fhir/directory/practitioner-malformed", test_practitioner_malformed);
  g_test_add_func ("/fhir/directory/practitioner-role", test_practitioner_role);
  g_test_add_func ("/fhir/directory/cpts-structures", test_cpts_structures);
  g_test_add_func ("/fhir/directory/policy-round-trip", test_policy_round_trip);
  g_test_add_func ("/fhir/directory/policy-malformed", test_policy_malformed);

  return g_test_run ();
}
