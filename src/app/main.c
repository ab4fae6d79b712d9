/* main.c: the creneaux executable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Creneaux"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "crn-application.h"

int
main (int   argc,
      char *argv[])
{
  /* Taken first, so that --exit-after-first-frame measures the whole startup. */
  gint64 start_time_us = g_get_monotonic_time ();
  g_autoptr(CrnApplication) app = NULL;

  const char *localedir = g_getenv ("CRN_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* CRN_LOCALEDIR lets an uninstalled build (build-aux/run, the screenshots) find the
   * catalogues it compiled in <build>/po. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = crn_application_new (start_time_us);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
