/* bench-baselines.c: the bare network figures the layer benchmarks are compared with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: prints figures, one `BENCH {json}` line per measure. Everything runs over
 * loopback with libsoup 3, a server in its own thread (its own main context, as the real
 * server is another process) and the client in the main thread:
 *
 *  - hello:            GET of a 5-byte body from a bare libsoup handler, plain HTTP,
 *                      sequential requests on one keep-alive connection;
 *  - hello-32:         the same handler under 32 clients, each sending its next request as
 *                      soon as its last answer came back (requests/s and p99), once their
 *                      connections are open;
 *  - https-fresh:      one HTTPS round trip on a new session, TLS handshake included;
 *  - https-keepalive:  HTTPS round trips on one kept-alive connection;
 *  - websocket:        server-to-client latency of a small message on a secure WebSocket,
 *                      stamped by the server with the (shared) monotonic clock.
 *
 * Arguments: none for everything, or "http" (the first two) and/or "https" (the others).
 *
 * The TLS certificate is the build's loopback test certificate (CRN_TEST_TLS_CERT and
 * CRN_TEST_TLS_KEY), trusted by the client through a file TLS database.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"

#define N_SEQUENTIAL     500
#define N_CLIENTS        32
#define N_PER_CLIENT     50
#define N_FRESH          40
#define N_MESSAGES       200

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GTlsCertificate *certificate;
  GMutex        lock;
  GCond         cond;
  char         *base;          /* "http(s)://127.0.0.1:port" */
  GSList       *sockets;       /* server-side WebSocket connections */
} Server;

/* ------------------------------------------------------------------ the bare server */

static void
hello_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "hello", 5);
}

static void
on_socket_closed_cb (SoupWebsocketConnection *connection,
                     Server                  *self)
{
  self->sockets = g_slist_remove (self->sockets, connection);
  g_object_unref (connection);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  Server *self = user_data;

  self->sockets = g_slist_prepend (self->sockets, g_object_ref (connection));
  g_signal_connect (connection, "closed", G_CALLBACK (on_socket_closed_cb), self);
}

/* Runs in the server's thread: sends one stamped message to every open socket. */
static gboolean
push_stamp_cb (gpointer user_data)
{
  Server *self = user_data;
  char text[64];

  g_snprintf (text, sizeof text, "{\"stamp\":%" G_GINT64_FORMAT "}", g_get_monotonic_time ());
  for (GSList *l = self->sockets; l != NULL; l = l->next)
    if (soup_websocket_connection_get_state (l->data) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_text (l->data, text);

  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer user_data)
{
  Server *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_handler (self->server, "/hello", hello_cb, self, NULL);
  soup_server_add_websocket_handler (self->server, "/ws", NULL, NULL, websocket_cb, self, NULL);
  if (self->certificate != NULL)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  if (!soup_server_listen_local (self->server, 0, options, &error))
    g_error ("Could not listen on loopback: %s", error->message);
  uris = soup_server_get_uris (self->server);

  g_mutex_lock (&self->lock);
  self->base = g_strdup_printf ("%s://127.0.0.1:%d", self->certificate ? "https" : "http",
                                g_uri_get_port (uris->data));
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  g_slist_free_full (self->sockets, g_object_unref);
  self->sockets = NULL;
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static Server *
server_start (GTlsCertificate *certificate)
{
  Server *self = g_new0 (Server, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("bench-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (self->base == NULL)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (Server *self)
{
  g_main_context_invoke (self->context, quit_loop_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_clear_object (&self->certificate);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->base);
  g_free (self);
}

/* ------------------------------------------------------------------ the client */

static SoupSession *
client_session (GTlsDatabase *database,
                guint         max_conns)
{
  return soup_session_new_with_options ("tls-database", database,
                                        "max-conns", max_conns * 2,
                                        "max-conns-per-host", max_conns,
                                        "timeout", 30,
                                        NULL);
}

static void
get_once (SoupSession *session,
          const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL)
    g_error ("GET %s failed: %s", url, error->message);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK || g_bytes_get_size (body) != 5)
    g_error ("GET %s answered %u", url, soup_message_get_status (msg));
}

static void
bench_sequential (const char   *id,
                  SoupSession  *session,
                  const char   *url,
                  guint         n)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  double t0 = bench_now_ms ();

  get_once (session, url);       /* opens the connection (and the TLS session) */
  t0 = bench_now_ms ();
  for (guint i = 0; i < n; i++)
    {
      double t = bench_now_ms ();

      get_once (session, url);
      g_array_append_val (samples, (double) { bench_now_ms () - t });
    }
  bench_print_latencies (id, samples, n / ((bench_now_ms () - t0) / 1000.0), NULL);
}

static void
bench_fresh (const char   *id,
             GTlsDatabase *database,
             const char   *url,
             guint         n)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SoupSession) session = client_session (database, 1);
      double t = bench_now_ms ();

      get_once (session, url);
      g_array_append_val (samples, (double) { bench_now_ms () - t });
    }
  bench_print_latencies (id, samples, 0, NULL);
}

typedef struct
{
  SoupSession *session;
  const char  *url;
  GArray      *samples;
  guint        n_left;         /* requests not yet sent, all clients */
  guint        n_running;
  GMainLoop   *loop;
} Crowd;

typedef struct
{
  Crowd       *crowd;
  SoupMessage *msg;
  double       start;
} Request;

static void crowd_send (Crowd *crowd);

static void
on_crowd_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Request *request = user_data;
  Crowd *crowd = request->crowd;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (error != NULL)
    g_error ("GET %s failed: %s", crowd->url, error->message);
  g_array_append_val (crowd->samples, (double) { bench_now_ms () - request->start });
  g_object_unref (request->msg);
  g_free (request);

  crowd->n_running--;
  if (crowd->n_left > 0)
    crowd_send (crowd);
  else if (crowd->n_running == 0)
    g_main_loop_quit (crowd->loop);
}

