/* kvota-store-trading.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* Trading through intermediaries. A nature user chooses one broker or
 * trader (a mandate; the history is kept), signs quotas for sale through it
 * (a sale order: the units are reserved in its account), and the
 * intermediary proposes their transfer to a buyer, with the price, the deal
 * date, the exchange or contract reference and the confirming documents.
 * The administrator decides the transfer as any other; a sale that falls
 * through returns its units to the order. */

static gboolean
organisation_of_type (KvotaStore       *self,
                      gint64            id,
                      const char       *field,
                      gboolean        (*accepted) (KvotaHolderType type),
                      GError          **error)
{
  g_autoptr(KvotaOrganisation) organisation = kvota_store_get_organisation (self, id, NULL);

  if (organisation == NULL || !accepted (organisation->holder_type))
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, field);
      return FALSE;
    }

  if (organisation->state != KVOTA_USER_STATE_ACTIVE)
    {
      kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, field);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_nature_user (KvotaHolderType type)
{
  return type == KVOTA_HOLDER_TYPE_NATURE_USER;
}

/**
 * kvota_store_get_intermediary:
 * @self: a #KvotaStore
 * @organisation_id: a nature user
 *
 * Returns: the organisation its current mandate names, or 0
 */
gint64
kvota_store_get_intermediary (KvotaStore *self,
                              gint64      organisation_id)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  statement = _kvota_store_prepare (self, "SELECT intermediary_id FROM mandates "
                                          "WHERE organisation_id = ? AND ended IS NULL", NULL);
  if (statement == NULL)
    return 0;

  sqlite3_bind_int64 (statement, 1, organisation_id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (statement, 0);
}

/**
 * kvota_store_list_mandates:
 * @self: a #KvotaStore
 * @organisation_id: only this nature user's mandates, or 0
 * @intermediary_id: only the mandates naming this broker or trader, or 0
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaMandate): the mandates, the
 *   ones in force first, then the most recent
 */
GPtrArray *
kvota_store_list_mandates (KvotaStore  *self,
                           gint64       organisation_id,
                           gint64       intermediary_id,
                           GError     **error)
{
  g_autoptr(GPtrArray) mandates = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_mandate_free);
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT m.id, m.organisation_id, o.name, a.number, m.intermediary_id, "
                                          "i.name, m.started, m.ended FROM mandates m "
                                          "JOIN organisations o ON o.id = m.organisation_id "
                                          "LEFT JOIN accounts a ON a.organisation_id = o.id "
                                          "JOIN organisations i ON i.id = m.intermediary_id "
                                          "WHERE (?1 = 0 OR m.organisation_id = ?1) "
                                          "AND (?2 = 0 OR m.intermediary_id = ?2) "
                                          "ORDER BY m.ended IS NOT NULL, m.id DESC", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, organisation_id);
  sqlite3_bind_int64 (statement, 2, intermediary_id);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      KvotaMandate *mandate = g_new0 (KvotaMandate, 1);
      const char *ended = (const char *) sqlite3_column_text (statement, 7);

      mandate->id = sqlite3_column_int64 (statement, 0);
      mandate->organisation_id = sqlite3_column_int64 (statement, 1);
      mandate->organisation_name = g_strdup ((const char *) sqlite3_column_text (statement, 2));
      mandate->account = g_strdup ((const char *) sqlite3_column_text (statement, 3));
      mandate->intermediary_id = sqlite3_column_int64 (statement, 4);
      mandate->intermediary_name = g_strdup ((const char *) sqlite3_column_text (statement, 5));
      mandate->started = kvota_timestamp_parse ((const char *) sqlite3_column_text (statement, 6));
      mandate->ended = ended != NULL ? kvota_timestamp_parse (ended) : NULL;
      g_ptr_array_add (mandates, mandate);
    }

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&mandates);
}

