/* kvota-workbook-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gsf/gsf.h>

#include "kvota-workbook.h"

G_BEGIN_DECLS

/* libgsf 1.14 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfInfile, g_object_unref)

/* One reader per file format. A backend's open() reads what describes the
 * workbook (its sheets, which is active, shared strings, styles) and keeps
 * its state in self->backend_data; read_sheet() then streams one sheet's
 * cells, row by row and left to right, to the callback. */
typedef struct
{
  KvotaWorkbookFormat format;
  gboolean (*open)       (KvotaWorkbook  *self,
                          GsfInput       *input,
                          GError        **error);
  gboolean (*read_sheet) (KvotaWorkbook  *self,
                          guint           index,
                          KvotaCellFunc   func,
                          gpointer        user_data,
                          GCancellable   *cancellable,
                          GError        **error);
  void     (*free)       (gpointer        backend_data);
} KvotaWorkbookBackend;

typedef struct
{
  char     *name;
  gboolean  hidden;
  GArray   *merged;       /* of KvotaMergedRange; filled by the backend */
  gpointer  backend_data; /* the backend's own, freed with the sheet by free() if set */
} KvotaSheet;

struct _KvotaWorkbook
{
  GObject                     parent_instance;

  const KvotaWorkbookBackend *backend;
  gpointer                    backend_data;
  GsfInput                   *input;
  GPtrArray                  *sheets;       /* of KvotaSheet */
  guint                       active_sheet;
  gboolean                    date1904;
};

extern const KvotaWorkbookBackend _kvota_workbook_xlsx_backend;
extern const KvotaWorkbookBackend _kvota_workbook_xls_backend;
extern const KvotaWorkbookBackend _kvota_workbook_ods_backend;

KvotaSheet *_kvota_workbook_add_sheet       (KvotaWorkbook  *self,
                                             const char     *name,
                                             gboolean        hidden);
gboolean    _kvota_workbook_format_is_date  (const char     *format);
const char *_kvota_workbook_builtin_format  (guint           id);
void        _kvota_workbook_set_error       (GError        **error,
                                             int             code,
                                             const char     *detail);

G_END_DECLS
