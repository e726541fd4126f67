/* test-bad-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-bad-input"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* Requests a careless or hostile client might send. Each one gets its
 * 4xx status and error code, and none of them changes the ledger or adds
 * to the audit journal. */

typedef enum
{
  AS_NOBODY,
  AS_ADMIN,
  AS_REP_A,
} Caller;

typedef struct
{
  const char *what;
  Caller      caller;
  const char *method;
  const char *path;       /* {A} and {B} stand for the accounts */
  const char *body;       /* likewise, and {BIN} for an unused valid BIN */
  guint       status;
  const char *code;
  const char *field;      /* the member the error names, or NULL */
} BadInput;

#define ISSUE "/api/v1/issuances"
#define ORGS  "/api/v1/organisations"
#define USERS "/api/v1/users"

static const BadInput bad_inputs[] = {
  /* Not JSON, or not an object */
  { "truncated JSON", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\",", 400, "malformed-json", NULL },
  { "prose", AS_ADMIN, "POST", ISSUE, "please issue 5 quotas", 400, "malformed-json", NULL },
  /* An empty body reads as an empty object: the first missing member is named. */
  { "empty body", AS_ADMIN, "POST", ISSUE, "", 400, "missing-field", "account" },
  /* json-glib takes the first of several documents and drops the rest:
   * the server must not act on half of what was sent. */
  { "two documents", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5} "
    "{\"quantity\": 7}", 400, "malformed-json", NULL },
  { "two arrays", AS_ADMIN, "POST", ISSUE, "[1] [2]", 400, "malformed-json", NULL },
  { "trailing text", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5} x",
    400, "malformed-json", NULL },
  { "trailing comma", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5,}",
    400, "malformed-json", NULL },
  { "a member twice", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{B}\", \"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 5}", 400, "malformed-json", NULL },
  { "leading zero", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 05}",
    400, "malformed-json", NULL },
  { "plus sign", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": +5}",
    400, "malformed-json", NULL },
  { "hexadecimal", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 0x10}",
    400, "malformed-json", NULL },
  { "comment", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", /* \"unit_type\": \"offset\", */ \"unit_type\": \"quota\", "
    "\"vintage\": 2021, \"quantity\": 5}", 400, "malformed-json", NULL },
  { "single quotes", AS_ADMIN, "POST", ISSUE,
    "{'account': '{A}', 'unit_type': 'quota', 'vintage': 2021, 'quantity': 5}", 400, "malformed-json", NULL },
  { "array", AS_ADMIN, "POST", ISSUE,
    "[{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}]",
    400, "wrong-type", NULL },
  { "bare number", AS_ADMIN, "POST", ISSUE, "5", 400, "wrong-type", NULL },

  /* Wrong types: nothing is coerced or rounded */
  { "quantity as a string", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": \"5\"}",
    400, "wrong-type", "quantity" },
  { "fractional quantity", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 1.5}",
    400, "wrong-type", "quantity" },
  { "quantity in exponent form", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5e2}",
    400, "wrong-type", "quantity" },
  { "boolean quantity", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": true}",
    400, "wrong-type", "quantity" },
  { "null quantity", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": null}",
    400, "wrong-type", "quantity" },
  { "account as an object", AS_ADMIN, "POST", ISSUE,
    "{\"account\": {\"number\": \"{A}\"}, \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}",
    400, "wrong-type", "account" },
  { "vintage as a string", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": \"2021\", \"quantity\": 5}",
    400, "wrong-type", "vintage" },

  /* Members the route does not take, or lacks */
  { "unknown member", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5, \"price\": 7}",
    400, "unknown-field", "price" },
  { "missing quantity", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021}",
    400, "missing-field", "quantity" },
  { "empty object", AS_ADMIN, "POST", ISSUE, "{}", 400, "missing-field", NULL },

  /* Quantities */
  { "negative quantity", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": -5}",
    400, "invalid-quantity", "quantity" },
  { "zero quantity", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 0}",
    400, "invalid-quantity", "quantity" },
  { "quantity beyond 64 bits", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 99999999999999999999}",
    400, "quantity-overflow", "quantity" },
  { "quantity of 2^63", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 9223372036854775808}",
    400, "quantity-overflow", "quantity" },
  { "negative quantity beyond 64 bits", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": -99999999999999999999}",
    400, "quantity-overflow", "quantity" },
  { "serials beyond 64 bits", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 9223372036854775807}",
    400, "quantity-overflow", NULL },
  { "negative transfer", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": -100, " KVOTA_TEST_DEAL_DOCUMENTS "}", 400, "invalid-quantity", "quantity" },
  { "transfer beyond the holding", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 901, " KVOTA_TEST_DEAL_DOCUMENTS "}", 409, "insufficient-units", "quantity" },

  /* Values out of range */
  { "vintage 1990", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 1990, \"quantity\": 5}",
    400, "invalid-value", "vintage" },
  { "vintage 2101", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"quota\", \"vintage\": 2101, \"quantity\": 5}",
    400, "invalid-value", "vintage" },
  { "transfer without documents", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 5}", 400, "missing-field", "documents" },
  { "transfer with no document", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 5, \"documents\": []}", 400, "invalid-value", "documents" },
  { "transfer with a text file", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 5, \"documents\": [{\"name\": \"a.txt\", \"data\": \"aGVsbG8gd29ybGQK\"}]}",
    400, "invalid-document", "documents" },
  { "transfer with a negative price", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 5, \"price_tiyn\": -1, " KVOTA_TEST_DEAL_DOCUMENTS "}", 400, "invalid-value", "price_tiyn" },
  { "transfer dated in week notation", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 2021, "
    "\"quantity\": 5, \"deal_date\": \"2021-W10-3\", " KVOTA_TEST_DEAL_DOCUMENTS "}",
    400, "invalid-value", "deal_date" },
  { "transfer of vintage 1990", AS_REP_A, "POST", "/api/v1/transfers",
    "{\"from_account\": \"{A}\", \"to_account\": \"{B}\", \"unit_type\": \"quota\", \"vintage\": 1990, "
    "\"quantity\": 5, " KVOTA_TEST_DEAL_DOCUMENTS "}", 400, "invalid-value", "vintage" },
  { "unknown unit type", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\", \"unit_type\": \"gold\", \"vintage\": 2021, \"quantity\": 5}",
    400, "invalid-value", "unit_type" },

  /* Things that do not exist */
  { "unknown account", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"KZ-100-999999\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}",
    404, "not-found", "account" },
  { "unknown account to read", AS_ADMIN, "GET", "/api/v1/accounts/KZ-100-999999", NULL,
    404, "not-found", NULL },
  { "unknown transaction", AS_ADMIN, "GET", "/api/v1/transactions/999999", NULL, 404, "not-found", NULL },
  { "transaction id that is no number", AS_ADMIN, "GET", "/api/v1/transactions/abc", NULL,
    404, "not-found", NULL },
  { "negative transaction id", AS_ADMIN, "POST", "/api/v1/transactions/-1/confirm", NULL,
    404, "not-found", NULL },
  { "confirming an unknown transaction", AS_ADMIN, "POST", "/api/v1/transactions/999999/confirm", NULL,
    404, "not-found", NULL },
  { "confirming an issuance", AS_ADMIN, "POST", "/api/v1/transactions/1/confirm", NULL,
    409, "invalid-state", NULL },
  { "unknown organisation", AS_ADMIN, "GET", "/api/v1/organisations/999999", NULL, 404, "not-found", NULL },
  { "user of an unknown organisation", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 999999, \"username\": \"new-user\", \"password\": \"long-enough-password\", "
    "\"full_name\": \"New User\", \"role\": \"representative\"}", 404, "not-found", "organisation_id" },
  { "blocking an unknown user", AS_ADMIN, "POST", "/api/v1/users/999999/block",
    "{\"reason\": \"no such user\"}", 404, "not-found", NULL },

  /* SQL in strings is only ever data */
  { "SQL as an account", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"x'; DROP TABLE blocks;--\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}",
    404, "not-found", "account" },
  { "SQL in the path", AS_ADMIN, "GET", "/api/v1/accounts/x'%3B%20DROP%20TABLE%20blocks%3B--", NULL,
    404, "not-found", NULL },
  { "SQL as a username", AS_NOBODY, "POST", "/api/v1/session",
    "{\"username\": \"x' OR '1'='1\", \"password\": \"x'; DROP TABLE users;--\"}",
    401, "bad-credentials", NULL },
  { "SQL as a new username", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 1, \"username\": \"x'; DROP TABLE users;--\", "
    "\"password\": \"long-enough-password\", \"full_name\": \"Robert'); DROP TABLE users;--\", "
    "\"role\": \"administrator\"}", 400, "invalid-value", "username" },
  { "SQL as an organisation's name", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"x'; DROP TABLE blocks;--\", \"bin\": \"12345678901X\", \"holder_type\": \"individual\"}",
    400, "invalid-bin", NULL },

  /* Text that is not clean */
  { "invalid UTF-8", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"KZ\xff\xfe-100\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}",
    400, "invalid-utf8", NULL },
  { "overlong UTF-8", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"\xc0\xaf" "etc\", \"bin\": \"{BIN}\", \"holder_type\": \"individual\"}",
    400, "invalid-utf8", NULL },
  { "escaped NUL", AS_ADMIN, "POST", ISSUE,
    "{\"account\": \"{A}\\u0000\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}",
    400, "invalid-value", "account" },
  { "escaped NUL in a reason", AS_ADMIN, "POST", "/api/v1/users/4/block",
    "{\"reason\": \"fraud\\u0000hidden\"}", 400, "invalid-value", "reason" },
  { "line break in a name", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Two\\nLines\", \"bin\": \"{BIN}\", \"holder_type\": \"individual\"}",
    400, "invalid-value", "name" },
  { "blank name", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"   \", \"bin\": \"{BIN}\", \"holder_type\": \"individual\"}",
    400, "invalid-value", "name" },

  /* Identities */
  { "BIN with a wrong check digit", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Wrong Digit LLP\", \"bin\": \"150540000058\", \"holder_type\": \"individual\"}",
    400, "invalid-bin", NULL },
  { "BIN of 11 digits", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Short LLP\", \"bin\": \"15054000005\", \"holder_type\": \"individual\"}",
    400, "invalid-bin", NULL },
  { "BIN of letters", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Letters LLP\", \"bin\": \"ABCDEFGHIJKL\", \"holder_type\": \"individual\"}",
    400, "invalid-bin", NULL },
  { "duplicate BIN", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Copycat LLP\", \"bin\": \"150540000057\", \"holder_type\": \"individual\"}",
    409, "duplicate-bin", "bin" },
  { "a second registry", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Shadow registry\", \"bin\": \"{BIN}\", \"holder_type\": \"registry\"}",
    400, "invalid-value", "holder_type" },
  { "unknown holder type", AS_ADMIN, "POST", ORGS,
    "{\"name\": \"Alien LLP\", \"bin\": \"{BIN}\", \"holder_type\": \"alien\"}",
    400, "invalid-value", "holder_type" },
  { "duplicate username", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 5, \"username\": \"rep-a\", \"password\": \"long-enough-password\", "
    "\"full_name\": \"Another Rep\", \"role\": \"representative\"}", 409, "duplicate-username", "username" },
  { "duplicate username in capitals", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 5, \"username\": \"REP-A\", \"password\": \"long-enough-password\", "
    "\"full_name\": \"Another Rep\", \"role\": \"representative\"}", 409, "duplicate-username", "username" },
  { "weak password", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 5, \"username\": \"new-user\", \"password\": \"short\", "
    "\"full_name\": \"New User\", \"role\": \"representative\"}", 400, "weak-password", "password" },
  { "role that does not fit the organisation", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 5, \"username\": \"new-user\", \"password\": \"long-enough-password\", "
    "\"full_name\": \"New User\", \"role\": \"administrator\"}", 400, "invalid-value", "role" },
  { "unknown role", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 5, \"username\": \"new-user\", \"password\": \"long-enough-password\", "
    "\"full_name\": \"New User\", \"role\": \"owner\"}", 400, "invalid-value", "role" },
  { "username with a space", AS_ADMIN, "POST", USERS,
    "{\"organisation_id\": 5, \"username\": \"new user\", \"password\": \"long-enough-password\", "
    "\"full_name\": \"New User\", \"role\": \"representative\"}", 400, "invalid-value", "username" },

  /* Query parameters */
  { "audit limit 0", AS_ADMIN, "GET", "/api/v1/audit?limit=0", NULL, 400, "invalid-value", "limit" },
  { "audit limit 5000", AS_ADMIN, "GET", "/api/v1/audit?limit=5000", NULL, 400, "invalid-value", "limit" },
  { "audit after -1", AS_ADMIN, "GET", "/api/v1/audit?after=-1", NULL, 400, "invalid-value", "after" },
  { "unknown audit parameter", AS_ADMIN, "GET", "/api/v1/audit?order=desc", NULL, 400, "unknown-field", "order" },
  { "ledger parameter", AS_ADMIN, "GET", "/api/v1/ledger?unit_type=quota", NULL, 400, "unknown-field", NULL },

  /* Paths and methods */
  { "PUT on issuances", AS_ADMIN, "PUT", ISSUE, "{}", 405, "method-not-allowed", NULL },
  { "DELETE on the ledger", AS_ADMIN, "DELETE", "/api/v1/ledger", NULL, 405, "method-not-allowed", NULL },
  { "PATCH on a transaction", AS_ADMIN, "PATCH", "/api/v1/transactions/1", "{}", 405, "method-not-allowed", NULL },
  { "unknown path", AS_ADMIN, "GET", "/api/v1/nothing-here", NULL, 404, "not-found", NULL },
  { "unknown path without a token", AS_NOBODY, "GET", "/api/v1/nothing-here", NULL, 404, "not-found", NULL },
  { "another API version", AS_ADMIN, "GET", "/api/v2/health", NULL, 404, "not-found", NULL },
  { "the root", AS_NOBODY, "GET", "/", NULL, 404, "not-found", NULL },
  { "a trailing segment", AS_ADMIN, "GET", "/api/v1/ledger/extra", NULL, 404, "not-found", NULL },
};

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *rep_a;
  char            *free_bin;
  char            *ledger;
  guint            audit_count;
} Fixture;

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static char *
expand (Fixture    *fixture,
        const char *text)
{
  g_autofree char *a = replace (text, "{A}", fixture->server->account_a);
  g_autofree char *b = replace (a, "{B}", fixture->server->account_b);

  return replace (b, "{BIN}", fixture->free_bin);
}

