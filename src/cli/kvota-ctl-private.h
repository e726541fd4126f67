/* kvota-ctl-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GOptionContext *_kvota_ctl_context     (const char          *command,
                                        const char          *summary);
gboolean        _kvota_ctl_parse       (GOptionContext      *context,
                                        const GOptionEntry  *entries,
                                        int                 *argc,
                                        char              ***argv);
int             _kvota_ctl_fail        (const GError        *error);
int             _kvota_ctl_usage_error (const char          *message);

int             _kvota_ctl_sheet       (int                  argc,
                                        char               **argv);
int             _kvota_ctl_nap         (int                  argc,
                                        char               **argv);

G_END_DECLS
