/* crn-client.c: one SoupSession per account, OAuth tokens kept in memory, FHIR calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-client.h"
#include "crn-core.h"
#include "crn-fhir.h"

#define REQUEST_TIMEOUT_SECONDS 10
#define IDLE_TIMEOUT_SECONDS    25
#define TOKEN_MARGIN_US         (30 * G_USEC_PER_SEC)

struct _CrnClient
{
  GObject      parent_instance;

  char        *server_url;      /* no trailing slash */
  char        *host;
  SoupSession *session;

  char        *access_token;
  gint64       access_expires_us; /* monotonic */
  char        *refresh_token;

  gboolean     refreshing;
  GPtrArray   *refresh_waiters;  /* GTask waiting for the token refresh */
  guint        refresh_holds;    /* crn_client_hold_refresh() */
};

G_DEFINE_FINAL_TYPE (CrnClient, crn_client, G_TYPE_OBJECT)

enum
{
  SIGNAL_REFRESH_TOKEN_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                             */

static void
wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
set_tokens (CrnClient  *self,
            const char *access,
            gint64      expires_in,
            const char *refresh)
{
  g_clear_pointer (&self->access_token, wipe_free);
  self->access_token = g_strdup (access);
  self->access_expires_us = g_get_monotonic_time () + MAX (expires_in, 1) * G_USEC_PER_SEC;
  if (refresh != NULL && g_strcmp0 (refresh, self->refresh_token) != 0)
    {
      g_clear_pointer (&self->refresh_token, wipe_free);
      self->refresh_token = g_strdup (refresh);
      g_signal_emit (self, signals[SIGNAL_REFRESH_TOKEN_CHANGED], 0, self->refresh_token);
    }
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Turns a libsoup/GIO failure into a sentence for the user. */
static GError *
transport_error (CrnClient    *self,
                 const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE,
                        _("The identity of %s could not be verified: its certificate is not "
                          "trusted, has expired or has changed, so nothing was sent. If your "
                          "CPTS uses its own certificate authority, choose its certificate "
                          "file in the account settings; otherwise tell your CPTS."),
                        self->host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_NETWORK,
                        _("%s did not answer in time. Your changes are kept and will be sent "
                          "when it answers again."), self->host);
  return g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_NETWORK,
                      _("%s could not be reached (%s). Your changes are kept and will be "
                        "sent when the connection is back."), self->host, error->message);
}

static GError *
server_error (CrnClient *self,
              guint      status)
{
  return g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_SERVER,
                      _("%s had a problem (error %u). Your changes are kept and will be sent "
                        "later."), self->host, status);
}

static GError *
signed_out_error (void)
{
  return g_error_new_literal (CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT,
                              _("Your session has ended. Sign in again; the changes you made "
                                "meanwhile are kept and will be sent then."));
}

/**
 * crn_client_format_etag:
 * @version: a version (> 0)
 *
 * Returns: (transfer full): `W/"<version>"`
 */
char *
crn_client_format_etag (gint64 version)
{
  return g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", version);
}

/**
 * crn_client_parse_etag:
 * @etag: (nullable): an ETag header
 *
 * Returns: the version, 0 when absent or unreadable
 */
gint64
crn_client_parse_etag (const char *etag)
{
  guint64 value = 0;
  const char *p = etag;
  g_autofree char *digits = NULL;
  gsize len;

  if (p == NULL)
    return 0;
  if (g_str_has_prefix (p, "W/"))
    p += 2;
  if (*p == '"')
    p++;
  len = strspn (p, "0123456789");
  if (len == 0 || len > 18)
    return 0;
  digits = g_strndup (p, len);
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &value, NULL))
    return 0;
  return (gint64) value;
}

/**
 * crn_response_free:
 * @response: (nullable): a response
 */
void
crn_response_free (CrnResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, json_node_unref);
  g_free (response->location);
  g_free (response->etag);
  g_clear_pointer (&response->raw, g_bytes_unref);
  g_free (response->next);
  g_free (response);
}

