/* kvota-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kvota-bin.h"
#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* 'KVOT': marks the file as a Kvota registry for file(1) and for us. */
#define KVOTA_APPLICATION_ID 0x4B564F54

G_DEFINE_FINAL_TYPE (KvotaStore, kvota_store, G_TYPE_OBJECT)

/* The body of the triggers that count a transfer that just completed
 * (NEW) into the trading report's statistics. */
#define TRADING_COUNT \
  "UPDATE transactions SET sector = " KVOTA_SELLER_SECTOR ("NEW.from_account") " WHERE id = NEW.id;" \
  TRADING_STATISTICS

/* Since schema 7 a transfer carries its seller's sector from its
 * proposal; only a completed transfer loaded without one looks it up. */
#define TRADING_COUNT_7 \
  "UPDATE transactions SET sector = " KVOTA_SELLER_SECTOR ("NEW.from_account") " WHERE id = NEW.id " \
  "  AND NEW.sector IS NULL;" \
  TRADING_STATISTICS

#define TRADING_STATISTICS \
  "INSERT INTO trading_months SELECT c.year, c.month, c.quantity, 1, " \
  "  iif (c.price IS NULL, 0, c.quantity), coalesce (c.price * c.quantity, 0), c.price, c.price " \
  "  FROM trading_completed c WHERE c.id = NEW.id " \
  "  ON CONFLICT (year, month) DO UPDATE SET quantity = quantity + excluded.quantity, " \
  "  transactions = transactions + 1, priced_quantity = priced_quantity + excluded.priced_quantity, " \
  "  value = value + excluded.value, " \
  "  min_price = min (coalesce (min_price, excluded.min_price), coalesce (excluded.min_price, min_price)), " \
  "  max_price = max (coalesce (max_price, excluded.max_price), coalesce (excluded.max_price, max_price));" \
  "INSERT INTO trading_sectors SELECT c.year, c.sector, c.quantity, 1 " \
  "  FROM trading_completed c WHERE c.id = NEW.id " \
  "  ON CONFLICT (year, sector) DO UPDATE SET quantity = quantity + excluded.quantity, " \
  "  transactions = transactions + 1;" \
  "INSERT INTO trading_accounts SELECT c.year, c.from_account, c.quantity, 0, 1 " \
  "  FROM trading_completed c WHERE c.id = NEW.id " \
  "  ON CONFLICT (year, account_id) DO UPDATE SET sold = sold + excluded.sold, " \
  "  transactions = transactions + 1;" \
  "INSERT INTO trading_accounts SELECT c.year, c.to_account, 0, c.quantity, 1 " \
  "  FROM trading_completed c WHERE c.id = NEW.id " \
  "  ON CONFLICT (year, account_id) DO UPDATE SET bought = bought + excluded.bought, " \
  "  transactions = transactions + 1;"

/* Each entry upgrades the schema by one version; entry N leads to
 * user_version N + 1. Never edit an entry once released: add one. */
