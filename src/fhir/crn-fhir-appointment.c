/* crn-fhir-appointment.c: Appointment <-> CrnBooking (GAP), and the SAS INT_R03 shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-appointment.h"
#include "crn-fhir-private.h"

#define PATIENT_ID "pat"

void
crn_fhir_appointment_info_clear (CrnFhirAppointmentInfo *info)
{
  g_clear_pointer (&info->slot_ids, g_strfreev);
  g_clear_pointer (&info->role_id, g_free);
  g_clear_pointer (&info->identifier_system, g_free);
}

/* ---- building ----------------------------------------------------------------------------- */

/* The identifier of whoever booked: an IDNPS, else a SAS technical id. */
static JsonObject *
operator_identifier_new (const char *operator_id,
                         const char *type_system)
{
  if (crn_idnps_is_valid (operator_id))
    return _crn_fhir_identifier_new (type_system, "IDNPS", CRN_FHIR_OID_IDNPS, operator_id);
  return _crn_fhir_identifier_new (type_system, "INTRN", CRN_FHIR_OID_SAS, operator_id);
}

static JsonObject *
practitioner_identifier_new (const char *idnps,
                             const char *type_system)
{
  return _crn_fhir_identifier_new (type_system, "IDNPS", CRN_FHIR_OID_IDNPS, idnps);
}

static JsonObject *
patient_new (const CrnPatient *patient)
{
  JsonObject *resource = _crn_fhir_resource_new ("Patient", PATIENT_ID);
  g_autofree char *phone = _crn_fhir_phone (patient->phone);

  if (patient->family != NULL || patient->given != NULL)
    {
      JsonArray *names = json_array_new ();
      JsonObject *name = json_object_new ();

      _crn_fhir_set_string (name, "family", patient->family);
      if (patient->given != NULL && *patient->given != '\0')
        {
          JsonArray *given = json_array_new ();

          json_array_add_string_element (given, patient->given);
          json_object_set_array_member (name, "given", given);
        }
      json_array_add_object_element (names, name);
      json_object_set_array_member (resource, "name", names);
    }
  if (phone != NULL)
    {
      JsonArray *telecoms = json_array_new ();
      JsonObject *telecom = json_object_new ();

      json_object_set_string_member (telecom, "system", "phone");
      json_object_set_string_member (telecom, "value", phone);
      json_array_add_object_element (telecoms, telecom);
      json_object_set_array_member (resource, "telecom", telecoms);
    }
  _crn_fhir_set_string (resource, "birthDate", patient->birth_date);
  return resource;
}

static JsonObject *
participant_new (JsonObject             *actor,
                 CrnParticipationStatus  status)
{
  JsonObject *participant = json_object_new ();

  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "required", "required");
  json_object_set_string_member (participant, "status",
                                 _crn_fhir_code_for (_crn_fhir_participation_codes, status));
  return participant;
}

