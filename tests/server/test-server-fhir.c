/* test-server-fhir.c: the FHIR API of the real server: SAS search, delta sync, rights per
 * role, bad input, live notifications, durability across kill -9
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-test-server.h"

#define GP_A     "899700100011"       /* Dr Morel, cabinet des Tilleuls */
#define PLACE_A  "cabinet-tilleuls"
#define GP_B     "899700100035"       /* Dr Haddad, maison de santé du Parc */
#define PLACE_B  "msp-parc"
#define REG      (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
#define IDNPS_SYSTEM "urn:oid:1.2.250.1.71.4.2.1"

static CrnTestServer *server;
static char *regulator, *pharmacy, *secretary, *coordinator, *doctor_a, *doctor_b;
static CrnTemplate *agenda_a, *agenda_b;

static CrnTestResponse *
get (const char *token,
     const char *path)
{
  return crn_test_request (server, "GET", path, token, NULL, NULL);
}

static CrnTestResponse *
book (const char *token,
      const char *slot,
      const char *gp,
      gint64      start)
{
  g_autofree char *body = crn_test_appointment_body (NULL, slot, gp, start, NULL);

  return crn_test_request (server, "POST", "/fhir/Appointment", token, body, NULL);
}

static gboolean
bundle_has (JsonNode   *bundle,
            const char *type,
            const char *id)
{
  for (guint i = 0; i < crn_test_json_length (bundle, "entry"); i++)
    {
      g_autofree char *t = g_strdup_printf ("entry[%u].resource.resourceType", i);
      g_autofree char *d = g_strdup_printf ("entry[%u].resource.id", i);

      if (g_strcmp0 (crn_test_json_string (bundle, t), type) == 0 &&
          (id == NULL || g_strcmp0 (crn_test_json_string (bundle, d), id) == 0))
        return TRUE;
    }
  return FALSE;
}

/* ---------------------------------------------------------------------------------- */

