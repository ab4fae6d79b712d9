/* crn-booking-page.c: the regulator booking web page (/reservation)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Server-rendered HTML, French, usable without JavaScript. Every value that reaches the page
 * goes through crn_web_escape_html(); every state-changing request is a POST carrying the
 * session's CSRF token; patient data never appears in a URL (POST bodies only, and after a
 * booking a redirect to the booking's opaque id) and is never logged.
 *
 * Routes (all under /reservation, the cookie's path):
 *   GET  /reservation                   sign-in form, or search form + free slots
 *   GET  /reservation?slot=ID           booking form for one slot (deep link from Slot.comment)
 *   POST /reservation/connexion         sign in
 *   POST /reservation/deconnexion       sign out
 *   POST /reservation/reserver          book a slot for a patient
 *   GET  /reservation/rdv/ID            the summary of a booking this account made
 *   GET  /reservation/mes-reservations  the bookings this account made
 *   GET  /reservation/annuler/ID        cancellation: confirmation page
 *   POST /reservation/annuler/ID        cancellation
 *   GET  /reservation/rapport           the coordinator's monthly report (see crn-report.h)
 *   GET  /reservation/static/…          style sheet and the optional script (GResource)
 */

#define G_LOG_DOMAIN "CrnBookingPage"

#include "config.h"

#include "crn-booking-page.h"

#include "crn-fhir-common.h"
#include "crn-report.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

/* ------------------------------------------------------------------------------------ */
/* Constants                                                                             */

#define BASE                 "/reservation"
#define COOKIE_SESSION       "crn_session"
#define COOKIE_LOGIN         "crn_login"
#define RESOURCE_PREFIX      "/io/github/creneaux/Creneaux/web/"
#define SESSION_IDLE_US      (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)   /* 1 h idle */
#define SESSION_MAX_US       (G_GINT64_CONSTANT (12 * 3600) * G_USEC_PER_SEC)   /* a 12 h shift */
#define SESSION_MAX_AGE_S    (60 * 60 * 12)
#define MAX_SESSIONS         10000
#define MAX_FORM_BYTES       (32 * 1024)
#define MAX_NAME_CHARS       100
#define MAX_REASON_CHARS     500
#define TOKEN_BYTES          32
#define MY_BOOKINGS_DAYS     30
/* The page lists a slot only if its booking stays open this long: the time an operator
 * takes to fill in the form. A slot starting sooner is of no use to a patient on the phone,
 * and one listed seconds before its start would be refused as started once submitted. */
#define FORM_LEAD_S          (5 * 60)

/* ------------------------------------------------------------------------------------ */
/* Types                                                                                 */

typedef struct
{
  char          *id;            /* the cookie value: 256 random bits, base64url */
  char          *csrf;          /* 256 random bits, base64url; sent back in every form */
  gint64         account_id;
  CrnServerRole  role;
  gint64         created_us;    /* monotonic */
  gint64         last_seen_us;  /* monotonic */
  char          *flash;         /* one message shown on the next page (no patient data) */
} WebSession;

typedef struct
{
  CrnServerContext *ctx;
  GHashTable       *sessions;   /* id -> WebSession */
} BookingPage;

typedef struct
{
  BookingPage       *page;
  SoupServerMessage *msg;
  GHashTable        *query;     /* borrowed, may be NULL */
  GHashTable        *form;      /* POST fields, owned, may be NULL */
  WebSession        *session;   /* borrowed from page->sessions, may be NULL */
  CrnServerAccount  *account;   /* owned, NULL when not signed in */
  GHashTable        *cookies;   /* owned: name -> value */
  const char        *path;
} Req;

/* Field errors of a form, in the order they are shown in the summary. */
typedef struct
{
  GPtrArray  *fields;           /* (element-type utf8) field names */
  GHashTable *messages;         /* field name -> message */
  char       *code;             /* a machine-readable code for tests and scripts, may be NULL */
} FormErrors;

static void
web_session_free (WebSession *s)
{
  if (s == NULL)
    return;
  sodium_memzero (s->csrf, strlen (s->csrf));
  g_free (s->id);
  g_free (s->csrf);
  g_free (s->flash);
  g_free (s);
}

static void
form_errors_init (FormErrors *e)
{
  e->fields = g_ptr_array_new_with_free_func (g_free);
  e->messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  e->code = NULL;
}

static void
form_errors_clear (FormErrors *e)
{
  g_clear_pointer (&e->fields, g_ptr_array_unref);
  g_clear_pointer (&e->messages, g_hash_table_unref);
  g_clear_pointer (&e->code, g_free);
}

static void
form_errors_add (FormErrors *e,
                 const char *field,
                 const char *message)
{
  if (g_hash_table_contains (e->messages, field))
    return;
  g_ptr_array_add (e->fields, g_strdup (field));
  g_hash_table_insert (e->messages, g_strdup (field), g_strdup (message));
}

static const char *
form_errors_get (const FormErrors *e,
                 const char       *field)
{
  return e != NULL && e->messages != NULL ? g_hash_table_lookup (e->messages, field) : NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Escaping and HTML building                                                            */

void
crn_web_escape_html_append (GString    *out,
                            const char *text)
{
  g_autofree char *valid = NULL;
  const char *p;

  g_return_if_fail (out != NULL);

  if (text == NULL)
    return;
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  for (p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '&':
          g_string_append (out, "&amp;");
          break;
        case '<':
          g_string_append (out, "&lt;");
          break;
        case '>':
          g_string_append (out, "&gt;");
          break;
        case '"':
          g_string_append (out, "&quot;");
          break;
        case '\'':
          g_string_append (out, "&#39;");
          break;
        case '\t':
        case '\n':
          g_string_append_c (out, *p);
          break;
        default:
          if ((guchar) *p < 0x20 || *p == 0x7f)
            break;   /* control characters have no place in a page */
          g_string_append_c (out, *p);
          break;
        }
    }
}

char *
crn_web_escape_html (const char *text)
{
  GString *out = g_string_new (NULL);

  crn_web_escape_html_append (out, text);
  return g_string_free (out, FALSE);
}

/*
 * html_append:
 * A tiny formatter where every text argument is escaped unless asked otherwise:
 *   %s  text (const char *), escaped; NULL prints nothing
 *   %r  trusted HTML (const char *), appended as is
 *   %d  int       %u  guint       %%  a percent sign
 * The format itself is trusted HTML (a literal or a translation of one).
 */
static void
html_append (GString    *out,
             const char *format,
             ...)
{
  va_list args;
  const char *p;

  va_start (args, format);
  for (p = format; *p != '\0'; p++)
    {
      if (*p != '%')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 's':
          crn_web_escape_html_append (out, va_arg (args, const char *));
          break;
        case 'r':
          {
            const char *raw = va_arg (args, const char *);
            if (raw != NULL)
              g_string_append (out, raw);
          }
          break;
        case 'd':
          g_string_append_printf (out, "%d", va_arg (args, int));
          break;
        case 'u':
          g_string_append_printf (out, "%u", va_arg (args, guint));
          break;
        case '%':
          g_string_append_c (out, '%');
          break;
        case '\0':
          p--;
          break;
        default:
          g_string_append_c (out, '%');
          g_string_append_c (out, *p);
          break;
        }
    }
  va_end (args);
}

/* ------------------------------------------------------------------------------------ */
/* Random tokens, cookies, sessions                                                      */

static char *
random_token (void)
{
  guchar bytes[TOKEN_BYTES];
  char text[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (text);
}

/* Constant-time comparison of two tokens (the length is not secret). */
static gboolean
token_equal (const char *expected,
             const char *given)
{
  gsize len;

  if (expected == NULL || given == NULL)
    return FALSE;
  len = strlen (expected);
  if (len == 0 || strlen (given) != len)
    return FALSE;
  return sodium_memcmp (expected, given, len) == 0;
}

static GHashTable *
parse_cookies (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *header = soup_message_headers_get_list (headers, "Cookie");
  GHashTable *cookies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) parts = NULL;
  guint i;

  if (header == NULL)
    return cookies;

  /* "a=1; b=2" (several Cookie headers are joined with ", " by libsoup) */
  parts = g_regex_split_simple ("[;,]\\s*", header, 0, 0);
  for (i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      g_autofree char *name = NULL;

      if (eq == NULL)
        continue;
      name = g_strstrip (g_strndup (parts[i], eq - parts[i]));
      if (!g_hash_table_contains (cookies, name))
        g_hash_table_insert (cookies, g_steal_pointer (&name), g_strstrip (g_strdup (eq + 1)));
    }
  return cookies;
}

static void
set_cookie (Req        *r,
            const char *name,
            const char *value,
            int         max_age)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (r->msg);
  g_autofree char *cookie = NULL;

  cookie = g_strdup_printf ("%s=%s; Path=" BASE "; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                            name, value != NULL ? value : "", max_age,
                            r->page->ctx->tls ? "; Secure" : "");
  soup_message_headers_append (headers, "Set-Cookie", cookie);
}

static void
purge_sessions (BookingPage *page)
{
  GHashTableIter iter;
  WebSession *s;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, page->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s))
    {
      if (now - s->last_seen_us > SESSION_IDLE_US || now - s->created_us > SESSION_MAX_US)
        g_hash_table_iter_remove (&iter);
    }
}

static WebSession *
session_create (BookingPage            *page,
                const CrnServerAccount *account)
{
  WebSession *s = g_new0 (WebSession, 1);

  purge_sessions (page);
  if (g_hash_table_size (page->sessions) >= MAX_SESSIONS)
    {
      /* Full of live sessions: forget the oldest one rather than refuse a sign-in. */
      GHashTableIter iter;
      WebSession *it, *oldest = NULL;

      g_hash_table_iter_init (&iter, page->sessions);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &it))
        if (oldest == NULL || it->last_seen_us < oldest->last_seen_us)
          oldest = it;
      if (oldest != NULL)
        g_hash_table_remove (page->sessions, oldest->id);
    }

  s->id = random_token ();
  s->csrf = random_token ();
  s->account_id = account->id;
  s->role = account->role;
  s->created_us = s->last_seen_us = g_get_monotonic_time ();
  g_hash_table_insert (page->sessions, s->id, s);
  return s;
}

