/* crn-conflict.c: the sync conflict rules (docs/ARCHITECTURE.md) as pure functions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnSync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "crn-conflict.h"

/**
 * crn_conflict_format_time:
 * @ms: ms since the epoch
 *
 * Returns: (transfer full) (nullable): "HH:MM" in Europe/Paris, %NULL for 0
 */
char *
crn_conflict_format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (ms <= 0)
    return NULL;
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_timezone (utc, crn_time_zone_paris ());
  return g_date_time_format (local, "%H:%M");
}

/* ---------------------------------------------------------------------------------- */
/* Slots                                                                               */

static gboolean
slot_same_intent (const CrnSlot *a,
                  const CrnSlot *b)
{
  return a->status == b->status &&
         a->visibility == b->visibility &&
         a->modalities == b->modalities &&
         a->restriction == b->restriction &&
         g_strcmp0 (a->restriction_text, b->restriction_text) == 0 &&
         a->start == b->start && a->end == b->end;
}

/**
 * crn_conflict_decide_slot:
 * @kind: %CRN_CHANGE_SLOT_RECLAIM or %CRN_CHANGE_SLOT_UPDATE
 * @wanted: the slot as the user left it
 * @server: the slot as the server holds it now
 * @rebased: (out) (transfer full) (optional): for %CRN_CONFLICT_RETRY, the slot to send
 * @message: (out) (transfer full) (optional): for %CRN_CONFLICT_REFUSED, the sentence
 *
 * The server is the authority on who holds a slot: a slot booked (or removed) in the
 * meantime is never taken back; a free slot edited elsewhere gets the user's fields.
 *
 * Returns: the decision
 */
