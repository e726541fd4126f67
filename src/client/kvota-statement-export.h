/* kvota-statement-export.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-client.h"

G_BEGIN_DECLS

void kvota_statement_export (GtkWidget   *parent,
                             KvotaClient *client,
                             const char  *account);

G_END_DECLS
