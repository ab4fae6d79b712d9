/* crn-export-cli.c: the export options of the command line (no window)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   creneaux --export-ics FILE --from YYYY-MM-DD --to YYYY-MM-DD [--with-patients]
 *   creneaux --export-csv FILE --month YYYY-MM [--separator ';']
 *   creneaux --export-pdf FILE --month YYYY-MM
 *
 * They work on this computer's agenda file (the one the app opens, or the hidden --store
 * option's) and never open a window nor contact the server. Days are Europe/Paris days.
 */
#define G_LOG_DOMAIN "CrnExportCli"

#include "config.h"

#include "crn-export-cli.h"

#include <glib/gi18n-lib.h>

#include "crn-export.h"

/**
 * crn_export_cli_add_options:
 * @app: the application
 */
void
crn_export_cli_add_options (GApplication *app)
{
  static const GOptionEntry options[] = {
    { "export-ics", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Export the SNP slots and bookings from --from to --to as iCalendar, then quit"),
      N_("FILE") },
    { "export-csv", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Export the activity of --month per day as CSV, then quit"), N_("FILE") },
    { "export-pdf", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Export the activity of --month with its charts as PDF, then quit"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("First day of the iCalendar export (Europe/Paris)"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Last day of the iCalendar export, included"), N_("YYYY-MM-DD") },
    { "with-patients", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Put the patients’ names, birth dates, phones and reasons in the iCalendar export"),
      NULL },
    { "month", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Month of the CSV or PDF export"), N_("YYYY-MM") },
    { "separator", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("CSV separator: “,” (default) or “;” for French spreadsheets"), N_("SEPARATOR") },
    { NULL }
  };

  g_application_add_main_option_entries (app, options);
}

typedef struct
{
  GMainLoop *loop;
  CrnStore  *store;
  gboolean   ok;
  GError    *error;
} Run;

static void
on_store_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Run *run = user_data;

  run->store = crn_store_new_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->ok = crn_export_save_finish (CRN_STORE (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

/* Opens the local agenda file, exports, waits. */
static gboolean
run_export (const char              *path,
            const CrnExportRequest  *request,
            GFile                   *file,
            GError                 **error)
{
  Run run = { 0 };

  /* An export never creates an agenda file. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_NO_AGENDA,
                   _("There is no agenda on this computer yet (%s). Open Créneaux once first."),
                   path);
      return FALSE;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  crn_store_new_async (path, NULL, on_store_opened_cb, &run);
  g_main_loop_run (run.loop);
  if (run.store != NULL)
    {
      crn_export_save_async (run.store, request, file, NULL, on_saved_cb, &run);
      g_main_loop_run (run.loop);
      g_object_unref (run.store);
    }
  g_main_loop_unref (run.loop);

  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return run.ok;
}

static gboolean
parse_options (GVariantDict      *options,
               CrnExportRequest  *request,
               const char       **target,
               GError           **error)
{
  static const char *const formats[] = { "export-ics", "export-csv", "export-pdf" };
  const char *path = NULL, *text = NULL;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_variant_dict_lookup (options, formats[i], "^&ay", &path))
      {
        crn_export_request_init (request, (CrnExportFormat) i);
        *target = path;
        n++;
      }
  if (n > 1)
    {
      g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                           _("Give one of --export-ics, --export-csv and --export-pdf at a time."));
      return FALSE;
    }
  if (**target == '\0')
    {
      g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                           _("Give the name of the file to write."));
      return FALSE;
    }

  if (request->format == CRN_EXPORT_ICS)
    {
      if (g_variant_dict_contains (options, "month")
          || g_variant_dict_contains (options, "separator"))
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("--export-ics takes --from and --to, "
                                 "not --month or --separator."));
          return FALSE;
        }
      if (!g_variant_dict_lookup (options, "from", "&s", &text)
          || !g_variant_dict_contains (options, "to"))
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("--export-ics needs --from and --to (YYYY-MM-DD)."));
          return FALSE;
        }
      if (!crn_export_parse_date (text, &request->from, error))
        return FALSE;
      g_variant_dict_lookup (options, "to", "&s", &text);
      if (!crn_export_parse_date (text, &request->to, error))
        return FALSE;
      request->with_patients = g_variant_dict_contains (options, "with-patients");
    }
  else
    {
      if (g_variant_dict_contains (options, "from") || g_variant_dict_contains (options, "to")
          || g_variant_dict_contains (options, "with-patients"))
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("--from, --to and --with-patients go with --export-ics only."));
          return FALSE;
        }
      if (!g_variant_dict_lookup (options, "month", "&s", &text))
        {
          g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                               _("This export needs --month (YYYY-MM)."));
          return FALSE;
        }
      if (!crn_export_parse_month (text, &request->month, error))
        return FALSE;
      if (g_variant_dict_lookup (options, "separator", "&s", &text))
        {
          if (request->format != CRN_EXPORT_CSV)
            {
              g_set_error_literal (error, CRN_EXPORT_ERROR, CRN_EXPORT_ERROR_INVALID,
                                   _("--separator goes with --export-csv only."));
              return FALSE;
            }
          if (!crn_export_parse_separator (text, &request->separator, error))
            return FALSE;
        }
    }

  return crn_export_request_validate (request, error);
}

/**
 * crn_export_cli_handle_options:
 * @options: the parsed options
 *
 * Returns: -1 when there is no export to do, else the exit status
 */
int
crn_export_cli_handle_options (GVariantDict *options)
{
  static const char *const export_only[] = {
    "from", "to", "with-patients", "month", "separator",
  };
  CrnExportRequest request;
  const char *target = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;

  if (!g_variant_dict_contains (options, "export-ics")
      && !g_variant_dict_contains (options, "export-csv")
      && !g_variant_dict_contains (options, "export-pdf"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (export_only); i++)
        if (g_variant_dict_contains (options, export_only[i]))
          {
            /* TRANSLATORS: %s is an option such as --month */
            g_printerr (_("--%s goes with --export-ics, --export-csv or --export-pdf."),
                        export_only[i]);
            g_printerr ("\n");
            return 1;
          }
      return -1;
    }

  if (!parse_options (options, &request, &target, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* The app's agenda file, or the one the hidden --store option names. */
  if (!g_variant_dict_lookup (options, "store", "^ay", &store_path))
    store_path = crn_store_get_default_path ();
  file = g_file_new_for_commandline_arg (target);
  if (!run_export (store_path, &request, file, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  {
    g_autofree char *name = g_file_get_parse_name (file);

    /* TRANSLATORS: after an export from the command line; %s is the file */
    g_print (_("Written: %s"), name);
    g_print ("\n");
  }
  return 0;
}
