/* crn-server-query.c: searches (FHIR, the booking page) and the monthly counts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServerDb"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-server-db-private.h"

/* ---------------------------------------------------------------------------------- */
/* Queries                                                                             */

void
crn_server_query_init (CrnServerQuery *query)
{
  memset (query, 0, sizeof *query);
  query->lu_min_ms = -1;
  query->lu_max_ms = -1;
}

void
crn_server_query_clear (CrnServerQuery *query)
{
  g_clear_pointer (&query->practitioners, g_ptr_array_unref);
  g_clear_pointer (&query->ids, g_ptr_array_unref);
}

typedef struct
{
  GString   *where;
  GPtrArray *texts;    /* bound in order as ?N */
  GArray    *ints;     /* parallel: G_MININT64 marks a text */
} Filter;

static void
filter_init (Filter *f)
{
  f->where = g_string_new (" WHERE 1");
  f->texts = g_ptr_array_new_with_free_func (g_free);
  f->ints = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
filter_clear (Filter *f)
{
  g_string_free (f->where, TRUE);
  g_ptr_array_unref (f->texts);
  g_array_unref (f->ints);
}

static void
filter_text (Filter     *f,
             const char *text)
{
  gint64 mark = G_MININT64;

  g_ptr_array_add (f->texts, g_strdup (text));
  g_array_append_val (f->ints, mark);
  g_string_append_printf (f->where, "?%u", f->ints->len);
}

static void
filter_int (Filter *f,
            gint64  value)
{
  g_ptr_array_add (f->texts, NULL);
  g_array_append_val (f->ints, value);
  g_string_append_printf (f->where, "?%u", f->ints->len);
}

static void
filter_in (Filter     *f,
           const char *column,
           GPtrArray  *values)
{
  g_string_append_printf (f->where, " AND %s IN (", column);
  for (guint i = 0; i < values->len; i++)
    {
      if (i > 0)
        g_string_append (f->where, ", ");
      filter_text (f, g_ptr_array_index (values, i));
    }
  if (values->len == 0)
    g_string_append (f->where, "NULL");
  g_string_append (f->where, ")");
}

static void
filter_bind (Filter       *f,
             sqlite3_stmt *stmt)
{
  for (guint i = 0; i < f->ints->len; i++)
    {
      gint64 v = g_array_index (f->ints, gint64, i);

      if (v == G_MININT64)
        sqlite3_bind_text (stmt, i + 1, g_ptr_array_index (f->texts, i), -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, i + 1, v);
    }
}

/* A cursor in (last_updated_ms, id) order, written so that SQLite still walks the
 * last_updated_ms index from the cursor on. */
static void
filter_after (Filter               *f,
              const CrnServerQuery *query)
{
  if (query->after_id == NULL)
    return;
  g_string_append (f->where, " AND last_updated_ms >= ");
  filter_int (f, query->after_lu_ms);
  g_string_append (f->where, " AND (last_updated_ms > ");
  filter_int (f, query->after_lu_ms);
  g_string_append (f->where, " OR id > ");
  filter_text (f, query->after_id);
  g_string_append (f->where, ")");
}

static void
filter_common (Filter               *f,
               const CrnServerQuery *query)
{
  if (query->practitioners != NULL)
    filter_in (f, "practitioner", query->practitioners);
  if (query->ids != NULL)
    filter_in (f, "id", query->ids);
  if (query->has_start_min)
    {
      g_string_append (f->where, " AND start >= ");
      filter_int (f, query->start_min);
    }
  if (query->has_start_max)
    {
      g_string_append (f->where, " AND start <= ");
      filter_int (f, query->start_max);
    }
  if (query->status_mask != 0)
    {
      g_string_append (f->where, " AND ((1 << status) & ");
      filter_int (f, query->status_mask);
      g_string_append (f->where, ") != 0");
    }
  if (query->lu_min_ms >= 0)
    {
      g_string_append (f->where, " AND last_updated_ms > ");
      filter_int (f, query->lu_min_ms);
    }
  if (query->lu_max_ms >= 0)
    {
      g_string_append (f->where, " AND last_updated_ms < ");
      filter_int (f, query->lu_max_ms);
    }
  filter_after (f, query);
}

/* The practice's filter on practitioners. A search sorted by _lastUpdated is the apps'
 * delta pull: "+practitioner" keeps SQLite from picking the (practitioner, start) index, so
 * it walks the last_updated_ms index in order (an empty range for a no-change sync) instead
 * of reading and sorting every row of the practice on each page. */
static const char *
practitioner_column (const CrnServerQuery *query)
{
  return query->sort == CRN_SORT_LAST_UPDATED ? "+practitioner" : "practitioner";
}

static GPtrArray *
run_query (CrnServerDb            *self,
           const char             *table,
           const char             *columns,
           Filter                 *f,
           const CrnServerQuery   *query,
           gboolean                slots,
           guint                  *total,
           GError                **error)
{
  g_autofree char *count_sql = NULL;
  g_autofree char *sql = NULL;
  GPtrArray *list;
  sqlite3_stmt *stmt;
  const char *order = query->sort == CRN_SORT_LAST_UPDATED ? "last_updated_ms" : "start";
  guint limit = query->count > 0 ? query->count : 100;

  sql = g_strdup_printf ("SELECT %s FROM %s%s ORDER BY %s %s, id %s LIMIT %u OFFSET %u",
                         columns, table, f->where->str, order,
                         query->descending ? "DESC" : "ASC",
                         query->descending ? "DESC" : "ASC",
                         limit, query->offset);
  stmt = _crn_db_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  filter_bind (f, stmt);
  list = g_ptr_array_new_with_free_func (slots ? (GDestroyNotify) crn_slot_free
                                               : (GDestroyNotify) crn_booking_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, slots ? (gpointer) _crn_db_slot_from_row (stmt, NULL)
                                 : (gpointer) _crn_db_booking_from_row (stmt, NULL));
  sqlite3_finalize (stmt);

  /* A first page that is not full holds every match: no need to count them again (the SAS
   * search, and most pages of the apps' pulls). */
  if (total != NULL && query->offset == 0 && list->len < limit)
    *total = list->len;
  else if (total != NULL)
    {
      count_sql = g_strdup_printf ("SELECT COUNT (*) FROM %s%s", table, f->where->str);
      stmt = _crn_db_prepare (self, count_sql, error);
      if (stmt == NULL)
        {
          g_ptr_array_unref (list);
          return NULL;
        }
      filter_bind (f, stmt);
      *total = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
      sqlite3_finalize (stmt);
    }
  return list;
}

GPtrArray *
crn_server_db_query_slots (CrnServerDb            *self,
                           const CrnServerAccount *account,
                           const CrnServerQuery   *query,
                           guint                  *total,
                           GError                **error)
{
  Filter f;
  GPtrArray *list;

  filter_init (&f);
  filter_common (&f, query);
  if (query->schedule_id != NULL)
    {
      g_string_append (f.where, " AND schedule_id = ");
      filter_text (&f, query->schedule_id);
    }
  if (_crn_db_is_practice (account))
    filter_in (&f, practitioner_column (query), account->acts_for);
  else if (_crn_db_is_referrer (account))
    {
      /* Referrers see what they could book: free, open to them, still ahead. */
      g_string_append_printf (f.where, " AND status = %d AND (visibility & %d) != 0"
                              " AND start > %" G_GINT64_FORMAT,
                              CRN_SLOT_STATUS_FREE, _crn_db_referrer_visibility (account),
                              (gint64) crn_time_now ());
    }
  list = run_query (self, "slots", SLOT_COLUMNS, &f, query, TRUE, total, error);
  filter_clear (&f);
  return list;
}

GPtrArray *
crn_server_db_query_bookings (CrnServerDb            *self,
                              const CrnServerAccount *account,
                              const CrnServerQuery   *query,
                              guint                  *total,
                              GError                **error)
{
  Filter f;
  GPtrArray *list;

  if (account->role == CRN_SERVER_ROLE_COORDINATOR)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("The CPTS coordinator sees counts, never patients: use the monthly "
                     "report."));
      return NULL;
    }
  filter_init (&f);
  filter_common (&f, query);
  if (query->schedule_id != NULL)
    {
      g_string_append (f.where, " AND slot_id IN (SELECT id FROM slots WHERE schedule_id = ");
      filter_text (&f, query->schedule_id);
      g_string_append (f.where, ")");
    }
  if (_crn_db_is_practice (account))
    filter_in (&f, practitioner_column (query), account->acts_for);
  else
    {
      g_string_append (f.where, " AND account_id = ");
      filter_int (&f, account->id);
    }
  list = run_query (self, "bookings", BOOKING_COLUMNS, &f, query, FALSE, total, error);
  filter_clear (&f);
  return list;
}

