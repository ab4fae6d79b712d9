/* crn-practitioner.c: GPs and places of consultation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-booking.h"
#include "crn-core-error.h"
#include "crn-practitioner.h"
#include "crn-slot.h"

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/**
 * crn_practitioner_new:
 *
 * Returns: (transfer full): an empty practitioner
 */
CrnPractitioner *
crn_practitioner_new (void)
{
  return g_new0 (CrnPractitioner, 1);
}

/**
 * crn_practitioner_copy:
 * @self: a practitioner
 *
 * Returns: (transfer full): a deep copy
 */
CrnPractitioner *
crn_practitioner_copy (const CrnPractitioner *self)
{
  CrnPractitioner *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = crn_practitioner_new ();
  copy->idnps = g_strdup (self->idnps);
  copy->family = g_strdup (self->family);
  copy->given = g_strdup (self->given);
  copy->phone = g_strdup (self->phone);
  copy->organization = g_strdup (self->organization);
  return copy;
}

/**
 * crn_practitioner_free:
 * @self: (nullable): a practitioner
 */
void
crn_practitioner_free (CrnPractitioner *self)
{
  if (self == NULL)
    return;
  g_free (self->idnps);
  g_free (self->family);
  g_free (self->given);
  g_free (self->phone);
  g_free (self->organization);
  g_free (self);
}

/**
 * crn_practitioner_validate:
 * @self: a practitioner
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Returns: %TRUE with a valid IDNPS, a family and a given name, and a French phone number
 *   when one is set
 */
gboolean
crn_practitioner_validate (const CrnPractitioner *self,
                           GError               **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!crn_idnps_is_valid (self->idnps))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("“%s” is not an IDNPS: type 8 followed by the 11 digits of the RPPS "
                     "number."), self->idnps != NULL ? self->idnps : "");
      return FALSE;
    }
  if (is_blank (self->family))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The practitioner’s family name is empty: type it."));
      return FALSE;
    }
  if (is_blank (self->given))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The practitioner’s given name is empty: type it."));
      return FALSE;
    }
  if (self->phone != NULL && self->phone[0] != '\0')
    {
      g_autofree char *normalized = crn_phone_normalize (self->phone);

      if (normalized == NULL)
        {
          g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                       _("“%s” is not a French phone number: type 10 digits such as "
                         "01 23 45 67 89."), self->phone);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * crn_practitioner_get_display_name:
 * @self: a practitioner
 *
 * Returns: (transfer full): "Dr Claire Martin"
 */
char *
crn_practitioner_get_display_name (const CrnPractitioner *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* TRANSLATORS: a doctor's name: "Dr" given family */
  return g_strdup_printf (_("Dr %s %s"),
                          self->given != NULL ? self->given : "",
                          self->family != NULL ? self->family : "");
}

/**
 * crn_place_new:
 *
 * Returns: (transfer full): an empty place
 */
CrnPlace *
crn_place_new (void)
{
  return g_new0 (CrnPlace, 1);
}

/**
 * crn_place_copy:
 * @self: a place
 *
 * Returns: (transfer full): a deep copy
 */
CrnPlace *
crn_place_copy (const CrnPlace *self)
{
  CrnPlace *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = crn_place_new ();
  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  copy->line = g_strdup (self->line);
  copy->postal_code = g_strdup (self->postal_code);
  copy->city = g_strdup (self->city);
  return copy;
}

/**
 * crn_place_free:
 * @self: (nullable): a place
 */
void
crn_place_free (CrnPlace *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self->line);
  g_free (self->postal_code);
  g_free (self->city);
  g_free (self);
}

/**
 * crn_place_validate:
 * @self: a place
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Returns: %TRUE with an id, a name, and a 5-digit postal code when one is set
 */
gboolean
crn_place_validate (const CrnPlace *self,
                    GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (is_blank (self->id))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The place has no identifier."));
      return FALSE;
    }
  if (is_blank (self->name))
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The place has no name: type the practice’s name, e.g. "
                             "“Cabinet du Parc”."));
      return FALSE;
    }
  if (self->postal_code != NULL && self->postal_code[0] != '\0')
    {
      gboolean ok = strlen (self->postal_code) == 5;

      for (guint i = 0; ok && i < 5; i++)
        ok = g_ascii_isdigit (self->postal_code[i]);
      if (!ok)
        {
          g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                       _("“%s” is not a postal code: type its 5 digits."), self->postal_code);
          return FALSE;
        }
    }
  return TRUE;
}
