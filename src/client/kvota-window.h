/* kvota-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-app.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_WINDOW (kvota_window_get_type ())

G_DECLARE_FINAL_TYPE (KvotaWindow, kvota_window, KVOTA, WINDOW, AdwApplicationWindow)

KvotaWindow *kvota_window_new (KvotaApp *application);

G_END_DECLS
