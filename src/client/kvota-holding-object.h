/* kvota-holding-object.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kvota-records.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_HOLDING_OBJECT (kvota_holding_object_get_type ())

G_DECLARE_FINAL_TYPE (KvotaHoldingObject, kvota_holding_object, KVOTA, HOLDING_OBJECT, GObject)

KvotaHoldingObject *kvota_holding_object_new         (const KvotaHolding *holding);
const KvotaHolding *kvota_holding_object_get_holding (KvotaHoldingObject *self);

G_END_DECLS
