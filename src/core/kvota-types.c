/* kvota-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-types"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-types.h"

/* The strings are the wire and storage names: never change them. */
static const char * const holder_types[] = {
  "registry", "ministry", "nature-user", "broker", "trader", "individual",
};
static const char * const holder_type_names[] = {
  N_("Registry administration"),
  N_("Ministry"),
  N_("Nature user"),
  N_("Broker"),
  N_("Trader"),
  N_("Individual or trading company"),
};
static const char * const roles[] = {
  "administrator", "ministry", "representative", "accountant",
};
static const char * const role_names[] = {
  N_("Administrator"),
  N_("Ministry staff"),
  N_("Representative"),
  N_("Accountant"),
};
static const char * const unit_types[] = {
  "quota", "offset",
};
static const char * const unit_type_names[] = {
  N_("Quotas"),
  N_("Offset units"),
};
static const char * const transaction_kinds[] = {
  "issuance", "transfer", "surrender", "cancellation",
};
static const char * const transaction_states[] = {
  "proposed", "completed", "rejected", "cancelled",
};
static const char * const block_states[] = {
  "available", "reserved", "pending", "surrendered", "cancelled",
};
static const char * const key_states[] = {
  "unused", "used", "expired", "revoked",
};
static const char * const application_states[] = {
  "pending", "confirmed", "declined",
};
static const char * const user_states[] = {
  "active", "blocked",
};

G_STATIC_ASSERT (G_N_ELEMENTS (holder_types) == KVOTA_N_HOLDER_TYPES);
G_STATIC_ASSERT (G_N_ELEMENTS (holder_type_names) == KVOTA_N_HOLDER_TYPES);
G_STATIC_ASSERT (G_N_ELEMENTS (roles) == KVOTA_N_ROLES);
G_STATIC_ASSERT (G_N_ELEMENTS (role_names) == KVOTA_N_ROLES);
G_STATIC_ASSERT (G_N_ELEMENTS (unit_types) == KVOTA_N_UNIT_TYPES);
G_STATIC_ASSERT (G_N_ELEMENTS (unit_type_names) == KVOTA_N_UNIT_TYPES);
G_STATIC_ASSERT (G_N_ELEMENTS (transaction_kinds) == KVOTA_N_TRANSACTION_KINDS);
G_STATIC_ASSERT (G_N_ELEMENTS (transaction_states) == KVOTA_N_TRANSACTION_STATES);
G_STATIC_ASSERT (G_N_ELEMENTS (block_states) == KVOTA_N_BLOCK_STATES);
G_STATIC_ASSERT (G_N_ELEMENTS (user_states) == KVOTA_N_USER_STATES);
G_STATIC_ASSERT (G_N_ELEMENTS (key_states) == KVOTA_N_KEY_STATES);
G_STATIC_ASSERT (G_N_ELEMENTS (application_states) == KVOTA_N_APPLICATION_STATES);

static const char *
name_of (const char * const *names,
         guint               n_names,
         guint               value)
{
  g_return_val_if_fail (value < n_names, NULL);

  return names[value];
}

static gboolean
value_of (const char * const *names,
          guint               n_names,
          const char         *string,
          guint              *value)
{
  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (names[i], string) == 0)
        {
          *value = i;
          return TRUE;
        }
    }

  return FALSE;
}

#define DEFINE_NAMES(prefix, Type, table)                                    \
  const char *                                                               \
  prefix##_to_string (Type value)                                            \
  {                                                                          \
    return name_of (table, G_N_ELEMENTS (table), (guint) value);             \
  }                                                                          \
                                                                             \
  gboolean                                                                   \
  prefix##_from_string (const char *string,                                  \
                        Type       *value)                                   \
  {                                                                          \
    guint v;                                                                 \
                                                                             \
    g_return_val_if_fail (value != NULL, FALSE);                             \
                                                                             \
    if (!value_of (table, G_N_ELEMENTS (table), string, &v))                 \
      return FALSE;                                                          \
                                                                             \
    *value = (Type) v;                                                       \
    return TRUE;                                                             \
  }