static void
test_sas_search (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = crn_test_pick_start (120, 20);
  g_autofree char *slot_a = crn_test_add_slot (server, doctor_a, agenda_a, start, REG);
  gint64 start_b = crn_test_pick_start (130, 20);
  g_autofree char *slot_b = crn_test_add_slot (server, doctor_b, agenda_b, start_b,
                                               CRN_VISIBILITY_SNP);
  g_autofree char *ge = crn_test_iso_param (now);
  g_autofree char *le = crn_test_iso_param (now + 72 * 3600);
  g_autofree char *path = NULL;
  g_autofree char *too_many = NULL;
  g_autoptr(CrnTestResponse) r = NULL;
  g_autoptr(CrnTestResponse) bad = NULL;
  GString *ids = g_string_new (NULL);
  guint matches = 0;

  path = g_strdup_printf ("/fhir/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor"
                          "&_include=Slot:service-type-reference"
                          "&_include:iterate=HealthcareService:organization"
                          "&start=ge%s&start=le%s"
                          "&schedule.actor:Practitioner.identifier=" IDNPS_SYSTEM "%%7C" GP_A
                          ",%%20" IDNPS_SYSTEM "%%7C" GP_B "&status=free&_count=1000", ge, le);
  r = get (regulator, path);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (r->json, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (crn_test_json_string (r->json, "type"), ==, "searchset");
  g_assert_cmpstr (crn_test_json_string (r->json, "link[0].relation"), ==, "self");
  g_assert_null (crn_test_json_get (r->json, "link[1]"));
  g_assert_true (bundle_has (r->json, "Slot", slot_a));
  g_assert_true (bundle_has (r->json, "Slot", slot_b));
  g_assert_true (bundle_has (r->json, "Schedule", "sched-" GP_A "-" PLACE_A));
  g_assert_true (bundle_has (r->json, "Schedule", "sched-" GP_B "-" PLACE_B));
  g_assert_true (bundle_has (r->json, "Practitioner", "pract-" GP_A));
  g_assert_true (bundle_has (r->json, "PractitionerRole", "role-" GP_A "-" PLACE_A));
  g_assert_true (bundle_has (r->json, "HealthcareService", NULL));
  g_assert_true (bundle_has (r->json, "Organization", NULL));

  for (guint i = 0; i < crn_test_json_length (r->json, "entry"); i++)
    {
      g_autofree char *e = g_strdup_printf ("entry[%u]", i);
      JsonNode *entry = crn_test_json_get (r->json, e);
      const char *type = crn_test_json_string (entry, "resource.resourceType");
      const char *mode = crn_test_json_string (entry, "search.mode");
      g_autofree char *full = g_strdup_printf ("%s/fhir/%s/%s", server->base, type,
                                               crn_test_json_string (entry, "resource.id"));

      g_assert_cmpstr (crn_test_json_string (entry, "fullUrl"), ==, full);
      g_assert_nonnull (crn_test_json_string (entry, "resource.meta.versionId"));
      if (g_str_equal (type, "Slot"))
        {
          gint64 ms = 0;

          matches++;
          g_assert_cmpstr (mode, ==, "match");
          g_assert_cmpstr (crn_test_json_string (entry, "resource.status"), ==, "free");
          g_assert_true (crn_fhir_parse_datetime_ms (crn_test_json_string (entry,
                                                                           "resource.start"),
                                                     &ms, NULL, NULL));
          g_assert_cmpint (ms, >=, now * 1000);
          g_assert_cmpint (ms, <=, (now + 72 * 3600) * 1000);
          g_assert_nonnull (crn_test_json_string (entry, "resource.comment"));
          g_assert_cmpuint (crn_test_json_length (entry, "resource.meta.security"), >=, 1);
        }
      else
        g_assert_cmpstr (mode, ==, "include");
    }
  g_assert_cmpint (crn_test_json_int (r->json, "total"), ==, matches);

  /* More than 25 RPPS: refused, not silently cut. */
  for (guint i = 0; i < 26; i++)
    g_string_append_printf (ids, "%s8997001%05u", i > 0 ? "," : "", i);
  too_many = g_strdup_printf ("/fhir/Slot?status=free&schedule.actor:Practitioner.identifier=%s",
                              ids->str);
  bad = get (regulator, too_many);
  g_assert_cmpuint (bad->status, ==, 400);
  g_string_free (ids, TRUE);
}

static void
test_delta_with_next_links (void)
{
  g_autofree char *url = g_strdup ("/fhir/Slot?_lastUpdated=gt1970-01-01T00:00:00.000Z"
                                   "&_sort=_lastUpdated&_count=7");
  g_autofree char *watermark = NULL;
  g_autofree char *since = NULL;
  g_autoptr(CrnTestResponse) after = NULL;
  g_autoptr(CrnTestResponse) booked = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 previous = 0, total = -1;
  guint pages = 0;
  gint64 start = crn_test_pick_start (150, 20);
  g_autofree char *slot = crn_test_add_slot (server, doctor_a, agenda_a, start, REG);

  while (url != NULL)
    {
      g_autoptr(CrnTestResponse) page = get (secretary, url);
      const char *next = NULL;

      g_assert_cmpuint (page->status, ==, 200);
      pages++;
      if (total < 0)
        total = crn_test_json_int (page->json, "total");
      for (guint i = 0; i < crn_test_json_length (page->json, "entry"); i++)
        {
          g_autofree char *p = g_strdup_printf ("entry[%u].resource", i);
          JsonNode *res = crn_test_json_get (page->json, p);
          gint64 ms = 0;

          g_assert_true (crn_fhir_parse_datetime_ms (crn_test_json_string (res,
                                                                           "meta.lastUpdated"),
                                                     &ms, NULL, NULL));
          g_assert_cmpint (ms, >, previous);     /* strictly increasing: no ties */
          previous = ms;
          g_assert_true (g_hash_table_add (seen, g_strdup (crn_test_json_string (res, "id"))));
          /* The secretary works for Dr Morel and Dr Besson only. */
          g_assert_true (g_str_has_suffix (crn_test_json_string (res, "schedule.reference"),
                                           "-" PLACE_A));
          g_free (watermark);
          watermark = g_strdup (crn_test_json_string (res, "meta.lastUpdated"));
        }
      for (guint l = 0; l < crn_test_json_length (page->json, "link"); l++)
        {
          g_autofree char *rel = g_strdup_printf ("link[%u].relation", l);
          g_autofree char *u = g_strdup_printf ("link[%u].url", l);

          if (g_strcmp0 (crn_test_json_string (page->json, rel), "next") == 0)
            next = crn_test_json_string (page->json, u);
        }
      g_free (url);
      url = next != NULL ? g_strdup (next + strlen (server->base)) : NULL;
      if (pages > 2000)
        g_error ("next links loop");
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, total);
  g_assert_cmpuint (pages, >, 1);

  /* A booking moves the slot past the watermark, and only it. */
  booked = book (regulator, slot, GP_A, start);
  g_assert_cmpuint (booked->status, ==, 201);
  since = g_uri_escape_string (watermark, NULL, FALSE);
  g_free (url);
  url = g_strdup_printf ("/fhir/Slot?_lastUpdated=gt%s&_sort=_lastUpdated", since);
  after = get (secretary, url);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpint (crn_test_json_int (after->json, "total"), ==, 1);
  g_assert_cmpstr (crn_test_json_string (after->json, "entry[0].resource.id"), ==, slot);
  g_assert_cmpstr (crn_test_json_string (after->json, "entry[0].resource.status"), ==, "busy");
}

static void
test_rights_per_role (void)
{
  gint64 start = crn_test_pick_start (170, 20);
  g_autofree char *slot = crn_test_add_slot (server, doctor_a, agenda_a, start, REG);
  g_autofree char *own = crn_test_add_slot (server, doctor_a, agenda_a,
                                            crn_test_pick_start (180, 20),
                                            CRN_VISIBILITY_NONE);
  g_autoptr(CrnTestResponse) booked = book (regulator, slot, GP_A, start);
  const char *id = crn_test_json_string (booked->json, "id");
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", id);
  g_autofree char *own_path = g_strdup_printf ("/fhir/Slot/%s", own);
  g_autoptr(CrnTestResponse) a = get (doctor_a, path);
  g_autoptr(CrnTestResponse) s = get (secretary, path);
  g_autoptr(CrnTestResponse) b = get (doctor_b, path);
  g_autoptr(CrnTestResponse) ph = get (pharmacy, path);
  g_autoptr(CrnTestResponse) co = get (coordinator, path);
  g_autoptr(CrnTestResponse) co_search = get (coordinator, "/fhir/Appointment");
  g_autoptr(CrnTestResponse) co_slots = get (coordinator, "/fhir/Slot?_count=5");
  g_autoptr(CrnTestResponse) b_search = get (doctor_b, "/fhir/Appointment?_count=1000");
  g_autoptr(CrnTestResponse) ph_search = get (pharmacy, "/fhir/Appointment?_count=1000");
  g_autoptr(CrnTestResponse) reg_own = get (regulator, own_path);
  g_autoptr(CrnTestResponse) sec_own = get (secretary, own_path);
  g_autoptr(CrnTestResponse) reg_schedule = NULL;
  g_autoptr(CrnTestResponse) sec_schedule_b = NULL;
  g_autoptr(JsonNode) schedule_b = crn_fhir_schedule_build (agenda_b, NULL);
  g_autofree char *schedule_b_text = crn_fhir_to_string (schedule_b, FALSE);

  g_assert_cmpuint (booked->status, ==, 201);
  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (a->json, "contained[0].name[0].family"), ==, "DUPONT");
  g_assert_cmpuint (s->status, ==, 200);
  /* Another practice, a pharmacy: not found (ids cannot be probed). */
  g_assert_cmpuint (b->status, ==, 404);
  g_assert_cmpuint (ph->status, ==, 404);
  g_assert_null (strstr (b_search->body, id));
  g_assert_null (strstr (ph_search->body, id));
  g_assert_null (strstr (b_search->body, "DUPONT"));
  /* The coordinator sees counts, never patients. */
  g_assert_cmpuint (co->status, ==, 403);
  g_assert_cmpuint (co_search->status, ==, 403);
  g_assert_cmpstr (crn_test_outcome_code (co_search), ==, "forbidden");
  g_assert_cmpuint (co_slots->status, ==, 200);
  /* Regulation never sees a slot kept for the practice's own patients. */
  g_assert_cmpuint (reg_own->status, ==, 404);
  g_assert_cmpuint (sec_own->status, ==, 200);
  /* Only the practice changes its agenda. */
  reg_schedule = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_B "-" PLACE_B,
                                   regulator, schedule_b_text, NULL);
  g_assert_cmpuint (reg_schedule->status, ==, 403);
  sec_schedule_b = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_B "-" PLACE_B,
                                     secretary, schedule_b_text, NULL);
  g_assert_cmpuint (sec_schedule_b->status, ==, 403);
}

