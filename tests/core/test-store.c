/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-store.h"

/* The store against a real SQLite file in a temporary directory. Where a
 * test needs to see or spoil the file behind the store's back it opens
 * its own connection: the store's word alone proves nothing about the
 * store. */

#define BIN_A "050140000656"   /* check digit 6, worked out in test-bin.c */
#define BIN_B "940740000129"   /* check digit 9 */
#define BIN_C "870412300416"   /* check digit 6 */
#define PASSWORD "correct horse battery staple"
/* What the first audit entry links to. */
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Hashed once: argon2id is slow on purpose. */
static char *password_hash;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)

typedef struct
{
  char              *dir;
  char              *path;
  KvotaStore        *store;
  KvotaOrganisation *a;     /* a nature user */
  KvotaOrganisation *b;     /* an individual */
} Fixture;

/* Helpers: files and direct access */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static sqlite3 *
open_direct (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    g_error ("Cannot open %s: %s", path, sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 10000);

  return db;
}

static void
exec_direct (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_direct (sqlite3    *db,
              const char *sql)
{
  sqlite3_stmt *statement = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return value;
}

/* Everything the ledger and the journal hold, as text, to prove that a
 * refused operation left no trace at all. */
static char *
dump_database (const char *path)
{
  static const char * const queries[] = {
    "SELECT * FROM organisations ORDER BY id",
    "SELECT * FROM accounts ORDER BY id",
    "SELECT * FROM serial_counters ORDER BY unit_type, vintage",
    "SELECT * FROM transactions ORDER BY id",
    "SELECT * FROM transaction_serials ORDER BY rowid",
    "SELECT * FROM blocks ORDER BY id",
    "SELECT * FROM audit ORDER BY id",
    "SELECT * FROM settings ORDER BY key",
  };
  g_autoptr(sqlite3) db = open_direct (path);
  GString *dump = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *statement = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[i], -1, &statement, NULL), ==, SQLITE_OK);
      g_string_append_printf (dump, "%s\n", queries[i]);
      while (sqlite3_step (statement) == SQLITE_ROW)
        {
          for (int column = 0; column < sqlite3_column_count (statement); column++)
            {
              const char *text = (const char *) sqlite3_column_text (statement, column);

              g_string_append_printf (dump, "%s|", text != NULL ? text : "NULL");
            }
          g_string_append_c (dump, '\n');
        }
      sqlite3_finalize (statement);
    }

  return g_string_free (dump, FALSE);
}

/* Fixtures */

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kvota-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "registry.db", NULL);

  f->store = kvota_store_open (f->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
set_up_holders (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  set_up (f, data);

  f->a = kvota_store_create_organisation (f->store, "admin", "ТОО «Павлодарэнерго»", BIN_A,
                                          KVOTA_HOLDER_TYPE_NATURE_USER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->a);
  g_assert_nonnull (f->a->account);

  f->b = kvota_store_create_organisation (f->store, "admin", "Steppe Carbon Trading", BIN_B,
                                          KVOTA_HOLDER_TYPE_INDIVIDUAL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->b);
  g_assert_nonnull (f->b->account);
  g_assert_cmpstr (f->a->account, !=, f->b->account);
}

static void
close_store (Fixture *f)
{
  if (f->store != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->store));
}

static void
reopen_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  close_store (f);
  f->store = kvota_store_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  close_store (f);
  g_clear_pointer (&f->a, kvota_organisation_free);
  g_clear_pointer (&f->b, kvota_organisation_free);
  remove_tree (f->dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

/* Ledger assertions */

typedef struct
{
  KvotaUnitType unit_type;
  int           vintage;
  KvotaQuantity issued;
  KvotaQuantity held;
  KvotaQuantity surrendered;
  KvotaQuantity cancelled;
} Total;

#define QUOTA KVOTA_UNIT_TYPE_QUOTA
#define OFFSET KVOTA_UNIT_TYPE_OFFSET

/* Reads the blocks straight from the file and proves the invariant
 * without the store's help: the blocks of each unit type and vintage
 * tile 1..issued exactly, and add up to the expected totals. */
static void
assert_blocks_tile (const char  *path,
                    const Total *expected,
                    guint        n_expected)
{
  g_autoptr(sqlite3) db = open_direct (path);

  for (guint i = 0; i < n_expected; i++)
    {
      sqlite3_stmt *statement = NULL;
      gint64 next = 1;
      KvotaQuantity held = 0;
      KvotaQuantity surrendered = 0;
      KvotaQuantity cancelled = 0;

      g_assert_cmpint (sqlite3_prepare_v2 (db,
                                           "SELECT first_serial, last_serial, state FROM blocks "
                                           "WHERE unit_type = ? AND vintage = ? ORDER BY first_serial",
                                           -1, &statement, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (statement, 1, kvota_unit_type_to_string (expected[i].unit_type), -1, SQLITE_STATIC);
      sqlite3_bind_int (statement, 2, expected[i].vintage);

      while (sqlite3_step (statement) == SQLITE_ROW)
        {
          gint64 first = sqlite3_column_int64 (statement, 0);
          gint64 last = sqlite3_column_int64 (statement, 1);
          const char *state = (const char *) sqlite3_column_text (statement, 2);
          KvotaQuantity size = last - first + 1;

          /* No serial in two blocks, none missing. */
          g_assert_cmpint (first, ==, next);
          g_assert_cmpint (last, >=, first);
          next = last + 1;

          if (g_strcmp0 (state, "surrendered") == 0)
            surrendered += size;
          else if (g_strcmp0 (state, "cancelled") == 0)
            cancelled += size;
          else
            held += size;
        }
      sqlite3_finalize (statement);

      g_assert_cmpint (next - 1, ==, expected[i].issued);
      g_assert_cmpint (held, ==, expected[i].held);
      g_assert_cmpint (surrendered, ==, expected[i].surrendered);
      g_assert_cmpint (cancelled, ==, expected[i].cancelled);
    }

  g_assert_cmpint (query_direct (db, "SELECT count(*) FROM serial_counters"), ==, n_expected);
}

static void
assert_ledger_totals (Fixture     *f,
                      const Total *expected,
                      guint        n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) totals = kvota_store_check_ledger (f->store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (totals);
  g_assert_cmpuint (totals->len, ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      const KvotaLedgerTotal *total = NULL;

      for (guint j = 0; j < totals->len; j++)
        {
          const KvotaLedgerTotal *candidate = &g_array_index (totals, KvotaLedgerTotal, j);

          if (candidate->unit_type == expected[i].unit_type &&
              candidate->vintage == expected[i].vintage)
            total = candidate;
        }

      g_test_message ("ledger for %s %d", kvota_unit_type_to_string (expected[i].unit_type),
                      expected[i].vintage);
      g_assert_nonnull (total);
      g_assert_cmpint (total->issued, ==, expected[i].issued);
      g_assert_cmpint (total->held, ==, expected[i].held);
      g_assert_cmpint (total->surrendered, ==, expected[i].surrendered);
      g_assert_cmpint (total->cancelled, ==, expected[i].cancelled);
      /* The invariant itself. */
      g_assert_cmpint (total->issued, ==, total->held + total->surrendered + total->cancelled);
      g_assert_cmpint (total->n_blocks, >=, 1);
    }

  assert_blocks_tile (f->path, expected, n_expected);
}

#define ASSERT_LEDGER(f, ...)                                                \
  G_STMT_START {                                                             \
    const Total expected_[] = { __VA_ARGS__ };                               \
    assert_ledger_totals (f, expected_, G_N_ELEMENTS (expected_));           \
  } G_STMT_END

static void
assert_ledger_empty (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) totals = kvota_store_check_ledger (f->store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (totals);
  g_assert_cmpuint (totals->len, ==, 0);
}

static void
assert_holdings (Fixture            *f,
                 const char         *account,
                 const KvotaHolding *expected,
                 guint               n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) holdings = kvota_store_get_holdings (f->store, account, &error);

  g_assert_no_error (error);
  g_assert_nonnull (holdings);
  g_assert_cmpuint (holdings->len, ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      const KvotaHolding *holding = NULL;

      for (guint j = 0; j < holdings->len; j++)
        {
          const KvotaHolding *candidate = &g_array_index (holdings, KvotaHolding, j);

          if (candidate->unit_type == expected[i].unit_type &&
              candidate->vintage == expected[i].vintage)
            holding = candidate;
        }

      g_test_message ("holding of %s in %s %d", account,
                      kvota_unit_type_to_string (expected[i].unit_type), expected[i].vintage);
      g_assert_nonnull (holding);
      g_assert_cmpint (holding->available, ==, expected[i].available);
      g_assert_cmpint (holding->reserved, ==, expected[i].reserved);
      g_assert_cmpint (holding->pending, ==, expected[i].pending);
      g_assert_cmpint (holding->surrendered, ==, expected[i].surrendered);
      g_assert_cmpint (holding->cancelled, ==, expected[i].cancelled);
    }
}

/* unit type, vintage, available, reserved, pending, surrendered, cancelled */
#define ASSERT_HOLDINGS(f, account, ...)                                     \
  G_STMT_START {                                                             \
    const KvotaHolding expected_[] = { __VA_ARGS__ };                        \
    assert_holdings (f, account, expected_, G_N_ELEMENTS (expected_));       \
  } G_STMT_END

static void
assert_no_holdings (Fixture    *f,
                    const char *account)
{
  assert_holdings (f, account, NULL, 0);
}

/* The serials a transaction moved: exactly @expected, in order, each
 * range well formed, none overlapping, adding up to its quantity. The
 * stored transaction says the same. */
static void
assert_serials (Fixture                *f,
                const KvotaTransaction *transaction,
                const KvotaSerialRange *expected,
                guint                   n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) stored = NULL;
  KvotaQuantity sum = 0;

  g_assert_nonnull (transaction);
  g_assert_cmpuint (transaction->serials->len, ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      const KvotaSerialRange *range = &g_array_index (transaction->serials, KvotaSerialRange, i);

      g_assert_cmpint (range->first, ==, expected[i].first);
      g_assert_cmpint (range->last, ==, expected[i].last);
      g_assert_cmpint (range->first, >=, 1);
      g_assert_cmpint (range->first, <=, range->last);
      if (i > 0)
        g_assert_cmpint (g_array_index (transaction->serials, KvotaSerialRange, i - 1).last,
                         <, range->first);
      sum += range->last - range->first + 1;
    }
  g_assert_cmpint (sum, ==, transaction->quantity);

  stored = kvota_store_get_transaction (f->store, transaction->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpuint (stored->serials->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_assert_cmpint (g_array_index (stored->serials, KvotaSerialRange, i).first, ==, expected[i].first);
      g_assert_cmpint (g_array_index (stored->serials, KvotaSerialRange, i).last, ==, expected[i].last);
    }
}

#define ASSERT_SERIALS(f, transaction, ...)                                  \
  G_STMT_START {                                                             \
    const KvotaSerialRange expected_[] = { __VA_ARGS__ };                    \
    assert_serials (f, transaction, expected_, G_N_ELEMENTS (expected_));    \
  } G_STMT_END

static void
assert_transaction (const KvotaTransaction *transaction,
                    KvotaTransactionKind    kind,
                    KvotaTransactionState   state,
                    KvotaUnitType           unit_type,
                    int                     vintage,
                    KvotaQuantity           quantity,
                    const char             *from_account,
                    const char             *to_account)
{
  g_assert_nonnull (transaction);
  g_assert_cmpint (transaction->id, >, 0);
  g_assert_cmpint (transaction->kind, ==, kind);
  g_assert_cmpint (transaction->state, ==, state);
  g_assert_cmpint (transaction->unit_type, ==, unit_type);
  g_assert_cmpint (transaction->vintage, ==, vintage);
  g_assert_cmpint (transaction->quantity, ==, quantity);
  g_assert_cmpstr (transaction->from_account, ==, from_account);
  g_assert_cmpstr (transaction->to_account, ==, to_account);
  g_assert_nonnull (transaction->created);
  if (state == KVOTA_TRANSACTION_STATE_PROPOSED)
    g_assert_null (transaction->decided);
  else
    g_assert_nonnull (transaction->decided);
}

static gint64
count_audit (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 n_entries = -1;
  gint64 first_bad = -1;

  g_assert_true (kvota_store_verify_audit (f->store, &n_entries, &first_bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_bad, ==, 0);

  return n_entries;
}

/* What a refused operation must not change. */
typedef struct
{
  char   *dump;
  GArray *totals;
  GArray *holdings_a;
  GArray *holdings_b;
  gint64  n_audit;
} Snapshot;

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->dump, g_free);
  g_clear_pointer (&snapshot->totals, g_array_unref);
  g_clear_pointer (&snapshot->holdings_a, g_array_unref);
  g_clear_pointer (&snapshot->holdings_b, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Snapshot, snapshot_clear)

static void
snapshot_take (Fixture  *f,
               Snapshot *snapshot)
{
  g_autoptr(GError) error = NULL;

  snapshot_clear (snapshot);
  snapshot->dump = dump_database (f->path);
  snapshot->totals = kvota_store_check_ledger (f->store, &error);
  g_assert_no_error (error);
  snapshot->holdings_a = kvota_store_get_holdings (f->store, f->a->account, &error);
  g_assert_no_error (error);
  snapshot->holdings_b = kvota_store_get_holdings (f->store, f->b->account, &error);
  g_assert_no_error (error);
  snapshot->n_audit = count_audit (f);
}

static void
assert_same_array (GArray *a,
                   GArray *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (g_array_get_element_size (a), ==, g_array_get_element_size (b));
  g_assert_cmpmem (a->data, a->len * g_array_get_element_size (a),
                   b->data, b->len * g_array_get_element_size (b));
}

static void
assert_unchanged (Fixture        *f,
                  const Snapshot *before)
{
  g_auto(Snapshot) now = { 0, };

  snapshot_take (f, &now);
  assert_same_array (before->totals, now.totals);
  assert_same_array (before->holdings_a, now.holdings_a);
  assert_same_array (before->holdings_b, now.holdings_b);
  g_assert_cmpint (before->n_audit, ==, now.n_audit);
  g_assert_cmpstr (before->dump, ==, now.dump);
}

static void
assert_kvota_error (GError     *error,
                    KvotaError  code,
                    const char *field)
{
  g_assert_error (error, KVOTA_ERROR, (gint) code);
  g_assert_cmpstr (kvota_error_get_field (error), ==, field);
}

/* Opening */

static void
test_store_open_create (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) organisations = kvota_store_list_organisations (f->store, &error);
  const KvotaOrganisation *registry;
  const KvotaOrganisation *ministry;

  g_assert_no_error (error);
  g_assert_cmpstr (kvota_store_get_path (f->store), ==, f->path);

  /* A new registry holds its operator and the Ministry, and nothing else. */
  g_assert_nonnull (organisations);
  g_assert_cmpuint (organisations->len, ==, 2);
  registry = g_ptr_array_index (organisations, 0);
  ministry = g_ptr_array_index (organisations, 1);
  g_assert_cmpint (registry->holder_type, ==, KVOTA_HOLDER_TYPE_REGISTRY);
  g_assert_cmpint (ministry->holder_type, ==, KVOTA_HOLDER_TYPE_MINISTRY);
  g_assert_cmpstr (registry->name, !=, "");
  g_assert_cmpstr (ministry->name, !=, "");
  for (guint i = 0; i < organisations->len; i++)
    {
      const KvotaOrganisation *organisation = g_ptr_array_index (organisations, i);

      g_assert_null (organisation->bin);
      g_assert_null (organisation->account);
      g_assert_cmpint (organisation->state, ==, KVOTA_USER_STATE_ACTIVE);
    }
  g_assert_cmpint (kvota_store_find_organisation_by_type (f->store, KVOTA_HOLDER_TYPE_REGISTRY),
                   ==, registry->id);
  g_assert_cmpint (kvota_store_find_organisation_by_type (f->store, KVOTA_HOLDER_TYPE_MINISTRY),
                   ==, ministry->id);
  g_assert_cmpint (kvota_store_find_organisation_by_type (f->store, KVOTA_HOLDER_TYPE_NATURE_USER),
                   ==, 0);

  /* Their creation is in the journal; the ledger is empty and balanced. */
  g_assert_cmpint (count_audit (f), ==, 2);
  assert_ledger_empty (f);

  /* The file says what it is, and is durable. */
  {
    g_autoptr(sqlite3) db = open_direct (f->path);
    sqlite3_stmt *statement = NULL;

    g_assert_cmpint (query_direct (db, "PRAGMA application_id"), ==, 0x4B564F54);
    g_assert_cmpint (query_direct (db, "PRAGMA user_version"), ==, KVOTA_STORE_SCHEMA_VERSION);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &statement, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (statement, 0), ==, "wal");
    sqlite3_finalize (statement);
  }

  /* Opening it again, with or without create, adds nothing. */
  for (guint create = 0; create <= 1; create++)
    {
      g_autoptr(GPtrArray) again = NULL;

      close_store (f);
      f->store = kvota_store_open (f->path, create, &error);
      g_assert_no_error (error);
      g_assert_nonnull (f->store);

      again = kvota_store_list_organisations (f->store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (again->len, ==, 2);
      g_assert_cmpint (count_audit (f), ==, 2);
    }
}

static void
test_store_open_missing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  g_autoptr(KvotaStore) store = NULL;

  store = kvota_store_open (missing, FALSE, &error);
  g_assert_null (store);
  assert_kvota_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);
  g_assert_nonnull (strstr (error->message, missing));
  /* Nothing was created on the way. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A directory is no registry either. */
  store = kvota_store_open (f->dir, FALSE, &error);
  g_assert_null (store);
  assert_kvota_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);
}

