/* fuzz-template.c: template and recurrence input -> crn_template_validate/_expand
 *
 * The input bytes are decoded into a CrnTemplate (weekly blocks with weekdays, hours, slot
 * length or patient count, months, validity dates; absences and extra blocks), the way an
 * editor or a sync could fill one, including values the types allow but the rules refuse.
 * Every template goes through crn_template_validate(); a valid one is expanded over up to
 * two weeks starting anywhere from October 2026 to June 2027 (both DST changes), and
 *
 * - every slot validates, ends after it starts, and slots are sorted by start;
 * - no slot overlaps an absence;
 * - no two slots share an id;
 * - the template builds into a FHIR Schedule that parses back into an equal template.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include "fuzz.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static char *
read_id (FuzzReader *reader,
         const char *prefix,
         guint       index)
{
  /* Mostly stable UUIDs as the app makes them; sometimes any text. */
  if (fuzz_reader_u8 (reader) < 240)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", prefix, index);

      return crn_uuid_from_name (name);
    }
  {
    g_autofree char *bytes = fuzz_reader_string (reader, 40);

    return g_utf8_make_valid (bytes, -1);
  }
}

/* Texts come from GTK entries or from crn_fhir_parse(), both UTF-8. */
static char *
read_text (FuzzReader *reader)
{
  g_autofree char *bytes = fuzz_reader_string (reader, 40);

  if (bytes[0] == '\0')
    return NULL;
  return g_utf8_make_valid (bytes, -1);
}

static void
read_date (FuzzReader  *reader,
           const GDate *base,
           GDate       *out)
{
  guint8 offset = fuzz_reader_u8 (reader);

  g_date_clear (out, 1);
  if (offset == 0)
    return;   /* open */
  *out = *base;
  if (offset >= 128)
    g_date_add_days (out, offset - 128);
  else
    g_date_subtract_days (out, 128 - offset);
}

static CrnTemplateBlock *
read_block (FuzzReader  *reader,
            const GDate *base,
            guint        index)
{
  CrnTemplateBlock *block = crn_template_block_new ();

  block->id = read_id (reader, "block", index);
  block->weekdays = fuzz_reader_u8 (reader);
  block->start_minute = fuzz_reader_u16 (reader) % 1500;
  block->end_minute = fuzz_reader_u16 (reader) % 1500;
  block->slot_minutes = fuzz_reader_u8 (reader);
  block->n_patients = fuzz_reader_u8 (reader);
  block->months = fuzz_reader_u16 (reader);
  block->modalities = fuzz_reader_u8 (reader) % 16;
  block->visibility = fuzz_reader_u8 (reader) % 32;
  block->restriction = fuzz_reader_u8 (reader) % 4;
  block->restriction_text = read_text (reader);
  /* The text goes with CRN_RESTRICTION_OTHER only, as the editor and the FHIR reader do. */
  if (block->restriction != CRN_RESTRICTION_OTHER)
    g_clear_pointer (&block->restriction_text, g_free);
  read_date (reader, base, &block->valid_from);
  read_date (reader, base, &block->valid_until);
  return block;
}

static CrnTemplateException *
read_exception (FuzzReader *reader,
                CrnInstant  base,
                guint       index)
{
  CrnTemplateException *exception = crn_template_exception_new ();

  exception->id = read_id (reader, "exception", index);
  exception->kind = fuzz_reader_u8 (reader) % 2;
  /* Anywhere from ten days before the base to eighty days after, to the minute. */
  exception->start = base + ((CrnInstant) (fuzz_reader_u32 (reader) % (90 * 24 * 60)) -
                             10 * 24 * 60) * 60;
  exception->end = exception->start + ((CrnInstant) fuzz_reader_u16 (reader) - 1000) * 60;
  exception->reason = read_text (reader);
  /* A reason goes with an absence (unavailabilityReason); an extra block has none. */
  if (exception->kind != CRN_EXCEPTION_ABSENCE)
    g_clear_pointer (&exception->reason, g_free);
  {
    guint8 slot_minutes = fuzz_reader_u8 (reader);
    guint8 n_patients = fuzz_reader_u8 (reader);
    guint8 modalities = fuzz_reader_u8 (reader) % 16;
    guint8 visibility = fuzz_reader_u8 (reader) % 32;
    guint8 restriction = fuzz_reader_u8 (reader) % 4;
    char *restriction_text = read_text (reader);

    /* The slot fields are for extra blocks only (absences keep the defaults). */
    if (exception->kind == CRN_EXCEPTION_EXTRA)
      {
        exception->slot_minutes = slot_minutes;
        exception->n_patients = n_patients;
        exception->modalities = modalities;
        exception->visibility = visibility;
        exception->restriction = restriction;
        exception->restriction_text = restriction_text;
        if (restriction != CRN_RESTRICTION_OTHER)
          g_clear_pointer (&exception->restriction_text, g_free);
      }
    else
      g_free (restriction_text);
  }
  return exception;
}

