/* crn-policy.h: the CPTS rules (SNP window, reclaim window, booking cut-off, exclusions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-types.h"

G_BEGIN_DECLS

#define CRN_TYPE_POLICY (crn_policy_get_type ())

/**
 * CrnPolicy:
 *
 * One CPTS's rules. Published by the server, enforced by the server, shown by the app.
 * Every check returns a reason through a #GError of %CRN_CORE_ERROR, never a bare boolean:
 * "Outside SNP hours: on Saturday they end at 12:00."
 */
struct _CrnPolicy
{
  /* SNP window per ISO weekday (index 1..7, index 0 unused), minutes since local midnight.
   * open == close means no SNP that day. Default Mon–Fri 08:00–20:00, Sat 08:00–12:00. */
  guint16    snp_open[8];
  guint16    snp_close[8];
  guint      reclaim_minutes;          /* a free slot may be reclaimed from start - N min (120) */
  guint      booking_closes_minutes;   /* regulation cannot book from start - N min (0 = until start) */
  guint      horizon_hours;            /* regulation books within the next N hours (48) */
  gboolean   needs_confirmation;       /* regulation bookings wait for the practice (FALSE) */
  GPtrArray *excluded_reasons;         /* (element-type utf8) owned: "renouvellement d'ordonnance"… */
};

GType      crn_policy_get_type          (void) G_GNUC_CONST;
CrnPolicy *crn_policy_new_default       (void);
CrnPolicy *crn_policy_copy              (const CrnPolicy *self);
void       crn_policy_free              (CrnPolicy       *self);
/* Every field equal, excluded reasons in the same order. */
gboolean   crn_policy_equal             (const CrnPolicy *a,
                                         const CrnPolicy *b);
gboolean   crn_policy_validate          (const CrnPolicy *self,
                                         GError         **error);

/* A block of a template on @weekday from @start_minute to @end_minute (local). */
gboolean   crn_policy_check_block       (const CrnPolicy *self,
                                         GDateWeekday     weekday,
                                         guint            start_minute,
                                         guint            end_minute,
                                         GError         **error);
/* Every block of @template (uses crn_policy_check_block for each weekday it covers). */
gboolean   crn_policy_check_template    (const CrnPolicy   *self,
                                         const CrnTemplate *template,
                                         GError           **error);
/* A concrete slot lies inside the SNP window of its local day. */
gboolean   crn_policy_check_slot_hours  (const CrnPolicy *self,
                                         const CrnSlot   *slot,
                                         GError         **error);

/* A reason is excluded when, case- and accent-folded, it contains one of excluded_reasons. */
gboolean   crn_policy_check_reason      (const CrnPolicy *self,
                                         const char      *reason,
                                         GError         **error);

/**
 * crn_policy_check_regulation_booking:
 *
 * Whether regulation (@referrer: SAS, pharmacy…) may book @slot for @patient with @reason at
 * @now: slot free, visible to that referrer (SNP/CPTS for SAS, PRO/CPTS for the others),
 * inside SNP hours, not started, before the cut-off, within the horizon, reason not excluded,
 * patient matching the restriction. The first rule broken is reported.
 */
gboolean   crn_policy_check_regulation_booking (const CrnPolicy  *self,
                                                const CrnSlot    *slot,
                                                CrnReferrer       referrer,
                                                const CrnPatient *patient,
                                                const char       *reason,
                                                CrnInstant        now,
                                                GError          **error);

/* Whether the practice may take back the free @slot at @now (inside the reclaim window). */
gboolean   crn_policy_check_reclaim     (const CrnPolicy *self,
                                         const CrnSlot   *slot,
                                         CrnInstant       now,
                                         GError         **error);
CrnInstant crn_policy_reclaim_opens_at  (const CrnPolicy *self,
                                         const CrnSlot   *slot);
CrnInstant crn_policy_booking_closes_at (const CrnPolicy *self,
                                         const CrnSlot   *slot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnPolicy, crn_policy_free)

G_END_DECLS
