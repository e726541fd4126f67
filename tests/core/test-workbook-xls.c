/* test-workbook-xls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <gsf/gsf.h>

#include "kvota-error.h"
#include "kvota-workbook.h"

/* The .xls reader against the shared corpus and Gnumeric's reading of it
 * (the oracle), and against small hostile files built here. The fixtures
 * are written with libgsf's OLE2 writer so that every byte of the BIFF
 * stream is chosen by the test. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfOutput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfOutfile, g_object_unref)

/* Corpus */

static char *
corpus_dir (void)
{
  const char *env = g_getenv ("KVOTA_CORPUS_DIR");

  if (env == NULL)
    env = g_getenv ("KVOTA_CORPUS");
  if (env != NULL)
    return g_strdup (env);

  /* The shared folder sits beside the project: tests/../../shared. */
  return g_build_filename (g_test_get_dir (G_TEST_DIST), "..", "..", "shared",
                           "corpus", "spreadsheets", NULL);
}

static GPtrArray *
parse_csv (const char *text,
           gsize       length)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (quoted)
        {
          if (c == '"' && i + 1 < length && text[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
        }
      else if (c == '"')
        quoted = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
        continue;
      else if (c == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
      else
        g_string_append_c (field, c);
    }

  if (field->len > 0 || row->len > 0)
    {
      g_ptr_array_add (row, g_strdup (field->str));
      g_ptr_array_add (rows, row);
    }
  else
    g_ptr_array_unref (row);

  g_string_free (field, TRUE);
  return rows;
}

typedef struct
{
  guint32       row;
  guint32       column;
  KvotaCellKind kind;
  double        number;
  char         *text;
  gboolean      is_date;
} Cell;

static void
cell_clear (gpointer data)
{
  Cell *cell = data;

  g_free (cell->text);
}

typedef struct
{
  GArray  *cells;     /* of Cell */
  gboolean in_order;
} Collected;

static gboolean
collect_cb (const KvotaCell *cell,
            gpointer         user_data)
{
  Collected *collected = user_data;
  Cell copy = {
    cell->row, cell->column, cell->kind, cell->number, g_strdup (cell->text), cell->is_date,
  };

  if (collected->cells->len > 0)
    {
      const Cell *last = &g_array_index (collected->cells, Cell, collected->cells->len - 1);

      if (last->row > cell->row || (last->row == cell->row && last->column >= cell->column))
        collected->in_order = FALSE;
    }

  g_assert_true (cell->kind != KVOTA_CELL_STRING || g_utf8_validate (cell->text, -1, NULL));
  g_assert_true (cell->kind != KVOTA_CELL_ERROR || cell->text != NULL);
  g_array_append_val (collected->cells, copy);

  return TRUE;
}

static GArray *
new_cells (void)
{
  GArray *cells = g_array_new (FALSE, FALSE, sizeof (Cell));

  g_array_set_clear_func (cells, cell_clear);
  return cells;
}

/* Gnumeric shows dates on the real calendar, as the reader hands them
 * out: days since 1899-12-30. */
static gboolean
parse_clock (const char *text,
             double     *seconds)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint n = g_strv_length (parts);
  double total = 0;
  gboolean negative = text[0] == '-';

  if (n < 2 || n > 3)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double value = g_ascii_strtod (parts[i], &end);

      if (parts[i][0] == '\0' || end == NULL || *end != '\0')
        return FALSE;
      if (i < n - 1 && value != floor (value))
        return FALSE;
      value = fabs (value);
      total += value * (i == 0 ? 3600 : i == 1 ? 60 : 1);
    }

  *seconds = negative ? -total : total;
  return TRUE;
}

static gboolean
parse_gnumeric_date (const char *text,
                     double     *serial)
{
  int year, month, day, n = 0;
  double seconds = 0;
  double days;

  if (sscanf (text, "%d/%d/%d%n", &year, &month, &day, &n) == 3 && n == 10)
    {
      if (text[n] == ' ')
        {
          if (!parse_clock (text + n + 1, &seconds))
            return FALSE;
        }
      else if (text[n] != '\0')
        return FALSE;

      if (year == 1900 && month == 2 && day == 29)
        days = 60;
      else
        {
          g_autoptr(GDateTime) date = NULL;
          g_autoptr(GDateTime) epoch = g_date_time_new_utc (1899, 12, 30, 0, 0, 0);

          if ((date = g_date_time_new_utc (year, month, day, 0, 0, 0)) == NULL)
            return FALSE;
          /* The reader counts real days: no phantom 29 February 1900. */
          days = floor (g_date_time_difference (date, epoch) / (double) G_TIME_SPAN_DAY + 0.5);
        }

      *serial = days + seconds / 86400.0;
      return TRUE;
    }

  /* Elapsed time: [h]:mm:ss */
  if (parse_clock (text, &seconds))
    {
      *serial = seconds / 86400.0;
      return TRUE;
    }

  return FALSE;
}

