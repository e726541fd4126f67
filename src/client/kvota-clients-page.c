/* kvota-clients-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-clients-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-clients-page.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-pages.h"
#include "kvota-trading-order.h"
#include "kvota-trading-request.h"
#include "kvota-trading-rows.h"
#include "kvota-transfer-dialog.h"

/* A broker's or trader's work: the nature users that chose it, the
 * quotas they signed for sale through it, the units they ask it to buy,
 * and the sales it proposed. From an open sale order its representative
 * proposes a sale to a buyer, with the documents that confirm the deal.
 * Accountants of the intermediary see the same without the buttons. */

struct _KvotaClientsPage
{
  GtkWidget        parent_instance;

  KvotaClient     *client;
  GCancellable    *cancellable;
  gboolean         requested;
  gboolean         has_content;
  guint            n_loading;
  GError          *load_error;
  guint            n_clients;

  GListStore      *orders;
  GListStore      *requests;
  GtkCustomFilter *closed_filter;

  /* Template widgets */
  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkCheckButton  *show_closed_button;
  GtkListBox      *orders_list;
  GtkListBox      *requests_list;
  GtkListBox      *sales_list;
  GtkListBox      *clients_list;
};

G_DEFINE_FINAL_TYPE (KvotaClientsPage, kvota_clients_page, GTK_TYPE_WIDGET)

static void reload (KvotaClientsPage *self);

static gboolean
acts (KvotaClientsPage *self)
{
  const KvotaUser *user = self->client != NULL ? kvota_client_get_user (self->client) : NULL;

  return user != NULL && kvota_user_acts (user);
}

static void
toast (KvotaClientsPage *self,
       const char       *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static void
show (KvotaClientsPage *self,
      const char       *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static GError *
bad_reply (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                              kvota_error_code_describe (KVOTA_ERROR_FAILED));
}

static void
remove_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static KvotaTradingOrder *
find_order (KvotaClientsPage *self,
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

#ifdef KVOTA_DEVELOPMENT
/* Development builds only: KVOTA_CLIENTS_OPEN=propose-sale opens the
 * transfer dialog on the first order with units for sale once the page
 * has loaded, for screenshots and UI tests. */
static void
run_development_hook (KvotaClientsPage *self)
{
  static gboolean done;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->orders));

  if (done || g_strcmp0 (g_getenv ("KVOTA_CLIENTS_OPEN"), "propose-sale") != 0)
    return;
  done = TRUE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KvotaTradingOrder) order = g_list_model_get_item (G_LIST_MODEL (self->orders), i);

      if (kvota_trading_order_is_open (order) && kvota_trading_order_get_order (order)->reserved > 0)
        {
          gtk_widget_activate_action (GTK_WIDGET (self), "page.propose-sale", "x",
                                      kvota_trading_order_get_order (order)->id);
          return;
        }
    }
}
#endif

static void
part_loaded (KvotaClientsPage *self)
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
  show (self, self->n_clients > 0 || g_list_model_get_n_items (G_LIST_MODEL (self->orders)) > 0
              ? "content" : "empty");

#ifdef KVOTA_DEVELOPMENT
  run_development_hook (self);
#endif
}

static void
part_failed (KvotaClientsPage *self,
             GError           *error)
{
  if (self->load_error == NULL)
    self->load_error = error;
  else
    g_error_free (error);

  part_loaded (self);
}

static gboolean
finish (KvotaClientsPage  *self,
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
      return FALSE;
    }

  return TRUE;
}

