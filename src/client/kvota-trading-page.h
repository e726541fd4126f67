/* kvota-trading-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRADING_PAGE (kvota_trading_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTradingPage, kvota_trading_page, KVOTA, TRADING_PAGE, GtkWidget)

GtkWidget *kvota_trading_page_new        (KvotaClient      *client);
void       kvota_trading_page_set_client (KvotaTradingPage *self,
                                          KvotaClient      *client);

G_END_DECLS