JsonNode *
crn_fhir_appointment_build (const CrnBooking                *booking,
                            const CrnFhirAppointmentOptions *options)
{
  static const CrnFhirAppointmentOptions no_options = { NULL, };
  g_autofree char *practitioner_id = NULL;
  JsonObject *resource;
  JsonArray *contained;
  JsonArray *extensions;
  JsonArray *participants;
  JsonObject *actor;

  g_return_val_if_fail (booking != NULL, NULL);
  g_return_val_if_fail (booking->id != NULL, NULL);
  g_return_val_if_fail (booking->practitioner != NULL, NULL);

  if (options == NULL)
    options = &no_options;

  resource = _crn_fhir_resource_new ("Appointment", booking->id);
  _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_GAP_APPOINTMENT, booking->version,
                      booking->last_updated_ms, NULL);

  contained = json_array_new ();
  json_array_add_object_element (contained, patient_new (&booking->patient));
  json_object_set_array_member (resource, "contained", contained);

  extensions = json_array_new ();
  if (booking->operator_id != NULL || booking->referrer_name != NULL)
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_OPERATOR);
      JsonObject *reference = json_object_new ();

      if (booking->operator_id != NULL && *booking->operator_id != '\0')
        json_object_set_object_member (reference, "identifier",
                                       operator_identifier_new (booking->operator_id,
                                                                CRN_FHIR_CS_V2_0203_FRCORE));
      _crn_fhir_set_string (reference, "display", booking->referrer_name);
      json_object_set_object_member (ext, "valueReference", reference);
      json_array_add_object_element (extensions, ext);
    }
  if (options->cpts && booking->referrer == CRN_REFERRER_SAS)
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_ORIENTATION_SAS);
      JsonObject *concept = json_object_new ();
      JsonArray *codings = json_array_new ();

      json_array_add_object_element (codings,
                                     _crn_fhir_coding_new (CRN_FHIR_CS_TRE_R66, "604", "CPTS"));
      json_object_set_array_member (concept, "coding", codings);
      json_object_set_object_member (ext, "valueCodeableConcept", concept);
      json_array_add_object_element (extensions, ext);
    }
  {
    JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_REFERRER);

    json_object_set_object_member (ext, "valueCoding",
                                   _crn_fhir_coding_new (CRN_FHIR_CS_REFERRER,
                                                         _crn_fhir_code_for (_crn_fhir_referrer_codes,
                                                                             booking->referrer),
                                                         NULL));
    json_array_add_object_element (extensions, ext);
  }
  if (booking->requested_at != 0)
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_REQUESTED_AT);

      _crn_fhir_set_datetime (ext, "valueDateTime", booking->requested_at);
      json_array_add_object_element (extensions, ext);
    }
  if (booking->extra)
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_EXTRA_PATIENT);

      json_object_set_boolean_member (ext, "valueBoolean", TRUE);
      json_array_add_object_element (extensions, ext);
    }
  json_object_set_array_member (resource, "extension", extensions);

  if (options->identifier_system != NULL)
    {
      JsonArray *identifiers = json_array_new ();

      json_array_add_object_element (identifiers,
                                     _crn_fhir_identifier_new (NULL, NULL,
                                                               options->identifier_system,
                                                               booking->id));
      json_object_set_array_member (resource, "identifier", identifiers);
    }

  json_object_set_string_member (resource, "status",
                                 _crn_fhir_code_for (_crn_fhir_appointment_status_codes,
                                                     booking->status));
  if (booking->cancel_reason != NULL && *booking->cancel_reason != '\0')
    json_object_set_object_member (resource, "cancelationReason",
                                   _crn_fhir_concept_new (NULL, NULL, booking->cancel_reason));
  _crn_fhir_set_string (resource, "description", booking->reason);
  _crn_fhir_set_datetime (resource, "start", booking->start);
  _crn_fhir_set_datetime (resource, "end", booking->end);
  if (booking->end > booking->start)
    json_object_set_int_member (resource, "minutesDuration",
                                (booking->end - booking->start) / 60);
  if (booking->slot_id != NULL && *booking->slot_id != '\0')
    {
      JsonArray *slots = json_array_new ();

      json_array_add_object_element (slots, _crn_fhir_reference_new ("Slot", booking->slot_id));
      json_object_set_array_member (resource, "slot", slots);
    }
  if (booking->created_at != 0)
    _crn_fhir_set_datetime (resource, "created", booking->created_at);

  participants = json_array_new ();
  actor = json_object_new ();
  json_object_set_string_member (actor, "reference", "#" PATIENT_ID);
  json_array_add_object_element (participants,
                                 participant_new (actor, CRN_PARTICIPATION_ACCEPTED));
  if (options->role_id != NULL)
    json_array_add_object_element (participants,
                                   participant_new (_crn_fhir_reference_new ("PractitionerRole",
                                                                             options->role_id),
                                                    booking->practitioner_status));
  practitioner_id = options->practitioner_id != NULL ? g_strdup (options->practitioner_id)
                    : crn_fhir_practitioner_id (booking->practitioner);
  actor = _crn_fhir_reference_new ("Practitioner", practitioner_id);
  json_object_set_object_member (actor, "identifier",
                                 practitioner_identifier_new (booking->practitioner,
                                                              CRN_FHIR_CS_V2_0203_FRCORE));
  json_array_add_object_element (participants,
                                 participant_new (actor, booking->practitioner_status));
  json_object_set_array_member (resource, "participant", participants);

  return _crn_fhir_node_take (resource);
}

/* ---- writing ------------------------------------------------------------------------------ */

/* What the JsonObject helpers of crn-fhir-common.c build, written in the same member order. */

/* _crn_fhir_coding_new() */
static void
write_coding (CrnFhirWriter *w,
              const char    *name,
              const char    *system,
              const char    *code,
              const char    *display)
{
  crn_fhir_writer_begin_object (w, name);
  crn_fhir_writer_string_nonempty (w, "system", system);
  crn_fhir_writer_string_nonempty (w, "code", code);
  crn_fhir_writer_string_nonempty (w, "display", display);
  crn_fhir_writer_end_object (w);
}

/* _crn_fhir_identifier_new() with a type code */
static void
write_typed_identifier (CrnFhirWriter *w,
                        const char    *name,
                        const char    *type_system,
                        const char    *type_code,
                        const char    *system,
                        const char    *value)
{
  crn_fhir_writer_begin_object (w, name);
  crn_fhir_writer_begin_object (w, "type");
  crn_fhir_writer_begin_array (w, "coding");
  write_coding (w, NULL, type_system, type_code, NULL);
  crn_fhir_writer_end_array (w);
  crn_fhir_writer_end_object (w);
  crn_fhir_writer_string_nonempty (w, "system", system);
  crn_fhir_writer_string_nonempty (w, "value", value);
  crn_fhir_writer_end_object (w);
}