static void
mandates_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaClientsPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) mandates = NULL;

  if (!finish (self, object, result, &root))
    return;

  mandates = kvota_json_read_list (root, "mandates",
                                   (KvotaJsonDecodeFunc) kvota_mandate_from_json,
                                   (GDestroyNotify) kvota_mandate_free, NULL);
  if (mandates == NULL)
    {
      part_failed (self, bad_reply ());
      return;
    }

  for (guint i = 0; i < mandates->len; i++)
    {
      const KvotaMandate *mandate = g_ptr_array_index (mandates, i);
      g_autofree char *started = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      GtkWidget *label;

      started = kvota_format_date_time (mandate->started);
      if (mandate->ended == NULL)
        /* Translators: a client: its account number, such as
         * KZ-100-000003, and since when it is a client. */
        subtitle = g_strdup_printf (_("Account %s · your client since %s"),
                                    mandate->account ? mandate->account : "", started);
      else
        {
          g_autofree char *ended = kvota_format_date_time (mandate->ended);

          /* Translators: a former client: its account number and two
           * dates and times. */
          subtitle = g_strdup_printf (_("Account %s · your client from %s to %s"),
                                      mandate->account ? mandate->account : "", started, ended);
        }

      row = kvota_trading_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     mandate->organisation_name ? mandate->organisation_name : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      label = gtk_label_new (mandate->ended == NULL ? C_("client", "Current") : C_("client", "Former"));
      gtk_widget_add_css_class (label, mandate->ended == NULL ? "accent" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      g_ptr_array_add (rows, row);
    }

  remove_rows (self->clients_list);
  for (guint i = 0; i < rows->len; i++)
    gtk_list_box_append (self->clients_list, g_ptr_array_index (rows, i));
  self->n_clients = rows->len;

  part_loaded (self);
}

static void
orders_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KvotaClientsPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;

  if (!finish (self, object, result, &root))
    return;

  if (!kvota_trading_store_replace (self->orders, root))
    {
      part_failed (self, bad_reply ());
      return;
    }

  part_loaded (self);
}

static void
requests_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaClientsPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;

  if (!finish (self, object, result, &root))
    return;

  if (!kvota_trading_store_replace (self->requests, root))
    {
      part_failed (self, bad_reply ());
      return;
    }

  part_loaded (self);
}

static void
sales_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KvotaClientsPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) transactions = NULL;

  if (!finish (self, object, result, &root))
    return;

  transactions = kvota_json_read_list (root, "transactions",
                                       (KvotaJsonDecodeFunc) kvota_transaction_from_json,
                                       (GDestroyNotify) kvota_transaction_free, NULL);
  if (transactions == NULL)
    {
      part_failed (self, bad_reply ());
      return;
    }

  for (guint i = 0; i < transactions->len; i++)
    g_ptr_array_add (rows, kvota_trading_transfer_row_new (g_ptr_array_index (transactions, i), NULL, NULL));

  remove_rows (self->sales_list);
  for (guint i = 0; i < rows->len; i++)
    gtk_list_box_append (self->sales_list, g_ptr_array_index (rows, i));

  part_loaded (self);
}

static void
reload (KvotaClientsPage *self)
{
  if (self->client == NULL || kvota_client_get_user (self->client) == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->load_error);
  self->requested = TRUE;

  if (!self->has_content)
    show (self, "loading");

  self->n_loading = 4;
  kvota_client_request_async (self->client, "GET", "/api/v1/mandates", NULL, self->cancellable,
                              mandates_loaded_cb, g_object_ref (self));
  kvota_client_request_async (self->client, "GET", "/api/v1/sale-orders", NULL, self->cancellable,
                              orders_loaded_cb, g_object_ref (self));
  kvota_client_request_async (self->client, "GET", "/api/v1/buy-requests", NULL, self->cancellable,
                              requests_loaded_cb, g_object_ref (self));
  /* The sales it proposed: enough of the latest to follow them. */
  kvota_client_request_async (self->client, "GET", "/api/v1/transactions?kind=transfer&limit=20", NULL,
                              self->cancellable, sales_loaded_cb, g_object_ref (self));
}

static GtkWidget *
create_order_row (gpointer item,
                  gpointer user_data)
{
  KvotaClientsPage *self = user_data;

  return kvota_trading_order_row_new (item, TRUE,
                                      acts (self) ? _("_Propose Sale…") : NULL,
                                      "page.propose-sale");
}

static GtkWidget *
create_request_row (gpointer item,
                    gpointer user_data)
{
  return kvota_trading_request_row_new (item, TRUE, NULL, NULL);
}

