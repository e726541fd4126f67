/* kvota-server-nap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-document.h"
#include "kvota-error.h"
#include "kvota-nap.h"
#include "kvota-server-private.h"

/* National Allocation Plans. The administrator's client reads the file
 * and sends the plan it found with the original file; the server reads
 * the file again with the same reader, refuses a plan that differs from
 * its file, runs every check again, and keeps a draft. Reading a large
 * workbook takes a while, so it runs in a worker thread; only the store,
 * on the main thread, writes. */

#define NAP_MAX_FILE (32 * 1024 * 1024)

static const char *
content_type_of (KvotaWorkbookFormat format)
{
  switch (format)
    {
    case KVOTA_WORKBOOK_FORMAT_XLSX:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case KVOTA_WORKBOOK_FORMAT_XLS:
      return "application/vnd.ms-excel";
    case KVOTA_WORKBOOK_FORMAT_ODS:
    default:
      return "application/vnd.oasis.opendocument.spreadsheet";
    }
}

static JsonNode *
findings_node (KvotaNap *nap)
{
  g_autoptr(JsonNode) plan = kvota_nap_to_json (nap, TRUE);
  JsonNode *findings = json_object_dup_member (json_node_get_object (plan), "findings");

  return findings;
}

/* POST /api/v1/naps */

typedef struct
{
  gint64    first_year;
  gint64    last_year;
  char     *file_name;
  char     *file;
  JsonNode *plan;
} NapBody;

static const KvotaField nap_fields[] = {
  { "first_year", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (NapBody, first_year), -1 },
  { "last_year", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (NapBody, last_year), -1 },
  { "file_name", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (NapBody, file_name), -1 },
  { "file", KVOTA_FIELD_BASE64, TRUE, G_STRUCT_OFFSET (NapBody, file), -1 },
  { "plan", KVOTA_FIELD_OBJECT, TRUE, G_STRUCT_OFFSET (NapBody, plan), -1 },
};

typedef struct
{
  KvotaServer  *server;
  KvotaRequest *request;
  NapBody       body;
  char         *file_name;
  GBytes       *file;
  const char   *content_type;
  KvotaNap     *nap;
} Upload;

static void
upload_free (Upload *upload)
{
  g_object_unref (upload->server);
  kvota_json_clear_strings (nap_fields, G_N_ELEMENTS (nap_fields), &upload->body);
  g_free (upload->file_name);
  g_clear_pointer (&upload->file, g_bytes_unref);
  g_clear_object (&upload->nap);
  g_free (upload);
}

static void
read_upload_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Upload *upload = task_data;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(KvotaNap) sent = NULL;
  GError *error = NULL;

  if ((workbook = kvota_workbook_open_bytes (upload->file, &error)) == NULL ||
      (upload->nap = kvota_nap_read (workbook, cancellable, &error)) == NULL ||
      (sent = kvota_nap_from_json (upload->body.plan, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  upload->content_type = content_type_of (kvota_workbook_get_format (workbook));

  if (!kvota_nap_equal (upload->nap, sent))
    {
      kvota_set_error (&error, KVOTA_ERROR_NAP_MISMATCH, "plan");
      g_task_return_error (task, error);
      return;
    }

  kvota_nap_check_period (upload->nap, (int) upload->body.first_year, (int) upload->body.last_year);
  g_task_return_boolean (task, TRUE);
}

static void
upload_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upload *upload = user_data;
  KvotaServer *self = upload->server;
  KvotaRequest *request = upload->request;
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) plan = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *plan_text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _kvota_request_reply_error (request, error);
      goto out;
    }

  /* Operators not registered yet: their quotas wait for them. */
  kvota_store_check_nap_operators (self->store, upload->nap);

  if (kvota_nap_count_errors (upload->nap) > 0)
    {
      g_autoptr(JsonNode) findings = findings_node (upload->nap);

      kvota_set_error (&error, KVOTA_ERROR_NAP_INVALID, NULL);
      _kvota_request_reply_error_with (request, error, "findings", findings);
      goto out;
    }

  plan = kvota_nap_to_json (upload->nap, TRUE);
  plan_text = kvota_json_to_string (plan);
  record = kvota_store_create_nap_draft (self->store, _kvota_request_actor (request),
                                         (int) upload->body.first_year, (int) upload->body.last_year,
                                         upload->file_name, upload->file, upload->content_type,
                                         plan_text, &error);
  if (record == NULL)
    {
      _kvota_request_reply_error (request, error);
      goto out;
    }

  node = _kvota_object_node ("nap", kvota_nap_record_to_json (record, TRUE));
  _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);

out:
  _kvota_request_finish (request);
  upload_free (upload);
}

