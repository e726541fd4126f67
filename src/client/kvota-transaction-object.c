/* kvota-transaction-object.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-transaction-object"

#include "config.h"

#include "kvota-transaction-object.h"

/* One transaction of the history, as an item of a GListModel whose
 * properties the list's cells bind to. */

struct _KvotaTransactionObject
{
  GObject           parent_instance;

  KvotaTransaction *transaction;
};

G_DEFINE_FINAL_TYPE (KvotaTransactionObject, kvota_transaction_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_STATE,
  PROP_UNIT_TYPE,
  PROP_VINTAGE,
  PROP_QUANTITY,
  PROP_FROM_ACCOUNT,
  PROP_TO_ACCOUNT,
  PROP_CREATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kvota_transaction_object_finalize (GObject *object)
{
  KvotaTransactionObject *self = (KvotaTransactionObject *)object;

  g_clear_pointer (&self->transaction, kvota_transaction_free);

  G_OBJECT_CLASS (kvota_transaction_object_parent_class)->finalize (object);
}

static void
kvota_transaction_object_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  KvotaTransactionObject *self = KVOTA_TRANSACTION_OBJECT (object);
  const KvotaTransaction *transaction = self->transaction;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, transaction->id);
      break;

    case PROP_KIND:
      g_value_set_int (value, transaction->kind);
      break;

    case PROP_STATE:
      g_value_set_int (value, transaction->state);
      break;

    case PROP_UNIT_TYPE:
      g_value_set_int (value, transaction->unit_type);
      break;

    case PROP_VINTAGE:
      g_value_set_int (value, transaction->vintage);
      break;

    case PROP_QUANTITY:
      g_value_set_int64 (value, transaction->quantity);
      break;

    case PROP_FROM_ACCOUNT:
      g_value_set_string (value, transaction->from_account);
      break;

    case PROP_TO_ACCOUNT:
      g_value_set_string (value, transaction->to_account);
      break;

    case PROP_CREATED:
      g_value_set_boxed (value, transaction->created);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_transaction_object_class_init (KvotaTransactionObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kvota_transaction_object_finalize;
  object_class->get_property = kvota_transaction_object_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* KvotaTransactionKind, KvotaTransactionState and KvotaUnitType */
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_UNIT_TYPE] =
    g_param_spec_int ("unit-type", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_VINTAGE] =
    g_param_spec_int ("vintage", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FROM_ACCOUNT] =
    g_param_spec_string ("from-account", NULL, NULL, NULL, flags);
  properties[PROP_TO_ACCOUNT] =
    g_param_spec_string ("to-account", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] =
    g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_transaction_object_init (KvotaTransactionObject *self)
{
}

/**
 * kvota_transaction_object_new:
 * @transaction: (transfer full): a transaction
 *
 * Returns: (transfer full): an item holding @transaction
 */
KvotaTransactionObject *
kvota_transaction_object_new (KvotaTransaction *transaction)
{
  KvotaTransactionObject *self;

  g_return_val_if_fail (transaction != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_TRANSACTION_OBJECT, NULL);
  self->transaction = transaction;

  return self;
}

const KvotaTransaction *
kvota_transaction_object_get_transaction (KvotaTransactionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSACTION_OBJECT (self), NULL);

  return self->transaction;
}

gint64
kvota_transaction_object_get_id (KvotaTransactionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSACTION_OBJECT (self), 0);

  return self->transaction->id;
}
