/* kvota-secret.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KVOTA_PASSWORD_MIN_LENGTH 10

gboolean  kvota_secret_init              (GError     **error);
char     *kvota_password_hash            (const char  *password,
                                          GError     **error);
gboolean  kvota_password_verify          (const char  *hash,
                                          const char  *password);
gboolean  kvota_password_check_strength  (const char  *password,
                                          GError     **error);
char     *kvota_token_new                (void);
char     *kvota_token_hash               (const char  *token);
char     *kvota_readable_code_new        (guint        n_groups);
char     *kvota_readable_code_hash       (const char  *code);

G_END_DECLS
