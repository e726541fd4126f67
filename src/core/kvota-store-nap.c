/* kvota-store-nap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-nap.h"
#include "kvota-store-private.h"

/* National Allocation Plans: drafts kept with their original file, and
 * their application, which issues each registered nature user's quotas as
 * serial blocks. What an operator not yet registered is entitled to waits
 * in nap_allocations and is issued when its registration is confirmed. An
 * amendment is a new version for the same period: applying it issues or
 * withdraws the difference from what was issued before. */

static const char * const nap_states[] = { "draft", "applied", "superseded", "discarded" };

const char *
kvota_nap_state_to_string (KvotaNapState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (nap_states), NULL);

  return nap_states[state];
}

void
kvota_nap_record_free (KvotaNapRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->file_sha256);
  g_free (record->file_name);
  g_free (record->created_by);
  g_free (record->created);
  g_free (record->decided_by);
  g_free (record->decided);
  g_free (record->plan);
  g_free (record);
}

static void
add_nullable (JsonBuilder *builder,
              const char  *name,
              const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * kvota_nap_record_to_json:
 * @record: a #KvotaNapRecord
 * @with_plan: whether to include the plan itself
 *
 * Returns: (transfer full): the record as the API shows it
 */
JsonNode *
kvota_nap_record_to_json (const KvotaNapRecord *record,
                          gboolean              with_plan)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "first_year");
  json_builder_add_int_value (builder, record->first_year);
  json_builder_set_member_name (builder, "last_year");
  json_builder_add_int_value (builder, record->last_year);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, record->version);
  add_nullable (builder, "state", kvota_nap_state_to_string (record->state));
  add_nullable (builder, "file_sha256", record->file_sha256);
  add_nullable (builder, "file_name", record->file_name);
  add_nullable (builder, "created_by", record->created_by);
  add_nullable (builder, "created", record->created);
  add_nullable (builder, "decided_by", record->decided_by);
  add_nullable (builder, "decided", record->decided);
  if (with_plan && record->plan != NULL)
    {
      json_builder_set_member_name (builder, "plan");
      json_builder_add_value (builder, kvota_json_parse (record->plan, strlen (record->plan), NULL));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

#define NAP_COLUMNS \
  "id, first_year, last_year, version, state, file_sha256, file_name, created_by, created, " \
  "decided_by, decided, plan"

static KvotaNapRecord *
read_record (sqlite3_stmt *statement)
{
  KvotaNapRecord *record = g_new0 (KvotaNapRecord, 1);
  const char *state = (const char *) sqlite3_column_text (statement, 4);

  record->id = sqlite3_column_int64 (statement, 0);
  record->first_year = sqlite3_column_int (statement, 1);
  record->last_year = sqlite3_column_int (statement, 2);
  record->version = sqlite3_column_int (statement, 3);
  for (guint i = 0; i < G_N_ELEMENTS (nap_states); i++)
    if (g_strcmp0 (state, nap_states[i]) == 0)
      record->state = (KvotaNapState) i;
  record->file_sha256 = g_strdup ((const char *) sqlite3_column_text (statement, 5));
  record->file_name = g_strdup ((const char *) sqlite3_column_text (statement, 6));
  record->created_by = g_strdup ((const char *) sqlite3_column_text (statement, 7));
  record->created = g_strdup ((const char *) sqlite3_column_text (statement, 8));
  record->decided_by = g_strdup ((const char *) sqlite3_column_text (statement, 9));
  record->decided = g_strdup ((const char *) sqlite3_column_text (statement, 10));
  record->plan = g_strdup ((const char *) sqlite3_column_text (statement, 11));

  return record;
}

/**
 * kvota_store_get_nap:
 * @self: a #KvotaStore
 * @id: a plan
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the plan
 */
KvotaNapRecord *
kvota_store_get_nap (KvotaStore  *self,
                     gint64       id,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " NAP_COLUMNS " FROM naps WHERE id = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  return read_record (statement);
}

/**
 * kvota_store_list_naps:
 * @self: a #KvotaStore
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaNapRecord): every plan,
 *   newest first, without their plans' lines
 */
GPtrArray *
kvota_store_list_naps (KvotaStore  *self,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_nap_record_free);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " NAP_COLUMNS " FROM naps ORDER BY id DESC", error);
  if (statement == NULL)
    return NULL;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      KvotaNapRecord *record = read_record (statement);

      g_clear_pointer (&record->plan, g_free);
      g_ptr_array_add (records, record);
    }

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&records);
}

