/* test-authz.c: the authorization matrix, every role × every resource × every action,
 * against the real creneaux-server
 *
 * The expected answers are the table of docs/RELIABILITY.md (between the
 * "authz-matrix:begin" and "authz-matrix:end" comments): the test reads that table, so the
 * document and the test cannot disagree. "allow" means a 2xx and, for reads and searches,
 * the target in the answer; "deny" means a 401, 403 or 404 (or, for a search, a 200
 * without the target). Anything else (a 5xx, a 400, a 409…) fails the test.
 * CRN_AUTHZ_PRINT=1 prints the matrix the server actually gives, in the same format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rel-util.h"

#define GP_A     "899700100011"       /* Dr Morel, cabinet des Tilleuls */
#define PLACE_A  "cabinet-tilleuls"
#define REG      (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)

static CrnTestServer *server;
static CrnTemplate *agenda;

/* The columns of the table, in order. */
static const char *roles[] = {
  "anonymous", "practitioner", "other practitioner", "secretary", "regulator", "pharmacy",
  "coordinator",
};
static char *tokens[G_N_ELEMENTS (roles)];

/* Targets, all in Dr Morel's agenda. */
static char *slot_reg;      /* free, open to regulation (SNP, CPTS) */
static char *slot_pro;      /* free, open to professionals (PRO) */
static char *slot_own;      /* free, kept for the practice's own patients */
static char *booking_reg;   /* booked by the regulator */
static char *booking_pha;   /* booked by the pharmacy */
static GPtrArray *near_pool;   /* free REG slots starting within the reclaim window */
static GPtrArray *far_pool;    /* free REG slots hours ahead (id, start) */
static GArray *far_starts;
static GArray *near_starts;

typedef gboolean (*ActionFunc) (guint role);

/* ---------------------------------------------------------------------------------- */

/* 2xx: TRUE; 401/403/404: FALSE; anything else fails. */
static gboolean
verdict (const char      *what,
         guint            role,
         CrnTestResponse *r)
{
  if (r->status >= 200 && r->status < 300)
    return TRUE;
  if (r->status == 401 || r->status == 403 || r->status == 404)
    return FALSE;
  g_error ("%s as %s: answered %u (neither allowed nor refused for rights): %.300s", what,
           roles[role], r->status, r->body);
}

static CrnTestResponse *
get (guint       role,
     const char *path)
{
  return crn_test_request (server, "GET", path, tokens[role], NULL, NULL);
}

static gboolean
get_contains (const char *what,
              guint       role,
              const char *path,
              const char *needle)
{
  g_autoptr(CrnTestResponse) r = get (role, path);

  return verdict (what, role, r) && strstr (r->body, needle) != NULL;
}

static GHashTable *slot_lengths;   /* slot id -> minutes */

static guint
slot_minutes (const char *slot)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (slot_lengths, slot));
}

static char *
take (GPtrArray *pool,
      gint64    *start)
{
  GArray *starts = pool == near_pool ? near_starts : far_starts;

  g_assert_cmpuint (pool->len, >, 0);
  if (start != NULL)
    *start = g_array_index (starts, gint64, starts->len - 1);
  g_array_set_size (starts, starts->len - 1);
  return g_ptr_array_steal_index (pool, pool->len - 1);
}

static char *
book_as (guint       role,
         const char *slot,
         gint64      start,
         guint      *status)
{
  g_autofree char *text = crn_test_appointment_body (NULL, slot, GP_A, start, NULL);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autofree char *end = crn_fhir_format_instant_ms ((start + slot_minutes (slot) * 60) * 1000);
  g_autofree char *end_json = g_strdup_printf ("\"%s\"", end);
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) r = NULL;

  /* The booking's end is its slot's. */
  rel_json_set (node, "end", end_json);
  rel_json_set (node, "minutesDuration", NULL);
  body = json_to_string (node, FALSE);
  r = crn_test_request (server, "POST", "/fhir/Appointment", tokens[role], body, NULL);

  *status = r->status;
  if (r->status != 201)
    {
      if (r->status != 401 && r->status != 403 && r->status != 404)
        g_error ("Booking as %s: answered %u: %.300s", roles[role], r->status, r->body);
      return NULL;
    }
  return g_strdup (crn_test_json_string (r->json, "id"));
}

static guint
role_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (roles[i], name))
      return i;
  g_assert_not_reached ();
}

/* Actions ------------------------------------------------------------------------- */

