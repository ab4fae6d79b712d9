/* bench-util.c: timing and the `BENCH {json}` lines shared by the harness's programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every figure leaves a program as one line `BENCH {json}` on stdout, which
 * tests/bench/bench.py reads; the other lines are for people.
 */
#include "config.h"

#include "bench-util.h"

#include <math.h>
#include <stdio.h>

/**
 * bench_now_ms:
 *
 * Returns: the monotonic clock in milliseconds
 */
double
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * bench_percentile:
 * @sorted: (element-type double): samples sorted in increasing order, not empty
 * @fraction: 0.5 for the median, 0.99 for p99
 *
 * Returns: the nearest-rank percentile of @sorted
 */
double
bench_percentile (GArray *sorted,
                  double  fraction)
{
  guint rank = (guint) ceil (fraction * sorted->len);

  g_return_val_if_fail (sorted->len > 0, 0);

  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, double, rank - 1);
}

/**
 * bench_print_latencies:
 * @id: the measure's identifier, e.g. "baseline.hello"
 * @samples_ms: (element-type double): the samples, in milliseconds; sorted in place
 * @per_second: operations per second, or 0 when it means nothing here
 * @extra_json: (nullable): more members for the JSON object, e.g. `"clients":32`
 *
 * Prints one `BENCH {json}` line with n, min, p50, p95, p99, max and mean, and a line for
 * people.
 */
void
bench_print_latencies (const char *id,
                       GArray     *samples_ms,
                       double      per_second,
                       const char *extra_json)
{
  double sum = 0;
  char rate[64] = "";

  g_return_if_fail (samples_ms->len > 0);

  g_array_sort (samples_ms, compare_double);
  for (guint i = 0; i < samples_ms->len; i++)
    sum += g_array_index (samples_ms, double, i);
  if (per_second > 0)
    g_snprintf (rate, sizeof rate, ",\"per_s\":%.1f", per_second);

  printf ("  %-26s n %5u  p50 %8.3f ms  p95 %8.3f  p99 %8.3f  max %8.3f\n", id,
          samples_ms->len, bench_percentile (samples_ms, 0.5),
          bench_percentile (samples_ms, 0.95), bench_percentile (samples_ms, 0.99),
          g_array_index (samples_ms, double, samples_ms->len - 1));
  if (per_second > 0)
    printf ("  %-26s %.0f per second\n", "", per_second);
  printf ("BENCH {\"id\":\"%s\",\"n\":%u,\"min_ms\":%.4f,\"p50_ms\":%.4f,\"p95_ms\":%.4f,"
          "\"p99_ms\":%.4f,\"max_ms\":%.4f,\"mean_ms\":%.4f%s%s%s}\n",
          id, samples_ms->len, g_array_index (samples_ms, double, 0),
          bench_percentile (samples_ms, 0.5), bench_percentile (samples_ms, 0.95),
          bench_percentile (samples_ms, 0.99),
          g_array_index (samples_ms, double, samples_ms->len - 1), sum / samples_ms->len, rate,
          extra_json ? "," : "", extra_json ? extra_json : "");
  fflush (stdout);
}
