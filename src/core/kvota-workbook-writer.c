/* kvota-workbook-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-workbook-writer"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gsf/gsf.h>

#include "kvota-error.h"
#include "kvota-workbook-writer.h"

/* A small SpreadsheetML (.xlsx) writer for the registry's reports: one
 * sheet per table, numbers as numbers, text as inline strings, a bold
 * heading row that stays in view. The package is assembled by libgsf's
 * Open Packaging output (GsfOutfileOpenPkg over GsfOutfileZip), which
 * writes [Content_Types].xml and the relationship parts itself:
 *
 *   [Content_Types].xml
 *   _rels/.rels                  → xl/workbook.xml
 *   xl/workbook.xml
 *   xl/_rels/workbook.xml.rels   → worksheets/sheetN.xml, styles.xml
 *   xl/styles.xml
 *   xl/worksheets/sheetN.xml
 *
 * Cells are kept until the workbook is written, so they may be set in any
 * order; a cell set twice keeps the last value. Fill the writer on one
 * thread, then write it on any. */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#define REL_OFFICE_DOCUMENT NS_REL "/officeDocument"
#define REL_WORKSHEET       NS_REL "/worksheet"
#define REL_STYLES          NS_REL "/styles"

#define CT_WORKBOOK  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
#define CT_WORKSHEET "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
#define CT_STYLES    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

/* Excel's limits, as the reader has them. */
#define MAX_ROWS    1048576
#define MAX_COLUMNS 16384
#define MAX_TEXT    32767

typedef struct
{
  guint32             row;
  guint32             column;
  guint               order;   /* when it was set: the last one wins */
  KvotaWorkbookStyle  style;
  char               *text;    /* NULL for a number */
  double              number;
} Cell;

typedef struct
{
  char    *name;
  GArray  *cells;              /* of Cell */
  guint32  frozen_rows;
} Sheet;

struct _KvotaWorkbookWriter
{
  GObject    parent_instance;

  GPtrArray *sheets;           /* of Sheet */
  guint      n_set;
};

G_DEFINE_FINAL_TYPE (KvotaWorkbookWriter, kvota_workbook_writer, G_TYPE_OBJECT)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfOutput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfOutfile, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfXMLOut, g_object_unref)

static void
cell_clear (gpointer data)
{
  Cell *cell = data;

  g_clear_pointer (&cell->text, g_free);
}

static void
sheet_free (gpointer data)
{
  Sheet *sheet = data;

  g_free (sheet->name);
  g_array_unref (sheet->cells);
  g_free (sheet);
}

/* Text as XML 1.0 can carry it: valid UTF-8 without the control
 * characters it forbids, and no longer than a cell holds. */
static char *
clean_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *clean = g_string_sized_new (strlen (valid));
  glong n_chars = 0;

  for (const char *p = valid; *p != '\0' && n_chars < MAX_TEXT; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
          c == 0xFFFE || c == 0xFFFF)
        c = 0xFFFD;
      g_string_append_unichar (clean, c);
    }

  return g_string_free (clean, FALSE);
}

/* A sheet name Excel accepts: none of []:*?/\, no apostrophe at either
 * end, 1 to 31 characters, unique whatever the case. */
static char *
clean_sheet_name (KvotaWorkbookWriter *self,
                  const char          *name)
{
  g_autofree char *valid = clean_text (name != NULL ? name : "");
  g_autoptr(GString) base = g_string_new (NULL);
  guint n = 1;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (strchr ("[]:*?/\\", (int) c) != NULL && c < 0x80)
        c = '_';
      if (c < 0x20)
        c = ' ';
      g_string_append_unichar (base, c);
    }
  while (base->len > 0 && base->str[0] == '\'')
    g_string_erase (base, 0, 1);
  while (base->len > 0 && base->str[base->len - 1] == '\'')
    g_string_truncate (base, base->len - 1);
  if (base->len == 0)
    g_string_printf (base, "Sheet%u", self->sheets->len + 1);

  for (;;)
    {
      g_autofree char *suffix = n > 1 ? g_strdup_printf (" (%u)", n) : g_strdup ("");
      glong room = KVOTA_WORKBOOK_WRITER_MAX_SHEET_NAME - (glong) strlen (suffix);
      g_autofree char *head = NULL;
      g_autofree char *candidate = NULL;
      g_autofree char *folded = NULL;
      gboolean taken = FALSE;

      if (g_utf8_strlen (base->str, -1) > room)
        {
          head = g_malloc0 (base->len + 1);
          g_utf8_strncpy (head, base->str, room);
        }
      else
        head = g_strdup (base->str);

      candidate = g_strconcat (head, suffix, NULL);
      folded = g_utf8_casefold (candidate, -1);
      for (guint i = 0; i < self->sheets->len && !taken; i++)
        {
          const Sheet *sheet = g_ptr_array_index (self->sheets, i);
          g_autofree char *other = g_utf8_casefold (sheet->name, -1);

          taken = g_str_equal (folded, other);
        }

      if (!taken)
        return g_steal_pointer (&candidate);
      n++;
    }
}

