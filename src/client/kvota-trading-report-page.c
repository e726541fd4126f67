/* kvota-trading-report-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-report-page"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-report-chart.h"
#include "kvota-report-export.h"
#include "kvota-report-year.h"
#include "kvota-trading-money.h"
#include "kvota-trading-report.h"
#include "kvota-trading-report-page.h"

/* The trading report for the administrator and the Ministry: the
 * completed transfers of quotas per year and the quotas they moved, as
 * the server counts them from its ledger (the seed presentation's
 * table); for the year chosen, or all of them, the totals and prices, the
 * volumes by month (by year over all years) and by the sellers' sector,
 * and the accounts that traded most. “Export” saves what the page shows
 * as a workbook, a PDF or the server's CSV tables. */

struct _KvotaTradingReportPage
{
  GtkWidget           parent_instance;

  KvotaClient        *client;
  GCancellable       *cancellable;
  gboolean            requested;
  gboolean            has_content;
  KvotaTradingReport *report;
  int                 year;          /* shown, or 0 for all years */
  gboolean            filling_years;

  /* Template widgets */
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  GtkScrolledWindow  *scrolled_window;
  GtkLabel           *title_label;
  GtkLabel           *description_label;
  GtkDropDown        *year_dropdown;
  GtkStringList      *year_list;
  GtkMenuButton      *export_button;
  GtkLabel           *total_quotas_caption;
  GtkLabel           *total_quotas_label;
  GtkLabel           *total_transactions_caption;
  GtkLabel           *total_transactions_label;
  GtkLabel           *price_caption;
  GtkLabel           *price_label;
  GtkLabel           *price_range_label;
  GListStore         *years;
  GtkLabel           *volume_title_label;
  KvotaReportChart   *volume_chart;
  GtkLabel           *sector_title_label;
  KvotaReportChart   *sector_chart;
  GtkGrid            *sector_grid;
  GtkLabel           *accounts_title_label;
  GtkGrid            *accounts_grid;
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
set_quantity (GtkLabel *label,
              gint64    value)
{
  g_autofree char *text = kvota_format_quantity (value);

  gtk_label_set_label (label, text);
}

static void
set_exports_enabled (KvotaTradingReportPage *self,
                     gboolean                enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-xlsx", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-pdf", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export-csv", enabled);
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

/* Small tables as grids of labels: a heading row, then one row a line. */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
grid_cell (GtkGrid    *grid,
           int         column,
           int         row,
           const char *text,
           gboolean    numeric,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), !heading);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (heading)
    {
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
    }
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static void
grid_text_cell (GtkGrid    *grid,
                int         column,
                int         row,
                const char *text)
{
  GtkWidget *label = grid_cell (grid, column, row, text, FALSE, FALSE);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_set_hexpand (label, TRUE);
}

static void
grid_quantity_cell (GtkGrid *grid,
                    int      column,
                    int      row,
                    gint64   value)
{
  g_autofree char *text = kvota_format_quantity (value);

  grid_cell (grid, column, row, text, TRUE, FALSE);
}

/* The figures of the year shown, or of all years together. */
static void
sum_figures (KvotaTradingReportPage *self,
             KvotaTradingFigures    *sum)
{
  *sum = (KvotaTradingFigures) { self->year, 0, 0, 0, 0, 0, -1, -1 };

  for (guint i = 0; i < self->report->years->len; i++)
    {
      const KvotaTradingFigures *figures = &g_array_index (self->report->years, KvotaTradingFigures, i);

      if (self->year != 0 && figures->year != self->year)
        continue;

      sum->quotas += figures->quotas;
      sum->transactions += figures->transactions;
      if (kvota_trading_figures_has_prices (figures))
        {
          sum->priced_quotas += figures->priced_quotas;
          sum->value += figures->value;
          sum->min_price = sum->min_price < 0 ? figures->min_price : MIN (sum->min_price, figures->min_price);
          sum->max_price = MAX (sum->max_price, figures->max_price);
        }
    }
}

static void
update_summary (KvotaTradingReportPage *self)
{
  KvotaTradingFigures sum;

  sum_figures (self, &sum);
  set_quantity (self->total_quotas_label, sum.quotas);
  set_quantity (self->total_transactions_label, sum.transactions);

  if (self->year == 0)
    {
      gtk_label_set_label (self->total_quotas_caption, _("Quotas Traded in All Years"));
      gtk_label_set_label (self->total_transactions_caption, _("Transactions in All Years"));
    }
  else
    {
      g_autofree char *quotas = NULL;
      g_autofree char *transactions = NULL;

      /* Translators: the caption of a figure; %d is a year. */
      quotas = g_strdup_printf (_("Quotas Traded in %d"), self->year);
      /* Translators: the caption of a figure; %d is a year. */
      transactions = g_strdup_printf (_("Transactions in %d"), self->year);
      gtk_label_set_label (self->total_quotas_caption, quotas);
      gtk_label_set_label (self->total_transactions_caption, transactions);
    }

  if (kvota_trading_figures_has_prices (&sum))
    {
      g_autofree char *average = kvota_trading_format_tiyn (kvota_trading_figures_average (&sum));
      g_autofree char *low = kvota_trading_format_tiyn (sum.min_price);
      g_autofree char *high = kvota_trading_format_tiyn (sum.max_price);
      g_autofree char *priced = kvota_format_quantity (sum.priced_quotas);
      g_autofree char *range = NULL;

      /* Translators: under the average price of a quota: the lowest and
       * the highest price stated, and how many quotas (tonnes) were
       * traded with a price; all already written as amounts. */
      range = g_strdup_printf (_("from %1$s to %2$s, over %3$s quotas sold with a stated price"),
                               low, high, priced);
      gtk_label_set_label (self->price_label, average);
      gtk_label_set_label (self->price_range_label, range);
    }
  else
    {
      gtk_label_set_label (self->price_label, "—");
      gtk_label_set_label (self->price_range_label, _("No transfer stated a price."));
    }
}

static void
update_sectors (KvotaTradingReportPage *self)
{
  int row = 1;

  kvota_report_chart_set_report (self->sector_chart, self->report, self->year);
  gtk_label_set_label (self->sector_title_label, kvota_report_chart_get_title (self->sector_chart));

  clear_grid (self->sector_grid);
  grid_cell (self->sector_grid, 0, 0, _("Year"), FALSE, TRUE);
  grid_cell (self->sector_grid, 1, 0, _("Sector"), FALSE, TRUE);
  grid_cell (self->sector_grid, 2, 0, _("Quotas Sold"), TRUE, TRUE);
  grid_cell (self->sector_grid, 3, 0, _("Transactions"), TRUE, TRUE);

  for (guint i = 0; i < self->report->sectors->len; i++)
    {
      const KvotaTradingSector *sector = g_ptr_array_index (self->report->sectors, i);
      g_autofree char *year = NULL;

      if (self->year != 0 && sector->year != self->year)
        continue;

      year = g_strdup_printf ("%d", sector->year);
      grid_cell (self->sector_grid, 0, row, year, FALSE, FALSE);
      grid_text_cell (self->sector_grid, 1, row,
                      sector->sector[0] != '\0' ? sector->sector : _("Outside the allocation plans"));
      grid_quantity_cell (self->sector_grid, 2, row, sector->quotas);
      grid_quantity_cell (self->sector_grid, 3, row, sector->transactions);
      row++;
    }
}

static void
update_accounts (KvotaTradingReportPage *self)
{
  int row = 1;

  if (self->year == 0)
    gtk_label_set_label (self->accounts_title_label, _("Accounts That Traded Most, by Year"));
  else
    {
      /* Translators: a heading; %d is a year. */
      g_autofree char *title = g_strdup_printf (_("Accounts That Traded Most in %d"), self->year);

      gtk_label_set_label (self->accounts_title_label, title);
    }

  clear_grid (self->accounts_grid);
  grid_cell (self->accounts_grid, 0, 0, _("Year"), FALSE, TRUE);
  grid_cell (self->accounts_grid, 1, 0, C_("ranking", "No."), TRUE, TRUE);
  grid_cell (self->accounts_grid, 2, 0, _("Account"), FALSE, TRUE);
  grid_cell (self->accounts_grid, 3, 0, _("Organisation"), FALSE, TRUE);
  grid_cell (self->accounts_grid, 4, 0, _("Sold"), TRUE, TRUE);
  grid_cell (self->accounts_grid, 5, 0, _("Bought"), TRUE, TRUE);
  grid_cell (self->accounts_grid, 6, 0, _("Transactions"), TRUE, TRUE);

  for (guint i = 0; i < self->report->accounts->len; i++)
    {
      const KvotaTradingAccount *account = g_ptr_array_index (self->report->accounts, i);
      g_autofree char *year = NULL;
      g_autofree char *rank = NULL;

      if (self->year != 0 && account->year != self->year)
        continue;

      year = g_strdup_printf ("%d", account->year);
      rank = g_strdup_printf ("%u", account->rank);
      grid_cell (self->accounts_grid, 0, row, year, FALSE, FALSE);
      grid_cell (self->accounts_grid, 1, row, rank, TRUE, FALSE);
      grid_cell (self->accounts_grid, 2, row, account->account, FALSE, FALSE);
      grid_text_cell (self->accounts_grid, 3, row, account->name);
      grid_quantity_cell (self->accounts_grid, 4, row, account->sold);
      grid_quantity_cell (self->accounts_grid, 5, row, account->bought);
      grid_quantity_cell (self->accounts_grid, 6, row, account->transactions);
      row++;
    }
}

/* Everything below the yearly table follows the year chosen. */
static void
update_view (KvotaTradingReportPage *self)
{
  if (self->report == NULL)
    return;

  update_summary (self);

  kvota_report_chart_set_report (self->volume_chart, self->report, self->year);
  gtk_label_set_label (self->volume_title_label, kvota_report_chart_get_title (self->volume_chart));

  update_sectors (self);
  update_accounts (self);
}

/* The year selector: “All Years”, then each year with trades. The year
 * chosen stays chosen across reloads while it is still there. */
static void
fill_years (KvotaTradingReportPage *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;

  g_ptr_array_add (names, g_strdup (_("All Years")));
  for (guint i = 0; i < self->report->years->len; i++)
    {
      int year = g_array_index (self->report->years, KvotaTradingFigures, i).year;

      g_ptr_array_add (names, g_strdup_printf ("%d", year));
      if (year == self->year)
        selected = i + 1;
    }
  g_ptr_array_add (names, NULL);

  if (selected == 0)
    self->year = 0;

  self->filling_years = TRUE;
  gtk_string_list_splice (self->year_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->year_list)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->year_dropdown, selected);
  self->filling_years = FALSE;
}

