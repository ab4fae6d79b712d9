/* crn-slot.c: one consultation time a GP offers ("créneau")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-core-error.h"
#include "crn-slot.h"

G_DEFINE_BOXED_TYPE (CrnSlot, crn_slot, crn_slot_copy, crn_slot_free)

/**
 * crn_slot_new:
 *
 * Returns: (transfer full): an empty free slot (no id, no times)
 */
CrnSlot *
crn_slot_new (void)
{
  CrnSlot *slot = g_new0 (CrnSlot, 1);

  slot->status = CRN_SLOT_STATUS_FREE;
  slot->restriction = CRN_RESTRICTION_NONE;
  return slot;
}

/**
 * crn_slot_copy:
 * @slot: a slot
 *
 * Returns: (transfer full): a deep copy
 */
CrnSlot *
crn_slot_copy (const CrnSlot *slot)
{
  CrnSlot *copy;

  g_return_val_if_fail (slot != NULL, NULL);

  copy = g_new (CrnSlot, 1);
  *copy = *slot;
  copy->id = g_strdup (slot->id);
  copy->practitioner = g_strdup (slot->practitioner);
  copy->place_id = g_strdup (slot->place_id);
  copy->template_block_id = g_strdup (slot->template_block_id);
  copy->restriction_text = g_strdup (slot->restriction_text);
  return copy;
}

/**
 * crn_slot_free:
 * @slot: (nullable): a slot
 */
void
crn_slot_free (CrnSlot *slot)
{
  if (slot == NULL)
    return;
  g_free (slot->id);
  g_free (slot->practitioner);
  g_free (slot->place_id);
  g_free (slot->template_block_id);
  g_free (slot->restriction_text);
  g_free (slot);
}

/**
 * crn_slot_equal:
 * @a: a slot
 * @b: a slot
 *
 * Returns: %TRUE if every field of @a and @b is equal
 */
gboolean
crn_slot_equal (const CrnSlot *a,
                const CrnSlot *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->practitioner, b->practitioner) == 0 &&
         g_strcmp0 (a->place_id, b->place_id) == 0 &&
         g_strcmp0 (a->template_block_id, b->template_block_id) == 0 &&
         a->start == b->start &&
         a->end == b->end &&
         a->modalities == b->modalities &&
         a->visibility == b->visibility &&
         a->restriction == b->restriction &&
         g_strcmp0 (a->restriction_text, b->restriction_text) == 0 &&
         a->status == b->status &&
         a->version == b->version &&
         a->last_updated_ms == b->last_updated_ms;
}

/**
 * crn_slot_validate:
 * @slot: a slot
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Checks the invariants: an id, a practitioner IDNPS, end after start, a modality.
 *
 * Returns: %TRUE if @slot is well formed
 */
gboolean
crn_slot_validate (const CrnSlot *slot,
                   GError       **error)
{
  g_return_val_if_fail (slot != NULL, FALSE);

  if (slot->id == NULL || slot->id[0] == '\0')
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The slot has no identifier."));
      return FALSE;
    }
  if (!crn_idnps_is_valid (slot->practitioner))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The slot’s practitioner “%s” is not an IDNPS: it must be 8 followed "
                     "by the 11 digits of the RPPS number."),
                   slot->practitioner != NULL ? slot->practitioner : "");
      return FALSE;
    }
  if (slot->end <= slot->start)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The slot ends before it starts: its end must be after its "
                             "start."));
      return FALSE;
    }
  if ((slot->modalities & CRN_MODALITY_ALL) == 0 || (slot->modalities & ~CRN_MODALITY_ALL) != 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The slot has no consultation mode: choose “in the practice”, "
                             "“teleconsultation” or “home visit”."));
      return FALSE;
    }
  if ((slot->visibility & ~CRN_VISIBILITY_ALL) != 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The slot’s visibility is not one Créneaux knows."));
      return FALSE;
    }
  if (slot->restriction > CRN_RESTRICTION_OTHER || slot->status > CRN_SLOT_STATUS_ENTERED_IN_ERROR)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The slot’s restriction or status is not one Créneaux knows."));
      return FALSE;
    }
  return TRUE;
}

/**
 * crn_slot_get_minutes:
 * @slot: a slot
 *
 * Returns: its length in whole minutes (0 if end is not after start)
 */
guint
crn_slot_get_minutes (const CrnSlot *slot)
{
  g_return_val_if_fail (slot != NULL, 0);

  if (slot->end <= slot->start)
    return 0;
  return (guint) ((slot->end - slot->start) / 60);
}

/**
 * crn_slot_is_for_regulation:
 * @slot: a slot
 *
 * Returns: %TRUE if regulation sees it (SNP or CPTS label)
 */
gboolean
crn_slot_is_for_regulation (const CrnSlot *slot)
{
  g_return_val_if_fail (slot != NULL, FALSE);

  return (slot->visibility & (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)) != 0;
}

/**
 * crn_slot_compare:
 * @a: a slot
 * @b: a slot
 *
 * Returns: negative, zero or positive, ordering by start, practitioner, then id
 */
int
crn_slot_compare (const CrnSlot *a,
                  const CrnSlot *b)
{
  int c;

  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  c = g_strcmp0 (a->practitioner, b->practitioner);
  if (c != 0)
    return c;
  return g_strcmp0 (a->id, b->id);
}

static gboolean
all_digits (const char *s,
            gsize       n)
{
  if (strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/**
 * crn_idnps_is_valid:
 * @idnps: (nullable): a string
 *
 * Returns: %TRUE for "8" followed by 11 digits
 */
gboolean
crn_idnps_is_valid (const char *idnps)
{
  return idnps != NULL && idnps[0] == '8' && all_digits (idnps, 12);
}

/**
 * crn_idnps_normalize:
 * @rpps_or_idnps: (nullable): an RPPS (11 digits) or an IDNPS (12), spaces allowed
 *
 * Returns: (transfer full) (nullable): the IDNPS, or %NULL if invalid
 */
char *
crn_idnps_normalize (const char *rpps_or_idnps)
{
  g_autoptr(GString) digits = NULL;

  if (rpps_or_idnps == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = rpps_or_idnps; *p != '\0'; p++)
    {
      if (*p == ' ')
        continue;
      if (!g_ascii_isdigit (*p))
        return NULL;
      g_string_append_c (digits, *p);
    }

  if (digits->len == 11)
    g_string_prepend_c (digits, '8');
  if (!crn_idnps_is_valid (digits->str))
    return NULL;
  return g_string_free (g_steal_pointer (&digits), FALSE);
}
