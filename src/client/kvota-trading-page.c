/* kvota-trading-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-pages.h"
#include "kvota-statement-export.h"
#include "kvota-trading-order.h"
#include "kvota-trading-page.h"
#include "kvota-trading-request.h"
#include "kvota-trading-rows.h"
#include "kvota-trading-units-dialog.h"
#include "kvota-transfer-dialog.h"

/* What a holder does with its units besides keeping them. A nature user
 * sells and buys only through the broker or trader it chose: the page
 * shows that intermediary and the ones before it, the quotas it signed
 * for sale and its buy requests. An individual or trading company
 * proposes transfers from its own account with the confirming documents,
 * and follows them until the administrator decides. Both may cancel units
 * voluntarily and export the account's statement. Accountants see the
 * same, with none of the buttons that change anything. */

struct _KvotaTradingPage
{
  GtkWidget            parent_instance;

  KvotaClient         *client;
  GCancellable        *cancellable;
  gboolean             requested;
  gboolean             has_content;
  guint                n_loading;
  GError              *load_error;

  GArray              *holdings;         /* of KvotaHolding */
  gint64               intermediary_id;  /* of the mandate in force, or 0 */
  char                *intermediary_name;
  GPtrArray           *history_rows;
  GListStore          *orders;
  GListStore          *requests;
  GListStore          *transfers;        /* of KvotaTradingTransfer */
  GtkCustomFilter     *closed_filter;

  /* Template widgets */
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  GtkLabel            *account_label;
  GtkLabel            *available_label;
  GtkWidget           *statement_button;
  GtkWidget           *cancel_button;
  GtkWidget           *intermediary_group;
  GtkWidget           *change_button;
  AdwActionRow        *intermediary_row;
  AdwExpanderRow      *history_row;
  GtkWidget           *orders_group;
  GtkCheckButton      *show_closed_button;
  GtkWidget           *sign_button;
  GtkListBox          *orders_list;
  GtkWidget           *requests_group;
  GtkWidget           *request_button;
  GtkListBox          *requests_list;
  GtkWidget           *transfers_group;
  GtkWidget           *transfer_button;
  GtkListBox          *transfers_list;
};

G_DEFINE_FINAL_TYPE (KvotaTradingPage, kvota_trading_page, GTK_TYPE_WIDGET)

static void reload (KvotaTradingPage *self);

/* A proposed transfer of the account, as an item of the transfers list. */
#define KVOTA_TYPE_TRADING_TRANSFER (kvota_trading_transfer_get_type ())
G_DECLARE_FINAL_TYPE (KvotaTradingTransfer, kvota_trading_transfer, KVOTA, TRADING_TRANSFER, GObject)

struct _KvotaTradingTransfer
{
  GObject           parent_instance;
  KvotaTransaction *transaction;
};

G_DEFINE_FINAL_TYPE (KvotaTradingTransfer, kvota_trading_transfer, G_TYPE_OBJECT)

static void
kvota_trading_transfer_finalize (GObject *object)
{
  g_clear_pointer (&KVOTA_TRADING_TRANSFER (object)->transaction, kvota_transaction_free);
  G_OBJECT_CLASS (kvota_trading_transfer_parent_class)->finalize (object);
}

static void
kvota_trading_transfer_class_init (KvotaTradingTransferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kvota_trading_transfer_finalize;
}

static void
kvota_trading_transfer_init (KvotaTradingTransfer *self)
{
}

static const KvotaUser *
get_user (KvotaTradingPage *self)
{
  return self->client != NULL ? kvota_client_get_user (self->client) : NULL;
}

static gboolean
is_nature_user (KvotaTradingPage *self)
{
  const KvotaUser *user = get_user (self);

  return user != NULL && user->organisation->holder_type == KVOTA_HOLDER_TYPE_NATURE_USER;
}

static gboolean
acts (KvotaTradingPage *self)
{
  const KvotaUser *user = get_user (self);

  return user != NULL && kvota_user_acts (user);
}

