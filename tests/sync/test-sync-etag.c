/* test-sync-etag.c: the conditional pull (If-None-Match / 304) against the real server
 *
 * A no-change sync is answered 304 Not Modified and changes nothing; a change another
 * account of the practice makes right after is still pulled; a change in another practice
 * changes nothing in the store; a stale or garbage If-None-Match gets a full answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include <string.h>

#include "crn-change.h"
#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync.h"
#include "sync-test-server.h"
#include "sync-test-util.h"

#define SECRETARY  "secretariat.tilleuls"
#define GP_LOGIN   "dr.morel"       /* of the secretary's practice */
#define GP_IDNPS   "899700100011"
#define OTHER_GP   "dr.haddad"      /* another practice */
#define OTHER_IDNPS "899700100035"
#define SEARCH     "/fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated&_count=100"

/* What the sync's session sent and got for its pulls' searches. */
typedef struct
{
  guint n_searches;
  guint n_conditional;   /* sent with If-None-Match */
  guint n_not_modified;  /* answered 304 */
  guint n_ok;            /* answered 200 */
  guint n_changed;       /* store-changed signals */
} Seen;

typedef struct
{
  SyncServer *server;
  char       *dir;
  CrnStore   *store;
  CrnSync    *sync;
  Seen        seen;
} Fixture;

static void
on_search_finished_cb (SoupMessage *msg,
                       gpointer     user_data)
{
  Seen *seen = user_data;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  seen->n_searches++;
  if (soup_message_headers_get_one (headers, "If-None-Match") != NULL)
    seen->n_conditional++;
  if (soup_message_get_status (msg) == SOUP_STATUS_NOT_MODIFIED)
    seen->n_not_modified++;
  else if (soup_message_get_status (msg) == SOUP_STATUS_OK)
    seen->n_ok++;
}

static void
on_request_queued_cb (SoupSession *session,
                      SoupMessage *msg,
                      gpointer     user_data)
{
  GUri *uri = soup_message_get_uri (msg);

  if (g_str_equal (g_uri_get_path (uri), "/fhir") && g_uri_get_query (uri) != NULL &&
      g_str_has_prefix (g_uri_get_query (uri), "_type="))
    g_signal_connect (msg, "finished", G_CALLBACK (on_search_finished_cb), user_data);
}

static void
on_store_changed_cb (CrnSync    *sync,
                     const char *type,
                     guint       n,
                     gpointer    user_data)
{
  Seen *seen = user_data;

  seen->n_changed++;
}

static void
run_sync (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  crn_sync_sync_async (f->sync, NULL, sync_test_result_cb, &result);
  crn_sync_sync_finish (f->sync, sync_test_wait (&result), &error);
  g_assert_no_error (error);
}

static gint64
watermark (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSyncState) state = NULL;

  crn_store_get_sync_state_async (f->store, CRN_SYNC_PULL_RESOURCE, NULL, sync_test_result_cb,
                                  &result);
  state = crn_store_get_sync_state_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return state->watermark_ms;
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;

  f->server = sync_server_start (NULL);
  f->dir = sync_test_tmpdir ();
  store_path = g_build_filename (f->dir, "creneaux.db", NULL);
  f->store = sync_test_open_store (store_path);
  crn_sync_sign_in_async (f->store, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), SECRETARY,
                          sync_server_password (f->server, SECRETARY), NULL,
                          sync_test_result_cb, &result);
  f->sync = crn_sync_sign_in_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  /* Small pages: the first pull follows `next` links. */
  crn_sync_set_page_size (f->sync, 100);
  g_signal_connect (crn_client_get_session (crn_sync_get_client (f->sync)), "request-queued",
                    G_CALLBACK (on_request_queued_cb), &f->seen);
  g_signal_connect (f->sync, "store-changed", G_CALLBACK (on_store_changed_cb), &f->seen);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_clear_object (&f->sync);
  crn_secret_store_clear_async (f->server->url, SECRETARY, NULL, sync_test_result_cb, &result);
  crn_secret_store_clear_finish (sync_test_wait (&result), NULL);
  g_clear_object (&f->store);
  sync_test_spin (20);
  sync_server_stop (f->server, FALSE);
  sync_test_rmrf (f->dir);
  g_free (f->dir);
}

