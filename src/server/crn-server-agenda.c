/* crn-server-agenda.c: schedules, their expansion into slots, bookings and the rules, in one
 * transaction each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServerDb"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir.h"
#include "crn-server-db-private.h"


/* ---------------------------------------------------------------------------------- */
/* Rows                                                                                */

CrnSlot *
_crn_db_slot_from_row (sqlite3_stmt *stmt,
               gboolean     *reclaimed)
{
  CrnSlot *slot = crn_slot_new ();

  g_free (slot->id);
  slot->id = _crn_db_column_dup (stmt, 0);
  slot->practitioner = _crn_db_column_dup (stmt, 1);
  slot->place_id = _crn_db_column_dup (stmt, 2);
  slot->template_block_id = _crn_db_column_dup (stmt, 3);
  slot->start = sqlite3_column_int64 (stmt, 4);
  slot->end = sqlite3_column_int64 (stmt, 5);
  slot->modalities = sqlite3_column_int (stmt, 6);
  slot->visibility = sqlite3_column_int (stmt, 7);
  slot->restriction = sqlite3_column_int (stmt, 8);
  slot->restriction_text = _crn_db_column_dup (stmt, 9);
  slot->status = sqlite3_column_int (stmt, 10);
  slot->version = sqlite3_column_int64 (stmt, 11);
  slot->last_updated_ms = sqlite3_column_int64 (stmt, 12);
  if (reclaimed != NULL)
    *reclaimed = sqlite3_column_int (stmt, 13) != 0;
  return slot;
}

CrnBooking *
_crn_db_booking_from_row (sqlite3_stmt *stmt,
                  gint64       *account_id)
{
  CrnBooking *b = crn_booking_new ();

  g_free (b->id);
  b->id = _crn_db_column_dup (stmt, 0);
  b->slot_id = _crn_db_column_dup (stmt, 1);
  b->practitioner = _crn_db_column_dup (stmt, 2);
  b->start = sqlite3_column_int64 (stmt, 3);
  b->end = sqlite3_column_int64 (stmt, 4);
  b->patient.family = _crn_db_column_dup (stmt, 5);
  b->patient.given = _crn_db_column_dup (stmt, 6);
  b->patient.birth_date = _crn_db_column_dup (stmt, 7);
  b->patient.phone = _crn_db_column_dup (stmt, 8);
  b->reason = _crn_db_column_dup (stmt, 9);
  b->referrer = sqlite3_column_int (stmt, 10);
  b->referrer_name = _crn_db_column_dup (stmt, 11);
  b->operator_id = _crn_db_column_dup (stmt, 12);
  b->requested_at = sqlite3_column_int64 (stmt, 13);
  b->created_at = sqlite3_column_int64 (stmt, 14);
  b->extra = sqlite3_column_int (stmt, 15) != 0;
  b->status = sqlite3_column_int (stmt, 16);
  b->practitioner_status = sqlite3_column_int (stmt, 17);
  b->cancel_reason = _crn_db_column_dup (stmt, 18);
  b->version = sqlite3_column_int64 (stmt, 19);
  b->last_updated_ms = sqlite3_column_int64 (stmt, 20);
  if (account_id != NULL)
    *account_id = sqlite3_column_int64 (stmt, 21);
  return b;
}

static CrnSlot *
load_slot (CrnServerDb  *self,
           const char   *id,
           gboolean     *reclaimed,
           GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self, "SELECT " SLOT_COLUMNS " FROM slots WHERE id = ?1",
                                        error);
  CrnSlot *slot = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    slot = _crn_db_slot_from_row (stmt, reclaimed);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                 _("This slot does not exist. Search the free slots again."));
  else
    _crn_db_set_error (self, error);
  sqlite3_finalize (stmt);
  return slot;
}

static CrnBooking *
load_booking (CrnServerDb  *self,
              const char   *id,
              gint64       *account_id,
              GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self,
                                        "SELECT " BOOKING_COLUMNS " FROM bookings WHERE id = ?1",
                                        error);
  CrnBooking *booking = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    booking = _crn_db_booking_from_row (stmt, account_id);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                 _("This booking does not exist, or you are not allowed to see it."));
  else
    _crn_db_set_error (self, error);
  sqlite3_finalize (stmt);
  return booking;
}

