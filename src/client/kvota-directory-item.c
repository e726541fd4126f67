/* kvota-directory-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-directory-item"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-admin-format.h"
#include "kvota-directory-item.h"
#include "kvota-search.h"

/* One row of the users page's tree: an organisation, whose children are
 * its users, or a user. What a search looks at is folded once, when the
 * item is made, so that filtering tens of thousands of them stays quick. */

struct _KvotaDirectoryItem
{
  GObject            parent_instance;

  KvotaOrganisation *organisation;   /* or NULL */
  KvotaUser         *user;           /* or NULL */
  GListStore        *users;          /* of KvotaDirectoryItem, for an organisation */
  char              *subtitle;       /* as the row shows it */
  GString           *folded;         /* the texts a search finds it by, with its users' */
};

G_DEFINE_FINAL_TYPE (KvotaDirectoryItem, kvota_directory_item, G_TYPE_OBJECT)

/* Each text folded on its own, one a line: a search never matches across
 * two of them. */
static GString *
fold_texts (const char *first,
            ...)
{
  GString *folded = g_string_new (NULL);
  va_list texts;

  va_start (texts, first);
  for (const char *text = first; text != NULL; text = va_arg (texts, const char *))
    {
      g_autofree char *one = kvota_search_fold (text);

      if (folded->len > 0)
        g_string_append_c (folded, '\n');
      g_string_append (folded, one);
    }
  va_end (texts);

  return folded;
}

static void
kvota_directory_item_finalize (GObject *object)
{
  KvotaDirectoryItem *self = (KvotaDirectoryItem *)object;

  g_clear_pointer (&self->organisation, kvota_organisation_free);
  g_clear_pointer (&self->user, kvota_user_free);
  g_clear_object (&self->users);
  g_clear_pointer (&self->subtitle, g_free);
  if (self->folded != NULL)
    g_string_free (self->folded, TRUE);

  G_OBJECT_CLASS (kvota_directory_item_parent_class)->finalize (object);
}

static void
kvota_directory_item_class_init (KvotaDirectoryItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kvota_directory_item_finalize;
}

static void
kvota_directory_item_init (KvotaDirectoryItem *self)
{
}

/**
 * kvota_directory_item_new_organisation:
 * @organisation: (transfer full): an organisation
 *
 * Returns: (transfer full): an item without users yet
 */
KvotaDirectoryItem *
kvota_directory_item_new_organisation (KvotaOrganisation *organisation)
{
  KvotaDirectoryItem *self;

  g_return_val_if_fail (organisation != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_DIRECTORY_ITEM, NULL);
  self->organisation = organisation;
  self->users = g_list_store_new (KVOTA_TYPE_DIRECTORY_ITEM);

  if (organisation->bin != NULL && organisation->account != NULL)
    /* Translators: an organisation's holder type, BIN and account number. */
    self->subtitle = g_strdup_printf (_("%s, BIN %s, account %s"),
                                      kvota_holder_type_describe (organisation->holder_type),
                                      organisation->bin, organisation->account);
  else if (organisation->bin != NULL)
    /* Translators: an organisation's holder type and BIN. */
    self->subtitle = g_strdup_printf (_("%s, BIN %s"), kvota_holder_type_describe (organisation->holder_type),
                                      organisation->bin);
  else
    self->subtitle = g_strdup (kvota_holder_type_describe (organisation->holder_type));

  /* What the row shows, so that “BIN 1234” finds it as well as “1234”. */
  self->folded = fold_texts (organisation->name, self->subtitle,
                             kvota_admin_format_user_state (organisation->state), NULL);

  return self;
}

/**
 * kvota_directory_item_new_user:
 * @user: (transfer full): a user
 *
 * Returns: (transfer full): an item
 */
KvotaDirectoryItem *
kvota_directory_item_new_user (KvotaUser *user)
{
  KvotaDirectoryItem *self;

  g_return_val_if_fail (user != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_DIRECTORY_ITEM, NULL);
  self->user = user;
  /* Translators: a user's username and role, such as “pavlodar, Representative”. */
  self->subtitle = g_strdup_printf (_("%s, %s"), user->username, kvota_role_describe (user->role));
  self->folded = fold_texts (user->full_name, self->subtitle, user->username,
                             kvota_admin_format_user_state (user->state), NULL);

  return self;
}

/**
 * kvota_directory_item_get_organisation:
 *
 * Returns: (transfer none) (nullable): the organisation, or %NULL for a user
 */
const KvotaOrganisation *
kvota_directory_item_get_organisation (KvotaDirectoryItem *self)
{
  g_return_val_if_fail (KVOTA_IS_DIRECTORY_ITEM (self), NULL);

  return self->organisation;
}

/**
 * kvota_directory_item_get_user:
 *
 * Returns: (transfer none) (nullable): the user, or %NULL for an organisation
 */
const KvotaUser *
kvota_directory_item_get_user (KvotaDirectoryItem *self)
{
  g_return_val_if_fail (KVOTA_IS_DIRECTORY_ITEM (self), NULL);

  return self->user;
}

/**
 * kvota_directory_item_get_subtitle:
 *
 * Returns: (transfer none): the line under the row's name: an
 *   organisation's holder type, BIN and account, or a user's username
 *   and role
 */
const char *
kvota_directory_item_get_subtitle (KvotaDirectoryItem *self)
{
  g_return_val_if_fail (KVOTA_IS_DIRECTORY_ITEM (self), NULL);

  return self->subtitle;
}

/**
 * kvota_directory_item_get_users:
 *
 * Returns: (transfer none) (nullable): an organisation's users, or %NULL
 *   for a user
 */
GListModel *
kvota_directory_item_get_users (KvotaDirectoryItem *self)
{
  g_return_val_if_fail (KVOTA_IS_DIRECTORY_ITEM (self), NULL);

  return self->users != NULL ? G_LIST_MODEL (self->users) : NULL;
}

/**
 * kvota_directory_item_add_user:
 * @self: an organisation's item
 * @user: a user's item
 *
 * Adds @user to the organisation's users. A search for the user's name
 * finds the organisation too.
 */
void
kvota_directory_item_add_user (KvotaDirectoryItem *self,
                               KvotaDirectoryItem *user)
{
  g_return_if_fail (KVOTA_IS_DIRECTORY_ITEM (self));
  g_return_if_fail (self->users != NULL);
  g_return_if_fail (KVOTA_IS_DIRECTORY_ITEM (user));

  g_list_store_append (self->users, user);

  g_string_append_c (self->folded, '\n');
  g_string_append_len (self->folded, user->folded->str, user->folded->len);
}

/**
 * kvota_directory_item_matches:
 * @folded: (nullable): a search folded by kvota_search_fold(), or %NULL
 *
 * Returns: whether the item (with its users) shows for the search
 */
gboolean
kvota_directory_item_matches (KvotaDirectoryItem *self,
                              const char         *folded)
{
  g_return_val_if_fail (KVOTA_IS_DIRECTORY_ITEM (self), FALSE);

  return folded == NULL || strstr (self->folded->str, folded) != NULL;
}
