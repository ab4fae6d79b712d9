/* test-types.c: string <-> enum conversions, labels, boxed and enum GTypes, slots,
 * practitioners and places
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "crn-core-enums.h"
#include "crn-test-util.h"

static void
test_flags_codes (void)
{
  struct { CrnModality v; const char *code; } modalities[] = {
    { CRN_MODALITY_AMB, "AMB" }, { CRN_MODALITY_VR, "VR" }, { CRN_MODALITY_HH, "HH" },
  };
  struct { CrnVisibility v; const char *code; } visibilities[] = {
    { CRN_VISIBILITY_SNP, "SNP" }, { CRN_VISIBILITY_CPTS, "CPTS" },
    { CRN_VISIBILITY_PRO, "PRO" }, { CRN_VISIBILITY_PUBLIC, "PUBLIC" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (modalities); i++)
    {
      g_assert_cmpstr (crn_modality_to_code (modalities[i].v), ==, modalities[i].code);
      g_assert_cmpint (crn_modality_from_code (modalities[i].code), ==, modalities[i].v);
    }
  for (guint i = 0; i < G_N_ELEMENTS (visibilities); i++)
    {
      g_assert_cmpstr (crn_visibility_to_code (visibilities[i].v), ==, visibilities[i].code);
      g_assert_cmpint (crn_visibility_from_code (visibilities[i].code), ==, visibilities[i].v);
    }

  /* several flags or none have no single code */
  g_assert_null (crn_modality_to_code (CRN_MODALITY_NONE));
  g_assert_null (crn_modality_to_code (CRN_MODALITY_AMB | CRN_MODALITY_VR));
  g_assert_null (crn_visibility_to_code (CRN_VISIBILITY_NONE));
  g_assert_null (crn_visibility_to_code (CRN_VISIBILITY_ALL));
  /* codes are case-sensitive, unknown ones give NONE */
  g_assert_cmpint (crn_modality_from_code ("amb"), ==, CRN_MODALITY_NONE);
  g_assert_cmpint (crn_modality_from_code (NULL), ==, CRN_MODALITY_NONE);
  g_assert_cmpint (crn_modality_from_code ("TEL"), ==, CRN_MODALITY_NONE);
  g_assert_cmpint (crn_visibility_from_code ("snp"), ==, CRN_VISIBILITY_NONE);
  g_assert_cmpint (crn_visibility_from_code (""), ==, CRN_VISIBILITY_NONE);
}

#define CHECK_ENUM(to_string, from_string, Type, table)                         \
  G_STMT_START {                                                                \
    for (guint i = 0; i < G_N_ELEMENTS (table); i++)                            \
      {                                                                         \
        Type out = (Type) 99;                                                   \
        g_assert_cmpstr (to_string (table[i].v), ==, table[i].code);            \
        g_assert_true (from_string (table[i].code, &out));                      \
        g_assert_cmpint (out, ==, table[i].v);                                  \
        g_assert_true (from_string (table[i].code, NULL));                      \
      }                                                                         \
    {                                                                           \
      Type out = (Type) 99;                                                     \
      g_assert_null (to_string ((Type) 99));                                    \
      g_assert_false (from_string ("nope", &out));                              \
      g_assert_false (from_string (NULL, &out));                                \
      g_assert_false (from_string ("", &out));                                  \
      g_assert_cmpint (out, ==, 99);                                            \
    }                                                                           \
  } G_STMT_END