static gboolean
slot_search (guint role)
{
  return get_contains ("slot.search", role, "/fhir/Slot?actor=Practitioner/pract-" GP_A
                       "&status=free&_count=1000", slot_reg);
}

static gboolean
slot_search_pro (guint role)
{
  return get_contains ("slot.search-pro", role, "/fhir/Slot?actor=Practitioner/pract-" GP_A
                       "&status=free&_count=1000", slot_pro);
}

static gboolean
slot_search_own (guint role)
{
  return get_contains ("slot.search-own", role, "/fhir/Slot?actor=Practitioner/pract-" GP_A
                       "&status=free&_count=1000", slot_own);
}

static gboolean
slot_read (guint role)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot_reg);

  return get_contains ("slot.read", role, path, slot_reg);
}

static gboolean
slot_read_own (guint role)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot_own);

  return get_contains ("slot.read-own", role, path, slot_own);
}

/* Reclaim: remove the SNP/CPTS labels of a free slot starting within the reclaim window. */
static gboolean
slot_reclaim (guint role)
{
  g_autofree char *slot = take (near_pool, NULL);
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot);
  g_autoptr(CrnTestResponse) current = get (role_index ("practitioner"), path);
  g_autoptr(CrnTestResponse) r = NULL;
  g_autoptr(CrnTestResponse) after = NULL;
  g_autofree char *body = NULL;
  JsonObject *meta;
  gboolean allowed;

  g_assert_cmpuint (current->status, ==, 200);
  meta = json_object_get_object_member (json_node_get_object (current->json), "meta");
  json_object_remove_member (meta, "security");
  body = crn_test_to_string (current->json);
  r = crn_test_request (server, "PUT", path, tokens[role], body, "If-Match",
                        soup_message_headers_get_one (current->headers, "ETag"), NULL);
  allowed = verdict ("slot.reclaim", role, r);
  /* A refusal changed nothing. */
  after = get (role_index ("practitioner"), path);
  if (!allowed)
    g_assert_cmpstr (crn_test_json_string (after->json, "meta.versionId"), ==,
                     crn_test_json_string (current->json, "meta.versionId"));
  return allowed;
}

/* On a slot within the reclaim window: a practice booking its own SNP slot reclaims it. */
static gboolean
appointment_create (guint role)
{
  gint64 start;
  g_autofree char *slot = take (near_pool, &start);
  guint status;
  g_autofree char *id = book_as (role, slot, start, &status);
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot);
  g_autoptr(CrnTestResponse) after = get (role_index ("practitioner"), path);

  if (id != NULL)
    {
      g_assert_cmpstr (crn_test_json_string (after->json, "status"), !=, "free");
      return TRUE;
    }
  if (status != 401 && status != 403 && status != 404)
    g_error ("appointment.create as %s: answered %u", roles[role], status);
  g_assert_cmpstr (crn_test_json_string (after->json, "status"), ==, "free");
  return FALSE;
}

static gboolean
appointment_read (guint role)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", booking_reg);

  return get_contains ("appointment.read", role, path, booking_reg);
}

static gboolean
appointment_read_pharmacy (guint role)
{
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", booking_pha);

  return get_contains ("appointment.read-pharmacy", role, path, booking_pha);
}

static gboolean
appointment_search (guint role)
{
  return get_contains ("appointment.search", role, "/fhir/Appointment?_count=1000",
                       booking_reg);
}

/* The apps' delta pull: one search of the whole server (`GET /fhir?_type=…`), every page
 * (following next) searched for `"id":"<id>"`, so that a reference to the target does not
 * count. */
static gboolean
system_search_contains (const char *what,
                        guint       role,
                        const char *id)
{
  g_autofree char *needle = g_strdup_printf ("\"id\":\"%s\"", id);
  g_autofree char *path = g_strdup ("/fhir?_type=Schedule,Slot,Appointment"
                                    "&_sort=_lastUpdated&_count=200");

  for (guint page = 0; path != NULL && page < 100; page++)
    {
      g_autoptr(CrnTestResponse) r = get (role, path);
      const char *next, *end;

      if (!verdict (what, role, r))
        return FALSE;
      if (strstr (r->body, needle) != NULL)
        return TRUE;
      g_clear_pointer (&path, g_free);
      next = strstr (r->body, "\"relation\":\"next\",\"url\":\"");
      if (next == NULL)
        break;
      next += strlen ("\"relation\":\"next\",\"url\":\"");
      end = strchr (next, '"');
      g_assert_nonnull (end);
      g_assert_true (g_str_has_prefix (next, server->base));
      path = g_strndup (next + strlen (server->base), end - next - strlen (server->base));
    }
  return FALSE;
}

