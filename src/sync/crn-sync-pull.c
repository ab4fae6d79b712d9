/* crn-sync-pull.c: delta pull by _lastUpdated, one transaction per page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-fhir.h"
#include "crn-secret-store.h"
#include "crn-sync-private.h"

/* ---------------------------------------------------------------------------------- */
/* Storing server copies                                                               */

void
_crn_sync_upsert_async (CrnSync             *self,
                        CrnChangeTarget      target,
                        GPtrArray           *objects,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      crn_store_upsert_slots_async (self->store, objects, self->cancellable, callback,
                                    user_data);
      break;
    case CRN_CHANGE_TARGET_BOOKING:
      crn_store_upsert_bookings_async (self->store, objects, self->cancellable, callback,
                                       user_data);
      break;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      crn_store_upsert_templates_async (self->store, objects, self->cancellable, callback,
                                        user_data);
      break;
    }
}

gboolean
_crn_sync_upsert_finish (CrnSync          *self,
                         CrnChangeTarget   target,
                         GAsyncResult     *result,
                         guint            *n_applied,
                         GError          **error)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return crn_store_upsert_slots_finish (self->store, result, n_applied, error);
    case CRN_CHANGE_TARGET_BOOKING:
      return crn_store_upsert_bookings_finish (self->store, result, n_applied, error);
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return crn_store_upsert_templates_finish (self->store, result, n_applied, error);
    }
}

/* Parses one resource into its domain object. */
gpointer
_crn_sync_parse_resource (CrnChangeTarget   target,
                          JsonNode         *node,
                          gint64           *last_updated_ms,
                          GError          **error)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      {
        g_auto(CrnFhirSlotInfo) info = { 0 };
        CrnSlot *slot = crn_fhir_slot_parse (node, &info, error);

        if (slot != NULL && last_updated_ms != NULL)
          *last_updated_ms = slot->last_updated_ms;
        return slot;
      }
    case CRN_CHANGE_TARGET_BOOKING:
      {
        g_auto(CrnFhirAppointmentInfo) info = { 0 };
        CrnBooking *booking = crn_fhir_appointment_parse (node, &info, error);

        if (booking != NULL && booking->slot_id == NULL && info.slot_ids != NULL &&
            info.slot_ids[0] != NULL)
          booking->slot_id = g_strdup (info.slot_ids[0]);
        if (booking != NULL && last_updated_ms != NULL)
          *last_updated_ms = booking->last_updated_ms;
        return booking;
      }
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      {
        g_auto(CrnFhirScheduleInfo) info = { 0 };
        CrnTemplate *template = crn_fhir_schedule_parse (node, &info, error);

        if (template != NULL && last_updated_ms != NULL)
          *last_updated_ms = template->last_updated_ms;
        return template;
      }
    }
}

GDestroyNotify
_crn_sync_target_free_func (CrnChangeTarget target)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return (GDestroyNotify) crn_slot_free;
    case CRN_CHANGE_TARGET_BOOKING:
      return (GDestroyNotify) crn_booking_free;
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return (GDestroyNotify) crn_template_free;
    }
}

gpointer
_crn_sync_copy_object (CrnChangeTarget target,
                       gconstpointer   object)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return crn_slot_copy (object);
    case CRN_CHANGE_TARGET_BOOKING:
      return crn_booking_copy (object);
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return crn_template_copy (object);
    }
}

const char *
_crn_sync_target_type_name (CrnChangeTarget target)
{
  switch (target)
    {
    case CRN_CHANGE_TARGET_SLOT:
      return "Slot";
    case CRN_CHANGE_TARGET_BOOKING:
      return "Appointment";
    case CRN_CHANGE_TARGET_TEMPLATE:
    default:
      return "Schedule";
    }
}

/* ---------------------------------------------------------------------------------- */
/* Pull                                                                                */
/*
 * One search of the whole server for the three types (standard FHIR R4):
 *   GET /fhir?_type=Schedule,Slot,Appointment&_sort=_lastUpdated&_count=N&_lastUpdated=gt<ms>
 * following `next`, with one watermark (PULL_RESOURCE in the store's sync state). Each
 * page's templates, slots and bookings (in that order) and the watermark after it are
 * written in one transaction. A no-change sync is one request with an empty answer.
 *
 * Pages are pipelined: a page's JSON is read into rows in a worker thread (the main loop
 * only hands it over); when a page starts to be stored the next one is asked for, and is
 * read while the store writes; a page read before the previous one is stored waits for
 * it. Each page's rows and its watermark are applied in one transaction, in order.
 */

