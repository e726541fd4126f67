/* kvota-store-registration.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-bin.h"
#include "kvota-document.h"
#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-secret.h"
#include "kvota-store-private.h"

/* Registration: keys the administrator hands out, applications companies
 * file with them, the signed documents those carry, and the
 * administrator's decision, which is what creates an organisation. */

#define KEY_COLUMNS "id, hint, bin, holder_type, state, created_by, created, expires"

static KvotaRegistrationKey *
read_key (sqlite3_stmt *statement,
          GDateTime    *now)
{
  KvotaRegistrationKey *key = g_new0 (KvotaRegistrationKey, 1);
  const char *holder_type = (const char *) sqlite3_column_text (statement, 3);
  gint64 expires = sqlite3_column_int64 (statement, 7);

  key->id = sqlite3_column_int64 (statement, 0);
  key->hint = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  key->bin = g_strdup ((const char *) sqlite3_column_text (statement, 2));
  key->has_holder_type = holder_type != NULL &&
                         kvota_holder_type_from_string (holder_type, &key->holder_type);
  kvota_key_state_from_string ((const char *) sqlite3_column_text (statement, 4), &key->state);
  key->created_by = g_strdup ((const char *) sqlite3_column_text (statement, 5));
  key->created = kvota_timestamp_parse ((const char *) sqlite3_column_text (statement, 6));
  key->expires = g_date_time_new_from_unix_utc (expires);

  /* Expiry is a matter of time, not of a write. */
  if (key->state == KVOTA_KEY_STATE_UNUSED && now != NULL && expires <= g_date_time_to_unix (now))
    key->state = KVOTA_KEY_STATE_EXPIRED;

  return key;
}

static KvotaRegistrationKey *
get_key (KvotaStore  *self,
         gint64       id,
         GDateTime   *now,
         GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  statement = _kvota_store_prepare (self, "SELECT " KEY_COLUMNS " FROM registration_keys WHERE id = ?",
                                    error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  return read_key (statement, now);
}

/**
 * kvota_store_create_registration_key:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @code: the key as handed to the applicant; only its hash is kept
 * @bin: (nullable): the only BIN or IIN the key registers
 * @has_holder_type: whether the key is bound to @holder_type
 * @holder_type: the only holder type the key registers
 * @expires: when the key stops working
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the key, with @code in it
 */
KvotaRegistrationKey *
kvota_store_create_registration_key (KvotaStore       *self,
                                     const char       *actor,
                                     const char       *code,
                                     const char       *bin,
                                     gboolean          has_holder_type,
                                     KvotaHolderType   holder_type,
                                     GDateTime        *expires,
                                     GError          **error)
{
  g_autoptr(KvotaRegistrationKey) key = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *code_hash = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = NULL;
  gsize code_length;
  gint64 id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail ((code_hash = kvota_readable_code_hash (code)) != NULL, NULL);

  if (bin != NULL && !kvota_bin_validate (bin, error))
    {
      if (error != NULL && *error != NULL)
        kvota_error_set_field (*error, "bin");
      return NULL;
    }

  if (has_holder_type && !kvota_holder_type_is_company (holder_type))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "INSERT INTO registration_keys (code_hash, hint, bin, holder_type, "
                                  "created_by, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)", error);

    code_length = strlen (code);
    if (statement == NULL)
      goto failed;
    sqlite3_bind_text (statement, 1, code_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, code + (code_length > 4 ? code_length - 4 : 0), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, bin, -1, SQLITE_STATIC);
    if (has_holder_type)
      sqlite3_bind_text (statement, 4, kvota_holder_type_to_string (holder_type), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 5, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 6, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (statement, 7, g_date_time_to_unix (expires));
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
    id = sqlite3_last_insert_rowid (self->db);
  }

  if ((key = get_key (self, id, NULL, error)) == NULL)
    goto failed;

  object = g_strdup_printf ("registration-key/%" G_GINT64_FORMAT, id);
  after = kvota_registration_key_to_json (key);
  if (!_kvota_store_audit (self, actor, "registration-key.create", object, NULL, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  key->code = g_strdup (code);
  return g_steal_pointer (&key);

failed:
  _kvota_store_rollback (self);
  return NULL;
}

/**
 * kvota_store_list_registration_keys:
 * @self: a #KvotaStore
 * @now: the current time, which decides which keys have expired
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaRegistrationKey): every key,
 *   newest first
 */
GPtrArray *
kvota_store_list_registration_keys (KvotaStore  *self,
                                    GDateTime   *now,
                                    GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_registration_key_free);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " KEY_COLUMNS " FROM registration_keys ORDER BY id DESC",
                                    error);
  if (statement == NULL)
    return NULL;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (keys, read_key (statement, now));

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&keys);
}

