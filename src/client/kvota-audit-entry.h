/* kvota-audit-entry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KVOTA_TYPE_AUDIT_ENTRY (kvota_audit_entry_get_type ())

G_DECLARE_FINAL_TYPE (KvotaAuditEntry, kvota_audit_entry, KVOTA, AUDIT_ENTRY, GObject)

KvotaAuditEntry *kvota_audit_entry_new        (JsonObject      *object);
JsonObject      *kvota_audit_entry_get_object (KvotaAuditEntry *self);
gint64           kvota_audit_entry_get_id     (KvotaAuditEntry *self);

G_END_DECLS