static gboolean
parse_number (const char *text,
              double     *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

/* Whether one of our cells reads as Gnumeric wrote it. */
static gboolean
cell_matches (const Cell *cell,
              const char *expected)
{
  double value;

  if (cell == NULL)
    return expected[0] == '\0';

  switch (cell->kind)
    {
    case KVOTA_CELL_STRING:
      return g_strcmp0 (cell->text, expected) == 0;

    case KVOTA_CELL_BOOLEAN:
      return g_strcmp0 (cell->number != 0 ? "TRUE" : "FALSE", expected) == 0;

    case KVOTA_CELL_ERROR:
      return g_strcmp0 (cell->text, expected) == 0;

    case KVOTA_CELL_NUMBER:
    default:
      if (cell->is_date)
        return parse_gnumeric_date (expected, &value) && fabs (value - cell->number) < 1e-8;
      if (!parse_number (expected, &value))
        return FALSE;
      return value == cell->number ||
             fabs (value - cell->number) <= 1e-14 * MAX (fabs (value), fabs (cell->number));
    }
}

static char *
describe_cell (const Cell *cell)
{
  if (cell == NULL)
    return g_strdup ("(nothing)");

  switch (cell->kind)
    {
    case KVOTA_CELL_STRING:
      return g_strdup_printf ("string “%s”", cell->text);
    case KVOTA_CELL_BOOLEAN:
      return g_strdup_printf ("boolean %g", cell->number);
    case KVOTA_CELL_ERROR:
      return g_strdup_printf ("error %s", cell->text);
    case KVOTA_CELL_NUMBER:
    default:
      return g_strdup_printf ("%s %.17g", cell->is_date ? "date" : "number", cell->number);
    }
}

/* Compares a sheet's cells with an oracle CSV whose first row and column
 * are ours at @origin_row and @origin_column; returns the number of
 * differing cells and describes the first few in @report. */
/* How many differences to describe per file: KVOTA_TEST_DIFFERENCES. */
static guint report_limit = 5;

static guint
compare_at (GArray     *cells,
            GPtrArray  *rows,
            guint32     origin_row,
            guint32     origin_column,
            GString    *report)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), cells->len);
  guint differences = 0;

  g_array_set_size (keys, cells->len);
  for (guint i = 0; i < cells->len; i++)
    {
      const Cell *cell = &g_array_index (cells, Cell, i);
      gint64 *key = &g_array_index (keys, gint64, i);

      *key = ((gint64) cell->row - origin_row) << 20 | ((gint64) cell->column - origin_column + 1024);
      g_hash_table_insert (seen, key, (gpointer) cell);
    }

  /* Every oracle field against our cell in its place... */
  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (rows, r);

      for (guint c = 0; c < row->len; c++)
        {
          const char *expected = g_ptr_array_index (row, c);
          gint64 key = (gint64) r << 20 | (c + 1024);
          const Cell *cell = g_hash_table_lookup (seen, &key);

          if (!cell_matches (cell, expected))
            {
              if (differences++ < report_limit && report != NULL)
                {
                  g_autofree char *mine = describe_cell (cell);

                  g_string_append_printf (report, "\n    R%uC%u: oracle “%s”, read %s",
                                          r + 1 + origin_row, c + 1 + origin_column, expected, mine);
                }
            }
        }
    }

  /* ...and every cell of ours outside the oracle's range. */
  for (guint i = 0; i < cells->len; i++)
    {
      const Cell *cell = &g_array_index (cells, Cell, i);
      gint64 r = (gint64) cell->row - origin_row;
      gint64 c = (gint64) cell->column - origin_column;
      GPtrArray *row = r >= 0 && r < rows->len ? g_ptr_array_index (rows, r) : NULL;

      if (row != NULL && c >= 0 && c < row->len)
        continue;
      if (cell->kind == KVOTA_CELL_STRING && cell->text[0] == '\0')
        continue;
      if (differences++ < report_limit && report != NULL)
        {
          g_autofree char *mine = describe_cell (cell);

          g_string_append_printf (report, "\n    R%uC%u: oracle has nothing, read %s",
                                  cell->row + 1, cell->column + 1, mine);
        }
    }

  return differences;
}

/* Gnumeric exports a sheet's extent, from its first non-empty row and
 * column rather than from A1, and its extent reaches further left or up
 * than the cells for text spilling over from a right-aligned or centred
 * cell and for pictures and text boxes: the CSV is compared at the best of
 * the origins up to 8 rows and columns before the first cell, and A1. */
