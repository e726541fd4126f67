/* kvota-transfer-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-transfer-dialog"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-trading-money.h"
#include "kvota-trading-rows.h"
#include "kvota-transfer-dialog.h"
#include "kvota-transfer-document.h"

/* Proposing a transfer with the documents that confirm the deal: a
 * broker or trader selling from a client's sale order, or an individual
 * or trading company selling from its own account. Documents come from
 * the file chooser or are dropped onto the dialog, and are read in the
 * background while the user fills in the rest. The registry may refuse
 * the proposal; the dialog then says why and keeps everything, documents
 * included, for another try. */

#define MAX_DOCUMENTS 10

struct _KvotaTransferDialog
{
  AdwWindow              parent_instance;

  KvotaClient           *client;
  GCancellable          *cancellable;
  KvotaTradingOrder     *order;       /* selling from a sale order, or */
  char                  *account;     /* from the holder's own account */
  GArray                *choices;     /* of KvotaHolding, as holding_row lists them */
  GListStore            *documents;
  GtkFileChooserNative  *chooser;
  guint                  pulse_id;
  gboolean               sending;

  /* Template widgets */
  GtkWidget             *content_box;
  GtkButton             *submit_button;
  GtkRevealer           *progress_revealer;
  GtkLabel              *progress_label;
  GtkProgressBar        *progress_bar;
  AdwPreferencesPage    *preferences_page;
  AdwActionRow          *order_row;
  AdwComboRow           *holding_row;
  AdwEntryRow           *buyer_row;
  AdwEntryRow           *quantity_row;
  AdwEntryRow           *price_row;
  AdwEntryRow           *date_row;
  GtkCalendar           *calendar;
  GtkMenuButton         *calendar_button;
  AdwEntryRow           *reference_row;
  GtkWidget             *add_button;
  GtkListBox            *documents_list;
  GtkLabel              *error_label;
};

G_DEFINE_FINAL_TYPE (KvotaTransferDialog, kvota_transfer_dialog, ADW_TYPE_WINDOW)

enum {
  PROPOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_submit (KvotaTransferDialog *self);
static void submit        (KvotaTransferDialog *self);

static void
show_error (KvotaTransferDialog *self,
            const char          *message,
            GtkWidget           *row)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);

  if (row != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_grab_focus (row);
    }
  else if (message != NULL)
    {
      /* Scroll the message into view: it sits below the documents. */
      gtk_widget_grab_focus (GTK_WIDGET (self->error_label));
    }
}

static void
clear_errors (KvotaTransferDialog *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->buyer_row), GTK_WIDGET (self->quantity_row), GTK_WIDGET (self->price_row),
    GTK_WIDGET (self->date_row), GTK_WIDGET (self->reference_row), GTK_WIDGET (self->holding_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static GtkWidget *
row_for_field (KvotaTransferDialog *self,
               const char          *field)
{
  if (field == NULL)
    return NULL;
  if (g_str_equal (field, "to_account"))
    return GTK_WIDGET (self->buyer_row);
  if (g_str_equal (field, "quantity"))
    return GTK_WIDGET (self->quantity_row);
  if (g_str_equal (field, "price_tiyn"))
    return GTK_WIDGET (self->price_row);
  if (g_str_equal (field, "deal_date"))
    return GTK_WIDGET (self->date_row);
  if (g_str_equal (field, "reference"))
    return GTK_WIDGET (self->reference_row);
  if (g_str_equal (field, "vintage") || g_str_equal (field, "unit_type"))
    return self->order == NULL ? GTK_WIDGET (self->holding_row) : NULL;
  return NULL;
}

static gboolean
pulse_cb (gpointer user_data)
{
  KvotaTransferDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_sending (KvotaTransferDialog *self,
             gboolean             sending)
{
  self->sending = sending;

  /* The registry's API reports no upload progress: the bar says the
   * work goes on, and Cancel stays to stop it. */
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (sending)
    {
      gtk_label_set_label (self->progress_label, _("Sending the transfer and its documents to the registry…"));
      self->pulse_id = g_timeout_add (120, pulse_cb, self);
    }

  gtk_revealer_set_reveal_child (self->progress_revealer, sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->preferences_page), !sending);
  update_submit (self);
}

static guint
count_documents (KvotaTransferDialog *self,
                 guint               *n_ready)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->documents));

  *n_ready = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KvotaTransferDocument) document = g_list_model_get_item (G_LIST_MODEL (self->documents), i);

      if (kvota_transfer_document_get_base64 (document) != NULL)
        (*n_ready)++;
    }

  return n;
}

