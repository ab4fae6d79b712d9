/* crn-export-csv.c: the month's activity per day as CSV, in the shape of the CPTS report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 4180: UTF-8, CRLF line ends, a header line, then one line per day of the month (every
 * day, also those without activity), then a TOTAL line. The columns are those of the server's
 * monthly report (src/server/crn-report.c) for one practice, with the bookings and no-shows
 * split by referrer. The header is stable; scripts rely on it:
 *
 *   date                     YYYY-MM-DD (Europe/Paris), "TOTAL" on the last line
 *   creneaux_proposes        slots offered to regulation (SNP/CPTS label)
 *   minutes_proposees        their minutes
 *   reservations             of those slots, how many were booked
 *   reservations_<referrer>  the same, by who booked: sas, pharmacie, urgences, infirmier,
 *                            kine, patientele, autre
 *   vus                      patients seen
 *   non_venus                no-shows
 *   non_venus_<referrer>     the same, by who booked
 *   annules                  cancelled bookings
 *   surnumeraires            extra patients (Avenant 9 level 2)
 *   sas_regules_vus          patients booked by SAS regulation and seen (SNP majoration)
 *   taux_remplissage         reservations / creneaux_proposes, in %, one decimal; empty if none
 *   taux_non_venus           non_venus / (vus + non_venus), in %, one decimal; empty if none
 *
 * The definitions are those of #CrnFigures. With the ';' separator (French spreadsheets) the
 * rates have a decimal comma and the file starts with a UTF-8 byte order mark.
 */
#define G_LOG_DOMAIN "CrnExport"

#include "config.h"

#include "crn-export.h"

#include <string.h>

/* In the order of #CrnReferrer. */
static const char *const referrer_columns[CRN_REFERRER_N] = {
  "sas", "pharmacie", "urgences", "infirmier", "kine", "patientele", "autre",
};

static void
csv_field (GString    *out,
           const char *value,
           char        sep)
{
  gboolean formula = value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@';

  if (!formula && strchr (value, sep) == NULL && strchr (value, '"') == NULL
      && strpbrk (value, "\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  /* Quoted, quotes doubled; a leading = + - @ would be a formula in a spreadsheet. */
  g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_uint (GString *out,
          guint    value,
          char     sep)
{
  g_string_append_c (out, sep);
  g_string_append_printf (out, "%u", value);
}

static void
csv_rate (GString *out,
          guint    part,
          guint    whole,
          char     sep)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, sep);
  if (whole == 0)
    return;
  g_ascii_formatd (buf, sizeof buf, "%.1f", 100.0 * part / whole);
  if (sep == ';')
    g_strdelimit (buf, ".", ',');
  g_string_append (out, buf);
}

/**
 * crn_export_csv_header:
 * @separator: ',' or ';'
 *
 * Returns: (transfer full): the header line, without its line end
 */
char *
crn_export_csv_header (char separator)
{
  GString *out = g_string_new ("date");

  g_string_append_printf (out, "%ccreneaux_proposes%cminutes_proposees%creservations",
                          separator, separator, separator);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    g_string_append_printf (out, "%creservations_%s", separator, referrer_columns[r]);
  g_string_append_printf (out, "%cvus%cnon_venus", separator, separator);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    g_string_append_printf (out, "%cnon_venus_%s", separator, referrer_columns[r]);
  g_string_append_printf (out, "%cannules%csurnumeraires%csas_regules_vus%ctaux_remplissage"
                          "%ctaux_non_venus", separator, separator, separator, separator,
                          separator);
  return g_string_free (out, FALSE);
}

static void
csv_row (GString          *out,
         const char       *label,
         const CrnFigures *f,
         char              sep)
{
  csv_field (out, label, sep);
  csv_uint (out, f->offered, sep);
  csv_uint (out, f->offered_minutes, sep);
  csv_uint (out, f->booked, sep);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    csv_uint (out, f->booked_by_referrer[r], sep);
  csv_uint (out, f->seen, sep);
  csv_uint (out, f->noshow, sep);
  for (guint r = 0; r < CRN_REFERRER_N; r++)
    csv_uint (out, f->noshow_by_referrer[r], sep);
  csv_uint (out, f->cancelled, sep);
  csv_uint (out, f->extras, sep);
  csv_uint (out, f->sas_regulated, sep);
  csv_rate (out, f->booked, f->offered, sep);
  csv_rate (out, f->noshow, f->seen + f->noshow, sep);
  g_string_append (out, "\r\n");
}

/**
 * crn_export_csv_build:
 * @month: the month's figures
 * @separator: ',' or ';'
 *
 * Returns: (transfer full): the CSV text
 */
GBytes *
crn_export_csv_build (const CrnExportMonth *month,
                      char                  separator)
{
  GString *out = g_string_new (NULL);
  g_autofree char *header = crn_export_csv_header (separator);

  g_return_val_if_fail (separator == ',' || separator == ';', NULL);

  if (separator == ';')
    g_string_append (out, "\xEF\xBB\xBF");
  g_string_append (out, header);
  g_string_append (out, "\r\n");

  for (guint d = 0; d < month->n_days; d++)
    {
      char label[16];

      g_snprintf (label, sizeof label, "%04u-%02u-%02u", g_date_get_year (&month->first),
                  g_date_get_month (&month->first), d + 1);
      csv_row (out, label, &month->days[d], separator);
    }
  csv_row (out, "TOTAL", &month->total, separator);

  return g_string_free_to_bytes (out);
}
