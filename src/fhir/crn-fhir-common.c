/* crn-fhir-common.c: JSON entry points, limits, dates, ids, and the strict readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "crn-fhir-private.h"

/* ---- code tables ------------------------------------------------------------------------- */

const CrnFhirCode _crn_fhir_visibility_codes[] = {
  { "PUBLIC", CRN_VISIBILITY_PUBLIC },
  { "PRO", CRN_VISIBILITY_PRO },
  { "SNP", CRN_VISIBILITY_SNP },
  { "CPTS", CRN_VISIBILITY_CPTS },
  { NULL, 0 },
};

const CrnFhirCode _crn_fhir_modality_codes[] = {
  { "AMB", CRN_MODALITY_AMB },
  { "VR", CRN_MODALITY_VR },
  { "HH", CRN_MODALITY_HH },
  { NULL, 0 },
};

const CrnFhirCode _crn_fhir_restriction_codes[] = {
  { "children", CRN_RESTRICTION_CHILDREN },
  { "adults", CRN_RESTRICTION_ADULTS },
  { "other", CRN_RESTRICTION_OTHER },
  { NULL, 0 },
};

const CrnFhirCode _crn_fhir_slot_status_codes[] = {
  { "free", CRN_SLOT_STATUS_FREE },
  { "busy", CRN_SLOT_STATUS_BUSY },
  { "busy-tentative", CRN_SLOT_STATUS_BUSY_TENTATIVE },
  { "busy-unavailable", CRN_SLOT_STATUS_BUSY_UNAVAILABLE },
  { "entered-in-error", CRN_SLOT_STATUS_ENTERED_IN_ERROR },
  { NULL, 0 },
};

const CrnFhirCode _crn_fhir_appointment_status_codes[] = {
  { "proposed", CRN_APPOINTMENT_STATUS_PROPOSED },
  { "pending", CRN_APPOINTMENT_STATUS_PENDING },
  { "booked", CRN_APPOINTMENT_STATUS_BOOKED },
  { "arrived", CRN_APPOINTMENT_STATUS_ARRIVED },
  { "fulfilled", CRN_APPOINTMENT_STATUS_FULFILLED },
  { "cancelled", CRN_APPOINTMENT_STATUS_CANCELLED },
  { "noshow", CRN_APPOINTMENT_STATUS_NOSHOW },
  { "entered-in-error", CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* read only: the patient is in the waiting room */
  { "checked-in", CRN_APPOINTMENT_STATUS_ARRIVED },
  { NULL, 0 },
};

const CrnFhirCode _crn_fhir_participation_codes[] = {
  { "needs-action", CRN_PARTICIPATION_NEEDS_ACTION },
  { "accepted", CRN_PARTICIPATION_ACCEPTED },
  { "declined", CRN_PARTICIPATION_DECLINED },
  { "tentative", CRN_PARTICIPATION_TENTATIVE },
  { NULL, 0 },
};

const CrnFhirCode _crn_fhir_referrer_codes[] = {
  { "sas", CRN_REFERRER_SAS },
  { "pharmacy", CRN_REFERRER_PHARMACY },
  { "emergency", CRN_REFERRER_EMERGENCY },
  { "nurse", CRN_REFERRER_NURSE },
  { "physiotherapist", CRN_REFERRER_PHYSIOTHERAPIST },
  { "own-patient", CRN_REFERRER_OWN_PATIENT },
  { "other", CRN_REFERRER_OTHER },
  { NULL, 0 },
};

const char *
_crn_fhir_code_for (const CrnFhirCode *table,
                    guint              value)
{
  for (guint i = 0; table[i].code != NULL; i++)
    if (table[i].value == value)
      return table[i].code;
  return NULL;
}

gboolean
_crn_fhir_value_for (const CrnFhirCode *table,
                     const char        *code,
                     guint             *value)
{
  if (code == NULL)
    return FALSE;

  for (guint i = 0; table[i].code != NULL; i++)
    if (strcmp (table[i].code, code) == 0)
      {
        *value = table[i].value;
        return TRUE;
      }
  return FALSE;
}

/* ---- parsing a document ---------------------------------------------------------------- */

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Says where in the text json-glib would not be given it: line and column, never what (the
 * text may be patient data). */
static void
set_error_at (const char *data,
              gsize       offset,
              GError    **error)
{
  guint line = 1;
  gsize line_start = 0;

  for (gsize j = 0; j < offset; j++)
    if (data[j] == '\n')
      {
        line++;
        line_start = j + 1;
      }
  crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                      _("The body is not valid JSON (error at line %u, column %u); send a "
                        "FHIR resource in JSON."), line, (guint) (offset - line_start + 1));
}

