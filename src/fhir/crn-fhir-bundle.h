/* crn-fhir-bundle.h: searchset Bundle builder and reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir-common.h"
#include "crn-fhir-appointment.h"
#include "crn-fhir-slot.h"

G_BEGIN_DECLS

/**
 * CrnFhirSearchMode:
 * @CRN_FHIR_SEARCH_MODE_NONE: no `search` in the entry
 * @CRN_FHIR_SEARCH_MODE_MATCH: a resource that matched
 * @CRN_FHIR_SEARCH_MODE_INCLUDE: a resource added by _include / _revinclude
 * @CRN_FHIR_SEARCH_MODE_OUTCOME: an OperationOutcome about the search
 */
typedef enum
{
  CRN_FHIR_SEARCH_MODE_NONE = 0,
  CRN_FHIR_SEARCH_MODE_MATCH,
  CRN_FHIR_SEARCH_MODE_INCLUDE,
  CRN_FHIR_SEARCH_MODE_OUTCOME,
} CrnFhirSearchMode;

/**
 * CrnFhirBundleBuilder:
 *
 * Builds a `searchset` Bundle: id (a new UUID), optional meta.profile, `total`, link
 * `self` (exactly one) and `next` (optional), entries with `fullUrl` and `search.mode`.
 * Adding the same resource type/id twice is ignored (no duplicates in a SAS answer).
 */
typedef struct _CrnFhirBundleBuilder CrnFhirBundleBuilder;

/**
 * crn_fhir_bundle_builder_new:
 * @base_url: the server's FHIR base ("https://agenda.cpts-exemple.fr/fhir", no trailing /);
 *   fullUrl = base_url + "/" + type + "/" + id
 * @self_url: the self link (the request URL)
 * @profile: (nullable): meta.profile, e.g. %CRN_FHIR_PROFILE_SAS_CPTS_BUNDLE
 */
CrnFhirBundleBuilder *crn_fhir_bundle_builder_new       (const char           *base_url,
                                                         const char           *self_url,
                                                         const char           *profile);
void                  crn_fhir_bundle_builder_free      (CrnFhirBundleBuilder *self);
/**
 * crn_fhir_bundle_builder_new_text:
 *
 * As crn_fhir_bundle_builder_new(), but each entry is serialised as it is added and no tree
 * is kept: end with crn_fhir_bundle_builder_end_text() (crn_fhir_bundle_builder_end() is
 * not available). The text is byte for byte what the tree would give.
 */
CrnFhirBundleBuilder *crn_fhir_bundle_builder_new_text  (const char           *base_url,
                                                         const char           *self_url,
                                                         const char           *profile);
/* -1 (the default) = total is the number of match entries. */
void                  crn_fhir_bundle_builder_set_total (CrnFhirBundleBuilder *self,
                                                         gint64                total);
void                  crn_fhir_bundle_builder_set_next  (CrnFhirBundleBuilder *self,
                                                         const char           *next_url);
/* Takes a reference on @resource (needs resourceType and id). Returns FALSE for a
 * duplicate, which is then not added. */
gboolean              crn_fhir_bundle_builder_add       (CrnFhirBundleBuilder *self,
                                                         JsonNode             *resource,
                                                         CrnFhirSearchMode     mode);
/* Adds crn_fhir_slot_build (@slot, @options), written straight to text when the builder was
 * made with crn_fhir_bundle_builder_new_text(). */
gboolean              crn_fhir_bundle_builder_add_slot  (CrnFhirBundleBuilder     *self,
                                                         const CrnSlot            *slot,
                                                         const CrnFhirSlotOptions *options,
                                                         CrnFhirSearchMode         mode);
/* Adds crn_fhir_appointment_build (@booking, @options), written straight to text when the
 * builder was made with crn_fhir_bundle_builder_new_text(). */
gboolean              crn_fhir_bundle_builder_add_appointment (CrnFhirBundleBuilder            *self,
                                                               const CrnBooking                *booking,
                                                               const CrnFhirAppointmentOptions *options,
                                                               CrnFhirSearchMode                mode);
