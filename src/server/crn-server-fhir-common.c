/* crn-server-fhir-common.c: query parameters, answers and resource builders shared by the
 * FHIR routes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnServerFhir"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-server-fhir-private.h"

/* ---------------------------------------------------------------------------------- */
/* Query parameters (repeatable, decoded, "+" read as a space as forms do)             */


void
route_params_free (Params *p)
{
  g_ptr_array_unref (p->names);
  g_ptr_array_unref (p->values);
  g_free (p->raw);
  g_free (p);
}

static char *
decode_component (const char *text,
                  gssize      len)
{
  g_autofree char *copy = len < 0 ? g_strdup (text) : g_strndup (text, len);

  for (char *c = copy; *c != '\0'; c++)
    if (*c == '+')
      *c = ' ';
  return g_uri_unescape_string (copy, NULL);
}

Params *
route_params_parse (const char  *raw,
              GError     **error)
{
  g_autoptr(Params) p = g_new0 (Params, 1);
  g_auto(GStrv) parts = NULL;

  p->names = g_ptr_array_new_with_free_func (g_free);
  p->values = g_ptr_array_new_with_free_func (g_free);
  p->raw = g_strdup (raw != NULL ? raw : "");
  if (raw == NULL || *raw == '\0')
    return g_steal_pointer (&p);
  if (strlen (raw) > 16384)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_TOO_LARGE, NULL,
                          _("The search is too long. Ask for fewer things at once."));
      return NULL;
    }
  parts = g_strsplit (raw, "&", 200);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *eq = strchr (parts[i], '=');
      char *name, *value;

      if (parts[i][0] == '\0')
        continue;
      name = decode_component (parts[i], eq != NULL ? eq - parts[i] : -1);
      value = eq != NULL ? decode_component (eq + 1, -1) : g_strdup ("");
      if (name == NULL || value == NULL || !g_utf8_validate (value, -1, NULL) ||
          !g_utf8_validate (name, -1, NULL))
        {
          g_free (name);
          g_free (value);
          crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, NULL,
                              _("The address of the request is not properly encoded."));
          return NULL;
        }
      g_ptr_array_add (p->names, name);
      g_ptr_array_add (p->values, value);
    }
  return g_steal_pointer (&p);
}

const char *
route_params_get (Params     *p,
            const char *name)
{
  for (guint i = 0; i < p->names->len; i++)
    if (g_str_equal (g_ptr_array_index (p->names, i), name))
      return g_ptr_array_index (p->values, i);
  return NULL;
}

/* Every value of @name, NULL-terminated (owned by @p). */
GPtrArray *
route_params_get_all (Params     *p,
                const char *name)
{
  GPtrArray *all = g_ptr_array_new ();

  for (guint i = 0; i < p->names->len; i++)
    if (g_str_equal (g_ptr_array_index (p->names, i), name))
      g_ptr_array_add (all, g_ptr_array_index (p->values, i));
  g_ptr_array_add (all, NULL);
  return all;
}

