/* kvota-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "kvota-client.h"
#include "kvota-error.h"

/* The registry's HTTP API as asynchronous calls. Every failure comes back
 * as a GError whose message is a translated sentence the user can read:
 * the server's stable error code turned into text by kvota-error, or a
 * sentence of our own when the server could not be reached at all. */

struct _KvotaClient
{
  GObject       parent_instance;

  SoupSession  *session;
  GUri         *base_uri;
  char         *base_url;

  /* The signed-in session: its token, expiry and user. */
  KvotaSession *login;
  gboolean      enrolment_required;

  /* The application the last login was refused for, as the server
   * described it; see kvota_client_get_refused_application(). */
  KvotaApplication *refused_application;
};

typedef enum
{
  REQUEST_AUTHENTICATED = 1 << 0,
  /* A refused token here does not end the session: it is ending anyway,
   * or there is none yet. */
  REQUEST_KEEP_SESSION  = 1 << 1,
  /* A successful reply is a file (a document), not JSON: it is handed
   * over as it came. Refusals are JSON all the same. */
  REQUEST_RAW           = 1 << 2,
  /* A login: its refusal may carry the applicant's application. */
  REQUEST_LOGIN         = 1 << 3,
} RequestFlags;

typedef struct
{
  SoupMessage         *message;
  char                *server;         /* host[:port], for messages */
  RequestFlags         flags;

  /* For kvota_client_upload_async() */
  KvotaClientProgress  progress;
  gpointer             progress_data;
  goffset              sent;
  goffset              total;
} Request;

G_DEFINE_FINAL_TYPE (KvotaClient, kvota_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_LOGGED_IN,
  N_PROPS
};

enum {
  SESSION_ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A slow registry is still better than none, but a user waits at most this
 * long before being told the server does not answer. */
#define REQUEST_TIMEOUT_SECONDS 60

static void
request_free (gpointer data)
{
  Request *request = data;

  if (request->message != NULL)
    g_signal_handlers_disconnect_by_data (request->message, request);
  g_clear_object (&request->message);
  g_free (request->server);
  g_free (request);
}

static char *
describe_server (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if (host == NULL)
    return g_strdup ("");

  if (port > 0)
    return g_strdup_printf ("%s:%d", host, port);

  return g_strdup (host);
}

static GUri *
parse_base_url (const char  *text,
                GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *path = NULL;
  const char *scheme;

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the address of the registry server."));
      return NULL;
    }

  /* A bare host name means the registry's secure address. */
  if (strstr (trimmed, "://") == NULL)
    with_scheme = g_strconcat ("https://", trimmed, NULL);
  else
    with_scheme = g_strdup (trimmed);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The server address is not valid. Enter it as https://registry.example.kz or http://127.0.0.1:8470."));
      return NULL;
    }

  /* Requests are resolved against the address, so it must end with a
   * slash for a registry served below a path prefix. */
  if (!g_str_has_suffix (g_uri_get_path (uri), "/"))
    {
      path = g_strconcat (g_uri_get_path (uri), "/", NULL);
      return g_uri_build (G_URI_FLAGS_ENCODED,
                          g_uri_get_scheme (uri), NULL,
                          g_uri_get_host (uri), g_uri_get_port (uri),
                          path, NULL, NULL);
    }

  return g_steal_pointer (&uri);
}

static GError *
describe_network_error (const GError *error,
                        const char   *server)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_error_new (error->domain, error->code,
                        _("The registry at %s presented a certificate that cannot be trusted, so Kvota did not connect to it. Ask the registry operator to check the server’s certificate."),
                        server);

  if (error->domain == G_TLS_ERROR)
    return g_error_new (error->domain, error->code,
                        _("Could not make a secure connection to the registry at %s. Check that the address starts with https:// only if the server uses HTTPS."),
                        server);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (error->domain, error->code,
                        _("The registry at %s did not answer in time. Please try again later."),
                        server);

  /* Refused, unreachable, unknown host: the user can only check the
   * address and the network, so say so. */
  return g_error_new (error->domain, error->code,
                      _("Could not reach the registry at %s. Check the server address and your network connection, or try again later."),
                      server);
}

