/* test-sync-server.c: the sync layer against the real creneaux-server (TLS on a free
 * loopback port) and the real keyring of the D-Bus session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSyncTest"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync.h"
#include "sync-test-server.h"
#include "sync-test-util.h"

#define GP_LOGIN   "dr.morel"
#define GP_IDNPS   "899700100011"
#define REG_LOGIN  "regulation.sas41"
#define PATIENT    "Secretnom-Testeur"

/* Everything this process logs, at every level, for the secrets check. */
static GString *logs;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        g_string_append_len (logs, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                  : fields[i].length);
        g_string_append_c (logs, '\n');
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

typedef struct
{
  SyncServer *server;
  char       *dir;
  char       *store_path;
  CrnStore   *store;
  GPtrArray  *refused;
} Fixture;

static void
on_refused_cb (CrnSync    *sync,
               const char *uuid,
               const char *kind,
               const char *target_id,
               const char *message,
               gpointer    user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->refused, g_strdup (message));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->server = sync_server_start_prepared ();
  f->dir = sync_test_tmpdir ();
  f->store_path = g_build_filename (f->dir, "creneaux.db", NULL);
  f->store = sync_test_open_store (f->store_path);
  f->refused = g_ptr_array_new_with_free_func (g_free);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  sync_test_clear_keyring (f->server->url, GP_LOGIN);
  g_clear_object (&f->store);
  sync_test_spin (20);
  sync_server_stop (f->server, FALSE);
  sync_test_rmrf (f->dir);
  g_free (f->dir);
  g_free (f->store_path);
  g_ptr_array_unref (f->refused);
}

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                             */

static CrnSync *
sign_in (Fixture     *f,
         const char  *url,
         const char  *ca_file,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  CrnSync *sync;

  crn_sync_sign_in_async (f->store, url, ca_file, GP_LOGIN,
                          sync_server_password (f->server, GP_LOGIN), NULL,
                          sync_test_result_cb, &result);
  sync = crn_sync_sign_in_finish (sync_test_wait (&result), error);
  if (sync != NULL)
    {
      g_signal_connect (sync, "change-refused", G_CALLBACK (on_refused_cb), f);
      /* Small pages: more of them (paging is exercised), each quick even under ASan. */
      crn_sync_set_page_size (sync, 100);
    }
  return sync;
}

static char *
keyring_secret (const char *url,
                const char *login)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  crn_secret_store_lookup_async (url, login, NULL, sync_test_result_cb, &result);
  secret = crn_secret_store_lookup_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return secret;
}

/* A free regulation slot of the GP starting in more than @min_hours; when that is less than
 * regulation's 48-hour horizon, one regulation may book (the server's evening, see
 * sync_server_start_prepared(), holds 12 slots 21 to 46 hours ahead whatever the time). */
static CrnSlot *
free_slot (Fixture *f,
           guint    min_hours,
           guint    skip)
{
  const char *gps[] = { GP_IDNPS, NULL };
  CrnInstant now = crn_time_now ();
  CrnInstant before = min_hours < 46 ? now + 46 * 3600 : now + 28 * 86400;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) week = NULL;

  crn_store_week_async (f->store, gps, now, now + 28 * 86400, NULL, sync_test_result_cb,
                        &result);
  week = crn_store_week_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *entry = g_ptr_array_index (week, i);

      if (entry->booking == NULL && entry->slot->status == CRN_SLOT_STATUS_FREE &&
          (entry->slot->visibility & CRN_VISIBILITY_SNP) &&
          entry->slot->start > now + min_hours * 3600 && entry->slot->start < before &&
          skip-- == 0)
        return crn_slot_copy (entry->slot);
    }
  g_error ("No free regulation slot in the demo agenda");
  return NULL;
}

static guint
count_week (Fixture *f)
{
  const char *gps[] = { GP_IDNPS, NULL };
  CrnInstant now = crn_time_now ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) week = NULL;

  crn_store_week_async (f->store, gps, now - 7 * 86400, now + 28 * 86400, NULL,
                        sync_test_result_cb, &result);
  week = crn_store_week_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  return week->len;
}

/* The booking holding @slot_id in the week view, if any (a copy). */
static CrnBooking *
week_booking (Fixture    *f,
              const char *slot_id)
{
  return sync_test_week_booking (f->store, GP_IDNPS, slot_id);
}

static guint
count_unsent (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint count = G_MAXUINT;

  crn_store_count_unsent_async (f->store, NULL, sync_test_result_cb, &result);
  crn_store_count_unsent_finish (f->store, sync_test_wait (&result), &count, &error);
  g_assert_no_error (error);
  return count;
}

static void
save_slot_change (Fixture       *f,
                  const char    *kind,
                  const CrnSlot *slot)
{
  g_autoptr(CrnOutboxEntry) entry = crn_change_new_slot (kind, slot);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  crn_store_save_slot_change_async (f->store, slot, entry, NULL, sync_test_result_cb, &result);
  crn_store_save_slot_change_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
}

static CrnBooking *
new_booking (const CrnSlot *slot,
             const char    *family,
             CrnReferrer    referrer)
{
  CrnBooking *booking = crn_booking_new ();

  booking->id = crn_uuid_new ();
  booking->slot_id = g_strdup (slot->id);
  booking->practitioner = g_strdup (slot->practitioner);
  booking->start = slot->start;
  booking->end = slot->end;
  booking->patient.family = g_strdup (family);
  booking->patient.given = g_strdup ("Dominique");
  booking->patient.birth_date = g_strdup ("1975-06-15");
  booking->patient.phone = g_strdup ("0612345678");
  booking->reason = g_strdup ("Fièvre");
  booking->referrer = referrer;
  booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
  booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;
  booking->created_at = crn_time_now ();
  return booking;
}

static void
save_booking_create (Fixture          *f,
                     const CrnBooking *booking)
{
  g_autoptr(CrnOutboxEntry) entry = crn_change_new_booking (CRN_CHANGE_BOOKING_CREATE, booking);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  crn_store_save_booking_change_async (f->store, booking, entry, NULL, sync_test_result_cb,
                                       &result);
  crn_store_save_booking_change_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
}

static void
save_booking_change (Fixture          *f,
                     const char       *kind,
                     const CrnBooking *booking)
{
  g_autoptr(CrnOutboxEntry) entry = crn_change_new_booking (kind, booking);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  crn_store_save_booking_change_async (f->store, booking, entry, NULL, sync_test_result_cb,
                                       &result);
  crn_store_save_booking_change_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
}

/* The GP keeps a daily hour for their own patients (no SNP label): pushed as the Schedule,
 * expanded by the server, pulled back as slots the practice may book at any time. */
