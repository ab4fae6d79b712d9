/* fuzz-replay.c: runs a fuzz target over saved inputs (its corpus and its crashes)
 *
 * Linked with each target in the normal build, so that the test suite (and its ASan/UBSan
 * run) replays every committed input. Usage: fuzz-<target> CORPUS-DIR [CRASH-DIR…] or
 * files. The first argument must hold at least one input; later folders may be missing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "Could not read %s: %s\n", path, error->message);
      return FALSE;
    }
  printf ("replay %s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
  fflush (stdout);
  /* A copy of exactly @length bytes, so that ASan sees reads past the end. */
  {
    g_autofree uint8_t *copy = g_memdup2 (contents, length);

    LLVMFuzzerTestOneInput (copy, length);
  }
  return TRUE;
}

/* Returns the number of inputs replayed, or -1 on a read error. */
static int
replay_path (const char *path,
             gboolean    required)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int n = 0;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return replay_file (path) ? 1 : -1;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (required)
        fprintf (stderr, "%s is not a folder of inputs\n", path);
      return required ? -1 : 0;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return -1;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      if (!replay_file (g_ptr_array_index (names, i)))
        return -1;
      n++;
    }
  return n;
}

int
main (int    argc,
      char **argv)
{
  int total = 0;

  if (argc < 2)
    {
      fprintf (stderr, "Usage: %s CORPUS-DIR [MORE-DIRS-OR-FILES…]\n", argv[0]);
      return 2;
    }
  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      int n = replay_path (argv[i], i == 1);

      if (n < 0)
        return 1;
      if (i == 1 && n == 0)
        {
          fprintf (stderr, "%s holds no input: nothing would be tested\n", argv[i]);
          return 1;
        }
      total += n;
    }
  printf ("%d inputs replayed without a finding\n", total);
  return 0;
}
