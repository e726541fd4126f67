/* kvota-store-ledger.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* The ledger. Units exist only as serial blocks: (unit type, vintage,
 * first serial, last serial) held by one account in one state. Serials of
 * each unit type and vintage are issued from 1 upwards without gaps, so
 * the blocks of a unit type and vintage must tile 1..issued exactly: that
 * is the invariant kvota_store_check_ledger() proves. Every operation
 * below runs inside one SQLite transaction with its audit entry. */

typedef struct
{
  gint64 id;
  gint64 first;
  gint64 last;
} Block;

typedef struct
{
  gint64          id;
  KvotaUserState  organisation_state;
} Account;

static gboolean
check_vintage (int       vintage,
               GError  **error)
{
  if (vintage < KVOTA_VINTAGE_MIN || vintage > KVOTA_VINTAGE_MAX)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "vintage");
      return FALSE;
    }

  return TRUE;
}

static gboolean
lookup_account (KvotaStore  *self,
                const char  *number,
                const char  *field,
                Account     *account,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  statement = _kvota_store_prepare (self,
                                    "SELECT a.id, o.state FROM accounts a "
                                    "JOIN organisations o ON o.id = a.organisation_id "
                                    "WHERE a.number = ?", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, number, -1, SQLITE_STATIC);
  if (number == NULL || sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, field);
      return FALSE;
    }

  account->id = sqlite3_column_int64 (statement, 0);
  kvota_user_state_from_string ((const char *) sqlite3_column_text (statement, 1),
                                &account->organisation_state);
  return TRUE;
}

static gboolean
lookup_open_account (KvotaStore  *self,
                     const char  *number,
                     const char  *field,
                     Account     *account,
                     GError     **error)
{
  if (!lookup_account (self, number, field, account, error))
    return FALSE;

  if (account->organisation_state != KVOTA_USER_STATE_ACTIVE)
    {
      kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, field);
      return FALSE;
    }

  return TRUE;
}

/* The id of an account whose organisation is active, for other parts of
 * the store. */
gint64
_kvota_store_open_account_id (KvotaStore  *self,
                              const char  *number,
                              const char  *field,
                              GError     **error)
{
  Account account;

  if (!lookup_open_account (self, number, field, &account, error))
    return 0;

  return account.id;
}

gint64
_kvota_store_account_id (KvotaStore  *self,
                         const char  *number,
                         GError     **error)
{
  Account account;

  if (!lookup_account (self, number, "account", &account, error))
    return 0;

  return account.id;
}

