/* test-access.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-access"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"
#include "kvota-totp.h"

/* Access management over HTTP: who may add users where, blocking and
 * restoring whole organisations, passwords changed and reset, and
 * two-factor login, optional or required. Every action is journaled. */

#define USERS "/api/v1/users"
#define ME    "/api/v1/me"

static const char readable_alphabet[] = "ACDEFGHJKMNPQRTUVWXY34679";

/* Helpers */

static char *
reply_text (KvotaTestReply *reply)
{
  return g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
}

static void
assert_field (KvotaTestReply *reply,
              const char     *field)
{
  JsonNode *node = reply->json != NULL ? kvota_test_json_lookup (reply->json, "error.field") : NULL;
  const char *actual = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

  if (g_strcmp0 (actual, field) != 0)
    {
      g_autofree char *described = kvota_test_reply_describe (reply);

      g_error ("The error should name the member “%s”, not “%s”: %s", field, actual, described);
    }
}

static void
assert_time_near (const char *text,
                  gint64      seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan off;

  g_assert_nonnull (time);
  off = g_date_time_difference (time, now) - seconds * G_TIME_SPAN_SECOND;
  g_assert_cmpint (off, >, -G_TIME_SPAN_MINUTE);
  g_assert_cmpint (off, <, G_TIME_SPAN_MINUTE);
}

static KvotaTestReply *
get (KvotaTestServer *server,
     const char      *path,
     const char      *token)
{
  return kvota_test_server_request (server, "GET", path, token, NULL, 0);
}

/* GET /api/v1/me answers 200 to TOKEN, or the error CODE with STATUS. */
static void
assert_token (KvotaTestServer *server,
              const char      *token,
              guint            status,
              const char      *code)
{
  g_autoptr(KvotaTestReply) me = get (server, ME, token);

  if (code == NULL)
    kvota_test_assert_status (me, status);
  else
    kvota_test_assert_error (me, status, code);
}

static void
assert_login (KvotaTestServer *server,
              const char      *username,
              const char      *password,
              guint            status,
              const char      *code)
{
  g_autoptr(KvotaTestReply) login = kvota_test_server_login_as (server, username, password);

  if (code == NULL)
    kvota_test_assert_status (login, status);
  else
    kvota_test_assert_error (login, status, code);
}

static KvotaTestReply *
create_user (KvotaTestServer *server,
             const char      *token,
             gint64           organisation_id,
             const char      *username,
             const char      *password,
             const char      *role)
{
  return kvota_test_server_requestf (server, "POST", USERS, token,
                                     "{\"organisation_id\": %" G_GINT64_FORMAT ", \"username\": \"%s\", "
                                     "\"password\": \"%s\", \"full_name\": \"Person called %s\", "
                                     "\"role\": \"%s\"}",
                                     organisation_id, username, password, username, role);
}

static KvotaTestReply *
post_id (KvotaTestServer *server,
         const char      *token,
         const char      *kind,
         gint64           id,
         const char      *action,
         const char      *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/%s", kind, id, action);

  return kvota_test_server_request (server, "POST", path, token, body, -1);
}

static guint
count_users (KvotaTestServer *server,
             const char      *token)
{
  g_autoptr(KvotaTestReply) users = get (server, USERS, token);

  kvota_test_assert_status (users, 200);
  return kvota_test_reply_get_length (users, "users");
}

/* Asserts the journal has ACTION on OBJECT after entry AFTER, and returns
 * that entry. */
static gint64
assert_journaled (JsonArray  *audit,
                  gint64      after,
                  const char *action,
                  const char *object,
                  const char *actor)
{
  gint64 id = kvota_test_audit_find (audit, after, action, object);

  if (id == 0)
    g_error ("The audit journal has no “%s” on “%s” after entry %" G_GINT64_FORMAT,
             action, object != NULL ? object : "anything", after);

  if (actor != NULL)
    {
      for (guint i = 0; i < json_array_get_length (audit); i++)
        {
          JsonObject *entry = json_array_get_object_element (audit, i);

          if (json_object_get_int_member (entry, "id") == id)
            g_assert_cmpstr (json_object_get_string_member (entry, "actor"), ==, actor);
        }
    }

  return id;
}

static char *
object_name (const char *kind,
             gint64      id)
{
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT, kind, id);
}

/* Users of an organisation */

