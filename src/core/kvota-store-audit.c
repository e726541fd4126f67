/* kvota-store-audit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* The audit journal: every state change appends one entry, inside the
 * transaction that makes the change. Each entry's hash covers its own
 * fields and the previous entry's hash, so changing, removing or
 * reordering any entry breaks every link after it; the registry's head
 * (count and last hash) is kept in settings so that cutting entries off
 * the end is caught too. */

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void
add_field (GChecksum  *checksum,
           const char *value)
{
  /* Length-prefixed, so no two different entries hash the same text. */
  g_autofree char *prefix = NULL;

  if (value == NULL)
    {
      g_checksum_update (checksum, (const guchar *) "-;", 2);
      return;
    }

  prefix = g_strdup_printf ("%zu:", strlen (value));
  g_checksum_update (checksum, (const guchar *) prefix, -1);
  g_checksum_update (checksum, (const guchar *) value, -1);
  g_checksum_update (checksum, (const guchar *) ";", 1);
}

static char *
entry_hash (const KvotaAuditEntry *entry)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, entry->id);

  add_field (checksum, id);
  add_field (checksum, entry->at);
  add_field (checksum, entry->actor);
  add_field (checksum, entry->action);
  add_field (checksum, entry->object);
  add_field (checksum, entry->before);
  add_field (checksum, entry->after);
  add_field (checksum, entry->prev_hash);

  return g_strdup (g_checksum_get_string (checksum));
}

void
kvota_audit_entry_free (KvotaAuditEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->at);
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->object);
  g_free (entry->before);
  g_free (entry->after);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

static gboolean
set_head (KvotaStore  *self,
          gint64       id,
          const char  *hash,
          GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *head = g_strdup_printf ("%" G_GINT64_FORMAT " %s", id, hash);

  statement = _kvota_store_prepare (self, "INSERT INTO settings (key, value) VALUES ('audit-head', ?) "
                                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                    error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, head, -1, SQLITE_STATIC);
  return _kvota_store_step_done (self, statement, error);
}

gboolean
_kvota_store_audit (KvotaStore  *self,
                    const char  *actor,
                    const char  *action,
                    const char  *object,
                    JsonNode    *before,
                    JsonNode    *after,
                    GError     **error)
{
  g_autoptr(KvotaAuditEntry) entry = g_new0 (KvotaAuditEntry, 1);

  g_assert (!sqlite3_get_autocommit (self->db));

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", error);

    if (statement == NULL)
      return FALSE;

    if (sqlite3_step (statement) == SQLITE_ROW)
      {
        entry->id = sqlite3_column_int64 (statement, 0) + 1;
        entry->prev_hash = g_strdup ((const char *) sqlite3_column_text (statement, 1));
      }
    else
      {
        entry->id = 1;
        entry->prev_hash = g_strdup (GENESIS_HASH);
      }
  }

  entry->at = _kvota_store_now ();
  entry->actor = g_strdup (actor);
  entry->action = g_strdup (action);
  entry->object = g_strdup (object);
  entry->before = before != NULL ? kvota_json_to_string (before) : NULL;
  entry->after = after != NULL ? kvota_json_to_string (after) : NULL;
  entry->hash = entry_hash (entry);

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO audit (id, at, actor, action, object, before, after, "
                                  "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_int64 (statement, 1, entry->id);
    sqlite3_bind_text (statement, 2, entry->at, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, entry->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, entry->action, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 5, entry->object, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 6, entry->before, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 7, entry->after, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 8, entry->prev_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 9, entry->hash, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      return FALSE;
  }

  return set_head (self, entry->id, entry->hash, error);
}

static KvotaAuditEntry *
read_entry (sqlite3_stmt *statement)
{
  KvotaAuditEntry *entry = g_new0 (KvotaAuditEntry, 1);

  entry->id = sqlite3_column_int64 (statement, 0);
  entry->at = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  entry->actor = g_strdup ((const char *) sqlite3_column_text (statement, 2));
  entry->action = g_strdup ((const char *) sqlite3_column_text (statement, 3));
  entry->object = g_strdup ((const char *) sqlite3_column_text (statement, 4));
  entry->before = g_strdup ((const char *) sqlite3_column_text (statement, 5));
  entry->after = g_strdup ((const char *) sqlite3_column_text (statement, 6));
  entry->prev_hash = g_strdup ((const char *) sqlite3_column_text (statement, 7));
  entry->hash = g_strdup ((const char *) sqlite3_column_text (statement, 8));

  return entry;
}

#define AUDIT_COLUMNS "id, at, actor, action, object, before, after, prev_hash, hash"

/* Whether the last proof still stands: nothing but this store has
 * committed to the file since (@data_version as it reads now). */
static gboolean
proof_holds (KvotaStore *self,
             gint64      data_version)
{
  return self->audit_proved_hash != NULL && data_version >= 0 && data_version == self->audit_proved_version;
}

/**
 * kvota_store_verify_audit:
 * @self: a #KvotaStore
 * @n_entries: (out) (optional): how many entries were checked
 * @first_bad: (out) (optional): the id of the first broken entry, or 0
 * @error: return location for a #GError, or %NULL
 *
 * Recomputes every link of the journal. The store remembers how far the
 * journal was proved whole: while nothing but this store has written to
 * the file since, only the entries added after that point are walked
 * (this store only ever appends to the journal, and SQLite triggers keep
 * even it from changing an entry). A commit by any other connection, such
 * as a program that opened the file on its own, makes the next call walk
 * the whole journal again.
 *
 * Returns: %TRUE if the chain is whole; otherwise %FALSE with
 *   %KVOTA_ERROR_AUDIT_BROKEN naming the first broken entry
 */
