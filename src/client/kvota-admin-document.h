/* kvota-admin-document.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-client.h"

G_BEGIN_DECLS

void     kvota_admin_document_open_async  (KvotaClient          *client,
                                           const char           *sha256,
                                           const char           *name,
                                           GtkWidget            *widget,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean kvota_admin_document_open_finish (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