static void
test_enum_codes (void)
{
  struct { CrnSlotStatus v; const char *code; } slot_status[] = {
    { CRN_SLOT_STATUS_FREE, "free" }, { CRN_SLOT_STATUS_BUSY, "busy" },
    { CRN_SLOT_STATUS_BUSY_TENTATIVE, "busy-tentative" },
    { CRN_SLOT_STATUS_BUSY_UNAVAILABLE, "busy-unavailable" },
    { CRN_SLOT_STATUS_ENTERED_IN_ERROR, "entered-in-error" },
  };
  struct { CrnAppointmentStatus v; const char *code; } appointment[] = {
    { CRN_APPOINTMENT_STATUS_PROPOSED, "proposed" }, { CRN_APPOINTMENT_STATUS_PENDING, "pending" },
    { CRN_APPOINTMENT_STATUS_BOOKED, "booked" }, { CRN_APPOINTMENT_STATUS_ARRIVED, "arrived" },
    { CRN_APPOINTMENT_STATUS_FULFILLED, "fulfilled" },
    { CRN_APPOINTMENT_STATUS_CANCELLED, "cancelled" },
    { CRN_APPOINTMENT_STATUS_NOSHOW, "noshow" },
    { CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR, "entered-in-error" },
  };
  struct { CrnParticipationStatus v; const char *code; } participation[] = {
    { CRN_PARTICIPATION_NEEDS_ACTION, "needs-action" },
    { CRN_PARTICIPATION_ACCEPTED, "accepted" },
    { CRN_PARTICIPATION_DECLINED, "declined" },
    { CRN_PARTICIPATION_TENTATIVE, "tentative" },
  };
  struct { CrnReferrer v; const char *code; } referrer[] = {
    { CRN_REFERRER_SAS, "sas" }, { CRN_REFERRER_PHARMACY, "pharmacy" },
    { CRN_REFERRER_EMERGENCY, "emergency" }, { CRN_REFERRER_NURSE, "nurse" },
    { CRN_REFERRER_PHYSIOTHERAPIST, "physiotherapist" },
    { CRN_REFERRER_OWN_PATIENT, "own-patient" }, { CRN_REFERRER_OTHER, "other" },
  };
  struct { CrnRestriction v; const char *code; } restriction[] = {
    { CRN_RESTRICTION_NONE, "none" }, { CRN_RESTRICTION_CHILDREN, "children" },
    { CRN_RESTRICTION_ADULTS, "adults" }, { CRN_RESTRICTION_OTHER, "other" },
  };

  CHECK_ENUM (crn_slot_status_to_string, crn_slot_status_from_string, CrnSlotStatus, slot_status);
  CHECK_ENUM (crn_appointment_status_to_string, crn_appointment_status_from_string,
              CrnAppointmentStatus, appointment);
  CHECK_ENUM (crn_participation_status_to_string, crn_participation_status_from_string,
              CrnParticipationStatus, participation);
  CHECK_ENUM (crn_referrer_to_string, crn_referrer_from_string, CrnReferrer, referrer);
  CHECK_ENUM (crn_restriction_to_string, crn_restriction_from_string, CrnRestriction,
              restriction);

  /* every value of every enum has a code */
  g_assert_cmpuint (G_N_ELEMENTS (referrer), ==, CRN_REFERRER_N);
  g_assert_false (crn_appointment_status_from_string ("no-show", NULL));
  g_assert_false (crn_slot_status_from_string ("Free", NULL));
}

static void
test_referrer_labels (void)
{
  const char *labels[CRN_REFERRER_N] = {
    "SAS regulation", "Pharmacy", "Emergency department", "Nurse", "Physiotherapist",
    "Own patient", "Other",
  };

  for (guint r = 0; r < CRN_REFERRER_N; r++)
    g_assert_cmpstr (crn_referrer_get_label ((CrnReferrer) r), ==, labels[r]);
  g_assert_cmpstr (crn_referrer_get_label (CRN_REFERRER_N), ==, "Unknown");
}

static void
test_gtypes (void)
{
  GType boxed[] = { CRN_TYPE_SLOT, CRN_TYPE_BOOKING, CRN_TYPE_TEMPLATE, CRN_TYPE_POLICY };
  const char *names[] = { "CrnSlot", "CrnBooking", "CrnTemplate", "CrnPolicy" };
  g_autoptr(GEnumClass) referrers = NULL;
  g_autoptr(GFlagsClass) visibility = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (boxed); i++)
    {
      g_assert_true (G_TYPE_IS_BOXED (boxed[i]));
      g_assert_cmpstr (g_type_name (boxed[i]), ==, names[i]);
    }

  g_assert_true (G_TYPE_IS_FLAGS (CRN_TYPE_MODALITY));
  g_assert_true (G_TYPE_IS_FLAGS (CRN_TYPE_VISIBILITY));
  g_assert_true (G_TYPE_IS_ENUM (CRN_TYPE_REFERRER));
  g_assert_true (G_TYPE_IS_ENUM (CRN_TYPE_APPOINTMENT_STATUS));
  referrers = g_type_class_ref (CRN_TYPE_REFERRER);
  g_assert_cmpuint (referrers->n_values, ==, CRN_REFERRER_N);
  visibility = g_type_class_ref (CRN_TYPE_VISIBILITY);
  g_assert_nonnull (g_flags_get_first_value (visibility, CRN_VISIBILITY_PUBLIC));
}

