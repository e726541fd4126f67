/* test-compliance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-compliance"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* Compliance over HTTP: the administrator records verified emissions, the
 * nature user surrenders quotas against them and sees where it stands, and
 * holders cancel quotas voluntarily. Every refusal is checked to change
 * nothing (holdings, compliance, the ledger and the audit journal), and
 * the ledger balances after every step. */

#define VINTAGE    2014
#define YEAR       2015
#define ISSUED     10000
#define ISSUED_A   500
#define GRES       "Ekibastuz GRES-1"
#define TETS       "Pavlodar TETs-2"

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *ministry;
  char            *rep_nature;
  char            *acct_nature;
  char            *rep_broker;
  char            *rep_a;
} Fixture;

/* Everything a refused request must leave as it was. */
typedef struct
{
  char  *holdings;
  char  *compliance;
  char  *ledger;
  guint  audit;
} Snapshot;

static void
issue (Fixture    *f,
       const char *account,
       gint64      quantity)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_requestf (f->server, "POST", "/api/v1/issuances", f->admin,
                                      "{\"account\": \"%s\", \"unit_type\": \"quota\", \"vintage\": %d, "
                                      "\"quantity\": %" G_GINT64_FORMAT "}", account, VINTAGE, quantity);
  kvota_test_assert_status (reply, 201);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  f->server = kvota_test_server_new ();
  kvota_test_server_start (f->server, NULL);

  f->admin = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN);
  f->ministry = kvota_test_server_login (f->server, KVOTA_TEST_MINISTRY);
  f->rep_nature = kvota_test_server_login (f->server, KVOTA_TEST_REP_NATURE);
  f->acct_nature = kvota_test_server_login (f->server, KVOTA_TEST_ACCT_NATURE);
  f->rep_broker = kvota_test_server_login (f->server, KVOTA_TEST_REP_BROKER);
  f->rep_a = kvota_test_server_login (f->server, KVOTA_TEST_REP_A);

  issue (f, f->server->account_nature, ISSUED);
  issue (f, f->server->account_a, ISSUED_A);
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
  g_free (f->rep_a);
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
record (Fixture    *f,
        const char *token,
        gint64      organisation_id,
        const char *installation,
        gint64      tonnes)
{
  return kvota_test_server_requestf (f->server, "POST", "/api/v1/emissions", token,
                                     "{\"organisation_id\": %" G_GINT64_FORMAT ", \"installation\": \"%s\", "
                                     "\"year\": %d, \"tonnes\": %" G_GINT64_FORMAT "}",
                                     organisation_id, installation, YEAR, tonnes);
}

static void
record_ok (Fixture    *f,
           const char *installation,
           gint64      tonnes)
{
  g_autoptr(KvotaTestReply) reply = record (f, f->admin, f->server->organisation_nature, installation, tonnes);

  kvota_test_assert_status (reply, 201);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "emissions.organisation_id"), ==,
                   f->server->organisation_nature);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "emissions.installation"), ==, installation);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "emissions.year"), ==, YEAR);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "emissions.tonnes"), ==, tonnes);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "emissions.recorded_by"), ==, "admin");
}

/* EXTRA is "" or a member to add, such as `"account": "…", ` */
static KvotaTestReply *
surrender (Fixture    *f,
           const char *token,
           const char *extra,
           int         year,
           gint64      quantity)
{
  return kvota_test_server_requestf (f->server, "POST", "/api/v1/surrenders", token,
                                     "{%s\"year\": %d, \"unit_type\": \"quota\", \"vintage\": %d, "
                                     "\"quantity\": %" G_GINT64_FORMAT "}", extra, year, VINTAGE, quantity);
}

static void
surrender_ok (Fixture *f,
              gint64   quantity)
{
  g_autoptr(KvotaTestReply) reply = surrender (f, f->rep_nature, "", YEAR, quantity);

  kvota_test_assert_status (reply, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.kind"), ==, "surrender");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "completed");
  g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.quantity"), ==, quantity);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.from_account"), ==,
                   f->server->account_nature);
}

