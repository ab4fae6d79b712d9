/* crn-fhir-search.c: FHIR search parameter values (date, token, OR lists)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-search.h"
#include "crn-fhir-private.h"

static gboolean
check_text (const char  *text,
            const char  *param,
            GError     **error)
{
  if (text == NULL || *text == '\0')
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, param,
                          _("The search parameter %s has no value."), param);
      return FALSE;
    }
  if (strlen (text) > CRN_FHIR_MAX_STRING_BYTES)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, param,
                          _("The value of the search parameter %s is longer than %d bytes."),
                          param, CRN_FHIR_MAX_STRING_BYTES);
      return FALSE;
    }
  return TRUE;
}

/* ---- dates -------------------------------------------------------------------------------- */

gboolean
crn_fhir_date_param_parse (const char        *text,
                           const char        *param,
                           CrnFhirDateParam  *out,
                           GError           **error)
{
  static const struct {
    const char    *code;
    CrnFhirPrefix  prefix;
  } prefixes[] = {
    { "eq", CRN_FHIR_PREFIX_EQ },
    { "gt", CRN_FHIR_PREFIX_GT },
    { "ge", CRN_FHIR_PREFIX_GE },
    { "lt", CRN_FHIR_PREFIX_LT },
    { "le", CRN_FHIR_PREFIX_LE },
    { "sa", CRN_FHIR_PREFIX_GT },
    { "eb", CRN_FHIR_PREFIX_LT },
  };
  CrnFhirDateParts parts;
  const char *value = text;

  g_return_val_if_fail (param != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_text (text, param, error))
    return FALSE;

  if (strchr (text, ',') != NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, param,
                          _("The search parameter %s takes one date, not a list; repeat the "
                            "parameter to combine conditions."), param);
      return FALSE;
    }

  out->prefix = CRN_FHIR_PREFIX_EQ;
  if (g_ascii_isalpha (text[0]) && g_ascii_isalpha (text[1]))
    {
      gboolean found = FALSE;

      if (strncmp (text, "ne", 2) == 0 || strncmp (text, "ap", 2) == 0)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, param,
                              _("The search parameter %s uses the prefix “%.2s”, which is not "
                                "supported; use eq, gt, ge, lt or le."), param, text);
          return FALSE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
        if (strncmp (text, prefixes[i].code, 2) == 0)
          {
            out->prefix = prefixes[i].prefix;
            found = TRUE;
            break;
          }
      if (!found)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, param,
                              _("The search parameter %s starts with an unknown prefix; use "
                                "eq, gt, ge, lt or le before the date."), param);
          return FALSE;
        }
      value = text + 2;
    }

  if (!_crn_fhir_scan_date (value, TRUE, &parts))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, param,
                          _("The search parameter %s is not a date: use a date such as "
                            "2026-12-01 or a date and time such as "
                            "2026-12-01T14:00:00.000+01:00, with “+” sent as %%2B."), param);
      return FALSE;
    }

  _crn_fhir_date_parts_range (&parts, &out->low_ms, &out->high_ms);
  return TRUE;
}

void
crn_fhir_date_param_get_range (const CrnFhirDateParam *param,
                               CrnFhirInstantRange    *out)
{
  g_return_if_fail (param != NULL && out != NULL);

  out->from_ms = G_MININT64;
  out->to_ms = G_MAXINT64;

  switch (param->prefix)
    {
    case CRN_FHIR_PREFIX_EQ:
      out->from_ms = param->low_ms;
      out->to_ms = param->high_ms;
      break;
    case CRN_FHIR_PREFIX_GT:
      out->from_ms = param->high_ms;
      break;
    case CRN_FHIR_PREFIX_GE:
      out->from_ms = param->low_ms;
      break;
    case CRN_FHIR_PREFIX_LT:
      out->to_ms = param->low_ms;
      break;
    case CRN_FHIR_PREFIX_LE:
      out->to_ms = param->high_ms;
      break;
    default:
      g_assert_not_reached ();
    }
}

gboolean
crn_fhir_date_params_to_range (const char * const  *values,
                               guint                n_values,
                               const char          *param,
                               CrnFhirInstantRange *out,
                               GError             **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (values != NULL || n_values == 0, FALSE);

  out->from_ms = G_MININT64;
  out->to_ms = G_MAXINT64;

  if (n_values > 16)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, param,
                          _("The search parameter %s is repeated more than 16 times."), param);
      return FALSE;
    }

  for (guint i = 0; i < n_values; i++)
    {
      CrnFhirDateParam value;
      CrnFhirInstantRange range;

      if (!crn_fhir_date_param_parse (values[i], param, &value, error))
        return FALSE;
      crn_fhir_date_param_get_range (&value, &range);
      out->from_ms = MAX (out->from_ms, range.from_ms);
      out->to_ms = MIN (out->to_ms, range.to_ms);
    }
  return TRUE;
}

gboolean
crn_fhir_instant_range_contains (const CrnFhirInstantRange *range,
                                 gint64                     ms)
{
  g_return_val_if_fail (range != NULL, FALSE);

  return ms >= range->from_ms && ms < range->to_ms;
}

/* ---- tokens ------------------------------------------------------------------------------- */

