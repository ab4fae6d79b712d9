/* test-server-expand.c: the server keeps eight weeks of slots expanded, expanding at start-up
 * and every hour only the days that are missing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a real SQLite file through the server's database layer: an agenda stored with
 * crn_server_db_put_schedule () is expanded at once; days passing (simulated by moving the
 * schedule's last expanded day back and removing those days' slots) are filled in by
 * crn_server_db_expand_all () without touching the days already expanded, so a slot the
 * practice blocked stays blocked.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "crn-fhir.h"
#include "crn-server-db-private.h"

#define GP    "899700100036"
#define PLACE "cabinet-expand"

typedef struct
{
  char        *dir;
  CrnServerDb *db;
  CrnTemplate *stored;
} Fixture;

static gint64
query_int (CrnServerDb *db,
           const char  *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (crn_server_db_get_handle (db), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
exec (CrnServerDb *db,
      const char  *sql)
{
  g_assert_cmpint (sqlite3_exec (crn_server_db_get_handle (db), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CrnPractitioner) p = crn_practitioner_new ();
  g_autoptr(CrnPlace) place = crn_place_new ();
  g_autoptr(CrnTemplate) t = NULL;
  g_autoptr(GPtrArray) acts_for = g_ptr_array_new_with_free_func (g_free);
  CrnServerPractice practice = { (char *) "expand", (char *) "Cabinet des essais", NULL, NULL,
                                 0, 0 };
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  CrnServerAccount writer = { 0 };
  CrnTemplateBlock *b = crn_template_block_new ();

  f->dir = g_dir_make_tmp ("crn-expand-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "creneaux-server.db", NULL);
  f->db = crn_server_db_open (path, &error);
  g_assert_no_error (error);
  for (guint wd = 1; wd <= 7; wd++)   /* SNP hours every day, all day */
    {
      policy->snp_open[wd] = 0;
      policy->snp_close[wd] = 24 * 60;
    }
  g_assert_true (crn_server_db_set_policy (f->db, policy, &error));
  g_assert_true (crn_server_db_put_practice (f->db, &practice, &error));
  g_free (place->id);
  place->id = g_strdup (PLACE);
  place->name = g_strdup ("Cabinet des essais");
  g_assert_true (crn_server_db_put_place (f->db, place, "expand", &error));
  p->idnps = g_strdup (GP);
  p->given = g_strdup ("Lucie");
  p->family = g_strdup ("Essai");
  p->organization = g_strdup ("expand");
  g_assert_true (crn_server_db_put_practitioner (f->db, p, &error));

  t = crn_template_new (GP, PLACE);
  g_free (t->id);
  t->id = crn_uuid_new ();
  g_free (b->id);
  b->id = crn_uuid_new ();
  b->weekdays = 0x7f;                 /* every day, 9:00–11:00, 20 minutes: 6 a day */
  b->start_minute = 9 * 60;
  b->end_minute = 11 * 60;
  b->slot_minutes = 20;
  b->modalities = CRN_MODALITY_AMB;
  b->visibility = CRN_VISIBILITY_PRO;  /* not for regulation: the practice may block it */
  crn_template_add_block (t, b);
  writer.role = CRN_SERVER_ROLE_SECRETARY;
  writer.acts_for = acts_for;
  g_ptr_array_add (acts_for, g_strdup (GP));
  f->stored = crn_server_db_put_schedule (f->db, &writer, t, 0, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->stored);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db_path = g_build_filename (f->dir, "creneaux-server.db", NULL);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);

  crn_server_db_free (f->db);
  crn_template_free (f->stored);
  g_unlink (db_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* The local day CRN_EXPANSION_DAYS from today, as a Julian day number. */
static gint64
horizon_julian (void)
{
  GDate day;

  crn_time_to_local (crn_time_now (), &day, NULL, NULL);
  g_date_add_days (&day, CRN_EXPANSION_DAYS);
  return g_date_get_julian (&day);
}

static void
test_missing_days (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSlot) wanted = NULL;
  g_autoptr(CrnSlot) blocked = NULL;
  g_autoptr(CrnServerAccount) secretary = g_new0 (CrnServerAccount, 1);
  g_autofree char *blocked_id = NULL;
  g_autofree char *cut = NULL;
  GDate first_removed;
  gint64 n_slots, n_future, stamp;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (query_int (f->db, "SELECT expanded_until FROM schedules"), ==,
                   horizon_julian ());
  n_slots = query_int (f->db, "SELECT COUNT (*) FROM slots");
  /* Eight weeks of 6 a day, less today's slots already started. */
  g_assert_cmpint (n_slots, >=, 6 * CRN_EXPANSION_DAYS);
  g_assert_cmpint (n_slots, <=, 6 * (CRN_EXPANSION_DAYS + 1));

  /* The practice blocks a slot of next week. */
  g_assert_cmpint (sqlite3_prepare_v2 (crn_server_db_get_handle (f->db),
                                       "SELECT id FROM slots WHERE start > ?1 ORDER BY start"
                                       " LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, crn_time_now () + 7 * 86400);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  blocked_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  secretary->role = CRN_SERVER_ROLE_SECRETARY;
  secretary->acts_for = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (secretary->acts_for, g_strdup (GP));
  wanted = crn_server_db_get_slot (f->db, blocked_id, &error);
  g_assert_no_error (error);
  wanted->status = CRN_SLOT_STATUS_BUSY_UNAVAILABLE;
  blocked = crn_server_db_update_slot (f->db, secretary, wanted, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (blocked->status, ==, CRN_SLOT_STATUS_BUSY_UNAVAILABLE);

  /* Three days pass without the server running: its last three days are not expanded. */
  g_date_set_julian (&first_removed, horizon_julian () - 2);
  exec (f->db, "UPDATE schedules SET expanded_until = expanded_until - 3");
  cut = g_strdup_printf ("DELETE FROM slots WHERE start >= %" G_GINT64_FORMAT,
                         crn_time_from_local (&first_removed, 0));
  exec (f->db, cut);
  g_assert_cmpint (query_int (f->db, "SELECT COUNT (*) FROM slots"), ==, n_slots - 18);
  stamp = query_int (f->db, "SELECT MAX (last_updated_ms) FROM slots");

  g_assert_true (crn_server_db_expand_all (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT COUNT (*) FROM slots"), ==, n_slots);
  g_assert_cmpint (query_int (f->db, "SELECT expanded_until FROM schedules"), ==,
                   horizon_julian ());
  /* Only the three days were written: the blocked slot and the other days are untouched. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT COUNT (*) FROM slots"
                                            " WHERE last_updated_ms > %" G_GINT64_FORMAT, stamp);

    g_assert_cmpint (query_int (f->db, sql), ==, 18);
  }
  g_clear_pointer (&blocked, crn_slot_free);
  blocked = crn_server_db_get_slot (f->db, blocked_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (blocked->status, ==, CRN_SLOT_STATUS_BUSY_UNAVAILABLE);

  /* Nothing missing: the next pass writes nothing. */
  stamp = query_int (f->db, "SELECT MAX (last_updated_ms) FROM slots");
  n_future = query_int (f->db, "SELECT COUNT (*) FROM slots");
  g_assert_true (crn_server_db_expand_all (f->db, &error));
  g_assert_cmpint (query_int (f->db, "SELECT MAX (last_updated_ms) FROM slots"), ==, stamp);
  g_assert_cmpint (query_int (f->db, "SELECT COUNT (*) FROM slots"), ==, n_future);
}

/* A database from before the expanded_until column (schema 1) is expanded in full once. */
static void
test_never_expanded (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 n_slots = query_int (f->db, "SELECT COUNT (*) FROM slots");

  exec (f->db, "UPDATE schedules SET expanded_until = 0; DELETE FROM slots");
  g_assert_true (crn_server_db_expand_all (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT COUNT (*) FROM slots"), ==, n_slots);
  g_assert_cmpint (query_int (f->db, "SELECT expanded_until FROM schedules"), ==,
                   horizon_julian ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/expand/missing-days", Fixture, NULL, fixture_set_up, test_missing_days,
              fixture_tear_down);
  g_test_add ("/server/expand/never-expanded", Fixture, NULL, fixture_set_up,
              test_never_expanded, fixture_tear_down);
  return g_test_run ();
}
