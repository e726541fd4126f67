/* kvota-trading-units-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

/**
 * KvotaTradingUnitsMode:
 * @KVOTA_TRADING_UNITS_SELL: sign available units for sale
 * @KVOTA_TRADING_UNITS_BUY: ask the intermediary to buy units
 * @KVOTA_TRADING_UNITS_SURRENDER: surrender units for a compliance year
 * @KVOTA_TRADING_UNITS_CANCEL: cancel units voluntarily
 */
typedef enum
{
  KVOTA_TRADING_UNITS_SELL,
  KVOTA_TRADING_UNITS_BUY,
  KVOTA_TRADING_UNITS_SURRENDER,
  KVOTA_TRADING_UNITS_CANCEL,
} KvotaTradingUnitsMode;

#define KVOTA_TYPE_TRADING_UNITS_DIALOG (kvota_trading_units_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTradingUnitsDialog, kvota_trading_units_dialog, KVOTA, TRADING_UNITS_DIALOG, AdwWindow)

KvotaTradingUnitsDialog *kvota_trading_units_dialog_new (GtkWidget             *parent,
                                                         KvotaClient           *client,
                                                         KvotaTradingUnitsMode  mode,
                                                         GArray                *holdings,
                                                         int                    year,
                                                         gint64                 due);

G_END_DECLS
