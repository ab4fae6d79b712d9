/* crn-agenda-private.h: what crn-agenda.c and crn-agenda-store.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-agenda.h"

G_BEGIN_DECLS

struct _CrnAgenda
{
  GObject       parent_instance;

  CrnPolicy    *policy;
  GPtrArray    *practitioners;  /* (element-type CrnPractitioner) */
  GPtrArray    *slots;          /* (element-type CrnSlotObject), sorted by start */
  GHashTable   *slots_by_id;    /* id -> CrnSlotObject (borrowed from slots) */
  GHashTable   *templates;      /* practitioner IDNPS -> CrnTemplate */

  /* Store mode (crn-agenda-store.c) */
  CrnStore     *store;
  GObject      *sync;           /* (nullable) CrnSync */
  GCancellable *cancellable;
  CrnInstant    loaded_from;    /* the range of slots held; from == to: none */
  CrnInstant    loaded_to;
  guint         range_serial;   /* the newest range query; older answers are dropped */

  guint         online : 1;
  guint         syncing : 1;
};

enum {
  CHANGED,
  TEMPLATE_SAVED,
  NOTICE,
  N_SIGNALS
};

extern guint _crn_agenda_signals[N_SIGNALS];

void _crn_agenda_set_entries          (CrnAgenda         *self,
                                       GPtrArray         *entries);
void _crn_agenda_put_booking          (CrnAgenda         *self,
                                       const CrnBooking  *booking);
void _crn_agenda_put_slot             (CrnAgenda         *self,
                                       const CrnSlot     *slot);
void _crn_agenda_store_save_template  (CrnAgenda         *self,
                                       const CrnTemplate *template);
void _crn_agenda_disconnect_sync      (CrnAgenda         *self);

G_END_DECLS
