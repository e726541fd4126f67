/* test-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* Logging in and out, throttling, expiry and blocked users, as a client
 * sees them over HTTP. */

static GDateTime *
parse_time (const char *text)
{
  GDateTime *time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  g_assert_true (g_str_has_suffix (text, "Z"));

  return time;
}

static void
test_session_login (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autoptr(KvotaTestReply) me = NULL;
  g_autoptr(KvotaTestReply) wrong = NULL;
  g_autoptr(KvotaTestReply) unknown = NULL;
  g_autoptr(KvotaTestReply) logout = NULL;
  g_autoptr(KvotaTestReply) after = NULL;
  g_autoptr(KvotaTestReply) again = NULL;
  g_autoptr(KvotaTestReply) other = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *token = NULL;
  g_autofree char *rep_token = NULL;
  GTimeSpan lifetime;

  kvota_test_server_start (server, NULL);

  now = g_date_time_new_now_utc ();
  reply = kvota_test_server_login_as (server, "admin", kvota_test_user_password (KVOTA_TEST_ADMIN));
  kvota_test_assert_status (reply, 201);
  token = g_strdup (kvota_test_reply_get_string (reply, "token"));
  g_assert_cmpuint (strlen (token), >=, 32);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "user.username"), ==, "admin");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "user.role"), ==, "administrator");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "user.state"), ==, "active");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "user.organisation.holder_type"), ==, "registry");
  g_assert_false (kvota_test_reply_get_boolean (reply, "two_factor_enrolment_required"));

  /* Sessions last 8 hours by default. */
  expires = parse_time (kvota_test_reply_get_string (reply, "expires"));
  lifetime = g_date_time_difference (expires, now);
  g_assert_cmpint (lifetime, >, 8 * G_TIME_SPAN_HOUR - 2 * G_TIME_SPAN_MINUTE);
  g_assert_cmpint (lifetime, <, 8 * G_TIME_SPAN_HOUR + 2 * G_TIME_SPAN_MINUTE);

  /* A wrong password and an unknown user look the same. */
  wrong = kvota_test_server_login_as (server, "admin", "not-the-password");
  kvota_test_assert_error (wrong, 401, "bad-credentials");
  unknown = kvota_test_server_login_as (server, "nobody-here", kvota_test_user_password (KVOTA_TEST_ADMIN));
  kvota_test_assert_error (unknown, 401, "bad-credentials");

  /* GET /api/v1/me describes the caller and its organisation. */
  rep_token = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  me = kvota_test_server_request (server, "GET", "/api/v1/me", rep_token, NULL, 0);
  kvota_test_assert_status (me, 200);
  g_assert_cmpint (kvota_test_reply_get_int (me, "user.id"), ==, server->user_ids[KVOTA_TEST_REP_A]);
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.username"), ==, "rep-a");
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.full_name"), ==, "Representative of A");
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.role"), ==, "representative");
  g_assert_cmpint (kvota_test_reply_get_int (me, "user.organisation.id"), ==, server->organisation_a);
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.organisation.bin"), ==, KVOTA_TEST_BIN_A);
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.organisation.holder_type"), ==, "individual");
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.organisation.account"), ==, server->account_a);
  g_clear_pointer (&expires, g_date_time_unref);
  expires = parse_time (kvota_test_reply_get_string (me, "expires"));

  /* Logging out kills that token and no other. */
  logout = kvota_test_server_request (server, "DELETE", "/api/v1/session", token, NULL, 0);
  kvota_test_assert_status (logout, 204);
  g_assert_cmpuint (g_bytes_get_size (logout->body), ==, 0);
  after = kvota_test_server_request (server, "GET", "/api/v1/me", token, NULL, 0);
  kvota_test_assert_error (after, 401, "invalid-token");
  g_assert_nonnull (soup_message_headers_get_one (after->headers, "WWW-Authenticate"));
  again = kvota_test_server_request (server, "DELETE", "/api/v1/session", token, NULL, 0);
  kvota_test_assert_error (again, 401, "invalid-token");
  other = kvota_test_server_request (server, "GET", "/api/v1/me", rep_token, NULL, 0);
  kvota_test_assert_status (other, 200);
}