/* Opens @path both ways, expecting NOT_A_REGISTRY each time and the file
 * and its directory left exactly as they were. */
static void
assert_not_a_registry (Fixture    *f,
                       const char *path)
{
  g_autofree char *before = NULL;
  gsize before_length = 0;
  guint n_files = count_files (f->dir);

  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));

  for (guint create = 0; create <= 1; create++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaStore) store = NULL;
      g_autofree char *after = NULL;
      gsize after_length = 0;

      store = kvota_store_open (path, create, &error);
      g_assert_null (store);
      assert_kvota_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);

      g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
      g_assert_cmpmem (before, before_length, after, after_length);
      g_assert_cmpuint (count_files (f->dir), ==, n_files);
    }
}

static void
test_store_open_not_sqlite (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *note = g_build_filename (f->dir, "plan.txt", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.db", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaStore) store = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (text, "Национальный план распределения квот, 2014–2015.\n");
  g_assert_true (g_file_set_contents (note, text->str, text->len, NULL));
  assert_not_a_registry (f, note);

  /* An empty file is not a registry to open... */
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  store = kvota_store_open (empty, FALSE, &error);
  g_assert_null (store);
  assert_kvota_error (error, KVOTA_ERROR_NOT_A_REGISTRY, NULL);
  {
    g_autofree char *contents = NULL;
    gsize length = 1;

    g_assert_true (g_file_get_contents (empty, &contents, &length, NULL));
    g_assert_cmpuint (length, ==, 0);
  }

  /* ...but one to create a registry in. */
  g_clear_error (&error);
  store = kvota_store_open (empty, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (kvota_store_find_organisation_by_type (store, KVOTA_HOLDER_TYPE_MINISTRY), >, 0);
}

static void
test_store_open_foreign (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *contacts = g_build_filename (f->dir, "contacts.db", NULL);
  g_autofree char *versioned = g_build_filename (f->dir, "versioned.db", NULL);

  /* Another program's database, in SQLite's default journal mode. */
  {
    g_autoptr(sqlite3) db = NULL;

    g_assert_cmpint (sqlite3_open (contacts, &db), ==, SQLITE_OK);
    exec_direct (db, "CREATE TABLE contacts (name TEXT, phone TEXT);"
                     "INSERT INTO contacts VALUES ('Айгерим', '+7 701 000 00 00');");
  }
  assert_not_a_registry (f, contacts);

  /* One that numbers its schema too, the way Kvota does. */
  {
    g_autoptr(sqlite3) db = NULL;

    g_assert_cmpint (sqlite3_open (versioned, &db), ==, SQLITE_OK);
    exec_direct (db, "CREATE TABLE notes (text TEXT); PRAGMA user_version = 1;");
  }
  assert_not_a_registry (f, versioned);

  /* And the foreign file is still what its owner left: same content,
   * same journal mode. */
  {
    g_autoptr(sqlite3) db = open_direct (contacts);
    sqlite3_stmt *statement = NULL;

    g_assert_cmpint (query_direct (db, "SELECT count(*) FROM contacts"), ==, 1);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &statement, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (statement, 0), ==, "delete");
    sqlite3_finalize (statement);
  }
}

static void
test_store_open_too_new (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaStore) store = NULL;

  close_store (f);
  {
    g_autoptr(sqlite3) db = open_direct (f->path);
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", KVOTA_STORE_SCHEMA_VERSION + 1);

    exec_direct (db, sql);
  }

  store = kvota_store_open (f->path, FALSE, &error);
  g_assert_null (store);
  assert_kvota_error (error, KVOTA_ERROR_SCHEMA_TOO_NEW, NULL);
}

/* Organisations */

