/* test-template.c: template blocks, exceptions, validation and expansion into slots
 *
 * The expected values are written out by hand (local times, counts, UTC instants) from
 * real SNP declarations; local times of the results are read back with GLib alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crn-test-util.h"

#define JUL (1u << 6)
#define AUG (1u << 7)

static CrnTemplate *
new_template (void)
{
  return crn_template_new (TEST_IDNPS, TEST_PLACE);
}

static GPtrArray *
expand (const CrnTemplate *t,
        guint y1, guint m1, guint d1,
        guint y2, guint m2, guint d2)
{
  GDate from = test_date (y1, m1, d1);
  GDate to = test_date (y2, m2, d2);

  return crn_template_expand (t, &from, &to);
}

static CrnSlot *
slot_at (GPtrArray *slots, guint i)
{
  g_assert_cmpuint (i, <, slots->len);
  return g_ptr_array_index (slots, i);
}

/* Invariants every expansion must satisfy. */
static void
check_invariants (const CrnTemplate *t,
                  GPtrArray         *slots)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < slots->len; i++)
    {
      CrnSlot *s = slot_at (slots, i);
      g_autoptr(GError) error = NULL;

      g_assert_true (crn_slot_validate (s, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (s->practitioner, ==, t->practitioner);
      g_assert_cmpstr (s->place_id, ==, t->place_id);
      g_assert_nonnull (s->template_block_id);
      g_assert_cmpint (s->status, ==, CRN_SLOT_STATUS_FREE);
      g_assert_cmpint (s->version, ==, 0);
      g_assert_true (crn_uuid_is_valid (s->id));
      g_assert_false (g_hash_table_contains (ids, s->id));
      g_hash_table_add (ids, s->id);
      if (i > 0)
        {
          g_assert_cmpint (crn_slot_compare (slot_at (slots, i - 1), s), <, 0);
          /* no two slots of one GP overlap */
          g_assert_cmpint (slot_at (slots, i - 1)->end, <=, s->start);
        }
    }
}

/* "YYYY-MM-DD HH:MM" of slot i, by GLib */
static void
assert_local (GPtrArray *slots, guint i, const char *expected)
{
  g_autofree char *got = test_paris (slot_at (slots, i)->start);

  g_assert_cmpstr (got, ==, expected);
}

/* ------------------------------------------------------------------ Friday 16–18 */

static CrnTemplate *
friday_template (void)
{
  CrnTemplate *t = new_template ();

  crn_template_add_block (t, test_block ("blk-fri", FRI, HM (16, 0), HM (18, 0), 20, 0));
  return t;
}

static void
test_friday_year (void)
{
  g_autoptr(CrnTemplate) t = friday_template ();
  g_autoptr(GPtrArray) slots = expand (t, 2026, 1, 1, 2026, 12, 31);
  g_autofree char *first_id = crn_uuid_from_name ("blk-fri/2026-01-02T16:00");
  const guint minutes[] = { HM (16, 0), HM (16, 20), HM (16, 40), HM (17, 0), HM (17, 20),
                            HM (17, 40) };

  g_assert_no_error (NULL);
  g_assert_true (crn_template_validate (t, NULL));
  g_assert_cmpuint (crn_template_block_get_n_slots (g_ptr_array_index (t->blocks, 0)), ==, 6);
  g_assert_cmpuint (crn_template_block_get_slot_minutes (g_ptr_array_index (t->blocks, 0)),
                    ==, 20);

  /* 52 Fridays in 2026 (2 January … 25 December), 6 slots each */
  g_assert_cmpuint (slots->len, ==, 52 * 6);
  check_invariants (t, slots);

  for (guint i = 0; i < slots->len; i++)
    {
      CrnSlot *s = slot_at (slots, i);
      GDateWeekday wd;
      guint minute;

      crn_time_to_local (s->start, NULL, &minute, &wd);
      g_assert_cmpint (wd, ==, G_DATE_FRIDAY);
      g_assert_cmpuint (minute, ==, minutes[i % 6]);
      g_assert_cmpint (s->end - s->start, ==, 20 * 60);
      g_assert_cmpstr (s->template_block_id, ==, "blk-fri");
      g_assert_cmpint (s->visibility, ==, CRN_VISIBILITY_SNP);
      g_assert_cmpint (s->modalities, ==, CRN_MODALITY_AMB);
    }

  assert_local (slots, 0, "2026-01-02 16:00");
  assert_local (slots, 5, "2026-01-02 17:40");
  assert_local (slots, slots->len - 1, "2026-12-25 17:40");
  g_assert_cmpstr (slot_at (slots, 0)->id, ==, first_id);

  /* exact UTC instants on each side of both DST changes */
  g_assert_cmpint (slot_at (slots, 0)->start, ==, test_utc (2026, 1, 2, 15, 0));
  for (guint i = 0; i < slots->len; i++)
    {
      CrnSlot *s = slot_at (slots, i);

      if (s->start == test_utc (2026, 3, 27, 15, 0) || s->start == test_utc (2026, 4, 3, 14, 0) ||
          s->start == test_utc (2026, 10, 23, 14, 0) || s->start == test_utc (2026, 10, 30, 15, 0))
        {
          g_autofree char *local = test_paris (s->start);

          g_assert_true (g_str_has_suffix (local, " 16:00"));
        }
    }
  /* the 13th Friday is 27 March (CET), the 14th is 3 April (CEST) */
  g_assert_cmpint (slot_at (slots, 12 * 6)->start, ==, test_utc (2026, 3, 27, 15, 0));
  g_assert_cmpint (slot_at (slots, 13 * 6)->start, ==, test_utc (2026, 4, 3, 14, 0));
  /* 23 October is the 43rd Friday (CEST), 30 October the 44th (CET) */
  g_assert_cmpint (slot_at (slots, 42 * 6)->start, ==, test_utc (2026, 10, 23, 14, 0));
  g_assert_cmpint (slot_at (slots, 43 * 6)->start, ==, test_utc (2026, 10, 30, 15, 0));
  g_assert_cmpint (slot_at (slots, 43 * 6 + 5)->end, ==, test_utc (2026, 10, 30, 17, 0));
}

static void
test_expand_deterministic (void)
{
  g_autoptr(CrnTemplate) t = friday_template ();
  g_autoptr(GPtrArray) a = expand (t, 2026, 3, 1, 2026, 4, 30);
  g_autoptr(GPtrArray) b = expand (t, 2026, 3, 1, 2026, 4, 30);
  g_autoptr(GPtrArray) part = expand (t, 2026, 4, 3, 2026, 4, 3);
  g_autoptr(GPtrArray) none = expand (t, 2026, 4, 4, 2026, 4, 9);
  g_autoptr(GPtrArray) reversed = expand (t, 2026, 4, 30, 2026, 3, 1);

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (crn_slot_equal (slot_at (a, i), slot_at (b, i)));

  /* A slot's id is the name-based UUID of "<block id>/<local date>T<hh:mm>": stored and
   * synced slots keep their ids from one version to the next. */
  for (guint i = 0; i < a->len; i++)
    {
      CrnSlot *s = slot_at (a, i);
      g_autoptr(GDateTime) local = g_date_time_new_from_unix_utc (s->start);
      g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
      g_autoptr(GDateTime) in_paris = g_date_time_to_timezone (local, paris);
      g_autofree char *when = g_date_time_format (in_paris, "%Y-%m-%dT%H:%M");
      g_autofree char *name = g_strdup_printf ("%s/%s", s->template_block_id, when);
      g_autofree char *id = crn_uuid_from_name (name);

      g_assert_cmpstr (s->id, ==, id);
    }

  /* a sub-range gives the same slots with the same ids */
  g_assert_cmpuint (part->len, ==, 6);
  for (guint i = 0; i < a->len; i++)
    if (slot_at (a, i)->start == slot_at (part, 0)->start)
      g_assert_true (crn_slot_equal (slot_at (a, i), slot_at (part, 0)));
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (reversed->len, ==, 0);
}

/* ------------------------------------------------------------------ Mon Tue Thu Fri 14–15, Wed 18–19 */

static CrnTemplate *
afternoons_template (void)
{
  CrnTemplate *t = new_template ();

  crn_template_add_block (t, test_block ("blk-pm", MON | TUE | THU | FRI, HM (14, 0),
                                         HM (15, 0), 20, 0));
  crn_template_add_block (t, test_block ("blk-wed", WED, HM (18, 0), HM (19, 0), 20, 0));
  return t;
}

static void
test_afternoons_dst_weeks (void)
{
  g_autoptr(CrnTemplate) t = afternoons_template ();
  g_autoptr(GPtrArray) before = expand (t, 2026, 3, 23, 2026, 3, 29);
  g_autoptr(GPtrArray) after = expand (t, 2026, 3, 30, 2026, 4, 5);
  g_autoptr(GPtrArray) autumn = expand (t, 2026, 10, 19, 2026, 11, 1);
  const char *week[] = {
    "2026-03-23 14:00", "2026-03-23 14:20", "2026-03-23 14:40",
    "2026-03-24 14:00", "2026-03-24 14:20", "2026-03-24 14:40",
    "2026-03-25 18:00", "2026-03-25 18:20", "2026-03-25 18:40",
    "2026-03-26 14:00", "2026-03-26 14:20", "2026-03-26 14:40",
    "2026-03-27 14:00", "2026-03-27 14:20", "2026-03-27 14:40",
  };

  g_assert_true (crn_template_validate (t, NULL));
  g_assert_cmpuint (before->len, ==, 15);
  g_assert_cmpuint (after->len, ==, 15);
  g_assert_cmpuint (autumn->len, ==, 30);
  check_invariants (t, before);
  check_invariants (t, after);
  check_invariants (t, autumn);

  for (guint i = 0; i < G_N_ELEMENTS (week); i++)
    assert_local (before, i, week[i]);

  /* Wednesday 18:00 is 17:00 UTC before the change and 16:00 UTC after */
  g_assert_cmpint (slot_at (before, 6)->start, ==, test_utc (2026, 3, 25, 17, 0));
  g_assert_cmpint (slot_at (after, 6)->start, ==, test_utc (2026, 4, 1, 16, 0));
  g_assert_cmpstr (slot_at (after, 6)->template_block_id, ==, "blk-wed");
  g_assert_cmpint (slot_at (before, 0)->start, ==, test_utc (2026, 3, 23, 13, 0));
  g_assert_cmpint (slot_at (after, 0)->start, ==, test_utc (2026, 3, 30, 12, 0));
  /* autumn: Monday 19 Oct 14:00 CEST = 12:00 UTC, Monday 26 Oct 14:00 CET = 13:00 UTC */
  g_assert_cmpint (slot_at (autumn, 0)->start, ==, test_utc (2026, 10, 19, 12, 0));
  g_assert_cmpint (slot_at (autumn, 15)->start, ==, test_utc (2026, 10, 26, 13, 0));
}

static void
test_afternoons_year (void)
{
  g_autoptr(CrnTemplate) t = afternoons_template ();
  g_autoptr(GPtrArray) slots = expand (t, 2026, 1, 1, 2026, 12, 31);
  guint per_weekday[8] = { 0 };

  /* 2026 has 53 Thursdays and 52 of every other day */
  g_assert_cmpuint (slots->len, ==, (52 + 52 + 52 + 53 + 52) * 3);
  check_invariants (t, slots);

  for (guint i = 0; i < slots->len; i++)
    {
      g_autofree char *local = test_paris (slot_at (slots, i)->start);
      GDateWeekday wd;

      crn_time_to_local (slot_at (slots, i)->start, NULL, NULL, &wd);
      per_weekday[wd]++;
      if (wd == G_DATE_WEDNESDAY)
        g_assert_true (g_str_has_suffix (local, " 18:00") || g_str_has_suffix (local, " 18:20") ||
                       g_str_has_suffix (local, " 18:40"));
      else
        g_assert_true (g_str_has_suffix (local, " 14:00") || g_str_has_suffix (local, " 14:20") ||
                       g_str_has_suffix (local, " 14:40"));
    }
  g_assert_cmpuint (per_weekday[G_DATE_MONDAY], ==, 156);
  g_assert_cmpuint (per_weekday[G_DATE_TUESDAY], ==, 156);
  g_assert_cmpuint (per_weekday[G_DATE_WEDNESDAY], ==, 156);
  g_assert_cmpuint (per_weekday[G_DATE_THURSDAY], ==, 159);
  g_assert_cmpuint (per_weekday[G_DATE_FRIDAY], ==, 156);
  g_assert_cmpuint (per_weekday[G_DATE_SATURDAY], ==, 0);
  g_assert_cmpuint (per_weekday[G_DATE_SUNDAY], ==, 0);
}

/* ------------------------------------------------------------------ Mon–Thu 11:45–12:15 (3), 18:00–18:45 (4) */

static void
test_lunch_and_evening (void)
{
  g_autoptr(CrnTemplate) t = new_template ();
  g_autoptr(CrnTemplate) fixed = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) fixed_slots = NULL;
  g_autoptr(GError) error = NULL;
  CrnTemplateBlock *evening;
  const char *expected[] = {
    "2026-03-23 11:45", "2026-03-23 11:55", "2026-03-23 12:05",
    "2026-03-23 18:00", "2026-03-23 18:11", "2026-03-23 18:22", "2026-03-23 18:33",
  };

  crn_template_add_block (t, test_block ("blk-lunch", MON | TUE | WED | THU, HM (11, 45),
                                         HM (12, 15), 0, 3));
  evening = test_block ("blk-evening", MON | TUE | WED | THU, HM (18, 0), HM (18, 45), 0, 4);
  crn_template_add_block (t, evening);

  g_assert_cmpuint (crn_template_block_get_n_slots (g_ptr_array_index (t->blocks, 0)), ==, 3);
  g_assert_cmpuint (crn_template_block_get_slot_minutes (g_ptr_array_index (t->blocks, 0)),
                    ==, 10);

  /* 4 patients in 45 minutes: the block is shared out on whole minutes and fully used */
  g_assert_true (crn_template_block_validate (evening, &error));
  g_assert_no_error (error);
  g_assert_true (crn_template_validate (t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crn_template_block_get_n_slots (evening), ==, 4);

  slots = expand (t, 2026, 3, 23, 2026, 3, 29);
  g_assert_cmpuint (slots->len, ==, 4 * 7);
  check_invariants (t, slots);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    assert_local (slots, i, expected[i]);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (slot_at (slots, i)->end - slot_at (slots, i)->start, ==, 600);
  /* 18:00–18:11, 18:11–18:22, 18:22–18:33, 18:33–18:45: no gap, no overlap, no lost minute */
  g_assert_cmpint (slot_at (slots, 3)->end, ==, slot_at (slots, 4)->start);
  g_assert_cmpint (slot_at (slots, 4)->end, ==, slot_at (slots, 5)->start);
  g_assert_cmpint (slot_at (slots, 5)->end, ==, slot_at (slots, 6)->start);
  g_assert_cmpint (slot_at (slots, 6)->end - slot_at (slots, 6)->start, ==, 12 * 60);
  g_assert_cmpint (slot_at (slots, 6)->end, ==, test_utc (2026, 3, 23, 17, 45));
  assert_local (slots, 27, "2026-03-26 18:33");

  /* after the spring change, Monday 30 March 11:45 is 09:45 UTC */
  fixed_slots = expand (t, 2026, 3, 30, 2026, 3, 30);
  g_assert_cmpuint (fixed_slots->len, ==, 7);
  g_assert_cmpint (slot_at (fixed_slots, 0)->start, ==, test_utc (2026, 3, 30, 9, 45));
  g_assert_cmpint (slot_at (fixed_slots, 6)->end, ==, test_utc (2026, 3, 30, 16, 45));

  /* a block cannot hold more patients than it has minutes */
  fixed = crn_template_copy (t);
  evening = g_ptr_array_index (fixed->blocks, 1);
  evening->n_patients = 46;
  g_assert_false (crn_template_block_validate (evening, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "18:00–18:45"));
  g_assert_nonnull (strstr (error->message, "46 patients"));
  g_assert_cmpuint (crn_template_block_get_n_slots (evening), ==, 0);
}

/* ------------------------------------------------------------------ Wed 9–12; Mon 12:00–12:30 and 14:00–14:30 */

static void
test_wednesday_morning_and_monday (void)
{
  g_autoptr(CrnTemplate) t = new_template ();
  g_autoptr(GPtrArray) oct = NULL;

  crn_template_add_block (t, test_block ("blk-wed-am", WED, HM (9, 0), HM (12, 0), 15, 0));
  crn_template_add_block (t, test_block ("blk-mon-noon", MON, HM (12, 0), HM (12, 30), 0, 1));
  crn_template_add_block (t, test_block ("blk-mon-pm", MON, HM (14, 0), HM (14, 30), 0, 1));
  g_assert_true (crn_template_validate (t, NULL));

  oct = expand (t, 2026, 10, 19, 2026, 11, 1);
  g_assert_cmpuint (oct->len, ==, 2 * (12 + 2));
  check_invariants (t, oct);
  assert_local (oct, 0, "2026-10-19 12:00");
  assert_local (oct, 1, "2026-10-19 14:00");
  assert_local (oct, 2, "2026-10-21 09:00");
  assert_local (oct, 13, "2026-10-21 11:45");
  assert_local (oct, 14, "2026-10-26 12:00");
  g_assert_cmpint (slot_at (oct, 0)->end - slot_at (oct, 0)->start, ==, 30 * 60);
  g_assert_cmpint (slot_at (oct, 2)->start, ==, test_utc (2026, 10, 21, 7, 0));
  g_assert_cmpint (slot_at (oct, 16)->start, ==, test_utc (2026, 10, 28, 8, 0));
  g_assert_cmpint (slot_at (oct, 13)->end, ==, test_utc (2026, 10, 21, 10, 0));

  /* Avenant 9: 3 h + 1 h visible to regulation that week */
  {
    GDate day = test_date (2026, 10, 25);

    g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 240);
  }
}

