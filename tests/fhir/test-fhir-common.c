/* test-fhir-common.c: parsing limits, errors, dates, ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

static void
test_parse_errors (void)
{
  static const struct {
    const char *text;
    int         code;
  } cases[] = {
    { "", CRN_FHIR_ERROR_INVALID_JSON },
    { "{", CRN_FHIR_ERROR_INVALID_JSON },
    { "[1, 2]", CRN_FHIR_ERROR_INVALID_JSON },
    { "\"Slot\"", CRN_FHIR_ERROR_INVALID_JSON },
    { "{\"id\": \"a\"}", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE },
    { "{\"resourceType\": 3}", CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE },
    { "{\"resourceType\": \"Slot\", \"x\": \"\xff\xfe\"}", CRN_FHIR_ERROR_INVALID_JSON },
    /* json-glib 1.6 keeps the last of several values: one body, one resource */
    { "{\"resourceType\": \"Slot\"}{\"resourceType\": \"Appointment\"}",
      CRN_FHIR_ERROR_INVALID_JSON },
    { "{\"resourceType\": \"Slot\"} [1]", CRN_FHIR_ERROR_INVALID_JSON },
    { "1{\"resourceType\": \"Slot\"}", CRN_FHIR_ERROR_INVALID_JSON },
    { "{\"resourceType\": \"Slot\"} x", CRN_FHIR_ERROR_INVALID_JSON },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = crn_fhir_parse (cases[i].text, -1, &error);

      g_test_message ("parse case %u", i);
      g_assert_null (node);
      g_assert_error (error, CRN_FHIR_ERROR, cases[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 10);
    }
}

static void
test_parse_one_value (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = crn_fhir_parse (" \n{\"resourceType\": \"Slot\", \"id\": \"}{\"}\r\n\t ",
                                             -1, &error);

  /* white space around the object, braces inside strings: still one value */
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpstr (crn_fhir_get_resource_type (node), ==, "Slot");
}

/* json-glib 1.6.6 never frees the string it was reading when a surrogate pair is broken
 * (F10 in docs/FUZZING.md), and turns other broken escapes into bytes that are not UTF-8:
 * only the escapes of JSON reach it, and a refused one says where, never what. */
static void
test_parse_escapes (void)
{
  static const char *refused[] = {
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uDerPONT\"}",        /* not four hex digits */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uD\\\\PONT\"}",      /* …nor here */
    "{\"resourceType\": \"Slot\", \"x\": \"DUPONT\\u00e\"}",       /* cut by the quote */
    "{\"resourceType\": \"Slot\", \"x\": \"DUPONT\\u00",          /* cut by the end */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uDC00PONT\"}",      /* lone low surrogate */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uD800PONT\"}",      /* lone high surrogate */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uD800\\u0041PONT\"}", /* high, then no low */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uD800\\uD800PONT\"}", /* high, then high */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uDcm\\uDcmPONT\"}", /* the fuzzer's input */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\uD83D\\PONT\"}",    /* high, then another escape */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\230PONT\"}",        /* octal: not JSON */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\x41PONT\"}",        /* hex: not JSON */
    "{\"resourceType\": \"Slot\", \"x\": \"DU\\'PONT\"}",
    "{\"resourceType\": \"Slot\", \"x\": \"DUPONT\\",               /* a backslash at the end */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("refused escape %u", i);
      node = crn_fhir_parse (refused[i], -1, &error);
      g_assert_null (node);
      g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_JSON);
      g_assert_nonnull (strstr (error->message, "error at line 1, column "));
      g_assert_null (strstr (error->message, "DU"));
      g_clear_error (&error);
    }

  /* every escape JSON has, a pair for a character beyond the BMP, in either case */
  node = crn_fhir_parse ("{\"resourceType\": \"Slot\", \"x\": "
                         "\"\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\u00C9 \\ud83d\\ude00\\uD83D\\uDE00\"}",
                         -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "x"), ==,
                   "\" \\ / \b\f\n\r\t \u00e9\u00c9 \U0001F600\U0001F600");
}

/* Plain JSON (an OAuth answer): the same checks, no resourceType asked for. */
static void
test_parse_object (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = crn_fhir_parse_object ("{\"access_token\": \"a\"}", -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "access_token"),
                   ==, "a");
  g_clear_pointer (&node, json_node_unref);

  node = crn_fhir_parse_object ("{\"access_token\": \"a\"}{\"access_token\": \"b\"}", -1,
                                &error);
  g_assert_null (node);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_JSON);
  g_clear_error (&error);

  node = crn_fhir_parse_object ("{\"access_token\": \"\\uD800\\uD800\"}", -1, &error);
  g_assert_null (node);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_JSON);
}

static void
test_parse_error_no_data (void)
{
  const char *cases[] = {
    "{\"resourceType\": \"Patient\", \"name\": DUPONT}",
    "{\"resourceType\": \"Patient\" \"DUPONT\"}",
    "{\"DUPONT\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = crn_fhir_parse (cases[i], -1, &error);

      g_assert_null (node);
      g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_JSON);
      g_assert_null (strstr (error->message, "DUPONT"));
      g_assert_nonnull (strstr (error->message, "line 1"));
    }
}