static void
update_submit (KvotaTransferDialog *self)
{
  guint n_ready;
  guint n = count_documents (self, &n_ready);

  /* Every document must be read and fine: the user removes the ones the
   * dialog cannot send, rather than have them left out silently. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button),
                            !self->sending && n > 0 && n_ready == n &&
                            (self->order != NULL || self->choices != NULL));

  /* Say why the button waits. */
  if (n == 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->submit_button),
                                 _("Add at least one document that confirms the deal"));
  else if (n_ready < n)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->submit_button),
                                 _("Wait until the documents are read, and remove those that cannot be sent"));
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->submit_button), NULL);
  gtk_widget_set_sensitive (self->add_button, !self->sending && n < MAX_DOCUMENTS);
}

/* Documents */

static void
document_changed (KvotaTransferDialog   *self,
                  KvotaTransferDocument *document)
{
  guint position;

  /* The row shows what is known of the document: make it again. */
  if (g_list_store_find (self->documents, document, &position))
    g_list_store_splice (self->documents, position, 1, (gpointer *) &document, 1);

  update_submit (self);
}

static void
document_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KvotaTransferDocument *document = KVOTA_TRANSFER_DOCUMENT (object);
  g_autoptr(KvotaTransferDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_transfer_document_load_finish (document, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The registry keeps a document once, by its content: a second file
   * with the same bytes would be listed here and not go with the deal. */
  if (error == NULL)
    {
      GListModel *documents = G_LIST_MODEL (self->documents);

      for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
        {
          g_autoptr(KvotaTransferDocument) other = g_list_model_get_item (documents, i);
          guint position;

          if (other != document &&
              g_strcmp0 (kvota_transfer_document_get_sha256 (other), kvota_transfer_document_get_sha256 (document)) == 0 &&
              g_list_store_find (self->documents, document, &position))
            {
              g_autofree char *message = NULL;

              /* Translators: both are file names. */
              message = g_strdup_printf (_("“%s” holds the same document as “%s”, which is added already."),
                                         kvota_transfer_document_get_name (document),
                                         kvota_transfer_document_get_name (other));
              g_list_store_remove (self->documents, position);
              update_submit (self);
              show_error (self, message, NULL);
              return;
            }
        }
    }

  document_changed (self, document);

#ifdef KVOTA_DEVELOPMENT
  if (g_strcmp0 (g_getenv ("KVOTA_TRANSFER_SUBMIT"), "1") == 0 &&
      gtk_widget_get_sensitive (GTK_WIDGET (self->submit_button)))
    submit (self);
#endif
}

static char *
describe_size (gsize size)
{
  return g_format_size (size);
}

static void
remove_document_cb (GtkButton           *button,
                    KvotaTransferDialog *self)
{
  KvotaTransferDocument *document = g_object_get_data (G_OBJECT (button), "kvota-document");
  guint position;

  if (document != NULL && g_list_store_find (self->documents, document, &position))
    {
      g_list_store_remove (self->documents, position);
      update_submit (self);
      gtk_widget_grab_focus (self->add_button);
    }
}

static GtkWidget *
create_document_row (gpointer item,
                     gpointer user_data)
{
  KvotaTransferDialog *self = user_data;
  KvotaTransferDocument *document = item;
  const GError *error = kvota_transfer_document_get_error (document);
  g_autofree char *remove_label = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *button;

  row = kvota_trading_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kvota_transfer_document_get_name (document));

  if (error != NULL)
    {
      subtitle = g_strdup (error->message);
      gtk_widget_add_css_class (row, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
    }
  else if (!kvota_transfer_document_get_loaded (document))
    {
      GtkWidget *spinner = gtk_spinner_new ();

      gtk_spinner_start (GTK_SPINNER (spinner));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), spinner);
      subtitle = g_strdup (_("Reading…"));
    }
  else
    {
      g_autofree char *size = describe_size (kvota_transfer_document_get_size (document));

      /* Translators: a document's format and size, such as “PDF · 1.2 MB”. */
      subtitle = g_strdup_printf (_("%s · %s"), kvota_transfer_document_get_kind (document), size);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (g_str_equal (kvota_transfer_document_get_kind (document), "PDF")
                                                               ? "x-office-document-symbolic"
                                                               : "image-x-generic-symbolic"));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: the accessible label of the button that removes a
   * document from a transfer; %s is the file name. */
  remove_label = g_strdup_printf (_("Remove %s"), kvota_transfer_document_get_name (document));
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "kvota-document", g_object_ref (document), g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_document_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

