/* test-workbook-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The .xlsx writer: every workbook it writes is read back with the
 * project's own reader (the one the NAP import uses), cell by cell, and,
 * when Gnumeric's ssconvert is installed, converted to CSV by it, so a
 * spreadsheet that is not ours accepts the package too.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "kvota-workbook.h"
#include "kvota-workbook-writer.h"

typedef struct
{
  guint               sheet;
  guint32             row;
  guint32             column;
  const char         *text;    /* NULL for a number */
  double              number;
  KvotaWorkbookStyle  style;
} Expected;

#define H(s, r, c, t) { s, r, c, t, 0, KVOTA_WORKBOOK_STYLE_HEADING }
#define T(s, r, c, t) { s, r, c, t, 0, KVOTA_WORKBOOK_STYLE_PLAIN }
#define N(s, r, c, n) { s, r, c, NULL, n, KVOTA_WORKBOOK_STYLE_PLAIN }
#define Q(s, r, c, n) { s, r, c, NULL, n, KVOTA_WORKBOOK_STYLE_GROUPED }
#define M(s, r, c, n) { s, r, c, NULL, n, KVOTA_WORKBOOK_STYLE_MONEY }

static const char * const report_sheets[] = {
  "Years", "Months", "Sectors", "Top accounts",
};

/* The trading report's four tables, as the client exports them, with
 * text that tests the writer: Cyrillic and Kazakh letters, XML's
 * special characters, a formula that must stay text, spaces at either
 * end, a line break. */
static const Expected report_cells[] = {
  H (0, 0, 0, "Year"), H (0, 0, 1, "Quotas traded"), H (0, 0, 2, "Transactions"),
  N (0, 1, 0, 2014), Q (0, 1, 1, 1252950), Q (0, 1, 2, 34),
  N (0, 2, 0, 2015), Q (0, 2, 1, 1983922), Q (0, 2, 2, 40),

  H (1, 0, 0, "Year"), H (1, 0, 1, "Month"), H (1, 0, 2, "Quotas traded"),
  H (1, 0, 3, "Transactions"), H (1, 0, 4, "Lowest price, ₸"), H (1, 0, 5, "Average price, ₸"),
  N (1, 1, 0, 2014), N (1, 1, 1, 1), Q (1, 1, 2, 0), Q (1, 1, 3, 0),
  N (1, 2, 0, 2014), N (1, 2, 1, 2), Q (1, 2, 2, 120500), Q (1, 2, 3, 3),
  M (1, 2, 4, 1150.5), M (1, 2, 5, 1210.25),
  N (1, 3, 0, 2015), N (1, 3, 1, 12), Q (1, 3, 2, 9007199254740992.0), Q (1, 3, 3, 1),
  M (1, 3, 4, 0.01), M (1, 3, 5, 99999999.99),

  H (2, 0, 0, "Жыл"), H (2, 0, 1, "Сектор"), H (2, 0, 2, "Квоты"),
  N (2, 1, 0, 2015), T (2, 1, 1, "Нефть және газ"), Q (2, 1, 2, 1500000),
  N (2, 2, 0, 2015), T (2, 2, 1, "Energy & <heat> \"quoted\" 'single'"), Q (2, 2, 2, 483922),
  N (2, 3, 0, 2015), T (2, 3, 1, "=SUM(A1:A3)"), Q (2, 3, 2, 0),

  H (3, 0, 0, "Rank"), H (3, 0, 1, "Account"), H (3, 0, 2, "Name"), H (3, 0, 3, "Sold"),
  N (3, 1, 0, 1), T (3, 1, 1, "KZ-100-000001"), T (3, 1, 2, "  ТОО «Павлодар»  "), Q (3, 1, 3, 750000),
  N (3, 2, 0, 2), T (3, 2, 1, "KZ-100-000002"), T (3, 2, 2, "Two\nlines"), Q (3, 2, 3, -5),
  N (3, 4, 0, 3), T (3, 4, 27, "far"), N (3, 4, 28, -0.5),
};