static gboolean
system_search (guint role)
{
  return system_search_contains ("system.search", role, slot_reg);
}

static gboolean
system_search_own (guint role)
{
  return system_search_contains ("system.search-own", role, slot_own);
}

static gboolean
system_search_schedule (guint role)
{
  return system_search_contains ("system.search-schedule", role, "sched-" GP_A "-" PLACE_A);
}

static gboolean
system_search_appointment (guint role)
{
  return system_search_contains ("system.search-appointment", role, booking_reg);
}

/* Cancel a booking the regulator made. */
static gboolean
appointment_cancel (guint role)
{
  gint64 start;
  g_autofree char *slot = take (far_pool, &start);
  guint status;
  g_autofree char *id = book_as (role_index ("regulator"), slot, start, &status);
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", id);
  g_autoptr(CrnTestResponse) current = get (role_index ("regulator"), path);
  g_autoptr(CrnTestResponse) r = NULL;
  g_autoptr(CrnTestResponse) after = NULL;
  g_autofree char *body = NULL;
  gboolean allowed;

  g_assert_nonnull (id);
  json_object_set_string_member (json_node_get_object (current->json), "status", "cancelled");
  body = crn_test_to_string (current->json);
  r = crn_test_request (server, "PUT", path, tokens[role], body, "If-Match", "W/\"1\"", NULL);
  allowed = verdict ("appointment.cancel", role, r);
  after = get (role_index ("regulator"), path);
  g_assert_cmpstr (crn_test_json_string (after->json, "status"), ==,
                   allowed ? "cancelled" : "booked");
  return allowed;
}

static gboolean
schedule_read (guint role)
{
  return get_contains ("schedule.read", role, "/fhir/Schedule/sched-" GP_A "-" PLACE_A,
                       "sched-" GP_A);
}

static gboolean
schedule_update (guint role)
{
  g_autoptr(CrnTestResponse) current = get (role_index ("practitioner"),
                                            "/fhir/Schedule/sched-" GP_A "-" PLACE_A);
  g_autoptr(CrnTestResponse) r = NULL;
  g_autoptr(CrnTestResponse) after = NULL;
  g_autofree char *body = crn_test_to_string (current->json);
  gboolean allowed;

  r = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, tokens[role],
                        body, "If-Match", soup_message_headers_get_one (current->headers, "ETag"),
                        NULL);
  allowed = verdict ("schedule.update", role, r);
  after = get (role_index ("practitioner"), "/fhir/Schedule/sched-" GP_A "-" PLACE_A);
  if (!allowed)
    g_assert_cmpstr (crn_test_json_string (after->json, "meta.versionId"), ==,
                     crn_test_json_string (current->json, "meta.versionId"));
  return allowed;
}

static gboolean
policy_read (guint role)
{
  return get_contains ("policy.read", role, "/fhir/Parameters/policy", "Parameters");
}

static gboolean
policy_update (guint role)
{
  g_autoptr(CrnTestResponse) current = get (role_index ("coordinator"), "/fhir/Parameters/policy");
  g_autofree char *body = crn_test_to_string (current->json);
  g_autoptr(CrnTestResponse) r = crn_test_request (server, "PUT", "/fhir/Parameters/policy",
                                                   tokens[role], body, NULL);

  return verdict ("policy.update", role, r);
}

static gboolean
directory_read (guint role)
{
  return get_contains ("directory.read", role, "/fhir/Practitioner/pract-" GP_A, GP_A);
}

static gboolean
report_read (guint role)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *path = g_date_time_format (now, "/reports/monthly?month=%Y-%m&format=json");
  g_autoptr(CrnTestResponse) r = get (role, path);

  return verdict ("report.read", role, r);
}

typedef struct
{
  const char *id;
  ActionFunc  func;
} Action;

static const Action actions[] = {
  { "slot.search", slot_search },
  { "slot.search-pro", slot_search_pro },
  { "slot.search-own", slot_search_own },
  { "slot.read", slot_read },
  { "slot.read-own", slot_read_own },
  { "slot.reclaim", slot_reclaim },
  { "appointment.create", appointment_create },
  { "appointment.read", appointment_read },
  { "appointment.read-pharmacy", appointment_read_pharmacy },
  { "appointment.search", appointment_search },
  { "system.search", system_search },
  { "system.search-own", system_search_own },
  { "system.search-schedule", system_search_schedule },
  { "system.search-appointment", system_search_appointment },
  { "appointment.cancel", appointment_cancel },
  { "schedule.read", schedule_read },
  { "schedule.update", schedule_update },
  { "policy.read", policy_read },
  { "policy.update", policy_update },
  { "directory.read", directory_read },
  { "report.read", report_read },
};

