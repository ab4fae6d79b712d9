/* crn-review-page.h: outcomes to record, no-shows per month and per referrer, repeat no-shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_TYPE_REVIEW_PAGE (crn_review_page_get_type ())

G_DECLARE_FINAL_TYPE (CrnReviewPage, crn_review_page, CRN, REVIEW_PAGE, GtkWidget)

void      crn_review_page_set_agenda      (CrnReviewPage *self,
                                           CrnAgenda     *agenda);
gboolean  crn_review_page_is_loading      (CrnReviewPage *self);
guint     crn_review_page_get_n_to_record (CrnReviewPage *self);
guint     crn_review_page_get_noshows     (CrnReviewPage *self,
                                           guint          year,
                                           guint          month);

G_END_DECLS