static void
test_parse_limits (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"resourceType\": \"Slot\", \"x\": ");
  g_autoptr(GString) ok_deep = g_string_new ("{\"resourceType\": \"Slot\", \"x\": ");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *huge = NULL;
  gsize huge_len = CRN_FHIR_MAX_DOCUMENT_BYTES + 10;

  /* 100 000 levels would overflow json-glib's recursive parser: refused before parsing */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  node = crn_fhir_parse (deep->str, deep->len, &error);
  g_assert_null (node);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* brackets inside strings do not count */
  g_string_append (ok_deep, "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}");
  node = crn_fhir_parse (ok_deep->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crn_fhir_get_resource_type (node), ==, "Slot");
  g_clear_pointer (&node, json_node_unref);

  huge = g_malloc (huge_len + 1);
  memset (huge, ' ', huge_len);
  huge[huge_len] = '\0';
  memcpy (huge, "{\"resourceType\":\"Slot\"}", 23);
  node = crn_fhir_parse (huge, -1, &error);
  g_assert_null (node);
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_TOO_LARGE);
}

static void
test_error_expression (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
  g_autoptr(GError) core = g_error_new_literal (CRN_CORE_ERROR, CRN_CORE_ERROR_RECLAIM_NOT_YET,
                                                "x");

  crn_fhir_set_error (&error, CRN_FHIR_ERROR_MISSING_FIELD, "Slot.start", "Slot.start is %s",
                      "missing");
  g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_MISSING_FIELD);
  g_assert_cmpstr (error->message, ==, "Slot.start is missing");
  g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "Slot.start");
  g_assert_cmpstr (crn_fhir_error_get_issue_code (error), ==, "required");

  copy = g_error_copy (error);
  g_clear_error (&error);
  g_assert_cmpstr (crn_fhir_error_get_expression (copy), ==, "Slot.start");

  g_prefix_error (&copy, "Entry 3: ");
  g_assert_cmpstr (crn_fhir_error_get_expression (copy), ==, "Slot.start");

  g_assert_null (crn_fhir_error_get_expression (other));
  g_assert_cmpstr (crn_fhir_error_get_issue_code (other), ==, "processing");
  g_assert_cmpstr (crn_fhir_error_get_issue_code (core), ==, "business-rule");

  crn_fhir_set_error (NULL, CRN_FHIR_ERROR_TOO_LARGE, "x", "ignored");
}