/**
 * kvota_store_create_nap_draft:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @first_year: the first year of the plan's period
 * @last_year: its last year
 * @file_name: the original file's name
 * @file: the original file, kept by its SHA-256
 * @content_type: the file's type
 * @plan: the checked plan as JSON
 * @error: return location for a #GError, or %NULL
 *
 * Keeps a draft; it becomes the next version of its period's plan.
 * Fails with %KVOTA_ERROR_NAP_DRAFT_PENDING while another draft of the
 * same period waits.
 *
 * Returns: (transfer full) (nullable): the draft
 */
KvotaNapRecord *
kvota_store_create_nap_draft (KvotaStore  *self,
                              const char  *actor,
                              int          first_year,
                              int          last_year,
                              const char  *file_name,
                              GBytes      *file,
                              const char  *content_type,
                              const char  *plan,
                              GError     **error)
{
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = NULL;
  int version = 1;
  gint64 id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (file != NULL && plan != NULL, NULL);

  if (!_kvota_store_begin (self, error))
    return NULL;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT coalesce (max (version), 0), "
                                  "coalesce (sum (state = 'draft'), 0) FROM naps "
                                  "WHERE first_year = ? AND last_year = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int (statement, 1, first_year);
    sqlite3_bind_int (statement, 2, last_year);
    if (sqlite3_step (statement) != SQLITE_ROW)
      goto failed;
    version = sqlite3_column_int (statement, 0) + 1;
    if (sqlite3_column_int (statement, 1) > 0)
      {
        kvota_set_error (error, KVOTA_ERROR_NAP_DRAFT_PENDING, NULL);
        goto failed;
      }
  }

  if ((sha256 = _kvota_store_insert_document (self, file, content_type, error)) == NULL)
    goto failed;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO naps (first_year, last_year, version, file_sha256, "
                                  "file_name, plan, created_by, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int (statement, 1, first_year);
    sqlite3_bind_int (statement, 2, last_year);
    sqlite3_bind_int (statement, 3, version);
    sqlite3_bind_text (statement, 4, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 5, file_name, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 6, plan, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 7, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 8, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if ((record = kvota_store_get_nap (self, id, error)) == NULL)
    goto failed;

  object = g_strdup_printf ("nap/%" G_GINT64_FORMAT, id);
  after = kvota_nap_record_to_json (record, FALSE);
  if (!_kvota_store_audit (self, actor, "nap.upload", object, NULL, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return g_steal_pointer (&record);

failed:
  _kvota_store_rollback (self);
  return NULL;
}

static gboolean
set_state (KvotaStore     *self,
           const char     *actor,
           gint64          id,
           KvotaNapState   state,
           GError        **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *now = _kvota_store_now ();

  statement = _kvota_store_prepare (self, "UPDATE naps SET state = ?, decided_by = ?, decided = ? "
                                          "WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, kvota_nap_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 4, id);
  return _kvota_store_step_done (self, statement, error);
}

/**
 * kvota_store_discard_nap:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @id: a draft
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE if the draft is discarded
 */
gboolean
kvota_store_discard_nap (KvotaStore  *self,
                         const char  *actor,
                         gint64       id,
                         GError     **error)
{
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autofree char *object = g_strdup_printf ("nap/%" G_GINT64_FORMAT, id);

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((record = kvota_store_get_nap (self, id, error)) == NULL)
    goto failed;

  if (record->state != KVOTA_NAP_STATE_DRAFT)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  if (!set_state (self, actor, id, KVOTA_NAP_STATE_DISCARDED, error) ||
      !_kvota_store_audit (self, actor, "nap.discard", object, NULL, NULL, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/**
 * kvota_store_find_nature_user_account:
 * @self: a #KvotaStore
 * @bin: a nature user's BIN
 *
 * Returns: (transfer full) (nullable): the holding account of the active
 *   nature user registered with @bin
 */
char *
kvota_store_find_nature_user_account (KvotaStore *self,
                                      const char *bin)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT a.number FROM organisations o "
                                          "JOIN accounts a ON a.organisation_id = o.id "
                                          "WHERE o.bin = ? AND o.holder_type = 'nature-user' "
                                          "AND o.state = 'active'", NULL);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, bin, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (statement, 0));
}

/**
 * kvota_store_check_nap_operators:
 * @self: a #KvotaStore
 * @nap: a plan
 *
 * Adds a warning to @nap for every BIN that no registered nature user of
 * this registry has: its quotas will wait for its registration.
 */
void
kvota_store_check_nap_operators (KvotaStore *self,
                                 KvotaNap   *nap)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *lines;

  g_return_if_fail (KVOTA_IS_STORE (self));
  g_return_if_fail (KVOTA_IS_NAP (nap));

  lines = kvota_nap_get_lines (nap);
  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);
      g_autofree char *account = NULL;
      g_autofree char *message = NULL;

      if (line->reserve || line->bin == NULL || !g_hash_table_add (seen, line->bin) ||
          (account = kvota_store_find_nature_user_account (self, line->bin)) != NULL)
        continue;

      message = g_strdup_printf (_("No nature user with the BIN %s is registered yet: "
                                   "its quotas will be issued when it is."), line->bin);
      kvota_nap_add_finding (nap, KVOTA_NAP_CHECK_UNREGISTERED_OPERATOR, line->row, 0, message);
    }
}

typedef struct
{
  KvotaQuantity entitled;
  KvotaQuantity issued;
} Allocation;

static char *
allocation_key (const char *bin,
                const char *installation,
                int         year)
{
  return g_strdup_printf ("%s\n%s\n%d", bin, installation != NULL ? installation : "", year);
}

static gboolean
nature_user_is_blocked (KvotaStore *self,
                        const char *bin)
{
  g_autoptr(sqlite3_stmt) statement =
    _kvota_store_prepare (self, "SELECT 1 FROM organisations WHERE bin = ? "
                                "AND holder_type = 'nature-user' AND state != 'active'", NULL);

  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, bin, -1, SQLITE_STATIC);
  return sqlite3_step (statement) == SQLITE_ROW;
}

