/* crn-agenda.c: the app's data source: practitioners, policy, slots, bookings, templates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnAgenda"

#include "config.h"

#include "crn-agenda-private.h"

/*
 * CrnAgenda is the one object the pages read from. It holds what the practice sees: the CPTS
 * policy, the practitioners, their slots with the bookings that hold them, and their weekly
 * templates. Pages ask it for GListModels of CrnSlotObject and listen to ::changed.
 *
 * It works in two modes. Without a store (unit tests) it is filled by its owner with
 * crn_agenda_set_data() and changes stay in memory. With a store (crn_agenda_set_store(),
 * the app) it is a cache of the range of weeks the pages asked for, loaded asynchronously,
 * and every change a person makes is written to the store together with its outbox entry
 * (crn-agenda-store.c).
 */

G_DEFINE_FINAL_TYPE (CrnAgenda, crn_agenda, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ONLINE,
  PROP_SYNCING,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _crn_agenda_signals[N_SIGNALS];


/*
 * Helpers
 */

static int
compare_slot_objects (gconstpointer a,
                      gconstpointer b)
{
  CrnSlotObject *sa = *(CrnSlotObject * const *) a;
  CrnSlotObject *sb = *(CrnSlotObject * const *) b;

  return crn_slot_compare (crn_slot_object_get_slot (sa), crn_slot_object_get_slot (sb));
}

/* Index of the first slot whose end is after @from; slots are sorted by start, and a slot
 * never lasts more than a day, so starting one day earlier is enough. */
static guint
lower_bound (GPtrArray  *slots,
             CrnInstant  from)
{
  guint lo = 0, hi = slots->len;

  from -= 24 * 3600;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (crn_slot_object_get_start (g_ptr_array_index (slots, mid)) < from)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/*
 * GObject overrides
 */

static void
crn_agenda_dispose (GObject *object)
{
  CrnAgenda *self = (CrnAgenda *) object;

  g_cancellable_cancel (self->cancellable);
  _crn_agenda_disconnect_sync (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (crn_agenda_parent_class)->dispose (object);
}

static void
crn_agenda_finalize (GObject *object)
{
  CrnAgenda *self = (CrnAgenda *) object;

  g_clear_object (&self->cancellable);

  g_clear_pointer (&self->policy, crn_policy_free);
  g_clear_pointer (&self->practitioners, g_ptr_array_unref);
  g_clear_pointer (&self->slots_by_id, g_hash_table_unref);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->templates, g_hash_table_unref);

  G_OBJECT_CLASS (crn_agenda_parent_class)->finalize (object);
}

static void
crn_agenda_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CrnAgenda *self = CRN_AGENDA (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_agenda_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CrnAgenda *self = CRN_AGENDA (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      crn_agenda_set_online (self, g_value_get_boolean (value));
      break;
    case PROP_SYNCING:
      crn_agenda_set_syncing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crn_agenda_class_init (CrnAgendaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crn_agenda_dispose;
  object_class->finalize = crn_agenda_finalize;
  object_class->get_property = crn_agenda_get_property;
  object_class->set_property = crn_agenda_set_property;

  /**
   * CrnAgenda:online:
   *
   * Whether the agenda is connected to the CPTS server. Stays %FALSE until the sync layer
   * drives it.
   */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CrnAgenda:syncing:
   *
   * Whether changes are being pulled or pushed right now.
   */
  properties[PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CrnAgenda:store:
   *
   * The local store the agenda reads and writes, %NULL in memory-only mode.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CRN_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrnAgenda::changed:
   *
   * The slots, bookings, practitioners or policy changed (once per batch).
   */
  _crn_agenda_signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * CrnAgenda::template-saved:
   * @template: (type CrnTemplate): the template as saved
   *
   * A person saved a weekly template (after it was written to the store and its outbox, when
   * there is a store). In the in-memory demo the demo re-expands the slots here.
   */
  _crn_agenda_signals[TEMPLATE_SAVED] =
    g_signal_new ("template-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  CRN_TYPE_TEMPLATE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * CrnAgenda::notice:
   * @message: a translated sentence for the person ("Booked by regulation at 14:02 before
   *   your reclaim. The booking is kept.")
   *
   * Something the person should read: a change refused by the server, a write that failed.
   * The window shows it in a toast.
   */
  _crn_agenda_signals[NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
crn_agenda_init (CrnAgenda *self)
{
  self->policy = crn_policy_new_default ();
  self->practitioners = g_ptr_array_new_with_free_func ((GDestroyNotify) crn_practitioner_free);
  self->slots = g_ptr_array_new_with_free_func (g_object_unref);
  self->slots_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->templates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) crn_template_free);
  self->cancellable = g_cancellable_new ();
}

/*
 * Public API
 */

/**
 * crn_agenda_new:
 *
 * Returns: (transfer full): an empty agenda with the default CPTS policy
 */
CrnAgenda *
crn_agenda_new (void)
{
  return g_object_new (CRN_TYPE_AGENDA, NULL);
}

/**
 * crn_agenda_get_policy:
 * @self: a #CrnAgenda
 *
 * Returns: (transfer none): the CPTS policy
 */
const CrnPolicy *
crn_agenda_get_policy (CrnAgenda *self)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);

  return self->policy;
}

/**
 * crn_agenda_set_policy:
 * @self: a #CrnAgenda
 * @policy: the CPTS policy (copied)
 */
void
crn_agenda_set_policy (CrnAgenda       *self,
                       const CrnPolicy *policy)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (policy != NULL);

  g_clear_pointer (&self->policy, crn_policy_free);
  self->policy = crn_policy_copy (policy);
  g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
}

/**
 * crn_agenda_get_practitioners:
 * @self: a #CrnAgenda
 *
 * Returns: (transfer none) (element-type CrnPractitioner): the practitioners, in the order
 *   they were added
 */
GPtrArray *
crn_agenda_get_practitioners (CrnAgenda *self)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);

  return self->practitioners;
}

/**
 * crn_agenda_add_practitioner:
 * @self: a #CrnAgenda
 * @practitioner: a practitioner (copied)
 */
void
crn_agenda_add_practitioner (CrnAgenda             *self,
                             const CrnPractitioner *practitioner)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (practitioner != NULL);

  if (crn_agenda_find_practitioner (self, practitioner->idnps) != NULL)
    return;

  g_ptr_array_add (self->practitioners, crn_practitioner_copy (practitioner));
  g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
}

/**
 * crn_agenda_find_practitioner:
 * @self: a #CrnAgenda
 * @idnps: an IDNPS
 *
 * Returns: (transfer none) (nullable): the practitioner
 */
const CrnPractitioner *
crn_agenda_find_practitioner (CrnAgenda  *self,
                              const char *idnps)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);

  for (guint i = 0; idnps != NULL && i < self->practitioners->len; i++)
    {
      const CrnPractitioner *p = g_ptr_array_index (self->practitioners, i);

      if (g_strcmp0 (p->idnps, idnps) == 0)
        return p;
    }

  return NULL;
}

