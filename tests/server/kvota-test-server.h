/* kvota-test-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "kvota-records.h"
#include "kvota-store.h"

G_BEGIN_DECLS

/* The harness of the server tests: a temporary registry built through the
 * core store with known users, a real kvota-server process serving it on
 * a free loopback port, and a SoupSession to talk to it. */

/**
 * KvotaTestUser:
 *
 * The users every test registry has, each with its own password.
 * Company A and company B are individuals/trading companies; with the
 * nature user, the broker and the trader, every company holder type has a
 * representative and an accountant.
 */
typedef enum
{
  KVOTA_TEST_ADMIN,
  KVOTA_TEST_ADMIN2,
  KVOTA_TEST_MINISTRY,
  KVOTA_TEST_REP_A,
  KVOTA_TEST_ACCT_A,
  KVOTA_TEST_REP_B,
  KVOTA_TEST_ACCT_B,
  KVOTA_TEST_REP_NATURE,
  KVOTA_TEST_REP_BROKER,
  KVOTA_TEST_ACCT_NATURE,
  KVOTA_TEST_ACCT_BROKER,
  KVOTA_TEST_REP_TRADER,
  KVOTA_TEST_ACCT_TRADER,
  KVOTA_TEST_N_USERS
} KvotaTestUser;

/* BINs with valid check digits, one per test organisation. */
#define KVOTA_TEST_BIN_NATURE "140340000018"
#define KVOTA_TEST_BIN_BROKER "140440000071"
#define KVOTA_TEST_BIN_A      "150540000057"
#define KVOTA_TEST_BIN_B      "150640000040"
#define KVOTA_TEST_BIN_TRADER "150740000014"

/* The "documents" member of a proposed transfer: one small PDF contract,
 * for format strings and tables of request bodies. */
#define KVOTA_TEST_DEAL_DOCUMENTS \
  "\"documents\": [{\"name\": \"contract.pdf\", \"data\": " \
  "\"JVBERi0xLjQKMSAwIG9iaiA8PCAvVHlwZSAvQ2F0YWxvZyA+PiBlbmRvYmoKdHJhaWxlciA8PCAvUm9vdCAxIDAgUiA+PgolJUVPRgo=\"}]"

typedef struct
{
  char             *dir;
  char             *db_path;
  char             *stderr_path;
  char             *base_url;         /* "http://127.0.0.1:PORT", no slash */
  GSubprocess      *process;
  GDataInputStream *stdout_stream;
  SoupSession      *session;
  GTlsCertificate  *trusted;          /* accepted for HTTPS, or NULL */

  gint64            user_ids[KVOTA_TEST_N_USERS];
  gint64            organisation_a;
  gint64            organisation_b;
  gint64            organisation_nature;
  gint64            organisation_broker;
  gint64            organisation_trader;
  gint64            organisation_registry;
  gint64            organisation_ministry;
  char             *account_a;
  char             *account_b;
  char             *account_nature;
} KvotaTestServer;

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  JsonNode           *json;           /* NULL when the body is not JSON */
} KvotaTestReply;

const char      *kvota_test_user_name            (KvotaTestUser    user);
const char      *kvota_test_user_password        (KvotaTestUser    user);

KvotaTestServer *kvota_test_server_new           (void);
KvotaTestServer *kvota_test_server_new_empty     (void);
void             kvota_test_server_start         (KvotaTestServer *self,
                                                  ...) G_GNUC_NULL_TERMINATED;
void             kvota_test_server_stop          (KvotaTestServer *self);
void             kvota_test_server_kill          (KvotaTestServer *self);
void             kvota_test_server_free          (KvotaTestServer *self);

SoupMessage     *kvota_test_server_message_new   (KvotaTestServer *self,
                                                  const char      *method,
                                                  const char      *path,
                                                  const char      *token);
KvotaTestReply  *kvota_test_server_send          (KvotaTestServer *self,
                                                  SoupMessage     *message);
KvotaTestReply  *kvota_test_server_request       (KvotaTestServer *self,
                                                  const char      *method,
                                                  const char      *path,
                                                  const char      *token,
                                                  const char      *body,
                                                  gssize           length);
KvotaTestReply  *kvota_test_server_requestf      (KvotaTestServer *self,
                                                  const char      *method,
                                                  const char      *path,
                                                  const char      *token,
                                                  const char      *format,
                                                  ...) G_GNUC_PRINTF (5, 6);