static gboolean
write_slot (CrnServerDb   *self,
            const CrnSlot *slot,
            const char    *schedule_id,
            gboolean       reclaimed,
            gboolean       insert,
            GError       **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  /* Kept statements: the expansion writes hundreds of slots per schedule. */
  stmt = _crn_db_prepare_cached (self,
                                 insert
                                 ? "INSERT INTO slots (" SLOT_COLUMNS ") VALUES (?1, ?2, ?3,"
                                   " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
                                 : "UPDATE slots SET practitioner = ?2, place_id = ?3,"
                                   " template_block_id = ?4, start = ?5, end = ?6,"
                                   " modalities = ?7, visibility = ?8, restriction = ?9,"
                                   " restriction_text = ?10, status = ?11, version = ?12,"
                                   " last_updated_ms = ?13, reclaimed = ?14 WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slot->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, slot->practitioner, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, slot->place_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, slot->template_block_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, slot->start);
  sqlite3_bind_int64 (stmt, 6, slot->end);
  sqlite3_bind_int (stmt, 7, slot->modalities);
  sqlite3_bind_int (stmt, 8, slot->visibility);
  sqlite3_bind_int (stmt, 9, slot->restriction);
  sqlite3_bind_text (stmt, 10, slot->restriction_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 11, slot->status);
  sqlite3_bind_int64 (stmt, 12, slot->version);
  sqlite3_bind_int64 (stmt, 13, slot->last_updated_ms);
  sqlite3_bind_int (stmt, 14, reclaimed ? 1 : 0);
  if (insert)
    sqlite3_bind_text (stmt, 15, schedule_id, -1, SQLITE_TRANSIENT);
  ok = _crn_db_step_done (self, stmt, error);
  _crn_db_release (self, stmt);
  if (ok)
    _crn_db_queue_change (self, "Slot", slot->id, slot->version, slot->last_updated_ms,
                          slot->practitioner);
  return ok;
}

static gboolean
write_booking (CrnServerDb      *self,
               const CrnBooking *b,
               gint64            account_id,
               gboolean          insert,
               GError          **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  stmt = _crn_db_prepare (self,
                          insert
                          ? "INSERT INTO bookings (" BOOKING_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"
                            " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
                            " ?19, ?20, ?21, ?22)"
                          : "UPDATE bookings SET slot_id = ?2, practitioner = ?3, start = ?4,"
                            " end = ?5, patient_family = ?6, patient_given = ?7,"
                            " patient_birth_date = ?8, patient_phone = ?9, reason = ?10,"
                            " referrer = ?11, referrer_name = ?12, operator_id = ?13,"
                            " requested_at = ?14, created_at = ?15, extra = ?16, status = ?17,"
                            " practitioner_status = ?18, cancel_reason = ?19, version = ?20,"
                            " last_updated_ms = ?21 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, b->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, b->slot_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, b->practitioner, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, b->start);
  sqlite3_bind_int64 (stmt, 5, b->end);
  sqlite3_bind_text (stmt, 6, b->patient.family, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, b->patient.given, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, b->patient.birth_date, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, b->patient.phone, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, b->reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 11, b->referrer);
  sqlite3_bind_text (stmt, 12, b->referrer_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 13, b->operator_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 14, b->requested_at);
  sqlite3_bind_int64 (stmt, 15, b->created_at);
  sqlite3_bind_int (stmt, 16, b->extra ? 1 : 0);
  sqlite3_bind_int (stmt, 17, b->status);
  sqlite3_bind_int (stmt, 18, b->practitioner_status);
  sqlite3_bind_text (stmt, 19, b->cancel_reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 20, b->version);
  sqlite3_bind_int64 (stmt, 21, b->last_updated_ms);
  if (insert)
    {
      if (account_id > 0)
        sqlite3_bind_int64 (stmt, 22, account_id);
      else
        sqlite3_bind_null (stmt, 22);
    }
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  if (ok)
    _crn_db_queue_change (self, "Appointment", b->id, b->version, b->last_updated_ms,
                          b->practitioner);
  return ok;
}

static void
touch_slot (CrnServerDb *self,
            CrnSlot     *slot)
{
  slot->version++;
  slot->last_updated_ms = crn_server_db_next_stamp (self);
}

static void
touch_booking (CrnServerDb *self,
               CrnBooking  *booking)
{
  booking->version++;
  booking->last_updated_ms = crn_server_db_next_stamp (self);
}

gboolean
_crn_db_is_practice (const CrnServerAccount *account)
{
  return account->role == CRN_SERVER_ROLE_PRACTITIONER ||
         account->role == CRN_SERVER_ROLE_SECRETARY;
}

gboolean
_crn_db_is_referrer (const CrnServerAccount *account)
{
  return account->role == CRN_SERVER_ROLE_REGULATOR ||
         account->role == CRN_SERVER_ROLE_PHARMACY;
}

CrnVisibility
_crn_db_referrer_visibility (const CrnServerAccount *account)
{
  return account->role == CRN_SERVER_ROLE_REGULATOR
         ? (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
         : (CRN_VISIBILITY_PRO | CRN_VISIBILITY_CPTS);
}

static void
set_version_error (GError **error,
                   gint64   current)
{
  /* The version goes through %s: a G_GINT64_FORMAT inside _() would cut the msgid in two
   * for xgettext, and the message would never be translated. */
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, current);

  g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_VERSION_MISMATCH,
               _("Someone changed this entry after you last loaded it (it is now at version "
                 "%s). Reload it, then make your change again."), version);
}

/* ---------------------------------------------------------------------------------- */
/* Schedules and their expansion                                                       */

/* Runs a statement whose only parameter is the schedule id; fails on any SQLite error. */
static gboolean
exec_for_schedule (CrnServerDb  *self,
                   const char   *sql,
                   const char   *schedule_id,
                   GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self, sql, error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Steps a prepared row insert, then makes it ready for the next row. */
static gboolean
step_row (CrnServerDb   *self,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  gboolean ok = _crn_db_step_done (self, stmt, error);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

static gboolean
store_template (CrnServerDb        *self,
                const char         *schedule_id,
                const CrnTemplate  *template,
                GError            **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  if (!exec_for_schedule (self, "DELETE FROM schedule_blocks WHERE schedule_id = ?1",
                          schedule_id, error) ||
      !exec_for_schedule (self, "DELETE FROM schedule_exceptions WHERE schedule_id = ?1",
                          schedule_id, error))
    return FALSE;

  /* One statement per table, reset between rows. */
  stmt = _crn_db_prepare (self,
                          "INSERT INTO schedule_blocks VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                          " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; ok && i < template->blocks->len; i++)
    {
      const CrnTemplateBlock *b = g_ptr_array_index (template->blocks, i);

      sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, b->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 4, b->weekdays);
      sqlite3_bind_int (stmt, 5, b->start_minute);
      sqlite3_bind_int (stmt, 6, b->end_minute);
      sqlite3_bind_int (stmt, 7, b->slot_minutes);
      sqlite3_bind_int (stmt, 8, b->n_patients);
      sqlite3_bind_int (stmt, 9, b->months);
      sqlite3_bind_int (stmt, 10, b->modalities);
      sqlite3_bind_int (stmt, 11, b->visibility);
      sqlite3_bind_int (stmt, 12, b->restriction);
      sqlite3_bind_text (stmt, 13, b->restriction_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 14, g_date_valid (&b->valid_from)
                                    ? g_date_get_julian (&b->valid_from) : 0);
      sqlite3_bind_int64 (stmt, 15, g_date_valid (&b->valid_until)
                                    ? g_date_get_julian (&b->valid_until) : 0);
      ok = step_row (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  if (!ok)
    return FALSE;

  stmt = _crn_db_prepare (self,
                          "INSERT INTO schedule_exceptions VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                          " ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; ok && i < template->exceptions->len; i++)
    {
      const CrnTemplateException *e = g_ptr_array_index (template->exceptions, i);

      sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, e->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 4, e->kind);
      sqlite3_bind_int64 (stmt, 5, e->start);
      sqlite3_bind_int64 (stmt, 6, e->end);
      sqlite3_bind_text (stmt, 7, e->reason, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 8, e->slot_minutes);
      sqlite3_bind_int (stmt, 9, e->n_patients);
      sqlite3_bind_int (stmt, 10, e->modalities);
      sqlite3_bind_int (stmt, 11, e->visibility);
      sqlite3_bind_int (stmt, 12, e->restriction);
      sqlite3_bind_text (stmt, 13, e->restriction_text, -1, SQLITE_TRANSIENT);
      ok = step_row (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return ok;
}

CrnTemplate *
_crn_db_load_template (CrnServerDb  *self,
               const char   *schedule_id,
               GError      **error)
{
  g_autoptr(CrnTemplate) template = NULL;
  sqlite3_stmt *stmt;

  stmt = _crn_db_prepare_cached (self,
                                 "SELECT template_id, practitioner, place_id, version,"
                                 " last_updated_ms FROM schedules WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      template = crn_template_new ((const char *) sqlite3_column_text (stmt, 1),
                                   (const char *) sqlite3_column_text (stmt, 2));
      g_free (template->id);
      template->id = _crn_db_column_dup (stmt, 0);
      template->version = sqlite3_column_int64 (stmt, 3);
      template->last_updated_ms = sqlite3_column_int64 (stmt, 4);
    }
  _crn_db_release (self, stmt);
  if (template == NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                   _("This agenda does not exist."));
      return NULL;
    }

  stmt = _crn_db_prepare_cached (self,
                                 "SELECT id, weekdays, start_minute, end_minute, slot_minutes,"
                                 " n_patients, months, modalities, visibility, restriction,"
                                 " restriction_text, valid_from, valid_until"
                                 " FROM schedule_blocks WHERE schedule_id = ?1 ORDER BY position",
                                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CrnTemplateBlock *b = crn_template_block_new ();
      gint64 from, until;

      g_free (b->id);
      b->id = _crn_db_column_dup (stmt, 0);
      b->weekdays = sqlite3_column_int (stmt, 1);
      b->start_minute = sqlite3_column_int (stmt, 2);
      b->end_minute = sqlite3_column_int (stmt, 3);
      b->slot_minutes = sqlite3_column_int (stmt, 4);
      b->n_patients = sqlite3_column_int (stmt, 5);
      b->months = sqlite3_column_int (stmt, 6);
      b->modalities = sqlite3_column_int (stmt, 7);
      b->visibility = sqlite3_column_int (stmt, 8);
      b->restriction = sqlite3_column_int (stmt, 9);
      b->restriction_text = _crn_db_column_dup (stmt, 10);
      from = sqlite3_column_int64 (stmt, 11);
      until = sqlite3_column_int64 (stmt, 12);
      g_date_clear (&b->valid_from, 1);
      g_date_clear (&b->valid_until, 1);
      if (from > 0)
        g_date_set_julian (&b->valid_from, from);
      if (until > 0)
        g_date_set_julian (&b->valid_until, until);
      crn_template_add_block (template, b);
    }
  _crn_db_release (self, stmt);

  stmt = _crn_db_prepare_cached (self,
                                 "SELECT id, kind, start, end, reason, slot_minutes, n_patients,"
                                 " modalities, visibility, restriction, restriction_text"
                                 " FROM schedule_exceptions WHERE schedule_id = ?1"
                                 " ORDER BY position", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      CrnTemplateException *e = crn_template_exception_new ();

      g_free (e->id);
      e->id = _crn_db_column_dup (stmt, 0);
      e->kind = sqlite3_column_int (stmt, 1);
      e->start = sqlite3_column_int64 (stmt, 2);
      e->end = sqlite3_column_int64 (stmt, 3);
      e->reason = _crn_db_column_dup (stmt, 4);
      e->slot_minutes = sqlite3_column_int (stmt, 5);
      e->n_patients = sqlite3_column_int (stmt, 6);
      e->modalities = sqlite3_column_int (stmt, 7);
      e->visibility = sqlite3_column_int (stmt, 8);
      e->restriction = sqlite3_column_int (stmt, 9);
      e->restriction_text = _crn_db_column_dup (stmt, 10);
      crn_template_add_exception (template, e);
    }
  _crn_db_release (self, stmt);
  return g_steal_pointer (&template);
}

static gboolean
in_absence (const CrnTemplate *template,
            const CrnSlot     *slot)
{
  for (guint i = 0; i < template->exceptions->len; i++)
    {
      const CrnTemplateException *e = g_ptr_array_index (template->exceptions, i);

      if (e->kind == CRN_EXCEPTION_ABSENCE && slot->start < e->end && e->start < slot->end)
        return TRUE;
    }
  return FALSE;
}

/* Inside a transaction: makes the slots of @schedule_id match @template from now on, or
 * only from the local day @first_julian when it is later than today (0: from now), up to
 * CRN_EXPANSION_DAYS ahead; then notes how far the schedule is expanded. */
static gboolean
expand_schedule (CrnServerDb        *self,
                 const char         *schedule_id,
                 const CrnTemplate  *template,
                 guint32             first_julian,
                 GError            **error)
{
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  GDate today, from, to;
  CrnInstant now = crn_time_now ();
  CrnInstant after;                 /* slots starting after this instant are looked at */
  CrnInstant horizon;
  sqlite3_stmt *stmt;
  gboolean ok;

  crn_time_to_local (now, &today, NULL, NULL);
  to = today;
  g_date_add_days (&to, CRN_EXPANSION_DAYS);
  {
    GDate next = to;

    g_date_add_days (&next, 1);
    horizon = crn_time_from_local (&next, 0);
  }
  from = today;
  after = now;
  if (first_julian > g_date_get_julian (&today))
    {
      g_date_set_julian (&from, first_julian);
      after = crn_time_from_local (&from, 0) - 1;
    }

  if (g_date_compare (&from, &to) <= 0)
    wanted = crn_template_expand (template, &from, &to);
  else
    wanted = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < wanted->len; i++)
    {
      CrnSlot *slot = g_ptr_array_index (wanted, i);

      g_free (slot->practitioner);
      slot->practitioner = g_strdup (template->practitioner);
      g_free (slot->place_id);
      slot->place_id = g_strdup (template->place_id);
      if (slot->start > after)
        g_hash_table_insert (by_id, slot->id, slot);
    }

  /* The future slots this schedule has now. */
  existing = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  stmt = _crn_db_prepare_cached (self,
                                 "SELECT " SLOT_COLUMNS " FROM slots WHERE schedule_id = ?1"
                                 " AND start > ?2 AND start < ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, horizon);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean reclaimed = FALSE;
      CrnSlot *slot = _crn_db_slot_from_row (stmt, &reclaimed);

      /* Remember the reclaim in a field we do not use here. */
      slot->last_updated_ms = reclaimed ? -slot->last_updated_ms - 1 : slot->last_updated_ms;
      g_ptr_array_add (existing, slot);
    }
  _crn_db_release (self, stmt);

  for (guint i = 0; i < existing->len; i++)
    {
      CrnSlot *slot = g_ptr_array_index (existing, i);
      CrnSlot *want = g_hash_table_lookup (by_id, slot->id);
      gboolean reclaimed = slot->last_updated_ms < 0;
      gboolean holds = slot->status == CRN_SLOT_STATUS_BUSY ||
                       slot->status == CRN_SLOT_STATUS_BUSY_TENTATIVE;

      if (reclaimed)
        slot->last_updated_ms = -(slot->last_updated_ms + 1);

      if (want != NULL)
        {
          gboolean changed = FALSE;

          g_hash_table_remove (by_id, slot->id);
          if (holds)
            continue;             /* a booked slot never changes under its booking */
          if (slot->status != CRN_SLOT_STATUS_FREE)
            {
              slot->status = CRN_SLOT_STATUS_FREE;
              changed = TRUE;
            }
          if (slot->end != want->end || slot->modalities != want->modalities ||
              slot->restriction != want->restriction ||
              g_strcmp0 (slot->restriction_text, want->restriction_text) != 0 ||
              (!reclaimed && slot->visibility != want->visibility))
            {
              slot->end = want->end;
              slot->modalities = want->modalities;
              slot->restriction = want->restriction;
              g_free (slot->restriction_text);
              slot->restriction_text = g_strdup (want->restriction_text);
              if (!reclaimed)
                slot->visibility = want->visibility;
              changed = TRUE;
            }
          if (changed)
            {
              touch_slot (self, slot);
              if (!write_slot (self, slot, schedule_id, reclaimed, FALSE, error))
                return FALSE;
            }
        }
      else if (!holds && slot->template_block_id != NULL)
        {
          /* No longer offered: kept (deltas must carry it), never deleted. */
          CrnSlotStatus status = in_absence (template, slot)
                                 ? CRN_SLOT_STATUS_BUSY_UNAVAILABLE
                                 : CRN_SLOT_STATUS_ENTERED_IN_ERROR;

          if (slot->status != status)
            {
              slot->status = status;
              touch_slot (self, slot);
              if (!write_slot (self, slot, schedule_id, reclaimed, FALSE, error))
                return FALSE;
            }
        }
    }

  /* New slots (sorted as the expansion gave them). */
  for (guint i = 0; i < wanted->len; i++)
    {
      CrnSlot *slot = g_ptr_array_index (wanted, i);
      sqlite3_stmt *check;
      gboolean exists = FALSE;

      if (!g_hash_table_contains (by_id, slot->id))
        continue;
      /* A slot of that id may exist outside the window we looked at (started already). */
      check = _crn_db_prepare_cached (self, "SELECT 1 FROM slots WHERE id = ?1", error);
      if (check == NULL)
        return FALSE;
      sqlite3_bind_text (check, 1, slot->id, -1, SQLITE_TRANSIENT);
      exists = sqlite3_step (check) == SQLITE_ROW;
      _crn_db_release (self, check);
      if (exists)
        continue;
      slot->status = CRN_SLOT_STATUS_FREE;
      slot->version = 0;
      touch_slot (self, slot);
      if (!write_slot (self, slot, schedule_id, FALSE, TRUE, error))
        return FALSE;
    }

  stmt = _crn_db_prepare_cached (self, "UPDATE schedules SET expanded_until = ?2 WHERE id = ?1",
                                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_date_get_julian (&to));
  ok = _crn_db_step_done (self, stmt, error);
  _crn_db_release (self, stmt);
  return ok;
}

CrnTemplate *
crn_server_db_put_schedule (CrnServerDb            *self,
                            const CrnServerAccount *account,
                            const CrnTemplate      *template,
                            gint64                  if_match,
                            gboolean                create_only,
                            gboolean               *created,
                            GError                **error)
{
  g_autofree char *schedule_id = NULL;
  g_autofree char *practice = NULL;
  g_autofree char *place_practice = NULL;
  g_autoptr(CrnTemplate) stored = NULL;
  g_autoptr(CrnPlace) place = NULL;
  sqlite3_stmt *stmt;
  gint64 version = 0;
  gboolean exists = FALSE;
  gboolean ok;

  if (created != NULL)
    *created = FALSE;
  if (template->practitioner == NULL || template->place_id == NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("The agenda must name its practitioner and its place of consultation "
                     "(Schedule.actor)."));
      return NULL;
    }
  if (!crn_server_account_acts_for (account, template->practitioner))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("You may only change the agenda of the practitioners you work for."));
      return NULL;
    }
  if (!crn_template_validate (template, error) ||
      !crn_policy_check_template (_crn_db_policy (self), template, error))
    return NULL;
  place = crn_server_db_get_place (self, template->place_id, error);
  if (place == NULL)
    return NULL;
  practice = crn_server_db_practice_of (self, template->practitioner);
  place_practice = crn_server_db_practice_of_place (self, template->place_id);
  if (place_practice != NULL && g_strcmp0 (practice, place_practice) != 0)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("This place of consultation belongs to another practice."));
      return NULL;
    }

  schedule_id = crn_fhir_schedule_id (template->practitioner, template->place_id);
  if (!_crn_db_begin (self, error))
    return NULL;

  stmt = _crn_db_prepare (self, "SELECT version FROM schedules WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      exists = TRUE;
      version = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  if (exists && create_only)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DUPLICATE,
                   _("This practitioner already has an agenda at this place. Update it "
                     "instead of creating a second one."));
      goto fail;
    }
  if (if_match > 0 && version != if_match)
    {
      set_version_error (error, version);
      goto fail;
    }

  stmt = _crn_db_prepare (self,
                          "INSERT INTO schedules (id, template_id, practitioner, place_id,"
                          " version, last_updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                          " ON CONFLICT (id) DO UPDATE SET template_id = ?2, version = ?5,"
                          " last_updated_ms = ?6", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, template->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, template->practitioner, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, template->place_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, version + 1);
  sqlite3_bind_int64 (stmt, 6, crn_server_db_next_stamp (self));
  ok = _crn_db_step_done (self, stmt, error);
  sqlite3_finalize (stmt);
  if (!ok)
    {
      if (g_error_matches (*error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT))
        {
          g_clear_error (error);
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DUPLICATE,
                       _("Another agenda already uses this identifier. Give each agenda "
                         "its own identifier."));
        }
      goto fail;
    }

  if (!store_template (self, schedule_id, template, error))
    goto fail;
  stored = _crn_db_load_template (self, schedule_id, error);
  if (stored == NULL || !expand_schedule (self, schedule_id, stored, 0, error))
    goto fail;
  _crn_db_queue_change (self, "Schedule", schedule_id, stored->version,
                        stored->last_updated_ms, stored->practitioner);
  if (!_crn_db_commit (self, error))
    return NULL;
  if (created != NULL)
    *created = !exists;
  return g_steal_pointer (&stored);

