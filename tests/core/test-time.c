/* test-time.c: instants, Europe/Paris wall-clock time, ISO 8601, UUIDs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crn-test-util.h"

static void
check_local (guint y, guint mo, guint d, guint minute, CrnInstant expected)
{
  GDate date = test_date (y, mo, d);
  CrnInstant got = crn_time_from_local (&date, minute);

  if (got != expected)
    {
      g_autofree char *g = test_paris (got);
      g_autofree char *e = test_paris (expected);

      g_test_message ("%04u-%02u-%02u minute %u: got %s, expected %s", y, mo, d, minute, g, e);
    }
  g_assert_cmpint (got, ==, expected);
}

static void
test_from_local_plain (void)
{
  /* winter: UTC+1, summer: UTC+2 */
  check_local (2026, 1, 15, HM (14, 0), test_utc (2026, 1, 15, 13, 0));
  check_local (2026, 7, 1, HM (14, 0), test_utc (2026, 7, 1, 12, 0));
  check_local (2026, 12, 31, HM (23, 59), test_utc (2026, 12, 31, 22, 59));
  check_local (2026, 1, 1, 0, test_utc (2025, 12, 31, 23, 0));
  /* minute 1440 is the next day's midnight */
  check_local (2026, 1, 31, 1440, test_utc (2026, 1, 31, 23, 0));
  check_local (2024, 2, 29, HM (8, 0), test_utc (2024, 2, 29, 7, 0));
}

static void
test_from_local_spring_forward (void)
{
  /* 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC) */
  check_local (2026, 3, 29, HM (1, 59), test_utc (2026, 3, 29, 0, 59));
  check_local (2026, 3, 29, HM (2, 0), test_utc (2026, 3, 29, 1, 0));
  check_local (2026, 3, 29, HM (2, 30), test_utc (2026, 3, 29, 1, 0));
  check_local (2026, 3, 29, HM (2, 59), test_utc (2026, 3, 29, 1, 0));
  check_local (2026, 3, 29, HM (3, 0), test_utc (2026, 3, 29, 1, 0));
  check_local (2026, 3, 29, HM (3, 1), test_utc (2026, 3, 29, 1, 1));
  check_local (2026, 3, 29, HM (14, 0), test_utc (2026, 3, 29, 12, 0));
  check_local (2026, 3, 28, HM (14, 0), test_utc (2026, 3, 28, 13, 0));
  check_local (2026, 3, 30, HM (14, 0), test_utc (2026, 3, 30, 12, 0));
}

static void
test_from_local_fall_back (void)
{
  /* 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC): 02:00–02:59 happens twice */
  check_local (2026, 10, 25, HM (1, 59), test_utc (2026, 10, 24, 23, 59));
  check_local (2026, 10, 25, HM (2, 0), test_utc (2026, 10, 25, 0, 0));
  check_local (2026, 10, 25, HM (2, 30), test_utc (2026, 10, 25, 0, 30));
  check_local (2026, 10, 25, HM (2, 59), test_utc (2026, 10, 25, 0, 59));
  check_local (2026, 10, 25, HM (3, 0), test_utc (2026, 10, 25, 2, 0));
  check_local (2026, 10, 25, HM (14, 0), test_utc (2026, 10, 25, 13, 0));
  check_local (2026, 10, 24, HM (14, 0), test_utc (2026, 10, 24, 12, 0));
}

static void
test_to_local (void)
{
  GDate date;
  guint minute = 9999;
  GDateWeekday wd = G_DATE_BAD_WEEKDAY;

  crn_time_to_local (test_utc (2026, 3, 27, 15, 0), &date, &minute, &wd);
  g_assert_cmpuint (g_date_get_year (&date), ==, 2026);
  g_assert_cmpuint (g_date_get_month (&date), ==, 3);
  g_assert_cmpuint (g_date_get_day (&date), ==, 27);
  g_assert_cmpuint (minute, ==, HM (16, 0));
  g_assert_cmpint (wd, ==, G_DATE_FRIDAY);

  /* just before local midnight in summer, UTC is still the day before */
  crn_time_to_local (test_utc (2026, 7, 14, 22, 30), &date, &minute, &wd);
  g_assert_cmpuint (g_date_get_day (&date), ==, 15);
  g_assert_cmpuint (minute, ==, HM (0, 30));
  g_assert_cmpint (wd, ==, G_DATE_WEDNESDAY);

  /* the second 02:30 of 2026-10-25 */
  crn_time_to_local (test_utc (2026, 10, 25, 1, 30), &date, &minute, NULL);
  g_assert_cmpuint (g_date_get_day (&date), ==, 25);
  g_assert_cmpuint (minute, ==, HM (2, 30));

  /* NULL out parameters are allowed */
  crn_time_to_local (0, NULL, NULL, NULL);
  crn_time_to_local (0, NULL, &minute, NULL);
  g_assert_cmpuint (minute, ==, 60);   /* 1970-01-01 01:00 CET */
}