static void
add_private_block (Fixture *f,
                   CrnSync *sync)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(CrnTemplate) template = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  CrnTemplateBlock *block = crn_template_block_new ();

  crn_store_list_templates_async (f->store, GP_IDNPS, NULL, sync_test_result_cb, &result);
  templates = crn_store_list_templates_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (templates->len, ==, 1);
  template = crn_template_copy (g_ptr_array_index (templates, 0));

  g_free (block->id);
  block->id = crn_uuid_new ();
  block->weekdays = CRN_WEEKDAY_BIT (G_DATE_MONDAY) | CRN_WEEKDAY_BIT (G_DATE_TUESDAY) |
                    CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY) | CRN_WEEKDAY_BIT (G_DATE_THURSDAY) |
                    CRN_WEEKDAY_BIT (G_DATE_FRIDAY) | CRN_WEEKDAY_BIT (G_DATE_SATURDAY);
  block->start_minute = 10 * 60;
  block->end_minute = 11 * 60;
  block->slot_minutes = 20;
  block->modalities = CRN_MODALITY_AMB;
  block->visibility = CRN_VISIBILITY_NONE;
  crn_template_add_block (template, block);

  entry = crn_change_new_template (template);
  crn_store_save_template_change_async (f->store, template, entry, NULL, sync_test_result_cb,
                                        &result);
  crn_store_save_template_change_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  if (f->refused->len > 0)
    g_error ("The template was refused: %s", (char *) g_ptr_array_index (f->refused, 0));
}

/* A free slot kept for the practice's own patients, starting in more than an hour. */
static CrnSlot *
private_slot (Fixture *f,
              guint    skip)
{
  const char *gps[] = { GP_IDNPS, NULL };
  CrnInstant now = crn_time_now ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) week = NULL;

  crn_store_week_async (f->store, gps, now, now + 14 * 86400, NULL, sync_test_result_cb,
                        &result);
  week = crn_store_week_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *entry = g_ptr_array_index (week, i);

      if (entry->booking == NULL && entry->slot->status == CRN_SLOT_STATUS_FREE &&
          entry->slot->visibility == CRN_VISIBILITY_NONE &&
          entry->slot->start > now + 3600 && skip-- == 0)
        return crn_slot_copy (entry->slot);
    }
  g_error ("No slot kept for the practice's own patients");
  return NULL;
}

/* Regulation books @slot on the server. */
static void
regulation_books (Fixture       *f,
                  const CrnSlot *slot,
                  const char    *family)
{
  g_autoptr(CrnClient) regulator = sync_server_client (f->server, REG_LOGIN);
  g_autoptr(CrnBooking) booking = new_booking (slot, family, CRN_REFERRER_SAS);
  g_autoptr(JsonNode) body = crn_change_build_booking (booking, f->server->url);
  g_autoptr(CrnResponse) response = sync_server_request (regulator, "POST", "/fhir/Appointment",
                                                         NULL, body);

  if (response->status != 201)
    {
      g_autofree char *message = crn_response_dup_message (response);

      g_error ("Regulation could not book: %u %s", response->status, message);
    }
}

/* How many appointments the server holds with this identifier (asked as the GP). */
static gint64
server_count (Fixture    *f,
              const char *booking_id)
{
  g_autoptr(CrnClient) gp = sync_server_client (f->server, GP_LOGIN);
  g_autofree char *system = crn_change_appointment_system (f->server->url);
  g_autofree char *token = g_strdup_printf ("%s|%s", system, booking_id);
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/fhir/Appointment?identifier=%s", escaped);
  g_autoptr(CrnResponse) response = sync_server_request (gp, "GET", path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  guint n = 0;
  guint iter = 0;

  g_assert_cmpuint (response->status, ==, 200);
  reader = crn_fhir_bundle_reader_new (response->body, &error);
  g_assert_no_error (error);
  while (crn_fhir_bundle_reader_next (reader, "Appointment", &iter) != NULL)
    n++;
  return n;
}

/* ---------------------------------------------------------------------------------- */
/* Tests                                                                               */

static void
test_first_sign_in (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSync) resumed = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  CrnStoreAccount *stored;
  char *secret;
  guint n;

  g_assert_no_error (error);
  /* The keyring has the refresh token (not the password); the store has the account. */
  secret = keyring_secret (f->server->url, GP_LOGIN);
  g_assert_nonnull (secret);
  g_assert_cmpstr (secret, !=, sync_server_password (f->server, GP_LOGIN));
  secret_password_free (secret);
  crn_store_list_accounts_async (f->store, NULL, sync_test_result_cb, &result);
  accounts = crn_store_list_accounts_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (accounts->len, ==, 1);
  stored = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (stored->username, ==, GP_LOGIN);
  g_assert_cmpstr (stored->role, ==, "practitioner");
  g_assert_cmpstr (stored->practitioners[0], ==, GP_IDNPS);
  /* The CPTS's own CA, chosen at sign-in, is remembered with the account. */
  g_assert_cmpstr (stored->ca_file, ==, g_getenv ("CRN_TEST_TLS_CERT"));

  /* Initial sync: the demo agenda arrives. */
  error = sync_test_run (sync);
  g_assert_no_error (error);
  n = count_week (f);
  g_assert_cmpuint (n, >, 10);
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_IDLE);

  /* Next start of the app: the session comes back from the keyring, and the CA file from
   * the account (none is passed: the system's authorities do not know this server). */
  g_clear_object (&sync);
  account = crn_account_new_from_store (stored);
  g_assert_cmpstr (crn_account_get_ca_file (account), ==, g_getenv ("CRN_TEST_TLS_CERT"));
  crn_sync_resume_async (f->store, account, NULL, NULL, sync_test_result_cb, &result);
  resumed = crn_sync_resume_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (crn_sync_get_status (resumed), ==, CRN_SYNC_STATUS_IDLE);
  error = sync_test_run (resumed);
  g_assert_no_error (error);
  g_assert_cmpuint (count_week (f), ==, n);

  /* Sign-out removes the secret; the next start is signed out. */
  crn_sync_sign_out_async (resumed, CRN_SIGN_OUT_FORGET_ACCOUNT, NULL, sync_test_result_cb, &result);
  crn_sync_sign_out_finish (resumed, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  secret = keyring_secret (f->server->url, GP_LOGIN);
  g_assert_null (secret);
  g_clear_object (&resumed);
  crn_sync_resume_async (f->store, account, g_getenv ("CRN_TEST_TLS_CERT"), NULL,
                         sync_test_result_cb, &result);
  resumed = crn_sync_resume_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (crn_sync_get_status (resumed), ==, CRN_SYNC_STATUS_SIGNED_OUT);
  error = sync_test_run (resumed);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT);
}