static void
test_access_users (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autofree char *admin = NULL;
  g_autofree char *ministry = NULL;
  g_autofree char *rep = NULL;
  g_autofree char *acct = NULL;
  g_autoptr(KvotaTestReply) added_rep = NULL;
  g_autoptr(KvotaTestReply) added_acct = NULL;
  g_autoptr(KvotaTestReply) added_ministry = NULL;
  g_autoptr(KvotaTestReply) own = NULL;
  g_autoptr(JsonArray) audit = NULL;
  gint64 a;
  gint64 rep_a2;
  gint64 acct_a2;
  gint64 analyst;
  guint users_before;
  guint audit_before;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  ministry = kvota_test_server_login (server, KVOTA_TEST_MINISTRY);
  rep = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  acct = kvota_test_server_login (server, KVOTA_TEST_ACCT_A);
  a = server->organisation_a;

  /* A representative adds a representative and an accountant to its own
   * organisation. */
  added_rep = create_user (server, rep, a, "rep-a2", "rep-a2-pass-0100", "representative");
  kvota_test_assert_status (added_rep, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (added_rep, "user.username"), ==, "rep-a2");
  g_assert_cmpstr (kvota_test_reply_get_string (added_rep, "user.role"), ==, "representative");
  g_assert_cmpstr (kvota_test_reply_get_string (added_rep, "user.state"), ==, "active");
  g_assert_cmpint (kvota_test_reply_get_int (added_rep, "user.organisation.id"), ==, a);
  g_assert_cmpstr (kvota_test_reply_get_string (added_rep, "user.organisation.account"), ==, server->account_a);
  {
    g_autofree char *text = reply_text (added_rep);

    g_assert_null (strstr (text, "rep-a2-pass-0100"));
  }
  rep_a2 = kvota_test_reply_get_int (added_rep, "user.id");
  added_acct = create_user (server, rep, a, "acct-a2", "acct-a2-pass-0101", "accountant");
  kvota_test_assert_status (added_acct, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (added_acct, "user.role"), ==, "accountant");
  acct_a2 = kvota_test_reply_get_int (added_acct, "user.id");

  /* Refused, and nothing changes. */
  users_before = count_users (server, admin);
  audit_before = kvota_test_server_count_audit (server, admin);
  {
    static const struct
    {
      const char *what;
      int         organisation;   /* 0: A, 1: B, 2: the registry, 3: the Ministry, 4: none */
      const char *username;
      const char *password;
      const char *role;
      gboolean    as_accountant;
      guint       status;
      const char *code;
      const char *field;
    } refused[] = {
      { "to another organisation", 1, "rep-a3", "rep-a3-pass-0102", "representative", FALSE,
        403, "forbidden", "organisation_id" },
      { "an administrator in the registry", 2, "rep-admin", "rep-admin-pass-0103", "administrator", FALSE,
        403, "forbidden", "organisation_id" },
      { "ministry staff in the Ministry", 3, "rep-ministry", "rep-ministry-pass-0104", "ministry", FALSE,
        403, "forbidden", "organisation_id" },
      { "to an organisation that does not exist", 4, "rep-a3", "rep-a3-pass-0102", "representative", FALSE,
        403, "forbidden", "organisation_id" },
      { "an administrator in its own organisation", 0, "rep-admin", "rep-admin-pass-0103", "administrator",
        FALSE, 400, "invalid-value", "role" },
      { "ministry staff in its own organisation", 0, "rep-ministry", "rep-ministry-pass-0104", "ministry",
        FALSE, 400, "invalid-value", "role" },
      { "a role that does not exist", 0, "rep-owner", "rep-owner-pass-0105", "owner", FALSE,
        400, "invalid-value", "role" },
      { "a taken username", 0, "acct-b", "acct-b-pass-0106", "accountant", FALSE,
        409, "duplicate-username", "username" },
      { "a taken username in capitals", 0, "ACCT-A2", "acct-b-pass-0106", "accountant", FALSE,
        409, "duplicate-username", "username" },
      { "a username with a slash", 0, "acct/a3", "acct-a3-pass-0107", "accountant", FALSE,
        400, "invalid-value", "username" },
      { "a weak password", 0, "acct-a3", "123456789", "accountant", FALSE, 400, "weak-password", "password" },
      { "by an accountant", 0, "acct-a3", "acct-a3-pass-0107", "accountant", TRUE, 403, "forbidden", NULL },
    };
    const gint64 organisations[] = { a, server->organisation_b, server->organisation_registry,
                                     server->organisation_ministry, 999999 };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autoptr(KvotaTestReply) reply = NULL;

        g_test_message ("A representative adds %s", refused[i].what);
        reply = create_user (server, refused[i].as_accountant ? acct : rep,
                             organisations[refused[i].organisation], refused[i].username,
                             refused[i].password, refused[i].role);
        kvota_test_assert_error (reply, refused[i].status, refused[i].code);
        if (refused[i].field != NULL)
          assert_field (reply, refused[i].field);
      }
  }
  {
    g_autoptr(KvotaTestReply) by_ministry = create_user (server, ministry, a, "acct-a3", "acct-a3-pass-0107",
                                                         "accountant");
    g_autoptr(KvotaTestReply) wrong_org = create_user (server, admin, a, "analyst2", "analyst2-pass-0108",
                                                       "ministry");
    g_autoptr(KvotaTestReply) no_org = create_user (server, admin, 999999, "analyst2", "analyst2-pass-0108",
                                                    "ministry");

    kvota_test_assert_error (by_ministry, 403, "forbidden");
    kvota_test_assert_error (wrong_org, 400, "invalid-value");
    assert_field (wrong_org, "role");
    kvota_test_assert_error (no_org, 404, "not-found");
    assert_field (no_org, "organisation_id");
  }
  g_assert_cmpuint (count_users (server, admin), ==, users_before);
  g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_before);

  /* The administrator adds Ministry staff, who read but do not act. */
  added_ministry = create_user (server, admin, server->organisation_ministry, "analyst2",
                                "analyst2-pass-0108", "ministry");
  kvota_test_assert_status (added_ministry, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (added_ministry, "user.role"), ==, "ministry");
  g_assert_cmpstr (kvota_test_reply_get_string (added_ministry, "user.organisation.holder_type"), ==, "ministry");
  analyst = kvota_test_reply_get_int (added_ministry, "user.id");
  {
    g_autoptr(KvotaTestReply) login = kvota_test_server_login_as (server, "analyst2", "analyst2-pass-0108");
    g_autoptr(KvotaTestReply) ledger = NULL;
    g_autoptr(KvotaTestReply) issue = NULL;

    kvota_test_assert_status (login, 201);
    ledger = get (server, "/api/v1/ledger", kvota_test_reply_get_string (login, "token"));
    kvota_test_assert_status (ledger, 200);
    issue = kvota_test_server_requestf (server, "POST", "/api/v1/issuances",
                                        kvota_test_reply_get_string (login, "token"),
                                        "{\"account\": \"%s\", \"unit_type\": \"quota\", \"vintage\": 2020, "
                                        "\"quantity\": 1}", server->account_a);
    kvota_test_assert_error (issue, 403, "forbidden");
  }

  /* The new colleagues log in. */
  assert_login (server, "rep-a2", "rep-a2-pass-0100", 201, NULL);
  assert_login (server, "acct-a2", "acct-a2-pass-0101", 201, NULL);

  /* A company sees its own people only. */
  own = get (server, USERS, rep);
  kvota_test_assert_status (own, 200);
  g_assert_cmpuint (kvota_test_reply_get_length (own, "users"), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("users.%u.organisation.id", i);

      g_assert_cmpint (kvota_test_reply_get_int (own, path), ==, a);
    }
  g_assert_cmpstr (kvota_test_reply_get_string (own, "users.0.username"), ==, "rep-a");
  g_assert_cmpstr (kvota_test_reply_get_string (own, "users.1.username"), ==, "acct-a");
  g_assert_cmpstr (kvota_test_reply_get_string (own, "users.2.username"), ==, "rep-a2");
  g_assert_cmpstr (kvota_test_reply_get_string (own, "users.3.username"), ==, "acct-a2");
  {
    g_autofree char *own_path = g_strdup_printf (USERS "?organisation_id=%" G_GINT64_FORMAT, a);
    g_autofree char *other_path = g_strdup_printf (USERS "?organisation_id=%" G_GINT64_FORMAT,
                                                   server->organisation_b);
    g_autoptr(KvotaTestReply) filtered = get (server, own_path, acct);
    g_autoptr(KvotaTestReply) other = get (server, other_path, rep);
    g_autoptr(KvotaTestReply) unknown = get (server, USERS "?organisation=1", rep);
    g_autoptr(KvotaTestReply) bad = get (server, USERS "?organisation_id=first", rep);
    g_autoptr(KvotaTestReply) everyone = get (server, USERS, ministry);
    g_autoptr(KvotaTestReply) b_only = get (server, other_path, ministry);
    g_autofree char *own_text = reply_text (own);
    g_autofree char *filtered_text = reply_text (filtered);

    kvota_test_assert_status (filtered, 200);
    g_assert_cmpstr (filtered_text, ==, own_text);
    kvota_test_assert_error (other, 404, "not-found");
    kvota_test_assert_error (unknown, 400, "unknown-field");
    kvota_test_assert_error (bad, 400, "invalid-value");
    kvota_test_assert_status (everyone, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (everyone, "users"), ==, KVOTA_TEST_N_USERS + 3);
    kvota_test_assert_status (b_only, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (b_only, "users"), ==, 2);
    g_assert_cmpstr (kvota_test_reply_get_string (b_only, "users.0.username"), ==, "rep-b");
  }

  /* Journaled, with who did it. */
  audit = kvota_test_server_audit (server, admin);
  {
    g_autofree char *rep_object = object_name ("user", rep_a2);
    g_autofree char *acct_object = object_name ("user", acct_a2);
    g_autofree char *analyst_object = object_name ("user", analyst);
    gint64 entry;

    entry = assert_journaled (audit, 0, "user.create", rep_object, "rep-a");
    entry = assert_journaled (audit, entry, "user.create", acct_object, "rep-a");
    assert_journaled (audit, entry, "user.create", analyst_object, "admin");
  }
}

/* Blocking a whole organisation */

