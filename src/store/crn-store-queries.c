/* crn-store-queries.c: the week view, the figures and the inbox, each one SQL query
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include <string.h>

#include "crn-store-private.h"

/* ------------------------------------------------------------------ SQL functions */

/* crn_fold(text): case- and accent-folded text, so that "Élodie" and "ELODIE" are one
 * patient when looking for repeat no-shows. SQLite's NOCASE only folds ASCII. */
static void
fold_func (sqlite3_context  *context,
           int               argc,
           sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      sqlite3_result_value (context, argv[0]);
      return;
    }

  folded = g_utf8_casefold (text, -1);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKD);
  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;
      if (c == '-' || c == '\'' || g_unichar_isspace (c) || c == 0x2019)
        c = ' ';
      g_string_append_unichar (out, c);
    }

  sqlite3_result_text (context, g_strstrip (out->str), -1, g_free);
  g_string_free (out, FALSE);
}

gboolean
_crn_store_db_register_functions (CrnStoreDb  *db,
                                  GError     **error)
{
  int rc = sqlite3_create_function_v2 (_crn_store_db_get_handle (db), "crn_fold", 1,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                       fold_func, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ helpers */

static GPtrArray *
collect_bookings (CrnStoreDb    *db,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(GPtrArray) bookings =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (bookings, _crn_store_read_booking (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&bookings);
}

/* A JSON array of strings for json_each(); only used with identifiers. */
static char *
json_string_array (const char * const *strings)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; strings[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      g_string_append_c (json, '"');
      for (const char *p = strings[i]; *p != '\0'; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (json, '\\');
          if ((guchar) *p < 0x20)
            g_string_append_printf (json, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (json, *p);
        }
      g_string_append_c (json, '"');
    }
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

/* ------------------------------------------------------------------ week view */

#define WEEK_SELECT \
  "SELECT " CRN_STORE_SLOT_COLUMNS ", s.conflict, s.conflict_note, " \
  CRN_STORE_BOOKING_COLUMNS \
  " FROM slots s" \
  " LEFT JOIN bookings b ON b.id = (SELECT x.id FROM bookings x" \
  "   WHERE x.slot_id = s.id AND x.status IN " CRN_STORE_HOLDING_STATUSES \
  "   ORDER BY x.created_at DESC, x.id LIMIT 1)"
#define WEEK_ORDER " ORDER BY s.start, s.practitioner, s.id"

/**
 * _crn_store_db_week:
 * @practitioners: (nullable) (array zero-terminated=1): IDNPS to show, %NULL for all
 * @from: start of the range (inclusive)
 * @to: end of the range (exclusive)
 *
 * The slots starting in [@from, @to), each with the booking that holds it, in one query.
 *
 * Returns: (transfer full) (element-type CrnWeekEntry): sorted by start, practitioner, id
 */
GPtrArray *
_crn_store_db_week (CrnStoreDb          *db,
                    const char * const  *practitioners,
                    CrnInstant           from,
                    CrnInstant           to,
                    GError             **error)
{
  static const char some_sql[] = WEEK_SELECT
    " WHERE s.practitioner IN (SELECT value FROM json_each (:practitioners))"
    " AND s.start >= :from AND s.start < :to" WEEK_ORDER;
  static const char all_sql[] = WEEK_SELECT
    " WHERE s.start >= :from AND s.start < :to" WEEK_ORDER;
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_week_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _crn_store_db_prepare (db, practitioners != NULL ? some_sql : all_sql, error);
  if (stmt == NULL)
    return NULL;

  if (practitioners != NULL)
    {
      g_autofree char *json = json_string_array (practitioners);

      _crn_store_bind_text (stmt, ":practitioners", json);
    }
  _crn_store_bind_int64 (stmt, ":from", from);
  _crn_store_bind_int64 (stmt, ":to", to);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnWeekEntry *entry = g_new0 (CrnWeekEntry, 1);
      int col = CRN_STORE_SLOT_N_COLUMNS;

      entry->slot = _crn_store_read_slot (stmt, 0);
      entry->conflict = sqlite3_column_int (stmt, col) != 0;
      entry->conflict_note = _crn_store_column_dup (stmt, col + 1);
      if (sqlite3_column_type (stmt, col + 2) != SQLITE_NULL)
        entry->booking = _crn_store_read_booking (stmt, col + 2);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* ------------------------------------------------------------------ figures */

#define BOOKED_STATES "('booked', 'arrived', 'fulfilled', 'noshow')"
#define SEEN "(status = 'fulfilled' OR (status = 'arrived' AND start <= :now))"

/* Built once: one column per referrer for booked_by_referrer and noshow_by_referrer. The
 * definitions are those of crn_figures_compute(), which the tests compare with. */
static const char *
figures_sql (void)
{
  static const char *sql = NULL;

  if (g_once_init_enter (&sql))
    {
      GString *s = g_string_new (
        "SELECT sl.offered, sl.offered_minutes, sl.booked, bk.seen, bk.noshow,"
        " bk.cancelled, bk.extras, bk.sas_regulated");

      for (guint r = 0; r < CRN_REFERRER_N; r++)
        g_string_append_printf (s, ", bk.booked_%u, bk.noshow_%u", r, r);

      g_string_append (s,
        " FROM (SELECT count (*) AS offered,"
        "   coalesce (sum ((end - start) / 60), 0) AS offered_minutes,"
        "   coalesce (sum (EXISTS (SELECT 1 FROM bookings x WHERE x.slot_id = slots.id"
        "     AND x.extra = 0 AND x.status IN " BOOKED_STATES ")), 0) AS booked"
        "  FROM slots"
        "  WHERE start >= :from AND start < :to"
        "   AND (:practitioner IS NULL OR practitioner = :practitioner)"
        "   AND (visibility & :regulation) != 0 AND status != 'entered-in-error') AS sl,"
        " (SELECT"
        "   coalesce (sum (extra = 0 AND " SEEN "), 0) AS seen,"
        "   coalesce (sum (extra = 0 AND status = 'noshow'), 0) AS noshow,"
        "   coalesce (sum (extra = 0 AND status = 'cancelled'), 0) AS cancelled,"
        "   coalesce (sum (extra != 0 AND status != 'cancelled'), 0) AS extras,"
        "   coalesce (sum (referrer = 'sas' AND " SEEN "), 0) AS sas_regulated");

      for (guint r = 0; r < CRN_REFERRER_N; r++)
        {
          const char *code = crn_referrer_to_string ((CrnReferrer) r);

          /* Codes are fixed lowercase words: safe to write into the SQL text. */
          g_assert (code != NULL && strspn (code, "abcdefghijklmnopqrstuvwxyz-") == strlen (code));
          g_string_append_printf (s,
            ", coalesce (sum (extra = 0 AND status IN " BOOKED_STATES " AND referrer = '%s'), 0)"
            " AS booked_%u"
            ", coalesce (sum (extra = 0 AND status = 'noshow' AND referrer = '%s'), 0)"
            " AS noshow_%u", code, r, code, r);
        }

      g_string_append (s,
        "  FROM bookings"
        "  WHERE start >= :from AND start < :to"
        "   AND (:practitioner IS NULL OR practitioner = :practitioner)"
        "   AND status != 'entered-in-error') AS bk");

      g_once_init_leave (&sql, g_string_free (s, FALSE));
    }

  return sql;
}

/**
 * _crn_store_db_figures:
 * @practitioner: (nullable): IDNPS, or %NULL for every practitioner
 * @from: start of the period (inclusive)
 * @to: end of the period (exclusive)
 * @figures: (out caller-allocates): the result
 *
 * The figures of crn_figures_compute() for the stored slots and bookings, in one query.
 */
gboolean
_crn_store_db_figures (CrnStoreDb  *db,
                       const char  *practitioner,
                       CrnInstant   from,
                       CrnInstant   to,
                       CrnFigures  *figures,
                       GError     **error)
{
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, figures_sql (), error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  _crn_store_bind_text (stmt, ":practitioner", practitioner);
  _crn_store_bind_int64 (stmt, ":from", from);
  _crn_store_bind_int64 (stmt, ":to", to);
  _crn_store_bind_int64 (stmt, ":now", crn_time_now ());
  _crn_store_bind_int64 (stmt, ":regulation", CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      memset (figures, 0, sizeof *figures);
      figures->offered = (guint) sqlite3_column_int64 (stmt, 0);
      figures->offered_minutes = (guint) sqlite3_column_int64 (stmt, 1);
      figures->booked = (guint) sqlite3_column_int64 (stmt, 2);
      figures->seen = (guint) sqlite3_column_int64 (stmt, 3);
      figures->noshow = (guint) sqlite3_column_int64 (stmt, 4);
      figures->cancelled = (guint) sqlite3_column_int64 (stmt, 5);
      figures->extras = (guint) sqlite3_column_int64 (stmt, 6);
      figures->sas_regulated = (guint) sqlite3_column_int64 (stmt, 7);
      for (guint r = 0; r < CRN_REFERRER_N; r++)
        {
          figures->booked_by_referrer[r] = (guint) sqlite3_column_int64 (stmt, 8 + 2 * r);
          figures->noshow_by_referrer[r] = (guint) sqlite3_column_int64 (stmt, 9 + 2 * r);
        }
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ inbox */

/**
 * _crn_store_db_bookings_to_confirm:
 *
 * Returns: (transfer full) (element-type CrnBooking): bookings waiting for the practice's
 *   confirmation (crn_booking_needs_confirmation()), soonest first
 */
GPtrArray *
_crn_store_db_bookings_to_confirm (CrnStoreDb  *db,
                                   GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.status IN ('proposed', 'pending') AND b.practitioner_status = 'needs-action'"
    " ORDER BY b.start, b.id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  return stmt != NULL ? collect_bookings (db, stmt, error) : NULL;
}

/**
 * _crn_store_db_bookings_between:
 * @from: start (inclusive), e.g. today 00:00 in Europe/Paris
 * @to: end (exclusive)
 *
 * Returns: (transfer full) (element-type CrnBooking): bookings that hold their slot and
 *   start in [@from, @to), plus extra patients, soonest first
 */
GPtrArray *
_crn_store_db_bookings_between (CrnStoreDb  *db,
                                CrnInstant   from,
                                CrnInstant   to,
                                GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.start >= :from AND b.start < :to AND b.status IN " CRN_STORE_HOLDING_STATUSES
    " ORDER BY b.start, b.id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_int64 (stmt, ":from", from);
  _crn_store_bind_int64 (stmt, ":to", to);
  return collect_bookings (db, stmt, error);
}

/**
 * _crn_store_db_extras_between:
 * @from: start (inclusive)
 * @to: end (exclusive)
 *
 * Returns: (transfer full) (element-type CrnBooking): extra patients (surnuméraires, no
 *   slot) not cancelled, starting in [@from, @to), soonest first
 */
GPtrArray *
_crn_store_db_extras_between (CrnStoreDb  *db,
                              CrnInstant   from,
                              CrnInstant   to,
                              GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.start >= :from AND b.start < :to AND b.extra != 0"
    "   AND b.status NOT IN ('cancelled', 'entered-in-error')"
    " ORDER BY b.start, b.id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_int64 (stmt, ":from", from);
  _crn_store_bind_int64 (stmt, ":to", to);
  return collect_bookings (db, stmt, error);
}

/**
 * _crn_store_db_bookings_coming:
 * @now: the current instant
 * @limit: at most this many, 0 for no limit
 *
 * Returns: (transfer full) (element-type CrnBooking): bookings still to come (proposed,
 *   pending, booked, arrived, start after @now), soonest first
 */
GPtrArray *
_crn_store_db_bookings_coming (CrnStoreDb  *db,
                               CrnInstant   now,
                               guint        limit,
                               GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.start > :now AND b.status IN ('proposed', 'pending', 'booked', 'arrived')"
    " ORDER BY b.start, b.id LIMIT :limit";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_int64 (stmt, ":now", now);
  _crn_store_bind_int64 (stmt, ":limit", limit > 0 ? (gint64) limit : -1);
  return collect_bookings (db, stmt, error);
}

/**
 * _crn_store_db_bookings_without_outcome:
 * @now: the current instant
 *
 * Returns: (transfer full) (element-type CrnBooking): bookings whose outcome is still to
 *   be recorded (crn_booking_needs_outcome()), oldest first
 */
GPtrArray *
_crn_store_db_bookings_without_outcome (CrnStoreDb  *db,
                                        CrnInstant   now,
                                        GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.status IN ('booked', 'arrived') AND b.start <= :now"
    " ORDER BY b.start, b.id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_int64 (stmt, ":now", now);
  return collect_bookings (db, stmt, error);
}

/**
 * _crn_store_db_noshows_per_month:
 * @practitioner: (nullable): IDNPS, or %NULL for all
 * @first_month: a day of the first month (Europe/Paris)
 * @n_months: how many months
 *
 * No-shows and seen patients (not extras) per calendar month in Europe/Paris, in one query.
 *
 * Returns: (transfer full) (element-type CrnNoshowCount): one element per month, in order
 */
GArray *
_crn_store_db_noshows_per_month (CrnStoreDb   *db,
                                 const char   *practitioner,
                                 const GDate  *first_month,
                                 guint         n_months,
                                 GError      **error)
{
  static const char sql[] =
    "WITH months (y, m, f, t) AS (SELECT json_extract (value, '$[0]'),"
    "   json_extract (value, '$[1]'), json_extract (value, '$[2]'),"
    "   json_extract (value, '$[3]') FROM json_each (:months))"
    " SELECT months.y, months.m,"
    "  count (b.id) FILTER (WHERE b.status = 'noshow'),"
    "  count (b.id) FILTER (WHERE b.status = 'fulfilled'"
    "    OR (b.status = 'arrived' AND b.start <= :now))"
    " FROM months LEFT JOIN bookings b ON b.start >= months.f AND b.start < months.t"
    "  AND b.extra = 0 AND (:practitioner IS NULL OR b.practitioner = :practitioner)"
    " GROUP BY months.f ORDER BY months.f";
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (CrnNoshowCount));
  g_autoptr(GString) json = g_string_new ("[");
  sqlite3_stmt *stmt;
  GDate day = *first_month;
  int rc;

  g_date_set_day (&day, 1);
  for (guint i = 0; i < n_months; i++)
    {
      CrnInstant from, to;

      crn_period_month (&day, &from, &to);
      g_string_append_printf (json, "%s[%u,%u,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]",
                              i > 0 ? "," : "", g_date_get_year (&day),
                              (guint) g_date_get_month (&day), from, to);
      g_date_add_months (&day, 1);
    }
  g_string_append_c (json, ']');

  stmt = _crn_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  _crn_store_bind_text (stmt, ":months", json->str);
  _crn_store_bind_text (stmt, ":practitioner", practitioner);
  _crn_store_bind_int64 (stmt, ":now", crn_time_now ());

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnNoshowCount count = { 0, };

      count.year = (guint) sqlite3_column_int (stmt, 0);
      count.month = (guint) sqlite3_column_int (stmt, 1);
      count.noshow = (guint) sqlite3_column_int (stmt, 2);
      count.seen = (guint) sqlite3_column_int (stmt, 3);
      g_array_append_val (counts, count);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&counts);
}

/**
 * _crn_store_db_noshows_per_referrer:
 * @practitioner: (nullable): IDNPS, or %NULL for all
 * @from: start of the period (inclusive)
 * @to: end of the period (exclusive)
 *
 * Returns: (transfer full) (element-type CrnNoshowCount): one element per referrer that
 *   had a no-show or a seen patient in the period, by referrer
 */
GArray *
_crn_store_db_noshows_per_referrer (CrnStoreDb  *db,
                                    const char  *practitioner,
                                    CrnInstant   from,
                                    CrnInstant   to,
                                    GError     **error)
{
  static const char sql[] =
    "SELECT referrer, count (*) FILTER (WHERE status = 'noshow'),"
    "  count (*) FILTER (WHERE status = 'fulfilled' OR (status = 'arrived' AND start <= :now))"
    " FROM bookings"
    " WHERE start >= :from AND start < :to AND extra = 0"
    "  AND status IN ('noshow', 'fulfilled', 'arrived')"
    "  AND (:practitioner IS NULL OR practitioner = :practitioner)"
    " GROUP BY referrer";
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (CrnNoshowCount));
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_int64 (stmt, ":from", from);
  _crn_store_bind_int64 (stmt, ":to", to);
  _crn_store_bind_int64 (stmt, ":now", crn_time_now ());
  _crn_store_bind_text (stmt, ":practitioner", practitioner);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnNoshowCount count = { 0, };

      if (!crn_referrer_from_string ((const char *) sqlite3_column_text (stmt, 0),
                                     &count.referrer))
        count.referrer = CRN_REFERRER_OTHER;
      count.noshow = (guint) sqlite3_column_int (stmt, 1);
      count.seen = (guint) sqlite3_column_int (stmt, 2);
      if (count.noshow + count.seen > 0)
        g_array_append_val (counts, count);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&counts);
}

/**
 * _crn_store_db_repeat_noshows:
 * @min_count: the least number of no-shows to list a patient (2 or more)
 *
 * Patients are matched on family name, given name (case and accents folded) and birth date.
 *
 * Returns: (transfer full) (element-type CrnRepeatNoshow): most no-shows first
 */
GPtrArray *
_crn_store_db_repeat_noshows (CrnStoreDb  *db,
                              guint        min_count,
                              GError     **error)
{
  static const char sql[] =
    "SELECT min (patient_family), min (patient_given), patient_birth_date, count (*),"
    "  max (start)"
    " FROM bookings WHERE status = 'noshow'"
    " GROUP BY crn_fold (patient_family), crn_fold (patient_given), patient_birth_date"
    " HAVING count (*) >= :min"
    " ORDER BY count (*) DESC, max (start) DESC";
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_repeat_noshow_free);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _crn_store_bind_int64 (stmt, ":min", MAX (min_count, 2));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnRepeatNoshow *r = g_new0 (CrnRepeatNoshow, 1);

      r->family = _crn_store_column_dup (stmt, 0);
      r->given = _crn_store_column_dup (stmt, 1);
      r->birth_date = _crn_store_column_dup (stmt, 2);
      r->count = (guint) sqlite3_column_int (stmt, 3);
      r->last_start = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, r);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}
