/* test-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-history"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* Reading the past over HTTP: the history of transactions page by page
 * with its filters and who sees what, an account's statement as CSV, and
 * the life of one unit. */

#define VINTAGE 2021
#define N_TRANSFERS 12
#define TRANSFER_QUANTITY 10
#define SALE_QUANTITY 20
#define SALE_PRICE 150000

/* A one-page PDF, as a broker attaches an exchange confirmation. */
static const char confirmation_pdf[] =
  "%PDF-1.4\n"
  "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
  "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
  "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
  "trailer << /Root 1 0 R >>\n"
  "%%EOF\n";

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *ministry;
  char            *rep_a;
  char            *acct_a;
  char            *rep_b;
  char            *rep_nature;
  char            *rep_broker;
  char            *rep_trader;
  char            *today;
  gint64           issuance_a;
  gint64           transfers[N_TRANSFERS];   /* even ones confirmed, odd ones rejected */
  gint64           sale;
  guint            n_transactions;
} Fixture;

static gint64
issue (Fixture    *f,
       const char *account,
       const char *unit_type,
       gint64      quantity)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_requestf (f->server, "POST", "/api/v1/issuances", f->admin,
                                      "{\"account\": \"%s\", \"unit_type\": \"%s\", \"vintage\": %d, "
                                      "\"quantity\": %" G_GINT64_FORMAT "}",
                                      account, unit_type, VINTAGE, quantity);
  kvota_test_assert_status (reply, 201);
  f->n_transactions++;
  return kvota_test_reply_get_int (reply, "transaction.id");
}

static void
decide (Fixture    *f,
        gint64      id,
        const char *action,
        const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/%s", id, action);
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "POST", path, f->admin, body, -1);

  kvota_test_assert_status (reply, 200);
}

/* Account A gets quotas, B offsets, the nature user quotas; A proposes
 * transfers to B, half of them confirmed; the nature user's broker sells
 * to A. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *pdf = NULL;

  f->server = kvota_test_server_new ();
  kvota_test_server_start (f->server, NULL);

  f->admin = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN);
  f->ministry = kvota_test_server_login (f->server, KVOTA_TEST_MINISTRY);
  f->rep_a = kvota_test_server_login (f->server, KVOTA_TEST_REP_A);
  f->acct_a = kvota_test_server_login (f->server, KVOTA_TEST_ACCT_A);
  f->rep_b = kvota_test_server_login (f->server, KVOTA_TEST_REP_B);
  f->rep_nature = kvota_test_server_login (f->server, KVOTA_TEST_REP_NATURE);
  f->rep_broker = kvota_test_server_login (f->server, KVOTA_TEST_REP_BROKER);
  f->rep_trader = kvota_test_server_login (f->server, KVOTA_TEST_REP_TRADER);
  f->today = g_date_time_format (now, "%Y-%m-%d");

  /* Quotas 1..1000 to A, offsets 1..50 to B, quotas 1001..1100 to the nature user. */
  f->issuance_a = issue (f, f->server->account_a, "quota", 1000);
  issue (f, f->server->account_b, "offset", 50);
  issue (f, f->server->account_nature, "quota", 100);

  for (guint i = 0; i < N_TRANSFERS; i++)
    {
      g_autoptr(KvotaTestReply) reply = NULL;

      reply = kvota_test_server_requestf (f->server, "POST", "/api/v1/transfers", f->rep_a,
                                          "{\"from_account\": \"%s\", \"to_account\": \"%s\", "
                                          "\"unit_type\": \"quota\", \"vintage\": %d, \"quantity\": %d, "
                                          KVOTA_TEST_DEAL_DOCUMENTS "}",
                                          f->server->account_a, f->server->account_b, VINTAGE,
                                          TRANSFER_QUANTITY);
      kvota_test_assert_status (reply, 201);
      f->transfers[i] = kvota_test_reply_get_int (reply, "transaction.id");
      f->n_transactions++;

      if (i % 2 == 0)
        decide (f, f->transfers[i], "confirm", NULL);
      else
        decide (f, f->transfers[i], "reject", "{\"reason\": \"Not today\"}");
    }

  {
    g_autoptr(KvotaTestReply) mandate = NULL;
    g_autoptr(KvotaTestReply) order = NULL;
    g_autoptr(KvotaTestReply) sale = NULL;
    g_autofree char *path = NULL;

    mandate = kvota_test_server_requestf (f->server, "POST", "/api/v1/mandates", f->rep_nature,
                                          "{\"intermediary_id\": %" G_GINT64_FORMAT "}",
                                          f->server->organisation_broker);
    kvota_test_assert_status (mandate, 201);
    order = kvota_test_server_requestf (f->server, "POST", "/api/v1/sale-orders", f->rep_nature,
                                        "{\"unit_type\": \"quota\", \"vintage\": %d, \"quantity\": %d}",
                                        VINTAGE, SALE_QUANTITY);
    kvota_test_assert_status (order, 201);

    pdf = g_base64_encode ((const guchar *) confirmation_pdf, strlen (confirmation_pdf));
    path = g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/transfers",
                            kvota_test_reply_get_int (order, "sale_order.id"));
    sale = kvota_test_server_requestf (f->server, "POST", path, f->rep_broker,
                                       "{\"to_account\": \"%s\", \"quantity\": %d, \"price_tiyn\": %d, "
                                       "\"deal_date\": \"%s\", \"reference\": \"KASE, lot \\\"7\\\"\", "
                                       "\"documents\": [{\"name\": \"deal.pdf\", \"data\": \"%s\"}]}",
                                       f->server->account_a, SALE_QUANTITY, SALE_PRICE, f->today, pdf);
    kvota_test_assert_status (sale, 201);
    f->sale = kvota_test_reply_get_int (sale, "transaction.id");
    f->n_transactions++;
    decide (f, f->sale, "confirm", NULL);
  }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  user_data)
{
  g_free (f->admin);
  g_free (f->ministry);
  g_free (f->rep_a);
  g_free (f->acct_a);
  g_free (f->rep_b);
  g_free (f->rep_nature);
  g_free (f->rep_broker);
  g_free (f->rep_trader);
  g_free (f->today);
  g_clear_pointer (&f->server, kvota_test_server_free);
}

