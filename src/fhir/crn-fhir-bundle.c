/* crn-fhir-bundle.c: searchset Bundle builder and reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-fhir-bundle.h"
#include "crn-fhir-private.h"

static const CrnFhirCode mode_codes[] = {
  { "match", CRN_FHIR_SEARCH_MODE_MATCH },
  { "include", CRN_FHIR_SEARCH_MODE_INCLUDE },
  { "outcome", CRN_FHIR_SEARCH_MODE_OUTCOME },
  { NULL, 0 },
};

const char *
crn_fhir_search_mode_to_string (CrnFhirSearchMode mode)
{
  return _crn_fhir_code_for (mode_codes, mode);
}

/* ---- builder ------------------------------------------------------------------------------ */

struct _CrnFhirBundleBuilder
{
  char       *base_url;
  char       *self_url;
  char       *profile;
  char       *next_url;
  gint64      total;
  guint       n_match;
  gboolean    ended;
  JsonArray  *entries;    /* the tree builder's */
  GString    *text;       /* the text builder's: the entries, comma-separated */
  guint       n_entries;
  GHashTable *seen;       /* "Type/id" */
};

CrnFhirBundleBuilder *
crn_fhir_bundle_builder_new (const char *base_url,
                             const char *self_url,
                             const char *profile)
{
  CrnFhirBundleBuilder *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (self_url != NULL, NULL);

  self = g_new0 (CrnFhirBundleBuilder, 1);
  self->base_url = g_strdup (base_url);
  /* no trailing slash: fullUrl = base + "/" + Type + "/" + id */
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->self_url = g_strdup (self_url);
  self->profile = g_strdup (profile);
  self->total = -1;
  self->entries = json_array_new ();
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

CrnFhirBundleBuilder *
crn_fhir_bundle_builder_new_text (const char *base_url,
                                  const char *self_url,
                                  const char *profile)
{
  CrnFhirBundleBuilder *self = crn_fhir_bundle_builder_new (base_url, self_url, profile);

  if (self != NULL)
    {
      g_clear_pointer (&self->entries, json_array_unref);
      self->text = g_string_sized_new (64 * 1024);
    }
  return self;
}

void
crn_fhir_bundle_builder_free (CrnFhirBundleBuilder *self)
{
  if (self == NULL)
    return;

  g_free (self->base_url);
  g_free (self->self_url);
  g_free (self->profile);
  g_free (self->next_url);
  g_clear_pointer (&self->entries, json_array_unref);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_hash_table_unref (self->seen);
  g_free (self);
}

void
crn_fhir_bundle_builder_set_total (CrnFhirBundleBuilder *self,
                                   gint64                total)
{
  g_return_if_fail (self != NULL);

  self->total = total;
}

void
crn_fhir_bundle_builder_set_next (CrnFhirBundleBuilder *self,
                                  const char           *next_url)
{
  g_return_if_fail (self != NULL);

  g_free (self->next_url);
  self->next_url = g_strdup (next_url);
}

/* The entry's opening, up to "resource": — or NULL for a duplicate. */
static char *
entry_key (CrnFhirBundleBuilder *self,
           const char           *type,
           const char           *id)
{
  char *key;

  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (crn_fhir_id_is_valid (id), NULL);

  key = g_strconcat (type, "/", id, NULL);
  if (!g_hash_table_add (self->seen, key))
    return NULL;
  return key;
}

/* Text builder: {"fullUrl":…,"resource":<written by write>,"search":{"mode":…}} */
static void
text_entry_begin (CrnFhirBundleBuilder *self,
                  CrnFhirWriter        *w,
                  const char           *key)
{
  g_autofree char *full_url = g_strconcat (self->base_url, "/", key, NULL);

  if (self->n_entries > 0)
    g_string_append_c (self->text, ',');
  crn_fhir_writer_init (w, self->text);
  crn_fhir_writer_begin_object (w, NULL);
  crn_fhir_writer_string (w, "fullUrl", full_url);
}

static void
text_entry_end (CrnFhirBundleBuilder *self,
                CrnFhirWriter        *w,
                CrnFhirSearchMode     mode)
{
  if (mode != CRN_FHIR_SEARCH_MODE_NONE)
    {
      crn_fhir_writer_begin_object (w, "search");
      crn_fhir_writer_string (w, "mode", crn_fhir_search_mode_to_string (mode));
      crn_fhir_writer_end_object (w);
    }
  crn_fhir_writer_end_object (w);
  self->n_entries++;
  if (mode == CRN_FHIR_SEARCH_MODE_MATCH)
    self->n_match++;
}

gboolean
crn_fhir_bundle_builder_add (CrnFhirBundleBuilder *self,
                             JsonNode             *resource,
                             CrnFhirSearchMode     mode)
{
  char *key;
  JsonObject *entry;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->ended, FALSE);

  key = entry_key (self, crn_fhir_get_resource_type (resource), crn_fhir_get_id (resource));
  if (key == NULL)
    return FALSE;

  if (self->text != NULL)
    {
      CrnFhirWriter w;

      text_entry_begin (self, &w, key);
      crn_fhir_writer_node (&w, "resource", resource);
      text_entry_end (self, &w, mode);
      return TRUE;
    }

  entry = json_object_new ();
  {
    g_autofree char *full_url = g_strconcat (self->base_url, "/", key, NULL);

    json_object_set_string_member (entry, "fullUrl", full_url);
  }
  json_object_set_member (entry, "resource", json_node_ref (resource));
  if (mode != CRN_FHIR_SEARCH_MODE_NONE)
    {
      JsonObject *search = json_object_new ();

      json_object_set_string_member (search, "mode", crn_fhir_search_mode_to_string (mode));
      json_object_set_object_member (entry, "search", search);
    }
  json_array_add_object_element (self->entries, entry);
  self->n_entries++;

  if (mode == CRN_FHIR_SEARCH_MODE_MATCH)
    self->n_match++;
  return TRUE;
}

