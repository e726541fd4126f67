/* kvota-store-users.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-bin.h"
#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* Organisations, users and their sessions. */

#define ORGANISATION_COLUMNS \
  "o.id, o.name, o.bin, o.holder_type, o.state, a.number"

static KvotaOrganisation *
read_organisation (sqlite3_stmt *statement,
                   int           column)
{
  KvotaOrganisation *organisation = g_new0 (KvotaOrganisation, 1);

  organisation->id = sqlite3_column_int64 (statement, column);
  organisation->name = g_strdup ((const char *) sqlite3_column_text (statement, column + 1));
  organisation->bin = g_strdup ((const char *) sqlite3_column_text (statement, column + 2));
  kvota_holder_type_from_string ((const char *) sqlite3_column_text (statement, column + 3),
                                 &organisation->holder_type);
  kvota_user_state_from_string ((const char *) sqlite3_column_text (statement, column + 4),
                                &organisation->state);
  organisation->account = g_strdup ((const char *) sqlite3_column_text (statement, column + 5));

  return organisation;
}

gboolean
_kvota_store_check_name (const char  *text,
            const char  *field,
            GError     **error)
{
  g_autofree char *stripped = NULL;

  if (text == NULL || !kvota_json_text_is_clean (text, FALSE) ||
      *(stripped = g_strstrip (g_strdup (text))) == '\0' ||
      g_utf8_strlen (text, -1) > 300)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, field);
      return FALSE;
    }

  return TRUE;
}

KvotaOrganisation *
_kvota_store_insert_organisation (KvotaStore       *self,
                                  const char       *actor,
                                  const char       *name,
                                  const char       *bin,
                                  KvotaHolderType   holder_type,
                                  GError          **error)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = NULL;
  gint64 id;

  if (!_kvota_store_check_name (name, "name", error))
    return NULL;

  if (holder_type == KVOTA_HOLDER_TYPE_REGISTRY || holder_type == KVOTA_HOLDER_TYPE_MINISTRY)
    {
      if (bin != NULL && !kvota_bin_validate (bin, error))
        return NULL;
    }
  else if (!kvota_bin_validate (bin, error))
    return NULL;

  {
    /* A pending application holds on to its BIN too; confirming it marks
     * it confirmed before its organisation is made. */
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT 1 FROM organisations WHERE bin = ?1 UNION ALL "
                                  "SELECT 1 FROM applications WHERE bin = ?1 AND state = 'pending'",
                            error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, bin, -1, SQLITE_STATIC);
    if (bin != NULL && sqlite3_step (statement) == SQLITE_ROW)
      {
        kvota_set_error (error, KVOTA_ERROR_DUPLICATE_BIN, "bin");
        return NULL;
      }
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO organisations (name, bin, holder_type, created) "
                                  "VALUES (?, ?, ?, ?)", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, bin, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, kvota_holder_type_to_string (holder_type), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      return NULL;
    id = sqlite3_last_insert_rowid (self->db);
  }

  organisation = g_new0 (KvotaOrganisation, 1);
  organisation->id = id;
  organisation->name = g_strdup (name);
  organisation->bin = g_strdup (bin);
  organisation->holder_type = holder_type;
  organisation->state = KVOTA_USER_STATE_ACTIVE;

  if (kvota_holder_type_holds_units (holder_type))
    {
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "INSERT INTO accounts (number, organisation_id, created) "
                                    "VALUES (?, ?, ?)", error);

      /* KZ-100 like the Union Registry's holding accounts, then the
       * organisation's number: stable and never reused. */
      organisation->account = g_strdup_printf ("KZ-100-%06" G_GINT64_FORMAT, id);
      if (statement == NULL)
        return NULL;
      sqlite3_bind_text (statement, 1, organisation->account, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 2, id);
      sqlite3_bind_text (statement, 3, now, -1, SQLITE_STATIC);
      if (!_kvota_store_step_done (self, statement, error))
        return NULL;
    }

  object = g_strdup_printf ("organisation/%" G_GINT64_FORMAT, id);
  after = kvota_organisation_to_json (organisation);
  if (!_kvota_store_audit (self, actor, "organisation.create", object, NULL, after, error))
    return NULL;

  /* Quotas a plan allocated before the nature user registered. */
  if (holder_type == KVOTA_HOLDER_TYPE_NATURE_USER &&
      !_kvota_store_issue_waiting (self, actor, bin, organisation->account, error))
    return NULL;

  return g_steal_pointer (&organisation);
}

