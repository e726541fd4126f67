/* kvota-server-routes.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-totp.h"
#include "kvota-server-private.h"

/* The handlers of every route, and the route table that says who may call
 * them. Authentication and the role check happen before a handler runs;
 * a handler checks only what depends on the object (is this the caller's
 * own account?). */

/* GET /api/v1/health */

static void
health_cb (KvotaServer  *self,
           KvotaRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "api");
  json_builder_add_int_value (builder, 1);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/session */

typedef struct
{
  char *username;
  char *password;
  char *otp;
} LoginBody;

static const KvotaField login_fields[] = {
  { "username", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (LoginBody, username), -1 },
  { "password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (LoginBody, password), -1 },
  { "otp", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (LoginBody, otp), -1 },
};

typedef struct
{
  KvotaServer      *server;
  KvotaRequest     *request;
  LoginBody         body;
  KvotaCredentials *credentials;   /* a user's, or NULL */
  KvotaApplication *application;   /* else an applicant's, or NULL */
  char             *hash;          /* what the password is checked against */
  char             *in_flight;     /* from _kvota_server_begin_attempt() while counted */
} Login;

static void
login_free (Login *login)
{
  _kvota_server_end_attempt (login->server, g_steal_pointer (&login->in_flight));
  g_object_unref (login->server);
  if (login->body.password != NULL)
    memset (login->body.password, 0, strlen (login->body.password));
  kvota_json_clear_strings (login_fields, G_N_ELEMENTS (login_fields), &login->body);
  kvota_credentials_free (login->credentials);
  kvota_application_free (login->application);
  g_free (login->hash);
  g_free (login);
}

static void
verify_password_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Login *login = task_data;

  g_task_return_boolean (task, kvota_password_verify (login->hash, login->body.password));
}

/* An applicant logging in learns how its application stands. */
static void
reply_application_state (KvotaRequest     *request,
                         KvotaApplication *application)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* The applicant reads the decision and its reason, not who made it. */
  g_clear_pointer (&application->decided_by, g_free);
  node = kvota_application_to_json (application);

  kvota_set_error (&error,
                   application->state == KVOTA_APPLICATION_STATE_DECLINED ?
                   KVOTA_ERROR_APPLICATION_DECLINED : KVOTA_ERROR_APPLICATION_PENDING,
                   NULL);
  _kvota_request_reply_error_with (request, error, "application", node);
}

/* The password was checked against the credentials read before the
 * check. A password reset or change meanwhile has ended that password,
 * and ends the user's sessions: a session opened with it now would
 * outlive them. Answers as a login after the reset or change would, and
 * else takes the credentials as they are now, two-factor login too. */
static gboolean
reread_credentials (KvotaServer  *self,
                    Login        *login,
                    GError      **error)
{
  g_autoptr(KvotaCredentials) current = kvota_store_get_credentials (self->store, login->body.username);

  if (current != NULL && current->reset_pending)
    {
      kvota_set_error (error, KVOTA_ERROR_PASSWORD_RESET_PENDING, NULL);
      return FALSE;
    }

  if (current == NULL ||
      current->user_id != login->credentials->user_id ||
      g_strcmp0 (current->password_hash, login->hash) != 0)
    {
      kvota_set_error (error, KVOTA_ERROR_BAD_CREDENTIALS, NULL);
      return FALSE;
    }

  kvota_credentials_free (login->credentials);
  login->credentials = g_steal_pointer (&current);
  return TRUE;
}

/* Checks the second factor of a user whose password matched. */
static gboolean
check_second_factor (KvotaServer       *self,
                     Login             *login,
                     gint64             now,
                     GError           **error)
{
  KvotaCredentials *credentials = login->credentials;
  gint64 counter;

  if (credentials->totp_secret == NULL)
    return TRUE;

  if (login->body.otp == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_OTP_REQUIRED, "otp");
      return FALSE;
    }

  if (!kvota_totp_validate (credentials->totp_secret, login->body.otp, now,
                            credentials->totp_counter, &counter))
    {
      kvota_set_error (error, KVOTA_ERROR_BAD_OTP, "otp");
      return FALSE;
    }

  /* Stored before the session exists: the same code never opens two. */
  return kvota_store_use_two_factor_code (self->store, credentials->user_id, counter, error);
}