gint64
_kvota_store_insert_transaction (KvotaStore            *self,
                    KvotaTransactionKind   kind,
                    KvotaTransactionState  state,
                    KvotaUnitType          unit_type,
                    int                    vintage,
                    KvotaQuantity          quantity,
                    gint64                 from_account,
                    gint64                 to_account,
                    const char            *actor,
                    GError               **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *now = _kvota_store_now ();
  gboolean decided = state != KVOTA_TRANSACTION_STATE_PROPOSED;

  /* A transfer carries its seller's sector for the trading report. The
   * history is paged by id and filtered by date through ids, so created
   * never goes backwards as ids rise, even if the clock does. */
  statement = _kvota_store_prepare (self,
                                    "INSERT INTO transactions (kind, state, unit_type, vintage, quantity, "
                                    "from_account, to_account, proposed_by, decided_by, created, decided, sector) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                    "max (?10, coalesce ((SELECT created FROM transactions ORDER BY id DESC LIMIT 1), '')), "
                                    "?11, iif (?1 = 'transfer', " KVOTA_SELLER_SECTOR ("?6") ", NULL))", error);
  if (statement == NULL)
    return 0;

  sqlite3_bind_text (statement, 1, kvota_transaction_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, kvota_transaction_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
  sqlite3_bind_int (statement, 4, vintage);
  sqlite3_bind_int64 (statement, 5, quantity);
  if (from_account > 0)
    sqlite3_bind_int64 (statement, 6, from_account);
  if (to_account > 0)
    sqlite3_bind_int64 (statement, 7, to_account);
  sqlite3_bind_text (statement, 8, actor, -1, SQLITE_STATIC);
  if (decided)
    sqlite3_bind_text (statement, 9, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 10, now, -1, SQLITE_STATIC);
  if (decided)
    sqlite3_bind_text (statement, 11, now, -1, SQLITE_STATIC);

  if (!_kvota_store_step_done (self, statement, error))
    return 0;

  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
record_serials (KvotaStore  *self,
                gint64       transaction_id,
                gint64       first,
                gint64       last,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  statement = _kvota_store_prepare (self, "INSERT INTO transaction_serials "
                                          "(transaction_id, first_serial, last_serial) VALUES (?, ?, ?)",
                                    error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_int64 (statement, 1, transaction_id);
  sqlite3_bind_int64 (statement, 2, first);
  sqlite3_bind_int64 (statement, 3, last);
  return _kvota_store_step_done (self, statement, error);
}

static void
bind_optional_id (sqlite3_stmt *statement,
                  int           index,
                  gint64        id)
{
  if (id > 0)
    sqlite3_bind_int64 (statement, index, id);
  else
    sqlite3_bind_null (statement, index);
}

/* Moves @quantity units, lowest serials first, from the blocks of @account
 * in @from_state (tied to @from_transaction and @from_order, or to none) to
 * @to_account in @to_state tied to @to_transaction and @to_order, splitting
 * the last block touched. A @quantity of 0 moves every such block. The
 * serials moved are recorded for @record_transaction when it is not 0. */
gboolean
_kvota_store_move_units (KvotaStore       *self,
                         gint64            account,
                         KvotaUnitType     unit_type,
                         int               vintage,
                         KvotaBlockState   from_state,
                         gint64            from_transaction,
                         gint64            from_order,
                         KvotaQuantity     quantity,
                         gint64            to_account,
                         KvotaBlockState   to_state,
                         gint64            to_transaction,
                         gint64            to_order,
                         gint64            record_transaction,
                         GError          **error)
{
  g_autoptr(GArray) blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  KvotaQuantity remaining = quantity;
  KvotaQuantity found = 0;
  int rc;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT id, first_serial, last_serial FROM blocks "
                            "WHERE account_id = ? AND unit_type = ? AND vintage = ? AND state = ? "
                            "AND transaction_id IS ? AND order_id IS ? ORDER BY first_serial", error);

    if (statement == NULL)
      return FALSE;

    sqlite3_bind_int64 (statement, 1, account);
    sqlite3_bind_text (statement, 2, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 3, vintage);
    sqlite3_bind_text (statement, 4, kvota_block_state_to_string (from_state), -1, SQLITE_STATIC);
    bind_optional_id (statement, 5, from_transaction);
    bind_optional_id (statement, 6, from_order);

    while ((rc = sqlite3_step (statement)) == SQLITE_ROW &&
           (quantity == 0 || found < quantity))
      {
        Block block = {
          sqlite3_column_int64 (statement, 0),
          sqlite3_column_int64 (statement, 1),
          sqlite3_column_int64 (statement, 2),
        };

        g_array_append_val (blocks, block);
        found += block.last - block.first + 1;
      }

    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return _kvota_store_storage_error (self, error);
  }

  if (quantity == 0)
    remaining = found;
  else if (found < quantity)
    {
      kvota_set_error (error, KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
      return FALSE;
    }

  for (guint i = 0; i < blocks->len && remaining > 0; i++)
    {
      const Block *block = &g_array_index (blocks, Block, i);
      KvotaQuantity size = block->last - block->first + 1;
      gint64 last = block->last;

      if (size > remaining)
        {
          g_autoptr(sqlite3_stmt) statement =
            _kvota_store_prepare (self,
                                  "INSERT INTO blocks (unit_type, vintage, first_serial, last_serial, "
                                  "account_id, state, transaction_id, order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                  error);

          /* The rest of the block stays where it was. */
          last = block->first + remaining - 1;
          if (statement == NULL)
            return FALSE;
          sqlite3_bind_text (statement, 1, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
          sqlite3_bind_int (statement, 2, vintage);
          sqlite3_bind_int64 (statement, 3, last + 1);
          sqlite3_bind_int64 (statement, 4, block->last);
          sqlite3_bind_int64 (statement, 5, account);
          sqlite3_bind_text (statement, 6, kvota_block_state_to_string (from_state), -1, SQLITE_STATIC);
          bind_optional_id (statement, 7, from_transaction);
          bind_optional_id (statement, 8, from_order);
          if (!_kvota_store_step_done (self, statement, error))
            return FALSE;
        }

      {
        g_autoptr(sqlite3_stmt) statement =
          _kvota_store_prepare (self,
                                "UPDATE blocks SET last_serial = ?, account_id = ?, state = ?, "
                                "transaction_id = ?, order_id = ? WHERE id = ?", error);

        if (statement == NULL)
          return FALSE;
        sqlite3_bind_int64 (statement, 1, last);
        sqlite3_bind_int64 (statement, 2, to_account);
        sqlite3_bind_text (statement, 3, kvota_block_state_to_string (to_state), -1, SQLITE_STATIC);
        bind_optional_id (statement, 4, to_transaction);
        bind_optional_id (statement, 5, to_order);
        sqlite3_bind_int64 (statement, 6, block->id);
        if (!_kvota_store_step_done (self, statement, error))
          return FALSE;
      }

      if (record_transaction > 0 &&
          !record_serials (self, record_transaction, block->first, last, error))
        return FALSE;

      remaining -= last - block->first + 1;
    }

  g_assert (remaining == 0);
  return TRUE;
}

static gboolean
move_units (KvotaStore       *self,
            gint64            account,
            KvotaUnitType     unit_type,
            int               vintage,
            KvotaBlockState   from_state,
            gint64            from_transaction,
            KvotaQuantity     quantity,
            gint64            to_account,
            KvotaBlockState   to_state,
            gint64            to_transaction,
            gint64            record_transaction,
            GError          **error)
{
  return _kvota_store_move_units (self, account, unit_type, vintage, from_state, from_transaction, 0,
                                  quantity, to_account, to_state, to_transaction, 0, record_transaction,
                                  error);
}

/* Joins neighbouring available blocks of an account, so that an account
 * that trades often does not end up holding thousands of slivers. */
static gboolean
merge_blocks (KvotaStore     *self,
              gint64          account,
              KvotaUnitType   unit_type,
              int             vintage,
              GError        **error)
{
  g_autoptr(GArray) blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  int rc;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT id, first_serial, last_serial FROM blocks "
                            "WHERE account_id = ? AND unit_type = ? AND vintage = ? "
                            "AND state = 'available' AND transaction_id IS NULL AND order_id IS NULL "
                            "ORDER BY first_serial", error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_int64 (statement, 1, account);
    sqlite3_bind_text (statement, 2, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 3, vintage);

    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        Block block = {
          sqlite3_column_int64 (statement, 0),
          sqlite3_column_int64 (statement, 1),
          sqlite3_column_int64 (statement, 2),
        };

        g_array_append_val (blocks, block);
      }

    if (rc != SQLITE_DONE)
      return _kvota_store_storage_error (self, error);
  }

  for (guint i = 1; i < blocks->len; i++)
    {
      Block *previous = &g_array_index (blocks, Block, i - 1);
      Block *block = &g_array_index (blocks, Block, i);

      if (previous->last + 1 != block->first)
        continue;

      {
        g_autoptr(sqlite3_stmt) remove =
          _kvota_store_prepare (self, "DELETE FROM blocks WHERE id = ?", error);
        g_autoptr(sqlite3_stmt) extend =
          _kvota_store_prepare (self, "UPDATE blocks SET last_serial = ? WHERE id = ?", error);

        if (remove == NULL || extend == NULL)
          return FALSE;
        sqlite3_bind_int64 (remove, 1, block->id);
        sqlite3_bind_int64 (extend, 1, block->last);
        sqlite3_bind_int64 (extend, 2, previous->id);
        if (!_kvota_store_step_done (self, remove, error) ||
            !_kvota_store_step_done (self, extend, error))
          return FALSE;
      }

      /* The merged block carries on as the previous one. */
      block->id = previous->id;
      block->first = previous->first;
    }

  return TRUE;
}

KvotaTransaction *
_kvota_store_audit_transaction (KvotaStore   *self,
                   const char   *actor,
                   const char   *action,
                   gint64        id,
                   JsonNode     *before,
                   GError      **error)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *object = NULL;

  if ((transaction = kvota_store_get_transaction (self, id, error)) == NULL)
    return NULL;

  object = g_strdup_printf ("transaction/%" G_GINT64_FORMAT, id);
  after = kvota_transaction_to_json (transaction);
  if (!_kvota_store_audit (self, actor, action, object, before, after, error))
    return NULL;

  return g_steal_pointer (&transaction);
}

KvotaTransaction *
_kvota_store_ledger_issue (KvotaStore     *self,
                           const char     *actor,
                           const char     *account,
                           KvotaUnitType   unit_type,
                           int             vintage,
                           KvotaQuantity   quantity,
                           GError        **error)
{
  Account to;
  gint64 first = 1;
  gint64 last;
  gint64 id;

  g_assert (!sqlite3_get_autocommit (self->db));

  if (!kvota_quantity_validate (quantity, error) || !check_vintage (vintage, error))
    return NULL;

  if (!lookup_open_account (self, account, "account", &to, error))
    return NULL;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT next_serial FROM serial_counters "
                                  "WHERE unit_type = ? AND vintage = ?", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 2, vintage);
    if (sqlite3_step (statement) == SQLITE_ROW)
      first = sqlite3_column_int64 (statement, 0);
  }

  /* The last serial must leave room for the next one. */
  if (!kvota_quantity_add (first - 1, quantity, &last, error))
    return NULL;
  if (last == G_MAXINT64)
    {
      kvota_set_error (error, KVOTA_ERROR_QUANTITY_OVERFLOW, "quantity");
      return NULL;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO serial_counters (unit_type, vintage, next_serial) "
                                  "VALUES (?, ?, ?) ON CONFLICT (unit_type, vintage) "
                                  "DO UPDATE SET next_serial = excluded.next_serial", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 2, vintage);
    sqlite3_bind_int64 (statement, 3, last + 1);
    if (!_kvota_store_step_done (self, statement, error))
      return NULL;
  }

  id = _kvota_store_insert_transaction (self, KVOTA_TRANSACTION_KIND_ISSUANCE, KVOTA_TRANSACTION_STATE_COMPLETED,
                           unit_type, vintage, quantity, 0, to.id, actor, error);
  if (id == 0 || !record_serials (self, id, first, last, error))
    return NULL;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "INSERT INTO blocks (unit_type, vintage, first_serial, last_serial, "
                            "account_id, state) VALUES (?, ?, ?, ?, ?, 'available')", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 2, vintage);
    sqlite3_bind_int64 (statement, 3, first);
    sqlite3_bind_int64 (statement, 4, last);
    sqlite3_bind_int64 (statement, 5, to.id);
    if (!_kvota_store_step_done (self, statement, error))
      return NULL;
  }

  if (!merge_blocks (self, to.id, unit_type, vintage, error))
    return NULL;

  return _kvota_store_audit_transaction (self, actor, "ledger.issue", id, NULL, error);
}

