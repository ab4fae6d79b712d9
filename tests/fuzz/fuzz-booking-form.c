/* fuzz-booking-form.c: the regulator booking page's forms against the real server
 *
 * Signed in once as the SAS regulation account (login form, CSRF-protected), the harness
 * sends, by the first input byte:
 *
 * - the booking form, `POST /reservation/reserver`: "slot=<a free slot>&" + the input +
 *   "&csrf=<the session's token>" (later fields win, so the input can still send any slot
 *   and every patient field: names, birth date, phone, reason, operator);
 * - the search form, `GET /reservation?<input after the second byte>` (date, days, hours, modality, practitioner,
 *   place, age group, or a slot to book).
 *
 * Properties: never a 5xx; and no reflection of markup: the pages never contain "<fz", so
 * one that does echoed a field of the input without escaping it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include <string.h>

#include "fuzz-http.h"

static char *session_cookie;
static char *csrf;
static GPtrArray *free_slots;

static void
sign_in (void)
{
  g_autofree char *login_token = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *form = NULL;
  g_autofree char *session = NULL;
  FuzzHttpResponse response;
  const char *field;

  fuzz_http_send ("GET", "/reservation", NULL, NULL, 0, &response);
  login_token = fuzz_http_cookie (&response, "crn_login");
  fuzz_http_response_clear (&response);
  if (login_token == NULL)
    fuzz_fail ("the sign-in page set no crn_login cookie");

  headers = g_strdup_printf ("Cookie: crn_login=%s\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\n",
                             login_token);
  form = soup_form_encode ("jeton", login_token, "identifiant", "regulation.sas41",
                           "mot-de-passe", "demo-regulation-2026", NULL);
  fuzz_http_send ("POST", "/reservation/connexion", headers, form, strlen (form), &response);
  session = fuzz_http_cookie (&response, "crn_session");
  fuzz_http_response_clear (&response);
  if (session == NULL)
    fuzz_fail ("signing in on the booking page gave no session");
  session_cookie = g_strdup_printf ("Cookie: crn_session=%s\r\n", session);

  fuzz_http_send ("GET", "/reservation", session_cookie, NULL, 0, &response);
  field = strstr (response.body->str, "name=\"csrf\" value=\"");
  if (field == NULL)
    fuzz_fail ("the search page has no CSRF field");
  field += strlen ("name=\"csrf\" value=\"");
  csrf = g_strndup (field, strcspn (field, "\""));
  fuzz_http_response_clear (&response);
}

static void
find_free_slots (void)
{
  g_autofree char *token = fuzz_http_oauth_token ("regulation.sas41", "demo-regulation-2026");
  CrnServerDb *db = crn_server_get_db (fuzz_http_get_server ());
  g_autoptr(CrnServerAccount) account = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GError) error = NULL;
  CrnServerQuery query;
  guint total = 0;

  account = crn_server_db_account_for_token (db, token, &error);
  if (account == NULL)
    fuzz_fail ("no regulator account: %s", error->message);
  crn_server_query_init (&query);
  query.status_mask = 1u << CRN_SLOT_STATUS_FREE;
  query.count = 1000;
  slots = crn_server_db_query_slots (db, account, &query, &total, &error);
  crn_server_query_clear (&query);
  if (slots == NULL || slots->len == 0)
    fuzz_fail ("the demo CPTS has no free slot for the regulator");
  free_slots = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < slots->len; i++)
    g_ptr_array_add (free_slots, g_strdup (((CrnSlot *) g_ptr_array_index (slots, i))->id));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  fuzz_http_start ();
  sign_in ();
  find_free_slots ();
  return 0;
}

static void
check_page (const FuzzHttpResponse *response,
            const char             *what)
{
  fuzz_http_check_status (response, what);
  if (response->body != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (response->body->str, response->body->len);

      if (strstr (lower, "<fz") != NULL)
        fuzz_fail ("%s: the page echoes markup from the input unescaped:\n%s", what,
                   response->body->str);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FuzzHttpResponse response;

  if (size < 2)
    return 0;
  if (data[0] % 3 != 2)
    {
      g_autoptr(GString) body = g_string_new ("slot=");
      g_autofree char *headers = g_strdup_printf ("%sContent-Type: "
                                                  "application/x-www-form-urlencoded\r\n",
                                                  session_cookie);

      g_string_append (body, g_ptr_array_index (free_slots, data[1] % free_slots->len));
      g_string_append_c (body, '&');
      g_string_append_len (body, (const char *) data + 2, size - 2);
      g_string_append_printf (body, "&csrf=%s", csrf);
      fuzz_http_send ("POST", "/reservation/reserver", headers, body->str, body->len,
                      &response);
      check_page (&response, "POST /reservation/reserver");
    }
  else
    {
      g_autofree char *query = fuzz_http_escape_target (data + 2, size - 2);
      g_autofree char *target = g_strdup_printf ("/reservation?%s", query);

      fuzz_http_send ("GET", target, session_cookie, NULL, 0, &response);
      check_page (&response, target);
    }
  fuzz_http_response_clear (&response);
  return 0;
}
