/* crn-server.c: the listener, errors as OperationOutcomes, the OAuth token endpoint and the
 * WebSocket notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServer"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir.h"
#include "crn-server.h"
#include "crn-server-config.h"
#include "crn-server-conn-private.h"
#include "crn-server-db-private.h"

#ifdef CRN_HAVE_BOOKING_PAGE
#include "crn-booking-page.h"
#endif
#ifdef CRN_HAVE_REPORT
#include "crn-report.h"
#endif

typedef struct
{
  SoupWebsocketConnection *connection;
  gint64                   account_id;
  char                    *practice_id;
  GPtrArray               *acts_for;
  gint64                   booker_id;    /* regulator/pharmacy: notified of own bookings */
} Client;

struct _CrnServer
{
  SoupServer       *soup;
  CrnServerDb      *db;
  CrnServerContext  ctx;
  GPtrArray        *clients;             /* Client */
  guint             expand_id;
  guint             idle_timeout;        /* seconds; 0 = none */
};

/* ---------------------------------------------------------------------------------- */
/* Answers                                                                             */

void
crn_server_send_json (SoupServerMessage *msg,
                      guint              status,
                      JsonNode          *node,
                      const char        *content_type)
{
  g_autofree char *text = crn_fhir_to_string (node, FALSE);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type != NULL ? content_type
                                                              : "application/fhir+json",
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&text), len);
}

guint
crn_server_status_for_error (const GError *error)
{
  if (error->domain == CRN_SERVER_ERROR)
    switch ((CrnServerError) error->code)
      {
      case CRN_SERVER_ERROR_INVALID:          return SOUP_STATUS_BAD_REQUEST;
      case CRN_SERVER_ERROR_NOT_FOUND:        return SOUP_STATUS_NOT_FOUND;
      case CRN_SERVER_ERROR_UNAUTHORIZED:
      case CRN_SERVER_ERROR_BAD_LOGIN:        return SOUP_STATUS_UNAUTHORIZED;
      case CRN_SERVER_ERROR_LOCKED_OUT:       return 429;
      case CRN_SERVER_ERROR_FORBIDDEN:        return SOUP_STATUS_FORBIDDEN;
      case CRN_SERVER_ERROR_VERSION_MISMATCH: return SOUP_STATUS_PRECONDITION_FAILED;
      case CRN_SERVER_ERROR_CONFLICT:
      case CRN_SERVER_ERROR_DUPLICATE:        return SOUP_STATUS_CONFLICT;
      case CRN_SERVER_ERROR_TOO_LARGE:        return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
      case CRN_SERVER_ERROR_DATABASE:
      default:                                return SOUP_STATUS_INTERNAL_SERVER_ERROR;
      }
  if (error->domain == CRN_CORE_ERROR)
    switch ((CrnCoreError) error->code)
      {
      case CRN_CORE_ERROR_INVALID:            return SOUP_STATUS_BAD_REQUEST;
      case CRN_CORE_ERROR_SLOT_NOT_FREE:      return SOUP_STATUS_CONFLICT;
      default:                                return 422;
      }
  if (error->domain == CRN_FHIR_ERROR)
    return SOUP_STATUS_BAD_REQUEST;
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

static const char *
issue_code_for_error (const GError *error)
{
  if (error->domain == CRN_SERVER_ERROR)
    switch ((CrnServerError) error->code)
      {
      case CRN_SERVER_ERROR_INVALID:          return "invalid";
      case CRN_SERVER_ERROR_NOT_FOUND:        return "not-found";
      case CRN_SERVER_ERROR_UNAUTHORIZED:
      case CRN_SERVER_ERROR_BAD_LOGIN:        return "login";
      case CRN_SERVER_ERROR_LOCKED_OUT:       return "throttled";
      case CRN_SERVER_ERROR_FORBIDDEN:        return "forbidden";
      case CRN_SERVER_ERROR_VERSION_MISMATCH:
      case CRN_SERVER_ERROR_CONFLICT:         return "conflict";
      case CRN_SERVER_ERROR_DUPLICATE:        return "duplicate";
      case CRN_SERVER_ERROR_TOO_LARGE:        return "too-costly";
      case CRN_SERVER_ERROR_DATABASE:
      default:                                return "exception";
      }
  if (error->domain == CRN_CORE_ERROR && error->code == CRN_CORE_ERROR_INVALID)
    return "invalid";
  if (error->domain == CRN_CORE_ERROR && error->code == CRN_CORE_ERROR_SLOT_NOT_FREE)
    return "conflict";
  return crn_fhir_error_get_issue_code (error);
}

void
crn_server_send_error (SoupServerMessage *msg,
                       const GError      *error,
                       const char        *diagnostics)
{
  g_autoptr(JsonNode) outcome = NULL;
  g_autofree char *diag = NULL;
  guint status = crn_server_status_for_error (error);

  if (error->domain == CRN_CORE_ERROR && status == 422)
    outcome = crn_fhir_operation_outcome_from_error (error, diagnostics);
  else
    {
      if (error->domain == CRN_CORE_ERROR)
        diag = g_strdup_printf ("rule=%s%s%s",
                                crn_core_error_rule_name ((CrnCoreError) error->code),
                                diagnostics != NULL ? "; " : "",
                                diagnostics != NULL ? diagnostics : "");
      outcome = crn_fhir_operation_outcome_new (status >= 500 ? CRN_FHIR_SEVERITY_FATAL
                                                              : CRN_FHIR_SEVERITY_ERROR,
                                                issue_code_for_error (error), error->message,
                                                diag != NULL ? diag : diagnostics,
                                                crn_fhir_error_get_expression (error));
    }
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate",
                                  "Bearer realm=\"creneaux\", error=\"invalid_token\"");
  crn_server_send_json (msg, status, outcome, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Authentication                                                                      */

static char *
bearer_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  if (*header == '\0' || strlen (header) > 256)
    return NULL;
  return g_strdup (header);
}

CrnServerAccount *
crn_server_require_account (CrnServerContext  *ctx,
                            SoupServerMessage *msg)
{
  g_autofree char *token = bearer_token (msg);
  g_autoptr(GError) error = NULL;
  CrnServerAccount *account = NULL;

  if (token == NULL)
    g_set_error (&error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_UNAUTHORIZED,
                 _("Sign in first: this request needs a bearer access token."));
  else
    account = crn_server_db_account_for_token (ctx->db, token, &error);
  if (account == NULL)
    {
      if (!g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE))
        {
          g_clear_error (&error);
          g_set_error (&error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_UNAUTHORIZED,
                       token == NULL
                       ? _("Sign in first: this request needs a bearer access token.")
                       : _("Your session has expired or is not valid. Sign in again."));
        }
      crn_server_send_error (msg, error, NULL);
    }
  return account;
}