static guint
compare_with_csv (GArray     *cells,
                  const char *csv_path,
                  GString    *report)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gsize length;
  guint32 first_row = G_MAXUINT32;
  guint32 first_column = G_MAXUINT32;
  guint best = G_MAXUINT;
  guint32 best_row = 0, best_column = 0;

  g_assert_true (g_file_get_contents (csv_path, &text, &length, NULL));
  rows = parse_csv (text, length);

  for (guint i = 0; i < cells->len; i++)
    {
      const Cell *cell = &g_array_index (cells, Cell, i);

      /* Gnumeric counts a cell holding an empty string as empty. */
      if (cell->kind == KVOTA_CELL_STRING && cell->text[0] == '\0')
        continue;
      first_row = MIN (first_row, cell->row);
      first_column = MIN (first_column, cell->column);
    }
  if (first_row == G_MAXUINT32)
    first_row = first_column = 0;

  for (guint i = 0; i <= 9; i++)
    for (guint j = 0; j <= 9; j++)
      {
        /* 0 to 8 rows or columns back, or the first row or column. */
        guint32 up = i < 9 ? MIN (i, first_row) : first_row;
        guint32 left = j < 9 ? MIN (j, first_column) : first_column;
        guint differences = compare_at (cells, rows, first_row - up, first_column - left, NULL);

        if (differences < best)
          {
            best = differences;
            best_row = first_row - up;
            best_column = first_column - left;
          }
      }

  if (best > 0 && report != NULL)
    compare_at (cells, rows, best_row, best_column, report);

  return best;
}

static GHashTable *
load_known (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "core", "corpus", "known-xls.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return known;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (lines[i][0] == '\0')
        continue;
      g_assert_nonnull (tab);
      g_hash_table_insert (known, g_strndup (lines[i], (gsize) (tab - lines[i])), g_strdup (tab + 1));
    }

  return known;
}

/* From oracle-sheets.tsv: path → number of sheets, path → 1 + the
 * active sheet, "path:index" → the SHA-256 of that sheet's CSV. */
static void
load_oracle_sheets (const char  *dir,
                    GHashTable **n_sheets,
                    GHashTable **active,
                    GHashTable **hashes)
{
  g_autofree char *path = g_build_filename (dir, "oracle-sheets.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  *n_sheets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  *active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  *hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      guint index;
      guint n;

      if (g_strv_length (fields) < 4)
        continue;
      index = (guint) g_ascii_strtoull (fields[1], NULL, 10);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (*n_sheets, fields[0]));

      g_hash_table_insert (*n_sheets, g_strdup (fields[0]), GUINT_TO_POINTER (MAX (index + 1, n)));
      g_hash_table_insert (*hashes, g_strdup_printf ("%s:%u", fields[0], index), g_strdup (fields[3]));
      if (fields[4] != NULL && g_str_equal (fields[4], "active"))
        g_hash_table_insert (*active, g_strdup (fields[0]), GUINT_TO_POINTER (index + 1));
    }
}

static GArray *
read_sheet (KvotaWorkbook  *workbook,
            guint           index,
            GError        **error)
{
  Collected collected = { new_cells (), TRUE };

  if (!kvota_workbook_read_sheet (workbook, index, collect_cb, &collected, NULL, error))
    {
      g_array_unref (collected.cells);
      return NULL;
    }
  g_assert_true (collected.in_order);

  return collected.cells;
}

