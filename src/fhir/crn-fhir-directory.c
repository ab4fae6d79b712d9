/* crn-fhir-directory.c: Practitioner, PractitionerRole (+ Location), Organization,
 * HealthcareService, and the CPTS policy as a Parameters resource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-directory.h"
#include "crn-fhir-private.h"

#define LOCATION_ID "loc"

static const char *
v2_0203 (CrnFhirFlavor flavor)
{
  return flavor == CRN_FHIR_FLAVOR_SAS ? CRN_FHIR_CS_V2_0203_SAS : CRN_FHIR_CS_V2_0203_FRCORE;
}

static void
set_phone (JsonObject *resource,
           const char *phone)
{
  g_autofree char *normalized = _crn_fhir_phone (phone);
  JsonArray *telecoms;
  JsonObject *telecom;

  if (normalized == NULL)
    return;

  telecoms = json_array_new ();
  telecom = json_object_new ();
  json_object_set_string_member (telecom, "system", "phone");
  json_object_set_string_member (telecom, "value", normalized);
  json_array_add_object_element (telecoms, telecom);
  json_object_set_array_member (resource, "telecom", telecoms);
}

/* ---- Practitioner ------------------------------------------------------------------------- */

JsonNode *
crn_fhir_practitioner_build (const CrnPractitioner *practitioner,
                             CrnFhirFlavor          flavor)
{
  g_autofree char *id = NULL;
  JsonObject *resource;
  JsonArray *identifiers;
  JsonArray *names;
  JsonObject *name;

  g_return_val_if_fail (practitioner != NULL, NULL);
  g_return_val_if_fail (practitioner->idnps != NULL, NULL);

  id = crn_fhir_practitioner_id (practitioner->idnps);
  resource = _crn_fhir_resource_new ("Practitioner", id);
  if (flavor == CRN_FHIR_FLAVOR_SAS)
    _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_SAS_PRACTITIONER, 0, 0, NULL);

  identifiers = json_array_new ();
  json_array_add_object_element (identifiers,
                                 _crn_fhir_identifier_new (v2_0203 (flavor), "IDNPS",
                                                           CRN_FHIR_OID_IDNPS,
                                                           practitioner->idnps));
  json_object_set_array_member (resource, "identifier", identifiers);

  names = json_array_new ();
  name = json_object_new ();
  _crn_fhir_set_string (name, "family", practitioner->family);
  if (practitioner->given != NULL && *practitioner->given != '\0')
    {
      JsonArray *given = json_array_new ();

      json_array_add_string_element (given, practitioner->given);
      json_object_set_array_member (name, "given", given);
    }
  if (json_object_get_size (name) > 0)
    json_array_add_object_element (names, name);
  else
    json_object_unref (name);
  _crn_fhir_set_array (resource, "name", names);
  set_phone (resource, practitioner->phone);

  return _crn_fhir_node_take (resource);
}

