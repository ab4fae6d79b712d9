/* crn-backoff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include "crn-backoff.h"

/**
 * crn_backoff_init:
 * @self: a backoff
 * @base_ms: first delay (at least 1)
 * @max_ms: longest delay (at least @base_ms)
 */
void
crn_backoff_init (CrnBackoff *self,
                  guint       base_ms,
                  guint       max_ms)
{
  self->base_ms = MAX (base_ms, 1);
  self->max_ms = MAX (max_ms, self->base_ms);
  self->attempt = 0;
  self->rand = NULL;
}

/**
 * crn_backoff_clear:
 * @self: a backoff
 *
 * Frees the random source if one was set.
 */
void
crn_backoff_clear (CrnBackoff *self)
{
  g_clear_pointer (&self->rand, g_rand_free);
}

/**
 * crn_backoff_peek_ceiling:
 * @self: a backoff
 *
 * Returns: min (max, base × 2^attempt), in ms
 */
guint
crn_backoff_peek_ceiling (const CrnBackoff *self)
{
  guint64 delay = self->base_ms;

  for (guint i = 0; i < self->attempt && delay < self->max_ms; i++)
    delay *= 2;
  return (guint) MIN (delay, (guint64) self->max_ms);
}

/**
 * crn_backoff_next_delay:
 * @self: a backoff
 *
 * Returns: a delay in ms drawn in [ceiling/2, ceiling]
 */
guint
crn_backoff_next_delay (CrnBackoff *self)
{
  guint ceiling = crn_backoff_peek_ceiling (self);
  guint low = ceiling / 2;
  guint delay;

  if (self->rand != NULL)
    delay = (guint) g_rand_int_range (self->rand, (gint32) low, (gint32) ceiling + 1);
  else
    delay = (guint) g_random_int_range ((gint32) low, (gint32) ceiling + 1);

  if (self->attempt < 32)
    self->attempt++;
  return delay;
}

/**
 * crn_backoff_reset:
 * @self: a backoff
 *
 * Back to the first delay, after a success.
 */
void
crn_backoff_reset (CrnBackoff *self)
{
  self->attempt = 0;
}
