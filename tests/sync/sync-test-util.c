/* sync-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "sync-test-util.h"

/* ---------------------------------------------------------------------------------- */
/* Loops                                                                               */

void
sync_test_result_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

GAsyncResult *
sync_test_wait (GAsyncResult **result)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, on_timeout_cb, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("An operation did not finish within 60 s");
  g_source_remove (id);
  return *result;
}

void
sync_test_wait_flag (gboolean *flag,
                     guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("A condition did not become true within %u ms", timeout_ms);
  g_source_remove (id);
}

void
sync_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* ---------------------------------------------------------------------------------- */
/* Files                                                                               */

char *
sync_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("crn-sync-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
sync_test_rmrf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          sync_test_rmrf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

CrnStore *
sync_test_open_store (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnStore *store;

  crn_store_new_async (path, NULL, sync_test_result_cb, &result);
  store = crn_store_new_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return store;
}

CrnBooking *
sync_test_week_booking (CrnStore   *store,
                        const char *idnps,
                        const char *slot_id)
{
  const char *gps[] = { idnps, NULL };
  CrnInstant now = crn_time_now ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) week = NULL;

  crn_store_week_async (store, gps, now - 7 * 86400, now + 60 * 86400, NULL,
                        sync_test_result_cb, &result);
  week = crn_store_week_finish (store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *entry = g_ptr_array_index (week, i);

      if (g_strcmp0 (entry->slot->id, slot_id) == 0 && entry->booking != NULL)
        return crn_booking_copy (entry->booking);
    }
  return NULL;
}

GError *
sync_test_run (CrnSync *sync)
{
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  crn_sync_sync_async (sync, NULL, sync_test_result_cb, &result);
  crn_sync_sync_finish (sync, sync_test_wait (&result), &error);
  return error;
}

void
sync_test_clear_keyring (const char *url,
                         const char *login)
{
  g_autoptr(GAsyncResult) result = NULL;

  crn_secret_store_clear_async (url, login, NULL, sync_test_result_cb, &result);
  crn_secret_store_clear_finish (sync_test_wait (&result), NULL);
}

guint
sync_test_outbox_count (CrnStore       *store,
                        CrnOutboxState  state)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  crn_store_outbox_count_async (store, state, NULL, sync_test_result_cb, &result);
  crn_store_outbox_count_finish (store, sync_test_wait (&result), &count, &error);
  g_assert_no_error (error);
  return count;
}

CrnSlot *
sync_test_stored_slot (CrnStore   *store,
                       const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnSlot *slot;

  crn_store_get_slot_async (store, id, NULL, sync_test_result_cb, &result);
  slot = crn_store_get_slot_finish (store, sync_test_wait (&result), &error);
  if (g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND))
    return NULL;
  g_assert_no_error (error);
  return slot;
}

CrnBooking *
sync_test_stored_booking (CrnStore   *store,
                          const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CrnBooking *booking;

  crn_store_get_booking_async (store, id, NULL, sync_test_result_cb, &result);
  booking = crn_store_get_booking_finish (store, sync_test_wait (&result), &error);
  if (g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND))
    return NULL;
  g_assert_no_error (error);
  return booking;
}