static Sheet *
get_sheet (KvotaWorkbookWriter *self,
           guint                index)
{
  g_return_val_if_fail (index < self->sheets->len, NULL);

  return g_ptr_array_index (self->sheets, index);
}

static void
add_cell (KvotaWorkbookWriter *self,
          guint                index,
          Cell                *cell)
{
  Sheet *sheet = get_sheet (self, index);

  if (sheet == NULL)
    {
      cell_clear (cell);
      return;
    }

  cell->order = self->n_set++;
  g_array_append_val (sheet->cells, *cell);
}

static int
compare_cells (gconstpointer a,
               gconstpointer b)
{
  const Cell *ca = a;
  const Cell *cb = b;

  if (ca->row != cb->row)
    return ca->row < cb->row ? -1 : 1;
  if (ca->column != cb->column)
    return ca->column < cb->column ? -1 : 1;
  return ca->order < cb->order ? -1 : ca->order > cb->order;
}

/* A1-style reference: column letters, then the 1-based row. */
static void
format_reference (char    *buffer,
                  gsize    size,
                  guint32  row,
                  guint32  column)
{
  char letters[8];
  int n = 0;
  guint32 c = column + 1;

  while (c > 0 && n < (int) sizeof letters)
    {
      letters[n++] = (char) ('A' + (c - 1) % 26);
      c = (c - 1) / 26;
    }

  for (int i = 0; i < n / 2; i++)
    {
      char swap = letters[i];

      letters[i] = letters[n - 1 - i];
      letters[n - 1 - i] = swap;
    }

  g_snprintf (buffer, size, "%.*s%u", n, letters, row + 1);
}

/* The width a column needs, in characters, as a spreadsheet measures it. */
static guint
cell_width (const Cell *cell)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  guint width;

  if (cell->text != NULL)
    {
      /* The longest line of the text. */
      guint longest = 0;
      g_auto(GStrv) lines = g_strsplit (cell->text, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        longest = MAX (longest, (guint) g_utf8_strlen (lines[i], -1));
      width = longest;
    }
  else
    {
      g_ascii_dtostr (buffer, sizeof buffer, cell->number);
      width = (guint) strlen (buffer);
      /* Room for the separators of grouped digits, and decimals. */
      if (cell->style == KVOTA_WORKBOOK_STYLE_GROUPED || cell->style == KVOTA_WORKBOOK_STYLE_MONEY)
        width += width / 3 + 3;
    }

  if (cell->style == KVOTA_WORKBOOK_STYLE_HEADING)
    width += 1;

  return width;
}

