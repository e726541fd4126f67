/* bench-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's side of registry-bench.py, with the references it is
 * measured against in the same run. Prints key=value lines.
 *
 *   bench-store report REGISTRY YEAR RUNS
 *       kvota_store_trading_report() for YEAR: the first call and the
 *       median of RUNS more (first_ms, ours_ms); the reference is a
 *       primary-key lookup of a transaction on the same file through a
 *       plain SQLite connection (reference_ms).
 *
 *   bench-store reference DIRECTORY COUNT
 *       The floor for durable commits: COUNT single-row INSERTs, each its
 *       own BEGIN IMMEDIATE … COMMIT, in a new database in DIRECTORY
 *       (WAL, synchronous=FULL, as the store opens its registry); prints
 *       per_s. The file is removed afterwards.
 *
 *   bench-store confirm REGISTRY FROM TO VINTAGE COUNT ROUNDS
 *       In each round, the reference above with COUNT commits beside the
 *       registry, then COUNT transfers of quotas of VINTAGE from account
 *       FROM to account TO proposed (not timed) and confirmed one by one
 *       with kvota_store_decide_transfer() (timed). Prints each round, the
 *       rates over all rounds (reference_per_s, proposals_per_s,
 *       ours_per_s) and the median of the rounds' ratios (ratio_median).
 */

#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kvota-secret.h"
#include "kvota-store.h"

#define ADMIN_USERNAME  "bench-admin"
#define HOLDER_USERNAME "bench-holder"

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-store: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

static double
now_seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

static KvotaStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  KvotaStore *store;

  if (!kvota_secret_init (&error))
    die ("libsodium", error);
  if ((store = kvota_store_open (path, FALSE, &error)) == NULL)
    die (path, error);

  return store;
}

static int
report (const char *path,
        int         year,
        guint       runs)
{
  g_autoptr(KvotaStore) store = open_store (path);
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reference = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  sqlite3_stmt *statement;
  sqlite3 *db;
  gint64 max_id = 1;
  double first = 0;

  for (guint i = 0; i <= runs; i++)
    {
      g_autoptr(KvotaTradingReport) figures = NULL;
      g_autoptr(GError) error = NULL;
      double started = now_seconds ();
      double elapsed;

      if ((figures = kvota_store_trading_report (store, year, &error)) == NULL)
        die ("the trading report", error);
      elapsed = (now_seconds () - started) * 1000;

      if (i == 0)
        {
          first = elapsed;
          for (guint y = 0; y < figures->years->len; y++)
            {
              const KvotaTradingFigures *entry = &g_array_index (figures->years, KvotaTradingFigures, y);

              g_print ("year_%d=%" G_GINT64_FORMAT " quotas in %" G_GINT64_FORMAT " transactions\n",
                       entry->year, entry->quotas, entry->transactions);
            }
          g_print ("lines=%u months, %u sectors, %u top accounts\n", figures->months->len,
                   figures->sectors->len, figures->accounts->len);
        }
      else
        g_array_append_val (ours, elapsed);
    }

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT max (id) FROM transactions", -1, &statement, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s: %s\n", path, sqlite3_errmsg (db));
      return 1;
    }
  if (sqlite3_step (statement) == SQLITE_ROW)
    max_id = MAX (1, sqlite3_column_int64 (statement, 0));
  sqlite3_finalize (statement);

  if (sqlite3_prepare_v2 (db, "SELECT quantity FROM transactions WHERE id = ?", -1, &statement, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  for (guint i = 0; i <= runs; i++)
    {
      double started = now_seconds ();
      double elapsed;

      sqlite3_bind_int64 (statement, 1, 1 + (gint64) (g_rand_double (rand) * max_id));
      if (sqlite3_step (statement) != SQLITE_ROW)
        g_printerr ("bench-store: no row: %s\n", sqlite3_errmsg (db));
      sqlite3_reset (statement);
      elapsed = (now_seconds () - started) * 1000;
      if (i > 0)
        g_array_append_val (reference, elapsed);
    }
  sqlite3_finalize (statement);
  sqlite3_close (db);

  g_print ("first_ms=%.3f\nours_ms=%.3f\nreference_ms=%.4f\n", first, median (ours), median (reference));
  return 0;
}

static double
reference_commits (const char *directory,
                   guint       count)
{
  g_autofree char *path = g_build_filename (directory, "bench-reference.db", NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };
  sqlite3_stmt *statement;
  sqlite3 *db;
  double started;
  double elapsed;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                        "CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT NOT NULL, payload BLOB NOT NULL)",
                    NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO t (at, payload) VALUES (datetime ('now'), randomblob (100))",
                          -1, &statement, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s: %s\n", path, sqlite3_errmsg (db));
      exit (1);
    }

  started = now_seconds ();
  for (guint i = 0; i < count; i++)
    {
      if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_step (statement) != SQLITE_DONE ||
          sqlite3_reset (statement) != SQLITE_OK ||
          sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        {
          g_printerr ("bench-store: %s: %s\n", path, sqlite3_errmsg (db));
          exit (1);
        }
    }
  elapsed = now_seconds () - started;

  sqlite3_finalize (statement);
  sqlite3_close (db);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }

  return count / elapsed;
}

