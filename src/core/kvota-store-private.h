/* kvota-store-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kvota-store.h"

G_BEGIN_DECLS

struct _KvotaStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;

  /* Prepared statements by the address of their SQL text, which is
   * always a string literal. */
  GHashTable *statements;

  /* What kvota_store_get_version() saw last, and the version it gave. */
  gint64      seen_data_version;
  gint64      seen_changes;
  guint64     rollbacks;
  guint64     seen_rollbacks;
  guint64     version;

  /* How far kvota_store_verify_audit() proved the journal whole, and
   * the data_version it saw then. */
  gint64      audit_proved_id;
  char       *audit_proved_hash;
  gint64      audit_proved_version;

  /* Inside kvota_store_begin_group(): how many operations are open. */
  gboolean    in_group;
  gboolean    group_failed;   /* an operation could not be undone alone */
  guint       group_depth;
};

/* The sector of the holder of an account: the one of the latest applied
 * plan that lists it with a sector, or NULL. A transfer keeps its
 * seller's sector of the day it completed. */
#define KVOTA_SELLER_SECTOR(account) \
  "(SELECT a.sector FROM accounts c JOIN organisations o ON o.id = c.organisation_id " \
  "  JOIN nap_allocations a ON a.bin = o.bin JOIN naps n ON n.id = a.nap_id AND n.state = 'applied' " \
  "  WHERE c.id = " account " AND a.sector IS NOT NULL ORDER BY a.nap_id DESC LIMIT 1)"

/* The trading report's statistics as the history of completed transfers
 * gives them (the view trading_completed): they fill the tables when the
 * schema gains them, and kvota_store_check_ledger() compares. */
#define KVOTA_TRADING_MONTHS_QUERY \
  "SELECT year, month, sum (quantity), count (*), sum (iif (price IS NULL, 0, quantity)), " \
  "sum (coalesce (price * quantity, 0)), min (price), max (price) " \
  "FROM trading_completed GROUP BY year, month"
#define KVOTA_TRADING_SECTORS_QUERY \
  "SELECT year, sector, sum (quantity), count (*) FROM trading_completed GROUP BY year, sector"
#define KVOTA_TRADING_ACCOUNTS_QUERY \
  "SELECT year, account, sum (sold), sum (bought), count (*) FROM (" \
  "SELECT year, from_account AS account, quantity AS sold, 0 AS bought FROM trading_completed " \
  "UNION ALL SELECT year, to_account, 0, quantity FROM trading_completed) GROUP BY year, account"

/* A statement from the cache goes back to it reset, not finalized. */
static inline void
_kvota_statement_release (sqlite3_stmt *statement)
{
  sqlite3_reset (statement);
  sqlite3_clear_bindings (statement);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, _kvota_statement_release)

gboolean      _kvota_store_record_deal   (KvotaStore       *self,
                                          gint64            transaction_id,
                                          gint64            order_id,
                                          const KvotaDeal  *deal,
                                          GError          **error);
gboolean      _kvota_store_check_deal    (const KvotaDeal  *deal,
                                          GError          **error);
sqlite3_stmt *_kvota_store_prepare       (KvotaStore    *self,
                                          const char    *sql,
                                          GError       **error);
gboolean      _kvota_store_step_done     (KvotaStore    *self,
                                          sqlite3_stmt  *statement,
                                          GError       **error);
gboolean      _kvota_store_storage_error (KvotaStore    *self,
                                          GError       **error);
gboolean      _kvota_store_begin         (KvotaStore    *self,
                                          GError       **error);
gboolean      _kvota_store_commit        (KvotaStore    *self,
                                          GError       **error);
void          _kvota_store_rollback      (KvotaStore    *self);
char         *_kvota_store_now           (void);
gint64        _kvota_store_data_version  (KvotaStore    *self);

gboolean      _kvota_store_audit         (KvotaStore    *self,
                                          const char    *actor,
                                          const char    *action,
                                          const char    *object,
                                          JsonNode      *before,
                                          JsonNode      *after,
                                          GError       **error);

KvotaOrganisation *_kvota_store_insert_organisation (KvotaStore      *self,
                                                     const char      *actor,
                                                     const char      *name,
                                                     const char      *bin,
                                                     KvotaHolderType  holder_type,
                                                     GError         **error);
KvotaUser    *_kvota_store_insert_user   (KvotaStore    *self,
                                          const char    *actor,
                                          gint64         organisation_id,
                                          const char    *username,
                                          const char    *password_hash,
                                          const char    *full_name,
                                          KvotaRole      role,
                                          GError       **error);
gboolean      _kvota_store_check_username (const char   *username,
                                          GError       **error);
gboolean      _kvota_store_check_name    (const char    *text,
                                          const char    *field,
                                          GError       **error);
gint64        _kvota_store_account_id    (KvotaStore    *self,
                                          const char    *number,
                                          GError       **error);

KvotaTransaction *_kvota_store_ledger_issue  (KvotaStore           *self,
                                             const char           *actor,
                                             const char           *account,
                                             KvotaUnitType         unit_type,
                                             int                   vintage,
                                             KvotaQuantity         quantity,
                                             GError              **error);
KvotaTransaction *_kvota_store_ledger_retire (KvotaStore           *self,
                                             const char           *actor,
                                             KvotaTransactionKind  kind,
                                             const char           *account,
                                             KvotaUnitType         unit_type,
                                             int                   vintage,
                                             KvotaQuantity         quantity,
                                             const char           *reason,
                                             GError              **error);

char         *_kvota_store_insert_document (KvotaStore  *self,
                                            GBytes      *bytes,
                                            const char  *content_type,
                                            GError     **error);
gboolean      _kvota_store_issue_waiting (KvotaStore    *self,
                                          const char    *actor,
                                          const char    *bin,
                                          const char    *account,
                                          GError       **error);

gboolean      _kvota_store_move_units   (KvotaStore      *self,
                                         gint64           account,
                                         KvotaUnitType    unit_type,
                                         int              vintage,
                                         KvotaBlockState  from_state,
                                         gint64           from_transaction,
                                         gint64           from_order,
                                         KvotaQuantity    quantity,
                                         gint64           to_account,
                                         KvotaBlockState  to_state,
                                         gint64           to_transaction,
                                         gint64           to_order,
                                         gint64           record_transaction,
                                         GError         **error);

gint64        _kvota_store_open_account_id (KvotaStore   *self,
                                            const char   *number,
                                            const char   *field,
                                            GError      **error);
gint64        _kvota_store_insert_transaction (KvotaStore            *self,
                                               KvotaTransactionKind   kind,
                                               KvotaTransactionState  state,
                                               KvotaUnitType          unit_type,
                                               int                    vintage,
                                               KvotaQuantity          quantity,
                                               gint64                 from_account,
                                               gint64                 to_account,
                                               const char            *actor,
                                               GError               **error);
KvotaTransaction *_kvota_store_audit_transaction (KvotaStore  *self,
                                                  const char  *actor,
                                                  const char  *action,
                                                  gint64       id,
                                                  JsonNode    *before,
                                                  GError     **error);

G_END_DECLS
