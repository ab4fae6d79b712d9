/* test-bad-input.c: malformed and hostile requests against the real creneaux-server
 *
 * One table of requests (broken JSON, wrong types, missing fields, huge bodies and headers,
 * bad dates and time zones, unknown codes, path traversal, bad %-escapes, injection strings
 * in every text field of a booking). Each one must get a 4xx with an OperationOutcome
 * (FHIR routes) or a 4xx page (other routes), never a 5xx or a dead server, and the
 * database must be exactly as before (a SHA-256 of every row, compared before and after).
 * Injection strings that are legitimate text are either refused (4xx) or stored verbatim
 * and read back unchanged, in one new booking and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rel-util.h"

#define GP_A     "899700100011"       /* Dr Morel, cabinet des Tilleuls */
#define PLACE_A  "cabinet-tilleuls"
#define REG      (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
#define N_SLOTS  64

static CrnTestServer *server;
static GHashTable *tokens;         /* role -> token */
static CrnTemplate *agenda;
static GPtrArray *free_slots;      /* ids of free slots, used up by accepted bookings */
static GPtrArray *slot_starts;     /* gint64* matching free_slots */
static char *booked_id;            /* one booking made by the regulator */
static char *booked_slot;
static gint64 booked_start;
static char *spare_slot;           /* a free slot the refused bookings aim at */
static gint64 spare_start;

typedef enum
{
  BODY_LITERAL,         /* body as given (NULL = none) */
  BODY_APPOINTMENT,     /* a valid booking of the spare slot, then the edit */
  BODY_BOOKED,          /* the stored booking (for PUT), then the edit */
  BODY_SCHEDULE,        /* Dr Morel's agenda, then the edit */
  BODY_SLOT,            /* the spare slot as read, then the edit */
  BODY_POLICY,          /* the CPTS rules, then the edit */
} BodyKind;

typedef struct
{
  const char *name;
  const char *method;
  const char *path;         /* {slot}, {booking}, {spare} are replaced */
  const char *role;         /* NULL: no token */
  BodyKind    kind;
  const char *body;         /* BODY_LITERAL: the body */
  const char *edit_path;    /* member to change ("a.b[0].c") */
  const char *edit_json;    /* its new value as JSON; NULL removes it */
  const char *content_type; /* NULL: application/fhir+json */
  guint       expect;       /* exact status, or 0 for any 4xx */
} BadCase;