static const char * const migrations[] = {
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE organisations ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  bin TEXT UNIQUE CHECK (bin IS NULL OR length (bin) = 12),"
  "  holder_type TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'active',"
  "  created TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  organisation_id INTEGER NOT NULL UNIQUE REFERENCES organisations (id),"
  "  created TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  password_hash TEXT NOT NULL,"
  "  full_name TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  organisation_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  state TEXT NOT NULL DEFAULT 'active',"
  "  state_reason TEXT,"
  "  created TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id),"
  "  created TEXT NOT NULL,"
  "  expires INTEGER NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0"
  ") STRICT;"
  "CREATE INDEX sessions_user ON sessions (user_id);"

  "CREATE TABLE login_attempts ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL COLLATE NOCASE,"
  "  peer TEXT,"
  "  at INTEGER NOT NULL,"
  "  success INTEGER NOT NULL"
  ") STRICT;"
  "CREATE INDEX login_attempts_username ON login_attempts (username, at);"

  "CREATE TABLE serial_counters ("
  "  unit_type TEXT NOT NULL,"
  "  vintage INTEGER NOT NULL,"
  "  next_serial INTEGER NOT NULL CHECK (next_serial >= 1),"
  "  PRIMARY KEY (unit_type, vintage)"
  ") STRICT;"

  "CREATE TABLE transactions ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  unit_type TEXT NOT NULL,"
  "  vintage INTEGER NOT NULL,"
  "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
  "  from_account INTEGER REFERENCES accounts (id),"
  "  to_account INTEGER REFERENCES accounts (id),"
  "  proposed_by TEXT,"
  "  decided_by TEXT,"
  "  reason TEXT,"
  "  created TEXT NOT NULL,"
  "  decided TEXT"
  ") STRICT;"
  "CREATE INDEX transactions_state ON transactions (state, id);"

  "CREATE TABLE transaction_serials ("
  "  transaction_id INTEGER NOT NULL REFERENCES transactions (id),"
  "  first_serial INTEGER NOT NULL,"
  "  last_serial INTEGER NOT NULL CHECK (first_serial <= last_serial)"
  ") STRICT;"
  "CREATE INDEX transaction_serials_transaction ON transaction_serials (transaction_id);"

  "CREATE TABLE blocks ("
  "  id INTEGER PRIMARY KEY,"
  "  unit_type TEXT NOT NULL,"
  "  vintage INTEGER NOT NULL,"
  "  first_serial INTEGER NOT NULL CHECK (first_serial >= 1),"
  "  last_serial INTEGER NOT NULL CHECK (first_serial <= last_serial),"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  state TEXT NOT NULL,"
  "  transaction_id INTEGER REFERENCES transactions (id)"
  ") STRICT;"
  "CREATE UNIQUE INDEX blocks_serial ON blocks (unit_type, vintage, first_serial);"
  "CREATE INDEX blocks_account ON blocks (account_id, unit_type, vintage, state, first_serial);"
  "CREATE INDEX blocks_transaction ON blocks (transaction_id);"

  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  object TEXT NOT NULL,"
  "  before TEXT,"
  "  after TEXT,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL"
  ") STRICT;"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit journal is append-only'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit journal is append-only'); END;",

  /* 2: registration, access management, two-factor login */
  "ALTER TABLE organisations ADD COLUMN name_kk TEXT;"
  "ALTER TABLE organisations ADD COLUMN name_ru TEXT;"
  "ALTER TABLE organisations ADD COLUMN address TEXT;"
  "ALTER TABLE organisations ADD COLUMN phone TEXT;"
  "ALTER TABLE organisations ADD COLUMN email TEXT;"
  "ALTER TABLE organisations ADD COLUMN state_reason TEXT;"

  "ALTER TABLE users ADD COLUMN reset_hash TEXT;"
  "ALTER TABLE users ADD COLUMN reset_expires INTEGER;"
  "ALTER TABLE users ADD COLUMN totp_secret TEXT;"
  "ALTER TABLE users ADD COLUMN totp_pending TEXT;"
  "ALTER TABLE users ADD COLUMN totp_counter INTEGER NOT NULL DEFAULT -1;"

  "ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';"

  "CREATE TABLE registration_keys ("
  "  id INTEGER PRIMARY KEY,"
  "  code_hash TEXT NOT NULL UNIQUE,"
  "  hint TEXT NOT NULL,"
  "  bin TEXT,"
  "  holder_type TEXT,"
  "  state TEXT NOT NULL DEFAULT 'unused',"
  "  created_by TEXT NOT NULL,"
  "  created TEXT NOT NULL,"
  "  expires INTEGER NOT NULL"
  ") STRICT;"

  "CREATE TABLE documents ("
  "  sha256 TEXT PRIMARY KEY,"
  "  content_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  data BLOB NOT NULL,"
  "  created TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE applications ("
  "  id INTEGER PRIMARY KEY,"
  "  state TEXT NOT NULL DEFAULT 'pending',"
  "  key_id INTEGER NOT NULL REFERENCES registration_keys (id),"
  "  name_kk TEXT,"
  "  name_ru TEXT,"
  "  bin TEXT NOT NULL,"
  "  holder_type TEXT NOT NULL,"
  "  address TEXT NOT NULL,"
  "  phone TEXT NOT NULL,"
  "  email TEXT NOT NULL,"
  "  representative_name TEXT NOT NULL,"
  "  representative_position TEXT NOT NULL,"
  "  username TEXT NOT NULL COLLATE NOCASE,"
  "  password_hash TEXT NOT NULL,"
  "  document_sha256 TEXT NOT NULL REFERENCES documents (sha256),"
  "  document_name TEXT NOT NULL,"
  "  created TEXT NOT NULL,"
  "  decided_by TEXT,"
  "  decided TEXT,"
  "  reason TEXT,"
  "  organisation_id INTEGER REFERENCES organisations (id)"
  ") STRICT;"
  "CREATE INDEX applications_state ON applications (state, id);"
  "CREATE INDEX applications_username ON applications (username);"
  "CREATE INDEX applications_bin ON applications (bin);",

  /* 3: National Allocation Plans */
  "CREATE TABLE naps ("
  "  id INTEGER PRIMARY KEY,"
  "  first_year INTEGER NOT NULL,"
  "  last_year INTEGER NOT NULL CHECK (last_year >= first_year),"
  "  version INTEGER NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'draft',"
  "  file_sha256 TEXT NOT NULL REFERENCES documents (sha256),"
  "  file_name TEXT NOT NULL,"
  "  plan TEXT NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  created TEXT NOT NULL,"
  "  decided_by TEXT,"
  "  decided TEXT,"
  "  UNIQUE (first_year, last_year, version)"
  ") STRICT;"
  "CREATE TABLE nap_allocations ("
  "  nap_id INTEGER NOT NULL REFERENCES naps (id),"
  "  bin TEXT NOT NULL,"
  "  installation TEXT NOT NULL,"
  "  year INTEGER NOT NULL,"
  "  entitled INTEGER NOT NULL CHECK (entitled >= 0),"
  "  issued INTEGER NOT NULL CHECK (issued >= 0),"
  "  PRIMARY KEY (nap_id, bin, installation, year)"
  ") STRICT;"
  "CREATE INDEX nap_allocations_bin ON nap_allocations (bin);",

  /* 4: trading through intermediaries */
  "CREATE TABLE mandates ("
  "  id INTEGER PRIMARY KEY,"
  "  organisation_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  intermediary_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  started TEXT NOT NULL,"
  "  ended TEXT"
  ") STRICT;"
  "CREATE UNIQUE INDEX mandates_current ON mandates (organisation_id) WHERE ended IS NULL;"
  "CREATE INDEX mandates_intermediary ON mandates (intermediary_id, ended);"

  "CREATE TABLE sale_orders ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  intermediary_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  unit_type TEXT NOT NULL,"
  "  vintage INTEGER NOT NULL,"
  "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
  "  min_price INTEGER CHECK (min_price IS NULL OR min_price >= 0),"
  "  state TEXT NOT NULL DEFAULT 'open',"
  "  created_by TEXT NOT NULL,"
  "  created TEXT NOT NULL,"
  "  closed TEXT"
  ") STRICT;"
  "CREATE INDEX sale_orders_intermediary ON sale_orders (intermediary_id, state);"

  "ALTER TABLE blocks ADD COLUMN order_id INTEGER REFERENCES sale_orders (id);"
  "CREATE INDEX blocks_order ON blocks (order_id);"
  "ALTER TABLE transactions ADD COLUMN order_id INTEGER REFERENCES sale_orders (id);"
  "ALTER TABLE transactions ADD COLUMN price INTEGER CHECK (price IS NULL OR price >= 0);"
  "ALTER TABLE transactions ADD COLUMN deal_date TEXT;"
  "ALTER TABLE transactions ADD COLUMN reference TEXT;"
  "CREATE INDEX transactions_deal ON transactions (kind, state, deal_date);"

  "CREATE TABLE transaction_documents ("
  "  transaction_id INTEGER NOT NULL REFERENCES transactions (id),"
  "  sha256 TEXT NOT NULL REFERENCES documents (sha256),"
  "  name TEXT NOT NULL,"
  "  PRIMARY KEY (transaction_id, sha256)"
  ") STRICT;",

  /* 5: compliance and buy requests */
  "CREATE TABLE verified_emissions ("
  "  id INTEGER PRIMARY KEY,"
  "  organisation_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  installation TEXT NOT NULL,"
  "  year INTEGER NOT NULL,"
  "  tonnes INTEGER NOT NULL CHECK (tonnes >= 0),"
  "  recorded_by TEXT NOT NULL,"
  "  recorded TEXT NOT NULL,"
  "  UNIQUE (organisation_id, installation, year)"
  ") STRICT;"
  "CREATE INDEX verified_emissions_year ON verified_emissions (year, organisation_id);"

  "ALTER TABLE transactions ADD COLUMN compliance_year INTEGER;"
  "CREATE INDEX transactions_compliance ON transactions (compliance_year, from_account) "
  "  WHERE compliance_year IS NOT NULL;"

  "CREATE TABLE buy_requests ("
  "  id INTEGER PRIMARY KEY,"
  "  organisation_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  intermediary_id INTEGER NOT NULL REFERENCES organisations (id),"
  "  unit_type TEXT NOT NULL,"
  "  vintage INTEGER NOT NULL,"
  "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
  "  max_price INTEGER CHECK (max_price IS NULL OR max_price >= 0),"
  "  state TEXT NOT NULL DEFAULT 'open',"
  "  created_by TEXT NOT NULL,"
  "  created TEXT NOT NULL"
  ") STRICT;"
  "CREATE INDEX buy_requests_organisation ON buy_requests (organisation_id);"
  "CREATE INDEX buy_requests_intermediary ON buy_requests (intermediary_id);",

  /* 6: the trading report's statistics, the plan behind each issuance, and
   * a second administrator's approval. The statistics are kept by
   * triggers, in the same database transaction as the confirmation that
   * completes a transfer, so that the yearly report reads a few hundred
   * rows however long the history grows; kvota_store_check_ledger()
   * proves they equal the history. A transfer's year and month are those
   * of its deal date (of its confirmation when it has none); its sector is
   * the seller's in the latest plan that lists it ('' when none does). */
  "ALTER TABLE nap_allocations ADD COLUMN sector TEXT;"
  "UPDATE nap_allocations SET sector = (SELECT json_extract (l.value, '$.sector') "
  "  FROM naps n, json_each (n.plan, '$.lines') l WHERE n.id = nap_allocations.nap_id "
  "  AND json_extract (l.value, '$.bin') = nap_allocations.bin "
  "  AND coalesce (json_extract (l.value, '$.installation'), '') = nap_allocations.installation "
  "  AND json_type (l.value, '$.sector') = 'text' LIMIT 1);"

  "ALTER TABLE transactions ADD COLUMN nap_id INTEGER REFERENCES naps (id);"
  "ALTER TABLE transactions ADD COLUMN approved_by TEXT;"
  "ALTER TABLE transactions ADD COLUMN approved TEXT;"

  "CREATE TABLE trading_months ("
  "  year INTEGER NOT NULL,"
  "  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),"
  "  quantity INTEGER NOT NULL,"
  "  transactions INTEGER NOT NULL,"
  "  priced_quantity INTEGER NOT NULL,"
  "  value INTEGER NOT NULL,"
  "  min_price INTEGER,"
  "  max_price INTEGER,"
  "  PRIMARY KEY (year, month)"
  ") STRICT, WITHOUT ROWID;"

  "CREATE TABLE trading_sectors ("
  "  year INTEGER NOT NULL,"
  "  sector TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL,"
  "  transactions INTEGER NOT NULL,"
  "  PRIMARY KEY (year, sector)"
  ") STRICT, WITHOUT ROWID;"

  "CREATE TABLE trading_accounts ("
  "  year INTEGER NOT NULL,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  sold INTEGER NOT NULL,"
  "  bought INTEGER NOT NULL,"
  "  transactions INTEGER NOT NULL,"
  "  PRIMARY KEY (year, account_id)"
  ") STRICT, WITHOUT ROWID;"

  "ALTER TABLE transactions ADD COLUMN sector TEXT;"
  "UPDATE transactions SET sector = " KVOTA_SELLER_SECTOR ("from_account") " WHERE kind = 'transfer' "
  "  AND state = 'completed' AND unit_type = 'quota';"
  "CREATE VIEW trading_completed AS SELECT id, quantity, price, from_account, to_account, "
  "  CAST (substr (coalesce (deal_date, decided), 1, 4) AS INTEGER) AS year, "
  "  CAST (substr (coalesce (deal_date, decided), 6, 2) AS INTEGER) AS month, "
  "  coalesce (sector, '') AS sector "
  "  FROM transactions WHERE kind = 'transfer' AND state = 'completed' AND unit_type = 'quota';"

  /* What the history says the statistics are; the same queries fill
   * them here and check them in kvota_store_check_ledger(). */
  "INSERT INTO trading_months " KVOTA_TRADING_MONTHS_QUERY ";"
  "INSERT INTO trading_sectors " KVOTA_TRADING_SECTORS_QUERY ";"
  "INSERT INTO trading_accounts " KVOTA_TRADING_ACCOUNTS_QUERY ";"

  /* A transfer counts once, when it becomes completed: by confirmation,
   * or inserted so by a bulk load. */
  "CREATE TRIGGER trading_count_confirmed AFTER UPDATE OF state ON transactions "
  "  WHEN NEW.state = 'completed' AND OLD.state != 'completed' "
  "  AND NEW.kind = 'transfer' AND NEW.unit_type = 'quota' BEGIN " TRADING_COUNT " END;"
  "CREATE TRIGGER trading_count_inserted AFTER INSERT ON transactions "
  "  WHEN NEW.state = 'completed' AND NEW.kind = 'transfer' AND NEW.unit_type = 'quota' "
  "  BEGIN " TRADING_COUNT " END;",

  /* 7: the history reads at scale. An index for each way a page of the
   * history is looked up (by account either side, by kind, by date);
   * the deal-date index went unread once the report kept statistics. */
  "DROP INDEX transactions_deal;"
  "CREATE INDEX transactions_from ON transactions (from_account);"
  "CREATE INDEX transactions_to ON transactions (to_account);"
  "CREATE INDEX transactions_kind ON transactions (kind);"
  "CREATE INDEX transactions_created ON transactions (created);"
  "DROP TRIGGER trading_count_confirmed;"
  "DROP TRIGGER trading_count_inserted;"
  "CREATE TRIGGER trading_count_confirmed AFTER UPDATE OF state ON transactions "
  "  WHEN NEW.state = 'completed' AND OLD.state != 'completed' "
  "  AND NEW.kind = 'transfer' AND NEW.unit_type = 'quota' BEGIN " TRADING_COUNT_7 " END;"
  "CREATE TRIGGER trading_count_inserted AFTER INSERT ON transactions "
  "  WHEN NEW.state = 'completed' AND NEW.kind = 'transfer' AND NEW.unit_type = 'quota' "
  "  BEGIN " TRADING_COUNT_7 " END;",

};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == KVOTA_STORE_SCHEMA_VERSION);

