/* kvota-keys-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_KEYS_PAGE (kvota_keys_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaKeysPage, kvota_keys_page, KVOTA, KEYS_PAGE, GtkWidget)

GtkWidget *kvota_keys_page_new (KvotaClient *client);

G_END_DECLS