/* Signing in twice with the same server and user name gives one account, the first. */
static void
test_same_account (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) first = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSync) second = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *first_id = NULL;
  CrnStoreAccount *stored;

  g_assert_no_error (error);
  first_id = g_strdup (crn_account_get_id (crn_sync_get_account (first)));
  g_clear_object (&first);

  second = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crn_account_get_id (crn_sync_get_account (second)), ==, first_id);
  crn_store_list_accounts_async (f->store, NULL, sync_test_result_cb, &result);
  accounts = crn_store_list_accounts_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  stored = g_ptr_array_index (accounts, 0);
  g_assert_cmpstr (stored->id, ==, first_id);
  g_assert_cmpstr (stored->username, ==, GP_LOGIN);
  error = sync_test_run (second);
  g_assert_no_error (error);

  /* Forgetting it (as the second sign-in knows it) forgets the one stored account. */
  g_clear_object (&result);
  crn_sync_sign_out_async (second, CRN_SIGN_OUT_FORGET_ACCOUNT, NULL, sync_test_result_cb,
                           &result);
  crn_sync_sign_out_finish (second, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&accounts, g_ptr_array_unref);
  crn_store_list_accounts_async (f->store, NULL, sync_test_result_cb, &result);
  accounts = crn_store_list_accounts_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 0);
}

static void
test_certificate (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = NULL;
  char *secret;

  /* The system's authorities do not know the CPTS's certificate. */
  sync = sign_in (f, f->server->url, NULL, &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE);
  g_assert_null (sync);
  g_clear_error (&error);
  /* Another authority (the certificate changed): refused too. */
  sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_OTHER_CERT"), &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_CERTIFICATE);
  g_clear_error (&error);
  secret = keyring_secret (f->server->url, GP_LOGIN);
  g_assert_null (secret);
  /* Plain HTTP to a remote machine is refused before anything is sent. */
  sync = sign_in (f, "http://cpts.example", NULL, &error);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INSECURE);
}

/* Five wrong passwords lock the login out (15 minutes on the server); the message then
 * names the time, Paris time, when signing in works again, from the answer's Retry-After. */
static void
test_locked_out (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *earliest = NULL;
  g_autofree char *latest = NULL;
  const char *ca = g_getenv ("CRN_TEST_TLS_CERT");
  CrnSync *sync;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      crn_sync_sign_in_async (f->store, f->server->url, ca, GP_LOGIN, "not-the-password", NULL,
                              sync_test_result_cb, &result);
      sync = crn_sync_sign_in_finish (sync_test_wait (&result), &error);
      g_assert_null (sync);
      if (i < 4)
        g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_BAD_LOGIN);
      else
        g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_TOO_MANY_ATTEMPTS);
      g_clear_error (&error);
    }

  /* Even the right password is refused now, and the message says until when. */
  before = g_date_time_new_now (paris);
  sync = sign_in (f, f->server->url, ca, &error);
  after = g_date_time_new_now (paris);
  g_assert_null (sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_TOO_MANY_ATTEMPTS);
  {
    g_autoptr(GDateTime) lo = g_date_time_add_minutes (before, 14);
    g_autoptr(GDateTime) hi = g_date_time_add_minutes (after, 16);

    earliest = g_date_time_format (lo, "%H:%M");
    latest = g_date_time_format (hi, "%H:%M");
  }
  {
    const char *colon = strchr (error->message, ':');
    const char *at;
    g_autofree char *shown = NULL;
    gboolean wraps = strcmp (earliest, latest) > 0;   /* around midnight */

    g_assert_nonnull (colon);
    g_assert_cmpint (colon - error->message, >=, 2);
    at = colon - 2;
    shown = g_strndup (at, 5);
    g_assert_true (g_ascii_isdigit (at[0]) && g_ascii_isdigit (at[1]));
    if (wraps)
      g_assert_true (strcmp (shown, earliest) >= 0 || strcmp (shown, latest) <= 0);
    else
      {
        g_assert_cmpstr (shown, >=, earliest);
        g_assert_cmpstr (shown, <=, latest);
      }
  }
}

static void
on_store_changed_cb (CrnSync    *sync,
                     const char *type,
                     guint       n,
                     gpointer    user_data)
{
  gboolean *flag = user_data;

  if (g_str_equal (type, "Appointment"))
    *flag = TRUE;
}

static void
test_live_booking (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) after = NULL;
  gboolean live = FALSE;
  gboolean arrived = FALSE;

  g_assert_no_error (error);
  crn_sync_set_poll_interval (sync, 3600);   /* so that only the notification can explain it */
  crn_sync_start (sync);
  while (!live)
    {
      sync_test_spin (20);
      live = crn_sync_is_live (sync) && crn_sync_get_status (sync) == CRN_SYNC_STATUS_IDLE;
    }
  slot = free_slot (f, 3, 0);
  g_signal_connect (sync, "store-changed", G_CALLBACK (on_store_changed_cb), &arrived);
  regulation_books (f, slot, "Livetest");
  sync_test_wait_flag (&arrived, 20000);
  sync_test_spin (200);
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->status, ==, CRN_SLOT_STATUS_BUSY);
  crn_sync_stop (sync);
}

static void
test_live_reconnect (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) after = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(CrnSlot) edited = NULL;
  gint64 edited_version;
  gboolean arrived = FALSE;

  g_assert_no_error (error);
  crn_sync_set_retry_delays (sync, 100, 1000);
  crn_sync_set_poll_interval (sync, 2);
  crn_sync_start (sync);
  while (!crn_sync_is_live (sync) || crn_sync_get_status (sync) != CRN_SYNC_STATUS_IDLE)
    sync_test_spin (20);
  slot = free_slot (f, 3, 0);

  /* The server dies: the socket drops, the app goes offline and keeps trying. */
  data_dir = g_strdup (f->server->data_dir);
  url = g_strdup (f->server->url);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  sync_server_kill (f->server);
  f->server = NULL;
  while (crn_sync_is_live (sync))
    sync_test_spin (20);
  while (crn_sync_get_status (sync) != CRN_SYNC_STATUS_OFFLINE)
    sync_test_spin (20);
  g_assert_cmpint (crn_sync_get_offline_since (sync), >, 0);

  /* Offline, the GP keeps working: the change is saved locally and queued. */
  edited = free_slot (f, 3, 1);
  edited_version = edited->version;
  edited->modalities = CRN_MODALITY_AMB | CRN_MODALITY_HH;
  save_slot_change (f, CRN_CHANGE_SLOT_UPDATE, edited);
  crn_sync_request_sync (sync);
  g_assert_cmpuint (count_unsent (f), ==, 1);

  /* Back on the same address: the app reconnects by itself and gets the booking. */
  f->server = sync_server_start_on (data_dir, g_uri_get_port (uri));
  g_assert_cmpstr (f->server->url, ==, url);
  g_signal_connect (sync, "store-changed", G_CALLBACK (on_store_changed_cb), &arrived);
  regulation_books (f, slot, "Reconnect");
  sync_test_wait_flag (&arrived, 30000);
  while (!crn_sync_is_live (sync) || crn_sync_get_status (sync) != CRN_SYNC_STATUS_IDLE)
    sync_test_spin (20);
  g_assert_cmpint (crn_sync_get_offline_since (sync), ==, 0);
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->status, ==, CRN_SLOT_STATUS_BUSY);
  /* The change made offline went out once reconnected, exactly once. */
  while (count_unsent (f) > 0 || crn_sync_get_status (sync) != CRN_SYNC_STATUS_IDLE)
    sync_test_spin (20);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_DONE), ==, 1);
  g_clear_pointer (&after, crn_slot_free);
  after = sync_test_stored_slot (f->store, edited->id);
  g_assert_cmpint (after->version, ==, edited_version + 1);
  g_assert_cmpint (after->modalities, ==, CRN_MODALITY_AMB | CRN_MODALITY_HH);
  crn_sync_stop (sync);
}

