/* kvota-workbook.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KVOTA_TYPE_WORKBOOK (kvota_workbook_get_type ())

G_DECLARE_FINAL_TYPE (KvotaWorkbook, kvota_workbook, KVOTA, WORKBOOK, GObject)

/* Limits that keep a hostile file from taking the machine: as large as
 * Excel's own sheets, and no larger. */
#define KVOTA_WORKBOOK_MAX_ROWS    1048576
#define KVOTA_WORKBOOK_MAX_COLUMNS 16384
#define KVOTA_WORKBOOK_MAX_SHEETS  4096
/* What one part of a workbook may hold once uncompressed, and all its
 * strings together. */
#define KVOTA_WORKBOOK_MAX_PART_BYTES   ((gsize) 1024 * 1024 * 1024)
#define KVOTA_WORKBOOK_MAX_STRING_BYTES ((gsize) 256 * 1024 * 1024)

typedef enum
{
  KVOTA_WORKBOOK_FORMAT_XLSX,
  KVOTA_WORKBOOK_FORMAT_XLS,
  KVOTA_WORKBOOK_FORMAT_ODS,
} KvotaWorkbookFormat;

typedef enum
{
  KVOTA_CELL_STRING,
  KVOTA_CELL_NUMBER,
  KVOTA_CELL_BOOLEAN,
  KVOTA_CELL_ERROR,
} KvotaCellKind;

/**
 * KvotaCell:
 * @row: 0-based row
 * @column: 0-based column
 * @kind: what the cell holds
 * @number: the value of a number (for a formula, its cached result), or
 *   1/0 for a boolean
 * @text: a string's text, or an error's code such as `#DIV/0!`; for a
 *   number, %NULL
 * @is_date: whether the number is formatted as a date or a time; @number is
 *   then real days since 1899-12-30, with the time of day as the fraction,
 *   whatever the workbook used (1904 serials are shifted, and so are 1900
 *   serials before March 1900, which count a 29 February 1900 that never
 *   was); a duration such as [h]:mm is left as it is
 * @format: the number format code, or %NULL for General
 *
 * One non-empty cell, as the reader hands it out. The pointers are valid
 * during the callback only.
 */
typedef struct
{
  guint32        row;
  guint32        column;
  KvotaCellKind  kind;
  double         number;
  const char    *text;
  gboolean       is_date;
  const char    *format;
} KvotaCell;

/**
 * KvotaMergedRange:
 *
 * Cells merged into one, 0-based and inclusive.
 */
typedef struct
{
  guint32 first_row;
  guint32 first_column;
  guint32 last_row;
  guint32 last_column;
} KvotaMergedRange;

/* Returns FALSE to stop reading. */
typedef gboolean (*KvotaCellFunc) (const KvotaCell *cell,
                                   gpointer         user_data);

KvotaWorkbook      *kvota_workbook_open              (const char     *path,
                                                      GError        **error);
KvotaWorkbook      *kvota_workbook_open_bytes        (GBytes         *bytes,
                                                      GError        **error);
KvotaWorkbookFormat kvota_workbook_get_format        (KvotaWorkbook  *self);
guint               kvota_workbook_get_n_sheets      (KvotaWorkbook  *self);
const char         *kvota_workbook_get_sheet_name    (KvotaWorkbook  *self,
                                                      guint           index);
gboolean            kvota_workbook_get_sheet_hidden  (KvotaWorkbook  *self,
                                                      guint           index);
guint               kvota_workbook_get_active_sheet  (KvotaWorkbook  *self);
gboolean            kvota_workbook_find_sheet        (KvotaWorkbook  *self,
                                                      const char     *name,
                                                      guint          *index);
gboolean            kvota_workbook_read_sheet        (KvotaWorkbook  *self,
                                                      guint           index,
                                                      KvotaCellFunc   func,
                                                      gpointer        user_data,
                                                      GCancellable   *cancellable,
                                                      GError        **error);
GArray             *kvota_workbook_get_merged        (KvotaWorkbook  *self,
                                                      guint           index);

double              kvota_workbook_date_from_1904    (double          serial);
GDateTime          *kvota_workbook_date_to_datetime  (double          serial);

G_END_DECLS
