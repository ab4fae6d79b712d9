/* crn-demo.c: fictitious data for --demo-local, the screenshots and the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnDemo"

#include "config.h"

#include "crn-demo.h"

/*
 * A practice of two GPs with the kind of declarations the field reports ("Monday, Tuesday,
 * Thursday and Friday 14:00–15:00, and Wednesday 18:00–19:00"; "Monday to Thursday
 * 11:45–12:15 and 18:00–19:00"; a paediatric Saturday morning). The templates are expanded
 * with crn_template_expand() from 8 weeks back to 8 weeks ahead, and bookings are drawn from
 * each slot's identifier, so that the same slot always gets the same booking. Every name,
 * phone number and RPPS is invented (RPPS in the test range).
 *
 * This is used only behind the explicit --demo-local option and by the screenshot tool; the
 * real data comes from the CPTS server through the store (the next step of the wiring).
 */

static const char * const families[] = {
  "MOREAU", "LEFEBVRE", "GARNIER", "ROUSSEL", "FONTAINE", "CHEVALIER", "BLANCHARD", "GUERIN",
  "MERCIER", "BOYER", "PERRIN", "MARCHAND", "DUVAL", "LAMBERT", "FAURE", "ROLLAND",
};
static const char * const givens[] = {
  "Lucie", "Hugo", "Chloé", "Nathan", "Inès", "Louis", "Manon", "Jules", "Camille", "Tom",
  "Léa", "Gabriel", "Zoé", "Arthur", "Jeanne", "Paul",
};
static const char * const reasons[] = {
  "Fièvre depuis 48 h", "Douleur abdominale", "Otalgie", "Entorse de cheville",
  "Toux persistante", "Infection urinaire", "Éruption cutanée", "Lombalgie aiguë",
  "Conjonctivite", "Angine",
};
static const char * const pharmacies[] = {
  "Pharmacie du Port", "Pharmacie des Halles", "Pharmacie de la Gare",
};

static CrnTemplateBlock *
new_block (guint8         weekdays,
           guint          start_minute,
           guint          end_minute,
           guint          slot_minutes,
           guint          n_patients,
           CrnRestriction restriction)
{
  CrnTemplateBlock *block = crn_template_block_new ();

  g_free (block->id);
  block->id = crn_uuid_new ();
  block->weekdays = weekdays;
  block->start_minute = start_minute;
  block->end_minute = end_minute;
  block->slot_minutes = slot_minutes;
  block->n_patients = n_patients;
  block->modalities = CRN_MODALITY_AMB;
  block->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  block->restriction = restriction;

  return block;
}

static CrnTemplate *
new_template_1 (void)
{
  CrnTemplate *template = crn_template_new (CRN_DEMO_PRACTITIONER_1, NULL);

  crn_template_add_block (template,
                          new_block (CRN_WEEKDAY_BIT (G_DATE_MONDAY) | CRN_WEEKDAY_BIT (G_DATE_TUESDAY) |
                                     CRN_WEEKDAY_BIT (G_DATE_THURSDAY) | CRN_WEEKDAY_BIT (G_DATE_FRIDAY),
                                     14 * 60, 15 * 60, 20, 0, CRN_RESTRICTION_NONE));
  crn_template_add_block (template,
                          new_block (CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY), 18 * 60, 19 * 60, 0, 3,
                                     CRN_RESTRICTION_NONE));
  crn_template_add_block (template,
                          new_block (CRN_WEEKDAY_BIT (G_DATE_SATURDAY), 9 * 60, 11 * 60, 30, 0,
                                     CRN_RESTRICTION_CHILDREN));
  return template;
}