/* Is @url (absolute) on this client's server? */
static gboolean
is_own_url (CrnClient  *self,
            const char *url)
{
  gsize len = strlen (self->server_url);

  return g_str_has_prefix (url, self->server_url) && (url[len] == '/' || url[len] == '\0');
}

/* The target of the first `rel="next"` link of a Link header (RFC 8288: `<uri>; rel=…`,
 * comma-separated; a URI may hold commas, never ">"), or NULL. */
static char *
link_header_next (const char *header)
{
  const char *p = header;

  while (p != NULL && (p = strchr (p, '<')) != NULL)
    {
      const char *end = strchr (p, '>');
      const char *params;
      const char *stop;
      g_autofree char *text = NULL;
      g_auto(GStrv) parts = NULL;

      if (end == NULL)
        return NULL;
      params = end + 1;
      stop = strchr (params, '<');
      text = stop != NULL ? g_strndup (params, stop - params) : g_strdup (params);
      parts = g_strsplit_set (text, ";,", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          char *param = g_strstrip (parts[i]);

          if (g_ascii_strcasecmp (param, "rel=\"next\"") == 0 ||
              g_ascii_strcasecmp (param, "rel=next") == 0)
            return g_strndup (p + 1, end - p - 1);
        }
      p = end + 1;
    }
  return NULL;
}

/**
 * crn_response_dup_message:
 * @response: a response
 *
 * Returns: (transfer full): the server's OperationOutcome text, or a sentence naming the
 *   status when the body has none
 */
char *
crn_response_dup_message (const CrnResponse *response)
{
  if (response->body != NULL &&
      g_strcmp0 (crn_fhir_get_resource_type (response->body), "OperationOutcome") == 0)
    {
      g_autoptr(GPtrArray) issues = crn_fhir_operation_outcome_parse (response->body, NULL);

      if (issues != NULL && issues->len > 0)
        {
          char *message = crn_fhir_operation_outcome_get_message (issues);

          if (message != NULL && *message != '\0')
            return message;
          g_free (message);
        }
    }
  return g_strdup_printf (_("The server refused the change (error %u)."), response->status);
}

/* ---------------------------------------------------------------------------------- */
/* GObject                                                                             */

static void
crn_client_finalize (GObject *object)
{
  CrnClient *self = CRN_CLIENT (object);

  g_assert (self->refresh_waiters->len == 0);
  g_ptr_array_unref (self->refresh_waiters);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_free (self->server_url);
  g_free (self->host);
  g_clear_pointer (&self->access_token, wipe_free);
  g_clear_pointer (&self->refresh_token, wipe_free);

  G_OBJECT_CLASS (crn_client_parent_class)->finalize (object);
}

