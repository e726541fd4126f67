/* kvota-store-compliance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-store-private.h"

/* Compliance. The administrator records each installation's verified
 * emissions of a year; a nature user surrenders quotas against the sum of
 * its installations' emissions of that year, and the surrender carries the
 * compliance year. A nature user is compliant for a year when it has
 * surrendered at least what it emitted. */

/**
 * kvota_compliance_free:
 * @compliance: (transfer full): a #KvotaCompliance
 */
void
kvota_compliance_free (KvotaCompliance *compliance)
{
  if (compliance == NULL)
    return;

  g_free (compliance->organisation);
  g_free (compliance->account);
  g_free (compliance);
}

static const char *
compliance_status (const KvotaCompliance *compliance)
{
  if (!compliance->has_emissions)
    return "no-emissions";

  return compliance->surrendered >= compliance->emitted ? "compliant" : "short";
}

/**
 * kvota_compliance_to_json:
 * @compliance: a #KvotaCompliance
 *
 * Returns: (transfer full): @compliance as the API shows it
 */
JsonNode *
kvota_compliance_to_json (const KvotaCompliance *compliance)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (compliance != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, compliance->organisation_id);
  json_builder_set_member_name (builder, "organisation");
  json_builder_add_string_value (builder, compliance->organisation);
  json_builder_set_member_name (builder, "account");
  if (compliance->account != NULL)
    json_builder_add_string_value (builder, compliance->account);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "year");
  json_builder_add_int_value (builder, compliance->year);
  json_builder_set_member_name (builder, "emitted");
  json_builder_add_int_value (builder, compliance->emitted);
  json_builder_set_member_name (builder, "surrendered");
  json_builder_add_int_value (builder, compliance->surrendered);
  json_builder_set_member_name (builder, "due");
  json_builder_add_int_value (builder, MAX (compliance->emitted - compliance->surrendered, 0));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, compliance_status (compliance));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
check_year (int          year,
            GError     **error)
{
  if (year < KVOTA_VINTAGE_MIN || year > KVOTA_VINTAGE_MAX)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "year");
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
emissions_to_json (gint64         organisation_id,
                   const char    *installation,
                   int            year,
                   KvotaQuantity  tonnes,
                   const char    *recorded_by,
                   const char    *recorded)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, organisation_id);
  json_builder_set_member_name (builder, "installation");
  json_builder_add_string_value (builder, installation);
  json_builder_set_member_name (builder, "year");
  json_builder_add_int_value (builder, year);
  json_builder_set_member_name (builder, "tonnes");
  json_builder_add_int_value (builder, tonnes);
  json_builder_set_member_name (builder, "recorded_by");
  json_builder_add_string_value (builder, recorded_by);
  json_builder_set_member_name (builder, "recorded");
  json_builder_add_string_value (builder, recorded);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * kvota_store_record_emissions:
 * @self: a #KvotaStore
 * @actor: who records
 * @organisation_id: a nature user
 * @installation: the installation's name, as in the NAP
 * @year: the year the emissions were verified for
 * @tonnes: the verified emissions in tonnes of CO2-equivalent
 * @error: return location for a #GError, or %NULL
 *
 * Records an installation's verified emissions of a year. A later record
 * for the same nature user, installation and year replaces the figure; the
 * audit entry keeps the one it replaced.
 *
 * Returns: (transfer full) (nullable): the record as the API shows it
 */
