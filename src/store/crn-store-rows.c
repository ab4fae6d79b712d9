/* crn-store-rows.c: domain objects in and out of the agenda file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "crn-store-private.h"

/* ------------------------------------------------------------------ readers */

static const char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static CrnRestriction
read_restriction (sqlite3_stmt *stmt,
                  int           col)
{
  CrnRestriction restriction = CRN_RESTRICTION_NONE;

  if (!crn_restriction_from_string (column_text (stmt, col), &restriction))
    restriction = CRN_RESTRICTION_NONE;
  return restriction;
}

CrnSlot *
_crn_store_read_slot (sqlite3_stmt *stmt,
                      int           col)
{
  CrnSlot *slot = crn_slot_new ();

  slot->id = _crn_store_column_dup (stmt, col + 0);
  slot->practitioner = _crn_store_column_dup (stmt, col + 1);
  slot->place_id = _crn_store_column_dup (stmt, col + 2);
  slot->template_block_id = _crn_store_column_dup (stmt, col + 3);
  slot->start = sqlite3_column_int64 (stmt, col + 4);
  slot->end = sqlite3_column_int64 (stmt, col + 5);
  slot->modalities = (CrnModality) sqlite3_column_int (stmt, col + 6);
  slot->visibility = (CrnVisibility) sqlite3_column_int (stmt, col + 7);
  slot->restriction = read_restriction (stmt, col + 8);
  slot->restriction_text = _crn_store_column_dup (stmt, col + 9);
  if (!crn_slot_status_from_string (column_text (stmt, col + 10), &slot->status))
    slot->status = CRN_SLOT_STATUS_BUSY_UNAVAILABLE;
  slot->version = sqlite3_column_int64 (stmt, col + 11);
  slot->last_updated_ms = sqlite3_column_int64 (stmt, col + 12);

  return slot;
}

CrnBooking *
_crn_store_read_booking (sqlite3_stmt *stmt,
                         int           col)
{
  CrnBooking *booking = crn_booking_new ();

  booking->id = _crn_store_column_dup (stmt, col + 0);
  booking->slot_id = _crn_store_column_dup (stmt, col + 1);
  booking->practitioner = _crn_store_column_dup (stmt, col + 2);
  booking->start = sqlite3_column_int64 (stmt, col + 3);
  booking->end = sqlite3_column_int64 (stmt, col + 4);
  booking->patient.family = _crn_store_column_dup (stmt, col + 5);
  booking->patient.given = _crn_store_column_dup (stmt, col + 6);
  booking->patient.birth_date = _crn_store_column_dup (stmt, col + 7);
  booking->patient.phone = _crn_store_column_dup (stmt, col + 8);
  booking->reason = _crn_store_column_dup (stmt, col + 9);
  if (!crn_referrer_from_string (column_text (stmt, col + 10), &booking->referrer))
    booking->referrer = CRN_REFERRER_OTHER;
  booking->referrer_name = _crn_store_column_dup (stmt, col + 11);
  booking->operator_id = _crn_store_column_dup (stmt, col + 12);
  booking->requested_at = sqlite3_column_int64 (stmt, col + 13);
  booking->created_at = sqlite3_column_int64 (stmt, col + 14);
  booking->extra = sqlite3_column_int (stmt, col + 15) != 0;
  if (!crn_appointment_status_from_string (column_text (stmt, col + 16), &booking->status))
    booking->status = CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR;
  if (!crn_participation_status_from_string (column_text (stmt, col + 17),
                                             &booking->practitioner_status))
    booking->practitioner_status = CRN_PARTICIPATION_NEEDS_ACTION;
  booking->cancel_reason = _crn_store_column_dup (stmt, col + 18);
  booking->version = sqlite3_column_int64 (stmt, col + 19);
  booking->last_updated_ms = sqlite3_column_int64 (stmt, col + 20);

  return booking;
}

static char *
date_to_text (const GDate *date)
{
  if (!g_date_valid (date))
    return NULL;

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          (guint) g_date_get_month (date), g_date_get_day (date));
}

static void
date_from_text (GDate      *date,
                const char *text)
{
  unsigned y, m, d;

  g_date_clear (date, 1);
  if (text != NULL && sscanf (text, "%4u-%2u-%2u", &y, &m, &d) == 3 &&
      g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* ------------------------------------------------------------------ slots */

#define SLOT_UPSERT_HEAD \
  "INSERT INTO slots (id, practitioner, place_id, template_id, template_block_id, start, end," \
  "  modalities, visibility, restriction, restriction_text, status, version, last_updated_ms)" \
  " VALUES (:id, :practitioner, :place_id," \
  "  COALESCE ((SELECT template_id FROM template_blocks WHERE id = :block)," \
  "            (SELECT template_id FROM template_exceptions WHERE id = :block))," \
  "  :block, :start, :end, :modalities, :visibility, :restriction, :restriction_text," \
  "  :status, :version, :last_updated_ms)" \
  " ON CONFLICT (id) DO UPDATE SET practitioner = excluded.practitioner," \
  "  place_id = excluded.place_id," \
  "  template_id = COALESCE (excluded.template_id, slots.template_id)," \
  "  template_block_id = excluded.template_block_id, start = excluded.start," \
  "  end = excluded.end, modalities = excluded.modalities, visibility = excluded.visibility," \
  "  restriction = excluded.restriction, restriction_text = excluded.restriction_text," \
  "  status = excluded.status, version = excluded.version," \
  "  last_updated_ms = excluded.last_updated_ms"

/* Server data never goes backwards; an equal version is the revision we already hold,
 * possibly with a local change that is not pushed yet. */
static const char slot_upsert_server_sql[] = SLOT_UPSERT_HEAD
  " WHERE excluded.version > slots.version";
static const char slot_upsert_local_sql[] = SLOT_UPSERT_HEAD;
/* The server's copy after it refused a change: replaces the refused local edit (same
 * version) but never a newer revision. */
static const char slot_restore_sql[] = SLOT_UPSERT_HEAD
  " WHERE excluded.version >= slots.version";

static gboolean
write_slot (CrnStoreDb     *db,
            const char     *sql,
            const CrnSlot  *slot,
            gboolean       *applied,
            GError        **error)
{
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  if (slot->id == NULL || slot->practitioner == NULL || slot->end <= slot->start)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("A slot without an identifier, a practitioner or a valid time cannot be "
                     "saved. Synchronise again; if it keeps happening, report the problem."));
      return FALSE;
    }

  _crn_store_bind_text (stmt, ":id", slot->id);
  _crn_store_bind_text (stmt, ":practitioner", slot->practitioner);
  _crn_store_bind_text (stmt, ":place_id", slot->place_id);
  _crn_store_bind_text (stmt, ":block", slot->template_block_id);
  _crn_store_bind_int64 (stmt, ":start", slot->start);
  _crn_store_bind_int64 (stmt, ":end", slot->end);
  _crn_store_bind_int64 (stmt, ":modalities", slot->modalities);
  _crn_store_bind_int64 (stmt, ":visibility", slot->visibility);
  _crn_store_bind_text (stmt, ":restriction", crn_restriction_to_string (slot->restriction));
  _crn_store_bind_text (stmt, ":restriction_text", slot->restriction_text);
  _crn_store_bind_text (stmt, ":status", crn_slot_status_to_string (slot->status));
  _crn_store_bind_int64 (stmt, ":version", slot->version);
  _crn_store_bind_int64 (stmt, ":last_updated_ms", slot->last_updated_ms);

  if (!_crn_store_db_step_done (db, stmt, error))
    return FALSE;

  if (applied != NULL)
    *applied = sqlite3_changes (_crn_store_db_get_handle (db)) > 0;
  return TRUE;
}