static void
remember_refused_application (KvotaClient *self,
                              JsonNode    *root)
{
  g_autoptr(GError) error = NULL;
  JsonObject *error_object;
  JsonNode *application;

  g_clear_pointer (&self->refused_application, kvota_application_free);

  error_object = json_object_get_object_member (json_node_get_object (root), "error");
  if ((application = json_object_get_member (error_object, "application")) == NULL)
    return;

  self->refused_application = kvota_application_from_json (application, &error);
  if (self->refused_application == NULL)
    g_debug ("Unexpected application in a refused login: %s", error->message);
}

static GError *
error_from_reply (Request  *request,
                  guint     status,
                  JsonNode *root)
{
  JsonObject *object = NULL;
  JsonObject *error_object = NULL;
  const char *code_text = NULL;
  const char *field = NULL;
  g_autofree char *message = NULL;
  KvotaError code;
  GError *error;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);
  if (object != NULL && json_object_has_member (object, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "error")))
    error_object = json_object_get_object_member (object, "error");

  if (error_object == NULL)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        _("The server at %s did not answer like a Kvota registry (HTTP status %u). Check the server address."),
                        request->server, status);

  code_text = json_object_get_string_member_with_default (error_object, "code", NULL);
  field = json_object_get_string_member_with_default (error_object, "field", NULL);

  if (!kvota_error_code_from_string (code_text, &code))
    {
      /* A newer server's code: the generic sentence is all we can say. */
      g_debug ("Unknown error code “%s” (HTTP %u): %s",
               code_text ? code_text : "", status,
               json_object_get_string_member_with_default (error_object, "message", ""));
      code = KVOTA_ERROR_FAILED;
      field = NULL;
    }

  message = kvota_error_describe (code, field);

  if (code == KVOTA_ERROR_APPLICATION_DECLINED &&
      json_object_has_member (error_object, "application") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (error_object, "application")))
    {
      JsonObject *application = json_object_get_object_member (error_object, "application");
      const char *reason = json_object_get_string_member_with_default (application, "reason", NULL);

      if (reason != NULL && reason[0] != '\0')
        {
          g_autofree char *with_reason = NULL;

          /* Translators: the first %s is a sentence saying the application
           * was declined, the second the administrator's reason. */
          with_reason = g_strdup_printf (_("%s The reason given: %s"), message, reason);
          g_free (message);
          message = g_steal_pointer (&with_reason);
        }
    }
  else if (code == KVOTA_ERROR_TOO_MANY_ATTEMPTS)
    {
      const char *retry_after;
      guint64 seconds;

      retry_after = soup_message_headers_get_one (soup_message_get_response_headers (request->message),
                                                  "Retry-After");
      if (retry_after != NULL &&
          g_ascii_string_to_unsigned (retry_after, 10, 1, 24 * 60 * 60, &seconds, NULL))
        {
          guint minutes = (guint) ((seconds + 59) / 60);

          g_free (message);
          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Too many failed attempts. Please try again in %u minute.",
                                                  "Too many failed attempts. Please try again in %u minutes.",
                                                  minutes),
                                     minutes);
        }
    }

  error = g_error_new_literal (KVOTA_ERROR, code, message);
  kvota_error_set_field (error, field);

  return error;
}

static gboolean
error_ends_session (const GError *error)
{
  return g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_INVALID_TOKEN) ||
         g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_SESSION_EXPIRED) ||
         g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_SESSION_REVOKED) ||
         g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_USER_BLOCKED) ||
         g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_UNAUTHENTICATED);
}

static void
clear_session (KvotaClient *self)
{
  gboolean was_logged_in = self->login != NULL;

  g_clear_pointer (&self->login, kvota_session_free);
  self->enrolment_required = FALSE;

  if (was_logged_in)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
}

