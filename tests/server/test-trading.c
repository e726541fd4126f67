/* test-trading.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-trading"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* Trading through intermediaries over HTTP: the nature user's mandate,
 * sale orders that reserve its quotas, the intermediary's proposed sales
 * with their confirming documents, the administrator's decision, the
 * seller's withdrawal, and the trading report. Every refusal is checked
 * to change nothing (holdings, sale orders, the ledger's totals, the
 * report and the audit journal), the ledger balances after every step,
 * and `kvotactl verify` accepts the registry the server leaves behind. */

#define VINTAGE 2014
#define ISSUED  100000

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *ministry;
  char            *rep_nature;
  char            *acct_nature;
  char            *rep_broker;
  char            *acct_broker;
  char            *rep_trader;
  char            *rep_a;
  char            *acct_a;
  char            *pdf_base64;
  char            *documents;   /* [{"name", "data"}] with the PDF */
} Fixture;

/* Everything a refused request must leave as it was. */
typedef struct
{
  char  *holdings;      /* GET /api/v1/accounts/… of the three accounts */
  char  *orders;        /* GET /api/v1/sale-orders as the administrator */
  char  *ledger;        /* GET /api/v1/ledger, which balances */
  char  *report;        /* GET /api/v1/reports/trading */
  guint  audit;
} Snapshot;

/* A one-page PDF, as a broker attaches an exchange confirmation. */
static const char confirmation_pdf[] =
  "%PDF-1.4\n"
  "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
  "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
  "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
  "trailer << /Root 1 0 R >>\n"
  "%%EOF\n";

static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  g_autoptr(KvotaTestReply) issued = NULL;

  f->server = kvota_test_server_new ();
  kvota_test_server_start (f->server, NULL);

  f->admin = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN);
  f->ministry = kvota_test_server_login (f->server, KVOTA_TEST_MINISTRY);
  f->rep_nature = kvota_test_server_login (f->server, KVOTA_TEST_REP_NATURE);
  f->acct_nature = kvota_test_server_login (f->server, KVOTA_TEST_ACCT_NATURE);
  f->rep_broker = kvota_test_server_login (f->server, KVOTA_TEST_REP_BROKER);
  f->acct_broker = kvota_test_server_login (f->server, KVOTA_TEST_ACCT_BROKER);
  f->rep_trader = kvota_test_server_login (f->server, KVOTA_TEST_REP_TRADER);
  f->rep_a = kvota_test_server_login (f->server, KVOTA_TEST_REP_A);
  f->acct_a = kvota_test_server_login (f->server, KVOTA_TEST_ACCT_A);

  f->pdf_base64 = g_base64_encode ((const guchar *) confirmation_pdf, strlen (confirmation_pdf));
  f->documents = g_strdup_printf ("[{\"name\": \"KASE confirmation.pdf\", \"data\": \"%s\"}]", f->pdf_base64);

  /* The nature user's quotas: issued by the administrator, as the plan
   * would (test-nap covers the plan). */
  issued = kvota_test_server_requestf (f->server, "POST", "/api/v1/issuances", f->admin,
                                       "{\"account\": \"%s\", \"unit_type\": \"quota\", \"vintage\": %d, "
                                       "\"quantity\": %d}", f->server->account_nature, VINTAGE, ISSUED);
  kvota_test_assert_status (issued, 201);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  user_data)
{
  g_free (f->admin);
  g_free (f->ministry);
  g_free (f->rep_nature);
  g_free (f->acct_nature);
  g_free (f->rep_broker);
  g_free (f->acct_broker);
  g_free (f->rep_trader);
  g_free (f->rep_a);
  g_free (f->acct_a);
  g_free (f->pdf_base64);
  g_free (f->documents);
  g_clear_pointer (&f->server, kvota_test_server_free);
}

/* Requests */

static char *
get_body (Fixture    *f,
          const char *token,
          const char *path)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, token, NULL, 0);

  kvota_test_assert_status (reply, 200);
  return g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
}

static KvotaTestReply *
choose (Fixture    *f,
        const char *token,
        gint64      intermediary_id)
{
  return kvota_test_server_requestf (f->server, "POST", "/api/v1/mandates", token,
                                     "{\"intermediary_id\": %" G_GINT64_FORMAT "}", intermediary_id);
}

/* Signs QUANTITY of the vintage for sale; MIN_PRICE < 0 for none. */
static KvotaTestReply *
sign (Fixture    *f,
      const char *token,
      const char *unit_type,
      int         vintage,
      gint64      quantity,
      gint64      min_price)
{
  g_autofree char *min = min_price >= 0 ?
    g_strdup_printf (", \"min_price_tiyn\": %" G_GINT64_FORMAT, min_price) : g_strdup ("");

  return kvota_test_server_requestf (f->server, "POST", "/api/v1/sale-orders", token,
                                     "{\"unit_type\": \"%s\", \"vintage\": %d, "
                                     "\"quantity\": %" G_GINT64_FORMAT "%s}",
                                     unit_type, vintage, quantity, min);
}

/* Signs and returns the new order's id. */
static gint64
sign_ok (Fixture *f,
         gint64   quantity,
         gint64   min_price)
{
  g_autoptr(KvotaTestReply) reply = sign (f, f->rep_nature, "quota", VINTAGE, quantity, min_price);

  kvota_test_assert_status (reply, 201);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "sale_order.quantity"), ==, quantity);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "sale_order.reserved"), ==, quantity);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "sale_order.pending"), ==, 0);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "sale_order.state"), ==, "open");
  return kvota_test_reply_get_int (reply, "sale_order.id");
}

static KvotaTestReply *
propose_body (Fixture    *f,
              const char *token,
              gint64      order,
              const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/transfers", order);

  return kvota_test_server_request (f->server, "POST", path, token, body, -1);
}

/* The intermediary's sale from ORDER; DOCUMENTS NULL for the PDF. */
static KvotaTestReply *
propose (Fixture    *f,
         const char *token,
         gint64      order,
         const char *to_account,
         gint64      quantity,
         gint64      price,
         const char *deal_date,
         const char *documents)
{
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"to_account\": \"%s\", \"quantity\": %" G_GINT64_FORMAT ", "
                          "\"price_tiyn\": %" G_GINT64_FORMAT ", \"deal_date\": \"%s\", "
                          "\"reference\": \"KASE 2014/%" G_GINT64_FORMAT "\", \"documents\": %s}",
                          to_account, quantity, price, deal_date, order,
                          documents != NULL ? documents : f->documents);
  return propose_body (f, token, order, body);
}

/* Proposes a sale that must be accepted, and returns its transaction id. */
static gint64
propose_ok (Fixture    *f,
            const char *token,
            gint64      order,
            const char *to_account,
            gint64      quantity,
            gint64      price,
            const char *deal_date)
{
  g_autoptr(KvotaTestReply) reply = propose (f, token, order, to_account, quantity, price, deal_date, NULL);

  kvota_test_assert_status (reply, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.kind"), ==, "transfer");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "proposed");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.unit_type"), ==, "quota");
  g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.vintage"), ==, VINTAGE);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.quantity"), ==, quantity);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.from_account"), ==,
                   f->server->account_nature);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.to_account"), ==, to_account);
  return kvota_test_reply_get_int (reply, "transaction.id");
}

static KvotaTestReply *
decide (Fixture    *f,
        const char *token,
        gint64      id,
        const char *action,
        const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/%s", id, action);

  return kvota_test_server_request (f->server, "POST", path, token, body, -1);
}

static void
decide_ok (Fixture    *f,
           gint64      id,
           const char *action,
           const char *body,
           const char *state)
{
  g_autoptr(KvotaTestReply) reply = decide (f, f->admin, id, action, body);

  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, state);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.decided_by"), ==, "admin");
}

static KvotaTestReply *
withdraw (Fixture    *f,
          const char *token,
          gint64      order,
          const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/withdraw", order);

  return kvota_test_server_request (f->server, "POST", path, token, body, -1);
}

/* State */

static KvotaHolding
get_holding (Fixture    *f,
             const char *token,
             const char *account)
{
  KvotaHolding holding;

  kvota_test_server_get_holding (f->server, token, account, "quota", VINTAGE, &holding);
  g_assert_cmpint (holding.surrendered, ==, 0);
  g_assert_cmpint (holding.cancelled, ==, 0);
  return holding;
}

/* The account's quotas of VINTAGE, as the administrator sees them. */
#define assert_holding(f, account, available_, reserved_, pending_)               \
  G_STMT_START {                                                                  \
    KvotaHolding h_ = get_holding ((f), (f)->admin, (account));                   \
    g_assert_cmpint (h_.available, ==, (available_));                             \
    g_assert_cmpint (h_.reserved, ==, (reserved_));                               \
    g_assert_cmpint (h_.pending, ==, (pending_));                                 \
  } G_STMT_END