/* operator_identifier_new() */
static void
write_operator_identifier (CrnFhirWriter *w,
                           const char    *operator_id,
                           const char    *type_system)
{
  if (crn_idnps_is_valid (operator_id))
    write_typed_identifier (w, "identifier", type_system, "IDNPS", CRN_FHIR_OID_IDNPS,
                            operator_id);
  else
    write_typed_identifier (w, "identifier", type_system, "INTRN", CRN_FHIR_OID_SAS,
                            operator_id);
}

/* _crn_fhir_set_datetime() */
static void
write_datetime (CrnFhirWriter *w,
                const char    *name,
                CrnInstant     instant)
{
  crn_fhir_writer_instant_ms (w, name, instant * 1000);
}

/* patient_new() */
static void
write_patient (CrnFhirWriter    *w,
               const CrnPatient *patient)
{
  g_autofree char *phone = _crn_fhir_phone (patient->phone);

  crn_fhir_writer_begin_object (w, NULL);
  crn_fhir_writer_string (w, "resourceType", "Patient");
  crn_fhir_writer_string (w, "id", PATIENT_ID);
  if (patient->family != NULL || patient->given != NULL)
    {
      crn_fhir_writer_begin_array (w, "name");
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string_nonempty (w, "family", patient->family);
      if (patient->given != NULL && *patient->given != '\0')
        {
          crn_fhir_writer_begin_array (w, "given");
          crn_fhir_writer_string (w, NULL, patient->given);
          crn_fhir_writer_end_array (w);
        }
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_array (w);
    }
  if (phone != NULL)
    {
      crn_fhir_writer_begin_array (w, "telecom");
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string (w, "system", "phone");
      crn_fhir_writer_string (w, "value", phone);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_array (w);
    }
  crn_fhir_writer_string_nonempty (w, "birthDate", patient->birth_date);
  crn_fhir_writer_end_object (w);
}

/* participant_new(): the actor is written by the caller between begin and end. */
static void
write_participant_end (CrnFhirWriter          *w,
                       CrnParticipationStatus  status)
{
  crn_fhir_writer_string (w, "required", "required");
  crn_fhir_writer_string (w, "status",
                          _crn_fhir_code_for (_crn_fhir_participation_codes, status));
  crn_fhir_writer_end_object (w);
}

static void
write_actor_reference (CrnFhirWriter *w,
                       const char    *type,
                       const char    *id)
{
  g_autofree char *text = g_strconcat (type, "/", id, NULL);

  crn_fhir_writer_string (w, "reference", text);
}

