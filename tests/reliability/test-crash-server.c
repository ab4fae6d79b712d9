/* test-crash-server.c: kill -9 of the real creneaux-server during a burst of bookings
 *
 * Each trial starts a server on a fresh folder, sends a burst of bookings at once (among
 * them a second booking of slots already in the burst, which must fail), kills the process
 * with SIGKILL after a random number of answers, starts it again on the same folder and
 * checks: the database passes PRAGMA integrity_check, every booking that got a 201 is
 * there, none that got an error answer is, no slot is held twice. Requests cut by the kill
 * may or may not have landed: both are counted.
 *
 *   test-crash-server [--trials N] [--seed S]      (default 3 trials, a random seed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rel-util.h"

#define GP_A     "899700100011"
#define PLACE_A  "cabinet-tilleuls"
#define REG      (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
#define N_BLOCKS 4                    /* 32 slots */
#define N_DOUBLE 8                    /* slots booked twice in the burst */

static guint trials = 3;
static guint64 seed;

typedef struct
{
  char    *id;          /* the booking's UUID */
  char    *slot;
  guint    status;      /* 0: no answer (cut by the kill) */
  gboolean done;
} Sent;

typedef struct
{
  CrnTestServer *server;
  GPtrArray     *sent;
  guint          answered;
  guint          finished;
  guint          kill_after;
  gboolean       killed;
} Burst;

static void
sent_free (Sent *s)
{
  g_free (s->id);
  g_free (s->slot);
  g_free (s);
}

typedef struct
{
  Burst *burst;
  Sent  *sent;
} Pending;

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  if (body != NULL)
    {
      p->sent->status = soup_message_get_status (msg);
      p->burst->answered++;
    }
  p->sent->done = TRUE;
  p->burst->finished++;
  if (!p->burst->killed && p->burst->answered >= p->burst->kill_after)
    {
      /* No goodbye: the process dies with requests in flight. */
      crn_test_server_kill (p->burst->server);
      p->burst->killed = TRUE;
    }
  g_free (p);
}

static void
run_trial (guint   trial,
           GRand  *rand)
{
  CrnTestServer *server = crn_test_server_start (NULL);
  g_autofree char *data_dir = g_strdup (server->data_dir);
  g_autofree char *reg = crn_test_server_token (server,
                                                crn_test_server_login_for (server, "regulator"),
                                                NULL);
  g_autofree char *coord = crn_test_server_token (server,
                                                  crn_test_server_login_for (server,
                                                                             "coordinator"),
                                                  NULL);
  g_autofree char *doc = crn_test_server_token (server, "dr.morel", NULL);
  g_autoptr(CrnTemplate) agenda = crn_template_new (GP_A, PLACE_A);
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func (g_object_unref);
  Burst burst = { 0 };
  CrnTestServer *again;
  g_autofree char *reg2 = NULL;
  g_autofree char *integrity = NULL;
  guint created = 0, refused = 0, cut = 0, cut_landed = 0;

  g_free (agenda->id);
  agenda->id = crn_uuid_new ();
  crn_test_put_policy (server, coord, 0, 0, 0, FALSE);
  rel_add_slots (server, doc, agenda, N_BLOCKS, 150, REG, slots, starts);
  g_assert_cmpuint (slots->len, >=, N_DOUBLE);

  burst.server = server;
  burst.sent = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_free);
  /* One booking per slot, plus a second one for N_DOUBLE of them, in a shuffled order. */
  for (guint i = 0; i < slots->len + N_DOUBLE; i++)
    {
      Sent *s = g_new0 (Sent, 1);

      s->id = crn_uuid_new ();
      s->slot = g_strdup (g_ptr_array_index (slots, i % slots->len));
      g_ptr_array_add (burst.sent, s);
    }
  for (guint i = burst.sent->len - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gpointer tmp = burst.sent->pdata[i];

      burst.sent->pdata[i] = burst.sent->pdata[j];
      burst.sent->pdata[j] = tmp;
    }
  burst.kill_after = g_rand_int_range (rand, 1, burst.sent->len);

  for (guint i = 0; i < burst.sent->len; i++)
    {
      Sent *s = g_ptr_array_index (burst.sent, i);
      guint k;
      g_autofree char *body = NULL;
      SoupMessage *msg;
      Pending *p = g_new0 (Pending, 1);
      gint64 start = 0;

      for (k = 0; k < slots->len; k++)
        if (g_str_equal (g_ptr_array_index (slots, k), s->slot))
          start = g_array_index (starts, gint64, k);
      body = crn_test_appointment_body (s->id, s->slot, GP_A, start, NULL);
      msg = crn_test_message_new (server, "POST", "/fhir/Appointment", reg, NULL, body, -1);
      g_ptr_array_add (msgs, msg);
      p->burst = &burst;
      p->sent = s;
      soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        answered_cb, p);
    }
  while (burst.finished < burst.sent->len)
    g_main_context_iteration (NULL, TRUE);
  if (!burst.killed)
    crn_test_server_kill (server);
  g_clear_pointer (&server->data_dir, g_free);
  crn_test_server_free (server);

  again = crn_test_server_start (data_dir);
  integrity = rel_db_integrity (again);
  g_assert_cmpstr (integrity, ==, "ok");
  /* The partial unique index holds: no slot has two live bookings. */
  g_assert_cmpint (rel_db_count (again, "SELECT count(*) FROM (SELECT slot_id FROM bookings "
                                        "WHERE slot_id IS NOT NULL AND status NOT IN (5, 7) "
                                        "GROUP BY slot_id HAVING count(*) > 1)"), ==, 0);
  reg2 = crn_test_server_token (again, crn_test_server_login_for (again, "regulator"), NULL);
  for (guint i = 0; i < burst.sent->len; i++)
    {
      Sent *s = g_ptr_array_index (burst.sent, i);
      g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", s->id);
      g_autoptr(CrnTestResponse) r = crn_test_request (again, "GET", path, reg2, NULL, NULL);

      g_assert_true (r->status == 200 || r->status == 404);
      if (s->status == 201)
        {
          if (r->status != 200)
            g_error ("trial %u: booking %s got a 201 before the kill and is gone", trial,
                     s->id);
          g_assert_cmpstr (crn_test_json_string (r->json, "status"), ==, "booked");
          created++;
        }
      else if (s->status != 0)
        {
          if (r->status != 404)
            g_error ("trial %u: booking %s got a %u before the kill and is there", trial,
                     s->id, s->status);
          g_assert_cmpuint (s->status, >=, 400);
          refused++;
        }
      else
        {
          cut++;
          cut_landed += r->status == 200;
        }
    }
  g_test_message ("trial %u: killed after %u answers: %u created (all there), %u refused "
                  "(none there), %u cut by the kill (%u landed)", trial, burst.kill_after,
                  created, refused, cut, cut_landed);
  g_assert_cmpuint (created + refused + cut, ==, burst.sent->len);
  g_ptr_array_unref (burst.sent);
  crn_test_server_free (again);
}

static void
test_kill_during_burst (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);

  for (guint t = 0; t < trials; t++)
    run_trial (t, rand);
  g_test_message ("%u trials, seed %" G_GUINT64_FORMAT ": no acknowledged booking lost, no "
                  "refused booking stored", trials, seed);
}

int
main (int   argc,
      char *argv[])
{
  seed = rel_test_init (&argc, &argv, "trials", "Trials (default 3)", &trials);
  g_test_add_func ("/reliability/crash/server-kill-during-burst", test_kill_during_burst);
  return g_test_run ();
}
