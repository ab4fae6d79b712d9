/* test-server-auth.c: OAuth token grant, refresh rotation, bearer checks, sign-in lock-out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "crn-test-server.h"

static CrnTestServer *server;

static char *
password_form (const char *login,
               const char *password)
{
  g_autofree char *u = g_uri_escape_string (login, NULL, FALSE);
  g_autofree char *p = g_uri_escape_string (password, NULL, FALSE);

  return g_strdup_printf ("grant_type=password&username=%s&password=%s", u, p);
}

static void
test_password_grant (void)
{
  const char *login = crn_test_server_login_for (server, "regulator");
  const char *password = g_hash_table_lookup (server->passwords, login);
  g_autofree char *form = password_form (login, password);
  g_autoptr(CrnTestResponse) r = crn_test_form (server, "/oauth/token", form);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (crn_test_json_string (r->json, "token_type"), ==, "Bearer");
  g_assert_cmpint (crn_test_json_int (r->json, "expires_in"), ==, 3600);
  g_assert_cmpuint (strlen (crn_test_json_string (r->json, "access_token")), >=, 32);
  g_assert_cmpuint (strlen (crn_test_json_string (r->json, "refresh_token")), >=, 32);
  g_assert_cmpstr (crn_test_json_string (r->json, "access_token"), !=,
                   crn_test_json_string (r->json, "refresh_token"));
  g_assert_cmpstr (crn_test_json_string (r->json, "role"), ==, "regulator");
}

static void
test_bad_requests (void)
{
  g_autoptr(CrnTestResponse) r1 = crn_test_form (server, "/oauth/token",
                                                 "grant_type=client_credentials");
  g_autoptr(CrnTestResponse) r2 = crn_test_form (server, "/oauth/token", "username=x");
  g_autoptr(CrnTestResponse) r3 = crn_test_request (server, "GET", "/oauth/token", NULL, NULL,
                                                    NULL);
  g_autoptr(CrnTestResponse) r4 = crn_test_request (server, "POST", "/oauth/token", NULL,
                                                    "{\"grant_type\":\"password\"}", NULL);

  g_assert_cmpuint (r1->status, ==, 400);
  g_assert_cmpstr (crn_test_json_string (r1->json, "error"), ==, "unsupported_grant_type");
  g_assert_cmpuint (r2->status, ==, 400);
  g_assert_cmpstr (crn_test_json_string (r2->json, "error"), ==, "invalid_request");
  g_assert_cmpuint (r3->status, ==, 405);
  g_assert_cmpuint (r4->status, ==, 400);
}

static void
test_refresh_rotates (void)
{
  g_autofree char *refresh = NULL;
  g_autofree char *access = crn_test_server_token (server,
                                                   crn_test_server_login_for (server, "pharmacy"),
                                                   &refresh);
  g_autofree char *form = g_strdup_printf ("grant_type=refresh_token&refresh_token=%s", refresh);
  g_autoptr(CrnTestResponse) first = crn_test_form (server, "/oauth/token", form);
  g_autoptr(CrnTestResponse) again = crn_test_form (server, "/oauth/token", form);
  g_autoptr(CrnTestResponse) with_new = NULL;
  g_autoptr(CrnTestResponse) fhir_old = NULL;
  g_autofree char *new_form = NULL;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (first->json, "refresh_token"), !=, refresh);
  g_assert_cmpstr (crn_test_json_string (first->json, "access_token"), !=, access);
  /* Presented again before its successor was used: taken again (the answer may have been
   * lost), with a new pair. */
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (again->json, "refresh_token"), !=,
                   crn_test_json_string (first->json, "refresh_token"));

  new_form = g_strdup_printf ("grant_type=refresh_token&refresh_token=%s",
                              crn_test_json_string (again->json, "refresh_token"));
  with_new = crn_test_form (server, "/oauth/token", new_form);
  g_assert_cmpuint (with_new->status, ==, 200);

  /* The first access token stays valid until it expires. */
  fhir_old = crn_test_request (server, "GET", "/fhir/Practitioner", access, NULL, NULL);
  g_assert_cmpuint (fhir_old->status, ==, 200);
}

static char *
refresh_form (const char *refresh)
{
  return g_strdup_printf ("grant_type=refresh_token&refresh_token=%s", refresh);
}

