/* kvota-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-demo"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-demo.h"
#include "kvota-json.h"
#include "kvota-nap.h"
#include "kvota-error.h"
#include "kvota-secret.h"

/* A demo registry built through the same store operations the server
 * uses, so it always obeys the ledger's rules. Passwords are random and
 * returned to the caller to print: none is built into any program. The
 * organisations are fictional; their BINs carry valid check digits. */

#define DEMO_ACTOR "kvotactl-demo"

typedef struct
{
  const char      *name;
  const char      *bin;
  KvotaHolderType  holder_type;
} DemoOrganisation;

static const DemoOrganisation organisations[] = {
  { "АО «Павлодарская ТЭЦ» (demo)", "140340000018", KVOTA_HOLDER_TYPE_NATURE_USER },
  { "ТОО «Дала Брокер» (demo)", "140440000071", KVOTA_HOLDER_TYPE_BROKER },
  { "ТОО «Жасыл Трейд» (demo)", "150540000057", KVOTA_HOLDER_TYPE_INDIVIDUAL },
  { "ТОО «Астана Карбон» (demo)", "150640000040", KVOTA_HOLDER_TYPE_INDIVIDUAL },
};

typedef struct
{
  const char *username;
  const char *full_name;
  KvotaRole   role;
  int         organisation;   /* index above, or -1 registry, -2 Ministry */
} DemoUser;

static const DemoUser users[] = {
  { "admin", "Registry Administrator", KVOTA_ROLE_ADMINISTRATOR, -1 },
  { "ministry", "Ministry Analyst", KVOTA_ROLE_MINISTRY, -2 },
  { "pavlodar", "Pavlodar CHP Representative", KVOTA_ROLE_REPRESENTATIVE, 0 },
  { "pavlodar-accounts", "Pavlodar CHP Accountant", KVOTA_ROLE_ACCOUNTANT, 0 },
  { "dala", "Dala Broker Representative", KVOTA_ROLE_REPRESENTATIVE, 1 },
  { "zhasyl", "Zhasyl Trade Representative", KVOTA_ROLE_REPRESENTATIVE, 2 },
  { "astana", "Astana Carbon Representative", KVOTA_ROLE_REPRESENTATIVE, 3 },
};

void
kvota_demo_login_free (KvotaDemoLogin *login)
{
  if (login == NULL)
    return;

  g_free (login->username);
  g_free (login->password);
  g_free (login->organisation);
  g_free (login);
}

/**
 * kvota_demo_build:
 * @store: a new, empty registry
 * @plans: (nullable) (array zero-terminated=1): National Allocation Plan
 *   files to upload and apply, in order
 * @error: return location for a #GError, or %NULL
 *
 * Fills @store with demo organisations, users and holdings: nature users
 * of the plans, the plans applied, quotas of the trading companies, and a
 * transfer waiting for the administrator's confirmation.
 *
 * Returns: (transfer full) (element-type KvotaDemoLogin) (nullable): the
 *   demo logins with their passwords
 */
static gboolean
apply_plan (KvotaStore  *store,
            const char  *path,
            GError     **error)
{
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(KvotaNapRecord) record = NULL;
  g_autoptr(JsonNode) plan = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *plan_text = NULL;
  g_autofree char *name = NULL;
  KvotaNapApplication result;
  GArray *years;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  file = g_bytes_new_take (g_steal_pointer (&contents), length);

  if ((workbook = kvota_workbook_open_bytes (file, error)) == NULL ||
      (nap = kvota_nap_read (workbook, NULL, error)) == NULL)
    return FALSE;

  if (kvota_nap_count_errors (nap) > 0)
    {
      g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_NAP_INVALID,
                   _("The plan “%s” has errors; check it with “kvotactl nap check”."), path);
      return FALSE;
    }

  years = kvota_nap_get_years (nap);
  plan = kvota_nap_to_json (nap, TRUE);
  plan_text = kvota_json_to_string (plan);
  name = g_path_get_basename (path);

  record = kvota_store_create_nap_draft (store, "admin", g_array_index (years, int, 0),
                                         g_array_index (years, int, years->len - 1), name, file,
                                         "application/octet-stream", plan_text, error);
  if (record == NULL)
    return FALSE;

  return kvota_store_apply_nap (store, "admin", record->id, kvota_nap_get_lines (nap), years, &result, error);
}

