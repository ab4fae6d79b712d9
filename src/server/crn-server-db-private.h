/* crn-server-db-private.h: the rest of the database API, used by the FHIR routes, the OAuth
 * endpoint, the command line and the demo seeding (not by the pages)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "crn-server-config.h"
#include "crn-server-db.h"

G_BEGIN_DECLS

#define CRN_SERVER_DB_SCHEMA_VERSION 1

/* Lifetimes (seconds) */
#define CRN_ACCESS_TOKEN_SECONDS  3600
#define CRN_REFRESH_TOKEN_SECONDS (30 * 24 * 3600)

/* Cost of the argon2id password hashes. The fuzz build's minimal cost is never the real
 * server's: main() refuses to start in such a build. */
#ifdef CRN_FUZZING_WEAK_PASSWORD_HASH
#define CRN_PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_MIN
#define CRN_PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_MIN
#else
#define CRN_PWHASH_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define CRN_PWHASH_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#endif

/* Rate limiting of sign-ins */
#define CRN_LOGIN_MAX_FAILURES    5
#define CRN_ADDRESS_MAX_FAILURES  20
#define CRN_LOGIN_WINDOW_SECONDS  (15 * 60)
#define CRN_LOCKOUT_SECONDS       (15 * 60)

CrnServerDb *crn_server_db_open      (const char   *path,
                                      GError      **error);
void         crn_server_db_free      (CrnServerDb  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnServerDb, crn_server_db_free)

/* A strictly increasing millisecond clock: every write gets its own meta.lastUpdated, so a
 * `_lastUpdated=gt<ms>` watermark never skips nor repeats a change. */
gint64       crn_server_db_next_stamp (CrnServerDb *self);

/* --- accounts ------------------------------------------------------------------------ */
gint64       crn_server_db_add_account (CrnServerDb         *self,
                                        const char          *login,
                                        const char          *password,
                                        CrnServerRole        role,
                                        const char          *display_name,
                                        const char          *idnps,
                                        const char * const  *acts_for,
                                        GError             **error);
gboolean     crn_server_db_has_account (CrnServerDb         *self,
                                        const char          *login);

/* --- tokens (RFC 6749) --------------------------------------------------------------- */
gboolean     crn_server_db_issue_tokens   (CrnServerDb  *self,
                                           gint64        account_id,
                                           char        **access_token,
                                           char        **refresh_token,
                                           GError      **error);
/* Consumes @refresh_token (rotation) and issues a new pair. BAD_LOGIN when unknown/expired. */
gint64       crn_server_db_refresh_tokens (CrnServerDb  *self,
                                           const char   *refresh_token,
                                           char        **access_token,
                                           char        **new_refresh_token,
                                           GError      **error);
/* UNAUTHORIZED when unknown or expired. */
CrnServerAccount *crn_server_db_account_for_token (CrnServerDb  *self,
                                                   const char   *access_token,
                                                   GError      **error);

/* --- directory ------------------------------------------------------------------------ */
typedef struct
{
  char   *id;
  char   *name;
  char   *idnst;       /* "3"+SIRET… may be NULL */
  char   *phone;
  gint64  version;
  gint64  last_updated_ms;
} CrnServerPractice;

typedef struct
{
  char   *id;
  char   *name;
  char   *idnst;       /* "1"+FINESS */
  char   *phone;
  char   *territory;
} CrnServerCpts;

void     crn_server_practice_free (CrnServerPractice *practice);
void     crn_server_cpts_free     (CrnServerCpts     *cpts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnServerPractice, crn_server_practice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnServerCpts, crn_server_cpts_free)

gboolean crn_server_db_put_cpts         (CrnServerDb         *self,
                                         const CrnServerCpts *cpts,
                                         GError             **error);
/* Returns: (transfer full) (nullable): the CPTS (NULL when none was set up yet). */
CrnServerCpts *crn_server_db_get_cpts   (CrnServerDb         *self);
gboolean crn_server_db_put_practice     (CrnServerDb              *self,
                                         const CrnServerPractice  *practice,
                                         GError                  **error);
CrnServerPractice *crn_server_db_get_practice (CrnServerDb  *self,
                                               const char   *id,
                                               GError      **error);
GPtrArray *crn_server_db_list_practices (CrnServerDb  *self,
                                         GError      **error);
gboolean crn_server_db_put_place        (CrnServerDb      *self,
                                         const CrnPlace   *place,
                                         const char       *practice_id,
                                         GError          **error);
/* practitioner->organization is the practice id */
gboolean crn_server_db_put_practitioner (CrnServerDb            *self,
                                         const CrnPractitioner  *practitioner,
                                         GError                **error);
/* The practice id of a practitioner (NULL if unknown). */
char    *crn_server_db_practice_of      (CrnServerDb  *self,
                                         const char   *idnps);
/* Practice id of a place (NULL if unknown). */
char    *crn_server_db_practice_of_place (CrnServerDb *self,
                                          const char  *place_id);