/**
 * kvota_store_issue:
 * @self: a #KvotaStore
 * @actor: who issues
 * @account: the holding account that receives the units
 * @unit_type: the unit type
 * @vintage: the year the units belong to
 * @quantity: how many units
 * @error: return location for a #GError, or %NULL
 *
 * Creates @quantity new units with the next free serials of @unit_type
 * and @vintage, available in @account. This is the only operation that
 * creates units.
 *
 * Returns: (transfer full) (nullable): the completed issuance
 */
KvotaTransaction *
kvota_store_issue (KvotaStore     *self,
                   const char     *actor,
                   const char     *account,
                   KvotaUnitType   unit_type,
                   int             vintage,
                   KvotaQuantity   quantity,
                   GError        **error)
{
  KvotaTransaction *transaction;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!kvota_quantity_validate (quantity, error) || !check_vintage (vintage, error))
    return NULL;

  if (!_kvota_store_begin (self, error))
    return NULL;

  transaction = _kvota_store_ledger_issue (self, actor, account, unit_type, vintage, quantity, error);
  if (transaction == NULL || !_kvota_store_commit (self, error))
    {
      g_clear_pointer (&transaction, kvota_transaction_free);
      _kvota_store_rollback (self);
      return NULL;
    }

  return transaction;
}

/**
 * kvota_store_propose_transfer:
 * @self: a #KvotaStore
 * @actor: who proposes
 * @from_account: the transferring account
 * @to_account: the acquiring account
 * @unit_type: the unit type
 * @vintage: the vintage
 * @quantity: how many units
 * @deal: (nullable): the price, date, reference and documents of the deal
 * @error: return location for a #GError, or %NULL
 *
 * Sets @quantity available units of @from_account aside as pending in a
 * proposed transfer. Nothing changes hands until an administrator confirms
 * it with kvota_store_decide_transfer().
 *
 * Returns: (transfer full) (nullable): the proposed transfer
 */
