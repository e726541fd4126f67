/* test-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-routes"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"
#include "kvota-totp.h"

/* The route table as a client meets it: every route needs a token except
 * the public ones, every route is documented in API.md, and the role table
 * lets each role through exactly where API.md says it may go. */

/* The roles the walk tries, one column each. */
enum
{
  COLUMN_ADMIN,
  COLUMN_MINISTRY,
  COLUMN_REP_INDIVIDUAL,
  COLUMN_ACCT_INDIVIDUAL,
  COLUMN_REP_NATURE,
  COLUMN_REP_BROKER,
  N_COLUMNS
};

#define ADMIN          (1u << COLUMN_ADMIN)
#define MINISTRY       (1u << COLUMN_MINISTRY)
#define REP_INDIVIDUAL (1u << COLUMN_REP_INDIVIDUAL)
#define ACCT_INDIVIDUAL (1u << COLUMN_ACCT_INDIVIDUAL)
#define REP_NATURE     (1u << COLUMN_REP_NATURE)
#define REP_BROKER     (1u << COLUMN_REP_BROKER)
#define EVERYONE       ((1u << N_COLUMNS) - 1)

static const KvotaTestUser column_users[N_COLUMNS] = {
  [COLUMN_ADMIN] = KVOTA_TEST_ADMIN,
  [COLUMN_MINISTRY] = KVOTA_TEST_MINISTRY,
  [COLUMN_REP_INDIVIDUAL] = KVOTA_TEST_REP_A,
  [COLUMN_ACCT_INDIVIDUAL] = KVOTA_TEST_ACCT_A,
  [COLUMN_REP_NATURE] = KVOTA_TEST_REP_NATURE,
  [COLUMN_REP_BROKER] = KVOTA_TEST_REP_BROKER,
};

/* A body that every handler refuses before it changes anything. */
#define HARMLESS "{\"surplus-member\": true}"

typedef struct
{
  const char *route;      /* "METHOD PATH", as --list-routes prints it */
  const char *access;     /* API.md's "Access:" up to its first full stop */
  guint       allowed;    /* the columns that may call it */
  const char *body;
} RouteAccess;

/* Copied from API.md's "Access:" lines by hand, never computed from the
 * server's table: the test checks that the text still reads the same, so
 * a change of API.md sends someone here to update the columns. Brokers
 * hold no units and so are never a party to a transaction. */
