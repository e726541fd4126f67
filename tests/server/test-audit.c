/* test-audit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-audit"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <sqlite3.h>

#include "kvota-test-server.h"

/* The audit journal against someone with write access to the database
 * file: kvotactl verify and GET /api/v1/audit name the first entry that
 * was altered, and cutting entries off the end is caught too. */

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3 *
open_database (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);

  return db;
}

/* Runs kvotactl verify; returns its exit status, and its stderr. */
static int
verify (const char  *path,
        char       **standard_error)
{
  g_autofree char *out = NULL;

  return kvota_test_run (&out, standard_error, kvota_test_program ("KVOTACTL"),
                         "verify", "--db", path, NULL);
}

static gboolean
names_entry (const char *text,
             gint64      id)
{
  g_autofree char *pattern = g_strdup_printf ("\\bentry %" G_GINT64_FORMAT "\\b", id);

  return g_regex_match_simple (pattern, text, 0, 0);
}

static gint64
find_entry (KvotaTestReply *reply,
            const char     *action)
{
  guint n_entries = kvota_test_reply_get_length (reply, "entries");

  for (guint i = 0; i < n_entries; i++)
    {
      g_autofree char *action_path = g_strdup_printf ("entries.%u.action", i);
      g_autofree char *id_path = g_strdup_printf ("entries.%u.id", i);

      if (strcmp (kvota_test_reply_get_string (reply, action_path), action) == 0)
        return kvota_test_reply_get_int (reply, id_path);
    }

  g_error ("The audit journal has no “%s” entry", action);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) destination = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, destination, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
test_audit_tamper (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) audit = NULL;
  g_autoptr(KvotaTestReply) issued = NULL;
  g_autoptr(KvotaTestReply) proposed = NULL;
  g_autoptr(KvotaTestReply) confirmed = NULL;
  g_autoptr(KvotaTestReply) blocked = NULL;
  g_autoptr(KvotaTestReply) broken = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *rep = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cut_path = NULL;
  g_autofree char *wal_path = NULL;
  g_autofree char *ledger = NULL;
  g_autofree char *ledger_after = NULL;
  gint64 n_entries;
  gint64 tampered;
  sqlite3 *db;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  rep = kvota_test_server_login (server, KVOTA_TEST_REP_A);

  /* Some history: an issuance, a confirmed transfer, a blocked user. */
  issued = kvota_test_server_requestf (server, "POST", "/api/v1/issuances", admin,
                                       "{\"account\": \"%s\", \"unit_type\": \"quota\", "
                                       "\"vintage\": 2015, \"quantity\": 1000}", server->account_a);
  kvota_test_assert_status (issued, 201);
  proposed = kvota_test_server_requestf (server, "POST", "/api/v1/transfers", rep,
                                         "{\"from_account\": \"%s\", \"to_account\": \"%s\", "
                                         "\"unit_type\": \"quota\", \"vintage\": 2015, \"quantity\": 250, "
                                         KVOTA_TEST_DEAL_DOCUMENTS "}",
                                         server->account_a, server->account_b);
  kvota_test_assert_status (proposed, 201);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/confirm",
                                             kvota_test_reply_get_int (proposed, "transaction.id"));

    confirmed = kvota_test_server_request (server, "POST", path, admin, NULL, 0);
    kvota_test_assert_status (confirmed, 200);
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/block",
                                             server->user_ids[KVOTA_TEST_ACCT_B]);

    blocked = kvota_test_server_request (server, "POST", path, admin, "{\"reason\": \"left the company\"}", -1);
    kvota_test_assert_status (blocked, 200);
  }

  audit = kvota_test_server_request (server, "GET", "/api/v1/audit?limit=1000", admin, NULL, 0);
  kvota_test_assert_status (audit, 200);
  g_assert_true (kvota_test_reply_get_boolean (audit, "intact"));
  g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (audit, "first_broken")));
  n_entries = kvota_test_reply_get_length (audit, "entries");
  g_assert_cmpint (n_entries, >, 4);
  g_assert_cmpint (n_entries, <, 1000);

  /* Every entry links to the one before it. */
  for (gint64 i = 1; i < n_entries; i++)
    {
      g_autofree char *id_path = g_strdup_printf ("entries.%" G_GINT64_FORMAT ".id", i);

      g_assert_cmpint (kvota_test_reply_get_int (audit, id_path), ==, i + 1);
    }

  /* The issuance is the entry to forge: make it say ten times more. */
  tampered = find_entry (audit, "ledger.issue");
  g_assert_cmpint (tampered, <, n_entries);
  ledger = kvota_test_server_ledger (server, admin);

  kvota_test_server_stop (server);

  /* WAL is folded into the database when the server closes it. */
  wal_path = g_strconcat (server->db_path, "-wal", NULL);
  g_assert_false (g_file_test (wal_path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (verify (server->db_path, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);

  /* Cutting entries off the end is caught: on a copy. */
  cut_path = g_build_filename (server->dir, "cut.db", NULL);
  copy_file (server->db_path, cut_path);
  db = open_database (cut_path);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM audit WHERE id = (SELECT max (id) FROM audit)",
                                 NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  exec_sql (db, "DROP TRIGGER audit_no_delete");
  exec_sql (db, "DELETE FROM audit WHERE id = (SELECT max (id) FROM audit)");
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  g_assert_cmpint (verify (cut_path, &err), ==, 1);
  if (!names_entry (err, n_entries))
    g_error ("kvotactl verify does not name entry %" G_GINT64_FORMAT ": %s", n_entries, err);
  g_clear_pointer (&err, g_free);

  /* The journal refuses changes until its guard is dropped. */
  db = open_database (server->db_path);
  {
    g_autofree char *update = g_strdup_printf ("UPDATE audit SET after = replace (after, "
                                               "'\"quantity\":1000', '\"quantity\":10000') "
                                               "WHERE id = %" G_GINT64_FORMAT, tampered);

    g_assert_cmpint (sqlite3_exec (db, update, NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
    exec_sql (db, "DROP TRIGGER audit_no_update");
    exec_sql (db, update);
    g_assert_cmpint (sqlite3_changes (db), ==, 1);
  }
  {
    sqlite3_stmt *statement = NULL;

    /* The change took: the entry now claims 10000. */
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT after FROM audit WHERE id = ?", -1, &statement, NULL),
                     ==, SQLITE_OK);
    sqlite3_bind_int64 (statement, 1, tampered);
    g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
    g_assert_nonnull (strstr ((const char *) sqlite3_column_text (statement, 0), "\"quantity\":10000"));
    sqlite3_finalize (statement);
  }
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  /* kvotactl verify fails, and names the entry. */
  g_assert_cmpint (verify (server->db_path, &err), ==, 1);
  if (!names_entry (err, tampered))
    g_error ("kvotactl verify does not name entry %" G_GINT64_FORMAT ": %s", tampered, err);

  /* So does the server, which still serves the untouched ledger. */
  kvota_test_server_start (server, NULL);
  g_clear_pointer (&admin, g_free);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  broken = kvota_test_server_request (server, "GET", "/api/v1/audit?limit=10", admin, NULL, 0);
  kvota_test_assert_status (broken, 200);
  g_assert_false (kvota_test_reply_get_boolean (broken, "intact"));
  g_assert_cmpint (kvota_test_reply_get_int (broken, "first_broken"), ==, tampered);
  ledger_after = kvota_test_server_ledger (server, admin);
  g_assert_cmpstr (ledger_after, ==, ledger);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/audit/tamper", test_audit_tamper);

  return g_test_run ();
}