gboolean
route_params_check_known (Params             *p,
                    const char         *type,
                    const char * const *known,
                    GError            **error)
{
  for (guint i = 0; i < p->names->len; i++)
    {
      const char *name = g_ptr_array_index (p->names, i);

      if (g_str_equal (name, "_format"))
        continue;
      if (!g_strv_contains (known, name))
        {
          crn_fhir_set_error (error, CRN_FHIR_ERROR_UNKNOWN_CODE, name,
                              _("The search parameter “%s” is not supported on %s. Remove it "
                                "or check its spelling."), name, type);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------- */
/* Small helpers                                                                       */


void
route_request_clear (Request *req)
{
  g_clear_pointer (&req->cpts, crn_server_cpts_free);
  g_clear_pointer (&req->hs_id, g_free);
}

void
route_send_new_error (SoupServerMessage *msg,
                GQuark             domain,
                int                code,
                const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, message);

  crn_server_send_error (msg, error, NULL);
}

static void
set_etag (SoupServerMessage *msg,
          gint64             version)
{
  g_autofree char *etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", version);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", etag);
}

void
route_send_resource (Request  *req,
               guint     status,
               JsonNode *node,
               gint64    version)
{
  if (version > 0)
    set_etag (req->msg, version);
  if (status == SOUP_STATUS_CREATED)
    {
      g_autofree char *location = g_strdup_printf ("%s/%s/%s", req->fhir_base,
                                                   crn_fhir_get_resource_type (node),
                                                   crn_fhir_get_id (node));

      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Location", location);
    }
  crn_server_send_json (req->msg, status, node, NULL);
}

gboolean
route_parse_if_match (SoupServerMessage  *msg,
                gint64             *version,
                GError            **error)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "If-Match");
  g_autofree char *text = NULL;
  char *end = NULL;
  gint64 value;

  *version = 0;
  if (header == NULL)
    return TRUE;
  text = g_strstrip (g_strdup (header));
  if (g_str_has_prefix (text, "W/"))
    memmove (text, text + 2, strlen (text + 2) + 1);
  if (text[0] == '"')
    {
      gsize len = strlen (text);

      if (len < 2 || text[len - 1] != '"')
        goto bad;
      text[len - 1] = '\0';
      memmove (text, text + 1, len - 1);
    }
  value = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0' || value <= 0)
    goto bad;
  *version = value;
  return TRUE;

bad:
  g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
               _("The If-Match header must be a version such as W/\"3\"."));
  return FALSE;
}

JsonNode *
route_read_body (Request     *req,
           const char  *type,
           GError     **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *found;

  if (content_type == NULL ||
      (g_ascii_strcasecmp (content_type, "application/fhir+json") != 0 &&
       g_ascii_strcasecmp (content_type, "application/json+fhir") != 0 &&
       g_ascii_strcasecmp (content_type, "application/json") != 0))
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_INVALID,
                   _("Send the resource as JSON (Content-Type: application/fhir+json)."));
      return NULL;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
  if (g_bytes_get_size (body) == 0)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_JSON, NULL,
                          _("The request has no body: send the %s resource."), type);
      return NULL;
    }
  if (g_bytes_get_size (body) > req->ctx->max_body_bytes)
    {
      g_set_error (error, CRN_SERVER_ERROR, CRN_SERVER_ERROR_TOO_LARGE,
                   _("The request is too large (more than %u kB). Send less at once."),
                   (guint) (req->ctx->max_body_bytes / 1024));
      return NULL;
    }
  node = crn_fhir_parse_bytes (body, error);
  if (node == NULL)
    return NULL;
  found = crn_fhir_get_resource_type (node);
  if (g_strcmp0 (found, type) != 0)
    {
      crn_fhir_set_error (error, CRN_FHIR_ERROR_WRONG_RESOURCE_TYPE, "resourceType",
                          _("This address takes a %s resource, not a %s."), type,
                          found != NULL ? found : "?");
      return NULL;
    }
  return g_steal_pointer (&node);
}

void
route_require_id_match (Request     *req,
                  JsonNode    *node,
                  GError     **error)
{
  const char *body_id = crn_fhir_get_id (node);

  if (body_id != NULL && g_strcmp0 (body_id, req->id) != 0)
    crn_fhir_set_error (error, CRN_FHIR_ERROR_INVALID_VALUE, "id",
                        _("The id in the body (%s) differs from the id in the address."),
                        body_id);
}

char *
route_sid (Request    *req,
     const char *what)
{
  return g_strdup_printf ("%s/sid/%s", req->fhir_base, what);
}

char *
route_cpts_hs_id (const CrnServerCpts *cpts)
{
  return g_strdup_printf ("hs-%s", cpts->id);
}

char *
route_cpts_org_id (const CrnServerCpts *cpts)
{
  return g_strdup_printf ("org-%s", cpts->id);
}

void
route_directory_meta (Request    *req,
                const char *table,
                const char *key,
                const char *value,
                JsonNode   *node,
                gint64     *version_out)
{
  g_autofree char *sql = g_strdup_printf ("SELECT version, last_updated_ms FROM %s WHERE %s = ?1",
                                          table, key);
  sqlite3_stmt *stmt = _crn_db_prepare_cached (req->ctx->db, sql, NULL);
  gint64 version = 1, lu = 0;

  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          version = sqlite3_column_int64 (stmt, 0);
          lu = sqlite3_column_int64 (stmt, 1);
        }
      _crn_db_release (req->ctx->db, stmt);
    }
  crn_fhir_set_meta_version (node, version, lu);
  if (version_out != NULL)
    *version_out = version;
}

