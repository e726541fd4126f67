/* kvota-store-access.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* Access management: users of an organisation, blocking organisations,
 * passwords and their resets, and two-factor login. */

static JsonNode *
state_node (const char *state,
            const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, state);
  if (reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
run (KvotaStore  *self,
     const char  *sql,
     gint64       id,
     const char  *text,
     GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = _kvota_store_prepare (self, sql, error);

  if (statement == NULL)
    return FALSE;

  /* Statements here take the id as ?1 and an optional text as ?2. */
  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_bind_parameter_count (statement) >= 2)
    sqlite3_bind_text (statement, 2, text, -1, SQLITE_STATIC);

  return _kvota_store_step_done (self, statement, error);
}

static gboolean
audit_simple (KvotaStore  *self,
              const char  *actor,
              const char  *action,
              const char  *kind,
              gint64       id,
              JsonNode    *before,
              JsonNode    *after,
              GError     **error)
{
  g_autofree char *object = g_strdup_printf ("%s/%" G_GINT64_FORMAT, kind, id);

  return _kvota_store_audit (self, actor, action, object, before, after, error);
}

/**
 * kvota_store_list_users:
 * @self: a #KvotaStore
 * @organisation_id: an organisation, or 0 for every user
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaUser): the users
 */
GPtrArray *
kvota_store_list_users (KvotaStore  *self,
                        gint64       organisation_id,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_user_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT id FROM users WHERE ?1 = 0 OR organisation_id = ?1 "
                                          "ORDER BY id", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, organisation_id);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (statement, 0);
      g_array_append_val (ids, id);
    }

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  g_clear_pointer (&statement, _kvota_statement_release);

  for (guint i = 0; i < ids->len; i++)
    {
      KvotaUser *user = kvota_store_get_user (self, g_array_index (ids, gint64, i), error);

      if (user == NULL)
        return NULL;
      g_ptr_array_add (users, user);
    }

  return g_steal_pointer (&users);
}