CrnInstant
sync_test_utc (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

CrnSlot *
sync_test_slot (const char *id,
                CrnInstant  start,
                guint       minutes)
{
  CrnSlot *slot = crn_slot_new ();

  slot->id = g_strdup (id);
  slot->practitioner = g_strdup (TEST_IDNPS);
  slot->place_id = g_strdup (TEST_PLACE);
  slot->start = start;
  slot->end = start + minutes * 60;
  slot->modalities = CRN_MODALITY_AMB;
  slot->visibility = CRN_VISIBILITY_SNP;
  slot->status = CRN_SLOT_STATUS_FREE;
  return slot;
}

/* ---------------------------------------------------------------------------------- */
/* The fake server                                                                     */

static void
send_json (SoupServerMessage *msg,
           guint              status,
           JsonNode          *node,
           gint64             version)
{
  g_autofree char *text = crn_fhir_to_string (node, FALSE);

  if (version > 0)
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", version);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag",
                                    etag);
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

static void
send_outcome (SoupServerMessage *msg,
              guint              status,
              const char        *code,
              const char        *text)
{
  g_autoptr(JsonNode) node = crn_fhir_operation_outcome_new (CRN_FHIR_SEVERITY_ERROR, code,
                                                             text, NULL, NULL);

  send_json (msg, status, node, 0);
}

static void
token_handler (SyncFake          *fake,
               SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant = g_hash_table_lookup (form, "grant_type");
  g_autofree char *reply = NULL;

  fake->n_tokens++;
  if (fake->token_body != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        fake->token_body, strlen (fake->token_body));
      return;
    }
  if (g_strcmp0 (grant, "password") == 0 &&
      g_strcmp0 (g_hash_table_lookup (form, "username"), TEST_LOGIN) == 0 &&
      g_strcmp0 (g_hash_table_lookup (form, "password"), TEST_PASSWORD) == 0)
    fake->n_password++;
  else if (g_strcmp0 (grant, "refresh_token") == 0 && fake->refresh != NULL &&
           g_strcmp0 (g_hash_table_lookup (form, "refresh_token"), fake->refresh) == 0)
    ;
  else
    {
      static const char bad[] = "{\"error\":\"invalid_grant\",\"error_description\":\"no\"}";

      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, bad,
                                        strlen (bad));
      return;
    }

  g_free (fake->access);
  g_free (fake->refresh);
  fake->access = g_strdup_printf ("access-%u", fake->n_tokens);
  fake->refresh = g_strdup_printf ("refresh-%u", fake->n_tokens);
  reply = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\","
                           "\"expires_in\":900,\"refresh_token\":\"%s\","
                           "\"role\":\"practitioner\",\"display_name\":\"Dr Test\","
                           "\"practitioner\":\"%s\",\"acts_for\":[]}",
                           fake->access, fake->refresh, TEST_IDNPS);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply,
                                    strlen (reply));
}

static gint
compare_lu (gconstpointer a,
            gconstpointer b)
{
  const CrnSlot *sa = *(const CrnSlot * const *) a;
  const CrnSlot *sb = *(const CrnSlot * const *) b;

  return sa->last_updated_ms < sb->last_updated_ms ? -1 : sa->last_updated_ms > sb->last_updated_ms;
}

static void
search (SyncFake          *fake,
        SoupServerMessage *msg,
        const char        *type,
        GHashTable        *query)
{
  g_autoptr(CrnFhirBundleBuilder) bundle = NULL;
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *base = g_strdup_printf ("%s/fhir", fake->url);
  g_autofree char *self_url = g_uri_to_string (soup_server_message_get_uri (msg));
  const char *lu = query != NULL ? g_hash_table_lookup (query, "_lastUpdated") : NULL;
  const char *count_text = query != NULL ? g_hash_table_lookup (query, "_count") : NULL;
  const char *offset_text = query != NULL ? g_hash_table_lookup (query, "_offset") : NULL;
  guint count = count_text != NULL ? (guint) g_ascii_strtoull (count_text, NULL, 10) : 100;
  guint offset = offset_text != NULL ? (guint) g_ascii_strtoull (offset_text, NULL, 10) : 0;
  gint64 after = -1;

  if (lu != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (g_str_has_prefix (lu, "gt"));
      g_assert_true (crn_fhir_parse_datetime_ms (lu + 2, &after, "_lastUpdated", &error));
    }
  if (type == NULL || g_str_equal (type, "Slot"))
    for (guint i = 0; i < fake->slots->len; i++)
      {
        CrnSlot *slot = g_ptr_array_index (fake->slots, i);

        if (slot->last_updated_ms > after)
          g_ptr_array_add (matches, slot);
      }
  g_ptr_array_sort (matches, compare_lu);

  bundle = crn_fhir_bundle_builder_new (base, self_url, NULL);
  crn_fhir_bundle_builder_set_total (bundle, matches->len);
  for (guint i = offset; i < matches->len && i < offset + count; i++)
    {
      CrnSlot *slot = g_ptr_array_index (matches, i);
      g_autoptr(JsonNode) resource = crn_fhir_slot_build (slot, NULL);

      crn_fhir_bundle_builder_add (bundle, resource, CRN_FHIR_SEARCH_MODE_MATCH);
    }
  if (offset + count < matches->len)
    {
      g_autofree char *next = NULL;
      g_autofree char *escaped = lu != NULL ? g_uri_escape_string (lu, NULL, FALSE) : NULL;

      /* type NULL: a search of the whole server (`_type`), as the sync's pull asks. */
      next = g_strdup_printf ("%s/fhir%s%s?%s_sort=_lastUpdated&_count=%u&_offset=%u%s%s",
                              fake->url, type != NULL ? "/" : "", type != NULL ? type : "",
                              type != NULL ? "" : "_type=Schedule,Slot,Appointment&",
                              count, offset + count,
                              lu != NULL ? "&_lastUpdated=" : "", lu != NULL ? escaped : "");
      crn_fhir_bundle_builder_set_next (bundle, next);
    }
  node = crn_fhir_bundle_builder_end (bundle);
  send_json (msg, SOUP_STATUS_OK, node, 0);
}