static void
test_versions_and_policy (void)
{
  g_autoptr(CrnTestResponse) schedule = get (doctor_a, "/fhir/Schedule/sched-" GP_A "-" PLACE_A);
  g_autoptr(CrnTestResponse) stale = NULL;
  g_autoptr(CrnTestResponse) policy = get (doctor_a, "/fhir/Parameters/policy");
  g_autoptr(CrnTestResponse) role = get (regulator, "/fhir/PractitionerRole/role-" GP_A "-"
                                         PLACE_A);
  g_autoptr(CrnTestResponse) practitioner = get (regulator, "/fhir/Practitioner/pract-" GP_A);
  g_autoptr(CrnTestResponse) organization = get (regulator, "/fhir/Organization/" PLACE_A);
  g_autoptr(CrnTestResponse) appointments_of_a = get (secretary, "/fhir/Appointment?actor="
                                                      "PractitionerRole/role-" GP_A "-" PLACE_A);
  g_autoptr(JsonNode) body_node = crn_fhir_schedule_build (agenda_a, NULL);
  g_autofree char *body = crn_fhir_to_string (body_node, FALSE);
  const char *etag;

  g_assert_cmpuint (schedule->status, ==, 200);
  etag = soup_message_headers_get_one (schedule->headers, "ETag");
  g_assert_nonnull (etag);
  g_assert_true (g_str_has_prefix (etag, "W/\""));
  g_assert_nonnull (crn_test_json_string (schedule->json, "meta.lastUpdated"));
  stale = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, doctor_a,
                            body, "If-Match", "W/\"1\"", NULL);
  g_assert_cmpuint (stale->status, ==, 412);

  g_assert_cmpuint (policy->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (policy->json, "resourceType"), ==, "Parameters");
  g_assert_cmpuint (role->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (role->json, "id"), ==, "role-" GP_A "-" PLACE_A);
  g_assert_cmpuint (practitioner->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (practitioner->json, "name[0].family"), ==, "Morel");
  g_assert_cmpuint (organization->status, ==, 200);
  g_assert_cmpuint (appointments_of_a->status, ==, 200);
  g_assert_nonnull (soup_message_headers_get_one (policy->headers, "ETag"));
}

