/* kvota-audit-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_AUDIT_PAGE (kvota_audit_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaAuditPage, kvota_audit_page, KVOTA, AUDIT_PAGE, GtkWidget)

GtkWidget *kvota_audit_page_new (KvotaClient *client);

G_END_DECLS
