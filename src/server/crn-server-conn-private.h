/* crn-server-conn-private.h: idle connections, and the connections libsoup 3.2 keeps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

void _crn_server_conn_init       (void);
void _crn_server_conn_idle_start (GSocket *socket,
                                  guint    seconds);
void _crn_server_conn_idle_stop  (GSocket *socket);

G_END_DECLS
