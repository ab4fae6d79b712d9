/* test-fhir-schedule.c: Schedule <-> CrnTemplate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

#define BASE "https://agenda.cpts-exemple.fr/fhir"
#define IDNPS "899700123456"
#define PLACE "0f8fad5b-d9cb-469f-a165-70867728950e"
#define AVAIL "extension[%u].extension[%u]"

#define MON CRN_WEEKDAY_BIT (G_DATE_MONDAY)
#define TUE CRN_WEEKDAY_BIT (G_DATE_TUESDAY)
#define WED CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY)
#define THU CRN_WEEKDAY_BIT (G_DATE_THURSDAY)
#define FRI CRN_WEEKDAY_BIT (G_DATE_FRIDAY)
#define SAT CRN_WEEKDAY_BIT (G_DATE_SATURDAY)

static const CrnFhirScheduleOptions options = {
  .identifier_system = BASE "/sid/schedule",
  .availability_system = BASE "/sid/availability",
};

static CrnTemplateBlock *
block (const char *id,
       guint8      weekdays,
       const char *from,
       const char *to,
       guint       slot_minutes,
       guint       n_patients)
{
  CrnTemplateBlock *b = crn_template_block_new ();
  guint start = 0, end = 0;

  g_assert_true (crn_time_parse_minutes (from, &start));
  g_assert_true (crn_time_parse_minutes (to, &end));
  b->id = g_strdup (id);
  b->weekdays = weekdays;
  b->start_minute = (guint16) start;
  b->end_minute = (guint16) end;
  b->slot_minutes = (guint16) slot_minutes;
  b->n_patients = (guint16) n_patients;
  return b;
}

static CrnTemplate *
new_template (void)
{
  CrnTemplate *t = crn_template_new (IDNPS, PLACE);

  g_free (t->id);
  t->id = g_strdup ("5a1f3c0e-7b9d-4f4e-9d36-2f8e7c1b0a11");
  t->version = 4;
  t->last_updated_ms = G_GINT64_CONSTANT (1796129000456);
  return t;
}

/* The real declarations of DOMAIN.md, one template each. */
static GPtrArray *
domain_templates (void)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_template_free);
  CrnTemplate *t;
  CrnTemplateBlock *b;
  CrnTemplateException *e;

  /* "Friday 16:00–18:00" */
  t = new_template ();
  crn_template_add_block (t, block ("b-fri", FRI, "16:00", "18:00", 20, 0));
  g_ptr_array_add (all, t);

  /* "Monday, Tuesday, Thursday and Friday 14:00–15:00, and Wednesday 18:00–19:00" */
  t = new_template ();
  crn_template_add_block (t, block ("b-1", MON | TUE | THU | FRI, "14:00", "15:00", 15, 0));
  crn_template_add_block (t, block ("b-2", WED, "18:00", "19:00", 15, 0));
  g_ptr_array_add (all, t);

  /* "Monday to Thursday, 11:45–12:15 (3 slots) and 18:00–18:45 (4 slots)" */
  t = new_template ();
  crn_template_add_block (t, block ("b-noon", MON | TUE | WED | THU, "11:45", "12:15", 0, 3));
  /* core refuses 45 min in 4 equal slots: read as 4 slots starting 18:00 … 18:45 */
  crn_template_add_block (t, block ("b-eve", MON | TUE | WED | THU, "18:00", "19:00", 0, 4));
  g_ptr_array_add (all, t);

  /* "Wednesday morning 09:00–12:00", teleconsultation too, visible to the CPTS */
  t = new_template ();
  b = block ("b-wed", WED, "09:00", "12:00", 30, 0);
  b->modalities = CRN_MODALITY_AMB | CRN_MODALITY_VR;
  b->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  crn_template_add_block (t, b);
  g_ptr_array_add (all, t);

  /* "Tuesday and Thursday, one slot at lunch time" */
  t = new_template ();
  crn_template_add_block (t, block ("b-lunch", TUE | THU, "12:30", "13:00", 0, 1));
  g_ptr_array_add (all, t);

  /* "14:00 and 17:00, mainly paediatric SNP" */
  t = new_template ();
  b = block ("b-14", MON | TUE | THU | FRI, "14:00", "14:20", 20, 0);
  b->restriction = CRN_RESTRICTION_CHILDREN;
  crn_template_add_block (t, b);
  b = block ("b-17", MON | TUE | THU | FRI, "17:00", "17:20", 20, 0);
  b->restriction = CRN_RESTRICTION_OTHER;
  b->restriction_text = g_strdup ("Enfants de préférence, pas de certificats");
  b->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_PRO | CRN_VISIBILITY_PUBLIC;
  crn_template_add_block (t, b);
  g_ptr_array_add (all, t);

  /* "these slots may change during the year": a tourist area doubles its slots in summer,
   * a block stops at the end of June, holidays, an extra block, a Saturday morning */
  t = new_template ();
  b = block ("b-year", TUE | THU, "14:00", "16:00", 20, 0);
  g_date_set_dmy (&b->valid_from, 1, G_DATE_DECEMBER, 2026);
  g_date_set_dmy (&b->valid_until, 30, G_DATE_JUNE, 2027);
  crn_template_add_block (t, b);
  b = block ("b-summer", MON | WED | FRI, "09:00", "11:00", 15, 0);
  b->months = (1u << 6) | (1u << 7);
  crn_template_add_block (t, b);
  b = block ("b-sat", SAT, "08:00", "12:00", 20, 0);
  g_date_set_dmy (&b->valid_from, 3, G_DATE_JANUARY, 2027);   /* a Sunday: first Sat is 9th */
  crn_template_add_block (t, b);
  e = crn_template_exception_new ();
  e->id = g_strdup ("x-noel");
  e->kind = CRN_EXCEPTION_ABSENCE;
  e->start = crn_test_instant ("2026-12-21T00:00:00+01:00");
  e->end = crn_test_instant ("2027-01-03T23:59:59+01:00");
  e->reason = g_strdup ("Congés annuels");
  crn_template_add_exception (t, e);
  e = crn_template_exception_new ();
  e->id = g_strdup ("x-formation");
  e->kind = CRN_EXCEPTION_ABSENCE;
  e->start = crn_test_instant ("2027-03-11T08:00:00+01:00");
  e->end = crn_test_instant ("2027-03-11T20:00:00+01:00");
  crn_template_add_exception (t, e);
  e = crn_template_exception_new ();
  e->id = g_strdup ("x-extra");
  e->kind = CRN_EXCEPTION_EXTRA;
  e->start = crn_test_instant ("2027-07-14T10:00:00+02:00");
  e->end = crn_test_instant ("2027-07-14T12:00:00+02:00");
  e->n_patients = 5;
  e->modalities = CRN_MODALITY_HH;
  e->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  e->restriction = CRN_RESTRICTION_ADULTS;
  crn_template_add_exception (t, e);
  g_ptr_array_add (all, t);

  return all;
}

