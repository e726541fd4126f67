/* kvota-app.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-app"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-app.h"
#include "kvota-window.h"

struct _KvotaApp
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (KvotaApp, kvota_app, ADW_TYPE_APPLICATION)

/* The GtkApplication of the client. It is KvotaApp, not
 * KvotaApplication: that name is the core library's registration
 * application record. */

/* The schema id is the same for development builds; only the
 * application id differs, so both can run side by side. */
#define SCHEMA_ID "kz.kvota.Kvota"
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
    { "app.shortcuts", { "<Control>question", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (kvota_app_parent_class)->startup (app);

  self->settings = g_settings_new (SCHEMA_ID);

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
kvota_app_class_init (KvotaAppClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kvota_app_dispose;

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
