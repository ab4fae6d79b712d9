/* test-figures.c: figures over a hand-built month, periods, Avenant 9
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "crn-test-util.h"

typedef struct
{
  GPtrArray *slots;
  GPtrArray *bookings;
} Month;

static CrnSlot *
add_slot (Month         *m,
          const char    *id,
          const char    *practitioner,
          CrnInstant     start,
          guint          minutes,
          CrnVisibility  visibility)
{
  CrnSlot *s = test_slot (id, start, minutes, visibility);

  g_free (s->practitioner);
  s->practitioner = g_strdup (practitioner);
  g_ptr_array_add (m->slots, s);
  return s;
}

static CrnBooking *
add_booking (Month                *m,
             const CrnSlot        *slot,       /* NULL for an extra */
             CrnInstant            start,
             CrnReferrer           referrer,
             CrnAppointmentStatus  status)
{
  CrnBooking *b = crn_booking_new ();

  b->id = crn_uuid_new ();
  b->slot_id = slot != NULL ? g_strdup (slot->id) : NULL;
  b->practitioner = g_strdup (slot != NULL ? slot->practitioner : TEST_IDNPS);
  b->start = slot != NULL ? slot->start : start;
  b->end = b->start + 1200;
  b->patient.family = g_strdup ("Durand");
  b->patient.given = g_strdup ("Chloé");
  b->patient.birth_date = g_strdup ("1990-04-12");
  b->patient.phone = g_strdup ("0612345678");
  b->referrer = referrer;
  b->status = status;
  b->extra = slot == NULL;
  g_ptr_array_add (m->bookings, b);
  return b;
}

static CrnInstant
paris (guint y, guint mo, guint d, guint h, guint mi)
{
  GDate date = test_date (y, mo, d);

  return crn_time_from_local (&date, HM (h, mi));
}

/* June 2026 for Dr 899700123456 (and one slot of a colleague). The expected figures are
 * counted by hand in the comments. */
static void
build_june (Month *m)
{
  CrnSlot *s;

  m->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  m->bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);

  s = add_slot (m, "s1", TEST_IDNPS, paris (2026, 6, 5, 16, 0), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_FULFILLED);
  s = add_slot (m, "s2", TEST_IDNPS, paris (2026, 6, 5, 16, 20), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_NOSHOW);
  s = add_slot (m, "s3", TEST_IDNPS, paris (2026, 6, 5, 16, 40), 20, CRN_VISIBILITY_CPTS);
  add_booking (m, s, 0, CRN_REFERRER_PHARMACY, CRN_APPOINTMENT_STATUS_BOOKED);
  s = add_slot (m, "s4", TEST_IDNPS, paris (2026, 6, 10, 9, 0), 30, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_CANCELLED);
  s = add_slot (m, "s5", TEST_IDNPS, paris (2026, 6, 10, 9, 30), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_PROPOSED);
  add_slot (m, "s6", TEST_IDNPS, paris (2026, 6, 10, 9, 50), 20, CRN_VISIBILITY_SNP);
  s = add_slot (m, "s7", TEST_IDNPS, paris (2026, 6, 12, 14, 0), 20, CRN_VISIBILITY_PRO);
  add_booking (m, s, 0, CRN_REFERRER_NURSE, CRN_APPOINTMENT_STATUS_FULFILLED);
  s = add_slot (m, "s8", TEST_IDNPS, paris (2026, 6, 12, 14, 20), 20, CRN_VISIBILITY_NONE);
  add_booking (m, s, 0, CRN_REFERRER_OWN_PATIENT, CRN_APPOINTMENT_STATUS_FULFILLED);
  s = add_slot (m, "s9", TEST_IDNPS, paris (2026, 6, 12, 14, 40), 20, CRN_VISIBILITY_SNP);
  s->status = CRN_SLOT_STATUS_ENTERED_IN_ERROR;
  s = add_slot (m, "s10", TEST_IDNPS, paris (2026, 6, 19, 16, 0), 20,
                CRN_VISIBILITY_SNP | CRN_VISIBILITY_PRO);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_ARRIVED);
  s = add_slot (m, "s11", TEST_IDNPS, paris (2026, 6, 19, 16, 20), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_CANCELLED);
  add_booking (m, s, 0, CRN_REFERRER_EMERGENCY, CRN_APPOINTMENT_STATUS_NOSHOW);
  s = add_slot (m, "s12", TEST_IDNPS, paris (2026, 6, 19, 16, 40), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR);
  /* 1 July 00:30 in Paris is still 30 June in UTC: outside June */
  s = add_slot (m, "s13", TEST_IDNPS, paris (2026, 7, 1, 0, 30), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_FULFILLED);
  /* 1 June 00:10 in Paris is 31 May in UTC: inside June */
  s = add_slot (m, "s14", TEST_IDNPS, paris (2026, 6, 1, 0, 10), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_FULFILLED);
  /* a colleague */
  s = add_slot (m, "s15", TEST_IDNPS_2, paris (2026, 6, 5, 16, 0), 20, CRN_VISIBILITY_SNP);
  add_booking (m, s, 0, CRN_REFERRER_SAS, CRN_APPOINTMENT_STATUS_BOOKED);

  /* extra patients (surnuméraires) */
  add_booking (m, NULL, paris (2026, 6, 5, 19, 0), CRN_REFERRER_SAS,
               CRN_APPOINTMENT_STATUS_FULFILLED);
  add_booking (m, NULL, paris (2026, 6, 6, 11, 0), CRN_REFERRER_SAS,
               CRN_APPOINTMENT_STATUS_CANCELLED);
  add_booking (m, NULL, paris (2026, 6, 8, 19, 0), CRN_REFERRER_SAS,
               CRN_APPOINTMENT_STATUS_NOSHOW);
  add_booking (m, NULL, paris (2026, 6, 9, 19, 0), CRN_REFERRER_SAS,
               CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR);
  add_booking (m, NULL, paris (2026, 7, 9, 19, 0), CRN_REFERRER_SAS,
               CRN_APPOINTMENT_STATUS_FULFILLED);
}