CrnPractitioner *
crn_fhir_practitioner_parse (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(CrnPractitioner) practitioner = NULL;
  JsonObject *resource;
  JsonArray *identifiers;
  JsonArray *names;
  JsonArray *telecoms;
  JsonObject *name;
  JsonArray *given;
  const char *family;
  const char *first;

  resource = _crn_fhir_expect_resource (node, "Practitioner", error);
  if (resource == NULL)
    return NULL;

  practitioner = crn_practitioner_new ();

  if (!_crn_fhir_read_array (resource, "Practitioner", "identifier", TRUE, &identifiers, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Practitioner.identifier", i);
      g_autofree char *value_path = _crn_fhir_path (path, "value");
      JsonObject *identifier;
      const char *system;
      const char *value;

      if (!_crn_fhir_array_object (identifiers, "Practitioner.identifier", i, &identifier,
                                   error) ||
          !_crn_fhir_read_string (identifier, path, "system", FALSE, &system, error) ||
          !_crn_fhir_read_string (identifier, path, "value", FALSE, &value, error))
        return NULL;
      if (system == NULL || !crn_fhir_system_equal (system, CRN_FHIR_OID_IDNPS))
        continue;

      practitioner->idnps = crn_idnps_normalize (value);
      if (practitioner->idnps == NULL)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, value_path,
                              _("%s must be an IDNPS: “8” followed by the 11 digits of the "
                                "RPPS number."), value_path);
          return NULL;
        }
      break;
    }
  if (practitioner->idnps == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Practitioner.identifier",
                          _("Practitioner.identifier has no IDNPS (system "
                            "urn:oid:1.2.250.1.71.4.2.1); a GP is identified by “8” + RPPS."));
      return NULL;
    }

  if (!_crn_fhir_read_array (resource, "Practitioner", "name", TRUE, &names, error) ||
      !_crn_fhir_array_object (names, "Practitioner.name", 0, &name, error) ||
      !_crn_fhir_read_string (name, "Practitioner.name[0]", "family", TRUE, &family, error) ||
      !_crn_fhir_read_array (name, "Practitioner.name[0]", "given", TRUE, &given, error) ||
      !_crn_fhir_array_string (given, "Practitioner.name[0].given", 0, &first, error))
    return NULL;
  practitioner->family = g_strdup (family);
  practitioner->given = g_strdup (first);

  if (!_crn_fhir_read_array (resource, "Practitioner", "telecom", FALSE, &telecoms, error))
    return NULL;
  for (guint i = 0; telecoms != NULL && i < json_array_get_length (telecoms); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Practitioner.telecom", i);
      JsonObject *telecom;
      const char *system;
      const char *value;

      if (!_crn_fhir_array_object (telecoms, "Practitioner.telecom", i, &telecom, error) ||
          !_crn_fhir_read_string (telecom, path, "system", FALSE, &system, error) ||
          !_crn_fhir_read_string (telecom, path, "value", FALSE, &value, error))
        return NULL;
      if (g_strcmp0 (system, "phone") == 0 && value != NULL && practitioner->phone == NULL)
        practitioner->phone = g_strdup (value);
    }

  return g_steal_pointer (&practitioner);
}

/* ---- PractitionerRole and its Location ----------------------------------------------------- */

static JsonObject *
location_new (const CrnPlace *place,
              const char     *location_system,
              CrnFhirFlavor   flavor)
{
  JsonObject *location = _crn_fhir_resource_new ("Location", LOCATION_ID);
  JsonArray *identifiers = json_array_new ();
  JsonObject *address = json_object_new ();

  if (flavor == CRN_FHIR_FLAVOR_SAS)
    _crn_fhir_set_meta (location, CRN_FHIR_PROFILE_SAS_LOCATION, 0, 0, NULL);

  json_array_add_object_element (identifiers,
                                 _crn_fhir_identifier_new (CRN_FHIR_CS_LOCATION_ID_TYPE, "INTRN",
                                                           location_system, place->id));
  json_object_set_array_member (location, "identifier", identifiers);
  _crn_fhir_set_string (location, "name", place->name);

  if (place->line != NULL && *place->line != '\0')
    {
      JsonArray *lines = json_array_new ();

      json_array_add_string_element (lines, place->line);
      json_object_set_array_member (address, "line", lines);
    }
  _crn_fhir_set_string (address, "city", place->city);
  _crn_fhir_set_string (address, "postalCode", place->postal_code);
  if (json_object_get_size (address) > 0)
    json_object_set_object_member (location, "address", address);
  else
    json_object_unref (address);

  return location;
}

JsonNode *
crn_fhir_practitioner_role_build (const CrnPractitioner *practitioner,
                                  const CrnPlace        *place,
                                  const char            *location_system,
                                  CrnFhirFlavor          flavor)
{
  g_autofree char *id = NULL;
  g_autofree char *practitioner_id = NULL;
  JsonObject *resource;
  JsonArray *contained;
  JsonArray *locations;
  JsonObject *reference;

  g_return_val_if_fail (practitioner != NULL && practitioner->idnps != NULL, NULL);
  g_return_val_if_fail (place != NULL && place->id != NULL, NULL);

  id = crn_fhir_practitioner_role_id (practitioner->idnps, place->id);
  practitioner_id = crn_fhir_practitioner_id (practitioner->idnps);
  resource = _crn_fhir_resource_new ("PractitionerRole", id);
  if (flavor == CRN_FHIR_FLAVOR_SAS)
    _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_SAS_ROLE, 0, 0, NULL);

  contained = json_array_new ();
  json_array_add_object_element (contained, location_new (place, location_system, flavor));
  json_object_set_array_member (resource, "contained", contained);

  json_object_set_object_member (resource, "practitioner",
                                 _crn_fhir_reference_new ("Practitioner", practitioner_id));
  if (practitioner->organization != NULL && *practitioner->organization != '\0')
    {
      reference = json_object_new ();
      json_object_set_object_member (reference, "identifier",
                                     _crn_fhir_identifier_new (v2_0203 (flavor), "IDNST",
                                                               CRN_FHIR_OID_IDNST,
                                                               practitioner->organization));
      json_object_set_object_member (resource, "organization", reference);
    }

  locations = json_array_new ();
  reference = json_object_new ();
  json_object_set_string_member (reference, "reference", "#" LOCATION_ID);
  json_array_add_object_element (locations, reference);
  json_object_set_array_member (resource, "location", locations);
  set_phone (resource, practitioner->phone);

  return _crn_fhir_node_take (resource);
}

