/* crn-store-private.h: the synchronous store, run on CrnStore's worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on the one thread that owns the SQLite connection: CrnStore's
 * worker, or a test or benchmark that has no main loop. Do not call it from the main
 * thread of the app: use the _async API of CrnStore.
 */
#pragma once

#include <sqlite3.h>

#include "crn-core.h"
#include "crn-store-error.h"
#include "crn-store-types.h"

G_BEGIN_DECLS

/* PRAGMA application_id of our files: "CrnS" */
#define CRN_STORE_APPLICATION_ID 0x43726e53
/* PRAGMA user_version this code writes; older files are migrated on open. */
#define CRN_STORE_SCHEMA_VERSION 4

typedef struct _CrnStoreDb CrnStoreDb;

/* ---- opening (crn-store-db.c) ---- */
char         *_crn_store_default_path      (void);
CrnStoreDb   *_crn_store_db_open           (const char  *path,
                                            GError     **error);
void          _crn_store_db_close          (CrnStoreDb  *db);
const char   *_crn_store_db_get_path       (CrnStoreDb  *db);
sqlite3      *_crn_store_db_get_handle     (CrnStoreDb  *db);
int           _crn_store_db_get_user_version (CrnStoreDb *db);
gboolean      _crn_store_move_aside        (const char  *path,
                                            char       **new_path,
                                            GError     **error);

/* ---- helpers shared by the store's files ---- */
sqlite3_stmt *_crn_store_db_prepare        (CrnStoreDb  *db,
                                            const char  *sql,
                                            GError     **error);
gboolean      _crn_store_db_exec           (CrnStoreDb  *db,
                                            const char  *sql,
                                            GError     **error);
gboolean      _crn_store_db_step_done      (CrnStoreDb   *db,
                                            sqlite3_stmt *stmt,
                                            GError      **error);
gboolean      _crn_store_db_begin          (CrnStoreDb  *db,
                                            GError     **error);
gboolean      _crn_store_db_commit         (CrnStoreDb  *db,
                                            GError     **error);
void          _crn_store_db_rollback       (CrnStoreDb  *db);
void          _crn_store_db_set_error      (CrnStoreDb  *db,
                                            int          rc,
                                            GError     **error);
void          _crn_store_bind_text         (sqlite3_stmt *stmt,
                                            const char   *name,
                                            const char   *value);
void          _crn_store_bind_int64        (sqlite3_stmt *stmt,
                                            const char   *name,
                                            gint64        value);
char         *_crn_store_column_dup        (sqlite3_stmt *stmt,
                                            int           column);

/* ---- domain rows (crn-store-rows.c) ---- */
/* The columns the readers below expect, in this order (13 and 21 columns). */
#define CRN_STORE_SLOT_COLUMNS \
  "s.id, s.practitioner, s.place_id, s.template_block_id, s.start, s.end, s.modalities, " \
  "s.visibility, s.restriction, s.restriction_text, s.status, s.version, s.last_updated_ms"
#define CRN_STORE_SLOT_N_COLUMNS 13
#define CRN_STORE_BOOKING_COLUMNS \
  "b.id, b.slot_id, b.practitioner, b.start, b.end, b.patient_family, b.patient_given, " \
  "b.patient_birth_date, b.patient_phone, b.reason, b.referrer, b.referrer_name, " \
  "b.operator_id, b.requested_at, b.created_at, b.extra, b.status, b.practitioner_status, " \
  "b.cancel_reason, b.version, b.last_updated_ms"
#define CRN_STORE_BOOKING_N_COLUMNS 21
/* Appointment statuses of a booking that holds its slot (crn_booking_holds_slot). */
#define CRN_STORE_HOLDING_STATUSES \
  "('proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'noshow')"

/* @col is the first column of the group. */
CrnSlot      *_crn_store_read_slot              (sqlite3_stmt *stmt,
                                                 int           col);
CrnBooking   *_crn_store_read_booking           (sqlite3_stmt *stmt,
                                                 int           col);

gboolean      _crn_store_db_upsert_slots        (CrnStoreDb  *db,
                                                 GPtrArray   *slots,
                                                 guint       *n_applied,
                                                 GError     **error);
