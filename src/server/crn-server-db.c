/* crn-server-db.c: the server's SQLite file: schema, migrations, accounts, tokens, directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServerDb"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "crn-server-db-private.h"

typedef struct
{
  char   *resource_type;
  char   *id;
  gint64  version;
  gint64  last_updated_ms;
  char   *practitioner;
} Change;

struct _CrnServerDb
{
  sqlite3             *db;
  gint64               last_stamp;
  GHashTable          *failures;        /* "login:<x>" / "addr:<x>" -> Failures (crn-server-accounts.c) */
  CrnServerChangeFunc  change_func;
  gpointer             change_data;
  GPtrArray           *pending;         /* Change, emitted after COMMIT */
  CrnPolicy           *policy;
  char                *dummy_hash;      /* verified when the login is unknown (same time) */
  GHashTable          *stmts;           /* SQL -> kept statement (_crn_db_prepare_cached) */
};

/* ---------------------------------------------------------------------------------- */
/* Error domain                                                                        */

G_DEFINE_QUARK (crn-server-error-quark, crn_server_error)

/* ---------------------------------------------------------------------------------- */
/* Schema                                                                              */

static const char *migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE cpts ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, idnst TEXT NOT NULL, phone TEXT,"
  "  territory TEXT NOT NULL);"
  "CREATE TABLE practices ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, idnst TEXT, phone TEXT,"
  "  version INTEGER NOT NULL, last_updated_ms INTEGER NOT NULL);"
  "CREATE TABLE places ("
  "  id TEXT PRIMARY KEY, practice_id TEXT REFERENCES practices (id), name TEXT NOT NULL,"
  "  line TEXT, postal_code TEXT, city TEXT);"
  "CREATE TABLE practitioners ("
  "  idnps TEXT PRIMARY KEY, family TEXT NOT NULL, given TEXT NOT NULL, phone TEXT,"
  "  practice_id TEXT REFERENCES practices (id),"
  "  version INTEGER NOT NULL, last_updated_ms INTEGER NOT NULL);"
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL, display_name TEXT NOT NULL,"
  "  idnps TEXT REFERENCES practitioners (idnps), created_at INTEGER NOT NULL);"
  "CREATE TABLE account_acts_for ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  idnps TEXT NOT NULL, PRIMARY KEY (account_id, idnps));"
  "CREATE TABLE tokens ("
  "  hash TEXT PRIMARY KEY, kind INTEGER NOT NULL,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE INDEX tokens_expiry ON tokens (expires_at);"
  "CREATE TABLE policy ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1), snp_hours TEXT NOT NULL,"
  "  reclaim_minutes INTEGER NOT NULL, booking_closes_minutes INTEGER NOT NULL,"
  "  horizon_hours INTEGER NOT NULL, needs_confirmation INTEGER NOT NULL,"
  "  excluded_reasons TEXT NOT NULL, version INTEGER NOT NULL,"
  "  last_updated_ms INTEGER NOT NULL);"
  "CREATE TABLE schedules ("
  "  id TEXT PRIMARY KEY, template_id TEXT NOT NULL UNIQUE,"
  "  practitioner TEXT NOT NULL REFERENCES practitioners (idnps),"
  "  place_id TEXT NOT NULL REFERENCES places (id),"
  "  version INTEGER NOT NULL, last_updated_ms INTEGER NOT NULL,"
  "  UNIQUE (practitioner, place_id));"
  "CREATE INDEX schedules_last_updated ON schedules (last_updated_ms);"
  "CREATE TABLE schedule_blocks ("
  "  schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, id TEXT NOT NULL, weekdays INTEGER NOT NULL,"
  "  start_minute INTEGER NOT NULL, end_minute INTEGER NOT NULL,"
  "  slot_minutes INTEGER NOT NULL, n_patients INTEGER NOT NULL, months INTEGER NOT NULL,"
  "  modalities INTEGER NOT NULL, visibility INTEGER NOT NULL, restriction INTEGER NOT NULL,"
  "  restriction_text TEXT, valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL,"
  "  PRIMARY KEY (schedule_id, position));"
  "CREATE TABLE schedule_exceptions ("
  "  schedule_id TEXT NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL, id TEXT NOT NULL, kind INTEGER NOT NULL,"
  "  start INTEGER NOT NULL, end INTEGER NOT NULL, reason TEXT,"
  "  slot_minutes INTEGER NOT NULL, n_patients INTEGER NOT NULL,"
  "  modalities INTEGER NOT NULL, visibility INTEGER NOT NULL, restriction INTEGER NOT NULL,"
  "  restriction_text TEXT, PRIMARY KEY (schedule_id, position));"
  "CREATE TABLE slots ("
  "  id TEXT PRIMARY KEY, schedule_id TEXT NOT NULL REFERENCES schedules (id),"
  "  practitioner TEXT NOT NULL, place_id TEXT NOT NULL, template_block_id TEXT,"
  "  start INTEGER NOT NULL, end INTEGER NOT NULL, modalities INTEGER NOT NULL,"
  "  visibility INTEGER NOT NULL, restriction INTEGER NOT NULL, restriction_text TEXT,"
  "  status INTEGER NOT NULL, reclaimed INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL, last_updated_ms INTEGER NOT NULL);"
  "CREATE INDEX slots_practitioner_start ON slots (practitioner, start);"
  "CREATE INDEX slots_start ON slots (start);"
  "CREATE INDEX slots_schedule ON slots (schedule_id, start);"
  "CREATE INDEX slots_last_updated ON slots (last_updated_ms);"
  "CREATE TABLE bookings ("
  "  id TEXT PRIMARY KEY, slot_id TEXT REFERENCES slots (id),"
  "  practitioner TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
  "  patient_family TEXT NOT NULL, patient_given TEXT NOT NULL,"
  "  patient_birth_date TEXT NOT NULL, patient_phone TEXT, reason TEXT,"
  "  referrer INTEGER NOT NULL, referrer_name TEXT, operator_id TEXT,"
  "  requested_at INTEGER NOT NULL, created_at INTEGER NOT NULL, extra INTEGER NOT NULL,"
  "  status INTEGER NOT NULL, practitioner_status INTEGER NOT NULL, cancel_reason TEXT,"
  "  account_id INTEGER REFERENCES accounts (id),"
  "  version INTEGER NOT NULL, last_updated_ms INTEGER NOT NULL);"
  /* The last line of defence of "one booking per slot": statuses 5 (cancelled) and 7
   * (entered-in-error) do not hold the slot. */
  "CREATE UNIQUE INDEX bookings_one_per_slot ON bookings (slot_id)"
  "  WHERE slot_id IS NOT NULL AND status NOT IN (5, 7);"
  "CREATE INDEX bookings_practitioner_start ON bookings (practitioner, start);"
  "CREATE INDEX bookings_account ON bookings (account_id, start);"
  "CREATE INDEX bookings_last_updated ON bookings (last_updated_ms);"
  "CREATE INDEX bookings_start ON bookings (start);",
  /* 2: the last local day (Julian) each schedule is expanded to, so that start-up and the
   * hourly pass expand only the days that are missing */
  "ALTER TABLE schedules ADD COLUMN expanded_until INTEGER NOT NULL DEFAULT 0;",
  /* 3: refresh token rotation with a grace for a lost answer and reuse detection
   * (crn_server_db_refresh_tokens()): the family (the first refresh token's hash, shared by
   * every token issued from it), the hash of the refresh token that replaced a used one,
   * replaced tokens kept as revoked until they expire, and for an access token the hash of
   * the refresh token issued with it */
  "ALTER TABLE tokens ADD COLUMN family TEXT;"
  "ALTER TABLE tokens ADD COLUMN successor TEXT;"
  "ALTER TABLE tokens ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE tokens ADD COLUMN sibling TEXT;"
  "UPDATE tokens SET family = hash;"
  "CREATE INDEX tokens_family ON tokens (family);",
};