static JsonArray *
get_array (KvotaTestReply *reply,
           const char     *path)
{
  JsonNode *node = kvota_test_reply_lookup (reply, path);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

/* GET /api/v1/transactions?QUERY as TOKEN, following `next` through every
 * page: the ids, newest first, each once. */
static GArray *
list_all (Fixture    *f,
          const char *token,
          const char *query)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 after = 0;

  for (guint pages = 0; ; pages++)
    {
      g_autoptr(KvotaTestReply) reply = NULL;
      g_autofree char *path = NULL;
      JsonArray *transactions;
      JsonNode *next;

      g_assert_cmpuint (pages, <, 100);
      path = g_strdup_printf ("/api/v1/transactions?after=%" G_GINT64_FORMAT "%s%s", after,
                              query[0] != '\0' ? "&" : "", query);
      reply = kvota_test_server_request (f->server, "GET", path, token, NULL, 0);
      kvota_test_assert_status (reply, 200);

      transactions = get_array (reply, "transactions");
      for (guint i = 0; i < json_array_get_length (transactions); i++)
        {
          JsonObject *transaction = json_array_get_object_element (transactions, i);
          gint64 id = json_object_get_int_member (transaction, "id");

          /* Newest first, each once. */
          if (ids->len > 0)
            g_assert_cmpint (id, <, g_array_index (ids, gint64, ids->len - 1));
          g_array_append_val (ids, id);
        }

      next = kvota_test_reply_lookup (reply, "next");
      g_assert_nonnull (next);
      if (JSON_NODE_HOLDS_NULL (next))
        break;

      after = json_node_get_int (next);
      g_assert_cmpint (after, ==, g_array_index (ids, gint64, ids->len - 1));
    }

  return ids;
}

static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    {
      if (g_array_index (ids, gint64, i) == id)
        return TRUE;
    }

  return FALSE;
}

/* How many transactions the administrator gets for QUERY, on one page;
 * each has MEMBER equal to VALUE when MEMBER is not NULL. */
static guint
count_where (Fixture    *f,
             const char *query,
             const char *member,
             const char *value)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions?limit=500&%s", query);
  JsonArray *transactions;

  reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (reply, "next")));

  transactions = get_array (reply, "transactions");
  for (guint i = 0; member != NULL && i < json_array_get_length (transactions); i++)
    {
      JsonObject *transaction = json_array_get_object_element (transactions, i);

      g_assert_cmpstr (json_object_get_string_member (transaction, member), ==, value);
    }

  return json_array_get_length (transactions);
}

