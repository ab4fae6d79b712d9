/* crn-page-util.h: small helpers the list pages share (labels, toasts, clipboard)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-core.h"

G_BEGIN_DECLS

char      *crn_page_dup_when            (CrnInstant        instant);
char      *crn_page_dup_month           (const GDate      *day);
char      *crn_page_dup_patient         (const CrnBooking *booking);
char      *crn_page_dup_referrer        (const CrnBooking *booking);
char      *crn_page_dup_booking_details (const CrnBooking *booking);
void       crn_page_add_toast           (GtkWidget        *widget,
                                         AdwToast         *toast);
GtkWidget *crn_page_new_phone_button    (const char       *phone);
void       crn_page_clear_box           (GtkBox           *box);

G_END_DECLS