static const char *
removed_slot_note (void)
{
  return _("This slot is no longer in the weekly template; it is kept because a patient is "
           "booked on it. Cancel or move the booking, then remove the slot.");
}

/* Inside a page's transaction: a slot that a local template change removed but that the
 * server has booked (it came back busy in this page) is kept and flagged for the practice
 * to decide, never shown as an ordinary slot. */
static gboolean
flag_removed_held_slots (CrnStoreDb  *db,
                         GError     **error)
{
  static const char sql[] =
    "UPDATE slots SET conflict = 1, conflict_note = :note"
    " WHERE conflict = 0 AND status IN ('busy', 'busy-tentative')"
    " AND id IN (SELECT id FROM removed_slots)";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":note", removed_slot_note ());
  return _crn_store_db_step_done (db, stmt, error);
}

/**
 * _crn_store_db_upsert_slots:
 * @db: a store
 * @slots: (element-type CrnSlot): one page of slots from the server
 * @n_applied: (out) (optional): how many were new or newer than the stored ones
 * @error: where to put an error
 *
 * Inserts or updates the page in one transaction; a slot older than (or as old as) the one
 * stored is skipped. The local conflict flag is kept.
 */
gboolean
_crn_store_db_upsert_slots (CrnStoreDb  *db,
                            GPtrArray   *slots,
                            guint       *n_applied,
                            GError     **error)
{
  guint applied_count = 0;

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < slots->len; i++)
    {
      gboolean applied = FALSE;

      if (!write_slot (db, slot_upsert_server_sql, g_ptr_array_index (slots, i), &applied,
                       error))
        {
          _crn_store_db_rollback (db);
          return FALSE;
        }
      applied_count += applied;
    }

  if (applied_count > 0 && !flag_removed_held_slots (db, error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  if (n_applied != NULL)
    *n_applied = applied_count;
  return TRUE;
}

/**
 * _crn_store_db_delete_slots:
 * @db: a store
 * @ids: (array zero-terminated=1): slot ids the server deleted
 * @error: where to put an error
 *
 * Deletes slots in one transaction. A slot that holds a booking is kept and flagged, like
 * in _crn_store_db_replace_template_slots().
 */
gboolean
_crn_store_db_delete_slots (CrnStoreDb          *db,
                            const char * const  *ids,
                            GError             **error)
{
  static const char flag_sql[] =
    "UPDATE slots SET conflict = 1, conflict_note = :note WHERE id = :id AND EXISTS"
    " (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id AND b.status IN "
    CRN_STORE_HOLDING_STATUSES ")";
  static const char delete_sql[] =
    "DELETE FROM slots WHERE id = :id AND NOT EXISTS"
    " (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id AND b.status IN "
    CRN_STORE_HOLDING_STATUSES ")";

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      sqlite3_stmt *flag = _crn_store_db_prepare (db, flag_sql, error);
      sqlite3_stmt *del;

      if (flag == NULL)
        goto fail;
      _crn_store_bind_text (flag, ":id", ids[i]);
      _crn_store_bind_text (flag, ":note",
                            _("This slot was removed from the agenda; it is kept here "
                              "because a patient is booked on it."));
      if (!_crn_store_db_step_done (db, flag, error))
        goto fail;

      del = _crn_store_db_prepare (db, delete_sql, error);
      if (del == NULL)
        goto fail;
      _crn_store_bind_text (del, ":id", ids[i]);
      if (!_crn_store_db_step_done (db, del, error))
        goto fail;
    }

  return _crn_store_db_commit (db, error);

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

/**
 * _crn_store_db_get_slot:
 *
 * Returns: (transfer full) (nullable): a copy of the slot, or %NULL with
 *   %CRN_STORE_ERROR_NOT_FOUND
 */
CrnSlot *
_crn_store_db_get_slot (CrnStoreDb  *db,
                        const char  *id,
                        GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_SLOT_COLUMNS " FROM slots s WHERE s.id = :id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  CrnSlot *slot = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  _crn_store_bind_text (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    slot = _crn_store_read_slot (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                 _("This slot is no longer in the agenda. Refresh the view."));
  else
    _crn_store_db_set_error (db, rc, error);
  sqlite3_reset (stmt);

  return slot;
}

/* ------------------------------------------------------------------ bookings */

#define BOOKING_UPSERT_HEAD \
  "INSERT INTO bookings (id, slot_id, practitioner, start, end, patient_family," \
  "  patient_given, patient_birth_date, patient_phone, reason, referrer, referrer_name," \
  "  operator_id, requested_at, created_at, extra, status, practitioner_status," \
  "  cancel_reason, version, last_updated_ms)" \
  " VALUES (:id, :slot_id, :practitioner, :start, :end, :family, :given, :birth_date," \
  "  :phone, :reason, :referrer, :referrer_name, :operator_id, :requested_at, :created_at," \
  "  :extra, :status, :practitioner_status, :cancel_reason, :version, :last_updated_ms)" \
  " ON CONFLICT (id) DO UPDATE SET slot_id = excluded.slot_id," \
  "  practitioner = excluded.practitioner, start = excluded.start, end = excluded.end," \
  "  patient_family = excluded.patient_family, patient_given = excluded.patient_given," \
  "  patient_birth_date = excluded.patient_birth_date," \
  "  patient_phone = excluded.patient_phone, reason = excluded.reason," \
  "  referrer = excluded.referrer, referrer_name = excluded.referrer_name," \
  "  operator_id = excluded.operator_id, requested_at = excluded.requested_at," \
  "  created_at = excluded.created_at, extra = excluded.extra, status = excluded.status," \
  "  practitioner_status = excluded.practitioner_status," \
  "  cancel_reason = excluded.cancel_reason, version = excluded.version," \
  "  last_updated_ms = excluded.last_updated_ms"

static const char booking_upsert_server_sql[] = BOOKING_UPSERT_HEAD
  " WHERE excluded.version > bookings.version";
static const char booking_upsert_local_sql[] = BOOKING_UPSERT_HEAD;
static const char booking_restore_sql[] = BOOKING_UPSERT_HEAD
  " WHERE excluded.version >= bookings.version";

static gboolean
write_booking (CrnStoreDb        *db,
               const char        *sql,
               const CrnBooking  *booking,
               gboolean          *applied,
               GError           **error)
{
  sqlite3_stmt *stmt;

  if (booking->id == NULL || booking->practitioner == NULL ||
      booking->patient.family == NULL || booking->patient.given == NULL ||
      booking->patient.birth_date == NULL)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("A booking without an identifier, a practitioner or the patient’s name "
                     "and birth date cannot be saved. Synchronise again; if it keeps "
                     "happening, report the problem."));
      return FALSE;
    }

  stmt = _crn_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;

  _crn_store_bind_text (stmt, ":id", booking->id);
  _crn_store_bind_text (stmt, ":slot_id", booking->slot_id);
  _crn_store_bind_text (stmt, ":practitioner", booking->practitioner);
  _crn_store_bind_int64 (stmt, ":start", booking->start);
  _crn_store_bind_int64 (stmt, ":end", booking->end);
  _crn_store_bind_text (stmt, ":family", booking->patient.family);
  _crn_store_bind_text (stmt, ":given", booking->patient.given);
  _crn_store_bind_text (stmt, ":birth_date", booking->patient.birth_date);
  _crn_store_bind_text (stmt, ":phone", booking->patient.phone);
  _crn_store_bind_text (stmt, ":reason", booking->reason);
  _crn_store_bind_text (stmt, ":referrer", crn_referrer_to_string (booking->referrer));
  _crn_store_bind_text (stmt, ":referrer_name", booking->referrer_name);
  _crn_store_bind_text (stmt, ":operator_id", booking->operator_id);
  _crn_store_bind_int64 (stmt, ":requested_at", booking->requested_at);
  _crn_store_bind_int64 (stmt, ":created_at", booking->created_at);
  _crn_store_bind_int64 (stmt, ":extra", booking->extra ? 1 : 0);
  _crn_store_bind_text (stmt, ":status", crn_appointment_status_to_string (booking->status));
  _crn_store_bind_text (stmt, ":practitioner_status",
                        crn_participation_status_to_string (booking->practitioner_status));
  _crn_store_bind_text (stmt, ":cancel_reason", booking->cancel_reason);
  _crn_store_bind_int64 (stmt, ":version", booking->version);
  _crn_store_bind_int64 (stmt, ":last_updated_ms", booking->last_updated_ms);

  if (!_crn_store_db_step_done (db, stmt, error))
    return FALSE;

  if (applied != NULL)
    *applied = sqlite3_changes (_crn_store_db_get_handle (db)) > 0;
  return TRUE;
}