static void
write_sheet (Sheet     *sheet,
             GsfOutput *output)
{
  g_autoptr(GsfXMLOut) xml = gsf_xml_out_new (output);
  g_autoptr(GArray) widths = g_array_new (FALSE, TRUE, sizeof (guint));
  guint32 last_row = 0;
  guint32 last_column = 0;
  gboolean row_open = FALSE;
  guint32 row = 0;
  char reference[32];

  gsf_xml_out_set_pretty_print (xml, FALSE);
  g_array_sort (sheet->cells, compare_cells);

  /* The dimension and the column widths, from the cells that count (the
   * last value set of each). */
  for (guint i = 0; i < sheet->cells->len; i++)
    {
      const Cell *cell = &g_array_index (sheet->cells, Cell, i);
      guint width;

      if (i + 1 < sheet->cells->len)
        {
          const Cell *next = &g_array_index (sheet->cells, Cell, i + 1);

          if (next->row == cell->row && next->column == cell->column)
            continue;
        }

      last_row = MAX (last_row, cell->row);
      last_column = MAX (last_column, cell->column);
      if (cell->column >= widths->len)
        g_array_set_size (widths, cell->column + 1);
      width = cell_width (cell);
      if (width > g_array_index (widths, guint, cell->column))
        g_array_index (widths, guint, cell->column) = width;
    }

  gsf_xml_out_start_element (xml, "worksheet");
  gsf_xml_out_add_cstr_unchecked (xml, "xmlns", NS_MAIN);
  gsf_xml_out_add_cstr_unchecked (xml, "xmlns:r", NS_REL);

  gsf_xml_out_start_element (xml, "dimension");
  if (sheet->cells->len > 0)
    {
      char first[32];

      format_reference (first, sizeof first, 0, 0);
      format_reference (reference, sizeof reference, last_row, last_column);
      g_strlcat (first, ":", sizeof first);
      g_strlcat (first, reference, sizeof first);
      gsf_xml_out_add_cstr_unchecked (xml, "ref", first);
    }
  else
    gsf_xml_out_add_cstr_unchecked (xml, "ref", "A1");
  gsf_xml_out_end_element (xml); /* dimension */

  gsf_xml_out_start_element (xml, "sheetViews");
  gsf_xml_out_start_element (xml, "sheetView");
  gsf_xml_out_add_uint (xml, "workbookViewId", 0);
  if (sheet->frozen_rows > 0)
    {
      format_reference (reference, sizeof reference, sheet->frozen_rows, 0);
      gsf_xml_out_start_element (xml, "pane");
      gsf_xml_out_add_uint (xml, "ySplit", sheet->frozen_rows);
      gsf_xml_out_add_cstr_unchecked (xml, "topLeftCell", reference);
      gsf_xml_out_add_cstr_unchecked (xml, "activePane", "bottomLeft");
      gsf_xml_out_add_cstr_unchecked (xml, "state", "frozen");
      gsf_xml_out_end_element (xml); /* pane */
    }
  gsf_xml_out_end_element (xml); /* sheetView */
  gsf_xml_out_end_element (xml); /* sheetViews */

  gsf_xml_out_start_element (xml, "sheetFormatPr");
  gsf_xml_out_add_cstr_unchecked (xml, "defaultRowHeight", "15");
  gsf_xml_out_end_element (xml);

  if (widths->len > 0)
    {
      gsf_xml_out_start_element (xml, "cols");
      for (guint i = 0; i < widths->len; i++)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];
          guint width = CLAMP (g_array_index (widths, guint, i) + 2, 8, 60);

          gsf_xml_out_start_element (xml, "col");
          gsf_xml_out_add_uint (xml, "min", i + 1);
          gsf_xml_out_add_uint (xml, "max", i + 1);
          gsf_xml_out_add_cstr_unchecked (xml, "width", g_ascii_dtostr (buffer, sizeof buffer, width));
          gsf_xml_out_add_cstr_unchecked (xml, "customWidth", "1");
          gsf_xml_out_end_element (xml);
        }
      gsf_xml_out_end_element (xml); /* cols */
    }

  gsf_xml_out_start_element (xml, "sheetData");
  for (guint i = 0; i < sheet->cells->len; i++)
    {
      const Cell *cell = &g_array_index (sheet->cells, Cell, i);

      /* Only the last value set of a cell is written. */
      if (i + 1 < sheet->cells->len)
        {
          const Cell *next = &g_array_index (sheet->cells, Cell, i + 1);

          if (next->row == cell->row && next->column == cell->column)
            continue;
        }

      if (!row_open || cell->row != row)
        {
          if (row_open)
            gsf_xml_out_end_element (xml); /* row */
          gsf_xml_out_start_element (xml, "row");
          gsf_xml_out_add_uint (xml, "r", cell->row + 1);
          row = cell->row;
          row_open = TRUE;
        }

      format_reference (reference, sizeof reference, cell->row, cell->column);
      gsf_xml_out_start_element (xml, "c");
      gsf_xml_out_add_cstr_unchecked (xml, "r", reference);
      if (cell->style != KVOTA_WORKBOOK_STYLE_PLAIN)
        gsf_xml_out_add_uint (xml, "s", (unsigned) cell->style);

      if (cell->text != NULL)
        {
          gsf_xml_out_add_cstr_unchecked (xml, "t", "inlineStr");
          gsf_xml_out_start_element (xml, "is");
          gsf_xml_out_start_element (xml, "t");
          gsf_xml_out_add_cstr_unchecked (xml, "xml:space", "preserve");
          gsf_xml_out_add_cstr (xml, NULL, cell->text);
          gsf_xml_out_end_element (xml); /* t */
          gsf_xml_out_end_element (xml); /* is */
        }
      else
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          gsf_xml_out_start_element (xml, "v");
          gsf_xml_out_add_cstr_unchecked (xml, NULL, g_ascii_dtostr (buffer, sizeof buffer, cell->number));
          gsf_xml_out_end_element (xml); /* v */
        }
      gsf_xml_out_end_element (xml); /* c */
    }
  if (row_open)
    gsf_xml_out_end_element (xml); /* row */
  gsf_xml_out_end_element (xml); /* sheetData */

  gsf_xml_out_end_element (xml); /* worksheet */
}

