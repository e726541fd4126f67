/* test-trading-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The trading report's JSON codec: what kvota_trading_report_to_json()
 * writes (the server's reply) reads back into the same report, so the
 * client's CSV of it is the server's byte for byte; and replies that are
 * not a report are refused.
 */

#include "config.h"

#include <string.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-trading-report.h"

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

static void
add_sector (KvotaTradingReport *report,
            int                 year,
            const char         *name,
            gint64              quotas,
            gint64              transactions)
{
  KvotaTradingSector *sector = g_new0 (KvotaTradingSector, 1);

  sector->year = year;
  sector->sector = g_strdup (name);
  sector->quotas = quotas;
  sector->transactions = transactions;
  g_ptr_array_add (report->sectors, sector);
}

static void
add_account (KvotaTradingReport *report,
             int                 year,
             guint               rank,
             const char         *number,
             const char         *name,
             gint64              sold,
             gint64              bought,
             gint64              transactions)
{
  KvotaTradingAccount *account = g_new0 (KvotaTradingAccount, 1);

  account->year = year;
  account->rank = rank;
  account->account = g_strdup (number);
  account->name = g_strdup (name);
  account->sold = sold;
  account->bought = bought;
  account->transactions = transactions;
  g_ptr_array_add (report->accounts, account);
}

/* The seed's two years, with prices in some months and not in others,
 * a sector outside the plans, and names that need quoting in CSV. */
static KvotaTradingReport *
build_report (void)
{
  KvotaTradingReport *report = g_new0 (KvotaTradingReport, 1);
  static const int years[] = { 2014, 2015 };
  static const gint64 quotas[] = { 1252950, 1983922 };
  static const gint64 transactions[] = { 34, 40 };

  report->years = g_array_new (FALSE, TRUE, sizeof (KvotaTradingFigures));
  report->months = g_array_new (FALSE, TRUE, sizeof (KvotaTradingFigures));
  report->sectors = g_ptr_array_new_with_free_func (sector_free);
  report->accounts = g_ptr_array_new_with_free_func (account_free);

  for (guint y = 0; y < G_N_ELEMENTS (years); y++)
    {
      KvotaTradingFigures year = { years[y], 0, quotas[y], transactions[y], 0, 0, -1, -1 };
      gint64 left = quotas[y];
      gint64 left_transactions = transactions[y];

      for (int m = 1; m <= 12; m++)
        {
          KvotaTradingFigures month = { years[y], m, 0, 0, 0, 0, -1, -1 };

          /* Quiet in March; priced from May. */
          if (m != 3)
            {
              month.quotas = m == 12 ? left : quotas[y] / 12;
              month.transactions = m == 12 ? left_transactions : transactions[y] / 12;
              left -= month.quotas;
              left_transactions -= month.transactions;
            }
          if (m >= 5 && month.quotas > 0)
            {
              gint64 average = 72000 + 1000 * m;

              month.priced_quotas = month.quotas;
              month.value = average * month.quotas;
              month.min_price = average - 500;
              month.max_price = average + 700;
              year.priced_quotas += month.priced_quotas;
              year.value += month.value;
              year.min_price = year.min_price < 0 ? month.min_price : MIN (year.min_price, month.min_price);
              year.max_price = MAX (year.max_price, month.max_price);
            }
          g_array_append_val (report->months, month);
        }

      /* The server rounds the average: the codec rebuilds a sum that
       * gives the same one. */
      year.value = ((year.value + year.priced_quotas / 2) / year.priced_quotas) * year.priced_quotas;
      g_array_append_val (report->years, year);

      add_sector (report, years[y], "Электроэнергетика", quotas[y] * 2 / 3, transactions[y] / 2);
      add_sector (report, years[y], "Oil, \"gas\"", quotas[y] / 4, transactions[y] / 4);
      add_sector (report, years[y], "", quotas[y] - quotas[y] * 2 / 3 - quotas[y] / 4, 3);

      add_account (report, years[y], 1, "KZ-100-000006", "ТОО «Астана Карбон»", 0, 1015840, 20);
      add_account (report, years[y], 2, "KZ-100-000003", "=HYPERLINK(\"x\")", 351869, 0, 7);
    }

  /* The months of each year have rounded averages too. */
  for (guint i = 0; i < report->months->len; i++)
    {
      KvotaTradingFigures *month = &g_array_index (report->months, KvotaTradingFigures, i);

      if (month->priced_quotas > 0)
        month->value = ((month->value + month->priced_quotas / 2) / month->priced_quotas) * month->priced_quotas;
    }

  return report;
}