/* The ids of the sale orders TOKEN sees, in order: "3,1," */
static char *
list_orders (Fixture    *f,
             const char *token)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  GString *ids = g_string_new (NULL);
  guint n;

  reply = kvota_test_server_request (f->server, "GET", "/api/v1/sale-orders", token, NULL, 0);
  kvota_test_assert_status (reply, 200);
  n = kvota_test_reply_get_length (reply, "sale_orders");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("sale_orders.%u.id", i);

      g_string_append_printf (ids, "%" G_GINT64_FORMAT ",", kvota_test_reply_get_int (reply, path));
    }

  return g_string_free (ids, FALSE);
}

/* Order ID as TOKEN sees it in GET /api/v1/sale-orders; it must be there. */
static JsonObject *
get_order (Fixture    *f,
           const char *token,
           gint64      id)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  JsonArray *orders;

  reply = kvota_test_server_request (f->server, "GET", "/api/v1/sale-orders", token, NULL, 0);
  kvota_test_assert_status (reply, 200);
  orders = json_node_get_array (kvota_test_reply_lookup (reply, "sale_orders"));
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);

      if (json_object_get_int_member (order, "id") == id)
        return json_object_ref (order);
    }

  g_error ("Sale order %" G_GINT64_FORMAT " is not in the list", id);
}

#define assert_order(f, id, quantity_, reserved_, pending_, state_)                    \
  G_STMT_START {                                                                        \
    g_autoptr(JsonObject) o_ = get_order ((f), (f)->admin, (id));                       \
    g_assert_cmpint (json_object_get_int_member (o_, "quantity"), ==, (quantity_));     \
    g_assert_cmpint (json_object_get_int_member (o_, "reserved"), ==, (reserved_));     \
    g_assert_cmpint (json_object_get_int_member (o_, "pending"), ==, (pending_));       \
    g_assert_cmpstr (json_object_get_string_member (o_, "state"), ==, (state_));        \
  } G_STMT_END

static Snapshot
take_snapshot (Fixture *f)
{
  KvotaTestServer *server = f->server;
  g_autofree char *nature = g_strdup_printf ("/api/v1/accounts/%s", server->account_nature);
  g_autofree char *a = g_strdup_printf ("/api/v1/accounts/%s", server->account_a);
  g_autofree char *b = g_strdup_printf ("/api/v1/accounts/%s", server->account_b);
  g_autofree char *nature_body = get_body (f, f->admin, nature);
  g_autofree char *a_body = get_body (f, f->admin, a);
  g_autofree char *b_body = get_body (f, f->admin, b);
  Snapshot snapshot;

  snapshot.holdings = g_strjoin ("\n", nature_body, a_body, b_body, NULL);
  snapshot.orders = get_body (f, f->admin, "/api/v1/sale-orders");
  snapshot.ledger = kvota_test_server_ledger (server, f->admin);
  snapshot.report = get_body (f, f->admin, "/api/v1/reports/trading");
  snapshot.audit = kvota_test_server_count_audit (server, f->admin);

  return snapshot;
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->holdings, g_free);
  g_clear_pointer (&snapshot->orders, g_free);
  g_clear_pointer (&snapshot->ledger, g_free);
  g_clear_pointer (&snapshot->report, g_free);
}

static void
compare_snapshot (Fixture        *f,
                  const Snapshot *before,
                  int             line,
                  const char     *func)
{
  Snapshot after = take_snapshot (f);
  const char *what = NULL;
  const char *was = NULL;
  const char *is = NULL;

  if (g_strcmp0 (before->holdings, after.holdings) != 0)
    what = "the holdings", was = before->holdings, is = after.holdings;
  else if (g_strcmp0 (before->orders, after.orders) != 0)
    what = "the sale orders", was = before->orders, is = after.orders;
  else if (g_strcmp0 (before->ledger, after.ledger) != 0)
    what = "the ledger", was = before->ledger, is = after.ledger;
  else if (g_strcmp0 (before->report, after.report) != 0)
    what = "the trading report", was = before->report, is = after.report;
  else if (before->audit != after.audit)
    what = "the audit journal", was = "", is = "";

  if (what != NULL)
    {
      g_autofree char *message = g_strdup_printf ("a refusal changed %s (audit %u → %u):\nbefore: %s\nafter:  %s",
                                                  what, before->audit, after.audit, was, is);

      snapshot_clear (&after);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, line, func, message);
    }

  snapshot_clear (&after);
}

static void
retake_snapshot (Fixture  *f,
                 Snapshot *snapshot)
{
  snapshot_clear (snapshot);
  *snapshot = take_snapshot (f);
}

/* The request EXPR is refused with STATUS and CODE (naming FIELD, unless
 * NULL), and nothing changed since BEFORE. */
#define assert_refused(f, before, expr, status, code, field)                           \
  G_STMT_START {                                                                        \
    g_autoptr(KvotaTestReply) r_ = (expr);                                              \
    const char *field_ = (field);                                                       \
    kvota_test_assert_reply (r_, (status), (code), __FILE__, __LINE__, G_STRFUNC);      \
    if (field_ != NULL)                                                                 \
      g_assert_cmpstr (kvota_test_reply_get_string (r_, "error.field"), ==, field_);    \
    compare_snapshot ((f), (before), __LINE__, G_STRFUNC);                              \
  } G_STMT_END

/* The ledger balances (kvota_test_server_ledger() checks it) and holds
 * what was issued. */
static void
assert_balanced (Fixture *f)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *ledger = kvota_test_server_ledger (f->server, f->admin);
  g_autoptr(GError) error = NULL;
  JsonNode *issued;

  json_parser_load_from_data (parser, ledger, -1, &error);
  g_assert_no_error (error);
  issued = kvota_test_json_lookup (json_parser_get_root (parser), "totals.0.issued");
  g_assert_nonnull (issued);
  g_assert_cmpint (json_node_get_int (issued), ==, ISSUED);
}

static guint
count_audit (JsonArray  *entries,
             const char *action)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (entries, i), "action"),
                   action) == 0)
      n++;

  return n;
}

/* Stops the server as an operator would and checks the registry with
 * `kvotactl verify`. */
static void
stop_and_verify (Fixture *f)
{
  kvota_test_server_stop (f->server);
  kvota_test_server_verify (f->server);
}

/* Tests */

