/* test-fhir-search.c: date, token and list search parameters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

static gint64
ms (const char *iso)
{
  gint64 value = 0;

  if (iso == NULL)
    return 0;
  g_assert_true (crn_fhir_parse_datetime_ms (iso, &value, NULL, NULL));
  return value;
}

static void
test_date_params (void)
{
  /* from/to: the accepted instants [from, to); NULL = unbounded */
  static const struct {
    const char *text;
    const char *from;
    const char *to;
  } cases[] = {
    { "ge2026-12-01", "2026-12-01T00:00:00.000+01:00", NULL },
    { "gt2026-12-01", "2026-12-02T00:00:00.000+01:00", NULL },
    { "le2026-12-01", NULL, "2026-12-02T00:00:00.000+01:00" },
    { "lt2026-12-01", NULL, "2026-12-01T00:00:00.000+01:00" },
    { "2026-12-01", "2026-12-01T00:00:00.000+01:00", "2026-12-02T00:00:00.000+01:00" },
    { "eq2026-12-01", "2026-12-01T00:00:00.000+01:00", "2026-12-02T00:00:00.000+01:00" },
    /* a local day across the spring DST change is 23 h long */
    { "eq2027-03-28", "2027-03-28T00:00:00.000+01:00", "2027-03-29T00:00:00.000+02:00" },
    { "ge2026-12", "2026-12-01T00:00:00.000+01:00", NULL },
    { "lt2027", NULL, "2027-01-01T00:00:00.000+01:00" },
    { "le2026-12", NULL, "2027-01-01T00:00:00.000+01:00" },
    /* SAS: milliseconds and an explicit offset */
    { "ge2024-06-12T16:20:00.000+02:00", "2024-06-12T16:20:00.000+02:00", NULL },
    { "le2024-06-15T16:20:00.000+02:00", NULL, "2024-06-15T16:20:00.001+02:00" },
    { "le2026-12-03T23:59:59.999+01:00", NULL, "2026-12-04T00:00:00.000+01:00" },
    /* a watermark with milliseconds: gt skips only that millisecond */
    { "gt2026-12-01T10:15:30.123Z", "2026-12-01T10:15:30.124Z", NULL },
    /* second precision: gt skips the whole second */
    { "gt2026-12-01T10:15:30Z", "2026-12-01T10:15:31Z", NULL },
    { "ge2026-12-01T10:15+01:00", "2026-12-01T10:15:00+01:00", NULL },
    { "le2026-12-01T10:15+01:00", NULL, "2026-12-01T10:16:00+01:00" },
    /* the "+" trap: decoded as a space, or left encoded */
    { "ge2026-12-01T14:00:00.000 01:00", "2026-12-01T14:00:00.000+01:00", NULL },
    { "ge2026-12-01T14:00:00.000%2B01:00", "2026-12-01T14:00:00.000+01:00", NULL },
    { "ge2026-12-01T14:00:00.000%2b01:00", "2026-12-01T14:00:00.000+01:00", NULL },
    { "ge2026-12-01T08:00:00-05:00", "2026-12-01T14:00:00.000+01:00", NULL },
    /* no offset: Europe/Paris, whatever the machine's zone */
    { "ge2026-12-01T14:00:00", "2026-12-01T14:00:00.000+01:00", NULL },
    { "ge2026-07-01T14:00:00", "2026-07-01T14:00:00.000+02:00", NULL },
    { "sa2026-12-01", "2026-12-02T00:00:00.000+01:00", NULL },
    { "eb2026-12-01", NULL, "2026-12-01T00:00:00.000+01:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CrnFhirDateParam param;
      CrnFhirInstantRange range;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_true (crn_fhir_date_param_parse (cases[i].text, "start", &param, &error));
      g_assert_no_error (error);
      crn_fhir_date_param_get_range (&param, &range);
      g_assert_cmpint (range.from_ms, ==, cases[i].from ? ms (cases[i].from) : G_MININT64);
      g_assert_cmpint (range.to_ms, ==, cases[i].to ? ms (cases[i].to) : G_MAXINT64);
    }
}

