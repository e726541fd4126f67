/* test-workbook-ods.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OpenDocument reader: every .ods/.fods of the shared corpus is read,
 * every sheet of it, and the active sheet is compared value by value with
 * what Gnumeric's ssconvert read (numbers as numbers, dates as dates);
 * hostile documents made here must be refused or read within the limits.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "kvota-error.h"
#include "kvota-workbook.h"

static char *corpus;
static GHashTable *known;

/* Cells as the reader hands them out */

typedef struct
{
  KvotaCellKind  kind;
  double         number;
  char          *text;
  gboolean       is_date;
  char          *format;
} Cell;

static void
cell_free (gpointer data)
{
  Cell *cell = data;

  g_free (cell->text);
  g_free (cell->format);
  g_free (cell);
}

typedef struct
{
  GHashTable *cells;     /* (row << 32 | column) → Cell */
  guint32     n_rows;
  guint32     n_columns;
  guint       n_calls;
  guint       stop_after; /* 0: never */
  gboolean    ordered;
  guint64     last;
} Grid;

static void
grid_init (Grid *grid)
{
  memset (grid, 0, sizeof *grid);
  grid->cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, cell_free);
  grid->ordered = TRUE;
}

static void
grid_clear (Grid *grid)
{
  g_clear_pointer (&grid->cells, g_hash_table_unref);
}

static gboolean
collect_cb (const KvotaCell *cell,
            gpointer         user_data)
{
  Grid *grid = user_data;
  gint64 *key = g_new (gint64, 1);
  Cell *copy = g_new0 (Cell, 1);

  *key = (gint64) cell->row << 32 | cell->column;
  if (grid->n_calls > 0 && (guint64) *key <= grid->last)
    grid->ordered = FALSE;
  grid->last = (guint64) *key;

  copy->kind = cell->kind;
  copy->number = cell->number;
  copy->text = g_strdup (cell->text);
  copy->is_date = cell->is_date;
  copy->format = g_strdup (cell->format);
  g_hash_table_replace (grid->cells, key, copy);

  grid->n_rows = MAX (grid->n_rows, cell->row + 1);
  grid->n_columns = MAX (grid->n_columns, cell->column + 1);
  grid->n_calls++;

  g_assert_true (cell->kind != KVOTA_CELL_STRING || (cell->text != NULL && g_utf8_validate (cell->text, -1, NULL)));

  return grid->stop_after == 0 || grid->n_calls < grid->stop_after;
}

static Cell *
grid_get (Grid    *grid,
          guint32  row,
          guint32  column)
{
  gint64 key = (gint64) row << 32 | column;

  return g_hash_table_lookup (grid->cells, &key);
}

/* The oracle */

static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean pending = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        {
          for (p++; *p && !(*p == '"' && p[1] != '"'); p++)
            {
              if (*p == '"')
                p++;
              g_string_append_c (field, *p);
            }
          if (*p == '\0')
            break;
          pending = TRUE;
        }
      else if (*p == ',' || *p == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          pending = FALSE;
          if (*p == '\n')
            {
              g_ptr_array_add (rows, row);
              row = g_ptr_array_new_with_free_func (g_free);
            }
        }
      else if (*p != '\r')
        {
          g_string_append_c (field, *p);
          pending = TRUE;
        }
    }

  if (pending || row->len > 0)
    {
      g_ptr_array_add (row, g_strdup (field->str));
      g_ptr_array_add (rows, row);
    }
  else
    g_ptr_array_unref (row);

  return rows;
}

/* A number as Gnumeric shows it in the C locale: 1,234.5  12.5%  (3) */
static gboolean
parse_shown_number (const char *text,
                    double     *value,
                    double     *tolerance)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gboolean percent = FALSE, negative = FALSE;
  const char *dot, *exponent;
  char *end;
  int decimals = 0;

  for (const char *p = text; *p; p++)
    {
      if (*p == ',' || *p == ' ' || *p == '$')
        continue;
      if (*p == '(' || *p == ')')
        negative = TRUE;
      else if (*p == '%' && p[1] == '\0')
        percent = TRUE;
      else
        g_string_append_c (clean, *p);
    }

  if (clean->len == 0)
    return FALSE;

  *value = g_ascii_strtod (clean->str, &end);
  if (*end != '\0' || !isfinite (*value))
    return FALSE;

  exponent = strpbrk (clean->str, "eE");
  if ((dot = strchr (clean->str, '.')) != NULL)
    decimals = (int) ((exponent != NULL ? exponent : clean->str + clean->len) - dot - 1);
  *tolerance = 0.5 * pow (10, -decimals);
  if (exponent != NULL)
    *tolerance *= pow (10, atoi (exponent + 1));
  if (percent)
    {
      *value /= 100;
      *tolerance /= 100;
    }
  if (negative)
    *value = -*value;
  *tolerance = MAX (*tolerance, fabs (*value) * 1e-14);

  return TRUE;
}

