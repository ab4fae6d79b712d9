/* fuzz-http.c: the real creneaux-server in the fuzz process, over loopback HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz-http.h"

static CrnServer *server;
static char *data_dir;
static guint16 port;
static int conn_fd = -1;
static guint conn_watch;
static gboolean verbose;   /* CRN_FUZZ_VERBOSE=1: one line per request */

static gboolean
on_readable_cb (int          fd,
                GIOCondition condition,
                gpointer     user_data)
{
  /* Only wakes the loop up; fuzz_http_send() reads. */
  return G_SOURCE_CONTINUE;
}

static void
connection_close (void)
{
  g_clear_handle_id (&conn_watch, g_source_remove);
  if (conn_fd >= 0)
    close (conn_fd);
  conn_fd = -1;
}

static void
connection_open (void)
{
  struct sockaddr_in address = { 0 };

  conn_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (conn_fd < 0)
    fuzz_fail ("socket: %s", g_strerror (errno));
  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  /* The kernel completes a loopback connect against the listen backlog: no need to run
   * the server's loop for it. */
  if (connect (conn_fd, (struct sockaddr *) &address, sizeof address) != 0)
    fuzz_fail ("connect to the server: %s", g_strerror (errno));
  fcntl (conn_fd, F_SETFL, fcntl (conn_fd, F_GETFL) | O_NONBLOCK);
  conn_watch = g_unix_fd_add (conn_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable_cb, NULL);
  if (verbose)
    {
      g_autoptr(GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
      guint n = 0;

      while (fds != NULL && g_dir_read_name (fds) != NULL)
        n++;
      g_printerr ("new connection; the process has %u open files\n", n);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

/* Runs what is pending: libsoup frees closed connections from idle callbacks. */
static void
drain_main_context (void)
{
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
stop_server (void)
{
  connection_close ();
  drain_main_context ();
  g_clear_pointer (&server, crn_server_free);
  drain_main_context ();
  if (data_dir != NULL)
    remove_tree (data_dir);
  g_clear_pointer (&data_dir, g_free);
}

void
fuzz_http_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *colon;

  if (server != NULL)
    return;
  verbose = g_strcmp0 (g_getenv ("CRN_FUZZ_VERBOSE"), "1") == 0;
  data_dir = g_dir_make_tmp ("crn-fuzz-XXXXXX", &error);
  if (data_dir == NULL)
    fuzz_fail ("no temporary folder: %s", error->message);
  server = crn_server_new (data_dir, &error);
  if (server == NULL)
    fuzz_fail ("crn_server_new: %s", error->message);
  if (!crn_server_demo_seed (crn_server_get_db (server), lines, &error))
    fuzz_fail ("crn_server_demo_seed: %s", error->message);
  if (!crn_server_listen (server, "127.0.0.1", 0, NULL, &error))
    fuzz_fail ("crn_server_listen: %s", error->message);
  colon = strrchr (crn_server_get_base_url (server), ':');
  port = (guint16) atoi (colon + 1);
  atexit (stop_server);
}

CrnServer *
fuzz_http_get_server (void)
{
  return server;
}

void
fuzz_http_response_clear (FuzzHttpResponse *response)
{
  if (response->head != NULL)
    g_string_free (response->head, TRUE);
  if (response->body != NULL)
    g_string_free (response->body, TRUE);
  response->head = response->body = NULL;
  response->status = 0;
}

/* FALSE when the server had closed the connection. */
static gboolean
write_all (const char *data,
           gsize       len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = send (conn_fd, data + done, len - done, MSG_NOSIGNAL);

      if (n > 0)
        done += n;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        g_main_context_iteration (NULL, FALSE);   /* let the server read */
      else if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
        return FALSE;
      else
        fuzz_fail ("writing the request: %s", g_strerror (errno));
    }
  return TRUE;
}

/* Whether @data holds one whole response; fills @response when it does. */
static gboolean
response_complete (GString          *data,
                   gboolean          closed,
                   FuzzHttpResponse *response)
{
  const char *end = g_strstr_len (data->str, data->len, "\r\n\r\n");
  g_autofree char *length_text = NULL;
  g_autofree char *encoding = NULL;
  gsize head_len, body_len;
  FuzzHttpResponse probe = { 0 };

  if (end == NULL)
    return FALSE;
  head_len = end - data->str + 4;
  body_len = data->len - head_len;
  probe.head = g_string_new_len (data->str, head_len);
  length_text = fuzz_http_header (&probe, "Content-Length");
  encoding = fuzz_http_header (&probe, "Transfer-Encoding");
  g_string_free (probe.head, TRUE);

  if (length_text != NULL)
    {
      if (body_len < g_ascii_strtoull (length_text, NULL, 10))
        return FALSE;
    }
  else if (encoding != NULL && g_ascii_strcasecmp (encoding, "chunked") == 0)
    {
      if (!g_str_has_suffix (data->str, "0\r\n\r\n"))
        return FALSE;
    }
  else if (!closed)
    return FALSE;

  response->head = g_string_new_len (data->str, head_len);
  response->body = g_string_new_len (data->str + head_len, body_len);
  if (sscanf (data->str, "HTTP/1.%*d %u", &response->status) != 1)
    response->status = 0;
  return TRUE;
}

void
fuzz_http_send (const char       *method,
                const char       *target,
                const char       *headers,
                const void       *body,
                gsize             body_len,
                FuzzHttpResponse *response)
{
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GString) data = g_string_new (NULL);
  g_autofree char *connection = NULL;
  gboolean closed = FALSE;
  gboolean retried = FALSE;

  memset (response, 0, sizeof *response);
  if (conn_fd < 0)
    connection_open ();

  g_string_append_printf (request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%s", method, target,
                          port, headers != NULL ? headers : "");
  if (body != NULL)
    g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (request, "\r\n");
  if (body != NULL)
    g_string_append_len (request, body, body_len);
retry:
  if (!write_all (request->str, request->len))
    closed = TRUE;

  for (;;)
    {
      char buffer[65536];
      ssize_t n = recv (conn_fd, buffer, sizeof buffer, 0);

      if (closed)
        n = 0;
      else if (n > 0)
        g_string_append_len (data, buffer, n);
      else if (n == 0)
        closed = TRUE;
      else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        closed = TRUE;   /* reset by the server */
      /* A kept-alive connection the server closed in the meantime (libsoup closes it after
       * answering a request it could not parse): send again on a new one. */
      if (closed && data->len == 0 && !retried)
        {
          retried = TRUE;
          closed = FALSE;
          connection_close ();
          connection_open ();
          goto retry;
        }
      if (response_complete (data, closed, response))
        break;
      if (n < 0 || n == 0)
        {
          if (closed)
            fuzz_fail ("the server closed the connection without a whole response (%"
                       G_GSIZE_FORMAT " bytes) to %s %s", data->len, method, target);
          g_main_context_iteration (NULL, TRUE);
        }
    }

  if (verbose)
    g_printerr ("%s %.80s -> %u\n", method, target, response->status);
  connection = fuzz_http_header (response, "Connection");
  if (closed || (connection != NULL && g_ascii_strcasecmp (connection, "close") == 0))
    connection_close ();
}

char *
fuzz_http_header (const FuzzHttpResponse *response,
                  const char             *name)
{
  g_auto(GStrv) lines = NULL;
  gsize name_len = strlen (name);

  if (response->head == NULL)
    return NULL;
  lines = g_strsplit (response->head->str, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, name_len) == 0 && lines[i][name_len] == ':')
      return g_strstrip (g_strdup (lines[i] + name_len + 1));
  return NULL;
}

