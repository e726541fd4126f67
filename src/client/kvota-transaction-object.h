/* kvota-transaction-object.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kvota-records.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_TRANSACTION_OBJECT (kvota_transaction_object_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTransactionObject, kvota_transaction_object, KVOTA, TRANSACTION_OBJECT, GObject)

KvotaTransactionObject *kvota_transaction_object_new             (KvotaTransaction       *transaction);
const KvotaTransaction *kvota_transaction_object_get_transaction (KvotaTransactionObject *self);
gint64                  kvota_transaction_object_get_id          (KvotaTransactionObject *self);

G_END_DECLS