static void
test_template_change_keeps_history (void)
{
  gint64 start = crn_test_pick_start (210, 20);
  g_autofree char *slot = crn_test_add_slot (server, doctor_a, agenda_a, start, REG);
  g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", slot);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autoptr(CrnTestResponse) put = NULL;
  g_autoptr(CrnTestResponse) gone = NULL;
  g_autoptr(CrnTestResponse) back = NULL;
  CrnTemplateException *extra;

  /* The GP withdraws that block: the free slot is marked, never deleted. */
  extra = g_ptr_array_steal_index (agenda_a->exceptions, agenda_a->exceptions->len - 1);
  node = crn_fhir_schedule_build (agenda_a, NULL);
  body = crn_fhir_to_string (node, FALSE);
  put = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, doctor_a,
                          body, NULL);
  g_assert_cmpuint (put->status, ==, 200);
  gone = get (doctor_a, path);
  g_assert_cmpuint (gone->status, ==, 200);
  g_assert_cmpstr (crn_test_json_string (gone->json, "status"), ==, "entered-in-error");
  g_assert_cmpstr (crn_test_json_string (gone->json, "meta.versionId"), ==, "2");

  /* Declared again: the same slot (same id) is offered again. */
  g_ptr_array_add (agenda_a->exceptions, extra);
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&node, json_node_unref);
  node = crn_fhir_schedule_build (agenda_a, NULL);
  body = crn_fhir_to_string (node, FALSE);
  g_clear_pointer (&put, crn_test_response_free);
  put = crn_test_request (server, "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, doctor_a,
                          body, NULL);
  g_assert_cmpuint (put->status, ==, 200);
  back = get (doctor_a, path);
  g_assert_cmpstr (crn_test_json_string (back->json, "status"), ==, "free");
  g_assert_cmpstr (crn_test_json_string (back->json, "meta.versionId"), ==, "3");
}