static void
toast (KvotaTradingPage *self,
       const char       *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static void
show (KvotaTradingPage *self,
      const char       *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
report_error (KvotaTradingPage *self,
              const GError     *error)
{
  /* The window has taken the user to the login page already. */
  if (kvota_client_error_is_session_end (error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  toast (self, error->message);
}

static GError *
bad_reply (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                              kvota_error_code_describe (KVOTA_ERROR_FAILED));
}

/* Loading: the parts of the page come in parallel, and the page shows
 * once all are in. The first failure is what the user reads. */

static void
part_failed (KvotaTradingPage *self,
             GError           *error)
{
  if (self->load_error == NULL)
    self->load_error = error;
  else
    g_error_free (error);
}

#ifdef KVOTA_DEVELOPMENT
/* Development builds only: KVOTA_TRADING_OPEN names a page action to
 * run once the page has loaded (sign-for-sale, new-request,
 * change-intermediary, new-transfer, cancel-units, export-statement,
 * withdraw-order:ID, withdraw-request:ID), or show-closed, so
 * that screenshots and UI tests reach the dialogs. */
static void
run_development_hook (KvotaTradingPage *self)
{
  static gboolean done;
  const char *name = g_getenv ("KVOTA_TRADING_OPEN");
  g_autofree char *action = NULL;

  if (done || name == NULL || name[0] == '\0')
    return;
  done = TRUE;

  if (g_str_equal (name, "show-closed"))
    {
      gtk_check_button_set_active (self->show_closed_button, TRUE);
      return;
    }

  /* “withdraw-order:76” passes the order's id. */
  if (strchr (name, ':') != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (name, ":", 2);

      action = g_strconcat ("page.", parts[0], NULL);
      gtk_widget_activate_action (GTK_WIDGET (self), action, "x", g_ascii_strtoll (parts[1], NULL, 10));
      return;
    }

  action = g_strconcat ("page.", name, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
}
#endif

static void
part_loaded (KvotaTradingPage *self)
{
  g_assert (self->n_loading > 0);

  if (--self->n_loading > 0)
    return;

  if (self->load_error != NULL)
    {
      g_autoptr(GError) error = g_steal_pointer (&self->load_error);

      if (kvota_client_error_is_session_end (error))
        {
          self->requested = FALSE;
          return;
        }

      if (self->has_content)
        {
          toast (self, error->message);
          return;
        }

      adw_status_page_set_description (self->error_page, error->message);
      show (self, "error");
      return;
    }

  self->has_content = TRUE;
  show (self, "content");

#ifdef KVOTA_DEVELOPMENT
  run_development_hook (self);
#endif
}

static gboolean
finish (KvotaTradingPage  *self,
        GObject           *object,
        GAsyncResult      *result,
        JsonNode         **root)
{
  g_autoptr(GError) error = NULL;

  *root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (*root == NULL)
    {
      part_failed (self, g_steal_pointer (&error));
      part_loaded (self);
      return FALSE;
    }

  return TRUE;
}

static void
account_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) holdings = g_array_new (FALSE, FALSE, sizeof (KvotaHolding));
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;
  KvotaQuantity total = 0;
  JsonArray *array;

  if (!finish (self, object, result, &root))
    return;

  if ((array = kvota_json_get_array (root, "holdings")) == NULL)
    {
      part_failed (self, bad_reply ());
      part_loaded (self);
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaHolding holding;

      if (!kvota_holding_from_json (json_array_get_element (array, i), &holding, NULL) ||
          !kvota_quantity_add (total, holding.available, &total, NULL))
        {
          part_failed (self, bad_reply ());
          part_loaded (self);
          return;
        }
      g_array_append_val (holdings, holding);
    }

  g_clear_pointer (&self->holdings, g_array_unref);
  self->holdings = g_steal_pointer (&holdings);

  total_text = kvota_format_quantity (total);
  if (is_nature_user (self))
    /* Translators: %s is a number of tonnes, such as 1 252 950. */
    text = g_strdup_printf (_("%s t available to sell, surrender or cancel"), total_text);
  else
    /* Translators: %s is a number of tonnes, such as 1 252 950. */
    text = g_strdup_printf (_("%s t available to transfer or cancel"), total_text);
  gtk_label_set_label (self->available_label, text);

  part_loaded (self);
}

static void
clear_history (KvotaTradingPage *self)
{
  for (guint i = 0; i < self->history_rows->len; i++)
    adw_expander_row_remove (self->history_row, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);
}

static void
mandates_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) mandates = NULL;
  const KvotaMandate *current = NULL;

  if (!finish (self, object, result, &root))
    return;

  mandates = kvota_json_read_list (root, "mandates",
                                   (KvotaJsonDecodeFunc) kvota_mandate_from_json,
                                   (GDestroyNotify) kvota_mandate_free, NULL);
  if (mandates == NULL)
    goto invalid;

  for (guint i = 0; i < mandates->len; i++)
    {
      const KvotaMandate *mandate = g_ptr_array_index (mandates, i);

      if (mandate->ended == NULL && current == NULL)
        current = mandate;
    }

  clear_history (self);
  g_clear_pointer (&self->intermediary_name, g_free);
  self->intermediary_id = 0;

  if (current != NULL)
    {
      g_autofree char *since = kvota_format_date_time (current->started);
      g_autofree char *subtitle = NULL;

      self->intermediary_id = current->intermediary_id;
      self->intermediary_name = g_strdup (current->intermediary_name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->intermediary_row),
                                     current->intermediary_name ? current->intermediary_name : "");
      /* Translators: %s is a date and time. */
      subtitle = g_strdup_printf (_("Your intermediary since %s"), since);
      adw_action_row_set_subtitle (self->intermediary_row, subtitle);
      gtk_button_set_label (GTK_BUTTON (self->change_button), _("C_hange…"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->intermediary_row),
                                     _("No Intermediary Chosen"));
      adw_action_row_set_subtitle (self->intermediary_row,
                                   _("Choose a broker or trader before you sign quotas for sale or ask to buy."));
      gtk_button_set_label (GTK_BUTTON (self->change_button), _("C_hoose…"));
    }

  for (guint i = 0; i < mandates->len; i++)
    {
      const KvotaMandate *mandate = g_ptr_array_index (mandates, i);
      g_autofree char *started = NULL;
      g_autofree char *ended = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (mandate == current || mandate->ended == NULL)
        continue;

      started = kvota_format_date_time (mandate->started);
      ended = kvota_format_date_time (mandate->ended);
      /* Translators: when a mandate was in force: two dates and times. */
      subtitle = g_strdup_printf (_("From %s to %s"), started, ended);

      row = kvota_trading_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     mandate->intermediary_name ? mandate->intermediary_name : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_expander_row_add_row (self->history_row, row);
      g_ptr_array_add (self->history_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->history_row), self->history_rows->len > 0);

  part_loaded (self);
  return;

