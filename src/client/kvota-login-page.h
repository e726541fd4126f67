/* kvota-login-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kvota-client.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_LOGIN_PAGE (kvota_login_page_get_type ())

G_DECLARE_FINAL_TYPE (KvotaLoginPage, kvota_login_page, KVOTA, LOGIN_PAGE, GtkWidget)

void kvota_login_page_set_client     (KvotaLoginPage *self,
                                      KvotaClient    *client);
void kvota_login_page_set_server_url (KvotaLoginPage *self,
                                      const char     *server_url);
void kvota_login_page_set_username   (KvotaLoginPage *self,
                                      const char     *username);
void kvota_login_page_set_password   (KvotaLoginPage *self,
                                      const char     *password);
void kvota_login_page_show_error     (KvotaLoginPage *self,
                                      const char     *message);
void kvota_login_page_focus          (KvotaLoginPage *self);
void kvota_login_page_submit         (KvotaLoginPage *self);

G_END_DECLS