static void
test_history_pages (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) paged = NULL;
  g_autoptr(GArray) ministry = NULL;

  /* One page holds everything... */
  all = list_all (f, f->admin, "limit=500");
  g_assert_cmpuint (all->len, ==, f->n_transactions);

  /* ...and pages of 4 hold the same, in the same order. */
  paged = list_all (f, f->admin, "limit=4");
  g_assert_cmpuint (paged->len, ==, all->len);
  g_assert_cmpmem (paged->data, paged->len * sizeof (gint64), all->data, all->len * sizeof (gint64));

  /* The default page is 100. */
  {
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", "/api/v1/transactions",
                                                                 f->admin, NULL, 0);

    kvota_test_assert_status (reply, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (reply, "transactions"), ==, f->n_transactions);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transactions.0.id"), ==, f->sale);
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (reply, "next")));
  }

  /* The Ministry sees everything too. */
  ministry = list_all (f, f->ministry, "limit=7");
  g_assert_cmpmem (ministry->data, ministry->len * sizeof (gint64), all->data, all->len * sizeof (gint64));
}

static void
test_history_filters (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autofree char *account_b = g_strdup_printf ("account=%s", f->server->account_b);
  g_autofree char *today = g_strdup_printf ("from=%s&to=%s", f->today, f->today);
  static const struct
  {
    const char *query;
    const char *field;
  } bad[] = {
    { "limit=0", "limit" },
    { "limit=501", "limit" },
    { "after=-1", "after" },
    { "after=x", "after" },
    { "kind=gift", "kind" },
    { "state=done", "state" },
    { "unit_type=coin", "unit_type" },
    { "from=2026-02-30", "from" },
    { "to=26-01-01", "to" },
    { "min_quantity=0", "min_quantity" },
    { "max_quantity=1.5", "max_quantity" },
  };

  g_assert_cmpuint (count_where (f, "kind=issuance", "kind", "issuance"), ==, 3);
  g_assert_cmpuint (count_where (f, "kind=transfer", "kind", "transfer"), ==, N_TRANSFERS + 1);
  g_assert_cmpuint (count_where (f, "state=rejected", "state", "rejected"), ==, N_TRANSFERS / 2);
  g_assert_cmpuint (count_where (f, "kind=transfer&state=completed", "state", "completed"), ==,
                    N_TRANSFERS / 2 + 1);
  g_assert_cmpuint (count_where (f, "unit_type=offset", "unit_type", "offset"), ==, 1);
  g_assert_cmpuint (count_where (f, "unit_type=quota", "unit_type", "quota"), ==, f->n_transactions - 1);
  /* B's offsets and every transfer proposed to it. */
  g_assert_cmpuint (count_where (f, account_b, NULL, NULL), ==, 1 + N_TRANSFERS);
  g_assert_cmpuint (count_where (f, today, NULL, NULL), ==, f->n_transactions);
  g_assert_cmpuint (count_where (f, "to=2020-12-31", NULL, NULL), ==, 0);
  g_assert_cmpuint (count_where (f, "from=2099-01-01", NULL, NULL), ==, 0);
  g_assert_cmpuint (count_where (f, "min_quantity=50&max_quantity=100", "kind", "issuance"), ==, 2);
  g_assert_cmpuint (count_where (f, "min_quantity=1000", "kind", "issuance"), ==, 1);
  g_assert_cmpuint (count_where (f, "max_quantity=10", "kind", "transfer"), ==, N_TRANSFERS);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/transactions?%s", bad[i].query);
      g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

      g_test_message ("%s", bad[i].query);
      kvota_test_assert_error (reply, 400, "invalid-value");
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "error.field"), ==, bad[i].field);
    }

  {
    g_autoptr(KvotaTestReply) unknown = NULL;
    g_autoptr(KvotaTestReply) missing = NULL;

    unknown = kvota_test_server_request (f->server, "GET", "/api/v1/transactions?colour=red", f->admin, NULL, 0);
    kvota_test_assert_error (unknown, 400, "unknown-field");
    missing = kvota_test_server_request (f->server, "GET", "/api/v1/transactions?account=KZ-100-999999",
                                         f->admin, NULL, 0);
    kvota_test_assert_error (missing, 404, "not-found");
  }
}

