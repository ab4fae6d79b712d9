/* crn-store-outbox.c: local changes waiting to be pushed, sync state, accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-store-private.h"

/* ------------------------------------------------------------------ outbox */

#define OUTBOX_COLUMNS \
  "uuid, kind, target_id, base_version, payload, created_ms, attempts, last_error, state, seq"

static CrnOutboxEntry *
read_entry (sqlite3_stmt *stmt)
{
  CrnOutboxEntry *entry = g_new0 (CrnOutboxEntry, 1);

  entry->uuid = _crn_store_column_dup (stmt, 0);
  entry->kind = _crn_store_column_dup (stmt, 1);
  entry->target_id = _crn_store_column_dup (stmt, 2);
  entry->base_version = sqlite3_column_int64 (stmt, 3);
  entry->payload = _crn_store_column_dup (stmt, 4);
  entry->created_ms = sqlite3_column_int64 (stmt, 5);
  entry->attempts = (guint) sqlite3_column_int (stmt, 6);
  entry->last_error = _crn_store_column_dup (stmt, 7);
  if (!crn_outbox_state_from_string ((const char *) sqlite3_column_text (stmt, 8),
                                     &entry->state))
    entry->state = CRN_OUTBOX_FAILED;
  entry->seq = sqlite3_column_int64 (stmt, 9);

  return entry;
}

/**
 * _crn_store_db_enqueue_in_tx:
 * @entry: a new entry (crn_outbox_entry_new())
 *
 * Adds @entry inside the caller's transaction. An entry whose UUID is already in the
 * outbox is left as it is: a retry of the same user action never makes a second entry.
 */
gboolean
_crn_store_db_enqueue_in_tx (CrnStoreDb            *db,
                             const CrnOutboxEntry  *entry,
                             GError               **error)
{
  static const char sql[] =
    "INSERT INTO outbox (uuid, kind, target_id, base_version, payload, created_ms, state)"
    " VALUES (:uuid, :kind, :target_id, :base_version, :payload, :created_ms, 'pending')"
    " ON CONFLICT (uuid) DO NOTHING";
  sqlite3_stmt *stmt;
  int rc;

  if (entry == NULL || entry->uuid == NULL || !crn_uuid_is_valid (entry->uuid) ||
      entry->kind == NULL || entry->target_id == NULL)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("The change could not be queued for sending: it has no valid "
                     "identifier. Nothing was saved; try again."));
      return FALSE;
    }

  stmt = _crn_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;

  _crn_store_bind_text (stmt, ":uuid", entry->uuid);
  _crn_store_bind_text (stmt, ":kind", entry->kind);
  _crn_store_bind_text (stmt, ":target_id", entry->target_id);
  _crn_store_bind_int64 (stmt, ":base_version", entry->base_version);
  _crn_store_bind_text (stmt, ":payload", entry->payload != NULL ? entry->payload : "{}");
  _crn_store_bind_int64 (stmt, ":created_ms", entry->created_ms);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("The change could not be queued for sending: its content is not valid "
                     "JSON. Nothing was saved; please report the problem."));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  g_debug ("Outbox: queued %s (%s)", entry->kind,
           sqlite3_changes (_crn_store_db_get_handle (db)) > 0 ? "new" : "already there");
  return TRUE;
}

/**
 * _crn_store_db_enqueue:
 * @entry: a new entry
 *
 * Adds @entry in its own transaction; see _crn_store_db_enqueue_in_tx().
 */