/* ---------------------------------------------------------------------------------- */
/* Body limits (early handler: before the body is read)                                */

static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  CrnServerContext *ctx = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  g_autoptr(GError) error = NULL;

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) ctx->max_body_bytes)
    {
      g_set_error (&error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_TOO_LARGE,
                   _("The request is too large (more than %u kB). Send less at once."),
                   (guint) (ctx->max_body_bytes / 1024));
    }
  else if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    {
      /* Without a length the body could be endless: refuse before reading it. */
      g_set_error (&error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Send the request with a Content-Length header."));
    }
  if (error != NULL)
    {
      crn_server_send_error (msg, error, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      /* libsoup still reads the body before it answers: do not keep it in memory. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
    }
}

/* libsoup answers some requests itself with a bare 400, before any handler: a request line
 * or headers it cannot parse (a bad %-escape in the address) and paths that decode to ".."
 * segments or to nothing valid. Every request therefore starts with an OperationOutcome
 * ready for that answer; once libsoup has read the headers and let the request through
 * (the status is still unset), the body is dropped and the handlers answer as usual. */
static void
got_headers_after_cb (SoupServerMessage *msg,
                      gpointer           user_data)
{
  if (soup_server_message_get_status (msg) == 0)
    soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

/* Idle connections ------------------------------------------------------------------ */

/* The timers and the release of ended connections are in crn-server-conn.c. */

static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    _crn_server_conn_idle_stop (socket);
}

/* The answer is sent: a kept-alive connection now waits for its next request (libsoup
 * emits request-started only once its first bytes come). */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  CrnServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && self->idle_timeout > 0 && !g_socket_is_closed (socket))
    _crn_server_conn_idle_start (socket, self->idle_timeout);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  CrnServer *self = user_data;
  g_autoptr(JsonNode) outcome = NULL;
  g_autofree char *text = NULL;
  GSocket *socket = soup_server_message_get_socket (msg);
  gsize len;

  /* libsoup emits this signal for the first request of a connection before its TLS
   * handshake, and for each next request of a kept-alive connection when its first bytes
   * come. */
  if (socket != NULL && self->idle_timeout > 0)
    _crn_server_conn_idle_start (socket, self->idle_timeout);

  outcome = crn_fhir_operation_outcome_new (CRN_FHIR_SEVERITY_ERROR, "invalid",
                                            _("The request could not be read: its address or "
                                              "its headers are not valid HTTP."),
                                            NULL, NULL);
  text = crn_fhir_to_string (outcome, FALSE);
  len = strlen (text);
  soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
  g_signal_connect_after (msg, "got-headers", G_CALLBACK (got_headers_after_cb), NULL);
}

/* ---------------------------------------------------------------------------------- */
/* OAuth 2.0 token endpoint (RFC 6749, sections 4.3 and 6)                             */

static void
send_oauth_error (SoupServerMessage *msg,
                  guint              status,
                  const char        *code,
                  const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"creneaux\"");
  crn_server_send_json (msg, status, node, "application/json");
}

