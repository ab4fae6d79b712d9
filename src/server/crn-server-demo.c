/* crn-server-demo.c: a fictitious CPTS to try the server with (--demo)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every name, number and address here is invented. RPPS numbers are in the test range
 * (IDNPS 8997001xxxxx), the FINESS is the examples' 1990000017.
 */
#define G_LOG_DOMAIN "CrnServerDemo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crn-server.h"
#include "crn-server-db-private.h"

#define DEMO_CPTS_ID "val-de-loire"

typedef struct
{
  const char *idnps;
  const char *given;
  const char *family;
  const char *phone;
  const char *practice;
} DemoGp;

static const DemoGp gps[] = {
  { "899700100011", "Claire",  "Morel",   "+33254000011", "cabinet-tilleuls" },
  { "899700100028", "Julien",  "Besson",  "+33254000012", "cabinet-tilleuls" },
  { "899700100035", "Amina",   "Haddad",  "+33254000021", "msp-parc" },
  { "899700100042", "Paul",    "Lefranc", "+33254000022", "msp-parc" },
};

typedef struct
{
  const char *role;
  const char *login;
  const char *password;
  const char *display;
  const char *idnps;
  const char *acts_for[3];
} DemoAccount;

static const DemoAccount accounts[] = {
  { "practitioner", "dr.morel", "demo-morel-2026", "Dr Claire Morel", "899700100011", { NULL } },
  { "practitioner", "dr.haddad", "demo-haddad-2026", "Dr Amina Haddad", "899700100035", { NULL } },
  { "secretary", "secretariat.tilleuls", "demo-secretariat-2026",
    "Secrétariat du cabinet des Tilleuls", NULL, { "899700100011", "899700100028", NULL } },
  { "regulator", "regulation.sas41", "demo-regulation-2026", "Régulation SAS 41 (OSNP)", NULL,
    { NULL } },
  { "pharmacy", "pharmacie.marche", "demo-pharmacie-2026", "Pharmacie du Marché", NULL,
    { NULL } },
  { "coordinator", "coordination.cpts", "demo-coordination-2026",
    "Coordination CPTS Val de Loire", NULL, { NULL } },
};

static const char *given_names[] = {
  "Lucas", "Emma", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Nathan", "Inès", "Jules",
  "Camille", "Gabriel", "Sarah", "Arthur", "Zoé", "Noah", "Lina", "Tom", "Jade", "Raphaël",
};
static const char *family_names[] = {
  "Durand", "Lemoine", "Garnier", "Fabre", "Rolland", "Marchal", "Perrin", "Vasseur",
  "Colin", "Barbier", "Renaud", "Giraud", "Aubert", "Masson", "Lacroix", "Chevalier",
};
static const char *reasons[] = {
  "Fièvre et otalgie depuis 48 h", "Douleur lombaire aiguë", "Toux et fièvre",
  "Entorse de cheville", "Angine", "Infection urinaire", "Éruption cutanée",
  "Gastro-entérite", "Conjonctivite", "Douleur abdominale",
};

/* ---------------------------------------------------------------------------------- */

static CrnTemplateBlock *
block (const char    *name,
       guint8         weekdays,
       guint          start,
       guint          end,
       guint          slot_minutes,
       guint          n_patients,
       CrnModality    modalities,
       CrnVisibility  visibility,
       CrnRestriction restriction)
{
  CrnTemplateBlock *b = crn_template_block_new ();

  g_free (b->id);
  b->id = crn_uuid_from_name (name);
  b->weekdays = weekdays;
  b->start_minute = start;
  b->end_minute = end;
  b->slot_minutes = slot_minutes;
  b->n_patients = n_patients;
  b->modalities = modalities;
  b->visibility = visibility;
  b->restriction = restriction;
  return b;
}

#define MON CRN_WEEKDAY_BIT (G_DATE_MONDAY)
#define TUE CRN_WEEKDAY_BIT (G_DATE_TUESDAY)
#define WED CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY)
#define THU CRN_WEEKDAY_BIT (G_DATE_THURSDAY)
#define FRI CRN_WEEKDAY_BIT (G_DATE_FRIDAY)
#define SAT CRN_WEEKDAY_BIT (G_DATE_SATURDAY)
#define REG (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS)
#define REG_PRO (CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS | CRN_VISIBILITY_PRO)