/**
 * _crn_store_db_upsert_bookings:
 * @db: a store
 * @bookings: (element-type CrnBooking): one page of bookings from the server
 * @n_applied: (out) (optional): how many were new or newer than the stored ones
 * @error: where to put an error
 *
 * Inserts or updates the page in one transaction; a booking older than (or as old as) the
 * one stored is skipped.
 */
gboolean
_crn_store_db_upsert_bookings (CrnStoreDb  *db,
                               GPtrArray   *bookings,
                               guint       *n_applied,
                               GError     **error)
{
  guint applied_count = 0;

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < bookings->len; i++)
    {
      gboolean applied = FALSE;

      if (!write_booking (db, booking_upsert_server_sql, g_ptr_array_index (bookings, i),
                          &applied, error))
        {
          _crn_store_db_rollback (db);
          return FALSE;
        }
      applied_count += applied;
    }

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  if (n_applied != NULL)
    *n_applied = applied_count;
  return TRUE;
}

/**
 * _crn_store_db_get_booking:
 *
 * Returns: (transfer full) (nullable): a copy of the booking, or %NULL with
 *   %CRN_STORE_ERROR_NOT_FOUND
 */
CrnBooking *
_crn_store_db_get_booking (CrnStoreDb  *db,
                           const char  *id,
                           GError     **error)
{
  static const char sql[] =
    "SELECT " CRN_STORE_BOOKING_COLUMNS " FROM bookings b WHERE b.id = :id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  CrnBooking *booking = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  _crn_store_bind_text (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    booking = _crn_store_read_booking (stmt, 0);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                 _("This booking is no longer in the agenda. Refresh the view."));
  else
    _crn_store_db_set_error (db, rc, error);
  sqlite3_reset (stmt);

  return booking;
}

/* ------------------------------------------------------------------ templates */