/* Nothing changed: the same ledger, no new audit entry, a live server. */
static void
assert_unchanged (Fixture    *fixture,
                  const char *what)
{
  g_autofree char *ledger = kvota_test_server_ledger (fixture->server, fixture->admin);

  if (strcmp (ledger, fixture->ledger) != 0)
    g_error ("“%s” changed the ledger from\n%s\nto\n%s", what, fixture->ledger, ledger);
  if (kvota_test_server_count_audit (fixture->server, fixture->admin) != fixture->audit_count)
    g_error ("“%s” added to the audit journal", what);
}

static void
run_bad_input (Fixture        *fixture,
               const BadInput *bad)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *path = expand (fixture, bad->path);
  g_autofree char *body = bad->body != NULL ? expand (fixture, bad->body) : NULL;
  const char *token = bad->caller == AS_ADMIN ? fixture->admin :
                      bad->caller == AS_REP_A ? fixture->rep_a : NULL;
  JsonNode *field;

  g_test_message ("%s: %s %s", bad->what, bad->method, path);

  reply = kvota_test_server_request (fixture->server, bad->method, path, token, body, -1);
  kvota_test_assert_error (reply, bad->status, bad->code);

  if (bad->field != NULL)
    {
      field = kvota_test_json_lookup (reply->json, "error.field");
      if (field == NULL || g_strcmp0 (json_node_get_string (field), bad->field) != 0)
        g_error ("“%s”: the error should name the member “%s”", bad->what, bad->field);
    }

  assert_unchanged (fixture, bad->what);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(KvotaTestReply) issued = NULL;
  g_autoptr(KvotaTestReply) proposed = NULL;

  fixture->server = kvota_test_server_new ();
  kvota_test_server_start (fixture->server, NULL);
  fixture->admin = kvota_test_server_login (fixture->server, KVOTA_TEST_ADMIN);
  fixture->rep_a = kvota_test_server_login (fixture->server, KVOTA_TEST_REP_A);

  /* A valid BIN nobody has, so only the fault under test is wrong. */
  fixture->free_bin = kvota_test_bin_make ("16074000003");
  g_assert_nonnull (fixture->free_bin);

  /* Something in the ledger to keep intact: units held and pending. */
  issued = kvota_test_server_requestf (fixture->server, "POST", "/api/v1/issuances", fixture->admin,
                                       "{\"account\": \"%s\", \"unit_type\": \"quota\", "
                                       "\"vintage\": 2021, \"quantity\": 1000}",
                                       fixture->server->account_a);
  kvota_test_assert_status (issued, 201);
  g_assert_cmpint (kvota_test_reply_get_int (issued, "transaction.id"), ==, 1);
  proposed = kvota_test_server_requestf (fixture->server, "POST", "/api/v1/transfers", fixture->rep_a,
                                         "{\"from_account\": \"%s\", \"to_account\": \"%s\", "
                                         "\"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 100, "
                                         KVOTA_TEST_DEAL_DOCUMENTS "}",
                                         fixture->server->account_a, fixture->server->account_b);
  kvota_test_assert_status (proposed, 201);

  fixture->ledger = kvota_test_server_ledger (fixture->server, fixture->admin);
  fixture->audit_count = kvota_test_server_count_audit (fixture->server, fixture->admin);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_free (fixture->admin);
  g_free (fixture->rep_a);
  g_free (fixture->free_bin);
  g_free (fixture->ledger);
  g_clear_pointer (&fixture->server, kvota_test_server_free);
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  KvotaTestServer *server = fixture->server;

  /* The ids and accounts the table assumes. */
  g_assert_cmpint (server->organisation_a, ==, 5);
  g_assert_cmpint (server->user_ids[KVOTA_TEST_REP_A], ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    run_bad_input (fixture, &bad_inputs[i]);

  /* 405 says which methods the path takes. */
  {
    g_autoptr(KvotaTestReply) put = NULL;
    g_autoptr(KvotaTestReply) session = NULL;
    const char *allow;

    put = kvota_test_server_request (server, "PUT", ISSUE, fixture->admin, "{}", -1);
    kvota_test_assert_error (put, 405, "method-not-allowed");
    g_assert_cmpstr (soup_message_headers_get_one (put->headers, "Allow"), ==, "POST");

    session = kvota_test_server_request (server, "PUT", "/api/v1/session", fixture->admin, "{}", -1);
    kvota_test_assert_error (session, 405, "method-not-allowed");
    allow = soup_message_headers_get_one (session->headers, "Allow");
    g_assert_nonnull (allow);
    g_assert_nonnull (strstr (allow, "POST"));
    g_assert_nonnull (strstr (allow, "DELETE"));
    g_assert_null (strstr (allow, "PUT"));
  }

  /* A body over 64 KiB is refused before it is read. */
  {
    g_autoptr(GString) big = g_string_new ("{\"account\": \"");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(SoupMessage) message = NULL;
    g_autoptr(KvotaTestReply) reply = NULL;
    g_autoptr(KvotaTestReply) plain = NULL;
    g_autoptr(KvotaTestReply) just_under = NULL;

    while (big->len < 65 * 1024)
      g_string_append (big, "KZ-100-000005");
    g_string_append (big, "\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}");

    /* A careful client asks first, and never sends the body... */
    message = kvota_test_server_message_new (server, "POST", ISSUE, fixture->admin);
    bytes = g_bytes_new (big->str, big->len);
    soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    soup_message_headers_set_expectations (soup_message_get_request_headers (message),
                                           SOUP_EXPECTATION_CONTINUE);
    reply = kvota_test_server_send (server, message);
    kvota_test_assert_error (reply, 413, "body-too-large");
    assert_unchanged (fixture, "a body over 64 KiB");

    /* ...and one that just sends it gets the same answer. */
    plain = kvota_test_server_request (server, "POST", ISSUE, fixture->admin, big->str, big->len);
    kvota_test_assert_error (plain, 413, "body-too-large");
    assert_unchanged (fixture, "a body over 64 KiB without Expect");

    /* Up to the limit, the body is read and judged on its content. */
    g_string_truncate (big, 0);
    g_string_append (big, "{\"account\": \"");
    while (big->len < 64 * 1024 - 200)
      g_string_append_c (big, 'K');
    g_string_append (big, "\", \"unit_type\": \"quota\", \"vintage\": 2021, \"quantity\": 5}");
    g_assert_cmpuint (big->len, <=, 64 * 1024);
    just_under = kvota_test_server_request (server, "POST", ISSUE, fixture->admin, big->str, big->len);
    kvota_test_assert_error (just_under, 400, "invalid-value");
    assert_unchanged (fixture, "a body just under 64 KiB");
  }

  /* A body without a length is refused. */
  {
    static const char body[] = "{\"account\": \"KZ-100-000005\", \"unit_type\": \"quota\", "
                               "\"vintage\": 2021, \"quantity\": 5}";
    g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (body, sizeof body - 1, NULL);
    g_autoptr(SoupMessage) message = NULL;
    g_autoptr(KvotaTestReply) reply = NULL;

    message = kvota_test_server_message_new (server, "POST", ISSUE, fixture->admin);
    soup_message_set_request_body (message, "application/json", stream, -1);
    reply = kvota_test_server_send (server, message);
    kvota_test_assert_error (reply, 411, "length-required");
    assert_unchanged (fixture, "a chunked body");
  }

  /* The server still serves, and valid requests still work. */
  kvota_test_server_assert_health (server);
  {
    g_autoptr(KvotaTestReply) me = NULL;

    me = kvota_test_server_request (server, "GET", "/api/v1/me", fixture->admin, NULL, 0);
    kvota_test_assert_status (me, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/bad-input", Fixture, NULL, fixture_set_up, test_bad_input, fixture_tear_down);

  return g_test_run ();
}
