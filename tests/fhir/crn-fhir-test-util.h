/* crn-fhir-test-util.h: helpers for the FHIR layer's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir.h"

G_BEGIN_DECLS

/* Parses tests/fhir/fixtures/@name (fails the test if it does not parse). */
JsonNode   *crn_test_fixture            (const char *name);
/* Parses JSON text (fails the test if it does not parse as JSON). */
JsonNode   *crn_test_json               (const char *text);
/* The node at a simple path such as "meta.security[1].code" (NULL if absent). */
JsonNode   *crn_test_at                 (JsonNode   *root,
                                         const char *path);
/* The string at @path, or NULL. */
const char *crn_test_string_at          (JsonNode   *root,
                                         const char *path);
gint64      crn_test_int_at             (JsonNode   *root,
                                         const char *path);
guint       crn_test_length_at          (JsonNode   *root,
                                         const char *path);
/* Replaces (or with @json NULL removes) the member at @path, @json is JSON text. */
void        crn_test_set                (JsonNode   *root,
                                         const char *path,
                                         const char *json);
/* Instant from "2026-12-01T14:00:00+01:00". */
CrnInstant  crn_test_instant            (const char *iso);

#define crn_assert_string_at(root, path, expected) \
  g_assert_cmpstr (crn_test_string_at ((root), (path)), ==, (expected))

G_END_DECLS
