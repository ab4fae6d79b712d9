/* crn-week-page.h: the Week page: navigation, the week view, the legend, slot details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"
#include "crn-week-view.h"

G_BEGIN_DECLS

#define CRN_TYPE_WEEK_PAGE (crn_week_page_get_type ())

G_DECLARE_FINAL_TYPE (CrnWeekPage, crn_week_page, CRN, WEEK_PAGE, AdwBin)

GtkWidget   *crn_week_page_new                (void);
void         crn_week_page_set_agenda         (CrnWeekPage        *self,
                                               CrnAgenda          *agenda);
CrnAgenda   *crn_week_page_get_agenda         (CrnWeekPage        *self);
void         crn_week_page_set_week           (CrnWeekPage        *self,
                                               const GDate        *day);
void         crn_week_page_get_week           (CrnWeekPage        *self,
                                               GDate              *monday);
CrnWeekView *crn_week_page_get_view           (CrnWeekPage        *self);
const char * const *crn_week_page_get_selected_practitioners (CrnWeekPage *self);
void         crn_week_page_set_selected_practitioners (CrnWeekPage        *self,
                                                       const char * const *practitioners);
gboolean     crn_week_page_show_slot          (CrnWeekPage        *self,
                                               const char         *slot_id);
gint64       crn_week_page_get_last_switch_us (CrnWeekPage        *self);

G_END_DECLS