static void
test_reclaim_conflict (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) after = NULL;
  g_autofree char *expected_time = NULL;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);

  /* Offline, the GP takes the slot back; regulation books it meanwhile. */
  slot = free_slot (f, 3, 1);
  slot->visibility = CRN_VISIBILITY_NONE;
  save_slot_change (f, CRN_CHANGE_SLOT_RECLAIM, slot);
  regulation_books (f, slot, "Conflit");

  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 1);
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->status, ==, CRN_SLOT_STATUS_BUSY);
  expected_time = crn_conflict_format_time (after->last_updated_ms);
  {
    g_autofree char *expected = g_strdup_printf ("Booked by regulation at %s before your "
                                                 "reclaim. The booking is kept.",
                                                 expected_time);

    g_assert_cmpstr (g_ptr_array_index (f->refused, 0), ==, expected);
  }
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_FAILED), ==, 1);
  /* The slot is the server's again (still offered to regulation), and the booking is kept
   * and shown on it. */
  g_assert_true (after->visibility & CRN_VISIBILITY_SNP);
  {
    g_autoptr(CrnBooking) kept = week_booking (f, slot->id);

    g_assert_nonnull (kept);
    g_assert_cmpstr (kept->patient.family, ==, "Conflit");
    g_assert_true (crn_booking_holds_slot (kept));
  }
  /* A later sync changes nothing of that. */
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_clear_pointer (&after, crn_slot_free);
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->status, ==, CRN_SLOT_STATUS_BUSY);
  g_assert_true (after->visibility & CRN_VISIBILITY_SNP);
  g_assert_cmpuint (f->refused->len, ==, 1);
}

static void
test_refused_reclaim (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) before = NULL;
  g_autoptr(CrnSlot) after = NULL;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);

  /* Days before the slot: outside the CPTS's reclaim window, the server says no (422). */
  slot = free_slot (f, 72, 0);
  before = crn_slot_copy (slot);
  slot->visibility = CRN_VISIBILITY_NONE;
  save_slot_change (f, CRN_CHANGE_SLOT_RECLAIM, slot);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 1);
  /* The server's own sentence, not a generic one. */
  g_assert_false (g_str_has_prefix (g_ptr_array_index (f->refused, 0),
                                    "The server refused the change"));
  g_assert_cmpstr (g_ptr_array_index (f->refused, 0), !=, "");
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_FAILED), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 0);
  /* The optimistic reclaim is undone: the slot is as the server has it, still offered to
   * regulation, same version. */
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->version, ==, slot->version);
  g_assert_cmpuint (after->visibility, ==, before->visibility);
  g_assert_true (after->visibility & CRN_VISIBILITY_SNP);
  g_assert_cmpint (after->status, ==, before->status);
}

/* A booking change the server refuses (422) is undone locally; a booking the server would
 * not create is removed locally (its failed outbox entry keeps what was typed). */
static void
test_refused_booking (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) taken = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(CrnBooking) cancelled = NULL;
  g_autoptr(CrnBooking) stale = NULL;
  g_autoptr(CrnBooking) after = NULL;
  g_autoptr(CrnBooking) late = NULL;
  g_autoptr(CrnBooking) gone = NULL;
  g_autoptr(CrnBooking) kept = NULL;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  add_private_block (f, sync);
  slot = private_slot (f, 0);
  booking = new_booking (slot, "Refustest", CRN_REFERRER_OWN_PATIENT);
  save_booking_create (f, booking);
  error = sync_test_run (sync);
  g_assert_no_error (error);

  /* Cancelled (accepted by the server)… */
  cancelled = sync_test_stored_booking (f->store, booking->id);
  g_assert_true (crn_booking_apply (cancelled, CRN_BOOKING_ACTION_CANCEL, "Test", &error));
  g_assert_no_error (error);
  save_booking_change (f, CRN_CHANGE_BOOKING_CANCEL, cancelled);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 0);
  g_clear_pointer (&cancelled, crn_booking_free);
  cancelled = sync_test_stored_booking (f->store, booking->id);
  g_assert_cmpint (cancelled->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);

  /* …then marked "seen" from a stale screen: the server says no (422), the booking is the
   * server's again, not the refused edit. */
  stale = crn_booking_copy (cancelled);
  stale->status = CRN_APPOINTMENT_STATUS_FULFILLED;
  save_booking_change (f, CRN_CHANGE_BOOKING_OUTCOME, stale);
  after = sync_test_stored_booking (f->store, booking->id);
  g_assert_cmpint (after->status, ==, CRN_APPOINTMENT_STATUS_FULFILLED);
  g_clear_pointer (&after, crn_booking_free);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_FAILED), ==, 1);
  after = sync_test_stored_booking (f->store, booking->id);
  g_assert_cmpint (after->status, ==, CRN_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpint (after->version, ==, cancelled->version);

  /* Regulation books a slot; before the app hears of it, the practice books it too: the
   * server refuses, the local booking goes, the regulation booking is what the app shows. */
  taken = free_slot (f, 3, 2);
  regulation_books (f, taken, "Premier");
  late = new_booking (taken, "Secondtest", CRN_REFERRER_OWN_PATIENT);
  save_booking_create (f, late);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 2);
  gone = sync_test_stored_booking (f->store, late->id);
  g_assert_null (gone);
  kept = week_booking (f, taken->id);
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->patient.family, ==, "Premier");
  g_assert_cmpint (server_count (f, late->id), ==, 0);
}

