/* crn-server-conn.c: idle connections, and the connections libsoup 3.2 never lets go
 *
 * Two things libsoup 3.2 (Debian 12) does not do on the server side, done here:
 *
 * - It has no read timeout: a client that opens a connection and sends half a request
 *   (slowloris) keeps it, and its memory, forever. Each connection gets a timer from the
 *   moment libsoup starts waiting for a request (the TLS handshake included) until that
 *   request is read; when it fires, the socket is shut down (libsoup owns the descriptor),
 *   libsoup reads the end of the stream and stops reading. The request's handler and the
 *   answer run without it; a kept-alive connection gets a new timer once the answer is
 *   sent, and the notifications' WebSocket (an upgraded request, read in full, its
 *   connection taken from libsoup's HTTP side) none. g_socket_set_timeout() would not do:
 *   libsoup answers a read that times out between two requests of a kept-alive connection
 *   with a 500 it never sends, and keeps the connection, unusable.
 *
 * - When a kept-alive connection ends between two requests (the client closed it, or the
 *   timer above shut it down), libsoup stops reading it but keeps the connection in its list
 *   of clients: its descriptor, its TLS session and its buffers stay until the process
 *   ends (fixed in libsoup 3.3 by commit d20c6601, "server: do not leak idle connections
 *   closed by the client"). A server that runs for days runs out of descriptors: the race
 *   test's long mode stopped after 5,000 runs at the 20,000 the process may open. So when
 *   the timer fires, once libsoup has let go of the connection's last message, the server
 *   emits the connection's "disconnected" signal as libsoup 3.3 would: libsoup drops it
 *   from its clients and frees it, which closes the descriptor. The SoupServerConnection
 *   type is not public in 3.2; an emission hook on its "request-started" signal (emitted
 *   for every request, the first one before the TLS handshake) links each socket to its
 *   connection with a weak reference. With libsoup 3.3 or later the connection is already
 *   gone when the timer fires, and nothing more is done.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServer"

#include "config.h"

#include "crn-server-conn-private.h"

#define IDLE_TIMER_KEY   "crn-idle-timer"
#define CONNECTION_KEY   "crn-soup-connection"
#define RELEASE_TRIES    50       /* × 100 ms: libsoup reads the end of the stream at once */

/* The connection of each socket ------------------------------------------------------ */

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static gboolean
connection_request_started_hook (GSignalInvocationHint *hint,
                                 guint                  n_params,
                                 const GValue          *params,
                                 gpointer               user_data)
{
  GObject *connection;
  SoupServerMessage *msg;
  GSocket *socket;
  GWeakRef *ref;

  if (n_params < 2 || !G_VALUE_HOLDS_OBJECT (&params[0]) || !G_VALUE_HOLDS_OBJECT (&params[1]))
    return TRUE;
  connection = g_value_get_object (&params[0]);
  msg = g_value_get_object (&params[1]);
  if (connection == NULL || !SOUP_IS_SERVER_MESSAGE (msg))
    return TRUE;
  socket = soup_server_message_get_socket (msg);
  if (socket == NULL || g_object_get_data (G_OBJECT (socket), CONNECTION_KEY) != NULL)
    return TRUE;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, connection);
  g_object_set_data_full (G_OBJECT (socket), CONNECTION_KEY, ref, weak_ref_free);
  return TRUE;   /* stay for every emission */
}

/* The type is registered when libsoup makes its first connection: make one, on a server
 * of our own that never listens, over a stream in memory. */
static GType
connection_type (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GInputStream) in = g_memory_input_stream_new ();
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GIOStream) stream = g_simple_io_stream_new (in, out);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 9);
  GType type = g_type_from_name ("SoupServerConnection");

  if (type == 0 && soup_server_accept_iostream (server, stream, address, address, NULL))
    type = g_type_from_name ("SoupServerConnection");
  soup_server_disconnect (server);
  return type;
}

