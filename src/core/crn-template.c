/* crn-template.c: a GP's weekly SNP declaration and its expansion into slots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-core-error.h"
#include "crn-slot.h"
#include "crn-template.h"
#include "crn-time.h"

G_DEFINE_BOXED_TYPE (CrnTemplate, crn_template, crn_template_copy, crn_template_free)

/* ------------------------------------------------------------------ helpers */

static const char *
weekday_abbrev (GDateWeekday wd)
{
  switch (wd)
    {
    case G_DATE_MONDAY:    return C_("weekday", "Mon");
    case G_DATE_TUESDAY:   return C_("weekday", "Tue");
    case G_DATE_WEDNESDAY: return C_("weekday", "Wed");
    case G_DATE_THURSDAY:  return C_("weekday", "Thu");
    case G_DATE_FRIDAY:    return C_("weekday", "Fri");
    case G_DATE_SATURDAY:  return C_("weekday", "Sat");
    case G_DATE_SUNDAY:    return C_("weekday", "Sun");
    case G_DATE_BAD_WEEKDAY:
    default:               return "?";
    }
}

static const char *
month_abbrev (guint month)
{
  switch (month)
    {
    case 1:  return C_("month", "Jan");
    case 2:  return C_("month", "Feb");
    case 3:  return C_("month", "Mar");
    case 4:  return C_("month", "Apr");
    case 5:  return C_("month", "May");
    case 6:  return C_("month", "Jun");
    case 7:  return C_("month", "Jul");
    case 8:  return C_("month", "Aug");
    case 9:  return C_("month", "Sep");
    case 10: return C_("month", "Oct");
    case 11: return C_("month", "Nov");
    case 12: return C_("month", "Dec");
    default: return "?";
    }
}

/* Cuts [start, end) (minutes) the way a block is cut. Returns the number of slots and their
 * nominal length; 0 slots when it cannot be cut. With a number of patients the block is shared
 * out on whole minutes (see add_occurrence()), so "18:00–18:45, 4 patients" gives 4 slots of
 * 11 or 12 minutes that cover the whole block. */
static guint
cut (guint  start,
     guint  end,
     guint  slot_minutes,
     guint  n_patients,
     guint *out_len)
{
  guint span = end > start ? end - start : 0;

  *out_len = 0;
  if (span == 0)
    return 0;
  if (slot_minutes != 0 && n_patients == 0)
    {
      *out_len = slot_minutes;
      return span / slot_minutes;
    }
  if (n_patients != 0 && slot_minutes == 0 && span >= n_patients)
    {
      *out_len = span / n_patients;
      return n_patients;
    }
  return 0;
}

/* Shared checks for a block's and an extra's way of cutting. */
static gboolean
check_cut (guint           start,
           guint           end,
           guint           slot_minutes,
           guint           n_patients,
           CrnModality     modalities,
           CrnVisibility   visibility,
           CrnRestriction  restriction,
           GError        **error)
{
  g_autofree char *s = crn_time_format_minutes (start);
  g_autofree char *e = crn_time_format_minutes (end);
  guint span = end - start;

  if (slot_minutes == 0 && n_patients == 0)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s says neither the length of a slot nor the number of "
                     "patients: give one of them."), s, e);
      return FALSE;
    }
  if (slot_minutes != 0 && n_patients != 0)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s gives both a slot length (%u min) and a number of "
                     "patients (%u): keep only one of them."), s, e, slot_minutes, n_patients);
      return FALSE;
    }
  if (slot_minutes != 0 && slot_minutes > span)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s lasts %u min: a slot of %u min does not fit "
                     "in it."), s, e, span, slot_minutes);
      return FALSE;
    }
  if (n_patients != 0 && span < n_patients)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s lasts %u min: it cannot hold %u patients. Change "
                     "the times or the number of patients."),
                   s, e, span, n_patients);
      return FALSE;
    }
  if ((modalities & CRN_MODALITY_ALL) == 0 || (modalities & ~CRN_MODALITY_ALL) != 0)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s has no consultation mode: choose “in the practice”, "
                     "“teleconsultation” or “home visit”."), s, e);
      return FALSE;
    }
  if ((visibility & ~CRN_VISIBILITY_ALL) != 0 || restriction > CRN_RESTRICTION_OTHER)
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s has a visibility or restriction Créneaux does not "
                     "know."), s, e);
      return FALSE;
    }
  return TRUE;
}