static void
crn_client_class_init (CrnClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crn_client_finalize;

  /**
   * CrnClient::refresh-token-changed:
   * @self: the client
   * @refresh_token: the new refresh token
   *
   * The server issued a new refresh token (sign-in or rotation): keep it in the keyring.
   */
  signals[SIGNAL_REFRESH_TOKEN_CHANGED] =
    g_signal_new ("refresh-token-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
crn_client_init (CrnClient *self)
{
  self->refresh_waiters = g_ptr_array_new ();
}

/* ---------------------------------------------------------------------------------- */
/* Construction                                                                        */

/**
 * crn_client_new:
 * @server_url: the server's base URL, `https://…` (`http://` only to this machine)
 * @ca_file: (nullable): a PEM file of the CPTS's certificate authority, trusted instead of
 *   the system's authorities
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the client, or %NULL with
 *   %CRN_SYNC_ERROR_INVALID_URL, %CRN_SYNC_ERROR_INSECURE or %CRN_SYNC_ERROR_CERTIFICATE
 */
CrnClient *
crn_client_new (const char  *server_url,
                const char  *ca_file,
                GError     **error)
{
  g_autoptr(CrnClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *url = NULL;
  const char *scheme;

  g_return_val_if_fail (server_url != NULL, NULL);

  url = g_strstrip (g_strdup (server_url));
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_URL,
                   _("“%s” is not a server address. Type it as given by your CPTS, for "
                     "example https://agenda.cpts.example."), server_url);
      return NULL;
    }
  if (g_strcmp0 (scheme, "http") == 0 && !host_is_loopback (g_uri_get_host (uri)))
    {
      g_set_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INSECURE,
                   _("The address %s is not encrypted. Use its https:// address: patient "
                     "data is only sent over a secure connection."), url);
      return NULL;
    }

  if (ca_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      database = g_tls_file_database_new (ca_file, &local_error);
      if (database == NULL)
        {
          g_set_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE,
                       _("The certificate authority file could not be read (%s). Choose the "
                         "PEM file given by your CPTS."), local_error->message);
          return NULL;
        }
    }

  self = g_object_new (CRN_TYPE_CLIENT, NULL);
  self->server_url = g_steal_pointer (&url);
  self->host = g_strdup (g_uri_get_host (uri));
  user_agent = g_strdup_printf ("Creneaux/%s", PACKAGE_VERSION);
  /* Idle connections are closed before the server's 30 s idle timeout would close them: a
   * request sent on a connection the server is closing at that moment would fail. */
  self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS,
                                                 "idle-timeout", IDLE_TIMEOUT_SECONDS,
                                                 "user-agent", user_agent,
                                                 NULL);
  if (database != NULL)
    soup_session_set_tls_database (self->session, database);
  return g_steal_pointer (&self);
}

const char *
crn_client_get_server_url (CrnClient *self)
{
  g_return_val_if_fail (CRN_IS_CLIENT (self), NULL);
  return self->server_url;
}

/**
 * crn_client_get_session:
 * @self: a client
 *
 * Returns: (transfer none): the session (for tests and the benchmark)
 */
SoupSession *
crn_client_get_session (CrnClient *self)
{
  g_return_val_if_fail (CRN_IS_CLIENT (self), NULL);
  return self->session;
}

/**
 * crn_client_build_url:
 * @self: a client
 * @path: an absolute path ("/fhir/Slot?…") or a full URL of the same server
 *
 * Returns: (transfer full): the URL
 */
char *
crn_client_build_url (CrnClient  *self,
                      const char *path)
{
  if (g_str_has_prefix (path, "https://") || g_str_has_prefix (path, "http://"))
    return g_strdup (path);
  return g_strconcat (self->server_url, path[0] == '/' ? "" : "/", path, NULL);
}

/**
 * crn_client_set_timeout:
 * @self: a client
 * @seconds: how long to wait for the server before giving up (default 10)
 *
 * Applies to connections opened afterwards.
 */
void
crn_client_set_timeout (CrnClient *self,
                        guint      seconds)
{
  g_return_if_fail (CRN_IS_CLIENT (self));
  soup_session_set_timeout (self->session, seconds);
}

/**
 * crn_client_set_refresh_token:
 * @self: a client
 * @refresh_token: (nullable): the token found in the keyring
 */
void
crn_client_set_refresh_token (CrnClient  *self,
                              const char *refresh_token)
{
  g_return_if_fail (CRN_IS_CLIENT (self));

  g_clear_pointer (&self->refresh_token, wipe_free);
  self->refresh_token = g_strdup (refresh_token);
}

gboolean
crn_client_has_session (CrnClient *self)
{
  g_return_val_if_fail (CRN_IS_CLIENT (self), FALSE);
  return self->refresh_token != NULL || self->access_token != NULL;
}

/**
 * crn_client_forget_tokens:
 * @self: a client
 *
 * Drops both tokens from memory (sign-out).
 */
void
crn_client_forget_tokens (CrnClient *self)
{
  g_return_if_fail (CRN_IS_CLIENT (self));

  g_clear_pointer (&self->access_token, wipe_free);
  g_clear_pointer (&self->refresh_token, wipe_free);
}

void
crn_client_expire_access_token (CrnClient *self)
{
  g_return_if_fail (CRN_IS_CLIENT (self));
  self->access_expires_us = 0;
}