/* Every quarter hour of 2026 and 2027: Paris local time from GLib, and back. */
static void
test_round_trip_two_years (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  CrnInstant t;
  guint checked = 0, second_occurrences = 0;

  for (t = test_utc (2025, 12, 31, 23, 0); t < test_utc (2027, 12, 31, 23, 0); t += 900)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
      GDate date;
      guint minute;
      GDateWeekday wd;
      CrnInstant back;

      crn_time_to_local (t, &date, &minute, &wd);
      g_assert_cmpint (g_date_get_year (&date), ==, g_date_time_get_year (local));
      g_assert_cmpint (g_date_get_month (&date), ==, g_date_time_get_month (local));
      g_assert_cmpint (g_date_get_day (&date), ==, g_date_time_get_day_of_month (local));
      g_assert_cmpint (minute, ==, g_date_time_get_hour (local) * 60 +
                                   g_date_time_get_minute (local));
      g_assert_cmpint (wd, ==, g_date_time_get_day_of_week (local));

      back = crn_time_from_local (&date, minute);
      if (back != t)
        {
          /* only the second occurrence of the fall-back hour maps elsewhere: to the first */
          g_assert_cmpint (back, ==, t - 3600);
          g_assert_cmpint (g_date_time_is_daylight_savings (local), ==, FALSE);
          second_occurrences++;
        }
      checked++;
    }
  /* two fall-backs (2026-10-25, 2027-10-31), four quarter hours each */
  g_assert_cmpuint (second_occurrences, ==, 8);
  g_assert_cmpuint (checked, ==, 730 * 96);
}

static void
test_format_iso (void)
{
  g_autofree char *winter = crn_time_format_iso (test_utc (2026, 12, 1, 13, 0));
  g_autofree char *summer = crn_time_format_iso (test_utc (2026, 7, 1, 12, 15) + 7);
  g_autofree char *epoch = crn_time_format_iso (0);

  g_assert_cmpstr (winter, ==, "2026-12-01T14:00:00.000+01:00");
  g_assert_cmpstr (summer, ==, "2026-07-01T14:15:07.000+02:00");
  g_assert_cmpstr (epoch, ==, "1970-01-01T01:00:00.000+01:00");
}

