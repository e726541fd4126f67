/* kvota-transaction-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRANSACTION_LIST (kvota_transaction_list_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTransactionList, kvota_transaction_list, KVOTA, TRANSACTION_LIST, GObject)

KvotaTransactionList *kvota_transaction_list_new          (KvotaClient          *client,
                                                           const char           *filter);
gboolean              kvota_transaction_list_get_loading  (KvotaTransactionList *self);
gboolean              kvota_transaction_list_get_complete (KvotaTransactionList *self);
gboolean              kvota_transaction_list_get_started  (KvotaTransactionList *self);
void                  kvota_transaction_list_load_more    (KvotaTransactionList *self);
void                  kvota_transaction_list_load_more_near_end (KvotaTransactionList *self,
                                                           GtkAdjustment        *adjustment);
void                  kvota_transaction_list_reload       (KvotaTransactionList *self);
const char           *kvota_transaction_list_get_filter   (KvotaTransactionList *self);
void                  kvota_transaction_list_set_filter   (KvotaTransactionList *self,
                                                           const char           *filter);

G_END_DECLS