/* Reads the four hex digits of a \u escape at data[at]; -1 when they are not there. */
static gint
read_utf16_unit (const char *data,
                 gsize       length,
                 gsize       at)
{
  gint unit = 0;

  if (at + 4 > length)
    return -1;
  for (gsize k = at; k < at + 4; k++)
    {
      gint digit = g_ascii_xdigit_value (data[k]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }
  return unit;
}

/* Checks one escape in a string, data[i] being the character after the backslash, and
 * returns how many more characters it takes (0 for a one-letter escape), or -1 when JSON has
 * no such escape. A \u escape must have four hex digits, and a surrogate must be a high one
 * followed by a \u low one: json-glib 1.6.6 drops the string it was reading (a GString,
 * 152 bytes, never freed) on a broken pair, and turns a lone surrogate or a short escape
 * into bytes that are not UTF-8 (F2, F5, F10 in docs/FUZZING.md). */
static gint
check_escape (const char *data,
              gsize       length,
              gsize       i)
{
  gint unit;
  gint low;

  if (strchr ("\"\\/bfnrt", data[i]) != NULL && data[i] != '\0')
    return 0;
  if (data[i] != 'u')
    return -1;
  unit = read_utf16_unit (data, length, i + 1);
  if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
    return -1;
  if (unit < 0xd800 || unit > 0xdbff)
    return 4;
  if (i + 6 >= length || data[i + 5] != '\\' || data[i + 6] != 'u')
    return -1;
  low = read_utf16_unit (data, length, i + 7);
  if (low < 0xdc00 || low > 0xdfff)
    return -1;
  return 10;
}

/* What may stand outside a string: structure, white space, the characters of numbers and
 * of true, false and null, and the quote that opens a string. */
static const gboolean outside_string_char[256] = {
  [' '] = TRUE, ['\t'] = TRUE, ['\n'] = TRUE, ['\r'] = TRUE, ['"'] = TRUE,
  ['{'] = TRUE, ['}'] = TRUE, ['['] = TRUE, [']'] = TRUE, [':'] = TRUE, [','] = TRUE,
  ['0'] = TRUE, ['1'] = TRUE, ['2'] = TRUE, ['3'] = TRUE, ['4'] = TRUE, ['5'] = TRUE,
  ['6'] = TRUE, ['7'] = TRUE, ['8'] = TRUE, ['9'] = TRUE, ['+'] = TRUE, ['-'] = TRUE,
  ['.'] = TRUE, ['e'] = TRUE, ['E'] = TRUE, ['t'] = TRUE, ['r'] = TRUE, ['u'] = TRUE,
  ['f'] = TRUE, ['a'] = TRUE, ['l'] = TRUE, ['s'] = TRUE, ['n'] = TRUE,
};

/* Checks the shape of the text before json-glib reads it: one JSON object, nested at most
 * CRN_FHIR_MAX_DEPTH levels, followed by nothing but white space, its string escapes those
 * of JSON. json-glib 1.6 accepts "{…}{…}" and keeps the last value (leaking the others), so
 * a body could smuggle a second resource past the first one's checks. */
static gboolean
check_shape (const char *data,
             gsize       length,
             GError    **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize start = 0;

  while (start < length && is_json_space (data[start]))
    start++;
  if (start == length || data[start] != '{')
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                          _("The body is not a JSON object; send one FHIR resource."));
      return FALSE;
    }

  for (gsize i = start; i < length; i++)
    {
      char c;

      /* A page of a sync is a megabyte of mostly string contents: step over them without
       * looking at each character twice. */
      if (in_string)
        while (i < length && data[i] != '"' && data[i] != '\\')
          i++;
      if (i == length)
        break;
      c = data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              gint more = i + 1 < length ? check_escape (data, length, i + 1) : -1;

              if (more < 0)
                {
                  set_error_at (data, i, error);
                  return FALSE;
                }
              i += 1 + (gsize) more;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      /* Outside strings JSON has only structure, numbers, true, false and null; json-glib
       * also reads comments (after "//", or between slash-star and star-slash) and
       * 'single-quoted' strings, in which it would
       * not see the structure this loop sees (a second value hidden from it, F1). */
      if (!outside_string_char[(guchar) c])
        {
          set_error_at (data, i, error);
          return FALSE;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > CRN_FHIR_MAX_DEPTH)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, NULL,
                                  _("The JSON document is nested more than %d levels deep; "
                                    "send a flatter FHIR resource."),
                                  CRN_FHIR_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        {
          if (--depth == 0)
            {
              for (gsize j = i + 1; j < length; j++)
                if (!is_json_space (data[j]))
                  {
                    crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                                        _("The body holds more than one JSON value; send "
                                          "exactly one FHIR resource."));
                    return FALSE;
                  }
              return TRUE;
            }
        }
    }

  /* Unbalanced: json-glib reports where. */
  return TRUE;
}