/* The table ------------------------------------------------------------------------ */

typedef struct
{
  char     *id;
  gboolean  allow[G_N_ELEMENTS (roles)];
} Row;

static void
row_free (Row *row)
{
  g_free (row->id);
  g_free (row);
}

static char *
strip_cell (const char *cell)
{
  g_autofree char *s = g_strstrip (g_strdup (cell));
  gsize len = strlen (s);

  if (len >= 2 && s[0] == '`' && s[len - 1] == '`')
    return g_strndup (s + 1, len - 2);
  return g_steal_pointer (&s);
}

/* Rows "| `id` | what | allow | deny | … |" between the two markers. */
static GPtrArray *
read_table (void)
{
  const char *path = g_getenv ("CRN_RELIABILITY_DOC");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  gboolean inside = FALSE, header = FALSE;

  g_assert_nonnull (path);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = NULL;
      Row *row;

      if (strstr (lines[i], "authz-matrix:begin") != NULL)
        {
          inside = TRUE;
          continue;
        }
      if (strstr (lines[i], "authz-matrix:end") != NULL)
        break;
      if (!inside || !g_str_has_prefix (lines[i], "|"))
        continue;
      cells = g_strsplit (lines[i], "|", -1);
      /* "", id, what, 7 roles, "" */
      if (g_strv_length (cells) != 4 + G_N_ELEMENTS (roles))
        g_error ("%s: the matrix row “%s” has %u cells, not %u", path, lines[i],
                 g_strv_length (cells) - 2, (guint) (2 + G_N_ELEMENTS (roles)));
      if (!header)
        {
          /* The header names the roles in the test's order. */
          for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
            {
              g_autofree char *name = strip_cell (cells[3 + r]);

              g_assert_cmpstr (name, ==, roles[r]);
            }
          header = TRUE;
          continue;
        }
      if (g_str_has_prefix (g_strstrip (cells[1]), "---"))
        continue;
      row = g_new0 (Row, 1);
      row->id = strip_cell (cells[1]);
      for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
        {
          g_autofree char *value = strip_cell (cells[3 + r]);

          if (g_str_equal (value, "allow"))
            row->allow[r] = TRUE;
          else if (g_str_equal (value, "deny"))
            row->allow[r] = FALSE;
          else
            g_error ("%s: “%s” for %s/%s: write allow or deny", path, value, row->id, roles[r]);
        }
      g_ptr_array_add (rows, row);
    }
  g_assert_true (header);
  return rows;
}

static void
test_matrix (void)
{
  g_autoptr(GPtrArray) rows = read_table ();
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autoptr(GString) actual = g_string_new (NULL);
  guint checked = 0;

  /* Every action of the test is in the table, and the other way round. */
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (actions));
  for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
    {
      const Action *action = &actions[a];
      Row *row = NULL;

      for (guint i = 0; i < rows->len; i++)
        if (g_str_equal (((Row *) g_ptr_array_index (rows, i))->id, action->id))
          row = g_ptr_array_index (rows, i);
      if (row == NULL)
        g_error ("The action %s is not in the matrix of docs/RELIABILITY.md", action->id);

      g_string_append_printf (actual, "| `%s` |", action->id);
      for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
        {
          gboolean allowed = action->func (r);

          g_string_append_printf (actual, " %s |", allowed ? "allow" : "deny");
          if (allowed != row->allow[r])
            g_string_append_printf (failures, "%s as %s: %s, the matrix says %s\n", action->id,
                                    roles[r], allowed ? "allowed" : "denied",
                                    row->allow[r] ? "allow" : "deny");
          checked++;
        }
      g_string_append_c (actual, '\n');
    }
  if (g_getenv ("CRN_AUTHZ_PRINT") != NULL)
    g_print ("%s", actual->str);
  if (failures->len > 0)
    g_error ("The server disagrees with the matrix:\n%s", failures->str);
  g_test_message ("%u checks (%u actions × %u roles) match the matrix", checked,
                  (guint) G_N_ELEMENTS (actions), (guint) G_N_ELEMENTS (roles));
}

