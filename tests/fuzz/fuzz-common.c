/* fuzz-common.c: helpers shared by the fuzz targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFuzz"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* A critical is a precondition broken by input that a parser let through; a warning is
 * something that should not happen. Both abort (not the SIGTRAP of GLib's fatal logs, which
 * libFuzzer does not catch), after the message. */
static void
fatal_log_handler (const char     *domain,
                   GLogLevelFlags  level,
                   const char     *message,
                   gpointer        user_data)
{
  g_log_default_handler (domain, level, message, user_data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    fuzz_fail ("%s: %s", domain != NULL ? domain : "(no domain)", message);
}

void
fuzz_init (void)
{
  g_log_set_default_handler (fatal_log_handler, NULL);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
}

void
fuzz_fail (const char *format,
           ...)
{
  va_list args;

  va_start (args, format);
  fputs ("FUZZ FINDING: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  fflush (stderr);
  abort ();
}

char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  char *copy = g_malloc (size + 1);

  if (size > 0)
    memcpy (copy, data, size);
  copy[size] = '\0';
  return copy;
}

void
fuzz_reader_init (FuzzReader    *reader,
                  const uint8_t *data,
                  size_t         size)
{
  reader->data = data;
  reader->size = size;
  reader->pos = 0;
}

guint8
fuzz_reader_u8 (FuzzReader *reader)
{
  if (reader->pos >= reader->size)
    return 0;
  return reader->data[reader->pos++];
}

guint16
fuzz_reader_u16 (FuzzReader *reader)
{
  guint16 high = fuzz_reader_u8 (reader);

  return (guint16) ((high << 8) | fuzz_reader_u8 (reader));
}

guint32
fuzz_reader_u32 (FuzzReader *reader)
{
  guint32 high = fuzz_reader_u16 (reader);

  return (high << 16) | fuzz_reader_u16 (reader);
}

char *
fuzz_reader_string (FuzzReader *reader,
                    guint       max_len)
{
  guint len = fuzz_reader_u8 (reader) % (max_len + 1);

  len = MIN (len, reader->size - reader->pos);
  reader->pos += len;
  return fuzz_strndup (reader->data + reader->pos - len, len);
}

gboolean
fuzz_reader_at_end (FuzzReader *reader)
{
  return reader->pos >= reader->size;
}

void
fuzz_check_error (const GError *error,
                  const char   *what)
{
  if (error == NULL)
    fuzz_fail ("%s failed without setting an error", what);
  if (error->message == NULL || error->message[0] == '\0')
    fuzz_fail ("%s failed with an empty message", what);
  if (!g_utf8_validate (error->message, -1, NULL))
    fuzz_fail ("%s failed with a message that is not UTF-8", what);
}

JsonNode *
fuzz_reparse (JsonNode   *node,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *again;

  if (node == NULL)
    fuzz_fail ("%s built nothing", what);
  text = crn_fhir_to_string (node, FALSE);
  again = crn_fhir_parse (text, -1, &error);
  if (again == NULL)
    fuzz_fail ("%s built JSON that crn_fhir_parse refuses (%s): %s", what, error->message,
               text);
  return again;
}

gboolean
fuzz_strict (void)
{
  static int strict = -1;

  if (strict < 0)
    strict = g_strcmp0 (g_getenv ("CRN_FUZZ_STRICT"), "1") == 0;
  return strict;
}

gboolean
fuzz_json_skip_known_findings (const uint8_t *data,
                               size_t         size)
{
  /* F1 and F2 are fixed in crn_fhir_parse() and the string readers: nothing to skip any
   * more; the reproducers are replayed from tests/fuzz/crashes/. */
  return FALSE;
}
