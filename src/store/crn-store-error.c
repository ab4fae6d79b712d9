/* crn-store-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include "crn-store-error.h"

G_DEFINE_QUARK (crn-store-error-quark, crn_store_error)
