/* kvota-compliance-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_COMPLIANCE_PAGE (kvota_compliance_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaCompliancePage, kvota_compliance_page, KVOTA, COMPLIANCE_PAGE, GtkWidget)

GtkWidget *kvota_compliance_page_new        (KvotaClient      *client);
void       kvota_compliance_page_set_client (KvotaCompliancePage *self,
                                          KvotaClient      *client);

G_END_DECLS