static gint64
days_from_civil (gint64 year,
                 gint64 month,
                 gint64 day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return (gint64) g_date_get_julian (&date);
}

/* A date or time as Gnumeric shows one: 2021/01/01, 2021/01/01 10:10:10,
 * 10:10:10, 296296:17:36. */
static gboolean
parse_shown_date (const char *text,
                  double     *serial,
                  gboolean   *has_date,
                  gboolean   *elapsed)
{
  int year, month, day, hour = 0, minute = 0, second = 0;
  int n;

  *has_date = FALSE;
  *elapsed = FALSE;

  if (sscanf (text, "%d/%d/%d%n", &year, &month, &day, &n) == 3 && year > 31)
    {
      *has_date = TRUE;
      text += n;
      if (*text == ' ')
        text++;
      if (*text != '\0' && sscanf (text, "%d:%d:%d", &hour, &minute, &second) < 2)
        return FALSE;
      if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
        return FALSE;
      *serial = (double) (days_from_civil (year, month, day) - days_from_civil (1899, 12, 30)) +
                (hour * 3600.0 + minute * 60.0 + second) / 86400;
      return TRUE;
    }

  if (sscanf (text, "%d:%d:%d", &hour, &minute, &second) >= 2)
    {
      *elapsed = hour >= 24;
      *serial = (hour * 3600.0 + minute * 60.0 + second) / 86400;
      return TRUE;
    }

  return FALSE;
}

static gboolean
same_cell (Cell       *ours,
           const char *shown)
{
  g_autofree char *stripped = g_strstrip (g_strdup (shown));
  double value, tolerance;

  if (ours == NULL)
    return stripped[0] == '\0';

  switch (ours->kind)
    {
    case KVOTA_CELL_STRING:
    case KVOTA_CELL_ERROR:
      {
        g_autofree char *text = g_strstrip (g_strdup (ours->text));

        return g_str_equal (ours->text, shown) || g_str_equal (text, stripped);
      }

    case KVOTA_CELL_BOOLEAN:
      return g_str_equal (stripped, ours->number != 0 ? "TRUE" : "FALSE");

    case KVOTA_CELL_NUMBER:
      if (ours->is_date)
        {
          gboolean has_date, elapsed;
          double ours_value = ours->number;

          if (!parse_shown_date (stripped, &value, &has_date, &elapsed))
            return FALSE;
          /* Shown to the second. */
          if (!has_date && !elapsed)
            ours_value -= floor (ours_value);
          return fabs (ours_value - value) <= 0.5 / 86400 + 1e-9;
        }
      if (!parse_shown_number (stripped, &value, &tolerance))
        return FALSE;
      return fabs (ours->number - value) <= tolerance + 1e-12;

    default:
      return FALSE;
    }
}

static char *
describe (Cell *cell)
{
  if (cell == NULL)
    return g_strdup ("(empty)");

  switch (cell->kind)
    {
    case KVOTA_CELL_STRING:
      return g_strdup_printf ("string “%s”", cell->text);
    case KVOTA_CELL_ERROR:
      return g_strdup_printf ("error %s", cell->text);
    case KVOTA_CELL_BOOLEAN:
      return g_strdup_printf ("boolean %g", cell->number);
    case KVOTA_CELL_NUMBER:
    default:
      return g_strdup_printf ("%s %.17g", cell->is_date ? "date" : "number", cell->number);
    }
}

/* The number of cells that differ, the first few in @report. */
static guint
compare_with_oracle (Grid       *grid,
                     const char *csv,
                     GString    *report)
{
  g_autoptr(GPtrArray) rows = parse_csv (csv);
  guint n_rows = MAX (rows->len, grid->n_rows);
  guint mismatches = 0;

  for (guint r = 0; r < n_rows; r++)
    {
      GPtrArray *row = r < rows->len ? g_ptr_array_index (rows, r) : NULL;
      guint n_columns = MAX (row != NULL ? row->len : 0, grid->n_columns);

      for (guint c = 0; c < n_columns; c++)
        {
          const char *shown = row != NULL && c < row->len ? g_ptr_array_index (row, c) : "";
          Cell *ours = grid_get (grid, r, c);

          if (same_cell (ours, shown))
            continue;

          if (mismatches++ < 5)
            {
              g_autofree char *what = describe (ours);

              g_string_append_printf (report, "  row %u column %u: ssconvert “%.60s”, we %.80s\n",
                                      r + 1, c + 1, shown, what);
            }
        }
    }

  return mismatches;
}