static void
test_access_block_organisation (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autofree char *admin = NULL;
  g_autofree char *rep_a = NULL;
  g_autofree char *rep_b = NULL;
  g_autofree char *acct_b = NULL;
  g_autofree char *ledger = NULL;
  g_autoptr(KvotaTestReply) issued = NULL;
  g_autoptr(KvotaTestReply) first = NULL;
  g_autoptr(KvotaTestReply) second = NULL;
  g_autoptr(KvotaTestReply) blocked = NULL;
  g_autoptr(KvotaTestReply) restored = NULL;
  g_autoptr(JsonArray) audit = NULL;
  gint64 b;
  gint64 first_id;
  gint64 second_id;
  guint audit_before;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  rep_a = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  rep_b = kvota_test_server_login (server, KVOTA_TEST_REP_B);
  acct_b = kvota_test_server_login (server, KVOTA_TEST_ACCT_B);
  b = server->organisation_b;

  /* Two transfers from A to B wait for a decision. */
  issued = kvota_test_server_requestf (server, "POST", "/api/v1/issuances", admin,
                                       "{\"account\": \"%s\", \"unit_type\": \"quota\", "
                                       "\"vintage\": 2021, \"quantity\": 1000}", server->account_a);
  kvota_test_assert_status (issued, 201);
  first = kvota_test_server_requestf (server, "POST", "/api/v1/transfers", rep_a,
                                      "{\"from_account\": \"%s\", \"to_account\": \"%s\", \"unit_type\": "
                                      "\"quota\", \"vintage\": 2021, \"quantity\": 100, " KVOTA_TEST_DEAL_DOCUMENTS "}",
                                      server->account_a, server->account_b);
  kvota_test_assert_status (first, 201);
  first_id = kvota_test_reply_get_int (first, "transaction.id");
  second = kvota_test_server_requestf (server, "POST", "/api/v1/transfers", rep_a,
                                       "{\"from_account\": \"%s\", \"to_account\": \"%s\", \"unit_type\": "
                                       "\"quota\", \"vintage\": 2021, \"quantity\": 50, " KVOTA_TEST_DEAL_DOCUMENTS "}",
                                       server->account_a, server->account_b);
  kvota_test_assert_status (second, 201);
  second_id = kvota_test_reply_get_int (second, "transaction.id");

  /* A block needs a reason. */
  ledger = kvota_test_server_ledger (server, admin);
  audit_before = kvota_test_server_count_audit (server, admin);
  {
    g_autoptr(KvotaTestReply) no_body = post_id (server, admin, "organisations", b, "block", NULL);
    g_autoptr(KvotaTestReply) empty = post_id (server, admin, "organisations", b, "block", "{}");
    g_autoptr(KvotaTestReply) blank = post_id (server, admin, "organisations", b, "block", "{\"reason\": \"\\t \"}");
    g_autoptr(KvotaTestReply) registry = post_id (server, admin, "organisations", server->organisation_registry,
                                                  "block", "{\"reason\": \"Testing\"}");
    g_autoptr(KvotaTestReply) ministry = post_id (server, admin, "organisations", server->organisation_ministry,
                                                  "block", "{\"reason\": \"Testing\"}");
    g_autoptr(KvotaTestReply) missing = post_id (server, admin, "organisations", 999999, "block",
                                                 "{\"reason\": \"Testing\"}");
    g_autoptr(KvotaTestReply) not_blocked = post_id (server, admin, "organisations", b, "restore", NULL);
    g_autoptr(KvotaTestReply) by_rep = post_id (server, rep_a, "organisations", b, "block",
                                                "{\"reason\": \"Competitor\"}");

    kvota_test_assert_error (no_body, 400, "missing-field");
    assert_field (no_body, "reason");
    kvota_test_assert_error (empty, 400, "missing-field");
    assert_field (empty, "reason");
    kvota_test_assert_error (blank, 400, "invalid-value");
    assert_field (blank, "reason");
    /* The registry and the Ministry are blocked user by user. */
    kvota_test_assert_error (registry, 409, "invalid-state");
    kvota_test_assert_error (ministry, 409, "invalid-state");
    kvota_test_assert_error (missing, 404, "not-found");
    kvota_test_assert_error (not_blocked, 409, "invalid-state");
    kvota_test_assert_error (by_rep, 403, "forbidden");
  }
  g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_before);
  assert_token (server, rep_b, 200, NULL);

  blocked = post_id (server, admin, "organisations", b, "block",
                     "{\"reason\": \"Licence suspended\\nby order No. 12\"}");
  kvota_test_assert_status (blocked, 200);
  g_assert_cmpint (kvota_test_reply_get_int (blocked, "organisation.id"), ==, b);
  g_assert_cmpstr (kvota_test_reply_get_string (blocked, "organisation.state"), ==, "blocked");

  /* Every session of its users ends at once, and none can begin. */
  assert_token (server, rep_b, 403, "user-blocked");
  assert_token (server, acct_b, 403, "user-blocked");
  assert_login (server, "rep-b", kvota_test_user_password (KVOTA_TEST_REP_B), 403, "user-blocked");
  assert_login (server, "acct-b", kvota_test_user_password (KVOTA_TEST_ACCT_B), 403, "user-blocked");
  /* Not A's. */
  assert_token (server, rep_a, 200, NULL);

  /* Its account receives nothing. */
  {
    g_autofree char *before = kvota_test_server_ledger (server, admin);
    g_autofree char *after = NULL;
    g_autoptr(KvotaTestReply) issue = NULL;
    g_autoptr(KvotaTestReply) propose = NULL;
    g_autoptr(KvotaTestReply) confirm = NULL;
    g_autoptr(KvotaTestReply) again = NULL;
    guint audit_now = kvota_test_server_count_audit (server, admin);

    issue = kvota_test_server_requestf (server, "POST", "/api/v1/issuances", admin,
                                        "{\"account\": \"%s\", \"unit_type\": \"quota\", "
                                        "\"vintage\": 2021, \"quantity\": 10}", server->account_b);
    kvota_test_assert_error (issue, 409, "account-blocked");
    assert_field (issue, "account");
    propose = kvota_test_server_requestf (server, "POST", "/api/v1/transfers", rep_a,
                                          "{\"from_account\": \"%s\", \"to_account\": \"%s\", \"unit_type\": "
                                          "\"quota\", \"vintage\": 2021, \"quantity\": 10, " KVOTA_TEST_DEAL_DOCUMENTS "}",
                                          server->account_a, server->account_b);
    kvota_test_assert_error (propose, 409, "account-blocked");
    assert_field (propose, "to_account");
    confirm = post_id (server, admin, "transactions", first_id, "confirm", NULL);
    kvota_test_assert_error (confirm, 409, "account-blocked");
    assert_field (confirm, "to_account");
    again = post_id (server, admin, "organisations", b, "block", "{\"reason\": \"Twice\"}");
    kvota_test_assert_error (again, 409, "invalid-state");

    after = kvota_test_server_ledger (server, admin);
    g_assert_cmpstr (after, ==, before);
    g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_now);
  }

  /* Restored: its users log in again; the ended sessions stay ended. */
  restored = post_id (server, admin, "organisations", b, "restore", "{\"reason\": \"Licence renewed\"}");
  kvota_test_assert_status (restored, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (restored, "organisation.state"), ==, "active");
  {
    g_autoptr(KvotaTestReply) again = post_id (server, admin, "organisations", b, "restore", NULL);

    kvota_test_assert_error (again, 409, "invalid-state");
  }
  assert_token (server, rep_b, 401, "session-revoked");
  g_free (rep_b);
  rep_b = kvota_test_server_login (server, KVOTA_TEST_REP_B);
  assert_token (server, rep_b, 200, NULL);
  assert_login (server, "acct-b", kvota_test_user_password (KVOTA_TEST_ACCT_B), 201, NULL);
  {
    g_autoptr(KvotaTestReply) confirm = post_id (server, admin, "transactions", first_id, "confirm", NULL);
    g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s", server->account_b);
    g_autoptr(KvotaTestReply) holdings = NULL;

    kvota_test_assert_status (confirm, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (confirm, "transaction.state"), ==, "completed");
    holdings = get (server, path, rep_b);
    kvota_test_assert_status (holdings, 200);
    g_assert_cmpint (kvota_test_reply_get_int (holdings, "holdings.0.available"), ==, 100);
  }

  /* A blocked account sends nothing either: the transfer it proposed
   * before the block cannot complete, but can be rejected. */
  {
    g_autoptr(KvotaTestReply) block_a = post_id (server, admin, "organisations", server->organisation_a, "block",
                                                 "{\"reason\": \"Under investigation\"}");
    g_autoptr(KvotaTestReply) confirm = NULL;
    g_autoptr(KvotaTestReply) reject = NULL;
    g_autoptr(KvotaTestReply) restore_a = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    kvota_test_assert_status (block_a, 200);
    before = kvota_test_server_ledger (server, admin);
    confirm = post_id (server, admin, "transactions", second_id, "confirm", NULL);
    kvota_test_assert_error (confirm, 409, "account-blocked");
    assert_field (confirm, "from_account");
    after = kvota_test_server_ledger (server, admin);
    g_assert_cmpstr (after, ==, before);
    reject = post_id (server, admin, "transactions", second_id, "reject", "{\"reason\": \"Sender blocked\"}");
    kvota_test_assert_status (reject, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (reject, "transaction.state"), ==, "rejected");
    restore_a = post_id (server, admin, "organisations", server->organisation_a, "restore", NULL);
    kvota_test_assert_status (restore_a, 200);
  }

  /* Users are blocked one by one the same way. */
  {
    g_autofree char *acct = kvota_test_server_login (server, KVOTA_TEST_ACCT_B);
    gint64 id = server->user_ids[KVOTA_TEST_ACCT_B];
    g_autoptr(KvotaTestReply) no_reason = post_id (server, admin, "users", id, "block", "{}");
    g_autoptr(KvotaTestReply) block = NULL;
    g_autoptr(KvotaTestReply) restore = NULL;

    kvota_test_assert_error (no_reason, 400, "missing-field");
    block = post_id (server, admin, "users", id, "block", "{\"reason\": \"Left the company\"}");
    kvota_test_assert_status (block, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (block, "user.state"), ==, "blocked");
    assert_token (server, acct, 403, "user-blocked");
    assert_login (server, "acct-b", kvota_test_user_password (KVOTA_TEST_ACCT_B), 403, "user-blocked");
    assert_token (server, rep_b, 200, NULL);
    restore = post_id (server, admin, "users", id, "restore", NULL);
    kvota_test_assert_status (restore, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (restore, "user.state"), ==, "active");
    assert_token (server, acct, 401, "session-revoked");
    assert_login (server, "acct-b", kvota_test_user_password (KVOTA_TEST_ACCT_B), 201, NULL);
  }

  audit = kvota_test_server_audit (server, admin);
  {
    g_autofree char *b_object = object_name ("organisation", b);
    g_autofree char *a_object = object_name ("organisation", server->organisation_a);
    g_autofree char *acct_object = object_name ("user", server->user_ids[KVOTA_TEST_ACCT_B]);
    gint64 entry;

    entry = assert_journaled (audit, 0, "organisation.block", b_object, "admin");
    entry = assert_journaled (audit, entry, "organisation.restore", b_object, "admin");
    entry = assert_journaled (audit, entry, "ledger.transfer.confirm", NULL, "admin");
    entry = assert_journaled (audit, entry, "organisation.block", a_object, "admin");
    entry = assert_journaled (audit, entry, "ledger.transfer.reject", NULL, "admin");
    entry = assert_journaled (audit, entry, "organisation.restore", a_object, "admin");
    entry = assert_journaled (audit, entry, "user.block", acct_object, "admin");
    assert_journaled (audit, entry, "user.restore", acct_object, "admin");
  }
}