static void
oauth_token_handler (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  CrnServerContext *ctx = user_data;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnServerAccount) account = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *body_text = NULL;
  const char *content_type;
  const char *grant;
  SoupMessageBody *request_body;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST");
      send_oauth_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "invalid_request",
                        _("Ask for a token with POST."));
      return;
    }
  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                        NULL);
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    {
      send_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                        _("Send the token request as application/x-www-form-urlencoded."));
      return;
    }
  request_body = soup_server_message_get_request_body (msg);
  body = soup_message_body_flatten (request_body);
  body_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  form = soup_form_decode (body_text);
  grant = g_hash_table_lookup (form, "grant_type");

  if (g_strcmp0 (grant, "password") == 0)
    {
      const char *login = g_hash_table_lookup (form, "username");
      const char *password = g_hash_table_lookup (form, "password");
      guint retry_after = 0;

      if (login == NULL || password == NULL)
        {
          send_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                            _("Give a username and a password."));
          return;
        }
      account = crn_server_db_authenticate (ctx->db, login, password,
                                            soup_server_message_get_remote_host (msg),
                                            &retry_after, &error);
      if (account == NULL)
        {
          if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_LOCKED_OUT))
            {
              g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

              soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                            "Retry-After", seconds);
              send_oauth_error (msg, 429, "invalid_grant",
                                error->message);
            }
          else if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN))
            send_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", error->message);
          else
            send_oauth_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                              error->message);
          return;
        }
      if (!crn_server_db_issue_tokens (ctx->db, account->id, &access, &refresh, &error))
        {
          send_oauth_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                            error->message);
          return;
        }
    }
  else if (g_strcmp0 (grant, "refresh_token") == 0)
    {
      const char *token = g_hash_table_lookup (form, "refresh_token");
      gint64 account_id;

      if (token == NULL)
        {
          send_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                            _("Give the refresh token."));
          return;
        }
      account_id = crn_server_db_refresh_tokens (ctx->db, token, &access, &refresh, &error);
      if (account_id == 0)
        {
          send_oauth_error (msg,
                            g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN)
                            ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                            g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN)
                            ? "invalid_grant" : "server_error", error->message);
          return;
        }
      account = crn_server_db_get_account (ctx->db, account_id, &error);
      if (account == NULL)
        {
          send_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", error->message);
          return;
        }
    }
  else
    {
      send_oauth_error (msg, SOUP_STATUS_BAD_REQUEST,
                        grant == NULL ? "invalid_request" : "unsupported_grant_type",
                        _("Use grant_type “password” or “refresh_token”."));
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, CRN_ACCESS_TOKEN_SECONDS);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, refresh);
  /* Not in RFC 6749, but the app needs to know who it is. */
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, crn_server_role_to_string (account->role));
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, account->display_name);
  if (account->idnps != NULL)
    {
      json_builder_set_member_name (builder, "practitioner");
      json_builder_add_string_value (builder, account->idnps);
    }
  json_builder_set_member_name (builder, "acts_for");
  json_builder_begin_array (builder);
  for (guint i = 0; i < account->acts_for->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (account->acts_for, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Pragma", "no-cache");
  crn_server_send_json (msg, SOUP_STATUS_OK, node, "application/json");
}

/* ---------------------------------------------------------------------------------- */
/* Live notifications over WebSocket                                                   */

static void
client_free (gpointer data)
{
  Client *client = data;

  g_signal_handlers_disconnect_by_data (client->connection, client);
  g_clear_object (&client->connection);
  g_free (client->practice_id);
  g_clear_pointer (&client->acts_for, g_ptr_array_unref);
  g_free (client);
}

static void
on_websocket_closed_cb (SoupWebsocketConnection *connection,
                        gpointer                 user_data)
{
  CrnServer *self = g_object_get_data (G_OBJECT (connection), "crn-server");
  Client *client = user_data;

  if (self != NULL)
    g_ptr_array_remove_fast (self->clients, client);
}

static void
notifications_auth_handler (SoupServer        *server,
                            SoupServerMessage *msg,
                            const char        *path,
                            GHashTable        *query,
                            gpointer           user_data)
{
  CrnServerContext *ctx = user_data;
  g_autoptr(CrnServerAccount) account = NULL;

  /* Runs before the WebSocket handshake: leaving the status unset lets it proceed. */
  account = crn_server_require_account (ctx, msg);
  if (account != NULL && account->role == CRN_SERVER_ROLE_COORDINATOR)
    {
      g_autoptr(GError) error = g_error_new (CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                                             _("Live notifications are for practices and "
                                               "referrers."));
      crn_server_send_error (msg, error, NULL);
    }
}

static void
websocket_handler (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *connection,
                   gpointer                 user_data)
{
  CrnServer *self = user_data;
  g_autoptr(CrnServerAccount) account = NULL;
  g_autofree char *token = bearer_token (msg);
  Client *client;

  if (token != NULL)
    account = crn_server_db_account_for_token (self->db, token, NULL);
  if (account == NULL)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  client = g_new0 (Client, 1);
  client->connection = g_object_ref (connection);
  client->account_id = account->id;
  client->practice_id = g_strdup (account->practice_id);
  client->acts_for = g_ptr_array_ref (account->acts_for);
  if (account->role == CRN_SERVER_ROLE_REGULATOR || account->role == CRN_SERVER_ROLE_PHARMACY)
    client->booker_id = account->id;
  g_object_set_data (G_OBJECT (connection), "crn-server", self);
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "closed", G_CALLBACK (on_websocket_closed_cb), client);
  g_ptr_array_add (self->clients, client);
  g_debug ("WebSocket client connected (%u)", self->clients->len);
}

