/* kvota-enrolment-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_ENROLMENT_PAGE (kvota_enrolment_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaEnrolmentPage, kvota_enrolment_page, KVOTA, ENROLMENT_PAGE, GtkWidget)

KvotaEnrolmentPage *kvota_enrolment_page_new (KvotaClient *client);

G_END_DECLS