static gboolean
block_applies_on (const CrnTemplateBlock *block,
                  const GDate            *date,
                  GDateWeekday            wd)
{
  if ((block->weekdays & CRN_WEEKDAY_BIT (wd)) == 0)
    return FALSE;
  if (block->months != 0 && (block->months & (1u << (g_date_get_month (date) - 1))) == 0)
    return FALSE;
  if (g_date_valid (&block->valid_from) && g_date_compare (date, &block->valid_from) < 0)
    return FALSE;
  if (g_date_valid (&block->valid_until) && g_date_compare (date, &block->valid_until) > 0)
    return FALSE;
  return TRUE;
}

static CrnSlot *
make_slot (const CrnTemplate *self,
           const char        *source_id,
           const GDate       *date,
           guint              start_minute,
           guint              end_minute,
           CrnModality        modalities,
           CrnVisibility      visibility,
           CrnRestriction     restriction,
           const char        *restriction_text)
{
  CrnSlot *slot;
  char name[256];
  char iso_date[16];
  CrnInstant start = crn_time_from_local (date, start_minute);
  GDate check_date;
  guint check_minute;

  /* A slot whose local start does not exist (spring-forward gap) is not offered; one whose
   * start is ambiguous (autumn fall-back) is offered once, at the first occurrence. Its
   * length is always the block's slot length in real minutes. */
  crn_time_to_local (start, &check_date, &check_minute, NULL);
  if (check_minute != start_minute % 1440 ||
      g_date_days_between (date, &check_date) != (int) (start_minute / 1440))
    return NULL;

  /* What g_date_strftime (…, "%Y-%m-%d", …) writes, without its two iconv conversions per
   * call (the larger part of an expansion's time): the ids must not change. */
  g_snprintf (iso_date, sizeof iso_date, "%u-%02u-%02u", (guint) g_date_get_year (date),
              (guint) g_date_get_month (date), (guint) g_date_get_day (date));
  g_snprintf (name, sizeof name, "%s/%sT%02u:%02u", source_id != NULL ? source_id : "",
              iso_date, start_minute / 60, start_minute % 60);

  slot = crn_slot_new ();
  slot->id = crn_uuid_from_name (name);
  slot->practitioner = g_strdup (self->practitioner);
  slot->place_id = g_strdup (self->place_id);
  slot->template_block_id = g_strdup (source_id);
  slot->start = start;
  slot->end = start + (CrnInstant) (end_minute - start_minute) * 60;
  slot->modalities = modalities;
  slot->visibility = visibility;
  slot->restriction = restriction;
  slot->restriction_text = restriction == CRN_RESTRICTION_OTHER ? g_strdup (restriction_text)
                                                                : NULL;
  slot->status = CRN_SLOT_STATUS_FREE;
  return slot;
}

static int
compare_slot_ptrs (gconstpointer a,
                   gconstpointer b)
{
  return crn_slot_compare (*(CrnSlot * const *) a, *(CrnSlot * const *) b);
}

static gboolean
ranges_overlap (guint a_start,
                guint a_end,
                guint b_start,
                guint b_end)
{
  return a_start < b_end && b_start < a_end;
}

static gboolean
periods_overlap (const CrnTemplateBlock *a,
                 const CrnTemplateBlock *b)
{
  /* [a_from, a_until] and [b_from, b_until], open ends allowed */
  if (g_date_valid (&a->valid_from) && g_date_valid (&b->valid_until) &&
      g_date_compare (&a->valid_from, &b->valid_until) > 0)
    return FALSE;
  if (g_date_valid (&b->valid_from) && g_date_valid (&a->valid_until) &&
      g_date_compare (&b->valid_from, &a->valid_until) > 0)
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ blocks */

/**
 * crn_template_block_new:
 *
 * Returns: (transfer full): an empty block (open validity, every month, in the practice,
 *   visible to SNP regulation)
 */
CrnTemplateBlock *
crn_template_block_new (void)
{
  CrnTemplateBlock *block = g_new0 (CrnTemplateBlock, 1);

  block->modalities = CRN_MODALITY_AMB;
  block->visibility = CRN_VISIBILITY_SNP;
  block->restriction = CRN_RESTRICTION_NONE;
  g_date_clear (&block->valid_from, 1);
  g_date_clear (&block->valid_until, 1);
  return block;
}

/**
 * crn_template_block_copy:
 * @block: a block
 *
 * Returns: (transfer full): a deep copy
 */
CrnTemplateBlock *
crn_template_block_copy (const CrnTemplateBlock *block)
{
  CrnTemplateBlock *copy;

  g_return_val_if_fail (block != NULL, NULL);

  copy = g_new (CrnTemplateBlock, 1);
  *copy = *block;
  copy->id = g_strdup (block->id);
  copy->restriction_text = g_strdup (block->restriction_text);
  return copy;
}

/**
 * crn_template_block_free:
 * @block: (nullable): a block
 */
void
crn_template_block_free (CrnTemplateBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->id);
  g_free (block->restriction_text);
  g_free (block);
}

