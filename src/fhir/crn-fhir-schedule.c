/* crn-fhir-schedule.c: Schedule (FrCore availabilityTime) <-> CrnTemplate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-schedule.h"
#include "crn-fhir-private.h"

static const char * const weekday_codes[8] = {
  NULL, "MO", "TU", "WE", "TH", "FR", "SA", "SU",
};

#define SNP_SERVICE_TEXT "Consultation de soins non programmés"

void
crn_fhir_schedule_info_clear (CrnFhirScheduleInfo *info)
{
  g_clear_pointer (&info->schedule_id, g_free);
  g_clear_pointer (&info->practitioner_id, g_free);
  g_clear_pointer (&info->role_id, g_free);
}

/* ---- building ----------------------------------------------------------------------------- */

static void
add_sub (JsonArray  *subs,
         const char *url,
         const char *value_member,
         JsonNode   *value)
{
  JsonObject *ext = _crn_fhir_extension_new (url);

  json_object_set_member (ext, value_member, value);
  json_array_add_object_element (subs, ext);
}

static void
add_sub_string (JsonArray  *subs,
                const char *url,
                const char *value_member,
                const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  add_sub (subs, url, value_member, node);
}

static void
add_sub_int (JsonArray  *subs,
             const char *url,
             const char *value_member,
             gint64      value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  add_sub (subs, url, value_member, node);
}

static void
add_sub_object (JsonArray  *subs,
                const char *url,
                const char *value_member,
                JsonObject *value)
{
  JsonNode *node = _crn_fhir_node_take (value);

  add_sub (subs, url, value_member, node);
}

static void
add_sub_datetime (JsonArray  *subs,
                  const char *url,
                  CrnInstant  instant)
{
  g_autofree char *text = crn_time_format_iso (instant);

  add_sub_string (subs, url, "valueDateTime", text);
}

/* The nested local extension with what FrCore does not carry. */
static JsonObject *
snp_extension_new (guint           slot_minutes,
                   guint           n_patients,
                   CrnModality     modalities,
                   CrnVisibility   visibility,
                   CrnRestriction  restriction,
                   const char     *restriction_text,
                   const GDate    *valid_from)
{
  JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_AVAILABILITY_SNP);
  JsonArray *subs = json_array_new ();

  if (slot_minutes > 0)
    add_sub_int (subs, "slotMinutes", "valuePositiveInt", slot_minutes);
  if (n_patients > 0)
    add_sub_int (subs, "patients", "valuePositiveInt", n_patients);
  for (guint i = 0; _crn_fhir_modality_codes[i].code != NULL; i++)
    if (modalities & _crn_fhir_modality_codes[i].value)
      add_sub_string (subs, "modality", "valueCode", _crn_fhir_modality_codes[i].code);
  for (guint i = 0; _crn_fhir_visibility_codes[i].code != NULL; i++)
    if (visibility & _crn_fhir_visibility_codes[i].value)
      add_sub_string (subs, "visibility", "valueCode", _crn_fhir_visibility_codes[i].code);
  if (restriction != CRN_RESTRICTION_NONE)
    add_sub_object (subs, "restriction", "valueCodeableConcept",
                    _crn_fhir_restriction_new (restriction, restriction_text));
  if (valid_from != NULL && g_date_valid (valid_from))
    {
      g_autofree char *text = g_strdup_printf ("%04u-%02u-%02u",
                                               (guint) g_date_get_year (valid_from),
                                               (guint) g_date_get_month (valid_from),
                                               (guint) g_date_get_day (valid_from));
      add_sub_string (subs, "validFrom", "valueDate", text);
    }

  json_object_set_array_member (ext, "extension", subs);
  return ext;
}

static JsonObject *
availability_new (const char *system,
                  const char *id,
                  const char *type)
{
  JsonObject *availability = _crn_fhir_extension_new (CRN_FHIR_EXT_AVAILABILITY_TIME);
  JsonArray *subs = json_array_new ();
  JsonObject *identifier = json_object_new ();

  _crn_fhir_set_string (identifier, "system", system);
  json_object_set_string_member (identifier, "value", id);
  add_sub_object (subs, "identifier", "valueIdentifier", identifier);
  add_sub_object (subs, "type", "valueCoding",
                  _crn_fhir_coding_new (CRN_FHIR_CS_SCHEDULE_TYPE, type, NULL));
  json_object_set_array_member (availability, "extension", subs);
  return availability;
}

static gboolean
date_matches (const CrnTemplateBlock *block,
              const GDate            *date)
{
  GDateWeekday wd = g_date_get_weekday (date);
  GDateMonth month = g_date_get_month (date);

  return (block->weekdays & CRN_WEEKDAY_BIT (wd)) != 0 &&
         (block->months == 0 || (block->months & (1u << (month - 1))) != 0);
}

/* Whether @minute_of_day (up to 24 * 60) is a wall-clock time of @date, i.e. not in the
 * hour skipped when Paris moves to summer time. */