/* The cell formats, in the order of KvotaWorkbookStyle: plain, bold,
 * #,##0 (built-in format 3) and #,##0.00 (built-in format 4). */
static void
write_styles (GsfOutput *output)
{
  static const struct { guint font; guint format; } formats[] = {
    { 0, 0 }, { 1, 0 }, { 0, 3 }, { 0, 4 },
  };
  g_autoptr(GsfXMLOut) xml = gsf_xml_out_new (output);

  gsf_xml_out_start_element (xml, "styleSheet");
  gsf_xml_out_add_cstr_unchecked (xml, "xmlns", NS_MAIN);

  gsf_xml_out_start_element (xml, "fonts");
  gsf_xml_out_add_uint (xml, "count", 2);
  for (guint bold = 0; bold < 2; bold++)
    {
      gsf_xml_out_start_element (xml, "font");
      if (bold)
        gsf_xml_out_simple_element (xml, "b", NULL);
      gsf_xml_out_start_element (xml, "sz");
      gsf_xml_out_add_uint (xml, "val", 11);
      gsf_xml_out_end_element (xml);
      gsf_xml_out_start_element (xml, "name");
      gsf_xml_out_add_cstr_unchecked (xml, "val", "Calibri");
      gsf_xml_out_end_element (xml);
      gsf_xml_out_start_element (xml, "family");
      gsf_xml_out_add_uint (xml, "val", 2);
      gsf_xml_out_end_element (xml);
      gsf_xml_out_end_element (xml); /* font */
    }
  gsf_xml_out_end_element (xml); /* fonts */

  /* Excel wants the two fills it reserves, none and gray125. */
  gsf_xml_out_start_element (xml, "fills");
  gsf_xml_out_add_uint (xml, "count", 2);
  for (guint i = 0; i < 2; i++)
    {
      gsf_xml_out_start_element (xml, "fill");
      gsf_xml_out_start_element (xml, "patternFill");
      gsf_xml_out_add_cstr_unchecked (xml, "patternType", i == 0 ? "none" : "gray125");
      gsf_xml_out_end_element (xml);
      gsf_xml_out_end_element (xml);
    }
  gsf_xml_out_end_element (xml); /* fills */

  gsf_xml_out_start_element (xml, "borders");
  gsf_xml_out_add_uint (xml, "count", 1);
  gsf_xml_out_start_element (xml, "border");
  gsf_xml_out_simple_element (xml, "left", NULL);
  gsf_xml_out_simple_element (xml, "right", NULL);
  gsf_xml_out_simple_element (xml, "top", NULL);
  gsf_xml_out_simple_element (xml, "bottom", NULL);
  gsf_xml_out_simple_element (xml, "diagonal", NULL);
  gsf_xml_out_end_element (xml); /* border */
  gsf_xml_out_end_element (xml); /* borders */

  gsf_xml_out_start_element (xml, "cellStyleXfs");
  gsf_xml_out_add_uint (xml, "count", 1);
  gsf_xml_out_start_element (xml, "xf");
  gsf_xml_out_add_uint (xml, "numFmtId", 0);
  gsf_xml_out_add_uint (xml, "fontId", 0);
  gsf_xml_out_add_uint (xml, "fillId", 0);
  gsf_xml_out_add_uint (xml, "borderId", 0);
  gsf_xml_out_end_element (xml);
  gsf_xml_out_end_element (xml); /* cellStyleXfs */

  gsf_xml_out_start_element (xml, "cellXfs");
  gsf_xml_out_add_uint (xml, "count", G_N_ELEMENTS (formats));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      gsf_xml_out_start_element (xml, "xf");
      gsf_xml_out_add_uint (xml, "numFmtId", formats[i].format);
      gsf_xml_out_add_uint (xml, "fontId", formats[i].font);
      gsf_xml_out_add_uint (xml, "fillId", 0);
      gsf_xml_out_add_uint (xml, "borderId", 0);
      gsf_xml_out_add_uint (xml, "xfId", 0);
      if (formats[i].font != 0)
        gsf_xml_out_add_cstr_unchecked (xml, "applyFont", "1");
      if (formats[i].format != 0)
        gsf_xml_out_add_cstr_unchecked (xml, "applyNumberFormat", "1");
      gsf_xml_out_end_element (xml);
    }
  gsf_xml_out_end_element (xml); /* cellXfs */

  gsf_xml_out_start_element (xml, "cellStyles");
  gsf_xml_out_add_uint (xml, "count", 1);
  gsf_xml_out_start_element (xml, "cellStyle");
  gsf_xml_out_add_cstr_unchecked (xml, "name", "Normal");
  gsf_xml_out_add_uint (xml, "xfId", 0);
  gsf_xml_out_add_uint (xml, "builtinId", 0);
  gsf_xml_out_end_element (xml);
  gsf_xml_out_end_element (xml); /* cellStyles */

  gsf_xml_out_end_element (xml); /* styleSheet */
}