/* Setup ---------------------------------------------------------------------------- */

static CrnTemplateException *
extra_block (gint64        start,
             guint         n,
             guint         minutes,
             CrnVisibility visibility)
{
  CrnTemplateException *extra = crn_template_exception_new ();

  g_free (extra->id);
  extra->id = crn_uuid_new ();
  extra->kind = CRN_EXCEPTION_EXTRA;
  extra->start = start;
  extra->end = start + n * minutes * 60;
  extra->slot_minutes = minutes;
  extra->modalities = CRN_MODALITY_AMB;
  extra->visibility = visibility;
  crn_template_add_exception (agenda, extra);
  return extra;
}

static char *
slot_at_length (gint64 start,
                guint  minutes)
{
  g_autofree char *iso = crn_test_iso_param (start);
  g_autofree char *path = g_strdup_printf ("/fhir/Slot?actor=Practitioner/pract-%s"
                                           "&start=ge%s&start=le%s", GP_A, iso, iso);
  g_autoptr(CrnTestResponse) r = get (role_index ("practitioner"), path);
  char *id;

  g_assert_cmpuint (r->status, ==, 200);
  if (crn_test_json_int (r->json, "total") != 1)
    return NULL;
  id = g_strdup (crn_test_json_string (r->json, "entry[0].resource.id"));
  g_hash_table_insert (slot_lengths, g_strdup (id), GUINT_TO_POINTER (minutes));
  return id;
}

static char *
slot_at (gint64 start)
{
  return slot_at_length (start, 20);
}

/* Does Dr Morel's agenda already have a slot overlapping [@start, @start + @minutes)? The
 * demo seeds one, 90 to 105 minutes after the server started, next to where the targets
 * go; a target sharing its start would be ambiguous (slot_at() finds two). Demo slots are
 * 20 minutes long. */
static gboolean
agenda_taken (gint64 start,
              guint  minutes)
{
  g_autofree char *from = crn_test_iso_param (start - 19 * 60);
  g_autofree char *to = crn_test_iso_param (start + minutes * 60);
  g_autofree char *path = g_strdup_printf ("/fhir/Slot?actor=Practitioner/pract-%s"
                                           "&start=ge%s&start=lt%s", GP_A, from, to);
  g_autoptr(CrnTestResponse) r = get (role_index ("practitioner"), path);

  g_assert_cmpuint (r->status, ==, 200);
  return crn_test_json_int (r->json, "total") != 0;
}

/* A start for a block of @minutes, at or after @earliest, that no slot of the agenda (the
 * demo's included) overlaps or shares. */
static gint64
free_start_after (gint64 earliest,
                  guint  minutes)
{
  gint64 start = rel_pick_start_after (earliest, minutes);

  while (agenda_taken (start, minutes))
    start = rel_pick_start_after (start + 5 * 60, minutes);
  return start;
}