/* ---- CPTS structures -------------------------------------------------------------------- */

JsonNode *
crn_fhir_organization_build (const char *id,
                             const char *idnst,
                             const char *name,
                             const char *phone)
{
  JsonObject *resource;
  JsonArray *identifiers;

  g_return_val_if_fail (crn_fhir_id_is_valid (id), NULL);
  g_return_val_if_fail (idnst != NULL, NULL);

  resource = _crn_fhir_resource_new ("Organization", id);
  _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_SAS_CPTS_ORG, 0, 0, NULL);
  identifiers = json_array_new ();
  json_array_add_object_element (identifiers,
                                 _crn_fhir_identifier_new (CRN_FHIR_CS_V2_0203_FRCORE, "IDNST",
                                                           CRN_FHIR_OID_IDNST, idnst));
  json_object_set_array_member (resource, "identifier", identifiers);
  _crn_fhir_set_string (resource, "name", name);
  set_phone (resource, phone);
  return _crn_fhir_node_take (resource);
}

JsonNode *
crn_fhir_healthcare_service_build (const char *id,
                                   const char *organization_id,
                                   const char *name)
{
  JsonObject *resource;

  g_return_val_if_fail (crn_fhir_id_is_valid (id), NULL);
  g_return_val_if_fail (crn_fhir_id_is_valid (organization_id), NULL);

  resource = _crn_fhir_resource_new ("HealthcareService", id);
  _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_SAS_CPTS_HS, 0, 0, NULL);
  json_object_set_object_member (resource, "providedBy",
                                 _crn_fhir_reference_new ("Organization", organization_id));
  _crn_fhir_set_string (resource, "name", name);
  return _crn_fhir_node_take (resource);
}

/* ---- the CPTS policy --------------------------------------------------------------------- */

static const char * const day_codes[8] = {
  NULL, "mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

static JsonObject *
parameter_new (const char *name)
{
  JsonObject *parameter = json_object_new ();

  json_object_set_string_member (parameter, "name", name);
  return parameter;
}

static JsonObject *
parameter_uint (const char *name,
                guint       value)
{
  JsonObject *parameter = parameter_new (name);

  json_object_set_int_member (parameter, "valueUnsignedInt", value);
  return parameter;
}

static JsonObject *
parameter_time (const char *name,
                guint       minutes)
{
  JsonObject *parameter = parameter_new (name);
  g_autofree char *text = g_strdup_printf ("%02u:%02u:00", minutes / 60, minutes % 60);

  json_object_set_string_member (parameter, "valueTime", text);
  return parameter;
}

JsonNode *
crn_fhir_policy_build (const CrnPolicy *policy,
                       const char      *id)
{
  JsonObject *resource;
  JsonArray *parameters;
  JsonObject *parameter;

  g_return_val_if_fail (policy != NULL, NULL);

  resource = _crn_fhir_resource_new ("Parameters", id);
  _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_POLICY, 0, 0, NULL);
  parameters = json_array_new ();

  for (guint wd = 1; wd <= 7; wd++)
    {
      JsonArray *parts = json_array_new ();
      JsonObject *day = parameter_new ("day");

      parameter = parameter_new ("snpWindow");
      json_object_set_string_member (day, "valueCode", day_codes[wd]);
      json_array_add_object_element (parts, day);
      json_array_add_object_element (parts, parameter_time ("open", policy->snp_open[wd]));
      json_array_add_object_element (parts, parameter_time ("close", policy->snp_close[wd]));
      json_object_set_array_member (parameter, "part", parts);
      json_array_add_object_element (parameters, parameter);
    }

  json_array_add_object_element (parameters,
                                 parameter_uint ("reclaimMinutes", policy->reclaim_minutes));
  json_array_add_object_element (parameters,
                                 parameter_uint ("bookingClosesMinutes",
                                                 policy->booking_closes_minutes));
  json_array_add_object_element (parameters,
                                 parameter_uint ("horizonHours", policy->horizon_hours));
  parameter = parameter_new ("needsConfirmation");
  json_object_set_boolean_member (parameter, "valueBoolean", policy->needs_confirmation);
  json_array_add_object_element (parameters, parameter);

  for (guint i = 0; policy->excluded_reasons != NULL && i < policy->excluded_reasons->len; i++)
    {
      parameter = parameter_new ("excludedReason");
      json_object_set_string_member (parameter, "valueString",
                                     g_ptr_array_index (policy->excluded_reasons, i));
      json_array_add_object_element (parameters, parameter);
    }

  json_object_set_array_member (resource, "parameter", parameters);
  return _crn_fhir_node_take (resource);
}