static CrnTestResponse *
refresh_with (const char *refresh)
{
  g_autofree char *form = refresh_form (refresh);

  return crn_test_form (server, "/oauth/token", form);
}

static guint
fhir_status (const char *access)
{
  g_autoptr(CrnTestResponse) r = crn_test_request (server, "GET", "/fhir/Practitioner", access,
                                                   NULL, NULL);

  return r->status;
}

static void
assert_refused (CrnTestResponse *r)
{
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (crn_test_json_string (r->json, "error"), ==, "invalid_grant");
  g_assert_nonnull (crn_test_json_string (r->json, "error_description"));
}

/* Runs @sql on the server's database file (a second connection, as an operator's sqlite3
 * would), with ?1 bound to the SHA-256 of @token (the server keeps only that). */
static void
db_exec_for_token (const char *sql,
                   const char *token)
{
  g_autofree char *path = g_build_filename (server->db_dir, "creneaux-server.db", NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* The app sends its refresh token, the server rotates it, and the answer never reaches the
 * keyring (the app is killed, the connection breaks): the app presents the same token
 * again at its next start. */
static void
test_refresh_lost_answer (void)
{
  g_autofree char *refresh = NULL;
  g_autofree char *access = crn_test_server_token (server,
                                                   crn_test_server_login_for (server, "secretary"),
                                                   &refresh);
  g_autoptr(CrnTestResponse) lost = refresh_with (refresh);
  g_autoptr(CrnTestResponse) replay = NULL;
  g_autoptr(CrnTestResponse) replay2 = NULL;
  g_autoptr(CrnTestResponse) next = NULL;
  g_autoptr(CrnTestResponse) next2 = NULL;
  const char *lost_access, *replay_refresh;

  g_assert_cmpuint (lost->status, ==, 200);
  lost_access = crn_test_json_string (lost->json, "access_token");
  g_assert_cmpuint (fhir_status (lost_access), ==, 200);

  replay = refresh_with (refresh);
  g_assert_cmpuint (replay->status, ==, 200);
  replay_refresh = crn_test_json_string (replay->json, "refresh_token");
  g_assert_cmpstr (replay_refresh, !=, crn_test_json_string (lost->json, "refresh_token"));
  g_assert_cmpstr (crn_test_json_string (replay->json, "role"), ==, "secretary");
  g_assert_cmpuint (fhir_status (crn_test_json_string (replay->json, "access_token")), ==, 200);
  /* The pair of the lost answer is revoked: only one live successor. */
  g_assert_cmpuint (fhir_status (lost_access), ==, 401);

  /* Lost twice in a row: still taken. */
  replay2 = refresh_with (refresh);
  g_assert_cmpuint (replay2->status, ==, 200);
  g_assert_cmpuint (fhir_status (crn_test_json_string (replay->json, "access_token")), ==, 401);

  /* The session goes on from the last answer, and the chain rotates as before. */
  next = refresh_with (crn_test_json_string (replay2->json, "refresh_token"));
  g_assert_cmpuint (next->status, ==, 200);
  next2 = refresh_with (crn_test_json_string (next->json, "refresh_token"));
  g_assert_cmpuint (next2->status, ==, 200);
  g_assert_cmpuint (fhir_status (crn_test_json_string (next2->json, "access_token")), ==, 200);
  /* The sign-in's access token lives on until it expires. */
  g_assert_cmpuint (fhir_status (access), ==, 200);
}

/* A refresh token presented again after its successor was used is a copy in other hands
 * (or the app's copy after the thief's): the whole session is revoked. */
static void
test_refresh_reuse_revokes_family (void)
{
  const char *login = crn_test_server_login_for (server, "regulator");
  g_autofree char *refresh = NULL;
  g_autofree char *other_refresh = NULL;
  g_autofree char *access = crn_test_server_token (server, login, &refresh);
  g_autofree char *other_access = crn_test_server_token (server, login, &other_refresh);
  g_autoptr(CrnTestResponse) second = refresh_with (refresh);
  g_autoptr(CrnTestResponse) third = NULL;
  g_autoptr(CrnTestResponse) reuse = NULL;
  g_autoptr(CrnTestResponse) successor = NULL;
  g_autoptr(CrnTestResponse) before = NULL;
  g_autoptr(CrnTestResponse) other = NULL;

  g_assert_cmpuint (second->status, ==, 200);
  third = refresh_with (crn_test_json_string (second->json, "refresh_token"));
  g_assert_cmpuint (third->status, ==, 200);
  g_assert_cmpuint (fhir_status (crn_test_json_string (third->json, "access_token")), ==, 200);

  /* The first token again: its successor was used. */
  reuse = refresh_with (refresh);
  assert_refused (reuse);
  /* Every token of that sign-in is gone: the successors and the access tokens. */
  successor = refresh_with (crn_test_json_string (third->json, "refresh_token"));
  assert_refused (successor);
  before = refresh_with (crn_test_json_string (second->json, "refresh_token"));
  assert_refused (before);
  g_assert_cmpuint (fhir_status (crn_test_json_string (third->json, "access_token")), ==, 401);
  g_assert_cmpuint (fhir_status (crn_test_json_string (second->json, "access_token")), ==, 401);
  g_assert_cmpuint (fhir_status (access), ==, 401);
  crn_test_server_drain_stderr (server);
  g_assert_true (strstr (server->stderr_text->str, "reused after its successor") != NULL);

  /* Another sign-in of the same account is another session, untouched. */
  g_assert_cmpuint (fhir_status (other_access), ==, 200);
  other = refresh_with (other_refresh);
  g_assert_cmpuint (other->status, ==, 200);
}

/* After a replay, the pair of the lost answer may turn up (it was not lost, but copied):
 * presenting its refresh token revokes the session too. */
static void
test_refresh_replaced_successor_revokes_family (void)
{
  g_autofree char *refresh = NULL;
  g_autofree char *access = crn_test_server_token (server,
                                                   crn_test_server_login_for (server, "coordinator"),
                                                   &refresh);
  g_autoptr(CrnTestResponse) lost = refresh_with (refresh);
  g_autoptr(CrnTestResponse) replay = NULL;
  g_autoptr(CrnTestResponse) stale = NULL;
  g_autoptr(CrnTestResponse) after = NULL;

  g_assert_cmpuint (lost->status, ==, 200);
  replay = refresh_with (refresh);
  g_assert_cmpuint (replay->status, ==, 200);
  stale = refresh_with (crn_test_json_string (lost->json, "refresh_token"));
  assert_refused (stale);
  after = refresh_with (crn_test_json_string (replay->json, "refresh_token"));
  assert_refused (after);
  g_assert_cmpuint (fhir_status (crn_test_json_string (replay->json, "access_token")), ==, 401);
  g_assert_cmpuint (fhir_status (access), ==, 401);
}

/* Expired tokens are refused, the grace for a lost answer included. */
static void
test_refresh_expired (void)
{
  const char *login = crn_test_server_login_for (server, "pharmacy");
  g_autofree char *refresh = NULL;
  g_autofree char *access = crn_test_server_token (server, login, &refresh);
  g_autofree char *used = NULL;
  g_autofree char *used_access = crn_test_server_token (server, login, &used);
  g_autoptr(CrnTestResponse) expired = NULL;
  g_autoptr(CrnTestResponse) rotated = refresh_with (used);
  g_autoptr(CrnTestResponse) replay = NULL;

  db_exec_for_token ("UPDATE tokens SET expires_at = 1000 WHERE hash = ?1", refresh);
  expired = refresh_with (refresh);
  assert_refused (expired);
  db_exec_for_token ("UPDATE tokens SET expires_at = 1000 WHERE hash = ?1", access);
  g_assert_cmpuint (fhir_status (access), ==, 401);

  /* A used token whose answer was lost, expired meanwhile. */
  g_assert_cmpuint (rotated->status, ==, 200);
  db_exec_for_token ("UPDATE tokens SET expires_at = 1000 WHERE hash = ?1", used);
  replay = refresh_with (used);
  assert_refused (replay);
  /* Its successor is not touched by that refusal. */
  g_assert_cmpuint (fhir_status (crn_test_json_string (rotated->json, "access_token")), ==, 200);
  g_assert_cmpuint (fhir_status (used_access), ==, 200);
}

static void
test_bearer_required (void)
{
  g_autoptr(CrnTestResponse) none = crn_test_request (server, "GET", "/fhir/Slot", NULL, NULL,
                                                      NULL);
  g_autoptr(CrnTestResponse) bad = crn_test_request (server, "GET", "/fhir/Slot",
                                                     "not-a-token", NULL, NULL);
  g_autoptr(CrnTestResponse) basic = crn_test_request (server, "GET", "/fhir/Slot", NULL, NULL,
                                                       "Authorization", "Basic eDp5", NULL);
  g_autoptr(CrnTestResponse) metadata = crn_test_request (server, "GET", "/fhir/metadata", NULL,
                                                          NULL, NULL);

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_nonnull (soup_message_headers_get_one (none->headers, "WWW-Authenticate"));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (none->headers,
                                                                 "WWW-Authenticate"), "Bearer"));
  g_assert_cmpstr (crn_test_outcome_code (none), ==, "login");
  g_assert_nonnull (crn_test_outcome_text (none));
  g_assert_cmpuint (bad->status, ==, 401);
  g_assert_cmpuint (basic->status, ==, 401);
  /* The capability statement is public. */
  g_assert_cmpuint (metadata->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (metadata->json, "resourceType"), ==,
                   "CapabilityStatement");
}

