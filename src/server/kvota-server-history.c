/* kvota-server-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include "kvota-csv.h"
#include "kvota-error.h"
#include "kvota-server-private.h"

/* Reading the past: the history of transactions, an account's statement
 * and the life of one unit. The store does the reading; these handlers
 * check the query and decide what the caller may see. */

#define HISTORY_DEFAULT_LIMIT 100
#define HISTORY_MAX_LIMIT 500

static const char *
query_text (KvotaRequest *request,
            const char   *name)
{
  return request->query != NULL ? g_hash_table_lookup (request->query, name) : NULL;
}

/* A date YYYY-MM-DD that exists in the calendar. */
static gboolean
date_is_valid (const char *text)
{
  guint64 year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }

  year = g_ascii_strtoull (text, NULL, 10);
  month = g_ascii_strtoull (text + 5, NULL, 10);
  day = g_ascii_strtoull (text + 8, NULL, 10);

  return year >= 1 && month >= 1 && month <= 12 && day >= 1 &&
         g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

static gboolean
query_date (KvotaRequest  *request,
            const char    *name,
            const char   **value,
            GError       **error)
{
  const char *text = query_text (request, name);

  if (text != NULL && !date_is_valid (text))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, name);
      return FALSE;
    }

  *value = text;
  return TRUE;
}

/* Reads the filters of GET /api/v1/transactions from the query. */
static gboolean
read_filter (KvotaRequest           *request,
             KvotaTransactionFilter *filter,
             GError                **error)
{
  static const char * const allowed[] = {
    "after", "limit", "kind", "state", "unit_type", "account", "from", "to",
    "min_quantity", "max_quantity", NULL
  };
  gint64 limit = HISTORY_DEFAULT_LIMIT;
  const char *text;

  if (!_kvota_request_check_query (request, allowed, error) ||
      !_kvota_request_query_int (request, "after", 0, G_MAXINT64, &filter->after, error) ||
      !_kvota_request_query_int (request, "limit", 1, HISTORY_MAX_LIMIT, &limit, error) ||
      !_kvota_request_query_int (request, "min_quantity", 1, G_MAXINT64, &filter->min_quantity, error) ||
      !_kvota_request_query_int (request, "max_quantity", 1, G_MAXINT64, &filter->max_quantity, error) ||
      !query_date (request, "from", &filter->from_date, error) ||
      !query_date (request, "to", &filter->to_date, error))
    return FALSE;

  filter->limit = (guint) limit;

  if ((text = query_text (request, "kind")) != NULL &&
      !(filter->has_kind = kvota_transaction_kind_from_string (text, &filter->kind)))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "kind");
      return FALSE;
    }

  if ((text = query_text (request, "state")) != NULL &&
      !(filter->has_state = kvota_transaction_state_from_string (text, &filter->state)))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "state");
      return FALSE;
    }

  if ((text = query_text (request, "unit_type")) != NULL &&
      !(filter->has_unit_type = kvota_unit_type_from_string (text, &filter->unit_type)))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "unit_type");
      return FALSE;
    }

  if ((text = query_text (request, "account")) != NULL)
    {
      if (text[0] == '\0')
        {
          kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "account");
          return FALSE;
        }
      filter->account = text;
    }

  return TRUE;
}

static JsonNode *
transactions_node (GPtrArray *transactions)
{
  JsonArray *array = json_array_sized_new (transactions->len);
  JsonNode *node;

  for (guint i = 0; i < transactions->len; i++)
    json_array_add_element (array, kvota_transaction_to_json (g_ptr_array_index (transactions, i)));

  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return node;
}

/* GET /api/v1/transactions */

void
_kvota_list_transactions_cb (KvotaServer  *self,
                             KvotaRequest *request)
{
  g_autoptr(GPtrArray) transactions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const KvotaPrincipal *principal = request->principal;
  KvotaTransactionFilter filter = { 0, };
  gint64 next = 0;

  if (!read_filter (request, &filter, &error))
    goto failed;

  /* Holders see the transactions of their own account; brokers and
   * traders the sales they proposed. Others' accounts look missing. */
  if (!_kvota_principal_is_oversight (principal))
    {
      if (principal->account != NULL)
        {
          if (filter.account != NULL && strcmp (filter.account, principal->account) != 0)
            {
              kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, "account");
              goto failed;
            }
          filter.account = principal->account;
        }
      else
        filter.intermediary_id = principal->organisation_id;
    }

  if ((transactions = kvota_store_list_transactions (self->store, &filter, &next, &error)) == NULL)
    goto failed;

  node = _kvota_object_node ("transactions", transactions_node (transactions));
  if (next > 0)
    json_object_set_int_member (json_node_get_object (node), "next", next);
  else
    json_object_set_null_member (json_node_get_object (node), "next");
  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
  return;

failed:
  _kvota_request_reply_error (request, error);
}

/* GET /api/v1/accounts/{account}/statement */

