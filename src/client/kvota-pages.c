/* kvota-pages.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-pages"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-applications-page.h"
#include "kvota-audit-page.h"
#include "kvota-balances-page.h"
#include "kvota-clients-page.h"
#include "kvota-compliance-page.h"
#include "kvota-keys-page.h"
#include "kvota-nap-page.h"
#include "kvota-pages.h"
#include "kvota-queue-page.h"
#include "kvota-trading-page.h"
#include "kvota-trading-report-page.h"
#include "kvota-transactions-page.h"
#include "kvota-unit-page.h"
#include "kvota-users-page.h"

/* The pages of the main window, in sidebar order (each role's daily
 * work first: its holdings and trading, or the administrator's queue),
 * and who uses each. The
 * server decides what a role may do; this keeps out of sight what it
 * would refuse. A new page is one line here. */

gboolean
kvota_user_is_administrator (const KvotaUser *user)
{
  return user->role == KVOTA_ROLE_ADMINISTRATOR;
}

/* The administrator and the Ministry, which sees everything read-only. */
gboolean
kvota_user_is_oversight (const KvotaUser *user)
{
  return user->role == KVOTA_ROLE_ADMINISTRATOR || user->role == KVOTA_ROLE_MINISTRY;
}

/* Representatives and accountants of an organisation with an account. */
gboolean
kvota_user_holds_units (const KvotaUser *user)
{
  return (user->role == KVOTA_ROLE_REPRESENTATIVE || user->role == KVOTA_ROLE_ACCOUNTANT) &&
         kvota_holder_type_holds_units (user->organisation->holder_type) &&
         user->organisation->account != NULL;
}

gboolean
kvota_user_is_nature_user (const KvotaUser *user)
{
  return (user->role == KVOTA_ROLE_REPRESENTATIVE || user->role == KVOTA_ROLE_ACCOUNTANT) &&
         user->organisation->holder_type == KVOTA_HOLDER_TYPE_NATURE_USER;
}

gboolean
kvota_user_is_intermediary (const KvotaUser *user)
{
  return (user->role == KVOTA_ROLE_REPRESENTATIVE || user->role == KVOTA_ROLE_ACCOUNTANT) &&
         kvota_holder_type_is_intermediary (user->organisation->holder_type);
}

/* Whether the user acts for its organisation, rather than only reads:
 * accountants review, representatives act. */
gboolean
kvota_user_acts (const KvotaUser *user)
{
  return user->role == KVOTA_ROLE_REPRESENTATIVE || user->role == KVOTA_ROLE_ADMINISTRATOR;
}

static gboolean
everyone (const KvotaUser *user)
{
  return TRUE;
}

static const KvotaPageInfo pages[] = {
  { "balances", N_("Balances"), kvota_balances_page_new, kvota_user_holds_units },
  { "trading", N_("Trading"), kvota_trading_page_new, kvota_user_holds_units },
  { "compliance", N_("Compliance"), kvota_compliance_page_new, kvota_user_is_nature_user },
  { "clients", N_("Clients"), kvota_clients_page_new, kvota_user_is_intermediary },
  { "queue", N_("Transaction Queue"), kvota_queue_page_new, kvota_user_is_oversight },
  { "applications", N_("Applications"), kvota_applications_page_new, kvota_user_is_oversight },
  { "nap", N_("Allocation Plans"), kvota_nap_page_new, kvota_user_is_oversight },
  { "transactions", N_("Transactions"), kvota_transactions_page_new, everyone },
  { "trading-report", N_("Trading Report"), kvota_trading_report_page_new, kvota_user_is_oversight },
  { "unit", N_("Unit Lookup"), kvota_unit_page_new, kvota_user_is_oversight },
  { "audit", N_("Audit Journal"), kvota_audit_page_new, kvota_user_is_oversight },
  { "users", N_("Users and Organisations"), kvota_users_page_new, kvota_user_is_oversight },
  { "keys", N_("Registration Keys"), kvota_keys_page_new, kvota_user_is_administrator },
};

/**
 * kvota_pages_get:
 * @n_pages: (out): how many
 *
 * Returns: (array length=n_pages): every page of the main window
 */
const KvotaPageInfo *
kvota_pages_get (guint *n_pages)
{
  *n_pages = G_N_ELEMENTS (pages);
  return pages;
}
