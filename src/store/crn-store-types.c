/* crn-store-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "CrnStore"

#include "config.h"

#include "crn-store-types.h"

/* ------------------------------------------------------------------ outbox state */

static const char * const outbox_state_names[] = { "pending", "sent", "done", "failed" };

const char *
crn_outbox_state_to_string (CrnOutboxState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (outbox_state_names), NULL);

  return outbox_state_names[state];
}

gboolean
crn_outbox_state_from_string (const char     *str,
                              CrnOutboxState *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (outbox_state_names); i++)
    {
      if (g_str_equal (str, outbox_state_names[i]))
        {
          *out = (CrnOutboxState) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* ------------------------------------------------------------------ outbox entry */

G_DEFINE_BOXED_TYPE (CrnOutboxEntry, crn_outbox_entry, crn_outbox_entry_copy, crn_outbox_entry_free)

/**
 * crn_outbox_entry_new:
 * @kind: what the change is ("booking.accept"…)
 * @target_id: the id of the changed resource
 * @base_version: the version the change was made on, 0 if none
 * @payload: (nullable): JSON text; %NULL means "{}"
 *
 * Makes a pending entry with a fresh client-generated UUID and the current time.
 *
 * Returns: (transfer full): a new entry
 */
CrnOutboxEntry *
crn_outbox_entry_new (const char *kind,
                      const char *target_id,
                      gint64      base_version,
                      const char *payload)
{
  CrnOutboxEntry *entry = g_new0 (CrnOutboxEntry, 1);

  entry->uuid = crn_uuid_new ();
  entry->kind = g_strdup (kind);
  entry->target_id = g_strdup (target_id);
  entry->base_version = base_version;
  entry->payload = g_strdup (payload != NULL ? payload : "{}");
  entry->created_ms = crn_time_now () * 1000;
  entry->state = CRN_OUTBOX_PENDING;

  return entry;
}

/**
 * crn_outbox_entry_copy:
 * @entry: an entry
 *
 * Returns: (transfer full): a deep copy
 */
CrnOutboxEntry *
crn_outbox_entry_copy (const CrnOutboxEntry *entry)
{
  CrnOutboxEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_memdup2 (entry, sizeof *entry);
  copy->uuid = g_strdup (entry->uuid);
  copy->kind = g_strdup (entry->kind);
  copy->target_id = g_strdup (entry->target_id);
  copy->payload = g_strdup (entry->payload);
  copy->last_error = g_strdup (entry->last_error);

  return copy;
}

/**
 * crn_outbox_entry_free:
 * @entry: (nullable): an entry
 */
void
crn_outbox_entry_free (CrnOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->uuid);
  g_free (entry->kind);
  g_free (entry->target_id);
  g_free (entry->payload);
  g_free (entry->last_error);
  g_free (entry);
}

/* ------------------------------------------------------------------ week entry */

G_DEFINE_BOXED_TYPE (CrnWeekEntry, crn_week_entry, crn_week_entry_copy, crn_week_entry_free)

/**
 * crn_week_entry_copy:
 * @entry: an entry
 *
 * Returns: (transfer full): a deep copy
 */
CrnWeekEntry *
crn_week_entry_copy (const CrnWeekEntry *entry)
{
  CrnWeekEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (CrnWeekEntry, 1);
  copy->slot = entry->slot != NULL ? crn_slot_copy (entry->slot) : NULL;
  copy->booking = entry->booking != NULL ? crn_booking_copy (entry->booking) : NULL;
  copy->conflict = entry->conflict;
  copy->conflict_note = g_strdup (entry->conflict_note);

  return copy;
}

/**
 * crn_week_entry_free:
 * @entry: (nullable): an entry
 */
void
crn_week_entry_free (CrnWeekEntry *entry)
{
  if (entry == NULL)
    return;

  g_clear_pointer (&entry->slot, crn_slot_free);
  g_clear_pointer (&entry->booking, crn_booking_free);
  g_free (entry->conflict_note);
  g_free (entry);
}

/* ------------------------------------------------------------------ sync state */

G_DEFINE_BOXED_TYPE (CrnSyncState, crn_sync_state, crn_sync_state_copy, crn_sync_state_free)

/**
 * crn_sync_state_copy:
 * @state: a sync state
 *
 * Returns: (transfer full): a deep copy
 */
CrnSyncState *
crn_sync_state_copy (const CrnSyncState *state)
{
  CrnSyncState *copy;

  g_return_val_if_fail (state != NULL, NULL);

  copy = g_memdup2 (state, sizeof *state);
  copy->resource = g_strdup (state->resource);
  copy->etag = g_strdup (state->etag);

  return copy;
}

/**
 * crn_sync_state_free:
 * @state: (nullable): a sync state
 */
void
crn_sync_state_free (CrnSyncState *state)
{
  if (state == NULL)
    return;

  g_free (state->resource);
  g_free (state->etag);
  g_free (state);
}

/* ------------------------------------------------------------------ account */

G_DEFINE_BOXED_TYPE (CrnStoreAccount, crn_store_account, crn_store_account_copy,
                     crn_store_account_free)

/**
 * crn_store_account_copy:
 * @account: an account
 *
 * Returns: (transfer full): a deep copy
 */
CrnStoreAccount *
crn_store_account_copy (const CrnStoreAccount *account)
{
  CrnStoreAccount *copy;

  g_return_val_if_fail (account != NULL, NULL);

  copy = g_new0 (CrnStoreAccount, 1);
  copy->id = g_strdup (account->id);
  copy->server_url = g_strdup (account->server_url);
  copy->username = g_strdup (account->username);
  copy->role = g_strdup (account->role);
  copy->practitioners = g_strdupv (account->practitioners);
  copy->ca_file = g_strdup (account->ca_file);

  return copy;
}

/**
 * crn_store_account_free:
 * @account: (nullable): an account
 */
void
crn_store_account_free (CrnStoreAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->id);
  g_free (account->server_url);
  g_free (account->username);
  g_free (account->role);
  g_strfreev (account->practitioners);
  g_free (account->ca_file);
  g_free (account);
}

/* ------------------------------------------------------------------ repeat no-show */

G_DEFINE_BOXED_TYPE (CrnRepeatNoshow, crn_repeat_noshow, crn_repeat_noshow_copy,
                     crn_repeat_noshow_free)

/**
 * crn_repeat_noshow_copy:
 * @self: a record
 *
 * Returns: (transfer full): a deep copy
 */
CrnRepeatNoshow *
crn_repeat_noshow_copy (const CrnRepeatNoshow *self)
{
  CrnRepeatNoshow *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->family = g_strdup (self->family);
  copy->given = g_strdup (self->given);
  copy->birth_date = g_strdup (self->birth_date);

  return copy;
}

/**
 * crn_repeat_noshow_free:
 * @self: (nullable): a record
 */
void
crn_repeat_noshow_free (CrnRepeatNoshow *self)
{
  if (self == NULL)
    return;

  g_free (self->family);
  g_free (self->given);
  g_free (self->birth_date);
  g_free (self);
}
