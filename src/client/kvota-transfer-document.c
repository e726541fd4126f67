/* kvota-transfer-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-transfer-document"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-transfer-document.h"

/* One confirming document of a transfer: a file the user chose or
 * dropped, read and base64-encoded in a worker thread, so that ten
 * documents of 10 MB never hold up the window. The registry checks the
 * content again; the checks here only spare the user a refused upload. */

struct _KvotaTransferDocument
{
  GObject     parent_instance;

  GFile      *file;
  char       *name;
  gsize       size;
  const char *kind;     /* PDF, PNG, JPEG */
  char       *base64;
  char       *sha256;   /* how the registry knows the document */
  GError     *error;
  gboolean    loaded;
};

typedef struct
{
  gsize       size;
  const char *kind;
  char       *base64;
  char       *sha256;
} LoadResult;

G_DEFINE_FINAL_TYPE (KvotaTransferDocument, kvota_transfer_document, G_TYPE_OBJECT)

static void
load_result_free (gpointer data)
{
  LoadResult *result = data;

  g_free (result->base64);
  g_free (result->sha256);
  g_free (result);
}

static void
kvota_transfer_document_finalize (GObject *object)
{
  KvotaTransferDocument *self = (KvotaTransferDocument *)object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->base64, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (kvota_transfer_document_parent_class)->finalize (object);
}

static void
kvota_transfer_document_class_init (KvotaTransferDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kvota_transfer_document_finalize;
}

static void
kvota_transfer_document_init (KvotaTransferDocument *self)
{
}

KvotaTransferDocument *
kvota_transfer_document_new (GFile *file)
{
  KvotaTransferDocument *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (KVOTA_TYPE_TRANSFER_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  self->name = g_file_get_basename (file);
  if (self->name == NULL || !g_utf8_validate (self->name, -1, NULL))
    {
      g_free (self->name);
      self->name = g_file_get_parse_name (file);
    }

  return self;
}

static const char *
recognise (const guint8 *data,
           gsize         length)
{
  if (length >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return "PDF";
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "PNG";
  if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "JPEG";
  return NULL;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  KvotaTransferDocument *self = source_object;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  LoadResult *result;
  gsize length;

  /* The size first: a large file is refused before it is read. */
  info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info == NULL)
    goto unreadable;

  if (g_file_info_get_size (info) > KVOTA_TRANSFER_DOCUMENT_MAX_SIZE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "%s", _("The document is larger than 10 MB, the most the registry accepts."));
      return;
    }

  if (!g_file_load_contents (self->file, cancellable, &contents, &length, NULL, &error))
    goto unreadable;

  if (length == 0 || length > KVOTA_TRANSFER_DOCUMENT_MAX_SIZE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "%s", length == 0
                                 ? _("The document is empty.")
                                 : _("The document is larger than 10 MB, the most the registry accepts."));
      return;
    }

  result = g_new0 (LoadResult, 1);
  result->size = length;
  result->kind = recognise ((const guint8 *) contents, length);
  if (result->kind == NULL)
    {
      load_result_free (result);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "%s", _("This is not a PDF, PNG or JPEG file. Save the document in one of these formats."));
      return;
    }

  result->base64 = g_base64_encode ((const guchar *) contents, length);
  result->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  g_task_return_pointer (task, result, load_result_free);
  return;

unreadable:
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    /* Translators: %s is the system's reason, such as “Permission denied”. */
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("Could not read the document: %s"), error->message);
}

/**
 * kvota_transfer_document_load_async:
 * @self: a #KvotaTransferDocument
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the document is read, or could not be
 * @user_data: data for @callback
 *
 * Reads the document in a worker thread, checks its size and format and
 * encodes it for the registry.
 */
void
kvota_transfer_document_load_async (KvotaTransferDocument *self,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_transfer_document_load_async);
  g_task_run_in_thread (task, load_thread);
}

/**
 * kvota_transfer_document_load_finish:
 *
 * Returns: %TRUE if the document is ready to send; either way the
 *   document remembers the outcome (kvota_transfer_document_get_error())
 */
gboolean
kvota_transfer_document_load_finish (KvotaTransferDocument  *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  LoadResult *loaded;

  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  loaded = g_task_propagate_pointer (G_TASK (result), &local_error);

  if (loaded == NULL)
    {
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&self->error);
          self->error = g_error_copy (local_error);
          self->loaded = TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->size = loaded->size;
  self->kind = loaded->kind;
  self->base64 = g_steal_pointer (&loaded->base64);
  self->sha256 = g_steal_pointer (&loaded->sha256);
  self->loaded = TRUE;
  load_result_free (loaded);

  return TRUE;
}

GFile *
kvota_transfer_document_get_file (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), NULL);
  return self->file;
}

const char *
kvota_transfer_document_get_name (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), NULL);
  return self->name;
}

gsize
kvota_transfer_document_get_size (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), 0);
  return self->size;
}

/**
 * kvota_transfer_document_get_kind:
 *
 * Returns: (nullable): `PDF`, `PNG` or `JPEG` once read
 */
const char *
kvota_transfer_document_get_kind (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), NULL);
  return self->kind;
}

/* The document's SHA-256 once it is read, or NULL. */
const char *
kvota_transfer_document_get_sha256 (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), NULL);
  return self->sha256;
}

const char *
kvota_transfer_document_get_base64 (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), NULL);
  return self->base64;
}

const GError *
kvota_transfer_document_get_error (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), NULL);
  return self->error;
}

gboolean
kvota_transfer_document_get_loaded (KvotaTransferDocument *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSFER_DOCUMENT (self), FALSE);
  return self->loaded;
}