static void
test_round_trip (void)
{
  g_autoptr(KvotaTradingReport) report = build_report ();
  g_autoptr(KvotaTradingReport) read = NULL;
  g_autoptr(JsonNode) node = kvota_trading_report_to_json (report);
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = kvota_json_to_string (node);
  g_autofree char *json_again = NULL;

  read = kvota_trading_report_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);

  again = kvota_trading_report_to_json (read);
  json_again = kvota_json_to_string (again);
  g_assert_cmpstr (json_again, ==, json);

  /* Every CSV table, as the server writes it. */
  for (KvotaTradingTable table = KVOTA_TRADING_TABLE_YEARS; table <= KVOTA_TRADING_TABLE_ACCOUNTS; table++)
    {
      g_autofree char *expected = kvota_trading_report_to_csv (report, table);
      g_autofree char *actual = kvota_trading_report_to_csv (read, table);

      g_assert_cmpstr (actual, ==, expected);
    }

  g_assert_cmpuint (read->years->len, ==, 2);
  g_assert_cmpint (kvota_trading_report_find_year (read, 2014)->quotas, ==, 1252950);
  g_assert_cmpint (kvota_trading_report_find_year (read, 2015)->transactions, ==, 40);
  g_assert_null (kvota_trading_report_find_year (read, 2016));
  g_assert_cmpuint (read->months->len, ==, 24);
  g_assert_false (kvota_trading_figures_has_prices (&g_array_index (read->months, KvotaTradingFigures, 2)));
  g_assert_cmpint (kvota_trading_figures_average (&g_array_index (read->months, KvotaTradingFigures, 2)), ==, -1);
  g_assert_cmpint (kvota_trading_figures_average (&g_array_index (read->months, KvotaTradingFigures, 4)), ==, 77000);
  g_assert_cmpstr (((KvotaTradingSector *) g_ptr_array_index (read->sectors, 2))->sector, ==, "");
  g_assert_cmpuint (((KvotaTradingAccount *) g_ptr_array_index (read->accounts, 3))->rank, ==, 2);
}

static void
test_empty (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"years\": []}", NULL);
  g_autoptr(KvotaTradingReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = kvota_trading_report_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->years->len, ==, 0);
  g_assert_cmpuint (report->months->len, ==, 0);
}

/* Replies that are not a report, each from a valid one changed in one
 * place. */
static void
test_invalid (void)
{
  static const struct { const char *find; const char *replace; } changes[] = {
    { "\"years\":[", "\"years\":{},\"x\":[" },
    { "\"year\":2015", "\"year\":2014" },                       /* twice, not in order */
    { "\"year\":2014", "\"year\":\"2014\"" },
    { "\"quotas_traded\":1252950", "\"quotas_traded\":-1" },
    { "\"transactions\":34", "\"transactions\":34.5" },
    { "{\"month\":1,", "{\"month\":13," },
    { "{\"month\":2,", "{\"month\":1," },
    { "\"min_tiyn\":76500", "\"min_tiyn\":99999999" },           /* above the average */
    { "\"priced_quotas\":104412", "\"priced_quotas\":0" },
    { "\"sector\":\"Э", "\"sector\":7,\"x\":\"Э" },
    { "\"name\":\"=HYPERLINK", "\"name\":null,\"x\":\"" },
    { "\"top_accounts\":[", "\"top_accounts\":null,\"x\":[" },
    { "\"prices\":null", "\"prices\":[]" },
  };
  g_autoptr(KvotaTradingReport) report = build_report ();
  g_autoptr(JsonNode) node = kvota_trading_report_to_json (report);
  g_autofree char *json = kvota_json_to_string (node);

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(GString) changed = g_string_new (json);
      g_autoptr(JsonNode) bad = NULL;
      g_autoptr(KvotaTradingReport) read = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) parse_error = NULL;

      g_test_message ("%s → %s", changes[i].find, changes[i].replace);
      g_assert_nonnull (strstr (json, changes[i].find));
      g_string_replace (changed, changes[i].find, changes[i].replace, 1);
      bad = json_from_string (changed->str, &parse_error);
      g_assert_no_error (parse_error);

      read = kvota_trading_report_from_json (bad, &error);
      g_assert_null (read);
      g_assert_error (error, KVOTA_ERROR, error->code);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/trading-report/round-trip", test_round_trip);
  g_test_add_func ("/core/trading-report/empty", test_empty);
  g_test_add_func ("/core/trading-report/invalid", test_invalid);

  return g_test_run ();
}
