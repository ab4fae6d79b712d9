/* crn-server-fhir-private.h: what the FHIR route files share (not API)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-fhir.h"
#include "crn-server.h"
#include "crn-server-db-private.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *names;
  GPtrArray *values;
  char      *raw;
} Params;


typedef struct
{
  CrnServerContext  *ctx;
  SoupServerMessage *msg;
  CrnServerAccount  *account;
  const char        *type;
  const char        *id;
  Params            *params;
  char              *fhir_base;
  CrnServerCpts     *cpts;            /* loaded once per request */
  char              *hs_id;
  gboolean           cpts_loaded;
} Request;

void route_params_free (Params *p);
Params *route_params_parse (const char *raw,
                            GError **error);
GPtrArray *route_params_get_all (Params *p,
                                 const char *name);
const char *route_params_get (Params *p,
                              const char *name);
gboolean route_params_check_known (Params *p,
                                   const char *type,
                                   const char * const *known,
                                   GError **error);
void route_request_clear (Request *req);
void route_send_new_error (SoupServerMessage *msg,
                           GQuark domain,
                           int code,
                           const char *message);
void route_send_resource (Request *req,
                          guint status,
                          JsonNode *node,
                          gint64 version);
gboolean route_parse_if_match (SoupServerMessage *msg,
                               gint64 *version,
                               GError **error);
JsonNode *route_read_body (Request *req,
                           const char *type,
                           GError **error);
void route_require_id_match (Request *req,
                             JsonNode *node,
                             GError **error);
char *route_sid (Request *req,
                 const char *what);
char *route_cpts_hs_id (const CrnServerCpts *cpts);
char *route_cpts_org_id (const CrnServerCpts *cpts);
void route_directory_meta (Request *req,
                           const char *table,
                           const char *key,
                           const char *value,
                           JsonNode *node,
                           gint64 *version_out);
const char *route_request_hs_id (Request *req);
/* The options of the Slots of one request: the parts that do not change from slot to slot
 * are made once. */
typedef struct
{
  CrnFhirSlotOptions options;
  const char        *hs_ids[2];
  char              *identifier_system;
  GString           *url;
} RouteSlotOptions;

void route_slot_options_init (Request *req,
                              RouteSlotOptions *o);
const CrnFhirSlotOptions *route_slot_options_for (Request *req,
                                                  RouteSlotOptions *o,
                                                  const CrnSlot *slot,
                                                  gboolean sas);
void route_slot_options_clear (RouteSlotOptions *o);
JsonNode *route_build_slot (Request *req,
                            const CrnSlot *slot,
                           gboolean sas);
JsonNode *route_build_appointment (Request *req,
                                   const CrnBooking *booking);
void route_bundle_add_appointment (Request *req,
                                   CrnFhirBundleBuilder *bundle,
                                   const CrnBooking *booking,
                                   CrnFhirSearchMode mode);
JsonNode *route_build_schedule (Request *req,
                                const CrnTemplate *template);
JsonNode *route_build_practitioner (Request *req,
                                    const char *idnps,
                                   gboolean sas);
JsonNode *route_build_role (Request *req,
                            const char *idnps,
                            const char *place_id,
                           gboolean sas);
JsonNode *route_build_cpts_organization (Request *req,
                                         const CrnServerCpts *cpts);
JsonNode *route_build_cpts_service (Request *req,
                                    const CrnServerCpts *cpts);
JsonNode *route_build_practice_organization (Request *req,
                                             const CrnServerPractice *practice);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Params, route_params_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, route_request_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RouteSlotOptions, route_slot_options_clear)

G_END_DECLS
