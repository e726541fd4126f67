/* kvota-server-compliance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include "kvota-error.h"
#include "kvota-server-private.h"

/* Compliance: verified emissions, where each nature user stands, the
 * surrenders against emissions and voluntary cancellations. */

/* POST /api/v1/emissions */

typedef struct
{
  gint64  organisation_id;
  char   *installation;
  gint64  year;
  gint64  tonnes;
} EmissionsBody;

static const KvotaField emissions_fields[] = {
  { "organisation_id", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (EmissionsBody, organisation_id), -1 },
  { "installation", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (EmissionsBody, installation), -1 },
  { "year", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (EmissionsBody, year), -1 },
  { "tonnes", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (EmissionsBody, tonnes), -1 },
};

void
_kvota_record_emissions_cb (KvotaServer  *self,
                            KvotaRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) record = NULL;
  EmissionsBody body = { 0, };

  if (_kvota_request_read_body (request, emissions_fields, G_N_ELEMENTS (emissions_fields), &body, FALSE, &error))
    {
      if (body.year < KVOTA_VINTAGE_MIN || body.year > KVOTA_VINTAGE_MAX)
        kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "year");
      else
        record = kvota_store_record_emissions (self->store, _kvota_request_actor (request), body.organisation_id,
                                               body.installation, (int) body.year, body.tonnes, &error);
    }

  kvota_json_clear_strings (emissions_fields, G_N_ELEMENTS (emissions_fields), &body);
  if (record == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  {
    g_autoptr(JsonNode) node = _kvota_object_node ("emissions", g_steal_pointer (&record));

    _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
  }
}

/* GET /api/v1/compliance */

void
_kvota_list_compliance_cb (KvotaServer  *self,
                           KvotaRequest *request)
{
  static const char * const allowed[] = { "year", NULL };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const KvotaPrincipal *principal = request->principal;
  gint64 year = 0;
  JsonArray *array;

  if (!_kvota_request_check_query (request, allowed, &error) ||
      !_kvota_request_query_int (request, "year", KVOTA_VINTAGE_MIN, KVOTA_VINTAGE_MAX, &year, &error))
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  if (year == 0)
    {
      _kvota_request_reply_code (request, KVOTA_ERROR_MISSING_FIELD, "year");
      return;
    }

  /* Holders see their own standing only. */
  if ((list = kvota_store_list_compliance (self->store, (int) year,
                                           _kvota_principal_is_oversight (principal) ? 0 : principal->organisation_id,
                                           &error)) == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  array = json_array_sized_new (list->len);
  for (guint i = 0; i < list->len; i++)
    json_array_add_element (array, kvota_compliance_to_json (g_ptr_array_index (list, i)));

  node = _kvota_object_node ("compliance", json_node_init_array (json_node_alloc (), array));
  json_array_unref (array);
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
}

/* POST /api/v1/surrenders and POST /api/v1/cancellations */

typedef struct
{
  char   *account;
  gint64  year;
  char   *unit_type;
  gint64  vintage;
  gint64  quantity;
} RetireBody;

static const KvotaField surrender_fields[] = {
  { "account", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (RetireBody, account), -1 },
  { "year", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (RetireBody, year), -1 },
  { "unit_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (RetireBody, unit_type), -1 },
  { "vintage", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (RetireBody, vintage), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (RetireBody, quantity), -1 },
};

static const KvotaField cancellation_fields[] = {
  { "account", KVOTA_FIELD_STRING, FALSE, G_STRUCT_OFFSET (RetireBody, account), -1 },
  { "unit_type", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (RetireBody, unit_type), -1 },
  { "vintage", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (RetireBody, vintage), -1 },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (RetireBody, quantity), -1 },
};

static void
retire (KvotaServer          *self,
        KvotaRequest         *request,
        KvotaTransactionKind  kind)
{
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;
  gboolean surrender = kind == KVOTA_TRANSACTION_KIND_SURRENDER;
  const KvotaField *fields = surrender ? surrender_fields : cancellation_fields;
  guint n_fields = surrender ? G_N_ELEMENTS (surrender_fields) : G_N_ELEMENTS (cancellation_fields);
  const char *own = request->principal->account;
  RetireBody body = { NULL, };
  KvotaUnitType unit_type;

  if (!_kvota_request_read_body (request, fields, n_fields, &body, FALSE, &error))
    goto out;

  if (surrender && (body.year < KVOTA_VINTAGE_MIN || body.year > KVOTA_VINTAGE_MAX))
    kvota_set_error (&error, KVOTA_ERROR_INVALID_VALUE, "year");
  else if (!_kvota_request_check_units (body.unit_type, body.vintage, body.quantity, &unit_type, &error))
    goto out;
  /* A holder retires units of its own account only. */
  else if (own == NULL || (body.account != NULL && g_strcmp0 (body.account, own) != 0))
    kvota_set_error (&error, KVOTA_ERROR_FORBIDDEN, "account");
  else if (surrender)
    transaction = kvota_store_surrender (self->store, _kvota_request_actor (request), own, (int) body.year,
                                         unit_type, (int) body.vintage, body.quantity, &error);
  else
    transaction = kvota_store_retire (self->store, _kvota_request_actor (request),
                                      KVOTA_TRANSACTION_KIND_CANCELLATION, own, unit_type,
                                      (int) body.vintage, body.quantity, &error);

out:
  kvota_json_clear_strings (fields, n_fields, &body);
  if (transaction == NULL)
    {
      _kvota_request_reply_error (request, error);
      return;
    }

  {
    g_autoptr(JsonNode) node = _kvota_object_node ("transaction", kvota_transaction_to_json (transaction));

    _kvota_request_reply_json (request, SOUP_STATUS_CREATED, node);
  }
}

void
_kvota_surrender_cb (KvotaServer  *self,
                     KvotaRequest *request)
{
  retire (self, request, KVOTA_TRANSACTION_KIND_SURRENDER);
}

void
_kvota_cancel_units_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  retire (self, request, KVOTA_TRANSACTION_KIND_CANCELLATION);
}
