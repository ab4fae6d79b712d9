/* crn-fhir-writer.c: a streaming JSON writer with json-glib's compact output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <string.h>

#include "crn-fhir-writer.h"
#include "crn-time.h"
#include "crn-fhir-common.h"

/* Appends @len bytes with one size check. */
static inline void
append_bytes (GString    *out,
              const char *bytes,
              gsize       len)
{
  gsize at = out->len;

  g_string_set_size (out, at + len);
  memcpy (out->str + at, bytes, len);
}

/* 1: ends the text; 2: escaped with a backslash; 4: a control character. */
static const guint8 special[256] = {
  [0] = 1,
  [0x01] = 4, [0x02] = 4, [0x03] = 4, [0x04] = 4, [0x05] = 4, [0x06] = 4, [0x07] = 4,
  [0x08] = 4, [0x09] = 4, [0x0a] = 4, [0x0b] = 4, [0x0c] = 4, [0x0d] = 4, [0x0e] = 4,
  [0x0f] = 4, [0x10] = 4, [0x11] = 4, [0x12] = 4, [0x13] = 4, [0x14] = 4, [0x15] = 4,
  [0x16] = 4, [0x17] = 4, [0x18] = 4, [0x19] = 4, [0x1a] = 4, [0x1b] = 4, [0x1c] = 4,
  [0x1d] = 4, [0x1e] = 4, [0x1f] = 4, [0x7f] = 4,
  ['"'] = 2, ['\\'] = 2,
};

void
crn_fhir_append_json_string (GString    *out,
                             const char *text)
{
  const guchar *p = (const guchar *) text;
  gboolean quotes = FALSE;
  gsize at;

  for (;;)
    {
      guint8 kind;

      while ((kind = special[*p]) == 0)
        p++;
      if (kind != 2)
        break;
      quotes = TRUE;
      p++;
    }
  if (special[*p] == 4)
    {
      /* A control character: json-glib's own escaping, whatever its version does. */
      g_autoptr(JsonNode) array = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) items = json_array_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *data = NULL;
      gsize len = 0;

      json_array_add_string_element (items, text);
      json_node_set_array (array, items);
      json_generator_set_root (generator, array);
      data = json_generator_to_data (generator, &len);
      /* ["…"] */
      g_string_append_len (out, data + 1, len - 2);
      return;
    }

  if (!quotes)
    {
      /* The common case: copied whole. */
      gsize len = (const char *) p - text;

      at = out->len;
      g_string_set_size (out, at + len + 2);
      out->str[at] = '"';
      memcpy (out->str + at + 1, text, len);
      out->str[at + len + 1] = '"';
      return;
    }

  g_string_append_c (out, '"');
  for (p = (const guchar *) text; *p != '\0';)
    {
      const guchar *run = p;

      while (*p != '\0' && *p != '"' && *p != '\\')
        p++;
      append_bytes (out, (const char *) run, p - run);
      if (*p != '\0')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
          p++;
        }
    }
  g_string_append_c (out, '"');
}

void
crn_fhir_writer_init (CrnFhirWriter *self,
                      GString       *out)
{
  memset (self, 0, sizeof *self);
  self->out = out;
  self->first[0] = TRUE;
}

/* The comma and the member name before a value. */
static void
writer_key (CrnFhirWriter *self,
            const char    *name)
{
  if (!self->first[self->depth])
    g_string_append_c (self->out, ',');
  self->first[self->depth] = FALSE;
  if (name != NULL)
    {
      crn_fhir_append_json_string (self->out, name);
      g_string_append_c (self->out, ':');
    }
}

static void
writer_open (CrnFhirWriter *self,
             const char    *name,
             char           bracket)
{
  writer_key (self, name);
  g_string_append_c (self->out, bracket);
  g_return_if_fail (self->depth + 1 < CRN_FHIR_WRITER_MAX_DEPTH);
  self->depth++;
  self->first[self->depth] = TRUE;
}

static void
writer_close (CrnFhirWriter *self,
              char           bracket)
{
  g_return_if_fail (self->depth > 0);
  self->depth--;
  g_string_append_c (self->out, bracket);
}

void
crn_fhir_writer_begin_object (CrnFhirWriter *self,
                              const char    *name)
{
  writer_open (self, name, '{');
}

void
crn_fhir_writer_end_object (CrnFhirWriter *self)
{
  writer_close (self, '}');
}

void
crn_fhir_writer_begin_array (CrnFhirWriter *self,
                             const char    *name)
{
  writer_open (self, name, '[');
}

void
crn_fhir_writer_end_array (CrnFhirWriter *self)
{
  writer_close (self, ']');
}

void
crn_fhir_writer_string (CrnFhirWriter *self,
                        const char    *name,
                        const char    *value)
{
  writer_key (self, name);
  if (value == NULL)
    g_string_append (self->out, "null");
  else
    crn_fhir_append_json_string (self->out, value);
}

