/* crn-booking-page.h: the regulator booking web page (/reservation)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "crn-server-db.h"

G_BEGIN_DECLS

/**
 * crn_booking_page_register:
 * @server: the server
 * @ctx: the server context; must outlive @server
 *
 * Serves the booking page under `/reservation`: sign-in of a regulation operator or a
 * pharmacy (cookie session, CSRF tokens), search of free slots, booking for a patient,
 * "Mes réservations" with cancellation, and for the CPTS coordinator the monthly report
 * form. Server-rendered French HTML that works without JavaScript; the style sheet and the
 * optional script come from the `/io/github/creneaux/Creneaux/web/` resources.
 */
void  crn_booking_page_register (SoupServer       *server,
                                 CrnServerContext *ctx);

/**
 * crn_web_escape_html:
 * @text: (nullable): UTF-8 text (invalid sequences are replaced)
 *
 * Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`, `"`,
 * `'` become character references, control characters other than tab and newline are
 * dropped. %NULL gives an empty string.
 *
 * Returns: (transfer full): the escaped text
 */
char *crn_web_escape_html       (const char       *text);

/**
 * crn_web_escape_html_append:
 * @out: where to append
 * @text: (nullable): UTF-8 text
 *
 * Appends crn_web_escape_html() of @text to @out without an intermediate copy.
 */
void  crn_web_escape_html_append (GString         *out,
                                  const char      *text);

G_END_DECLS