static void
test_store_organisations (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaOrganisation) broker = NULL;
  g_autoptr(KvotaOrganisation) read = NULL;
  g_autoptr(GPtrArray) organisations = NULL;
  g_auto(Snapshot) before = { 0, };

  /* Holders get an account; the account leads back to them. */
  g_assert_true (g_str_has_prefix (f->a->account, "KZ-100-"));
  g_assert_cmpstr (f->a->bin, ==, BIN_A);
  g_assert_cmpint (f->a->holder_type, ==, KVOTA_HOLDER_TYPE_NATURE_USER);
  g_assert_cmpint (f->a->state, ==, KVOTA_USER_STATE_ACTIVE);
  g_assert_cmpint (kvota_store_get_account_organisation (f->store, f->a->account), ==, f->a->id);
  g_assert_cmpint (kvota_store_get_account_organisation (f->store, f->b->account), ==, f->b->id);
  g_assert_cmpint (kvota_store_get_account_organisation (f->store, "KZ-100-999999"), ==, 0);

  read = kvota_store_get_organisation (f->store, f->a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->name, ==, "ТОО «Павлодарэнерго»");
  g_assert_cmpstr (read->bin, ==, BIN_A);
  g_assert_cmpstr (read->account, ==, f->a->account);
  g_assert_cmpint (read->holder_type, ==, KVOTA_HOLDER_TYPE_NATURE_USER);

  /* A new holder has nothing yet. */
  assert_no_holdings (f, f->a->account);

  /* Intermediaries hold nothing, so they have no account. */
  broker = kvota_store_create_organisation (f->store, "admin", "Caspian Brokers", BIN_C,
                                            KVOTA_HOLDER_TYPE_BROKER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (broker);
  g_assert_null (broker->account);
  g_assert_cmpint (count_audit (f), ==, 5);

  snapshot_take (f, &before);

  {
    static const struct {
      const char      *name;
      const char      *bin;
      KvotaHolderType  type;
      KvotaError       code;
      const char      *field;
    } cases[] = {
      { "Wrong check digit", "050140000655", KVOTA_HOLDER_TYPE_NATURE_USER, KVOTA_ERROR_INVALID_BIN, NULL },
      { "Spaces", "050 140 000 656", KVOTA_HOLDER_TYPE_NATURE_USER, KVOTA_ERROR_INVALID_BIN, NULL },
      { "No BIN", NULL, KVOTA_HOLDER_TYPE_INDIVIDUAL, KVOTA_ERROR_INVALID_BIN, NULL },
      { "Twice", BIN_A, KVOTA_HOLDER_TYPE_INDIVIDUAL, KVOTA_ERROR_DUPLICATE_BIN, "bin" },
      { "Broker twice", BIN_C, KVOTA_HOLDER_TYPE_TRADER, KVOTA_ERROR_DUPLICATE_BIN, "bin" },
      { "A second registry", NULL, KVOTA_HOLDER_TYPE_REGISTRY, KVOTA_ERROR_INVALID_VALUE, "holder_type" },
      { "A second ministry", NULL, KVOTA_HOLDER_TYPE_MINISTRY, KVOTA_ERROR_INVALID_VALUE, "holder_type" },
      { "   ", "123456789013", KVOTA_HOLDER_TYPE_INDIVIDUAL, KVOTA_ERROR_INVALID_VALUE, "name" },
      { "", "123456789013", KVOTA_HOLDER_TYPE_INDIVIDUAL, KVOTA_ERROR_INVALID_VALUE, "name" },
      { "Two\nlines", "123456789013", KVOTA_HOLDER_TYPE_INDIVIDUAL, KVOTA_ERROR_INVALID_VALUE, "name" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) create_error = NULL;
        g_autoptr(KvotaOrganisation) organisation = NULL;

        g_test_message ("creating “%s” with BIN %s", cases[i].name, cases[i].bin);
        organisation = kvota_store_create_organisation (f->store, "admin", cases[i].name, cases[i].bin,
                                                        cases[i].type, &create_error);
        g_assert_null (organisation);
        assert_kvota_error (create_error, cases[i].code, cases[i].field);
        assert_unchanged (f, &before);
      }
  }

  organisations = kvota_store_list_organisations (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (organisations->len, ==, 5);
}

/* The ledger */

/* The whole life of some quotas, with the ledger proved after every step:
 * issuance, a confirmed transfer, a rejected one, a cancelled one that
 * spans two blocks, a surrender and a cancellation. Leaves 17 entries in
 * the journal. */
static void
run_scenario (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) issue_1 = NULL;
  g_autoptr(KvotaTransaction) issue_2 = NULL;
  g_autoptr(KvotaTransaction) issue_3 = NULL;
  g_autoptr(KvotaTransaction) issue_4 = NULL;
  g_autoptr(KvotaTransaction) transfer = NULL;
  g_autoptr(KvotaTransaction) confirmed = NULL;
  g_autoptr(KvotaTransaction) returned = NULL;
  g_autoptr(KvotaTransaction) rejected = NULL;
  g_autoptr(KvotaTransaction) wide = NULL;
  g_autoptr(KvotaTransaction) withdrawn = NULL;
  g_autoptr(KvotaTransaction) surrender = NULL;
  g_autoptr(KvotaTransaction) cancellation = NULL;
  g_autoptr(KvotaTransaction) offsets = NULL;
  const char *a = f->a->account;
  const char *b = f->b->account;

  assert_ledger_empty (f);
  assert_no_holdings (f, a);
  assert_no_holdings (f, b);

  /* 1. 1000 quotas of 2014 for A: serials 1..1000. */
  issue_1 = kvota_store_issue (f->store, "admin", a, QUOTA, 2014, 1000, &error);
  g_assert_no_error (error);
  assert_transaction (issue_1, KVOTA_TRANSACTION_KIND_ISSUANCE, KVOTA_TRANSACTION_STATE_COMPLETED,
                      QUOTA, 2014, 1000, NULL, a);
  ASSERT_SERIALS (f, issue_1, { 1, 1000 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1000, 1000, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 1000, 0, 0, 0, 0 });
  assert_no_holdings (f, b);

  /* 2. 500 for B carry on from there: 1001..1500. */
  issue_2 = kvota_store_issue (f->store, "admin", b, QUOTA, 2014, 500, &error);
  g_assert_no_error (error);
  assert_transaction (issue_2, KVOTA_TRANSACTION_KIND_ISSUANCE, KVOTA_TRANSACTION_STATE_COMPLETED,
                      QUOTA, 2014, 500, NULL, b);
  ASSERT_SERIALS (f, issue_2, { 1001, 1500 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1500, 1500, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 1000, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 500, 0, 0, 0, 0 });

  /* 3. Offsets of 2015 are numbered on their own: 1..300. */
  issue_3 = kvota_store_issue (f->store, "admin", a, OFFSET, 2015, 300, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, issue_3, { 1, 300 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1500, 1500, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 1000, 0, 0, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 500, 0, 0, 0, 0 });

  /* 4. 200 more quotas of 2014 for A: 1501..1700. */
  issue_4 = kvota_store_issue (f->store, "admin", a, QUOTA, 2014, 200, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, issue_4, { 1501, 1700 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 1200, 0, 0, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 500, 0, 0, 0, 0 });

  /* 5. A proposes 250 to B: the lowest serials, 1..250, go pending in A. */
  transfer = kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2014, 250, NULL, &error);
  g_assert_no_error (error);
  assert_transaction (transfer, KVOTA_TRANSACTION_KIND_TRANSFER, KVOTA_TRANSACTION_STATE_PROPOSED,
                      QUOTA, 2014, 250, a, b);
  g_assert_cmpstr (transfer->proposed_by, ==, "broker");
  g_assert_null (transfer->decided_by);
  ASSERT_SERIALS (f, transfer, { 1, 250 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 950, 0, 250, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 500, 0, 0, 0, 0 });

  /* 6. The administrator confirms: the 250 move to B. */
  confirmed = kvota_store_decide_transfer (f->store, "admin", transfer->id,
                                           KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error);
  g_assert_no_error (error);
  assert_transaction (confirmed, KVOTA_TRANSACTION_KIND_TRANSFER, KVOTA_TRANSACTION_STATE_COMPLETED,
                      QUOTA, 2014, 250, a, b);
  g_assert_cmpint (confirmed->id, ==, transfer->id);
  g_assert_cmpstr (confirmed->proposed_by, ==, "broker");
  g_assert_cmpstr (confirmed->decided_by, ==, "admin");
  ASSERT_SERIALS (f, confirmed, { 1, 250 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 950, 0, 0, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 750, 0, 0, 0, 0 });

  /* 7. B proposes 100 back: its lowest serials are now 1..100. */
  returned = kvota_store_propose_transfer (f->store, "trader", b, a, QUOTA, 2014, 100, NULL, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, returned, { 1, 100 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 950, 0, 0, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 650, 0, 100, 0, 0 });

  /* 8. Rejected with a reason: the units come back to B. */
  rejected = kvota_store_decide_transfer (f->store, "admin", returned->id,
                                          KVOTA_TRANSACTION_STATE_REJECTED,
                                          "Договор не подписан.\nContract not signed.", &error);
  g_assert_no_error (error);
  assert_transaction (rejected, KVOTA_TRANSACTION_KIND_TRANSFER, KVOTA_TRANSACTION_STATE_REJECTED,
                      QUOTA, 2014, 100, b, a);
  g_assert_cmpstr (rejected->reason, ==, "Договор не подписан.\nContract not signed.");
  g_assert_cmpstr (rejected->decided_by, ==, "admin");
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 950, 0, 0, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 750, 0, 0, 0, 0 });

  /* 9. Decided transfers stay decided. */
  {
    g_auto(Snapshot) before = { 0, };
    const gint64 ids[] = { transfer->id, returned->id };
    const KvotaTransactionState decisions[] = {
      KVOTA_TRANSACTION_STATE_COMPLETED,
      KVOTA_TRANSACTION_STATE_REJECTED,
      KVOTA_TRANSACTION_STATE_CANCELLED,
    };

    snapshot_take (f, &before);
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        for (guint j = 0; j < G_N_ELEMENTS (decisions); j++)
          {
            g_autoptr(GError) decide_error = NULL;
            g_autoptr(KvotaTransaction) again = NULL;

            again = kvota_store_decide_transfer (f->store, "admin", ids[i], decisions[j], NULL,
                                                 &decide_error);
            g_assert_null (again);
            assert_kvota_error (decide_error, KVOTA_ERROR_INVALID_STATE, NULL);
            assert_unchanged (f, &before);
          }
      }
  }

  /* 10. A proposes 800: 251..1000 and 1501..1550, two ranges. */
  wide = kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2014, 800, NULL, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, wide, { 251, 1000 }, { 1501, 1550 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 150, 0, 800, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 750, 0, 0, 0, 0 });

  /* 11. Withdrawn before the decision: everything is back in A. */
  withdrawn = kvota_store_decide_transfer (f->store, "broker", wide->id,
                                           KVOTA_TRANSACTION_STATE_CANCELLED, NULL, &error);
  g_assert_no_error (error);
  assert_transaction (withdrawn, KVOTA_TRANSACTION_KIND_TRANSFER, KVOTA_TRANSACTION_STATE_CANCELLED,
                      QUOTA, 2014, 800, a, b);
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1700, 0, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 950, 0, 0, 0, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 750, 0, 0, 0, 0 });

  /* 12. A surrenders 300 for its emissions: 251..550. */
  surrender = kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_SURRENDER,
                                  a, QUOTA, 2014, 300, &error);
  g_assert_no_error (error);
  assert_transaction (surrender, KVOTA_TRANSACTION_KIND_SURRENDER, KVOTA_TRANSACTION_STATE_COMPLETED,
                      QUOTA, 2014, 300, a, NULL);
  ASSERT_SERIALS (f, surrender, { 251, 550 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1400, 300, 0 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 650, 0, 0, 300, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 750, 0, 0, 0, 0 });

  /* 13. B cancels 50 voluntarily: 1..50. */
  cancellation = kvota_store_retire (f->store, "trader", KVOTA_TRANSACTION_KIND_CANCELLATION,
                                     b, QUOTA, 2014, 50, &error);
  g_assert_no_error (error);
  assert_transaction (cancellation, KVOTA_TRANSACTION_KIND_CANCELLATION,
                      KVOTA_TRANSACTION_STATE_COMPLETED, QUOTA, 2014, 50, b, NULL);
  ASSERT_SERIALS (f, cancellation, { 1, 50 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1350, 300, 50 }, { OFFSET, 2015, 300, 300, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 650, 0, 0, 300, 0 }, { OFFSET, 2015, 300, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 700, 0, 0, 0, 50 });

  /* 14. A surrenders every offset it has. */
  offsets = kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_SURRENDER,
                                a, OFFSET, 2015, 300, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, offsets, { 1, 300 });
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1350, 300, 50 }, { OFFSET, 2015, 300, 0, 300, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 650, 0, 0, 300, 0 }, { OFFSET, 2015, 0, 0, 0, 300, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, 700, 0, 0, 0, 50 });

  /* Units that came back joined their neighbours again: A holds 551..1000
   * and 1501..1700, B 51..250 and 1001..1500, plus the retired blocks. */
  {
    g_autoptr(GArray) totals = kvota_store_check_ledger (f->store, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < totals->len; i++)
      {
        const KvotaLedgerTotal *total = &g_array_index (totals, KvotaLedgerTotal, i);

        if (total->unit_type == QUOTA)
          g_assert_cmpint (total->n_blocks, ==, 6);
        else
          g_assert_cmpint (total->n_blocks, ==, 1);
      }
  }

  /* Every issuance of quotas of 2014 started where the one before ended. */
  g_assert_cmpint (g_array_index (issue_2->serials, KvotaSerialRange, 0).first, ==,
                   g_array_index (issue_1->serials, KvotaSerialRange, 0).last + 1);
  g_assert_cmpint (g_array_index (issue_4->serials, KvotaSerialRange, 0).first, ==,
                   g_array_index (issue_2->serials, KvotaSerialRange, 0).last + 1);
}