/**
 * kvota_store_choose_intermediary:
 * @self: a #KvotaStore
 * @actor: who chooses
 * @organisation_id: a nature user
 * @intermediary_id: a broker or trader
 * @error: return location for a #GError, or %NULL
 *
 * Ends the nature user's mandate in force, if any, and starts one with
 * @intermediary_id. Sale orders of the ended mandate stay with their
 * intermediary until they are sold or withdrawn.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_choose_intermediary (KvotaStore  *self,
                                 const char  *actor,
                                 gint64       organisation_id,
                                 gint64       intermediary_id,
                                 GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = g_strdup_printf ("organisation/%" G_GINT64_FORMAT, organisation_id);
  gint64 previous;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if (!organisation_of_type (self, organisation_id, "organisation_id", is_nature_user, error) ||
      !organisation_of_type (self, intermediary_id, "intermediary_id", kvota_holder_type_is_intermediary, error))
    goto failed;

  previous = kvota_store_get_intermediary (self, organisation_id);
  if (previous == intermediary_id)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, "intermediary_id");
      goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) end =
      _kvota_store_prepare (self, "UPDATE mandates SET ended = ? WHERE organisation_id = ? AND ended IS NULL",
                            error);
    g_autoptr(sqlite3_stmt) start =
      _kvota_store_prepare (self, "INSERT INTO mandates (organisation_id, intermediary_id, started) "
                                  "VALUES (?, ?, ?)", error);

    if (end == NULL || start == NULL)
      goto failed;
    sqlite3_bind_text (end, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (end, 2, organisation_id);
    sqlite3_bind_int64 (start, 1, organisation_id);
    sqlite3_bind_int64 (start, 2, intermediary_id);
    sqlite3_bind_text (start, 3, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, end, error) || !_kvota_store_step_done (self, start, error))
      goto failed;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "intermediary_id");
  json_builder_add_int_value (builder, intermediary_id);
  json_builder_set_member_name (builder, "previous_intermediary_id");
  if (previous > 0)
    json_builder_add_int_value (builder, previous);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  after = json_builder_get_root (builder);

  if (!_kvota_store_audit (self, actor, "mandate.choose", object, NULL, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

#define ORDER_COLUMNS \
  "o.id, a.number, g.id, g.name, o.intermediary_id, o.unit_type, o.vintage, o.quantity, " \
  "coalesce ((SELECT sum (last_serial - first_serial + 1) FROM blocks b WHERE b.order_id = o.id " \
  "           AND b.state = 'reserved'), 0), " \
  "coalesce ((SELECT sum (b.last_serial - b.first_serial + 1) FROM blocks b JOIN transactions t " \
  "           ON t.id = b.transaction_id WHERE t.order_id = o.id AND b.state = 'pending'), 0), " \
  "o.min_price, o.state, o.created"

#define ORDER_FROM \
  " FROM sale_orders o JOIN accounts a ON a.id = o.account_id JOIN organisations g ON g.id = a.organisation_id "

static KvotaSaleOrder *
read_order (sqlite3_stmt *statement)
{
  KvotaSaleOrder *order = g_new0 (KvotaSaleOrder, 1);

  order->id = sqlite3_column_int64 (statement, 0);
  order->account = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  order->organisation_id = sqlite3_column_int64 (statement, 2);
  order->organisation_name = g_strdup ((const char *) sqlite3_column_text (statement, 3));
  order->intermediary_id = sqlite3_column_int64 (statement, 4);
  kvota_unit_type_from_string ((const char *) sqlite3_column_text (statement, 5), &order->unit_type);
  order->vintage = sqlite3_column_int (statement, 6);
  order->quantity = sqlite3_column_int64 (statement, 7);
  order->reserved = sqlite3_column_int64 (statement, 8);
  order->pending = sqlite3_column_int64 (statement, 9);
  order->min_price = sqlite3_column_type (statement, 10) == SQLITE_NULL ? -1 : sqlite3_column_int64 (statement, 10);
  order->state = g_strdup ((const char *) sqlite3_column_text (statement, 11));
  order->created = kvota_timestamp_parse ((const char *) sqlite3_column_text (statement, 12));

  return order;
}

/**
 * kvota_store_get_sale_order:
 * @self: a #KvotaStore
 * @id: a sale order
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the order
 */
KvotaSaleOrder *
kvota_store_get_sale_order (KvotaStore  *self,
                            gint64       id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " ORDER_COLUMNS ORDER_FROM "WHERE o.id = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  return read_order (statement);
}

/**
 * kvota_store_list_sale_orders:
 * @self: a #KvotaStore
 * @organisation_id: the seller, or 0
 * @intermediary_id: the intermediary, or 0
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaSaleOrder): the orders,
 *   newest first
 */