static CrnTemplate *
new_template_2 (void)
{
  CrnTemplate *template = crn_template_new (CRN_DEMO_PRACTITIONER_2, NULL);
  guint8 mon_thu = CRN_WEEKDAY_BIT (G_DATE_MONDAY) | CRN_WEEKDAY_BIT (G_DATE_TUESDAY) |
                   CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY) | CRN_WEEKDAY_BIT (G_DATE_THURSDAY);
  CrnTemplateBlock *tele;

  crn_template_add_block (template, new_block (mon_thu, 11 * 60 + 45, 12 * 60 + 15, 15, 0,
                                               CRN_RESTRICTION_NONE));
  crn_template_add_block (template, new_block (mon_thu, 18 * 60, 19 * 60, 0, 4,
                                               CRN_RESTRICTION_NONE));
  tele = new_block (CRN_WEEKDAY_BIT (G_DATE_FRIDAY), 9 * 60, 10 * 60, 20, 0, CRN_RESTRICTION_ADULTS);
  tele->modalities = CRN_MODALITY_VR;
  crn_template_add_block (template, tele);
  return template;
}

static void
add_absence (CrnTemplate *template,
             const GDate *first,
             guint        n_days,
             const char  *reason)
{
  CrnTemplateException *absence = crn_template_exception_new ();
  GDate last = *first;

  g_date_add_days (&last, n_days);
  g_free (absence->id);
  absence->id = crn_uuid_new ();
  absence->kind = CRN_EXCEPTION_ABSENCE;
  absence->start = crn_time_from_local (first, 0);
  absence->end = crn_time_from_local (&last, 0);
  absence->reason = g_strdup (reason);
  crn_template_add_exception (template, absence);
}

static void
stabilize_ids (CrnTemplate *template)
{
  g_autofree char *name = g_strdup_printf ("demo-template/%s", template->practitioner);

  g_free (template->id);
  template->id = crn_uuid_from_name (name);
  g_free (template->place_id);
  template->place_id = crn_uuid_from_name ("demo-place/Cabinet du Parc");

  for (guint i = 0; i < template->blocks->len; i++)
    {
      CrnTemplateBlock *block = g_ptr_array_index (template->blocks, i);
      g_autofree char *block_name = g_strdup_printf ("%s/block/%u", name, i);

      g_free (block->id);
      block->id = crn_uuid_from_name (block_name);
    }
  for (guint i = 0; i < template->exceptions->len; i++)
    {
      CrnTemplateException *exception = g_ptr_array_index (template->exceptions, i);
      g_autofree char *exception_name = g_strdup_printf ("%s/exception/%u", name, i);

      g_free (exception->id);
      exception->id = crn_uuid_from_name (exception_name);
    }
}

static CrnBooking *
new_booking (const CrnSlot *slot,
             guint32        seed,
             CrnInstant     now)
{
  CrnBooking *booking = crn_booking_new ();
  g_autofree char *name = g_strdup_printf ("demo-booking/%s", slot->id);
  guint age = slot->restriction == CRN_RESTRICTION_CHILDREN ? 1 + seed % 14 : 19 + seed % 60;
  GDate birth;
  guint referrer_draw = (seed >> 8) % 10;

  crn_time_to_local (slot->start, &birth, NULL, NULL);
  g_date_subtract_years (&birth, age);
  g_date_subtract_days (&birth, (seed >> 4) % 300);

  booking->id = crn_uuid_from_name (name);
  booking->slot_id = g_strdup (slot->id);
  booking->practitioner = g_strdup (slot->practitioner);
  booking->start = slot->start;
  booking->end = slot->end;
  booking->patient.family = g_strdup (families[seed % G_N_ELEMENTS (families)]);
  booking->patient.given = g_strdup (givens[(seed >> 3) % G_N_ELEMENTS (givens)]);
  booking->patient.birth_date = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&birth),
                                                 g_date_get_month (&birth), g_date_get_day (&birth));
  booking->patient.phone = g_strdup_printf ("06 %02u %02u %02u %02u", 10 + seed % 89,
                                            (seed >> 5) % 100, (seed >> 9) % 100, (seed >> 13) % 100);
  booking->reason = g_strdup (reasons[(seed >> 6) % G_N_ELEMENTS (reasons)]);
  if (referrer_draw < 7)
    booking->referrer = CRN_REFERRER_SAS;
  else if (referrer_draw < 9)
    {
      booking->referrer = CRN_REFERRER_PHARMACY;
      booking->referrer_name = g_strdup (pharmacies[(seed >> 11) % G_N_ELEMENTS (pharmacies)]);
    }
  else
    booking->referrer = CRN_REFERRER_NURSE;
  booking->requested_at = slot->start - (3600 + (seed % 20) * 600);
  booking->created_at = booking->requested_at + 60;
  booking->status = CRN_APPOINTMENT_STATUS_BOOKED;
  booking->practitioner_status = CRN_PARTICIPATION_ACCEPTED;

  if (slot->end <= now)
    {
      guint outcome = (seed >> 16) % 100;

      /* The last two days still have outcomes to record. */
      if (now - slot->end < 2 * 24 * 3600 && outcome < 50)
        ;
      else if (outcome < 78)
        booking->status = CRN_APPOINTMENT_STATUS_FULFILLED;
      else if (outcome < 90)
        booking->status = CRN_APPOINTMENT_STATUS_NOSHOW;
      else
        booking->status = CRN_APPOINTMENT_STATUS_CANCELLED;
    }
  else if ((seed >> 16) % 4 == 0)
    {
      booking->status = CRN_APPOINTMENT_STATUS_PROPOSED;
      booking->practitioner_status = CRN_PARTICIPATION_NEEDS_ACTION;
    }

  return booking;
}