static void
test_session_throttling (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) locked = NULL;
  g_autoptr(KvotaTestReply) still_locked = NULL;
  g_autoptr(KvotaTestReply) other = NULL;
  g_autoptr(KvotaTestReply) other_wrong = NULL;
  const char *retry_after;
  guint64 seconds;

  kvota_test_server_start (server, NULL);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(KvotaTestReply) reply = NULL;

      reply = kvota_test_server_login_as (server, "rep-b", "wrong-password-guess");
      kvota_test_assert_error (reply, 401, "bad-credentials");
    }

  /* Now even the right password is refused, with a time to wait. */
  locked = kvota_test_server_login_as (server, "rep-b", kvota_test_user_password (KVOTA_TEST_REP_B));
  kvota_test_assert_error (locked, 429, "too-many-attempts");
  retry_after = soup_message_headers_get_one (locked->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1, 24 * 60 * 60, &seconds, NULL));

  still_locked = kvota_test_server_login_as (server, "rep-b", "wrong-password-guess");
  kvota_test_assert_error (still_locked, 429, "too-many-attempts");

  /* Other users are not affected. */
  other_wrong = kvota_test_server_login_as (server, "acct-b", "wrong-password-guess");
  kvota_test_assert_error (other_wrong, 401, "bad-credentials");
  other = kvota_test_server_login_as (server, "rep-a", kvota_test_user_password (KVOTA_TEST_REP_A));
  kvota_test_assert_status (other, 201);
}

static void
test_session_expired (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) login = NULL;
  g_autoptr(KvotaTestReply) me = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) expires = NULL;
  const char *token;

  kvota_test_server_start (server, "--session-lifetime", "1", NULL);

  now = g_date_time_new_now_utc ();
  login = kvota_test_server_login_as (server, "rep-a", kvota_test_user_password (KVOTA_TEST_REP_A));
  kvota_test_assert_status (login, 201);
  token = kvota_test_reply_get_string (login, "token");
  expires = parse_time (kvota_test_reply_get_string (login, "expires"));
  g_assert_cmpint (g_date_time_difference (expires, now), <=, 3 * G_TIME_SPAN_SECOND);

  /* The one sleep of the suite: let the session run out. */
  g_usleep (2 * G_USEC_PER_SEC);

  me = kvota_test_server_request (server, "GET", "/api/v1/me", token, NULL, 0);
  kvota_test_assert_error (me, 401, "session-expired");
}

static KvotaTestReply *
set_user_state (KvotaTestServer *server,
                const char      *token,
                gint64           user_id,
                const char      *action,
                const char      *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/%s", user_id, action);

  return kvota_test_server_request (server, "POST", path, token, body, -1);
}