CrnSlot *
sync_fake_get_slot (SyncFake   *fake,
                    const char *id)
{
  for (guint i = 0; i < fake->slots->len; i++)
    {
      CrnSlot *slot = g_ptr_array_index (fake->slots, i);

      if (g_strcmp0 (slot->id, id) == 0)
        return slot;
    }
  return NULL;
}

CrnSlot *
sync_fake_put_slot (SyncFake      *fake,
                    const CrnSlot *slot)
{
  CrnSlot *old = sync_fake_get_slot (fake, slot->id);
  CrnSlot *copy = crn_slot_copy (slot);

  copy->version = old != NULL ? old->version + 1 : 1;
  fake->clock_ms = MAX (fake->clock_ms + 1, g_get_real_time () / 1000);
  copy->last_updated_ms = fake->clock_ms;
  if (old != NULL)
    g_ptr_array_remove (fake->slots, old);
  g_ptr_array_add (fake->slots, copy);
  return copy;
}

static void
slot_put (SyncFake          *fake,
          SoupServerMessage *msg,
          const char        *id)
{
  const char *if_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                       "If-Match");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CrnSlot) wanted = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_auto(CrnFhirSlotInfo) info = { 0 };
  CrnSlot *current = sync_fake_get_slot (fake, id);
  CrnSlot *stored;

  g_ptr_array_add (fake->if_match_log, g_strdup (if_match != NULL ? if_match : ""));
  if (current == NULL)
    {
      send_outcome (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such slot.");
      return;
    }
  expected = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", current->version);
  if (if_match != NULL && g_strcmp0 (if_match, expected) != 0)
    {
      send_outcome (msg, SOUP_STATUS_PRECONDITION_FAILED, "conflict",
                    "Someone changed this slot first.");
      return;
    }
  if (fake->put_status == 422)
    {
      send_outcome (msg, 422, "business-rule",
                    "Too late: a slot can be reclaimed until 2 hours before it starts.");
      return;
    }
  node = crn_fhir_parse_bytes (body, &error);
  g_assert_no_error (error);
  wanted = crn_fhir_slot_parse (node, &info, &error);
  g_assert_no_error (error);
  stored = sync_fake_put_slot (fake, wanted);
  reply = crn_fhir_slot_build (stored, NULL);
  send_json (msg, SOUP_STATUS_OK, reply, stored->version);
}

