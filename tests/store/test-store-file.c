/* test-store-file.c: the agenda file itself: creation, mode, migrations, bad files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store-test-util.h"

/* The schema of version 1 exactly as it was released, kept here so that the upgrade path
 * from a real version-1 file stays tested whatever the code becomes. */
static const char v1_schema[] =
  "CREATE TABLE practitioners ("
  "  idnps TEXT PRIMARY KEY NOT NULL,"
  "  family TEXT NOT NULL,"
  "  given TEXT NOT NULL,"
  "  phone TEXT,"
  "  organization TEXT"
  ");"
  "CREATE TABLE places ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  line TEXT,"
  "  postal_code TEXT,"
  "  city TEXT"
  ");"
  "CREATE TABLE templates ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  practitioner TEXT NOT NULL,"
  "  place_id TEXT,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  last_updated_ms INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE template_blocks ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  template_id TEXT NOT NULL REFERENCES templates (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  weekdays INTEGER NOT NULL,"
  "  start_minute INTEGER NOT NULL,"
  "  end_minute INTEGER NOT NULL,"
  "  slot_minutes INTEGER NOT NULL,"
  "  n_patients INTEGER NOT NULL,"
  "  months INTEGER NOT NULL,"
  "  modalities INTEGER NOT NULL,"
  "  visibility INTEGER NOT NULL,"
  "  restriction TEXT NOT NULL,"
  "  restriction_text TEXT,"
  "  valid_from TEXT,"
  "  valid_until TEXT"
  ");"
  "CREATE INDEX template_blocks_template ON template_blocks (template_id, position);"
  "CREATE TABLE template_exceptions ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  template_id TEXT NOT NULL REFERENCES templates (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('absence', 'extra')),"
  "  start INTEGER NOT NULL,"
  "  end INTEGER NOT NULL,"
  "  reason TEXT,"
  "  slot_minutes INTEGER NOT NULL,"
  "  n_patients INTEGER NOT NULL,"
  "  modalities INTEGER NOT NULL,"
  "  visibility INTEGER NOT NULL,"
  "  restriction TEXT NOT NULL,"
  "  restriction_text TEXT"
  ");"
  "CREATE INDEX template_exceptions_template ON template_exceptions (template_id, position);"
  "CREATE TABLE slots ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  practitioner TEXT NOT NULL,"
  "  place_id TEXT,"
  "  template_id TEXT,"
  "  template_block_id TEXT,"
  "  start INTEGER NOT NULL,"
  "  end INTEGER NOT NULL CHECK (end > start),"
  "  modalities INTEGER NOT NULL,"
  "  visibility INTEGER NOT NULL,"
  "  restriction TEXT NOT NULL,"
  "  restriction_text TEXT,"
  "  status TEXT NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  last_updated_ms INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX slots_practitioner_start ON slots (practitioner, start);"
  "CREATE INDEX slots_template_start ON slots (template_id, start);"
  "CREATE TABLE bookings ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  slot_id TEXT,"
  "  practitioner TEXT NOT NULL,"
  "  start INTEGER NOT NULL,"
  "  end INTEGER NOT NULL,"
  "  patient_family TEXT NOT NULL,"
  "  patient_given TEXT NOT NULL,"
  "  patient_birth_date TEXT NOT NULL,"
  "  patient_phone TEXT,"
  "  reason TEXT,"
  "  referrer TEXT NOT NULL,"
  "  referrer_name TEXT,"
  "  operator_id TEXT,"
  "  requested_at INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL DEFAULT 0,"
  "  extra INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL,"
  "  practitioner_status TEXT NOT NULL,"
  "  cancel_reason TEXT,"
  "  version INTEGER NOT NULL DEFAULT 0,"
  "  last_updated_ms INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX bookings_start ON bookings (start);"
  "CREATE INDEX bookings_status ON bookings (status, start);"
  "CREATE INDEX bookings_slot ON bookings (slot_id);"
  "CREATE TABLE policy ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  snp_hours TEXT NOT NULL,"
  "  reclaim_minutes INTEGER NOT NULL,"
  "  booking_closes_minutes INTEGER NOT NULL,"
  "  horizon_hours INTEGER NOT NULL,"
  "  needs_confirmation INTEGER NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE policy_excluded_reasons ("
  "  position INTEGER PRIMARY KEY,"
  "  reason TEXT NOT NULL"
  ");"
  "CREATE TABLE sync_state ("
  "  resource TEXT PRIMARY KEY NOT NULL,"
  "  watermark_ms INTEGER NOT NULL DEFAULT 0,"
  "  etag TEXT,"
  "  synced_at_ms INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE accounts ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  server_url TEXT NOT NULL,"
  "  username TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  UNIQUE (server_url, username)"
  ");"
  "CREATE TABLE account_practitioners ("
  "  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  idnps TEXT NOT NULL,"
  "  PRIMARY KEY (account_id, idnps)"
  ");"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  target_id TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  payload TEXT NOT NULL CHECK (json_valid (payload)),"
  "  created_ms INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT,"
  "  state TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (state IN ('pending', 'sent', 'done', 'failed'))"
  ");"
  "CREATE INDEX outbox_state ON outbox (state, seq);";

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/* @may_add_wal: a file with a valid SQLite header in WAL mode is opened by SQLite, which
 * creates an empty -wal and -shm next to it; the file itself is never written. */
