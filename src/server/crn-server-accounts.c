/* crn-server-accounts.c: accounts, argon2id passwords, sign-in rate limiting, OAuth tokens
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
  guint  failures;
  gint64 window_start;
  gint64 locked_until;
} Failures;

/* ---------------------------------------------------------------------------------- */
/* Accounts                                                                            */

static const char *role_names[] = {
  "practitioner", "secretary", "regulator", "pharmacy", "coordinator",
};

const char *
crn_server_role_to_string (CrnServerRole role)
{
  g_return_val_if_fail (role <= CRN_SERVER_ROLE_COORDINATOR, NULL);
  return role_names[role];
}

gboolean
crn_server_role_from_string (const char    *str,
                             CrnServerRole *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (str, role_names[i]))
      {
        *out = (CrnServerRole) i;
        return TRUE;
      }
  return FALSE;
}

CrnServerAccount *
crn_server_account_copy (const CrnServerAccount *account)
{
  CrnServerAccount *copy = g_new0 (CrnServerAccount, 1);

  copy->id = account->id;
  copy->login = g_strdup (account->login);
  copy->role = account->role;
  copy->display_name = g_strdup (account->display_name);
  copy->idnps = g_strdup (account->idnps);
  copy->practice_id = g_strdup (account->practice_id);
  copy->acts_for = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; account->acts_for != NULL && i < account->acts_for->len; i++)
    g_ptr_array_add (copy->acts_for, g_strdup (g_ptr_array_index (account->acts_for, i)));
  return copy;
}

void
crn_server_account_free (CrnServerAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->login);
  g_free (account->display_name);
  g_free (account->idnps);
  g_free (account->practice_id);
  g_clear_pointer (&account->acts_for, g_ptr_array_unref);
  g_free (account);
}

gboolean
crn_server_account_acts_for (const CrnServerAccount *account,
                             const char             *idnps)
{
  if (account == NULL || idnps == NULL || account->acts_for == NULL)
    return FALSE;
  if (account->role != CRN_SERVER_ROLE_PRACTITIONER &&
      account->role != CRN_SERVER_ROLE_SECRETARY)
    return FALSE;
  for (guint i = 0; i < account->acts_for->len; i++)
    if (g_str_equal (g_ptr_array_index (account->acts_for, i), idnps))
      return TRUE;
  return FALSE;
}

CrnReferrer
crn_server_account_get_referrer (const CrnServerAccount *account)
{
  switch (account->role)
    {
    case CRN_SERVER_ROLE_REGULATOR:
      return CRN_REFERRER_SAS;
    case CRN_SERVER_ROLE_PHARMACY:
      return CRN_REFERRER_PHARMACY;
    case CRN_SERVER_ROLE_PRACTITIONER:
    case CRN_SERVER_ROLE_SECRETARY:
      return CRN_REFERRER_OWN_PATIENT;
    case CRN_SERVER_ROLE_COORDINATOR:
    default:
      return CRN_REFERRER_OTHER;
    }
}

static CrnServerAccount *
load_account (CrnServerDb  *self,
              const char   *where,
              gint64        id,
              const char   *login,
              char        **password_hash,
              GError      **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(CrnServerAccount) account = NULL;
  sqlite3_stmt *stmt;
  int rc;

  sql = g_strdup_printf ("SELECT a.id, a.login, a.role, a.display_name, a.idnps,"
                         " a.password_hash, p.practice_id"
                         " FROM accounts a LEFT JOIN practitioners p ON p.idnps = a.idnps"
                         " WHERE %s", where);
  stmt = _crn_db_prepare_cached (self, sql, error);
  if (stmt == NULL)
    return NULL;
  if (login != NULL)
    sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      account = g_new0 (CrnServerAccount, 1);
      account->id = sqlite3_column_int64 (stmt, 0);
      account->login = _crn_db_column_dup (stmt, 1);
      if (!crn_server_role_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                        &account->role))
        account->role = CRN_SERVER_ROLE_PHARMACY;   /* least privilege; cannot happen */
      account->display_name = _crn_db_column_dup (stmt, 3);
      account->idnps = _crn_db_column_dup (stmt, 4);
      if (password_hash != NULL)
        *password_hash = _crn_db_column_dup (stmt, 5);
      account->practice_id = _crn_db_column_dup (stmt, 6);
      account->acts_for = g_ptr_array_new_with_free_func (g_free);
    }
  else if (rc != SQLITE_DONE)
    _crn_db_set_error (self, error);
  else
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                 _("This account does not exist any more. Sign in again."));
  _crn_db_release (self, stmt);
  if (account == NULL)
    return NULL;

  stmt = _crn_db_prepare_cached (self,
                                 "SELECT f.idnps, p.practice_id FROM account_acts_for f"
                                 " LEFT JOIN practitioners p ON p.idnps = f.idnps"
                                 " WHERE f.account_id = ?1 ORDER BY f.idnps", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account->id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (account->acts_for, _crn_db_column_dup (stmt, 0));
      if (account->practice_id == NULL)
        account->practice_id = _crn_db_column_dup (stmt, 1);
    }
  _crn_db_release (self, stmt);
  return g_steal_pointer (&account);
}