static void
test_session_blocked (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) block = NULL;
  g_autoptr(KvotaTestReply) no_reason = NULL;
  g_autoptr(KvotaTestReply) blank_reason = NULL;
  g_autoptr(KvotaTestReply) twice = NULL;
  g_autoptr(KvotaTestReply) old_token = NULL;
  g_autoptr(KvotaTestReply) login_blocked = NULL;
  g_autoptr(KvotaTestReply) restore = NULL;
  g_autoptr(KvotaTestReply) restore_twice = NULL;
  g_autoptr(KvotaTestReply) login_again = NULL;
  g_autoptr(KvotaTestReply) new_token = NULL;
  g_autoptr(KvotaTestReply) old_token_after = NULL;
  g_autoptr(KvotaTestReply) missing = NULL;
  g_autoptr(KvotaTestReply) block_admin2 = NULL;
  g_autoptr(KvotaTestReply) block_last = NULL;
  g_autoptr(KvotaTestReply) admin_me = NULL;
  g_autoptr(KvotaTestReply) admin2_login = NULL;
  g_autoptr(KvotaTestReply) colleague = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *rep = NULL;
  g_autofree char *acct = NULL;
  gint64 rep_id;

  kvota_test_server_start (server, NULL);
  rep_id = server->user_ids[KVOTA_TEST_REP_A];

  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  rep = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  acct = kvota_test_server_login (server, KVOTA_TEST_ACCT_A);

  /* A block needs a reason. */
  no_reason = set_user_state (server, admin, rep_id, "block", "{}");
  kvota_test_assert_error (no_reason, 400, "missing-field");
  blank_reason = set_user_state (server, admin, rep_id, "block", "{\"reason\": \"   \"}");
  kvota_test_assert_error (blank_reason, 400, "invalid-value");

  block = set_user_state (server, admin, rep_id, "block",
                          "{\"reason\": \"Power of attorney expired.\\nWaiting for the new one.\"}");
  kvota_test_assert_status (block, 200);
  g_assert_cmpint (kvota_test_reply_get_int (block, "user.id"), ==, rep_id);
  g_assert_cmpstr (kvota_test_reply_get_string (block, "user.state"), ==, "blocked");

  /* The existing session dies at once, and so do new logins. */
  old_token = kvota_test_server_request (server, "GET", "/api/v1/me", rep, NULL, 0);
  kvota_test_assert_error (old_token, 403, "user-blocked");
  login_blocked = kvota_test_server_login_as (server, "rep-a", kvota_test_user_password (KVOTA_TEST_REP_A));
  kvota_test_assert_error (login_blocked, 403, "user-blocked");

  /* Blocking one user leaves its colleague alone. */
  colleague = kvota_test_server_request (server, "GET", "/api/v1/me", acct, NULL, 0);
  kvota_test_assert_status (colleague, 200);

  twice = set_user_state (server, admin, rep_id, "block", "{\"reason\": \"again\"}");
  kvota_test_assert_error (twice, 409, "invalid-state");

  /* Restoring lets the user log in again; the old token stays dead. */
  restore = set_user_state (server, admin, rep_id, "restore", NULL);
  kvota_test_assert_status (restore, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (restore, "user.state"), ==, "active");
  restore_twice = set_user_state (server, admin, rep_id, "restore", "{\"reason\": \"again\"}");
  kvota_test_assert_error (restore_twice, 409, "invalid-state");

  login_again = kvota_test_server_login_as (server, "rep-a", kvota_test_user_password (KVOTA_TEST_REP_A));
  kvota_test_assert_status (login_again, 201);
  new_token = kvota_test_server_request (server, "GET", "/api/v1/me",
                                         kvota_test_reply_get_string (login_again, "token"), NULL, 0);
  kvota_test_assert_status (new_token, 200);
  old_token_after = kvota_test_server_request (server, "GET", "/api/v1/me", rep, NULL, 0);
  /* Restored, the user logs in again; the session the block ended stays
   * ended, and says the administrator ended it. */
  kvota_test_assert_error (old_token_after, 401, "session-revoked");

  missing = set_user_state (server, admin, 999999, "block", "{\"reason\": \"no such user\"}");
  kvota_test_assert_error (missing, 404, "not-found");

  /* The registry always keeps one active administrator: with the second
   * one blocked, the first cannot be blocked. */
  block_admin2 = set_user_state (server, admin, server->user_ids[KVOTA_TEST_ADMIN2], "block",
                                 "{\"reason\": \"on leave\"}");
  kvota_test_assert_status (block_admin2, 200);
  admin2_login = kvota_test_server_login_as (server, "admin2", kvota_test_user_password (KVOTA_TEST_ADMIN2));
  kvota_test_assert_error (admin2_login, 403, "user-blocked");

  block_last = set_user_state (server, admin, server->user_ids[KVOTA_TEST_ADMIN], "block",
                               "{\"reason\": \"lock myself out\"}");
  kvota_test_assert_error (block_last, 409, "last-administrator");
  admin_me = kvota_test_server_request (server, "GET", "/api/v1/me", admin, NULL, 0);
  kvota_test_assert_status (admin_me, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (admin_me, "user.state"), ==, "active");
}

