/* kvota-totp.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KVOTA_TOTP_DIGITS 6
#define KVOTA_TOTP_PERIOD 30

char     *kvota_totp_secret_new    (void);
char     *kvota_totp_provisioning_uri (const char *secret,
                                       const char *username);
gboolean  kvota_totp_validate      (const char *secret,
                                    const char *code,
                                    gint64      now,
                                    gint64      last_counter,
                                    gint64     *counter);
char     *kvota_totp_generate      (const char *secret,
                                    gint64      now);

G_END_DECLS