gboolean
crn_fhir_bundle_builder_add_slot (CrnFhirBundleBuilder     *self,
                                  const CrnSlot            *slot,
                                  const CrnFhirSlotOptions *options,
                                  CrnFhirSearchMode         mode)
{
  char *key;
  CrnFhirWriter w;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->ended, FALSE);
  g_return_val_if_fail (slot != NULL, FALSE);

  if (self->text == NULL)
    {
      g_autoptr(JsonNode) node = crn_fhir_slot_build (slot, options);

      return crn_fhir_bundle_builder_add (self, node, mode);
    }
  key = entry_key (self, "Slot", slot->id);
  if (key == NULL)
    return FALSE;
  text_entry_begin (self, &w, key);
  crn_fhir_slot_write (&w, "resource", slot, options);
  text_entry_end (self, &w, mode);
  return TRUE;
}

gboolean
crn_fhir_bundle_builder_add_appointment (CrnFhirBundleBuilder            *self,
                                         const CrnBooking                *booking,
                                         const CrnFhirAppointmentOptions *options,
                                         CrnFhirSearchMode                mode)
{
  char *key;
  CrnFhirWriter w;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->ended, FALSE);
  g_return_val_if_fail (booking != NULL, FALSE);

  if (self->text == NULL)
    {
      g_autoptr(JsonNode) node = crn_fhir_appointment_build (booking, options);

      return crn_fhir_bundle_builder_add (self, node, mode);
    }
  key = entry_key (self, "Appointment", booking->id);
  if (key == NULL)
    return FALSE;
  text_entry_begin (self, &w, key);
  crn_fhir_appointment_write (&w, "resource", booking, options);
  text_entry_end (self, &w, mode);
  return TRUE;
}

guint
crn_fhir_bundle_builder_get_n_entries (CrnFhirBundleBuilder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_entries;
}

static JsonObject *
link_new (const char *relation,
          const char *url)
{
  JsonObject *link = json_object_new ();

  json_object_set_string_member (link, "relation", relation);
  json_object_set_string_member (link, "url", url);
  return link;
}

/* The Bundle without its entries. */
static JsonObject *
bundle_head (CrnFhirBundleBuilder *self)
{
  g_autofree char *id = crn_uuid_new ();
  JsonObject *resource;
  JsonArray *links;

  resource = _crn_fhir_resource_new ("Bundle", id);
  _crn_fhir_set_meta (resource, self->profile, 0, 0, NULL);
  json_object_set_string_member (resource, "type", "searchset");
  json_object_set_int_member (resource, "total", self->total >= 0 ? self->total : self->n_match);

  links = json_array_new ();
  json_array_add_object_element (links, link_new ("self", self->self_url));
  if (self->next_url != NULL)
    json_array_add_object_element (links, link_new ("next", self->next_url));
  json_object_set_array_member (resource, "link", links);
  return resource;
}

JsonNode *
crn_fhir_bundle_builder_end (CrnFhirBundleBuilder *self)
{
  JsonObject *resource;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->entries != NULL, NULL);

  resource = bundle_head (self);
  /* the Bundle shares the entries: nothing can be added after this */
  self->ended = TRUE;
  if (json_array_get_length (self->entries) > 0)
    {
      JsonNode *entries = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (entries, self->entries);
      json_object_set_member (resource, "entry", entries);
    }

  return _crn_fhir_node_take (resource);
}

