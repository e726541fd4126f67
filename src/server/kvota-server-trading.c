/* kvota-server-trading.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include "kvota-document.h"
#include "kvota-error.h"
#include "kvota-server-private.h"

/* Trading through intermediaries: mandates, sale orders, the
 * intermediary's proposed sales with their documents, and the trading
 * report. */

#define MAX_DOCUMENTS 10

/* POST /api/v1/mandates */

typedef struct
{
  gint64 intermediary_id;
} MandateBody;

static const KvotaField mandate_fields[] = {
  { "intermediary_id", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (MandateBody, intermediary_id), -1 },
};

void
_kvota_choose_intermediary_cb (KvotaServer  *self,
                               KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  MandateBody body = { 0, };

  if (!_kvota_request_read_body (request, mandate_fields, G_N_ELEMENTS (mandate_fields), &body, FALSE, &error) ||
      !kvota_store_choose_intermediary (self->store, _kvota_request_actor (request),
                                        request->principal->organisation_id, body.intermediary_id, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mandate");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, request->principal->organisation_id);
  json_builder_set_member_name (builder, "intermediary_id");
  json_builder_add_int_value (builder, body.intermediary_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

/* GET /api/v1/mandates: a nature user's own history, the clients of an
 * intermediary (those that chose it, now or before), or all of them. */
/* What a nature user needs to choose: not the intermediary's address. */
static JsonNode *
intermediary_to_json (gconstpointer item)
{
  const KvotaOrganisation *organisation = item;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, organisation->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, organisation->name);
  json_builder_set_member_name (builder, "bin");
  json_builder_add_string_value (builder, organisation->bin);
  json_builder_set_member_name (builder, "holder_type");
  json_builder_add_string_value (builder, kvota_holder_type_to_string (organisation->holder_type));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
_kvota_list_mandates_cb (KvotaServer  *self,
                         KvotaRequest *request)
{
  g_autoptr(GPtrArray) mandates = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 organisation_id, intermediary_id;

  _kvota_principal_list_scope (request->principal, &organisation_id, &intermediary_id);
  if (!_kvota_request_check_query (request, NULL, &error) ||
      (mandates = kvota_store_list_mandates (self->store, organisation_id, intermediary_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("mandates", _kvota_array_node (mandates, (KvotaToJson) kvota_mandate_to_json));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* GET /api/v1/intermediaries: the brokers and traders a nature user may
 * choose, active ones only. */
void
_kvota_list_intermediaries_cb (KvotaServer  *self,
                               KvotaRequest *request)
{
  g_autoptr(GPtrArray) organisations = NULL;
  g_autoptr(GPtrArray) intermediaries = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!_kvota_request_check_query (request, NULL, &error) ||
      (organisations = kvota_store_list_organisations (self->store, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  for (guint i = 0; i < organisations->len; i++)
    {
      KvotaOrganisation *organisation = g_ptr_array_index (organisations, i);

      if (kvota_holder_type_is_intermediary (organisation->holder_type) &&
          organisation->state == KVOTA_USER_STATE_ACTIVE)
        g_ptr_array_add (intermediaries, organisation);
    }

  node = _kvota_object_node ("intermediaries",
                             _kvota_array_node (intermediaries, (KvotaToJson) intermediary_to_json));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* Sale orders */

static gboolean
may_see_order (KvotaRequest         *request,
               const KvotaSaleOrder *order)
{
  const KvotaPrincipal *principal = request->principal;

  return _kvota_principal_is_oversight (principal) ||
         order->organisation_id == principal->organisation_id ||
         order->intermediary_id == principal->organisation_id;
}

static void
reply_order (KvotaServer  *self,
             KvotaRequest *request,
             guint         status,
             gint64        id)
{
  g_autoptr(KvotaSaleOrder) order = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if ((order = kvota_store_get_sale_order (self->store, id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("sale_order", kvota_sale_order_to_json (order));
  _kvota_request_reply_json (request, status, node);
}

typedef struct
{
  char     *unit_type;
  gint64    vintage;
  gint64    quantity;
  gint64    min_price;
  gboolean  has_min_price;
} OrderBody;

static const KvotaField order_fields[] = {
  { "unit_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (OrderBody, unit_type), -1 },
  { "vintage", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (OrderBody, vintage), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (OrderBody, quantity), -1 },
  { "min_price_tiyn", KVOTA_FIELD_INT64, FALSE, G_STRUCT_OFFSET (OrderBody, min_price),
    G_STRUCT_OFFSET (OrderBody, has_min_price) },
};

void
_kvota_sign_for_sale_cb (KvotaServer  *self,
                         KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  OrderBody body = { NULL, };
  KvotaUnitType unit_type;
  gint64 id = 0;

  if (!_kvota_request_read_body (request, order_fields, G_N_ELEMENTS (order_fields), &body, FALSE, &error))
    goto out;

  if (!_kvota_request_check_units (body.unit_type, body.vintage, body.quantity, &unit_type, &error))
    goto out;
  else if (body.has_min_price && body.min_price < 0)
    kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "min_price_tiyn");
  else
    id = kvota_store_sign_for_sale (self->store, _kvota_request_actor (request), request->principal->account,
                                    unit_type, (int) body.vintage, body.quantity,
                                    body.has_min_price ? body.min_price : -1, &error);

out:
  kvota_json_clear_strings (order_fields, G_N_ELEMENTS (order_fields), &body);
  if (id == 0)
    _kvota_request_reply_error (request, error);
  else
    reply_order (self, request, SOUP_STATUS_CREATED, id);
}

void
_kvota_list_sale_orders_cb (KvotaServer  *self,
                            KvotaRequest *request)
{
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 organisation_id, intermediary_id;

  _kvota_principal_list_scope (request->principal, &organisation_id, &intermediary_id);
  if (!_kvota_request_check_query (request, NULL, &error) ||
      (orders = kvota_store_list_sale_orders (self->store, organisation_id, intermediary_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("sale_orders", _kvota_array_node (orders, (KvotaToJson) kvota_sale_order_to_json));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

typedef struct
{
  gint64   quantity;
  gboolean has_quantity;
} WithdrawBody;

static const KvotaField withdraw_fields[] = {
  { "quantity", KVOTA_FIELD_INT64, FALSE, G_STRUCT_OFFSET (WithdrawBody, quantity),
    G_STRUCT_OFFSET (WithdrawBody, has_quantity) },
};

void
_kvota_withdraw_sale_cb (KvotaServer  *self,
                         KvotaRequest *request)
{
  g_autoptr(KvotaSaleOrder) order = NULL;
  g_autoptr(GError) error = NULL;
  WithdrawBody body = { 0, };
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_read_body (request, withdraw_fields, G_N_ELEMENTS (withdraw_fields), &body, TRUE, &error))
    goto failed;

  /* Only the seller withdraws; to others its orders do not exist. */
  if ((order = kvota_store_get_sale_order (self->store, id, &error)) == NULL)
    goto failed;
  if (order->organisation_id != request->principal->organisation_id)
    {
      kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, NULL);
      goto failed;
    }

  if (body.has_quantity && !kvota_quantity_validate (body.quantity, &error))
    {
      kvota_error_set_field (error, "quantity");
      goto failed;
    }

  if (!kvota_store_withdraw_sale (self->store, _kvota_request_actor (request), id,
                                  body.has_quantity ? body.quantity : 0, &error))
    goto failed;

  reply_order (self, request, SOUP_STATUS_OK, id);
  return;

failed:
  _kvota_request_reply_error (request, error);
}

/* POST /api/v1/sale-orders/{id}/transfers */

typedef struct
{
  char     *to_account;
  gint64    quantity;
  gint64    price;
  char     *deal_date;
  char     *reference;
  JsonNode *documents;
} SaleBody;

static const KvotaField sale_fields[] = {
  { "to_account", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (SaleBody, to_account), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (SaleBody, quantity), -1 },
  { "price_tiyn", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (SaleBody, price), -1 },
  { "deal_date", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (SaleBody, deal_date), -1 },
  { "reference", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (SaleBody, reference), -1 },
  { "documents", KVOTA_FIELD_ARRAY, TRUE, G_STRUCT_OFFSET (SaleBody, documents), -1 },
};

static void
document_free (gpointer data)
{
  KvotaDocument *document = data;

  g_free (document->name);
  g_clear_pointer (&document->bytes, g_bytes_unref);
  g_free (document);
}

/* [{"name", "data"}, …]: at least one, each a PDF or a scan. */
static GPtrArray *
read_documents (JsonNode  *node,
                GError   **error)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (document_free);
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);

  if (n == 0 || n > MAX_DOCUMENTS)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "documents");
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      KvotaDocument *document;
      const char *name;
      const char *data;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          (object = json_node_get_object (element)) == NULL ||
          json_object_get_size (object) != 2 ||
          (name = json_object_get_string_member_with_default (object, "name", NULL)) == NULL ||
          (data = json_object_get_string_member_with_default (object, "data", NULL)) == NULL)
        {
          kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "documents");
          return NULL;
        }

      document = g_new0 (KvotaDocument, 1);
      g_ptr_array_add (documents, document);
      if ((document->name = kvota_document_check_name (name)) == NULL)
        {
          kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "documents");
          return NULL;
        }
      if ((document->bytes = kvota_document_decode (data, &document->content_type, error)) == NULL)
        {
          kvota_error_set_field (*error, "documents");
          return NULL;
        }
    }

  return g_steal_pointer (&documents);
}

static gboolean
check_date (const char *text)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *midnight = NULL;

  if (text == NULL || strlen (text) != 10)
    return FALSE;

  /* YYYY-MM-DD and nothing else ISO 8601 allows, such as the week date
   * 2014-W10-3: the report and the client read the stored text. */
  for (guint i = 0; i < 10; i++)
    if ((i == 4 || i == 7) ? text[i] != '-' : !g_ascii_isdigit (text[i]))
      return FALSE;

  midnight = g_strdup_printf ("%sT00:00:00Z", text);
  return (date = g_date_time_new_from_iso8601 (midnight, NULL)) != NULL &&
         g_date_time_get_year (date) >= KVOTA_VINTAGE_MIN && g_date_time_get_year (date) <= KVOTA_VINTAGE_MAX;
}

void
_kvota_propose_sale_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(KvotaSaleOrder) order = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  SaleBody body = { NULL, };
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_read_body (request, sale_fields, G_N_ELEMENTS (sale_fields), &body, FALSE, &error))
    goto out;

  /* An intermediary sees only its clients' orders. */
  if ((order = kvota_store_get_sale_order (self->store, id, &error)) == NULL)
    goto out;
  if (!may_see_order (request, order))
    {
      g_clear_error (&error);
      kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, NULL);
      goto out;
    }

  if (!check_date (body.deal_date))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "deal_date");
      goto out;
    }

  if ((documents = read_documents (body.documents, &error)) == NULL)
    goto out;

  transaction = kvota_store_propose_sale (self->store, _kvota_request_actor (request),
                                          request->principal->organisation_id, id, body.to_account,
                                          body.quantity, body.price, body.deal_date, body.reference,
                                          documents, &error);

out:
  kvota_json_clear_strings (sale_fields, G_N_ELEMENTS (sale_fields), &body);
  if (transaction == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("transaction", kvota_transaction_to_json (transaction));
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

/* POST /api/v1/transfers: an individual or trading company sells from its
 * own account, with the documents that confirm the deal. */

typedef struct
{
  char     *from_account;
  char     *to_account;
  char     *unit_type;
  gint64    vintage;
  gint64    quantity;
  gint64    price;
  gboolean  has_price;
  char     *deal_date;
  char     *reference;
  JsonNode *documents;
} TransferBody;

static const KvotaField transfer_fields[] = {
  { "from_account", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (TransferBody, from_account), -1 },
  { "to_account", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (TransferBody, to_account), -1 },
  { "unit_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (TransferBody, unit_type), -1 },
  { "vintage", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (TransferBody, vintage), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (TransferBody, quantity), -1 },
  { "price_tiyn", KVOTA_FIELD_INT64, FALSE, G_STRUCT_OFFSET (TransferBody, price),
    G_STRUCT_OFFSET (TransferBody, has_price) },
  { "deal_date", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (TransferBody, deal_date), -1 },
  { "reference", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (TransferBody, reference), -1 },
  { "documents", KVOTA_FIELD_ARRAY, TRUE, G_STRUCT_OFFSET (TransferBody, documents), -1 },
};

void
_kvota_propose_transfer_cb (KvotaServer  *self,
                            KvotaRequest *request)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  TransferBody body = { NULL, };
  KvotaUnitType unit_type;

  if (!_kvota_request_read_body (request, transfer_fields, G_N_ELEMENTS (transfer_fields), &body, FALSE,
                                 &error) ||
      !_kvota_request_check_units (body.unit_type, body.vintage, body.quantity, &unit_type, &error))
    goto out;

  /* A holder moves units out of its own account only. */
  if (g_strcmp0 (body.from_account, request->principal->account) != 0)
    {
      kvota_set_error (&error, KVOTA_ERROR_FORBIDDEN, "from_account");
      goto out;
    }

  if (body.has_price && body.price < 0)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "price_tiyn");
      goto out;
    }

  if (body.deal_date != NULL && !check_date (body.deal_date))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "deal_date");
      goto out;
    }

  if ((documents = read_documents (body.documents, &error)) == NULL)
    goto out;

  {
    KvotaDeal deal = { body.has_price ? body.price : -1, body.deal_date, body.reference, documents };

    transaction = kvota_store_propose_transfer (self->store, _kvota_request_actor (request), body.from_account,
                                                body.to_account, unit_type, (int) body.vintage, body.quantity,
                                                &deal, &error);
  }

out:
  kvota_json_clear_strings (transfer_fields, G_N_ELEMENTS (transfer_fields), &body);
  if (transaction == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("transaction", kvota_transaction_to_json (transaction));
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

/* GET /api/v1/reports/trading */

void
_kvota_trading_report_cb (KvotaServer  *self,
                          KvotaRequest *request)
{
  static const char * const allowed[] = { "year", "format", "table", NULL };
  g_autoptr(KvotaTradingReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *format = request->query != NULL ? g_hash_table_lookup (request->query, "format") : NULL;
  const char *table_name = request->query != NULL ? g_hash_table_lookup (request->query, "table") : NULL;
  KvotaTradingTable table = KVOTA_TRADING_TABLE_YEARS;
  gboolean csv = format != NULL && g_str_equal (format, "csv");
  gint64 year = 0;

  if (!_kvota_request_check_query (request, allowed, &error) ||
      !_kvota_request_query_int (request, "year", KVOTA_VINTAGE_MIN, KVOTA_VINTAGE_MAX, &year, &error))
    goto failed;

  if (format != NULL && !csv && !g_str_equal (format, "json"))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "format");
      goto failed;
    }

  /* JSON carries every table; CSV one at a time. */
  if (table_name != NULL && (!csv || !kvota_trading_table_from_string (table_name, &table)))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "table");
      goto failed;
    }

  if ((report = kvota_store_trading_report (self->store, (int) year, &error)) == NULL)
    goto failed;

  if (csv)
    {
      char *text = kvota_trading_report_to_csv (report, table);

      soup_server_message_set_status (request->message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (request->message, "text/csv; charset=utf-8", SOUP_MEMORY_TAKE,
                                        text, strlen (text));
      return;
    }

  {
    g_autoptr(JsonNode) node = kvota_trading_report_to_json (report);

    _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
    return;
  }

failed:
  _kvota_request_reply_error (request, error);
}
