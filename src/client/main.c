/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "kvota-app.h"

/* The locales tried for a language chosen in the preferences, best
 * first. Kazakhstan's own come first; then wherever the language is
 * at home. */
static const struct {
  const char *language;
  const char *locales[3];
} language_locales[] = {
  { "kk", { "kk_KZ.UTF-8", NULL } },
  { "ru", { "ru_KZ.UTF-8", "ru_RU.UTF-8", NULL } },
  { "en", { "en_US.UTF-8", "en_GB.UTF-8", NULL } },
};

/* LANGUAGE as the client found it, put back before a restart so that
 * the new process chooses afresh (the user may have gone back to the
 * system's language). */
static char *original_language;
static gboolean original_language_set;

/* Run from the build tree (`./kvota-dev run`, the UI tests), the client
 * finds its settings schema and translations there rather than in the
 * installed places, which may hold an older Kvota or nothing. */
static gboolean
running_uninstalled (void)
{
  g_autofree char *program = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_root = g_canonicalize_filename (KVOTA_BUILD_ROOT, "/");

  return program != NULL &&
         g_str_has_prefix (program, build_root) &&
         program[strlen (build_root)] == G_DIR_SEPARATOR;
}

/* The "language" setting, read before GTK starts and before anything is
 * translated; NULL when there is no schema to read it from (an older
 * Kvota's installed schema lacks the key). */
static char *
read_language_setting (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source == NULL ||
      (schema = g_settings_schema_source_lookup (source, KVOTA_SCHEMA_ID, TRUE)) == NULL ||
      !g_settings_schema_has_key (schema, "language"))
    return NULL;

  settings = g_settings_new_full (schema, NULL, NULL);

  return g_settings_get_string (settings, "language");
}

static gboolean
locale_is_c (const char *locale)
{
  return locale == NULL ||
         strcmp (locale, "C") == 0 ||
         strcmp (locale, "POSIX") == 0;
}

/* Whether @locale ("ru_RU.UTF-8", "kk_KZ", "en") is one of @language. */
static gboolean
locale_is_language (const char *locale,
                    const char *language)
{
  gsize length = strlen (language);

  return locale != NULL &&
         strncmp (locale, language, length) == 0 &&
         strchr ("_.@", locale[length]) != NULL;
}

/* Sets @category to @locale, or leaves it as it was when the C library
 * has no such locale. */
static gboolean
try_locale (int         category,
            const char *locale)
{
  return setlocale (category, locale) != NULL;
}

/* Shows the client in @language whatever the system's locale, which
 * setlocale (LC_ALL, "") has already applied. Translations come from
 * LANGUAGE; numbers and dates from LC_NUMERIC and LC_TIME, which follow
 * the language when the system has a locale for it, and otherwise fall
 * back to C.UTF-8 rather than another language's conventions (the
 * figures are then grouped by a narrow space, as in Kazakh and Russian;
 * see kvota-format.c). */
static void
apply_language (const char *language)
{
  g_autofree char *messages = g_strdup (setlocale (LC_MESSAGES, NULL));
  const char *chosen = NULL;

  if (locale_is_language (messages, language))
    chosen = messages;

  for (guint i = 0; chosen == NULL && i < G_N_ELEMENTS (language_locales); i++)
    {
      if (strcmp (language_locales[i].language, language) != 0)
        continue;

      for (guint j = 0; chosen == NULL && language_locales[i].locales[j] != NULL; j++)
        if (try_locale (LC_MESSAGES, language_locales[i].locales[j]))
          chosen = language_locales[i].locales[j];
    }

  if (chosen != NULL)
    {
      try_locale (LC_MESSAGES, chosen);
      try_locale (LC_NUMERIC, chosen);
      try_locale (LC_TIME, chosen);

      if (locale_is_c (setlocale (LC_CTYPE, NULL)))
        try_locale (LC_CTYPE, chosen);
    }
  else
    {
      /* gettext ignores LANGUAGE when LC_MESSAGES is "C" or "POSIX",
       * but not in C.UTF-8, which every glibc system has. */
      if (locale_is_c (messages))
        try_locale (LC_MESSAGES, "C.UTF-8");

      if (!locale_is_language (setlocale (LC_NUMERIC, NULL), language))
        try_locale (LC_NUMERIC, "C.UTF-8");
      if (!locale_is_language (setlocale (LC_TIME, NULL), language))
        try_locale (LC_TIME, "C.UTF-8");
      if (locale_is_c (setlocale (LC_CTYPE, NULL)))
        try_locale (LC_CTYPE, "C.UTF-8");
    }

  /* English has no catalogue: a language that is not found means the
   * source strings, which are English. */
  g_setenv ("LANGUAGE", language, TRUE);
}

static void
setup_locale (const char *localedir)
{
  g_autofree char *language = NULL;

  original_language = g_strdup (g_getenv ("LANGUAGE"));
  original_language_set = original_language != NULL;

  setlocale (LC_ALL, "");

  language = read_language_setting ();
  if (language != NULL && language[0] != '\0')
    apply_language (language);

  /* GTK would otherwise set the system's locale again. */
  gtk_disable_setlocale ();

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Starts the client again in this process, as it was started, once the
 * old one has closed its windows: for a new language to apply, every
 * string must be looked up afresh, and only a new start does that. */
static void
restart (char **argv)
{
  g_autofree char *program = NULL;
  int saved_errno;

  g_settings_sync ();

  if (original_language_set)
    g_setenv ("LANGUAGE", original_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  /* The very program that runs, unless an upgrade has replaced it;
   * then whatever the command that started it finds now. */
  program = g_file_read_link ("/proc/self/exe", NULL);
  if (program != NULL)
    execv (program, argv);

  execvp (argv[0], argv);
  saved_errno = errno;

  g_critical ("Could not start Kvota again: %s", g_strerror (saved_errno));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KvotaApp) app = NULL;
  const char *localedir = LOCALEDIR;
  int status;

  if (running_uninstalled ())
    {
      g_setenv ("GSETTINGS_SCHEMA_DIR", KVOTA_BUILD_ROOT "/data", FALSE);
      localedir = KVOTA_BUILD_ROOT "/po";
    }

  setup_locale (localedir);

  g_set_application_name (_("Kvota"));

  app = kvota_app_new ();

  status = g_application_run (G_APPLICATION (app), argc, argv);

  if (kvota_app_get_restart_requested (app))
    restart (argv);

  return status;
}
