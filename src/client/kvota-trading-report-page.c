/* kvota-trading-report-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-report-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-quantity.h"
#include "kvota-report-year.h"
#include "kvota-trading-report-page.h"

/* The yearly trading report for the administrator and the Ministry: the
 * completed transfers of quotas per year and the quotas they moved, as
 * the server counts them from its ledger. */

struct _KvotaTradingReportPage
{
  GtkWidget      parent_instance;

  KvotaClient   *client;
  GCancellable  *cancellable;
  gboolean       requested;
  gboolean       has_content;

  /* Template widgets */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *error_page;
  GtkLabel      *title_label;
  GtkLabel      *description_label;
  GtkLabel      *total_quotas_label;
  GtkLabel      *total_transactions_label;
  GListStore    *years;
};

G_DEFINE_FINAL_TYPE (KvotaTradingReportPage, kvota_trading_report_page, GTK_TYPE_WIDGET)

static void
show (KvotaTradingReportPage *self,
      const char             *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
set_total (GtkLabel *label,
           gint64    total)
{
  g_autofree char *text = kvota_format_quantity (total);

  gtk_label_set_label (label, text);
}

static void
show_error (KvotaTradingReportPage *self,
            const GError           *error)
{
  /* The window has taken the user back to the login page already; the
   * page loads again when it is shown after the next login. */
  if (kvota_client_error_is_session_end (error))
    {
      self->requested = FALSE;
      return;
    }

  if (self->has_content)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
      return;
    }

  adw_status_page_set_description (self->error_page, error->message);
  show (self, "error");
}

static gboolean
read_report (JsonNode   *root,
             GPtrArray  *items,
             gint64     *total_quotas,
             gint64     *total_transactions,
             GError    **error)
{
  JsonNode *years;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (years = json_object_get_member (json_node_get_object (root), "years")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (years))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return FALSE;
    }

  array = json_node_get_array (years);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaReportYear *year;

      if ((year = kvota_report_year_new_from_json (json_array_get_element (array, i), NULL)) == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               kvota_error_code_describe (KVOTA_ERROR_FAILED));
          return FALSE;
        }

      g_ptr_array_add (items, year);

      if (!kvota_quantity_add (*total_quotas, kvota_report_year_get_quotas_traded (year), total_quotas, error) ||
          !kvota_quantity_add (*total_transactions, kvota_report_year_get_transactions (year), total_transactions, error))
        return FALSE;
    }

  return TRUE;
}

static void
report_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaTradingReportPage) self = user_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 total_quotas = 0;
  gint64 total_transactions = 0;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || !read_report (root, items, &total_quotas, &total_transactions, &error))
    {
      show_error (self, error);
      return;
    }

  g_list_store_splice (self->years, 0, g_list_model_get_n_items (G_LIST_MODEL (self->years)),
                       items->pdata, items->len);
  set_total (self->total_quotas_label, total_quotas);
  set_total (self->total_transactions_label, total_transactions);

  self->has_content = TRUE;
  show (self, items->len > 0 ? "content" : "empty");
}

static void
reload (KvotaTradingReportPage *self)
{
  if (self->client == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->requested = TRUE;

  if (!self->has_content)
    show (self, "loading");

  kvota_client_request_async (self->client, "GET", "/api/v1/reports/trading", NULL,
                              self->cancellable,
                              report_loaded_cb,
                              g_object_ref (self));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_TRADING_REPORT_PAGE (widget));
}

static void
kvota_trading_report_page_map (GtkWidget *widget)
{
  KvotaTradingReportPage *self = KVOTA_TRADING_REPORT_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_trading_report_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

static void
kvota_trading_report_page_dispose (GObject *object)
{
  KvotaTradingReportPage *self = (KvotaTradingReportPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_TRADING_REPORT_PAGE);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_trading_report_page_parent_class)->dispose (object);
}

static void
kvota_trading_report_page_class_init (KvotaTradingReportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_trading_report_page_dispose;

  widget_class->map = kvota_trading_report_page_map;

  g_type_ensure (KVOTA_TYPE_REPORT_YEAR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-trading-report-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, total_quotas_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, total_transactions_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, years);
  kvota_format_bind_closures (widget_class);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
kvota_trading_report_page_init (KvotaTradingReportPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  gtk_label_set_label (self->title_label, _("Quotas Traded per Year"));
  gtk_label_set_label (self->description_label,
                       _("Completed transfers of quotas by the year of their deal, as the registry’s ledger records them."));
}

/**
 * kvota_trading_report_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_trading_report_page_new (KvotaClient *client)
{
  KvotaTradingReportPage *self = g_object_new (KVOTA_TYPE_TRADING_REPORT_PAGE, NULL);

  kvota_trading_report_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_trading_report_page_set_client (KvotaTradingReportPage *self,
                                      KvotaClient            *client)
{
  g_return_if_fail (KVOTA_IS_TRADING_REPORT_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  g_set_object (&self->client, client);
}
