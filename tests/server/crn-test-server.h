/* crn-test-server.h: start the real creneaux-server process and talk to it over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *data_dir;        /* the throw-away folder (removed at the end) */
  char        *db_dir;
  char        *base;            /* "https://127.0.0.1:NNNNN" */
  GHashTable  *passwords;       /* login -> password (demo accounts) */
  GHashTable  *logins;          /* role -> first login of that role */
  SoupSession *session;
  GTlsDatabase *tls_database;
  GString     *stderr_text;     /* everything the server logged */
  GInputStream *stderr_stream;
} CrnTestServer;

typedef struct
{
  guint               status;
  JsonNode           *json;       /* NULL when the body is not JSON */
  char               *body;
  SoupMessageHeaders *headers;
} CrnTestResponse;

/* Starts `creneaux-server --data-dir <tmp> --listen 127.0.0.1:0 --tls-cert … --tls-key …
 * --demo` (CRN_SERVER_EXE, CRN_TEST_TLS_CERT/KEY from the test environment) and waits for
 * "Listening on". @data_dir NULL = a new temporary folder. */
CrnTestServer   *crn_test_server_start   (const char    *data_dir);
/* SIGTERM and wait; the folder is kept when @keep_data. */
void             crn_test_server_stop    (CrnTestServer *server,
                                          gboolean       keep_data);
/* SIGKILL: no chance to flush anything. */
void             crn_test_server_kill    (CrnTestServer *server);
void             crn_test_server_free    (CrnTestServer *server);

const char      *crn_test_server_login_for (CrnTestServer *server,
                                            const char    *role);
/* Password grant; asserts success; returns the access token (refresh token optional). */
char            *crn_test_server_token   (CrnTestServer *server,
                                          const char    *login,
                                          char         **refresh_token);

SoupMessage     *crn_test_message_new    (CrnTestServer *server,
                                          const char    *method,
                                          const char    *path,
                                          const char    *token,
                                          const char    *content_type,
                                          const char    *body,
                                          gssize         body_len);
CrnTestResponse *crn_test_send_message   (CrnTestServer *server,
                                          SoupMessage   *msg);
/* One request; @body (nullable) is sent as application/fhir+json. Extra headers as
 * name, value pairs, NULL-terminated. */
CrnTestResponse *crn_test_request        (CrnTestServer *server,
                                          const char    *method,
                                          const char    *path,
                                          const char    *token,
                                          const char    *body,
                                          ...) G_GNUC_NULL_TERMINATED;
CrnTestResponse *crn_test_form           (CrnTestServer *server,
                                          const char    *path,
                                          const char    *form);
void             crn_test_response_free  (CrnTestResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnTestResponse, crn_test_response_free)

/* JSON path helpers: "issue[0].code", "entry[3].resource.id", "total". */
JsonNode        *crn_test_json_get       (JsonNode      *root,
                                          const char    *path);
const char      *crn_test_json_string    (JsonNode      *root,
                                          const char    *path);
gint64           crn_test_json_int       (JsonNode      *root,
                                          const char    *path);
guint            crn_test_json_length    (JsonNode      *root,
                                          const char    *path);
char            *crn_test_to_string      (JsonNode      *node);

/* The text of the first OperationOutcome issue (details.text) and its code. */
const char      *crn_test_outcome_code   (CrnTestResponse *response);
const char      *crn_test_outcome_text   (CrnTestResponse *response);
const char      *crn_test_outcome_diagnostics (CrnTestResponse *response);

/* A start instant (seconds) at least @minutes_ahead from now, on a 5-minute boundary, whose
 * slot of @length minutes does not cross local (Europe/Paris) midnight. Never the same
 * instant twice in one process. */
gint64           crn_test_pick_start     (guint          minutes_ahead,
                                          guint          length);

/* @n starts for blocks of @length minutes, the first at least @minutes_ahead from now, each
 * @spacing minutes (a non-zero multiple of 5) after the one before, on the same
 * 5-minute grid as crn_test_pick_start(). Only a block that would cross midnight (Paris)
 * moves on, to 00:05, not the whole set: a set of short blocks near now stays near now
 * whatever the time of day. */
void             crn_test_pick_starts    (guint          minutes_ahead,
                                          guint          n,
                                          guint          spacing,
                                          guint          length,
                                          gint64        *starts);

/* Appends what the server wrote on stderr so far to server->stderr_text. */
void             crn_test_server_drain_stderr (CrnTestServer *server);

G_END_DECLS

/* --- agenda helpers (need crn-core/crn-fhir) ----------------------------------------- */
#include "crn-fhir.h"

G_BEGIN_DECLS

/* The coordinator sets the policy: SNP hours 00:00–24:00 every day, except @close_weekday
 * (1..7, 0 = none) whose window closes at @close_minute. */
void   crn_test_put_policy        (CrnTestServer *server,
                                   const char    *coordinator_token,
                                   guint          close_weekday,
                                   guint          close_minute,
                                   guint          booking_closes,
                                   gboolean       confirmation);
/* Adds a one-slot (20 min) extra block at @start to @agenda, PUTs the agenda with @token and
 * returns the id of the new free slot. */
char  *crn_test_add_slot          (CrnTestServer *server,
                                   const char    *token,
                                   CrnTemplate   *agenda,
                                   gint64         start,
                                   CrnVisibility  visibility);
/* The same with a slot of @minutes. */
char  *crn_test_add_slot_minutes  (CrnTestServer *server,
                                   const char    *token,
                                   CrnTemplate   *agenda,
                                   gint64         start,
                                   guint          minutes,
                                   CrnVisibility  visibility);
/* A GAP Appointment for @slot_id of @gp at @start (20 min) for a fictitious patient. */
char  *crn_test_appointment_body  (const char    *id,
                                   const char    *slot_id,
                                   const char    *gp,
                                   gint64         start,
                                   const char    *reason);
char  *crn_test_iso_param         (gint64         seconds);

/* A client of the notifications' WebSocket (`/notifications`). */
typedef struct
{
  SoupWebsocketConnection *connection;   /* NULL when the connection was refused */
  GError                  *error;        /* …and why */
  GPtrArray               *messages;     /* the texts received, in order */
  gboolean                 closed;       /* the server closed it */
} CrnTestListener;

/* Opens the channel with @token (NULL: none) and waits for the answer; @status: the HTTP
 * status of the upgrade. */
CrnTestListener *crn_test_listen        (CrnTestServer   *server,
                                         const char      *token,
                                         guint           *status);
void             crn_test_listener_free (CrnTestListener *listener);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnTestListener, crn_test_listener_free)

G_END_DECLS