static void
test_slot_basics (void)
{
  g_autoptr(CrnSlot) s = test_slot ("0b6f3c8e-2a55-4d0e-8f43-7d7a1c2b9e10",
                                    test_utc (2026, 6, 5, 14, 0), 20, CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) c = NULL;
  g_autoptr(GError) error = NULL;
  CrnSlot *boxed;

  s->template_block_id = g_strdup ("blk");
  s->version = 4;
  s->last_updated_ms = 1780000000123;
  g_assert_true (crn_slot_validate (s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (crn_slot_get_minutes (s), ==, 20);
  g_assert_true (crn_slot_is_for_regulation (s));

  c = crn_slot_copy (s);
  g_assert_true (crn_slot_equal (s, c));
  boxed = g_boxed_copy (CRN_TYPE_SLOT, s);
  g_assert_true (crn_slot_equal (s, boxed));
  g_boxed_free (CRN_TYPE_SLOT, boxed);

#define MUTATE(stmt)                                       \
  G_STMT_START {                                           \
    g_autoptr(CrnSlot) m = crn_slot_copy (s);              \
    stmt;                                                  \
    g_assert_false (crn_slot_equal (s, m));                \
  } G_STMT_END

  MUTATE (g_free (m->id); m->id = g_strdup ("x"));
  MUTATE (g_free (m->practitioner); m->practitioner = g_strdup (TEST_IDNPS_2));
  MUTATE (g_free (m->place_id); m->place_id = NULL);
  MUTATE (g_free (m->template_block_id); m->template_block_id = NULL);
  MUTATE (m->start++);
  MUTATE (m->end++);
  MUTATE (m->modalities |= CRN_MODALITY_VR);
  MUTATE (m->visibility |= CRN_VISIBILITY_PRO);
  MUTATE (m->restriction = CRN_RESTRICTION_CHILDREN);
  MUTATE (m->restriction_text = g_strdup ("x"));
  MUTATE (m->status = CRN_SLOT_STATUS_BUSY);
  MUTATE (m->version++);
  MUTATE (m->last_updated_ms++);
#undef MUTATE

  /* regulation sees SNP or CPTS labels only */
  s->visibility = CRN_VISIBILITY_CPTS;
  g_assert_true (crn_slot_is_for_regulation (s));
  s->visibility = CRN_VISIBILITY_PRO | CRN_VISIBILITY_PUBLIC;
  g_assert_false (crn_slot_is_for_regulation (s));
  s->visibility = CRN_VISIBILITY_NONE;
  g_assert_false (crn_slot_is_for_regulation (s));

  /* invariants */
  {
    g_autoptr(CrnSlot) m = crn_slot_copy (s);

    m->end = m->start;
    g_assert_false (crn_slot_validate (m, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpuint (crn_slot_get_minutes (m), ==, 0);
    m->end = m->start + 60;
    m->modalities = CRN_MODALITY_NONE;
    g_assert_false (crn_slot_validate (m, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_clear_error (&error);
    m->modalities = CRN_MODALITY_HH;
    g_free (m->practitioner);
    m->practitioner = g_strdup ("99700123456");
    g_assert_false (crn_slot_validate (m, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "99700123456"));
    g_clear_error (&error);
    g_free (m->practitioner);
    m->practitioner = g_strdup (TEST_IDNPS);
    g_clear_pointer (&m->id, g_free);
    g_assert_false (crn_slot_validate (m, &error));
    g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  }
}

static void
test_slot_compare (void)
{
  g_autoptr(CrnSlot) a = test_slot ("a", 1000, 20, CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) b = test_slot ("b", 1000, 20, CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) c = test_slot ("a", 2000, 20, CRN_VISIBILITY_SNP);
  g_autoptr(CrnSlot) d = test_slot ("a", 1000, 20, CRN_VISIBILITY_SNP);

  g_free (d->practitioner);
  d->practitioner = g_strdup (TEST_IDNPS_2);   /* 8997006… > 8997001… */
  g_assert_cmpint (crn_slot_compare (a, b), <, 0);
  g_assert_cmpint (crn_slot_compare (b, a), >, 0);
  g_assert_cmpint (crn_slot_compare (a, c), <, 0);
  g_assert_cmpint (crn_slot_compare (c, b), >, 0);
  g_assert_cmpint (crn_slot_compare (a, d), <, 0);
  g_assert_cmpint (crn_slot_compare (d, b), >, 0);
  g_assert_cmpint (crn_slot_compare (a, a), ==, 0);
}

static void
test_idnps (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "899700123456", "899700123456" },
    { "99700123456", "899700123456" },
    { "997 001 234 56", "899700123456" },
    { "8 99700123456", "899700123456" },
    { "99700123456x", NULL },
    { "9970012345", NULL },
    { "999700123456", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = crn_idnps_normalize (cases[i].in);

      g_assert_cmpstr (got, ==, cases[i].out);
    }
  g_assert_true (crn_idnps_is_valid ("899700123456"));
  g_assert_false (crn_idnps_is_valid ("99700123456"));
  g_assert_false (crn_idnps_is_valid ("8997001234567"));
  g_assert_false (crn_idnps_is_valid ("89970012345a"));
  g_assert_false (crn_idnps_is_valid (NULL));
}

static void
test_practitioner_place (void)
{
  g_autoptr(CrnPractitioner) p = crn_practitioner_new ();
  g_autoptr(CrnPractitioner) c = NULL;
  g_autoptr(CrnPlace) place = crn_place_new ();
  g_autoptr(CrnPlace) place_copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  p->idnps = g_strdup (TEST_IDNPS);
  p->family = g_strdup ("Martin");
  p->given = g_strdup ("Claire");
  p->phone = g_strdup ("01 23 45 67 89");
  g_assert_true (crn_practitioner_validate (p, &error));
  g_assert_no_error (error);
  name = crn_practitioner_get_display_name (p);
  g_assert_cmpstr (name, ==, "Dr Claire Martin");
  c = crn_practitioner_copy (p);
  g_assert_cmpstr (c->family, ==, "Martin");
  g_assert_true (c->family != p->family);

  g_free (p->phone);
  p->phone = g_strdup ("123");
  g_assert_false (crn_practitioner_validate (p, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&p->phone, g_free);
  g_assert_true (crn_practitioner_validate (p, NULL));
  g_free (p->given);
  p->given = g_strdup (" ");
  g_assert_false (crn_practitioner_validate (p, &error));
  g_assert_nonnull (strstr (error->message, "given name"));
  g_clear_error (&error);
  g_free (p->idnps);
  p->idnps = g_strdup ("123");
  g_assert_false (crn_practitioner_validate (p, &error));
  g_assert_nonnull (strstr (error->message, "“123”"));
  g_clear_error (&error);

  place->id = g_strdup (TEST_PLACE);
  place->name = g_strdup ("Cabinet du Parc");
  place->postal_code = g_strdup ("69003");
  place->city = g_strdup ("Lyon");
  g_assert_true (crn_place_validate (place, &error));
  g_assert_no_error (error);
  place_copy = crn_place_copy (place);
  g_assert_cmpstr (place_copy->city, ==, "Lyon");
  g_free (place->postal_code);
  place->postal_code = g_strdup ("6900");
  g_assert_false (crn_place_validate (place, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (place->name);
  place->name = g_strdup ("");
  g_assert_false (crn_place_validate (place, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/types/flags-codes", test_flags_codes);
  g_test_add_func ("/core/types/enum-codes", test_enum_codes);
  g_test_add_func ("/core/types/referrer-labels", test_referrer_labels);
  g_test_add_func ("/core/types/gtypes", test_gtypes);
  g_test_add_func ("/core/types/slot", test_slot_basics);
  g_test_add_func ("/core/types/slot-compare", test_slot_compare);
  g_test_add_func ("/core/types/idnps", test_idnps);
  g_test_add_func ("/core/types/practitioner-place", test_practitioner_place);

  return g_test_run ();
}