static const BadCase cases[] = {
  /* Broken JSON */
  { "empty body", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "", NULL, NULL, NULL, 400 },
  { "no body", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "truncated JSON", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "{\"resourceType\": \"Appointment\", \"status\"", NULL, NULL, NULL, 400 },
  { "not JSON", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "<Appointment/>", NULL, NULL, NULL, 0 },
  { "JSON array", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "[1,2,3]", NULL, NULL, NULL, 400 },
  { "JSON string", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "\"Appointment\"", NULL, NULL, NULL, 400 },
  { "JSON null", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "null", NULL, NULL, NULL, 400 },
  { "two JSON values", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "{\"resourceType\":\"Appointment\"}{}", NULL, NULL, NULL, 400 },
  { "not UTF-8", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, "{\"resourceType\":\"Appointment\",\"description\":\"\xff\xfe\"}", NULL, NULL, NULL, 400 },
  { "deep nesting", "POST", "/fhir/Appointment", "regulator", BODY_LITERAL, NULL /* made below */, "deep", NULL, NULL, 400 },
  { "wrong content type", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, NULL, NULL, "text/plain", 0 },
  { "form content type", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, NULL, NULL, "application/x-www-form-urlencoded", 0 },
  /* Wrong types, missing fields */
  { "resourceType missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "resourceType", NULL, NULL, 0 },
  { "resourceType Slot", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "resourceType", "\"Slot\"", NULL, 0 },
  { "resourceType number", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "resourceType", "42", NULL, 0 },
  { "status number", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "status", "1", NULL, 0 },
  { "status unknown code", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "status", "\"maybe\"", NULL, 0 },
  { "status missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "status", NULL, NULL, 0 },
  { "start missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", NULL, NULL, 0 },
  { "start number", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "1764600000", NULL, 0 },
  { "start not a date", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"tomorrow at 2\"", NULL, 0 },
  { "start 30 February", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"2027-02-30T10:00:00+01:00\"", NULL, 0 },
  { "start hour 25", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"2027-03-01T25:00:00+01:00\"", NULL, 0 },
  { "start without zone", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"2027-03-01T10:00:00\"", NULL, 0 },
  { "start zone +25:00", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"2027-03-01T10:00:00+25:00\"", NULL, 0 },
  { "start zone name", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"2027-03-01T10:00:00 Europe/Paris\"", NULL, 0 },
  { "start year 0", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"0000-01-01T00:00:00Z\"", NULL, 0 },
  { "start year 1900", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"1900-01-01T10:00:00+00:09\"", NULL, 0 },
  { "start year 9999", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"9999-12-31T23:59:59Z\"", NULL, 0 },
  { "start date only", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "start", "\"2027-03-01\"", NULL, 0 },
  { "end before start", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "end", "\"2000-01-01T10:00:00Z\"", NULL, 0 },
  { "birth date in 2999", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "contained[0].birthDate", "\"2999-01-01\"", NULL, 0 },
  { "birth date not a date", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "contained[0].birthDate", "\"12/04/1987\"", NULL, 0 },
  { "patient missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "contained", NULL, NULL, 0 },
  { "patient family missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "contained[0].name[0].family", NULL, NULL, 0 },
  { "patient name object", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "contained[0].name", "{\"family\":\"X\"}", NULL, 0 },
  { "slot missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "slot", NULL, NULL, 0 },
  { "slot unknown", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "slot", "[{\"reference\":\"Slot/no-such-slot\"}]", NULL, 0 },
  { "slot traversal", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "slot", "[{\"reference\":\"Slot/../../etc/passwd\"}]", NULL, 0 },
  { "slot of type Patient", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "slot", "[{\"reference\":\"Patient/1\"}]", NULL, 0 },
  { "participants missing", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "participant", NULL, NULL, 0 },
  { "participants empty", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "participant", "[]", NULL, 0 },
  { "unknown practitioner", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "participant", "[{\"actor\":{\"reference\":\"Practitioner/pract-899700999999\"},\"status\":\"accepted\"}]", NULL, 0 },
  { "already booked slot", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "slot", "[{\"reference\":\"Slot/{slot}\"}]", NULL, 0 },
  { "id not a valid id", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "id", "\"../../x\"", NULL, 0 },
  { "identifier array of numbers", "POST", "/fhir/Appointment", "regulator", BODY_APPOINTMENT, NULL, "identifier", "[1,2]", NULL, 0 },
  /* Rights on a write (the authorization matrix covers the rest) */
  { "no token", "POST", "/fhir/Appointment", NULL, BODY_APPOINTMENT, NULL, NULL, NULL, NULL, 401 },
  { "coordinator books", "POST", "/fhir/Appointment", "coordinator", BODY_APPOINTMENT, NULL, NULL, NULL, NULL, 403 },
  /* Updates */
  { "PUT booking, wrong id in body", "PUT", "/fhir/Appointment/{booking}", "practitioner", BODY_BOOKED, NULL, "id", "\"other-id\"", NULL, 0 },
  { "PUT booking, status unknown", "PUT", "/fhir/Appointment/{booking}", "practitioner", BODY_BOOKED, NULL, "status", "\"deleted\"", NULL, 0 },
  { "PUT booking, move to another slot", "PUT", "/fhir/Appointment/{booking}", "practitioner", BODY_BOOKED, NULL, "slot", "[{\"reference\":\"Slot/{spare}\"}]", NULL, 0 },
  { "PUT booking, unknown id", "PUT", "/fhir/Appointment/no-such-booking", "practitioner", BODY_BOOKED, NULL, NULL, NULL, NULL, 0 },
  { "PUT booking, If-Match garbage", "PUT", "/fhir/Appointment/{booking}", "practitioner", BODY_BOOKED, NULL, "status", "\"cancelled\"", NULL, 0 },
  { "PUT slot, status unknown", "PUT", "/fhir/Slot/{spare}", "practitioner", BODY_SLOT, NULL, "status", "\"taken\"", NULL, 0 },
  { "PUT slot, start moved to 1900", "PUT", "/fhir/Slot/{spare}", "practitioner", BODY_SLOT, NULL, "start", "\"1900-01-01T10:00:00Z\"", NULL, 0 },
  { "PUT slot, schedule missing", "PUT", "/fhir/Slot/{spare}", "practitioner", BODY_SLOT, NULL, "schedule", NULL, NULL, 0 },
  { "PUT slot, id mismatch", "PUT", "/fhir/Slot/{spare}", "practitioner", BODY_SLOT, NULL, "id", "\"{slot}\"", NULL, 0 },
  { "PUT slot of another practice", "PUT", "/fhir/Slot/{spare}", "practitioner_b", BODY_SLOT, NULL, NULL, NULL, NULL, 0 },
  { "PUT schedule, actor missing", "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, "practitioner", BODY_SCHEDULE, NULL, "actor", NULL, NULL, 0 },
  { "PUT schedule, actor another GP", "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, "practitioner", BODY_SCHEDULE, NULL, "actor", "[{\"reference\":\"Practitioner/pract-899700100035\"}]", NULL, 0 },
  { "PUT schedule, actor a string", "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, "practitioner", BODY_SCHEDULE, NULL, "actor", "\"Practitioner/pract-" GP_A "\"", NULL, 0 },
  { "PUT schedule, extension garbage", "PUT", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, "practitioner", BODY_SCHEDULE, NULL, "extension", "[{\"url\":42}]", NULL, 0 },
  { "PUT schedule, path traversal id", "PUT", "/fhir/Schedule/..%2F..%2Fetc%2Fpasswd", "practitioner", BODY_SCHEDULE, NULL, NULL, NULL, NULL, 0 },
  { "PUT policy, reclaim minutes text", "PUT", "/fhir/Parameters/policy", "coordinator", BODY_POLICY, NULL, "parameter", "[{\"name\":\"reclaim-minutes\",\"valueString\":\"two hours\"}]", NULL, 0 },
  { "PUT policy, not Parameters", "PUT", "/fhir/Parameters/policy", "coordinator", BODY_POLICY, NULL, "resourceType", "\"Bundle\"", NULL, 0 },
  { "PUT policy by a GP", "PUT", "/fhir/Parameters/policy", "practitioner", BODY_POLICY, NULL, NULL, NULL, NULL, 403 },
  /* Searches */
  { "search unknown parameter", "GET", "/fhir/Slot?colour=blue", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search bad date", "GET", "/fhir/Slot?start=ge2027-13-45", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search bad prefix", "GET", "/fhir/Slot?start=xx2027-01-01", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search bad zone", "GET", "/fhir/Slot?start=ge2027-01-01T10:00:00%2B99:00", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search status unknown", "GET", "/fhir/Slot?status=maybe", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search _count text", "GET", "/fhir/Slot?_count=all", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search _count negative", "GET", "/fhir/Slot?_count=-5", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search _lastUpdated text", "GET", "/fhir/Slot?_lastUpdated=gtyesterday", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search SQL in actor", "GET", "/fhir/Slot?actor=Practitioner/pract-1%27%20OR%20%271%27=%271", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 0 },
  { "search SQL in status", "GET", "/fhir/Appointment?status=booked%27;DROP%20TABLE%20bookings;--", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search unknown _include", "GET", "/fhir/Slot?_include=Patient:link", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search _sort unknown", "GET", "/fhir/Slot?_sort=password_hash", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search non-UTF-8 value", "GET", "/fhir/Slot?status=%E9", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "search NUL in value", "GET", "/fhir/Slot?status=free%00busy", "regulator", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  /* Addresses */
  { "unknown resource type", "GET", "/fhir/Patient", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 404 },
  { "too many segments", "GET", "/fhir/Slot/a/b/c", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 404 },
  { "invalid id", "GET", "/fhir/Slot/a%20b", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 404 },
  { "encoded traversal", "GET", "/fhir/Slot/..%2F..%2F..%2Fetc%2Fpasswd", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "DELETE a slot", "DELETE", "/fhir/Slot/{spare}", "practitioner", BODY_LITERAL, NULL, NULL, NULL, NULL, 405 },
  { "POST a slot", "POST", "/fhir/Slot", "practitioner", BODY_SLOT, NULL, NULL, NULL, NULL, 405 },
  { "PATCH a booking", "PATCH", "/fhir/Appointment/{booking}", "practitioner", BODY_BOOKED, NULL, NULL, NULL, NULL, 405 },
  { "policy under another id", "GET", "/fhir/Parameters/other", "coordinator", BODY_LITERAL, NULL, NULL, NULL, NULL, 404 },
  /* Token endpoint (OAuth errors, RFC 6749) */
  { "token, no grant type", "POST", "/oauth/token", NULL, BODY_LITERAL, "username=dr.morel", NULL, NULL, "application/x-www-form-urlencoded", 400 },
  { "token, unknown grant", "POST", "/oauth/token", NULL, BODY_LITERAL, "grant_type=client_credentials", NULL, NULL, "application/x-www-form-urlencoded", 400 },
  { "token, JSON body", "POST", "/oauth/token", NULL, BODY_LITERAL, "{\"grant_type\":\"password\"}", NULL, NULL, "application/json", 0 },
  { "token, SQL in username", "POST", "/oauth/token", NULL, BODY_LITERAL, "grant_type=password&username=%27%20OR%201%3D1%20--&password=x", NULL, NULL, "application/x-www-form-urlencoded", 0 },
  { "token, bad escape", "POST", "/oauth/token", NULL, BODY_LITERAL, "grant_type=password&username=%zz&password=%", NULL, NULL, "application/x-www-form-urlencoded", 400 },
  { "token, refresh garbage", "POST", "/oauth/token", NULL, BODY_LITERAL, "grant_type=refresh_token&refresh_token=%00%00", NULL, NULL, "application/x-www-form-urlencoded", 0 },
  { "token, GET", "GET", "/oauth/token?grant_type=password&username=dr.morel&password=x", NULL, BODY_LITERAL, NULL, NULL, NULL, NULL, 405 },
  /* Other routes */
  { "root traversal", "GET", "/..%2F..%2Fetc%2Fpasswd", NULL, BODY_LITERAL, NULL, NULL, NULL, NULL, 400 },
  { "booking page traversal", "GET", "/reservation/..%2F..%2F..%2Fetc%2Fpasswd", NULL, BODY_LITERAL, NULL, NULL, NULL, NULL, 0 },
  { "booking page asset traversal", "GET", "/reservation/static/..%2F..%2Fmeson.build", NULL, BODY_LITERAL, NULL, NULL, NULL, NULL, 0 },
  { "booking page form without CSRF", "POST", "/reservation/login", NULL, BODY_LITERAL, "login=regulation.sas41&password=x", NULL, NULL, "application/x-www-form-urlencoded", 0 },
  { "report, bad month", "GET", "/reports/monthly?month=2027-13", "coordinator", BODY_LITERAL, NULL, NULL, NULL, NULL, 0 },
  { "report, SQL in month", "GET", "/reports/monthly?month=2027-01%27;--", "coordinator", BODY_LITERAL, NULL, NULL, NULL, NULL, 0 },
};

/* Injection strings for every text field of a booking. */
static const char *injections[] = {
  "'; DROP TABLE bookings; --",
  "\" OR \"1\"=\"1",
  "<script>alert('x')</script>",
  "../../../../etc/passwd",
  "%s%n%x%p",
  "${7*7}{{7*7}}",
  "\xe2\x80\xae\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xf0\x9f\x98\x80",
  "line\r\nSet-Cookie: crn=1",
};

/* The text fields of the booking body (where a person writes something). */
static const char *text_fields[] = {
  "contained[0].name[0].family",
  "contained[0].name[0].given[0]",
  "contained[0].telecom[0].value",
  "description",
  "id",
  "participant[0].actor.display",
};

/* ---------------------------------------------------------------------------------- */

static const char *
token_of (const char *role)
{
  return role == NULL ? NULL : g_hash_table_lookup (tokens, role);
}

static char *
expand (const char *text)
{
  g_autoptr(GString) s = g_string_new (text);

  g_string_replace (s, "{slot}", booked_slot, 0);
  g_string_replace (s, "{booking}", booked_id, 0);
  g_string_replace (s, "{spare}", spare_slot, 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
get_body (const char *role,
          const char *path,
          char      **etag)
{
  g_autoptr(CrnTestResponse) r = crn_test_request (server, "GET", path, token_of (role), NULL,
                                                   NULL);

  g_assert_cmpuint (r->status, ==, 200);
  if (etag != NULL)
    *etag = g_strdup (soup_message_headers_get_one (r->headers, "ETag"));
  return g_strdup (r->body);
}

static char *
base_body (BodyKind kind,
           char   **etag)
{
  switch (kind)
    {
    case BODY_APPOINTMENT:
      return crn_test_appointment_body (NULL, spare_slot, GP_A, spare_start, NULL);
    case BODY_BOOKED:
      {
        g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", booked_id);

        return get_body ("practitioner", path, etag);
      }
    case BODY_SLOT:
      {
        g_autofree char *path = g_strdup_printf ("/fhir/Slot/%s", spare_slot);

        return get_body ("practitioner", path, etag);
      }
    case BODY_SCHEDULE:
      return get_body ("practitioner", "/fhir/Schedule/sched-" GP_A "-" PLACE_A, etag);
    case BODY_POLICY:
      return get_body ("coordinator", "/fhir/Parameters/policy", etag);
    case BODY_LITERAL:
    default:
      g_assert_not_reached ();
    }
}

static void
assert_outcome (const char *name,
                guint       status,
                const char *body,
                JsonNode   *json)
{
  const char *text;

  if (json == NULL ||
      g_strcmp0 (crn_test_json_string (json, "resourceType"), "OperationOutcome") != 0)
    g_error ("%s: %u without an OperationOutcome: %.300s", name, status, body);
  g_assert_nonnull (crn_test_json_string (json, "issue[0].severity"));
  g_assert_nonnull (crn_test_json_string (json, "issue[0].code"));
  text = crn_test_json_string (json, "issue[0].details.text");
  if (text == NULL || *text == '\0')
    g_error ("%s: OperationOutcome without a sentence: %s", name, body);
}

static void
assert_alive (void)
{
  g_autoptr(CrnTestResponse) r = crn_test_request (server, "GET", "/fhir/metadata", NULL, NULL,
                                                   NULL);

  g_assert_cmpuint (r->status, ==, 200);
}

/* Records a failed case and goes on with the next one: one run lists them all. */
#define FAIL(...) G_STMT_START { \
    g_string_append_printf (failures, __VA_ARGS__); \
    g_string_append_c (failures, '\n'); \
    continue; \
  } G_STMT_END

static void
test_table (void)
{
  guint n_fhir = 0, n_other = 0;
  g_autoptr(GString) failures = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadCase *c = &cases[i];
      g_autofree char *path = expand (c->path);
      g_autofree char *body = NULL;
      g_autofree char *etag = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(CrnTestResponse) r = NULL;

      if (c->kind == BODY_LITERAL)
        {
          if (c->body != NULL)
            body = g_strdup (c->body);
          else if (g_strcmp0 (c->edit_path, "deep") == 0)
            {
              GString *deep = g_string_new ("{\"resourceType\":\"Appointment\",\"x\":");

              for (guint d = 0; d < 5000; d++)
                g_string_append_c (deep, '[');
              for (guint d = 0; d < 5000; d++)
                g_string_append_c (deep, ']');
              g_string_append_c (deep, '}');
              body = g_string_free (deep, FALSE);
            }
        }
      else
        {
          g_autofree char *text = base_body (c->kind, &etag);
          g_autoptr(JsonNode) node = json_from_string (text, NULL);

          g_assert_nonnull (node);
          if (c->edit_path != NULL)
            {
              g_autofree char *value = c->edit_json != NULL ? expand (c->edit_json) : NULL;

              rel_json_set (node, c->edit_path, value);
            }
          body = json_to_string (node, FALSE);
        }

      before = rel_db_digest (server);
      msg = crn_test_message_new (server, c->method, path, token_of (c->role),
                                  c->content_type, body, -1);
      if (etag != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match",
                                      strstr (c->name, "If-Match garbage") ? "\"; DROP" : etag);
      r = crn_test_send_message (server, msg);
      after = rel_db_digest (server);

      g_test_message ("%-36s %s %s -> %u", c->name, c->method, c->path, r->status);
      if (r->status < 400 || r->status >= 500)
        FAIL ("%s: %s %s answered %u, not 4xx: %.400s", c->name, c->method, path,
                 r->status, r->body);
      if (c->expect != 0 && r->status != c->expect)
        FAIL ("%s: %s %s answered %u, expected %u: %.400s", c->name, c->method, path,
                 r->status, c->expect, r->body);
      if (g_str_has_prefix (c->path, "/fhir"))
        {
          if (r->json == NULL ||
              g_strcmp0 (crn_test_json_string (r->json, "resourceType"), "OperationOutcome") != 0 ||
              crn_test_json_string (r->json, "issue[0].details.text") == NULL)
            FAIL ("%s: %u without an OperationOutcome and its sentence: %.300s", c->name,
                  r->status, r->body);
          n_fhir++;
        }
      else if (g_str_has_prefix (c->path, "/oauth"))
        {
          /* RFC 6749's error object, not an OperationOutcome. */
          if (r->json == NULL || crn_test_json_string (r->json, "error") == NULL)
            FAIL ("%s: %u without an OAuth error object: %.300s", c->name, r->status, r->body);
          n_other++;
        }
      else
        n_other++;
      if (g_strcmp0 (before, after) != 0)
        FAIL ("%s: the database changed (%s -> %s)", c->name, before, after);
    }
  assert_alive ();
  if (failures->len > 0)
    g_error ("Failed cases:\n%s", failures->str);
  g_test_message ("%u FHIR cases (4xx + OperationOutcome), %u other cases (4xx), database "
                  "unchanged after each", n_fhir, n_other);
}

/* Injection strings in every text field: refused with a 4xx and nothing changed, or kept
 * verbatim in exactly one new booking. */
static void
test_injection (void)
{
  guint accepted = 0, refused = 0;

  for (guint f = 0; f < G_N_ELEMENTS (text_fields); f++)
    for (guint j = 0; j < G_N_ELEMENTS (injections); j++)
      {
        const char *slot;
        gint64 start;
        g_autofree char *text = NULL;
        g_autoptr(JsonNode) node = NULL;
        g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
        g_autofree char *value_json = NULL;
        g_autofree char *body = NULL;
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        g_autoptr(CrnTestResponse) r = NULL;
        gint64 bookings_before, bookings_after;

        g_assert_cmpuint (free_slots->len, >, 0);
        slot = g_ptr_array_index (free_slots, free_slots->len - 1);
        start = *(gint64 *) g_ptr_array_index (slot_starts, slot_starts->len - 1);
        text = crn_test_appointment_body (NULL, slot, GP_A, start, NULL);
        node = json_from_string (text, NULL);
        json_node_set_string (value, injections[j]);
        value_json = json_to_string (value, FALSE);
        rel_json_set (node, text_fields[f], value_json);
        body = json_to_string (node, FALSE);

        before = rel_db_digest (server);
        bookings_before = rel_db_count (server, "SELECT count(*) FROM bookings");
        r = crn_test_request (server, "POST", "/fhir/Appointment", token_of ("regulator"), body,
                              NULL);
        after = rel_db_digest (server);
        bookings_after = rel_db_count (server, "SELECT count(*) FROM bookings");
        g_test_message ("%s <- %s: %u", text_fields[f], injections[j], r->status);
        if (r->status >= 400 && r->status < 500)
          {
            assert_outcome (text_fields[f], r->status, r->body, r->json);
            g_assert_cmpstr (before, ==, after);
            refused++;
          }
        else if (r->status == 201)
          {
            const char *id = crn_test_json_string (r->json, "id");
            g_autofree char *path = g_strdup_printf ("/fhir/Appointment/%s", id);
            g_autoptr(CrnTestResponse) back = crn_test_request (server, "GET", path,
                                                                token_of ("practitioner"),
                                                                NULL, NULL);
            const char *stored;

            g_assert_cmpint (bookings_after, ==, bookings_before + 1);
            g_assert_cmpuint (back->status, ==, 200);
            /* The id is kept only when it is a valid UUID, the display and phone are rebuilt by the
             * server (normalised); every other field comes back as sent. */
            if (!g_str_equal (text_fields[f], "id") &&
                !g_str_equal (text_fields[f], "participant[0].actor.display") &&
                !g_str_equal (text_fields[f], "contained[0].telecom[0].value"))
              {
                stored = crn_test_json_string (back->json, text_fields[f]);
                g_assert_cmpstr (stored, ==, injections[j]);
              }
            g_ptr_array_remove_index (free_slots, free_slots->len - 1);
            g_ptr_array_remove_index (slot_starts, slot_starts->len - 1);
            accepted++;
          }
        else
          g_error ("%s <- %s: answered %u: %.300s", text_fields[f], injections[j], r->status,
                   r->body);
        g_assert_cmpint (rel_db_count (server, "SELECT count(*) FROM sqlite_master WHERE "
                                               "name = 'bookings'"), ==, 1);
      }
  assert_alive ();
  g_test_message ("injection: %u refused (4xx, database unchanged), %u kept verbatim",
                  refused, accepted);
}

/* Requests libsoup sees before any handler: raw bytes over TLS. */
typedef struct
{
  const char *name;
  const char *request;       /* NULL: built below */
  gboolean    outcome;       /* the answer must be an OperationOutcome */
} RawCase;

static void
test_raw (void)
{
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n",
                                           (char *) g_hash_table_lookup (tokens, "regulator"));
  g_autofree char *huge_header = NULL;
  g_autofree char *many_headers = NULL;
  g_autofree char *huge_token = NULL;
  g_autofree char *long_path = NULL;
  g_autofree char *big_length = NULL;
  g_autofree char *neg_length = NULL;
  g_autofree char *chunked = NULL;
  g_autofree char *bad_escape = NULL;
  g_autofree char *bad_escape_query = NULL;
  g_autofree char *dot_dot = NULL;
  g_autofree char *nul_path = NULL;
  g_autofree char *before = rel_db_digest (server);
  g_autofree char *after = NULL;

  {
    GString *s = g_string_new ("GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");

    for (guint i = 0; i < 200 * 1024; i++)
      g_string_append_c (s, 'a');
    g_string_append (s, "\r\nConnection: close\r\n\r\n");
    huge_header = g_string_free (s, FALSE);
  }
  {
    GString *s = g_string_new ("GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n");

    for (guint i = 0; i < 20000; i++)
      g_string_append_printf (s, "X-H%u: v\r\n", i);
    g_string_append (s, "Connection: close\r\n\r\n");
    many_headers = g_string_free (s, FALSE);
  }
  {
    GString *s = g_string_new ("GET /fhir/Slot HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Authorization: Bearer ");

    for (guint i = 0; i < 60000; i++)
      g_string_append_c (s, 'x');
    g_string_append (s, "\r\nConnection: close\r\n\r\n");
    huge_token = g_string_free (s, FALSE);
  }
  {
    GString *s = g_string_new ("GET /fhir/Slot/");

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (s, 'a');
    g_string_append (s, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    long_path = g_string_free (s, FALSE);
  }
  {
    /* 3 MB sent in full (the limit is 1 MB): refused without keeping it. */
    gsize size = 3 * 1024 * 1024;
    GString *s = g_string_new (NULL);

    g_string_printf (s, "POST /fhir/Appointment HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                     "Content-Type: application/fhir+json\r\n"
                     "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n", auth,
                     size);
    for (gsize i = 0; i < size; i++)
      g_string_append_c (s, ' ');
    big_length = g_string_free (s, FALSE);
  }
  neg_length = g_strdup_printf ("POST /fhir/Appointment HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                                "Content-Type: application/fhir+json\r\n"
                                "Content-Length: -5\r\nConnection: close\r\n\r\n{}", auth);
  chunked = g_strdup_printf ("POST /fhir/Appointment HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                             "Content-Type: application/fhir+json\r\n"
                             "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                             "2\r\n{}\r\n0\r\n\r\n", auth);
  bad_escape = g_strdup_printf ("GET /fhir/Slot/%%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                                "Connection: close\r\n\r\n", auth);
  bad_escape_query = g_strdup_printf ("GET /fhir/Slot?status=%%zz%% HTTP/1.1\r\n"
                                      "Host: 127.0.0.1\r\n%sConnection: close\r\n\r\n", auth);
  dot_dot = g_strdup_printf ("GET /fhir/../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                             "Connection: close\r\n\r\n", auth);
  nul_path = g_strdup_printf ("GET /fhir/Slot/%%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                              "Connection: close\r\n\r\n", auth);

  {
    const RawCase raw[] = {
      { "200 kB header", huge_header, FALSE },
      { "20000 headers", many_headers, FALSE },
      { "60 kB bearer token", huge_token, FALSE },
      { "100 kB path", long_path, FALSE },
      { "3 MB body", big_length, TRUE },
      { "Content-Length negative", neg_length, FALSE },
      { "chunked body", chunked, TRUE },
      { "bad %-escape in path", bad_escape, TRUE },
      { "bad %-escape in query", bad_escape_query, TRUE },
      { "dot segments", dot_dot, FALSE },
      { "NUL in path", nul_path, TRUE },
      { "garbage request line", "BLAH\r\n\r\n", FALSE },
      { "HTTP/9.9", "GET /fhir/metadata HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n", FALSE },
      { "no Host", "GET /fhir/metadata HTTP/1.1\r\nConnection: close\r\n\r\n", FALSE },
      { "absolute URI to elsewhere", "GET http://example.org/fhir/metadata HTTP/1.1\r\n"
                                     "Host: example.org\r\nConnection: close\r\n\r\n", FALSE },
      { "header without colon", "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nBroken\r\n"
                                "Connection: close\r\n\r\n", FALSE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
      {
        g_autoptr(RelRawResponse) r = rel_raw_request (server, raw[i].request,
                                                       strlen (raw[i].request));

        g_test_message ("raw: %-28s -> %u (%" G_GSIZE_FORMAT " bytes of body)", raw[i].name,
                        r->status, r->body_len);
        /* 0: the server closed the connection without answering, which is a fine answer
         * to bytes that are not HTTP. A 2xx is fine only where the request is harmless
         * (libsoup normalises "/fhir/../../x" and skips a header line without a colon). */
        /* 505 HTTP Version Not Supported is libsoup's answer to HTTP/9.9 (RFC 9110), written
         * before any handler runs: the one 5xx that is not a server failure. */
        if (r->status >= 500 && !(r->status == 505 && g_str_equal (raw[i].name, "HTTP/9.9")))
          g_error ("raw %s: answered %u", raw[i].name, r->status);
        if (r->status != 0 && r->status < 400 && !g_str_equal (raw[i].name, "dot segments") &&
            !g_str_equal (raw[i].name, "absolute URI to elsewhere") &&
            !g_str_equal (raw[i].name, "header without colon"))
          g_error ("raw %s: answered %u", raw[i].name, r->status);
        if (g_str_equal (raw[i].name, "dot segments"))
          g_assert_null (strstr (r->body, "root:"));
        if (raw[i].outcome)
          {
            g_autoptr(JsonNode) json = json_from_string (r->body, NULL);

            g_assert_cmpuint (r->status, >=, 400);
            assert_outcome (raw[i].name, r->status, r->body, json);
          }
        assert_alive ();
      }
  }
  after = rel_db_digest (server);
  g_assert_cmpstr (before, ==, after);
}

/* A body just above the limit, sent in full: 413 with an OperationOutcome. */
static void
test_huge_body (void)
{
  gsize size = 1024 * 1024 + 1;
  g_autofree char *body = g_malloc (size + 1);
  g_autofree char *before = rel_db_digest (server);
  g_autofree char *after = NULL;
  g_autoptr(CrnTestResponse) r = NULL;

  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  body[size] = '\0';
  r = crn_test_request (server, "POST", "/fhir/Appointment", token_of ("regulator"), body, NULL);
  g_assert_cmpuint (r->status, ==, 413);
  assert_outcome ("huge body", r->status, r->body, r->json);
  after = rel_db_digest (server);
  g_assert_cmpstr (before, ==, after);
  assert_alive ();
}

static void
add_slots (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *put_path = g_strdup_printf ("/fhir/Schedule/sched-%s-%s", GP_A, PLACE_A);
  g_autoptr(CrnTestResponse) put = NULL;
  gint64 firsts[N_SLOTS / 8];

  /* Extra blocks of 8 slots of 20 min, none across local midnight, from 2.5 h from now. */
  for (guint b = 0; b < G_N_ELEMENTS (firsts); b++)
    {
      CrnTemplateException *extra = crn_template_exception_new ();

      /* Each block after the one before (see rel_add_slots()). */
      firsts[b] = b == 0 ? crn_test_pick_start (150, 8 * 20)
                         : rel_pick_start_after (firsts[b - 1] + 8 * 20 * 60 + 10 * 60, 8 * 20);
      g_free (extra->id);
      extra->id = crn_uuid_new ();
      extra->kind = CRN_EXCEPTION_EXTRA;
      extra->start = firsts[b];
      extra->end = firsts[b] + 8 * 20 * 60;
      extra->slot_minutes = 20;
      extra->modalities = CRN_MODALITY_AMB;
      extra->visibility = REG;
      crn_template_add_exception (agenda, extra);
    }
  node = crn_fhir_schedule_build (agenda, NULL);
  body = crn_fhir_to_string (node, FALSE);
  put = crn_test_request (server, "PUT", put_path, token_of ("practitioner"), body, NULL);
  if (put->status != 200)
    g_error ("Schedule PUT: %u %s", put->status, put->body);

  for (guint i = 0; i < N_SLOTS; i++)
    {
      gint64 start = firsts[i / 8] + (i % 8) * 20 * 60;
      g_autofree char *iso = crn_test_iso_param (start);
      g_autofree char *path = g_strdup_printf ("/fhir/Slot?actor=Practitioner/pract-%s"
                                               "&status=free&start=ge%s&start=le%s", GP_A,
                                               iso, iso);
      g_autoptr(CrnTestResponse) r = crn_test_request (server, "GET", path,
                                                       token_of ("regulator"), NULL, NULL);

      g_assert_cmpuint (r->status, ==, 200);
      if (crn_test_json_int (r->json, "total") != 1)
        continue;     /* an instant the expansion skips (a time change) */
      g_ptr_array_add (free_slots, g_strdup (crn_test_json_string (r->json,
                                                                    "entry[0].resource.id")));
      g_ptr_array_add (slot_starts, g_memdup2 (&start, sizeof start));
    }
  g_assert_cmpuint (free_slots->len, >=, 52);
}

int
main (int   argc,
      char *argv[])
{
  const char *roles[] = { "regulator", "pharmacy", "secretary", "coordinator" };
  int status;

  g_test_init (&argc, &argv, NULL);
  server = crn_test_server_start (NULL);
  tokens = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_hash_table_insert (tokens, (char *) roles[i],
                         crn_test_server_token (server, crn_test_server_login_for (server,
                                                                                   roles[i]),
                                                NULL));
  g_hash_table_insert (tokens, (char *) "practitioner", crn_test_server_token (server, "dr.morel", NULL));
  g_hash_table_insert (tokens, (char *) "practitioner_b", crn_test_server_token (server, "dr.haddad",
                                                                        NULL));
  crn_test_put_policy (server, token_of ("coordinator"), 0, 0, 0, FALSE);
  agenda = crn_template_new (GP_A, PLACE_A);
  g_free (agenda->id);
  agenda->id = crn_uuid_new ();
  free_slots = g_ptr_array_new_with_free_func (g_free);
  slot_starts = g_ptr_array_new_with_free_func (g_free);
  add_slots ();

  /* One booking (target of the updates) and one spare free slot. */
  {
    g_autofree char *body = NULL;
    g_autoptr(CrnTestResponse) r = NULL;

    booked_slot = g_strdup (g_ptr_array_index (free_slots, 0));
    booked_start = *(gint64 *) g_ptr_array_index (slot_starts, 0);
    spare_slot = g_strdup (g_ptr_array_index (free_slots, 1));
    spare_start = *(gint64 *) g_ptr_array_index (slot_starts, 1);
    g_ptr_array_remove_range (free_slots, 0, 2);
    g_ptr_array_remove_range (slot_starts, 0, 2);
    body = crn_test_appointment_body (NULL, booked_slot, GP_A, booked_start, NULL);
    r = crn_test_request (server, "POST", "/fhir/Appointment", token_of ("regulator"), body,
                          NULL);
    g_assert_cmpuint (r->status, ==, 201);
    booked_id = g_strdup (crn_test_json_string (r->json, "id"));
  }

  g_test_add_func ("/reliability/bad-input/table", test_table);
  g_test_add_func ("/reliability/bad-input/huge-body", test_huge_body);
  g_test_add_func ("/reliability/bad-input/raw-http", test_raw);
  g_test_add_func ("/reliability/bad-input/injection", test_injection);
  status = g_test_run ();

  crn_template_free (agenda);
  g_ptr_array_unref (free_slots);
  g_ptr_array_unref (slot_starts);
  g_free (booked_id);
  g_free (booked_slot);
  g_free (spare_slot);
  g_hash_table_unref (tokens);
  crn_test_server_free (server);
  return status;
}