static void
login_verified_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Login *login = user_data;
  KvotaServer *self = login->server;
  KvotaRequest *request = login->request;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(KvotaSession) session = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_hash = NULL;
  const char *peer = soup_server_message_get_remote_host (request->message);
  gboolean matches = g_task_propagate_boolean (G_TASK (result), NULL);
  gboolean enrolment_only = FALSE;

  if (matches && login->application != NULL)
    {
      reply_application_state (request, login->application);
      goto out;
    }

  if (!matches || login->credentials == NULL)
    {
      kvota_store_record_login (self->store, login->body.username, FALSE, peer, now);
      _kvota_request_reply_code (request, KVOTA_ERROR_BAD_CREDENTIALS, NULL);
      goto out;
    }

  if (!reread_credentials (self, login, &error))
    {
      /* The old password is now a wrong one, and counts as one. */
      if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_BAD_CREDENTIALS))
        kvota_store_record_login (self->store, login->body.username, FALSE, peer, now);
      _kvota_request_reply_error (request, error);
      goto out;
    }

  session = g_new0 (KvotaSession, 1);
  if ((session->user = kvota_store_get_user (self->store, login->credentials->user_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      goto out;
    }

  if (session->user->state != KVOTA_USER_STATE_ACTIVE ||
      session->user->organisation->state != KVOTA_USER_STATE_ACTIVE)
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_USER_BLOCKED, NULL);
      goto out;
    }

  if (!check_second_factor (self, login, g_date_time_to_unix (now), &error))
    {
      /* A wrong code counts as a failed login; a missing one does not. */
      if (!g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_OTP_REQUIRED))
        kvota_store_record_login (self->store, login->body.username, FALSE, peer, now);
      _kvota_request_reply_error (request, error);
      goto out;
    }

  kvota_store_record_login (self->store, login->body.username, TRUE, peer, now);

  enrolment_only = login->credentials->totp_secret == NULL &&
                   _kvota_server_two_factor_required (self, login->credentials->role);

  session->token = kvota_token_new ();
  session->expires = g_date_time_add_seconds (now, self->session_lifetime);
  token_hash = kvota_token_hash (session->token);

  if (!kvota_store_create_session (self->store, login->credentials->user_id, token_hash,
                                   session->expires, enrolment_only, &error))
    {
      _kvota_request_reply_error (request, error);
      goto out;
    }

  node = kvota_session_to_json (session);
  json_object_set_boolean_member (json_node_get_object (node), "two_factor_enrolment_required",
                                  enrolment_only);
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);

out:
  _kvota_request_finish (request);
  login_free (login);
}

static void
login_cb (KvotaServer  *self,
          KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Login *login = g_new0 (Login, 1);

  login->server = g_object_ref (self);
  login->request = request;

  if (!_kvota_request_read_body (request, login_fields, G_N_ELEMENTS (login_fields), &login->body,
                                 FALSE, &error))
    {
      _kvota_request_reply_error (request, error);
      login_free (login);
      return;
    }

  if (_kvota_server_attempts_exhausted (self, login->body.username))
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_TOO_MANY_ATTEMPTS, NULL);
      login_free (login);
      return;
    }

  if ((login->credentials = kvota_store_get_credentials (self->store, login->body.username)) != NULL)
    {
      if (login->credentials->reset_pending)
        {
          _kvota_request_reply_code (request, KVOTA_ERROR_PASSWORD_RESET_PENDING, NULL);
          login_free (login);
          return;
        }
      login->hash = g_strdup (login->credentials->password_hash);
    }
  else if ((login->application = kvota_store_find_application_by_username (self->store, login->body.username,
                                                                           &login->hash)) == NULL)
    {
      /* Unknown usernames cost the same time as known ones. */
      login->hash = g_strdup (self->dummy_hash);
    }

  /* argon2id takes a while on purpose: keep the main loop serving. */
  login->in_flight = _kvota_server_begin_attempt (self, login->body.username);
  request->paused = TRUE;
  soup_server_message_pause (request->message);

  task = g_task_new (NULL, NULL, login_verified_cb, login);
  g_task_set_source_tag (task, login_cb);
  g_task_set_task_data (task, login, NULL);
  g_task_run_in_thread (task, verify_password_thread);
}

/* DELETE /api/v1/session */

static void
logout_cb (KvotaServer  *self,
           KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;

  if (!kvota_store_delete_session (self->store, request->token_hash, &error))
    _kvota_request_reply_error (request, error);
  else
    _kvota_request_reply_json (request, SOUP_STATUS_NO_CONTENT, NULL);
}

/* GET /api/v1/me */