static void
request_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  KvotaClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gconstpointer data;
  gsize length;
  guint status;

  if ((bytes = soup_session_send_and_read_finish (session, result, &error)) == NULL)
    {
      g_task_return_error (task, describe_network_error (error, request->server));
      return;
    }

  status = soup_message_get_status (request->message);

  if ((request->flags & REQUEST_RAW) != 0 && status >= 200 && status < 300)
    {
      g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }

  data = g_bytes_get_data (bytes, &length);

  if (length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (json_parser_load_from_data (parser, data, (gssize) length, NULL))
        root = json_parser_steal_root (parser);
    }

  if (status >= 200 && status < 300)
    {
      if (length == 0)
        root = json_node_new (JSON_NODE_NULL);

      if (root == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _("The server at %s did not answer like a Kvota registry. Check the server address."),
                                   request->server);
          return;
        }

      g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_node_unref);
      return;
    }

  error = error_from_reply (request, status, root);

  /* An applicant's login is refused with its application's details. */
  if ((request->flags & REQUEST_LOGIN) != 0 &&
      (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_APPLICATION_PENDING) ||
       g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_APPLICATION_DECLINED)))
    remember_refused_application (self, root);

  /* Whoever made the request still gets the error; the window hears
   * once that the session is over and goes back to the login page. */
  if ((request->flags & REQUEST_AUTHENTICATED) != 0 &&
      (request->flags & REQUEST_KEEP_SESSION) == 0 &&
      self->login != NULL &&
      error_ends_session (error))
    {
      clear_session (self);
      g_signal_emit (self, signals[SESSION_ENDED], 0, error);
    }

  g_task_return_error (task, g_steal_pointer (&error));
}

/* A message sent again (its connection closed under it) starts over. */
static void
restarted_cb (SoupMessage *message,
              gpointer     user_data)
{
  Request *request = user_data;

  request->sent = 0;
  request->progress (0, request->total, request->progress_data);
}

static void
wrote_body_data_cb (SoupMessage *message,
                    guint        chunk_size,
                    gpointer     user_data)
{
  Request *request = user_data;

  request->sent = MIN (request->sent + (goffset) chunk_size, request->total);
  request->progress (request->sent, request->total, request->progress_data);
}

static void
request_async_full (KvotaClient         *self,
                    const char          *method,
                    const char          *path,
                    JsonNode            *body,
                    RequestFlags         flags,
                    KvotaClientProgress  progress,
                    gpointer             progress_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  Request *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_client_request_async);

  /* Paths are resolved against the base address, which may carry a
   * prefix: "/api/v1/me" on https://host/kvota/ is https://host/kvota/api/v1/me. */
  while (path[0] == '/')
    path++;

  if ((uri = g_uri_parse_relative (self->base_uri, path, G_URI_FLAGS_ENCODED, &error)) == NULL)
    {
      g_critical ("Cannot build a request for “%s”: %s", path, error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "%s", kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return;
    }

  request = g_new0 (Request, 1);
  request->message = soup_message_new_from_uri (method, uri);
  request->server = describe_server (self->base_uri);
  request->flags = flags;
  g_task_set_task_data (task, request, request_free);

  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if ((flags & REQUEST_AUTHENTICATED) != 0 && self->login != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->login->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      memset (authorization, 0, strlen (authorization));
    }

  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new (text, length);

      soup_message_set_request_body_from_bytes (request->message, "application/json", bytes);
      /* The body may hold a password: do not leave it in freed memory. */
      memset (text, 0, length);

      if (progress != NULL)
        {
          request->progress = progress;
          request->progress_data = progress_data;
          request->total = (goffset) length;
          g_signal_connect (request->message, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), request);
          g_signal_connect (request->message, "restarted", G_CALLBACK (restarted_cb), request);
        }
    }

  soup_session_send_and_read_async (self->session,
                                    request->message,
                                    G_PRIORITY_DEFAULT,
                                    cancellable,
                                    request_sent_cb,
                                    g_steal_pointer (&task));
}