/**
 * kvota_store_create_organisation:
 * @self: a #KvotaStore
 * @actor: who creates it
 * @name: the legal name
 * @bin: (nullable): the BIN or IIN; only the registry and the Ministry have none
 * @holder_type: what kind of holder it is
 * @error: return location for a #GError, or %NULL
 *
 * Creates an active organisation, with a holding account if its type
 * holds units.
 *
 * Returns: (transfer full) (nullable): the organisation
 */
KvotaOrganisation *
kvota_store_create_organisation (KvotaStore       *self,
                                 const char       *actor,
                                 const char       *name,
                                 const char       *bin,
                                 KvotaHolderType   holder_type,
                                 GError          **error)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (holder_type == KVOTA_HOLDER_TYPE_REGISTRY || holder_type == KVOTA_HOLDER_TYPE_MINISTRY)
    {
      /* There is one of each, created with the registry. */
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if ((organisation = _kvota_store_insert_organisation (self, actor, name, bin, holder_type, error)) == NULL ||
      !_kvota_store_commit (self, error))
    {
      _kvota_store_rollback (self);
      return NULL;
    }

  return g_steal_pointer (&organisation);
}

/**
 * kvota_store_get_organisation:
 * @self: a #KvotaStore
 * @id: the organisation's id
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the organisation
 */
KvotaOrganisation *
kvota_store_get_organisation (KvotaStore  *self,
                              gint64       id,
                              GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self,
                                    "SELECT " ORGANISATION_COLUMNS " FROM organisations o "
                                    "LEFT JOIN accounts a ON a.organisation_id = o.id "
                                    "WHERE o.id = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  return read_organisation (statement, 0);
}

/**
 * kvota_store_list_organisations:
 * @self: a #KvotaStore
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaOrganisation): every organisation
 */
GPtrArray *
kvota_store_list_organisations (KvotaStore  *self,
                                GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) organisations = NULL;
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self,
                                    "SELECT " ORGANISATION_COLUMNS " FROM organisations o "
                                    "LEFT JOIN accounts a ON a.organisation_id = o.id "
                                    "ORDER BY o.id", error);
  if (statement == NULL)
    return NULL;

  organisations = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_organisation_free);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (organisations, read_organisation (statement, 0));

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&organisations);
}

/**
 * kvota_store_find_organisation_by_type:
 * @self: a #KvotaStore
 * @holder_type: a holder type
 *
 * Returns: the id of the first organisation of @holder_type, or 0
 */
gint64
kvota_store_find_organisation_by_type (KvotaStore      *self,
                                       KvotaHolderType  holder_type)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  statement = _kvota_store_prepare (self, "SELECT id FROM organisations WHERE holder_type = ? "
                                          "ORDER BY id LIMIT 1", NULL);
  if (statement == NULL)
    return 0;

  sqlite3_bind_text (statement, 1, kvota_holder_type_to_string (holder_type), -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (statement, 0);
}

gboolean
_kvota_store_check_username (const char  *username,
                GError     **error)
{
  gsize length;

  /* Usernames are typed at every login: letters, digits and . _ - only. */
  if (username == NULL || (length = strlen (username)) < 2 || length > 64)
    goto invalid;

  for (const char *p = username; *p; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
        goto invalid;
    }

  return TRUE;

invalid:
  kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "username");
  return FALSE;
}