static void
setup_targets (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 near[14];
  gint64 one;
  gint64 far[4];
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) put = NULL;
  guint status;

  /* Fourteen 5-minute slots, each its own block, all inside the reclaim window whatever the
   * time of day: only a block that would cross midnight moves on, not the whole row. One
   * minute off the five-minute grid: every other slot of the agenda (the demo's weekly
   * blocks and its extra block) starts on that grid, so no near slot shares its start with
   * one. */
  crn_test_pick_starts (15, G_N_ELEMENTS (near), 5, 5 + 1, near);
  for (guint i = 0; i < G_N_ELEMENTS (near); i++)
    {
      near[i] += 60;
      extra_block (near[i], 1, 5, REG);
    }
  /* Each block after the one before, even when one is pushed past midnight: blocks that
   * overlapped would put two slots at one instant. */
  one = free_start_after (MAX (near[G_N_ELEMENTS (near) - 1] + 15 * 60, now + 100 * 60), 60);
  extra_block (one, 1, 20, REG);
  extra_block (one + 20 * 60, 1, 20, CRN_VISIBILITY_PRO);
  extra_block (one + 40 * 60, 1, 20, CRN_VISIBILITY_NONE);
  for (guint b = 0; b < G_N_ELEMENTS (far); b++)
    {
      gint64 after = b == 0 ? one + 70 * 60 : far[b - 1] + (8 * 20 + 10) * 60;

      far[b] = rel_pick_start_after (MAX (after, now + (200 + b * 170) * 60), 8 * 20);
      extra_block (far[b], 8, 20, REG);
    }
  node = crn_fhir_schedule_build (agenda, NULL);
  body = crn_fhir_to_string (node, FALSE);
  put = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A,
                          tokens[role_index ("practitioner")], body, NULL);
  if (put->status != 200)
    g_error ("Schedule PUT: %u %s", put->status, put->body);

  near_pool = g_ptr_array_new_with_free_func (g_free);
  far_pool = g_ptr_array_new_with_free_func (g_free);
  far_starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  near_starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < G_N_ELEMENTS (near); i++)
    {
      gint64 start = near[i];
      char *id = slot_at_length (start, 5);

      if (id != NULL)
        {
          g_ptr_array_add (near_pool, id);
          g_array_append_val (near_starts, start);
        }
    }
  g_assert_cmpuint (near_pool->len, >=, 2 * G_N_ELEMENTS (roles));
  for (guint b = 0; b < G_N_ELEMENTS (far); b++)
    for (guint i = 0; i < 8; i++)
      {
        gint64 start = far[b] + i * 1200;
        char *id = slot_at (start);

        if (id != NULL)
          {
            g_ptr_array_add (far_pool, id);
            g_array_append_val (far_starts, start);
          }
      }
  g_assert_cmpuint (far_pool->len, >=, 2 * G_N_ELEMENTS (roles) + 2);
  slot_reg = slot_at (one);
  slot_pro = slot_at (one + 20 * 60);
  slot_own = slot_at (one + 40 * 60);
  g_assert_nonnull (slot_reg);
  g_assert_nonnull (slot_pro);
  g_assert_nonnull (slot_own);

  {
    gint64 start;
    g_autofree char *slot = take (far_pool, &start);

    booking_reg = book_as (role_index ("regulator"), slot, start, &status);
    g_assert_cmpuint (status, ==, 201);
  }
  {
    /* The pharmacy books a PRO slot: after the far blocks, and off the demo's slots (its
     * weekly blocks reach the afternoon: a start shared with one of them would make
     * slot_at() find two slots, whatever time of day the test runs at). */
    gint64 start = free_start_after (MAX (far[G_N_ELEMENTS (far) - 1] + (8 * 20 + 10) * 60,
                                          now + 1100 * 60), 20);
    g_autofree char *slot = NULL;

    extra_block (start, 1, 20, CRN_VISIBILITY_PRO);
    g_clear_pointer (&body, g_free);
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&put, crn_test_response_free);
    node = crn_fhir_schedule_build (agenda, NULL);
    body = crn_fhir_to_string (node, FALSE);
    put = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A,
                            tokens[role_index ("practitioner")], body, NULL);
    g_assert_cmpuint (put->status, ==, 200);
    slot = slot_at (start);
    g_assert_nonnull (slot);
    booking_pha = book_as (role_index ("pharmacy"), slot, start, &status);
    g_assert_cmpuint (status, ==, 201);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = crn_test_server_start (NULL);
  tokens[0] = NULL;
  tokens[1] = crn_test_server_token (server, "dr.morel", NULL);
  tokens[2] = crn_test_server_token (server, "dr.haddad", NULL);
  tokens[3] = crn_test_server_token (server, crn_test_server_login_for (server, "secretary"),
                                     NULL);
  tokens[4] = crn_test_server_token (server, crn_test_server_login_for (server, "regulator"),
                                     NULL);
  tokens[5] = crn_test_server_token (server, crn_test_server_login_for (server, "pharmacy"),
                                     NULL);
  tokens[6] = crn_test_server_token (server, crn_test_server_login_for (server, "coordinator"),
                                     NULL);
  crn_test_put_policy (server, tokens[6], 0, 0, 0, FALSE);
  agenda = crn_template_new (GP_A, PLACE_A);
  g_free (agenda->id);
  agenda->id = crn_uuid_new ();
  slot_lengths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  setup_targets ();

  g_test_add_func ("/reliability/authz/matrix", test_matrix);
  status = g_test_run ();

  crn_template_free (agenda);
  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    g_free (tokens[i]);
  g_free (slot_reg);
  g_free (slot_pro);
  g_free (slot_own);
  g_free (booking_reg);
  g_free (booking_pha);
  g_ptr_array_unref (near_pool);
  g_ptr_array_unref (far_pool);
  g_array_unref (far_starts);
  g_array_unref (near_starts);
  g_hash_table_unref (slot_lengths);
  crn_test_server_free (server);
  return status;
}
