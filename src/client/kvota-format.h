/* kvota-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-types.h"

G_BEGIN_DECLS

/* How the client writes the registry's values for people to read. */

char       *kvota_format_quantity          (gint64                 quantity);
char       *kvota_format_date_time         (GDateTime             *time);
void        kvota_format_progress_bar      (GtkProgressBar        *bar,
                                            goffset                sent,
                                            goffset                total);
const char *kvota_format_transaction_kind  (KvotaTransactionKind   kind);
const char *kvota_format_transaction_state (KvotaTransactionState  state);
void        kvota_format_bind_closures     (GtkWidgetClass        *widget_class);

G_END_DECLS
