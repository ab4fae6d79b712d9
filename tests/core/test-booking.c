/* test-booking.c: bookings, their state machine and their validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "crn-test-util.h"

#define N_STATES  8
#define N_ACTIONS 7
#define X ((CrnAppointmentStatus) -1)    /* illegal */

static const CrnAppointmentStatus states[N_STATES] = {
  CRN_APPOINTMENT_STATUS_PROPOSED, CRN_APPOINTMENT_STATUS_PENDING,
  CRN_APPOINTMENT_STATUS_BOOKED, CRN_APPOINTMENT_STATUS_ARRIVED,
  CRN_APPOINTMENT_STATUS_FULFILLED, CRN_APPOINTMENT_STATUS_CANCELLED,
  CRN_APPOINTMENT_STATUS_NOSHOW, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR,
};

static const char *state_words[N_STATES] = {
  "proposed", "pending", "booked", "arrived", "seen", "cancelled", "no-show",
  "entered in error",
};

/* The documented state machine, written out: expected[state][action] */
static const CrnAppointmentStatus expected[N_STATES][N_ACTIONS] = {
  /*              ACCEPT  DECLINE  ARRIVE  SEEN  NOSHOW  CANCEL  ERROR */
  /* proposed  */ { CRN_APPOINTMENT_STATUS_BOOKED, CRN_APPOINTMENT_STATUS_CANCELLED, X, X, X,
                    CRN_APPOINTMENT_STATUS_CANCELLED, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* pending   */ { CRN_APPOINTMENT_STATUS_BOOKED, CRN_APPOINTMENT_STATUS_CANCELLED, X, X, X,
                    CRN_APPOINTMENT_STATUS_CANCELLED, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* booked    */ { X, X, CRN_APPOINTMENT_STATUS_ARRIVED, CRN_APPOINTMENT_STATUS_FULFILLED,
                    CRN_APPOINTMENT_STATUS_NOSHOW, CRN_APPOINTMENT_STATUS_CANCELLED,
                    CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* arrived   */ { X, X, X, CRN_APPOINTMENT_STATUS_FULFILLED, X,
                    CRN_APPOINTMENT_STATUS_CANCELLED, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* fulfilled */ { X, X, X, X, CRN_APPOINTMENT_STATUS_NOSHOW, X,
                    CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* cancelled */ { X, X, X, X, X, X, CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* noshow    */ { X, X, X, CRN_APPOINTMENT_STATUS_FULFILLED, X, X,
                    CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR },
  /* e-i-e     */ { X, X, X, X, X, X, X },
};

static const char *target_words[N_ACTIONS] = {
  "booked", "cancelled", "arrived", "seen", "no-show", "cancelled", "entered in error",
};

static CrnBooking *
valid_booking (void)
{
  CrnBooking *b = crn_booking_new ();

  b->id = g_strdup ("0b6f3c8e-2a55-4d0e-8f43-7d7a1c2b9e10");
  b->slot_id = g_strdup ("slot-1");
  b->practitioner = g_strdup (TEST_IDNPS);
  b->start = test_utc (2026, 3, 27, 15, 0);
  b->end = b->start + 20 * 60;
  b->patient.family = g_strdup ("Lefèvre");
  b->patient.given = g_strdup ("Inès");
  b->patient.birth_date = g_strdup ("2015-03-21");
  b->patient.phone = g_strdup ("06 12 34 56 78");
  b->reason = g_strdup ("Fièvre depuis 2 jours");
  b->referrer = CRN_REFERRER_SAS;
  b->referrer_name = g_strdup ("OSNP Centre 15");
  b->operator_id = g_strdup ("osnp-042");
  b->requested_at = b->start - 3 * 3600;
  b->created_at = b->start - 3 * 3600 + 20;
  return b;
}

static void
test_state_machine (void)
{
  guint legal = 0, illegal = 0;

  for (guint s = 0; s < N_STATES; s++)
    for (guint a = 0; a < N_ACTIONS; a++)
      {
        g_autoptr(CrnBooking) b = valid_booking ();
        g_autoptr(CrnBooking) before = NULL;
        g_autoptr(GError) error = NULL;
        gboolean ok;

        b->status = states[s];
        b->practitioner_status = CRN_PARTICIPATION_NEEDS_ACTION;
        before = crn_booking_copy (b);

        g_test_message ("%s + action %u", state_words[s], a);
        g_assert_cmpint (crn_booking_can_apply (b, (CrnBookingAction) a), ==,
                         expected[s][a] != X);
        ok = crn_booking_apply (b, (CrnBookingAction) a, "Patient rappelé", &error);

        if (expected[s][a] == X)
          {
            g_autofree char *want_from = g_strdup_printf ("is %s", state_words[s]);
            g_autofree char *want_to = g_strdup_printf ("become %s", target_words[a]);

            g_assert_false (ok);
            g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_ILLEGAL_TRANSITION);
            g_assert_nonnull (strstr (error->message, want_from));
            g_assert_nonnull (strstr (error->message, want_to));
            g_assert_true (crn_booking_equal (b, before));
            illegal++;
            continue;
          }

        g_assert_true (ok);
        g_assert_no_error (error);
        g_assert_cmpint (b->status, ==, expected[s][a]);
        legal++;

        switch ((CrnBookingAction) a)
          {
          case CRN_BOOKING_ACTION_ACCEPT:
            g_assert_cmpint (b->practitioner_status, ==, CRN_PARTICIPATION_ACCEPTED);
            g_assert_null (b->cancel_reason);
            break;
          case CRN_BOOKING_ACTION_DECLINE:
            g_assert_cmpint (b->practitioner_status, ==, CRN_PARTICIPATION_DECLINED);
            g_assert_cmpstr (b->cancel_reason, ==, "Patient rappelé");
            break;
          case CRN_BOOKING_ACTION_CANCEL:
            g_assert_cmpint (b->practitioner_status, ==, CRN_PARTICIPATION_NEEDS_ACTION);
            g_assert_cmpstr (b->cancel_reason, ==, "Patient rappelé");
            break;
          case CRN_BOOKING_ACTION_ARRIVE:
          case CRN_BOOKING_ACTION_SEEN:
          case CRN_BOOKING_ACTION_NOSHOW:
          case CRN_BOOKING_ACTION_ERROR:
          default:
            g_assert_cmpint (b->practitioner_status, ==, CRN_PARTICIPATION_NEEDS_ACTION);
            g_assert_null (b->cancel_reason);
            break;
          }

        /* nothing else changed */
        b->status = before->status;
        b->practitioner_status = before->practitioner_status;
        g_clear_pointer (&b->cancel_reason, g_free);
        g_assert_true (crn_booking_equal (b, before));
      }

  /* 4 + 4 + 5 + 3 + 2 + 1 + 2 + 0 legal moves */
  g_assert_cmpuint (legal, ==, 21);
  g_assert_cmpuint (illegal, ==, N_STATES * N_ACTIONS - 21);
}

static void
test_state_machine_paths (void)
{
  g_autoptr(CrnBooking) b = valid_booking ();
  g_autoptr(GError) error = NULL;

  /* proposed -> accepted -> arrived -> seen -> corrected to no-show -> back to seen */
  g_assert_true (crn_booking_needs_confirmation (b));
  g_assert_true (crn_booking_apply (b, CRN_BOOKING_ACTION_ACCEPT, NULL, &error));
  g_assert_false (crn_booking_needs_confirmation (b));
  g_assert_true (crn_booking_apply (b, CRN_BOOKING_ACTION_ARRIVE, NULL, &error));
  g_assert_true (crn_booking_apply (b, CRN_BOOKING_ACTION_SEEN, NULL, &error));
  g_assert_true (crn_booking_apply (b, CRN_BOOKING_ACTION_NOSHOW, NULL, &error));
  g_assert_true (crn_booking_apply (b, CRN_BOOKING_ACTION_SEEN, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (b->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
  g_assert_true (crn_booking_apply (b, CRN_BOOKING_ACTION_ERROR, NULL, &error));
  g_assert_false (crn_booking_apply (b, CRN_BOOKING_ACTION_ERROR, NULL, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  /* a cancel without a reason clears none that was not there, and keeps a NULL */
  {
    g_autoptr(CrnBooking) c = valid_booking ();

    c->status = CRN_APPOINTMENT_STATUS_BOOKED;
    g_assert_true (crn_booking_apply (c, CRN_BOOKING_ACTION_CANCEL, NULL, NULL));
    g_assert_null (c->cancel_reason);
  }
  /* an unknown action is refused */
  g_assert_false (crn_booking_apply (b, (CrnBookingAction) 42, NULL, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_ILLEGAL_TRANSITION);
  g_assert_false (crn_booking_can_apply (b, (CrnBookingAction) 42));
}

static void
test_predicates (void)
{
  const gboolean holds[N_STATES] = { TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, TRUE, FALSE };
  g_autoptr(CrnBooking) b = valid_booking ();

  for (guint s = 0; s < N_STATES; s++)
    {
      b->status = states[s];
      g_assert_cmpint (crn_booking_holds_slot (b), ==, holds[s]);

      /* outcome: booked/arrived whose start has come */
      g_assert_cmpint (crn_booking_needs_outcome (b, b->start - 1), ==, FALSE);
      g_assert_cmpint (crn_booking_needs_outcome (b, b->start), ==,
                       states[s] == CRN_APPOINTMENT_STATUS_BOOKED ||
                       states[s] == CRN_APPOINTMENT_STATUS_ARRIVED);
      g_assert_cmpint (crn_booking_needs_outcome (b, b->end + 86400), ==,
                       states[s] == CRN_APPOINTMENT_STATUS_BOOKED ||
                       states[s] == CRN_APPOINTMENT_STATUS_ARRIVED);

      for (guint p = CRN_PARTICIPATION_NEEDS_ACTION; p <= CRN_PARTICIPATION_TENTATIVE; p++)
        {
          b->practitioner_status = (CrnParticipationStatus) p;
          g_assert_cmpint (crn_booking_needs_confirmation (b), ==,
                           (states[s] == CRN_APPOINTMENT_STATUS_PROPOSED ||
                            states[s] == CRN_APPOINTMENT_STATUS_PENDING) &&
                           p == CRN_PARTICIPATION_NEEDS_ACTION);
        }
    }
}

static void
test_validate (void)
{
  struct {
    const char *what;
    const char *field;
    const char *value;
    const char *needle;
  } bad[] = {
    { "empty family", "family", "", "family name" },
    { "blank family", "family", "   ", "family name" },
    { "no family", "family", NULL, "family name" },
    { "empty given", "given", "", "given name" },
    { "no birth date", "birth", NULL, "YYYY-MM-DD" },
    { "French order", "birth", "21/03/2015", "21/03/2015" },
    { "not a day", "birth", "2015-02-30", "2015-02-30" },
    { "month 13", "birth", "2015-13-01", "YYYY-MM-DD" },
    { "short", "birth", "2015-3-21", "YYYY-MM-DD" },
    { "future", "birth", "2026-03-28", "in the future" },
    { "far future", "birth", "2099-01-01", "in the future" },
    { "no phone", "phone", NULL, "phone number" },
    { "letters", "phone", "06 12 34 AB 78", "06 12 34 AB 78" },
    { "too short", "phone", "06 12 34 56", "phone number" },
    { "foreign", "phone", "+44 20 7946 0958", "phone number" },
  };

  crn_time_set_now_for_testing (test_utc (2026, 3, 27, 12, 0));

  {
    g_autoptr(CrnBooking) b = valid_booking ();
    g_autoptr(GError) error = NULL;

    g_assert_true (crn_booking_validate (b, &error));
    g_assert_no_error (error);
    /* born today is fine */
    g_free (b->patient.birth_date);
    b->patient.birth_date = g_strdup ("2026-03-27");
    g_assert_true (crn_booking_validate (b, &error));
    g_assert_no_error (error);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CrnBooking) b = valid_booking ();
      g_autoptr(GError) error = NULL;
      char **field;

      g_test_message ("case: %s", bad[i].what);
      if (strcmp (bad[i].field, "family") == 0)
        field = &b->patient.family;
      else if (strcmp (bad[i].field, "given") == 0)
        field = &b->patient.given;
      else if (strcmp (bad[i].field, "birth") == 0)
        field = &b->patient.birth_date;
      else
        field = &b->patient.phone;
      g_free (*field);
      *field = g_strdup (bad[i].value);

      g_assert_false (crn_booking_validate (b, &error));
      g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
    }

  {
    g_autoptr(CrnBooking) b = valid_booking ();
    g_autoptr(GError) error = NULL;

    b->end = b->start;
    g_assert_false (crn_booking_validate (b, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    b->end = b->start + 60;
    g_free (b->practitioner);
    b->practitioner = g_strdup ("10003456789");
    g_assert_false (crn_booking_validate (b, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    g_free (b->practitioner);
    b->practitioner = g_strdup (TEST_IDNPS);
    g_clear_pointer (&b->id, g_free);
    g_assert_false (crn_booking_validate (b, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  }

  crn_time_set_now_for_testing (0);
}

static void
test_phone (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "06 12 34 56 78", "+33612345678" },
    { "0612345678", "+33612345678" },
    { "06.12.34.56.78", "+33612345678" },
    { "06-12-34-56-78", "+33612345678" },
    { "+33 6 12 34 56 78", "+33612345678" },
    { "+33612345678", "+33612345678" },
    { "+33 (0)6 12 34 56 78", "+33612345678" },
    { "0033 6 12 34 56 78", "+33612345678" },
    { "0033612345678", "+33612345678" },
    { "01 23 45 67 89", "+33123456789" },
    { "09 70 12 34 56", "+33970123456" },
    { " 07 00 00 00 01 ", "+33700000001" },
    { NULL, NULL },
    { "", NULL },
    { "06 12 34 56 7", NULL },
    { "06 12 34 56 789", NULL },
    { "6 12 34 56 78", NULL },
    { "00 12 34 56 78", NULL },
    { "+33 0 12 34 56 78", NULL },
    { "+44 20 7946 0958", NULL },
    { "+3361234567", NULL },
    { "0033 06 12 34 56 78", NULL },
    { "06 12 34 56 7a", NULL },
    { "tel: 0612345678", NULL },
    { "06++12345678", NULL },
    { "33612345678", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = crn_phone_normalize (cases[i].in);

      g_test_message ("phone: %s", cases[i].in ? cases[i].in : "(null)");
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static void
test_age (void)
{
  CrnPatient p = { 0 };
  GDate on;

  p.birth_date = (char *) "2008-06-15";
  on = test_date (2026, 6, 14);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 17);
  on = test_date (2026, 6, 15);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 18);
  on = test_date (2008, 6, 15);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 0);
  on = test_date (2008, 6, 14);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, -1);

  /* born on 29 February */
  p.birth_date = (char *) "2008-02-29";
  on = test_date (2026, 2, 28);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 17);
  on = test_date (2026, 3, 1);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 18);
  on = test_date (2028, 2, 29);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 20);

  p.birth_date = (char *) "1940-12-31";
  on = test_date (2026, 12, 30);
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, 85);

  p.birth_date = NULL;
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, -1);
  p.birth_date = (char *) "31/12/1940";
  g_assert_cmpint (crn_patient_age_on (&p, &on), ==, -1);
}

static void
test_copy_equal (void)
{
  g_autoptr(CrnBooking) b = valid_booking ();
  g_autoptr(CrnBooking) c = crn_booking_copy (b);
  CrnBooking *boxed;

  g_assert_true (crn_booking_equal (b, c));
  g_assert_true (c->patient.family != b->patient.family);
  g_assert_false (crn_booking_equal (b, NULL));
  g_assert_true (crn_booking_equal (NULL, NULL));

  boxed = g_boxed_copy (CRN_TYPE_BOOKING, b);
  g_assert_true (crn_booking_equal (boxed, b));
  g_boxed_free (CRN_TYPE_BOOKING, boxed);

#define MUTATE(stmt)                                          \
  G_STMT_START {                                              \
    g_autoptr(CrnBooking) m = crn_booking_copy (b);           \
    stmt;                                                     \
    g_assert_false (crn_booking_equal (b, m));                \
    g_assert_false (crn_booking_equal (m, b));                \
  } G_STMT_END

  MUTATE (g_free (m->id); m->id = g_strdup ("x"));
  MUTATE (g_free (m->slot_id); m->slot_id = NULL);
  MUTATE (g_free (m->practitioner); m->practitioner = g_strdup (TEST_IDNPS_2));
  MUTATE (m->start++);
  MUTATE (m->end++);
  MUTATE (g_free (m->patient.family); m->patient.family = g_strdup ("Lefevre"));
  MUTATE (g_free (m->patient.given); m->patient.given = g_strdup ("Ines"));
  MUTATE (g_free (m->patient.birth_date); m->patient.birth_date = g_strdup ("2015-03-22"));
  MUTATE (g_free (m->patient.phone); m->patient.phone = g_strdup ("0612345678"));
  MUTATE (g_free (m->reason); m->reason = g_strdup ("Otite"));
  MUTATE (m->referrer = CRN_REFERRER_PHARMACY);
  MUTATE (g_free (m->referrer_name); m->referrer_name = NULL);
  MUTATE (g_free (m->operator_id); m->operator_id = g_strdup ("osnp-043"));
  MUTATE (m->requested_at++);
  MUTATE (m->created_at++);
  MUTATE (m->extra = TRUE);
  MUTATE (m->status = CRN_APPOINTMENT_STATUS_BOOKED);
  MUTATE (m->practitioner_status = CRN_PARTICIPATION_ACCEPTED);
  MUTATE (m->cancel_reason = g_strdup ("x"));
  MUTATE (m->version = 7);
  MUTATE (m->last_updated_ms = 7);
#undef MUTATE
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/booking/state-machine", test_state_machine);
  g_test_add_func ("/core/booking/state-machine-paths", test_state_machine_paths);
  g_test_add_func ("/core/booking/predicates", test_predicates);
  g_test_add_func ("/core/booking/validate", test_validate);
  g_test_add_func ("/core/booking/phone", test_phone);
  g_test_add_func ("/core/booking/age", test_age);
  g_test_add_func ("/core/booking/copy-equal", test_copy_equal);

  return g_test_run ();
}