/* ---------------------------------------------------------------------------------- */
/* Helpers shared with crn-server-agenda.c                                            */

void
_crn_db_set_error (CrnServerDb  *self,
                   GError      **error)
{
  int code = sqlite3_extended_errcode (self->db);

  /* The SQLite message names tables and constraints, never values: safe to log. */
  g_warning ("SQLite error %d: %s", code, sqlite3_errmsg (self->db));
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT,
                 _("This change conflicts with another one made at the same moment. "
                   "Reload and try again."));
  else
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE,
                 _("The agenda database could not be used (%s). "
                   "Try again; if it persists, tell the CPTS coordinator."),
                 sqlite3_errstr (code));
}

sqlite3_stmt *
_crn_db_prepare (CrnServerDb  *self,
                 const char   *sql,
                 GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
      != SQLITE_OK)
    {
      _crn_db_set_error (self, error);
      return NULL;
    }
  return stmt;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

sqlite3_stmt *
_crn_db_prepare_cached (CrnServerDb  *self,
                        const char   *sql,
                        GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);

  if (stmt != NULL)
    {
      /* In use further up the stack: that caller gets one of its own. */
      if (sqlite3_stmt_busy (stmt))
        return _crn_db_prepare (self, sql, error);
      return stmt;
    }
  stmt = _crn_db_prepare (self, sql, error);
  if (stmt != NULL)
    g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
  return stmt;
}

