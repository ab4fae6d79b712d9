/* test-crash-app.c: SIGKILL of an app (store + sync) at random points of its store writes
 * and syncs, against the real creneaux-server
 *
 * crash-app-driver saves extra-patient bookings one after another and syncs without pause.
 * Each trial starts it (signing in the first time, resuming the session after), lets it
 * work for a random 50–800 ms and kills it with SIGKILL; the app's SQLite file must pass
 * PRAGMA integrity_check after every kill. At the end the driver runs once more to finish
 * the sync, and every change it printed as saved must be on the server exactly once. A kill
 * between the server's rotation of the refresh token and the keyring's copy of the new one
 * must not end the session (the server takes the previous token again while its successor
 * was never used): should it end, the driver signs in again with the password, as the app
 * asks its user to, the count is reported and the test fails.
 *
 *   test-crash-app [--trials N] [--seed S]     (default 5 trials; the seed is printed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "rel-util.h"

static guint trials = 5;
static guint64 seed;

typedef struct
{
  GPtrArray *saved;
  guint      signed_in_again;
  gboolean   ready;
  gboolean   eof;
  char      *done;
  GDataInputStream *out;
} Reader;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Reader *reader = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);

  if (line == NULL)
    {
      reader->eof = TRUE;
      return;
    }
  if (g_str_has_prefix (line, "SAVED "))
    g_ptr_array_add (reader->saved, g_strdup (line + 6));
  else if (g_str_equal (line, "SIGNED-IN-AGAIN"))
    reader->signed_in_again++;
  else if (g_str_equal (line, "READY"))
    reader->ready = TRUE;
  else if (g_str_has_prefix (line, "DONE "))
    reader->done = g_strdup (line + 5);
  g_data_input_stream_read_line_async (reader->out, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       reader);
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_driver (CrnTestServer *server,
            const char    *store_path,
            const char    *mode,
            guint          kill_after_ms,
            GPtrArray     *saved,
            guint         *signed_in_again,
            char         **done)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) driver = NULL;
  Reader reader = { 0 };
  gboolean timeout = FALSE;

  driver = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             g_getenv ("CRN_CRASH_APP_DRIVER"), store_path, server->base,
                             g_getenv ("CRN_TEST_TLS_CERT"), "dr.morel",
                             (char *) g_hash_table_lookup (server->passwords, "dr.morel"),
                             mode, NULL);
  g_assert_no_error (error);
  reader.saved = saved;
  reader.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (driver));
  g_data_input_stream_read_line_async (reader.out, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       &reader);
  if (kill_after_ms > 0)
    {
      while (!reader.ready && !reader.eof)
        g_main_context_iteration (NULL, TRUE);
      g_assert_false (reader.eof);
      g_timeout_add (kill_after_ms, flag_cb, &timeout);
      while (!timeout)
        g_main_context_iteration (NULL, TRUE);
      g_subprocess_send_signal (driver, SIGKILL);
    }
  g_subprocess_wait (driver, NULL, &error);
  g_assert_no_error (error);
  while (!reader.eof)
    g_main_context_iteration (NULL, TRUE);
  if (kill_after_ms == 0)
    g_assert_true (g_subprocess_get_if_exited (driver) && g_subprocess_get_exit_status (driver) == 0);
  *signed_in_again += reader.signed_in_again;
  if (done != NULL)
    *done = reader.done;
  else
    g_free (reader.done);
  g_object_unref (reader.out);
}

static char *
integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_kill_app (void)
{
  CrnTestServer *server = crn_test_server_start (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-crash-app-XXXXXX", &error);
  g_autofree char *store_path = g_build_filename (dir, "creneaux.db", NULL);
  g_autofree char *done = NULL;
  guint landed = 0;
  guint signed_in_again = 0;

  g_assert_no_error (error);
  for (guint t = 0; t < trials; t++)
    {
      guint before = saved->len;
      guint delay = g_rand_int_range (rand, 50, 800);
      g_autofree char *check = NULL;

      guint again_before = signed_in_again;

      run_driver (server, store_path, t == 0 ? "sign-in" : "resume", delay, saved,
                  &signed_in_again, NULL);
      check = integrity (store_path);
      g_assert_cmpstr (check, ==, "ok");
      g_test_message ("trial %u: killed after %u ms, %u changes saved%s", t, delay,
                      saved->len - before,
                      signed_in_again > again_before ? " (signed in again first)" : "");
    }
  run_driver (server, store_path, "finish", 0, saved, &signed_in_again, &done);
  g_assert_cmpstr (done, ==, "0");
  for (guint i = 0; i < saved->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE reason = "
                                              "'crash %s'",
                                              (char *) g_ptr_array_index (saved, i));
      gint64 n = rel_db_count (server, sql);

      if (n != 1)
        g_error ("change %s saved by the app is %" G_GINT64_FORMAT " times on the server",
                 (char *) g_ptr_array_index (saved, i), n);
      landed++;
    }
  /* Nothing twice; nothing the app did not save. A kill between the store's commit and
   * the driver's "SAVED" line leaves a change saved but not printed: at most one per kill,
   * and it must be in the app's file. */
  g_assert_cmpint (rel_db_count (server, "SELECT count(*) FROM (SELECT reason FROM bookings "
                                         "WHERE reason LIKE 'crash %' GROUP BY reason "
                                         "HAVING count(*) > 1)"), ==, 0);
  {
    gint64 on_server = rel_db_count (server, "SELECT count(*) FROM bookings WHERE reason LIKE "
                                             "'crash %'");
    sqlite3 *app_db = NULL;
    sqlite3_stmt *stmt = NULL;
    g_autofree char *server_db = g_build_filename (server->db_dir, "creneaux-server.db", NULL);
    g_autofree char *attach = g_strdup_printf ("ATTACH DATABASE '%s' AS srv", server_db);

    g_assert_cmpint (on_server, >=, saved->len);
    g_assert_cmpint (on_server, <=, saved->len + trials);
    g_assert_cmpint (sqlite3_open_v2 (store_path, &app_db, SQLITE_OPEN_READONLY, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (app_db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (app_db, "SELECT count(*) FROM srv.bookings s WHERE "
                                         "s.reason LIKE 'crash %' AND s.id NOT IN "
                                         "(SELECT id FROM main.bookings)", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (app_db);
  }
  {
    const char *p;
    guint replays = 0;

    /* The server logs each refresh token taken again after a lost answer. */
    crn_test_server_drain_stderr (server);
    for (p = server->stderr_text->str; (p = strstr (p, "before its successor was used")) != NULL;
         p++)
      replays++;
    g_test_message ("%u kills (seed %" G_GUINT64_FORMAT "): integrity_check ok after each, %u "
                    "saved changes each on the server exactly once; %u refresh tokens taken "
                    "again after a rotation whose answer was lost; the session ended %u times "
                    "and the app signed in again", trials, seed, landed, replays,
                    signed_in_again);
  }
  /* The server takes a refresh token again while its successor was never presented, and the
   * app presents a token only once the keyring holds it: a kill never ends the session. */
  g_assert_cmpuint (signed_in_again, ==, 0);
  crn_test_server_free (server);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);

        g_unlink (child);
      }
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  seed = rel_test_init (&argc, &argv, "trials", "Kills (default 5)", &trials);
  g_test_add_func ("/reliability/crash/app-kill", test_kill_app);
  return g_test_run ();
}