static void
crowd_send (Crowd *crowd)
{
  Request *request = g_new0 (Request, 1);

  request->crowd = crowd;
  request->msg = soup_message_new (SOUP_METHOD_GET, crowd->url);
  request->start = bench_now_ms ();
  crowd->n_left--;
  crowd->n_running++;
  soup_session_send_and_read_async (crowd->session, request->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_crowd_read_cb, request);
}

static void
bench_crowd (const char  *id,
             const char  *url,
             guint        n_clients,
             guint        n_per_client)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(SoupSession) session = client_session (NULL, n_clients);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *extra = NULL;
  Crowd crowd = { session, url, samples, n_clients * n_per_client, 0, loop };
  double t0;

  /* A first round, not counted, opens the connections: 32 connects at once overflow the
   * listening socket's backlog and a dropped SYN is only sent again after a second. */
  crowd.n_left = n_clients;
  for (guint c = 0; c < n_clients; c++)
    crowd_send (&crowd);
  g_main_loop_run (loop);
  g_array_set_size (samples, 0);

  crowd.n_left = n_clients * n_per_client;
  t0 = bench_now_ms ();
  for (guint c = 0; c < n_clients; c++)
    crowd_send (&crowd);
  g_main_loop_run (loop);
  extra = g_strdup_printf ("\"clients\":%u", n_clients);
  bench_print_latencies (id, samples, samples->len / ((bench_now_ms () - t0) / 1000.0), extra);
}

typedef struct
{
  GArray    *samples;
  GMainLoop *loop;
} Listener;

static void
on_message_cb (SoupWebsocketConnection *connection,
               int                      type,
               GBytes                  *message,
               Listener                *listener)
{
  gint64 received = g_get_monotonic_time ();
  g_autofree char *text = NULL;
  gsize size = 0;
  const char *data;
  gint64 stamp;

  data = g_bytes_get_data (message, &size);
  text = g_strndup (data, size);
  if (type != SOUP_WEBSOCKET_DATA_TEXT
      || sscanf (text, "{\"stamp\":%" G_GINT64_FORMAT "}", &stamp) != 1)
    g_error ("Unexpected WebSocket message");
  g_array_append_val (listener->samples, (double) { (received - stamp) / 1000.0 });
  g_main_loop_quit (listener->loop);
}

static void
on_websocket_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SoupWebsocketConnection **connection = user_data;
  g_autoptr(GError) error = NULL;

  *connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (error != NULL)
    g_error ("WebSocket connection failed: %s", error->message);
}

static void
bench_websocket (const char   *id,
                 Server       *server,
                 GTlsDatabase *database,
                 guint         n)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(SoupSession) session = client_session (database, 1);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("wss%s/ws", server->base + strlen ("https"));
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  Listener listener = { samples, loop };

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_websocket_cb, &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (connection, "message", G_CALLBACK (on_message_cb), &listener);
  /* Let the server register the socket before the first message. */
  g_usleep (20000);

  for (guint i = 0; i < n; i++)
    {
      g_main_context_invoke (server->context, push_stamp_cb, server);
      g_main_loop_run (loop);
      /* Spaced out like notifications, not a stream. */
      g_usleep (2000);
    }
  bench_print_latencies (id, samples, 0, NULL);

  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_CLOSED)
    g_main_context_iteration (NULL, TRUE);
}

/* With no argument every part runs; otherwise only the parts named ("http", "https"). */
static gboolean
wanted (int          argc,
        char       **argv,
        const char  *part)
{
  if (argc < 2)
    return TRUE;
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], part))
      return TRUE;

  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  const char *cert_path = g_getenv ("CRN_TEST_TLS_CERT");
  const char *key_path = g_getenv ("CRN_TEST_TLS_KEY");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  Server *server;

  if (cert_path == NULL || key_path == NULL)
    {
      fprintf (stderr, "%s: set CRN_TEST_TLS_CERT and CRN_TEST_TLS_KEY to a loopback "
               "certificate and its key (the build makes them in <build>/tests).\n", argv[0]);
      return 2;
    }
  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  if (certificate != NULL)
    database = g_tls_file_database_new (cert_path, &error);
  if (error != NULL)
    {
      fprintf (stderr, "%s: could not load the test certificate: %s\n", argv[0], error->message);
      return 2;
    }

  printf ("Bare libsoup %u.%u.%u baselines over loopback\n", soup_get_major_version (),
          soup_get_minor_version (), soup_get_micro_version ());

  /* Plain HTTP: the bare handler the server's benchmark compares with. */
  if (wanted (argc, argv, "http"))
    {
      g_autoptr(SoupSession) session = client_session (NULL, 1);
      g_autofree char *url = NULL;

      server = server_start (NULL);
      url = g_strconcat (server->base, "/hello", NULL);
      bench_sequential ("baseline.hello", session, url, N_SEQUENTIAL);
      bench_crowd ("baseline.hello-32", url, N_CLIENTS, N_PER_CLIENT);
      server_stop (server);
    }

  /* HTTPS and secure WebSocket: what the sync's benchmark compares with. */
  if (wanted (argc, argv, "https"))
    {
      g_autoptr(SoupSession) session = client_session (database, 1);
      g_autofree char *url = NULL;

      server = server_start (certificate);
      url = g_strconcat (server->base, "/hello", NULL);
      bench_fresh ("baseline.https-fresh", database, url, N_FRESH);
      bench_sequential ("baseline.https-keepalive", session, url, N_SEQUENTIAL);
      bench_websocket ("baseline.websocket", server, database, N_MESSAGES);
      server_stop (server);
    }

  return 0;
}
