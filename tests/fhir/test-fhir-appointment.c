/* test-fhir-appointment.c: Appointment <-> CrnBooking, and the SAS INT_R03 shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

#define BASE "https://agenda.cpts-exemple.fr/fhir"
#define BOOKING_ID "4268d160-fac5-4104-8116-02a014c85e3e"
#define REGULATOR "d7f564ac-cb64-43d9-a90f-3310243fd9bb"

static CrnBooking *
make_booking (void)
{
  CrnBooking *b = crn_booking_new ();

  b->id = g_strdup (BOOKING_ID);
  b->slot_id = g_strdup ("slot-20261201-1400");
  b->practitioner = g_strdup ("899700123456");
  b->start = crn_test_instant ("2026-12-01T14:00:00+01:00");
  b->end = crn_test_instant ("2026-12-01T14:20:00+01:00");
  b->patient.family = g_strdup ("DUPONT");
  b->patient.given = g_strdup ("Lucas");
  b->patient.birth_date = g_strdup ("1987-04-12");
  b->patient.phone = g_strdup ("+33600000000");
  b->reason = g_strdup ("Fièvre et otalgie depuis 48 h");
  b->referrer = CRN_REFERRER_SAS;
  b->referrer_name = g_strdup ("Régulateur SAS 41 (OSNP)");
  b->operator_id = g_strdup (REGULATOR);
  b->requested_at = crn_test_instant ("2026-12-01T11:40:00+01:00");
  b->created_at = crn_test_instant ("2026-12-01T11:42:10+01:00");
  b->status = CRN_APPOINTMENT_STATUS_BOOKED;
  b->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
  b->version = 2;
  b->last_updated_ms = G_GINT64_CONSTANT (1796128930250);
  return b;
}

static void
test_parse_example (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("appointment-regulation-cpts-sync.json");
  g_auto(CrnFhirAppointmentInfo) info = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) b = crn_fhir_appointment_parse (node, &info, &error);

  g_assert_no_error (error);
  g_assert_nonnull (b);
  g_assert_cmpstr (b->id, ==, BOOKING_ID);
  g_assert_cmpint (b->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);
  g_assert_cmpint (b->start, ==, crn_test_instant ("2026-12-01T14:00:00+01:00"));
  g_assert_cmpint (b->end, ==, crn_test_instant ("2026-12-01T14:20:00+01:00"));
  g_assert_cmpint (b->created_at, ==, crn_test_instant ("2026-12-01T11:42:10+01:00"));
  g_assert_cmpstr (b->slot_id, ==, "slot-20261201-1400");
  g_assert_cmpstr (b->practitioner, ==, "899700123456");
  g_assert_cmpint (b->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
  g_assert_cmpstr (b->patient.family, ==, "DUPONT");
  g_assert_cmpstr (b->patient.given, ==, "Lucas");
  g_assert_cmpstr (b->patient.birth_date, ==, "1987-04-12");
  g_assert_cmpstr (b->patient.phone, ==, "+33600000000");
  g_assert_cmpstr (b->reason, ==, "Fièvre et otalgie depuis 48 h, orienté par la régulation SAS");
  g_assert_cmpstr (b->operator_id, ==, REGULATOR);
  g_assert_cmpstr (b->referrer_name, ==, "Régulateur SAS 41 (OSNP)");
  g_assert_cmpint (b->referrer, ==, CRN_REFERRER_SAS);
  g_assert_false (b->extra);
  g_assert_cmpint (b->requested_at, ==, 0);
  g_assert_null (b->cancel_reason);
  g_assert_cmpuint (g_strv_length (info.slot_ids), ==, 1);
  g_assert_cmpstr (info.role_id, ==, "role-dr-martin-cabinet1");
  g_assert_cmpstr (info.identifier_system, ==, BASE "/sid/appointment");
}

static void
test_build (void)
{
  g_autoptr(CrnBooking) b = make_booking ();
  CrnFhirAppointmentOptions options = {
    .identifier_system = BASE "/sid/appointment",
    .role_id = "role-899700123456-cab1",
    .cpts = TRUE,
  };
  g_autoptr(JsonNode) node = NULL;

  g_free (b->patient.phone);
  b->patient.phone = g_strdup ("06 00 00 00 00");
  b->extra = TRUE;
  b->cancel_reason = g_strdup ("Patient guéri");
  node = crn_fhir_appointment_build (b, &options);

  crn_assert_string_at (node, "resourceType", "Appointment");
  crn_assert_string_at (node, "id", BOOKING_ID);
  crn_assert_string_at (node, "meta.versionId", "2");
  crn_assert_string_at (node, "meta.lastUpdated", "2026-12-01T13:42:10.250+01:00");
  crn_assert_string_at (node, "meta.profile[0]", CRN_FHIR_PROFILE_GAP_APPOINTMENT);

  crn_assert_string_at (node, "contained[0].resourceType", "Patient");
  crn_assert_string_at (node, "contained[0].id", "pat");
  crn_assert_string_at (node, "contained[0].name[0].family", "DUPONT");
  crn_assert_string_at (node, "contained[0].name[0].given[0]", "Lucas");
  crn_assert_string_at (node, "contained[0].birthDate", "1987-04-12");
  crn_assert_string_at (node, "contained[0].telecom[0].system", "phone");
  crn_assert_string_at (node, "contained[0].telecom[0].value", "+33600000000");

  crn_assert_string_at (node, "extension[0].url", CRN_FHIR_EXT_OPERATOR);
  crn_assert_string_at (node, "extension[0].valueReference.identifier.type.coding[0].system",
                        CRN_FHIR_CS_V2_0203_FRCORE);
  crn_assert_string_at (node, "extension[0].valueReference.identifier.type.coding[0].code",
                        "INTRN");
  crn_assert_string_at (node, "extension[0].valueReference.identifier.system", CRN_FHIR_OID_SAS);
  crn_assert_string_at (node, "extension[0].valueReference.identifier.value", REGULATOR);
  crn_assert_string_at (node, "extension[0].valueReference.display", "Régulateur SAS 41 (OSNP)");
  crn_assert_string_at (node, "extension[1].url", CRN_FHIR_EXT_ORIENTATION_SAS);
  crn_assert_string_at (node, "extension[1].valueCodeableConcept.coding[0].system",
                        CRN_FHIR_CS_TRE_R66);
  crn_assert_string_at (node, "extension[1].valueCodeableConcept.coding[0].code", "604");
  crn_assert_string_at (node, "extension[2].url", CRN_FHIR_EXT_REFERRER);
  crn_assert_string_at (node, "extension[2].valueCoding.system", CRN_FHIR_CS_REFERRER);
  crn_assert_string_at (node, "extension[2].valueCoding.code", "sas");
  crn_assert_string_at (node, "extension[3].url", CRN_FHIR_EXT_REQUESTED_AT);
  crn_assert_string_at (node, "extension[3].valueDateTime", "2026-12-01T11:40:00.000+01:00");
  crn_assert_string_at (node, "extension[4].url", CRN_FHIR_EXT_EXTRA_PATIENT);
  g_assert_true (json_node_get_boolean (crn_test_at (node, "extension[4].valueBoolean")));

  crn_assert_string_at (node, "identifier[0].system", BASE "/sid/appointment");
  crn_assert_string_at (node, "identifier[0].value", BOOKING_ID);
  crn_assert_string_at (node, "status", "booked");
  crn_assert_string_at (node, "cancelationReason.text", "Patient guéri");
  crn_assert_string_at (node, "description", "Fièvre et otalgie depuis 48 h");
  crn_assert_string_at (node, "start", "2026-12-01T14:00:00.000+01:00");
  crn_assert_string_at (node, "end", "2026-12-01T14:20:00.000+01:00");
  g_assert_cmpint (crn_test_int_at (node, "minutesDuration"), ==, 20);
  crn_assert_string_at (node, "slot[0].reference", "Slot/slot-20261201-1400");
  crn_assert_string_at (node, "created", "2026-12-01T11:42:10.000+01:00");

  g_assert_cmpuint (crn_test_length_at (node, "participant"), ==, 3);
  crn_assert_string_at (node, "participant[0].actor.reference", "#pat");
  crn_assert_string_at (node, "participant[0].status", "accepted");
  crn_assert_string_at (node, "participant[1].actor.reference",
                        "PractitionerRole/role-899700123456-cab1");
  crn_assert_string_at (node, "participant[1].status", "accepted");
  crn_assert_string_at (node, "participant[2].actor.reference", "Practitioner/pract-899700123456");
  crn_assert_string_at (node, "participant[2].actor.identifier.type.coding[0].system",
                        CRN_FHIR_CS_V2_0203_FRCORE);
  crn_assert_string_at (node, "participant[2].actor.identifier.type.coding[0].code", "IDNPS");
  crn_assert_string_at (node, "participant[2].actor.identifier.system", CRN_FHIR_OID_IDNPS);
  crn_assert_string_at (node, "participant[2].actor.identifier.value", "899700123456");
  crn_assert_string_at (node, "participant[2].status", "accepted");
  crn_assert_string_at (node, "participant[2].required", "required");
}

static void
test_build_minimal (void)
{
  g_autoptr(CrnBooking) b = make_booking ();
  g_autoptr(JsonNode) node = NULL;

  /* a pharmacist's booking: IDNPS operator, no slot, nothing optional */
  g_free (b->operator_id);
  b->operator_id = g_strdup ("899700654321");
  b->referrer = CRN_REFERRER_PHARMACY;
  g_clear_pointer (&b->referrer_name, g_free);
  g_clear_pointer (&b->slot_id, g_free);
  g_clear_pointer (&b->reason, g_free);
  g_clear_pointer (&b->patient.phone, g_free);
  b->requested_at = 0;
  b->version = 0;
  b->last_updated_ms = 0;
  node = crn_fhir_appointment_build (b, NULL);

  crn_assert_string_at (node, "meta.profile[0]", CRN_FHIR_PROFILE_GAP_APPOINTMENT);
  g_assert_null (crn_test_at (node, "meta.versionId"));
  g_assert_null (crn_test_at (node, "identifier"));
  g_assert_null (crn_test_at (node, "slot"));
  g_assert_null (crn_test_at (node, "description"));
  g_assert_null (crn_test_at (node, "cancelationReason"));
  g_assert_null (crn_test_at (node, "contained[0].telecom"));
  crn_assert_string_at (node, "extension[0].valueReference.identifier.type.coding[0].code",
                        "IDNPS");
  crn_assert_string_at (node, "extension[0].valueReference.identifier.system", CRN_FHIR_OID_IDNPS);
  g_assert_null (crn_test_at (node, "extension[0].valueReference.display"));
  crn_assert_string_at (node, "extension[1].valueCoding.code", "pharmacy");
  g_assert_cmpuint (crn_test_length_at (node, "extension"), ==, 2);
  g_assert_cmpuint (crn_test_length_at (node, "participant"), ==, 2);
}