gboolean      _crn_store_db_upsert_bookings     (CrnStoreDb  *db,
                                                 GPtrArray   *bookings,
                                                 guint       *n_applied,
                                                 GError     **error);
gboolean      _crn_store_db_upsert_templates    (CrnStoreDb  *db,
                                                 GPtrArray   *templates,
                                                 guint       *n_applied,
                                                 GError     **error);
gboolean      _crn_store_db_apply_server_page   (CrnStoreDb          *db,
                                                 GPtrArray           *templates,
                                                 GPtrArray           *slots,
                                                 GPtrArray           *bookings,
                                                 const CrnSyncState  *state,
                                                 guint                n_applied[3],
                                                 GError             **error);
gboolean      _crn_store_db_apply_page          (CrnStoreDb          *db,
                                                 const char          *resource,
                                                 GPtrArray           *objects,
                                                 const CrnSyncState  *state,
                                                 guint               *n_applied,
                                                 GError             **error);
gboolean      _crn_store_db_restore_slot        (CrnStoreDb     *db,
                                                 const CrnSlot  *slot,
                                                 gboolean       *applied,
                                                 GError        **error);
gboolean      _crn_store_db_restore_booking     (CrnStoreDb        *db,
                                                 const char        *id,
                                                 const CrnBooking  *booking,
                                                 gboolean          *applied,
                                                 GError           **error);
gboolean      _crn_store_db_restore_template    (CrnStoreDb         *db,
                                                 const CrnTemplate  *template,
                                                 gboolean           *applied,
                                                 GError            **error);
gboolean      _crn_store_db_upsert_practitioners (CrnStoreDb *db,
                                                  GPtrArray  *practitioners,
                                                  GError    **error);
gboolean      _crn_store_db_upsert_places       (CrnStoreDb  *db,
                                                 GPtrArray   *places,
                                                 GError     **error);
gboolean      _crn_store_db_set_policy          (CrnStoreDb      *db,
                                                 const CrnPolicy *policy,
                                                 gint64           version,
                                                 gboolean        *applied,
                                                 GError         **error);
CrnPolicy    *_crn_store_db_get_policy          (CrnStoreDb  *db,
                                                 gint64      *version,
                                                 GError     **error);
gboolean      _crn_store_db_delete_slots        (CrnStoreDb  *db,
                                                 const char * const *ids,
                                                 GError     **error);

CrnSlot      *_crn_store_db_get_slot            (CrnStoreDb  *db,
                                                 const char  *id,
                                                 GError     **error);
CrnBooking   *_crn_store_db_get_booking         (CrnStoreDb  *db,
                                                 const char  *id,
                                                 GError     **error);
CrnTemplate  *_crn_store_db_get_template        (CrnStoreDb  *db,
                                                 const char  *id,
                                                 GError     **error);
GPtrArray    *_crn_store_db_list_templates      (CrnStoreDb  *db,
                                                 const char  *practitioner,
                                                 GError     **error);
GPtrArray    *_crn_store_db_list_practitioners  (CrnStoreDb  *db,
                                                 GError     **error);
GPtrArray    *_crn_store_db_list_places         (CrnStoreDb  *db,
                                                 GError     **error);

gboolean      _crn_store_db_save_slot_change    (CrnStoreDb           *db,
                                                 const CrnSlot        *slot,
                                                 const CrnOutboxEntry *entry,
                                                 GError              **error);
gboolean      _crn_store_db_save_booking_change (CrnStoreDb           *db,
                                                 const CrnBooking     *booking,
                                                 const CrnOutboxEntry *entry,
                                                 GError              **error);
gboolean      _crn_store_db_save_template_change (CrnStoreDb           *db,
                                                  const CrnTemplate    *template,
                                                  const CrnOutboxEntry *entry,
                                                  GError              **error);
gboolean      _crn_store_db_replace_template_slots (CrnStoreDb  *db,
                                                    const char  *template_id,
                                                    GPtrArray   *slots,
                                                    CrnInstant   from,
                                                    guint       *n_removed,
                                                    guint       *n_flagged,
                                                    GError     **error);

/* ---- queries (crn-store-queries.c) ---- */
gboolean      _crn_store_db_register_functions  (CrnStoreDb  *db,
                                                 GError     **error);