/* ------------------------------------------------------------------ children at 14:00 and 17:00 */

static void
test_children_slots (void)
{
  g_autoptr(CrnTemplate) t = new_template ();
  g_autoptr(GPtrArray) sept = NULL;
  CrnTemplateBlock *b;

  b = test_block ("blk-kids-14", MON | TUE | WED | THU | FRI, HM (14, 0), HM (14, 20), 0, 1);
  b->restriction = CRN_RESTRICTION_CHILDREN;
  crn_template_add_block (t, b);
  b = test_block ("blk-kids-17", MON | TUE | WED | THU | FRI, HM (17, 0), HM (17, 20), 0, 1);
  b->restriction = CRN_RESTRICTION_CHILDREN;
  crn_template_add_block (t, b);
  g_assert_true (crn_template_validate (t, NULL));

  /* September 2026 has 22 weekdays */
  sept = expand (t, 2026, 9, 1, 2026, 9, 30);
  g_assert_cmpuint (sept->len, ==, 44);
  check_invariants (t, sept);
  for (guint i = 0; i < sept->len; i++)
    {
      CrnSlot *s = slot_at (sept, i);
      guint minute;

      crn_time_to_local (s->start, NULL, &minute, NULL);
      g_assert_cmpuint (minute, ==, i % 2 == 0 ? HM (14, 0) : HM (17, 0));
      g_assert_cmpint (s->restriction, ==, CRN_RESTRICTION_CHILDREN);
      g_assert_null (s->restriction_text);
      g_assert_cmpuint (crn_slot_get_minutes (s), ==, 20);
    }
  assert_local (sept, 0, "2026-09-01 14:00");
  assert_local (sept, 43, "2026-09-30 17:00");

  /* free-text restriction is carried to every slot */
  b = g_ptr_array_index (t->blocks, 1);
  b->restriction = CRN_RESTRICTION_OTHER;
  b->restriction_text = g_strdup ("Pédiatrie, moins de 6 ans");
  g_clear_pointer (&sept, g_ptr_array_unref);
  sept = expand (t, 2026, 9, 1, 2026, 9, 1);
  g_assert_cmpuint (sept->len, ==, 2);
  g_assert_cmpint (slot_at (sept, 1)->restriction, ==, CRN_RESTRICTION_OTHER);
  g_assert_cmpstr (slot_at (sept, 1)->restriction_text, ==, "Pédiatrie, moins de 6 ans");
}