invalid:
  part_failed (self, bad_reply ());
  part_loaded (self);
}

static void
orders_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;

  if (!finish (self, object, result, &root))
    return;

  if (!kvota_trading_store_replace (self->orders, root))
    part_failed (self, bad_reply ());
  part_loaded (self);
}

static void
requests_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;

  if (!finish (self, object, result, &root))
    return;

  if (!kvota_trading_store_replace (self->requests, root))
    part_failed (self, bad_reply ());
  part_loaded (self);
}

static void
transfers_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  const KvotaUser *user = get_user (self);
  JsonArray *array;

  if (!finish (self, object, result, &root))
    return;

  if ((array = kvota_json_get_array (root, "transactions")) == NULL)
    goto invalid;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaTransaction *transaction = kvota_transaction_from_json (json_array_get_element (array, i), NULL);
      KvotaTradingTransfer *item;

      if (transaction == NULL)
        goto invalid;

      /* Only what leaves the account waits on the holder; what comes in
       * is the seller's to follow. */
      if (user == NULL || g_strcmp0 (transaction->from_account, user->organisation->account) != 0)
        {
          kvota_transaction_free (transaction);
          continue;
        }

      item = g_object_new (KVOTA_TYPE_TRADING_TRANSFER, NULL);
      item->transaction = transaction;
      g_ptr_array_add (items, item);
    }

  g_list_store_splice (self->transfers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->transfers)),
                       items->pdata, items->len);
  part_loaded (self);
  return;

invalid:
  part_failed (self, bad_reply ());
  part_loaded (self);
}

