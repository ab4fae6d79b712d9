/* store-test-util.c: helpers shared by the store tests and the store benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "store-test-util.h"

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

void
store_fixture_setup (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("crn-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "creneaux.db", NULL);
}

void
store_fixture_teardown (StoreFixture  *fixture,
                        gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

CrnStoreDb *
store_test_open (const char *path)
{
  g_autoptr(GError) error = NULL;
  CrnStoreDb *db = _crn_store_db_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

void
store_test_raw_exec (const char *path,
                     const char *sql)
{
  sqlite3 *handle = NULL;
  char *message = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  rc = sqlite3_exec (handle, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("raw SQL failed: %s", message);
  sqlite3_close (handle);
}

static gint64
int_query (sqlite3    *handle,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

gint64
store_test_raw_int (const char *path,
                    const char *sql)
{
  sqlite3 *handle = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  value = int_query (handle, sql);
  sqlite3_close (handle);

  return value;
}

gint64
store_test_db_int (CrnStoreDb *db,
                   const char *sql)
{
  return int_query (_crn_store_db_get_handle (db), sql);
}

CrnInstant
store_test_utc (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

CrnSlot *
store_test_slot (const char    *id,
                 const char    *practitioner,
                 CrnInstant     start,
                 guint          minutes,
                 CrnVisibility  visibility)
{
  CrnSlot *slot = crn_slot_new ();

  slot->id = g_strdup (id);
  slot->practitioner = g_strdup (practitioner);
  slot->place_id = g_strdup (TEST_PLACE);
  slot->start = start;
  slot->end = start + minutes * 60;
  slot->modalities = CRN_MODALITY_AMB;
  slot->visibility = visibility;
  slot->status = CRN_SLOT_STATUS_FREE;
  slot->version = 1;

  return slot;
}

CrnBooking *
store_test_booking (const char           *id,
                    const CrnSlot        *slot,
                    CrnAppointmentStatus  status,
                    CrnReferrer           referrer,
                    const char           *family,
                    const char           *given,
                    const char           *birth_date)
{
  CrnBooking *booking = crn_booking_new ();

  booking->id = g_strdup (id);
  booking->slot_id = g_strdup (slot->id);
  booking->practitioner = g_strdup (slot->practitioner);
  booking->start = slot->start;
  booking->end = slot->end;
  booking->patient.family = g_strdup (family);
  booking->patient.given = g_strdup (given);
  booking->patient.birth_date = g_strdup (birth_date);
  booking->patient.phone = g_strdup ("0600000000");
  booking->reason = g_strdup ("Fièvre depuis 2 jours");
  booking->referrer = referrer;
  booking->created_at = slot->start - 3600;
  booking->status = status;
  booking->practitioner_status = status == CRN_APPOINTMENT_STATUS_PROPOSED
                                 ? CRN_PARTICIPATION_NEEDS_ACTION
                                 : CRN_PARTICIPATION_ACCEPTED;
  booking->version = 1;

  return booking;
}

/* ------------------------------------------------------------------ generator */

static const char * const families[] = {
  "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
  "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Étienne", "Roux", "Fournier",
};
static const char * const givens[] = {
  "Claire", "Élodie", "Hugo", "Léa", "Lucas", "Chloé", "Louis", "Manon", "Jules", "Inès",
};

static guint
pick_weighted (GRand            *rand,
               const guint      *weights,
               guint             n)
{
  guint total = 0, r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  return n - 1;
}

