/* crn-block-dialog.h: add or edit one weekly block of a template
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "crn-core.h"

G_BEGIN_DECLS

#define CRN_TYPE_BLOCK_DIALOG (crn_block_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CrnBlockDialog, crn_block_dialog, CRN, BLOCK_DIALOG, AdwWindow)

CrnBlockDialog   *crn_block_dialog_new            (const CrnPolicy        *policy,
                                                   const CrnTemplateBlock *block);
void              crn_block_dialog_set_block      (CrnBlockDialog         *self,
                                                   const CrnTemplateBlock *block);
CrnTemplateBlock *crn_block_dialog_dup_block      (CrnBlockDialog         *self);
gboolean          crn_block_dialog_check          (CrnBlockDialog         *self,
                                                   GError                **error);
const char       *crn_block_dialog_get_error_text (CrnBlockDialog         *self);
gboolean          crn_block_dialog_save           (CrnBlockDialog         *self);

G_END_DECLS