static void
me_cb (KvotaServer  *self,
       KvotaRequest *request)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(KvotaTwoFactor) two_factor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *expires = NULL;

  if ((user = kvota_store_get_user (self->store, request->principal->user_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  if ((two_factor = kvota_store_get_two_factor (self->store, user->id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("user", kvota_user_to_json (user));
  expires = kvota_timestamp_format (request->principal->expires);
  json_object_set_string_member (json_node_get_object (node), "expires", expires);
  json_object_set_boolean_member (json_node_get_object (node), "two_factor", two_factor->secret != NULL);
  json_object_set_boolean_member (json_node_get_object (node), "two_factor_required",
                                  _kvota_server_two_factor_required (self, user->role));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* GET /api/v1/organisations */

static void
list_organisations_cb (KvotaServer  *self,
                       KvotaRequest *request)
{
  g_autoptr(GPtrArray) organisations = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (!_kvota_request_check_query (request, NULL, &error) ||
      (organisations = kvota_store_list_organisations (self->store, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (organisations->len);
  for (guint i = 0; i < organisations->len; i++)
    json_array_add_element (array, kvota_organisation_to_json (g_ptr_array_index (organisations, i)));

  node = _kvota_object_node ("organisations", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/organisations */

typedef struct
{
  char *name;
  char *bin;
  char *holder_type;
} OrganisationBody;

static const KvotaField organisation_fields[] = {
  { "name", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (OrganisationBody, name), -1 },
  { "bin", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (OrganisationBody, bin), -1 },
  { "holder_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (OrganisationBody, holder_type), -1 },
};

static void
create_organisation_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  OrganisationBody body = { NULL, };
  KvotaHolderType holder_type;

  if (!_kvota_request_read_body (request, organisation_fields, G_N_ELEMENTS (organisation_fields),
                                 &body, FALSE, &error))
    goto out;

  if (!kvota_holder_type_from_string (body.holder_type, &holder_type))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
      goto out;
    }

  organisation = kvota_store_create_organisation (self->store, _kvota_request_actor (request),
                                                  body.name, body.bin, holder_type, &error);

out:
  kvota_json_clear_strings (organisation_fields, G_N_ELEMENTS (organisation_fields), &body);
  if (organisation == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("organisation", kvota_organisation_to_json (organisation));
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

/* GET /api/v1/organisations/{id} */

static void
get_organisation_cb (KvotaServer  *self,
                     KvotaRequest *request)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 id = _kvota_request_param_id (request, 0);

  /* Others' organisations look exactly like missing ones. */
  if (!_kvota_principal_is_oversight (request->principal) && id != request->principal->organisation_id)
    id = 0;

  if ((organisation = kvota_store_get_organisation (self->store, id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("organisation", kvota_organisation_to_json (organisation));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* Reasons for blocks, rejections and declines */

typedef struct
{
  char *reason;
} ReasonBody;

static const KvotaField reason_fields[] = {
  { "reason", KVOTA_FIELD_TEXT, TRUE, G_STRUCT_OFFSET (ReasonBody, reason), -1 },
};

static const KvotaField optional_reason_fields[] = {
  { "reason", KVOTA_FIELD_TEXT, FALSE, G_STRUCT_OFFSET (ReasonBody, reason), -1 },
};

gboolean
_kvota_request_read_reason (KvotaRequest  *request,
                            gboolean       required,
                            char         **reason,
                            GError       **error)
{
  const KvotaField *fields = required ? reason_fields : optional_reason_fields;
  ReasonBody body = { NULL, };

  if (!_kvota_request_read_body (request, fields, 1, &body, !required, error))
    {
      g_free (body.reason);
      return FALSE;
    }

  if (required && g_strstrip (body.reason)[0] == '\0')
    {
      g_free (body.reason);
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "reason");
      return FALSE;
    }

  *reason = body.reason;
  return TRUE;
}

/* GET /api/v1/accounts/{account} */

static gboolean
may_see_account (KvotaServer  *self,
                 KvotaRequest *request,
                 const char   *account)
{
  return _kvota_principal_is_oversight (request->principal) ||
         g_strcmp0 (request->principal->account, account) == 0;
}

static void
get_account_cb (KvotaServer  *self,
                KvotaRequest *request)
{
  g_autoptr(GArray) holdings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *account = request->params[0];
  g_autofree char *key = NULL;

  if (!may_see_account (self, request, account))
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_NOT_FOUND, "account");
      return;
    }

  /* Clients read balances far more often than the ledger moves. */
  key = g_strconcat ("account ", account, NULL);
  if (_kvota_request_reply_cached (request, key))
    return;

  if ((holdings = kvota_store_get_holdings (self->store, account, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, kvota_store_get_account_organisation (self->store, account));
  json_builder_set_member_name (builder, "holdings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < holdings->len; i++)
    json_builder_add_value (builder, kvota_holding_to_json (&g_array_index (holdings, KvotaHolding, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json_cached (request, key, node);
}

/* Ledger operations */

typedef struct
{
  char   *account;
  char   *unit_type;
  gint64  vintage;
  gint64  quantity;
} LedgerBody;

static const KvotaField issuance_fields[] = {
  { "account", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (LedgerBody, account), -1 },
  { "unit_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (LedgerBody, unit_type), -1 },
  { "vintage", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (LedgerBody, vintage), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (LedgerBody, quantity), -1 },
};

static gboolean
read_ledger_body (KvotaRequest      *request,
                  const KvotaField  *fields,
                  guint              n_fields,
                  LedgerBody        *body,
                  KvotaUnitType     *unit_type,
                  GError           **error)
{
  if (!_kvota_request_read_body (request, fields, n_fields, body, FALSE, error))
    return FALSE;

  return _kvota_request_check_units (body->unit_type, body->vintage, body->quantity, unit_type, error);
}

static void
reply_transaction (KvotaRequest     *request,
                   guint             status,
                   KvotaTransaction *transaction,
                   const GError     *error)
{
  g_autoptr(JsonNode) node = NULL;

  if (transaction == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("transaction", kvota_transaction_to_json (transaction));
  _kvota_request_reply_json (request, status, node);
}

static void
issue_cb (KvotaServer  *self,
          KvotaRequest *request)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;
  LedgerBody body = { NULL, };
  KvotaUnitType unit_type;

  if (read_ledger_body (request, issuance_fields, G_N_ELEMENTS (issuance_fields), &body, &unit_type, &error))
    transaction = kvota_store_issue (self->store, _kvota_request_actor (request), body.account,
                                     unit_type, (int) body.vintage, body.quantity, &error);

  kvota_json_clear_strings (issuance_fields, G_N_ELEMENTS (issuance_fields), &body);
  reply_transaction (request, SOUP_STATUS_CREATED, transaction, error);
}

/* GET /api/v1/transactions/{id} */

static gboolean
is_party (KvotaServer      *self,
          KvotaRequest     *request,
          KvotaTransaction *transaction)
{
  const char *account = request->principal->account;

  /* The intermediary that proposed a sale follows it too. */
  if (transaction->order_id > 0)
    {
      g_autoptr(KvotaSaleOrder) order = kvota_store_get_sale_order (self->store, transaction->order_id, NULL);

      if (order != NULL && order->intermediary_id == request->principal->organisation_id)
        return TRUE;
    }

  return account != NULL &&
         (g_strcmp0 (transaction->from_account, account) == 0 ||
          g_strcmp0 (transaction->to_account, account) == 0);
}

static void
get_transaction_cb (KvotaServer  *self,
                    KvotaRequest *request)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;

  transaction = kvota_store_get_transaction (self->store, _kvota_request_param_id (request, 0), &error);
  if (transaction != NULL &&
      !_kvota_principal_is_oversight (request->principal) &&
      !is_party (self, request, transaction))
    {
      g_clear_pointer (&transaction, kvota_transaction_free);
      kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, NULL);
    }

  reply_transaction (request, SOUP_STATUS_OK, transaction, error);
}

/* POST /api/v1/transactions/{id}/confirm, /reject and /cancel */

static void
decide_transaction (KvotaServer           *self,
                    KvotaRequest          *request,
                    KvotaTransactionState  decision)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_read_reason (request, decision == KVOTA_TRANSACTION_STATE_REJECTED, &reason, &error))
    goto out;

  if (decision == KVOTA_TRANSACTION_STATE_CANCELLED)
    {
      /* Only the transferring holder withdraws its own proposal. */
      g_autoptr(KvotaTransaction) proposed = kvota_store_get_transaction (self->store, id, &error);

      if (proposed == NULL)
        goto out;
      if (g_strcmp0 (proposed->from_account, request->principal->account) != 0)
        {
          kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, NULL);
          goto out;
        }
    }

  transaction = kvota_store_decide_transfer (self->store, _kvota_request_actor (request), id,
                                             decision, reason, &error);

out:
  /* A first of two confirmations is accepted, not done. */
  reply_transaction (request,
                     transaction != NULL && transaction->state == KVOTA_TRANSACTION_STATE_PROPOSED ?
                     SOUP_STATUS_ACCEPTED : SOUP_STATUS_OK,
                     transaction, error);
}

static void
confirm_transaction_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  decide_transaction (self, request, KVOTA_TRANSACTION_STATE_COMPLETED);
}

static void
reject_transaction_cb (KvotaServer  *self,
                       KvotaRequest *request)
{
  decide_transaction (self, request, KVOTA_TRANSACTION_STATE_REJECTED);
}

static void
cancel_transaction_cb (KvotaServer  *self,
                       KvotaRequest *request)
{
  decide_transaction (self, request, KVOTA_TRANSACTION_STATE_CANCELLED);
}

/* GET /api/v1/ledger */

typedef struct
{
  char   *path;
  GArray *totals;     /* or NULL when it does not balance */
  char   *problem;
} LedgerCheck;

static void
ledger_check_free (gpointer data)
{
  LedgerCheck *check = data;

  g_free (check->path);
  g_clear_pointer (&check->totals, g_array_unref);
  g_free (check->problem);
  g_free (check);
}

/* In a worker thread, on a connection of its own: proving the invariant
 * reads every block and transaction, minutes at ten million transfers,
 * and WAL lets it read one consistent snapshot while the server writes. */
static gboolean
check_ledger_thread (gpointer   data,
                     GError   **error)
{
  LedgerCheck *check = data;
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  if ((store = kvota_store_open (check->path, FALSE, error)) == NULL)
    return FALSE;

  if ((check->totals = kvota_store_check_ledger (store, &local_error)) == NULL)
    {
      if (!g_error_matches (local_error, KVOTA_ERROR, KVOTA_ERROR_INVARIANT_BROKEN))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      check->problem = g_strdup (local_error->message);
    }

  return TRUE;
}

static void
ledger_checked (KvotaServer  *self,
                KvotaRequest *request,
                gpointer      data,
                const GError *error)
{
  LedgerCheck *check = data;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;

  if (error != NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "balanced");
  json_builder_add_boolean_value (builder, check->totals != NULL);
  if (check->problem != NULL)
    {
      json_builder_set_member_name (builder, "problem");
      json_builder_add_string_value (builder, check->problem);
    }
  json_builder_set_member_name (builder, "totals");
  json_builder_begin_array (builder);
  for (guint i = 0; check->totals != NULL && i < check->totals->len; i++)
    {
      const KvotaLedgerTotal *total = &g_array_index (check->totals, KvotaLedgerTotal, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "unit_type");
      json_builder_add_string_value (builder, kvota_unit_type_to_string (total->unit_type));
      json_builder_set_member_name (builder, "vintage");
      json_builder_add_int_value (builder, total->vintage);
      json_builder_set_member_name (builder, "issued");
      json_builder_add_int_value (builder, total->issued);
      json_builder_set_member_name (builder, "held");
      json_builder_add_int_value (builder, total->held);
      json_builder_set_member_name (builder, "surrendered");
      json_builder_add_int_value (builder, total->surrendered);
      json_builder_set_member_name (builder, "cancelled");
      json_builder_add_int_value (builder, total->cancelled);
      json_builder_set_member_name (builder, "blocks");
      json_builder_add_int_value (builder, total->n_blocks);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

static void
ledger_cb (KvotaServer  *self,
           KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  LedgerCheck *check;

  if (!_kvota_request_check_query (request, NULL, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  check = g_new0 (LedgerCheck, 1);
  check->path = g_strdup (kvota_store_get_path (self->store));
  _kvota_request_defer (self, request, check_ledger_thread, ledger_checked, check, ledger_check_free);
}

/* GET /api/v1/audit */

typedef struct
{
  char    *path;
  gint64   foreign_version;   /* the server's store's, before the proof */
  gint64   proved_id;
  char    *proved_hash;       /* NULL when the chain is broken */
  gint64   first_bad;
} AuditProof;

static void
audit_proof_free (gpointer data)
{
  AuditProof *proof = data;

  g_free (proof->path);
  g_free (proof->proved_hash);
  g_free (proof);
}

/* The page of entries, with the chain's verification: @broken when a
 * worker found it broken, else the server's store proves it, walking only
 * what was added since its last proof. */
static void
reply_audit_page (KvotaServer      *self,
                  KvotaRequest     *request,
                  const AuditProof *broken)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) verify_error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  gint64 after = 0;
  gint64 limit = 100;
  gint64 first_bad = 0;
  gboolean intact;

  if (!_kvota_request_query_int (request, "after", 0, G_MAXINT64, &after, &error) ||
      !_kvota_request_query_int (request, "limit", 1, 1000, &limit, &error) ||
      (entries = kvota_store_list_audit (self->store, after, (guint) limit, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  if (broken != NULL)
    {
      intact = FALSE;
      first_bad = broken->first_bad;
    }
  else
    intact = kvota_store_verify_audit (self->store, NULL, &first_bad, &verify_error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "intact");
  json_builder_add_boolean_value (builder, intact);
  json_builder_set_member_name (builder, "first_broken");
  if (first_bad > 0)
    json_builder_add_int_value (builder, first_bad);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const KvotaAuditEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, entry->id);
      json_builder_set_member_name (builder, "at");
      json_builder_add_string_value (builder, entry->at);
      json_builder_set_member_name (builder, "actor");
      json_builder_add_string_value (builder, entry->actor);
      json_builder_set_member_name (builder, "action");
      json_builder_add_string_value (builder, entry->action);
      json_builder_set_member_name (builder, "object");
      json_builder_add_string_value (builder, entry->object);
      json_builder_set_member_name (builder, "before");
      json_builder_add_value (builder, entry->before ? kvota_json_parse (entry->before, strlen (entry->before), NULL) : json_node_new (JSON_NODE_NULL));
      json_builder_set_member_name (builder, "after");
      json_builder_add_value (builder, entry->after ? kvota_json_parse (entry->after, strlen (entry->after), NULL) : json_node_new (JSON_NODE_NULL));
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, entry->hash);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* In a worker thread, on a connection of its own: the first proof of the
 * whole journal hashes every entry, minutes for millions of them, which
 * the server must not wait for. */
static gboolean
prove_audit_thread (gpointer   data,
                    GError   **error)
{
  AuditProof *proof = data;
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  if ((store = kvota_store_open (proof->path, FALSE, error)) == NULL)
    return FALSE;

  if (!kvota_store_verify_audit (store, NULL, &proof->first_bad, &local_error) &&
      !g_error_matches (local_error, KVOTA_ERROR, KVOTA_ERROR_AUDIT_BROKEN))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  proof->proved_id = kvota_store_get_audit_proof (store, &proof->proved_hash);
  return TRUE;
}

static void
audit_proved (KvotaServer  *self,
              KvotaRequest *request,
              gpointer      data,
              const GError *error)
{
  AuditProof *proof = data;

  if (error != NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  if (proof->proved_hash == NULL)
    {
      reply_audit_page (self, request, proof);
      return;
    }

  /* The server's store walks on from there: what was added meanwhile,
   * unless another program wrote to the file since the proof began. */
  kvota_store_set_audit_proof (self->store, proof->foreign_version, proof->proved_id, proof->proved_hash);
  reply_audit_page (self, request, NULL);
}

static void
audit_cb (KvotaServer  *self,
          KvotaRequest *request)
{
  static const char * const allowed[] = { "after", "limit", NULL };
  g_autoptr(GError) error = NULL;
  AuditProof *proof;

  if (!_kvota_request_check_query (request, allowed, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  if (kvota_store_audit_proof_holds (self->store))
    {
      reply_audit_page (self, request, NULL);
      return;
    }

  proof = g_new0 (AuditProof, 1);
  proof->path = g_strdup (kvota_store_get_path (self->store));
  proof->foreign_version = kvota_store_get_foreign_version (self->store);
  _kvota_request_defer (self, request, prove_audit_thread, audit_proved, proof, audit_proof_free);
}

/* The role table: every route, and who may call it. API.md documents each
 * one; a test fails when a route here is missing there. */
#define ACCESS_HOLDERS (ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |  \
                        ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_INDIVIDUAL) |   \
                        ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER) |      \
                        ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_INDIVIDUAL))

#define ACCESS_INTERMEDIARIES (ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_BROKER) |  \
                               ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_TRADER) |  \
                               ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_BROKER) |      \
                               ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_TRADER))

const KvotaRoute _kvota_routes[] = {
  { "GET",    "/api/v1/health", ACCESS_PUBLIC, 0, health_cb },
  { "POST",   "/api/v1/session", ACCESS_PUBLIC, 0, login_cb },
  { "DELETE", "/api/v1/session", ACCESS_ANY_USER, 0, logout_cb, ROUTE_DURING_ENROLMENT },
  { "GET",    "/api/v1/me", ACCESS_ANY_USER, 0, me_cb, ROUTE_DURING_ENROLMENT },
  { "POST",   "/api/v1/me/password", ACCESS_ANY_USER, 0, _kvota_change_password_cb },
  { "POST",   "/api/v1/me/two-factor", ACCESS_ANY_USER, 0, _kvota_start_two_factor_cb, ROUTE_DURING_ENROLMENT },
  { "POST",   "/api/v1/me/two-factor/confirm", ACCESS_ANY_USER, 0, _kvota_confirm_two_factor_cb, ROUTE_DURING_ENROLMENT },
  { "DELETE", "/api/v1/me/two-factor", ACCESS_ANY_USER, 0, _kvota_disable_two_factor_cb },
  { "POST",   "/api/v1/password-reset", ACCESS_PUBLIC, 0, _kvota_finish_password_reset_cb },
  { "POST",   "/api/v1/registration-keys", ACCESS_ADMINISTRATOR, 0, _kvota_create_registration_key_cb },
  { "GET",    "/api/v1/registration-keys", ACCESS_ADMINISTRATOR, 0, _kvota_list_registration_keys_cb },
  { "POST",   "/api/v1/registration-keys/{id}/revoke", ACCESS_ADMINISTRATOR, 0, _kvota_revoke_registration_key_cb },
  { "POST",   "/api/v1/applications", ACCESS_PUBLIC, KVOTA_SERVER_MAX_DOCUMENT_BODY, _kvota_submit_application_cb },
  { "GET",    "/api/v1/applications", ACCESS_OVERSIGHT, 0, _kvota_list_applications_cb },
  { "GET",    "/api/v1/applications/{id}", ACCESS_OVERSIGHT, 0, _kvota_get_application_cb },
  { "POST",   "/api/v1/applications/{id}/confirm", ACCESS_ADMINISTRATOR, 0, _kvota_confirm_application_cb },
  { "POST",   "/api/v1/applications/{id}/decline", ACCESS_ADMINISTRATOR, 0, _kvota_decline_application_cb },
  { "GET",    "/api/v1/documents/{sha256}", ACCESS_OVERSIGHT, 0, _kvota_get_document_cb },
  { "POST",   "/api/v1/naps", ACCESS_ADMINISTRATOR, 48 * 1024 * 1024, _kvota_nap_upload_cb },
  { "GET",    "/api/v1/naps", ACCESS_OVERSIGHT, 0, _kvota_nap_list_cb },
  { "GET",    "/api/v1/naps/{id}", ACCESS_OVERSIGHT, 0, _kvota_nap_get_cb },
  { "GET",    "/api/v1/naps/{id}/file", ACCESS_OVERSIGHT, 0, _kvota_nap_file_cb },
  { "POST",   "/api/v1/naps/{id}/apply", ACCESS_ADMINISTRATOR, 0, _kvota_nap_apply_cb },
  { "POST",   "/api/v1/naps/{id}/discard", ACCESS_ADMINISTRATOR, 0, _kvota_nap_discard_cb },
  { "GET",    "/api/v1/organisations", ACCESS_OVERSIGHT, 0, list_organisations_cb },
  { "POST",   "/api/v1/organisations", ACCESS_ADMINISTRATOR, 0, create_organisation_cb },
  { "GET",    "/api/v1/organisations/{id}", ACCESS_ANY_USER, 0, get_organisation_cb },
  { "POST",   "/api/v1/organisations/{id}/block", ACCESS_ADMINISTRATOR, 0, _kvota_block_organisation_cb },
  { "POST",   "/api/v1/organisations/{id}/restore", ACCESS_ADMINISTRATOR, 0, _kvota_restore_organisation_cb },
  { "GET",    "/api/v1/users", ACCESS_ANY_USER, 0, _kvota_list_users_cb },
  { "POST",   "/api/v1/users", ACCESS_ADMINISTRATOR | ACCESS_REPRESENTATIVES, 0, _kvota_create_user_cb },
  { "POST",   "/api/v1/users/{id}/block", ACCESS_ADMINISTRATOR, 0, _kvota_block_user_cb },
  { "POST",   "/api/v1/users/{id}/restore", ACCESS_ADMINISTRATOR, 0, _kvota_restore_user_cb },
  { "POST",   "/api/v1/users/{id}/reset-password", ACCESS_ADMINISTRATOR, 0, _kvota_reset_password_cb },
  { "GET",    "/api/v1/accounts/{account}", ACCESS_OVERSIGHT | ACCESS_HOLDERS, 0, get_account_cb },
  { "GET",    "/api/v1/accounts/{account}/statement", ACCESS_OVERSIGHT | ACCESS_HOLDERS, 0,
              _kvota_account_statement_cb },
  { "POST",   "/api/v1/issuances", ACCESS_ADMINISTRATOR, 0, issue_cb, ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/transfers", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_INDIVIDUAL),
              KVOTA_SERVER_MAX_DOCUMENT_BODY * 2, _kvota_propose_transfer_cb, ROUTE_GROUP_COMMIT },
  { "GET",    "/api/v1/transactions", ACCESS_OVERSIGHT | ACCESS_HOLDERS | ACCESS_INTERMEDIARIES, 0,
              _kvota_list_transactions_cb },
  { "GET",    "/api/v1/transactions/{id}", ACCESS_OVERSIGHT | ACCESS_HOLDERS | ACCESS_INTERMEDIARIES, 0,
              get_transaction_cb },
  { "POST",   "/api/v1/transactions/{id}/confirm", ACCESS_ADMINISTRATOR, 0, confirm_transaction_cb, ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/transactions/{id}/reject", ACCESS_ADMINISTRATOR, 0, reject_transaction_cb, ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/transactions/{id}/cancel", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_INDIVIDUAL), 0, cancel_transaction_cb,
              ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/mandates", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER), 0, _kvota_choose_intermediary_cb },
  { "GET",    "/api/v1/mandates", ACCESS_OVERSIGHT | ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |
                                  ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER) | ACCESS_INTERMEDIARIES, 0,
                                  _kvota_list_mandates_cb },
  { "GET",    "/api/v1/intermediaries", ACCESS_OVERSIGHT | ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |
                                        ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER), 0,
                                        _kvota_list_intermediaries_cb },
  { "POST",   "/api/v1/sale-orders", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER), 0, _kvota_sign_for_sale_cb,
              ROUTE_GROUP_COMMIT },
  { "GET",    "/api/v1/sale-orders", ACCESS_OVERSIGHT | ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |
                                     ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER) | ACCESS_INTERMEDIARIES, 0,
                                     _kvota_list_sale_orders_cb },
  { "POST",   "/api/v1/sale-orders/{id}/withdraw", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER), 0,
              _kvota_withdraw_sale_cb, ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/sale-orders/{id}/transfers", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_BROKER) |
                                                    ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_TRADER),
              KVOTA_SERVER_MAX_DOCUMENT_BODY * 2, _kvota_propose_sale_cb, ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/buy-requests", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER), 0,
              _kvota_create_buy_request_cb, ROUTE_GROUP_COMMIT },
  { "GET",    "/api/v1/buy-requests", ACCESS_OVERSIGHT | ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |
                                      ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER) | ACCESS_INTERMEDIARIES, 0,
                                      _kvota_list_buy_requests_cb },
  { "POST",   "/api/v1/buy-requests/{id}/withdraw", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER), 0,
              _kvota_withdraw_buy_request_cb, ROUTE_GROUP_COMMIT },
  { "GET",    "/api/v1/reports/trading", ACCESS_OVERSIGHT, 0, _kvota_trading_report_cb },
  { "POST",   "/api/v1/emissions", ACCESS_ADMINISTRATOR, 0, _kvota_record_emissions_cb },
  { "GET",    "/api/v1/compliance", ACCESS_OVERSIGHT | ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |
                                    ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER), 0, _kvota_list_compliance_cb },
  { "POST",   "/api/v1/surrenders", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER), 0, _kvota_surrender_cb,
              ROUTE_GROUP_COMMIT },
  { "POST",   "/api/v1/cancellations", ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) |
                                       ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_INDIVIDUAL), 0, _kvota_cancel_units_cb,
              ROUTE_GROUP_COMMIT },
  { "GET",    "/api/v1/units/{unit_type}/{vintage}/{serial}", ACCESS_OVERSIGHT, 0, _kvota_unit_history_cb },
  { "GET",    "/api/v1/ledger", ACCESS_OVERSIGHT, 0, ledger_cb },
  { "GET",    "/api/v1/audit", ACCESS_OVERSIGHT, 0, audit_cb },
};

const guint _kvota_n_routes = G_N_ELEMENTS (_kvota_routes);
