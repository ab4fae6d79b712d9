/* crn-test-fixtures.h: shared set-up of the app's UI tests and screenshot tool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_TEST_PRACTITIONER "899700123456"

void           crn_test_init            (int          *argc,
                                         char       ***argv);
CrnInstant     crn_test_instant         (int           year,
                                         int           month,
                                         int           day,
                                         guint         minute_of_day);
CrnSlot       *crn_test_slot_new        (const char   *id,
                                         int           year,
                                         int           month,
                                         int           day,
                                         guint         start_minute,
                                         guint         end_minute,
                                         CrnVisibility visibility,
                                         CrnSlotStatus status);
CrnBooking    *crn_test_booking_new     (const CrnSlot          *slot,
                                         CrnReferrer             referrer,
                                         const char             *referrer_name,
                                         CrnAppointmentStatus    status,
                                         CrnParticipationStatus  participation);
CrnAgenda     *crn_test_agenda_new      (void);
void           crn_test_wait_mapped     (GtkWidget    *widget);
void           crn_test_iterate         (void);
/* The first widget of @type in @widget's tree (depth first, @widget included), or NULL. */
GtkWidget     *crn_test_find_descendant (GtkWidget    *widget,
                                         GType         type);
void           crn_test_wait_frames     (GtkWidget    *widget,
                                         guint         n);
gboolean       crn_test_save_png        (GtkWidget    *widget,
                                         const char   *path,
                                         GError      **error);

CrnStore      *crn_test_store_new       (CrnAgenda    *from,
                                         char        **dir);
void           crn_test_store_put_bookings (CrnStore  *store,
                                            GPtrArray *bookings);
CrnBooking    *crn_test_store_get_booking (CrnStore   *store,
                                           const char *id);
GPtrArray     *crn_test_store_outbox     (CrnStore    *store);
void           crn_test_agenda_load      (CrnAgenda   *agenda,
                                          CrnStore    *store);
void           crn_test_remove_dir       (const char  *dir);

G_END_DECLS