/**
 * kvota_store_get_user:
 * @self: a #KvotaStore
 * @id: the user's id
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the user with its organisation
 */
KvotaUser *
kvota_store_get_user (KvotaStore  *self,
                      gint64       id,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  KvotaUser *user;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self,
                                    "SELECT u.id, u.username, u.full_name, u.role, u.state, "
                                    ORGANISATION_COLUMNS " FROM users u "
                                    "JOIN organisations o ON o.id = u.organisation_id "
                                    "LEFT JOIN accounts a ON a.organisation_id = o.id "
                                    "WHERE u.id = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  user = g_new0 (KvotaUser, 1);
  user->id = sqlite3_column_int64 (statement, 0);
  user->username = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  user->full_name = g_strdup ((const char *) sqlite3_column_text (statement, 2));
  kvota_role_from_string ((const char *) sqlite3_column_text (statement, 3), &user->role);
  kvota_user_state_from_string ((const char *) sqlite3_column_text (statement, 4), &user->state);
  user->organisation = read_organisation (statement, 5);

  return user;
}

KvotaUser *
_kvota_store_insert_user (KvotaStore  *self,
                          const char  *actor,
                          gint64       organisation_id,
                          const char  *username,
                          const char  *password_hash,
                          const char  *full_name,
                          KvotaRole    role,
                          GError     **error)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = NULL;
  gint64 id;

  if (!_kvota_store_check_username (username, error) || !_kvota_store_check_name (full_name, "full_name", error))
    return NULL;

  if ((organisation = kvota_store_get_organisation (self, organisation_id, error)) == NULL)
    {
      if (error != NULL && *error != NULL)
        kvota_error_set_field (*error, "organisation_id");
      return NULL;
    }

  if (!kvota_role_allowed_for_holder_type (role, organisation->holder_type))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "role");
      return NULL;
    }

  {
    /* Pending applications hold on to the username they asked for. */
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT 1 FROM users WHERE username = ?1 UNION ALL "
                                  "SELECT 1 FROM applications WHERE username = ?1 AND state = 'pending'",
                            error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
    if (sqlite3_step (statement) == SQLITE_ROW)
      {
        kvota_set_error (error, KVOTA_ERROR_DUPLICATE_USERNAME, "username");
        return NULL;
      }
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO users (username, password_hash, full_name, role, "
                                  "organisation_id, created) VALUES (?, ?, ?, ?, ?, ?)", error);

    if (statement == NULL)
      return NULL;
    sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, full_name, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, kvota_role_to_string (role), -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 5, organisation_id);
    sqlite3_bind_text (statement, 6, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      return NULL;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if ((user = kvota_store_get_user (self, id, error)) == NULL)
    return NULL;

  object = g_strdup_printf ("user/%" G_GINT64_FORMAT, id);
  after = kvota_user_to_json (user);
  if (!_kvota_store_audit (self, actor, "user.create", object, NULL, after, error))
    return NULL;

  return g_steal_pointer (&user);
}

/**
 * kvota_store_create_user:
 * @self: a #KvotaStore
 * @actor: who creates the user
 * @organisation_id: the organisation the user acts for
 * @username: the login name: 2 to 64 letters, digits, `.`, `_` or `-`
 * @password_hash: the argon2id hash of the password
 * @full_name: the person's full name
 * @role: what the user may do
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the new, active user
 */
KvotaUser *
kvota_store_create_user (KvotaStore  *self,
                         const char  *actor,
                         gint64       organisation_id,
                         const char  *username,
                         const char  *password_hash,
                         const char  *full_name,
                         KvotaRole    role,
                         GError     **error)
{
  KvotaUser *user;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (password_hash != NULL, NULL);

  if (!_kvota_store_begin (self, error))
    return NULL;

  user = _kvota_store_insert_user (self, actor, organisation_id, username, password_hash,
                                   full_name, role, error);
  if (user == NULL || !_kvota_store_commit (self, error))
    {
      g_clear_pointer (&user, kvota_user_free);
      _kvota_store_rollback (self);
      return NULL;
    }

  return user;
}

