/* test-nap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The National Allocation Plan as the reader finds it in the sample files
 * (written by Gnumeric in .xlsx, .xls and .ods) and every check it makes.
 */

#include "config.h"

#include <string.h>

#include "kvota-error.h"
#include "kvota-nap.h"

static KvotaNap *
read_nap (const char *directory,
          const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", directory, name, NULL);
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  KvotaNap *nap;

  workbook = kvota_workbook_open (path, &error);
  g_assert_no_error (error);
  nap = kvota_nap_read (workbook, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nap);

  return nap;
}

static const KvotaNapLine *
find_line (KvotaNap   *nap,
           const char *installation)
{
  GPtrArray *lines = kvota_nap_get_lines (nap);

  for (guint i = 0; i < lines->len; i++)
    {
      const KvotaNapLine *line = g_ptr_array_index (lines, i);

      if (g_strcmp0 (line->installation, installation) == 0)
        return line;
    }

  return NULL;
}

static void
assert_no_findings (KvotaNap *nap)
{
  GPtrArray *findings = kvota_nap_get_findings (nap);

  for (guint i = 0; i < findings->len; i++)
    g_test_message ("unexpected: %s", ((KvotaNapFinding *) g_ptr_array_index (findings, i))->message);
  g_assert_cmpuint (findings->len, ==, 0);
}

static void
test_nap_sample_2014 (void)
{
  g_autoptr(KvotaNap) xlsx = read_nap ("data", "nap-2014.xlsx");
  g_autoptr(KvotaNap) xls = read_nap ("data", "nap-2014.xls");
  const KvotaNapLine *line;
  GArray *years = kvota_nap_get_years (xlsx);
  KvotaQuantity total = 0;
  guint reserves = 0;

  assert_no_findings (xlsx);
  assert_no_findings (xls);
  g_assert_true (kvota_nap_equal (xlsx, xls));

  g_assert_cmpuint (years->len, ==, 1);
  g_assert_cmpint (g_array_index (years, int, 0), ==, 2014);
  g_assert_cmpstr (kvota_nap_get_sheet_name (xlsx), ==, "НПРК 2014");
  g_assert_cmpuint (kvota_nap_get_lines (xlsx)->len, ==, 17 + 2);

  line = find_line (xlsx, "Энергоблоки 1–4");
  g_assert_nonnull (line);
  g_assert_false (line->reserve);
  g_assert_cmpstr (line->bin, ==, "140340000018");
  g_assert_cmpstr (line->operator_name, ==, "АО «Павлодарская ТЭЦ» (demo)");
  g_assert_cmpstr (line->sector, ==, "Электроэнергетика");
  g_assert_cmpuint (line->row, ==, 7);

  for (guint i = 0; i < kvota_nap_get_lines (xlsx)->len; i++)
    reserves += ((KvotaNapLine *) g_ptr_array_index (kvota_nap_get_lines (xlsx), i))->reserve;
  g_assert_cmpuint (reserves, ==, 2);

  /* The plan's own totals row says what the lines must add up to, and
   * the reader found no mismatch: its sum is the file's total. */
  g_assert_true (kvota_nap_get_total (xlsx, 0, &total));
  g_assert_cmpint (total, >, 30000000);
}

static void
test_nap_sample_2015 (void)
{
  g_autoptr(KvotaNap) xlsx = read_nap ("data", "nap-2015.xlsx");
  g_autoptr(KvotaNap) xls = read_nap ("data", "nap-2015.xls");
  const KvotaNapLine *line;

  assert_no_findings (xlsx);
  g_assert_true (kvota_nap_equal (xlsx, xls));
  g_assert_cmpint (g_array_index (kvota_nap_get_years (xlsx), int, 0), ==, 2015);
  g_assert_cmpuint (kvota_nap_get_lines (xlsx)->len, ==, 18 + 2);

  line = find_line (xlsx, "Парогазовая установка");
  g_assert_nonnull (line);
  g_assert_cmpstr (line->sector, ==, "Энергосбережение и новые мощности");
}

static void
test_nap_languages (void)
{
  g_autoptr(KvotaNap) kk = read_nap ("tests/data", "nap-kk-2014-2015.ods");
  g_autoptr(KvotaNap) en = read_nap ("tests/data", "nap-en-2014-2015.xls");

  assert_no_findings (kk);
  assert_no_findings (en);

  for (guint i = 0; i < 2; i++)
    {
      KvotaNap *nap = i == 0 ? kk : en;
      GArray *years = kvota_nap_get_years (nap);

      g_assert_cmpuint (years->len, ==, 2);
      g_assert_cmpint (g_array_index (years, int, 0), ==, 2014);
      g_assert_cmpint (g_array_index (years, int, 1), ==, 2015);
      g_assert_cmpuint (kvota_nap_get_lines (nap)->len, ==, 17 + 2);
      g_assert_nonnull (find_line (nap, "Энергоблоки 1–4"));
    }
}

