/* kvota-statement-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-statement-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-csv.h"
#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-statement-export.h"

/* “Export Statement…”: the account's completed transactions saved as a
 * CSV file, with the columns of the registry's statement
 * (GET /api/v1/accounts/{account}/statement):
 * id,date,kind,counterparty,unit_type,vintage,quantity_in,quantity_out,price_tiyn,reference.
 *
 * The client's requests read JSON replies only, so the rows come from the
 * history (GET /api/v1/transactions?account=…&state=completed), a page at
 * a time, and are written in the statement's order, oldest completion
 * first. The file is written asynchronously; the window never waits. The
 * export lives as long as its work, holding the widget it reports to. */

typedef struct
{
  GtkWidget            *parent;
  KvotaClient          *client;
  GCancellable         *cancellable;
  char                 *account;
  GFile                *file;
  GPtrArray            *transactions;   /* of KvotaTransaction */
  GtkFileChooserNative *chooser;
  gulong                destroy_id;
} Export;

static void
export_free (Export *export)
{
  g_cancellable_cancel (export->cancellable);
  g_clear_signal_handler (&export->destroy_id, export->parent);
  g_clear_object (&export->parent);
  g_clear_object (&export->client);
  g_clear_object (&export->cancellable);
  g_clear_object (&export->file);
  g_clear_object (&export->chooser);
  g_clear_pointer (&export->account, g_free);
  g_clear_pointer (&export->transactions, g_ptr_array_unref);
  g_free (export);
}

static void
toast (Export     *export,
       const char *message)
{
  gtk_widget_activate_action (export->parent, "win.show-toast", "s", message);
}

static void
fail (Export       *export,
      const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !kvota_client_error_is_session_end (error))
    toast (export, error->message);

  export_free (export);
}

static GDateTime *
completed_at (const KvotaTransaction *transaction)
{
  return transaction->decided != NULL ? transaction->decided : transaction->created;
}

static int
compare_completion (gconstpointer a,
                    gconstpointer b)
{
  const KvotaTransaction *ta = *(const KvotaTransaction * const *) a;
  const KvotaTransaction *tb = *(const KvotaTransaction * const *) b;
  GDateTime *da = completed_at (ta);
  GDateTime *db = completed_at (tb);
  int order = 0;

  if (da != NULL && db != NULL)
    order = g_date_time_compare (da, db);

  return order != 0 ? order : (ta->id < tb->id ? -1 : ta->id > tb->id);
}

static GBytes *
build_csv (Export *export)
{
  GString *csv = g_string_new ("id,date,kind,counterparty,unit_type,vintage,quantity_in,quantity_out,price_tiyn,reference\n");

  g_ptr_array_sort (export->transactions, compare_completion);

  /* Line by line as the registry writes its statement, through the same
   * field writer, which also keeps spreadsheets from running a reference
   * as a formula. */
  for (guint i = 0; i < export->transactions->len; i++)
    {
      const KvotaTransaction *t = g_ptr_array_index (export->transactions, i);
      gboolean incoming = g_strcmp0 (t->to_account, export->account) == 0;
      g_autofree char *date = NULL;

      if (completed_at (t) != NULL)
        date = g_date_time_format (completed_at (t), "%Y-%m-%d");

      g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%s,%s,", t->id, date ? date : "",
                              kvota_transaction_kind_to_string (t->kind));
      kvota_csv_append_field (csv, incoming ? t->from_account : t->to_account);
      g_string_append_printf (csv, ",%s,%d,", kvota_unit_type_to_string (t->unit_type), t->vintage);
      if (incoming)
        g_string_append_printf (csv, "%" G_GINT64_FORMAT ",,", t->quantity);
      else
        g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",", t->quantity);
      if (t->price >= 0)
        g_string_append_printf (csv, "%" G_GINT64_FORMAT, t->price);
      g_string_append_c (csv, ',');
      kvota_csv_append_field (csv, t->reference);
      g_string_append_c (csv, '\n');
    }

  return g_string_free_to_bytes (csv);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autoptr(GError) described = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          export_free (export);
          return;
        }

      /* Translators: %s is the system's reason, such as “Permission denied”. */
      described = g_error_new (error->domain, error->code,
                               _("Could not save the statement: %s"), error->message);
      fail (export, described);
      return;
    }

  name = g_file_get_basename (export->file);
  /* Translators: %s is a file name. */
  message = g_strdup_printf (_("The statement is saved as “%s”."), name);
  toast (export, message);
  export_free (export);
}