/* ---------------------------------------------------------------------------------- */
/* Token endpoint                                                                      */

typedef struct
{
  char     *access;
  char     *refresh;
  gint64    expires_in;
  JsonNode *root;
} TokenReply;

static void
token_reply_free (TokenReply *reply)
{
  wipe_free (reply->access);
  wipe_free (reply->refresh);
  g_clear_pointer (&reply->root, json_node_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenReply, token_reply_free)

/* The token endpoint answers plain OAuth JSON, not a FHIR resource; it is read with the
 * same checks as one (json-glib 1.6.6 leaks on some broken texts, F1 and F10 in
 * docs/FUZZING.md), so a hostile server cannot make the app leak. */
static JsonNode *
parse_plain_json (GBytes *bytes)
{
  gsize size = g_bytes_get_size (bytes);

  if (size == 0 || size > 64 * 1024)
    return NULL;
  return crn_fhir_parse_object (g_bytes_get_data (bytes, NULL), (gssize) size, NULL);
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}


/* The time (Paris, HH:MM, rounded up to the minute) a refused sign-in may be tried again,
 * from the answer's Retry-After in seconds; NULL when the server did not say. */
static char *
dup_retry_time (SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  guint64 seconds;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 24 * 3600, &seconds, NULL))
    return NULL;
  utc = g_date_time_new_from_unix_utc ((g_get_real_time () / G_USEC_PER_SEC + (gint64) seconds
                                        + 59) / 60 * 60);
  local = g_date_time_to_timezone (utc, crn_time_zone_paris ());
  return g_date_time_format (local, "%H:%M");
}

static void
on_token_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TokenReply) reply = NULL;
  JsonObject *object;
  const char *code;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, transport_error (self, error));
      return;
    }
  status = soup_message_get_status (msg);
  if (status >= 500)
    {
      g_task_return_error (task, server_error (self, status));
      return;
    }
  root = parse_plain_json (bytes);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL)
    {
      g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                               _("%s did not answer like a Créneaux server when signing in "
                                 "(error %u). Check the server address."), self->host, status);
      return;
    }
  if (status == 429)
    {
      g_autofree char *at = dup_retry_time (msg);

      if (at != NULL)
        /* TRANSLATORS: %s is a time of day in Paris time, 14:02 */
        g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_TOO_MANY_ATTEMPTS,
                                 _("Too many sign-in attempts. Sign-in is blocked until %s; "
                                   "try again then."), at);
      else
        g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_TOO_MANY_ATTEMPTS,
                                 _("Too many sign-in attempts. Wait a few minutes, then try "
                                   "again."));
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      code = object_string (object, "error");
      if (g_strcmp0 (code, "invalid_grant") == 0 &&
          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "refresh")))
        g_task_return_error (task, signed_out_error ());
      else if (g_strcmp0 (code, "invalid_grant") == 0)
        g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_BAD_LOGIN,
                                 _("The user name or the password is wrong. Check them and "
                                   "try again."));
      else
        g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_FAILED,
                                 _("%s refused to sign in (error %u). Check the server "
                                   "address or ask your CPTS."), self->host, status);
      return;
    }

  reply = g_new0 (TokenReply, 1);
  reply->access = g_strdup (object_string (object, "access_token"));
  reply->refresh = g_strdup (object_string (object, "refresh_token"));
  reply->expires_in = json_object_get_int_member_with_default (object, "expires_in", 300);
  if (reply->access == NULL || reply->refresh == NULL)
    {
      g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                               _("%s did not give a session when signing in. Check the "
                                 "server address."), self->host);
      return;
    }
  reply->root = g_steal_pointer (&root);
  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) token_reply_free);
}

static void
token_request (CrnClient           *self,
               GHashTable          *form,
               gboolean             refresh,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = crn_client_build_url (self, "/oauth/token");
  g_autofree char *encoded = soup_form_encode_hash (form);
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);

  body = g_bytes_new_with_free_func (encoded, strlen (encoded), (GDestroyNotify) wipe_free,
                                     encoded);
  encoded = NULL;
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  g_object_set_data (G_OBJECT (task), "refresh", GINT_TO_POINTER (refresh));
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_token_sent_cb, task);
}