/**
 * kvota_store_set_organisation_state:
 * @self: a #KvotaStore
 * @actor: who blocks or restores
 * @organisation_id: the organisation
 * @state: its new state
 * @reason: (nullable): why
 * @error: return location for a #GError, or %NULL
 *
 * Blocking an organisation ends the sessions of all its users at once,
 * and its account can neither send nor receive units until restored.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_set_organisation_state (KvotaStore      *self,
                                    const char      *actor,
                                    gint64           organisation_id,
                                    KvotaUserState   state,
                                    const char      *reason,
                                    GError         **error)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (reason != NULL && !kvota_json_text_is_clean (reason, TRUE))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "reason");
      return FALSE;
    }

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((organisation = kvota_store_get_organisation (self, organisation_id, error)) == NULL)
    goto failed;

  if (!kvota_holder_type_is_company (organisation->holder_type))
    {
      /* The registry administration and the Ministry are blocked user by user. */
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  if (organisation->state == state)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE organisations SET state = ?, state_reason = ? WHERE id = ?",
                            error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_text (statement, 1, kvota_user_state_to_string (state), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 3, organisation_id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if (state == KVOTA_USER_STATE_BLOCKED &&
      !run (self, "UPDATE sessions SET revoked = 1 WHERE user_id IN "
                  "(SELECT id FROM users WHERE organisation_id = ?1)", organisation_id, NULL, error))
    goto failed;

  before = state_node (kvota_user_state_to_string (organisation->state), NULL);
  after = state_node (kvota_user_state_to_string (state), reason);
  if (!audit_simple (self, actor,
                     state == KVOTA_USER_STATE_BLOCKED ? "organisation.block" : "organisation.restore",
                     "organisation", organisation_id, before, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/**
 * kvota_store_set_password:
 * @self: a #KvotaStore
 * @actor: who changes it
 * @user_id: the user
 * @password_hash: the new password's hash
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_set_password (KvotaStore  *self,
                          const char  *actor,
                          gint64       user_id,
                          const char  *password_hash,
                          GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if (!run (self, "UPDATE users SET password_hash = ?2, reset_hash = NULL, reset_expires = NULL "
                  "WHERE id = ?1", user_id, password_hash, error) ||
      !audit_simple (self, actor, "user.password.change", "user", user_id, NULL, NULL, error) ||
      !_kvota_store_commit (self, error))
    {
      _kvota_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_store_revoke_sessions:
 * @self: a #KvotaStore
 * @user_id: the user
 * @except_token_hash: (nullable): the session to keep
 * @error: return location for a #GError, or %NULL
 *
 * Ends a user's other sessions, as a password change should.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_revoke_sessions (KvotaStore  *self,
                             gint64       user_id,
                             const char  *except_token_hash,
                             GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  return run (self, "UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND token_hash IS NOT ?2",
              user_id, except_token_hash, error);
}

/**
 * kvota_store_start_password_reset:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @user_id: the user
 * @reset_hash: the hash of the one-time reset key handed to the user
 * @expires: when the key stops working
 * @error: return location for a #GError, or %NULL
 *
 * The old password stops working and every session of the user ends;
 * the user sets a new password with the reset key.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_start_password_reset (KvotaStore  *self,
                                  const char  *actor,
                                  gint64       user_id,
                                  const char  *reset_hash,
                                  GDateTime   *expires,
                                  GError     **error)
{
  g_autoptr(KvotaUser) user = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (reset_hash != NULL, FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((user = kvota_store_get_user (self, user_id, error)) == NULL)
    goto failed;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE users SET password_hash = '!', reset_hash = ?, "
                                  "reset_expires = ? WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_text (statement, 1, reset_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 2, g_date_time_to_unix (expires));
    sqlite3_bind_int64 (statement, 3, user_id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if (!run (self, "UPDATE sessions SET revoked = 1 WHERE user_id = ?1", user_id, NULL, error) ||
      !audit_simple (self, actor, "user.password.reset", "user", user_id, NULL, NULL, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/* The user whose unexpired reset key has the hash @reset_hash, or 0 and
 * %KVOTA_ERROR_INVALID_RESET_KEY. */
static gint64
find_reset_user (KvotaStore  *self,
                 const char  *username,
                 const char  *reset_hash,
                 GDateTime   *now,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) statement =
    _kvota_store_prepare (self, "SELECT id FROM users WHERE username = ? AND reset_hash = ? "
                                "AND reset_expires > ?", error);

  if (statement == NULL)
    return 0;
  sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, reset_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, g_date_time_to_unix (now));
  if (sqlite3_step (statement) == SQLITE_ROW)
    return sqlite3_column_int64 (statement, 0);

  kvota_set_error (error, KVOTA_ERROR_INVALID_RESET_KEY, "reset_key");
  return 0;
}

/**
 * kvota_store_check_password_reset:
 * @self: a #KvotaStore
 * @username: the user's login name
 * @reset_hash: the hash of the reset key the user typed
 * @now: the current time
 * @error: return location for a #GError, or %NULL
 *
 * Tells, without changing anything, whether the key would reset the
 * password now, so that a wrong key never costs a password hash.
 *
 * Returns: %TRUE if it would; otherwise %KVOTA_ERROR_INVALID_RESET_KEY
 */
gboolean
kvota_store_check_password_reset (KvotaStore  *self,
                                  const char  *username,
                                  const char  *reset_hash,
                                  GDateTime   *now,
                                  GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  return find_reset_user (self, username, reset_hash, now, error) != 0;
}

/**
 * kvota_store_finish_password_reset:
 * @self: a #KvotaStore
 * @username: the user's login name
 * @reset_hash: the hash of the reset key the user typed
 * @now: the current time
 * @password_hash: the new password's hash
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE if the key matched and the new password is set; otherwise
 *   %KVOTA_ERROR_INVALID_RESET_KEY
 */
gboolean
kvota_store_finish_password_reset (KvotaStore  *self,
                                   const char  *username,
                                   const char  *reset_hash,
                                   GDateTime   *now,
                                   const char  *password_hash,
                                   GError     **error)
{
  gint64 user_id = 0;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((user_id = find_reset_user (self, username, reset_hash, now, error)) == 0)
    goto failed;

  if (!run (self, "UPDATE users SET password_hash = ?2, reset_hash = NULL, reset_expires = NULL "
                  "WHERE id = ?1", user_id, password_hash, error) ||
      !audit_simple (self, username, "user.password.set-after-reset", "user", user_id, NULL, NULL, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

void
kvota_two_factor_free (KvotaTwoFactor *two_factor)
{
  if (two_factor == NULL)
    return;

  g_free (two_factor->secret);
  g_free (two_factor->pending);
  g_free (two_factor);
}

/**
 * kvota_store_get_two_factor:
 * @self: a #KvotaStore
 * @user_id: the user
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the user's two-factor state
 */
KvotaTwoFactor *
kvota_store_get_two_factor (KvotaStore  *self,
                            gint64       user_id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  KvotaTwoFactor *two_factor;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT totp_secret, totp_pending, totp_counter FROM users "
                                          "WHERE id = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, user_id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  two_factor = g_new0 (KvotaTwoFactor, 1);
  two_factor->secret = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  two_factor->pending = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  two_factor->counter = sqlite3_column_int64 (statement, 2);

  return two_factor;
}

/**
 * kvota_store_set_two_factor_pending:
 * @self: a #KvotaStore
 * @user_id: the user
 * @secret: the new secret, not in force until confirmed with a code
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_set_two_factor_pending (KvotaStore  *self,
                                    gint64       user_id,
                                    const char  *secret,
                                    GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  return run (self, "UPDATE users SET totp_pending = ?2 WHERE id = ?1", user_id, secret, error);
}

/**
 * kvota_store_enable_two_factor:
 * @self: a #KvotaStore
 * @actor: the user
 * @user_id: the user
 * @counter: the time step of the code that confirmed the enrolment
 * @error: return location for a #GError, or %NULL
 *
 * Puts the pending secret in force.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_enable_two_factor (KvotaStore  *self,
                               const char  *actor,
                               gint64       user_id,
                               gint64       counter,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  statement = _kvota_store_prepare (self, "UPDATE users SET totp_secret = totp_pending, "
                                          "totp_pending = NULL, totp_counter = ? "
                                          "WHERE id = ? AND totp_pending IS NOT NULL", error);
  if (statement == NULL)
    goto failed;
  sqlite3_bind_int64 (statement, 1, counter);
  sqlite3_bind_int64 (statement, 2, user_id);
  if (!_kvota_store_step_done (self, statement, error))
    goto failed;
  if (sqlite3_changes (self->db) != 1)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }
  g_clear_pointer (&statement, _kvota_statement_release);

  if (!audit_simple (self, actor, "user.two-factor.enable", "user", user_id, NULL, NULL, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

/**
 * kvota_store_disable_two_factor:
 * @self: a #KvotaStore
 * @actor: who turns it off
 * @user_id: the user
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_disable_two_factor (KvotaStore  *self,
                                const char  *actor,
                                gint64       user_id,
                                GError     **error)
{
  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if (!run (self, "UPDATE users SET totp_secret = NULL, totp_pending = NULL WHERE id = ?1",
            user_id, NULL, error) ||
      !audit_simple (self, actor, "user.two-factor.disable", "user", user_id, NULL, NULL, error) ||
      !_kvota_store_commit (self, error))
    {
      _kvota_store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_store_use_two_factor_code:
 * @self: a #KvotaStore
 * @user_id: the user
 * @counter: the time step of the code just accepted
 * @error: return location for a #GError, or %NULL
 *
 * Remembers the last code used, so that it cannot be used again.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_use_two_factor_code (KvotaStore  *self,
                                 gint64       user_id,
                                 gint64       counter,
                                 GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  statement = _kvota_store_prepare (self, "UPDATE users SET totp_counter = ? "
                                          "WHERE id = ? AND totp_counter < ?", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_int64 (statement, 1, counter);
  sqlite3_bind_int64 (statement, 2, user_id);
  sqlite3_bind_int64 (statement, 3, counter);
  if (!_kvota_store_step_done (self, statement, error))
    return FALSE;

  if (sqlite3_changes (self->db) != 1)
    {
      kvota_set_error (error, KVOTA_ERROR_BAD_OTP, "otp");
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_store_widen_session:
 * @self: a #KvotaStore
 * @token_hash: the hash of a session's token
 * @error: return location for a #GError, or %NULL
 *
 * Lifts an enrolment-only session to a full one, once its user has set up
 * two-factor login with it.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_widen_session (KvotaStore  *self,
                           const char  *token_hash,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  statement = _kvota_store_prepare (self, "UPDATE sessions SET scope = 'full' WHERE token_hash = ?", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, token_hash, -1, SQLITE_STATIC);
  return _kvota_store_step_done (self, statement, error);
}