/* Names the first field that differs, for the report of a finding. */
static void
print_difference (const CrnTemplate *a,
                  const CrnTemplate *b,
                  JsonNode          *schedule)
{
  g_autofree char *text = crn_fhir_to_string (schedule, TRUE);

  g_printerr ("template id %s/%s practitioner %s/%s place %s/%s, %u/%u blocks, "
              "%u/%u exceptions\n", a->id, b->id, a->practitioner, b->practitioner,
              a->place_id, b->place_id, a->blocks->len, b->blocks->len,
              a->exceptions->len, b->exceptions->len);
  for (guint i = 0; i < MIN (a->blocks->len, b->blocks->len); i++)
    if (!crn_template_block_equal (g_ptr_array_index (a->blocks, i),
                                   g_ptr_array_index (b->blocks, i)))
      {
        const CrnTemplateBlock *x = g_ptr_array_index (a->blocks, i);
        const CrnTemplateBlock *y = g_ptr_array_index (b->blocks, i);

        g_printerr ("block %u differs: weekdays %u/%u minutes %u-%u/%u-%u slot %u/%u "
                    "patients %u/%u months %u/%u modalities %u/%u visibility %u/%u "
                    "restriction %u/%u text %s/%s from %u/%u until %u/%u\n", i,
                    x->weekdays, y->weekdays, x->start_minute, x->end_minute,
                    y->start_minute, y->end_minute, x->slot_minutes, y->slot_minutes,
                    x->n_patients, y->n_patients, x->months, y->months, x->modalities,
                    y->modalities, x->visibility, y->visibility, x->restriction,
                    y->restriction, x->restriction_text, y->restriction_text,
                    g_date_valid (&x->valid_from) ? g_date_get_julian (&x->valid_from) : 0,
                    g_date_valid (&y->valid_from) ? g_date_get_julian (&y->valid_from) : 0,
                    g_date_valid (&x->valid_until) ? g_date_get_julian (&x->valid_until) : 0,
                    g_date_valid (&y->valid_until) ? g_date_get_julian (&y->valid_until) : 0);
      }
  for (guint i = 0; i < MIN (a->exceptions->len, b->exceptions->len); i++)
    if (!crn_template_exception_equal (g_ptr_array_index (a->exceptions, i),
                                       g_ptr_array_index (b->exceptions, i)))
      {
        const CrnTemplateException *x = g_ptr_array_index (a->exceptions, i);
        const CrnTemplateException *y = g_ptr_array_index (b->exceptions, i);

        g_printerr ("exception %u differs: id %s/%s kind %u/%u start %" G_GINT64_FORMAT "/%"
                    G_GINT64_FORMAT " end %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                    " reason %s/%s slot %u/%u patients %u/%u modalities %u/%u "
                    "visibility %u/%u restriction %u/%u text %s/%s\n", i, x->id, y->id,
                    x->kind, y->kind, x->start, y->start, x->end, y->end, x->reason,
                    y->reason, x->slot_minutes, y->slot_minutes, x->n_patients,
                    y->n_patients, x->modalities, y->modalities, x->visibility,
                    y->visibility, x->restriction, y->restriction, x->restriction_text,
                    y->restriction_text);
      }
  g_printerr ("%s\n", text);
}

