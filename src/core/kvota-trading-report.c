/* kvota-trading-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-report"

#include "config.h"

#include <string.h>

#include "kvota-csv.h"
#include "kvota-error.h"
#include "kvota-quantity.h"
#include "kvota-trading-report.h"

/* The trading report's tables and their wire format: written here for
 * the server and kvotactl, and read back here into the KvotaTradingReport
 * that kvota_store_trading_report() makes, so the client holds the very
 * tables the server computed and can write them with
 * kvota_trading_report_to_csv() byte for byte as the server would. The reply carries each average price rather than the sum
 * of the prices; the sum is rebuilt as average × priced quotas, which
 * gives back the same average to the tiyn. */

static void
sector_free (gpointer data)
{
  KvotaTradingSector *sector = data;

  g_free (sector->sector);
  g_free (sector);
}

static void
account_free (gpointer data)
{
  KvotaTradingAccount *account = data;

  g_free (account->account);
  g_free (account->name);
  g_free (account);
}

/**
 * kvota_trading_report_new:
 *
 * Returns: (transfer full): an empty report, for the store or the reader
 *   to fill
 */
KvotaTradingReport *
kvota_trading_report_new (void)
{
  KvotaTradingReport *report = g_new0 (KvotaTradingReport, 1);

  report->years = g_array_new (FALSE, TRUE, sizeof (KvotaTradingFigures));
  report->months = g_array_new (FALSE, TRUE, sizeof (KvotaTradingFigures));
  report->sectors = g_ptr_array_new_with_free_func (sector_free);
  report->accounts = g_ptr_array_new_with_free_func (account_free);
  return report;
}

void
kvota_trading_report_free (KvotaTradingReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->years, g_array_unref);
  g_clear_pointer (&report->months, g_array_unref);
  g_clear_pointer (&report->sectors, g_ptr_array_unref);
  g_clear_pointer (&report->accounts, g_ptr_array_unref);
  g_free (report);
}

static gboolean
read_count (JsonObject  *object,
            const char  *name,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, name);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_text (JsonObject  *object,
           const char  *name,
           gboolean     nullable,
           char       **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_strdup ("");
      return TRUE;
    }

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, name);
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *name,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, name);
      return NULL;
    }

  return json_node_get_array (node);
}

static JsonObject *
get_object (JsonNode    *node,
            const char  *name,
            GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, name);
      return NULL;
    }

  return json_node_get_object (node);
}

/* {"quotas_traded", "transactions", "prices"} into @figures; the year and
 * the month are the caller's. */
static gboolean
read_figures (JsonObject           *object,
              KvotaTradingFigures  *figures,
              GError              **error)
{
  JsonNode *node;
  JsonObject *prices;
  gint64 average;

  if (!read_count (object, "quotas_traded", &figures->quotas, error) ||
      !read_count (object, "transactions", &figures->transactions, error))
    return FALSE;

  figures->min_price = -1;
  figures->max_price = -1;

  node = json_object_get_member (object, "prices");
  if (node == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, "prices");
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if ((prices = get_object (node, "prices", error)) == NULL ||
      !read_count (prices, "min_tiyn", &figures->min_price, error) ||
      !read_count (prices, "max_tiyn", &figures->max_price, error) ||
      !read_count (prices, "average_tiyn", &average, error) ||
      !read_count (prices, "priced_quotas", &figures->priced_quotas, error))
    return FALSE;

  if (figures->priced_quotas == 0 ||
      figures->min_price > figures->max_price ||
      average < figures->min_price || average > figures->max_price)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "prices");
      return FALSE;
    }

  if (!kvota_quantity_multiply (average, figures->priced_quotas, &figures->value, error))
    return FALSE;

  return TRUE;
}