/**
 * kvota_store_revoke_registration_key:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @id: the key
 * @now: the current time
 * @error: return location for a #GError, or %NULL
 *
 * Only an unused key that has not expired can be revoked.
 *
 * Returns: (transfer full) (nullable): the revoked key
 */
KvotaRegistrationKey *
kvota_store_revoke_registration_key (KvotaStore  *self,
                                     const char  *actor,
                                     gint64       id,
                                     GDateTime   *now,
                                     GError     **error)
{
  g_autoptr(KvotaRegistrationKey) key = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *object = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if (!_kvota_store_begin (self, error))
    return NULL;

  if ((key = get_key (self, id, now, error)) == NULL)
    goto failed;

  if (key->state != KVOTA_KEY_STATE_UNUSED)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE registration_keys SET state = 'revoked' WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int64 (statement, 1, id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  before = kvota_registration_key_to_json (key);
  key->state = KVOTA_KEY_STATE_REVOKED;
  after = kvota_registration_key_to_json (key);
  object = g_strdup_printf ("registration-key/%" G_GINT64_FORMAT, id);
  if (!_kvota_store_audit (self, actor, "registration-key.revoke", object, before, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return g_steal_pointer (&key);

failed:
  _kvota_store_rollback (self);
  return NULL;
}

/* Applications */

#define APPLICATION_COLUMNS \
  "a.id, a.state, a.name_kk, a.name_ru, a.bin, a.holder_type, a.address, a.phone, a.email, " \
  "a.representative_name, a.representative_position, a.username, a.document_sha256, " \
  "a.document_name, d.content_type, d.size, a.created, a.decided_by, a.decided, a.reason, " \
  "a.organisation_id"

static char *
column_text (sqlite3_stmt *statement,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (statement, column));
}

static KvotaApplication *
read_application (sqlite3_stmt *statement)
{
  KvotaApplication *application = g_new0 (KvotaApplication, 1);
  const char *decided;

  application->id = sqlite3_column_int64 (statement, 0);
  kvota_application_state_from_string ((const char *) sqlite3_column_text (statement, 1), &application->state);
  application->name_kk = column_text (statement, 2);
  application->name_ru = column_text (statement, 3);
  application->bin = column_text (statement, 4);
  kvota_holder_type_from_string ((const char *) sqlite3_column_text (statement, 5), &application->holder_type);
  application->address = column_text (statement, 6);
  application->phone = column_text (statement, 7);
  application->email = column_text (statement, 8);
  application->representative_name = column_text (statement, 9);
  application->representative_position = column_text (statement, 10);
  application->username = column_text (statement, 11);
  application->document_sha256 = column_text (statement, 12);
  application->document_name = column_text (statement, 13);
  application->document_type = column_text (statement, 14);
  application->document_size = sqlite3_column_int64 (statement, 15);
  application->created = kvota_timestamp_parse ((const char *) sqlite3_column_text (statement, 16));
  application->decided_by = column_text (statement, 17);
  if ((decided = (const char *) sqlite3_column_text (statement, 18)) != NULL)
    application->decided = kvota_timestamp_parse (decided);
  application->reason = column_text (statement, 19);
  application->organisation_id = sqlite3_column_int64 (statement, 20);

  return application;
}

/**
 * kvota_store_get_application:
 * @self: a #KvotaStore
 * @id: an application
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the application
 */
KvotaApplication *
kvota_store_get_application (KvotaStore  *self,
                             gint64       id,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " APPLICATION_COLUMNS " FROM applications a "
                                          "JOIN documents d ON d.sha256 = a.document_sha256 "
                                          "WHERE a.id = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_int64 (statement, 1, id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  return read_application (statement);
}

/**
 * kvota_store_list_applications:
 * @self: a #KvotaStore
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaApplication): the
 *   applications, pending ones first, newest first within each state
 */
GPtrArray *
kvota_store_list_applications (KvotaStore  *self,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) applications = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_application_free);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT " APPLICATION_COLUMNS " FROM applications a "
                                          "JOIN documents d ON d.sha256 = a.document_sha256 "
                                          "ORDER BY a.state = 'pending' DESC, a.id DESC", error);
  if (statement == NULL)
    return NULL;

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    g_ptr_array_add (applications, read_application (statement));

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&applications);
}