static void
kvota_store_finalize (GObject *object)
{
  KvotaStore *self = (KvotaStore *)object;

  /* Statements must be finalized before the connection closes. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->audit_proved_hash, g_free);

  G_OBJECT_CLASS (kvota_store_parent_class)->finalize (object);
}

static void
kvota_store_class_init (KvotaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_store_finalize;
}

static void
kvota_store_init (KvotaStore *self)
{
  self->statements = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
}

/* Internal helpers shared by the store's files */

gboolean
_kvota_store_storage_error (KvotaStore  *self,
                            GError     **error)
{
  g_warning ("%s: %s (%d)",
             self->path,
             sqlite3_errmsg (self->db),
             sqlite3_extended_errcode (self->db));
  kvota_set_error (error, KVOTA_ERROR_STORAGE, NULL);
  return FALSE;
}

sqlite3_stmt *
_kvota_store_prepare (KvotaStore  *self,
                      const char  *sql,
                      GError     **error)
{
  sqlite3_stmt *statement;

  if ((statement = g_hash_table_lookup (self->statements, sql)) != NULL)
    return statement;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                          &statement, NULL) != SQLITE_OK)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, statement);
  return statement;
}

gboolean
_kvota_store_step_done (KvotaStore    *self,
                        sqlite3_stmt  *statement,
                        GError       **error)
{
  int rc = sqlite3_step (statement);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;

  if (rc == SQLITE_CONSTRAINT)
    {
      g_debug ("Constraint: %s", sqlite3_errmsg (self->db));
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      return FALSE;
    }

  return _kvota_store_storage_error (self, error);
}