char            *kvota_test_server_login         (KvotaTestServer *self,
                                                  KvotaTestUser    user);
KvotaTestReply  *kvota_test_server_login_as      (KvotaTestServer *self,
                                                  const char      *username,
                                                  const char      *password);
char            *kvota_test_server_ledger        (KvotaTestServer *self,
                                                  const char      *token);
guint            kvota_test_server_count_audit   (KvotaTestServer *self,
                                                  const char      *token);
guint            kvota_test_server_get_holding   (KvotaTestServer *self,
                                                  const char      *token,
                                                  const char      *account,
                                                  const char      *unit_type,
                                                  int              vintage,
                                                  KvotaHolding    *holding);
void             kvota_test_server_verify        (KvotaTestServer *self);
void             kvota_test_server_assert_health (KvotaTestServer *self);
KvotaTestReply  *kvota_test_server_login_otp     (KvotaTestServer *self,
                                                  const char      *username,
                                                  const char      *password,
                                                  const char      *otp);
JsonArray       *kvota_test_server_audit         (KvotaTestServer *self,
                                                  const char      *token);

/* The registry behind the server's back, through the core store: for what
 * the API cannot do (a key that expired yesterday, a session that ended an
 * hour ago) or should not have to (settings `kvotactl init` makes). */
KvotaStore      *kvota_test_server_open_store    (KvotaTestServer *self);
void             kvota_test_server_set_setting   (KvotaTestServer *self,
                                                  const char      *key,
                                                  const char      *value);
char            *kvota_test_server_create_session (KvotaTestServer *self,
                                                  KvotaTestUser    user,
                                                  gint64           lifetime_seconds,
                                                  gboolean         enrolment_only);
char            *kvota_test_server_enable_two_factor (KvotaTestServer *self,
                                                  KvotaTestUser    user);
char            *kvota_test_server_create_registration_key (KvotaTestServer *self,
                                                  const char      *bin,
                                                  const char      *holder_type,
                                                  gint64           lifetime_seconds);

gint64           kvota_test_audit_find           (JsonArray       *entries,
                                                  gint64           after,
                                                  const char      *action,
                                                  const char      *object);

void             kvota_test_reply_free           (KvotaTestReply  *reply);
const char      *kvota_test_reply_error_code     (KvotaTestReply  *reply);
JsonNode        *kvota_test_reply_lookup         (KvotaTestReply  *reply,
                                                  const char      *path);
const char      *kvota_test_reply_get_string     (KvotaTestReply  *reply,
                                                  const char      *path);
gint64           kvota_test_reply_get_int        (KvotaTestReply  *reply,
                                                  const char      *path);
gboolean         kvota_test_reply_get_boolean    (KvotaTestReply  *reply,
                                                  const char      *path);
guint            kvota_test_reply_get_length     (KvotaTestReply  *reply,
                                                  const char      *path);
char            *kvota_test_reply_describe       (KvotaTestReply  *reply);

JsonNode        *kvota_test_json_lookup          (JsonNode        *root,
                                                  const char      *path);

void             kvota_test_assert_reply         (KvotaTestReply  *reply,
                                                  guint            status,
                                                  const char      *code,
                                                  const char      *file,
                                                  int              line,
                                                  const char      *func);

/* Asserts the status, and that the body is {"error": {"code": CODE}} when
 * CODE is not NULL (and carries no error when it is). */
#define kvota_test_assert_error(reply, status, code) \
  kvota_test_assert_reply ((reply), (status), (code), __FILE__, __LINE__, G_STRFUNC)
#define kvota_test_assert_status(reply, status) \
  kvota_test_assert_reply ((reply), (status), NULL, __FILE__, __LINE__, G_STRFUNC)

/* Programs the tests run */
const char      *kvota_test_program              (const char      *variable);
const char      *kvota_test_file                 (const char      *variable);
char            *kvota_test_source_file          (const char      *first_element,
                                                  ...) G_GNUC_NULL_TERMINATED;
int              kvota_test_run                  (char           **standard_output,
                                                  char           **standard_error,
                                                  const char      *first_arg,
                                                  ...) G_GNUC_NULL_TERMINATED;

gboolean         kvota_test_bin_check_digit      (const char      *digits,
                                                  guint           *check_digit);
char            *kvota_test_bin_make             (const char      *eleven_digits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaTestServer, kvota_test_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaTestReply, kvota_test_reply_free)

G_END_DECLS