static gboolean
read_year (KvotaTradingReport  *report,
           JsonNode            *node,
           GError             **error)
{
  KvotaTradingFigures figures = { 0, };
  JsonObject *object;
  JsonArray *array;
  gint64 year;

  if ((object = get_object (node, "years", error)) == NULL ||
      !read_count (object, "year", &year, error) ||
      !read_figures (object, &figures, error))
    return FALSE;

  if (year > G_MAXINT)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "year");
      return FALSE;
    }
  figures.year = (int) year;
  g_array_append_val (report->years, figures);

  if ((array = get_array (object, "months", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaTradingFigures month = { figures.year, 0, };
      JsonObject *member;
      gint64 number;

      if ((member = get_object (json_array_get_element (array, i), "months", error)) == NULL ||
          !read_count (member, "month", &number, error) ||
          !read_figures (member, &month, error))
        return FALSE;

      /* Twelve, in order: a chart and a spreadsheet rely on it. */
      if (number != (gint64) i + 1 || number > 12)
        {
          kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "month");
          return FALSE;
        }
      month.month = (int) number;
      g_array_append_val (report->months, month);
    }
  if (json_array_get_length (array) != 12)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "months");
      return FALSE;
    }

  if ((array = get_array (object, "sectors", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaTradingSector *sector = g_new0 (KvotaTradingSector, 1);
      JsonObject *member;

      g_ptr_array_add (report->sectors, sector);
      sector->year = figures.year;
      if ((member = get_object (json_array_get_element (array, i), "sectors", error)) == NULL ||
          !read_text (member, "sector", TRUE, &sector->sector, error) ||
          !read_count (member, "quotas_traded", &sector->quotas, error) ||
          !read_count (member, "transactions", &sector->transactions, error))
        return FALSE;
    }

  if ((array = get_array (object, "top_accounts", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaTradingAccount *account = g_new0 (KvotaTradingAccount, 1);
      JsonObject *member;

      /* Owned by the report at once, so a failure below frees it. */
      g_ptr_array_add (report->accounts, account);
      account->year = figures.year;
      account->rank = i + 1;
      if ((member = get_object (json_array_get_element (array, i), "top_accounts", error)) == NULL ||
          !read_text (member, "account", FALSE, &account->account, error) ||
          !read_text (member, "name", FALSE, &account->name, error) ||
          !read_count (member, "sold", &account->sold, error) ||
          !read_count (member, "bought", &account->bought, error) ||
          !read_count (member, "transactions", &account->transactions, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * kvota_trading_report_from_json:
 * @node: the reply of `GET /api/v1/reports/trading`, as
 *   kvota_trading_report_to_json() writes it
 * @error: return location for a #GError, or %NULL
 *
 * Reads the trading report back. Each year's months are all twelve, in
 * order; its top accounts are ranked in the order they come.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL if @node is
 *   not one
 */
KvotaTradingReport *
kvota_trading_report_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(KvotaTradingReport) report = kvota_trading_report_new ();
  JsonObject *object;
  JsonArray *years;

  g_return_val_if_fail (node != NULL, NULL);

  if ((object = get_object (node, "years", error)) == NULL ||
      (years = get_array (object, "years", error)) == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (years); i++)
    {
      if (!read_year (report, json_array_get_element (years, i), error))
        return NULL;

      /* One entry a year, oldest first. */
      if (i > 0 &&
          g_array_index (report->years, KvotaTradingFigures, i).year <=
          g_array_index (report->years, KvotaTradingFigures, i - 1).year)
        {
          kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "year");
          return NULL;
        }
    }

  return g_steal_pointer (&report);
}

/**
 * kvota_trading_report_find_year:
 * @report: a #KvotaTradingReport
 * @year: a year
 *
 * Returns: (nullable): the figures of @year, or %NULL if it has no trades
 */
const KvotaTradingFigures *
kvota_trading_report_find_year (const KvotaTradingReport *report,
                                int                       year)
{
  g_return_val_if_fail (report != NULL, NULL);

  for (guint i = 0; i < report->years->len; i++)
    {
      const KvotaTradingFigures *figures = &g_array_index (report->years, KvotaTradingFigures, i);

      if (figures->year == year)
        return figures;
    }

  return NULL;
}

/**
 * kvota_trading_figures_has_prices:
 * @figures: a year or a month of the report
 *
 * Returns: whether any of its transfers stated a price
 */
gboolean
kvota_trading_figures_has_prices (const KvotaTradingFigures *figures)
{
  g_return_val_if_fail (figures != NULL, FALSE);

  return figures->priced_quotas > 0;
}

/**
 * kvota_trading_figures_average:
 * @figures: a year or a month of the report
 *
 * Returns: the average price per quota in tiyn, weighted by quantity and
 *   rounded to the nearest tiyn as the server rounds it, or -1 without
 *   prices
 */
gint64
kvota_trading_figures_average (const KvotaTradingFigures *figures)
{
  g_return_val_if_fail (figures != NULL, -1);

  if (figures->priced_quotas <= 0)
    return -1;

  return (figures->value + figures->priced_quotas / 2) / figures->priced_quotas;
}

/* {"min_tiyn", "max_tiyn", "average_tiyn", "priced_quotas"}, or null when
 * no transfer stated a price. The average is weighted by quantity and
 * rounded to the nearest tiyn. */
static void
add_prices (JsonBuilder               *builder,
            const KvotaTradingFigures *figures)
{
  json_builder_set_member_name (builder, "prices");
  if (figures->priced_quotas <= 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "min_tiyn");
  json_builder_add_int_value (builder, figures->min_price);
  json_builder_set_member_name (builder, "max_tiyn");
  json_builder_add_int_value (builder, figures->max_price);
  json_builder_set_member_name (builder, "average_tiyn");
  json_builder_add_int_value (builder, kvota_trading_figures_average (figures));
  json_builder_set_member_name (builder, "priced_quotas");
  json_builder_add_int_value (builder, figures->priced_quotas);
  json_builder_end_object (builder);
}

static void
add_figures (JsonBuilder               *builder,
             const KvotaTradingFigures *figures)
{
  json_builder_set_member_name (builder, "quotas_traded");
  json_builder_add_int_value (builder, figures->quotas);
  json_builder_set_member_name (builder, "transactions");
  json_builder_add_int_value (builder, figures->transactions);
  add_prices (builder, figures);
}

/**
 * kvota_trading_report_to_json:
 * @report: from kvota_store_trading_report()
 *
 * Returns: (transfer full): `{"years": [{"year", "quotas_traded",
 *   "transactions", "prices", "months", "sectors", "top_accounts"}, …]}`
 */
JsonNode *
kvota_trading_report_to_json (const KvotaTradingReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "years");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->years->len; i++)
    {
      const KvotaTradingFigures *entry = &g_array_index (report->years, KvotaTradingFigures, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "year");
      json_builder_add_int_value (builder, entry->year);
      add_figures (builder, entry);

      json_builder_set_member_name (builder, "months");
      json_builder_begin_array (builder);
      for (guint j = 0; j < report->months->len; j++)
        {
          const KvotaTradingFigures *month = &g_array_index (report->months, KvotaTradingFigures, j);

          if (month->year != entry->year)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "month");
          json_builder_add_int_value (builder, month->month);
          add_figures (builder, month);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "sectors");
      json_builder_begin_array (builder);
      for (guint j = 0; j < report->sectors->len; j++)
        {
          const KvotaTradingSector *sector = g_ptr_array_index (report->sectors, j);

          if (sector->year != entry->year)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "sector");
          if (sector->sector[0] != '\0')
            json_builder_add_string_value (builder, sector->sector);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "quotas_traded");
          json_builder_add_int_value (builder, sector->quotas);
          json_builder_set_member_name (builder, "transactions");
          json_builder_add_int_value (builder, sector->transactions);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "top_accounts");
      json_builder_begin_array (builder);
      for (guint j = 0; j < report->accounts->len; j++)
        {
          const KvotaTradingAccount *account = g_ptr_array_index (report->accounts, j);

          if (account->year != entry->year)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "account");
          json_builder_add_string_value (builder, account->account);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, account->name);
          json_builder_set_member_name (builder, "sold");
          json_builder_add_int_value (builder, account->sold);
          json_builder_set_member_name (builder, "bought");
          json_builder_add_int_value (builder, account->bought);
          json_builder_set_member_name (builder, "transactions");
          json_builder_add_int_value (builder, account->transactions);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
append_price (GString *csv,
              gint64   price)
{
  if (price >= 0)
    g_string_append_printf (csv, "%" G_GINT64_FORMAT, price);
}

/**
 * kvota_trading_table_from_string:
 * @string: `years`, `months`, `sectors` or `accounts`
 * @table: (out): the table
 *
 * Returns: %TRUE if @string names a table of the trading report
 */
gboolean
kvota_trading_table_from_string (const char        *string,
                                 KvotaTradingTable *table)
{
  static const char * const names[] = { "years", "months", "sectors", "accounts" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (string, names[i]) == 0)
      {
        *table = (KvotaTradingTable) i;
        return TRUE;
      }

  return FALSE;
}

/**
 * kvota_trading_report_to_csv:
 * @report: from kvota_store_trading_report()
 * @table: which table
 *
 * Returns: (transfer full): the table as CSV. The yearly table has the
 *   header `year,quotas_traded,transactions`; the monthly one
 *   `year,month,quotas_traded,transactions,min_price_tiyn,max_price_tiyn,average_price_tiyn`;
 *   the sectors `year,sector,quotas_traded,transactions`; the top accounts
 *   `year,rank,account,name,sold,bought,transactions`.
 */
char *
kvota_trading_report_to_csv (const KvotaTradingReport *report,
                             KvotaTradingTable         table)
{
  GString *csv = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, NULL);

  switch (table)
    {
    case KVOTA_TRADING_TABLE_YEARS:
      g_string_append (csv, "year,quotas_traded,transactions\n");
      for (guint i = 0; i < report->years->len; i++)
        {
          const KvotaTradingFigures *entry = &g_array_index (report->years, KvotaTradingFigures, i);

          g_string_append_printf (csv, "%d,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n",
                                  entry->year, entry->quotas, entry->transactions);
        }
      break;

    case KVOTA_TRADING_TABLE_MONTHS:
      g_string_append (csv, "year,month,quotas_traded,transactions,min_price_tiyn,max_price_tiyn,"
                            "average_price_tiyn\n");
      for (guint i = 0; i < report->months->len; i++)
        {
          const KvotaTradingFigures *entry = &g_array_index (report->months, KvotaTradingFigures, i);

          g_string_append_printf (csv, "%d,%d,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",",
                                  entry->year, entry->month, entry->quotas, entry->transactions);
          append_price (csv, entry->min_price);
          g_string_append_c (csv, ',');
          append_price (csv, entry->max_price);
          g_string_append_c (csv, ',');
          append_price (csv, kvota_trading_figures_average (entry));
          g_string_append_c (csv, '\n');
        }
      break;

    case KVOTA_TRADING_TABLE_SECTORS:
      g_string_append (csv, "year,sector,quotas_traded,transactions\n");
      for (guint i = 0; i < report->sectors->len; i++)
        {
          const KvotaTradingSector *sector = g_ptr_array_index (report->sectors, i);

          g_string_append_printf (csv, "%d,", sector->year);
          kvota_csv_append_field (csv, sector->sector);
          g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n",
                                  sector->quotas, sector->transactions);
        }
      break;

    case KVOTA_TRADING_TABLE_ACCOUNTS:
      g_string_append (csv, "year,rank,account,name,sold,bought,transactions\n");
      for (guint i = 0; i < report->accounts->len; i++)
        {
          const KvotaTradingAccount *account = g_ptr_array_index (report->accounts, i);

          g_string_append_printf (csv, "%d,%u,", account->year, account->rank);
          kvota_csv_append_field (csv, account->account);
          g_string_append_c (csv, ',');
          kvota_csv_append_field (csv, account->name);
          g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n",
                                  account->sold, account->bought, account->transactions);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return g_string_free (csv, FALSE);
}