gboolean
_crn_store_db_enqueue (CrnStoreDb            *db,
                       const CrnOutboxEntry  *entry,
                       GError               **error)
{
  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!_crn_store_db_enqueue_in_tx (db, entry, error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  return _crn_store_db_commit (db, error);
}

/**
 * _crn_store_db_outbox_list:
 * @state: which entries
 * @limit: at most this many, 0 for all
 *
 * Returns: (transfer full) (element-type CrnOutboxEntry): in the order they were queued
 */
GPtrArray *
_crn_store_db_outbox_list (CrnStoreDb      *db,
                           CrnOutboxState   state,
                           guint            limit,
                           GError         **error)
{
  static const char sql[] =
    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE state = :state ORDER BY seq LIMIT :limit";
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_outbox_entry_free);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_text (stmt, ":state", crn_outbox_state_to_string (state));
  _crn_store_bind_int64 (stmt, ":limit", limit > 0 ? (gint64) limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_entry (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * _crn_store_db_outbox_get:
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with %CRN_STORE_ERROR_NOT_FOUND
 */
CrnOutboxEntry *
_crn_store_db_outbox_get (CrnStoreDb  *db,
                          const char  *uuid,
                          GError     **error)
{
  static const char sql[] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE uuid = :uuid";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  CrnOutboxEntry *entry = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_text (stmt, ":uuid", uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = read_entry (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                 _("This change is no longer waiting to be sent."));
  else
    _crn_store_db_set_error (db, rc, error);
  sqlite3_reset (stmt);

  return entry;
}

/**
 * _crn_store_db_outbox_mark:
 * @uuid: the entry
 * @state: the new state: %CRN_OUTBOX_SENT counts an attempt; %CRN_OUTBOX_PENDING after a
 *   failed attempt keeps the entry for a retry; %CRN_OUTBOX_DONE and %CRN_OUTBOX_FAILED end it
 * @last_error: (nullable): why the last attempt failed (no patient data), kept until done
 */
gboolean
_crn_store_db_outbox_mark (CrnStoreDb      *db,
                           const char      *uuid,
                           CrnOutboxState   state,
                           const char      *last_error,
                           GError         **error)
{
  static const char sql[] =
    "UPDATE outbox SET state = :state,"
    " attempts = attempts + (:state = 'sent'),"
    " last_error = CASE WHEN :state = 'done' THEN NULL"
    "   ELSE coalesce (:last_error, last_error) END"
    " WHERE uuid = :uuid";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":state", crn_outbox_state_to_string (state));
  _crn_store_bind_text (stmt, ":last_error", last_error);
  _crn_store_bind_text (stmt, ":uuid", uuid);
  if (!_crn_store_db_step_done (db, stmt, error))
    return FALSE;

  if (sqlite3_changes (_crn_store_db_get_handle (db)) == 0)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                   _("This change is no longer waiting to be sent."));
      return FALSE;
    }

  return TRUE;
}

gboolean
_crn_store_db_outbox_count (CrnStoreDb      *db,
                            CrnOutboxState   state,
                            guint           *count,
                            GError         **error)
{
  static const char sql[] = "SELECT count (*) FROM outbox WHERE state = :state";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":state", crn_outbox_state_to_string (state));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * _crn_store_db_outbox_purge_done:
 * @older_than_ms: entries done and created before this time are deleted
 */
gboolean
_crn_store_db_outbox_purge_done (CrnStoreDb  *db,
                                 gint64       older_than_ms,
                                 GError     **error)
{
  static const char sql[] =
    "DELETE FROM outbox WHERE state = 'done' AND created_ms < :before";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_int64 (stmt, ":before", older_than_ms);
  return _crn_store_db_step_done (db, stmt, error);
}

/**
 * _crn_store_db_count_unsent:
 * @count: (out): entries still to reach the server (pending, or sent without an answer)
 */
