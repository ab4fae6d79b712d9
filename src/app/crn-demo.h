/* crn-demo.h: fictitious data for --demo-local, the screenshots and the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-agenda.h"

G_BEGIN_DECLS

#define CRN_DEMO_PRACTITIONER_1 "899700123456"
#define CRN_DEMO_PRACTITIONER_2 "899700234567"

void  crn_demo_fill                (CrnAgenda         *agenda);
void  crn_demo_expand              (CrnAgenda         *agenda);

G_END_DECLS
