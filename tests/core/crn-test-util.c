/* crn-test-util.c: helpers shared by the core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "crn-test-util.h"

GDate
test_date (guint year,
           guint month,
           guint day)
{
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return d;
}

CrnInstant
test_utc (int year,
          int month,
          int day,
          int hour,
          int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

char *
test_paris (CrnInstant instant)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Paris");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

CrnTemplateBlock *
test_block (const char *id,
            guint       weekdays,
            guint       start,
            guint       end,
            guint       slot_minutes,
            guint       n_patients)
{
  CrnTemplateBlock *b = crn_template_block_new ();

  b->id = g_strdup (id);
  b->weekdays = (guint8) weekdays;
  b->start_minute = (guint16) start;
  b->end_minute = (guint16) end;
  b->slot_minutes = (guint16) slot_minutes;
  b->n_patients = (guint16) n_patients;
  b->modalities = CRN_MODALITY_AMB;
  b->visibility = CRN_VISIBILITY_SNP;
  return b;
}

CrnTemplateException *
test_absence (const char *id,
              CrnInstant  start,
              CrnInstant  end)
{
  CrnTemplateException *e = crn_template_exception_new ();

  e->id = g_strdup (id);
  e->kind = CRN_EXCEPTION_ABSENCE;
  e->start = start;
  e->end = end;
  e->reason = g_strdup ("Congés annuels");
  return e;
}

CrnTemplateException *
test_extra (const char *id,
            CrnInstant  start,
            CrnInstant  end,
            guint       slot_minutes,
            guint       n_patients)
{
  CrnTemplateException *e = crn_template_exception_new ();

  e->id = g_strdup (id);
  e->kind = CRN_EXCEPTION_EXTRA;
  e->start = start;
  e->end = end;
  e->slot_minutes = (guint16) slot_minutes;
  e->n_patients = (guint16) n_patients;
  e->modalities = CRN_MODALITY_AMB;
  e->visibility = CRN_VISIBILITY_SNP;
  return e;
}

CrnSlot *
test_slot (const char    *id,
           CrnInstant     start,
           guint          minutes,
           CrnVisibility  visibility)
{
  CrnSlot *s = crn_slot_new ();

  s->id = g_strdup (id);
  s->practitioner = g_strdup (TEST_IDNPS);
  s->place_id = g_strdup (TEST_PLACE);
  s->start = start;
  s->end = start + (CrnInstant) minutes * 60;
  s->modalities = CRN_MODALITY_AMB;
  s->visibility = visibility;
  s->status = CRN_SLOT_STATUS_FREE;
  return s;
}