static KvotaWorkbookWriter *
build_report (void)
{
  KvotaWorkbookWriter *writer = kvota_workbook_writer_new ();

  for (guint i = 0; i < G_N_ELEMENTS (report_sheets); i++)
    {
      g_assert_cmpuint (kvota_workbook_writer_add_sheet (writer, report_sheets[i]), ==, i);
      kvota_workbook_writer_freeze_rows (writer, i, 1);
    }

  /* Backwards, so the writer has to put rows and cells in order. */
  for (guint i = G_N_ELEMENTS (report_cells); i > 0; i--)
    {
      const Expected *cell = &report_cells[i - 1];

      if (cell->text != NULL)
        kvota_workbook_writer_set_string (writer, cell->sheet, cell->row, cell->column,
                                          cell->text, cell->style);
      else
        kvota_workbook_writer_set_number (writer, cell->sheet, cell->row, cell->column,
                                          cell->number, cell->style);
    }

  return writer;
}

static const char *
expected_format (KvotaWorkbookStyle style)
{
  switch (style)
    {
    case KVOTA_WORKBOOK_STYLE_GROUPED:
      return "#,##0";
    case KVOTA_WORKBOOK_STYLE_MONEY:
      return "#,##0.00";
    case KVOTA_WORKBOOK_STYLE_PLAIN:
    case KVOTA_WORKBOOK_STYLE_HEADING:
    default:
      return NULL;
    }
}

typedef struct
{
  guint           sheet;
  const Expected *cells;
  guint           n_cells;
  guint           n_seen;
} Check;

static gboolean
check_cell_cb (const KvotaCell *cell,
               gpointer         user_data)
{
  Check *check = user_data;
  const Expected *expected = NULL;

  for (guint i = 0; i < check->n_cells && expected == NULL; i++)
    if (check->cells[i].sheet == check->sheet &&
        check->cells[i].row == cell->row &&
        check->cells[i].column == cell->column)
      expected = &check->cells[i];

  if (expected == NULL)
    g_error ("sheet %u: unexpected cell at row %u, column %u", check->sheet, cell->row, cell->column);

  check->n_seen++;
  g_assert_false (cell->is_date);

  if (expected->text != NULL)
    {
      g_assert_cmpint (cell->kind, ==, KVOTA_CELL_STRING);
      g_assert_cmpstr (cell->text, ==, expected->text);
    }
  else
    {
      g_assert_cmpint (cell->kind, ==, KVOTA_CELL_NUMBER);
      g_assert_cmpfloat (cell->number, ==, expected->number);
      g_assert_cmpstr (cell->format, ==, expected_format (expected->style));
    }

  return TRUE;
}

static void
assert_workbook (KvotaWorkbook   *workbook,
                 const char * const *names,
                 guint            n_sheets,
                 const Expected  *cells,
                 guint            n_cells)
{
  guint n_seen = 0;

  g_assert_cmpint (kvota_workbook_get_format (workbook), ==, KVOTA_WORKBOOK_FORMAT_XLSX);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), ==, n_sheets);
  g_assert_cmpuint (kvota_workbook_get_active_sheet (workbook), ==, 0);

  for (guint i = 0; i < n_sheets; i++)
    {
      g_autoptr(GError) error = NULL;
      Check check = { i, cells, n_cells, 0 };

      g_assert_cmpstr (kvota_workbook_get_sheet_name (workbook, i), ==, names[i]);
      g_assert_false (kvota_workbook_get_sheet_hidden (workbook, i));
      g_assert_true (kvota_workbook_read_sheet (workbook, i, check_cell_cb, &check, NULL, &error));
      g_assert_no_error (error);
      n_seen += check.n_seen;
    }

  /* Every cell written was read: none missing, none extra. */
  g_assert_cmpuint (n_seen, ==, n_cells);
}

static void
test_round_trip (void)
{
  g_autoptr(KvotaWorkbookWriter) writer = build_report ();
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = kvota_workbook_writer_to_bytes (writer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);

  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  assert_workbook (workbook, report_sheets, G_N_ELEMENTS (report_sheets),
                   report_cells, G_N_ELEMENTS (report_cells));
}