/* ---------------------------------------------------------------------------------- */
/* Resource builders                                                                   */

const char *
route_request_hs_id (Request *req)
{
  if (!req->cpts_loaded)
    {
      req->cpts = crn_server_db_get_cpts (req->ctx->db);
      req->hs_id = req->cpts != NULL ? route_cpts_hs_id (req->cpts) : NULL;
      req->cpts_loaded = TRUE;
    }
  return req->hs_id;
}

void
route_slot_options_init (Request          *req,
                         RouteSlotOptions *o)
{
  memset (o, 0, sizeof *o);
  o->identifier_system = route_sid (req, "slot");
  o->hs_ids[0] = route_request_hs_id (req);
  o->url = g_string_new (NULL);
  o->options.identifier_system = o->identifier_system;
  o->options.healthcare_service_ids = o->hs_ids[0] != NULL ? o->hs_ids : NULL;
  o->options.service_text = "Consultation de soins non programmés";
}

/* Valid until the next call. */
const CrnFhirSlotOptions *
route_slot_options_for (Request          *req,
                        RouteSlotOptions *o,
                        const CrnSlot    *slot,
                        gboolean          sas)
{
  g_string_printf (o->url, "%s/reservation?slot=%s", req->ctx->base_url, slot->id);
  o->options.booking_url = o->url->str;
  o->options.profile = NULL;
  if (sas)
    o->options.profile = (slot->visibility & CRN_VISIBILITY_CPTS) != 0
                         ? CRN_FHIR_PROFILE_SAS_CPTS_SLOT : CRN_FHIR_PROFILE_SAS_SLOT;
  return &o->options;
}

void
route_slot_options_clear (RouteSlotOptions *o)
{
  g_clear_pointer (&o->identifier_system, g_free);
  if (o->url != NULL)
    g_string_free (o->url, TRUE);
  o->url = NULL;
}

JsonNode *
route_build_slot (Request       *req,
                  const CrnSlot *slot,
                  gboolean       sas)
{
  g_auto(RouteSlotOptions) o = { 0 };

  route_slot_options_init (req, &o);
  return crn_fhir_slot_build (slot, route_slot_options_for (req, &o, slot, sas));
}