static char *
corpus_path (const char *file)
{
  return g_build_filename (corpus, file, NULL);
}

static KvotaWorkbook *
open_corpus (const char  *file,
             GError     **error)
{
  g_autofree char *path = corpus_path (file);

  return kvota_workbook_open (path, error);
}

/* Corpus files */

static void
test_corpus_file (gconstpointer data)
{
  const char *file = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus (file, &error);
  g_autofree char *oracle_path = NULL;
  g_autofree char *oracle = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  const char *reason = g_hash_table_lookup (known, file);
  guint active;
  guint mismatches;
  Grid grid;

  g_assert_no_error (error);
  g_assert_nonnull (workbook);
  g_assert_cmpint (kvota_workbook_get_format (workbook), ==, KVOTA_WORKBOOK_FORMAT_ODS);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), >, 0);

  for (guint i = 0; i < kvota_workbook_get_n_sheets (workbook); i++)
    {
      g_autoptr(GArray) merged = NULL;

      grid_init (&grid);
      kvota_workbook_read_sheet (workbook, i, collect_cb, &grid, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (grid.ordered);
      grid_clear (&grid);

      merged = kvota_workbook_get_merged (workbook, i);
      for (guint m = 0; m < merged->len; m++)
        {
          KvotaMergedRange *range = &g_array_index (merged, KvotaMergedRange, m);

          g_assert_cmpuint (range->first_row, <=, range->last_row);
          g_assert_cmpuint (range->first_column, <=, range->last_column);
        }
    }

  active = kvota_workbook_get_active_sheet (workbook);
  oracle_path = g_strdup_printf ("%s/oracle/%s.csv", corpus, file);
  if (!g_file_get_contents (oracle_path, &oracle, NULL, NULL))
    {
      g_test_skip ("ssconvert did not read it");
      return;
    }

  grid_init (&grid);
  kvota_workbook_read_sheet (workbook, active, collect_cb, &grid, NULL, &error);
  g_assert_no_error (error);
  mismatches = compare_with_oracle (&grid, oracle, report);
  grid_clear (&grid);

  if (mismatches > 0 && reason == NULL)
    {
      g_test_message ("%s, sheet %u “%s”: %u cells differ from ssconvert's\n%s", file, active,
                      kvota_workbook_get_sheet_name (workbook, active), mismatches, report->str);
      g_test_fail ();
    }
  else if (mismatches > 0)
    g_test_message ("%s differs as known (%s): %u cells\n%s", file, reason, mismatches, report->str);
  else if (reason != NULL)
    g_test_message ("%s is listed in known-ods.tsv but matches here", file);

  /* Where the active sheet is not the first, the first is kept too. */
  g_clear_pointer (&oracle, g_free);
  g_free (oracle_path);
  oracle_path = g_strdup_printf ("%s/oracle/%s.sheet0.csv", corpus, file);
  if (active != 0 && g_file_get_contents (oracle_path, &oracle, NULL, NULL))
    {
      grid_init (&grid);
      kvota_workbook_read_sheet (workbook, 0, collect_cb, &grid, NULL, &error);
      g_assert_no_error (error);
      g_string_truncate (report, 0);
      mismatches = compare_with_oracle (&grid, oracle, report);
      grid_clear (&grid);
      if (mismatches > 0)
        g_test_message ("%s sheet 0:\n%s", file, report->str);
      g_assert_cmpuint (mismatches, ==, 0);
    }
}

/* The hostile files of the corpus */

static void
test_bad_dos (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("bad/calamine_issue_594_dos.ods", &error);
  gint64 started = g_get_monotonic_time ();
  Grid grid;

  /* A billion rows of a billion cells, from 1330 bytes. */
  g_assert_no_error (error);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), ==, 1);

  grid_init (&grid);
  g_assert_false (kvota_workbook_read_sheet (workbook, 0, collect_cb, &grid, NULL, &error));
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_TOO_LARGE);
  g_assert_cmpuint (grid.n_calls, ==, 0);
  grid_clear (&grid);

  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
}

static void
test_bad_encrypted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("bad/calamine_pass_protected.ods", &error);

  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_ENCRYPTED);
  g_assert_null (workbook);
}

static void
test_bad_truncated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("bad/trunc_60pct_calamine_date.ods", &error);

  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_DAMAGED);
  g_assert_null (workbook);
}

/* What the corpus shows of the format */