/**
 * crn_demo_expand:
 * @agenda: an agenda holding the demo templates
 *
 * Expands every template of @agenda's practitioners over 8 weeks back and 8 weeks ahead and
 * gives the slots fictitious bookings: past slots mostly booked with outcomes, the next
 * 48 hours partly booked (some waiting for confirmation), later slots free, one slot
 * reclaimed for own patients.
 */
void
crn_demo_expand (CrnAgenda *agenda)
{
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_slot_free);
  g_autoptr(GPtrArray) bookings = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_booking_free);
  GPtrArray *practitioners = crn_agenda_get_practitioners (agenda);
  CrnInstant now = crn_time_now ();
  GDate from, to;
  gboolean reclaimed_one = FALSE;

  crn_time_to_local (now, &from, NULL, NULL);
  to = from;
  g_date_subtract_days (&from, 8 * 7);
  g_date_add_days (&to, 8 * 7);

  for (guint p = 0; p < practitioners->len; p++)
    {
      const CrnPractitioner *practitioner = g_ptr_array_index (practitioners, p);
      const CrnTemplate *template = crn_agenda_get_template (agenda, practitioner->idnps);
      g_autoptr(GPtrArray) expanded = NULL;

      if (template == NULL)
        continue;

      expanded = crn_template_expand (template, &from, &to);
      for (guint i = 0; i < expanded->len; i++)
        {
          CrnSlot *slot = crn_slot_copy (g_ptr_array_index (expanded, i));
          guint32 seed = g_str_hash (slot->id);
          gboolean booked;

          if (slot->practitioner == NULL)
            slot->practitioner = g_strdup (practitioner->idnps);

          if (slot->end <= now)
            booked = seed % 100 < 72;
          else if (slot->start - now < 48 * 3600)
            booked = seed % 100 < 45;
          else
            booked = FALSE;

          /* One free slot of the coming days was taken back for the practice's patients. */
          if (!booked && !reclaimed_one && slot->start > now && slot->start - now < 72 * 3600 &&
              slot->start - now > 4 * 3600)
            {
              slot->visibility = CRN_VISIBILITY_NONE;
              reclaimed_one = TRUE;
            }

          if (booked)
            {
              CrnBooking *booking = new_booking (slot, seed, now);

              if (crn_booking_holds_slot (booking))
                slot->status = CRN_SLOT_STATUS_BUSY;
              g_ptr_array_add (bookings, booking);
            }
          g_ptr_array_add (slots, slot);
        }
    }

  crn_agenda_set_data (agenda, slots, bookings);
}

static void
on_template_saved_cb (CrnAgenda         *agenda,
                      const CrnTemplate *template,
                      gpointer           user_data)
{
  /* In demo mode the practice's computer plays the server's part and re-expands. */
  crn_demo_expand (agenda);
}

/**
 * crn_demo_fill:
 * @agenda: an empty agenda
 *
 * Fills @agenda with a fictitious practice of two GPs, their templates (one with an absence
 * next week) and the resulting slots and bookings. Saving a template re-expands the slots.
 */
