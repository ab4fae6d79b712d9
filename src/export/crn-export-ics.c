/* crn-export-ics.c: the practice's SNP slots and bookings as iCalendar (RFC 5545), with libical
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One VEVENT per slot offered to regulation (SNP or CPTS label), per slot holding a
 * booking, whatever its label, and per extra patient (surnuméraire, seen without a slot).
 * The UID is the slot's id (the booking's for an extra patient), so exporting the same days
 * again gives the same UIDs and an agenda updates its events instead of doubling them. Times are
 * Europe/Paris wall-clock times with TZID=Europe/Paris and the zone's VTIMEZONE (the EU rules
 * in force since 1996). The patient's name and the reason are written only when asked for;
 * otherwise an event says who booked (SAS regulation, pharmacy…) and nothing about the patient.
 */
#define G_LOG_DOMAIN "CrnExport"

#include "config.h"

#include "crn-export.h"

#include <glib/gi18n-lib.h>
#include <libical/ical.h>

#define PARIS_TZID "Europe/Paris"
#define UID_DOMAIN "creneaux.github.io"

static const char paris_vtimezone[] =
  "BEGIN:VTIMEZONE\r\n"
  "TZID:" PARIS_TZID "\r\n"
  "X-LIC-LOCATION:" PARIS_TZID "\r\n"
  "BEGIN:DAYLIGHT\r\n"
  "TZNAME:CEST\r\n"
  "TZOFFSETFROM:+0100\r\n"
  "TZOFFSETTO:+0200\r\n"
  "DTSTART:19700329T020000\r\n"
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
  "END:DAYLIGHT\r\n"
  "BEGIN:STANDARD\r\n"
  "TZNAME:CET\r\n"
  "TZOFFSETFROM:+0200\r\n"
  "TZOFFSETTO:+0100\r\n"
  "DTSTART:19701025T030000\r\n"
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
  "END:STANDARD\r\n"
  "END:VTIMEZONE\r\n";

/* The instant as a Europe/Paris wall-clock time, with its TZID parameter. */
static icalproperty *
new_time_property (icalproperty_kind kind,
                   CrnInstant        instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, crn_time_zone_paris ());
  struct icaltimetype t = icaltime_null_time ();
  icalproperty *prop;

  t.year = g_date_time_get_year (local);
  t.month = g_date_time_get_month (local);
  t.day = g_date_time_get_day_of_month (local);
  t.hour = g_date_time_get_hour (local);
  t.minute = g_date_time_get_minute (local);
  t.second = g_date_time_get_second (local);
  t.is_date = 0;

  prop = icalproperty_new (kind);
  icalproperty_set_value (prop, icalvalue_new_datetime (t));
  icalproperty_add_parameter (prop, icalparameter_new_tzid (PARIS_TZID));
  return prop;
}

static char *
dup_summary (const CrnWeekEntry *entry,
             gboolean            with_patients)
{
  const CrnBooking *b = entry->booking;
  const char *referrer;

  if (b == NULL)
    return g_strdup (_("SNP slot, free"));

  referrer = crn_referrer_get_label (b->referrer);
  if (with_patients && b->patient.family != NULL)
    /* TRANSLATORS: an exported event: "SNP booking: DURAND Camille (SAS regulation)" */
    return g_strdup_printf (_("SNP booking: %s %s (%s)"), b->patient.family,
                            b->patient.given != NULL ? b->patient.given : "", referrer);

  switch (b->status)
    {
    case CRN_APPOINTMENT_STATUS_PROPOSED:
    case CRN_APPOINTMENT_STATUS_PENDING:
      /* TRANSLATORS: an event of the exported agenda; %s is who booked ("SAS regulation") */
      return g_strdup_printf (_("SNP booking to confirm (%s)"), referrer);
    case CRN_APPOINTMENT_STATUS_FULFILLED:
      return g_strdup_printf (_("SNP booking, patient seen (%s)"), referrer);
    case CRN_APPOINTMENT_STATUS_NOSHOW:
      return g_strdup_printf (_("SNP booking, patient did not come (%s)"), referrer);
    case CRN_APPOINTMENT_STATUS_BOOKED:
    case CRN_APPOINTMENT_STATUS_ARRIVED:
    case CRN_APPOINTMENT_STATUS_CANCELLED:
    case CRN_APPOINTMENT_STATUS_ENTERED_IN_ERROR:
    default:
      return g_strdup_printf (_("SNP booking (%s)"), referrer);
    }
}

static icalproperty_status
event_status (const CrnWeekEntry *entry)
{
  if (entry->booking == NULL)
    return ICAL_STATUS_TENTATIVE;      /* offered, nobody booked it yet */
  if (crn_booking_needs_confirmation (entry->booking))
    return ICAL_STATUS_TENTATIVE;
  return ICAL_STATUS_CONFIRMED;
}

static gboolean
exported (const CrnWeekEntry *entry)
{
  if (entry->slot->status == CRN_SLOT_STATUS_ENTERED_IN_ERROR)
    return FALSE;
  return entry->booking != NULL || crn_slot_is_for_regulation (entry->slot);
}

/* What every exported event has; @b is the booking (nullable), whose patient is written
 * only @with_patients. */
static icalcomponent *
new_event (const char          *id,
           CrnInstant           start,
           CrnInstant           end,
           gint64               version,
           const char          *summary,
           icalproperty_status  status,
           const CrnBooking    *b,
           gboolean             with_patients,
           struct icaltimetype  stamp)
{
  g_autofree char *uid = g_strdup_printf ("%s@" UID_DOMAIN, id);
  icalcomponent *event = icalcomponent_new (ICAL_VEVENT_COMPONENT);

