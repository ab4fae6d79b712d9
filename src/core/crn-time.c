/* crn-time.c: instants, Europe/Paris wall-clock time, ISO 8601, UUIDs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-core-error.h"
#include "crn-time.h"

#define SECONDS_PER_DAY 86400
/* g_date_get_julian () of 1970-01-01 */
#define JULIAN_EPOCH 719163

static CrnInstant frozen_now;   /* 0 = real clock */

/* ------------------------------------------------------------------ helpers */

static gint32
offset_at (CrnInstant instant)
{
  GTimeZone *tz = crn_time_zone_paris ();
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, instant);

  if (interval < 0)
    return 0;
  return g_time_zone_get_offset (tz, interval);
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

/* ------------------------------------------------------------------ public API */

/**
 * crn_time_zone_paris:
 *
 * Returns: (transfer none): the Europe/Paris zone, shared and never freed.
 */
GTimeZone *
crn_time_zone_paris (void)
{
  static GTimeZone *paris;

  if (g_once_init_enter (&paris))
    {
      GTimeZone *tz = g_time_zone_new_identifier ("Europe/Paris");

      if (tz == NULL)
        {
          g_critical ("The Europe/Paris time zone is missing (is tzdata installed?); "
                      "falling back to a fixed +01:00");
          tz = g_time_zone_new_offset (3600);
        }
      g_once_init_leave (&paris, tz);
    }
  return paris;
}

/**
 * crn_time_now:
 *
 * Returns: the current instant, or the frozen one set by crn_time_set_now_for_testing().
 */
CrnInstant
crn_time_now (void)
{
  /* Tests freeze the clock before starting any thread: a plain read is enough. */
  if (frozen_now != 0)
    return frozen_now;
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * crn_time_set_now_for_testing:
 * @now: the instant crn_time_now() returns from now on, or 0 for the real clock
 */
void
crn_time_set_now_for_testing (CrnInstant now)
{
  frozen_now = now;
}

/**
 * crn_time_from_local:
 * @date: a valid local date
 * @minute_of_day: minutes since local midnight (may exceed 1439: the next day)
 *
 * Returns: the instant of that Europe/Paris wall-clock time. A time in the spring-forward gap
 *   maps to the first valid instant after it (the transition); an ambiguous time in the
 *   autumn fall-back maps to its first occurrence.
 */
CrnInstant
crn_time_from_local (const GDate *date,
                     guint        minute_of_day)
{
  gint64 local;
  gint32 offsets[2];
  CrnInstant best = G_MAXINT64;

  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  local = ((gint64) g_date_get_julian (date) - JULIAN_EPOCH) * SECONDS_PER_DAY
          + (gint64) minute_of_day * 60;

  /* Offsets in force a day before and a day after; Europe/Paris never changes twice in
   * two days, so the instant, if it exists, has one of these offsets. */
  offsets[0] = offset_at (local - SECONDS_PER_DAY);
  offsets[1] = offset_at (local + SECONDS_PER_DAY);

  for (guint i = 0; i < 2; i++)
    {
      CrnInstant t = local - offsets[i];

      if (offset_at (t) == offsets[i] && t < best)
        best = t;
    }

  if (best == G_MAXINT64)
    {
      /* In a gap: the transition lies in (local - max offset, local - min offset]. Find the
       * first instant whose wall-clock time is past @local. */
      CrnInstant lo = local - MAX (offsets[0], offsets[1]);
      CrnInstant hi = local - MIN (offsets[0], offsets[1]);

      while (hi - lo > 1)
        {
          CrnInstant mid = lo + (hi - lo) / 2;

          if (mid + offset_at (mid) > local)
            hi = mid;
          else
            lo = mid;
        }
      best = hi;
    }

  return best;
}

/**
 * crn_time_to_local:
 * @instant: an instant
 * @date: (out caller-allocates) (optional): its local date
 * @minute_of_day: (out) (optional): minutes since local midnight, 0..1439
 * @weekday: (out) (optional): ISO weekday
 *
 * Converts an instant to Europe/Paris wall-clock time (seconds are dropped).
 */
void
crn_time_to_local (CrnInstant    instant,
                   GDate        *date,
                   guint        *minute_of_day,
                   GDateWeekday *weekday)
{
  gint64 local = instant + offset_at (instant);
  gint64 days = floor_div (local, SECONDS_PER_DAY);
  gint64 secs = local - days * SECONDS_PER_DAY;

  if (date != NULL || weekday != NULL)
    {
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_julian (&d, (guint32) (days + JULIAN_EPOCH));
      if (date != NULL)
        *date = d;
      if (weekday != NULL)
        *weekday = g_date_get_weekday (&d);
    }
  if (minute_of_day != NULL)
    *minute_of_day = (guint) (secs / 60);
}

/**
 * crn_time_format_iso:
 * @instant: an instant
 *
 * Returns: (transfer full): "2026-12-01T14:00:00.000+01:00" in Europe/Paris
 */
char *
crn_time_format_iso (CrnInstant instant)
{
  gint32 offset = offset_at (instant);
  gint64 local = instant + offset;
  gint64 days = floor_div (local, SECONDS_PER_DAY);
  gint64 secs = local - days * SECONDS_PER_DAY;
  guint abs_offset = (guint) ABS (offset);
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_julian (&d, (guint32) (days + JULIAN_EPOCH));

  return g_strdup_printf ("%04u-%02u-%02uT%02u:%02u:%02u.000%c%02u:%02u",
                          (guint) g_date_get_year (&d), (guint) g_date_get_month (&d),
                          (guint) g_date_get_day (&d),
                          (guint) (secs / 3600), (guint) (secs / 60 % 60), (guint) (secs % 60),
                          offset < 0 ? '-' : '+', abs_offset / 3600, abs_offset / 60 % 60);
}

static gboolean
parse_date (const char *text,
            GDate      *out)
{
  guint y, m, d;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (y < 1 || y > 9999 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  g_date_clear (out, 1);
  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/**
 * crn_time_parse_iso:
 * @text: "2026-12-01T14:00:00+01:00", "2026-12-01T13:00:00.250Z" or "2026-12-01"
 * @out: (out): the instant (fractional seconds are dropped)
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * A date alone is read as local midnight in Europe/Paris; a date-time without an offset is
 * read in Europe/Paris too.
 *
 * Returns: %TRUE if @text was understood
 */
gboolean
crn_time_parse_iso (const char  *text,
                    CrnInstant  *out,
                    GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;
  GDate date;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text != NULL && parse_date (text, &date))
    {
      *out = crn_time_from_local (&date, 0);
      return TRUE;
    }

  if (text != NULL)
    dt = g_date_time_new_from_iso8601 (text, crn_time_zone_paris ());
  if (dt == NULL || strchr (text, 'T') == NULL)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("“%s” is not a date and time: write it as 2026-12-01T14:00:00+01:00."),
                   text != NULL ? text : "");
      return FALSE;
    }

  *out = g_date_time_to_unix (dt);
  return TRUE;
}

