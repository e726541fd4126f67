/* kvota-report-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-report-export"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-report-chart.h"
#include "kvota-report-export.h"
#include "kvota-trading-money.h"
#include "kvota-trading-report.h"
#include "kvota-workbook-writer.h"

/* “Export…” of the trading report: the report the user sees (one year, or
 * all of them) saved as
 *
 *  - CSV: the server's own tables (GET /api/v1/reports/trading?format=csv
 *    &table=…), one file, or all four into a folder;
 *  - an .xlsx workbook, one sheet a table, numbers as numbers, written by
 *    the core's KvotaWorkbookWriter in a worker thread;
 *  - PDF, through GtkPrintOperation's export: the figures, both charts and
 *    the tables, across as many pages as they need.
 *
 * Each export asks where to save with a GtkFileChooserNative, works
 * asynchronously and says in a toast how it went. It copies what it needs
 * from the report when it starts, so the page may reload meanwhile, and
 * it stops when the page goes. */

static const char * const table_names[] = { "years", "months", "sectors", "accounts" };

typedef enum
{
  EXPORT_CSV = KVOTA_REPORT_FORMAT_CSV,
  EXPORT_XLSX = KVOTA_REPORT_FORMAT_XLSX,
  EXPORT_PDF = KVOTA_REPORT_FORMAT_PDF,
} ExportKind;

/* The tables as people read them, shared by the workbook and the PDF. */

typedef enum
{
  COLUMN_YEAR,      /* a plain whole number: years, months, ranks */
  COLUMN_QUANTITY,  /* grouped whole number */
  COLUMN_MONEY,     /* tiyn, shown in tenge; -1 is empty */
  COLUMN_TEXT,
} ColumnKind;

typedef struct
{
  char       *title;
  ColumnKind  kind;
} Column;

typedef struct
{
  char   *text;
  gint64  value;
} Value;

typedef struct
{
  char    *title;
  char    *sheet;
  guint    n_columns;
  Column   columns[8];
  GArray  *values;      /* of Value, row by row */
} Table;

typedef struct
{
  GtkWidget            *parent;
  KvotaClient          *client;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  gulong                destroy_id;
  ExportKind            kind;
  int                   year;
  int                   table;         /* CSV: one table or KVOTA_REPORT_ALL_TABLES */
  GFile                *file;          /* the file, or for all CSV tables the folder */
  GBytes               *csv[G_N_ELEMENTS (table_names)];
  guint                 n_pending;
  KvotaWorkbookWriter  *workbook;
  KvotaTradingReport   *report;        /* a copy, for the PDF */
  GError               *error;         /* the first download that failed */
} Export;

static void
table_free (Table *table)
{
  for (guint i = 0; i < table->n_columns; i++)
    g_free (table->columns[i].title);
  for (guint i = 0; i < table->values->len; i++)
    g_free (g_array_index (table->values, Value, i).text);
  g_array_unref (table->values);
  g_free (table->title);
  g_free (table->sheet);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static Table *
table_new (const char *title,
           const char *sheet)
{
  Table *table = g_new0 (Table, 1);

  table->title = g_strdup (title);
  table->sheet = g_strdup (sheet);
  table->values = g_array_new (FALSE, TRUE, sizeof (Value));
  return table;
}

static void
add_column (Table      *table,
            const char *title,
            ColumnKind  kind)
{
  g_assert (table->n_columns < G_N_ELEMENTS (table->columns));

  table->columns[table->n_columns].title = g_strdup (title);
  table->columns[table->n_columns].kind = kind;
  table->n_columns++;
}

static void
add_number (Table  *table,
            gint64  value)
{
  Value v = { NULL, value };

  g_array_append_val (table->values, v);
}

static void
add_text (Table      *table,
          const char *text)
{
  Value v = { g_strdup (text), 0 };

  g_array_append_val (table->values, v);
}

static guint
table_n_rows (const Table *table)
{
  return table->values->len / table->n_columns;
}

static const Value *
table_get (const Table *table,
           guint        row,
           guint        column)
{
  return &g_array_index (table->values, Value, row * table->n_columns + column);
}

static void
add_price_columns (Table *table)
{
  add_column (table, _("Lowest Price"), COLUMN_MONEY);
  add_column (table, _("Average Price"), COLUMN_MONEY);
  add_column (table, _("Highest Price"), COLUMN_MONEY);
}

static void
add_prices (Table                     *table,
            const KvotaTradingFigures *figures)
{
  gboolean priced = kvota_trading_figures_has_prices (figures);

  add_number (table, priced ? figures->min_price : -1);
  add_number (table, priced ? kvota_trading_figures_average (figures) : -1);
  add_number (table, priced ? figures->max_price : -1);
}

static char *
month_name (int year,
            int month)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (year, month, 1, 0, 0, 0);

  return g_date_time_format (date, "%OB");
}

/* The report's four tables as the page shows them: the years, the months,
 * the sectors and the top accounts, of @year or of every year. */