static gboolean
local_time_exists (const GDate *date,
                   guint        minute_of_day)
{
  GDate expected = *date;
  GDate back;
  guint back_minute;

  g_date_add_days (&expected, minute_of_day / (24 * 60));
  g_date_clear (&back, 1);
  crn_time_to_local (crn_time_from_local (date, minute_of_day), &back, &back_minute, NULL);
  return g_date_compare (&back, &expected) == 0 && back_minute == minute_of_day % (24 * 60);
}

/* The first day the block applies, on which its hours exist: the window's start and end
 * carry the hours, so a day where 02:30 does not exist would turn it into 03:00. The
 * validity travels on its own (validFrom), so skipping that day loses nothing. */
static void
first_occurrence (const CrnTemplateBlock *block,
                  GDate                  *out)
{
  GDate day;
  GDate first_match;

  g_date_clear (&day, 1);
  g_date_clear (&first_match, 1);
  if (g_date_valid (&block->valid_from))
    day = block->valid_from;
  else
    g_date_set_dmy (&day, CRN_FHIR_OPEN_REFERENCE_DAY, CRN_FHIR_OPEN_REFERENCE_MONTH,
                    CRN_FHIR_OPEN_REFERENCE_YEAR);
  *out = day;

  /* A matching day exists within a year whenever weekdays != 0, and Europe/Paris skips an
   * hour once a year, so the year after has one whose hours exist. */
  for (guint i = 0; i < 2 * 366; i++, g_date_add_days (&day, 1))
    {
      if (!date_matches (block, &day))
        continue;
      if (!g_date_valid (&first_match))
        first_match = day;
      if (local_time_exists (&day, block->start_minute) &&
          local_time_exists (&day, block->end_minute))
        {
          *out = day;
          return;
        }
    }
  if (g_date_valid (&first_match))
    *out = first_match;
}

static JsonObject *
block_to_availability (const CrnTemplateBlock *block,
                       const char             *system)
{
  JsonObject *availability = availability_new (system, block->id, "free");
  JsonArray *subs = json_object_get_array_member (availability, "extension");
  JsonObject *rrule = _crn_fhir_extension_new ("rrule");
  JsonArray *rsubs = json_array_new ();
  GDate first;

  first_occurrence (block, &first);
  add_sub_datetime (subs, "start", crn_time_from_local (&first, block->start_minute));
  add_sub_datetime (subs, "end", crn_time_from_local (&first, block->end_minute));

  add_sub_object (rsubs, "freq", "valueCoding",
                  _crn_fhir_coding_new (CRN_FHIR_CS_RFC2445, "WEEKLY", NULL));
  for (guint wd = 1; wd <= 7; wd++)
    if (block->weekdays & CRN_WEEKDAY_BIT (wd))
      add_sub_string (rsubs, "byDay", "valueString", weekday_codes[wd]);
  for (guint m = 1; m <= 12; m++)
    if (block->months & (1u << (m - 1)))
      add_sub_int (rsubs, "byMonth", "valuePositiveInt", m);
  if (g_date_valid (&block->valid_until))
    add_sub_datetime (rsubs, "until",
                      crn_time_from_local (&block->valid_until, 23 * 60 + 59) + 59);
  json_object_set_array_member (rrule, "extension", rsubs);
  json_array_add_object_element (subs, rrule);

  json_array_add_object_element (subs,
                                 snp_extension_new (block->slot_minutes, block->n_patients,
                                                    block->modalities, block->visibility,
                                                    block->restriction,
                                                    block->restriction_text,
                                                    &block->valid_from));
  return availability;
}

static JsonObject *
exception_to_availability (const CrnTemplateException *exception,
                           const char                 *system)
{
  gboolean absence = exception->kind == CRN_EXCEPTION_ABSENCE;
  JsonObject *availability = availability_new (system, exception->id,
                                               absence ? "busy-unavailable" : "free");
  JsonArray *subs = json_object_get_array_member (availability, "extension");

  add_sub_datetime (subs, "start", exception->start);
  add_sub_datetime (subs, "end", exception->end);

  if (absence)
    {
      if (exception->reason != NULL && *exception->reason != '\0')
        add_sub_object (subs, "unavailabilityReason", "valueCodeableConcept",
                        _crn_fhir_concept_new (NULL, NULL, exception->reason));
      add_sub_int (subs, "priority", "valueInteger", 1);
    }
  else
    json_array_add_object_element (subs,
                                   snp_extension_new (exception->slot_minutes,
                                                      exception->n_patients,
                                                      exception->modalities,
                                                      exception->visibility,
                                                      exception->restriction,
                                                      exception->restriction_text, NULL));
  return availability;
}

static JsonObject *
service_type_duration_new (guint minutes)
{
  JsonObject *ext = _crn_fhir_extension_new (CRN_FHIR_EXT_SERVICE_TYPE_DURATION);
  JsonArray *subs = json_array_new ();
  JsonObject *duration = json_object_new ();

  add_sub_object (subs, "serviceType", "valueCodeableConcept",
                  _crn_fhir_concept_new (NULL, NULL, SNP_SERVICE_TEXT));
  json_object_set_int_member (duration, "value", minutes);
  json_object_set_string_member (duration, "unit", "minute");
  json_object_set_string_member (duration, "system", "http://unitsofmeasure.org");
  json_object_set_string_member (duration, "code", "min");
  add_sub_object (subs, "duration", "valueDuration", duration);
  json_object_set_array_member (ext, "extension", subs);
  return ext;
}