static void
test_trading_mandate (Fixture       *f,
                      gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  g_autofree char *object = g_strdup_printf ("organisation/%" G_GINT64_FORMAT, server->organisation_nature);
  g_autoptr(JsonArray) audit = NULL;
  Snapshot before = take_snapshot (f);
  gint64 first_audit = 0;
  gint64 second_audit;
  gint64 broker_order;
  gint64 trader_order;
  gint64 id;

  /* No intermediary yet: nothing can be signed for sale. */
  assert_refused (f, &before, sign (f, f->rep_nature, "quota", VINTAGE, 1000, -1), 409, "no-intermediary", NULL);
  assert_holding (f, server->account_nature, ISSUED, 0, 0);

  /* The nature user chooses the broker. */
  {
    g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, server->organisation_broker);

    kvota_test_assert_status (chosen, 201);
    g_assert_cmpint (kvota_test_reply_get_int (chosen, "mandate.organisation_id"), ==, server->organisation_nature);
    g_assert_cmpint (kvota_test_reply_get_int (chosen, "mandate.intermediary_id"), ==, server->organisation_broker);
  }
  retake_snapshot (f, &before);

  /* Choosing it again, or anyone but a broker or trader, is refused. */
  assert_refused (f, &before, choose (f, f->rep_nature, server->organisation_broker),
                  409, "invalid-state", "intermediary_id");
  assert_refused (f, &before, choose (f, f->rep_nature, server->organisation_a),
                  404, "not-found", "intermediary_id");
  assert_refused (f, &before, choose (f, f->rep_nature, server->organisation_nature),
                  404, "not-found", "intermediary_id");
  assert_refused (f, &before, choose (f, f->rep_nature, server->organisation_ministry),
                  404, "not-found", "intermediary_id");
  assert_refused (f, &before, choose (f, f->rep_nature, 999999), 404, "not-found", "intermediary_id");
  assert_refused (f, &before, kvota_test_server_request (server, "POST", "/api/v1/mandates", f->rep_nature,
                                                         "{\"intermediary_id\": \"broker\"}", -1),
                  400, "wrong-type", "intermediary_id");
  /* Only the nature user's representative chooses. */
  assert_refused (f, &before, choose (f, f->acct_nature, server->organisation_trader), 403, "forbidden", NULL);
  assert_refused (f, &before, choose (f, f->rep_broker, server->organisation_trader), 403, "forbidden", NULL);
  assert_refused (f, &before, choose (f, f->rep_a, server->organisation_trader), 403, "forbidden", NULL);
  assert_refused (f, &before, choose (f, f->admin, server->organisation_trader), 403, "forbidden", NULL);

  /* An order signed now is the broker's. */
  broker_order = sign_ok (f, 5000, -1);
  {
    g_autoptr(JsonObject) order = get_order (f, f->rep_nature, broker_order);

    g_assert_cmpint (json_object_get_int_member (order, "intermediary_id"), ==, server->organisation_broker);
  }

  /* Not to an intermediary that is blocked. */
  {
    g_autofree char *block = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT "/block",
                                              server->organisation_trader);
    g_autofree char *restore = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT "/restore",
                                                server->organisation_trader);
    g_autoptr(KvotaTestReply) blocked = kvota_test_server_request (server, "POST", block, f->admin,
                                                                   "{\"reason\": \"Licence suspended.\"}", -1);
    g_autoptr(KvotaTestReply) restored = NULL;

    kvota_test_assert_status (blocked, 200);
    retake_snapshot (f, &before);
    assert_refused (f, &before, choose (f, f->rep_nature, server->organisation_trader),
                    409, "account-blocked", "intermediary_id");
    restored = kvota_test_server_request (server, "POST", restore, f->admin, NULL, 0);
    kvota_test_assert_status (restored, 200);

    /* The block ended the trader's sessions. */
    g_free (f->rep_trader);
    f->rep_trader = kvota_test_server_login (server, KVOTA_TEST_REP_TRADER);
  }

  /* The nature user changes to the trader. */
  {
    g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, server->organisation_trader);

    kvota_test_assert_status (chosen, 201);
    g_assert_cmpint (kvota_test_reply_get_int (chosen, "mandate.intermediary_id"), ==, server->organisation_trader);
  }

  /* The history is kept: the trader's mandate in force, the broker's
   * ended. Each intermediary sees the nature user that chose it; the
   * nature user sees whom it may choose. */
  {
    g_autoptr(KvotaTestReply) own = kvota_test_server_request (server, "GET", "/api/v1/mandates", f->acct_nature,
                                                               NULL, 0);
    g_autoptr(KvotaTestReply) trader = kvota_test_server_request (server, "GET", "/api/v1/mandates", f->rep_trader,
                                                                  NULL, 0);
    g_autoptr(KvotaTestReply) broker = kvota_test_server_request (server, "GET", "/api/v1/mandates",
                                                                  f->acct_broker, NULL, 0);
    g_autoptr(KvotaTestReply) choices = kvota_test_server_request (server, "GET", "/api/v1/intermediaries",
                                                                   f->rep_nature, NULL, 0);

    kvota_test_assert_status (own, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (own, "mandates"), ==, 2);
    g_assert_cmpint (kvota_test_reply_get_int (own, "mandates.0.intermediary_id"), ==, server->organisation_trader);
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (own, "mandates.0.ended")));
    g_assert_cmpint (kvota_test_reply_get_int (own, "mandates.1.intermediary_id"), ==, server->organisation_broker);
    g_assert_nonnull (kvota_test_reply_get_string (own, "mandates.1.ended"));
    g_assert_cmpstr (kvota_test_reply_get_string (own, "mandates.0.account"), ==, server->account_nature);

    kvota_test_assert_status (trader, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (trader, "mandates"), ==, 1);
    g_assert_cmpint (kvota_test_reply_get_int (trader, "mandates.0.organisation_id"), ==,
                     server->organisation_nature);
    kvota_test_assert_status (broker, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (broker, "mandates"), ==, 1);
    g_assert_nonnull (kvota_test_reply_get_string (broker, "mandates.0.ended"));

    kvota_test_assert_status (choices, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (choices, "intermediaries"), ==, 2);
    g_assert_cmpint (kvota_test_reply_get_int (choices, "intermediaries.0.id"), ==, server->organisation_broker);
    g_assert_cmpstr (kvota_test_reply_get_string (choices, "intermediaries.0.holder_type"), ==, "broker");
    g_assert_cmpint (kvota_test_reply_get_int (choices, "intermediaries.1.id"), ==, server->organisation_trader);
  }

  /* The audit journal has both choices, the second naming the first. */
  audit = kvota_test_server_audit (server, f->admin);
  g_assert_cmpuint (count_audit (audit, "mandate.choose"), ==, 2);
  first_audit = kvota_test_audit_find (audit, 0, "mandate.choose", object);
  second_audit = kvota_test_audit_find (audit, first_audit, "mandate.choose", object);
  g_assert_cmpint (first_audit, >, 0);
  g_assert_cmpint (second_audit, >, first_audit);
  for (guint i = 0; i < json_array_get_length (audit); i++)
    {
      JsonObject *entry = json_array_get_object_element (audit, i);
      JsonObject *after;
      gint64 entry_id = json_object_get_int_member (entry, "id");

      if (entry_id != first_audit && entry_id != second_audit)
        continue;

      g_assert_cmpstr (json_object_get_string_member (entry, "actor"), ==, "rep-nature");
      after = json_object_get_object_member (entry, "after");
      g_assert_nonnull (after);
      if (entry_id == first_audit)
        {
          g_assert_cmpint (json_object_get_int_member (after, "intermediary_id"), ==, server->organisation_broker);
          g_assert_true (json_object_get_null_member (after, "previous_intermediary_id"));
        }
      else
        {
          g_assert_cmpint (json_object_get_int_member (after, "intermediary_id"), ==, server->organisation_trader);
          g_assert_cmpint (json_object_get_int_member (after, "previous_intermediary_id"), ==,
                           server->organisation_broker);
        }
    }

  /* New orders are the trader's; the old one stays with the broker until
   * it is sold or withdrawn. */
  trader_order = sign_ok (f, 3000, -1);
  {
    g_autoptr(JsonObject) order = get_order (f, f->rep_nature, trader_order);
    g_autoptr(JsonObject) old = get_order (f, f->rep_nature, broker_order);
    g_autofree char *mine = g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", trader_order, broker_order);
    g_autofree char *broker_only = g_strdup_printf ("%" G_GINT64_FORMAT ",", broker_order);
    g_autofree char *trader_only = g_strdup_printf ("%" G_GINT64_FORMAT ",", trader_order);
    g_autofree char *seen_by_nature = list_orders (f, f->rep_nature);
    g_autofree char *seen_by_broker = list_orders (f, f->rep_broker);
    g_autofree char *seen_by_trader = list_orders (f, f->rep_trader);

    g_assert_cmpint (json_object_get_int_member (order, "intermediary_id"), ==, server->organisation_trader);
    g_assert_cmpint (json_object_get_int_member (old, "intermediary_id"), ==, server->organisation_broker);
    g_assert_cmpstr (seen_by_nature, ==, mine);
    g_assert_cmpstr (seen_by_broker, ==, broker_only);
    g_assert_cmpstr (seen_by_trader, ==, trader_only);
  }
  assert_holding (f, server->account_nature, ISSUED - 8000, 8000, 0);
  retake_snapshot (f, &before);

  /* Each intermediary sells only its own orders. */
  assert_refused (f, &before, propose (f, f->rep_trader, broker_order, server->account_a, 100, 100000,
                                       "2014-03-05", NULL), 404, "not-found", NULL);
  assert_refused (f, &before, propose (f, f->rep_broker, trader_order, server->account_a, 100, 100000,
                                       "2014-03-05", NULL), 404, "not-found", NULL);

  id = propose_ok (f, f->rep_broker, broker_order, server->account_a, 5000, 120000, "2014-03-05");
  decide_ok (f, id, "confirm", NULL, "completed");
  id = propose_ok (f, f->rep_trader, trader_order, server->account_a, 3000, 125000, "2014-03-06");
  decide_ok (f, id, "confirm", NULL, "completed");
  assert_holding (f, server->account_nature, ISSUED - 8000, 0, 0);
  assert_holding (f, server->account_a, 8000, 0, 0);
  /* All sold: nothing reserved or pending is left in either order. */
  assert_order (f, broker_order, 5000, 0, 0, "sold");
  assert_order (f, trader_order, 3000, 0, 0, "sold");

  /* And back to the broker. */
  {
    g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, server->organisation_broker);

    kvota_test_assert_status (chosen, 201);
  }
  g_clear_pointer (&audit, json_array_unref);
  audit = kvota_test_server_audit (server, f->admin);
  g_assert_cmpuint (count_audit (audit, "mandate.choose"), ==, 3);
  assert_balanced (f);

  snapshot_clear (&before);
  stop_and_verify (f);
}

