/* kvota-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-client.h"
#include "kvota-enrolment-page.h"
#include "kvota-login-page.h"
#include "kvota-registration-page.h"
#include "kvota-session-view.h"
#include "kvota-window.h"

/* One window is one connection to a registry: the login page until the
 * user is signed in, then the pages the user's role may use. When the
 * server ends the session (it expired, an administrator revoked it) the
 * login page comes back with the reason, and the session's pages stay
 * as they were, so the same user finds their work again after logging
 * in. */

struct _KvotaWindow
{
  AdwApplicationWindow  parent_instance;

  KvotaClient          *client;
  GCancellable         *cancellable;

  /* Whose work the session view holds: the server and the user. */
  char                 *session_base_url;
  gint64                session_user_id;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  KvotaLoginPage       *login_page;

  GtkWidget            *session_view;
  GtkWidget            *enrolment_page;
  GtkWidget            *registration_page;
};

G_DEFINE_FINAL_TYPE (KvotaWindow, kvota_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
get_settings (KvotaWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app == NULL)
    app = g_application_get_default ();

  return kvota_app_get_settings (KVOTA_APP (app));
}

static void
remove_child (KvotaWindow  *self,
              GtkWidget   **child)
{
  if (*child == NULL)
    return;

  gtk_stack_remove (self->stack, *child);
  *child = NULL;
}

static void
forget_session (KvotaWindow *self)
{
  remove_child (self, &self->session_view);
  g_clear_pointer (&self->session_base_url, g_free);
  self->session_user_id = 0;
}

static void
show_login (KvotaWindow *self)
{
  remove_child (self, &self->enrolment_page);
  gtk_stack_set_visible_child_name (self->stack, "login");
  gtk_window_set_title (GTK_WINDOW (self), _("Kvota"));
  kvota_login_page_focus (self->login_page);
}

static void
show_session (KvotaWindow *self)
{
  const KvotaUser *user = kvota_client_get_user (self->client);
  const char *base_url = kvota_client_get_base_url (self->client);

  g_assert (user != NULL);

  remove_child (self, &self->enrolment_page);

  /* The same user on the same registry finds the pages as they were;
   * anyone else starts afresh. */
  if (self->session_view != NULL &&
      (self->session_user_id != user->id ||
       g_strcmp0 (self->session_base_url, base_url) != 0))
    forget_session (self);

  if (self->session_view == NULL)
    {
      self->session_view = GTK_WIDGET (kvota_session_view_new (self->client));
      self->session_user_id = user->id;
      self->session_base_url = g_strdup (base_url);
      gtk_stack_add_named (self->stack, self->session_view, "session");

#ifdef KVOTA_DEVELOPMENT
      /* Development builds only: KVOTA_PAGE opens the session on a page
       * (such as trading-report), for screenshots and UI tests. */
      if (g_getenv ("KVOTA_PAGE") != NULL)
        kvota_session_view_show_page (KVOTA_SESSION_VIEW (self->session_view),
                                      g_getenv ("KVOTA_PAGE"));
#endif
    }

  gtk_stack_set_visible_child (self->stack, self->session_view);
  gtk_window_set_title (GTK_WINDOW (self), user->organisation->name);
}

static void
user_refreshed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_client_refresh_user_finish (client, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          kvota_client_error_is_session_end (error))
        return;

      kvota_login_page_show_error (self->login_page, error->message);
      show_login (self);
      return;
    }

  show_session (self);
}

static void
enrolment_page_enrolled_cb (KvotaWindow        *self,
                            KvotaEnrolmentPage *page)
{
  /* The session is a full one now: read the user again and go on. */
  kvota_client_refresh_user_async (self->client,
                                   self->cancellable,
                                   user_refreshed_cb,
                                   g_object_ref (self));
}

static void
show_enrolment (KvotaWindow *self)
{
  remove_child (self, &self->enrolment_page);

  self->enrolment_page = GTK_WIDGET (kvota_enrolment_page_new (self->client));
  g_signal_connect_object (self->enrolment_page,
                           "enrolled",
                           G_CALLBACK (enrolment_page_enrolled_cb),
                           self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, self->enrolment_page, "enrolment");
  gtk_stack_set_visible_child (self->stack, self->enrolment_page);
}

static void
login_page_logged_in_cb (KvotaWindow    *self,
                         KvotaLoginPage *page)
{
  if (kvota_client_get_enrolment_required (self->client))
    show_enrolment (self);
  else
    show_session (self);
}

static void
registration_page_back_cb (KvotaWindow           *self,
                           const char            *username,
                           KvotaRegistrationPage *page)
{
  /* After applying, the applicant logs in to see the state. */
  if (username != NULL)
    {
      kvota_login_page_set_username (self->login_page, username);
      kvota_login_page_set_password (self->login_page, "");
    }
  show_login (self);
}

static KvotaRegistrationPage *
ensure_registration_page (KvotaWindow *self)
{
  /* Kept while the window lives, so that what was typed stays. */
  if (self->registration_page == NULL)
    {
      self->registration_page = GTK_WIDGET (kvota_registration_page_new (self->client));
      g_signal_connect_object (self->registration_page,
                               "back",
                               G_CALLBACK (registration_page_back_cb),
                               self,
                               G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->stack, self->registration_page, "registration");
    }

  gtk_stack_set_visible_child (self->stack, self->registration_page);
  return KVOTA_REGISTRATION_PAGE (self->registration_page);
}