static void
session_set_flash (WebSession *s,
                   const char *message)
{
  g_free (s->flash);
  s->flash = g_strdup (message);
}

/* Finds the session of the request, checks it is alive and its account still exists. */
static void
req_load_session (Req *r)
{
  const char *id = g_hash_table_lookup (r->cookies, COOKIE_SESSION);
  WebSession *s;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  if (id == NULL || *id == '\0')
    return;
  s = g_hash_table_lookup (r->page->sessions, id);
  if (s == NULL)
    return;
  if (now - s->last_seen_us > SESSION_IDLE_US || now - s->created_us > SESSION_MAX_US)
    {
      g_hash_table_remove (r->page->sessions, id);
      return;
    }

  r->account = crn_server_db_get_account (r->page->ctx->db, s->account_id, &error);
  if (r->account == NULL || r->account->role != s->role)
    {
      g_clear_pointer (&r->account, crn_server_account_free);
      g_hash_table_remove (r->page->sessions, id);
      return;
    }
  s->last_seen_us = now;
  r->session = s;
}

static gboolean
role_may_book (CrnServerRole role)
{
  return role == CRN_SERVER_ROLE_REGULATOR || role == CRN_SERVER_ROLE_PHARMACY;
}

static gboolean
role_may_sign_in (CrnServerRole role)
{
  return role_may_book (role) || role == CRN_SERVER_ROLE_COORDINATOR;
}

/* ------------------------------------------------------------------------------------ */
/* Responses                                                                             */

static void
set_common_headers (SoupServerMessage *msg,
                    gboolean           cacheable)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'self'; script-src 'self'; "
                                "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                "base-uri 'none'");
  soup_message_headers_replace (headers, "Cache-Control",
                                cacheable ? "private, max-age=300" : "no-store");
}

static void
respond_html (Req     *r,
              guint    status,
              GString *body)
{
  gsize len = body->len;

  set_common_headers (r->msg, FALSE);
  soup_server_message_set_status (r->msg, status, NULL);
  soup_server_message_set_response (r->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (body, FALSE), len);
}

static void
redirect (Req        *r,
          const char *location)
{
  set_common_headers (r->msg, FALSE);
  soup_server_message_set_redirect (r->msg, SOUP_STATUS_SEE_OTHER, location);
}

/* ------------------------------------------------------------------------------------ */
/* Page layout                                                                           */

static void
layout_begin (GString    *out,
              Req        *r,
              const char *title,
              const char *current)
{
  html_append (out,
               "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"referrer\" content=\"no-referrer\">\n"
               "<title>%s – Créneaux</title>\n"
               "<link rel=\"stylesheet\" href=\"" BASE "/static/style.css\">\n"
               "<script src=\"" BASE "/static/crn-web.js\" defer></script>\n"
               "</head>\n<body>\n"
               "<a class=\"skip-link\" href=\"#contenu\">%s</a>\n"
               "<header class=\"site-header\">\n<div class=\"wrap header-inner\">\n"
               "<p class=\"brand\"><a href=\"" BASE "\">Créneaux</a> <span>%s</span></p>\n",
               title, _("Skip to content"), _("unscheduled care booking"));

  if (r->account != NULL && r->session != NULL)
    {
      html_append (out, "<nav class=\"main-nav\" aria-label=\"%s\"><ul>\n",
                   _("Main navigation"));
      if (role_may_book (r->account->role))
        {
          html_append (out, "<li><a href=\"" BASE "\"%r>%s</a></li>\n",
                       g_strcmp0 (current, "search") == 0 ? " aria-current=\"page\"" : "",
                       _("Find a slot"));
          html_append (out, "<li><a href=\"" BASE "/mes-reservations\"%r>%s</a></li>\n",
                       g_strcmp0 (current, "mine") == 0 ? " aria-current=\"page\"" : "",
                       _("My bookings"));
        }
      else
        {
          html_append (out, "<li><a href=\"" BASE "\"%r>%s</a></li>\n",
                       g_strcmp0 (current, "report") == 0 ? " aria-current=\"page\"" : "",
                       _("Monthly report"));
        }
      html_append (out,
                   "</ul></nav>\n<div class=\"account\"><p>%s <strong>%s</strong></p>\n"
                   "<form method=\"post\" action=\"" BASE "/deconnexion\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<button type=\"submit\" class=\"button secondary small\">%s</button></form>"
                   "</div>\n",
                   _("Signed in as"), r->account->display_name, r->session->csrf,
                   _("Sign out"));
    }
  html_append (out, "</div>\n</header>\n<main id=\"contenu\" tabindex=\"-1\">\n<div class=\"wrap\">\n");

  if (r->session != NULL && r->session->flash != NULL)
    {
      html_append (out, "<div class=\"notice success\" role=\"status\"><p>%s</p></div>\n",
                   r->session->flash);
      g_clear_pointer (&r->session->flash, g_free);
    }
}

static void
layout_end (GString *out)
{
  html_append (out,
               "</div>\n</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\"><p>%s</p></div>\n"
               "</footer>\n</body>\n</html>\n",
               _("CPTS shared agenda for unscheduled care. Patient details are visible only "
                 "to the account that booked and to the practice that receives the patient."));
}

/* The error summary at the top of a form: one link per field in error. */
static void
error_summary (GString          *out,
               const FormErrors *e,
               const char       *general)
{
  guint i;

  if ((e == NULL || e->fields->len == 0) && general == NULL)
    return;
  html_append (out,
               "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
               "aria-labelledby=\"error-summary-title\" data-error=\"%s\">\n"
               "<h2 id=\"error-summary-title\">%s</h2>\n",
               e != NULL && e->code != NULL ? e->code : "invalid", _("There is a problem"));
  if (general != NULL)
    html_append (out, "<p>%s</p>\n", general);
  if (e != NULL && e->fields->len > 0)
    {
      html_append (out, "<ul>\n");
      for (i = 0; i < e->fields->len; i++)
        {
          const char *field = g_ptr_array_index (e->fields, i);
          html_append (out, "<li><a href=\"#f-%s\">%s</a></li>\n", field,
                       (const char *) g_hash_table_lookup (e->messages, field));
        }
      html_append (out, "</ul>\n");
    }
  html_append (out, "</div>\n");
}

/* The opening of a field: label, hint and error, linked by aria-describedby. */
static void
field_begin (GString          *out,
             const FormErrors *e,
             const char       *name,
             const char       *label,
             const char       *hint,
             GString          *describedby)
{
  const char *error = form_errors_get (e, name);

  html_append (out, "<div class=\"field%r\">\n<label for=\"f-%s\">%s</label>\n",
               error != NULL ? " has-error" : "", name, label);
  g_string_truncate (describedby, 0);
  if (hint != NULL)
    {
      html_append (out, "<p class=\"hint\" id=\"f-%s-hint\">%s</p>\n", name, hint);
      g_string_append_printf (describedby, "f-%s-hint", name);
    }
  if (error != NULL)
    {
      html_append (out, "<p class=\"field-error\" id=\"f-%s-error\">"
                   "<span class=\"visually-hidden\">%s</span> %s</p>\n",
                   name, _("Error:"), error);
      g_string_append_printf (describedby, "%sf-%s-error", describedby->len > 0 ? " " : "", name);
    }
}

/* Attributes common to every control: id, name, aria-describedby, aria-invalid. */
static void
field_control_attrs (GString          *out,
                     const FormErrors *e,
                     const char       *name,
                     GString          *describedby)
{
  html_append (out, " id=\"f-%s\" name=\"%s\"", name, name);
  if (describedby->len > 0)
    html_append (out, " aria-describedby=\"%s\"", describedby->str);
  if (form_errors_get (e, name) != NULL)
    html_append (out, " aria-invalid=\"true\"");
}

static void
field_input (GString          *out,
             const FormErrors *e,
             const char       *name,
             const char       *label,
             const char       *hint,
             const char       *type,
             const char       *value,
             const char       *extra)   /* trusted attributes */
{
  g_autoptr(GString) describedby = g_string_new (NULL);

  field_begin (out, e, name, label, hint, describedby);
  html_append (out, "<input type=\"%s\"", type);
  field_control_attrs (out, e, name, describedby);
  html_append (out, " value=\"%s\"%r%r>\n</div>\n", value != NULL ? value : "",
               extra != NULL ? " " : "", extra);
}

typedef struct
{
  const char *value;
  const char *label;
} Option;

static void
field_select (GString          *out,
              const FormErrors *e,
              const char       *name,
              const char       *label,
              const char       *hint,
              const Option     *options,
              guint             n_options,
              const char       *selected)
{
  g_autoptr(GString) describedby = g_string_new (NULL);
  guint i;

  field_begin (out, e, name, label, hint, describedby);
  html_append (out, "<select");
  field_control_attrs (out, e, name, describedby);
  html_append (out, ">\n");
  for (i = 0; i < n_options; i++)
    html_append (out, "<option value=\"%s\"%r>%s</option>\n", options[i].value,
                 g_strcmp0 (options[i].value, selected != NULL ? selected : "") == 0
                 ? " selected" : "",
                 options[i].label);
  html_append (out, "</select>\n</div>\n");
}

