/* kvota-registration-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_REGISTRATION_PAGE (kvota_registration_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaRegistrationPage, kvota_registration_page, KVOTA, REGISTRATION_PAGE, GtkWidget)

KvotaRegistrationPage *kvota_registration_page_new              (KvotaClient           *client);
void                   kvota_registration_page_show_form        (KvotaRegistrationPage *self);
void                   kvota_registration_page_show_login_error (KvotaRegistrationPage *self,
                                                                 const GError          *error,
                                                                 const char            *username);

G_END_DECLS