DEFINE_NAMES (kvota_holder_type, KvotaHolderType, holder_types)
DEFINE_NAMES (kvota_role, KvotaRole, roles)
DEFINE_NAMES (kvota_unit_type, KvotaUnitType, unit_types)
DEFINE_NAMES (kvota_transaction_kind, KvotaTransactionKind, transaction_kinds)
DEFINE_NAMES (kvota_transaction_state, KvotaTransactionState, transaction_states)
DEFINE_NAMES (kvota_block_state, KvotaBlockState, block_states)
DEFINE_NAMES (kvota_user_state, KvotaUserState, user_states)
DEFINE_NAMES (kvota_key_state, KvotaKeyState, key_states)
DEFINE_NAMES (kvota_application_state, KvotaApplicationState, application_states)

/**
 * kvota_holder_type_is_company:
 * @type: a #KvotaHolderType
 *
 * Returns: %TRUE for the holder types that register with a key: everyone
 *   but the registry administration and the Ministry
 */
gboolean
kvota_holder_type_is_company (KvotaHolderType type)
{
  return type == KVOTA_HOLDER_TYPE_NATURE_USER ||
         type == KVOTA_HOLDER_TYPE_BROKER ||
         type == KVOTA_HOLDER_TYPE_TRADER ||
         type == KVOTA_HOLDER_TYPE_INDIVIDUAL;
}

/**
 * kvota_holder_type_holds_units:
 * @type: a #KvotaHolderType
 *
 * Intermediaries control their clients' units but hold none of their own,
 * and the registry operator and the Ministry hold none either.
 *
 * Returns: %TRUE if organisations of @type have a holding account
 */
gboolean
kvota_holder_type_holds_units (KvotaHolderType type)
{
  return type == KVOTA_HOLDER_TYPE_NATURE_USER ||
         type == KVOTA_HOLDER_TYPE_INDIVIDUAL;
}

/**
 * kvota_holder_type_is_intermediary:
 * @type: a #KvotaHolderType
 *
 * Returns: %TRUE for brokers and traders, who sell and buy on behalf of
 *   their clients
 */
gboolean
kvota_holder_type_is_intermediary (KvotaHolderType type)
{
  return type == KVOTA_HOLDER_TYPE_BROKER ||
         type == KVOTA_HOLDER_TYPE_TRADER;
}

/**
 * kvota_holder_type_describe:
 * @type: a #KvotaHolderType
 *
 * Returns: (transfer none): the translated name of @type
 */
const char *
kvota_holder_type_describe (KvotaHolderType type)
{
  return _(name_of (holder_type_names, G_N_ELEMENTS (holder_type_names), type));
}

/**
 * kvota_unit_type_describe:
 * @type: a #KvotaUnitType
 *
 * Returns: (transfer none): the translated plural name of @type, such as
 *   “Quotas”
 */
const char *
kvota_unit_type_describe (KvotaUnitType type)
{
  return _(name_of (unit_type_names, G_N_ELEMENTS (unit_type_names), type));
}

/**
 * kvota_role_describe:
 * @role: a #KvotaRole
 *
 * Returns: (transfer none): the translated name of @role
 */
const char *
kvota_role_describe (KvotaRole role)
{
  return _(name_of (role_names, G_N_ELEMENTS (role_names), role));
}

/**
 * kvota_role_allowed_for_holder_type:
 * @role: a #KvotaRole
 * @type: the #KvotaHolderType of the user's organisation
 *
 * Administrators belong to the registry operator, Ministry staff to the
 * Ministry; companies have representatives and accountants.
 *
 * Returns: %TRUE if a user of @role may belong to an organisation of @type
 */
gboolean
kvota_role_allowed_for_holder_type (KvotaRole       role,
                                    KvotaHolderType type)
{
  switch (role)
    {
    case KVOTA_ROLE_ADMINISTRATOR:
      return type == KVOTA_HOLDER_TYPE_REGISTRY;
    case KVOTA_ROLE_MINISTRY:
      return type == KVOTA_HOLDER_TYPE_MINISTRY;
    case KVOTA_ROLE_REPRESENTATIVE:
    case KVOTA_ROLE_ACCOUNTANT:
      return kvota_holder_type_is_company (type);
    case KVOTA_N_ROLES:
    default:
      return FALSE;
    }
}
