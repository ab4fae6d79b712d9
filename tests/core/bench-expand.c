/* bench-expand.c: how long expanding a year of templates takes for a 10-GP territory
 *
 * Expands 52 weeks of realistic templates for 10 GPs, several times, and prints the median
 * time and slots per second beside a baseline measured in the same run: allocating, filling
 * and freeing the same number of CrnSlot structs (ids and strings included). The ratio is
 * what to compare between machines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>

#include "crn-test-util.h"

#define N_GPS    10
#define N_RUNS   9

static CrnTemplate *
make_template (guint gp)
{
  g_autofree char *idnps = g_strdup_printf ("8997001234%02u", gp);
  CrnTemplate *t = crn_template_new (idnps, TEST_PLACE);
  GDate d;

  switch (gp % 5)
    {
    case 0: /* Friday 16:00–18:00, 20 min */
      crn_template_add_block (t, test_block ("fri", FRI, HM (16, 0), HM (18, 0), 20, 0));
      break;
    case 1: /* Mon Tue Thu Fri 14:00–15:00 and Wed 18:00–19:00 */
      crn_template_add_block (t, test_block ("pm", MON | TUE | THU | FRI, HM (14, 0), HM (15, 0), 20, 0));
      crn_template_add_block (t, test_block ("wed", WED, HM (18, 0), HM (19, 0), 20, 0));
      break;
    case 2: /* Mon–Thu 11:45–12:15 (3) and 18:00–18:44 (4 × 11 min) */
      crn_template_add_block (t, test_block ("lunch", MON | TUE | WED | THU, HM (11, 45), HM (12, 15), 0, 3));
      crn_template_add_block (t, test_block ("eve", MON | TUE | WED | THU, HM (18, 0), HM (18, 44), 0, 4));
      break;
    case 3: /* Wed 09:00–12:00, Mon 12:00–12:30 and 14:00–14:30, children at 17:00 */
      crn_template_add_block (t, test_block ("wed-am", WED, HM (9, 0), HM (12, 0), 15, 0));
      crn_template_add_block (t, test_block ("mon-noon", MON, HM (12, 0), HM (12, 30), 0, 1));
      crn_template_add_block (t, test_block ("mon-pm", MON, HM (14, 0), HM (14, 30), 0, 1));
      crn_template_add_block (t, test_block ("kids", TUE | THU, HM (17, 0), HM (17, 20), 0, 1));
      break;
    case 4: /* seaside: summer evenings and Saturday mornings, a small winter block */
    default:
      {
        CrnTemplateBlock *b = test_block ("summer", MON | TUE | WED | THU | FRI, HM (17, 0),
                                          HM (19, 0), 20, 0);

        b->months = (1 << 6) | (1 << 7);
        crn_template_add_block (t, b);
        b = test_block ("sat", SAT, HM (9, 0), HM (12, 0), 15, 0);
        b->months = (1 << 6) | (1 << 7);
        crn_template_add_block (t, b);
        crn_template_add_block (t, test_block ("winter", TUE, HM (8, 0), HM (9, 0), 15, 0));
      }
      break;
    }

  /* two weeks of holidays and a one-off extra block for everyone */
  d = test_date (2026, 8, 3);
  {
    GDate end = test_date (2026, 8, 17);

    crn_template_add_exception (t, test_absence ("hol", crn_time_from_local (&d, 0),
                                                 crn_time_from_local (&end, 0)));
  }
  d = test_date (2026, 12, 26);
  crn_template_add_exception (t, test_extra ("extra", crn_time_from_local (&d, HM (9, 0)),
                                             crn_time_from_local (&d, HM (11, 0)), 20, 0));
  return t;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  CrnTemplate *templates[N_GPS];
  GDate from = test_date (2026, 1, 5);     /* Monday of ISO week 2 */
  GDate to = test_date (2027, 1, 3);       /* 52 weeks later, a Sunday */
  double expand_s[N_RUNS], alloc_s[N_RUNS];
  guint total = 0;
  double t_expand, t_alloc;

  for (guint i = 0; i < N_GPS; i++)
    templates[i] = make_template (i);

  for (guint run = 0; run < N_RUNS; run++)
    {
      gint64 t0, t1;
      guint n = 0;

      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < N_GPS; i++)
        {
          GPtrArray *slots = crn_template_expand (templates[i], &from, &to);

          n += slots->len;
          g_ptr_array_unref (slots);
        }
      t1 = g_get_monotonic_time ();
      expand_s[run] = (double) (t1 - t0) / G_USEC_PER_SEC;
      total = n;

      /* baseline: the same number of slots, allocated, filled and freed */
      t0 = g_get_monotonic_time ();
      {
        GPtrArray *slots = g_ptr_array_new_full (n, (GDestroyNotify) crn_slot_free);

        for (guint k = 0; k < n; k++)
          {
            CrnSlot *s = crn_slot_new ();

            s->id = crn_uuid_new ();
            s->practitioner = g_strdup (TEST_IDNPS);
            s->place_id = g_strdup (TEST_PLACE);
            s->template_block_id = g_strdup ("blk");
            s->start = 1780000000 + (CrnInstant) k * 1200;
            s->end = s->start + 1200;
            g_ptr_array_add (slots, s);
          }
        g_ptr_array_unref (slots);
      }
      t1 = g_get_monotonic_time ();
      alloc_s[run] = (double) (t1 - t0) / G_USEC_PER_SEC;
    }

  t_expand = median (expand_s, N_RUNS);
  t_alloc = median (alloc_s, N_RUNS);

  printf ("expand: %u GPs x 52 weeks = %u slots per run, %d runs\n", N_GPS, total, N_RUNS);
  printf ("expand median:   %.3f ms  (%.0f slots/s)\n", t_expand * 1000, total / t_expand);
  printf ("baseline median: %.3f ms  (%.0f slots/s)  [allocate+fill+free the same slots]\n",
          t_alloc * 1000, total / t_alloc);
  printf ("ratio expand/baseline: %.2f\n", t_expand / t_alloc);

  for (guint i = 0; i < N_GPS; i++)
    crn_template_free (templates[i]);
  return total > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
