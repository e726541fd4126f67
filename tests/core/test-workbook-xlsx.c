/* test-workbook-xlsx.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OOXML reader, on packages built here (each test says what it
 * proves) and on every .xlsx of the shared corpus, which it must read
 * without a crash, a warning or a critical (GTest makes those fatal).
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "kvota-error.h"
#include "kvota-workbook.h"

typedef struct
{
  const char *name;
  const char *content;
  gssize      length;   /* -1 for a string */
} Part;

/* A zip of stored (uncompressed) entries, written by hand so the tests
 * can also write what Excel would not: every entry has this DOS time,
 * and this prefix to its name. */
static guint32 zip_time = 0x00210000;  /* 1980-01-01 00:00 */
static const char *zip_prefix = "";

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  static guint32 table[256];
  guint32 crc = 0xffffffff;

  if (table[1] == 0)
    for (guint32 i = 0; i < 256; i++)
      {
        guint32 c = i;

        for (guint k = 0; k < 8; k++)
          c = (c & 1) ? 0xedb88320 ^ (c >> 1) : c >> 1;
        table[i] = c;
      }

  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);

  return crc ^ 0xffffffff;
}

static void
put16 (GByteArray *out,
       guint       value)
{
  guint8 bytes[2] = { value & 0xff, (value >> 8) & 0xff };

  g_byte_array_append (out, bytes, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
  put16 (out, value & 0xffff);
  put16 (out, value >> 16);
}

static GBytes *
make_zip (const Part *parts,
          guint       n_parts)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) directory = g_byte_array_new ();

  for (guint i = 0; i < n_parts; i++)
    {
      const guint8 *data = (const guint8 *) parts[i].content;
      gsize length = parts[i].length >= 0 ? (gsize) parts[i].length : strlen (parts[i].content);
      g_autofree char *name = g_strconcat (zip_prefix, parts[i].name, NULL);
      gsize name_length = strlen (name);
      guint32 crc = crc32_of (data, length);
      guint32 offset = out->len;

      put32 (out, 0x04034b50);
      put16 (out, 20);
      put16 (out, 0);
      put16 (out, 0);
      put32 (out, zip_time);
      put32 (out, crc);
      put32 (out, length);
      put32 (out, length);
      put16 (out, name_length);
      put16 (out, 0);
      g_byte_array_append (out, (const guint8 *) name, name_length);
      g_byte_array_append (out, data, length);

      put32 (directory, 0x02014b50);
      put16 (directory, 20);
      put16 (directory, 20);
      put16 (directory, 0);
      put16 (directory, 0);
      put32 (directory, zip_time);
      put32 (directory, crc);
      put32 (directory, length);
      put32 (directory, length);
      put16 (directory, name_length);
      put16 (directory, 0);
      put16 (directory, 0);
      put16 (directory, 0);
      put16 (directory, 0);
      put32 (directory, 0);
      put32 (directory, offset);
      g_byte_array_append (directory, (const guint8 *) name, name_length);
    }

  {
    guint32 directory_offset = out->len;

    g_byte_array_append (out, directory->data, directory->len);
    put32 (out, 0x06054b50);
    put16 (out, 0);
    put16 (out, 0);
    put16 (out, n_parts);
    put16 (out, n_parts);
    put32 (out, directory->len);
    put32 (out, directory_offset);
    put16 (out, 0);
  }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define STRICT_NS "http://purl.oclc.org/ooxml/spreadsheetml/main"
#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char content_types[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
  "<Override PartName=\"/xl/workbook.xml\" "
  "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
  "</Types>";

