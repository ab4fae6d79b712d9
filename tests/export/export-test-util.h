/* export-test-util.h: helpers shared by the export tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libical/ical.h>

#include "crn-export.h"
#include "store-test-util.h"

G_BEGIN_DECLS

/* Writes the slots and bookings into a new store file at @path (plain store API). */
void       export_test_fill_store   (const char  *path,
                                     GPtrArray   *slots,
                                     GPtrArray   *bookings);

/* Parses RFC 4180 CSV (quotes, doubled quotes, CRLF) into rows of fields; asserts it is
 * well formed. A leading UTF-8 BOM is skipped and reported in @had_bom. */
GPtrArray *export_test_parse_csv    (const char  *text,
                                     char         separator,
                                     gboolean    *had_bom);

/* The VEVENTs of an iCalendar text, parsed with libical; asserts it parses. */
icalcomponent *export_test_parse_ics (const char *text);

/* Runs @argv (the real creneaux binary and its options) with XDG_DATA_HOME=@data_home and,
 * when @language is given, LANGUAGE=@language with the build's catalogues; returns the exit
 * status, the standard error in @err. */
int        export_test_run          (const char * const *argv,
                                     const char         *data_home,
                                     const char         *language,
                                     char              **err);

/* The figures of [@from, @to) computed by core over @slots/@bookings. */
void       export_test_figures      (CrnFigures  *figures,
                                     GPtrArray   *slots,
                                     GPtrArray   *bookings,
                                     const GDate *from,
                                     const GDate *to);

G_END_DECLS