GPtrArray *
kvota_store_list_sale_orders (KvotaStore  *self,
                              gint64       organisation_id,
                              gint64       intermediary_id,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_sale_order_free);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " ORDER_COLUMNS ORDER_FROM
                                          "WHERE (?1 = 0 OR g.id = ?1) AND (?2 = 0 OR o.intermediary_id = ?2) "
                                          "ORDER BY o.id DESC", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, organisation_id);
  sqlite3_bind_int64 (statement, 2, intermediary_id);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (orders, read_order (statement));

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&orders);
}

static gboolean
audit_order (KvotaStore  *self,
             const char  *actor,
             const char  *action,
             gint64       id,
             GError     **error)
{
  g_autoptr(KvotaSaleOrder) order = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *object = g_strdup_printf ("sale-order/%" G_GINT64_FORMAT, id);

  if ((order = kvota_store_get_sale_order (self, id, error)) == NULL)
    return FALSE;

  after = kvota_sale_order_to_json (order);
  return _kvota_store_audit (self, actor, action, object, NULL, after, error);
}

/**
 * kvota_store_sign_for_sale:
 * @self: a #KvotaStore
 * @actor: who signs
 * @account: the nature user's holding account
 * @unit_type: the unit type
 * @vintage: the vintage
 * @quantity: how many units
 * @min_price: the lowest price per unit in tiyn, or -1
 * @error: return location for a #GError, or %NULL
 *
 * Reserves @quantity available units under a sale order of the account's
 * current intermediary.
 *
 * Returns: the order's id, or 0
 */