static void
write_workbook (KvotaWorkbookWriter  *self,
                GsfOutput            *output,
                char                **ids)
{
  g_autoptr(GsfXMLOut) xml = gsf_xml_out_new (output);

  gsf_xml_out_start_element (xml, "workbook");
  gsf_xml_out_add_cstr_unchecked (xml, "xmlns", NS_MAIN);
  gsf_xml_out_add_cstr_unchecked (xml, "xmlns:r", NS_REL);

  gsf_xml_out_start_element (xml, "bookViews");
  gsf_xml_out_start_element (xml, "workbookView");
  gsf_xml_out_add_uint (xml, "activeTab", 0);
  gsf_xml_out_end_element (xml);
  gsf_xml_out_end_element (xml); /* bookViews */

  gsf_xml_out_start_element (xml, "sheets");
  for (guint i = 0; i < self->sheets->len; i++)
    {
      const Sheet *sheet = g_ptr_array_index (self->sheets, i);

      gsf_xml_out_start_element (xml, "sheet");
      gsf_xml_out_add_cstr (xml, "name", sheet->name);
      gsf_xml_out_add_uint (xml, "sheetId", i + 1);
      gsf_xml_out_add_cstr_unchecked (xml, "r:id", ids[i]);
      gsf_xml_out_end_element (xml);
    }
  gsf_xml_out_end_element (xml); /* sheets */

  gsf_xml_out_end_element (xml); /* workbook */
}

static gboolean
close_output (GsfOutput  *output,
              GError    **error)
{
  const GError *failure;

  if (gsf_output_close (output))
    return TRUE;

  failure = gsf_output_error (output);
  if (error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         failure != NULL ? failure->message : kvota_error_code_describe (KVOTA_ERROR_FAILED));
  return FALSE;
}

