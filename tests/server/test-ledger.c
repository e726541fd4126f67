/* test-ledger.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ledger"

#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <string.h>

#include "kvota-test-server.h"

/* Issuing and transferring units over HTTP: the split between available
 * and pending units, confirmation, rejection and cancellation, and the
 * ledger's invariant after every step. */

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *ministry;
  char            *rep_a;
  char            *acct_a;
  char            *rep_b;
  char            *rep_nature;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = kvota_test_server_new ();
  kvota_test_server_start (fixture->server, NULL);

  fixture->admin = kvota_test_server_login (fixture->server, KVOTA_TEST_ADMIN);
  fixture->ministry = kvota_test_server_login (fixture->server, KVOTA_TEST_MINISTRY);
  fixture->rep_a = kvota_test_server_login (fixture->server, KVOTA_TEST_REP_A);
  fixture->acct_a = kvota_test_server_login (fixture->server, KVOTA_TEST_ACCT_A);
  fixture->rep_b = kvota_test_server_login (fixture->server, KVOTA_TEST_REP_B);
  fixture->rep_nature = kvota_test_server_login (fixture->server, KVOTA_TEST_REP_NATURE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_free (fixture->admin);
  g_free (fixture->ministry);
  g_free (fixture->rep_a);
  g_free (fixture->acct_a);
  g_free (fixture->rep_b);
  g_free (fixture->rep_nature);
  g_clear_pointer (&fixture->server, kvota_test_server_free);
}

/* GET /api/v1/ledger must balance, and hold what @unit_type of @vintage
 * was issued. */
static void
assert_ledger (Fixture    *fixture,
               const char *unit_type,
               int         vintage,
               gint64      issued)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *body = NULL;
  gboolean found = FALSE;
  guint n_totals;

  /* Checks balanced and issued = held + surrendered + cancelled. */
  body = kvota_test_server_ledger (fixture->server, fixture->admin);

  /* The Ministry sees the same ledger. */
  reply = kvota_test_server_request (fixture->server, "GET", "/api/v1/ledger", fixture->ministry, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_true (kvota_test_reply_get_boolean (reply, "balanced"));

  n_totals = kvota_test_reply_get_length (reply, "totals");
  for (guint i = 0; i < n_totals; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("totals.%u.", i);
      g_autofree char *type_path = g_strconcat (prefix, "unit_type", NULL);
      g_autofree char *vintage_path = g_strconcat (prefix, "vintage", NULL);
      g_autofree char *issued_path = g_strconcat (prefix, "issued", NULL);

      if (strcmp (kvota_test_reply_get_string (reply, type_path), unit_type) != 0 ||
          kvota_test_reply_get_int (reply, vintage_path) != vintage)
        continue;

      g_assert_false (found);
      found = TRUE;
      g_assert_cmpint (kvota_test_reply_get_int (reply, issued_path), ==, issued);
    }

  g_assert_true (found || issued == 0);
}

static KvotaHolding
get_holding (Fixture    *fixture,
             const char *token,
             const char *account,
             const char *unit_type,
             int         vintage)
{
  KvotaHolding holding;

  kvota_test_server_get_holding (fixture->server, token, account, unit_type, vintage, &holding);
  return holding;
}

#define assert_holding(fixture, token, account, unit_type, vintage, available_, pending_) \
  G_STMT_START {                                                                        \
    KvotaHolding h_ = get_holding ((fixture), (token), (account), (unit_type), (vintage)); \
    g_assert_cmpint (h_.available, ==, (available_));                                  \
    g_assert_cmpint (h_.pending, ==, (pending_));                                      \
    g_assert_cmpint (h_.reserved, ==, 0);                                              \
    g_assert_cmpint (h_.surrendered, ==, 0);                                           \
    g_assert_cmpint (h_.cancelled, ==, 0);                                             \
  } G_STMT_END

/* The transaction's serials are exactly the ranges given, as pairs of
 * first and last, ending with 0. */
