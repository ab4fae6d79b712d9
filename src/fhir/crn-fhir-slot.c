/* crn-fhir-slot.c: Slot <-> CrnSlot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-slot.h"
#include "crn-fhir-private.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static gboolean
is_tre_r314 (const char *system)
{
  return system != NULL &&
         (strcmp (system, CRN_FHIR_CS_TRE_R314) == 0 ||
          crn_fhir_system_equal (system, CRN_FHIR_CS_TRE_R314_OID));
}

void
crn_fhir_slot_info_clear (CrnFhirSlotInfo *info)
{
  g_clear_pointer (&info->schedule_id, g_free);
  g_clear_pointer (&info->booking_url, g_free);
  g_clear_pointer (&info->healthcare_service_ids, g_strfreev);
  g_clear_pointer (&info->identifier_system, g_free);
  g_clear_pointer (&info->identifier_value, g_free);
}

/* ---- building ----------------------------------------------------------------------------- */

JsonNode *
crn_fhir_slot_build (const CrnSlot            *slot,
                     const CrnFhirSlotOptions *options)
{
  static const CrnFhirSlotOptions no_options = { NULL, };
  JsonObject *resource;
  JsonArray *security;
  JsonArray *extensions;
  JsonArray *service_types;
  g_autofree char *schedule_id = NULL;

  g_return_val_if_fail (slot != NULL, NULL);
  g_return_val_if_fail (slot->id != NULL, NULL);

  if (options == NULL)
    options = &no_options;

  resource = _crn_fhir_resource_new ("Slot", slot->id);

  security = json_array_new ();
  for (guint i = 0; _crn_fhir_visibility_codes[i].code != NULL; i++)
    if (slot->visibility & _crn_fhir_visibility_codes[i].value)
      json_array_add_object_element (security,
                                     _crn_fhir_coding_new (CRN_FHIR_CS_TRE_R314,
                                                           _crn_fhir_visibility_codes[i].code,
                                                           NULL));
  _crn_fhir_set_meta (resource, options->profile, slot->version, slot->last_updated_ms,
                      security);

  extensions = json_array_new ();
  if (slot->restriction != CRN_RESTRICTION_NONE)
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_RESTRICTION);

      json_object_set_object_member (ext, "valueCodeableConcept",
                                     _crn_fhir_restriction_new (slot->restriction,
                                                                slot->restriction_text));
      json_array_add_object_element (extensions, ext);
    }
  if (slot->template_block_id != NULL && *slot->template_block_id != '\0')
    {
      JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_TEMPLATE_BLOCK);

      json_object_set_string_member (ext, "valueString", slot->template_block_id);
      json_array_add_object_element (extensions, ext);
    }
  _crn_fhir_set_array (resource, "extension", extensions);

  if (options->identifier_system != NULL)
    {
      JsonArray *identifiers = json_array_new ();
      JsonObject *identifier = json_object_new ();

      json_object_set_string_member (identifier, "use", "usual");
      json_object_set_string_member (identifier, "system", options->identifier_system);
      json_object_set_string_member (identifier, "value", slot->id);
      json_array_add_object_element (identifiers, identifier);
      json_object_set_array_member (resource, "identifier", identifiers);
    }

  service_types = json_array_new ();
  for (guint i = 0; _crn_fhir_modality_codes[i].code != NULL; i++)
    if (slot->modalities & _crn_fhir_modality_codes[i].value)
      json_array_add_object_element (service_types,
                                     _crn_fhir_concept_new (CRN_FHIR_CS_ACT_CODE,
                                                            _crn_fhir_modality_codes[i].code,
                                                            NULL));
  if ((slot->visibility & CRN_VISIBILITY_CPTS) && options->healthcare_service_ids != NULL)
    {
      for (guint i = 0; options->healthcare_service_ids[i] != NULL; i++)
        {
          JsonObject *concept = json_object_new ();
          JsonArray *exts = json_array_new ();
          JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_SLOT_SERVICE_TYPE_R5);
          JsonArray *codings = json_array_new ();

          json_object_set_object_member (ext, "valueReference",
                                         _crn_fhir_reference_new ("HealthcareService",
                                                                  options->healthcare_service_ids[i]));
          json_array_add_object_element (exts, ext);
          json_object_set_array_member (concept, "extension", exts);
          json_array_add_object_element (codings,
                                         _crn_fhir_coding_new (CRN_FHIR_CS_TRE_R66, "604", NULL));
          json_object_set_array_member (concept, "coding", codings);
          json_array_add_object_element (service_types, concept);
        }
    }
  if (options->service_text != NULL && *options->service_text != '\0')
    json_array_add_object_element (service_types,
                                   _crn_fhir_concept_new (NULL, NULL, options->service_text));
  _crn_fhir_set_array (resource, "serviceType", service_types);

  {
    JsonArray *specialties = json_array_new ();

    json_array_add_object_element (specialties,
                                   _crn_fhir_concept_new (CRN_FHIR_CS_TRE_R38,
                                                          CRN_FHIR_SPECIALTY_GP, NULL));
    json_object_set_array_member (resource, "specialty", specialties);
  }

  json_object_set_object_member (resource, "appointmentType",
                                 _crn_fhir_concept_new (CRN_FHIR_CS_V2_0276, "ROUTINE", NULL));

  if (options->schedule_id != NULL)
    schedule_id = g_strdup (options->schedule_id);
  else if (slot->practitioner != NULL && slot->place_id != NULL)
    schedule_id = crn_fhir_schedule_id (slot->practitioner, slot->place_id);
  if (schedule_id != NULL)
    json_object_set_object_member (resource, "schedule",
                                   _crn_fhir_reference_new ("Schedule", schedule_id));
  else
    g_critical ("Slot without schedule: give practitioner and place_id, or a schedule id");

  json_object_set_string_member (resource, "status",
                                 _crn_fhir_code_for (_crn_fhir_slot_status_codes, slot->status));
  _crn_fhir_set_datetime (resource, "start", slot->start);
  _crn_fhir_set_datetime (resource, "end", slot->end);
  _crn_fhir_set_string (resource, "comment", options->booking_url);

  return _crn_fhir_node_take (resource);
}

