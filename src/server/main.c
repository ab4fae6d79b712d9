/* main.c: the creneaux-server command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   creneaux-server --data-dir DIR [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--demo]
 *   creneaux-server --data-dir DIR --add-user LOGIN --role ROLE [--rpps 8XXXXXXXXXXX]
 *                   [--for RPPS]... [--name NAME]    (password on standard input)
 *   creneaux-server --data-dir DIR --add-place ID --name NAME --address "LINE, POSTCODE CITY"
 *                   [--for RPPS]...                  (a practice and its place; GPs join it)
 */
#define G_LOG_DOMAIN "CrnServer"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "crn-fhir.h"
#include "crn-server.h"
#include "crn-server-db-private.h"

static gboolean
parse_listen (const char  *text,
              char       **host,
              guint       *port,
              GError     **error)
{
  const char *colon = strrchr (text, ':');
  guint64 value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--listen takes ADDRESS:PORT, for example 127.0.0.1:8443 (port 0 picks a "
                     "free one)."));
      return FALSE;
    }
  if (text[0] == '[' && colon > text && colon[-1] == ']')
    *host = g_strndup (text + 1, colon - text - 2);
  else
    *host = g_strndup (text, colon - text);
  *port = value;
  return TRUE;
}

static char *
read_password (GError **error)
{
  char buffer[1100];
  gsize len;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Type the new account's password on standard input."));
      return NULL;
    }
  len = strlen (buffer);
  while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
    buffer[--len] = '\0';
  return g_strdup (buffer);
}

