/* kvota-trading-order.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kvota-records.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRADING_ORDER (kvota_trading_order_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTradingOrder, kvota_trading_order, KVOTA, TRADING_ORDER, GObject)

KvotaTradingOrder    *kvota_trading_order_new_from_json (JsonNode           *node,
                                                         GError            **error);
const KvotaSaleOrder *kvota_trading_order_get_order     (KvotaTradingOrder  *self);
gboolean              kvota_trading_order_is_open       (KvotaTradingOrder  *self);
const char           *kvota_trading_order_describe_state (KvotaTradingOrder *self);

G_END_DECLS