static const RouteAccess access_table[] = {
  { "GET /api/v1/health", "public", EVERYONE, NULL },
  { "POST /api/v1/session", "public", EVERYONE, HARMLESS },
  { "DELETE /api/v1/session", "any", EVERYONE, NULL },
  { "GET /api/v1/me", "any, also while enrolling in two-factor login", EVERYONE, NULL },
  { "POST /api/v1/me/password", "any", EVERYONE, HARMLESS },
  { "POST /api/v1/me/two-factor", "any, also while enrolling", EVERYONE, HARMLESS },
  { "POST /api/v1/me/two-factor/confirm", "any, also while enrolling", EVERYONE, HARMLESS },
  { "DELETE /api/v1/me/two-factor", "any", EVERYONE, HARMLESS },
  { "POST /api/v1/password-reset", "public", EVERYONE, HARMLESS },
  { "POST /api/v1/registration-keys", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/registration-keys", "admin", ADMIN, NULL },
  { "POST /api/v1/registration-keys/{id}/revoke", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/applications", "public (the registration key is the credential)", EVERYONE, HARMLESS },
  { "GET /api/v1/applications", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "GET /api/v1/applications/{id}", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "POST /api/v1/applications/{id}/confirm", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/applications/{id}/decline", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/documents/{sha256}", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "POST /api/v1/naps", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/naps", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "GET /api/v1/naps/{id}", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "GET /api/v1/naps/{id}/file", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "POST /api/v1/naps/{id}/apply", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/naps/{id}/discard", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/organisations", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "POST /api/v1/organisations", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/organisations/{id}", "any; others than admin and ministry see only their own",
    EVERYONE, NULL },
  { "POST /api/v1/organisations/{id}/block", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/organisations/{id}/restore", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/users", "any", EVERYONE, NULL },
  { "POST /api/v1/users", "admin, and representatives of any holder type for their own organisation",
    ADMIN | REP_INDIVIDUAL | REP_NATURE | REP_BROKER, HARMLESS },
  { "POST /api/v1/users/{id}/block", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/users/{id}/restore", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/users/{id}/reset-password", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/accounts/{account}",
    "admin, ministry, rep(nature-user), rep(individual), acct(nature-user), acct(individual); "
    "holders see only their own account",
    ADMIN | MINISTRY | REP_NATURE | REP_INDIVIDUAL | ACCT_INDIVIDUAL, NULL },
  { "GET /api/v1/accounts/{account}/statement",
    "admin, ministry, rep(nature-user), rep(individual), acct(nature-user), acct(individual); "
    "holders see only their own account",
    ADMIN | MINISTRY | REP_NATURE | REP_INDIVIDUAL | ACCT_INDIVIDUAL, NULL },
  { "POST /api/v1/issuances", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/transfers", "rep(individual)", REP_INDIVIDUAL, HARMLESS },
  { "GET /api/v1/transactions",
    "admin, ministry, and representatives and accountants of holders and intermediaries; "
    "others than admin and ministry see only their own",
    ADMIN | MINISTRY | REP_NATURE | REP_INDIVIDUAL | ACCT_INDIVIDUAL | REP_BROKER, NULL },
  { "GET /api/v1/transactions/{id}",
    "admin, ministry, and representatives and accountants of the transferring or acquiring "
    "account, and of the broker or trader that proposed a sale",
    ADMIN | MINISTRY | REP_NATURE | REP_INDIVIDUAL | ACCT_INDIVIDUAL | REP_BROKER, NULL },
  { "POST /api/v1/transactions/{id}/confirm", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/transactions/{id}/reject", "admin", ADMIN, HARMLESS },
  { "POST /api/v1/transactions/{id}/cancel", "rep(individual) of the transferring account, before a decision",
    REP_INDIVIDUAL, HARMLESS },
  { "POST /api/v1/mandates", "rep(nature-user)", REP_NATURE, HARMLESS },
  { "GET /api/v1/mandates",
    "admin, ministry (all), rep and acct of a nature user (its own history), rep and acct of a broker "
    "or trader (the nature users that chose it, now or before)",
    ADMIN | MINISTRY | REP_NATURE | REP_BROKER, NULL },
  { "GET /api/v1/intermediaries", "admin, ministry, rep and acct of a nature user",
    ADMIN | MINISTRY | REP_NATURE, NULL },
  { "POST /api/v1/sale-orders", "rep(nature-user)", REP_NATURE, HARMLESS },
  { "GET /api/v1/sale-orders",
    "admin, ministry (all), rep and acct of a nature user (its own), rep and acct of a broker "
    "or trader (its clients')",
    ADMIN | MINISTRY | REP_NATURE | REP_BROKER, NULL },
  { "POST /api/v1/sale-orders/{id}/withdraw", "rep(nature-user), of the order's seller", REP_NATURE, HARMLESS },
  { "POST /api/v1/sale-orders/{id}/transfers",
    "rep(broker), rep(trader), for an order of a nature user that chose it", REP_BROKER, HARMLESS },
  { "POST /api/v1/buy-requests", "rep(nature-user)", REP_NATURE, HARMLESS },
  { "GET /api/v1/buy-requests",
    "admin, ministry (all), rep and acct of a nature user (its own), rep and acct of a broker "
    "or trader (those addressed to it)",
    ADMIN | MINISTRY | REP_NATURE | REP_BROKER, NULL },
  { "POST /api/v1/buy-requests/{id}/withdraw", "rep(nature-user), of the requester", REP_NATURE, HARMLESS },
  { "GET /api/v1/reports/trading", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "POST /api/v1/emissions", "admin", ADMIN, HARMLESS },
  { "GET /api/v1/compliance",
    "admin, ministry (all nature users), rep and acct of a nature user (its own)",
    ADMIN | MINISTRY | REP_NATURE, NULL },
  { "POST /api/v1/surrenders", "rep(nature-user)", REP_NATURE, HARMLESS },
  { "POST /api/v1/cancellations", "rep(nature-user), rep(individual)", REP_NATURE | REP_INDIVIDUAL, HARMLESS },
  { "GET /api/v1/units/{unit_type}/{vintage}/{serial}", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "GET /api/v1/ledger", "admin, ministry", ADMIN | MINISTRY, NULL },
  { "GET /api/v1/audit", "admin, ministry", ADMIN | MINISTRY, NULL },
};

static const RouteAccess *
find_access (const char *route)
{
  for (guint i = 0; i < G_N_ELEMENTS (access_table); i++)
    {
      if (strcmp (access_table[i].route, route) == 0)
        return &access_table[i];
    }

  return NULL;
}

/* Public per API.md, through the table that /server/routes/documented
 * holds to it. */
static gboolean
is_public (const char *route)
{
  const RouteAccess *access = find_access (route);

  if (access == NULL)
    g_error ("The role table of test-routes.c lacks “%s”: copy its access from API.md", route);

  return g_str_has_prefix (access->access, "public");
}

/* Runs kvota-server --list-routes: one "METHOD PATH" per line. */
static GPtrArray *
list_routes (void)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GRegex) shape = g_regex_new ("^(GET|POST|PUT|PATCH|DELETE) /api/v1/[a-z0-9/{}_-]+$", 0, 0, NULL);
  int status;

  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTA_SERVER"), "--list-routes", NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;

      if (!g_regex_match (shape, lines[i], 0, NULL))
        g_error ("--list-routes printed “%s”, not METHOD PATH", lines[i]);
      g_assert_false (g_ptr_array_find_with_equal_func (routes, lines[i], g_str_equal, NULL));
      g_ptr_array_add (routes, g_strdup (lines[i]));
    }

  g_assert_cmpuint (routes->len, >=, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (routes, "GET /api/v1/health", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (routes, "POST /api/v1/session", g_str_equal, NULL));

  return g_steal_pointer (&routes);
}

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* Splits "METHOD PATH" and fills in the path's parameters. */
static void
split_route (const char  *route,
             const char  *id,
             const char  *account,
             char       **method,
             char       **path)
{
  const char *space = strchr (route, ' ');
  g_autofree char *with_id = NULL;
  g_autofree char *with_account = NULL;
  g_autofree char *with_unit = NULL;

  g_assert_nonnull (space);
  *method = g_strndup (route, space - route);
  with_id = replace (space + 1, "{id}", id);
  with_account = replace (with_id, "{account}", account);
  /* A unit never issued: vintages start at 2013. */
  with_unit = replace (with_account, "{unit_type}/{vintage}/{serial}", "quota/2100/999999");
  *path = replace (with_unit, "{sha256}",
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  if (strchr (*path, '{') != NULL)
    g_error ("test-routes.c does not know what to put in %s", *path);
}

static void
test_routes_no_token (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(GPtrArray) routes = list_routes ();
  g_autoptr(KvotaTestReply) health = NULL;
  guint checked = 0;
  guint n_public = 0;

  kvota_test_server_start (server, NULL);

  g_assert_true (is_public ("GET /api/v1/health"));
  g_assert_true (is_public ("POST /api/v1/session"));

  for (guint i = 0; i < routes->len; i++)
    {
      const char *route = g_ptr_array_index (routes, i);
      g_autofree char *method = NULL;
      g_autofree char *path = NULL;
      g_autoptr(KvotaTestReply) none = NULL;
      g_autoptr(KvotaTestReply) forged = NULL;
      g_autoptr(KvotaTestReply) basic = NULL;
      g_autoptr(SoupMessage) message = NULL;
      const char *body;

      split_route (route, "1", "KZ-100-000001", &method, &path);
      body = strcmp (method, "GET") == 0 || strcmp (method, "DELETE") == 0 ? NULL : "{}";
      g_test_message ("%s", route);

      /* A public route answers without a token, whatever it thinks of
       * the empty body. */
      if (is_public (route))
        {
          g_autoptr(KvotaTestReply) reply = NULL;

          reply = kvota_test_server_request (server, method, path, NULL, body, -1);
          if (reply->status == 401 || reply->status == 403 || reply->status >= 500)
            {
              g_autofree char *described = kvota_test_reply_describe (reply);

              g_error ("The public route %s answered %s", route, described);
            }
          n_public++;
          continue;
        }

      none = kvota_test_server_request (server, method, path, NULL, body, -1);
      kvota_test_assert_error (none, 401, "unauthenticated");
      g_assert_cmpstr (soup_message_headers_get_one (none->headers, "WWW-Authenticate"), ==,
                       "Bearer realm=\"kvota\"");

      forged = kvota_test_server_request (server, method, path,
                                          "Zm9yZ2VkLXRva2VuLXRoYXQtbm9ib2R5LWlzc3VlZC0xMjM",
                                          body, -1);
      kvota_test_assert_error (forged, 401, "invalid-token");

      /* Credentials of another scheme are no token either. */
      message = kvota_test_server_message_new (server, method, path, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", "Basic YWRtaW46YWRtaW4tcGFzcy0wMDAx");
      basic = kvota_test_server_send (server, message);
      kvota_test_assert_error (basic, 401, "invalid-token");

      checked++;
    }

  g_assert_cmpuint (checked + n_public, ==, routes->len);

  /* The public routes stay public. */
  health = kvota_test_server_request (server, "GET", "/api/v1/health", NULL, NULL, 0);
  kvota_test_assert_status (health, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (health, "status"), ==, "ok");
  g_assert_cmpstr (kvota_test_reply_get_string (health, "version"), ==, PACKAGE_VERSION);
}

/* Reads API.md: its "### `METHOD PATH`" headings, each with the text of
 * its "Access:" up to the first full stop. */
static GHashTable *
read_documented_routes (void)
{
  g_autoptr(GHashTable) documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *current = NULL;
  g_autoptr(GString) paragraph = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (kvota_test_file ("KVOTA_API_MD"), &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; ; i++)
    {
      const char *line = lines[i];
      gboolean heading = line != NULL && g_str_has_prefix (line, "#");

      /* A paragraph ends at a blank line, a heading or the end. */
      if (current != NULL && (line == NULL || heading || line[0] == '\0') && paragraph->len > 0)
        {
          const char *access = strstr (paragraph->str, "Access: ");
          const char *end;

          if (access == NULL)
            g_error ("API.md documents “%s” without an “Access:” line", current);
          access += strlen ("Access: ");
          for (end = access; *end != '\0' && !(end[0] == '.' && (end[1] == ' ' || end[1] == '\0')); end++)
            ;
          g_hash_table_replace (documented, g_steal_pointer (&current), g_strndup (access, end - access));
          g_string_truncate (paragraph, 0);
        }

      if (line == NULL)
        break;

      if (g_str_has_prefix (line, "### `") && g_str_has_suffix (line, "`"))
        {
          g_free (current);
          current = g_strndup (line + 5, strlen (line) - 6);
          if (g_hash_table_contains (documented, current))
            g_error ("API.md documents “%s” twice", current);
          g_string_truncate (paragraph, 0);
        }
      else if (heading)
        g_clear_pointer (&current, g_free);
      else if (current != NULL && line[0] != '\0')
        {
          if (paragraph->len > 0)
            g_string_append_c (paragraph, ' ');
          g_string_append (paragraph, line);
        }
    }

  return g_steal_pointer (&documented);
}

static void
test_routes_documented (void)
{
  g_autoptr(GPtrArray) routes = list_routes ();
  g_autoptr(GHashTable) documented = read_documented_routes ();
  g_autoptr(GRegex) heading = g_regex_new ("^### `[A-Z]+ /", G_REGEX_MULTILINE, 0, NULL);
  GHashTableIter iter;
  const char *route;
  const char *access;

  /* Every route of the server is documented... */
  for (guint i = 0; i < routes->len; i++)
    {
      route = g_ptr_array_index (routes, i);
      if (!g_hash_table_contains (documented, route))
        g_error ("API.md lacks a heading ### `%s`", route);
    }

  /* ...every documented route exists... */
  g_hash_table_iter_init (&iter, documented);
  while (g_hash_table_iter_next (&iter, (gpointer *) &route, (gpointer *) &access))
    {
      if (!g_ptr_array_find_with_equal_func (routes, route, g_str_equal, NULL))
        g_error ("API.md documents ### `%s`, which the server does not have", route);
    }
  g_assert_cmpuint (g_hash_table_size (documented), ==, routes->len);

  /* ...and the role test's table says what API.md says. */
  for (guint i = 0; i < routes->len; i++)
    {
      const RouteAccess *expected;

      route = g_ptr_array_index (routes, i);
      if ((expected = find_access (route)) == NULL)
        g_error ("The role table of test-routes.c lacks “%s”: copy its access from API.md", route);
      if (strcmp (expected->access, g_hash_table_lookup (documented, route)) != 0)
        g_error ("API.md now says “Access: %s” for %s, and the role table of test-routes.c says “%s”: "
                 "update the table", (const char *) g_hash_table_lookup (documented, route), route,
                 expected->access);
    }
  g_assert_cmpuint (G_N_ELEMENTS (access_table), ==, routes->len);
}

static void
check_cell (KvotaTestServer *server,
            const char      *route,
            guint            column,
            const char      *token,
            gboolean         allowed,
            const char      *body)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *described = NULL;
  g_autofree char *message = NULL;
  const char *code;

  /* Objects that do not exist: the role check comes first, and whatever
   * a handler does next, it finds nothing to change. */
  split_route (route, "999999", "KZ-100-999999", &method, &path);
  reply = kvota_test_server_request (server, method, path, token, body, -1);
  code = kvota_test_reply_error_code (reply);

  if (allowed ? (reply->status != 403 && reply->status != 401 && reply->status != 405 &&
                 reply->status < 500)
              : (reply->status == 403 && g_strcmp0 (code, "forbidden") == 0))
    return;

  described = kvota_test_reply_describe (reply);
  message = g_strdup_printf ("%s as %s: expected %s, got %s", route,
                             kvota_test_user_name (column_users[column]),
                             allowed ? "to pass the role check" : "403 forbidden", described);
  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message);
}

static void
test_routes_roles (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(GPtrArray) routes = list_routes ();
  g_autofree char *ledger_before = NULL;
  g_autofree char *ledger_after = NULL;
  g_autofree char *admin = NULL;
  char *tokens[N_COLUMNS];
  guint audit_before;
  guint cells = 0;

  kvota_test_server_start (server, NULL);
  admin = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  ledger_before = kvota_test_server_ledger (server, admin);
  audit_before = kvota_test_server_count_audit (server, admin);

  for (guint column = 0; column < N_COLUMNS; column++)
    tokens[column] = kvota_test_server_login (server, column_users[column]);

  /* Every route with every role; logging out comes last. */
  for (guint i = 0; i < routes->len; i++)
    {
      const char *route = g_ptr_array_index (routes, i);
      const RouteAccess *access = find_access (route);

      if (access == NULL)
        g_error ("The role table of test-routes.c lacks “%s”: copy its access from API.md", route);
      if (strcmp (route, "DELETE /api/v1/session") == 0)
        continue;

      for (guint column = 0; column < N_COLUMNS; column++, cells++)
        check_cell (server, route, column, tokens[column],
                    (access->allowed & (1u << column)) != 0, access->body);
    }

  /* Nothing the walk did changed the registry. */
  ledger_after = kvota_test_server_ledger (server, admin);
  g_assert_cmpstr (ledger_after, ==, ledger_before);
  g_assert_cmpuint (kvota_test_server_count_audit (server, admin), ==, audit_before);

  /* Within their rights, holders see their own things and nobody else's. */
  {
    g_autoptr(KvotaTestReply) own_rep = NULL;
    g_autoptr(KvotaTestReply) own_acct = NULL;
    g_autoptr(KvotaTestReply) own_nature = NULL;
    g_autoptr(KvotaTestReply) other_nature = NULL;
    g_autoptr(KvotaTestReply) broker_own = NULL;
    g_autoptr(KvotaTestReply) broker_other = NULL;
    g_autoptr(KvotaTestReply) ministry_other = NULL;
    g_autofree char *path = NULL;

    path = g_strdup_printf ("/api/v1/accounts/%s", server->account_a);
    own_rep = kvota_test_server_request (server, "GET", path, tokens[COLUMN_REP_INDIVIDUAL], NULL, 0);
    kvota_test_assert_status (own_rep, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (own_rep, "account"), ==, server->account_a);
    g_assert_cmpint (kvota_test_reply_get_int (own_rep, "organisation_id"), ==, server->organisation_a);
    g_assert_cmpuint (kvota_test_reply_get_length (own_rep, "holdings"), ==, 0);
    own_acct = kvota_test_server_request (server, "GET", path, tokens[COLUMN_ACCT_INDIVIDUAL], NULL, 0);
    kvota_test_assert_status (own_acct, 200);
    other_nature = kvota_test_server_request (server, "GET", path, tokens[COLUMN_REP_NATURE], NULL, 0);
    kvota_test_assert_error (other_nature, 404, "not-found");
    g_clear_pointer (&path, g_free);

    path = g_strdup_printf ("/api/v1/accounts/%s", server->account_nature);
    own_nature = kvota_test_server_request (server, "GET", path, tokens[COLUMN_REP_NATURE], NULL, 0);
    kvota_test_assert_status (own_nature, 200);
    g_clear_pointer (&path, g_free);

    path = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT, server->organisation_broker);
    broker_own = kvota_test_server_request (server, "GET", path, tokens[COLUMN_REP_BROKER], NULL, 0);
    kvota_test_assert_status (broker_own, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (broker_own, "organisation.holder_type"), ==, "broker");
    g_assert_null (json_node_get_string (kvota_test_reply_lookup (broker_own, "organisation.account")));
    g_clear_pointer (&path, g_free);

    path = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT, server->organisation_a);
    broker_other = kvota_test_server_request (server, "GET", path, tokens[COLUMN_REP_BROKER], NULL, 0);
    kvota_test_assert_error (broker_other, 404, "not-found");
    ministry_other = kvota_test_server_request (server, "GET", path, tokens[COLUMN_MINISTRY], NULL, 0);
    kvota_test_assert_status (ministry_other, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (ministry_other, "organisation.bin"), ==, KVOTA_TEST_BIN_A);
  }

  /* Anyone logged in may log out. */
  for (guint column = 0; column < N_COLUMNS; column++, cells++)
    {
      g_autoptr(KvotaTestReply) logout = NULL;
      g_autoptr(KvotaTestReply) after = NULL;

      logout = kvota_test_server_request (server, "DELETE", "/api/v1/session", tokens[column], NULL, 0);
      kvota_test_assert_status (logout, 204);
      after = kvota_test_server_request (server, "GET", "/api/v1/me", tokens[column], NULL, 0);
      kvota_test_assert_error (after, 401, "invalid-token");
      g_free (tokens[column]);
    }

  g_assert_cmpuint (cells, ==, routes->len * N_COLUMNS);
}