JsonNode *
crn_fhir_parse_object (const char  *data,
                       gssize       length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  len = length < 0 ? strlen (data) : (gsize) length;
  if (len > CRN_FHIR_MAX_DOCUMENT_BYTES)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, NULL,
                          _("The JSON document is larger than %d MiB; send less data at once."),
                          CRN_FHIR_MAX_DOCUMENT_BYTES / (1024 * 1024));
      return NULL;
    }
  if (len == 0)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                          _("The body is empty; send a FHIR resource in JSON."));
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, len, NULL))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                          _("The body is not valid UTF-8 text; send a FHIR resource in JSON "
                            "encoded in UTF-8."));
      return NULL;
    }
  if (!check_shape (data, len, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      guint line = 0;
      guint column = 0;

      /* json-glib quotes the offending text, which may be patient data: keep only where */
      if (sscanf (local_error->message, "<data>:%u:%u:", &line, &column) == 2)
        crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                            _("The body is not valid JSON (error at line %u, column %u); send a "
                              "FHIR resource in JSON."), line, column);
      else
        crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                            _("The body is not valid JSON; send a FHIR resource in JSON."));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                          _("The body is JSON but not a JSON object; send one FHIR resource."));
      return NULL;
    }

  return json_node_copy (root);
}

JsonNode *
crn_fhir_parse (const char  *data,
                gssize       length,
                GError     **error)
{
  g_autoptr(JsonNode) root = crn_fhir_parse_object (data, length, error);

  if (root == NULL)
    return NULL;
  if (crn_fhir_get_resource_type (root) == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType",
                          _("The JSON object has no “resourceType” string; every FHIR "
                            "resource must say its type."));
      return NULL;
    }
  return g_steal_pointer (&root);
}

JsonNode *
crn_fhir_parse_bytes (GBytes  *bytes,
                      GError **error)
{
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  return crn_fhir_parse (data != NULL ? data : "", (gssize) size, error);
}

char *
crn_fhir_to_string (JsonNode *node,
                    gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  generator = json_generator_new ();
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

GBytes *
crn_fhir_to_bytes (JsonNode *node)
{
  char *text = crn_fhir_to_string (node, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

const char *
crn_fhir_get_resource_type (JsonNode *node)
{
  JsonObject *object;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  member = json_object_get_member (object, "resourceType");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING ||
      !g_utf8_validate (json_node_get_string (member), -1, NULL))
    return NULL;

  return json_node_get_string (member);
}

const char *
crn_fhir_get_id (JsonNode *node)
{
  JsonObject *object;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  member = json_object_get_member (object, "id");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

void
crn_fhir_set_id (JsonNode   *node,
                 const char *id)
{
  g_return_if_fail (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
  g_return_if_fail (crn_fhir_id_is_valid (id));

  json_object_set_string_member (json_node_get_object (node), "id", id);
}

void
crn_fhir_set_meta_version (JsonNode *node,
                           gint64    version,
                           gint64    last_updated_ms)
{
  JsonObject *resource;
  JsonObject *meta;

  g_return_if_fail (node != NULL && JSON_NODE_HOLDS_OBJECT (node));

  resource = json_node_get_object (node);
  if (json_object_has_member (resource, "meta") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (resource, "meta")))
    meta = json_object_get_object_member (resource, "meta");
  else
    {
      meta = json_object_new ();
      json_object_set_object_member (resource, "meta", meta);
    }

  if (version > 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, version);
      json_object_set_string_member (meta, "versionId", text);
    }
  else
    json_object_remove_member (meta, "versionId");

  if (last_updated_ms > 0)
    {
      g_autofree char *text = crn_fhir_format_instant_ms (last_updated_ms);
      json_object_set_string_member (meta, "lastUpdated", text);
    }
  else
    json_object_remove_member (meta, "lastUpdated");
}

/* ---- ids --------------------------------------------------------------------------------- */

gboolean
crn_fhir_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;

  len = strlen (id);
  if (len == 0 || len > 64)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '.')
      return FALSE;

  return TRUE;
}

char *
crn_fhir_practitioner_id (const char *idnps)
{
  g_return_val_if_fail (idnps != NULL, NULL);

  return g_strconcat ("pract-", idnps, NULL);
}

static char *
role_like_id (const char *prefix,
              const char *idnps,
              const char *place_id)
{
  char *id;

  g_return_val_if_fail (idnps != NULL, NULL);
  g_return_val_if_fail (place_id != NULL, NULL);

  id = g_strconcat (prefix, "-", idnps, "-", place_id, NULL);
  if (!crn_fhir_id_is_valid (id))
    g_critical ("Place id is not usable in a FHIR id (at most 44 of [A-Za-z0-9.-])");
  return id;
}

char *
crn_fhir_practitioner_role_id (const char *idnps,
                               const char *place_id)
{
  return role_like_id ("role", idnps, place_id);
}

char *
crn_fhir_schedule_id (const char *idnps,
                      const char *place_id)
{
  return role_like_id ("sched", idnps, place_id);
}

