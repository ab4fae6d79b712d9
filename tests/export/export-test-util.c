/* export-test-util.c: helpers shared by the export tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "export-test-util.h"

#include <string.h>

void
export_test_fill_store (const char *path,
                        GPtrArray  *slots,
                        GPtrArray  *bookings)
{
  CrnStoreDb *db = store_test_open (path);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (_crn_store_db_upsert_slots (db, slots, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, slots->len);
  if (bookings != NULL && bookings->len > 0)
    {
      g_assert_true (_crn_store_db_upsert_bookings (db, bookings, &n, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, bookings->len);
    }
  _crn_store_db_close (db);
}

GPtrArray *
export_test_parse_csv (const char *text,
                       char        separator,
                       gboolean   *had_bom)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  *had_bom = g_str_has_prefix (p, "\xEF\xBB\xBF");
  if (*had_bom)
    p += 3;
  g_assert_true (g_utf8_validate (p, -1, NULL));

  while (*p != '\0')
    {
      if (*p == '"')
        {
          /* A quoted field: until the closing quote, "" is one quote. */
          g_assert_cmpuint (field->len, ==, 0);
          p++;
          for (;;)
            {
              g_assert_true (*p != '\0');
              if (p[0] == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p++);
            }
          g_assert_true (*p == separator || *p == '\r');
        }
      else if (*p == separator)
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          p++;
        }
      else if (*p == '\r')
        {
          g_assert_cmpint (p[1], ==, '\n');     /* CRLF line ends only */
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          p += 2;
        }
      else
        {
          g_assert_cmpint (*p, !=, '\n');
          g_string_append_c (field, *p++);
        }
    }
  /* The last line ends with CRLF too. */
  g_assert_cmpuint (row->len, ==, 0);
  g_assert_cmpuint (field->len, ==, 0);
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

icalcomponent *
export_test_parse_ics (const char *text)
{
  icalcomponent *calendar;

  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\r\n"));
  calendar = icalcomponent_new_from_string (text);
  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_isa (calendar), ==, ICAL_VCALENDAR_COMPONENT);
  g_assert_cmpint (icalcomponent_check_restrictions (calendar), ==, 1);
  return calendar;
}

int
export_test_run (const char * const  *argv,
                 const char          *data_home,
                 const char          *language,
                 char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  if (language != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
      g_subprocess_launcher_setenv (launcher, "CRN_LOCALEDIR", CRN_TEST_LOCALEDIR, TRUE);
    }
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

void
export_test_figures (CrnFigures  *figures,
                     GPtrArray   *slots,
                     GPtrArray   *bookings,
                     const GDate *from,
                     const GDate *to)
{
  crn_figures_compute (figures, slots, bookings, NULL, crn_time_from_local (from, 0),
                       crn_time_from_local (to, 0));
}
