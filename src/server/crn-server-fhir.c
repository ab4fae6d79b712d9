/* crn-server-fhir.c: the FHIR R4 routes under /fhir (GAP for the app, INT_R04 for the SAS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServerFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-server-fhir-private.h"

#define MAX_COUNT     1000
#define DEFAULT_COUNT 100

/* ---------------------------------------------------------------------------------- */
/* Search plumbing                                                                     */

static gboolean
parse_paging (Request         *req,
              CrnServerQuery  *query,
              gboolean         allow_start_sort,
              GError         **error)
{
  const char *count = route_params_get (req->params, "_count");
  const char *offset = route_params_get (req->params, "_offset");
  const char *sort = route_params_get (req->params, "_sort");
  guint64 value;

  query->count = DEFAULT_COUNT;
  if (count != NULL)
    {
      if (!g_ascii_string_to_unsigned (count, 10, 1, MAX_COUNT, &value, NULL))
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "_count",
                              _("_count must be a number from 1 to %d."), MAX_COUNT);
          return FALSE;
        }
      query->count = value;
    }
  if (offset != NULL)
    {
      if (!g_ascii_string_to_unsigned (offset, 10, 0, G_MAXINT32, &value, NULL))
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "_offset",
                              _("_offset must be a whole number."));
          return FALSE;
        }
      query->offset = value;
    }
  if (sort != NULL)
    {
      gboolean desc = sort[0] == '-';
      const char *key = desc ? sort + 1 : sort;

      if (g_str_equal (key, "_lastUpdated"))
        query->sort = CRN_SORT_LAST_UPDATED;
      else if (allow_start_sort && (g_str_equal (key, "start") || g_str_equal (key, "date")))
        query->sort = CRN_SORT_START;
      else
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, "_sort",
                              _("Results can be sorted by %s only."),
                              allow_start_sort ? "start, _lastUpdated" : "_lastUpdated");
          return FALSE;
        }
      query->descending = desc;
    }
  else if (!allow_start_sort)
    query->sort = CRN_SORT_LAST_UPDATED;
  return TRUE;
}

static gboolean
parse_last_updated (Request         *req,
                    CrnServerQuery  *query,
                    GError         **error)
{
  g_autoptr(GPtrArray) values = route_params_get_all (req->params, "_lastUpdated");
  CrnFhirInstantRange range;

  if (values->len <= 1)
    return TRUE;
  if (!crn_fhir_date_params_to_range ((const char * const *) values->pdata, values->len - 1,
                                      "_lastUpdated", &range, error))
    return FALSE;
  if (range.from_ms != G_MININT64)
    query->lu_min_ms = MAX (range.from_ms - 1, 0);
  if (range.to_ms != G_MAXINT64)
    query->lu_max_ms = range.to_ms;
  return TRUE;
}

static gboolean
parse_start (Request         *req,
             const char      *name,
             CrnServerQuery  *query,
             GError         **error)
{
  g_autoptr(GPtrArray) values = route_params_get_all (req->params, name);
  CrnFhirInstantRange range;

  if (values->len <= 1)
    return TRUE;
  if (!crn_fhir_date_params_to_range ((const char * const *) values->pdata, values->len - 1,
                                      name, &range, error))
    return FALSE;
  if (range.from_ms != G_MININT64)
    {
      CrnInstant min = range.from_ms >= 0 ? (range.from_ms + 999) / 1000 : range.from_ms / 1000;

      query->start_min = query->has_start_min ? MAX (query->start_min, min) : min;
      query->has_start_min = TRUE;
    }
  if (range.to_ms != G_MAXINT64)
    {
      CrnInstant max = (range.to_ms - 1) >= 0 ? (range.to_ms - 1) / 1000
                                              : (range.to_ms - 1000) / 1000;

      query->start_max = query->has_start_max ? MIN (query->start_max, max) : max;
      query->has_start_max = TRUE;
    }
  return TRUE;
}

static gboolean
parse_status (Request         *req,
              CrnServerQuery  *query,
              gboolean         slot,
              GError         **error)
{
  const char *text = route_params_get (req->params, "status");
  g_auto(GStrv) items = NULL;

  if (text == NULL)
    return TRUE;
  items = crn_fhir_split_or_list (text, 16, "status", error);
  if (items == NULL)
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      guint value;
      gboolean ok;

      if (slot)
        {
          CrnSlotStatus s;

          ok = crn_slot_status_from_string (items[i], &s);
          value = s;
        }
      else
        {
          CrnAppointmentStatus s;

          ok = crn_appointment_status_from_string (items[i], &s);
          value = s;
        }
      if (!ok)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, "status",
                              _("“%s” is not a status of a %s."), items[i],
                              slot ? "Slot" : "Appointment");
          return FALSE;
        }
      query->status_mask |= 1u << value;
    }
  return TRUE;
}

static void
query_add_practitioner (CrnServerQuery *query,
                        const char     *idnps)
{
  if (query->practitioners == NULL)
    query->practitioners = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->practitioners, g_strdup (idnps));
}

/* "Practitioner/pract-<IDNPS>", "PractitionerRole/role-<IDNPS>-<place>", or an IDNPS token. */
static char *
actor_to_idnps (const char *value)
{
  char *idnps = NULL;

  if (g_str_has_prefix (value, "Practitioner/pract-"))
    return crn_idnps_normalize (value + strlen ("Practitioner/pract-"));
  if (g_str_has_prefix (value, "PractitionerRole/") &&
      crn_fhir_split_role_id (value + strlen ("PractitionerRole/"), "role", &idnps, NULL))
    return idnps;
  if (g_str_has_prefix (value, "pract-"))
    return crn_idnps_normalize (value + strlen ("pract-"));
  {
    g_autoptr(CrnFhirToken) token = crn_fhir_token_parse (value, "actor", NULL);

    return token != NULL ? crn_fhir_token_get_idnps (token) : NULL;
  }
}

static gboolean
parse_actor (Request         *req,
             const char      *name,
             CrnServerQuery  *query,
             GError         **error)
{
  const char *text = route_params_get (req->params, name);
  g_auto(GStrv) items = NULL;

  if (text == NULL)
    return TRUE;
  items = crn_fhir_split_or_list (text, CRN_FHIR_MAX_SAS_IDENTIFIERS, name, error);
  if (items == NULL)
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *idnps = actor_to_idnps (items[i]);

      if (idnps == NULL)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, name,
                              _("“%s” is not a practitioner reference: use "
                                "Practitioner/pract-8XXXXXXXXXXX or an IDNPS."), items[i]);
          return FALSE;
        }
      query_add_practitioner (query, idnps);
    }
  return TRUE;
}

static gboolean
parse_idnps_list (Request         *req,
                  const char      *name,
                  CrnServerQuery  *query,
                  GError         **error)
{
  const char *text = route_params_get (req->params, name);
  g_auto(GStrv) list = NULL;

  if (text == NULL)
    return TRUE;
  list = crn_fhir_idnps_list_parse (text, CRN_FHIR_MAX_SAS_IDENTIFIERS, name, error);
  if (list == NULL)
    return FALSE;
  for (guint i = 0; list[i] != NULL; i++)
    query_add_practitioner (query, list[i]);
  return TRUE;
}

