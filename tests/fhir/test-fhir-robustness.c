/* test-fhir-robustness.c: random mutations of the shared examples never crash a parser and
 * always give either a value or a FHIR error naming the element
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "crn-fhir-test-util.h"

/* Sanitizers with slow unwinding make each allocation ~100 times dearer: fewer rounds there. */
#if defined(__SANITIZE_ADDRESS__)
#define N_ROUNDS 25
#else
#define N_ROUNDS 300
#endif

typedef struct
{
  JsonNode   *parent;     /* object or array */
  char       *member;     /* for an object */
  guint       index;      /* for an array */
} Place;

static void
place_free (Place *place)
{
  g_free (place->member);
  g_free (place);
}

static void
collect (JsonNode  *node,
         GPtrArray *places)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        {
          Place *place = g_new0 (Place, 1);

          place->parent = node;
          place->member = g_strdup (l->data);
          g_ptr_array_add (places, place);
          collect (json_object_get_member (json_node_get_object (node), l->data), places);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          Place *place = g_new0 (Place, 1);

          place->parent = node;
          place->index = i;
          g_ptr_array_add (places, place);
          collect (json_array_get_element (array, i), places);
        }
    }
}

static void
mutate (JsonNode *root)
{
  static const char *const values[] = {
    "null", "0", "-1", "1e308", "true", "\"\"", "\"x\"", "[]", "{}", "[{}]", "[\"x\"]",
    "\"2026-13-45T25:61:61+99:99\"", "\"2026-12-01T14:00:00+01:00\"", "\"Slot/x\"",
    "\"urn:oid:1.2.250.1.71.4.2.1\"", "{\"url\": \"rrule\"}", "\"free\"", "\"booked\"",
    "12345678901234567890", "\"899700123456\"", "\"#pat\"",
    "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59+14:00\"", "\"0001-01-01\"",
  };
  g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func ((GDestroyNotify) place_free);
  Place *place;
  JsonNode *value;

  collect (root, places);
  if (places->len == 0)
    return;

  place = g_ptr_array_index (places, g_test_rand_int_range (0, (gint32) places->len));
  if (g_test_rand_int_range (0, 3) == 0)
    {
      if (place->member != NULL)
        json_object_remove_member (json_node_get_object (place->parent), place->member);
      else
        json_array_remove_element (json_node_get_array (place->parent), place->index);
      return;
    }

  if (g_test_rand_int_range (0, 8) == 0)
    {
      g_autofree char *big = g_strnfill (CRN_FHIR_MAX_STRING_BYTES + 10, 'a');

      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (value, big);
    }
  else
    value = crn_test_json (values[g_test_rand_int_range (0, G_N_ELEMENTS (values))]);

  if (place->member != NULL)
    json_object_set_member (json_node_get_object (place->parent), place->member, value);
  else
    {
      json_array_add_element (json_node_get_array (place->parent), value);
      json_array_remove_element (json_node_get_array (place->parent), place->index);
    }
}

static void
check_error (const GError *error,
             gboolean      needs_expression)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == CRN_FHIR_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 5);
  if (needs_expression)
    g_assert_nonnull (crn_fhir_error_get_expression (error));
}

/* Runs the parser that fits the resource; returns whether it accepted it. */
static gboolean
run_parser (JsonNode *node)
{
  const char *type = crn_fhir_get_resource_type (node);
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  if (g_strcmp0 (type, "Slot") == 0)
    {
      g_autoptr(CrnSlot) slot = crn_fhir_slot_parse (node, NULL, &error);

      if ((ok = slot != NULL))
        g_assert_cmpint (slot->end, >, slot->start);
    }
  else if (g_strcmp0 (type, "Schedule") == 0)
    {
      g_autoptr(CrnTemplate) template = crn_fhir_schedule_parse (node, NULL, &error);

      if ((ok = template != NULL))
        for (guint i = 0; i < template->blocks->len; i++)
          {
            CrnTemplateBlock *b = g_ptr_array_index (template->blocks, i);

            g_assert_cmpuint (b->end_minute, >, b->start_minute);
            g_assert_cmpuint (b->weekdays, !=, 0);
          }
    }
  else if (g_strcmp0 (type, "Appointment") == 0)
    {
      g_autoptr(CrnBooking) booking = crn_fhir_appointment_parse (node, NULL, &error);

      if ((ok = booking != NULL))
        g_assert_nonnull (booking->practitioner);
    }
  else if (g_strcmp0 (type, "OperationOutcome") == 0)
    {
      g_autoptr(GPtrArray) issues = crn_fhir_operation_outcome_parse (node, &error);

      ok = issues != NULL;
    }
  else if (g_strcmp0 (type, "Bundle") == 0)
    {
      g_autoptr(CrnFhirBundleReader) reader = crn_fhir_bundle_reader_new (node, &error);

      if ((ok = reader != NULL))
        {
          JsonNode *resource;
          guint iter = 0;

          g_assert_cmpuint (crn_fhir_bundle_reader_get_n_entries (reader), <=,
                            CRN_FHIR_MAX_ARRAY_LENGTH);
          while ((resource = crn_fhir_bundle_reader_next (reader, NULL, &iter)) != NULL)
            run_parser (resource);
          crn_fhir_bundle_reader_get_next_link (reader);
        }
    }
  else if (g_strcmp0 (type, "Practitioner") == 0)
    {
      g_autoptr(CrnPractitioner) practitioner = crn_fhir_practitioner_parse (node, &error);

      ok = practitioner != NULL;
    }
  else if (g_strcmp0 (type, "Parameters") == 0)
    {
      g_autoptr(CrnPolicy) policy = crn_fhir_policy_parse (node, &error);

      ok = policy != NULL;
    }
  else
    return FALSE;   /* resourceType itself was mutated: nothing to run */

  if (!ok)
    check_error (error, error->code != CRN_FHIR_ERROR_INVALID_JSON);
  else
    g_assert_no_error (error);
  return ok;
}

static void
test_mutations (gconstpointer data)
{
  const char *name = data;
  guint accepted = 0;
  guint refused = 0;
  g_autoptr(JsonNode) original = NULL;

  if (name != NULL)
    original = crn_test_fixture (name);
  else
    {
      g_autoptr(CrnPolicy) policy = crn_policy_new_default ();

      original = crn_fhir_policy_build (policy, "p");
    }

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) reparsed = NULL;
      g_autoptr(GError) error = NULL;
      guint n_mutations = (guint) g_test_rand_int_range (1, 4);

      node = json_node_copy (original);
      for (guint m = 0; m < n_mutations; m++)
        mutate (node);

      /* through text, as on the wire */
      text = crn_fhir_to_string (node, FALSE);
      reparsed = crn_fhir_parse (text, -1, &error);
      if (reparsed == NULL)
        {
          check_error (error, FALSE);
          refused++;
          continue;
        }
      if (run_parser (reparsed))
        accepted++;
      else
        refused++;
    }

  g_test_message ("%s: %u accepted, %u refused", name ? name : "policy", accepted, refused);
  /* the mutations must exercise both paths (certain enough with many rounds) */
  if (N_ROUNDS >= 100)
    g_assert_cmpuint (refused, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  static const char *const fixtures[] = {
    "slot-snp-cpts.json",
    "schedule-availability.json",
    "appointment-regulation-cpts-sync.json",
    "bundle-searchset-slots.json",
    "operationoutcome-reclaim-refused.json",
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/fhir/robustness/%s", fixtures[i]);

      g_test_add_data_func (path, fixtures[i], test_mutations);
    }
  g_test_add_data_func ("/fhir/robustness/policy", NULL, test_mutations);

  return g_test_run ();
}
