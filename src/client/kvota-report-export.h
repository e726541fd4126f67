/* kvota-report-export.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-client.h"
#include "kvota-store.h"

G_BEGIN_DECLS

/* Which tables of the trading report a CSV export saves: one of
 * #KvotaTradingTable, or all four. */
#define KVOTA_REPORT_ALL_TABLES (-1)

typedef enum
{
  KVOTA_REPORT_FORMAT_CSV,
  KVOTA_REPORT_FORMAT_XLSX,
  KVOTA_REPORT_FORMAT_PDF,
} KvotaReportFormat;

void                kvota_report_export_csv   (GtkWidget                *parent,
                                               KvotaClient              *client,
                                               int                       year,
                                               int                       table);
void                kvota_report_export_xlsx  (GtkWidget                *parent,
                                               const KvotaTradingReport *report,
                                               int                       year);
void                kvota_report_export_pdf   (GtkWidget                *parent,
                                               const KvotaTradingReport *report,
                                               int                       year);
void                kvota_report_export_save  (GtkWidget                *parent,
                                               KvotaClient              *client,
                                               const KvotaTradingReport *report,
                                               int                       year,
                                               KvotaReportFormat         format,
                                               int                       table,
                                               GFile                    *file);
GBytes             *kvota_report_export_build_xlsx (const KvotaTradingReport *report,
                                               int                       year,
                                               GError                  **error);
gboolean            kvota_report_export_write_pdf  (const KvotaTradingReport *report,
                                               int                       year,
                                               const char               *path,
                                               GtkWindow                *parent,
                                               GError                  **error);

G_END_DECLS