static void
test_store_ledger_scenario (Fixture       *f,
                            gconstpointer  data)
{
  run_scenario (f);

  /* The same ledger after closing and opening again. */
  reopen_store (f);
  ASSERT_LEDGER (f, { QUOTA, 2014, 1700, 1350, 300, 50 }, { OFFSET, 2015, 300, 0, 300, 0 });
  ASSERT_HOLDINGS (f, f->a->account, { QUOTA, 2014, 650, 0, 0, 300, 0 }, { OFFSET, 2015, 0, 0, 0, 300, 0 });
  ASSERT_HOLDINGS (f, f->b->account, { QUOTA, 2014, 700, 0, 0, 0, 50 });
}

static void
test_store_ledger_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) issuance = NULL;
  g_autoptr(KvotaTransaction) pending = NULL;
  g_auto(Snapshot) before = { 0, };
  const char *a = f->a->account;
  const char *b = f->b->account;

  issuance = kvota_store_issue (f->store, "admin", a, QUOTA, 2014, 1000, &error);
  g_assert_no_error (error);
  g_clear_pointer (&issuance, kvota_transaction_free);
  issuance = kvota_store_issue (f->store, "admin", b, QUOTA, 2014, 10, &error);
  g_assert_no_error (error);
  pending = kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2014, 100, NULL, &error);
  g_assert_no_error (error);
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 900, 0, 100, 0, 0 });

  snapshot_take (f, &before);

#define EXPECT_FAILURE(call, code, field)                                    \
  G_STMT_START {                                                             \
    g_autoptr(GError) error_ = NULL;                                         \
    g_autoptr(KvotaTransaction) transaction_ = NULL;                         \
                                                                             \
    g_test_message ("%s", #call);                                            \
    transaction_ = call;                                                     \
    g_assert_null (transaction_);                                            \
    assert_kvota_error (error_, code, field);                                \
    assert_unchanged (f, &before);                                           \
  } G_STMT_END

  /* Not enough available units: pending ones do not count. */
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2014, 901, NULL, &error_),
                  KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2015, 1, NULL, &error_),
                  KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, b, OFFSET, 2014, 1, NULL, &error_),
                  KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
  EXPECT_FAILURE (kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_SURRENDER,
                                      a, QUOTA, 2014, 901, &error_),
                  KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");
  EXPECT_FAILURE (kvota_store_retire (f->store, "trader", KVOTA_TRANSACTION_KIND_CANCELLATION,
                                      b, QUOTA, 2014, 11, &error_),
                  KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");

  /* Zero and negative quantities */
  {
    const KvotaQuantity quantities[] = { 0, -1, -1000, G_MININT64 };

    for (guint i = 0; i < G_N_ELEMENTS (quantities); i++)
      {
        EXPECT_FAILURE (kvota_store_issue (f->store, "admin", a, QUOTA, 2014, quantities[i], &error_),
                        KVOTA_ERROR_INVALID_QUANTITY, NULL);
        EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2014,
                                                      quantities[i], NULL, &error_),
                        KVOTA_ERROR_INVALID_QUANTITY, NULL);
        EXPECT_FAILURE (kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_SURRENDER,
                                            a, QUOTA, 2014, quantities[i], &error_),
                        KVOTA_ERROR_INVALID_QUANTITY, NULL);
        EXPECT_FAILURE (kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_CANCELLATION,
                                            a, QUOTA, 2014, quantities[i], &error_),
                        KVOTA_ERROR_INVALID_QUANTITY, NULL);
      }
  }

  /* Vintages outside 2013..2100 */
  {
    const int vintages[] = { KVOTA_VINTAGE_MIN - 1, KVOTA_VINTAGE_MAX + 1, 0, -2014, 14, G_MAXINT };

    for (guint i = 0; i < G_N_ELEMENTS (vintages); i++)
      {
        EXPECT_FAILURE (kvota_store_issue (f->store, "admin", a, QUOTA, vintages[i], 1, &error_),
                        KVOTA_ERROR_INVALID_VALUE, "vintage");
        EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, vintages[i],
                                                      1, NULL, &error_),
                        KVOTA_ERROR_INVALID_VALUE, "vintage");
        EXPECT_FAILURE (kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_SURRENDER,
                                            a, QUOTA, vintages[i], 1, &error_),
                        KVOTA_ERROR_INVALID_VALUE, "vintage");
      }
  }

  /* The same account on both sides */
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, a, QUOTA, 2014, 1, NULL, &error_),
                  KVOTA_ERROR_SAME_ACCOUNT, "to_account");

  /* Unknown accounts */
  EXPECT_FAILURE (kvota_store_issue (f->store, "admin", "KZ-100-999999", QUOTA, 2014, 1, &error_),
                  KVOTA_ERROR_NOT_FOUND, "account");
  EXPECT_FAILURE (kvota_store_issue (f->store, "admin", NULL, QUOTA, 2014, 1, &error_),
                  KVOTA_ERROR_NOT_FOUND, "account");
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", "KZ-100-999999", b, QUOTA, 2014,
                                                1, NULL, &error_),
                  KVOTA_ERROR_NOT_FOUND, "from_account");
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, "KZ-100-999999", QUOTA, 2014,
                                                1, NULL, &error_),
                  KVOTA_ERROR_NOT_FOUND, "to_account");
  EXPECT_FAILURE (kvota_store_propose_transfer (f->store, "broker", a, "", QUOTA, 2014, 1, NULL, &error_),
                  KVOTA_ERROR_NOT_FOUND, "to_account");
  EXPECT_FAILURE (kvota_store_retire (f->store, "operator", KVOTA_TRANSACTION_KIND_SURRENDER,
                                      "KZ-100-999999", QUOTA, 2014, 1, &error_),
                  KVOTA_ERROR_NOT_FOUND, "account");

  /* Decisions on what is not a proposed transfer */
  EXPECT_FAILURE (kvota_store_decide_transfer (f->store, "admin", 999999,
                                               KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error_),
                  KVOTA_ERROR_NOT_FOUND, NULL);
  EXPECT_FAILURE (kvota_store_decide_transfer (f->store, "admin", issuance->id,
                                               KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error_),
                  KVOTA_ERROR_INVALID_STATE, NULL);
  EXPECT_FAILURE (kvota_store_decide_transfer (f->store, "admin", issuance->id,
                                               KVOTA_TRANSACTION_STATE_REJECTED, NULL, &error_),
                  KVOTA_ERROR_INVALID_STATE, NULL);
  EXPECT_FAILURE (kvota_store_decide_transfer (f->store, "admin", pending->id,
                                               KVOTA_TRANSACTION_STATE_REJECTED, "a\x01z", &error_),
                  KVOTA_ERROR_INVALID_VALUE, "reason");
  /* Nobody confirms what they proposed. */
  EXPECT_FAILURE (kvota_store_decide_transfer (f->store, "broker", pending->id,
                                               KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error_),
                  KVOTA_ERROR_SECOND_PERSON_REQUIRED, NULL);

#undef EXPECT_FAILURE

  {
    g_autoptr(GArray) holdings = kvota_store_get_holdings (f->store, "KZ-100-999999", &error);

    g_assert_null (holdings);
    assert_kvota_error (error, KVOTA_ERROR_NOT_FOUND, "account");
    g_clear_error (&error);
  }

  /* The first and last vintages are fine. */
  {
    g_autoptr(KvotaTransaction) first = kvota_store_issue (f->store, "admin", b, QUOTA,
                                                           KVOTA_VINTAGE_MIN, 1, &error);
    g_autoptr(KvotaTransaction) last = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (first);
    last = kvota_store_issue (f->store, "admin", b, QUOTA, KVOTA_VINTAGE_MAX, 1, &error);
    g_assert_no_error (error);
    g_assert_nonnull (last);
    ASSERT_LEDGER (f, { QUOTA, 2013, 1, 1, 0, 0 }, { QUOTA, 2014, 1010, 1010, 0, 0 },
                   { QUOTA, 2100, 1, 1, 0, 0 });
  }
}