  icalcomponent_add_property (event, icalproperty_new_uid (uid));
  icalcomponent_add_property (event, icalproperty_new_dtstamp (stamp));
  icalcomponent_add_property (event, new_time_property (ICAL_DTSTART_PROPERTY, start));
  icalcomponent_add_property (event, new_time_property (ICAL_DTEND_PROPERTY, end));
  icalcomponent_add_property (event, icalproperty_new_summary (summary));
  icalcomponent_add_property (event, icalproperty_new_status (status));
  icalcomponent_add_property (event, icalproperty_new_transp (b != NULL ? ICAL_TRANSP_OPAQUE
                                                                        : ICAL_TRANSP_TRANSPARENT));
  icalcomponent_add_property (event, icalproperty_new_class (ICAL_CLASS_CONFIDENTIAL));
  /* TRANSLATORS: category of the exported events (Soins non programmés) */
  icalcomponent_add_property (event, icalproperty_new_categories (_("SNP")));
  if (version > 0)
    icalcomponent_add_property (event, icalproperty_new_sequence ((int) MIN (version, G_MAXINT)));

  if (with_patients && b != NULL)
    {
      GString *text = g_string_new (NULL);

      if (b->patient.birth_date != NULL)
        /* TRANSLATORS: in the description of an exported booking */
        g_string_append_printf (text, _("Born on %s"), b->patient.birth_date);
      if (b->patient.phone != NULL)
        {
          if (text->len > 0)
            g_string_append (text, "\n");
          g_string_append_printf (text, _("Phone: %s"), b->patient.phone);
        }
      if (b->reason != NULL && *b->reason != '\0')
        {
          if (text->len > 0)
            g_string_append (text, "\n");
          g_string_append_printf (text, _("Reason: %s"), b->reason);
        }
      if (text->len > 0)
        icalcomponent_add_property (event, icalproperty_new_description (text->str));
      g_string_free (text, TRUE);
    }

  return event;
}

static icalcomponent *
new_slot_event (const CrnWeekEntry  *entry,
                gboolean             with_patients,
                struct icaltimetype  stamp)
{
  const CrnSlot *slot = entry->slot;
  g_autofree char *summary = dup_summary (entry, with_patients);

  return new_event (slot->id, slot->start, slot->end, slot->version, summary,
                    event_status (entry), entry->booking, with_patients, stamp);
}

static icalcomponent *
new_extra_event (const CrnBooking    *b,
                 gboolean             with_patients,
                 struct icaltimetype  stamp)
{
  const char *referrer = crn_referrer_get_label (b->referrer);
  g_autofree char *summary = NULL;

  if (with_patients && b->patient.family != NULL)
    /* TRANSLATORS: an exported event: "Extra SNP patient: DURAND Camille (SAS regulation)" */
    summary = g_strdup_printf (_("Extra SNP patient: %s %s (%s)"), b->patient.family,
                               b->patient.given != NULL ? b->patient.given : "", referrer);
  else
    /* TRANSLATORS: an exported event; %s is who sent the patient ("SAS regulation") */
    summary = g_strdup_printf (_("Extra SNP patient (%s)"), referrer);
  return new_event (b->id, b->start, MAX (b->end, b->start + 60), b->version, summary,
                    ICAL_STATUS_CONFIRMED, b, with_patients, stamp);
}

/**
 * crn_export_ics_build:
 * @entries: (element-type CrnWeekEntry): what crn_store_week_finish() returned
 * @extras: (element-type CrnBooking) (nullable): what crn_store_list_extras_finish() returned
 * @with_patients: whether the patient's name, birth date, phone and the reason go in
 *
 * Returns: (transfer full): the iCalendar text (UTF-8, CRLF line ends)
 */
GBytes *
crn_export_ics_build (GPtrArray *entries,
                      GPtrArray *extras,
                      gboolean   with_patients)
{
  icalcomponent *calendar = icalcomponent_new (ICAL_VCALENDAR_COMPONENT);
  icalcomponent *zone = icalcomponent_new_from_string (paris_vtimezone);
  struct icaltimetype stamp =
    icaltime_from_timet_with_zone ((time_t) crn_time_now (), 0, icaltimezone_get_utc_timezone ());
  char *text;

  g_assert (zone != NULL);
  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_prodid ("-//Créneaux//Créneaux "
                                                                 PACKAGE_VERSION "//FR"));
  icalcomponent_add_property (calendar, icalproperty_new_calscale ("GREGORIAN"));
  {
    icalproperty *name = icalproperty_new_x (_("SNP slots"));

    icalproperty_set_x_name (name, "X-WR-CALNAME");
    icalcomponent_add_property (calendar, name);
  }
  {
    icalproperty *tz = icalproperty_new_x (PARIS_TZID);

    icalproperty_set_x_name (tz, "X-WR-TIMEZONE");
    icalcomponent_add_property (calendar, tz);
  }
  icalcomponent_add_component (calendar, zone);

  for (guint i = 0; i < entries->len; i++)
    {
      const CrnWeekEntry *entry = g_ptr_array_index (entries, i);

      if (exported (entry))
        icalcomponent_add_component (calendar, new_slot_event (entry, with_patients, stamp));
    }
  for (guint i = 0; extras != NULL && i < extras->len; i++)
    icalcomponent_add_component (calendar, new_extra_event (g_ptr_array_index (extras, i),
                                                            with_patients, stamp));

  text = icalcomponent_as_ical_string_r (calendar);
  icalcomponent_free (calendar);
  return g_bytes_new_with_free_func (text, strlen (text), free, text);
}