/**
 * kvota_store_count_active_administrators:
 * @self: a #KvotaStore
 *
 * Returns: how many administrators can log in
 */
gint64
kvota_store_count_active_administrators (KvotaStore *self)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  statement = _kvota_store_prepare (self, "SELECT count(*) FROM users "
                                          "WHERE role = 'administrator' AND state = 'active'", NULL);
  if (statement == NULL || sqlite3_step (statement) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (statement, 0);
}

/**
 * kvota_store_set_user_state:
 * @self: a #KvotaStore
 * @actor: who blocks or restores
 * @user_id: the user
 * @state: the new state
 * @reason: (nullable): why, as the administrator recorded it
 * @error: return location for a #GError, or %NULL
 *
 * Blocking ends every session of the user in the same transaction: their
 * tokens answer %KVOTA_ERROR_USER_BLOCKED from then on, and
 * %KVOTA_ERROR_SESSION_REVOKED once the user is restored.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_set_user_state (KvotaStore      *self,
                            const char      *actor,
                            gint64           user_id,
                            KvotaUserState   state,
                            const char      *reason,
                            GError         **error)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(JsonBuilder) before = json_builder_new ();
  g_autoptr(JsonBuilder) after = json_builder_new ();
  g_autoptr(JsonNode) before_node = NULL;
  g_autoptr(JsonNode) after_node = NULL;
  g_autofree char *object = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  if (reason != NULL && !kvota_json_text_is_clean (reason, TRUE))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "reason");
      return FALSE;
    }

  if (!_kvota_store_begin (self, error))
    return FALSE;

  if ((user = kvota_store_get_user (self, user_id, error)) == NULL)
    goto failed;

  if (user->state == state)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE users SET state = ?, state_reason = ? WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_text (statement, 1, kvota_user_state_to_string (state), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 3, user_id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if (state == KVOTA_USER_STATE_BLOCKED)
    {
      g_autoptr(sqlite3_stmt) statement =
        _kvota_store_prepare (self, "UPDATE sessions SET revoked = 1 WHERE user_id = ?", error);

      if (statement == NULL)
        goto failed;
      sqlite3_bind_int64 (statement, 1, user_id);
      if (!_kvota_store_step_done (self, statement, error))
        goto failed;
    }

  json_builder_begin_object (before);
  json_builder_set_member_name (before, "state");
  json_builder_add_string_value (before, kvota_user_state_to_string (user->state));
  json_builder_end_object (before);
  json_builder_begin_object (after);
  json_builder_set_member_name (after, "state");
  json_builder_add_string_value (after, kvota_user_state_to_string (state));
  json_builder_set_member_name (after, "reason");
  if (reason != NULL)
    json_builder_add_string_value (after, reason);
  else
    json_builder_add_null_value (after);
  json_builder_end_object (after);
  before_node = json_builder_get_root (before);
  after_node = json_builder_get_root (after);

  object = g_strdup_printf ("user/%" G_GINT64_FORMAT, user_id);
  if (!_kvota_store_audit (self, actor,
                           state == KVOTA_USER_STATE_BLOCKED ? "user.block" : "user.restore",
                           object, before_node, after_node, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return TRUE;

failed:
  _kvota_store_rollback (self);
  return FALSE;
}

void
kvota_credentials_free (KvotaCredentials *credentials)
{
  if (credentials == NULL)
    return;

  g_free (credentials->password_hash);
  g_free (credentials->totp_secret);
  g_free (credentials);
}

/**
 * kvota_store_get_credentials:
 * @self: a #KvotaStore
 * @username: a login name, in any case
 *
 * Returns: (transfer full) (nullable): what a login as @username is
 *   checked against, or %NULL if there is no such user
 */