static void
test_store_ledger_decide_twice (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) issuance = NULL;
  g_autoptr(KvotaTransaction) proposed = NULL;
  g_autoptr(KvotaTransaction) confirmed = NULL;
  g_auto(Snapshot) before = { 0, };

  issuance = kvota_store_issue (f->store, "admin", f->a->account, QUOTA, 2015, 100, &error);
  g_assert_no_error (error);
  proposed = kvota_store_propose_transfer (f->store, "broker", f->a->account, f->b->account,
                                           QUOTA, 2015, 40, NULL, &error);
  g_assert_no_error (error);
  confirmed = kvota_store_decide_transfer (f->store, "admin", proposed->id,
                                           KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error);
  g_assert_no_error (error);
  ASSERT_HOLDINGS (f, f->a->account, { QUOTA, 2015, 60, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, f->b->account, { QUOTA, 2015, 40, 0, 0, 0, 0 });

  snapshot_take (f, &before);

  /* A second confirmation would move the units twice; a late rejection
   * would bring back units that are already gone. */
  for (KvotaTransactionState decision = KVOTA_TRANSACTION_STATE_COMPLETED;
       decision < KVOTA_N_TRANSACTION_STATES; decision++)
    {
      g_autoptr(GError) decide_error = NULL;
      g_autoptr(KvotaTransaction) again = NULL;

      again = kvota_store_decide_transfer (f->store, "admin", proposed->id, decision, NULL,
                                           &decide_error);
      g_assert_null (again);
      assert_kvota_error (decide_error, KVOTA_ERROR_INVALID_STATE, NULL);
      assert_unchanged (f, &before);
    }

  ASSERT_LEDGER (f, { QUOTA, 2015, 100, 100, 0, 0 });
}

static void
test_store_ledger_overflow (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) huge = NULL;
  g_autoptr(KvotaTransaction) last = NULL;
  g_autoptr(KvotaTransaction) transfer = NULL;
  g_autoptr(KvotaTransaction) confirmed = NULL;
  g_auto(Snapshot) before = { 0, };
  const char *a = f->a->account;
  const char *b = f->b->account;

  huge = kvota_store_issue (f->store, "admin", a, QUOTA, 2014, G_MAXINT64 - 10, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, huge, { 1, G_MAXINT64 - 10 });
  ASSERT_LEDGER (f, { QUOTA, 2014, G_MAXINT64 - 10, G_MAXINT64 - 10, 0, 0 });

  snapshot_take (f, &before);

  /* 20 more would need serials beyond 2⁶³ - 1, whoever receives them. */
  {
    const char *accounts[] = { a, b };

    for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
      {
        const KvotaQuantity quantities[] = { 20, G_MAXINT64 / 2, G_MAXINT64 };

        for (guint j = 0; j < G_N_ELEMENTS (quantities); j++)
          {
            g_autoptr(GError) issue_error = NULL;
            g_autoptr(KvotaTransaction) more = NULL;

            more = kvota_store_issue (f->store, "admin", accounts[i], QUOTA, 2014, quantities[j],
                                      &issue_error);
            g_assert_null (more);
            g_assert_error (issue_error, KVOTA_ERROR, KVOTA_ERROR_QUANTITY_OVERFLOW);
            assert_unchanged (f, &before);
          }
      }
  }

  /* Another vintage has serials of its own. */
  {
    g_autoptr(KvotaTransaction) other = kvota_store_issue (f->store, "admin", b, QUOTA, 2015,
                                                           G_MAXINT64 - 10, &error);

    g_assert_no_error (error);
    g_assert_nonnull (other);
    ASSERT_SERIALS (f, other, { 1, G_MAXINT64 - 10 });
  }

  /* What still fits is issued, right after the rest. */
  last = kvota_store_issue (f->store, "admin", a, QUOTA, 2014, 9, &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, last, { G_MAXINT64 - 9, G_MAXINT64 - 1 });
  ASSERT_LEDGER (f, { QUOTA, 2014, G_MAXINT64 - 1, G_MAXINT64 - 1, 0, 0 },
                 { QUOTA, 2015, G_MAXINT64 - 10, G_MAXINT64 - 10, 0, 0 });
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, G_MAXINT64 - 1, 0, 0, 0, 0 });

  /* Such quantities move like any other. */
  transfer = kvota_store_propose_transfer (f->store, "broker", a, b, QUOTA, 2014, G_MAXINT64 - 2, NULL,
                                           &error);
  g_assert_no_error (error);
  ASSERT_SERIALS (f, transfer, { 1, G_MAXINT64 - 2 });
  confirmed = kvota_store_decide_transfer (f->store, "admin", transfer->id,
                                           KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error);
  g_assert_no_error (error);
  ASSERT_HOLDINGS (f, a, { QUOTA, 2014, 1, 0, 0, 0, 0 });
  ASSERT_HOLDINGS (f, b, { QUOTA, 2014, G_MAXINT64 - 2, 0, 0, 0, 0 },
                   { QUOTA, 2015, G_MAXINT64 - 10, 0, 0, 0, 0 });
  ASSERT_LEDGER (f, { QUOTA, 2014, G_MAXINT64 - 1, G_MAXINT64 - 1, 0, 0 },
                 { QUOTA, 2015, G_MAXINT64 - 10, G_MAXINT64 - 10, 0, 0 });
}

/* A blocked holder's account takes part in nothing new. */
static void
test_store_ledger_blocked_account (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) issuance = NULL;
  g_autoptr(KvotaTransaction) pending = NULL;
  g_autoptr(KvotaTransaction) rejected = NULL;
  g_auto(Snapshot) before = { 0, };

  issuance = kvota_store_issue (f->store, "admin", f->a->account, QUOTA, 2014, 100, &error);
  g_assert_no_error (error);
  pending = kvota_store_propose_transfer (f->store, "broker", f->a->account, f->b->account,
                                          QUOTA, 2014, 30, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (kvota_store_set_organisation_state (f->store, "admin", f->b->id,
                                                     KVOTA_USER_STATE_BLOCKED, "Licence withdrawn",
                                                     &error));
  g_assert_no_error (error);

  snapshot_take (f, &before);

  {
    g_autoptr(GError) blocked_error = NULL;
    g_autoptr(KvotaTransaction) refused = NULL;

    refused = kvota_store_issue (f->store, "admin", f->b->account, QUOTA, 2014, 1, &blocked_error);
    g_assert_null (refused);
    assert_kvota_error (blocked_error, KVOTA_ERROR_ACCOUNT_BLOCKED, "account");
    assert_unchanged (f, &before);
    g_clear_error (&blocked_error);

    refused = kvota_store_propose_transfer (f->store, "broker", f->a->account, f->b->account,
                                            QUOTA, 2014, 1, NULL, &blocked_error);
    g_assert_null (refused);
    assert_kvota_error (blocked_error, KVOTA_ERROR_ACCOUNT_BLOCKED, "to_account");
    assert_unchanged (f, &before);
    g_clear_error (&blocked_error);

    /* The transfer proposed before the block cannot complete... */
    refused = kvota_store_decide_transfer (f->store, "admin", pending->id,
                                           KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &blocked_error);
    g_assert_null (refused);
    assert_kvota_error (blocked_error, KVOTA_ERROR_ACCOUNT_BLOCKED, "to_account");
    assert_unchanged (f, &before);
  }

  /* ...but can be rejected, which gives the units back to A. */
  rejected = kvota_store_decide_transfer (f->store, "admin", pending->id,
                                          KVOTA_TRANSACTION_STATE_REJECTED, "Account blocked", &error);
  g_assert_no_error (error);
  g_assert_nonnull (rejected);
  ASSERT_HOLDINGS (f, f->a->account, { QUOTA, 2014, 100, 0, 0, 0, 0 });
  assert_no_holdings (f, f->b->account);
  ASSERT_LEDGER (f, { QUOTA, 2014, 100, 100, 0, 0 });
}

/* The audit journal */

static const char * const scenario_actions[] = {
  "organisation.create",          /* the registry */
  "organisation.create",          /* the Ministry */
  "organisation.create",          /* A */
  "organisation.create",          /* B */
  "ledger.issue",
  "ledger.issue",
  "ledger.issue",
  "ledger.issue",
  "ledger.transfer.propose",
  "ledger.transfer.confirm",
  "ledger.transfer.propose",
  "ledger.transfer.reject",
  "ledger.transfer.propose",
  "ledger.transfer.cancel",
  "ledger.surrender",
  "ledger.cancel",
  "ledger.surrender",
};

static void
test_store_audit_verify (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) first_page = NULL;
  g_autoptr(GPtrArray) second_page = NULL;
  gint64 n_entries = -1;
  gint64 first_bad = -1;

  run_scenario (f);

  g_assert_true (kvota_store_verify_audit (f->store, &n_entries, &first_bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_entries, ==, G_N_ELEMENTS (scenario_actions));
  g_assert_cmpint (first_bad, ==, 0);

  /* Every action is there, in order, each linked to the one before. */
  entries = kvota_store_list_audit (f->store, 0, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (scenario_actions));
  for (guint i = 0; i < entries->len; i++)
    {
      const KvotaAuditEntry *entry = g_ptr_array_index (entries, i);

      g_assert_cmpint (entry->id, ==, i + 1);
      g_assert_cmpstr (entry->action, ==, scenario_actions[i]);
      g_assert_nonnull (entry->at);
      g_assert_nonnull (entry->actor);
      g_assert_nonnull (entry->object);
      g_assert_nonnull (entry->after);
      g_assert_cmpuint (strlen (entry->hash), ==, 64);
      if (i == 0)
        g_assert_cmpstr (entry->prev_hash, ==, GENESIS_HASH);
      else
        {
          const KvotaAuditEntry *previous = g_ptr_array_index (entries, i - 1);

          g_assert_cmpstr (entry->prev_hash, ==, previous->hash);
        }
      if (g_str_has_prefix (entry->action, "ledger."))
        g_assert_true (g_str_has_prefix (entry->object, "transaction/"));
    }

  /* A decision records the transfer before and after it. */
  {
    const KvotaAuditEntry *confirm = g_ptr_array_index (entries, 9);

    g_assert_cmpstr (confirm->actor, ==, "admin");
    g_assert_nonnull (confirm->before);
    g_assert_nonnull (strstr (confirm->before, "\"state\":\"proposed\""));
    g_assert_nonnull (strstr (confirm->after, "\"state\":\"completed\""));
  }

  /* Pages follow on from each other. */
  first_page = kvota_store_list_audit (f->store, 0, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first_page->len, ==, 5);
  second_page = kvota_store_list_audit (f->store, 5, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second_page->len, ==, G_N_ELEMENTS (scenario_actions) - 5);
  g_assert_cmpint (((KvotaAuditEntry *) g_ptr_array_index (second_page, 0))->id, ==, 6);
}

/* The trading report's statistics are checked against the history:
 * any row changed, removed or added behind the store's back breaks the
 * ledger's check, and putting it right mends it. */