static void
hidden_csrf (GString *out,
             Req     *r)
{
  html_append (out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", r->session->csrf);
}

/* A page with one message and a way out. */
static void
respond_message (Req        *r,
                 guint       status,
                 const char *title,
                 const char *message,
                 const char *code)
{
  GString *out = g_string_new (NULL);

  layout_begin (out, r, title, NULL);
  html_append (out,
               "<div class=\"panel notice error\" role=\"alert\" data-error=\"%s\">\n"
               "<h1>%s</h1>\n<p>%s</p>\n</div>\n"
               "<p><a class=\"button\" href=\"" BASE "\">%s</a></p>\n",
               code != NULL ? code : "error", title, message, _("Back to the search"));
  layout_end (out);
  respond_html (r, status, out);
}

/* ------------------------------------------------------------------------------------ */
/* Formatting of the domain for people                                                   */

static const char *
weekday_name (GDateWeekday wd)
{
  switch (wd)
    {
    case G_DATE_MONDAY: return _("Monday");
    case G_DATE_TUESDAY: return _("Tuesday");
    case G_DATE_WEDNESDAY: return _("Wednesday");
    case G_DATE_THURSDAY: return _("Thursday");
    case G_DATE_FRIDAY: return _("Friday");
    case G_DATE_SATURDAY: return _("Saturday");
    case G_DATE_SUNDAY: return _("Sunday");
    case G_DATE_BAD_WEEKDAY:
    default:
      return "";
    }
}

static const char *
month_name (GDateMonth m)
{
  static const char *names[] = {
    "", N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
  };

  if (m < 1 || m > 12)
    return "";
  return _(names[m]);
}

/* "Monday 23 November 2026" (in French: "lundi 23 novembre 2026") */
static char *
format_day (const GDate *date)
{
  /* TRANSLATORS: a day: weekday, day of month, month, year ("Monday 23 November 2026") */
  return g_strdup_printf (_("%s %d %s %d"), weekday_name (g_date_get_weekday (date)),
                          (int) g_date_get_day (date), month_name (g_date_get_month (date)),
                          (int) g_date_get_year (date));
}

static char *
format_day_of (CrnInstant instant)
{
  GDate date;

  g_date_clear (&date, 1);
  crn_time_to_local (instant, &date, NULL, NULL);
  return format_day (&date);
}

static char *
format_time_of (CrnInstant instant)
{
  guint minute;

  crn_time_to_local (instant, NULL, &minute, NULL);
  return crn_time_format_minutes (minute);
}

/* "14:00–14:20" */
static char *
format_time_range (CrnInstant start,
                   CrnInstant end)
{
  g_autofree char *a = format_time_of (start);
  g_autofree char *b = format_time_of (end);

  return g_strdup_printf ("%s–%s", a, b);
}

static void
append_modalities (GString     *out,
                   CrnModality  modalities)
{
  if (modalities & CRN_MODALITY_AMB)
    html_append (out, "<span class=\"tag modality\">%s</span> ", _("At the practice"));
  if (modalities & CRN_MODALITY_VR)
    html_append (out, "<span class=\"tag modality\">%s</span> ", _("Teleconsultation"));
  if (modalities & CRN_MODALITY_HH)
    html_append (out, "<span class=\"tag modality\">%s</span> ", _("Home visit"));
}

static char *
restriction_label (const CrnSlot *slot)
{
  switch (slot->restriction)
    {
    case CRN_RESTRICTION_CHILDREN:
      return g_strdup (_("Children only (under 18)"));
    case CRN_RESTRICTION_ADULTS:
      return g_strdup (_("Adults only"));
    case CRN_RESTRICTION_OTHER:
      return g_strdup (slot->restriction_text != NULL ? slot->restriction_text : _("Restricted"));
    case CRN_RESTRICTION_NONE:
    default:
      return NULL;
    }
}

static const char *
status_label (const CrnBooking *b)
{
  switch (b->status)
    {
    case CRN_APPOINTMENT_STATUS_PROPOSED:
    case CRN_APPOINTMENT_STATUS_PENDING:
      return _("Waiting for the practice to confirm");
    case CRN_APPOINTMENT_STATUS_BOOKED:
      return _("Confirmed");
    case CRN_APPOINTMENT_STATUS_ARRIVED:
      return _("Patient arrived");
    case CRN_APPOINTMENT_STATUS_FULFILLED:
      return _("Seen");
    case CRN_APPOINTMENT_STATUS_CANCELLED:
      return _("Cancelled");
    case CRN_APPOINTMENT_STATUS_NOSHOW:
      return _("Patient did not come");
    case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR:
    default:
      return _("Entered in error");
    }
}

static char *
practitioner_name (GHashTable *practitioners,
                   const char *idnps)
{
  CrnPractitioner *p = idnps != NULL ? g_hash_table_lookup (practitioners, idnps) : NULL;

  if (p == NULL)
    return g_strdup (_("Unknown practitioner"));
  return crn_practitioner_get_display_name (p);
}

/* The GPs and places of the CPTS, to name them on the page. */
typedef struct
{
  GPtrArray  *practitioners;   /* (element-type CrnPractitioner) sorted by name */
  GHashTable *by_idnps;        /* idnps -> CrnPractitioner (borrowed) */
  GPtrArray  *places;          /* (element-type CrnPlace) sorted by name */
  GHashTable *by_place_id;     /* id -> CrnPlace (borrowed) */
} Directory;

static void
directory_load (Req       *r,
                Directory *dir)
{
  guint i;

  dir->practitioners = crn_server_db_list_practitioners (r->page->ctx->db, NULL);
  if (dir->practitioners == NULL)
    dir->practitioners = g_ptr_array_new ();
  dir->places = crn_server_db_list_places (r->page->ctx->db, NULL);
  if (dir->places == NULL)
    dir->places = g_ptr_array_new ();
  dir->by_idnps = g_hash_table_new (g_str_hash, g_str_equal);
  dir->by_place_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < dir->practitioners->len; i++)
    {
      CrnPractitioner *p = g_ptr_array_index (dir->practitioners, i);
      g_hash_table_replace (dir->by_idnps, p->idnps, p);
    }
  for (i = 0; i < dir->places->len; i++)
    {
      CrnPlace *p = g_ptr_array_index (dir->places, i);
      g_hash_table_replace (dir->by_place_id, p->id, p);
    }
}

static void
directory_clear (Directory *dir)
{
  g_clear_pointer (&dir->by_idnps, g_hash_table_unref);
  g_clear_pointer (&dir->by_place_id, g_hash_table_unref);
  g_clear_pointer (&dir->practitioners, g_ptr_array_unref);
  g_clear_pointer (&dir->places, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Directory, directory_clear)

static void
append_place (GString    *out,
              GHashTable *places,
              const char *place_id)
{
  CrnPlace *place = place_id != NULL ? g_hash_table_lookup (places, place_id) : NULL;

  if (place == NULL)
    {
      html_append (out, "%s", _("Place not given"));
      return;
    }
  html_append (out, "%s", place->name);
  if (place->line != NULL && *place->line != '\0')
    html_append (out, "<span class=\"address\">, %s</span>", place->line);
  if (place->city != NULL && *place->city != '\0')
    html_append (out, "<span class=\"address\">, %s %s</span>",
                 place->postal_code != NULL ? place->postal_code : "", place->city);
}

/* ------------------------------------------------------------------------------------ */
/* Parsing forms                                                                         */

static const char *
param (GHashTable *table,
       const char *name)
{
  return table != NULL ? g_hash_table_lookup (table, name) : NULL;
}

/* A field of a POST form, trimmed; "" when absent. Owned by the request. */
static const char *
form_value (Req        *r,
            const char *name)
{
  char *value = r->form != NULL ? g_hash_table_lookup (r->form, name) : NULL;

  return value != NULL ? g_strstrip (value) : "";
}

static gboolean
parse_date (const char *text,
            GDate      *out)
{
  int y, m, d;
  char tail;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
      || text[4] != '-' || text[7] != '-'
      || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (out, 1);
  g_date_set_dmy (out, d, m, y);
  return TRUE;
}

static char *
date_to_iso (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", (int) g_date_get_year (date),
                          (int) g_date_get_month (date), (int) g_date_get_day (date));
}