static void
test_round_trip (void)
{
  CrnAppointmentStatus statuses[] = {
    CRN_APPOINTMENT_STATUS_PROPOSED, CRN_APPOINTMENT_STATUS_PENDING,
    CRN_APPOINTMENT_STATUS_BOOKED, CRN_APPOINTMENT_STATUS_ARRIVED,
    CRN_APPOINTMENT_STATUS_FULFILLED, CRN_APPOINTMENT_STATUS_CANCELLED,
    CRN_APPOINTMENT_STATUS_NOSHOW, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR,
  };
  CrnFhirAppointmentOptions options = {
    .identifier_system = BASE "/sid/appointment",
    .role_id = "role-1",
    .cpts = TRUE,
  };

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    for (guint r = 0; r < CRN_REFERRER_N; r++)
      {
        g_autoptr(CrnBooking) b = make_booking ();
        g_autoptr(CrnBooking) back = NULL;
        g_autoptr(JsonNode) node = NULL;
        g_autoptr(JsonNode) reparsed = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;

        b->status = statuses[s];
        b->referrer = (CrnReferrer) r;
        b->practitioner_status = (CrnParticipationStatus) ((s + r) % 4);
        b->extra = (r % 2) == 0;
        if (r == CRN_REFERRER_OWN_PATIENT)
          {
            g_clear_pointer (&b->operator_id, g_free);
            g_clear_pointer (&b->referrer_name, g_free);
            g_clear_pointer (&b->slot_id, g_free);
            b->requested_at = 0;
            b->created_at = 0;
          }
        if (statuses[s] == CRN_APPOINTMENT_STATUS_CANCELLED)
          b->cancel_reason = g_strdup ("Annulé par le patient");

        node = crn_fhir_appointment_build (b, &options);
        text = crn_fhir_to_string (node, TRUE);
        reparsed = crn_fhir_parse (text, -1, &error);
        g_assert_no_error (error);
        back = crn_fhir_appointment_parse (reparsed, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (crn_booking_equal (b, back));
      }
}

/* Same JSON, except that date-time strings compare as instants. */
static void
assert_same_json (JsonNode   *expected,
                  JsonNode   *actual,
                  const char *path)
{
  JsonNodeType type = json_node_get_node_type (expected);

  g_test_message ("comparing %s", path);
  g_assert_nonnull (actual);
  g_assert_cmpint (json_node_get_node_type (actual), ==, type);

  if (type == JSON_NODE_OBJECT)
    {
      JsonObject *e = json_node_get_object (expected);
      JsonObject *a = json_node_get_object (actual);
      g_autoptr(GList) members = json_object_get_members (e);

      g_assert_cmpuint (json_object_get_size (a), ==, json_object_get_size (e));
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *sub = g_strconcat (path, ".", l->data, NULL);

          assert_same_json (json_object_get_member (e, l->data),
                            json_object_get_member (a, l->data), sub);
        }
    }
  else if (type == JSON_NODE_ARRAY)
    {
      JsonArray *e = json_node_get_array (expected);
      JsonArray *a = json_node_get_array (actual);

      g_assert_cmpuint (json_array_get_length (a), ==, json_array_get_length (e));
      for (guint i = 0; i < json_array_get_length (e); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);

          assert_same_json (json_array_get_element (e, i), json_array_get_element (a, i), sub);
        }
    }
  else if (json_node_get_value_type (expected) == G_TYPE_STRING)
    {
      const char *e = json_node_get_string (expected);
      const char *a = json_node_get_string (actual);
      gint64 ems, ams;

      if (crn_fhir_parse_datetime_ms (e, &ems, NULL, NULL))
        {
          g_assert_true (crn_fhir_parse_datetime_ms (a, &ams, NULL, NULL));
          g_assert_cmpint (ems, ==, ams);
        }
      else
        g_assert_cmpstr (a, ==, e);
    }
  else
    g_assert_true (json_node_equal (expected, actual));
}

