/* crn-agenda.h: the app's data source: practitioners, policy, slots, bookings, templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "crn-core.h"
#include "crn-slot-object.h"

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

G_END_DECLS