static void load_page (Export *export,
                       gint64  after);

static void
page_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) page = NULL;
  JsonNode *next;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);
  if (root == NULL)
    {
      fail (export, error);
      return;
    }

  page = kvota_json_read_list (root, "transactions",
                               (KvotaJsonDecodeFunc) kvota_transaction_from_json,
                               (GDestroyNotify) kvota_transaction_free, NULL);
  if (page == NULL)
    goto invalid;
  g_ptr_array_extend_and_steal (export->transactions, g_steal_pointer (&page));

  next = json_object_get_member (json_node_get_object (root), "next");
  if (next != NULL && JSON_NODE_HOLDS_VALUE (next) && json_node_get_value_type (next) == G_TYPE_INT64)
    {
      load_page (export, json_node_get_int (next));
      return;
    }

  bytes = build_csv (export);
  g_file_replace_contents_bytes_async (export->file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       export->cancellable, written_cb, export);
  return;

invalid:
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               kvota_error_code_describe (KVOTA_ERROR_FAILED));
  fail (export, error);
}

static void
load_page (Export *export,
           gint64  after)
{
  g_autofree char *account = g_uri_escape_string (export->account, NULL, FALSE);
  g_autofree char *path = NULL;

  path = g_strdup_printf ("/api/v1/transactions?account=%s&state=completed&limit=500&after=%" G_GINT64_FORMAT,
                          account, after);
  kvota_client_request_async (export->client, "GET", path, NULL, export->cancellable,
                              page_loaded_cb, export);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  Export *export = user_data;

  if (response != GTK_RESPONSE_ACCEPT ||
      (export->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) == NULL)
    {
      export_free (export);
      return;
    }

  toast (export, _("Exporting the statement…"));
  load_page (export, 0);
}

static void
parent_destroyed_cb (GtkWidget *parent,
                     gpointer   user_data)
{
  Export *export = user_data;

  /* The page is going: stop. While the file chooser is open no
   * callback is on its way, so the export ends here; otherwise the
   * cancelled callback ends it. */
  g_cancellable_cancel (export->cancellable);
  if (export->file == NULL && export->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (export->chooser, export);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (export->chooser));
      export_free (export);
    }
}

/**
 * kvota_statement_export:
 * @parent: the page asking; toasts go to its window
 * @client: the signed-in client
 * @account: the account whose statement to save
 *
 * Asks where to save the statement, then loads and writes it.
 */
void
kvota_statement_export (GtkWidget   *parent,
                        KvotaClient *client,
                        const char  *account)
{
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;
  GtkRoot *root;
  Export *export;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (KVOTA_IS_CLIENT (client));
  g_return_if_fail (account != NULL);

  export = g_new0 (Export, 1);
  export->parent = g_object_ref (parent);
  export->client = g_object_ref (client);
  export->cancellable = g_cancellable_new ();
  export->account = g_strdup (account);
  export->transactions = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_transaction_free);
  export->destroy_id = g_signal_connect (parent, "destroy", G_CALLBACK (parent_destroyed_cb), export);

#ifdef KVOTA_DEVELOPMENT
  /* Development builds only: KVOTA_STATEMENT_FILE saves there without
   * asking, for UI tests, where no one answers a file chooser. */
  if (g_getenv ("KVOTA_STATEMENT_FILE") != NULL)
    {
      export->file = g_file_new_for_path (g_getenv ("KVOTA_STATEMENT_FILE"));
      load_page (export, 0);
      return;
    }
#endif

  root = gtk_widget_get_root (parent);
  export->chooser = gtk_file_chooser_native_new (_("Export Statement"),
                                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 GTK_FILE_CHOOSER_ACTION_SAVE,
                                                 _("_Save"),
                                                 _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (export->chooser), TRUE);

  /* Translators: the suggested file name of a statement: the account
   * number and today's date; keep the .csv. */
  name = g_strdup_printf (_("Statement %s %s.csv"), account, date);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (export->chooser), name);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (export->chooser), filter);

  g_signal_connect (export->chooser, "response", G_CALLBACK (chooser_response_cb), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (export->chooser));
}