static gboolean
write_package (KvotaWorkbookWriter  *self,
               GsfOutput            *sink,
               GError              **error)
{
  g_autoptr(GsfOutfile) zip = NULL;
  g_autoptr(GsfOutfile) package = NULL;
  g_autoptr(GsfOutfile) xl = NULL;
  g_autoptr(GsfOutfile) worksheets = NULL;
  g_autoptr(GsfOutput) workbook = NULL;
  g_autoptr(GsfOutput) styles = NULL;
  g_auto(GStrv) ids = g_new0 (char *, self->sheets->len + 1);
  gboolean ok = TRUE;

  if ((zip = gsf_outfile_zip_new (sink, error)) == NULL)
    return FALSE;

  package = gsf_outfile_open_pkg_new (zip);
  xl = GSF_OUTFILE (gsf_outfile_new_child (package, "xl", TRUE));
  worksheets = GSF_OUTFILE (gsf_outfile_new_child (xl, "worksheets", TRUE));
  workbook = gsf_outfile_new_child_full (xl, "workbook.xml", FALSE,
                                         "content-type", CT_WORKBOOK,
                                         NULL);

  /* The sheets, each related from the workbook part: their relationship
   * ids name them in workbook.xml. */
  for (guint i = 0; i < self->sheets->len; i++)
    {
      g_autoptr(GsfOutput) part = NULL;
      g_autofree char *name = g_strdup_printf ("sheet%u.xml", i + 1);

      part = gsf_outfile_new_child_full (worksheets, name, FALSE,
                                         "content-type", CT_WORKSHEET,
                                         NULL);
      ids[i] = g_strdup (gsf_outfile_open_pkg_relate (GSF_OUTFILE_OPEN_PKG (part),
                                                      GSF_OUTFILE_OPEN_PKG (workbook),
                                                      REL_WORKSHEET));
      write_sheet (g_ptr_array_index (self->sheets, i), part);
      ok = close_output (part, error) && ok;
    }

  styles = gsf_outfile_open_pkg_add_rel (xl, "styles.xml", CT_STYLES, GSF_OUTFILE (workbook), REL_STYLES);
  write_styles (styles);
  ok = close_output (styles, error) && ok;

  write_workbook (self, workbook, ids);
  gsf_outfile_open_pkg_relate (GSF_OUTFILE_OPEN_PKG (workbook),
                               GSF_OUTFILE_OPEN_PKG (package),
                               REL_OFFICE_DOCUMENT);
  ok = close_output (workbook, error) && ok;
  ok = close_output (GSF_OUTPUT (worksheets), error) && ok;
  ok = close_output (GSF_OUTPUT (xl), error) && ok;
  ok = close_output (GSF_OUTPUT (package), error) && ok;

  return ok;
}

static void
kvota_workbook_writer_finalize (GObject *object)
{
  KvotaWorkbookWriter *self = (KvotaWorkbookWriter *)object;

  g_clear_pointer (&self->sheets, g_ptr_array_unref);

  G_OBJECT_CLASS (kvota_workbook_writer_parent_class)->finalize (object);
}

static void
kvota_workbook_writer_class_init (KvotaWorkbookWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_workbook_writer_finalize;
}

static void
kvota_workbook_writer_init (KvotaWorkbookWriter *self)
{
  self->sheets = g_ptr_array_new_with_free_func (sheet_free);
}

/**
 * kvota_workbook_writer_new:
 *
 * Returns: (transfer full): an empty workbook
 */
KvotaWorkbookWriter *
kvota_workbook_writer_new (void)
{
  return g_object_new (KVOTA_TYPE_WORKBOOK_WRITER, NULL);
}

/**
 * kvota_workbook_writer_add_sheet:
 * @self: a #KvotaWorkbookWriter
 * @name: the sheet's name
 *
 * Adds a sheet after the others. A name Excel would refuse is mended:
 * the characters []:*?/\ become underscores, it is cut to 31 characters,
 * and a name already taken gets a number.
 *
 * Returns: the index of the sheet
 */
guint
kvota_workbook_writer_add_sheet (KvotaWorkbookWriter *self,
                                 const char          *name)
{
  Sheet *sheet;

  g_return_val_if_fail (KVOTA_IS_WORKBOOK_WRITER (self), 0);

  sheet = g_new0 (Sheet, 1);
  sheet->name = clean_sheet_name (self, name);
  sheet->cells = g_array_new (FALSE, FALSE, sizeof (Cell));
  g_array_set_clear_func (sheet->cells, cell_clear);
  g_ptr_array_add (self->sheets, sheet);

  return self->sheets->len - 1;
}

/**
 * kvota_workbook_writer_get_n_sheets:
 * @self: a #KvotaWorkbookWriter
 *
 * Returns: how many sheets it has
 */
guint
kvota_workbook_writer_get_n_sheets (KvotaWorkbookWriter *self)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK_WRITER (self), 0);

  return self->sheets->len;
}

/**
 * kvota_workbook_writer_get_sheet_name:
 * @self: a #KvotaWorkbookWriter
 * @sheet: the index of a sheet
 *
 * Returns: the sheet's name, as it will be written
 */
const char *
kvota_workbook_writer_get_sheet_name (KvotaWorkbookWriter *self,
                                      guint                sheet)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK_WRITER (self), NULL);
  g_return_val_if_fail (sheet < self->sheets->len, NULL);

  return get_sheet (self, sheet)->name;
}

