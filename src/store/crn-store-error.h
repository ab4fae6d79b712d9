/* crn-store-error.h: the error domain of the local store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRN_STORE_ERROR (crn_store_error_quark ())

/**
 * CrnStoreError:
 * @CRN_STORE_ERROR_FAILED: SQLite refused an operation (disk full, I/O error, locked…)
 * @CRN_STORE_ERROR_CORRUPT: the file is not a readable SQLite database, or it is damaged
 * @CRN_STORE_ERROR_FOREIGN: the file is an SQLite database of another application
 * @CRN_STORE_ERROR_TOO_NEW: the file was written by a newer version of Créneaux
 * @CRN_STORE_ERROR_NOT_FOUND: the row asked for does not exist
 * @CRN_STORE_ERROR_INVALID: the caller passed a value the store cannot keep
 * @CRN_STORE_ERROR_CLOSED: the store is closed
 *
 * The messages are translated sentences for a person; they never carry patient data.
 */
typedef enum
{
  CRN_STORE_ERROR_FAILED = 1,
  CRN_STORE_ERROR_CORRUPT,
  CRN_STORE_ERROR_FOREIGN,
  CRN_STORE_ERROR_TOO_NEW,
  CRN_STORE_ERROR_NOT_FOUND,
  CRN_STORE_ERROR_INVALID,
  CRN_STORE_ERROR_CLOSED,
} CrnStoreError;

GQuark crn_store_error_quark (void);

G_END_DECLS
