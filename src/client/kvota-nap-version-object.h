/* kvota-nap-version-object.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KVOTA_TYPE_NAP_VERSION_OBJECT (kvota_nap_version_object_get_type ())

G_DECLARE_FINAL_TYPE (KvotaNapVersionObject, kvota_nap_version_object, KVOTA, NAP_VERSION_OBJECT, GObject)

KvotaNapVersionObject *kvota_nap_version_object_new_from_json (JsonNode               *node);
gint64                 kvota_nap_version_object_get_id        (KvotaNapVersionObject  *self);
int                    kvota_nap_version_object_get_first_year (KvotaNapVersionObject *self);
int                    kvota_nap_version_object_get_last_year (KvotaNapVersionObject  *self);
int                    kvota_nap_version_object_get_version   (KvotaNapVersionObject  *self);
const char            *kvota_nap_version_object_get_state     (KvotaNapVersionObject  *self);
const char            *kvota_nap_version_object_get_file_name (KvotaNapVersionObject  *self);
const char            *kvota_nap_version_object_get_created_by (KvotaNapVersionObject *self);
GDateTime             *kvota_nap_version_object_get_created   (KvotaNapVersionObject  *self);
GDateTime             *kvota_nap_version_object_get_decided   (KvotaNapVersionObject  *self);
gboolean               kvota_nap_version_object_is_state      (KvotaNapVersionObject  *self,
                                                               const char             *state);
char                  *kvota_nap_version_object_dup_period    (KvotaNapVersionObject  *self);
const char            *kvota_nap_state_describe               (const char             *state);
char                  *kvota_nap_period_describe              (int                     first_year,
                                                               int                     last_year);

G_END_DECLS
