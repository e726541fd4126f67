/* kvota-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-preferences-window.h"

struct _KvotaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  KvotaApp             *app;
  GSettings            *settings;

  AdwComboRow          *language_row;

  /* Offers to restart while the chosen language is not the one shown. */
  AdwToast             *restart_toast;
};

G_DEFINE_FINAL_TYPE (KvotaPreferencesWindow, kvota_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The "language" setting of each row of the combo, in the order of the
 * template's string list. */
static const char * const language_codes[] = { "", "kk", "ru", "en" };

static guint
find_language (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (language_codes); i++)
    if (g_strcmp0 (language_codes[i], code) == 0)
      return i;

  return 0;
}

static void
restart_toast_dismissed_cb (KvotaPreferencesWindow *self,
                            AdwToast               *toast)
{
  if (self->restart_toast == toast)
    g_clear_object (&self->restart_toast);
}

static void
update_restart_toast (KvotaPreferencesWindow *self,
                      const char             *language)
{
  gboolean needed = g_strcmp0 (language, kvota_app_get_running_language (self->app)) != 0;

  if (!needed)
    {
      if (self->restart_toast != NULL)
        adw_toast_dismiss (self->restart_toast);
      return;
    }

  if (self->restart_toast != NULL)
    return;

  self->restart_toast = adw_toast_new (_("Restart to change the language"));
  adw_toast_set_button_label (self->restart_toast, _("_Restart Now"));
  adw_toast_set_action_name (self->restart_toast, "app.restart");
  adw_toast_set_timeout (self->restart_toast, 0);
  adw_toast_set_priority (self->restart_toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (self->restart_toast, "dismissed",
                           G_CALLBACK (restart_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    g_object_ref (self->restart_toast));
}

static void
language_row_selected_cb (KvotaPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->language_row);
  const char *language;

  if (self->settings == NULL || selected >= G_N_ELEMENTS (language_codes))
    return;

  language = language_codes[selected];
  g_settings_set_string (self->settings, "language", language);

  update_restart_toast (self, language);
}

static void
kvota_preferences_window_dispose (GObject *object)
{
  KvotaPreferencesWindow *self = (KvotaPreferencesWindow *)object;

  g_clear_object (&self->restart_toast);
  g_clear_object (&self->settings);
  g_clear_object (&self->app);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (kvota_preferences_window_parent_class)->dispose (object);
}

static void
kvota_preferences_window_class_init (KvotaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaPreferencesWindow, language_row);
  gtk_widget_class_bind_template_callback (widget_class, language_row_selected_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kvota_preferences_window_init (KvotaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KvotaPreferencesWindow *
kvota_preferences_window_new (KvotaApp *application)
{
  KvotaPreferencesWindow *self;
  g_autofree char *language = NULL;

  g_return_val_if_fail (KVOTA_IS_APP (application), NULL);

  self = g_object_new (KVOTA_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       NULL);
  self->app = g_object_ref (application);
  self->settings = g_object_ref (kvota_app_get_settings (application));

  /* Selecting the stored language saves it again, which is harmless, and
   * offers the restart when it is still to take effect (chosen earlier
   * and the window closed without restarting). */
  language = g_settings_get_string (self->settings, "language");
  if (adw_combo_row_get_selected (self->language_row) == find_language (language))
    language_row_selected_cb (self);
  else
    adw_combo_row_set_selected (self->language_row, find_language (language));

  return self;
}
