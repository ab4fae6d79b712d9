/* crn-change.c: a user's change as an outbox entry whose payload is the FHIR resource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-change.h"
#include "crn-fhir.h"
#include "crn-sync-error.h"

/**
 * crn_change_get_target:
 * @kind: an outbox kind ("slot.reclaim"…)
 * @target: (out): what it changes
 *
 * Returns: whether @kind is known
 */
gboolean
crn_change_get_target (const char      *kind,
                       CrnChangeTarget *target)
{
  if (g_str_has_prefix (kind, "slot."))
    *target = CRN_CHANGE_TARGET_SLOT;
  else if (g_str_has_prefix (kind, "booking."))
    *target = CRN_CHANGE_TARGET_BOOKING;
  else if (g_str_has_prefix (kind, "template."))
    *target = CRN_CHANGE_TARGET_TEMPLATE;
  else
    return FALSE;
  return TRUE;
}

/**
 * crn_change_appointment_system:
 * @server_url: the server's base URL
 *
 * Returns: (transfer full): the identifier system of the server's appointments
 */
char *
crn_change_appointment_system (const char *server_url)
{
  return g_strdup_printf ("%s/fhir/sid/appointment", server_url);
}

/**
 * crn_change_build_slot:
 * @slot: a slot
 *
 * Returns: (transfer full): the Slot to PUT
 */
JsonNode *
crn_change_build_slot (const CrnSlot *slot)
{
  g_autofree char *schedule_id = crn_fhir_schedule_id (slot->practitioner, slot->place_id);
  CrnFhirSlotOptions options = { 0 };

  options.schedule_id = schedule_id;
  return crn_fhir_slot_build (slot, &options);
}

/**
 * crn_change_build_booking:
 * @booking: a booking
 * @server_url: (nullable): the server's base URL, for the identifier system
 *
 * Returns: (transfer full): the Appointment to send
 */
JsonNode *
crn_change_build_booking (const CrnBooking *booking,
                          const char       *server_url)
{
  g_autofree char *system = server_url != NULL ? crn_change_appointment_system (server_url)
                                               : NULL;
  CrnFhirAppointmentOptions options = { 0 };

  options.identifier_system = system;
  return crn_fhir_appointment_build (booking, &options);
}

/**
 * crn_change_build_template:
 * @template: a weekly template
 *
 * Returns: (transfer full): the Schedule to PUT
 */
JsonNode *
crn_change_build_template (const CrnTemplate *template)
{
  g_autofree char *schedule_id = crn_fhir_schedule_id (template->practitioner,
                                                       template->place_id);
  g_autofree char *practitioner_id = crn_fhir_practitioner_id (template->practitioner);
  g_autofree char *role_id = crn_fhir_practitioner_role_id (template->practitioner,
                                                            template->place_id);
  CrnFhirScheduleOptions options = { 0 };

  options.schedule_id = schedule_id;
  options.practitioner_id = practitioner_id;
  options.role_id = role_id;
  return crn_fhir_schedule_build (template, &options);
}

static CrnOutboxEntry *
entry_new (const char *kind,
           const char *target_id,
           gint64      base_version,
           JsonNode   *node)
{
  g_autofree char *payload = crn_fhir_to_string (node, FALSE);
  CrnOutboxEntry *entry = crn_outbox_entry_new (kind, target_id, base_version, payload);

  json_node_unref (node);
  return entry;
}

/**
 * crn_change_new_slot:
 * @kind: %CRN_CHANGE_SLOT_RECLAIM or %CRN_CHANGE_SLOT_UPDATE
 * @slot: the slot as the user left it; its version is the one the change was made on
 *
 * Returns: (transfer full): the entry to save with crn_store_save_slot_change_async()
 */
CrnOutboxEntry *
crn_change_new_slot (const char    *kind,
                     const CrnSlot *slot)
{
  g_return_val_if_fail (g_str_has_prefix (kind, "slot."), NULL);
  return entry_new (kind, slot->id, slot->version, crn_change_build_slot (slot));
}

