/* kvota-trading-order.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-order"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-trading-order.h"

/* A sale order as an item of a GListModel: the quotas a nature user
 * signed for sale through its intermediary. The core library writes sale
 * orders but has no reader for them yet, so the reply is read here. */

struct _KvotaTradingOrder
{
  GObject         parent_instance;

  KvotaSaleOrder  order;
};

G_DEFINE_FINAL_TYPE (KvotaTradingOrder, kvota_trading_order, G_TYPE_OBJECT)

static void
kvota_trading_order_finalize (GObject *object)
{
  KvotaTradingOrder *self = (KvotaTradingOrder *)object;

  g_clear_pointer (&self->order.account, g_free);
  g_clear_pointer (&self->order.organisation_name, g_free);
  g_clear_pointer (&self->order.state, g_free);
  g_clear_pointer (&self->order.created, g_date_time_unref);

  G_OBJECT_CLASS (kvota_trading_order_parent_class)->finalize (object);
}

static void
kvota_trading_order_class_init (KvotaTradingOrderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_trading_order_finalize;
}

static void
kvota_trading_order_init (KvotaTradingOrder *self)
{
  self->order.min_price = -1;
}

static gboolean
get_int (JsonObject *object,
         const char *name,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * kvota_trading_order_new_from_json:
 * @node: a sale order as `GET /api/v1/sale-orders` lists it
 * @error: where to put the error
 *
 * Returns: (transfer full) (nullable): the order
 */
KvotaTradingOrder *
kvota_trading_order_new_from_json (JsonNode  *node,
                                   GError   **error)
{
  g_autoptr(KvotaTradingOrder) self = g_object_new (KVOTA_TYPE_TRADING_ORDER, NULL);
  KvotaSaleOrder *order = &self->order;
  JsonObject *object;
  JsonNode *price;
  const char *text;
  gint64 vintage;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;

  object = json_node_get_object (node);

  if (!get_int (object, "id", &order->id) ||
      !get_int (object, "organisation_id", &order->organisation_id) ||
      !get_int (object, "intermediary_id", &order->intermediary_id) ||
      !get_int (object, "vintage", &vintage) ||
      !get_int (object, "quantity", &order->quantity) ||
      !get_int (object, "reserved", &order->reserved) ||
      !get_int (object, "pending", &order->pending) ||
      (text = get_string (object, "unit_type")) == NULL ||
      !kvota_unit_type_from_string (text, &order->unit_type) ||
      (text = get_string (object, "state")) == NULL)
    goto invalid;

  order->vintage = (int) vintage;
  order->state = g_strdup (text);
  order->account = g_strdup (get_string (object, "account"));
  order->organisation_name = g_strdup (get_string (object, "organisation"));

  if ((text = get_string (object, "created")) != NULL)
    order->created = kvota_timestamp_parse (text);

  price = json_object_get_member (object, "min_price_tiyn");
  if (price != NULL && !JSON_NODE_HOLDS_NULL (price) &&
      !get_int (object, "min_price_tiyn", &order->min_price))
    goto invalid;

  return g_steal_pointer (&self);

invalid:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Not a sale order");
  return NULL;
}

const KvotaSaleOrder *
kvota_trading_order_get_order (KvotaTradingOrder *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_ORDER (self), NULL);

  return &self->order;
}

gboolean
kvota_trading_order_is_open (KvotaTradingOrder *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_ORDER (self), FALSE);

  return g_strcmp0 (self->order.state, "open") == 0;
}

/**
 * kvota_trading_order_describe_state:
 * @self: a #KvotaTradingOrder
 *
 * Returns: (transfer none): the translated state of the order
 */
const char *
kvota_trading_order_describe_state (KvotaTradingOrder *self)
{
  const char *state;

  g_return_val_if_fail (KVOTA_IS_TRADING_ORDER (self), NULL);

  state = self->order.state;

  if (g_strcmp0 (state, "open") == 0)
    {
      if (self->order.reserved == 0 && self->order.pending > 0)
        return C_("sale order state", "Pending");
      return C_("sale order state", "For Sale");
    }
  if (g_strcmp0 (state, "sold") == 0)
    return C_("sale order state", "Sold");
  if (g_strcmp0 (state, "withdrawn") == 0)
    return C_("sale order state", "Withdrawn");

  return state;
}