static void
test_corpus (void)
{
  g_autofree char *dir = corpus_dir ();
  g_autofree char *xls_dir = g_build_filename (dir, "xls", NULL);
  g_autoptr(GHashTable) known = load_known ();
  g_autoptr(GHashTable) unexplained = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) oracle_n_sheets = NULL;
  g_autoptr(GHashTable) oracle_active = NULL;
  g_autoptr(GHashTable) oracle_hashes = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) failures = g_string_new (NULL);
  guint matched = 0;
  const char *name;

  if (!g_file_test (xls_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no corpus; set KVOTA_CORPUS_DIR");
      return;
    }

  load_oracle_sheets (dir, &oracle_n_sheets, &oracle_active, &oracle_hashes);

  listing = g_dir_open (xls_dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *rel = g_build_filename ("xls", file, NULL);
      g_autofree char *path = g_build_filename (xls_dir, file, NULL);
      g_autofree char *csv = g_strdup_printf ("%s/oracle/%s.csv", dir, rel);
      g_autofree char *csv0 = g_strdup_printf ("%s/oracle/%s.sheet0.csv", dir, rel);
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaWorkbook) workbook = NULL;
      g_autoptr(GArray) active_cells = NULL;
      g_autoptr(GString) report = g_string_new (NULL);
      guint n_sheets, active, oracle_n, oracle_act;
      guint differences = 0;

      workbook = kvota_workbook_open (path, &error);
      if (workbook == NULL)
        {
          g_string_append_printf (report, "\n    open: %s", error->message);
          differences = 1;
          goto done;
        }

      g_assert_cmpint (kvota_workbook_get_format (workbook), ==, KVOTA_WORKBOOK_FORMAT_XLS);
      n_sheets = kvota_workbook_get_n_sheets (workbook);
      active = kvota_workbook_get_active_sheet (workbook);

      oracle_n = GPOINTER_TO_UINT (g_hash_table_lookup (oracle_n_sheets, rel));
      oracle_act = GPOINTER_TO_UINT (g_hash_table_lookup (oracle_active, rel));
      if (oracle_n != 0 && oracle_n != n_sheets)
        g_test_message ("%s: %u sheets, the oracle has %u", rel, n_sheets, oracle_n);
      if (oracle_act != 0 && oracle_act - 1 != active)
        {
          g_autofree char *mine = g_strdup_printf ("%s:%u", rel, active);
          g_autofree char *theirs = g_strdup_printf ("%s:%u", rel, oracle_act - 1);

          /* Sheets alike (empty, say) cannot tell which one is active. */
          if (g_strcmp0 (g_hash_table_lookup (oracle_hashes, mine),
                         g_hash_table_lookup (oracle_hashes, theirs)) != 0)
            {
              g_string_append_printf (report, "\n    active sheet %u, the oracle's is %u",
                                      active, oracle_act - 1);
              differences++;
            }
        }

      for (guint s = 0; s < n_sheets; s++)
        {
          g_autoptr(GArray) cells = NULL;
          g_autoptr(GError) sheet_error = NULL;

          g_assert_nonnull (kvota_workbook_get_sheet_name (workbook, s));
          cells = read_sheet (workbook, s, &sheet_error);
          if (cells == NULL)
            {
              g_string_append_printf (report, "\n    sheet %u: %s", s, sheet_error->message);
              differences++;
              continue;
            }

          if (s == active)
            {
              if (g_file_test (csv, G_FILE_TEST_EXISTS))
                differences += compare_with_csv (cells, csv, report);
              active_cells = g_array_ref (cells);
            }
          /* Where we disagree on the active sheet, the oracle's must
           * still read the same. */
          if (oracle_act != 0 && s == oracle_act - 1 && s != active &&
              g_file_test (csv, G_FILE_TEST_EXISTS))
            {
              g_autoptr(GString) content = g_string_new (NULL);

              if (compare_with_csv (cells, csv, content) > 0)
                g_string_append_printf (report, "\n    and the oracle's active sheet differs too:%s",
                                        content->str);
            }
          if (s == 0 && s != active && g_file_test (csv0, G_FILE_TEST_EXISTS))
            {
              g_autoptr(GString) ignored = g_string_new (NULL);

              if (compare_with_csv (cells, csv0, ignored) > 0)
                g_test_message ("%s: sheet 0 differs from the oracle:%s", rel, ignored->str);
            }
        }

    done:
      if (differences == 0)
        {
          matched++;
          if (g_hash_table_contains (known, rel))
            g_string_append_printf (failures, "\n  %s now matches: take it off known-xls.tsv", rel);
        }
      else
        {
          g_test_message ("%s: %u differences%s", rel, differences, report->str);
          if (!g_hash_table_contains (known, rel))
            g_string_append_printf (failures, "\n  %s differs and is not in known-xls.tsv:%s",
                                    rel, report->str);
        }
    }

  g_test_message ("%u of %u .xls files match the oracle", matched, names->len);
  if (failures->len > 0)
    g_test_fail_printf ("%s", failures->str);
}

/* bad/: every OLE2 file fails cleanly or reads, quickly. */

/* Files that may open for a best-effort read, or be refused. */
#define ANY -1

typedef struct
{
  const char *file;
  int         code;     /* the error open() must give, or ANY */
} BadCase;

