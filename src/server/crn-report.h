/* crn-report.h: the CPTS monthly report (/reports/monthly)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "crn-server-db.h"

G_BEGIN_DECLS

/**
 * crn_report_register:
 * @server: the server
 * @ctx: the server context; must outlive @server
 *
 * Serves `GET /reports/monthly?month=YYYY-MM[&format=csv|json][&sep=comma|semicolon]` to
 * the CPTS coordinator (bearer token of the OAuth endpoint). One row per day and practice:
 * slots offered, bookings, by SAS, by pharmacy, seen, no-shows, cancellations, then the
 * totals. CSV by default, JSON with `format=json`. A bad month is a 400 OperationOutcome,
 * another role a 403.
 */
void     crn_report_register        (SoupServer        *server,
                                     CrnServerContext  *ctx);

/**
 * crn_report_respond:
 * @msg: the request to answer
 * @ctx: the server context
 * @account: the signed-in account (already authenticated by the caller)
 * @query: (nullable): the query parameters of the request
 *
 * Answers @msg with the monthly report for @account (403 unless coordinator). Used by the
 * `/reports/monthly` handler and by the coordinator's web session on the booking page.
 */
void     crn_report_respond         (SoupServerMessage      *msg,
                                     CrnServerContext       *ctx,
                                     const CrnServerAccount *account,
                                     GHashTable             *query);

G_END_DECLS