/* The server keeps sessions and balances it has read while the registry
 * stays the same. A change made by another program on the same file, as
 * kvotactl does, must reach the next request at once. */
static void
test_session_changed_elsewhere (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaTransaction) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rep = NULL;
  g_autofree char *acct = NULL;
  KvotaHolding before = { 0, };
  KvotaHolding after = { 0, };

  kvota_test_server_start (server, NULL);
  rep = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  acct = kvota_test_server_login (server, KVOTA_TEST_ACCT_A);

  /* Read twice, so that the second comes from what the server kept. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KvotaTestReply) me = kvota_test_server_request (server, "GET", "/api/v1/me", rep, NULL, 0);

      kvota_test_assert_status (me, 200);
      kvota_test_server_get_holding (server, acct, server->account_a, "quota", 2014, &before);
    }

  store = kvota_test_server_open_store (server);
  issued = kvota_store_issue (store, "test", server->account_a, KVOTA_UNIT_TYPE_QUOTA, 2014, 250, &error);
  g_assert_no_error (error);
  kvota_store_set_user_state (store, "test", server->user_ids[KVOTA_TEST_REP_A],
                              KVOTA_USER_STATE_BLOCKED, "blocked by the operator", &error);
  g_assert_no_error (error);

  kvota_test_server_get_holding (server, acct, server->account_a, "quota", 2014, &after);
  g_assert_cmpint (after.available, ==, before.available + 250);

  {
    g_autoptr(KvotaTestReply) me = kvota_test_server_request (server, "GET", "/api/v1/me", rep, NULL, 0);

    kvota_test_assert_error (me, 403, "user-blocked");
  }
}

/* One line a request on standard error: time, peer, user, method, path,
 * status and duration; written soon after, not only at exit. */
static void
test_session_access_log (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(KvotaTestReply) me = NULL;
  g_autoptr(KvotaTestReply) odd = NULL;
  g_autofree char *rep = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GRegex) line = NULL;
  gint64 deadline;

  kvota_test_server_start (server, NULL);
  rep = kvota_test_server_login (server, KVOTA_TEST_REP_A);
  me = kvota_test_server_request (server, "GET", "/api/v1/me", rep, NULL, 0);
  kvota_test_assert_status (me, 200);
  odd = kvota_test_server_request (server, "GET", "/api/v1/no%20such%0Apath", NULL, NULL, 0);
  kvota_test_assert_status (odd, 404);

  line = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z 127\\.0\\.0\\.1 rep-a "
                      "GET /api/v1/me 200 \\d+\\.\\d ms$", G_REGEX_MULTILINE, 0, NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  do
    {
      g_clear_pointer (&log, g_free);
      g_usleep (20 * 1000);
      g_file_get_contents (server->stderr_path, &log, NULL, NULL);
    }
  while ((log == NULL || strstr (log, " 404 ") == NULL) && g_get_monotonic_time () < deadline);

  g_assert_nonnull (log);
  g_assert_true (g_regex_match (line, log, 0, NULL));
  /* Whatever a path holds, a request stays one line of space-free fields. */
  g_assert_nonnull (strstr (log, " - GET /api/v1/no%20such%0Apath 404 "));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/session/login", test_session_login);
  g_test_add_func ("/server/session/throttling", test_session_throttling);
  g_test_add_func ("/server/session/expired", test_session_expired);
  g_test_add_func ("/server/session/blocked", test_session_blocked);
  g_test_add_func ("/server/session/changed-elsewhere", test_session_changed_elsewhere);
  g_test_add_func ("/server/session/access-log", test_session_access_log);

  return g_test_run ();
}