static void
reload (KvotaTradingPage *self)
{
  const KvotaUser *user = get_user (self);
  g_autofree char *account = NULL;
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;

  if (user == NULL || user->organisation->account == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->load_error);
  self->requested = TRUE;

  /* Translators: the heading of the trading page; %s is the account
   * number, such as KZ-100-000003. */
  title = g_strdup_printf (_("Account %s"), user->organisation->account);
  gtk_label_set_label (self->account_label, title);

  if (!self->has_content)
    show (self, "loading");

  account = g_uri_escape_string (user->organisation->account, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/accounts/%s", account);

  self->n_loading = 1;
  kvota_client_request_async (self->client, "GET", path, NULL, self->cancellable,
                              account_loaded_cb, g_object_ref (self));

  if (is_nature_user (self))
    {
      self->n_loading += 3;
      kvota_client_request_async (self->client, "GET", "/api/v1/mandates", NULL, self->cancellable,
                                  mandates_loaded_cb, g_object_ref (self));
      kvota_client_request_async (self->client, "GET", "/api/v1/sale-orders", NULL, self->cancellable,
                                  orders_loaded_cb, g_object_ref (self));
      kvota_client_request_async (self->client, "GET", "/api/v1/buy-requests", NULL, self->cancellable,
                                  requests_loaded_cb, g_object_ref (self));
    }
  else
    {
      g_autofree char *transfers_path = NULL;

      transfers_path = g_strdup_printf ("/api/v1/transactions?kind=transfer&state=proposed&limit=500&account=%s", account);
      self->n_loading += 1;
      kvota_client_request_async (self->client, "GET", transfers_path, NULL, self->cancellable,
                                  transfers_loaded_cb, g_object_ref (self));
    }
}

/* Rows */

static GtkWidget *
create_order_row (gpointer item,
                  gpointer user_data)
{
  KvotaTradingPage *self = user_data;

  return kvota_trading_order_row_new (item, FALSE,
                                      acts (self) ? _("_Withdraw…") : NULL,
                                      "page.withdraw-order");
}

static GtkWidget *
create_request_row (gpointer item,
                    gpointer user_data)
{
  KvotaTradingPage *self = user_data;

  return kvota_trading_request_row_new (item, FALSE,
                                        acts (self) ? _("_Withdraw…") : NULL,
                                        "page.withdraw-request");
}

static GtkWidget *
create_transfer_row (gpointer item,
                     gpointer user_data)
{
  KvotaTradingPage *self = user_data;

  return kvota_trading_transfer_row_new (KVOTA_TRADING_TRANSFER (item)->transaction,
                                         acts (self) ? _("_Cancel Transfer…") : NULL,
                                         "page.cancel-transfer");
}

static gboolean
open_or_shown (gpointer item,
               gpointer user_data)
{
  KvotaTradingPage *self = user_data;

  return gtk_check_button_get_active (self->show_closed_button) || kvota_trading_item_is_open (item);
}

static void
show_closed_toggled_cb (KvotaTradingPage *self,
                        GtkCheckButton   *button)
{
  gtk_filter_changed (GTK_FILTER (self->closed_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Actions */

static KvotaTradingOrder *
find_order (KvotaTradingPage *self,
            gint64            id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->orders));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KvotaTradingOrder) order = g_list_model_get_item (G_LIST_MODEL (self->orders), i);

      if (kvota_trading_order_get_order (order)->id == id)
        return order;
    }

  return NULL;
}

static void
units_dialog_done_cb (KvotaTradingPage        *self,
                      JsonNode                *reply,
                      KvotaTradingUnitsDialog *dialog)
{
  const char *message = g_object_get_data (G_OBJECT (dialog), "kvota-done-message");

  if (message != NULL)
    toast (self, message);
  reload (self);
}

static void
open_units_dialog (KvotaTradingPage      *self,
                   KvotaTradingUnitsMode  mode,
                   const char            *done_message)
{
  KvotaTradingUnitsDialog *dialog;

  dialog = kvota_trading_units_dialog_new (GTK_WIDGET (self), self->client, mode, self->holdings, 0, 0);
  g_object_set_data_full (G_OBJECT (dialog), "kvota-done-message", g_strdup (done_message), g_free);
  g_signal_connect_object (dialog, "done", G_CALLBACK (units_dialog_done_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_for_sale_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);

  if (self->intermediary_id == 0)
    {
      toast (self, kvota_error_code_describe (KVOTA_ERROR_NO_INTERMEDIARY));
      return;
    }

  open_units_dialog (self, KVOTA_TRADING_UNITS_SELL,
                     _("The quotas are signed for sale and reserved for your intermediary."));
}

static void
new_request_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);

  if (self->intermediary_id == 0)
    {
      toast (self, kvota_error_code_describe (KVOTA_ERROR_NO_INTERMEDIARY));
      return;
    }

  open_units_dialog (self, KVOTA_TRADING_UNITS_BUY,
                     _("The buy request was sent to your intermediary."));
}