/* ------------------------------------------------------------------ July and August only */

static void
test_summer_only (void)
{
  g_autoptr(CrnTemplate) t = new_template ();
  g_autoptr(GPtrArray) year = NULL;
  g_autofree char *describe = NULL;
  CrnTemplateBlock *b;
  guint july = 0, august = 0;

  b = test_block ("blk-summer", MON | TUE | WED | THU | FRI, HM (17, 0), HM (19, 0), 20, 0);
  b->months = JUL | AUG;
  crn_template_add_block (t, b);
  g_assert_true (crn_template_validate (t, NULL));

  describe = crn_template_block_describe (b);
  g_assert_cmpstr (describe, ==, "Mon, Tue, Wed, Thu, Fri 17:00–19:00 · 20 min · Jul, Aug");

  year = expand (t, 2026, 1, 1, 2026, 12, 31);
  /* July 2026: 23 weekdays, August 2026: 21; 6 slots a day */
  g_assert_cmpuint (year->len, ==, (23 + 21) * 6);
  check_invariants (t, year);
  for (guint i = 0; i < year->len; i++)
    {
      GDate d;

      crn_time_to_local (slot_at (year, i)->start, &d, NULL, NULL);
      if (g_date_get_month (&d) == 7)
        july++;
      else if (g_date_get_month (&d) == 8)
        august++;
      else
        g_assert_not_reached ();
    }
  g_assert_cmpuint (july, ==, 138);
  g_assert_cmpuint (august, ==, 126);
  assert_local (year, 0, "2026-07-01 17:00");
  g_assert_cmpint (slot_at (year, 0)->start, ==, test_utc (2026, 7, 1, 15, 0));
  assert_local (year, year->len - 1, "2026-08-31 18:40");

  /* a week in June or in September has nothing, and so nothing counts for Avenant 9 */
  {
    GDate june = test_date (2026, 6, 17);
    GDate july_day = test_date (2026, 7, 15);

    g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &june), ==, 0);
    g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &july_day), ==, 5 * 120);
  }
}