static void
read_active (KvotaWorkbook *workbook,
             Grid          *grid)
{
  g_autoptr(GError) error = NULL;

  grid_init (grid);
  g_assert_true (kvota_workbook_read_sheet (workbook, kvota_workbook_get_active_sheet (workbook),
                                            collect_cb, grid, NULL, &error));
  g_assert_no_error (error);
}

static void
test_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("ods/calamine_date.ods", &error);
  Grid grid;
  Cell *cell;

  g_assert_no_error (error);
  read_active (workbook, &grid);

  /* 2021-01-01 */
  cell = grid_get (&grid, 0, 0);
  g_assert_nonnull (cell);
  g_assert_cmpint (cell->kind, ==, KVOTA_CELL_NUMBER);
  g_assert_true (cell->is_date);
  g_assert_cmpfloat (cell->number, ==, 44197);

  /* 2021-01-01T10:10:10 */
  cell = grid_get (&grid, 1, 0);
  g_assert_true (cell->is_date);
  g_assert_cmpfloat_with_epsilon (cell->number, 44197 + (10 * 3600 + 10 * 60 + 10) / 86400.0, 1e-9);

  /* PT10H10M10.123456S */
  cell = grid_get (&grid, 3, 0);
  g_assert_true (cell->is_date);
  g_assert_cmpfloat_with_epsilon (cell->number, (10 * 3600 + 10 * 60 + 10.123456) / 86400.0, 1e-12);

  cell = grid_get (&grid, 3, 1);
  g_assert_false (cell->is_date);
  g_assert_cmpfloat (cell->number, ==, 18);
  g_assert_null (cell->text);
  g_assert_cmpuint (grid.n_calls, ==, 8);
  grid_clear (&grid);
  g_clear_object (&workbook);

  workbook = open_corpus ("ods/calamine_issues.ods", &error);
  g_assert_no_error (error);
  read_active (workbook, &grid);
  g_assert_cmpint (grid_get (&grid, 3, 0)->kind, ==, KVOTA_CELL_BOOLEAN);
  g_assert_cmpfloat (grid_get (&grid, 3, 0)->number, ==, 0);
  g_assert_cmpstr (grid_get (&grid, 2, 0)->text, ==, "ab");
  grid_clear (&grid);
}

static void
test_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("ods/calamine_special_cells.ods", &error);
  Grid grid;

  g_assert_no_error (error);
  read_active (workbook, &grid);
  g_assert_cmpstr (grid_get (&grid, 0, 0)->text, ==, "Split\nLine");
  g_assert_cmpstr (grid_get (&grid, 2, 0)->text, ==, "Value   With 3 spaces");
  g_assert_cmpstr (grid_get (&grid, 4, 0)->text, ==, "  Value   With 2 spaces before and after  ");
  grid_clear (&grid);
  g_clear_object (&workbook);

  /* Runs of differently formatted text make one string. */
  workbook = open_corpus ("ods/sheetjs_rich_text_stress.ods", &error);
  g_assert_no_error (error);
  read_active (workbook, &grid);
  g_assert_cmpstr (grid_get (&grid, 14, 1)->text, ==, "lets try all combinations of BIU in cell");
  grid_clear (&grid);
  g_clear_object (&workbook);

  /* Comments are not the cell's text. */
  workbook = open_corpus ("ods/sheetjs_comments_stress_test.ods", &error);
  g_assert_no_error (error);
  read_active (workbook, &grid);
  g_assert_cmpstr (grid_get (&grid, 0, 2)->text, ==, "foo");
  grid_clear (&grid);
}

static void
test_sheets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("ods/sheetjs_sheet_visibility.ods", &error);
  guint index;

  g_assert_no_error (error);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), ==, 3);
  g_assert_false (kvota_workbook_get_sheet_hidden (workbook, 0));
  g_assert_true (kvota_workbook_get_sheet_hidden (workbook, 1));
  g_assert_true (kvota_workbook_get_sheet_hidden (workbook, 2));
  g_assert_true (kvota_workbook_find_sheet (workbook, "veryhidden", &index));
  g_assert_cmpuint (index, ==, 2);
  g_clear_object (&workbook);

  /* settings.xml's ActiveTable */
  workbook = open_corpus ("ods/poi_SampleSS.ods", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kvota_workbook_get_active_sheet (workbook), ==, 1);
  g_assert_cmpstr (kvota_workbook_get_sheet_name (workbook, 1), ==, "Sheet Number 2");
}

