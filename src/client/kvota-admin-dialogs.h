/* kvota-admin-dialogs.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwMessageDialog *kvota_admin_reason_dialog_new        (GtkWidget        *widget,
                                                        const char       *heading,
                                                        const char       *body,
                                                        const char       *apply_label,
                                                        gboolean          destructive,
                                                        gboolean          required,
                                                        const char       *reason);
char             *kvota_admin_reason_dialog_get_reason (AdwMessageDialog *dialog);
void              kvota_admin_show_secret              (GtkWidget        *widget,
                                                        const char       *heading,
                                                        const char       *body,
                                                        const char       *secret);

G_END_DECLS