static gboolean
write_template (CrnStoreDb         *db,
                const CrnTemplate  *template,
                gboolean            check_version,
                gboolean           *applied,
                GError            **error)
{
  static const char version_sql[] = "SELECT version FROM templates WHERE id = :id";
  static const char upsert_sql[] =
    "INSERT INTO templates (id, practitioner, place_id, version, last_updated_ms)"
    " VALUES (:id, :practitioner, :place_id, :version, :last_updated_ms)"
    " ON CONFLICT (id) DO UPDATE SET practitioner = excluded.practitioner,"
    "  place_id = excluded.place_id, version = excluded.version,"
    "  last_updated_ms = excluded.last_updated_ms";
  static const char clear_blocks_sql[] = "DELETE FROM template_blocks WHERE template_id = :id";
  static const char clear_exceptions_sql[] =
    "DELETE FROM template_exceptions WHERE template_id = :id";
  static const char block_sql[] =
    "INSERT OR REPLACE INTO template_blocks (id, template_id, position, weekdays,"
    "  start_minute, end_minute, slot_minutes, n_patients, months, modalities, visibility,"
    "  restriction, restriction_text, valid_from, valid_until)"
    " VALUES (:id, :template_id, :position, :weekdays, :start_minute, :end_minute,"
    "  :slot_minutes, :n_patients, :months, :modalities, :visibility, :restriction,"
    "  :restriction_text, :valid_from, :valid_until)";
  static const char exception_sql[] =
    "INSERT OR REPLACE INTO template_exceptions (id, template_id, position, kind, start, end,"
    "  reason, slot_minutes, n_patients, modalities, visibility, restriction,"
    "  restriction_text)"
    " VALUES (:id, :template_id, :position, :kind, :start, :end, :reason, :slot_minutes,"
    "  :n_patients, :modalities, :visibility, :restriction, :restriction_text)";
  /* Slots of this template stored before it: one pull sorts by lastUpdated, so a template
   * edited after its slots were made arrives after them. Without their template they would
   * escape the next re-expansion (a removed slot kept, a booked one never flagged). */
  static const char adopt_sql[] =
    "UPDATE slots SET template_id = :id WHERE template_id IS NULL AND template_block_id IN"
    " (SELECT id FROM template_blocks WHERE template_id = :id"
    "  UNION ALL SELECT id FROM template_exceptions WHERE template_id = :id)";
  sqlite3_stmt *stmt;
  const char *clears[] = { clear_blocks_sql, clear_exceptions_sql };

  *applied = FALSE;
  if (template->id == NULL || template->practitioner == NULL)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                   _("A weekly template without an identifier or a practitioner cannot be "
                     "saved."));
      return FALSE;
    }

  if (check_version)
    {
      int rc;

      stmt = _crn_store_db_prepare (db, version_sql, error);
      if (stmt == NULL)
        return FALSE;
      _crn_store_bind_text (stmt, ":id", template->id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) >= template->version)
        {
          sqlite3_reset (stmt);
          return TRUE;
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          _crn_store_db_set_error (db, rc, error);
          return FALSE;
        }
    }

  stmt = _crn_store_db_prepare (db, upsert_sql, error);
  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":id", template->id);
  _crn_store_bind_text (stmt, ":practitioner", template->practitioner);
  _crn_store_bind_text (stmt, ":place_id", template->place_id);
  _crn_store_bind_int64 (stmt, ":version", template->version);
  _crn_store_bind_int64 (stmt, ":last_updated_ms", template->last_updated_ms);
  if (!_crn_store_db_step_done (db, stmt, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (clears); i++)
    {
      stmt = _crn_store_db_prepare (db, clears[i], error);
      if (stmt == NULL)
        return FALSE;
      _crn_store_bind_text (stmt, ":id", template->id);
      if (!_crn_store_db_step_done (db, stmt, error))
        return FALSE;
    }

  for (guint i = 0; template->blocks != NULL && i < template->blocks->len; i++)
    {
      const CrnTemplateBlock *block = g_ptr_array_index (template->blocks, i);
      g_autofree char *from = date_to_text (&block->valid_from);
      g_autofree char *until = date_to_text (&block->valid_until);

      stmt = _crn_store_db_prepare (db, block_sql, error);
      if (stmt == NULL)
        return FALSE;
      _crn_store_bind_text (stmt, ":id", block->id);
      _crn_store_bind_text (stmt, ":template_id", template->id);
      _crn_store_bind_int64 (stmt, ":position", i);
      _crn_store_bind_int64 (stmt, ":weekdays", block->weekdays);
      _crn_store_bind_int64 (stmt, ":start_minute", block->start_minute);
      _crn_store_bind_int64 (stmt, ":end_minute", block->end_minute);
      _crn_store_bind_int64 (stmt, ":slot_minutes", block->slot_minutes);
      _crn_store_bind_int64 (stmt, ":n_patients", block->n_patients);
      _crn_store_bind_int64 (stmt, ":months", block->months);
      _crn_store_bind_int64 (stmt, ":modalities", block->modalities);
      _crn_store_bind_int64 (stmt, ":visibility", block->visibility);
      _crn_store_bind_text (stmt, ":restriction", crn_restriction_to_string (block->restriction));
      _crn_store_bind_text (stmt, ":restriction_text", block->restriction_text);
      _crn_store_bind_text (stmt, ":valid_from", from);
      _crn_store_bind_text (stmt, ":valid_until", until);
      if (!_crn_store_db_step_done (db, stmt, error))
        return FALSE;
    }

  for (guint i = 0; template->exceptions != NULL && i < template->exceptions->len; i++)
    {
      const CrnTemplateException *exception = g_ptr_array_index (template->exceptions, i);

      stmt = _crn_store_db_prepare (db, exception_sql, error);
      if (stmt == NULL)
        return FALSE;
      _crn_store_bind_text (stmt, ":id", exception->id);
      _crn_store_bind_text (stmt, ":template_id", template->id);
      _crn_store_bind_int64 (stmt, ":position", i);
      _crn_store_bind_text (stmt, ":kind",
                            exception->kind == CRN_EXCEPTION_EXTRA ? "extra" : "absence");
      _crn_store_bind_int64 (stmt, ":start", exception->start);
      _crn_store_bind_int64 (stmt, ":end", exception->end);
      _crn_store_bind_text (stmt, ":reason", exception->reason);
      _crn_store_bind_int64 (stmt, ":slot_minutes", exception->slot_minutes);
      _crn_store_bind_int64 (stmt, ":n_patients", exception->n_patients);
      _crn_store_bind_int64 (stmt, ":modalities", exception->modalities);
      _crn_store_bind_int64 (stmt, ":visibility", exception->visibility);
      _crn_store_bind_text (stmt, ":restriction",
                            crn_restriction_to_string (exception->restriction));
      _crn_store_bind_text (stmt, ":restriction_text", exception->restriction_text);
      if (!_crn_store_db_step_done (db, stmt, error))
        return FALSE;
    }

  stmt = _crn_store_db_prepare (db, adopt_sql, error);
  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":id", template->id);
  if (!_crn_store_db_step_done (db, stmt, error))
    return FALSE;

  *applied = TRUE;
  return TRUE;
}

/**
 * _crn_store_db_upsert_templates:
 * @db: a store
 * @templates: (element-type CrnTemplate): one page of templates from the server
 * @n_applied: (out) (optional): how many were new or newer than the stored ones
 * @error: where to put an error
 *
 * Inserts or replaces (with their blocks and exceptions) the templates of the page in one
 * transaction; a template older than (or as old as) the one stored is skipped.
 */
gboolean
_crn_store_db_upsert_templates (CrnStoreDb  *db,
                                GPtrArray   *templates,
                                guint       *n_applied,
                                GError     **error)
{
  guint applied_count = 0;

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < templates->len; i++)
    {
      gboolean applied = FALSE;

      if (!write_template (db, g_ptr_array_index (templates, i), TRUE, &applied, error))
        {
          _crn_store_db_rollback (db);
          return FALSE;
        }
      applied_count += applied;
    }

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  if (n_applied != NULL)
    *n_applied = applied_count;
  return TRUE;
}

/* ------------------------------------------------------------------ pages, restores */

/* Writes server rows of one type inside the caller's transaction. */
static gboolean
write_server_rows (CrnStoreDb  *db,
                   const char  *resource,
                   GPtrArray   *objects,
                   guint       *n_applied,
                   GError     **error)
{
  guint applied_count = 0;

  for (guint i = 0; objects != NULL && i < objects->len; i++)
    {
      gconstpointer object = g_ptr_array_index (objects, i);
      gboolean applied = FALSE;
      gboolean ok;

      if (g_strcmp0 (resource, "Slot") == 0)
        ok = write_slot (db, slot_upsert_server_sql, object, &applied, error);
      else if (g_strcmp0 (resource, "Appointment") == 0)
        ok = write_booking (db, booking_upsert_server_sql, object, &applied, error);
      else if (g_strcmp0 (resource, "Schedule") == 0)
        ok = write_template (db, object, TRUE, &applied, error);
      else
        {
          g_critical ("Unknown resource type %s", resource);
          ok = FALSE;
          g_set_error_literal (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                               "Unknown resource type");
        }
      if (!ok)
        return FALSE;
      applied_count += applied;
    }

  if (applied_count > 0 && g_strcmp0 (resource, "Slot") == 0 &&
      !flag_removed_held_slots (db, error))
    return FALSE;
  *n_applied = applied_count;
  return TRUE;
}

/**
 * _crn_store_db_apply_page:
 * @resource: "Slot" (@objects hold #CrnSlot), "Appointment" (#CrnBooking) or "Schedule"
 *   (#CrnTemplate)
 * @objects: one page from the server
 * @state: (nullable): the pull's watermark after this page
 * @n_applied: (out) (optional): rows that were new or newer than the stored ones
 *
 * Writes the page and the watermark in one transaction: a pull stopped at any point has
 * either both or neither, so no row is lost or skipped.
 */
gboolean
_crn_store_db_apply_page (CrnStoreDb          *db,
                          const char          *resource,
                          GPtrArray           *objects,
                          const CrnSyncState  *state,
                          guint               *n_applied,
                          GError             **error)
{
  guint applied_count = 0;

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!write_server_rows (db, resource, objects, &applied_count, error) ||
      (state != NULL && !_crn_store_db_set_sync_state (db, state, error)))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  if (n_applied != NULL)
    *n_applied = applied_count;
  return TRUE;
}

