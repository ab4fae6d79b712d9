/* crn-report.c: the CPTS monthly report (/reports/monthly)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures a CPTS sends each month to the SAMU and the ARS: per day and per practice,
 * slots offered to regulation, bookings, by whom, seen, no-shows, cancellations; then the
 * totals. Counts only, never a patient. The definitions are those of #CrnFigures, computed by
 * crn_server_db_report_month().
 *
 * CSV (RFC 4180, UTF-8, CRLF line ends) is the default; `sep=semicolon` gives `;` and decimal
 * commas for French spreadsheets (with a UTF-8 byte order mark so that they read the accents).
 * The header line is stable: scripts rely on it.
 */

#define G_LOG_DOMAIN "CrnReport"

#include "config.h"

#include "crn-report.h"

#include "crn-server-db-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* The CSV columns, in order; also the JSON member names of a row (see append_row_json). */
static const char *const csv_columns[] = {
  "date", "territoire", "cabinet_id", "cabinet", "creneaux_proposes", "minutes_proposees",
  "reservations", "reservations_sas", "reservations_pharmacie", "vus", "non_venus",
  "annules", "taux_remplissage",
};

typedef struct
{
  guint offered;
  guint offered_minutes;
  guint booked;
  guint by_sas;
  guint by_pharmacy;
  guint seen;
  guint noshow;
  guint cancelled;
} Totals;

/* ------------------------------------------------------------------------------------ */
/* Responses                                                                             */

static void
respond_outcome (SoupServerMessage *msg,
                 guint              status,
                 const char        *code,
                 const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "OperationOutcome");
  json_builder_set_member_name (b, "issue");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, "error");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "diagnostics");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/fhir+json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, len);
}

/* ------------------------------------------------------------------------------------ */
/* Parameters                                                                            */

static gboolean
parse_month (const char *text,
             int        *year,
             int        *month)
{
  if (text == NULL || strlen (text) != 7 || text[4] != '-'
      || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1])
      || !g_ascii_isdigit (text[2]) || !g_ascii_isdigit (text[3])
      || !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[6]))
    return FALSE;
  *year = (int) g_ascii_strtoll (text, NULL, 10);
  *month = (int) g_ascii_strtoll (text + 5, NULL, 10);
  return *year >= 2000 && *year <= 9999 && *month >= 1 && *month <= 12;
}

/* Whether the client asked for JSON through Accept, when no format parameter is given. */
static gboolean
accepts_json_only (SoupServerMessage *msg)
{
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Accept");

  if (accept == NULL)
    return FALSE;
  return (strstr (accept, "application/json") != NULL || strstr (accept, "+json") != NULL)
         && strstr (accept, "text/csv") == NULL;
}

/* ------------------------------------------------------------------------------------ */
/* CSV                                                                                   */