JsonNode *
crn_fhir_schedule_build (const CrnTemplate            *template,
                         const CrnFhirScheduleOptions *options)
{
  static const CrnFhirScheduleOptions no_options = { NULL, };
  g_autofree char *schedule_id = NULL;
  g_autofree char *practitioner_id = NULL;
  g_autofree char *role_id = NULL;
  JsonObject *resource;
  JsonArray *extensions;
  JsonArray *actors;
  guint duration = 0;

  g_return_val_if_fail (template != NULL, NULL);
  g_return_val_if_fail (template->practitioner != NULL, NULL);

  if (options == NULL)
    options = &no_options;

  if (options->schedule_id != NULL)
    schedule_id = g_strdup (options->schedule_id);
  else if (template->place_id != NULL)
    schedule_id = crn_fhir_schedule_id (template->practitioner, template->place_id);
  practitioner_id = options->practitioner_id != NULL ? g_strdup (options->practitioner_id)
                    : crn_fhir_practitioner_id (template->practitioner);
  if (options->role_id != NULL)
    role_id = g_strdup (options->role_id);
  else if (template->place_id != NULL)
    role_id = crn_fhir_practitioner_role_id (template->practitioner, template->place_id);

  resource = _crn_fhir_resource_new ("Schedule", schedule_id);
  _crn_fhir_set_meta (resource,
                      options->profile != NULL ? options->profile : CRN_FHIR_PROFILE_GAP_SCHEDULE,
                      template->version, template->last_updated_ms, NULL);

  extensions = json_array_new ();
  for (guint i = 0; i < template->blocks->len; i++)
    {
      const CrnTemplateBlock *block = g_ptr_array_index (template->blocks, i);

      json_array_add_object_element (extensions,
                                     block_to_availability (block,
                                                            options->availability_system));
      if (duration == 0 && block->slot_minutes > 0)
        duration = block->slot_minutes;
    }
  for (guint i = 0; i < template->exceptions->len; i++)
    json_array_add_object_element (extensions,
                                   exception_to_availability (g_ptr_array_index (template->exceptions, i),
                                                              options->availability_system));
  if (duration > 0)
    json_array_add_object_element (extensions, service_type_duration_new (duration));
  _crn_fhir_set_array (resource, "extension", extensions);

  if (options->identifier_system != NULL && template->id != NULL)
    {
      JsonArray *identifiers = json_array_new ();
      JsonObject *identifier = json_object_new ();

      json_object_set_string_member (identifier, "use", "usual");
      json_object_set_string_member (identifier, "system", options->identifier_system);
      json_object_set_string_member (identifier, "value", template->id);
      json_array_add_object_element (identifiers, identifier);
      json_object_set_array_member (resource, "identifier", identifiers);
    }

  json_object_set_boolean_member (resource, "active", TRUE);
  {
    JsonArray *specialties = json_array_new ();

    json_array_add_object_element (specialties,
                                   _crn_fhir_concept_new (CRN_FHIR_CS_TRE_R38,
                                                          CRN_FHIR_SPECIALTY_GP, NULL));
    json_object_set_array_member (resource, "specialty", specialties);
  }

  actors = json_array_new ();
  json_array_add_object_element (actors, _crn_fhir_reference_new ("Practitioner",
                                                                  practitioner_id));
  if (role_id != NULL)
    json_array_add_object_element (actors, _crn_fhir_reference_new ("PractitionerRole",
                                                                    role_id));
  json_object_set_array_member (resource, "actor", actors);

  return _crn_fhir_node_take (resource);
}

JsonNode *
crn_fhir_schedule_build_sas (const char *schedule_id,
                             const char *practitioner_id,
                             const char *role_id)
{
  JsonObject *resource;
  JsonArray *actors;

  g_return_val_if_fail (schedule_id != NULL, NULL);
  g_return_val_if_fail (practitioner_id != NULL, NULL);
  g_return_val_if_fail (role_id != NULL, NULL);

  resource = _crn_fhir_resource_new ("Schedule", schedule_id);
  _crn_fhir_set_meta (resource, CRN_FHIR_PROFILE_SAS_SCHEDULE, 0, 0, NULL);
  actors = json_array_new ();
  json_array_add_object_element (actors, _crn_fhir_reference_new ("Practitioner",
                                                                  practitioner_id));
  json_array_add_object_element (actors, _crn_fhir_reference_new ("PractitionerRole", role_id));
  json_object_set_array_member (resource, "actor", actors);
  return _crn_fhir_node_take (resource);
}

/* ---- parsing ------------------------------------------------------------------------------ */