/**
 * _crn_store_db_apply_server_page:
 * @templates: (nullable): #CrnTemplate of the page
 * @slots: (nullable): #CrnSlot of the page
 * @bookings: (nullable): #CrnBooking of the page
 * @state: (nullable): the pull's watermark after this page
 * @n_applied: (out caller-allocates) (array fixed-size=3): rows that were new or newer, per
 *   type (templates, slots, bookings)
 *
 * A page of a search over several types: templates, then slots, then bookings, and the
 * watermark, in one transaction.
 */
gboolean
_crn_store_db_apply_server_page (CrnStoreDb          *db,
                                 GPtrArray           *templates,
                                 GPtrArray           *slots,
                                 GPtrArray           *bookings,
                                 const CrnSyncState  *state,
                                 guint                n_applied[3],
                                 GError             **error)
{
  guint applied[3] = { 0, 0, 0 };

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!write_server_rows (db, "Schedule", templates, &applied[0], error) ||
      !write_server_rows (db, "Slot", slots, &applied[1], error) ||
      !write_server_rows (db, "Appointment", bookings, &applied[2], error) ||
      (state != NULL && !_crn_store_db_set_sync_state (db, state, error)))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  for (guint i = 0; i < 3; i++)
    n_applied[i] = applied[i];
  return TRUE;
}

/**
 * _crn_store_db_restore_slot:
 * @slot: the server's copy of a slot whose local change the server refused
 * @applied: (out) (optional): whether the row changed
 *
 * Puts the server's copy back over the refused local edit (same version); a newer stored
 * revision is kept.
 */