void
crn_fhir_appointment_write (CrnFhirWriter                   *w,
                            const char                      *name,
                            const CrnBooking                *booking,
                            const CrnFhirAppointmentOptions *options)
{
  static const CrnFhirAppointmentOptions no_options = { NULL, };
  g_autofree char *practitioner_id = NULL;

  g_return_if_fail (booking != NULL);
  g_return_if_fail (booking->id != NULL);
  g_return_if_fail (booking->practitioner != NULL);

  if (options == NULL)
    options = &no_options;

  /* The same members in the same order as crn_fhir_appointment_build(). */
  crn_fhir_writer_begin_object (w, name);
  crn_fhir_writer_string (w, "resourceType", "Appointment");
  crn_fhir_writer_string_nonempty (w, "id", booking->id);

  /* _crn_fhir_set_meta(): never empty, the profile is always there. */
  crn_fhir_writer_begin_object (w, "meta");
  if (booking->version > 0)
    {
      char text[32];

      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, booking->version);
      crn_fhir_writer_string (w, "versionId", text);
    }
  if (booking->last_updated_ms > 0)
    crn_fhir_writer_instant_ms (w, "lastUpdated", booking->last_updated_ms);
  crn_fhir_writer_begin_array (w, "profile");
  crn_fhir_writer_string (w, NULL, CRN_FHIR_PROFILE_GAP_APPOINTMENT);
  crn_fhir_writer_end_array (w);
  crn_fhir_writer_end_object (w);

  crn_fhir_writer_begin_array (w, "contained");
  write_patient (w, &booking->patient);
  crn_fhir_writer_end_array (w);

  crn_fhir_writer_begin_array (w, "extension");
  if (booking->operator_id != NULL || booking->referrer_name != NULL)
    {
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_OPERATOR);
      crn_fhir_writer_begin_object (w, "valueReference");
      if (booking->operator_id != NULL && *booking->operator_id != '\0')
        write_operator_identifier (w, booking->operator_id, CRN_FHIR_CS_V2_0203_FRCORE);
      crn_fhir_writer_string_nonempty (w, "display", booking->referrer_name);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_object (w);
    }
  if (options->cpts && booking->referrer == CRN_REFERRER_SAS)
    {
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_ORIENTATION_SAS);
      crn_fhir_writer_begin_object (w, "valueCodeableConcept");
      crn_fhir_writer_begin_array (w, "coding");
      write_coding (w, NULL, CRN_FHIR_CS_TRE_R66, "604", "CPTS");
      crn_fhir_writer_end_array (w);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_object (w);
    }
  crn_fhir_writer_begin_object (w, NULL);
  crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_REFERRER);
  write_coding (w, "valueCoding", CRN_FHIR_CS_REFERRER,
                _crn_fhir_code_for (_crn_fhir_referrer_codes, booking->referrer), NULL);
  crn_fhir_writer_end_object (w);
  if (booking->requested_at != 0)
    {
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_REQUESTED_AT);
      write_datetime (w, "valueDateTime", booking->requested_at);
      crn_fhir_writer_end_object (w);
    }
  if (booking->extra)
    {
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_EXTRA_PATIENT);
      crn_fhir_writer_boolean (w, "valueBoolean", TRUE);
      crn_fhir_writer_end_object (w);
    }
  crn_fhir_writer_end_array (w);

  if (options->identifier_system != NULL)
    {
      crn_fhir_writer_begin_array (w, "identifier");
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string_nonempty (w, "system", options->identifier_system);
      crn_fhir_writer_string_nonempty (w, "value", booking->id);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_array (w);
    }

  crn_fhir_writer_string (w, "status",
                          _crn_fhir_code_for (_crn_fhir_appointment_status_codes,
                                              booking->status));
  if (booking->cancel_reason != NULL && *booking->cancel_reason != '\0')
    {
      crn_fhir_writer_begin_object (w, "cancelationReason");
      crn_fhir_writer_string (w, "text", booking->cancel_reason);
      crn_fhir_writer_end_object (w);
    }
  crn_fhir_writer_string_nonempty (w, "description", booking->reason);
  write_datetime (w, "start", booking->start);
  write_datetime (w, "end", booking->end);
  if (booking->end > booking->start)
    crn_fhir_writer_int (w, "minutesDuration", (booking->end - booking->start) / 60);
  if (booking->slot_id != NULL && *booking->slot_id != '\0')
    {
      crn_fhir_writer_begin_array (w, "slot");
      crn_fhir_writer_begin_object (w, NULL);
      write_actor_reference (w, "Slot", booking->slot_id);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_array (w);
    }
  if (booking->created_at != 0)
    write_datetime (w, "created", booking->created_at);

  crn_fhir_writer_begin_array (w, "participant");
  crn_fhir_writer_begin_object (w, NULL);
  crn_fhir_writer_begin_object (w, "actor");
  crn_fhir_writer_string (w, "reference", "#" PATIENT_ID);
  crn_fhir_writer_end_object (w);
  write_participant_end (w, CRN_PARTICIPATION_ACCEPTED);
  if (options->role_id != NULL)
    {
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_begin_object (w, "actor");
      write_actor_reference (w, "PractitionerRole", options->role_id);
      crn_fhir_writer_end_object (w);
      write_participant_end (w, booking->practitioner_status);
    }
  practitioner_id = options->practitioner_id != NULL ? g_strdup (options->practitioner_id)
                    : crn_fhir_practitioner_id (booking->practitioner);
  crn_fhir_writer_begin_object (w, NULL);
  crn_fhir_writer_begin_object (w, "actor");
  write_actor_reference (w, "Practitioner", practitioner_id);
  write_typed_identifier (w, "identifier", CRN_FHIR_CS_V2_0203_FRCORE, "IDNPS",
                          CRN_FHIR_OID_IDNPS, booking->practitioner);
  crn_fhir_writer_end_object (w);
  write_participant_end (w, booking->practitioner_status);
  crn_fhir_writer_end_array (w);

  crn_fhir_writer_end_object (w);
}

JsonNode *
crn_fhir_appointment_build_sas (const CrnBooking *booking,
                                const char       *identifier_system)
{
  JsonObject *resource;
  JsonArray *extensions;
  JsonArray *identifiers;
  JsonArray *participants;
  JsonObject *participant;
  JsonObject *actor;

  g_return_val_if_fail (booking != NULL, NULL);
  g_return_val_if_fail (booking->id != NULL, NULL);
  g_return_val_if_fail (booking->practitioner != NULL, NULL);
  g_return_val_if_fail (identifier_system != NULL, NULL);

  resource = _crn_fhir_resource_new ("Appointment", NULL);
  _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_SAS_APPOINTMENT, 0, 0, NULL);

  extensions = json_array_new ();
  if (booking->operator_id != NULL && *booking->operator_id != '\0')
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_OPERATOR_SAS);
      JsonObject *reference = json_object_new ();

      json_object_set_object_member (reference, "identifier",
                                     operator_identifier_new (booking->operator_id,
                                                              CRN_FHIR_CS_V2_0203_SAS));
      json_object_set_object_member (ext, "valueReference", reference);
      json_array_add_object_element (extensions, ext);
    }
  else
    g_critical ("A SAS appointment needs the regulator's identifier (operator_id)");
  _crn_fhir_set_array (resource, "extension", extensions);

  identifiers = json_array_new ();
  json_array_add_object_element (identifiers,
                                 _crn_fhir_identifier_new (NULL, NULL, identifier_system,
                                                           booking->id));
  json_object_set_array_member (resource, "identifier", identifiers);

  json_object_set_string_member (resource, "status",
                                 _crn_fhir_code_for (_crn_fhir_appointment_status_codes,
                                                     booking->status));
  _crn_fhir_set_datetime (resource, "start", booking->start);
  _crn_fhir_set_datetime (resource, "end", booking->end);
  if (booking->created_at != 0)
    _crn_fhir_set_datetime (resource, "created", booking->created_at);

  participants = json_array_new ();
  participant = json_object_new ();
  actor = json_object_new ();
  json_object_set_object_member (actor, "identifier",
                                 practitioner_identifier_new (booking->practitioner,
                                                              CRN_FHIR_CS_V2_0203_SAS));
  json_object_set_object_member (participant, "actor", actor);
  json_object_set_string_member (participant, "status",
                                 _crn_fhir_code_for (_crn_fhir_participation_codes,
                                                     booking->practitioner_status));
  json_array_add_object_element (participants, participant);
  json_object_set_array_member (resource, "participant", participants);

  return _crn_fhir_node_take (resource);
}

