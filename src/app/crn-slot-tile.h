/* crn-slot-tile.h: one slot in the week view, focusable and activatable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "crn-slot-object.h"

G_BEGIN_DECLS

#define CRN_TYPE_SLOT_TILE (crn_slot_tile_get_type ())

G_DECLARE_FINAL_TYPE (CrnSlotTile, crn_slot_tile, CRN, SLOT_TILE, GtkWidget)

GtkWidget     *crn_slot_tile_new        (void);
void           crn_slot_tile_set_slot   (CrnSlotTile     *self,
                                         CrnSlotObject   *slot,
                                         const CrnPolicy *policy,
                                         const char      *initials,
                                         const char      *name,
                                         CrnInstant       now);
CrnSlotObject *crn_slot_tile_get_slot   (CrnSlotTile     *self);
CrnSlotState   crn_slot_tile_get_state  (CrnSlotTile     *self);
const char    *crn_slot_tile_get_label  (CrnSlotTile     *self);
const char    *crn_slot_tile_get_title  (CrnSlotTile     *self);
const char    *crn_slot_tile_get_detail (CrnSlotTile     *self);

G_END_DECLS
