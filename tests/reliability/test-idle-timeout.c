/* test-idle-timeout.c: the server closes a connection that sends nothing (slowloris), keeps
 * a kept-alive connection that goes on, gives back the descriptors of connections that ended,
 * and never closes the notifications' WebSocket
 *
 * The real creneaux-server over TLS, started with CRN_SERVER_IDLE_TIMEOUT=3 (10 in the
 * sanitized build, whose TLS handshakes take seconds on a loaded machine; the default is
 * 30 s). The client side of each raw connection gives up after 60 s: a connection the
 * server does not close is a failure, not a hang.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include "rel-util.h"

#define GP_A     "899700100011"       /* Dr Morel, cabinet des Tilleuls */
#define PLACE_A  "cabinet-tilleuls"
#define CLIENT_TIMEOUT 60

static CrnTestServer *server;
static int idle_timeout;   /* seconds */

typedef struct
{
  GSocketConnection *tcp;
  GIOStream         *stream;      /* TLS over tcp, or tcp */
} Conn;

static void
conn_free (Conn *conn)
{
  g_io_stream_close (conn->stream, NULL, NULL);
  g_object_unref (conn->stream);
  g_object_unref (conn->tcp);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static Conn *
conn_open (gboolean handshake)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  Conn *conn = g_new0 (Conn, 1);
  guint16 port = (guint16) g_ascii_strtoull (strrchr (server->base, ':') + 1, NULL, 10);

  /* Every blocking read and write of this connection fails after CLIENT_TIMEOUT. */
  g_socket_client_set_timeout (client, CLIENT_TIMEOUT);
  conn->tcp = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  if (!handshake)
    {
      conn->stream = g_object_ref (G_IO_STREAM (conn->tcp));
      return conn;
    }
  identity = g_network_address_new ("127.0.0.1", port);
  conn->stream = g_tls_client_connection_new (G_IO_STREAM (conn->tcp), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (conn->stream), server->tls_database);
  g_tls_connection_handshake (G_TLS_CONNECTION (conn->stream), NULL, &error);
  g_assert_no_error (error);
  return conn;
}

static void
conn_write (Conn       *conn,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (conn->stream), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Reads until the server closes the connection; fails if the client's own timeout ends the
 * wait instead. Returns the bytes read; @seconds gets the wait. */
static gsize
wait_for_close (Conn   *conn,
                double *seconds)
{
  gint64 start = g_get_monotonic_time ();
  gsize total = 0;
  guint8 buffer[4096];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (conn->stream), buffer,
                                      sizeof buffer, NULL, &error);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_error ("the server kept the connection open for %d s", CLIENT_TIMEOUT);
      if (n <= 0)
        break;      /* end of stream, or the TLS layer's error for a cut without close_notify */
      total += n;
    }
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return total;
}

/* Reads one HTTP answer with a Content-Length body; returns its status. */
static guint
read_answer (Conn *conn)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  const guint8 *end_of_head = NULL;
  gsize need = G_MAXSIZE;
  guint8 buffer[4096];

  while (data->len < need)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (conn->stream), buffer,
                                      sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_byte_array_append (data, buffer, n);
      if (end_of_head == NULL &&
          (end_of_head = memmem (data->data, data->len, "\r\n\r\n", 4)) != NULL)
        {
          g_autofree char *head = g_strndup ((const char *) data->data,
                                             end_of_head - data->data);
          g_autofree char *lower = g_ascii_strdown (head, -1);
          const char *length = strstr (lower, "\r\ncontent-length:");

          g_assert_nonnull (length);
          need = (end_of_head - data->data) + 4 +
                 g_ascii_strtoull (length + strlen ("\r\ncontent-length:"), NULL, 10);
        }
    }
  g_assert_cmpuint (data->len, ==, need);
  g_assert_true (memcmp (data->data, "HTTP/1.1 ", 9) == 0);
  return (guint) g_ascii_strtoull ((const char *) data->data + 9, NULL, 10);
}

static void
assert_server_answers (void)
{
  g_autoptr(CrnTestResponse) r = crn_test_request (server, "GET", "/fhir/metadata", NULL, NULL,
                                                   NULL);

  g_assert_cmpuint (r->status, ==, 200);
}

/* Half a request header, then nothing. */
static void
test_half_header (void)
{
  g_autoptr(Conn) conn = conn_open (TRUE);
  double seconds;

  conn_write (conn, "GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: appl");
  g_assert_cmpuint (wait_for_close (conn, &seconds), ==, 0);
  g_test_message ("half a header: closed without an answer after %.1f s (timeout %d s)",
                  seconds, idle_timeout);
  assert_server_answers ();

  /* The server's log, debug lines included, goes to stderr (the test's log file), never to
   * stdout: the tests stop reading stdout once the server listens, and a full pipe there
   * once stopped the server for good after half an hour of the long race run. */
  crn_test_server_drain_stderr (server);
  g_assert_nonnull (strstr (server->stderr_text->str,
                            "Closing a connection that sent nothing for the idle timeout"));
}