static void
test_history_visibility (Fixture       *f,
                         gconstpointer  user_data)
{
  g_autoptr(GArray) own = NULL;
  g_autoptr(GArray) own_acct = NULL;
  g_autoptr(GArray) filtered = NULL;
  g_autoptr(GArray) nature = NULL;
  g_autoptr(GArray) broker = NULL;
  g_autoptr(GArray) trader = NULL;
  g_autofree char *own_filter = g_strdup_printf ("limit=3&account=%s", f->server->account_a);
  g_autofree char *path = NULL;

  /* A: its issuance, every transfer it proposed, and the sale it bought. */
  own = list_all (f, f->rep_a, "limit=5");
  g_assert_cmpuint (own->len, ==, 1 + N_TRANSFERS + 1);
  g_assert_true (contains (own, f->issuance_a));
  g_assert_true (contains (own, f->sale));
  for (guint i = 0; i < N_TRANSFERS; i++)
    g_assert_true (contains (own, f->transfers[i]));
  own_acct = list_all (f, f->acct_a, "");
  g_assert_cmpmem (own_acct->data, own_acct->len * sizeof (gint64), own->data, own->len * sizeof (gint64));
  filtered = list_all (f, f->rep_a, own_filter);
  g_assert_cmpmem (filtered->data, filtered->len * sizeof (gint64), own->data, own->len * sizeof (gint64));

  /* Another account is not there for A. */
  path = g_strdup_printf ("/api/v1/transactions?account=%s", f->server->account_b);
  {
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->rep_a, NULL, 0);

    kvota_test_assert_error (reply, 404, "not-found");
  }

  /* The nature user: its issuance and the sale. */
  nature = list_all (f, f->rep_nature, "");
  g_assert_cmpuint (nature->len, ==, 2);
  g_assert_cmpint (g_array_index (nature, gint64, 0), ==, f->sale);

  /* The broker proposed the sale; the trader nothing. */
  broker = list_all (f, f->rep_broker, "");
  g_assert_cmpuint (broker->len, ==, 1);
  g_assert_cmpint (g_array_index (broker, gint64, 0), ==, f->sale);
  trader = list_all (f, f->rep_trader, "");
  g_assert_cmpuint (trader->len, ==, 0);
}

static char *
get_statement (Fixture    *f,
               const char *token,
               const char *account,
               const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s/statement%s", account, query);
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, token, NULL, 0);

  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "text/csv");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Content-Type"), ==,
                   "text/csv; charset=utf-8");
  return g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
}

#define STATEMENT_HEADER "id,date,kind,counterparty,unit_type,vintage,quantity_in,quantity_out,price_tiyn,reference\n"

