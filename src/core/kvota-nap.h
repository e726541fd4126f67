/* kvota-nap.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kvota-quantity.h"
#include "kvota-workbook.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_NAP (kvota_nap_get_type ())

G_DECLARE_FINAL_TYPE (KvotaNap, kvota_nap, KVOTA, NAP, GObject)

/**
 * KvotaNapCheck:
 *
 * What the plan's checks find. The nick of each (kvota_nap_check_to_string())
 * is a stable code, in the API and in `kvotactl nap check`.
 */
typedef enum
{
  KVOTA_NAP_CHECK_MISSING_COLUMNS,
  KVOTA_NAP_CHECK_EMPTY_TABLE,
  KVOTA_NAP_CHECK_INVALID_BIN,
  KVOTA_NAP_CHECK_DUPLICATE_INSTALLATION,
  KVOTA_NAP_CHECK_BIN_NAME_CONFLICT,
  KVOTA_NAP_CHECK_NEGATIVE_AMOUNT,
  KVOTA_NAP_CHECK_FRACTIONAL_AMOUNT,
  KVOTA_NAP_CHECK_NON_NUMERIC_AMOUNT,
  KVOTA_NAP_CHECK_AMOUNT_OVERFLOW,
  KVOTA_NAP_CHECK_YEAR_OUTSIDE_PERIOD,
  KVOTA_NAP_CHECK_TOTALS_MISMATCH,
  KVOTA_NAP_CHECK_SUBTOTAL_MISMATCH,
  KVOTA_NAP_CHECK_UNREGISTERED_OPERATOR,
  KVOTA_NAP_CHECK_DRAFT_PENDING,
  KVOTA_NAP_CHECK_MISSING_VALUE,
  KVOTA_N_NAP_CHECKS
} KvotaNapCheck;

typedef enum
{
  KVOTA_NAP_SEVERITY_ERROR,
  KVOTA_NAP_SEVERITY_WARNING,
} KvotaNapSeverity;

/**
 * KvotaNapFinding:
 * @check: what was found
 * @severity: an error stops the plan; a warning does not
 * @row: the sheet's 1-based row, or 0 for the whole plan
 * @column: the 1-based column, or 0 for the whole row
 * @message: the translated sentence
 */
typedef struct
{
  KvotaNapCheck     check;
  KvotaNapSeverity  severity;
  guint             row;
  guint             column;
  char             *message;
} KvotaNapFinding;

/**
 * KvotaNapLine:
 * @row: the sheet's 1-based row
 * @reserve: whether this is a reserve line rather than an installation
 * @operator_name: the nature user, or NULL for a reserve
 * @bin: its 12-digit BIN, or NULL for a reserve
 * @installation: the installation, or the reserve's label
 * @sector: the sector the line belongs to, or NULL
 * @allocations: (element-type KvotaQuantity): one per year of the plan
 *
 * One line of the plan.
 */
typedef struct
{
  guint     row;
  gboolean  reserve;
  char     *operator_name;
  char     *bin;
  char     *installation;
  char     *sector;
  GArray   *allocations;
} KvotaNapLine;

KvotaNap      *kvota_nap_read               (KvotaWorkbook      *workbook,
                                             GCancellable       *cancellable,
                                             GError            **error);
KvotaNap      *kvota_nap_from_json          (JsonNode           *node,
                                             GError            **error);
JsonNode      *kvota_nap_to_json            (KvotaNap           *self,
                                             gboolean            with_findings);
gboolean       kvota_nap_equal              (KvotaNap           *self,
                                             KvotaNap           *other);
const char    *kvota_nap_get_sheet_name     (KvotaNap           *self);
GArray        *kvota_nap_get_years          (KvotaNap           *self);
GPtrArray     *kvota_nap_get_lines          (KvotaNap           *self);
GPtrArray     *kvota_nap_get_findings       (KvotaNap           *self);
guint          kvota_nap_count_errors       (KvotaNap           *self);
gboolean       kvota_nap_get_total          (KvotaNap           *self,
                                             guint               year_index,
                                             KvotaQuantity      *total);
void           kvota_nap_check_period       (KvotaNap           *self,
                                             int                 first_year,
                                             int                 last_year);
void           kvota_nap_add_finding        (KvotaNap           *self,
                                             KvotaNapCheck       check,
                                             guint               row,
                                             guint               column,
                                             const char         *message);
typedef void (*KvotaNapWriteFunc) (const char *text,
                                   gsize       length,
                                   gpointer    user_data);

char          *kvota_nap_to_csv             (KvotaNap           *self);
void           kvota_nap_write_csv          (KvotaNap           *self,
                                             KvotaNapWriteFunc   func,
                                             gpointer            user_data);

const char    *kvota_nap_check_to_string    (KvotaNapCheck       check);
KvotaNapSeverity kvota_nap_check_severity   (KvotaNapCheck       check);
char          *kvota_nap_cell_name          (guint               row,
                                             guint               column);

G_END_DECLS