fail:
  _crn_db_rollback (self);
  return NULL;
}

CrnTemplate *
crn_server_db_get_schedule (CrnServerDb  *self,
                            const char   *id,
                            GError      **error)
{
  return _crn_db_load_template (self, id, error);
}

/* Schedules expanded in one transaction by crn_server_db_expand_all (). */
#define EXPAND_BATCH 100

gboolean
crn_server_db_expand_all (CrnServerDb  *self,
                          GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (guint32));
  GDate to;
  sqlite3_stmt *stmt;

  /* Only the schedules whose last expanded day is before the horizon, from the day after
   * it: a schedule changed through crn_server_db_put_schedule () is expanded then, so the
   * days already expanded hold what its template gives. */
  crn_time_to_local (crn_time_now (), &to, NULL, NULL);
  g_date_add_days (&to, CRN_EXPANSION_DAYS);
  stmt = _crn_db_prepare (self, "SELECT id, expanded_until FROM schedules"
                                " WHERE expanded_until < ?1 ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_date_get_julian (&to));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 until = sqlite3_column_int64 (stmt, 1);
      guint32 first = until > 0 ? (guint32) until + 1 : 0;

      g_ptr_array_add (ids, _crn_db_column_dup (stmt, 0));
      g_array_append_val (firsts, first);
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < ids->len; i += EXPAND_BATCH)
    {
      if (!_crn_db_begin (self, error))
        return FALSE;
      for (guint j = i; j < ids->len && j < i + EXPAND_BATCH; j++)
        {
          const char *id = g_ptr_array_index (ids, j);
          g_autoptr(CrnTemplate) template = _crn_db_load_template (self, id, error);

          if (template == NULL ||
              !expand_schedule (self, id, template, g_array_index (firsts, guint32, j), error))
            {
              _crn_db_rollback (self);
              return FALSE;
            }
        }
      if (!_crn_db_commit (self, error))
        return FALSE;
    }
  if (ids->len > 0)
    g_debug ("Expanded %u agendas up to %d days ahead", ids->len, CRN_EXPANSION_DAYS);
  return TRUE;
}

