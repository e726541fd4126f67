/* kvota-app.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KVOTA_TYPE_APP (kvota_app_get_type ())

G_DECLARE_FINAL_TYPE (KvotaApp, kvota_app, KVOTA, APP, AdwApplication)

KvotaApp *kvota_app_new          (void);
GSettings        *kvota_app_get_settings (KvotaApp *self);

G_END_DECLS
