/* kvota-users-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_USERS_PAGE (kvota_users_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaUsersPage, kvota_users_page, KVOTA, USERS_PAGE, GtkWidget)

GtkWidget *kvota_users_page_new (KvotaClient *client);

G_END_DECLS
