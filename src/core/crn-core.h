/* crn-core.h: the domain of Créneaux, no I/O
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-types.h"
#include "crn-core-error.h"
#include "crn-time.h"
#include "crn-slot.h"
#include "crn-booking.h"
#include "crn-template.h"
#include "crn-policy.h"
#include "crn-practitioner.h"
#include "crn-figures.h"
