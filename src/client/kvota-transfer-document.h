/* kvota-transfer-document.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest confirming document the registry accepts. */
#define KVOTA_TRANSFER_DOCUMENT_MAX_SIZE (10 * 1024 * 1024)

#define KVOTA_TYPE_TRANSFER_DOCUMENT (kvota_transfer_document_get_type ())

G_DECLARE_FINAL_TYPE (KvotaTransferDocument, kvota_transfer_document, KVOTA, TRANSFER_DOCUMENT, GObject)

KvotaTransferDocument *kvota_transfer_document_new        (GFile                  *file);
GFile                 *kvota_transfer_document_get_file   (KvotaTransferDocument  *self);
const char            *kvota_transfer_document_get_name   (KvotaTransferDocument  *self);
gsize                  kvota_transfer_document_get_size   (KvotaTransferDocument  *self);
const char            *kvota_transfer_document_get_kind   (KvotaTransferDocument  *self);
const char            *kvota_transfer_document_get_base64 (KvotaTransferDocument  *self);
const char            *kvota_transfer_document_get_sha256 (KvotaTransferDocument  *self);
const GError          *kvota_transfer_document_get_error  (KvotaTransferDocument  *self);
gboolean               kvota_transfer_document_get_loaded (KvotaTransferDocument  *self);
void                   kvota_transfer_document_load_async (KvotaTransferDocument  *self,
                                                           GCancellable           *cancellable,
                                                           GAsyncReadyCallback     callback,
                                                           gpointer                user_data);
gboolean               kvota_transfer_document_load_finish (KvotaTransferDocument *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);

G_END_DECLS
