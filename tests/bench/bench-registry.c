/* bench-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds a registry of EU scale for the benchmarks of registry-bench.py:
 * 20,000 holding accounts and 10 million completed transfers over several
 * years.
 *
 * What a user could do is done through the store, as the server would:
 * the organisations (nature users with valid 12-digit BINs, individuals and
 * trading companies, brokers and traders), one representative each, the
 * nature users' mandates, a National Allocation Plan covering every
 * nature user, drafted and applied (which issues their quotas, serial
 * blocks and all), and quotas issued to the benchmark's own trading
 * company.
 *
 * The history is not: its rows are written directly into the
 * `transactions` table (and their sale orders into `sale_orders`), in
 * large SQLite transactions on a connection of this program's own, with
 * PRAGMA synchronous=OFF and no journal while it writes (the file goes
 * back to WAL at the end). Those rows are completed transfers of quotas
 * with prices, deal dates and references, in order of time, but they
 * carry no serial blocks (no transaction_serials, no block ever moved)
 * and no audit entries: balances and the life of a unit do not see them,
 * and the ledger still balances. The plan's issuances are back-dated to
 * the eve of the period, so that ids and `created` go up together as in a
 * registry that recorded its history as it happened. The trading report's
 * statistics are kept by the store's own triggers on `transactions`, so
 * they count these rows as they are inserted; at the end the program
 * checks kvota_store_trading_report() against its own tally.
 *
 *   bench-registry [--transfers N] [--accounts N] [--force] [PATH]
 *
 * PATH defaults to kvota-bench/registry.db in the temporary directory.
 * The logins it makes are printed at the end; their passwords are fixed
 * (see below) because they protect nothing but a benchmark.
 */

#define G_LOG_DOMAIN "bench-registry"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kvota-bin.h"
#include "kvota-json.h"
#include "kvota-nap.h"
#include "kvota-secret.h"
#include "kvota-store.h"

#define ACTOR "bench-registry"

/* Logins; registry-bench.py knows them too. */
#define ADMIN_USERNAME    "bench-admin"
#define ADMIN_PASSWORD    "bench-admin-pass-0001"
#define MINISTRY_USERNAME "bench-ministry"
#define MINISTRY_PASSWORD "bench-ministry-pass-0002"
#define HOLDER_USERNAME   "bench-holder"
#define HOLDER_PASSWORD   "bench-holder-pass-0003"
#define BUYER_USERNAME    "bench-buyer"
#define REP_PASSWORD      "bench-rep-pass-0004"  /* every other representative, rep-<organisation id> */

#define N_INTERMEDIARIES  40
#define ROWS_PER_COMMIT   100000
#define HOLDER_ISSUANCE   2000000

static const char * const sectors[] = {
  "Электроэнергетика",
  "Нефтегазовый сектор",
  "Горнодобывающая промышленность",
  "Металлургия",
  "Химическая промышленность",
  "Обрабатывающая промышленность (цемент, известь, гипс, кирпич)",
};

static const char * const places[] = {
  "Павлодар", "Экибастуз", "Караганда", "Актобе", "Атырау", "Шымкент",
  "Костанай", "Семей", "Темиртау", "Жезказган", "Кызылорда", "Актау",
  "Талдыкорган", "Петропавловск", "Уральск", "Туркестан", "Балхаш", "Рудный",
};

static const char * const trades[] = {
  "ТЭЦ", "ГРЭС", "Цемент", "Металл", "Нефтегаз", "Энерго", "Химпром", "Руда",
};

typedef struct
{
  gint64 id;                /* organisation */
  gint64 account_id;
  char  *account;
  int    intermediary;      /* index into the intermediaries, nature users only */
} Holder;

