/* fuzz-fhir-slot.c: Slot JSON -> crn_fhir_slot_parse(), and back
 *
 * Any bytes: crn_fhir_parse() then crn_fhir_slot_parse(). A Slot that parses must validate,
 * build again into JSON that parses again into an equal CrnSlot.
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
print_slot (const char    *label,
            const CrnSlot *slot)
{
  g_printerr ("%s: id %s practitioner %s place %s block %s start %" G_GINT64_FORMAT " end %"
              G_GINT64_FORMAT " modalities %u visibility %u restriction %u text %s status %u "
              "version %" G_GINT64_FORMAT " lastUpdated %" G_GINT64_FORMAT "\n", label,
              slot->id, slot->practitioner, slot->place_id, slot->template_block_id,
              slot->start, slot->end, slot->modalities, slot->visibility, slot->restriction,
              slot->restriction_text, slot->status, slot->version, slot->last_updated_ms);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) built = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) slot2 = NULL;
  g_auto(CrnFhirSlotInfo) info = { 0 };
  g_auto(CrnFhirSlotInfo) info2 = { 0 };
  CrnFhirSlotOptions options = { 0 };

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  slot = crn_fhir_slot_parse (node, &info, &error);
  if (slot == NULL)
    {
      fuzz_check_error (error, "crn_fhir_slot_parse");
      return 0;
    }
  /* practitioner and place are NULL when the schedule reference does not follow the
   * conventions (the caller resolves it); the rest must hold. */
  if (slot->practitioner != NULL && !crn_slot_validate (slot, &error))
    fuzz_fail ("crn_fhir_slot_parse returned an invalid slot: %s", error->message);
  if (slot->end <= slot->start || slot->modalities == CRN_MODALITY_NONE)
    fuzz_fail ("crn_fhir_slot_parse returned a slot without time or modality");

  if (!crn_fhir_id_is_valid (slot->id))
    fuzz_fail ("crn_fhir_slot_parse returned a slot whose id cannot be written back");
  options.identifier_system = info.identifier_system;
  options.schedule_id = info.schedule_id;
  options.booking_url = info.booking_url;
  options.healthcare_service_ids = (const char * const *) info.healthcare_service_ids;
  built = crn_fhir_slot_build (slot, &options);
  again = fuzz_reparse (built, "crn_fhir_slot_build");
  slot2 = crn_fhir_slot_parse (again, &info2, &error);
  if (slot2 == NULL)
    fuzz_fail ("a Slot built from a parsed Slot does not parse: %s", error->message);
  if (!crn_slot_equal (slot, slot2))
    {
      print_slot ("parsed ", slot);
      print_slot ("again  ", slot2);
      fuzz_fail ("a Slot changed on a parse/build/parse round trip");
    }
  return 0;
}