static void
on_sign_in_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnClient *self = CRN_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(TokenReply) reply = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(GPtrArray) practitioners = NULL;
  JsonObject *object;
  JsonArray *acts_for;
  const char *practitioner;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  set_tokens (self, reply->access, reply->expires_in, reply->refresh);

  object = json_node_get_object (reply->root);
  account = crn_account_new (self->server_url, g_task_get_task_data (task));
  crn_account_set_role (account, object_string (object, "role"));
  crn_account_set_display_name (account, object_string (object, "display_name"));
  practitioners = g_ptr_array_new ();
  practitioner = object_string (object, "practitioner");
  if (practitioner != NULL)
    g_ptr_array_add (practitioners, (gpointer) practitioner);
  acts_for = json_object_has_member (object, "acts_for")
             && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "acts_for"))
             ? json_object_get_array_member (object, "acts_for") : NULL;
  for (guint i = 0; acts_for != NULL && i < json_array_get_length (acts_for); i++)
    {
      JsonNode *node = json_array_get_element (acts_for, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (node), practitioner) != 0)
        g_ptr_array_add (practitioners, (gpointer) json_node_get_string (node));
    }
  g_ptr_array_add (practitioners, NULL);
  crn_account_set_practitioners (account, (const char * const *) practitioners->pdata);
  g_task_return_pointer (task, g_steal_pointer (&account), g_object_unref);
}

/**
 * crn_client_sign_in_async:
 * @self: a client
 * @username: the user name
 * @password: the password (sent once, never kept)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Signs in with the OAuth 2.0 password grant. The refresh token is announced by
 * #CrnClient::refresh-token-changed.
 */
void
crn_client_sign_in_async (CrnClient           *self,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_task_set_source_tag (task, crn_client_sign_in_async);
  g_task_set_task_data (task, g_strdup (username), g_free);
  g_hash_table_insert (form, (gpointer) "grant_type", (gpointer) "password");
  g_hash_table_insert (form, (gpointer) "username", (gpointer) username);
  g_hash_table_insert (form, (gpointer) "password", (gpointer) password);
  token_request (self, form, FALSE, cancellable, on_sign_in_cb, task);
}

/**
 * crn_client_sign_in_finish:
 * @self: a client
 * @result: the result
 * @error: a #GError (%CRN_SYNC_ERROR_BAD_LOGIN for a wrong password)
 *
 * Returns: (transfer full) (nullable): the account as the server describes it
 */
CrnAccount *
crn_client_sign_in_finish (CrnClient     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Refresh, shared by every request waiting for it. */
static void
on_refresh_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CrnClient *self = CRN_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(TokenReply) reply = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);

  self->refresh_waiters = g_ptr_array_new ();
  self->refreshing = FALSE;
  if (reply != NULL)
    set_tokens (self, reply->access, reply->expires_in, reply->refresh);
  else if (g_error_matches (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT))
    crn_client_forget_tokens (self);

  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) waiter = g_ptr_array_index (waiters, i);

      if (reply != NULL)
        g_task_return_boolean (waiter, TRUE);
      else
        g_task_return_error (waiter, g_error_copy (error));
    }
  g_object_unref (self);
}

static void
start_refresh (CrnClient *self)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  self->refreshing = TRUE;
  g_debug ("Refreshing the access token");
  g_hash_table_insert (form, (gpointer) "grant_type", (gpointer) "refresh_token");
  g_hash_table_insert (form, (gpointer) "refresh_token", self->refresh_token);
  /* Not cancellable: other requests may wait for the same refresh. */
  token_request (g_object_ref (self), form, TRUE, NULL, on_refresh_cb, NULL);
}