static void
test_lockout (void)
{
  const char *login = crn_test_server_login_for (server, "coordinator");
  const char *password = g_hash_table_lookup (server->passwords, login);
  g_autofree char *good = password_form (login, password);
  g_autofree char *wrong = password_form (login, "wrong-password-123");
  g_autoptr(CrnTestResponse) locked = NULL;
  g_autoptr(CrnTestResponse) locked_good = NULL;
  g_autoptr(CrnTestResponse) other = NULL;
  g_autofree char *sec_form = NULL;
  const char *sec_login;
  const char *retry;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(CrnTestResponse) r = crn_test_form (server, "/oauth/token", wrong);

      g_assert_cmpuint (r->status, ==, 400);
      g_assert_cmpstr (crn_test_json_string (r->json, "error"), ==, "invalid_grant");
    }
  /* The fifth failure locks the login out. */
  locked = crn_test_form (server, "/oauth/token", wrong);
  g_assert_cmpuint (locked->status, ==, 429);
  retry = soup_message_headers_get_one (locked->headers, "Retry-After");
  g_assert_nonnull (retry);
  g_assert_cmpint (g_ascii_strtoll (retry, NULL, 10), >, 60);
  g_assert_nonnull (crn_test_json_string (locked->json, "error_description"));

  /* Even the right password is refused while locked out. */
  locked_good = crn_test_form (server, "/oauth/token", good);
  g_assert_cmpuint (locked_good->status, ==, 429);

  /* Another login from the same address still works (below the address threshold). */
  sec_login = crn_test_server_login_for (server, "secretary");
  sec_form = password_form (sec_login, g_hash_table_lookup (server->passwords, sec_login));
  other = crn_test_form (server, "/oauth/token", sec_form);
  g_assert_cmpuint (other->status, ==, 200);
}