static void
kvota_client_dispose (GObject *object)
{
  KvotaClient *self = (KvotaClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (kvota_client_parent_class)->dispose (object);
}

static void
kvota_client_finalize (GObject *object)
{
  KvotaClient *self = (KvotaClient *)object;

  g_clear_pointer (&self->login, kvota_session_free);
  g_clear_pointer (&self->refused_application, kvota_application_free);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (kvota_client_parent_class)->finalize (object);
}

static void
kvota_client_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KvotaClient *self = KVOTA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_LOGGED_IN:
      g_value_set_boolean (value, kvota_client_get_logged_in (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_client_class_init (KvotaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kvota_client_dispose;
  object_class->finalize = kvota_client_finalize;
  object_class->get_property = kvota_client_get_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOGGED_IN] =
    g_param_spec_boolean ("logged-in", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KvotaClient::session-ended:
   * @error: why: expired, revoked, blocked
   *
   * The server refused the session's token: the user must log in again.
   */
  signals[SESSION_ENDED] =
    g_signal_new ("session-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
kvota_client_init (KvotaClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Kvota/%s", PACKAGE_VERSION);

  self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_SECONDS,
                                                 "user-agent", user_agent,
                                                 NULL);
}

/**
 * kvota_client_new:
 * @base_url: the registry server's address, such as `https://registry.example.kz/`
 *
 * Returns: (transfer full): a client; if @base_url is not a valid address
 *   the client uses the local demo server's until one is set
 */
KvotaClient *
kvota_client_new (const char *base_url)
{
  KvotaClient *self = g_object_new (KVOTA_TYPE_CLIENT, NULL);
  g_autoptr(GError) error = NULL;

  if (!kvota_client_set_base_url (self, base_url, &error))
    {
      g_warning ("Ignoring the server address “%s”: %s", base_url, error->message);
      kvota_client_set_base_url (self, "http://127.0.0.1:8470/", NULL);
    }

  return self;
}

const char *
kvota_client_get_base_url (KvotaClient *self)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * kvota_client_set_base_url:
 * @self: a #KvotaClient
 * @base_url: the server's address; `https://` is assumed without a scheme
 * @error: where to put a translated message when @base_url is not valid
 *
 * Changing the server ends the session with the previous one.
 *
 * Returns: %TRUE if the address was taken
 */
gboolean
kvota_client_set_base_url (KvotaClient  *self,
                           const char   *base_url,
                           GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (KVOTA_IS_CLIENT (self), FALSE);

  if ((uri = parse_base_url (base_url, error)) == NULL)
    return FALSE;

  text = g_uri_to_string (uri);
  if (g_strcmp0 (text, self->base_url) == 0)
    return TRUE;

  clear_session (self);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  self->base_uri = g_steal_pointer (&uri);
  g_free (self->base_url);
  self->base_url = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);

  return TRUE;
}

gboolean
kvota_client_get_logged_in (KvotaClient *self)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), FALSE);

  return self->login != NULL;
}

/**
 * kvota_client_get_user:
 * @self: a #KvotaClient
 *
 * Returns: (transfer none) (nullable): the signed-in user
 */
const KvotaUser *
kvota_client_get_user (KvotaClient *self)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), NULL);

  return self->login != NULL ? self->login->user : NULL;
}

/**
 * kvota_client_get_enrolment_required:
 * @self: a #KvotaClient
 *
 * Returns: %TRUE if the session may only set up two-factor login
 */
gboolean
kvota_client_get_enrolment_required (KvotaClient *self)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), FALSE);

  return self->login != NULL && self->enrolment_required;
}

/**
 * kvota_client_request_async:
 * @self: a #KvotaClient
 * @method: the HTTP method
 * @path: the path below the base address with its query, escaped, such as
 *   `/api/v1/transactions?after=83`
 * @body: (nullable): the JSON body to send
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the reply is in
 * @user_data: data for @callback
 *
 * Sends a request with the session's token.
 */
