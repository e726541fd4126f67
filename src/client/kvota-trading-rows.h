/* kvota-trading-rows.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-trading-order.h"
#include "kvota-trading-request.h"

G_BEGIN_DECLS

/* The rows that show sale orders and buy requests, to the nature user
 * that made them and to its intermediary. */

GtkWidget *kvota_trading_row_new          (void);
char      *kvota_trading_describe_units   (KvotaUnitType        unit_type,
                                           int                  vintage);
GtkWidget *kvota_trading_order_row_new    (KvotaTradingOrder   *order,
                                           gboolean             show_seller,
                                           const char          *button_label,
                                           const char          *action_name);
GtkWidget *kvota_trading_request_row_new  (KvotaTradingRequest *request,
                                           gboolean             show_buyer,
                                           const char          *button_label,
                                           const char          *action_name);

GtkWidget *kvota_trading_transfer_row_new (const KvotaTransaction *transaction,
                                           const char             *button_label,
                                           const char             *action_name);
GtkWidget *kvota_trading_placeholder_new  (const char          *text);
gboolean   kvota_trading_item_is_open     (gpointer             item);
gboolean   kvota_trading_store_replace    (GListStore          *store,
                                           JsonNode            *root);

G_END_DECLS