#define PULL_RESOURCE CRN_SYNC_PULL_RESOURCE

static void request_page (CrnSync      *self,
                          const char   *url,
                          const char   *if_none_match);

/* A page read into rows, in the worker thread; or, with @error, where the pull stops. */
typedef struct _CrnPulledPage
{
  guint      seq;        /* its turn to be stored */
  GPtrArray *templates;
  GPtrArray *slots;
  GPtrArray *bookings;
  char      *next;
  char      *etag;
  gint64     max_ms;     /* the newest lastUpdated of its rows, 0 when none */
  GError    *error;
} CrnPulledPage;

void
_crn_sync_pulled_page_free (CrnPulledPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->templates, g_ptr_array_unref);
  g_clear_pointer (&page->slots, g_ptr_array_unref);
  g_clear_pointer (&page->bookings, g_ptr_array_unref);
  g_free (page->next);
  g_free (page->etag);
  g_clear_error (&page->error);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnPulledPage, _crn_sync_pulled_page_free)

typedef struct
{
  CrnSync *self;
  gboolean last;
  gint64   watermark_ms;
  char    *etag;
} PageData;

static void
page_data_free (PageData *data)
{
  g_object_unref (data->self);
  g_free (data->etag);
  g_free (data);
}

/* The last page is stored: its validator stands for "nothing after this watermark" until
 * the server writes anything, so the next pull from the same watermark can be conditional.
 * Kept in memory only: the first pull after a start is a full answer. */
static void
remember_etag (CrnSync  *self,
               PageData *data)
{
  g_clear_pointer (&self->pull_etag, g_free);
  if (data->last && data->etag != NULL)
    {
      self->pull_etag = g_steal_pointer (&data->etag);
      self->pull_etag_ms = data->watermark_ms;
    }
}

/*
 * The pipeline of a pull: one page on its way (the next is asked for as soon as a page's
 * Link header names it), up to MAX_PAGES_READING pages read at once in worker threads
 * (most of the work), and one stored at a time, in the order the server sent them: each
 * page has a turn, and a page read early waits in pages_read for its turn. The watermark
 * moves only with a stored page, so a pull that stops anywhere loses nothing.
 */

static void apply_page (CrnSync       *self,
                        CrnPulledPage *page);
static void read_page  (CrnSync       *self,
                        CrnResponse   *response);

static gboolean
pull_idle (CrnSync *self)
{
  return !self->page_storing && !self->page_in_flight && self->pages_reading == 0 &&
         self->page_raw_stash == NULL && self->pages_read->len == 0;
}

/* Stores the pages read whose turn has come, one at a time. */
static void
store_read_pages (CrnSync *self)
{
  guint generation = self->generation;

  while (!self->page_storing && generation == self->generation)
    {
      CrnPulledPage *page = NULL;

      for (guint i = 0; i < self->pages_read->len && page == NULL; i++)
        if (((CrnPulledPage *) g_ptr_array_index (self->pages_read, i))->seq ==
            self->page_seq_store)
          page = g_ptr_array_steal_index (self->pages_read, i);
      if (page == NULL)
        return;
      self->page_seq_store++;
      if (page->error != NULL)
        {
          g_autoptr(CrnPulledPage) failed = page;

          _crn_sync_cycle_done (self, failed->error);
          return;
        }
      apply_page (self, page);
    }
}

/* Reads the page that waits, when fewer than MAX_PAGES_READING are read or waiting. */
static void
read_waiting_page (CrnSync *self)
{
  if (self->page_raw_stash != NULL &&
      self->pages_reading + self->pages_read->len < MAX_PAGES_READING)
    {
      g_autoptr(CrnResponse) response = g_steal_pointer (&self->page_raw_stash);

      read_page (self, response);
    }
}

/* Ends the pull with @error after the pages before it are stored. */
static void
pull_failed (CrnSync      *self,
             const GError *error)
{
  CrnPulledPage *marker;

  g_clear_pointer (&self->pull_etag, g_free);
  if (!self->page_storing && self->pages_reading == 0 && self->pages_read->len == 0)
    {
      _crn_sync_cycle_done (self, error);
      return;
    }
  marker = g_new0 (CrnPulledPage, 1);
  marker->seq = self->page_seq_next++;
  marker->error = g_error_copy (error);
  g_ptr_array_add (self->pages_read, marker);
  store_read_pages (self);
}