char *
fuzz_http_cookie (const FuzzHttpResponse *response,
                  const char             *name)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s=", name);

  if (response->head == NULL)
    return NULL;
  lines = g_strsplit (response->head->str, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Set-Cookie:", 11) == 0)
      {
        const char *value = lines[i] + 11;

        while (*value == ' ')
          value++;
        if (g_str_has_prefix (value, prefix))
          {
            const char *start = value + strlen (prefix);
            const char *semicolon = strchr (start, ';');

            return semicolon != NULL ? g_strndup (start, semicolon - start) : g_strdup (start);
          }
      }
  return NULL;
}

char *
fuzz_http_oauth_token (const char *login,
                       const char *password)
{
  g_autofree char *form = soup_form_encode ("grant_type", "password", "username", login,
                                            "password", password, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  FuzzHttpResponse response;
  JsonObject *object;
  char *token;

  fuzz_http_send ("POST", "/oauth/token",
                  "Content-Type: application/x-www-form-urlencoded\r\n",
                  form, strlen (form), &response);
  if (response.status != 200 ||
      !json_parser_load_from_data (parser, response.body->str, response.body->len, NULL))
    fuzz_fail ("could not sign in as %s (status %u)", login, response.status);
  object = json_node_get_object (json_parser_get_root (parser));
  token = g_strdup (json_object_get_string_member (object, "access_token"));
  fuzz_http_response_clear (&response);
  return token;
}

char *
fuzz_http_escape_target (const uint8_t *data,
                         size_t         size)
{
  GString *out = g_string_sized_new (size);

  for (size_t i = 0; i < size; i++)
    {
      if (data[i] > 0x20 && data[i] < 0x7f && data[i] != '#')
        g_string_append_c (out, data[i]);
      else
        g_string_append_printf (out, "%%%02X", data[i]);
    }
  return g_string_free (out, FALSE);
}

void
fuzz_http_check_status (const FuzzHttpResponse *response,
                        const char             *what)
{
  if (response->status < 200 || response->status >= 500)
    fuzz_fail ("%s: the server answered %u:\n%s%s", what, response->status,
               response->head != NULL ? response->head->str : "",
               response->body != NULL ? response->body->str : "");
}
