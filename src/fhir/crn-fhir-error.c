/* crn-fhir-error.c: errors of the FHIR layer, with the FHIRPath of the faulty element
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include "crn-fhir-error.h"
#include "crn-core-error.h"

/* ---- the extended error domain ----------------------------------------------------------- */

typedef struct
{
  char *expression;
} CrnFhirErrorPrivate;

static void
crn_fhir_error_private_init (CrnFhirErrorPrivate *priv)
{
  priv->expression = NULL;
}

static void
crn_fhir_error_private_copy (const CrnFhirErrorPrivate *src,
                             CrnFhirErrorPrivate       *dest)
{
  dest->expression = g_strdup (src->expression);
}

static void
crn_fhir_error_private_clear (CrnFhirErrorPrivate *priv)
{
  g_clear_pointer (&priv->expression, g_free);
}

G_DEFINE_EXTENDED_ERROR (CrnFhirError, crn_fhir_error)

/* ---- public API ---------------------------------------------------------------------------- */

const char *
crn_fhir_error_get_expression (const GError *error)
{
  CrnFhirErrorPrivate *priv;

  if (error == NULL || error->domain != CRN_FHIR_ERROR)
    return NULL;

  priv = crn_fhir_error_get_private (error);
  return priv != NULL ? priv->expression : NULL;
}

const char *
crn_fhir_error_get_issue_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, "processing");

  if (error->domain == CRN_FHIR_ERROR)
    {
      switch ((CrnFhirError) error->code)
        {
        case CRN_FHIR_ERROR_INVALID_JSON:
          return "structure";
        case CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE:
          return "invalid";
        case CRN_FHIR_ERROR_MISSING_FIELD:
          return "required";
        case CRN_FHIR_ERROR_INVALID_VALUE:
          return "value";
        case CRN_FHIR_ERROR_UNKNOWN_CODE:
          return "code-invalid";
        case CRN_FHIR_ERROR_TOO_LARGE:
          return "too-costly";
        default:
          return "invalid";
        }
    }

  if (error->domain == CRN_CORE_ERROR)
    return error->code == CRN_CORE_ERROR_INVALID ? "invalid" : "business-rule";

  return "processing";
}

void
crn_fhir_set_error (GError       **error,
                    CrnFhirError   code,
                    const char    *expression,
                    const char    *format,
                    ...)
{
  g_autofree char *message = NULL;
  CrnFhirErrorPrivate *priv;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (*error != NULL)
    {
      /* Same warning as g_set_error(): a bug in the caller, keep the first error. */
      g_warning ("FHIR error set over a previous error: %s", message);
      return;
    }

  g_set_error_literal (error, CRN_FHIR_ERROR, code, message);

  priv = crn_fhir_error_get_private (*error);
  if (priv != NULL)
    {
      g_free (priv->expression);
      priv->expression = g_strdup (expression);
    }
}
