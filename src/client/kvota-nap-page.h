/* kvota-nap-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_NAP_PAGE (kvota_nap_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaNapPage, kvota_nap_page, KVOTA, NAP_PAGE, GtkWidget)

GtkWidget *kvota_nap_page_new        (KvotaClient  *client);
void       kvota_nap_page_set_client (KvotaNapPage *self,
                                      KvotaClient  *client);
void       kvota_nap_page_open_file  (KvotaNapPage *self,
                                      GFile        *file);

G_END_DECLS