void
crn_fhir_writer_string_nonempty (CrnFhirWriter *self,
                                 const char    *name,
                                 const char    *value)
{
  if (value != NULL && *value != '\0')
    crn_fhir_writer_string (self, name, value);
}

void
crn_fhir_writer_int (CrnFhirWriter *self,
                     const char    *name,
                     gint64         value)
{
  writer_key (self, name);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
crn_fhir_writer_boolean (CrnFhirWriter *self,
                         const char    *name,
                         gboolean       value)
{
  writer_key (self, name);
  g_string_append (self->out, value ? "true" : "false");
}

/* Days since 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm). */
static void
civil_from_days (gint64  days,
                 int    *year,
                 guint  *month,
                 guint  *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  guint doe = (guint) (z - era * 146097);
  guint yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  guint doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  guint mp = (5 * doy + 2) / 153;
  guint m = mp < 10 ? mp + 3 : mp - 9;

  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = m;
  *year = (int) (yoe + era * 400 + (m <= 2));
}

static gint32
offset_at (GTimeZone *tz,
           gint64     seconds)
{
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, seconds);

  return interval < 0 ? 0 : g_time_zone_get_offset (tz, interval);
}

/* The offsets of recent days (UTC) with one offset all day, per thread: the instants of one
 * answer fall on a few days. */
typedef struct
{
  gint64 day;
  gint32 offset;
  gboolean valid;
} DayOffset;

#define N_DAYS 16

static GPrivate day_offsets = G_PRIVATE_INIT (g_free);

static gint32
paris_offset (gint64 seconds)
{
  GTimeZone *tz = crn_time_zone_paris ();
  gint64 day = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  DayOffset *cache = g_private_get (&day_offsets);
  DayOffset *slot;
  gint32 offset;

  if (cache == NULL)
    {
      cache = g_new0 (DayOffset, N_DAYS);
      g_private_set (&day_offsets, cache);
    }
  slot = &cache[(guint64) day % N_DAYS];
  if (slot->valid && slot->day == day)
    return slot->offset;
  offset = offset_at (tz, seconds);
  /* A change of time that day: not kept. */
  if (offset_at (tz, day * 86400) == offset && offset_at (tz, day * 86400 + 86399) == offset)
    {
      slot->valid = TRUE;
      slot->day = day;
      slot->offset = offset;
    }
  return offset;
}

static inline char *
put_digits (char  *at,
            guint  value,
            guint  n)
{
  for (guint i = n; i > 0; i--)
    {
      at[i - 1] = (char) ('0' + value % 10);
      value /= 10;
    }
  return at + n;
}

void
crn_fhir_writer_instant_ms (CrnFhirWriter *self,
                            const char    *name,
                            gint64         ms)
{
  gint64 seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  guint millis = (guint) (ms - seconds * 1000);
  gint32 offset = paris_offset (seconds);
  gint64 local = seconds + offset;
  gint64 days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  guint secs = (guint) (local - days * 86400);
  guint abs_minutes = (guint) ABS (offset) / 60;
  char text[48];
  char *at = text;
  int year;
  guint month, day;

  civil_from_days (days, &year, &month, &day);
  /* Before 1911 Paris was on local mean time (+00:09:21): an offset of whole minutes cannot
   * say it, crn_fhir_format_instant_ms() writes such an instant in UTC (F4). */
  if (year < 0 || year > 9999 || offset % 60 != 0)
    {
      g_autofree char *slow = crn_fhir_format_instant_ms (ms);

      crn_fhir_writer_string (self, name, slow);
      return;
    }
  /* YYYY-MM-DDThh:mm:ss.mmm+hh:mm */
  at = put_digits (at, (guint) year, 4);
  *at++ = '-';
  at = put_digits (at, month, 2);
  *at++ = '-';
  at = put_digits (at, day, 2);
  *at++ = 'T';
  at = put_digits (at, secs / 3600, 2);
  *at++ = ':';
  at = put_digits (at, secs / 60 % 60, 2);
  *at++ = ':';
  at = put_digits (at, secs % 60, 2);
  *at++ = '.';
  at = put_digits (at, millis, 3);
  *at++ = offset < 0 ? '-' : '+';
  at = put_digits (at, abs_minutes / 60 % 100, 2);
  *at++ = ':';
  at = put_digits (at, abs_minutes % 60, 2);
  *at = '\0';
  crn_fhir_writer_string (self, name, text);
}

void
crn_fhir_writer_node (CrnFhirWriter *self,
                      const char    *name,
                      JsonNode      *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;
  gsize len = 0;

  writer_key (self, name);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &len);
  g_string_append_len (self->out, data, len);
}