static gboolean
client_wants (Client     *client,
              const char *practice_id,
              const char *practitioner)
{
  if (client->booker_id != 0)
    return FALSE;
  if (practice_id != NULL && g_strcmp0 (client->practice_id, practice_id) == 0)
    return TRUE;
  for (guint i = 0; client->acts_for != NULL && i < client->acts_for->len; i++)
    if (g_strcmp0 (g_ptr_array_index (client->acts_for, i), practitioner) == 0)
      return TRUE;
  return FALSE;
}

static void
on_change_cb (const char *resource_type,
              const char *id,
              gint64      version,
              gint64      last_updated_ms,
              const char *practitioner,
              gpointer    user_data)
{
  CrnServer *self = user_data;
  g_autofree char *practice_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *iso = NULL;

  if (self->clients->len == 0)
    return;

  practice_id = crn_server_db_practice_of (self->db, practitioner);
  iso = crn_fhir_format_instant_ms (last_updated_ms);
  text = g_strdup_printf ("{\"resourceType\":\"%s\",\"id\":\"%s\",\"versionId\":\""
                          "%" G_GINT64_FORMAT "\",\"lastUpdated\":\"%s\","
                          "\"lastUpdatedMs\":%" G_GINT64_FORMAT "}",
                          resource_type, id, version, iso, last_updated_ms);
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (client_wants (client, practice_id, practitioner) &&
          soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (client->connection, text);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Misc routes                                                                         */

static void
root_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (path, "/"))
    {
#ifdef CRN_HAVE_BOOKING_PAGE
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/reservation");
#else
      static const char text[] = "creneaux-server: FHIR R4 at /fhir\n";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        text, sizeof text - 1);
#endif
      return;
    }
  g_set_error (&error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
               _("There is nothing at this address. The FHIR API is under /fhir."));
  crn_server_send_error (msg, error, NULL);
}

static gboolean
expand_timeout_cb (gpointer user_data)
{
  CrnServer *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_server_db_expand_all (self->db, &error))
    g_warning ("Could not expand the agendas: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------------------- */
/* Public API                                                                          */

CrnServer *
crn_server_new (const char  *data_dir,
                GError     **error)
{
  g_autofree char *path = NULL;
  CrnServer *self;
  CrnServerDb *db;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the data folder “%s”: %s"), data_dir,
                   g_strerror (saved));
      return NULL;
    }
  path = g_build_filename (data_dir, "creneaux-server.db", NULL);
  db = crn_server_db_open (path, error);
  if (db == NULL)
    return NULL;

  self = g_new0 (CrnServer, 1);
  self->db = db;
  self->clients = g_ptr_array_new_with_free_func (client_free);
  self->ctx.db = db;
  self->ctx.max_body_bytes = CRN_SERVER_MAX_BODY_BYTES;
  self->ctx.priv = self;
  self->idle_timeout = CRN_SERVER_IDLE_TIMEOUT_SECONDS;
  crn_server_db_set_change_func (db, on_change_cb, self);
  return self;
}