static void
test_store_ledger_statistics (Fixture       *f,
                              gconstpointer  data)
{
  static const struct
  {
    const char *damage;
    const char *repair;
  } cases[] = {
    { "UPDATE trading_months SET quantity = quantity + 1",
      "UPDATE trading_months SET quantity = quantity - 1" },
    { "UPDATE trading_months SET max_price = 1",
      "UPDATE trading_months SET max_price = NULL" },
    { "UPDATE trading_sectors SET sector = 'Металлургия'",
      "UPDATE trading_sectors SET sector = ''" },
    { "INSERT INTO trading_sectors VALUES (2015, 'Металлургия', 5, 1)",
      "DELETE FROM trading_sectors WHERE year = 2015" },
    { "UPDATE trading_accounts SET bought = bought + 7 WHERE bought > 0",
      "UPDATE trading_accounts SET bought = bought - 7 WHERE bought > 0" },
  };

  run_scenario (f);
  close_store (f);
  {
    g_autoptr(sqlite3) db = open_direct (f->path);

    /* The scenario's confirmed transfers are in the statistics. */
    g_assert_cmpint (query_direct (db, "SELECT count (*) FROM trading_months"), >, 0);
    g_assert_cmpint (query_direct (db, "SELECT count (*) FROM trading_sectors WHERE sector = ''"), ==, 1);
  }
  reopen_store (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) totals = NULL;

      close_store (f);
      {
        g_autoptr(sqlite3) db = open_direct (f->path);

        exec_direct (db, cases[i].damage);
      }
      reopen_store (f);

      g_test_message ("%s", cases[i].damage);
      totals = kvota_store_check_ledger (f->store, &error);
      g_assert_null (totals);
      g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN);
      g_assert_nonnull (strstr (error->message, "trading statistics"));

      close_store (f);
      {
        g_autoptr(sqlite3) db = open_direct (f->path);

        exec_direct (db, cases[i].repair);
      }
      reopen_store (f);
      g_clear_error (&error);
      g_clear_pointer (&totals, g_array_unref);
      totals = kvota_store_check_ledger (f->store, &error);
      g_assert_no_error (error);
      g_assert_nonnull (totals);
    }
}

static void
test_store_audit_append_only (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  run_scenario (f);
  close_store (f);
  before = dump_database (f->path);

  /* Even a direct connection cannot rewrite or remove an entry while the
   * triggers are in place. */
  {
    g_autoptr(sqlite3) db = open_direct (f->path);
    static const char * const statements[] = {
      "UPDATE audit SET after = '{}' WHERE id = 10",
      "UPDATE audit SET actor = 'nobody'",
      "DELETE FROM audit WHERE id = 17",
      "DELETE FROM audit",
    };

    for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
      {
        char *message = NULL;
        int rc = sqlite3_exec (db, statements[i], NULL, NULL, &message);

        g_test_message ("%s: %s", statements[i], message);
        g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
        g_assert_nonnull (message);
        g_assert_nonnull (strstr (message, "append-only"));
        sqlite3_free (message);
      }
  }

  {
    g_autofree char *after = dump_database (f->path);

    g_assert_cmpstr (before, ==, after);
  }

  reopen_store (f);
  g_assert_cmpint (count_audit (f), ==, G_N_ELEMENTS (scenario_actions));
}

/* Closes the store, runs @sql on the file with the triggers out of the
 * way, opens it again and expects the chain to break at @expected_bad
 * after @expected_good good entries. */
static void
assert_tampering_caught (Fixture    *f,
                         const char *sql,
                         gint64      expected_bad,
                         gint64      expected_good)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = g_strdup_printf (" %" G_GINT64_FORMAT ":", expected_bad);
  gint64 n_entries = -1;
  gint64 first_bad = -1;

  close_store (f);
  {
    g_autoptr(sqlite3) db = open_direct (f->path);
    gint64 before = query_direct (db, "SELECT total_changes ()");

    exec_direct (db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
    exec_direct (db, sql);
    /* The spoiling did change something. */
    g_assert_cmpint (query_direct (db, "SELECT total_changes ()"), >, before);
  }
  reopen_store (f);

  g_assert_false (kvota_store_verify_audit (f->store, &n_entries, &first_bad, &error));
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_AUDIT_BROKEN);
  g_test_message ("%s", error->message);
  g_assert_cmpint (first_bad, ==, expected_bad);
  g_assert_cmpint (n_entries, ==, expected_good);
  /* The message names the entry too, for kvotactl to print. */
  g_assert_nonnull (strstr (error->message, entry));
}

static void
test_store_audit_tamper_after (Fixture       *f,
                               gconstpointer  data)
{
  run_scenario (f);

  /* Entry 10 confirms the transfer of 250 units: make it say 25. */
  assert_tampering_caught (f,
                           "UPDATE audit SET after = replace (after, '\"quantity\":250', "
                           "'\"quantity\":25') WHERE id = 10 AND after LIKE '%\"quantity\":250,%'",
                           10, 9);
}

static void
test_store_audit_tamper_actor (Fixture       *f,
                               gconstpointer  data)
{
  run_scenario (f);

  /* Who did it matters as much as what was done. */
  assert_tampering_caught (f, "UPDATE audit SET actor = 'someone-else' WHERE id = 5", 5, 4);
}

/* The store proves the journal again from where it last did while only
 * it writes; a change by another connection, made while the store stays
 * open, is caught all the same. */
static void
test_store_audit_tamper_while_open (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransaction) more = NULL;
  gint64 n_entries = -1;
  gint64 first_bad = -1;
  gint64 proved;

  run_scenario (f);
  proved = count_audit (f);

  /* Appended by the store itself: walked on from the last proof. */
  more = kvota_store_issue (f->store, "admin", f->a->account, KVOTA_UNIT_TYPE_QUOTA, 2015, 10, &error);
  g_assert_no_error (error);
  g_assert_true (kvota_store_verify_audit (f->store, &n_entries, &first_bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_entries, >, proved);
  g_assert_cmpint (first_bad, ==, 0);

  {
    g_autoptr(sqlite3) db = open_direct (f->path);

    exec_direct (db, "DROP TRIGGER audit_no_update;");
    exec_direct (db, "UPDATE audit SET actor = 'someone-else' WHERE id = 5");
  }

  g_assert_false (kvota_store_verify_audit (f->store, &n_entries, &first_bad, &error));
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_AUDIT_BROKEN);
  g_assert_cmpint (first_bad, ==, 5);
  g_assert_cmpint (n_entries, ==, 4);
}

/* A proof made on another connection, as the server makes it in a worker
 * thread, is taken over: the store then walks on from its last entry. */
static void
test_store_audit_proof_elsewhere (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaStore) other = NULL;
  g_autoptr(KvotaTransaction) more = NULL;
  g_autofree char *hash = NULL;
  gint64 version;
  gint64 proved;
  gint64 n_entries = -1;

  run_scenario (f);
  close_store (f);
  reopen_store (f);
  g_assert_false (kvota_store_audit_proof_holds (f->store));

  version = kvota_store_get_foreign_version (f->store);
  other = kvota_store_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (kvota_store_verify_audit (other, NULL, NULL, &error));
  proved = kvota_store_get_audit_proof (other, &hash);
  g_assert_cmpint (proved, >, 0);
  g_assert_nonnull (hash);

  /* Opening and proving wrote nothing: the proof holds for this store. */
  kvota_store_set_audit_proof (f->store, version, proved, hash);
  g_assert_true (kvota_store_audit_proof_holds (f->store));

  more = kvota_store_issue (f->store, "admin", f->a->account, KVOTA_UNIT_TYPE_QUOTA, 2015, 10, &error);
  g_assert_no_error (error);
  g_assert_true (kvota_store_audit_proof_holds (f->store));
  g_assert_true (kvota_store_verify_audit (f->store, &n_entries, NULL, &error));
  g_assert_cmpint (n_entries, >, proved);

  /* A commit by the other connection ends it. */
  {
    g_autoptr(KvotaTransaction) elsewhere =
      kvota_store_issue (other, "admin", f->a->account, KVOTA_UNIT_TYPE_QUOTA, 2015, 10, &error);

    g_assert_no_error (error);
  }
  g_assert_false (kvota_store_audit_proof_holds (f->store));
  g_assert_true (kvota_store_verify_audit (f->store, NULL, NULL, &error));
  g_assert_true (kvota_store_audit_proof_holds (f->store));
}

static void
test_store_audit_delete_last (Fixture       *f,
                              gconstpointer  data)
{
  run_scenario (f);

  /* Cut off the last entry and change nothing else: every remaining
   * link is fine, but the journal's head remembers entry 17. */
  assert_tampering_caught (f, "DELETE FROM audit WHERE id = 17", 17, 16);
}

static void
test_store_audit_delete_middle (Fixture       *f,
                                gconstpointer  data)
{
  run_scenario (f);

  /* Entry 9 is gone: verification stops at entry 10, the first whose
   * predecessor is missing, after checking the 8 before the gap. */
  assert_tampering_caught (f, "DELETE FROM audit WHERE id = 9", 10, 8);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (kvota_store_verify_audit (f->store, NULL, NULL, &error));
    g_assert_nonnull (strstr (error->message, "missing"));
  }
}

static void
test_store_audit_delete_all (Fixture       *f,
                             gconstpointer  data)
{
  run_scenario (f);

  /* An empty journal is no proof of an empty history. */
  assert_tampering_caught (f, "DELETE FROM audit", 1, 0);
}

/* Backups */