static gboolean
read_form (Req *r)
{
  SoupMessageBody *body = soup_server_message_get_request_body (r->msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (r->msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  gsize len;
  const char *data;

  if (body->length > MAX_FORM_BYTES)
    {
      respond_message (r, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("Form too large"),
                       _("The form sent is too large. Shorten the texts and try again."),
                       "too-large");
      return FALSE;
    }
  if (g_strcmp0 (type, "application/x-www-form-urlencoded") != 0)
    {
      respond_message (r, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, _("Form not understood"),
                       _("The form was not sent the way a browser sends it. Reload the page "
                         "and try again."),
                       "bad-form");
      return FALSE;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &len);
  text = g_strndup (data != NULL ? data : "", len);
  r->form = soup_form_decode (text);
  return TRUE;
}

/* The CSRF check of every POST made while signed in. */
static gboolean
check_csrf (Req *r)
{
  if (r->session != NULL && token_equal (r->session->csrf, form_value (r, "csrf")))
    return TRUE;
  respond_message (r, SOUP_STATUS_FORBIDDEN, _("Form expired"),
                   _("This form is no longer valid (it may come from another tab or an older "
                     "session). Nothing was changed. Go back to the search and try again."),
                   "csrf");
  return FALSE;
}

/* ------------------------------------------------------------------------------------ */
/* Sign in                                                                               */

static void
render_login (Req        *r,
              guint       status,
              const char *login,
              const char *slot_id,
              const char *message,
              const char *code)
{
  GString *out = g_string_new (NULL);
  g_autofree char *token = random_token ();
  FormErrors e;

  form_errors_init (&e);
  if (code != NULL)
    e.code = g_strdup (code);

  set_cookie (r, COOKIE_LOGIN, token, 60 * 60);
  layout_begin (out, r, _("Sign in"), NULL);
  html_append (out,
               "<div class=\"panel narrow\">\n<h1>%s</h1>\n<p class=\"lead\">%s</p>\n",
               _("Book an unscheduled care slot"),
               _("For SAS regulation operators and pharmacies of the CPTS. Sign in with the "
                 "account the CPTS gave you."));
  if (message != NULL)
    error_summary (out, &e, message);
  html_append (out,
               "<form method=\"post\" action=\"" BASE "/connexion\" class=\"stack\">\n"
               "<input type=\"hidden\" name=\"jeton\" value=\"%s\">\n", token);
  if (slot_id != NULL && crn_fhir_id_is_valid (slot_id))
    html_append (out, "<input type=\"hidden\" name=\"slot\" value=\"%s\">\n", slot_id);
  field_input (out, &e, "identifiant", _("Login"), NULL, "text", login,
               "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required");
  field_input (out, &e, "mot-de-passe", _("Password"), NULL, "password", NULL,
               "autocomplete=\"current-password\" required");
  html_append (out, "<button type=\"submit\" class=\"button\">%s</button>\n</form>\n",
               _("Sign in"));
  if (slot_id != NULL && crn_fhir_id_is_valid (slot_id))
    {
      /* The session cookie is SameSite=Strict: arriving from the SAS platform's link (another
       * site), the browser does not send it. A click here is same-site, and does. */
      g_autofree char *slot_q = g_uri_escape_string (slot_id, NULL, FALSE);
      html_append (out, "<p class=\"hint continue\">%s <a href=\"" BASE "?slot=%s\">%s</a></p>\n",
                   _("Already signed in in this browser?"), slot_q, _("Continue to the slot"));
    }
  html_append (out, "</div>\n");
  layout_end (out);
  form_errors_clear (&e);
  respond_html (r, status, out);
}

static void
handle_login (Req *r)
{
  const char *login, *password, *slot_id;
  g_autoptr(CrnServerAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  guint retry_after = 0;
  WebSession *s;

  if (!read_form (r))
    return;
  login = form_value (r, "identifiant");
  password = r->form != NULL ? g_hash_table_lookup (r->form, "mot-de-passe") : NULL;
  slot_id = form_value (r, "slot");
  if (*slot_id == '\0' || !crn_fhir_id_is_valid (slot_id))
    slot_id = NULL;

  /* Login CSRF: the token of the form must match the cookie set with it. */
  if (!token_equal (g_hash_table_lookup (r->cookies, COOKIE_LOGIN), form_value (r, "jeton")))
    {
      render_login (r, SOUP_STATUS_FORBIDDEN, login, slot_id,
                    _("The sign-in form expired. Type your login and password again."), "csrf");
      return;
    }
  if (*login == '\0' || password == NULL || *password == '\0')
    {
      render_login (r, SOUP_STATUS_BAD_REQUEST, login, slot_id,
                    _("Type your login and your password."), "missing");
      return;
    }

  account = crn_server_db_authenticate (r->page->ctx->db, login, password,
                                        soup_server_message_get_remote_host (r->msg),
                                        &retry_after, &error);
  if (account == NULL)
    {
      if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_LOCKED_OUT))
        {
          g_autofree char *seconds = g_strdup_printf ("%u", retry_after);
          soup_message_headers_replace (soup_server_message_get_response_headers (r->msg),
                                        "Retry-After", seconds);
          render_login (r, 429 /* Too Many Requests */, login, slot_id, error->message,
                        "locked-out");
        }
      else if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_BAD_LOGIN))
        render_login (r, SOUP_STATUS_UNAUTHORIZED, login, slot_id, error->message, "bad-login");
      else
        render_login (r, SOUP_STATUS_INTERNAL_SERVER_ERROR, login, slot_id,
                      _("Signing in failed on the server. Try again in a moment; if it "
                        "persists, tell the CPTS."), "server");
      return;
    }

  if (!role_may_sign_in (account->role))
    {
      render_login (r, SOUP_STATUS_FORBIDDEN, NULL, slot_id,
                    _("This page is for SAS regulation operators and pharmacies. Practitioners "
                      "and secretaries manage their slots and bookings in the Créneaux "
                      "application."), "role");
      return;
    }

  /* A new session id at each sign-in (no fixation); the old one, if any, is dropped. */
  if (r->session != NULL)
    g_hash_table_remove (r->page->sessions, r->session->id);
  s = session_create (r->page, account);
  r->session = s;
  set_cookie (r, COOKIE_SESSION, s->id, SESSION_MAX_AGE_S);
  set_cookie (r, COOKIE_LOGIN, "", 0);

  if (slot_id != NULL && role_may_book (account->role))
    {
      g_autofree char *escaped = g_uri_escape_string (slot_id, NULL, FALSE);
      g_autofree char *location = g_strdup_printf (BASE "?slot=%s", escaped);
      redirect (r, location);
    }
  else
    redirect (r, BASE);
}

static void
handle_logout (Req *r)
{
  if (!read_form (r))
    return;
  if (r->session == NULL)
    {
      redirect (r, BASE);
      return;
    }
  if (!check_csrf (r))
    return;
  g_hash_table_remove (r->page->sessions, r->session->id);
  r->session = NULL;
  g_clear_pointer (&r->account, crn_server_account_free);
  set_cookie (r, COOKIE_SESSION, "", 0);
  redirect (r, BASE);
}

/* ------------------------------------------------------------------------------------ */
/* Search                                                                                */

typedef struct
{
  const char    *date;       /* as typed */
  const char    *days;
  const char    *from;
  const char    *to;
  const char    *modality;
  const char    *gp;
  const char    *place;
  const char    *age;
  CrnSlotFilter  filter;
} Search;

static void
search_parse (Req        *r,
              Search     *s,
              FormErrors *e,
              char      **today_iso)
{
  GDate today, date;
  guint from_minute = 0, to_minute = 0, n_days = 2;
  CrnInstant now = crn_time_now ();

  memset (s, 0, sizeof *s);
  g_date_clear (&today, 1);
  crn_time_to_local (now, &today, NULL, NULL);
  *today_iso = date_to_iso (&today);

  s->date = param (r->query, "date");
  s->days = param (r->query, "jours");
  s->from = param (r->query, "de");
  s->to = param (r->query, "a");
  s->modality = param (r->query, "modalite");
  s->gp = param (r->query, "medecin");
  s->place = param (r->query, "lieu");
  s->age = param (r->query, "age");

  date = today;
  if (s->date != NULL && *s->date != '\0')
    {
      if (!parse_date (s->date, &date))
        form_errors_add (e, "date", _("Choose a valid date."));
      else if (g_date_compare (&date, &today) < 0)
        form_errors_add (e, "date", _("The date is in the past: choose today or a later day."));
    }
  if (s->days != NULL && *s->days != '\0')
    {
      if (g_strcmp0 (s->days, "1") == 0 || g_strcmp0 (s->days, "2") == 0
          || g_strcmp0 (s->days, "3") == 0)
        n_days = (guint) (s->days[0] - '0');
      else
        form_errors_add (e, "jours", _("Choose 1, 2 or 3 days."));
    }
  if (s->from != NULL && *s->from != '\0' && !crn_time_parse_minutes (s->from, &from_minute))
    form_errors_add (e, "de", _("Enter a time like 14:00."));
  if (s->to != NULL && *s->to != '\0' && !crn_time_parse_minutes (s->to, &to_minute))
    form_errors_add (e, "a", _("Enter a time like 18:00."));
  if (to_minute != 0 && to_minute <= from_minute && form_errors_get (e, "de") == NULL
      && form_errors_get (e, "a") == NULL)
    form_errors_add (e, "a", _("The end of the time window must come after its start."));

  s->filter.from = MAX (now + FORM_LEAD_S, crn_time_from_local (&date, 0));
  g_date_add_days (&date, n_days);
  s->filter.to = crn_time_from_local (&date, 0);
  s->filter.from_minute = from_minute;
  s->filter.to_minute = to_minute;

  if (g_strcmp0 (s->modality, "cabinet") == 0)
    s->filter.modalities = CRN_MODALITY_AMB;
  else if (g_strcmp0 (s->modality, "teleconsultation") == 0)
    s->filter.modalities = CRN_MODALITY_VR;
  else if (g_strcmp0 (s->modality, "visite") == 0)
    s->filter.modalities = CRN_MODALITY_HH;
  else if (s->modality != NULL && *s->modality != '\0')
    form_errors_add (e, "modalite", _("Choose a way of consulting from the list."));

  if (s->gp != NULL && *s->gp != '\0')
    {
      if (crn_idnps_is_valid (s->gp))
        s->filter.practitioner = s->gp;
      else
        form_errors_add (e, "medecin", _("Choose a practitioner from the list."));
    }
  if (s->place != NULL && *s->place != '\0')
    {
      if (crn_fhir_id_is_valid (s->place))
        s->filter.place_id = s->place;
      else
        form_errors_add (e, "lieu", _("Choose a place from the list."));
    }

  if (g_strcmp0 (s->age, "enfant") == 0)
    s->filter.for_child = TRUE;
  else if (g_strcmp0 (s->age, "adulte") == 0)
    s->filter.for_child = FALSE;
  else if (s->age == NULL || *s->age == '\0')
    s->filter.any_age = TRUE;
  else
    form_errors_add (e, "age", _("Choose the patient's age group from the list."));
}

static void
render_search_form (GString    *out,
                    Req        *r,
                    Search     *s,
                    FormErrors *e,
                    const char *today_iso,
                    Directory  *dir)
{
  static const Option days[] = {
    { "1", N_("that day") }, { "2", N_("2 days") }, { "3", N_("3 days") },
  };
  Option modalities[] = {
    { "", _("Any kind") }, { "cabinet", _("At the practice") },
    { "teleconsultation", _("Teleconsultation") }, { "visite", _("Home visit") },
  };
  Option ages[] = {
    { "", _("Any age") }, { "enfant", _("Child (under 18)") }, { "adulte", _("Adult") },
  };
  Option days_tr[G_N_ELEMENTS (days)];
  g_autoptr(GArray) gp_options = g_array_new (FALSE, FALSE, sizeof (Option));
  g_autoptr(GArray) place_options = g_array_new (FALSE, FALSE, sizeof (Option));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *min_attr = g_strdup_printf ("min=\"%s\"", today_iso);
  Option any_gp = { "", _("Any practitioner") };
  Option any_place = { "", _("Any place") };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (days); i++)
    {
      days_tr[i].value = days[i].value;
      days_tr[i].label = _(days[i].label);
    }

  g_array_append_val (gp_options, any_gp);
  for (i = 0; i < dir->practitioners->len; i++)
    {
      CrnPractitioner *p = g_ptr_array_index (dir->practitioners, i);
      char *label = crn_practitioner_get_display_name (p);
      Option o = { p->idnps, label };

      g_ptr_array_add (labels, label);
      g_array_append_val (gp_options, o);
    }
  g_array_append_val (place_options, any_place);
  for (i = 0; i < dir->places->len; i++)
    {
      CrnPlace *p = g_ptr_array_index (dir->places, i);
      char *label = p->city != NULL ? g_strdup_printf ("%s (%s)", p->name, p->city)
                                    : g_strdup (p->name);
      Option o = { p->id, label };

      g_ptr_array_add (labels, label);
      g_array_append_val (place_options, o);
    }

  html_append (out,
               "<section class=\"panel search\" aria-labelledby=\"search-title\">\n"
               "<h1 id=\"search-title\">%s</h1>\n",
               _("Find a free slot"));
  error_summary (out, e, NULL);
  html_append (out, "<form method=\"get\" action=\"" BASE "\" class=\"search-form\">\n"
               "<div class=\"grid\">\n");
  field_input (out, e, "date", _("From"), NULL, "date",
               s->date != NULL && *s->date != '\0' ? s->date : today_iso, min_attr);
  field_select (out, e, "jours", _("Over"), NULL, days_tr, G_N_ELEMENTS (days_tr),
                s->days != NULL && *s->days != '\0' ? s->days : "2");
  field_input (out, e, "de", _("Not before"), NULL, "time", s->from, NULL);
  field_input (out, e, "a", _("Not after"), NULL, "time", s->to, NULL);
  field_select (out, e, "modalite", _("Consultation"), NULL, modalities,
                G_N_ELEMENTS (modalities), s->modality);
  field_select (out, e, "age", _("Patient"), NULL, ages, G_N_ELEMENTS (ages), s->age);
  field_select (out, e, "medecin", _("Practitioner"), NULL, (Option *) gp_options->data,
                gp_options->len, s->gp);
  field_select (out, e, "lieu", _("Place"), NULL, (Option *) place_options->data,
                place_options->len, s->place);
  html_append (out, "</div>\n<button type=\"submit\" class=\"button\">%s</button>\n"
               "</form>\n</section>\n", _("Search"));
}