static void
test_trading_sale (Fixture       *f,
                   gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  g_autoptr(JsonArray) audit = NULL;
  Snapshot before = { NULL, };
  gint64 order;
  gint64 plain;
  gint64 sold;
  gint64 rejected;
  gint64 in_flight;

  {
    g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, server->organisation_broker);

    kvota_test_assert_status (chosen, 201);
  }

  /* Signed for sale with a minimum price: the units are reserved. */
  {
    g_autoptr(KvotaTestReply) signed_ = sign (f, f->rep_nature, "quota", VINTAGE, 40000, 150000);

    kvota_test_assert_status (signed_, 201);
    order = kvota_test_reply_get_int (signed_, "sale_order.id");
    g_assert_cmpstr (kvota_test_reply_get_string (signed_, "sale_order.account"), ==, server->account_nature);
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.organisation_id"), ==,
                     server->organisation_nature);
    g_assert_cmpstr (kvota_test_reply_get_string (signed_, "sale_order.organisation"), ==, "Pavlodar CHP (test)");
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.intermediary_id"), ==,
                     server->organisation_broker);
    g_assert_cmpstr (kvota_test_reply_get_string (signed_, "sale_order.unit_type"), ==, "quota");
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.vintage"), ==, VINTAGE);
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.quantity"), ==, 40000);
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.reserved"), ==, 40000);
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.pending"), ==, 0);
    g_assert_cmpint (kvota_test_reply_get_int (signed_, "sale_order.min_price_tiyn"), ==, 150000);
    g_assert_cmpstr (kvota_test_reply_get_string (signed_, "sale_order.state"), ==, "open");
    g_assert_nonnull (kvota_test_reply_get_string (signed_, "sale_order.created"));
  }
  assert_holding (f, server->account_nature, ISSUED - 40000, 40000, 0);
  assert_balanced (f);

  /* And one without. */
  {
    g_autoptr(KvotaTestReply) signed_ = sign (f, f->rep_nature, "quota", VINTAGE, 10000, -1);

    kvota_test_assert_status (signed_, 201);
    plain = kvota_test_reply_get_int (signed_, "sale_order.id");
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (signed_, "sale_order.min_price_tiyn")));
  }
  g_assert_cmpint (plain, >, order);
  assert_holding (f, server->account_nature, ISSUED - 50000, 50000, 0);
  assert_balanced (f);

  /* Not more than is available. */
  before = take_snapshot (f);
  assert_refused (f, &before, sign (f, f->rep_nature, "quota", VINTAGE, ISSUED - 50000 + 1, -1),
                  409, "insufficient-units", NULL);
  assert_refused (f, &before, sign (f, f->rep_nature, "quota", 2015, 1, -1), 409, "insufficient-units", NULL);
  assert_refused (f, &before, sign (f, f->rep_nature, "offset", VINTAGE, 1, -1), 409, "insufficient-units", NULL);

  /* The seller, its intermediary and oversight see the orders, newest
   * first; another intermediary sees none, individuals may not ask. */
  {
    g_autofree char *both = g_strdup_printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", plain, order);
    const char *seers[] = { f->rep_nature, f->acct_nature, f->rep_broker, f->acct_broker, f->admin, f->ministry };

    for (guint i = 0; i < G_N_ELEMENTS (seers); i++)
      {
        g_autofree char *seen = list_orders (f, seers[i]);

        g_assert_cmpstr (seen, ==, both);
      }

    {
      g_autofree char *seen = list_orders (f, f->rep_trader);

      g_assert_cmpstr (seen, ==, "");
    }

    assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/sale-orders", f->rep_a, NULL, 0),
                    403, "forbidden", NULL);
    assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/sale-orders", f->acct_a, NULL, 0),
                    403, "forbidden", NULL);
    assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/sale-orders?state=open",
                                                           f->admin, NULL, 0),
                    400, "unknown-field", NULL);
  }

  /* The broker sells 15000 to A, with the exchange's confirmation. */
  sold = propose_ok (f, f->rep_broker, order, server->account_a, 15000, 160000, "2014-03-05");
  assert_holding (f, server->account_nature, ISSUED - 50000, 35000, 15000);
  assert_holding (f, server->account_a, 0, 0, 0);
  assert_order (f, order, 40000, 25000, 15000, "open");
  assert_balanced (f);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT, sold);
    g_autoptr(KvotaTestReply) by_buyer = kvota_test_server_request (server, "GET", path, f->rep_a, NULL, 0);
    g_autoptr(KvotaTestReply) by_seller = kvota_test_server_request (server, "GET", path, f->acct_nature, NULL, 0);

    kvota_test_assert_status (by_buyer, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (by_buyer, "transaction.state"), ==, "proposed");
    g_assert_cmpstr (kvota_test_reply_get_string (by_buyer, "transaction.proposed_by"), ==, "rep-broker");
    kvota_test_assert_status (by_seller, 200);
  }

  /* The document is stored by its hash, for the administrator to read. */
  {
    g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, confirmation_pdf, -1);
    g_autofree char *path = g_strconcat ("/api/v1/documents/", sha256, NULL);
    g_autoptr(KvotaTestReply) document = kvota_test_server_request (server, "GET", path, f->admin, NULL, 0);

    kvota_test_assert_status (document, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (document->headers, NULL), ==, "application/pdf");
    g_assert_cmpmem (g_bytes_get_data (document->body, NULL), g_bytes_get_size (document->body),
                     confirmation_pdf, strlen (confirmation_pdf));
  }

  /* Nothing is traded until the administrator confirms. */
  {
    g_autoptr(KvotaTestReply) report = kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                                                  f->admin, NULL, 0);

    kvota_test_assert_status (report, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (report, "years"), ==, 0);
  }

  decide_ok (f, sold, "confirm", NULL, "completed");
  assert_holding (f, server->account_nature, ISSUED - 50000, 35000, 0);
  assert_holding (f, server->account_a, 15000, 0, 0);
  assert_order (f, order, 40000, 25000, 0, "open");
  assert_balanced (f);

  /* The report counts the sale in the year of its deal. */
  {
    const char *readers[] = { f->admin, f->ministry };

    for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
      {
        g_autoptr(KvotaTestReply) report = kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                                                      readers[i], NULL, 0);
        g_autoptr(KvotaTestReply) csv = kvota_test_server_request (server, "GET",
                                                                   "/api/v1/reports/trading?format=csv",
                                                                   readers[i], NULL, 0);

        kvota_test_assert_status (report, 200);
        g_assert_cmpuint (kvota_test_reply_get_length (report, "years"), ==, 1);
        g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.year"), ==, 2014);
        g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.quotas_traded"), ==, 15000);
        g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.transactions"), ==, 1);

        kvota_test_assert_status (csv, 200);
        g_assert_cmpstr (soup_message_headers_get_content_type (csv->headers, NULL), ==, "text/csv");
        g_assert_cmpmem (g_bytes_get_data (csv->body, NULL), g_bytes_get_size (csv->body),
                         "year,quotas_traded,transactions\n2014,15000,1\n",
                         strlen ("year,quotas_traded,transactions\n2014,15000,1\n"));
      }
  }

  /* A second sale, which the administrator rejects: its units go back to
   * the order, reserved, not available. */
  retake_snapshot (f, &before);
  rejected = propose_ok (f, f->rep_broker, order, server->account_b, 5000, 150000, "2014-04-10");
  assert_holding (f, server->account_nature, ISSUED - 50000, 30000, 5000);
  assert_order (f, order, 40000, 20000, 5000, "open");
  assert_balanced (f);
  {
    g_autoptr(KvotaTestReply) by_broker = decide (f, f->rep_broker, rejected, "reject", "{\"reason\": \"no\"}");
    g_autoptr(KvotaTestReply) cancel_by_broker = decide (f, f->rep_broker, rejected, "cancel", NULL);

    kvota_test_assert_error (by_broker, 403, "forbidden");
    kvota_test_assert_error (cancel_by_broker, 403, "forbidden");
  }
  decide_ok (f, rejected, "reject", "{\"reason\": \"The exchange confirmation does not match.\"}", "rejected");
  assert_holding (f, server->account_nature, ISSUED - 50000, 35000, 0);
  assert_holding (f, server->account_b, 0, 0, 0);
  assert_order (f, order, 40000, 25000, 0, "open");
  assert_balanced (f);
  {
    /* Holdings, order and report are as before the proposal (the ledger
     * may hold the order's units in more blocks now). */
    Snapshot after = take_snapshot (f);

    g_assert_cmpstr (after.report, ==, before.report);
    g_assert_cmpstr (after.holdings, ==, before.holdings);
    g_assert_cmpstr (after.orders, ==, before.orders);
    g_assert_cmpuint (after.audit, ==, before.audit + 2);
    snapshot_clear (&after);
  }

  /* The seller withdraws part of the order while a sale is pending; the
   * pending units stay in the sale. */
  in_flight = propose_ok (f, f->rep_broker, order, server->account_a, 4000, 155000, "2014-05-20");
  {
    g_autoptr(KvotaTestReply) withdrawn = withdraw (f, f->rep_nature, order, "{\"quantity\": 1000}");

    kvota_test_assert_status (withdrawn, 200);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.reserved"), ==, 20000);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.pending"), ==, 4000);
    g_assert_cmpstr (kvota_test_reply_get_string (withdrawn, "sale_order.state"), ==, "open");
  }
  assert_holding (f, server->account_nature, ISSUED - 50000 + 1000, 30000, 4000);
  assert_balanced (f);

  retake_snapshot (f, &before);
  assert_refused (f, &before, withdraw (f, f->rep_nature, order, "{\"quantity\": 20001}"),
                  409, "insufficient-units", "quantity");
  assert_refused (f, &before, withdraw (f, f->rep_nature, order, "{\"quantity\": 0}"),
                  400, "invalid-quantity", "quantity");
  assert_refused (f, &before, withdraw (f, f->rep_nature, 999999, NULL), 404, "not-found", NULL);
  assert_refused (f, &before, withdraw (f, f->acct_nature, order, NULL), 403, "forbidden", NULL);
  assert_refused (f, &before, withdraw (f, f->rep_broker, order, NULL), 403, "forbidden", NULL);
  assert_refused (f, &before, withdraw (f, f->rep_a, order, NULL), 403, "forbidden", NULL);
  assert_refused (f, &before, withdraw (f, f->admin, order, NULL), 403, "forbidden", NULL);

  /* All that is still for sale; the order stays open for its pending sale. */
  {
    g_autoptr(KvotaTestReply) withdrawn = withdraw (f, f->rep_nature, order, NULL);

    kvota_test_assert_status (withdrawn, 200);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.reserved"), ==, 0);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.pending"), ==, 4000);
    g_assert_cmpstr (kvota_test_reply_get_string (withdrawn, "sale_order.state"), ==, "open");
  }
  assert_holding (f, server->account_nature, ISSUED - 50000 + 21000, 10000, 4000);
  assert_balanced (f);

  /* The pending sale falls through: its units return to the open order. */
  decide_ok (f, in_flight, "reject", "{\"reason\": \"The buyer withdrew.\"}", "rejected");
  assert_order (f, order, 40000, 4000, 0, "open");
  assert_holding (f, server->account_nature, ISSUED - 50000 + 21000, 14000, 0);
  assert_balanced (f);

  /* The seller withdraws the rest: available again, the order withdrawn. */
  {
    g_autoptr(KvotaTestReply) withdrawn = withdraw (f, f->rep_nature, order, "");

    kvota_test_assert_status (withdrawn, 200);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.id"), ==, order);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.reserved"), ==, 0);
    g_assert_cmpint (kvota_test_reply_get_int (withdrawn, "sale_order.pending"), ==, 0);
    g_assert_cmpstr (kvota_test_reply_get_string (withdrawn, "sale_order.state"), ==, "withdrawn");
  }
  assert_order (f, order, 40000, 0, 0, "withdrawn");
  assert_holding (f, server->account_nature, ISSUED - 50000 + 25000, 10000, 0);
  assert_balanced (f);

  retake_snapshot (f, &before);
  assert_refused (f, &before, withdraw (f, f->rep_nature, order, NULL), 409, "invalid-state", NULL);
  assert_refused (f, &before, withdraw (f, f->rep_nature, order, "{\"quantity\": 1}"), 409, "invalid-state", NULL);
  assert_refused (f, &before, propose (f, f->rep_broker, order, server->account_a, 1, 150000, "2014-06-01", NULL),
                  409, "invalid-state", NULL);

  /* The order without a minimum sells at any price, in 2015 too. */
  {
    gint64 id = propose_ok (f, f->rep_broker, plain, server->account_b, 10000, 0, "2015-01-15");

    decide_ok (f, id, "confirm", "", "completed");
  }
  assert_holding (f, server->account_nature, ISSUED - 50000 + 25000, 0, 0);
  assert_holding (f, server->account_b, 10000, 0, 0);
  assert_order (f, plain, 10000, 0, 0, "sold");
  assert_balanced (f);

  {
    g_autoptr(KvotaTestReply) all = kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                                               f->ministry, NULL, 0);
    g_autoptr(KvotaTestReply) year = kvota_test_server_request (server, "GET",
                                                                "/api/v1/reports/trading?year=2015&format=json",
                                                                f->admin, NULL, 0);
    g_autoptr(KvotaTestReply) none = kvota_test_server_request (server, "GET", "/api/v1/reports/trading?year=2016",
                                                                f->admin, NULL, 0);
    g_autoptr(KvotaTestReply) csv = kvota_test_server_request (server, "GET",
                                                               "/api/v1/reports/trading?format=csv&year=2014",
                                                               f->admin, NULL, 0);
    const char *expected_csv = "year,quotas_traded,transactions\n2014,15000,1\n";

    kvota_test_assert_status (all, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (all, "years"), ==, 2);
    g_assert_cmpint (kvota_test_reply_get_int (all, "years.0.year"), ==, 2014);
    g_assert_cmpint (kvota_test_reply_get_int (all, "years.0.quotas_traded"), ==, 15000);
    g_assert_cmpint (kvota_test_reply_get_int (all, "years.0.transactions"), ==, 1);
    g_assert_cmpint (kvota_test_reply_get_int (all, "years.1.year"), ==, 2015);
    g_assert_cmpint (kvota_test_reply_get_int (all, "years.1.quotas_traded"), ==, 10000);
    g_assert_cmpint (kvota_test_reply_get_int (all, "years.1.transactions"), ==, 1);

    kvota_test_assert_status (year, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (year, "years"), ==, 1);
    g_assert_cmpint (kvota_test_reply_get_int (year, "years.0.year"), ==, 2015);

    kvota_test_assert_status (none, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (none, "years"), ==, 0);

    kvota_test_assert_status (csv, 200);
    g_assert_cmpmem (g_bytes_get_data (csv->body, NULL), g_bytes_get_size (csv->body),
                     expected_csv, strlen (expected_csv));
  }

  /* The report's own refusals. */
  retake_snapshot (f, &before);
  assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/reports/trading?format=xml",
                                                         f->admin, NULL, 0),
                  400, "invalid-value", "format");
  assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/reports/trading?year=1999",
                                                         f->admin, NULL, 0),
                  400, "invalid-value", "year");
  assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/reports/trading?year=soon",
                                                         f->admin, NULL, 0),
                  400, "invalid-value", "year");
  assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/reports/trading?month=3",
                                                         f->admin, NULL, 0),
                  400, "unknown-field", NULL);
  assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                                         f->rep_nature, NULL, 0),
                  403, "forbidden", NULL);
  assert_refused (f, &before, kvota_test_server_request (server, "GET", "/api/v1/reports/trading",
                                                         f->rep_broker, NULL, 0),
                  403, "forbidden", NULL);

  /* The audit journal has every step. */
  audit = kvota_test_server_audit (server, f->admin);
  g_assert_cmpuint (count_audit (audit, "mandate.choose"), ==, 1);
  g_assert_cmpuint (count_audit (audit, "sale-order.sign"), ==, 2);
  g_assert_cmpuint (count_audit (audit, "sale-order.withdraw"), ==, 3);
  g_assert_cmpuint (count_audit (audit, "ledger.transfer.propose"), ==, 4);
  g_assert_cmpuint (count_audit (audit, "ledger.transfer.confirm"), ==, 2);
  g_assert_cmpuint (count_audit (audit, "ledger.transfer.reject"), ==, 2);
  {
    g_autofree char *object = g_strdup_printf ("sale-order/%" G_GINT64_FORMAT, order);

    g_assert_cmpint (kvota_test_audit_find (audit, 0, "sale-order.sign", object), >, 0);
    g_assert_cmpint (kvota_test_audit_find (audit, 0, "sale-order.withdraw", object), >, 0);
  }

  snapshot_clear (&before);
  stop_and_verify (f);
}