static gboolean
parse_ids (Request         *req,
           const char      *name,
           CrnServerQuery  *query,
           GError         **error)
{
  const char *text = route_params_get (req->params, name);
  g_autoptr(GPtrArray) tokens = NULL;

  if (text == NULL)
    return TRUE;
  tokens = crn_fhir_token_list_parse (text, 100, name, error);
  if (tokens == NULL)
    return FALSE;
  if (query->ids == NULL)
    query->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < tokens->len; i++)
    {
      CrnFhirToken *token = g_ptr_array_index (tokens, i);

      if (token->value != NULL)
        g_ptr_array_add (query->ids, g_strdup (token->value));
    }
  return TRUE;
}

static char *
next_link (Request *req,
           guint    next_offset)
{
  g_auto(GStrv) parts = g_strsplit (req->params->raw, "&", -1);
  GString *url = g_string_new (req->fhir_base);

  g_string_append_printf (url, "/%s?", req->type);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0' && !g_str_has_prefix (parts[i], "_offset="))
      g_string_append_printf (url, "%s&", parts[i]);
  g_string_append_printf (url, "_offset=%u", next_offset);
  return g_string_free (url, FALSE);
}

static char *
self_link (Request *req)
{
  if (req->params->raw[0] == '\0')
    return g_strdup_printf ("%s/%s", req->fhir_base, req->type);
  return g_strdup_printf ("%s/%s?%s", req->fhir_base, req->type, req->params->raw);
}

static CrnFhirBundleBuilder *
bundle_new (Request    *req,
            const char *profile)
{
  g_autofree char *self_url = self_link (req);

  /* Entries are written out as they are added: no tree of the whole answer. */
  return crn_fhir_bundle_builder_new_text (req->fhir_base, self_url, profile);
}

static void
bundle_finish (Request              *req,
               CrnFhirBundleBuilder *bundle,
               const CrnServerQuery *query,
               guint                 n_matches,
               guint                 total)
{
  g_autoptr(GPtrArray) chunks = NULL;
  SoupMessageBody *body;

  crn_fhir_bundle_builder_set_total (bundle, total);
  if (query->offset + n_matches < total && n_matches > 0)
    {
      g_autofree char *next = next_link (req, query->offset + n_matches);

      crn_fhir_bundle_builder_set_next (bundle, next);
    }
  /* The entries go out as they were written, not copied into one more buffer. */
  chunks = crn_fhir_bundle_builder_end_chunks (bundle);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                         "application/fhir+json", NULL);
  body = soup_server_message_get_response_body (req->msg);
  soup_message_body_truncate (body);
  for (guint i = 0; i < chunks->len; i++)
    soup_message_body_append_bytes (body, g_ptr_array_index (chunks, i));
}

static void
add_node (CrnFhirBundleBuilder *bundle,
          JsonNode             *node,
          CrnFhirSearchMode     mode)
{
  if (node == NULL)
    return;
  crn_fhir_bundle_builder_add (bundle, node, mode);
  json_node_unref (node);
}

typedef struct
{
  gboolean schedule;
  gboolean actor;
  gboolean service;
  gboolean organization;
  gboolean slot;
} Includes;

static gboolean
parse_includes (Request            *req,
                const char * const *allowed,
                Includes           *inc,
                GError            **error)
{
  const char *names[] = { "_include", "_include:iterate" };

  memset (inc, 0, sizeof *inc);
  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr(GPtrArray) values = route_params_get_all (req->params, names[n]);

      for (guint i = 0; i + 1 < values->len; i++)
        {
          const char *v = g_ptr_array_index (values, i);

          if (!g_strv_contains (allowed, v))
            {
              crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, names[n],
                                  _("“%s” cannot be included in this search."), v);
              return FALSE;
            }
          if (g_str_equal (v, "Slot:schedule") || g_str_equal (v, "Appointment:slot"))
            {
              inc->schedule |= g_str_equal (v, "Slot:schedule");
              inc->slot |= g_str_equal (v, "Appointment:slot");
            }
          else if (g_str_equal (v, "Schedule:actor") || g_str_equal (v, "Appointment:actor"))
            inc->actor = TRUE;
          else if (g_str_equal (v, "Slot:service-type-reference"))
            inc->service = TRUE;
          else if (g_str_equal (v, "HealthcareService:organization"))
            inc->organization = TRUE;
        }
    }
  return TRUE;
}

/* Schedule (SAS or GAP shape), Practitioner + PractitionerRole of one (GP, place). */
static void
include_for_schedule (Request              *req,
                      CrnFhirBundleBuilder *bundle,
                      const char           *idnps,
                      const char           *place_id,
                      const Includes       *inc,
                      gboolean              sas)
{
  g_autofree char *schedule_id = crn_fhir_schedule_id (idnps, place_id);
  g_autofree char *pract_id = crn_fhir_practitioner_id (idnps);
  g_autofree char *role_id = crn_fhir_practitioner_role_id (idnps, place_id);

  if (inc->schedule)
    {
      if (sas)
        {
          JsonNode *node = crn_fhir_schedule_build_sas (schedule_id, pract_id, role_id);

          route_directory_meta (req, "schedules", "id", schedule_id, node, NULL);
          add_node (bundle, node, CRN_FHIR_SEARCH_MODE_INCLUDE);
        }
      else
        {
          g_autoptr(CrnTemplate) template = crn_server_db_get_schedule (req->ctx->db,
                                                                        schedule_id, NULL);

          if (template != NULL)
            add_node (bundle, route_build_schedule (req, template), CRN_FHIR_SEARCH_MODE_INCLUDE);
        }
    }
  if (inc->actor)
    {
      add_node (bundle, route_build_practitioner (req, idnps, sas), CRN_FHIR_SEARCH_MODE_INCLUDE);
      add_node (bundle, route_build_role (req, idnps, place_id, sas), CRN_FHIR_SEARCH_MODE_INCLUDE);
    }
}

static void
include_cpts (Request              *req,
              CrnFhirBundleBuilder *bundle,
              const Includes       *inc)
{
  g_autoptr(CrnServerCpts) cpts = crn_server_db_get_cpts (req->ctx->db);

  if (cpts == NULL)
    return;
  if (inc->service)
    add_node (bundle, route_build_cpts_service (req, cpts), CRN_FHIR_SEARCH_MODE_INCLUDE);
  if (inc->organization)
    add_node (bundle, route_build_cpts_organization (req, cpts), CRN_FHIR_SEARCH_MODE_INCLUDE);
}

/* ---------------------------------------------------------------------------------- */
/* Slot                                                                                */