KvotaTransaction *
kvota_store_propose_transfer (KvotaStore     *self,
                              const char     *actor,
                              const char     *from_account,
                              const char     *to_account,
                              KvotaUnitType   unit_type,
                              int             vintage,
                              KvotaQuantity   quantity,
                              const KvotaDeal *deal,
                              GError        **error)
{
  KvotaTransaction *transaction;
  Account from;
  Account to;
  gint64 id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!kvota_quantity_validate (quantity, error) || !check_vintage (vintage, error) ||
      (deal != NULL && !_kvota_store_check_deal (deal, error)))
    return NULL;

  if (g_strcmp0 (from_account, to_account) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_SAME_ACCOUNT, "to_account");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if (!lookup_open_account (self, from_account, "from_account", &from, error) ||
      !lookup_open_account (self, to_account, "to_account", &to, error))
    goto failed;

  id = _kvota_store_insert_transaction (self, KVOTA_TRANSACTION_KIND_TRANSFER, KVOTA_TRANSACTION_STATE_PROPOSED,
                           unit_type, vintage, quantity, from.id, to.id, actor, error);
  if (id == 0 ||
      (deal != NULL && !_kvota_store_record_deal (self, id, 0, deal, error)) ||
      !move_units (self, from.id, unit_type, vintage, KVOTA_BLOCK_STATE_AVAILABLE, 0, quantity,
                   from.id, KVOTA_BLOCK_STATE_PENDING, id, id, error) ||
      (transaction = _kvota_store_audit_transaction (self, actor, "ledger.transfer.propose", id, NULL, error)) == NULL)
    goto failed;

  if (!_kvota_store_commit (self, error))
    {
      kvota_transaction_free (transaction);
      goto failed;
    }

  return transaction;

failed:
  _kvota_store_rollback (self);
  return NULL;
}

typedef enum
{
  FOUR_EYES_SATISFIED,
  FOUR_EYES_FIRST,
  FOUR_EYES_REFUSED,
} FourEyes;

/* Nobody confirms a transfer they proposed. Above the registry's
 * "four-eyes-threshold" setting (a quantity; absent, 0 or "off" turns it
 * off), a transfer needs two administrators: the first confirmation only
 * approves it, and a different administrator completes it. */
static FourEyes
check_four_eyes (KvotaStore              *self,
                 const KvotaTransaction  *transaction,
                 const char              *actor,
                 GError                 **error)
{
  g_autofree char *setting = kvota_store_get_setting (self, KVOTA_SETTING_FOUR_EYES_THRESHOLD);
  guint64 threshold = 0;

  if (g_strcmp0 (transaction->proposed_by, actor) == 0 ||
      g_strcmp0 (transaction->approved_by, actor) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_SECOND_PERSON_REQUIRED, NULL);
      return FOUR_EYES_REFUSED;
    }

  if (setting != NULL && !g_str_equal (setting, "off") &&
      !g_ascii_string_to_unsigned (setting, 10, 0, G_MAXINT64, &threshold, NULL))
    {
      /* A damaged setting must not turn the control off. */
      threshold = 1;
    }

  if (threshold == 0 || (guint64) transaction->quantity <= threshold || transaction->approved_by != NULL)
    return FOUR_EYES_SATISFIED;

  return FOUR_EYES_FIRST;
}

/* The first of two confirmations: the units stay pending. */
static gboolean
record_approval (KvotaStore  *self,
                 const char  *actor,
                 gint64       transaction_id,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) statement =
    _kvota_store_prepare (self, "UPDATE transactions SET approved_by = ?, approved = ? "
                                "WHERE id = ? AND state = 'proposed' AND approved_by IS NULL", error);
  g_autofree char *now = _kvota_store_now ();

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, transaction_id);
  if (!_kvota_store_step_done (self, statement, error))
    return FALSE;
  g_assert (sqlite3_changes (self->db) == 1);
  return TRUE;
}

/* Completes, rejects or cancels a proposed transfer: moves its pending
 * units to the acquiring account or back, and records the decision. */
static gboolean
carry_out (KvotaStore              *self,
           const char              *actor,
           const KvotaTransaction  *before,
           const Account           *from,
           const Account           *to,
           KvotaTransactionState    decision,
           const char              *reason,
           GError                 **error)
{
  gboolean confirm = decision == KVOTA_TRANSACTION_STATE_COMPLETED;

  /* A blocked organisation's account neither sends nor receives, even
   * units it proposed to send before the block; rejecting gives them back. */
  if (confirm && from->organisation_state != KVOTA_USER_STATE_ACTIVE)
    {
      kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, "from_account");
      return FALSE;
    }

  if (confirm && to->organisation_state != KVOTA_USER_STATE_ACTIVE)
    {
      kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, "to_account");
      return FALSE;
    }

  /* Units sold from a sale order that is still open go back to it when
   * the sale falls through; otherwise they become available. */
  {
    gint64 order = 0;

    if (!confirm)
      {
        g_autoptr(sqlite3_stmt) statement =
          _kvota_store_prepare (self, "SELECT o.id FROM transactions t JOIN sale_orders o "
                                      "ON o.id = t.order_id WHERE t.id = ? AND o.state = 'open'", error);

        if (statement == NULL)
          return FALSE;
        sqlite3_bind_int64 (statement, 1, before->id);
        if (sqlite3_step (statement) == SQLITE_ROW)
          order = sqlite3_column_int64 (statement, 0);
      }

    if (!_kvota_store_move_units (self, from->id, before->unit_type, before->vintage,
                                  KVOTA_BLOCK_STATE_PENDING, before->id, 0, 0,
                                  confirm ? to->id : from->id,
                                  order > 0 ? KVOTA_BLOCK_STATE_RESERVED : KVOTA_BLOCK_STATE_AVAILABLE,
                                  0, order, 0, error) ||
        (order == 0 &&
         !merge_blocks (self, confirm ? to->id : from->id, before->unit_type, before->vintage, error)))
      return FALSE;
  }

  if (confirm)
    {
      /* A sale order with nothing left to sell or in sale is sold. */
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "UPDATE sale_orders SET state = 'sold', closed = ?1 "
                                    "WHERE id = (SELECT order_id FROM transactions WHERE id = ?2) "
                                    "AND state = 'open' "
                                    "AND NOT EXISTS (SELECT 1 FROM blocks WHERE order_id = sale_orders.id) "
                                    "AND NOT EXISTS (SELECT 1 FROM transactions WHERE order_id = sale_orders.id "
                                    "                AND state = 'proposed' AND id != ?2)", error);
      g_autofree char *now = _kvota_store_now ();

      if (statement == NULL)
        return FALSE;
      sqlite3_bind_text (statement, 1, now, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 2, before->id);
      if (!_kvota_store_step_done (self, statement, error))
        return FALSE;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE transactions SET state = ?, decided_by = ?, reason = ?, "
                                  "decided = ? WHERE id = ? AND state = 'proposed'", error);
    g_autofree char *now = _kvota_store_now ();

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_text (statement, 1, kvota_transaction_state_to_string (decision), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 5, before->id);
    if (!_kvota_store_step_done (self, statement, error))
      return FALSE;
    g_assert (sqlite3_changes (self->db) == 1);
  }

  return TRUE;
}