static gboolean
open_or_shown (gpointer item,
               gpointer user_data)
{
  KvotaClientsPage *self = user_data;

  return gtk_check_button_get_active (self->show_closed_button) || kvota_trading_item_is_open (item);
}

static void
show_closed_toggled_cb (KvotaClientsPage *self,
                        GtkCheckButton   *button)
{
  gtk_filter_changed (GTK_FILTER (self->closed_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
transfer_proposed_cb (KvotaClientsPage    *self,
                      JsonNode            *reply,
                      KvotaTransferDialog *dialog)
{
  toast (self, _("The sale is proposed. It waits for the registry administrator’s confirmation."));
  reload (self);
}

static void
propose_sale_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KvotaClientsPage *self = KVOTA_CLIENTS_PAGE (widget);
  KvotaTradingOrder *order = find_order (self, g_variant_get_int64 (parameter));
  KvotaTransferDialog *dialog;

  if (order == NULL)
    return;

  dialog = kvota_transfer_dialog_new_for_order (widget, self->client, order);
  g_signal_connect_object (dialog, "proposed", G_CALLBACK (transfer_proposed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_CLIENTS_PAGE (widget));
}

static void
kvota_clients_page_map (GtkWidget *widget)
{
  KvotaClientsPage *self = KVOTA_CLIENTS_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_clients_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

static void
kvota_clients_page_dispose (GObject *object)
{
  KvotaClientsPage *self = (KvotaClientsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_CLIENTS_PAGE);

  g_clear_object (&self->client);
  g_clear_object (&self->orders);
  g_clear_object (&self->requests);
  g_clear_object (&self->closed_filter);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (kvota_clients_page_parent_class)->dispose (object);
}

static void
kvota_clients_page_class_init (KvotaClientsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_clients_page_dispose;

  widget_class->map = kvota_clients_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-clients-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, show_closed_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, orders_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, requests_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, sales_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaClientsPage, clients_list);
  gtk_widget_class_bind_template_callback (widget_class, show_closed_toggled_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.propose-sale", "x", propose_sale_action);
}

static void
kvota_clients_page_init (KvotaClientsPage *self)
{
  GtkFilterListModel *orders;
  GtkFilterListModel *requests;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->orders = g_list_store_new (KVOTA_TYPE_TRADING_ORDER);
  self->requests = g_list_store_new (KVOTA_TYPE_TRADING_REQUEST);
  self->closed_filter = gtk_custom_filter_new (open_or_shown, self, NULL);

  orders = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->orders)),
                                      g_object_ref (GTK_FILTER (self->closed_filter)));
  requests = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->requests)),
                                        g_object_ref (GTK_FILTER (self->closed_filter)));
  gtk_list_box_bind_model (self->orders_list, G_LIST_MODEL (orders), create_order_row, self, NULL);
  gtk_list_box_bind_model (self->requests_list, G_LIST_MODEL (requests), create_request_row, self, NULL);
  g_object_unref (orders);
  g_object_unref (requests);

  gtk_list_box_set_placeholder (self->orders_list,
                                kvota_trading_placeholder_new (_("No open sale orders. Quotas your clients sign for sale appear here.")));
  gtk_list_box_set_placeholder (self->requests_list, kvota_trading_placeholder_new (_("No open buy requests.")));
  gtk_list_box_set_placeholder (self->sales_list, kvota_trading_placeholder_new (_("You have not proposed a sale yet.")));
  gtk_list_box_set_placeholder (self->clients_list, kvota_trading_placeholder_new (_("No nature user has chosen you yet.")));
}

/**
 * kvota_clients_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_clients_page_new (KvotaClient *client)
{
  KvotaClientsPage *self = g_object_new (KVOTA_TYPE_CLIENTS_PAGE, NULL);

  kvota_clients_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_clients_page_set_client (KvotaClientsPage *self,
                               KvotaClient      *client)
{
  g_return_if_fail (KVOTA_IS_CLIENTS_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  self->requested = FALSE;
  self->has_content = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.propose-sale", acts (self));
}