static void
slot_search_in_snapshot (Request *req)
{
  static const char * const known[] = {
    "start", "status", "schedule", "actor", "schedule.actor", "identifier", "_id",
    "schedule.actor:Practitioner.identifier", "_lastUpdated", "_sort", "_count", "_offset",
    "_include", "_include:iterate", NULL
  };
  static const char * const includes[] = {
    "Slot:schedule", "Schedule:actor", "Slot:service-type-reference",
    "HealthcareService:organization", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(CrnFhirBundleBuilder) bundle = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_auto(RouteSlotOptions) slot_options = { 0 };
  CrnServerQuery query;
  Includes inc;
  gboolean sas, any_cpts = FALSE;
  guint total = 0;
  const char *schedule;

  crn_server_query_init (&query);
  sas = route_params_get (req->params, "schedule.actor:Practitioner.identifier") != NULL;
  schedule = route_params_get (req->params, "schedule");
  if (!route_params_check_known (req->params, "Slot", known, &error) ||
      !parse_paging (req, &query, TRUE, &error) ||
      !parse_last_updated (req, &query, &error) ||
      !parse_start (req, "start", &query, &error) ||
      !parse_status (req, &query, TRUE, &error) ||
      !parse_actor (req, "actor", &query, &error) ||
      !parse_actor (req, "schedule.actor", &query, &error) ||
      !parse_idnps_list (req, "schedule.actor:Practitioner.identifier", &query, &error) ||
      !parse_ids (req, "identifier", &query, &error) ||
      !parse_ids (req, "_id", &query, &error) ||
      !parse_includes (req, includes, &inc, &error))
    goto fail;
  if (schedule != NULL)
    query.schedule_id = g_str_has_prefix (schedule, "Schedule/")
                        ? schedule + strlen ("Schedule/") : schedule;

  slots = crn_server_db_query_slots (req->ctx->db, req->account, &query, &total, &error);
  if (slots == NULL)
    goto fail;

  bundle = bundle_new (req, sas ? CRN_FHIR_PROFILE_SAS_CPTS_BUNDLE : NULL);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  route_slot_options_init (req, &slot_options);
  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);

      crn_fhir_bundle_builder_add_slot (bundle, slot,
                                        route_slot_options_for (req, &slot_options, slot, sas),
                                        CRN_FHIR_SEARCH_MODE_MATCH);
      any_cpts |= (slot->visibility & CRN_VISIBILITY_CPTS) != 0;
    }
  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);
      g_autofree char *key = g_strdup_printf ("%s|%s", slot->practitioner, slot->place_id);

      if (g_hash_table_contains (seen, key))
        continue;
      include_for_schedule (req, bundle, slot->practitioner, slot->place_id, &inc, sas);
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
  if (any_cpts)
    include_cpts (req, bundle, &inc);
  bundle_finish (req, bundle, &query, slots->len, total);
  crn_server_query_clear (&query);
  return;

fail:
  crn_server_query_clear (&query);
  crn_server_send_error (req->msg, error, NULL);
}

/* The search, its count and its includes read one snapshot of the database. */
static void
slot_search (Request *req)
{
  gboolean begun = _crn_db_read_begin (req->ctx->db);

  slot_search_in_snapshot (req);
  _crn_db_read_end (req->ctx->db, begun);
}

static void
slot_read (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(JsonNode) node = NULL;
  CrnServerQuery query;
  const CrnSlot *slot;

  crn_server_query_init (&query);
  query.ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query.ids, g_strdup (req->id));
  query.count = 1;
  slots = crn_server_db_query_slots (req->ctx->db, req->account, &query, NULL, &error);
  crn_server_query_clear (&query);
  if (slots == NULL)
    {
      crn_server_send_error (req->msg, error, NULL);
      return;
    }
  if (slots->len == 0)
    {
      route_send_new_error (req->msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                      _("This slot does not exist, or it is not open to you."));
      return;
    }
  slot = g_ptr_array_index (slots, 0);
  node = route_build_slot (req, slot, FALSE);
  route_send_resource (req, SOUP_STATUS_OK, node, slot->version);
}

static void
slot_update (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(CrnSlot) wanted = NULL;
  g_autoptr(CrnSlot) stored = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(CrnFhirSlotInfo) info = { 0 };
  gint64 if_match;

  if (!route_parse_if_match (req->msg, &if_match, &error))
    goto fail;
  body = route_read_body (req, "Slot", &error);
  if (body == NULL)
    goto fail;
  route_require_id_match (req, body, &error);
  if (error != NULL)
    goto fail;
  wanted = crn_fhir_slot_parse (body, &info, &error);
  if (wanted == NULL)
    goto fail;
  g_free (wanted->id);
  wanted->id = g_strdup (req->id);
  stored = crn_server_db_update_slot (req->ctx->db, req->account, wanted, if_match, &error);
  if (stored == NULL)
    goto fail;
  node = route_build_slot (req, stored, FALSE);
  route_send_resource (req, SOUP_STATUS_OK, node, stored->version);
  return;

fail:
  crn_server_send_error (req->msg, error, req->id);
}

/* ---------------------------------------------------------------------------------- */
/* Schedule                                                                            */

static void
schedule_write (Request *req,
                gboolean create)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(CrnTemplate) template = NULL;
  g_autoptr(CrnTemplate) stored = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(CrnFhirScheduleInfo) info = { 0 };
  g_autofree char *expected_id = NULL;
  gboolean created = FALSE;
  gint64 if_match = 0;

  if (!route_parse_if_match (req->msg, &if_match, &error))
    goto fail;
  body = route_read_body (req, "Schedule", &error);
  if (body == NULL)
    goto fail;
  if (!create)
    {
      route_require_id_match (req, body, &error);
      if (error != NULL)
        goto fail;
    }
  template = crn_fhir_schedule_parse (body, &info, &error);
  if (template == NULL)
    goto fail;
  if (template->practitioner == NULL || template->place_id == NULL)
    {
      crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.actor",
                          _("The agenda must reference its practitioner "
                            "(Practitioner/pract-8…) and its PractitionerRole "
                            "(PractitionerRole/role-8…-<place>)."));
      goto fail;
    }
  expected_id = crn_fhir_schedule_id (template->practitioner, template->place_id);
  if (!create && g_strcmp0 (req->id, expected_id) != 0)
    {
      crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "Schedule.id",
                          _("The agenda of this practitioner at this place is %s, not %s."),
                          expected_id, req->id);
      goto fail;
    }
  stored = crn_server_db_put_schedule (req->ctx->db, req->account, template, if_match, create,
                                       &created, &error);
  if (stored == NULL)
    goto fail;
  node = route_build_schedule (req, stored);
  route_send_resource (req, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, node, stored->version);
  return;

fail:
  crn_server_send_error (req->msg, error, NULL);
}

static void
schedule_read (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnTemplate) template = crn_server_db_get_schedule (req->ctx->db, req->id, &error);
  g_autoptr(JsonNode) node = NULL;

  if (template == NULL)
    {
      crn_server_send_error (req->msg, error, NULL);
      return;
    }
  node = route_build_schedule (req, template);
  route_send_resource (req, SOUP_STATUS_OK, node, template->version);
}

