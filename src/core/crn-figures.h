/* crn-figures.h: the practice's figures (fill rate, no-shows, Avenant 9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "crn-types.h"

G_BEGIN_DECLS

/**
 * CrnFigures:
 *
 * Counts over a period for one practitioner (or all). Slots count when their start is in the
 * period; bookings count when their start is in the period. A slot is "offered" when it is
 * visible to regulation (SNP/CPTS) and not entered-in-error. "Booked" counts bookings that hold
 * or held a slot (booked, arrived, fulfilled, noshow; cancelled and proposed are not booked).
 * Extra patients (surnuméraires) are counted apart and never in the fill rate.
 * The exact rule for every field (which the store's SQL must follow) is documented at
 * crn_figures_compute() in crn-figures.c.
 */
struct _CrnFigures
{
  guint   offered;                         /* slots offered to regulation */
  guint   booked;                          /* of those slots, how many were booked */
  guint   seen;                            /* fulfilled (incl. arrived in the past) */
  guint   noshow;
  guint   cancelled;
  guint   extras;                          /* surnuméraires (any final state but cancelled/error) */
  guint   sas_regulated;                   /* bookings by SAS regulation that were seen */
  guint   offered_minutes;                 /* minutes of slots offered to regulation */
  guint   booked_by_referrer[CRN_REFERRER_N];
  guint   noshow_by_referrer[CRN_REFERRER_N];
};

/* booked / offered, 0 when nothing offered */
double  crn_figures_fill_rate    (const CrnFigures *figures);
/* noshow / (seen + noshow), 0 when none */
double  crn_figures_noshow_rate  (const CrnFigures *figures);

/**
 * crn_figures_compute:
 * @slots: (element-type CrnSlot)
 * @bookings: (element-type CrnBooking)
 * @practitioner: (nullable): IDNPS, or %NULL for every practitioner
 * @from: start of the period (inclusive, UTC)
 * @to: end of the period (exclusive, UTC)
 *
 * The reference computation in C; the store computes the same figures in SQL and the tests
 * compare both.
 */
void    crn_figures_compute      (CrnFigures      *figures,
                                  GPtrArray       *slots,
                                  GPtrArray       *bookings,
                                  const char      *practitioner,
                                  CrnInstant       from,
                                  CrnInstant       to);

/* Avenant 9 level 1: at least 2 h a week visible to regulation. */
#define CRN_AVENANT9_MIN_WEEKLY_MINUTES 120
/* The SNP majoration is paid for at most 20 regulated consultations a week. */
#define CRN_SNP_MAJORATION_WEEKLY_CAP   20

gboolean crn_figures_meets_level1   (guint regulation_minutes_in_week);
guint    crn_figures_majoration_count (guint sas_regulated_in_week);   /* MIN (n, cap) */

/* Period helpers in Europe/Paris: [monday 00:00, next monday 00:00) of the week of @day, the
 * month of @day, the quarter of @day. */
void     crn_period_week     (const GDate *day, CrnInstant *from, CrnInstant *to);
void     crn_period_month    (const GDate *day, CrnInstant *from, CrnInstant *to);
void     crn_period_quarter  (const GDate *day, CrnInstant *from, CrnInstant *to);

G_END_DECLS