static void
test_store_backup (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *destination = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "no-such-dir", "backup.db", NULL);
  g_autoptr(KvotaStore) copy = NULL;
  g_autoptr(GArray) totals = NULL;
  g_autoptr(GArray) copy_totals = NULL;
  g_autoptr(KvotaTransaction) later = NULL;
  gint64 n_entries = -1;
  gint64 copy_entries = -1;
  guint n_files;

  run_scenario (f);
  totals = kvota_store_check_ledger (f->store, &error);
  g_assert_no_error (error);
  n_entries = count_audit (f);

  n_files = count_files (f->dir);
  g_assert_true (kvota_store_backup (f->store, destination, &error));
  g_assert_no_error (error);
  /* Only the backup itself is left beside the registry. */
  g_assert_cmpuint (count_files (f->dir), ==, n_files + 1);
  g_assert_true (g_file_test (destination, G_FILE_TEST_IS_REGULAR));

  /* The original goes on; the backup keeps the moment it was taken. */
  later = kvota_store_issue (f->store, "admin", f->b->account, QUOTA, 2016, 5, &error);
  g_assert_no_error (error);

  copy = kvota_store_open (destination, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);

  copy_totals = kvota_store_check_ledger (copy, &error);
  g_assert_no_error (error);
  assert_same_array (totals, copy_totals);

  g_assert_true (kvota_store_verify_audit (copy, &copy_entries, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (copy_entries, ==, n_entries);

  {
    const char *accounts[] = { f->a->account, f->b->account };

    for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
      {
        g_autoptr(GArray) original = kvota_store_get_holdings (f->store, accounts[i], &error);
        g_autoptr(GArray) copied = kvota_store_get_holdings (copy, accounts[i], &error);

        g_assert_no_error (error);
        if (i == 1)
          {
            /* Drop the issuance made after the backup. */
            g_assert_cmpuint (original->len, ==, copied->len + 1);
            g_array_set_size (original, copied->len);
          }
        assert_same_array (original, copied);
      }
  }

  {
    g_autoptr(KvotaTransaction) missing = kvota_store_get_transaction (copy, later->id, &error);

    g_assert_null (missing);
    assert_kvota_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
    g_clear_error (&error);
  }
  g_assert_finalize_object (g_steal_pointer (&copy));

  /* A destination that cannot be written leaves nothing behind. */
  n_files = count_files (f->dir);
  g_assert_false (kvota_store_backup (f->store, nowhere, &error));
  assert_kvota_error (error, KVOTA_ERROR_STORAGE, NULL);
  g_assert_cmpuint (count_files (f->dir), ==, n_files);
}

/* Users and sessions */

static KvotaUser *
create_user (Fixture    *f,
             gint64      organisation_id,
             const char *username,
             KvotaRole   role)
{
  g_autoptr(GError) error = NULL;
  KvotaUser *user;

  user = kvota_store_create_user (f->store, "admin", organisation_id, username, password_hash,
                                  "Айгерим Нурланова", role, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);

  return user;
}

static void
test_store_users (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(KvotaUser) read = NULL;
  g_autoptr(KvotaCredentials) credentials = NULL;
  g_auto(Snapshot) before = { 0, };
  gint64 registry = kvota_store_find_organisation_by_type (f->store, KVOTA_HOLDER_TYPE_REGISTRY);

  user = create_user (f, f->a->id, "a.nurlanova", KVOTA_ROLE_REPRESENTATIVE);
  g_assert_cmpint (user->id, >, 0);
  g_assert_cmpstr (user->username, ==, "a.nurlanova");
  g_assert_cmpstr (user->full_name, ==, "Айгерим Нурланова");
  g_assert_cmpint (user->role, ==, KVOTA_ROLE_REPRESENTATIVE);
  g_assert_cmpint (user->state, ==, KVOTA_USER_STATE_ACTIVE);
  g_assert_nonnull (user->organisation);
  g_assert_cmpint (user->organisation->id, ==, f->a->id);
  g_assert_cmpstr (user->organisation->account, ==, f->a->account);

  read = kvota_store_get_user (f->store, user->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->username, ==, "a.nurlanova");

  /* The password is kept as an argon2id hash that checks the password. */
  credentials = kvota_store_get_credentials (f->store, "a.nurlanova");
  g_assert_nonnull (credentials);
  g_assert_cmpstr (credentials->password_hash, ==, password_hash);
  g_assert_cmpint (credentials->user_id, ==, user->id);
  g_assert_cmpint (credentials->role, ==, KVOTA_ROLE_REPRESENTATIVE);
  g_assert_true (g_str_has_prefix (credentials->password_hash, "$argon2id$"));
  g_assert_null (strstr (credentials->password_hash, PASSWORD));
  g_assert_true (kvota_password_verify (credentials->password_hash, PASSWORD));
  g_assert_false (kvota_password_verify (credentials->password_hash, "correct horse battery stapler"));
  g_assert_false (kvota_password_verify (credentials->password_hash, ""));

  /* Usernames are typed at every login: case does not matter. */
  g_clear_pointer (&credentials, kvota_credentials_free);
  credentials = kvota_store_get_credentials (f->store, "A.Nurlanova");
  g_assert_nonnull (credentials);
  g_assert_cmpint (credentials->user_id, ==, user->id);
  g_assert_null (kvota_store_get_credentials (f->store, "nobody"));

  g_assert_cmpint (kvota_store_count_active_administrators (f->store), ==, 0);
  {
    g_autoptr(KvotaUser) admin = create_user (f, registry, "admin", KVOTA_ROLE_ADMINISTRATOR);

    g_assert_cmpint (kvota_store_count_active_administrators (f->store), ==, 1);
  }

  snapshot_take (f, &before);
  {
    static const struct {
      const char *username;
      const char *full_name;
      gint64      organisation;     /* 0: A, -1: the registry, else as is */
      KvotaRole   role;
      KvotaError  code;
      const char *field;
    } cases[] = {
      { "A.NURLANOVA", "Someone", 0, KVOTA_ROLE_ACCOUNTANT, KVOTA_ERROR_DUPLICATE_USERNAME, "username" },
      { "a nurlanova", "Someone", 0, KVOTA_ROLE_ACCOUNTANT, KVOTA_ERROR_INVALID_VALUE, "username" },
      { "a", "Someone", 0, KVOTA_ROLE_ACCOUNTANT, KVOTA_ERROR_INVALID_VALUE, "username" },
      { "нурланова", "Someone", 0, KVOTA_ROLE_ACCOUNTANT, KVOTA_ERROR_INVALID_VALUE, "username" },
      { "b.user", " ", 0, KVOTA_ROLE_ACCOUNTANT, KVOTA_ERROR_INVALID_VALUE, "full_name" },
      { "b.user", "Someone", 0, KVOTA_ROLE_ADMINISTRATOR, KVOTA_ERROR_INVALID_VALUE, "role" },
      { "b.user", "Someone", -1, KVOTA_ROLE_REPRESENTATIVE, KVOTA_ERROR_INVALID_VALUE, "role" },
      { "b.user", "Someone", 999999, KVOTA_ROLE_ACCOUNTANT, KVOTA_ERROR_NOT_FOUND, "organisation_id" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) create_error = NULL;
        g_autoptr(KvotaUser) refused = NULL;
        gint64 organisation = cases[i].organisation == 0 ? f->a->id :
                              cases[i].organisation == -1 ? registry : cases[i].organisation;

        g_test_message ("creating user “%s”", cases[i].username);
        refused = kvota_store_create_user (f->store, "admin", organisation, cases[i].username,
                                           password_hash, cases[i].full_name, cases[i].role,
                                           &create_error);
        g_assert_null (refused);
        assert_kvota_error (create_error, cases[i].code, cases[i].field);
        assert_unchanged (f, &before);
      }
  }
}

static void
test_store_sessions_valid (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) user = create_user (f, f->a->id, "a.nurlanova", KVOTA_ROLE_REPRESENTATIVE);
  g_autoptr(KvotaPrincipal) principal = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_hours (now, 8);
  g_autofree char *token = kvota_token_new ();
  g_autofree char *token_hash = kvota_token_hash (token);

  g_assert_cmpstr (token, !=, token_hash);
  g_assert_true (kvota_store_create_session (f->store, user->id, token_hash, expires, FALSE, &error));
  g_assert_no_error (error);

  principal = kvota_store_lookup_session (f->store, token_hash, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (principal);
  g_assert_cmpint (principal->user_id, ==, user->id);
  g_assert_cmpstr (principal->username, ==, "a.nurlanova");
  g_assert_cmpint (principal->role, ==, KVOTA_ROLE_REPRESENTATIVE);
  g_assert_cmpint (principal->state, ==, KVOTA_USER_STATE_ACTIVE);
  g_assert_cmpint (principal->organisation_id, ==, f->a->id);
  g_assert_cmpint (principal->holder_type, ==, KVOTA_HOLDER_TYPE_NATURE_USER);
  g_assert_cmpint (principal->organisation_state, ==, KVOTA_USER_STATE_ACTIVE);
  g_assert_cmpstr (principal->account, ==, f->a->account);
  g_assert_cmpint (g_date_time_to_unix (principal->expires), ==, g_date_time_to_unix (expires));

  /* The database never holds the token itself. */
  {
    g_autoptr(KvotaPrincipal) none = kvota_store_lookup_session (f->store, token, now, &error);

    g_assert_null (none);
    assert_kvota_error (error, KVOTA_ERROR_INVALID_TOKEN, NULL);
    g_clear_error (&error);
  }
  {
    g_autoptr(sqlite3) db = open_direct (f->path);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sessions WHERE token_hash = '%s'",
                                            token);

    g_assert_cmpint (query_direct (db, sql), ==, 0);
    g_assert_cmpint (query_direct (db, "SELECT count(*) FROM sessions"), ==, 1);
  }

  /* Logging out ends the session. */
  g_assert_true (kvota_store_delete_session (f->store, token_hash, &error));
  g_assert_no_error (error);
  {
    g_autoptr(KvotaPrincipal) none = kvota_store_lookup_session (f->store, token_hash, now, &error);

    g_assert_null (none);
    assert_kvota_error (error, KVOTA_ERROR_INVALID_TOKEN, NULL);
  }
}

static void
test_store_sessions_expired (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) user = create_user (f, f->a->id, "a.nurlanova", KVOTA_ROLE_ACCOUNTANT);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) past = g_date_time_add_seconds (now, -1);
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (now, 30);
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 1);
  g_autofree char *old_hash = kvota_token_hash ("old-token");
  g_autofree char *new_hash = kvota_token_hash ("new-token");

  g_assert_true (kvota_store_create_session (f->store, user->id, old_hash, past, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (kvota_store_create_session (f->store, user->id, new_hash, soon, FALSE, &error));
  g_assert_no_error (error);

  {
    g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, old_hash, now, &error);

    g_assert_null (principal);
    assert_kvota_error (error, KVOTA_ERROR_SESSION_EXPIRED, NULL);
    g_clear_error (&error);
  }

  /* An expired session keeps saying so, until it is pruned a day later. */
  {
    g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, old_hash, now, &error);

    g_assert_null (principal);
    assert_kvota_error (error, KVOTA_ERROR_SESSION_EXPIRED, NULL);
    g_clear_error (&error);
  }

  /* The other one is valid now, and expired an hour later. */
  {
    g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, new_hash, now, &error);

    g_assert_no_error (error);
    g_assert_nonnull (principal);
    g_assert_cmpint (principal->role, ==, KVOTA_ROLE_ACCOUNTANT);
  }
  {
    g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, new_hash, later, &error);

    g_assert_null (principal);
    assert_kvota_error (error, KVOTA_ERROR_SESSION_EXPIRED, NULL);
  }
}

static void
assert_lookup_fails (Fixture    *f,
                     const char *token_hash,
                     GDateTime  *now,
                     KvotaError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, token_hash, now, &error);

  g_assert_null (principal);
  assert_kvota_error (error, code, NULL);
}

