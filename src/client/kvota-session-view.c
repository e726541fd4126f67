/* kvota-session-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-session-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-pages.h"
#include "kvota-session-view.h"

/* What a signed-in user sees: a sidebar with the pages the user's role
 * may use, and nothing more. The server decides what each role may do;
 * this only keeps out of sight what it would refuse. Pages load when they
 * are first shown. */

struct _KvotaSessionView
{
  GtkWidget        parent_instance;

  KvotaClient     *client;

  /* Template widgets */
  AdwWindowTitle  *window_title;
  GtkMenuButton   *user_menu_button;
  GtkStackSidebar *sidebar;
  AdwAvatar       *avatar;
  GtkLabel        *user_label;
  GtkStack        *pages;
};

G_DEFINE_FINAL_TYPE (KvotaSessionView, kvota_session_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_title (KvotaSessionView *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->pages);
  const KvotaUser *user = kvota_client_get_user (self->client);

  if (child != NULL)
    adw_window_title_set_title (self->window_title,
                                gtk_stack_page_get_title (gtk_stack_get_page (self->pages, child)));

  if (user != NULL)
    adw_window_title_set_subtitle (self->window_title, user->organisation->name);
}

static void
pages_visible_child_changed_cb (KvotaSessionView *self,
                                GParamSpec       *pspec,
                                GtkStack         *pages)
{
  update_title (self);
}

static void
set_up_for_user (KvotaSessionView *self)
{
  const KvotaUser *user = kvota_client_get_user (self->client);
  g_autofree char *tooltip = NULL;
  const KvotaPageInfo *pages;
  GtkWidget *first = NULL;
  guint n_pages;

  g_return_if_fail (user != NULL);

  /* Pages the role may not use are not there at all: a hidden page
   * would still be one keyboard shortcut or sidebar row away. */
  pages = kvota_pages_get (&n_pages);
  for (guint i = 0; i < n_pages; i++)
    if (pages[i].may_see (user))
      gtk_stack_add_titled (self->pages, pages[i].create (self->client), pages[i].name, _(pages[i].title));

  /* Only now that the stack is complete: GTK 4.8's sidebar does not
   * survive pages leaving the stack it shows. */
  gtk_stack_sidebar_set_stack (self->sidebar, self->pages);

  /* The first page the user may see is where the session opens. */
  if ((first = gtk_widget_get_first_child (GTK_WIDGET (self->pages))) != NULL)
    gtk_stack_set_visible_child (self->pages, first);

  adw_avatar_set_text (self->avatar, user->full_name);
  gtk_label_set_label (self->user_label, user->full_name);

  /* Translators: the tooltip of the user menu: the username and the
   * role, such as “Signed in as pavlodar, Representative”. */
  tooltip = g_strdup_printf (_("Signed in as %s, %s"), user->username, kvota_role_describe (user->role));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->user_menu_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->user_menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("User Menu"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                  -1);

  update_title (self);
}

static void
kvota_session_view_constructed (GObject *object)
{
  KvotaSessionView *self = (KvotaSessionView *)object;

  G_OBJECT_CLASS (kvota_session_view_parent_class)->constructed (object);

  set_up_for_user (self);
}

static void
kvota_session_view_dispose (GObject *object)
{
  KvotaSessionView *self = (KvotaSessionView *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_SESSION_VIEW);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_session_view_parent_class)->dispose (object);
}

static void
kvota_session_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KvotaSessionView *self = KVOTA_SESSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_session_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KvotaSessionView *self = KVOTA_SESSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_session_view_class_init (KvotaSessionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kvota_session_view_constructed;
  object_class->dispose = kvota_session_view_dispose;
  object_class->get_property = kvota_session_view_get_property;
  object_class->set_property = kvota_session_view_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         KVOTA_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-session-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaSessionView, window_title);
  gtk_widget_class_bind_template_child (widget_class, KvotaSessionView, user_menu_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaSessionView, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KvotaSessionView, avatar);
  gtk_widget_class_bind_template_child (widget_class, KvotaSessionView, user_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaSessionView, pages);
  gtk_widget_class_bind_template_callback (widget_class, pages_visible_child_changed_cb);
}

static void
kvota_session_view_init (KvotaSessionView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * kvota_session_view_new:
 * @client: a client with a session
 *
 * Returns: (transfer floating): the pages for the client's user
 */
KvotaSessionView *
kvota_session_view_new (KvotaClient *client)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);
  g_return_val_if_fail (kvota_client_get_user (client) != NULL, NULL);

  return g_object_new (KVOTA_TYPE_SESSION_VIEW,
                       "client", client,
                       NULL);
}

/**
 * kvota_session_view_reload:
 * @self: a #KvotaSessionView
 *
 * Loads the visible page again from the server.
 */
void
kvota_session_view_reload (KvotaSessionView *self)
{
  GtkWidget *child;

  g_return_if_fail (KVOTA_IS_SESSION_VIEW (self));

  if ((child = gtk_stack_get_visible_child (self->pages)) != NULL)
    gtk_widget_activate_action (child, "page.reload", NULL);
}

/**
 * kvota_session_view_show_page:
 * @self: a #KvotaSessionView
 * @name: the page's name, such as `transactions`
 *
 * Returns: %TRUE if the user may see the page and it is shown
 */
gboolean
kvota_session_view_show_page (KvotaSessionView *self,
                              const char       *name)
{
  GtkWidget *child;

  g_return_val_if_fail (KVOTA_IS_SESSION_VIEW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if ((child = gtk_stack_get_child_by_name (self->pages, name)) == NULL)
    return FALSE;

  gtk_stack_set_visible_child (self->pages, child);
  return TRUE;
}