static GPtrArray *
build_tables (const KvotaTradingReport *report,
              int                       year)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);
  Table *table;

  table = table_new (_("Quotas Traded per Year"), C_("sheet name", "Years"));
  add_column (table, _("Year"), COLUMN_YEAR);
  add_column (table, _("Quotas Traded"), COLUMN_QUANTITY);
  add_column (table, _("Transactions"), COLUMN_QUANTITY);
  add_price_columns (table);
  for (guint i = 0; i < report->years->len; i++)
    {
      const KvotaTradingFigures *figures = &g_array_index (report->years, KvotaTradingFigures, i);

      if (year != 0 && figures->year != year)
        continue;
      add_number (table, figures->year);
      add_number (table, figures->quotas);
      add_number (table, figures->transactions);
      add_prices (table, figures);
    }
  g_ptr_array_add (tables, table);

  table = table_new (_("Quotas Traded per Month"), C_("sheet name", "Months"));
  add_column (table, _("Year"), COLUMN_YEAR);
  add_column (table, _("Month"), COLUMN_TEXT);
  add_column (table, _("Quotas Traded"), COLUMN_QUANTITY);
  add_column (table, _("Transactions"), COLUMN_QUANTITY);
  add_price_columns (table);
  for (guint i = 0; i < report->months->len; i++)
    {
      const KvotaTradingFigures *figures = &g_array_index (report->months, KvotaTradingFigures, i);
      g_autofree char *name = NULL;

      if (year != 0 && figures->year != year)
        continue;
      name = month_name (figures->year, figures->month);
      add_number (table, figures->year);
      add_text (table, name);
      add_number (table, figures->quotas);
      add_number (table, figures->transactions);
      add_prices (table, figures);
    }
  g_ptr_array_add (tables, table);

  table = table_new (_("Quotas Sold by Sector"), C_("sheet name", "Sectors"));
  add_column (table, _("Year"), COLUMN_YEAR);
  add_column (table, _("Sector"), COLUMN_TEXT);
  add_column (table, _("Quotas Sold"), COLUMN_QUANTITY);
  add_column (table, _("Transactions"), COLUMN_QUANTITY);
  for (guint i = 0; i < report->sectors->len; i++)
    {
      const KvotaTradingSector *sector = g_ptr_array_index (report->sectors, i);

      if (year != 0 && sector->year != year)
        continue;
      add_number (table, sector->year);
      add_text (table, sector->sector[0] != '\0' ? sector->sector : _("Outside the allocation plans"));
      add_number (table, sector->quotas);
      add_number (table, sector->transactions);
    }
  g_ptr_array_add (tables, table);

  table = table_new (_("Accounts That Traded Most"), C_("sheet name", "Top Accounts"));
  add_column (table, _("Year"), COLUMN_YEAR);
  add_column (table, C_("ranking", "No."), COLUMN_YEAR);
  add_column (table, _("Account"), COLUMN_TEXT);
  add_column (table, _("Organisation"), COLUMN_TEXT);
  add_column (table, _("Sold"), COLUMN_QUANTITY);
  add_column (table, _("Bought"), COLUMN_QUANTITY);
  add_column (table, _("Transactions"), COLUMN_QUANTITY);
  for (guint i = 0; i < report->accounts->len; i++)
    {
      const KvotaTradingAccount *account = g_ptr_array_index (report->accounts, i);

      if (year != 0 && account->year != year)
        continue;
      add_number (table, account->year);
      add_number (table, account->rank);
      add_text (table, account->account);
      add_text (table, account->name);
      add_number (table, account->sold);
      add_number (table, account->bought);
      add_number (table, account->transactions);
    }
  g_ptr_array_add (tables, table);

  return tables;
}

static char *
format_value (const Table *table,
              guint        row,
              guint        column)
{
  const Value *value = table_get (table, row, column);

  switch (table->columns[column].kind)
    {
    case COLUMN_YEAR:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value->value);
    case COLUMN_QUANTITY:
      return kvota_format_quantity (value->value);
    case COLUMN_MONEY:
      return value->value >= 0 ? kvota_trading_format_tiyn (value->value) : g_strdup ("—");
    case COLUMN_TEXT:
    default:
      return g_strdup (value->text != NULL ? value->text : "");
    }
}

/* A deep copy of the report, which the page may replace while the PDF is
 * being made. */
static KvotaTradingReport *
copy_report (const KvotaTradingReport *report)
{
  g_autoptr(JsonNode) node = kvota_trading_report_to_json (report);

  return kvota_trading_report_from_json (node, NULL);
}

/* The workbook */