/* The authorization table, cell by cell */

/* Every kind of caller, one column each: the roles of every holder type,
 * and the callers that are no role at all. */
enum
{
  CELL_ADMIN,
  CELL_MINISTRY,
  CELL_REP_NATURE,
  CELL_ACCT_NATURE,
  CELL_REP_BROKER,
  CELL_ACCT_BROKER,
  CELL_REP_TRADER,
  CELL_ACCT_TRADER,
  CELL_REP_INDIVIDUAL,
  CELL_ACCT_INDIVIDUAL,
  N_ROLE_CELLS,
  CELL_BLOCKED = N_ROLE_CELLS,   /* a representative whom the administrator blocked */
  CELL_EXPIRED,                  /* a token whose session has ended */
  CELL_NO_TOKEN,
  CELL_ENROLLING,                /* an administrator who must set up two-factor login first */
  N_CELLS
};

static const char * const cell_names[N_CELLS] = {
  [CELL_ADMIN] = "admin",
  [CELL_MINISTRY] = "ministry",
  [CELL_REP_NATURE] = "rep(nature-user)",
  [CELL_ACCT_NATURE] = "acct(nature-user)",
  [CELL_REP_BROKER] = "rep(broker)",
  [CELL_ACCT_BROKER] = "acct(broker)",
  [CELL_REP_TRADER] = "rep(trader)",
  [CELL_ACCT_TRADER] = "acct(trader)",
  [CELL_REP_INDIVIDUAL] = "rep(individual)",
  [CELL_ACCT_INDIVIDUAL] = "acct(individual)",
  [CELL_BLOCKED] = "blocked user",
  [CELL_EXPIRED] = "expired token",
  [CELL_NO_TOKEN] = "no token",
  [CELL_ENROLLING] = "admin enrolling",
};