static void
csv_field (GString    *out,
           const char *value,
           char        sep)
{
  const char *p;
  gboolean quote;

  if (value == NULL)
    value = "";
  /* A cell starting with = + - @ would be a formula in a spreadsheet: make it text. */
  quote = strchr (value, sep) != NULL || strchr (value, '"') != NULL
          || strchr (value, '\n') != NULL || strchr (value, '\r') != NULL
          || value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@';
  if (!quote)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  if (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')
    g_string_append_c (out, '\'');
  for (p = value; *p != '\0'; p++)
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

/* The fill rate as a percentage with one decimal, "28.6" (or "28,6" with semicolons). */
static char *
format_rate (guint booked,
             guint offered,
             char  sep)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *text;

  if (offered == 0)
    return g_strdup ("");
  g_ascii_formatd (buf, sizeof buf, "%.1f", 100.0 * booked / offered);
  text = g_strdup (buf);
  if (sep == ';')
    g_strdelimit (text, ".", ',');
  return text;
}

static void
csv_counts (GString      *out,
            const Totals *t,
            char          sep)
{
  g_autofree char *rate = format_rate (t->booked, t->offered, sep);

  csv_uint (out, t->offered, sep);
  csv_uint (out, t->offered_minutes, sep);
  csv_uint (out, t->booked, sep);
  csv_uint (out, t->by_sas, sep);
  csv_uint (out, t->by_pharmacy, sep);
  csv_uint (out, t->seen, sep);
  csv_uint (out, t->noshow, sep);
  csv_uint (out, t->cancelled, sep);
  g_string_append_c (out, sep);
  g_string_append (out, rate);
  g_string_append (out, "\r\n");
}

static void
totals_of_row (Totals                   *t,
               const CrnServerReportRow *row)
{
  t->offered = row->offered;
  t->offered_minutes = row->offered_minutes;
  t->booked = row->booked;
  t->by_sas = row->by_sas;
  t->by_pharmacy = row->by_pharmacy;
  t->seen = row->seen;
  t->noshow = row->noshow;
  t->cancelled = row->cancelled;
}

static void
totals_add (Totals       *sum,
            const Totals *t)
{
  sum->offered += t->offered;
  sum->offered_minutes += t->offered_minutes;
  sum->booked += t->booked;
  sum->by_sas += t->by_sas;
  sum->by_pharmacy += t->by_pharmacy;
  sum->seen += t->seen;
  sum->noshow += t->noshow;
  sum->cancelled += t->cancelled;
}

static char *
report_csv (GPtrArray *rows,
            char       sep,
            gsize     *len)
{
  GString *out = g_string_new (NULL);
  Totals total = { 0 };
  guint i;

  if (sep == ';')
    g_string_append (out, "\xEF\xBB\xBF");   /* UTF-8 BOM: spreadsheets then read accents */
  for (i = 0; i < G_N_ELEMENTS (csv_columns); i++)
    {
      if (i > 0)
        g_string_append_c (out, sep);
      g_string_append (out, csv_columns[i]);
    }
  g_string_append (out, "\r\n");

  for (i = 0; i < rows->len; i++)
    {
      const CrnServerReportRow *row = g_ptr_array_index (rows, i);
      Totals t;

      totals_of_row (&t, row);
      totals_add (&total, &t);
      csv_field (out, row->day, sep);
      g_string_append_c (out, sep);
      csv_field (out, row->territory, sep);
      g_string_append_c (out, sep);
      csv_field (out, row->practice_id, sep);
      g_string_append_c (out, sep);
      csv_field (out, row->practice_name, sep);
      csv_counts (out, &t, sep);
    }

  /* The totals: "TOTAL" in the date column, the other text columns empty. */
  g_string_append (out, "TOTAL");
  g_string_append_c (out, sep);
  g_string_append_c (out, sep);
  g_string_append_c (out, sep);
  csv_counts (out, &total, sep);

  *len = out->len;
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* JSON                                                                                  */

static void
json_counts (JsonBuilder  *b,
             const Totals *t)
{
  json_builder_set_member_name (b, "offered");
  json_builder_add_int_value (b, t->offered);
  json_builder_set_member_name (b, "offered_minutes");
  json_builder_add_int_value (b, t->offered_minutes);
  json_builder_set_member_name (b, "booked");
  json_builder_add_int_value (b, t->booked);
  json_builder_set_member_name (b, "booked_sas");
  json_builder_add_int_value (b, t->by_sas);
  json_builder_set_member_name (b, "booked_pharmacy");
  json_builder_add_int_value (b, t->by_pharmacy);
  json_builder_set_member_name (b, "seen");
  json_builder_add_int_value (b, t->seen);
  json_builder_set_member_name (b, "noshow");
  json_builder_add_int_value (b, t->noshow);
  json_builder_set_member_name (b, "cancelled");
  json_builder_add_int_value (b, t->cancelled);
  json_builder_set_member_name (b, "fill_rate");
  if (t->offered > 0)
    json_builder_add_double_value (b, (double) t->booked / t->offered);
  else
    json_builder_add_null_value (b);
}

static char *
report_json (GPtrArray  *rows,
             const char *month,
             gsize      *len)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) per_practice = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              g_free);
  g_autoptr(GPtrArray) practice_order = g_ptr_array_new ();
  Totals total = { 0 };
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "month");
  json_builder_add_string_value (b, month);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (i = 0; i < rows->len; i++)
    {
      const CrnServerReportRow *row = g_ptr_array_index (rows, i);
      Totals t, *pt;

      totals_of_row (&t, row);
      totals_add (&total, &t);
      pt = g_hash_table_lookup (per_practice, row->practice_id);
      if (pt == NULL)
        {
          pt = g_new0 (Totals, 1);
          g_hash_table_insert (per_practice, row->practice_id, pt);
          g_ptr_array_add (practice_order, (gpointer) row);
        }
      totals_add (pt, &t);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, row->day);
      json_builder_set_member_name (b, "territory");
      json_builder_add_string_value (b, row->territory);
      json_builder_set_member_name (b, "practice_id");
      json_builder_add_string_value (b, row->practice_id);
      json_builder_set_member_name (b, "practice");
      json_builder_add_string_value (b, row->practice_name);
      json_counts (b, &t);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "practices");
  json_builder_begin_array (b);
  for (i = 0; i < practice_order->len; i++)
    {
      const CrnServerReportRow *row = g_ptr_array_index (practice_order, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "territory");
      json_builder_add_string_value (b, row->territory);
      json_builder_set_member_name (b, "practice_id");
      json_builder_add_string_value (b, row->practice_id);
      json_builder_set_member_name (b, "practice");
      json_builder_add_string_value (b, row->practice_name);
      json_counts (b, g_hash_table_lookup (per_practice, row->practice_id));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  json_counts (b, &total);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, len);
}

