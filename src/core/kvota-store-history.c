/* kvota-store-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include "kvota-error.h"
#include "kvota-store-private.h"

/* Reading the ledger's past: the history of transactions page by page,
 * an account's statement, and the life of one unit. Nothing here writes. */

/* The filters of a page of the history on the transactions aliased T:
 * ?1 the id to page below, ?2 kind, ?3 state, ?4 unit type, ?5 account
 * (either side), ?6 and ?7 the first and last date, ?8 and ?9 the
 * quantity range, ?10 the intermediary of the sale. The dates also bound
 * the ids, so that an index walked by id stops where the dates end. */
#define HISTORY_CONDITIONS(t) \
  t ".id < min (?1, iif (?7 IS NULL, 9223372036854775807, coalesce ((SELECT c.id FROM transactions c " \
  "  WHERE c.created < date (?7, '+1 day') ORDER BY c.created DESC LIMIT 1) + 1, 0))) " \
  "AND " t ".id >= iif (?6 IS NULL, 0, coalesce ((SELECT c.id FROM transactions c " \
  "  WHERE c.created >= ?6 ORDER BY c.created LIMIT 1), 9223372036854775807)) " \
  "AND (?2 IS NULL OR " t ".kind = ?2) " \
  "AND (?3 IS NULL OR " t ".state = ?3) " \
  "AND (?4 IS NULL OR " t ".unit_type = ?4) " \
  "AND (?5 IS NULL OR " t ".from_account = ?5 OR " t ".to_account = ?5) " \
  "AND (?6 IS NULL OR " t ".created >= ?6) " \
  "AND (?7 IS NULL OR " t ".created < date (?7, '+1 day')) " \
  "AND (?8 IS NULL OR " t ".quantity >= ?8) " \
  "AND (?9 IS NULL OR " t ".quantity <= ?9) " \
  "AND (?10 IS NULL OR " t ".order_id IN (SELECT o.id FROM sale_orders o WHERE o.intermediary_id = ?10))"

/* Reads the transactions whose ids @statement returns, in its order. */
static GPtrArray *
read_transactions (KvotaStore    *self,
                   sqlite3_stmt  *statement,
                   GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) transactions = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_transaction_free);
  int rc;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (statement, 0);

      g_array_append_val (ids, id);
    }

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      KvotaTransaction *transaction;

      transaction = kvota_store_get_transaction (self, g_array_index (ids, gint64, i), error);
      if (transaction == NULL)
        return NULL;
      g_ptr_array_add (transactions, transaction);
    }

  return g_steal_pointer (&transactions);
}

/**
 * kvota_store_list_transactions:
 * @self: a #KvotaStore
 * @filter: what to list
 * @next: (out): the @after of the next page, or 0 on the last page
 * @error: return location for a #GError, or %NULL
 *
 * Lists transactions newest first, at most @filter->limit of them with
 * ids below @filter->after (0: from the newest). The pages are keyed by
 * id, so a transaction recorded meanwhile never shifts a page.
 *
 * Returns: (transfer full) (element-type KvotaTransaction): the page, or
 *   %NULL with %KVOTA_ERROR_NOT_FOUND when the account filter names no
 *   account
 */
GPtrArray *
kvota_store_list_transactions (KvotaStore                   *self,
                               const KvotaTransactionFilter *filter,
                               gint64                       *next,
                               GError                      **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) transactions = NULL;
  gint64 account_id = 0;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (filter->limit > 0, NULL);
  g_return_val_if_fail (next != NULL, NULL);

  *next = 0;

  if (filter->account != NULL)
    {
      if ((account_id = _kvota_store_account_id (self, filter->account, error)) == 0)
        return NULL;
    }

  /* Every statement takes every filter, an absent one bound to NULL, and
   * walks an index by id downwards from @after, within the ids the
   * dates allow (created rises with the id). Which index to walk is
   * chosen here: the rarest states (proposed, rejected, cancelled) by
   * state, an account by the accounts on either side, the rarer kinds by
   * kind, anything else by id alone. Each is a literal: the store caches
   * statements by their text's address. */
  if (filter->has_state && filter->state != KVOTA_TRANSACTION_STATE_COMPLETED)
    statement = _kvota_store_prepare (self,
                                      "SELECT t.id FROM transactions t WHERE t.state = ?3 AND "
                                      HISTORY_CONDITIONS ("t") " ORDER BY t.id DESC LIMIT ?11", error);
  else if (account_id > 0)
    statement = _kvota_store_prepare (self,
                                      "SELECT id FROM (SELECT t.id FROM transactions t WHERE t.from_account = ?5 "
                                      "AND " HISTORY_CONDITIONS ("t") " ORDER BY t.id DESC LIMIT ?11) "
                                      "UNION ALL "
                                      "SELECT id FROM (SELECT u.id FROM transactions u WHERE u.to_account = ?5 "
                                      "AND " HISTORY_CONDITIONS ("u") " ORDER BY u.id DESC LIMIT ?11) "
                                      "ORDER BY id DESC LIMIT ?11", error);
  else if (filter->has_kind && filter->kind != KVOTA_TRANSACTION_KIND_TRANSFER)
    statement = _kvota_store_prepare (self,
                                      "SELECT t.id FROM transactions t WHERE t.kind = ?2 AND "
                                      HISTORY_CONDITIONS ("t") " ORDER BY t.id DESC LIMIT ?11", error);
  else
    statement = _kvota_store_prepare (self,
                                      "SELECT t.id FROM transactions t WHERE "
                                      HISTORY_CONDITIONS ("t") " ORDER BY t.id DESC LIMIT ?11", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, filter->after > 0 ? filter->after : G_MAXINT64);
  if (filter->has_kind)
    sqlite3_bind_text (statement, 2, kvota_transaction_kind_to_string (filter->kind), -1, SQLITE_STATIC);
  if (filter->has_state)
    sqlite3_bind_text (statement, 3, kvota_transaction_state_to_string (filter->state), -1, SQLITE_STATIC);
  if (filter->has_unit_type)
    sqlite3_bind_text (statement, 4, kvota_unit_type_to_string (filter->unit_type), -1, SQLITE_STATIC);
  if (account_id > 0)
    sqlite3_bind_int64 (statement, 5, account_id);
  if (filter->from_date != NULL)
    sqlite3_bind_text (statement, 6, filter->from_date, -1, SQLITE_STATIC);
  if (filter->to_date != NULL)
    sqlite3_bind_text (statement, 7, filter->to_date, -1, SQLITE_STATIC);
  if (filter->min_quantity > 0)
    sqlite3_bind_int64 (statement, 8, filter->min_quantity);
  if (filter->max_quantity > 0)
    sqlite3_bind_int64 (statement, 9, filter->max_quantity);
  if (filter->intermediary_id > 0)
    sqlite3_bind_int64 (statement, 10, filter->intermediary_id);
  /* One more than a page tells whether another page follows. */
  sqlite3_bind_int64 (statement, 11, (gint64) filter->limit + 1);

  if ((transactions = read_transactions (self, statement, error)) == NULL)
    return NULL;

  if (transactions->len > filter->limit)
    {
      g_ptr_array_set_size (transactions, filter->limit);
      *next = ((KvotaTransaction *) g_ptr_array_index (transactions, filter->limit - 1))->id;
    }

  return g_steal_pointer (&transactions);
}

