/* test-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-demo"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "kvota-test-server.h"

/* `kvotactl demo` with the sample plans: the logins it prints, a registry
 * that `kvotactl verify` accepts, and the seed presentation's trading
 * figures, which `kvotactl report` and the server's report compute from
 * the ledger (2014: 1,252,950 quotas in 34 transactions; 2015: 1,983,922
 * in 40). A second run never writes over the registry. */

#define REPORT_HEADER "year,quotas_traded,transactions\n"
#define REPORT_2014   "2014,1252950,34\n"
#define REPORT_2015   "2015,1983922,40\n"
#define QUOTAS_2014   G_GINT64_CONSTANT (1252950)
#define QUOTAS_2015   G_GINT64_CONSTANT (1983922)

static const char * const demo_users[] = {
  "admin", "ministry", "pavlodar", "pavlodar-accounts", "dala", "zhasyl", "astana",
};

/* Runs kvotactl with the arguments; returns its exit status. */
#define run_kvotactl(out, err, ...) \
  kvota_test_run ((out), (err), kvota_test_program ("KVOTACTL"), __VA_ARGS__)

/* The login lines "  USERNAME  PASSWORD  ROLE  ORGANISATION" that
 * `kvotactl demo` prints: username → password. */
static GHashTable *
parse_logins (const char *out)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  regex = g_regex_new ("^  ([a-z][a-z0-9.-]*) +([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}) +\\S.*$",
                       G_REGEX_MULTILINE, 0, &error);
  g_assert_no_error (error);

  for (g_regex_match (regex, out, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      char *username = g_match_info_fetch (match, 1);

      g_assert_false (g_hash_table_contains (logins, username));
      g_hash_table_insert (logins, username, g_match_info_fetch (match, 2));
    }

  return logins;
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The names in DIR, sorted and joined: "a b c" */
static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (path, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_report_json (KvotaTestReply *reply,
                    guint           index,
                    int             year,
                    gint64          quotas,
                    gint64          transactions)
{
  g_autofree char *year_path = g_strdup_printf ("years.%u.year", index);
  g_autofree char *quotas_path = g_strdup_printf ("years.%u.quotas_traded", index);
  g_autofree char *transactions_path = g_strdup_printf ("years.%u.transactions", index);

  g_assert_cmpint (kvota_test_reply_get_int (reply, year_path), ==, year);
  g_assert_cmpint (kvota_test_reply_get_int (reply, quotas_path), ==, quotas);
  g_assert_cmpint (kvota_test_reply_get_int (reply, transactions_path), ==, transactions);
}

static void
test_demo (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new_empty ();
  g_autofree char *nap_2014 = kvota_test_source_file ("data", "nap-2014.xlsx", NULL);
  g_autofree char *nap_2015 = kvota_test_source_file ("data", "nap-2015.xlsx", NULL);
  g_autoptr(GHashTable) logins = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *admin = NULL;
  int status;

  /* The demo registry, from the sample plans. */
  status = run_kvotactl (&out, &err, "demo", "--db", server->db_path, "--nap", nap_2014, "--nap", nap_2015, NULL);
  if (status != 0)
    g_printerr ("kvotactl demo said:\n%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_test (server->db_path, G_FILE_TEST_IS_REGULAR));

  /* Every demo user's login, each with a password of three groups of
   * four; no two passwords alike. */
  logins = parse_logins (out);
  g_assert_cmpuint (g_hash_table_size (logins), ==, G_N_ELEMENTS (demo_users));
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      g_assert_true (g_hash_table_contains (logins, demo_users[i]));
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (g_hash_table_lookup (logins, demo_users[i]), !=, g_hash_table_lookup (logins, demo_users[j]));
    }
  g_assert_nonnull (strstr (out, "admin "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The ledger balances and the audit journal is unbroken. */
  kvota_test_server_verify (server);

  /* The seed presentation's table, to the tonne. */
  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, REPORT_HEADER REPORT_2014 REPORT_2015);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, "--format", "csv", "--year", "2014", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, REPORT_HEADER REPORT_2014);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, "--year", "2015", "--format", "json", NULL);
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *root;
    JsonArray *years;
    JsonObject *year;

    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpuint (json_object_get_size (root), ==, 1);
    years = json_object_get_array_member (root, "years");
    g_assert_cmpuint (json_array_get_length (years), ==, 1);
    year = json_array_get_object_element (years, 0);
    g_assert_cmpuint (json_object_get_size (year), ==, 7);
    g_assert_cmpint (json_object_get_int_member (year, "year"), ==, 2015);
    g_assert_cmpint (json_object_get_int_member (year, "quotas_traded"), ==, QUOTAS_2015);
    g_assert_cmpint (json_object_get_int_member (year, "transactions"), ==, 40);

    /* The details add up to the year: twelve months, the sellers' sectors
     * from the plan (the demo's sellers are power plants and oil and gas
     * companies), and the accounts that traded most, the two buyers first. */
    {
      JsonArray *months = json_object_get_array_member (year, "months");
      JsonArray *sectors = json_object_get_array_member (year, "sectors");
      JsonArray *top = json_object_get_array_member (year, "top_accounts");
      JsonObject *prices = json_object_get_object_member (year, "prices");
      gint64 quotas = 0;
      gint64 transactions = 0;
      gint64 sold = 0;
      gint64 bought = 0;

      g_assert_cmpuint (json_array_get_length (months), ==, 12);
      for (guint i = 0; i < 12; i++)
        {
          JsonObject *month = json_array_get_object_element (months, i);

          g_assert_cmpint (json_object_get_int_member (month, "month"), ==, i + 1);
          quotas += json_object_get_int_member (month, "quotas_traded");
          transactions += json_object_get_int_member (month, "transactions");
        }
      g_assert_cmpint (quotas, ==, QUOTAS_2015);
      g_assert_cmpint (transactions, ==, 40);

      g_assert_cmpuint (json_array_get_length (sectors), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sectors, 0), "sector"), ==,
                       "Электроэнергетика");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sectors, 1), "sector"), ==,
                       "Нефтегазовый сектор");
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sectors, 0), "quotas_traded") +
                       json_object_get_int_member (json_array_get_object_element (sectors, 1), "quotas_traded"),
                       ==, QUOTAS_2015);

      /* The demo prices its deals from 720 to 900 tenge a quota. */
      g_assert_cmpint (json_object_get_int_member (prices, "min_tiyn"), >=, 72000);
      g_assert_cmpint (json_object_get_int_member (prices, "max_tiyn"), <, 90000);
      g_assert_cmpint (json_object_get_int_member (prices, "min_tiyn"), <=,
                       json_object_get_int_member (prices, "average_tiyn"));
      g_assert_cmpint (json_object_get_int_member (prices, "average_tiyn"), <=,
                       json_object_get_int_member (prices, "max_tiyn"));
      g_assert_cmpint (json_object_get_int_member (prices, "priced_quotas"), ==, QUOTAS_2015);

      g_assert_cmpuint (json_array_get_length (top), >=, 2);
      g_assert_cmpuint (json_array_get_length (top), <=, 10);
      for (guint i = 0; i < json_array_get_length (top); i++)
        {
          JsonObject *account = json_array_get_object_element (top, i);

          sold += json_object_get_int_member (account, "sold");
          bought += json_object_get_int_member (account, "bought");
          if (i > 0)
            {
              JsonObject *above = json_array_get_object_element (top, i - 1);

              g_assert_cmpint (json_object_get_int_member (above, "sold") +
                               json_object_get_int_member (above, "bought"), >=,
                               json_object_get_int_member (account, "sold") +
                               json_object_get_int_member (account, "bought"));
            }
        }
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (top, 0), "bought"), >, 0);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (top, 1), "bought"), >, 0);
      g_assert_cmpint (bought, ==, QUOTAS_2015);
      g_assert_cmpint (sold, ==, QUOTAS_2015);
    }
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A year without trading: the header alone. */
  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, "--year", "2016", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, REPORT_HEADER);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors exit 2. */
  /* The other tables, one CSV each. */
  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, "--table", "sectors", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "year,sector,quotas_traded,transactions\n"
                            "2014,Электроэнергетика,869811,24\n"
                            "2014,Нефтегазовый сектор,383139,10\n"
                            "2015,Электроэнергетика,1342954,28\n"
                            "2015,Нефтегазовый сектор,640968,12\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, "--table", "months", "--year", "2014", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "year,month,quotas_traded,transactions,min_price_tiyn,max_price_tiyn,"
                                        "average_price_tiyn\n2014,1,"));
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

    /* The header, twelve months, and the empty text after the last line. */
    g_assert_cmpuint (g_strv_length (lines), ==, 14);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, "--table", "accounts", "--year", "2015",
                         NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "year,rank,account,name,sold,bought,transactions\n2015,1,KZ-"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_kvotactl (NULL, NULL, "report", "--db", server->db_path, "--table", "weeks", NULL), ==, 2);
  g_assert_cmpint (run_kvotactl (NULL, NULL, "report", "--db", server->db_path, "--format", "xml", NULL), ==, 2);
  g_assert_cmpint (run_kvotactl (NULL, NULL, "report", "--db", server->db_path, "--year", "1999", NULL), ==, 2);
  g_assert_cmpint (run_kvotactl (NULL, NULL, "report", NULL), ==, 2);

  /* The server on the demo registry: the administrator logs in with the
   * printed password, without two-factor login, and reads the same
   * figures from the ledger. */
  kvota_test_server_start (server, NULL);
  {
    g_autoptr(KvotaTestReply) login = kvota_test_server_login_as (server, "admin",
                                                                  g_hash_table_lookup (logins, "admin"));

    kvota_test_assert_status (login, 201);
    g_assert_false (kvota_test_reply_get_boolean (login, "two_factor_enrolment_required"));
    g_assert_cmpstr (kvota_test_reply_get_string (login, "user.role"), ==, "administrator");
    admin = g_strdup (kvota_test_reply_get_string (login, "token"));
  }
  {
    g_autoptr(KvotaTestReply) report = kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                                                  admin, NULL, 0);
    g_autoptr(KvotaTestReply) csv = kvota_test_server_request (server, "GET", "/api/v1/reports/trading?format=csv",
                                                               admin, NULL, 0);
    g_autoptr(KvotaTestReply) one = kvota_test_server_request (server, "GET", "/api/v1/reports/trading?year=2015",
                                                               admin, NULL, 0);
    const char *expected = REPORT_HEADER REPORT_2014 REPORT_2015;

    kvota_test_assert_status (report, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (report, "years"), ==, 2);
    assert_report_json (report, 0, 2014, QUOTAS_2014, 34);
    assert_report_json (report, 1, 2015, QUOTAS_2015, 40);

    kvota_test_assert_status (csv, 200);
    g_assert_cmpmem (g_bytes_get_data (csv->body, NULL), g_bytes_get_size (csv->body), expected, strlen (expected));

    kvota_test_assert_status (one, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (one, "years"), ==, 1);
    assert_report_json (one, 0, 2015, QUOTAS_2015, 40);
  }

  /* The Ministry reads the same. */
  {
    g_autoptr(KvotaTestReply) login = kvota_test_server_login_as (server, "ministry",
                                                                  g_hash_table_lookup (logins, "ministry"));
    g_autoptr(KvotaTestReply) report = NULL;

    kvota_test_assert_status (login, 201);
    report = kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                        kvota_test_reply_get_string (login, "token"), NULL, 0);
    kvota_test_assert_status (report, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (report, "years"), ==, 2);
    assert_report_json (report, 0, 2014, QUOTAS_2014, 34);
    assert_report_json (report, 1, 2015, QUOTAS_2015, 40);
  }

  /* The figures are the ledger's: 74 sales proposed by the broker and
   * confirmed by the administrator, moving exactly that many quotas of
   * each vintage, and one transfer still waiting for the administrator. */
  {
    g_autoptr(JsonArray) audit = kvota_test_server_audit (server, admin);
    g_autofree char *ledger = kvota_test_server_ledger (server, admin);
    gint64 quotas[2] = { 0, 0 };
    guint confirmed[2] = { 0, 0 };
    guint proposed = 0;

    for (guint i = 0; i < json_array_get_length (audit); i++)
      {
        JsonObject *entry = json_array_get_object_element (audit, i);
        const char *action = json_object_get_string_member (entry, "action");
        JsonObject *after;
        gint64 vintage;

        if (g_strcmp0 (action, "ledger.transfer.propose") == 0)
          proposed++;
        if (g_strcmp0 (action, "ledger.transfer.confirm") != 0)
          continue;

        after = json_object_get_object_member (entry, "after");
        g_assert_nonnull (after);
        g_assert_cmpstr (json_object_get_string_member (after, "state"), ==, "completed");
        vintage = json_object_get_int_member (after, "vintage");
        g_assert_true (vintage == 2014 || vintage == 2015);
        quotas[vintage - 2014] += json_object_get_int_member (after, "quantity");
        confirmed[vintage - 2014]++;
      }

    g_assert_cmpuint (confirmed[0], ==, 34);
    g_assert_cmpuint (confirmed[1], ==, 40);
    g_assert_cmpint (quotas[0], ==, QUOTAS_2014);
    g_assert_cmpint (quotas[1], ==, QUOTAS_2015);
    g_assert_cmpuint (proposed, ==, 34 + 40 + 1);
  }

  /* A second demo on the same path is refused, and leaves the registry
   * as it was. */
  kvota_test_server_stop (server);
  {
    g_autofree char *checksum = file_checksum (server->db_path);
    g_autofree char *listing = list_dir (server->dir);
    g_autofree char *checksum_after = NULL;
    g_autofree char *listing_after = NULL;
    GStatBuf before;
    GStatBuf after;

    g_assert_cmpint (g_stat (server->db_path, &before), ==, 0);
    status = run_kvotactl (&out, &err, "demo", "--db", server->db_path, "--nap", nap_2014, "--nap", nap_2015,
                           NULL);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "already exists"));
    g_assert_null (strstr (out, "admin"));
    g_assert_cmpint (g_stat (server->db_path, &after), ==, 0);

    checksum_after = file_checksum (server->db_path);
    listing_after = list_dir (server->dir);
    g_assert_cmpstr (checksum_after, ==, checksum);
    g_assert_cmpstr (listing_after, ==, listing);
    g_assert_cmpint (after.st_size, ==, before.st_size);
    g_assert_cmpint (after.st_mtime, ==, before.st_mtime);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* And it still opens, with the same figures. */
  status = run_kvotactl (&out, &err, "report", "--db", server->db_path, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, REPORT_HEADER REPORT_2014 REPORT_2015);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/demo/build-report-serve", test_demo);

  return g_test_run ();
}
