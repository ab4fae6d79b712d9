/* crn-sync-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include "crn-sync-error.h"

G_DEFINE_QUARK (crn-sync-error-quark, crn_sync_error)

/**
 * crn_sync_error_is_transient:
 * @error: (nullable): an error
 *
 * Returns: whether trying again later may succeed: the network was down, the server
 *   failed (5xx) or its answer was garbled. Certificates, logins and refusals are not.
 */
gboolean
crn_sync_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != CRN_SYNC_ERROR)
    return FALSE;
  return error->code == CRN_SYNC_ERROR_NETWORK ||
         error->code == CRN_SYNC_ERROR_SERVER ||
         error->code == CRN_SYNC_ERROR_INVALID_RESPONSE;
}