/**
 * kvota_store_decide_transfer:
 * @self: a #KvotaStore
 * @actor: who decides
 * @transaction_id: a proposed transfer
 * @decision: %KVOTA_TRANSACTION_STATE_COMPLETED to confirm it,
 *   %KVOTA_TRANSACTION_STATE_REJECTED or %KVOTA_TRANSACTION_STATE_CANCELLED
 *   to send the units back
 * @reason: (nullable): why, for a rejection
 * @error: return location for a #GError, or %NULL
 *
 * Confirming moves the pending units to the acquiring account in one
 * transaction; a rejection or cancellation makes them available again.
 * A transfer is decided once: a second decision fails with
 * %KVOTA_ERROR_INVALID_STATE. Nobody confirms what they proposed, and
 * above the four-eyes threshold (see %KVOTA_SETTING_FOUR_EYES_THRESHOLD)
 * the first administrator's confirmation only approves the transfer: it
 * stays proposed, with its approval, until another administrator
 * confirms it (%KVOTA_ERROR_SECOND_PERSON_REQUIRED for the same one).
 *
 * Returns: (transfer full) (nullable): the decided transfer
 */
KvotaTransaction *
kvota_store_decide_transfer (KvotaStore             *self,
                             const char             *actor,
                             gint64                  transaction_id,
                             KvotaTransactionState   decision,
                             const char             *reason,
                             GError                **error)
{
  g_autoptr(KvotaTransaction) before = NULL;
  g_autoptr(JsonNode) before_node = NULL;
  KvotaTransaction *transaction;
  gboolean confirm = decision == KVOTA_TRANSACTION_STATE_COMPLETED;
  FourEyes four_eyes = FOUR_EYES_SATISFIED;
  const char *action;
  Account from;
  Account to;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (decision != KVOTA_TRANSACTION_STATE_PROPOSED, NULL);

  if (reason != NULL && !kvota_json_text_is_clean (reason, TRUE))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "reason");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if ((before = kvota_store_get_transaction (self, transaction_id, error)) == NULL)
    goto failed;

  if (before->kind != KVOTA_TRANSACTION_KIND_TRANSFER ||
      before->state != KVOTA_TRANSACTION_STATE_PROPOSED)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  if (!lookup_account (self, before->from_account, "from_account", &from, error) ||
      !lookup_account (self, before->to_account, "to_account", &to, error))
    goto failed;

  if (confirm && (four_eyes = check_four_eyes (self, before, actor, error)) == FOUR_EYES_REFUSED)
    goto failed;

  if (four_eyes == FOUR_EYES_FIRST)
    {
      if (!record_approval (self, actor, transaction_id, error))
        goto failed;
      action = "ledger.transfer.approve";
    }
  else
    {
      if (!carry_out (self, actor, before, &from, &to, decision, reason, error))
        goto failed;
      action = confirm ? "ledger.transfer.confirm" :
               decision == KVOTA_TRANSACTION_STATE_REJECTED ? "ledger.transfer.reject" : "ledger.transfer.cancel";
    }

  before_node = kvota_transaction_to_json (before);
  transaction = _kvota_store_audit_transaction (self, actor, action, transaction_id, before_node, error);
  if (transaction == NULL)
    goto failed;

  if (!_kvota_store_commit (self, error))
    {
      kvota_transaction_free (transaction);
      goto failed;
    }

  return transaction;

failed:
  _kvota_store_rollback (self);
  return NULL;
}

KvotaTransaction *
_kvota_store_ledger_retire (KvotaStore            *self,
                            const char            *actor,
                            KvotaTransactionKind   kind,
                            const char            *account,
                            KvotaUnitType          unit_type,
                            int                    vintage,
                            KvotaQuantity          quantity,
                            const char            *reason,
                            GError               **error)
{
  Account from;
  gint64 id;

  g_assert (!sqlite3_get_autocommit (self->db));

  if (!kvota_quantity_validate (quantity, error) || !check_vintage (vintage, error))
    return NULL;

  if (!lookup_open_account (self, account, "account", &from, error))
    return NULL;

  id = _kvota_store_insert_transaction (self, kind, KVOTA_TRANSACTION_STATE_COMPLETED,
                           unit_type, vintage, quantity, from.id, 0, actor, error);
  if (id == 0 ||
      !move_units (self, from.id, unit_type, vintage, KVOTA_BLOCK_STATE_AVAILABLE, 0, quantity,
                   from.id,
                   kind == KVOTA_TRANSACTION_KIND_SURRENDER ?
                   KVOTA_BLOCK_STATE_SURRENDERED : KVOTA_BLOCK_STATE_CANCELLED,
                   id, id, error))
    return NULL;

  if (reason != NULL)
    {
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "UPDATE transactions SET reason = ? WHERE id = ?", error);

      if (statement == NULL)
        return NULL;
      sqlite3_bind_text (statement, 1, reason, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 2, id);
      if (!_kvota_store_step_done (self, statement, error))
        return NULL;
    }

  return _kvota_store_audit_transaction (self, actor,
                            kind == KVOTA_TRANSACTION_KIND_SURRENDER ? "ledger.surrender" : "ledger.cancel",
                            id, NULL, error);
}