static void
schedule_search (Request *req)
{
  static const char * const known[] = {
    "actor", "_id", "_lastUpdated", "_sort", "_count", "_offset", "_include",
    "_include:iterate", NULL
  };
  static const char * const includes[] = { "Schedule:actor", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CrnFhirBundleBuilder) bundle = NULL;
  CrnServerQuery query;
  Includes inc;
  guint total = 0;

  crn_server_query_init (&query);
  if (!route_params_check_known (req->params, "Schedule", known, &error) ||
      !parse_paging (req, &query, FALSE, &error) ||
      !parse_last_updated (req, &query, &error) ||
      !parse_actor (req, "actor", &query, &error) ||
      !parse_ids (req, "_id", &query, &error) ||
      !parse_includes (req, includes, &inc, &error))
    goto fail;
  list = crn_server_db_query_schedules (req->ctx->db, req->account, &query, &total, &error);
  if (list == NULL)
    goto fail;
  bundle = bundle_new (req, NULL);
  for (guint i = 0; i < list->len; i++)
    add_node (bundle, route_build_schedule (req, g_ptr_array_index (list, i)),
              CRN_FHIR_SEARCH_MODE_MATCH);
  for (guint i = 0; inc.actor && i < list->len; i++)
    {
      const CrnTemplate *t = g_ptr_array_index (list, i);
      Includes only_actor = { .actor = TRUE };

      include_for_schedule (req, bundle, t->practitioner, t->place_id, &only_actor, FALSE);
    }
  bundle_finish (req, bundle, &query, list->len, total);
  crn_server_query_clear (&query);
  return;

fail:
  crn_server_query_clear (&query);
  crn_server_send_error (req->msg, error, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Appointment                                                                         */

static CrnBooking *
parse_appointment (Request  *req,
                   GError  **error)
{
  g_autoptr(JsonNode) body = route_read_body (req, "Appointment", error);
  g_auto(CrnFhirAppointmentInfo) info = { 0 };
  CrnBooking *booking;

  if (body == NULL)
    return NULL;
  if (req->id != NULL)
    {
      route_require_id_match (req, body, error);
      if (error != NULL && *error != NULL)
        return NULL;
    }
  booking = crn_fhir_appointment_parse (body, &info, error);
  if (booking == NULL)
    return NULL;
  if (booking->slot_id == NULL && info.slot_ids != NULL && info.slot_ids[0] != NULL)
    booking->slot_id = g_strdup (info.slot_ids[0]);
  return booking;
}

static void
appointment_create (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) request = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *if_none_exist;
  gboolean existing = FALSE;

  request = parse_appointment (req, &error);
  if (request == NULL)
    goto fail;

  if_none_exist = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                "If-None-Exist");
  if (if_none_exist != NULL)
    {
      g_autoptr(Params) cond = route_params_parse (if_none_exist, &error);
      const char *identifier;
      g_autoptr(CrnFhirToken) token = NULL;

      if (cond == NULL)
        goto fail;
      identifier = route_params_get (cond, "identifier");
      if (identifier == NULL || cond->names->len != 1)
        {
          crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "If-None-Exist",
                              _("If-None-Exist must be “identifier=system|value”."));
          goto fail;
        }
      token = crn_fhir_token_parse (identifier, "If-None-Exist", &error);
      if (token == NULL || token->value == NULL)
        {
          if (error == NULL)
            crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "If-None-Exist",
                                _("If-None-Exist must be “identifier=system|value”."));
          goto fail;
        }
      stored = crn_server_db_get_booking (req->ctx->db, req->account, token->value, NULL);
      if (stored != NULL)
        {
          node = route_build_appointment (req, stored);
          route_send_resource (req, SOUP_STATUS_OK, node, stored->version);
          return;
        }
      if (g_strcmp0 (request->id, token->value) != 0)
        {
          crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "Appointment.identifier",
                              _("The identifier in If-None-Exist differs from the "
                                "appointment's identifier."));
          goto fail;
        }
    }

  stored = crn_server_db_create_booking (req->ctx->db, req->account, request,
                                         if_none_exist != NULL, &existing, &error);
  if (stored == NULL)
    goto fail;
  node = route_build_appointment (req, stored);
  route_send_resource (req, existing ? SOUP_STATUS_OK : SOUP_STATUS_CREATED, node, stored->version);
  return;

fail:
  crn_server_send_error (req->msg, error, NULL);
}

static void
appointment_update (Request    *req,
                    const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) request = NULL;
  g_autoptr(CrnBooking) stored = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean created = FALSE;
  gint64 if_match;

  if (!route_parse_if_match (req->msg, &if_match, &error))
    goto fail;
  request = parse_appointment (req, &error);
  if (request == NULL)
    goto fail;
  if (g_strcmp0 (request->id, id) != 0)
    {
      g_free (request->id);
      request->id = g_strdup (id);
    }
  stored = crn_server_db_update_booking (req->ctx->db, req->account, request, if_match, TRUE,
                                         &created, &error);
  if (stored == NULL)
    goto fail;
  node = route_build_appointment (req, stored);
  route_send_resource (req, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, node, stored->version);
  return;

fail:
  crn_server_send_error (req->msg, error, NULL);
}

static void
appointment_conditional_update (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirToken) token = NULL;
  const char *identifier = route_params_get (req->params, "identifier");

  if (identifier == NULL || req->params->names->len != 1)
    {
      crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "identifier",
                          _("A conditional update is addressed as "
                            "Appointment?identifier=system|value, and nothing else."));
      crn_server_send_error (req->msg, error, NULL);
      return;
    }
  token = crn_fhir_token_parse (identifier, "identifier", &error);
  if (token == NULL || token->value == NULL)
    {
      if (error == NULL)
        crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "identifier",
                            _("Give the identifier's value."));
      crn_server_send_error (req->msg, error, NULL);
      return;
    }
  appointment_update (req, token->value);
}

static void
appointment_read (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnBooking) booking = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (req->account->role == CRN_SERVER_ROLE_COORDINATOR)
    {
      route_send_new_error (req->msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                      _("The CPTS coordinator sees counts, never patients: use the monthly "
                        "report."));
      return;
    }
  booking = crn_server_db_get_booking (req->ctx->db, req->account, req->id, &error);
  if (booking == NULL)
    {
      crn_server_send_error (req->msg, error, NULL);
      return;
    }
  node = route_build_appointment (req, booking);
  route_send_resource (req, SOUP_STATUS_OK, node, booking->version);
}