typedef struct
{
  GRand      *rand;
  KvotaStore *store;
  char       *path;
  int         first_year;
  int         last_year;
  gint64      n_transfers;
  guint       n_accounts;

  Holder     *holders;      /* [0] the benchmark's trading company, [1] its buyer */
  guint       n_holders;
  guint       n_nature;     /* holders[2 .. 2 + n_nature) are nature users */
  gint64      intermediaries[N_INTERMEDIARIES];

  /* The report as the generator counts it, by year. */
  gint64      tally_quotas[200];
  gint64      tally_transactions[200];
} Generator;

static double
now_seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-registry: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
die_sqlite (sqlite3    *db,
            const char *what)
{
  g_printerr ("bench-registry: %s: %s\n", what, sqlite3_errmsg (db));
  exit (1);
}

/* A 12-digit BIN or IIN with a valid check digit; @prefix is its first
 * five digits, @serial numbers it, and is moved on past numbers that
 * have no check digit. */
static char *
make_bin (const char *prefix,
          guint      *serial)
{
  for (;;)
    {
      g_autofree char *digits = g_strdup_printf ("%s%06u", prefix, (*serial)++ % 1000000);
      guint check;

      if (kvota_bin_check_digit (digits, &check))
        return g_strdup_printf ("%s%u", digits, check);
    }
}

/* Picks an index below @n, the low ones more often: a few accounts trade
 * a lot, most trade a little. */
static guint
pick_skewed (GRand *rand,
             guint  n)
{
  guint i = (guint) (n * pow (g_rand_double (rand), 2.5));

  return MIN (i, n - 1);
}

static void
format_timestamp (gint64  t,
                  char   *out,
                  gsize   size)
{
  time_t seconds = (time_t) t;
  struct tm tm;

  gmtime_r (&seconds, &tm);
  strftime (out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
format_date (gint64  t,
             char   *out,
             gsize   size)
{
  time_t seconds = (time_t) t;
  struct tm tm;

  gmtime_r (&seconds, &tm);
  strftime (out, size, "%Y-%m-%d", &tm);
}

static int
year_of (gint64 t)
{
  time_t seconds = (time_t) t;
  struct tm tm;

  gmtime_r (&seconds, &tm);
  return tm.tm_year + 1900;
}

static gint64
start_of_year (int year)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (year, 1, 1, 0, 0, 0);

  return g_date_time_to_unix (date);
}

static char *
hash_password (const char *password)
{
  g_autoptr(GError) error = NULL;
  char *hash = kvota_password_hash (password, &error);

  if (hash == NULL)
    die ("hashing a password", error);

  return hash;
}

static gint64
create_user (Generator  *self,
             gint64      organisation_id,
             const char *username,
             const char *password_hash,
             const char *full_name,
             KvotaRole   role)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = kvota_store_create_user (self->store, ACTOR, organisation_id, username,
                                  password_hash, full_name, role, &error);
  if (user == NULL)
    die (username, error);

  return user->id;
}

static KvotaOrganisation *
create_organisation (Generator       *self,
                     const char      *name,
                     const char      *bin,
                     KvotaHolderType  holder_type)
{
  g_autoptr(GError) error = NULL;
  KvotaOrganisation *organisation;

  organisation = kvota_store_create_organisation (self->store, ACTOR, name, bin, holder_type, &error);
  if (organisation == NULL)
    die (name, error);

  return organisation;
}