/* The tables as a workbook, one sheet each, ready to write. */
static KvotaWorkbookWriter *
build_workbook (const KvotaTradingReport *report,
                int                       year)
{
  g_autoptr(KvotaWorkbookWriter) writer = kvota_workbook_writer_new ();
  g_autoptr(GPtrArray) tables = build_tables (report, year);

  for (guint t = 0; t < tables->len; t++)
    {
      const Table *table = g_ptr_array_index (tables, t);
      guint sheet = kvota_workbook_writer_add_sheet (writer, table->sheet);

      for (guint c = 0; c < table->n_columns; c++)
        {
          const Column *column = &table->columns[c];
          g_autofree char *title = NULL;

          /* Prices are in tenge: the heading says so. */
          if (column->kind == COLUMN_MONEY)
            /* Translators: a column heading of a spreadsheet; %s is a
             * price's name, such as “Average Price”; ₸ is the tenge. */
            title = g_strdup_printf (_("%s, ₸"), column->title);
          else
            title = g_strdup (column->title);
          kvota_workbook_writer_set_string (writer, sheet, 0, c, title, KVOTA_WORKBOOK_STYLE_HEADING);
        }
      kvota_workbook_writer_freeze_rows (writer, sheet, 1);

      for (guint r = 0; r < table_n_rows (table); r++)
        for (guint c = 0; c < table->n_columns; c++)
          {
            const Value *value = table_get (table, r, c);

            switch (table->columns[c].kind)
              {
              case COLUMN_YEAR:
                kvota_workbook_writer_set_number (writer, sheet, r + 1, c, (double) value->value,
                                                  KVOTA_WORKBOOK_STYLE_PLAIN);
                break;
              case COLUMN_QUANTITY:
                kvota_workbook_writer_set_number (writer, sheet, r + 1, c, (double) value->value,
                                                  KVOTA_WORKBOOK_STYLE_GROUPED);
                break;
              case COLUMN_MONEY:
                if (value->value >= 0)
                  kvota_workbook_writer_set_number (writer, sheet, r + 1, c, (double) value->value / 100.0,
                                                    KVOTA_WORKBOOK_STYLE_MONEY);
                break;
              case COLUMN_TEXT:
              default:
                kvota_workbook_writer_set_string (writer, sheet, r + 1, c, value->text,
                                                  KVOTA_WORKBOOK_STYLE_PLAIN);
                break;
              }
          }
    }

  return g_steal_pointer (&writer);
}

/**
 * kvota_report_export_build_xlsx:
 * @report: the trading report
 * @year: the year shown, or 0 for all years
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the report as an .xlsx workbook,
 *   one sheet a table
 */
GBytes *
kvota_report_export_build_xlsx (const KvotaTradingReport  *report,
                                int                        year,
                                GError                   **error)
{
  g_autoptr(KvotaWorkbookWriter) writer = build_workbook (report, year);

  return kvota_workbook_writer_to_bytes (writer, error);
}

/* The PDF: blocks laid out down the pages */

typedef enum
{
  BLOCK_TITLE,
  BLOCK_TEXT,
  BLOCK_HEADING,
  BLOCK_CHART,
  BLOCK_TABLE_HEADER,
  BLOCK_ROW,
  BLOCK_NOTE,
} BlockKind;

typedef struct
{
  BlockKind         kind;
  char             *text;
  const Table      *table;
  guint             row;
  KvotaReportChart *chart;
  double            height;
} Block;

typedef struct
{
  guint  block;
  double y;
} Placement;

typedef struct
{
  GPtrArray  *tables;      /* of Table */
  GArray     *blocks;      /* of Block */
  GPtrArray  *pages;       /* of GArray of Placement */
  GHashTable *widths;      /* Table → double[n_columns] */
  GPtrArray  *charts;      /* KvotaReportChart, owned */
} Document;

#define ROW_PADDING 3.0
#define CELL_GAP    10.0
#define FONT_SIZE   9.0

static void
block_clear (gpointer data)
{
  Block *block = data;

  g_clear_pointer (&block->text, g_free);
}

static void
document_free (Document *document)
{
  g_clear_pointer (&document->blocks, g_array_unref);
  g_clear_pointer (&document->pages, g_ptr_array_unref);
  g_clear_pointer (&document->widths, g_hash_table_unref);
  g_clear_pointer (&document->tables, g_ptr_array_unref);
  g_clear_pointer (&document->charts, g_ptr_array_unref);
  g_free (document);
}

static void
add_block (Document         *document,
           BlockKind         kind,
           char             *text,
           const Table      *table,
           guint             row,
           KvotaReportChart *chart)
{
  Block block = { kind, text, table, row, chart, 0 };

  g_array_append_val (document->blocks, block);
}

static void
add_chart (Document                 *document,
           const KvotaTradingReport *report,
           int                       year,
           KvotaReportChartKind      kind)
{
  KvotaReportChart *chart = KVOTA_REPORT_CHART (g_object_ref_sink (kvota_report_chart_new (kind)));

  kvota_report_chart_set_report (chart, report, year);
  g_ptr_array_add (document->charts, chart);
  if (kvota_report_chart_get_n_bars (chart) == 0)
    return;

  add_block (document, BLOCK_HEADING, g_strdup (kvota_report_chart_get_title (chart)), NULL, 0, NULL);
  add_block (document, BLOCK_CHART, NULL, NULL, 0, chart);
}