static KvotaTestReply *
cancel (Fixture    *f,
        const char *token,
        const char *extra,
        gint64      quantity)
{
  return kvota_test_server_requestf (f->server, "POST", "/api/v1/cancellations", token,
                                     "{%s\"unit_type\": \"quota\", \"vintage\": %d, "
                                     "\"quantity\": %" G_GINT64_FORMAT "}", extra, VINTAGE, quantity);
}

/* State */

static KvotaHolding
get_holding (Fixture    *f,
             const char *account)
{
  KvotaHolding holding;

  kvota_test_server_get_holding (f->server, f->admin, account, "quota", VINTAGE, &holding);
  g_assert_cmpint (holding.reserved, ==, 0);
  g_assert_cmpint (holding.pending, ==, 0);
  return holding;
}

#define assert_holding(f, account, available_, surrendered_, cancelled_)          \
  G_STMT_START {                                                                  \
    KvotaHolding h_ = get_holding ((f), (account));                               \
    g_assert_cmpint (h_.available, ==, (available_));                             \
    g_assert_cmpint (h_.surrendered, ==, (surrendered_));                         \
    g_assert_cmpint (h_.cancelled, ==, (cancelled_));                             \
  } G_STMT_END

/* The ledger balances, and its totals of the quotas of VINTAGE are these. */
static void
assert_ledger (Fixture *f,
               gint64   surrendered,
               gint64   cancelled)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *balanced = kvota_test_server_ledger (f->server, f->admin);
  JsonArray *totals;
  gboolean seen = FALSE;

  reply = kvota_test_server_request (f->server, "GET", "/api/v1/ledger", f->admin, NULL, 0);
  kvota_test_assert_status (reply, 200);
  totals = json_node_get_array (kvota_test_reply_lookup (reply, "totals"));
  for (guint i = 0; i < json_array_get_length (totals); i++)
    {
      JsonObject *total = json_array_get_object_element (totals, i);

      if (strcmp (json_object_get_string_member (total, "unit_type"), "quota") != 0 ||
          json_object_get_int_member (total, "vintage") != VINTAGE)
        continue;

      seen = TRUE;
      g_assert_cmpint (json_object_get_int_member (total, "issued"), ==, ISSUED + ISSUED_A);
      g_assert_cmpint (json_object_get_int_member (total, "surrendered"), ==, surrendered);
      g_assert_cmpint (json_object_get_int_member (total, "cancelled"), ==, cancelled);
      g_assert_cmpint (json_object_get_int_member (total, "held"), ==,
                       ISSUED + ISSUED_A - surrendered - cancelled);
    }
  g_assert_true (seen);
}

/* The nature user's standing for YEAR, as TOKEN sees it: the list must
 * hold it. */
static JsonObject *
find_standing (KvotaTestReply *reply,
               gint64          organisation_id)
{
  JsonArray *list = json_node_get_array (kvota_test_reply_lookup (reply, "compliance"));

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *entry = json_array_get_object_element (list, i);

      if (json_object_get_int_member (entry, "organisation_id") == organisation_id)
        return entry;
    }

  g_error ("The compliance list lacks organisation %" G_GINT64_FORMAT, organisation_id);
}

static void
assert_standing (Fixture    *f,
                 gint64      emitted,
                 gint64      surrendered,
                 const char *status)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/compliance?year=%d", YEAR);
  JsonObject *entry;

  reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
  kvota_test_assert_status (reply, 200);
  entry = find_standing (reply, f->server->organisation_nature);
  g_assert_cmpstr (json_object_get_string_member (entry, "account"), ==, f->server->account_nature);
  g_assert_cmpint (json_object_get_int_member (entry, "year"), ==, YEAR);
  g_assert_cmpint (json_object_get_int_member (entry, "emitted"), ==, emitted);
  g_assert_cmpint (json_object_get_int_member (entry, "surrendered"), ==, surrendered);
  g_assert_cmpint (json_object_get_int_member (entry, "due"), ==, MAX (emitted - surrendered, 0));
  g_assert_cmpstr (json_object_get_string_member (entry, "status"), ==, status);
}