GPtrArray *
crn_server_db_schedules_of (CrnServerDb  *self,
                            const char   *idnps,
                            GError      **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self,
                                        "SELECT place_id FROM schedules WHERE practitioner = ?1"
                                        " ORDER BY place_id", error);
  GPtrArray *places;

  if (stmt == NULL)
    return NULL;
  places = g_ptr_array_new_with_free_func (g_free);
  sqlite3_bind_text (stmt, 1, idnps, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (places, _crn_db_column_dup (stmt, 0));
  sqlite3_finalize (stmt);
  return places;
}

char *
crn_server_db_schedule_id_for (CrnServerDb *self,
                               const char  *idnps,
                               const char  *place_id)
{
  return crn_fhir_schedule_id (idnps, place_id);
}

/* ---------------------------------------------------------------------------------- */
/* Slots                                                                               */

CrnSlot *
crn_server_db_get_slot (CrnServerDb  *self,
                        const char   *slot_id,
                        GError      **error)
{
  return load_slot (self, slot_id, NULL, error);
}

/* ---------------------------------------------------------------------------------- */
/* Bookings                                                                            */

/* Inside a transaction. */
static CrnBooking *
book_in_transaction (CrnServerDb            *self,
                     const CrnServerAccount *account,
                     const CrnBooking       *request,
                     GError                **error)
{
  const CrnPolicy *policy = _crn_db_policy (self);
  g_autoptr(CrnBooking) booking = crn_booking_copy (request);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(GError) local_error = NULL;
  CrnInstant now = crn_time_now ();
  gboolean reclaimed = FALSE;

  if (booking->id == NULL)
    booking->id = crn_uuid_new ();
  else if (!crn_fhir_id_is_valid (booking->id))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("The booking identifier is not valid: use a UUID."));
      return NULL;
    }
  booking->created_at = now;
  if (booking->requested_at == 0)
    booking->requested_at = now;
  booking->version = 0;

  if (_crn_db_is_referrer (account))
    {
      booking->referrer = crn_server_account_get_referrer (account);
      /* The page adds the operator's name after the account's: keep that, nothing else. */
      if (booking->referrer_name == NULL ||
          !g_str_has_prefix (booking->referrer_name, account->display_name))
        {
          g_free (booking->referrer_name);
          booking->referrer_name = g_strdup (account->display_name);
        }
      g_free (booking->operator_id);
      booking->operator_id = g_strdup (account->login);
      booking->extra = FALSE;
    }
  else if (booking->referrer == CRN_REFERRER_OTHER || booking->referrer == CRN_REFERRER_SAS)
    booking->referrer = CRN_REFERRER_OWN_PATIENT;

  if (booking->slot_id == NULL)
    {
      /* An extra patient (surnuméraire): recorded by the practice, no slot. */
      if (!_crn_db_is_practice (account) || !crn_server_account_acts_for (account, booking->practitioner))
        {
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                       _crn_db_is_practice (account)
                       ? _("You may only record patients for the practitioners you work for.")
                       : _("A booking must name the slot it takes (Appointment.slot)."));
          return NULL;
        }
      booking->extra = TRUE;
      if (!crn_booking_validate (booking, error))
        return NULL;
    }
  else
    {
      slot = load_slot (self, booking->slot_id, &reclaimed, error);
      if (slot == NULL)
        return NULL;
      if (_crn_db_is_practice (account) && !crn_server_account_acts_for (account, slot->practitioner))
        {
          g_clear_pointer (&slot, crn_slot_free);
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                       _("This slot does not exist. Search the free slots again."));
          return NULL;
        }
      /* A booking that names a slot at another time (a stale copy of a moved slot, a
       * forged request) is refused rather than moved to the slot's time unseen. */
      if ((booking->start != 0 && booking->start != slot->start) ||
          (booking->end != 0 && booking->end != slot->end))
        {
          g_clear_pointer (&slot, crn_slot_free);
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT,
                       _("The booking's start and end differ from its slot's. Search the "
                         "free slots again."));
          return NULL;
        }
      g_free (booking->practitioner);
      booking->practitioner = g_strdup (slot->practitioner);
      booking->start = slot->start;
      booking->end = slot->end;
      if (!crn_booking_validate (booking, error))
        return NULL;

      if (slot->status != CRN_SLOT_STATUS_FREE)
        {
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT,
                       slot->status == CRN_SLOT_STATUS_BUSY ||
                       slot->status == CRN_SLOT_STATUS_BUSY_TENTATIVE
                       ? _("This slot has just been booked by someone else. Choose another "
                           "free slot.")
                       : _("This slot is no longer offered. Choose another free slot."));
          return NULL;
        }

      if (_crn_db_is_referrer (account))
        {
          if (!crn_policy_check_regulation_booking (policy, slot, booking->referrer,
                                                    &booking->patient, booking->reason, now,
                                                    &local_error))
            {
              if (reclaimed &&
                  g_error_matches (local_error, CRN_CORE_ERROR, CRN_CORE_ERROR_NOT_VISIBLE))
                g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT,
                             _("The practice has just taken this slot back for its own "
                               "patients. Choose another free slot."));
              else
                g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (policy->needs_confirmation)
            {
              booking->status = CRN_APPOINTMENT_STATUS_PROPOSED;
              booking->practitioner_status = CRN_PARTICIPATION_NEEDS_ACTION;
            }
          else
            {
              booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
              booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
            }
        }
      else
        {
          /* The practice books its own patient: on a slot offered to regulation, only
           * inside the reclaim window. */
          if (crn_slot_is_for_regulation (slot) &&
              !crn_policy_check_reclaim (policy, slot, now, error))
            return NULL;
          if (!crn_booking_holds_slot (booking))
            {
              booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
              booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
            }
        }
    }

  touch_booking (self, booking);
  if (!write_booking (self, booking, account->id, TRUE, error))
    return NULL;

  if (slot != NULL && crn_booking_holds_slot (booking))
    {
      slot->status = crn_booking_needs_confirmation (booking)
                     ? CRN_SLOT_STATUS_BUSY_TENTATIVE : CRN_SLOT_STATUS_BUSY;
      touch_slot (self, slot);
      if (!write_slot (self, slot, NULL, reclaimed, FALSE, error))
        return NULL;
    }
  return g_steal_pointer (&booking);
}

