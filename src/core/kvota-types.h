/* kvota-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * KvotaHolderType:
 *
 * What kind of organisation holds an account. The registry operator and the
 * Ministry are organisations too, so every user belongs to one.
 */
typedef enum
{
  KVOTA_HOLDER_TYPE_REGISTRY,
  KVOTA_HOLDER_TYPE_MINISTRY,
  KVOTA_HOLDER_TYPE_NATURE_USER,
  KVOTA_HOLDER_TYPE_BROKER,
  KVOTA_HOLDER_TYPE_TRADER,
  KVOTA_HOLDER_TYPE_INDIVIDUAL,
  KVOTA_N_HOLDER_TYPES
} KvotaHolderType;

/**
 * KvotaRole:
 *
 * What a user may do inside its organisation.
 */
typedef enum
{
  KVOTA_ROLE_ADMINISTRATOR,
  KVOTA_ROLE_MINISTRY,
  KVOTA_ROLE_REPRESENTATIVE,
  KVOTA_ROLE_ACCOUNTANT,
  KVOTA_N_ROLES
} KvotaRole;

typedef enum
{
  KVOTA_UNIT_TYPE_QUOTA,
  KVOTA_UNIT_TYPE_OFFSET,
  KVOTA_N_UNIT_TYPES
} KvotaUnitType;

/* The UNFCCC transaction kinds Kvota records. */
typedef enum
{
  KVOTA_TRANSACTION_KIND_ISSUANCE,
  KVOTA_TRANSACTION_KIND_TRANSFER,
  KVOTA_TRANSACTION_KIND_SURRENDER,
  KVOTA_TRANSACTION_KIND_CANCELLATION,
  KVOTA_N_TRANSACTION_KINDS
} KvotaTransactionKind;

typedef enum
{
  KVOTA_TRANSACTION_STATE_PROPOSED,
  KVOTA_TRANSACTION_STATE_COMPLETED,
  KVOTA_TRANSACTION_STATE_REJECTED,
  KVOTA_TRANSACTION_STATE_CANCELLED,
  KVOTA_N_TRANSACTION_STATES
} KvotaTransactionState;

/* Where a serial block stands. Surrendered and cancelled blocks stay in the
 * ledger so every unit's path can be traced to its end. */
typedef enum
{
  KVOTA_BLOCK_STATE_AVAILABLE,
  KVOTA_BLOCK_STATE_RESERVED,
  KVOTA_BLOCK_STATE_PENDING,
  KVOTA_BLOCK_STATE_SURRENDERED,
  KVOTA_BLOCK_STATE_CANCELLED,
  KVOTA_N_BLOCK_STATES
} KvotaBlockState;

typedef enum
{
  KVOTA_KEY_STATE_UNUSED,
  KVOTA_KEY_STATE_USED,
  KVOTA_KEY_STATE_EXPIRED,
  KVOTA_KEY_STATE_REVOKED,
  KVOTA_N_KEY_STATES
} KvotaKeyState;

typedef enum
{
  KVOTA_APPLICATION_STATE_PENDING,
  KVOTA_APPLICATION_STATE_CONFIRMED,
  KVOTA_APPLICATION_STATE_DECLINED,
  KVOTA_N_APPLICATION_STATES
} KvotaApplicationState;

typedef enum
{
  KVOTA_USER_STATE_ACTIVE,
  KVOTA_USER_STATE_BLOCKED,
  KVOTA_N_USER_STATES
} KvotaUserState;

/* The first and last vintage the registry accepts: Kazakhstan's ETS
 * started in 2013, and nothing sensible lies beyond 2100. */
#define KVOTA_VINTAGE_MIN 2013
#define KVOTA_VINTAGE_MAX 2100

const char *kvota_holder_type_to_string        (KvotaHolderType        type);
gboolean    kvota_holder_type_from_string      (const char            *string,
                                                KvotaHolderType       *type);
gboolean    kvota_holder_type_holds_units      (KvotaHolderType        type);
gboolean    kvota_holder_type_is_intermediary  (KvotaHolderType        type);
const char *kvota_holder_type_describe         (KvotaHolderType        type);

const char *kvota_role_to_string               (KvotaRole              role);
gboolean    kvota_role_from_string             (const char            *string,
                                                KvotaRole             *role);
const char *kvota_role_describe                (KvotaRole              role);

const char *kvota_unit_type_to_string          (KvotaUnitType          type);
const char *kvota_unit_type_describe           (KvotaUnitType          type);
gboolean    kvota_unit_type_from_string        (const char            *string,
                                                KvotaUnitType         *type);

const char *kvota_transaction_kind_to_string   (KvotaTransactionKind   kind);
gboolean    kvota_transaction_kind_from_string (const char            *string,
                                                KvotaTransactionKind  *kind);

const char *kvota_transaction_state_to_string  (KvotaTransactionState  state);
gboolean    kvota_transaction_state_from_string (const char           *string,
                                                KvotaTransactionState *state);

const char *kvota_block_state_to_string        (KvotaBlockState        state);
gboolean    kvota_block_state_from_string      (const char            *string,
                                                KvotaBlockState       *state);

const char *kvota_user_state_to_string         (KvotaUserState         state);
gboolean    kvota_user_state_from_string       (const char            *string,
                                                KvotaUserState        *state);

const char *kvota_key_state_to_string         (KvotaKeyState          state);
gboolean    kvota_key_state_from_string       (const char            *string,
                                                KvotaKeyState         *state);

const char *kvota_application_state_to_string (KvotaApplicationState  state);
gboolean    kvota_application_state_from_string (const char          *string,
                                                KvotaApplicationState *state);

gboolean    kvota_holder_type_is_company       (KvotaHolderType        type);
gboolean    kvota_role_allowed_for_holder_type (KvotaRole              role,
                                                KvotaHolderType        type);

G_END_DECLS