static void
check_slots (const CrnTemplate *template,
             GPtrArray         *slots)
{
  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);
      g_autoptr(GError) error = NULL;

      if (!crn_slot_validate (slot, &error))
        fuzz_fail ("an expanded slot is invalid: %s", error->message);
      if (slot->end <= slot->start)
        fuzz_fail ("an expanded slot ends before it starts");
      if (i > 0 && ((const CrnSlot *) g_ptr_array_index (slots, i - 1))->start > slot->start)
        fuzz_fail ("expanded slots are not sorted by start");
      for (guint j = 0; j < template->exceptions->len; j++)
        {
          const CrnTemplateException *e = g_ptr_array_index (template->exceptions, j);

          if (e->kind == CRN_EXCEPTION_ABSENCE && slot->start < e->end && slot->end > e->start)
            fuzz_fail ("slot %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " overlaps absence %u",
                       slot->start, slot->end, j);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(CrnTemplate) template = crn_template_new ("899700123456", "place-tilleuls");
  g_autoptr(GError) error = NULL;
  FuzzReader reader;
  GDate base, to;
  CrnInstant base_instant;
  guint n_days, n_blocks, n_exceptions;

  fuzz_reader_init (&reader, data, size);
  g_date_clear (&base, 1);
  g_date_set_dmy (&base, 1, G_DATE_OCTOBER, 2026);
  g_date_add_days (&base, fuzz_reader_u8 (&reader));
  base_instant = crn_time_from_local (&base, 0);
  n_days = fuzz_reader_u8 (&reader) % 15;
  n_blocks = fuzz_reader_u8 (&reader) % 6;
  n_exceptions = fuzz_reader_u8 (&reader) % 5;
  g_free (template->id);
  template->id = crn_uuid_from_name ("template");

  for (guint i = 0; i < n_blocks; i++)
    crn_template_add_block (template, read_block (&reader, &base, i));
  for (guint i = 0; i < n_exceptions; i++)
    crn_template_add_exception (template, read_exception (&reader, base_instant, i));

  if (!crn_template_validate (template, &error))
    {
      fuzz_check_error (error, "crn_template_validate");
      return 0;
    }

  for (guint i = 0; i < template->blocks->len; i++)
    {
      g_autofree char *text = crn_template_block_describe (g_ptr_array_index (template->blocks, i));

      if (text == NULL || !g_utf8_validate (text, -1, NULL))
        fuzz_fail ("crn_template_block_describe gave no or invalid text");
    }

  to = base;
  g_date_add_days (&to, n_days);
  {
    g_autoptr(GPtrArray) slots = crn_template_expand (template, &base, &to);
    g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

    if (slots == NULL)
      fuzz_fail ("crn_template_expand returned NULL for a valid template");
    check_slots (template, slots);
    for (guint i = 0; i < slots->len; i++)
      {
        const CrnSlot *slot = g_ptr_array_index (slots, i);

        if (!g_hash_table_add (ids, slot->id))
          fuzz_fail ("two expanded slots have the id %s", slot->id);
      }
  }
  crn_template_regulation_minutes_in_week (template, &base);

  {
    CrnFhirScheduleOptions options = {
      .identifier_system = "https://agenda.cpts-exemple.fr/fhir/sid/schedule",
      .availability_system = "https://agenda.cpts-exemple.fr/fhir/sid/availability",
    };
    g_autoptr(JsonNode) built = crn_fhir_schedule_build (template, &options);
    g_autoptr(JsonNode) again = fuzz_reparse (built, "crn_fhir_schedule_build");
    g_autoptr(CrnTemplate) template2 = crn_fhir_schedule_parse (again, NULL, &error);

    if (template2 == NULL)
      fuzz_fail ("the Schedule of a valid template does not parse: %s", error->message);
    if (!crn_template_equal (template, template2))
      {
        print_difference (template, template2, built);
        fuzz_fail ("a valid template changed on a Schedule build/parse round trip");
      }
  }
  return 0;
}