static gboolean
booking_visible (const CrnServerAccount *account,
                 const CrnBooking       *booking,
                 gint64                  booking_account)
{
  if (_crn_db_is_practice (account))
    return crn_server_account_acts_for (account, booking->practitioner);
  if (_crn_db_is_referrer (account))
    return booking_account == account->id;
  return FALSE;
}

CrnBooking *
crn_server_db_create_booking (CrnServerDb            *self,
                              const CrnServerAccount *account,
                              const CrnBooking       *request,
                              gboolean                if_none_exist,
                              gboolean               *existing,
                              GError                **error)
{
  g_autoptr(CrnBooking) booking = NULL;

  if (existing != NULL)
    *existing = FALSE;
  if (!_crn_db_is_practice (account) && !_crn_db_is_referrer (account))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("The CPTS coordinator account cannot book slots."));
      return NULL;
    }
  if (!_crn_db_begin (self, error))
    return NULL;

  if (request->id != NULL)
    {
      gint64 owner = 0;
      g_autoptr(CrnBooking) old = load_booking (self, request->id, &owner, NULL);

      if (old != NULL)
        {
          _crn_db_rollback (self);
          if (if_none_exist && booking_visible (account, old, owner))
            {
              if (existing != NULL)
                *existing = TRUE;
              return g_steal_pointer (&old);
            }
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DUPLICATE,
                       _("A booking with this identifier already exists. Send it with "
                         "If-None-Exist, or update it instead."));
          return NULL;
        }
    }

  booking = book_in_transaction (self, account, request, error);
  if (booking == NULL || !_crn_db_commit (self, error))
    {
      _crn_db_rollback (self);
      return NULL;
    }
  return g_steal_pointer (&booking);
}