/* What one availabilityTime holds, before it becomes a block or an exception. */
typedef struct
{
  const char     *id;
  gboolean        busy;
  gint64          start_ms;
  gint64          end_ms;
  gboolean        has_rrule;
  guint8          weekdays;
  guint16         months;
  gboolean        has_until;
  gint64          until_ms;
  const char     *reason;
  /* the local extension */
  gboolean        has_snp;
  guint           slot_minutes;
  guint           n_patients;
  CrnModality     modalities;
  CrnVisibility   visibility;
  CrnRestriction  restriction;
  char           *restriction_text;
  GDate           valid_from;
} Availability;

static void
availability_clear (Availability *a)
{
  g_clear_pointer (&a->restriction_text, g_free);
}

/* Reads the sub-extension list of @ext at @path; each entry needs a url. */
static gboolean
read_subs (JsonObject  *ext,
           const char  *path,
           JsonArray  **subs,
           GError     **error)
{
  if (!_crn_fhir_read_array (ext, path, "extension", TRUE, subs, error))
    return FALSE;
  return TRUE;
}

static gboolean
sub_at (JsonArray   *subs,
        const char  *base,
        guint        index,
        JsonObject **sub,
        const char **url,
        char       **path,
        GError     **error)
{
  *path = _crn_fhir_path_index (base, index);
  return _crn_fhir_array_object (subs, base, index, sub, error) &&
         _crn_fhir_read_string (*sub, *path, "url", TRUE, url, error);
}

static gboolean
read_positive (JsonObject  *sub,
               const char  *path,
               const char  *member,
               guint        max,
               guint       *out,
               GError     **error)
{
  gint64 value = 0;

  if (!_crn_fhir_read_int (sub, path, member, TRUE, NULL, &value, error))
    return FALSE;
  if (value < 1 || value > max)
    {
      g_autofree char *vpath = _crn_fhir_path (path, member);

      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                          _("%s must be a whole number from 1 to %u."), vpath, max);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_snp (JsonObject    *ext,
          const char    *path,
          Availability  *a,
          GError       **error)
{
  JsonArray *subs;
  g_autofree char *base = _crn_fhir_path (path, "extension");

  if (!read_subs (ext, path, &subs, error))
    return FALSE;

  a->has_snp = TRUE;
  a->modalities = CRN_MODALITY_NONE;
  a->visibility = CRN_VISIBILITY_NONE;

  for (guint i = 0; i < json_array_get_length (subs); i++)
    {
      g_autofree char *spath = NULL;
      JsonObject *sub;
      const char *url;
      const char *code;
      guint value;

      if (!sub_at (subs, base, i, &sub, &url, &spath, error))
        return FALSE;

      if (strcmp (url, "slotMinutes") == 0)
        {
          if (!read_positive (sub, spath, "valuePositiveInt", 24 * 60, &a->slot_minutes, error))
            return FALSE;
        }
      else if (strcmp (url, "patients") == 0)
        {
          if (!read_positive (sub, spath, "valuePositiveInt", 24 * 60, &a->n_patients, error))
            return FALSE;
        }
      else if (strcmp (url, "modality") == 0 || strcmp (url, "visibility") == 0)
        {
          gboolean modality = url[0] == 'm';
          g_autofree char *cpath = _crn_fhir_path (spath, "valueCode");

          if (!_crn_fhir_read_string (sub, spath, "valueCode", TRUE, &code, error))
            return FALSE;
          if (!_crn_fhir_value_for (modality ? _crn_fhir_modality_codes
                                             : _crn_fhir_visibility_codes, code, &value))
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, cpath,
                                  modality ? _("%s must be AMB, VR or HH.")
                                           : _("%s must be PUBLIC, PRO, SNP or CPTS."),
                                  cpath);
              return FALSE;
            }
          if (modality)
            a->modalities |= (CrnModality) value;
          else
            a->visibility |= (CrnVisibility) value;
        }
      else if (strcmp (url, "restriction") == 0)
        {
          JsonObject *concept;
          g_autofree char *cpath = _crn_fhir_path (spath, "valueCodeableConcept");

          if (!_crn_fhir_read_object (sub, spath, "valueCodeableConcept", TRUE, &concept, error))
            return FALSE;
          g_clear_pointer (&a->restriction_text, g_free);
          if (!_crn_fhir_restriction_read (concept, cpath, &a->restriction,
                                           &a->restriction_text, error))
            return FALSE;
        }
      else if (strcmp (url, "validFrom") == 0)
        {
          CrnFhirDateParts parts;
          g_autofree char *dpath = _crn_fhir_path (spath, "valueDate");

          if (!_crn_fhir_read_string (sub, spath, "valueDate", TRUE, &code, error))
            return FALSE;
          if (!_crn_fhir_scan_date (code, FALSE, &parts) || parts.precision != 3)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, dpath,
                                  _("%s must be a date such as 2026-12-01."), dpath);
              return FALSE;
            }
          g_date_set_dmy (&a->valid_from, (GDateDay) parts.day, (GDateMonth) parts.month,
                          (GDateYear) parts.year);
        }
      else
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, spath,
                              _("%s has an unknown url “%s”."), spath, url);
          return FALSE;
        }
    }

  if (a->slot_minutes > 0 && a->n_patients > 0)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                          _("%s gives both slotMinutes and patients; give only one."), path);
      return FALSE;
    }
  if (a->modalities == CRN_MODALITY_NONE)
    a->modalities = CRN_MODALITY_AMB;
  return TRUE;
}

