/* sync-test-server.h: the real creneaux-server process, and an HTTP proxy in front of it
 * that can lose answers or inject failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "crn-sync.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *data_dir;
  char        *stderr_path;
  char        *url;            /* https://127.0.0.1:NNNN */
  GHashTable  *passwords;      /* login -> password of the demo accounts */
} SyncServer;

/* Starts creneaux-server (CRN_SERVER_EXE) with --demo and the test certificate in
 * @data_dir (NULL = a new temporary folder) on a free loopback port. */
SyncServer *sync_server_start    (const char *data_dir);
/* Same, on a given port of 127.0.0.1 (0 = any). */
SyncServer *sync_server_start_on (const char *data_dir,
                                  guint       port);
/* A server on a copy of a data folder made once per process: the demo CPTS, SNP hours all
 * day (sync_server_set_policy()) and an evening of SNP slots for Dr Morel
 * (sync_server_add_evening()), so that regulation can book whatever the time of day;
 * cheaper than seeding the demo for every test. */
SyncServer *sync_server_start_prepared (void);
/* SIGKILL and wait; the folder is kept. */
void        sync_server_kill     (SyncServer *server);
/* SIGTERM and wait; removes the folder unless @keep_data. */
void        sync_server_stop     (SyncServer *server,
                                  gboolean    keep_data);
const char *sync_server_password (SyncServer *server,
                                  const char *login);

/* A client of @server signed in as @login (a demo account); fails the test otherwise. */
CrnClient   *sync_server_client      (SyncServer *server,
                                      const char *login);
/* One request; fails the test on a transport error (any HTTP status is returned). */
CrnResponse *sync_server_request     (CrnClient  *client,
                                      const char *method,
                                      const char *path,
                                      const char *if_none_exist,
                                      JsonNode   *body);
/* The coordinator opens the SNP hours all day, every day, and sets whether the practice
 * confirms regulation bookings; the rest of the CPTS policy is kept. */
void         sync_server_set_policy  (SyncServer *server,
                                      gboolean    needs_confirmation);
/* Regulation books within the next 48 hours only, and the demo agenda may have few SNP
 * slots there (a weekend, late in the day): @login adds to @idnps's agenda an evening of
 * 10-minute SNP slots tomorrow 21:00-23:00 Paris time, i.e. 21 to 46 hours ahead whatever
 * the time now: 12 slots. Needs sync_server_set_policy() first (SNP hours). */
void         sync_server_add_evening (SyncServer *server,
                                      const char *login,
                                      const char *idnps);

typedef enum
{
  SYNC_PROXY_PASS = 0,
  SYNC_PROXY_DROP_ANSWER,      /* forward, let the server commit, then cut the connection */
  SYNC_PROXY_HOLD_ANSWER,      /* forward, then never answer */
  SYNC_PROXY_FAIL_500,         /* answer 500 without forwarding */
  SYNC_PROXY_MALFORMED,        /* answer 200 with a truncated body without forwarding */
} SyncProxyMode;

typedef struct
{
  SoupServer    *server;
  SoupSession   *session;
  char          *url;
  char          *upstream;
  SyncProxyMode  mode;
  char          *match;        /* "METHOD /path" prefix the mode applies to; NULL = all */
  guint          times;        /* how many matching requests get the mode (then PASS) */
  guint          n_forwarded;  /* requests forwarded to the server */
  guint          n_matched;
  GPtrArray     *tokens;       /* every bearer token seen (for the secrets check) */
  GPtrArray     *held;         /* messages held by SYNC_PROXY_HOLD_ANSWER */
} SyncProxy;

SyncProxy  *sync_proxy_new       (const char    *upstream);
void        sync_proxy_set_mode  (SyncProxy     *proxy,
                                  SyncProxyMode  mode,
                                  const char    *match,
                                  guint          times);
void        sync_proxy_free      (SyncProxy     *proxy);

G_END_DECLS