void
_kvota_nap_upload_cb (KvotaServer  *self,
                      KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Upload *upload = g_new0 (Upload, 1);

  upload->server = g_object_ref (self);
  upload->request = request;

  if (!_kvota_request_read_body (request, nap_fields, G_N_ELEMENTS (nap_fields), &upload->body,
                                 FALSE, &error))
    goto failed;

  if (upload->body.first_year < KVOTA_VINTAGE_MIN || upload->body.first_year > KVOTA_VINTAGE_MAX)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "first_year");
      goto failed;
    }
  if (upload->body.last_year < upload->body.first_year || upload->body.last_year > KVOTA_VINTAGE_MAX)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "last_year");
      goto failed;
    }

  if ((upload->file_name = kvota_document_check_name (upload->body.file_name)) == NULL)
    {
      kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "file_name");
      goto failed;
    }

  if ((upload->file = kvota_document_decode_base64 (upload->body.file, NAP_MAX_FILE, "file", &error)) == NULL)
    goto failed;

  request->paused = TRUE;
  soup_server_message_pause (request->message);

  task = g_task_new (NULL, NULL, upload_read_cb, upload);
  g_task_set_source_tag (task, _kvota_nap_upload_cb);
  g_task_set_task_data (task, upload, NULL);
  g_task_run_in_thread (task, read_upload_thread);
  return;

failed:
  _kvota_request_reply_error (request, error);
  upload_free (upload);
}

/* GET /api/v1/naps */

void
_kvota_nap_list_cb (KvotaServer  *self,
         KvotaRequest *request)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (!_kvota_request_check_query (request, NULL, &error) ||
      (records = kvota_store_list_naps (self->store, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (records->len);
  for (guint i = 0; i < records->len; i++)
    json_array_add_element (array, kvota_nap_record_to_json (g_ptr_array_index (records, i), FALSE));

  node = _kvota_object_node ("naps", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* GET /api/v1/naps/{id} */

void
_kvota_nap_get_cb (KvotaServer  *self,
        KvotaRequest *request)
{
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if ((record = kvota_store_get_nap (self->store, _kvota_request_param_id (request, 0), &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  node = _kvota_object_node ("nap", kvota_nap_record_to_json (record, TRUE));
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* GET /api/v1/naps/{id}/file */

void
_kvota_nap_file_cb (KvotaServer  *self,
         KvotaRequest *request)
{
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *escaped = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (request->message);
  gconstpointer data;
  gsize size;

  if ((record = kvota_store_get_nap (self->store, _kvota_request_param_id (request, 0), &error)) == NULL ||
      (file = kvota_store_get_document (self->store, record->file_sha256, &content_type, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  /* RFC 6266: the name may be Cyrillic. */
  escaped = g_uri_escape_string (record->file_name, NULL, FALSE);
  disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", escaped);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  data = g_bytes_get_data (file, &size);
  soup_server_message_set_status (request->message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->message, content_type, SOUP_MEMORY_COPY, data, size);
}

/* POST /api/v1/naps/{id}/apply */

void
_kvota_nap_apply_cb (KvotaServer  *self,
          KvotaRequest *request)
{
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(JsonNode) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  KvotaNapApplication result;
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_expect_no_body (request, &error) ||
      (record = kvota_store_get_nap (self->store, id, &error)) == NULL ||
      (plan = kvota_json_parse (record->plan, strlen (record->plan), &error)) == NULL ||
      (nap = kvota_nap_from_json (plan, &error)) == NULL ||
      !kvota_store_apply_nap (self->store, _kvota_request_actor (request), id,
                              kvota_nap_get_lines (nap), kvota_nap_get_years (nap), &result, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  g_clear_pointer (&record, kvota_nap_record_free);
  if ((record = kvota_store_get_nap (self->store, id, &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "nap");
  json_builder_add_value (builder, kvota_nap_record_to_json (record, FALSE));
  json_builder_set_member_name (builder, "issued");
  json_builder_add_int_value (builder, result.issued);
  json_builder_set_member_name (builder, "withdrawn");
  json_builder_add_int_value (builder, result.withdrawn);
  json_builder_set_member_name (builder, "waiting");
  json_builder_add_int_value (builder, result.waiting);
  json_builder_set_member_name (builder, "transactions");
  json_builder_add_int_value (builder, result.n_transactions);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/naps/{id}/discard */

void
_kvota_nap_discard_cb (KvotaServer  *self,
            KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  gint64 id = _kvota_request_param_id (request, 0);

  if (!_kvota_request_expect_no_body (request, &error) ||
      !kvota_store_discard_nap (self->store, _kvota_request_actor (request), id, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  _kvota_nap_get_cb (self, request);
}
