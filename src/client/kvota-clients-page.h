/* kvota-clients-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_CLIENTS_PAGE (kvota_clients_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaClientsPage, kvota_clients_page, KVOTA, CLIENTS_PAGE, GtkWidget)

GtkWidget *kvota_clients_page_new        (KvotaClient      *client);
void       kvota_clients_page_set_client (KvotaClientsPage *self,
                                          KvotaClient      *client);

G_END_DECLS