/* ---- writing ------------------------------------------------------------------------------ */

/* { "coding": [ { "system": …, "code": … } ], "text": … } as _crn_fhir_concept_new(). */
static void
write_concept (CrnFhirWriter *w,
               const char    *name,
               const char    *system,
               const char    *code,
               const char    *text)
{
  crn_fhir_writer_begin_object (w, name);
  if (code != NULL)
    {
      crn_fhir_writer_begin_array (w, "coding");
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string_nonempty (w, "system", system);
      crn_fhir_writer_string_nonempty (w, "code", code);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_array (w);
    }
  crn_fhir_writer_string_nonempty (w, "text", text);
  crn_fhir_writer_end_object (w);
}

static void
write_reference (CrnFhirWriter *w,
                 const char    *name,
                 const char    *type,
                 const char    *id)
{
  g_autofree char *text = g_strconcat (type, "/", id, NULL);

  crn_fhir_writer_begin_object (w, name);
  crn_fhir_writer_string (w, "reference", text);
  crn_fhir_writer_end_object (w);
}

void
crn_fhir_slot_write (CrnFhirWriter            *w,
                     const char               *name,
                     const CrnSlot            *slot,
                     const CrnFhirSlotOptions *options)
{
  static const CrnFhirSlotOptions no_options = { NULL, };
  gboolean any_security = FALSE;
  gboolean any_modality = FALSE;
  gboolean cpts_services;
  g_autofree char *schedule_id = NULL;

  g_return_if_fail (slot != NULL);
  g_return_if_fail (slot->id != NULL);

  if (options == NULL)
    options = &no_options;

  /* The same members in the same order as crn_fhir_slot_build(). */
  crn_fhir_writer_begin_object (w, name);
  crn_fhir_writer_string (w, "resourceType", "Slot");
  crn_fhir_writer_string_nonempty (w, "id", slot->id);

  for (guint i = 0; _crn_fhir_visibility_codes[i].code != NULL; i++)
    any_security |= (slot->visibility & _crn_fhir_visibility_codes[i].value) != 0;
  if (slot->version > 0 || slot->last_updated_ms > 0 || options->profile != NULL ||
      any_security)
    {
      crn_fhir_writer_begin_object (w, "meta");
      if (slot->version > 0)
        {
          char text[32];

          g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, slot->version);
          crn_fhir_writer_string (w, "versionId", text);
        }
      if (slot->last_updated_ms > 0)
        crn_fhir_writer_instant_ms (w, "lastUpdated", slot->last_updated_ms);
      if (options->profile != NULL)
        {
          crn_fhir_writer_begin_array (w, "profile");
          crn_fhir_writer_string (w, NULL, options->profile);
          crn_fhir_writer_end_array (w);
        }
      if (any_security)
        {
          crn_fhir_writer_begin_array (w, "security");
          for (guint i = 0; _crn_fhir_visibility_codes[i].code != NULL; i++)
            if (slot->visibility & _crn_fhir_visibility_codes[i].value)
              {
                crn_fhir_writer_begin_object (w, NULL);
                crn_fhir_writer_string_nonempty (w, "system", CRN_FHIR_CS_TRE_R314);
                crn_fhir_writer_string_nonempty (w, "code", _crn_fhir_visibility_codes[i].code);
                crn_fhir_writer_end_object (w);
              }
          crn_fhir_writer_end_array (w);
        }
      crn_fhir_writer_end_object (w);
    }

  if (slot->restriction != CRN_RESTRICTION_NONE ||
      (slot->template_block_id != NULL && *slot->template_block_id != '\0'))
    {
      crn_fhir_writer_begin_array (w, "extension");
      if (slot->restriction != CRN_RESTRICTION_NONE)
        {
          crn_fhir_writer_begin_object (w, NULL);
          crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_RESTRICTION);
          write_concept (w, "valueCodeableConcept", CRN_FHIR_CS_RESTRICTION,
                         _crn_fhir_code_for (_crn_fhir_restriction_codes, slot->restriction),
                         slot->restriction_text);
          crn_fhir_writer_end_object (w);
        }
      if (slot->template_block_id != NULL && *slot->template_block_id != '\0')
        {
          crn_fhir_writer_begin_object (w, NULL);
          crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_TEMPLATE_BLOCK);
          crn_fhir_writer_string (w, "valueString", slot->template_block_id);
          crn_fhir_writer_end_object (w);
        }
      crn_fhir_writer_end_array (w);
    }

  if (options->identifier_system != NULL)
    {
      crn_fhir_writer_begin_array (w, "identifier");
      crn_fhir_writer_begin_object (w, NULL);
      crn_fhir_writer_string (w, "use", "usual");
      crn_fhir_writer_string (w, "system", options->identifier_system);
      crn_fhir_writer_string (w, "value", slot->id);
      crn_fhir_writer_end_object (w);
      crn_fhir_writer_end_array (w);
    }

  for (guint i = 0; _crn_fhir_modality_codes[i].code != NULL; i++)
    any_modality |= (slot->modalities & _crn_fhir_modality_codes[i].value) != 0;
  cpts_services = (slot->visibility & CRN_VISIBILITY_CPTS) &&
                  options->healthcare_service_ids != NULL &&
                  options->healthcare_service_ids[0] != NULL;
  if (any_modality || cpts_services ||
      (options->service_text != NULL && *options->service_text != '\0'))
    {
      crn_fhir_writer_begin_array (w, "serviceType");
      for (guint i = 0; _crn_fhir_modality_codes[i].code != NULL; i++)
        if (slot->modalities & _crn_fhir_modality_codes[i].value)
          write_concept (w, NULL, CRN_FHIR_CS_ACT_CODE, _crn_fhir_modality_codes[i].code, NULL);
      for (guint i = 0; cpts_services && options->healthcare_service_ids[i] != NULL; i++)
        {
          crn_fhir_writer_begin_object (w, NULL);
          crn_fhir_writer_begin_array (w, "extension");
          crn_fhir_writer_begin_object (w, NULL);
          crn_fhir_writer_string (w, "url", CRN_FHIR_EXT_SLOT_SERVICE_TYPE_R5);
          write_reference (w, "valueReference", "HealthcareService",
                           options->healthcare_service_ids[i]);
          crn_fhir_writer_end_object (w);
          crn_fhir_writer_end_array (w);
          crn_fhir_writer_begin_array (w, "coding");
          crn_fhir_writer_begin_object (w, NULL);
          crn_fhir_writer_string_nonempty (w, "system", CRN_FHIR_CS_TRE_R66);
          crn_fhir_writer_string_nonempty (w, "code", "604");
          crn_fhir_writer_end_object (w);
          crn_fhir_writer_end_array (w);
          crn_fhir_writer_end_object (w);
        }
      if (options->service_text != NULL && *options->service_text != '\0')
        write_concept (w, NULL, NULL, NULL, options->service_text);
      crn_fhir_writer_end_array (w);
    }

  crn_fhir_writer_begin_array (w, "specialty");
  write_concept (w, NULL, CRN_FHIR_CS_TRE_R38, CRN_FHIR_SPECIALTY_GP, NULL);
  crn_fhir_writer_end_array (w);
  write_concept (w, "appointmentType", CRN_FHIR_CS_V2_0276, "ROUTINE", NULL);

  if (options->schedule_id != NULL)
    schedule_id = g_strdup (options->schedule_id);
  else if (slot->practitioner != NULL && slot->place_id != NULL)
    schedule_id = crn_fhir_schedule_id (slot->practitioner, slot->place_id);
  if (schedule_id != NULL)
    write_reference (w, "schedule", "Schedule", schedule_id);
  else
    g_critical ("Slot without schedule: give practitioner and place_id, or a schedule id");

  crn_fhir_writer_string (w, "status",
                          _crn_fhir_code_for (_crn_fhir_slot_status_codes, slot->status));
  crn_fhir_writer_instant_ms (w, "start", slot->start * 1000);
  crn_fhir_writer_instant_ms (w, "end", slot->end * 1000);
  crn_fhir_writer_string_nonempty (w, "comment", options->booking_url);
  crn_fhir_writer_end_object (w);
}

