/* test-policy.c: the CPTS rules and their messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "crn-test-util.h"

/* Wednesday 10 June 2026, 14:00 in Paris = 12:00 UTC */
#define SLOT_START (test_utc (2026, 6, 10, 12, 0))

static CrnSlot *
snp_slot (void)
{
  return test_slot ("slot-wed", SLOT_START, 20, CRN_VISIBILITY_SNP);
}

static CrnPatient
patient_born (const char *birth_date)
{
  CrnPatient p = { (char *) "Martin", (char *) "Lucas", (char *) birth_date,
                   (char *) "06 12 34 56 78" };

  return p;
}

static void
assert_refused (const CrnPolicy  *policy,
                const CrnSlot    *slot,
                CrnReferrer       referrer,
                const CrnPatient *patient,
                const char       *reason,
                CrnInstant        now,
                int               code,
                const char       *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (crn_policy_check_regulation_booking (policy, slot, referrer, patient, reason,
                                                       now, &error));
  g_assert_error (error, CRN_CORE_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_allowed (const CrnPolicy  *policy,
                const CrnSlot    *slot,
                CrnReferrer       referrer,
                const CrnPatient *patient,
                const char       *reason,
                CrnInstant        now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (crn_policy_check_regulation_booking (policy, slot, referrer, patient, reason,
                                                      now, &error));
  g_assert_no_error (error);
}

static void
test_defaults (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(GError) error = NULL;

  for (guint wd = G_DATE_MONDAY; wd <= G_DATE_FRIDAY; wd++)
    {
      g_assert_cmpuint (p->snp_open[wd], ==, HM (8, 0));
      g_assert_cmpuint (p->snp_close[wd], ==, HM (20, 0));
    }
  g_assert_cmpuint (p->snp_open[G_DATE_SATURDAY], ==, HM (8, 0));
  g_assert_cmpuint (p->snp_close[G_DATE_SATURDAY], ==, HM (12, 0));
  g_assert_cmpuint (p->snp_open[G_DATE_SUNDAY], ==, p->snp_close[G_DATE_SUNDAY]);
  g_assert_cmpuint (p->reclaim_minutes, ==, 120);
  g_assert_cmpuint (p->booking_closes_minutes, ==, 0);
  g_assert_cmpuint (p->horizon_hours, ==, 48);
  g_assert_false (p->needs_confirmation);
  g_assert_cmpuint (p->excluded_reasons->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (p->excluded_reasons, 0), ==, "renouvellement d'ordonnance");
  g_assert_cmpstr (g_ptr_array_index (p->excluded_reasons, 1), ==,
                   "renouvellement d'arrêt de travail");
  g_assert_cmpstr (g_ptr_array_index (p->excluded_reasons, 2), ==, "certificat médical");
  g_assert_true (crn_policy_validate (p, &error));
  g_assert_no_error (error);
}

static void
test_validate (void)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(CrnPolicy) p = crn_policy_new_default ();

    p->snp_open[G_DATE_TUESDAY] = HM (21, 0);
    g_assert_false (crn_policy_validate (p, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "Tuesday"));
    g_assert_nonnull (strstr (error->message, "21:00–20:00"));
    g_clear_error (&error);
  }
  {
    g_autoptr(CrnPolicy) p = crn_policy_new_default ();

    p->snp_close[G_DATE_SUNDAY] = 1441;
    g_assert_false (crn_policy_validate (p, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    g_autoptr(CrnPolicy) p = crn_policy_new_default ();

    p->horizon_hours = 0;
    g_assert_false (crn_policy_validate (p, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    g_autoptr(CrnPolicy) p = crn_policy_new_default ();

    g_ptr_array_add (p->excluded_reasons, g_strdup ("  "));
    g_assert_false (crn_policy_validate (p, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    g_autoptr(CrnPolicy) p = crn_policy_new_default ();

    p->reclaim_minutes = 8 * 24 * 60;
    g_assert_false (crn_policy_validate (p, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
  }
}

static void
test_check_block (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  struct {
    GDateWeekday wd;
    guint start, end;
    const char *message;   /* NULL = allowed */
  } cases[] = {
    { G_DATE_MONDAY, HM (8, 0), HM (20, 0), NULL },
    { G_DATE_FRIDAY, HM (16, 0), HM (18, 0), NULL },
    { G_DATE_WEDNESDAY, HM (18, 0), HM (19, 0), NULL },
    { G_DATE_SATURDAY, HM (8, 0), HM (12, 0), NULL },
    { G_DATE_MONDAY, HM (7, 30), HM (9, 0), "Outside SNP hours: on Monday they start at 08:00." },
    { G_DATE_THURSDAY, HM (19, 0), HM (20, 30), "Outside SNP hours: on Thursday they end at 20:00." },
    { G_DATE_SATURDAY, HM (11, 0), HM (12, 30), "Outside SNP hours: on Saturday they end at 12:00." },
    { G_DATE_SATURDAY, HM (14, 0), HM (17, 0), "Outside SNP hours: on Saturday they end at 12:00." },
    { G_DATE_SUNDAY, HM (10, 0), HM (11, 0), "Outside SNP hours: there are none on Sunday." },
    { G_DATE_TUESDAY, HM (20, 0), HM (20, 30), "Outside SNP hours: on Tuesday they end at 20:00." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = crn_policy_check_block (p, cases[i].wd, cases[i].start, cases[i].end, &error);

      if (cases[i].message == NULL)
        {
          g_assert_true (ok);
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }

  /* a CPTS may widen the window */
  p->snp_close[G_DATE_SATURDAY] = HM (18, 0);
  g_assert_true (crn_policy_check_block (p, G_DATE_SATURDAY, HM (14, 0), HM (17, 0), NULL));
  p->snp_open[G_DATE_SUNDAY] = HM (9, 0);
  p->snp_close[G_DATE_SUNDAY] = HM (12, 0);
  g_assert_true (crn_policy_check_block (p, G_DATE_SUNDAY, HM (10, 0), HM (11, 0), NULL));
}

static void
test_check_template (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnTemplate) t = crn_template_new (TEST_IDNPS, TEST_PLACE);
  g_autoptr(GError) error = NULL;
  GDate sunday = test_date (2026, 6, 14);
  CrnTemplateException *extra;

  crn_template_add_block (t, test_block ("a", MON | TUE | THU | FRI, HM (14, 0), HM (15, 0), 20, 0));
  crn_template_add_block (t, test_block ("b", WED, HM (18, 0), HM (19, 0), 20, 0));
  crn_template_add_block (t, test_block ("c", MON | TUE | WED | THU, HM (11, 45), HM (12, 15), 0, 3));
  g_assert_true (crn_policy_check_template (p, t, &error));
  g_assert_no_error (error);

  /* one weekday of a block outside the window is enough to refuse it */
  crn_template_add_block (t, test_block ("d", FRI | SAT, HM (10, 0), HM (12, 30), 30, 0));
  g_assert_false (crn_policy_check_template (p, t, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS);
  g_assert_cmpstr (error->message, ==, "Outside SNP hours: on Saturday they end at 12:00.");
  g_clear_error (&error);
  g_ptr_array_remove_index (t->blocks, 3);

  /* an extra block on a Sunday */
  extra = test_extra ("x", crn_time_from_local (&sunday, HM (10, 0)),
                      crn_time_from_local (&sunday, HM (11, 0)), 20, 0);
  crn_template_add_exception (t, extra);
  g_assert_false (crn_policy_check_template (p, t, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS);
  g_assert_cmpstr (error->message, ==, "Outside SNP hours: there are none on Sunday.");
  g_clear_error (&error);

  /* absences are not checked against hours */
  g_ptr_array_remove_index (t->exceptions, 0);
  crn_template_add_exception (t, test_absence ("abs", crn_time_from_local (&sunday, 0),
                                               crn_time_from_local (&sunday, 1440)));
  g_assert_true (crn_policy_check_template (p, t, &error));
  g_assert_no_error (error);
}

static void
test_check_slot_hours (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  GDate summer = test_date (2026, 7, 15);   /* Wednesday */
  GDate winter = test_date (2026, 1, 17);   /* Saturday */
  g_autoptr(CrnSlot) early = test_slot ("a", crn_time_from_local (&summer, HM (8, 0)), 20,
                                        CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) late = test_slot ("b", crn_time_from_local (&summer, HM (19, 40)), 20,
                                       CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) too_late = test_slot ("c", crn_time_from_local (&summer, HM (19, 50)), 20,
                                           CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) sat = test_slot ("d", crn_time_from_local (&winter, HM (11, 40)), 20,
                                      CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) sat_late = test_slot ("e", crn_time_from_local (&winter, HM (11, 50)), 20,
                                           CRN_VISIBILITY_SNP);
  g_autoptr(GError) error = NULL;

  /* 08:00 in Paris is 06:00 UTC and 02:00 in New York: only Paris counts */
  g_assert_cmpint (early->start, ==, test_utc (2026, 7, 15, 6, 0));
  g_assert_true (crn_policy_check_slot_hours (p, early, &error));
  g_assert_no_error (error);
  g_assert_true (crn_policy_check_slot_hours (p, late, &error));
  g_assert_true (crn_policy_check_slot_hours (p, sat, &error));
  g_assert_no_error (error);

  g_assert_false (crn_policy_check_slot_hours (p, too_late, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS);
  g_assert_cmpstr (error->message, ==, "Outside SNP hours: on Wednesday they end at 20:00.");
  g_clear_error (&error);
  g_assert_false (crn_policy_check_slot_hours (p, sat_late, &error));
  g_assert_cmpstr (error->message, ==, "Outside SNP hours: on Saturday they end at 12:00.");
  g_clear_error (&error);

  /* one second past the close is past it */
  late->end++;
  g_assert_false (crn_policy_check_slot_hours (p, late, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OUTSIDE_SNP_HOURS);
}

static void
test_reason (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  const char *excluded[] = {
    "renouvellement d'ordonnance",
    "Renouvellement d'ordonnance",
    "RENOUVELLEMENT D’ORDONNANCE pour HTA",
    "Patient demande un renouvellement d'arrêt de travail",
    "renouvellement d'arret de travail",
    "RENOUVELLEMENT D'ARRÊT DE TRAVAIL",
    "Certificat medical de non contre-indication au sport",
    "CERTIFICAT MÉDICAL",
    "certificat me\xcc\x81" "dical",   /* decomposed é */
  };
  const char *allowed[] = {
    "Fièvre 39 °C depuis 2 jours", "Ordonnance perdue, douleur dentaire", "Renouvellement",
    "Certificat de décès", "Arrêt de travail initial, lombalgie aiguë", "", NULL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (excluded); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("excluded: %s", excluded[i]);
      g_assert_false (crn_policy_check_reason (p, excluded[i], &error));
      g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_EXCLUDED_REASON);
      g_assert_true (g_str_has_prefix (error->message, "SNP slots do not cover “"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("allowed: %s", allowed[i] ? allowed[i] : "(null)");
      g_assert_true (crn_policy_check_reason (p, allowed[i], &error));
      g_assert_no_error (error);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (crn_policy_check_reason (p, "CERTIFICAT MEDICAL", &error));
    g_assert_cmpstr (error->message, ==,
                     "SNP slots do not cover “certificat médical” in this CPTS: offer the "
                     "patient an ordinary appointment instead.");
  }

  /* a CPTS list with its own words; an empty list excludes nothing */
  g_ptr_array_set_size (p->excluded_reasons, 0);
  g_assert_true (crn_policy_check_reason (p, "renouvellement d'ordonnance", NULL));
  g_ptr_array_add (p->excluded_reasons, g_strdup ("Vaccination"));
  g_assert_false (crn_policy_check_reason (p, "vaccination grippe", NULL));
  g_assert_true (crn_policy_check_reason (p, "vacances", NULL));
}

static void
test_regulation_messages (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnSlot) slot = snp_slot ();
  CrnPatient adult = patient_born ("1980-05-02");

  /* by default regulation may book until the start */
  assert_allowed (p, slot, CRN_REFERRER_SAS, &adult, "Fièvre", SLOT_START - 1);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "Fièvre", SLOT_START,
                  CRN_CORE_ERROR_IN_THE_PAST,
                  "This slot has already started (at 14:00): choose a later one.");

  /* "the slot closes 59 minutes before": from 13:01 */
  p->booking_closes_minutes = 59;
  g_assert_cmpint (crn_policy_booking_closes_at (p, slot), ==, SLOT_START - 59 * 60);
  assert_allowed (p, slot, CRN_REFERRER_SAS, &adult, "Fièvre", SLOT_START - 59 * 60 - 1);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "Fièvre", SLOT_START - 59 * 60,
                  CRN_CORE_ERROR_BOOKING_CLOSED,
                  "Regulation booking closes 59 minutes before the slot (at 13:01).");
  assert_refused (p, slot, CRN_REFERRER_PHARMACY, &adult, "Fièvre", SLOT_START - 30 * 60,
                  CRN_CORE_ERROR_NOT_VISIBLE, NULL);
  slot->visibility |= CRN_VISIBILITY_PRO;
  assert_refused (p, slot, CRN_REFERRER_PHARMACY, &adult, "Fièvre", SLOT_START - 30 * 60,
                  CRN_CORE_ERROR_BOOKING_CLOSED,
                  "Regulation booking closes 59 minutes before the slot (at 13:01).");
  slot->visibility = CRN_VISIBILITY_SNP;

  p->booking_closes_minutes = 120;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 90 * 60,
                  CRN_CORE_ERROR_BOOKING_CLOSED,
                  "Regulation booking closes 2 hours before the slot (at 12:00).");
  p->booking_closes_minutes = 90;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 60 * 60,
                  CRN_CORE_ERROR_BOOKING_CLOSED,
                  "Regulation booking closes 1 h 30 min before the slot (at 12:30).");
  p->booking_closes_minutes = 60;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 60 * 60,
                  CRN_CORE_ERROR_BOOKING_CLOSED,
                  "Regulation booking closes 1 hour before the slot (at 13:00).");
  p->booking_closes_minutes = 0;

  /* horizon: 48 h, inclusive */
  assert_allowed (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 48 * 3600);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 48 * 3600 - 1,
                  CRN_CORE_ERROR_TOO_FAR_AHEAD,
                  "This slot is more than 48 hours ahead: regulation books care within the "
                  "next 48 hours.");
  p->horizon_hours = 24;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 25 * 3600,
                  CRN_CORE_ERROR_TOO_FAR_AHEAD,
                  "This slot is more than 24 hours ahead: regulation books care within the "
                  "next 24 hours.");
  p->horizon_hours = 48;

  /* excluded reason */
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "Renouvellement d'ordonnance",
                  SLOT_START - 3600, CRN_CORE_ERROR_EXCLUDED_REASON, NULL);

  /* not free */
  slot->status = CRN_SLOT_STATUS_BUSY;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 3600,
                  CRN_CORE_ERROR_SLOT_NOT_FREE, "This slot is no longer free: choose another one.");
  slot->status = CRN_SLOT_STATUS_BUSY_TENTATIVE;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 3600,
                  CRN_CORE_ERROR_SLOT_NOT_FREE, NULL);
  slot->status = CRN_SLOT_STATUS_FREE;

  /* outside SNP hours */
  {
    GDate sat = test_date (2026, 6, 13);
    g_autoptr(CrnSlot) s = test_slot ("sat", crn_time_from_local (&sat, HM (14, 0)), 20,
                                      CRN_VISIBILITY_SNP);

    assert_refused (p, s, CRN_REFERRER_SAS, &adult, NULL, s->start - 3600,
                    CRN_CORE_ERROR_OUTSIDE_SNP_HOURS,
                    "Outside SNP hours: on Saturday they end at 12:00.");
  }
}

static void
test_rule_order (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnSlot) slot = snp_slot ();
  CrnPatient adult = patient_born ("1980-05-02");
  GDate sun = test_date (2026, 6, 14);

  p->booking_closes_minutes = 60;
  slot->restriction = CRN_RESTRICTION_CHILDREN;

  /* everything wrong at once: busy first */
  slot->status = CRN_SLOT_STATUS_BUSY;
  slot->visibility = CRN_VISIBILITY_NONE;
  slot->start = crn_time_from_local (&sun, HM (10, 0));
  slot->end = slot->start + 1200;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start + 60,
                  CRN_CORE_ERROR_SLOT_NOT_FREE, NULL);
  slot->status = CRN_SLOT_STATUS_FREE;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start + 60,
                  CRN_CORE_ERROR_NOT_VISIBLE,
                  "This slot is kept for the practice’s own patients: SAS regulation cannot "
                  "book it.");
  slot->visibility = CRN_VISIBILITY_SNP;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start + 60,
                  CRN_CORE_ERROR_OUTSIDE_SNP_HOURS, NULL);
  slot->start = SLOT_START;
  slot->end = SLOT_START + 1200;
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start + 60,
                  CRN_CORE_ERROR_IN_THE_PAST, NULL);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start - 60,
                  CRN_CORE_ERROR_BOOKING_CLOSED, NULL);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start - 72 * 3600,
                  CRN_CORE_ERROR_TOO_FAR_AHEAD, NULL);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "certificat médical", slot->start - 3 * 3600,
                  CRN_CORE_ERROR_EXCLUDED_REASON, NULL);
  assert_refused (p, slot, CRN_REFERRER_SAS, &adult, "Otite", slot->start - 3 * 3600,
                  CRN_CORE_ERROR_RESTRICTED, NULL);
  slot->restriction = CRN_RESTRICTION_NONE;
  assert_allowed (p, slot, CRN_REFERRER_SAS, &adult, "Otite", slot->start - 3 * 3600);
}

