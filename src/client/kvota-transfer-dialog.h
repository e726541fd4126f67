/* kvota-transfer-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"
#include "kvota-trading-order.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRANSFER_DIALOG (kvota_transfer_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTransferDialog, kvota_transfer_dialog, KVOTA, TRANSFER_DIALOG, AdwWindow)

KvotaTransferDialog *kvota_transfer_dialog_new_for_order   (GtkWidget         *parent,
                                                            KvotaClient       *client,
                                                            KvotaTradingOrder *order);
KvotaTransferDialog *kvota_transfer_dialog_new_for_account (GtkWidget         *parent,
                                                            KvotaClient       *client,
                                                            const char        *account,
                                                            GArray            *holdings);
void                 kvota_transfer_dialog_add_file        (KvotaTransferDialog *self,
                                                            GFile               *file);

G_END_DECLS
