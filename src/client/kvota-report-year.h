/* kvota-report-year.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kvota-store.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_REPORT_YEAR (kvota_report_year_get_type ())

G_DECLARE_FINAL_TYPE (KvotaReportYear, kvota_report_year, KVOTA, REPORT_YEAR, GObject)

KvotaReportYear *kvota_report_year_new                (const KvotaTradingFigures *figures);
int              kvota_report_year_get_year           (KvotaReportYear  *self);
gint64           kvota_report_year_get_quotas_traded  (KvotaReportYear  *self);
gint64           kvota_report_year_get_transactions   (KvotaReportYear  *self);

G_END_DECLS