static void
page_done (CrnSync *self)
{
  guint generation = self->generation;

  self->page_storing = FALSE;
  store_read_pages (self);
  if (generation == self->generation)
    read_waiting_page (self);
  if (generation == self->generation && pull_idle (self))
    _crn_sync_cycle_done (self, NULL);
  /* else: a page is on its way, being read or stored; its end comes back here. */
}

static void
on_page_applied_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PageData *data = user_data;
  CrnSync *self = data->self;
  g_autoptr(GError) error = NULL;
  guint n_templates = 0, n_slots = 0, n_bookings = 0;

  if (!crn_store_apply_server_page_finish (CRN_STORE (source), result, &n_templates, &n_slots,
                                           &n_bookings, &error))
    _crn_sync_cycle_done (self, error);
  else
    {
      if (n_templates > 0)
        _crn_sync_emit_store_changed (self, "Schedule", n_templates);
      if (n_slots > 0)
        _crn_sync_emit_store_changed (self, "Slot", n_slots);
      if (n_bookings > 0)
        _crn_sync_emit_store_changed (self, "Appointment", n_bookings);
      remember_etag (self, data);
      page_done (self);
    }
  page_data_free (data);
}

static CrnChangeTarget
target_for_type (const char *type)
{
  if (g_strcmp0 (type, "Slot") == 0)
    return CRN_CHANGE_TARGET_SLOT;
  if (g_strcmp0 (type, "Appointment") == 0)
    return CRN_CHANGE_TARGET_BOOKING;
  return CRN_CHANGE_TARGET_TEMPLATE;
}

/* Worker thread: the JSON of a page into rows (nothing shared with the main thread). */
static void
read_page_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CrnFhirBundleReader) reader = NULL;
  g_autoptr(CrnPulledPage) page = g_new0 (CrnPulledPage, 1);
  guint iter = 0;
  JsonNode *node;

  root = crn_fhir_parse_bytes (bytes, &error);
  if (root != NULL)
    reader = crn_fhir_bundle_reader_new (root, &error);
  if (reader == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  page->next = g_strdup (crn_fhir_bundle_reader_get_next_link (reader));
  page->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_template_free);
  page->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  page->bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  while ((node = crn_fhir_bundle_reader_next (reader, NULL, &iter)) != NULL)
    {
      g_autoptr(GError) parse_error = NULL;
      const char *type = crn_fhir_get_resource_type (node);
      CrnChangeTarget target;
      gint64 lu = 0;
      gpointer object;

      if (g_strcmp0 (type, "Schedule") != 0 && g_strcmp0 (type, "Slot") != 0 &&
          g_strcmp0 (type, "Appointment") != 0)
        continue;   /* an included resource, or one this version does not know */
      target = target_for_type (type);
      object = _crn_sync_parse_resource (target, node, &lu, &parse_error);
      if (object == NULL)
        {
          /* Never patient data in logs: the FHIR error names a path, not a value. */
          g_warning ("Skipped a %s from the server: %s", type, parse_error->message);
          continue;
        }
      page->max_ms = MAX (page->max_ms, lu);
      g_ptr_array_add (target == CRN_CHANGE_TARGET_SLOT ? page->slots
                       : target == CRN_CHANGE_TARGET_BOOKING ? page->bookings
                       : page->templates,
                       object);
    }
  g_task_return_pointer (task, g_steal_pointer (&page),
                         (GDestroyNotify) _crn_sync_pulled_page_free);
}

/* Main thread: stores a page read (its rows and the watermark after it, in one
 * transaction), the previous one being stored. */
static void
apply_page (CrnSync       *self,
            CrnPulledPage *page)
{
  g_autoptr(CrnPulledPage) owned = page;
  CrnSyncState state = { 0 };
  PageData *data;
  gint64 max_ms = MAX (self->page_max_ms, page->max_ms);

  data = g_new0 (PageData, 1);
  data->self = g_object_ref (self);
  data->last = page->next == NULL;
  data->etag = g_steal_pointer (&page->etag);
  self->page_max_ms = max_ms;
  /* Between pages, keep one ms of margin so that resources sharing the last instant of a
   * page are fetched again (and skipped by version) if the pull stops there. */
  if (!data->last)
    data->watermark_ms = MAX (self->old_watermark_ms, max_ms - 1);
  else
    data->watermark_ms = max_ms;

  self->page_storing = TRUE;
  if (page->templates->len + page->slots->len + page->bookings->len == 0 &&
      data->watermark_ms == self->old_watermark_ms && data->last)
    {
      remember_etag (self, data);
      page_data_free (data);
      page_done (self);
      return;
    }
  state.resource = (char *) PULL_RESOURCE;
  state.watermark_ms = data->watermark_ms;
  state.synced_at_ms = _crn_sync_now_ms ();
  crn_store_apply_server_page_async (self->store, g_steal_pointer (&page->templates),
                                     g_steal_pointer (&page->slots),
                                     g_steal_pointer (&page->bookings),
                                     &state, self->cancellable, on_page_applied_cb, data);
}