static void
test_no_secrets_in_logs (void)
{
  GHashTableIter iter;
  gpointer password;

  crn_test_server_drain_stderr (server);
  g_assert_cmpuint (server->stderr_text->len, >, 0);   /* G_MESSAGES_DEBUG=all: it logs */
  g_hash_table_iter_init (&iter, server->passwords);
  while (g_hash_table_iter_next (&iter, NULL, &password))
    g_assert_null (strstr (server->stderr_text->str, password));
  g_assert_null (strstr (server->stderr_text->str, "wrong-password-123"));
  g_assert_null (strstr (server->stderr_text->str, "Bearer "));
}

/* The server answers in French: its messages are written in English and translated through
 * the gettext catalogue it binds at start (CRN_LOCALEDIR, else the installed one). This
 * checks the mechanism with a one-message catalogue, whatever po/fr.po holds today. */
static void
test_answers_in_french (void)
{
  static const char po[] =
    "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
    "msgid \"Sign in first: this request needs a bearer access token.\"\n"
    "msgstr \"Connectez-vous d’abord : cette requête demande un jeton d’accès.\"\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-l10n-XXXXXX", &error);
  g_autofree char *po_path = g_build_filename (dir, "fr.po", NULL);
  g_autofree char *mo_dir = g_build_filename (dir, "fr", "LC_MESSAGES", NULL);
  g_autofree char *mo_path = g_build_filename (mo_dir, GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *old = g_strdup (g_getenv ("CRN_LOCALEDIR"));
  g_autoptr(GSubprocess) msgfmt = NULL;
  g_autoptr(CrnTestResponse) r = NULL;
  CrnTestServer *french;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (po_path, po, -1, &error));
  g_assert_cmpint (g_mkdir_with_parents (mo_dir, 0700), ==, 0);
  msgfmt = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "msgfmt", "-o", mo_path, po_path,
                             NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (msgfmt, NULL, &error));

  g_setenv ("CRN_LOCALEDIR", dir, TRUE);
  french = crn_test_server_start (NULL);
  if (old != NULL)
    g_setenv ("CRN_LOCALEDIR", old, TRUE);
  else
    g_unsetenv ("CRN_LOCALEDIR");

  r = crn_test_request (french, "GET", "/fhir/Slot", NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (crn_test_outcome_text (r), ==,
                   "Connectez-vous d’abord : cette requête demande un jeton d’accès.");
  crn_test_server_free (french);

  g_unlink (mo_path);
  g_unlink (po_path);
  g_rmdir (mo_dir);
  {
    g_autofree char *fr = g_build_filename (dir, "fr", NULL);

    g_rmdir (fr);
  }
  g_rmdir (dir);
}