void
_crn_db_release (CrnServerDb  *self,
                 sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  if (g_hash_table_lookup (self->stmts, sqlite3_sql (stmt)) == stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  else
    sqlite3_finalize (stmt);
}

gboolean
_crn_db_step_done (CrnServerDb  *self,
                   sqlite3_stmt *stmt,
                   GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _crn_db_set_error (self, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
db_exec (CrnServerDb  *self,
         const char   *sql,
         GError      **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      _crn_db_set_error (self, error);
      return FALSE;
    }
  return TRUE;
}

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->resource_type);
  g_free (change->id);
  g_free (change->practitioner);
  g_free (change);
}

gboolean
_crn_db_begin (CrnServerDb  *self,
               GError      **error)
{
  g_ptr_array_set_size (self->pending, 0);
  return db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
_crn_db_commit (CrnServerDb  *self,
                GError      **error)
{
  g_autoptr(GPtrArray) pending = NULL;

  if (!db_exec (self, "COMMIT", error))
    {
      _crn_db_rollback (self);
      return FALSE;
    }

  /* Tell the connected apps only once the change is durable. */
  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (change_free);
  if (self->change_func != NULL)
    for (guint i = 0; i < pending->len; i++)
      {
        Change *change = g_ptr_array_index (pending, i);

        self->change_func (change->resource_type, change->id, change->version,
                           change->last_updated_ms, change->practitioner,
                           self->change_data);
      }
  return TRUE;
}

void
_crn_db_rollback (CrnServerDb *self)
{
  g_ptr_array_set_size (self->pending, 0);
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_crn_db_read_begin (CrnServerDb *self)
{
  if (!sqlite3_get_autocommit (self->db))
    return FALSE;
  return sqlite3_exec (self->db, "BEGIN DEFERRED", NULL, NULL, NULL) == SQLITE_OK;
}

void
_crn_db_read_end (CrnServerDb *self,
                  gboolean     begun)
{
  if (begun && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
}

void
_crn_db_queue_change (CrnServerDb *self,
                      const char  *resource_type,
                      const char  *id,
                      gint64       version,
                      gint64       last_updated_ms,
                      const char  *practitioner)
{
  Change *change = g_new0 (Change, 1);

  change->resource_type = g_strdup (resource_type);
  change->id = g_strdup (id);
  change->version = version;
  change->last_updated_ms = last_updated_ms;
  change->practitioner = g_strdup (practitioner);
  g_ptr_array_add (self->pending, change);
}

char *
_crn_db_column_dup (sqlite3_stmt *stmt,
                    int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

gint64
crn_server_db_next_stamp (CrnServerDb *self)
{
  gint64 now = g_get_real_time () / 1000;

  self->last_stamp = MAX (now, self->last_stamp + 1);
  return self->last_stamp;
}

sqlite3 *
crn_server_db_get_handle (CrnServerDb *self)
{
  return self->db;
}

GHashTable *
_crn_db_failures (CrnServerDb *self)
{
  return self->failures;
}

const char *
_crn_db_dummy_hash (CrnServerDb *self)
{
  return self->dummy_hash;
}

void
crn_server_db_set_change_func (CrnServerDb         *self,
                               CrnServerChangeFunc  func,
                               gpointer             user_data)
{
  self->change_func = func;
  self->change_data = user_data;
}

/* ---------------------------------------------------------------------------------- */
/* Policy                                                                              */

static char *
snp_hours_to_string (const CrnPolicy *policy)
{
  GString *s = g_string_new (NULL);

  for (guint wd = 1; wd <= 7; wd++)
    g_string_append_printf (s, "%s%u-%u", wd > 1 ? "," : "",
                            policy->snp_open[wd], policy->snp_close[wd]);
  return g_string_free (s, FALSE);
}

static void
snp_hours_from_string (CrnPolicy  *policy,
                       const char *text)
{
  g_auto(GStrv) days = g_strsplit (text, ",", 8);

  for (guint wd = 1; wd <= 7 && days[wd - 1] != NULL; wd++)
    {
      guint open = 0, close = 0;

      if (sscanf (days[wd - 1], "%u-%u", &open, &close) == 2 && open <= close && close <= 1440)
        {
          policy->snp_open[wd] = open;
          policy->snp_close[wd] = close;
        }
    }
}

static CrnPolicy *
load_policy (CrnServerDb *self)
{
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  sqlite3_stmt *stmt;

  stmt = _crn_db_prepare (self,
                          "SELECT snp_hours, reclaim_minutes, booking_closes_minutes,"
                          " horizon_hours, needs_confirmation, excluded_reasons"
                          " FROM policy WHERE id = 1", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_auto(GStrv) reasons = NULL;

      snp_hours_from_string (policy, (const char *) sqlite3_column_text (stmt, 0));
      policy->reclaim_minutes = sqlite3_column_int (stmt, 1);
      policy->booking_closes_minutes = sqlite3_column_int (stmt, 2);
      policy->horizon_hours = sqlite3_column_int (stmt, 3);
      policy->needs_confirmation = sqlite3_column_int (stmt, 4) != 0;
      reasons = g_strsplit ((const char *) sqlite3_column_text (stmt, 5), "\n", -1);
      g_ptr_array_set_size (policy->excluded_reasons, 0);
      for (guint i = 0; reasons[i] != NULL; i++)
        if (reasons[i][0] != '\0')
          g_ptr_array_add (policy->excluded_reasons, g_strdup (reasons[i]));
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&policy);
}

const CrnPolicy *
_crn_db_policy (CrnServerDb *self)
{
  return self->policy;
}

CrnPolicy *
crn_server_db_get_policy (CrnServerDb *self)
{
  return crn_policy_copy (self->policy);
}

gint64
crn_server_db_get_policy_version (CrnServerDb *self,
                                  gint64      *last_updated_ms)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self, "SELECT version, last_updated_ms FROM policy",
                                        NULL);
  gint64 version = 0;

  if (last_updated_ms != NULL)
    *last_updated_ms = 0;
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      version = sqlite3_column_int64 (stmt, 0);
      if (last_updated_ms != NULL)
        *last_updated_ms = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return version;
}

gboolean
crn_server_db_set_policy (CrnServerDb      *self,
                          const CrnPolicy  *policy,
                          GError          **error)
{
  g_autofree char *hours = NULL;
  g_autoptr(GString) reasons = g_string_new (NULL);
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!crn_policy_validate (policy, error))
    return FALSE;

  hours = snp_hours_to_string (policy);
  for (guint i = 0; i < policy->excluded_reasons->len; i++)
    g_string_append_printf (reasons, "%s%s", i > 0 ? "\n" : "",
                            (const char *) g_ptr_array_index (policy->excluded_reasons, i));

  if (!_crn_db_begin (self, error))
    return FALSE;
  stmt = _crn_db_prepare (self,
                          "INSERT INTO policy (id, snp_hours, reclaim_minutes,"
                          " booking_closes_minutes, horizon_hours, needs_confirmation,"
                          " excluded_reasons, version, last_updated_ms)"
                          " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)"
                          " ON CONFLICT (id) DO UPDATE SET snp_hours = ?1, reclaim_minutes = ?2,"
                          " booking_closes_minutes = ?3, horizon_hours = ?4,"
                          " needs_confirmation = ?5, excluded_reasons = ?6,"
                          " version = version + 1, last_updated_ms = ?7", error);
  if (stmt == NULL)
    {
      _crn_db_rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, hours, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, policy->reclaim_minutes);
  sqlite3_bind_int (stmt, 3, policy->booking_closes_minutes);
  sqlite3_bind_int (stmt, 4, policy->horizon_hours);
  sqlite3_bind_int (stmt, 5, policy->needs_confirmation ? 1 : 0);
  sqlite3_bind_text (stmt, 6, reasons->str, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, crn_server_db_next_stamp (self));
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  if (!ok || !_crn_db_commit (self, error))
    {
      _crn_db_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&self->policy, crn_policy_free);
  self->policy = load_policy (self);
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Open, migrate, close                                                                */

static gboolean
migrate (CrnServerDb  *self,
         GError      **error)
{
  sqlite3_stmt *stmt;
  int version = 0;

  stmt = _crn_db_prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE,
                   _("The agenda database was made by a newer version of creneaux-server "
                     "(schema %d). Install that version or use another data folder."),
                   version);
      return FALSE;
    }

  for (int v = version; v < (int) G_N_ELEMENTS (migrations); v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!_crn_db_begin (self, error))
        return FALSE;
      if (!db_exec (self, migrations[v], error) || !db_exec (self, set_version, error) ||
          !_crn_db_commit (self, error))
        {
          _crn_db_rollback (self);
          return FALSE;
        }
      g_debug ("Database migrated to schema %d", v + 1);
    }
  return TRUE;
}

