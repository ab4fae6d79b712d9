/* crn-sync-private.h: what the files of CrnSync share (not API)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-backoff.h"
#include "crn-sync.h"

G_BEGIN_DECLS

#define DEFAULT_PAGE_SIZE     500
/* Pages read at once in worker threads (JSON parsing is most of a pull's work). */
#define MAX_PAGES_READING     2
#define DEFAULT_POLL_SECONDS  60
#define MAX_REBASES           4

typedef struct
{
  CrnOutboxEntry  *entry;
  CrnChangeTarget  target;
  gpointer         wanted;      /* CrnSlot, CrnBooking or CrnTemplate to send */
  gpointer         server;      /* the server's copy after a conflict, or NULL */
  char            *refusal;     /* the server refused it: why; its copy is read next */
  guint            tries;
} PushItem;

struct _CrnPulledPage;   /* crn-sync-pull.c */

struct _CrnSync
{
  GObject        parent_instance;

  CrnStore      *store;
  CrnClient     *client;
  CrnAccount    *account;
  GCancellable  *cancellable;
  gulong         token_handler;

  CrnSyncStatus  status;
  gint64         offline_since_ms;
  gint64         last_sync_ms;
  char          *last_error;

  gboolean       started;
  gboolean       running;
  gboolean       again;
  GPtrArray     *waiters;       /* GTask of crn_sync_sync_async(), ended by this cycle */
  GPtrArray     *next_waiters;  /* …asked during a cycle: they need the next one */
  CrnBackoff     retry_backoff;
  guint          retry_id;
  guint          page_size;

  /* the cycle */
  GPtrArray     *queue;         /* CrnOutboxEntry */
  guint          queue_pos;
  PushItem      *item;
  gint64         page_max_ms;
  gint64         old_watermark_ms;
  guint          generation;    /* bumped when a cycle ends: late answers are dropped */
  gboolean       page_in_flight;
  guint          pages_reading; /* pages being read in worker threads */
  guint          page_seq_next; /* the turn of the next page to be read… */
  guint          page_seq_store;  /* …and of the next one to be stored */
  GPtrArray     *pages_read;    /* CrnPulledPage read (or failed), waiting for their turn */
  gboolean       page_storing;
  CrnResponse   *page_raw_stash;       /* a page arrived while others are read */
  CrnSyncState  *cycle_state;   /* the pull's watermark, read at the start of the cycle… */
  GError        *cycle_state_error;   /* …or why it could not be */
  char          *pull_etag;     /* the validator of the last pull's last page… */
  gint64         pull_etag_ms;  /* …and the watermark it left: sent as If-None-Match */
  CrnSyncState  *quiet_state;   /* the watermark a cycle start read with an empty outbox… */
  guint64        quiet_count;   /* …the store's change count before those reads… */
  gint64         quiet_at_us;   /* …and when (monotonic); see _crn_sync_push() */

  /* live */
  SoupWebsocketConnection *ws;
  gboolean       ws_connecting;
  CrnBackoff     ws_backoff;
  guint          ws_retry_id;
  guint          poll_id;
  guint          poll_seconds;
};

static inline gint64
_crn_sync_now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* crn-sync.c */
void           _crn_sync_run_cycle           (CrnSync         *self);
void           _crn_sync_cycle_done          (CrnSync         *self,
                                              const GError    *error);
void           _crn_sync_connect_live        (CrnSync         *self);
void           _crn_sync_set_status          (CrnSync         *self,
                                              CrnSyncStatus    status);
void           _crn_sync_set_last_error      (CrnSync         *self,
                                              const char      *message);
gboolean       _crn_sync_is_cancelled        (const GError    *error);
void           _crn_sync_emit_change_refused (CrnSync         *self,
                                              const char      *uuid,
                                              const char      *kind,
                                              const char      *target_id,
                                              const char      *message);
void           _crn_sync_emit_store_changed  (CrnSync         *self,
                                              const char      *resource_type,
                                              guint            n_applied);
void           _crn_sync_on_refresh_token_changed (CrnClient  *client,
                                                   const char *refresh_token,
                                                   gpointer    user_data);

/* crn-sync-push.c */
void           _crn_sync_push                (CrnSync         *self);
void           _crn_sync_push_item_free      (PushItem        *item);

/* crn-sync-pull.c */
void           _crn_sync_pull                (CrnSync         *self);
void           _crn_sync_pulled_page_free    (struct _CrnPulledPage *page);
void           _crn_sync_upsert_async        (CrnSync             *self,
                                              CrnChangeTarget      target,
                                              GPtrArray           *objects,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       _crn_sync_upsert_finish       (CrnSync          *self,
                                              CrnChangeTarget   target,
                                              GAsyncResult     *result,
                                              guint            *n_applied,
                                              GError          **error);
gpointer       _crn_sync_parse_resource      (CrnChangeTarget   target,
                                              JsonNode         *node,
                                              gint64           *last_updated_ms,
                                              GError          **error);
GDestroyNotify _crn_sync_target_free_func    (CrnChangeTarget   target);
gpointer       _crn_sync_copy_object         (CrnChangeTarget   target,
                                              gconstpointer     object);
const char    *_crn_sync_target_type_name    (CrnChangeTarget   target);

G_END_DECLS