static void
test_merged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("ods/sheetjs_merge_cells.ods", &error);
  g_autoptr(GArray) merged = NULL;
  Grid grid;
  KvotaMergedRange *range;

  g_assert_no_error (error);
  read_active (workbook, &grid);
  grid_clear (&grid);

  /* A1:B2, C1:C2, D1:D2, A3:B3, A4:B4 */
  merged = kvota_workbook_get_merged (workbook, 0);
  g_assert_cmpuint (merged->len, ==, 5);
  range = &g_array_index (merged, KvotaMergedRange, 0);
  g_assert_cmpuint (range->first_row, ==, 0);
  g_assert_cmpuint (range->first_column, ==, 0);
  g_assert_cmpuint (range->last_row, ==, 1);
  g_assert_cmpuint (range->last_column, ==, 1);
  range = &g_array_index (merged, KvotaMergedRange, 1);
  g_assert_cmpuint (range->first_column, ==, 2);
  g_assert_cmpuint (range->last_row, ==, 1);
  g_assert_cmpuint (range->last_column, ==, 2);
  range = &g_array_index (merged, KvotaMergedRange, 3);
  g_assert_cmpuint (range->first_row, ==, 2);
  g_assert_cmpuint (range->last_row, ==, 2);
  g_assert_cmpuint (range->last_column, ==, 1);
}

static void
test_formats (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("ods/sheetjs_number_format.ods", &error);
  Grid grid;

  g_assert_no_error (error);
  read_active (workbook, &grid);
  /* Rows of format 4 (#,##0.00), 9 (0%), 10 (0.00%) and 11 (0.00E+00) */
  g_assert_cmpstr (grid_get (&grid, 5, 1)->format, ==, "#,##0.00");
  g_assert_cmpstr (grid_get (&grid, 6, 1)->format, ==, "0%");
  g_assert_cmpstr (grid_get (&grid, 7, 1)->format, ==, "0.00%");
  g_assert_cmpstr (grid_get (&grid, 8, 1)->format, ==, "0.00E+00");
  /* An error result that Excel wrote as 0 */
  g_assert_cmpint (grid_get (&grid, 5, 2)->kind, ==, KVOTA_CELL_ERROR);
  g_assert_cmpstr (grid_get (&grid, 5, 2)->text, ==, "#NAME?");
  grid_clear (&grid);
}

