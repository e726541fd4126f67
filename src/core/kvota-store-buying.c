/* kvota-store-buying.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* Buy requests. A nature user asks to buy quotas only through its
 * intermediary, as it sells: the request names the intermediary of the
 * mandate in force, which finds a seller. Nothing is reserved; the request
 * stays open until the nature user withdraws it. */

/**
 * kvota_buy_request_free:
 * @request: (transfer full): a #KvotaBuyRequest
 */
void
kvota_buy_request_free (KvotaBuyRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->organisation);
  g_free (request->state);
  g_free (request->created_by);
  g_free (request->created);
  g_free (request);
}

/**
 * kvota_buy_request_to_json:
 * @request: a #KvotaBuyRequest
 *
 * Returns: (transfer full): @request as the API shows it
 */
JsonNode *
kvota_buy_request_to_json (const KvotaBuyRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (request != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, request->id);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, request->organisation_id);
  json_builder_set_member_name (builder, "organisation");
  json_builder_add_string_value (builder, request->organisation);
  json_builder_set_member_name (builder, "intermediary_id");
  json_builder_add_int_value (builder, request->intermediary_id);
  json_builder_set_member_name (builder, "unit_type");
  json_builder_add_string_value (builder, kvota_unit_type_to_string (request->unit_type));
  json_builder_set_member_name (builder, "vintage");
  json_builder_add_int_value (builder, request->vintage);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, request->quantity);
  json_builder_set_member_name (builder, "max_price_tiyn");
  if (request->max_price >= 0)
    json_builder_add_int_value (builder, request->max_price);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, request->state);
  json_builder_set_member_name (builder, "created_by");
  json_builder_add_string_value (builder, request->created_by);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, request->created);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

#define REQUEST_SELECT \
  "SELECT r.id, r.organisation_id, g.name, r.intermediary_id, r.unit_type, r.vintage, r.quantity, " \
  "r.max_price, r.state, r.created_by, r.created " \
  "FROM buy_requests r JOIN organisations g ON g.id = r.organisation_id "

static KvotaBuyRequest *
read_request (sqlite3_stmt *statement)
{
  KvotaBuyRequest *request = g_new0 (KvotaBuyRequest, 1);

  request->id = sqlite3_column_int64 (statement, 0);
  request->organisation_id = sqlite3_column_int64 (statement, 1);
  request->organisation = g_strdup ((const char *) sqlite3_column_text (statement, 2));
  request->intermediary_id = sqlite3_column_int64 (statement, 3);
  kvota_unit_type_from_string ((const char *) sqlite3_column_text (statement, 4), &request->unit_type);
  request->vintage = sqlite3_column_int (statement, 5);
  request->quantity = sqlite3_column_int64 (statement, 6);
  request->max_price = sqlite3_column_type (statement, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64 (statement, 7);
  request->state = g_strdup ((const char *) sqlite3_column_text (statement, 8));
  request->created_by = g_strdup ((const char *) sqlite3_column_text (statement, 9));
  request->created = g_strdup ((const char *) sqlite3_column_text (statement, 10));

  return request;
}

/**
 * kvota_store_get_buy_request:
 * @self: a #KvotaStore
 * @id: a buy request
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the request
 */
KvotaBuyRequest *
kvota_store_get_buy_request (KvotaStore  *self,
                             gint64       id,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if ((statement = _kvota_store_prepare (self, REQUEST_SELECT "WHERE r.id = ?", error)) == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  return read_request (statement);
}

/**
 * kvota_store_list_buy_requests:
 * @self: a #KvotaStore
 * @organisation_id: the requester, or 0
 * @intermediary_id: the intermediary, or 0
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaBuyRequest): the requests,
 *   newest first
 */
GPtrArray *
kvota_store_list_buy_requests (KvotaStore  *self,
                               gint64       organisation_id,
                               gint64       intermediary_id,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_buy_request_free);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, REQUEST_SELECT
                                    "WHERE (?1 = 0 OR r.organisation_id = ?1) AND (?2 = 0 OR r.intermediary_id = ?2) "
                                    "ORDER BY r.id DESC", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, organisation_id);
  sqlite3_bind_int64 (statement, 2, intermediary_id);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (requests, read_request (statement));

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&requests);
}