gint64
kvota_store_sign_for_sale (KvotaStore     *self,
                           const char     *actor,
                           const char     *account,
                           KvotaUnitType   unit_type,
                           int             vintage,
                           KvotaQuantity   quantity,
                           gint64          min_price,
                           GError        **error)
{
  g_autofree char *now = _kvota_store_now ();
  gint64 account_id;
  gint64 organisation_id;
  gint64 intermediary_id;
  gint64 id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  if (!kvota_quantity_validate (quantity, error))
    return 0;

  if (!_kvota_store_begin (self, error))
    return 0;

  if ((account_id = _kvota_store_open_account_id (self, account, "account", error)) == 0)
    goto failed;

  organisation_id = kvota_store_get_account_organisation (self, account);
  if ((intermediary_id = kvota_store_get_intermediary (self, organisation_id)) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_NO_INTERMEDIARY, NULL);
      goto failed;
    }

  /* An intermediary blocked since the mandate could sell nothing. */
  if (!organisation_of_type (self, intermediary_id, "intermediary_id", kvota_holder_type_is_intermediary, error))
    goto failed;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO sale_orders (account_id, intermediary_id, unit_type, vintage, "
                                  "quantity, min_price, created_by, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int64 (statement, 1, account_id);
    sqlite3_bind_int64 (statement, 2, intermediary_id);
    sqlite3_bind_text (statement, 3, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 4, vintage);
    sqlite3_bind_int64 (statement, 5, quantity);
    if (min_price >= 0)
      sqlite3_bind_int64 (statement, 6, min_price);
    sqlite3_bind_text (statement, 7, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 8, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if (!_kvota_store_move_units (self, account_id, unit_type, vintage, KVOTA_BLOCK_STATE_AVAILABLE, 0, 0,
                                quantity, account_id, KVOTA_BLOCK_STATE_RESERVED, 0, id, 0, error) ||
      !audit_order (self, actor, "sale-order.sign", id, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return id;

failed:
  _kvota_store_rollback (self);
  return 0;
}

/**
 * kvota_store_withdraw_sale:
 * @self: a #KvotaStore
 * @actor: who withdraws
 * @order_id: an open sale order
 * @quantity: how many of its reserved units, or 0 for all
 * @error: return location for a #GError, or %NULL
 *
 * Makes reserved units available again. Units in a proposed sale stay
 * there until the administrator decides it. An order with nothing left
 * for sale or pending is closed.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_withdraw_sale (KvotaStore     *self,
                           const char     *actor,
                           gint64          order_id,
                           KvotaQuantity   quantity,
                           GError        **error)
{
  g_autoptr(KvotaSaleOrder) order = NULL;
  gint64 account_id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (quantity < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_QUANTITY, "quantity");
      return FALSE;
    }

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((order = kvota_store_get_sale_order (self, order_id, error)) == NULL)
    goto failed;

  if (g_strcmp0 (order->state, "open") != 0 || order->reserved == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  if (quantity > order->reserved)
    {
      kvota_set_error (error, KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
      goto failed;
    }

  account_id = _kvota_store_account_id (self, order->account, error);
  if (account_id == 0 ||
      !_kvota_store_move_units (self, account_id, order->unit_type, order->vintage,
                                KVOTA_BLOCK_STATE_RESERVED, 0, order_id, quantity, account_id,
                                KVOTA_BLOCK_STATE_AVAILABLE, 0, 0, 0, error))
    goto failed;

  if ((quantity == 0 || quantity == order->reserved) && order->pending == 0)
    {
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "UPDATE sale_orders SET state = 'withdrawn', closed = ? WHERE id = ?", error);
      g_autofree char *now = _kvota_store_now ();

      if (statement == NULL)
        goto failed;
      sqlite3_bind_text (statement, 1, now, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 2, order_id);
      if (!_kvota_store_step_done (self, statement, error))
        goto failed;
    }

  if (!audit_order (self, actor, "sale-order.withdraw", order_id, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/* Records what confirms a proposed transfer: its sale order (or 0), price,
 * date and reference, and its documents, stored once by their hash. */
gboolean
_kvota_store_record_deal (KvotaStore       *self,
                          gint64            transaction_id,
                          gint64            order_id,
                          const KvotaDeal  *deal,
                          GError          **error)
{
  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE transactions SET order_id = ?, price = ?, deal_date = ?, "
                                  "reference = ? WHERE id = ?", error);

    if (statement == NULL)
      return FALSE;
    if (order_id > 0)
      sqlite3_bind_int64 (statement, 1, order_id);
    if (deal->price >= 0)
      sqlite3_bind_int64 (statement, 2, deal->price);
    sqlite3_bind_text (statement, 3, deal->deal_date, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, deal->reference, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 5, transaction_id);
    if (!_kvota_store_step_done (self, statement, error))
      return FALSE;
  }

  for (guint i = 0; deal->documents != NULL && i < deal->documents->len; i++)
    {
      KvotaDocument *document = g_ptr_array_index (deal->documents, i);
      g_autoptr(sqlite3_stmt) statement = NULL;
      g_autofree char *sha256 = NULL;

      if ((sha256 = _kvota_store_insert_document (self, document->bytes, document->content_type, error)) == NULL)
        return FALSE;

      statement = _kvota_store_prepare (self, "INSERT INTO transaction_documents (transaction_id, sha256, name) "
                                              "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", error);
      if (statement == NULL)
        return FALSE;
      sqlite3_bind_int64 (statement, 1, transaction_id);
      sqlite3_bind_text (statement, 2, sha256, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 3, document->name, -1, SQLITE_STATIC);
      if (!_kvota_store_step_done (self, statement, error))
        return FALSE;
    }

  return TRUE;
}

/* What a deal's caller may get wrong before anything is written. */
gboolean
_kvota_store_check_deal (const KvotaDeal  *deal,
                         GError          **error)
{
  if (deal->price < -1)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "price_tiyn");
      return FALSE;
    }

  if (deal->reference != NULL && !kvota_json_text_is_clean (deal->reference, FALSE))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "reference");
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_store_propose_sale:
 * @self: a #KvotaStore
 * @actor: the intermediary's user
 * @intermediary_id: the intermediary's organisation
 * @order_id: an open sale order it controls
 * @to_account: the buyer's holding account
 * @quantity: how many units
 * @price: the price per unit in tiyn
 * @deal_date: the deal's date, `YYYY-MM-DD`
 * @reference: (nullable): the exchange or contract reference
 * @documents: (element-type KvotaDocument): the confirming documents
 * @error: return location for a #GError, or %NULL
 *
 * Proposes a transfer of reserved units to a buyer; they are pending until
 * the administrator decides.
 *
 * Returns: (transfer full) (nullable): the proposed transfer
 */