static void
cancel_units_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  open_units_dialog (KVOTA_TRADING_PAGE (widget), KVOTA_TRADING_UNITS_CANCEL,
                     _("The units are cancelled."));
}

typedef struct
{
  KvotaTradingPage *self;
  char             *done_message;
} Post;

static void
post_free (Post *post)
{
  g_clear_object (&post->self);
  g_free (post->done_message);
  g_free (post);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Post, post_free)

static void
post_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Post) post = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (reply == NULL)
    {
      report_error (post->self, error);
      return;
    }

  toast (post->self, post->done_message);
  reload (post->self);
}

static void
post (KvotaTradingPage *self,
      const char       *path,
      const char       *done_message)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  Post *post = g_new0 (Post, 1);

  post->self = g_object_ref (self);
  post->done_message = g_strdup (done_message);

  /* The optional bodies of these routes are empty objects. */
  json_node_take_object (body, json_object_new ());
  kvota_client_request_async (self->client, "POST", path, body, self->cancellable,
                              post_done_cb, post);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (user_data);
  const char *path = g_object_get_data (G_OBJECT (dialog), "kvota-path");

  if (g_strcmp0 (response, "confirm") == 0 && path != NULL)
    post (self, path, g_object_get_data (G_OBJECT (dialog), "kvota-done-message"));
}

static void
confirm (KvotaTradingPage *self,
         const char       *heading,
         const char       *body,
         const char       *confirm_label,
         char             *path,
         const char       *done_message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Keep"),
                                    "confirm", confirm_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kvota-path", path, g_free);
  g_object_set_data_full (G_OBJECT (dialog), "kvota-done-message", g_strdup (done_message), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
withdraw_order_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  KvotaTradingOrder *order = find_order (self, id);
  g_autofree char *reserved = NULL;
  g_autofree char *body = NULL;

  if (order == NULL)
    return;

  reserved = kvota_format_quantity (kvota_trading_order_get_order (order)->reserved);
  /* Translators: %s is a number of tonnes, such as 12 000. */
  body = g_strdup_printf (_("The %s t still for sale become available in your account again. Units in sales your intermediary proposed stay until the administrator decides."),
                          reserved);
  confirm (self, _("Withdraw the Sale Order?"), body, _("_Withdraw"),
           g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/withdraw", id),
           _("The sale order is withdrawn. Its units are available again."));
}

static void
withdraw_request_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);

  confirm (self, _("Withdraw the Buy Request?"),
           _("Your intermediary will no longer look for these units for you."),
           _("_Withdraw"),
           g_strdup_printf ("/api/v1/buy-requests/%" G_GINT64_FORMAT "/withdraw", id),
           _("The buy request is withdrawn."));
}

static void
cancel_transfer_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);

  confirm (self, _("Cancel the Transfer?"),
           _("The units become available in your account again. The buyer’s deal is not recorded."),
           _("C_ancel Transfer"),
           g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/cancel", id),
           _("The transfer is cancelled. Its units are available again."));
}

static void
transfer_proposed_cb (KvotaTradingPage    *self,
                      JsonNode            *reply,
                      KvotaTransferDialog *dialog)
{
  toast (self, _("The transfer is proposed. It waits for the registry administrator’s confirmation."));
  reload (self);
}

static void
new_transfer_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);
  const KvotaUser *user = get_user (self);
  KvotaTransferDialog *dialog;

  if (user == NULL || user->organisation->account == NULL)
    return;

  dialog = kvota_transfer_dialog_new_for_account (GTK_WIDGET (self), self->client,
                                                  user->organisation->account, self->holdings);
  g_signal_connect_object (dialog, "proposed", G_CALLBACK (transfer_proposed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_statement_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);
  const KvotaUser *user = get_user (self);

  if (user == NULL || user->organisation->account == NULL)
    return;

  kvota_statement_export (GTK_WIDGET (self), self->client, user->organisation->account);
}

/* Choosing the intermediary */

static void
mandate_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (reply == NULL)
    {
      report_error (self, error);
      return;
    }

  toast (self, _("Your intermediary is changed. New sale orders and buy requests go to it."));
  reload (self);
}