/**
 * kvota_store_find_application_by_username:
 * @self: a #KvotaStore
 * @username: the username an applicant asked for
 * @password_hash: (out): the hash of the password it chose
 *
 * Lets an applicant learn how its application stands by logging in.
 *
 * Returns: (transfer full) (nullable): the newest pending or declined
 *   application for @username
 */
KvotaApplication *
kvota_store_find_application_by_username (KvotaStore  *self,
                                          const char  *username,
                                          char       **password_hash)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  KvotaApplication *application;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (password_hash != NULL, NULL);

  statement = _kvota_store_prepare (self, "SELECT " APPLICATION_COLUMNS ", a.password_hash "
                                          "FROM applications a "
                                          "JOIN documents d ON d.sha256 = a.document_sha256 "
                                          "WHERE a.username = ? AND a.state != 'confirmed' "
                                          "ORDER BY a.id DESC LIMIT 1", NULL);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, username, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return NULL;

  application = read_application (statement);
  *password_hash = column_text (statement, 21);
  return application;
}

static gboolean
check_optional_name (const char  *text,
                     const char  *field,
                     GError     **error)
{
  return text == NULL || _kvota_store_check_name (text, field, error);
}

static gboolean
check_email (const char  *email,
             GError     **error)
{
  const char *at;

  /* What a person could mistype, not RFC 5322: one @, a dot after it,
   * no spaces. The administrator reviews every application anyway. */
  if (email == NULL || strlen (email) > 254 || strchr (email, ' ') != NULL ||
      (at = strchr (email, '@')) == NULL || at == email || strchr (at + 1, '@') != NULL ||
      strchr (at + 1, '.') == NULL || g_str_has_suffix (email, ".") ||
      !kvota_json_text_is_clean (email, FALSE))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "email");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_phone (const char  *phone,
             GError     **error)
{
  guint digits = 0;

  if (phone == NULL)
    goto invalid;

  for (const char *p = phone; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (strchr ("+ -()", *p) == NULL)
        goto invalid;
    }

  if (digits >= 7 && digits <= 15)
    return TRUE;

invalid:
  kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "phone");
  return FALSE;
}

static gboolean
check_application (const KvotaApplication  *application,
                   GError                 **error)
{
  if (application->name_kk == NULL && application->name_ru == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_MISSING_FIELD, "name_ru");
      return FALSE;
    }

  if (!kvota_holder_type_is_company (application->holder_type))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
      return FALSE;
    }

  if (!kvota_bin_validate (application->bin, error))
    {
      if (error != NULL && *error != NULL)
        kvota_error_set_field (*error, "bin");
      return FALSE;
    }

  return check_optional_name (application->name_kk, "name_kk", error) &&
         check_optional_name (application->name_ru, "name_ru", error) &&
         _kvota_store_check_name (application->address, "address", error) &&
         check_phone (application->phone, error) &&
         check_email (application->email, error) &&
         _kvota_store_check_name (application->representative_name, "representative_name", error) &&
         _kvota_store_check_name (application->representative_position, "representative_position", error);
}