static void
test_build_sas (void)
{
  g_autoptr(JsonNode) expected = crn_test_fixture ("appointment-sas-int-r03.json");
  g_autoptr(CrnBooking) b = make_booking ();
  g_autoptr(JsonNode) node = crn_fhir_appointment_build_sas (b, BASE "/sid/appointment");
  g_autofree char *text = crn_fhir_to_string (node, FALSE);

  assert_same_json (expected, node, "Appointment");
  /* no patient data at all in the SAS body */
  g_assert_null (strstr (text, "DUPONT"));
  g_assert_null (strstr (text, "Lucas"));
  g_assert_null (strstr (text, "1987"));
  g_assert_null (strstr (text, "+33"));
  g_assert_null (strstr (text, "Fièvre"));

  /* a later cancellation keeps the identifier */
  b->status = CRN_APPOINTMENT_STATUS_CANCELLED;
  g_clear_pointer (&node, json_node_unref);
  node = crn_fhir_appointment_build_sas (b, BASE "/sid/appointment");
  crn_assert_string_at (node, "status", "cancelled");
  crn_assert_string_at (node, "identifier[0].value", BOOKING_ID);
}

typedef struct
{
  const char *path;
  const char *json;
  int         code;
  const char *expression;
} Malformed;

static void
test_malformed (void)
{
  static const Malformed cases[] = {
    { "resourceType", "\"Slot\"", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType" },
    { "status", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.status" },
    { "status", "\"waitlist\"", CRN_FHIR_ERROR_UNKNOWN_CODE, "Appointment.status" },
    { "start", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.start" },
    { "end", "\"2026-12-01T13:00:00+01:00\"", CRN_FHIR_ERROR_INVALID_VALUE, "Appointment.end" },
    { "created", "\"hier\"", CRN_FHIR_ERROR_INVALID_VALUE, "Appointment.created" },
    { "participant", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.participant" },
    { "participant[2]", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.participant" },
    { "participant[2].status", "\"ok\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "Appointment.participant[2].status" },
    { "participant[2].status", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.participant[2].status" },
    { "participant[2].actor.identifier.value", "\"12345\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.participant[2].actor.identifier.value" },
    { "participant[2].actor", "{\"reference\": \"Practitioner/x\"}", CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.participant[2].actor.identifier" },
    { "participant[0].actor.reference", "\"#other\"", CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.contained" },
    { "contained", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.contained" },
    { "contained[0].name", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.contained[0].name" },
    { "contained[0].name[0].family", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.contained[0].name[0].family" },
    { "contained[0].name[0].given", "\"Lucas\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.contained[0].name[0].given" },
    { "contained[0].birthDate", "\"12/04/1987\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.contained[0].birthDate" },
    { "contained[0].birthDate", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.contained[0].birthDate" },
    { "slot[0].reference", "\"Schedule/x\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.slot[0].reference" },
    { "extension[0].valueReference", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.extension[0].valueReference" },
    { "identifier[0].value", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Appointment.identifier[0].value" },
    /* a lone surrogate escape decodes to bytes that are not UTF-8 */
    { "contained[0].name[0].family", "\"DU\\ud800PONT\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.contained[0].name[0].family" },
    { "description", "\"Fi\\udfffevre\"", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.description" },
    /* the path of a string is only written out for its error: still the right one */
    { "description", "\"\"", CRN_FHIR_ERROR_INVALID_VALUE, "Appointment.description" },
    { "contained[0].name[0].given", "[\"\"]", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.contained[0].name[0].given[0]" },
    { "contained[0].name[0].given", "[\"Lu\\ud800cas\"]", CRN_FHIR_ERROR_INVALID_VALUE,
      "Appointment.contained[0].name[0].given[0]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_test_fixture ("appointment-regulation-cpts-sync.json");
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnBooking) b = NULL;

      g_test_message ("case %u: %s", i, cases[i].path);
      crn_test_set (node, cases[i].path, cases[i].json);
      /* make the patient data recognisable: it must never appear in a message */
      b = crn_fhir_appointment_parse (node, NULL, &error);
      g_assert_null (b);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
      g_assert_null (strstr (error->message, "DUPONT"));
      g_assert_null (strstr (error->message, "Lucas"));
      g_assert_null (strstr (error->message, "+33600000000"));
      g_assert_null (strstr (error->message, "12/04/1987"));
    }
}

static void
test_identifier_not_an_id (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("appointment-regulation-cpts-sync.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) b = NULL;

  /* another system's business identifier that cannot be an id: the Appointment.id is used */
  crn_test_set (node, "identifier[0].value", "\"urn:other/booking 42\"");
  b = crn_fhir_appointment_parse (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->id, ==, "4268d160-fac5-4104-8116-02a014c85e3e");
  g_clear_pointer (&b, crn_booking_free);

  /* and without an id, the booking could never be written back: refused, clearly */
  crn_test_set (node, "id", NULL);
  b = crn_fhir_appointment_parse (node, NULL, &error);
  g_assert_null (b);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_VALUE);
  g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "Appointment.identifier[0].value");
}

static void
test_referrer_rules (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("appointment-regulation-cpts-sync.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) b = NULL;

  /* no orientation, no operator, no local extension: OTHER */
  crn_test_set (node, "extension", NULL);
  b = crn_fhir_appointment_parse (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (b->referrer, ==, CRN_REFERRER_OTHER);
  g_assert_null (b->operator_id);
  g_clear_pointer (&b, crn_booking_free);

  /* the SAS operator URL is read too; an 11-digit RPPS with a bare OID is accepted */
  crn_test_set (node, "extension",
                "[{\"url\": \"" CRN_FHIR_EXT_OPERATOR_SAS "\", \"valueReference\": "
                "{\"identifier\": {\"system\": \"urn:oid:1.2.250.1.213.3.6\", \"value\": \"u-1\"}}}]");
  crn_test_set (node, "participant[2].actor.identifier",
                "{\"system\": \"1.2.250.1.71.4.2.1\", \"value\": \"99700123456\"}");
  crn_test_set (node, "participant[2].actor.reference", NULL);
  b = crn_fhir_appointment_parse (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (b->referrer, ==, CRN_REFERRER_SAS);
  g_assert_cmpstr (b->operator_id, ==, "u-1");
  g_assert_cmpstr (b->practitioner, ==, "899700123456");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/appointment/parse-example", test_parse_example);
  g_test_add_func ("/fhir/appointment/build", test_build);
  g_test_add_func ("/fhir/appointment/build-minimal", test_build_minimal);
  g_test_add_func ("/fhir/appointment/round-trip", test_round_trip);
  g_test_add_func ("/fhir/appointment/build-sas", test_build_sas);
  g_test_add_func ("/fhir/appointment/malformed", test_malformed);
  g_test_add_func ("/fhir/appointment/referrer-rules", test_referrer_rules);
  g_test_add_func ("/fhir/appointment/identifier-not-an-id", test_identifier_not_an_id);

  return g_test_run ();
}