KvotaTransaction *
kvota_store_propose_sale (KvotaStore     *self,
                          const char     *actor,
                          gint64          intermediary_id,
                          gint64          order_id,
                          const char     *to_account,
                          KvotaQuantity   quantity,
                          gint64          price,
                          const char     *deal_date,
                          const char     *reference,
                          GPtrArray      *documents,
                          GError        **error)
{
  g_autoptr(KvotaSaleOrder) order = NULL;
  KvotaTransaction *transaction;
  gint64 from_id;
  gint64 to_id;
  gint64 id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if (!kvota_quantity_validate (quantity, error))
    return NULL;

  if (price < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "price_tiyn");
      return NULL;
    }

  {
    KvotaDeal deal = { price, deal_date, reference, documents };

    if (!_kvota_store_check_deal (&deal, error))
      return NULL;
  }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if ((order = kvota_store_get_sale_order (self, order_id, error)) == NULL)
    goto failed;

  if (order->intermediary_id != intermediary_id)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_INTERMEDIARY, NULL);
      goto failed;
    }

  if (g_strcmp0 (order->state, "open") != 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  if (quantity > order->reserved)
    {
      kvota_set_error (error, KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
      goto failed;
    }

  if (order->min_price >= 0 && price < order->min_price)
    {
      kvota_set_error (error, KVOTA_ERROR_PRICE_TOO_LOW, "price_tiyn");
      goto failed;
    }

  if (g_strcmp0 (to_account, order->account) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_SAME_ACCOUNT, "to_account");
      goto failed;
    }

  if ((from_id = _kvota_store_open_account_id (self, order->account, "from_account", error)) == 0 ||
      (to_id = _kvota_store_open_account_id (self, to_account, "to_account", error)) == 0)
    goto failed;

  id = _kvota_store_insert_transaction (self, KVOTA_TRANSACTION_KIND_TRANSFER, KVOTA_TRANSACTION_STATE_PROPOSED,
                                        order->unit_type, order->vintage, quantity, from_id, to_id, actor,
                                        error);
  if (id == 0)
    goto failed;

  {
    KvotaDeal deal = { price, deal_date, reference, documents };

    if (!_kvota_store_record_deal (self, id, order_id, &deal, error))
      goto failed;
  }

  if (!_kvota_store_move_units (self, from_id, order->unit_type, order->vintage, KVOTA_BLOCK_STATE_RESERVED,
                                0, order_id, quantity, from_id, KVOTA_BLOCK_STATE_PENDING, id, 0, id, error) ||
      (transaction = _kvota_store_audit_transaction (self, actor, "ledger.transfer.propose", id, NULL,
                                                     error)) == NULL)
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

static gint64
column_price (sqlite3_stmt *statement,
              int           column)
{
  return sqlite3_column_type (statement, column) == SQLITE_NULL ? -1 : sqlite3_column_int64 (statement, column);
}

/* Reads (year, month, quantity, transactions, priced quantity, value, min
 * price, max price) rows into @figures. */
static gboolean
read_figures (KvotaStore    *self,
              sqlite3_stmt  *statement,
              int            year,
              GArray        *figures,
              GError       **error)
{
  int rc;

  sqlite3_bind_int (statement, 1, year);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      KvotaTradingFigures entry = {
        sqlite3_column_int (statement, 0),
        sqlite3_column_int (statement, 1),
        sqlite3_column_int64 (statement, 2),
        sqlite3_column_int64 (statement, 3),
        sqlite3_column_int64 (statement, 4),
        sqlite3_column_int64 (statement, 5),
        column_price (statement, 6),
        column_price (statement, 7),
      };

      g_array_append_val (figures, entry);
    }

  return rc == SQLITE_DONE || _kvota_store_storage_error (self, error);
}

/**
 * kvota_store_trading_report:
 * @self: a #KvotaStore
 * @year: a year, or 0 for every year
 * @error: return location for a #GError, or %NULL
 *
 * The trading report: the completed transfers of quotas of each year, by
 * their deal date (their confirmation date when they have none), and the
 * quotas they moved; by month, with the prices stated; by the sellers'
 * sector; and the accounts that traded most. It reads the statistics the
 * ledger keeps as transfers complete, so it costs the same for ten
 * transfers or ten million.
 *
 * Returns: (transfer full): the report; a year without trades has no line
 */