static Document *
document_new (const KvotaTradingReport *report,
              int                       year)
{
  Document *document = g_new0 (Document, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = kvota_format_date_time (now);
  gint64 quotas = 0;
  gint64 transactions = 0;

  document->tables = build_tables (report, year);
  document->blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  g_array_set_clear_func (document->blocks, block_clear);
  document->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  document->widths = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  document->charts = g_ptr_array_new_with_free_func (g_object_unref);

  if (year != 0)
    /* Translators: the title of the printed report; %d is a year. */
    add_block (document, BLOCK_TITLE, g_strdup_printf (_("Trading Report for %d"), year), NULL, 0, NULL);
  else
    add_block (document, BLOCK_TITLE, g_strdup (_("Trading Report for All Years")), NULL, 0, NULL);

  /* Translators: under the title of the printed report; %s is the date
   * and time it was made. */
  add_block (document, BLOCK_NOTE,
             g_strdup_printf (_("Completed transfers of quotas, as the registry’s ledger records them on %s."), when),
             NULL, 0, NULL);

  for (guint i = 0; i < report->years->len; i++)
    {
      const KvotaTradingFigures *figures = &g_array_index (report->years, KvotaTradingFigures, i);

      if (year == 0 || figures->year == year)
        {
          quotas += figures->quotas;
          transactions += figures->transactions;
        }
    }

  {
    g_autofree char *quotas_text = kvota_format_quantity (quotas);
    g_autofree char *transactions_text = kvota_format_quantity (transactions);

    /* Translators: the summary of the printed report: the quotas traded
     * (tonnes of CO₂ equivalent) and the number of completed transfers,
     * already written as numbers. */
    add_block (document, BLOCK_TEXT,
               g_strdup_printf (_("Quotas traded: %1$s t CO₂-eq. Transactions: %2$s."),
                                quotas_text, transactions_text),
               NULL, 0, NULL);
  }

  add_chart (document, report, year, KVOTA_REPORT_CHART_VOLUMES);
  add_chart (document, report, year, KVOTA_REPORT_CHART_SECTORS);

  for (guint t = 0; t < document->tables->len; t++)
    {
      const Table *table = g_ptr_array_index (document->tables, t);

      if (table_n_rows (table) == 0)
        continue;
      add_block (document, BLOCK_HEADING, g_strdup (table->title), table, 0, NULL);
      add_block (document, BLOCK_TABLE_HEADER, NULL, table, 0, NULL);
      for (guint r = 0; r < table_n_rows (table); r++)
        add_block (document, BLOCK_ROW, NULL, table, r, NULL);
    }

  return document;
}

static PangoLayout *
print_layout (GtkPrintContext *context,
              const char      *text,
              double           size,
              gboolean         bold)
{
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  PangoAttrList *attributes = pango_attr_list_new ();

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_attr_list_insert (attributes, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_set_text (layout, text, -1);

  return layout;
}

static double
print_text_height (GtkPrintContext *context,
                   const char      *text,
                   double           size,
                   gboolean         bold,
                   double           width)
{
  g_autoptr(PangoLayout) layout = print_layout (context, text, size, bold);
  int h;

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_size (layout, NULL, &h);
  return (double) h / PANGO_SCALE;
}

/* Each column as wide as its widest cell; if the table is wider than the
 * page, the text columns give way and are cut short. */
static double *
column_widths (GtkPrintContext *context,
               const Table     *table,
               double           page_width)
{
  double *widths = g_new0 (double, table->n_columns);
  double total = 0;
  double text_total = 0;

  for (guint c = 0; c < table->n_columns; c++)
    {
      g_autoptr(PangoLayout) header = print_layout (context, table->columns[c].title, FONT_SIZE, TRUE);
      int w;

      pango_layout_get_size (header, &w, NULL);
      widths[c] = (double) w / PANGO_SCALE;
      for (guint r = 0; r < table_n_rows (table); r++)
        {
          g_autofree char *text = format_value (table, r, c);
          g_autoptr(PangoLayout) layout = print_layout (context, text, FONT_SIZE, FALSE);

          pango_layout_get_size (layout, &w, NULL);
          widths[c] = MAX (widths[c], (double) w / PANGO_SCALE);
        }
      widths[c] += CELL_GAP;
      total += widths[c];
      if (table->columns[c].kind == COLUMN_TEXT)
        text_total += widths[c];
    }

  if (total > page_width && text_total > 0)
    {
      double excess = total - page_width;

      for (guint c = 0; c < table->n_columns; c++)
        if (table->columns[c].kind == COLUMN_TEXT)
          widths[c] = MAX (widths[c] - excess * widths[c] / text_total, 4 * CELL_GAP);
    }

  return widths;
}

/* The charts' labels in the tables' face. */
static PangoContext *
chart_context (GtkPrintContext *context)
{
  PangoContext *pango = gtk_print_context_create_pango_context (context);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 9");

  pango_context_set_font_description (pango, font);
  pango_font_description_free (font);
  return pango;
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  Document *document = user_data;
  double width = gtk_print_context_get_width (context);
  /* Room at the foot for the page number. */
  double height = gtk_print_context_get_height (context) - 18;
  PangoContext *pango = chart_context (context);
  GArray *page = NULL;
  double y = 0;

  g_ptr_array_set_size (document->pages, 0);

  for (guint i = 0; i < document->blocks->len; i++)
    {
      Block *block = &g_array_index (document->blocks, Block, i);
      gboolean keep_with_next = FALSE;

      switch (block->kind)
        {
        case BLOCK_TITLE:
          block->height = print_text_height (context, block->text, 16, TRUE, width) + 4;
          break;
        case BLOCK_NOTE:
          block->height = print_text_height (context, block->text, FONT_SIZE, FALSE, width) + 12;
          break;
        case BLOCK_TEXT:
          block->height = print_text_height (context, block->text, 11, FALSE, width) + 12;
          break;
        case BLOCK_HEADING:
          block->height = print_text_height (context, block->text, 12, TRUE, width) + 14;
          keep_with_next = TRUE;
          break;
        case BLOCK_CHART:
          block->height = MIN (kvota_report_chart_get_height_for_width (block->chart, pango, width), height * 0.6) + 12;
          break;
        case BLOCK_TABLE_HEADER:
          if (!g_hash_table_contains (document->widths, block->table))
            g_hash_table_insert (document->widths, (gpointer) block->table,
                                 column_widths (context, block->table, width));
          block->height = print_text_height (context, "Mg", FONT_SIZE, TRUE, width) + 2 * ROW_PADDING + 1;
          keep_with_next = TRUE;
          break;
        case BLOCK_ROW:
          block->height = print_text_height (context, "Mg", FONT_SIZE, FALSE, width) + 2 * ROW_PADDING;
          break;
        default:
          g_assert_not_reached ();
        }

      /* A heading stays with what it heads: the page breaks before it if
       * the next block would not fit beneath it. */
      {
        double needed = block->height;

        if (keep_with_next && i + 1 < document->blocks->len)
          {
            const Block *next = &g_array_index (document->blocks, Block, i + 1);

            needed += next->kind == BLOCK_ROW || next->kind == BLOCK_TABLE_HEADER ? 2 * block->height : 40;
          }

        if (page == NULL || (y + needed > height && y > 0))
          {
            page = g_array_new (FALSE, FALSE, sizeof (Placement));
            g_ptr_array_add (document->pages, page);
            y = 0;

            /* A table that goes on: its heading row again. */
            if (block->kind == BLOCK_ROW)
              for (guint j = i; j > 0; j--)
                {
                  const Block *before = &g_array_index (document->blocks, Block, j - 1);

                  if (before->kind == BLOCK_TABLE_HEADER && before->table == block->table)
                    {
                      Placement header = { j - 1, y };

                      g_array_append_val (page, header);
                      y += before->height;
                      break;
                    }
                }
          }
      }

      {
        Placement placement = { i, y };

        g_array_append_val (page, placement);
        y += block->height;
      }
    }

  gtk_print_operation_set_n_pages (operation, MAX (document->pages->len, 1));
  g_object_unref (pango);
}

static void
draw_table_row (Document        *document,
                GtkPrintContext *context,
                cairo_t         *cr,
                const Block     *block,
                double           y)
{
  const Table *table = block->table;
  const double *widths = g_hash_table_lookup (document->widths, table);
  gboolean header = block->kind == BLOCK_TABLE_HEADER;
  double x = 0;

  if (widths == NULL)
    return;

  if (!header && block->row % 2 == 1)
    {
      double total = 0;

      for (guint c = 0; c < table->n_columns; c++)
        total += widths[c];
      cairo_set_source_rgb (cr, 0.96, 0.96, 0.96);
      cairo_rectangle (cr, 0, y, total, block->height);
      cairo_fill (cr);
    }

  for (guint c = 0; c < table->n_columns; c++)
    {
      g_autofree char *text = header ? g_strdup (table->columns[c].title) : format_value (table, block->row, c);
      g_autoptr(PangoLayout) layout = print_layout (context, text, FONT_SIZE, header);
      gboolean numeric = table->columns[c].kind != COLUMN_TEXT;
      double cell_width = widths[c] - CELL_GAP;
      int w;

      pango_layout_set_width (layout, (int) (cell_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, numeric && table->columns[c].kind != COLUMN_YEAR ?
                                          PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      pango_layout_get_size (layout, &w, NULL);

      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, x, y + ROW_PADDING);
      pango_cairo_show_layout (cr, layout);
      x += widths[c];
    }

  if (header)
    {
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_rectangle (cr, 0, y + block->height - 1, x - CELL_GAP, 0.75);
      cairo_fill (cr);
    }
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_number,
              gpointer           user_data)
{
  Document *document = user_data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  PangoContext *pango = chart_context (context);
  /* Ink: the registry's blue for the bars, black text, grey rules. */
  const KvotaReportChartColors colors = {
    { 0.11, 0.44, 0.85, 1.0 },
    { 0.0, 0.0, 0.0, 1.0 },
    { 0.37, 0.36, 0.39, 1.0 },
    { 0.87, 0.87, 0.85, 1.0 },
  };
  GArray *page;

  if ((guint) page_number >= document->pages->len)
    {
      g_object_unref (pango);
      return;
    }

  page = g_ptr_array_index (document->pages, page_number);
  for (guint i = 0; i < page->len; i++)
    {
      const Placement *placement = &g_array_index (page, Placement, i);
      const Block *block = &g_array_index (document->blocks, Block, placement->block);
      double y = placement->y;

      switch (block->kind)
        {
        case BLOCK_TITLE:
        case BLOCK_TEXT:
        case BLOCK_HEADING:
        case BLOCK_NOTE:
          {
            double size = block->kind == BLOCK_TITLE ? 16 : block->kind == BLOCK_HEADING ? 12 :
                          block->kind == BLOCK_TEXT ? 11 : FONT_SIZE;
            g_autoptr(PangoLayout) layout = print_layout (context, block->text, size,
                                                          block->kind == BLOCK_TITLE || block->kind == BLOCK_HEADING);

            pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
            pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
            if (block->kind == BLOCK_NOTE)
              cairo_set_source_rgb (cr, 0.37, 0.36, 0.39);
            else
              cairo_set_source_rgb (cr, 0, 0, 0);
            cairo_move_to (cr, 0, y + (block->kind == BLOCK_HEADING ? 8 : 0));
            pango_cairo_show_layout (cr, layout);
          }
          break;

        case BLOCK_CHART:
          cairo_save (cr);
          cairo_translate (cr, 0, y);
          kvota_report_chart_draw (block->chart, cr, pango, width, block->height - 12, &colors);
          cairo_restore (cr);
          break;

        case BLOCK_TABLE_HEADER:
        case BLOCK_ROW:
          draw_table_row (document, context, cr, block, y);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  /* The page number, at the foot. */
  {
    /* Translators: the foot of each page of the printed report: this
     * page's number and how many there are. */
    g_autofree char *text = g_strdup_printf (_("Page %1$d of %2$u"), page_number + 1, document->pages->len);
    g_autoptr(PangoLayout) layout = print_layout (context, text, 8, FALSE);
    int w, h;

    pango_layout_get_size (layout, &w, &h);
    cairo_set_source_rgb (cr, 0.37, 0.36, 0.39);
    cairo_move_to (cr, width - (double) w / PANGO_SCALE, height - (double) h / PANGO_SCALE);
    pango_cairo_show_layout (cr, layout);
  }

  g_object_unref (pango);
}

/**
 * kvota_report_export_write_pdf:
 * @report: the trading report
 * @year: the year shown, or 0 for all years
 * @path: where to write the PDF
 * @parent: (nullable): the window
 * @error: return location for a #GError, or %NULL
 *
 * Writes the report as a PDF, through GtkPrintOperation's export.
 *
 * Returns: %TRUE if the file is written
 */
gboolean
kvota_report_export_write_pdf (const KvotaTradingReport  *report,
                               int                        year,
                               const char                *path,
                               GtkWindow                 *parent,
                               GError                   **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  Document *document;
  GtkPrintOperationResult result;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  document = document_new (report, year);

  gtk_page_setup_set_paper_size_and_default_margins (setup, paper);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_export_filename (operation, path);
  gtk_print_operation_set_job_name (operation, _("Trading Report"));
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), document);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), document);

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);
  document_free (document);

  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

/* The exports themselves */

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
  for (guint i = 0; i < G_N_ELEMENTS (export->csv); i++)
    g_clear_pointer (&export->csv[i], g_bytes_unref);
  g_clear_object (&export->workbook);
  g_clear_pointer (&export->report, kvota_trading_report_free);
  g_clear_error (&export->error);
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
    {
      /* Translators: %s is the reason, such as “Permission denied”. */
      g_autofree char *message = g_strdup_printf (_("Could not export the report: %s"), error->message);

      toast (export, message);
    }

  export_free (export);
}