CrnFhirToken *
crn_fhir_token_parse (const char  *text,
                      const char  *param,
                      GError     **error)
{
  g_autoptr(CrnFhirToken) token = NULL;
  const char *bar;

  g_return_val_if_fail (param != NULL, NULL);

  if (!check_text (text, param, error))
    return NULL;

  token = g_new0 (CrnFhirToken, 1);
  bar = strchr (text, '|');
  if (bar == NULL)
    {
      token->value = g_strdup (text);
      return g_steal_pointer (&token);
    }

  if (strchr (bar + 1, '|') != NULL || (bar == text && bar[1] == '\0'))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, param,
                          _("The search parameter %s must be “system|value”, “|value”, "
                            "“system|” or “value”."), param);
      return NULL;
    }

  token->has_system = TRUE;
  if (bar > text)
    {
      g_autofree char *system = g_strndup (text, (gsize) (bar - text));

      token->system = crn_fhir_normalize_system (system);
    }
  if (bar[1] != '\0')
    token->value = g_strdup (bar + 1);
  return g_steal_pointer (&token);
}

void
crn_fhir_token_free (CrnFhirToken *token)
{
  if (token == NULL)
    return;

  g_free (token->system);
  g_free (token->value);
  g_free (token);
}

gboolean
crn_fhir_token_matches (const CrnFhirToken *token,
                        const char         *system,
                        const char         *value)
{
  g_return_val_if_fail (token != NULL, FALSE);

  if (token->value != NULL && g_strcmp0 (token->value, value) != 0)
    return FALSE;
  if (!token->has_system)
    return TRUE;
  if (token->system == NULL)
    return system == NULL || *system == '\0';
  return system != NULL && crn_fhir_system_equal (token->system, system);
}

char *
crn_fhir_token_get_idnps (const CrnFhirToken *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  if (token->value == NULL)
    return NULL;
  if (token->has_system && (token->system == NULL ||
                            !crn_fhir_system_equal (token->system, CRN_FHIR_OID_IDNPS)))
    return NULL;
  return crn_idnps_normalize (token->value);
}

/* ---- lists -------------------------------------------------------------------------------- */

GStrv
crn_fhir_split_or_list (const char  *text,
                        guint        max_items,
                        const char  *param,
                        GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) current = g_string_new (NULL);
  const char *p;

  g_return_val_if_fail (param != NULL, NULL);

  if (!check_text (text, param, error))
    return NULL;

  for (p = text; ; p++)
    {
      if (*p == '\\' && p[1] == ',')
        {
          g_string_append_c (current, ',');
          p++;
          continue;
        }
      if (*p == ',' || *p == '\0')
        {
          char *item = g_strstrip (g_string_free (g_steal_pointer (&current), FALSE));

          current = g_string_new (NULL);
          if (*item == '\0')
            {
              g_free (item);
              crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, param,
                                  _("The search parameter %s has an empty item in its "
                                    "comma-separated list."), param);
              return NULL;
            }
          g_ptr_array_add (items, item);
          if (items->len > max_items)
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, param,
                                  _("The search parameter %s lists more than %u values; "
                                    "split the search."), param, max_items);
              return NULL;
            }
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (current, *p);
    }

  g_ptr_array_add (items, NULL);
  return (GStrv) g_ptr_array_steal (items, NULL);
}

GPtrArray *
crn_fhir_token_list_parse (const char  *text,
                           guint        max_items,
                           const char  *param,
                           GError     **error)
{
  g_auto(GStrv) items = crn_fhir_split_or_list (text, max_items, param, error);
  g_autoptr(GPtrArray) tokens = NULL;

  if (items == NULL)
    return NULL;

  tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_fhir_token_free);
  for (guint i = 0; items[i] != NULL; i++)
    {
      CrnFhirToken *token = crn_fhir_token_parse (items[i], param, error);

      if (token == NULL)
        return NULL;
      g_ptr_array_add (tokens, token);
    }
  return g_steal_pointer (&tokens);
}

GStrv
crn_fhir_idnps_list_parse (const char  *text,
                           guint        max_items,
                           const char  *param,
                           GError     **error)
{
  g_autoptr(GPtrArray) tokens = crn_fhir_token_list_parse (text, max_items, param, error);
  g_autoptr(GPtrArray) result = NULL;

  if (tokens == NULL)
    return NULL;

  result = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < tokens->len; i++)
    {
      const CrnFhirToken *token = g_ptr_array_index (tokens, i);
      char *idnps;
      gboolean duplicate = FALSE;

      if (token->has_system &&
          (token->system == NULL || !crn_fhir_system_equal (token->system, CRN_FHIR_OID_IDNPS)))
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, param,
                              _("The search parameter %s accepts only IDNPS identifiers "
                                "(system urn:oid:1.2.250.1.71.4.2.1)."), param);
          return NULL;
        }
      idnps = crn_fhir_token_get_idnps (token);
      if (idnps == NULL)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, param,
                              _("The search parameter %s has a value that is not an RPPS "
                                "number: give 11 digits, or “8” followed by them."), param);
          return NULL;
        }
      for (guint k = 0; k < result->len && !duplicate; k++)
        duplicate = strcmp (g_ptr_array_index (result, k), idnps) == 0;
      if (duplicate)
        g_free (idnps);
      else
        g_ptr_array_add (result, idnps);
    }

  g_ptr_array_add (result, NULL);
  return (GStrv) g_ptr_array_steal (result, NULL);
}