/* ---- parsing ------------------------------------------------------------------------------ */

static gboolean
read_patient (JsonObject  *patient,
              const char  *path,
              CrnPatient  *out,
              GError     **error)
{
  JsonArray *names;
  JsonArray *telecoms;
  JsonObject *name;
  JsonArray *given;
  const char *family;
  const char *first;
  const char *birth_date;
  g_autofree char *name_path = _crn_fhir_path (path, "name");
  g_autofree char *name0_path = _crn_fhir_path_index (name_path, 0);
  g_autofree char *given_path = _crn_fhir_path (name0_path, "given");
  g_autofree char *birth_path = _crn_fhir_path (path, "birthDate");
  g_autofree char *telecom_path = _crn_fhir_path (path, "telecom");
  CrnFhirDateParts parts;

  if (!_crn_fhir_read_array (patient, path, "name", TRUE, &names, error) ||
      !_crn_fhir_array_object (names, name_path, 0, &name, error) ||
      !_crn_fhir_read_string (name, name0_path, "family", TRUE, &family, error) ||
      !_crn_fhir_read_array (name, name0_path, "given", TRUE, &given, error) ||
      !_crn_fhir_array_string (given, given_path, 0, &first, error) ||
      !_crn_fhir_read_string (patient, path, "birthDate", TRUE, &birth_date, error))
    return FALSE;

  if (!_crn_fhir_scan_date (birth_date, FALSE, &parts) || parts.precision != 3)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, birth_path,
                          _("%s must be a full date such as 1987-04-12."), birth_path);
      return FALSE;
    }

  if (!_crn_fhir_read_array (patient, path, "telecom", FALSE, &telecoms, error))
    return FALSE;
  for (guint i = 0; telecoms != NULL && i < json_array_get_length (telecoms); i++)
    {
      g_autofree char *tpath = _crn_fhir_path_index (telecom_path, i);
      JsonObject *telecom;
      const char *system;
      const char *value;

      if (!_crn_fhir_array_object (telecoms, telecom_path, i, &telecom, error) ||
          !_crn_fhir_read_string (telecom, tpath, "system", FALSE, &system, error) ||
          !_crn_fhir_read_string (telecom, tpath, "value", FALSE, &value, error))
        return FALSE;
      if (g_strcmp0 (system, "phone") == 0 && value != NULL && out->phone == NULL)
        out->phone = g_strdup (value);
    }

  out->family = g_strdup (family);
  out->given = g_strdup (first);
  out->birth_date = g_strdup (birth_date);
  return TRUE;
}

/* "8…" from an IDNPS identifier, tolerating a bare OID system and an 11-digit RPPS. */
static gboolean
read_idnps_identifier (JsonObject  *identifier,
                       const char  *path,
                       char       **idnps,
                       GError     **error)
{
  const char *system;
  const char *value;
  g_autofree char *value_path = _crn_fhir_path (path, "value");

  *idnps = NULL;
  if (!_crn_fhir_read_string (identifier, path, "system", FALSE, &system, error) ||
      !_crn_fhir_read_string (identifier, path, "value", FALSE, &value, error))
    return FALSE;
  if (system == NULL || !crn_fhir_system_equal (system, CRN_FHIR_OID_IDNPS) || value == NULL)
    return TRUE;

  *idnps = crn_idnps_normalize (value);
  if (*idnps == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, value_path,
                          _("%s must be an IDNPS: “8” followed by the 11 digits of the RPPS "
                            "number."), value_path);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  CrnBooking  *booking;
  const char  *patient_ref;      /* "#id" of the participant that is a contained Patient */
  gboolean     has_practitioner;
  char        *role_id;
} Participants;

