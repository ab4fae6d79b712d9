/* crn-server.h: creneaux-server's HTTP side (listener, OAuth, WebSocket, FHIR routes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crn-server-db.h"

G_BEGIN_DECLS

/* Request bodies over this are refused with 413 before they are read. */
#define CRN_SERVER_MAX_BODY_BYTES (1024 * 1024)
/* A connection sending nothing for this long is closed (crn_server_set_idle_timeout()). */
#define CRN_SERVER_IDLE_TIMEOUT_SECONDS 30

typedef struct _CrnServer CrnServer;

/**
 * crn_server_new:
 * @data_dir: the folder of the server's database (created if needed)
 * @error: a #GError
 *
 * Opens the database (migrating it) and prepares the routes; nothing listens yet.
 *
 * Returns: (transfer full) (nullable): the server
 */
CrnServer        *crn_server_new            (const char       *data_dir,
                                             GError          **error);
void              crn_server_free           (CrnServer        *self);
CrnServerDb      *crn_server_get_db         (CrnServer        *self);
void              crn_server_set_idle_timeout (CrnServer      *self,
                                               guint           seconds);
CrnServerContext *crn_server_get_context    (CrnServer        *self);

/**
 * crn_server_listen:
 * @self: the server
 * @host: an IP address ("127.0.0.1", "::1", "0.0.0.0") or "localhost"
 * @port: the port, 0 = any free one
 * @certificate: (nullable): TLS certificate with its key; %NULL = plain HTTP, which is only
 *   allowed on a loopback address
 * @error: a #GError
 *
 * Returns: whether the server listens; crn_server_get_base_url() then gives its address.
 */
gboolean          crn_server_listen         (CrnServer        *self,
                                             const char       *host,
                                             guint             port,
                                             GTlsCertificate  *certificate,
                                             GError          **error);
const char       *crn_server_get_base_url   (CrnServer        *self);

/* --- helpers for the route files ---------------------------------------------------- */

/* The account behind the request's bearer token, or NULL after answering 401 itself. */
CrnServerAccount *crn_server_require_account (CrnServerContext  *ctx,
                                              SoupServerMessage *msg);
/* Answers with an OperationOutcome that fits @error (status, issue code, French text). */
void              crn_server_send_error      (SoupServerMessage *msg,
                                              const GError      *error,
                                              const char        *diagnostics);
void              crn_server_send_json       (SoupServerMessage *msg,
                                              guint              status,
                                              JsonNode          *node,
                                              const char        *content_type);
guint             crn_server_status_for_error (const GError     *error);

/* crn-server-fhir.c */
void              crn_server_fhir_register   (SoupServer        *server,
                                              CrnServerContext  *ctx);

/* crn-server-demo.c: seeds the demo CPTS once; fills @accounts with "role login password"
 * lines to print. */
gboolean          crn_server_demo_seed       (CrnServerDb       *db,
                                              GPtrArray         *accounts,
                                              GError           **error);

G_END_DECLS