/* ------------------------------------------------------------------------------------ */
/* Public API                                                                            */

void
crn_report_respond (SoupServerMessage      *msg,
                    CrnServerContext       *ctx,
                    const CrnServerAccount *account,
                    GHashTable             *query)
{
  const char *month_text, *format, *sep_text;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disposition = NULL;
  SoupMessageHeaders *headers;
  GHashTableIter iter;
  const char *name;
  gboolean json;
  char sep = ',';
  char *body;
  gsize len;
  int year, month;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (ctx != NULL);
  g_return_if_fail (account != NULL);

  if (account->role != CRN_SERVER_ROLE_COORDINATOR)
    {
      respond_outcome (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                       _("The monthly report is for the CPTS coordinator. Sign in with the "
                         "coordinator's account."));
      return;
    }

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
        if (g_strcmp0 (name, "month") != 0 && g_strcmp0 (name, "format") != 0
            && g_strcmp0 (name, "sep") != 0)
          {
            g_autofree char *message =
              g_strdup_printf (_("Unknown parameter “%s”: the report knows month, format and "
                                 "sep."), name);
            respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, "not-supported", message);
            return;
          }
    }

  month_text = query != NULL ? g_hash_table_lookup (query, "month") : NULL;
  format = query != NULL ? g_hash_table_lookup (query, "format") : NULL;
  sep_text = query != NULL ? g_hash_table_lookup (query, "sep") : NULL;

  if (!parse_month (month_text, &year, &month))
    {
      respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                       _("Give the month as month=YYYY-MM, for example month=2026-10."));
      return;
    }
  if (format == NULL)
    json = accepts_json_only (msg);
  else if (g_str_equal (format, "csv"))
    json = FALSE;
  else if (g_str_equal (format, "json"))
    json = TRUE;
  else
    {
      respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                       _("Unknown format: use format=csv or format=json."));
      return;
    }
  if (sep_text == NULL || g_str_equal (sep_text, "comma"))
    sep = ',';
  else if (g_str_equal (sep_text, "semicolon"))
    sep = ';';
  else
    {
      respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                       _("Unknown separator: use sep=comma or sep=semicolon."));
      return;
    }

  rows = crn_server_db_report_month (ctx->db, year, month, &error);
  if (rows == NULL)
    {
      if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID))
        respond_outcome (msg, SOUP_STATUS_BAD_REQUEST, "invalid", error->message);
      else
        respond_outcome (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "exception",
                         _("The report could not be computed. Try again; if it persists, "
                           "look at the server's log."));
      return;
    }

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  disposition = g_strdup_printf ("attachment; filename=\"creneaux-rapport-%04d-%02d.%s\"",
                                 year, month, json ? "json" : "csv");
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  if (json)
    {
      body = report_json (rows, month_text, &len);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                        SOUP_MEMORY_TAKE, body, len);
    }
  else
    {
      body = report_csv (rows, sep, &len);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/csv; charset=utf-8; header=present",
                                        SOUP_MEMORY_TAKE, body, len);
    }
}

static void
on_monthly_request (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  CrnServerContext *ctx = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *authorization;
  g_autoptr(CrnServerAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (path, "/reports/monthly"))
    {
      respond_outcome (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                       _("No such report: the monthly report is at /reports/monthly."));
      return;
    }
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD");
      respond_outcome (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "not-supported",
                       _("The monthly report is read with GET."));
      return;
    }

  authorization = soup_message_headers_get_one (headers, "Authorization");
  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0
      || (account = crn_server_db_account_for_token (ctx->db, authorization + 7,
                                                     &error)) == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate",
                                    authorization == NULL ? "Bearer realm=\"creneaux\""
                                    : "Bearer realm=\"creneaux\", error=\"invalid_token\"");
      respond_outcome (msg, SOUP_STATUS_UNAUTHORIZED, "login",
                       _("Sign in first: send the coordinator's access token as "
                         "“Authorization: Bearer …”."));
      return;
    }

  crn_report_respond (msg, ctx, account, query);
}

void
crn_report_register (SoupServer       *server,
                     CrnServerContext *ctx)
{
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (ctx != NULL);

  soup_server_add_handler (server, "/reports", on_monthly_request, ctx, NULL);
}
