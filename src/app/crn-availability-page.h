/* crn-availability-page.h: the weekly template editor, its exceptions, preview and checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_TYPE_AVAILABILITY_PAGE (crn_availability_page_get_type ())

G_DECLARE_FINAL_TYPE (CrnAvailabilityPage, crn_availability_page, CRN, AVAILABILITY_PAGE, AdwBin)

GtkWidget         *crn_availability_page_new                (void);
void               crn_availability_page_set_agenda         (CrnAvailabilityPage    *self,
                                                             CrnAgenda              *agenda);
void               crn_availability_page_set_practitioner   (CrnAvailabilityPage    *self,
                                                             const char             *idnps);
const char        *crn_availability_page_get_practitioner   (CrnAvailabilityPage    *self);
const CrnTemplate *crn_availability_page_get_template       (CrnAvailabilityPage    *self);
gboolean           crn_availability_page_get_dirty          (CrnAvailabilityPage    *self);

gboolean           crn_availability_page_add_block          (CrnAvailabilityPage    *self,
                                                             const CrnTemplateBlock *block,
                                                             GError                **error);
gboolean           crn_availability_page_replace_block      (CrnAvailabilityPage    *self,
                                                             const CrnTemplateBlock *block,
                                                             GError                **error);
gboolean           crn_availability_page_remove_block       (CrnAvailabilityPage    *self,
                                                             const char             *block_id);
gboolean           crn_availability_page_add_exception      (CrnAvailabilityPage    *self,
                                                             const CrnTemplateException *exception,
                                                             GError                **error);
gboolean           crn_availability_page_remove_exception   (CrnAvailabilityPage    *self,
                                                             const char             *exception_id);
gboolean           crn_availability_page_save               (CrnAvailabilityPage    *self);
void               crn_availability_page_revert             (CrnAvailabilityPage    *self);

const char        *crn_availability_page_get_avenant_text   (CrnAvailabilityPage    *self);
gboolean           crn_availability_page_get_level1_met     (CrnAvailabilityPage    *self);
GPtrArray         *crn_availability_page_get_preview        (CrnAvailabilityPage    *self);
const char        *crn_availability_page_get_error_text     (CrnAvailabilityPage    *self);
GtkWindow         *crn_availability_page_get_dialog         (CrnAvailabilityPage    *self);

G_END_DECLS