GPtrArray *
crn_server_db_query_schedules (CrnServerDb            *self,
                               const CrnServerAccount *account,
                               const CrnServerQuery   *query,
                               guint                  *total,
                               GError                **error)
{
  g_autofree char *sql = NULL;
  g_autofree char *count_sql = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *list;
  sqlite3_stmt *stmt;
  Filter f;

  filter_init (&f);
  if (query->practitioners != NULL)
    filter_in (&f, "practitioner", query->practitioners);
  if (query->ids != NULL)
    filter_in (&f, "id", query->ids);
  if (query->lu_min_ms >= 0)
    {
      g_string_append (f.where, " AND last_updated_ms > ");
      filter_int (&f, query->lu_min_ms);
    }
  if (query->lu_max_ms >= 0)
    {
      g_string_append (f.where, " AND last_updated_ms < ");
      filter_int (&f, query->lu_max_ms);
    }
  filter_after (&f, query);
  if (_crn_db_is_practice (account))
    filter_in (&f, "practitioner", account->acts_for);

  if (total != NULL)
    {
      count_sql = g_strdup_printf ("SELECT COUNT (*) FROM schedules%s", f.where->str);
      stmt = _crn_db_prepare (self, count_sql, error);
      if (stmt == NULL)
        {
          filter_clear (&f);
          return NULL;
        }
      filter_bind (&f, stmt);
      *total = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
      sqlite3_finalize (stmt);
    }
  sql = g_strdup_printf ("SELECT id FROM schedules%s ORDER BY %s %s, id LIMIT %u OFFSET %u",
                         f.where->str,
                         query->sort == CRN_SORT_LAST_UPDATED ? "last_updated_ms" : "id",
                         query->descending ? "DESC" : "ASC",
                         query->count > 0 ? query->count : 100, query->offset);
  stmt = _crn_db_prepare (self, sql, error);
  if (stmt == NULL)
    {
      filter_clear (&f);
      return NULL;
    }
  filter_bind (&f, stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, _crn_db_column_dup (stmt, 0));
  sqlite3_finalize (stmt);
  filter_clear (&f);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_template_free);
  for (guint i = 0; i < ids->len; i++)
    {
      CrnTemplate *t = _crn_db_load_template (self, g_ptr_array_index (ids, i), error);

      if (t == NULL)
        {
          g_ptr_array_unref (list);
          return NULL;
        }
      g_ptr_array_add (list, t);
    }
  return list;
}