char *
crn_fhir_bundle_builder_end_text (CrnFhirBundleBuilder *self,
                                  gsize                *length)
{
  g_autoptr(JsonNode) head = NULL;
  GString *out;
  char *text;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->text == NULL)
    {
      g_autoptr(JsonNode) node = crn_fhir_bundle_builder_end (self);

      text = crn_fhir_to_string (node, FALSE);
      if (length != NULL)
        *length = strlen (text);
      return text;
    }

  self->ended = TRUE;
  head = _crn_fhir_node_take (bundle_head (self));
  text = crn_fhir_to_string (head, FALSE);
  out = g_string_sized_new (strlen (text) + self->text->len + 16);
  g_string_append (out, text);
  g_free (text);
  if (self->n_entries > 0)
    {
      /* {…head…} → {…head…,"entry":[…]} */
      g_assert (out->len > 0 && out->str[out->len - 1] == '}');
      g_string_truncate (out, out->len - 1);
      g_string_append (out, ",\"entry\":[");
      g_string_append_len (out, self->text->str, self->text->len);
      g_string_append (out, "]}");
    }
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

GPtrArray *
crn_fhir_bundle_builder_end_chunks (CrnFhirBundleBuilder *self)
{
  static const char tail[] = "]}";
  g_autoptr(JsonNode) head = NULL;
  GPtrArray *chunks;
  GString *out;
  char *text;
  gsize len = 0;

  g_return_val_if_fail (self != NULL, NULL);

  chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (self->text == NULL || self->n_entries == 0)
    {
      text = crn_fhir_bundle_builder_end_text (self, &len);
      g_ptr_array_add (chunks, g_bytes_new_take (text, len));
      return chunks;
    }

  /* {…head…} → {…head…,"entry":[ + the entries as they were written + ]} */
  self->ended = TRUE;
  head = _crn_fhir_node_take (bundle_head (self));
  text = crn_fhir_to_string (head, FALSE);
  len = strlen (text);
  g_assert (len > 0 && text[len - 1] == '}');
  out = g_string_new_len (text, len - 1);
  g_free (text);
  g_string_append (out, ",\"entry\":[");
  g_ptr_array_add (chunks, g_string_free_to_bytes (out));
  g_ptr_array_add (chunks, g_string_free_to_bytes (g_steal_pointer (&self->text)));
  g_ptr_array_add (chunks, g_bytes_new_static (tail, sizeof tail - 1));
  return chunks;
}

/* ---- reader ------------------------------------------------------------------------------- */

struct _CrnFhirBundleReader
{
  JsonNode  *node;
  JsonArray *entries;     /* may be NULL */
  JsonArray *links;       /* may be NULL */
  gint64     total;
};

CrnFhirBundleReader *
crn_fhir_bundle_reader_new (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(CrnFhirBundleReader) self = NULL;
  JsonObject *resource;
  gboolean has_total = FALSE;

  resource = _crn_fhir_expect_resource (node, "Bundle", error);
  if (resource == NULL)
    return NULL;

  self = g_new0 (CrnFhirBundleReader, 1);
  self->node = json_node_ref (node);
  self->total = -1;

  if (!_crn_fhir_read_int (resource, "Bundle", "total", FALSE, &has_total, &self->total, error) ||
      !_crn_fhir_read_array (resource, "Bundle", "link", FALSE, &self->links, error) ||
      !_crn_fhir_read_array (resource, "Bundle", "entry", FALSE, &self->entries, error))
    return NULL;
  if (!has_total)
    self->total = -1;

  for (guint i = 0; self->links != NULL && i < json_array_get_length (self->links); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Bundle.link", i);
      JsonObject *link;
      const char *relation;
      const char *url;

      if (!_crn_fhir_array_object (self->links, "Bundle.link", i, &link, error) ||
          !_crn_fhir_read_string (link, path, "relation", TRUE, &relation, error) ||
          !_crn_fhir_read_string (link, path, "url", TRUE, &url, error))
        return NULL;
    }

  for (guint i = 0; self->entries != NULL && i < json_array_get_length (self->entries); i++)
    {
      g_autofree char *path = _crn_fhir_path_index ("Bundle.entry", i);
      g_autofree char *rpath = _crn_fhir_path (path, "resource");
      JsonObject *entry;
      JsonObject *res;
      JsonObject *search;
      const char *type;
      const char *full_url;

      if (!_crn_fhir_array_object (self->entries, "Bundle.entry", i, &entry, error) ||
          !_crn_fhir_read_object (entry, path, "resource", FALSE, &res, error) ||
          !_crn_fhir_read_string (entry, path, "fullUrl", FALSE, &full_url, error) ||
          !_crn_fhir_read_object (entry, path, "search", FALSE, &search, error))
        return NULL;
      if (res != NULL && !_crn_fhir_read_string (res, rpath, "resourceType", TRUE, &type, error))
        return NULL;
      if (search != NULL)
        {
          g_autofree char *spath = _crn_fhir_path (path, "search");
          const char *mode;
          guint value;

          if (!_crn_fhir_read_string (search, spath, "mode", FALSE, &mode, error))
            return NULL;
          if (mode != NULL && !_crn_fhir_value_for (mode_codes, mode, &value))
            {
              g_autofree char *mpath = _crn_fhir_path (spath, "mode");

              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, mpath,
                                  _("%s must be match, include or outcome."), mpath);
              return NULL;
            }
        }
    }

  return g_steal_pointer (&self);
}