static CrnTemplate *
demo_template (guint        i,
               const CrnPolicy *policy)
{
  const DemoGp *gp = &gps[i];
  g_autofree char *name = g_strdup_printf ("demo-template-%s", gp->idnps);
  g_autoptr(CrnTemplate) t = crn_template_new (gp->idnps, gp->practice);
  CrnInstant now = crn_time_now ();
  CrnInstant start;

  g_free (t->id);
  t->id = crn_uuid_from_name (name);
  switch (i)
    {
    case 0:   /* "Monday, Tuesday, Thursday and Friday 14:00–15:00, and Wednesday 18:00–19:00" */
      crn_template_add_block (t, block ("demo-b0a", MON | TUE | THU | FRI, 14 * 60, 15 * 60, 20,
                                        0, CRN_MODALITY_AMB, REG_PRO, CRN_RESTRICTION_NONE));
      crn_template_add_block (t, block ("demo-b0b", WED, 18 * 60, 19 * 60, 20, 0,
                                        CRN_MODALITY_AMB, REG, CRN_RESTRICTION_NONE));
      break;
    case 1:   /* "Monday to Thursday, 11:45–12:15 (3 slots) and 18:00–18:40 (4 slots)" */
      crn_template_add_block (t, block ("demo-b1a", MON | TUE | WED | THU, 11 * 60 + 45,
                                        12 * 60 + 15, 0, 3, CRN_MODALITY_AMB, REG,
                                        CRN_RESTRICTION_NONE));
      crn_template_add_block (t, block ("demo-b1b", MON | TUE | WED | THU, 18 * 60,
                                        18 * 60 + 40, 0, 4, CRN_MODALITY_AMB | CRN_MODALITY_VR,
                                        REG_PRO, CRN_RESTRICTION_NONE));
      break;
    case 2:   /* "Wednesday morning 09:00–12:00" and Saturday morning */
      crn_template_add_block (t, block ("demo-b2a", WED, 9 * 60, 12 * 60, 20, 0,
                                        CRN_MODALITY_AMB, REG_PRO, CRN_RESTRICTION_NONE));
      crn_template_add_block (t, block ("demo-b2b", SAT, 9 * 60, 11 * 60, 30, 0,
                                        CRN_MODALITY_AMB, REG, CRN_RESTRICTION_NONE));
      break;
    case 3:   /* "14:00 and 17:00, mainly paediatric SNP" */
    default:
      crn_template_add_block (t, block ("demo-b3a", TUE | THU | FRI, 17 * 60, 18 * 60, 20, 0,
                                        CRN_MODALITY_AMB | CRN_MODALITY_VR, REG_PRO,
                                        CRN_RESTRICTION_CHILDREN));
      crn_template_add_block (t, block ("demo-b3b", MON | WED, 8 * 60 + 30, 9 * 60 + 30, 20,
                                        0, CRN_MODALITY_AMB, REG, CRN_RESTRICTION_NONE));
      break;
    }

  /* One extra block starting soon, so that the reclaim countdown shows at once: the first
   * quarter hour at least 90 minutes ahead that lies inside the SNP hours. */
  start = ((now + 90 * 60) / 900 + 1) * 900 + (CrnInstant) i * 900;
  for (guint step = 0; step < 7 * 96; step++, start += 900)
    {
      g_autoptr(CrnSlot) probe = crn_slot_new ();

      probe->start = start;
      probe->end = start + 40 * 60;
      probe->practitioner = g_strdup (gp->idnps);
      probe->modalities = CRN_MODALITY_AMB;
      probe->visibility = REG_PRO;
      if (crn_policy_check_slot_hours (policy, probe, NULL))
        {
          CrnTemplateException *e = crn_template_exception_new ();
          g_autofree char *ex_name = g_strdup_printf ("demo-extra-%s", gp->idnps);

          g_free (e->id);
          e->id = crn_uuid_from_name (ex_name);
          e->kind = CRN_EXCEPTION_EXTRA;
          e->start = start;
          e->end = start + 40 * 60;
          e->slot_minutes = 20;
          e->modalities = CRN_MODALITY_AMB;
          e->visibility = REG_PRO;
          crn_template_add_exception (t, e);
          break;
        }
    }
  return g_steal_pointer (&t);
}