/* ---------------------------------------------------------------------------------- */
/* Slots for the page                                                                  */

GPtrArray *
crn_server_db_search_free_slots (CrnServerDb            *self,
                                 const CrnServerAccount *account,
                                 const CrnSlotFilter    *filter,
                                 GError                **error)
{
  const CrnPolicy *policy = _crn_db_policy (self);
  CrnInstant now = crn_time_now ();
  CrnInstant from, to;
  g_autofree char *idnps = NULL;
  g_autoptr(GPtrArray) result = NULL;
  guint limit = filter->limit > 0 ? filter->limit : 200;
  sqlite3_stmt *stmt;
  GString *sql;

  if (!_crn_db_is_referrer (account))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("Only regulation operators and pharmacies search free slots to book "
                     "them."));
      return NULL;
    }
  if (filter->practitioner != NULL)
    {
      idnps = crn_idnps_normalize (filter->practitioner);
      if (idnps == NULL)
        {
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                       _("“%s” is not an RPPS number: type the 11 digits of the RPPS, or 8 "
                         "followed by them."), filter->practitioner);
          return NULL;
        }
    }

  /* Only slots bookable now: the rules refuse a slot once its booking has closed, at its
   * start at the latest (crn_policy_check_regulation_booking()), so the first instant
   * offered is one second after that. */
  from = MAX (filter->from, now + (CrnInstant) policy->booking_closes_minutes * 60 + 1);
  to = filter->to > 0 ? filter->to : now + (CrnInstant) policy->horizon_hours * 3600;
  to = MIN (to, now + (CrnInstant) policy->horizon_hours * 3600);

  sql = g_string_new ("SELECT " SLOT_COLUMNS " FROM slots WHERE status = ?1"
                      " AND (visibility & ?2) != 0 AND start >= ?3 AND start < ?4");
  if (idnps != NULL)
    g_string_append (sql, " AND practitioner = ?5");
  if (filter->place_id != NULL)
    g_string_append (sql, " AND place_id = ?6");
  g_string_append (sql, " ORDER BY start, practitioner, id");
  stmt = _crn_db_prepare (self, sql->str, error);
  g_string_free (sql, TRUE);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, CRN_SLOT_STATUS_FREE);
  sqlite3_bind_int (stmt, 2, _crn_db_referrer_visibility (account));
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  if (idnps != NULL)
    sqlite3_bind_text (stmt, 5, idnps, -1, SQLITE_TRANSIENT);
  if (filter->place_id != NULL)
    sqlite3_bind_text (stmt, 6, filter->place_id, -1, SQLITE_TRANSIENT);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  while (result->len < limit && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(CrnSlot) slot = _crn_db_slot_from_row (stmt, NULL);
      guint minute;

      crn_time_to_local (slot->start, NULL, &minute, NULL);
      if (minute < filter->from_minute)
        continue;
      if (filter->to_minute > 0 && minute >= filter->to_minute)
        continue;
      if (filter->modalities != CRN_MODALITY_NONE && (slot->modalities & filter->modalities) == 0)
        continue;
      if (!filter->any_age)
        {
          if (filter->for_child && slot->restriction == CRN_RESTRICTION_ADULTS)
            continue;
          if (!filter->for_child && slot->restriction == CRN_RESTRICTION_CHILDREN)
            continue;
        }
      if (!crn_policy_check_slot_hours (policy, slot, NULL))
        continue;
      g_ptr_array_add (result, g_steal_pointer (&slot));
    }
  sqlite3_finalize (stmt);
  return g_steal_pointer (&result);
}

