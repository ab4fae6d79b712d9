/* crn-server-db.h: the server's database (accounts, agenda, rules) and the context handed
 * to the HTTP handlers, including the booking page and the monthly report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threading: a #CrnServerDb belongs to the thread that runs the SoupServer's main context;
 * every function below must be called from there (handlers of the SoupServer are). Each
 * writing function runs in ONE SQLite transaction (BEGIN IMMEDIATE), checks the CPTS rules
 * with the core's #CrnPolicy inside it, commits, and only then tells the connected apps (see
 * crn_server_db_set_change_func()): callers never have to notify anyone themselves.
 *
 * Errors: %CRN_CORE_ERROR for a rule of the domain (the page shows the message; the FHIR API
 * answers 422 business-rule naming crn_core_error_rule_name()), %CRN_SERVER_ERROR otherwise
 * (see crn-server-error.h). Messages are translated sentences fit for the person using it.
 *
 * Pages registered by other files (the booking page, the monthly report) are called from the
 * server setup as:
 *
 *   void crn_booking_page_register (SoupServer *server, CrnServerContext *ctx);
 *   void crn_report_register       (SoupServer *server, CrnServerContext *ctx);
 *
 * (declared in crn-booking-page.h and crn-report.h). @ctx lives as long as @server.
 */
#pragma once

#include <glib-object.h>

#include "crn-core.h"
#include "crn-server-error.h"

G_BEGIN_DECLS

typedef struct _CrnServerDb CrnServerDb;

/* ------------------------------------------------------------------------------------ */
/* Accounts                                                                              */

/**
 * CrnServerRole:
 * @CRN_SERVER_ROLE_PRACTITIONER: a GP; acts for themself (own slots, own patients)
 * @CRN_SERVER_ROLE_SECRETARY: acts for the practitioners named in acts_for
 * @CRN_SERVER_ROLE_REGULATOR: SAS regulation operator (OSNP): free slots, own bookings
 * @CRN_SERVER_ROLE_PHARMACY: a pharmacy: free slots open to professionals, own bookings
 * @CRN_SERVER_ROLE_COORDINATOR: the CPTS coordinator: counts and settings, never patients
 */
typedef enum
{
  CRN_SERVER_ROLE_PRACTITIONER = 0,
  CRN_SERVER_ROLE_SECRETARY,
  CRN_SERVER_ROLE_REGULATOR,
  CRN_SERVER_ROLE_PHARMACY,
  CRN_SERVER_ROLE_COORDINATOR,
} CrnServerRole;

/* "practitioner", "secretary", "regulator", "pharmacy", "coordinator" */
const char *crn_server_role_to_string   (CrnServerRole  role);
gboolean    crn_server_role_from_string (const char    *str,
                                         CrnServerRole *out);

/**
 * CrnServerAccount:
 * @id: database id (stable; put it in your session, never the login)
 * @login: the sign-in name
 * @role: what the account may do
 * @display_name: "Dr Claire Martin", "Pharmacie du Marché", "Régulation SAS 41"
 * @idnps: (nullable): the account's own IDNPS ("8" + RPPS) for a practitioner, else %NULL
 * @practice_id: (nullable): the practice (Organization id) of a practitioner or secretary
 * @acts_for: (element-type utf8): IDNPS of the practitioners whose agenda and patients the
 *   account may see and change (a practitioner: themself; a secretary: the GPs named with
 *   --for); empty for the other roles
 *
 * A signed-in person (or machine). Regulation and pharmacy bookings made through an account
 * carry the account's display name as referrer name and its login as operator identifier.
 */
typedef struct
{
  gint64         id;
  char          *login;
  CrnServerRole  role;
  char          *display_name;
  char          *idnps;
  char          *practice_id;
  GPtrArray     *acts_for;
} CrnServerAccount;

CrnServerAccount *crn_server_account_copy     (const CrnServerAccount *account);
void              crn_server_account_free     (CrnServerAccount       *account);
/* Whether @account may see the patients and change the agenda of @idnps. */
gboolean          crn_server_account_acts_for (const CrnServerAccount *account,
                                               const char             *idnps);
/* The referrer recorded on bookings it makes (SAS for a regulator, PHARMACY for a pharmacy,
 * OWN_PATIENT for a practice account). Not meaningful for the coordinator. */