static gboolean
read_rrule (JsonObject    *ext,
            const char    *path,
            Availability  *a,
            GError       **error)
{
  JsonArray *subs;
  g_autofree char *base = _crn_fhir_path (path, "extension");
  gboolean has_freq = FALSE;

  if (!read_subs (ext, path, &subs, error))
    return FALSE;

  a->has_rrule = TRUE;
  for (guint i = 0; i < json_array_get_length (subs); i++)
    {
      g_autofree char *spath = NULL;
      JsonObject *sub;
      const char *url;

      if (!sub_at (subs, base, i, &sub, &url, &spath, error))
        return FALSE;

      if (strcmp (url, "freq") == 0)
        {
          JsonObject *coding;
          const char *code;
          g_autofree char *cpath = _crn_fhir_path (spath, "valueCoding");

          if (!_crn_fhir_read_object (sub, spath, "valueCoding", TRUE, &coding, error) ||
              !_crn_fhir_read_string (coding, cpath, "code", TRUE, &code, error))
            return FALSE;
          if (strcmp (code, "WEEKLY") != 0)
            {
              g_autofree char *code_path = _crn_fhir_path (cpath, "code");

              crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, code_path,
                                  _("%s is “%s” but only WEEKLY recurrences are supported; "
                                    "declare one weekly window per recurring block."),
                                  code_path, code);
              return FALSE;
            }
          has_freq = TRUE;
        }
      else if (strcmp (url, "byDay") == 0)
        {
          const char *code;
          guint wd;
          g_autofree char *vpath = _crn_fhir_path (spath, "valueString");

          if (!_crn_fhir_read_string (sub, spath, "valueString", TRUE, &code, error))
            return FALSE;
          for (wd = 1; wd <= 7; wd++)
            if (strcmp (code, weekday_codes[wd]) == 0)
              break;
          if (wd > 7)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, vpath,
                                  _("%s must be one of MO, TU, WE, TH, FR, SA, SU."), vpath);
              return FALSE;
            }
          a->weekdays |= CRN_WEEKDAY_BIT (wd);
        }
      else if (strcmp (url, "byMonth") == 0)
        {
          guint month;

          if (!read_positive (sub, spath, "valuePositiveInt", 12, &month, error))
            return FALSE;
          a->months |= 1u << (month - 1);
        }
      else if (strcmp (url, "until") == 0)
        {
          if (!_crn_fhir_read_datetime (sub, spath, "valueDateTime", TRUE, NULL, &a->until_ms,
                                        error))
            return FALSE;
          a->has_until = TRUE;
        }
      else if (strcmp (url, "interval") == 0)
        {
          gint64 interval = 0;
          g_autofree char *vpath = _crn_fhir_path (spath, "valueInteger");

          if (!_crn_fhir_read_int (sub, spath, "valueInteger", TRUE, NULL, &interval, error))
            return FALSE;
          if (interval != 1)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                                  _("%s must be 1: blocks repeat every week."), vpath);
              return FALSE;
            }
        }
      else if (strcmp (url, "wkst") == 0)
        {
          /* irrelevant for a weekly rule with interval 1 */
        }
      else
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, spath,
                              _("%s (“%s”) is not supported; a block is a weekly rule with "
                                "byDay, byMonth and until only."), spath, url);
          return FALSE;
        }
    }

  if (!has_freq)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, base,
                          _("%s has no freq; a recurrence needs freq WEEKLY."), base);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_availability (JsonObject    *ext,
                   const char    *path,
                   Availability  *a,
                   GError       **error)
{
  JsonArray *subs;
  g_autofree char *base = _crn_fhir_path (path, "extension");
  gboolean has_type = FALSE;
  gboolean has_start = FALSE;
  gboolean has_end = FALSE;

  if (!read_subs (ext, path, &subs, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (subs); i++)
    {
      g_autofree char *spath = NULL;
      JsonObject *sub;
      const char *url;

      if (!sub_at (subs, base, i, &sub, &url, &spath, error))
        return FALSE;

      if (strcmp (url, "identifier") == 0)
        {
          JsonObject *identifier;
          const char *value;
          g_autofree char *ipath = _crn_fhir_path (spath, "valueIdentifier");

          if (!_crn_fhir_read_object (sub, spath, "valueIdentifier", TRUE, &identifier,
                                      error) ||
              !_crn_fhir_read_string (identifier, ipath, "value", TRUE, &value, error))
            return FALSE;
          /* several identifiers: the first one is the window's id */
          if (a->id == NULL)
            a->id = value;
        }
      else if (strcmp (url, "type") == 0)
        {
          JsonObject *coding;
          const char *code;
          g_autofree char *cpath = _crn_fhir_path (spath, "valueCoding");
          g_autofree char *code_path = _crn_fhir_path (cpath, "code");

          if (!_crn_fhir_read_object (sub, spath, "valueCoding", TRUE, &coding, error) ||
              !_crn_fhir_read_string (coding, cpath, "code", TRUE, &code, error))
            return FALSE;
          if (strcmp (code, "free") == 0)
            a->busy = FALSE;
          else if (strcmp (code, "busy-unavailable") == 0)
            a->busy = TRUE;
          else
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, code_path,
                                  _("%s must be free or busy-unavailable."), code_path);
              return FALSE;
            }
          has_type = TRUE;
        }
      else if (strcmp (url, "start") == 0)
        {
          if (!_crn_fhir_read_datetime (sub, spath, "valueDateTime", TRUE, NULL, &a->start_ms,
                                        error))
            return FALSE;
          has_start = TRUE;
        }
      else if (strcmp (url, "end") == 0)
        {
          if (!_crn_fhir_read_datetime (sub, spath, "valueDateTime", TRUE, NULL, &a->end_ms,
                                        error))
            return FALSE;
          has_end = TRUE;
        }
      else if (strcmp (url, "rrule") == 0)
        {
          if (!read_rrule (sub, spath, a, error))
            return FALSE;
        }
      else if (strcmp (url, "unavailabilityReason") == 0)
        {
          JsonObject *concept;
          g_autofree char *cpath = _crn_fhir_path (spath, "valueCodeableConcept");

          if (!_crn_fhir_read_object (sub, spath, "valueCodeableConcept", TRUE, &concept,
                                      error) ||
              !_crn_fhir_read_string (concept, cpath, "text", FALSE, &a->reason, error))
            return FALSE;
        }
      else if (strcmp (url, CRN_FHIR_EXT_AVAILABILITY_SNP) == 0)
        {
          if (!read_snp (sub, spath, a, error))
            return FALSE;
        }
      /* created, priority and others' extensions carry nothing the domain keeps */
    }

  if (a->id == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, base,
                          _("%s has no identifier; every availability window needs one."),
                          base);
      return FALSE;
    }
  if (!has_type || !has_start || !has_end)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, base,
                          _("%s needs type, start and end."), base);
      return FALSE;
    }
  if (a->end_ms <= a->start_ms)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                          _("%s ends before it starts; the end must be after the start."), path);
      return FALSE;
    }
  if (a->busy && a->has_rrule)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                          _("%s is a recurring unavailability, which is not supported; "
                            "declare each absence with its own dates."), path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