/* Passwords */

static void
test_access_password_change (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autofree char *admin = NULL;
  g_autofree char *token = NULL;
  g_autoptr(KvotaTestReply) changed = NULL;
  g_autoptr(KvotaTestReply) audit_page = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *audit_text = NULL;
  const char *old_password = kvota_test_user_password (KVOTA_TEST_REP_B);
  static const char new_password[] = "a much better passphrase";
  guint audit_before;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  token = kvota_test_server_login (server, KVOTA_TEST_REP_B);

  audit_before = kvota_test_server_count_audit (server, admin);
  {
    g_autoptr(KvotaTestReply) empty = kvota_test_server_request (server, "POST", ME "/password", token, "{}", -1);
    g_autoptr(KvotaTestReply) wrong = NULL;
    g_autoptr(KvotaTestReply) weak = NULL;
    g_autoptr(KvotaTestReply) weak_and_wrong = NULL;

    kvota_test_assert_error (empty, 400, "missing-field");
    wrong = kvota_test_server_requestf (server, "POST", ME "/password", token,
                                        "{\"current_password\": \"guessing-the-password\", "
                                        "\"new_password\": \"%s\"}", new_password);
    kvota_test_assert_error (wrong, 403, "wrong-password");
    assert_field (wrong, "current_password");
    weak = kvota_test_server_requestf (server, "POST", ME "/password", token,
                                       "{\"current_password\": \"%s\", \"new_password\": \"short\"}", old_password);
    kvota_test_assert_error (weak, 400, "weak-password");
    assert_field (weak, "new_password");
    /* The current password is checked first: a wrong one learns nothing
     * about the policy. */
    weak_and_wrong = kvota_test_server_request (server, "POST", ME "/password", token,
                                                "{\"current_password\": \"guess\", \"new_password\": \"x\"}", -1);
    kvota_test_assert_error (weak_and_wrong, 403, "wrong-password");
  }
  /* Refusals change nothing, and the session goes on. */
  g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_before);
  assert_token (server, token, 200, NULL);
  assert_login (server, "rep-b", old_password, 201, NULL);

  changed = kvota_test_server_requestf (server, "POST", ME "/password", token,
                                        "{\"current_password\": \"%s\", \"new_password\": \"%s\"}",
                                        old_password, new_password);
  kvota_test_assert_status (changed, 204);
  g_assert_cmpuint (g_bytes_get_size (changed->body), ==, 0);

  assert_login (server, "rep-b", old_password, 401, "bad-credentials");
  assert_login (server, "rep-b", new_password, 201, NULL);

  audit = kvota_test_server_audit (server, admin);
  {
    g_autofree char *object = object_name ("user", server->user_ids[KVOTA_TEST_REP_B]);

    assert_journaled (audit, 0, "user.password.change", object, "rep-b");
  }
  audit_page = get (server, "/api/v1/audit?limit=1000", admin);
  audit_text = reply_text (audit_page);
  g_assert_null (strstr (audit_text, new_password));
  g_assert_null (strstr (audit_text, old_password));
}

/* Whoever holds a session guesses its current password no faster than
 * at the login: wrong guesses count as failed logins. */
