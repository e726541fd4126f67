/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-app.h"

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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KvotaApp) app = NULL;
  const char *localedir = LOCALEDIR;

  if (running_uninstalled ())
    {
      g_setenv ("GSETTINGS_SCHEMA_DIR", KVOTA_BUILD_ROOT "/data", FALSE);
      localedir = KVOTA_BUILD_ROOT "/po";
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Kvota"));

  app = kvota_app_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
