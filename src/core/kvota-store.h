/* kvota-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kvota-nap.h"
#include "kvota-records.h"
#include "kvota-trading-report.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_STORE (kvota_store_get_type ())

G_DECLARE_FINAL_TYPE (KvotaStore, kvota_store, KVOTA, STORE, GObject)

/* The schema version this build writes; older databases are migrated. */
#define KVOTA_STORE_SCHEMA_VERSION 7

/**
 * KVOTA_SETTING_FOUR_EYES_THRESHOLD:
 *
 * The registry setting above which quantity a transfer needs the
 * confirmations of two administrators; absent, "0" or "off": never.
 */
#define KVOTA_SETTING_FOUR_EYES_THRESHOLD "four-eyes-threshold"

/**
 * KvotaPrincipal:
 *
 * Who a session belongs to: everything the server needs to decide what
 * the request may do, read in one query.
 */
typedef struct
{
  gint64          user_id;
  char           *username;
  KvotaRole       role;
  KvotaUserState  state;
  gint64          organisation_id;
  KvotaHolderType holder_type;
  KvotaUserState  organisation_state;
  char           *account;          /* holding account number, or NULL */
  GDateTime      *expires;
  gboolean        enrolment_only;   /* may only set up two-factor login */
} KvotaPrincipal;

/**
 * KvotaCredentials:
 *
 * What a login is checked against.
 */
typedef struct
{
  gint64     user_id;
  char      *password_hash;
  gboolean   reset_pending;
  KvotaRole  role;
  char      *totp_secret;        /* NULL without two-factor login */
  gint64     totp_counter;       /* the time step of the last code used */
} KvotaCredentials;

/**
 * KvotaTwoFactor:
 *
 * A user's two-factor state.
 */
typedef struct
{
  char   *secret;               /* enrolled, or NULL */
  char   *pending;              /* being enrolled, or NULL */
  gint64  counter;
} KvotaTwoFactor;

/**
 * KvotaLedgerTotal:
 *
 * What the ledger holds for one unit type and vintage.
 */
typedef struct
{
  KvotaUnitType unit_type;
  int           vintage;
  KvotaQuantity issued;
  KvotaQuantity held;
  KvotaQuantity surrendered;
  KvotaQuantity cancelled;
  gint64        n_blocks;
} KvotaLedgerTotal;

/**
 * KvotaAuditEntry:
 *
 * One entry of the audit journal.
 */
typedef struct
{
  gint64  id;
  char   *at;
  char   *actor;
  char   *action;
  char   *object;
  char   *before;   /* JSON, or NULL */
  char   *after;    /* JSON, or NULL */
  char   *prev_hash;
  char   *hash;
} KvotaAuditEntry;

KvotaPrincipal     *kvota_principal_copy          (const KvotaPrincipal *principal);
void                kvota_principal_free          (KvotaPrincipal   *principal);
void                kvota_credentials_free        (KvotaCredentials *credentials);
void                kvota_two_factor_free         (KvotaTwoFactor   *two_factor);
void                kvota_audit_entry_free        (KvotaAuditEntry  *entry);

KvotaStore         *kvota_store_open              (const char       *path,
                                                   gboolean          create,
                                                   GError          **error);
const char         *kvota_store_get_path          (KvotaStore       *self);
gboolean            kvota_store_backup            (KvotaStore       *self,
                                                   const char       *destination,
                                                   GError          **error);
guint64             kvota_store_get_version       (KvotaStore       *self);
gboolean            kvota_store_begin_group       (KvotaStore       *self,
                                                   GError          **error);
gboolean            kvota_store_end_group         (KvotaStore       *self,
                                                   GError          **error);
char               *kvota_store_get_setting       (KvotaStore       *self,
                                                   const char       *key);
gboolean            kvota_store_set_setting       (KvotaStore       *self,
                                                   const char       *actor,
                                                   const char       *key,
                                                   const char       *value,
                                                   GError          **error);

/* Organisations and users */
KvotaOrganisation  *kvota_store_create_organisation (KvotaStore     *self,
                                                   const char       *actor,
                                                   const char       *name,
                                                   const char       *bin,
                                                   KvotaHolderType   holder_type,
                                                   GError          **error);