static void
test_trading_refusals (Fixture       *f,
                       gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  const char *a = server->account_a;
  Snapshot before = { NULL, };
  gint64 order;

  {
    g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, server->organisation_broker);

    kvota_test_assert_status (chosen, 201);
  }
  order = sign_ok (f, 20000, 100000);
  before = take_snapshot (f);

  /* Signing: the request itself. */
  assert_refused (f, &before, sign (f, f->rep_nature, "quota", VINTAGE, 0, -1), 400, "invalid-quantity", "quantity");
  assert_refused (f, &before, sign (f, f->rep_nature, "quota", VINTAGE, -5, -1), 400, "invalid-quantity", "quantity");
  assert_refused (f, &before, sign (f, f->rep_nature, "quota", 2012, 1, -1), 400, "invalid-value", "vintage");
  assert_refused (f, &before, sign (f, f->rep_nature, "gold", VINTAGE, 1, -1), 400, "invalid-value", "unit_type");
  assert_refused (f, &before, kvota_test_server_request (server, "POST", "/api/v1/sale-orders", f->rep_nature,
                                                         "{\"unit_type\": \"quota\", \"vintage\": 2014, "
                                                         "\"quantity\": 1, \"min_price_tiyn\": -1}", -1),
                  400, "invalid-value", "min_price_tiyn");
  assert_refused (f, &before, kvota_test_server_request (server, "POST", "/api/v1/sale-orders", f->rep_nature,
                                                         "{\"unit_type\": \"quota\", \"vintage\": 2014, "
                                                         "\"quantity\": 1.5}", -1),
                  400, "wrong-type", "quantity");
  assert_refused (f, &before, kvota_test_server_request (server, "POST", "/api/v1/sale-orders", f->rep_nature,
                                                         "{\"unit_type\": \"quota\", \"vintage\": 2014, "
                                                         "\"quantity\": 1, \"price\": 5}", -1),
                  400, "unknown-field", "price");
  assert_refused (f, &before, sign (f, f->acct_nature, "quota", VINTAGE, 1, -1), 403, "forbidden", NULL);
  assert_refused (f, &before, sign (f, f->rep_broker, "quota", VINTAGE, 1, -1), 403, "forbidden", NULL);
  assert_refused (f, &before, sign (f, f->rep_a, "quota", VINTAGE, 1, -1), 403, "forbidden", NULL);

  /* Proposing: who may. The trader was not chosen, and to it the order
   * does not exist. */
  assert_refused (f, &before, propose (f, f->rep_trader, order, a, 100, 100000, "2014-03-05", NULL),
                  404, "not-found", NULL);
  assert_refused (f, &before, propose (f, f->acct_broker, order, a, 100, 100000, "2014-03-05", NULL),
                  403, "forbidden", NULL);
  assert_refused (f, &before, propose (f, f->rep_nature, order, a, 100, 100000, "2014-03-05", NULL),
                  403, "forbidden", NULL);
  assert_refused (f, &before, propose (f, f->rep_a, order, a, 100, 100000, "2014-03-05", NULL),
                  403, "forbidden", NULL);
  assert_refused (f, &before, propose (f, f->admin, order, a, 100, 100000, "2014-03-05", NULL),
                  403, "forbidden", NULL);
  assert_refused (f, &before, propose (f, f->rep_broker, 999999, a, 100, 100000, "2014-03-05", NULL),
                  404, "not-found", NULL);

  /* The deal. */
  assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 99999, "2014-03-05", NULL),
                  409, "price-too-low", "price_tiyn");
  assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, -1, "2014-03-05", NULL),
                  400, "invalid-value", "price_tiyn");
  assert_refused (f, &before, propose (f, f->rep_broker, order, a, 20001, 100000, "2014-03-05", NULL),
                  409, "insufficient-units", "quantity");
  assert_refused (f, &before, propose (f, f->rep_broker, order, a, 0, 100000, "2014-03-05", NULL),
                  400, "invalid-quantity", NULL);
  assert_refused (f, &before, propose (f, f->rep_broker, order, server->account_nature, 100, 100000,
                                       "2014-03-05", NULL),
                  400, "same-account", "to_account");
  assert_refused (f, &before, propose (f, f->rep_broker, order, "KZ-100-999999", 100, 100000, "2014-03-05", NULL),
                  404, "not-found", "to_account");
  assert_refused (f, &before, propose (f, f->rep_broker, order, "", 100, 100000, "2014-03-05", NULL),
                  404, "not-found", "to_account");

  /* The deal's date: a real day, YYYY-MM-DD. */
  {
    const char *dates[] = { "2014-13-01", "yesterday", "2014-02-30", "2014-3-5", "05.03.2014",
                            "2014-03-05T10:00:00Z", "2014-W10-3", "1999-03-05", "" };

    for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
      {
        g_test_message ("deal_date “%s”", dates[i]);
        assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, dates[i], NULL),
                        400, "invalid-value", "deal_date");
      }
  }

  /* The documents: one to ten, each a PDF, PNG or JPEG. */
  {
    g_autofree char *gif = g_base64_encode ((const guchar *) "GIF89a\x01\x00\x01\x00", 10);
    g_autofree char *text = g_base64_encode ((const guchar *) "Deal confirmed. Signed, the broker.", 35);
    g_autofree char *not_pdf = g_strdup_printf ("[{\"name\": \"deal.gif\", \"data\": \"%s\"}]", gif);
    g_autofree char *plain_text = g_strdup_printf ("[{\"name\": \"deal.pdf\", \"data\": \"%s\"}]", text);
    g_autofree char *second_bad = g_strdup_printf ("[{\"name\": \"deal.pdf\", \"data\": \"%s\"}, "
                                                   "{\"name\": \"scan.pdf\", \"data\": \"%s\"}]",
                                                   f->pdf_base64, gif);
    g_autofree char *no_name = g_strdup_printf ("[{\"data\": \"%s\"}]", f->pdf_base64);
    g_autofree char *extra = g_strdup_printf ("[{\"name\": \"deal.pdf\", \"data\": \"%s\", \"pages\": 1}]",
                                              f->pdf_base64);
    g_autofree char *bad_name = g_strdup_printf ("[{\"name\": \"../deal.pdf\\\"\", \"data\": \"%s\"}]",
                                                 f->pdf_base64);
    GString *eleven = g_string_new ("[");

    for (guint i = 0; i < 11; i++)
      g_string_append_printf (eleven, "%s{\"name\": \"page-%u.pdf\", \"data\": \"%s\"}", i > 0 ? ", " : "", i,
                              f->pdf_base64);
    g_string_append (eleven, "]");

    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", "[]"),
                    400, "invalid-value", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", eleven->str),
                    400, "invalid-value", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", not_pdf),
                    400, "invalid-document", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", plain_text),
                    400, "invalid-document", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", second_bad),
                    400, "invalid-document", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05",
                                         "[{\"name\": \"deal.pdf\", \"data\": \"not base64!\"}]"),
                    400, "invalid-document", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", no_name),
                    400, "invalid-value", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", extra),
                    400, "invalid-value", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", bad_name),
                    400, "invalid-value", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", "[\"deal.pdf\"]"),
                    400, "invalid-value", "documents");
    assert_refused (f, &before, propose (f, f->rep_broker, order, a, 100, 100000, "2014-03-05", "{}"),
                    400, "wrong-type", "documents");
    g_string_free (eleven, TRUE);
  }

  /* The body. */
  assert_refused (f, &before, propose_body (f, f->rep_broker, order,
                                            "{\"to_account\": \"KZ-100-000001\", \"quantity\": 1, "
                                            "\"price_tiyn\": 100000, \"deal_date\": \"2014-03-05\"}"),
                  400, "missing-field", "documents");
  assert_refused (f, &before, propose_body (f, f->rep_broker, order, "{\"quantity\": 1"), 400, "malformed-json", NULL);
  {
    g_autofree char *body = g_strdup_printf ("{\"to_account\": \"%s\", \"quantity\": 1, \"price_tiyn\": 100000, "
                                             "\"deal_date\": \"2014-03-05\", \"documents\": %s, \"vat\": 12}",
                                             a, f->documents);
    g_autofree char *control = g_strdup_printf ("{\"to_account\": \"%s\", \"quantity\": 1, "
                                                "\"price_tiyn\": 100000, \"deal_date\": \"2014-03-05\", "
                                                "\"reference\": \"KASE\\u0007\", \"documents\": %s}",
                                                a, f->documents);

    assert_refused (f, &before, propose_body (f, f->rep_broker, order, body), 400, "unknown-field", "vat");
    assert_refused (f, &before, propose_body (f, f->rep_broker, order, control), 400, "invalid-value", "reference");
  }

  /* A blocked buyer can receive nothing, proposed or confirmed. */
  {
    g_autofree char *block = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT "/block",
                                              server->organisation_b);
    g_autofree char *restore = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT "/restore",
                                                server->organisation_b);
    g_autoptr(KvotaTestReply) blocked = NULL;
    g_autoptr(KvotaTestReply) restored = NULL;
    g_autoptr(KvotaTestReply) blocked_again = NULL;
    g_autoptr(KvotaTestReply) restored_again = NULL;
    gint64 id;

    blocked = kvota_test_server_request (server, "POST", block, f->admin,
                                         "{\"reason\": \"Licence suspended.\"}", -1);
    kvota_test_assert_status (blocked, 200);
    retake_snapshot (f, &before);
    assert_refused (f, &before, propose (f, f->rep_broker, order, server->account_b, 100, 100000, "2014-03-05",
                                         NULL),
                    409, "account-blocked", "to_account");
    restored = kvota_test_server_request (server, "POST", restore, f->admin, NULL, 0);
    kvota_test_assert_status (restored, 200);

    /* Blocked after the proposal: the administrator cannot confirm, and
     * rejecting gives the units back to the order. */
    id = propose_ok (f, f->rep_broker, order, server->account_b, 100, 100000, "2014-03-05");
    blocked_again = kvota_test_server_request (server, "POST", block, f->admin,
                                               "{\"reason\": \"Licence suspended again.\"}", -1);
    kvota_test_assert_status (blocked_again, 200);
    retake_snapshot (f, &before);
    assert_refused (f, &before, decide (f, f->admin, id, "confirm", NULL), 409, "account-blocked", "to_account");
    assert_order (f, order, 20000, 19900, 100, "open");
    decide_ok (f, id, "reject", "{\"reason\": \"The buyer is blocked.\"}", "rejected");
    assert_order (f, order, 20000, 20000, 0, "open");
    restored_again = kvota_test_server_request (server, "POST", restore, f->admin, NULL, 0);
    kvota_test_assert_status (restored_again, 200);
  }

  /* After all that, the order is whole and the broker can still sell. */
  assert_holding (f, server->account_nature, ISSUED - 20000, 20000, 0);
  assert_holding (f, a, 0, 0, 0);
  assert_holding (f, server->account_b, 0, 0, 0);
  assert_balanced (f);
  {
    gint64 id = propose_ok (f, f->rep_broker, order, a, 20000, 100000, "2014-12-31");

    decide_ok (f, id, "confirm", NULL, "completed");
  }
  assert_holding (f, server->account_nature, ISSUED - 20000, 0, 0);
  assert_holding (f, a, 20000, 0, 0);
  assert_balanced (f);

  snapshot_clear (&before);
  stop_and_verify (f);
}