static gboolean
exec (KvotaStore  *self,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _kvota_store_storage_error (self, error);

  return TRUE;
}

gboolean
_kvota_store_begin (KvotaStore  *self,
                    GError     **error)
{
  /* Inside a group each operation is a savepoint of the group's
   * transaction: undone alone when it fails, durable with the others. */
  if (self->in_group)
    {
      /* An I/O error can end the whole transaction: then the group is
       * lost, and nothing may go on as if it were still open. */
      if (self->group_failed || sqlite3_get_autocommit (self->db))
        {
          kvota_set_error (error, KVOTA_ERROR_STORAGE, NULL);
          return FALSE;
        }
      if (!exec (self, "SAVEPOINT kvota_operation", error))
        return FALSE;
      self->group_depth++;
      return TRUE;
    }

  /* IMMEDIATE takes the write lock up front, so a transaction never fails
   * half-way because another writer got there first. */
  return exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
_kvota_store_commit (KvotaStore  *self,
                     GError     **error)
{
  if (self->in_group)
    {
      g_assert (self->group_depth > 0);
      if (!exec (self, "RELEASE kvota_operation", error))
        return FALSE;
      self->group_depth--;
      return TRUE;
    }

  return exec (self, "COMMIT", error);
}

void
_kvota_store_rollback (KvotaStore *self)
{
  /* What was read since the transaction began may be undone too. */
  self->rollbacks++;

  if (self->in_group)
    {
      if (self->group_depth > 0)
        {
          /* Undone alone, or the group cannot be committed at all: a
           * failed operation's writes must never become durable. */
          if (sqlite3_exec (self->db, "ROLLBACK TO kvota_operation; RELEASE kvota_operation",
                            NULL, NULL, NULL) != SQLITE_OK)
            self->group_failed = TRUE;
          self->group_depth--;
        }
      return;
    }

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
_kvota_store_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return kvota_timestamp_format (now);
}

static gint64
query_int (KvotaStore *self,
           const char *pragma)
{
  sqlite3_stmt *statement;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (self->db, pragma, -1, &statement, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (statement) == SQLITE_ROW)
    value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return value;
}

static gboolean
create_builtin_organisations (KvotaStore  *self,
                              GError     **error)
{
  static const struct {
    KvotaHolderType type;
    const char *name;
  } builtin[] = {
    { KVOTA_HOLDER_TYPE_REGISTRY, "Registry administration" },
    { KVOTA_HOLDER_TYPE_MINISTRY, "Ministry of Ecology and Natural Resources" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    {
      g_autoptr(KvotaOrganisation) organisation = NULL;

      organisation = _kvota_store_insert_organisation (self, "kvotactl", builtin[i].name,
                                                       NULL, builtin[i].type, error);
      if (organisation == NULL)
        return FALSE;
    }

  return TRUE;
}

/* Runs before anything is written: a file that is not a Kvota registry
 * (nor an empty one to make into a registry) is left exactly as it was,
 * down to its journal mode. */
static gboolean
check_identity (KvotaStore  *self,
                gboolean     create,
                GError     **error)
{
  gint64 version = query_int (self, "PRAGMA user_version");
  gint64 application_id = query_int (self, "PRAGMA application_id");

  if (version < 0 || (version > 0 && application_id != KVOTA_APPLICATION_ID))
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);
      return FALSE;
    }

  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      kvota_set_error (error, KVOTA_ERROR_SCHEMA_TOO_NEW, NULL);
      return FALSE;
    }

  if (version == 0 && (!create || query_int (self, "SELECT count(*) FROM sqlite_schema") != 0))
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (KvotaStore  *self,
         GError     **error)
{
  gint64 version = query_int (self, "PRAGMA user_version");
  gboolean fresh = version == 0;

  if (version == G_N_ELEMENTS (migrations))
    return TRUE;

  if (!_kvota_store_begin (self, error))
    return FALSE;

  for (gint64 v = version; v < (gint64) G_N_ELEMENTS (migrations); v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v + 1);

      g_debug ("Migrating %s to schema %" G_GINT64_FORMAT, self->path, v + 1);
      if (!exec (self, migrations[v], error) || !exec (self, set_version, error))
        goto failed;
    }

  if (fresh)
    {
      g_autofree char *set_id = g_strdup_printf ("PRAGMA application_id = %d", KVOTA_APPLICATION_ID);

      if (!exec (self, set_id, error) ||
          !create_builtin_organisations (self, error))
        goto failed;
    }

  if (!_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/* Public API */

/**
 * kvota_principal_copy:
 * @principal: a #KvotaPrincipal
 *
 * Returns: (transfer full): a copy of @principal
 */
KvotaPrincipal *
kvota_principal_copy (const KvotaPrincipal *principal)
{
  KvotaPrincipal *copy;

  g_return_val_if_fail (principal != NULL, NULL);

  copy = g_memdup2 (principal, sizeof *principal);
  copy->username = g_strdup (principal->username);
  copy->account = g_strdup (principal->account);
  copy->expires = principal->expires != NULL ? g_date_time_ref (principal->expires) : NULL;

  return copy;
}

void
kvota_principal_free (KvotaPrincipal *principal)
{
  if (principal == NULL)
    return;

  g_free (principal->username);
  g_free (principal->account);
  g_clear_pointer (&principal->expires, g_date_time_unref);
  g_free (principal);
}

/**
 * kvota_store_open:
 * @path: the registry database file
 * @create: whether to create the registry if @path does not exist
 * @error: return location for a #GError, or %NULL
 *
 * Opens a registry database for reading and writing, migrating it to the
 * current schema. Commits are durable: a transaction that returned
 * survives a crash or a power loss.
 *
 * Returns: (transfer full) (nullable): the store
 */
KvotaStore *
kvota_store_open (const char  *path,
                  gboolean     create,
                  GError     **error)
{
  g_autoptr(KvotaStore) self = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW;

  g_return_val_if_fail (path != NULL, NULL);

  if (create)
    flags |= SQLITE_OPEN_CREATE;
  else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_NOT_A_REGISTRY,
                   _("There is no registry database at “%s”."), path);
      return NULL;
    }

  self = g_object_new (KVOTA_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (sqlite3_open_v2 (path, &self->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_STORAGE,
                   _("Cannot open the registry database “%s”: %s"),
                   path, sqlite3_errmsg (self->db));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 10000);

  if (query_int (self, "PRAGMA schema_version") < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);
      return NULL;
    }

  if (!check_identity (self, create, error))
    return NULL;

  /* WAL lets readers (backups, reports) run beside the writer;
   * synchronous=FULL makes every commit durable in WAL mode too. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !exec (self, "PRAGMA trusted_schema = OFF", error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * kvota_store_get_path:
 * @self: a #KvotaStore
 *
 * Returns: (transfer none): the database file
 */
const char *
kvota_store_get_path (KvotaStore *self)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  return self->path;
}