static gboolean
dates_equal (const GDate *a,
             const GDate *b)
{
  if (g_date_valid (a) != g_date_valid (b))
    return FALSE;
  return !g_date_valid (a) || g_date_compare (a, b) == 0;
}

/**
 * crn_template_block_equal:
 * @a: a block
 * @b: a block
 *
 * Returns: %TRUE if every field is equal
 */
gboolean
crn_template_block_equal (const CrnTemplateBlock *a,
                          const CrnTemplateBlock *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->id, b->id) == 0 &&
         a->weekdays == b->weekdays &&
         a->start_minute == b->start_minute &&
         a->end_minute == b->end_minute &&
         a->slot_minutes == b->slot_minutes &&
         a->n_patients == b->n_patients &&
         a->months == b->months &&
         a->modalities == b->modalities &&
         a->visibility == b->visibility &&
         a->restriction == b->restriction &&
         g_strcmp0 (a->restriction_text, b->restriction_text) == 0 &&
         dates_equal (&a->valid_from, &b->valid_from) &&
         dates_equal (&a->valid_until, &b->valid_until);
}

/**
 * crn_template_block_validate:
 * @block: a block
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Returns: %TRUE if the block is well formed (SNP hours are not checked here)
 */
gboolean
crn_template_block_validate (const CrnTemplateBlock *block,
                             GError                **error)
{
  g_return_val_if_fail (block != NULL, FALSE);

  if (block->id == NULL || block->id[0] == '\0')
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The block has no identifier."));
      return FALSE;
    }
  if ((block->weekdays & 0x7f) == 0 || (block->weekdays & ~0x7f) != 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The block has no day of the week: choose at least one day."));
      return FALSE;
    }
  if (block->end_minute > 24 * 60 || block->start_minute >= block->end_minute)
    {
      g_autofree char *s = crn_time_format_minutes (block->start_minute);
      g_autofree char *e = crn_time_format_minutes (block->end_minute);

      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block %s–%s does not make sense: it must end after it starts, on "
                     "the same day."), s, e);
      return FALSE;
    }
  if (!check_cut (block->start_minute, block->end_minute, block->slot_minutes,
                  block->n_patients, block->modalities, block->visibility,
                  block->restriction, error))
    return FALSE;
  if ((block->months & ~0xfff) != 0)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The block’s months are not months of the year."));
      return FALSE;
    }
  if (g_date_valid (&block->valid_from) && g_date_valid (&block->valid_until) &&
      g_date_compare (&block->valid_from, &block->valid_until) > 0)
    {
      char from[16], until[16];

      g_date_strftime (from, sizeof from, "%Y-%m-%d", &block->valid_from);
      g_date_strftime (until, sizeof until, "%Y-%m-%d", &block->valid_until);
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The block is valid from %s until %s: the first day must come before "
                     "the last."), from, until);
      return FALSE;
    }
  return TRUE;
}

/**
 * crn_template_block_get_n_slots:
 * @block: a block
 *
 * Returns: how many slots one occurrence yields (0 if it cannot be cut)
 */
guint
crn_template_block_get_n_slots (const CrnTemplateBlock *block)
{
  guint len;

  g_return_val_if_fail (block != NULL, 0);

  return cut (block->start_minute, block->end_minute, block->slot_minutes,
              block->n_patients, &len);
}

/**
 * crn_template_block_get_slot_minutes:
 * @block: a block
 *
 * Returns: the length of one slot in minutes (0 if it cannot be cut)
 */
guint
crn_template_block_get_slot_minutes (const CrnTemplateBlock *block)
{
  guint len;

  g_return_val_if_fail (block != NULL, 0);

  cut (block->start_minute, block->end_minute, block->slot_minutes, block->n_patients, &len);
  return len;
}

