/* test-backup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-backup"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kvota-store.h"
#include "kvota-test-server.h"

/* kvotactl backup while the server is busy writing: the copy is a
 * consistent snapshot that verifies, and a failed backup leaves nothing
 * behind. */

/* Bounds the writer even if the main thread never says stop. */
#define MAX_CYCLES 500

typedef struct
{
  char   *base_url;
  char   *admin;
  char   *rep;
  char   *account_a;
  char   *account_b;

  GMutex  mutex;
  GCond   cond;
  guint   cycles;       /* issue + propose + confirm, all done */
  gboolean stop;
  char   *failure;      /* what went wrong, or NULL */
} Writer;

/* One request on the writer thread's own session. */
static gboolean
writer_request (Writer       *writer,
                SoupSession  *session,
                const char   *path,
                const char   *token,
                const char   *body,
                guint         expected,
                gint64       *id)
{
  g_autofree char *uri = g_strconcat (writer->base_url, path, NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (message, "application/json", request);

  if ((reply = soup_session_send_and_read (session, message, NULL, &error)) == NULL)
    {
      writer->failure = g_strdup_printf ("POST %s: %s", path, error->message);
      return FALSE;
    }

  if (soup_message_get_status (message) != expected)
    {
      writer->failure = g_strdup_printf ("POST %s: %u %.*s", path, soup_message_get_status (message),
                                         (int) g_bytes_get_size (reply),
                                         (const char *) g_bytes_get_data (reply, NULL));
      return FALSE;
    }

  if (id != NULL)
    {
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                       (gssize) g_bytes_get_size (reply), &error) ||
          (node = kvota_test_json_lookup (json_parser_get_root (parser), "transaction.id")) == NULL)
        {
          writer->failure = g_strdup_printf ("POST %s: no transaction id", path);
          return FALSE;
        }
      *id = json_node_get_int (node);
    }

  return TRUE;
}

static gpointer
writer_thread (gpointer user_data)
{
  Writer *writer = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *issue = NULL;
  g_autofree char *transfer = NULL;

  /* A session belongs to the thread that made it: this one is ours. */
  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 60, NULL);

  issue = g_strdup_printf ("{\"account\": \"%s\", \"unit_type\": \"quota\", \"vintage\": 2019, "
                           "\"quantity\": 10}", writer->account_a);
  transfer = g_strdup_printf ("{\"from_account\": \"%s\", \"to_account\": \"%s\", \"unit_type\": "
                              "\"quota\", \"vintage\": 2019, \"quantity\": 7, " KVOTA_TEST_DEAL_DOCUMENTS "}",
                              writer->account_a, writer->account_b);

  for (guint cycle = 0; cycle < MAX_CYCLES; cycle++)
    {
      g_autofree char *confirm = NULL;
      gboolean stop;
      gint64 id = 0;

      g_mutex_lock (&writer->mutex);
      stop = writer->stop;
      g_mutex_unlock (&writer->mutex);
      if (stop)
        break;

      if (!writer_request (writer, session, "/api/v1/issuances", writer->admin, issue, 201, NULL) ||
          !writer_request (writer, session, "/api/v1/transfers", writer->rep, transfer, 201, &id))
        break;

      confirm = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/confirm", id);
      if (!writer_request (writer, session, confirm, writer->admin, "{}", 200, NULL))
        break;

      g_mutex_lock (&writer->mutex);
      writer->cycles++;
      g_cond_broadcast (&writer->cond);
      g_mutex_unlock (&writer->mutex);
    }

  soup_session_abort (session);
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);

  /* Wake the main thread whatever happened. */
  g_mutex_lock (&writer->mutex);
  writer->stop = TRUE;
  g_cond_broadcast (&writer->cond);
  g_mutex_unlock (&writer->mutex);

  return NULL;
}

/* Waits until the writer has done @cycles cycles, or stopped. */
static void
wait_for_cycles (Writer *writer,
                 guint   cycles)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&writer->mutex);
  while (writer->cycles < cycles && !writer->stop)
    {
      if (!g_cond_wait_until (&writer->cond, &writer->mutex, deadline))
        break;
    }
  g_mutex_unlock (&writer->mutex);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static void
assert_no_partial_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      if (strstr (name, "partial") != NULL)
        g_error ("A backup left “%s” behind", name);
    }
}

static gint64
total_issued (GArray *totals,
              int     vintage)
{
  for (guint i = 0; i < totals->len; i++)
    {
      const KvotaLedgerTotal *total = &g_array_index (totals, KvotaLedgerTotal, i);

      if (total->unit_type == KVOTA_UNIT_TYPE_QUOTA && total->vintage == vintage)
        {
          g_assert_cmpint (total->issued, ==, total->held + total->surrendered + total->cancelled);
          return total->issued;
        }
    }

  return 0;
}

