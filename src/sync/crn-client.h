/* crn-client.h: the app's HTTP client of one CPTS server (TLS, OAuth tokens, FHIR calls)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crn-account.h"
#include "crn-sync-error.h"

G_BEGIN_DECLS

/**
 * CrnResponse:
 * @status: the HTTP status (below 500, never 401: those are errors)
 * @version: the version in the ETag (W/"n"), 0 when absent
 * @body: (nullable): the JSON body
 * @location: (nullable): the Location header
 * @etag: (nullable): the ETag header as sent (a search's validator, for If-None-Match)
 * @raw: (nullable): the body of a 2xx answer to crn_client_get_async(), not parsed (the
 *   caller reads it, in a worker thread if it is big); @body is then %NULL
 * @next: (nullable): the `rel="next"` link of a Link header (RFC 8288), when sent
 *
 * A server answer the caller has to decide about (2xx, 4xx).
 */
typedef struct
{
  guint     status;
  gint64    version;
  JsonNode *body;
  char     *location;
  char     *etag;
  GBytes   *raw;
  char     *next;
} CrnResponse;

void crn_response_free (CrnResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnResponse, crn_response_free)

/* The OperationOutcome text of a refused answer, or a generic sentence. */
char *crn_response_dup_message (const CrnResponse *response);

#define CRN_TYPE_CLIENT (crn_client_get_type ())

G_DECLARE_FINAL_TYPE (CrnClient, crn_client, CRN, CLIENT, GObject)

CrnClient   *crn_client_new                  (const char          *server_url,
                                              const char          *ca_file,
                                              GError             **error);
const char  *crn_client_get_server_url       (CrnClient           *self);
SoupSession *crn_client_get_session          (CrnClient           *self);
char        *crn_client_build_url            (CrnClient           *self,
                                              const char          *path);
void         crn_client_set_timeout          (CrnClient           *self,
                                              guint                seconds);

void         crn_client_set_refresh_token    (CrnClient           *self,
                                              const char          *refresh_token);
gboolean     crn_client_has_session          (CrnClient           *self);
void         crn_client_forget_tokens        (CrnClient           *self);
void         crn_client_hold_refresh         (CrnClient           *self);
void         crn_client_release_refresh      (CrnClient           *self);
/* Tests: makes the access token look expired, so the next call refreshes it first. */
void         crn_client_expire_access_token  (CrnClient           *self);

void         crn_client_sign_in_async        (CrnClient           *self,
                                              const char          *username,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
CrnAccount  *crn_client_sign_in_finish       (CrnClient           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

void         crn_client_request_async        (CrnClient           *self,
                                              const char          *method,
                                              const char          *path_or_url,
                                              const char          *if_match,
                                              const char          *if_none_exist,
                                              JsonNode            *body,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void         crn_client_get_async            (CrnClient           *self,
                                              const char          *path_or_url,
                                              const char          *if_none_match,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
CrnResponse *crn_client_request_finish       (CrnClient           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

void         crn_client_connect_notifications_async  (CrnClient           *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SoupWebsocketConnection *
             crn_client_connect_notifications_finish (CrnClient           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Formats W/"n" for If-Match. */
char        *crn_client_format_etag          (gint64               version);
/* Reads W/"n" or "n"; 0 when unreadable. */
gint64       crn_client_parse_etag           (const char          *etag);

G_END_DECLS
