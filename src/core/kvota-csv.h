/* kvota-csv.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void kvota_csv_append_field (GString    *csv,
                             const char *text);

G_END_DECLS