CrnServerAccount *
crn_server_db_get_account (CrnServerDb  *self,
                           gint64        account_id,
                           GError      **error)
{
  return load_account (self, "a.id = ?1", account_id, NULL, NULL, error);
}

gboolean
crn_server_db_has_account (CrnServerDb *self,
                           const char  *login)
{
  g_autoptr(CrnServerAccount) account = load_account (self, "a.login = ?1", 0, login, NULL,
                                                      NULL);
  return account != NULL;
}

gint64
crn_server_db_add_account (CrnServerDb         *self,
                           const char          *login,
                           const char          *password,
                           CrnServerRole        role,
                           const char          *display_name,
                           const char          *idnps,
                           const char * const  *acts_for,
                           GError             **error)
{
  char hash[crypto_pwhash_STRBYTES];
  sqlite3_stmt *stmt;
  gint64 id;

  if (login == NULL || *login == '\0' || strlen (login) > 128 ||
      !g_utf8_validate (login, -1, NULL))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("The login is empty or too long. Choose a login of 1 to 128 characters."));
      return 0;
    }
  if (password == NULL || strlen (password) < 10)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("The password is too short. Choose a password of at least 10 characters."));
      return 0;
    }
  if ((role == CRN_SERVER_ROLE_PRACTITIONER) != (idnps != NULL))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   role == CRN_SERVER_ROLE_PRACTITIONER
                   ? _("A practitioner account needs the GP's RPPS number (--rpps).")
                   : _("Only a practitioner account has an RPPS number of its own."));
      return 0;
    }
  if (role == CRN_SERVER_ROLE_SECRETARY && (acts_for == NULL || acts_for[0] == NULL))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("A secretary account needs at least one practitioner to act for "
                     "(--for RPPS)."));
      return 0;
    }
  if (role != CRN_SERVER_ROLE_SECRETARY && acts_for != NULL && acts_for[0] != NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Only a secretary account acts for other practitioners (--for)."));
      return 0;
    }

  if (crypto_pwhash_str (hash, password, strlen (password),
                         CRN_PWHASH_OPSLIMIT,
                         CRN_PWHASH_MEMLIMIT) != 0)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE,
                   _("Not enough memory to hash the password."));
      return 0;
    }

  if (!_crn_db_begin (self, error))
    return 0;

  stmt = _crn_db_prepare (self,
                          "INSERT INTO accounts (login, password_hash, role, display_name, idnps,"
                          " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, crn_server_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, display_name != NULL ? display_name : login, -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, idnps, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int code = sqlite3_extended_errcode (crn_server_db_get_handle (self));

      sqlite3_finalize (stmt);
      if (code == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DUPLICATE,
                     _("The login “%s” is already taken. Choose another one."), login);
      else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                     _("No practitioner with the RPPS number %s is registered with this "
                       "CPTS. Add the practitioner first."), idnps);
      else
        _crn_db_set_error (self, error);
      goto fail;
    }
  sqlite3_finalize (stmt);
  id = sqlite3_last_insert_rowid (crn_server_db_get_handle (self));

  if (role == CRN_SERVER_ROLE_PRACTITIONER)
    {
      stmt = _crn_db_prepare (self, "INSERT INTO account_acts_for VALUES (?1, ?2)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, idnps, -1, SQLITE_TRANSIENT);
      if (!_crn_db_step_done (self, stmt, error))
        {
          sqlite3_finalize (stmt);
          goto fail;
        }
      sqlite3_finalize (stmt);
    }

  for (guint i = 0; acts_for != NULL && acts_for[i] != NULL; i++)
    {
      g_autoptr(CrnPractitioner) practitioner = NULL;

      practitioner = crn_server_db_get_practitioner (self, acts_for[i], error);
      if (practitioner == NULL)
        goto fail;
      stmt = _crn_db_prepare (self, "INSERT OR IGNORE INTO account_acts_for VALUES (?1, ?2)",
                              error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, practitioner->idnps, -1, SQLITE_TRANSIENT);
      if (!_crn_db_step_done (self, stmt, error))
        {
          sqlite3_finalize (stmt);
          goto fail;
        }
      sqlite3_finalize (stmt);
    }

  if (!_crn_db_commit (self, error))
    return 0;
  sodium_memzero (hash, sizeof hash);
  return id;

fail:
  sodium_memzero (hash, sizeof hash);
  _crn_db_rollback (self);
  return 0;
}