/**
 * kvota_store_retire:
 * @self: a #KvotaStore
 * @actor: who surrenders or cancels
 * @kind: %KVOTA_TRANSACTION_KIND_SURRENDER or %KVOTA_TRANSACTION_KIND_CANCELLATION
 * @account: the holding account
 * @unit_type: the unit type
 * @vintage: the vintage
 * @quantity: how many units
 * @error: return location for a #GError, or %NULL
 *
 * Takes available units out of circulation for good. They stay in the
 * ledger as surrendered or cancelled blocks, so their path can be traced.
 *
 * Returns: (transfer full) (nullable): the completed transaction
 */
KvotaTransaction *
kvota_store_retire (KvotaStore            *self,
                    const char            *actor,
                    KvotaTransactionKind   kind,
                    const char            *account,
                    KvotaUnitType          unit_type,
                    int                    vintage,
                    KvotaQuantity          quantity,
                    GError               **error)
{
  KvotaTransaction *transaction;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (kind == KVOTA_TRANSACTION_KIND_SURRENDER ||
                        kind == KVOTA_TRANSACTION_KIND_CANCELLATION, NULL);

  if (!kvota_quantity_validate (quantity, error) || !check_vintage (vintage, error))
    return NULL;

  if (!_kvota_store_begin (self, error))
    return NULL;

  transaction = _kvota_store_ledger_retire (self, actor, kind, account, unit_type, vintage,
                                            quantity, NULL, error);
  if (transaction == NULL || !_kvota_store_commit (self, error))
    {
      g_clear_pointer (&transaction, kvota_transaction_free);
      _kvota_store_rollback (self);
      return NULL;
    }

  return transaction;
}

/**
 * kvota_store_get_transaction:
 * @self: a #KvotaStore
 * @id: a transaction id
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the transaction with its serials
 */
KvotaTransaction *
kvota_store_get_transaction (KvotaStore  *self,
                             gint64       id,
                             GError     **error)
{
  g_autoptr(KvotaTransaction) transaction = kvota_transaction_new ();
  const char *text;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT t.id, t.kind, t.state, t.unit_type, t.vintage, t.quantity, "
                            "f.number, d.number, t.proposed_by, t.decided_by, t.reason, "
                            "t.created, t.decided, t.order_id, t.price, t.deal_date, t.reference, "
                            "t.nap_id, t.approved_by, t.approved "
                            "FROM transactions t "
                            "LEFT JOIN accounts f ON f.id = t.from_account "
                            "LEFT JOIN accounts d ON d.id = t.to_account WHERE t.id = ?", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_int64 (statement, 1, id);
    if (sqlite3_step (statement) != SQLITE_ROW)
      {
        kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
        return NULL;
      }

    transaction->id = sqlite3_column_int64 (statement, 0);
    kvota_transaction_kind_from_string ((const char *) sqlite3_column_text (statement, 1), &transaction->kind);
    kvota_transaction_state_from_string ((const char *) sqlite3_column_text (statement, 2), &transaction->state);
    kvota_unit_type_from_string ((const char *) sqlite3_column_text (statement, 3), &transaction->unit_type);
    transaction->vintage = sqlite3_column_int (statement, 4);
    transaction->quantity = sqlite3_column_int64 (statement, 5);
    transaction->from_account = g_strdup ((const char *) sqlite3_column_text (statement, 6));
    transaction->to_account = g_strdup ((const char *) sqlite3_column_text (statement, 7));
    transaction->proposed_by = g_strdup ((const char *) sqlite3_column_text (statement, 8));
    transaction->decided_by = g_strdup ((const char *) sqlite3_column_text (statement, 9));
    transaction->reason = g_strdup ((const char *) sqlite3_column_text (statement, 10));
    transaction->created = kvota_timestamp_parse ((const char *) sqlite3_column_text (statement, 11));
    if ((text = (const char *) sqlite3_column_text (statement, 12)) != NULL)
      transaction->decided = kvota_timestamp_parse (text);
    transaction->order_id = sqlite3_column_int64 (statement, 13);
    transaction->price = sqlite3_column_type (statement, 14) == SQLITE_NULL ? -1 : sqlite3_column_int64 (statement, 14);
    transaction->deal_date = g_strdup ((const char *) sqlite3_column_text (statement, 15));
    transaction->reference = g_strdup ((const char *) sqlite3_column_text (statement, 16));
    transaction->nap_id = sqlite3_column_int64 (statement, 17);
    transaction->approved_by = g_strdup ((const char *) sqlite3_column_text (statement, 18));
    if ((text = (const char *) sqlite3_column_text (statement, 19)) != NULL)
      transaction->approved = kvota_timestamp_parse (text);
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT sha256, name FROM transaction_documents WHERE transaction_id = ? "
                                  "ORDER BY rowid", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_int64 (statement, 1, id);
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        KvotaTransactionDocument *document = g_new0 (KvotaTransactionDocument, 1);

        document->sha256 = g_strdup ((const char *) sqlite3_column_text (statement, 0));
        document->name = g_strdup ((const char *) sqlite3_column_text (statement, 1));
        g_ptr_array_add (transaction->documents, document);
      }
    if (rc != SQLITE_DONE)
      {
        _kvota_store_storage_error (self, error);
        return NULL;
      }
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT first_serial, last_serial FROM transaction_serials "
                            "WHERE transaction_id = ? ORDER BY first_serial", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_int64 (statement, 1, id);
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        KvotaSerialRange range = {
          sqlite3_column_int64 (statement, 0),
          sqlite3_column_int64 (statement, 1),
        };

        g_array_append_val (transaction->serials, range);
      }

    if (rc != SQLITE_DONE)
      {
        _kvota_store_storage_error (self, error);
        return NULL;
      }
  }

  return g_steal_pointer (&transaction);
}

/**
 * kvota_store_get_account_organisation:
 * @self: a #KvotaStore
 * @account: a holding account number
 *
 * Returns: the id of the organisation that holds @account, or 0
 */