/**
 * crn_time_format_minutes:
 * @minute_of_day: minutes since midnight (1440 gives "24:00")
 *
 * Returns: (transfer full): "HH:MM"
 */
char *
crn_time_format_minutes (guint minute_of_day)
{
  return g_strdup_printf ("%02u:%02u", minute_of_day / 60, minute_of_day % 60);
}

/**
 * crn_time_parse_minutes:
 * @text: "HH:MM" or "H:MM", from "0:00" to "24:00"
 * @out: (out): minutes since midnight
 *
 * Returns: %TRUE if @text is a time of day
 */
gboolean
crn_time_parse_minutes (const char *text,
                        guint      *out)
{
  const char *colon;
  gsize hlen;
  guint h, m;

  if (text == NULL)
    return FALSE;
  colon = strchr (text, ':');
  if (colon == NULL)
    return FALSE;
  hlen = (gsize) (colon - text);
  if (hlen < 1 || hlen > 2 || strlen (colon + 1) != 2)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (p != colon && !g_ascii_isdigit (*p))
      return FALSE;

  h = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  if (m > 59 || h > 24 || (h == 24 && m != 0))
    return FALSE;
  if (out != NULL)
    *out = h * 60 + m;
  return TRUE;
}

/**
 * crn_uuid_new:
 *
 * Returns: (transfer full): a random RFC 4122 version 4 UUID
 */
char *
crn_uuid_new (void)
{
  return g_uuid_string_random ();
}

/**
 * crn_uuid_from_name:
 * @name: any string
 *
 * Returns: (transfer full): the SHA-1 of @name laid out as a version 5 UUID: the same name
 *   always gives the same UUID.
 */
char *
crn_uuid_from_name (const char *name)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize len = sizeof digest;

  g_return_val_if_fail (name != NULL, NULL);

  g_checksum_update (sum, (const guchar *) name, -1);
  g_checksum_get_digest (sum, digest, &len);
  digest[6] = (guint8) ((digest[6] & 0x0f) | 0x50);
  digest[8] = (guint8) ((digest[8] & 0x3f) | 0x80);

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

/**
 * crn_uuid_is_valid:
 * @text: (nullable): a string
 *
 * Returns: %TRUE if @text is a UUID in its 36-character form
 */
gboolean
crn_uuid_is_valid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}
