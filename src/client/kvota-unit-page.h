/* kvota-unit-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_UNIT_PAGE (kvota_unit_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaUnitPage, kvota_unit_page, KVOTA, UNIT_PAGE, GtkWidget)

GtkWidget *kvota_unit_page_new (KvotaClient *client);

G_END_DECLS