gboolean crn_server_db_set_policy       (CrnServerDb      *self,
                                         const CrnPolicy  *policy,
                                         GError          **error);
gint64   crn_server_db_get_policy_version (CrnServerDb *self,
                                           gint64      *last_updated_ms);

/* --- schedules (templates) ---------------------------------------------------------- */

/* How far ahead templates are expanded into slots. */
#define CRN_EXPANSION_DAYS 56

/**
 * crn_server_db_put_schedule:
 * @template: the template (id = Schedule id, practitioner, place_id)
 * @if_match: required version (0 = none)
 * @create_only: TRUE for POST: DUPLICATE if the id exists
 * @created: (out) (optional): whether it was created
 *
 * Checks rights (acts_for) and the policy (crn_policy_check_template), stores the template,
 * re-expands its slots from today for CRN_EXPANSION_DAYS: new slots added, existing ones kept
 * (with their booking), future free ones no longer produced marked entered-in-error.
 *
 * Returns: (transfer full) (nullable): the stored template (version, last_updated_ms)
 */
CrnTemplate *crn_server_db_put_schedule (CrnServerDb            *self,
                                         const CrnServerAccount *account,
                                         const CrnTemplate      *template,
                                         gint64                  if_match,
                                         gboolean                create_only,
                                         gboolean               *created,
                                         GError                **error);
CrnTemplate *crn_server_db_get_schedule (CrnServerDb            *self,
                                         const char             *id,
                                         GError                **error);
/* Re-expands every schedule (called at start-up and once a day). */
gboolean     crn_server_db_expand_all   (CrnServerDb  *self,
                                         GError      **error);

/* --- searching ----------------------------------------------------------------------- */

typedef enum
{
  CRN_SORT_START = 0,
  CRN_SORT_LAST_UPDATED,
} CrnSortKey;

typedef struct
{
  GPtrArray   *practitioners;     /* IDNPS, OR; NULL = any */
  gboolean     has_start_min;
  CrnInstant   start_min;         /* inclusive */
  gboolean     has_start_max;
  CrnInstant   start_max;         /* inclusive */
  guint        status_mask;       /* bit (1 << status); 0 = any */
  const char  *schedule_id;
  GPtrArray   *ids;               /* NULL = any */
  gint64       lu_min_ms;         /* exclusive lower bound; -1 = none */
  gint64       lu_max_ms;         /* exclusive upper bound; -1 = none */
  const char  *after_id;          /* with after_lu_ms: only rows after (after_lu_ms,
                                   * after_id) in (last_updated_ms, id) order (a system
                                   * search's cursor); NULL = none */
  gint64       after_lu_ms;
  CrnSortKey   sort;
  gboolean     descending;
  guint        count;
  guint        offset;
} CrnServerQuery;

void       crn_server_query_init (CrnServerQuery *query);
void       crn_server_query_clear (CrnServerQuery *query);

/* Slots visible to @account: practice accounts see the slots of those they act for; a
 * regulator or a pharmacy only free slots open to its referrer type; the coordinator every
 * slot (no patient data in a slot). @total gets the count before paging. */
GPtrArray *crn_server_db_query_slots    (CrnServerDb            *self,
                                         const CrnServerAccount *account,
                                         const CrnServerQuery   *query,
                                         guint                  *total,
                                         GError                **error);
/* Bookings visible to @account (practice: of those it acts for; regulator/pharmacy: its
 * own); the coordinator gets FORBIDDEN. */
GPtrArray *crn_server_db_query_bookings (CrnServerDb            *self,
                                         const CrnServerAccount *account,
                                         const CrnServerQuery   *query,
                                         guint                  *total,
                                         GError                **error);
GPtrArray *crn_server_db_query_schedules (CrnServerDb            *self,
                                          const CrnServerAccount *account,
                                          const CrnServerQuery   *query,
                                          guint                  *total,
                                          GError                **error);
/* The place of consultation ids of a practitioner's schedules. */
GPtrArray *crn_server_db_schedules_of    (CrnServerDb  *self,
                                          const char   *idnps,
                                          GError      **error);
/* The schedule id of a slot's (practitioner, place). */
char      *crn_server_db_schedule_id_for (CrnServerDb  *self,
                                          const char   *idnps,
                                          const char   *place_id);

/* --- writes from the FHIR API ------------------------------------------------------- */

/**
 * crn_server_db_update_slot:
 * @slot: the wanted state (id, visibility, status, modalities, restriction)
 * @if_match: the version the client saw (0 = none)
 *
 * A practice account changes one of its slots: a reclaim (removing SNP/CPTS from a free slot)
 * is checked with crn_policy_check_reclaim(); a slot holding a booking cannot change.
 */
CrnSlot    *crn_server_db_update_slot    (CrnServerDb            *self,
                                          const CrnServerAccount *account,
                                          const CrnSlot          *slot,
                                          gint64                  if_match,
                                          GError                **error);