static gboolean
on_unpause_cb (gpointer user_data)
{
  soup_server_message_unpause (user_data);
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  SyncFake *fake = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *expected = NULL;
  g_auto(GStrv) parts = NULL;

  g_ptr_array_add (fake->log, g_strdup_printf ("%s %s%s%s", method, path,
                                               raw_query != NULL ? "?" : "",
                                               raw_query != NULL ? raw_query : ""));
  if (g_str_equal (path, "/oauth/token"))
    {
      token_handler (fake, msg);
      return;
    }

  expected = g_strconcat ("Bearer ", fake->access, NULL);
  if (fake->access == NULL || g_strcmp0 (auth, expected) != 0)
    {
      send_outcome (msg, SOUP_STATUS_UNAUTHORIZED, "login", "Sign in.");
      return;
    }
  if (fake->fail_401 > 0)
    {
      fake->fail_401--;
      g_clear_pointer (&fake->access, g_free);
      send_outcome (msg, SOUP_STATUS_UNAUTHORIZED, "login", "Expired.");
      return;
    }
  if (fake->fail_skip > 0 && (fake->fail_500 > 0 || fake->fail_malformed > 0))
    fake->fail_skip--;
  else if (fake->fail_500 > 0)
    {
      fake->fail_500--;
      send_outcome (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "exception", "Boom.");
      return;
    }
  else if (fake->fail_malformed > 0)
    {
      static const char garbage[] = "{\"resourceType\": \"Bundle\", \"entry\": [ {";

      fake->fail_malformed--;
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_STATIC,
                                        garbage, strlen (garbage));
      return;
    }

  parts = g_strsplit (path, "/", 0);   /* "", "fhir", type, id */
  if ((g_str_equal (path, "/fhir") || g_str_equal (path, "/fhir/")) &&
      g_str_equal (method, "GET") && query != NULL && g_hash_table_contains (query, "_type"))
    search (fake, msg, NULL, query);   /* the fake holds slots only */
  else if (g_strv_length (parts) == 3 && g_str_equal (method, "GET"))
    search (fake, msg, parts[2], query);
  else if (g_strv_length (parts) == 4 && g_str_equal (parts[2], "Slot") &&
           g_str_equal (method, "GET"))
    {
      CrnSlot *slot = sync_fake_get_slot (fake, parts[3]);
      g_autoptr(JsonNode) node = NULL;

      if (slot == NULL)
        send_outcome (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such slot.");
      else
        {
          node = crn_fhir_slot_build (slot, NULL);
          send_json (msg, SOUP_STATUS_OK, node, slot->version);
        }
    }
  else if (g_strv_length (parts) == 4 && g_str_equal (parts[2], "Slot") &&
           g_str_equal (method, "PUT"))
    slot_put (fake, msg, parts[3]);
  else
    send_outcome (msg, SOUP_STATUS_NOT_FOUND, "not-found", "Nothing here.");

  if (fake->delay_ms > 0)
    {
      soup_server_message_pause (msg);
      g_timeout_add (fake->delay_ms, on_unpause_cb, g_object_ref (msg));
    }
}

SyncFake *
sync_fake_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  SyncFake *fake = g_new0 (SyncFake, 1);
  GSList *uris;

  cert = g_tls_certificate_new_from_files (g_getenv ("CRN_TEST_TLS_CERT"),
                                           g_getenv ("CRN_TEST_TLS_KEY"), &error);
  g_assert_no_error (error);
  fake->server = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (fake->server, NULL, fake_handler, fake, NULL);
  soup_server_listen_local (fake->server, 0,
                            SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fake->log = g_ptr_array_new_with_free_func (g_free);
  fake->if_match_log = g_ptr_array_new_with_free_func (g_free);
  fake->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  return fake;
}

void
sync_fake_free (SyncFake *fake)
{
  sync_test_spin (50);
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  sync_test_spin (50);
  g_free (fake->url);
  g_ptr_array_unref (fake->log);
  g_ptr_array_unref (fake->if_match_log);
  g_ptr_array_unref (fake->slots);
  g_free (fake->access);
  g_free (fake->refresh);
  g_free (fake);
}

guint
sync_fake_count (SyncFake   *fake,
                 const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < fake->log->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (fake->log, i), prefix);
  return n;
}

void
sync_fake_clear_log (SyncFake *fake)
{
  g_ptr_array_set_size (fake->log, 0);
  g_ptr_array_set_size (fake->if_match_log, 0);
}
