/* kvota-transactions-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-transactions-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-format.h"
#include "kvota-transaction-list.h"
#include "kvota-transaction-object.h"
#include "kvota-transactions-page.h"

/* The history of transactions the user may see, newest first. The first
 * page shows as soon as it arrives and the next one loads when the user
 * scrolls near the end, so a history of millions of rows opens as fast
 * as one of ten. */

struct _KvotaTransactionsPage
{
  GtkWidget             parent_instance;

  KvotaClient          *client;
  KvotaTransactionList *list;
  GError               *load_error;   /* of the last page asked for */

  /* Template widgets */
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkScrolledWindow    *scrolled_window;
  GtkColumnView        *column_view;
  GtkRevealer          *footer_revealer;
  GtkSpinner           *footer_spinner;
  GtkLabel             *footer_label;
  GtkWidget            *footer_button;
};

G_DEFINE_FINAL_TYPE (KvotaTransactionsPage, kvota_transactions_page, GTK_TYPE_WIDGET)

static void
update_state (KvotaTransactionsPage *self)
{
  guint n_items;
  gboolean loading;

  if (self->list == NULL)
    return;

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  loading = kvota_transaction_list_get_loading (self->list);

  if (n_items == 0)
    {
      const char *name;

      if (self->load_error != NULL)
        {
          adw_status_page_set_description (self->error_page, self->load_error->message);
          name = "error";
        }
      else if (kvota_transaction_list_get_complete (self->list))
        name = "empty";
      else
        name = "loading";

      gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
      gtk_stack_set_visible_child_name (self->stack, name);
      return;
    }

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "content");

  gtk_spinner_set_spinning (self->footer_spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->footer_spinner), loading);
  gtk_widget_set_visible (self->footer_button, !loading && self->load_error != NULL);

  if (loading)
    gtk_label_set_label (self->footer_label, _("Loading more transactions…"));
  else if (self->load_error != NULL)
    gtk_label_set_label (self->footer_label, self->load_error->message);

  gtk_revealer_set_reveal_child (self->footer_revealer, loading || self->load_error != NULL);
}

static void
maybe_load_more (KvotaTransactionsPage *self)
{
  GtkAdjustment *adjustment;
  double remaining;

  if (self->list == NULL ||
      self->load_error != NULL ||
      !kvota_transaction_list_get_started (self->list) ||
      kvota_transaction_list_get_loading (self->list) ||
      kvota_transaction_list_get_complete (self->list))
    return;

  /* Within a screenful of the end, the next page is on its way before
   * the user gets there; a first page shorter than the view fills it. */
  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  remaining = gtk_adjustment_get_upper (adjustment)
            - gtk_adjustment_get_value (adjustment)
            - gtk_adjustment_get_page_size (adjustment);

  if (remaining <= gtk_adjustment_get_page_size (adjustment))
    kvota_transaction_list_load_more (self->list);
}

static void
adjustment_changed_cb (KvotaTransactionsPage *self,
                       GtkAdjustment         *adjustment)
{
  maybe_load_more (self);
}

static void
list_items_changed_cb (KvotaTransactionsPage *self,
                       guint                  position,
                       guint                  removed,
                       guint                  added,
                       GListModel            *model)
{
  update_state (self);
}

static void
list_state_changed_cb (KvotaTransactionsPage *self,
                         GParamSpec            *pspec,
                         KvotaTransactionList  *list)
{
  update_state (self);
}

static void
list_load_failed_cb (KvotaTransactionsPage *self,
                     const GError          *error,
                     KvotaTransactionList  *list)
{
  if (kvota_client_error_is_session_end (error))
    return;

  g_clear_error (&self->load_error);
  self->load_error = g_error_copy (error);
  update_state (self);
}

static void
load_more (KvotaTransactionsPage *self)
{
  g_clear_error (&self->load_error);
  kvota_transaction_list_load_more (self->list);
  update_state (self);
}

static void
footer_button_clicked_cb (KvotaTransactionsPage *self,
                          GtkButton             *button)
{
  load_more (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaTransactionsPage *self = KVOTA_TRANSACTIONS_PAGE (widget);

  if (self->list == NULL)
    return;

  g_clear_error (&self->load_error);
  kvota_transaction_list_reload (self->list);
  update_state (self);
}

static void
kvota_transactions_page_map (GtkWidget *widget)
{
  KvotaTransactionsPage *self = KVOTA_TRANSACTIONS_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_transactions_page_parent_class)->map (widget);

  if (self->list == NULL)
    return;

  /* The first time, and after a page was refused because the session
   * ended, when the user comes back from the login page. */
  if (!kvota_transaction_list_get_started (self->list))
    load_more (self);
  else
    maybe_load_more (self);
}

static void
kvota_transactions_page_dispose (GObject *object)
{
  KvotaTransactionsPage *self = (KvotaTransactionsPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_TRANSACTIONS_PAGE);

  g_clear_object (&self->list);
  g_clear_object (&self->client);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (kvota_transactions_page_parent_class)->dispose (object);
}

static void
kvota_transactions_page_class_init (KvotaTransactionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_transactions_page_dispose;

  widget_class->map = kvota_transactions_page_map;

  g_type_ensure (KVOTA_TYPE_TRANSACTION_OBJECT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-transactions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_button);
  gtk_widget_class_bind_template_callback (widget_class, footer_button_clicked_cb);
  kvota_format_bind_closures (widget_class);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
kvota_transactions_page_init (KvotaTransactionsPage *self)
{
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * kvota_transactions_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_transactions_page_new (KvotaClient *client)
{
  KvotaTransactionsPage *self = g_object_new (KVOTA_TYPE_TRANSACTIONS_PAGE, NULL);

  kvota_transactions_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_transactions_page_set_client (KvotaTransactionsPage *self,
                                    KvotaClient           *client)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (KVOTA_IS_TRANSACTIONS_PAGE (self));
  g_return_if_fail (KVOTA_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  g_clear_object (&self->list);
  g_clear_error (&self->load_error);

  self->list = kvota_transaction_list_new (client, NULL);
  g_signal_connect_object (self->list, "items-changed",
                           G_CALLBACK (list_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::loading",
                           G_CALLBACK (list_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::complete",
                           G_CALLBACK (list_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "load-failed",
                           G_CALLBACK (list_load_failed_cb), self,
                           G_CONNECT_SWAPPED);

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));

  update_state (self);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load_more (self);
}