StoreTestData *
store_test_generate (guint32     seed,
                     guint       n_practitioners,
                     CrnInstant  from,
                     guint       n_days,
                     guint       n_slots,
                     guint       n_bookings,
                     CrnInstant  now)
{
  static const CrnReferrer referrers[] = {
    CRN_REFERRER_SAS, CRN_REFERRER_PHARMACY, CRN_REFERRER_EMERGENCY, CRN_REFERRER_NURSE,
    CRN_REFERRER_PHYSIOTHERAPIST, CRN_REFERRER_OWN_PATIENT, CRN_REFERRER_OTHER,
  };
  static const guint referrer_weights[] = { 70, 10, 5, 5, 2, 5, 3 };
  static const CrnAppointmentStatus past_status[] = {
    CRN_APPOINTMENT_STATUS_FULFILLED, CRN_APPOINTMENT_STATUS_NOSHOW,
    CRN_APPOINTMENT_STATUS_CANCELLED, CRN_APPOINTMENT_STATUS_ARRIVED,
    CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR, CRN_APPOINTMENT_STATUS_BOOKED,
  };
  static const guint past_weights[] = { 80, 8, 7, 1, 1, 3 };
  static const CrnAppointmentStatus future_status[] = {
    CRN_APPOINTMENT_STATUS_BOOKED, CRN_APPOINTMENT_STATUS_PROPOSED,
    CRN_APPOINTMENT_STATUS_PENDING, CRN_APPOINTMENT_STATUS_CANCELLED,
    CRN_APPOINTMENT_STATUS_ARRIVED,
  };
  static const guint future_weights[] = { 70, 15, 4, 10, 1 };
  static const CrnVisibility visibilities[] = {
    CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS, CRN_VISIBILITY_SNP, CRN_VISIBILITY_CPTS,
    CRN_VISIBILITY_PRO, CRN_VISIBILITY_NONE,
  };
  static const guint visibility_weights[] = { 65, 5, 5, 10, 15 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  StoreTestData *data = g_new0 (StoreTestData, 1);
  g_autofree guint *order = NULL;

  data->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  data->bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  data->practitioners = g_new0 (char *, n_practitioners + 1);
  for (guint p = 0; p < n_practitioners; p++)
    data->practitioners[p] = g_strdup_printf ("8997001%05u", 10000 + p);

  for (guint i = 0; i < n_slots; i++)
    {
      const char *gp = data->practitioners[i % n_practitioners];
      guint day = (guint) g_rand_int_range (rand, 0, (gint32) n_days);
      guint quarter = (guint) g_rand_int_range (rand, 0, 12 * 4);   /* 08:00–20:00 */
      CrnInstant start = from + (CrnInstant) day * 86400 + 7 * 3600 + quarter * 900;
      g_autofree char *id = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
      CrnSlot *slot;

      slot = store_test_slot (id, gp, start,
                              g_rand_boolean (rand) ? 15 : 20,
                              visibilities[pick_weighted (rand, visibility_weights,
                                                          G_N_ELEMENTS (visibility_weights))]);
      slot->version = g_rand_int_range (rand, 1, 5);
      slot->last_updated_ms = (start - 7 * 86400) * 1000;
      if (g_rand_int_range (rand, 0, 100) < 2)
        slot->status = CRN_SLOT_STATUS_ENTERED_IN_ERROR;
      g_ptr_array_add (data->slots, slot);
    }

  /* Book distinct slots in a random order. */
  order = g_new (guint, n_slots);
  for (guint i = 0; i < n_slots; i++)
    order[i] = i;
  for (guint i = n_slots; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      guint tmp = order[i - 1];

      order[i - 1] = order[j];
      order[j] = tmp;
    }

  for (guint i = 0; i < n_bookings; i++)
    {
      g_autofree char *id = g_strdup_printf ("00000000-0000-4000-9000-%012u", i);
      g_autofree char *birth = g_strdup_printf ("19%02d-%02d-%02d",
                                                g_rand_int_range (rand, 40, 99),
                                                g_rand_int_range (rand, 1, 13),
                                                g_rand_int_range (rand, 1, 4));
      gboolean extra = g_rand_int_range (rand, 0, 100) < 3 || i >= n_slots;
      CrnSlot *slot = g_ptr_array_index (data->slots, order[i % n_slots]);
      CrnAppointmentStatus status;
      CrnBooking *booking;

      if (slot->start <= now)
        status = past_status[pick_weighted (rand, past_weights, G_N_ELEMENTS (past_weights))];
      else
        status = future_status[pick_weighted (rand, future_weights,
                                              G_N_ELEMENTS (future_weights))];

      booking = store_test_booking (id, slot, status,
                                    referrers[pick_weighted (rand, referrer_weights,
                                                             G_N_ELEMENTS (referrer_weights))],
                                    families[g_rand_int_range (rand, 0, G_N_ELEMENTS (families))],
                                    givens[g_rand_int_range (rand, 0, G_N_ELEMENTS (givens))],
                                    birth);
      booking->version = g_rand_int_range (rand, 1, 4);
      if (extra)
        {
          /* A surnuméraire: no slot, taken on top of the declared ones. */
          booking->extra = TRUE;
          g_clear_pointer (&booking->slot_id, g_free);
          booking->start += 10 * 60;
          booking->end += 10 * 60;
        }
      else if (crn_booking_holds_slot (booking))
        {
          slot->status = CRN_SLOT_STATUS_BUSY;
        }
      g_ptr_array_add (data->bookings, booking);
    }

  return data;
}

void
store_test_data_free (StoreTestData *data)
{
  if (data == NULL)
    return;

  g_ptr_array_unref (data->slots);
  g_ptr_array_unref (data->bookings);
  g_strfreev (data->practitioners);
  g_free (data);
}