static const BadCase bad_cases[] = {
  { "calamine_OOM_alloc.xls", ANY },
  { "calamine_OOM_alloc2.xls", ANY },
  { "calamine_OOM_alloc3.xls", KVOTA_ERROR_SPREADSHEET_DAMAGED },
  { "calamine_issue_385.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "calamine_pass_protected.xlsx", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_35897-type4.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_57456.xls", ANY },
  { "poi_61300.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-4651309315719168.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-4657005060816896.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-4819588401201152.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-4977868385681408.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-5175219985448960.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-5786329142919168.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-6137883240824832.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-6322470200934400.xls", ANY },
  { "poi_clusterfuzz-testcase-minimized-POIHSSFFuzzer-6537773940867072.xls", ANY },
  { "poi_crash-9bf3cd4bd6f50a8a9339d363c2c7af14b536865c.xlsx", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_password.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_poi-fuzz.xls", ANY },
  { "poi_poifs_60320-protected.xlsx", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_poifs_protect.xlsx", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_poifs_protected_sha512.xlsx", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_protected_passtika.xlsx", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "poi_xor-encryption-abc.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "sheetjs_biff5_password_2002_40_xor.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "sheetjs_password_2002_128_enhanced.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "sheetjs_password_2002_128_strong.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "sheetjs_password_2002_40_basecrypto.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "sheetjs_password_2002_40_xor.xls", KVOTA_ERROR_SPREADSHEET_ENCRYPTED },
  { "sheetjs_phpexcel_bad_cfb_dir.xls", ANY },
  { "trunc_4096_sheetjs_rich_text_stress.xls", KVOTA_ERROR_SPREADSHEET_DAMAGED },
  { "trunc_half_poi_29982.xls", KVOTA_ERROR_SPREADSHEET_DAMAGED },
};

static gboolean
count_cb (const KvotaCell *cell,
          gpointer         user_data)
{
  guint *count = user_data;

  (*count)++;
  return TRUE;
}

static void
test_bad (void)
{
  g_autofree char *dir = corpus_dir ();
  GLogLevelFlags fatal;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no corpus; set KVOTA_CORPUS_DIR");
      return;
    }

  /* libgsf warns about the broken compound files as it refuses them:
   * expected here, not a failure. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, "bad", bad_cases[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaWorkbook) workbook = NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GString) outcome = g_string_new (NULL);

      workbook = kvota_workbook_open (path, &error);
      if (workbook == NULL)
        {
          g_assert_error (error, KVOTA_ERROR, error->code);
          g_string_append_printf (outcome, "refused (%d)", error->code);
          if (bad_cases[i].code != ANY)
            g_assert_cmpint (error->code, ==, bad_cases[i].code);
        }
      else
        {
          g_autofree char *csv = g_strdup_printf ("%s/oracle/bad/%s.csv", dir, bad_cases[i].file);

          g_assert_cmpint (bad_cases[i].code, ==, ANY);
          g_string_append_printf (outcome, "opened, %u sheets:", kvota_workbook_get_n_sheets (workbook));
          for (guint s = 0; s < kvota_workbook_get_n_sheets (workbook); s++)
            {
              g_autoptr(GError) sheet_error = NULL;
              g_autoptr(GArray) cells = read_sheet (workbook, s, &sheet_error);

              if (cells != NULL)
                {
                  g_string_append_printf (outcome, " %u cells", cells->len);
                  /* A best-effort read: how far it is from ssconvert's. */
                  if (s == kvota_workbook_get_active_sheet (workbook) && g_file_test (csv, G_FILE_TEST_EXISTS))
                    g_string_append_printf (outcome, " (%u differ from the oracle)",
                                            compare_with_csv (cells, csv, NULL));
                }
              else
                {
                  g_assert_error (sheet_error, KVOTA_ERROR, sheet_error->code);
                  g_string_append_printf (outcome, " refused (%d)", sheet_error->code);
                }
            }
        }

      g_test_message ("bad/%s: %s in %.1f ms", bad_cases[i].file, outcome->str,
                      (g_get_monotonic_time () - start) / 1000.0);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    }

  g_log_set_always_fatal (fatal);
}

/* Fixtures: BIFF8 streams written record by record. */

static void
put_u16 (GByteArray *out,
         guint       value)
{
  guint8 bytes[2] = { value & 0xFF, (value >> 8) & 0xFF };

  g_byte_array_append (out, bytes, 2);
}

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  put_u16 (out, value & 0xFFFF);
  put_u16 (out, value >> 16);
}

static void
put_double (GByteArray *out,
            double      value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  put_u32 (out, (guint32) bits);
  put_u32 (out, (guint32) (bits >> 32));
}

static void
put_record (GByteArray   *out,
            guint         type,
            const guint8 *body,
            gsize         length)
{
  put_u16 (out, type);
  put_u16 (out, (guint) length);
  g_byte_array_append (out, body, (guint) length);
}

static void
put_record_bytes (GByteArray *out,
                  guint       type,
                  GByteArray *body)
{
  put_record (out, type, body->data, body->len);
  g_byte_array_set_size (body, 0);
}