/**
 * _crn_server_conn_init:
 *
 * Starts linking sockets to libsoup's connections (once per process). Call before the
 * server listens.
 */
void
_crn_server_conn_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      GType type = connection_type ();
      guint id = type != 0 ? g_signal_lookup ("request-started", type) : 0;

      if (id != 0)
        g_signal_add_emission_hook (id, 0, connection_request_started_hook, NULL, NULL);
      else
        g_warning ("libsoup’s server connections could not be found: connections that end "
                   "between two requests will be kept until the server stops");
      g_once_init_leave (&done, 1);
    }
}

/* Releasing a connection libsoup keeps ------------------------------------------------- */

typedef struct
{
  GWeakRef connection;
  guint    tries;
} Release;

static void
release_free (gpointer data)
{
  Release *release = data;

  g_weak_ref_clear (&release->connection);
  g_free (release);
}

static gboolean
release_cb (gpointer user_data)
{
  Release *release = user_data;
  g_autoptr(GObject) connection = g_weak_ref_get (&release->connection);

  if (connection == NULL)
    return G_SOURCE_REMOVE;   /* libsoup let it go itself */
  /* Ours and the server's list of clients: libsoup has dropped the connection's last
   * message (which holds a reference while it waits for a request), so nothing of libsoup
   * runs on it any more. */
  if (g_atomic_int_get ((gint *) &connection->ref_count) == 2)
    {
      g_debug ("Releasing a connection libsoup kept after it ended");
      g_signal_emit_by_name (connection, "disconnected");
      return G_SOURCE_REMOVE;
    }
  if (++release->tries >= RELEASE_TRIES)
    {
      g_debug ("A connection that ended is still in use after %u tries: left to libsoup",
               release->tries);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
release_connection (GSocket *socket)
{
  GWeakRef *ref = g_object_get_data (G_OBJECT (socket), CONNECTION_KEY);
  g_autoptr(GObject) connection = ref != NULL ? g_weak_ref_get (ref) : NULL;
  Release *release;

  if (connection == NULL)
    return;
  release = g_new0 (Release, 1);
  g_weak_ref_init (&release->connection, connection);
  /* After libsoup has read the end of the stream (the shutdown wakes it at once). */
  g_timeout_add_full (G_PRIORITY_LOW, 100, release_cb, release, release_free);
}

/* Idle timer ------------------------------------------------------------------------- */

static gboolean
idle_timeout_cb (gpointer user_data)
{
  GSocket *socket = user_data;

  g_debug ("Closing a connection that sent nothing for the idle timeout");
  if (!g_socket_is_closed (socket))
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  release_connection (socket);
  g_object_set_data (G_OBJECT (socket), IDLE_TIMER_KEY, NULL);
  return G_SOURCE_REMOVE;
}

static void
idle_timer_free (gpointer data)
{
  g_source_destroy (data);
  g_source_unref (data);
}

/**
 * _crn_server_conn_idle_start:
 * @socket: a connection's socket
 * @seconds: how long it may stay without sending a whole request
 *
 * Starts (or starts again) the connection's idle timer.
 */
void
_crn_server_conn_idle_start (GSocket *socket,
                             guint    seconds)
{
  GSource *timer = g_timeout_source_new_seconds (seconds);

  /* The socket owns its timer (replacing the previous one): the timer never outlives it. */
  g_source_set_callback (timer, idle_timeout_cb, socket, NULL);
  g_source_set_static_name (timer, "[creneaux-server] idle connection");
  g_source_attach (timer, NULL);
  g_object_set_data_full (G_OBJECT (socket), IDLE_TIMER_KEY, timer, idle_timer_free);
}

/**
 * _crn_server_conn_idle_stop:
 * @socket: a connection's socket
 *
 * Stops the connection's idle timer: a whole request has come.
 */
void
_crn_server_conn_idle_stop (GSocket *socket)
{
  g_object_set_data (G_OBJECT (socket), IDLE_TIMER_KEY, NULL);
}