gboolean
_crn_store_db_restore_slot (CrnStoreDb     *db,
                            const CrnSlot  *slot,
                            gboolean       *applied,
                            GError        **error)
{
  if (!_crn_store_db_begin (db, error))
    return FALSE;
  if (!write_slot (db, slot_restore_sql, slot, applied, error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }
  return _crn_store_db_commit (db, error);
}

/**
 * _crn_store_db_restore_booking:
 * @id: the booking
 * @booking: (nullable): the server's copy, or %NULL when the server does not have it
 * @applied: (out) (optional): whether the row changed
 *
 * Puts the server's copy back over a refused local edit; without one, a booking the server
 * never had (version 0: a refused creation) is deleted, its outbox entry keeps what the user
 * typed.
 */
gboolean
_crn_store_db_restore_booking (CrnStoreDb        *db,
                               const char        *id,
                               const CrnBooking  *booking,
                               gboolean          *applied,
                               GError           **error)
{
  static const char delete_sql[] = "DELETE FROM bookings WHERE id = :id AND version = 0";
  sqlite3_stmt *stmt;

  if (!_crn_store_db_begin (db, error))
    return FALSE;
  if (booking != NULL)
    {
      if (!write_booking (db, booking_restore_sql, booking, applied, error))
        goto fail;
    }
  else
    {
      stmt = _crn_store_db_prepare (db, delete_sql, error);
      if (stmt == NULL)
        goto fail;
      _crn_store_bind_text (stmt, ":id", id);
      if (!_crn_store_db_step_done (db, stmt, error))
        goto fail;
      if (applied != NULL)
        *applied = sqlite3_changes (_crn_store_db_get_handle (db)) > 0;
    }
  return _crn_store_db_commit (db, error);

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

/**
 * _crn_store_db_restore_template:
 * @template: the server's copy of a template whose local change the server refused
 * @applied: (out) (optional): whether the row changed
 *
 * Puts the server's copy (blocks and exceptions) back unless a newer one is stored.
 */
gboolean
_crn_store_db_restore_template (CrnStoreDb         *db,
                                const CrnTemplate  *template,
                                gboolean           *applied,
                                GError            **error)
{
  static const char version_sql[] = "SELECT version FROM templates WHERE id = :id";
  sqlite3_stmt *stmt;
  gboolean dummy;
  int rc;

  if (applied == NULL)
    applied = &dummy;
  *applied = FALSE;
  if (!_crn_store_db_begin (db, error))
    return FALSE;
  stmt = _crn_store_db_prepare (db, version_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":id", template->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > template->version)
    {
      sqlite3_reset (stmt);
      return _crn_store_db_commit (db, error);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      goto fail;
    }
  if (!write_template (db, template, FALSE, applied, error))
    goto fail;
  return _crn_store_db_commit (db, error);

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

static gboolean
read_template_parts (CrnStoreDb   *db,
                     CrnTemplate  *template,
                     GError      **error)
{
  static const char blocks_sql[] =
    "SELECT id, weekdays, start_minute, end_minute, slot_minutes, n_patients, months,"
    " modalities, visibility, restriction, restriction_text, valid_from, valid_until"
    " FROM template_blocks WHERE template_id = :id ORDER BY position";
  static const char exceptions_sql[] =
    "SELECT id, kind, start, end, reason, slot_minutes, n_patients, modalities, visibility,"
    " restriction, restriction_text"
    " FROM template_exceptions WHERE template_id = :id ORDER BY position";
  sqlite3_stmt *stmt;
  int rc;

  stmt = _crn_store_db_prepare (db, blocks_sql, error);
  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":id", template->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnTemplateBlock *block = crn_template_block_new ();

      g_free (block->id);
      block->id = _crn_store_column_dup (stmt, 0);
      block->weekdays = (guint8) sqlite3_column_int (stmt, 1);
      block->start_minute = (guint16) sqlite3_column_int (stmt, 2);
      block->end_minute = (guint16) sqlite3_column_int (stmt, 3);
      block->slot_minutes = (guint16) sqlite3_column_int (stmt, 4);
      block->n_patients = (guint16) sqlite3_column_int (stmt, 5);
      block->months = (guint16) sqlite3_column_int (stmt, 6);
      block->modalities = (CrnModality) sqlite3_column_int (stmt, 7);
      block->visibility = (CrnVisibility) sqlite3_column_int (stmt, 8);
      block->restriction = read_restriction (stmt, 9);
      g_free (block->restriction_text);
      block->restriction_text = _crn_store_column_dup (stmt, 10);
      date_from_text (&block->valid_from, column_text (stmt, 11));
      date_from_text (&block->valid_until, column_text (stmt, 12));
      crn_template_add_block (template, block);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  stmt = _crn_store_db_prepare (db, exceptions_sql, error);
  if (stmt == NULL)
    return FALSE;
  _crn_store_bind_text (stmt, ":id", template->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnTemplateException *exception = crn_template_exception_new ();

      g_free (exception->id);
      exception->id = _crn_store_column_dup (stmt, 0);
      exception->kind = g_strcmp0 (column_text (stmt, 1), "extra") == 0
                        ? CRN_EXCEPTION_EXTRA : CRN_EXCEPTION_ABSENCE;
      exception->start = sqlite3_column_int64 (stmt, 2);
      exception->end = sqlite3_column_int64 (stmt, 3);
      g_free (exception->reason);
      exception->reason = _crn_store_column_dup (stmt, 4);
      exception->slot_minutes = (guint16) sqlite3_column_int (stmt, 5);
      exception->n_patients = (guint16) sqlite3_column_int (stmt, 6);
      exception->modalities = (CrnModality) sqlite3_column_int (stmt, 7);
      exception->visibility = (CrnVisibility) sqlite3_column_int (stmt, 8);
      exception->restriction = read_restriction (stmt, 9);
      g_free (exception->restriction_text);
      exception->restriction_text = _crn_store_column_dup (stmt, 10);
      crn_template_add_exception (template, exception);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return FALSE;
    }

  return TRUE;
}

static CrnTemplate *
read_template_row (sqlite3_stmt *stmt)
{
  CrnTemplate *template = crn_template_new (column_text (stmt, 1), column_text (stmt, 2));

  g_free (template->id);
  template->id = _crn_store_column_dup (stmt, 0);
  template->version = sqlite3_column_int64 (stmt, 3);
  template->last_updated_ms = sqlite3_column_int64 (stmt, 4);

  return template;
}

/**
 * _crn_store_db_get_template:
 *
 * Returns: (transfer full) (nullable): a copy of the template with its blocks and
 *   exceptions, or %NULL with %CRN_STORE_ERROR_NOT_FOUND
 */
CrnTemplate *
_crn_store_db_get_template (CrnStoreDb  *db,
                            const char  *id,
                            GError     **error)
{
  static const char sql[] =
    "SELECT id, practitioner, place_id, version, last_updated_ms FROM templates"
    " WHERE id = :id";
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  g_autoptr(CrnTemplate) template = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  _crn_store_bind_text (stmt, ":id", id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    template = read_template_row (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                   _("This weekly template is no longer in the agenda. Refresh the view."));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  if (!read_template_parts (db, template, error))
    return NULL;

  return g_steal_pointer (&template);
}

/**
 * _crn_store_db_list_templates:
 * @practitioner: (nullable): IDNPS, or %NULL for all
 *
 * Returns: (transfer full) (element-type CrnTemplate): the templates
 */
GPtrArray *
_crn_store_db_list_templates (CrnStoreDb  *db,
                              const char  *practitioner,
                              GError     **error)
{
  static const char sql[] =
    "SELECT id, practitioner, place_id, version, last_updated_ms FROM templates"
    " WHERE :practitioner IS NULL OR practitioner = :practitioner ORDER BY practitioner, id";
  g_autoptr(GPtrArray) templates =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_template_free);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  _crn_store_bind_text (stmt, ":practitioner", practitioner);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (templates, read_template_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  for (guint i = 0; i < templates->len; i++)
    {
      if (!read_template_parts (db, g_ptr_array_index (templates, i), error))
        return NULL;
    }

  return g_steal_pointer (&templates);
}

/* ------------------------------------------------------------------ practitioners, places */

/**
 * _crn_store_db_upsert_practitioners:
 * @practitioners: (element-type CrnPractitioner): from the server
 *
 * Practitioners carry no version: the server's copy always wins.
 */
gboolean
_crn_store_db_upsert_practitioners (CrnStoreDb  *db,
                                    GPtrArray   *practitioners,
                                    GError     **error)
{
  static const char sql[] =
    "INSERT INTO practitioners (idnps, family, given, phone, organization)"
    " VALUES (:idnps, :family, :given, :phone, :organization)"
    " ON CONFLICT (idnps) DO UPDATE SET family = excluded.family, given = excluded.given,"
    "  phone = excluded.phone, organization = excluded.organization";

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < practitioners->len; i++)
    {
      const CrnPractitioner *p = g_ptr_array_index (practitioners, i);
      sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

      if (stmt == NULL)
        goto fail;
      if (p->idnps == NULL || p->family == NULL || p->given == NULL)
        {
          g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                       _("A practitioner without an RPPS number or a name cannot be saved."));
          goto fail;
        }
      _crn_store_bind_text (stmt, ":idnps", p->idnps);
      _crn_store_bind_text (stmt, ":family", p->family);
      _crn_store_bind_text (stmt, ":given", p->given);
      _crn_store_bind_text (stmt, ":phone", p->phone);
      _crn_store_bind_text (stmt, ":organization", p->organization);
      if (!_crn_store_db_step_done (db, stmt, error))
        goto fail;
    }

  return _crn_store_db_commit (db, error);

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

GPtrArray *
_crn_store_db_list_practitioners (CrnStoreDb  *db,
                                  GError     **error)
{
  static const char sql[] =
    "SELECT idnps, family, given, phone, organization FROM practitioners"
    " ORDER BY family, given, idnps";
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify) crn_practitioner_free);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnPractitioner *p = crn_practitioner_new ();

      p->idnps = _crn_store_column_dup (stmt, 0);
      p->family = _crn_store_column_dup (stmt, 1);
      p->given = _crn_store_column_dup (stmt, 2);
      p->phone = _crn_store_column_dup (stmt, 3);
      p->organization = _crn_store_column_dup (stmt, 4);
      g_ptr_array_add (list, p);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * _crn_store_db_upsert_places:
 * @places: (element-type CrnPlace): from the server
 */
gboolean
_crn_store_db_upsert_places (CrnStoreDb  *db,
                             GPtrArray   *places,
                             GError     **error)
{
  static const char sql[] =
    "INSERT INTO places (id, name, line, postal_code, city)"
    " VALUES (:id, :name, :line, :postal_code, :city)"
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, line = excluded.line,"
    "  postal_code = excluded.postal_code, city = excluded.city";

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < places->len; i++)
    {
      const CrnPlace *p = g_ptr_array_index (places, i);
      sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);

      if (stmt == NULL)
        goto fail;
      if (p->id == NULL || p->name == NULL)
        {
          g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                       _("A place of consultation without an identifier or a name cannot be "
                         "saved."));
          goto fail;
        }
      _crn_store_bind_text (stmt, ":id", p->id);
      _crn_store_bind_text (stmt, ":name", p->name);
      _crn_store_bind_text (stmt, ":line", p->line);
      _crn_store_bind_text (stmt, ":postal_code", p->postal_code);
      _crn_store_bind_text (stmt, ":city", p->city);
      if (!_crn_store_db_step_done (db, stmt, error))
        goto fail;
    }

  return _crn_store_db_commit (db, error);

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

GPtrArray *
_crn_store_db_list_places (CrnStoreDb  *db,
                           GError     **error)
{
  static const char sql[] =
    "SELECT id, name, line, postal_code, city FROM places ORDER BY name, id";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_place_free);
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CrnPlace *p = crn_place_new ();

      p->id = _crn_store_column_dup (stmt, 0);
      p->name = _crn_store_column_dup (stmt, 1);
      p->line = _crn_store_column_dup (stmt, 2);
      p->postal_code = _crn_store_column_dup (stmt, 3);
      p->city = _crn_store_column_dup (stmt, 4);
      g_ptr_array_add (list, p);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/* ------------------------------------------------------------------ policy */

/**
 * _crn_store_db_set_policy:
 * @policy: the CPTS policy from the server
 * @version: its version; an older or equal one than the stored is skipped
 * @applied: (out) (optional): whether it replaced the stored one
 */
