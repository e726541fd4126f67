/* kvota-session-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_SESSION_VIEW (kvota_session_view_get_type ())

G_DECLARE_FINAL_TYPE (KvotaSessionView, kvota_session_view, KVOTA, SESSION_VIEW, GtkWidget)

KvotaSessionView *kvota_session_view_new             (KvotaClient      *client);
void              kvota_session_view_reload          (KvotaSessionView *self);
gboolean          kvota_session_view_show_page       (KvotaSessionView *self,
                                                      const char       *name);

G_END_DECLS