/* Rate limiting ---------------------------------------------------------------------- */

static guint
locked_for (CrnServerDb *self,
            const char  *key,
            gint64       now)
{
  Failures *f = g_hash_table_lookup (_crn_db_failures (self), key);

  if (f == NULL || f->locked_until <= now)
    return 0;
  return (guint) (f->locked_until - now);
}

static void
count_failure (CrnServerDb *self,
               const char  *key,
               guint        max_failures,
               gint64       now)
{
  Failures *f = g_hash_table_lookup (_crn_db_failures (self), key);

  if (f == NULL)
    {
      f = g_new0 (Failures, 1);
      g_hash_table_insert (_crn_db_failures (self), g_strdup (key), f);
    }
  if (now - f->window_start > CRN_LOGIN_WINDOW_SECONDS)
    {
      f->window_start = now;
      f->failures = 0;
    }
  f->failures++;
  if (f->failures >= max_failures)
    {
      f->locked_until = now + CRN_LOCKOUT_SECONDS;
      f->failures = 0;
      f->window_start = now;
    }
}

static void
set_locked_error (GError **error,
                  guint    seconds)
{
  guint minutes = (seconds + 59) / 60;

  g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_LOCKED_OUT,
               g_dngettext (GETTEXT_PACKAGE,
                            "Too many failed sign-in attempts. For your security, sign-in is "
                            "blocked for %u minute; try again then.",
                            "Too many failed sign-in attempts. For your security, sign-in is "
                            "blocked for %u minutes; try again then.", minutes),
               minutes);
}

CrnServerAccount *
crn_server_db_authenticate (CrnServerDb  *self,
                            const char   *login,
                            const char   *password,
                            const char   *address,
                            guint        *retry_after,
                            GError      **error)
{
  g_autofree char *login_key = NULL;
  g_autofree char *addr_key = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(CrnServerAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint wait;
  gboolean ok;

  if (retry_after != NULL)
    *retry_after = 0;
  if (login == NULL || password == NULL || strlen (login) > 128 || strlen (password) > 1024)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN,
                   _("Wrong login or password. Check them and try again."));
      return NULL;
    }

  login_key = g_strdup_printf ("login:%s", login);
  addr_key = g_strdup_printf ("addr:%s", address != NULL ? address : "");
  wait = MAX (locked_for (self, login_key, now), locked_for (self, addr_key, now));
  if (wait > 0)
    {
      if (retry_after != NULL)
        *retry_after = wait;
      set_locked_error (error, wait);
      return NULL;
    }

  account = load_account (self, "a.login = ?1", 0, login, &hash, &local_error);
  if (account == NULL &&
      !g_error_matches (local_error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  ok = crypto_pwhash_str_verify (hash != NULL ? hash : _crn_db_dummy_hash (self),
                                 password, strlen (password)) == 0;
  if (!ok || account == NULL)
    {
      count_failure (self, login_key, CRN_LOGIN_MAX_FAILURES, now);
      count_failure (self, addr_key, CRN_ADDRESS_MAX_FAILURES, now);
      g_message ("Failed sign-in (account %s)", account != NULL ? "exists" : "unknown");
      wait = MAX (locked_for (self, login_key, now), locked_for (self, addr_key, now));
      if (wait > 0)
        {
          if (retry_after != NULL)
            *retry_after = wait;
          set_locked_error (error, wait);
        }
      else
        g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN,
                     _("Wrong login or password. Check them and try again."));
      return NULL;
    }

  g_hash_table_remove (_crn_db_failures (self), login_key);
  return g_steal_pointer (&account);
}