/* ---- parsing ------------------------------------------------------------------------------ */

static gboolean
read_security (JsonObject     *resource,
               CrnVisibility  *visibility,
               GError        **error)
{
  JsonObject *meta;
  JsonArray *security;

  *visibility = CRN_VISIBILITY_NONE;

  if (!_crn_fhir_read_object (resource, "Slot", "meta", FALSE, &meta, error))
    return FALSE;
  if (meta == NULL)
    return TRUE;
  if (!_crn_fhir_read_array (meta, "Slot.meta", "security", FALSE, &security, error))
    return FALSE;
  if (security == NULL)
    return TRUE;

  for (guint i = 0; i < json_array_get_length (security); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Slot.meta.security", i);
      JsonObject *coding;
      const char *system;
      const char *code;
      guint value;

      if (!_crn_fhir_array_object (security, "Slot.meta.security", i, &coding, error) ||
          !_crn_fhir_read_string (coding, path, "system", FALSE, &system, error) ||
          !_crn_fhir_read_string (coding, path, "code", FALSE, &code, error))
        return FALSE;

      if (!is_tre_r314 (system))
        continue;

      if (!_crn_fhir_value_for (_crn_fhir_visibility_codes, code, &value))
        {
          g_autofree char *code_path = _crn_fhir_path (path, "code");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, code_path,
                              _("%s is not a TRE_R314 slot type; use PUBLIC, PRO, SNP or "
                                "CPTS."), code_path);
          return FALSE;
        }
      *visibility |= (CrnVisibility) value;
    }

  return TRUE;
}