typedef struct
{
  CrnSync *self;
  guint    generation;
  char    *etag;
  gboolean next_asked;  /* the Link header gave the next page: already asked for */
  guint    seq;         /* its turn to be stored */
} PageRequest;

static void
page_request_free (PageRequest *request)
{
  g_object_unref (request->self);
  g_free (request->etag);
  g_free (request);
}

static void
on_page_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PageRequest *request = user_data;
  g_autoptr(CrnSync) self = g_object_ref (request->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnPulledPage) page = g_task_propagate_pointer (G_TASK (result), &error);
  guint generation = request->generation;
  gboolean next_asked = request->next_asked;

  guint seq = request->seq;

  if (page != NULL)
    page->etag = g_steal_pointer (&request->etag);
  page_request_free (request);
  if (generation != self->generation)
    return;   /* the cycle it belonged to has ended */
  self->pages_reading--;
  if (page == NULL)
    {
      page = g_new0 (CrnPulledPage, 1);
      page->error = g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_INVALID_RESPONSE,
                                 _("The server sent an agenda that could not be read (%s). "
                                   "Créneaux will try again later."), error->message);
      g_clear_pointer (&self->pull_etag, g_free);
    }
  /* A server that gave no Link header: the next page is asked for now. */
  else if (page->next != NULL && !next_asked)
    request_page (self, page->next, NULL);
  page->seq = seq;
  g_ptr_array_add (self->pages_read, g_steal_pointer (&page));
  store_read_pages (self);
  /* The page that came while this one was read. */
  if (generation == self->generation)
    read_waiting_page (self);
}

/* Reads a page in a worker thread; asks for the next one first when its Link header names
 * it (the next page is asked for only when one starts to be read). */
static void
read_page (CrnSync     *self,
           CrnResponse *response)
{
  g_autoptr(GTask) task = NULL;
  PageRequest *request;

  request = g_new0 (PageRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  request->etag = g_strdup (response->etag);
  request->next_asked = response->next != NULL;
  request->seq = self->page_seq_next++;
  self->pages_reading++;
  if (response->next != NULL)
    request_page (self, response->next, NULL);
  task = g_task_new (NULL, NULL, on_page_read_cb, request);
  g_task_set_source_tag (task, read_page);
  g_task_set_task_data (task, g_bytes_ref (response->raw), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, read_page_thread);
}

/* Takes @response (transfer full). */
static void
handle_page (CrnSync      *self,
             CrnResponse  *response,
             const GError *error)
{
  g_autoptr(CrnResponse) owned = response;

  if (error != NULL)
    {
      pull_failed (self, error);
      return;
    }
  if (response->status == SOUP_STATUS_NOT_MODIFIED && self->pull_etag != NULL &&
      pull_idle (self) && self->page_max_ms == self->old_watermark_ms)
    {
      /* Only the first page is conditional: nothing written on the server since the last
       * pull ended; nothing to parse, nothing to store, the watermark stays. */
      _crn_sync_cycle_done (self, NULL);
      return;
    }
  g_clear_pointer (&self->pull_etag, g_free);
  if (response->status != SOUP_STATUS_OK || response->raw == NULL)
    {
      g_autofree char *message = crn_response_dup_message (response);
      g_autoptr(GError) refused = g_error_new (CRN_SYNC_ERROR, CRN_SYNC_ERROR_REFUSED,
                                               _("The server refused to send the agenda: "
                                                 "%s"), message);
      pull_failed (self, refused);
      return;
    }

  g_assert (self->page_raw_stash == NULL);
  self->page_raw_stash = g_steal_pointer (&owned);
  read_waiting_page (self);
}

static void
on_page_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PageRequest *request = user_data;
  g_autoptr(CrnSync) self = g_object_ref (request->self);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnResponse) response = NULL;
  guint generation = request->generation;

  page_request_free (request);
  response = crn_client_request_finish (CRN_CLIENT (source), result, &error);
  if (generation != self->generation)
    return;   /* the cycle it belonged to has ended */
  self->page_in_flight = FALSE;
  handle_page (self, g_steal_pointer (&response), error);
}

