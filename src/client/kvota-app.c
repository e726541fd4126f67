/* kvota-app.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-app"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-app.h"
#include "kvota-preferences-window.h"
#include "kvota-window.h"

struct _KvotaApp
{
  AdwApplication  parent_instance;

  GSettings      *settings;

  /* The "language" setting as it was when the client started: the one
   * main.c applied, and so the one the windows show. */
  char           *running_language;

  guint           restart_requested : 1;
};

G_DEFINE_FINAL_TYPE (KvotaApp, kvota_app, ADW_TYPE_APPLICATION)

/* The GtkApplication of the client. It is KvotaApp, not
 * KvotaApplication: that name is the core library's registration
 * application record. */

#define RESOURCE_BASE_PATH "/kz/kvota/Kvota"

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  GList *windows;

  /* Closing each window lets it remember its size and cancel its work. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);

  g_application_quit (app);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  KvotaApp *self = KVOTA_APP (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  KvotaPreferencesWindow *preferences;

  /* The shortcut works in the preferences window too; it stays one. */
  if (KVOTA_IS_PREFERENCES_WINDOW (window))
    {
      gtk_window_present (window);
      return;
    }

  preferences = kvota_preferences_window_new (self);

  if (window != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (preferences), window);

  gtk_window_present (GTK_WINDOW (preferences));
}

static gboolean
restart_idle_cb (gpointer user_data)
{
  kvota_app_restart (KVOTA_APP (user_data));

  return G_SOURCE_REMOVE;
}

static void
restart_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  /* Once the button that asked has finished its click: a toast's
   * button goes on to dismiss its toast, which must still be there. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                   restart_idle_cb,
                   g_object_ref (user_data),
                   g_object_unref);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (app);
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, _("Kvota"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_developer_name (about, _("The Kvota developers"));
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_comments (about, _("The national registry of greenhouse gas emission quotas of the Republic of Kazakhstan."));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* Translators: your names, one per line, shown in the About window. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));

  if (window != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), window);

  gtk_window_present (GTK_WINDOW (about));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (app);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/kvota-shortcuts-window.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  if (window != NULL)
    gtk_window_set_transient_for (shortcuts, window);

  gtk_window_present (shortcuts);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "restart", restart_action },
  { "about", about_action },
  { "shortcuts", shortcuts_action },
};

static void
kvota_app_activate (GApplication *app)
{
  GtkWindow *window;

  if ((window = gtk_application_get_active_window (GTK_APPLICATION (app))) == NULL)
    window = GTK_WINDOW (kvota_window_new (KVOTA_APP (app)));

  gtk_window_present (window);
}

static void
kvota_app_startup (GApplication *app)
{
  KvotaApp *self = KVOTA_APP (app);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (kvota_app_parent_class)->startup (app);

  self->settings = g_settings_new (KVOTA_SCHEMA_ID);
  self->running_language = g_settings_get_string (self->settings, "language");

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           accels[i].action,
                                           accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
kvota_app_dispose (GObject *object)
{
  KvotaApp *self = (KvotaApp *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kvota_app_parent_class)->dispose (object);
}

static void
kvota_app_finalize (GObject *object)
{
  KvotaApp *self = (KvotaApp *)object;

  g_clear_pointer (&self->running_language, g_free);

  G_OBJECT_CLASS (kvota_app_parent_class)->finalize (object);
}

static void
kvota_app_class_init (KvotaAppClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kvota_app_dispose;
  object_class->finalize = kvota_app_finalize;

  app_class->activate = kvota_app_activate;
  app_class->startup = kvota_app_startup;
}

static void
kvota_app_init (KvotaApp *self)
{
}

KvotaApp *
kvota_app_new (void)
{
  return g_object_new (KVOTA_TYPE_APP,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

/**
 * kvota_app_get_settings:
 * @self: a #KvotaApp
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
kvota_app_get_settings (KvotaApp *self)
{
  g_return_val_if_fail (KVOTA_IS_APP (self), NULL);

  return self->settings;
}

/**
 * kvota_app_get_running_language:
 * @self: a #KvotaApp
 *
 * The "language" setting the client started with, which is the
 * language its windows show: "" for the system's, or "kk", "ru", "en".
 * The setting may have changed since; it applies at the next start.
 *
 * Returns: (transfer none): the language code, or "" for the system's
 */
const char *
kvota_app_get_running_language (KvotaApp *self)
{
  g_return_val_if_fail (KVOTA_IS_APP (self), NULL);

  return self->running_language != NULL ? self->running_language : "";
}

/**
 * kvota_app_restart:
 * @self: a #KvotaApp
 *
 * Closes every window and quits, asking main () to start the client
 * again in the same process with the same arguments, so that a new
 * language applies. A signed-in session ends with its window.
 */
void
kvota_app_restart (KvotaApp *self)
{
  GDBusConnection *bus = NULL;

  g_return_if_fail (KVOTA_IS_APP (self));

  if (g_application_get_is_registered (G_APPLICATION (self)))
    bus = g_application_get_dbus_connection (G_APPLICATION (self));

  self->restart_requested = TRUE;
  quit_action (NULL, NULL, self);

  /* Give up the application's name on the bus now, or the new process
   * could find it still taken and hand its activation to this one,
   * which is going. */
  if (bus != NULL)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      reply = g_dbus_connection_call_sync (bus,
                                           "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus",
                                           "ReleaseName",
                                           g_variant_new ("(s)", g_application_get_application_id (G_APPLICATION (self))),
                                           G_VARIANT_TYPE ("(u)"),
                                           G_DBUS_CALL_FLAGS_NONE,
                                           -1, NULL, &error);
      if (reply == NULL)
        g_warning ("Could not release the application’s name: %s", error->message);
    }
}

/**
 * kvota_app_get_restart_requested:
 * @self: a #KvotaApp
 *
 * Returns: whether the application quit to start again
 */
gboolean
kvota_app_get_restart_requested (KvotaApp *self)
{
  g_return_val_if_fail (KVOTA_IS_APP (self), FALSE);

  return self->restart_requested;
}