static void
clear_month (Month *m)
{
  g_clear_pointer (&m->slots, g_ptr_array_unref);
  g_clear_pointer (&m->bookings, g_ptr_array_unref);
}

static void
test_hand_built_month (void)
{
  Month m = { 0 };
  CrnFigures f;
  CrnInstant from, to;
  GDate june = test_date (2026, 6, 15);

  crn_time_set_now_for_testing (paris (2026, 7, 15, 12, 0));
  build_june (&m);
  crn_period_month (&june, &from, &to);
  g_assert_cmpint (from, ==, test_utc (2026, 5, 31, 22, 0));
  g_assert_cmpint (to, ==, test_utc (2026, 6, 30, 22, 0));

  memset (&f, 0xff, sizeof f);
  crn_figures_compute (&f, m.slots, m.bookings, TEST_IDNPS, from, to);

  /* s1 s2 s3 s4 s5 s6 s10 s11 s12 s14 (not s7 PRO, s8 own, s9 error, s13 July, s15 other) */
  g_assert_cmpuint (f.offered, ==, 10);
  g_assert_cmpuint (f.offered_minutes, ==, 9 * 20 + 30);
  /* s1 s2 s3 s10 s11 s14 (s4 cancelled, s5 proposed, s12 error, s6 free) */
  g_assert_cmpuint (f.booked, ==, 6);
  /* s1 s7 s8 s10 (arrived, in the past) s14 */
  g_assert_cmpuint (f.seen, ==, 5);
  /* s2, the second booking of s11 */
  g_assert_cmpuint (f.noshow, ==, 2);
  /* s4, the first booking of s11 */
  g_assert_cmpuint (f.cancelled, ==, 2);
  /* extras of 5 and 8 June */
  g_assert_cmpuint (f.extras, ==, 2);
  /* SAS and seen: s1 s10 s14 and the extra of 5 June */
  g_assert_cmpuint (f.sas_regulated, ==, 4);

  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_SAS], ==, 4);       /* s1 s2 s10 s14 */
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_PHARMACY], ==, 1);  /* s3 */
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_EMERGENCY], ==, 1); /* s11 */
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_NURSE], ==, 1);     /* s7 */
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_PHYSIOTHERAPIST], ==, 0);
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_OWN_PATIENT], ==, 1); /* s8 */
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_OTHER], ==, 0);
  g_assert_cmpuint (f.noshow_by_referrer[CRN_REFERRER_SAS], ==, 1);
  g_assert_cmpuint (f.noshow_by_referrer[CRN_REFERRER_EMERGENCY], ==, 1);
  g_assert_cmpuint (f.noshow_by_referrer[CRN_REFERRER_PHARMACY], ==, 0);

  g_assert_cmpfloat_with_epsilon (crn_figures_fill_rate (&f), 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (crn_figures_noshow_rate (&f), 2.0 / 7.0, 1e-12);

  /* the whole practice: the colleague's slot and booking join */
  crn_figures_compute (&f, m.slots, m.bookings, NULL, from, to);
  g_assert_cmpuint (f.offered, ==, 11);
  g_assert_cmpuint (f.offered_minutes, ==, 10 * 20 + 30);
  g_assert_cmpuint (f.booked, ==, 7);
  g_assert_cmpuint (f.booked_by_referrer[CRN_REFERRER_SAS], ==, 5);
  g_assert_cmpuint (f.seen, ==, 5);

  /* the colleague alone */
  crn_figures_compute (&f, m.slots, m.bookings, TEST_IDNPS_2, from, to);
  g_assert_cmpuint (f.offered, ==, 1);
  g_assert_cmpuint (f.booked, ==, 1);
  g_assert_cmpuint (f.extras, ==, 0);
  g_assert_cmpfloat_with_epsilon (crn_figures_fill_rate (&f), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (crn_figures_noshow_rate (&f), 0.0, 1e-12);

  /* July: s13 and the July extra */
  {
    GDate july = test_date (2026, 7, 1);

    crn_period_month (&july, &from, &to);
    crn_figures_compute (&f, m.slots, m.bookings, TEST_IDNPS, from, to);
    g_assert_cmpuint (f.offered, ==, 1);
    g_assert_cmpuint (f.booked, ==, 1);
    g_assert_cmpuint (f.seen, ==, 1);
    g_assert_cmpuint (f.extras, ==, 1);
    g_assert_cmpuint (f.sas_regulated, ==, 2);
  }

  /* before s10's start, "arrived" is not yet seen */
  crn_time_set_now_for_testing (paris (2026, 6, 19, 15, 0));
  crn_period_month (&june, &from, &to);
  crn_figures_compute (&f, m.slots, m.bookings, TEST_IDNPS, from, to);
  g_assert_cmpuint (f.seen, ==, 4);
  g_assert_cmpuint (f.sas_regulated, ==, 3);
  g_assert_cmpuint (f.booked, ==, 6);

  crn_time_set_now_for_testing (0);
  clear_month (&m);
}

static void
test_empty (void)
{
  CrnFigures f;

  memset (&f, 0xff, sizeof f);
  crn_figures_compute (&f, NULL, NULL, NULL, 0, G_MAXINT64);
  g_assert_cmpuint (f.offered, ==, 0);
  g_assert_cmpuint (f.booked, ==, 0);
  g_assert_cmpuint (f.extras, ==, 0);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    g_assert_cmpuint (f.booked_by_referrer[r], ==, 0);
  g_assert_cmpfloat (crn_figures_fill_rate (&f), ==, 0.0);
  g_assert_cmpfloat (crn_figures_noshow_rate (&f), ==, 0.0);
}

static void
test_periods (void)
{
  struct {
    guint y, m, d;
    int kind;          /* 0 week, 1 month, 2 quarter */
    CrnInstant from, to;
  } cases[] = {
    /* the week of the spring change lasts 167 hours */
    { 2026, 3, 25, 0, test_utc (2026, 3, 22, 23, 0), test_utc (2026, 3, 29, 22, 0) },
    { 2026, 3, 29, 0, test_utc (2026, 3, 22, 23, 0), test_utc (2026, 3, 29, 22, 0) },
    { 2026, 3, 23, 0, test_utc (2026, 3, 22, 23, 0), test_utc (2026, 3, 29, 22, 0) },
    /* the week of the autumn change lasts 169 hours */
    { 2026, 10, 25, 0, test_utc (2026, 10, 18, 22, 0), test_utc (2026, 10, 25, 23, 0) },
    /* across the new year */
    { 2027, 1, 1, 0, test_utc (2026, 12, 27, 23, 0), test_utc (2027, 1, 3, 23, 0) },
    { 2026, 3, 1, 1, test_utc (2026, 2, 28, 23, 0), test_utc (2026, 3, 31, 22, 0) },
    { 2026, 10, 31, 1, test_utc (2026, 9, 30, 22, 0), test_utc (2026, 10, 31, 23, 0) },
    { 2026, 12, 31, 1, test_utc (2026, 11, 30, 23, 0), test_utc (2026, 12, 31, 23, 0) },
    { 2028, 2, 29, 1, test_utc (2028, 1, 31, 23, 0), test_utc (2028, 2, 29, 23, 0) },
    { 2026, 1, 1, 2, test_utc (2025, 12, 31, 23, 0), test_utc (2026, 3, 31, 22, 0) },
    { 2026, 5, 15, 2, test_utc (2026, 3, 31, 22, 0), test_utc (2026, 6, 30, 22, 0) },
    { 2026, 9, 30, 2, test_utc (2026, 6, 30, 22, 0), test_utc (2026, 9, 30, 22, 0) },
    { 2026, 12, 31, 2, test_utc (2026, 9, 30, 22, 0), test_utc (2026, 12, 31, 23, 0) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate d = test_date (cases[i].y, cases[i].m, cases[i].d);
      CrnInstant from = 0, to = 0;

      g_test_message ("case %u", i);
      if (cases[i].kind == 0)
        crn_period_week (&d, &from, &to);
      else if (cases[i].kind == 1)
        crn_period_month (&d, &from, &to);
      else
        crn_period_quarter (&d, &from, &to);
      g_assert_cmpint (from, ==, cases[i].from);
      g_assert_cmpint (to, ==, cases[i].to);
    }

  {
    GDate d = test_date (2026, 3, 25);
    CrnInstant from, to;

    crn_period_week (&d, &from, &to);
    g_assert_cmpint (to - from, ==, 167 * 3600);
    d = test_date (2026, 10, 21);
    crn_period_week (&d, &from, &to);
    g_assert_cmpint (to - from, ==, 169 * 3600);
    /* NULL out parameters are allowed */
    crn_period_week (&d, NULL, &to);
    crn_period_month (&d, &from, NULL);
    crn_period_quarter (&d, NULL, NULL);
  }
}

static void
test_avenant9 (void)
{
  g_assert_false (crn_figures_meets_level1 (0));
  g_assert_false (crn_figures_meets_level1 (119));
  g_assert_true (crn_figures_meets_level1 (120));
  g_assert_true (crn_figures_meets_level1 (600));
  g_assert_cmpuint (CRN_AVENANT9_MIN_WEEKLY_MINUTES, ==, 120);

  g_assert_cmpuint (crn_figures_majoration_count (0), ==, 0);
  g_assert_cmpuint (crn_figures_majoration_count (19), ==, 19);
  g_assert_cmpuint (crn_figures_majoration_count (20), ==, 20);
  g_assert_cmpuint (crn_figures_majoration_count (21), ==, 20);
  g_assert_cmpuint (crn_figures_majoration_count (350), ==, 20);

  /* level 1 week by week for "Friday 16:00–18:00" with a holiday week */
  {
    g_autoptr(CrnTemplate) t = crn_template_new (TEST_IDNPS, TEST_PLACE);
    GDate sat = test_date (2026, 8, 1);
    GDate mon = test_date (2026, 8, 10);
    guint weeks_met = 0;

    crn_template_add_block (t, test_block ("fri", FRI, HM (16, 0), HM (18, 0), 20, 0));
    crn_template_add_exception (t, test_absence ("holiday", crn_time_from_local (&sat, 0),
                                                 crn_time_from_local (&mon, 0)));
    /* ISO weeks 27 to 35 of 2026 (29 June … 30 August) */
    for (guint w = 0; w < 9; w++)
      {
        GDate d = test_date (2026, 6, 29);

        g_date_add_days (&d, w * 7);
        if (crn_figures_meets_level1 (crn_template_regulation_minutes_in_week (t, &d)))
          weeks_met++;
      }
    g_assert_cmpuint (weeks_met, ==, 8);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/figures/hand-built-month", test_hand_built_month);
  g_test_add_func ("/core/figures/empty", test_empty);
  g_test_add_func ("/core/figures/periods", test_periods);
  g_test_add_func ("/core/figures/avenant9", test_avenant9);

  return g_test_run ();
}