static gboolean
read_uint (JsonObject  *parameter,
           const char  *path,
           guint        max,
           guint       *out,
           GError     **error)
{
  gint64 value = 0;

  if (!_crn_fhir_read_int (parameter, path, "valueUnsignedInt", TRUE, NULL, &value, error))
    return FALSE;
  if (value < 0 || value > max)
    {
      g_autofree char *vpath = _crn_fhir_path (path, "valueUnsignedInt");

      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                          _("%s must be a whole number from 0 to %u."), vpath, max);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_time (JsonObject  *part,
           const char  *path,
           guint       *minutes,
           GError     **error)
{
  const char *text;
  g_autofree char *vpath = _crn_fhir_path (path, "valueTime");
  guint h, m;

  if (!_crn_fhir_read_string (part, path, "valueTime", TRUE, &text, error))
    return FALSE;

  if (strlen (text) != 8 || text[2] != ':' || text[5] != ':' || strcmp (text + 5, ":00") != 0 ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]) ||
      (h = (guint) ((text[0] - '0') * 10 + (text[1] - '0'))) > 24 ||
      (m = (guint) ((text[3] - '0') * 10 + (text[4] - '0'))) > 59 ||
      (h == 24 && m != 0))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                          _("%s must be a time on the minute, such as 08:00:00."), vpath);
      return FALSE;
    }
  *minutes = h * 60 + m;
  return TRUE;
}

static gboolean
read_window (JsonObject  *parameter,
             const char  *path,
             CrnPolicy   *policy,
             guint8      *seen_days,
             GError     **error)
{
  JsonArray *parts;
  g_autofree char *parts_path = _crn_fhir_path (path, "part");
  guint day = 0;
  guint open = 0, close = 0;
  gboolean has_open = FALSE, has_close = FALSE;

  if (!_crn_fhir_read_array (parameter, path, "part", TRUE, &parts, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      g_autofree char *ppath = _crn_fhir_path_index (parts_path, i);
      JsonObject *part;
      const char *name;

      if (!_crn_fhir_array_object (parts, parts_path, i, &part, error) ||
          !_crn_fhir_read_string (part, ppath, "name", TRUE, &name, error))
        return FALSE;

      if (strcmp (name, "day") == 0)
        {
          const char *code;
          g_autofree char *cpath = _crn_fhir_path (ppath, "valueCode");

          if (!_crn_fhir_read_string (part, ppath, "valueCode", TRUE, &code, error))
            return FALSE;
          for (day = 1; day <= 7; day++)
            if (strcmp (code, day_codes[day]) == 0)
              break;
          if (day > 7)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, cpath,
                                  _("%s must be mon, tue, wed, thu, fri, sat or sun."), cpath);
              return FALSE;
            }
        }
      else if (strcmp (name, "open") == 0)
        {
          if (!read_time (part, ppath, &open, error))
            return FALSE;
          has_open = TRUE;
        }
      else if (strcmp (name, "close") == 0)
        {
          if (!read_time (part, ppath, &close, error))
            return FALSE;
          has_close = TRUE;
        }
      else
        {
          g_autofree char *npath = _crn_fhir_path (ppath, "name");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, npath,
                              _("%s must be day, open or close."), npath);
          return FALSE;
        }
    }

  if (day == 0 || !has_open || !has_close)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, parts_path,
                          _("%s needs a day, an open and a close time."), parts_path);
      return FALSE;
    }
  if (close < open)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, parts_path,
                          _("%s closes before it opens."), parts_path);
      return FALSE;
    }
  if (*seen_days & (1u << day))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, parts_path,
                          _("%s repeats a day already given."), parts_path);
      return FALSE;
    }
  *seen_days |= (guint8) (1u << day);
  policy->snp_open[day] = (guint16) open;
  policy->snp_close[day] = (guint16) close;
  return TRUE;
}