/* A request line, a body announced and never sent. */
static void
test_body_never_sent (void)
{
  g_autoptr(Conn) conn = conn_open (TRUE);
  double seconds;

  conn_write (conn, "POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    "Content-Length: 100\r\n\r\ngrant_type=pass");
  g_assert_cmpuint (wait_for_close (conn, &seconds), ==, 0);
  g_test_message ("body never sent: closed after %.1f s", seconds);
  assert_server_answers ();
}

/* A TCP connection that never starts the TLS handshake. */
static void
test_no_handshake (void)
{
  g_autoptr(Conn) conn = conn_open (FALSE);
  double seconds;

  g_assert_cmpuint (wait_for_close (conn, &seconds), ==, 0);
  g_test_message ("no TLS handshake: closed after %.1f s", seconds);
  assert_server_answers ();
}

/* A kept-alive connection that goes on sending requests is served; left idle, closed. */
static void
test_keep_alive (void)
{
  g_autoptr(Conn) conn = conn_open (TRUE);
  const char *request = "GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  double seconds;

  for (guint i = 0; i < 3; i++)
    {
      conn_write (conn, request);
      g_assert_cmpuint (read_answer (conn), ==, 200);
      /* A third of the timeout between two requests. */
      g_usleep (idle_timeout * G_USEC_PER_SEC / 3);
    }
  conn_write (conn, request);
  g_assert_cmpuint (read_answer (conn), ==, 200);
  g_assert_cmpuint (wait_for_close (conn, &seconds), ==, 0);
  g_test_message ("kept-alive connection: 4 answers, then closed %.1f s after the last", seconds);
}

/* The server process's open descriptors. */
static guint
server_fds (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd",
                                           g_subprocess_get_identifier (server->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Kept-alive connections that end between two requests, closed by their client or left
 * open, give their descriptors back once the idle timeout has passed: libsoup 3.2 keeps
 * them for ever (a long-running server ran out of descriptors), crn-server-conn.c releases
 * them. */
static void
test_connections_released (void)
{
  const char *request = "GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  guint before, during, after = 0;
  gint64 deadline;

  assert_server_answers ();
  before = server_fds ();
  for (guint i = 0; i < 25; i++)
    {
      Conn *conn = conn_open (TRUE);

      conn_write (conn, request);
      g_assert_cmpuint (read_answer (conn), ==, 200);
      if (i < 20)
        conn_free (conn);   /* the client closes it */
      else
        g_ptr_array_add (open, conn);
    }
  /* (Not all 25 may still be open: in the sanitized build the handshakes are slow, and the
   * first connections may already have been released.) */
  during = server_fds ();

  deadline = g_get_monotonic_time () + (gint64) (3 * idle_timeout + 10) * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && (after = server_fds ()) > before)
    g_usleep (G_USEC_PER_SEC / 5);
  g_assert_cmpuint (after, <=, before);
  /* The ones the client kept were closed by the server. */
  for (guint i = 0; i < open->len; i++)
    {
      double seconds;

      g_assert_cmpuint (wait_for_close (g_ptr_array_index (open, i), &seconds), ==, 0);
    }
  assert_server_answers ();
  g_test_message ("descriptors: %u before, %u after 25 connections, %u after the timeout",
                  before, during, after);
}

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The notifications' WebSocket stays open past the timeout, and still carries news. */
static void
test_websocket_stays_open (void)
{
  g_autofree char *token = crn_test_server_token (server, "dr.morel", NULL);
  g_autofree char *coordinator =
    crn_test_server_token (server, crn_test_server_login_for (server, "coordinator"), NULL);
  g_autoptr(CrnTemplate) agenda = crn_template_new (GP_A, PLACE_A);
  g_autofree char *slot = NULL;
  g_autoptr(CrnTestListener) l = NULL;
  gboolean waited = FALSE, gave_up = FALSE;
  guint give_up_id;

  l = crn_test_listen (server, token, NULL);
  g_assert_no_error (l->error);

  /* Twice the timeout with nothing said either way. */
  g_timeout_add_seconds (2 * idle_timeout, set_true_cb, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (l->closed);
  g_assert_cmpint (soup_websocket_connection_get_state (l->connection), ==,
                   SOUP_WEBSOCKET_STATE_OPEN);

  /* A new slot in Dr Morel's agenda reaches the channel (the HTTP connection of the PUT was
   * closed by the server meanwhile: libsoup opens another). */
  g_free (agenda->id);
  agenda->id = crn_uuid_new ();
  /* The test's rules: SNP hours all day long, whatever the time the test runs. */
  crn_test_put_policy (server, coordinator, 0, 0, 0, FALSE);
  slot = crn_test_add_slot (server, token, agenda, crn_test_pick_start (24 * 60, 20),
                           CRN_VISIBILITY_NONE);
  give_up_id = g_timeout_add_seconds (CLIENT_TIMEOUT, set_true_cb, &gave_up);
  while (l->messages->len == 0 && !gave_up && !l->closed)
    g_main_context_iteration (NULL, TRUE);
  if (!gave_up)
    g_source_remove (give_up_id);
  g_assert_false (l->closed);
  g_assert_cmpuint (l->messages->len, >, 0);
  g_test_message ("WebSocket: open after %d s of silence, %u notifications received after",
                  2 * idle_timeout, l->messages->len);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *timeout = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  idle_timeout = g_getenv ("CRN_TEST_SANITIZED") != NULL ? 10 : 3;
  timeout = g_strdup_printf ("%d", idle_timeout);
  g_setenv ("CRN_SERVER_IDLE_TIMEOUT", timeout, TRUE);
  server = crn_test_server_start (NULL);

  g_test_add_func ("/reliability/idle-timeout/half-header", test_half_header);
  g_test_add_func ("/reliability/idle-timeout/body-never-sent", test_body_never_sent);
  g_test_add_func ("/reliability/idle-timeout/no-handshake", test_no_handshake);
  g_test_add_func ("/reliability/idle-timeout/keep-alive", test_keep_alive);
  g_test_add_func ("/reliability/idle-timeout/connections-released", test_connections_released);
  g_test_add_func ("/reliability/idle-timeout/websocket-stays-open", test_websocket_stays_open);
  status = g_test_run ();

  crn_test_server_free (server);
  return status;
}
