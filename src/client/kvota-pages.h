/* kvota-pages.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kvota-client.h"

G_BEGIN_DECLS

/**
 * KvotaPageInfo:
 * @name: the page's name in the window's stack, such as `transactions`
 * @title: its title in the sidebar, marked with N_()
 * @create: makes the page for the signed-in @client
 * @may_see: whether @user's role uses the page at all
 *
 * One page of the main window. A page loads when it is first shown and
 * answers the `page.reload` action.
 */
typedef struct
{
  const char  *name;
  const char  *title;
  GtkWidget  *(*create)  (KvotaClient     *client);
  gboolean    (*may_see) (const KvotaUser *user);
} KvotaPageInfo;

const KvotaPageInfo *kvota_pages_get (guint *n_pages);

gboolean kvota_user_is_administrator (const KvotaUser *user);
gboolean kvota_user_is_oversight     (const KvotaUser *user);
gboolean kvota_user_holds_units      (const KvotaUser *user);
gboolean kvota_user_is_nature_user   (const KvotaUser *user);
gboolean kvota_user_is_intermediary  (const KvotaUser *user);
gboolean kvota_user_acts             (const KvotaUser *user);

G_END_DECLS