/**
 * crn_agenda_set_data:
 * @self: a #CrnAgenda
 * @slots: (element-type CrnSlot): every slot (copied)
 * @bookings: (element-type CrnBooking) (nullable): every booking (copied)
 *
 * Replaces the slots and bookings, pairing each slot with the booking that holds it (or, when
 * none holds it any more, the latest booking that did, so that a past slot shows its
 * outcome). Emits ::changed once.
 */
void
crn_agenda_set_data (CrnAgenda *self,
                     GPtrArray *slots,
                     GPtrArray *bookings)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (slots != NULL);

  g_hash_table_remove_all (self->slots_by_id);
  g_ptr_array_set_size (self->slots, 0);

  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);
      CrnSlotObject *object = crn_slot_object_new (slot, NULL);

      g_ptr_array_add (self->slots, object);
      g_hash_table_replace (self->slots_by_id, (gpointer) crn_slot_object_get_id (object), object);
    }
  g_ptr_array_sort (self->slots, compare_slot_objects);

  for (guint i = 0; bookings != NULL && i < bookings->len; i++)
    {
      const CrnBooking *booking = g_ptr_array_index (bookings, i);
      CrnSlotObject *object;
      const CrnBooking *current;

      if (booking->slot_id == NULL)
        continue;
      object = g_hash_table_lookup (self->slots_by_id, booking->slot_id);
      if (object == NULL)
        continue;

      /* A live booking wins over a cancelled one; among equals, the latest created. */
      current = crn_slot_object_get_booking (object);
      if (current == NULL ||
          (crn_booking_holds_slot (booking) && !crn_booking_holds_slot (current)) ||
          (crn_booking_holds_slot (booking) == crn_booking_holds_slot (current) &&
           booking->created_at >= current->created_at))
        crn_slot_object_set_booking (object, booking);
    }

  g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
}

