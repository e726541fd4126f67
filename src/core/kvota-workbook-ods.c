/* kvota-workbook-ods.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-workbook"

#include "config.h"

#include "kvota-error.h"
#include "kvota-workbook-private.h"

/* The ODS reader is being written: until then it refuses every file. */

static gboolean
open_ods (KvotaWorkbook  *self,
         GsfInput       *input,
         GError        **error)
{
  _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "ods reader missing");
  return FALSE;
}

static gboolean
read_sheet_ods (KvotaWorkbook  *self,
               guint           index,
               KvotaCellFunc   func,
               gpointer        user_data,
               GCancellable   *cancellable,
               GError        **error)
{
  _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "ods reader missing");
  return FALSE;
}

const KvotaWorkbookBackend _kvota_workbook_ods_backend = {
  KVOTA_WORKBOOK_FORMAT_ODS,
  open_ods,
  read_sheet_ods,
  NULL,
};