static void
put_bof (GByteArray *out,
         guint       kind)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put_u16 (body, 0x0600);
  put_u16 (body, kind);
  put_u32 (body, 0);
  put_u32 (body, 0);
  put_u32 (body, 0);
  put_record_bytes (out, 0x0809, body);
}

static void
put_eof (GByteArray *out)
{
  put_record (out, 0x000A, NULL, 0);
}

/* A workbook of one sheet "S": @globals_extra goes into the globals
 * before the BOUNDSHEET, @cells into the sheet. The sheet's offset is
 * right, unless @sheet_offset is not G_MAXUINT32. */
static GBytes *
build_workbook (GByteArray *globals_extra,
                GByteArray *cells,
                guint32     sheet_offset,
                const char *extra_stream)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GsfOutput) memory = gsf_output_memory_new ();
  g_autoptr(GsfOutfile) outfile = NULL;
  g_autoptr(GsfOutput) child = NULL;
  guint boundsheet_at;

  put_bof (stream, 0x0005);
  if (globals_extra != NULL)
    g_byte_array_append (stream, globals_extra->data, globals_extra->len);
  boundsheet_at = stream->len + 4;
  put_u32 (body, 0);
  g_byte_array_append (body, (const guint8 *) "\0\0\1\0S", 5);
  put_record_bytes (stream, 0x0085, body);
  put_eof (stream);

  if (sheet_offset == G_MAXUINT32)
    sheet_offset = stream->len;
  stream->data[boundsheet_at] = sheet_offset & 0xFF;
  stream->data[boundsheet_at + 1] = (sheet_offset >> 8) & 0xFF;
  stream->data[boundsheet_at + 2] = (sheet_offset >> 16) & 0xFF;
  stream->data[boundsheet_at + 3] = (sheet_offset >> 24) & 0xFF;

  put_bof (stream, 0x0010);
  if (cells != NULL)
    g_byte_array_append (stream, cells->data, cells->len);
  put_eof (stream);

  outfile = gsf_outfile_msole_new (memory);
  child = gsf_outfile_new_child (outfile, "Workbook", FALSE);
  g_assert_true (gsf_output_write (child, stream->len, stream->data));
  g_assert_true (gsf_output_close (child));
  if (extra_stream != NULL)
    {
      g_autoptr(GsfOutput) extra = gsf_outfile_new_child (outfile, extra_stream, FALSE);

      g_assert_true (gsf_output_write (extra, 8, (const guint8 *) "12345678"));
      g_assert_true (gsf_output_close (extra));
    }
  g_assert_true (gsf_output_close (GSF_OUTPUT (outfile)));

  return g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (memory)),
                      (gsize) gsf_output_size (memory));
}

static GArray *
read_fixture (GBytes  *bytes,
              GError **error)
{
  g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, error);

  if (workbook == NULL)
    return NULL;
  return read_sheet (workbook, 0, error);
}

static void
put_label_sst (GByteArray *out,
               guint       row,
               guint       column,
               guint32     index)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put_u16 (body, row);
  put_u16 (body, column);
  put_u16 (body, 0);
  put_u32 (body, index);
  put_record_bytes (out, 0x00FD, body);
}

static void
put_number (GByteArray *out,
            guint       row,
            guint       column,
            double      value)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  put_u16 (body, row);
  put_u16 (body, column);
  put_u16 (body, 0);
  put_double (body, value);
  put_record_bytes (out, 0x0203, body);
}

