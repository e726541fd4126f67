/* kvota-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kvota-store.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_SERVER (kvota_server_get_type ())

G_DECLARE_FINAL_TYPE (KvotaServer, kvota_server, KVOTA, SERVER, GObject)

#define KVOTA_SERVER_DEFAULT_PORT 8470
#define KVOTA_SERVER_DEFAULT_SESSION_LIFETIME (8 * 60 * 60)

KvotaServer *kvota_server_new                  (KvotaStore   *store);
void         kvota_server_set_session_lifetime (KvotaServer  *self,
                                                guint         seconds);
gboolean     kvota_server_listen               (KvotaServer  *self,
                                                const char   *address,
                                                const char   *tls_cert,
                                                const char   *tls_key,
                                                GError      **error);
GSList      *kvota_server_get_uris             (KvotaServer  *self);
void         kvota_server_shutdown             (KvotaServer  *self);
void         kvota_server_print_routes         (GString      *out);

G_END_DECLS