/**
 * kvota_transfer_dialog_add_file:
 * @self: a #KvotaTransferDialog
 * @file: a document
 *
 * Adds a confirming document, unless the transfer has ten already or
 * has this file.
 */
void
kvota_transfer_dialog_add_file (KvotaTransferDialog *self,
                                GFile               *file)
{
  g_autoptr(KvotaTransferDocument) document = NULL;
  guint n;

  g_return_if_fail (KVOTA_IS_TRANSFER_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->sending)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KvotaTransferDocument) other = g_list_model_get_item (G_LIST_MODEL (self->documents), i);

      if (g_file_equal (kvota_transfer_document_get_file (other), file))
        return;
    }

  if (n >= MAX_DOCUMENTS)
    {
      show_error (self, _("A transfer takes at most ten documents. Remove one to add another."), NULL);
      return;
    }

  document = kvota_transfer_document_new (file);
  g_list_store_append (self->documents, document);
  kvota_transfer_document_load_async (document, self->cancellable,
                                      document_loaded_cb, g_object_ref (self));
  update_submit (self);
}

static void
chooser_response_cb (KvotaTransferDialog  *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          kvota_transfer_dialog_add_file (self, file);
        }
    }

  g_clear_object (&self->chooser);
}

static void
add_button_clicked_cb (KvotaTransferDialog *self,
                       GtkButton           *button)
{
  g_autoptr(GtkFileFilter) filter = NULL;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Add Confirming Documents"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Add"),
                                               _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PDF, PNG and JPEG Documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
drop_cb (GtkDropTarget       *target,
         const GValue        *value,
         double               x,
         double               y,
         KvotaTransferDialog *self)
{
  if (self->sending)
    return FALSE;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      for (GSList *l = files; l != NULL; l = l->next)
        kvota_transfer_dialog_add_file (self, l->data);
      g_slist_free (files);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      kvota_transfer_dialog_add_file (self, g_value_get_object (value));
      return TRUE;
    }

  return FALSE;
}

/* Submitting */

static void
proposed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KvotaTransferDialog) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_sending (self, FALSE);

  if (reply == NULL)
    {
      show_error (self, error->message,
                  error->domain == KVOTA_ERROR ? row_for_field (self, kvota_error_get_field (error)) : NULL);
      return;
    }

  g_signal_emit (self, signals[PROPOSED], 0, reply);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
valid_date (const char *text)
{
  guint year, month, day;
  char extra;

  if (sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &extra) != 3 || strlen (text) != 10)
    return FALSE;

  return g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