/**
 * kvota_store_backup:
 * @self: a #KvotaStore
 * @destination: the file to write
 * @error: return location for a #GError, or %NULL
 *
 * Copies the registry with SQLite's online backup, as one consistent
 * snapshot even while a server writes to it. The copy is written beside
 * @destination and renamed into place only once complete and synced, so
 * @destination never holds half a backup.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_backup (KvotaStore  *self,
                    const char  *destination,
                    GError     **error)
{
  g_autofree char *partial = NULL;
  sqlite3_backup *backup;
  sqlite3 *target = NULL;
  int rc;
  int fd;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  partial = g_strdup_printf ("%s.partial-%u", destination, g_random_int ());

  if (sqlite3_open_v2 (partial, &target,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE,
                       NULL) != SQLITE_OK)
    goto failed;

  if ((backup = sqlite3_backup_init (target, "main", self->db, "main")) == NULL)
    goto failed;

  /* One step copies every page inside one read transaction: a snapshot. */
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE ||
      sqlite3_exec (target, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
    goto failed;

  sqlite3_close (target);
  target = NULL;

  if ((fd = g_open (partial, O_RDONLY | O_CLOEXEC, 0)) < 0)
    goto failed;
  rc = fsync (fd);
  close (fd);
  if (rc != 0 || g_rename (partial, destination) != 0)
    goto failed;

  return TRUE;

failed:
  {
    int saved_errno = errno;

    g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_STORAGE,
                 _("Cannot write the backup “%s”: %s"),
                 destination,
                 target != NULL ? sqlite3_errmsg (target) : g_strerror (saved_errno));
    if (target != NULL)
      sqlite3_close (target);
    g_unlink (partial);
    return FALSE;
  }
}