static Snapshot
take_snapshot (Fixture *f)
{
  g_autofree char *nature = g_strdup_printf ("/api/v1/accounts/%s", f->server->account_nature);
  g_autofree char *a = g_strdup_printf ("/api/v1/accounts/%s", f->server->account_a);
  g_autofree char *compliance = g_strdup_printf ("/api/v1/compliance?year=%d", YEAR);
  g_autofree char *nature_body = get_body (f, f->admin, nature);
  g_autofree char *a_body = get_body (f, f->admin, a);
  Snapshot snapshot;

  snapshot.holdings = g_strconcat (nature_body, a_body, NULL);
  snapshot.compliance = get_body (f, f->admin, compliance);
  snapshot.ledger = kvota_test_server_ledger (f->server, f->admin);
  snapshot.audit = kvota_test_server_count_audit (f->server, f->admin);
  return snapshot;
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->holdings, g_free);
  g_clear_pointer (&snapshot->compliance, g_free);
  g_clear_pointer (&snapshot->ledger, g_free);
}

/* A refused request changed nothing. */
static void
assert_unchanged (Fixture  *f,
                  Snapshot *before)
{
  Snapshot after = take_snapshot (f);

  g_assert_cmpstr (after.holdings, ==, before->holdings);
  g_assert_cmpstr (after.compliance, ==, before->compliance);
  g_assert_cmpstr (after.ledger, ==, before->ledger);
  g_assert_cmpuint (after.audit, ==, before->audit);
  snapshot_clear (&after);
}

#define assert_refused(f, reply_expr, status, code)                               \
  G_STMT_START {                                                                  \
    Snapshot before_ = take_snapshot (f);                                         \
    g_autoptr(KvotaTestReply) refused_ = (reply_expr);                            \
    kvota_test_assert_error (refused_, (status), (code));                         \
    assert_unchanged ((f), &before_);                                             \
    snapshot_clear (&before_);                                                    \
  } G_STMT_END

static JsonObject *
audit_entry (JsonArray *audit,
             gint64     id)
{
  for (guint i = 0; i < json_array_get_length (audit); i++)
    {
      JsonObject *entry = json_array_get_object_element (audit, i);

      if (json_object_get_int_member (entry, "id") == id)
        return entry;
    }

  g_error ("The audit journal lacks entry %" G_GINT64_FORMAT, id);
}

/* Tests */