static gint64
max_stamp (CrnServerDb *self)
{
  sqlite3_stmt *stmt;
  gint64 max = 0;

  stmt = _crn_db_prepare (self,
                          "SELECT MAX (m) FROM ("
                          " SELECT MAX (last_updated_ms) AS m FROM slots UNION ALL"
                          " SELECT MAX (last_updated_ms) FROM bookings UNION ALL"
                          " SELECT MAX (last_updated_ms) FROM schedules UNION ALL"
                          " SELECT MAX (last_updated_ms) FROM practitioners UNION ALL"
                          " SELECT MAX (last_updated_ms) FROM policy)", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    max = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return max;
}

/**
 * crn_server_db_open:
 * @path: the SQLite file (created if needed)
 * @error: a #GError
 *
 * Opens (and migrates) the server database in WAL mode with foreign keys on and
 * `synchronous = FULL`, so that an acknowledged write survives a crash.
 *
 * Returns: (transfer full) (nullable): the database
 */
CrnServerDb *
crn_server_db_open (const char  *path,
                    GError     **error)
{
  g_autoptr(CrnServerDb) self = g_new0 (CrnServerDb, 1);

  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  self->pending = g_ptr_array_new_with_free_func (change_free);

  if (sodium_init () < 0)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE,
                   _("The cryptography library could not start."));
      return NULL;
    }

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE,
                   _("Could not open the agenda database “%s”: %s"),
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  /* The searches read a few rows here and there in a file of hundreds of megabytes: map it
   * (no read call per page) and keep more pages than SQLite's default 2 MB. */
  if (!db_exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                      "PRAGMA foreign_keys = ON; PRAGMA mmap_size = 1073741824;"
                      "PRAGMA cache_size = -32768;", error) ||
      !migrate (self, error))
    return NULL;

  self->policy = load_policy (self);
  self->last_stamp = max_stamp (self);

  /* A fixed hash to verify against when the login is unknown, so that the answer time does
   * not tell which logins exist. */
  self->dummy_hash = g_malloc0 (crypto_pwhash_STRBYTES);
  if (crypto_pwhash_str (self->dummy_hash, "not a password", strlen ("not a password"),
                         CRN_PWHASH_OPSLIMIT,
                         CRN_PWHASH_MEMLIMIT) != 0)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE,
                   _("Not enough memory to hash passwords."));
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
crn_server_db_free (CrnServerDb *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->policy, crn_policy_free);
  g_free (self->dummy_hash);
  g_free (self);
}