KvotaCredentials *
kvota_store_get_credentials (KvotaStore *self,
                             const char *username)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  KvotaCredentials *credentials;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT id, password_hash, reset_hash IS NOT NULL, role, "
                                          "totp_secret, totp_counter FROM users WHERE username = ?", NULL);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return NULL;

  credentials = g_new0 (KvotaCredentials, 1);
  credentials->user_id = sqlite3_column_int64 (statement, 0);
  credentials->password_hash = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  credentials->reset_pending = sqlite3_column_int (statement, 2) != 0;
  kvota_role_from_string ((const char *) sqlite3_column_text (statement, 3), &credentials->role);
  credentials->totp_secret = g_strdup ((const char *) sqlite3_column_text (statement, 4));
  credentials->totp_counter = sqlite3_column_int64 (statement, 5);

  return credentials;
}

/**
 * kvota_store_create_session:
 * @self: a #KvotaStore
 * @user_id: the user who logged in
 * @token_hash: the hash of the session's bearer token
 * @expires: when the session ends
 * @enrolment_only: whether the session may only set up two-factor login
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_store_create_session (KvotaStore  *self,
                            gint64       user_id,
                            const char  *token_hash,
                            GDateTime   *expires,
                            gboolean     enrolment_only,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *now = _kvota_store_now ();

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (expires != NULL, FALSE);

  {
    /* Forget sessions that ended a day ago; until then they explain
     * themselves as expired rather than unknown. */
    g_autoptr(sqlite3_stmt) prune =
      _kvota_store_prepare (self, "DELETE FROM sessions WHERE expires < ?", error);

    if (prune == NULL)
      return FALSE;
    sqlite3_bind_int64 (prune, 1, g_get_real_time () / G_USEC_PER_SEC - 24 * 60 * 60);
    if (!_kvota_store_step_done (self, prune, error))
      return FALSE;
  }

  statement = _kvota_store_prepare (self, "INSERT INTO sessions (token_hash, user_id, created, expires, scope) "
                                          "VALUES (?, ?, ?, ?, ?)", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 2, user_id);
  sqlite3_bind_text (statement, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 4, g_date_time_to_unix (expires));
  sqlite3_bind_text (statement, 5, enrolment_only ? "enrolment" : "full", -1, SQLITE_STATIC);

  return _kvota_store_step_done (self, statement, error);
}

/**
 * kvota_store_lookup_session:
 * @self: a #KvotaStore
 * @token_hash: the hash of a bearer token
 * @now: the current time
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): who the session belongs to; fails
 *   with %KVOTA_ERROR_INVALID_TOKEN, %KVOTA_ERROR_SESSION_EXPIRED or
 *   %KVOTA_ERROR_USER_BLOCKED
 */
