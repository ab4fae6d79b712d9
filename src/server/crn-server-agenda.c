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

#define SLOT_COLUMNS "id, practitioner, place_id, template_block_id, start, end, modalities," \
                     " visibility, restriction, restriction_text, status, version," \
                     " last_updated_ms, reclaimed, schedule_id"

#define BOOKING_COLUMNS "id, slot_id, practitioner, start, end, patient_family, patient_given," \
                        " patient_birth_date, patient_phone, reason, referrer, referrer_name," \
                        " operator_id, requested_at, created_at, extra, status," \
                        " practitioner_status, cancel_reason, version, last_updated_ms," \
                        " account_id"

/* ---------------------------------------------------------------------------------- */
/* Rows                                                                                */

static CrnSlot *
slot_from_row (sqlite3_stmt *stmt,
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

static CrnBooking *
booking_from_row (sqlite3_stmt *stmt,
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
    slot = slot_from_row (stmt, reclaimed);
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
    booking = booking_from_row (stmt, account_id);
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

  stmt = _crn_db_prepare (self,
                          insert
                          ? "INSERT INTO slots (" SLOT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5,"
                            " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
                          : "UPDATE slots SET practitioner = ?2, place_id = ?3,"
                            " template_block_id = ?4, start = ?5, end = ?6, modalities = ?7,"
                            " visibility = ?8, restriction = ?9, restriction_text = ?10,"
                            " status = ?11, version = ?12, last_updated_ms = ?13,"
                            " reclaimed = ?14 WHERE id = ?1", error);
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
  sqlite3_finalize (stmt);
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

static gboolean
is_practice (const CrnServerAccount *account)
{
  return account->role == CRN_SERVER_ROLE_PRACTITIONER ||
         account->role == CRN_SERVER_ROLE_SECRETARY;
}

static gboolean
is_referrer (const CrnServerAccount *account)
{
  return account->role == CRN_SERVER_ROLE_REGULATOR ||
         account->role == CRN_SERVER_ROLE_PHARMACY;
}

static CrnVisibility
referrer_visibility (const CrnServerAccount *account)
{
  return account->role == CRN_SERVER_ROLE_REGULATOR
         ? (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
         : (CRN_VISIBILITY_PRO | CRN_VISIBILITY_CPTS);
}

static void
set_version_error (GError **error,
                   gint64   current)
{
  g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_VERSION_MISMATCH,
               _("Someone changed this entry after you last loaded it (it is now at version "
                 "%" G_GINT64_FORMAT "). Reload it, then make your change again."), current);
}

/* ---------------------------------------------------------------------------------- */
/* Schedules and their expansion                                                       */

static gboolean
store_template (CrnServerDb        *self,
                const char         *schedule_id,
                const CrnTemplate  *template,
                GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = _crn_db_prepare (self, "DELETE FROM schedule_blocks WHERE schedule_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  stmt = _crn_db_prepare (self, "DELETE FROM schedule_exceptions WHERE schedule_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  for (guint i = 0; i < template->blocks->len; i++)
    {
      const CrnTemplateBlock *b = g_ptr_array_index (template->blocks, i);
      gboolean ok;

      stmt = _crn_db_prepare (self,
                              "INSERT INTO schedule_blocks VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                              " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)", error);
      if (stmt == NULL)
        return FALSE;
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
      ok = _crn_db_step_done (self, stmt, error);
      sqlite3_finalize (stmt);
      if (!ok)
        return FALSE;
    }

  for (guint i = 0; i < template->exceptions->len; i++)
    {
      const CrnTemplateException *e = g_ptr_array_index (template->exceptions, i);
      gboolean ok;

      stmt = _crn_db_prepare (self,
                              "INSERT INTO schedule_exceptions VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                              " ?7, ?8, ?9, ?10, ?11, ?12, ?13)", error);
      if (stmt == NULL)
        return FALSE;
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
      ok = _crn_db_step_done (self, stmt, error);
      sqlite3_finalize (stmt);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static CrnTemplate *
load_template (CrnServerDb  *self,
               const char   *schedule_id,
               GError      **error)
{
  g_autoptr(CrnTemplate) template = NULL;
  sqlite3_stmt *stmt;

  stmt = _crn_db_prepare (self,
                          "SELECT template_id, practitioner, place_id, version, last_updated_ms"
                          " FROM schedules WHERE id = ?1", error);
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
  sqlite3_finalize (stmt);
  if (template == NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                   _("This agenda does not exist."));
      return NULL;
    }

  stmt = _crn_db_prepare (self,
                          "SELECT id, weekdays, start_minute, end_minute, slot_minutes,"
                          " n_patients, months, modalities, visibility, restriction,"
                          " restriction_text, valid_from, valid_until FROM schedule_blocks"
                          " WHERE schedule_id = ?1 ORDER BY position", error);
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
  sqlite3_finalize (stmt);

  stmt = _crn_db_prepare (self,
                          "SELECT id, kind, start, end, reason, slot_minutes, n_patients,"
                          " modalities, visibility, restriction, restriction_text"
                          " FROM schedule_exceptions WHERE schedule_id = ?1 ORDER BY position",
                          error);
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
  sqlite3_finalize (stmt);
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

/* Inside a transaction: makes the slots of @schedule_id match @template from now on. */
static gboolean
expand_schedule (CrnServerDb        *self,
                 const char         *schedule_id,
                 const CrnTemplate  *template,
                 GError            **error)
{
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  GDate from, to;
  CrnInstant now = crn_time_now ();
  CrnInstant horizon;
  sqlite3_stmt *stmt;

  crn_time_to_local (now, &from, NULL, NULL);
  to = from;
  g_date_add_days (&to, CRN_EXPANSION_DAYS);
  {
    GDate after = to;

    g_date_add_days (&after, 1);
    horizon = crn_time_from_local (&after, 0);
  }

  wanted = crn_template_expand (template, &from, &to);
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < wanted->len; i++)
    {
      CrnSlot *slot = g_ptr_array_index (wanted, i);

      g_free (slot->practitioner);
      slot->practitioner = g_strdup (template->practitioner);
      g_free (slot->place_id);
      slot->place_id = g_strdup (template->place_id);
      if (slot->start > now)
        g_hash_table_insert (by_id, slot->id, slot);
    }

  /* The future slots this schedule has now. */
  existing = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  stmt = _crn_db_prepare (self,
                          "SELECT " SLOT_COLUMNS " FROM slots WHERE schedule_id = ?1"
                          " AND start > ?2 AND start < ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, schedule_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, horizon);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean reclaimed = FALSE;
      CrnSlot *slot = slot_from_row (stmt, &reclaimed);

      /* Remember the reclaim in a field we do not use here. */
      slot->last_updated_ms = reclaimed ? -slot->last_updated_ms - 1 : slot->last_updated_ms;
      g_ptr_array_add (existing, slot);
    }
  sqlite3_finalize (stmt);

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
      check = _crn_db_prepare (self, "SELECT 1 FROM slots WHERE id = ?1", error);
      if (check == NULL)
        return FALSE;
      sqlite3_bind_text (check, 1, slot->id, -1, SQLITE_TRANSIENT);
      exists = sqlite3_step (check) == SQLITE_ROW;
      sqlite3_finalize (check);
      if (exists)
        continue;
      slot->status = CRN_SLOT_STATUS_FREE;
      slot->version = 0;
      touch_slot (self, slot);
      if (!write_slot (self, slot, schedule_id, FALSE, TRUE, error))
        return FALSE;
    }
  return TRUE;
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
  stored = load_template (self, schedule_id, error);
  if (stored == NULL || !expand_schedule (self, schedule_id, stored, error))
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
  return load_template (self, id, error);
}

gboolean
crn_server_db_expand_all (CrnServerDb  *self,
                          GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = _crn_db_prepare (self, "SELECT id FROM schedules ORDER BY id", error);

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, _crn_db_column_dup (stmt, 0));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(CrnTemplate) template = NULL;

      if (!_crn_db_begin (self, error))
        return FALSE;
      template = load_template (self, id, error);
      if (template == NULL || !expand_schedule (self, id, template, error) ||
          !_crn_db_commit (self, error))
        {
          _crn_db_rollback (self);
          return FALSE;
        }
    }
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

  if (total != NULL)
    {
      count_sql = g_strdup_printf ("SELECT COUNT (*) FROM %s%s", table, f->where->str);
      stmt = _crn_db_prepare (self, count_sql, error);
      if (stmt == NULL)
        return NULL;
      filter_bind (f, stmt);
      *total = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
      sqlite3_finalize (stmt);
    }

  sql = g_strdup_printf ("SELECT %s FROM %s%s ORDER BY %s %s, id %s LIMIT %u OFFSET %u",
                         columns, table, f->where->str, order,
                         query->descending ? "DESC" : "ASC",
                         query->descending ? "DESC" : "ASC",
                         query->count > 0 ? query->count : 100, query->offset);
  stmt = _crn_db_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  filter_bind (f, stmt);
  list = g_ptr_array_new_with_free_func (slots ? (GDestroyNotify) crn_slot_free
                                               : (GDestroyNotify) crn_booking_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, slots ? (gpointer) slot_from_row (stmt, NULL)
                                 : (gpointer) booking_from_row (stmt, NULL));
  sqlite3_finalize (stmt);
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
  if (is_practice (account))
    filter_in (&f, "practitioner", account->acts_for);
  else if (is_referrer (account))
    {
      /* Referrers see what they could book: free, open to them, still ahead. */
      g_string_append_printf (f.where, " AND status = %d AND (visibility & %d) != 0"
                              " AND start > %" G_GINT64_FORMAT,
                              CRN_SLOT_STATUS_FREE, referrer_visibility (account),
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
  if (is_practice (account))
    filter_in (&f, "practitioner", account->acts_for);
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
  if (is_practice (account))
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
      CrnTemplate *t = load_template (self, g_ptr_array_index (ids, i), error);

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

  if (!is_referrer (account))
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

  from = MAX (filter->from, now + (CrnInstant) policy->booking_closes_minutes * 60);
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
  sqlite3_bind_int (stmt, 2, referrer_visibility (account));
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  if (idnps != NULL)
    sqlite3_bind_text (stmt, 5, idnps, -1, SQLITE_TRANSIENT);
  if (filter->place_id != NULL)
    sqlite3_bind_text (stmt, 6, filter->place_id, -1, SQLITE_TRANSIENT);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  while (result->len < limit && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(CrnSlot) slot = slot_from_row (stmt, NULL);
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

  if (is_referrer (account))
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
      if (!is_practice (account) || !crn_server_account_acts_for (account, booking->practitioner))
        {
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                       is_practice (account)
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
      if (is_practice (account) && !crn_server_account_acts_for (account, slot->practitioner))
        {
          g_clear_pointer (&slot, crn_slot_free);
          g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                       _("This slot does not exist. Search the free slots again."));
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

      if (is_referrer (account))
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
  if (is_practice (account))
    return crn_server_account_acts_for (account, booking->practitioner);
  if (is_referrer (account))
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
  if (!is_practice (account) && !is_referrer (account))
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
      if (is_practice (account))
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
      if (is_referrer (account) && action != CRN_BOOKING_ACTION_CANCEL)
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
  if (!is_practice (account) && !is_referrer (account))
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
    g_ptr_array_add (list, booking_from_row (stmt, NULL));
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

  if (!is_practice (account))
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