#ifdef KVOTA_DEVELOPMENT
/* Development builds only, for screenshots and for checking the exports
 * as a user would make them: KVOTA_REPORT_YEAR chooses a year,
 * KVOTA_REPORT_SCROLL scrolls the page (0 to 1), KVOTA_REPORT_MENU opens
 * the Export menu, and
 * KVOTA_REPORT_EXPORT_DIR saves the workbook, the PDF and the CSV tables
 * there, as the Export menu would once a file is chosen. */
static gboolean
scroll_cb (gpointer user_data)
{
  KvotaTradingReportPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double fraction = g_ascii_strtod (g_getenv ("KVOTA_REPORT_SCROLL"), NULL);

  gtk_adjustment_set_value (adjustment,
                            (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment)) *
                            CLAMP (fraction, 0.0, 1.0));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
apply_development_hooks (KvotaTradingReportPage *self)
{
  static gboolean applied;
  const char *year = g_getenv ("KVOTA_REPORT_YEAR");
  const char *dir = g_getenv ("KVOTA_REPORT_EXPORT_DIR");

  if (applied)
    return;
  applied = TRUE;

  if (year != NULL)
    for (guint i = 0; i < self->report->years->len; i++)
      if (g_array_index (self->report->years, KvotaTradingFigures, i).year == atoi (year))
        gtk_drop_down_set_selected (self->year_dropdown, i + 1);

  if (g_getenv ("KVOTA_REPORT_SCROLL") != NULL)
    g_timeout_add (1500, scroll_cb, g_object_ref (self));

  if (g_getenv ("KVOTA_REPORT_MENU") != NULL)
    gtk_menu_button_popup (self->export_button);

  if (dir != NULL)
    {
      g_autofree char *suffix = self->year != 0 ? g_strdup_printf ("-%d", self->year) : g_strdup ("");
      g_autofree char *xlsx = g_strdup_printf ("%s/trading-report%s.xlsx", dir, suffix);
      g_autofree char *pdf = g_strdup_printf ("%s/trading-report%s.pdf", dir, suffix);
      g_autoptr(GFile) xlsx_file = g_file_new_for_path (xlsx);
      g_autoptr(GFile) pdf_file = g_file_new_for_path (pdf);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      kvota_report_export_save (GTK_WIDGET (self), self->client, self->report, self->year,
                                KVOTA_REPORT_FORMAT_XLSX, KVOTA_REPORT_ALL_TABLES, xlsx_file);
      kvota_report_export_save (GTK_WIDGET (self), self->client, self->report, self->year,
                                KVOTA_REPORT_FORMAT_PDF, KVOTA_REPORT_ALL_TABLES, pdf_file);
      kvota_report_export_save (GTK_WIDGET (self), self->client, self->report, self->year,
                                KVOTA_REPORT_FORMAT_CSV, KVOTA_REPORT_ALL_TABLES, folder);
    }
}
#endif