KvotaTradingReport *
kvota_store_trading_report (KvotaStore  *self,
                            int          year,
                            GError     **error)
{
  g_autoptr(KvotaTradingReport) report = kvota_trading_report_new ();
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  /* One read transaction: the four tables agree with each other. */
  if (sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT year, 0, sum (quantity), sum (transactions), sum (priced_quantity), "
                                  "sum (value), min (min_price), max (max_price) FROM trading_months "
                                  "WHERE ?1 = 0 OR year = ?1 GROUP BY year ORDER BY year", error);

    if (statement == NULL || !read_figures (self, statement, year, report->years, error))
      goto failed;
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT year, month, quantity, transactions, priced_quantity, value, "
                                  "min_price, max_price FROM trading_months "
                                  "WHERE ?1 = 0 OR year = ?1 ORDER BY year, month", error);
    g_autoptr(GArray) traded = g_array_new (FALSE, TRUE, sizeof (KvotaTradingFigures));
    guint next = 0;

    if (statement == NULL || !read_figures (self, statement, year, traded, error))
      goto failed;

    /* Every month of a year that traded, quiet ones as zeros: a chart
     * and a spreadsheet want all twelve. */
    for (guint i = 0; i < report->years->len; i++)
      for (int month = 1; month <= 12; month++)
        {
          KvotaTradingFigures quiet = { g_array_index (report->years, KvotaTradingFigures, i).year,
                                        month, 0, 0, 0, 0, -1, -1 };
          const KvotaTradingFigures *entry = next < traded->len ?
                                             &g_array_index (traded, KvotaTradingFigures, next) : NULL;

          if (entry != NULL && entry->year == quiet.year && entry->month == month)
            {
              g_array_append_vals (report->months, entry, 1);
              next++;
            }
          else
            g_array_append_val (report->months, quiet);
        }
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT year, sector, quantity, transactions FROM trading_sectors "
                                  "WHERE ?1 = 0 OR year = ?1 ORDER BY year, quantity DESC, sector", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int (statement, 1, year);
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        KvotaTradingSector *sector = g_new0 (KvotaTradingSector, 1);

        sector->year = sqlite3_column_int (statement, 0);
        sector->sector = g_strdup ((const char *) sqlite3_column_text (statement, 1));
        sector->quotas = sqlite3_column_int64 (statement, 2);
        sector->transactions = sqlite3_column_int64 (statement, 3);
        g_ptr_array_add (report->sectors, sector);
      }
    if (rc != SQLITE_DONE)
      {
        _kvota_store_storage_error (self, error);
        goto failed;
      }
  }

  /* The top accounts, a year at a time: each year's few thousand rows
   * are sorted, not every year's. */
  for (guint i = 0; i < report->years->len; i++)
    {
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "SELECT t.year, a.number, o.name, t.sold, t.bought, t.transactions "
                                    "FROM (SELECT * FROM trading_accounts WHERE year = ?1 "
                                    "      ORDER BY sold + bought DESC, account_id LIMIT ?2) t "
                                    "JOIN accounts a ON a.id = t.account_id "
                                    "JOIN organisations o ON o.id = a.organisation_id "
                                    "ORDER BY t.sold + t.bought DESC, t.account_id", error);
      guint rank = 0;

      if (statement == NULL)
        goto failed;
      sqlite3_bind_int (statement, 1, g_array_index (report->years, KvotaTradingFigures, i).year);
      sqlite3_bind_int (statement, 2, KVOTA_TRADING_TOP_ACCOUNTS);
      while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
        {
          KvotaTradingAccount *account = g_new0 (KvotaTradingAccount, 1);

          account->year = sqlite3_column_int (statement, 0);
          account->rank = ++rank;
          account->account = g_strdup ((const char *) sqlite3_column_text (statement, 1));
          account->name = g_strdup ((const char *) sqlite3_column_text (statement, 2));
          account->sold = sqlite3_column_int64 (statement, 3);
          account->bought = sqlite3_column_int64 (statement, 4);
          account->transactions = sqlite3_column_int64 (statement, 5);
          g_ptr_array_add (report->accounts, account);
        }
      if (rc != SQLITE_DONE)
        {
          _kvota_store_storage_error (self, error);
          goto failed;
        }
    }

  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  return g_steal_pointer (&report);

failed:
  _kvota_store_rollback (self);
  return NULL;
}