/* ------------------------------------------------------------------ absences */

static void
test_absences (void)
{
  g_autoptr(CrnTemplate) t = friday_template ();
  g_autoptr(GPtrArray) august = expand (t, 2026, 8, 1, 2026, 8, 31);
  g_autoptr(GPtrArray) holiday = NULL;
  g_autoptr(GPtrArray) partial = NULL;
  GDate sat = test_date (2026, 8, 1);
  GDate mon = test_date (2026, 8, 10);
  GDate fri = test_date (2026, 9, 4);
  GDate day = test_date (2026, 8, 5);

  /* Fridays 7, 14, 21 and 28 August */
  g_assert_cmpuint (august->len, ==, 24);

  /* a holiday week, Saturday 1 to Sunday 9 August (local midnights) */
  crn_template_add_exception (t, test_absence ("abs-summer", crn_time_from_local (&sat, 0),
                                               crn_time_from_local (&mon, 0)));
  g_assert_true (crn_template_validate (t, NULL));
  holiday = expand (t, 2026, 8, 1, 2026, 8, 31);
  g_assert_cmpuint (holiday->len, ==, 18);
  check_invariants (t, holiday);
  assert_local (holiday, 0, "2026-08-14 16:00");
  g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 0);
  day = test_date (2026, 8, 12);
  g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 120);

  /* an absence from 16:30 to 17:00 removes the two slots it overlaps, not the ones that
   * only touch it */
  crn_template_add_exception (t, test_absence ("abs-meeting", crn_time_from_local (&fri, HM (16, 30)),
                                               crn_time_from_local (&fri, HM (17, 0))));
  partial = expand (t, 2026, 9, 4, 2026, 9, 4);
  g_assert_cmpuint (partial->len, ==, 4);
  assert_local (partial, 0, "2026-09-04 16:00");
  assert_local (partial, 1, "2026-09-04 17:00");
  assert_local (partial, 2, "2026-09-04 17:20");
  assert_local (partial, 3, "2026-09-04 17:40");
}

/* ------------------------------------------------------------------ extras */

static void
test_extras (void)
{
  g_autoptr(CrnTemplate) t = friday_template ();
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(GPtrArray) other_week = NULL;
  g_autoptr(GPtrArray) cut_in_three = NULL;
  g_autofree char *id = crn_uuid_from_name ("extra-sat/2026-06-13T09:00");
  GDate sat = test_date (2026, 6, 13);
  GDate tue = test_date (2026, 6, 16);
  GDate thu = test_date (2026, 6, 18);

  crn_template_add_exception (t, test_extra ("extra-sat", crn_time_from_local (&sat, HM (9, 0)),
                                             crn_time_from_local (&sat, HM (11, 0)), 30, 0));
  g_assert_true (crn_template_validate (t, NULL));

  week = expand (t, 2026, 6, 8, 2026, 6, 14);
  g_assert_cmpuint (week->len, ==, 6 + 4);
  check_invariants (t, week);
  assert_local (week, 6, "2026-06-13 09:00");
  assert_local (week, 9, "2026-06-13 10:30");
  g_assert_cmpstr (slot_at (week, 6)->id, ==, id);
  g_assert_cmpstr (slot_at (week, 6)->template_block_id, ==, "extra-sat");
  g_assert_cmpint (slot_at (week, 6)->start, ==, test_utc (2026, 6, 13, 7, 0));
  g_assert_cmpint (slot_at (week, 9)->end, ==, test_utc (2026, 6, 13, 9, 0));

  /* not in range: not added */
  other_week = expand (t, 2026, 6, 14, 2026, 6, 20);
  g_assert_cmpuint (other_week->len, ==, 6);

  /* an extra cut into 3 patients, then an absence over it removes it */
  crn_template_add_exception (t, test_extra ("extra-tue", crn_time_from_local (&tue, HM (10, 0)),
                                             crn_time_from_local (&tue, HM (11, 0)), 0, 3));
  cut_in_three = expand (t, 2026, 6, 15, 2026, 6, 21);
  g_assert_cmpuint (cut_in_three->len, ==, 3 + 6);
  assert_local (cut_in_three, 0, "2026-06-16 10:00");
  assert_local (cut_in_three, 1, "2026-06-16 10:20");
  assert_local (cut_in_three, 2, "2026-06-16 10:40");
  g_assert_cmpuint (crn_slot_get_minutes (slot_at (cut_in_three, 2)), ==, 20);
  {
    GDate d = test_date (2026, 6, 17);

    /* 60 min of extra + 120 min of Friday */
    g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &d), ==, 180);
  }
  crn_template_add_exception (t, test_absence ("abs-tue", crn_time_from_local (&tue, 0),
                                               crn_time_from_local (&thu, 0)));
  g_clear_pointer (&cut_in_three, g_ptr_array_unref);
  cut_in_three = expand (t, 2026, 6, 15, 2026, 6, 21);
  g_assert_cmpuint (cut_in_three->len, ==, 6);
}