/* Tokens ----------------------------------------------------------------------------- */

enum { TOKEN_ACCESS = 0, TOKEN_REFRESH = 1 };

static char *
token_new (void)
{
  guchar bytes[32];
  char text[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup (text);
}

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
insert_token (CrnServerDb  *self,
              const char   *hash,
              int           kind,
              gint64        account_id,
              gint64        expires_at,
              const char   *family,
              const char   *sibling,
              GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self,
                                        "INSERT INTO tokens (hash, kind, account_id, expires_at,"
                                        " family, sibling) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                        error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, account_id);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  sqlite3_bind_text (stmt, 5, family, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, sibling, -1, SQLITE_TRANSIENT);
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Issues an access token and a refresh token in @family (a new family when %NULL: a
 * sign-in); @refresh_hash receives the new refresh token's hash. */
static gboolean
issue_pair (CrnServerDb  *self,
            gint64        account_id,
            const char   *family,
            char        **access_token,
            char        **refresh_token,
            char        **refresh_hash,
            GError      **error)
{
  g_autofree char *access = token_new ();
  g_autofree char *refresh = token_new ();
  g_autofree char *access_hash = token_hash (access);
  g_autofree char *new_hash = token_hash (refresh);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;

  /* Forget expired tokens as we go. */
  stmt = _crn_db_prepare (self, "DELETE FROM tokens WHERE expires_at < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (family == NULL)
    family = new_hash;
  if (!insert_token (self, access_hash, TOKEN_ACCESS, account_id,
                     now + CRN_ACCESS_TOKEN_SECONDS, family, new_hash, error) ||
      !insert_token (self, new_hash, TOKEN_REFRESH, account_id,
                     now + CRN_REFRESH_TOKEN_SECONDS, family, NULL, error))
    return FALSE;
  *access_token = g_steal_pointer (&access);
  *refresh_token = g_steal_pointer (&refresh);
  if (refresh_hash != NULL)
    *refresh_hash = g_steal_pointer (&new_hash);
  return TRUE;
}

gboolean
crn_server_db_issue_tokens (CrnServerDb  *self,
                            gint64        account_id,
                            char        **access_token,
                            char        **refresh_token,
                            GError      **error)
{
  if (!_crn_db_begin (self, error))
    return FALSE;
  if (!issue_pair (self, account_id, NULL, access_token, refresh_token, NULL, error) ||
      !_crn_db_commit (self, error))
    {
      _crn_db_rollback (self);
      return FALSE;
    }
  return TRUE;
}

static gint64
lookup_token (CrnServerDb *self,
              const char  *token,
              int          kind)
{
  g_autofree char *hash = token_hash (token);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;
  gint64 account_id = 0;

  stmt = _crn_db_prepare_cached (self,
                                 "SELECT account_id FROM tokens"
                                 " WHERE hash = ?1 AND kind = ?2 AND expires_at > ?3 AND revoked = 0",
                                 NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, now);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    account_id = sqlite3_column_int64 (stmt, 0);
  _crn_db_release (self, stmt);
  return account_id;
}

static gboolean
exec_with_hash (CrnServerDb  *self,
                const char   *sql,
                const char   *hash,
                const char   *hash2,
                GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self, sql, error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  if (hash2 != NULL)
    sqlite3_bind_text (stmt, 2, hash2, -1, SQLITE_TRANSIENT);
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/*
 * Rotation of the single-use refresh token, as the OAuth 2.0 Security BCP (RFC 9700,
 * section 4.14.2) describes, with a grace for a lost answer:
 *
 * - a refresh token is used once: the answer carries its successor (a new access token and
 *   a new refresh token), and the used token is kept (its successor's hash noted) until it
 *   expires;
 * - the answer can be lost (a crash of the app before the keyring holds the successor, a
 *   broken connection): a used token presented again while its successor has never been
 *   used itself is taken again; the successor pair it gave is revoked and a new one issued;
 * - a used token presented after its successor was used, or a revoked one, is a reuse
 *   (a copy of the token in other hands, or the app's copy after it): every token of the
 *   family (all the tokens descending from the same sign-in, access tokens included) is
 *   revoked and the user signs in again.
 */
gint64
crn_server_db_refresh_tokens (CrnServerDb  *self,
                              const char   *refresh_token,
                              char        **access_token,
                              char        **new_refresh_token,
                              GError      **error)
{
  g_autofree char *hash = token_hash (refresh_token);
  g_autofree char *family = NULL;
  g_autofree char *successor = NULL;
  g_autofree char *new_hash = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 account_id = 0;
  gboolean revoked = FALSE;
  gboolean reuse = FALSE;
  sqlite3_stmt *stmt;

  if (!_crn_db_begin (self, error))
    return 0;
  stmt = _crn_db_prepare (self,
                          "SELECT account_id, coalesce (family, hash), successor, revoked"
                          " FROM tokens WHERE hash = ?1 AND kind = ?2 AND expires_at > ?3",
                          error);
  if (stmt == NULL)
    {
      _crn_db_rollback (self);
      return 0;
    }
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, TOKEN_REFRESH);
  sqlite3_bind_int64 (stmt, 3, now);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      account_id = sqlite3_column_int64 (stmt, 0);
      family = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      successor = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      revoked = sqlite3_column_int (stmt, 3) != 0;
    }
  sqlite3_finalize (stmt);

  if (account_id == 0)
    goto refused;

  if (revoked)
    reuse = TRUE;
  else if (successor != NULL)
    {
      /* Used before: taken again only if its successor was never used (nor revoked). */
      stmt = _crn_db_prepare (self,
                              "SELECT count(*) FROM tokens WHERE hash = ?1 AND kind = ?2"
                              " AND successor IS NULL AND revoked = 0 AND expires_at > ?3",
                              error);
      if (stmt == NULL)
        {
          _crn_db_rollback (self);
          return 0;
        }
      sqlite3_bind_text (stmt, 1, successor, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, TOKEN_REFRESH);
      sqlite3_bind_int64 (stmt, 3, now);
      reuse = sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int (stmt, 0) == 0;
      sqlite3_finalize (stmt);

      if (!reuse &&
          (!exec_with_hash (self, "UPDATE tokens SET revoked = 1 WHERE hash = ?1", successor,
                            NULL, error) ||
           !exec_with_hash (self, "DELETE FROM tokens WHERE sibling = ?1", successor, NULL,
                            error)))
        {
          _crn_db_rollback (self);
          return 0;
        }
      if (!reuse)
        g_message ("Refresh token of account %" G_GINT64_FORMAT " presented again before its "
                   "successor was used (a lost answer): successor revoked, new pair issued",
                   account_id);
    }

  if (reuse)
    {
      /* Revoke the whole family, and say no. */
      g_message ("Refresh token of account %" G_GINT64_FORMAT " reused after its successor "
                 "was used: every token of that session revoked", account_id);
      if (!exec_with_hash (self, "DELETE FROM tokens WHERE family = ?1 OR hash = ?1", family,
                           NULL, error) ||
          !_crn_db_commit (self, error))
        {
          _crn_db_rollback (self);
          return 0;
        }
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN,
                   _("Your session has expired or was already renewed. Sign in again."));
      return 0;
    }

  if (!issue_pair (self, account_id, family, access_token, new_refresh_token, &new_hash,
                   error) ||
      !exec_with_hash (self, "UPDATE tokens SET successor = ?2 WHERE hash = ?1", hash,
                       new_hash, error) ||
      !_crn_db_commit (self, error))
    {
      _crn_db_rollback (self);
      g_clear_pointer (access_token, g_free);
      g_clear_pointer (new_refresh_token, g_free);
      return 0;
    }
  return account_id;

refused:
  _crn_db_rollback (self);
  g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN,
               _("Your session has expired or was already renewed. Sign in again."));
  return 0;
}

CrnServerAccount *
crn_server_db_account_for_token (CrnServerDb  *self,
                                 const char   *access_token,
                                 GError      **error)
{
  gint64 account_id = lookup_token (self, access_token, TOKEN_ACCESS);

  if (account_id == 0)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_UNAUTHORIZED,
                   _("Your session has expired or is not valid. Sign in again."));
      return NULL;
    }
  return crn_server_db_get_account (self, account_id, error);
}