static void
test_compliance_surrender (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autofree char *own_account = g_strdup_printf ("\"account\": \"%s\", ", f->server->account_nature);
  g_autofree char *other_account = g_strdup_printf ("\"account\": \"%s\", ", f->server->account_a);
  g_autoptr(JsonArray) audit = NULL;
  gint64 entry;

  /* Nothing recorded yet: nothing to surrender against. */
  assert_standing (f, 0, 0, "no-emissions");
  assert_refused (f, surrender (f, f->rep_nature, "", YEAR, 100), 409, "no-verified-emissions");

  /* Verified emissions of two installations; the second record of the
   * first installation replaces its figure. */
  record_ok (f, GRES, 3000);
  record_ok (f, TETS, 1000);
  assert_standing (f, 4000, 0, "short");
  record_ok (f, GRES, 2500);
  assert_standing (f, 3500, 0, "short");
  assert_holding (f, f->server->account_nature, ISSUED, 0, 0);
  assert_ledger (f, 0, 0);

  audit = kvota_test_server_audit (f->server, f->admin);
  entry = kvota_test_audit_find (audit, 0, "emissions.record", NULL);
  g_assert_cmpint (entry, >, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (audit_entry (audit, entry),
                                                               "before")));
  {
    gint64 replaced = kvota_test_audit_find (audit, kvota_test_audit_find (audit, entry, "emissions.record", NULL),
                                             "emissions.record", NULL);
    JsonObject *object;

    g_assert_cmpint (replaced, >, 0);
    object = audit_entry (audit, replaced);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "before"), "tonnes"), ==, 3000);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "after"), "tonnes"), ==, 2500);
  }
  g_clear_pointer (&audit, json_array_unref);

  /* Emissions are recorded by the administrator, for nature users, and
   * must be sensible. */
  assert_refused (f, record (f, f->rep_nature, f->server->organisation_nature, GRES, 1), 403, "forbidden");
  assert_refused (f, record (f, f->admin, f->server->organisation_a, GRES, 1), 404, "not-found");
  assert_refused (f, record (f, f->admin, f->server->organisation_nature, GRES, -1), 400, "invalid-value");
  assert_refused (f, record (f, f->admin, f->server->organisation_nature, "", 1), 400, "invalid-value");

  /* A first surrender. */
  surrender_ok (f, 2000);
  assert_holding (f, f->server->account_nature, ISSUED - 2000, 2000, 0);
  assert_ledger (f, 2000, 0);
  assert_standing (f, 3500, 2000, "short");

  /* More than is still due, for another account, without emissions of
   * the year, for a year before the vintage, by anyone but the nature
   * user's representative. */
  assert_refused (f, surrender (f, f->rep_nature, "", YEAR, 1501), 409, "surrender-exceeds-emissions");
  assert_refused (f, surrender (f, f->rep_nature, other_account, YEAR, 100), 403, "forbidden");
  assert_refused (f, surrender (f, f->rep_nature, "", YEAR + 1, 100), 409, "no-verified-emissions");
  /* Quotas of 2014 serve 2014 and later years, never 2013. */
  assert_refused (f, surrender (f, f->rep_nature, "", VINTAGE - 1, 100), 409, "vintage-after-compliance-year");
  assert_refused (f, surrender (f, f->rep_broker, "", YEAR, 100), 403, "forbidden");
  assert_refused (f, surrender (f, f->rep_a, "", YEAR, 100), 403, "forbidden");
  assert_refused (f, surrender (f, f->acct_nature, "", YEAR, 100), 403, "forbidden");
  assert_refused (f, surrender (f, f->admin, "", YEAR, 100), 403, "forbidden");
  assert_refused (f, surrender (f, f->rep_nature, "", YEAR, 0), 400, "invalid-quantity");
  assert_refused (f, surrender (f, f->rep_nature, "", 2012, 1), 400, "invalid-value");

  /* The rest of what is due, naming its own account. */
  {
    g_autoptr(KvotaTestReply) reply = surrender (f, f->rep_nature, own_account, YEAR, 1500);

    kvota_test_assert_status (reply, 201);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.kind"), ==, "surrender");
  }
  assert_holding (f, f->server->account_nature, ISSUED - 3500, 3500, 0);
  assert_ledger (f, 3500, 0);
  assert_standing (f, 3500, 3500, "compliant");
  assert_refused (f, surrender (f, f->rep_nature, "", YEAR, 1), 409, "surrender-exceeds-emissions");

  /* Emissions larger than the account's quotas: the ledger refuses. */
  record_ok (f, TETS, 100000);
  assert_standing (f, 102500, 3500, "short");
  assert_refused (f, surrender (f, f->rep_nature, "", YEAR, ISSUED), 409, "insufficient-units");

  audit = kvota_test_server_audit (f->server, f->admin);
  g_assert_cmpint (kvota_test_audit_find (audit, 0, "ledger.surrender", NULL), >, 0);
  {
    g_autofree char *object = g_strdup_printf ("organisation/%" G_GINT64_FORMAT "/compliance/%d",
                                               f->server->organisation_nature, YEAR);

    g_assert_cmpint (kvota_test_audit_find (audit, 0, "compliance.surrender", object), >, 0);
  }
}