static int
confirm (const char *path,
         const char *from,
         const char *to,
         int         vintage,
         guint       count,
         guint       rounds)
{
  g_autoptr(KvotaStore) store = open_store (path);
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *directory = g_path_get_dirname (path);
  double reference_time = 0;
  double proposal_time = 0;
  double confirmation_time = 0;

  /* Short rounds, each its reference beside it: a disk that others use
   * meanwhile slows both sides of a round alike. */
  for (guint round = 0; round < rounds; round++)
    {
      g_autofree gint64 *ids = g_new (gint64, count);
      double floor_rate = reference_commits (directory, count);
      double started = now_seconds ();
      double elapsed;
      double ratio;

      for (guint i = 0; i < count; i++)
        {
          g_autoptr(KvotaTransaction) transfer = NULL;
          g_autoptr(GError) error = NULL;

          transfer = kvota_store_propose_transfer (store, HOLDER_USERNAME, from, to,
                                                   KVOTA_UNIT_TYPE_QUOTA, vintage, 7, NULL, &error);
          if (transfer == NULL)
            die ("proposing a transfer", error);
          ids[i] = transfer->id;
        }
      proposal_time += now_seconds () - started;

      started = now_seconds ();
      for (guint i = 0; i < count; i++)
        {
          g_autoptr(KvotaTransaction) transfer = NULL;
          g_autoptr(GError) error = NULL;

          transfer = kvota_store_decide_transfer (store, ADMIN_USERNAME, ids[i],
                                                  KVOTA_TRANSACTION_STATE_COMPLETED, NULL, &error);
          if (transfer == NULL)
            die ("confirming a transfer", error);
        }
      elapsed = now_seconds () - started;
      confirmation_time += elapsed;
      reference_time += count / floor_rate;

      ratio = (count / elapsed) / floor_rate;
      g_array_append_val (ratios, ratio);
      g_print ("round_%u=reference %.0f/s, confirmations %.0f/s, ratio %.2f\n",
               round + 1, floor_rate, count / elapsed, ratio);
    }

  g_print ("reference_per_s=%.1f\nproposals_per_s=%.1f\nours_per_s=%.1f\nratio_median=%.3f\n",
           rounds * count / reference_time, rounds * count / proposal_time,
           rounds * count / confirmation_time, median (ratios));
  return 0;
}

static void
usage (void)
{
  g_printerr ("Usage: bench-store report REGISTRY YEAR RUNS\n"
              "       bench-store reference DIRECTORY COUNT\n"
              "       bench-store confirm REGISTRY FROM TO VINTAGE COUNT ROUNDS\n");
  exit (2);
}

static guint64
number (const char *text,
        guint64     minimum,
        guint64     maximum)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, minimum, maximum, &value, NULL))
    usage ();

  return value;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && g_str_equal (argv[1], "report"))
    return report (argv[2], (int) number (argv[3], 0, 9999), (guint) number (argv[4], 1, 100000));

  if (argc == 4 && g_str_equal (argv[1], "reference"))
    {
      g_print ("per_s=%.1f\n", reference_commits (argv[2], (guint) number (argv[3], 1, 10000000)));
      return 0;
    }

  if (argc == 8 && g_str_equal (argv[1], "confirm"))
    return confirm (argv[2], argv[3], argv[4], (int) number (argv[5], 2013, 2100),
                    (guint) number (argv[6], 1, 10000000), (guint) number (argv[7], 1, 100));

  usage ();
  return 2;
}