static CrnResponse *
get (CrnClient  *client,
     const char *path,
     const char *if_none_match)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnResponse *response;

  crn_client_get_async (client, path, if_none_match, NULL, sync_test_result_cb, &result);
  response = crn_client_request_finish (client, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  /* A 2xx body comes unparsed (the pull reads it in a worker thread). */
  if (response->raw != NULL)
    {
      g_assert_null (response->body);
      response->body = crn_fhir_parse_bytes (response->raw, &error);
      g_assert_no_error (error);
    }
  return response;
}

/* @login keeps a daily hour for the practice's own patients on its first Schedule (PUT,
 * as the app does); the server stores it and expands its slots. Returns the template's id
 * and sets its new version. */
static char *
add_private_hour (Fixture    *f,
                  const char *login,
                  gint64     *version)
{
  g_autoptr(CrnClient) client = sync_server_client (f->server, login);
  g_autoptr(CrnResponse) found = get (client, "/fhir/Schedule?_count=10", NULL);
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnTemplate) template = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnResponse) response = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_auto(CrnFhirScheduleInfo) info = { 0 };
  guint iter = 0;
  JsonNode *node;

  g_assert_cmpuint (found->status, ==, 200);
  reader = crn_fhir_bundle_reader_new (found->body, &error);
  g_assert_no_error (error);
  node = crn_fhir_bundle_reader_next (reader, "Schedule", &iter);
  g_assert_nonnull (node);
  template = crn_fhir_schedule_parse (node, &info, &error);
  g_assert_no_error (error);
  if_match = crn_client_format_etag (template->version);
  id = crn_fhir_schedule_id (template->practitioner, template->place_id);
  path = g_strdup_printf ("/fhir/Schedule/%s", id);

  /* A free hour of the day: the demo's blocks (one starts soon, at a time that depends
   * on now) leave several; the server refuses overlapping ones. */
  for (guint hour = 8; hour < 20; hour++)
    {
      g_autoptr(CrnTemplate) changed = crn_template_copy (template);
      CrnTemplateBlock *block = crn_template_block_new ();

      g_free (block->id);
      block->id = crn_uuid_new ();
      block->weekdays = CRN_WEEKDAY_BIT (G_DATE_MONDAY) | CRN_WEEKDAY_BIT (G_DATE_FRIDAY);
      block->start_minute = hour * 60;
      block->end_minute = hour * 60 + 40;
      block->slot_minutes = 20;
      block->modalities = CRN_MODALITY_AMB;
      block->visibility = CRN_VISIBILITY_NONE;
      crn_template_add_block (changed, block);

      body = crn_change_build_template (changed);
      crn_client_request_async (client, "PUT", path, if_match, NULL, body, NULL,
                                sync_test_result_cb, &result);
      g_clear_pointer (&body, json_node_unref);
      g_clear_pointer (&response, crn_response_free);
      response = crn_client_request_finish (client, sync_test_wait (&result), &error);
      g_clear_object (&result);
      g_assert_no_error (error);
      if (response->status != 422)
        break;
    }
  if (response->status != 200)
    {
      g_autofree char *message = crn_response_dup_message (response);

      g_error ("%s could not change its Schedule: %u %s", login, response->status, message);
    }
  g_assert_cmpint (response->version, >, template->version);
  if (version != NULL)
    *version = response->version;
  return g_strdup (template->id);
}

/* The templates of @idnps in the store. */
static GPtrArray *
stored_templates (Fixture    *f,
                  const char *idnps)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *templates;

  crn_store_list_templates_async (f->store, idnps, NULL, sync_test_result_cb, &result);
  templates = crn_store_list_templates_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return templates;
}

