/* crn-sync-error.h: the error domain of the app's sync layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRN_SYNC_ERROR (crn_sync_error_quark ())

/**
 * CrnSyncError:
 * @CRN_SYNC_ERROR_FAILED: something else went wrong
 * @CRN_SYNC_ERROR_INVALID_URL: the server address cannot be used
 * @CRN_SYNC_ERROR_INSECURE: plain HTTP to a machine that is not this one
 * @CRN_SYNC_ERROR_CERTIFICATE: the server's certificate is not trusted, expired or changed
 * @CRN_SYNC_ERROR_NETWORK: the server could not be reached or did not answer in time
 * @CRN_SYNC_ERROR_SERVER: the server answered with an internal error (5xx)
 * @CRN_SYNC_ERROR_INVALID_RESPONSE: the server's answer could not be read
 * @CRN_SYNC_ERROR_BAD_LOGIN: wrong user name or password
 * @CRN_SYNC_ERROR_SIGNED_OUT: the session ended (refresh token revoked or missing)
 * @CRN_SYNC_ERROR_REFUSED: the server refused a change for good (422, 403, 404…)
 * @CRN_SYNC_ERROR_CONFLICT: someone else changed the same thing first
 * @CRN_SYNC_ERROR_KEYRING: the keyring could not be used
 * @CRN_SYNC_ERROR_TOO_MANY_ATTEMPTS: the server asks to wait before signing in again
 *
 * Every message is a translated sentence saying what happened and what to do; none carries
 * a password, a token or patient data.
 */
typedef enum
{
  CRN_SYNC_ERROR_FAILED = 1,
  CRN_SYNC_ERROR_INVALID_URL,
  CRN_SYNC_ERROR_INSECURE,
  CRN_SYNC_ERROR_CERTIFICATE,
  CRN_SYNC_ERROR_NETWORK,
  CRN_SYNC_ERROR_SERVER,
  CRN_SYNC_ERROR_INVALID_RESPONSE,
  CRN_SYNC_ERROR_BAD_LOGIN,
  CRN_SYNC_ERROR_SIGNED_OUT,
  CRN_SYNC_ERROR_REFUSED,
  CRN_SYNC_ERROR_CONFLICT,
  CRN_SYNC_ERROR_KEYRING,
  CRN_SYNC_ERROR_TOO_MANY_ATTEMPTS,
} CrnSyncError;

GQuark   crn_sync_error_quark        (void);

/* Whether an error is worth retrying later (network, 5xx, unreadable answer). */
gboolean crn_sync_error_is_transient (const GError *error);

G_END_DECLS