/* ---------------------------------------------------------------------------------- */
/* The monthly report                                                                  */

void
crn_server_report_row_free (CrnServerReportRow *row)
{
  if (row == NULL)
    return;
  g_free (row->day);
  g_free (row->practice_id);
  g_free (row->practice_name);
  g_free (row->territory);
  g_free (row);
}

static CrnServerReportRow *
report_row (GHashTable *rows,
            CrnInstant  start,
            const char *practice_id,
            const char *practice_name,
            const char *territory)
{
  GDate date;
  char day[16];
  g_autofree char *key = NULL;
  CrnServerReportRow *row;

  crn_time_to_local (start, &date, NULL, NULL);
  g_snprintf (day, sizeof day, "%04d-%02d-%02d", g_date_get_year (&date),
              g_date_get_month (&date), g_date_get_day (&date));
  key = g_strdup_printf ("%s|%s", day, practice_id != NULL ? practice_id : "");
  row = g_hash_table_lookup (rows, key);
  if (row == NULL)
    {
      row = g_new0 (CrnServerReportRow, 1);
      row->day = g_strdup (day);
      row->practice_id = g_strdup (practice_id != NULL ? practice_id : "");
      row->practice_name = g_strdup (practice_name != NULL ? practice_name : "");
      row->territory = g_strdup (territory);
      g_hash_table_insert (rows, g_steal_pointer (&key), row);
    }
  return row;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const CrnServerReportRow *ra = *(CrnServerReportRow **) a;
  const CrnServerReportRow *rb = *(CrnServerReportRow **) b;
  int c = strcmp (ra->day, rb->day);

  return c != 0 ? c : g_utf8_collate (ra->practice_name, rb->practice_name);
}

