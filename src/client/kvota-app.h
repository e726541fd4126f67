/* kvota-app.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The schema id is the same for development builds; only the
 * application id differs, so both can run side by side. */
#define KVOTA_SCHEMA_ID "kz.kvota.Kvota"

#define KVOTA_TYPE_APP (kvota_app_get_type ())

G_DECLARE_FINAL_TYPE (KvotaApp, kvota_app, KVOTA, APP, AdwApplication)

KvotaApp   *kvota_app_new                   (void);
GSettings  *kvota_app_get_settings          (KvotaApp *self);
const char *kvota_app_get_running_language  (KvotaApp *self);
void        kvota_app_restart               (KvotaApp *self);
gboolean    kvota_app_get_restart_requested (KvotaApp *self);

G_END_DECLS