KvotaPrincipal *
kvota_store_lookup_session (KvotaStore  *self,
                            const char  *token_hash,
                            GDateTime   *now,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(KvotaPrincipal) principal = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);

  statement = _kvota_store_prepare (self,
                                    "SELECT u.id, u.username, u.role, u.state, o.id, o.holder_type, "
                                    "o.state, a.number, s.expires, s.revoked, s.scope FROM sessions s "
                                    "JOIN users u ON u.id = s.user_id "
                                    "JOIN organisations o ON o.id = u.organisation_id "
                                    "LEFT JOIN accounts a ON a.organisation_id = o.id "
                                    "WHERE s.token_hash = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, token_hash, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_TOKEN, NULL);
      return NULL;
    }

  principal = g_new0 (KvotaPrincipal, 1);
  principal->user_id = sqlite3_column_int64 (statement, 0);
  principal->username = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  kvota_role_from_string ((const char *) sqlite3_column_text (statement, 2), &principal->role);
  kvota_user_state_from_string ((const char *) sqlite3_column_text (statement, 3), &principal->state);
  principal->organisation_id = sqlite3_column_int64 (statement, 4);
  kvota_holder_type_from_string ((const char *) sqlite3_column_text (statement, 5), &principal->holder_type);
  kvota_user_state_from_string ((const char *) sqlite3_column_text (statement, 6), &principal->organisation_state);
  principal->account = g_strdup ((const char *) sqlite3_column_text (statement, 7));
  principal->expires = g_date_time_new_from_unix_utc (sqlite3_column_int64 (statement, 8));
  principal->enrolment_only = g_strcmp0 ((const char *) sqlite3_column_text (statement, 10), "full") != 0;

  /* An ended session keeps saying why until it is pruned a day later. */
  if (g_date_time_compare (principal->expires, now) <= 0)
    {
      kvota_set_error (error, KVOTA_ERROR_SESSION_EXPIRED, NULL);
      return NULL;
    }

  if (principal->state != KVOTA_USER_STATE_ACTIVE ||
      principal->organisation_state != KVOTA_USER_STATE_ACTIVE)
    {
      kvota_set_error (error, KVOTA_ERROR_USER_BLOCKED, NULL);
      return NULL;
    }

  if (sqlite3_column_int (statement, 9) != 0)
    {
      kvota_set_error (error, KVOTA_ERROR_SESSION_REVOKED, NULL);
      return NULL;
    }

  return g_steal_pointer (&principal);
}

/**
 * kvota_store_delete_session:
 * @self: a #KvotaStore
 * @token_hash: the hash of a bearer token
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE on success, whether or not the session existed
 */
gboolean
kvota_store_delete_session (KvotaStore  *self,
                            const char  *token_hash,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);

  statement = _kvota_store_prepare (self, "DELETE FROM sessions WHERE token_hash = ?", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, token_hash, -1, SQLITE_STATIC);
  return _kvota_store_step_done (self, statement, error);
}

/**
 * kvota_store_record_login:
 * @self: a #KvotaStore
 * @username: the name that was tried
 * @success: whether the login succeeded
 * @peer: (nullable): the client's address
 * @now: the current time
 *
 * Remembers a login attempt for throttling, and forgets attempts older
 * than a day.
 */
void
kvota_store_record_login (KvotaStore *self,
                          const char *username,
                          gboolean    success,
                          const char *peer,
                          GDateTime  *now)
{
  gint64 at = g_date_time_to_unix (now);

  g_return_if_fail (KVOTA_IS_STORE (self));

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO login_attempts (username, peer, at, success) "
                                  "VALUES (?, ?, ?, ?)", NULL);

    if (statement == NULL)
      return;
    sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, peer, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 3, at);
    sqlite3_bind_int (statement, 4, success ? 1 : 0);
    _kvota_store_step_done (self, statement, NULL);
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "DELETE FROM login_attempts WHERE at < ?", NULL);

    if (statement == NULL)
      return;
    sqlite3_bind_int64 (statement, 1, at - 24 * 60 * 60);
    _kvota_store_step_done (self, statement, NULL);
  }
}

/**
 * kvota_store_count_login_failures:
 * @self: a #KvotaStore
 * @username: a login name
 * @since: the start of the throttling window
 *
 * Returns: the failed logins for @username since @since and since its
 *   last successful login
 */
guint
kvota_store_count_login_failures (KvotaStore *self,
                                  const char *username,
                                  GDateTime  *since)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), 0);

  statement = _kvota_store_prepare (self,
                                    "SELECT count(*) FROM login_attempts WHERE username = ?1 "
                                    "AND at >= ?2 AND success = 0 AND id > "
                                    "(SELECT coalesce (max (id), 0) FROM login_attempts "
                                    " WHERE username = ?1 AND success = 1)", NULL);
  if (statement == NULL)
    return 0;

  sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 2, g_date_time_to_unix (since));
  if (sqlite3_step (statement) != SQLITE_ROW)
    return 0;

  return (guint) sqlite3_column_int64 (statement, 0);
}