/* Buy requests: a nature user asks its intermediary to buy for it. */

static KvotaTestReply *
ask_to_buy (Fixture    *f,
            const char *token,
            const char *body)
{
  return kvota_test_server_request (f->server, "POST", "/api/v1/buy-requests", token, body, -1);
}

static KvotaTestReply *
withdraw_request (Fixture    *f,
                  const char *token,
                  gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/buy-requests/%" G_GINT64_FORMAT "/withdraw", id);

  return kvota_test_server_request (f->server, "POST", path, token, NULL, 0);
}

static guint
count_requests (Fixture    *f,
                const char *token)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (f->server, "GET", "/api/v1/buy-requests", token, NULL, 0);
  kvota_test_assert_status (reply, 200);
  return kvota_test_reply_get_length (reply, "buy_requests");
}

static void
test_trading_buy_requests (Fixture       *f,
                           gconstpointer  user_data)
{
  static const char body[] = "{\"unit_type\": \"quota\", \"vintage\": 2015, \"quantity\": 5000, "
                             "\"max_price_tiyn\": 150000}";
  g_autofree char *ledger_before = kvota_test_server_ledger (f->server, f->admin);
  g_autofree char *ledger_after = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *object = NULL;
  guint audit_before;
  gint64 id;

  /* Without an intermediary, nobody buys for it. */
  audit_before = kvota_test_server_count_audit (f->server, f->admin);
  {
    g_autoptr(KvotaTestReply) reply = ask_to_buy (f, f->rep_nature, body);

    kvota_test_assert_error (reply, 409, "no-intermediary");
  }
  g_assert_cmpuint (kvota_test_server_count_audit (f->server, f->admin), ==, audit_before);
  g_assert_cmpuint (count_requests (f, f->admin), ==, 0);

  {
    g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, f->server->organisation_broker);

    kvota_test_assert_status (chosen, 201);
  }

  {
    g_autoptr(KvotaTestReply) reply = ask_to_buy (f, f->rep_nature, body);

    kvota_test_assert_status (reply, 201);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "buy_request.organisation_id"), ==,
                     f->server->organisation_nature);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "buy_request.intermediary_id"), ==,
                     f->server->organisation_broker);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "buy_request.unit_type"), ==, "quota");
    g_assert_cmpint (kvota_test_reply_get_int (reply, "buy_request.vintage"), ==, 2015);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "buy_request.quantity"), ==, 5000);
    g_assert_cmpint (kvota_test_reply_get_int (reply, "buy_request.max_price_tiyn"), ==, 150000);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "buy_request.state"), ==, "open");
    id = kvota_test_reply_get_int (reply, "buy_request.id");
  }

  /* Refusals change nothing. */
  audit_before = kvota_test_server_count_audit (f->server, f->admin);
  {
    g_autoptr(KvotaTestReply) zero = NULL;
    g_autoptr(KvotaTestReply) price = NULL;
    g_autoptr(KvotaTestReply) broker = NULL;
    g_autoptr(KvotaTestReply) individual = NULL;

    zero = ask_to_buy (f, f->rep_nature, "{\"unit_type\": \"quota\", \"vintage\": 2015, \"quantity\": 0}");
    kvota_test_assert_error (zero, 400, "invalid-quantity");
    price = ask_to_buy (f, f->rep_nature, "{\"unit_type\": \"quota\", \"vintage\": 2015, \"quantity\": 1, "
                                          "\"max_price_tiyn\": -1}");
    kvota_test_assert_error (price, 400, "invalid-value");
    broker = ask_to_buy (f, f->rep_broker, body);
    kvota_test_assert_error (broker, 403, "forbidden");
    individual = ask_to_buy (f, f->rep_a, body);
    kvota_test_assert_error (individual, 403, "forbidden");
  }
  g_assert_cmpuint (kvota_test_server_count_audit (f->server, f->admin), ==, audit_before);

  /* Who sees it: oversight, the requester, its intermediary. */
  g_assert_cmpuint (count_requests (f, f->admin), ==, 1);
  g_assert_cmpuint (count_requests (f, f->ministry), ==, 1);
  g_assert_cmpuint (count_requests (f, f->rep_nature), ==, 1);
  g_assert_cmpuint (count_requests (f, f->acct_nature), ==, 1);
  g_assert_cmpuint (count_requests (f, f->rep_broker), ==, 1);
  g_assert_cmpuint (count_requests (f, f->acct_broker), ==, 1);
  g_assert_cmpuint (count_requests (f, f->rep_trader), ==, 0);
  {
    g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", "/api/v1/buy-requests",
                                                                  f->rep_a, NULL, 0);

    kvota_test_assert_error (reply, 403, "forbidden");
  }

  /* Only the requester withdraws, once. */
  {
    g_autoptr(KvotaTestReply) broker = withdraw_request (f, f->rep_broker, id);
    g_autoptr(KvotaTestReply) missing = withdraw_request (f, f->rep_nature, id + 1000);
    g_autoptr(KvotaTestReply) reply = NULL;
    g_autoptr(KvotaTestReply) again = NULL;

    kvota_test_assert_error (broker, 403, "forbidden");
    kvota_test_assert_error (missing, 404, "not-found");
    reply = withdraw_request (f, f->rep_nature, id);
    kvota_test_assert_status (reply, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "buy_request.state"), ==, "withdrawn");
    again = withdraw_request (f, f->rep_nature, id);
    kvota_test_assert_error (again, 409, "invalid-state");
  }

  audit = kvota_test_server_audit (f->server, f->admin);
  object = g_strdup_printf ("buy-request/%" G_GINT64_FORMAT, id);
  g_assert_cmpint (kvota_test_audit_find (audit, 0, "buy-request.create", object), >, 0);
  g_assert_cmpint (kvota_test_audit_find (audit, 0, "buy-request.withdraw", object), >, 0);

  /* Buy requests move no units. */
  ledger_after = kvota_test_server_ledger (f->server, f->admin);
  g_assert_cmpstr (ledger_after, ==, ledger_before);
}

