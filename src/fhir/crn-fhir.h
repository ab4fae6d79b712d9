/* crn-fhir.h: FHIR R4 JSON <-> the Créneaux domain (shared by the app's sync and the server)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-error.h"
#include "crn-fhir-common.h"
#include "crn-fhir-slot.h"
#include "crn-fhir-writer.h"
#include "crn-fhir-schedule.h"
#include "crn-fhir-appointment.h"
#include "crn-fhir-directory.h"
#include "crn-fhir-outcome.h"
#include "crn-fhir-bundle.h"
#include "crn-fhir-search.h"