gboolean
crn_fhir_split_role_id (const char  *id,
                        const char  *prefix,
                        char       **idnps,
                        char       **place_id)
{
  gsize plen;
  const char *rest;
  g_autofree char *candidate = NULL;

  if (id == NULL || prefix == NULL || !crn_fhir_id_is_valid (id))
    return FALSE;

  plen = strlen (prefix);
  if (strncmp (id, prefix, plen) != 0 || id[plen] != '-')
    return FALSE;

  rest = id + plen + 1;
  if (strlen (rest) < 14 || rest[12] != '-')
    return FALSE;

  candidate = g_strndup (rest, 12);
  if (!crn_idnps_is_valid (candidate))
    return FALSE;

  if (idnps != NULL)
    *idnps = g_steal_pointer (&candidate);
  if (place_id != NULL)
    *place_id = g_strdup (rest + 13);
  return TRUE;
}

/* ---- dates -------------------------------------------------------------------------------- */

gint64
_crn_fhir_floor_div (gint64 a,
                     gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

gint64
_crn_fhir_days_from_civil (int year,
                           int month,
                           int day)
{
  /* Howard Hinnant's algorithm */
  gint64 y = year - (month <= 2 ? 1 : 0);
  gint64 era = _crn_fhir_floor_div (y, 400);
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

char *
crn_fhir_format_instant_ms (gint64 ms)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *base = NULL;
  gint64 seconds = _crn_fhir_floor_div (ms, 1000);
  int millis = (int) (ms - seconds * 1000);
  gint64 offset;
  gint64 off_minutes;

  utc = g_date_time_new_from_unix_utc (seconds);
  g_return_val_if_fail (utc != NULL, NULL);
  local = g_date_time_to_timezone (utc, crn_time_zone_paris ());
  offset = g_date_time_get_utc_offset (local) / G_TIME_SPAN_SECOND;
  /* Until 1911 Paris used local mean time (+00:09:21): an offset of whole minutes cannot
   * say it, so such an instant is written in UTC, where it reads back exactly (F4). */
  if (offset % 60 != 0)
    {
      base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
      return g_strdup_printf ("%s.%03dZ", base, millis);
    }
  base = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S");
  off_minutes = ABS (offset) / 60;

  return g_strdup_printf ("%s.%03d%c%02d:%02d", base, millis, offset < 0 ? '-' : '+',
                          (int) (off_minutes / 60), (int) (off_minutes % 60));
}

static gboolean
scan_digits (const char **p,
             int          n,
             int         *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

gboolean
_crn_fhir_scan_date (const char       *text,
                     gboolean          plus_tolerant,
                     CrnFhirDateParts *out)
{
  const char *p = text;
  int sign = 0;
  int oh, om;

  memset (out, 0, sizeof *out);
  out->month = 1;
  out->day = 1;

  if (text == NULL || !scan_digits (&p, 4, &out->year) ||
      out->year < CRN_FHIR_MIN_YEAR || out->year > CRN_FHIR_MAX_YEAR)
    return FALSE;
  out->precision = 1;
  if (*p == '\0')
    return TRUE;

  if (*p != '-' || (p++, !scan_digits (&p, 2, &out->month)) ||
      out->month < 1 || out->month > 12)
    return FALSE;
  out->precision = 2;
  if (*p == '\0')
    return TRUE;

  if (*p != '-' || (p++, !scan_digits (&p, 2, &out->day)) ||
      !g_date_valid_dmy ((GDateDay) out->day, (GDateMonth) out->month, (GDateYear) out->year))
    return FALSE;
  out->precision = 3;
  if (*p == '\0')
    return TRUE;

  if (*p != 'T' || (p++, !scan_digits (&p, 2, &out->hour)) || out->hour > 23 ||
      *p != ':' || (p++, !scan_digits (&p, 2, &out->minute)) || out->minute > 59)
    return FALSE;
  out->precision = 4;

  if (*p == ':')
    {
      p++;
      if (!scan_digits (&p, 2, &out->second) || out->second > 59)
        return FALSE;
      out->precision = 5;

      if (*p == '.')
        {
          int n = 0;

          p++;
          while (g_ascii_isdigit (*p))
            {
              if (n < 3)
                out->ms = out->ms * 10 + (*p - '0');
              n++;
              p++;
            }
          if (n == 0 || n > 9)
            return FALSE;
          for (int i = n; i < 3; i++)
            out->ms *= 10;
          out->precision = 6;
        }
    }

  if (*p == '\0')
    return TRUE;

  if (*p == 'Z' && p[1] == '\0')
    {
      out->has_offset = TRUE;
      out->offset_minutes = 0;
      return TRUE;
    }

  if (*p == '+')
    sign = 1, p++;
  else if (*p == '-')
    sign = -1, p++;
  else if (plus_tolerant && *p == ' ')
    sign = 1, p++;
  else if (plus_tolerant && g_ascii_strncasecmp (p, "%2B", 3) == 0)
    sign = 1, p += 3;
  else
    return FALSE;

  if (!scan_digits (&p, 2, &oh) || *p != ':' || (p++, !scan_digits (&p, 2, &om)) ||
      *p != '\0' || oh > 14 || om > 59)
    return FALSE;

  out->has_offset = TRUE;
  out->offset_minutes = sign * (oh * 60 + om);
  return TRUE;
}

static gint64
local_midnight_ms (int year,
                   int month,
                   int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return CRN_FHIR_MS (crn_time_from_local (&date, 0));
}

void
_crn_fhir_date_parts_range (const CrnFhirDateParts *parts,
                            gint64                 *low_ms,
                            gint64                 *high_ms)
{
  gint64 low = 0;
  gint64 span = 0;

  switch (parts->precision)
    {
    case 1:
      *low_ms = local_midnight_ms (parts->year, 1, 1);
      *high_ms = local_midnight_ms (parts->year + 1, 1, 1);
      return;
    case 2:
      *low_ms = local_midnight_ms (parts->year, parts->month, 1);
      *high_ms = parts->month == 12 ? local_midnight_ms (parts->year + 1, 1, 1)
                                    : local_midnight_ms (parts->year, parts->month + 1, 1);
      return;
    case 3:
      {
        GDate next;

        g_date_clear (&next, 1);
        g_date_set_dmy (&next, (GDateDay) parts->day, (GDateMonth) parts->month,
                        (GDateYear) parts->year);
        g_date_add_days (&next, 1);
        *low_ms = local_midnight_ms (parts->year, parts->month, parts->day);
        *high_ms = local_midnight_ms (g_date_get_year (&next), g_date_get_month (&next),
                                      g_date_get_day (&next));
        return;
      }
    case 4:
      span = 60000;
      break;
    case 5:
      span = 1000;
      break;
    case 6:
    default:
      span = 1;
      break;
    }

  if (parts->has_offset)
    {
      gint64 days = _crn_fhir_days_from_civil (parts->year, parts->month, parts->day);
      gint64 seconds = days * 86400 + parts->hour * 3600 + parts->minute * 60 +
                       parts->second - (gint64) parts->offset_minutes * 60;

      low = seconds * 1000 + parts->ms;
    }
  else
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, (GDateDay) parts->day, (GDateMonth) parts->month,
                      (GDateYear) parts->year);
      low = CRN_FHIR_MS (crn_time_from_local (&date, (guint) (parts->hour * 60 + parts->minute)))
            + parts->second * 1000 + parts->ms;
    }

  *low_ms = low;
  *high_ms = low + span;
}