static void
submit (KvotaTransferDialog *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buyer = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *path = NULL;
  const KvotaHolding *holding = NULL;
  const char *price_text;
  const char *date;
  const char *reference;
  KvotaQuantity quantity;
  KvotaQuantity limit;
  gint64 price = -1;
  guint n;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->submit_button)))
    return;

  clear_errors (self);

  if (self->order == NULL)
    {
      guint selected = adw_combo_row_get_selected (self->holding_row);

      if (self->choices == NULL || selected >= self->choices->len)
        {
          show_error (self, _("Choose the units to sell."), GTK_WIDGET (self->holding_row));
          return;
        }
      holding = &g_array_index (self->choices, KvotaHolding, selected);
      limit = holding->available;
    }
  else
    limit = kvota_trading_order_get_order (self->order)->reserved;

  typed = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->buyer_row)));
  buyer = g_ascii_strup (g_strstrip (typed), -1);
  if (buyer[0] == '\0')
    {
      show_error (self, _("Enter the account number of the buyer, such as KZ-100-000005."),
                  GTK_WIDGET (self->buyer_row));
      return;
    }

  if (!kvota_quantity_parse (gtk_editable_get_text (GTK_EDITABLE (self->quantity_row)), &quantity, NULL) ||
      quantity <= 0)
    {
      show_error (self, _("Enter the number of tonnes as a whole number greater than zero."),
                  GTK_WIDGET (self->quantity_row));
      return;
    }

  if (quantity > limit)
    {
      g_autofree char *limit_text = kvota_format_quantity (limit);
      g_autofree char *message = NULL;

      /* Translators: %s is a number of tonnes, such as 12 000. */
      message = g_strdup_printf (_("At most %s t can be sold from these units."), limit_text);
      show_error (self, message, GTK_WIDGET (self->quantity_row));
      return;
    }

  price_text = gtk_editable_get_text (GTK_EDITABLE (self->price_row));
  if (price_text[0] != '\0')
    {
      if (!kvota_trading_parse_tenge (price_text, &price, &error))
        {
          show_error (self, error->message, GTK_WIDGET (self->price_row));
          return;
        }
    }
  else if (self->order != NULL)
    {
      show_error (self, _("Enter the price per unit agreed in the deal."), GTK_WIDGET (self->price_row));
      return;
    }

  if (self->order != NULL && kvota_trading_order_get_order (self->order)->min_price > price)
    {
      g_autofree char *minimum = kvota_trading_format_tiyn (kvota_trading_order_get_order (self->order)->min_price);
      g_autofree char *message = NULL;

      /* Translators: %s is a price, such as 1 500,00 ₸. */
      message = g_strdup_printf (_("The price is below the seller’s minimum of %s per unit."), minimum);
      show_error (self, message, GTK_WIDGET (self->price_row));
      return;
    }

  date = gtk_editable_get_text (GTK_EDITABLE (self->date_row));
  if ((date[0] != '\0' || self->order != NULL) && !valid_date (date))
    {
      show_error (self, _("Enter the deal date as year, month and day, such as 2015-06-30."),
                  GTK_WIDGET (self->date_row));
      return;
    }

  reference = gtk_editable_get_text (GTK_EDITABLE (self->reference_row));

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  if (holding != NULL)
    {
      json_builder_set_member_name (builder, "from_account");
      json_builder_add_string_value (builder, self->account);
      json_builder_set_member_name (builder, "unit_type");
      json_builder_add_string_value (builder, kvota_unit_type_to_string (holding->unit_type));
      json_builder_set_member_name (builder, "vintage");
      json_builder_add_int_value (builder, holding->vintage);
    }
  json_builder_set_member_name (builder, "to_account");
  json_builder_add_string_value (builder, buyer);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, quantity);
  if (price >= 0)
    {
      json_builder_set_member_name (builder, "price_tiyn");
      json_builder_add_int_value (builder, price);
    }
  if (date[0] != '\0')
    {
      json_builder_set_member_name (builder, "deal_date");
      json_builder_add_string_value (builder, date);
    }
  if (reference[0] != '\0')
    {
      json_builder_set_member_name (builder, "reference");
      json_builder_add_string_value (builder, reference);
    }
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KvotaTransferDocument) document = g_list_model_get_item (G_LIST_MODEL (self->documents), i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, kvota_transfer_document_get_name (document));
      json_builder_set_member_name (builder, "data");
      json_builder_add_string_value (builder, kvota_transfer_document_get_base64 (document));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  if (self->order != NULL)
    path = g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/transfers",
                            kvota_trading_order_get_order (self->order)->id);
  else
    path = g_strdup ("/api/v1/transfers");

  set_sending (self, TRUE);
  kvota_client_request_async (self->client, "POST", path, body, self->cancellable,
                              proposed_cb, g_object_ref (self));
}

static void
submit_button_clicked_cb (KvotaTransferDialog *self,
                          GtkButton           *button)
{
  submit (self);
}

static void
row_changed_cb (KvotaTransferDialog *self,
                GtkEditable         *editable)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

static void
calendar_day_selected_cb (KvotaTransferDialog *self,
                          GtkCalendar         *calendar)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), text);
  gtk_menu_button_popdown (self->calendar_button);
}

static void
close_request_cancel (KvotaTransferDialog *self)
{
  /* Closing while sending stops the upload: the user decided against
   * it, and the registry refuses a body cut short. */
  g_cancellable_cancel (self->cancellable);
}

