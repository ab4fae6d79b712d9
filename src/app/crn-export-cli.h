/* crn-export-cli.h: the export options of the command line (no window)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Adds --export-ics/--export-csv/--export-pdf and their --from, --to, --month, --separator,
 * --with-patients to the application's options. */
void  crn_export_cli_add_options    (GApplication *app);

/* From GApplication::handle-local-options: -1 when no export option was given (the app
 * starts as usual), otherwise the export is done on the local agenda file and this is the
 * exit status (0, or 1 after printing a translated message on the standard error). */
int   crn_export_cli_handle_options (GVariantDict *options);

G_END_DECLS