static void
test_date_errors (void)
{
  static const struct {
    const char *text;
    int         code;
  } cases[] = {
    { "", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ne2026-12-01", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "ap2026-12-01", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "xx2026-12-01", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "GE2026-12-01", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "ge2026-12-1", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-13-01", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-02-29", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-12-01T25:00:00Z", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-12-01T14Z", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-12-01T14:00:00+0100", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-12-01T14:00:00.000  01:00", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge2026-12-01,le2026-12-03", CRN_FHIR_ERROR_INVALID_VALUE },
    { "today", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "1796130000", CRN_FHIR_ERROR_INVALID_VALUE },
    { "ge0001-01-01", CRN_FHIR_ERROR_INVALID_VALUE },
    { "le9999-12-31T23:59:59Z", CRN_FHIR_ERROR_INVALID_VALUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CrnFhirDateParam param;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_false (crn_fhir_date_param_parse (cases[i].text, "start", &param, &error));
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "start");
      g_assert_nonnull (strstr (error->message, "start"));
    }
}

static void
test_date_range (void)
{
  const char *const sas[] = { "ge2024-06-12T16:20:00.000+02:00",
                              "le2024-06-15T16:20:00.000+02:00" };
  const char *const bad[] = { "ge2026-12-01", "le2026-12-xx" };
  const char *const empty[] = { "gt2026-12-02", "lt2026-12-01" };
  CrnFhirInstantRange range;
  g_autoptr(GError) error = NULL;

  g_assert_true (crn_fhir_date_params_to_range (sas, 2, "start", &range, &error));
  g_assert_no_error (error);
  g_assert_true (crn_fhir_instant_range_contains (&range, ms ("2024-06-12T16:20:00.000+02:00")));
  g_assert_true (crn_fhir_instant_range_contains (&range, ms ("2024-06-15T16:20:00.000+02:00")));
  g_assert_false (crn_fhir_instant_range_contains (&range, ms ("2024-06-12T16:19:59.999+02:00")));
  g_assert_false (crn_fhir_instant_range_contains (&range, ms ("2024-06-15T16:20:00.001+02:00")));

  g_assert_true (crn_fhir_date_params_to_range (NULL, 0, "start", &range, &error));
  g_assert_cmpint (range.from_ms, ==, G_MININT64);
  g_assert_cmpint (range.to_ms, ==, G_MAXINT64);

  g_assert_true (crn_fhir_date_params_to_range (empty, 2, "start", &range, &error));
  g_assert_cmpint (range.from_ms, >=, range.to_ms);
  g_assert_false (crn_fhir_instant_range_contains (&range, ms ("2026-12-01T12:00:00Z")));

  g_assert_false (crn_fhir_date_params_to_range (bad, 2, "start", &range, &error));
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_VALUE);
}

