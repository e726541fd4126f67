/* kvota-transactions-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRANSACTIONS_PAGE (kvota_transactions_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTransactionsPage, kvota_transactions_page, KVOTA, TRANSACTIONS_PAGE, GtkWidget)

GtkWidget *kvota_transactions_page_new        (KvotaClient       *client);
void kvota_transactions_page_set_client (KvotaTransactionsPage *self,
                                         KvotaClient           *client);

G_END_DECLS
