/* bench-store-growth.c: how the store's week query and monthly figures grow with the data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: prints figures, one `BENCH {json}` line per measure and scale. For each scale
 * given on the command line (default 1 4 16), fills a fresh store with the practice data set
 * repeated over as many years: 10 GPs, scale × 10,000 slots and scale × 5,000 bookings over
 * scale × 52 weeks, from the store tests' seeded generator. A practice accumulates years, so
 * the rows a week shows stay the same while the file grows: the query must not scan. Beside
 * it, in the same run and at the same size, a bare SQLite table with an (owner, start) index
 * answers the same week select and the same month aggregate.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "store-test-util.h"

#define N_GPS       10
#define N_SLOTS     10000
#define N_BOOKINGS  5000
#define PAGE        500
#define N_RUNS      200
#define SEED        20260105

/* Monday 5 January 2026 00:00 UTC */
#define YEAR_START ((CrnInstant) 1767571200)

static const char *practitioners_json =
  "[\"899700110000\",\"899700110001\",\"899700110002\",\"899700110003\",\"899700110004\","
  "\"899700110005\",\"899700110006\",\"899700110007\",\"899700110008\",\"899700110009\"]";

static void
remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[s], NULL);

      g_unlink (p);
    }
}

static void
upsert_pages (CrnStoreDb *db,
              GPtrArray  *rows,
              gboolean    bookings)
{
  for (guint i = 0; i < rows->len; i += PAGE)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;

      for (guint j = i; j < MIN (i + PAGE, rows->len); j++)
        g_ptr_array_add (page, g_ptr_array_index (rows, j));
      if (bookings)
        _crn_store_db_upsert_bookings (db, page, NULL, &error);
      else
        _crn_store_db_upsert_slots (db, page, NULL, &error);
      g_assert_no_error (error);
    }
}

static sqlite3 *
bare_fill (const char *path,
           guint       n_rows,
           guint       n_days)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  GRand *rand = g_rand_new_with_seed (SEED);

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                 "CREATE TABLE bare (id TEXT PRIMARY KEY, owner TEXT,"
                                 " start INTEGER, minutes INTEGER, label TEXT);"
                                 "CREATE INDEX bare_owner_start ON bare (owner, start);"
                                 "CREATE INDEX bare_start ON bare (start);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "INSERT INTO bare VALUES (?, ?, ?, ?, ?)", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_rows; i++)
    {
      char id[64], owner[16];
      guint day = (guint) g_rand_int_range (rand, 0, (gint32) n_days);

      if (i % PAGE == 0)
        sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      g_snprintf (id, sizeof id, "00000000-0000-4000-a000-%012u", i);
      g_snprintf (owner, sizeof owner, "8997001%05u", 10000 + i % N_GPS);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, YEAR_START + (CrnInstant) day * 86400 + 7 * 3600
                          + g_rand_int_range (rand, 0, 48) * 900);
      sqlite3_bind_int (stmt, 4, 20);
      sqlite3_bind_text (stmt, 5, "fictitious row", -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
      if (i % PAGE == PAGE - 1 || i == n_rows - 1)
        sqlite3_exec (handle, "COMMIT", NULL, NULL, NULL);
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (handle, "ANALYZE", NULL, NULL, NULL);
  g_rand_free (rand);

  return handle;
}