static void
test_tokens (void)
{
  static const struct {
    const char *text;
    const char *system;
    const char *value;
    gboolean    has_system;
    const char *idnps;
  } cases[] = {
    { "urn:oid:1.2.250.1.71.4.2.1|899700123456", CRN_FHIR_OID_IDNPS, "899700123456", TRUE,
      "899700123456" },
    { "1.2.250.1.71.4.2.1|899700123456", CRN_FHIR_OID_IDNPS, "899700123456", TRUE,
      "899700123456" },
    /* RPPS without the "8" */
    { "urn:oid:1.2.250.1.71.4.2.1|99700123456", CRN_FHIR_OID_IDNPS, "99700123456", TRUE,
      "899700123456" },
    { "899700123456", NULL, "899700123456", FALSE, "899700123456" },
    { "99700123456", NULL, "99700123456", FALSE, "899700123456" },
    { "|899700123456", NULL, "899700123456", TRUE, NULL },
    { "urn:oid:1.2.250.1.213.3.6|d7f564ac", CRN_FHIR_OID_SAS, "d7f564ac", TRUE, NULL },
    { "urn:oid:1.2.250.1.71.4.2.1|", CRN_FHIR_OID_IDNPS, NULL, TRUE, NULL },
    { "https://agenda.cpts-exemple.fr/fhir/sid/appointment|4268d160",
      "https://agenda.cpts-exemple.fr/fhir/sid/appointment", "4268d160", TRUE, NULL },
    { "urn:oid:1.2.250.1.71.4.2.1|0123456789", CRN_FHIR_OID_IDNPS, "0123456789", TRUE, NULL },
    { "urn:oid:1.2.250.1.71.4.2.1|8997001234567", CRN_FHIR_OID_IDNPS, "8997001234567", TRUE,
      NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnFhirToken) token = crn_fhir_token_parse (cases[i].text, "identifier", &error);
      g_autofree char *idnps = NULL;

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_no_error (error);
      g_assert_cmpstr (token->system, ==, cases[i].system);
      g_assert_cmpstr (token->value, ==, cases[i].value);
      g_assert_cmpint (token->has_system, ==, cases[i].has_system);
      idnps = crn_fhir_token_get_idnps (token);
      g_assert_cmpstr (idnps, ==, cases[i].idnps);
    }
}

static void
test_token_errors (void)
{
  const char *cases[] = { "", "|", "a|b|c" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CrnFhirToken) token = crn_fhir_token_parse (cases[i], "identifier", &error);

      g_assert_null (token);
      g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_VALUE);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "identifier");
    }
}

static void
test_token_matches (void)
{
  g_autoptr(CrnFhirToken) full = crn_fhir_token_parse ("1.2.250.1.71.4.2.1|899700123456", "x", NULL);
  g_autoptr(CrnFhirToken) any = crn_fhir_token_parse ("899700123456", "x", NULL);
  g_autoptr(CrnFhirToken) none = crn_fhir_token_parse ("|899700123456", "x", NULL);
  g_autoptr(CrnFhirToken) sys = crn_fhir_token_parse ("urn:oid:1.2.250.1.71.4.2.1|", "x", NULL);

  g_assert_true (crn_fhir_token_matches (full, CRN_FHIR_OID_IDNPS, "899700123456"));
  g_assert_true (crn_fhir_token_matches (full, "1.2.250.1.71.4.2.1", "899700123456"));
  g_assert_false (crn_fhir_token_matches (full, CRN_FHIR_OID_IDNST, "899700123456"));
  g_assert_false (crn_fhir_token_matches (full, CRN_FHIR_OID_IDNPS, "899700123457"));
  g_assert_false (crn_fhir_token_matches (full, NULL, "899700123456"));
  g_assert_true (crn_fhir_token_matches (any, CRN_FHIR_OID_IDNST, "899700123456"));
  g_assert_true (crn_fhir_token_matches (any, NULL, "899700123456"));
  g_assert_true (crn_fhir_token_matches (none, NULL, "899700123456"));
  g_assert_false (crn_fhir_token_matches (none, CRN_FHIR_OID_IDNPS, "899700123456"));
  g_assert_true (crn_fhir_token_matches (sys, CRN_FHIR_OID_IDNPS, "anything"));
}

