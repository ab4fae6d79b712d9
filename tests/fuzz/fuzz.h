/* fuzz.h: the entry points every fuzz target defines, and helpers they share
 *
 * Each target is a libFuzzer harness (LLVMFuzzerTestOneInput). In the normal build it is
 * linked with fuzz-replay.c, which runs the saved corpus through it as a test; with
 * build-aux/fuzz it is linked with libFuzzer instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Called once before the first input (libFuzzer calls it too when it is defined). */
int       LLVMFuzzerInitialize   (int           *argc,
                                  char        ***argv);
/* Runs one input; returns 0 (a bug aborts). */
int       LLVMFuzzerTestOneInput (const uint8_t *data,
                                  size_t         size);

/* Makes GLib criticals and warnings fatal (a g_return_if_fail tripped by input is a bug)
 * and sets the environment the targets expect. */
void      fuzz_init              (void);

/* Aborts with a message naming the broken property: a finding, not a crash of the
 * harness. */
G_NORETURN void fuzz_fail        (const char *format,
                                  ...) G_GNUC_PRINTF (1, 2);

/* A NUL-terminated copy of the input (text parsers want C strings). */
char     *fuzz_strndup           (const uint8_t *data,
                                  size_t         size);

/* Reading structured values out of the input bytes; past the end every read gives 0. */
typedef struct
{
  const uint8_t *data;
  size_t         size;
  size_t         pos;
} FuzzReader;

void      fuzz_reader_init       (FuzzReader    *reader,
                                  const uint8_t *data,
                                  size_t         size);
guint8    fuzz_reader_u8         (FuzzReader    *reader);
guint16   fuzz_reader_u16        (FuzzReader    *reader);
guint32   fuzz_reader_u32        (FuzzReader    *reader);
/* A string of at most @max_len bytes (length from one byte), possibly not UTF-8. */
char     *fuzz_reader_string     (FuzzReader    *reader,
                                  guint          max_len);
gboolean  fuzz_reader_at_end     (FuzzReader    *reader);

G_END_DECLS

#include "crn-fhir.h"

G_BEGIN_DECLS

/* A parser that returned nothing must say why: a GError with a non-empty UTF-8 message. */
void      fuzz_check_error       (const GError  *error,
                                  const char    *what);

/* Known findings (docs/FUZZING.md), skipped so that fuzzing goes on past them until they
 * are fixed; CRN_FUZZ_STRICT=1 turns the skipping off (to check a fix, or replay
 * tests/fuzz/findings/):
 *
 * F1–F3 are fixed (fhir: "Refuse a second JSON value, broken escapes and ids that cannot be
 * written back"); their reproducers are replayed from tests/fuzz/crashes/. Kept for history:
 *
 * F1: a text with more than one top-level JSON value ("{…}{…}", "1{…}"): json-glib 1.6.6
 *     keeps the last and leaks the others, and crn_fhir_parse() hands such texts to it;
 * F2: a \uD800–\uDFFF escape (lone surrogate) or a "\230" escape (json-glib reads octal
 *     escapes, which JSON does not have): json-glib gives strings that are not UTF-8, which
 *     the FHIR readers pass on into the model; and crn_fhir_parse() quotes json-glib's
 *     error message, which can hold invalid UTF-8 (a token cut inside a character);
 * F3: crn_fhir_appointment_parse() and crn_fhir_slot_parse() take the id from
 *     identifier[0].value without checking that it is a FHIR id, and the builders write it
 *     as the resource id (checked in fuzz-fhir-appointment.c and fuzz-fhir-slot.c);
 * F4: an instant before 1911 (Europe/Paris then used local mean time, +00:09:21) is written
 *     with a +00:09 offset and reads back 21 s later (the round trips of the Slot, Schedule
 *     and Appointment targets skip instants before 1970).
 *
 * Returns: whether @data is one of those and the target should return at once. */
gboolean  fuzz_json_skip_known_findings (const uint8_t *data,
                                         size_t         size);
/* Whether CRN_FUZZ_STRICT=1. */
gboolean  fuzz_strict                   (void);

/* Writes @node to JSON text and reads it back with crn_fhir_parse(): what the layer builds
 * must always be readable by it. Returns: (transfer full): the re-read node. */
JsonNode *fuzz_reparse           (JsonNode      *node,
                                  const char    *what);

G_END_DECLS