static const KvotaTestUser cell_users[N_ROLE_CELLS] = {
  [CELL_ADMIN] = KVOTA_TEST_ADMIN,
  [CELL_MINISTRY] = KVOTA_TEST_MINISTRY,
  [CELL_REP_NATURE] = KVOTA_TEST_REP_NATURE,
  [CELL_ACCT_NATURE] = KVOTA_TEST_ACCT_NATURE,
  [CELL_REP_BROKER] = KVOTA_TEST_REP_BROKER,
  [CELL_ACCT_BROKER] = KVOTA_TEST_ACCT_BROKER,
  [CELL_REP_TRADER] = KVOTA_TEST_REP_TRADER,
  [CELL_ACCT_TRADER] = KVOTA_TEST_ACCT_TRADER,
  [CELL_REP_INDIVIDUAL] = KVOTA_TEST_REP_A,
  [CELL_ACCT_INDIVIDUAL] = KVOTA_TEST_ACCT_A,
};

#define C_ADMIN       (1u << CELL_ADMIN)
#define C_MINISTRY    (1u << CELL_MINISTRY)
#define C_REP_NATURE  (1u << CELL_REP_NATURE)
#define C_ACCT_NATURE (1u << CELL_ACCT_NATURE)
#define C_REP_BROKER  (1u << CELL_REP_BROKER)
#define C_ACCT_BROKER (1u << CELL_ACCT_BROKER)
#define C_REP_TRADER  (1u << CELL_REP_TRADER)
#define C_ACCT_TRADER (1u << CELL_ACCT_TRADER)
#define C_REP_INDIV   (1u << CELL_REP_INDIVIDUAL)
#define C_ACCT_INDIV  (1u << CELL_ACCT_INDIVIDUAL)
#define C_OVERSIGHT   (C_ADMIN | C_MINISTRY)
#define C_REPS        (C_REP_NATURE | C_REP_BROKER | C_REP_TRADER | C_REP_INDIV)
#define C_ANY         ((1u << N_ROLE_CELLS) - 1)
#define C_PUBLIC      0u            /* no token needed: every column alike */