/* Moves the ledger by @delta for one line of a plan: issues what is
 * added, withdraws (cancels, with the plan as the reason) what is taken
 * away. */
static gboolean
settle (KvotaStore     *self,
        const char     *actor,
        gint64          nap_id,
        const char     *account,
        int             year,
        KvotaQuantity   delta,
        const char     *reason,
        KvotaNapApplication *result,
        GError        **error)
{
  g_autoptr(KvotaTransaction) transaction = NULL;

  if (delta == 0)
    return TRUE;

  if (delta > 0)
    transaction = _kvota_store_ledger_issue (self, actor, account, KVOTA_UNIT_TYPE_QUOTA, year, delta, error);
  else
    transaction = _kvota_store_ledger_retire (self, actor, KVOTA_TRANSACTION_KIND_CANCELLATION, account,
                                              KVOTA_UNIT_TYPE_QUOTA, year, -delta, reason, error);
  if (transaction == NULL)
    return FALSE;

  /* The life of a unit names the plan that issued or withdrew it. */
  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE transactions SET nap_id = ? WHERE id = ?", error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_int64 (statement, 1, nap_id);
    sqlite3_bind_int64 (statement, 2, transaction->id);
    if (!_kvota_store_step_done (self, statement, error))
      return FALSE;
  }

  result->n_transactions++;
  if (delta > 0)
    return kvota_quantity_add (result->issued, delta, &result->issued, error);

  return kvota_quantity_add (result->withdrawn, -delta, &result->withdrawn, error);
}

