/* kvota-nap-line-object.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kvota-nap.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_NAP_LINE_OBJECT (kvota_nap_line_object_get_type ())

G_DECLARE_FINAL_TYPE (KvotaNapLineObject, kvota_nap_line_object, KVOTA, NAP_LINE_OBJECT, GObject)

KvotaNapLineObject *kvota_nap_line_object_new            (const KvotaNapLine  *line);
KvotaNapLineObject *kvota_nap_line_object_new_total      (const char          *sector,
                                                          GArray              *sums,
                                                          gboolean             grand_total);
guint               kvota_nap_line_object_get_row        (KvotaNapLineObject  *self);
gboolean            kvota_nap_line_object_get_reserve    (KvotaNapLineObject  *self);
const char         *kvota_nap_line_object_get_operator   (KvotaNapLineObject  *self);
const char         *kvota_nap_line_object_get_bin        (KvotaNapLineObject  *self);
const char         *kvota_nap_line_object_get_installation (KvotaNapLineObject *self);
const char         *kvota_nap_line_object_get_sector     (KvotaNapLineObject  *self);
gboolean            kvota_nap_line_object_get_grand_total (KvotaNapLineObject *self);
KvotaQuantity       kvota_nap_line_object_get_allocation (KvotaNapLineObject  *self,
                                                          guint                year_index);
gboolean            kvota_nap_line_object_get_highlighted (KvotaNapLineObject *self);
void                kvota_nap_line_object_set_highlighted (KvotaNapLineObject *self,
                                                           gboolean            highlighted);
gboolean            kvota_nap_line_object_matches        (KvotaNapLineObject  *self,
                                                          const char          *folded_text);

G_END_DECLS