typedef struct
{
  const char *practitioner;
  const char *place_id;
  GPtrArray  *slots;   /* borrowed CrnSlot */
} SlotGroup;

static void
slot_group_free (SlotGroup *g)
{
  g_ptr_array_unref (g->slots);
  g_free (g);
}

static void
render_results (GString    *out,
                Req        *r,
                GPtrArray  *slots,
                Directory  *dir)
{
  g_autofree char *count = NULL;
  GDate today;
  guint i = 0;

  g_date_clear (&today, 1);
  crn_time_to_local (crn_time_now (), &today, NULL, NULL);

  html_append (out, "<section class=\"results\" aria-labelledby=\"results-title\">\n");
  if (slots->len == 0)
    {
      html_append (out,
                   "<h2 id=\"results-title\">%s</h2>\n<p class=\"empty\" data-results=\"0\">%s</p>\n"
                   "</section>\n",
                   _("No free slot"),
                   _("No free slot matches these criteria. Widen the time window, choose "
                     "another day or any practitioner."));
      return;
    }
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u free slot", "%u free slots",
                                        slots->len), slots->len);
  html_append (out, "<h2 id=\"results-title\" data-results=\"%u\">%s</h2>\n", slots->len,
               count);

  while (i < slots->len)
    {
      CrnSlot *first = g_ptr_array_index (slots, i);
      GDate day;
      g_autofree char *day_label = NULL;
      g_autofree char *day_iso = NULL;
      g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_group_free);
      guint g;

      g_date_clear (&day, 1);
      crn_time_to_local (first->start, &day, NULL, NULL);
      day_label = format_day (&day);
      day_iso = date_to_iso (&day);

      /* Every slot of that local day, grouped by practitioner and place in order of the
       * first slot of each group. */
      for (; i < slots->len; i++)
        {
          CrnSlot *slot = g_ptr_array_index (slots, i);
          GDate d;
          SlotGroup *group = NULL;

          g_date_clear (&d, 1);
          crn_time_to_local (slot->start, &d, NULL, NULL);
          if (g_date_compare (&d, &day) != 0)
            break;
          for (g = 0; g < groups->len && group == NULL; g++)
            {
              SlotGroup *it = g_ptr_array_index (groups, g);
              if (g_strcmp0 (it->practitioner, slot->practitioner) == 0
                  && g_strcmp0 (it->place_id, slot->place_id) == 0)
                group = it;
            }
          if (group == NULL)
            {
              group = g_new0 (SlotGroup, 1);
              group->practitioner = slot->practitioner;
              group->place_id = slot->place_id;
              group->slots = g_ptr_array_new ();
              g_ptr_array_add (groups, group);
            }
          g_ptr_array_add (group->slots, slot);
        }

      html_append (out, "<section class=\"day\" aria-labelledby=\"day-%s\">\n<h3 id=\"day-%s\">",
                   day_iso, day_iso);
      if (g_date_compare (&day, &today) == 0)
        html_append (out, "<span class=\"relative\">%s</span> · ", _("Today"));
      else if (g_date_days_between (&today, &day) == 1)
        html_append (out, "<span class=\"relative\">%s</span> · ", _("Tomorrow"));
      html_append (out, "%s</h3>\n", day_label);

      for (g = 0; g < groups->len; g++)
        {
          SlotGroup *group = g_ptr_array_index (groups, g);
          g_autofree char *gp = practitioner_name (dir->by_idnps, group->practitioner);
          guint k;

          html_append (out, "<article class=\"gp-card\">\n<h4>%s</h4>\n<p class=\"place\">", gp);
          append_place (out, dir->by_place_id, group->place_id);
          html_append (out, "</p>\n<ul class=\"slots\">\n");
          for (k = 0; k < group->slots->len; k++)
            {
              CrnSlot *slot = g_ptr_array_index (group->slots, k);
              g_autofree char *range = format_time_range (slot->start, slot->end);
              g_autofree char *time = format_time_of (slot->start);
              g_autofree char *restriction = restriction_label (slot);
              g_autofree char *slot_q = g_uri_escape_string (slot->id, NULL, FALSE);
              g_autofree char *aria = NULL;

              /* TRANSLATORS: accessible name of a "Book" link: time, practitioner, day */
              aria = g_strdup_printf (_("Book %s with %s, %s"), time, gp, day_label);
              html_append (out, "<li class=\"slot\" data-slot=\"%s\">\n"
                           "<span class=\"time\">%s</span>\n<span class=\"tags\">",
                           slot->id, range);
              append_modalities (out, slot->modalities);
              if (restriction != NULL)
                html_append (out, "<span class=\"tag restriction\">%s</span>", restriction);
              html_append (out, "</span>\n<a class=\"button small\" href=\"" BASE "?slot=%s\" "
                           "aria-label=\"%s\">%s</a>\n</li>\n", slot_q, aria, _("Book"));
            }
          html_append (out, "</ul>\n</article>\n");
        }
      html_append (out, "</section>\n");
    }
  html_append (out, "</section>\n");
}

static void
handle_search (Req *r)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today_iso = NULL;
  FormErrors e;
  Search s;
  guint status = SOUP_STATUS_OK;

  Directory dir = { 0 };

  directory_load (r, &dir);
  form_errors_init (&e);
  search_parse (r, &s, &e, &today_iso);

  layout_begin (out, r, _("Find a slot"), "search");
  render_search_form (out, r, &s, &e, today_iso, &dir);
  if (e.fields->len == 0)
    {
      slots = crn_server_db_search_free_slots (r->page->ctx->db, r->account, &s.filter, &error);
      if (slots == NULL)
        {
          html_append (out, "<div class=\"notice error\" role=\"alert\"><p>%s</p></div>\n",
                       error->message);
          status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
        }
      else
        render_results (out, r, slots, &dir);
    }
  else
    status = SOUP_STATUS_BAD_REQUEST;
  layout_end (out);
  form_errors_clear (&e);
  directory_clear (&dir);
  respond_html (r, status, out);
}

/* ------------------------------------------------------------------------------------ */
/* Booking                                                                               */

static void
render_slot_summary (GString       *out,
                     const CrnSlot *slot,
                     GHashTable    *practitioners,
                     GHashTable    *places)
{
  g_autofree char *gp = practitioner_name (practitioners, slot->practitioner);
  g_autofree char *day = format_day_of (slot->start);
  g_autofree char *range = format_time_range (slot->start, slot->end);
  g_autofree char *restriction = restriction_label (slot);

  html_append (out, "<dl class=\"summary stacked\">\n<div><dt>%s</dt><dd>%s</dd></div>\n"
               "<div><dt>%s</dt><dd>%s, %s</dd></div>\n<div><dt>%s</dt><dd>",
               _("Practitioner"), gp, _("When"), day, range, _("Place"));
  append_place (out, places, slot->place_id);
  html_append (out, "</dd></div>\n<div><dt>%s</dt><dd>", _("Consultation"));
  append_modalities (out, slot->modalities);
  html_append (out, "</dd></div>\n");
  if (restriction != NULL)
    html_append (out, "<div><dt>%s</dt><dd>%s</dd></div>\n", _("Restriction"), restriction);
  html_append (out, "</dl>\n");
}