gboolean
crn_fhir_parse_datetime_ms (const char  *text,
                            gint64      *out_ms,
                            const char  *expression,
                            GError     **error)
{
  CrnFhirDateParts parts;
  gint64 high;

  if (!_crn_fhir_scan_date (text, FALSE, &parts) || parts.precision < 5 || !parts.has_offset)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, expression,
                          _("%s must be a date and time between the years %d and %d, with "
                            "seconds and a time-zone offset, such as "
                            "2026-12-01T14:00:00.000+01:00."),
                          expression != NULL ? expression : _("The value"),
                          CRN_FHIR_MIN_YEAR, CRN_FHIR_MAX_YEAR);
      return FALSE;
    }

  _crn_fhir_date_parts_range (&parts, out_ms, &high);
  return TRUE;
}

/* ---- systems ------------------------------------------------------------------------------ */

static gboolean
is_bare_oid (const char *text)
{
  gboolean digit = FALSE;

  if (text == NULL || *text == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (*p == '.' && digit)
        digit = FALSE;
      else
        return FALSE;
    }
  return digit && strchr (text, '.') != NULL;
}

char *
crn_fhir_normalize_system (const char *system)
{
  if (system == NULL)
    return NULL;
  if (is_bare_oid (system))
    return g_strconcat ("urn:oid:", system, NULL);
  return g_strdup (system);
}

gboolean
crn_fhir_system_equal (const char *a,
                       const char *b)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (a == NULL || b == NULL)
    return a == b;

  na = crn_fhir_normalize_system (a);
  nb = crn_fhir_normalize_system (b);
  return strcmp (na, nb) == 0;
}

/* ---- strict readers ----------------------------------------------------------------------- */

char *
_crn_fhir_path (const char *base,
                const char *member)
{
  return g_strconcat (base, ".", member, NULL);
}

char *
_crn_fhir_path_index (const char *base,
                      guint       index)
{
  return g_strdup_printf ("%s[%u]", base, index);
}

JsonObject *
_crn_fhir_expect_resource (JsonNode    *node,
                           const char  *type,
                           GError     **error)
{
  const char *found = crn_fhir_get_resource_type (node);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, type,
                          _("A %s resource must be a JSON object."), type);
      return NULL;
    }
  if (found == NULL || strcmp (found, type) != 0)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType",
                          _("A %s resource was expected but the resourceType is “%s”."),
                          type, found != NULL ? found : "");
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonNode *
get_member (JsonObject  *object,
            const char  *base,
            const char  *member,
            gboolean     required,
            GError     **error,
            gboolean    *failed)
{
  JsonNode *node = json_object_get_member (object, member);

  *failed = FALSE;
  if (node == NULL && required)
    {
      g_autofree char *path = _crn_fhir_path (base, member);

      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, path,
                          _("%s is missing; this element is required."), path);
      *failed = TRUE;
    }
  return node;
}