typedef struct
{
  const char *method;
  const char *path;
  const char *content_type;
  const char *body;
  guint       status;
} BadInput;

static void
test_bad_input (void)
{
  static const BadInput table[] = {
    { "POST", "/fhir/Appointment", NULL, "{", 400 },
    { "POST", "/fhir/Appointment", NULL, "[]", 400 },
    { "POST", "/fhir/Appointment", NULL, "{\"resourceType\":\"Slot\"}", 400 },
    { "POST", "/fhir/Appointment", NULL, "{\"resourceType\":\"Appointment\",\"status\":5}", 400 },
    { "POST", "/fhir/Appointment", NULL, "{\"resourceType\":\"Appointment\",\"status\":\"booked\","
      "\"start\":\"demain\",\"end\":\"2026-12-01T14:20:00+01:00\"}", 400 },
    { "POST", "/fhir/Appointment", NULL, "{\"resourceType\":\"Appointment\",\"status\":\"maybe\"}", 400 },
    { "POST", "/fhir/Appointment", "text/plain", "{}", 400 },
    { "POST", "/fhir/Appointment", NULL, "\xff\xfe{}", 400 },
    { "POST", "/fhir/Schedule", NULL, "{\"resourceType\":\"Schedule\",\"actor\":\"x\"}", 400 },
    { "PUT", "/fhir/Slot/abc", NULL, "{\"resourceType\":\"Slot\",\"id\":\"other\"}", 400 },
    { "GET", "/fhir/Slot?start=ge2026-13-45", NULL, NULL, 400 },
    { "GET", "/fhir/Slot?status=bogus", NULL, NULL, 400 },
    { "GET", "/fhir/Slot?colour=blue", NULL, NULL, 400 },
    { "GET", "/fhir/Slot?_count=abc", NULL, NULL, 400 },
    { "GET", "/fhir/Slot?_count=0", NULL, NULL, 400 },
    { "GET", "/fhir/Slot?_sort=colour", NULL, NULL, 400 },
    { "GET", "/fhir/Slot?_include=Slot:nothing", NULL, NULL, 400 },
    { "GET", "/fhir/Appointment?date=ne2026-01-01", NULL, NULL, 400 },
    { "GET", "/fhir/Slot/does-not-exist", NULL, NULL, 404 },
    { "GET", "/fhir/Patient", NULL, NULL, 404 },
    { "DELETE", "/fhir/Slot/abc", NULL, NULL, 405 },
    { "GET", "/fhir/Slot/a/b/c", NULL, NULL, 404 },
  };
  g_autoptr(GString) deep = g_string_new ("{\"resourceType\":\"Appointment\",\"x\":");
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(SoupMessage) msg = crn_test_message_new (server, table[i].method, table[i].path,
                                                         doctor_a, table[i].content_type,
                                                         table[i].body, -1);
      g_autoptr(CrnTestResponse) r = crn_test_send_message (server, msg);

      if (r->status != table[i].status)
        g_error ("%s %s: expected %u, got %u: %s", table[i].method, table[i].path,
                 table[i].status, r->status, r->body);
      g_assert_nonnull (crn_test_outcome_code (r));
      g_assert_nonnull (crn_test_outcome_text (r));
    }

  /* Deep nesting and a body over the limit. */
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(SoupMessage) msg = crn_test_message_new (server, "POST", "/fhir/Appointment",
                                                       doctor_a, NULL, deep->str, -1);
    g_autoptr(CrnTestResponse) r = crn_test_send_message (server, msg);

    g_assert_cmpuint (r->status, ==, 400);
  }
  huge = g_malloc (3 * 1024 * 1024 + 1);
  memset (huge, ' ', 3 * 1024 * 1024);
  huge[3 * 1024 * 1024] = '\0';
  {
    g_autoptr(SoupMessage) msg = crn_test_message_new (server, "POST", "/fhir/Appointment",
                                                       doctor_a, NULL, huge, -1);
    g_autoptr(CrnTestResponse) r = crn_test_send_message (server, msg);

    g_assert_cmpuint (r->status, ==, 413);
    g_assert_cmpstr (crn_test_outcome_code (r), ==, "too-costly");
  }
  /* Still alive and well. */
  {
    g_autoptr(CrnTestResponse) r = get (doctor_a, "/fhir/Slot?_count=1");

    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* Live notifications -------------------------------------------------------------- */

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_websocket_notification (void)
{
  gint64 start = crn_test_pick_start (190, 20);
  g_autofree char *slot = crn_test_add_slot (server, doctor_a, agenda_a, start, REG);
  guint status = 0;
  CrnTestListener *anonymous = crn_test_listen (server, NULL, &status);
  CrnTestListener *a = crn_test_listen (server, secretary, NULL);
  CrnTestListener *b = crn_test_listen (server, doctor_b, NULL);
  g_autoptr(CrnTestResponse) booked = NULL;
  gboolean grace = FALSE;
  gboolean saw_appointment = FALSE, saw_slot = FALSE;
  const char *appointment_id;

  /* No token, no channel (and never a token in the URL). */
  g_assert_null (anonymous->connection);
  g_assert_cmpuint (status, ==, 401);
  g_assert_no_error (a->error);
  g_assert_no_error (b->error);

  booked = book (regulator, slot, GP_A, start);
  g_assert_cmpuint (booked->status, ==, 201);
  appointment_id = crn_test_json_string (booked->json, "id");

  while (a->messages->len < 2)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < a->messages->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      g_assert_true (json_parser_load_from_data (parser, g_ptr_array_index (a->messages, i), -1,
                                                 NULL));
      root = json_parser_get_root (parser);
      if (g_strcmp0 (crn_test_json_string (root, "resourceType"), "Appointment") == 0)
        {
          saw_appointment = g_strcmp0 (crn_test_json_string (root, "id"), appointment_id) == 0;
          g_assert_cmpstr (crn_test_json_string (root, "versionId"), ==, "1");
          g_assert_cmpint (crn_test_json_int (root, "lastUpdatedMs"), >, 0);
        }
      else if (g_strcmp0 (crn_test_json_string (root, "resourceType"), "Slot") == 0)
        saw_slot = g_strcmp0 (crn_test_json_string (root, "id"), slot) == 0;
      /* Notifications say what changed, never who the patient is. */
      g_assert_null (strstr (g_ptr_array_index (a->messages, i), "DUPONT"));
    }
  g_assert_true (saw_appointment);
  g_assert_true (saw_slot);

  /* The other practice hears nothing of it (it was sent at the same time as to A). */
  g_timeout_add (300, set_true_cb, &grace);
  while (!grace)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (b->messages->len, ==, 0);

  crn_test_listener_free (anonymous);
  crn_test_listener_free (a);
  crn_test_listener_free (b);
}