/**
 * kvota_workbook_writer_set_string:
 * @self: a #KvotaWorkbookWriter
 * @sheet: the index of a sheet
 * @row: 0-based row
 * @column: 0-based column
 * @text: the text; invalid UTF-8 and control characters are replaced, and
 *   it is cut to the 32 767 characters a cell holds
 * @style: how it is shown
 *
 * Sets a cell to text, written as an inline string. Text that looks like
 * a formula stays text: a string cell is never evaluated.
 */
void
kvota_workbook_writer_set_string (KvotaWorkbookWriter *self,
                                  guint                sheet,
                                  guint32              row,
                                  guint32              column,
                                  const char          *text,
                                  KvotaWorkbookStyle   style)
{
  Cell cell = { row, column, 0, style, NULL, 0 };

  g_return_if_fail (KVOTA_IS_WORKBOOK_WRITER (self));
  g_return_if_fail (text != NULL);
  g_return_if_fail (row < MAX_ROWS && column < MAX_COLUMNS);
  g_return_if_fail (style <= KVOTA_WORKBOOK_STYLE_MONEY);

  cell.text = clean_text (text);
  add_cell (self, sheet, &cell);
}

/**
 * kvota_workbook_writer_set_number:
 * @self: a #KvotaWorkbookWriter
 * @sheet: the index of a sheet
 * @row: 0-based row
 * @column: 0-based column
 * @number: a finite number; whole numbers up to 2⁵³ are exact
 * @style: how it is shown
 *
 * Sets a cell to a number.
 */
void
kvota_workbook_writer_set_number (KvotaWorkbookWriter *self,
                                  guint                sheet,
                                  guint32              row,
                                  guint32              column,
                                  double               number,
                                  KvotaWorkbookStyle   style)
{
  Cell cell = { row, column, 0, style, NULL, number };

  g_return_if_fail (KVOTA_IS_WORKBOOK_WRITER (self));
  g_return_if_fail (isfinite (number));
  g_return_if_fail (row < MAX_ROWS && column < MAX_COLUMNS);
  g_return_if_fail (style <= KVOTA_WORKBOOK_STYLE_MONEY);

  add_cell (self, sheet, &cell);
}

/**
 * kvota_workbook_writer_freeze_rows:
 * @self: a #KvotaWorkbookWriter
 * @sheet: the index of a sheet
 * @n_rows: how many rows at the top stay in view as the sheet scrolls,
 *   such as 1 for a heading
 */
void
kvota_workbook_writer_freeze_rows (KvotaWorkbookWriter *self,
                                   guint                sheet,
                                   guint32              n_rows)
{
  Sheet *target;

  g_return_if_fail (KVOTA_IS_WORKBOOK_WRITER (self));
  g_return_if_fail (n_rows < MAX_ROWS);

  if ((target = get_sheet (self, sheet)) != NULL)
    target->frozen_rows = n_rows;
}

/**
 * kvota_workbook_writer_to_bytes:
 * @self: a #KvotaWorkbookWriter with at least one sheet
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the .xlsx package
 */
GBytes *
kvota_workbook_writer_to_bytes (KvotaWorkbookWriter  *self,
                                GError              **error)
{
  g_autoptr(GsfOutput) sink = NULL;
  gsize size;

  g_return_val_if_fail (KVOTA_IS_WORKBOOK_WRITER (self), NULL);
  g_return_val_if_fail (self->sheets->len > 0, NULL);

  sink = gsf_output_memory_new ();
  if (!write_package (self, sink, error))
    return NULL;

  /* Closing the package closes the memory it was written to. */
  if (!gsf_output_is_closed (sink) && !close_output (sink, error))
    return NULL;

  size = (gsize) gsf_output_size (sink);

  return g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (sink)), size);
}

/**
 * kvota_workbook_writer_save:
 * @self: a #KvotaWorkbookWriter with at least one sheet
 * @file: where to write it; an existing file is replaced whole, and only
 *   once the new one is complete
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError, or %NULL
 *
 * Writes the workbook. It blocks: call it from a worker thread.
 *
 * Returns: %TRUE if the file is written
 */
gboolean
kvota_workbook_writer_save (KvotaWorkbookWriter  *self,
                            GFile                *file,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (KVOTA_IS_WORKBOOK_WRITER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if ((bytes = kvota_workbook_writer_to_bytes (self, error)) == NULL)
    return FALSE;

  return g_file_replace_contents (file,
                                  g_bytes_get_data (bytes, NULL),
                                  g_bytes_get_size (bytes),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, cancellable, error);
}
