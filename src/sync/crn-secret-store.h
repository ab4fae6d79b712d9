/* crn-secret-store.h: the sign-in secret of an account, kept in the keyring only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define CRN_SECRET_SCHEMA_NAME "io.github.creneaux.Creneaux.Credentials"

const SecretSchema *crn_secret_store_get_schema    (void);

void                crn_secret_store_save_async    (const char          *server_url,
                                                    const char          *login,
                                                    const char          *secret,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            crn_secret_store_save_finish   (GAsyncResult        *result,
                                                    GError             **error);
void                crn_secret_store_lookup_async  (const char          *server_url,
                                                    const char          *login,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char               *crn_secret_store_lookup_finish (GAsyncResult        *result,
                                                    GError             **error);
void                crn_secret_store_clear_async   (const char          *server_url,
                                                    const char          *login,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            crn_secret_store_clear_finish  (GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
