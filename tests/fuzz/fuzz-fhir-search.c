/* fuzz-fhir-search.c: the FHIR search value parsers (dates, tokens, OR lists, IDNPS lists)
 *
 * The input is a decoded query string "name=value&name=value…"; every value goes through
 * the parser its parameter name selects (unknown names go through all of them), and the
 * values of a date parameter are intersected as the server does ("start=ge…&start=le…").
 * Properties checked: a date value covers a non-empty range, an OR list has no empty or
 * untrimmed item, an IDNPS list only valid IDNPS without duplicates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include <string.h>

#include "fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
check_date (const char *value)
{
  g_autoptr(GError) error = NULL;
  CrnFhirDateParam param;
  CrnFhirInstantRange range;

  if (!crn_fhir_date_param_parse (value, "start", &param, &error))
    {
      fuzz_check_error (error, "crn_fhir_date_param_parse");
      return;
    }
  if (param.low_ms >= param.high_ms)
    fuzz_fail ("date value \"%s\" covers an empty range", value);
  crn_fhir_date_param_get_range (&param, &range);
  crn_fhir_instant_range_contains (&range, param.low_ms);
}

static void
check_token (const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirToken) token = crn_fhir_token_parse (value, "identifier", &error);
  g_autofree char *idnps = NULL;

  if (token == NULL)
    {
      fuzz_check_error (error, "crn_fhir_token_parse");
      return;
    }
  crn_fhir_token_matches (token, CRN_FHIR_OID_IDNPS, "899700123456");
  crn_fhir_token_matches (token, NULL, value);
  idnps = crn_fhir_token_get_idnps (token);
  if (idnps != NULL && !crn_idnps_is_valid (idnps))
    fuzz_fail ("crn_fhir_token_get_idnps gave an invalid IDNPS \"%s\"", idnps);
}

static void
check_lists (const char *value)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) items = crn_fhir_split_or_list (value, 30, "status", &error);
  g_autoptr(GPtrArray) tokens = NULL;
  g_auto(GStrv) idnps = NULL;

  if (items == NULL)
    fuzz_check_error (error, "crn_fhir_split_or_list");
  else
    {
      if (g_strv_length (items) > 30)
        fuzz_fail ("crn_fhir_split_or_list went over its limit");
      for (guint i = 0; items[i] != NULL; i++)
        {
          gsize len = strlen (items[i]);

          if (len == 0)
            fuzz_fail ("crn_fhir_split_or_list gave an empty item");
          if (items[i][0] == ' ' || items[i][len - 1] == ' ')
            fuzz_fail ("crn_fhir_split_or_list gave an untrimmed item \"%s\"", items[i]);
        }
    }
  g_clear_error (&error);

  tokens = crn_fhir_token_list_parse (value, CRN_FHIR_MAX_SAS_IDENTIFIERS, "identifier", &error);
  if (tokens == NULL)
    fuzz_check_error (error, "crn_fhir_token_list_parse");
  else if (tokens->len > CRN_FHIR_MAX_SAS_IDENTIFIERS)
    fuzz_fail ("crn_fhir_token_list_parse went over its limit");
  g_clear_error (&error);

  idnps = crn_fhir_idnps_list_parse (value, CRN_FHIR_MAX_SAS_IDENTIFIERS,
                                     "schedule.actor:Practitioner.identifier", &error);
  if (idnps == NULL)
    fuzz_check_error (error, "crn_fhir_idnps_list_parse");
  else
    for (guint i = 0; idnps[i] != NULL; i++)
      {
        if (!crn_idnps_is_valid (idnps[i]))
          fuzz_fail ("crn_fhir_idnps_list_parse gave an invalid IDNPS \"%s\"", idnps[i]);
        for (guint j = 0; j < i; j++)
          if (g_str_equal (idnps[i], idnps[j]))
            fuzz_fail ("crn_fhir_idnps_list_parse kept a duplicate");
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_auto(GStrv) parts = g_strsplit (text, "&", 64);
  g_autoptr(GPtrArray) dates = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CrnFhirInstantRange range;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      const char *name = parts[i];
      const char *value = parts[i];

      if (eq != NULL)
        {
          *eq = '\0';
          value = eq + 1;
        }
      if (g_str_equal (name, "start") || g_str_equal (name, "_lastUpdated"))
        {
          g_ptr_array_add (dates, (gpointer) value);
          check_date (value);
        }
      else if (g_str_equal (name, "identifier") || g_str_equal (name, "_id"))
        check_token (value);
      else if (g_str_has_prefix (name, "schedule") || g_str_equal (name, "status") ||
               g_str_equal (name, "actor"))
        check_lists (value);
      else
        {
          check_date (value);
          check_token (value);
          check_lists (value);
        }
    }

  if (!crn_fhir_date_params_to_range ((const char * const *) dates->pdata, dates->len, "start",
                                      &range, &error))
    fuzz_check_error (error, "crn_fhir_date_params_to_range");
  else if (dates->len == 0 && (range.from_ms != G_MININT64 || range.to_ms != G_MAXINT64))
    fuzz_fail ("no date condition did not give an unbounded range");
  return 0;
}