KvotaOrganisation  *kvota_store_get_organisation  (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
GPtrArray          *kvota_store_list_organisations (KvotaStore      *self,
                                                   GError          **error);
gint64              kvota_store_find_organisation_by_type (KvotaStore *self,
                                                   KvotaHolderType   holder_type);
KvotaUser          *kvota_store_create_user       (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            organisation_id,
                                                   const char       *username,
                                                   const char       *password_hash,
                                                   const char       *full_name,
                                                   KvotaRole         role,
                                                   GError          **error);
KvotaUser          *kvota_store_get_user          (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
gboolean            kvota_store_set_user_state    (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            user_id,
                                                   KvotaUserState    state,
                                                   const char       *reason,
                                                   GError          **error);
gint64              kvota_store_count_active_administrators (KvotaStore *self);
GPtrArray          *kvota_store_list_users        (KvotaStore       *self,
                                                   gint64            organisation_id,
                                                   GError          **error);
gboolean            kvota_store_set_organisation_state (KvotaStore  *self,
                                                   const char       *actor,
                                                   gint64            organisation_id,
                                                   KvotaUserState    state,
                                                   const char       *reason,
                                                   GError          **error);
gboolean            kvota_store_set_password      (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            user_id,
                                                   const char       *password_hash,
                                                   GError          **error);
gboolean            kvota_store_revoke_sessions   (KvotaStore       *self,
                                                   gint64            user_id,
                                                   const char       *except_token_hash,
                                                   GError          **error);
gboolean            kvota_store_start_password_reset (KvotaStore    *self,
                                                   const char       *actor,
                                                   gint64            user_id,
                                                   const char       *reset_hash,
                                                   GDateTime        *expires,
                                                   GError          **error);
gboolean            kvota_store_check_password_reset (KvotaStore    *self,
                                                   const char       *username,
                                                   const char       *reset_hash,
                                                   GDateTime        *now,
                                                   GError          **error);
gboolean            kvota_store_finish_password_reset (KvotaStore   *self,
                                                   const char       *username,
                                                   const char       *reset_hash,
                                                   GDateTime        *now,
                                                   const char       *password_hash,
                                                   GError          **error);

/* Two-factor login */
KvotaTwoFactor     *kvota_store_get_two_factor    (KvotaStore       *self,
                                                   gint64            user_id,
                                                   GError          **error);
gboolean            kvota_store_set_two_factor_pending (KvotaStore  *self,
                                                   gint64            user_id,
                                                   const char       *secret,
                                                   GError          **error);
gboolean            kvota_store_enable_two_factor (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            user_id,
                                                   gint64            counter,
                                                   GError          **error);
gboolean            kvota_store_disable_two_factor (KvotaStore      *self,
                                                   const char       *actor,
                                                   gint64            user_id,
                                                   GError          **error);
gboolean            kvota_store_use_two_factor_code (KvotaStore     *self,
                                                   gint64            user_id,
                                                   gint64            counter,
                                                   GError          **error);
gboolean            kvota_store_widen_session     (KvotaStore       *self,
                                                   const char       *token_hash,
                                                   GError          **error);

/* National Allocation Plans */
typedef enum
{
  KVOTA_NAP_STATE_DRAFT,
  KVOTA_NAP_STATE_APPLIED,
  KVOTA_NAP_STATE_SUPERSEDED,
  KVOTA_NAP_STATE_DISCARDED,
} KvotaNapState;

/**
 * KvotaNapRecord:
 *
 * A plan the registry keeps: a draft, the applied version of its period,
 * or one it replaced.
 */
typedef struct
{
  gint64         id;
  int            first_year;
  int            last_year;
  int            version;
  KvotaNapState  state;
  char          *file_sha256;
  char          *file_name;
  char          *created_by;
  char          *created;
  char          *decided_by;
  char          *decided;
  char          *plan;           /* the plan's JSON, as kvota_nap_to_json() wrote it */
} KvotaNapRecord;

/**
 * KvotaNapApplication:
 *
 * What applying a plan did, in tonnes: issued to registered nature users,
 * withdrawn from them by an amendment, and waiting for operators not yet
 * registered.
 */
typedef struct
{
  KvotaQuantity issued;
  KvotaQuantity withdrawn;
  KvotaQuantity waiting;
  guint         n_transactions;
} KvotaNapApplication;

const char         *kvota_nap_state_to_string     (KvotaNapState     state);
void                kvota_nap_record_free         (KvotaNapRecord   *record);
JsonNode           *kvota_nap_record_to_json      (const KvotaNapRecord *record,
                                                   gboolean          with_plan);
KvotaNapRecord     *kvota_store_create_nap_draft  (KvotaStore       *self,
                                                   const char       *actor,
                                                   int               first_year,
                                                   int               last_year,
                                                   const char       *file_name,
                                                   GBytes           *file,
                                                   const char       *content_type,
                                                   const char       *plan,
                                                   GError          **error);
GPtrArray          *kvota_store_list_naps         (KvotaStore       *self,
                                                   GError          **error);
KvotaNapRecord     *kvota_store_get_nap           (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
gboolean            kvota_store_discard_nap       (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            id,
                                                   GError          **error);
gboolean            kvota_store_apply_nap         (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            id,
                                                   GPtrArray        *lines,
                                                   GArray           *years,
                                                   KvotaNapApplication *result,
                                                   GError          **error);
char               *kvota_store_find_nature_user_account (KvotaStore *self,
                                                   const char       *bin);
void                kvota_store_check_nap_operators (KvotaStore     *self,
                                                   KvotaNap         *nap);

/* Trading */

/**
 * KvotaDocument:
 *
 * A confirming document sent with a transaction: a PDF or a scan.
 */
typedef struct
{
  char       *name;
  const char *content_type;
  GBytes     *bytes;
} KvotaDocument;

/**
 * KvotaDeal:
 * @price: the price per unit in tiyn, or -1 when none is stated
 * @deal_date: (nullable): the deal's date, `YYYY-MM-DD`
 * @reference: (nullable): the exchange or contract reference
 * @documents: (element-type KvotaDocument) (nullable): what confirms it
 *
 * What a proposed transfer carries to confirm the deal behind it.
 */
typedef struct
{
  gint64      price;
  const char *deal_date;
  const char *reference;
  GPtrArray  *documents;
} KvotaDeal;


gint64              kvota_store_get_intermediary  (KvotaStore       *self,
                                                   gint64            organisation_id);
GPtrArray          *kvota_store_list_mandates     (KvotaStore       *self,
                                                   gint64            organisation_id,
                                                   gint64            intermediary_id,
                                                   GError          **error);
gboolean            kvota_store_choose_intermediary (KvotaStore     *self,
                                                   const char       *actor,
                                                   gint64            organisation_id,
                                                   gint64            intermediary_id,
                                                   GError          **error);
KvotaSaleOrder     *kvota_store_get_sale_order    (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
GPtrArray          *kvota_store_list_sale_orders  (KvotaStore       *self,
                                                   gint64            organisation_id,
                                                   gint64            intermediary_id,
                                                   GError          **error);
gint64              kvota_store_sign_for_sale     (KvotaStore       *self,
                                                   const char       *actor,
                                                   const char       *account,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   KvotaQuantity     quantity,
                                                   gint64            min_price,
                                                   GError          **error);
gboolean            kvota_store_withdraw_sale     (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            order_id,
                                                   KvotaQuantity     quantity,
                                                   GError          **error);
KvotaTransaction   *kvota_store_propose_sale      (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            intermediary_id,
                                                   gint64            order_id,
                                                   const char       *to_account,
                                                   KvotaQuantity     quantity,
                                                   gint64            price,
                                                   const char       *deal_date,
                                                   const char       *reference,
                                                   GPtrArray        *documents,
                                                   GError          **error);
KvotaTradingReport *kvota_store_trading_report    (KvotaStore       *self,
                                                   int               year,
                                                   GError          **error);

/* Compliance */

/**
 * KvotaCompliance:
 *
 * Where a nature user stands for one compliance year: the sum of its
 * verified emissions and of the quotas it surrendered against them.
 */
typedef struct
{
  gint64         organisation_id;
  char          *organisation;
  char          *account;           /* or NULL */
  int            year;
  gboolean       has_emissions;
  KvotaQuantity  emitted;
  KvotaQuantity  surrendered;
} KvotaCompliance;

void                kvota_compliance_free         (KvotaCompliance  *compliance);
JsonNode           *kvota_compliance_to_json      (const KvotaCompliance *compliance);
JsonNode           *kvota_store_record_emissions  (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            organisation_id,
                                                   const char       *installation,
                                                   int               year,
                                                   KvotaQuantity     tonnes,
                                                   GError          **error);
GPtrArray          *kvota_store_list_compliance   (KvotaStore       *self,
                                                   int               year,
                                                   gint64            organisation_id,
                                                   GError          **error);
KvotaTransaction   *kvota_store_surrender         (KvotaStore       *self,
                                                   const char       *actor,
                                                   const char       *account,
                                                   int               year,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   KvotaQuantity     quantity,
                                                   GError          **error);

/* Buy requests */

/**
 * KvotaBuyRequest:
 *
 * A nature user's request to buy quotas, addressed to its intermediary.
 */
typedef struct
{
  gint64         id;
  gint64         organisation_id;
  char          *organisation;
  gint64         intermediary_id;
  KvotaUnitType  unit_type;
  int            vintage;
  KvotaQuantity  quantity;
  gint64         max_price;          /* per unit in tiyn, or -1 */
  char          *state;
  char          *created_by;
  char          *created;
} KvotaBuyRequest;

void                kvota_buy_request_free        (KvotaBuyRequest  *request);
JsonNode           *kvota_buy_request_to_json     (const KvotaBuyRequest *request);
gint64              kvota_store_create_buy_request (KvotaStore      *self,
                                                   const char       *actor,
                                                   gint64            organisation_id,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   KvotaQuantity     quantity,
                                                   gint64            max_price,
                                                   GError          **error);
KvotaBuyRequest    *kvota_store_get_buy_request   (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
GPtrArray          *kvota_store_list_buy_requests (KvotaStore       *self,
                                                   gint64            organisation_id,
                                                   gint64            intermediary_id,
                                                   GError          **error);
gboolean            kvota_store_withdraw_buy_request (KvotaStore    *self,
                                                   const char       *actor,
                                                   gint64            id,
                                                   gint64            organisation_id,
                                                   GError          **error);

/* Registration */
KvotaRegistrationKey *kvota_store_create_registration_key (KvotaStore *self,
                                                   const char       *actor,
                                                   const char       *code,
                                                   const char       *bin,
                                                   gboolean          has_holder_type,
                                                   KvotaHolderType   holder_type,
                                                   GDateTime        *expires,
                                                   GError          **error);
GPtrArray          *kvota_store_list_registration_keys (KvotaStore  *self,
                                                   GDateTime        *now,
                                                   GError          **error);
KvotaRegistrationKey *kvota_store_revoke_registration_key (KvotaStore *self,
                                                   const char       *actor,
                                                   gint64            id,
                                                   GDateTime        *now,
                                                   GError          **error);
gboolean            kvota_store_check_application (KvotaStore       *self,
                                                   const char       *code,
                                                   GDateTime        *now,
                                                   const KvotaApplication *application,
                                                   GError          **error);
KvotaApplication   *kvota_store_submit_application (KvotaStore      *self,
                                                   const char       *code,
                                                   GDateTime        *now,
                                                   const KvotaApplication *application,
                                                   const char       *password_hash,
                                                   GBytes           *document,
                                                   GError          **error);
KvotaApplication   *kvota_store_get_application   (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
GPtrArray          *kvota_store_list_applications (KvotaStore       *self,
                                                   GError          **error);
KvotaApplication   *kvota_store_decide_application (KvotaStore      *self,
                                                   const char       *actor,
                                                   gint64            id,
                                                   gboolean          confirm,
                                                   const char       *reason,
                                                   GError          **error);
KvotaApplication   *kvota_store_find_application_by_username (KvotaStore *self,
                                                   const char       *username,
                                                   char            **password_hash);
GBytes             *kvota_store_get_document      (KvotaStore       *self,
                                                   const char       *sha256,
                                                   char            **content_type,
                                                   GError          **error);

/* Sessions */
KvotaCredentials   *kvota_store_get_credentials   (KvotaStore       *self,
                                                   const char       *username);
gboolean            kvota_store_create_session    (KvotaStore       *self,
                                                   gint64            user_id,
                                                   const char       *token_hash,
                                                   GDateTime        *expires,
                                                   gboolean          enrolment_only,
                                                   GError          **error);
KvotaPrincipal     *kvota_store_lookup_session    (KvotaStore       *self,
                                                   const char       *token_hash,
                                                   GDateTime        *now,
                                                   GError          **error);
gboolean            kvota_store_delete_session    (KvotaStore       *self,
                                                   const char       *token_hash,
                                                   GError          **error);
void                kvota_store_record_login      (KvotaStore       *self,
                                                   const char       *username,
                                                   gboolean          success,
                                                   const char       *peer,
                                                   GDateTime        *now);
guint               kvota_store_count_login_failures (KvotaStore    *self,
                                                   const char       *username,
                                                   GDateTime        *since);

/* Ledger */
KvotaTransaction   *kvota_store_issue             (KvotaStore       *self,
                                                   const char       *actor,
                                                   const char       *account,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   KvotaQuantity     quantity,
                                                   GError          **error);
KvotaTransaction   *kvota_store_propose_transfer  (KvotaStore       *self,
                                                   const char       *actor,
                                                   const char       *from_account,
                                                   const char       *to_account,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   KvotaQuantity     quantity,
                                                   const KvotaDeal  *deal,
                                                   GError          **error);
KvotaTransaction   *kvota_store_decide_transfer   (KvotaStore       *self,
                                                   const char       *actor,
                                                   gint64            transaction_id,
                                                   KvotaTransactionState decision,
                                                   const char       *reason,
                                                   GError          **error);
KvotaTransaction   *kvota_store_retire            (KvotaStore       *self,
                                                   const char       *actor,
                                                   KvotaTransactionKind kind,
                                                   const char       *account,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   KvotaQuantity     quantity,
                                                   GError          **error);
KvotaTransaction   *kvota_store_get_transaction   (KvotaStore       *self,
                                                   gint64            id,
                                                   GError          **error);
GArray             *kvota_store_get_holdings      (KvotaStore       *self,
                                                   const char       *account,
                                                   GError          **error);
gint64              kvota_store_get_account_organisation (KvotaStore *self,
                                                   const char       *account);
GArray             *kvota_store_check_ledger      (KvotaStore       *self,
                                                   GError          **error);

/* History */

/**
 * KvotaTransactionFilter:
 *
 * Which transactions kvota_store_list_transactions() lists; a member left
 * at zero (or %NULL, or %FALSE) does not filter.
 */
typedef struct
{
  gint64                 after;            /* ids below this one; 0: from the newest */
  guint                  limit;            /* at least 1 */
  gboolean               has_kind;
  KvotaTransactionKind   kind;
  gboolean               has_state;
  KvotaTransactionState  state;
  gboolean               has_unit_type;
  KvotaUnitType          unit_type;
  const char            *account;          /* either side */
  const char            *from_date;        /* YYYY-MM-DD, created on or after */
  const char            *to_date;          /* YYYY-MM-DD, created on or before */
  KvotaQuantity          min_quantity;
  KvotaQuantity          max_quantity;
  gint64                 intermediary_id;  /* only sales this intermediary proposed */
} KvotaTransactionFilter;

GPtrArray          *kvota_store_list_transactions (KvotaStore     *self,
                                                   const KvotaTransactionFilter *filter,
                                                   gint64           *next,
                                                   GError          **error);
GPtrArray          *kvota_store_account_statement (KvotaStore     *self,
                                                   const char       *account,
                                                   int               year,
                                                   GError          **error);
GPtrArray          *kvota_store_get_unit_history  (KvotaStore       *self,
                                                   KvotaUnitType     unit_type,
                                                   int               vintage,
                                                   gint64            serial,
                                                   char            **holder,
                                                   KvotaBlockState  *state,
                                                   GError          **error);

/* Audit journal */
gboolean            kvota_store_verify_audit      (KvotaStore       *self,
                                                   gint64           *n_entries,
                                                   gint64           *first_bad,
                                                   GError          **error);
gboolean            kvota_store_audit_proof_holds (KvotaStore       *self);
gint64              kvota_store_get_foreign_version (KvotaStore     *self);
gint64              kvota_store_get_audit_proof   (KvotaStore       *self,
                                                   char            **hash);
void                kvota_store_set_audit_proof   (KvotaStore       *self,
                                                   gint64            foreign_version,
                                                   gint64            id,
                                                   const char       *hash);
GPtrArray          *kvota_store_list_audit        (KvotaStore       *self,
                                                   gint64            after_id,
                                                   guint             limit,
                                                   GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaPrincipal, kvota_principal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaCredentials, kvota_credentials_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaTwoFactor, kvota_two_factor_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaNapRecord, kvota_nap_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaSaleOrder, kvota_sale_order_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaAuditEntry, kvota_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaCompliance, kvota_compliance_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaBuyRequest, kvota_buy_request_free)

G_END_DECLS
