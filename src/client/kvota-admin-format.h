/* kvota-admin-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kvota-types.h"

G_BEGIN_DECLS

/* How the administrator's pages write values the shared formatter does
 * not cover: money, dates, and the states of keys, applications, users
 * and serial blocks. */

char       *kvota_admin_format_tenge             (gint64                 tiyn);
char       *kvota_admin_format_date              (GDateTime             *time);
const char *kvota_admin_format_key_state         (KvotaKeyState          state);
const char *kvota_admin_format_application_state (KvotaApplicationState  state);
const char *kvota_admin_format_user_state        (KvotaUserState         state);
const char *kvota_admin_format_block_state       (KvotaBlockState        state);
const char *kvota_admin_format_audit_action      (const char            *action);

G_END_DECLS