static void
choose_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (user_data);
  GtkListBox *list = g_object_get_data (G_OBJECT (dialog), "kvota-list");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  GtkWidget *row;
  gint64 id = 0;

  if (g_strcmp0 (response, "choose") != 0)
    return;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "kvota-check");

      if (check != NULL && gtk_check_button_get_active (check))
        id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "kvota-id"));
    }

  if (id == 0)
    return;

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "intermediary_id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  kvota_client_request_async (self->client, "POST", "/api/v1/mandates", body, self->cancellable,
                              mandate_created_cb, g_object_ref (self));
}

static void
choice_toggled_cb (GtkCheckButton   *check,
                   AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "choose", TRUE);
}

static void
intermediaries_loaded_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(KvotaTradingPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  GtkRoot *window = gtk_widget_get_root (GTK_WIDGET (self));
  GtkCheckButton *group = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list;
  JsonArray *array;
  guint n_choices = 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.change-intermediary", TRUE);

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);
  if (root == NULL)
    {
      report_error (self, error);
      return;
    }

  if ((array = kvota_json_get_array (root, "intermediaries")) == NULL)
    {
      g_autoptr(GError) invalid = bad_reply ();

      report_error (self, invalid);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL,
                                                       _("Choose Your Intermediary"),
                                                       _("The broker or trader you choose sells the quotas you sign for sale from now on and buys for you. Orders you signed before stay with their intermediary until sold or withdrawn.")));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Brokers and traders"),
                                  -1);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *intermediary;
      gint64 id;
      const char *name;
      const char *type;
      const char *bin;
      KvotaHolderType holder_type;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      GtkWidget *check;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      intermediary = json_node_get_object (element);
      id = json_object_get_int_member_with_default (intermediary, "id", 0);
      name = json_object_get_string_member_with_default (intermediary, "name", "");
      type = json_object_get_string_member_with_default (intermediary, "holder_type", "");
      bin = json_object_get_string_member_with_default (intermediary, "bin", "");

      if (id <= 0 || id == self->intermediary_id)
        continue;

      /* Translators: a broker or trader: its kind, such as Broker, and
       * its BIN. */
      subtitle = g_strdup_printf (_("%s · BIN %s"),
                                  kvota_holder_type_from_string (type, &holder_type)
                                    ? kvota_holder_type_describe (holder_type) : type,
                                  bin);

      check = gtk_check_button_new ();
      gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      if (group == NULL)
        group = GTK_CHECK_BUTTON (check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (choice_toggled_cb), dialog, 0);

      row = kvota_trading_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data (G_OBJECT (row), "kvota-check", check);
      g_object_set_data (G_OBJECT (row), "kvota-id", GSIZE_TO_POINTER ((gsize) id));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      n_choices++;
    }

  if (n_choices == 0)
    {
      gtk_list_box_append (GTK_LIST_BOX (list),
                           kvota_trading_placeholder_new (_("No other broker or trader is registered.")));
    }

  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "choose", _("C_hoose"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "choose", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "choose", FALSE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "kvota-list", list);
  g_signal_connect_object (dialog, "response", G_CALLBACK (choose_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
change_intermediary_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);

  /* One list at a time, however often the button is pressed. */
  gtk_widget_action_set_enabled (widget, "page.change-intermediary", FALSE);
  kvota_client_request_async (self->client, "GET", "/api/v1/intermediaries", NULL, self->cancellable,
                              intermediaries_loaded_cb, g_object_ref (self));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_TRADING_PAGE (widget));
}

static void
update_for_user (KvotaTradingPage *self)
{
  const KvotaUser *user = get_user (self);
  gboolean nature_user = is_nature_user (self);
  gboolean acting = acts (self);

  if (user == NULL)
    return;

  gtk_widget_set_visible (self->intermediary_group, nature_user);
  gtk_widget_set_visible (self->orders_group, nature_user);
  gtk_widget_set_visible (self->requests_group, nature_user);
  gtk_widget_set_visible (self->transfers_group, !nature_user);

  /* Accountants read: nothing that changes the account is offered. */
  gtk_widget_set_visible (self->change_button, acting);
  gtk_widget_set_visible (self->sign_button, acting);
  gtk_widget_set_visible (self->request_button, acting);
  gtk_widget_set_visible (self->transfer_button, acting);
  gtk_widget_set_visible (self->cancel_button, acting);

  for (const char * const *name = (const char * const[]) {
         "page.change-intermediary", "page.sign-for-sale", "page.new-request",
         "page.new-transfer", "page.cancel-units", "page.withdraw-order",
         "page.withdraw-request", "page.cancel-transfer", NULL };
       *name != NULL; name++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), *name, acting);
}