static void
test_visibility_matrix (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnSlot) slot = snp_slot ();
  CrnPatient adult = patient_born ("1980-05-02");
  const CrnVisibility vis[] = {
    CRN_VISIBILITY_NONE, CRN_VISIBILITY_SNP, CRN_VISIBILITY_CPTS, CRN_VISIBILITY_PRO,
    CRN_VISIBILITY_PUBLIC,
  };
  /* allowed[referrer][visibility] */
  const gboolean allowed[CRN_REFERRER_N][G_N_ELEMENTS (vis)] = {
    /*                NONE   SNP    CPTS  PRO    PUBLIC */
    /* sas       */ { FALSE, TRUE,  TRUE, FALSE, FALSE },
    /* pharmacy  */ { FALSE, FALSE, TRUE, TRUE,  FALSE },
    /* emergency */ { FALSE, FALSE, TRUE, TRUE,  FALSE },
    /* nurse     */ { FALSE, FALSE, TRUE, TRUE,  FALSE },
    /* physio    */ { FALSE, FALSE, TRUE, TRUE,  FALSE },
    /* own       */ { TRUE,  TRUE,  TRUE, TRUE,  TRUE },
    /* other     */ { FALSE, FALSE, TRUE, FALSE, TRUE },
  };

  for (guint r = 0; r < CRN_REFERRER_N; r++)
    for (guint v = 0; v < G_N_ELEMENTS (vis); v++)
      {
        g_test_message ("referrer %s, visibility %u", crn_referrer_to_string (r), vis[v]);
        slot->visibility = vis[v];
        if (allowed[r][v])
          assert_allowed (p, slot, (CrnReferrer) r, &adult, "Fièvre", SLOT_START - 3600);
        else
          assert_refused (p, slot, (CrnReferrer) r, &adult, "Fièvre", SLOT_START - 3600,
                          CRN_CORE_ERROR_NOT_VISIBLE, NULL);
      }

  /* combined labels: any matching one is enough */
  slot->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_PRO;
  assert_allowed (p, slot, CRN_REFERRER_SAS, &adult, NULL, SLOT_START - 3600);
  assert_allowed (p, slot, CRN_REFERRER_NURSE, &adult, NULL, SLOT_START - 3600);

  slot->visibility = CRN_VISIBILITY_SNP;
  assert_refused (p, slot, CRN_REFERRER_PHARMACY, &adult, NULL, SLOT_START - 3600,
                  CRN_CORE_ERROR_NOT_VISIBLE,
                  "This slot is not open to Pharmacy: choose a slot offered to it.");
}

