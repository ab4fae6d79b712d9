/* crn-backoff.h: exponential backoff with jitter for retries and reconnections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CrnBackoff:
 * @base_ms: the first delay
 * @max_ms: the longest delay
 * @attempt: failures so far (0 after a success)
 * @rand: (nullable): random source; %NULL uses g_random_*()
 *
 * Delays grow as base × 2^attempt up to max, and each is drawn uniformly in [d/2, d]
 * ("equal jitter"), so that many apps reconnecting after a server restart spread out.
 */
typedef struct
{
  guint  base_ms;
  guint  max_ms;
  guint  attempt;
  GRand *rand;
} CrnBackoff;

void  crn_backoff_init       (CrnBackoff *self,
                              guint       base_ms,
                              guint       max_ms);
void  crn_backoff_clear      (CrnBackoff *self);
/* The ceiling of the next delay, without jitter. */
guint crn_backoff_peek_ceiling (const CrnBackoff *self);
/* The next delay (jittered); counts one more attempt. */
guint crn_backoff_next_delay (CrnBackoff *self);
void  crn_backoff_reset      (CrnBackoff *self);

G_END_DECLS