static gboolean
read_participants (JsonObject    *resource,
                   JsonArray     *contained_ids,
                   Participants  *p,
                   GError       **error)
{
  JsonArray *participants;

  if (!_crn_fhir_read_array (resource, "Appointment", "participant", TRUE, &participants, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Appointment.participant", i);
      g_autofree char *actor_path = _crn_fhir_path (path, "actor");
      g_autofree char *ref_path = _crn_fhir_path (actor_path, "reference");
      g_autofree char *ident_path = _crn_fhir_path (actor_path, "identifier");
      g_autofree char *status_path = _crn_fhir_path (path, "status");
      g_autofree char *idnps = NULL;
      JsonObject *participant;
      JsonObject *actor;
      JsonObject *identifier;
      const char *reference = NULL;
      const char *status;
      const char *id;
      guint value;

      if (!_crn_fhir_array_object (participants, "Appointment.participant", i, &participant,
                                   error) ||
          !_crn_fhir_read_string (participant, path, "status", TRUE, &status, error) ||
          !_crn_fhir_read_object (participant, path, "actor", FALSE, &actor, error))
        return FALSE;
      if (!_crn_fhir_value_for (_crn_fhir_participation_codes, status, &value))
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, status_path,
                              _("%s must be accepted, declined, tentative or needs-action."),
                              status_path);
          return FALSE;
        }
      if (actor == NULL)
        continue;   /* e.g. a bare participant type (SOS, practitioner not yet known) */

      if (!_crn_fhir_read_string (actor, actor_path, "reference", FALSE, &reference, error) ||
          !_crn_fhir_read_object (actor, actor_path, "identifier", FALSE, &identifier, error))
        return FALSE;
      if (identifier != NULL && !read_idnps_identifier (identifier, ident_path, &idnps, error))
        return FALSE;

      if (reference != NULL && reference[0] == '#')
        {
          for (guint k = 0; k < json_array_get_length (contained_ids); k++)
            if (g_strcmp0 (json_array_get_string_element (contained_ids, k), reference + 1) == 0)
              p->patient_ref = reference;
        }
      else if (reference != NULL && g_str_has_prefix (reference, "PractitionerRole/"))
        {
          if (!_crn_fhir_parse_reference (reference, "PractitionerRole", ref_path, &id, error))
            return FALSE;
          g_free (p->role_id);
          p->role_id = g_strdup (id);
        }
      else if (idnps != NULL ||
               (reference != NULL && g_str_has_prefix (reference, "Practitioner/")))
        {
          if (reference != NULL &&
              !_crn_fhir_parse_reference (reference, "Practitioner", ref_path, &id, error))
            return FALSE;
          if (idnps == NULL && g_str_has_prefix (id, "pract-") &&
              crn_idnps_is_valid (id + strlen ("pract-")))
            idnps = g_strdup (id + strlen ("pract-"));
          if (idnps == NULL)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, ident_path,
                                  _("%s is missing: the practitioner must be identified by "
                                    "an IDNPS (system urn:oid:1.2.250.1.71.4.2.1)."),
                                  ident_path);
              return FALSE;
            }
          g_free (p->booking->practitioner);
          p->booking->practitioner = g_steal_pointer (&idnps);
          p->booking->practitioner_status = (CrnParticipationStatus) value;
          p->has_practitioner = TRUE;
        }
    }

  if (!p->has_practitioner)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.participant",
                          _("Appointment.participant names no practitioner; add the effecteur "
                            "with an IDNPS identifier."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_extensions (JsonObject  *resource,
                 CrnBooking  *booking,
                 GError     **error)
{
  JsonArray *extensions;
  gboolean has_referrer = FALSE;
  gboolean has_orientation = FALSE;
  gboolean has_operator = FALSE;

  if (!_crn_fhir_read_array (resource, "Appointment", "extension", FALSE, &extensions, error))
    return FALSE;

  for (guint i = 0; extensions != NULL && i < json_array_get_length (extensions); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Appointment.extension", i);
      JsonObject *ext;
      const char *url;

      if (!_crn_fhir_array_object (extensions, "Appointment.extension", i, &ext, error) ||
          !_crn_fhir_read_string (ext, path, "url", TRUE, &url, error))
        return FALSE;

      if (strcmp (url, CRN_FHIR_EXT_OPERATOR) == 0 || strcmp (url, CRN_FHIR_EXT_OPERATOR_SAS) == 0)
        {
          g_autofree char *rpath = _crn_fhir_path (path, "valueReference");
          g_autofree char *ipath = _crn_fhir_path (rpath, "identifier");
          JsonObject *reference;
          JsonObject *identifier;
          const char *value = NULL;
          const char *display;

          if (!_crn_fhir_read_object (ext, path, "valueReference", TRUE, &reference, error) ||
              !_crn_fhir_read_object (reference, rpath, "identifier", FALSE, &identifier,
                                      error) ||
              !_crn_fhir_read_string (reference, rpath, "display", FALSE, &display, error))
            return FALSE;
          if (identifier != NULL &&
              !_crn_fhir_read_string (identifier, ipath, "value", TRUE, &value, error))
            return FALSE;
          g_free (booking->operator_id);
          booking->operator_id = g_strdup (value);
          g_free (booking->referrer_name);
          booking->referrer_name = g_strdup (display);
          has_operator = TRUE;
        }
      else if (strcmp (url, CRN_FHIR_EXT_ORIENTATION_SAS) == 0)
        has_orientation = TRUE;
      else if (strcmp (url, CRN_FHIR_EXT_REFERRER) == 0)
        {
          g_autofree char *cpath = _crn_fhir_path (path, "valueCoding");
          g_autofree char *code_path = _crn_fhir_path (cpath, "code");
          JsonObject *coding;
          const char *code;
          guint value;

          if (!_crn_fhir_read_object (ext, path, "valueCoding", TRUE, &coding, error) ||
              !_crn_fhir_read_string (coding, cpath, "code", TRUE, &code, error))
            return FALSE;
          if (!_crn_fhir_value_for (_crn_fhir_referrer_codes, code, &value))
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, code_path,
                                  _("%s must be sas, pharmacy, emergency, nurse, "
                                    "physiotherapist, own-patient or other."), code_path);
              return FALSE;
            }
          booking->referrer = (CrnReferrer) value;
          has_referrer = TRUE;
        }
      else if (strcmp (url, CRN_FHIR_EXT_REQUESTED_AT) == 0)
        {
          gint64 ms = 0;

          if (!_crn_fhir_read_datetime (ext, path, "valueDateTime", TRUE, NULL, &ms, error))
            return FALSE;
          booking->requested_at = _crn_fhir_floor_div (ms, 1000);
        }
      else if (strcmp (url, CRN_FHIR_EXT_EXTRA_PATIENT) == 0)
        {
          if (!_crn_fhir_read_bool (ext, path, "valueBoolean", TRUE, NULL, &booking->extra,
                                    error))
            return FALSE;
        }
    }

  if (!has_referrer)
    booking->referrer = (has_orientation || has_operator) ? CRN_REFERRER_SAS
                                                          : CRN_REFERRER_OTHER;
  return TRUE;
}

