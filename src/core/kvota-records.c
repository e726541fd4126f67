/* kvota-records.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-records"

#include "config.h"

#include <string.h>

#include "kvota-error.h"
#include "kvota-records.h"

/* Decoding is strict about types and lenient about members it does not
 * know, so that an older client keeps working against a newer server. */

static gboolean
fail (GError     **error,
      const char  *field)
{
  kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, field);
  return FALSE;
}

static JsonObject *
object_of (JsonNode  *node,
           GError   **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, NULL);
      return NULL;
    }

  return json_node_get_object (node);
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            gboolean     nullable,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node) && nullable)
    {
      *out = NULL;
      return TRUE;
    }

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, name);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *name,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, name);

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_time (JsonObject  *object,
          const char  *name,
          gboolean     nullable,
          GDateTime  **out,
          GError     **error)
{
  g_autofree char *text = NULL;

  if (!get_string (object, name, nullable, &text, error))
    return FALSE;

  if (text == NULL)
    {
      *out = NULL;
      return TRUE;
    }

  if ((*out = kvota_timestamp_parse (text)) == NULL)
    return fail (error, name);

  return TRUE;
}

#define GET_ENUM(object, name, type_prefix, out, error)                      \
  G_STMT_START {                                                             \
    g_autofree char *text_ = NULL;                                           \
    if (!get_string (object, name, FALSE, &text_, error))                    \
      return NULL;                                                           \
    if (!type_prefix##_from_string (text_, out))                             \
      {                                                                      \
        kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, name);            \
        return NULL;                                                         \
      }                                                                      \
  } G_STMT_END

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *time)
{
  json_builder_set_member_name (builder, name);
  if (time == NULL)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = kvota_timestamp_format (time);
      json_builder_add_string_value (builder, text);
    }
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

/**
 * kvota_timestamp_format:
 * @time: a #GDateTime
 *
 * Returns: (transfer full): @time in UTC as ISO 8601 with seconds
 */
char *
kvota_timestamp_format (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * kvota_timestamp_parse:
 * @text: an ISO 8601 timestamp with a time zone
 *
 * Returns: (transfer full) (nullable): the time, or %NULL if @text is not
 *   a timestamp
 */
GDateTime *
kvota_timestamp_parse (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_date_time_new_from_iso8601 (text, NULL);
}

/* Organisations */

void
kvota_organisation_free (KvotaOrganisation *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->bin);
  g_free (self->account);
  g_free (self);
}

KvotaOrganisation *
kvota_organisation_copy (const KvotaOrganisation *self)
{
  KvotaOrganisation *copy;

  if (self == NULL)
    return NULL;

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->bin = g_strdup (self->bin);
  copy->account = g_strdup (self->account);
  return copy;
}

JsonNode *
kvota_organisation_to_json (const KvotaOrganisation *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  add_nullable_string (builder, "bin", self->bin);
  json_builder_set_member_name (builder, "holder_type");
  json_builder_add_string_value (builder, kvota_holder_type_to_string (self->holder_type));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, kvota_user_state_to_string (self->state));
  add_nullable_string (builder, "account", self->account);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaOrganisation *
kvota_organisation_from_json (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(KvotaOrganisation) self = g_new0 (KvotaOrganisation, 1);
  JsonObject *object;

  if ((object = object_of (node, error)) == NULL ||
      !get_int (object, "id", &self->id, error) ||
      !get_string (object, "name", FALSE, &self->name, error) ||
      !get_string (object, "bin", TRUE, &self->bin, error) ||
      !get_string (object, "account", TRUE, &self->account, error))
    return NULL;

  GET_ENUM (object, "holder_type", kvota_holder_type, &self->holder_type, error);
  GET_ENUM (object, "state", kvota_user_state, &self->state, error);

  return g_steal_pointer (&self);
}

/* Users */

void
kvota_user_free (KvotaUser *self)
{
  if (self == NULL)
    return;

  g_free (self->username);
  g_free (self->full_name);
  kvota_organisation_free (self->organisation);
  g_free (self);
}

