/* kvota-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-demo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-demo.h"
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
 * @error: return location for a #GError, or %NULL
 *
 * Fills @store with demo organisations, users and holdings: an issuance of
 * 2014 quotas to each holding account and a transfer waiting for the
 * administrator's confirmation.
 *
 * Returns: (transfer full) (element-type KvotaDemoLogin) (nullable): the
 *   demo logins with their passwords
 */
GPtrArray *
kvota_demo_build (KvotaStore  *store,
                  GError     **error)
{
  g_autoptr(GPtrArray) logins = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_demo_login_free);
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_organisation_free);
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(KvotaOrganisation) registry = NULL;
  g_autoptr(KvotaOrganisation) ministry = NULL;
  static const KvotaQuantity issued[] = { 1850000, 0, 420000, 260000 };

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

  transaction = kvota_store_propose_transfer (store, "zhasyl",
                                              ((KvotaOrganisation *) g_ptr_array_index (created, 2))->account,
                                              ((KvotaOrganisation *) g_ptr_array_index (created, 3))->account,
                                              KVOTA_UNIT_TYPE_QUOTA, 2014, 15000, error);
  if (transaction == NULL)
    return NULL;

  return g_steal_pointer (&logins);
}