GPtrArray    *_crn_store_db_week                (CrnStoreDb         *db,
                                                 const char * const *practitioners,
                                                 CrnInstant          from,
                                                 CrnInstant          to,
                                                 GError            **error);
gboolean      _crn_store_db_figures             (CrnStoreDb  *db,
                                                 const char  *practitioner,
                                                 CrnInstant   from,
                                                 CrnInstant   to,
                                                 CrnFigures  *figures,
                                                 GError     **error);
GPtrArray    *_crn_store_db_bookings_to_confirm (CrnStoreDb  *db,
                                                 GError     **error);
GPtrArray    *_crn_store_db_bookings_between    (CrnStoreDb  *db,
                                                 CrnInstant   from,
                                                 CrnInstant   to,
                                                 GError     **error);
GPtrArray    *_crn_store_db_extras_between      (CrnStoreDb  *db,
                                                 CrnInstant   from,
                                                 CrnInstant   to,
                                                 GError     **error);
GPtrArray    *_crn_store_db_bookings_coming     (CrnStoreDb  *db,
                                                 CrnInstant   now,
                                                 guint        limit,
                                                 GError     **error);
GPtrArray    *_crn_store_db_bookings_without_outcome (CrnStoreDb *db,
                                                      CrnInstant  now,
                                                      GError    **error);
GArray       *_crn_store_db_noshows_per_month   (CrnStoreDb  *db,
                                                 const char  *practitioner,
                                                 const GDate *first_month,
                                                 guint        n_months,
                                                 GError     **error);
GArray       *_crn_store_db_noshows_per_referrer (CrnStoreDb *db,
                                                  const char *practitioner,
                                                  CrnInstant  from,
                                                  CrnInstant  to,
                                                  GError    **error);
GPtrArray    *_crn_store_db_repeat_noshows      (CrnStoreDb  *db,
                                                 guint        min_count,
                                                 GError     **error);

/* ---- outbox, sync state, accounts (crn-store-outbox.c) ---- */
gboolean      _crn_store_db_enqueue             (CrnStoreDb           *db,
                                                 const CrnOutboxEntry *entry,
                                                 GError              **error);
/* Used inside a caller's transaction. */
gboolean      _crn_store_db_enqueue_in_tx       (CrnStoreDb           *db,
                                                 const CrnOutboxEntry *entry,
                                                 GError              **error);
GPtrArray    *_crn_store_db_outbox_list         (CrnStoreDb     *db,
                                                 CrnOutboxState  state,
                                                 guint           limit,
                                                 GError        **error);
CrnOutboxEntry *_crn_store_db_outbox_get        (CrnStoreDb  *db,
                                                 const char  *uuid,
                                                 GError     **error);
gboolean      _crn_store_db_outbox_mark         (CrnStoreDb     *db,
                                                 const char     *uuid,
                                                 CrnOutboxState  state,
                                                 const char     *last_error,
                                                 GError        **error);
gboolean      _crn_store_db_outbox_count        (CrnStoreDb     *db,
                                                 CrnOutboxState  state,
                                                 guint          *count,
                                                 GError        **error);
gboolean      _crn_store_db_outbox_purge_done   (CrnStoreDb  *db,
                                                 gint64       older_than_ms,
                                                 GError     **error);
gboolean      _crn_store_db_count_unsent        (CrnStoreDb  *db,
                                                 guint       *count,
                                                 GError     **error);
gboolean      _crn_store_db_remove_local_data   (CrnStoreDb  *db,
                                                 GError     **error);
CrnSyncState *_crn_store_db_get_sync_state      (CrnStoreDb  *db,
                                                 const char  *resource,
                                                 GError     **error);
gboolean      _crn_store_db_set_sync_state      (CrnStoreDb         *db,
                                                 const CrnSyncState *state,
                                                 GError            **error);
gboolean      _crn_store_db_save_account        (CrnStoreDb            *db,
                                                 const CrnStoreAccount *account,
                                                 GError               **error);
GPtrArray    *_crn_store_db_list_accounts       (CrnStoreDb  *db,
                                                 GError     **error);
gboolean      _crn_store_db_delete_account      (CrnStoreDb  *db,
                                                 const char  *id,
                                                 GError     **error);

G_END_DECLS