static void
report_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaTradingReportPage) self = user_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KvotaTradingReport) report = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root != NULL && (report = kvota_trading_report_from_json (root, NULL)) == NULL)
    error = g_error_new_literal (KVOTA_ERROR, KVOTA_ERROR_FAILED,
                                 kvota_error_code_describe (KVOTA_ERROR_FAILED));

  if (report == NULL)
    {
      show_error (self, error);
      return;
    }

  for (guint i = 0; i < report->years->len; i++)
    g_ptr_array_add (items, kvota_report_year_new (&g_array_index (report->years, KvotaTradingFigures, i)));

  g_clear_pointer (&self->report, kvota_trading_report_free);
  self->report = g_steal_pointer (&report);

  g_list_store_splice (self->years, 0, g_list_model_get_n_items (G_LIST_MODEL (self->years)),
                       items->pdata, items->len);
  fill_years (self);
  update_view (self);

  self->has_content = TRUE;
  set_exports_enabled (self, items->len > 0);
  show (self, items->len > 0 ? "content" : "empty");

#ifdef KVOTA_DEVELOPMENT
  if (items->len > 0)
    apply_development_hooks (self);
#endif
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
year_selected_cb (KvotaTradingReportPage *self,
                  GParamSpec             *pspec,
                  GtkDropDown            *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->filling_years || self->report == NULL)
    return;

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > self->report->years->len)
    self->year = 0;
  else
    self->year = g_array_index (self->report->years, KvotaTradingFigures, selected - 1).year;

  update_view (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_TRADING_REPORT_PAGE (widget));
}