static void
assert_serials (KvotaTestReply *reply,
                gint64          first,
                ...)
{
  gint64 quantity = 0;
  guint n_ranges = kvota_test_reply_get_length (reply, "transaction.serials");
  guint i = 0;
  va_list args;

  va_start (args, first);
  for (gint64 expected_first = first; expected_first != 0; expected_first = va_arg (args, gint64), i++)
    {
      gint64 expected_last = va_arg (args, gint64);
      g_autofree char *first_path = g_strdup_printf ("transaction.serials.%u.first", i);
      g_autofree char *last_path = g_strdup_printf ("transaction.serials.%u.last", i);

      g_assert_cmpuint (i, <, n_ranges);
      g_assert_cmpint (kvota_test_reply_get_int (reply, first_path), ==, expected_first);
      g_assert_cmpint (kvota_test_reply_get_int (reply, last_path), ==, expected_last);
      quantity += expected_last - expected_first + 1;
    }
  va_end (args);

  g_assert_cmpuint (i, ==, n_ranges);
  g_assert_cmpint (quantity, ==, kvota_test_reply_get_int (reply, "transaction.quantity"));
}

static KvotaTestReply *
issue (Fixture    *fixture,
       const char *account,
       const char *unit_type,
       int         vintage,
       gint64      quantity)
{
  KvotaTestReply *reply;

  reply = kvota_test_server_requestf (fixture->server, "POST", "/api/v1/issuances", fixture->admin,
                                      "{\"account\": \"%s\", \"unit_type\": \"%s\", \"vintage\": %d, "
                                      "\"quantity\": %" G_GINT64_FORMAT "}",
                                      account, unit_type, vintage, quantity);
  kvota_test_assert_status (reply, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.kind"), ==, "issuance");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "completed");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.unit_type"), ==, unit_type);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.vintage"), ==, vintage);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.quantity"), ==, quantity);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.to_account"), ==, account);

  return reply;
}

static KvotaTestReply *
propose (Fixture    *fixture,
         const char *token,
         const char *from,
         const char *to,
         gint64      quantity)
{
  return kvota_test_server_requestf (fixture->server, "POST", "/api/v1/transfers", token,
                                     "{\"from_account\": \"%s\", \"to_account\": \"%s\", "
                                     "\"unit_type\": \"quota\", \"vintage\": 2021, "
                                     "\"quantity\": %" G_GINT64_FORMAT ", " KVOTA_TEST_DEAL_DOCUMENTS "}",
                                     from, to, quantity);
}

static KvotaTestReply *
decide (Fixture    *fixture,
        const char *token,
        gint64      id,
        const char *action,
        const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/%s", id, action);

  return kvota_test_server_request (fixture->server, "POST", path, token, body, -1);
}

static KvotaTestReply *
get_transaction (Fixture    *fixture,
                 const char *token,
                 gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT, id);

  return kvota_test_server_request (fixture->server, "GET", path, token, NULL, 0);
}