gboolean
_crn_store_db_count_unsent (CrnStoreDb  *db,
                            guint       *count,
                            GError     **error)
{
  static const char sql[] = "SELECT count (*) FROM outbox WHERE state IN ('pending', 'sent')";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * _crn_store_db_remove_local_data:
 *
 * Deletes everything the file holds of the CPTS (agenda, bookings and so patient data,
 * templates, directory, policy, pull watermarks) and the whole outbox, unsent changes
 * included, in one transaction; the accounts stay. Then rewrites the file and empties the
 * write-ahead log, so that no deleted row is left in a free page or an old WAL frame.
 */
gboolean
_crn_store_db_remove_local_data (CrnStoreDb  *db,
                                 GError     **error)
{
  static const char * const tables[] = {
    "outbox", "bookings", "slots", "removed_slots", "template_exceptions", "template_blocks", "templates",
    "practitioners", "places", "policy_excluded_reasons", "policy", "sync_state",
  };

  if (!_crn_store_db_exec (db, "PRAGMA secure_delete = ON", error))
    return FALSE;
  if (!_crn_store_db_begin (db, error))
    goto fail;
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", tables[i]);

      if (!_crn_store_db_exec (db, sql, error))
        {
          _crn_store_db_rollback (db);
          goto fail;
        }
    }
  if (!_crn_store_db_commit (db, error))
    goto fail;
  if (!_crn_store_db_exec (db, "VACUUM", error) ||
      !_crn_store_db_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", error))
    goto fail;
  _crn_store_db_exec (db, "PRAGMA secure_delete = OFF", NULL);
  g_debug ("Local data removed");
  return TRUE;

fail:
  _crn_store_db_exec (db, "PRAGMA secure_delete = OFF", NULL);
  return FALSE;
}

/* ------------------------------------------------------------------ sync state */

/**
 * _crn_store_db_get_sync_state:
 * @resource: the resource type ("Slot"…)
 *
 * Returns: (transfer full): the state; a zero watermark and no etag before the first pull
 */
CrnSyncState *
_crn_store_db_get_sync_state (CrnStoreDb  *db,
                              const char  *resource,
                              GError     **error)
{
  static const char sql[] =
    "SELECT watermark_ms, etag, synced_at_ms FROM sync_state WHERE resource = :resource";
  g_autoptr(CrnSyncState) state = g_new0 (CrnSyncState, 1);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  state->resource = g_strdup (resource);
  _crn_store_bind_text (stmt, ":resource", resource);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state->watermark_ms = sqlite3_column_int64 (stmt, 0);
      state->etag = _crn_store_column_dup (stmt, 1);
      state->synced_at_ms = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&state);
}

/**
 * _crn_store_db_set_sync_state:
 * @state: the new state; the stored watermark never goes backwards
 */
gboolean
_crn_store_db_set_sync_state (CrnStoreDb          *db,
                              const CrnSyncState  *state,
                              GError             **error)
{
  static const char sql[] =
    "INSERT INTO sync_state (resource, watermark_ms, etag, synced_at_ms)"
    " VALUES (:resource, :watermark, :etag, :synced_at)"
    " ON CONFLICT (resource) DO UPDATE SET"
    "  watermark_ms = max (watermark_ms, excluded.watermark_ms),"
    "  etag = excluded.etag, synced_at_ms = excluded.synced_at_ms";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  g_return_val_if_fail (state != NULL && state->resource != NULL, FALSE);

  _crn_store_bind_text (stmt, ":resource", state->resource);
  _crn_store_bind_int64 (stmt, ":watermark", state->watermark_ms);
  _crn_store_bind_text (stmt, ":etag", state->etag);
  _crn_store_bind_int64 (stmt, ":synced_at",
                         state->synced_at_ms != 0 ? state->synced_at_ms
                                                  : g_get_real_time () / 1000);
  return _crn_store_db_step_done (db, stmt, error);
}

/* ------------------------------------------------------------------ accounts */

/**
 * _crn_store_db_save_account:
 * @account: what to remember of an account (never a secret)
 *
 * Inserts or replaces the account and the practitioners it acts for, in one transaction.
 */