/**
 * kvota_store_begin_group:
 * @self: a #KvotaStore
 * @error: return location for a #GError, or %NULL
 *
 * Starts a group commit: the operations until kvota_store_end_group()
 * each succeed or fail alone, as always, but become durable together in
 * one commit, so that many cost the disk one flush. Nothing they did may
 * be reported as done before kvota_store_end_group() succeeds.
 *
 * Returns: %TRUE when the group began
 */
gboolean
kvota_store_begin_group (KvotaStore  *self,
                         GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (self->in_group || !sqlite3_get_autocommit (self->db))
    {
      g_critical ("A group commit began inside a transaction");
      kvota_set_error (error, KVOTA_ERROR_STORAGE, NULL);
      return FALSE;
    }

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  self->in_group = TRUE;
  self->group_failed = FALSE;
  self->group_depth = 0;
  return TRUE;
}

/**
 * kvota_store_end_group:
 * @self: a #KvotaStore
 * @error: return location for a #GError, or %NULL
 *
 * Commits the group kvota_store_begin_group() started.
 *
 * Returns: %TRUE when every operation of the group is durable; on
 *   %FALSE none of them happened
 */
gboolean
kvota_store_end_group (KvotaStore  *self,
                       GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->in_group, FALSE);

  self->in_group = FALSE;

  /* An operation left open, or one that could not be undone alone: none
   * of the group may stand. */
  if (self->group_depth > 0 || self->group_failed)
    {
      if (self->group_depth > 0)
        g_critical ("A group commit ended with %u operations open", self->group_depth);
      self->group_depth = 0;
      _kvota_store_rollback (self);
      kvota_set_error (error, KVOTA_ERROR_STORAGE, NULL);
      return FALSE;
    }

  if (sqlite3_get_autocommit (self->db))
    {
      self->rollbacks++;
      kvota_set_error (error, KVOTA_ERROR_STORAGE, NULL);
      return FALSE;
    }
  if (exec (self, "COMMIT", error))
    return TRUE;

  _kvota_store_rollback (self);
  return FALSE;
}

