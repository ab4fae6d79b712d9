/* bench-store.c: how fast the agenda file is, against bare SQLite in the same run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: prints figures. 10 GPs, one year, 10,000 slots and 5,000 bookings generated
 * from a fixed seed; times the page upserts, the week view and the monthly figures, and as a
 * baseline measured in the same run, plain inserts and range selects on a bare table of the
 * same row count in the same kind of file (WAL, synchronous=NORMAL). Also times the 52-week
 * expansion of 10 templates and storing it (crn_template_expand() is core's; bench-expand
 * measures it alone).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "store-test-util.h"

#define N_GPS       10
#define N_SLOTS     10000
#define N_BOOKINGS  5000
#define PAGE        500
#define N_RUNS      200
#define SEED        20260105

/* Monday 5 January 2026 00:00 UTC */
#define YEAR_START ((CrnInstant) 1767571200)

typedef struct
{
  double median, min, max;
} Stats;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static Stats
stats_of (GArray *samples)
{
  Stats s;

  qsort (samples->data, samples->len, sizeof (double), compare_double);
  s.min = g_array_index (samples, double, 0);
  s.max = g_array_index (samples, double, samples->len - 1);
  s.median = g_array_index (samples, double, samples->len / 2);
  return s;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
print_stats (const char *what,
             Stats       s,
             Stats       base)
{
  printf ("  %-34s median %8.3f ms  min %8.3f  max %8.3f   | bare %7.3f ms  ratio %5.1fx\n",
          what, s.median, s.min, s.max, base.median,
          base.median > 0 ? s.median / base.median : 0.0);
}

/* ------------------------------------------------------------------ bare SQLite baseline */

static sqlite3 *
bare_open (const char *path)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                                 "CREATE TABLE bare (id TEXT PRIMARY KEY, owner TEXT,"
                                 " start INTEGER, minutes INTEGER, label TEXT);"
                                 "CREATE INDEX bare_owner_start ON bare (owner, start);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  return handle;
}

static double
bare_insert (sqlite3 *handle,
             guint    n_rows)
{
  sqlite3_stmt *stmt = NULL;
  double t0 = now_ms ();

  g_assert_cmpint (sqlite3_prepare_v2 (handle,
                                       "INSERT INTO bare VALUES (?, ?, ?, ?, ?)", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_rows; i++)
    {
      char id[64], owner[16];

      if (i % PAGE == 0)
        sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      g_snprintf (id, sizeof id, "00000000-0000-4000-a000-%012u", i);
      g_snprintf (owner, sizeof owner, "8997001%05u", 10000 + i % N_GPS);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, YEAR_START + (gint64) (i * 3163) % (364 * 86400));
      sqlite3_bind_int (stmt, 4, 20);
      sqlite3_bind_text (stmt, 5, "fictitious row", -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
      if (i % PAGE == PAGE - 1 || i == n_rows - 1)
        sqlite3_exec (handle, "COMMIT", NULL, NULL, NULL);
    }
  sqlite3_finalize (stmt);

  return now_ms () - t0;
}

/* The same shape of work as the week view: rows of 10 owners in a week, read out. */
static Stats
bare_select_week (sqlite3 *handle)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (handle,
                                       "SELECT id, owner, start, minutes, label FROM bare"
                                       " WHERE owner IN (SELECT value FROM json_each (?))"
                                       " AND start >= ? AND start < ? ORDER BY start", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  for (guint run = 0; run < N_RUNS; run++)
    {
      CrnInstant from = YEAR_START + (CrnInstant) (run % 50) * 7 * 86400;
      double t0 = now_ms ();
      guint n = 0;

      sqlite3_bind_text (stmt, 1, "[\"899700110000\",\"899700110001\",\"899700110002\","
                         "\"899700110003\",\"899700110004\",\"899700110005\",\"899700110006\","
                         "\"899700110007\",\"899700110008\",\"899700110009\"]",
                         -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from);
      sqlite3_bind_int64 (stmt, 3, from + 7 * 86400);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          n += sqlite3_column_bytes (stmt, 0) > 0;
          n += sqlite3_column_bytes (stmt, 4) > 0;
        }
      sqlite3_reset (stmt);
      g_assert_cmpuint (n, >, 0);
      g_array_append_val (samples, (double) { now_ms () - t0 });
    }
  sqlite3_finalize (stmt);

  return stats_of (samples);
}

