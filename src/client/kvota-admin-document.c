/* kvota-admin-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-admin-document"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kvota-admin-document.h"

/* A stored document (a signed application, a deal's confirmation) opened
 * in the system's viewer: fetched from the registry, written to a private
 * temporary folder under its own name, and handed to the default
 * application for its type. Every step is asynchronous. */

typedef struct
{
  GAppLaunchContext *context;
  GFile             *file;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *open_data = data;

  g_clear_object (&open_data->context);
  g_clear_object (&open_data->file);
  g_free (open_data);
}

/* The name as the sender gave it, made safe to be a file name: no
 * folders, nothing hidden, never empty. */
static char *
file_name_for (const char *sha256,
               const char *name)
{
  g_autofree char *base = NULL;

  if (name != NULL && name[0] != '\0')
    base = g_path_get_basename (name);

  if (base == NULL || base[0] == '\0' || base[0] == '.' || g_str_equal (base, G_DIR_SEPARATOR_S))
    {
      g_free (base);
      base = g_strndup (sha256, 16);
    }

  g_strdelimit (base, "/\\:", '_');
  return g_steal_pointer (&base);
}

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_debug ("Could not open the document: %s", error->message);
      g_task_return_new_error (task, error->domain, error->code,
                               _("The document was saved, but no application could open it. Install a viewer for PDF and image files."));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GFile *file = G_FILE (object);
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      g_debug ("Could not write the document: %s", error->message);
      g_task_return_new_error (task, error->domain, error->code,
                               _("The document could not be saved for viewing: %s"), error->message);
      return;
    }

  uri = g_file_get_uri (file);
  g_app_info_launch_default_for_uri_async (uri, data->context,
                                           g_task_get_cancellable (task),
                                           launched_cb,
                                           g_object_ref (task));
}

static void
downloaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if ((bytes = kvota_client_download_finish (client, result, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_file_replace_contents_bytes_async (data->file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task),
                                       written_cb,
                                       g_object_ref (task));
}

/**
 * kvota_admin_document_open_async:
 * @client: the signed-in client
 * @sha256: the document's hash, as the registry names it
 * @name: (nullable): the document's file name
 * @widget: the widget the user asked from, for the launch context
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the viewer is started
 * @user_data: data for @callback
 */
void
kvota_admin_document_open_async (KvotaClient         *client,
                                 const char          *sha256,
                                 const char          *name,
                                 GtkWidget           *widget,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  OpenData *data;

  g_return_if_fail (KVOTA_IS_CLIENT (client));
  g_return_if_fail (sha256 != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_admin_document_open_async);

  /* A folder of its own, readable by the user only: the documents are
   * the registry's, not for other accounts on the machine. */
  if ((folder = g_dir_make_tmp ("kvota-document-XXXXXX", &error)) == NULL)
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("The document could not be saved for viewing: %s"), error->message);
      return;
    }

  file_name = file_name_for (sha256, name);

  data = g_new0 (OpenData, 1);
  data->file = g_file_new_build_filename (folder, file_name, NULL);
  data->context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));
  g_task_set_task_data (task, data, open_data_free);

  escaped = g_uri_escape_string (sha256, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/documents/%s", escaped);
  kvota_client_download_async (client, path, cancellable, downloaded_cb, g_steal_pointer (&task));
}

gboolean
kvota_admin_document_open_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