/* SQLite's count of commits by other connections to the file, or -1 when
 * it cannot be read. */
gint64
_kvota_store_data_version (KvotaStore *self)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  if ((statement = _kvota_store_prepare (self, "PRAGMA data_version", NULL)) != NULL &&
      sqlite3_step (statement) == SQLITE_ROW)
    return sqlite3_column_int64 (statement, 0);

  return -1;
}

/**
 * kvota_store_get_version:
 * @self: a #KvotaStore
 *
 * What the caller read from the registry stays true while this number
 * stays the same: it changes after every write through @self (including
 * one rolled back) and after every commit by another connection to the
 * same file, such as kvotactl's. Checking costs one small read.
 *
 * Returns: the registry's version as this store sees it
 */
guint64
kvota_store_get_version (KvotaStore *self)
{
  gint64 data_version;
  gint64 changes;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  data_version = _kvota_store_data_version (self);
  changes = sqlite3_total_changes64 (self->db);

  /* Unreadable: nothing read before can be trusted. */
  if (data_version < 0 ||
      data_version != self->seen_data_version ||
      changes != self->seen_changes ||
      self->rollbacks != self->seen_rollbacks)
    {
      self->seen_data_version = data_version;
      self->seen_changes = changes;
      self->seen_rollbacks = self->rollbacks;
      self->version++;
    }

  return self->version;
}