availability_to_block (Availability      *a,
                       const char        *path,
                       guint              default_minutes,
                       CrnTemplateBlock **out,
                       GError           **error)
{
  g_autoptr(CrnTemplateBlock) block = crn_template_block_new ();
  GDate start_date;
  GDate end_date;
  GDateWeekday weekday;
  guint start_minute;
  guint end_minute;
  CrnInstant start = _crn_fhir_floor_div (a->start_ms, 1000);
  CrnInstant end = _crn_fhir_floor_div (a->end_ms, 1000);
  GDate reference_end;

  g_date_clear (&start_date, 1);
  g_date_clear (&end_date, 1);
  crn_time_to_local (start, &start_date, &start_minute, &weekday);
  crn_time_to_local (end, &end_date, &end_minute, NULL);

  if (g_date_compare (&start_date, &end_date) != 0)
    {
      GDate next = start_date;

      g_date_add_days (&next, 1);
      if (g_date_compare (&next, &end_date) == 0 && end_minute == 0)
        end_minute = 24 * 60;
      else
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                              _("%s is a recurring window that does not end on the day it "
                                "starts; a block must fit in one day."), path);
          return FALSE;
        }
    }

  block->id = g_strdup (a->id);
  block->start_minute = (guint16) start_minute;
  block->end_minute = (guint16) end_minute;
  block->weekdays = a->weekdays != 0 ? a->weekdays : (guint8) CRN_WEEKDAY_BIT (weekday);
  block->months = a->months;

  if (a->has_snp)
    {
      block->modalities = a->modalities;
      block->visibility = a->visibility;
      block->restriction = a->restriction;
      block->restriction_text = g_steal_pointer (&a->restriction_text);
      block->valid_from = a->valid_from;
    }
  else
    {
      /* another declarer: the first occurrence starts the validity, unless it is in the
       * reference week of an open block */
      g_date_clear (&reference_end, 1);
      g_date_set_dmy (&reference_end, CRN_FHIR_OPEN_REFERENCE_DAY,
                      CRN_FHIR_OPEN_REFERENCE_MONTH, CRN_FHIR_OPEN_REFERENCE_YEAR);
      g_date_add_days (&reference_end, 7);
      if (g_date_compare (&start_date, &reference_end) >= 0)
        block->valid_from = start_date;
    }

  if (a->slot_minutes > 0 || a->n_patients > 0)
    {
      block->slot_minutes = (guint16) a->slot_minutes;
      block->n_patients = (guint16) a->n_patients;
    }
  else if (default_minutes > 0)
    block->slot_minutes = (guint16) default_minutes;
  else
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, path,
                          _("%s gives no slot length and the Schedule has no "
                            "serviceTypeDuration; give one of them."), path);
      return FALSE;
    }

  if (a->has_until)
    {
      CrnInstant until = _crn_fhir_floor_div (a->until_ms, 1000);
      guint until_minute;

      g_date_clear (&block->valid_until, 1);
      crn_time_to_local (until, &block->valid_until, &until_minute, NULL);
      /* occurrences starting after the until instant are not part of the rule */
      if (until_minute < block->start_minute)
        g_date_subtract_days (&block->valid_until, 1);
    }

  *out = g_steal_pointer (&block);
  return TRUE;
}