CrnReferrer       crn_server_account_get_referrer (const CrnServerAccount *account);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnServerAccount, crn_server_account_free)

/**
 * crn_server_db_authenticate:
 * @self: the database
 * @login: the sign-in name as typed
 * @password: the password as typed
 * @address: (nullable): the client's IP address as text (soup_server_message_get_remote_host)
 * @retry_after: (out) (optional): when locked out, the seconds to wait, else 0
 * @error: %CRN_SERVER_ERROR_BAD_LOGIN (wrong login or password: the message never says
 *   which), %CRN_SERVER_ERROR_LOCKED_OUT (too many failures for this login or from this
 *   address: answer 429 with Retry-After), or %CRN_SERVER_ERROR_DATABASE
 *
 * Checks a password (argon2id, libsodium) with the rate limiting shared with the OAuth token
 * endpoint: 5 failures for a login or 20 from an address within 15 minutes lock it out for
 * 15 minutes. A success clears the login's failures. Slow on purpose (tens of ms).
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with @error set
 */
CrnServerAccount *crn_server_db_authenticate  (CrnServerDb  *self,
                                               const char   *login,
                                               const char   *password,
                                               const char   *address,
                                               guint        *retry_after,
                                               GError      **error);

/**
 * crn_server_db_get_account:
 * @self: the database
 * @account_id: a #CrnServerAccount id (from your session)
 * @error: %CRN_SERVER_ERROR_NOT_FOUND when the account no longer exists
 *
 * Returns: (transfer full) (nullable): the account as it is now (role, acts_for…)
 */
CrnServerAccount *crn_server_db_get_account   (CrnServerDb  *self,
                                               gint64        account_id,
                                               GError      **error);

/* ------------------------------------------------------------------------------------ */
/* Directory: practitioners, places, the CPTS policy                                     */

/**
 * crn_server_db_list_practitioners:
 *
 * Returns: (transfer full) (element-type CrnPractitioner): every GP of the CPTS, sorted by
 *   family name then given name. Visible to every role (no patient data).
 */
GPtrArray        *crn_server_db_list_practitioners (CrnServerDb  *self,
                                                    GError      **error);
/* Returns: (transfer full) (element-type CrnPlace): every place of consultation, by name. */
GPtrArray        *crn_server_db_list_places        (CrnServerDb  *self,
                                                    GError      **error);
/* Returns: (transfer full) (nullable): one GP by IDNPS ("8"+RPPS); NULL + NOT_FOUND if none. */
CrnPractitioner  *crn_server_db_get_practitioner   (CrnServerDb  *self,
                                                    const char   *idnps,
                                                    GError      **error);
/* Returns: (transfer full) (nullable): one place by id; NULL + NOT_FOUND if none. */
CrnPlace         *crn_server_db_get_place          (CrnServerDb  *self,
                                                    const char   *place_id,
                                                    GError      **error);
/* Returns: (transfer full): the CPTS policy in force (never NULL; the default if none set). */
CrnPolicy        *crn_server_db_get_policy         (CrnServerDb  *self);

/* ------------------------------------------------------------------------------------ */
/* Free slots for regulation                                                             */

/**
 * CrnSlotFilter:
 * @from: earliest start (UTC, inclusive); 0 = now
 * @to: latest start (UTC, exclusive); 0 = now + the policy's horizon
 * @from_minute: time window, minutes since local (Europe/Paris) midnight, inclusive
 * @to_minute: end of the time window (exclusive); 0 = until midnight
 * @modalities: the slot must allow one of these; %CRN_MODALITY_NONE = any
 * @practitioner: (nullable): IDNPS (or bare RPPS) of one GP
 * @place_id: (nullable): one place of consultation
 * @for_child: %TRUE: the patient is a child (slots for adults only are left out);
 *   %FALSE: an adult (paediatric-only slots are left out)
 * @any_age: %TRUE to ignore @for_child (list every restriction)
 * @limit: at most this many slots (0 = 200)
 *
 * Filters of crn_server_db_search_free_slots(); zero-initialise it and set what you need.
 */