static void
test_save (void)
{
  g_autoptr(KvotaWorkbookWriter) writer = build_report ();
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kvota-writer-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "report.xlsx", NULL);
  file = g_file_new_for_path (path);

  /* Twice: an existing file is replaced. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (kvota_workbook_writer_save (writer, file, NULL, &error));
      g_assert_no_error (error);
    }

  workbook = kvota_workbook_open (path, &error);
  g_assert_no_error (error);
  assert_workbook (workbook, report_sheets, G_N_ELEMENTS (report_sheets),
                   report_cells, G_N_ELEMENTS (report_cells));

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_last_value_wins (void)
{
  static const char * const names[] = { "Sheet" };
  static const Expected cells[] = {
    N (0, 0, 0, 3),
    T (0, 0, 1, "text now"),
    N (0, 1, 0, 42),
  };
  g_autoptr(KvotaWorkbookWriter) writer = kvota_workbook_writer_new ();
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  kvota_workbook_writer_add_sheet (writer, "Sheet");
  kvota_workbook_writer_set_number (writer, 0, 0, 0, 1, KVOTA_WORKBOOK_STYLE_PLAIN);
  kvota_workbook_writer_set_string (writer, 0, 0, 0, "first", KVOTA_WORKBOOK_STYLE_PLAIN);
  kvota_workbook_writer_set_number (writer, 0, 0, 0, 3, KVOTA_WORKBOOK_STYLE_PLAIN);
  kvota_workbook_writer_set_number (writer, 0, 1, 0, 42, KVOTA_WORKBOOK_STYLE_PLAIN);
  kvota_workbook_writer_set_number (writer, 0, 0, 1, 7, KVOTA_WORKBOOK_STYLE_PLAIN);
  kvota_workbook_writer_set_string (writer, 0, 0, 1, "text now", KVOTA_WORKBOOK_STYLE_PLAIN);

  bytes = kvota_workbook_writer_to_bytes (writer, &error);
  g_assert_no_error (error);
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  assert_workbook (workbook, names, 1, cells, G_N_ELEMENTS (cells));
}

static void
test_sheet_names (void)
{
  static const struct { const char *given; const char *written; } names[] = {
    { "Plain", "Plain" },
    { "plain", "plain (2)" },                  /* Excel compares without case */
    { "a[b]c:d*e?f/g\\h", "a_b_c_d_e_f_g_h" },
    { "'quoted'", "quoted" },
    { "", "Sheet5" },
    { "Торговля квотами по секторам экономики", "Торговля квотами по секторам эк" },
    { "Торговля квотами по секторам экономики!", "Торговля квотами по сектора (2)" },
  };
  g_autoptr(KvotaWorkbookWriter) writer = kvota_workbook_writer_new ();
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      guint index = kvota_workbook_writer_add_sheet (writer, names[i].given);

      g_assert_cmpstr (kvota_workbook_writer_get_sheet_name (writer, index), ==, names[i].written);
      g_assert_cmpint (g_utf8_strlen (names[i].written, -1), <=, KVOTA_WORKBOOK_WRITER_MAX_SHEET_NAME);
    }
  g_assert_cmpuint (kvota_workbook_writer_get_n_sheets (writer), ==, G_N_ELEMENTS (names));

  /* Empty sheets are written too. */
  bytes = kvota_workbook_writer_to_bytes (writer, &error);
  g_assert_no_error (error);
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (kvota_workbook_get_sheet_name (workbook, i), ==, names[i].written);
}

static void
test_clean_text (void)
{
  static const char * const names[] = { "Text" };
  static const Expected cells[] = {
    T (0, 0, 0, "bell\357\277\275 and tab\tkept"),
    T (0, 1, 0, "bad \357\277\275 byte"),
  };
  g_autoptr(KvotaWorkbookWriter) writer = kvota_workbook_writer_new ();
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  kvota_workbook_writer_add_sheet (writer, "Text");
  kvota_workbook_writer_set_string (writer, 0, 0, 0, "bell\a and tab\tkept", KVOTA_WORKBOOK_STYLE_PLAIN);
  kvota_workbook_writer_set_string (writer, 0, 1, 0, "bad \377 byte", KVOTA_WORKBOOK_STYLE_PLAIN);

  bytes = kvota_workbook_writer_to_bytes (writer, &error);
  g_assert_no_error (error);
  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  assert_workbook (workbook, names, 1, cells, G_N_ELEMENTS (cells));
}

