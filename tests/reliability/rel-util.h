/* rel-util.h: helpers of the reliability tests (raw HTTPS requests, database digests, JSON
 * edits)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  guint  status;      /* 0 when the server closed without an answer */
  char  *head;        /* the status line and the headers */
  char  *body;
  gsize  body_len;
} RelRawResponse;

void            rel_raw_response_free (RelRawResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelRawResponse, rel_raw_response_free)

/* Sends @request (bytes as they are, over TLS) to the server and reads until it closes the
 * connection (the request should say "Connection: close"). */
RelRawResponse *rel_raw_request       (CrnTestServer *server,
                                       const char    *request,
                                       gsize          length);

/* SHA-256 of every row of every table of the server's database but the tokens (sign-ins
 * add tokens), read through a separate read-only connection. */
char           *rel_db_digest         (CrnTestServer *server);
/* Count of rows for @sql (one integer column). */
gint64          rel_db_count          (CrnTestServer *server,
                                       const char    *sql);

/* PRAGMA integrity_check of the server's database ("ok" when sound); free it. */
char           *rel_db_integrity      (CrnTestServer *server);

/* Like crn_test_pick_start(): the first start at or after the instant @earliest (Unix
 * seconds) that keeps @length minutes within one Paris day. */
gint64          rel_pick_start_after  (gint64         earliest,
                                       guint          length);

/* Adds @n_blocks extra blocks of 8 free slots of 20 min (visibility @visibility) to @agenda,
 * the first about @minutes_ahead from now, none across local midnight; PUTs the agenda
 * with @token and appends the new slots' ids and starts to @ids and @starts. */
void            rel_add_slots         (CrnTestServer *server,
                                       const char    *token,
                                       CrnTemplate   *agenda,
                                       guint          n_blocks,
                                       guint          minutes_ahead,
                                       CrnVisibility  visibility,
                                       GPtrArray     *ids,
                                       GArray        *starts);

/* Sets (value_json != NULL) or removes (NULL) the member at @path ("a.b[2].c") of @root. */
void            rel_json_set          (JsonNode      *root,
                                       const char    *path,
                                       const char    *value_json);

/* Reads the test's own options, --seed S and --@count_name N (replacing *@count when
 * given), before g_test_init(), which has a --seed of its own; then runs g_test_init() and
 * prints the seed so a failing run can be repeated. Returns the seed (random without
 * --seed). */
guint64         rel_test_init         (int           *argc,
                                       char        ***argv,
                                       const char    *count_name,
                                       const char    *count_help,
                                       guint         *count);

G_END_DECLS
