/* bench-soup-floor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The floor for an HTTP reply of the same libsoup 3 that kvota-server
 * uses: a SoupServer on one loopback port that answers every request with
 * one constant JSON body of SIZE bytes, with the content type, the
 * Cache-Control header and a Server header of the length kvota-server
 * sends, so that the reply is as long as kvota-server's. Nothing is read, looked up or built per request.
 * registry-bench.py runs it beside kvota-server under wrk.
 *
 *   bench-soup-floor SIZE      prints "Listening on URL" and serves until killed
 */

#define G_LOG_DOMAIN "bench-soup-floor"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <libsoup/soup.h>

static char *body;
static gsize body_length;

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (message, "application/json; charset=utf-8",
                                    SOUP_MEMORY_STATIC, body, body_length);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* {"account":"KZ-100-000000","pad":"xxx…"}, padded to @size bytes. */
static char *
make_body (gsize size)
{
  const char *head = "{\"account\":\"KZ-100-000000\",\"pad\":\"";
  const char *tail = "\"}";
  GString *text = g_string_new (head);

  while (text->len + strlen (tail) < size)
    g_string_append_c (text, 'x');
  g_string_append (text, tail);

  return g_string_free (text, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) main_loop = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size;
  GSList *uris;

  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 40, 1 << 20, &size, NULL))
    {
      g_printerr ("Usage: bench-soup-floor SIZE   (40 bytes to 1 MiB)\n");
      return 2;
    }

  body = make_body (size);
  body_length = strlen (body);

  /* As long as kvota-server's "kvota-server/VERSION ". */
  server = soup_server_new ("server-header", "bench-floors/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (server, NULL, handler_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("bench-soup-floor: %s\n", error->message);
      return 1;
    }

  uris = soup_server_get_uris (server);
  for (const GSList *l = uris; l != NULL; l = l->next)
    {
      g_autofree char *uri = g_uri_to_string (l->data);

      g_print ("Listening on %s\n", uri);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fflush (stdout);

  main_loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, main_loop);
  g_unix_signal_add (SIGTERM, quit_cb, main_loop);
  g_main_loop_run (main_loop);

  g_free (body);
  return 0;
}
