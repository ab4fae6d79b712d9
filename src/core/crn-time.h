/* crn-time.h: instants, Europe/Paris wall-clock time, ISO 8601
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-types.h"

G_BEGIN_DECLS

/* The time zone every rule of the domain is computed in (shared, never freed). */
GTimeZone  *crn_time_zone_paris          (void);

/* The current instant; tests may freeze it with crn_time_set_now_for_testing(). */
CrnInstant  crn_time_now                 (void);
void        crn_time_set_now_for_testing (CrnInstant  now);   /* 0 = real clock again */

/* Local (Europe/Paris) date + minutes since local midnight -> instant. A wall-clock time that
 * does not exist (spring-forward gap) maps to the first valid instant after it; an ambiguous
 * one (autumn fall-back) maps to the first occurrence. */
CrnInstant  crn_time_from_local          (const GDate *date,
                                          guint        minute_of_day);
/* Instant -> local date, minute of day (0..1439) and ISO weekday (1 = Monday). Any out
 * parameter may be NULL. */
void        crn_time_to_local            (CrnInstant   instant,
                                          GDate       *date,
                                          guint       *minute_of_day,
                                          GDateWeekday *weekday);

/* ISO 8601 with milliseconds and the Europe/Paris offset: 2026-12-01T14:00:00.000+01:00 */
char       *crn_time_format_iso          (CrnInstant   instant);
/* Parses an ISO 8601 date-time with an offset or Z (fractional seconds accepted). A date
 * alone ("2026-12-01") is read as local midnight in Europe/Paris. */
gboolean    crn_time_parse_iso           (const char  *text,
                                          CrnInstant  *out,
                                          GError     **error);

/* Minutes of day <-> "HH:MM" */
char       *crn_time_format_minutes      (guint        minute_of_day);
gboolean    crn_time_parse_minutes       (const char  *text,
                                          guint       *out);

/* A random RFC 4122 version 4 UUID (client-generated identifiers). */
char       *crn_uuid_new                 (void);
/* A name-based UUID (SHA-1, version 5 layout) so that re-expanding the same template gives
 * the same identifiers. */
char       *crn_uuid_from_name           (const char  *name);
gboolean    crn_uuid_is_valid            (const char  *text);

G_END_DECLS
