/* crn-bookings-page.h: the inbox: to confirm, today, coming, past without outcome
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_TYPE_BOOKINGS_PAGE (crn_bookings_page_get_type ())

G_DECLARE_FINAL_TYPE (CrnBookingsPage, crn_bookings_page, CRN, BOOKINGS_PAGE, GtkWidget)

void       crn_bookings_page_set_agenda      (CrnBookingsPage  *self,
                                              CrnAgenda        *agenda);
gboolean   crn_bookings_page_is_loading      (CrnBookingsPage  *self);
guint      crn_bookings_page_get_n_rows      (CrnBookingsPage  *self,
                                              CrnStoreInbox     inbox);
GtkWindow *crn_bookings_page_get_dialog      (CrnBookingsPage  *self);
void       crn_bookings_page_decline         (CrnBookingsPage  *self,
                                              const char       *id,
                                              const char       *reason);
void       crn_bookings_page_set_extra_field (CrnBookingsPage  *self,
                                              guint             field,
                                              const char       *text);
void       crn_bookings_page_save_extra      (CrnBookingsPage  *self,
                                              const CrnBooking *booking);

void        crn_bookings_page_select_booking (CrnBookingsPage *self,
                                              const char      *id);
const char *crn_bookings_page_get_selected   (CrnBookingsPage *self);

G_END_DECLS