/* ---------------------------------------------------------------------------------- */
/* Directory                                                                           */

void
crn_server_practice_free (CrnServerPractice *practice)
{
  if (practice == NULL)
    return;
  g_free (practice->id);
  g_free (practice->name);
  g_free (practice->idnst);
  g_free (practice->phone);
  g_free (practice);
}

void
crn_server_cpts_free (CrnServerCpts *cpts)
{
  if (cpts == NULL)
    return;
  g_free (cpts->id);
  g_free (cpts->name);
  g_free (cpts->idnst);
  g_free (cpts->phone);
  g_free (cpts->territory);
  g_free (cpts);
}

static gboolean
run_write (CrnServerDb   *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  gboolean ok;

  if (stmt == NULL)
    {
      _crn_db_rollback (self);
      return FALSE;
    }
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  if (!ok || !_crn_db_commit (self, error))
    {
      _crn_db_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
crn_server_db_put_cpts (CrnServerDb         *self,
                        const CrnServerCpts *cpts,
                        GError             **error)
{
  sqlite3_stmt *stmt;

  if (!_crn_db_begin (self, error))
    return FALSE;
  stmt = _crn_db_prepare (self, "INSERT OR REPLACE INTO cpts VALUES (?1, ?2, ?3, ?4, ?5)",
                          error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, cpts->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, cpts->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, cpts->idnst, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, cpts->phone, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, cpts->territory, -1, SQLITE_TRANSIENT);
    }
  return run_write (self, stmt, error);
}

CrnServerCpts *
crn_server_db_get_cpts (CrnServerDb *self)
{
  sqlite3_stmt *stmt = _crn_db_prepare_cached (self,
                                        "SELECT id, name, idnst, phone, territory FROM cpts"
                                        " ORDER BY id LIMIT 1", NULL);
  CrnServerCpts *cpts = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      cpts = g_new0 (CrnServerCpts, 1);
      cpts->id = _crn_db_column_dup (stmt, 0);
      cpts->name = _crn_db_column_dup (stmt, 1);
      cpts->idnst = _crn_db_column_dup (stmt, 2);
      cpts->phone = _crn_db_column_dup (stmt, 3);
      cpts->territory = _crn_db_column_dup (stmt, 4);
    }
  _crn_db_release (self, stmt);
  return cpts;
}