/* ------------------------------------------------------------------ validity periods */

static void
test_validity (void)
{
  g_autoptr(CrnTemplate) t = new_template ();
  g_autoptr(GPtrArray) year = NULL;
  CrnTemplateBlock *old, *cur;
  guint n_old = 0, n_new = 0;

  old = test_block ("blk-old", FRI, HM (16, 0), HM (18, 0), 20, 0);
  old->valid_until = test_date (2026, 3, 27);     /* inclusive: the last Friday of it */
  cur = test_block ("blk-new", FRI, HM (14, 0), HM (16, 0), 20, 0);
  cur->valid_from = test_date (2026, 4, 1);
  crn_template_add_block (t, old);
  crn_template_add_block (t, cur);
  g_assert_true (crn_template_validate (t, NULL));

  year = expand (t, 2026, 1, 1, 2026, 12, 31);
  /* 13 Fridays up to 27 March, 39 from 3 April */
  g_assert_cmpuint (year->len, ==, (13 + 39) * 6);
  check_invariants (t, year);
  for (guint i = 0; i < year->len; i++)
    {
      CrnSlot *s = slot_at (year, i);

      if (g_strcmp0 (s->template_block_id, "blk-old") == 0)
        {
          g_assert_cmpint (s->start, <, test_utc (2026, 3, 28, 0, 0));
          n_old++;
        }
      else
        {
          g_assert_cmpint (s->start, >, test_utc (2026, 4, 1, 0, 0));
          n_new++;
        }
    }
  g_assert_cmpuint (n_old, ==, 78);
  g_assert_cmpuint (n_new, ==, 234);
  assert_local (year, 77, "2026-03-27 17:40");
  assert_local (year, 78, "2026-04-03 14:00");

  /* from after until is refused */
  old->valid_from = test_date (2026, 4, 1);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (crn_template_block_validate (old, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "2026-04-01"));
    g_assert_nonnull (strstr (error->message, "2026-03-27"));
  }
}

/* ------------------------------------------------------------------ DST on the block's own day */

static void
test_dst_night_blocks (void)
{
  g_autoptr(CrnTemplate) t = new_template ();
  g_autoptr(GPtrArray) spring = NULL;
  g_autoptr(GPtrArray) autumn = NULL;
  g_autoptr(GPtrArray) normal = NULL;

  /* Not SNP hours, but the expansion itself must be right on the nights of change */
  crn_template_add_block (t, test_block ("blk-night", SUN, HM (1, 30), HM (3, 30), 30, 0));

  /* 29 March: 02:00 and 02:30 do not exist; 01:30 and 03:00 are offered, back to back */
  spring = expand (t, 2026, 3, 29, 2026, 3, 29);
  g_assert_cmpuint (spring->len, ==, 2);
  check_invariants (t, spring);
  g_assert_cmpint (slot_at (spring, 0)->start, ==, test_utc (2026, 3, 29, 0, 30));
  g_assert_cmpint (slot_at (spring, 0)->end, ==, test_utc (2026, 3, 29, 1, 0));
  g_assert_cmpint (slot_at (spring, 1)->start, ==, test_utc (2026, 3, 29, 1, 0));
  g_assert_cmpint (slot_at (spring, 1)->end, ==, test_utc (2026, 3, 29, 1, 30));

  /* 25 October: 02:00 and 02:30 happen twice; offered once, at the first occurrence */
  autumn = expand (t, 2026, 10, 25, 2026, 10, 25);
  g_assert_cmpuint (autumn->len, ==, 4);
  check_invariants (t, autumn);
  g_assert_cmpint (slot_at (autumn, 0)->start, ==, test_utc (2026, 10, 24, 23, 30));
  g_assert_cmpint (slot_at (autumn, 1)->start, ==, test_utc (2026, 10, 25, 0, 0));
  g_assert_cmpint (slot_at (autumn, 2)->start, ==, test_utc (2026, 10, 25, 0, 30));
  g_assert_cmpint (slot_at (autumn, 2)->end, ==, test_utc (2026, 10, 25, 1, 0));
  g_assert_cmpint (slot_at (autumn, 3)->start, ==, test_utc (2026, 10, 25, 2, 0));

  normal = expand (t, 2026, 11, 1, 2026, 11, 1);
  g_assert_cmpuint (normal->len, ==, 4);
  g_assert_cmpint (slot_at (normal, 0)->start, ==, test_utc (2026, 11, 1, 0, 30));
}

/* ------------------------------------------------------------------ TZ independence */

static void
test_tz_independence (void)
{
  g_autoptr(CrnTemplate) t = afternoons_template ();
  g_autoptr(GPtrArray) reference = expand (t, 2026, 1, 1, 2026, 12, 31);
  g_autofree char *saved = g_strdup (g_getenv ("TZ"));
  const char *zones[] = { "Asia/Tokyo", "UTC", "Australia/Lord_Howe", "Europe/Paris" };

  /* the test environment runs in America/New_York on purpose */
  g_assert_cmpuint (reference->len, ==, 783);

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(GPtrArray) other = NULL;

      g_setenv ("TZ", zones[z], TRUE);
      tzset ();
      other = expand (t, 2026, 1, 1, 2026, 12, 31);
      g_assert_cmpuint (other->len, ==, reference->len);
      for (guint i = 0; i < other->len; i++)
        g_assert_true (crn_slot_equal (slot_at (other, i), slot_at (reference, i)));
    }

  if (saved != NULL)
    g_setenv ("TZ", saved, TRUE);
  else
    g_unsetenv ("TZ");
  tzset ();
}

