/* crn-store-db.c: opening the SQLite file, checking it is ours, migrating it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crn-store-private.h"

struct _CrnStoreDb
{
  sqlite3    *handle;
  char       *path;
  GHashTable *statements;   /* SQL text (static or owned by the db) -> sqlite3_stmt */
  int         user_version;
  guint       in_transaction : 1;
};

/* ------------------------------------------------------------------ schema */

/* Each entry takes a file from version i to version i + 1. Never edit a released entry:
 * add a new one and bump CRN_STORE_SCHEMA_VERSION. The tests keep the SQL of every old
 * version as fixtures and check that the upgrade keeps the data. */
static const char * const migrations[CRN_STORE_SCHEMA_VERSION] = {
  /* 0 -> 1: the base tables. */
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
  /* The only place where patient data is kept on this computer. */
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
  /* Never a password or a token here: they live in the keyring. */
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
  "CREATE INDEX outbox_state ON outbox (state, seq);",

  /* 1 -> 2: a booked slot that a template change removes is kept and flagged instead of
   * deleted; indexes for the week view over every practitioner and for the figures. */
  "ALTER TABLE slots ADD COLUMN conflict INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE slots ADD COLUMN conflict_note TEXT;"
  "CREATE INDEX slots_start ON slots (start);"
  "CREATE INDEX slots_conflict ON slots (conflict) WHERE conflict != 0;"
  "CREATE INDEX bookings_practitioner_start ON bookings (practitioner, start);"
  "CREATE INDEX bookings_referrer_start ON bookings (referrer, start);",

  /* 2 -> 3: the CPTS's certificate authority chosen at sign-in (a file path, not a secret),
   * so that the next start trusts the same one. */
  "ALTER TABLE accounts ADD COLUMN ca_file TEXT;",

  /* 3 -> 4: the future slots a local template change removed, so that one the server
   * booked meanwhile is flagged (not silently put back) when the pull brings it. */
  "CREATE TABLE removed_slots ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  template_id TEXT,"
  "  start INTEGER NOT NULL"
  ");",
};

/* ------------------------------------------------------------------ helpers */

/**
 * _crn_store_db_set_error:
 * @db: a store
 * @rc: an SQLite result code
 * @error: where to put the error
 *
 * Turns an SQLite failure into a sentence for a person. SQLite's own message goes to the
 * debug log only; it never holds row values, so it carries no patient data.
 */
void
_crn_store_db_set_error (CrnStoreDb *db,
                         int         rc,
                         GError    **error)
{
  int primary = rc & 0xff;

  g_debug ("SQLite error %d (%s): %s", rc, sqlite3_errstr (rc),
           db != NULL && db->handle != NULL ? sqlite3_errmsg (db->handle) : "");

  switch (primary)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_CORRUPT,
                   _("The agenda file is damaged and cannot be read. It has been left as it "
                     "is; restart Créneaux to start with a new file, the damaged one will be "
                     "kept aside."));
      break;
    case SQLITE_FULL:
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("The disk is full, so the change could not be saved. Free some space, "
                     "then try again."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("The agenda file is in use by another program. Close any other copy "
                     "of Créneaux, then try again."));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("The agenda file cannot be written. Check that your data folder is "
                     "writable, then try again."));
      break;
    default:
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("The agenda file could not be read or written (%s). Try again; if "
                     "it keeps failing, restart Créneaux."),
                   sqlite3_errstr (rc));
      break;
    }
}

/**
 * _crn_store_db_prepare:
 * @db: a store
 * @sql: SQL text that lives as long as @db (a string literal, usually)
 * @error: where to put an error
 *
 * Returns a statement from the cache, reset and with its bindings cleared.
 *
 * Returns: (transfer none) (nullable): the statement
 */