static void
login_page_register_cb (KvotaWindow    *self,
                        KvotaLoginPage *page)
{
  kvota_registration_page_show_form (ensure_registration_page (self));
  gtk_window_set_title (GTK_WINDOW (self), _("Register a Company"));
}

static void
login_page_application_refused_cb (KvotaWindow    *self,
                                   const GError   *error,
                                   const char     *username,
                                   KvotaLoginPage *page)
{
  kvota_registration_page_show_login_error (ensure_registration_page (self), error, username);
  gtk_window_set_title (GTK_WINDOW (self), _("Application"));
}

static void
client_session_ended_cb (KvotaWindow  *self,
                         const GError *error,
                         KvotaClient  *client)
{
  kvota_login_page_show_error (self->login_page, error->message);
  show_login (self);
}

static void
log_out_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KvotaWindow *self = KVOTA_WINDOW (widget);

  /* The server forgets the token in the background; the user has left
   * already, and their pages with them. */
  kvota_client_log_out_async (self->client, NULL, NULL, NULL);
  forget_session (self);
  show_login (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaWindow *self = KVOTA_WINDOW (widget);

  if (self->session_view != NULL &&
      gtk_stack_get_visible_child (self->stack) == self->session_view)
    kvota_session_view_reload (KVOTA_SESSION_VIEW (self->session_view));
}

static void
show_toast_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KvotaWindow *self = KVOTA_WINDOW (widget);
  AdwToast *toast;

  toast = adw_toast_new (g_variant_get_string (parameter, NULL));
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
kvota_window_constructed (GObject *object)
{
  KvotaWindow *self = (KvotaWindow *)object;
  GSettings *settings;
  g_autofree char *server_url = NULL;
  g_autofree char *last_username = NULL;
  const char *override;

  G_OBJECT_CLASS (kvota_window_parent_class)->constructed (object);

  settings = get_settings (self);

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  /* KVOTA_SERVER_URL points a run at another server without changing
   * the remembered address (`./kvota-dev run` uses it). */
  if ((override = g_getenv ("KVOTA_SERVER_URL")) != NULL && override[0] != '\0')
    server_url = g_strdup (override);
  else
    server_url = g_settings_get_string (settings, "server-url");

  self->client = kvota_client_new (server_url);
  g_signal_connect_object (self->client,
                           "session-ended",
                           G_CALLBACK (client_session_ended_cb),
                           self,
                           G_CONNECT_SWAPPED);

  kvota_login_page_set_client (self->login_page, self->client);
  g_signal_connect_object (self->login_page,
                           "register",
                           G_CALLBACK (login_page_register_cb),
                           self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->login_page,
                           "application-refused",
                           G_CALLBACK (login_page_application_refused_cb),
                           self,
                           G_CONNECT_SWAPPED);
  kvota_login_page_set_server_url (self->login_page, server_url);
  last_username = g_settings_get_string (settings, "last-username");
  kvota_login_page_set_username (self->login_page, last_username);

#ifdef KVOTA_DEVELOPMENT
  {
    /* Development builds only: KVOTA_USERNAME and KVOTA_PASSWORD log in
     * at once, so that screenshots and UI tests reach the main window.
     * Release builds ignore them. */
    const char *username = g_getenv ("KVOTA_USERNAME");
    const char *password = g_getenv ("KVOTA_PASSWORD");

    if (username != NULL && password != NULL)
      {
        kvota_login_page_set_username (self->login_page, username);
        kvota_login_page_set_password (self->login_page, password);
        kvota_login_page_submit (self->login_page);
      }
    else if (g_strcmp0 (g_getenv ("KVOTA_PAGE"), "registration") == 0)
      {
        /* KVOTA_PAGE=registration without a login opens the form. */
        login_page_register_cb (self, self->login_page);
        return;
      }
  }
#endif

  kvota_login_page_focus (self->login_page);
}

static void
kvota_window_dispose (GObject *object)
{
  KvotaWindow *self = (KvotaWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_WINDOW);

  G_OBJECT_CLASS (kvota_window_parent_class)->dispose (object);
}

static void
kvota_window_finalize (GObject *object)
{
  KvotaWindow *self = (KvotaWindow *)object;

  g_clear_object (&self->client);
  g_clear_pointer (&self->session_base_url, g_free);

  G_OBJECT_CLASS (kvota_window_parent_class)->finalize (object);
}

static void
kvota_window_class_init (KvotaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kvota_window_constructed;
  object_class->dispose = kvota_window_dispose;
  object_class->finalize = kvota_window_finalize;

  g_type_ensure (KVOTA_TYPE_LOGIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KvotaWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaWindow, login_page);
  gtk_widget_class_bind_template_callback (widget_class, login_page_logged_in_cb);

  gtk_widget_class_install_action (widget_class, "win.log-out", NULL, log_out_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", show_toast_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.reload", NULL);
}

static void
kvota_window_init (KvotaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

#ifdef KVOTA_DEVELOPMENT
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

KvotaWindow *
kvota_window_new (KvotaApp *application)
{
  g_return_val_if_fail (KVOTA_IS_APP (application), NULL);

  return g_object_new (KVOTA_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