static void
test_own_patient (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnSlot) slot = snp_slot ();
  GDate sun = test_date (2026, 6, 14);
  CrnPatient adult = patient_born ("1980-05-02");

  /* no regulation rule applies to the practice's own patients … */
  slot->visibility = CRN_VISIBILITY_NONE;
  slot->restriction = CRN_RESTRICTION_CHILDREN;
  slot->start = crn_time_from_local (&sun, HM (10, 0));
  slot->end = slot->start + 1200;
  assert_allowed (p, slot, CRN_REFERRER_OWN_PATIENT, &adult, "certificat médical",
                  slot->start - 30 * 24 * 3600);
  assert_allowed (p, slot, CRN_REFERRER_OWN_PATIENT, NULL, NULL, slot->start + 60);
  /* … but a taken slot is still taken */
  slot->status = CRN_SLOT_STATUS_BUSY;
  assert_refused (p, slot, CRN_REFERRER_OWN_PATIENT, &adult, NULL, slot->start - 3600,
                  CRN_CORE_ERROR_SLOT_NOT_FREE, NULL);
}

static void
test_restrictions (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnSlot) slot = snp_slot ();      /* 10 June 2026 */
  CrnPatient almost_18 = patient_born ("2008-06-11");
  CrnPatient turns_18 = patient_born ("2008-06-10");
  CrnPatient child = patient_born ("2019-01-31");
  CrnPatient unknown = patient_born (NULL);
  CrnPatient garbled = patient_born ("10/06/2008");
  CrnInstant now = SLOT_START - 3600;

  slot->restriction = CRN_RESTRICTION_CHILDREN;
  assert_allowed (p, slot, CRN_REFERRER_SAS, &child, NULL, now);
  assert_allowed (p, slot, CRN_REFERRER_SAS, &almost_18, NULL, now);
  assert_refused (p, slot, CRN_REFERRER_SAS, &turns_18, NULL, now, CRN_CORE_ERROR_RESTRICTED,
                  "This slot is for children only (under 18) and the patient is 18 years old: "
                  "choose another slot.");
  assert_refused (p, slot, CRN_REFERRER_SAS, &unknown, NULL, now, CRN_CORE_ERROR_RESTRICTED,
                  "This slot is for children only: give the patient’s birth date.");
  assert_refused (p, slot, CRN_REFERRER_SAS, &garbled, NULL, now, CRN_CORE_ERROR_RESTRICTED, NULL);
  assert_refused (p, slot, CRN_REFERRER_SAS, NULL, NULL, now, CRN_CORE_ERROR_RESTRICTED, NULL);

  slot->restriction = CRN_RESTRICTION_ADULTS;
  assert_allowed (p, slot, CRN_REFERRER_SAS, &turns_18, NULL, now);
  assert_refused (p, slot, CRN_REFERRER_SAS, &almost_18, NULL, now, CRN_CORE_ERROR_RESTRICTED,
                  "This slot is for adults only (18 and over) and the patient is 17 years old: "
                  "choose another slot.");
  assert_refused (p, slot, CRN_REFERRER_SAS, &child, NULL, now, CRN_CORE_ERROR_RESTRICTED, NULL);
  assert_refused (p, slot, CRN_REFERRER_SAS, NULL, NULL, now, CRN_CORE_ERROR_RESTRICTED,
                  "This slot is for adults only: give the patient’s birth date.");

  /* the age is taken on the slot's local date: a slot at 00:30 on 11 June in Paris is
   * still 10 June in UTC */
  {
    GDate d = test_date (2026, 6, 11);

    p->snp_open[G_DATE_THURSDAY] = 0;
    slot->start = crn_time_from_local (&d, HM (0, 30));
    slot->end = slot->start + 1200;
    slot->restriction = CRN_RESTRICTION_CHILDREN;
    assert_refused (p, slot, CRN_REFERRER_SAS, &almost_18, NULL, slot->start - 3600,
                    CRN_CORE_ERROR_RESTRICTED, NULL);
  }

  /* free text and none are not checked */
  slot->start = SLOT_START;
  slot->end = SLOT_START + 1200;
  slot->restriction = CRN_RESTRICTION_OTHER;
  slot->restriction_text = g_strdup ("Pédiatrie de préférence");
  assert_allowed (p, slot, CRN_REFERRER_SAS, NULL, NULL, now);
  slot->restriction = CRN_RESTRICTION_NONE;
  assert_allowed (p, slot, CRN_REFERRER_SAS, NULL, NULL, now);
}

