/* kvota-queue-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_QUEUE_PAGE (kvota_queue_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaQueuePage, kvota_queue_page, KVOTA, QUEUE_PAGE, GtkWidget)

GtkWidget *kvota_queue_page_new (KvotaClient *client);

G_END_DECLS
