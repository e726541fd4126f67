/* kvota-nap-change-object.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap-change-object"

#include "config.h"

#include "kvota-nap-change-object.h"

/* What a draft changes for one operator (or the reserves) and year, from
 * the version of the plan in force: before, after, and the difference. */

struct _KvotaNapChangeObject
{
  GObject  parent_instance;

  char    *operator_name;
  char    *bin;
  int      year;
  gint64   previous;
  gint64   current;
};

G_DEFINE_FINAL_TYPE (KvotaNapChangeObject, kvota_nap_change_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OPERATOR,
  PROP_BIN,
  PROP_YEAR,
  PROP_PREVIOUS,
  PROP_CURRENT,
  PROP_DIFFERENCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kvota_nap_change_object_finalize (GObject *object)
{
  KvotaNapChangeObject *self = (KvotaNapChangeObject *)object;

  g_free (self->operator_name);
  g_free (self->bin);

  G_OBJECT_CLASS (kvota_nap_change_object_parent_class)->finalize (object);
}

static void
kvota_nap_change_object_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  KvotaNapChangeObject *self = KVOTA_NAP_CHANGE_OBJECT (object);

  switch (prop_id)
    {
    /* GTK 4.8's string sorter takes no NULL: a reserve's BIN is empty. */
    case PROP_OPERATOR:
      g_value_set_string (value, self->operator_name != NULL ? self->operator_name : "");
      break;

    case PROP_BIN:
      g_value_set_string (value, self->bin != NULL ? self->bin : "");
      break;

    case PROP_YEAR:
      g_value_set_int (value, self->year);
      break;

    case PROP_PREVIOUS:
      g_value_set_int64 (value, self->previous);
      break;

    case PROP_CURRENT:
      g_value_set_int64 (value, self->current);
      break;

    case PROP_DIFFERENCE:
      g_value_set_int64 (value, self->current - self->previous);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_nap_change_object_class_init (KvotaNapChangeObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_nap_change_object_finalize;
  object_class->get_property = kvota_nap_change_object_get_property;

  properties[PROP_OPERATOR] =
    g_param_spec_string ("operator", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_BIN] =
    g_param_spec_string ("bin", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_YEAR] =
    g_param_spec_int ("year", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_PREVIOUS] =
    g_param_spec_int64 ("previous", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_CURRENT] =
    g_param_spec_int64 ("current", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_DIFFERENCE] =
    g_param_spec_int64 ("difference", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_nap_change_object_init (KvotaNapChangeObject *self)
{
}

/**
 * kvota_nap_change_object_new:
 * @operator_name: the nature user, or the translated word for reserves
 * @bin: (nullable): its BIN
 * @year: the year
 * @previous: its allocation in the version in force
 * @current: its allocation in the draft
 *
 * Both allocations are sums of whole tonnes the plans' readers checked
 * for overflow, so their difference fits.
 *
 * Returns: (transfer full): the change
 */
KvotaNapChangeObject *
kvota_nap_change_object_new (const char *operator_name,
                             const char *bin,
                             int         year,
                             gint64      previous,
                             gint64      current)
{
  KvotaNapChangeObject *self = g_object_new (KVOTA_TYPE_NAP_CHANGE_OBJECT, NULL);

  self->operator_name = g_strdup (operator_name);
  self->bin = g_strdup (bin);
  self->year = year;
  self->previous = previous;
  self->current = current;

  return self;
}
