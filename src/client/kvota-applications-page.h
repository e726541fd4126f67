/* kvota-applications-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_APPLICATIONS_PAGE (kvota_applications_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaApplicationsPage, kvota_applications_page, KVOTA, APPLICATIONS_PAGE, GtkWidget)

GtkWidget *kvota_applications_page_new (KvotaClient *client);

G_END_DECLS