static void
ensure_token_async (CrnClient           *self,
                    gboolean             force,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (!force && self->access_token != NULL &&
      g_get_monotonic_time () + TOKEN_MARGIN_US < self->access_expires_us)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (self->refresh_token == NULL)
    {
      g_task_return_error (task, signed_out_error ());
      g_object_unref (task);
      return;
    }

  g_ptr_array_add (self->refresh_waiters, task);
  if (self->refreshing)
    return;
  /* The keyring does not hold the current refresh token yet: presenting it would make the
   * keyring's copy one rotation too old, which the server refuses after a crash. Wait. */
  if (self->refresh_holds > 0)
    {
      g_debug ("Refresh waits for the keyring");
      return;
    }
  start_refresh (self);
}

/**
 * crn_client_hold_refresh:
 * @self: a #CrnClient
 *
 * Keeps the client from presenting its refresh token to the server until
 * crn_client_release_refresh(): called while the token announced by
 * #CrnClient::refresh-token-changed is being written to the keyring. The server takes a
 * refresh token again as long as its successor was never presented (an answer lost in a
 * crash), not after, so the keyring must hold a token before it is used.
 */
void
crn_client_hold_refresh (CrnClient *self)
{
  g_return_if_fail (CRN_IS_CLIENT (self));

  self->refresh_holds++;
}

/**
 * crn_client_release_refresh:
 * @self: a #CrnClient
 *
 * Ends a crn_client_hold_refresh(); a refresh requested meanwhile starts now.
 */
void
crn_client_release_refresh (CrnClient *self)
{
  g_return_if_fail (CRN_IS_CLIENT (self));
  g_return_if_fail (self->refresh_holds > 0);

  if (--self->refresh_holds > 0 || self->refreshing || self->refresh_waiters->len == 0)
    return;
  if (self->refresh_token == NULL)
    {
      g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);

      self->refresh_waiters = g_ptr_array_new ();
      for (guint i = 0; i < waiters->len; i++)
        {
          g_autoptr(GTask) waiter = g_ptr_array_index (waiters, i);

          g_task_return_error (waiter, signed_out_error ());
        }
      return;
    }
  start_refresh (self);
}

static gboolean
ensure_token_finish (CrnClient     *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------- */
/* FHIR requests                                                                       */

typedef struct
{
  char        *method;
  char        *url;
  char        *if_match;
  char        *if_none_exist;
  char        *if_none_match;
  gboolean     raw;           /* leave a 2xx body unparsed */
  GBytes      *body;
  SoupMessage *msg;
  gboolean     auth_retried;
} Request;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->url);
  g_free (request->if_match);
  g_free (request->if_none_exist);
  g_free (request->if_none_match);
  g_clear_pointer (&request->body, g_bytes_unref);
  if (request->msg != NULL)
    g_signal_handlers_disconnect_by_data (request->msg, request);
  g_clear_object (&request->msg);
  g_free (request);
}

static void send_request (GTask *task);

/* libsoup re-sends an idempotent request (PUT, GET) by itself when a kept-alive connection
 * closes before the answer, but the body stream is spent by then: give it the bytes again,
 * or the server gets an empty PUT. */
static void
on_request_restarted_cb (SoupMessage *msg,
                         gpointer     user_data)
{
  Request *request = user_data;

  g_debug ("%s %s: sent again on a new connection", request->method,
           g_uri_get_path (soup_message_get_uri (msg)));
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/fhir+json", request->body);
}