/* Everything made through the store, as the server would make it. */
static void
create_holders (Generator *self)
{
  g_autofree char *admin_hash = hash_password (ADMIN_PASSWORD);
  g_autofree char *ministry_hash = hash_password (MINISTRY_PASSWORD);
  g_autofree char *holder_hash = hash_password (HOLDER_PASSWORD);
  g_autofree char *rep_hash = hash_password (REP_PASSWORD);
  guint bin_serial = 1;
  guint iin_serial = 1;
  double started = now_seconds ();

  create_user (self, kvota_store_find_organisation_by_type (self->store, KVOTA_HOLDER_TYPE_REGISTRY),
               ADMIN_USERNAME, admin_hash, "Benchmark Administrator", KVOTA_ROLE_ADMINISTRATOR);
  create_user (self, kvota_store_find_organisation_by_type (self->store, KVOTA_HOLDER_TYPE_MINISTRY),
               MINISTRY_USERNAME, ministry_hash, "Benchmark Analyst", KVOTA_ROLE_MINISTRY);

  for (guint i = 0; i < N_INTERMEDIARIES; i++)
    {
      g_autoptr(KvotaOrganisation) organisation = NULL;
      g_autofree char *bin = make_bin ("19054", &bin_serial);
      g_autofree char *name = g_strdup_printf ("ТОО «%s %s Брокер-%u»", places[i % G_N_ELEMENTS (places)],
                                               i % 4 == 3 ? "Трейд" : "Карбон", i + 1);
      g_autofree char *username = NULL;

      organisation = create_organisation (self, name, bin,
                                          i % 4 == 3 ? KVOTA_HOLDER_TYPE_TRADER : KVOTA_HOLDER_TYPE_BROKER);
      self->intermediaries[i] = organisation->id;
      username = g_strdup_printf ("rep-%06" G_GINT64_FORMAT, organisation->id);
      create_user (self, organisation->id, username, rep_hash, name, KVOTA_ROLE_REPRESENTATIVE);
    }

  self->holders = g_new0 (Holder, self->n_accounts);
  self->n_holders = self->n_accounts;
  /* Four holding accounts in five are nature users' (the EU's are mostly
   * operators' too); the rest individuals and trading companies. */
  self->n_nature = (self->n_accounts - 2) * 4 / 5;

  for (guint i = 0; i < self->n_accounts; i++)
    {
      g_autoptr(KvotaOrganisation) organisation = NULL;
      g_autofree char *bin = NULL;
      g_autofree char *name = NULL;
      g_autofree char *username = NULL;
      gboolean nature = i >= 2 && i < 2 + self->n_nature;

      if (i == 0)
        name = g_strdup ("ТОО «Бенчмарк Трейдинг»");
      else if (i == 1)
        name = g_strdup ("ТОО «Бенчмарк Покупатель»");
      else if (nature)
        name = g_strdup_printf ("АО «%s %s-%u»", places[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (places))],
                                trades[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (trades))], i);
      else
        name = g_strdup_printf ("ТОО «%s Карбон Трейд-%u»",
                                places[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (places))], i);

      /* BINs of legal entities registered in 2005..2019, IINs of people
       * born in the 1970s: only the check digit is checked, but a
       * realistic spread keeps the indexes honest. */
      if (nature || i < 2)
        {
          g_autofree char *prefix = g_strdup_printf ("%02u%02u4", 5 + i % 15, 1 + i % 12);

          bin = make_bin (prefix, &bin_serial);
        }
      else
        {
          g_autofree char *prefix = g_strdup_printf ("7%01u%02u3", i % 10, 1 + i % 12);

          bin = make_bin (prefix, &iin_serial);
        }

      organisation = create_organisation (self, name, bin,
                                          nature ? KVOTA_HOLDER_TYPE_NATURE_USER : KVOTA_HOLDER_TYPE_INDIVIDUAL);
      self->holders[i].id = organisation->id;
      self->holders[i].account = g_strdup (organisation->account);
      self->holders[i].intermediary = g_rand_int_range (self->rand, 0, N_INTERMEDIARIES);

      if (i == 0)
        create_user (self, organisation->id, HOLDER_USERNAME, holder_hash, "Benchmark Trader",
                     KVOTA_ROLE_REPRESENTATIVE);
      else if (i == 1)
        create_user (self, organisation->id, BUYER_USERNAME, rep_hash, "Benchmark Buyer",
                     KVOTA_ROLE_REPRESENTATIVE);
      else
        {
          username = g_strdup_printf ("rep-%06" G_GINT64_FORMAT, organisation->id);
          create_user (self, organisation->id, username, rep_hash, name, KVOTA_ROLE_REPRESENTATIVE);
        }

      if (nature)
        {
          g_autoptr(GError) error = NULL;

          if (!kvota_store_choose_intermediary (self->store, ACTOR, organisation->id,
                                                self->intermediaries[self->holders[i].intermediary], &error))
            die ("choosing an intermediary", error);
        }

      if ((i + 1) % 2000 == 0)
        g_print ("  %u holding accounts (%.0f a second)\n", i + 1, (i + 1) / (now_seconds () - started));
    }
}