static void
test_store_sessions_blocked (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) user = create_user (f, f->a->id, "a.nurlanova", KVOTA_ROLE_REPRESENTATIVE);
  g_autoptr(KvotaUser) colleague = create_user (f, f->a->id, "b.colleague", KVOTA_ROLE_ACCOUNTANT);
  g_autoptr(KvotaUser) blocked = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_hours (now, 8);
  g_autofree char *laptop = kvota_token_hash ("laptop");
  g_autofree char *office = kvota_token_hash ("office");
  g_autofree char *colleagues = kvota_token_hash ("colleague");
  g_autofree char *stray = kvota_token_hash ("stray");
  g_autofree char *fresh = kvota_token_hash ("fresh");
  gint64 n_audit;

  g_assert_true (kvota_store_create_session (f->store, user->id, laptop, expires, FALSE, &error));
  g_assert_true (kvota_store_create_session (f->store, user->id, office, expires, FALSE, &error));
  g_assert_true (kvota_store_create_session (f->store, colleague->id, colleagues, expires, FALSE, &error));
  g_assert_no_error (error);
  n_audit = count_audit (f);

  g_assert_true (kvota_store_set_user_state (f->store, "admin", user->id, KVOTA_USER_STATE_BLOCKED,
                                             "Left the company", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_audit (f), ==, n_audit + 1);

  blocked = kvota_store_get_user (f->store, user->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (blocked->state, ==, KVOTA_USER_STATE_BLOCKED);

  /* Every session of the user ended at once, and says why; the
   * colleague's goes on. */
  assert_lookup_fails (f, laptop, now, KVOTA_ERROR_USER_BLOCKED);
  assert_lookup_fails (f, office, now, KVOTA_ERROR_USER_BLOCKED);
  {
    g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, colleagues, now, &error);

    g_assert_no_error (error);
    g_assert_nonnull (principal);
    g_assert_cmpint (principal->user_id, ==, colleague->id);
  }

  /* Should a session of a blocked user be created anyway, it lets nobody
   * in. */
  g_assert_true (kvota_store_create_session (f->store, user->id, stray, expires, FALSE, &error));
  g_assert_no_error (error);
  assert_lookup_fails (f, stray, now, KVOTA_ERROR_USER_BLOCKED);

  /* Blocking twice is an error, and changes nothing. */
  g_assert_false (kvota_store_set_user_state (f->store, "admin", user->id, KVOTA_USER_STATE_BLOCKED,
                                              NULL, &error));
  assert_kvota_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
  g_clear_error (&error);
  g_assert_cmpint (count_audit (f), ==, n_audit + 1);

  /* Restored, the user logs in anew; the sessions from before the block
   * stay dead. */
  g_assert_true (kvota_store_set_user_state (f->store, "admin", user->id, KVOTA_USER_STATE_ACTIVE,
                                             NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_audit (f), ==, n_audit + 2);
  assert_lookup_fails (f, laptop, now, KVOTA_ERROR_SESSION_REVOKED);
  assert_lookup_fails (f, office, now, KVOTA_ERROR_SESSION_REVOKED);

  g_assert_true (kvota_store_create_session (f->store, user->id, fresh, expires, FALSE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(KvotaPrincipal) principal = kvota_store_lookup_session (f->store, fresh, now, &error);

    g_assert_no_error (error);
    g_assert_nonnull (principal);
    g_assert_cmpint (principal->user_id, ==, user->id);
    g_assert_cmpint (principal->state, ==, KVOTA_USER_STATE_ACTIVE);
  }

  {
    g_autoptr(GPtrArray) entries = kvota_store_list_audit (f->store, n_audit, 10, &error);
    const KvotaAuditEntry *block;
    const KvotaAuditEntry *restore;

    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 2);
    block = g_ptr_array_index (entries, 0);
    restore = g_ptr_array_index (entries, 1);
    g_assert_cmpstr (block->action, ==, "user.block");
    g_assert_cmpstr (block->actor, ==, "admin");
    g_assert_nonnull (strstr (block->after, "Left the company"));
    g_assert_cmpstr (restore->action, ==, "user.restore");
  }
}

static void
test_store_sessions_blocked_organisation (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) user = create_user (f, f->b->id, "trader", KVOTA_ROLE_REPRESENTATIVE);
  g_autoptr(KvotaPrincipal) principal = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_hours (now, 8);
  g_autofree char *token_hash = kvota_token_hash ("trader-token");
  gint64 registry;

  g_assert_true (kvota_store_create_session (f->store, user->id, token_hash, expires, FALSE, &error));
  g_assert_no_error (error);

  g_assert_true (kvota_store_set_organisation_state (f->store, "admin", f->b->id,
                                                     KVOTA_USER_STATE_BLOCKED, NULL, &error));
  g_assert_no_error (error);

  /* Users of a blocked organisation are blocked with it. */
  principal = kvota_store_lookup_session (f->store, token_hash, now, &error);
  g_assert_null (principal);
  assert_kvota_error (error, KVOTA_ERROR_USER_BLOCKED, NULL);
  g_clear_error (&error);

  /* The registry administration is blocked user by user, not at once. */
  registry = kvota_store_find_organisation_by_type (f->store, KVOTA_HOLDER_TYPE_REGISTRY);
  g_assert_false (kvota_store_set_organisation_state (f->store, "admin", registry,
                                                      KVOTA_USER_STATE_BLOCKED, NULL, &error));
  assert_kvota_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
}

static void
test_store_login_failures (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) window = g_date_time_add_minutes (now, -15);
  g_autoptr(GDateTime) days_ago = g_date_time_add_days (now, -3);
  g_autoptr(GDateTime) two_days_ago = g_date_time_add_days (now, -2);
  g_autoptr(GDateTime) an_hour_ago = g_date_time_add_hours (now, -1);

  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "alice", window), ==, 0);

  /* One failure before the window, three inside it. */
  {
    const int seconds_ago[] = { 300, 200, 100 };

    kvota_store_record_login (f->store, "alice", FALSE, "192.0.2.1", an_hour_ago);
    for (guint i = 0; i < G_N_ELEMENTS (seconds_ago); i++)
      {
        g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -seconds_ago[i]);

        kvota_store_record_login (f->store, "alice", FALSE, "192.0.2.1", at);
      }
  }
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "alice", window), ==, 3);
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "alice", days_ago), ==, 4);
  /* The same name however it is typed; nobody else is affected. */
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "ALICE", window), ==, 3);
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "bob", window), ==, 0);

  /* A success wipes the slate... */
  {
    g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -50);

    kvota_store_record_login (f->store, "alice", TRUE, "192.0.2.1", at);
  }
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "alice", window), ==, 0);
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "alice", days_ago), ==, 0);

  /* ...and counting starts again after it. */
  {
    g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -10);

    kvota_store_record_login (f->store, "alice", FALSE, "198.51.100.7", at);
  }
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "alice", window), ==, 1);

  /* Attempts older than a day are forgotten. */
  kvota_store_record_login (f->store, "bob", FALSE, NULL, two_days_ago);
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "bob", days_ago), ==, 1);
  kvota_store_record_login (f->store, "bob", FALSE, NULL, now);
  g_assert_cmpuint (kvota_store_count_login_failures (f->store, "bob", days_ago), ==, 1);
}

static void
test_store_settings (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  gint64 n_audit = count_audit (f);

  g_assert_null (kvota_store_get_setting (f->store, "registry-name"));
  g_assert_true (kvota_store_set_setting (f->store, "admin", "registry-name", "Жасыл Даму", &error));
  g_assert_no_error (error);
  value = kvota_store_get_setting (f->store, "registry-name");
  g_assert_cmpstr (value, ==, "Жасыл Даму");

  g_assert_true (kvota_store_set_setting (f->store, "admin", "registry-name", "Zhasyl Damu", &error));
  g_assert_no_error (error);
  g_clear_pointer (&value, g_free);
  value = kvota_store_get_setting (f->store, "registry-name");
  g_assert_cmpstr (value, ==, "Zhasyl Damu");

  /* Both changes are in the journal, which still verifies. */
  g_assert_cmpint (count_audit (f), ==, n_audit + 2);

  reopen_store (f);
  g_clear_pointer (&value, g_free);
  value = kvota_store_get_setting (f->store, "registry-name");
  g_assert_cmpstr (value, ==, "Zhasyl Damu");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (!kvota_secret_init (&error))
    g_error ("Cannot initialise libsodium: %s", error->message);
  password_hash = kvota_password_hash (PASSWORD, &error);
  g_assert_no_error (error);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, NULL, setup, func, tear_down)

  ADD ("/core/store/open/create", set_up, test_store_open_create);
  ADD ("/core/store/open/missing", set_up, test_store_open_missing);
  ADD ("/core/store/open/not-sqlite", set_up, test_store_open_not_sqlite);
  ADD ("/core/store/open/foreign", set_up, test_store_open_foreign);
  ADD ("/core/store/open/too-new", set_up, test_store_open_too_new);
  ADD ("/core/store/organisations", set_up_holders, test_store_organisations);
  ADD ("/core/store/ledger/scenario", set_up_holders, test_store_ledger_scenario);
  ADD ("/core/store/ledger/errors", set_up_holders, test_store_ledger_errors);
  ADD ("/core/store/ledger/decide-twice", set_up_holders, test_store_ledger_decide_twice);
  ADD ("/core/store/ledger/overflow", set_up_holders, test_store_ledger_overflow);
  ADD ("/core/store/ledger/blocked-account", set_up_holders, test_store_ledger_blocked_account);
  ADD ("/core/store/ledger/statistics", set_up_holders, test_store_ledger_statistics);
  ADD ("/core/store/audit/verify", set_up_holders, test_store_audit_verify);
  ADD ("/core/store/audit/append-only", set_up_holders, test_store_audit_append_only);
  ADD ("/core/store/audit/tamper-after", set_up_holders, test_store_audit_tamper_after);
  ADD ("/core/store/audit/tamper-actor", set_up_holders, test_store_audit_tamper_actor);
  ADD ("/core/store/audit/tamper-while-open", set_up_holders, test_store_audit_tamper_while_open);
  ADD ("/core/store/audit/proof-elsewhere", set_up_holders, test_store_audit_proof_elsewhere);
  ADD ("/core/store/audit/delete-last", set_up_holders, test_store_audit_delete_last);
  ADD ("/core/store/audit/delete-middle", set_up_holders, test_store_audit_delete_middle);
  ADD ("/core/store/audit/delete-all", set_up_holders, test_store_audit_delete_all);
  ADD ("/core/store/backup", set_up_holders, test_store_backup);
  ADD ("/core/store/users", set_up_holders, test_store_users);
  ADD ("/core/store/sessions/valid", set_up_holders, test_store_sessions_valid);
  ADD ("/core/store/sessions/expired", set_up_holders, test_store_sessions_expired);
  ADD ("/core/store/sessions/blocked", set_up_holders, test_store_sessions_blocked);
  ADD ("/core/store/sessions/blocked-organisation", set_up_holders,
       test_store_sessions_blocked_organisation);
  ADD ("/core/store/login-failures", set_up, test_store_login_failures);
  ADD ("/core/store/settings", set_up, test_store_settings);

#undef ADD

  status = g_test_run ();
  g_free (password_hash);

  return status;
}