static void
test_access_password_guessing (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autofree char *admin = NULL;
  g_autofree char *token = NULL;
  const char *password = kvota_test_user_password (KVOTA_TEST_REP_B);
  guint audit_before;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  token = kvota_test_server_login (server, KVOTA_TEST_REP_B);
  audit_before = kvota_test_server_count_audit (server, admin);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(KvotaTestReply) wrong =
        kvota_test_server_requestf (server, "POST", ME "/password", token,
                                    "{\"current_password\": \"guess number %u\", "
                                    "\"new_password\": \"a much better passphrase\"}", i);

      kvota_test_assert_error (wrong, 403, "wrong-password");
    }

  /* Now even the right password is refused, here and at the login. */
  {
    g_autoptr(KvotaTestReply) right =
      kvota_test_server_requestf (server, "POST", ME "/password", token,
                                  "{\"current_password\": \"%s\", "
                                  "\"new_password\": \"a much better passphrase\"}", password);

    kvota_test_assert_error (right, 429, "too-many-attempts");
  }
  assert_login (server, "rep-b", password, 429, "too-many-attempts");

  /* Nothing changed, and the session itself goes on. */
  g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_before);
  assert_token (server, token, 200, NULL);
}

static void
test_access_password_reset (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autofree char *admin = NULL;
  g_autofree char *token = NULL;
  g_autofree char *reset_key = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *pattern = NULL;
  g_autoptr(KvotaTestReply) reset = NULL;
  g_autoptr(KvotaTestReply) finished = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autoptr(KvotaTestReply) audit_page = NULL;
  g_autofree char *audit_text = NULL;
  const char *old_password = kvota_test_user_password (KVOTA_TEST_ACCT_B);
  static const char new_password[] = "reset-and-renewed-0042";
  gint64 id;
  guint audit_before;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  token = kvota_test_server_login (server, KVOTA_TEST_ACCT_B);
  id = server->user_ids[KVOTA_TEST_ACCT_B];

  audit_before = kvota_test_server_count_audit (server, admin);
  {
    g_autoptr(KvotaTestReply) with_body = post_id (server, admin, "users", id, "reset-password", "{\"key\": \"x\"}");
    g_autoptr(KvotaTestReply) missing = post_id (server, admin, "users", 999999, "reset-password", NULL);
    g_autoptr(KvotaTestReply) by_rep = NULL;
    g_autofree char *rep = kvota_test_server_login (server, KVOTA_TEST_REP_B);

    kvota_test_assert_error (with_body, 400, "unknown-field");
    kvota_test_assert_error (missing, 404, "not-found");
    by_rep = post_id (server, rep, "users", id, "reset-password", NULL);
    kvota_test_assert_error (by_rep, 403, "forbidden");
  }
  g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_before);
  assert_token (server, token, 200, NULL);

  /* The administrator resets the password: a one-time key for 24 hours. */
  reset = post_id (server, admin, "users", id, "reset-password", NULL);
  kvota_test_assert_status (reset, 200);
  reset_key = g_strdup (kvota_test_reply_get_string (reset, "reset_key"));
  pattern = g_strdup_printf ("^[%s]{4}(-[%s]{4}){3}$", readable_alphabet, readable_alphabet);
  if (!g_regex_match_simple (pattern, reset_key, 0, 0))
    g_error ("“%s” is not a reset key of four groups of four readable characters", reset_key);
  assert_time_near (kvota_test_reply_get_string (reset, "expires"), 24 * 60 * 60);

  /* The old password no longer works, and the user's sessions ended. */
  assert_login (server, "acct-b", old_password, 403, "password-reset-pending");
  assert_token (server, token, 401, "session-revoked");

  /* Wrong keys, wrong users, weak passwords. */
  {
    g_autofree char *other_user = NULL;
    g_autoptr(KvotaTestReply) wrong = NULL;
    g_autoptr(KvotaTestReply) garbage = NULL;
    g_autoptr(KvotaTestReply) weak = NULL;
    g_autoptr(KvotaTestReply) empty = NULL;

    wrong = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                        "{\"username\": \"acct-b\", \"reset_key\": \"%s\", \"new_password\": \"%s\"}",
                                        strcmp (reset_key, "AAAA-CCCC-DDDD-EEEE") != 0 ?
                                        "AAAA-CCCC-DDDD-EEEE" : "CCCC-AAAA-DDDD-EEEE", new_password);
    kvota_test_assert_error (wrong, 400, "invalid-reset-key");
    assert_field (wrong, "reset_key");
    garbage = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                          "{\"username\": \"acct-b\", \"reset_key\": \"let me in\", "
                                          "\"new_password\": \"%s\"}", new_password);
    kvota_test_assert_error (garbage, 400, "invalid-reset-key");
    /* Another user's name with this key. */
    other_user = kvota_test_server_login (server, KVOTA_TEST_REP_B);
    {
      g_autoptr(KvotaTestReply) other = NULL;

      other = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                          "{\"username\": \"rep-b\", \"reset_key\": \"%s\", \"new_password\": \"%s\"}",
                                          reset_key, new_password);
      kvota_test_assert_error (other, 400, "invalid-reset-key");
      assert_token (server, other_user, 200, NULL);
    }
    weak = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                       "{\"username\": \"acct-b\", \"reset_key\": \"%s\", \"new_password\": \"weak\"}",
                                       reset_key);
    kvota_test_assert_error (weak, 400, "weak-password");
    assert_field (weak, "new_password");
    empty = kvota_test_server_request (server, "POST", "/api/v1/password-reset", NULL, "{}", -1);
    kvota_test_assert_error (empty, 400, "missing-field");
  }
  assert_login (server, "acct-b", old_password, 403, "password-reset-pending");

  /* The right key, typed as people do: lower case, spaces for dashes. */
  typed = g_ascii_strdown (reset_key, -1);
  g_strdelimit (typed, "-", ' ');
  finished = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                         "{\"username\": \"acct-b\", \"reset_key\": \"%s\", \"new_password\": \"%s\"}",
                                         typed, new_password);
  kvota_test_assert_status (finished, 204);
  assert_login (server, "acct-b", new_password, 201, NULL);
  assert_login (server, "acct-b", old_password, 401, "bad-credentials");
  assert_token (server, token, 401, "session-revoked");

  /* Once only. */
  {
    g_autoptr(KvotaTestReply) twice = NULL;

    twice = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                        "{\"username\": \"acct-b\", \"reset_key\": \"%s\", "
                                        "\"new_password\": \"yet-another-password\"}", reset_key);
    kvota_test_assert_error (twice, 400, "invalid-reset-key");
    assert_login (server, "acct-b", new_password, 201, NULL);
  }

  audit = kvota_test_server_audit (server, admin);
  {
    g_autofree char *object = object_name ("user", id);
    gint64 entry;

    entry = assert_journaled (audit, 0, "user.password.reset", object, "admin");
    assert_journaled (audit, entry, "user.password.set-after-reset", object, "acct-b");
  }
  audit_page = get (server, "/api/v1/audit?limit=1000", admin);
  audit_text = reply_text (audit_page);
  g_assert_null (strstr (audit_text, reset_key));
  g_assert_null (strstr (audit_text, new_password));

  /* Reset keys are guessed no more freely than passwords. */
  {
    g_autoptr(KvotaTestReply) reset_rep = post_id (server, admin, "users", server->user_ids[KVOTA_TEST_REP_A],
                                                   "reset-password", NULL);
    g_autoptr(KvotaTestReply) locked = NULL;
    g_autoptr(KvotaTestReply) login = NULL;
    const char *key;

    kvota_test_assert_status (reset_rep, 200);
    key = kvota_test_reply_get_string (reset_rep, "reset_key");
    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(KvotaTestReply) guess = NULL;

        guess = kvota_test_server_request (server, "POST", "/api/v1/password-reset", NULL,
                                           "{\"username\": \"rep-a\", \"reset_key\": \"0000-0000-0000-0000\", "
                                           "\"new_password\": \"guessed-password-1\"}", -1);
        kvota_test_assert_error (guess, 400, "invalid-reset-key");
      }
    locked = kvota_test_server_requestf (server, "POST", "/api/v1/password-reset", NULL,
                                         "{\"username\": \"rep-a\", \"reset_key\": \"%s\", "
                                         "\"new_password\": \"the-real-new-password\"}", key);
    kvota_test_assert_error (locked, 429, "too-many-attempts");
    g_assert_nonnull (soup_message_headers_get_one (locked->headers, "Retry-After"));
    login = kvota_test_server_login_as (server, "rep-a", kvota_test_user_password (KVOTA_TEST_REP_A));
    kvota_test_assert_error (login, 429, "too-many-attempts");
  }
}

