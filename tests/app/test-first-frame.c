/* test-first-frame.c: `creneaux --exit-after-first-frame` paints a frame, reports it and exits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

static const char *creneaux_path;

static void
run_and_check (const char * const *extra_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("^first-frame-ms: [0-9]+\\.[0-9]\n$", G_REGEX_MULTILINE, 0, NULL);

  g_ptr_array_add (argv, (gpointer) creneaux_path);
  g_ptr_array_add (argv, (gpointer) "--exit-after-first-frame");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_test_message ("stdout: %s", out);
  if (err != NULL && *err != '\0')
    g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_true (g_regex_match (regex, out, 0, NULL));
}

static void
test_first_frame_empty (void)
{
  run_and_check (NULL);
}

static void
test_first_frame_demo (void)
{
  const char * const args[] = { "--demo-local", NULL };

  run_and_check (args);
}

/* The benchmark's way in: a given agenda file (here a new one in a throw-away folder). */
static void
test_first_frame_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crn-first-frame-XXXXXX", &error);
  g_autofree char *path = NULL;
  const char *args[] = { "--store", NULL, NULL };

  g_assert_no_error (error);
  path = g_build_filename (dir, "creneaux.db", NULL);
  args[1] = path;
  run_and_check (args);

  /* Whatever the app created there is removed with the folder. */
  for (const char *suffix = ""; suffix != NULL;
       suffix = *suffix == '\0' ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);
      g_remove (file);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-CRENEAUX\n", argv[0]);
      return 1;
    }
  creneaux_path = argv[1];

  g_test_add_func ("/app/first-frame/empty", test_first_frame_empty);
  g_test_add_func ("/app/first-frame/demo-local", test_first_frame_demo);
  g_test_add_func ("/app/first-frame/store", test_first_frame_store);

  return g_test_run ();
}
