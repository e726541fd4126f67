/* test-tls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-tls"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* kvota-server over HTTPS with --tls-cert and --tls-key, reached by a
 * client that trusts exactly the server's self-signed certificate. */

static void
test_tls (void)
{
  g_autoptr(KvotaTestServer) server = NULL;
  g_autoptr(KvotaTestReply) health = NULL;
  g_autoptr(KvotaTestReply) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  GTlsBackend *backend;
  int status;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  /* HTTPS needs GIO's TLS module, from glib-networking. */
  backend = g_tls_backend_get_default ();
  if (!g_tls_backend_supports_tls (backend))
    {
      g_test_skip ("GIO has no TLS backend: install glib-networking");
      return;
    }

  server = kvota_test_server_new ();
  cert = g_build_filename (server->dir, "cert.pem", NULL);
  key = g_build_filename (server->dir, "key.pem", NULL);

  status = kvota_test_run (&out, &err, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-subj", "/CN=localhost", "-days", "1",
                           "-keyout", key, "-out", cert, NULL);
  if (status != 0)
    g_error ("openssl req exited with %d: %s", status, err);

  server->trusted = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);

  kvota_test_server_start (server, "--tls-cert", cert, "--tls-key", key, NULL);
  g_assert_true (g_str_has_prefix (server->base_url, "https://127.0.0.1:"));

  health = kvota_test_server_request (server, "GET", "/api/v1/health", NULL, NULL, 0);
  kvota_test_assert_status (health, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (health, "status"), ==, "ok");

  /* Logging in works over the encrypted connection, as everything else. */
  token = kvota_test_server_login (server, KVOTA_TEST_ADMIN);
  me = kvota_test_server_request (server, "GET", "/api/v1/me", token, NULL, 0);
  kvota_test_assert_status (me, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (me, "user.username"), ==, "admin");
}

/* A client that does not trust the certificate gets no answer at all. */
static void
test_tls_untrusted (void)
{
  g_autoptr(KvotaTestServer) server = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *err = NULL;
  g_autofree char *uri = NULL;

  if (openssl == NULL || !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("openssl or GIO's TLS backend (glib-networking) is missing");
      return;
    }

  server = kvota_test_server_new ();
  cert = g_build_filename (server->dir, "cert.pem", NULL);
  key = g_build_filename (server->dir, "key.pem", NULL);
  g_assert_cmpint (kvota_test_run (NULL, &err, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                   "-subj", "/CN=localhost", "-days", "1",
                                   "-keyout", key, "-out", cert, NULL), ==, 0);

  kvota_test_server_start (server, "--tls-cert", cert, "--tls-key", key, NULL);

  uri = g_strconcat (server->base_url, "/api/v1/health", NULL);
  message = soup_message_new ("GET", uri);
  body = soup_session_send_and_read (server->session, message, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);

  /* Plain HTTP to the HTTPS port gets nothing either. */
  {
    g_autofree char *plain_uri = NULL;
    g_autoptr(SoupMessage) plain = NULL;
    g_autoptr(GBytes) plain_body = NULL;
    g_autoptr(GError) plain_error = NULL;

    plain_uri = g_strconcat ("http://", server->base_url + strlen ("https://"), "/api/v1/health", NULL);
    plain = soup_message_new ("GET", plain_uri);
    plain_body = soup_session_send_and_read (server->session, plain, NULL, &plain_error);
    g_assert_true (plain_body == NULL || soup_message_get_status (plain) != 200);
  }

  /* The server is unharmed by both. */
  g_clear_error (&error);
  server->trusted = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  kvota_test_server_assert_health (server);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/tls", test_tls);
  g_test_add_func ("/server/tls/untrusted", test_tls_untrusted);

  return g_test_run ();
}