/* Builds @t's Schedule, writes it as text, reads it back. */
static CrnTemplate *
schedule_round_trip (const CrnTemplate   *t,
                     CrnFhirScheduleInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = crn_fhir_schedule_build (t, &options);
  g_autofree char *text = crn_fhir_to_string (node, FALSE);
  g_autoptr(JsonNode) reparsed = crn_fhir_parse (text, -1, &error);
  CrnTemplate *back;

  g_assert_no_error (error);
  back = crn_fhir_schedule_parse (reparsed, info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  return back;
}

static void
test_round_trip_domain (void)
{
  g_autoptr(GPtrArray) all = domain_templates ();

  for (guint i = 0; i < all->len; i++)
    {
      CrnTemplate *t = g_ptr_array_index (all, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnTemplate) back = NULL;
      g_auto(CrnFhirScheduleInfo) info = { NULL, };

      g_test_message ("template %u", i);
      crn_template_validate (t, &error);
      g_assert_no_error (error);

      back = schedule_round_trip (t, &info);
      g_assert_true (crn_template_equal (t, back));
      g_assert_cmpstr (info.practitioner_id, ==, "pract-" IDNPS);
      g_assert_cmpstr (info.role_id, ==, "role-" IDNPS "-" PLACE);
      g_assert_cmpstr (info.schedule_id, ==, "sched-" IDNPS "-" PLACE);

      /* expanding both gives the same slots */
      {
        GDate from, to;
        g_autoptr(GPtrArray) a = NULL;
        g_autoptr(GPtrArray) b = NULL;

        g_date_clear (&from, 1);
        g_date_clear (&to, 1);
        g_date_set_dmy (&from, 1, G_DATE_DECEMBER, 2026);
        g_date_set_dmy (&to, 31, G_DATE_JULY, 2027);
        a = crn_template_expand (t, &from, &to);
        b = crn_template_expand (back, &from, &to);
        g_assert_cmpuint (a->len, >, 0);
        g_assert_cmpuint (a->len, ==, b->len);
        for (guint k = 0; k < a->len; k++)
          g_assert_true (crn_slot_equal (g_ptr_array_index (a, k), g_ptr_array_index (b, k)));
      }
    }
}

static JsonNode *
find_availability (JsonNode   *schedule,
                   const char *id)
{
  JsonArray *exts = json_node_get_array (crn_test_at (schedule, "extension"));

  for (guint i = 0; i < json_array_get_length (exts); i++)
    {
      JsonNode *ext = json_array_get_element (exts, i);

      if (g_strcmp0 (crn_test_string_at (ext, "extension[0].valueIdentifier.value"), id) == 0)
        return ext;
    }
  return NULL;
}

/* The sub-extension with that url, the n-th one. */
static JsonNode *
sub (JsonNode   *ext,
     const char *url,
     guint       nth)
{
  JsonArray *subs = json_node_get_array (crn_test_at (ext, "extension"));

  for (guint i = 0; i < json_array_get_length (subs); i++)
    {
      JsonNode *s = json_array_get_element (subs, i);

      if (g_strcmp0 (crn_test_string_at (s, "url"), url) == 0 && nth-- == 0)
        return s;
    }
  return NULL;
}

static void
test_build_values (void)
{
  g_autoptr(GPtrArray) all = domain_templates ();
  CrnTemplate *t = g_ptr_array_index (all, all->len - 1);
  g_autoptr(JsonNode) node = crn_fhir_schedule_build (t, &options);
  JsonNode *year, *summer, *sat, *noel, *extra, *rrule, *snp;

  crn_assert_string_at (node, "resourceType", "Schedule");
  crn_assert_string_at (node, "id", "sched-" IDNPS "-" PLACE);
  crn_assert_string_at (node, "meta.versionId", "4");
  crn_assert_string_at (node, "meta.profile[0]", CRN_FHIR_PROFILE_GAP_SCHEDULE);
  crn_assert_string_at (node, "identifier[0].system", BASE "/sid/schedule");
  crn_assert_string_at (node, "identifier[0].value", "5a1f3c0e-7b9d-4f4e-9d36-2f8e7c1b0a11");
  crn_assert_string_at (node, "actor[0].reference", "Practitioner/pract-" IDNPS);
  crn_assert_string_at (node, "actor[1].reference", "PractitionerRole/role-" IDNPS "-" PLACE);
  g_assert_cmpuint (crn_test_length_at (node, "extension"), ==, 7);

  year = find_availability (node, "b-year");
  g_assert_nonnull (year);
  crn_assert_string_at (year, "url", CRN_FHIR_EXT_AVAILABILITY_TIME);
  crn_assert_string_at (year, "extension[0].valueIdentifier.system", BASE "/sid/availability");
  crn_assert_string_at (sub (year, "type", 0), "valueCoding.system", CRN_FHIR_CS_SCHEDULE_TYPE);
  crn_assert_string_at (sub (year, "type", 0), "valueCoding.code", "free");
  /* 2026-12-01 is a Tuesday: the first occurrence */
  crn_assert_string_at (sub (year, "start", 0), "valueDateTime", "2026-12-01T14:00:00.000+01:00");
  crn_assert_string_at (sub (year, "end", 0), "valueDateTime", "2026-12-01T16:00:00.000+01:00");
  rrule = sub (year, "rrule", 0);
  crn_assert_string_at (sub (rrule, "freq", 0), "valueCoding.system", CRN_FHIR_CS_RFC2445);
  crn_assert_string_at (sub (rrule, "freq", 0), "valueCoding.code", "WEEKLY");
  crn_assert_string_at (sub (rrule, "byDay", 0), "valueString", "TU");
  crn_assert_string_at (sub (rrule, "byDay", 1), "valueString", "TH");
  g_assert_null (sub (rrule, "byDay", 2));
  g_assert_null (sub (rrule, "byMonth", 0));
  /* end of the last day, summer time */
  crn_assert_string_at (sub (rrule, "until", 0), "valueDateTime", "2027-06-30T23:59:59.000+02:00");
  snp = sub (year, CRN_FHIR_EXT_AVAILABILITY_SNP, 0);
  g_assert_cmpint (crn_test_int_at (sub (snp, "slotMinutes", 0), "valuePositiveInt"), ==, 20);
  g_assert_null (sub (snp, "patients", 0));
  crn_assert_string_at (sub (snp, "modality", 0), "valueCode", "AMB");
  crn_assert_string_at (sub (snp, "visibility", 0), "valueCode", "SNP");
  crn_assert_string_at (sub (snp, "validFrom", 0), "valueDate", "2026-12-01");

  /* open block: first occurrence after the reference date, in summer */
  summer = find_availability (node, "b-summer");
  crn_assert_string_at (sub (summer, "start", 0), "valueDateTime", "2024-07-01T09:00:00.000+02:00");
  rrule = sub (summer, "rrule", 0);
  g_assert_cmpint (crn_test_int_at (sub (rrule, "byMonth", 0), "valuePositiveInt"), ==, 7);
  g_assert_cmpint (crn_test_int_at (sub (rrule, "byMonth", 1), "valuePositiveInt"), ==, 8);
  g_assert_null (sub (rrule, "until", 0));
  g_assert_null (sub (sub (summer, CRN_FHIR_EXT_AVAILABILITY_SNP, 0), "validFrom", 0));

  sat = find_availability (node, "b-sat");
  crn_assert_string_at (sub (sat, "start", 0), "valueDateTime", "2027-01-09T08:00:00.000+01:00");
  crn_assert_string_at (sub (sub (sat, CRN_FHIR_EXT_AVAILABILITY_SNP, 0), "validFrom", 0),
                        "valueDate", "2027-01-03");

  noel = find_availability (node, "x-noel");
  crn_assert_string_at (sub (noel, "type", 0), "valueCoding.code", "busy-unavailable");
  crn_assert_string_at (sub (noel, "start", 0), "valueDateTime", "2026-12-21T00:00:00.000+01:00");
  crn_assert_string_at (sub (noel, "end", 0), "valueDateTime", "2027-01-03T23:59:59.000+01:00");
  crn_assert_string_at (sub (noel, "unavailabilityReason", 0), "valueCodeableConcept.text",
                        "Congés annuels");
  g_assert_cmpint (crn_test_int_at (sub (noel, "priority", 0), "valueInteger"), ==, 1);
  g_assert_null (sub (noel, "rrule", 0));
  g_assert_null (sub (noel, CRN_FHIR_EXT_AVAILABILITY_SNP, 0));
  g_assert_null (sub (find_availability (node, "x-formation"), "unavailabilityReason", 0));

  extra = find_availability (node, "x-extra");
  crn_assert_string_at (sub (extra, "type", 0), "valueCoding.code", "free");
  g_assert_null (sub (extra, "rrule", 0));
  snp = sub (extra, CRN_FHIR_EXT_AVAILABILITY_SNP, 0);
  g_assert_cmpint (crn_test_int_at (sub (snp, "patients", 0), "valuePositiveInt"), ==, 5);
  crn_assert_string_at (sub (snp, "modality", 0), "valueCode", "HH");
  crn_assert_string_at (sub (snp, "visibility", 1), "valueCode", "CPTS");
  crn_assert_string_at (sub (snp, "restriction", 0), "valueCodeableConcept.coding[0].code",
                        "adults");

  /* the FrCore default duration, for other readers */
  {
    JsonNode *last = crn_test_at (node, "extension[6]");

    crn_assert_string_at (last, "url", CRN_FHIR_EXT_SERVICE_TYPE_DURATION);
    g_assert_cmpint (crn_test_int_at (sub (last, "duration", 0), "valueDuration.value"), ==, 20);
    crn_assert_string_at (sub (last, "duration", 0), "valueDuration.code", "min");
  }
}

static void
test_parse_example (void)
{
  g_autoptr(JsonNode) node = crn_test_fixture ("schedule-availability.json");
  g_auto(CrnFhirScheduleInfo) info = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnTemplate) t = crn_fhir_schedule_parse (node, &info, &error);
  CrnTemplateBlock *b;
  CrnTemplateException *e;
  GDate from;

  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_assert_cmpstr (t->id, ==, "dr-martin-cabinet1");
  g_assert_cmpstr (t->practitioner, ==, IDNPS);
  g_assert_null (t->place_id);
  g_assert_cmpstr (info.schedule_id, ==, "sched-dr-martin-cabinet1");
  g_assert_cmpstr (info.role_id, ==, "role-dr-martin-cabinet1");

  g_assert_cmpuint (t->blocks->len, ==, 1);
  b = g_ptr_array_index (t->blocks, 0);
  g_assert_cmpstr (b->id, ==, "snp-mardi-jeudi-aprem");
  g_assert_cmpuint (b->weekdays, ==, TUE | THU);
  g_assert_cmpuint (b->start_minute, ==, 14 * 60);
  g_assert_cmpuint (b->end_minute, ==, 16 * 60);
  g_assert_cmpuint (b->slot_minutes, ==, 20);
  g_assert_cmpuint (b->n_patients, ==, 0);
  g_assert_cmpuint (b->months, ==, 0);
  g_assert_cmpint (b->modalities, ==, CRN_MODALITY_AMB);
  g_assert_cmpint (b->visibility, ==, CRN_VISIBILITY_SNP);
  g_assert_true (g_date_valid (&b->valid_from));
  g_assert_cmpuint (g_date_get_day (&b->valid_from), ==, 1);
  g_assert_cmpuint (g_date_get_month (&b->valid_from), ==, 12);
  g_assert_cmpuint (g_date_get_year (&b->valid_from), ==, 2026);
  g_assert_cmpuint (g_date_get_day (&b->valid_until), ==, 30);
  g_assert_cmpuint (g_date_get_month (&b->valid_until), ==, 6);
  g_assert_cmpuint (g_date_get_year (&b->valid_until), ==, 2027);

  g_assert_cmpuint (t->exceptions->len, ==, 1);
  e = g_ptr_array_index (t->exceptions, 0);
  g_assert_cmpstr (e->id, ==, "conges-noel-2026");
  g_assert_cmpint (e->kind, ==, CRN_EXCEPTION_ABSENCE);
  g_assert_cmpint (e->start, ==, crn_test_instant ("2026-12-21T00:00:00+01:00"));
  g_assert_cmpint (e->end, ==, crn_test_instant ("2027-01-03T23:59:59+01:00"));
  g_assert_cmpstr (e->reason, ==, "Congés annuels");

  /* and it expands: 2 slots x 3 per afternoon, none during Christmas */
  {
    g_autoptr(GPtrArray) slots = NULL;
    GDate to;

    g_free (t->place_id);
    t->place_id = g_strdup ("cabinet1");
    g_date_clear (&from, 1);
    g_date_clear (&to, 1);
    g_date_set_dmy (&from, 14, G_DATE_DECEMBER, 2026);
    g_date_set_dmy (&to, 10, G_DATE_JANUARY, 2027);
    slots = crn_template_expand (t, &from, &to);
    /* Tue/Thu 15, 17 Dec, then 5, 7 Jan: 4 afternoons of 6 slots */
    g_assert_cmpuint (slots->len, ==, 24);
  }
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
    { "actor", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Schedule.actor" },
    { "actor[0]", "{\"reference\": \"Location/x\"}", CRN_FHIR_ERROR_MISSING_FIELD,
      "Schedule.actor" },
    { "actor[0]", "{\"reference\": \"Practitioner/a b\"}", CRN_FHIR_ERROR_INVALID_VALUE,
      "Schedule.actor[0].reference" },
    /* rrule: freq DAILY */
    { "extension[0].extension[4].extension[0].valueCoding.code", "\"DAILY\"",
      CRN_FHIR_ERROR_INVALID_VALUE,
      "Schedule.extension[0].extension[4].extension[0].valueCoding.code" },
    { "extension[0].extension[4].extension[1].valueString", "\"1TU\"",
      CRN_FHIR_ERROR_UNKNOWN_CODE, "Schedule.extension[0].extension[4].extension[1].valueString" },
    { "extension[0].extension[4].extension[1]", "{\"url\": \"count\", \"valueInteger\": 3}",
      CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.extension[0].extension[4].extension[1]" },
    { "extension[0].extension[4].extension[1]", "{\"url\": \"interval\", \"valueInteger\": 2}",
      CRN_FHIR_ERROR_INVALID_VALUE,
      "Schedule.extension[0].extension[4].extension[1].valueInteger" },
    { "extension[0].extension[4].extension[0]", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Schedule.extension[0].extension[4].extension" },
    { "extension[0].extension[4].extension[3].valueDateTime", "\"2027-06-30\"",
      CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.extension[0].extension[4].extension[3].valueDateTime" },
    /* type */
    { "extension[0].extension[1].valueCoding.code", "\"busy\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "Schedule.extension[0].extension[1].valueCoding.code" },
    /* identifier, start, end */
    { "extension[0].extension[0]", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Schedule.extension[0].extension" },
    { "extension[1].extension[2]", NULL, CRN_FHIR_ERROR_MISSING_FIELD,
      "Schedule.extension[1].extension" },
    { "extension[0].extension[3].valueDateTime", "\"2026-12-01T13:00:00+01:00\"",
      CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.extension[0]" },
    { "extension[0].extension[3].valueDateTime", "\"2026-12-02T16:00:00+01:00\"",
      CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.extension[0]" },
    { "extension[0].extension[2]", "{\"url\": \"start\", \"valueDateTime\": 12}",
      CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.extension[0].extension[2].valueDateTime" },
    { "extension[0].extension", "[]", CRN_FHIR_ERROR_MISSING_FIELD,
      "Schedule.extension[0].extension" },
    { "extension[0].extension[5]", "{\"valueString\": \"x\"}", CRN_FHIR_ERROR_MISSING_FIELD,
      "Schedule.extension[0].extension[5].url" },
    /* no slot length anywhere */
    { "extension[2]", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Schedule.extension[0]" },
    { "extension[2].extension[1].valueDuration.code", "\"s\"", CRN_FHIR_ERROR_UNKNOWN_CODE,
      "Schedule.extension[2].extension[1].valueDuration.code" },
    { "extension[2].extension[1].valueDuration.value", "20.5", CRN_FHIR_ERROR_INVALID_VALUE,
      "Schedule.extension[2].extension[1].valueDuration.value" },
    /* a recurring absence */
    { "extension[0].extension[1].valueCoding.code", "\"busy-unavailable\"",
      CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.extension[0]" },
    { "identifier", NULL, CRN_FHIR_ERROR_MISSING_FIELD, "Schedule.identifier" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_test_fixture ("schedule-availability.json");
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnTemplate) t = NULL;

      g_test_message ("case %u: %s", i, cases[i].path);
      crn_test_set (node, cases[i].path, cases[i].json);
      if (i == G_N_ELEMENTS (cases) - 1)
        crn_test_set (node, "id", NULL);
      t = crn_fhir_schedule_parse (node, NULL, &error);
      g_assert_null (t);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, cases[i].expression);
    }
}

static void
test_local_extension_errors (void)
{
  static const struct {
    const char *sub;
    int         code;
  } cases[] = {
    { "{\"url\": \"modality\", \"valueCode\": \"EMER\"}", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "{\"url\": \"visibility\", \"valueCode\": \"VIP\"}", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "{\"url\": \"slotMinutes\", \"valuePositiveInt\": 0}", CRN_FHIR_ERROR_INVALID_VALUE },
    { "{\"url\": \"patients\", \"valuePositiveInt\": \"3\"}", CRN_FHIR_ERROR_INVALID_VALUE },
    { "{\"url\": \"validFrom\", \"valueDate\": \"2026-13-01\"}", CRN_FHIR_ERROR_INVALID_VALUE },
    { "{\"url\": \"restriction\", \"valueCodeableConcept\": {\"text\": \"x\"}}",
      CRN_FHIR_ERROR_MISSING_FIELD },
    { "{\"url\": \"colour\", \"valueString\": \"red\"}", CRN_FHIR_ERROR_UNKNOWN_CODE },
  };
  g_autoptr(GPtrArray) all = domain_templates ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = crn_fhir_schedule_build (g_ptr_array_index (all, 0), &options);
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnTemplate) t = NULL;
      JsonNode *snp = sub (crn_test_at (node, "extension[0]"), CRN_FHIR_EXT_AVAILABILITY_SNP, 0);
      g_autofree char *expected = NULL;

      g_test_message ("case %u", i);
      json_array_add_element (json_node_get_array (crn_test_at (snp, "extension")),
                              crn_test_json (cases[i].sub));
      t = crn_fhir_schedule_parse (node, NULL, &error);
      g_assert_null (t);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (crn_fhir_error_get_expression (error),
                                       "Schedule.extension[0].extension["));
    }
}

/* A block whose first day is the spring-forward Sunday (28 March 2027, 02:00 -> 03:00 in
 * Paris) and whose hours fall in the missing hour: the written start/end must be a day
 * on which those hours exist, or 02:30 comes back as 03:00 (a fuzz finding in CI). */
static void
test_first_day_in_dst_gap (void)
{
  static const struct { const char *from, *to; } hours[] = {
    { "02:30", "04:00" },   /* starts in the gap */
    { "01:00", "02:30" },   /* ends in the gap */
    { "02:00", "02:59" },   /* both */
    { "02:30", "03:30" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (hours); i++)
    {
      g_autoptr(CrnTemplate) t = new_template ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(CrnTemplate) back = NULL;
      CrnTemplateBlock *b = block ("b-gap", CRN_WEEKDAY_BIT (G_DATE_SUNDAY), hours[i].from,
                                   hours[i].to, 15, 0);
      const char *start;

      g_test_message ("%s-%s", hours[i].from, hours[i].to);
      g_date_set_dmy (&b->valid_from, 28, G_DATE_MARCH, 2027);
      b->months = 1u << (G_DATE_MARCH - 1);   /* the next Sunday in March is in 2028 */
      crn_template_add_block (t, b);
      crn_template_validate (t, &error);
      g_assert_no_error (error);

      node = crn_fhir_schedule_build (t, &options);
      start = crn_test_string_at (sub (find_availability (node, "b-gap"), "start", 0),
                                  "valueDateTime");
      g_assert_nonnull (start);
      g_assert_true (g_str_has_prefix (start, "2028-03-05T"));
      back = schedule_round_trip (t, NULL);
      g_assert_true (crn_template_equal (t, back));
    }
}

static void
test_build_sas (void)
{
  g_autoptr(JsonNode) node = crn_fhir_schedule_build_sas ("sched-1", "pract-" IDNPS, "role-1");
  g_autoptr(JsonNode) example = crn_test_fixture ("bundle-searchset-slots.json");
  JsonNode *expected = crn_test_at (example, "entry[1].resource");

  crn_assert_string_at (node, "meta.profile[0]", crn_test_string_at (expected, "meta.profile[0]"));
  crn_assert_string_at (node, "id", "sched-1");
  crn_assert_string_at (node, "actor[0].reference", "Practitioner/pract-" IDNPS);
  crn_assert_string_at (node, "actor[1].reference", "PractitionerRole/role-1");
  g_assert_cmpuint (crn_test_length_at (node, "actor"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/schedule/round-trip-domain", test_round_trip_domain);
  g_test_add_func ("/fhir/schedule/build-values", test_build_values);
  g_test_add_func ("/fhir/schedule/parse-example", test_parse_example);
  g_test_add_func ("/fhir/schedule/malformed", test_malformed);
  g_test_add_func ("/fhir/schedule/local-extension-errors", test_local_extension_errors);
  g_test_add_func ("/fhir/schedule/build-sas", test_build_sas);
  g_test_add_func ("/fhir/schedule/first-day-in-dst-gap", test_first_day_in_dst_gap);

  return g_test_run ();
}