static gboolean
audit_request (KvotaStore  *self,
               const char  *actor,
               const char  *action,
               gint64       id,
               JsonNode    *before,
               GError     **error)
{
  g_autoptr(KvotaBuyRequest) request = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *object = g_strdup_printf ("buy-request/%" G_GINT64_FORMAT, id);

  if ((request = kvota_store_get_buy_request (self, id, error)) == NULL)
    return FALSE;

  after = kvota_buy_request_to_json (request);
  return _kvota_store_audit (self, actor, action, object, before, after, error);
}

/**
 * kvota_store_create_buy_request:
 * @self: a #KvotaStore
 * @actor: who asks
 * @organisation_id: the nature user that wants to buy
 * @unit_type: the unit type
 * @vintage: the vintage
 * @quantity: how many units
 * @max_price: the highest price per unit in tiyn, or -1
 * @error: return location for a #GError, or %NULL
 *
 * Addresses a request to buy to the nature user's current intermediary.
 *
 * Returns: the request's id, or 0
 */
gint64
kvota_store_create_buy_request (KvotaStore     *self,
                                const char     *actor,
                                gint64          organisation_id,
                                KvotaUnitType   unit_type,
                                int             vintage,
                                KvotaQuantity   quantity,
                                gint64          max_price,
                                GError        **error)
{
  g_autoptr(KvotaOrganisation) intermediary = NULL;
  g_autofree char *now = _kvota_store_now ();
  gint64 intermediary_id;
  gint64 id = 0;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);
  g_return_val_if_fail (actor != NULL, 0);

  if (!kvota_quantity_validate (quantity, error))
    return 0;

  if (vintage < KVOTA_VINTAGE_MIN || vintage > KVOTA_VINTAGE_MAX)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "vintage");
      return 0;
    }

  if (!_kvota_store_begin (self, error))
    return 0;

  if ((intermediary_id = kvota_store_get_intermediary (self, organisation_id)) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_NO_INTERMEDIARY, NULL);
      goto failed;
    }

  /* An intermediary blocked since the mandate could buy nothing. */
  intermediary = kvota_store_get_organisation (self, intermediary_id, error);
  if (intermediary == NULL)
    goto failed;
  if (intermediary->state != KVOTA_USER_STATE_ACTIVE)
    {
      kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, "intermediary_id");
      goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO buy_requests (organisation_id, intermediary_id, unit_type, vintage, "
                                  "quantity, max_price, created_by, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int64 (statement, 1, organisation_id);
    sqlite3_bind_int64 (statement, 2, intermediary_id);
    sqlite3_bind_text (statement, 3, kvota_unit_type_to_string (unit_type), -1, SQLITE_STATIC);
    sqlite3_bind_int (statement, 4, vintage);
    sqlite3_bind_int64 (statement, 5, quantity);
    if (max_price >= 0)
      sqlite3_bind_int64 (statement, 6, max_price);
    sqlite3_bind_text (statement, 7, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 8, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if (!audit_request (self, actor, "buy-request.create", id, NULL, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return id;

failed:
  _kvota_store_rollback (self);
  return 0;
}

/**
 * kvota_store_withdraw_buy_request:
 * @self: a #KvotaStore
 * @actor: who withdraws
 * @id: a buy request
 * @organisation_id: the requester: another organisation's request is not found
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_withdraw_buy_request (KvotaStore  *self,
                                  const char  *actor,
                                  gint64       id,
                                  gint64       organisation_id,
                                  GError     **error)
{
  g_autoptr(KvotaBuyRequest) request = NULL;
  g_autoptr(JsonNode) before = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((request = kvota_store_get_buy_request (self, id, error)) == NULL)
    goto failed;

  if (request->organisation_id != organisation_id)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      goto failed;
    }

  if (g_strcmp0 (request->state, "open") != 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  before = kvota_buy_request_to_json (request);

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE buy_requests SET state = 'withdrawn' WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int64 (statement, 1, id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if (!audit_request (self, actor, "buy-request.withdraw", id, before, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}
