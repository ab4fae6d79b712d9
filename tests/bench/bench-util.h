/* bench-util.h: timing and the `BENCH {json}` lines shared by the harness's programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double  bench_now_ms           (void);
double  bench_percentile       (GArray     *sorted,
                                double      fraction);
void    bench_print_latencies  (const char *id,
                                GArray     *samples_ms,
                                double      per_second,
                                const char *extra_json);

G_END_DECLS
