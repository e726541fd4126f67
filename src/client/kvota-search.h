/* kvota-search.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *kvota_search_fold        (const char *text);
char *kvota_search_widget_text (GtkWidget  *widget);

G_END_DECLS