static void
wrong_type (const char  *base,
            const char  *member,
            const char  *what,
            GError     **error)
{
  g_autofree char *path = _crn_fhir_path (base, member);

  crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                      /* TRANSLATORS: the second %s is "a JSON string", "a JSON object"… */
                      _("%s must be %s."), path, what);
}

/* The string at @base.@member, or at @base[@index] when @member is %NULL. Its path is
 * only written out for an error: a sync reads a quarter of a million strings. */
static gboolean
check_string (const char  *value,
              const char  *base,
              const char  *member,
              guint        index,
              GError     **error)
{
  g_autofree char *path = NULL;
  gsize length = strlen (value);

  /* The body was valid UTF-8, but json-glib decodes a lone surrogate escape ("\ud800")
   * into bytes that are not: never let them into the model. */
  if (length > 0 && length <= CRN_FHIR_MAX_STRING_BYTES &&
      g_utf8_validate_len (value, length, NULL))
    return TRUE;

  path = member != NULL ? _crn_fhir_path (base, member) : _crn_fhir_path_index (base, index);
  if (length > CRN_FHIR_MAX_STRING_BYTES)
    crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, path,
                        _("%s is longer than %d bytes; shorten it."), path,
                        CRN_FHIR_MAX_STRING_BYTES);
  else if (length == 0)
    crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                        _("%s is an empty string; omit the element or give it a value."),
                        path);
  else
    crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                        _("%s is not valid text (it holds an invalid Unicode escape); "
                          "correct it."), path);
  return FALSE;
}

gboolean
_crn_fhir_read_string (JsonObject  *object,
                       const char  *base,
                       const char  *member,
                       gboolean     required,
                       const char **out,
                       GError     **error)
{
  gboolean failed;
  JsonNode *node = get_member (object, base, member, required, error, &failed);

  *out = NULL;
  if (failed)
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      wrong_type (base, member, _("a JSON string"), error);
      return FALSE;
    }

  if (!check_string (json_node_get_string (node), base, member, 0, error))
    return FALSE;

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
_crn_fhir_read_object (JsonObject  *object,
                       const char  *base,
                       const char  *member,
                       gboolean     required,
                       JsonObject **out,
                       GError     **error)
{
  gboolean failed;
  JsonNode *node = get_member (object, base, member, required, error, &failed);

  *out = NULL;
  if (failed)
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_type (base, member, _("a JSON object"), error);
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_crn_fhir_read_array (JsonObject  *object,
                      const char  *base,
                      const char  *member,
                      gboolean     required,
                      JsonArray  **out,
                      GError     **error)
{
  gboolean failed;
  JsonNode *node = get_member (object, base, member, required, error, &failed);
  JsonArray *array;

  *out = NULL;
  if (failed)
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_type (base, member, _("a JSON array"), error);
      return FALSE;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > CRN_FHIR_MAX_ARRAY_LENGTH)
    {
      g_autofree char *path = _crn_fhir_path (base, member);

      crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, path,
                          _("%s has more than %d items; send fewer."), path,
                          CRN_FHIR_MAX_ARRAY_LENGTH);
      return FALSE;
    }
  if (json_array_get_length (array) == 0)
    {
      if (required)
        {
          g_autofree char *path = _crn_fhir_path (base, member);

          crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, path,
                              _("%s is empty; at least one item is required."), path);
          return FALSE;
        }
      return TRUE;
    }

  *out = array;
  return TRUE;
}