gint64
kvota_store_get_account_organisation (KvotaStore *self,
                                      const char *account)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  statement = _kvota_store_prepare (self, "SELECT organisation_id FROM accounts WHERE number = ?", NULL);
  if (statement == NULL)
    return 0;

  sqlite3_bind_text (statement, 1, account, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (statement, 0);
}

static KvotaQuantity *
holding_slot (KvotaHolding    *holding,
              KvotaBlockState  state)
{
  switch (state)
    {
    case KVOTA_BLOCK_STATE_AVAILABLE:   return &holding->available;
    case KVOTA_BLOCK_STATE_RESERVED:    return &holding->reserved;
    case KVOTA_BLOCK_STATE_PENDING:     return &holding->pending;
    case KVOTA_BLOCK_STATE_SURRENDERED: return &holding->surrendered;
    case KVOTA_BLOCK_STATE_CANCELLED:   return &holding->cancelled;
    case KVOTA_N_BLOCK_STATES:
    default:
      g_assert_not_reached ();
    }
}

/**
 * kvota_store_get_holdings:
 * @self: a #KvotaStore
 * @account: a holding account number
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaHolding): the account's units
 *   by unit type and vintage, in each state
 */
GArray *
kvota_store_get_holdings (KvotaStore  *self,
                          const char  *account,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GArray) holdings = g_array_new (FALSE, TRUE, sizeof (KvotaHolding));
  gint64 account_id;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if ((account_id = _kvota_store_account_id (self, account, error)) == 0)
    return NULL;

  statement = _kvota_store_prepare (self,
                                    "SELECT unit_type, vintage, state, sum (last_serial - first_serial + 1) "
                                    "FROM blocks WHERE account_id = ? "
                                    "GROUP BY unit_type, vintage, state ORDER BY unit_type, vintage",
                                    error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, account_id);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      KvotaHolding *holding = NULL;
      KvotaUnitType unit_type;
      KvotaBlockState state;
      int vintage = sqlite3_column_int (statement, 1);

      if (!kvota_unit_type_from_string ((const char *) sqlite3_column_text (statement, 0), &unit_type) ||
          !kvota_block_state_from_string ((const char *) sqlite3_column_text (statement, 2), &state))
        continue;

      if (holdings->len > 0)
        {
          KvotaHolding *last = &g_array_index (holdings, KvotaHolding, holdings->len - 1);

          if (last->unit_type == unit_type && last->vintage == vintage)
            holding = last;
        }

      if (holding == NULL)
        {
          KvotaHolding empty = { unit_type, vintage, 0, 0, 0, 0, 0 };

          g_array_append_val (holdings, empty);
          holding = &g_array_index (holdings, KvotaHolding, holdings->len - 1);
        }

      *holding_slot (holding, state) = sqlite3_column_int64 (statement, 3);
    }

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&holdings);
}

static gboolean
invariant_broken (GError     **error,
                  const char  *unit_type,
                  int          vintage,
                  const char  *what)
{
  g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN,
               /* Translators: the first %s is a unit type's name such as
                * “Quotas”, %d its vintage, the last %s what is wrong. */
               _("The ledger does not balance (%s, vintage %d): %s."),
               unit_type, vintage, what);
  return FALSE;
}

static gboolean
check_unit_type_vintage (KvotaStore        *self,
                         KvotaLedgerTotal  *total,
                         gint64             next_serial,
                         GError           **error)
{
  const char *unit_type = kvota_unit_type_to_string (total->unit_type);
  const char *unit_name = kvota_unit_type_describe (total->unit_type);
  gint64 expected_first = 1;
  KvotaQuantity issued_by_transactions = 0;
  KvotaQuantity retired_by_transactions[2] = { 0, 0 };
  int rc;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT first_serial, last_serial, state FROM blocks "
                            "WHERE unit_type = ? AND vintage = ? ORDER BY first_serial", error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_text (statement, 1, unit_type, -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 2, total->vintage);

    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        gint64 first = sqlite3_column_int64 (statement, 0);
        gint64 last = sqlite3_column_int64 (statement, 1);
        KvotaBlockState state;
        KvotaQuantity *sum;

        if (first != expected_first)
          return invariant_broken (error, unit_name, total->vintage,
                                   first < expected_first ?
                                   _("a serial number is in two blocks") :
                                   _("serial numbers are missing"));

        if (!kvota_block_state_from_string ((const char *) sqlite3_column_text (statement, 2), &state))
          return invariant_broken (error, unit_name, total->vintage, _("a block has an unknown state"));

        switch (state)
          {
          case KVOTA_BLOCK_STATE_SURRENDERED: sum = &total->surrendered; break;
          case KVOTA_BLOCK_STATE_CANCELLED:   sum = &total->cancelled; break;
          case KVOTA_BLOCK_STATE_AVAILABLE:
          case KVOTA_BLOCK_STATE_RESERVED:
          case KVOTA_BLOCK_STATE_PENDING:
          case KVOTA_N_BLOCK_STATES:
          default:                            sum = &total->held; break;
          }

        if (!kvota_quantity_add (*sum, last - first + 1, sum, error))
          return FALSE;

        expected_first = last + 1;
        total->n_blocks++;
      }

    if (rc != SQLITE_DONE)
      return _kvota_store_storage_error (self, error);
  }

  if (expected_first != next_serial)
    return invariant_broken (error, unit_name, total->vintage,
                             _("the blocks do not add up to the units issued"));

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT kind, sum (quantity) FROM transactions "
                            "WHERE unit_type = ? AND vintage = ? AND state = 'completed' "
                            "AND kind IN ('issuance', 'surrender', 'cancellation') GROUP BY kind",
                            error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_text (statement, 1, unit_type, -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 2, total->vintage);

    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        const char *kind = (const char *) sqlite3_column_text (statement, 0);
        KvotaQuantity sum = sqlite3_column_int64 (statement, 1);

        if (g_strcmp0 (kind, "issuance") == 0)
          issued_by_transactions = sum;
        else if (g_strcmp0 (kind, "surrender") == 0)
          retired_by_transactions[0] = sum;
        else
          retired_by_transactions[1] = sum;
      }

    if (rc != SQLITE_DONE)
      return _kvota_store_storage_error (self, error);
  }

  total->issued = next_serial - 1;

  if (issued_by_transactions != total->issued)
    return invariant_broken (error, unit_name, total->vintage,
                             _("the issuances do not add up to the serial numbers issued"));

  if (retired_by_transactions[0] != total->surrendered ||
      retired_by_transactions[1] != total->cancelled)
    return invariant_broken (error, unit_name, total->vintage,
                             _("the surrendered or cancelled blocks do not match their transactions"));

  return TRUE;
}