/* The operator sets the threshold with kvotactl while the server runs;
 * it says what it set (SAID: a part of its answer). */
static void
set_four_eyes (Fixture    *f,
               const char *threshold,
               const char *said)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"), "four-eyes", "--db", f->server->db_path,
                           "--threshold", threshold, NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, said));
}

/* Above the registry's threshold a sale needs two administrators; below
 * it, one. Nobody completes what they approved. */
static void
test_trading_four_eyes (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autofree char *admin2 = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN2);
  g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, f->server->organisation_broker);
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *object = NULL;
  Snapshot before;
  gint64 order;
  gint64 small;
  gint64 large;
  gint64 rejected;
  gint64 unlimited;

  kvota_test_assert_status (chosen, 201);
  set_four_eyes (f, "1000", "need two administrators.\n");
  order = sign_ok (f, 10000, -1);

  /* At the threshold, one confirmation completes the sale. */
  small = propose_ok (f, f->rep_broker, order, f->server->account_a, 1000, 80000, "2014-03-01");
  decide_ok (f, small, "confirm", NULL, "completed");

  /* Above it, the first confirmation only approves: nothing moves. */
  large = propose_ok (f, f->rep_broker, order, f->server->account_a, 2500, 80000, "2014-03-02");
  {
    g_autoptr(KvotaTestReply) first = decide (f, f->admin, large, "confirm", NULL);

    kvota_test_assert_status (first, 202);
    g_assert_cmpstr (kvota_test_reply_get_string (first, "transaction.state"), ==, "proposed");
    g_assert_cmpstr (kvota_test_reply_get_string (first, "transaction.approved_by"), ==, "admin");
    g_assert_nonnull (kvota_test_reply_get_string (first, "transaction.approved"));
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (first, "transaction.decided_by")));
  }
  assert_holding (f, f->server->account_nature, ISSUED - 10000, 10000 - 1000 - 2500, 2500);
  assert_holding (f, f->server->account_a, 1000, 0, 0);

  /* The same administrator cannot complete it, nor approve it twice. */
  before = take_snapshot (f);
  assert_refused (f, &before, decide (f, f->admin, large, "confirm", NULL), 409, "second-person-required", NULL);
  snapshot_clear (&before);

  /* Another administrator completes it. */
  {
    g_autoptr(KvotaTestReply) second = decide (f, admin2, large, "confirm", NULL);

    kvota_test_assert_status (second, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (second, "transaction.state"), ==, "completed");
    g_assert_cmpstr (kvota_test_reply_get_string (second, "transaction.approved_by"), ==, "admin");
    g_assert_cmpstr (kvota_test_reply_get_string (second, "transaction.decided_by"), ==, "admin2");
  }
  assert_holding (f, f->server->account_nature, ISSUED - 10000, 10000 - 3500, 0);
  assert_holding (f, f->server->account_a, 3500, 0, 0);

  /* An approved sale can still be rejected; its units go back to the
   * order. */
  rejected = propose_ok (f, f->rep_broker, order, f->server->account_a, 3000, 80000, "2014-03-03");
  {
    g_autoptr(KvotaTestReply) first = decide (f, admin2, rejected, "confirm", NULL);
    g_autoptr(KvotaTestReply) reject = decide (f, f->admin, rejected, "reject",
                                               "{\"reason\": \"The exchange cancelled the deal\"}");

    kvota_test_assert_status (first, 202);
    kvota_test_assert_status (reject, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (reject, "transaction.state"), ==, "rejected");
  }
  assert_holding (f, f->server->account_nature, ISSUED - 10000, 10000 - 3500, 0);

  /* Turned off, one administrator suffices again. */
  set_four_eyes (f, "off", "Four eyes: off. One administrator confirms every transfer.\n");
  unlimited = propose_ok (f, f->rep_broker, order, f->server->account_a, 3000, 80000, "2014-03-04");
  decide_ok (f, unlimited, "confirm", NULL, "completed");
  assert_holding (f, f->server->account_a, 6500, 0, 0);

  /* The approval is in the journal, once. */
  audit = kvota_test_server_audit (f->server, f->admin);
  g_assert_cmpuint (count_audit (audit, "ledger.transfer.approve"), ==, 2);
  object = g_strdup_printf ("transaction/%" G_GINT64_FORMAT, large);
  g_assert_cmpint (kvota_test_audit_find (audit, 0, "ledger.transfer.approve", object), >, 0);

  assert_balanced (f);
  stop_and_verify (f);
}

