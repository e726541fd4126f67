/* kvota-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-app.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_PREFERENCES_WINDOW (kvota_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (KvotaPreferencesWindow, kvota_preferences_window, KVOTA, PREFERENCES_WINDOW, AdwPreferencesWindow)

KvotaPreferencesWindow *kvota_preferences_window_new (KvotaApp *application);

G_END_DECLS