void
crn_fhir_bundle_reader_free (CrnFhirBundleReader *self)
{
  if (self == NULL)
    return;

  json_node_unref (self->node);
  g_free (self);
}

gint64
crn_fhir_bundle_reader_get_total (CrnFhirBundleReader *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->total;
}

const char *
crn_fhir_bundle_reader_get_link (CrnFhirBundleReader *self,
                                 const char          *relation)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (relation != NULL, NULL);

  for (guint i = 0; self->links != NULL && i < json_array_get_length (self->links); i++)
    {
      JsonObject *link = json_array_get_object_element (self->links, i);

      if (strcmp (json_object_get_string_member (link, "relation"), relation) == 0)
        return json_object_get_string_member (link, "url");
    }
  return NULL;
}

const char *
crn_fhir_bundle_reader_get_next_link (CrnFhirBundleReader *self)
{
  return crn_fhir_bundle_reader_get_link (self, "next");
}

guint
crn_fhir_bundle_reader_get_n_entries (CrnFhirBundleReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->entries != NULL ? json_array_get_length (self->entries) : 0;
}

JsonNode *
crn_fhir_bundle_reader_get_resource (CrnFhirBundleReader  *self,
                                     guint                 index,
                                     const char          **full_url,
                                     CrnFhirSearchMode    *mode)
{
  JsonObject *entry;
  JsonNode *search;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < crn_fhir_bundle_reader_get_n_entries (self), NULL);

  entry = json_array_get_object_element (self->entries, index);
  if (full_url != NULL)
    *full_url = json_object_has_member (entry, "fullUrl")
                ? json_object_get_string_member (entry, "fullUrl") : NULL;
  if (mode != NULL)
    {
      guint value = CRN_FHIR_SEARCH_MODE_NONE;

      search = json_object_get_member (entry, "search");
      if (search != NULL && json_object_has_member (json_node_get_object (search), "mode"))
        _crn_fhir_value_for (mode_codes,
                             json_object_get_string_member (json_node_get_object (search),
                                                            "mode"),
                             &value);
      *mode = (CrnFhirSearchMode) value;
    }

  return json_object_get_member (entry, "resource");
}

JsonNode *
crn_fhir_bundle_reader_next (CrnFhirBundleReader *self,
                             const char          *resource_type,
                             guint               *iter)
{
  guint n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (iter != NULL, NULL);

  n = crn_fhir_bundle_reader_get_n_entries (self);
  while (*iter < n)
    {
      JsonNode *resource = crn_fhir_bundle_reader_get_resource (self, (*iter)++, NULL, NULL);

      if (resource == NULL)
        continue;
      if (resource_type == NULL ||
          g_strcmp0 (crn_fhir_get_resource_type (resource), resource_type) == 0)
        return resource;
    }
  return NULL;
}

JsonNode *
crn_fhir_bundle_reader_resolve (CrnFhirBundleReader *self,
                                const char          *reference)
{
  const char *slash;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);

  if (reference == NULL || (slash = strchr (reference, '/')) == NULL)
    return NULL;

  n = crn_fhir_bundle_reader_get_n_entries (self);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *resource = crn_fhir_bundle_reader_get_resource (self, i, NULL, NULL);
      const char *type = crn_fhir_get_resource_type (resource);

      if (type != NULL && strlen (type) == (gsize) (slash - reference) &&
          strncmp (type, reference, (gsize) (slash - reference)) == 0 &&
          g_strcmp0 (crn_fhir_get_id (resource), slash + 1) == 0)
        return resource;
    }
  return NULL;
}