/* Once per Appointment of an answer: the statement is kept, not prepared each time. */
static char *
place_of_slot (Request    *req,
               const char *slot_id)
{
  sqlite3_stmt *stmt;
  char *place = NULL;

  if (slot_id == NULL)
    return NULL;
  stmt = _crn_db_prepare_cached (req->ctx->db, "SELECT place_id FROM slots WHERE id = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slot_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    place = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  _crn_db_release (req->ctx->db, stmt);
  return place;
}

JsonNode *
route_build_appointment (Request          *req,
                   const CrnBooking *booking)
{
  g_autofree char *identifier_system = route_sid (req, "appointment");
  g_autofree char *place = place_of_slot (req, booking->slot_id);
  g_autofree char *role = NULL;
  CrnFhirAppointmentOptions options = { 0 };

  if (place != NULL)
    role = crn_fhir_practitioner_role_id (booking->practitioner, place);
  options.identifier_system = identifier_system;
  options.role_id = role;
  options.cpts = TRUE;
  return crn_fhir_appointment_build (booking, &options);
}

/* The Appointment route_build_appointment() builds, written straight into @bundle. */
void
route_bundle_add_appointment (Request              *req,
                              CrnFhirBundleBuilder *bundle,
                              const CrnBooking     *booking,
                              CrnFhirSearchMode     mode)
{
  g_autofree char *identifier_system = route_sid (req, "appointment");
  g_autofree char *place = place_of_slot (req, booking->slot_id);
  g_autofree char *role = NULL;
  CrnFhirAppointmentOptions options = { 0 };

  if (place != NULL)
    role = crn_fhir_practitioner_role_id (booking->practitioner, place);
  options.identifier_system = identifier_system;
  options.role_id = role;
  options.cpts = TRUE;
  crn_fhir_bundle_builder_add_appointment (bundle, booking, &options, mode);
}

JsonNode *
route_build_schedule (Request           *req,
                const CrnTemplate *template)
{
  g_autofree char *identifier_system = route_sid (req, "schedule");
  g_autofree char *availability_system = route_sid (req, "availability");
  CrnFhirScheduleOptions options = { 0 };

  options.identifier_system = identifier_system;
  options.availability_system = availability_system;
  return crn_fhir_schedule_build (template, &options);
}

/* The practitioner as the FHIR layer wants it: organization = the practice's IDNST. */
static CrnPractitioner *
practitioner_for_fhir (Request    *req,
                       const char *idnps)
{
  g_autoptr(CrnPractitioner) practitioner = crn_server_db_get_practitioner (req->ctx->db, idnps,
                                                                            NULL);
  g_autoptr(CrnServerPractice) practice = NULL;

  if (practitioner == NULL)
    return NULL;
  if (practitioner->organization != NULL)
    practice = crn_server_db_get_practice (req->ctx->db, practitioner->organization, NULL);
  g_free (practitioner->organization);
  practitioner->organization = practice != NULL ? g_strdup (practice->idnst) : NULL;
  return g_steal_pointer (&practitioner);
}

JsonNode *
route_build_practitioner (Request    *req,
                    const char *idnps,
                    gboolean    sas)
{
  g_autoptr(CrnPractitioner) practitioner = practitioner_for_fhir (req, idnps);
  JsonNode *node;

  if (practitioner == NULL)
    return NULL;
  node = crn_fhir_practitioner_build (practitioner, sas ? CRN_FHIR_FLAVOR_SAS
                                                        : CRN_FHIR_FLAVOR_GAP);
  route_directory_meta (req, "practitioners", "idnps", idnps, node, NULL);
  return node;
}

JsonNode *
route_build_role (Request    *req,
            const char *idnps,
            const char *place_id,
            gboolean    sas)
{
  g_autoptr(CrnPractitioner) practitioner = practitioner_for_fhir (req, idnps);
  g_autoptr(CrnPlace) place = crn_server_db_get_place (req->ctx->db, place_id, NULL);
  g_autofree char *location_system = route_sid (req, "location");
  JsonNode *node;

  if (practitioner == NULL || place == NULL)
    return NULL;
  node = crn_fhir_practitioner_role_build (practitioner, place, location_system,
                                           sas ? CRN_FHIR_FLAVOR_SAS : CRN_FHIR_FLAVOR_GAP);
  route_directory_meta (req, "practitioners", "idnps", idnps, node, NULL);
  return node;
}

JsonNode *
route_build_cpts_organization (Request             *req,
                         const CrnServerCpts *cpts)
{
  g_autofree char *id = route_cpts_org_id (cpts);
  JsonNode *node = crn_fhir_organization_build (id, cpts->idnst, cpts->name, cpts->phone);
  gint64 lu = 0;
  gint64 version = crn_server_db_get_policy_version (req->ctx->db, &lu);

  crn_fhir_set_meta_version (node, MAX (version, 1), lu);
  return node;
}

JsonNode *
route_build_cpts_service (Request             *req,
                    const CrnServerCpts *cpts)
{
  g_autofree char *id = route_cpts_hs_id (cpts);
  g_autofree char *org = route_cpts_org_id (cpts);
  JsonNode *node = crn_fhir_healthcare_service_build (id, org, cpts->name);
  gint64 lu = 0;
  gint64 version = crn_server_db_get_policy_version (req->ctx->db, &lu);

  crn_fhir_set_meta_version (node, MAX (version, 1), lu);
  return node;
}

JsonNode *
route_build_practice_organization (Request                 *req,
                             const CrnServerPractice *practice)
{
  JsonNode *node = crn_fhir_organization_build (practice->id, practice->idnst, practice->name,
                                                practice->phone);

  crn_fhir_set_meta_version (node, practice->version, practice->last_updated_ms);
  return node;
}

