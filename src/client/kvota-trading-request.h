/* kvota-trading-request.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "kvota-types.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRADING_REQUEST (kvota_trading_request_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTradingRequest, kvota_trading_request, KVOTA, TRADING_REQUEST, GObject)

KvotaTradingRequest *kvota_trading_request_new_from_json      (JsonNode            *node,
                                                               GError             **error);
gint64               kvota_trading_request_get_id             (KvotaTradingRequest *self);
const char          *kvota_trading_request_get_organisation   (KvotaTradingRequest *self);
KvotaUnitType        kvota_trading_request_get_unit_type      (KvotaTradingRequest *self);
int                  kvota_trading_request_get_vintage        (KvotaTradingRequest *self);
gint64               kvota_trading_request_get_quantity       (KvotaTradingRequest *self);
gint64               kvota_trading_request_get_max_price      (KvotaTradingRequest *self);
GDateTime           *kvota_trading_request_get_created        (KvotaTradingRequest *self);
gboolean             kvota_trading_request_is_open            (KvotaTradingRequest *self);

G_END_DECLS
