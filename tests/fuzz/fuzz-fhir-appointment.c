/* fuzz-fhir-appointment.c: Appointment JSON -> crn_fhir_appointment_parse(), and back
 *
 * A booking that parses must build again (GAP, and SAS INT_R03 when a regulator booked)
 * into JSON that parses again into an equal CrnBooking.
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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) built = NULL;
  g_autoptr(JsonNode) sas = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) sas_again = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(CrnBooking) booking2 = NULL;
  g_auto(CrnFhirAppointmentInfo) info = { 0 };
  g_auto(CrnFhirAppointmentInfo) info2 = { 0 };
  CrnFhirAppointmentOptions options = { 0 };

  if (fuzz_json_skip_known_findings (data, size))
    return 0;
  node = crn_fhir_parse ((const char *) data, size, &error);
  if (node == NULL)
    {
      fuzz_check_error (error, "crn_fhir_parse");
      return 0;
    }
  booking = crn_fhir_appointment_parse (node, &info, &error);
  if (booking == NULL)
    {
      fuzz_check_error (error, "crn_fhir_appointment_parse");
      return 0;
    }

  /* Known finding F3 (fuzz.h): an identifier value that is not a FHIR id. */
  if (!fuzz_strict () && !crn_fhir_id_is_valid (booking->id))
    return 0;

  options.identifier_system = info.identifier_system;
  options.role_id = info.role_id;
  options.cpts = TRUE;
  built = crn_fhir_appointment_build (booking, &options);
  again = fuzz_reparse (built, "crn_fhir_appointment_build");
  booking2 = crn_fhir_appointment_parse (again, &info2, &error);
  if (booking2 == NULL)
    fuzz_fail ("an Appointment built from a parsed one does not parse: %s", error->message);
  if (!crn_booking_equal (booking, booking2))
    fuzz_fail ("an Appointment changed on a parse/build/parse round trip");

  /* The SAS INT_R03 shape is for bookings made by a regulator (operator_id). */
  if (booking->operator_id != NULL)
    {
      sas = crn_fhir_appointment_build_sas (booking, info.identifier_system != NULL
                                                     ? info.identifier_system
                                                     : "https://agenda.cpts-exemple.fr/fhir/sid/appointment");
      sas_again = fuzz_reparse (sas, "crn_fhir_appointment_build_sas");
    }
  return 0;
}
