/* kvota-nap-reader-task.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap-reader-task"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-nap-reader-task.h"

/* Reading an allocation plan's workbook, and turning it into the body of
 * its upload, take a while for a large file: both run in a worker thread
 * so the window never waits for them, and both stop when cancelled. The
 * bytes read are the bytes uploaded, so the server reads the very file
 * the user previewed. */

typedef struct
{
  GFile    *file;
  GBytes   *contents;
  KvotaNap *nap;
  char     *file_name;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *task_data = data;

  g_clear_object (&task_data->file);
  g_clear_pointer (&task_data->contents, g_bytes_unref);
  g_clear_object (&task_data->nap);
  g_free (task_data->file_name);
  g_free (task_data);
}

/**
 * kvota_nap_reader_task_get_period:
 * @nap: a plan
 * @first_year: (out): its first year
 * @last_year: (out): its last year
 *
 * Returns: %FALSE if the plan allocates for no year at all
 */
gboolean
kvota_nap_reader_task_get_period (KvotaNap *nap,
                                  int      *first_year,
                                  int      *last_year)
{
  GArray *years;

  g_return_val_if_fail (KVOTA_IS_NAP (nap), FALSE);

  years = kvota_nap_get_years (nap);
  if (years->len == 0)
    return FALSE;

  *first_year = *last_year = g_array_index (years, int, 0);
  for (guint y = 1; y < years->len; y++)
    {
      *first_year = MIN (*first_year, g_array_index (years, int, y));
      *last_year = MAX (*last_year, g_array_index (years, int, y));
    }

  return TRUE;
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) error = NULL;
  int first_year, last_year;

  if ((info = g_file_query_info (data->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, &error)) == NULL)
    goto failed;

  /* What the registry would refuse is not worth reading. */
  if (g_file_info_get_size (info) > KVOTA_NAP_MAX_FILE_SIZE)
    {
      g_task_return_new_error (task, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_TOO_LARGE,
                               _("The file is larger than 32 MB, the most the registry takes for an allocation plan."));
      return;
    }

  if ((contents = g_file_load_bytes (data->file, cancellable, NULL, &error)) == NULL)
    goto failed;

  if (g_bytes_get_size (contents) > KVOTA_NAP_MAX_FILE_SIZE)
    {
      g_task_return_new_error (task, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_TOO_LARGE,
                               _("The file is larger than 32 MB, the most the registry takes for an allocation plan."));
      return;
    }

  if ((workbook = kvota_workbook_open_bytes (contents, &error)) == NULL ||
      (nap = kvota_nap_read (workbook, cancellable, &error)) == NULL)
    goto failed;

  /* The server asks that the plan allocate for every year of its period
   * and no other: a year missing in between shows now, not after the
   * upload. */
  if (kvota_nap_reader_task_get_period (nap, &first_year, &last_year))
    kvota_nap_check_period (nap, first_year, last_year);

  data->contents = g_steal_pointer (&contents);
  g_task_return_pointer (task, g_steal_pointer (&nap), g_object_unref);
  return;

failed:
  if (error->domain != KVOTA_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_basename (data->file);

      /* Translators: %s is the file's name, the second one the system's
       * reason, such as “Permission denied”. */
      g_task_return_new_error (task, error->domain, error->code,
                               _("Could not read “%s”: %s"), name, error->message);
      return;
    }

  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * kvota_nap_reader_task_read_async:
 * @file: a workbook: .xlsx, .xls or .ods
 * @cancellable: (nullable): stops the reading
 * @callback: called with the plan
 * @user_data: for @callback
 *
 * Reads the file and the plan in it in a worker thread.
 */
void
kvota_nap_reader_task_read_async (GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_nap_reader_task_read_async);
  g_task_set_return_on_cancel (task, FALSE);

  data = g_new0 (TaskData, 1);
  data->file = g_object_ref (file);
  g_task_set_task_data (task, data, task_data_free);

  g_task_run_in_thread (task, read_thread);
}

/**
 * kvota_nap_reader_task_read_finish:
 * @result: the #GAsyncResult
 * @contents: (out) (optional): the file's bytes, as read
 * @error: where to put a translated message: the file is not a workbook,
 *   is protected with a password, damaged, or cannot be read
 *
 * Returns: (transfer full) (nullable): the plan, with its findings
 */
KvotaNap *
kvota_nap_reader_task_read_finish (GAsyncResult  *result,
                                   GBytes       **contents,
                                   GError       **error)
{
  TaskData *data;
  KvotaNap *nap;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if ((nap = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (contents != NULL)
    *contents = g_bytes_ref (data->contents);

  return nap;
}

static void
encode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *encoded = NULL;
  gconstpointer bytes;
  gsize size;
  int first_year = 0, last_year = 0;

  kvota_nap_reader_task_get_period (data->nap, &first_year, &last_year);
  bytes = g_bytes_get_data (data->contents, &size);
  encoded = g_base64_encode (bytes, size);

  if (g_task_return_error_if_cancelled (task))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "first_year");
  json_builder_add_int_value (builder, first_year);
  json_builder_set_member_name (builder, "last_year");
  json_builder_add_int_value (builder, last_year);
  json_builder_set_member_name (builder, "file_name");
  json_builder_add_string_value (builder, data->file_name);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, encoded);
  json_builder_set_member_name (builder, "plan");
  json_builder_add_value (builder, kvota_nap_to_json (data->nap, FALSE));
  json_builder_end_object (builder);

  g_task_return_pointer (task, json_builder_get_root (builder), (GDestroyNotify) json_node_unref);
}

/**
 * kvota_nap_reader_task_encode_async:
 * @nap: the plan read from @contents
 * @contents: the original file
 * @file_name: its name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the body
 * @user_data: for @callback
 *
 * Makes the body of `POST /api/v1/naps` in a worker thread: the period,
 * the original file in base64, and the plan. @nap must not change
 * meanwhile.
 */
void
kvota_nap_reader_task_encode_async (KvotaNap            *nap,
                                    GBytes              *contents,
                                    const char          *file_name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (KVOTA_IS_NAP (nap));
  g_return_if_fail (contents != NULL);
  g_return_if_fail (file_name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_nap_reader_task_encode_async);

  data = g_new0 (TaskData, 1);
  data->nap = g_object_ref (nap);
  data->contents = g_bytes_ref (contents);
  data->file_name = g_strdup (file_name);
  g_task_set_task_data (task, data, task_data_free);

  g_task_run_in_thread (task, encode_thread);
}

/**
 * kvota_nap_reader_task_encode_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the body
 */
JsonNode *
kvota_nap_reader_task_encode_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