static gboolean
kvota_transfer_dialog_close_request (GtkWindow *window)
{
  close_request_cancel (KVOTA_TRANSFER_DIALOG (window));

  return GTK_WINDOW_CLASS (kvota_transfer_dialog_parent_class)->close_request (window);
}

static void
kvota_transfer_dialog_dispose (GObject *object)
{
  KvotaTransferDialog *self = (KvotaTransferDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->client);
  g_clear_object (&self->order);
  g_clear_object (&self->documents);
  g_clear_pointer (&self->choices, g_array_unref);
  g_clear_pointer (&self->account, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_TRANSFER_DIALOG);

  G_OBJECT_CLASS (kvota_transfer_dialog_parent_class)->dispose (object);
}

static void
add_documents_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  add_button_clicked_cb (KVOTA_TRANSFER_DIALOG (widget), NULL);
}

static void
kvota_transfer_dialog_class_init (KvotaTransferDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kvota_transfer_dialog_dispose;
  window_class->close_request = kvota_transfer_dialog_close_request;

  /**
   * KvotaTransferDialog::proposed:
   * @reply: the registry's reply, `{"transaction"}`
   *
   * The transfer is proposed; the dialog closes.
   */
  signals[PROPOSED] =
    g_signal_new ("proposed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, content_box);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, submit_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, order_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, holding_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, buyer_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, quantity_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, price_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, calendar_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, reference_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, documents_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransferDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, submit_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_button_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "transfer.add-documents", NULL, add_documents_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "transfer.add-documents", NULL);
}

static void
kvota_transfer_dialog_init (KvotaTransferDialog *self)
{
  g_autoptr(GtkExpression) expression = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *today_text = g_date_time_format (today, "%Y-%m-%d");
  GtkDropTarget *target;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->documents = g_list_store_new (KVOTA_TYPE_TRANSFER_DOCUMENT);

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  adw_combo_row_set_expression (self->holding_row, expression);

  gtk_list_box_bind_model (self->documents_list, G_LIST_MODEL (self->documents),
                           create_document_row, self, NULL);
  placeholder = gtk_label_new (_("No documents yet. Drop PDF, PNG or JPEG files here, or add them."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 24);
  gtk_widget_set_margin_bottom (placeholder, 24);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->documents_list, placeholder);

  /* Files dropped anywhere on the dialog are documents of the deal. */
  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (self->content_box, GTK_EVENT_CONTROLLER (target));

  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today_text);
  gtk_calendar_select_day (self->calendar, today);
}

static KvotaTransferDialog *
dialog_new (GtkWidget   *parent,
            KvotaClient *client)
{
  KvotaTransferDialog *self = g_object_new (KVOTA_TYPE_TRANSFER_DIALOG, NULL);
  GtkRoot *root;

  self->client = g_object_ref (client);
  if ((root = gtk_widget_get_root (parent)) != NULL && GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));

#ifdef KVOTA_DEVELOPMENT
  {
    /* Development builds only, for screenshots and UI tests, where no
     * one drags files: KVOTA_TRANSFER_FILES adds documents (paths split
     * by colons), KVOTA_TRANSFER_BUYER, KVOTA_UNITS_QUANTITY and
     * KVOTA_TRANSFER_PRICE fill the buyer, quantity and price, and
     * KVOTA_TRANSFER_SUBMIT=1 proposes once the documents are read. */
    const char *files = g_getenv ("KVOTA_TRANSFER_FILES");
    const char *buyer = g_getenv ("KVOTA_TRANSFER_BUYER");

    if (files != NULL)
      {
        g_auto(GStrv) paths = g_strsplit (files, ":", -1);

        for (guint i = 0; paths[i] != NULL; i++)
          {
            g_autoptr(GFile) file = g_file_new_for_path (paths[i]);

            kvota_transfer_dialog_add_file (self, file);
          }
      }
    if (buyer != NULL)
      gtk_editable_set_text (GTK_EDITABLE (self->buyer_row), buyer);
    if (g_getenv ("KVOTA_UNITS_QUANTITY") != NULL)
      gtk_editable_set_text (GTK_EDITABLE (self->quantity_row), g_getenv ("KVOTA_UNITS_QUANTITY"));
    if (g_getenv ("KVOTA_TRANSFER_PRICE") != NULL)
      gtk_editable_set_text (GTK_EDITABLE (self->price_row), g_getenv ("KVOTA_TRANSFER_PRICE"));
  }
