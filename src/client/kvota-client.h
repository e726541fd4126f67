/* kvota-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kvota-records.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_CLIENT (kvota_client_get_type ())

G_DECLARE_FINAL_TYPE (KvotaClient, kvota_client, KVOTA, CLIENT, GObject)

KvotaClient     *kvota_client_new                    (const char           *base_url);
const char      *kvota_client_get_base_url           (KvotaClient          *self);
gboolean         kvota_client_set_base_url           (KvotaClient          *self,
                                                      const char           *base_url,
                                                      GError              **error);
gboolean         kvota_client_get_logged_in          (KvotaClient          *self);
const KvotaUser *kvota_client_get_user               (KvotaClient          *self);
gboolean         kvota_client_get_enrolment_required (KvotaClient          *self);
void             kvota_client_request_async          (KvotaClient          *self,
                                                      const char           *method,
                                                      const char           *path,
                                                      JsonNode             *body,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
/**
 * KvotaClientProgress:
 * @sent: bytes of the body sent so far
 * @total: bytes of the whole body
 * @user_data: the data given with the callback
 */
typedef void (*KvotaClientProgress) (goffset  sent,
                                     goffset  total,
                                     gpointer user_data);

void             kvota_client_upload_async           (KvotaClient          *self,
                                                      const char           *method,
                                                      const char           *path,
                                                      JsonNode             *body,
                                                      KvotaClientProgress   progress,
                                                      gpointer              progress_data,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonNode        *kvota_client_request_finish         (KvotaClient          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void             kvota_client_log_in_async           (KvotaClient          *self,
                                                      const char           *username,
                                                      const char           *password,
                                                      const char           *otp,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         kvota_client_log_in_finish          (KvotaClient          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
const KvotaApplication *kvota_client_get_refused_application (KvotaClient   *self);
void             kvota_client_log_out_async          (KvotaClient          *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         kvota_client_log_out_finish         (KvotaClient          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void             kvota_client_refresh_user_async     (KvotaClient          *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         kvota_client_refresh_user_finish    (KvotaClient          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
gboolean         kvota_client_error_is_session_end   (const GError         *error);
void             kvota_client_download_async         (KvotaClient          *self,
                                                      const char           *path,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GBytes          *kvota_client_download_finish        (KvotaClient          *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