JsonNode *
kvota_user_to_json (const KvotaUser *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->organisation != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, self->username);
  json_builder_set_member_name (builder, "full_name");
  json_builder_add_string_value (builder, self->full_name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, kvota_role_to_string (self->role));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, kvota_user_state_to_string (self->state));
  json_builder_set_member_name (builder, "organisation");
  json_builder_add_value (builder, kvota_organisation_to_json (self->organisation));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaUser *
kvota_user_from_json (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(KvotaUser) self = g_new0 (KvotaUser, 1);
  JsonObject *object;

  if ((object = object_of (node, error)) == NULL ||
      !get_int (object, "id", &self->id, error) ||
      !get_string (object, "username", FALSE, &self->username, error) ||
      !get_string (object, "full_name", FALSE, &self->full_name, error))
    return NULL;

  GET_ENUM (object, "role", kvota_role, &self->role, error);
  GET_ENUM (object, "state", kvota_user_state, &self->state, error);

  self->organisation = kvota_organisation_from_json (json_object_get_member (object, "organisation"),
                                                     error);
  if (self->organisation == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

/* Sessions */

void
kvota_session_free (KvotaSession *self)
{
  if (self == NULL)
    return;

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_clear_pointer (&self->expires, g_date_time_unref);
  kvota_user_free (self->user);
  g_free (self);
}

JsonNode *
kvota_session_to_json (const KvotaSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, self->token);
  add_time (builder, "expires", self->expires);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, kvota_user_to_json (self->user));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaSession *
kvota_session_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(KvotaSession) self = g_new0 (KvotaSession, 1);
  JsonObject *object;

  if ((object = object_of (node, error)) == NULL ||
      !get_string (object, "token", FALSE, &self->token, error) ||
      !get_time (object, "expires", FALSE, &self->expires, error))
    return NULL;

  if ((self->user = kvota_user_from_json (json_object_get_member (object, "user"), error)) == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

/* Holdings */

JsonNode *
kvota_holding_to_json (const KvotaHolding *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "unit_type");
  json_builder_add_string_value (builder, kvota_unit_type_to_string (self->unit_type));
  json_builder_set_member_name (builder, "vintage");
  json_builder_add_int_value (builder, self->vintage);
  json_builder_set_member_name (builder, "available");
  json_builder_add_int_value (builder, self->available);
  json_builder_set_member_name (builder, "reserved");
  json_builder_add_int_value (builder, self->reserved);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, self->pending);
  json_builder_set_member_name (builder, "surrendered");
  json_builder_add_int_value (builder, self->surrendered);
  json_builder_set_member_name (builder, "cancelled");
  json_builder_add_int_value (builder, self->cancelled);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
kvota_holding_from_json (JsonNode      *node,
                         KvotaHolding  *holding,
                         GError       **error)
{
  g_autofree char *unit_type = NULL;
  JsonObject *object;
  gint64 vintage;

  g_return_val_if_fail (holding != NULL, FALSE);

  if ((object = object_of (node, error)) == NULL ||
      !get_string (object, "unit_type", FALSE, &unit_type, error) ||
      !get_int (object, "vintage", &vintage, error) ||
      !get_int (object, "available", &holding->available, error) ||
      !get_int (object, "reserved", &holding->reserved, error) ||
      !get_int (object, "pending", &holding->pending, error) ||
      !get_int (object, "surrendered", &holding->surrendered, error) ||
      !get_int (object, "cancelled", &holding->cancelled, error))
    return FALSE;

  if (!kvota_unit_type_from_string (unit_type, &holding->unit_type))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "unit_type");
      return FALSE;
    }

  holding->vintage = (int) CLAMP (vintage, 0, G_MAXINT);
  return TRUE;
}

/* Transactions */

static void
transaction_document_free (gpointer data)
{
  KvotaTransactionDocument *document = data;

  g_free (document->sha256);
  g_free (document->name);
  g_free (document);
}