/* One-time codes, computed here from RFC 6238 with GLib alone */

static GBytes *
base32_decode (const char *text)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint buffer = 0;
  guint bits = 0;

  for (const char *p = text; *p != '\0' && *p != '='; p++)
    {
      const char *found = strchr (alphabet, g_ascii_toupper (*p));

      g_assert_nonnull (found);
      buffer = (buffer << 5) | (guint) (found - alphabet);
      bits += 5;
      if (bits >= 8)
        {
          guint8 byte = (guint8) (buffer >> (bits - 8));

          g_byte_array_append (bytes, &byte, 1);
          bits -= 8;
          buffer &= (1u << bits) - 1;
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static char *
rfc6238 (GBytes *key,
         gint64  unix_time,
         guint   digits)
{
  g_autoptr(GHmac) hmac = NULL;
  guint64 counter = (guint64) unix_time / KVOTA_TOTP_PERIOD;
  guint8 message[8];
  guint8 digest[20];
  gsize digest_length = sizeof digest;
  gsize key_length;
  gconstpointer key_data = g_bytes_get_data (key, &key_length);
  guint32 binary;
  guint32 modulo = 1;
  guint offset;

  for (int i = 7; i >= 0; i--, counter >>= 8)
    message[i] = counter & 0xff;

  hmac = g_hmac_new (G_CHECKSUM_SHA1, key_data, key_length);
  g_hmac_update (hmac, message, sizeof message);
  g_hmac_get_digest (hmac, digest, &digest_length);
  g_assert_cmpuint (digest_length, ==, 20);

  /* Dynamic truncation, RFC 4226 section 5.3. */
  offset = digest[19] & 0x0f;
  binary = ((guint32) (digest[offset] & 0x7f) << 24) | ((guint32) digest[offset + 1] << 16) |
           ((guint32) digest[offset + 2] << 8) | digest[offset + 3];
  for (guint i = 0; i < digits; i++)
    modulo *= 10;

  return g_strdup_printf ("%0*u", (int) digits, binary % modulo);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The code of time step STEP. */
static char *
code_of_step (const char *secret,
              gint64      step)
{
  return kvota_totp_generate (secret, step * KVOTA_TOTP_PERIOD);
}

/* A six-digit code that is none of those around now. */
static char *
wrong_code (const char *secret)
{
  gint64 step = now_seconds () / KVOTA_TOTP_PERIOD;
  g_autoptr(GPtrArray) near = g_ptr_array_new_with_free_func (g_free);

  for (gint64 s = step - 3; s <= step + 3; s++)
    g_ptr_array_add (near, code_of_step (secret, s));

  for (guint candidate = 123456; candidate < 123456 + 100; candidate++)
    {
      g_autofree char *code = g_strdup_printf ("%06u", candidate);

      if (!g_ptr_array_find_with_equal_func (near, code, g_str_equal, NULL))
        return g_steal_pointer (&code);
    }

  g_assert_not_reached ();
}

static void
test_access_totp_reference (void)
{
  /* RFC 6238 appendix B, SHA-1: the secret is the ASCII of the digits. */
  static const struct
  {
    gint64      time;
    const char *eight;
  } vectors[] = {
    { 59, "94287082" },
    { 1111111109, "07081804" },
    { 1111111111, "14050471" },
    { 1234567890, "89005924" },
    { 2000000000, "69279037" },
  };
  g_autoptr(GBytes) key = g_bytes_new_static ("12345678901234567890", 20);
  g_autoptr(GBytes) decoded = base32_decode ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

  /* The base32 of the RFC's secret, decoded here, is that secret. */
  g_assert_true (g_bytes_equal (decoded, key));

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *eight = rfc6238 (key, vectors[i].time, 8);
      g_autofree char *six = rfc6238 (key, vectors[i].time, 6);
      g_autofree char *ours = kvota_totp_generate ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", vectors[i].time);

      g_assert_cmpstr (eight, ==, vectors[i].eight);
      g_assert_cmpstr (six, ==, vectors[i].eight + 2);
      g_assert_cmpstr (ours, ==, six);
    }
}

/* Two-factor login, by choice */

static void
test_access_two_factor (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autofree char *admin = NULL;
  g_autofree char *token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *enrolled_secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *login_code = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(KvotaTestReply) started = NULL;
  g_autoptr(KvotaTestReply) me = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) audit = NULL;
  const char *password = kvota_test_user_password (KVOTA_TEST_REP_NATURE);
  gint64 step;
  gint64 now;

  /* Set up before the server starts: a second user with two-factor
   * login, for the throttling at the end. */
  enrolled_secret = kvota_test_server_enable_two_factor (server, KVOTA_TEST_ACCT_NATURE);
  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  token = kvota_test_server_login (server, KVOTA_TEST_REP_NATURE);

  me = get (server, ME, token);
  kvota_test_assert_status (me, 200);
  g_assert_false (kvota_test_reply_get_boolean (me, "two_factor"));
  g_assert_false (kvota_test_reply_get_boolean (me, "two_factor_required"));
  g_clear_pointer (&me, kvota_test_reply_free);

  /* Nothing to confirm before enrolment starts. */
  {
    g_autoptr(KvotaTestReply) early = kvota_test_server_request (server, "POST", ME "/two-factor/confirm", token,
                                                                 "{\"otp\": \"123456\"}", -1);
    g_autoptr(KvotaTestReply) with_body = kvota_test_server_request (server, "POST", ME "/two-factor", token,
                                                                     "{\"username\": \"rep-nature\"}", -1);

    kvota_test_assert_error (early, 409, "invalid-state");
    kvota_test_assert_error (with_body, 400, "unknown-field");
  }

  /* Enrolment: a secret and the URI an authenticator app reads. */
  started = kvota_test_server_request (server, "POST", ME "/two-factor", token, NULL, 0);
  kvota_test_assert_status (started, 200);
  secret = g_strdup (kvota_test_reply_get_string (started, "secret"));
  uri = g_uri_parse (kvota_test_reply_get_string (started, "provisioning_uri"), G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "otpauth");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "totp");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/Kvota:rep-nature");
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "secret"), ==, secret);
  g_assert_cmpstr (g_hash_table_lookup (params, "issuer"), ==, "Kvota");
  g_assert_cmpstr (g_hash_table_lookup (params, "algorithm"), ==, "SHA1");
  g_assert_cmpstr (g_hash_table_lookup (params, "digits"), ==, "6");
  g_assert_cmpstr (g_hash_table_lookup (params, "period"), ==, "30");

  /* 160 random bits; the core's codes are RFC 6238's. */
  key = base32_decode (secret);
  g_assert_cmpuint (g_bytes_get_size (key), ==, 20);
  now = now_seconds ();
  for (gint64 t = now - 60; t <= now + 60; t += 30)
    {
      g_autofree char *reference = rfc6238 (key, t, 6);
      g_autofree char *core = kvota_totp_generate (secret, t);

      g_assert_cmpstr (core, ==, reference);
    }

  /* Nothing changes for logins until the enrolment is confirmed. */
  assert_login (server, "rep-nature", password, 201, NULL);

  /* A wrong code, then the right one. */
  wrong = wrong_code (secret);
  {
    g_autoptr(KvotaTestReply) bad = NULL;
    g_autoptr(KvotaTestReply) short_code = NULL;
    g_autoptr(KvotaTestReply) empty = NULL;

    bad = kvota_test_server_requestf (server, "POST", ME "/two-factor/confirm", token, "{\"otp\": \"%s\"}", wrong);
    kvota_test_assert_error (bad, 403, "wrong-otp");
    assert_field (bad, "otp");
    short_code = kvota_test_server_request (server, "POST", ME "/two-factor/confirm", token,
                                            "{\"otp\": \"12345\"}", -1);
    kvota_test_assert_error (short_code, 403, "wrong-otp");
    empty = kvota_test_server_request (server, "POST", ME "/two-factor/confirm", token, "{}", -1);
    kvota_test_assert_error (empty, 400, "missing-field");
    assert_field (empty, "otp");
  }
  assert_login (server, "rep-nature", password, 201, NULL);

  step = now_seconds () / KVOTA_TOTP_PERIOD;
  code = code_of_step (secret, step);
  {
    g_autoptr(KvotaTestReply) confirmed = kvota_test_server_requestf (server, "POST", ME "/two-factor/confirm",
                                                                      token, "{\"otp\": \"%s\"}", code);
    g_autoptr(KvotaTestReply) restart = kvota_test_server_request (server, "POST", ME "/two-factor", token, NULL, 0);

    kvota_test_assert_status (confirmed, 204);
    kvota_test_assert_error (restart, 409, "invalid-state");
  }
  me = get (server, ME, token);
  kvota_test_assert_status (me, 200);
  g_assert_true (kvota_test_reply_get_boolean (me, "two_factor"));

  /* From now on logins need the code: missing, wrong, right, replayed. */
  {
    g_autoptr(KvotaTestReply) missing = kvota_test_server_login_as (server, "rep-nature", password);
    g_autoptr(KvotaTestReply) wrong_password = kvota_test_server_login_as (server, "rep-nature", "not-my-password");
    g_autoptr(KvotaTestReply) bad = kvota_test_server_login_otp (server, "rep-nature", password, wrong);
    g_autoptr(KvotaTestReply) right = NULL;
    g_autoptr(KvotaTestReply) replayed = NULL;
    g_autoptr(KvotaTestReply) confirm_code = NULL;

    kvota_test_assert_error (missing, 401, "otp-required");
    assert_field (missing, "otp");
    /* The password is checked first: a wrong one does not learn that
     * the user has two-factor login. */
    kvota_test_assert_error (wrong_password, 401, "bad-credentials");
    kvota_test_assert_error (bad, 401, "bad-otp");

    /* The code of the enrolment was used: it opens nothing. */
    confirm_code = kvota_test_server_login_otp (server, "rep-nature", password, code);
    kvota_test_assert_error (confirm_code, 401, "bad-otp");

    /* The next time step's code is within the accepted window. */
    login_code = code_of_step (secret, step + 1);
    right = kvota_test_server_login_otp (server, "rep-nature", password, login_code);
    kvota_test_assert_status (right, 201);
    g_assert_false (kvota_test_reply_get_boolean (right, "two_factor_enrolment_required"));
    replayed = kvota_test_server_login_otp (server, "rep-nature", password, login_code);
    kvota_test_assert_error (replayed, 401, "bad-otp");
  }

  /* Turning it off takes the password. */
  {
    g_autoptr(KvotaTestReply) empty = kvota_test_server_request (server, "DELETE", ME "/two-factor", token, "{}", -1);
    g_autoptr(KvotaTestReply) wrong_password = kvota_test_server_request (server, "DELETE", ME "/two-factor", token,
                                                                          "{\"password\": \"not-my-password\"}", -1);
    g_autoptr(KvotaTestReply) off = NULL;

    kvota_test_assert_error (empty, 400, "missing-field");
    kvota_test_assert_error (wrong_password, 403, "wrong-password");
    assert_field (wrong_password, "password");
    g_clear_pointer (&me, kvota_test_reply_free);
    me = get (server, ME, token);
    g_assert_true (kvota_test_reply_get_boolean (me, "two_factor"));

    off = kvota_test_server_requestf (server, "DELETE", ME "/two-factor", token, "{\"password\": \"%s\"}", password);
    kvota_test_assert_status (off, 204);
    g_clear_pointer (&me, kvota_test_reply_free);
    me = get (server, ME, token);
    g_assert_false (kvota_test_reply_get_boolean (me, "two_factor"));
    assert_login (server, "rep-nature", password, 201, NULL);
  }

  /* A wrong code counts as a failed login: five lock the username, and
   * then even the right code is refused. */
  {
    const char *acct_password = kvota_test_user_password (KVOTA_TEST_ACCT_NATURE);
    g_autofree char *acct_wrong = wrong_code (enrolled_secret);
    g_autofree char *acct_code = code_of_step (enrolled_secret, now_seconds () / KVOTA_TOTP_PERIOD);
    g_autoptr(KvotaTestReply) no_code = kvota_test_server_login_as (server, "acct-nature", acct_password);
    g_autoptr(KvotaTestReply) locked = NULL;

    /* A missing code is not a failure. */
    kvota_test_assert_error (no_code, 401, "otp-required");
    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(KvotaTestReply) bad = kvota_test_server_login_otp (server, "acct-nature", acct_password,
                                                                     acct_wrong);

        kvota_test_assert_error (bad, 401, "bad-otp");
      }
    locked = kvota_test_server_login_otp (server, "acct-nature", acct_password, acct_code);
    kvota_test_assert_error (locked, 429, "too-many-attempts");
  }

  audit = kvota_test_server_audit (server, admin);
  {
    g_autofree char *object = object_name ("user", server->user_ids[KVOTA_TEST_REP_NATURE]);
    gint64 entry;

    entry = assert_journaled (audit, 0, "user.two-factor.enable", object, "rep-nature");
    assert_journaled (audit, entry, "user.two-factor.disable", object, "rep-nature");
  }
}

