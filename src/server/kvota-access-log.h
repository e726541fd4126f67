/* kvota-access-log.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KvotaAccessLog KvotaAccessLog;

KvotaAccessLog *kvota_access_log_new    (int             fd);
void            kvota_access_log_append (KvotaAccessLog *self,
                                         const char     *peer,
                                         const char     *user,
                                         const char     *method,
                                         const char     *path,
                                         guint           status,
                                         gint64          duration_us);
void            kvota_access_log_flush  (KvotaAccessLog *self);
void            kvota_access_log_free   (KvotaAccessLog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaAccessLog, kvota_access_log_free)

G_END_DECLS