static void
on_request_token_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!ensure_token_finish (CRN_CLIENT (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  send_request (g_steal_pointer (&task));
}

static void
on_request_sent_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CrnResponse) response = NULL;
  SoupMessageHeaders *headers;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_debug ("%s %s: %s", request->method, g_uri_get_path (soup_message_get_uri (request->msg)),
               error->message);
      g_task_return_error (task, transport_error (self, error));
      return;
    }
  status = soup_message_get_status (request->msg);
  g_debug ("%s %s: %u (%" G_GSIZE_FORMAT " bytes)", request->method,
           g_uri_get_path (soup_message_get_uri (request->msg)), status,
           g_bytes_get_size (bytes));

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      GCancellable *cancellable;

      if (request->auth_retried)
        {
          g_task_return_error (task, signed_out_error ());
          return;
        }
      cancellable = g_task_get_cancellable (task);
      request->auth_retried = TRUE;
      ensure_token_async (self, TRUE, cancellable, on_request_token_cb,
                          g_steal_pointer (&task));
      return;
    }
  if (status >= 500 || status == 429 ||
      status == SOUP_STATUS_REQUEST_TIMEOUT)
    {
      g_task_return_error (task, server_error (self, status));
      return;
    }

  headers = soup_message_get_response_headers (request->msg);
  response = g_new0 (CrnResponse, 1);
  response->status = status;
  response->version = crn_client_parse_etag (soup_message_headers_get_one (headers, "ETag"));
  response->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  response->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  if (request->raw && SOUP_STATUS_IS_SUCCESSFUL (status) && g_bytes_get_size (bytes) > 0)
    {
      const char *link = soup_message_headers_get_list (headers, "Link");

      response->raw = g_steal_pointer (&bytes);
      response->next = link != NULL ? link_header_next (link) : NULL;
      /* Only a link to this server (a proxy in between may rewrite the body's links but
       * not this header): else the caller follows the body's. */
      if (response->next != NULL && !is_own_url (self, response->next))
        g_clear_pointer (&response->next, g_free);
    }
  else if (g_bytes_get_size (bytes) > 0)
    {
      g_autoptr(GError) parse_error = NULL;

      response->body = crn_fhir_parse_bytes (bytes, &parse_error);
      if (response->body == NULL && SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          g_debug ("Unreadable answer: %s", parse_error->message);
          g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                                   _("%s sent an answer that could not be read. Your "
                                     "changes are kept; Créneaux will try again later."),
                                   self->host);
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) crn_response_free);
}

