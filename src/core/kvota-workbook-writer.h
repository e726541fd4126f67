/* kvota-workbook-writer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KVOTA_TYPE_WORKBOOK_WRITER (kvota_workbook_writer_get_type ())

G_DECLARE_FINAL_TYPE (KvotaWorkbookWriter, kvota_workbook_writer, KVOTA, WORKBOOK_WRITER, GObject)

/**
 * KvotaWorkbookStyle:
 * @KVOTA_WORKBOOK_STYLE_PLAIN: as the spreadsheet shows it by default
 *   (General)
 * @KVOTA_WORKBOOK_STYLE_HEADING: bold, for a table's column names
 * @KVOTA_WORKBOOK_STYLE_GROUPED: a whole number with its digits grouped
 *   (`#,##0`), for quantities
 * @KVOTA_WORKBOOK_STYLE_MONEY: two decimals, grouped (`#,##0.00`), for
 *   amounts of money
 *
 * How a cell is shown. The spreadsheet groups the digits the way its own
 * locale does.
 */
typedef enum
{
  KVOTA_WORKBOOK_STYLE_PLAIN,
  KVOTA_WORKBOOK_STYLE_HEADING,
  KVOTA_WORKBOOK_STYLE_GROUPED,
  KVOTA_WORKBOOK_STYLE_MONEY,
} KvotaWorkbookStyle;

/* Sheet names as Excel takes them: at most 31 characters. */
#define KVOTA_WORKBOOK_WRITER_MAX_SHEET_NAME 31

KvotaWorkbookWriter *kvota_workbook_writer_new         (void);
guint                kvota_workbook_writer_add_sheet   (KvotaWorkbookWriter  *self,
                                                        const char           *name);
const char          *kvota_workbook_writer_get_sheet_name (KvotaWorkbookWriter *self,
                                                        guint                 sheet);
guint                kvota_workbook_writer_get_n_sheets (KvotaWorkbookWriter *self);
void                 kvota_workbook_writer_set_string  (KvotaWorkbookWriter  *self,
                                                        guint                 sheet,
                                                        guint32               row,
                                                        guint32               column,
                                                        const char           *text,
                                                        KvotaWorkbookStyle    style);
void                 kvota_workbook_writer_set_number  (KvotaWorkbookWriter  *self,
                                                        guint                 sheet,
                                                        guint32               row,
                                                        guint32               column,
                                                        double                number,
                                                        KvotaWorkbookStyle    style);
void                 kvota_workbook_writer_freeze_rows (KvotaWorkbookWriter  *self,
                                                        guint                 sheet,
                                                        guint32               n_rows);
GBytes              *kvota_workbook_writer_to_bytes    (KvotaWorkbookWriter  *self,
                                                        GError              **error);
gboolean             kvota_workbook_writer_save        (KvotaWorkbookWriter  *self,
                                                        GFile                *file,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

G_END_DECLS