static Stats
bare_aggregate_month (sqlite3 *handle)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (handle,
                                       "SELECT count (*), sum (minutes) FROM bare"
                                       " WHERE start >= ? AND start < ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  for (guint run = 0; run < N_RUNS; run++)
    {
      CrnInstant from = YEAR_START + (CrnInstant) (run % 12) * 30 * 86400;
      double t0 = now_ms ();

      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, from + 30 * 86400);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      sqlite3_reset (stmt);
      g_array_append_val (samples, (double) { now_ms () - t0 });
    }
  sqlite3_finalize (stmt);

  return stats_of (samples);
}

/* ------------------------------------------------------------------ the store */

static double
store_upsert (CrnStoreDb *db,
              GPtrArray  *rows,
              gboolean    bookings)
{
  double t0 = now_ms ();

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

  return now_ms () - t0;
}

static Stats
store_week (CrnStoreDb  *db,
            char       **practitioners,
            guint       *rows_per_week)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  guint total = 0;

  for (guint run = 0; run < N_RUNS; run++)
    {
      CrnInstant from = YEAR_START + (CrnInstant) (run % 50) * 7 * 86400;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) week = NULL;
      double t0 = now_ms ();

      week = _crn_store_db_week (db, (const char * const *) practitioners, from,
                                 from + 7 * 86400, &error);
      g_array_append_val (samples, (double) { now_ms () - t0 });
      g_assert_no_error (error);
      total += week->len;
    }
  *rows_per_week = total / N_RUNS;

  return stats_of (samples);
}

static Stats
store_figures (CrnStoreDb  *db,
               const char  *practitioner)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      CrnInstant from, to;
      CrnFigures figures;
      GDate day;
      double t0;

      g_date_set_dmy (&day, 15, (GDateMonth) (1 + run % 12), 2026);
      crn_period_month (&day, &from, &to);
      t0 = now_ms ();
      _crn_store_db_figures (db, practitioner, from, to, &figures, &error);
      g_array_append_val (samples, (double) { now_ms () - t0 });
      g_assert_no_error (error);
    }

  return stats_of (samples);
}

