/* crn-week-view.h: Monday–Saturday at a glance, one tile per slot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "crn-slot-object.h"
#include "crn-slot-tile.h"

G_BEGIN_DECLS

#define CRN_TYPE_WEEK_VIEW (crn_week_view_get_type ())

G_DECLARE_FINAL_TYPE (CrnWeekView, crn_week_view, CRN, WEEK_VIEW, GtkWidget)

GtkWidget   *crn_week_view_new            (void);
void         crn_week_view_set_week       (CrnWeekView        *self,
                                           const GDate        *monday);
void         crn_week_view_get_week       (CrnWeekView        *self,
                                           GDate              *monday);
void         crn_week_view_set_hours      (CrnWeekView        *self,
                                           guint               first_hour,
                                           guint               last_hour);
void         crn_week_view_set_slots      (CrnWeekView        *self,
                                           GListModel         *slots,
                                           const CrnPolicy    *policy,
                                           const char * const *practitioners,
                                           const char * const *initials,
                                           const char * const *names,
                                           CrnInstant          now);
void         crn_week_view_refresh        (CrnWeekView        *self,
                                           CrnInstant          now);
guint        crn_week_view_get_n_tiles    (CrnWeekView        *self);
CrnSlotTile *crn_week_view_get_tile       (CrnWeekView        *self,
                                           guint               position);
CrnSlotTile *crn_week_view_find_tile      (CrnWeekView        *self,
                                           const char         *slot_id);
gboolean     crn_week_view_move_focus     (CrnWeekView        *self,
                                           int                 days,
                                           int                 steps);
void         crn_week_view_show_popover   (CrnWeekView        *self,
                                           CrnSlotTile        *tile,
                                           GtkWidget          *content);
GtkPopover  *crn_week_view_get_popover    (CrnWeekView        *self);

G_END_DECLS