static gboolean
read_service_types (JsonObject       *resource,
                    CrnSlot          *slot,
                    GPtrArray        *services,
                    GError          **error)
{
  JsonArray *service_types;

  if (!_crn_fhir_read_array (resource, "Slot", "serviceType", FALSE, &service_types, error))
    return FALSE;
  if (service_types == NULL)
    return TRUE;

  for (guint i = 0; i < json_array_get_length (service_types); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Slot.serviceType", i);
      JsonObject *concept;
      JsonObject *coding;

      if (!_crn_fhir_array_object (service_types, "Slot.serviceType", i, &concept, error))
        return FALSE;

      if ((coding = _crn_fhir_find_coding (concept, CRN_FHIR_CS_ACT_CODE)) != NULL)
        {
          g_autofree char *coding_path = _crn_fhir_path (path, "coding");
          const char *code;
          guint value;

          if (!_crn_fhir_read_string (coding, coding_path, "code", TRUE, &code, error))
            return FALSE;
          if (!_crn_fhir_value_for (_crn_fhir_modality_codes, code, &value))
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, coding_path,
                                  _("%s has an unknown consultation mode; use AMB, VR or HH."),
                                  coding_path);
              return FALSE;
            }
          slot->modalities |= (CrnModality) value;
        }
      else if ((coding = _crn_fhir_find_coding (concept, CRN_FHIR_CS_TRE_R66)) != NULL)
        {
          JsonArray *extensions;
          g_autofree char *ext_path = _crn_fhir_path (path, "extension");

          if (!_crn_fhir_read_array (concept, path, "extension", FALSE, &extensions, error))
            return FALSE;
          for (guint j = 0; extensions != NULL && j < json_array_get_length (extensions); j++)
            {
              g_autofree char *one_path = _crn_fhir_path_index (ext_path, j);
              g_autofree char *ref_path = _crn_fhir_path (one_path, "valueReference");
              JsonObject *ext;
              JsonObject *reference;
              const char *url;
              const char *text;
              const char *id;

              if (!_crn_fhir_array_object (extensions, ext_path, j, &ext, error) ||
                  !_crn_fhir_read_string (ext, one_path, "url", TRUE, &url, error))
                return FALSE;
              if (strcmp (url, CRN_FHIR_EXT_SLOT_SERVICE_TYPE_R5) != 0)
                continue;
              if (!_crn_fhir_read_object (ext, one_path, "valueReference", TRUE, &reference,
                                          error) ||
                  !_crn_fhir_read_string (reference, ref_path, "reference", TRUE, &text,
                                          error))
                return FALSE;
              {
                g_autofree char *rpath = _crn_fhir_path (ref_path, "reference");

                if (!_crn_fhir_parse_reference (text, "HealthcareService", rpath, &id, error))
                  return FALSE;
              }
              g_ptr_array_add (services, g_strdup (id));
            }
        }
    }

  return TRUE;
}

