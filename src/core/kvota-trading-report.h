/* kvota-trading-report.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kvota-quantity.h"

G_BEGIN_DECLS

/**
 * KvotaTradingFigures:
 * @year: the year
 * @month: its month, 1 to 12, or 0 for the whole year
 * @quotas: the quotas the completed transfers moved
 * @transactions: how many completed transfers
 * @priced_quotas: the quotas of those that state a price
 * @value: the sum of price × quantity over those, in tiyn
 * @min_price: the lowest price per unit in tiyn, or -1 without prices
 * @max_price: the highest, or -1
 *
 * One line of the trading report: a year or a month of it.
 */
typedef struct
{
  int           year;
  int           month;
  KvotaQuantity quotas;
  gint64        transactions;
  KvotaQuantity priced_quotas;
  gint64        value;
  gint64        min_price;
  gint64        max_price;
} KvotaTradingFigures;

/**
 * KvotaTradingSector:
 * @sector: the sellers' sector in the allocation plan, or "" for sellers
 *   outside it (trading companies reselling)
 *
 * What the sellers of one sector sold in a year.
 */
typedef struct
{
  int           year;
  char         *sector;
  KvotaQuantity quotas;
  gint64        transactions;
} KvotaTradingSector;

/**
 * KvotaTradingAccount:
 *
 * One of the accounts that traded most in a year, by quotas sold and
 * bought together.
 */
typedef struct
{
  int           year;
  guint         rank;
  char         *account;
  char         *name;
  KvotaQuantity sold;
  KvotaQuantity bought;
  gint64        transactions;
} KvotaTradingAccount;

/**
 * KvotaTradingReport:
 * @years: (element-type KvotaTradingFigures): one a year, oldest first
 * @months: (element-type KvotaTradingFigures): twelve a year
 * @sectors: (element-type KvotaTradingSector): by year, largest first
 * @accounts: (element-type KvotaTradingAccount): the top accounts of
 *   each year
 */
typedef struct
{
  GArray    *years;
  GArray    *months;
  GPtrArray *sectors;
  GPtrArray *accounts;
} KvotaTradingReport;

/**
 * KvotaTradingTable:
 *
 * The tables of the trading report, each its own CSV.
 */
typedef enum
{
  KVOTA_TRADING_TABLE_YEARS,
  KVOTA_TRADING_TABLE_MONTHS,
  KVOTA_TRADING_TABLE_SECTORS,
  KVOTA_TRADING_TABLE_ACCOUNTS,
} KvotaTradingTable;

#define KVOTA_TRADING_TOP_ACCOUNTS 10

KvotaTradingReport        *kvota_trading_report_new          (void);
void                       kvota_trading_report_free         (KvotaTradingReport       *report);
JsonNode                  *kvota_trading_report_to_json      (const KvotaTradingReport *report);
char                      *kvota_trading_report_to_csv       (const KvotaTradingReport *report,
                                                              KvotaTradingTable         table);
gboolean                   kvota_trading_table_from_string   (const char               *string,
                                                              KvotaTradingTable        *table);

KvotaTradingReport        *kvota_trading_report_from_json    (JsonNode                 *node,
                                                              GError                  **error);
const KvotaTradingFigures *kvota_trading_report_find_year    (const KvotaTradingReport *report,
                                                              int                       year);
gboolean                   kvota_trading_figures_has_prices  (const KvotaTradingFigures *figures);
gint64                     kvota_trading_figures_average     (const KvotaTradingFigures *figures);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaTradingReport, kvota_trading_report_free)

G_END_DECLS