static void
appointment_search (Request *req)
{
  static const char * const known[] = {
    "identifier", "_id", "date", "start", "status", "actor", "practitioner",
    "practitioner.identifier", "actor:Practitioner.identifier", "_lastUpdated", "_sort",
    "_count", "_offset", "_include", NULL
  };
  static const char * const includes[] = { "Appointment:slot", "Appointment:actor", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CrnFhirBundleBuilder) bundle = NULL;
  g_autoptr(GHashTable) seen = NULL;
  CrnServerQuery query;
  Includes inc;
  guint total = 0;

  crn_server_query_init (&query);
  if (!route_params_check_known (req->params, "Appointment", known, &error) ||
      !parse_paging (req, &query, TRUE, &error) ||
      !parse_last_updated (req, &query, &error) ||
      !parse_start (req, "start", &query, &error) ||
      !parse_start (req, "date", &query, &error) ||
      !parse_status (req, &query, FALSE, &error) ||
      !parse_actor (req, "actor", &query, &error) ||
      !parse_actor (req, "practitioner", &query, &error) ||
      !parse_idnps_list (req, "practitioner.identifier", &query, &error) ||
      !parse_idnps_list (req, "actor:Practitioner.identifier", &query, &error) ||
      !parse_ids (req, "identifier", &query, &error) ||
      !parse_ids (req, "_id", &query, &error) ||
      !parse_includes (req, includes, &inc, &error))
    goto fail;

  list = crn_server_db_query_bookings (req->ctx->db, req->account, &query, &total, &error);
  if (list == NULL)
    goto fail;
  bundle = bundle_new (req, NULL);
  for (guint i = 0; i < list->len; i++)
    route_bundle_add_appointment (req, bundle, g_ptr_array_index (list, i),
                                  CRN_FHIR_SEARCH_MODE_MATCH);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < list->len; i++)
    {
      const CrnBooking *b = g_ptr_array_index (list, i);

      if (inc.slot && b->slot_id != NULL)
        {
          g_autoptr(CrnSlot) slot = crn_server_db_get_slot (req->ctx->db, b->slot_id, NULL);

          if (slot != NULL)
            add_node (bundle, route_build_slot (req, slot, FALSE), CRN_FHIR_SEARCH_MODE_INCLUDE);
        }
      if (inc.actor && !g_hash_table_contains (seen, b->practitioner))
        {
          g_hash_table_add (seen, b->practitioner);
          add_node (bundle, route_build_practitioner (req, b->practitioner, FALSE),
                    CRN_FHIR_SEARCH_MODE_INCLUDE);
        }
    }
  bundle_finish (req, bundle, &query, list->len, total);
  crn_server_query_clear (&query);
  return;

fail:
  crn_server_query_clear (&query);
  crn_server_send_error (req->msg, error, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* System search: the apps' delta pull in one request                                  */
/*
 * GET [base]?_type=Schedule,Slot,Appointment&_lastUpdated=gt<ms>&_sort=_lastUpdated&_count=N
 *
 * The three searches of each type (the same functions, so the same rights: a type the
 * account may not search at all, the coordinator's Appointment, is left out), merged in
 * (lastUpdated, type, id) order: Schedule before Slot before Appointment at the same
 * instant. Pages are cut by a cursor after the last entry sent (`_cursor=<ms>_<type>_<id>_
 * <total>`, ids hold no "_"), not by an offset: each page reads at most _count rows per
 * type from the last_updated_ms indexes, however far the pull is.
 */

static const char * const system_types[] = { "Schedule", "Slot", "Appointment" };
#define N_SYSTEM_TYPES G_N_ELEMENTS (system_types)

typedef struct
{
  gint64  lu_ms;
  guint   type;
  char   *id;
  gint64  total;
} Cursor;

static gboolean
parse_cursor (const char  *text,
              Cursor      *cursor,
              GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);
  guint64 type = 0, total = 0;
  gint64 lu = 0;

  if (g_strv_length (parts) != 4 ||
      !g_ascii_string_to_signed (parts[0], 10, 0, G_MAXINT64, &lu, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, N_SYSTEM_TYPES - 1, &type, NULL) ||
      !crn_fhir_id_is_valid (parts[2]) ||
      !g_ascii_string_to_unsigned (parts[3], 10, 0, G_MAXINT32, &total, NULL))
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "_cursor",
                          _("This page address is not one the server gave: follow the "
                            "search's next link as it is."));
      return FALSE;
    }
  cursor->lu_ms = lu;
  cursor->type = type;
  cursor->id = g_strdup (parts[2]);
  cursor->total = total;
  return TRUE;
}

static gboolean
parse_system_types (Request   *req,
                    gboolean   wanted[N_SYSTEM_TYPES],
                    GError   **error)
{
  const char *value = route_params_get (req->params, "_type");
  g_auto(GStrv) names = NULL;
  gboolean any = FALSE;

  if (value == NULL)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "_type",
                          _("A search of the whole server names the resource types it wants "
                            "in _type, for example _type=Schedule,Slot,Appointment."));
      return FALSE;
    }
  names = g_strsplit (value, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint t;

      for (t = 0; t < N_SYSTEM_TYPES; t++)
        if (g_str_equal (names[i], system_types[t]))
          break;
      if (t == N_SYSTEM_TYPES)
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, "_type",
                              _("A search of the whole server can list Schedule, Slot and "
                                "Appointment resources only, not “%s”."), names[i]);
          return FALSE;
        }
      wanted[t] = TRUE;
      any = TRUE;
    }
  if (!any)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_MISSING_FIELD, "_type",
                          _("A search of the whole server names the resource types it wants "
                            "in _type, for example _type=Schedule,Slot,Appointment."));
      return FALSE;
    }
  return TRUE;
}

static gint64
system_row_lu (guint         type,
               gconstpointer row)
{
  switch (type)
    {
    case 0:
      return ((const CrnTemplate *) row)->last_updated_ms;
    case 1:
      return ((const CrnSlot *) row)->last_updated_ms;
    default:
      return ((const CrnBooking *) row)->last_updated_ms;
    }
}

static const char *
system_row_id (guint         type,
               gconstpointer row)
{
  switch (type)
    {
    case 0:
      return ((const CrnTemplate *) row)->id;
    case 1:
      return ((const CrnSlot *) row)->id;
    default:
      return ((const CrnBooking *) row)->id;
    }
}

static char *
system_link (Request      *req,
             const Cursor *next)
{
  g_auto(GStrv) parts = g_strsplit (req->params->raw, "&", -1);
  GString *url = g_string_new (req->fhir_base);
  gboolean first = TRUE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || (next != NULL && g_str_has_prefix (parts[i], "_cursor=")))
        continue;
      g_string_append_c (url, first ? '?' : '&');
      g_string_append (url, parts[i]);
      first = FALSE;
    }
  if (next != NULL)
    g_string_append_printf (url, "%c_cursor=%" G_GINT64_FORMAT "_%u_%s_%" G_GINT64_FORMAT,
                            first ? '?' : '&', next->lu_ms, next->type, next->id, next->total);
  return g_string_free (url, FALSE);
}

/*
 * The validator of a system search (ETag, RFC 9110 §8.8.3), for the apps' no-change sync:
 * W/"<instance>-<data version>-<account>". The data version is SQLite's counter of the
 * database file (SQLITE_FCNTL_DATA_VERSION): it moves on every transaction this server
 * commits, and on those of other processes (creneaux-server --add-user…) as soon as the
 * server reads again, which the token check of every request does. Every change the
 * answer can show (rows, accounts and their rights, policy, practices) is such a write, so
 * the same validator means the same answer for the same address and account. The
 * instance (random per process) keeps a restarted server, whose counter starts again,
 * from ever giving an old validator back; the account keeps one account's validator from
 * matching another's answer. Only the answer of a referrer can shrink with time (slots
 * that start are no longer listed), never grow, so a 304 never hides a row. It is a weak
 * validator: the same rows, not the same bytes (the total, the links).
 */