static void
test_parse_iso (void)
{
  struct { const char *text; CrnInstant expected; } good[] = {
    { "2026-12-01T14:00:00.000+01:00", test_utc (2026, 12, 1, 13, 0) },
    { "2026-12-01T14:00:00+01:00", test_utc (2026, 12, 1, 13, 0) },
    { "2026-12-01T13:00:00Z", test_utc (2026, 12, 1, 13, 0) },
    { "2026-12-01T13:00:00.999Z", test_utc (2026, 12, 1, 13, 0) },
    { "2026-07-01T14:00:00+02:00", test_utc (2026, 7, 1, 12, 0) },
    { "2026-07-01T08:00:00-04:00", test_utc (2026, 7, 1, 12, 0) },
    { "2026-12-01", test_utc (2026, 11, 30, 23, 0) },
    { "2026-07-01", test_utc (2026, 6, 30, 22, 0) },
  };
  const char *bad[] = {
    "", "2026", "2026-13-01", "2026-02-30", "2026-12-01T25:00:00Z", "yesterday",
    "2026-12-01 14:00", "01/12/2026", "2026-12-01T14:00:00+01:00junk",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      CrnInstant got = 0;

      g_assert_true (crn_time_parse_iso (good[i].text, &got, &error));
      g_assert_no_error (error);
      g_assert_cmpint (got, ==, good[i].expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      CrnInstant got = 42;

      g_test_message ("bad: %s", bad[i]);
      g_assert_false (crn_time_parse_iso (bad[i], &got, &error));
      g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_cmpint (got, ==, 42);
    }

  /* format and parse agree over a year */
  for (CrnInstant t = test_utc (2026, 1, 1, 0, 0); t < test_utc (2027, 1, 1, 0, 0); t += 3607)
    {
      g_autofree char *text = crn_time_format_iso (t);
      CrnInstant back = 0;

      g_assert_true (crn_time_parse_iso (text, &back, NULL));
      g_assert_cmpint (back, ==, t);
    }
}

static void
test_minutes (void)
{
  struct { const char *text; guint minutes; } good[] = {
    { "00:00", 0 }, { "08:00", 480 }, { "8:05", 485 }, { "11:45", 705 }, { "23:59", 1439 },
    { "24:00", 1440 },
  };
  const char *bad[] = { "", "8", "8h", "24:01", "25:00", "12:60", "12:5", "-1:00", "12:005",
                        "ab:cd", "123:00" };
  guint out = 7;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (crn_time_parse_minutes (good[i].text, &out));
      g_assert_cmpuint (out, ==, good[i].minutes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      out = 7;
      g_assert_false (crn_time_parse_minutes (bad[i], &out));
      g_assert_cmpuint (out, ==, 7);
    }
  g_assert_false (crn_time_parse_minutes (NULL, &out));

  for (guint m = 0; m <= 1440; m++)
    {
      g_autofree char *text = crn_time_format_minutes (m);

      g_assert_cmpuint (strlen (text), ==, 5);
      g_assert_true (crn_time_parse_minutes (text, &out));
      g_assert_cmpuint (out, ==, m);
    }
}

static void
test_now (void)
{
  CrnInstant real = g_get_real_time () / G_USEC_PER_SEC;

  crn_time_set_now_for_testing (test_utc (2026, 3, 27, 15, 0));
  g_assert_cmpint (crn_time_now (), ==, test_utc (2026, 3, 27, 15, 0));
  g_assert_cmpint (crn_time_now (), ==, test_utc (2026, 3, 27, 15, 0));
  crn_time_set_now_for_testing (0);
  /* back to the real clock (a generous bound: this is not a timing assertion) */
  g_assert_cmpint (ABS (crn_time_now () - real), <, 3600);
}

static void
test_uuid (void)
{
  g_autofree char *a = crn_uuid_new ();
  g_autofree char *b = crn_uuid_new ();
  g_autofree char *n1 = crn_uuid_from_name ("abc");
  g_autofree char *n2 = crn_uuid_from_name ("abc");
  g_autofree char *n3 = crn_uuid_from_name ("abd");

  g_assert_true (crn_uuid_is_valid (a));
  g_assert_cmpint (a[14], ==, '4');
  g_assert_nonnull (strchr ("89ab", a[19]));
  g_assert_cmpstr (a, !=, b);

  /* SHA-1 ("abc") = a9993e364706816aba3e25717850c26c9cd0d89d, version and variant set */
  g_assert_cmpstr (n1, ==, "a9993e36-4706-516a-ba3e-25717850c26c");
  g_assert_cmpstr (n1, ==, n2);
  g_assert_cmpstr (n1, !=, n3);
  g_assert_true (crn_uuid_is_valid (n3));
  g_assert_cmpint (n3[14], ==, '5');

  g_assert_false (crn_uuid_is_valid (NULL));
  g_assert_false (crn_uuid_is_valid (""));
  g_assert_false (crn_uuid_is_valid ("a9993e36-4706-516a-ba3e-25717850c26"));
  g_assert_false (crn_uuid_is_valid ("a9993e36x4706-516a-ba3e-25717850c26c"));
}

/* The machine's zone must not matter: change TZ in the process and compare. */
static void
test_tz_independence (void)
{
  const char *zones[] = { "America/New_York", "Asia/Tokyo", "UTC", "Pacific/Chatham" };
  GDate date = test_date (2026, 10, 25);
  CrnInstant reference = crn_time_from_local (&date, HM (2, 30));
  g_autofree char *reference_iso = crn_time_format_iso (reference);
  const char *old = g_getenv ("TZ");
  g_autofree char *saved = g_strdup (old);

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autofree char *iso = NULL;
      GDate back;
      guint minute;

      g_setenv ("TZ", zones[i], TRUE);
      tzset ();
      g_assert_cmpint (crn_time_from_local (&date, HM (2, 30)), ==, reference);
      iso = crn_time_format_iso (reference);
      g_assert_cmpstr (iso, ==, reference_iso);
      crn_time_to_local (reference, &back, &minute, NULL);
      g_assert_cmpint (g_date_compare (&back, &date), ==, 0);
      g_assert_cmpuint (minute, ==, HM (2, 30));
    }

  if (saved != NULL)
    g_setenv ("TZ", saved, TRUE);
  else
    g_unsetenv ("TZ");
  tzset ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/time/from-local/plain", test_from_local_plain);
  g_test_add_func ("/core/time/from-local/spring-forward", test_from_local_spring_forward);
  g_test_add_func ("/core/time/from-local/fall-back", test_from_local_fall_back);
  g_test_add_func ("/core/time/to-local", test_to_local);
  g_test_add_func ("/core/time/round-trip-two-years", test_round_trip_two_years);
  g_test_add_func ("/core/time/format-iso", test_format_iso);
  g_test_add_func ("/core/time/parse-iso", test_parse_iso);
  g_test_add_func ("/core/time/minutes", test_minutes);
  g_test_add_func ("/core/time/now", test_now);
  g_test_add_func ("/core/time/uuid", test_uuid);
  g_test_add_func ("/core/time/tz-independence", test_tz_independence);

  return g_test_run ();
}
