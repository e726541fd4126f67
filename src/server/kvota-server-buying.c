/* kvota-server-buying.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include "kvota-error.h"
#include "kvota-server-private.h"

/* Buy requests: a nature user asks its intermediary to buy quotas for it. */

static void
reply_request (KvotaServer  *self,
               KvotaRequest *request,
               guint         status,
               gint64        id)
{
  g_autoptr(KvotaBuyRequest) buy_request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if ((buy_request = kvota_store_get_buy_request (self->store, id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("buy_request", kvota_buy_request_to_json (buy_request));
  _kvota_request_reply_json (request, status, node);
}

/* POST /api/v1/buy-requests */

typedef struct
{
  char     *unit_type;
  gint64    vintage;
  gint64    quantity;
  gint64    max_price;
  gboolean  has_max_price;
} BuyBody;

static const KvotaField buy_fields[] = {
  { "unit_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (BuyBody, unit_type), -1 },
  { "vintage", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (BuyBody, vintage), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (BuyBody, quantity), -1 },
  { "max_price_tiyn", KVOTA_FIELD_INT64, FALSE, G_STRUCT_OFFSET (BuyBody, max_price),
    G_STRUCT_OFFSET (BuyBody, has_max_price) },
};

void
_kvota_create_buy_request_cb (KvotaServer  *self,
                              KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  BuyBody body = { NULL, };
  KvotaUnitType unit_type;
  gint64 id = 0;

  if (!_kvota_request_read_body (request, buy_fields, G_N_ELEMENTS (buy_fields), &body, FALSE, &error))
    goto out;

  if (!_kvota_request_check_units (body.unit_type, body.vintage, body.quantity, &unit_type, &error))
    goto out;
  else if (body.has_max_price && body.max_price < 0)
    kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "max_price_tiyn");
  else
    id = kvota_store_create_buy_request (self->store, _kvota_request_actor (request),
                                         request->principal->organisation_id, unit_type, (int) body.vintage,
                                         body.quantity, body.has_max_price ? body.max_price : -1, &error);

out:
  kvota_json_clear_strings (buy_fields, G_N_ELEMENTS (buy_fields), &body);
  if (id == 0)
    _kvota_request_reply_error (request, error);
  else
    reply_request (self, request, SOUP_STATUS_CREATED, id);
}

/* GET /api/v1/buy-requests */

void
_kvota_list_buy_requests_cb (KvotaServer  *self,
                             KvotaRequest *request)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 organisation_id, intermediary_id;
  JsonArray *array;

  _kvota_principal_list_scope (request->principal, &organisation_id, &intermediary_id);
  if (!_kvota_request_check_query (request, NULL, &error) ||
      (requests = kvota_store_list_buy_requests (self->store, organisation_id, intermediary_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (requests->len);
  for (guint i = 0; i < requests->len; i++)
    json_array_add_element (array, kvota_buy_request_to_json (g_ptr_array_index (requests, i)));

  node = _kvota_object_node ("buy_requests", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/buy-requests/{id}/withdraw */

void
_kvota_withdraw_buy_request_cb (KvotaServer  *self,
                                KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_expect_no_body (request, &error) ||
      !kvota_store_withdraw_buy_request (self->store, _kvota_request_actor (request), id,
                                         request->principal->organisation_id, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  reply_request (self, request, SOUP_STATUS_OK, id);
}