#endif

  return self;
}

/**
 * kvota_transfer_dialog_new_for_order:
 * @parent: a widget of the window the dialog belongs to
 * @client: the signed-in client of a broker or trader
 * @order: the client's sale order to sell from
 *
 * Returns: (transfer none): the dialog, to be presented
 */
KvotaTransferDialog *
kvota_transfer_dialog_new_for_order (GtkWidget         *parent,
                                     KvotaClient       *client,
                                     KvotaTradingOrder *order)
{
  KvotaTransferDialog *self;
  const KvotaSaleOrder *o;
  g_autofree char *units = NULL;
  g_autofree char *reserved = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *quantity = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KVOTA_IS_TRADING_ORDER (order), NULL);

  self = dialog_new (parent, client);
  self->order = g_object_ref (order);
  o = kvota_trading_order_get_order (order);

  gtk_window_set_title (GTK_WINDOW (self), _("Propose a Sale"));
  gtk_button_set_label (self->submit_button, _("_Propose Sale"));
  gtk_widget_set_visible (GTK_WIDGET (self->holding_row), FALSE);

  units = kvota_trading_describe_units (o->unit_type, o->vintage);
  reserved = kvota_format_quantity (o->reserved);
  if (o->min_price >= 0)
    {
      g_autofree char *minimum = kvota_trading_format_tiyn (o->min_price);

      /* Translators: a sale order: the units, such as “Quotas, vintage
       * 2015”, the tonnes still for sale and the seller's minimum price. */
      subtitle = g_strdup_printf (_("%s · for sale: %s t · minimum %s per unit"), units, reserved, minimum);
    }
  else
    /* Translators: a sale order: the units, such as “Quotas, vintage
     * 2015”, and the tonnes still for sale. */
    subtitle = g_strdup_printf (_("%s · for sale: %s t"), units, reserved);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->order_row),
                                 o->organisation_name ? o->organisation_name : "");
  adw_action_row_set_subtitle (self->order_row, subtitle);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->price_row), _("Price per Unit, Tenge"));

  quantity = g_strdup_printf ("%" G_GINT64_FORMAT, o->reserved);
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_row), quantity);

  update_submit (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->buyer_row));

  return self;
}

/**
 * kvota_transfer_dialog_new_for_account:
 * @parent: a widget of the window the dialog belongs to
 * @client: the signed-in client of an individual or trading company
 * @account: its account
 * @holdings: (nullable): the account's holdings, of #KvotaHolding
 *
 * Returns: (transfer none): the dialog, to be presented
 */
KvotaTransferDialog *
kvota_transfer_dialog_new_for_account (GtkWidget   *parent,
                                       KvotaClient *client,
                                       const char  *account,
                                       GArray      *holdings)
{
  KvotaTransferDialog *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GArray) choices = g_array_new (FALSE, FALSE, sizeof (KvotaHolding));

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = dialog_new (parent, client);
  self->account = g_strdup (account);

  gtk_window_set_title (GTK_WINDOW (self), _("New Transfer"));
  gtk_widget_set_visible (GTK_WIDGET (self->order_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->price_row), _("Price per Unit, Tenge (Optional)"));

  for (guint i = 0; holdings != NULL && i < holdings->len; i++)
    {
      const KvotaHolding *holding = &g_array_index (holdings, KvotaHolding, i);
      g_autofree char *units = NULL;
      g_autofree char *available = NULL;
      g_autofree char *name = NULL;

      if (holding->available <= 0)
        continue;

      units = kvota_trading_describe_units (holding->unit_type, holding->vintage);
      available = kvota_format_quantity (holding->available);
      /* Translators: a choice of units; the first %s is such as
       * “Quotas, vintage 2015”, the second a number of tonnes. */
      name = g_strdup_printf (_("%s — %s t available"), units, available);
      gtk_string_list_append (names, name);
      g_array_append_val (choices, *holding);
    }

  adw_combo_row_set_model (self->holding_row, G_LIST_MODEL (names));
  if (choices->len > 0)
    self->choices = g_steal_pointer (&choices);
  else
    show_error (self, _("The account has no available units to transfer."), NULL);

  update_submit (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->buyer_row));

  return self;
}