/**
 * crn_server_db_create_booking:
 * @request: the Appointment as parsed
 * @existing: (out) (optional): set to TRUE when @request->id already existed with the same
 *   content owner (If-None-Exist / retried POST): the stored booking is returned, no change
 *
 * The FHIR create path. Regulation/pharmacy accounts go through crn_server_db_book_slot();
 * practice accounts book their own patient (reclaim rule on regulation slots) or record an
 * extra patient (no slot).
 */
CrnBooking *crn_server_db_create_booking (CrnServerDb            *self,
                                          const CrnServerAccount *account,
                                          const CrnBooking       *request,
                                          gboolean                if_none_exist,
                                          gboolean               *existing,
                                          GError                **error);

/**
 * crn_server_db_update_booking:
 * @request: the wanted state (id set); only status, practitioner_status, cancel_reason,
 *   patient phone and reason may change
 * @if_match: version the client saw (0 = none)
 * @create_if_missing: conditional update on an unknown identifier creates (updateCreate)
 * @created: (out) (optional)
 */
CrnBooking *crn_server_db_update_booking (CrnServerDb            *self,
                                          const CrnServerAccount *account,
                                          const CrnBooking       *request,
                                          gint64                  if_match,
                                          gboolean                create_if_missing,
                                          gboolean               *created,
                                          GError                **error);

/* The practice (Organization id) the booking/slot belongs to, for notifications. */

/* --- bench and tests ----------------------------------------------------------------- */
sqlite3    *crn_server_db_get_handle     (CrnServerDb *self);

/* --- shared by crn-server-db.c and crn-server-agenda.c (not API) --------------------- */
sqlite3_stmt *_crn_db_prepare   (CrnServerDb  *self,
                                 const char   *sql,
                                 GError      **error);
/* A statement kept for the next call with the same SQL (the reads every answer repeats):
 * give it back with _crn_db_release(), never sqlite3_finalize(). */
sqlite3_stmt *_crn_db_prepare_cached (CrnServerDb  *self,
                                      const char   *sql,
                                      GError      **error);
void          _crn_db_release   (CrnServerDb  *self,
                                 sqlite3_stmt *stmt);
gboolean      _crn_db_begin     (CrnServerDb  *self,
                                 GError      **error);
gboolean      _crn_db_commit    (CrnServerDb  *self,
                                 GError      **error);
void          _crn_db_rollback  (CrnServerDb  *self);
/* A read-only transaction around the many reads of one answer: one snapshot, and SQLite
 * takes its locks once instead of at every statement. Returns whether it began one (not
 * inside another transaction); give that to _crn_db_read_end(). */
gboolean      _crn_db_read_begin (CrnServerDb *self);
void          _crn_db_read_end   (CrnServerDb *self,
                                  gboolean     begun);
gboolean      _crn_db_step_done (CrnServerDb  *self,
                                 sqlite3_stmt *stmt,
                                 GError      **error);
void          _crn_db_set_error (CrnServerDb  *self,
                                 GError      **error);
void          _crn_db_queue_change (CrnServerDb *self,
                                    const char  *resource_type,
                                    const char  *id,
                                    gint64       version,
                                    gint64       last_updated_ms,
                                    const char  *practitioner);
const CrnPolicy *_crn_db_policy (CrnServerDb  *self);
/* "login:<x>" / "addr:<x>" -> failures (crn-server-accounts.c owns the value type). */
GHashTable   *_crn_db_failures   (CrnServerDb  *self);
const char   *_crn_db_dummy_hash (CrnServerDb  *self);

#define SLOT_COLUMNS "id, practitioner, place_id, template_block_id, start, end, modalities," \
                     " visibility, restriction, restriction_text, status, version," \
                     " last_updated_ms, reclaimed, schedule_id"


#define BOOKING_COLUMNS "id, slot_id, practitioner, start, end, patient_family, patient_given," \
                        " patient_birth_date, patient_phone, reason, referrer, referrer_name," \
                        " operator_id, requested_at, created_at, extra, status," \
                        " practitioner_status, cancel_reason, version, last_updated_ms," \
                        " account_id"

/* Row readers for SELECT SLOT_COLUMNS / BOOKING_COLUMNS (crn-server-agenda.c). */
CrnSlot      *_crn_db_slot_from_row       (sqlite3_stmt           *stmt,
                                           gboolean               *reclaimed);
CrnBooking   *_crn_db_booking_from_row    (sqlite3_stmt           *stmt,
                                           gint64                 *account_id);
CrnTemplate  *_crn_db_load_template       (CrnServerDb            *self,
                                           const char             *schedule_id,
                                           GError                **error);
gboolean      _crn_db_is_practice         (const CrnServerAccount *account);
gboolean      _crn_db_is_referrer         (const CrnServerAccount *account);
CrnVisibility _crn_db_referrer_visibility (const CrnServerAccount *account);
char         *_crn_db_column_dup (sqlite3_stmt *stmt,
                                  int           column);

G_END_DECLS