typedef struct
{
  const char *code;
  const char *cell;
} Expected;

static void
test_nap_findings (void)
{
  g_autoptr(KvotaNap) nap = read_nap ("tests/data", "nap-errors-2014.xlsx");
  GPtrArray *findings = kvota_nap_get_findings (nap);
  /* What make-sample-naps.py broke in this file, and where. */
  static const Expected expected[] = {
    { "invalid-bin", "C7" },
    { "negative-amount", "F8" },
    { "fractional-amount", "F9" },
    { "non-numeric-amount", "F10" },
    { "bin-name-conflict", "B11" },
    { "duplicate-installation", "11" },
    { "totals-mismatch", NULL },
  };

  for (guint e = 0; e < G_N_ELEMENTS (expected); e++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < findings->len && !found; i++)
        {
          KvotaNapFinding *finding = g_ptr_array_index (findings, i);
          g_autofree char *cell = finding->row > 0 ? kvota_nap_cell_name (finding->row, finding->column) : NULL;

          found = g_str_equal (kvota_nap_check_to_string (finding->check), expected[e].code) &&
                  (expected[e].cell == NULL || g_strcmp0 (cell, expected[e].cell) == 0);
          if (found)
            {
              g_assert_cmpint (finding->severity, ==, KVOTA_NAP_SEVERITY_ERROR);
              g_assert_nonnull (finding->message);
              g_assert_cmpstr (finding->message, !=, "");
            }
        }

      if (!found)
        g_error ("no finding %s at %s", expected[e].code, expected[e].cell);
    }

  g_assert_cmpuint (kvota_nap_count_errors (nap), >=, G_N_ELEMENTS (expected));
}

static void
test_nap_period (void)
{
  g_autoptr(KvotaNap) nap = read_nap ("tests/data", "nap-kk-2014-2015.ods");
  GPtrArray *findings = kvota_nap_get_findings (nap);

  kvota_nap_check_period (nap, 2014, 2015);
  g_assert_cmpuint (findings->len, ==, 0);

  /* 2014 lies outside 2015–2016, and 2016 has no column. */
  kvota_nap_check_period (nap, 2015, 2016);
  g_assert_cmpuint (findings->len, ==, 2);
  for (guint i = 0; i < findings->len; i++)
    g_assert_cmpstr (kvota_nap_check_to_string (((KvotaNapFinding *) g_ptr_array_index (findings, i))->check),
                     ==, "year-outside-period");
  g_assert_true (strstr (((KvotaNapFinding *) g_ptr_array_index (findings, 0))->message, "2014") != NULL);
  g_assert_true (strstr (((KvotaNapFinding *) g_ptr_array_index (findings, 1))->message, "2016") != NULL);
  g_assert_cmpuint (kvota_nap_count_errors (nap), ==, 2);
}

static void
test_nap_no_table (void)
{
  g_autoptr(KvotaNap) nap = read_nap ("tests/data", "not-a-plan.xlsx");
  GPtrArray *findings = kvota_nap_get_findings (nap);

  g_assert_cmpuint (kvota_nap_get_lines (nap)->len, ==, 0);
  g_assert_cmpuint (findings->len, ==, 1);
  g_assert_cmpstr (kvota_nap_check_to_string (((KvotaNapFinding *) g_ptr_array_index (findings, 0))->check),
                   ==, "missing-columns");
}

static void
test_nap_round_trip (void)
{
  g_autoptr(KvotaNap) nap = read_nap ("data", "nap-2015.xlsx");
  g_autoptr(KvotaNap) copy = NULL;
  g_autoptr(JsonNode) node = kvota_nap_to_json (nap, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = kvota_nap_to_csv (nap);
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);

  copy = kvota_nap_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (kvota_nap_equal (nap, copy));

  g_assert_cmpstr (lines[0], ==, "row,operator,bin,installation,sector,year,allocation");
  /* One line per installation and year, then the final newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, kvota_nap_get_lines (nap)->len + 2);
  g_assert_true (strstr (csv, ",RESERVE,,Резерв для новых установок,") != NULL);
  g_assert_true (strstr (csv, ",\"АО «Павлодарская ТЭЦ» (demo)\"") == NULL);
  g_assert_true (strstr (csv, ",АО «Павлодарская ТЭЦ» (demo),140340000018,Энергоблоки 1–4,Электроэнергетика,2015,") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/nap/sample-2014", test_nap_sample_2014);
  g_test_add_func ("/core/nap/sample-2015", test_nap_sample_2015);
  g_test_add_func ("/core/nap/languages", test_nap_languages);
  g_test_add_func ("/core/nap/findings", test_nap_findings);
  g_test_add_func ("/core/nap/period", test_nap_period);
  g_test_add_func ("/core/nap/no-table", test_nap_no_table);
  g_test_add_func ("/core/nap/round-trip", test_nap_round_trip);

  return g_test_run ();
}