static int
add_user (CrnServerDb         *db,
          const char          *login,
          const char          *role_name,
          const char          *rpps,
          const char * const  *acts_for,
          const char          *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *idnps = NULL;
  CrnServerRole role;

  if (role_name == NULL || !crn_server_role_from_string (role_name, &role))
    {
      g_printerr (_("--role must be one of practitioner, secretary, regulator, pharmacy, "
                    "coordinator.\n"));
      return 2;
    }
  if (rpps != NULL)
    {
      g_autoptr(CrnPractitioner) known = NULL;

      idnps = crn_idnps_normalize (rpps);
      if (idnps == NULL)
        {
          g_printerr (_("“%s” is not an RPPS number: type the 11 digits of the RPPS, or 8 "
                        "followed by them.\n"), rpps);
          return 2;
        }
      /* A real CPTS starts empty: register the practitioner on the way. */
      known = crn_server_db_get_practitioner (db, idnps, NULL);
      if (role == CRN_SERVER_ROLE_PRACTITIONER && known == NULL)
        {
          g_autoptr(CrnPractitioner) p = crn_practitioner_new ();
          const char *space = name != NULL ? strchr (name, ' ') : NULL;

          if (space == NULL)
            {
              g_printerr (_("This practitioner is not registered yet: give their name with "
                            "--name \"Given Family\".\n"));
              return 2;
            }
          p->idnps = g_strdup (idnps);
          p->given = g_strndup (name, space - name);
          p->family = g_strdup (space + 1);
          if (!crn_server_db_put_practitioner (db, p, &error))
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
        }
    }

  password = read_password (&error);
  if (password == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (crn_server_db_add_account (db, login, password, role, name != NULL ? name : login, idnps,
                                 acts_for, &error) == 0)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print (_("Account “%s” created (%s).\n"), login, role_name);
  return 0;
}

static int
add_place (CrnServerDb         *db,
           const char          *id,
           const char          *name,
           const char          *address,
           const char * const  *members)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnPlace) place = crn_place_new ();
  g_autoptr(GRegex) regex = g_regex_new ("^(.+),\\s*([0-9]{5})\\s+(.+)$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  CrnServerPractice practice = { (char *) id, (char *) name, NULL, NULL, 0, 0 };

  if (name == NULL || address == NULL ||
      !g_regex_match (regex, address, 0, &match))
    {
      g_printerr (_("Give the place's --name and its --address as \"LINE, POSTCODE CITY\", for "
                    "example \"12 rue des Tilleuls, 41000 Blois\".\n"));
      return 2;
    }
  g_free (place->id);
  place->id = g_strdup (id);
  place->name = g_strdup (name);
  place->line = g_match_info_fetch (match, 1);
  place->postal_code = g_match_info_fetch (match, 2);
  place->city = g_match_info_fetch (match, 3);
  if (!crn_fhir_id_is_valid (id) || strlen (id) > 44)
    {
      g_printerr (_("The place id may only hold letters, digits, “-” and “.”, 44 at most.\n"));
      return 2;
    }
  if (!crn_server_db_put_practice (db, &practice, &error) ||
      !crn_server_db_put_place (db, place, id, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    {
      g_autoptr(CrnPractitioner) p = crn_server_db_get_practitioner (db, members[i], &error);

      if (p == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_free (p->organization);
      p->organization = g_strdup (id);
      if (!crn_server_db_put_practitioner (db, p, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  g_print (_("Place “%s” created.\n"), id);
  return 0;
}

/* The server holds a descriptor per open connection, and the soft limit is often 1024 while
 * the hard one is far higher: take what the system allows. */
static void
raise_open_files_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Could not raise the open files limit: %s", g_strerror (errno));
    }
}

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *add_login = NULL;
  g_autofree char *add_place_id = NULL;
  g_autofree char *address = NULL;
  g_autofree char *role = NULL;
  g_autofree char *rpps = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) acts_for = NULL;
  gboolean demo = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *host = NULL;
  const char *localedir;
  const char *language;
  CrnServer *server;
  guint port = 8443;
  int idle_timeout = G_MININT;   /* not given */
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder of the server's database"), N_("DIR") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port (default 127.0.0.1:8443; port 0 = any free one)"), N_("HOST:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("TLS certificate (PEM)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("TLS private key (PEM)"), N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, N_("Seed a fictitious CPTS once and list its accounts"), NULL },
    { "add-user", 0, 0, G_OPTION_ARG_STRING, &add_login, N_("Create an account (password on standard input)"), N_("LOGIN") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("practitioner, secretary, regulator, pharmacy or coordinator"), N_("ROLE") },
    { "rpps", 0, 0, G_OPTION_ARG_STRING, &rpps, N_("RPPS of a practitioner account"), N_("RPPS") },
    { "for", 0, 0, G_OPTION_ARG_STRING_ARRAY, &acts_for, N_("RPPS of a practitioner a secretary works for (repeat)"), N_("RPPS") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Display name of the new account or place"), N_("NAME") },
    { "add-place", 0, 0, G_OPTION_ARG_STRING, &add_place_id, N_("Create a practice and its place of consultation"), N_("ID") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("Address of the place: \"LINE, POSTCODE CITY\""), N_("ADDRESS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Close a connection that sends nothing for this long (default 30 s; 0 = never; or CRN_SERVER_IDLE_TIMEOUT)"), N_("SECONDS") },
    { NULL }
  };

  /* Every log line, debug ones included, to stderr: stdout carries only what scripts read
   * once (the address it listens on, the demo accounts), and a reader that stops there must
   * never leave the server blocked on a full pipe. */
  g_log_writer_default_set_use_stderr (TRUE);
  raise_open_files_limit ();

#ifdef __GLIBC__
  /* A search answer is a buffer of up to a few megabytes, written and freed at each request.
   * Keep such buffers in the heap: glibc would map each one apart and unmap it after, and
   * every answer would fault its pages in anew (a quarter of a SAS search's time). */
  mallopt (M_MMAP_THRESHOLD, 16 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif

  /* The server answers in French (its users are French CPTS): messages are written in
   * English and translated by the French catalogue. CRN_SERVER_LANGUAGE overrides. */
  setlocale (LC_ALL, "");
  language = g_getenv ("CRN_SERVER_LANGUAGE");
  g_setenv ("LANGUAGE", language != NULL ? language : "fr", TRUE);
  localedir = g_getenv ("CRN_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

#ifdef CRN_FUZZING_WEAK_PASSWORD_HASH
  g_printerr ("This creneaux-server was built for fuzzing, with weak password hashes: "
              "build it without -fsanitize=fuzzer-no-link.\n");
  return 1;
#endif

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("The CPTS shared agenda server (FHIR R4)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    {
      g_printerr (_("Give the folder of the server's database with --data-dir DIR.\n"));
      return 2;
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr (_("Give both --tls-cert and --tls-key, or neither.\n"));
      return 2;
    }
  if (listen != NULL && !parse_listen (listen, &host, &port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (host == NULL)
    host = g_strdup ("127.0.0.1");
  if (idle_timeout == G_MININT && g_getenv ("CRN_SERVER_IDLE_TIMEOUT") != NULL)
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (g_getenv ("CRN_SERVER_IDLE_TIMEOUT"), 10, 0, 86400,
                                       &value, NULL))
        {
          g_printerr (_("CRN_SERVER_IDLE_TIMEOUT must be a number of seconds from 0 to "
                        "86400.\n"));
          return 2;
        }
      idle_timeout = (int) value;
    }
  if (idle_timeout != G_MININT && (idle_timeout < 0 || idle_timeout > 86400))
    {
      g_printerr (_("Give --idle-timeout as a number of seconds from 0 to 86400.\n"));
      return 2;
    }

  server = crn_server_new (data_dir, &error);
  if (server == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (add_login != NULL)
    {
      int status = add_user (crn_server_get_db (server), add_login, role, rpps,
                             (const char * const *) acts_for, name);

      crn_server_free (server);
      return status;
    }

  if (add_place_id != NULL)
    {
      int status = add_place (crn_server_get_db (server), add_place_id, name, address,
                              (const char * const *) acts_for);

      crn_server_free (server);
      return status;
    }

  if (demo)
    {
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

      if (!crn_server_demo_seed (crn_server_get_db (server), lines, &error))
        {
          g_printerr (_("Could not seed the demo CPTS: %s\n"), error->message);
          crn_server_free (server);
          return 1;
        }
      for (guint i = 0; i < lines->len; i++)
        g_print ("Demo account: %s\n", (const char *) g_ptr_array_index (lines, i));
    }

  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr (_("Could not read the TLS certificate: %s\n"), error->message);
          crn_server_free (server);
          return 1;
        }
    }

  if (idle_timeout != G_MININT)
    crn_server_set_idle_timeout (server, (guint) idle_timeout);
  if (!crn_server_listen (server, host, port, certificate, &error))
    {
      g_printerr ("%s\n", error->message);
      crn_server_free (server);
      return 1;
    }
  g_print ("Listening on %s\n", crn_server_get_base_url (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);
  g_main_loop_run (loop);

  crn_server_free (server);
  return 0;
}
