/* kvota-server-access.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-server-private.h"
#include "kvota-totp.h"

/* Users, their organisations' access, passwords and two-factor login. */

#define RESET_KEY_LIFETIME (24 * 60 * 60)

static void
reply_user (KvotaServer  *self,
            KvotaRequest *request,
            gint64        id)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if ((user = kvota_store_get_user (self->store, id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("user", kvota_user_to_json (user));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* GET /api/v1/users */

void
_kvota_list_users_cb (KvotaServer  *self,
                      KvotaRequest *request)
{
  static const char * const allowed[] = { "organisation_id", NULL };
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 organisation_id = 0;
  JsonArray *array;

  if (!_kvota_request_check_query (request, allowed, &error) ||
      !_kvota_request_query_int (request, "organisation_id", 1, G_MAXINT64, &organisation_id, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  /* Companies see their own people only. */
  if (!_kvota_principal_is_oversight (request->principal))
    {
      if (organisation_id != 0 && organisation_id != request->principal->organisation_id)
        {
          _kvota_request_reply_code (request, KVOTA_ERROR_NOT_FOUND, "organisation_id");
          return;
        }
      organisation_id = request->principal->organisation_id;
    }

  if ((users = kvota_store_list_users (self->store, organisation_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (users->len);
  for (guint i = 0; i < users->len; i++)
    json_array_add_element (array, kvota_user_to_json (g_ptr_array_index (users, i)));

  node = _kvota_object_node ("users", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/users */

typedef struct
{
  gint64  organisation_id;
  char   *username;
  char   *password;
  char   *full_name;
  char   *role;
} UserBody;

static const KvotaField user_fields[] = {
  { "organisation_id", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (UserBody, organisation_id), -1 },
  { "username", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (UserBody, username), -1 },
  { "password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (UserBody, password), -1 },
  { "full_name", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (UserBody, full_name), -1 },
  { "role", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (UserBody, role), -1 },
};

static void
user_body_free (gpointer data)
{
  UserBody *body = data;

  if (body->password != NULL)
    memset (body->password, 0, strlen (body->password));
  kvota_json_clear_strings (user_fields, G_N_ELEMENTS (user_fields), body);
  g_free (body);
}

static void
user_password_hashed (KvotaServer  *self,
                      KvotaRequest *request,
                      gpointer      data,
                      const char   *hash,
                      const GError *hash_error)
{
  UserBody *body = data;
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  KvotaRole role;

  if (hash == NULL)
    {
      _kvota_request_reply_error (request, hash_error);
      return;
    }

  kvota_role_from_string (body->role, &role);
  user = kvota_store_create_user (self->store, _kvota_request_actor (request), body->organisation_id,
                                  body->username, hash, body->full_name, role, &error);
  if (user == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("user", kvota_user_to_json (user));
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

void
_kvota_create_user_cb (KvotaServer  *self,
                       KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  UserBody *body = g_new0 (UserBody, 1);
  KvotaRole role;

  if (!_kvota_request_read_body (request, user_fields, G_N_ELEMENTS (user_fields), body, FALSE, &error))
    goto failed;

  if (!kvota_role_from_string (body->role, &role))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "role");
      goto failed;
    }

  /* A representative adds colleagues to its own organisation only. */
  if (request->principal->role == KVOTA_ROLE_REPRESENTATIVE &&
      body->organisation_id != request->principal->organisation_id)
    {
      kvota_set_error (&error, KVOTA_ERROR_FORBIDDEN, "organisation_id");
      goto failed;
    }

  if (!kvota_password_check_strength (body->password, &error))
    {
      kvota_error_set_field (error, "password");
      goto failed;
    }

  _kvota_request_hash_password (self, request, body->password, user_password_hashed, body, user_body_free);
  return;

failed:
  user_body_free (body);
  _kvota_request_reply_error (request, error);
}

/* POST /api/v1/users/{id}/block and /restore */

static void
set_user_state (KvotaServer    *self,
                KvotaRequest   *request,
                KvotaUserState  state)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_read_reason (request, state == KVOTA_USER_STATE_BLOCKED, &reason, &error) ||
      (user = kvota_store_get_user (self->store, id, &error)) == NULL)
    goto failed;

  /* The registry must always keep someone who can let people back in. */
  if (state == KVOTA_USER_STATE_BLOCKED &&
      user->role == KVOTA_ROLE_ADMINISTRATOR &&
      user->state == KVOTA_USER_STATE_ACTIVE &&
      kvota_store_count_active_administrators (self->store) <= 1)
    {
      kvota_set_error (&error, KVOTA_ERROR_LAST_ADMINISTRATOR, NULL);
      goto failed;
    }

  if (!kvota_store_set_user_state (self->store, _kvota_request_actor (request), id, state, reason, &error))
    goto failed;

  reply_user (self, request, id);
  return;

failed:
  _kvota_request_reply_error (request, error);
}

void
_kvota_block_user_cb (KvotaServer  *self,
                      KvotaRequest *request)
{
  set_user_state (self, request, KVOTA_USER_STATE_BLOCKED);
}

void
_kvota_restore_user_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  set_user_state (self, request, KVOTA_USER_STATE_ACTIVE);
}

/* POST /api/v1/organisations/{id}/block and /restore */

static void
set_organisation_state (KvotaServer    *self,
                        KvotaRequest   *request,
                        KvotaUserState  state)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *reason = NULL;
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_read_reason (request, state == KVOTA_USER_STATE_BLOCKED, &reason, &error) ||
      !kvota_store_set_organisation_state (self->store, _kvota_request_actor (request), id, state,
                                           reason, &error) ||
      (organisation = kvota_store_get_organisation (self->store, id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("organisation", kvota_organisation_to_json (organisation));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

void
_kvota_block_organisation_cb (KvotaServer  *self,
                              KvotaRequest *request)
{
  set_organisation_state (self, request, KVOTA_USER_STATE_BLOCKED);
}

void
_kvota_restore_organisation_cb (KvotaServer  *self,
                                KvotaRequest *request)
{
  set_organisation_state (self, request, KVOTA_USER_STATE_ACTIVE);
}

/* POST /api/v1/me/password */

typedef struct
{
  char *current_password;
  char *new_password;
} PasswordBody;

static const KvotaField password_fields[] = {
  { "current_password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (PasswordBody, current_password), -1 },
  { "new_password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (PasswordBody, new_password), -1 },
};

typedef struct
{
  KvotaServer  *server;
  char         *attempt;
  PasswordBody  body;
  char         *current_hash;
  gboolean      matches;
  char         *new_hash;
} PasswordChange;

static void
password_change_free (gpointer data)
{
  PasswordChange *change = data;

  _kvota_server_end_attempt (change->server, g_steal_pointer (&change->attempt));
  if (change->body.current_password != NULL)
    memset (change->body.current_password, 0, strlen (change->body.current_password));
  if (change->body.new_password != NULL)
    memset (change->body.new_password, 0, strlen (change->body.new_password));
  kvota_json_clear_strings (password_fields, G_N_ELEMENTS (password_fields), &change->body);
  g_free (change->current_hash);
  g_free (change->new_hash);
  g_free (change);
}

/* In a worker thread: the current password, then the new one's hash. */
static gboolean
check_password_change (gpointer   data,
                       GError   **error)
{
  PasswordChange *change = data;

  if (!(change->matches = kvota_password_verify (change->current_hash, change->body.current_password)))
    return TRUE;

  if (!kvota_password_check_strength (change->body.new_password, error))
    {
      kvota_error_set_field (*error, "new_password");
      return FALSE;
    }

  return (change->new_hash = kvota_password_hash (change->body.new_password, error)) != NULL;
}

static void
password_change_checked (KvotaServer  *self,
                         KvotaRequest *request,
                         gpointer      data,
                         const GError *check_error)
{
  PasswordChange *change = data;
  g_autoptr(KvotaCredentials) credentials = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  if (check_error != NULL)
    {
      _kvota_request_reply_error (request, check_error);
      return;
    }

  /* A wrong current password counts as a failed login: whoever holds a
   * stolen session guesses no faster than at the login. */
  if (!change->matches)
    {
      kvota_store_record_login (self->store, request->principal->username, FALSE,
                                soup_server_message_get_remote_host (request->message), now);
      _kvota_request_reply_code (request, KVOTA_ERROR_WRONG_PASSWORD, "current_password");
      return;
    }

  /* What was checked must still hold: an administrator's reset or
   * another change meanwhile wins over this one. */
  credentials = kvota_store_get_credentials (self->store, request->principal->username);
  if (credentials == NULL || g_strcmp0 (credentials->password_hash, change->current_hash) != 0)
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_WRONG_PASSWORD, "current_password");
      return;
    }
  if (credentials->reset_pending)
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_PASSWORD_RESET_PENDING, NULL);
      return;
    }

  if (!kvota_store_set_password (self->store, _kvota_request_actor (request), request->principal->user_id,
                                 change->new_hash, &error) ||
      !kvota_store_revoke_sessions (self->store, request->principal->user_id, request->token_hash, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  _kvota_request_reply_json (request, SOUP_STATUS_NO_CONTENT, NULL);
}

void
_kvota_change_password_cb (KvotaServer  *self,
                           KvotaRequest *request)
{
  g_autoptr(KvotaCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  PasswordChange *change = g_new0 (PasswordChange, 1);

  change->server = self;
  if (!_kvota_request_read_body (request, password_fields, G_N_ELEMENTS (password_fields), &change->body,
                                 FALSE, &error))
    goto failed;

  if (_kvota_server_attempts_exhausted (self, request->principal->username))
    {
      kvota_set_error (&error, KVOTA_ERROR_TOO_MANY_ATTEMPTS, NULL);
      goto failed;
    }

  if ((credentials = kvota_store_get_credentials (self->store, request->principal->username)) == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_WRONG_PASSWORD, "current_password");
      goto failed;
    }

  change->current_hash = g_strdup (credentials->password_hash);
  change->attempt = _kvota_server_begin_attempt (self, request->principal->username);
  _kvota_request_defer (self, request, check_password_change, password_change_checked, change,
                        password_change_free);
  return;

failed:
  password_change_free (change);
  _kvota_request_reply_error (request, error);
}

/* POST /api/v1/users/{id}/reset-password */

void
_kvota_reset_password_cb (KvotaServer  *self,
                          KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_seconds (now, RESET_KEY_LIFETIME);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *reset_key = kvota_readable_code_new (4);
  g_autofree char *reset_hash = kvota_readable_code_hash (reset_key);
  g_autofree char *expires_text = kvota_timestamp_format (expires);
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_expect_no_body (request, &error) ||
      !kvota_store_start_password_reset (self->store, _kvota_request_actor (request), id,
                                         reset_hash, expires, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  /* The key is shown once, here, for the administrator to hand over. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reset_key");
  json_builder_add_string_value (builder, reset_key);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_string_value (builder, expires_text);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/password-reset */

typedef struct
{
  char *username;
  char *reset_key;
  char *new_password;
} ResetBody;

static const KvotaField reset_fields[] = {
  { "username", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ResetBody, username), -1 },
  { "reset_key", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ResetBody, reset_key), -1 },
  { "new_password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ResetBody, new_password), -1 },
};

typedef struct
{
  KvotaServer *server;
  char        *attempt;
  ResetBody    body;
  char        *reset_hash;
} Reset;

static void
reset_free (gpointer data)
{
  Reset *reset = data;

  _kvota_server_end_attempt (reset->server, g_steal_pointer (&reset->attempt));
  if (reset->body.new_password != NULL)
    memset (reset->body.new_password, 0, strlen (reset->body.new_password));
  kvota_json_clear_strings (reset_fields, G_N_ELEMENTS (reset_fields), &reset->body);
  g_free (reset->reset_hash);
  g_free (reset);
}

static void
reset_password_hashed (KvotaServer  *self,
                       KvotaRequest *request,
                       gpointer      data,
                       const char   *hash,
                       const GError *hash_error)
{
  Reset *reset = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  if (hash == NULL)
    {
      _kvota_request_reply_error (request, hash_error);
      return;
    }

  /* The key is checked again as it is used up. */
  if (!kvota_store_finish_password_reset (self->store, reset->body.username, reset->reset_hash, now, hash,
                                          &error))
    {
      kvota_store_record_login (self->store, reset->body.username, FALSE,
                                soup_server_message_get_remote_host (request->message), now);
      _kvota_request_reply_error (request, error);
      return;
    }

  _kvota_request_reply_json (request, SOUP_STATUS_NO_CONTENT, NULL);
}

void
_kvota_finish_password_reset_cb (KvotaServer  *self,
                                 KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Reset *reset = g_new0 (Reset, 1);
  const char *peer = soup_server_message_get_remote_host (request->message);

  reset->server = self;
  if (!_kvota_request_read_body (request, reset_fields, G_N_ELEMENTS (reset_fields), &reset->body, FALSE,
                                 &error))
    goto failed;

  /* Reset keys are guessed no more freely than passwords. */
  if (_kvota_server_attempts_exhausted (self, reset->body.username))
    {
      kvota_set_error (&error, KVOTA_ERROR_TOO_MANY_ATTEMPTS, NULL);
      goto failed;
    }

  if (!kvota_password_check_strength (reset->body.new_password, &error))
    {
      kvota_error_set_field (error, "new_password");
      goto failed;
    }

  /* A wrong key never costs a password hash. */
  if ((reset->reset_hash = kvota_readable_code_hash (reset->body.reset_key)) == NULL ||
      !kvota_store_check_password_reset (self->store, reset->body.username, reset->reset_hash, now, &error))
    {
      kvota_store_record_login (self->store, reset->body.username, FALSE, peer, now);
      g_clear_error (&error);
      kvota_set_error (&error, KVOTA_ERROR_INVALID_RESET_KEY, "reset_key");
      goto failed;
    }

  reset->attempt = _kvota_server_begin_attempt (self, reset->body.username);
  _kvota_request_hash_password (self, request, reset->body.new_password, reset_password_hashed, reset,
                                reset_free);
  return;

failed:
  reset_free (reset);
  _kvota_request_reply_error (request, error);
}

/* POST /api/v1/me/two-factor */

void
_kvota_start_two_factor_cb (KvotaServer  *self,
                            KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTwoFactor) two_factor = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *uri = NULL;

  if (!_kvota_request_expect_no_body (request, &error) ||
      (two_factor = kvota_store_get_two_factor (self->store, request->principal->user_id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  if (two_factor->secret != NULL)
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_INVALID_STATE, NULL);
      return;
    }

  secret = kvota_totp_secret_new ();
  uri = kvota_totp_provisioning_uri (secret, request->principal->username);
  if (!kvota_store_set_two_factor_pending (self->store, request->principal->user_id, secret, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, secret);
  json_builder_set_member_name (builder, "provisioning_uri");
  json_builder_add_string_value (builder, uri);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/me/two-factor/confirm */

typedef struct
{
  char *otp;
} OtpBody;

static const KvotaField otp_fields[] = {
  { "otp", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (OtpBody, otp), -1 },
};

void
_kvota_confirm_two_factor_cb (KvotaServer  *self,
                              KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTwoFactor) two_factor = NULL;
  OtpBody body = { NULL, };
  gint64 counter = 0;

  if (!_kvota_request_read_body (request, otp_fields, G_N_ELEMENTS (otp_fields), &body, FALSE, &error) ||
      (two_factor = kvota_store_get_two_factor (self->store, request->principal->user_id, &error)) == NULL)
    goto out;

  if (two_factor->pending == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto out;
    }

  if (!kvota_totp_validate (two_factor->pending, body.otp, g_get_real_time () / G_USEC_PER_SEC,
                            two_factor->counter, &counter))
    {
      kvota_set_error (&error, KVOTA_ERROR_WRONG_OTP, "otp");
      goto out;
    }

  if (!kvota_store_enable_two_factor (self->store, _kvota_request_actor (request),
                                      request->principal->user_id, counter, &error) ||
      !kvota_store_widen_session (self->store, request->token_hash, &error))
    goto out;

out:
  g_free (body.otp);
  if (error != NULL)
    _kvota_request_reply_error (request, error);
  else
    _kvota_request_reply_json (request, SOUP_STATUS_NO_CONTENT, NULL);
}

/* DELETE /api/v1/me/two-factor */

typedef struct
{
  char *password;
} DisableBody;

static const KvotaField disable_fields[] = {
  { "password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (DisableBody, password), -1 },
};

typedef struct
{
  KvotaServer *server;
  char        *attempt;
  DisableBody  body;
  char        *hash;
  gboolean     matches;
} Disabling;

static void
disabling_free (gpointer data)
{
  Disabling *disabling = data;

  _kvota_server_end_attempt (disabling->server, g_steal_pointer (&disabling->attempt));
  if (disabling->body.password != NULL)
    memset (disabling->body.password, 0, strlen (disabling->body.password));
  kvota_json_clear_strings (disable_fields, G_N_ELEMENTS (disable_fields), &disabling->body);
  g_free (disabling->hash);
  g_free (disabling);
}

static gboolean
check_disabling_password (gpointer   data,
                          GError   **error)
{
  Disabling *disabling = data;

  disabling->matches = kvota_password_verify (disabling->hash, disabling->body.password);
  return TRUE;
}

static void
disabling_password_checked (KvotaServer  *self,
                            KvotaRequest *request,
                            gpointer      data,
                            const GError *check_error)
{
  Disabling *disabling = data;
  g_autoptr(KvotaCredentials) credentials = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  if (!disabling->matches)
    {
      kvota_store_record_login (self->store, request->principal->username, FALSE,
                                soup_server_message_get_remote_host (request->message), now);
      _kvota_request_reply_code (request, KVOTA_ERROR_WRONG_PASSWORD, "password");
      return;
    }

  /* The password checked is still the user's. */
  credentials = kvota_store_get_credentials (self->store, request->principal->username);
  if (credentials == NULL || g_strcmp0 (credentials->password_hash, disabling->hash) != 0)
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_WRONG_PASSWORD, "password");
      return;
    }

  if (!kvota_store_disable_two_factor (self->store, _kvota_request_actor (request),
                                       request->principal->user_id, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  _kvota_request_reply_json (request, SOUP_STATUS_NO_CONTENT, NULL);
}

void
_kvota_disable_two_factor_cb (KvotaServer  *self,
                              KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaCredentials) credentials = NULL;
  Disabling *disabling = g_new0 (Disabling, 1);

  disabling->server = self;
  if (!_kvota_request_read_body (request, disable_fields, G_N_ELEMENTS (disable_fields), &disabling->body,
                                 FALSE, &error))
    goto failed;

  if (_kvota_server_two_factor_required (self, request->principal->role))
    {
      kvota_set_error (&error, KVOTA_ERROR_TWO_FACTOR_REQUIRED, NULL);
      goto failed;
    }

  /* Like a wrong current password, a wrong one here counts as a failed
   * login. */
  if (_kvota_server_attempts_exhausted (self, request->principal->username))
    {
      kvota_set_error (&error, KVOTA_ERROR_TOO_MANY_ATTEMPTS, NULL);
      goto failed;
    }

  if ((credentials = kvota_store_get_credentials (self->store, request->principal->username)) == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_WRONG_PASSWORD, "password");
      goto failed;
    }

  if (credentials->totp_secret == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  disabling->hash = g_strdup (credentials->password_hash);
  disabling->attempt = _kvota_server_begin_attempt (self, request->principal->username);
  _kvota_request_defer (self, request, check_disabling_password, disabling_password_checked, disabling,
                        disabling_free);
  return;

failed:
  disabling_free (disabling);
  _kvota_request_reply_error (request, error);
}