static gboolean
insert_allocation (KvotaStore    *self,
                   gint64         nap_id,
                   const char    *bin,
                   const char    *installation,
                   const char    *sector,
                   int            year,
                   KvotaQuantity  entitled,
                   KvotaQuantity  issued,
                   GError       **error)
{
  g_autoptr(sqlite3_stmt) statement =
    _kvota_store_prepare (self, "INSERT INTO nap_allocations (nap_id, bin, installation, year, entitled, "
                                "issued, sector) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nap_id, bin, "
                                "installation, year) DO UPDATE SET entitled = entitled + excluded.entitled, "
                                "issued = issued + excluded.issued, sector = coalesce (sector, excluded.sector)", error);

  if (statement == NULL)
    return FALSE;

  sqlite3_bind_int64 (statement, 1, nap_id);
  sqlite3_bind_text (statement, 2, bin, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, installation != NULL ? installation : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (statement, 4, year);
  sqlite3_bind_int64 (statement, 5, entitled);
  sqlite3_bind_int64 (statement, 6, issued);
  sqlite3_bind_text (statement, 7, sector, -1, SQLITE_STATIC);
  return _kvota_store_step_done (self, statement, error);
}

/**
 * kvota_store_apply_nap:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @id: a draft
 * @lines: (element-type KvotaNapLine): the draft's plan lines
 * @years: (element-type int): the plan's years
 * @result: (out): what applying it did
 * @error: return location for a #GError, or %NULL
 *
 * Applies a draft in one transaction: every registered nature user gets
 * its allocation for each year as quotas of that vintage; an amendment
 * issues or withdraws only the difference from the version it replaces;
 * reserves are not issued. If a withdrawal finds the units already gone,
 * nothing is applied.
 *
 * Returns: %TRUE if the plan is applied
 */
gboolean
kvota_store_apply_nap (KvotaStore           *self,
                       const char           *actor,
                       gint64                id,
                       GPtrArray            *lines,
                       GArray               *years,
                       KvotaNapApplication  *result,
                       GError              **error)
{
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(GHashTable) previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonBuilder) summary = json_builder_new ();
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *object = g_strdup_printf ("nap/%" G_GINT64_FORMAT, id);
  g_autofree char *reason = NULL;
  gint64 previous_id = 0;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((record = kvota_store_get_nap (self, id, error)) == NULL)
    goto failed;

  if (record->state != KVOTA_NAP_STATE_DRAFT)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  /* Translators: the reason recorded on units a plan amendment withdraws;
   * the second %s is the plan's year or years. */
  {
    g_autofree char *period = record->first_year == record->last_year ?
                              g_strdup_printf ("%d", record->first_year) :
                              g_strdup_printf ("%d–%d", record->first_year, record->last_year);

    reason = g_strdup_printf (_("Version %d of the allocation plan for %s"), record->version, period);
  }

  /* What the version in force issued, line by line. */
  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT n.id, a.bin, a.installation, a.year, a.entitled, a.issued "
                                  "FROM naps n JOIN nap_allocations a ON a.nap_id = n.id "
                                  "WHERE n.first_year = ? AND n.last_year = ? AND n.state = 'applied'",
                            error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int (statement, 1, record->first_year);
    sqlite3_bind_int (statement, 2, record->last_year);
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        Allocation *allocation = g_new0 (Allocation, 1);

        previous_id = sqlite3_column_int64 (statement, 0);
        allocation->entitled = sqlite3_column_int64 (statement, 4);
        allocation->issued = sqlite3_column_int64 (statement, 5);
        g_hash_table_insert (previous,
                             allocation_key ((const char *) sqlite3_column_text (statement, 1),
                                             (const char *) sqlite3_column_text (statement, 2),
                                             sqlite3_column_int (statement, 3)),
                             allocation);
      }
    if (rc != SQLITE_DONE)
      {
        _kvota_store_storage_error (self, error);
        goto failed;
      }
  }

  if (previous_id == 0)
    {
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "SELECT id FROM naps WHERE first_year = ? AND last_year = ? "
                                    "AND state = 'applied'", error);

      if (statement == NULL)
        goto failed;
      sqlite3_bind_int (statement, 1, record->first_year);
      sqlite3_bind_int (statement, 2, record->last_year);
      if (sqlite3_step (statement) == SQLITE_ROW)
        previous_id = sqlite3_column_int64 (statement, 0);
    }

  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);
      const char *account;

      if (line->reserve || line->bin == NULL)
        continue;

      if (!g_hash_table_lookup_extended (accounts, line->bin, NULL, (gpointer *) &account))
        {
          account = kvota_store_find_nature_user_account (self, line->bin);
          g_hash_table_insert (accounts, g_strdup (line->bin), (gpointer) account);

          /* A blocked holder neither receives nor gives back: the plan
           * waits until the administrator restores it. */
          if (account == NULL && nature_user_is_blocked (self, line->bin))
            {
              kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, NULL);
              goto failed;
            }
        }

      for (guint y = 0; y < years->len; y++)
        {
          int year = g_array_index (years, int, y);
          KvotaQuantity entitled = g_array_index (line->allocations, KvotaQuantity, y);
          g_autofree char *allocation_id = allocation_key (line->bin, line->installation, year);
          Allocation *before = g_hash_table_lookup (previous, allocation_id);
          KvotaQuantity issued_before = before != NULL ? before->issued : 0;
          KvotaQuantity issued = issued_before;

          if (account != NULL)
            {
              if (!settle (self, actor, id, account, year, entitled - issued_before, reason, result, error))
                goto failed;
              issued = entitled;
            }
          else if (!kvota_quantity_add (result->waiting, entitled - issued_before, &result->waiting, error))
            goto failed;

          if (!insert_allocation (self, id, line->bin, line->installation, line->sector, year, entitled,
                                  issued, error))
            goto failed;
          g_hash_table_remove (previous, allocation_id);
        }
    }

  /* Lines the amendment dropped: what they issued is withdrawn. */
  g_hash_table_iter_init (&iter, previous);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Allocation *before = value;
      g_auto(GStrv) parts = g_strsplit (key, "\n", 3);
      g_autofree char *account = kvota_store_find_nature_user_account (self, parts[0]);
      int year = atoi (parts[2]);

      if (before->issued > 0 && account == NULL)
        {
          /* Issued once, but the holder is gone or blocked: cannot undo. */
          kvota_set_error (error, KVOTA_ERROR_ACCOUNT_BLOCKED, NULL);
          goto failed;
        }
      if (before->issued > 0 &&
          !settle (self, actor, id, account, year, -before->issued, reason, result, error))
        goto failed;
      if (!insert_allocation (self, id, parts[0], parts[1], NULL, year, 0, 0, error))
        goto failed;
    }

  if ((previous_id > 0 && !set_state (self, actor, previous_id, KVOTA_NAP_STATE_SUPERSEDED, error)) ||
      !set_state (self, actor, id, KVOTA_NAP_STATE_APPLIED, error))
    goto failed;

  json_builder_begin_object (summary);
  json_builder_set_member_name (summary, "issued");
  json_builder_add_int_value (summary, result->issued);
  json_builder_set_member_name (summary, "withdrawn");
  json_builder_add_int_value (summary, result->withdrawn);
  json_builder_set_member_name (summary, "waiting");
  json_builder_add_int_value (summary, result->waiting);
  json_builder_set_member_name (summary, "replaces");
  if (previous_id > 0)
    json_builder_add_int_value (summary, previous_id);
  else
    json_builder_add_null_value (summary);
  json_builder_end_object (summary);
  after = json_builder_get_root (summary);

  if (!_kvota_store_audit (self, actor, "nap.apply", object, NULL, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/**
 * _kvota_store_issue_waiting:
 * @self: a #KvotaStore
 * @actor: who registered the operator
 * @bin: the newly registered nature user's BIN
 * @account: its holding account
 * @error: return location for a #GError, or %NULL
 *
 * Issues what applied plans allocated to @bin while it was not yet
 * registered. Runs inside the transaction that creates its account.
 */
gboolean
_kvota_store_issue_waiting (KvotaStore  *self,
                            const char  *actor,
                            const char  *bin,
                            const char  *account,
                            GError     **error)
{
  g_autoptr(GArray) waiting = g_array_new (FALSE, FALSE, sizeof (gint64) * 3);
  KvotaNapApplication result = { 0, };
  int rc;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT a.year, sum (a.entitled - a.issued), max (a.nap_id) FROM nap_allocations a "
                                  "JOIN naps n ON n.id = a.nap_id WHERE n.state = 'applied' "
                                  "AND a.bin = ? AND a.issued < a.entitled GROUP BY a.year", error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_text (statement, 1, bin, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      {
        gint64 item[3] = { sqlite3_column_int64 (statement, 0), sqlite3_column_int64 (statement, 1),
                           sqlite3_column_int64 (statement, 2) };

        g_array_append_vals (waiting, item, 1);
      }
    if (rc != SQLITE_DONE)
      return _kvota_store_storage_error (self, error);
  }

  for (guint i = 0; i < waiting->len; i++)
    {
      gint64 *item = &g_array_index (waiting, gint64, i * 3);

      if (!settle (self, actor, item[2], account, (int) item[0], item[1], NULL, &result, error))
        return FALSE;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE nap_allocations SET issued = entitled WHERE bin = ? AND "
                                  "nap_id IN (SELECT id FROM naps WHERE state = 'applied')", error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_text (statement, 1, bin, -1, SQLITE_STATIC);
    return _kvota_store_step_done (self, statement, error);
  }
}
