/* kvota-audit-entry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-audit-entry"

#include "config.h"

#include "kvota-audit-entry.h"

/* One entry of the audit journal, as an item of the journal's list: the
 * entry as the registry sent it ({"id", "at", "actor", "action",
 * "object", "before", "after", "hash"}). */

struct _KvotaAuditEntry
{
  GObject     parent_instance;

  JsonObject *object;
};

G_DEFINE_FINAL_TYPE (KvotaAuditEntry, kvota_audit_entry, G_TYPE_OBJECT)

static void
kvota_audit_entry_finalize (GObject *object)
{
  KvotaAuditEntry *self = (KvotaAuditEntry *)object;

  g_clear_pointer (&self->object, json_object_unref);

  G_OBJECT_CLASS (kvota_audit_entry_parent_class)->finalize (object);
}

static void
kvota_audit_entry_class_init (KvotaAuditEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_audit_entry_finalize;
}

static void
kvota_audit_entry_init (KvotaAuditEntry *self)
{
}

/**
 * kvota_audit_entry_new:
 * @object: the entry's JSON object
 *
 * Returns: (transfer full): the entry, holding a reference to @object
 */
KvotaAuditEntry *
kvota_audit_entry_new (JsonObject *object)
{
  KvotaAuditEntry *self;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_AUDIT_ENTRY, NULL);
  self->object = json_object_ref (object);

  return self;
}

/**
 * kvota_audit_entry_get_object:
 * @self: a #KvotaAuditEntry
 *
 * Returns: (transfer none): the entry's JSON object
 */
JsonObject *
kvota_audit_entry_get_object (KvotaAuditEntry *self)
{
  g_return_val_if_fail (KVOTA_IS_AUDIT_ENTRY (self), NULL);

  return self->object;
}

gint64
kvota_audit_entry_get_id (KvotaAuditEntry *self)
{
  g_return_val_if_fail (KVOTA_IS_AUDIT_ENTRY (self), 0);

  return json_object_get_int_member_with_default (self->object, "id", 0);
}