/* Past slots and bookings, straight into the tables (history, not subject to the rules). */
static gboolean
seed_history (CrnServerDb        *db,
              const CrnTemplate  *template,
              gint64              regulator_id,
              gint64              pharmacy_id,
              GRand              *rand,
              GError            **error)
{
  sqlite3 *handle = crn_server_db_get_handle (db);
  g_autoptr(GPtrArray) slots = NULL;
  g_autofree char *schedule_id = crn_server_db_schedule_id_for (db, template->practitioner,
                                                                template->place_id);
  CrnInstant now = crn_time_now ();
  GDate from, to;
  sqlite3_stmt *slot_stmt = NULL, *booking_stmt = NULL;
  gboolean ok = FALSE;

  crn_time_to_local (now, &to, NULL, NULL);
  from = to;
  g_date_subtract_days (&from, 92);
  slots = crn_template_expand (template, &from, &to);

  if (!_crn_db_begin (db, error))
    return FALSE;
  if (sqlite3_prepare_v2 (handle,
                          "INSERT OR IGNORE INTO slots (id, practitioner, place_id,"
                          " template_block_id, start, end, modalities, visibility, restriction,"
                          " restriction_text, status, version, last_updated_ms, reclaimed,"
                          " schedule_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10,"
                          " 1, ?11, 0, ?12)", -1, &slot_stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (handle,
                          "INSERT OR IGNORE INTO bookings (id, slot_id, practitioner, start, end,"
                          " patient_family, patient_given, patient_birth_date, patient_phone,"
                          " reason, referrer, referrer_name, operator_id, requested_at,"
                          " created_at, extra, status, practitioner_status, cancel_reason,"
                          " version, last_updated_ms, account_id) VALUES (?1, ?2, ?3, ?4, ?5,"
                          " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 0, ?15, 1, NULL, 2,"
                          " ?16, ?17)", -1, &booking_stmt, NULL) != SQLITE_OK)
    {
      _crn_db_set_error (db, error);
      goto out;
    }

  for (guint i = 0; i < slots->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (slots, i);
      gboolean booked = g_rand_double (rand) < 0.62;
      double r = g_rand_double (rand);
      CrnAppointmentStatus status;
      CrnReferrer referrer;
      g_autofree char *booking_id = NULL;
      g_autofree char *birth = NULL;
      g_autofree char *phone = NULL;

      if (slot->start >= now - 3600)
        continue;
      sqlite3_reset (slot_stmt);
      sqlite3_bind_text (slot_stmt, 1, slot->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (slot_stmt, 2, template->practitioner, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (slot_stmt, 3, template->place_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (slot_stmt, 4, slot->template_block_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (slot_stmt, 5, slot->start);
      sqlite3_bind_int64 (slot_stmt, 6, slot->end);
      sqlite3_bind_int (slot_stmt, 7, slot->modalities);
      sqlite3_bind_int (slot_stmt, 8, slot->visibility);
      sqlite3_bind_int (slot_stmt, 9, slot->restriction);
      sqlite3_bind_int (slot_stmt, 10, booked ? CRN_SLOT_STATUS_BUSY : CRN_SLOT_STATUS_FREE);
      sqlite3_bind_int64 (slot_stmt, 11, crn_server_db_next_stamp (db));
      sqlite3_bind_text (slot_stmt, 12, schedule_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (slot_stmt) != SQLITE_DONE)
        {
          _crn_db_set_error (db, error);
          goto out;
        }
      if (!booked)
        continue;

      /* Outcomes as the field reports them: ~12 % no-shows, a few cancellations. */
      status = r < 0.12 ? CRN_APPOINTMENT_STATUS_NOSHOW
               : r < 0.15 ? CRN_APPOINTMENT_STATUS_CANCELLED
               : CRN_APPOINTMENT_STATUS_FULFILLED;
      r = g_rand_double (rand);
      referrer = r < 0.8 ? CRN_REFERRER_SAS : r < 0.95 ? CRN_REFERRER_PHARMACY
                                                      : CRN_REFERRER_EMERGENCY;
      booking_id = crn_uuid_from_name (slot->id);
      birth = g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (rand, 1940, 2022),
                               g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29));
      phone = g_strdup_printf ("+336%08d", g_rand_int_range (rand, 0, 99999999));
      sqlite3_reset (booking_stmt);
      sqlite3_bind_text (booking_stmt, 1, booking_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (booking_stmt, 2, slot->id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (booking_stmt, 3, template->practitioner, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (booking_stmt, 4, slot->start);
      sqlite3_bind_int64 (booking_stmt, 5, slot->end);
      sqlite3_bind_text (booking_stmt, 6,
                         family_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (family_names))],
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (booking_stmt, 7,
                         given_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (given_names))],
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (booking_stmt, 8, birth, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (booking_stmt, 9, phone, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (booking_stmt, 10,
                         reasons[g_rand_int_range (rand, 0, G_N_ELEMENTS (reasons))], -1,
                         SQLITE_STATIC);
      sqlite3_bind_int (booking_stmt, 11, referrer);
      sqlite3_bind_text (booking_stmt, 12,
                         referrer == CRN_REFERRER_SAS ? "Régulation SAS 41 (OSNP)"
                         : referrer == CRN_REFERRER_PHARMACY ? "Pharmacie du Marché"
                         : "Urgences du CH de Blois (fictif)", -1, SQLITE_STATIC);
      sqlite3_bind_text (booking_stmt, 13,
                         referrer == CRN_REFERRER_SAS ? "regulation.sas41"
                         : referrer == CRN_REFERRER_PHARMACY ? "pharmacie.marche" : NULL,
                         -1, SQLITE_STATIC);
      sqlite3_bind_int64 (booking_stmt, 14, slot->start - g_rand_int_range (rand, 900, 6 * 3600));
      sqlite3_bind_int (booking_stmt, 15, status);
      sqlite3_bind_int64 (booking_stmt, 16, crn_server_db_next_stamp (db));
      if (referrer == CRN_REFERRER_SAS)
        sqlite3_bind_int64 (booking_stmt, 17, regulator_id);
      else if (referrer == CRN_REFERRER_PHARMACY)
        sqlite3_bind_int64 (booking_stmt, 17, pharmacy_id);
      else
        sqlite3_bind_null (booking_stmt, 17);
      if (sqlite3_step (booking_stmt) != SQLITE_DONE)
        {
          _crn_db_set_error (db, error);
          goto out;
        }
    }
  ok = _crn_db_commit (db, error);

out:
  sqlite3_finalize (slot_stmt);
  sqlite3_finalize (booking_stmt);
  if (!ok)
    _crn_db_rollback (db);
  return ok;
}

static gint64
account_id_of (CrnServerDb *db,
               const char  *login)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  if (sqlite3_prepare_v2 (crn_server_db_get_handle (db), "SELECT id FROM accounts WHERE login = ?1",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  return id;
}

/**
 * crn_server_demo_seed:
 * @db: the database
 * @lines: (element-type utf8): receives one "role login password" per demo account
 * @error: a #GError
 *
 * Seeds the demo CPTS the first time (a second start finds it and only lists the accounts).
 */
gboolean
crn_server_demo_seed (CrnServerDb  *db,
                      GPtrArray    *lines,
                      GError      **error)
{
  g_autoptr(CrnServerCpts) existing = crn_server_db_get_cpts (db);
  g_autoptr(CrnPolicy) policy = NULL;
  g_autoptr(GRand) rand = NULL;
  CrnServerAccount writer = { 0 };
  CrnServerCpts cpts = {
    (char *) DEMO_CPTS_ID, (char *) "CPTS Val de Loire (fictive)", (char *) "1990000017",
    (char *) "+33254000099", (char *) "Val de Loire (territoire fictif)"
  };
  CrnServerPractice practices[] = {
    { (char *) "cabinet-tilleuls", (char *) "Cabinet médical des Tilleuls",
      (char *) "399700123400017", (char *) "+33254000010", 0, 0 },
    { (char *) "msp-parc", (char *) "Maison de santé du Parc", (char *) "399700567800012",
      (char *) "+33254000020", 0, 0 },
  };
  const char *place_data[][5] = {
    { "cabinet-tilleuls", "Cabinet médical des Tilleuls", "12 rue des Tilleuls", "41000", "Blois" },
    { "msp-parc", "Maison de santé du Parc", "3 allée du Parc", "41350", "Vineuil" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    g_ptr_array_add (lines, g_strdup_printf ("%s %s %s", accounts[i].role, accounts[i].login,
                                             accounts[i].password));
  if (existing != NULL && g_str_equal (existing->id, DEMO_CPTS_ID) &&
      crn_server_db_has_account (db, accounts[G_N_ELEMENTS (accounts) - 1].login))
    return TRUE;

  policy = crn_policy_new_default ();
  g_ptr_array_add (policy->excluded_reasons, g_strdup ("renouvellement d'ordonnance"));
  g_ptr_array_add (policy->excluded_reasons, g_strdup ("certificat"));
  g_ptr_array_add (policy->excluded_reasons, g_strdup ("arrêt de travail"));
  if (!crn_server_db_put_cpts (db, &cpts, error) ||
      !crn_server_db_set_policy (db, policy, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (practices); i++)
    {
      g_autoptr(CrnPlace) place = crn_place_new ();

      g_free (place->id);
      place->id = g_strdup (place_data[i][0]);
      place->name = g_strdup (place_data[i][1]);
      place->line = g_strdup (place_data[i][2]);
      place->postal_code = g_strdup (place_data[i][3]);
      place->city = g_strdup (place_data[i][4]);
      if (!crn_server_db_put_practice (db, &practices[i], error) ||
          !crn_server_db_put_place (db, place, practices[i].id, error))
        return FALSE;
    }

  writer.role = CRN_SERVER_ROLE_SECRETARY;
  writer.acts_for = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (gps); i++)
    {
      g_autoptr(CrnPractitioner) p = crn_practitioner_new ();

      p->idnps = g_strdup (gps[i].idnps);
      p->given = g_strdup (gps[i].given);
      p->family = g_strdup (gps[i].family);
      p->phone = g_strdup (gps[i].phone);
      p->organization = g_strdup (gps[i].practice);
      if (!crn_server_db_put_practitioner (db, p, error))
        {
          g_ptr_array_unref (writer.acts_for);
          return FALSE;
        }
      g_ptr_array_add (writer.acts_for, (gpointer) gps[i].idnps);
    }

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      CrnServerRole role;

      if (crn_server_db_has_account (db, accounts[i].login))
        continue;
      crn_server_role_from_string (accounts[i].role, &role);
      if (crn_server_db_add_account (db, accounts[i].login, accounts[i].password, role,
                                     accounts[i].display, accounts[i].idnps,
                                     accounts[i].acts_for[0] != NULL ? accounts[i].acts_for : NULL,
                                     error) == 0)
        {
          g_ptr_array_unref (writer.acts_for);
          return FALSE;
        }
    }

  rand = g_rand_new_with_seed (20261122);
  for (guint i = 0; i < G_N_ELEMENTS (gps); i++)
    {
      g_autoptr(CrnTemplate) template = demo_template (i, policy);
      g_autoptr(CrnTemplate) stored = NULL;

      stored = crn_server_db_put_schedule (db, &writer, template, 0, FALSE, NULL, error);
      if (stored == NULL ||
          !seed_history (db, stored, account_id_of (db, "regulation.sas41"),
                         account_id_of (db, "pharmacie.marche"), rand, error))
        {
          g_ptr_array_unref (writer.acts_for);
          return FALSE;
        }
    }
  g_ptr_array_unref (writer.acts_for);
  return TRUE;
}