CrnBooking *
crn_server_db_book_slot (CrnServerDb            *self,
                         const CrnServerAccount *account,
                         const CrnBooking       *request,
                         GError                **error)
{
  if (request->slot_id == NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Choose a slot to book."));
      return NULL;
    }
  return crn_server_db_create_booking (self, account, request, FALSE, NULL, error);
}

static gboolean
action_for (const CrnBooking *old,
            const CrnBooking *wanted,
            CrnBookingAction *action)
{
  switch (wanted->status)
    {
    case CRN_APPOINTMENT_STATUS_BOOKED:
      *action = CRN_BOOKING_ACTION_ACCEPT;
      return TRUE;
    case CRN_APPOINTMENT_STATUS_CANCELLED:
      *action = (crn_booking_needs_confirmation (old) &&
                 wanted->practitioner_status == CRN_PARTICIPATION_DECLINED)
                ? CRN_BOOKING_ACTION_DECLINE : CRN_BOOKING_ACTION_CANCEL;
      return TRUE;
    case CRN_APPOINTMENT_STATUS_ARRIVED:
      *action = CRN_BOOKING_ACTION_ARRIVE;
      return TRUE;
    case CRN_APPOINTMENT_STATUS_FULFILLED:
      *action = CRN_BOOKING_ACTION_SEEN;
      return TRUE;
    case CRN_APPOINTMENT_STATUS_NOSHOW:
      *action = CRN_BOOKING_ACTION_NOSHOW;
      return TRUE;
    case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR:
      *action = CRN_BOOKING_ACTION_ERROR;
      return TRUE;
    case CRN_APPOINTMENT_STATUS_PROPOSED:
    case CRN_APPOINTMENT_STATUS_PENDING:
    default:
      return FALSE;
    }
}

