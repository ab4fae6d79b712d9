/* test-instants.c: every instant the FHIR layer writes reads back to the same millisecond
 * (finding F4 of docs/FUZZING.md: before 1911 Paris used local mean time, +00:09:21, which
 * an offset of whole minutes cannot say)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "crn-fhir.h"

static void
check (gint64 ms)
{
  g_autofree char *text = crn_fhir_format_instant_ms (ms);
  g_autoptr(GError) error = NULL;
  gint64 back = 0;

  g_assert_nonnull (text);
  if (!crn_fhir_parse_datetime_ms (text, &back, NULL, &error))
    g_error ("%" G_GINT64_FORMAT " ms written as %s does not parse: %s", ms, text,
             error->message);
  if (back != ms)
    g_error ("%" G_GINT64_FORMAT " ms written as %s reads back as %" G_GINT64_FORMAT
             " (%+" G_GINT64_FORMAT " ms)", ms, text, back, back - ms);
}

/* The streaming writer of search Bundles writes the same text as crn_fhir_format_instant_ms()
 * (an instant before 1911 in UTC too, found by fhir-slot in the reliability work). */
static void
check_writer (gint64 ms)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *text = crn_fhir_format_instant_ms (ms);
  g_autofree char *expected = g_strdup_printf ("{\"t\":\"%s\"}", text);
  CrnFhirWriter w;

  crn_fhir_writer_init (&w, out);
  crn_fhir_writer_begin_object (&w, NULL);
  crn_fhir_writer_instant_ms (&w, "t", ms);
  crn_fhir_writer_end_object (&w);
  if (g_strcmp0 (out->str, expected) != 0)
    g_error ("%" G_GINT64_FORMAT " ms: the writer gives %s, crn_fhir_format_instant_ms() %s", ms,
             out->str, expected);
}

static void
test_round_trip (void)
{
  /* The parser takes the years 1900 to 2199: the first instants, the minutes around Paris
   * leaving local mean time (1911-03-11), the epoch, DST changes, the last year. */
  const char *texts[] = {
    "1900-01-01T00:00:00Z", "1900-01-01T10:00:00+00:09", "1905-06-01T12:00:00.123Z",
    "1911-03-10T23:50:00Z", "1911-03-11T00:10:00Z", "1969-12-31T23:59:59.999Z",
    "1970-01-01T00:00:00Z", "2026-03-29T01:30:00Z", "2026-10-25T00:59:59.500Z",
    "2199-12-31T22:00:00Z",
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gint64 ms = 0;
      g_autoptr(GError) error = NULL;

      if (!crn_fhir_parse_datetime_ms (texts[i], &ms, NULL, &error))
        g_error ("%s does not parse: %s", texts[i], error->message);
      check (ms);
      check_writer (ms);
      n++;
    }
  /* Every 7 hours and 13 minutes plus a few ms, from 1900 to 2100. */
  for (gint64 s = -2208988800; s < 4102444800; s += 7 * 3600 + 13 * 60 + 7)
    {
      check (s * 1000 + (s & 0x3ff) % 1000);
      check_writer (s * 1000 + (s & 0x3ff) % 1000);
      n++;
    }
  g_test_message ("%u instants read back to the millisecond", n);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reliability/instants/round-trip", test_round_trip);
  return g_test_run ();
}