GPtrArray *
crn_server_db_report_month (CrnServerDb  *self,
                            int           year,
                            int           month,
                            GError      **error)
{
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(CrnServerCpts) cpts = crn_server_db_get_cpts (self);
  const char *territory = cpts != NULL ? cpts->territory : "";
  GPtrArray *list;
  GHashTableIter iter;
  gpointer value;
  CrnInstant from, to;
  sqlite3_stmt *stmt;
  GDate day;

  if (year < 2000 || year > 2100 || month < 1 || month > 12)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Give the month as YYYY-MM, for example 2026-11."));
      return NULL;
    }
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 1, month, year);
  crn_period_month (&day, &from, &to);

  rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  stmt = _crn_db_prepare (self,
                          "SELECT s.start, s.end, s.visibility, p.practice_id, o.name"
                          " FROM slots s JOIN practitioners p ON p.idnps = s.practitioner"
                          " LEFT JOIN practices o ON o.id = p.practice_id"
                          " WHERE s.start >= ?1 AND s.start < ?2 AND s.status != ?3"
                          " AND (s.visibility & ?4) != 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int (stmt, 3, CRN_SLOT_STATUS_ENTERED_IN_ERROR);
  sqlite3_bind_int (stmt, 4, CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CrnServerReportRow *row = report_row (rows, sqlite3_column_int64 (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 3),
                                            (const char *) sqlite3_column_text (stmt, 4),
                                            territory);

      row->offered++;
      row->offered_minutes += (sqlite3_column_int64 (stmt, 1) - sqlite3_column_int64 (stmt, 0))
                              / 60;
    }
  sqlite3_finalize (stmt);

  stmt = _crn_db_prepare (self,
                          "SELECT b.start, b.status, b.referrer, p.practice_id, o.name"
                          " FROM bookings b JOIN practitioners p ON p.idnps = b.practitioner"
                          " LEFT JOIN practices o ON o.id = p.practice_id"
                          " WHERE b.start >= ?1 AND b.start < ?2 AND b.extra = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CrnAppointmentStatus status = sqlite3_column_int (stmt, 1);
      CrnReferrer referrer = sqlite3_column_int (stmt, 2);
      CrnServerReportRow *row;

      if (status == CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR ||
          status == CRN_APPOINTMENT_STATUS_PROPOSED || status == CRN_APPOINTMENT_STATUS_PENDING)
        continue;
      row = report_row (rows, sqlite3_column_int64 (stmt, 0),
                        (const char *) sqlite3_column_text (stmt, 3),
                        (const char *) sqlite3_column_text (stmt, 4), territory);
      if (status == CRN_APPOINTMENT_STATUS_CANCELLED)
        {
          row->cancelled++;
          continue;
        }
      row->booked++;
      if (status == CRN_APPOINTMENT_STATUS_FULFILLED)
        row->seen++;
      else if (status == CRN_APPOINTMENT_STATUS_NOSHOW)
        row->noshow++;
      if (referrer == CRN_REFERRER_SAS)
        row->by_sas++;
      else if (referrer == CRN_REFERRER_PHARMACY)
        row->by_pharmacy++;
    }
  sqlite3_finalize (stmt);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_server_report_row_free);
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  g_ptr_array_sort (list, compare_rows);
  return list;
}