static void
test_or_lists (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) items = crn_fhir_split_or_list (" a, b ,c\\,d,  e", 10, "p", &error);
  g_auto(GStrv) idnps = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GPtrArray) tokens = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (items), ==, 4);
  g_assert_cmpstr (items[0], ==, "a");
  g_assert_cmpstr (items[1], ==, "b");
  g_assert_cmpstr (items[2], ==, "c,d");
  g_assert_cmpstr (items[3], ==, "e");

  /* the SAS search: prefixed, with spaces after commas, one without the 8, a duplicate */
  idnps = crn_fhir_idnps_list_parse ("urn:oid:1.2.250.1.71.4.2.1|810002909371, "
                                     "urn:oid:1.2.250.1.71.4.2.1|10001288385,"
                                     "1.2.250.1.71.4.2.1|810002909371",
                                     CRN_FHIR_MAX_SAS_IDENTIFIERS,
                                     "schedule.actor:Practitioner.identifier", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (idnps), ==, 2);
  g_assert_cmpstr (idnps[0], ==, "810002909371");
  g_assert_cmpstr (idnps[1], ==, "810001288385");

  for (guint i = 0; i < 26; i++)
    g_string_append_printf (many, "%surn:oid:1.2.250.1.71.4.2.1|8997001234%02u",
                            i == 0 ? "" : ",", i);
  g_clear_pointer (&idnps, g_strfreev);
  idnps = crn_fhir_idnps_list_parse (many->str, CRN_FHIR_MAX_SAS_IDENTIFIERS,
                                     "schedule.actor:Practitioner.identifier", &error);
  g_assert_null (idnps);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
  g_assert_cmpstr (crn_fhir_error_get_expression (error),
                   ==, "schedule.actor:Practitioner.identifier");
  g_clear_error (&error);

  /* exactly 25 is fine */
  g_string_truncate (many, strrchr (many->str, ',') - many->str);
  idnps = crn_fhir_idnps_list_parse (many->str, CRN_FHIR_MAX_SAS_IDENTIFIERS, "p", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (idnps), ==, 25);

  tokens = crn_fhir_token_list_parse ("a|b,|c", 5, "p", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 2);
}

static void
test_or_list_errors (void)
{
  static const struct {
    const char *text;
    int         code;
  } cases[] = {
    { "a,,b", CRN_FHIR_ERROR_INVALID_VALUE },
    { "a, ", CRN_FHIR_ERROR_INVALID_VALUE },
    { ",a", CRN_FHIR_ERROR_INVALID_VALUE },
    { "", CRN_FHIR_ERROR_INVALID_VALUE },
    /* IDNPS lists */
    { "urn:oid:1.2.250.1.71.4.2.2|1990000017", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "|899700123456", CRN_FHIR_ERROR_UNKNOWN_CODE },
    { "urn:oid:1.2.250.1.71.4.2.1|ABC", CRN_FHIR_ERROR_INVALID_VALUE },
    { "urn:oid:1.2.250.1.71.4.2.1|", CRN_FHIR_ERROR_INVALID_VALUE },
    { "urn:oid:1.2.250.1.71.4.2.1|899700123456|x", CRN_FHIR_ERROR_INVALID_VALUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) result = crn_fhir_idnps_list_parse (cases[i].text, 25, "p", &error);

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_null (result);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "p");
    }
}

static void
test_long_values (void)
{
  g_autofree char *long_text = g_strnfill (CRN_FHIR_MAX_STRING_BYTES + 1, '8');
  g_autoptr(GError) error = NULL;
  CrnFhirDateParam param;

  g_assert_null (crn_fhir_token_parse (long_text, "identifier", &error));
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (crn_fhir_date_param_parse (long_text, "start", &param, &error));
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (crn_fhir_split_or_list (long_text, 25, "p", &error));
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/search/date-params", test_date_params);
  g_test_add_func ("/fhir/search/date-errors", test_date_errors);
  g_test_add_func ("/fhir/search/date-range", test_date_range);
  g_test_add_func ("/fhir/search/tokens", test_tokens);
  g_test_add_func ("/fhir/search/token-errors", test_token_errors);
  g_test_add_func ("/fhir/search/token-matches", test_token_matches);
  g_test_add_func ("/fhir/search/or-lists", test_or_lists);
  g_test_add_func ("/fhir/search/or-list-errors", test_or_list_errors);
  g_test_add_func ("/fhir/search/long-values", test_long_values);

  return g_test_run ();
}