/**
 * kvota_store_account_statement:
 * @self: a #KvotaStore
 * @account: a holding account number
 * @year: the year of completion, or 0 for every year
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaTransaction): the completed
 *   transactions into or out of @account, oldest first by completion
 */
GPtrArray *
kvota_store_account_statement (KvotaStore  *self,
                               const char  *account,
                               int          year,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *year_text = NULL;
  gint64 account_id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if ((account_id = _kvota_store_account_id (self, account, error)) == 0)
    return NULL;

  statement = _kvota_store_prepare (self,
                                    "SELECT t.id FROM transactions t "
                                    "WHERE (t.from_account = ?1 OR t.to_account = ?1) "
                                    /* Unary + keeps the planner on the account indexes:
                                     * nearly every transaction is completed. */
                                    "AND +t.state = 'completed' "
                                    "AND (?2 IS NULL OR substr (coalesce (t.decided, t.created), 1, 4) = ?2) "
                                    "ORDER BY coalesce (t.decided, t.created), t.id", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, account_id);
  if (year > 0)
    {
      year_text = g_strdup_printf ("%04d", year);
      sqlite3_bind_text (statement, 2, year_text, -1, SQLITE_STATIC);
    }

  return read_transactions (self, statement, error);
}

/**
 * kvota_store_get_unit_history:
 * @self: a #KvotaStore
 * @unit_type: the unit type
 * @vintage: the vintage
 * @serial: the serial number
 * @holder: (out) (transfer full) (nullable): the account holding the unit,
 *   or %NULL once it is surrendered or cancelled
 * @state: (out): the state of the unit's block
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaTransaction): every
 *   transaction whose serials include the unit, oldest first, or %NULL
 *   with %KVOTA_ERROR_NOT_FOUND when the unit was never issued
 */
GPtrArray *
kvota_store_get_unit_history (KvotaStore       *self,
                              KvotaUnitType     unit_type,
                              int               vintage,
                              gint64            serial,
                              char            **holder,
                              KvotaBlockState  *state,
                              GError          **error)
{
  const char *unit_type_text = kvota_unit_type_to_string (unit_type);
  GPtrArray *transactions;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (holder != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);

  *holder = NULL;

  {
    /* The block that starts at or before the serial, through the unique
     * index on (unit type, vintage, first serial). */
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT b.last_serial, b.state, a.number FROM blocks b "
                            "JOIN accounts a ON a.id = b.account_id "
                            "WHERE b.unit_type = ? AND b.vintage = ? AND b.first_serial <= ? "
                            "ORDER BY b.first_serial DESC LIMIT 1", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, unit_type_text, -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 2, vintage);
    sqlite3_bind_int64 (statement, 3, serial);

    if (serial < 1 || sqlite3_step (statement) != SQLITE_ROW ||
        sqlite3_column_int64 (statement, 0) < serial ||
        !kvota_block_state_from_string ((const char *) sqlite3_column_text (statement, 1), state))
      {
        kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, "serial");
        return NULL;
      }

    if (*state != KVOTA_BLOCK_STATE_SURRENDERED && *state != KVOTA_BLOCK_STATE_CANCELLED)
      *holder = g_strdup ((const char *) sqlite3_column_text (statement, 2));
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT DISTINCT t.id FROM transactions t "
                            "JOIN transaction_serials s ON s.transaction_id = t.id "
                            "WHERE t.unit_type = ?1 AND t.vintage = ?2 "
                            "AND s.first_serial <= ?3 AND s.last_serial >= ?3 ORDER BY t.id", error);

    if (statement == NULL)
      transactions = NULL;
    else
      {
        sqlite3_bind_text (statement, 1, unit_type_text, -1, SQLITE_STATIC);
        sqlite3_bind_int (statement, 2, vintage);
        sqlite3_bind_int64 (statement, 3, serial);
        transactions = read_transactions (self, statement, error);
      }
  }

  if (transactions == NULL)
    g_clear_pointer (holder, g_free);

  return transactions;
}
