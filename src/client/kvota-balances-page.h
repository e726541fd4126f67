/* kvota-balances-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_BALANCES_PAGE (kvota_balances_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaBalancesPage, kvota_balances_page, KVOTA, BALANCES_PAGE, GtkWidget)

GtkWidget *kvota_balances_page_new        (KvotaClient       *client);
void kvota_balances_page_set_client (KvotaBalancesPage *self,
                                     KvotaClient       *client);

G_END_DECLS
