/* crn-store.h: the app's local agenda file (SQLite), used from the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "crn-core.h"
#include "crn-store-error.h"
#include "crn-store-types.h"

G_BEGIN_DECLS

#define CRN_TYPE_STORE (crn_store_get_type ())

G_DECLARE_FINAL_TYPE (CrnStore, crn_store, CRN, STORE, GObject)

/* Opening */
void         crn_store_new_async                 (const char          *path,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CrnStore    *crn_store_new_finish                (GAsyncResult        *result,
                                                  GError             **error);
const char  *crn_store_get_path                  (CrnStore            *self);
guint64      crn_store_get_change_count          (CrnStore            *self);
char        *crn_store_get_default_path          (void);
gboolean     crn_store_move_aside                (const char          *path,
                                                  char               **new_path,
                                                  GError             **error);

/* Server data, one transaction per page */
void         crn_store_upsert_slots_async        (CrnStore            *self,
                                                  GPtrArray           *slots,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_upsert_slots_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *n_applied,
                                                  GError             **error);
void         crn_store_upsert_bookings_async     (CrnStore            *self,
                                                  GPtrArray           *bookings,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_upsert_bookings_finish    (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *n_applied,
                                                  GError             **error);
void         crn_store_upsert_templates_async    (CrnStore            *self,
                                                  GPtrArray           *templates,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_upsert_templates_finish   (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *n_applied,
                                                  GError             **error);
/* A page and the pull's watermark after it, in one transaction. @resource: "Slot",
 * "Appointment" or "Schedule" (@objects hold CrnSlot, CrnBooking or CrnTemplate). */
void         crn_store_apply_server_page_async   (CrnStore            *self,
                                                  GPtrArray           *templates,
                                                  GPtrArray           *slots,
                                                  GPtrArray           *bookings,
                                                  const CrnSyncState  *state,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_apply_server_page_finish  (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *n_templates,
                                                  guint               *n_slots,
                                                  guint               *n_bookings,
                                                  GError             **error);
void         crn_store_apply_page_async          (CrnStore            *self,
                                                  const char          *resource,
                                                  GPtrArray           *objects,
                                                  const CrnSyncState  *state,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_apply_page_finish         (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *n_applied,
                                                  GError             **error);
/* The server's copy put back after it refused a local change (the refused edit has the same
 * version, which an upsert skips); a newer stored revision is kept. */
void         crn_store_restore_slot_async        (CrnStore            *self,
                                                  const CrnSlot       *slot,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_restore_slot_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *applied,
                                                  GError             **error);
/* @booking NULL: the server does not have it; a booking never sent (version 0) is removed. */
void         crn_store_restore_booking_async     (CrnStore            *self,
                                                  const char          *id,
                                                  const CrnBooking    *booking,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_restore_booking_finish    (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *applied,
                                                  GError             **error);
void         crn_store_restore_template_async    (CrnStore            *self,
                                                  const CrnTemplate   *template,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_restore_template_finish   (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *applied,
                                                  GError             **error);
void         crn_store_upsert_practitioners_async (CrnStore           *self,
                                                   GPtrArray          *practitioners,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean     crn_store_upsert_practitioners_finish (CrnStore          *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void         crn_store_upsert_places_async       (CrnStore            *self,
                                                  GPtrArray           *places,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_upsert_places_finish      (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_set_policy_async          (CrnStore            *self,
                                                  const CrnPolicy     *policy,
                                                  gint64               version,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_set_policy_finish         (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *applied,
                                                  GError             **error);
void         crn_store_delete_slots_async        (CrnStore            *self,
                                                  const char * const  *ids,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_delete_slots_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Reads (copies) */
void         crn_store_get_policy_async          (CrnStore            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CrnPolicy   *crn_store_get_policy_finish         (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  gint64              *version,
                                                  GError             **error);
void         crn_store_get_slot_async            (CrnStore            *self,
                                                  const char          *id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CrnSlot     *crn_store_get_slot_finish           (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_get_booking_async         (CrnStore            *self,
                                                  const char          *id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CrnBooking  *crn_store_get_booking_finish        (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_get_template_async        (CrnStore            *self,
                                                  const char          *id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CrnTemplate *crn_store_get_template_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_list_templates_async      (CrnStore            *self,
                                                  const char          *practitioner,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_list_templates_finish     (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_list_practitioners_async  (CrnStore            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_list_practitioners_finish (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_list_places_async         (CrnStore            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_list_places_finish        (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* User actions: the local change and its outbox entry in one transaction */
void         crn_store_save_slot_change_async    (CrnStore             *self,
                                                  const CrnSlot        *slot,
                                                  const CrnOutboxEntry *entry,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean     crn_store_save_slot_change_finish   (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_save_booking_change_async (CrnStore             *self,
                                                  const CrnBooking     *booking,
                                                  const CrnOutboxEntry *entry,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean     crn_store_save_booking_change_finish (CrnStore           *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);
void         crn_store_save_template_change_async (CrnStore             *self,
                                                   const CrnTemplate    *template,
                                                   const CrnOutboxEntry *entry,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean     crn_store_save_template_change_finish (CrnStore          *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void         crn_store_replace_template_slots_async (CrnStore           *self,
                                                     const char         *template_id,
                                                     GPtrArray          *slots,
                                                     CrnInstant          from,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean     crn_store_replace_template_slots_finish (CrnStore          *self,
                                                      GAsyncResult      *result,
                                                      guint             *n_removed,
                                                      guint             *n_flagged,
                                                      GError           **error);

/* Views */
void         crn_store_week_async                (CrnStore            *self,
                                                  const char * const  *practitioners,
                                                  CrnInstant           from,
                                                  CrnInstant           to,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_week_finish               (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_figures_async             (CrnStore            *self,
                                                  const char          *practitioner,
                                                  CrnInstant           from,
                                                  CrnInstant           to,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_figures_finish            (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  CrnFigures          *figures,
                                                  GError             **error);

/* Inbox */
typedef enum
{
  CRN_STORE_INBOX_TO_CONFIRM = 0,    /* waiting for the practice's confirmation */
  CRN_STORE_INBOX_TODAY,             /* holding their slot today (Europe/Paris) */
  CRN_STORE_INBOX_COMING,            /* still to come */
  CRN_STORE_INBOX_WITHOUT_OUTCOME,   /* started, outcome not recorded */
} CrnStoreInbox;

void         crn_store_list_inbox_async          (CrnStore            *self,
                                                  CrnStoreInbox        inbox,
                                                  CrnInstant           now,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_list_inbox_finish         (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_list_extras_async         (CrnStore            *self,
                                                  CrnInstant           from,
                                                  CrnInstant           to,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_list_extras_finish        (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_noshows_per_month_async   (CrnStore            *self,
                                                  const char          *practitioner,
                                                  const GDate         *first_month,
                                                  guint                n_months,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GArray      *crn_store_noshows_per_month_finish  (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_noshows_per_referrer_async (CrnStore           *self,
                                                   const char         *practitioner,
                                                   CrnInstant          from,
                                                   CrnInstant          to,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GArray      *crn_store_noshows_per_referrer_finish (CrnStore          *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void         crn_store_repeat_noshows_async      (CrnStore            *self,
                                                  guint                min_count,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_repeat_noshows_finish     (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Outbox */
void         crn_store_enqueue_async             (CrnStore             *self,
                                                  const CrnOutboxEntry *entry,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean     crn_store_enqueue_finish            (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_outbox_list_async         (CrnStore            *self,
                                                  CrnOutboxState       state,
                                                  guint                limit,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_outbox_list_finish        (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_outbox_mark_async         (CrnStore            *self,
                                                  const char          *uuid,
                                                  CrnOutboxState       state,
                                                  const char          *last_error,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_outbox_mark_finish        (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_outbox_count_async        (CrnStore            *self,
                                                  CrnOutboxState       state,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_outbox_count_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *count,
                                                  GError             **error);
void         crn_store_count_unsent_async        (CrnStore            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_count_unsent_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  guint               *count,
                                                  GError             **error);
/* Everything of the CPTS and the whole outbox (unsent changes included); accounts stay. */
void         crn_store_remove_local_data_async   (CrnStore            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_remove_local_data_finish  (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Sync state and accounts (never secrets) */
void         crn_store_get_sync_state_async      (CrnStore            *self,
                                                  const char          *resource,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CrnSyncState *crn_store_get_sync_state_finish    (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_set_sync_state_async      (CrnStore            *self,
                                                  const CrnSyncState  *state,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_set_sync_state_finish     (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_save_account_async        (CrnStore              *self,
                                                  const CrnStoreAccount *account,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
gboolean     crn_store_save_account_finish       (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_list_accounts_async       (CrnStore            *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray   *crn_store_list_accounts_finish      (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void         crn_store_delete_account_async      (CrnStore            *self,
                                                  const char          *id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean     crn_store_delete_account_finish     (CrnStore            *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