/* Two-factor login, required for administrators */

static void
test_access_required_two_factor (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) login = NULL;
  g_autoptr(KvotaTestReply) started = NULL;
  g_autoptr(KvotaTestReply) me = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *code = NULL;
  g_autofree char *next_code = NULL;
  g_autofree char *full = NULL;
  const char *password = kvota_test_user_password (KVOTA_TEST_ADMIN);
  gint64 step;

  /* As `kvotactl init` makes a registry. */
  kvota_test_server_set_setting (server, "require-admin-two-factor", "true");
  kvota_test_server_start (server, NULL);

  /* The administrator's first login only lets it set up two-factor login. */
  login = kvota_test_server_login_as (server, "admin", password);
  kvota_test_assert_status (login, 201);
  g_assert_true (kvota_test_reply_get_boolean (login, "two_factor_enrolment_required"));
  token = g_strdup (kvota_test_reply_get_string (login, "token"));

  me = get (server, ME, token);
  kvota_test_assert_status (me, 200);
  g_assert_false (kvota_test_reply_get_boolean (me, "two_factor"));
  g_assert_true (kvota_test_reply_get_boolean (me, "two_factor_required"));
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.role"), ==, "administrator");
  {
    static const struct
    {
      const char *method;
      const char *path;
      const char *body;
    } closed[] = {
      { "GET", "/api/v1/ledger", NULL },
      { "GET", "/api/v1/audit", NULL },
      { "GET", "/api/v1/users", NULL },
      { "GET", "/api/v1/organisations/1", NULL },
      { "POST", "/api/v1/registration-keys", "{}" },
      { "POST", "/api/v1/me/password", "{\"current_password\": \"admin-pass-0001\", "
                                       "\"new_password\": \"admin-pass-0001-new\"}" },
      { "DELETE", "/api/v1/me/two-factor", "{\"password\": \"admin-pass-0001\"}" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (closed); i++)
      {
        g_autoptr(KvotaTestReply) reply = NULL;

        g_test_message ("%s %s while enrolling", closed[i].method, closed[i].path);
        reply = kvota_test_server_request (server, closed[i].method, closed[i].path, token, closed[i].body, -1);
        kvota_test_assert_error (reply, 403, "two-factor-required");
      }
  }

  /* Enrolment, with the same session. */
  started = kvota_test_server_request (server, "POST", ME "/two-factor", token, NULL, 0);
  kvota_test_assert_status (started, 200);
  secret = g_strdup (kvota_test_reply_get_string (started, "secret"));
  step = now_seconds () / KVOTA_TOTP_PERIOD;
  code = code_of_step (secret, step);
  {
    g_autoptr(KvotaTestReply) confirmed = kvota_test_server_requestf (server, "POST", ME "/two-factor/confirm",
                                                                      token, "{\"otp\": \"%s\"}", code);
    g_autoptr(KvotaTestReply) ledger = NULL;
    g_autoptr(KvotaTestReply) off = NULL;
    g_autoptr(KvotaTestReply) off_wrong = NULL;

    kvota_test_assert_status (confirmed, 204);

    /* The session is a full one now. */
    ledger = get (server, "/api/v1/ledger", token);
    kvota_test_assert_status (ledger, 200);
    g_assert_true (kvota_test_reply_get_boolean (ledger, "balanced"));

    /* And two-factor login stays on for administrators here. */
    off = kvota_test_server_requestf (server, "DELETE", ME "/two-factor", token, "{\"password\": \"%s\"}", password);
    kvota_test_assert_error (off, 403, "two-factor-required");
    off_wrong = kvota_test_server_request (server, "DELETE", ME "/two-factor", token,
                                           "{\"password\": \"not-the-password\"}", -1);
    kvota_test_assert_error (off_wrong, 403, "two-factor-required");
  }
  g_clear_pointer (&me, kvota_test_reply_free);
  me = get (server, ME, token);
  g_assert_true (kvota_test_reply_get_boolean (me, "two_factor"));

  /* Later logins need the code, and give full sessions. */
  {
    g_autoptr(KvotaTestReply) without = kvota_test_server_login_as (server, "admin", password);
    g_autoptr(KvotaTestReply) with = NULL;
    g_autoptr(KvotaTestReply) ledger = NULL;

    kvota_test_assert_error (without, 401, "otp-required");
    next_code = code_of_step (secret, step + 1);
    with = kvota_test_server_login_otp (server, "admin", password, next_code);
    kvota_test_assert_status (with, 201);
    g_assert_false (kvota_test_reply_get_boolean (with, "two_factor_enrolment_required"));
    full = g_strdup (kvota_test_reply_get_string (with, "token"));
    ledger = get (server, "/api/v1/ledger", full);
    kvota_test_assert_status (ledger, 200);
  }

  /* Only administrators must: Ministry staff and companies log in as
   * before. */
  {
    g_autoptr(KvotaTestReply) ministry = kvota_test_server_login_as (server, "ministry",
                                                                     kvota_test_user_password (KVOTA_TEST_MINISTRY));
    g_autoptr(KvotaTestReply) rep = kvota_test_server_login_as (server, "rep-a",
                                                                kvota_test_user_password (KVOTA_TEST_REP_A));
    g_autoptr(KvotaTestReply) ministry_me = NULL;
    g_autoptr(KvotaTestReply) ledger = NULL;

    kvota_test_assert_status (ministry, 201);
    g_assert_false (kvota_test_reply_get_boolean (ministry, "two_factor_enrolment_required"));
    ministry_me = get (server, ME, kvota_test_reply_get_string (ministry, "token"));
    g_assert_false (kvota_test_reply_get_boolean (ministry_me, "two_factor_required"));
    ledger = get (server, "/api/v1/ledger", kvota_test_reply_get_string (ministry, "token"));
    kvota_test_assert_status (ledger, 200);
    kvota_test_assert_status (rep, 201);
    g_assert_false (kvota_test_reply_get_boolean (rep, "two_factor_enrolment_required"));
  }

  /* Another administrator, not enrolled yet, may log out. */
  {
    g_autoptr(KvotaTestReply) second = kvota_test_server_login_as (server, "admin2",
                                                                   kvota_test_user_password (KVOTA_TEST_ADMIN2));
    g_autoptr(KvotaTestReply) logout = NULL;
    g_autoptr(KvotaTestReply) after = NULL;
    const char *second_token;

    kvota_test_assert_status (second, 201);
    g_assert_true (kvota_test_reply_get_boolean (second, "two_factor_enrolment_required"));
    second_token = kvota_test_reply_get_string (second, "token");
    assert_token (server, second_token, 200, NULL);
    logout = kvota_test_server_request (server, "DELETE", "/api/v1/session", second_token, NULL, 0);
    kvota_test_assert_status (logout, 204);
    after = get (server, ME, second_token);
    kvota_test_assert_error (after, 401, "invalid-token");
  }

  audit = kvota_test_server_audit (server, full);
  {
    g_autofree char *object = object_name ("user", server->user_ids[KVOTA_TEST_ADMIN]);
    gint64 entry;

    entry = assert_journaled (audit, 0, "setting.change", "setting/require-admin-two-factor", NULL);
    assert_journaled (audit, entry, "user.two-factor.enable", object, "admin");
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/access/users", test_access_users);
  g_test_add_func ("/server/access/block-organisation", test_access_block_organisation);
  g_test_add_func ("/server/access/password-change", test_access_password_change);
  g_test_add_func ("/server/access/password-guessing", test_access_password_guessing);
  g_test_add_func ("/server/access/password-reset", test_access_password_reset);
  g_test_add_func ("/server/access/totp-reference", test_access_totp_reference);
  g_test_add_func ("/server/access/two-factor", test_access_two_factor);
  g_test_add_func ("/server/access/required-two-factor", test_access_required_two_factor);

  return g_test_run ();
}