static void
render_booking_form (Req           *r,
                     guint          status,
                     const CrnSlot *slot,
                     FormErrors    *e,
                     const char    *general)
{
  GString *out = g_string_new (NULL);
  g_auto(Directory) dir = { 0 };
  g_autoptr(CrnPolicy) policy = crn_server_db_get_policy (r->page->ctx->db);
  g_autoptr(GString) excluded = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *reason_hint = NULL;
  g_autofree char *max_birth = NULL;
  g_autofree char *max_attr = NULL;
  GDate today;
  guint i;

  directory_load (r, &dir);
  g_date_clear (&today, 1);
  crn_time_to_local (crn_time_now (), &today, NULL, NULL);
  max_birth = date_to_iso (&today);
  max_attr = g_strdup_printf ("max=\"%s\" min=\"1900-01-01\" required", max_birth);

  /* Each excluded reason once, whatever its case. */
  for (i = 0; policy->excluded_reasons != NULL && i < policy->excluded_reasons->len; i++)
    {
      const char *reason = g_ptr_array_index (policy->excluded_reasons, i);
      char *folded = g_utf8_casefold (reason, -1);

      if (!g_hash_table_add (seen, folded))
        continue;
      g_string_append_printf (excluded, "%s%s", excluded->len > 0 ? ", " : "", reason);
    }
  if (excluded->len > 0)
    /* TRANSLATORS: %s is a list of reasons, e.g. "prescription renewal, sick note" */
    reason_hint = g_strdup_printf (_("Unscheduled care slots do not cover: %s."), excluded->str);

  layout_begin (out, r, _("Book a slot"), "search");
  html_append (out, "<div class=\"booking-layout\">\n<section class=\"panel\" "
               "aria-labelledby=\"slot-title\">\n<h1 id=\"slot-title\">%s</h1>\n",
               _("Book this slot"));
  render_slot_summary (out, slot, dir.by_idnps, dir.by_place_id);
  html_append (out, "</section>\n<section class=\"panel\" aria-labelledby=\"patient-title\">\n"
               "<h2 id=\"patient-title\">%s</h2>\n", _("Patient"));
  error_summary (out, e, general);
  html_append (out, "<form method=\"post\" action=\"" BASE "/reserver\" class=\"stack\" "
               "autocomplete=\"off\" data-once=\"true\">\n");
  hidden_csrf (out, r);
  html_append (out, "<input type=\"hidden\" name=\"slot\" value=\"%s\">\n", slot->id);
  html_append (out, "<div class=\"grid two\">\n");
  field_input (out, e, "nom", _("Family name"), NULL, "text", form_value (r, "nom"),
               "required maxlength=\"100\" autocomplete=\"off\"");
  field_input (out, e, "prenom", _("Given name"), NULL, "text", form_value (r, "prenom"),
               "required maxlength=\"100\" autocomplete=\"off\"");
  field_input (out, e, "naissance", _("Date of birth"), NULL, "date",
               form_value (r, "naissance"), max_attr);
  field_input (out, e, "telephone", _("Phone"), NULL, "tel", form_value (r, "telephone"),
               "required maxlength=\"30\" autocomplete=\"off\" inputmode=\"tel\"");
  html_append (out, "</div>\n");
  field_input (out, e, "motif", _("Reason for the consultation"), reason_hint, "text",
               form_value (r, "motif"), "required maxlength=\"500\" autocomplete=\"off\"");
  field_input (out, e, "operateur",
               r->account->role == CRN_SERVER_ROLE_PHARMACY ? _("Pharmacist's name")
                                                            : _("Operator's name"),
               _("Who books, as the practice will see it."), "text",
               form_value (r, "operateur"), "required maxlength=\"100\" autocomplete=\"name\"");
  html_append (out, "<div class=\"actions\"><button type=\"submit\" class=\"button\">%s</button>"
               " <a class=\"button secondary\" href=\"" BASE "\">%s</a></div>\n</form>\n"
               "</section>\n</div>\n",
               _("Book this slot"), _("Back to the search"));
  layout_end (out);
  respond_html (r, status, out);
}

/* GET /reservation?slot=ID */
static void
handle_slot (Req        *r,
             const char *slot_id)
{
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(GError) error = NULL;
  FormErrors e;

  if (!crn_fhir_id_is_valid (slot_id)
      || (slot = crn_server_db_get_slot (r->page->ctx->db, slot_id, &error)) == NULL)
    {
      respond_message (r, SOUP_STATUS_NOT_FOUND, _("Slot not found"),
                       _("This slot does not exist or was withdrawn. Search for another free "
                         "slot."), "not-found");
      return;
    }
  if (slot->status != CRN_SLOT_STATUS_FREE)
    {
      respond_message (r, SOUP_STATUS_CONFLICT, _("Slot already taken"),
                       _("This slot was just booked by someone else or taken back by the "
                         "practice. Search for another free slot."), "slot-taken");
      return;
    }
  form_errors_init (&e);
  render_booking_form (r, SOUP_STATUS_OK, slot, &e, NULL);
  form_errors_clear (&e);
}

static gboolean
check_text (FormErrors *e,
            const char *field,
            const char *value,
            guint       max_chars,
            const char *missing)
{
  if (*value == '\0')
    {
      form_errors_add (e, field, missing);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > (glong) max_chars)
    {
      g_autofree char *msg = g_strdup_printf (_("Keep it under %u characters."), max_chars);
      form_errors_add (e, field, msg);
      return FALSE;
    }
  return TRUE;
}

/* The field a rule of the domain is about, so that its message sits next to it. */
static const char *
field_of_core_error (int code)
{
  switch (code)
    {
    case CRN_CORE_ERROR_EXCLUDED_REASON:
      return "motif";
    case CRN_CORE_ERROR_RESTRICTED:
      return "naissance";
    default:
      return NULL;
    }
}

static const char *
code_of_core_error (int code)
{
  switch (code)
    {
    case CRN_CORE_ERROR_SLOT_NOT_FREE:
      return "slot-taken";
    default:
      return crn_core_error_rule_name (code);
    }
}

/* POST /reservation/reserver */
static void
handle_book (Req *r)
{
  const char *slot_id, *family, *given, *birth, *phone, *reason, *operator_name;
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(CrnBooking) request = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized_phone = NULL;
  g_autofree char *location = NULL;
  FormErrors e;
  GDate birth_date, today;

  if (!read_form (r) || !check_csrf (r))
    return;

  slot_id = form_value (r, "slot");
  if (!crn_fhir_id_is_valid (slot_id)
      || (slot = crn_server_db_get_slot (r->page->ctx->db, slot_id, &error)) == NULL)
    {
      respond_message (r, SOUP_STATUS_NOT_FOUND, _("Slot not found"),
                       _("This slot does not exist or was withdrawn. Search for another free "
                         "slot."), "not-found");
      return;
    }
  g_clear_error (&error);

  family = form_value (r, "nom");
  given = form_value (r, "prenom");
  birth = form_value (r, "naissance");
  phone = form_value (r, "telephone");
  reason = form_value (r, "motif");
  operator_name = form_value (r, "operateur");

  form_errors_init (&e);
  check_text (&e, "nom", family, MAX_NAME_CHARS, _("Enter the patient's family name."));
  check_text (&e, "prenom", given, MAX_NAME_CHARS, _("Enter the patient's given name."));
  g_date_clear (&today, 1);
  crn_time_to_local (crn_time_now (), &today, NULL, NULL);
  if (*birth == '\0')
    form_errors_add (&e, "naissance", _("Enter the patient's date of birth."));
  else if (!parse_date (birth, &birth_date))
    form_errors_add (&e, "naissance", _("Enter a valid date of birth: day, month and year."));
  else if (g_date_compare (&birth_date, &today) > 0 || g_date_get_year (&birth_date) < 1900)
    form_errors_add (&e, "naissance", _("The date of birth must be a past date."));
  if (check_text (&e, "telephone", phone, 30, _("Enter a phone number to reach the patient."))
      && (normalized_phone = crn_phone_normalize (phone)) == NULL)
    form_errors_add (&e, "telephone", _("Enter a French phone number, like 06 12 34 56 78."));
  check_text (&e, "motif", reason, MAX_REASON_CHARS, _("Enter the reason for the consultation."));
  check_text (&e, "operateur", operator_name, MAX_NAME_CHARS, _("Enter your name."));

  if (e.fields->len > 0)
    {
      e.code = g_strdup ("invalid");
      render_booking_form (r, SOUP_STATUS_UNPROCESSABLE_ENTITY, slot, &e, NULL);
      form_errors_clear (&e);
      return;
    }

  request = crn_booking_new ();
  request->slot_id = g_strdup (slot->id);
  request->patient.family = g_strdup (family);
  request->patient.given = g_strdup (given);
  request->patient.birth_date = g_strdup (birth);
  request->patient.phone = g_strdup (phone);
  request->reason = g_strdup (reason);
  /* "Régulation SAS 41 — Marie Dupont": the account and the person who booked. */
  request->referrer_name = g_strdup_printf ("%s — %s", r->account->display_name, operator_name);
  request->requested_at = crn_time_now ();

  booking = crn_server_db_book_slot (r->page->ctx->db, r->account, request, &error);
  if (booking == NULL)
    {
      if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_CONFLICT)
          || g_error_matches (error, CRN_CORE_ERROR, CRN_CORE_ERROR_SLOT_NOT_FREE))
        respond_message (r, SOUP_STATUS_CONFLICT, _("Slot just taken"),
                         _("Someone else booked this slot, or the practice took it back, a "
                           "moment ago. Nothing was recorded for your patient: choose another "
                           "free slot."), "slot-taken");
      else if (error->domain == CRN_CORE_ERROR && field_of_core_error (error->code) != NULL)
        {
          form_errors_add (&e, field_of_core_error (error->code), error->message);
          e.code = g_strdup (code_of_core_error (error->code));
          render_booking_form (r, SOUP_STATUS_UNPROCESSABLE_ENTITY, slot, &e, NULL);
        }
      else if (error->domain == CRN_CORE_ERROR && error->code == CRN_CORE_ERROR_INVALID)
        {
          e.code = g_strdup ("invalid");
          render_booking_form (r, SOUP_STATUS_UNPROCESSABLE_ENTITY, slot, &e, error->message);
        }
      else if (error->domain == CRN_CORE_ERROR)
        respond_message (r, SOUP_STATUS_UNPROCESSABLE_ENTITY, _("Booking refused"),
                         error->message, code_of_core_error (error->code));
      else if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND))
        respond_message (r, SOUP_STATUS_NOT_FOUND, _("Slot not found"), error->message,
                         "not-found");
      else if (g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN))
        respond_message (r, SOUP_STATUS_FORBIDDEN, _("Booking refused"), error->message,
                         "forbidden");
      else
        respond_message (r, SOUP_STATUS_INTERNAL_SERVER_ERROR, _("Booking failed"),
                         _("The server could not record the booking. Nothing was booked: try "
                           "again in a moment; if it persists, call the practice."), "server");
      form_errors_clear (&e);
      return;
    }
  form_errors_clear (&e);

  location = g_strdup_printf (BASE "/rdv/%s", booking->id);
  redirect (r, location);
}

