/* kvota-demo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kvota-store.h"

G_BEGIN_DECLS

typedef struct
{
  char      *username;
  char      *password;
  KvotaRole  role;
  char      *organisation;
} KvotaDemoLogin;

void       kvota_demo_login_free (KvotaDemoLogin  *login);
GPtrArray *kvota_demo_build      (KvotaStore          *store,
                                  const char * const  *plans,
                                  GError             **error);

G_END_DECLS