static void
send_request (GTask *task)
{
  CrnClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *authorization = NULL;
  SoupMessageHeaders *headers;

  if (request->msg != NULL)
    g_signal_handlers_disconnect_by_data (request->msg, request);
  g_clear_object (&request->msg);
  request->msg = soup_message_new (request->method, request->url);
  if (request->msg == NULL)
    {
      g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                               _("%s gave a link that cannot be followed."), self->host);
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (request->msg);
  authorization = g_strconcat ("Bearer ", self->access_token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  memset (authorization, 0, strlen (authorization));
  soup_message_headers_replace (headers, "Accept", "application/fhir+json");
  if (request->if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", request->if_match);
  if (request->if_none_exist != NULL)
    soup_message_headers_replace (headers, "If-None-Exist", request->if_none_exist);
  if (request->if_none_match != NULL)
    soup_message_headers_replace (headers, "If-None-Match", request->if_none_match);
  if (request->body != NULL)
    {
      soup_message_set_request_body_from_bytes (request->msg, "application/fhir+json",
                                                request->body);
      g_signal_connect (request->msg, "restarted", G_CALLBACK (on_request_restarted_cb),
                        request);
    }
  soup_session_send_and_read_async (self->session, request->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_request_sent_cb, task);
}

static void
request_start (CrnClient           *self,
               const char          *method,
               const char          *path_or_url,
               const char          *if_match,
               const char          *if_none_exist,
               const char          *if_none_match,
               gboolean             raw,
               JsonNode            *body,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, crn_client_request_async);
  request->method = g_strdup (method);
  request->url = crn_client_build_url (self, path_or_url);
  request->if_match = g_strdup (if_match);
  request->if_none_exist = g_strdup (if_none_exist);
  request->if_none_match = g_strdup (if_none_match);
  request->raw = raw;
  if (body != NULL)
    request->body = crn_fhir_to_bytes (body);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (!is_own_url (self, request->url))
    {
      g_task_return_new_error (task, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                               _("%s gave a link to another server; it was not followed."),
                               self->host);
      g_object_unref (task);
      return;
    }
  ensure_token_async (self, FALSE, cancellable, on_request_token_cb, task);
}

/**
 * crn_client_request_async:
 * @self: a client
 * @method: "GET", "PUT", "POST"…
 * @path_or_url: "/fhir/Slot?…" or a `next` link of this server
 * @if_match: (nullable): the If-Match header (see crn_client_format_etag())
 * @if_none_exist: (nullable): the If-None-Exist header ("identifier=system|value")
 * @body: (nullable): a FHIR resource to send
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sends one FHIR request with the access token, refreshing it first when it expires and
 * once more on a 401.
 */
void
crn_client_request_async (CrnClient           *self,
                          const char          *method,
                          const char          *path_or_url,
                          const char          *if_match,
                          const char          *if_none_exist,
                          JsonNode            *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  request_start (self, method, path_or_url, if_match, if_none_exist, NULL, FALSE, body,
                 cancellable, callback, user_data);
}

/**
 * crn_client_get_async:
 * @self: a client
 * @path_or_url: "/fhir?_type=…" or a `next` link of this server
 * @if_none_match: (nullable): the If-None-Match header: the ETag of the answer the caller
 *   holds, so that the server answers 304 Not Modified, with no body, when it is unchanged
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with crn_client_request_finish()
 * @user_data: data for @callback
 *
 * A conditional GET, as crn_client_request_async() otherwise, except that the body of a
 * 2xx answer is left unparsed in the response's @raw, for the caller to read off the main
 * thread (a pull page is close to a megabyte).
 */
void
crn_client_get_async (CrnClient           *self,
                      const char          *path_or_url,
                      const char          *if_none_match,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  request_start (self, "GET", path_or_url, NULL, NULL, if_none_match, TRUE, NULL,
                 cancellable, callback, user_data);
}

/**
 * crn_client_request_finish:
 * @self: a client
 * @result: the result
 * @error: a #GError: %CRN_SYNC_ERROR_NETWORK, _SERVER or _INVALID_RESPONSE (worth
 *   retrying), _CERTIFICATE, _SIGNED_OUT
 *
 * Returns: (transfer full) (nullable): the answer (2xx, 3xx, 4xx but 401)
 */
CrnResponse *
crn_client_request_finish (CrnClient     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------- */
/* Notifications (WebSocket)                                                           */

static void connect_websocket (GTask *task);

static void
on_ws_token_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!ensure_token_finish (CRN_CLIENT (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  connect_websocket (g_steal_pointer (&task));
}

static void
on_ws_connected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrnClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_object_get_data (G_OBJECT (task), "msg");
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (connection != NULL)
    {
      g_task_return_pointer (task, connection, g_object_unref);
      return;
    }
  if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED &&
      !GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "retried")))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_object_set_data (G_OBJECT (task), "retried", GINT_TO_POINTER (TRUE));
      ensure_token_async (self, TRUE, cancellable, on_ws_token_cb, g_steal_pointer (&task));
      return;
    }
  if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_error (task, signed_out_error ());
  else if (soup_message_get_status (msg) >= 500)
    g_task_return_error (task, server_error (self, soup_message_get_status (msg)));
  else
    g_task_return_error (task, transport_error (self, error));
}

static void
connect_websocket (GTask *task)
{
  CrnClient *self = g_task_get_source_object (task);
  g_autofree char *url = crn_client_build_url (self, "/notifications");
  g_autofree char *authorization = g_strconcat ("Bearer ", self->access_token, NULL);
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  memset (authorization, 0, strlen (authorization));
  g_object_set_data_full (G_OBJECT (task), "msg", msg, g_object_unref);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        g_task_get_cancellable (task), on_ws_connected_cb,
                                        task);
}

/**
 * crn_client_connect_notifications_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Opens the server's WebSocket of change notifications (`/notifications`, bearer token in
 * the handshake).
 */
void
crn_client_connect_notifications_async (CrnClient           *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, crn_client_connect_notifications_async);
  ensure_token_async (self, FALSE, cancellable, on_ws_token_cb, task);
}

/**
 * crn_client_connect_notifications_finish:
 * @self: a client
 * @result: the result
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the open connection
 */
SoupWebsocketConnection *
crn_client_connect_notifications_finish (CrnClient     *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