/* Offline, the GP puts an absence over a slot that regulation books on the server
 * meanwhile: the local re-expansion removes it (it was free here), the server keeps it
 * (booked), and when it comes back with the pull it is kept and flagged for the practice
 * to decide. Nothing booked disappears. */
static void
test_template_removed_booked (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GPtrArray) expanded = NULL;
  g_autoptr(GPtrArray) week = NULL;
  g_autoptr(CrnTemplate) template = NULL;
  g_autoptr(CrnOutboxEntry) entry = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) gone = NULL;
  CrnTemplateException *absence = crn_template_exception_new ();
  const char *gps[] = { GP_IDNPS, NULL };
  CrnInstant now = crn_time_now ();
  GDate from, to;
  guint n_flagged = 99;
  gboolean found = FALSE;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  slot = free_slot (f, 3, 4);
  regulation_books (f, slot, "Gardetest");

  crn_store_list_templates_async (f->store, GP_IDNPS, NULL, sync_test_result_cb, &result);
  templates = crn_store_list_templates_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  template = crn_template_copy (g_ptr_array_index (templates, 0));
  g_free (absence->id);
  absence->id = crn_uuid_new ();
  absence->kind = CRN_EXCEPTION_ABSENCE;
  absence->start = slot->start;
  absence->end = slot->end;
  absence->reason = g_strdup ("Formation");
  crn_template_add_exception (template, absence);
  entry = crn_change_new_template (template);
  crn_store_save_template_change_async (f->store, template, entry, NULL, sync_test_result_cb,
                                        &result);
  crn_store_save_template_change_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  crn_time_to_local (now, &from, NULL, NULL);
  crn_time_to_local (now + 60 * 86400, &to, NULL, NULL);
  expanded = crn_template_expand (template, &from, &to);
  crn_store_replace_template_slots_async (f->store, template->id, expanded, now, NULL,
                                          sync_test_result_cb, &result);
  crn_store_replace_template_slots_finish (f->store, sync_test_wait (&result), NULL,
                                           &n_flagged, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (n_flagged, ==, 0);
  crn_store_get_slot_async (f->store, slot->id, NULL, sync_test_result_cb, &result);
  gone = crn_store_get_slot_finish (f->store, sync_test_wait (&result), &error);
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Back online: the template goes out, the booked slot comes back, flagged. */
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 0);
  for (guint round = 0; round < 2; round++)
    {
      crn_store_week_async (f->store, gps, now, now + 60 * 86400, NULL, sync_test_result_cb,
                            &result);
      week = crn_store_week_finish (f->store, sync_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      found = FALSE;
      for (guint i = 0; i < week->len; i++)
        {
          CrnWeekEntry *e = g_ptr_array_index (week, i);

          if (g_strcmp0 (e->slot->id, slot->id) != 0)
            continue;
          found = TRUE;
          g_assert_true (e->conflict);
          g_assert_nonnull (e->conflict_note);
          g_assert_nonnull (e->booking);
          g_assert_cmpstr (e->booking->patient.family, ==, "Gardetest");
        }
      g_assert_true (found);
      g_clear_pointer (&week, g_ptr_array_unref);
      /* …and stays flagged through the next sync. */
      error = sync_test_run (sync);
      g_assert_no_error (error);
    }
}

static void
test_lost_answers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SyncProxy *proxy = sync_proxy_new (f->server->url);
  g_autoptr(CrnSync) sync = sign_in (f, proxy->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) other = NULL;
  g_autoptr(CrnSlot) after = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  gint64 version;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);

  /* A booking for the practice's own patient: the server commits, the answer is lost. */
  add_private_block (f, sync);
  slot = private_slot (f, 0);
  booking = new_booking (slot, "Perdu", CRN_REFERRER_OWN_PATIENT);
  save_booking_create (f, booking);
  sync_proxy_set_mode (proxy, SYNC_PROXY_DROP_ANSWER, "POST /fhir/Appointment", 1);
  error = sync_test_run (sync);
  g_assert_nonnull (error);
  g_assert_true (crn_sync_error_is_transient (error));
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpuint (proxy->n_matched, ==, 1);
  g_assert_cmpint (server_count (f, booking->id), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 1);

  /* The retry finds it (If-None-Exist): still exactly one booking. */
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpint (server_count (f, booking->id), ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING), ==, 0);
  /* the template, the booking */
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_DONE), ==, 2);

  /* A slot update whose answer is lost: it is sent again (libsoup re-sends a PUT whose
   * kept-alive connection closed; the app would on its next attempt), gets 412, reads the
   * slot back, sees its change applied and stops: one new version, not two. */
  other = free_slot (f, 3, 3);
  version = other->version;
  other->modalities = CRN_MODALITY_AMB | CRN_MODALITY_VR;
  save_slot_change (f, CRN_CHANGE_SLOT_UPDATE, other);
  sync_proxy_set_mode (proxy, SYNC_PROXY_DROP_ANSWER, "PUT /fhir/Slot/", 1);
  error = sync_test_run (sync);
  if (error != NULL)
    {
      g_assert_true (crn_sync_error_is_transient (error));
      g_clear_error (&error);
      error = sync_test_run (sync);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (proxy->n_matched, ==, 2);
  after = sync_test_stored_slot (f->store, other->id);
  g_assert_cmpint (after->version, ==, version + 1);
  g_assert_cmpint (after->modalities, ==, CRN_MODALITY_AMB | CRN_MODALITY_VR);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_DONE), ==, 3);
  g_assert_cmpuint (f->refused->len, ==, 0);

  /* 500 and a truncated body: offline, then back. */
  sync_proxy_set_mode (proxy, SYNC_PROXY_FAIL_500, "GET /fhir", 1);
  error = sync_test_run (sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  sync_proxy_set_mode (proxy, SYNC_PROXY_MALFORMED, "GET /fhir", 1);
  error = sync_test_run (sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_IDLE);

  /* A slow server: the pull gives up after the timeout (1 s here), the app is offline
   * since then with a reason, not stuck; the next attempt goes through. */
  crn_client_set_timeout (crn_sync_get_client (sync), 1);
  sync_proxy_set_mode (proxy, SYNC_PROXY_HOLD_ANSWER, "GET /fhir", 1);
  error = sync_test_run (sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_NETWORK);
  g_assert_true (crn_sync_error_is_transient (error));
  g_clear_error (&error);
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_OFFLINE);
  g_assert_cmpint (crn_sync_get_offline_since (sync), >, 0);
  g_assert_nonnull (crn_sync_get_last_error (sync));
  g_assert_cmpuint (proxy->held->len, >, 0);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_IDLE);
  g_assert_cmpint (crn_sync_get_offline_since (sync), ==, 0);

  g_clear_object (&sync);
  sync_test_spin (20);
  sync_proxy_free (proxy);
}