/* ------------------------------------------------------------------ validation */

static void
test_block_validate (void)
{
  struct {
    const char *what;
    guint weekdays, start, end, slot, n;
    CrnModality modalities;
    const char *needle;
  } bad[] = {
    { "no day", 0, HM (14, 0), HM (15, 0), 20, 0, CRN_MODALITY_AMB, "day of the week" },
    { "bad day bit", 0x80, HM (14, 0), HM (15, 0), 20, 0, CRN_MODALITY_AMB, "day of the week" },
    { "end before start", MON, HM (15, 0), HM (14, 0), 20, 0, CRN_MODALITY_AMB, "15:00–14:00" },
    { "empty", MON, HM (15, 0), HM (15, 0), 20, 0, CRN_MODALITY_AMB, "must end after" },
    { "past midnight", MON, HM (23, 0), 1500, 20, 0, CRN_MODALITY_AMB, "same day" },
    { "neither", MON, HM (14, 0), HM (15, 0), 0, 0, CRN_MODALITY_AMB, "neither" },
    { "both", MON, HM (14, 0), HM (15, 0), 20, 3, CRN_MODALITY_AMB, "keep only one" },
    { "too long", MON, HM (14, 0), HM (14, 30), 45, 0, CRN_MODALITY_AMB, "does not fit" },
    { "too many patients", MON, HM (14, 0), HM (14, 10), 0, 11, CRN_MODALITY_AMB, "cannot hold 11 patients" },
    { "no modality", MON, HM (14, 0), HM (15, 0), 20, 0, CRN_MODALITY_NONE, "consultation mode" },
    { "bad modality", MON, HM (14, 0), HM (15, 0), 20, 0, 1 << 5, "consultation mode" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CrnTemplateBlock) b = test_block ("blk", bad[i].weekdays, bad[i].start,
                                                  bad[i].end, bad[i].slot, bad[i].n);
      g_autoptr(GError) error = NULL;

      g_test_message ("case: %s", bad[i].what);
      b->modalities = bad[i].modalities;
      g_assert_false (crn_template_block_validate (b, &error));
      g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
    }

  {
    g_autoptr(CrnTemplateBlock) b = test_block (NULL, MON, HM (14, 0), HM (15, 0), 20, 0);
    g_autoptr(CrnTemplateBlock) ok = test_block ("blk", MON, HM (14, 0), HM (15, 0), 0, 3);
    g_autoptr(GError) error = NULL;

    g_assert_false (crn_template_block_validate (b, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);

    g_assert_true (crn_template_block_validate (ok, &error));
    g_assert_no_error (error);
    ok->months = 0x1000;
    g_assert_false (crn_template_block_validate (ok, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    ok->months = 0;
    ok->start_minute = 0;
    ok->end_minute = 1440;
    ok->n_patients = 0;
    ok->slot_minutes = 30;
    g_assert_true (crn_template_block_validate (ok, &error));
    g_assert_cmpuint (crn_template_block_get_n_slots (ok), ==, 48);
  }

  /* identifiers must be unique: slot ids are derived from them */
  {
    g_autoptr(CrnTemplate) t = new_template ();
    g_autoptr(GError) error = NULL;
    GDate d = test_date (2026, 6, 13);

    crn_template_add_block (t, test_block ("same", MON, HM (14, 0), HM (15, 0), 20, 0));
    crn_template_add_block (t, test_block ("same", TUE, HM (14, 0), HM (15, 0), 20, 0));
    g_assert_false (crn_template_validate (t, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "“same”"));
    g_clear_error (&error);
    g_ptr_array_remove_index (t->blocks, 1);
    crn_template_add_exception (t, test_absence ("same", crn_time_from_local (&d, 0),
                                                 crn_time_from_local (&d, 600)));
    g_assert_false (crn_template_validate (t, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    g_ptr_array_remove_index (t->exceptions, 0);
    crn_template_add_exception (t, test_absence ("abs", crn_time_from_local (&d, 0),
                                                 crn_time_from_local (&d, 600)));
    crn_template_add_exception (t, test_absence ("abs", crn_time_from_local (&d, 700),
                                                 crn_time_from_local (&d, 800)));
    g_assert_false (crn_template_validate (t, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    g_ptr_array_remove_index (t->exceptions, 1);
    g_assert_true (crn_template_validate (t, &error));
    g_assert_no_error (error);
  }

  /* the template checks its practitioner */
  {
    g_autoptr(CrnTemplate) t = crn_template_new ("12345", TEST_PLACE);
    g_autoptr(GError) error = NULL;

    g_assert_false (crn_template_validate (t, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  }
}

static void
test_exception_validate (void)
{
  GDate d = test_date (2026, 6, 13);
  GDate next = test_date (2026, 6, 14);
  CrnInstant nine = crn_time_from_local (&d, HM (9, 0));
  CrnInstant eleven = crn_time_from_local (&d, HM (11, 0));
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnTemplateException) abs = test_absence ("abs", eleven, nine);
  g_autoptr(CrnTemplateException) ok_abs = test_absence ("abs", nine, eleven);
  g_autoptr(CrnTemplateException) no_cut = test_extra ("x", nine, eleven, 0, 0);
  g_autoptr(CrnTemplateException) crowded = test_extra ("x", nine, eleven, 0, 121);
  g_autoptr(CrnTemplateException) midnight =
    test_extra ("x", crn_time_from_local (&d, HM (23, 0)), crn_time_from_local (&next, HM (1, 0)),
                30, 0);
  g_autoptr(CrnTemplateException) no_id = test_extra (NULL, nine, eleven, 30, 0);
  g_autoptr(CrnTemplateException) ok_extra = test_extra ("x", nine, eleven, 30, 0);

  g_assert_false (crn_template_exception_validate (abs, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "absence"));
  g_clear_error (&error);
  g_assert_true (crn_template_exception_validate (ok_abs, &error));
  g_assert_no_error (error);

  g_assert_false (crn_template_exception_validate (no_cut, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "09:00–11:00"));
  g_clear_error (&error);
  g_assert_false (crn_template_exception_validate (crowded, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cannot hold 121 patients"));
  g_clear_error (&error);
  g_assert_false (crn_template_exception_validate (midnight, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "midnight"));
  g_clear_error (&error);
  g_assert_false (crn_template_exception_validate (no_id, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (crn_template_exception_validate (ok_extra, &error));
  g_assert_no_error (error);
}

static void
test_overlap (void)
{
  struct {
    const char *what;
    guint wd_a, start_a, end_a, months_a;
    guint wd_b, start_b, end_b, months_b;
    gboolean overlaps;
  } cases[] = {
    { "same day, overlapping", MON, HM (14, 0), HM (15, 0), 0, MON | TUE, HM (14, 30), HM (15, 30), 0, TRUE },
    { "one inside the other", WED, HM (9, 0), HM (12, 0), 0, WED, HM (10, 0), HM (10, 30), 0, TRUE },
    { "identical", FRI, HM (16, 0), HM (18, 0), 0, FRI, HM (16, 0), HM (18, 0), 0, TRUE },
    { "back to back", MON, HM (14, 0), HM (15, 0), 0, MON, HM (15, 0), HM (16, 0), 0, FALSE },
    { "other days", MON | TUE, HM (14, 0), HM (15, 0), 0, WED, HM (14, 0), HM (15, 0), 0, FALSE },
    { "other months", MON, HM (14, 0), HM (15, 0), JUL | AUG, MON, HM (14, 0), HM (15, 0), 0x0f3f, FALSE },
    { "summer and all year", MON, HM (14, 0), HM (15, 0), JUL | AUG, MON, HM (14, 30), HM (15, 0), 0, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CrnTemplate) t = new_template ();
      g_autoptr(GError) error = NULL;
      CrnTemplateBlock *a = test_block ("a", cases[i].wd_a, cases[i].start_a, cases[i].end_a, 0, 1);
      CrnTemplateBlock *b = test_block ("b", cases[i].wd_b, cases[i].start_b, cases[i].end_b, 0, 1);

      g_test_message ("case: %s", cases[i].what);
      a->months = (guint16) cases[i].months_a;
      b->months = (guint16) cases[i].months_b;
      crn_template_add_block (t, a);
      crn_template_add_block (t, b);
      if (cases[i].overlaps)
        {
          g_assert_false (crn_template_validate (t, &error));
          g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OVERLAP);
          g_assert_nonnull (strstr (error->message, "overlap"));
        }
      else
        {
          g_assert_true (crn_template_validate (t, &error));
          g_assert_no_error (error);
        }
    }

  /* the message names both blocks */
  {
    g_autoptr(CrnTemplate) t = afternoons_template ();
    g_autoptr(GError) error = NULL;

    crn_template_add_block (t, test_block ("c", TUE, HM (14, 40), HM (15, 20), 20, 0));
    g_assert_false (crn_template_validate (t, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OVERLAP);
    g_assert_nonnull (strstr (error->message, "Mon, Tue, Thu, Fri 14:00–15:00 · 20 min"));
    g_assert_nonnull (strstr (error->message, "Tue 14:40–15:20 · 20 min"));
  }

  /* validity periods that do not meet do not overlap; ones that share a day do */
  {
    g_autoptr(CrnTemplate) t = new_template ();
    g_autoptr(GError) error = NULL;
    CrnTemplateBlock *a = test_block ("a", FRI, HM (16, 0), HM (18, 0), 20, 0);
    CrnTemplateBlock *b = test_block ("b", FRI, HM (16, 0), HM (18, 0), 30, 0);

    a->valid_until = test_date (2026, 3, 31);
    b->valid_from = test_date (2026, 4, 1);
    crn_template_add_block (t, a);
    crn_template_add_block (t, b);
    g_assert_true (crn_template_validate (t, &error));
    g_assert_no_error (error);
    b->valid_from = test_date (2026, 3, 31);
    g_assert_false (crn_template_validate (t, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OVERLAP);
  }
}

/* ------------------------------------------------------------------ describe, copy, equal */

static void
test_describe (void)
{
  g_autoptr(CrnTemplateBlock) a = test_block ("a", MON | TUE | THU | FRI, HM (14, 0), HM (15, 0), 20, 0);
  g_autoptr(CrnTemplateBlock) b = test_block ("b", MON | TUE | WED | THU, HM (11, 45), HM (12, 15), 0, 3);
  g_autoptr(CrnTemplateBlock) c = test_block ("c", SAT | SUN, HM (8, 0), HM (12, 0), 15, 0);
  g_autofree char *da = crn_template_block_describe (a);
  g_autofree char *db = crn_template_block_describe (b);
  g_autofree char *dc = NULL;

  c->months = 1 | (1 << 11);
  dc = crn_template_block_describe (c);
  g_assert_cmpstr (da, ==, "Mon, Tue, Thu, Fri 14:00–15:00 · 20 min");
  g_assert_cmpstr (db, ==, "Mon, Tue, Wed, Thu 11:45–12:15 · 3 × 10 min");
  g_assert_cmpstr (dc, ==, "Sat, Sun 08:00–12:00 · 15 min · Jan, Dec");

  /* a block shared out unevenly describes itself by its number of patients */
  {
    g_autoptr(CrnTemplateBlock) d = test_block ("d", THU, HM (18, 0), HM (18, 45), 0, 4);
    g_autofree char *dd = crn_template_block_describe (d);

    g_assert_cmpstr (dd, ==, "Thu 18:00–18:45 · 4 patients");
  }
}

static void
test_copy_equal (void)
{
  g_autoptr(CrnTemplate) t = afternoons_template ();
  g_autoptr(CrnTemplate) copy = NULL;
  GDate d = test_date (2026, 6, 13);
  CrnTemplateBlock *b;
  CrnTemplateException *e;

  crn_template_add_exception (t, test_extra ("x", crn_time_from_local (&d, HM (9, 0)),
                                             crn_time_from_local (&d, HM (10, 0)), 20, 0));
  t->version = 3;
  t->last_updated_ms = 1780000000123;
  copy = crn_template_copy (t);
  g_assert_true (crn_template_equal (t, copy));
  g_assert_true (crn_template_equal (t, t));
  g_assert_false (crn_template_equal (t, NULL));
  g_assert_cmpstr (copy->id, ==, t->id);
  g_assert_true (g_ptr_array_index (copy->blocks, 0) != g_ptr_array_index (t->blocks, 0));

  /* boxed copy through GType */
  {
    CrnTemplate *boxed = g_boxed_copy (CRN_TYPE_TEMPLATE, t);

    g_assert_true (crn_template_equal (boxed, t));
    g_boxed_free (CRN_TYPE_TEMPLATE, boxed);
  }

#define MUTATE_BLOCK(stmt)                                           \
  G_STMT_START {                                                     \
    g_autoptr(CrnTemplate) m = crn_template_copy (t);                \
    b = g_ptr_array_index (m->blocks, 0);                            \
    stmt;                                                            \
    g_assert_false (crn_template_equal (t, m));                      \
    g_assert_false (crn_template_block_equal (g_ptr_array_index (t->blocks, 0), b)); \
  } G_STMT_END

  MUTATE_BLOCK (g_free (b->id); b->id = g_strdup ("other"));
  MUTATE_BLOCK (b->weekdays = MON);
  MUTATE_BLOCK (b->start_minute++);
  MUTATE_BLOCK (b->end_minute++);
  MUTATE_BLOCK (b->slot_minutes = 15);
  MUTATE_BLOCK (b->n_patients = 3);
  MUTATE_BLOCK (b->months = JUL);
  MUTATE_BLOCK (b->modalities = CRN_MODALITY_VR);
  MUTATE_BLOCK (b->visibility = CRN_VISIBILITY_CPTS);
  MUTATE_BLOCK (b->restriction = CRN_RESTRICTION_ADULTS);
  MUTATE_BLOCK (b->restriction_text = g_strdup ("x"));
  MUTATE_BLOCK (b->valid_from = test_date (2026, 1, 1));
  MUTATE_BLOCK (b->valid_until = test_date (2026, 1, 1));
#undef MUTATE_BLOCK

#define MUTATE_EXC(stmt)                                             \
  G_STMT_START {                                                     \
    g_autoptr(CrnTemplate) m = crn_template_copy (t);                \
    e = g_ptr_array_index (m->exceptions, 0);                        \
    stmt;                                                            \
    g_assert_false (crn_template_equal (t, m));                      \
  } G_STMT_END

  MUTATE_EXC (g_free (e->id); e->id = g_strdup ("y"));
  MUTATE_EXC (e->kind = CRN_EXCEPTION_ABSENCE);
  MUTATE_EXC (e->start--);
  MUTATE_EXC (e->end++);
  MUTATE_EXC (e->reason = g_strdup ("Formation"));
  MUTATE_EXC (e->slot_minutes = 10);
  MUTATE_EXC (e->n_patients = 1);
  MUTATE_EXC (e->modalities = CRN_MODALITY_HH);
  MUTATE_EXC (e->visibility = CRN_VISIBILITY_PRO);
  MUTATE_EXC (e->restriction = CRN_RESTRICTION_CHILDREN);
  MUTATE_EXC (e->restriction_text = g_strdup ("z"));
#undef MUTATE_EXC

  {
    g_autoptr(CrnTemplate) m = crn_template_copy (t);

    m->version++;
    g_assert_false (crn_template_equal (t, m));
  }
  {
    g_autoptr(CrnTemplate) m = crn_template_copy (t);

    m->last_updated_ms++;
    g_assert_false (crn_template_equal (t, m));
  }
  {
    g_autoptr(CrnTemplate) m = crn_template_copy (t);

    g_free (m->practitioner);
    m->practitioner = g_strdup (TEST_IDNPS_2);
    g_assert_false (crn_template_equal (t, m));
  }
  {
    g_autoptr(CrnTemplate) m = crn_template_copy (t);

    g_free (m->place_id);
    m->place_id = NULL;
    g_assert_false (crn_template_equal (t, m));
  }
  {
    g_autoptr(CrnTemplate) m = crn_template_copy (t);

    g_ptr_array_remove_index (m->blocks, 1);
    g_assert_false (crn_template_equal (t, m));
  }
  {
    g_autoptr(CrnTemplate) fresh = new_template ();

    g_assert_true (crn_uuid_is_valid (fresh->id));
    g_assert_cmpstr (fresh->id, !=, t->id);
  }
}

/* ------------------------------------------------------------------ regulation minutes */

static void
test_regulation_minutes (void)
{
  g_autoptr(CrnTemplate) t = afternoons_template ();
  GDate day = test_date (2026, 3, 29);     /* a Sunday: its ISO week is 23–29 March */
  CrnTemplateBlock *b;

  g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 5 * 60);

  /* kept for own patients or only for professionals: not counted */
  b = g_ptr_array_index (t->blocks, 1);
  b->visibility = CRN_VISIBILITY_NONE;
  g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 4 * 60);
  b->visibility = CRN_VISIBILITY_PRO | CRN_VISIBILITY_PUBLIC;
  g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 4 * 60);
  b->visibility = CRN_VISIBILITY_CPTS;
  g_assert_cmpuint (crn_template_regulation_minutes_in_week (t, &day), ==, 5 * 60);

  /* the Friday template alone: exactly the Avenant 9 level-1 threshold */
  {
    g_autoptr(CrnTemplate) f = friday_template ();
    GDate monday = test_date (2026, 3, 23);

    g_assert_cmpuint (crn_template_regulation_minutes_in_week (f, &monday), ==, 120);
    g_assert_true (crn_figures_meets_level1 (crn_template_regulation_minutes_in_week (f, &monday)));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/template/friday/year", test_friday_year);
  g_test_add_func ("/core/template/friday/deterministic", test_expand_deterministic);
  g_test_add_func ("/core/template/afternoons/dst-weeks", test_afternoons_dst_weeks);
  g_test_add_func ("/core/template/afternoons/year", test_afternoons_year);
  g_test_add_func ("/core/template/lunch-and-evening", test_lunch_and_evening);
  g_test_add_func ("/core/template/wednesday-morning-and-monday", test_wednesday_morning_and_monday);
  g_test_add_func ("/core/template/children", test_children_slots);
  g_test_add_func ("/core/template/summer-only", test_summer_only);
  g_test_add_func ("/core/template/absences", test_absences);
  g_test_add_func ("/core/template/extras", test_extras);
  g_test_add_func ("/core/template/validity", test_validity);
  g_test_add_func ("/core/template/dst-night-blocks", test_dst_night_blocks);
  g_test_add_func ("/core/template/tz-independence", test_tz_independence);
  g_test_add_func ("/core/template/block-validate", test_block_validate);
  g_test_add_func ("/core/template/exception-validate", test_exception_validate);
  g_test_add_func ("/core/template/overlap", test_overlap);
  g_test_add_func ("/core/template/describe", test_describe);
  g_test_add_func ("/core/template/copy-equal", test_copy_equal);
  g_test_add_func ("/core/template/regulation-minutes", test_regulation_minutes);

  return g_test_run ();
}