static CrnTemplate *
bench_template (guint gp,
                const char *idnps)
{
  CrnTemplate *template = crn_template_new (idnps, TEST_PLACE);
  struct { guint8 days; guint start, end, minutes; } blocks[] = {
    { CRN_WEEKDAY_BIT (G_DATE_MONDAY) | CRN_WEEKDAY_BIT (G_DATE_TUESDAY) |
      CRN_WEEKDAY_BIT (G_DATE_THURSDAY) | CRN_WEEKDAY_BIT (G_DATE_FRIDAY), 14 * 60, 15 * 60, 15 },
    { CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY), 18 * 60, 19 * 60, 20 },
    { CRN_WEEKDAY_BIT (G_DATE_SATURDAY), 9 * 60, 11 * 60, 20 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      CrnTemplateBlock *block = crn_template_block_new ();

      block->id = g_strdup_printf ("b%07u-0000-4000-8000-%012u", gp, i);
      block->weekdays = blocks[i].days;
      block->start_minute = (guint16) (blocks[i].start + 15 * (gp % 4));
      block->end_minute = (guint16) (blocks[i].end + 15 * (gp % 4));
      block->slot_minutes = (guint16) blocks[i].minutes;
      block->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
      crn_template_add_block (template, block);
    }

  return template;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-bench-store-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "creneaux.db", NULL);
  g_autofree char *bare_path = g_build_filename (dir, "bare.db", NULL);
  g_autofree char *expand_path = g_build_filename (dir, "expand.db", NULL);
  CrnInstant now = YEAR_START + 180 * 86400;
  g_autoptr(StoreTestData) data = NULL;
  double t_slots, t_bookings, t_bare;
  Stats week, week_base, fig_all, fig_gp, fig_base;
  guint rows_per_week = 0;
  CrnStoreDb *db;
  sqlite3 *bare;

  g_assert_no_error (error);
  crn_time_set_now_for_testing (now);
  g_log_set_writer_func (g_log_writer_default, NULL, NULL);

  printf ("Créneaux store benchmark: SQLite %s, %u GPs, one year, %u slots, %u bookings, "
          "seed %u, %u runs per query\n", sqlite3_libversion (), N_GPS, N_SLOTS, N_BOOKINGS,
          SEED, N_RUNS);

  data = store_test_generate (SEED, N_GPS, YEAR_START, 364, N_SLOTS, N_BOOKINGS, now);

  /* Inserts: the store's page upserts against bare inserts of as many rows. */
  db = store_test_open (path);
  t_slots = store_upsert (db, data->slots, FALSE);
  t_bookings = store_upsert (db, data->bookings, TRUE);
  bare = bare_open (bare_path);
  t_bare = bare_insert (bare, N_SLOTS + N_BOOKINGS);

  printf ("\nInserts, pages of %u rows, one transaction per page\n", PAGE);
  printf ("  store slots      %6.1f ms  %8.0f rows/s\n", t_slots, N_SLOTS / (t_slots / 1000));
  printf ("  store bookings   %6.1f ms  %8.0f rows/s\n", t_bookings,
          N_BOOKINGS / (t_bookings / 1000));
  printf ("  bare table       %6.1f ms  %8.0f rows/s  (%u rows)\n", t_bare,
          (N_SLOTS + N_BOOKINGS) / (t_bare / 1000), N_SLOTS + N_BOOKINGS);
  printf ("  ratio store/bare per row: %.1fx\n",
          ((t_slots + t_bookings) / (N_SLOTS + N_BOOKINGS)) / (t_bare / (N_SLOTS + N_BOOKINGS)));

  week = store_week (db, data->practitioners, &rows_per_week);
  week_base = bare_select_week (bare);
  fig_all = store_figures (db, NULL);
  fig_gp = store_figures (db, data->practitioners[3]);
  fig_base = bare_aggregate_month (bare);

  printf ("\nQueries (%u runs each)\n", N_RUNS);
  {
    g_autofree char *label = g_strdup_printf ("week view, 10 GPs (%u slots)", rows_per_week);

    print_stats (label, week, week_base);
  }
  print_stats ("monthly figures, whole practice", fig_all, fig_base);
  print_stats ("monthly figures, one GP", fig_gp, fig_base);

  /* 52-week expansion of 10 templates, and writing it. */
  {
    CrnStoreDb *edb = store_test_open (expand_path);
    double t_expand = 0, t_store = 0;
    guint n_expanded = 0;
    GDate from, to;

    g_date_set_dmy (&from, 5, G_DATE_JANUARY, 2026);
    to = from;
    g_date_add_days (&to, 52 * 7 - 1);
    for (guint gp = 0; gp < N_GPS; gp++)
      {
        g_autoptr(CrnTemplate) template = bench_template (gp, data->practitioners[gp]);
        g_autoptr(GPtrArray) slots = NULL;
        double t0 = now_ms ();

        slots = crn_template_expand (template, &from, &to);
        t_expand += now_ms () - t0;
        n_expanded += slots->len;

        t0 = now_ms ();
        _crn_store_db_replace_template_slots (edb, template->id, slots, 0, NULL, NULL, &error);
        t_store += now_ms () - t0;
        g_assert_no_error (error);
      }
    printf ("\n52-week expansion, 10 templates -> %u slots\n", n_expanded);
    printf ("  crn_template_expand   %7.1f ms\n", t_expand);
    printf ("  replace_template_slots %6.1f ms  (%.0f slots/s, one transaction per GP)\n",
            t_store, n_expanded / (t_store / 1000));
    _crn_store_db_close (edb);
  }

  sqlite3_close (bare);
  _crn_store_db_close (db);
  crn_time_set_now_for_testing (0);

  /* Leave nothing behind. */
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    const char *files[] = { path, bare_path, expand_path };

    for (guint f = 0; f < G_N_ELEMENTS (files); f++)
      for (guint s = 0; s < G_N_ELEMENTS (suffixes); s++)
        {
          g_autofree char *p = g_strconcat (files[f], suffixes[s], NULL);

          g_unlink (p);
        }
    g_rmdir (dir);
  }

  return 0;
}