static gboolean
availability_to_exception (Availability          *a,
                           const char            *path,
                           guint                  default_minutes,
                           CrnTemplateException **out,
                           GError               **error)
{
  g_autoptr(CrnTemplateException) exception = crn_template_exception_new ();

  exception->id = g_strdup (a->id);
  exception->start = _crn_fhir_floor_div (a->start_ms, 1000);
  exception->end = _crn_fhir_floor_div (a->end_ms, 1000);

  if (a->busy)
    {
      exception->kind = CRN_EXCEPTION_ABSENCE;
      exception->reason = g_strdup (a->reason);
    }
  else
    {
      exception->kind = CRN_EXCEPTION_EXTRA;
      if (a->has_snp)
        {
          exception->modalities = a->modalities;
          exception->visibility = a->visibility;
          exception->restriction = a->restriction;
          exception->restriction_text = g_steal_pointer (&a->restriction_text);
        }
      if (a->slot_minutes > 0 || a->n_patients > 0)
        {
          exception->slot_minutes = (guint16) a->slot_minutes;
          exception->n_patients = (guint16) a->n_patients;
        }
      else if (default_minutes > 0)
        exception->slot_minutes = (guint16) default_minutes;
      else
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, path,
                              _("%s gives no slot length and the Schedule has no "
                                "serviceTypeDuration; give one of them."), path);
          return FALSE;
        }
    }

  *out = g_steal_pointer (&exception);
  return TRUE;
}

static gboolean
read_duration (JsonObject  *ext,
               const char  *path,
               guint       *minutes,
               GError     **error)
{
  JsonArray *subs;
  g_autofree char *base = _crn_fhir_path (path, "extension");

  if (!read_subs (ext, path, &subs, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (subs); i++)
    {
      g_autofree char *spath = NULL;
      g_autofree char *dpath = NULL;
      JsonObject *sub;
      JsonObject *duration;
      JsonNode *value;
      const char *url;
      const char *code;
      double number;

      if (!sub_at (subs, base, i, &sub, &url, &spath, error))
        return FALSE;
      if (strcmp (url, "duration") != 0)
        continue;

      dpath = _crn_fhir_path (spath, "valueDuration");
      if (!_crn_fhir_read_object (sub, spath, "valueDuration", TRUE, &duration, error) ||
          !_crn_fhir_read_string (duration, dpath, "code", FALSE, &code, error))
        return FALSE;
      value = json_object_get_member (duration, "value");
      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_INT64 &&
           json_node_get_value_type (value) != G_TYPE_DOUBLE))
        {
          g_autofree char *vpath = _crn_fhir_path (dpath, "value");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                              _("%s must be a number of minutes."), vpath);
          return FALSE;
        }
      number = json_node_get_double (value);
      if (code != NULL && strcmp (code, "h") == 0)
        number *= 60;
      else if (code != NULL && strcmp (code, "min") != 0)
        {
          g_autofree char *cpath = _crn_fhir_path (dpath, "code");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, cpath,
                              _("%s must be the UCUM unit min or h."), cpath);
          return FALSE;
        }
      if (number < 1 || number > 24 * 60 || number != (double) (guint) number)
        {
          g_autofree char *vpath = _crn_fhir_path (dpath, "value");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                              _("%s must be a whole number of minutes from 1 to 1440."), vpath);
          return FALSE;
        }
      *minutes = (guint) number;
      return TRUE;
    }

  return TRUE;
}

static gboolean
read_actors (JsonObject           *resource,
             CrnFhirScheduleInfo  *info,
             GError              **error)
{
  JsonArray *actors;

  if (!_crn_fhir_read_array (resource, "Schedule", "actor", TRUE, &actors, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (actors); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Schedule.actor", i);
      g_autofree char *rpath = _crn_fhir_path (path, "reference");
      JsonObject *actor;
      const char *reference;
      const char *id;

      if (!_crn_fhir_array_object (actors, "Schedule.actor", i, &actor, error) ||
          !_crn_fhir_read_string (actor, path, "reference", FALSE, &reference, error))
        return FALSE;
      if (reference == NULL)
        continue;

      if (g_str_has_prefix (reference, "Practitioner/"))
        {
          if (!_crn_fhir_parse_reference (reference, "Practitioner", rpath, &id, error))
            return FALSE;
          g_free (info->practitioner_id);
          info->practitioner_id = g_strdup (id);
        }
      else if (g_str_has_prefix (reference, "PractitionerRole/"))
        {
          if (!_crn_fhir_parse_reference (reference, "PractitionerRole", rpath, &id, error))
            return FALSE;
          g_free (info->role_id);
          info->role_id = g_strdup (id);
        }
    }

  if (info->practitioner_id == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Schedule.actor",
                          _("Schedule.actor has no Practitioner reference; a GP's agenda "
                            "names its Practitioner and PractitionerRole."));
      return FALSE;
    }
  return TRUE;
}