/* Inside a transaction. @wanted NULL + @action: the page's cancel. */
static CrnBooking *
change_booking (CrnServerDb            *self,
                const CrnServerAccount *account,
                const char             *id,
                const CrnBooking       *wanted,
                CrnBookingAction        forced_action,
                const char             *reason,
                gint64                  if_match,
                GError                **error)
{
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  gint64 owner = 0;
  gboolean held, reclaimed = FALSE;
  gboolean changed = FALSE;
  CrnBookingAction action = forced_action;
  CrnInstant now = crn_time_now ();

  booking = load_booking (self, id, &owner, error);
  if (booking == NULL)
    return NULL;
  if (!booking_visible (account, booking, owner))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                   _("This booking does not exist, or you are not allowed to see it."));
      return NULL;
    }
  if (if_match > 0 && booking->version != if_match)
    {
      set_version_error (error, booking->version);
      return NULL;
    }
  held = crn_booking_holds_slot (booking);

  if (wanted != NULL)
    {
      if (g_strcmp0 (wanted->slot_id, booking->slot_id) != 0 ||
          (wanted->practitioner != NULL &&
           g_strcmp0 (wanted->practitioner, booking->practitioner) != 0) ||
          (wanted->start != 0 && wanted->start != booking->start))
        {
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                       _("A booking cannot be moved to another slot or practitioner: cancel "
                         "it and book the new slot."));
          return NULL;
        }
      if (wanted->status == booking->status &&
          wanted->practitioner_status == booking->practitioner_status)
        action = (CrnBookingAction) -1;
      else if (!action_for (booking, wanted, &action))
        {
          g_set_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_ILLEGAL_TRANSITION,
                       _("A booking cannot go back from “%s” to “%s”."),
                       crn_appointment_status_to_string (booking->status),
                       crn_appointment_status_to_string (wanted->status));
          return NULL;
        }
      if (_crn_db_is_practice (account))
        {
          if (g_strcmp0 (wanted->patient.phone, booking->patient.phone) != 0 &&
              wanted->patient.phone != NULL)
            {
              g_free (booking->patient.phone);
              booking->patient.phone = g_strdup (wanted->patient.phone);
              changed = TRUE;
            }
          if (g_strcmp0 (wanted->reason, booking->reason) != 0 && wanted->reason != NULL)
            {
              g_free (booking->reason);
              booking->reason = g_strdup (wanted->reason);
              changed = TRUE;
            }
        }
      reason = wanted->cancel_reason;
    }

  if ((int) action >= 0)
    {
      if (_crn_db_is_referrer (account) && action != CRN_BOOKING_ACTION_CANCEL)
        {
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                       _("Only the practice confirms bookings and records what happened; "
                         "you may cancel the bookings you made."));
          return NULL;
        }
      if (!crn_booking_apply (booking, action, reason, error))
        return NULL;
      changed = TRUE;
    }

  if (!changed)
    return g_steal_pointer (&booking);

  touch_booking (self, booking);
  if (!write_booking (self, booking, 0, FALSE, error))
    return NULL;

  if (booking->slot_id != NULL)
    {
      slot = load_slot (self, booking->slot_id, &reclaimed, error);
      if (slot == NULL)
        return NULL;
      if (held && !crn_booking_holds_slot (booking))
        {
          /* Freed: offered again only while it is still ahead. */
          CrnSlotStatus status = slot->start > now ? CRN_SLOT_STATUS_FREE : CRN_SLOT_STATUS_BUSY;

          if (slot->status != status)
            {
              slot->status = status;
              touch_slot (self, slot);
              if (!write_slot (self, slot, NULL, reclaimed, FALSE, error))
                return NULL;
            }
        }
      else if (crn_booking_holds_slot (booking) && slot->status == CRN_SLOT_STATUS_BUSY_TENTATIVE &&
               !crn_booking_needs_confirmation (booking))
        {
          slot->status = CRN_SLOT_STATUS_BUSY;
          touch_slot (self, slot);
          if (!write_slot (self, slot, NULL, reclaimed, FALSE, error))
            return NULL;
        }
    }
  return g_steal_pointer (&booking);
}

