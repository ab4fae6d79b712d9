/* crn-agenda.h: the app's data source: practitioners, policy, slots, bookings, templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "crn-core.h"
#include "crn-slot-object.h"
#include "crn-store.h"

G_BEGIN_DECLS

#define CRN_TYPE_AGENDA (crn_agenda_get_type ())

G_DECLARE_FINAL_TYPE (CrnAgenda, crn_agenda, CRN, AGENDA, GObject)

CrnAgenda             *crn_agenda_new                (void);

const CrnPolicy       *crn_agenda_get_policy         (CrnAgenda          *self);
void                   crn_agenda_set_policy         (CrnAgenda          *self,
                                                      const CrnPolicy    *policy);

GPtrArray             *crn_agenda_get_practitioners  (CrnAgenda          *self);
void                   crn_agenda_add_practitioner   (CrnAgenda          *self,
                                                      const CrnPractitioner *practitioner);
const CrnPractitioner *crn_agenda_find_practitioner  (CrnAgenda          *self,
                                                      const char         *idnps);

void                   crn_agenda_set_data           (CrnAgenda          *self,
                                                      GPtrArray          *slots,
                                                      GPtrArray          *bookings);
guint                  crn_agenda_get_n_slots        (CrnAgenda          *self);
GListModel            *crn_agenda_list_slots         (CrnAgenda          *self,
                                                      CrnInstant          from,
                                                      CrnInstant          to,
                                                      const char * const *practitioners);
CrnSlotObject         *crn_agenda_find_slot          (CrnAgenda          *self,
                                                      const char         *slot_id);

const CrnTemplate     *crn_agenda_get_template       (CrnAgenda          *self,
                                                      const char         *practitioner);
void                   crn_agenda_set_template       (CrnAgenda          *self,
                                                      const CrnTemplate  *template);
void                   crn_agenda_save_template      (CrnAgenda          *self,
                                                      const CrnTemplate  *template);

gboolean               crn_agenda_get_online         (CrnAgenda          *self);
void                   crn_agenda_set_online         (CrnAgenda          *self,
                                                      gboolean            online);
gboolean               crn_agenda_get_syncing        (CrnAgenda          *self);
void                   crn_agenda_set_syncing        (CrnAgenda          *self,
                                                      gboolean            syncing);

/* Store mode (crn-agenda-store.c) */
void                   crn_agenda_set_store          (CrnAgenda          *self,
                                                      CrnStore           *store);
CrnStore              *crn_agenda_get_store          (CrnAgenda          *self);
void                   crn_agenda_set_sync           (CrnAgenda          *self,
                                                      GObject            *sync);
void                   crn_agenda_load_async         (CrnAgenda          *self,
                                                      CrnInstant          from,
                                                      CrnInstant          to,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean               crn_agenda_load_finish        (CrnAgenda          *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);
void                   crn_agenda_ensure_range       (CrnAgenda          *self,
                                                      CrnInstant          from,
                                                      CrnInstant          to);
void                   crn_agenda_reload             (CrnAgenda          *self);

void                   crn_agenda_save_booking_async (CrnAgenda          *self,
                                                      const CrnBooking   *booking,
                                                      const char         *kind,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean               crn_agenda_save_booking_finish (CrnAgenda         *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);
void                   crn_agenda_apply_booking_async (CrnAgenda         *self,
                                                       const CrnBooking  *booking,
                                                       CrnBookingAction   action,
                                                       const char        *reason,
                                                       GCancellable      *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer           user_data);
gboolean               crn_agenda_apply_booking_finish (CrnAgenda        *self,
                                                        GAsyncResult     *result,
                                                        GError          **error);
gboolean               crn_agenda_can_reclaim        (CrnAgenda          *self,
                                                      const char         *slot_id,
                                                      CrnInstant          now,
                                                      GError            **error);
void                   crn_agenda_reclaim_async      (CrnAgenda          *self,
                                                      const char         *slot_id,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean               crn_agenda_reclaim_finish     (CrnAgenda          *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);

G_END_DECLS