static gboolean
exists (KvotaStore  *self,
        const char  *sql,
        const char  *value,
        gboolean    *found,
        GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = _kvota_store_prepare (self, sql, error);

  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, value, -1, SQLITE_STATIC);
  *found = sqlite3_step (statement) == SQLITE_ROW;
  return TRUE;
}

/* Whether the registry takes @application with the key whose hash is
 * @code_hash now: the key is unused, unexpired, unrevoked and fits, and
 * neither the BIN nor the username is taken or pending. */
static gboolean
check_against_registry (KvotaStore              *self,
                        const char              *code_hash,
                        GDateTime               *now,
                        const KvotaApplication  *application,
                        gint64                  *key_id,
                        GError                 **error)
{
  g_autoptr(KvotaRegistrationKey) key = NULL;
  gboolean found;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "SELECT " KEY_COLUMNS " FROM registration_keys WHERE code_hash = ?",
                            error);

    if (statement == NULL)
      return FALSE;
    sqlite3_bind_text (statement, 1, code_hash, -1, SQLITE_STATIC);
    if (sqlite3_step (statement) == SQLITE_ROW)
      key = read_key (statement, now);
  }

  if (key == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_REGISTRATION_KEY, "key");
      return FALSE;
    }

  switch (key->state)
    {
    case KVOTA_KEY_STATE_UNUSED:
      break;
    case KVOTA_KEY_STATE_USED:
      kvota_set_error (error, KVOTA_ERROR_REGISTRATION_KEY_USED, "key");
      return FALSE;
    case KVOTA_KEY_STATE_EXPIRED:
      kvota_set_error (error, KVOTA_ERROR_REGISTRATION_KEY_EXPIRED, "key");
      return FALSE;
    case KVOTA_KEY_STATE_REVOKED:
    case KVOTA_N_KEY_STATES:
    default:
      kvota_set_error (error, KVOTA_ERROR_REGISTRATION_KEY_REVOKED, "key");
      return FALSE;
    }

  if ((key->bin != NULL && g_strcmp0 (key->bin, application->bin) != 0) ||
      (key->has_holder_type && key->holder_type != application->holder_type))
    {
      kvota_set_error (error, KVOTA_ERROR_REGISTRATION_KEY_MISMATCH, "key");
      return FALSE;
    }
  *key_id = key->id;

  if (!exists (self, "SELECT 1 FROM organisations WHERE bin = ?1 UNION ALL "
                     "SELECT 1 FROM applications WHERE bin = ?1 AND state = 'pending'",
               application->bin, &found, error))
    return FALSE;
  if (found)
    {
      kvota_set_error (error, KVOTA_ERROR_DUPLICATE_BIN, "bin");
      return FALSE;
    }

  if (!_kvota_store_check_username (application->username, error))
    return FALSE;
  if (!exists (self, "SELECT 1 FROM users WHERE username = ?1 UNION ALL "
                     "SELECT 1 FROM applications WHERE username = ?1 AND state = 'pending'",
               application->username, &found, error))
    return FALSE;
  if (found)
    {
      kvota_set_error (error, KVOTA_ERROR_DUPLICATE_USERNAME, "username");
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_store_check_application:
 * @self: a #KvotaStore
 * @code: the registration key the applicant typed
 * @now: the current time
 * @application: what the applicant filled in
 * @error: return location for a #GError, or %NULL
 *
 * Tells, without changing anything, whether kvota_store_submit_application()
 * would take @application now, so that nobody without a valid key makes
 * the registry hash a password. Submitting checks again.
 *
 * Returns: %TRUE if it would
 */
gboolean
kvota_store_check_application (KvotaStore              *self,
                               const char              *code,
                               GDateTime               *now,
                               const KvotaApplication  *application,
                               GError                 **error)
{
  g_autofree char *code_hash = NULL;
  gint64 key_id = 0;
  gboolean ok;

  g_return_val_if_fail (KVOTA_IS_STORE (self), FALSE);
  g_return_val_if_fail (application != NULL, FALSE);

  if (code == NULL || (code_hash = kvota_readable_code_hash (code)) == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_REGISTRATION_KEY, "key");
      return FALSE;
    }

  if (!check_application (application, error))
    return FALSE;

  if (sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return _kvota_store_storage_error (self, error);
  ok = check_against_registry (self, code_hash, now, application, &key_id, error);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  return ok;
}

/**
 * kvota_store_submit_application:
 * @self: a #KvotaStore
 * @code: the registration key the applicant typed
 * @now: the current time
 * @application: what the applicant filled in (id, state and decision are ignored)
 * @password_hash: the hash of the password the applicant chose
 * @document: the signed application, already checked to be a PDF or image
 * @error: return location for a #GError, or %NULL
 *
 * Files an application and uses up its key, in one transaction. The
 * document is stored once by its SHA-256.
 *
 * Returns: (transfer full) (nullable): the pending application
 */
KvotaApplication *
kvota_store_submit_application (KvotaStore              *self,
                                const char              *code,
                                GDateTime               *now,
                                const KvotaApplication  *application,
                                const char              *password_hash,
                                GBytes                  *document,
                                GError                 **error)
{
  g_autoptr(KvotaApplication) filed = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *code_hash = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *created = _kvota_store_now ();
  g_autofree char *object = NULL;
  const char *content_type;
  gint64 key_id = 0;
  gint64 id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (application != NULL, NULL);
  g_return_val_if_fail (document != NULL, NULL);

  if (code == NULL || (code_hash = kvota_readable_code_hash (code)) == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_REGISTRATION_KEY, "key");
      return NULL;
    }

  if (!check_application (application, error))
    return NULL;

  content_type = kvota_document_sniff (g_bytes_get_data (document, NULL), g_bytes_get_size (document));
  if (content_type == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_DOCUMENT, "document");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if (!check_against_registry (self, code_hash, now, application, &key_id, error))
    goto failed;

  if ((sha256 = _kvota_store_insert_document (self, document, content_type, error)) == NULL)
    goto failed;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self,
                            "INSERT INTO applications (key_id, name_kk, name_ru, bin, holder_type, "
                            "address, phone, email, representative_name, representative_position, "
                            "username, password_hash, document_sha256, document_name, created) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int64 (statement, 1, key_id);
    sqlite3_bind_text (statement, 2, application->name_kk, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, application->name_ru, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, application->bin, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 5, kvota_holder_type_to_string (application->holder_type), -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 6, application->address, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 7, application->phone, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 8, application->email, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 9, application->representative_name, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 10, application->representative_position, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 11, application->username, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 12, password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 13, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 14, application->document_name != NULL ?
                                      application->document_name : "application", -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 15, created, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
    id = sqlite3_last_insert_rowid (self->db);
  }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE registration_keys SET state = 'used' WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int64 (statement, 1, key_id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if ((filed = kvota_store_get_application (self, id, error)) == NULL)
    goto failed;

  object = g_strdup_printf ("application/%" G_GINT64_FORMAT, id);
  after = kvota_application_to_json (filed);
  if (!_kvota_store_audit (self, application->username, "application.submit", object, NULL, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return g_steal_pointer (&filed);

failed:
  _kvota_store_rollback (self);
  return NULL;
}

static gboolean
set_organisation_details (KvotaStore              *self,
                          gint64                   organisation_id,
                          const KvotaApplication  *application,
                          GError                 **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  statement = _kvota_store_prepare (self, "UPDATE organisations SET name_kk = ?, name_ru = ?, address = ?, "
                                          "phone = ?, email = ? WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, application->name_kk, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, application->name_ru, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, application->address, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 4, application->phone, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 5, application->email, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 6, organisation_id);

  return _kvota_store_step_done (self, statement, error);
}

/**
 * kvota_store_decide_application:
 * @self: a #KvotaStore
 * @actor: the administrator
 * @id: a pending application
 * @confirm: %TRUE to confirm, %FALSE to decline
 * @reason: (nullable): why, for the applicant to read
 * @error: return location for a #GError, or %NULL
 *
 * Confirming creates the organisation, its holding account where its type
 * holds units, and its first user, the representative who applied, with
 * the password it chose: all in one transaction, or nothing.
 *
 * Returns: (transfer full) (nullable): the decided application
 */
KvotaApplication *
kvota_store_decide_application (KvotaStore  *self,
                                const char  *actor,
                                gint64       id,
                                gboolean     confirm,
                                const char  *reason,
                                GError     **error)
{
  g_autoptr(KvotaApplication) application = NULL;
  g_autoptr(KvotaApplication) decided = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *password_hash = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = NULL;
  gint64 organisation_id = 0;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (reason != NULL && !kvota_json_text_is_clean (reason, TRUE))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "reason");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if ((application = kvota_store_get_application (self, id, error)) == NULL)
    goto failed;

  if (application->state != KVOTA_APPLICATION_STATE_PENDING)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_STATE, NULL);
      goto failed;
    }

  if (confirm)
    {
      g_autoptr(KvotaOrganisation) organisation = NULL;
      g_autoptr(KvotaUser) user = NULL;

      {
        g_autoptr(sqlite3_stmt) statement =
          _kvota_store_prepare (self, "SELECT password_hash FROM applications WHERE id = ?", error);

        if (statement == NULL)
          goto failed;
        sqlite3_bind_int64 (statement, 1, id);
        if (sqlite3_step (statement) != SQLITE_ROW)
          goto failed;
        password_hash = column_text (statement, 0);
      }

      /* No longer pending: its BIN and username are its own to take. */
      {
        g_autoptr(sqlite3_stmt) statement =
          _kvota_store_prepare (self, "UPDATE applications SET state = 'confirmed' WHERE id = ?", error);

        if (statement == NULL)
          goto failed;
        sqlite3_bind_int64 (statement, 1, id);
        if (!_kvota_store_step_done (self, statement, error))
          goto failed;
      }

      organisation = _kvota_store_insert_organisation (self, actor,
                                                       application->name_ru != NULL ?
                                                       application->name_ru : application->name_kk,
                                                       application->bin, application->holder_type,
                                                       error);
      if (organisation == NULL ||
          !set_organisation_details (self, organisation->id, application, error))
        goto failed;
      organisation_id = organisation->id;

      user = _kvota_store_insert_user (self, actor, organisation_id, application->username,
                                       password_hash, application->representative_name,
                                       KVOTA_ROLE_REPRESENTATIVE, error);
      if (user == NULL)
        goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE applications SET state = ?, decided_by = ?, decided = ?, "
                                  "reason = ?, organisation_id = ? WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_text (statement, 1, confirm ? "confirmed" : "declined", -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_text (statement, 4, reason, -1, SQLITE_STATIC);
    if (organisation_id > 0)
      sqlite3_bind_int64 (statement, 5, organisation_id);
    sqlite3_bind_int64 (statement, 6, id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  if ((decided = kvota_store_get_application (self, id, error)) == NULL)
    goto failed;

  object = g_strdup_printf ("application/%" G_GINT64_FORMAT, id);
  before = kvota_application_to_json (application);
  after = kvota_application_to_json (decided);
  if (!_kvota_store_audit (self, actor, confirm ? "application.confirm" : "application.decline",
                           object, before, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return g_steal_pointer (&decided);

failed:
  _kvota_store_rollback (self);
  return NULL;
}

/**
 * kvota_store_get_document:
 * @self: a #KvotaStore
 * @sha256: the document's SHA-256 in hexadecimal
 * @content_type: (out) (optional): its type
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the document's bytes
 */
GBytes *
kvota_store_get_document (KvotaStore  *self,
                          const char  *sha256,
                          char       **content_type,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  statement = _kvota_store_prepare (self, "SELECT content_type, data FROM documents WHERE sha256 = ?", error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, NULL);
      return NULL;
    }

  if (content_type != NULL)
    *content_type = column_text (statement, 0);

  return g_bytes_new (sqlite3_column_blob (statement, 1), (gsize) sqlite3_column_bytes (statement, 1));
}
