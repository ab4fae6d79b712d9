/* sync-test-util.h: helpers of the sync tests (a fake FHIR server, loops, temp folders)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "crn-core.h"
#include "crn-store.h"
#include "crn-sync.h"

G_BEGIN_DECLS

#define TEST_IDNPS    "899700123456"
#define TEST_PLACE    "5d0c8f4e-8a3b-4c1e-9f00-000000000001"
#define TEST_LOGIN    "dr-martin-test"
#define TEST_PASSWORD "c0rrect-h0rse-test"

/* Waits for an async result: pass &result as user_data of the callback sync_test_result_cb. */
void          sync_test_result_cb   (GObject       *source,
                                     GAsyncResult  *result,
                                     gpointer       user_data);
GAsyncResult *sync_test_wait        (GAsyncResult **result);
/* Iterates the main context until *flag or @timeout_ms elapsed (then fails the test). */
void          sync_test_wait_flag   (gboolean      *flag,
                                     guint          timeout_ms);
/* Iterates for @ms (lets timers fire). */
void          sync_test_spin        (guint          ms);

char         *sync_test_tmpdir      (void);
void          sync_test_rmrf        (const char    *path);
CrnStore     *sync_test_open_store  (const char    *path);
/* The booking holding @slot_id in @store's week view of @idnps (a week back, 60 days
 * ahead), a copy, or NULL. */
CrnBooking   *sync_test_week_booking (CrnStore     *store,
                                      const char   *idnps,
                                      const char   *slot_id);

/* One sync cycle; its error, if any. */
GError       *sync_test_run         (CrnSync       *sync);
/* Forgets the keyring's tokens of @login at @url. */
void          sync_test_clear_keyring (const char  *url,
                                       const char  *login);
guint         sync_test_outbox_count (CrnStore     *store,
                                      CrnOutboxState state);
/* What @store holds under @id (a copy), or NULL when it holds nothing. */
CrnSlot      *sync_test_stored_slot (CrnStore      *store,
                                     const char    *id);
CrnBooking   *sync_test_stored_booking (CrnStore   *store,
                                        const char *id);

CrnInstant    sync_test_utc         (int year, int month, int day, int hour, int minute);
CrnSlot      *sync_test_slot        (const char    *id,
                                     CrnInstant     start,
                                     guint          minutes);

/* ---- the fake server ---------------------------------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *url;              /* https://127.0.0.1:NNNN */
  GPtrArray  *log;              /* "METHOD /path?query" of every request */
  GPtrArray  *if_match_log;     /* the If-Match of every PUT ("" when none) */

  /* accounts and tokens */
  char       *access;
  char       *refresh;
  guint       n_tokens;         /* token endpoint calls */
  guint       n_password;       /* password grants */

  /* fault injection, for the next FHIR requests */
  guint       fail_500;
  guint       fail_malformed;
  guint       fail_skip;        /* requests answered normally before the failures start */
  guint       fail_401;         /* answers 401 and drops the access token */
  guint       delay_ms;
  guint       put_status;       /* 422: refuse PUT Slot with an OperationOutcome */
  const char *token_body;       /* the token endpoint answers 200 with this text */

  /* data */
  GPtrArray  *slots;            /* CrnSlot, version and last_updated_ms kept */
  gint64      clock_ms;
} SyncFake;

SyncFake     *sync_fake_new         (void);
/* Lets the connections of freed clients close, then stops the server. */
void          sync_fake_free        (SyncFake      *fake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncFake, sync_fake_free)
/* Adds or replaces a slot, with a new version and lastUpdated. */
CrnSlot      *sync_fake_put_slot    (SyncFake      *fake,
                                     const CrnSlot *slot);
CrnSlot      *sync_fake_get_slot    (SyncFake      *fake,
                                     const char    *id);
guint         sync_fake_count       (SyncFake      *fake,
                                     const char    *prefix);
void          sync_fake_clear_log   (SyncFake      *fake);

G_END_DECLS