gboolean
_crn_store_db_save_account (CrnStoreDb             *db,
                            const CrnStoreAccount  *account,
                            GError                **error)
{
  static const char existing_sql[] =
    "SELECT id FROM accounts WHERE server_url = :server_url AND username = :username";
  static const char sql[] =
    "INSERT INTO accounts (id, server_url, username, role, ca_file)"
    " VALUES (:id, :server_url, :username, :role, :ca_file)"
    " ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url,"
    "  username = excluded.username, role = excluded.role, ca_file = excluded.ca_file";
  g_autofree char *id = NULL;
  static const char clear_sql[] = "DELETE FROM account_practitioners WHERE account_id = :id";
  static const char add_sql[] =
    "INSERT OR IGNORE INTO account_practitioners (account_id, idnps) VALUES (:id, :idnps)";
  sqlite3_stmt *stmt;
  int rc;

  if (account->id == NULL || account->server_url == NULL || account->username == NULL ||
      account->role == NULL)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("The account could not be remembered: its server address, user name or "
                     "role is missing."));
      return FALSE;
    }

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  /* One account per server and user name: signing in again updates it, under its id. */
  stmt = _crn_store_db_prepare (db, existing_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":server_url", account->server_url);
  _crn_store_bind_text (stmt, ":username", account->username);
  rc = sqlite3_step (stmt);
  id = rc == SQLITE_ROW ? _crn_store_column_dup (stmt, 0) : g_strdup (account->id);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      goto fail;
    }

  stmt = _crn_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":id", id);
  _crn_store_bind_text (stmt, ":server_url", account->server_url);
  _crn_store_bind_text (stmt, ":username", account->username);
  _crn_store_bind_text (stmt, ":role", account->role);
  _crn_store_bind_text (stmt, ":ca_file", account->ca_file);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("This user name is already set up for this server."));
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      goto fail;
    }

  stmt = _crn_store_db_prepare (db, clear_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":id", id);
  if (!_crn_store_db_step_done (db, stmt, error))
    goto fail;

  for (guint i = 0; account->practitioners != NULL && account->practitioners[i] != NULL; i++)
    {
      stmt = _crn_store_db_prepare (db, add_sql, error);
      if (stmt == NULL)
        goto fail;
      _crn_store_bind_text (stmt, ":id", id);
      _crn_store_bind_text (stmt, ":idnps", account->practitioners[i]);
      if (!_crn_store_db_step_done (db, stmt, error))
        goto fail;
    }

  return _crn_store_db_commit (db, error);

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

/**
 * _crn_store_db_list_accounts:
 *
 * Returns: (transfer full) (element-type CrnStoreAccount): the accounts
 */
GPtrArray *
_crn_store_db_list_accounts (CrnStoreDb  *db,
                             GError     **error)
{
  static const char sql[] =
    "SELECT id, server_url, username, role, ca_file FROM accounts"
    " ORDER BY server_url, username";
  static const char practitioners_sql[] =
    "SELECT idnps FROM account_practitioners WHERE account_id = :id ORDER BY idnps";
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_store_account_free);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnStoreAccount *account = g_new0 (CrnStoreAccount, 1);

      account->id = _crn_store_column_dup (stmt, 0);
      account->server_url = _crn_store_column_dup (stmt, 1);
      account->username = _crn_store_column_dup (stmt, 2);
      account->role = _crn_store_column_dup (stmt, 3);
      account->ca_file = _crn_store_column_dup (stmt, 4);
      g_ptr_array_add (list, account);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  for (guint i = 0; i < list->len; i++)
    {
      CrnStoreAccount *account = g_ptr_array_index (list, i);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      stmt = _crn_store_db_prepare (db, practitioners_sql, error);
      if (stmt == NULL)
        return NULL;
      _crn_store_bind_text (stmt, ":id", account->id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      account->practitioners = g_strv_builder_end (builder);
      if (rc != SQLITE_DONE)
        {
          _crn_store_db_set_error (db, rc, error);
          return NULL;
        }
    }

  return g_steal_pointer (&list);
}

gboolean
_crn_store_db_delete_account (CrnStoreDb  *db,
                              const char  *id,
                              GError     **error)
{
  static const char sql[] = "DELETE FROM accounts WHERE id = :id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":id", id);
  return _crn_store_db_step_done (db, stmt, error);
}