gboolean
_crn_fhir_read_int (JsonObject  *object,
                    const char  *base,
                    const char  *member,
                    gboolean     required,
                    gboolean    *present,
                    gint64      *out,
                    GError     **error)
{
  gboolean failed;
  JsonNode *node = get_member (object, base, member, required, error, &failed);

  if (present != NULL)
    *present = FALSE;
  if (failed)
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      wrong_type (base, member, _("a whole number"), error);
      return FALSE;
    }

  *out = json_node_get_int (node);
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
_crn_fhir_read_bool (JsonObject  *object,
                     const char  *base,
                     const char  *member,
                     gboolean     required,
                     gboolean    *present,
                     gboolean    *out,
                     GError     **error)
{
  gboolean failed;
  JsonNode *node = get_member (object, base, member, required, error, &failed);

  if (present != NULL)
    *present = FALSE;
  if (failed)
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      wrong_type (base, member, _("true or false"), error);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
_crn_fhir_read_datetime (JsonObject  *object,
                         const char  *base,
                         const char  *member,
                         gboolean     required,
                         gboolean    *present,
                         gint64      *out_ms,
                         GError     **error)
{
  const char *text;
  g_autofree char *path = NULL;

  if (present != NULL)
    *present = FALSE;
  if (!_crn_fhir_read_string (object, base, member, required, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  path = _crn_fhir_path (base, member);
  if (!crn_fhir_parse_datetime_ms (text, out_ms, path, error))
    return FALSE;

  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
_crn_fhir_array_object (JsonArray   *array,
                        const char  *base,
                        guint        index,
                        JsonObject **out,
                        GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *path = _crn_fhir_path_index (base, index);

      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                          _("%s must be %s."), path, _("a JSON object"));
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_crn_fhir_array_string (JsonArray   *array,
                        const char  *base,
                        guint        index,
                        const char **out,
                        GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *path = _crn_fhir_path_index (base, index);

      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                          _("%s must be %s."), path, _("a JSON string"));
      return FALSE;
    }
  if (!check_string (json_node_get_string (node), base, NULL, index, error))
    return FALSE;

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
_crn_fhir_read_meta (JsonObject  *resource,
                     const char  *type,
                     gint64      *version,
                     gint64      *last_updated_ms,
                     GError     **error)
{
  JsonObject *meta;
  const char *version_id;
  g_autofree char *path = _crn_fhir_path (type, "meta");

  *version = 0;
  *last_updated_ms = 0;

  if (!_crn_fhir_read_object (resource, type, "meta", FALSE, &meta, error))
    return FALSE;
  if (meta == NULL)
    return TRUE;

  if (!_crn_fhir_read_string (meta, path, "versionId", FALSE, &version_id, error))
    return FALSE;
  if (version_id != NULL)
    {
      guint64 v = 0;

      if (!g_ascii_string_to_unsigned (version_id, 10, 1, G_MAXINT64, &v, NULL))
        {
          g_autofree char *vpath = _crn_fhir_path (path, "versionId");

          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, vpath,
                              _("%s must be a positive whole number, as given by the "
                                "server."), vpath);
          return FALSE;
        }
      *version = (gint64) v;
    }

  if (!_crn_fhir_read_datetime (meta, path, "lastUpdated", FALSE, NULL, last_updated_ms, error))
    return FALSE;

  return TRUE;
}

gboolean
_crn_fhir_parse_reference (const char  *reference,
                           const char  *type,
                           const char  *path,
                           const char **id_start,
                           GError     **error)
{
  gsize tlen = strlen (type);

  if (reference == NULL || strncmp (reference, type, tlen) != 0 || reference[tlen] != '/' ||
      !crn_fhir_id_is_valid (reference + tlen + 1))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, path,
                          _("%s must be a reference of the form “%s/<id>”."), path, type);
      return FALSE;
    }

  *id_start = reference + tlen + 1;
  return TRUE;
}

JsonObject *
_crn_fhir_find_coding (JsonObject *concept,
                       const char *system)
{
  JsonNode *node;
  JsonArray *codings;

  if (concept == NULL)
    return NULL;

  node = json_object_get_member (concept, "coding");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  codings = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonNode *c = json_array_get_element (codings, i);
      JsonNode *s;

      if (!JSON_NODE_HOLDS_OBJECT (c))
        continue;
      s = json_object_get_member (json_node_get_object (c), "system");
      if (s != NULL && JSON_NODE_HOLDS_VALUE (s) &&
          json_node_get_value_type (s) == G_TYPE_STRING &&
          crn_fhir_system_equal (json_node_get_string (s), system))
        return json_node_get_object (c);
    }
  return NULL;
}

/* ---- building ----------------------------------------------------------------------------- */

void
_crn_fhir_set_string (JsonObject *object,
                      const char *member,
                      const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, member, value);
}

void
_crn_fhir_set_object (JsonObject *object,
                      const char *member,
                      JsonObject *value)
{
  json_object_set_object_member (object, member, value);
}

void
_crn_fhir_set_array (JsonObject *object,
                     const char *member,
                     JsonArray  *value)
{
  if (json_array_get_length (value) == 0)
    {
      json_array_unref (value);
      return;
    }
  json_object_set_array_member (object, member, value);
}

void
_crn_fhir_array_add_object (JsonArray  *array,
                            JsonObject *value)
{
  json_array_add_object_element (array, value);
}

JsonObject *
_crn_fhir_coding_new (const char *system,
                      const char *code,
                      const char *display)
{
  JsonObject *coding = json_object_new ();

  _crn_fhir_set_string (coding, "system", system);
  _crn_fhir_set_string (coding, "code", code);
  _crn_fhir_set_string (coding, "display", display);
  return coding;
}

JsonObject *
_crn_fhir_concept_new (const char *system,
                       const char *code,
                       const char *text)
{
  JsonObject *concept = json_object_new ();

  if (code != NULL)
    {
      JsonArray *codings = json_array_new ();

      json_array_add_object_element (codings, _crn_fhir_coding_new (system, code, NULL));
      json_object_set_array_member (concept, "coding", codings);
    }
  _crn_fhir_set_string (concept, "text", text);
  return concept;
}

