/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "kvota-secret.h"
#include "kvota-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaServer) server = NULL;
  g_autoptr(GMainLoop) main_loop = NULL;
  g_autofree char *db = NULL;
  /* GOption does not free a default it replaces: keep none here. */
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  gboolean list_routes = FALSE;
  int session_lifetime = KVOTA_SERVER_DEFAULT_SESSION_LIFETIME;
  GSList *uris;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      N_("The registry database (made with “kvotactl init”)"), N_("PATH") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port to listen on; port 0 picks a free one (default 127.0.0.1:8470)"), N_("ADDRESS:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("Serve HTTPS with this PEM certificate"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("PEM private key of the certificate"), N_("FILE") },
    { "session-lifetime", 0, 0, G_OPTION_ARG_INT, &session_lifetime,
      N_("How long a login lasts, in seconds (default 8 hours)"), N_("SECONDS") },
    { "list-routes", 0, 0, G_OPTION_ARG_NONE, &list_routes,
      N_("Print every route of the API and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Serve a Kvota carbon units registry over HTTP or HTTPS."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kvota-server: %s\n", error->message);
      return 2;
    }

  if (!kvota_secret_init (&error))
    {
      g_printerr ("kvota-server: %s\n", error->message);
      return 1;
    }

  if (list_routes)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      kvota_server_print_routes (out);
      fputs (out->str, stdout);
      return 0;
    }

  if (db == NULL)
    {
      g_printerr ("kvota-server: %s\n", _("Please give the registry to serve: --db PATH."));
      return 2;
    }

  if (session_lifetime <= 0)
    {
      g_printerr ("kvota-server: %s\n", _("The session lifetime must be a positive number of seconds."));
      return 2;
    }

  if ((store = kvota_store_open (db, FALSE, &error)) == NULL)
    {
      g_printerr ("kvota-server: %s\n", error->message);
      return 1;
    }

  server = kvota_server_new (store);
  kvota_server_set_session_lifetime (server, (guint) session_lifetime);

  if (!kvota_server_listen (server, listen != NULL ? listen : "127.0.0.1:8470", tls_cert, tls_key, &error))
    {
      g_printerr ("kvota-server: %s\n", error->message);
      return 1;
    }

  uris = kvota_server_get_uris (server);
  for (const GSList *l = uris; l != NULL; l = l->next)
    {
      g_autofree char *uri = g_uri_to_string (l->data);

      /* Tests and scripts read this line to find a port picked by the
       * system, so it is the same in every language. */
      g_print ("Listening on %s\n", uri);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fflush (stdout);

  main_loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, main_loop);
  g_unix_signal_add (SIGTERM, quit_cb, main_loop);
  g_main_loop_run (main_loop);
  kvota_server_shutdown (server);

  return 0;
}