/**
 * kvota_store_get_setting:
 * @self: a #KvotaStore
 * @key: a setting's name
 *
 * Returns: (transfer full) (nullable): the setting's value
 */
char *
kvota_store_get_setting (KvotaStore *self,
                         const char *key)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (statement, 0));
}

/**
 * kvota_store_set_setting:
 * @self: a #KvotaStore
 * @actor: who changes it
 * @key: a setting's name
 * @value: its new value
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success; the change is in the audit journal
 */
gboolean
kvota_store_set_setting (KvotaStore  *self,
                         const char  *actor,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = json_node_new (JSON_NODE_VALUE);
  g_autofree char *old = NULL;
  g_autofree char *object = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((old = kvota_store_get_setting (self, key)) != NULL)
    {
      before = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (before, old);
    }
  json_node_set_string (after, value);
  object = g_strdup_printf ("setting/%s", key);

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO settings (key, value) VALUES (?, ?) "
                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_text (statement, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, value, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if (!_kvota_store_audit (self, actor, "setting.change", object, before, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/* Keeps a file once by its SHA-256, inside the caller's transaction;
 * returns the hash. */
char *
_kvota_store_insert_document (KvotaStore  *self,
                              GBytes      *bytes,
                              const char  *content_type,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *now = _kvota_store_now ();
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  statement = _kvota_store_prepare (self, "INSERT INTO documents (sha256, content_type, size, data, created) "
                                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, content_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, (sqlite3_int64) size);
  sqlite3_bind_blob64 (statement, 4, data, size, SQLITE_STATIC);
  sqlite3_bind_text (statement, 5, now, -1, SQLITE_STATIC);
  if (!_kvota_store_step_done (self, statement, error))
    return NULL;

  return g_steal_pointer (&sha256);
}