static void
kvota_trading_page_map (GtkWidget *widget)
{
  KvotaTradingPage *self = KVOTA_TRADING_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_trading_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

static void
kvota_trading_page_dispose (GObject *object)
{
  KvotaTradingPage *self = (KvotaTradingPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_TRADING_PAGE);

  g_clear_object (&self->client);
  g_clear_object (&self->orders);
  g_clear_object (&self->requests);
  g_clear_object (&self->transfers);
  g_clear_object (&self->closed_filter);
  g_clear_pointer (&self->holdings, g_array_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  g_clear_pointer (&self->intermediary_name, g_free);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (kvota_trading_page_parent_class)->dispose (object);
}

static void
kvota_trading_page_class_init (KvotaTradingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_trading_page_dispose;

  widget_class->map = kvota_trading_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-trading-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, available_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, statement_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, intermediary_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, change_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, intermediary_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, history_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, orders_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, show_closed_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, sign_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, orders_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, requests_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, request_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, requests_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, transfers_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingPage, transfers_list);
  gtk_widget_class_bind_template_callback (widget_class, show_closed_toggled_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.change-intermediary", NULL, change_intermediary_action);
  gtk_widget_class_install_action (widget_class, "page.sign-for-sale", NULL, sign_for_sale_action);
  gtk_widget_class_install_action (widget_class, "page.new-request", NULL, new_request_action);
  gtk_widget_class_install_action (widget_class, "page.new-transfer", NULL, new_transfer_action);
  gtk_widget_class_install_action (widget_class, "page.cancel-units", NULL, cancel_units_action);
  gtk_widget_class_install_action (widget_class, "page.export-statement", NULL, export_statement_action);
  gtk_widget_class_install_action (widget_class, "page.withdraw-order", "x", withdraw_order_action);
  gtk_widget_class_install_action (widget_class, "page.withdraw-request", "x", withdraw_request_action);
  gtk_widget_class_install_action (widget_class, "page.cancel-transfer", "x", cancel_transfer_action);
}

static void
kvota_trading_page_init (KvotaTradingPage *self)
{
  GtkFilterListModel *orders;
  GtkFilterListModel *requests;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->history_rows = g_ptr_array_new ();
  self->orders = g_list_store_new (KVOTA_TYPE_TRADING_ORDER);
  self->requests = g_list_store_new (KVOTA_TYPE_TRADING_REQUEST);
  self->transfers = g_list_store_new (KVOTA_TYPE_TRADING_TRANSFER);
  self->closed_filter = gtk_custom_filter_new (open_or_shown, self, NULL);

  orders = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->orders)),
                                      g_object_ref (GTK_FILTER (self->closed_filter)));
  requests = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->requests)),
                                        g_object_ref (GTK_FILTER (self->closed_filter)));

  gtk_list_box_bind_model (self->orders_list, G_LIST_MODEL (orders), create_order_row, self, NULL);
  gtk_list_box_bind_model (self->requests_list, G_LIST_MODEL (requests), create_request_row, self, NULL);
  gtk_list_box_bind_model (self->transfers_list, G_LIST_MODEL (self->transfers), create_transfer_row, self, NULL);
  g_object_unref (orders);
  g_object_unref (requests);

  gtk_list_box_set_placeholder (self->orders_list,
                                kvota_trading_placeholder_new (_("No open sale orders. Quotas you sign for sale are reserved here for your intermediary.")));
  gtk_list_box_set_placeholder (self->requests_list,
                                kvota_trading_placeholder_new (_("No open buy requests.")));
  gtk_list_box_set_placeholder (self->transfers_list,
                                kvota_trading_placeholder_new (_("No transfers await confirmation.")));
}

/**
 * kvota_trading_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_trading_page_new (KvotaClient *client)
{
  KvotaTradingPage *self = g_object_new (KVOTA_TYPE_TRADING_PAGE, NULL);

  kvota_trading_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_trading_page_set_client (KvotaTradingPage *self,
                               KvotaClient      *client)
{
  g_return_if_fail (KVOTA_IS_TRADING_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  self->requested = FALSE;
  self->has_content = FALSE;
  update_for_user (self);
}