static void
export_xlsx_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KvotaTradingReportPage *self = KVOTA_TRADING_REPORT_PAGE (widget);

  if (self->report != NULL)
    kvota_report_export_xlsx (widget, self->report, self->year);
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KvotaTradingReportPage *self = KVOTA_TRADING_REPORT_PAGE (widget);

  if (self->report != NULL)
    kvota_report_export_pdf (widget, self->report, self->year);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KvotaTradingReportPage *self = KVOTA_TRADING_REPORT_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  KvotaTradingTable table;

  if (self->client == NULL)
    return;

  if (kvota_trading_table_from_string (name, &table))
    kvota_report_export_csv (widget, self->client, self->year, (int) table);
  else
    kvota_report_export_csv (widget, self->client, self->year, KVOTA_REPORT_ALL_TABLES);
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
  g_clear_pointer (&self->report, kvota_trading_report_free);

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
  g_type_ensure (KVOTA_TYPE_REPORT_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-trading-report-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, year_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, year_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, total_quotas_caption);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, total_quotas_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, total_transactions_caption);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, total_transactions_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, price_caption);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, price_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, price_range_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, years);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, volume_title_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, volume_chart);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, sector_title_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, sector_chart);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, sector_grid);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, accounts_title_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingReportPage, accounts_grid);
  kvota_format_bind_closures (widget_class);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.export-xlsx", NULL, export_xlsx_action);
  gtk_widget_class_install_action (widget_class, "page.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "page.export-csv", "s", export_csv_action);
}

static void
kvota_trading_report_page_init (KvotaTradingReportPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  gtk_label_set_label (self->title_label, _("Trading Report"));
  gtk_label_set_label (self->description_label,
                       _("Completed transfers of quotas by the year of their deal, as the registry’s ledger records them."));

  g_signal_connect_object (self->year_dropdown, "notify::selected",
                           G_CALLBACK (year_selected_cb), self, G_CONNECT_SWAPPED);
  set_exports_enabled (self, FALSE);
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