gboolean
kvota_store_verify_audit (KvotaStore  *self,
                          gint64      *n_entries,
                          gint64      *first_bad,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *expected_prev = NULL;
  g_autofree char *head = NULL;
  g_autofree char *expected_head = NULL;
  gint64 data_version = _kvota_store_data_version (self);
  gint64 expected_id = 1;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (first_bad != NULL)
    *first_bad = 0;

  if (proof_holds (self, data_version))
    {
      expected_id = self->audit_proved_id + 1;
      expected_prev = g_strdup (self->audit_proved_hash);
    }
  else
    expected_prev = g_strdup (GENESIS_HASH);
  g_clear_pointer (&self->audit_proved_hash, g_free);

  if (n_entries != NULL)
    *n_entries = expected_id - 1;

  statement = _kvota_store_prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit WHERE id >= ? ORDER BY id", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, expected_id);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_autoptr(KvotaAuditEntry) entry = read_entry (statement);
      g_autofree char *hash = entry_hash (entry);
      const char *problem = NULL;

      if (entry->id != expected_id)
        problem = _("an entry before it is missing");
      else if (g_strcmp0 (entry->prev_hash, expected_prev) != 0)
        problem = _("it does not link to the entry before it");
      else if (g_strcmp0 (entry->hash, hash) != 0)
        problem = _("its content does not match its hash");

      if (problem != NULL)
        {
          if (first_bad != NULL)
            *first_bad = entry->id;
          g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_AUDIT_BROKEN,
                       _("The audit journal is broken at entry %lld: %s."),
                       (long long) entry->id, problem);
          return FALSE;
        }

      g_free (expected_prev);
      expected_prev = g_steal_pointer (&entry->hash);
      expected_id++;
      if (n_entries != NULL)
        (*n_entries)++;
    }

  if (rc != SQLITE_DONE)
    return _kvota_store_storage_error (self, error);

  g_clear_pointer (&statement, _kvota_statement_release);

  head = kvota_store_get_setting (self, "audit-head");
  expected_head = g_strdup_printf ("%" G_GINT64_FORMAT " %s", expected_id - 1, expected_prev);
  /* An empty journal is whole only if nothing was ever written to it:
   * a head left without entries means all of them were cut off. */
  if ((expected_id > 1 || head != NULL) && g_strcmp0 (head, expected_head) != 0)
    {
      if (first_bad != NULL)
        *first_bad = expected_id;
      g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_AUDIT_BROKEN,
                   _("The audit journal is broken at entry %lld: %s."),
                   (long long) expected_id, _("entries at the end of the journal are missing"));
      return FALSE;
    }

  self->audit_proved_id = expected_id - 1;
  self->audit_proved_hash = g_steal_pointer (&expected_prev);
  self->audit_proved_version = data_version;

  return TRUE;
}

/**
 * kvota_store_audit_proof_holds:
 * @self: a #KvotaStore
 *
 * Returns: whether kvota_store_verify_audit() would walk only the entries
 *   added since its last proof, rather than the whole journal
 */
gboolean
kvota_store_audit_proof_holds (KvotaStore *self)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  return proof_holds (self, _kvota_store_data_version (self));
}

/**
 * kvota_store_get_foreign_version:
 * @self: a #KvotaStore
 *
 * Returns: a number that changes when another connection commits to the
 *   file (SQLite's data_version), or -1 when it cannot be read
 */
gint64
kvota_store_get_foreign_version (KvotaStore *self)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), -1);

  return _kvota_store_data_version (self);
}

/**
 * kvota_store_get_audit_proof:
 * @self: a #KvotaStore
 * @hash: (out) (transfer full) (optional): the hash of the last entry proved
 *
 * Returns: the id of the last entry that kvota_store_verify_audit() proved,
 *   or 0 when it proved nothing
 */
gint64
kvota_store_get_audit_proof (KvotaStore  *self,
                             char       **hash)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  if (hash != NULL)
    *hash = g_strdup (self->audit_proved_hash);

  return self->audit_proved_hash != NULL ? self->audit_proved_id : 0;
}

/**
 * kvota_store_set_audit_proof:
 * @self: a #KvotaStore
 * @foreign_version: what kvota_store_get_foreign_version() said of @self
 *   before the proof began
 * @id: the last entry proved
 * @hash: its hash
 *
 * Takes over a proof of the journal that another connection made, for
 * example in a worker thread: kvota_store_verify_audit() then walks on
 * from @id, unless another connection has committed since
 * @foreign_version was read.
 */
void
kvota_store_set_audit_proof (KvotaStore *self,
                             gint64      foreign_version,
                             gint64      id,
                             const char *hash)
{
  g_return_if_fail (KVOTA_IS_STORE (self));
  g_return_if_fail (hash != NULL);

  g_free (self->audit_proved_hash);
  self->audit_proved_hash = g_strdup (hash);
  self->audit_proved_id = id;
  self->audit_proved_version = foreign_version;
}

/**
 * kvota_store_list_audit:
 * @self: a #KvotaStore
 * @after_id: list entries after this id (0 for the first page)
 * @limit: how many at most
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaAuditEntry): the entries
 */
GPtrArray *
kvota_store_list_audit (KvotaStore  *self,
                        gint64       after_id,
                        guint        limit,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit WHERE id > ? "
                                          "ORDER BY id LIMIT ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, after_id);
  sqlite3_bind_int64 (statement, 2, limit);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_audit_entry_free);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_entry (statement));

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}