JsonObject *
_crn_fhir_reference_new (const char *type,
                         const char *id)
{
  JsonObject *reference = json_object_new ();
  g_autofree char *text = g_strconcat (type, "/", id, NULL);

  json_object_set_string_member (reference, "reference", text);
  return reference;
}

JsonObject *
_crn_fhir_identifier_new (const char *type_system,
                          const char *type_code,
                          const char *system,
                          const char *value)
{
  JsonObject *identifier = json_object_new ();

  if (type_code != NULL)
    json_object_set_object_member (identifier, "type",
                                   _crn_fhir_concept_new (type_system, type_code, NULL));
  _crn_fhir_set_string (identifier, "system", system);
  _crn_fhir_set_string (identifier, "value", value);
  return identifier;
}

JsonObject *
_crn_fhir_extension_new (const char *url)
{
  JsonObject *extension = json_object_new ();

  json_object_set_string_member (extension, "url", url);
  return extension;
}

JsonObject *
_crn_fhir_resource_new (const char *type,
                        const char *id)
{
  JsonObject *resource = json_object_new ();

  json_object_set_string_member (resource, "resourceType", type);
  if (id != NULL && *id != '\0')
    json_object_set_string_member (resource, "id", id);
  return resource;
}

void
_crn_fhir_set_meta (JsonObject *resource,
                    const char *profile,
                    gint64      version,
                    gint64      last_updated_ms,
                    JsonArray  *security)
{
  JsonObject *meta = json_object_new ();

  if (version > 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, version);
      json_object_set_string_member (meta, "versionId", text);
    }
  if (last_updated_ms > 0)
    {
      g_autofree char *text = crn_fhir_format_instant_ms (last_updated_ms);
      json_object_set_string_member (meta, "lastUpdated", text);
    }
  if (profile != NULL)
    {
      JsonArray *profiles = json_array_new ();

      json_array_add_string_element (profiles, profile);
      json_object_set_array_member (meta, "profile", profiles);
    }
  if (security != NULL)
    _crn_fhir_set_array (meta, "security", security);

  if (json_object_get_size (meta) > 0)
    json_object_set_object_member (resource, "meta", meta);
  else
    json_object_unref (meta);
}

JsonNode *
_crn_fhir_node_take (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

void
_crn_fhir_set_datetime (JsonObject *object,
                        const char *member,
                        CrnInstant  instant)
{
  /* Before 1912 through crn_fhir_format_instant_ms(), which writes an instant of Paris's
   * local mean time (+00:09:21, until March 1911) in UTC; crn_time_format_iso() writes it
   * with +00:09, which reads back 21 s later (F4). */
  g_autofree char *text = instant < G_GINT64_CONSTANT (-1830384000)   /* 1912-01-01Z */
                          ? crn_fhir_format_instant_ms (instant * 1000)
                          : crn_time_format_iso (instant);

  json_object_set_string_member (object, member, text);
}

char *
_crn_fhir_phone (const char *phone)
{
  char *normalized;

  if (phone == NULL || *phone == '\0')
    return NULL;

  normalized = crn_phone_normalize (phone);
  return normalized != NULL ? normalized : g_strdup (phone);
}

JsonObject *
_crn_fhir_restriction_new (CrnRestriction  restriction,
                           const char     *text)
{
  const char *code = _crn_fhir_code_for (_crn_fhir_restriction_codes, restriction);

  return _crn_fhir_concept_new (CRN_FHIR_CS_RESTRICTION, code, text);
}

gboolean
_crn_fhir_restriction_read (JsonObject      *concept,
                            const char      *path,
                            CrnRestriction  *restriction,
                            char           **text,
                            GError         **error)
{
  JsonObject *coding = _crn_fhir_find_coding (concept, CRN_FHIR_CS_RESTRICTION);
  g_autofree char *coding_path = _crn_fhir_path (path, "coding");
  const char *code = NULL;
  const char *t = NULL;
  guint value = 0;

  if (coding == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, coding_path,
                          _("%s needs a coding in %s (children, adults or other)."),
                          coding_path, CRN_FHIR_CS_RESTRICTION);
      return FALSE;
    }
  if (!_crn_fhir_read_string (coding, coding_path, "code", TRUE, &code, error))
    return FALSE;
  if (!_crn_fhir_value_for (_crn_fhir_restriction_codes, code, &value))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, coding_path,
                          _("%s has the unknown restriction code “%s”; use children, adults "
                            "or other."), coding_path, code);
      return FALSE;
    }
  if (!_crn_fhir_read_string (concept, path, "text", FALSE, &t, error))
    return FALSE;

  *restriction = (CrnRestriction) value;
  *text = g_strdup (t);
  return TRUE;
}
