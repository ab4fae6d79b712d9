/* fuzz-fhir-schedule.c: Schedule JSON (availabilityTime recurrences) -> CrnTemplate
 *
 * A Schedule that parses gives a template; when that template is valid it is expanded over
 * three weeks (across the autumn DST change) and must build again into a Schedule that
 * parses again into an equal template.
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
check_expansion (const CrnTemplate *template)
{
  g_autoptr(GPtrArray) slots = NULL;
  GDate from, to;

  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_dmy (&from, 19, G_DATE_OCTOBER, 2026);
  g_date_set_dmy (&to, 8, G_DATE_NOVEMBER, 2026);
  slots = crn_template_expand (template, &from, &to);
  if (slots == NULL)
    fuzz_fail ("crn_template_expand returned NULL for a valid template");
  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);

      if (slot->end <= slot->start)
        fuzz_fail ("an expanded slot ends before it starts");
      if (i > 0 && ((const CrnSlot *) g_ptr_array_index (slots, i - 1))->start > slot->start)
        fuzz_fail ("expanded slots are not sorted by start");
    }
  crn_template_regulation_minutes_in_week (template, &from);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) built = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(CrnTemplate) template = NULL;
  g_autoptr(CrnTemplate) template2 = NULL;
  g_auto(CrnFhirScheduleInfo) info = { 0 };
  g_auto(CrnFhirScheduleInfo) info2 = { 0 };
  CrnFhirScheduleOptions options = { 0 };

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  template = crn_fhir_schedule_parse (node, &info, &error);
  if (template == NULL)
    {
      fuzz_check_error (error, "crn_fhir_schedule_parse");
      return 0;
    }
  if (!crn_template_validate (template, &error))
    {
      fuzz_check_error (error, "crn_template_validate");
      return 0;
    }
  check_expansion (template);

  options.identifier_system = "https://agenda.cpts-exemple.fr/fhir/sid/schedule";
  options.availability_system = "https://agenda.cpts-exemple.fr/fhir/sid/availability";
  options.schedule_id = info.schedule_id;
  options.practitioner_id = info.practitioner_id;
  options.role_id = info.role_id;
  built = crn_fhir_schedule_build (template, &options);
  again = fuzz_reparse (built, "crn_fhir_schedule_build");
  template2 = crn_fhir_schedule_parse (again, &info2, &error);
  if (template2 == NULL)
    fuzz_fail ("a Schedule built from a parsed one does not parse: %s", error->message);
  if (!crn_template_equal (template, template2))
    fuzz_fail ("a template changed on a Schedule parse/build/parse round trip");
  return 0;
}