/**
 * crn_server_set_idle_timeout:
 * @self: a #CrnServer
 * @seconds: the delay; 0 = none
 *
 * Sets how long the server waits for a request — from the start of the connection (TLS
 * handshake included) or the end of the previous answer on a kept-alive connection, until
 * the request is read in full — before it closes the connection (default
 * %CRN_SERVER_IDLE_TIMEOUT_SECONDS). The notifications' WebSockets have none. Applies to
 * requests that start after the call.
 */
void
crn_server_set_idle_timeout (CrnServer *self,
                             guint      seconds)
{
  self->idle_timeout = seconds;
}

void
crn_server_free (CrnServer *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->expand_id, g_source_remove);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  /* Let the closed connections finish before the process ends. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  crn_server_db_set_change_func (self->db, NULL, NULL);
  g_clear_pointer (&self->db, crn_server_db_free);
  g_free (self->ctx.base_url);
  g_free (self);
}

CrnServerDb *
crn_server_get_db (CrnServer *self)
{
  return self->db;
}

CrnServerContext *
crn_server_get_context (CrnServer *self)
{
  return &self->ctx;
}

const char *
crn_server_get_base_url (CrnServer *self)
{
  return self->ctx.base_url;
}

gboolean
crn_server_listen (CrnServer        *self,
                   const char       *host,
                   guint             port,
                   GTlsCertificate  *certificate,
                   GError          **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;
  guint real_port = 0;
  gboolean ipv6;

  if (g_str_equal (host, "localhost"))
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("“%s” is not an IP address. Give --listen as ADDRESS:PORT, for example "
                     "127.0.0.1:8443."), host);
      return FALSE;
    }
  if (certificate == NULL && !g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Plain HTTP is only allowed on a loopback address (127.0.0.1, ::1): "
                     "give --tls-cert and --tls-key to listen on %s."), host);
      return FALSE;
    }

  _crn_server_conn_init ();
  self->soup = soup_server_new ("server-header", "creneaux-server/" PACKAGE_VERSION, NULL);
  if (certificate != NULL)
    soup_server_set_tls_certificate (self->soup, certificate);
  self->ctx.tls = certificate != NULL;

  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (request_read_cb), NULL);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  soup_server_add_early_handler (self->soup, NULL, early_handler, &self->ctx, NULL);
  soup_server_add_handler (self->soup, NULL, root_handler, &self->ctx, NULL);
  soup_server_add_handler (self->soup, "/oauth/token", oauth_token_handler, &self->ctx, NULL);
  soup_server_add_handler (self->soup, "/notifications", notifications_auth_handler,
                           &self->ctx, NULL);
  soup_server_add_websocket_handler (self->soup, "/notifications", NULL, NULL,
                                     websocket_handler, self, NULL);
  crn_server_fhir_register (self->soup, &self->ctx);

  socket_address = g_inet_socket_address_new (address, port);
  if (!soup_server_listen (self->soup, socket_address,
                           certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, &local_error))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Could not listen on %s port %u: %s"), host, port, local_error->message);
      return FALSE;
    }

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    real_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  ipv6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
  {
    g_autofree char *host_text = g_inet_address_to_string (address);

    self->ctx.base_url = g_strdup_printf ("%s://%s%s%s:%u", certificate != NULL ? "https" : "http",
                                          ipv6 ? "[" : "", host_text, ipv6 ? "]" : "",
                                          real_port);
  }

  /* The base URL is known only now: the pages build links with it. */
#ifdef CRN_HAVE_BOOKING_PAGE
  crn_booking_page_register (self->soup, &self->ctx);
#endif
#ifdef CRN_HAVE_REPORT
  crn_report_register (self->soup, &self->ctx);
#endif

  /* Keep the next eight weeks of slots expanded as days pass. */
  if (!crn_server_db_expand_all (self->db, &local_error))
    g_warning ("Could not expand the agendas: %s", local_error->message);
  self->expand_id = g_timeout_add_seconds (3600, expand_timeout_cb, self);
  return TRUE;
}