CrnPolicy *
crn_fhir_policy_parse (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(CrnPolicy) policy = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *resource;
  JsonArray *parameters;
  guint8 seen_days = 0;
  gboolean seen_reclaim = FALSE, seen_closes = FALSE, seen_horizon = FALSE, seen_confirm = FALSE;

  resource = _crn_fhir_expect_resource (node, "Parameters", error);
  if (resource == NULL)
    return NULL;

  policy = crn_policy_new_default ();
  g_ptr_array_set_size (policy->excluded_reasons, 0);

  if (!_crn_fhir_read_array (resource, "Parameters", "parameter", TRUE, &parameters, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (parameters); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Parameters.parameter", i);
      g_autofree char *name_path = _crn_fhir_path (path, "name");
      JsonObject *parameter;
      const char *name;
      gboolean *seen = NULL;

      if (!_crn_fhir_array_object (parameters, "Parameters.parameter", i, &parameter, error) ||
          !_crn_fhir_read_string (parameter, path, "name", TRUE, &name, error))
        return NULL;

      if (strcmp (name, "snpWindow") == 0)
        {
          if (!read_window (parameter, path, policy, &seen_days, error))
            return NULL;
          continue;
        }
      else if (strcmp (name, "excludedReason") == 0)
        {
          const char *reason;

          if (!_crn_fhir_read_string (parameter, path, "valueString", TRUE, &reason, error))
            return NULL;
          g_ptr_array_add (policy->excluded_reasons, g_strdup (reason));
          continue;
        }
      else if (strcmp (name, "reclaimMinutes") == 0)
        {
          seen = &seen_reclaim;
          if (!read_uint (parameter, path, 7 * 24 * 60, &policy->reclaim_minutes, error))
            return NULL;
        }
      else if (strcmp (name, "bookingClosesMinutes") == 0)
        {
          seen = &seen_closes;
          if (!read_uint (parameter, path, 7 * 24 * 60, &policy->booking_closes_minutes, error))
            return NULL;
        }
      else if (strcmp (name, "horizonHours") == 0)
        {
          seen = &seen_horizon;
          if (!read_uint (parameter, path, 31 * 24, &policy->horizon_hours, error))
            return NULL;
        }
      else if (strcmp (name, "needsConfirmation") == 0)
        {
          seen = &seen_confirm;
          if (!_crn_fhir_read_bool (parameter, path, "valueBoolean", TRUE, NULL,
                                    &policy->needs_confirmation, error))
            return NULL;
        }
      else
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, name_path,
                              _("%s is not a parameter of the CPTS policy."), name_path);
          return NULL;
        }

      if (*seen)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, name_path,
                              _("%s is given twice; give each setting once."), name_path);
          return NULL;
        }
      *seen = TRUE;
    }

  if (seen_days != 0xfe || !seen_reclaim || !seen_closes || !seen_horizon || !seen_confirm)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Parameters.parameter",
                          _("Parameters.parameter lacks a setting: the policy needs the SNP "
                            "window of all seven days, reclaimMinutes, bookingClosesMinutes, "
                            "horizonHours and needsConfirmation."));
      return NULL;
    }
  /* The rules as a whole (a horizon of zero hours, SNP hours closing before they open…):
   * a policy read is one the server and the app can apply. */
  if (!crn_policy_validate (policy, &local_error))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Parameters.parameter", "%s",
                          local_error->message);
      return NULL;
    }

  return g_steal_pointer (&policy);
}