static const char package_rels[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "officeDocument\" Target=\"xl/workbook.xml\"/>"
  "</Relationships>";

static const char workbook_rels[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
  "<Relationship Id=\"rId2\" Type=\"" REL_TYPE "worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
  "<Relationship Id=\"rId3\" Type=\"" REL_TYPE "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
  "<Relationship Id=\"rId4\" Type=\"" REL_TYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
  "<Relationship Id=\"rId5\" Type=\"" REL_TYPE "styles\" Target=\"styles.xml\"/>"
  "</Relationships>";

static const char workbook_xml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" REL_NS "\">"
  "<workbookPr/><bookViews><workbookView activeTab=\"2\"/></bookViews>"
  "<sheets><sheet name=\"Plan\" sheetId=\"1\" r:id=\"rId1\"/>"
  "<sheet name=\"Hidden\" sheetId=\"2\" state=\"veryHidden\" r:id=\"rId2\"/>"
  "<sheet name=\"Chart\" sheetId=\"3\" r:id=\"rId3\"/></sheets></workbook>";

static const char styles[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<styleSheet xmlns=\"" MAIN_NS "\">"
  "<numFmts><numFmt numFmtId=\"164\" formatCode=\"dd.mm.yyyy\"/>"
  "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/></numFmts>"
  "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
  "<xf numFmtId=\"165\"/><xf numFmtId=\"4\"/></cellXfs></styleSheet>";

static const char shared_strings[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<sst xmlns=\"" MAIN_NS "\" count=\"9\" uniqueCount=\"2\">"
  "<si><t>Operator</t></si>"
  "<si><r><t>Қазақ</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\"> газ</t></r>"
  "<rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></si>"
  "<si><t>123</t></si>"
  "<si><t>line_x000D_break _x005F_x000D_ _xD83D__xDE00_</t></si>"
  "<si/>"
  "</sst>";

static const char sheet2[] =
  "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"1\"><c r=\"A1\"><v>7</v></c></row>"
  "</sheetData></worksheet>";

static const char chartsheet[] = "<chartsheet xmlns=\"" MAIN_NS "\"/>";

/* Every part of a workbook, with @sheet1 as its first sheet, and
 * @override (if any) replacing or adding the part of the same name. */
static GBytes *
make_workbook (const char *sheet1,
               const Part *overrides,
               guint       n_overrides)
{
  Part parts[16] = {
    { "[Content_Types].xml", content_types, -1 },
    { "_rels/.rels", package_rels, -1 },
    { "xl/workbook.xml", workbook_xml, -1 },
    { "xl/_rels/workbook.xml.rels", workbook_rels, -1 },
    { "xl/styles.xml", styles, -1 },
    { "xl/sharedStrings.xml", shared_strings, -1 },
    { "xl/worksheets/sheet1.xml", sheet1, -1 },
    { "xl/worksheets/sheet2.xml", sheet2, -1 },
    { "xl/chartsheets/sheet1.xml", chartsheet, -1 },
  };
  guint n_parts = 9;

  for (guint i = 0; i < n_overrides; i++)
    {
      guint j;

      for (j = 0; j < n_parts; j++)
        if (strcmp (parts[j].name, overrides[i].name) == 0)
          break;
      g_assert_cmpuint (j, <, G_N_ELEMENTS (parts));
      parts[j] = overrides[i];
      if (j == n_parts)
        n_parts++;
    }

  /* A NULL content drops the part. */
  for (guint j = 0; j < n_parts; )
    if (parts[j].content == NULL)
      {
        memmove (&parts[j], &parts[j + 1], (n_parts - j - 1) * sizeof (Part));
        n_parts--;
      }
    else
      j++;

  return make_zip (parts, n_parts);
}

static char *
sheet_xml (const char *rows)
{
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                          "<worksheet xmlns=\"" MAIN_NS "\"><sheetData>%s</sheetData></worksheet>",
                          rows);
}

typedef struct
{
  GString      *cells;
  guint         stop_after;   /* 0: never */
  GCancellable *cancel_after_first;
  guint         n;
} Collect;

static gboolean
collect_cb (const KvotaCell *cell,
            gpointer         user_data)
{
  Collect *collect = user_data;
  char column[4] = { 0, };
  guint c = cell->column + 1;
  int i = 3;

  while (c > 0 && i > 0)
    {
      column[--i] = 'A' + (char) ((c - 1) % 26);
      c = (c - 1) / 26;
    }

  if (collect->cells->len > 0)
    g_string_append_c (collect->cells, ' ');
  g_string_append_printf (collect->cells, "%s%u=", column + i, cell->row + 1);

  switch (cell->kind)
    {
    case KVOTA_CELL_STRING:
      g_string_append_printf (collect->cells, "s:%s", cell->text);
      break;
    case KVOTA_CELL_ERROR:
      g_string_append_printf (collect->cells, "e:%s", cell->text);
      break;
    case KVOTA_CELL_BOOLEAN:
      g_string_append_printf (collect->cells, "b:%g", cell->number);
      break;
    case KVOTA_CELL_NUMBER:
    default:
      if (cell->is_date)
        {
          g_autoptr(GDateTime) time = kvota_workbook_date_to_datetime (cell->number);
          g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

          g_string_append_printf (collect->cells, "d:%s", text);
        }
      else
        g_string_append_printf (collect->cells, "n:%.15g", cell->number);
      break;
    }

  if (collect->cancel_after_first != NULL)
    g_cancellable_cancel (collect->cancel_after_first);

  return collect->stop_after == 0 || ++collect->n < collect->stop_after;
}

static char *
read_sheet (KvotaWorkbook *workbook,
            guint          index)
{
  g_autoptr(GError) error = NULL;
  Collect collect = { g_string_new (NULL), 0, NULL, 0 };

  kvota_workbook_read_sheet (workbook, index, collect_cb, &collect, NULL, &error);
  g_assert_no_error (error);

  return g_string_free (collect.cells, FALSE);
}

static KvotaWorkbook *
open_rows (const char *rows)
{
  g_autofree char *sheet = sheet_xml (rows);
  g_autoptr(GBytes) bytes = make_workbook (sheet, NULL, 0);
  g_autoptr(GError) error = NULL;
  KvotaWorkbook *workbook = kvota_workbook_open_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (workbook);

  return workbook;
}

static void
assert_rows_read_as (const char *rows,
                     const char *expected)
{
  g_autoptr(KvotaWorkbook) workbook = open_rows (rows);
  g_autofree char *cells = read_sheet (workbook, 0);

  g_assert_cmpstr (cells, ==, expected);
}

static void
assert_refused (GBytes *bytes,
                int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);

  g_assert_error (error, KVOTA_ERROR, code);
  g_assert_null (workbook);
}

/* Sheets, their names, visibility, and which one is active: a chartsheet
 * has no cells, so the first visible sheet stands in for it. */
static void
test_workbook_structure (void)
{
  g_autoptr(KvotaWorkbook) workbook = open_rows ("");
  g_autofree char *cells = NULL;
  guint index;

  g_assert_cmpint (kvota_workbook_get_format (workbook), ==, KVOTA_WORKBOOK_FORMAT_XLSX);
  g_assert_cmpuint (kvota_workbook_get_n_sheets (workbook), ==, 3);
  g_assert_cmpstr (kvota_workbook_get_sheet_name (workbook, 0), ==, "Plan");
  g_assert_false (kvota_workbook_get_sheet_hidden (workbook, 0));
  g_assert_true (kvota_workbook_get_sheet_hidden (workbook, 1));
  g_assert_true (kvota_workbook_find_sheet (workbook, "chart", &index));
  g_assert_cmpuint (index, ==, 2);
  g_assert_cmpuint (kvota_workbook_get_active_sheet (workbook), ==, 0);

  /* An absolute target (/xl/worksheets/sheet2.xml) */
  cells = read_sheet (workbook, 1);
  g_assert_cmpstr (cells, ==, "A1=n:7");
  g_clear_pointer (&cells, g_free);

  cells = read_sheet (workbook, 2);
  g_assert_cmpstr (cells, ==, "");
}

static void
test_workbook_active_tab (void)
{
  const char *active_workbook =
    "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" REL_NS "\">"
    "<bookViews><workbookView activeTab=\"1\"/><workbookView activeTab=\"0\"/></bookViews>"
    "<sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"B\" sheetId=\"2\" r:id=\"rId2\"/>"
    "</sheets></workbook>";
  Part override = { "xl/workbook.xml", active_workbook, -1 };
  g_autoptr(GBytes) bytes = make_workbook (sheet2, &override, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (kvota_workbook_get_active_sheet (workbook), ==, 1);
}

/* Shared strings: rich runs joined, phonetic runs left out, _xHHHH_
 * escapes decoded (an escaped "_x" stays), numbers stored as text stay
 * text, and an empty string is a value. */
static void
test_cell_strings (void)
{
  assert_rows_read_as ("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                       "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                       "<c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>99</v></c>"
                       "<c r=\"G1\" t=\"s\"/></row>",
                       "A1=s:Operator B1=s:Қазақ газ C1=s:123 D1=s:line\rbreak _x000D_ 😀 E1=s:");

  /* Inline strings, plain and rich, and a formula's string result */
  assert_rows_read_as ("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>in_x000A_line</t></is></c>"
                       "<c r=\"B2\" t=\"inlineStr\"><is><r><t>ri</t></r><r><t>ch</t></r>"
                       "<rPh><t>x</t></rPh></is></c>"
                       "<c r=\"C2\" t=\"str\"><f>A2&amp;\"!\"</f><v>in line!</v></c>"
                       "<c r=\"D2\" t=\"inlineStr\"/></row>",
                       "A2=s:in\nline B2=s:rich C2=s:in line!");
}

/* Numbers, booleans, errors, and what makes a date */
static void
test_cell_values (void)
{
  assert_rows_read_as ("<row r=\"1\"><c r=\"A1\"><v>1.5</v></c><c r=\"B1\" t=\"n\"><v>-2E3</v></c>"
                       "<c r=\"C1\" t=\"b\"><v>1</v></c><c r=\"D1\" t=\"e\"><v>#DIV/0!</v></c>"
                       "<c r=\"E1\"><f>1/0</f><v>0.1</v></c><c r=\"F1\" s=\"4\"><v>1234.5</v></c>"
                       "<c r=\"G1\"><v></v></c><c r=\"H1\" s=\"1\"/><c r=\"I1\"><v>n/a</v></c></row>"
                       "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>45658</v></c><c r=\"B2\" s=\"2\"><v>45658.75</v></c>"
                       "<c r=\"C2\" s=\"3\"><v>1.5</v></c><c r=\"D2\" s=\"1\"><v>1</v></c>"
                       "<c r=\"E2\" t=\"d\" s=\"1\"><v>2025-01-01T18:00:00Z</v></c>"
                       "<c r=\"F2\" t=\"d\"><v>12:30</v></c></row>",
                       "A1=n:1.5 B1=n:-2000 C1=b:1 D1=e:#DIV/0! E1=n:0.1 F1=n:1234.5 "
                       "I1=s:n/a "
                       "A2=d:2025-01-01T00:00:00 B2=d:2025-01-01T18:00:00 C2=d:1899-12-31T12:00:00 "
                       "D2=d:1900-01-01T00:00:00 E2=d:2025-01-01T18:00:00 F2=d:1899-12-30T12:30:00");
}

/* In a 1904 workbook, dates come out in the 1900 system; durations
 * ([h]:mm) are not dates and keep their value. */
static void
test_cell_date1904 (void)
{
  const char *workbook1904 =
    "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" REL_NS "\"><workbookPr date1904=\"true\"/>"
    "<sheets><sheet name=\"Plan\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  Part override = { "xl/workbook.xml", workbook1904, -1 };
  g_autofree char *sheet = sheet_xml ("<row><c s=\"1\"><v>44196</v></c><c s=\"3\"><v>1.5</v></c>"
                                      "<c><v>44196</v></c><c t=\"d\"><v>2025-01-01</v></c></row>");
  g_autoptr(GBytes) bytes = make_workbook (sheet, &override, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);
  g_autofree char *cells = NULL;

  g_assert_no_error (error);
  cells = read_sheet (workbook, 0);
  g_assert_cmpstr (cells, ==, "A1=d:2025-01-01T00:00:00 B1=d:1899-12-31T12:00:00 C1=n:44196 "
                              "D1=d:2025-01-01T00:00:00");
}

/* Cells without references follow the previous one, rows without r the
 * previous row; what lies beyond Excel's limits, or goes back, is left
 * out; merged ranges are kept. */
static void
test_cell_positions (void)
{
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GArray) merged = NULL;
  g_autofree char *cells = NULL;
  KvotaMergedRange *range;

  assert_rows_read_as ("<row><c><v>1</v></c><c/><c><v>3</v></c></row>"
                       "<row r=\"4\"><c r=\"b4\"><v>4</v></c><c><v>5</v></c></row>"
                       "<row><c><v>6</v></c></row>"
                       "<row r=\"1048577\"><c><v>7</v></c></row>"
                       "<row r=\"x\"><c><v>8</v></c></row>"
                       "<row r=\"9\"><c r=\"XFD9\"><v>9</v></c><c r=\"XFE9\"><v>10</v></c>"
                       "<c r=\"A9\"><v>11</v></c></row>"
                       "<row r=\"3\"><c><v>12</v></c></row>",
                       "A1=n:1 C1=n:3 B4=n:4 C4=n:5 A5=n:6 XFD9=n:9");

  {
    const char *sheet = "<worksheet xmlns=\"" MAIN_NS "\"><sheetData/>"
                        "<mergeCells><mergeCell ref=\"C3:A1\"/><mergeCell ref=\"B2\"/>"
                        "<mergeCell ref=\"A1:XFE2\"/></mergeCells></worksheet>";
    g_autoptr(GBytes) bytes = make_workbook (sheet, NULL, 0);
    g_autoptr(GError) error = NULL;

    workbook = kvota_workbook_open_bytes (bytes, &error);
    g_assert_no_error (error);
  }
  cells = read_sheet (workbook, 0);
  g_assert_cmpstr (cells, ==, "");
  merged = kvota_workbook_get_merged (workbook, 0);
  g_assert_cmpuint (merged->len, ==, 1);
  range = &g_array_index (merged, KvotaMergedRange, 0);
  g_assert_cmpuint (range->first_row, ==, 0);
  g_assert_cmpuint (range->first_column, ==, 0);
  g_assert_cmpuint (range->last_row, ==, 2);
  g_assert_cmpuint (range->last_column, ==, 2);
}

/* The callback stops the reading, or the cancellable does. */
static void
test_read_stop (void)
{
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Collect collect = { g_string_new (NULL), 2, NULL, 0 };

  /* More than libxml2 buffers, so the stop is a real one. */
  for (guint i = 1; i <= 5000; i++)
    g_string_append_printf (rows, "<row r=\"%u\"><c r=\"A%u\"><v>%u</v></c></row>", i, i, i);
  workbook = open_rows (rows->str);

  g_assert_true (kvota_workbook_read_sheet (workbook, 0, collect_cb, &collect, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (collect.cells->str, ==, "A1=n:1 A2=n:2");

  g_string_truncate (collect.cells, 0);
  collect.stop_after = 0;
  collect.cancel_after_first = cancellable;
  g_assert_false (kvota_workbook_read_sheet (workbook, 0, collect_cb, &collect, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (collect.cells->str, ==, "A1=n:1");
  g_string_free (collect.cells, TRUE);

  /* And the workbook reads again from the start. */
  {
    g_autofree char *cells = read_sheet (workbook, 1);

    g_assert_cmpstr (cells, ==, "A1=n:7");
  }
}

/* Strict OOXML, prefixed SpreadsheetML, a relationships namespace under
 * another prefix, backslashes and odd case in part names, and a package
 * that only its content types describe. */
static void
test_package_variants (void)
{
  const char *strict_workbook =
    "<workbook xmlns=\"" STRICT_NS "\" xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  const char *strict_sheet =
    "<worksheet xmlns=\"" STRICT_NS "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
    "</row></sheetData></worksheet>";
  const char *strict_strings = "<sst xmlns=\"" STRICT_NS "\"><si><t>strict</t></si></sst>";
  const char *prefixed_workbook =
    "<x:workbook xmlns:x=\"" MAIN_NS "\"><x:sheets>"
    "<x:sheet name=\"P\" sheetId=\"1\" ns:id=\"rId1\" xmlns:ns=\"" REL_NS "\"/></x:sheets></x:workbook>";
  const char *prefixed_sheet =
    "<x:worksheet xmlns:x=\"" MAIN_NS "\"><x:sheetData><x:row><x:c t=\"inlineStr\"><x:is><x:t>x</x:t>"
    "</x:is></x:c></x:row></x:sheetData></x:worksheet>";
  const char *backslash_rels =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"Worksheets\\Sheet1.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" REL_TYPE "sharedStrings\" Target=\"/xl/SharedStrings.xml\"/>"
    "</Relationships>";
  struct
  {
    Part        parts[4];
    guint       n_parts;
    const char *expected;
  } variants[] = {
    { { { "xl/workbook.xml", strict_workbook, -1 }, { "xl/worksheets/sheet1.xml", strict_sheet, -1 },
        { "xl/sharedStrings.xml", strict_strings, -1 } }, 3, "A1=s:strict" },
    { { { "xl/workbook.xml", prefixed_workbook, -1 }, { "xl/worksheets/sheet1.xml", prefixed_sheet, -1 } },
      2, "A1=s:x" },
    { { { "xl/_rels/workbook.xml.rels", NULL, 0 }, { "XL\\_RELS\\WORKBOOK.XML.RELS", backslash_rels, -1 },
        { "xl/sharedStrings.xml", NULL, 0 }, { "xl/SHAREDstrings.xml", strict_strings, -1 } },
      4, "A1=s:strict" },
    { { { "_rels/.rels", NULL, 0 } }, 1, "A1=s:Operator" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(GBytes) bytes = make_workbook (strict_sheet, variants[i].parts, variants[i].n_parts);
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);
      g_autofree char *cells = NULL;

      g_test_message ("variant %u", i);
      g_assert_no_error (error);
      cells = read_sheet (workbook, 0);
      g_assert_cmpstr (cells, ==, variants[i].expected);
    }
}

/* What XML allows around the cells: a wrapper element between the
 * document element and sheetData, elements and comments inside a value
 * (their text is the value's), CDATA sections, references, the main
 * namespace under two prefixes, and the Strict one inside a transitional
 * sheet; elements and attributes of another namespace are not ours. An
 * ampersand in an attribute comes back whole. */
static void
test_markup (void)
{
  const char *sheet =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<worksheet xmlns=\"" MAIN_NS "\" xmlns:x=\"" MAIN_NS "\"><ext><sheetData>"
    "<row r=\"1\"><c r=\"A1\"><v>1<!-- a comment --><u>2</u>3</v></c>"
    "<c r=\"B1\" t=\"inlineStr\"><is><t><![CDATA[<&>]]> &amp;&#x4B;</t><u><t>not read</t></u></is></c>"
    "<x:c r=\"C1\" t=\"str\"><x:v>x</x:v></x:c>"
    "<s:c r=\"D1\" xmlns:s=\"" STRICT_NS "\"><s:v>4</s:v></s:c>"
    "<c r=\"E1\" other:r=\"Z9\" xmlns:other=\"urn:other\"><v>5</v></c>"
    "<o:c r=\"F1\" xmlns:o=\"urn:other\"><v>6</v></o:c></row>"
    "</sheetData></ext></worksheet>";
  const char *amp_workbook =
    "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" REL_NS "\">"
    "<sheets><sheet name=\"A&amp;B &lt;&#38;&gt;\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  Part override = { "xl/workbook.xml", amp_workbook, -1 };
  g_autoptr(GBytes) bytes = make_workbook (sheet, &override, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);
  g_autofree char *cells = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (kvota_workbook_get_sheet_name (workbook, 0), ==, "A&B <&>");
  cells = read_sheet (workbook, 0);
  g_assert_cmpstr (cells, ==, "A1=n:123 B1=s:<&> &K C1=s:x D1=n:4 E1=n:5");
}

/* Zip names with a leading slash, and entry times that are no date (day
 * 0, which libgsf would log a critical about). */
static void
test_package_zip_names (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autofree char *cells = NULL;

  zip_time = 0x00200000;
  zip_prefix = "/";
  bytes = make_workbook (sheet2, NULL, 0);
  zip_time = 0x00210000;
  zip_prefix = "";

  workbook = kvota_workbook_open_bytes (bytes, &error);
  g_assert_no_error (error);
  cells = read_sheet (workbook, 0);
  g_assert_cmpstr (cells, ==, "A1=n:7");
}

/* What cannot be read is refused with the right code, and quietly. */
static void
test_refused (void)
{
  g_autoptr(GBytes) good = make_workbook (sheet2, NULL, 0);
  gsize size;
  const guint8 *data = g_bytes_get_data (good, &size);

  /* Cut short: no central directory */
  {
    g_autoptr(GBytes) cut = g_bytes_new (data, size / 2);

    assert_refused (cut, KVOTA_ERROR_SPREADSHEET_DAMAGED);
  }

  /* A zip, but no workbook in it; and an Excel binary workbook */
  {
    Part parts[] = { { "hello.txt", "hello", -1 } };
    g_autoptr(GBytes) bytes = make_zip (parts, 1);

    assert_refused (bytes, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED);
  }
  {
    const char *xlsb_rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "officeDocument\" Target=\"xl/workbook.bin\"/>"
      "</Relationships>";
    Part parts[] = { { "_rels/.rels", xlsb_rels, -1 }, { "xl/workbook.bin", "\x83\x01\x00", 3 } };
    g_autoptr(GBytes) bytes = make_zip (parts, 2);

    assert_refused (bytes, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED);
  }

  /* Too many sheets */
  {
    g_autoptr(GString) many = g_string_new ("<workbook xmlns=\"" MAIN_NS "\"><sheets>");
    Part override = { "xl/workbook.xml", NULL, -1 };
    g_autoptr(GBytes) bytes = NULL;

    for (guint i = 0; i <= KVOTA_WORKBOOK_MAX_SHEETS; i++)
      g_string_append_printf (many, "<sheet name=\"S%u\"/>", i);
    g_string_append (many, "</sheets></workbook>");
    override.content = many->str;
    bytes = make_workbook (sheet2, &override, 1);
    assert_refused (bytes, KVOTA_ERROR_SPREADSHEET_TOO_LARGE);
  }
}

/* A sheet that is not well-formed XML fails its reading, with no
 * warning from libgsf or libxml2 (GTest would abort on one). */
static void
test_damaged_sheet (void)
{
  const char *sheets[] = {
    "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c>",
    "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row><c><v>1</v></x></row></sheetData></worksheet>",
    "",
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sheets); i++)
    {
      g_autoptr(GBytes) bytes = make_workbook (sheets[i], NULL, 0);
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);
      Collect collect = { g_string_new (NULL), 0, NULL, 0 };

      g_assert_no_error (error);
      g_assert_false (kvota_workbook_read_sheet (workbook, 0, collect_cb, &collect, NULL, &error));
      g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_DAMAGED);
      g_string_free (collect.cells, TRUE);
    }
}

/* Entities are never expanded, and external ones never fetched: a part
 * that refers to any but the predefined ones is refused, whether its DTD
 * declares the entity or an external subset might; a sheet is refused
 * for any DTD. */
static void
test_entities (void)
{
  const char *bomb =
    "<?xml version=\"1.0\" standalone=\"yes\"?>"
    "<!DOCTYPE sst [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
    "<sst xmlns=\"" MAIN_NS "\"><si><t>&b;</t></si></sst>";
  const char *external =
    "<?xml version=\"1.0\" standalone=\"no\"?>"
    "<!DOCTYPE sst SYSTEM \"http://127.0.0.1:9/x.dtd\" [<!ENTITY e SYSTEM \"file:///etc/hostname\">]>"
    "<sst xmlns=\"" MAIN_NS "\"><si><t>x&e;y</t></si></sst>";
  const char *predefined =
    "<!DOCTYPE sst [<!ENTITY unused \"u\">]>"
    "<sst xmlns=\"" MAIN_NS "\"><si><t>&lt;&amp;&#x4B;&#1178;&gt;</t></si></sst>";
  const char *strings[] = { bomb, external };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      Part override = { "xl/sharedStrings.xml", strings[i], -1 };
      g_autoptr(GBytes) bytes = make_workbook (sheet2, &override, 1);

      assert_refused (bytes, KVOTA_ERROR_SPREADSHEET_DAMAGED);
    }

  {
    Part override = { "xl/sharedStrings.xml", predefined, -1 };
    g_autofree char *sheet = sheet_xml ("<row><c t=\"s\"><v>0</v></c></row>");
    g_autoptr(GBytes) bytes = make_workbook (sheet, &override, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);
    g_autofree char *cells = NULL;

    g_assert_no_error (error);
    cells = read_sheet (workbook, 0);
    g_assert_cmpstr (cells, ==, "A1=s:<&KҚ>");
  }

  /* A sheet may have no DTD at all, whatever it declares; and an entity
   * it never declared is refused as in any part. */
  {
    const char *sheets[] = {
      "<!DOCTYPE worksheet [<!ENTITY a \"1\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row><c><v>&b;</v></c></row></sheetData></worksheet>",
      "<!DOCTYPE worksheet SYSTEM \"http://127.0.0.1:9/x.dtd\">"
      "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>",
      "<!DOCTYPE worksheet [<!ATTLIST c t CDATA \"e\">]>"
      "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>",
      "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row><c><v>&e;</v></c></row></sheetData></worksheet>",
    };

    for (guint i = 0; i < G_N_ELEMENTS (sheets); i++)
      {
        g_autoptr(GBytes) bytes = make_workbook (sheets[i], NULL, 0);
        g_autoptr(GError) error = NULL;
        g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open_bytes (bytes, &error);
        Collect collect = { g_string_new (NULL), 0, NULL, 0 };

        g_test_message ("sheet %u", i);
        g_assert_no_error (error);
        g_assert_false (kvota_workbook_read_sheet (workbook, 0, collect_cb, &collect, NULL, &error));
        g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_DAMAGED);
        g_assert_cmpstr (collect.cells->str, ==, "");
        g_string_free (collect.cells, TRUE);
      }
  }
}

static const char *corpus;

static gboolean
count_cb (const KvotaCell *cell,
          gpointer         user_data)
{
  (*(guint64 *) user_data)++;
  return TRUE;
}

/* Every .xlsx of the corpus opens and reads whole, every sheet of it; the
 * corpus's hostile zips are refused for the right reason. */
static void
test_corpus_xlsx (void)
{
  g_autofree char *folder = g_build_filename (corpus, "xlsx", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open (path, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < kvota_workbook_get_n_sheets (workbook); i++)
        {
          guint64 n = 0;

          kvota_workbook_read_sheet (workbook, i, count_cb, &n, NULL, &error);
          /* poi_60825.xlsx names a sheet with no part (r:id=""): empty */
          g_assert_no_error (error);
        }
      n_files++;
    }

  g_assert_cmpuint (n_files, >=, 157);
}

static void
test_corpus_bad (void)
{
  static const struct
  {
    const char *name;
    int         code;   /* -1: read */
  } files[] = {
    { "calamine_issue252.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-POIFuzzer-5040805309710336.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-POIXSSFFuzzer-4828727001088000.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-POIXSSFFuzzer-5089447305609216.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-POIXSSFFuzzer-5265527465181184.xlsx", -1 },
    { "poi_clusterfuzz-testcase-minimized-POIXSSFFuzzer-5937385319563264.xlsx", -1 },
    { "poi_clusterfuzz-testcase-minimized-POIXSSFFuzzer-6123461607817216.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5025401116950528.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-6594557414080512.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_crash-274d6342e4842d61be0fb48eaadad6208ae767ae.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_openxml4j_invalid.xlsx", KVOTA_ERROR_SPREADSHEET_UNSUPPORTED },
    { "poi_poc-shared-strings.xlsx", -1 },
    { "poi_poc-xmlbomb-empty.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_poc-xmlbomb.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_sample.xlsb", KVOTA_ERROR_SPREADSHEET_UNSUPPORTED },
    { "poi_xlsx-corrupted.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "poi_xxe_in_schema.xlsx", -1 },
    { "trunc_half_calamine_merge_cells.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
    { "trunc_tail10_poi_SampleSS.xlsx", KVOTA_ERROR_SPREADSHEET_DAMAGED },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_build_filename (corpus, "bad", files[f].name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(KvotaWorkbook) workbook = kvota_workbook_open (path, &error);

      g_test_message ("%s", files[f].name);
      if (files[f].code >= 0)
        {
          g_assert_error (error, KVOTA_ERROR, files[f].code);
          continue;
        }

      g_assert_no_error (error);
      for (guint i = 0; i < kvota_workbook_get_n_sheets (workbook); i++)
        {
          guint64 n = 0;

          g_assert_true (kvota_workbook_read_sheet (workbook, i, count_cb, &n, NULL, &error));
          g_assert_no_error (error);
        }
    }
}

static void
test_corpus_missing (void)
{
  g_test_skip ("the shared spreadsheet corpus is not beside the checkout");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *default_corpus = NULL;

  g_test_init (&argc, &argv, NULL);

  /* The corpus is shared/ beside the checkout; G_TEST_SRCDIR is tests/
   * under meson, tests/core when run by hand. */
  corpus = g_getenv ("KVOTA_CORPUS");
  for (guint up = 2; corpus == NULL && up <= 3; up++)
    {
      g_free (default_corpus);
      default_corpus = g_build_filename (g_test_get_dir (G_TEST_DIST), up == 3 ? "../../.." : "../..",
                                         "shared", "corpus", "spreadsheets", NULL);
      if (g_file_test (default_corpus, G_FILE_TEST_IS_DIR))
        corpus = default_corpus;
    }
  if (corpus == NULL)
    corpus = default_corpus;

  g_test_add_func ("/core/workbook/xlsx/structure", test_workbook_structure);
  g_test_add_func ("/core/workbook/xlsx/active-tab", test_workbook_active_tab);
  g_test_add_func ("/core/workbook/xlsx/strings", test_cell_strings);
  g_test_add_func ("/core/workbook/xlsx/values", test_cell_values);
  g_test_add_func ("/core/workbook/xlsx/date1904", test_cell_date1904);
  g_test_add_func ("/core/workbook/xlsx/positions", test_cell_positions);
  g_test_add_func ("/core/workbook/xlsx/stop", test_read_stop);
  g_test_add_func ("/core/workbook/xlsx/package-variants", test_package_variants);
  g_test_add_func ("/core/workbook/xlsx/markup", test_markup);
  g_test_add_func ("/core/workbook/xlsx/zip-names", test_package_zip_names);
  g_test_add_func ("/core/workbook/xlsx/refused", test_refused);
  g_test_add_func ("/core/workbook/xlsx/damaged-sheet", test_damaged_sheet);
  g_test_add_func ("/core/workbook/xlsx/entities", test_entities);

  if (g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_add_func ("/core/workbook/xlsx/corpus", test_corpus_xlsx);
      g_test_add_func ("/core/workbook/xlsx/corpus-bad", test_corpus_bad);
    }
  else
    g_test_add_func ("/core/workbook/xlsx/corpus", test_corpus_missing);

  return g_test_run ();
}
