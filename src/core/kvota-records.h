/* kvota-records.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kvota-quantity.h"
#include "kvota-types.h"

G_BEGIN_DECLS

/* The records the registry hands out, with the one JSON codec per record
 * that both the server and its clients use: the wire format is defined
 * here and nowhere else. */

typedef struct
{
  gint64           id;
  char            *name;
  char            *bin;             /* NULL for the registry and the Ministry */
  KvotaHolderType  holder_type;
  KvotaUserState   state;
  char            *account;         /* holding account number, or NULL */
} KvotaOrganisation;

typedef struct
{
  gint64             id;
  char              *username;
  char              *full_name;
  KvotaRole          role;
  KvotaUserState     state;
  KvotaOrganisation *organisation;
} KvotaUser;

typedef struct
{
  char      *token;
  GDateTime *expires;
  KvotaUser *user;
} KvotaSession;

typedef struct
{
  KvotaUnitType unit_type;
  int           vintage;
  KvotaQuantity available;
  KvotaQuantity reserved;
  KvotaQuantity pending;
  KvotaQuantity surrendered;
  KvotaQuantity cancelled;
} KvotaHolding;

typedef struct
{
  gint64 first;
  gint64 last;
} KvotaSerialRange;

typedef struct
{
  gint64                 id;
  KvotaTransactionKind   kind;
  KvotaTransactionState  state;
  KvotaUnitType          unit_type;
  int                    vintage;
  KvotaQuantity          quantity;
  char                  *from_account;    /* NULL for an issuance */
  char                  *to_account;      /* NULL for a surrender or cancellation */
  char                  *proposed_by;
  char                  *decided_by;
  char                  *reason;
  GDateTime             *created;
  GDateTime             *decided;
  GArray                *serials;         /* of KvotaSerialRange */
  gint64                 order_id;        /* the sale order it sells from, or 0 */
  gint64                 price;           /* per unit in tiyn, or -1 */
  char                  *deal_date;       /* YYYY-MM-DD, or NULL */
  char                  *reference;       /* the exchange or contract reference, or NULL */
  GPtrArray             *documents;       /* of KvotaTransactionDocument */
  gint64                 nap_id;          /* the plan an issuance or withdrawal applies, or 0 */
  char                  *approved_by;     /* the first of two administrators, or NULL */
  GDateTime             *approved;
} KvotaTransaction;

typedef struct
{
  char *sha256;
  char *name;
} KvotaTransactionDocument;

typedef struct
{
  gint64           id;
  char            *code;            /* only in the reply that creates it */
  char            *hint;            /* its last four characters */
  char            *bin;             /* the BIN it is bound to, or NULL */
  gboolean         has_holder_type;
  KvotaHolderType  holder_type;     /* the holder type it is bound to */
  KvotaKeyState    state;
  char            *created_by;
  GDateTime       *created;
  GDateTime       *expires;
} KvotaRegistrationKey;

typedef struct
{
  gint64                 id;
  KvotaApplicationState  state;
  char                  *name_kk;
  char                  *name_ru;
  char                  *bin;
  KvotaHolderType        holder_type;
  char                  *address;
  char                  *phone;
  char                  *email;
  char                  *representative_name;
  char                  *representative_position;
  char                  *username;
  char                  *document_sha256;
  char                  *document_name;
  char                  *document_type;
  gint64                 document_size;
  GDateTime             *created;
  char                  *decided_by;
  GDateTime             *decided;
  char                  *reason;
  gint64                 organisation_id;  /* once confirmed */
} KvotaApplication;

void                kvota_registration_key_free  (KvotaRegistrationKey *self);
JsonNode           *kvota_registration_key_to_json (const KvotaRegistrationKey *self);
KvotaRegistrationKey *kvota_registration_key_from_json (JsonNode     *node,
                                                  GError            **error);

void                kvota_application_free       (KvotaApplication   *self);
JsonNode           *kvota_application_to_json    (const KvotaApplication *self);
KvotaApplication   *kvota_application_from_json  (JsonNode           *node,
                                                  GError            **error);

/**
 * KvotaSaleOrder:
 *
 * Quotas a nature user signed for sale through its intermediary: reserved
 * in its account until sold or withdrawn. Prices are in tiyn (1/100 tenge).
 */
typedef struct
{
  gint64         id;
  char          *account;
  gint64         organisation_id;
  char          *organisation_name;
  gint64         intermediary_id;
  KvotaUnitType  unit_type;
  int            vintage;
  KvotaQuantity  quantity;       /* signed for sale */
  KvotaQuantity  reserved;       /* still for sale */
  KvotaQuantity  pending;        /* in proposed sales */
  gint64         min_price;      /* or -1 */
  char          *state;          /* open, withdrawn */
  GDateTime     *created;
} KvotaSaleOrder;

void                kvota_sale_order_free        (KvotaSaleOrder    *self);
JsonNode           *kvota_sale_order_to_json     (const KvotaSaleOrder *self);

/**
 * KvotaMandate:
 *
 * A nature user's choice of the broker or trader it sells through, from
 * @started until @ended (%NULL while it is in force).
 */
typedef struct
{
  gint64         id;
  gint64         organisation_id;
  char          *organisation_name;
  char          *account;
  gint64         intermediary_id;
  char          *intermediary_name;
  GDateTime     *started;
  GDateTime     *ended;
} KvotaMandate;

void                kvota_mandate_free           (KvotaMandate      *self);
JsonNode           *kvota_mandate_to_json        (const KvotaMandate *self);
KvotaMandate       *kvota_mandate_from_json      (JsonNode           *node,
                                                  GError            **error);

void                kvota_organisation_free      (KvotaOrganisation *self);
KvotaOrganisation  *kvota_organisation_copy      (const KvotaOrganisation *self);
JsonNode           *kvota_organisation_to_json   (const KvotaOrganisation *self);
KvotaOrganisation  *kvota_organisation_from_json (JsonNode           *node,
                                                  GError            **error);

void                kvota_user_free              (KvotaUser          *self);
JsonNode           *kvota_user_to_json           (const KvotaUser    *self);
KvotaUser          *kvota_user_from_json         (JsonNode           *node,
                                                  GError            **error);

void                kvota_session_free           (KvotaSession       *self);
JsonNode           *kvota_session_to_json        (const KvotaSession *self);
KvotaSession       *kvota_session_from_json      (JsonNode           *node,
                                                  GError            **error);

JsonNode           *kvota_holding_to_json        (const KvotaHolding *self);
gboolean            kvota_holding_from_json      (JsonNode           *node,
                                                  KvotaHolding       *holding,
                                                  GError            **error);

KvotaTransaction   *kvota_transaction_new        (void);
void                kvota_transaction_free       (KvotaTransaction   *self);
JsonNode           *kvota_transaction_to_json    (const KvotaTransaction *self);
KvotaTransaction   *kvota_transaction_from_json  (JsonNode           *node,
                                                  GError            **error);

char               *kvota_timestamp_format       (GDateTime          *time);
GDateTime          *kvota_timestamp_parse        (const char         *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaOrganisation, kvota_organisation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaMandate, kvota_mandate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaRegistrationKey, kvota_registration_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaApplication, kvota_application_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaUser, kvota_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaSession, kvota_session_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvotaTransaction, kvota_transaction_free)

G_END_DECLS