void
kvota_client_request_async (KvotaClient         *self,
                            const char          *method,
                            const char          *path,
                            JsonNode            *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (KVOTA_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_async_full (self, method, path, body, REQUEST_AUTHENTICATED, NULL, NULL,
                      cancellable, callback, user_data);
}

/**
 * kvota_client_upload_async:
 * @self: a #KvotaClient
 * @method: the HTTP method
 * @path: the path below the server address, such as `/api/v1/naps`
 * @body: the JSON body, large enough for its progress to matter
 * @progress: called on the main context as the body is sent
 * @progress_data: data for @progress, alive until @callback runs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has answered
 * @user_data: data for @callback
 *
 * Like kvota_client_request_async(), telling @progress how many bytes of
 * the body are sent. Finish with kvota_client_request_finish().
 */
void
kvota_client_upload_async (KvotaClient         *self,
                           const char          *method,
                           const char          *path,
                           JsonNode            *body,
                           KvotaClientProgress  progress,
                           gpointer             progress_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (KVOTA_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (progress != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_async_full (self, method, path, body, REQUEST_AUTHENTICATED, progress, progress_data,
                      cancellable, callback, user_data);
}

/**
 * kvota_client_request_finish:
 * @self: a #KvotaClient
 * @result: the #GAsyncResult
 * @error: where to put the error: in the %KVOTA_ERROR domain for the
 *   server's refusals (with kvota_error_get_field()), in %G_IO_ERROR,
 *   %G_RESOLVER_ERROR or %G_TLS_ERROR when the server was not reached;
 *   its message is always a translated sentence for the user
 *
 * Returns: (transfer full) (nullable): the reply's JSON (a null node for a
 *   reply without a body), or %NULL on error
 */
JsonNode *
kvota_client_request_finish (KvotaClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
logged_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KvotaClient *self = KVOTA_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaSession) login = NULL;
  JsonObject *reply;

  if ((root = kvota_client_request_finish (self, result, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if ((login = kvota_session_from_json (root, &error)) == NULL)
    {
      g_debug ("Unexpected login reply: %s", error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "%s", kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return;
    }

  reply = json_node_get_object (root);

  clear_session (self);
  self->login = g_steal_pointer (&login);
  self->enrolment_required =
    json_object_get_boolean_member_with_default (reply, "two_factor_enrolment_required", FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);

  g_task_return_boolean (task, TRUE);
}

/**
 * kvota_client_log_in_async:
 * @self: a #KvotaClient
 * @username: the username
 * @password: the password
 * @otp: (nullable): the one-time code, for users with two-factor login
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the login is done
 * @user_data: data for @callback
 *
 * Opens a session. Afterwards kvota_client_get_user() is the user, and
 * kvota_client_get_enrolment_required() says whether the session may only
 * set up two-factor login.
 */
void
kvota_client_log_in_async (KvotaClient         *self,
                           const char          *username,
                           const char          *password,
                           const char          *otp,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (KVOTA_IS_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_client_log_in_async);

  g_clear_pointer (&self->refused_application, kvota_application_free);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  if (otp != NULL && otp[0] != '\0')
    {
      json_builder_set_member_name (builder, "otp");
      json_builder_add_string_value (builder, otp);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  request_async_full (self, "POST", "/api/v1/session", body, REQUEST_KEEP_SESSION | REQUEST_LOGIN, NULL, NULL,
                      cancellable, logged_in_cb, g_steal_pointer (&task));
}

gboolean
kvota_client_log_in_finish (KvotaClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kvota_client_get_refused_application:
 * @self: a #KvotaClient
 *
 * After a login refused with %KVOTA_ERROR_APPLICATION_PENDING or
 * %KVOTA_ERROR_APPLICATION_DECLINED: the applicant's application as the
 * server described it (who decided it is left out).
 *
 * Returns: (transfer none) (nullable): the application, or %NULL
 */
const KvotaApplication *
kvota_client_get_refused_application (KvotaClient *self)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), NULL);

  return self->refused_application;
}

static void
logged_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KvotaClient *self = KVOTA_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (self, result, &error);

  /* A token the server no longer knows is as logged out as can be. */
  if (root == NULL && !error_ends_session (error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kvota_client_log_out_async:
 * @self: a #KvotaClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has forgotten the token
 * @user_data: data for @callback
 *
 * Ends the session. The client forgets the token at once, whatever the
 * server answers.
 */
void
kvota_client_log_out_async (KvotaClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *authorization = NULL;

  g_return_if_fail (KVOTA_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_client_log_out_async);

  if (self->login == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The request carries the token; the session is gone for the rest of
   * the client as soon as the request is made. */
  request_async_full (self, "DELETE", "/api/v1/session", NULL,
                      REQUEST_AUTHENTICATED | REQUEST_KEEP_SESSION, NULL, NULL,
                      cancellable, logged_out_cb, g_steal_pointer (&task));
  clear_session (self);
}

gboolean
kvota_client_log_out_finish (KvotaClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
user_refreshed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KvotaClient *self = KVOTA_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) user = NULL;
  JsonObject *reply;

  if ((root = kvota_client_request_finish (self, result, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (user = kvota_user_from_json (json_object_get_member (json_node_get_object (root), "user"),
                                    &error)) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "%s", kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return;
    }

  if (self->login == NULL)
    {
      g_task_return_new_error (task, KVOTA_ERROR, KVOTA_ERROR_UNAUTHENTICATED,
                               "%s", kvota_error_code_describe (KVOTA_ERROR_UNAUTHENTICATED));
      return;
    }

  reply = json_node_get_object (root);
  kvota_user_free (self->login->user);
  self->login->user = g_steal_pointer (&user);
  self->enrolment_required =
    json_object_get_boolean_member_with_default (reply, "two_factor_required", FALSE) &&
    !json_object_get_boolean_member_with_default (reply, "two_factor", FALSE);

  g_task_return_boolean (task, TRUE);
}

/**
 * kvota_client_refresh_user_async:
 * @self: a #KvotaClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the user is read again
 * @user_data: data for @callback
 *
 * Reads the signed-in user again from `GET /api/v1/me`, such as after
 * the two-factor enrolment that turns the session into a full one.
 */
void
kvota_client_refresh_user_async (KvotaClient         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KVOTA_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kvota_client_refresh_user_async);

  kvota_client_request_async (self, "GET", "/api/v1/me", NULL, cancellable,
                              user_refreshed_cb, g_steal_pointer (&task));
}

gboolean
kvota_client_refresh_user_finish (KvotaClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kvota_client_error_is_session_end:
 * @error: an error from a request
 *
 * Returns: %TRUE if @error ended the session; the window tells the user
 *   already, so the page that made the request stays quiet
 */
gboolean
kvota_client_error_is_session_end (const GError *error)
{
  return error != NULL && error_ends_session (error);
}

/**
 * kvota_client_download_async:
 * @self: a #KvotaClient
 * @path: the path below the base address, escaped, such as
 *   `/api/v1/documents/SHA256`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is in
 * @user_data: data for @callback
 *
 * Fetches a file the registry keeps (a document, a workbook) with the
 * session's token. A refusal comes back as kvota_client_request_finish()
 * would give it.
 */
void
kvota_client_download_async (KvotaClient         *self,
                             const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (KVOTA_IS_CLIENT (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_async_full (self, "GET", path, NULL, REQUEST_AUTHENTICATED | REQUEST_RAW, NULL, NULL,
                      cancellable, callback, user_data);
}

/**
 * kvota_client_download_finish:
 * @self: a #KvotaClient
 * @result: the #GAsyncResult
 * @error: where to put a translated error
 *
 * Returns: (transfer full) (nullable): the file's content, or %NULL on error
 */
GBytes *
kvota_client_download_finish (KvotaClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
