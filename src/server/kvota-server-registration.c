/* kvota-server-registration.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include "kvota-bin.h"
#include "kvota-document.h"
#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-server-private.h"

/* Registration keys, applications for registration and their documents. */

#define KEY_DEFAULT_DAYS 30
#define KEY_MAX_DAYS 365

/* POST /api/v1/registration-keys */

typedef struct
{
  char   *bin;
  char   *holder_type;
  gint64  valid_days;
  gboolean has_valid_days;
} KeyBody;

static const KvotaField key_fields[] = {
  { "bin", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (KeyBody, bin), -1 },
  { "holder_type", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (KeyBody, holder_type), -1 },
  { "valid_days", KVOTA_FIELD_INT64, FALSE, G_STRUCT_OFFSET (KeyBody, valid_days),
    G_STRUCT_OFFSET (KeyBody, has_valid_days) },
};

static JsonNode *
key_node (KvotaRegistrationKey *key)
{
  return _kvota_object_node ("key", kvota_registration_key_to_json (key));
}

void
_kvota_create_registration_key_cb (KvotaServer  *self,
                                   KvotaRequest *request)
{
  g_autoptr(KvotaRegistrationKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *code = NULL;
  g_autofree char *bin = NULL;
  KeyBody body = { NULL, };
  KvotaHolderType holder_type = KVOTA_HOLDER_TYPE_NATURE_USER;

  if (!_kvota_request_read_body (request, key_fields, G_N_ELEMENTS (key_fields), &body, TRUE, &error))
    goto out;

  if (body.has_valid_days && (body.valid_days < 1 || body.valid_days > KEY_MAX_DAYS))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "valid_days");
      goto out;
    }

  if (body.holder_type != NULL && !kvota_holder_type_from_string (body.holder_type, &holder_type))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
      goto out;
    }

  if (body.bin != NULL && (bin = kvota_bin_normalize (body.bin)) == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_BIN, "bin");
      goto out;
    }

  /* 24 characters in six groups: about 111 bits, read aloud in a minute. */
  code = kvota_readable_code_new (6);
  expires = g_date_time_add_days (now, body.has_valid_days ? (int) body.valid_days : KEY_DEFAULT_DAYS);
  key = kvota_store_create_registration_key (self->store, _kvota_request_actor (request), code, bin,
                                             body.holder_type != NULL, holder_type, expires, &error);

out:
  kvota_json_clear_strings (key_fields, G_N_ELEMENTS (key_fields), &body);
  if (key == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = key_node (key);
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

/* GET /api/v1/registration-keys */

void
_kvota_list_registration_keys_cb (KvotaServer  *self,
                                  KvotaRequest *request)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (!_kvota_request_check_query (request, NULL, &error) ||
      (keys = kvota_store_list_registration_keys (self->store, now, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (keys->len);
  for (guint i = 0; i < keys->len; i++)
    json_array_add_element (array, kvota_registration_key_to_json (g_ptr_array_index (keys, i)));

  node = _kvota_object_node ("keys", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/registration-keys/{id}/revoke */

void
_kvota_revoke_registration_key_cb (KvotaServer  *self,
                                   KvotaRequest *request)
{
  g_autoptr(KvotaRegistrationKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) node = NULL;

  if (!_kvota_request_expect_no_body (request, &error) ||
      (key = kvota_store_revoke_registration_key (self->store, _kvota_request_actor (request),
                                                  _kvota_request_param_id (request, 0), now,
                                                  &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = key_node (key);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/applications */

typedef struct
{
  char *key;
  char *name_kk;
  char *name_ru;
  char *bin;
  char *holder_type;
  char *address;
  char *phone;
  char *email;
  char *representative_name;
  char *representative_position;
  char *username;
  char *password;
  char *document_name;
  char *document;
} ApplicationBody;

static const KvotaField application_fields[] = {
  { "key", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, key), -1 },
  { "name_kk", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (ApplicationBody, name_kk), -1 },
  { "name_ru", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (ApplicationBody, name_ru), -1 },
  { "bin", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, bin), -1 },
  { "holder_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, holder_type), -1 },
  { "address", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, address), -1 },
  { "phone", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, phone), -1 },
  { "email", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, email), -1 },
  { "representative_name", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, representative_name), -1 },
  { "representative_position", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, representative_position), -1 },
  { "username", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, username), -1 },
  { "password", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, password), -1 },
  { "document_name", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (ApplicationBody, document_name), -1 },
  { "document", KVOTA_FIELD_BASE64, TRUE, G_STRUCT_OFFSET (ApplicationBody, document), -1 },
};

static JsonNode *
application_node (KvotaApplication *application)
{
  return _kvota_object_node ("application", kvota_application_to_json (application));
}

typedef struct
{
  ApplicationBody   body;
  char             *bin;
  char             *document_name;
  GBytes           *document;
  KvotaApplication  application;   /* its strings are the ones above */
} Submission;

static void
submission_free (gpointer data)
{
  Submission *submission = data;

  if (submission->body.password != NULL)
    memset (submission->body.password, 0, strlen (submission->body.password));
  kvota_json_clear_strings (application_fields, G_N_ELEMENTS (application_fields), &submission->body);
  g_free (submission->bin);
  g_free (submission->document_name);
  g_clear_pointer (&submission->document, g_bytes_unref);
  g_free (submission);
}

static void
application_password_hashed (KvotaServer  *self,
                             KvotaRequest *request,
                             gpointer      data,
                             const char   *hash,
                             const GError *hash_error)
{
  Submission *submission = data;
  g_autoptr(KvotaApplication) filed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (hash == NULL)
    {
      _kvota_request_reply_error (request, hash_error);
      return;
    }

  /* Checked again, in the transaction that uses the key up: another
   * application may have taken the key, BIN or username meanwhile. */
  filed = kvota_store_submit_application (self->store, submission->body.key, now, &submission->application,
                                          hash, submission->document, &error);
  if (filed == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = application_node (filed);
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
}

void
_kvota_submit_application_cb (KvotaServer  *self,
                              KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Submission *submission = g_new0 (Submission, 1);
  ApplicationBody *body = &submission->body;
  KvotaApplication *application = &submission->application;
  const char *content_type;

  if (!_kvota_request_read_body (request, application_fields, G_N_ELEMENTS (application_fields),
                                 body, FALSE, &error))
    goto failed;

  if (!kvota_holder_type_from_string (body->holder_type, &application->holder_type))
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
      goto failed;
    }

  if ((submission->bin = kvota_bin_normalize (body->bin)) == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_BIN, "bin");
      goto failed;
    }

  if ((submission->document_name = kvota_document_check_name (body->document_name)) == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "document_name");
      goto failed;
    }

  if ((submission->document = kvota_document_decode (body->document, &content_type, &error)) == NULL)
    goto failed;

  if (!kvota_password_check_strength (body->password, &error))
    {
      kvota_error_set_field (error, "password");
      goto failed;
    }

  application->name_kk = body->name_kk;
  application->name_ru = body->name_ru;
  application->bin = submission->bin;
  application->address = body->address;
  application->phone = body->phone;
  application->email = body->email;
  application->representative_name = body->representative_name;
  application->representative_position = body->representative_position;
  application->username = body->username;
  application->document_name = submission->document_name;

  /* Only an application the registry would take costs a password hash:
   * a stranger without a valid key makes the server do nothing heavy. */
  if (!kvota_store_check_application (self->store, body->key, now, application, &error))
    goto failed;

  _kvota_request_hash_password (self, request, body->password, application_password_hashed, submission,
                                submission_free);
  return;

