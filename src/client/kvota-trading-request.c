/* kvota-trading-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-request"

#include "config.h"

#include "kvota-records.h"
#include "kvota-trading-request.h"

/* A buy request, as an item of a GListModel: a nature user asks its
 * intermediary to buy units for it. Nothing is reserved by it. */

struct _KvotaTradingRequest
{
  GObject        parent_instance;

  gint64         id;
  char          *organisation;
  KvotaUnitType  unit_type;
  int            vintage;
  gint64         quantity;
  gint64         max_price;      /* in tiyn, or -1 */
  gboolean       open;
  GDateTime     *created;
};

G_DEFINE_FINAL_TYPE (KvotaTradingRequest, kvota_trading_request, G_TYPE_OBJECT)

static void
kvota_trading_request_finalize (GObject *object)
{
  KvotaTradingRequest *self = (KvotaTradingRequest *)object;

  g_clear_pointer (&self->organisation, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (kvota_trading_request_parent_class)->finalize (object);
}

static void
kvota_trading_request_class_init (KvotaTradingRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_trading_request_finalize;
}

static void
kvota_trading_request_init (KvotaTradingRequest *self)
{
  self->max_price = -1;
}

/**
 * kvota_trading_request_new_from_json:
 * @node: a buy request as `GET /api/v1/buy-requests` lists it
 * @error: where to put the error
 *
 * Returns: (transfer full) (nullable): the request
 */
KvotaTradingRequest *
kvota_trading_request_new_from_json (JsonNode  *node,
                                     GError   **error)
{
  g_autoptr(KvotaTradingRequest) self = g_object_new (KVOTA_TYPE_TRADING_REQUEST, NULL);
  g_autoptr(JsonReader) reader = NULL;
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;

  reader = json_reader_new (node);

  json_reader_read_member (reader, "id");
  self->id = json_reader_get_int_value (reader);
  json_reader_end_member (reader);

  json_reader_read_member (reader, "organisation");
  if (json_reader_get_value (reader) != NULL && !json_reader_get_null_value (reader))
    self->organisation = g_strdup (json_reader_get_string_value (reader));
  json_reader_end_member (reader);

  json_reader_read_member (reader, "unit_type");
  text = json_reader_get_string_value (reader);
  if (text == NULL || !kvota_unit_type_from_string (text, &self->unit_type))
    {
      json_reader_end_member (reader);
      goto invalid;
    }
  json_reader_end_member (reader);

  json_reader_read_member (reader, "vintage");
  self->vintage = (int) json_reader_get_int_value (reader);
  json_reader_end_member (reader);

  json_reader_read_member (reader, "quantity");
  self->quantity = json_reader_get_int_value (reader);
  json_reader_end_member (reader);

  json_reader_read_member (reader, "max_price_tiyn");
  if (json_reader_get_value (reader) != NULL && !json_reader_get_null_value (reader))
    self->max_price = json_reader_get_int_value (reader);
  json_reader_end_member (reader);

  json_reader_read_member (reader, "state");
  self->open = g_strcmp0 (json_reader_get_string_value (reader), "open") == 0;
  json_reader_end_member (reader);

  json_reader_read_member (reader, "created");
  if ((text = json_reader_get_string_value (reader)) != NULL)
    self->created = kvota_timestamp_parse (text);
  json_reader_end_member (reader);

  if (json_reader_get_error (reader) != NULL || self->id <= 0 || self->quantity <= 0)
    goto invalid;

  return g_steal_pointer (&self);

invalid:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "Not a buy request");
  return NULL;
}

gint64
kvota_trading_request_get_id (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), 0);
  return self->id;
}

const char *
kvota_trading_request_get_organisation (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), NULL);
  return self->organisation;
}

KvotaUnitType
kvota_trading_request_get_unit_type (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), 0);
  return self->unit_type;
}

int
kvota_trading_request_get_vintage (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), 0);
  return self->vintage;
}

gint64
kvota_trading_request_get_quantity (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), 0);
  return self->quantity;
}

gint64
kvota_trading_request_get_max_price (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), -1);
  return self->max_price;
}

/**
 * kvota_trading_request_get_created:
 *
 * Returns: (transfer none) (nullable): when the request was made
 */
GDateTime *
kvota_trading_request_get_created (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), NULL);
  return self->created;
}

gboolean
kvota_trading_request_is_open (KvotaTradingRequest *self)
{
  g_return_val_if_fail (KVOTA_IS_TRADING_REQUEST (self), FALSE);
  return self->open;
}