CrnBooking *
crn_server_db_update_booking (CrnServerDb            *self,
                              const CrnServerAccount *account,
                              const CrnBooking       *request,
                              gint64                  if_match,
                              gboolean                create_if_missing,
                              gboolean               *created,
                              GError                **error)
{
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(GError) local_error = NULL;

  if (created != NULL)
    *created = FALSE;
  if (!_crn_db_is_practice (account) && !_crn_db_is_referrer (account))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("The CPTS coordinator sees counts, never patients: use the monthly "
                     "report."));
      return NULL;
    }
  if (!_crn_db_begin (self, error))
    return NULL;
  booking = change_booking (self, account, request->id, request, 0, NULL, if_match,
                            &local_error);
  if (booking == NULL)
    {
      _crn_db_rollback (self);
      if (create_if_missing && if_match == 0 &&
          g_error_matches (local_error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND))
        {
          /* Is it really missing, or someone else's? */
          g_autoptr(CrnBooking) other = load_booking (self, request->id, NULL, NULL);

          if (other == NULL)
            {
              if (created != NULL)
                *created = TRUE;
              return crn_server_db_create_booking (self, account, request, FALSE, NULL, error);
            }
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!_crn_db_commit (self, error))
    return NULL;
  return g_steal_pointer (&booking);
}

CrnBooking *
crn_server_db_cancel_booking (CrnServerDb            *self,
                              const CrnServerAccount *account,
                              const char             *booking_id,
                              const char             *reason,
                              GError                **error)
{
  g_autoptr(CrnBooking) booking = NULL;

  if (!_crn_db_begin (self, error))
    return NULL;
  booking = change_booking (self, account, booking_id, NULL, CRN_BOOKING_ACTION_CANCEL, reason,
                            0, error);
  if (booking == NULL || !_crn_db_commit (self, error))
    {
      _crn_db_rollback (self);
      return NULL;
    }
  return g_steal_pointer (&booking);
}

CrnBooking *
crn_server_db_get_booking (CrnServerDb            *self,
                           const CrnServerAccount *account,
                           const char             *booking_id,
                           GError                **error)
{
  gint64 owner = 0;
  g_autoptr(CrnBooking) booking = load_booking (self, booking_id, &owner, error);

  if (booking == NULL)
    return NULL;
  if (!booking_visible (account, booking, owner))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                   _("This booking does not exist, or you are not allowed to see it."));
      return NULL;
    }
  return g_steal_pointer (&booking);
}

GPtrArray *
crn_server_db_list_bookings_by_account (CrnServerDb            *self,
                                        const CrnServerAccount *account,
                                        CrnInstant              since,
                                        GError                **error)
{
  sqlite3_stmt *stmt = _crn_db_prepare (self,
                                        "SELECT " BOOKING_COLUMNS " FROM bookings"
                                        " WHERE account_id = ?1 AND start >= ?2"
                                        " ORDER BY start DESC, id LIMIT 500", error);
  GPtrArray *list;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account->id);
  sqlite3_bind_int64 (stmt, 2, since);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, _crn_db_booking_from_row (stmt, NULL));
  sqlite3_finalize (stmt);
  return list;
}

/* ---------------------------------------------------------------------------------- */
/* Slot updates from the practice (reclaim, block, re-offer)                           */

CrnSlot *
crn_server_db_update_slot (CrnServerDb            *self,
                           const CrnServerAccount *account,
                           const CrnSlot          *wanted,
                           gint64                  if_match,
                           GError                **error)
{
  const CrnPolicy *policy = _crn_db_policy (self);
  g_autoptr(CrnSlot) slot = NULL;
  gboolean reclaimed = FALSE;
  gboolean was_regulation, will_regulation;

  if (!_crn_db_is_practice (account))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                   _("Only the practice changes its slots."));
      return NULL;
    }
  if (!_crn_db_begin (self, error))
    return NULL;
  slot = load_slot (self, wanted->id, &reclaimed, error);
  if (slot == NULL)
    goto fail;
  if (!crn_server_account_acts_for (account, slot->practitioner))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                   _("This slot does not exist. Search the free slots again."));
      goto fail;
    }
  if (if_match > 0 && slot->version != if_match)
    {
      set_version_error (error, slot->version);
      goto fail;
    }
  if (wanted->start != slot->start || wanted->end != slot->end ||
      (wanted->practitioner != NULL && g_strcmp0 (wanted->practitioner, slot->practitioner) != 0))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("A slot cannot be moved: change the agenda (Schedule) instead."));
      goto fail;
    }
  if (wanted->status == slot->status && wanted->visibility == slot->visibility &&
      wanted->modalities == slot->modalities && wanted->restriction == slot->restriction &&
      g_strcmp0 (wanted->restriction_text, slot->restriction_text) == 0)
    {
      _crn_db_rollback (self);
      return g_steal_pointer (&slot);
    }
  if (slot->status != CRN_SLOT_STATUS_FREE && slot->status != CRN_SLOT_STATUS_BUSY_UNAVAILABLE)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT,
                   slot->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR
                   ? _("This slot is no longer offered in the agenda.")
                   : _("This slot has just been booked: it cannot be changed any more. "
                       "Look at the new booking."));
      goto fail;
    }
  if (wanted->status != CRN_SLOT_STATUS_FREE &&
      wanted->status != CRN_SLOT_STATUS_BUSY_UNAVAILABLE)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("A slot is booked by creating an Appointment, not by changing its "
                     "status; a slot may only be set free or busy-unavailable."));
      goto fail;
    }

  was_regulation = slot->status == CRN_SLOT_STATUS_FREE && crn_slot_is_for_regulation (slot);
  will_regulation = wanted->status == CRN_SLOT_STATUS_FREE &&
                    (wanted->visibility & (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)) != 0;
  if (was_regulation && !will_regulation)
    {
      if (!crn_policy_check_reclaim (policy, slot, crn_time_now (), error))
        goto fail;
      reclaimed = TRUE;
    }
  else if (will_regulation)
    reclaimed = FALSE;

  slot->status = wanted->status;
  slot->visibility = wanted->visibility;
  slot->modalities = wanted->modalities != CRN_MODALITY_NONE ? wanted->modalities
                                                             : slot->modalities;
  slot->restriction = wanted->restriction;
  g_free (slot->restriction_text);
  slot->restriction_text = g_strdup (wanted->restriction_text);
  touch_slot (self, slot);
  if (!write_slot (self, slot, NULL, reclaimed, FALSE, error) || !_crn_db_commit (self, error))
    goto fail;
  return g_steal_pointer (&slot);

fail:
  _crn_db_rollback (self);
  return NULL;
}