sqlite3_stmt *
_crn_store_db_prepare (CrnStoreDb  *db,
                       const char  *sql,
                       GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  g_hash_table_insert (db->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_crn_store_db_exec (CrnStoreDb  *db,
                    const char  *sql,
                    GError     **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* Steps a statement that returns no row, then resets it. */
gboolean
_crn_store_db_step_done (CrnStoreDb    *db,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

gboolean
_crn_store_db_begin (CrnStoreDb  *db,
                     GError     **error)
{
  g_assert (!db->in_transaction);

  if (!_crn_store_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  db->in_transaction = TRUE;
  return TRUE;
}

gboolean
_crn_store_db_commit (CrnStoreDb  *db,
                      GError     **error)
{
  g_assert (db->in_transaction);

  if (!_crn_store_db_exec (db, "COMMIT", error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  db->in_transaction = FALSE;
  return TRUE;
}

void
_crn_store_db_rollback (CrnStoreDb *db)
{
  if (!db->in_transaction)
    return;

  /* Statements still stepping would make ROLLBACK fail with SQLITE_BUSY on old SQLite. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, db->statements);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      sqlite3_reset (value);
  }

  if (sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_debug ("ROLLBACK failed: %s", sqlite3_errmsg (db->handle));
  db->in_transaction = FALSE;
}

void
_crn_store_bind_text (sqlite3_stmt *stmt,
                      const char   *name,
                      const char   *value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  g_assert (idx > 0);
  if (value == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
}

void
_crn_store_bind_int64 (sqlite3_stmt *stmt,
                       const char   *name,
                       gint64        value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  g_assert (idx > 0);
  sqlite3_bind_int64 (stmt, idx, value);
}

char *
_crn_store_column_dup (sqlite3_stmt *stmt,
                       int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
query_int (CrnStoreDb  *db,
           const char  *sql,
           gint64      *out,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ opening */

/**
 * _crn_store_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/creneaux/creneaux.db`
 */
char *
_crn_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "creneaux", "creneaux.db", NULL);
}

static void
set_kept_aside_error (GError     **error,
                      CrnStoreError code,
                      const char  *path,
                      gint64       version)
{
  g_autofree char *name = g_filename_display_basename (path);

  switch (code)
    {
    case CRN_STORE_ERROR_CORRUPT:
      g_set_error (error, CRN_STORE_ERROR, code,
                   _("The agenda file “%s” is damaged and cannot be read. It has been left "
                     "as it is: start with a new file and the damaged one will be kept aside "
                     "under another name, so that nothing is lost."),
                   name);
      break;
    case CRN_STORE_ERROR_FOREIGN:
      g_set_error (error, CRN_STORE_ERROR, code,
                   _("The file “%s” is a database of another application, not a Créneaux "
                     "agenda. It has been left as it is: start with a new file and it will be "
                     "kept aside under another name, so that nothing is lost."),
                   name);
      break;
    case CRN_STORE_ERROR_TOO_NEW:
      g_set_error (error, CRN_STORE_ERROR, code,
                   _("The agenda file “%s” was written by a newer version of Créneaux "
                     "(format %d; this version reads up to format %d). It has been left as it "
                     "is: update Créneaux, or start with a new file and this one will be kept "
                     "aside under another name."),
                   name, (int) version, CRN_STORE_SCHEMA_VERSION);
      break;
    case CRN_STORE_ERROR_FAILED:
    case CRN_STORE_ERROR_NOT_FOUND:
    case CRN_STORE_ERROR_INVALID:
    case CRN_STORE_ERROR_CLOSED:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("Could not create the folder “%s” for the agenda file: %s. Check that "
                     "your home folder is writable."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  /* Create the file ourselves so that it is born 0600, whatever the umask; SQLite gives
   * the -wal and -shm files the mode of the database file. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("Could not open the agenda file “%s”: %s. Check that your data folder "
                     "is writable."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  return TRUE;
}

static void
restrict_mode (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 && (st.st_mode & 0777) != 0600)
    {
      if (g_chmod (path, 0600) != 0)
        g_debug ("Could not make the agenda file private: %s", g_strerror (errno));
    }
}

/* Reads the 100-byte SQLite header ourselves before SQLite sees the file: SQLite deletes
 * or checkpoints the -wal of a file it opens, and a file that is not ours must be left
 * exactly as it was, companions included. The header of the main file may lag behind its
 * WAL; check_file() checks again through SQLite. */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 header[100];
  gsize n_read = 0;
  guint32 app_id, version;

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &n_read, NULL,
                                &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("Could not read the agenda file “%s”: %s. Check that your data folder "
                     "is readable."),
                   display, local_error->message);
      return FALSE;
    }

  if (n_read == 0)
    return TRUE;   /* a new file */

  if (n_read < sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_debug ("Not an SQLite file (%" G_GSIZE_FORMAT " bytes of header)", n_read);
      set_kept_aside_error (error, CRN_STORE_ERROR_CORRUPT, path, 0);
      return FALSE;
    }

  version = (guint32) header[60] << 24 | (guint32) header[61] << 16 |
            (guint32) header[62] << 8 | header[63];
  app_id = (guint32) header[68] << 24 | (guint32) header[69] << 16 |
           (guint32) header[70] << 8 | header[71];

  if (app_id != 0 && app_id != CRN_STORE_APPLICATION_ID)
    {
      g_debug ("Foreign file: application_id %08x", app_id);
      set_kept_aside_error (error, CRN_STORE_ERROR_FOREIGN, path, 0);
      return FALSE;
    }
  if (app_id == CRN_STORE_APPLICATION_ID && version > CRN_STORE_SCHEMA_VERSION)
    {
      set_kept_aside_error (error, CRN_STORE_ERROR_TOO_NEW, path, version);
      return FALSE;
    }

  return TRUE;
}

/* Reads the header of the file before anything writes to it: a damaged, foreign or newer
 * file must be left exactly as it was. */
static gboolean
check_file (CrnStoreDb  *db,
            gboolean    *is_new,
            GError     **error)
{
  gint64 app_id = 0, version = 0, n_objects = 0;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  if (!query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects, &local_error) ||
      !query_int (db, "PRAGMA application_id", &app_id, &local_error) ||
      !query_int (db, "PRAGMA user_version", &version, &local_error))
    {
      if (g_error_matches (local_error, CRN_STORE_ERROR, CRN_STORE_ERROR_CORRUPT))
        set_kept_aside_error (error, CRN_STORE_ERROR_CORRUPT, db->path, 0);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  *is_new = (app_id == 0 && version == 0 && n_objects == 0);
  if (!*is_new && app_id != CRN_STORE_APPLICATION_ID)
    {
      g_debug ("Foreign file: application_id %08" G_GINT64_MODIFIER "x", app_id);
      set_kept_aside_error (error, CRN_STORE_ERROR_FOREIGN, db->path, 0);
      return FALSE;
    }

  if (version > CRN_STORE_SCHEMA_VERSION)
    {
      set_kept_aside_error (error, CRN_STORE_ERROR_TOO_NEW, db->path, version);
      return FALSE;
    }

  db->user_version = (int) version;
  if (*is_new)
    return TRUE;

  /* A damaged page is not always seen by the header reads above. */
  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
    }
  sqlite3_finalize (stmt);

  if (!ok)
    {
      g_debug ("quick_check failed (%d)", rc);
      set_kept_aside_error (error, CRN_STORE_ERROR_CORRUPT, db->path, 0);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (CrnStoreDb  *db,
         GError     **error)
{
  for (int v = db->user_version; v < CRN_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *bump = NULL;

      g_debug ("Migrating the agenda file from version %d to %d", v, v + 1);

      if (!_crn_store_db_begin (db, error))
        return FALSE;

      bump = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                              CRN_STORE_APPLICATION_ID, v + 1);
      if (!_crn_store_db_exec (db, migrations[v], error) ||
          !_crn_store_db_exec (db, bump, error) ||
          !_crn_store_db_commit (db, error))
        {
          _crn_store_db_rollback (db);
          g_prefix_error (error, _("The agenda file could not be upgraded to the format of "
                                   "this version; it was left unchanged. "));
          return FALSE;
        }

      db->user_version = v + 1;
    }

  return TRUE;
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

/**
 * _crn_store_db_open:
 * @path: the database file
 * @error: where to put an error
 *
 * Opens (or creates) the agenda file, checks it is ours and not newer than this code,
 * migrates it to %CRN_STORE_SCHEMA_VERSION and sets WAL, foreign keys and the busy timeout.
 * A damaged (%CRN_STORE_ERROR_CORRUPT), foreign (%CRN_STORE_ERROR_FOREIGN) or newer
 * (%CRN_STORE_ERROR_TOO_NEW) file is left untouched.
 *
 * Returns: (transfer full) (nullable): the store, to be closed on the same thread
 */
CrnStoreDb *
_crn_store_db_open (const char  *path,
                    GError     **error)
{
  CrnStoreDb *db;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  gboolean is_new = FALSE;
  gint64 busy = 0;
  const char *mode;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!ensure_file (path, error))
    return NULL;

  db = g_new0 (CrnStoreDb, 1);
  db->path = g_strdup (path);
  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);

  if (!check_header (path, error))
    {
      _crn_store_db_close (db);
      return NULL;
    }

  /* The file exists: never let SQLite create a different one. */
  rc = sqlite3_open_v2 (path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _crn_store_db_set_error (db, rc, error);
      _crn_store_db_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, 5000);

  /* Until the file is known to be ours, closing must not checkpoint a WAL into it. */
  sqlite3_db_config (db->handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if (!check_file (db, &is_new, error))
    {
      _crn_store_db_close (db);
      return NULL;
    }
  sqlite3_db_config (db->handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);

  /* From here on the file is ours. */
  restrict_mode (path);

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    rc = SQLITE_OK;
  mode = stmt != NULL ? (const char *) sqlite3_column_text (stmt, 0) : NULL;
  if (rc == SQLITE_OK && g_strcmp0 (mode, "wal") != 0)
    g_debug ("The file system refused WAL mode (%s); using the rollback journal", mode);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK ||
      !_crn_store_db_exec (db, "PRAGMA synchronous = NORMAL;"
                               "PRAGMA foreign_keys = ON;"
                               "PRAGMA temp_store = MEMORY;", error))
    {
      if (rc != SQLITE_OK)
        _crn_store_db_set_error (db, rc, error);
      _crn_store_db_close (db);
      return NULL;
    }

  if (!_crn_store_db_register_functions (db, error) || !migrate (db, error))
    {
      _crn_store_db_close (db);
      return NULL;
    }

  /* SQLite creates them with the mode of the database file already; make sure. */
  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);
  restrict_mode (wal);
  restrict_mode (shm);

  query_int (db, "PRAGMA busy_timeout", &busy, NULL);
  g_debug ("Opened the agenda file (format %d%s, busy timeout %" G_GINT64_FORMAT " ms)",
           db->user_version, is_new ? ", new" : "", busy);

  return db;
}

/**
 * _crn_store_db_close:
 * @db: (nullable) (transfer full): a store
 */
void
_crn_store_db_close (CrnStoreDb *db)
{
  if (db == NULL)
    return;

  _crn_store_db_rollback (db);
  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->handle != NULL)
    {
      int rc = sqlite3_close (db->handle);

      if (rc != SQLITE_OK)
        g_warning ("Closing the agenda file failed: %s", sqlite3_errstr (rc));
    }
  g_free (db->path);
  g_free (db);
}

const char *
_crn_store_db_get_path (CrnStoreDb *db)
{
  return db->path;
}

sqlite3 *
_crn_store_db_get_handle (CrnStoreDb *db)
{
  return db->handle;
}

int
_crn_store_db_get_user_version (CrnStoreDb *db)
{
  return db->user_version;
}

/* ------------------------------------------------------------------ moving aside */

/**
 * _crn_store_move_aside:
 * @path: a database file that could not be opened
 * @new_path: (out) (optional) (transfer full): where it went
 * @error: where to put an error
 *
 * Renames @path (and its -wal, -shm and -journal companions) to
 * `@path.damaged-YYYYMMDD-HHMMSS`, so that a new file can be created; nothing is deleted.
 *
 * Returns: %TRUE if the file was moved or did not exist
 */
gboolean
_crn_store_move_aside (const char  *path,
                       char       **new_path,
                       GError     **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.damaged-%s", path, stamp);

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (new_path != NULL)
        *new_path = NULL;
      return TRUE;
    }

  for (guint n = 2; g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.damaged-%s-%u", path, stamp, n);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_FAILED,
                   _("Could not put the agenda file “%s” aside: %s. Move it elsewhere "
                     "yourself, then start Créneaux again."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  /* A stale WAL next to a new file would be replayed into it: move them too. */
  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (path, companions[i], NULL);
      g_autofree char *to = g_strconcat (target, companions[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        g_debug ("Could not move %s aside: %s", companions[i], g_strerror (errno));
    }

  if (new_path != NULL)
    *new_path = g_steal_pointer (&target);

  return TRUE;
}
