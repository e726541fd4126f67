/* kvota-report-year.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-report-year"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-report-year.h"

/* One year of the trading report: the completed transfers of quotas and
 * the quotas they moved, as the server computes them from its ledger, as
 * an item of the yearly table. The whole report is read by the core's
 * codec, kvota_trading_report_from_json(). */

struct _KvotaReportYear
{
  GObject parent_instance;

  int     year;
  gint64  quotas_traded;
  gint64  transactions;
};

G_DEFINE_FINAL_TYPE (KvotaReportYear, kvota_report_year, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_YEAR,
  PROP_QUOTAS_TRADED,
  PROP_TRANSACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kvota_report_year_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KvotaReportYear *self = KVOTA_REPORT_YEAR (object);

  switch (prop_id)
    {
    case PROP_YEAR:
      g_value_set_int (value, self->year);
      break;

    case PROP_QUOTAS_TRADED:
      g_value_set_int64 (value, self->quotas_traded);
      break;

    case PROP_TRANSACTIONS:
      g_value_set_int64 (value, self->transactions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_report_year_class_init (KvotaReportYearClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = kvota_report_year_get_property;

  properties[PROP_YEAR] =
    g_param_spec_int ("year", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_QUOTAS_TRADED] =
    g_param_spec_int64 ("quotas-traded", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TRANSACTIONS] =
    g_param_spec_int64 ("transactions", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_report_year_init (KvotaReportYear *self)
{
}

/**
 * kvota_report_year_new:
 * @figures: one year of the trading report
 *
 * Returns: (transfer full): the year, for a list model
 */
KvotaReportYear *
kvota_report_year_new (const KvotaTradingFigures *figures)
{
  KvotaReportYear *self;

  g_return_val_if_fail (figures != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_REPORT_YEAR, NULL);
  self->year = figures->year;
  self->quotas_traded = figures->quotas;
  self->transactions = figures->transactions;

  return self;
}

int
kvota_report_year_get_year (KvotaReportYear *self)
{
  g_return_val_if_fail (KVOTA_IS_REPORT_YEAR (self), 0);

  return self->year;
}

gint64
kvota_report_year_get_quotas_traded (KvotaReportYear *self)
{
  g_return_val_if_fail (KVOTA_IS_REPORT_YEAR (self), 0);

  return self->quotas_traded;
}

gint64
kvota_report_year_get_transactions (KvotaReportYear *self)
{
  g_return_val_if_fail (KVOTA_IS_REPORT_YEAR (self), 0);

  return self->transactions;
}