static void
test_reclaim (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnSlot) slot = snp_slot ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (crn_policy_reclaim_opens_at (p, slot), ==, SLOT_START - 7200);
  g_assert_false (crn_policy_check_reclaim (p, slot, SLOT_START - 3 * 3600, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_RECLAIM_NOT_YET);
  g_assert_cmpstr (error->message, ==,
                   "This slot can be taken back from 12:00, 2 hours before it starts.");
  g_clear_error (&error);
  g_assert_false (crn_policy_check_reclaim (p, slot, SLOT_START - 7200 - 1, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_RECLAIM_NOT_YET);
  g_clear_error (&error);
  g_assert_true (crn_policy_check_reclaim (p, slot, SLOT_START - 7200, &error));
  g_assert_no_error (error);
  g_assert_true (crn_policy_check_reclaim (p, slot, SLOT_START - 1, &error));
  g_assert_no_error (error);

  g_assert_false (crn_policy_check_reclaim (p, slot, SLOT_START, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_IN_THE_PAST);
  g_clear_error (&error);

  p->reclaim_minutes = 59;
  g_assert_false (crn_policy_check_reclaim (p, slot, SLOT_START - 3600, &error));
  g_assert_cmpstr (error->message, ==,
                   "This slot can be taken back from 13:01, 59 minutes before it starts.");
  g_clear_error (&error);

  slot->status = CRN_SLOT_STATUS_BUSY;
  g_assert_false (crn_policy_check_reclaim (p, slot, SLOT_START - 60, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_SLOT_NOT_FREE);
}

static void
test_rule_names (void)
{
  struct { CrnCoreError code; const char *name; } names[] = {
    { CRN_CORE_ERROR_INVALID, "invalid" },
    { CRN_CORE_ERROR_OUTSIDE_SNP_HOURS, "snp-hours" },
    { CRN_CORE_ERROR_BOOKING_CLOSED, "booking-closed" },
    { CRN_CORE_ERROR_TOO_FAR_AHEAD, "horizon" },
    { CRN_CORE_ERROR_IN_THE_PAST, "in-the-past" },
    { CRN_CORE_ERROR_EXCLUDED_REASON, "excluded-reason" },
    { CRN_CORE_ERROR_NOT_VISIBLE, "not-visible" },
    { CRN_CORE_ERROR_RESTRICTED, "restriction" },
    { CRN_CORE_ERROR_SLOT_NOT_FREE, "slot-not-free" },
    { CRN_CORE_ERROR_RECLAIM_NOT_YET, "reclaim-window" },
    { CRN_CORE_ERROR_ILLEGAL_TRANSITION, "illegal-transition" },
    { CRN_CORE_ERROR_OVERLAP, "overlap" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (crn_core_error_rule_name (names[i].code), ==, names[i].name);
  g_assert_cmpstr (crn_core_error_rule_name ((CrnCoreError) 0), ==, "unknown");
  g_assert_cmpstr (crn_core_error_rule_name ((CrnCoreError) 99), ==, "unknown");
  g_assert_cmpstr (g_quark_to_string (CRN_CORE_ERROR), ==, "crn-core-error-quark");
}

static void
test_copy_equal (void)
{
  g_autoptr(CrnPolicy) p = crn_policy_new_default ();
  g_autoptr(CrnPolicy) c = crn_policy_copy (p);
  CrnPolicy *boxed = g_boxed_copy (CRN_TYPE_POLICY, p);

  g_assert_true (crn_policy_equal (p, c));
  g_assert_true (crn_policy_equal (p, boxed));
  g_assert_true (c->excluded_reasons != p->excluded_reasons);
  g_boxed_free (CRN_TYPE_POLICY, boxed);

#define MUTATE(stmt)                                          \
  G_STMT_START {                                              \
    g_autoptr(CrnPolicy) m = crn_policy_copy (p);             \
    stmt;                                                     \
    g_assert_false (crn_policy_equal (p, m));                 \
    g_assert_false (crn_policy_equal (m, p));                 \
  } G_STMT_END

  for (guint wd = 1; wd <= 7; wd++)
    {
      MUTATE (m->snp_open[wd]++);
      MUTATE (m->snp_close[wd]++);
    }
  MUTATE (m->reclaim_minutes = 60);
  MUTATE (m->booking_closes_minutes = 59);
  MUTATE (m->horizon_hours = 24);
  MUTATE (m->needs_confirmation = TRUE);
  MUTATE (g_ptr_array_add (m->excluded_reasons, g_strdup ("vaccination")));
  MUTATE (g_ptr_array_remove_index (m->excluded_reasons, 0));
  MUTATE (g_free (g_ptr_array_index (m->excluded_reasons, 1));
          g_ptr_array_index (m->excluded_reasons, 1) = g_strdup ("x"));
#undef MUTATE
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/policy/defaults", test_defaults);
  g_test_add_func ("/core/policy/validate", test_validate);
  g_test_add_func ("/core/policy/check-block", test_check_block);
  g_test_add_func ("/core/policy/check-template", test_check_template);
  g_test_add_func ("/core/policy/check-slot-hours", test_check_slot_hours);
  g_test_add_func ("/core/policy/reason", test_reason);
  g_test_add_func ("/core/policy/regulation-messages", test_regulation_messages);
  g_test_add_func ("/core/policy/rule-order", test_rule_order);
  g_test_add_func ("/core/policy/visibility-matrix", test_visibility_matrix);
  g_test_add_func ("/core/policy/own-patient", test_own_patient);
  g_test_add_func ("/core/policy/restrictions", test_restrictions);
  g_test_add_func ("/core/policy/reclaim", test_reclaim);
  g_test_add_func ("/core/policy/rule-names", test_rule_names);
  g_test_add_func ("/core/policy/copy-equal", test_copy_equal);

  return g_test_run ();
}