/* Replaces the slots with the store's week entries (slot + booking). Emits ::changed once. */
void
_crn_agenda_set_entries (CrnAgenda *self,
                         GPtrArray *entries)
{
  g_hash_table_remove_all (self->slots_by_id);
  g_ptr_array_set_size (self->slots, 0);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const CrnWeekEntry *entry = g_ptr_array_index (entries, i);
      CrnSlotObject *object = crn_slot_object_new (entry->slot, entry->booking);

      g_ptr_array_add (self->slots, object);
      g_hash_table_replace (self->slots_by_id, (gpointer) crn_slot_object_get_id (object), object);
    }
  g_ptr_array_sort (self->slots, compare_slot_objects);

  g_signal_emit (self, _crn_agenda_signals[CHANGED], 0);
}

/* A booking changed (by a person): the slot it is about shows it. No signal. */
void
_crn_agenda_put_booking (CrnAgenda        *self,
                         const CrnBooking *booking)
{
  CrnSlotObject *object;

  if (booking->slot_id == NULL)
    return;
  object = g_hash_table_lookup (self->slots_by_id, booking->slot_id);
  if (object != NULL)
    crn_slot_object_set_booking (object, booking);
}

/* A slot changed (by a person): its object is replaced, keeping its booking. No signal. */
void
_crn_agenda_put_slot (CrnAgenda     *self,
                      const CrnSlot *slot)
{
  CrnSlotObject *old = g_hash_table_lookup (self->slots_by_id, slot->id);
  CrnSlotObject *object;
  guint index;

  if (old == NULL || !g_ptr_array_find (self->slots, old, &index))
    return;

  object = crn_slot_object_new (slot, crn_slot_object_get_booking (old));
  g_hash_table_replace (self->slots_by_id, (gpointer) crn_slot_object_get_id (object), object);
  /* Frees old: the hash table's key was old's id, replaced above first. */
  g_ptr_array_index (self->slots, index) = object;
  g_object_unref (old);
}

/**
 * crn_agenda_get_n_slots:
 * @self: a #CrnAgenda
 *
 * Returns: the number of slots held
 */
guint
crn_agenda_get_n_slots (CrnAgenda *self)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), 0);

  return self->slots->len;
}

/**
 * crn_agenda_list_slots:
 * @self: a #CrnAgenda
 * @from: start of the period (UTC, inclusive)
 * @to: end of the period (UTC, exclusive)
 * @practitioners: (nullable) (array zero-terminated=1): IDNPS to keep; %NULL or empty = all
 *
 * Returns: (transfer full): a #GListModel of #CrnSlotObject overlapping [@from, @to), sorted
 *   by start, filled in one batch
 */
GListModel *
crn_agenda_list_slots (CrnAgenda          *self,
                       CrnInstant          from,
                       CrnInstant          to,
                       const char * const *practitioners)
{
  g_autoptr(GPtrArray) found = NULL;
  GListStore *store;
  gboolean all;

  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);

  all = practitioners == NULL || practitioners[0] == NULL;
  found = g_ptr_array_new ();

  for (guint i = lower_bound (self->slots, from); i < self->slots->len; i++)
    {
      CrnSlotObject *object = g_ptr_array_index (self->slots, i);
      const CrnSlot *slot = crn_slot_object_get_slot (object);

      if (slot->start >= to)
        break;
      if (slot->end <= from)
        continue;
      if (!all && !g_strv_contains (practitioners, slot->practitioner))
        continue;
      g_ptr_array_add (found, object);
    }

  store = g_list_store_new (CRN_TYPE_SLOT_OBJECT);
  g_list_store_splice (store, 0, 0, found->pdata, found->len);

  return G_LIST_MODEL (store);
}