static void
saved (Export *export)
{
  g_autofree char *name = g_file_get_basename (export->file);
  g_autofree char *message = NULL;

  if (export->kind == EXPORT_CSV && export->table == KVOTA_REPORT_ALL_TABLES)
    /* Translators: %s is a folder's name. */
    message = g_strdup_printf (_("The report’s tables are saved in “%s”."), name);
  else
    /* Translators: %s is a file name. */
    message = g_strdup_printf (_("The report is saved as “%s”."), name);

  toast (export, message);
  export_free (export);
}

static char *
year_suffix (int year)
{
  return year != 0 ? g_strdup_printf ("-%d", year) : g_strdup ("");
}

/* CSV: the server's tables, written as the server gives them. */

static void
write_csv_files_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (table_names); i++)
    {
      g_autoptr(GFile) file = NULL;
      g_autofree char *suffix = NULL;
      g_autofree char *name = NULL;

      if (export->csv[i] == NULL)
        continue;

      if (export->table == KVOTA_REPORT_ALL_TABLES)
        {
          suffix = year_suffix (export->year);
          name = g_strdup_printf ("trading-report%s-%s.csv", suffix, table_names[i]);
          file = g_file_get_child (export->file, name);
        }
      else
        file = g_object_ref (export->file);

      if (!g_file_replace_contents (file, g_bytes_get_data (export->csv[i], NULL),
                                    g_bytes_get_size (export->csv[i]), NULL, FALSE,
                                    G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (export, error);
      return;
    }

  saved (export);
}

static void
write_in_thread (Export          *export,
                 GTaskThreadFunc  func)
{
  g_autoptr(GTask) task = g_task_new (NULL, export->cancellable, written_cb, export);

  g_task_set_source_tag (task, write_in_thread);
  g_task_set_task_data (task, export, NULL);
  g_task_run_in_thread (task, func);
}

/* Each table's download knows its slot. */
typedef struct
{
  Export *export;
  guint   index;
} Download;

static void
table_downloaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autofree Download *download = user_data;
  Export *export = download->export;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = kvota_client_download_finish (KVOTA_CLIENT (object), result, &error);
  export->n_pending--;

  if (bytes != NULL)
    export->csv[download->index] = bytes;
  else
    {
      /* The first failure ends the export: the other downloads are
       * cancelled, and the last to finish tells why. */
      if (export->error == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        export->error = g_steal_pointer (&error);
      g_cancellable_cancel (export->cancellable);
    }

  if (export->n_pending > 0)
    return;

  if (export->error != NULL)
    fail (export, export->error);
  else if (g_cancellable_is_cancelled (export->cancellable))
    export_free (export);
  else
    write_in_thread (export, write_csv_files_thread);
}

static void
start_csv (Export *export)
{
  for (guint i = 0; i < G_N_ELEMENTS (table_names); i++)
    {
      g_autofree char *path = NULL;
      Download *download;

      if (export->table != KVOTA_REPORT_ALL_TABLES && (guint) export->table != i)
        continue;

      if (export->year != 0)
        path = g_strdup_printf ("/api/v1/reports/trading?format=csv&table=%s&year=%d",
                                table_names[i], export->year);
      else
        path = g_strdup_printf ("/api/v1/reports/trading?format=csv&table=%s", table_names[i]);

      download = g_new0 (Download, 1);
      download->export = export;
      download->index = i;
      export->n_pending++;
      kvota_client_download_async (export->client, path, export->cancellable,
                                   table_downloaded_cb, download);
    }
}

/* .xlsx: the workbook is built when the export starts, written in a
 * worker thread. */

static void
write_xlsx_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  /* The zip package is put together here too, off the main thread. */
  if (!kvota_workbook_writer_save (export->workbook, export->file, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
start_pdf (Export *export)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (export->file);
  GtkRoot *root = gtk_widget_get_root (export->parent);

  if (path == NULL)
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   _("The PDF can only be saved to a local folder."));
      fail (export, error);
      return;
    }

  if (!kvota_report_export_write_pdf (export->report, export->year, path,
                                      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error))
    {
      fail (export, error);
      return;
    }

  saved (export);
}