typedef struct
{
  CrnInstant   from;
  CrnInstant   to;
  guint        from_minute;
  guint        to_minute;
  CrnModality  modalities;
  const char  *practitioner;
  const char  *place_id;
  gboolean     for_child;
  gboolean     any_age;
  guint        limit;
} CrnSlotFilter;

/**
 * crn_server_db_search_free_slots:
 * @self: the database
 * @account: who searches (a regulator sees SNP/CPTS slots, a pharmacy PRO/CPTS slots; the
 *   others get %CRN_SERVER_ERROR_FORBIDDEN)
 * @filter: the filters
 * @error: a #GError
 *
 * The free slots this account could book right now: free, visible to its referrer type, not
 * started, before the booking cut-off, within the horizon. Sorted by start.
 *
 * Returns: (transfer full) (element-type CrnSlot) (nullable): the slots, or %NULL on error
 */
GPtrArray        *crn_server_db_search_free_slots  (CrnServerDb            *self,
                                                    const CrnServerAccount *account,
                                                    const CrnSlotFilter    *filter,
                                                    GError                **error);

/* Returns: (transfer full) (nullable): one slot by id (any status); NOT_FOUND if none. */
CrnSlot          *crn_server_db_get_slot           (CrnServerDb  *self,
                                                    const char   *slot_id,
                                                    GError      **error);

/* ------------------------------------------------------------------------------------ */
/* Bookings                                                                              */

/**
 * crn_server_db_book_slot:
 * @self: the database
 * @account: who books (regulator or pharmacy for the page; a practice account books for its
 *   own patients, after the reclaim rule)
 * @request: the booking asked for: @request->slot_id, patient (family, given, birth_date,
 *   phone), reason are required; id may be %NULL (a UUID is made) or a client UUID (if a
 *   booking with this id exists, %CRN_SERVER_ERROR_DUPLICATE). practitioner/start/end are
 *   taken from the slot; referrer, referrer_name and operator_id from @account; status from
 *   the policy (booked + accepted, or proposed + needs-action when the CPTS asks for
 *   confirmation)
 * @error: %CRN_CORE_ERROR (the rule broken: outside SNP hours, booking closed, excluded
 *   reason, slot kept for own patients, restriction, invalid patient…),
 *   %CRN_SERVER_ERROR_CONFLICT when the slot was just taken or reclaimed,
 *   %CRN_SERVER_ERROR_NOT_FOUND, %CRN_SERVER_ERROR_FORBIDDEN
 *
 * THE booking transaction, the same code path as FHIR `POST /fhir/Appointment`: in one
 * transaction, reads the slot, checks every rule with crn_policy_check_regulation_booking(),
 * inserts the booking, marks the slot busy (busy-tentative while waiting for confirmation),
 * commits, then notifies the practice's connected apps. Two concurrent calls on one slot:
 * exactly one succeeds.
 *
 * Returns: (transfer full) (nullable): the stored booking (id, version, status…)
 */
CrnBooking       *crn_server_db_book_slot          (CrnServerDb            *self,
                                                    const CrnServerAccount *account,
                                                    const CrnBooking       *request,
                                                    GError                **error);

/**
 * crn_server_db_list_bookings_by_account:
 * @self: the database
 * @account: the regulator or pharmacy account
 * @since: only bookings whose slot starts at or after this instant (0 = all)
 * @error: a #GError
 *
 * The bookings this account made (any status), most recent start first.
 *
 * Returns: (transfer full) (element-type CrnBooking) (nullable): the bookings
 */
GPtrArray        *crn_server_db_list_bookings_by_account (CrnServerDb            *self,
                                                          const CrnServerAccount *account,
                                                          CrnInstant              since,
                                                          GError                **error);

/* Returns: (transfer full) (nullable): one booking the account may see; NOT_FOUND otherwise
 * (a booking of someone else is "not found", never "forbidden", so ids cannot be probed). */
CrnBooking       *crn_server_db_get_booking        (CrnServerDb            *self,
                                                    const CrnServerAccount *account,
                                                    const char             *booking_id,
                                                    GError                **error);

