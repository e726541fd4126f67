/* kvota-report-year.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-report-year"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-report-year.h"

/* One year of the trading report: the completed transfers of quotas and
 * the quotas they moved, as the server computes them from its ledger. */

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

static gboolean
read_count (JsonObject  *object,
            const char  *name,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, name);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

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
 * kvota_report_year_new_from_json:
 * @node: one member of the report's `years`: `{"year", "quotas_traded",
 *   "transactions"}`
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the year, or %NULL if @node is not one
 */
KvotaReportYear *
kvota_report_year_new_from_json (JsonNode  *node,
                                 GError   **error)
{
  g_autoptr(KvotaReportYear) self = NULL;
  JsonObject *object;
  gint64 year;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, "years");
      return NULL;
    }

  object = json_node_get_object (node);
  self = g_object_new (KVOTA_TYPE_REPORT_YEAR, NULL);

  if (!read_count (object, "year", &year, error) ||
      !read_count (object, "quotas_traded", &self->quotas_traded, error) ||
      !read_count (object, "transactions", &self->transactions, error))
    return NULL;

  self->year = (int) CLAMP (year, 0, G_MAXINT);

  return g_steal_pointer (&self);
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
