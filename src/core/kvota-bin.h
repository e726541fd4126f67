/* kvota-bin.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KVOTA_BIN_LENGTH 12

gboolean kvota_bin_check_digit (const char *digits,
                                guint      *check_digit);
gboolean kvota_bin_validate    (const char *bin,
                                GError    **error);
char    *kvota_bin_normalize   (const char *text);

G_END_DECLS