JsonNode *
kvota_store_record_emissions (KvotaStore    *self,
                              const char    *actor,
                              gint64         organisation_id,
                              const char    *installation,
                              int            year,
                              KvotaQuantity  tonnes,
                              GError       **error)
{
  g_autoptr(KvotaOrganisation) organisation = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *now = _kvota_store_now ();
  g_autofree char *object = g_strdup_printf ("organisation/%" G_GINT64_FORMAT, organisation_id);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!_kvota_store_check_name (installation, "installation", error) || !check_year (year, error))
    return NULL;

  if (tonnes < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "tonnes");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  organisation = kvota_store_get_organisation (self, organisation_id, NULL);
  if (organisation == NULL || organisation->holder_type != KVOTA_HOLDER_TYPE_NATURE_USER)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, "organisation_id");
      goto failed;
    }

  {
    g_autoptr(sqlite3_stmt) select =
      _kvota_store_prepare (self, "SELECT tonnes, recorded_by, recorded FROM verified_emissions "
                                  "WHERE organisation_id = ? AND installation = ? AND year = ?", error);

    if (select == NULL)
      goto failed;
    sqlite3_bind_int64 (select, 1, organisation_id);
    sqlite3_bind_text (select, 2, installation, -1, SQLITE_STATIC);
    sqlite3_bind_int (select, 3, year);
    if ((rc = sqlite3_step (select)) == SQLITE_ROW)
      before = emissions_to_json (organisation_id, installation, year,
                                  sqlite3_column_int64 (select, 0),
                                  (const char *) sqlite3_column_text (select, 1),
                                  (const char *) sqlite3_column_text (select, 2));
    else if (rc != SQLITE_DONE)
      {
        _kvota_store_storage_error (self, error);
        goto failed;
      }
  }

  {
    g_autoptr(sqlite3_stmt) upsert =
      _kvota_store_prepare (self, "INSERT INTO verified_emissions (organisation_id, installation, year, tonnes, "
                                  "recorded_by, recorded) VALUES (?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (organisation_id, installation, year) DO UPDATE SET "
                                  "tonnes = excluded.tonnes, recorded_by = excluded.recorded_by, "
                                  "recorded = excluded.recorded", error);

    if (upsert == NULL)
      goto failed;
    sqlite3_bind_int64 (upsert, 1, organisation_id);
    sqlite3_bind_text (upsert, 2, installation, -1, SQLITE_STATIC);
    sqlite3_bind_int (upsert, 3, year);
    sqlite3_bind_int64 (upsert, 4, tonnes);
    sqlite3_bind_text (upsert, 5, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text (upsert, 6, now, -1, SQLITE_STATIC);
    if (!_kvota_store_step_done (self, upsert, error))
      goto failed;
  }

  after = emissions_to_json (organisation_id, installation, year, tonnes, actor, now);
  if (!_kvota_store_audit (self, actor, "emissions.record", object, before, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return g_steal_pointer (&after);

failed:
  _kvota_store_rollback (self);
  return NULL;
}

#define COMPLIANCE_SELECT \
  "SELECT o.id, o.name, a.number, " \
  "  (SELECT count(*) FROM verified_emissions e WHERE e.organisation_id = o.id AND e.year = ?1), " \
  "  (SELECT coalesce (sum (e.tonnes), 0) FROM verified_emissions e " \
  "     WHERE e.organisation_id = o.id AND e.year = ?1), " \
  "  (SELECT coalesce (sum (t.quantity), 0) FROM transactions t " \
  "     WHERE t.from_account = a.id AND t.kind = 'surrender' AND t.state = 'completed' " \
  "       AND t.compliance_year = ?1) " \
  "FROM organisations o LEFT JOIN accounts a ON a.organisation_id = o.id " \
  "WHERE o.holder_type = 'nature-user' AND (?2 = 0 OR o.id = ?2) ORDER BY o.id"

/**
 * kvota_store_list_compliance:
 * @self: a #KvotaStore
 * @year: the compliance year
 * @organisation_id: one nature user, or 0 for all
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (element-type KvotaCompliance): where each
 *   nature user stands for @year, in order of registration
 */
GPtrArray *
kvota_store_list_compliance (KvotaStore  *self,
                             int          year,
                             gint64       organisation_id,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_compliance_free);
  int rc;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);

  if (!check_year (year, error))
    return NULL;

  if ((statement = _kvota_store_prepare (self, COMPLIANCE_SELECT, error)) == NULL)
    return NULL;

  sqlite3_bind_int (statement, 1, year);
  sqlite3_bind_int64 (statement, 2, organisation_id);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      KvotaCompliance *compliance = g_new0 (KvotaCompliance, 1);

      compliance->organisation_id = sqlite3_column_int64 (statement, 0);
      compliance->organisation = g_strdup ((const char *) sqlite3_column_text (statement, 1));
      compliance->account = g_strdup ((const char *) sqlite3_column_text (statement, 2));
      compliance->year = year;
      compliance->has_emissions = sqlite3_column_int64 (statement, 3) > 0;
      compliance->emitted = sqlite3_column_int64 (statement, 4);
      compliance->surrendered = sqlite3_column_int64 (statement, 5);
      g_ptr_array_add (list, compliance);
    }

  if (rc != SQLITE_DONE)
    {
      _kvota_store_storage_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * kvota_store_surrender:
 * @self: a #KvotaStore
 * @actor: who surrenders
 * @account: the nature user's holding account
 * @year: the compliance year the surrender counts for
 * @unit_type: the unit type
 * @vintage: the vintage
 * @quantity: how many units
 * @error: return location for a #GError, or %NULL
 *
 * Surrenders available units against the verified emissions of @year, in
 * one database transaction with its audit entries. Refuses a year without
 * verified emissions, more than is still due for it, and units of a
 * vintage after @year.
 *
 * Returns: (transfer full) (nullable): the completed surrender
 */
KvotaTransaction *
kvota_store_surrender (KvotaStore     *self,
                       const char     *actor,
                       const char     *account,
                       int             year,
                       KvotaUnitType   unit_type,
                       int             vintage,
                       KvotaQuantity   quantity,
                       GError        **error)
{
  g_autoptr(GPtrArray) standing = NULL;
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *object = NULL;
  KvotaCompliance *compliance;
  gint64 organisation_id;

  g_return_val_if_fail (KVOTA_IS_STORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!check_year (year, error) || !kvota_quantity_validate (quantity, error))
    return NULL;

  /* Quotas serve the year they were issued for and, carried forward,
   * later ones: never an earlier year. */
  if (vintage > year)
    {
      kvota_set_error (error, KVOTA_ERROR_VINTAGE_AFTER_COMPLIANCE_YEAR, "vintage");
      return NULL;
    }

  if (!_kvota_store_begin (self, error))
    return NULL;

  if ((organisation_id = kvota_store_get_account_organisation (self, account)) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, "account");
      goto failed;
    }

  if ((standing = kvota_store_list_compliance (self, year, organisation_id, error)) == NULL)
    goto failed;

  /* Only nature users surrender against emissions. */
  if (standing->len != 1)
    {
      kvota_set_error (error, KVOTA_ERROR_NOT_FOUND, "account");
      goto failed;
    }

  compliance = g_ptr_array_index (standing, 0);
  if (!compliance->has_emissions)
    {
      kvota_set_error (error, KVOTA_ERROR_NO_VERIFIED_EMISSIONS, "year");
      goto failed;
    }

  if (quantity > compliance->emitted - compliance->surrendered)
    {
      kvota_set_error (error, KVOTA_ERROR_SURRENDER_EXCEEDS_EMISSIONS, "quantity");
      goto failed;
    }

  before = kvota_compliance_to_json (compliance);

  transaction = _kvota_store_ledger_retire (self, actor, KVOTA_TRANSACTION_KIND_SURRENDER, account,
                                            unit_type, vintage, quantity, NULL, error);
  if (transaction == NULL)
    goto failed;

  {
    g_autoptr(sqlite3_stmt) statement =
      _kvota_store_prepare (self, "UPDATE transactions SET compliance_year = ? WHERE id = ?", error);

    if (statement == NULL)
      goto failed;
    sqlite3_bind_int (statement, 1, year);
    sqlite3_bind_int64 (statement, 2, transaction->id);
    if (!_kvota_store_step_done (self, statement, error))
      goto failed;
  }

  g_clear_pointer (&standing, g_ptr_array_unref);
  if ((standing = kvota_store_list_compliance (self, year, organisation_id, error)) == NULL)
    goto failed;

  after = kvota_compliance_to_json (g_ptr_array_index (standing, 0));
  object = g_strdup_printf ("organisation/%" G_GINT64_FORMAT "/compliance/%d", organisation_id, year);
  if (!_kvota_store_audit (self, actor, "compliance.surrender", object, before, after, error) ||
      !_kvota_store_commit (self, error))
    goto failed;

  return g_steal_pointer (&transaction);

failed:
  _kvota_store_rollback (self);
  return NULL;
}