/* Gnumeric's reading: each sheet exported as CSV with raw values. */

static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = NULL;
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  gboolean in_field = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (row == NULL)
        {
          row = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (rows, row);
        }

      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
          continue;
        }

      if (*p == '"' && field->len == 0)
        {
          quoted = TRUE;
          in_field = TRUE;
        }
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          in_field = FALSE;
        }
      else if (*p == '\n' || *p == '\r')
        {
          if (*p == '\r' && p[1] == '\n')
            p++;
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          in_field = FALSE;
          row = NULL;
        }
      else
        {
          g_string_append_c (field, *p);
          in_field = TRUE;
        }
    }

  if (row != NULL && (in_field || field->len > 0 || row->len > 0))
    g_ptr_array_add (row, g_strdup (field->str));

  g_string_free (field, TRUE);
  return rows;
}

static void
test_ssconvert (void)
{
  g_autofree char *ssconvert = g_find_program_in_path ("ssconvert");
  g_autoptr(KvotaWorkbookWriter) writer = build_report ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pattern = NULL;

  if (ssconvert == NULL)
    {
      g_test_skip ("ssconvert (Gnumeric) is not installed");
      return;
    }

  dir = g_dir_make_tmp ("kvota-writer-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "report.xlsx", NULL);
  pattern = g_build_filename (dir, "sheet-%n.csv", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (kvota_workbook_writer_save (writer, file, NULL, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = {
      ssconvert, "--export-type=Gnumeric_stf:stf_assistant",
      "--export-options=separator=, format=raw quoting-mode=auto eol=unix charset=UTF-8",
      "-S", path, pattern, NULL,
    };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, &error))
      g_error ("ssconvert failed: %s\n%s%s", error->message, out, err);
    /* Gnumeric complains on stderr of what it does not understand. */
    if (err != NULL && *err != '\0')
      g_test_message ("ssconvert said: %s", err);
  }

  for (guint s = 0; s < G_N_ELEMENTS (report_sheets); s++)
    {
      g_autofree char *name = g_strdup_printf ("sheet-%u.csv", s);
      g_autofree char *csv_path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      guint n_cells = 0;
      guint n_nonempty = 0;

      g_assert_true (g_file_get_contents (csv_path, &text, NULL, &error));
      g_assert_no_error (error);
      rows = parse_csv (text);

      for (guint i = 0; i < G_N_ELEMENTS (report_cells); i++)
        {
          const Expected *cell = &report_cells[i];
          GPtrArray *row;
          const char *value;

          if (cell->sheet != s)
            continue;
          n_cells++;

          g_assert_cmpuint (cell->row, <, rows->len);
          row = g_ptr_array_index (rows, cell->row);
          g_assert_cmpuint (cell->column, <, row->len);
          value = g_ptr_array_index (row, cell->column);

          if (cell->text != NULL)
            g_assert_cmpstr (value, ==, cell->text);
          else
            {
              char *end = NULL;
              double number = g_ascii_strtod (value, &end);

              g_assert_true (end != value && *end == '\0');
              g_assert_cmpfloat (number, ==, cell->number);
            }
        }

      /* And nothing else in the sheet. */
      for (guint r = 0; r < rows->len; r++)
        {
          GPtrArray *row = g_ptr_array_index (rows, r);

          for (guint c = 0; c < row->len; c++)
            if (*(const char *) g_ptr_array_index (row, c) != '\0')
              n_nonempty++;
        }
      g_assert_cmpuint (n_nonempty, ==, n_cells);

      g_assert_cmpint (g_unlink (csv_path), ==, 0);
    }

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/workbook-writer/round-trip", test_round_trip);
  g_test_add_func ("/core/workbook-writer/save", test_save);
  g_test_add_func ("/core/workbook-writer/last-value-wins", test_last_value_wins);
  g_test_add_func ("/core/workbook-writer/sheet-names", test_sheet_names);
  g_test_add_func ("/core/workbook-writer/clean-text", test_clean_text);
  g_test_add_func ("/core/workbook-writer/ssconvert", test_ssconvert);

  return g_test_run ();
}