/* Runs last on the shared server: it locks 127.0.0.1 out. */
static void
test_lockout_per_address (void)
{
  const char *login = crn_test_server_login_for (server, "pharmacy");
  g_autofree char *good = password_form (login, g_hash_table_lookup (server->passwords, login));
  g_autoptr(CrnTestResponse) locked = NULL;
  guint failures = 0;

  /* Failures spread over many logins (none reaches its own limit) still add up per address;
   * the coordinator's 5 earlier failures count too. */
  for (guint i = 0; i < 40 && failures < 40; i++)
    {
      g_autofree char *someone = g_strdup_printf ("nobody-%u", i % 10);
      g_autofree char *form = password_form (someone, "wrong-password-123");
      g_autoptr(CrnTestResponse) r = crn_test_form (server, "/oauth/token", form);

      failures++;
      if (r->status == 429)
        break;
      g_assert_cmpuint (r->status, ==, 400);
    }
  g_assert_cmpuint (failures, <=, 20);
  locked = crn_test_form (server, "/oauth/token", good);
  g_assert_cmpuint (locked->status, ==, 429);
  g_assert_nonnull (soup_message_headers_get_one (locked->headers, "Retry-After"));
}

/* Plain HTTP only on loopback; anything else needs TLS. */
static void
test_plain_http_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-plain-XXXXXX", &error);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) p = NULL;

  g_assert_no_error (error);
  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                        g_getenv ("CRN_SERVER_EXE"), "--data-dir", data,
                        "--listen", "0.0.0.0:0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 1);
  g_assert_null (strstr (out, "Listening on"));
  g_assert_nonnull (strstr (err, "--tls-cert"));
  {
    g_autofree char *db = g_build_filename (data, "creneaux-server.db", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db);
    g_rmdir (data);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = crn_test_server_start (NULL);

  g_test_add_func ("/server/auth/password-grant", test_password_grant);
  g_test_add_func ("/server/auth/bad-requests", test_bad_requests);
  g_test_add_func ("/server/auth/refresh-rotates", test_refresh_rotates);
  g_test_add_func ("/server/auth/refresh-lost-answer", test_refresh_lost_answer);
  g_test_add_func ("/server/auth/refresh-reuse-revokes-family",
                   test_refresh_reuse_revokes_family);
  g_test_add_func ("/server/auth/refresh-replaced-successor-revokes-family",
                   test_refresh_replaced_successor_revokes_family);
  g_test_add_func ("/server/auth/refresh-expired", test_refresh_expired);
  g_test_add_func ("/server/auth/bearer-required", test_bearer_required);
  g_test_add_func ("/server/auth/lockout", test_lockout);
  g_test_add_func ("/server/auth/no-secrets-in-logs", test_no_secrets_in_logs);
  g_test_add_func ("/server/auth/lockout-per-address", test_lockout_per_address);
  g_test_add_func ("/server/auth/answers-in-french", test_answers_in_french);
  g_test_add_func ("/server/auth/plain-http-refused", test_plain_http_refused);
  status = g_test_run ();

  crn_test_server_free (server);
  return status;
}