static void
test_compliance_visibility (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/compliance?year=%d", YEAR);
  g_autoptr(KvotaTestReply) admin = NULL;
  g_autoptr(KvotaTestReply) ministry = NULL;
  g_autoptr(KvotaTestReply) own = NULL;
  g_autoptr(KvotaTestReply) acct = NULL;
  g_autoptr(KvotaTestReply) other = NULL;
  g_autoptr(KvotaTestReply) broker = NULL;
  g_autoptr(KvotaTestReply) no_year = NULL;
  g_autoptr(KvotaTestReply) bad_year = NULL;
  g_autoptr(KvotaTestReply) unknown = NULL;

  record_ok (f, GRES, 700);

  admin = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
  kvota_test_assert_status (admin, 200);
  g_assert_cmpstr (json_object_get_string_member (find_standing (admin, f->server->organisation_nature), "status"),
                   ==, "short");
  ministry = kvota_test_server_request (f->server, "GET", path, f->ministry, NULL, 0);
  kvota_test_assert_status (ministry, 200);
  g_assert_cmpuint (kvota_test_reply_get_length (ministry, "compliance"), ==,
                    kvota_test_reply_get_length (admin, "compliance"));

  /* A nature user sees itself only. */
  own = kvota_test_server_request (f->server, "GET", path, f->rep_nature, NULL, 0);
  kvota_test_assert_status (own, 200);
  g_assert_cmpuint (kvota_test_reply_get_length (own, "compliance"), ==, 1);
  g_assert_cmpint (kvota_test_reply_get_int (own, "compliance.0.organisation_id"), ==, f->server->organisation_nature);
  g_assert_cmpint (kvota_test_reply_get_int (own, "compliance.0.emitted"), ==, 700);
  g_assert_cmpint (kvota_test_reply_get_int (own, "compliance.0.due"), ==, 700);
  acct = kvota_test_server_request (f->server, "GET", path, f->acct_nature, NULL, 0);
  kvota_test_assert_status (acct, 200);
  g_assert_cmpuint (kvota_test_reply_get_length (acct, "compliance"), ==, 1);

  other = kvota_test_server_request (f->server, "GET", path, f->rep_a, NULL, 0);
  kvota_test_assert_error (other, 403, "forbidden");
  broker = kvota_test_server_request (f->server, "GET", path, f->rep_broker, NULL, 0);
  kvota_test_assert_error (broker, 403, "forbidden");

  no_year = kvota_test_server_request (f->server, "GET", "/api/v1/compliance", f->admin, NULL, 0);
  kvota_test_assert_error (no_year, 400, "missing-field");
  bad_year = kvota_test_server_request (f->server, "GET", "/api/v1/compliance?year=1999", f->admin, NULL, 0);
  kvota_test_assert_error (bad_year, 400, "invalid-value");
  unknown = kvota_test_server_request (f->server, "GET", "/api/v1/compliance?year=2015&all=1", f->admin, NULL, 0);
  kvota_test_assert_error (unknown, 400, "unknown-field");
}

static void
test_compliance_cancellation (Fixture       *f,
                              gconstpointer  user_data)
{
  g_autofree char *nature_account = g_strdup_printf ("\"account\": \"%s\", ", f->server->account_nature);

  /* An individual cancels quotas of its own account. */
  {
    g_autoptr(KvotaTestReply) reply = cancel (f, f->rep_a, "", 200);

    kvota_test_assert_status (reply, 201);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.kind"), ==, "cancellation");
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "completed");
    g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.quantity"), ==, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.from_account"), ==, f->server->account_a);
  }
  assert_holding (f, f->server->account_a, ISSUED_A - 200, 0, 200);
  assert_ledger (f, 0, 200);

  /* More than it holds, from another account, by a broker. */
  assert_refused (f, cancel (f, f->rep_a, "", ISSUED_A - 200 + 1), 409, "insufficient-units");
  assert_refused (f, cancel (f, f->rep_a, nature_account, 1), 403, "forbidden");
  assert_refused (f, cancel (f, f->rep_broker, "", 1), 403, "forbidden");
  assert_refused (f, cancel (f, f->acct_nature, "", 1), 403, "forbidden");
  assert_refused (f, cancel (f, f->rep_a, "", -5), 400, "invalid-quantity");

  /* A nature user may cancel too, without emissions. */
  {
    g_autoptr(KvotaTestReply) reply = cancel (f, f->rep_nature, "", 300);

    kvota_test_assert_status (reply, 201);
    g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.kind"), ==, "cancellation");
  }
  assert_holding (f, f->server->account_nature, ISSUED - 300, 0, 300);
  assert_ledger (f, 0, 500);

  /* Cancelled quotas do not count as surrendered. */
  assert_standing (f, 0, 0, "no-emissions");

  {
    g_autoptr(JsonArray) audit = kvota_test_server_audit (f->server, f->admin);

    g_assert_cmpint (kvota_test_audit_find (audit, 0, "ledger.cancel", NULL), >, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/compliance/surrender", Fixture, NULL, fixture_set_up, test_compliance_surrender,
              fixture_tear_down);
  g_test_add ("/server/compliance/visibility", Fixture, NULL, fixture_set_up, test_compliance_visibility,
              fixture_tear_down);
  g_test_add ("/server/compliance/cancellation", Fixture, NULL, fixture_set_up, test_compliance_cancellation,
              fixture_tear_down);

  return g_test_run ();
}