/**
 * crn_template_block_describe:
 * @block: a block
 *
 * Returns: (transfer full): "Mon, Tue, Thu 14:00–15:00 · 20 min", with "· 3 × 10 min" for
 *   a number of patients and the months when limited ("· Jul, Aug")
 */
char *
crn_template_block_describe (const CrnTemplateBlock *block)
{
  g_autoptr(GString) str = g_string_new (NULL);
  g_autofree char *s = NULL;
  g_autofree char *e = NULL;

  g_return_val_if_fail (block != NULL, NULL);

  for (guint wd = G_DATE_MONDAY; wd <= G_DATE_SUNDAY; wd++)
    if (block->weekdays & CRN_WEEKDAY_BIT (wd))
      {
        if (str->len > 0)
          g_string_append (str, ", ");
        g_string_append (str, weekday_abbrev ((GDateWeekday) wd));
      }

  s = crn_time_format_minutes (block->start_minute);
  e = crn_time_format_minutes (block->end_minute);
  g_string_append_printf (str, " %s–%s · ", s, e);
  if (block->n_patients != 0 && block->end_minute > block->start_minute &&
      (block->end_minute - block->start_minute) % block->n_patients == 0)
    /* TRANSLATORS: number of slots × their length */
    g_string_append_printf (str, _("%u × %u min"), block->n_patients,
                            crn_template_block_get_slot_minutes (block));
  else if (block->n_patients != 0)
    g_string_append_printf (str, g_dngettext (GETTEXT_PACKAGE, "%u patient", "%u patients",
                                              block->n_patients),
                            (guint) block->n_patients);
  else
    g_string_append_printf (str, _("%u min"), (guint) block->slot_minutes);

  if (block->months != 0)
    {
      gboolean first = TRUE;

      g_string_append (str, " · ");
      for (guint m = 1; m <= 12; m++)
        if (block->months & (1u << (m - 1)))
          {
            if (!first)
              g_string_append (str, ", ");
            g_string_append (str, month_abbrev (m));
            first = FALSE;
          }
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* ------------------------------------------------------------------ exceptions */

/**
 * crn_template_exception_new:
 *
 * Returns: (transfer full): an empty absence
 */
CrnTemplateException *
crn_template_exception_new (void)
{
  CrnTemplateException *exception = g_new0 (CrnTemplateException, 1);

  exception->kind = CRN_EXCEPTION_ABSENCE;
  exception->modalities = CRN_MODALITY_AMB;
  exception->visibility = CRN_VISIBILITY_SNP;
  return exception;
}

/**
 * crn_template_exception_copy:
 * @exception: an exception
 *
 * Returns: (transfer full): a deep copy
 */
CrnTemplateException *
crn_template_exception_copy (const CrnTemplateException *exception)
{
  CrnTemplateException *copy;

  g_return_val_if_fail (exception != NULL, NULL);

  copy = g_new (CrnTemplateException, 1);
  *copy = *exception;
  copy->id = g_strdup (exception->id);
  copy->reason = g_strdup (exception->reason);
  copy->restriction_text = g_strdup (exception->restriction_text);
  return copy;
}

/**
 * crn_template_exception_free:
 * @exception: (nullable): an exception
 */
void
crn_template_exception_free (CrnTemplateException *exception)
{
  if (exception == NULL)
    return;
  g_free (exception->id);
  g_free (exception->reason);
  g_free (exception->restriction_text);
  g_free (exception);
}

/**
 * crn_template_exception_equal:
 * @a: an exception
 * @b: an exception
 *
 * Returns: %TRUE if every field is equal
 */
gboolean
crn_template_exception_equal (const CrnTemplateException *a,
                              const CrnTemplateException *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->id, b->id) == 0 &&
         a->kind == b->kind &&
         a->start == b->start &&
         a->end == b->end &&
         g_strcmp0 (a->reason, b->reason) == 0 &&
         a->slot_minutes == b->slot_minutes &&
         a->n_patients == b->n_patients &&
         a->modalities == b->modalities &&
         a->visibility == b->visibility &&
         a->restriction == b->restriction &&
         g_strcmp0 (a->restriction_text, b->restriction_text) == 0;
}

/* The local [start, end) minutes of an extra, on the local date of its start. */
static void
extra_local_span (const CrnTemplateException *exception,
                  GDate                      *date,
                  guint                      *start_minute,
                  guint                      *end_minute)
{
  GDate end_date;
  guint end_min;

  crn_time_to_local (exception->start, date, start_minute, NULL);
  crn_time_to_local (exception->end, &end_date, &end_min, NULL);
  *end_minute = end_min + 1440u * (guint) MAX (0, g_date_days_between (date, &end_date));
}

/**
 * crn_template_exception_validate:
 * @exception: an exception
 * @error: a #GError of %CRN_CORE_ERROR_INVALID
 *
 * Returns: %TRUE for an id, an end after the start and, for an extra block, a way of
 *   cutting it into at least one slot
 */
gboolean
crn_template_exception_validate (const CrnTemplateException *exception,
                                 GError                    **error)
{
  g_return_val_if_fail (exception != NULL, FALSE);

  if (exception->id == NULL || exception->id[0] == '\0')
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The exception has no identifier."));
      return FALSE;
    }
  if (exception->kind != CRN_EXCEPTION_ABSENCE && exception->kind != CRN_EXCEPTION_EXTRA)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("The exception is neither an absence nor an extra block."));
      return FALSE;
    }
  if (exception->end <= exception->start)
    {
      g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           exception->kind == CRN_EXCEPTION_ABSENCE
                           ? _("The absence ends before it starts: its end must be after its "
                               "start.")
                           : _("The extra block ends before it starts: its end must be after "
                               "its start."));
      return FALSE;
    }
  if (exception->kind == CRN_EXCEPTION_EXTRA)
    {
      GDate date;
      guint start_minute, end_minute;

      extra_local_span (exception, &date, &start_minute, &end_minute);
      if (end_minute > 24 * 60)
        {
          g_set_error_literal (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                               _("The extra block runs past midnight: end it on the day it "
                                 "starts."));
          return FALSE;
        }
      if (!check_cut (start_minute, end_minute, exception->slot_minutes,
                      exception->n_patients, exception->modalities, exception->visibility,
                      exception->restriction, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ template */

/**
 * crn_template_new:
 * @practitioner: (nullable): IDNPS of the GP
 * @place_id: (nullable): the place of consultation
 *
 * Returns: (transfer full): an empty template with a fresh id
 */
CrnTemplate *
crn_template_new (const char *practitioner,
                  const char *place_id)
{
  CrnTemplate *self = g_new0 (CrnTemplate, 1);

  self->id = crn_uuid_new ();
  self->practitioner = g_strdup (practitioner);
  self->place_id = g_strdup (place_id);
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_template_block_free);
  self->exceptions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_template_exception_free);
  return self;
}

/**
 * crn_template_copy:
 * @self: a template
 *
 * Returns: (transfer full): a deep copy
 */
CrnTemplate *
crn_template_copy (const CrnTemplate *self)
{
  CrnTemplate *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = crn_template_new (self->practitioner, self->place_id);
  g_free (copy->id);
  copy->id = g_strdup (self->id);
  copy->version = self->version;
  copy->last_updated_ms = self->last_updated_ms;
  for (guint i = 0; i < self->blocks->len; i++)
    g_ptr_array_add (copy->blocks, crn_template_block_copy (g_ptr_array_index (self->blocks, i)));
  for (guint i = 0; i < self->exceptions->len; i++)
    g_ptr_array_add (copy->exceptions,
                     crn_template_exception_copy (g_ptr_array_index (self->exceptions, i)));
  return copy;
}

/**
 * crn_template_free:
 * @self: (nullable): a template
 */
void
crn_template_free (CrnTemplate *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->practitioner);
  g_free (self->place_id);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->exceptions, g_ptr_array_unref);
  g_free (self);
}

