/* kvota-finding-object.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kvota-nap.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_FINDING_OBJECT (kvota_finding_object_get_type ())

G_DECLARE_FINAL_TYPE (KvotaFindingObject, kvota_finding_object, KVOTA, FINDING_OBJECT, GObject)

KvotaFindingObject *kvota_finding_object_new           (const KvotaNapFinding  *finding);
KvotaFindingObject *kvota_finding_object_new_from_json (JsonNode               *node);
const char         *kvota_finding_object_get_code      (KvotaFindingObject     *self);
KvotaNapSeverity    kvota_finding_object_get_severity  (KvotaFindingObject     *self);
guint               kvota_finding_object_get_row       (KvotaFindingObject     *self);
guint               kvota_finding_object_get_column    (KvotaFindingObject     *self);
const char         *kvota_finding_object_get_cell      (KvotaFindingObject     *self);
const char         *kvota_finding_object_get_message   (KvotaFindingObject     *self);

G_END_DECLS