static void
render_booking_summary (GString          *out,
                        const CrnBooking *b,
                        GHashTable       *practitioners,
                        GHashTable       *places,
                        const CrnSlot    *slot)
{
  g_autofree char *gp = practitioner_name (practitioners, b->practitioner);
  g_autofree char *day = format_day_of (b->start);
  g_autofree char *range = format_time_range (b->start, b->end);
  GDate birth;
  g_autofree char *birth_label = NULL;

  if (parse_date (b->patient.birth_date, &birth))
    birth_label = g_strdup_printf ("%02d/%02d/%04d", (int) g_date_get_day (&birth),
                                   (int) g_date_get_month (&birth),
                                   (int) g_date_get_year (&birth));

  html_append (out, "<dl class=\"summary\">\n"
               "<div><dt>%s</dt><dd>%s</dd></div>\n"
               "<div><dt>%s</dt><dd>%s, %s</dd></div>\n"
               "<div><dt>%s</dt><dd>",
               _("Practitioner"), gp, _("When"), day, range, _("Place"));
  append_place (out, places, slot != NULL ? slot->place_id : NULL);
  html_append (out, "</dd></div>\n"
               "<div><dt>%s</dt><dd>%s %s</dd></div>\n"
               "<div><dt>%s</dt><dd>%s</dd></div>\n"
               "<div><dt>%s</dt><dd>%s</dd></div>\n"
               "<div><dt>%s</dt><dd>%s</dd></div>\n"
               "<div><dt>%s</dt><dd>%s</dd></div>\n"
               "<div><dt>%s</dt><dd class=\"status\" data-status=\"%s\">%s</dd></div>\n"
               "</dl>\n",
               _("Patient"), b->patient.family, b->patient.given,
               _("Date of birth"), birth_label != NULL ? birth_label : b->patient.birth_date,
               _("Phone"), b->patient.phone,
               _("Reason"), b->reason,
               _("Booked by"), b->referrer_name,
               _("Status"), crn_appointment_status_to_string (b->status), status_label (b));
}

/* GET /reservation/rdv/ID */
static void
handle_booking_view (Req        *r,
                     const char *booking_id)
{
  g_autoptr(CrnBooking) b = NULL;
  g_autoptr(CrnSlot) slot = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Directory) dir = { 0 };
  GString *out;
  gboolean waiting;

  if (!crn_fhir_id_is_valid (booking_id)
      || (b = crn_server_db_get_booking (r->page->ctx->db, r->account, booking_id,
                                         &error)) == NULL)
    {
      respond_message (r, SOUP_STATUS_NOT_FOUND, _("Booking not found"),
                       _("No booking of yours has this number. Your bookings are listed under "
                         "“My bookings”."), "not-found");
      return;
    }
  if (b->slot_id != NULL)
    slot = crn_server_db_get_slot (r->page->ctx->db, b->slot_id, NULL);
  directory_load (r, &dir);
  waiting = crn_booking_needs_confirmation (b);

  out = g_string_new (NULL);
  layout_begin (out, r, _("Booking recorded"), "mine");
  if (b->status == CRN_APPOINTMENT_STATUS_CANCELLED)
    html_append (out, "<div class=\"panel\" data-booking=\"%s\">\n<h1>%s</h1>\n", b->id,
                 _("Cancelled booking"));
  else
    html_append (out, "<div class=\"panel notice success\" role=\"status\" data-booking=\"%s\">\n"
                 "<h1>%s</h1>\n<p>%s</p>\n", b->id,
                 waiting ? _("Booking sent, waiting for the practice") : _("Booking recorded"),
                 waiting ? _("The practice confirms the booking shortly; it is listed under "
                             "“My bookings” with its status.")
                         : _("The practice sees the booking at once. Tell the patient the "
                             "place and time below."));
  render_booking_summary (out, b, dir.by_idnps, dir.by_place_id, slot);
  html_append (out, "</div>\n<p class=\"actions\"><a class=\"button\" href=\"" BASE "\">%s</a> "
               "<a class=\"button secondary\" href=\"" BASE "/mes-reservations\">%s</a></p>\n",
               _("New search"), _("My bookings"));
  layout_end (out);
  respond_html (r, SOUP_STATUS_OK, out);
}

/* ------------------------------------------------------------------------------------ */
/* My bookings, cancellation                                                             */

static gboolean
may_cancel (const CrnBooking *b)
{
  return crn_booking_can_apply (b, CRN_BOOKING_ACTION_CANCEL) && b->start > crn_time_now ();
}

static void
handle_my_bookings (Req *r)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) bookings = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Directory) dir = { 0 };
  CrnInstant since = crn_time_now () - (CrnInstant) MY_BOOKINGS_DAYS * 24 * 3600;
  guint i;

  directory_load (r, &dir);
  bookings = crn_server_db_list_bookings_by_account (r->page->ctx->db, r->account, since,
                                                     &error);
  layout_begin (out, r, _("My bookings"), "mine");
  html_append (out, "<section class=\"panel\" aria-labelledby=\"mine-title\">\n"
               "<h1 id=\"mine-title\">%s</h1>\n", _("My bookings"));
  if (bookings == NULL)
    {
      html_append (out, "<div class=\"notice error\" role=\"alert\"><p>%s</p></div>\n",
                   error->message);
    }
  else if (bookings->len == 0)
    {
      html_append (out, "<p class=\"empty\">%s</p>\n",
                   _("You have not booked any slot in the last 30 days."));
    }
  else
    {
      html_append (out, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
                   "aria-labelledby=\"mine-caption\">\n<table class=\"bookings\">\n"
                   "<caption id=\"mine-caption\">%s</caption>\n<thead><tr>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\"><span class=\"visually-hidden\">%s</span></th>"
                   "</tr></thead>\n<tbody>\n",
                   _("Bookings of the last 30 days and to come, latest first"),
                   _("When"), _("Practitioner"), _("Patient"), _("Reason"), _("Status"),
                   _("Actions"));
      for (i = 0; i < bookings->len; i++)
        {
          CrnBooking *b = g_ptr_array_index (bookings, i);
          g_autofree char *day = format_day_of (b->start);
          g_autofree char *range = format_time_range (b->start, b->end);
          g_autofree char *gp = practitioner_name (dir.by_idnps, b->practitioner);

          html_append (out, "<tr data-booking=\"%s\"><td class=\"when\">%s<br>%s</td><td>%s</td>"
                       "<td>%s %s</td><td>%s</td>"
                       "<td><span class=\"status\" data-status=\"%s\">%s</span></td>"
                       "<td class=\"row-actions\">",
                       b->id, day, range, gp, b->patient.family, b->patient.given, b->reason,
                       crn_appointment_status_to_string (b->status), status_label (b));
          html_append (out, "<a href=\"" BASE "/rdv/%s\">%s</a>", b->id, _("Details"));
          if (may_cancel (b))
            html_append (out, "<a class=\"danger-link\" href=\"" BASE "/annuler/%s\">%s</a>",
                         b->id, _("Cancel"));
          html_append (out, "</td></tr>\n");
        }
      html_append (out, "</tbody>\n</table>\n</div>\n");
    }
  html_append (out, "</section>\n");
  layout_end (out);
  respond_html (r, SOUP_STATUS_OK, out);
}

static void
render_cancel (Req              *r,
               guint             status,
               const CrnBooking *b,
               const char       *message)
{
  GString *out = g_string_new (NULL);
  g_auto(Directory) dir = { 0 };
  g_autoptr(CrnSlot) slot = NULL;
  FormErrors e;

  directory_load (r, &dir);
  form_errors_init (&e);
  if (b->slot_id != NULL)
    slot = crn_server_db_get_slot (r->page->ctx->db, b->slot_id, NULL);
  layout_begin (out, r, _("Cancel a booking"), "mine");
  html_append (out, "<section class=\"panel\" aria-labelledby=\"cancel-title\">\n"
               "<h1 id=\"cancel-title\">%s</h1>\n", _("Cancel this booking?"));
  if (message != NULL)
    {
      e.code = g_strdup ("cancel-refused");
      error_summary (out, &e, message);
    }
  render_booking_summary (out, b, dir.by_idnps, dir.by_place_id, slot);
  html_append (out, "<p>%s</p>\n",
               _("The practice is told at once and the slot becomes free again for "
                 "regulation. Tell the patient."));
  html_append (out, "<form method=\"post\" action=\"" BASE "/annuler/%s\" class=\"stack\">\n",
               b->id);
  hidden_csrf (out, r);
  field_input (out, &e, "raison", _("Why (optional)"), _("The practice sees this reason."),
               "text", NULL, "maxlength=\"200\" autocomplete=\"off\"");
  html_append (out, "<div class=\"actions\"><button type=\"submit\" class=\"button danger\">%s"
               "</button> <a class=\"button secondary\" href=\"" BASE "/mes-reservations\">%s"
               "</a></div>\n</form>\n</section>\n",
               _("Cancel the booking"), _("Keep the booking"));
  layout_end (out);
  form_errors_clear (&e);
  respond_html (r, status, out);
}