/**
 * crn_template_equal:
 * @a: a template
 * @b: a template
 *
 * Returns: %TRUE if every field is equal, blocks and exceptions in the same order
 */
gboolean
crn_template_equal (const CrnTemplate *a,
                    const CrnTemplate *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (g_strcmp0 (a->id, b->id) != 0 ||
      g_strcmp0 (a->practitioner, b->practitioner) != 0 ||
      g_strcmp0 (a->place_id, b->place_id) != 0 ||
      a->version != b->version ||
      a->last_updated_ms != b->last_updated_ms ||
      a->blocks->len != b->blocks->len ||
      a->exceptions->len != b->exceptions->len)
    return FALSE;
  for (guint i = 0; i < a->blocks->len; i++)
    if (!crn_template_block_equal (g_ptr_array_index (a->blocks, i),
                                   g_ptr_array_index (b->blocks, i)))
      return FALSE;
  for (guint i = 0; i < a->exceptions->len; i++)
    if (!crn_template_exception_equal (g_ptr_array_index (a->exceptions, i),
                                       g_ptr_array_index (b->exceptions, i)))
      return FALSE;
  return TRUE;
}

/**
 * crn_template_add_block:
 * @self: a template
 * @block: (transfer full): a block
 */
void
crn_template_add_block (CrnTemplate      *self,
                        CrnTemplateBlock *block)
{
  g_return_if_fail (self != NULL && block != NULL);

  g_ptr_array_add (self->blocks, block);
}