KvotaTransaction *
kvota_transaction_new (void)
{
  KvotaTransaction *self = g_new0 (KvotaTransaction, 1);

  self->serials = g_array_new (FALSE, FALSE, sizeof (KvotaSerialRange));
  self->price = -1;
  self->documents = g_ptr_array_new_with_free_func (transaction_document_free);
  return self;
}

void
kvota_transaction_free (KvotaTransaction *self)
{
  if (self == NULL)
    return;

  g_free (self->from_account);
  g_free (self->to_account);
  g_free (self->proposed_by);
  g_free (self->decided_by);
  g_free (self->reason);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->decided, g_date_time_unref);
  g_clear_pointer (&self->serials, g_array_unref);
  g_free (self->deal_date);
  g_free (self->reference);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_free (self->approved_by);
  g_clear_pointer (&self->approved, g_date_time_unref);
  g_free (self);
}

JsonNode *
kvota_transaction_to_json (const KvotaTransaction *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kvota_transaction_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, kvota_transaction_state_to_string (self->state));
  json_builder_set_member_name (builder, "unit_type");
  json_builder_add_string_value (builder, kvota_unit_type_to_string (self->unit_type));
  json_builder_set_member_name (builder, "vintage");
  json_builder_add_int_value (builder, self->vintage);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, self->quantity);
  add_nullable_string (builder, "from_account", self->from_account);
  add_nullable_string (builder, "to_account", self->to_account);
  add_nullable_string (builder, "proposed_by", self->proposed_by);
  add_nullable_string (builder, "decided_by", self->decided_by);
  add_nullable_string (builder, "reason", self->reason);
  add_time (builder, "created", self->created);
  add_time (builder, "decided", self->decided);
  json_builder_set_member_name (builder, "serials");
  json_builder_begin_array (builder);
  for (guint i = 0; self->serials != NULL && i < self->serials->len; i++)
    {
      const KvotaSerialRange *range = &g_array_index (self->serials, KvotaSerialRange, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "first");
      json_builder_add_int_value (builder, range->first);
      json_builder_set_member_name (builder, "last");
      json_builder_add_int_value (builder, range->last);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "order_id");
  if (self->order_id > 0)
    json_builder_add_int_value (builder, self->order_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "price_tiyn");
  if (self->price >= 0)
    json_builder_add_int_value (builder, self->price);
  else
    json_builder_add_null_value (builder);
  add_nullable_string (builder, "deal_date", self->deal_date);
  add_nullable_string (builder, "reference", self->reference);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  for (guint i = 0; self->documents != NULL && i < self->documents->len; i++)
    {
      const KvotaTransactionDocument *document = g_ptr_array_index (self->documents, i);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "sha256", document->sha256);
      add_nullable_string (builder, "name", document->name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "nap_id");
  if (self->nap_id > 0)
    json_builder_add_int_value (builder, self->nap_id);
  else
    json_builder_add_null_value (builder);
  add_nullable_string (builder, "approved_by", self->approved_by);
  add_time (builder, "approved", self->approved);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaTransaction *
kvota_transaction_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(KvotaTransaction) self = kvota_transaction_new ();
  JsonObject *object;
  JsonNode *serials;
  gint64 vintage;

  if ((object = object_of (node, error)) == NULL ||
      !get_int (object, "id", &self->id, error) ||
      !get_int (object, "vintage", &vintage, error) ||
      !get_int (object, "quantity", &self->quantity, error) ||
      !get_string (object, "from_account", TRUE, &self->from_account, error) ||
      !get_string (object, "to_account", TRUE, &self->to_account, error) ||
      !get_string (object, "proposed_by", TRUE, &self->proposed_by, error) ||
      !get_string (object, "decided_by", TRUE, &self->decided_by, error) ||
      !get_string (object, "reason", TRUE, &self->reason, error) ||
      !get_time (object, "created", FALSE, &self->created, error) ||
      !get_time (object, "decided", TRUE, &self->decided, error))
    return NULL;

  GET_ENUM (object, "kind", kvota_transaction_kind, &self->kind, error);
  GET_ENUM (object, "state", kvota_transaction_state, &self->state, error);
  GET_ENUM (object, "unit_type", kvota_unit_type, &self->unit_type, error);
  self->vintage = (int) CLAMP (vintage, 0, G_MAXINT);

  serials = json_object_get_member (object, "serials");
  if (serials == NULL || !JSON_NODE_HOLDS_ARRAY (serials))
    {
      fail (error, "serials");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (serials)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (serials), i);
      KvotaSerialRange range;
      JsonObject *range_object;

      if ((range_object = object_of (element, error)) == NULL ||
          !get_int (range_object, "first", &range.first, error) ||
          !get_int (range_object, "last", &range.last, error))
        return NULL;

      g_array_append_val (self->serials, range);
    }

  /* Members of trades; older servers leave them out. */
  {
    JsonNode *member;

    if ((member = json_object_get_member (object, "order_id")) != NULL && !JSON_NODE_HOLDS_NULL (member) &&
        !get_int (object, "order_id", &self->order_id, error))
      return NULL;
    if ((member = json_object_get_member (object, "price_tiyn")) != NULL && !JSON_NODE_HOLDS_NULL (member) &&
        !get_int (object, "price_tiyn", &self->price, error))
      return NULL;
    if (json_object_has_member (object, "deal_date") &&
        !get_string (object, "deal_date", TRUE, &self->deal_date, error))
      return NULL;
    if (json_object_has_member (object, "reference") &&
        !get_string (object, "reference", TRUE, &self->reference, error))
      return NULL;
    if ((member = json_object_get_member (object, "documents")) != NULL)
      {
        if (!JSON_NODE_HOLDS_ARRAY (member))
          {
            fail (error, "documents");
            return NULL;
          }
        for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
          {
            JsonObject *document_object = object_of (json_array_get_element (json_node_get_array (member), i), error);
            KvotaTransactionDocument *document;

            if (document_object == NULL)
              return NULL;
            document = g_new0 (KvotaTransactionDocument, 1);
            g_ptr_array_add (self->documents, document);
            if (!get_string (document_object, "sha256", FALSE, &document->sha256, error) ||
                !get_string (document_object, "name", FALSE, &document->name, error))
              return NULL;
          }
      }
    if ((member = json_object_get_member (object, "nap_id")) != NULL && !JSON_NODE_HOLDS_NULL (member) &&
        !get_int (object, "nap_id", &self->nap_id, error))
      return NULL;
    if (json_object_has_member (object, "approved_by") &&
        (!get_string (object, "approved_by", TRUE, &self->approved_by, error) ||
         !get_time (object, "approved", TRUE, &self->approved, error)))
      return NULL;
  }

  return g_steal_pointer (&self);
}

/* Registration keys */

void
kvota_registration_key_free (KvotaRegistrationKey *self)
{
  if (self == NULL)
    return;

  if (self->code != NULL)
    memset (self->code, 0, strlen (self->code));
  g_free (self->code);
  g_free (self->hint);
  g_free (self->bin);
  g_free (self->created_by);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_free (self);
}

JsonNode *
kvota_registration_key_to_json (const KvotaRegistrationKey *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  if (self->code != NULL)
    {
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, self->code);
    }
  json_builder_set_member_name (builder, "hint");
  json_builder_add_string_value (builder, self->hint);
  add_nullable_string (builder, "bin", self->bin);
  add_nullable_string (builder, "holder_type",
                       self->has_holder_type ? kvota_holder_type_to_string (self->holder_type) : NULL);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, kvota_key_state_to_string (self->state));
  add_nullable_string (builder, "created_by", self->created_by);
  add_time (builder, "created", self->created);
  add_time (builder, "expires", self->expires);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaRegistrationKey *
kvota_registration_key_from_json (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(KvotaRegistrationKey) self = g_new0 (KvotaRegistrationKey, 1);
  g_autofree char *holder_type = NULL;
  JsonObject *object;

  if ((object = object_of (node, error)) == NULL ||
      !get_int (object, "id", &self->id, error) ||
      !get_string (object, "hint", FALSE, &self->hint, error) ||
      !get_string (object, "bin", TRUE, &self->bin, error) ||
      !get_string (object, "holder_type", TRUE, &holder_type, error) ||
      !get_string (object, "created_by", TRUE, &self->created_by, error) ||
      !get_time (object, "created", FALSE, &self->created, error) ||
      !get_time (object, "expires", FALSE, &self->expires, error))
    return NULL;

  if (json_object_has_member (object, "code") &&
      !get_string (object, "code", FALSE, &self->code, error))
    return NULL;

  if (holder_type != NULL)
    {
      if (!kvota_holder_type_from_string (holder_type, &self->holder_type))
        {
          kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "holder_type");
          return NULL;
        }
      self->has_holder_type = TRUE;
    }

  GET_ENUM (object, "state", kvota_key_state, &self->state, error);

  return g_steal_pointer (&self);
}

/* Applications for registration */

void
kvota_application_free (KvotaApplication *self)
{
  if (self == NULL)
    return;

  g_free (self->name_kk);
  g_free (self->name_ru);
  g_free (self->bin);
  g_free (self->address);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->representative_name);
  g_free (self->representative_position);
  g_free (self->username);
  g_free (self->document_sha256);
  g_free (self->document_name);
  g_free (self->document_type);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->decided_by);
  g_clear_pointer (&self->decided, g_date_time_unref);
  g_free (self->reason);
  g_free (self);
}

JsonNode *
kvota_application_to_json (const KvotaApplication *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, kvota_application_state_to_string (self->state));
  add_nullable_string (builder, "name_kk", self->name_kk);
  add_nullable_string (builder, "name_ru", self->name_ru);
  add_nullable_string (builder, "bin", self->bin);
  json_builder_set_member_name (builder, "holder_type");
  json_builder_add_string_value (builder, kvota_holder_type_to_string (self->holder_type));
  add_nullable_string (builder, "address", self->address);
  add_nullable_string (builder, "phone", self->phone);
  add_nullable_string (builder, "email", self->email);
  json_builder_set_member_name (builder, "representative");
  json_builder_begin_object (builder);
  add_nullable_string (builder, "full_name", self->representative_name);
  add_nullable_string (builder, "position", self->representative_position);
  json_builder_end_object (builder);
  add_nullable_string (builder, "username", self->username);
  json_builder_set_member_name (builder, "document");
  json_builder_begin_object (builder);
  add_nullable_string (builder, "sha256", self->document_sha256);
  add_nullable_string (builder, "name", self->document_name);
  add_nullable_string (builder, "content_type", self->document_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->document_size);
  json_builder_end_object (builder);
  add_time (builder, "created", self->created);
  add_nullable_string (builder, "decided_by", self->decided_by);
  add_time (builder, "decided", self->decided);
  add_nullable_string (builder, "reason", self->reason);
  json_builder_set_member_name (builder, "organisation_id");
  if (self->organisation_id > 0)
    json_builder_add_int_value (builder, self->organisation_id);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaApplication *
kvota_application_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(KvotaApplication) self = g_new0 (KvotaApplication, 1);
  JsonObject *object;
  JsonObject *representative;
  JsonObject *document;
  JsonNode *organisation_id;

  if ((object = object_of (node, error)) == NULL ||
      !get_int (object, "id", &self->id, error) ||
      !get_string (object, "name_kk", TRUE, &self->name_kk, error) ||
      !get_string (object, "name_ru", TRUE, &self->name_ru, error) ||
      !get_string (object, "bin", TRUE, &self->bin, error) ||
      !get_string (object, "address", TRUE, &self->address, error) ||
      !get_string (object, "phone", TRUE, &self->phone, error) ||
      !get_string (object, "email", TRUE, &self->email, error) ||
      !get_string (object, "username", TRUE, &self->username, error) ||
      !get_time (object, "created", FALSE, &self->created, error) ||
      !get_string (object, "decided_by", TRUE, &self->decided_by, error) ||
      !get_time (object, "decided", TRUE, &self->decided, error) ||
      !get_string (object, "reason", TRUE, &self->reason, error) ||
      (representative = object_of (json_object_get_member (object, "representative"), error)) == NULL ||
      !get_string (representative, "full_name", TRUE, &self->representative_name, error) ||
      !get_string (representative, "position", TRUE, &self->representative_position, error) ||
      (document = object_of (json_object_get_member (object, "document"), error)) == NULL ||
      !get_string (document, "sha256", TRUE, &self->document_sha256, error) ||
      !get_string (document, "name", TRUE, &self->document_name, error) ||
      !get_string (document, "content_type", TRUE, &self->document_type, error) ||
      !get_int (document, "size", &self->document_size, error))
    return NULL;

  organisation_id = json_object_get_member (object, "organisation_id");
  if (organisation_id != NULL && !JSON_NODE_HOLDS_NULL (organisation_id) &&
      !get_int (object, "organisation_id", &self->organisation_id, error))
    return NULL;

  GET_ENUM (object, "state", kvota_application_state, &self->state, error);
  GET_ENUM (object, "holder_type", kvota_holder_type, &self->holder_type, error);

  return g_steal_pointer (&self);
}

/* Mandates */

void
kvota_mandate_free (KvotaMandate *self)
{
  if (self == NULL)
    return;

  g_free (self->organisation_name);
  g_free (self->account);
  g_free (self->intermediary_name);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->ended, g_date_time_unref);
  g_free (self);
}

JsonNode *
kvota_mandate_to_json (const KvotaMandate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, self->organisation_id);
  add_nullable_string (builder, "organisation", self->organisation_name);
  add_nullable_string (builder, "account", self->account);
  json_builder_set_member_name (builder, "intermediary_id");
  json_builder_add_int_value (builder, self->intermediary_id);
  add_nullable_string (builder, "intermediary", self->intermediary_name);
  add_time (builder, "started", self->started);
  add_time (builder, "ended", self->ended);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

KvotaMandate *
kvota_mandate_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(KvotaMandate) self = g_new0 (KvotaMandate, 1);
  JsonObject *object;

  if ((object = object_of (node, error)) == NULL ||
      !get_int (object, "id", &self->id, error) ||
      !get_int (object, "organisation_id", &self->organisation_id, error) ||
      !get_string (object, "organisation", TRUE, &self->organisation_name, error) ||
      !get_string (object, "account", TRUE, &self->account, error) ||
      !get_int (object, "intermediary_id", &self->intermediary_id, error) ||
      !get_string (object, "intermediary", TRUE, &self->intermediary_name, error) ||
      !get_time (object, "started", FALSE, &self->started, error) ||
      !get_time (object, "ended", TRUE, &self->ended, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Sale orders */

void
kvota_sale_order_free (KvotaSaleOrder *self)
{
  if (self == NULL)
    return;

  g_free (self->account);
  g_free (self->organisation_name);
  g_free (self->state);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self);
}

JsonNode *
kvota_sale_order_to_json (const KvotaSaleOrder *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, self->id);
  add_nullable_string (builder, "account", self->account);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, self->organisation_id);
  add_nullable_string (builder, "organisation", self->organisation_name);
  json_builder_set_member_name (builder, "intermediary_id");
  json_builder_add_int_value (builder, self->intermediary_id);
  json_builder_set_member_name (builder, "unit_type");
  json_builder_add_string_value (builder, kvota_unit_type_to_string (self->unit_type));
  json_builder_set_member_name (builder, "vintage");
  json_builder_add_int_value (builder, self->vintage);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, self->quantity);
  json_builder_set_member_name (builder, "reserved");
  json_builder_add_int_value (builder, self->reserved);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, self->pending);
  json_builder_set_member_name (builder, "min_price_tiyn");
  if (self->min_price >= 0)
    json_builder_add_int_value (builder, self->min_price);
  else
    json_builder_add_null_value (builder);
  add_nullable_string (builder, "state", self->state);
  add_time (builder, "created", self->created);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