static void
measure (guint scale,
         const char *dir)
{
  g_autofree char *path = g_strdup_printf ("%s/creneaux-%u.db", dir, scale);
  g_autofree char *bare_path = g_strdup_printf ("%s/bare-%u.db", dir, scale);
  g_autofree char *extra = NULL;
  g_autoptr(StoreTestData) data = NULL;
  g_autoptr(GArray) week = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) figures = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_week = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_month = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_days = 364 * scale, rows_shown = 0, bare_shown = 0;
  CrnStoreDb *db;
  sqlite3 *bare;
  sqlite3_stmt *stmt = NULL;
  double t0;

  remove_db (path);
  remove_db (bare_path);
  data = store_test_generate (SEED, N_GPS, YEAR_START, n_days, N_SLOTS * scale,
                              N_BOOKINGS * scale, YEAR_START + 180 * 86400);
  db = store_test_open (path);
  t0 = bench_now_ms ();
  upsert_pages (db, data->slots, FALSE);
  upsert_pages (db, data->bookings, TRUE);
  printf ("scale %2ux: %u slots, %u bookings over %u weeks, stored in %.0f ms\n", scale,
          data->slots->len, data->bookings->len, n_days / 7, bench_now_ms () - t0);
  bare = bare_fill (bare_path, N_SLOTS * scale + N_BOOKINGS * scale, n_days);

  /* The same 50 weeks of the first year at every scale: as many rows shown each time. */
  for (guint run = 0; run < N_RUNS; run++)
    {
      CrnInstant from = YEAR_START + (CrnInstant) (run % 50) * 7 * 86400;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      double t = bench_now_ms ();

      rows = _crn_store_db_week (db, (const char * const *) data->practitioners, from,
                                 from + 7 * 86400, &error);
      g_array_append_val (week, (double) { bench_now_ms () - t });
      g_assert_no_error (error);
      rows_shown += rows->len;
    }

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      CrnInstant from, to;
      CrnFigures result;
      GDate day;
      double t;

      g_date_clear (&day, 1);
      g_date_set_dmy (&day, 15, (GDateMonth) (1 + run % 12), 2026);
      crn_period_month (&day, &from, &to);
      t = bench_now_ms ();
      _crn_store_db_figures (db, NULL, from, to, &result, &error);
      g_array_append_val (figures, (double) { bench_now_ms () - t });
      g_assert_no_error (error);
    }

  g_assert_cmpint (sqlite3_prepare_v2 (bare,
                                       "SELECT id, owner, start, minutes, label FROM bare"
                                       " WHERE owner IN (SELECT value FROM json_each (?))"
                                       " AND start >= ? AND start < ? ORDER BY start", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  for (guint run = 0; run < N_RUNS; run++)
    {
      CrnInstant from = YEAR_START + (CrnInstant) (run % 50) * 7 * 86400;
      double t = bench_now_ms ();

      sqlite3_bind_text (stmt, 1, practitioners_json, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from);
      sqlite3_bind_int64 (stmt, 3, from + 7 * 86400);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        bare_shown += sqlite3_column_bytes (stmt, 0) > 0 && sqlite3_column_bytes (stmt, 4) > 0;
      sqlite3_reset (stmt);
      g_array_append_val (bare_week, (double) { bench_now_ms () - t });
    }
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (bare,
                                       "SELECT count (*), sum (minutes) FROM bare"
                                       " WHERE start >= ? AND start < ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint run = 0; run < N_RUNS; run++)
    {
      CrnInstant from = YEAR_START + (CrnInstant) (run % 12) * 30 * 86400;
      double t = bench_now_ms ();

      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, from + 30 * 86400);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      sqlite3_reset (stmt);
      g_array_append_val (bare_month, (double) { bench_now_ms () - t });
    }
  sqlite3_finalize (stmt);

  extra = g_strdup_printf ("\"scale\":%u,\"slots\":%u,\"bookings\":%u,\"rows_per_week\":%u",
                           scale, data->slots->len, data->bookings->len, rows_shown / N_RUNS);
  bench_print_latencies ("store.week", week, 0, extra);
  bench_print_latencies ("store.figures-month", figures, 0, extra);
  g_free (extra);
  extra = g_strdup_printf ("\"scale\":%u,\"rows\":%u,\"rows_per_week\":%u", scale,
                           (N_SLOTS + N_BOOKINGS) * scale, bare_shown / N_RUNS);
  bench_print_latencies ("baseline.sqlite-week", bare_week, 0, extra);
  bench_print_latencies ("baseline.sqlite-month", bare_month, 0, extra);

  sqlite3_close (bare);
  _crn_store_db_close (db);
  remove_db (path);
  remove_db (bare_path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-bench-growth-XXXXXX", &error);
  guint scales[8] = { 1, 4, 16 };
  guint n_scales = 3;

  if (dir == NULL)
    {
      fprintf (stderr, "%s: could not make a temporary folder: %s\n", argv[0], error->message);
      return 1;
    }
  if (argc == 3 && g_str_equal (argv[1], "--write-practice"))
    {
      /* The practice data set as a store file, for the app's first frame (--store PATH). */
      g_autoptr(StoreTestData) data = NULL;
      CrnStoreDb *db;

      g_rmdir (dir);
      remove_db (argv[2]);
      data = store_test_generate (SEED, N_GPS, YEAR_START, 364, N_SLOTS, N_BOOKINGS,
                                  crn_time_now ());
      db = store_test_open (argv[2]);
      upsert_pages (db, data->slots, FALSE);
      upsert_pages (db, data->bookings, TRUE);
      _crn_store_db_close (db);
      printf ("Practice data set: %u slots, %u bookings in %s\n", data->slots->len,
              data->bookings->len, argv[2]);
      return 0;
    }
  if (argc > 1)
    {
      n_scales = 0;
      for (int i = 1; i < argc && n_scales < G_N_ELEMENTS (scales); i++)
        {
          guint64 scale = 0;

          if (!g_ascii_string_to_unsigned (argv[i], 10, 1, 64, &scale, NULL))
            {
              fprintf (stderr, "usage: %s [SCALE…]   (each SCALE from 1 to 64; default 1 4 16)\n",
                       argv[0]);
              return 2;
            }
          scales[n_scales++] = (guint) scale;
        }
    }

  crn_time_set_now_for_testing (YEAR_START + 180 * 86400);
  g_log_set_writer_func (g_log_writer_default, NULL, NULL);
  printf ("Store growth: SQLite %s, %u GPs, %u runs per query and scale\n", sqlite3_libversion (),
          N_GPS, N_RUNS);
  for (guint i = 0; i < n_scales; i++)
    measure (scales[i], dir);

  crn_time_set_now_for_testing (0);
  g_rmdir (dir);

  return 0;
}