static gboolean
read_extensions (JsonObject  *resource,
                 CrnSlot     *slot,
                 GError     **error)
{
  JsonArray *extensions;

  if (!_crn_fhir_read_array (resource, "Slot", "extension", FALSE, &extensions, error))
    return FALSE;

  for (guint i = 0; extensions != NULL && i < json_array_get_length (extensions); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Slot.extension", i);
      JsonObject *ext;
      const char *url;

      if (!_crn_fhir_array_object (extensions, "Slot.extension", i, &ext, error) ||
          !_crn_fhir_read_string (ext, path, "url", TRUE, &url, error))
        return FALSE;

      if (strcmp (url, CRN_FHIR_EXT_RESTRICTION) == 0)
        {
          g_autofree char *value_path = _crn_fhir_path (path, "valueCodeableConcept");
          JsonObject *concept;

          if (!_crn_fhir_read_object (ext, path, "valueCodeableConcept", TRUE, &concept, error))
            return FALSE;
          g_clear_pointer (&slot->restriction_text, g_free);
          if (!_crn_fhir_restriction_read (concept, value_path, &slot->restriction,
                                           &slot->restriction_text, error))
            return FALSE;
        }
      else if (strcmp (url, CRN_FHIR_EXT_TEMPLATE_BLOCK) == 0)
        {
          const char *block_id;

          if (!_crn_fhir_read_string (ext, path, "valueString", TRUE, &block_id, error))
            return FALSE;
          g_free (slot->template_block_id);
          slot->template_block_id = g_strdup (block_id);
        }
    }

  return TRUE;
}