/* ---------------------------------------------------------------------------------- */

/* The first pull pages through the agenda; the next one is a 304 that changes nothing. */
static void
test_no_change (Fixture       *f,
                gconstpointer  data)
{
  gint64 mark;

  run_sync (f);
  g_assert_cmpuint (f->seen.n_searches, >, 1);           /* followed `next` links */
  g_assert_cmpuint (f->seen.n_conditional, ==, 0);       /* nothing to validate yet */
  g_assert_cmpuint (f->seen.n_changed, >, 0);
  mark = watermark (f);
  g_assert_cmpint (mark, >, 0);

  f->seen = (Seen) { 0 };
  for (guint i = 0; i < 3; i++)
    run_sync (f);
  g_assert_cmpuint (f->seen.n_searches, ==, 3);
  g_assert_cmpuint (f->seen.n_conditional, ==, 3);
  g_assert_cmpuint (f->seen.n_not_modified, ==, 3);
  g_assert_cmpuint (f->seen.n_changed, ==, 0);
  g_assert_cmpint (watermark (f), ==, mark);
}

/* A GP of the practice changes their Schedule right after a 304: the next sync pulls it. */
static void
test_same_practice_change (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) templates = NULL;
  g_autofree char *id = NULL;
  gint64 mark, version = 0;
  gboolean pulled = FALSE;

  run_sync (f);
  run_sync (f);
  g_assert_cmpuint (f->seen.n_not_modified, ==, 1);
  mark = watermark (f);
  f->seen = (Seen) { 0 };
  templates = stored_templates (f, GP_IDNPS);
  for (guint i = 0; i < templates->len; i++)
    g_assert_cmpint (((CrnTemplate *) g_ptr_array_index (templates, i))->version, ==, 1);
  g_clear_pointer (&templates, g_ptr_array_unref);

  id = add_private_hour (f, GP_LOGIN, &version);
  run_sync (f);
  g_assert_cmpuint (f->seen.n_conditional, ==, 1);     /* the first page only */
  g_assert_cmpuint (f->seen.n_not_modified, ==, 0);
  g_assert_cmpuint (f->seen.n_ok, ==, f->seen.n_searches);  /* its slots: two pages */
  g_assert_cmpuint (f->seen.n_changed, >, 0);
  g_assert_cmpint (watermark (f), >, mark);
  templates = stored_templates (f, GP_IDNPS);
  for (guint i = 0; i < templates->len; i++)
    {
      CrnTemplate *t = g_ptr_array_index (templates, i);

      /* (the store keys a pulled Schedule by its server id) */
      if (t->version == version)
        pulled = TRUE;
    }
  g_assert_true (pulled);

  /* Then nothing again. */
  f->seen = (Seen) { 0 };
  run_sync (f);
  g_assert_cmpuint (f->seen.n_not_modified, ==, 1);
}

/* A change in another practice: the answer is still right (nothing for this account), the
 * store and its watermark do not move, and the sync after is a 304 again. */
static void
test_other_practice_change (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) templates = NULL;
  gint64 mark;

  run_sync (f);
  mark = watermark (f);
  g_free (add_private_hour (f, OTHER_GP, NULL));
  f->seen = (Seen) { 0 };
  run_sync (f);
  g_assert_cmpuint (f->seen.n_searches, ==, 1);
  g_assert_cmpuint (f->seen.n_changed, ==, 0);
  g_assert_cmpint (watermark (f), ==, mark);
  templates = stored_templates (f, OTHER_IDNPS);
  g_assert_cmpuint (templates->len, ==, 0);

  f->seen = (Seen) { 0 };
  run_sync (f);
  g_assert_cmpuint (f->seen.n_not_modified, ==, 1);
  g_assert_cmpuint (f->seen.n_changed, ==, 0);
}