static void
test_stop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = open_corpus ("ods/sheetjs_AutoFilter.ods", &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Grid grid;

  g_assert_no_error (error);

  /* The callback stops the read: a success. */
  grid_init (&grid);
  grid.stop_after = 3;
  g_assert_true (kvota_workbook_read_sheet (workbook, 0, collect_cb, &grid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grid.n_calls, ==, 3);
  grid_clear (&grid);

  g_cancellable_cancel (cancellable);
  grid_init (&grid);
  g_assert_false (kvota_workbook_read_sheet (workbook, 0, collect_cb, &grid, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (grid.n_calls, ==, 0);
  grid_clear (&grid);

  /* The workbook still reads after both. */
  grid_init (&grid);
  g_clear_error (&error);
  g_assert_true (kvota_workbook_read_sheet (workbook, 10, collect_cb, &grid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grid.n_calls, ==, 88);
  grid_clear (&grid);
}

/* Documents made here */

#define FLAT_HEAD \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"" \
  " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"" \
  " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" \
  "<office:body><office:spreadsheet><table:table table:name=\"S\">"
#define FLAT_TAIL "</table:table></office:spreadsheet></office:body></office:document>"

static KvotaWorkbook *
open_flat (const char  *rows,
           GError     **error)
{
  g_autofree char *text = g_strconcat (FLAT_HEAD, rows, FLAT_TAIL, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return kvota_workbook_open_bytes (bytes, error);
}

static gboolean
read_flat (const char  *rows,
           Grid        *grid,
           GError     **error)
{
  g_autoptr(KvotaWorkbook) workbook = open_flat (rows, error);

  grid_init (grid);
  if (workbook == NULL)
    return FALSE;

  return kvota_workbook_read_sheet (workbook, 0, collect_cb, grid, NULL, error);
}

static void
test_repeats (void)
{
  g_autoptr(GError) error = NULL;
  Grid grid;

  /* Empty rows and cells are counted, not handed out. */
  g_assert_true (read_flat ("<table:table-row table:number-rows-repeated=\"1048000\">"
                            "<table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
                            "<table:table-row><table:table-cell table:number-columns-repeated=\"5\"/>"
                            "<table:table-cell office:value-type=\"float\" office:value=\"7\"/></table:table-row>",
                            &grid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grid.n_calls, ==, 1);
  g_assert_cmpfloat (grid_get (&grid, 1048000, 5)->number, ==, 7);
  grid_clear (&grid);

  /* Cells with content are handed out once per repetition. */
  g_assert_true (read_flat ("<table:table-row table:number-rows-repeated=\"2\">"
                            "<table:table-cell table:number-columns-repeated=\"3\"><text:p>x</text:p></table:table-cell>"
                            "<table:covered-table-cell office:value-type=\"float\" office:value=\"1\"/>"
                            "<table:table-cell><text:p>y</text:p></table:table-cell></table:table-row>",
                            &grid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grid.n_calls, ==, 8);
  g_assert_true (grid.ordered);
  g_assert_cmpstr (grid_get (&grid, 1, 2)->text, ==, "x");
  g_assert_null (grid_get (&grid, 1, 3));
  g_assert_cmpstr (grid_get (&grid, 1, 4)->text, ==, "y");
  grid_clear (&grid);

  /* Nothing beyond the last column Excel has. */
  g_assert_true (read_flat ("<table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>"
                            "<table:table-cell table:number-columns-repeated=\"4\"><text:p>z</text:p></table:table-cell>"
                            "<table:table-cell><text:p>beyond</text:p></table:table-cell></table:table-row>",
                            &grid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grid.n_calls, ==, 1);
  g_assert_cmpstr (grid_get (&grid, 0, 16383)->text, ==, "z");
  grid_clear (&grid);

  /* A full sheet of one value is more than any real sheet repeats. */
  g_assert_false (read_flat ("<table:table-row table:number-rows-repeated=\"1048576\">"
                             "<table:table-cell table:number-columns-repeated=\"16384\">"
                             "<text:p>x</text:p></table:table-cell></table:table-row>",
                             &grid, &error));
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_TOO_LARGE);
  g_assert_cmpuint (grid.n_calls, ==, 0);
  grid_clear (&grid);
}

static void
test_cell_types (void)
{
  g_autoptr(GError) error = NULL;
  Grid grid;

  g_assert_true (read_flat ("<table:table-row>"
                            "<table:table-cell office:value-type=\"date\" office:date-value=\"1899-12-30\"/>"
                            "<table:table-cell office:value-type=\"date\" office:date-value=\"1800-01-01T12:00:00Z\"/>"
                            "<table:table-cell office:value-type=\"time\" office:time-value=\"P1DT6H\"/>"
                            "<table:table-cell office:value-type=\"time\" office:time-value=\"-PT12H\"/>"
                            "<table:table-cell office:value-type=\"date\" office:date-value=\"2021-13-01\"><text:p>bad</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"float\" office:value=\"nan\"><text:p>nan</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"percentage\" office:value=\"0.25\"/>"
                            "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\"/>"
                            "<table:table-cell><text:p>a<text:tab/>b<text:line-break/><text:span>c<text:s text:c=\"2\"/></text:span>"
                            "<text:a>d</text:a></text:p><text:p/></table:table-cell>"
                            "<table:table-cell office:value-type=\"string\"><text:p></text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"float\"/>"
                            "</table:table-row>",
                            &grid, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (grid_get (&grid, 0, 0)->number, ==, 0);
  g_assert_true (grid_get (&grid, 0, 0)->is_date);
  g_assert_cmpfloat (grid_get (&grid, 0, 1)->number, ==, -36521.5);
  g_assert_cmpfloat (grid_get (&grid, 0, 2)->number, ==, 1.25);
  g_assert_cmpfloat (grid_get (&grid, 0, 3)->number, ==, -0.5);
  g_assert_cmpstr (grid_get (&grid, 0, 4)->text, ==, "bad");
  g_assert_cmpstr (grid_get (&grid, 0, 5)->text, ==, "nan");
  g_assert_cmpfloat (grid_get (&grid, 0, 6)->number, ==, 0.25);
  g_assert_cmpstr (grid_get (&grid, 0, 6)->format, ==, "0%");
  g_assert_cmpint (grid_get (&grid, 0, 7)->kind, ==, KVOTA_CELL_BOOLEAN);
  g_assert_cmpstr (grid_get (&grid, 0, 8)->text, ==, "a\tb\nc  d\n");
  g_assert_null (grid_get (&grid, 0, 9));
  g_assert_null (grid_get (&grid, 0, 10));
  g_assert_cmpuint (grid.n_calls, ==, 9);
  grid_clear (&grid);
}

/* Styles, hidden tables and the active one, all in one flat document */
static void
test_flat (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Grid grid;
  const char *document =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
    " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
    " xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\""
    " xmlns:config=\"urn:oasis:names:tc:opendocument:xmlns:config:1.0\""
    " xmlns:t=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
    " office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\">"
    "<office:settings><config:config-item-set config:name=\"ooo:view-settings\">"
    "<config:config-item-map-indexed config:name=\"Views\"><config:config-item-map-entry>"
    "<config:config-item config:name=\"ActiveTable\" config:type=\"string\">Data</config:config-item>"
    "</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings>"
    "<office:styles>"
    "<number:number-style style:name=\"N2\"><number:number number:decimal-places=\"2\" number:grouping=\"true\"/></number:number-style>"
    "<style:style style:name=\"Money\" style:family=\"table-cell\" style:data-style-name=\"N2\"/>"
    "</office:styles>"
    "<office:automatic-styles>"
    "<number:percentage-style style:name=\"N1\"><number:number number:decimal-places=\"1\"/><number:text>%</number:text></number:percentage-style>"
    "<number:date-style style:name=\"N3\"><number:day/><number:text>.</number:text><number:month/><number:text>.</number:text><number:year/></number:date-style>"
    "<style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties t:display=\"false\"/></style:style>"
    "<style:style style:name=\"ce1\" style:family=\"table-cell\" style:data-style-name=\"N1\"/>"
    "<style:style style:name=\"ce2\" style:family=\"table-cell\" style:parent-style-name=\"Money\"/>"
    "<style:style style:name=\"ce3\" style:family=\"table-cell\" style:data-style-name=\"N3\"/>"
    "</office:automatic-styles>"
    "<office:body><office:spreadsheet>"
    "<t:table t:name=\"Hidden\" t:style-name=\"ta2\"><t:table-row><t:table-cell><text:p>h</text:p></t:table-cell></t:table-row></t:table>"
    "<t:table t:name=\"Data\"><t:table-column t:default-cell-style-name=\"ce1\" t:number-columns-repeated=\"2\"/>"
    "<t:table-column/>"
    "<t:table-row><t:table-cell office:value-type=\"percentage\" office:value=\"0.125\"/>"
    "<t:table-cell t:style-name=\"ce2\" office:value-type=\"currency\" office:currency=\"KZT\" office:value=\"1500\"/>"
    "<t:table-cell office:value-type=\"float\" office:value=\"3\"/>"
    "<t:table-cell t:style-name=\"ce3\" office:value-type=\"date\" office:date-value=\"2024-02-29\"/></t:table-row>"
    "</t:table>"
    "</office:spreadsheet></office:body></office:document>";

  bytes = g_bytes_new_static (document, strlen (document));
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), ==, 2);
  g_assert_true (kvota_workbook_get_sheet_hidden (workbook, 0));
  g_assert_false (kvota_workbook_get_sheet_hidden (workbook, 1));
  g_assert_cmpuint (kvota_workbook_get_active_sheet (workbook), ==, 1);

  read_active (workbook, &grid);
  g_assert_cmpstr (grid_get (&grid, 0, 0)->format, ==, "0.0%");
  g_assert_cmpfloat (grid_get (&grid, 0, 0)->number, ==, 0.125);
  g_assert_cmpstr (grid_get (&grid, 0, 1)->format, ==, "#,##0.00");
  g_assert_null (grid_get (&grid, 0, 2)->format);
  g_assert_cmpstr (grid_get (&grid, 0, 3)->format, ==, "yyyy-mm-dd");
  g_assert_true (grid_get (&grid, 0, 3)->is_date);
  g_assert_cmpfloat (grid_get (&grid, 0, 3)->number, ==, 45351);
  grid_clear (&grid);
}

static void
test_hostile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) text = NULL;
  Grid grid;
  const char *text_document =
    "<?xml version=\"1.0\"?>"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
    " office:mimetype=\"application/vnd.oasis.opendocument.text\"><office:body><office:text/></office:body>"
    "</office:document>";
  const char *no_tables =
    "<?xml version=\"1.0\"?>"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\">"
    "<office:body><office:spreadsheet/></office:body></office:document>";
  const char *entities =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE office:document [\n"
    " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
    " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
    " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
    " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
    " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
    " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
    " <!ENTITY secret SYSTEM \"file:///etc/passwd\">\n"
    "]>\n"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
    " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
    "<office:body><office:spreadsheet><table:table table:name=\"S\"><table:table-row>"
    "<table:table-cell><text:p>&f;</text:p></table:table-cell>"
    "<table:table-cell><text:p>&secret;</text:p></table:table-cell>"
    "</table:table-row>" FLAT_TAIL;

  /* Entities are never expanded, nor files read. */
  bytes = g_bytes_new_static (entities, strlen (entities));
  workbook = kvota_workbook_open_bytes (bytes, &error);
  if (workbook != NULL)
    {
      grid_init (&grid);
      if (kvota_workbook_read_sheet (workbook, 0, collect_cb, &grid, NULL, &error))
        for (guint c = 0; c < 2; c++)
          g_assert_true (grid_get (&grid, 0, c) == NULL || strlen (grid_get (&grid, 0, c)->text) < 1000);
      grid_clear (&grid);
    }
  g_clear_error (&error);
  g_clear_object (&workbook);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Not XML at all, or cut short */
  workbook = open_flat ("<table:table-row><table:table-cell", &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_DAMAGED);
  g_assert_null (workbook);
  g_clear_error (&error);

  /* A text document is no spreadsheet; a spreadsheet without tables is
   * a damaged one. */
  bytes = g_bytes_new_static (text_document, strlen (text_document));
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  bytes = g_bytes_new_static (no_tables, strlen (no_tables));
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_DAMAGED);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Spaces asked for by the million */
  text = g_string_new ("<table:table-row><table:table-cell><text:p>");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "<text:s text:c=\"4294967295\"/>");
  g_string_append (text, "</text:p></table:table-cell></table:table-row>");
  g_assert_true (read_flat (text->str, &grid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (grid_get (&grid, 0, 0)->text), <=, 1000 * 1024);
  grid_clear (&grid);

  /* Counts that are not numbers */
  g_assert_true (read_flat ("<table:table-row table:number-rows-repeated=\"-5\">"
                            "<table:table-cell table:number-columns-repeated=\"99999999999999999999999\" "
                            "table:number-columns-spanned=\"0x10\" table:number-rows-spanned=\"18446744073709551615\">"
                            "<text:p>q</text:p></table:table-cell></table:table-row>"
                            "<table:table-row><table:table-cell><text:p>r</text:p></table:table-cell></table:table-row>",
                            &grid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grid.n_calls, ==, 2);
  g_assert_cmpstr (grid_get (&grid, 1, 0)->text, ==, "r");
  grid_clear (&grid);
}

static GHashTable *
load_known (void)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char * const candidates[] = { "core/corpus/known-ods.tsv", "corpus/known-ods.tsv" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, candidates[i], NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;

      lines = g_strsplit (contents, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          char *tab = strchr (lines[l], '\t');

          if (lines[l][0] == '\0' || lines[l][0] == '#' || tab == NULL)
            continue;
          *tab = '\0';
          g_hash_table_insert (table, g_strdup (lines[l]), g_strdup (tab + 1));
        }
      break;
    }

  return table;
}

static int
sort_names (gconstpointer a,
            gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
test_no_corpus (void)
{
  g_test_skip ("the shared spreadsheet corpus is not beside the checkout");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *fallback = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  int status;

  g_test_init (&argc, &argv, NULL);

  /* ../shared/corpus beside the checkout; G_TEST_SRCDIR is tests/. */
  fallback = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "corpus", "spreadsheets", NULL);
  corpus = g_strdup (g_getenv ("KVOTA_CORPUS") != NULL ? g_getenv ("KVOTA_CORPUS") : fallback);
  known = load_known ();

  if (!g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_add_func ("/core/workbook-ods/corpus", test_no_corpus);
    }
  else
    {
      g_autofree char *path = corpus_path ("ods");
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".ods") || g_str_has_suffix (name, ".fods"))
          g_ptr_array_add (files, g_strdup_printf ("ods/%s", name));
      g_ptr_array_sort (files, sort_names);

      for (guint i = 0; i < files->len; i++)
        {
          const char *file = g_ptr_array_index (files, i);
          g_autofree char *test = g_strdup_printf ("/core/workbook-ods/corpus/%s", strchr (file, '/') + 1);

          g_test_add_data_func (test, file, test_corpus_file);
        }

      g_test_add_func ("/core/workbook-ods/bad/dos", test_bad_dos);
      g_test_add_func ("/core/workbook-ods/bad/encrypted", test_bad_encrypted);
      g_test_add_func ("/core/workbook-ods/bad/truncated", test_bad_truncated);
      g_test_add_func ("/core/workbook-ods/values", test_values);
      g_test_add_func ("/core/workbook-ods/text", test_text);
      g_test_add_func ("/core/workbook-ods/sheets", test_sheets);
      g_test_add_func ("/core/workbook-ods/merged", test_merged);
      g_test_add_func ("/core/workbook-ods/formats", test_formats);
      g_test_add_func ("/core/workbook-ods/stop", test_stop);
    }

  g_test_add_func ("/core/workbook-ods/repeats", test_repeats);
  g_test_add_func ("/core/workbook-ods/cell-types", test_cell_types);
  g_test_add_func ("/core/workbook-ods/flat", test_flat);
  g_test_add_func ("/core/workbook-ods/hostile", test_hostile);

  status = g_test_run ();

  g_hash_table_unref (known);
  g_free (corpus);

  return status;
}
