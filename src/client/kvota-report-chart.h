/* kvota-report-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-store.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_REPORT_CHART (kvota_report_chart_get_type ())

G_DECLARE_FINAL_TYPE (KvotaReportChart, kvota_report_chart, KVOTA, REPORT_CHART, GtkWidget)

/**
 * KvotaReportChartKind:
 * @KVOTA_REPORT_CHART_VOLUMES: the quotas traded by month of one year, or
 *   by year when the report shows every year; upright bars
 * @KVOTA_REPORT_CHART_SECTORS: the quotas the sellers of each sector sold;
 *   bars across, largest first
 */
typedef enum
{
  KVOTA_REPORT_CHART_VOLUMES,
  KVOTA_REPORT_CHART_SECTORS,
} KvotaReportChartKind;

#define KVOTA_TYPE_REPORT_CHART_KIND (kvota_report_chart_kind_get_type ())

GType kvota_report_chart_kind_get_type (void);

/* The colours of a drawing: on screen from the style, on paper ink. */
typedef struct
{
  GdkRGBA bar;
  GdkRGBA text;
  GdkRGBA dim;
  GdkRGBA grid;
} KvotaReportChartColors;

GtkWidget  *kvota_report_chart_new          (KvotaReportChartKind          kind);
void        kvota_report_chart_set_report   (KvotaReportChart             *self,
                                             const KvotaTradingReport     *report,
                                             int                           year);
guint       kvota_report_chart_get_n_bars   (KvotaReportChart             *self);
const char *kvota_report_chart_get_title    (KvotaReportChart             *self);
char       *kvota_report_chart_describe     (KvotaReportChart             *self);
double      kvota_report_chart_get_height_for_width (KvotaReportChart     *self,
                                             PangoContext                 *context,
                                             double                        width);
void        kvota_report_chart_draw         (KvotaReportChart             *self,
                                             cairo_t                      *cr,
                                             PangoContext                 *context,
                                             double                        width,
                                             double                        height,
                                             const KvotaReportChartColors *colors);

G_END_DECLS
