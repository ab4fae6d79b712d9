/* crn-server-error.h: the error domain of creneaux-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CRN_SERVER_ERROR (crn_server_error_quark ())

/**
 * CrnServerError:
 * @CRN_SERVER_ERROR_INVALID: the request is malformed (400)
 * @CRN_SERVER_ERROR_NOT_FOUND: no such resource, or not visible to the account (404)
 * @CRN_SERVER_ERROR_UNAUTHORIZED: no valid credentials (401)
 * @CRN_SERVER_ERROR_BAD_LOGIN: wrong login or password (401, OAuth invalid_grant)
 * @CRN_SERVER_ERROR_LOCKED_OUT: too many failed sign-ins; retry later (429 + Retry-After)
 * @CRN_SERVER_ERROR_FORBIDDEN: the account's role does not allow this (403)
 * @CRN_SERVER_ERROR_VERSION_MISMATCH: If-Match does not match the current version (412)
 * @CRN_SERVER_ERROR_CONFLICT: the resource changed meanwhile, e.g. the slot was just taken
 *   or reclaimed (409)
 * @CRN_SERVER_ERROR_DUPLICATE: an identifier is already used by another resource (409)
 * @CRN_SERVER_ERROR_TOO_LARGE: the request body is over the limit (413)
 * @CRN_SERVER_ERROR_DATABASE: the database failed (500; never caused by user input)
 *
 * Errors raised by the server's own code. Rules of the domain are reported with
 * %CRN_CORE_ERROR (422 business-rule, named with crn_core_error_rule_name()).
 * Every message is a translated sentence for a person.
 */
typedef enum
{
  CRN_SERVER_ERROR_INVALID = 1,
  CRN_SERVER_ERROR_NOT_FOUND,
  CRN_SERVER_ERROR_UNAUTHORIZED,
  CRN_SERVER_ERROR_BAD_LOGIN,
  CRN_SERVER_ERROR_LOCKED_OUT,
  CRN_SERVER_ERROR_FORBIDDEN,
  CRN_SERVER_ERROR_VERSION_MISMATCH,
  CRN_SERVER_ERROR_CONFLICT,
  CRN_SERVER_ERROR_DUPLICATE,
  CRN_SERVER_ERROR_TOO_LARGE,
  CRN_SERVER_ERROR_DATABASE,
} CrnServerError;

GQuark crn_server_error_quark (void);

G_END_DECLS