/* One plan for the whole period, one line per nature user, applied: the
 * store issues each allocation as quotas of its year. */
static void
apply_plan (Generator *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) plan_node = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *file_text = NULL;
  KvotaNapApplication result;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sheet");
  json_builder_add_string_value (builder, "НПР");
  json_builder_set_member_name (builder, "years");
  json_builder_begin_array (builder);
  for (int year = self->first_year; year <= self->last_year; year++)
    json_builder_add_int_value (builder, year);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "lines");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_nature; i++)
    {
      g_autoptr(KvotaOrganisation) organisation = NULL;
      /* A few large emitters and many small ones, as in the EU. */
      gint64 base = 5000 + (gint64) (1500000 * pow (g_rand_double (self->rand), 5));

      organisation = kvota_store_get_organisation (self->store, self->holders[2 + i].id, &error);
      if (organisation == NULL)
        die ("reading an organisation", error);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "row");
      json_builder_add_int_value (builder, i + 2);
      json_builder_set_member_name (builder, "reserve");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "operator");
      json_builder_add_string_value (builder, organisation->name);
      json_builder_set_member_name (builder, "bin");
      json_builder_add_string_value (builder, organisation->bin);
      json_builder_set_member_name (builder, "installation");
      json_builder_add_string_value (builder, "Основная площадка");
      json_builder_set_member_name (builder, "sector");
      json_builder_add_string_value (builder, sectors[i % G_N_ELEMENTS (sectors)]);
      json_builder_set_member_name (builder, "allocations");
      json_builder_begin_array (builder);
      /* Caps fall 2.2 % a year. */
      for (int year = self->first_year; year <= self->last_year; year++)
        json_builder_add_int_value (builder, (gint64) (base * pow (0.978, year - self->first_year)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  if ((nap = kvota_nap_from_json (root, &error)) == NULL)
    die ("making the plan", error);

  plan_node = kvota_nap_to_json (nap, TRUE);
  plan = kvota_json_to_string (plan_node);
  /* The store keeps the "workbook" by its hash and never reads it. */
  file_text = g_strdup_printf ("bench-registry plan %d-%d for %u nature users\n",
                               self->first_year, self->last_year, self->n_nature);
  file = g_bytes_new (file_text, strlen (file_text));

  record = kvota_store_create_nap_draft (self->store, ADMIN_USERNAME, self->first_year, self->last_year,
                                         "bench-plan.xlsx", file, "application/octet-stream", plan, &error);
  if (record == NULL)
    die ("drafting the plan", error);

  if (!kvota_store_apply_nap (self->store, ADMIN_USERNAME, record->id, kvota_nap_get_lines (nap),
                              kvota_nap_get_years (nap), &result, &error))
    die ("applying the plan", error);

  g_print ("  the plan issued %" G_GINT64_FORMAT " quotas in %u issuances\n",
           result.issued, result.n_transactions);
}

/* The benchmark's trading company holds quotas of every vintage, so that
 * its balance has a few lines and it can sell. */
static void
issue_to_holder (Generator *self)
{
  for (int year = self->first_year; year <= self->last_year; year++)
    {
      g_autoptr(KvotaTransaction) issuance = NULL;
      g_autoptr(GError) error = NULL;

      issuance = kvota_store_issue (self->store, ADMIN_USERNAME, self->holders[0].account,
                                    KVOTA_UNIT_TYPE_QUOTA, year, HOLDER_ISSUANCE, &error);
      if (issuance == NULL)
        die ("issuing", error);
    }
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    die_sqlite (db, sql);
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *statement;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    die_sqlite (db, sql);

  return statement;
}

static void
step_or_die (sqlite3      *db,
             sqlite3_stmt *statement)
{
  if (sqlite3_step (statement) != SQLITE_DONE)
    die_sqlite (db, sqlite3_sql (statement));
  sqlite3_reset (statement);
}

/* The history, written directly: see the comment at the top. */
static void
write_history (Generator *self)
{
  int n_years = self->last_year - self->first_year + 1;
  g_autofree gint64 *orders = g_new0 (gint64, (gsize) self->n_nature * n_years);
  g_autofree gint64 *order_quantities = g_new0 (gint64, (gsize) self->n_nature * n_years);
  gint64 start = start_of_year (self->first_year);
  gint64 span = start_of_year (self->last_year + 1) - start;
  double started = now_seconds ();
  sqlite3_stmt *insert_order;
  sqlite3_stmt *insert;
  sqlite3_stmt *update_order;
  sqlite3 *db;

  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    die_sqlite (db, self->path);

  /* Only here: the store's own connection commits durably, in WAL
   * mode. A crash now leaves a registry to make again anyway, so the
   * history goes straight into the file, without a journal and without
   * waiting for the disk. */
  exec_or_die (db, "PRAGMA journal_mode = OFF");
  exec_or_die (db, "PRAGMA synchronous = OFF");
  exec_or_die (db, "PRAGMA foreign_keys = ON");
  exec_or_die (db, "PRAGMA cache_size = -524288");

  {
    sqlite3_stmt *statement = prepare_or_die (db, "SELECT id FROM accounts WHERE number = ?");

    for (guint i = 0; i < self->n_holders; i++)
      {
        sqlite3_bind_text (statement, 1, self->holders[i].account, -1, SQLITE_STATIC);
        if (sqlite3_step (statement) != SQLITE_ROW)
          die_sqlite (db, "reading the accounts");
        self->holders[i].account_id = sqlite3_column_int64 (statement, 0);
        sqlite3_reset (statement);
      }
    sqlite3_finalize (statement);
  }

  /* The plan was applied just now, but the history begins years ago: the
   * registry writes `created` as it records a transaction, so ids and
   * times go up together, and the history's pages (keyed by id, filtered
   * by date) may rely on it. Back-date the issuances to the eve of the
   * period, before every transfer. */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE transactions SET created = '%d-12-28T09:00:00Z', "
                                            "decided = '%d-12-28T09:00:00Z' WHERE kind = 'issuance'",
                                            self->first_year - 1, self->first_year - 1);

    exec_or_die (db, sql);
  }

  /* A sale order for each nature user and vintage, sold out by the end. */
  insert_order = prepare_or_die (db,
                                 "INSERT INTO sale_orders (account_id, intermediary_id, unit_type, vintage, "
                                 "quantity, state, created_by, created, closed) "
                                 "VALUES (?, ?, 'quota', ?, 1, 'sold', ?, ?, ?)");
  exec_or_die (db, "BEGIN");
  for (guint i = 0; i < self->n_nature; i++)
    {
      const Holder *holder = &self->holders[2 + i];
      g_autofree char *created_by = g_strdup_printf ("rep-%06" G_GINT64_FORMAT, holder->id);

      for (int y = 0; y < n_years; y++)
        {
          char created[32];
          char closed[32];

          format_timestamp (start_of_year (self->first_year + y) + 3600 * 9, created, sizeof created);
          format_timestamp (start + span, closed, sizeof closed);
          sqlite3_bind_int64 (insert_order, 1, holder->account_id);
          sqlite3_bind_int64 (insert_order, 2, self->intermediaries[holder->intermediary]);
          sqlite3_bind_int (insert_order, 3, self->first_year + y);
          sqlite3_bind_text (insert_order, 4, created_by, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (insert_order, 5, created, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (insert_order, 6, closed, -1, SQLITE_TRANSIENT);
          step_or_die (db, insert_order);
          orders[(gsize) i * n_years + y] = sqlite3_last_insert_rowid (db);
        }
    }
  exec_or_die (db, "COMMIT");
  sqlite3_finalize (insert_order);

  insert = prepare_or_die (db,
                           "INSERT INTO transactions (kind, state, unit_type, vintage, quantity, "
                           "from_account, to_account, proposed_by, decided_by, created, decided, "
                           "order_id, price, deal_date, reference) "
                           "VALUES ('transfer', 'completed', 'quota', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                           "?9, ?10, ?11, ?12)");

  exec_or_die (db, "BEGIN");
  for (gint64 n = 0; n < self->n_transfers; n++)
    {
      /* Evenly over the years and in order of id, as the server would
       * have recorded them; confirmed within a day and a half. */
      gint64 created_at = start + (gint64) ((n + g_rand_double (self->rand)) * span / self->n_transfers);
      gint64 decided_at = created_at + g_rand_int_range (self->rand, 600, 36 * 3600);
      int year = year_of (created_at);
      int vintage = g_rand_int_range (self->rand, self->first_year, year + 1);
      /* From 1 to 100,000 tonnes, small deals the most common. */
      gint64 quantity = (gint64) exp (g_rand_double (self->rand) * log (100000.0));
      gboolean sale = g_rand_double (self->rand) < 0.8;
      char created[32];
      char decided[32];
      char deal_date[16];
      char proposed_by[32];
      char reference[48];
      const Holder *seller;
      const Holder *buyer;
      int report_year;

      format_timestamp (created_at, created, sizeof created);
      format_timestamp (decided_at, decided, sizeof decided);

      if (sale)
        {
          guint s = pick_skewed (self->rand, self->n_nature);
          gsize order = (gsize) s * n_years + (vintage - self->first_year);
          /* Prices in tiyn: 1,200 tenge a tonne at the start, rising 25 %
           * a year, within 15 % either way. */
          double years = (double) (created_at - start) / (365.25 * 86400);
          gint64 price = (gint64) (120000 * pow (1.25, years) * (0.85 + 0.3 * g_rand_double (self->rand)));
          gint64 deal_at = created_at - g_rand_int_range (self->rand, 0, 3 * 86400);

          seller = &self->holders[2 + s];
          format_date (MAX (deal_at, start), deal_date, sizeof deal_date);
          g_snprintf (proposed_by, sizeof proposed_by, "rep-%06" G_GINT64_FORMAT,
                      self->intermediaries[seller->intermediary]);
          g_snprintf (reference, sizeof reference, "KASE-%.4s-%08" G_GINT64_FORMAT, deal_date, n + 1);
          order_quantities[order] += quantity;

          sqlite3_bind_int64 (insert, 9, orders[order]);
          sqlite3_bind_int64 (insert, 10, price);
          sqlite3_bind_text (insert, 11, deal_date, -1, SQLITE_STATIC);
          sqlite3_bind_text (insert, 12, reference, -1, SQLITE_STATIC);
          report_year = atoi (deal_date);
        }
      else
        {
          /* Between trading companies, without a deal date. */
          guint n_others = self->n_holders - 2 - self->n_nature;

          seller = &self->holders[2 + self->n_nature + pick_skewed (self->rand, n_others)];
          g_snprintf (proposed_by, sizeof proposed_by, "rep-%06" G_GINT64_FORMAT, seller->id);
          sqlite3_bind_null (insert, 9);
          sqlite3_bind_null (insert, 10);
          sqlite3_bind_null (insert, 11);
          sqlite3_bind_null (insert, 12);
          report_year = year_of (decided_at);
        }

      do
        buyer = &self->holders[2 + pick_skewed (self->rand, self->n_holders - 2)];
      while (buyer == seller);

      sqlite3_bind_int (insert, 1, vintage);
      sqlite3_bind_int64 (insert, 2, quantity);
      sqlite3_bind_int64 (insert, 3, seller->account_id);
      sqlite3_bind_int64 (insert, 4, buyer->account_id);
      sqlite3_bind_text (insert, 5, proposed_by, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 6, ADMIN_USERNAME, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 7, created, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 8, decided, -1, SQLITE_STATIC);
      step_or_die (db, insert);

      g_assert (report_year >= 2000 && report_year < 2200);
      self->tally_quotas[report_year - 2000] += quantity;
      self->tally_transactions[report_year - 2000]++;

      if ((n + 1) % ROWS_PER_COMMIT == 0)
        {
          exec_or_die (db, "COMMIT");
          exec_or_die (db, "BEGIN");
        }

      if ((n + 1) % 1000000 == 0)
        g_print ("  %" G_GINT64_FORMAT " transfers (%.0f a second)\n",
                 n + 1, (n + 1) / (now_seconds () - started));
    }
  exec_or_die (db, "COMMIT");
  sqlite3_finalize (insert);

  update_order = prepare_or_die (db, "UPDATE sale_orders SET quantity = ? WHERE id = ?");
  exec_or_die (db, "BEGIN");
  for (gsize i = 0; i < (gsize) self->n_nature * n_years; i++)
    {
      if (order_quantities[i] == 0)
        continue;
      sqlite3_bind_int64 (update_order, 1, order_quantities[i]);
      sqlite3_bind_int64 (update_order, 2, orders[i]);
      step_or_die (db, update_order);
    }
  exec_or_die (db, "COMMIT");
  sqlite3_finalize (update_order);

  /* Back to the store's journal, and to the disk. */
  exec_or_die (db, "PRAGMA journal_mode = WAL");
  sqlite3_close (db);
}

/* The store's report, from the statistics its triggers kept, must say
 * what the generator wrote. */
static gboolean
check_report (Generator *self)
{
  g_autoptr(KvotaTradingReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  gint64 reported = 0;
  gint64 written = 0;

  if ((report = kvota_store_trading_report (self->store, 0, &error)) == NULL)
    die ("reading the trading report", error);

  g_print ("  %-6s %20s %14s\n", "year", "quotas traded", "transactions");
  for (guint i = 0; i < report->years->len; i++)
    {
      const KvotaTradingFigures *entry = &g_array_index (report->years, KvotaTradingFigures, i);
      gboolean same = entry->year >= 2000 && entry->year < 2200 &&
                      entry->quotas == self->tally_quotas[entry->year - 2000] &&
                      entry->transactions == self->tally_transactions[entry->year - 2000];

      g_print ("  %-6d %20" G_GINT64_FORMAT " %14" G_GINT64_FORMAT "%s\n",
               entry->year, entry->quotas, entry->transactions,
               same ? "" : "  ≠ what was written");
      ok = ok && same;
      reported += entry->transactions;
    }
  g_print ("  with %u months, %u sector lines and %u top account lines\n",
           report->months->len, report->sectors->len, report->accounts->len);

  for (guint i = 0; i < G_N_ELEMENTS (self->tally_transactions); i++)
    written += self->tally_transactions[i];

  return ok && reported == written;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_path = g_build_filename (g_get_tmp_dir (), "kvota-bench", "registry.db", NULL);
  g_autofree char *directory = NULL;
  gint64 n_transfers = 10000000;
  int n_accounts = 20000;
  int first_year = 2021;
  int last_year = 2025;
  int seed = 5;
  gboolean force = FALSE;
  double started = now_seconds ();
  double step;
  GStatBuf info;
  Generator self = { 0, };
  const GOptionEntry entries[] = {
    { "transfers", 0, 0, G_OPTION_ARG_INT64, &n_transfers, "Completed transfers in the history (10,000,000)", "N" },
    { "accounts", 0, 0, G_OPTION_ARG_INT, &n_accounts, "Holding accounts (20,000)", "N" },
    { "first-year", 0, 0, G_OPTION_ARG_INT, &first_year, "First year of the plan and the history (2021)", "YEAR" },
    { "last-year", 0, 0, G_OPTION_ARG_INT, &last_year, "Last year of the plan and the history (2025)", "YEAR" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the random numbers (5)", "N" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace PATH if it exists", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("[PATH]");
  g_option_context_set_summary (context, "Build a registry of EU scale for the benchmarks.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);

  if (argc > 2 || n_transfers < 0 || n_accounts < 100 ||
      first_year < 2013 || last_year < first_year || last_year > 2100)
    {
      g_printerr ("%s", g_option_context_get_help (context, TRUE, NULL));
      return 2;
    }

  self.path = g_strdup (argc == 2 ? argv[1] : default_path);
  self.rand = g_rand_new_with_seed ((guint32) seed);
  self.n_transfers = n_transfers;
  self.n_accounts = (guint) n_accounts;
  self.first_year = first_year;
  self.last_year = last_year;

  if (g_file_test (self.path, G_FILE_TEST_EXISTS))
    {
      const char *suffixes[] = { "", "-wal", "-shm" };

      if (!force)
        {
          g_printerr ("bench-registry: %s exists; --force replaces it\n", self.path);
          return 1;
        }
      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (self.path, suffixes[i], NULL);

          g_unlink (file);
        }
    }

  directory = g_path_get_dirname (self.path);
  g_mkdir_with_parents (directory, 0700);

  if (!kvota_secret_init (&error))
    die ("libsodium", error);

  if ((self.store = kvota_store_open (self.path, TRUE, &error)) == NULL)
    die (self.path, error);

  g_print ("Organisations, users and mandates through the store…\n");
  step = now_seconds ();
  create_holders (&self);
  g_print ("  %.1f s\n", now_seconds () - step);

  g_print ("A plan %d–%d for %u nature users, applied through the store…\n",
           first_year, last_year, self.n_nature);
  step = now_seconds ();
  apply_plan (&self);
  issue_to_holder (&self);
  g_print ("  %.1f s\n", now_seconds () - step);
  g_clear_object (&self.store);

  g_print ("%" G_GINT64_FORMAT " completed transfers written directly…\n", n_transfers);
  step = now_seconds ();
  write_history (&self);
  g_print ("  %.1f s\n", now_seconds () - step);

  g_print ("The store's trading report:\n");
  if ((self.store = kvota_store_open (self.path, FALSE, &error)) == NULL)
    die (self.path, error);
  if (!check_report (&self))
    {
      g_printerr ("bench-registry: the trading report does not count the history written\n");
      return 1;
    }
  g_clear_object (&self.store);

  if (g_stat (self.path, &info) != 0)
    info.st_size = 0;

  g_print ("\nRegistry: %s (%.2f GB) in %.0f s\n", self.path, info.st_size / 1e9, now_seconds () - started);
  g_print ("Logins: %s / %s (administrator), %s / %s (ministry),\n"
           "        %s / %s (representative of %s), %s and rep-<organisation id> / %s\n",
           ADMIN_USERNAME, ADMIN_PASSWORD, MINISTRY_USERNAME, MINISTRY_PASSWORD,
           HOLDER_USERNAME, HOLDER_PASSWORD, self.holders[0].account, BUYER_USERNAME, REP_PASSWORD);

  for (guint i = 0; i < self.n_holders; i++)
    g_free (self.holders[i].account);
  g_free (self.holders);
  g_free (self.path);
  g_rand_free (self.rand);

  return 0;
}