CrnTemplate *
crn_fhir_schedule_parse (JsonNode             *node,
                         CrnFhirScheduleInfo  *info,
                         GError              **error)
{
  g_auto(CrnFhirScheduleInfo) local_info = { NULL, };
  g_autoptr(CrnTemplate) template = NULL;
  g_autofree char *practitioner = NULL;
  g_autofree char *place_id = NULL;
  JsonObject *resource;
  JsonArray *extensions;
  JsonArray *identifiers;
  const char *id;
  const char *identifier_value = NULL;
  guint default_minutes = 0;

  if (info != NULL)
    crn_fhir_schedule_info_clear (info);

  resource = _crn_fhir_expect_resource (node, "Schedule", error);
  if (resource == NULL)
    return NULL;

  if (!_crn_fhir_read_string (resource, "Schedule", "id", FALSE, &id, error) ||
      !_crn_fhir_read_array (resource, "Schedule", "identifier", FALSE, &identifiers, error))
    return NULL;
  if (id != NULL && !crn_fhir_id_is_valid (id))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.id",
                          _("Schedule.id must be 1 to 64 letters, digits, “-” or “.”."));
      return NULL;
    }
  if (identifiers != NULL)
    {
      JsonObject *identifier;

      if (!_crn_fhir_array_object (identifiers, "Schedule.identifier", 0, &identifier, error) ||
          !_crn_fhir_read_string (identifier, "Schedule.identifier[0]", "value", FALSE,
                                  &identifier_value, error))
        return NULL;
    }
  if (identifier_value == NULL && id == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "Schedule.identifier",
                          _("Schedule.identifier is missing and the Schedule has no id; give "
                            "the agenda's identifier."));
      return NULL;
    }
  local_info.schedule_id = g_strdup (id);

  if (!read_actors (resource, &local_info, error))
    return NULL;

  if (g_str_has_prefix (local_info.practitioner_id, "pract-") &&
      crn_idnps_is_valid (local_info.practitioner_id + strlen ("pract-")))
    practitioner = g_strdup (local_info.practitioner_id + strlen ("pract-"));
  if (!crn_fhir_split_role_id (local_info.role_id, "role",
                               practitioner == NULL ? &practitioner : NULL, &place_id))
    crn_fhir_split_role_id (id, "sched", practitioner == NULL ? &practitioner : NULL,
                            &place_id);

  template = crn_template_new (practitioner, place_id);
  g_free (template->id);
  template->id = g_strdup (identifier_value != NULL ? identifier_value : id);

  if (!_crn_fhir_read_meta (resource, "Schedule", &template->version,
                            &template->last_updated_ms, error) ||
      !_crn_fhir_read_array (resource, "Schedule", "extension", FALSE, &extensions, error))
    return NULL;

  /* the default slot length first: windows may come before it */
  for (guint i = 0; extensions != NULL && i < json_array_get_length (extensions); i++)
    {
      g_autofree char *path = NULL;
      JsonObject *ext;
      const char *url;

      if (!sub_at (extensions, "Schedule.extension", i, &ext, &url, &path, error))
        return NULL;
      if (strcmp (url, CRN_FHIR_EXT_SERVICE_TYPE_DURATION) == 0 && default_minutes == 0 &&
          !read_duration (ext, path, &default_minutes, error))
        return NULL;
    }

  for (guint i = 0; extensions != NULL && i < json_array_get_length (extensions); i++)
    {
      g_autofree char *path = NULL;
      JsonObject *ext;
      const char *url;
      Availability a = { NULL, };
      gboolean ok;

      if (!sub_at (extensions, "Schedule.extension", i, &ext, &url, &path, error))
        return NULL;
      if (strcmp (url, CRN_FHIR_EXT_AVAILABILITY_TIME) != 0)
        continue;

      g_date_clear (&a.valid_from, 1);
      ok = read_availability (ext, path, &a, error);
      if (ok && a.has_rrule)
        {
          CrnTemplateBlock *block = NULL;

          ok = availability_to_block (&a, path, default_minutes, &block, error);
          if (ok)
            crn_template_add_block (template, block);
        }
      else if (ok)
        {
          CrnTemplateException *exception = NULL;

          ok = availability_to_exception (&a, path, default_minutes, &exception, error);
          if (ok)
            crn_template_add_exception (template, exception);
        }
      availability_clear (&a);
      if (!ok)
        return NULL;
    }

  if (info != NULL)
    *info = local_info, memset (&local_info, 0, sizeof local_info);

  return g_steal_pointer (&template);
}
