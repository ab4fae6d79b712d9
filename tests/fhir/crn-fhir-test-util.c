/* crn-fhir-test-util.c: helpers for the FHIR layer's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crn-fhir-test-util.h"

JsonNode *
crn_test_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fhir", "fixtures", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  node = crn_fhir_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

JsonNode *
crn_test_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Walks "a.b[2].c"; returns the parent container and the last step. */
static JsonNode *
walk (JsonNode    *root,
      const char  *path,
      gboolean     want_parent,
      char       **last_member,
      int         *last_index)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;
  guint n = g_strv_length (parts);

  for (guint i = 0; i < n && node != NULL; i++)
    {
      char *bracket = strchr (parts[i], '[');
      int index = -1;
      JsonNode *next;

      if (bracket != NULL)
        {
          index = atoi (bracket + 1);
          *bracket = '\0';
        }

      if (want_parent && i == n - 1)
        {
          if (index >= 0)
            {
              if (!JSON_NODE_HOLDS_OBJECT (node))
                return NULL;
              node = json_object_get_member (json_node_get_object (node), parts[i]);
            }
          *last_member = g_strdup (parts[i]);
          *last_index = index;
          return node;
        }

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      next = json_object_get_member (json_node_get_object (node), parts[i]);
      if (next != NULL && index >= 0)
        {
          if (!JSON_NODE_HOLDS_ARRAY (next) ||
              (guint) index >= json_array_get_length (json_node_get_array (next)))
            return NULL;
          next = json_array_get_element (json_node_get_array (next), (guint) index);
        }
      node = next;
    }

  return node;
}

JsonNode *
crn_test_at (JsonNode   *root,
             const char *path)
{
  return walk (root, path, FALSE, NULL, NULL);
}

const char *
crn_test_string_at (JsonNode   *root,
                    const char *path)
{
  JsonNode *node = crn_test_at (root, path);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
crn_test_int_at (JsonNode   *root,
                 const char *path)
{
  JsonNode *node = crn_test_at (root, path);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  return json_node_get_int (node);
}

guint
crn_test_length_at (JsonNode   *root,
                    const char *path)
{
  JsonNode *node = crn_test_at (root, path);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;
  return json_array_get_length (json_node_get_array (node));
}

void
crn_test_set (JsonNode   *root,
              const char *path,
              const char *json)
{
  g_autofree char *member = NULL;
  int index = -1;
  JsonNode *parent = walk (root, path, TRUE, &member, &index);
  JsonNode *value = json != NULL ? crn_test_json (json) : NULL;

  g_assert_nonnull (parent);
  if (index >= 0)
    {
      JsonArray *array;

      g_assert_true (JSON_NODE_HOLDS_ARRAY (parent));
      array = json_node_get_array (parent);
      g_assert_cmpint (index, <, (int) json_array_get_length (array));
      if (value == NULL)
        json_array_remove_element (array, (guint) index);
      else
        {
          /* json-glib 1.6 has no "replace element": rebuild the array */
          g_autoptr(JsonArray) copy = json_array_new ();
          guint n = json_array_get_length (array);

          for (guint i = 0; i < n; i++)
            json_array_add_element (copy, i == (guint) index ? json_node_ref (value)
                                    : json_node_copy (json_array_get_element (array, i)));
          while (json_array_get_length (array) > 0)
            json_array_remove_element (array, 0);
          for (guint i = 0; i < n; i++)
            json_array_add_element (array, json_node_copy (json_array_get_element (copy, i)));
          json_node_unref (value);
        }
      return;
    }

  g_assert_true (JSON_NODE_HOLDS_OBJECT (parent));
  if (value == NULL)
    json_object_remove_member (json_node_get_object (parent), member);
  else
    json_object_set_member (json_node_get_object (parent), member, value);
}

CrnInstant
crn_test_instant (const char *iso)
{
  g_autoptr(GError) error = NULL;
  CrnInstant instant = 0;

  g_assert_true (crn_time_parse_iso (iso, &instant, &error));
  g_assert_no_error (error);
  return instant;
}