/* Registers nature users of the plan, so that the plan issues to them. */
static gboolean
register_operators (KvotaStore  *store,
                    const char  *path,
                    guint        first,
                    guint        count,
                    GError     **error)
{
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *lines;
  guint index = 0;

  if ((workbook = kvota_workbook_open (path, error)) == NULL ||
      (nap = kvota_nap_read (workbook, NULL, error)) == NULL)
    return FALSE;

  lines = kvota_nap_get_lines (nap);
  for (guint i = 0; i < lines->len && index < first + count; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);
      g_autofree char *account = NULL;
      g_autoptr(KvotaOrganisation) organisation = NULL;

      if (line->reserve || !g_hash_table_add (seen, line->bin))
        continue;
      if (index++ < first || (account = kvota_store_find_nature_user_account (store, line->bin)) != NULL)
        continue;

      organisation = kvota_store_create_organisation (store, DEMO_ACTOR, line->operator_name, line->bin,
                                                      KVOTA_HOLDER_TYPE_NATURE_USER, error);
      if (organisation == NULL)
        return FALSE;
    }

  return TRUE;
}

/* A deal confirmation, as the broker attaches it: a one-page PDF. */
static KvotaDocument *
confirmation (int           year,
              guint         number,
              KvotaQuantity quantity)
{
  KvotaDocument *document = g_new0 (KvotaDocument, 1);
  g_autofree char *text = g_strdup_printf ("Deal confirmation %d-%02u: %" G_GINT64_FORMAT " quotas", year,
                                           number, quantity);
  g_autofree char *stream = g_strdup_printf ("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text);
  g_autofree char *pdf = g_strdup_printf ("%%PDF-1.4\n"
                                          "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                                          "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                                          "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                                          "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
                                          "4 0 obj << /Length %zu >> stream\n%s\nendstream endobj\n"
                                          "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
                                          "trailer << /Root 1 0 R >>\n%%%%EOF\n",
                                          strlen (stream), stream);

  document->name = g_strdup_printf ("deal-%d-%02u.pdf", year, number);
  document->content_type = "application/pdf";
  document->bytes = g_bytes_new (pdf, strlen (pdf));
  return document;
}

static void
document_free (gpointer data)
{
  KvotaDocument *document = data;

  g_free (document->name);
  g_bytes_unref (document->bytes);
  g_free (document);
}

/* A year of trading through the demo broker: @count deals that move
 * exactly @total quotas of vintage @year from the nature users that hold
 * them to the trading companies, each signed for sale, proposed with its
 * confirmation and confirmed by the administrator, as people would. */
static gboolean
trade (KvotaStore    *store,
       GPtrArray     *created,
       int            year,
       guint          count,
       KvotaQuantity  total,
       GError       **error)
{
  g_autoptr(GPtrArray) registered = kvota_store_list_organisations (store, error);
  g_autoptr(GPtrArray) sellers = g_ptr_array_new ();
  const KvotaOrganisation *broker = g_ptr_array_index (created, 1);
  const KvotaOrganisation *buyers[] = { g_ptr_array_index (created, 2), g_ptr_array_index (created, 3) };
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (KvotaQuantity));
  KvotaQuantity assigned = 0;
  guint32 seed = (guint32) year;
  guint64 weights = 0;
  guint weight[64];

  if (registered == NULL)
    return FALSE;

  /* Sellers: the nature users whose plan issued them this vintage, enough
   * for their share of the year's deals (power plants and oil and gas
   * companies in the sample plans). */
  for (guint i = 0; i < registered->len; i++)
    {
      KvotaOrganisation *organisation = g_ptr_array_index (registered, i);
      g_autoptr(GArray) holdings = NULL;

      if (organisation->holder_type != KVOTA_HOLDER_TYPE_NATURE_USER || organisation->account == NULL ||
          (holdings = kvota_store_get_holdings (store, organisation->account, NULL)) == NULL)
        continue;

      for (guint h = 0; h < holdings->len; h++)
        if (g_array_index (holdings, KvotaHolding, h).vintage == year &&
            g_array_index (holdings, KvotaHolding, h).available > total / 2)
          {
            g_ptr_array_add (sellers, organisation);
            if (kvota_store_get_intermediary (store, organisation->id) != broker->id &&
                !kvota_store_choose_intermediary (store, DEMO_ACTOR, organisation->id, broker->id, error))
              return FALSE;
            break;
          }
    }

  g_return_val_if_fail (sellers->len > 0 && count <= G_N_ELEMENTS (weight), FALSE);

  /* Deal sizes that add up to the total exactly. */
  for (guint i = 0; i < count; i++)
    {
      seed = seed * 1103515245u + 12345u;
      weight[i] = 20 + (seed >> 16) % 80;
      weights += weight[i];
    }
  for (guint i = 0; i < count; i++)
    {
      KvotaQuantity size = i + 1 < count ? (KvotaQuantity) (total * weight[i] / weights) : total - assigned;

      g_array_append_val (sizes, size);
      assigned += size;
    }

  for (guint i = 0; i < count; i++)
    {
      const KvotaOrganisation *seller = g_ptr_array_index (sellers, i % sellers->len);
      const KvotaOrganisation *buyer = buyers[i % G_N_ELEMENTS (buyers)];
      KvotaQuantity size = g_array_index (sizes, KvotaQuantity, i);
      g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (document_free);
      g_autoptr(KvotaTransaction) proposed = NULL;
      g_autoptr(KvotaTransaction) confirmed = NULL;
      g_autofree char *deal_date = g_strdup_printf ("%d-%02u-%02u", year, 1 + i * 12 / count, 5 + i % 20);
      gint64 order;

      g_ptr_array_add (documents, confirmation (year, i + 1, size));

      if ((order = kvota_store_sign_for_sale (store, DEMO_ACTOR, seller->account, KVOTA_UNIT_TYPE_QUOTA,
                                              year, size, -1, error)) == 0 ||
          (proposed = kvota_store_propose_sale (store, "dala", broker->id, order, buyer->account, size,
                                                (gint64) (72000 + (i * 997) % 18000), deal_date,
                                                NULL, documents, error)) == NULL ||
          (confirmed = kvota_store_decide_transfer (store, "admin", proposed->id,
                                                    KVOTA_TRANSACTION_STATE_COMPLETED, NULL, error)) == NULL)
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
kvota_demo_build (KvotaStore          *store,
                  const char * const  *plans,
                  GError             **error)
{
  g_autoptr(GPtrArray) logins = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_demo_login_free);
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_organisation_free);
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(KvotaOrganisation) registry = NULL;
  g_autoptr(KvotaOrganisation) ministry = NULL;
  /* The nature user's quotas come from the plans; the trading companies
   * start with quotas bought before the demo's history begins. */
  static const KvotaQuantity issued[] = { 0, 0, 420000, 260000 };

  g_return_val_if_fail (KVOTA_IS_STORE (store), NULL);

  if ((registry = kvota_store_get_organisation (store, kvota_store_find_organisation_by_type (store, KVOTA_HOLDER_TYPE_REGISTRY), error)) == NULL ||
      (ministry = kvota_store_get_organisation (store, kvota_store_find_organisation_by_type (store, KVOTA_HOLDER_TYPE_MINISTRY), error)) == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (organisations); i++)
    {
      KvotaOrganisation *organisation;

      organisation = kvota_store_create_organisation (store, DEMO_ACTOR, organisations[i].name,
                                                      organisations[i].bin,
                                                      organisations[i].holder_type, error);
      if (organisation == NULL)
        return NULL;
      g_ptr_array_add (created, organisation);
    }

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      const KvotaOrganisation *organisation;
      g_autoptr(KvotaUser) user = NULL;
      g_autofree char *hash = NULL;
      KvotaDemoLogin *login;

      organisation = users[i].organisation == -1 ? registry :
                     users[i].organisation == -2 ? ministry :
                     g_ptr_array_index (created, users[i].organisation);

      login = g_new0 (KvotaDemoLogin, 1);
      login->username = g_strdup (users[i].username);
      login->password = kvota_readable_code_new (3);
      login->role = users[i].role;
      login->organisation = g_strdup (organisation->name);
      g_ptr_array_add (logins, login);

      if ((hash = kvota_password_hash (login->password, error)) == NULL ||
          (user = kvota_store_create_user (store, DEMO_ACTOR, organisation->id, users[i].username,
                                           hash, users[i].full_name, users[i].role, error)) == NULL)
        return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (issued); i++)
    {
      const KvotaOrganisation *organisation = g_ptr_array_index (created, i);
      g_autoptr(KvotaTransaction) issuance = NULL;

      if (issued[i] == 0)
        continue;

      issuance = kvota_store_issue (store, DEMO_ACTOR, organisation->account,
                                    KVOTA_UNIT_TYPE_QUOTA, 2014, issued[i], error);
      if (issuance == NULL)
        return NULL;
    }

  /* The first plan issues to the nature users registered before it; one
   * more registers after both plans, and receives what waited for it. */
  if (plans != NULL && plans[0] != NULL)
    {
      if (!register_operators (store, plans[0], 0, 5, error))
        return NULL;
      for (guint i = 0; plans[i] != NULL; i++)
        if (!apply_plan (store, plans[i], error))
          return NULL;
      if (!register_operators (store, plans[0], 5, 1, error) ||
          !trade (store, created, 2014, 34, 1252950, error) ||
          !trade (store, created, 2015, 40, 1983922, error))
        return NULL;
    }

  /* A trading company's own sale of what it bought, waiting for the
   * administrator with its contract attached. */
  {
    g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (document_free);
    KvotaDeal deal = { 85000, "2015-12-14", "KZ-2015-C-0417", documents };

    g_ptr_array_add (documents, confirmation (2015, 99, 15000));
    transaction = kvota_store_propose_transfer (store, "zhasyl",
                                                ((KvotaOrganisation *) g_ptr_array_index (created, 2))->account,
                                                ((KvotaOrganisation *) g_ptr_array_index (created, 3))->account,
                                                KVOTA_UNIT_TYPE_QUOTA, 2014, 15000, &deal, error);
    if (transaction == NULL)
      return NULL;
  }

  return g_steal_pointer (&logins);
}