static void
append_statement_line (GString                *csv,
                       const char             *account,
                       const KvotaTransaction *transaction)
{
  GDateTime *when = transaction->decided != NULL ? transaction->decided : transaction->created;
  g_autofree char *date = g_date_time_format (when, "%Y-%m-%d");
  gboolean incoming = g_strcmp0 (transaction->to_account, account) == 0;
  const char *counterparty = incoming ? transaction->from_account : transaction->to_account;

  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%s,%s,", transaction->id, date,
                          kvota_transaction_kind_to_string (transaction->kind));
  kvota_csv_append_field (csv, counterparty);
  g_string_append_printf (csv, ",%s,%d,", kvota_unit_type_to_string (transaction->unit_type),
                          transaction->vintage);
  if (incoming)
    g_string_append_printf (csv, "%" G_GINT64_FORMAT ",,", transaction->quantity);
  else
    g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",", transaction->quantity);
  if (transaction->price >= 0)
    g_string_append_printf (csv, "%" G_GINT64_FORMAT, transaction->price);
  g_string_append_c (csv, ',');
  kvota_csv_append_field (csv, transaction->reference);
  g_string_append_c (csv, '\n');
}

void
_kvota_account_statement_cb (KvotaServer  *self,
                             KvotaRequest *request)
{
  static const char * const allowed[] = { "year", NULL };
  g_autoptr(GPtrArray) transactions = NULL;
  g_autoptr(GError) error = NULL;
  const char *account = request->params[0];
  GString *csv;
  gint64 year = 0;
  gsize length;

  if (!_kvota_request_check_query (request, allowed, &error) ||
      !_kvota_request_query_int (request, "year", 1, 9999, &year, &error))
    goto failed;

  /* As GET /api/v1/accounts/{account}: others' accounts look missing. */
  if (!_kvota_principal_is_oversight (request->principal) &&
      g_strcmp0 (request->principal->account, account) != 0)
    {
      kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, "account");
      goto failed;
    }

  if ((transactions = kvota_store_account_statement (self->store, account, (int) year, &error)) == NULL)
    goto failed;

  csv = g_string_new ("id,date,kind,counterparty,unit_type,vintage,quantity_in,quantity_out,price_tiyn,reference\n");
  for (guint i = 0; i < transactions->len; i++)
    append_statement_line (csv, account, g_ptr_array_index (transactions, i));

  length = csv->len;
  soup_server_message_set_status (request->message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->message, "text/csv; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (csv, FALSE), length);
  return;

failed:
  _kvota_request_reply_error (request, error);
}

/* GET /api/v1/units/{unit_type}/{vintage}/{serial} */

void
_kvota_unit_history_cb (KvotaServer  *self,
                        KvotaRequest *request)
{
  g_autoptr(GPtrArray) transactions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *holder = NULL;
  KvotaBlockState state;
  KvotaUnitType unit_type;
  gint64 vintage;
  gint64 serial;
  JsonObject *object;

  if (!_kvota_request_check_query (request, NULL, &error))
    goto failed;

  /* A unit that cannot exist is as missing as one never issued. */
  if (!kvota_unit_type_from_string (request->params[0], &unit_type) ||
      !g_ascii_string_to_signed (request->params[1], 10, KVOTA_VINTAGE_MIN, KVOTA_VINTAGE_MAX, &vintage, NULL) ||
      !g_ascii_string_to_signed (request->params[2], 10, 1, G_MAXINT64, &serial, NULL))
    {
      kvota_set_error (&error, KVOTA_ERROR_NOT_FOUND, NULL);
      goto failed;
    }

  if ((transactions = kvota_store_get_unit_history (self->store, unit_type, (int) vintage, serial,
                                                    &holder, &state, &error)) == NULL)
    goto failed;

  node = _kvota_object_node ("transactions", transactions_node (transactions));
  object = json_node_get_object (node);
  json_object_set_string_member (object, "unit_type", kvota_unit_type_to_string (unit_type));
  json_object_set_int_member (object, "vintage", vintage);
  json_object_set_int_member (object, "serial", serial);
  if (holder != NULL)
    json_object_set_string_member (object, "holder", holder);
  else
    json_object_set_null_member (object, "holder");
  json_object_set_string_member (object, "state", kvota_block_state_to_string (state));

  /* The plans that issued (or withdrew) it, without their lines. */
  {
    JsonArray *naps = json_array_new ();

    for (guint i = 0; i < transactions->len; i++)
      {
        const KvotaTransaction *transaction = g_ptr_array_index (transactions, i);
        g_autoptr(KvotaNapRecord) record = NULL;
        gboolean seen = FALSE;

        for (guint j = 0; j < i; j++)
          seen |= ((const KvotaTransaction *) g_ptr_array_index (transactions, j))->nap_id == transaction->nap_id;

        if (transaction->nap_id <= 0 || seen)
          continue;
        if ((record = kvota_store_get_nap (self->store, transaction->nap_id, &error)) == NULL)
          {
            json_array_unref (naps);
            goto failed;
          }
        json_array_add_element (naps, kvota_nap_record_to_json (record, FALSE));
      }
    json_object_set_array_member (object, "naps", naps);
  }

  _kvota_request_reply_json (request, SOUP_STATUS_OK, node);
  return;

failed:
  _kvota_request_reply_error (request, error);
}