static void
test_sst_continue (void)
{
  g_autoptr(GByteArray) globals = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) cells = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) read = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const expected[] = { "Қазақ", "abcdef", "Жол", "xyz" };

  /* String 0: "Қазақ", 16-bit, its first two characters in the SST and
   * the rest in a CONTINUE that restarts with the 16-bit flag.
   * String 1: "abcdef", rich with 2 runs and a phonetic block of 6 bytes;
   * 8-bit "abc" before the break and the rest 16-bit after it; the runs
   * and the phonetic block each straddle a CONTINUE, with no flag byte.
   * String 2: "Жол", 16-bit, whole in the second CONTINUE.
   * String 3: "xyz", 8-bit, its header alone before the break. */
  put_u32 (body, 4);
  put_u32 (body, 4);
  put_u16 (body, 5);
  g_byte_array_append (body, (const guint8 *) "\x01", 1);
  put_u16 (body, 0x049A);
  put_u16 (body, 0x0430);
  put_record_bytes (globals, 0x00FC, body);

  g_byte_array_append (body, (const guint8 *) "\x01", 1);
  put_u16 (body, 0x0437);
  put_u16 (body, 0x0430);
  put_u16 (body, 0x049B);
  put_u16 (body, 6);
  g_byte_array_append (body, (const guint8 *) "\x0c", 1);
  put_u16 (body, 2);
  put_u32 (body, 6);
  g_byte_array_append (body, (const guint8 *) "abc", 3);
  put_record_bytes (globals, 0x003C, body);

  g_byte_array_append (body, (const guint8 *) "\x01", 1);
  put_u16 (body, 'd');
  put_u16 (body, 'e');
  put_u16 (body, 'f');
  put_u32 (body, 0x00010000);
  put_u16 (body, 0x0002);
  put_record_bytes (globals, 0x003C, body);

  put_u16 (body, 0x0001);
  put_u32 (body, 0xAAAAAAAA);
  put_record_bytes (globals, 0x003C, body);

  put_u16 (body, 0xBBBB);
  put_u16 (body, 3);
  g_byte_array_append (body, (const guint8 *) "\x01", 1);
  put_u16 (body, 0x0416);
  put_u16 (body, 0x043E);
  put_u16 (body, 0x043B);
  put_u16 (body, 3);
  g_byte_array_append (body, (const guint8 *) "\x00", 1);
  put_record_bytes (globals, 0x003C, body);

  g_byte_array_append (body, (const guint8 *) "\x00xyz", 4);
  put_record_bytes (globals, 0x003C, body);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    put_label_sst (cells, i, 0, i);
  /* An index past the table is no cell. */
  put_label_sst (cells, 4, 0, 99);

  bytes = build_workbook (globals, cells, G_MAXUINT32, NULL);
  read = read_fixture (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const Cell *cell = &g_array_index (read, Cell, i);

      g_assert_cmpint (cell->kind, ==, KVOTA_CELL_STRING);
      g_assert_cmpstr (cell->text, ==, expected[i]);
      g_assert_cmpuint (cell->row, ==, i);
    }
}

static void
test_order (void)
{
  g_autoptr(GByteArray) cells = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) read = NULL;
  g_autoptr(GError) error = NULL;
  static const guint expected[][3] = {
    { 0, 0, 1 }, { 0, 2, 6 }, { 1, 1, 4 }, { 2, 0, 2 }, { 2, 3, 5 },
  };

  /* Column by column, with a cell written twice: the later one wins. */
  put_number (cells, 0, 0, 1);
  put_number (cells, 2, 0, 2);
  put_number (cells, 1, 1, 4);
  put_number (cells, 0, 2, 3);
  put_number (cells, 2, 3, 5);
  put_number (cells, 0, 2, 6);

  bytes = build_workbook (NULL, cells, G_MAXUINT32, NULL);
  read = read_fixture (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const Cell *cell = &g_array_index (read, Cell, i);

      g_assert_cmpuint (cell->row, ==, expected[i][0]);
      g_assert_cmpuint (cell->column, ==, expected[i][1]);
      g_assert_cmpfloat (cell->number, ==, expected[i][2]);
    }
}

static void
test_hostile (void)
{
  g_autoptr(GByteArray) extra = g_byte_array_new ();
  g_autoptr(GByteArray) cells = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;

  /* A sheet offset back into the globals finds the sheet after them. */
  put_number (cells, 0, 0, 42);
  bytes = build_workbook (NULL, cells, 0, NULL);
  read = read_fixture (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 1);
  g_clear_pointer (&read, g_array_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* An offset past the end: the sheet in its place is read instead. */
  bytes = build_workbook (NULL, cells, 0x7FFFFFFF, NULL);
  read = read_fixture (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 1);
  g_clear_pointer (&read, g_array_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* A column past Excel's last. */
  g_byte_array_set_size (cells, 0);
  put_number (cells, 0, 20000, 1);
  bytes = build_workbook (NULL, cells, G_MAXUINT32, NULL);
  read = read_fixture (bytes, &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_TOO_LARGE);
  g_assert_null (read);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* A record longer than what is left of the stream. */
  g_byte_array_set_size (cells, 0);
  put_number (cells, 0, 0, 1);
  put_u16 (cells, 0x0203);
  put_u16 (cells, 0xFFFF);
  bytes = build_workbook (NULL, cells, G_MAXUINT32, NULL);
  read = read_fixture (bytes, &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_DAMAGED);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* FILEPASS: encrypted. */
  put_record (extra, 0x002F, (const guint8 *) "\0\0\0\0\0\0", 6);
  bytes = build_workbook (extra, NULL, G_MAXUINT32, NULL);
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_ENCRYPTED);
  g_assert_null (workbook);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* An encrypted OOXML package. */
  bytes = build_workbook (NULL, NULL, G_MAXUINT32, "EncryptedPackage");
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_null (workbook);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_ENCRYPTED);
  g_clear_error (&error);
  g_clear_pointer (&bytes, g_bytes_unref);
}