static void
request_page (CrnSync    *self,
              const char *url,
              const char *if_none_match)
{
  PageRequest *request = g_new0 (PageRequest, 1);

  request->self = g_object_ref (self);
  request->generation = self->generation;
  self->page_in_flight = TRUE;
  crn_client_get_async (self->client, url, if_none_match, self->cancellable, on_page_cb,
                        request);
}

static void
start_pull (CrnSync *self,
            gint64   watermark_ms)
{
  g_autoptr(GString) url = NULL;

  self->old_watermark_ms = watermark_ms;
  self->page_max_ms = watermark_ms;
  self->page_seq_next = 0;
  self->page_seq_store = 0;
  url = g_string_new ("/fhir?_type=" PULL_RESOURCE);
  g_string_append_printf (url, "&_sort=_lastUpdated&_count=%u", self->page_size);
  if (watermark_ms > 0)
    {
      g_autofree char *iso = crn_fhir_format_instant_ms (watermark_ms);
      g_autofree char *escaped = g_uri_escape_string (iso, NULL, FALSE);

      g_string_append_printf (url, "&_lastUpdated=gt%s", escaped);
    }
  /* The validator holds only for the watermark its pull left (the store's could have been
   * reset or moved by another path since). */
  if (self->pull_etag != NULL && self->pull_etag_ms != watermark_ms)
    g_clear_pointer (&self->pull_etag, g_free);
  request_page (self, url->str, self->pull_etag);
}

/*
 * A file written before the one watermark kept one per type: the pull starts from the
 * oldest of the three (rows already held are skipped by version), or from the beginning
 * when one is missing.
 */

static const char * const old_resources[] = { "Schedule", "Slot", "Appointment" };

typedef struct
{
  CrnSync *self;
  guint    index;
  gint64   oldest_ms;
} OldStates;

static void
on_old_state_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OldStates *old = user_data;
  CrnSync *self = old->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSyncState) state = crn_store_get_sync_state_finish (CRN_STORE (source), result,
                                                                   &error);

  if (state == NULL &&
      !g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND))
    _crn_sync_cycle_done (self, error);
  else if (state == NULL || state->watermark_ms <= 0)
    start_pull (self, 0);
  else
    {
      old->oldest_ms = old->index == 0 ? state->watermark_ms
                                       : MIN (old->oldest_ms, state->watermark_ms);
      if (++old->index < G_N_ELEMENTS (old_resources))
        {
          crn_store_get_sync_state_async (self->store, old_resources[old->index],
                                          self->cancellable, on_old_state_cb, old);
          return;
        }
      start_pull (self, old->oldest_ms);
    }
  g_object_unref (old->self);
  g_free (old);
}

static void
pull_from_state (CrnSync            *self,
                 const CrnSyncState *state,
                 const GError       *error)
{
  /* The store answers a state never written with zeros. */
  if (state != NULL && (state->watermark_ms > 0 || state->synced_at_ms > 0))
    start_pull (self, state->watermark_ms);
  else if (state != NULL || g_error_matches (error, CRN_STORE_ERROR, CRN_STORE_ERROR_NOT_FOUND))
    {
      OldStates *old = g_new0 (OldStates, 1);

      old->self = g_object_ref (self);
      crn_store_get_sync_state_async (old->self->store, old_resources[0],
                                      old->self->cancellable, on_old_state_cb, old);
    }
  else
    _crn_sync_cycle_done (self, error);
}

static void
on_state_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CrnSync) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrnSyncState) state = crn_store_get_sync_state_finish (CRN_STORE (source), result,
                                                                   &error);

  pull_from_state (self, state, error);
}

/**
 * _crn_sync_pull:
 * @self: a sync
 *
 * Pulls every change since the watermark, then ends the cycle.
 */
void
_crn_sync_pull (CrnSync *self)
{
  g_autoptr(CrnSyncState) state = g_steal_pointer (&self->cycle_state);
  g_autoptr(GError) error = g_steal_pointer (&self->cycle_state_error);

  /* Read with the outbox at the start of the cycle (only a pull writes it). */
  if (state != NULL || error != NULL)
    pull_from_state (self, state, error);
  else
    crn_store_get_sync_state_async (self->store, PULL_RESOURCE, self->cancellable,
                                    on_state_cb, g_object_ref (self));
}
