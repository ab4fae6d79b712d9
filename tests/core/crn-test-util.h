/* crn-test-util.h: helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-core.h"

G_BEGIN_DECLS

#define TEST_IDNPS   "899700123456"
#define TEST_IDNPS_2 "899700654321"
#define TEST_PLACE   "5d0c8f4e-8a3b-4c1e-9f00-000000000001"

#define MON CRN_WEEKDAY_BIT (G_DATE_MONDAY)
#define TUE CRN_WEEKDAY_BIT (G_DATE_TUESDAY)
#define WED CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY)
#define THU CRN_WEEKDAY_BIT (G_DATE_THURSDAY)
#define FRI CRN_WEEKDAY_BIT (G_DATE_FRIDAY)
#define SAT CRN_WEEKDAY_BIT (G_DATE_SATURDAY)
#define SUN CRN_WEEKDAY_BIT (G_DATE_SUNDAY)

#define HM(h, m) ((guint) ((h) * 60 + (m)))

/* A GDate on the stack */
GDate             test_date       (guint year, guint month, guint day);
/* An instant from UTC fields, computed by GLib alone (independent of crn-time) */
CrnInstant        test_utc        (int year, int month, int day, int hour, int minute);
/* "2026-03-27 16:00" for an instant, Europe/Paris, computed by GLib alone */
char             *test_paris      (CrnInstant instant);
CrnTemplateBlock *test_block      (const char *id, guint weekdays, guint start, guint end,
                                   guint slot_minutes, guint n_patients);
CrnTemplateException *test_absence (const char *id, CrnInstant start, CrnInstant end);
CrnTemplateException *test_extra  (const char *id, CrnInstant start, CrnInstant end,
                                   guint slot_minutes, guint n_patients);
CrnSlot          *test_slot       (const char *id, CrnInstant start, guint minutes,
                                   CrnVisibility visibility);

G_END_DECLS
