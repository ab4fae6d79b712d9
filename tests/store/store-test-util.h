/* store-test-util.h: helpers shared by the store tests and the store benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-core.h"
#include "crn-store.h"
#include "crn-store-private.h"

G_BEGIN_DECLS

#define TEST_IDNPS   "899700123456"
#define TEST_IDNPS_2 "899700654321"
#define TEST_PLACE   "5d0c8f4e-8a3b-4c1e-9f00-000000000001"

/* A fresh temporary folder per test, removed (with what is in it) by the teardown. */
typedef struct
{
  char *dir;
  char *path;       /* dir/creneaux.db, not created */
} StoreFixture;

void        store_fixture_setup     (StoreFixture  *fixture,
                                     gconstpointer  data);
void        store_fixture_teardown  (StoreFixture  *fixture,
                                     gconstpointer  data);

/* Opens with the synchronous store, asserting success. */
CrnStoreDb *store_test_open         (const char *path);
/* Runs raw SQL on a file with plain SQLite (fixtures, checks), asserting success. */
void        store_test_raw_exec     (const char *path,
                                     const char *sql);
gint64      store_test_raw_int      (const char *path,
                                     const char *sql);
gint64      store_test_db_int       (CrnStoreDb *db,
                                     const char *sql);

CrnInstant  store_test_utc          (int year, int month, int day, int hour, int minute);
CrnSlot    *store_test_slot         (const char   *id,
                                     const char   *practitioner,
                                     CrnInstant    start,
                                     guint         minutes,
                                     CrnVisibility visibility);
CrnBooking *store_test_booking      (const char           *id,
                                     const CrnSlot        *slot,
                                     CrnAppointmentStatus  status,
                                     CrnReferrer           referrer,
                                     const char           *family,
                                     const char           *given,
                                     const char           *birth_date);

/* Fictitious but realistic data, generated from a fixed seed: @n_slots slots for
 * @n_practitioners GPs from @from over @n_days days (Mon–Sat, 08:00–20:00 UTC+1-ish), and
 * about @n_bookings bookings on them (outcomes set relative to @now), plus a few extras. */
typedef struct
{
  GPtrArray  *slots;            /* (element-type CrnSlot) */
  GPtrArray  *bookings;         /* (element-type CrnBooking) */
  char      **practitioners;    /* NULL-terminated */
} StoreTestData;

StoreTestData *store_test_generate  (guint32     seed,
                                     guint       n_practitioners,
                                     CrnInstant  from,
                                     guint       n_days,
                                     guint       n_slots,
                                     guint       n_bookings,
                                     CrnInstant  now);
void           store_test_data_free (StoreTestData *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreTestData, store_test_data_free)

G_END_DECLS