/* Durability --------------------------------------------------------------------- */

static void
test_kill_9_durability (void)
{
  CrnTestServer *own = crn_test_server_start (NULL);
  g_autofree char *data_dir = g_strdup (own->data_dir);
  g_autofree char *reg = crn_test_server_token (own, crn_test_server_login_for (own, "regulator"),
                                                NULL);
  g_autofree char *coord = crn_test_server_token (own,
                                                  crn_test_server_login_for (own, "coordinator"),
                                                  NULL);
  g_autofree char *doc = crn_test_server_token (own, "dr.morel", NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CrnTemplate) agenda = crn_template_new (GP_A, PLACE_A);
  CrnTestServer *again;
  g_autofree char *reg2 = NULL;
  gint64 starts[10];

  g_free (agenda->id);
  agenda->id = crn_uuid_new ();
  crn_test_put_policy (own, coord, 0, 0, 0, FALSE);
  for (guint i = 0; i < 10; i++)
    {
      starts[i] = crn_test_pick_start (200 + 25 * i, 20);
      g_ptr_array_add (slots, crn_test_add_slot (own, doc, agenda, starts[i], REG));
    }
  for (guint i = 0; i < slots->len; i++)
    {
      const char *slot = g_ptr_array_index (slots, i);
      g_autofree char *body = NULL;
      g_autoptr(CrnTestResponse) r = NULL;

      body = crn_test_appointment_body (NULL, slot, GP_A, starts[i], NULL);
      r = crn_test_request (own, "POST", "/fhir/Appointment", reg, body, NULL);
      g_assert_cmpuint (r->status, ==, 201);
      g_ptr_array_add (ids, g_strdup (crn_test_json_string (r->json, "id")));
    }
  /* No goodbye: the process dies right after the last acknowledgement. */
  crn_test_server_kill (own);
  g_clear_pointer (&own->data_dir, g_free);
  crn_test_server_free (own);

  again = crn_test_server_start (data_dir);
  reg2 = crn_test_server_token (again, crn_test_server_login_for (again, "regulator"), NULL);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s",
                                               (char *) g_ptr_array_index (ids, i));
      g_autoptr(CrnTestResponse) r = crn_test_request (again, "GET", path, reg2, NULL, NULL);

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (crn_test_json_string (r->json, "status"), ==, "booked");
    }
  /* The demo seeding ran once: the restart did not duplicate the CPTS. */
  {
    g_autoptr(CrnTestResponse) r = crn_test_request (again, "GET", "/fhir/Practitioner", reg2,
                                                     NULL, NULL);

    g_assert_cmpint (crn_test_json_int (r->json, "total"), ==, 4);
  }
  crn_test_server_free (again);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = crn_test_server_start (NULL);
  regulator = crn_test_server_token (server, crn_test_server_login_for (server, "regulator"),
                                     NULL);
  pharmacy = crn_test_server_token (server, crn_test_server_login_for (server, "pharmacy"),
                                    NULL);
  secretary = crn_test_server_token (server, crn_test_server_login_for (server, "secretary"),
                                     NULL);
  coordinator = crn_test_server_token (server,
                                       crn_test_server_login_for (server, "coordinator"), NULL);
  doctor_a = crn_test_server_token (server, "dr.morel", NULL);
  doctor_b = crn_test_server_token (server, "dr.haddad", NULL);
  crn_test_put_policy (server, coordinator, 0, 0, 0, FALSE);
  agenda_a = crn_template_new (GP_A, PLACE_A);
  g_free (agenda_a->id);
  agenda_a->id = crn_uuid_new ();
  agenda_b = crn_template_new (GP_B, PLACE_B);
  g_free (agenda_b->id);
  agenda_b->id = crn_uuid_new ();

  g_test_add_func ("/server/fhir/sas-search", test_sas_search);
  g_test_add_func ("/server/fhir/delta-next-links", test_delta_with_next_links);
  g_test_add_func ("/server/fhir/rights-per-role", test_rights_per_role);
  g_test_add_func ("/server/fhir/versions-and-policy", test_versions_and_policy);
  g_test_add_func ("/server/fhir/template-change-keeps-history",
                   test_template_change_keeps_history);
  g_test_add_func ("/server/fhir/bad-input", test_bad_input);
  g_test_add_func ("/server/fhir/websocket-notification", test_websocket_notification);
  g_test_add_func ("/server/fhir/kill-9-durability", test_kill_9_durability);
  status = g_test_run ();

  crn_template_free (agenda_a);
  crn_template_free (agenda_b);
  g_free (regulator);
  g_free (pharmacy);
  g_free (secretary);
  g_free (coordinator);
  g_free (doctor_a);
  g_free (doctor_b);
  crn_test_server_free (server);
  return status;
}