/* The report's months, prices, sectors and top accounts follow the
 * confirmed sales, and nothing else. */
static void
test_trading_report_details (Fixture       *f,
                             gconstpointer  user_data)
{
  g_autoptr(KvotaTestReply) chosen = choose (f, f->rep_nature, f->server->organisation_broker);
  g_autoptr(KvotaTestReply) report = NULL;
  g_autoptr(KvotaTestReply) months = NULL;
  g_autoptr(KvotaTestReply) accounts = NULL;
  g_autoptr(KvotaTestReply) sectors = NULL;
  g_autofree char *expected_accounts = NULL;
  gint64 order;
  gint64 pending;

  kvota_test_assert_status (chosen, 201);
  order = sign_ok (f, 10000, -1);
  decide_ok (f, propose_ok (f, f->rep_broker, order, f->server->account_a, 1000, 70000, "2014-02-10"),
             "confirm", NULL, "completed");
  decide_ok (f, propose_ok (f, f->rep_broker, order, f->server->account_b, 3000, 90000, "2014-02-20"),
             "confirm", NULL, "completed");
  decide_ok (f, propose_ok (f, f->rep_broker, order, f->server->account_a, 500, 80000, "2014-11-05"),
             "confirm", NULL, "completed");
  /* Neither a rejected nor a pending sale counts. */
  decide_ok (f, propose_ok (f, f->rep_broker, order, f->server->account_a, 700, 10000, "2014-11-06"),
             "reject", "{\"reason\": \"Wrong price\"}", "rejected");
  pending = propose_ok (f, f->rep_broker, order, f->server->account_a, 800, 99000, "2014-12-01");
  g_assert_cmpint (pending, >, 0);

  report = kvota_test_server_request (f->server, "GET", "/api/v1/reports/trading?year=2014", f->ministry, NULL, 0);
  kvota_test_assert_status (report, 200);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.quotas_traded"), ==, 4500);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.transactions"), ==, 3);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.prices.min_tiyn"), ==, 70000);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.prices.max_tiyn"), ==, 90000);
  /* (1000 × 700 + 3000 × 900 + 500 × 800) / 4500 tenge = 844.44… */
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.prices.average_tiyn"), ==, 84444);
  g_assert_cmpuint (kvota_test_reply_get_length (report, "years.0.months"), ==, 12);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.months.1.quotas_traded"), ==, 4000);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.months.1.transactions"), ==, 2);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.months.10.quotas_traded"), ==, 500);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.months.0.quotas_traded"), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (report, "years.0.months.0.prices")));
  /* The test's nature user is in no allocation plan: no sector. */
  g_assert_cmpuint (kvota_test_reply_get_length (report, "years.0.sectors"), ==, 1);
  g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (report, "years.0.sectors.0.sector")));
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.sectors.0.quotas_traded"), ==, 4500);
  g_assert_cmpuint (kvota_test_reply_get_length (report, "years.0.top_accounts"), ==, 3);
  g_assert_cmpstr (kvota_test_reply_get_string (report, "years.0.top_accounts.0.account"), ==,
                   f->server->account_nature);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.top_accounts.0.sold"), ==, 4500);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.top_accounts.0.transactions"), ==, 3);
  g_assert_cmpstr (kvota_test_reply_get_string (report, "years.0.top_accounts.1.account"), ==,
                   f->server->account_b);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.top_accounts.1.bought"), ==, 3000);
  g_assert_cmpint (kvota_test_reply_get_int (report, "years.0.top_accounts.2.bought"), ==, 1500);

  months = kvota_test_server_request (f->server, "GET", "/api/v1/reports/trading?year=2014&format=csv&table=months",
                                      f->admin, NULL, 0);
  kvota_test_assert_status (months, 200);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (months->body, NULL),
                                   "year,month,quotas_traded,transactions,min_price_tiyn,max_price_tiyn,"
                                   "average_price_tiyn\n2014,1,0,0,,,\n2014,2,4000,2,70000,90000,85000\n"));

  sectors = kvota_test_server_request (f->server, "GET", "/api/v1/reports/trading?format=csv&table=sectors",
                                       f->admin, NULL, 0);
  kvota_test_assert_status (sectors, 200);
  {
    static const char expected[] = "year,sector,quotas_traded,transactions\n2014,,4500,3\n";

    g_assert_cmpmem (g_bytes_get_data (sectors->body, NULL), g_bytes_get_size (sectors->body),
                     expected, strlen (expected));
  }

  accounts = kvota_test_server_request (f->server, "GET", "/api/v1/reports/trading?format=csv&table=accounts",
                                        f->admin, NULL, 0);
  kvota_test_assert_status (accounts, 200);
  expected_accounts = g_strdup_printf ("year,rank,account,name,sold,bought,transactions\n"
                                       "2014,1,%s,", f->server->account_nature);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (accounts->body, NULL), expected_accounts));

  /* Tables are for CSV; JSON has them all. */
  {
    g_autoptr(KvotaTestReply) json_table =
      kvota_test_server_request (f->server, "GET", "/api/v1/reports/trading?table=months", f->admin, NULL, 0);
    g_autoptr(KvotaTestReply) unknown =
      kvota_test_server_request (f->server, "GET", "/api/v1/reports/trading?format=csv&table=weeks", f->admin,
                                 NULL, 0);

    kvota_test_assert_error (json_table, 400, "invalid-value");
    g_assert_cmpstr (kvota_test_reply_get_string (json_table, "error.field"), ==, "table");
    kvota_test_assert_error (unknown, 400, "invalid-value");
  }

  assert_balanced (f);
  stop_and_verify (f);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/trading/mandate", Fixture, NULL, fixture_set_up, test_trading_mandate, fixture_tear_down);
  g_test_add ("/server/trading/sale", Fixture, NULL, fixture_set_up, test_trading_sale, fixture_tear_down);
  g_test_add ("/server/trading/refusals", Fixture, NULL, fixture_set_up, test_trading_refusals, fixture_tear_down);
  g_test_add ("/server/trading/buy-requests", Fixture, NULL, fixture_set_up, test_trading_buy_requests,
              fixture_tear_down);
  g_test_add ("/server/trading/four-eyes", Fixture, NULL, fixture_set_up, test_trading_four_eyes,
              fixture_tear_down);
  g_test_add ("/server/trading/report-details", Fixture, NULL, fixture_set_up, test_trading_report_details,
              fixture_tear_down);

  return g_test_run ();
}