/**
 * crn_server_db_cancel_booking:
 * @self: the database
 * @account: the account that made the booking (or a practice account acting for its GP)
 * @booking_id: the booking id
 * @reason: (nullable): why, kept as cancel_reason
 * @error: %CRN_SERVER_ERROR_NOT_FOUND (not theirs), %CRN_CORE_ERROR_ILLEGAL_TRANSITION
 *   (already cancelled, already seen…)
 *
 * Cancels through the booking state machine in one transaction (same path as a FHIR update
 * to `cancelled`); frees the slot when it is still in the future; notifies the practice.
 *
 * Returns: (transfer full) (nullable): the booking as stored after the change
 */
CrnBooking       *crn_server_db_cancel_booking     (CrnServerDb            *self,
                                                    const CrnServerAccount *account,
                                                    const char             *booking_id,
                                                    const char             *reason,
                                                    GError                **error);

/* ------------------------------------------------------------------------------------ */
/* The monthly report                                                                    */

/**
 * CrnServerReportRow:
 * @day: local (Europe/Paris) date, "YYYY-MM-DD"
 * @practice_id: the practice (Organization id)
 * @practice_name: its name
 * @territory: the CPTS territory name
 * @offered: slots offered to regulation (SNP or CPTS label, not entered-in-error) starting
 *   that day
 * @offered_minutes: their minutes
 * @booked: bookings holding or having held a slot (booked, arrived, fulfilled, noshow)
 * @seen: fulfilled
 * @noshow: no-shows
 * @cancelled: cancelled bookings
 * @by_sas: of @booked, by SAS regulation
 * @by_pharmacy: of @booked, by a pharmacy
 *
 * One row per day and per practice (the definitions are those of #CrnFigures).
 */
typedef struct
{
  char  *day;
  char  *practice_id;
  char  *practice_name;
  char  *territory;
  guint  offered;
  guint  offered_minutes;
  guint  booked;
  guint  seen;
  guint  noshow;
  guint  cancelled;
  guint  by_sas;
  guint  by_pharmacy;
} CrnServerReportRow;

void crn_server_report_row_free (CrnServerReportRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnServerReportRow, crn_server_report_row_free)

/**
 * crn_server_db_report_month:
 * @self: the database
 * @year: e.g. 2026
 * @month: 1..12
 * @error: %CRN_SERVER_ERROR_INVALID for a bad month
 *
 * Counts for the coordinator: only days/practices with something offered or booked appear,
 * sorted by day then practice name. No patient data.
 *
 * Returns: (transfer full) (element-type CrnServerReportRow) (nullable): the rows
 */
GPtrArray        *crn_server_db_report_month       (CrnServerDb  *self,
                                                    int           year,
                                                    int           month,
                                                    GError      **error);

/* ------------------------------------------------------------------------------------ */
/* Change notifications                                                                  */

/**
 * CrnServerChangeFunc:
 * @resource_type: "Slot", "Appointment", "Schedule"
 * @id: the resource id
 * @version: its new meta.versionId
 * @last_updated_ms: its new meta.lastUpdated (ms since the epoch)
 * @practitioner: IDNPS of the practitioner whose agenda changed
 * @user_data: the data given to crn_server_db_set_change_func()
 *
 * Called after each commit, once per changed resource (the server sets it to push the
 * WebSocket notifications).
 */
typedef void (*CrnServerChangeFunc) (const char *resource_type,
                                     const char *id,
                                     gint64      version,
                                     gint64      last_updated_ms,
                                     const char *practitioner,
                                     gpointer    user_data);

void              crn_server_db_set_change_func    (CrnServerDb         *self,
                                                    CrnServerChangeFunc  func,
                                                    gpointer             user_data);

/* ------------------------------------------------------------------------------------ */
/* The context every HTTP handler gets                                                   */

/**
 * CrnServerContext:
 * @db: the database (owned by the server)
 * @base_url: "https://127.0.0.1:8443" (no trailing slash): build absolute links with it
 * @tls: whether the server speaks HTTPS (mark cookies Secure when set)
 * @max_body_bytes: request bodies above this are refused with 413
 * @priv: server internals, not for pages
 *
 * Lives as long as the SoupServer; registered handlers may keep the pointer.
 */
typedef struct
{
  CrnServerDb *db;
  char        *base_url;
  gboolean     tls;
  gsize        max_body_bytes;
  gpointer     priv;
} CrnServerContext;

G_END_DECLS
