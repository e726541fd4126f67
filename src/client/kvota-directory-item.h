/* kvota-directory-item.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kvota-records.h"

G_BEGIN_DECLS

#define KVOTA_TYPE_DIRECTORY_ITEM (kvota_directory_item_get_type ())

G_DECLARE_FINAL_TYPE (KvotaDirectoryItem, kvota_directory_item, KVOTA, DIRECTORY_ITEM, GObject)

KvotaDirectoryItem      *kvota_directory_item_new_organisation (KvotaOrganisation  *organisation);
KvotaDirectoryItem      *kvota_directory_item_new_user         (KvotaUser          *user);
const KvotaOrganisation *kvota_directory_item_get_organisation (KvotaDirectoryItem *self);
const KvotaUser         *kvota_directory_item_get_user         (KvotaDirectoryItem *self);
const char              *kvota_directory_item_get_subtitle     (KvotaDirectoryItem *self);
GListModel              *kvota_directory_item_get_users        (KvotaDirectoryItem *self);
void                     kvota_directory_item_add_user         (KvotaDirectoryItem *self,
                                                                KvotaDirectoryItem *user);
gboolean                 kvota_directory_item_matches          (KvotaDirectoryItem *self,
                                                                const char         *folded);

G_END_DECLS