gboolean
_crn_store_db_set_policy (CrnStoreDb       *db,
                          const CrnPolicy  *policy,
                          gint64            version,
                          gboolean         *applied,
                          GError          **error)
{
  static const char sql[] =
    "INSERT INTO policy (id, snp_hours, reclaim_minutes, booking_closes_minutes,"
    "  horizon_hours, needs_confirmation, version)"
    " VALUES (1, :snp_hours, :reclaim, :closes, :horizon, :confirm, :version)"
    " ON CONFLICT (id) DO UPDATE SET snp_hours = excluded.snp_hours,"
    "  reclaim_minutes = excluded.reclaim_minutes,"
    "  booking_closes_minutes = excluded.booking_closes_minutes,"
    "  horizon_hours = excluded.horizon_hours,"
    "  needs_confirmation = excluded.needs_confirmation, version = excluded.version"
    " WHERE excluded.version > policy.version";
  static const char clear_sql[] = "DELETE FROM policy_excluded_reasons";
  static const char reason_sql[] =
    "INSERT INTO policy_excluded_reasons (position, reason) VALUES (:position, :reason)";
  g_autoptr(GString) hours = g_string_new (NULL);
  sqlite3_stmt *stmt;
  gboolean changed;

  for (guint wd = 1; wd <= 7; wd++)
    g_string_append_printf (hours, "%s%u-%u", wd > 1 ? "," : "",
                            policy->snp_open[wd], policy->snp_close[wd]);

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  stmt = _crn_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":snp_hours", hours->str);
  _crn_store_bind_int64 (stmt, ":reclaim", policy->reclaim_minutes);
  _crn_store_bind_int64 (stmt, ":closes", policy->booking_closes_minutes);
  _crn_store_bind_int64 (stmt, ":horizon", policy->horizon_hours);
  _crn_store_bind_int64 (stmt, ":confirm", policy->needs_confirmation ? 1 : 0);
  _crn_store_bind_int64 (stmt, ":version", version);
  if (!_crn_store_db_step_done (db, stmt, error))
    goto fail;

  changed = sqlite3_changes (_crn_store_db_get_handle (db)) > 0;
  if (changed)
    {
      stmt = _crn_store_db_prepare (db, clear_sql, error);
      if (stmt == NULL || !_crn_store_db_step_done (db, stmt, error))
        goto fail;

      for (guint i = 0; policy->excluded_reasons != NULL && i < policy->excluded_reasons->len; i++)
        {
          stmt = _crn_store_db_prepare (db, reason_sql, error);
          if (stmt == NULL)
            goto fail;
          _crn_store_bind_int64 (stmt, ":position", i);
          _crn_store_bind_text (stmt, ":reason", g_ptr_array_index (policy->excluded_reasons, i));
          if (!_crn_store_db_step_done (db, stmt, error))
            goto fail;
        }
    }

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  if (applied != NULL)
    *applied = changed;
  return TRUE;

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}

/**
 * _crn_store_db_get_policy:
 * @version: (out) (optional): the stored version
 *
 * Returns: (transfer full) (nullable): the stored policy, or %NULL with
 *   %CRN_STORE_ERROR_NOT_FOUND before the first synchronisation
 */