static void
start (Export *export)
{
  switch (export->kind)
    {
    case EXPORT_CSV:
      start_csv (export);
      break;
    case EXPORT_XLSX:
      write_in_thread (export, write_xlsx_thread);
      break;
    case EXPORT_PDF:
      start_pdf (export);
      break;
    default:
      g_assert_not_reached ();
    }
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

  start (export);
}

static void
parent_destroyed_cb (GtkWidget *parent,
                     gpointer   user_data)
{
  Export *export = user_data;

  /* The page is going: stop. While the file chooser is open no callback
   * is on its way, so the export ends here; otherwise the cancelled
   * callback ends it. */
  g_cancellable_cancel (export->cancellable);
  g_clear_signal_handler (&export->destroy_id, export->parent);
  if (export->file == NULL && export->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (export->chooser, export);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (export->chooser));
      export_free (export);
    }
}

static Export *
export_new (GtkWidget  *parent,
            ExportKind  kind,
            int         year)
{
  Export *export = g_new0 (Export, 1);

  export->parent = g_object_ref (parent);
  export->cancellable = g_cancellable_new ();
  export->kind = kind;
  export->year = year;
  export->table = KVOTA_REPORT_ALL_TABLES;
  export->destroy_id = g_signal_connect (parent, "destroy", G_CALLBACK (parent_destroyed_cb), export);
  return export;
}