static void
test_history_statement (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autofree char *statement_b = get_statement (f, f->rep_b, f->server->account_b, "");
  g_autofree char *statement_a = get_statement (f, f->admin, f->server->account_a, "");
  g_autofree char *year = g_strndup (f->today, 4);
  g_autofree char *this_year = g_strdup_printf ("?year=%s", year);
  g_autofree char *statement_b_year = get_statement (f, f->ministry, f->server->account_b, this_year);
  g_autofree char *statement_b_2000 = get_statement (f, f->admin, f->server->account_b, "?year=2000");
  GString *expected = g_string_new (STATEMENT_HEADER);
  g_autofree char *expected_b = NULL;
  g_autofree char *last_a = NULL;

  /* B: its offsets, then the confirmed transfers from A; never the
   * rejected ones. */
  g_string_append_printf (expected, "%" G_GINT64_FORMAT ",%s,issuance,,offset,%d,50,,,\n",
                          f->issuance_a + 1, f->today, VINTAGE);
  for (guint i = 0; i < N_TRANSFERS; i += 2)
    g_string_append_printf (expected, "%" G_GINT64_FORMAT ",%s,transfer,%s,quota,%d,%d,,,\n",
                            f->transfers[i], f->today, f->server->account_a, VINTAGE, TRANSFER_QUANTITY);
  expected_b = g_string_free (expected, FALSE);
  g_assert_cmpstr (statement_b, ==, expected_b);
  g_assert_cmpstr (statement_b_year, ==, expected_b);
  g_assert_cmpstr (statement_b_2000, ==, STATEMENT_HEADER);

  /* A: the issuance, the transfers out, and the sale in with its price
   * and its reference quoted. */
  g_assert_true (g_str_has_prefix (statement_a, STATEMENT_HEADER));
  last_a = g_strdup_printf ("%" G_GINT64_FORMAT ",%s,transfer,%s,quota,%d,%d,,%d,\"KASE, lot \"\"7\"\"\"\n",
                            f->sale, f->today, f->server->account_nature, VINTAGE, SALE_QUANTITY, SALE_PRICE);
  g_assert_true (g_str_has_suffix (statement_a, last_a));
  {
    g_autofree char *first_out = g_strdup_printf ("\n%" G_GINT64_FORMAT ",%s,transfer,%s,quota,%d,,%d,,\n",
                                                  f->transfers[0], f->today, f->server->account_b, VINTAGE,
                                                  TRANSFER_QUANTITY);

    g_assert_nonnull (strstr (statement_a, first_out));
  }

  /* Others' accounts are missing for holders; bad queries are refused. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s/statement", f->server->account_b);
    g_autoptr(KvotaTestReply) foreign = kvota_test_server_request (f->server, "GET", path, f->rep_a, NULL, 0);
    g_autoptr(KvotaTestReply) missing = NULL;
    g_autoptr(KvotaTestReply) bad_year = NULL;
    g_autoptr(KvotaTestReply) unknown = NULL;
    g_autofree char *year_path = g_strconcat (path, "?year=last", NULL);
    g_autofree char *unknown_path = g_strconcat (path, "?month=1", NULL);

    kvota_test_assert_error (foreign, 404, "not-found");
    missing = kvota_test_server_request (f->server, "GET", "/api/v1/accounts/KZ-100-999999/statement",
                                         f->admin, NULL, 0);
    kvota_test_assert_error (missing, 404, "not-found");
    bad_year = kvota_test_server_request (f->server, "GET", year_path, f->admin, NULL, 0);
    kvota_test_assert_error (bad_year, 400, "invalid-value");
    unknown = kvota_test_server_request (f->server, "GET", unknown_path, f->admin, NULL, 0);
    kvota_test_assert_error (unknown, 400, "unknown-field");
  }
}

static void
test_history_unit (Fixture       *f,
                   gconstpointer  user_data)
{
  /* Serial 1 went to B with the first, confirmed, transfer. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/units/quota/%d/1", VINTAGE);
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

    kvota_test_assert_status (reply, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "unit_type"), ==, "quota");
    g_assert_cmpint (kvota_test_reply_get_int (reply, "vintage"), ==, VINTAGE);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "serial"), ==, 1);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "holder"), ==, f->server->account_b);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "state"), ==, "available");
    g_assert_cmpuint (kvota_test_reply_get_length (reply, "transactions"), ==, 2);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transactions.0.id"), ==, f->issuance_a);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transactions.0.kind"), ==, "issuance");
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transactions.1.id"), ==, f->transfers[0]);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transactions.1.state"), ==, "completed");
    /* The transfer's contract goes with it; an issuance by hand names no plan. */
    g_assert_cmpuint (kvota_test_reply_get_length (reply, "transactions.1.documents"), ==, 1);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transactions.1.documents.0.name"), ==, "contract.pdf");
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (reply, "transactions.0.nap_id")));
    g_assert_cmpuint (kvota_test_reply_get_length (reply, "naps"), ==, 0);
  }

  /* Serial 11 was in a rejected proposal before a confirmed one. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/units/quota/%d/11", VINTAGE);
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->ministry, NULL, 0);

    kvota_test_assert_status (reply, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (reply, "transactions"), ==, 3);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transactions.0.id"), ==, f->issuance_a);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transactions.1.id"), ==, f->transfers[1]);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transactions.1.state"), ==, "rejected");
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transactions.2.id"), ==, f->transfers[2]);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "holder"), ==, f->server->account_b);
  }

  /* A serial A still holds was only issued. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/units/quota/%d/1000", VINTAGE);
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

    kvota_test_assert_status (reply, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (reply, "transactions"), ==, 1);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "holder"), ==, f->server->account_a);
  }

  /* Units never issued, and units that cannot exist. */
  {
    static const char * const missing[] = {
      "/api/v1/units/quota/2021/1101",
      "/api/v1/units/quota/2021/0",
      "/api/v1/units/offset/2021/51",
      "/api/v1/units/quota/2022/1",
      "/api/v1/units/coin/2021/1",
      "/api/v1/units/quota/twenty/1",
    };

    for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
      {
        g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", missing[i], f->admin,
                                                                     NULL, 0);

        g_test_message ("%s", missing[i]);
        kvota_test_assert_error (reply, 404, "not-found");
      }
  }

  /* Holders do not follow units. */
  {
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", "/api/v1/units/quota/2021/1",
                                                                 f->rep_a, NULL, 0);

    kvota_test_assert_error (reply, 403, "forbidden");
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/history/pages", Fixture, NULL,
              fixture_set_up, test_history_pages, fixture_tear_down);
  g_test_add ("/server/history/filters", Fixture, NULL,
              fixture_set_up, test_history_filters, fixture_tear_down);
  g_test_add ("/server/history/visibility", Fixture, NULL,
              fixture_set_up, test_history_visibility, fixture_tear_down);
  g_test_add ("/server/history/statement", Fixture, NULL,
              fixture_set_up, test_history_statement, fixture_tear_down);
  g_test_add ("/server/history/unit", Fixture, NULL,
              fixture_set_up, test_history_unit, fixture_tear_down);

  return g_test_run ();
}