/* One row: the request, built so that nothing changes for a caller that
 * is let through (ids that do not exist, bodies the handler refuses), and
 * what API.md says a caller that is let through gets. The other cells
 * follow from API.md's conventions: a role not listed gets 403 forbidden,
 * a blocked user 403 user-blocked, an ended session 401 session-expired,
 * no token 401 unauthenticated, and a session that may only set up
 * two-factor login 403 two-factor-required outside the routes open
 * "while enrolling" (GET /api/v1/me, DELETE /api/v1/session and the
 * /api/v1/me/two-factor routes whose Access says so). */
typedef struct
{
  const char *route;
  const char *body;
  guint       allowed;
  guint       status;
  const char *code;
  gboolean    while_enrolling;
} CellRow;

static const CellRow cell_rows[] = {
  { "GET /api/v1/health", NULL, C_PUBLIC, 200, NULL, TRUE },
  { "POST /api/v1/session", "{}", C_PUBLIC, 400, "missing-field", TRUE },
  /* Walked last: it ends the session. */
  { "DELETE /api/v1/session", NULL, C_ANY, 204, NULL, TRUE },
  { "GET /api/v1/me", NULL, C_ANY, 200, NULL, TRUE },
  { "POST /api/v1/me/password", "{}", C_ANY, 400, "missing-field", FALSE },
  { "POST /api/v1/me/two-factor", HARMLESS, C_ANY, 400, "unknown-field", TRUE },
  { "POST /api/v1/me/two-factor/confirm", "{}", C_ANY, 400, "missing-field", TRUE },
  { "DELETE /api/v1/me/two-factor", "{}", C_ANY, 400, "missing-field", FALSE },
  { "POST /api/v1/password-reset", "{}", C_PUBLIC, 400, "missing-field", TRUE },
  { "POST /api/v1/registration-keys", "{\"valid_days\": 0}", C_ADMIN, 400, "invalid-value", FALSE },
  { "GET /api/v1/registration-keys", NULL, C_ADMIN, 200, NULL, FALSE },
  { "POST /api/v1/registration-keys/{id}/revoke", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/applications", "{}", C_PUBLIC, 400, "missing-field", TRUE },
  { "GET /api/v1/applications", NULL, C_OVERSIGHT, 200, NULL, FALSE },
  { "GET /api/v1/applications/{id}", NULL, C_OVERSIGHT, 404, "not-found", FALSE },
  { "POST /api/v1/applications/{id}/confirm", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/applications/{id}/decline", "{\"reason\": \"No such company\"}", C_ADMIN, 404, "not-found", FALSE },
  { "GET /api/v1/documents/{sha256}", NULL, C_OVERSIGHT, 404, "not-found", FALSE },
  { "POST /api/v1/naps", "{}", C_ADMIN, 400, "missing-field", FALSE },
  { "GET /api/v1/naps", NULL, C_OVERSIGHT, 200, NULL, FALSE },
  { "GET /api/v1/naps/{id}", NULL, C_OVERSIGHT, 404, "not-found", FALSE },
  { "GET /api/v1/naps/{id}/file", NULL, C_OVERSIGHT, 404, "not-found", FALSE },
  { "POST /api/v1/naps/{id}/apply", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/naps/{id}/discard", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "GET /api/v1/organisations", NULL, C_OVERSIGHT, 200, NULL, FALSE },
  { "POST /api/v1/organisations", "{}", C_ADMIN, 400, "missing-field", FALSE },
  { "GET /api/v1/organisations/{id}", NULL, C_ANY, 404, "not-found", FALSE },
  { "POST /api/v1/organisations/{id}/block", "{\"reason\": \"Testing\"}", C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/organisations/{id}/restore", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "GET /api/v1/users", NULL, C_ANY, 200, NULL, FALSE },
  { "POST /api/v1/users", "{}", C_ADMIN | C_REPS, 400, "missing-field", FALSE },
  { "POST /api/v1/users/{id}/block", "{\"reason\": \"Testing\"}", C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/users/{id}/restore", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/users/{id}/reset-password", NULL, C_ADMIN, 404, "not-found", FALSE },
  /* Brokers and traders hold no account. */
  { "GET /api/v1/accounts/{account}", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_REP_INDIV | C_ACCT_NATURE | C_ACCT_INDIV, 404, "not-found", FALSE },
  { "GET /api/v1/accounts/{account}/statement", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_REP_INDIV | C_ACCT_NATURE | C_ACCT_INDIV, 404, "not-found", FALSE },
  { "POST /api/v1/issuances", "{}", C_ADMIN, 400, "missing-field", FALSE },
  { "POST /api/v1/transfers", "{}", C_REP_INDIV, 400, "missing-field", FALSE },
  /* Everyone let through sees a page: of all, or of their own. */
  { "GET /api/v1/transactions", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_REP_INDIV | C_ACCT_NATURE | C_ACCT_INDIV |
    C_REP_BROKER | C_ACCT_BROKER | C_REP_TRADER | C_ACCT_TRADER, 200, NULL, FALSE },
  /* Holders are parties to a transfer; intermediaries follow their sales. */
  { "GET /api/v1/transactions/{id}", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_REP_INDIV | C_ACCT_NATURE | C_ACCT_INDIV |
    C_REP_BROKER | C_ACCT_BROKER | C_REP_TRADER | C_ACCT_TRADER, 404, "not-found", FALSE },
  { "POST /api/v1/transactions/{id}/confirm", NULL, C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/transactions/{id}/reject", "{\"reason\": \"Testing\"}", C_ADMIN, 404, "not-found", FALSE },
  { "POST /api/v1/transactions/{id}/cancel", NULL, C_REP_INDIV, 404, "not-found", FALSE },
  { "POST /api/v1/mandates", "{}", C_REP_NATURE, 400, "missing-field", FALSE },
  { "GET /api/v1/mandates", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_ACCT_NATURE | C_REP_BROKER | C_ACCT_BROKER | C_REP_TRADER | C_ACCT_TRADER,
    200, NULL, FALSE },
  { "GET /api/v1/intermediaries", NULL, C_OVERSIGHT | C_REP_NATURE | C_ACCT_NATURE, 200, NULL, FALSE },
  { "POST /api/v1/sale-orders", "{}", C_REP_NATURE, 400, "missing-field", FALSE },
  { "GET /api/v1/sale-orders", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_ACCT_NATURE | C_REP_BROKER | C_ACCT_BROKER | C_REP_TRADER | C_ACCT_TRADER,
    200, NULL, FALSE },
  { "POST /api/v1/sale-orders/{id}/withdraw", NULL, C_REP_NATURE, 404, "not-found", FALSE },
  { "POST /api/v1/sale-orders/{id}/transfers", "{}", C_REP_BROKER | C_REP_TRADER, 400, "missing-field", FALSE },
  { "POST /api/v1/buy-requests", "{}", C_REP_NATURE, 400, "missing-field", FALSE },
  { "GET /api/v1/buy-requests", NULL,
    C_OVERSIGHT | C_REP_NATURE | C_ACCT_NATURE | C_REP_BROKER | C_ACCT_BROKER | C_REP_TRADER | C_ACCT_TRADER,
    200, NULL, FALSE },
  { "POST /api/v1/buy-requests/{id}/withdraw", NULL, C_REP_NATURE, 404, "not-found", FALSE },
  { "GET /api/v1/reports/trading", NULL, C_OVERSIGHT, 200, NULL, FALSE },
  { "POST /api/v1/emissions", "{}", C_ADMIN, 400, "missing-field", FALSE },
  /* The year is required. */
  { "GET /api/v1/compliance", NULL, C_OVERSIGHT | C_REP_NATURE | C_ACCT_NATURE, 400, "missing-field", FALSE },
  { "POST /api/v1/surrenders", "{}", C_REP_NATURE, 400, "missing-field", FALSE },
  { "POST /api/v1/cancellations", "{}", C_REP_NATURE | C_REP_INDIV, 400, "missing-field", FALSE },
  { "GET /api/v1/units/{unit_type}/{vintage}/{serial}", NULL, C_OVERSIGHT, 404, "not-found", FALSE },
  { "GET /api/v1/ledger", NULL, C_OVERSIGHT, 200, NULL, FALSE },
  { "GET /api/v1/audit", NULL, C_OVERSIGHT, 200, NULL, FALSE },
};

static const CellRow *
find_cell_row (const char *route)
{
  for (guint i = 0; i < G_N_ELEMENTS (cell_rows); i++)
    {
      if (strcmp (cell_rows[i].route, route) == 0)
        return &cell_rows[i];
    }

  g_error ("The cell table of test-routes.c lacks “%s”: write its row from API.md", route);
}

/* What API.md says COLUMN gets from ROW, as "STATUS code". */
static char *
expected_cell (const CellRow *row,
               guint          column)
{
  guint status = row->status;
  const char *code = row->code;

  if (row->allowed != C_PUBLIC)
    {
      switch (column)
        {
        case CELL_BLOCKED:
          status = 403, code = "user-blocked";
          break;
        case CELL_EXPIRED:
          status = 401, code = "session-expired";
          break;
        case CELL_NO_TOKEN:
          status = 401, code = "unauthenticated";
          break;
        case CELL_ENROLLING:
          if (!row->while_enrolling)
            status = 403, code = "two-factor-required";
          else if ((row->allowed & C_ADMIN) == 0)
            status = 403, code = "forbidden";
          break;
        default:
          g_assert (column < N_ROLE_CELLS);
          if ((row->allowed & (1u << column)) == 0)
            status = 403, code = "forbidden";
          break;
        }
    }

  return g_strdup_printf ("%u %s", status, code != NULL ? code : "-");
}

typedef struct
{
  KvotaTestServer *server;
  char            *tokens[N_CELLS];      /* NULL for no token */
  GPtrArray       *expired;              /* one ended session for each route */
  GString         *mismatches;
  guint            n_cells;
  guint            n_mismatches;
} CellWalk;

static void
check_table_cell (CellWalk      *walk,
                  const CellRow *row,
                  guint          column)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = expected_cell (row, column);
  g_autofree char *actual = NULL;
  const char *token = walk->tokens[column];
  const char *code;

  /* An ended session is forgotten once the server has said so: each
   * route gets its own. */
  if (column == CELL_EXPIRED)
    {
      g_assert_cmpuint (walk->expired->len, >, 0);
      token = g_ptr_array_index (walk->expired, walk->expired->len - 1);
    }

  split_route (row->route, "999999", "KZ-100-999999", &method, &path);
  reply = kvota_test_server_request (walk->server, method, path, token, row->body, -1);
  code = kvota_test_reply_error_code (reply);
  actual = g_strdup_printf ("%u %s", reply->status, code != NULL ? code : "-");

  if (column == CELL_EXPIRED)
    g_ptr_array_remove_index (walk->expired, walk->expired->len - 1);

  walk->n_cells++;
  if (strcmp (expected, actual) != 0)
    {
      walk->n_mismatches++;
      g_string_append_printf (walk->mismatches, "  %-44s %-18s expected %-26s got %s\n",
                              row->route, cell_names[column], expected, actual);
    }

  /* Errors explain themselves, whatever the cell. */
  if (reply->status >= 400 && (code == NULL || kvota_test_json_lookup (reply->json, "error.message") == NULL))
    {
      walk->n_mismatches++;
      g_string_append_printf (walk->mismatches, "  %-44s %-18s the error has no code or message\n",
                              row->route, cell_names[column]);
    }
}

static char *
login_cell (KvotaTestServer *server,
            KvotaTestUser    user,
            const char      *otp,
            gboolean         enrolment_only)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_login_otp (server, kvota_test_user_name (user), kvota_test_user_password (user), otp);
  kvota_test_assert_status (reply, 201);
  g_assert_cmpint (kvota_test_reply_get_boolean (reply, "two_factor_enrolment_required"), ==, enrolment_only);

  return g_strdup (kvota_test_reply_get_string (reply, "token"));
}

static char *
snapshot (KvotaTestServer *server,
          const char      *token)
{
  static const char * const paths[] = {
    "/api/v1/ledger", "/api/v1/organisations", "/api/v1/users", "/api/v1/registration-keys",
    "/api/v1/applications", "/api/v1/naps",
  };
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(KvotaTestReply) reply = kvota_test_server_request (server, "GET", paths[i], token, NULL, 0);

      kvota_test_assert_status (reply, 200);
      g_string_append_printf (all, "%s: %.*s\n", paths[i], (int) g_bytes_get_size (reply->body),
                              (const char *) g_bytes_get_data (reply->body, NULL));
    }

  return g_string_free (all, FALSE);
}

static void
test_routes_cells (void)
{
  g_autoptr(KvotaTestServer) server = kvota_test_server_new ();
  g_autoptr(GPtrArray) routes = list_routes ();
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) mismatches = g_string_new (NULL);
  g_autofree char *secret = NULL;
  g_autofree char *otp = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const CellRow *logout = NULL;
  CellWalk walk = { server, { NULL, }, expired, mismatches, 0, 0 };
  guint audit_before;

  /* The table covers the server's routes exactly, and agrees with the
   * role table that /server/routes/documented holds to API.md. */
  for (guint i = 0; i < routes->len; i++)
    {
      static const guint column_cells[N_COLUMNS] = {
        [COLUMN_ADMIN] = C_ADMIN,
        [COLUMN_MINISTRY] = C_MINISTRY,
        [COLUMN_REP_INDIVIDUAL] = C_REP_INDIV,
        [COLUMN_ACCT_INDIVIDUAL] = C_ACCT_INDIV,
        [COLUMN_REP_NATURE] = C_REP_NATURE,
        [COLUMN_REP_BROKER] = C_REP_BROKER,
      };
      const char *route = g_ptr_array_index (routes, i);
      const CellRow *row = find_cell_row (route);
      const RouteAccess *access = find_access (route);

      g_assert_nonnull (access);
      if (is_public (route))
        g_assert_cmpuint (row->allowed, ==, C_PUBLIC);
      else
        for (guint column = 0; column < N_COLUMNS; column++)
          {
            if (((access->allowed & (1u << column)) != 0) != ((row->allowed & column_cells[column]) != 0))
              g_error ("The cell table and the role table disagree on %s for %s",
                       route, kvota_test_user_name (column_users[column]));
          }
      if (strstr (access->access, "also while enrolling") != NULL && !row->while_enrolling)
        g_error ("API.md opens %s while enrolling; the cell table does not", route);
    }
  g_assert_cmpuint (G_N_ELEMENTS (cell_rows), ==, routes->len);

  /* A registry as `kvotactl init` makes it, where administrators must use
   * two-factor login: the first has set it up, the second has not. */
  kvota_test_server_set_setting (server, "require-admin-two-factor", "true");
  secret = kvota_test_server_enable_two_factor (server, KVOTA_TEST_ADMIN);
  for (guint i = 0; i < routes->len; i++)
    g_ptr_array_add (expired, kvota_test_server_create_session (server, KVOTA_TEST_REP_A, -60 * 60, FALSE));
  kvota_test_server_start (server, NULL);

  otp = kvota_totp_generate (secret, g_get_real_time () / G_USEC_PER_SEC);
  walk.tokens[CELL_ADMIN] = login_cell (server, KVOTA_TEST_ADMIN, otp, FALSE);
  for (guint column = CELL_MINISTRY; column < N_ROLE_CELLS; column++)
    walk.tokens[column] = login_cell (server, cell_users[column], NULL, FALSE);
  walk.tokens[CELL_ENROLLING] = login_cell (server, KVOTA_TEST_ADMIN2, NULL, TRUE);

  /* The blocked user was logged in when the administrator blocked it. */
  walk.tokens[CELL_BLOCKED] = login_cell (server, KVOTA_TEST_REP_B, NULL, FALSE);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/block",
                                             server->user_ids[KVOTA_TEST_REP_B]);
    g_autoptr(KvotaTestReply) blocked = kvota_test_server_request (server, "POST", path, walk.tokens[CELL_ADMIN],
                                                                   "{\"reason\": \"Testing the table\"}", -1);

    kvota_test_assert_status (blocked, 200);
  }
  /* walk.tokens[CELL_EXPIRED] stays NULL: each cell takes its own. */
  walk.tokens[CELL_NO_TOKEN] = NULL;

  before = snapshot (server, walk.tokens[CELL_ADMIN]);
  audit_before = kvota_test_server_count_audit (server, walk.tokens[CELL_ADMIN]);

  for (guint i = 0; i < routes->len; i++)
    {
      const CellRow *row = find_cell_row (g_ptr_array_index (routes, i));

      if (strcmp (row->route, "DELETE /api/v1/session") == 0)
        {
          logout = row;
          continue;
        }

      for (guint column = 0; column < N_CELLS; column++)
        check_table_cell (&walk, row, column);
    }

  /* Nothing the walk did changed the registry. */
  after = snapshot (server, walk.tokens[CELL_ADMIN]);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (kvota_test_server_count_audit (server, walk.tokens[CELL_ADMIN]), ==, audit_before);

  /* Logging out comes last, and ends exactly the sessions it should. */
  g_assert_nonnull (logout);
  for (guint column = 0; column < N_CELLS; column++)
    check_table_cell (&walk, logout, column);
  for (guint column = 0; column < N_CELLS; column++)
    {
      g_autoptr(KvotaTestReply) me = NULL;

      if (column >= N_ROLE_CELLS && column != CELL_ENROLLING)
        continue;
      me = kvota_test_server_request (server, "GET", "/api/v1/me", walk.tokens[column], NULL, 0);
      if (me->status != 401 || g_strcmp0 (kvota_test_reply_error_code (me), "invalid-token") != 0)
        {
          walk.n_mismatches++;
          g_string_append_printf (mismatches, "  %-44s %-18s still logged in after DELETE /api/v1/session\n",
                                  "GET /api/v1/me", cell_names[column]);
        }
    }

  g_assert_cmpuint (walk.n_cells, ==, routes->len * N_CELLS);
  g_assert_cmpuint (expired->len, ==, 0);
  g_test_message ("%u cells of %u routes × %u callers", walk.n_cells, routes->len, (guint) N_CELLS);

  if (walk.n_mismatches > 0)
    {
      g_autofree char *message = g_strdup_printf ("%u of %u cells differ from API.md", walk.n_mismatches,
                                                  walk.n_cells);

      g_printerr ("Authorization cells that differ from API.md (route, caller, expected, got):\n%s",
                  mismatches->str);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message);
    }

  for (guint column = 0; column < N_CELLS; column++)
    g_free (walk.tokens[column]);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/routes/no-token", test_routes_no_token);
  g_test_add_func ("/server/routes/documented", test_routes_documented);
  g_test_add_func ("/server/routes/roles", test_routes_roles);
  g_test_add_func ("/server/routes/cells", test_routes_cells);

  return g_test_run ();
}