/**
 * crn_agenda_find_slot:
 * @self: a #CrnAgenda
 * @slot_id: a slot identifier
 *
 * Returns: (transfer none) (nullable): the slot
 */
CrnSlotObject *
crn_agenda_find_slot (CrnAgenda  *self,
                      const char *slot_id)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);
  g_return_val_if_fail (slot_id != NULL, NULL);

  return g_hash_table_lookup (self->slots_by_id, slot_id);
}

/**
 * crn_agenda_get_template:
 * @self: a #CrnAgenda
 * @practitioner: an IDNPS
 *
 * Returns: (transfer none) (nullable): the weekly template of @practitioner
 */
const CrnTemplate *
crn_agenda_get_template (CrnAgenda  *self,
                         const char *practitioner)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), NULL);

  if (practitioner == NULL)
    return NULL;

  return g_hash_table_lookup (self->templates, practitioner);
}

/**
 * crn_agenda_set_template:
 * @self: a #CrnAgenda
 * @template: a template (copied)
 *
 * Sets the template of its practitioner as loaded from elsewhere (no ::template-saved).
 */
void
crn_agenda_set_template (CrnAgenda         *self,
                         const CrnTemplate *template)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (template != NULL && template->practitioner != NULL);

  g_hash_table_replace (self->templates, g_strdup (template->practitioner),
                        crn_template_copy (template));
}

/**
 * crn_agenda_save_template:
 * @self: a #CrnAgenda
 * @template: the edited template (copied)
 *
 * Keeps @template as its practitioner's template. With a store, writes it and its
 * "template.put" outbox entry in one transaction, then emits ::template-saved (a failure is
 * told through ::notice); without one, emits ::template-saved at once.
 */
void
crn_agenda_save_template (CrnAgenda         *self,
                          const CrnTemplate *template)
{
  g_return_if_fail (CRN_IS_AGENDA (self));
  g_return_if_fail (template != NULL && template->practitioner != NULL);

  crn_agenda_set_template (self, template);
  if (self->store != NULL)
    _crn_agenda_store_save_template (self, crn_agenda_get_template (self, template->practitioner));
  else
    g_signal_emit (self, _crn_agenda_signals[TEMPLATE_SAVED], 0,
                   crn_agenda_get_template (self, template->practitioner));
}

/**
 * crn_agenda_get_online:
 * @self: a #CrnAgenda
 *
 * Returns: whether connected to the CPTS server
 */
gboolean
crn_agenda_get_online (CrnAgenda *self)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), FALSE);

  return self->online;
}

/**
 * crn_agenda_set_online:
 * @self: a #CrnAgenda
 * @online: whether connected to the CPTS server
 */
void
crn_agenda_set_online (CrnAgenda *self,
                       gboolean   online)
{
  g_return_if_fail (CRN_IS_AGENDA (self));

  online = !!online;
  if (self->online == online)
    return;

  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

/**
 * crn_agenda_get_syncing:
 * @self: a #CrnAgenda
 *
 * Returns: whether a sync is under way
 */
gboolean
crn_agenda_get_syncing (CrnAgenda *self)
{
  g_return_val_if_fail (CRN_IS_AGENDA (self), FALSE);

  return self->syncing;
}

/**
 * crn_agenda_set_syncing:
 * @self: a #CrnAgenda
 * @syncing: whether a sync is under way
 */
void
crn_agenda_set_syncing (CrnAgenda *self,
                        gboolean   syncing)
{
  g_return_if_fail (CRN_IS_AGENDA (self));

  syncing = !!syncing;
  if (self->syncing == syncing)
    return;

  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}