static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  char *before;
  char *after;

  g_assert_no_error (error);
  before = keyring_secret (f->server->url, GP_LOGIN);
  /* The access token expired: renewed silently, the new refresh token kept. */
  crn_client_expire_access_token (crn_sync_get_client (sync));
  error = sync_test_run (sync);
  g_assert_no_error (error);
  sync_test_spin (300);
  after = keyring_secret (f->server->url, GP_LOGIN);
  g_assert_nonnull (after);
  g_assert_cmpstr (before, !=, after);
  secret_password_free (before);
  secret_password_free (after);
}

/* The session is revoked (the server no longer knows the refresh token): the app asks to
 * sign in again, keeps the unsent change, and sends it once signed in again. */
static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnSlot) after = NULL;
  gint64 version;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  slot = free_slot (f, 3, 5);
  version = slot->version;
  slot->modalities = CRN_MODALITY_AMB | CRN_MODALITY_VR;
  save_slot_change (f, CRN_CHANGE_SLOT_UPDATE, slot);

  crn_client_set_refresh_token (crn_sync_get_client (sync), "revoked-refresh-token-test");
  crn_client_expire_access_token (crn_sync_get_client (sync));
  error = sync_test_run (sync);
  g_assert_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_SIGNED_OUT);
  g_clear_error (&error);
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_SIGNED_OUT);
  g_assert_nonnull (crn_sync_get_last_error (sync));
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING) +
                    sync_test_outbox_count (f->store, CRN_OUTBOX_SENT),
                    ==, 1);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_FAILED), ==, 0);
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->version, ==, version);
  g_clear_pointer (&after, crn_slot_free);

  crn_sync_sign_in_again_async (sync, sync_server_password (f->server, GP_LOGIN), NULL,
                                sync_test_result_cb, &result);
  crn_sync_sign_in_again_finish (sync, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpint (crn_sync_get_status (sync), ==, CRN_SYNC_STATUS_IDLE);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING) +
                    sync_test_outbox_count (f->store, CRN_OUTBOX_SENT),
                    ==, 0);
  after = sync_test_stored_slot (f->store, slot->id);
  g_assert_cmpint (after->version, ==, version + 1);
  g_assert_cmpint (after->modalities, ==, CRN_MODALITY_AMB | CRN_MODALITY_VR);
}

static void
test_crash_before_push (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SyncProxy *proxy = sync_proxy_new (f->server->url);
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autoptr(CrnSlot) slot = NULL;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  add_private_block (f, sync);
  slot = private_slot (f, 0);
  g_clear_object (&sync);
  g_clear_object (&f->store);
  sync_test_spin (50);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GSubprocess) helper = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;
      g_autoptr(CrnSync) restarted = NULL;
      g_autoptr(CrnSlot) round_slot = NULL;
      const char *booking_id;
      guint held = proxy->held->len;

      /* Round 0: killed after the server committed, before the answer. Round 1: killed
       * right after "saved locally". */
      f->store = sync_test_open_store (f->store_path);
      round_slot = round == 0 ? crn_slot_copy (slot) : private_slot (f, 1);
      g_clear_object (&f->store);
      sync_test_spin (50);
      sync_proxy_set_mode (proxy, SYNC_PROXY_HOLD_ANSWER, "POST /fhir/Appointment", 1);
      helper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 g_getenv ("CRN_SYNC_HELPER"), f->store_path, proxy->url,
                                 g_getenv ("CRN_TEST_TLS_CERT"), round_slot->id, "Crashtest",
                                 NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));
      g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, sync_test_result_cb,
                                           &result);
      line = g_data_input_stream_read_line_finish_utf8 (out, sync_test_wait (&result), NULL,
                                                        &error);
      g_clear_object (&result);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, "SAVED "));
      booking_id = line + strlen ("SAVED ");
      if (round == 0)
        while (proxy->held->len == held)
          g_main_context_iteration (NULL, TRUE);
      g_subprocess_send_signal (helper, SIGKILL);
      g_subprocess_wait (helper, NULL, NULL);
      if (round == 0)
        g_assert_cmpint (server_count (f, booking_id), ==, 1);

      /* Restart: the change is in the outbox and goes out exactly once. */
      f->store = sync_test_open_store (f->store_path);
      crn_store_list_accounts_async (f->store, NULL, sync_test_result_cb, &result);
      accounts = crn_store_list_accounts_finish (f->store, sync_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      account = crn_account_new_from_store (g_ptr_array_index (accounts, 0));
      g_clear_pointer (&accounts, g_ptr_array_unref);
      crn_sync_resume_async (f->store, account, g_getenv ("CRN_TEST_TLS_CERT"), NULL,
                             sync_test_result_cb, &result);
      restarted = crn_sync_resume_finish (sync_test_wait (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      g_clear_object (&account);
      g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING) +
                        sync_test_outbox_count (f->store, CRN_OUTBOX_SENT), ==, 1);
      error = sync_test_run (restarted);
      g_assert_no_error (error);
      g_assert_cmpint (server_count (f, booking_id), ==, 1);
      g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_PENDING) +
                        sync_test_outbox_count (f->store, CRN_OUTBOX_SENT), ==, 0);
      g_clear_object (&restarted);
      g_clear_object (&f->store);
      sync_test_spin (50);
    }
  f->store = sync_test_open_store (f->store_path);
  sync_proxy_free (proxy);
}

/* Every slot and booking in the store, by id -> version. */
static GHashTable *
store_contents (CrnStore *store)
{
  CrnInstant now = crn_time_now ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) week = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  crn_store_week_async (store, NULL, now - 400 * 86400, now + 400 * 86400, NULL,
                        sync_test_result_cb, &result);
  week = crn_store_week_finish (store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < week->len; i++)
    {
      CrnWeekEntry *e = g_ptr_array_index (week, i);

      g_hash_table_insert (ids, g_strdup (e->slot->id), GINT_TO_POINTER (e->slot->version));
      if (e->booking != NULL)
        g_hash_table_insert (ids, g_strdup (e->booking->id),
                             GINT_TO_POINTER (e->booking->version));
    }
  return ids;
}

/* The app is killed (SIGKILL) in the middle of its first pull, pages of 5: each page and
 * its watermark are one transaction, so the restart goes on from there and ends with
 * exactly what a pull that was never interrupted gets: nothing lost, nothing skipped. */