static void
assert_left_untouched (const char    *path,
                       CrnStoreError  code,
                       gboolean       may_add_wal)
{
  g_autofree char *before = file_checksum (path);
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  CrnStoreDb *db;

  db = _crn_store_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, CRN_STORE_ERROR, (int) code);
  /* The sentence names the file and says it was left as it is, to be kept aside. */
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, "left as it is"));
  g_assert_nonnull (strstr (error->message, "aside"));

  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
  if (!may_add_wal)
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------ creation */

static void
test_create (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autofree char *nested = g_build_filename (fixture->dir, "deep", "er", "creneaux.db", NULL);
  g_autofree char *wal = g_strconcat (nested, "-wal", NULL);
  g_autofree char *shm = g_strconcat (nested, "-shm", NULL);
  g_autofree char *parent = g_path_get_dirname (nested);
  CrnStoreDb *db;
  mode_t old_umask;
  sqlite3_stmt *stmt = NULL;

  /* A permissive umask must not leak into the file's mode. */
  old_umask = umask (0002);
  db = store_test_open (nested);
  umask (old_umask);

  g_assert_cmpint (_crn_store_db_get_user_version (db), ==, CRN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (store_test_db_int (db, "PRAGMA application_id"), ==, CRN_STORE_APPLICATION_ID);
  g_assert_cmpint (store_test_db_int (db, "PRAGMA user_version"), ==, CRN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (store_test_db_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (store_test_db_int (db, "PRAGMA synchronous"), ==, 1);   /* NORMAL */
  g_assert_cmpint (store_test_db_int (db, "PRAGMA busy_timeout"), >=, 1000);

  g_assert_cmpint (sqlite3_prepare_v2 (_crn_store_db_get_handle (db), "PRAGMA journal_mode",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);

  /* Every table of the brief is there. */
  {
    static const char * const tables[] = {
      "practitioners", "places", "templates", "template_blocks", "template_exceptions",
      "slots", "bookings", "policy", "policy_excluded_reasons", "sync_state", "accounts",
      "account_practitioners", "outbox",
    };

    for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
      {
        g_autofree char *sql = g_strdup_printf (
          "SELECT count (*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", tables[i]);

        g_assert_cmpint (store_test_db_int (db, sql), ==, 1);
      }
  }

  /* Write something so that the WAL has content, then check the modes while open. */
  store_test_raw_exec (nested, "INSERT INTO sync_state (resource) VALUES ('Slot')");
  g_assert_cmpuint (file_mode (nested), ==, 0600);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);
  g_assert_cmpuint (file_mode (parent), ==, 0700);

  _crn_store_db_close (db);
}

static void
test_existing_mode_tightened (StoreFixture  *fixture,
                              gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);

  _crn_store_db_close (db);
  g_assert_cmpint (g_chmod (fixture->path, 0644), ==, 0);

  db = store_test_open (fixture->path);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
  _crn_store_db_close (db);
}

/* No column anywhere may be meant for a secret. */
static void
test_no_secret_columns (StoreFixture  *fixture,
                        gconstpointer  data)
{
  CrnStoreDb *db = store_test_open (fixture->path);
  sqlite3_stmt *stmt = NULL;
  guint n_columns = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (_crn_store_db_get_handle (db),
                                       "SELECT m.name, p.name FROM sqlite_master m,"
                                       " pragma_table_info (m.name) p WHERE m.type = 'table'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *column = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 1), -1);

      n_columns++;
      g_assert_null (strstr (column, "password"));
      g_assert_null (strstr (column, "token"));
      g_assert_null (strstr (column, "secret"));
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n_columns, >, 50);

  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ migrations */

/* Version 0: an empty SQLite file (made by another tool, or a crash before the first
 * migration) becomes a full current file. */
static void
test_migrate_from_v0 (StoreFixture  *fixture,
                      gconstpointer  data)
{
  CrnStoreDb *db;

  store_test_raw_exec (fixture->path, "PRAGMA user_version = 0");
  g_assert_cmpint (store_test_raw_int (fixture->path, "SELECT count (*) FROM sqlite_master"), ==, 0);

  db = store_test_open (fixture->path);
  g_assert_cmpint (_crn_store_db_get_user_version (db), ==, CRN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM pragma_table_info ('slots')"
                                          " WHERE name = 'conflict'"), ==, 1);
  _crn_store_db_close (db);
}

/* Version 1 -> current keeps every row and adds the conflict flag, the indexes and the
 * accounts' CA file. */
static void
test_migrate_from_v1 (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autofree char *fixture_sql = g_strdup_printf (
    "%s"
    "PRAGMA application_id = %d; PRAGMA user_version = 1;"
    "INSERT INTO practitioners VALUES ('" TEST_IDNPS "', 'Martin', 'Claire', NULL, NULL);"
    "INSERT INTO slots (id, practitioner, start, end, modalities, visibility, restriction,"
    "  status, version) VALUES ('slot-1', '" TEST_IDNPS "', 1800000000, 1800001200, 1, 3,"
    "  'none', 'busy', 4);"
    "INSERT INTO bookings (id, slot_id, practitioner, start, end, patient_family,"
    "  patient_given, patient_birth_date, referrer, status, practitioner_status, version)"
    "  VALUES ('booking-1', 'slot-1', '" TEST_IDNPS "', 1800000000, 1800001200, 'Durand',"
    "  'Léa', '1988-04-02', 'sas', 'booked', 'accepted', 2);"
    "INSERT INTO outbox (uuid, kind, target_id, payload, created_ms)"
    "  VALUES ('7d444840-9dc0-11d1-b245-5ffdce74fad2', 'booking.accept', 'booking-1',"
    "  '{\"status\":\"booked\"}', 1799999000000);"
    "INSERT INTO sync_state (resource, watermark_ms, etag) VALUES ('Slot', 1799990000000,"
    "  'W/\"12\"');",
    v1_schema, CRN_STORE_APPLICATION_ID);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(CrnSyncState) state = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(GError) error = NULL;
  CrnStoreDb *db;

  store_test_raw_exec (fixture->path, fixture_sql);
  g_assert_cmpint (store_test_raw_int (fixture->path, "PRAGMA user_version"), ==, 1);

  db = store_test_open (fixture->path);
  g_assert_cmpint (_crn_store_db_get_user_version (db), ==, CRN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (store_test_db_int (db, "PRAGMA user_version"), ==, CRN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM pragma_table_info ('accounts')"
                                          " WHERE name = 'ca_file'"), ==, 1);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM sqlite_master"
                                          " WHERE type = 'index' AND name IN ('slots_start',"
                                          " 'bookings_practitioner_start', 'slots_conflict',"
                                          " 'bookings_referrer_start')"), ==, 4);

  slot = _crn_store_db_get_slot (db, "slot-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (slot->practitioner, ==, TEST_IDNPS);
  g_assert_cmpint (slot->version, ==, 4);
  g_assert_cmpint (slot->status, ==, CRN_SLOT_STATUS_BUSY);
  g_assert_cmpint (slot->visibility, ==, CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);

  booking = _crn_store_db_get_booking (db, "booking-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (booking->patient.given, ==, "Léa");
  g_assert_cmpint (booking->status, ==, CRN_APPOINTMENT_STATUS_BOOKED);

  entry = _crn_store_db_outbox_get (db, "7d444840-9dc0-11d1-b245-5ffdce74fad2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (entry->kind, ==, "booking.accept");
  g_assert_cmpint (entry->state, ==, CRN_OUTBOX_PENDING);

  state = _crn_store_db_get_sync_state (db, "Slot", &error);
  g_assert_no_error (error);
  g_assert_cmpint (state->watermark_ms, ==, 1799990000000);
  g_assert_cmpstr (state->etag, ==, "W/\"12\"");

  /* The new column exists, unflagged, and the week view reads it. */
  week = _crn_store_db_week (db, NULL, 1799990000, 1800010000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (week->len, ==, 1);
  g_assert_false (((CrnWeekEntry *) g_ptr_array_index (week, 0))->conflict);
  g_assert_cmpstr (((CrnWeekEntry *) g_ptr_array_index (week, 0))->booking->id, ==, "booking-1");

  _crn_store_db_close (db);

  /* Opening again does not migrate again. */
  db = store_test_open (fixture->path);
  g_assert_cmpint (store_test_db_int (db, "SELECT count (*) FROM slots"), ==, 1);
  _crn_store_db_close (db);
}

/* ------------------------------------------------------------------ bad files */

static void
test_not_sqlite (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GString) junk = g_string_new ("Ceci n'est pas une base de données.\n");
  g_autoptr(GError) error = NULL;

  while (junk->len < 8192)
    g_string_append (junk, "0123456789abcdef");
  g_file_set_contents (fixture->path, junk->str, junk->len, &error);
  g_assert_no_error (error);

  assert_left_untouched (fixture->path, CRN_STORE_ERROR_CORRUPT, FALSE);
}

static void
test_damaged_pages (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  CrnStoreDb *db;

  /* A real file of ours with enough rows to span many pages… */
  db = store_test_open (fixture->path);
  store_test_raw_exec (fixture->path,
                       "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                       " WHERE i < 2000)"
                       " INSERT INTO slots (id, practitioner, start, end, modalities,"
                       "  visibility, restriction, status)"
                       " SELECT 'slot-' || i, '" TEST_IDNPS "', 1800000000 + i * 1200,"
                       "  1800000000 + i * 1200 + 900, 1, 3, 'none', 'free' FROM n;"
                       "PRAGMA wal_checkpoint (TRUNCATE);");
  _crn_store_db_close (db);

  /* …whose pages after the header page are overwritten with garbage. */
  g_file_get_contents (fixture->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 16 * 4096);
  for (gsize i = 4096; i < length; i++)
    contents[i] = (char) (i * 7 + 3);
  g_file_set_contents (fixture->path, contents, length, &error);
  g_assert_no_error (error);
  g_chmod (fixture->path, 0600);

  assert_left_untouched (fixture->path, CRN_STORE_ERROR_CORRUPT, TRUE);
}

static void
test_foreign (StoreFixture  *fixture,
              gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->dir, "places.sqlite", NULL);

  /* Another application's database, no application id… */
  store_test_raw_exec (fixture->path,
                       "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
                       "INSERT INTO moz_places (url) VALUES ('https://example.org/');");
  assert_left_untouched (fixture->path, CRN_STORE_ERROR_FOREIGN, FALSE);

  /* …or with its own application id and no table. */
  store_test_raw_exec (other, "PRAGMA application_id = 1196444237;");
  assert_left_untouched (other, CRN_STORE_ERROR_FOREIGN, FALSE);
}

static void
test_too_new (StoreFixture  *fixture,
              gconstpointer  data)
{
  g_autofree char *sql = g_strdup_printf ("%s PRAGMA application_id = %d;"
                                          " PRAGMA user_version = %d;",
                                          v1_schema, CRN_STORE_APPLICATION_ID,
                                          CRN_STORE_SCHEMA_VERSION + 1);
  g_autoptr(GError) error = NULL;

  store_test_raw_exec (fixture->path, sql);
  assert_left_untouched (fixture->path, CRN_STORE_ERROR_TOO_NEW, FALSE);

  /* The message says which formats are involved. */
  g_assert_null (_crn_store_db_open (fixture->path, &error));
  {
    g_autofree char *format = g_strdup_printf ("format %d", CRN_STORE_SCHEMA_VERSION + 1);

    g_assert_nonnull (strstr (error->message, format));
  }
}

static void
test_move_aside (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *moved = NULL;
  g_autofree char *moved_wal = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  CrnStoreDb *db;

  g_file_set_contents (fixture->path, "garbage garbage garbage garbage", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (wal, "stale wal", -1, &error);
  g_assert_no_error (error);

  g_assert_null (_crn_store_db_open (fixture->path, &error));
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_true (crn_store_move_aside (fixture->path, &moved, &error));
  g_assert_no_error (error);
  g_assert_nonnull (moved);
  g_assert_true (g_str_has_prefix (moved, fixture->path));
  g_assert_nonnull (strstr (moved, ".damaged-"));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_file_get_contents (moved, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "garbage garbage garbage garbage");
  moved_wal = g_strconcat (moved, "-wal", NULL);
  g_assert_true (g_file_test (moved_wal, G_FILE_TEST_EXISTS));

  /* A new file can now be created in its place. */
  db = store_test_open (fixture->path);
  g_assert_cmpint (_crn_store_db_get_user_version (db), ==, CRN_STORE_SCHEMA_VERSION);
  _crn_store_db_close (db);

  /* Moving aside twice in the same second never overwrites the first copy. */
  g_assert_true (crn_store_move_aside (fixture->path, &second, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (second, !=, moved);
  g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));

  /* Nothing to move is not an error. */
  g_clear_pointer (&second, g_free);
  g_assert_true (crn_store_move_aside (fixture->path, &second, &error));
  g_assert_no_error (error);
  g_assert_null (second);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, StoreFixture, NULL, store_fixture_setup, func, store_fixture_teardown)

  ADD ("/store/file/create", test_create);
  ADD ("/store/file/existing-mode-tightened", test_existing_mode_tightened);
  ADD ("/store/file/no-secret-columns", test_no_secret_columns);
  ADD ("/store/migrate/from-v0", test_migrate_from_v0);
  ADD ("/store/migrate/from-v1", test_migrate_from_v1);
  ADD ("/store/file/not-sqlite", test_not_sqlite);
  ADD ("/store/file/damaged-pages", test_damaged_pages);
  ADD ("/store/file/foreign", test_foreign);
  ADD ("/store/file/too-new", test_too_new);
  ADD ("/store/file/move-aside", test_move_aside);

#undef ADD

  return g_test_run ();
}
