/* kvota-nap-change-object.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KVOTA_TYPE_NAP_CHANGE_OBJECT (kvota_nap_change_object_get_type ())

G_DECLARE_FINAL_TYPE (KvotaNapChangeObject, kvota_nap_change_object, KVOTA, NAP_CHANGE_OBJECT, GObject)

KvotaNapChangeObject *kvota_nap_change_object_new (const char *operator_name,
                                                   const char *bin,
                                                   int         year,
                                                   gint64      previous,
                                                   gint64      current);

G_END_DECLS
