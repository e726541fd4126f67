/* kvota-holding-object.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-holding-object"

#include "config.h"

#include "kvota-holding-object.h"

/* What an account holds of one unit type and vintage, as an item of a
 * GListModel whose properties the balance table's cells bind to. */

struct _KvotaHoldingObject
{
  GObject      parent_instance;

  KvotaHolding holding;
};

G_DEFINE_FINAL_TYPE (KvotaHoldingObject, kvota_holding_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UNIT_TYPE,
  PROP_VINTAGE,
  PROP_AVAILABLE,
  PROP_RESERVED,
  PROP_PENDING,
  PROP_SURRENDERED,
  PROP_CANCELLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kvota_holding_object_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KvotaHoldingObject *self = KVOTA_HOLDING_OBJECT (object);

  switch (prop_id)
    {
    case PROP_UNIT_TYPE:
      g_value_set_int (value, self->holding.unit_type);
      break;

    case PROP_VINTAGE:
      g_value_set_int (value, self->holding.vintage);
      break;

    case PROP_AVAILABLE:
      g_value_set_int64 (value, self->holding.available);
      break;

    case PROP_RESERVED:
      g_value_set_int64 (value, self->holding.reserved);
      break;

    case PROP_PENDING:
      g_value_set_int64 (value, self->holding.pending);
      break;

    case PROP_SURRENDERED:
      g_value_set_int64 (value, self->holding.surrendered);
      break;

    case PROP_CANCELLED:
      g_value_set_int64 (value, self->holding.cancelled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_holding_object_class_init (KvotaHoldingObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = kvota_holding_object_get_property;

  /* KvotaUnitType */
  properties[PROP_UNIT_TYPE] =
    g_param_spec_int ("unit-type", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_VINTAGE] =
    g_param_spec_int ("vintage", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_AVAILABLE] =
    g_param_spec_int64 ("available", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_RESERVED] =
    g_param_spec_int64 ("reserved", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SURRENDERED] =
    g_param_spec_int64 ("surrendered", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CANCELLED] =
    g_param_spec_int64 ("cancelled", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_holding_object_init (KvotaHoldingObject *self)
{
}

KvotaHoldingObject *
kvota_holding_object_new (const KvotaHolding *holding)
{
  KvotaHoldingObject *self;

  g_return_val_if_fail (holding != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_HOLDING_OBJECT, NULL);
  self->holding = *holding;

  return self;
}

const KvotaHolding *
kvota_holding_object_get_holding (KvotaHoldingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_HOLDING_OBJECT (self), NULL);

  return &self->holding;
}
