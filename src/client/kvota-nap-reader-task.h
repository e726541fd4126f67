/* kvota-nap-reader-task.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kvota-nap.h"

G_BEGIN_DECLS

/* The most the registry takes for a plan's original file. */
#define KVOTA_NAP_MAX_FILE_SIZE (32 * 1024 * 1024)

gboolean  kvota_nap_reader_task_get_period   (KvotaNap             *nap,
                                              int                  *first_year,
                                              int                  *last_year);
void      kvota_nap_reader_task_read_async   (GFile                *file,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
KvotaNap *kvota_nap_reader_task_read_finish  (GAsyncResult         *result,
                                              GBytes              **contents,
                                              GError              **error);
void      kvota_nap_reader_task_encode_async (KvotaNap             *nap,
                                              GBytes               *contents,
                                              const char           *file_name,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
JsonNode *kvota_nap_reader_task_encode_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