/**
 * crn_template_add_exception:
 * @self: a template
 * @exception: (transfer full): an exception
 */
void
crn_template_add_exception (CrnTemplate          *self,
                            CrnTemplateException *exception)
{
  g_return_if_fail (self != NULL && exception != NULL);

  g_ptr_array_add (self->exceptions, exception);
}

/**
 * crn_template_validate:
 * @self: a template
 * @error: a #GError of %CRN_CORE_ERROR_INVALID or %CRN_CORE_ERROR_OVERLAP
 *
 * Returns: %TRUE if every block and exception is valid and no two blocks overlap on a day,
 *   month and period they share
 */
gboolean
crn_template_validate (const CrnTemplate *self,
                       GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!crn_idnps_is_valid (self->practitioner))
    {
      g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                   _("The template’s practitioner “%s” is not an IDNPS: it must be 8 "
                     "followed by the 11 digits of the RPPS number."),
                   self->practitioner != NULL ? self->practitioner : "");
      return FALSE;
    }

  for (guint i = 0; i < self->blocks->len; i++)
    if (!crn_template_block_validate (g_ptr_array_index (self->blocks, i), error))
      return FALSE;
  for (guint i = 0; i < self->exceptions->len; i++)
    {
      const CrnTemplateException *ex = g_ptr_array_index (self->exceptions, i);

      if (!crn_template_exception_validate (ex, error))
        return FALSE;
      for (guint j = 0; j < self->blocks->len; j++)
        if (g_strcmp0 (ex->id, ((CrnTemplateBlock *) g_ptr_array_index (self->blocks, j))->id) == 0)
          {
            g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                         _("An exception and a block share the identifier “%s”: each needs "
                           "its own."), ex->id);
            return FALSE;
          }
      for (guint j = i + 1; j < self->exceptions->len; j++)
        if (g_strcmp0 (ex->id,
                       ((CrnTemplateException *) g_ptr_array_index (self->exceptions, j))->id) == 0)
          {
            g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                         _("Two exceptions share the identifier “%s”: each needs its own."),
                         ex->id);
            return FALSE;
          }
    }

  for (guint i = 0; i < self->blocks->len; i++)
    {
      const CrnTemplateBlock *a = g_ptr_array_index (self->blocks, i);

      for (guint j = i + 1; j < self->blocks->len; j++)
        {
          const CrnTemplateBlock *b = g_ptr_array_index (self->blocks, j);
          guint16 months_a = a->months != 0 ? a->months : 0xfff;
          guint16 months_b = b->months != 0 ? b->months : 0xfff;

          if (g_strcmp0 (a->id, b->id) == 0)
            {
              g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID,
                           _("Two blocks share the identifier “%s”: each block needs its "
                             "own."), a->id);
              return FALSE;
            }

          if ((a->weekdays & b->weekdays) != 0 &&
              (months_a & months_b) != 0 &&
              ranges_overlap (a->start_minute, a->end_minute, b->start_minute, b->end_minute) &&
              periods_overlap (a, b))
            {
              g_autofree char *da = crn_template_block_describe (a);
              g_autofree char *db = crn_template_block_describe (b);

              g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OVERLAP,
                           _("The blocks “%s” and “%s” overlap: change the times or the days "
                             "of one of them."), da, db);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Adds the slots of one occurrence cut from [start_minute, end_minute) on @date. */
static void
add_occurrence (GPtrArray         *slots,
                const CrnTemplate *self,
                const char        *source_id,
                const GDate       *date,
                guint              start_minute,
                guint              end_minute,
                guint              slot_minutes,
                guint              n_patients,
                CrnModality        modalities,
                CrnVisibility      visibility,
                CrnRestriction     restriction,
                const char        *restriction_text)
{
  guint len;
  guint n = cut (start_minute, end_minute, slot_minutes, n_patients, &len);

  for (guint k = 0; k < n; k++)
    {
      guint s, e;
      CrnSlot *slot;

      if (slot_minutes != 0)
        {
          s = start_minute + k * len;
          e = s + len;
        }
      else
        {
          /* N patients share the block out on whole minutes; the boundaries fall at
           * start + k·span/N, so the slots differ by at most one minute and end with it. */
          s = start_minute + k * (end_minute - start_minute) / n;
          e = start_minute + (k + 1) * (end_minute - start_minute) / n;
        }
      slot = make_slot (self, source_id, date, s, e, modalities, visibility,
                        restriction, restriction_text);

      if (slot != NULL)
        g_ptr_array_add (slots, slot);
    }
}

GPtrArray *
crn_template_expand (const CrnTemplate *self,
                     const GDate       *from,
                     const GDate       *to)
{
  g_autoptr(GPtrArray) slots = NULL;
  GDate date;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (from != NULL && g_date_valid (from), NULL);
  g_return_val_if_fail (to != NULL && g_date_valid (to), NULL);

  slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);

  /* Weekly blocks */
  for (date = *from; g_date_compare (&date, to) <= 0; g_date_add_days (&date, 1))
    {
      GDateWeekday wd = g_date_get_weekday (&date);

      for (guint i = 0; i < self->blocks->len; i++)
        {
          const CrnTemplateBlock *block = g_ptr_array_index (self->blocks, i);

          if (block->start_minute >= block->end_minute || block->end_minute > 24 * 60)
            continue;
          if (!block_applies_on (block, &date, wd))
            continue;
          add_occurrence (slots, self, block->id, &date, block->start_minute,
                          block->end_minute, block->slot_minutes, block->n_patients,
                          block->modalities, block->visibility, block->restriction,
                          block->restriction_text);
        }
    }

  /* One-off extra blocks whose start's local date is in the range */
  for (guint i = 0; i < self->exceptions->len; i++)
    {
      const CrnTemplateException *ex = g_ptr_array_index (self->exceptions, i);
      guint start_minute, end_minute;

      if (ex->kind != CRN_EXCEPTION_EXTRA || ex->end <= ex->start)
        continue;
      extra_local_span (ex, &date, &start_minute, &end_minute);
      if (g_date_compare (&date, from) < 0 || g_date_compare (&date, to) > 0)
        continue;
      add_occurrence (slots, self, ex->id, &date, start_minute, end_minute,
                      ex->slot_minutes, ex->n_patients, ex->modalities, ex->visibility,
                      ex->restriction, ex->restriction_text);
    }

  /* Absences remove every slot overlapping them, extra ones included */
  for (guint i = 0; i < self->exceptions->len; i++)
    {
      const CrnTemplateException *ex = g_ptr_array_index (self->exceptions, i);

      if (ex->kind != CRN_EXCEPTION_ABSENCE)
        continue;
      for (guint k = slots->len; k > 0; k--)
        {
          const CrnSlot *slot = g_ptr_array_index (slots, k - 1);

          if (slot->start < ex->end && ex->start < slot->end)
            g_ptr_array_remove_index_fast (slots, k - 1);
        }
    }

  g_ptr_array_sort (slots, compare_slot_ptrs);
  return g_steal_pointer (&slots);
}

/**
 * crn_template_regulation_minutes_in_week:
 * @self: a template
 * @day: any local date of the ISO week
 *
 * Returns: the minutes of slots visible to regulation (SNP or CPTS) in that week, after
 *   absences and extras
 */
guint
crn_template_regulation_minutes_in_week (const CrnTemplate *self,
                                         const GDate       *day)
{
  g_autoptr(GPtrArray) slots = NULL;
  GDate monday, sunday;
  guint minutes = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (day != NULL && g_date_valid (day), 0);

  monday = *day;
  g_date_subtract_days (&monday, g_date_get_weekday (day) - G_DATE_MONDAY);
  sunday = monday;
  g_date_add_days (&sunday, 6);

  slots = crn_template_expand (self, &monday, &sunday);
  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);

      if (crn_slot_is_for_regulation (slot) && slot->status != CRN_SLOT_STATUS_ENTERED_IN_ERROR)
        minutes += crn_slot_get_minutes (slot);
    }
  return minutes;
}