/* GET and POST /reservation/annuler/ID */
static void
handle_cancel (Req        *r,
               const char *booking_id,
               gboolean    post)
{
  g_autoptr(CrnBooking) b = NULL;
  g_autoptr(CrnBooking) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  const char *reason;

  if (post && (!read_form (r) || !check_csrf (r)))
    return;
  if (!crn_fhir_id_is_valid (booking_id)
      || (b = crn_server_db_get_booking (r->page->ctx->db, r->account, booking_id,
                                         &error)) == NULL)
    {
      respond_message (r, SOUP_STATUS_NOT_FOUND, _("Booking not found"),
                       _("No booking of yours has this number. Your bookings are listed under "
                         "“My bookings”."), "not-found");
      return;
    }
  if (!post)
    {
      if (!may_cancel (b))
        render_cancel (r, SOUP_STATUS_CONFLICT, b,
                       _("This booking can no longer be cancelled here (already cancelled, "
                         "or its time has passed). Call the practice if needed."));
      else
        render_cancel (r, SOUP_STATUS_OK, b, NULL);
      return;
    }

  reason = form_value (r, "raison");
  if (g_utf8_strlen (reason, -1) > 200)
    {
      render_cancel (r, SOUP_STATUS_UNPROCESSABLE_ENTITY, b,
                     _("The reason is too long: keep it under 200 characters."));
      return;
    }
  if (!may_cancel (b))
    {
      render_cancel (r, SOUP_STATUS_CONFLICT, b,
                     _("This booking can no longer be cancelled here (already cancelled, "
                       "or its time has passed). Call the practice if needed."));
      return;
    }
  cancelled = crn_server_db_cancel_booking (r->page->ctx->db, r->account, booking_id,
                                            *reason != '\0' ? reason : NULL, &error);
  if (cancelled == NULL)
    {
      render_cancel (r, g_error_matches (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_DATABASE)
                        ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_CONFLICT,
                     b, error->message);
      return;
    }
  {
    g_autofree char *day = format_day_of (cancelled->start);
    g_autofree char *time = format_time_of (cancelled->start);
    /* TRANSLATORS: %s are a day and a time: "Monday 23 November 2026", "14:00" */
    g_autofree char *flash = g_strdup_printf (_("The booking of %s at %s is cancelled; the "
                                                "practice has been told."), day, time);
    session_set_flash (r->session, flash);
  }
  redirect (r, BASE "/mes-reservations");
}

/* ------------------------------------------------------------------------------------ */
/* The coordinator's page                                                                */

static void
handle_coordinator_home (Req *r)
{
  GString *out = g_string_new (NULL);
  GDate today;
  g_autofree char *last_month = NULL;
  Option formats[] = {
    { "csv", _("CSV, comma-separated") },
    { "csv-fr", _("CSV, semicolon-separated (French spreadsheets)") },
    { "json", _("JSON") },
  };
  FormErrors e;

  form_errors_init (&e);
  g_date_clear (&today, 1);
  crn_time_to_local (crn_time_now (), &today, NULL, NULL);
  g_date_subtract_months (&today, 1);
  last_month = g_strdup_printf ("%04d-%02d", (int) g_date_get_year (&today),
                                (int) g_date_get_month (&today));

  layout_begin (out, r, _("Monthly report"), "report");
  html_append (out, "<section class=\"panel narrow\" aria-labelledby=\"report-title\">\n"
               "<h1 id=\"report-title\">%s</h1>\n<p class=\"lead\">%s</p>\n"
               "<form method=\"get\" action=\"" BASE "/rapport\" class=\"stack\">\n",
               _("Monthly report"),
               _("Slots offered and bookings per day and practice, with the totals: the "
                 "figures sent each month to the SAMU and the ARS. No patient data."));
  field_input (out, &e, "month", _("Month"), _("Like 2026-10"), "month", last_month,
               "required pattern=\"[0-9]{4}-[0-9]{2}\"");
  field_select (out, &e, "format", _("Format"), NULL, formats, G_N_ELEMENTS (formats), "csv");
  html_append (out, "<button type=\"submit\" class=\"button\">%s</button>\n</form>\n"
               "</section>\n", _("Download"));
  layout_end (out);
  form_errors_clear (&e);
  respond_html (r, SOUP_STATUS_OK, out);
}

static void
handle_coordinator_report (Req *r)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  const char *format = param (r->query, "format");

  set_common_headers (r->msg, FALSE);
  if (param (r->query, "month") != NULL)
    g_hash_table_insert (query, (gpointer) "month", (gpointer) param (r->query, "month"));
  if (g_strcmp0 (format, "csv-fr") == 0)
    {
      g_hash_table_insert (query, (gpointer) "format", (gpointer) "csv");
      g_hash_table_insert (query, (gpointer) "sep", (gpointer) "semicolon");
    }
  else if (format != NULL)
    g_hash_table_insert (query, (gpointer) "format", (gpointer) format);
  crn_report_respond (r->msg, r->page->ctx, r->account, query);
}

/* ------------------------------------------------------------------------------------ */
/* Static files                                                                          */

static void
handle_static (Req        *r,
               const char *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *type;
  gsize len;
  gconstpointer data;

  if (g_strcmp0 (name, "style.css") == 0)
    type = "text/css; charset=utf-8";
  else if (g_strcmp0 (name, "crn-web.js") == 0)
    type = "text/javascript; charset=utf-8";
  else
    type = NULL;

  if (type != NULL)
    {
      path = g_strconcat (RESOURCE_PREFIX, name, NULL);
      bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    }
  if (bytes == NULL)
    {
      set_common_headers (r->msg, FALSE);
      soup_server_message_set_status (r->msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  set_common_headers (r->msg, TRUE);
  soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (r->msg, type, SOUP_MEMORY_COPY, data, len);
}

/* ------------------------------------------------------------------------------------ */
/* Dispatch                                                                              */

static void
require_sign_in (Req        *r,
                 const char *slot_id)
{
  render_login (r, r->path != NULL && g_str_equal (r->path, BASE) ? SOUP_STATUS_OK
                                                                  : SOUP_STATUS_UNAUTHORIZED,
                NULL, slot_id, NULL, NULL);
}

static void
method_not_allowed (Req        *r,
                    const char *allow)
{
  set_common_headers (r->msg, FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg), "Allow",
                                allow);
  soup_server_message_set_status (r->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
}

static void
dispatch (Req *r)
{
  const char *method = soup_server_message_get_method (r->msg);
  const char *path = r->path;
  gboolean get = g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
  gboolean post = g_str_equal (method, "POST");
  const char *rest;

  if (g_str_has_prefix (path, BASE "/static/"))
    {
      if (!get)
        method_not_allowed (r, "GET, HEAD");
      else
        handle_static (r, path + strlen (BASE "/static/"));
      return;
    }

  if (g_str_equal (path, BASE "/connexion"))
    {
      if (post)
        handle_login (r);
      else if (get)
        redirect (r, BASE);
      else
        method_not_allowed (r, "POST");
      return;
    }
  if (g_str_equal (path, BASE "/deconnexion"))
    {
      if (post)
        handle_logout (r);
      else
        method_not_allowed (r, "POST");
      return;
    }

  if (g_str_equal (path, BASE) || g_str_equal (path, BASE "/"))
    {
      /* Deep links: ?slot=ID (Slot.comment), ?creneau=ID accepted too; `origin` (added by
       * the SAS platform) is accepted and ignored. */
      const char *slot_id = param (r->query, "slot") != NULL ? param (r->query, "slot")
                                                             : param (r->query, "creneau");

      if (!get)
        method_not_allowed (r, "GET, HEAD");
      else if (r->account == NULL)
        require_sign_in (r, slot_id);
      else if (r->account->role == CRN_SERVER_ROLE_COORDINATOR)
        handle_coordinator_home (r);
      else if (slot_id != NULL && *slot_id != '\0')
        handle_slot (r, slot_id);
      else
        handle_search (r);
      return;
    }

  /* Everything below needs a session. */
  if (r->account == NULL)
    {
      if (post)
        respond_message (r, SOUP_STATUS_UNAUTHORIZED, _("Session expired"),
                         _("Your session has expired or you signed out. Nothing was changed: "
                           "sign in again."), "signed-out");
      else
        require_sign_in (r, NULL);
      return;
    }

  if (g_str_equal (path, BASE "/rapport"))
    {
      if (!get)
        method_not_allowed (r, "GET, HEAD");
      else
        handle_coordinator_report (r);
      return;
    }

  if (!role_may_book (r->account->role))
    {
      respond_message (r, SOUP_STATUS_FORBIDDEN, _("Not allowed"),
                       _("Your account cannot book slots. Only SAS regulation operators and "
                         "pharmacies book here."), "role");
      return;
    }

  if (g_str_equal (path, BASE "/reserver"))
    {
      if (post)
        handle_book (r);
      else if (get)
        redirect (r, BASE);
      else
        method_not_allowed (r, "POST");
    }
  else if (g_str_equal (path, BASE "/mes-reservations"))
    {
      if (get)
        handle_my_bookings (r);
      else
        method_not_allowed (r, "GET, HEAD");
    }
  else if ((rest = g_str_has_prefix (path, BASE "/rdv/") ? path + strlen (BASE "/rdv/") : NULL))
    {
      if (get)
        handle_booking_view (r, rest);
      else
        method_not_allowed (r, "GET, HEAD");
    }
  else if ((rest = g_str_has_prefix (path, BASE "/annuler/")
                   ? path + strlen (BASE "/annuler/") : NULL))
    {
      if (get || post)
        handle_cancel (r, rest, post);
      else
        method_not_allowed (r, "GET, HEAD, POST");
    }
  else
    respond_message (r, SOUP_STATUS_NOT_FOUND, _("Page not found"),
                     _("This page does not exist. Use the search to find a free slot."),
                     "not-found");
}

static void
on_reservation_request (SoupServer        *server,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  Req r = { 0 };

  r.page = user_data;
  r.msg = msg;
  r.query = query;
  r.path = path;
  r.cookies = parse_cookies (msg);
  req_load_session (&r);

  dispatch (&r);

  if (r.form != NULL)
    {
      char *password = g_hash_table_lookup (r.form, "mot-de-passe");
      if (password != NULL)
        sodium_memzero (password, strlen (password));
    }
  g_clear_pointer (&r.form, g_hash_table_unref);
  g_clear_pointer (&r.cookies, g_hash_table_unref);
  g_clear_pointer (&r.account, crn_server_account_free);
}

static void
booking_page_free (BookingPage *page)
{
  g_hash_table_unref (page->sessions);
  g_free (page);
}

/* ------------------------------------------------------------------------------------ */
/* Public API                                                                            */

void
crn_booking_page_register (SoupServer       *server,
                           CrnServerContext *ctx)
{
  BookingPage *page;

  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (ctx != NULL);

  if (sodium_init () < 0)
    {
      g_critical ("libsodium could not be initialised: the booking page is not served");
      return;
    }

  page = g_new0 (BookingPage, 1);
  page->ctx = ctx;
  page->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) web_session_free);
  g_object_set_data_full (G_OBJECT (server), "crn-booking-page", page,
                          (GDestroyNotify) booking_page_free);
  soup_server_add_handler (server, BASE, on_reservation_request, page, NULL);
}