static void
ask (Export     *export,
     const char *title,
     const char *name,
     const char *filter_name,
     const char *mime_type,
     const char *suffix)
{
  GtkRoot *root = gtk_widget_get_root (export->parent);
  gboolean folder = export->kind == EXPORT_CSV && export->table == KVOTA_REPORT_ALL_TABLES;

  export->chooser = gtk_file_chooser_native_new (title,
                                                 GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER :
                                                          GTK_FILE_CHOOSER_ACTION_SAVE,
                                                 folder ? _("_Select") : _("_Save"),
                                                 _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (export->chooser), TRUE);

  if (!folder)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (export->chooser), name);
      gtk_file_filter_set_name (filter, filter_name);
      gtk_file_filter_add_mime_type (filter, mime_type);
      gtk_file_filter_add_suffix (filter, suffix);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (export->chooser), filter);
    }

  g_signal_connect (export->chooser, "response", G_CALLBACK (chooser_response_cb), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (export->chooser));
}

static char *
file_name (int         year,
           const char *table,
           const char *extension)
{
  g_autofree char *suffix = year_suffix (year);

  /* File names stay in Latin letters: they travel by e-mail and between
   * systems that mangle others. */
  if (table != NULL)
    return g_strdup_printf ("trading-report%s-%s.%s", suffix, table, extension);
  return g_strdup_printf ("trading-report%s.%s", suffix, extension);
}

