/* kvota-trading-report-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRADING_REPORT_PAGE (kvota_trading_report_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTradingReportPage, kvota_trading_report_page, KVOTA, TRADING_REPORT_PAGE, GtkWidget)

GtkWidget *kvota_trading_report_page_new        (KvotaClient       *client);
void kvota_trading_report_page_set_client (KvotaTradingReportPage *self,
                                           KvotaClient            *client);

G_END_DECLS