CrnSlot *
crn_fhir_slot_parse (JsonNode         *node,
                     CrnFhirSlotInfo  *info,
                     GError          **error)
{
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func (g_free);
  JsonObject *resource;
  JsonObject *schedule;
  JsonArray *identifiers;
  const char *id;
  const char *status;
  const char *reference;
  const char *schedule_id;
  const char *comment;
  const char *identifier_system = NULL;
  const char *identifier_value = NULL;
  gint64 start_ms = 0;
  gint64 end_ms = 0;
  guint value;

  if (info != NULL)
    {
      crn_fhir_slot_info_clear (info);
      memset (info, 0, sizeof *info);
    }

  resource = _crn_fhir_expect_resource (node, "Slot", error);
  if (resource == NULL)
    return NULL;

  slot = crn_slot_new ();

  if (!_crn_fhir_read_meta (resource, "Slot", &slot->version, &slot->last_updated_ms, error) ||
      !read_security (resource, &slot->visibility, error))
    return NULL;

  if (!_crn_fhir_read_string (resource, "Slot", "id", FALSE, &id, error))
    return NULL;
  if (id != NULL && !crn_fhir_id_is_valid (id))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Slot.id",
                          _("Slot.id must be 1 to 64 letters, digits, “-” or “.”."));
      return NULL;
    }

  if (!_crn_fhir_read_array (resource, "Slot", "identifier", FALSE, &identifiers, error))
    return NULL;
  if (identifiers != NULL)
    {
      JsonObject *identifier;

      if (!_crn_fhir_array_object (identifiers, "Slot.identifier", 0, &identifier, error) ||
          !_crn_fhir_read_string (identifier, "Slot.identifier[0]", "system", FALSE,
                                  &identifier_system, error) ||
          !_crn_fhir_read_string (identifier, "Slot.identifier[0]", "value", FALSE,
                                  &identifier_value, error))
        return NULL;
    }

  /* Without an id, the business identifier becomes the slot's id, which the builder writes
   * back as Slot.id: it must be a valid FHIR id. */
  if (id == NULL && identifier_value != NULL && !crn_fhir_id_is_valid (identifier_value))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Slot.identifier[0].value",
                          _("Slot.identifier[0].value must be 1 to 64 letters, digits, “-” or "
                            "“.” when the Slot has no id."));
      return NULL;
    }
  if (id == NULL)
    id = identifier_value;
  if (id == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.id",
                          _("Slot.id is missing and no Slot.identifier gives the slot's "
                            "identifier; give one of them."));
      return NULL;
    }
  slot->id = g_strdup (id);

  if (!read_service_types (resource, slot, services, error))
    return NULL;
  if (slot->modalities == CRN_MODALITY_NONE)
    slot->modalities = CRN_MODALITY_AMB;

  if (!_crn_fhir_read_object (resource, "Slot", "schedule", TRUE, &schedule, error) ||
      !_crn_fhir_read_string (schedule, "Slot.schedule", "reference", TRUE, &reference, error) ||
      !_crn_fhir_parse_reference (reference, "Schedule", "Slot.schedule.reference",
                                  &schedule_id, error))
    return NULL;
  crn_fhir_split_role_id (schedule_id, "sched", &slot->practitioner, &slot->place_id);

  if (!_crn_fhir_read_string (resource, "Slot", "status", TRUE, &status, error))
    return NULL;
  if (!_crn_fhir_value_for (_crn_fhir_slot_status_codes, status, &value))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, "Slot.status",
                          _("Slot.status “%s” is not a FHIR slot status; use free, busy, "
                            "busy-tentative, busy-unavailable or entered-in-error."), status);
      return NULL;
    }
  slot->status = (CrnSlotStatus) value;

  if (!_crn_fhir_read_datetime (resource, "Slot", "start", TRUE, NULL, &start_ms, error) ||
      !_crn_fhir_read_datetime (resource, "Slot", "end", TRUE, NULL, &end_ms, error))
    return NULL;
  if (end_ms <= start_ms)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Slot.end",
                          _("Slot.end must be after Slot.start."));
      return NULL;
    }
  slot->start = _crn_fhir_floor_div (start_ms, 1000);
  slot->end = _crn_fhir_floor_div (end_ms, 1000);
  if (slot->end <= slot->start)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Slot.end",
                          _("Slot.end must be at least one second after Slot.start."));
      return NULL;
    }

  if (!_crn_fhir_read_string (resource, "Slot", "comment", FALSE, &comment, error) ||
      !read_extensions (resource, slot, error))
    return NULL;

  if (info != NULL)
    {
      info->schedule_id = g_strdup (schedule_id);
      info->booking_url = g_strdup (comment);
      g_ptr_array_add (services, NULL);
      info->healthcare_service_ids = (GStrv) g_ptr_array_steal (services, NULL);
      info->identifier_system = g_strdup (identifier_system);
      info->identifier_value = g_strdup (identifier_value);
    }

  return g_steal_pointer (&slot);
}