/**
 * kvota_report_export_csv:
 * @parent: the page asking; toasts go to its window
 * @client: the signed-in client
 * @year: the year shown, or 0 for all years
 * @table: a #KvotaTradingTable, or %KVOTA_REPORT_ALL_TABLES for all four
 *   into a folder
 *
 * Asks where to save, fetches the tables as CSV from the server and
 * writes them.
 */
void
kvota_report_export_csv (GtkWidget   *parent,
                         KvotaClient *client,
                         int          year,
                         int          table)
{
  g_autofree char *name = NULL;
  Export *export;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (KVOTA_IS_CLIENT (client));
  g_return_if_fail (table == KVOTA_REPORT_ALL_TABLES || (table >= 0 && table < (int) G_N_ELEMENTS (table_names)));

  export = export_new (parent, EXPORT_CSV, year);
  export->client = g_object_ref (client);
  export->table = table;

  name = file_name (year, table >= 0 ? table_names[table] : NULL, "csv");
  ask (export,
       table == KVOTA_REPORT_ALL_TABLES ? _("Choose a Folder for the Report’s Tables") : _("Export Table as CSV"),
       name, _("CSV Files"), "text/csv", "csv");
}

/**
 * kvota_report_export_xlsx:
 * @parent: the page asking; toasts go to its window
 * @report: the trading report
 * @year: the year shown, or 0 for all years
 *
 * Asks where to save, and writes the report as an .xlsx workbook.
 */
void
kvota_report_export_xlsx (GtkWidget                *parent,
                          const KvotaTradingReport *report,
                          int                       year)
{
  g_autofree char *name = NULL;
  Export *export;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (report != NULL);

  export = export_new (parent, EXPORT_XLSX, year);

  /* A few hundred cells, taken at once; the package is made and written
   * in a worker thread. */
  export->workbook = build_workbook (report, year);

  name = file_name (year, NULL, "xlsx");
  ask (export, _("Export Report as Spreadsheet"), name, _("Excel Workbooks"),
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
}

/**
 * kvota_report_export_pdf:
 * @parent: the page asking; toasts go to its window
 * @report: the trading report
 * @year: the year shown, or 0 for all years
 *
 * Asks where to save, and writes the report as a PDF.
 */
void
kvota_report_export_pdf (GtkWidget                *parent,
                         const KvotaTradingReport *report,
                         int                       year)
{
  g_autofree char *name = NULL;
  Export *export;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (report != NULL);

  export = export_new (parent, EXPORT_PDF, year);
  export->report = copy_report (report);

  name = file_name (year, NULL, "pdf");
  ask (export, _("Export Report as PDF"), name, _("PDF Documents"), "application/pdf", "pdf");
}

/**
 * kvota_report_export_save:
 * @parent: the page asking; toasts go to its window
 * @client: the signed-in client, for CSV
 * @report: the trading report, for .xlsx and PDF
 * @year: the year shown, or 0 for all years
 * @format: what to write
 * @table: for CSV, a #KvotaTradingTable or %KVOTA_REPORT_ALL_TABLES
 * @file: the file to write, or for all CSV tables the folder
 *
 * Exports without asking where: as the exports above do once the user
 * has chosen.
 */
void
kvota_report_export_save (GtkWidget                *parent,
                          KvotaClient              *client,
                          const KvotaTradingReport *report,
                          int                       year,
                          KvotaReportFormat         format,
                          int                       table,
                          GFile                    *file)
{
  Export *export;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (format != KVOTA_REPORT_FORMAT_CSV || KVOTA_IS_CLIENT (client));
  g_return_if_fail (format == KVOTA_REPORT_FORMAT_CSV || report != NULL);

  export = export_new (parent, (ExportKind) format, year);
  export->file = g_object_ref (file);
  export->table = table;
  if (client != NULL)
    export->client = g_object_ref (client);

  if (format == KVOTA_REPORT_FORMAT_XLSX)
    export->workbook = build_workbook (report, year);
  if (format == KVOTA_REPORT_FORMAT_PDF)
    export->report = copy_report (report);

  start (export);
}
