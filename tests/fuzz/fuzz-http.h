/* fuzz-http.h: the real creneaux-server, in the fuzz process, spoken to over loopback HTTP
 *
 * fuzz_http_start() opens a throw-away database, seeds the demo CPTS (accounts, practices,
 * eight weeks of slots and bookings) and listens on 127.0.0.1 (plain HTTP, a free port) in
 * the process's main context. fuzz_http_send() writes one request on a kept-alive
 * connection and runs the main context until the whole response is read, so the request
 * goes through libsoup's parser, the server's early handler, its routes and its database
 * exactly as from a client, with no thread and no child process. CRN_FUZZ_VERBOSE=1 prints
 * one line per request with its status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-server.h"
#include "crn-server-db-private.h"

#include "fuzz.h"

G_BEGIN_DECLS

typedef struct
{
  guint    status;
  GString *head;        /* status line and headers */
  GString *body;
} FuzzHttpResponse;

void        fuzz_http_start          (void);
CrnServer  *fuzz_http_get_server     (void);

/* @headers: (nullable): extra header lines, each ending with "\r\n". Content-Length is
 * added when @body is not NULL. */
void        fuzz_http_send           (const char       *method,
                                      const char       *target,
                                      const char       *headers,
                                      const void       *body,
                                      gsize             body_len,
                                      FuzzHttpResponse *response);
void        fuzz_http_response_clear (FuzzHttpResponse *response);

/* The value of the first header @name (case-insensitive), or NULL. */
char       *fuzz_http_header         (const FuzzHttpResponse *response,
                                      const char             *name);
/* The value of cookie @name among the Set-Cookie headers, or NULL. */
char       *fuzz_http_cookie         (const FuzzHttpResponse *response,
                                      const char             *name);

/* Password grant on /oauth/token; aborts when it fails (the harness cannot start). */
char       *fuzz_http_oauth_token    (const char *login,
                                      const char *password);

/* Bytes to a request-target tail: everything outside 0x21..0x7e, and '#', as %XX; '%'
 * itself is kept, so that malformed escapes still reach the server. */
char       *fuzz_http_escape_target  (const uint8_t *data,
                                      size_t         size);

/* A server error on input is a finding: aborts on a status of 500 or more, or none. */
void        fuzz_http_check_status   (const FuzzHttpResponse *response,
                                      const char             *what);

G_END_DECLS