gboolean
crn_server_db_put_practice (CrnServerDb              *self,
                            const CrnServerPractice  *practice,
                            GError                  **error)
{
  sqlite3_stmt *stmt;

  if (!_crn_db_begin (self, error))
    return FALSE;
  stmt = _crn_db_prepare (self,
                          "INSERT INTO practices VALUES (?1, ?2, ?3, ?4, 1, ?5)"
                          " ON CONFLICT (id) DO UPDATE SET name = ?2, idnst = ?3, phone = ?4,"
                          " version = version + 1, last_updated_ms = ?5", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, practice->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, practice->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, practice->idnst, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, practice->phone, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 5, crn_server_db_next_stamp (self));
    }
  return run_write (self, stmt, error);
}

static CrnServerPractice *
practice_from_row (sqlite3_stmt *stmt)
{
  CrnServerPractice *practice = g_new0 (CrnServerPractice, 1);

  practice->id = _crn_db_column_dup (stmt, 0);
  practice->name = _crn_db_column_dup (stmt, 1);
  practice->idnst = _crn_db_column_dup (stmt, 2);
  practice->phone = _crn_db_column_dup (stmt, 3);
  practice->version = sqlite3_column_int64 (stmt, 4);
  practice->last_updated_ms = sqlite3_column_int64 (stmt, 5);
  return practice;
}

CrnServerPractice *
crn_server_db_get_practice (CrnServerDb  *self,
                            const char   *id,
                            GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare_cached (self, "SELECT * FROM practices WHERE id = ?1", error);
  CrnServerPractice *practice = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    practice = practice_from_row (stmt);
  else
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                 _("This practice is not registered with the CPTS."));
  _crn_db_release (self, stmt);
  return practice;
}

GPtrArray *
crn_server_db_list_practices (CrnServerDb  *self,
                              GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self, "SELECT * FROM practices ORDER BY name", error);
  GPtrArray *list;

  if (stmt == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_server_practice_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, practice_from_row (stmt));
  sqlite3_finalize (stmt);
  return list;
}

gboolean
crn_server_db_put_place (CrnServerDb     *self,
                         const CrnPlace  *place,
                         const char      *practice_id,
                         GError         **error)
{
  sqlite3_stmt *stmt;

  if (!crn_place_validate (place, error))
    return FALSE;
  if (!_crn_db_begin (self, error))
    return FALSE;
  stmt = _crn_db_prepare (self, "INSERT OR REPLACE INTO places VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, place->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, practice_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, place->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, place->line, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, place->postal_code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, place->city, -1, SQLITE_TRANSIENT);
    }
  return run_write (self, stmt, error);
}