static void
test_pull_killed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GSubprocess) helper = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GHashTable) reference = NULL;
  g_autoptr(GHashTable) partial = NULL;
  g_autoptr(GHashTable) resumed = NULL;
  g_autoptr(CrnSyncState) state = NULL;
  g_autoptr(CrnStore) fresh = NULL;
  g_autoptr(CrnSync) other = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(CrnAccount) account = NULL;
  g_autofree char *fresh_path = g_build_filename (f->dir, "reference.db", NULL);
  GHashTableIter iter;
  gpointer key, value;
  guint slot_pages = 0;

  g_assert_no_error (error);
  g_clear_object (&sync);
  g_clear_object (&f->store);
  sync_test_spin (50);

  helper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("CRN_SYNC_HELPER"),
                             "--pull", f->store_path, f->server->url,
                             g_getenv ("CRN_TEST_TLS_CERT"), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper));
  while (slot_pages < 3)
    {
      g_autofree char *line = NULL;

      g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, sync_test_result_cb,
                                           &result);
      line = g_data_input_stream_read_line_finish_utf8 (out, sync_test_wait (&result), NULL,
                                                        &error);
      g_clear_object (&result);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_cmpstr (line, !=, "DONE");   /* killed in the middle, not after */
      slot_pages += g_str_has_prefix (line, "PAGE Slot ");
    }
  g_subprocess_send_signal (helper, SIGKILL);
  g_subprocess_wait (helper, NULL, NULL);

  /* What an uninterrupted pull gets, in another file. */
  fresh = sync_test_open_store (fresh_path);
  {
    g_autoptr(CrnClient) gp = sync_server_client (f->server, GP_LOGIN);
    g_autoptr(CrnAccount) gp_account = crn_account_new (f->server->url, GP_LOGIN);

    other = crn_sync_new (fresh, gp, gp_account);
    error = sync_test_run (other);
    g_assert_no_error (error);
  }
  reference = store_contents (fresh);

  /* Before resuming: everything up to the saved watermark is there, at its version. */
  f->store = sync_test_open_store (f->store_path);
  crn_store_get_sync_state_async (f->store, CRN_SYNC_PULL_RESOURCE, NULL, sync_test_result_cb,
                                  &result);
  state = crn_store_get_sync_state_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (state->watermark_ms, >, 0);
  partial = store_contents (f->store);
  g_assert_cmpuint (g_hash_table_size (partial), >, 0);
  g_assert_cmpuint (g_hash_table_size (partial), <, g_hash_table_size (reference));

  /* Restart: the pull goes on from the watermark and ends with the same rows. */
  crn_store_list_accounts_async (f->store, NULL, sync_test_result_cb, &result);
  accounts = crn_store_list_accounts_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  account = crn_account_new_from_store (g_ptr_array_index (accounts, 0));
  crn_sync_resume_async (f->store, account, NULL, NULL, sync_test_result_cb, &result);
  sync = crn_sync_resume_finish (sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  crn_sync_set_page_size (sync, 5);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  resumed = store_contents (f->store);
  g_assert_cmpuint (g_hash_table_size (resumed), ==, g_hash_table_size (reference));
  g_hash_table_iter_init (&iter, reference);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer got;

      if (!g_hash_table_lookup_extended (resumed, key, NULL, &got))
        g_error ("Lost in the interrupted pull: %s", (char *) key);
      g_assert_cmpint (GPOINTER_TO_INT (got), ==, GPOINTER_TO_INT (value));
    }
  g_clear_object (&other);
  g_clear_object (&fresh);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL) || n == 0 || length < n)
    return FALSE;
  for (gsize i = 0; i + n <= length; i++)
    if (contents[i] == needle[0] && memcmp (contents + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
check_tree (const char *dir,
            GPtrArray  *secrets,
            const char *patient)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gboolean database = g_str_has_prefix (name, "creneaux.db");
      GStatBuf st;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          check_tree (path, secrets, patient);
          continue;
        }
      for (guint i = 0; i < secrets->len; i++)
        if (file_contains (path, g_ptr_array_index (secrets, i)))
          g_error ("A secret (#%u) was found in %s", i, path);
      if (database)
        {
          g_assert_cmpint (g_stat (path, &st), ==, 0);
          g_assert_cmpint (st.st_mode & 0077, ==, 0);
        }
      else if (file_contains (path, patient))
        g_error ("Patient data was found in %s, outside the database", path);
    }
}

static void
test_no_secrets (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SyncProxy *proxy = sync_proxy_new (f->server->url);
  g_autoptr(CrnSync) sync = sign_in (f, proxy->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autofree char *server_log = NULL;
  char *secret;

  g_assert_no_error (error);
  secret = keyring_secret (proxy->url, GP_LOGIN);
  g_ptr_array_add (secrets, g_strdup (secret));
  secret_password_free (secret);

  /* A full session: initial sync, a booking with a patient, a token refresh, live
   * notifications, sign-out. */
  error = sync_test_run (sync);
  g_assert_no_error (error);
  slot = free_slot (f, 3, 6);
  booking = new_booking (slot, PATIENT, CRN_REFERRER_OWN_PATIENT);
  save_booking_create (f, booking);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  crn_client_expire_access_token (crn_sync_get_client (sync));
  error = sync_test_run (sync);
  g_assert_no_error (error);
  sync_test_spin (300);
  secret = keyring_secret (proxy->url, GP_LOGIN);
  g_ptr_array_add (secrets, g_strdup (secret));
  secret_password_free (secret);
  for (guint i = 0; i < proxy->tokens->len; i++)
    g_ptr_array_add (secrets, g_strdup (g_ptr_array_index (proxy->tokens, i)));
  g_assert_cmpuint (proxy->tokens->len, >, 0);
  {
    g_autoptr(GAsyncResult) result = NULL;

    crn_sync_sign_out_async (sync, CRN_SIGN_OUT_NONE, NULL, sync_test_result_cb, &result);
    crn_sync_sign_out_finish (sync, sync_test_wait (&result), &error);
    g_assert_no_error (error);
  }
  g_clear_object (&sync);
  g_clear_object (&f->store);
  sync_test_spin (100);

  g_ptr_array_add (secrets, g_strdup (sync_server_password (f->server, GP_LOGIN)));
  /* The password and the tokens are nowhere in the app's folder (database included);
   * patient data only in the 0600 database. */
  check_tree (f->dir, secrets, PATIENT);
  /* Nor in anything this process logged, at any level. */
  for (guint i = 0; i < secrets->len; i++)
    g_assert_null (strstr (logs->str, g_ptr_array_index (secrets, i)));
  g_assert_null (strstr (logs->str, PATIENT));
  /* Nor in the server's log. */
  g_assert_true (g_file_get_contents (f->server->stderr_path, &server_log, NULL, NULL));
  for (guint i = 0; i < secrets->len; i++)
    g_assert_null (strstr (server_log, g_ptr_array_index (secrets, i)));
  g_assert_null (strstr (server_log, PATIENT));

  f->store = sync_test_open_store (f->store_path);
  sync_proxy_free (proxy);
}


/* Anything of @needle in the files of @dir (recursively). */
static gboolean
tree_contains (const char *dir,
               const char *needle)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) ? tree_contains (path, needle)
                                                 : file_contains (path, needle))
        return TRUE;
    }
  return FALSE;
}

