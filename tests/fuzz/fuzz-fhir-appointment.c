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

  if (!crn_fhir_id_is_valid (booking->id))
    fuzz_fail ("crn_fhir_appointment_parse returned a booking whose id cannot be written back");
  options.identifier_system = info.identifier_system;
  options.role_id = info.role_id;
  options.cpts = TRUE;
  built = crn_fhir_appointment_build (booking, &options);
  again = fuzz_reparse (built, "crn_fhir_appointment_build");
  booking2 = crn_fhir_appointment_parse (again, &info2, &error);
  if (booking2 == NULL)
    fuzz_fail ("an Appointment built from a parsed one does not parse: %s", error->message);
  /* The builder writes the phone normalised (+33…): compare it so. */
  if (booking->patient.phone != NULL)
    {
      char *normalized = crn_phone_normalize (booking->patient.phone);

      if (normalized != NULL)
        {
          g_free (booking->patient.phone);
          booking->patient.phone = normalized;
        }
    }
  if (!crn_booking_equal (booking, booking2))
    {
      g_autoptr(JsonNode) built2 = crn_fhir_appointment_build (booking2, &options);
      g_autofree char *text = crn_fhir_to_string (built, TRUE);
      g_autofree char *text2 = crn_fhir_to_string (built2, TRUE);

      g_printerr ("built from the input:\n%s\nbuilt again:\n%s\n", text, text2);
      g_printerr ("created_at %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " requested_at %"
                  G_GINT64_FORMAT "/%" G_GINT64_FORMAT " extra %d/%d referrer %d/%d "
                  "practitioner_status %d/%d cancel_reason %s/%s operator %s/%s\n",
                  booking->created_at, booking2->created_at, booking->requested_at,
                  booking2->requested_at, booking->extra, booking2->extra, booking->referrer,
                  booking2->referrer, booking->practitioner_status,
                  booking2->practitioner_status, booking->cancel_reason,
                  booking2->cancel_reason, booking->operator_id, booking2->operator_id);
      fuzz_fail ("an Appointment changed on a parse/build/parse round trip");
    }

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