guint                 crn_fhir_bundle_builder_get_n_entries (CrnFhirBundleBuilder *self);
/* Returns: (transfer full): the Bundle. Nothing can be added afterwards; free the builder. */
JsonNode             *crn_fhir_bundle_builder_end       (CrnFhirBundleBuilder *self);
/* Returns: (transfer full): the Bundle's compact JSON (as crn_fhir_to_string (…, FALSE) of
 * crn_fhir_bundle_builder_end()), its length in @length. Works with either builder. */
char                 *crn_fhir_bundle_builder_end_text  (CrnFhirBundleBuilder *self,
                                                         gsize                *length);
/* Returns: (transfer full) (element-type GBytes): the same text as
 * crn_fhir_bundle_builder_end_text() in one to three pieces to send one after the other,
 * without copying the entries of a text builder into a second buffer (an answer of a
 * thousand slots is megabytes). */
GPtrArray            *crn_fhir_bundle_builder_end_chunks (CrnFhirBundleBuilder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnFhirBundleBuilder, crn_fhir_bundle_builder_free)

/**
 * CrnFhirBundleReader:
 *
 * Reads a Bundle (any type) for the app's pull loop: total, self/next links, and entries,
 * filtered by resource type. Entries without a `resource` object are skipped.
 */
typedef struct _CrnFhirBundleReader CrnFhirBundleReader;

/**
 * crn_fhir_bundle_reader_new:
 * @node: a Bundle (a reference is taken)
 * @error: return location for a #GError
 *
 * Checks resourceType, that `entry` is an array within %CRN_FHIR_MAX_ARRAY_LENGTH and that
 * each entry's resource has a resourceType.
 *
 * Returns: (transfer full): the reader, or %NULL with @error set.
 */
CrnFhirBundleReader  *crn_fhir_bundle_reader_new        (JsonNode             *node,
                                                         GError              **error);
void                  crn_fhir_bundle_reader_free       (CrnFhirBundleReader  *self);
/* `total`, or -1 when absent. */
gint64                crn_fhir_bundle_reader_get_total  (CrnFhirBundleReader  *self);
/* The link with that relation ("self", "next"), or NULL. Owned by the reader. */
const char           *crn_fhir_bundle_reader_get_link   (CrnFhirBundleReader  *self,
                                                         const char           *relation);
const char           *crn_fhir_bundle_reader_get_next_link (CrnFhirBundleReader *self);
guint                 crn_fhir_bundle_reader_get_n_entries (CrnFhirBundleReader *self);
/* Entry @index: its resource (owned by the reader), fullUrl (nullable) and search mode. */
JsonNode             *crn_fhir_bundle_reader_get_resource (CrnFhirBundleReader *self,
                                                           guint                index,
                                                           const char         **full_url,
                                                           CrnFhirSearchMode   *mode);

/**
 * crn_fhir_bundle_reader_next:
 * @self: a reader
 * @resource_type: (nullable): only entries of this type, %NULL = all
 * @iter: (inout): 0 to start; advanced past the entry returned
 *
 * Iterates: `guint i = 0; JsonNode *r; while ((r = crn_fhir_bundle_reader_next (rd, "Slot",
 * &i)))`.
 *
 * Returns: (transfer none) (nullable): the next matching resource, %NULL at the end.
 */
JsonNode             *crn_fhir_bundle_reader_next       (CrnFhirBundleReader  *self,
                                                         const char           *resource_type,
                                                         guint                *iter);
/* The resource "Type/id" referenced by @reference, if it is in the bundle. */
JsonNode             *crn_fhir_bundle_reader_resolve    (CrnFhirBundleReader  *self,
                                                         const char           *reference);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnFhirBundleReader, crn_fhir_bundle_reader_free)

const char           *crn_fhir_search_mode_to_string    (CrnFhirSearchMode     mode);

G_END_DECLS