CrnConflictDecision
crn_conflict_decide_slot (const char     *kind,
                          const CrnSlot  *wanted,
                          const CrnSlot  *server,
                          CrnSlot       **rebased,
                          char          **message)
{
  g_autofree char *at = NULL;
  CrnSlot *copy;

  if (slot_same_intent (wanted, server))
    return CRN_CONFLICT_DONE;

  at = crn_conflict_format_time (server->last_updated_ms);
  if (server->status == CRN_SLOT_STATUS_BUSY || server->status == CRN_SLOT_STATUS_BUSY_TENTATIVE)
    {
      if (message != NULL)
        {
          if (at == NULL)
            *message = g_strdup (_("Booked by regulation before your reclaim. The booking is "
                                   "kept."));
          else if (g_strcmp0 (kind, CRN_CHANGE_SLOT_RECLAIM) == 0)
            /* TRANSLATORS: %s is a time, "14:02" */
            *message = g_strdup_printf (_("Booked by regulation at %s before your reclaim. "
                                          "The booking is kept."), at);
          else
            *message = g_strdup_printf (_("Booked at %s before your change reached the "
                                          "server. The booking is kept."), at);
        }
      return CRN_CONFLICT_REFUSED;
    }
  if (server->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
    {
      if (message != NULL)
        *message = g_strdup (_("This slot was removed from the agenda before your change "
                               "reached the server."));
      return CRN_CONFLICT_REFUSED;
    }

  /* Free on the server, edited elsewhere: the user's fields on the server's version. */
  copy = crn_slot_copy (server);
  copy->visibility = wanted->visibility;
  copy->modalities = wanted->modalities;
  copy->restriction = wanted->restriction;
  g_free (copy->restriction_text);
  copy->restriction_text = g_strdup (wanted->restriction_text);
  copy->status = wanted->status;
  if (rebased != NULL)
    *rebased = copy;
  else
    crn_slot_free (copy);
  return CRN_CONFLICT_RETRY;
}

/* ---------------------------------------------------------------------------------- */
/* Bookings                                                                            */

static gboolean
is_outcome (CrnAppointmentStatus status)
{
  return status == CRN_APPOINTMENT_STATUS_FULFILLED ||
         status == CRN_APPOINTMENT_STATUS_NOSHOW ||
         status == CRN_APPOINTMENT_STATUS_ARRIVED;
}

static gboolean
is_ended (CrnAppointmentStatus status)
{
  return status == CRN_APPOINTMENT_STATUS_CANCELLED ||
         status == CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR;
}

static gboolean
patient_equal (const CrnBooking *a,
               const CrnBooking *b)
{
  return g_strcmp0 (a->patient.family, b->patient.family) == 0 &&
         g_strcmp0 (a->patient.given, b->patient.given) == 0 &&
         g_strcmp0 (a->patient.birth_date, b->patient.birth_date) == 0 &&
         g_strcmp0 (a->patient.phone, b->patient.phone) == 0 &&
         g_strcmp0 (a->reason, b->reason) == 0;
}

static void
copy_patient (CrnBooking       *to,
              const CrnBooking *from)
{
  g_free (to->patient.family);
  g_free (to->patient.given);
  g_free (to->patient.birth_date);
  g_free (to->patient.phone);
  g_free (to->reason);
  to->patient.family = g_strdup (from->patient.family);
  to->patient.given = g_strdup (from->patient.given);
  to->patient.birth_date = g_strdup (from->patient.birth_date);
  to->patient.phone = g_strdup (from->patient.phone);
  to->reason = g_strdup (from->reason);
}

static void
copy_status (CrnBooking       *to,
             const CrnBooking *from)
{
  to->status = from->status;
  to->practitioner_status = from->practitioner_status;
  g_free (to->cancel_reason);
  to->cancel_reason = g_strdup (from->cancel_reason);
}

static const char *
status_label (CrnAppointmentStatus status)
{
  switch (status)
    {
    case CRN_APPOINTMENT_STATUS_FULFILLED:
      return _("seen");
    case CRN_APPOINTMENT_STATUS_NOSHOW:
      return _("no-show");
    case CRN_APPOINTMENT_STATUS_ARRIVED:
      return _("arrived");
    case CRN_APPOINTMENT_STATUS_CANCELLED:
      return _("cancelled");
    case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR:
      return _("removed");
    case CRN_APPOINTMENT_STATUS_BOOKED:
      return _("booked");
    case CRN_APPOINTMENT_STATUS_PROPOSED:
    case CRN_APPOINTMENT_STATUS_PENDING:
    default:
      return _("waiting for confirmation");
    }
}

static CrnConflictDecision
refuse (char       **message,
        char        *text)
{
  if (message != NULL)
    *message = text;
  else
    g_free (text);
  return CRN_CONFLICT_REFUSED;
}

/**
 * crn_conflict_decide_booking:
 * @kind: one of the `booking.*` kinds
 * @wanted: the booking as the user left it
 * @server: the booking as the server holds it now
 * @changed_ms: when the user made the change (ms since the epoch, the machine's clock)
 * @rebased: (out) (transfer full) (optional): for %CRN_CONFLICT_RETRY, the booking to send
 * @message: (out) (transfer full) (optional): for %CRN_CONFLICT_REFUSED, the sentence
 *
 * The per-field rules of docs/ARCHITECTURE.md: a confirmation or a decline made second loses to the
 * first decision and to a cancellation; outcomes (seen, no-show, cancelled after the fact)
 * go to the latest by time, the other machine's time being the server's lastUpdated;
 * patient details and reason are merged on top of the server's status.
 *
 * Returns: the decision
 */
CrnConflictDecision
crn_conflict_decide_booking (const char        *kind,
                             const CrnBooking  *wanted,
                             const CrnBooking  *server,
                             gint64             changed_ms,
                             CrnBooking       **rebased,
                             char             **message)
{
  g_autofree char *at = crn_conflict_format_time (server->last_updated_ms);
  gboolean server_later = server->last_updated_ms > changed_ms;
  CrnBooking *copy;

  if (at == NULL)
    at = g_strdup ("?");

  if (g_strcmp0 (kind, CRN_CHANGE_BOOKING_EDIT) == 0)
    {
      if (patient_equal (wanted, server))
        return CRN_CONFLICT_DONE;
      if (server->status == CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR)
        return refuse (message, g_strdup_printf (_("This booking was removed at %s, before "
                                                   "your change."), at));
      copy = crn_booking_copy (server);
      copy_patient (copy, wanted);
      goto retry;
    }

  /* Status changes: already there? */
  if (wanted->status == server->status &&
      wanted->practitioner_status == server->practitioner_status)
    return CRN_CONFLICT_DONE;

  if (g_strcmp0 (kind, CRN_CHANGE_BOOKING_ACCEPT) == 0 ||
      g_strcmp0 (kind, CRN_CHANGE_BOOKING_DECLINE) == 0)
    {
      if (is_ended (server->status))
        return refuse (message,
                       g_strdup_printf (g_strcmp0 (kind, CRN_CHANGE_BOOKING_ACCEPT) == 0
                                        ? _("This booking was cancelled at %s, before your "
                                            "confirmation.")
                                        : _("This booking was cancelled at %s, before you "
                                            "declined it."), at));
      if (server->practitioner_status == CRN_PARTICIPATION_ACCEPTED ||
          server->practitioner_status == CRN_PARTICIPATION_DECLINED)
        return refuse (message,
                       g_strdup_printf (server->practitioner_status == CRN_PARTICIPATION_ACCEPTED
                                        ? _("This booking was already confirmed at %s on "
                                            "another computer.")
                                        : _("This booking was already declined at %s on "
                                            "another computer."), at));
      if (is_outcome (server->status))
        return refuse (message, g_strdup_printf (_("This booking was already marked “%s” at "
                                                   "%s."), status_label (server->status),
                                                 at));
      copy = crn_booking_copy (server);
      copy_status (copy, wanted);
      goto retry;
    }

  if (g_strcmp0 (kind, CRN_CHANGE_BOOKING_CANCEL) == 0 ||
      g_strcmp0 (kind, CRN_CHANGE_BOOKING_OUTCOME) == 0)
    {
      if (server->status == CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR)
        return refuse (message, g_strdup_printf (_("This booking was removed at %s, before "
                                                   "your change."), at));
      /* Outcome fields: the latest by time wins. */
      if ((is_outcome (server->status) || is_ended (server->status)) && server_later)
        return refuse (message,
                       g_strdup_printf (_("This booking was marked “%s” at %s on another "
                                          "computer, after your change; that is kept."),
                                        status_label (server->status), at));
      copy = crn_booking_copy (server);
      copy_status (copy, wanted);
      goto retry;
    }

  /* A kind this version does not know: the server wins. */
  return refuse (message, g_strdup (_("This booking changed on the server before your change "
                                      "reached it; the server's version is kept.")));

retry:
  if (rebased != NULL)
    *rebased = copy;
  else
    crn_booking_free (copy);
  return CRN_CONFLICT_RETRY;
}