/**
 * crn_change_new_booking:
 * @kind: one of the `booking.*` kinds
 * @booking: the booking as the user left it (id = its client UUID)
 *
 * Returns: (transfer full): the entry to save with crn_store_save_booking_change_async()
 */
CrnOutboxEntry *
crn_change_new_booking (const char       *kind,
                        const CrnBooking *booking)
{
  g_return_val_if_fail (g_str_has_prefix (kind, "booking."), NULL);
  return entry_new (kind, booking->id, booking->version,
                    crn_change_build_booking (booking, NULL));
}

/**
 * crn_change_new_template:
 * @template: the template as the user left it
 *
 * Returns: (transfer full): the entry to save with crn_store_save_template_change_async()
 */
CrnOutboxEntry *
crn_change_new_template (const CrnTemplate *template)
{
  return entry_new (CRN_CHANGE_TEMPLATE_PUT, template->id, template->version,
                    crn_change_build_template (template));
}

static JsonNode *
parse_payload (const CrnOutboxEntry  *entry,
               GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = crn_fhir_parse (entry->payload, -1, &local_error);

  if (node == NULL)
    g_set_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_FAILED,
                 _("A change waiting to be sent is damaged (%s); it cannot be sent. Make it "
                   "again."), local_error->message);
  return node;
}

static void
damaged (GError       **error,
         const GError  *cause)
{
  g_set_error (error, CRN_SYNC_ERROR, CRN_SYNC_ERROR_FAILED,
               _("A change waiting to be sent is damaged (%s); it cannot be sent. Make it "
                 "again."), cause->message);
}

/**
 * crn_change_parse_slot:
 * @entry: a `slot.*` entry
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the slot it carries, version = its base version
 */
CrnSlot *
crn_change_parse_slot (const CrnOutboxEntry  *entry,
                       GError               **error)
{
  g_autoptr(JsonNode) node = parse_payload (entry, error);
  g_autoptr(GError) local_error = NULL;
  g_auto(CrnFhirSlotInfo) info = { 0 };
  CrnSlot *slot;

  if (node == NULL)
    return NULL;
  slot = crn_fhir_slot_parse (node, &info, &local_error);
  if (slot == NULL)
    {
      damaged (error, local_error);
      return NULL;
    }
  slot->version = entry->base_version;
  return slot;
}

/**
 * crn_change_parse_booking:
 * @entry: a `booking.*` entry
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the booking it carries, version = its base version
 */
CrnBooking *
crn_change_parse_booking (const CrnOutboxEntry  *entry,
                          GError               **error)
{
  g_autoptr(JsonNode) node = parse_payload (entry, error);
  g_autoptr(GError) local_error = NULL;
  g_auto(CrnFhirAppointmentInfo) info = { 0 };
  CrnBooking *booking;

  if (node == NULL)
    return NULL;
  booking = crn_fhir_appointment_parse (node, &info, &local_error);
  if (booking == NULL)
    {
      damaged (error, local_error);
      return NULL;
    }
  if (booking->slot_id == NULL && info.slot_ids != NULL && info.slot_ids[0] != NULL)
    booking->slot_id = g_strdup (info.slot_ids[0]);
  booking->version = entry->base_version;
  return booking;
}

/**
 * crn_change_parse_template:
 * @entry: a `template.*` entry
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): the template it carries, version = its base version
 */
CrnTemplate *
crn_change_parse_template (const CrnOutboxEntry  *entry,
                           GError               **error)
{
  g_autoptr(JsonNode) node = parse_payload (entry, error);
  g_autoptr(GError) local_error = NULL;
  g_auto(CrnFhirScheduleInfo) info = { 0 };
  CrnTemplate *template;

  if (node == NULL)
    return NULL;
  template = crn_fhir_schedule_parse (node, &info, &local_error);
  if (template == NULL)
    {
      damaged (error, local_error);
      return NULL;
    }
  if (template->id == NULL)
    template->id = g_strdup (entry->target_id);
  template->version = entry->base_version;
  return template;
}