void
crn_demo_fill (CrnAgenda *agenda)
{
  g_autoptr(CrnPractitioner) martin = crn_practitioner_new ();
  g_autoptr(CrnPractitioner) benali = crn_practitioner_new ();
  g_autoptr(CrnTemplate) template_1 = new_template_1 ();
  g_autoptr(CrnTemplate) template_2 = new_template_2 ();
  GDate absence;

  g_return_if_fail (CRN_IS_AGENDA (agenda));

  martin->idnps = g_strdup (CRN_DEMO_PRACTITIONER_1);
  martin->given = g_strdup ("Claire");
  martin->family = g_strdup ("Martin");
  benali->idnps = g_strdup (CRN_DEMO_PRACTITIONER_2);
  benali->given = g_strdup ("Karim");
  benali->family = g_strdup ("Benali");

  /* Dr Benali is away from Wednesday to Friday of next week (training). */
  crn_time_to_local (crn_time_now (), &absence, NULL, NULL);
  g_date_add_days (&absence, 7 - (g_date_get_weekday (&absence) - 1) + 2);
  add_absence (template_2, &absence, 3, "Formation continue");

  /* Stable identifiers: the same demo gives the same slots and bookings on every run. */
  stabilize_ids (template_1);
  stabilize_ids (template_2);

  crn_agenda_add_practitioner (agenda, martin);
  crn_agenda_add_practitioner (agenda, benali);
  crn_agenda_set_template (agenda, template_1);
  crn_agenda_set_template (agenda, template_2);
  crn_demo_expand (agenda);

  g_signal_connect (agenda, "template-saved", G_CALLBACK (on_template_saved_cb), NULL);
}

/*
 * The demo in a store
 */

typedef struct
{
  guint   pending;
  GError *error;
} FillData;

typedef struct
{
  GTask    *task;
  gpointer  tag;
} FillStep;