static void
test_sign_out_remove_data (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSync) sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(CrnSlot) sent_slot = NULL;
  g_autoptr(CrnSlot) unsent_slot = NULL;
  g_autoptr(CrnBooking) sent = NULL;
  g_autoptr(CrnBooking) unsent = NULL;
  g_autoptr(CrnSlot) gone = NULL;
  char *secret;

  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  add_private_block (f, sync);
  sent_slot = private_slot (f, 0);
  sent = new_booking (sent_slot, PATIENT, CRN_REFERRER_OWN_PATIENT);
  save_booking_create (f, sent);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refused->len, ==, 0);
  g_assert_cmpuint (count_unsent (f), ==, 0);

  /* A change made offline: the UI can say that signing out now would drop it. */
  crn_sync_stop (sync);
  unsent_slot = private_slot (f, 0);
  unsent = new_booking (unsent_slot, "Nonenvoye-Testeur", CRN_REFERRER_OWN_PATIENT);
  save_booking_create (f, unsent);
  g_assert_cmpuint (count_unsent (f), ==, 1);
  g_assert_true (tree_contains (f->dir, PATIENT));

  /* Signing out without flags keeps the data and the unsent change. */
  crn_sync_sign_out_async (sync, CRN_SIGN_OUT_NONE, NULL, sync_test_result_cb, &result);
  crn_sync_sign_out_finish (sync, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (count_unsent (f), ==, 1);
  g_assert_cmpuint (count_week (f), >, 10);

  /* The user agreed to drop it: everything of the CPTS leaves this computer. */
  crn_sync_sign_out_async (sync, CRN_SIGN_OUT_FORGET_ACCOUNT | CRN_SIGN_OUT_REMOVE_LOCAL_DATA,
                           NULL, sync_test_result_cb, &result);
  crn_sync_sign_out_finish (sync, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  secret = keyring_secret (f->server->url, GP_LOGIN);
  g_assert_null (secret);
  g_assert_cmpuint (count_unsent (f), ==, 0);
  g_assert_cmpuint (sync_test_outbox_count (f->store, CRN_OUTBOX_DONE), ==, 0);
  g_assert_cmpuint (count_week (f), ==, 0);
  crn_store_get_slot_async (f->store, sent_slot->id, NULL, sync_test_result_cb, &result);
  gone = crn_store_get_slot_finish (f->store, sync_test_wait (&result), &error);
  g_assert_error (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);
  g_clear_object (&result);
  crn_store_list_accounts_async (f->store, NULL, sync_test_result_cb, &result);
  accounts = crn_store_list_accounts_finish (f->store, sync_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 0);

  /* Not even in a free page of the file or an old frame of its log, open or closed. */
  g_assert_false (tree_contains (f->dir, PATIENT));
  g_assert_false (tree_contains (f->dir, "Nonenvoye-Testeur"));
  g_assert_false (tree_contains (f->dir, GP_LOGIN));
  g_clear_object (&sync);
  g_clear_object (&f->store);
  sync_test_spin (50);
  g_assert_false (tree_contains (f->dir, PATIENT));
  g_assert_false (tree_contains (f->dir, "Nonenvoye-Testeur"));
  g_assert_false (tree_contains (f->dir, GP_IDNPS));
  f->store = sync_test_open_store (f->store_path);

  /* The file still works: signing in again brings the agenda back, the booking made before
   * is on the server, the dropped one nowhere. */
  sync = sign_in (f, f->server->url, g_getenv ("CRN_TEST_TLS_CERT"), &error);
  g_assert_no_error (error);
  error = sync_test_run (sync);
  g_assert_no_error (error);
  g_assert_cmpuint (count_week (f), >, 10);
  g_assert_cmpint (server_count (f, sent->id), ==, 1);
  g_assert_cmpint (server_count (f, unsent->id), ==, 0);
}

static void
test_no_session (void)
{
  g_test_skip ("No D-Bus session: run the suite in dbus-run-session with an unlocked "
               "gnome-keyring");
}

int
main (int   argc,
      char *argv[])
{
  logs = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      /* The keyring needs a D-Bus session: the test command provides one (see
       * tests/sync/meson.build). */
      g_test_add_func ("/sync/server/keyring", test_no_session);
      return g_test_run ();
    }

  g_test_add ("/sync/server/first-sign-in", Fixture, NULL, setup, test_first_sign_in,
              teardown);
  g_test_add ("/sync/server/same-account", Fixture, NULL, setup, test_same_account, teardown);
  g_test_add ("/sync/server/certificate", Fixture, NULL, setup, test_certificate, teardown);
  g_test_add ("/sync/server/locked-out", Fixture, NULL, setup, test_locked_out, teardown);
  g_test_add ("/sync/server/live-booking", Fixture, NULL, setup, test_live_booking, teardown);
  g_test_add ("/sync/server/live-reconnect", Fixture, NULL, setup, test_live_reconnect,
              teardown);
  g_test_add ("/sync/server/reclaim-conflict", Fixture, NULL, setup, test_reclaim_conflict,
              teardown);
  g_test_add ("/sync/server/refused-reclaim", Fixture, NULL, setup, test_refused_reclaim,
              teardown);
  g_test_add ("/sync/server/refused-booking", Fixture, NULL, setup, test_refused_booking,
              teardown);
  g_test_add ("/sync/server/template-removed-booked", Fixture, NULL, setup,
              test_template_removed_booked, teardown);
  g_test_add ("/sync/server/lost-answers", Fixture, NULL, setup, test_lost_answers, teardown);
  g_test_add ("/sync/server/refresh", Fixture, NULL, setup, test_refresh, teardown);
  g_test_add ("/sync/server/revoked", Fixture, NULL, setup, test_revoked, teardown);
  g_test_add ("/sync/server/crash-before-push", Fixture, NULL, setup, test_crash_before_push,
              teardown);
  g_test_add ("/sync/server/pull-killed", Fixture, NULL, setup, test_pull_killed, teardown);
  g_test_add ("/sync/server/no-secrets", Fixture, NULL, setup, test_no_secrets, teardown);
  g_test_add ("/sync/server/sign-out-remove-data", Fixture, NULL, setup,
              test_sign_out_remove_data, teardown);

  return g_test_run ();
}