failed:
  submission_free (submission);
  _kvota_request_reply_error (request, error);
}

/* GET /api/v1/applications */

void
_kvota_list_applications_cb (KvotaServer  *self,
                             KvotaRequest *request)
{
  g_autoptr(GPtrArray) applications = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (!_kvota_request_check_query (request, NULL, &error) ||
      (applications = kvota_store_list_applications (self->store, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (applications->len);
  for (guint i = 0; i < applications->len; i++)
    json_array_add_element (array, kvota_application_to_json (g_ptr_array_index (applications, i)));

  node = _kvota_object_node ("applications", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* GET /api/v1/applications/{id} */

void
_kvota_get_application_cb (KvotaServer  *self,
                           KvotaRequest *request)
{
  g_autoptr(KvotaApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if ((application = kvota_store_get_application (self->store, _kvota_request_param_id (request, 0),
                                                  &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = application_node (application);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/applications/{id}/confirm and /decline */

static void
decide (KvotaServer  *self,
        KvotaRequest *request,
        gboolean      confirm)
{
  g_autoptr(KvotaApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *reason = NULL;

  if (!_kvota_request_read_reason (request, !confirm, &reason, &error) ||
      (application = kvota_store_decide_application (self->store, _kvota_request_actor (request),
                                                     _kvota_request_param_id (request, 0),
                                                     confirm, reason, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = application_node (application);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

void
_kvota_confirm_application_cb (KvotaServer  *self,
                               KvotaRequest *request)
{
  decide (self, request, TRUE);
}

void
_kvota_decline_application_cb (KvotaServer  *self,
                               KvotaRequest *request)
{
  decide (self, request, FALSE);
}

/* GET /api/v1/documents/{sha256} */

void
_kvota_get_document_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  g_autoptr(GBytes) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *disposition = NULL;
  const char *sha256 = request->params[0];
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (request->message);
  gsize size;
  gconstpointer data;

  if (strlen (sha256) != 64 || strspn (sha256, "0123456789abcdef") != 64 ||
      (document = kvota_store_get_document (self->store, sha256, &content_type, &error)) == NULL)
    {
      if (error == NULL)
        kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, NULL);
      _kvota_request_reply_error (request, error);
      return;
    }

  /* Shown in the browser or viewer as what it is, never run as a page. */
  disposition = g_strdup_printf ("attachment; filename=\"%.16s.%s\"", sha256,
                                 g_str_equal (content_type, "application/pdf") ? "pdf" :
                                 g_str_equal (content_type, "image/png") ? "png" : "jpg");
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  data = g_bytes_get_data (document, &size);
  soup_server_message_set_status (request->message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->message, content_type, SOUP_MEMORY_COPY, data, size);
}
