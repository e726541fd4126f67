/* kvota-admin-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-admin-format"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "kvota-admin-format.h"
#include "kvota-format.h"

/**
 * kvota_admin_format_tenge:
 * @tiyn: an amount in tiyn, 1/100 tenge
 *
 * Returns: (transfer full): the amount in tenge with its two decimals,
 *   the whole tenge grouped the local way, such as “850,00 ₸”
 */
char *
kvota_admin_format_tenge (gint64 tiyn)
{
  const struct lconv *conv = localeconv ();
  const char *point = conv->decimal_point;
  g_autofree char *whole = NULL;
  g_autofree char *amount = NULL;
  gint64 fraction;

  if (point == NULL || point[0] == '\0')
    point = ".";

  whole = kvota_format_quantity (tiyn / 100);
  fraction = tiyn % 100;
  if (fraction < 0)
    fraction = -fraction;
  amount = g_strdup_printf ("%s%s%02d", whole, point, (int) fraction);

  /* Translators: an amount of money in tenge; %s is the number, such as
   * “1 250,50”. Put the sign where your language writes it. */
  return g_strdup_printf (_("%s ₸"), amount);
}

/**
 * kvota_admin_format_date:
 * @time: (nullable): a time
 *
 * Returns: (transfer full): the day of @time in the local time zone, or
 *   an empty string
 */
char *
kvota_admin_format_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);

  /* Translators: a date as strftime() takes it, such as “%d.%m.%Y”. */
  return g_date_time_format (local, _("%Y-%m-%d"));
}

const char *
kvota_admin_format_key_state (KvotaKeyState state)
{
  switch (state)
    {
    case KVOTA_KEY_STATE_UNUSED:
      return C_("registration key state", "Unused");
    case KVOTA_KEY_STATE_USED:
      return C_("registration key state", "Used");
    case KVOTA_KEY_STATE_EXPIRED:
      return C_("registration key state", "Expired");
    case KVOTA_KEY_STATE_REVOKED:
      return C_("registration key state", "Revoked");
    case KVOTA_N_KEY_STATES:
    default:
      return "";
    }
}

const char *
kvota_admin_format_application_state (KvotaApplicationState state)
{
  switch (state)
    {
    case KVOTA_APPLICATION_STATE_PENDING:
      return C_("application state", "Awaiting Review");
    case KVOTA_APPLICATION_STATE_CONFIRMED:
      return C_("application state", "Confirmed");
    case KVOTA_APPLICATION_STATE_DECLINED:
      return C_("application state", "Declined");
    case KVOTA_N_APPLICATION_STATES:
    default:
      return "";
    }
}

const char *
kvota_admin_format_user_state (KvotaUserState state)
{
  switch (state)
    {
    case KVOTA_USER_STATE_ACTIVE:
      return C_("user state", "Active");
    case KVOTA_USER_STATE_BLOCKED:
      return C_("user state", "Blocked");
    case KVOTA_N_USER_STATES:
    default:
      return "";
    }
}

const char *
kvota_admin_format_block_state (KvotaBlockState state)
{
  switch (state)
    {
    case KVOTA_BLOCK_STATE_AVAILABLE:
      return C_("unit state", "Available");
    case KVOTA_BLOCK_STATE_RESERVED:
      return C_("unit state", "Reserved for Sale");
    case KVOTA_BLOCK_STATE_PENDING:
      return C_("unit state", "Pending in a Transfer");
    case KVOTA_BLOCK_STATE_SURRENDERED:
      return C_("unit state", "Surrendered");
    case KVOTA_BLOCK_STATE_CANCELLED:
      return C_("unit state", "Cancelled");
    case KVOTA_N_BLOCK_STATES:
    default:
      return "";
    }
}

/**
 * kvota_admin_format_audit_action:
 * @action: an audit journal entry's action, such as `ledger.transfer.confirm`
 *
 * Returns: (transfer none): what the action did, translated; an action
 *   this version does not know is shown as it is
 */
const char *
kvota_admin_format_audit_action (const char *action)
{
  static const struct
  {
    const char *action;
    const char *text;
  } actions[] = {
    { "application.submit", NC_("audit action", "Application submitted") },
    { "application.confirm", NC_("audit action", "Application confirmed") },
    { "application.decline", NC_("audit action", "Application declined") },
    { "registration-key.create", NC_("audit action", "Registration key created") },
    { "registration-key.revoke", NC_("audit action", "Registration key revoked") },
    { "organisation.create", NC_("audit action", "Organisation created") },
    { "organisation.block", NC_("audit action", "Organisation blocked") },
    { "organisation.restore", NC_("audit action", "Organisation restored") },
    { "user.create", NC_("audit action", "User created") },
    { "user.block", NC_("audit action", "User blocked") },
    { "user.restore", NC_("audit action", "User restored") },
    { "user.password.change", NC_("audit action", "Password changed") },
    { "user.password.reset", NC_("audit action", "Password reset started") },
    { "user.password.set-after-reset", NC_("audit action", "Password set after a reset") },
    { "user.two-factor.enable", NC_("audit action", "Two-factor login turned on") },
    { "user.two-factor.disable", NC_("audit action", "Two-factor login turned off") },
    { "setting.change", NC_("audit action", "Registry setting changed") },
    { "nap.upload", NC_("audit action", "Allocation plan uploaded") },
    { "nap.apply", NC_("audit action", "Allocation plan applied") },
    { "nap.discard", NC_("audit action", "Allocation plan discarded") },
    { "ledger.issue", NC_("audit action", "Quotas issued") },
    { "ledger.transfer.propose", NC_("audit action", "Transfer proposed") },
    { "ledger.transfer.approve", NC_("audit action", "Transfer approved (first of two)") },
    { "ledger.transfer.confirm", NC_("audit action", "Transfer confirmed") },
    { "ledger.transfer.reject", NC_("audit action", "Transfer rejected") },
    { "ledger.transfer.cancel", NC_("audit action", "Transfer withdrawn") },
    { "ledger.surrender", NC_("audit action", "Quotas surrendered") },
    { "ledger.cancel", NC_("audit action", "Quotas cancelled") },
    { "compliance.surrender", NC_("audit action", "Surrender against emissions") },
    { "emissions.record", NC_("audit action", "Verified emissions recorded") },
    { "mandate.choose", NC_("audit action", "Intermediary chosen") },
    { "sale-order.sign", NC_("audit action", "Quotas signed for sale") },
    { "sale-order.withdraw", NC_("audit action", "Sale order withdrawn") },
    { "buy-request.create", NC_("audit action", "Buy request placed") },
    { "buy-request.withdraw", NC_("audit action", "Buy request withdrawn") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_strcmp0 (actions[i].action, action) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, "audit action", actions[i].text);

  return action != NULL ? action : "";
}
