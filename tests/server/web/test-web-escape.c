/* test-web-escape.c: the booking page's one HTML escaping helper, with hostile strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "crn-booking-page.h"

#include <string.h>

typedef struct
{
  const char *input;
  const char *expected;
} Case;

static void
test_escape_hostile (void)
{
  const Case cases[] = {
    { "", "" },
    { "Dupont", "Dupont" },
    { "Léa Müller-Ångström", "Léa Müller-Ångström" },
    { "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { "\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
    { "' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)" },
    { "a & b &amp; c", "a &amp; b &amp;amp; c" },
    { "</textarea></title><!--", "&lt;/textarea&gt;&lt;/title&gt;&lt;!--" },
    { "javascript:alert(1)", "javascript:alert(1)" },   /* inert as text; never in an href */
    { "tab\tand\nnewline", "tab\tand\nnewline" },
    { "nul\x01" "bell\x07" "esc\x1b" "del\x7f", "nulbellescdel" },
    { "\xe2\x80\xae" "RTL", "\xe2\x80\xae" "RTL" },    /* valid UTF-8 is kept as is */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = crn_web_escape_html (cases[i].input);
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

static void
test_escape_invalid_utf8 (void)
{
  /* A lone continuation byte, a truncated sequence and an overlong '<' (0xC0 0xBC): the
   * result is valid UTF-8 and no byte sequence can become a '<'. */
  g_autofree char *out = crn_web_escape_html ("a\x80" "b\xe2\x82" "c\xc0\xbc" "d<");

  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_null (strchr (out, '<'));
  g_assert_true (g_str_has_prefix (out, "a"));
  g_assert_true (g_str_has_suffix (out, "d&lt;"));
}

static void
test_escape_null_and_append (void)
{
  g_autofree char *empty = crn_web_escape_html (NULL);
  g_autoptr(GString) s = g_string_new ("<p>");

  g_assert_cmpstr (empty, ==, "");
  crn_web_escape_html_append (s, "1 < 2");
  crn_web_escape_html_append (s, NULL);
  g_string_append (s, "</p>");
  g_assert_cmpstr (s->str, ==, "<p>1 &lt; 2</p>");
}

static void
test_escape_every_ascii (void)
{
  char in[2] = { 0, 0 };
  int c;

  /* No printable ASCII character other than the five is changed, and none of the five
   * survives. */
  for (c = 0x20; c < 0x7f; c++)
    {
      g_autofree char *out = NULL;

      in[0] = (char) c;
      out = crn_web_escape_html (in);
      if (strchr ("&<>\"'", c) != NULL)
        {
          g_assert_cmpint (out[0], ==, '&');
          g_assert_null (strchr (out + 1, c == '&' ? '<' : c));
        }
      else
        g_assert_cmpstr (out, ==, in);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/web/escape/hostile", test_escape_hostile);
  g_test_add_func ("/web/escape/invalid-utf8", test_escape_invalid_utf8);
  g_test_add_func ("/web/escape/null-and-append", test_escape_null_and_append);
  g_test_add_func ("/web/escape/every-ascii", test_escape_every_ascii);

  return g_test_run ();
}