/**
 * kvota_store_check_ledger:
 * @self: a #KvotaStore
 * @error: return location for a #GError, or %NULL
 *
 * Proves the ledger's invariant, for every unit type and vintage: the
 * blocks tile the serials issued exactly (no serial in two blocks, none
 * missing), so issued = held + surrendered + cancelled; the issuance,
 * surrender and cancellation transactions add up to the same; and every
 * pending block belongs to a proposed transfer of the right size. It reads
 * one consistent snapshot.
 *
 * Returns: (transfer full) (element-type KvotaLedgerTotal) (nullable): the
 *   totals, or %NULL with %KVOTA_ERROR_INVARIANT_BROKEN saying what is wrong
 */
GArray *
kvota_store_check_ledger (KvotaStore  *self,
                          GError     **error)
{
  g_autoptr(GArray) totals = g_array_new (FALSE, TRUE, sizeof (KvotaLedgerTotal));
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if (sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT unit_type, vintage, next_serial FROM serial_counters "
                                  "ORDER BY unit_type, vintage", error);

    if (statement == NULL)
      goto failed;

    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        KvotaLedgerTotal total = { 0, };

        if (!kvota_unit_type_from_string ((const char *) sqlite3_column_text (statement, 0),
                                          &total.unit_type))
          {
            invariant_broken (error, (const char *) sqlite3_column_text (statement, 0),
                              sqlite3_column_int (statement, 1), _("the unit type is unknown"));
            goto failed;
          }
        total.vintage = sqlite3_column_int (statement, 1);
        total.issued = sqlite3_column_int64 (statement, 2);
        g_array_append_val (totals, total);
      }

    if (rc != SQLITE_DONE)
      {
        _kvota_store_storage_error (self, error);
        goto failed;
      }
  }

  for (guint i = 0; i < totals->len; i++)
    {
      KvotaLedgerTotal *total = &g_array_index (totals, KvotaLedgerTotal, i);

      /* Until checked, issued holds the counter's next serial. */
      if (!check_unit_type_vintage (self, total, total->issued, error))
        goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT count(*) FROM blocks b WHERE NOT EXISTS "
                            "(SELECT 1 FROM serial_counters c WHERE c.unit_type = b.unit_type "
                            " AND c.vintage = b.vintage)", error);

    if (statement == NULL)
      goto failed;
    if (sqlite3_step (statement) != SQLITE_ROW || sqlite3_column_int64 (statement, 0) != 0)
      {
        g_set_error_literal (error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN,
                             _("The ledger holds blocks that were never issued."));
        goto failed;
      }
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT count(*) FROM transactions t WHERE t.kind = 'transfer' AND "
                            "(t.state = 'proposed') != (t.quantity = coalesce ((SELECT sum "
                            "(b.last_serial - b.first_serial + 1) FROM blocks b WHERE "
                            "b.transaction_id = t.id AND b.state = 'pending' "
                            "AND b.account_id = t.from_account), 0))", error);

    if (statement == NULL)
      goto failed;
    if (sqlite3_step (statement) != SQLITE_ROW || sqlite3_column_int64 (statement, 0) != 0)
      {
        g_set_error_literal (error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN,
                             _("The pending units do not match the proposed transfers."));
        goto failed;
      }
  }

  {
    /* Reserved units belong to an open sale order, and to nothing else. */
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT count(*) FROM blocks b WHERE (b.state = 'reserved') != "
                            "(b.order_id IS NOT NULL AND EXISTS (SELECT 1 FROM sale_orders o "
                            " WHERE o.id = b.order_id AND o.state = 'open' AND o.account_id = b.account_id))",
                            error);

    if (statement == NULL)
      goto failed;
    if (sqlite3_step (statement) != SQLITE_ROW || sqlite3_column_int64 (statement, 0) != 0)
      {
        g_set_error_literal (error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN,
                             _("The reserved units do not match the open sale orders."));
        goto failed;
      }
  }

  {
    /* The trading report reads statistics the triggers keep: they must
     * be exactly what the history of completed transfers says. Each row
     * of a table and of its recomputation pairs up with its twin; one
     * left alone is a difference. Each recomputation runs once. */
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "SELECT (SELECT count (*) FROM (SELECT * FROM (SELECT * FROM trading_months "
                            "UNION ALL " KVOTA_TRADING_MONTHS_QUERY ") GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 "
                            "HAVING count (*) != 2)) + "
                            "(SELECT count (*) FROM (SELECT * FROM (SELECT * FROM trading_sectors "
                            "UNION ALL " KVOTA_TRADING_SECTORS_QUERY ") GROUP BY 1, 2, 3, 4 "
                            "HAVING count (*) != 2)) + "
                            "(SELECT count (*) FROM (SELECT * FROM (SELECT * FROM trading_accounts "
                            "UNION ALL " KVOTA_TRADING_ACCOUNTS_QUERY ") GROUP BY 1, 2, 3, 4, 5 "
                            "HAVING count (*) != 2))",
                            error);

    if (statement == NULL)
      goto failed;
    if (sqlite3_step (statement) != SQLITE_ROW || sqlite3_column_int64 (statement, 0) != 0)
      {
        g_set_error_literal (error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN,
                             _("The trading statistics do not match the completed transfers."));
        goto failed;
      }
  }

  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  return g_steal_pointer (&totals);

failed:
  _kvota_store_rollback (self);
  return NULL;
}