static void
test_backup_under_load (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaStore) copy = NULL;
  g_autoptr(GArray) copy_totals = NULL;
  g_autoptr(GPtrArray) copy_audit = NULL;
  g_autoptr(KvotaTestReply) live_ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *backup_path = NULL;
  g_autofree char *backup_dir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *nowhere = NULL;
  Writer writer = { NULL, };
  GThread *thread;
  guint cycles_at_backup;
  guint cycles_after_backup;
  gint64 backup_issued;
  gint64 live_issued = 0;
  gint64 after_id = 0;
  guint compared = 0;
  int status;

  kvota_test_server_start (server, NULL);

  writer.base_url = g_strdup (server->base_url);
  writer.admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  writer.rep = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  writer.account_a = g_strdup (server->account_a);
  writer.account_b = g_strdup (server->account_b);
  g_mutex_init (&writer.mutex);
  g_cond_init (&writer.cond);

  backup_dir = g_build_filename (server->dir, "backups", NULL);
  g_assert_cmpint (g_mkdir (backup_dir, 0700), ==, 0);
  backup_path = g_build_filename (backup_dir, "registry-copy.db", NULL);

  /* Back up in the middle of a steady stream of writes. */
  thread = g_thread_new ("writer", writer_thread, &writer);
  wait_for_cycles (&writer, 3);

  g_mutex_lock (&writer.mutex);
  cycles_at_backup = writer.cycles;
  g_mutex_unlock (&writer.mutex);
  g_assert_cmpuint (cycles_at_backup, >=, 3);

  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"),
                           "backup", "--db", server->db_path, "--to", backup_path, NULL);
  if (status != 0)
    g_error ("kvotactl backup exited with %d: %s", status, err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The writes go on after the backup, then stop. */
  g_mutex_lock (&writer.mutex);
  cycles_after_backup = writer.cycles;
  g_mutex_unlock (&writer.mutex);
  wait_for_cycles (&writer, cycles_after_backup + 2);
  g_mutex_lock (&writer.mutex);
  writer.stop = TRUE;
  g_mutex_unlock (&writer.mutex);
  g_thread_join (thread);

  if (writer.failure != NULL)
    g_error ("The writer failed: %s", writer.failure);
  g_assert_cmpuint (writer.cycles, >=, cycles_after_backup + 2);
  g_test_message ("%u write cycles; the backup started after %u and ended after %u",
                  writer.cycles, cycles_at_backup, cycles_after_backup);

  /* The backup verifies... */
  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"),
                           "verify", "--db", backup_path, NULL);
  if (status != 0)
    g_error ("kvotactl verify of the backup exited with %d: %s", status, err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* ...and holds a balanced prefix of the live registry's history. */
  copy = kvota_store_open (backup_path, FALSE, &error);
  g_assert_no_error (error);
  copy_totals = kvota_store_check_ledger (copy, &error);
  g_assert_no_error (error);
  backup_issued = total_issued (copy_totals, 2019);

  live_ledger = kvota_test_server_request (server, "GET", "/api/v1/ledger", writer.admin, NULL, 0);
  kvota_test_assert_status (live_ledger, 200);
  g_assert_true (kvota_test_reply_get_boolean (live_ledger, "balanced"));
  for (guint i = 0; i < kvota_test_reply_get_length (live_ledger, "totals"); i++)
    {
      g_autofree char *vintage = g_strdup_printf ("totals.%u.vintage", i);
      g_autofree char *issued = g_strdup_printf ("totals.%u.issued", i);

      if (kvota_test_reply_get_int (live_ledger, vintage) == 2019)
        live_issued = kvota_test_reply_get_int (live_ledger, issued);
    }

  g_assert_cmpint (live_issued, ==, 10 * (gint64) writer.cycles);
  g_assert_cmpint (backup_issued, >=, 10 * (gint64) cycles_at_backup);
  g_assert_cmpint (backup_issued, <=, 10 * (gint64) cycles_after_backup + 10);
  g_assert_cmpint (backup_issued, <, live_issued);
  g_assert_cmpint (backup_issued % 10, ==, 0);

  copy_audit = kvota_store_list_audit (copy, 0, G_MAXUINT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copy_audit->len, >, 0);
  while (compared < copy_audit->len)
    {
      g_autoptr(KvotaTestReply) page = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/audit?limit=1000&after=%" G_GINT64_FORMAT, after_id);
      guint n_entries;

      page = kvota_test_server_request (server, "GET", path, writer.admin, NULL, 0);
      kvota_test_assert_status (page, 200);
      g_assert_true (kvota_test_reply_get_boolean (page, "intact"));
      n_entries = kvota_test_reply_get_length (page, "entries");
      g_assert_cmpuint (n_entries, >, 0);

      for (guint i = 0; i < n_entries && compared < copy_audit->len; i++, compared++)
        {
          const KvotaAuditEntry *entry = g_ptr_array_index (copy_audit, compared);
          g_autofree char *id_path = g_strdup_printf ("entries.%u.id", i);
          g_autofree char *hash_path = g_strdup_printf ("entries.%u.hash", i);

          g_assert_cmpint (kvota_test_reply_get_int (page, id_path), ==, entry->id);
          g_assert_cmpstr (kvota_test_reply_get_string (page, hash_path), ==, entry->hash);
          after_id = entry->id;
        }
    }
  g_clear_object (&copy);

  /* A backup never overwrites a file, and a failed one leaves nothing. */
  before = read_file (backup_path);
  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"),
                           "backup", "--db", server->db_path, "--to", backup_path, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (err, !=, "");
  after = read_file (backup_path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  nowhere = g_build_filename (backup_dir, "no-such-dir", "copy.db", NULL);
  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"),
                           "backup", "--db", server->db_path, "--to", nowhere, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  assert_no_partial_files (backup_dir);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The server took all this in its stride. */
  kvota_test_server_assert_health (server);
  g_free (kvota_test_server_ledger (server, writer.admin));

  g_free (writer.failure);
  g_free (writer.base_url);
  g_free (writer.admin);
  g_free (writer.rep);
  g_free (writer.account_a);
  g_free (writer.account_b);
  g_mutex_clear (&writer.mutex);
  g_cond_clear (&writer.cond);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/backup/under-load", test_backup_under_load);

  return g_test_run ();
}
