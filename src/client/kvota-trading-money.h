/* kvota-trading-money.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prices as people type and read them, in tenge with up to two decimals,
 * and as the registry keeps them, in whole tiyn (1/100 tenge). */

gboolean  kvota_trading_parse_tenge (const char  *text,
                                     gint64      *tiyn,
                                     GError     **error);
char     *kvota_trading_format_tiyn (gint64       tiyn);
char     *kvota_trading_format_tenge_plain (gint64 tiyn);

G_END_DECLS