static void
test_ledger_issue_transfer (Fixture       *fixture,
                            gconstpointer  user_data)
{
  KvotaTestServer *server = fixture->server;
  const char *a = server->account_a;
  const char *b = server->account_b;
  g_autoptr(KvotaTestReply) empty = NULL;
  g_autofree char *ledger = NULL;
  g_autofree char *ledger_after = NULL;
  gint64 id;

  /* A new registry holds nothing, and balances. */
  empty = kvota_test_server_request (server, "GET", "/api/v1/ledger", fixture->admin, NULL, 0);
  kvota_test_assert_status (empty, 200);
  g_assert_true (kvota_test_reply_get_boolean (empty, "balanced"));
  g_assert_cmpuint (kvota_test_reply_get_length (empty, "totals"), ==, 0);

  /* The administrator issues 1000 quotas of 2021 to A. */
  {
    g_autoptr(KvotaTestReply) issued = issue (fixture, a, "quota", 2021, 1000);
    g_autoptr(KvotaTestReply) offsets = NULL;

    assert_serials (issued, (gint64) 1, (gint64) 1000, (gint64) 0);
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (issued, "transaction.from_account")));
    assert_ledger (fixture, "quota", 2021, 1000);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 1000, 0);

    /* Each unit type and vintage counts its own serials. */
    offsets = issue (fixture, b, "offset", 2022, 50);
    assert_serials (offsets, (gint64) 1, (gint64) 50, (gint64) 0);
    assert_ledger (fixture, "offset", 2022, 50);
    assert_ledger (fixture, "quota", 2021, 1000);
  }

  /* A proposes 300 to B: they are pending in A until confirmed. */
  {
    g_autoptr(KvotaTestReply) proposed = propose (fixture, fixture->rep_a, a, b, 300);
    g_autoptr(KvotaTestReply) by_accountant = NULL;
    g_autoptr(KvotaTestReply) other_account = NULL;
    g_autoptr(KvotaTestReply) seen_by_accountant = NULL;
    g_autoptr(KvotaTestReply) seen_by_b = NULL;
    g_autoptr(KvotaTestReply) seen_by_nature = NULL;
    g_autoptr(KvotaTestReply) seen_by_ministry = NULL;
    g_autoptr(KvotaTestReply) from_b = NULL;
    g_autoptr(KvotaTestReply) too_many = NULL;
    g_autoptr(KvotaTestReply) same = NULL;
    g_autoptr(KvotaTestReply) nowhere = NULL;
    g_autoptr(KvotaTestReply) by_ministry = NULL;
    g_autoptr(KvotaTestReply) confirmed = NULL;
    g_autoptr(KvotaTestReply) twice = NULL;
    g_autoptr(KvotaTestReply) reject_after = NULL;
    g_autoptr(KvotaTestReply) cancel_after = NULL;
    g_autoptr(KvotaTestReply) unknown = NULL;

    kvota_test_assert_status (proposed, 201);
    id = kvota_test_reply_get_int (proposed, "transaction.id");
    g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transaction.kind"), ==, "transfer");
    g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transaction.state"), ==, "proposed");
    g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transaction.from_account"), ==, a);
    g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transaction.to_account"), ==, b);
    g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transaction.proposed_by"), ==, "rep-a");
    g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (proposed, "transaction.decided_by")));
    assert_serials (proposed, (gint64) 1, (gint64) 300, (gint64) 0);

    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 700, 300);
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 0, 0);
    assert_ledger (fixture, "quota", 2021, 1000);

    /* A's accountant reads A's account and the transfer, and nothing else. */
    assert_holding (fixture, fixture->acct_a, a, "quota", 2021, 700, 300);
    seen_by_accountant = get_transaction (fixture, fixture->acct_a, id);
    kvota_test_assert_status (seen_by_accountant, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (seen_by_accountant, "transaction.state"), ==, "proposed");
    by_accountant = propose (fixture, fixture->acct_a, a, b, 10);
    kvota_test_assert_error (by_accountant, 403, "forbidden");
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s", b);

      other_account = kvota_test_server_request (server, "GET", path, fixture->acct_a, NULL, 0);
      kvota_test_assert_error (other_account, 404, "not-found");
    }

    /* The acquiring side sees the transfer; a third party does not. */
    seen_by_b = get_transaction (fixture, fixture->rep_b, id);
    kvota_test_assert_status (seen_by_b, 200);
    seen_by_nature = get_transaction (fixture, fixture->rep_nature, id);
    kvota_test_assert_error (seen_by_nature, 404, "not-found");
    seen_by_ministry = get_transaction (fixture, fixture->ministry, id);
    kvota_test_assert_status (seen_by_ministry, 200);

    /* Refused proposals change nothing. */
    ledger = kvota_test_server_ledger (server, fixture->admin);
    from_b = propose (fixture, fixture->rep_a, b, a, 10);
    kvota_test_assert_error (from_b, 403, "forbidden");
    too_many = propose (fixture, fixture->rep_a, a, b, 701);
    kvota_test_assert_error (too_many, 409, "insufficient-units");
    same = propose (fixture, fixture->rep_a, a, a, 10);
    kvota_test_assert_error (same, 400, "same-account");
    nowhere = propose (fixture, fixture->rep_a, a, "KZ-100-999999", 10);
    kvota_test_assert_error (nowhere, 404, "not-found");
    by_ministry = decide (fixture, fixture->ministry, id, "confirm", NULL);
    kvota_test_assert_error (by_ministry, 403, "forbidden");
    ledger_after = kvota_test_server_ledger (server, fixture->admin);
    g_assert_cmpstr (ledger_after, ==, ledger);
    g_clear_pointer (&ledger, g_free);
    g_clear_pointer (&ledger_after, g_free);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 700, 300);

    /* The administrator confirms: the units move to B, once. */
    confirmed = decide (fixture, fixture->admin, id, "confirm", NULL);
    kvota_test_assert_status (confirmed, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (confirmed, "transaction.state"), ==, "completed");
    g_assert_cmpstr (kvota_test_reply_get_string (confirmed, "transaction.decided_by"), ==, "admin");
    g_assert_nonnull (kvota_test_reply_get_string (confirmed, "transaction.decided"));
    assert_serials (confirmed, (gint64) 1, (gint64) 300, (gint64) 0);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 700, 0);
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 300, 0);
    assert_ledger (fixture, "quota", 2021, 1000);

    twice = decide (fixture, fixture->admin, id, "confirm", "");
    kvota_test_assert_error (twice, 409, "invalid-state");
    reject_after = decide (fixture, fixture->admin, id, "reject", "{\"reason\": \"too late\"}");
    kvota_test_assert_error (reject_after, 409, "invalid-state");
    cancel_after = decide (fixture, fixture->rep_a, id, "cancel", NULL);
    kvota_test_assert_error (cancel_after, 409, "invalid-state");
    unknown = decide (fixture, fixture->admin, 999999, "confirm", NULL);
    kvota_test_assert_error (unknown, 404, "not-found");
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 300, 0);
    assert_ledger (fixture, "quota", 2021, 1000);
  }

  /* A rejected transfer gives the units back to A. */
  {
    g_autoptr(KvotaTestReply) proposed = propose (fixture, fixture->rep_a, a, b, 200);
    g_autoptr(KvotaTestReply) no_reason = NULL;
    g_autoptr(KvotaTestReply) by_rep = NULL;
    g_autoptr(KvotaTestReply) rejected = NULL;
    g_autoptr(KvotaTestReply) seen = NULL;

    kvota_test_assert_status (proposed, 201);
    id = kvota_test_reply_get_int (proposed, "transaction.id");
    assert_serials (proposed, (gint64) 301, (gint64) 500, (gint64) 0);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 500, 200);
    assert_ledger (fixture, "quota", 2021, 1000);

    no_reason = decide (fixture, fixture->admin, id, "reject", "{}");
    kvota_test_assert_error (no_reason, 400, "missing-field");
    by_rep = decide (fixture, fixture->rep_a, id, "reject", "{\"reason\": \"changed my mind\"}");
    kvota_test_assert_error (by_rep, 403, "forbidden");

    rejected = decide (fixture, fixture->admin, id, "reject",
                       "{\"reason\": \"The exchange confirmation is missing.\"}");
    kvota_test_assert_status (rejected, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (rejected, "transaction.state"), ==, "rejected");
    g_assert_cmpstr (kvota_test_reply_get_string (rejected, "transaction.reason"), ==,
                     "The exchange confirmation is missing.");
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 700, 0);
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 300, 0);
    assert_ledger (fixture, "quota", 2021, 1000);

    seen = get_transaction (fixture, fixture->acct_a, id);
    kvota_test_assert_status (seen, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (seen, "transaction.state"), ==, "rejected");
  }

  /* The proposer withdraws a transfer before the decision. */
  {
    g_autoptr(KvotaTestReply) proposed = propose (fixture, fixture->rep_a, a, b, 100);
    g_autoptr(KvotaTestReply) by_b = NULL;
    g_autoptr(KvotaTestReply) by_admin = NULL;
    g_autoptr(KvotaTestReply) cancelled = NULL;
    g_autoptr(KvotaTestReply) twice = NULL;
    g_autoptr(KvotaTestReply) confirm_after = NULL;

    kvota_test_assert_status (proposed, 201);
    id = kvota_test_reply_get_int (proposed, "transaction.id");
    assert_serials (proposed, (gint64) 301, (gint64) 400, (gint64) 0);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 600, 100);

    by_b = decide (fixture, fixture->rep_b, id, "cancel", NULL);
    kvota_test_assert_error (by_b, 404, "not-found");
    by_admin = decide (fixture, fixture->admin, id, "cancel", NULL);
    kvota_test_assert_error (by_admin, 403, "forbidden");
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 600, 100);

    cancelled = decide (fixture, fixture->rep_a, id, "cancel", "{\"reason\": \"wrong buyer\"}");
    kvota_test_assert_status (cancelled, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (cancelled, "transaction.state"), ==, "cancelled");
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 700, 0);
    assert_ledger (fixture, "quota", 2021, 1000);

    twice = decide (fixture, fixture->rep_a, id, "cancel", NULL);
    kvota_test_assert_error (twice, 409, "invalid-state");
    confirm_after = decide (fixture, fixture->admin, id, "confirm", NULL);
    kvota_test_assert_error (confirm_after, 409, "invalid-state");
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 700, 0);
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 300, 0);
  }

  /* New serials follow on; a transfer takes the lowest serials first and
   * spans the issuances. */
  {
    g_autoptr(KvotaTestReply) issued = issue (fixture, a, "quota", 2021, 500);
    g_autoptr(KvotaTestReply) proposed = NULL;
    g_autoptr(KvotaTestReply) confirmed = NULL;
    g_autoptr(KvotaTestReply) back = NULL;
    g_autoptr(KvotaTestReply) back_confirmed = NULL;

    assert_serials (issued, (gint64) 1001, (gint64) 1500, (gint64) 0);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 1200, 0);
    assert_ledger (fixture, "quota", 2021, 1500);

    proposed = propose (fixture, fixture->rep_a, a, b, 800);
    kvota_test_assert_status (proposed, 201);
    assert_serials (proposed, (gint64) 301, (gint64) 1100, (gint64) 0);
    confirmed = decide (fixture, fixture->admin, kvota_test_reply_get_int (proposed, "transaction.id"),
                        "confirm", NULL);
    kvota_test_assert_status (confirmed, 200);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 400, 0);
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 1100, 0);
    assert_ledger (fixture, "quota", 2021, 1500);

    /* B trades its units on, back to A. */
    back = propose (fixture, fixture->rep_b, b, a, 50);
    kvota_test_assert_status (back, 201);
    assert_serials (back, (gint64) 1, (gint64) 50, (gint64) 0);
    back_confirmed = decide (fixture, fixture->admin, kvota_test_reply_get_int (back, "transaction.id"),
                             "confirm", NULL);
    kvota_test_assert_status (back_confirmed, 200);
    assert_holding (fixture, fixture->rep_a, a, "quota", 2021, 450, 0);
    assert_holding (fixture, fixture->rep_b, b, "quota", 2021, 1050, 0);
    assert_holding (fixture, fixture->rep_b, b, "offset", 2022, 50, 0);
    assert_ledger (fixture, "quota", 2021, 1500);
    assert_ledger (fixture, "offset", 2022, 50);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/ledger/issue-transfer", Fixture, NULL,
              fixture_set_up, test_ledger_issue_transfer, fixture_tear_down);

  return g_test_run ();
}
