/* fuzz-server-token.c: the body of POST /oauth/token against the real server
 *
 * Input: the application/x-www-form-urlencoded body, sent as is. It goes through
 * libsoup's form decoding and the server's token endpoint: grant types, the password grant
 * (password hashing, rate limiting and lock-out: after a few wrong passwords the answers
 * are fast 429s), and the refresh grant (token lookup and rotation).
 *
 * Properties: never a 5xx; the answer is JSON; an error answer carries an RFC 6749 `error`
 * code, and a 200 (a seed with the demo password) carries an access token and the
 * Cache-Control: no-store header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include "fuzz-http.h"

static const char *oauth_errors[] = {
  "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
  "unsupported_grant_type", "invalid_scope", NULL,
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  fuzz_http_start ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *cache = NULL;
  FuzzHttpResponse response;
  JsonNode *root;
  JsonObject *object;

  fuzz_http_send ("POST", "/oauth/token",
                  "Content-Type: application/x-www-form-urlencoded\r\n",
                  data, size, &response);
  fuzz_http_check_status (&response, "POST /oauth/token");
  if (!json_parser_load_from_data (parser, response.body->str, response.body->len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    fuzz_fail ("POST /oauth/token: %u with a body that is not a JSON object", response.status);
  object = json_node_get_object (root);
  cache = fuzz_http_header (&response, "Cache-Control");
  if (g_strcmp0 (cache, "no-store") != 0)
    fuzz_fail ("POST /oauth/token: %u without Cache-Control: no-store", response.status);
  if (response.status == 200)
    {
      if (!json_object_has_member (object, "access_token") ||
          !json_object_has_member (object, "refresh_token"))
        fuzz_fail ("POST /oauth/token: 200 without tokens");
    }
  else
    {
      const char *code = json_object_get_string_member_with_default (object, "error", NULL);

      if (code == NULL || !g_strv_contains (oauth_errors, code))
        fuzz_fail ("POST /oauth/token: %u with error code \"%s\"", response.status,
                   code != NULL ? code : "(none)");
    }
  fuzz_http_response_clear (&response);
  return 0;
}