static void
test_no_workbook_stream (void)
{
  g_autoptr(GsfOutput) memory = gsf_output_memory_new ();
  g_autoptr(GsfOutfile) outfile = gsf_outfile_msole_new (memory);
  g_autoptr(GsfOutput) child = gsf_outfile_new_child (outfile, "WordDocument", FALSE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;

  g_assert_true (gsf_output_write (child, 8, (const guint8 *) "12345678"));
  g_assert_true (gsf_output_close (child));
  g_assert_true (gsf_output_close (GSF_OUTPUT (outfile)));
  bytes = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (memory)),
                       (gsize) gsf_output_size (memory));

  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED);
  g_assert_null (workbook);
}

static gboolean
stop_cb (const KvotaCell *cell,
         gpointer         user_data)
{
  guint *count = user_data;

  return ++(*count) < 2;
}

static gboolean
cancel_cb (const KvotaCell *cell,
           gpointer         user_data)
{
  g_cancellable_cancel (user_data);
  return TRUE;
}

static void
test_stop_and_cancel (void)
{
  g_autoptr(GByteArray) cells = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint count = 0;

  for (guint i = 0; i < 10; i++)
    put_number (cells, i, 0, i);
  bytes = build_workbook (NULL, cells, G_MAXUINT32, NULL);
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);

  g_assert_true (kvota_workbook_read_sheet (workbook, 0, stop_cb, &count, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);

  g_assert_false (kvota_workbook_read_sheet (workbook, 0, cancel_cb, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_stress (void)
{
  g_autofree char *dir = corpus_dir ();
  g_autofree char *path = g_build_filename (dir, "xls", "poi_stress.xls", NULL);
  g_autoptr(GByteArray) globals = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) cells = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint count = 0;
  const guint n_rows = 65536;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      start = g_get_monotonic_time ();
      workbook = kvota_workbook_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (kvota_workbook_read_sheet (workbook, kvota_workbook_get_active_sheet (workbook),
                                                count_cb, &count, NULL, &error));
      g_assert_no_error (error);
      g_test_message ("poi_stress.xls: %u cells in %.1f ms", count,
                      (g_get_monotonic_time () - start) / 1000.0);
      g_assert_cmpuint (count, ==, 1557);
      g_clear_object (&workbook);
    }

  /* A full BIFF8 sheet: 65,536 rows of a shared string, a number, an RK
   * and a MULRK of three, written the way Excel writes them. */
  put_u32 (body, 1);
  put_u32 (body, 1);
  put_u16 (body, 7);
  g_byte_array_append (body, (const guint8 *) "\0Kvota 1", 8);
  put_record_bytes (globals, 0x00FC, body);

  for (guint row = 0; row < n_rows; row++)
    {
      put_label_sst (cells, row, 0, 0);
      put_number (cells, row, 1, row + 0.5);
      put_u16 (body, row);
      put_u16 (body, 2);
      put_u16 (body, 0);
      put_u32 (body, (row << 2) | 2);
      put_record_bytes (cells, 0x027E, body);
      put_u16 (body, row);
      put_u16 (body, 3);
      for (guint i = 0; i < 3; i++)
        {
          put_u16 (body, 0);
          put_u32 (body, (i << 2) | 2);
        }
      put_u16 (body, 5);
      put_record_bytes (cells, 0x00BD, body);
    }

  bytes = build_workbook (globals, cells, G_MAXUINT32, NULL);
  count = 0;
  start = g_get_monotonic_time ();
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_true (kvota_workbook_read_sheet (workbook, 0, count_cb, &count, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%u rows, %u cells (%.1f MB) in %.1f ms", n_rows, count,
                  g_bytes_get_size (bytes) / 1048576.0, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (count, ==, n_rows * 6);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("KVOTA_TEST_DIFFERENCES") != NULL)
    report_limit = (guint) g_ascii_strtoull (g_getenv ("KVOTA_TEST_DIFFERENCES"), NULL, 10);

  g_test_add_func ("/core/workbook-xls/sst-continue", test_sst_continue);
  g_test_add_func ("/core/workbook-xls/order", test_order);
  g_test_add_func ("/core/workbook-xls/hostile", test_hostile);
  g_test_add_func ("/core/workbook-xls/no-workbook-stream", test_no_workbook_stream);
  g_test_add_func ("/core/workbook-xls/stop-and-cancel", test_stop_and_cancel);
  g_test_add_func ("/core/workbook-xls/corpus", test_corpus);
  g_test_add_func ("/core/workbook-xls/bad", test_bad);
  g_test_add_func ("/core/workbook-xls/stress", test_stress);

  return g_test_run ();
}