static CrnPlace *
place_from_row (sqlite3_stmt *stmt)
{
  CrnPlace *place = crn_place_new ();

  g_free (place->id);
  place->id = _crn_db_column_dup (stmt, 0);
  place->name = _crn_db_column_dup (stmt, 2);
  place->line = _crn_db_column_dup (stmt, 3);
  place->postal_code = _crn_db_column_dup (stmt, 4);
  place->city = _crn_db_column_dup (stmt, 5);
  return place;
}

GPtrArray *
crn_server_db_list_places (CrnServerDb  *self,
                           GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self, "SELECT * FROM places ORDER BY name, id", error);
  GPtrArray *list;

  if (stmt == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_place_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, place_from_row (stmt));
  sqlite3_finalize (stmt);
  return list;
}

CrnPlace *
crn_server_db_get_place (CrnServerDb  *self,
                         const char   *place_id,
                         GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare_cached (self, "SELECT * FROM places WHERE id = ?1", error);
  CrnPlace *place = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, place_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    place = place_from_row (stmt);
  else
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                 _("This place of consultation is not registered with the CPTS."));
  _crn_db_release (self, stmt);
  return place;
}

char *
crn_server_db_practice_of_place (CrnServerDb *self,
                                 const char  *place_id)
{
  sqlite3_stmt *stmt = _crn_db_prepare_cached (self, "SELECT practice_id FROM places WHERE id = ?1",
                                        NULL);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, place_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = _crn_db_column_dup (stmt, 0);
  _crn_db_release (self, stmt);
  return id;
}

gboolean
crn_server_db_put_practitioner (CrnServerDb            *self,
                                const CrnPractitioner  *practitioner,
                                GError                **error)
{
  sqlite3_stmt *stmt;

  if (!crn_practitioner_validate (practitioner, error))
    return FALSE;
  if (!_crn_db_begin (self, error))
    return FALSE;
  stmt = _crn_db_prepare (self,
                          "INSERT INTO practitioners VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)"
                          " ON CONFLICT (idnps) DO UPDATE SET family = ?2, given = ?3,"
                          " phone = ?4, practice_id = ?5, version = version + 1,"
                          " last_updated_ms = ?6", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, practitioner->idnps, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, practitioner->family, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, practitioner->given, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, practitioner->phone, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, practitioner->organization, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 6, crn_server_db_next_stamp (self));
    }
  return run_write (self, stmt, error);
}

static CrnPractitioner *
practitioner_from_row (sqlite3_stmt *stmt)
{
  CrnPractitioner *practitioner = crn_practitioner_new ();

  practitioner->idnps = _crn_db_column_dup (stmt, 0);
  practitioner->family = _crn_db_column_dup (stmt, 1);
  practitioner->given = _crn_db_column_dup (stmt, 2);
  practitioner->phone = _crn_db_column_dup (stmt, 3);
  practitioner->organization = _crn_db_column_dup (stmt, 4);
  return practitioner;
}

GPtrArray *
crn_server_db_list_practitioners (CrnServerDb  *self,
                                  GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self,
                                        "SELECT * FROM practitioners"
                                        " ORDER BY family, given, idnps", error);
  GPtrArray *list;

  if (stmt == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_practitioner_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, practitioner_from_row (stmt));
  sqlite3_finalize (stmt);
  return list;
}

CrnPractitioner *
crn_server_db_get_practitioner (CrnServerDb  *self,
                                const char   *idnps,
                                GError      **error)
{
  g_autofree char *normal = crn_idnps_normalize (idnps);
  sqlite3_stmt *stmt;
  CrnPractitioner *practitioner = NULL;

  if (normal == NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("“%s” is not an RPPS number: type the 11 digits of the RPPS, or 8 "
                     "followed by them."), idnps != NULL ? idnps : "");
      return NULL;
    }
  stmt = _crn_db_prepare_cached (self, "SELECT * FROM practitioners WHERE idnps = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, normal, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    practitioner = practitioner_from_row (stmt);
  else
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                 _("No practitioner with the RPPS number %s is registered with this CPTS."),
                 normal);
  _crn_db_release (self, stmt);
  return practitioner;
}

char *
crn_server_db_practice_of (CrnServerDb *self,
                           const char  *idnps)
{
  sqlite3_stmt *stmt = _crn_db_prepare_cached (self,
                                        "SELECT practice_id FROM practitioners WHERE idnps = ?1",
                                        NULL);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, idnps, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = _crn_db_column_dup (stmt, 0);
  _crn_db_release (self, stmt);
  return id;
}