static void
test_datetime (void)
{
  static const struct {
    const char *text;
    gboolean    ok;
    gint64      ms;
  } cases[] = {
    { "2026-12-01T14:00:00.000+01:00", TRUE, G_GINT64_CONSTANT (1796130000000) },
    { "2026-12-01T14:00:00+01:00", TRUE, G_GINT64_CONSTANT (1796130000000) },
    { "2026-12-01T13:00:00Z", TRUE, G_GINT64_CONSTANT (1796130000000) },
    { "2026-12-01T14:00:00.25+01:00", TRUE, G_GINT64_CONSTANT (1796130000250) },
    { "2026-12-01T14:00:00.123456+01:00", TRUE, G_GINT64_CONSTANT (1796130000123) },
    { "2026-12-01T08:00:00-05:00", TRUE, G_GINT64_CONSTANT (1796130000000) },
    { "1969-12-31T23:59:59.500Z", TRUE, -500 },
    { "2026-12-01", FALSE, 0 },                     /* no time */
    { "2026-12-01T14:00:00", FALSE, 0 },            /* no offset */
    { "2026-12-01T14:00+01:00", FALSE, 0 },         /* no seconds */
    { "2026-12-01 14:00:00+01:00", FALSE, 0 },
    { "2026-02-30T14:00:00+01:00", FALSE, 0 },
    { "2026-12-01T24:00:00+01:00", FALSE, 0 },
    { "2026-12-01T14:00:60+01:00", FALSE, 0 },
    { "2026-12-01T14:00:00.+01:00", FALSE, 0 },
    { "2026-12-01T14:00:00+1:00", FALSE, 0 },
    { "2026-12-01T14:00:00+01:00x", FALSE, 0 },
    { "2026-12-01T14:00:00 01:00", FALSE, 0 },      /* the "+" trap is for search only */
    { "1899-12-31T23:59:59Z", FALSE, 0 },
    { "2200-01-01T00:00:00Z", FALSE, 0 },
    { "0001-01-01T00:00:00Z", FALSE, 0 },
    { "1900-01-01T00:00:00Z", TRUE, G_GINT64_CONSTANT (-2208988800000) },
    { "", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 ms = 0;
      gboolean ok = crn_fhir_parse_datetime_ms (cases[i].text, &ms, "Slot.start", &error);

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (ms, ==, cases[i].ms);
      else
        {
          g_assert_error (error, CRN_FHIR_ERROR, CRN_FHIR_ERROR_INVALID_VALUE);
          g_assert_cmpstr (crn_fhir_error_get_expression (error), ==, "Slot.start");
          g_assert_nonnull (strstr (error->message, "Slot.start"));
        }
    }
}

static void
test_format_ms (void)
{
  g_autofree char *winter = crn_fhir_format_instant_ms (G_GINT64_CONSTANT (1796130000123));
  g_autofree char *summer = crn_fhir_format_instant_ms (G_GINT64_CONSTANT (1782907200007));
  g_autofree char *neg = crn_fhir_format_instant_ms (-1);

  g_assert_cmpstr (winter, ==, "2026-12-01T14:00:00.123+01:00");
  g_assert_cmpstr (summer, ==, "2026-07-01T14:00:00.007+02:00");
  g_assert_cmpstr (neg, ==, "1970-01-01T00:59:59.999+01:00");
}

static void
test_ids (void)
{
  g_autofree char *pract = crn_fhir_practitioner_id ("899700123456");
  g_autofree char *role = crn_fhir_practitioner_role_id ("899700123456",
                                                         "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_autofree char *sched = crn_fhir_schedule_id ("899700123456",
                                                 "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_autofree char *idnps = NULL;
  g_autofree char *place = NULL;

  g_assert_cmpstr (pract, ==, "pract-899700123456");
  g_assert_cmpstr (role, ==, "role-899700123456-0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_true (crn_fhir_id_is_valid (sched));

  g_assert_true (crn_fhir_split_role_id (sched, "sched", &idnps, &place));
  g_assert_cmpstr (idnps, ==, "899700123456");
  g_assert_cmpstr (place, ==, "0f8fad5b-d9cb-469f-a165-70867728950e");

  g_assert_false (crn_fhir_split_role_id (sched, "role", NULL, NULL));
  g_assert_false (crn_fhir_split_role_id ("sched-dr-martin-cabinet1", "sched", NULL, NULL));
  g_assert_false (crn_fhir_split_role_id ("sched-899700123456-", "sched", NULL, NULL));
  g_assert_false (crn_fhir_split_role_id ("sched-799700123456-x", "sched", NULL, NULL));

  g_assert_true (crn_fhir_id_is_valid ("a.b-C9"));
  g_assert_false (crn_fhir_id_is_valid (""));
  g_assert_false (crn_fhir_id_is_valid ("a/b"));
  g_assert_false (crn_fhir_id_is_valid ("a_b"));
  g_assert_false (crn_fhir_id_is_valid ("01234567890123456789012345678901234567890123456789012345678901234"));
}

static void
test_systems (void)
{
  g_autofree char *a = crn_fhir_normalize_system ("1.2.250.1.71.4.2.1");
  g_autofree char *b = crn_fhir_normalize_system ("urn:oid:1.2.250.1.71.4.2.1");
  g_autofree char *c = crn_fhir_normalize_system ("https://example.org/sid");

  g_assert_cmpstr (a, ==, CRN_FHIR_OID_IDNPS);
  g_assert_cmpstr (b, ==, CRN_FHIR_OID_IDNPS);
  g_assert_cmpstr (c, ==, "https://example.org/sid");
  g_assert_true (crn_fhir_system_equal ("1.2.250.1.71.4.2.1", CRN_FHIR_OID_IDNPS));
  g_assert_false (crn_fhir_system_equal ("1.2.250.1.71.4.2.2", CRN_FHIR_OID_IDNPS));
  g_assert_false (crn_fhir_system_equal (NULL, CRN_FHIR_OID_IDNPS));
}

static void
test_meta_version (void)
{
  g_autoptr(JsonNode) node = crn_test_json ("{\"resourceType\": \"Slot\", \"id\": \"a\"}");

  crn_fhir_set_meta_version (node, 7, G_GINT64_CONSTANT (1796130000123));
  crn_assert_string_at (node, "meta.versionId", "7");
  crn_assert_string_at (node, "meta.lastUpdated", "2026-12-01T14:00:00.123+01:00");
  crn_fhir_set_id (node, "b");
  g_assert_cmpstr (crn_fhir_get_id (node), ==, "b");
  crn_fhir_set_meta_version (node, 0, 0);
  g_assert_null (crn_test_at (node, "meta.versionId"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir/common/parse-errors", test_parse_errors);
  g_test_add_func ("/fhir/common/parse-one-value", test_parse_one_value);
  g_test_add_func ("/fhir/common/parse-escapes", test_parse_escapes);
  g_test_add_func ("/fhir/common/parse-object", test_parse_object);
  g_test_add_func ("/fhir/common/parse-error-no-data", test_parse_error_no_data);
  g_test_add_func ("/fhir/common/parse-limits", test_parse_limits);
  g_test_add_func ("/fhir/common/error-expression", test_error_expression);
  g_test_add_func ("/fhir/common/datetime", test_datetime);
  g_test_add_func ("/fhir/common/format-ms", test_format_ms);
  g_test_add_func ("/fhir/common/ids", test_ids);
  g_test_add_func ("/fhir/common/systems", test_systems);
  g_test_add_func ("/fhir/common/meta-version", test_meta_version);

  return g_test_run ();
}