CrnBooking *
crn_fhir_appointment_parse (JsonNode                *node,
                            CrnFhirAppointmentInfo  *info,
                            GError                 **error)
{
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(GPtrArray) slot_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonArray) contained_ids = json_array_new ();
  Participants p = { NULL, };
  JsonObject *resource;
  JsonArray *identifiers;
  JsonArray *contained;
  JsonArray *slots;
  JsonObject *cancel;
  const char *id;
  const char *status;
  const char *description;
  const char *identifier_system = NULL;
  const char *identifier_value = NULL;
  gint64 start_ms = 0;
  gint64 end_ms = 0;
  gint64 created_ms = 0;
  gboolean has_created = FALSE;
  guint value;
  gboolean ok;

  if (info != NULL)
    crn_fhir_appointment_info_clear (info);

  resource = _crn_fhir_expect_resource (node, "Appointment", error);
  if (resource == NULL)
    return NULL;

  booking = crn_booking_new ();
  if (!_crn_fhir_read_meta (resource, "Appointment", &booking->version,
                            &booking->last_updated_ms, error) ||
      !_crn_fhir_read_string (resource, "Appointment", "id", FALSE, &id, error) ||
      !_crn_fhir_read_array (resource, "Appointment", "identifier", FALSE, &identifiers, error))
    return NULL;
  if (id != NULL && !crn_fhir_id_is_valid (id))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Appointment.id",
                          _("Appointment.id must be 1 to 64 letters, digits, “-” or “.”."));
      return NULL;
    }
  if (identifiers != NULL)
    {
      JsonObject *identifier;

      if (!_crn_fhir_array_object (identifiers, "Appointment.identifier", 0, &identifier,
                                   error) ||
          !_crn_fhir_read_string (identifier, "Appointment.identifier[0]", "system", FALSE,
                                  &identifier_system, error) ||
          !_crn_fhir_read_string (identifier, "Appointment.identifier[0]", "value", TRUE,
                                  &identifier_value, error))
        return NULL;
    }
  if (identifier_value == NULL && id == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.identifier",
                          _("Appointment.identifier is missing and the Appointment has no id; "
                            "give the booking's business identifier."));
      return NULL;
    }
  /* The business identifier becomes the booking's id, which is written back as
   * Appointment.id: it must be a valid FHIR id, or the booking could never be sent again. */
  if (identifier_value != NULL && !crn_fhir_id_is_valid (identifier_value))
    {
      if (id == NULL)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE,
                              "Appointment.identifier[0].value",
                              _("Appointment.identifier[0].value must be 1 to 64 letters, "
                                "digits, “-” or “.” when the Appointment has no id."));
          return NULL;
        }
      identifier_value = NULL;
    }
  booking->id = g_strdup (identifier_value != NULL ? identifier_value : id);

  if (!_crn_fhir_read_string (resource, "Appointment", "status", TRUE, &status, error))
    return NULL;
  if (!_crn_fhir_value_for (_crn_fhir_appointment_status_codes, status, &value))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, "Appointment.status",
                          _("Appointment.status “%s” is not supported; use proposed, pending, "
                            "booked, arrived, fulfilled, cancelled, noshow or "
                            "entered-in-error."), status);
      return NULL;
    }
  booking->status = (CrnAppointmentStatus) value;

  if (!_crn_fhir_read_datetime (resource, "Appointment", "start", TRUE, NULL, &start_ms, error) ||
      !_crn_fhir_read_datetime (resource, "Appointment", "end", TRUE, NULL, &end_ms, error) ||
      !_crn_fhir_read_datetime (resource, "Appointment", "created", FALSE, &has_created,
                                &created_ms, error))
    return NULL;
  booking->start = _crn_fhir_floor_div (start_ms, 1000);
  booking->end = _crn_fhir_floor_div (end_ms, 1000);
  if (booking->end <= booking->start)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Appointment.end",
                          _("Appointment.end must be after Appointment.start."));
      return NULL;
    }
  if (has_created)
    booking->created_at = _crn_fhir_floor_div (created_ms, 1000);

  if (!_crn_fhir_read_string (resource, "Appointment", "description", FALSE, &description,
                              error) ||
      !_crn_fhir_read_object (resource, "Appointment", "cancelationReason", FALSE, &cancel,
                              error))
    return NULL;
  booking->reason = g_strdup (description);
  if (cancel != NULL)
    {
      const char *text;

      if (!_crn_fhir_read_string (cancel, "Appointment.cancelationReason", "text", FALSE, &text,
                                  error))
        return NULL;
      booking->cancel_reason = g_strdup (text);
    }

  if (!_crn_fhir_read_array (resource, "Appointment", "slot", FALSE, &slots, error))
    return NULL;
  for (guint i = 0; slots != NULL && i < json_array_get_length (slots); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Appointment.slot", i);
      g_autofree char *rpath = _crn_fhir_path (path, "reference");
      JsonObject *slot;
      const char *reference;
      const char *slot_id;

      if (!_crn_fhir_array_object (slots, "Appointment.slot", i, &slot, error) ||
          !_crn_fhir_read_string (slot, path, "reference", TRUE, &reference, error) ||
          !_crn_fhir_parse_reference (reference, "Slot", rpath, &slot_id, error))
        return NULL;
      g_ptr_array_add (slot_ids, g_strdup (slot_id));
    }
  if (slot_ids->len > 0)
    booking->slot_id = g_strdup (g_ptr_array_index (slot_ids, 0));

  /* contained Patients, by id */
  if (!_crn_fhir_read_array (resource, "Appointment", "contained", FALSE, &contained, error))
    return NULL;
  for (guint i = 0; contained != NULL && i < json_array_get_length (contained); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Appointment.contained", i);
      JsonObject *c;
      const char *type;
      const char *cid;

      if (!_crn_fhir_array_object (contained, "Appointment.contained", i, &c, error) ||
          !_crn_fhir_read_string (c, path, "resourceType", TRUE, &type, error) ||
          !_crn_fhir_read_string (c, path, "id", FALSE, &cid, error))
        return NULL;
      json_array_add_string_element (contained_ids,
                                     (strcmp (type, "Patient") == 0 && cid != NULL) ? cid : "");
    }

  p.booking = booking;
  ok = read_participants (resource, contained_ids, &p, error);
  if (ok && p.patient_ref == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Appointment.contained",
                          _("The Appointment has no contained Patient referenced by a "
                            "participant; the patient's name, birth date and phone are "
                            "required."));
      ok = FALSE;
    }
  if (ok)
    {
      for (guint i = 0; i < json_array_get_length (contained_ids); i++)
        if (strcmp (json_array_get_string_element (contained_ids, i), p.patient_ref + 1) == 0)
          {
            g_autofree char *path = _crn_fhir_path_index ("Appointment.contained", i);
            JsonObject *patient = json_array_get_object_element (contained, i);

            ok = read_patient (patient, path, &booking->patient, error);
            break;
          }
    }
  if (ok)
    ok = read_extensions (resource, booking, error);

  if (!ok)
    {
      g_free (p.role_id);
      return NULL;
    }

  if (info != NULL)
    {
      g_ptr_array_add (slot_ids, NULL);
      info->slot_ids = (GStrv) g_ptr_array_steal (slot_ids, NULL);
      info->role_id = g_steal_pointer (&p.role_id);
      info->identifier_system = g_strdup (identifier_system);
    }
  g_free (p.role_id);

  return g_steal_pointer (&booking);
}