static char *
system_etag (Request *req)
{
  static gsize instance = 0;
  unsigned int version = 0;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, (gsize) g_random_int () << 1 | 1);
  sqlite3_file_control (crn_server_db_get_handle (req->ctx->db), "main",
                        SQLITE_FCNTL_DATA_VERSION, &version);
  return g_strdup_printf ("W/\"%" G_GSIZE_MODIFIER "x-%u-%" G_GINT64_FORMAT "\"",
                          instance, version, req->account->id);
}

/* If-None-Match (RFC 9110 §13.1.2) with the weak comparison: does the header name
 * @etag, or is it "*"? */
static gboolean
if_none_match_hits (const char *header,
                    const char *etag)
{
  const char *opaque = g_str_has_prefix (etag, "W/") ? etag + 2 : etag;
  gsize opaque_len = strlen (opaque);
  const char *p = header;

  while (*p != '\0')
    {
      const char *start;

      while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
      if (*p == '\0')
        break;
      if (*p == '*')
        return TRUE;
      if (g_str_has_prefix (p, "W/"))
        p += 2;
      if (*p != '"')
        return FALSE;   /* not a list of entity tags: no match, a normal answer */
      start = p++;
      while (*p != '\0' && *p != '"')
        p++;
      if (*p != '"')
        return FALSE;
      p++;
      if ((gsize) (p - start) == opaque_len && strncmp (start, opaque, opaque_len) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
system_search (Request *req)
{
  static const char * const known[] = {
    "_type", "_lastUpdated", "_sort", "_count", "_cursor", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirBundleBuilder) bundle = NULL;
  g_auto(RouteSlotOptions) slot_options = { 0 };
  g_autofree char *self_url = NULL;
  g_autofree char *text = NULL;
  g_autofree char *etag = NULL;
  SoupMessageHeaders *headers;
  const char *if_none_match;
  GPtrArray *lists[N_SYSTEM_TYPES] = { NULL, };
  guint pos[N_SYSTEM_TYPES] = { 0, };
  gboolean wanted[N_SYSTEM_TYPES] = { FALSE, };
  gboolean more = FALSE;
  const char *cursor_text = route_params_get (req->params, "_cursor");
  Cursor cursor = { 0, };
  Cursor last = { 0, };
  CrnServerQuery query;
  gint64 total = 0;
  guint n = 0;
  gsize len = 0;

  crn_server_query_init (&query);
  if (!route_params_check_known (req->params, "[base]", known, &error) ||
      !parse_system_types (req, wanted, &error) ||
      !parse_paging (req, &query, FALSE, &error) ||
      !parse_last_updated (req, &query, &error) ||
      (cursor_text != NULL && !parse_cursor (cursor_text, &cursor, &error)))
    goto fail;
  if (query.descending || query.offset > 0)
    {
      crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "_sort",
                          _("A search of the whole server is sorted by _lastUpdated, oldest "
                            "first, and pages by its next link."));
      goto fail;
    }

  /* Nothing written since the caller's answer: 304, before any SQL or JSON. */
  etag = system_etag (req);
  headers = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, no-cache");
  if_none_match = soup_message_headers_get_list (soup_server_message_get_request_headers
                                                   (req->msg), "If-None-Match");
  if (if_none_match != NULL && if_none_match_hits (if_none_match, etag))
    {
      soup_server_message_set_status (req->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      g_free (cursor.id);
      crn_server_query_clear (&query);
      return;
    }

  for (guint t = 0; t < N_SYSTEM_TYPES; t++)
    {
      CrnServerQuery q = query;
      g_autoptr(GError) type_error = NULL;
      guint type_total = 0;

      if (!wanted[t])
        continue;
      q.count = query.count;
      if (cursor_text != NULL)
        {
          /* Rows after the cursor: for the types before its type, strictly later; for its
           * type, later or the same instant and a greater id; for the types after it, the
           * same instant or later. */
          if (t < cursor.type)
            q.lu_min_ms = MAX (q.lu_min_ms, cursor.lu_ms);
          else if (t > cursor.type)
            q.lu_min_ms = MAX (q.lu_min_ms, cursor.lu_ms - 1);
          else
            {
              q.after_id = cursor.id;
              q.after_lu_ms = cursor.lu_ms;
            }
        }
      switch (t)
        {
        case 0:
          lists[t] = crn_server_db_query_schedules (req->ctx->db, req->account, &q,
                                                    cursor_text == NULL ? &type_total : NULL,
                                                    &type_error);
          break;
        case 1:
          lists[t] = crn_server_db_query_slots (req->ctx->db, req->account, &q,
                                                cursor_text == NULL ? &type_total : NULL,
                                                &type_error);
          break;
        default:
          lists[t] = crn_server_db_query_bookings (req->ctx->db, req->account, &q,
                                                   cursor_text == NULL ? &type_total : NULL,
                                                   &type_error);
          break;
        }
      if (lists[t] == NULL)
        {
          /* A type this account may not search is not part of its answer. */
          if (g_error_matches (type_error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN))
            continue;
          g_propagate_error (&error, g_steal_pointer (&type_error));
          goto fail;
        }
      total += type_total;
    }
  if (cursor_text != NULL)
    total = cursor.total;

  self_url = system_link (req, NULL);
  bundle = crn_fhir_bundle_builder_new_text (req->fhir_base, self_url, NULL);
  route_slot_options_init (req, &slot_options);
  /* Merge the sorted lists, oldest first; at the same instant, by type then id. */
  while (n < query.count)
    {
      gint best = -1;
      gint64 best_lu = 0;
      const char *best_id = NULL;
      gconstpointer row;

      for (guint t = 0; t < N_SYSTEM_TYPES; t++)
        {
          gconstpointer candidate;
          gint64 lu;

          if (lists[t] == NULL || pos[t] >= lists[t]->len)
            continue;
          candidate = g_ptr_array_index (lists[t], pos[t]);
          lu = system_row_lu (t, candidate);
          if (best < 0 || lu < best_lu ||
              (lu == best_lu && (guint) best == t &&
               strcmp (system_row_id (t, candidate), best_id) < 0))
            {
              best = t;
              best_lu = lu;
              best_id = system_row_id (t, candidate);
            }
        }
      if (best < 0)
        break;
      row = g_ptr_array_index (lists[best], pos[best]++);
      switch (best)
        {
        case 0:
          add_node (bundle, route_build_schedule (req, row), CRN_FHIR_SEARCH_MODE_MATCH);
          break;
        case 1:
          crn_fhir_bundle_builder_add_slot (bundle, row,
                                            route_slot_options_for (req, &slot_options, row,
                                                                    FALSE),
                                            CRN_FHIR_SEARCH_MODE_MATCH);
          break;
        default:
          route_bundle_add_appointment (req, bundle, row, CRN_FHIR_SEARCH_MODE_MATCH);
          break;
        }
      last.lu_ms = best_lu;
      last.type = best;
      last.id = (char *) system_row_id (best, row);
      n++;
    }
  /* More when a list has rows left, or was cut at _count (the next page may be empty). */
  for (guint t = 0; t < N_SYSTEM_TYPES; t++)
    if (lists[t] != NULL && (pos[t] < lists[t]->len || lists[t]->len >= query.count))
      more = TRUE;

  crn_fhir_bundle_builder_set_total (bundle, total);
  if (more && n > 0)
    {
      g_autofree char *next = NULL;
      g_autofree char *link = NULL;

      last.total = total;
      next = system_link (req, &last);
      crn_fhir_bundle_builder_set_next (bundle, next);
      /* The same link in a header (RFC 8288): the app asks for the next page as soon as
       * this one arrives, before reading its body. */
      link = g_strdup_printf ("<%s>; rel=\"next\"", next);
      soup_message_headers_replace (headers, "Link", link);
    }
  text = crn_fhir_bundle_builder_end_text (bundle, &len);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, "application/fhir+json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
  for (guint t = 0; t < N_SYSTEM_TYPES; t++)
    g_clear_pointer (&lists[t], g_ptr_array_unref);
  g_free (cursor.id);
  crn_server_query_clear (&query);
  return;

fail:
  for (guint t = 0; t < N_SYSTEM_TYPES; t++)
    g_clear_pointer (&lists[t], g_ptr_array_unref);
  g_free (cursor.id);
  crn_server_query_clear (&query);
  /* A refusal is no representation of the search: no validator on it. */
  headers = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_remove (headers, "ETag");
  soup_message_headers_remove (headers, "Cache-Control");
  crn_server_send_error (req->msg, error, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Directory: Practitioner, PractitionerRole, Organization, HealthcareService          */

static void
directory_read (Request *req)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CrnServerCpts) cpts = crn_server_db_get_cpts (req->ctx->db);
  g_autofree char *idnps = NULL;
  g_autofree char *place = NULL;

  if (g_str_equal (req->type, "Practitioner") && g_str_has_prefix (req->id, "pract-"))
    node = route_build_practitioner (req, req->id + strlen ("pract-"), FALSE);
  else if (g_str_equal (req->type, "PractitionerRole") &&
           crn_fhir_split_role_id (req->id, "role", &idnps, &place))
    node = route_build_role (req, idnps, place, FALSE);
  else if (g_str_equal (req->type, "HealthcareService") && cpts != NULL)
    {
      g_autofree char *id = route_cpts_hs_id (cpts);

      if (g_str_equal (id, req->id))
        node = route_build_cpts_service (req, cpts);
    }
  else if (g_str_equal (req->type, "Organization"))
    {
      g_autofree char *org = cpts != NULL ? route_cpts_org_id (cpts) : NULL;

      if (org != NULL && g_str_equal (org, req->id))
        node = route_build_cpts_organization (req, cpts);
      else
        {
          g_autoptr(CrnServerPractice) practice = crn_server_db_get_practice (req->ctx->db,
                                                                              req->id, NULL);

          if (practice != NULL)
            node = route_build_practice_organization (req, practice);
        }
    }

  if (node == NULL)
    {
      route_send_new_error (req->msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                      _("This resource does not exist."));
      return;
    }
  {
    JsonObject *meta = json_object_get_object_member (json_node_get_object (node), "meta");
    const char *v = meta != NULL ? json_object_get_string_member_with_default (meta, "versionId",
                                                                               "1") : "1";

    route_send_resource (req, SOUP_STATUS_OK, node, g_ascii_strtoll (v, NULL, 10));
  }
}

static void
directory_search (Request *req)
{
  static const char * const known[] = { "identifier", "practitioner", "_count", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnFhirBundleBuilder) bundle = NULL;
  g_autoptr(CrnServerCpts) cpts = crn_server_db_get_cpts (req->ctx->db);
  g_autoptr(GPtrArray) practitioners = NULL;
  g_auto(GStrv) wanted = NULL;
  const char *identifier = route_params_get (req->params, "identifier");
  const char *practitioner = route_params_get (req->params, "practitioner");
  CrnServerQuery query;
  guint n = 0;

  crn_server_query_init (&query);
  if (!route_params_check_known (req->params, req->type, known, &error))
    goto fail;
  if (identifier != NULL)
    {
      wanted = crn_fhir_idnps_list_parse (identifier, CRN_FHIR_MAX_SAS_IDENTIFIERS,
                                          "identifier", &error);
      if (wanted == NULL)
        goto fail;
    }
  if (practitioner != NULL)
    {
      g_autofree char *idnps = actor_to_idnps (practitioner);

      if (idnps == NULL)
        {
          crn_fhir_set_error (&error, CRN_FHIR_ERROR_INVALID_VALUE, "practitioner",
                              _("“%s” is not a practitioner reference."), practitioner);
          goto fail;
        }
      g_strfreev (wanted);
      wanted = g_new0 (char *, 2);
      wanted[0] = g_steal_pointer (&idnps);
    }

  bundle = bundle_new (req, NULL);
  if (g_str_equal (req->type, "Practitioner") || g_str_equal (req->type, "PractitionerRole"))
    {
      practitioners = crn_server_db_list_practitioners (req->ctx->db, &error);
      if (practitioners == NULL)
        goto fail;
      for (guint i = 0; i < practitioners->len; i++)
        {
          const CrnPractitioner *p = g_ptr_array_index (practitioners, i);
          g_autoptr(GPtrArray) places = NULL;

          if (wanted != NULL && !g_strv_contains ((const char * const *) wanted, p->idnps))
            continue;
          if (g_str_equal (req->type, "Practitioner"))
            {
              add_node (bundle, route_build_practitioner (req, p->idnps, FALSE),
                        CRN_FHIR_SEARCH_MODE_MATCH);
              n++;
              continue;
            }
          places = crn_server_db_schedules_of (req->ctx->db, p->idnps, NULL);
          for (guint k = 0; places != NULL && k < places->len; k++, n++)
            add_node (bundle, route_build_role (req, p->idnps, g_ptr_array_index (places, k), FALSE),
                      CRN_FHIR_SEARCH_MODE_MATCH);
        }
    }
  else if (g_str_equal (req->type, "Organization"))
    {
      g_autoptr(GPtrArray) practices = crn_server_db_list_practices (req->ctx->db, &error);

      if (practices == NULL)
        goto fail;
      if (cpts != NULL)
        {
          add_node (bundle, route_build_cpts_organization (req, cpts), CRN_FHIR_SEARCH_MODE_MATCH);
          n++;
        }
      for (guint i = 0; i < practices->len; i++, n++)
        add_node (bundle, route_build_practice_organization (req, g_ptr_array_index (practices, i)),
                  CRN_FHIR_SEARCH_MODE_MATCH);
    }
  else if (cpts != NULL)
    {
      add_node (bundle, route_build_cpts_service (req, cpts), CRN_FHIR_SEARCH_MODE_MATCH);
      n++;
    }
  bundle_finish (req, bundle, &query, n, n);
  return;

fail:
  crn_server_send_error (req->msg, error, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* The CPTS policy (Parameters/policy)                                                 */

static void
policy_read (Request *req)
{
  g_autoptr(CrnPolicy) policy = crn_server_db_get_policy (req->ctx->db);
  g_autoptr(JsonNode) node = crn_fhir_policy_build (policy, "policy");
  gint64 lu = 0;
  gint64 version = MAX (crn_server_db_get_policy_version (req->ctx->db, &lu), 1);

  crn_fhir_set_meta_version (node, version, lu);
  route_send_resource (req, SOUP_STATUS_OK, node, version);
}

static void
policy_update (Request *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(CrnPolicy) policy = NULL;
  gint64 if_match, current;

  if (req->account->role != CRN_SERVER_ROLE_COORDINATOR)
    {
      route_send_new_error (req->msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_FORBIDDEN,
                      _("Only the CPTS coordinator changes the CPTS rules."));
      return;
    }
  if (!route_parse_if_match (req->msg, &if_match, &error))
    goto fail;
  body = route_read_body (req, "Parameters", &error);
  if (body == NULL)
    goto fail;
  policy = crn_fhir_policy_parse (body, &error);
  if (policy == NULL)
    goto fail;
  current = MAX (crn_server_db_get_policy_version (req->ctx->db, NULL), 1);
  if (if_match > 0 && if_match != current)
    {
      g_set_error (&error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_VERSION_MISMATCH,
                   _("Someone changed the CPTS rules after you last loaded them. Reload "
                     "them, then make your change again."));
      goto fail;
    }
  if (!crn_server_db_set_policy (req->ctx->db, policy, &error))
    goto fail;
  policy_read (req);
  return;

fail:
  crn_server_send_error (req->msg, error, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* CapabilityStatement                                                                 */

static void
metadata (Request *req)
{
  static const char *types[] = {
    "Slot", "Schedule", "Appointment", "Practitioner", "PractitionerRole", "Organization",
    "HealthcareService", "Parameters",
  };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "CapabilityStatement");
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "active");
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "instance");
  json_builder_set_member_name (b, "fhirVersion");
  json_builder_add_string_value (b, "4.0.1");
  json_builder_set_member_name (b, "format");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "application/fhir+json");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "software");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "creneaux-server");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rest");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, "server");
  json_builder_set_member_name (b, "resource");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, types[i]);
      json_builder_set_member_name (b, "versioning");
      json_builder_add_string_value (b, "versioned-update");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  crn_server_send_json (req->msg, SOUP_STATUS_OK, node, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Routing                                                                             */

static void
method_not_allowed (Request    *req,
                    const char *allow)
{
  g_autofree char *text = g_strdup_printf (_("This address does not accept %s; use %s."),
                                           soup_server_message_get_method (req->msg), allow);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow",
                                allow);
  route_send_new_error (req->msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID, text);
  soup_server_message_set_status (req->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
}

static void
fhir_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  CrnServerContext *ctx = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(Params) params = NULL;
  g_autoptr(CrnServerAccount) account = NULL;
  g_auto(GStrv) segments = NULL;
  g_autofree char *fhir_base = NULL;
  g_auto(Request) req = { 0 };
  guint n;
  gboolean get, put, post;

  params = route_params_parse (g_uri_get_query (soup_server_message_get_uri (msg)), &error);
  if (params == NULL)
    {
      crn_server_send_error (msg, error, NULL);
      return;
    }

  segments = g_strsplit (path + strlen ("/fhir"), "/", 5);
  /* "" , type, id */
  n = g_strv_length (segments);
  if ((n < 2 || (n == 2 && segments[1][0] == '\0')) &&
      route_params_get (params, "_type") != NULL)
    {
      /* GET [base]?_type=…: a search of the whole server. */
      account = crn_server_require_account (ctx, msg);
      if (account == NULL)
        return;
      fhir_base = g_strdup_printf ("%s/fhir", ctx->base_url);
      req.ctx = ctx;
      req.msg = msg;
      req.account = account;
      req.params = params;
      req.fhir_base = fhir_base;
      if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
        system_search (&req);
      else
        method_not_allowed (&req, "GET");
      return;
    }
  if (n < 2 || segments[1][0] == '\0')
    {
      route_send_new_error (msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                      _("Name a resource type after /fhir/, for example /fhir/Slot."));
      return;
    }
  if (n > 3 || (n == 3 && !crn_fhir_id_is_valid (segments[2])))
    {
      route_send_new_error (msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND,
                      _("There is nothing at this address."));
      return;
    }

  get = method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
  put = method == SOUP_METHOD_PUT;
  post = method == SOUP_METHOD_POST;
  fhir_base = g_strdup_printf ("%s/fhir", ctx->base_url);
  req.ctx = ctx;
  req.msg = msg;
  req.type = segments[1];
  req.id = n == 3 ? segments[2] : NULL;
  req.params = params;
  req.fhir_base = fhir_base;

  if (g_str_equal (req.type, "metadata") && req.id == NULL)
    {
      if (get)
        metadata (&req);
      else
        method_not_allowed (&req, "GET");
      return;
    }

  account = crn_server_require_account (ctx, msg);
  if (account == NULL)
    return;
  req.account = account;

  if (g_str_equal (req.type, "Slot"))
    {
      if (get && req.id == NULL)
        slot_search (&req);
      else if (get)
        slot_read (&req);
      else if (put && req.id != NULL)
        slot_update (&req);
      else
        method_not_allowed (&req, req.id != NULL ? "GET, PUT" : "GET");
    }
  else if (g_str_equal (req.type, "Schedule"))
    {
      if (get && req.id == NULL)
        schedule_search (&req);
      else if (get)
        schedule_read (&req);
      else if (post && req.id == NULL)
        schedule_write (&req, TRUE);
      else if (put && req.id != NULL)
        schedule_write (&req, FALSE);
      else
        method_not_allowed (&req, req.id != NULL ? "GET, PUT" : "GET, POST");
    }
  else if (g_str_equal (req.type, "Appointment"))
    {
      if (get && req.id == NULL)
        appointment_search (&req);
      else if (get)
        appointment_read (&req);
      else if (post && req.id == NULL)
        appointment_create (&req);
      else if (put && req.id != NULL)
        appointment_update (&req, req.id);
      else if (put)
        appointment_conditional_update (&req);
      else
        method_not_allowed (&req, req.id != NULL ? "GET, PUT" : "GET, POST, PUT");
    }
  else if (g_str_equal (req.type, "Practitioner") ||
           g_str_equal (req.type, "PractitionerRole") ||
           g_str_equal (req.type, "Organization") ||
           g_str_equal (req.type, "HealthcareService"))
    {
      if (get && req.id == NULL)
        directory_search (&req);
      else if (get)
        directory_read (&req);
      else
        method_not_allowed (&req, "GET");
    }
  else if (g_str_equal (req.type, "Parameters") && g_strcmp0 (req.id, "policy") == 0)
    {
      if (get)
        policy_read (&req);
      else if (put)
        policy_update (&req);
      else
        method_not_allowed (&req, "GET, PUT");
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("This server does not handle %s resources."),
                                               req.type);

      route_send_new_error (msg, CRN_SERVER_ERROR, CRN_SERVER_ERROR_NOT_FOUND, text);
    }
}

void
crn_server_fhir_register (SoupServer       *server,
                          CrnServerContext *ctx)
{
  soup_server_add_handler (server, "/fhir", fhir_handler, ctx, NULL);
}