/* The server side, request by request (RFC 9110 §13.1.2). */
static void
test_if_none_match (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CrnClient) secretary = sync_server_client (f->server, SECRETARY);
  g_autoptr(CrnClient) gp = sync_server_client (f->server, GP_LOGIN);
  g_autoptr(CrnResponse) first = get (secretary, SEARCH, NULL);
  g_autofree char *strong = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *stale = NULL;
  const char *opaque;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_nonnull (first->body);
  g_assert_nonnull (first->etag);
  {
    /* The next page's link is also in a Link header, for the app to ask for it before it
     * reads the body. */
    g_autoptr(CrnFhirBundleReader) reader = crn_fhir_bundle_reader_new (first->body, NULL);

    g_assert_nonnull (reader);
    g_assert_nonnull (crn_fhir_bundle_reader_get_next_link (reader));
    g_assert_cmpstr (first->next, ==, crn_fhir_bundle_reader_get_next_link (reader));
  }
  g_assert_true (g_str_has_prefix (first->etag, "W/\""));
  opaque = first->etag + 2;

  {
    /* Unchanged: 304 with the same validator and no body; weak comparison; a list. */
    g_autoptr(CrnResponse) same = get (secretary, SEARCH, first->etag);
    g_autoptr(CrnResponse) weak = NULL;
    g_autoptr(CrnResponse) in_list = NULL;
    g_autoptr(CrnResponse) star = NULL;

    g_assert_cmpuint (same->status, ==, 304);
    g_assert_null (same->body);
    g_assert_null (same->raw);
    g_assert_cmpstr (same->etag, ==, first->etag);
    strong = g_strdup (opaque);
    weak = get (secretary, SEARCH, strong);
    g_assert_cmpuint (weak->status, ==, 304);
    listed = g_strdup_printf ("W/\"other\", %s", first->etag);
    in_list = get (secretary, SEARCH, listed);
    g_assert_cmpuint (in_list->status, ==, 304);
    star = get (secretary, SEARCH, "*");
    g_assert_cmpuint (star->status, ==, 304);
  }

  {
    /* Garbage, a validator never given, another account's: a full answer. */
    const char *bad[] = { "garbage", "W/\"0-0-0\"", "\"", "W/", "" };
    g_autoptr(CrnResponse) theirs = get (gp, SEARCH, NULL);

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(CrnResponse) response = get (secretary, SEARCH, bad[i]);

        g_assert_cmpuint (response->status, ==, 200);
        g_assert_nonnull (response->body);
        g_assert_cmpstr (response->etag, ==, first->etag);
      }
    g_assert_nonnull (theirs->etag);
    g_assert_cmpstr (theirs->etag, !=, first->etag);
    {
      g_autoptr(CrnResponse) response = get (secretary, SEARCH, theirs->etag);

      g_assert_cmpuint (response->status, ==, 200);
    }
  }

  /* Any write makes it stale: a full answer with a new validator. */
  g_free (add_private_hour (f, GP_LOGIN, NULL));
  stale = g_strdup (first->etag);
  {
    g_autoptr(CrnResponse) response = get (secretary, SEARCH, stale);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_nonnull (response->body);
    g_assert_cmpstr (response->etag, !=, stale);
  }

  {
    /* A refusal carries no validator. */
    g_autoptr(CrnResponse) refused = get (secretary, "/fhir?_type=Patient", NULL);

    g_assert_cmpuint (refused->status, ==, 400);
    g_assert_null (refused->etag);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      /* The keyring needs a D-Bus session: the test command provides one. */
      g_test_skip ("no D-Bus session for the keyring");
      return g_test_run ();
    }

  g_test_add ("/sync/etag/no-change", Fixture, NULL, setup, test_no_change, teardown);
  g_test_add ("/sync/etag/same-practice-change", Fixture, NULL, setup,
              test_same_practice_change, teardown);
  g_test_add ("/sync/etag/other-practice-change", Fixture, NULL, setup,
              test_other_practice_change, teardown);
  g_test_add ("/sync/etag/if-none-match", Fixture, NULL, setup, test_if_none_match, teardown);
  return g_test_run ();
}