CrnPolicy *
_crn_store_db_get_policy (CrnStoreDb  *db,
                          gint64      *version,
                          GError     **error)
{
  static const char sql[] =
    "SELECT snp_hours, reclaim_minutes, booking_closes_minutes, horizon_hours,"
    " needs_confirmation, version FROM policy WHERE id = 1";
  static const char reasons_sql[] =
    "SELECT reason FROM policy_excluded_reasons ORDER BY position";
  g_autoptr(CrnPolicy) policy = NULL;
  sqlite3_stmt *stmt = _crn_store_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_auto(GStrv) days = g_strsplit (column_text (stmt, 0), ",", -1);

      policy = crn_policy_new_default ();
      for (guint wd = 1; wd <= 7 && days[wd - 1] != NULL; wd++)
        {
          unsigned open = 0, close = 0;

          if (sscanf (days[wd - 1], "%u-%u", &open, &close) == 2)
            {
              policy->snp_open[wd] = (guint16) open;
              policy->snp_close[wd] = (guint16) close;
            }
        }
      policy->reclaim_minutes = (guint) sqlite3_column_int (stmt, 1);
      policy->booking_closes_minutes = (guint) sqlite3_column_int (stmt, 2);
      policy->horizon_hours = (guint) sqlite3_column_int (stmt, 3);
      policy->needs_confirmation = sqlite3_column_int (stmt, 4) != 0;
      if (version != NULL)
        *version = sqlite3_column_int64 (stmt, 5);
    }
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND,
                 _("The rules of your CPTS have not been received yet. Connect to the server "
                   "once to get them."));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  if (policy->excluded_reasons == NULL)
    policy->excluded_reasons = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (policy->excluded_reasons, 0);

  stmt = _crn_store_db_prepare (db, reasons_sql, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (policy->excluded_reasons, _crn_store_column_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _crn_store_db_set_error (db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&policy);
}

/* ------------------------------------------------------------------ user actions */

/**
 * _crn_store_db_save_slot_change:
 * @slot: the slot as the user changed it (its version is the base version)
 * @entry: the outbox entry that will push the change
 *
 * Writes the local change and enqueues it in one transaction. Calling it again with the
 * same @entry (a retry) leaves exactly one outbox entry.
 */
gboolean
_crn_store_db_save_slot_change (CrnStoreDb            *db,
                                const CrnSlot         *slot,
                                const CrnOutboxEntry  *entry,
                                GError               **error)
{
  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!write_slot (db, slot_upsert_local_sql, slot, NULL, error) ||
      !_crn_store_db_enqueue_in_tx (db, entry, error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  return _crn_store_db_commit (db, error);
}

/**
 * _crn_store_db_save_booking_change:
 * @booking: the booking as the user changed it (crn_booking_apply())
 * @entry: the outbox entry that will push the change
 *
 * Writes the local change and enqueues it in one transaction; a retry with the same
 * @entry leaves exactly one outbox entry.
 */
gboolean
_crn_store_db_save_booking_change (CrnStoreDb            *db,
                                   const CrnBooking      *booking,
                                   const CrnOutboxEntry  *entry,
                                   GError               **error)
{
  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!write_booking (db, booking_upsert_local_sql, booking, NULL, error) ||
      !_crn_store_db_enqueue_in_tx (db, entry, error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  return _crn_store_db_commit (db, error);
}

/**
 * _crn_store_db_save_template_change:
 * @template: the template as the user edited it
 * @entry: the outbox entry that will push the change
 *
 * Writes the template with its blocks and exceptions and enqueues it in one transaction.
 */
gboolean
_crn_store_db_save_template_change (CrnStoreDb            *db,
                                    const CrnTemplate     *template,
                                    const CrnOutboxEntry  *entry,
                                    GError               **error)
{
  gboolean applied;

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!write_template (db, template, FALSE, &applied, error) ||
      !_crn_store_db_enqueue_in_tx (db, entry, error))
    {
      _crn_store_db_rollback (db);
      return FALSE;
    }

  return _crn_store_db_commit (db, error);
}

/* ------------------------------------------------------------------ template expansion */

/**
 * _crn_store_db_replace_template_slots:
 * @template_id: the template the slots were expanded from
 * @slots: (element-type CrnSlot): crn_template_expand() of the new template
 * @from: only slots starting at or after this instant are touched (the past is history)
 * @n_removed: (out) (optional): stored future slots of the template that were deleted
 * @n_flagged: (out) (optional): stored future slots that the template no longer has but
 *   that hold a booking: they are kept, flagged as a conflict with a note
 *
 * Replaces the expanded future slots of a template in one transaction. A slot the new
 * expansion still has keeps its status and version (the server may have booked it); its
 * conflict flag is cleared.
 */
gboolean
_crn_store_db_replace_template_slots (CrnStoreDb  *db,
                                      const char  *template_id,
                                      GPtrArray   *slots,
                                      CrnInstant   from,
                                      guint       *n_removed,
                                      guint       *n_flagged,
                                      GError     **error)
{
  static const char temp_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS expanded_ids (id TEXT PRIMARY KEY NOT NULL);"
    "DELETE FROM temp.expanded_ids;";
  static const char keep_sql[] = "INSERT OR IGNORE INTO temp.expanded_ids (id) VALUES (:id)";
  static const char upsert_sql[] =
    "INSERT INTO slots (id, practitioner, place_id, template_id, template_block_id, start,"
    "  end, modalities, visibility, restriction, restriction_text, status, version,"
    "  last_updated_ms)"
    " VALUES (:id, :practitioner, :place_id, :template_id, :block, :start, :end,"
    "  :modalities, :visibility, :restriction, :restriction_text, :status, 0, 0)"
    " ON CONFLICT (id) DO UPDATE SET practitioner = excluded.practitioner,"
    "  place_id = excluded.place_id, template_id = excluded.template_id,"
    "  template_block_id = excluded.template_block_id, start = excluded.start,"
    "  end = excluded.end, modalities = excluded.modalities,"
    "  visibility = excluded.visibility, restriction = excluded.restriction,"
    "  restriction_text = excluded.restriction_text, conflict = 0, conflict_note = NULL";
  /* Held: a booking holds it, or the server says it is busy and its booking has not
   * arrived yet. */
#define HELD \
    " (EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id AND b.status IN " \
    CRN_STORE_HOLDING_STATUSES ") OR slots.status IN ('busy', 'busy-tentative'))"
  static const char flag_sql[] =
    "UPDATE slots SET conflict = 1, conflict_note = :note"
    " WHERE template_id = :template_id AND start >= :from"
    " AND id NOT IN (SELECT id FROM temp.expanded_ids) AND" HELD;
  static const char delete_sql[] =
    "DELETE FROM slots WHERE template_id = :template_id AND start >= :from"
    " AND id NOT IN (SELECT id FROM temp.expanded_ids) AND NOT" HELD;
  static const char remember_sql[] =
    "INSERT OR REPLACE INTO removed_slots (id, template_id, start)"
    " SELECT id, template_id, start FROM slots WHERE template_id = :template_id"
    " AND start >= :from AND id NOT IN (SELECT id FROM temp.expanded_ids) AND NOT" HELD;
  /* Back in the template, or past: no longer a removed future slot. */
  static const char forget_sql[] =
    "DELETE FROM removed_slots WHERE start < :from OR (template_id = :template_id"
    " AND id IN (SELECT id FROM temp.expanded_ids))";
#undef HELD
  sqlite3 *handle = _crn_store_db_get_handle (db);
  sqlite3_stmt *stmt;
  guint removed, flagged;

  g_return_val_if_fail (template_id != NULL, FALSE);

  if (!_crn_store_db_begin (db, error))
    return FALSE;

  if (!_crn_store_db_exec (db, temp_sql, error))
    goto fail;

  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);

      if (slot->start < from)
        continue;

      if (slot->id == NULL || slot->practitioner == NULL || slot->end <= slot->start)
        {
          g_set_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_INVALID,
                       _("The weekly template gave a slot without an identifier or a valid "
                         "time; nothing was changed."));
          goto fail;
        }

      stmt = _crn_store_db_prepare (db, upsert_sql, error);
      if (stmt == NULL)
        goto fail;
      _crn_store_bind_text (stmt, ":id", slot->id);
      _crn_store_bind_text (stmt, ":practitioner", slot->practitioner);
      _crn_store_bind_text (stmt, ":place_id", slot->place_id);
      _crn_store_bind_text (stmt, ":template_id", template_id);
      _crn_store_bind_text (stmt, ":block", slot->template_block_id);
      _crn_store_bind_int64 (stmt, ":start", slot->start);
      _crn_store_bind_int64 (stmt, ":end", slot->end);
      _crn_store_bind_int64 (stmt, ":modalities", slot->modalities);
      _crn_store_bind_int64 (stmt, ":visibility", slot->visibility);
      _crn_store_bind_text (stmt, ":restriction", crn_restriction_to_string (slot->restriction));
      _crn_store_bind_text (stmt, ":restriction_text", slot->restriction_text);
      _crn_store_bind_text (stmt, ":status", crn_slot_status_to_string (slot->status));
      if (!_crn_store_db_step_done (db, stmt, error))
        goto fail;

      stmt = _crn_store_db_prepare (db, keep_sql, error);
      if (stmt == NULL)
        goto fail;
      _crn_store_bind_text (stmt, ":id", slot->id);
      if (!_crn_store_db_step_done (db, stmt, error))
        goto fail;
    }

  stmt = _crn_store_db_prepare (db, flag_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":template_id", template_id);
  _crn_store_bind_int64 (stmt, ":from", from);
  _crn_store_bind_text (stmt, ":note", removed_slot_note ());
  if (!_crn_store_db_step_done (db, stmt, error))
    goto fail;
  flagged = (guint) sqlite3_changes (handle);

  stmt = _crn_store_db_prepare (db, forget_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":template_id", template_id);
  _crn_store_bind_int64 (stmt, ":from", from);
  if (!_crn_store_db_step_done (db, stmt, error))
    goto fail;

  stmt = _crn_store_db_prepare (db, remember_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":template_id", template_id);
  _crn_store_bind_int64 (stmt, ":from", from);
  if (!_crn_store_db_step_done (db, stmt, error))
    goto fail;

  stmt = _crn_store_db_prepare (db, delete_sql, error);
  if (stmt == NULL)
    goto fail;
  _crn_store_bind_text (stmt, ":template_id", template_id);
  _crn_store_bind_int64 (stmt, ":from", from);
  if (!_crn_store_db_step_done (db, stmt, error))
    goto fail;
  removed = (guint) sqlite3_changes (handle);

  if (!_crn_store_db_commit (db, error))
    return FALSE;

  g_debug ("Template expansion: %u slots, %u removed, %u kept with a conflict",
           slots->len, removed, flagged);
  if (n_removed != NULL)
    *n_removed = removed;
  if (n_flagged != NULL)
    *n_flagged = flagged;
  return TRUE;

fail:
  _crn_store_db_rollback (db);
  return FALSE;
}