static void
fill_data_free (FillData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
on_fill_step_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FillStep *fill_step = user_data;
  g_autoptr(GTask) task = fill_step->task;
  gpointer tag = fill_step->tag;
  FillData *data = g_task_get_task_data (task);
  CrnStore *store = CRN_STORE (object);
  GError *error = NULL;

  g_free (fill_step);

  /* Each step's finish function matches the call that was made for it. */
  if (tag == crn_store_upsert_practitioners_async)
    crn_store_upsert_practitioners_finish (store, result, &error);
  else if (tag == crn_store_upsert_templates_async)
    crn_store_upsert_templates_finish (store, result, NULL, &error);
  else if (tag == crn_store_upsert_slots_async)
    crn_store_upsert_slots_finish (store, result, NULL, &error);
  else if (tag == crn_store_upsert_bookings_async)
    crn_store_upsert_bookings_finish (store, result, NULL, &error);
  else
    crn_store_set_policy_finish (store, result, NULL, &error);

  if (error != NULL && data->error == NULL)
    data->error = error;
  else
    g_clear_error (&error);

  if (--data->pending > 0)
    return;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Each step's callback learns which step it is; the task counts the steps. */
static gpointer
step (GTask    *task,
      gpointer  tag)
{
  FillStep *fill_step = g_new0 (FillStep, 1);

  ((FillData *) g_task_get_task_data (task))->pending++;
  fill_step->task = g_object_ref (task);
  fill_step->tag = tag;
  return fill_step;
}

/**
 * crn_demo_fill_store_async:
 * @store: an empty store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when written
 * @user_data: data for @callback
 *
 * Writes the demo practice of crn_demo_fill() (practitioners, templates, slots, bookings and
 * the default policy) into @store, as if a CPTS server had sent it.
 */
void
crn_demo_fill_store_async (CrnStore            *store,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(CrnAgenda) agenda = crn_agenda_new ();
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  g_autoptr(GPtrArray) templates = g_ptr_array_new ();
  g_autoptr(GPtrArray) slots = g_ptr_array_new ();
  g_autoptr(GPtrArray) bookings = g_ptr_array_new ();
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  g_autoptr(GListModel) all = NULL;
  GPtrArray *practitioners;

  g_return_if_fail (CRN_IS_STORE (store));

  g_task_set_source_tag (task, crn_demo_fill_store_async);
  g_task_set_task_data (task, g_new0 (FillData, 1), (GDestroyNotify) fill_data_free);

  crn_demo_fill (agenda);
  practitioners = crn_agenda_get_practitioners (agenda);
  for (guint i = 0; i < practitioners->len; i++)
    {
      const CrnPractitioner *p = g_ptr_array_index (practitioners, i);
      const CrnTemplate *template = crn_agenda_get_template (agenda, p->idnps);

      if (template != NULL)
        g_ptr_array_add (templates, (gpointer) template);
    }

  all = crn_agenda_list_slots (agenda, G_MININT64 / 2, G_MAXINT64 / 2, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(CrnSlotObject) object = g_list_model_get_item (all, i);
      const CrnBooking *booking = crn_slot_object_get_booking (object);

      g_ptr_array_add (slots, (gpointer) crn_slot_object_get_slot (object));
      if (booking != NULL)
        g_ptr_array_add (bookings, (gpointer) booking);
    }

  /* The store copies what it is given before these calls return; its one worker thread runs
   * the jobs in this order. */
  crn_store_upsert_practitioners_async (store, practitioners, cancellable, on_fill_step_cb,
                                        step (task, crn_store_upsert_practitioners_async));
  crn_store_upsert_templates_async (store, templates, cancellable, on_fill_step_cb,
                                    step (task, crn_store_upsert_templates_async));
  crn_store_upsert_slots_async (store, slots, cancellable, on_fill_step_cb,
                                step (task, crn_store_upsert_slots_async));
  crn_store_upsert_bookings_async (store, bookings, cancellable, on_fill_step_cb,
                                   step (task, crn_store_upsert_bookings_async));
  crn_store_set_policy_async (store, policy, 1, cancellable, on_fill_step_cb,
                              step (task, crn_store_set_policy_async));
}

/**
 * crn_demo_fill_store_finish:
 * @store: the store
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: whether the demo was written
 */
gboolean
crn_demo_fill_store_finish (CrnStore      *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_demo_slots_replaced_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(CrnAgenda) agenda = user_data;
  g_autoptr(GError) error = NULL;

  if (!crn_store_replace_template_slots_finish (CRN_STORE (object), result, NULL, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The demonstration could not expand the template: %s", error->message);
      return;
    }
  crn_agenda_reload (agenda);
}

static void
on_demo_store_template_saved_cb (CrnAgenda         *agenda,
                                 const CrnTemplate *template,
                                 gpointer           user_data)
{
  CrnStore *store = crn_agenda_get_store (agenda);
  g_autoptr(GPtrArray) slots = NULL;
  CrnInstant now = crn_time_now ();
  GDate from, to;

  if (store == NULL)
    return;

  /* In the demonstration this computer plays the CPTS server's part: it expands the saved
   * template over the next eight weeks, keeping booked slots. */
  crn_time_to_local (now, &from, NULL, NULL);
  to = from;
  g_date_add_days (&to, 8 * 7);
  slots = crn_template_expand (template, &from, &to);
  for (guint i = 0; i < slots->len; i++)
    {
      CrnSlot *slot = g_ptr_array_index (slots, i);

      if (slot->practitioner == NULL)
        slot->practitioner = g_strdup (template->practitioner);
    }
  crn_store_replace_template_slots_async (store, template->id, slots, now, NULL,
                                          on_demo_slots_replaced_cb, g_object_ref (agenda));
}

/**
 * crn_demo_follow_templates:
 * @agenda: an agenda over a store filled by crn_demo_fill_store_async()
 *
 * Makes a saved template change the slots, as the CPTS server would: without a server, the
 * demonstration expands it into the store itself.
 */
void
crn_demo_follow_templates (CrnAgenda *agenda)
{
  g_return_if_fail (CRN_IS_AGENDA (agenda));

  g_signal_connect (agenda, "template-saved", G_CALLBACK (on_demo_store_template_saved_cb), NULL);
}
