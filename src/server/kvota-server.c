/* kvota-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-server-private.h"

#define API_PREFIX "/api/v1/"

G_DEFINE_FINAL_TYPE (KvotaServer, kvota_server, G_TYPE_OBJECT)

static void
request_free (KvotaRequest *request)
{
  g_clear_pointer (&request->principal, kvota_principal_free);
  g_clear_pointer (&request->token_hash, g_free);
  g_clear_pointer (&request->query, g_hash_table_unref);
  for (guint i = 0; i < KVOTA_ROUTE_MAX_PARAMS; i++)
    g_free (request->param_storage[i]);
  g_clear_object (&request->message);
  g_free (request);
}

/* Matches @path against @pattern segment by segment, capturing {…}. It
 * runs for every route on every request, so it walks the pattern in
 * place rather than splitting it. */
static gboolean
match_pattern (const char   *pattern,
               char        **segments,
               KvotaRequest *request)
{
  const char *part = pattern + 1;
  guint n_params = 0;
  guint i;

  for (i = 0; ; i++)
    {
      const char *end = strchr (part, '/');
      gsize length = end != NULL ? (gsize) (end - part) : strlen (part);

      if (segments[i] == NULL)
        return FALSE;

      if (part[0] == '{')
        {
          if (segments[i][0] == '\0' || n_params >= KVOTA_ROUTE_MAX_PARAMS)
            return FALSE;
          if (request != NULL)
            {
              g_free (request->param_storage[n_params]);
              request->param_storage[n_params] = g_uri_unescape_string (segments[i], "/");
              request->params[n_params] = request->param_storage[n_params];
            }
          n_params++;
        }
      else if (strncmp (part, segments[i], length) != 0 || segments[i][length] != '\0')
        return FALSE;

      if (end == NULL)
        break;
      part = end + 1;
    }

  if (segments[i + 1] != NULL)
    return FALSE;

  if (request != NULL)
    request->n_params = n_params;

  return TRUE;
}

/* Finds the route for @method and @path. When the path exists but not
 * for @method, @path_known is set so the caller can answer 405. */
static const KvotaRoute *
find_route (const char   *method,
            const char   *path,
            KvotaRequest *request,
            gboolean     *path_known)
{
  g_auto(GStrv) segments = g_strsplit (path + 1, "/", -1);

  *path_known = FALSE;

  for (guint i = 0; i < _kvota_n_routes; i++)
    {
      const KvotaRoute *route = &_kvota_routes[i];

      if (!match_pattern (route->pattern, segments, NULL))
        continue;

      *path_known = TRUE;
      /* HEAD is GET without the body; libsoup leaves the body out. */
      if (strcmp (route->method, method) != 0 &&
          !(strcmp (method, "HEAD") == 0 && strcmp (route->method, "GET") == 0))
        continue;

      if (request != NULL)
        match_pattern (route->pattern, segments, request);
      return route;
    }

  return NULL;
}

static char *
allowed_methods (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path + 1, "/", -1);
  g_autoptr(GString) allow = g_string_new (NULL);

  for (guint i = 0; i < _kvota_n_routes; i++)
    {
      if (!match_pattern (_kvota_routes[i].pattern, segments, NULL))
        continue;
      if (strstr (allow->str, _kvota_routes[i].method) != NULL)
        continue;
      if (allow->len > 0)
        g_string_append (allow, ", ");
      g_string_append (allow, _kvota_routes[i].method);
    }

  return g_string_free (g_steal_pointer (&allow), FALSE);
}

static guint32
principal_access (const KvotaPrincipal *principal)
{
  return KVOTA_ACCESS_BIT (principal->role, principal->holder_type);
}

gboolean
_kvota_principal_is_oversight (const KvotaPrincipal *principal)
{
  return (principal_access (principal) & ACCESS_OVERSIGHT) != 0;
}

/* What a principal may list of sale orders and buy requests: oversight
 * sees all, an intermediary what it handles, anyone else its own. */
void
_kvota_principal_list_scope (const KvotaPrincipal *principal,
                             gint64               *organisation_id,
                             gint64               *intermediary_id)
{
  gboolean intermediary = kvota_holder_type_is_intermediary (principal->holder_type);

  *organisation_id = !_kvota_principal_is_oversight (principal) && !intermediary ? principal->organisation_id : 0;
  *intermediary_id = intermediary ? principal->organisation_id : 0;
}

/* Guessing a password, at the login or inside a session: a check counts
 * as a failure from the moment it starts until it is answered, since
 * guesses sent at the same moment would otherwise all pass the throttle
 * before the first of them is recorded. Usernames are told apart as the
 * store tells them apart, regardless of ASCII case. */
gboolean
_kvota_server_attempts_exhausted (KvotaServer *self,
                                  const char  *username)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = g_date_time_add_seconds (now, -KVOTA_LOGIN_WINDOW_SECONDS);
  g_autofree char *key = g_ascii_strdown (username, -1);
  guint in_flight = GPOINTER_TO_UINT (g_hash_table_lookup (self->attempts_in_flight, key));

  return kvota_store_count_login_failures (self->store, username, since) + in_flight >= KVOTA_LOGIN_MAX_FAILURES;
}

/* Returns: (transfer full): what to give _kvota_server_end_attempt() */
char *
_kvota_server_begin_attempt (KvotaServer *self,
                             const char  *username)
{
  char *key = g_ascii_strdown (username, -1);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->attempts_in_flight, key));

  g_hash_table_replace (self->attempts_in_flight, g_strdup (key), GUINT_TO_POINTER (count + 1));
  return key;
}

void
_kvota_server_end_attempt (KvotaServer *self,
                           char        *key)
{
  guint count;

  if (key == NULL)
    return;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->attempts_in_flight, key));
  g_assert (count > 0);
  if (count > 1)
    g_hash_table_replace (self->attempts_in_flight, g_strdup (key), GUINT_TO_POINTER (count - 1));
  else
    g_hash_table_remove (self->attempts_in_flight, key);
  g_free (key);
}

/* Administrators must use two-factor login when the registry says so:
 * `kvotactl init` turns it on; a demo registry leaves it off. */
gboolean
_kvota_server_two_factor_required (KvotaServer *self,
                                   KvotaRole    role)
{
  g_autofree char *setting = NULL;

  if (role != KVOTA_ROLE_ADMINISTRATOR)
    return FALSE;

  setting = kvota_store_get_setting (self->store, "require-admin-two-factor");
  return g_strcmp0 (setting, "true") == 0;
}

JsonNode *
_kvota_object_node (const char *member,
                    JsonNode   *value)
{
  JsonObject *object = json_object_new ();

  json_object_set_member (object, member, value);
  return json_node_init_object (json_node_alloc (), object);
}

/* A JSON array of @items, each written by @to_json. */
JsonNode *
_kvota_array_node (GPtrArray   *items,
                   KvotaToJson  to_json)
{
  JsonArray *array = json_array_sized_new (items->len);
  JsonNode *node;

  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, to_json (g_ptr_array_index (items, i)));

  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return node;
}

const char *
_kvota_request_actor (KvotaRequest *request)
{
  return request->principal != NULL ? request->principal->username : "anonymous";
}

static void
reply_data (KvotaRequest *request,
            guint         status,
            GBytes       *data)
{
  SoupServerMessage *message = request->message;

  soup_server_message_set_status (message, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Cache-Control", "no-store");
  if (data != NULL)
    {
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (message),
                                             "application/json; charset=utf-8", NULL);
      soup_message_body_truncate (soup_server_message_get_response_body (message));
      soup_message_body_append_bytes (soup_server_message_get_response_body (message), data);
    }
}

static GBytes *
generate (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  char *data;
  gsize length;

  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);

  return g_bytes_new_take (data, length);
}

void
_kvota_request_reply_json (KvotaRequest *request,
                           guint         status,
                           JsonNode     *node)
{
  g_autoptr(GBytes) data = node != NULL ? generate (node) : NULL;

  reply_data (request, status, data);
}

/* Replies that only change with the registry, such as an account's
 * balance, are encoded once and kept under @key (route and parameters)
 * until the registry changes; see _kvota_server_check_caches(). Only
 * for routes that need a session: authenticating the request checked the
 * registry's version. The caller checks first whether the request may see
 * the reply at all. */
gboolean
_kvota_request_reply_cached (KvotaRequest *request,
                             const char   *key)
{
  GBytes *data;

  g_return_val_if_fail (request->principal != NULL, FALSE);

  data = g_hash_table_lookup (request->server->replies, key);

  if (data == NULL)
    return FALSE;

  reply_data (request, SOUP_STATUS_OK, data);
  return TRUE;
}

void
_kvota_request_reply_json_cached (KvotaRequest *request,
                                  const char   *key,
                                  JsonNode     *node)
{
  g_autoptr(GBytes) data = generate (node);

  g_hash_table_replace (request->server->replies, g_strdup (key), g_bytes_ref (data));
  reply_data (request, SOUP_STATUS_OK, data);
}

/* Every error the server sends goes through here, as
 * {"error": {"code", "message", "field"}}. The message is English: clients
 * translate from the code, which never changes. */
void
_kvota_request_reply_error (KvotaRequest *request,
                            const GError *error)
{
  _kvota_request_reply_error_with (request, error, NULL, NULL);
}

/* The same, with one more member in the error object: what a client needs
 * to explain the error, such as the state of an application. */
void
_kvota_request_reply_error_with (KvotaRequest *request,
                                 const GError *error,
                                 const char   *member,
                                 JsonNode     *value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  KvotaError code = kvota_error_to_code (error);
  const char *field = kvota_error_get_field (error);
  guint status = kvota_error_code_http_status (code);

  if (error->domain != KVOTA_ERROR)
    g_warning ("Unexpected error: %s", error->message);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, kvota_error_code_to_string (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->domain == KVOTA_ERROR ?
                                          error->message : kvota_error_code_describe (code));
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  if (member != NULL)
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_value (builder, json_node_ref (value));
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _kvota_request_reply_json (request, status, node);

  if (status == 401)
    soup_message_headers_replace (soup_server_message_get_response_headers (request->message),
                                  "WWW-Authenticate", "Bearer realm=\"kvota\"");
  else if (status == 405)
    {
      const char *path = g_uri_get_path (soup_server_message_get_uri (request->message));
      g_autofree char *allow = allowed_methods (path);

      soup_message_headers_replace (soup_server_message_get_response_headers (request->message),
                                    "Allow", allow);
    }
  else if (code == KVOTA_ERROR_TOO_MANY_ATTEMPTS)
    {
      g_autofree char *retry = g_strdup_printf ("%d", KVOTA_LOGIN_WINDOW_SECONDS);

      soup_message_headers_replace (soup_server_message_get_response_headers (request->message),
                                    "Retry-After", retry);
    }
}

void
_kvota_request_reply_code (KvotaRequest *request,
                           KvotaError    code,
                           const char   *field)
{
  g_autoptr(GError) error = NULL;

  kvota_set_error (&error, code, field);
  _kvota_request_reply_error (request, error);
}

gboolean
_kvota_request_read_body (KvotaRequest      *request,
                          const KvotaField  *fields,
                          guint              n_fields,
                          gpointer           target,
                          gboolean           optional,
                          GError           **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->message);
  g_autoptr(JsonNode) node = NULL;

  /* An empty body is an empty object: the reader then names what is missing. */
  if (body == NULL || body->length == 0)
    node = json_node_init_object (json_node_alloc (), json_object_new ());
  else if ((node = kvota_json_parse (body ? body->data : NULL, body ? (gsize) body->length : 0, error)) == NULL)
    return FALSE;

  return kvota_json_read_object (node, fields, n_fields, target, error);
}

/* For actions that take nothing: an empty body or an empty object. */
gboolean
_kvota_request_expect_no_body (KvotaRequest  *request,
                               GError       **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->message);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  if (body == NULL || body->length == 0)
    return TRUE;

  if ((node = kvota_json_parse (body->data, (gsize) body->length, error)) == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, NULL);
      return FALSE;
    }

  object = json_node_get_object (node);
  if (json_object_get_size (object) > 0)
    {
      g_autoptr(GList) members = json_object_get_members (object);
      const char *name = members->data;

      kvota_set_error (error, KVOTA_ERROR_UNKNOWN_FIELD,
                       kvota_json_text_is_clean (name, FALSE) ? name : NULL);
      return FALSE;
    }

  return TRUE;
}

/* The unit type, vintage and quantity that ledger requests name, checked
 * in one place; the error names the member at fault. */
gboolean
_kvota_request_check_units (const char     *unit_type_name,
                            gint64          vintage,
                            gint64          quantity,
                            KvotaUnitType  *unit_type,
                            GError        **error)
{
  if (!kvota_unit_type_from_string (unit_type_name, unit_type))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "unit_type");
      return FALSE;
    }

  if (vintage < KVOTA_VINTAGE_MIN || vintage > KVOTA_VINTAGE_MAX)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "vintage");
      return FALSE;
    }

  if (!kvota_quantity_validate (quantity, error))
    {
      kvota_error_set_field (*error, "quantity");
      return FALSE;
    }

  return TRUE;
}

gint64
_kvota_request_param_id (KvotaRequest *request,
                         guint         index)
{
  guint64 value;

  g_assert (index < request->n_params);

  if (!g_ascii_string_to_unsigned (request->params[index], 10, 1, G_MAXINT64, &value, NULL))
    return 0;

  return (gint64) value;
}

gboolean
_kvota_request_check_query (KvotaRequest        *request,
                            const char * const  *allowed,
                            GError             **error)
{
  GHashTableIter iter;
  const char *name;

  if (request->query == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, request->query);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      if (allowed == NULL || !g_strv_contains (allowed, name))
        {
          kvota_set_error (error, KVOTA_ERROR_UNKNOWN_FIELD,
                           kvota_json_text_is_clean (name, FALSE) ? name : NULL);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
_kvota_request_query_int (KvotaRequest  *request,
                          const char    *name,
                          gint64         minimum,
                          gint64         maximum,
                          gint64        *value,
                          GError       **error)
{
  const char *text;

  if (request->query == NULL || (text = g_hash_table_lookup (request->query, name)) == NULL)
    return TRUE;

  if (!g_ascii_string_to_signed (text, 10, minimum, maximum, value, NULL))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, name);
      return FALSE;
    }

  return TRUE;
}

void
_kvota_request_finish (KvotaRequest *request)
{
  KvotaServer *self = request->server;

  kvota_access_log_append (self->access_log,
                           soup_server_message_get_remote_host (request->message),
                           request->principal != NULL ? request->principal->username : NULL,
                           soup_server_message_get_method (request->message),
                           g_uri_get_path (soup_server_message_get_uri (request->message)),
                           soup_server_message_get_status (request->message),
                           g_get_monotonic_time () - request->started);

  if (request->paused)
    soup_server_message_unpause (request->message);

  request_free (request);
}

/* What the server read from the registry, kept while the registry's
 * version stays the same: sessions by their token's hash, and encoded
 * replies. Any write, by this server or by another program on the same
 * file, empties both, so nothing is ever served from before a change. */
#define CACHE_MAX_ENTRIES 4096

void
_kvota_server_check_caches (KvotaServer *self)
{
  guint64 version = kvota_store_get_version (self->store);

  if (version != self->cache_version ||
      g_hash_table_size (self->principals) > CACHE_MAX_ENTRIES ||
      g_hash_table_size (self->replies) > CACHE_MAX_ENTRIES)
    {
      g_hash_table_remove_all (self->principals);
      g_hash_table_remove_all (self->replies);
      self->cache_version = version;
    }
}

static gboolean
authenticate (KvotaServer   *self,
              KvotaRequest  *request,
              GError       **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GDateTime) now = NULL;
  const KvotaPrincipal *known;
  const char *token;

  if (authorization == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }

  if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_TOKEN, NULL);
      return FALSE;
    }

  token = authorization + 7;
  while (*token == ' ')
    token++;

  request->token_hash = kvota_token_hash (token);
  _kvota_server_check_caches (self);

  /* A session seen since the last change: only its end can have come. */
  known = g_hash_table_lookup (self->principals, request->token_hash);
  if (known != NULL && g_date_time_to_unix (known->expires) > g_get_real_time () / G_USEC_PER_SEC)
    {
      request->principal = kvota_principal_copy (known);
      return TRUE;
    }

  now = g_date_time_new_now_utc ();
  request->principal = kvota_store_lookup_session (self->store, request->token_hash, now, error);
  if (request->principal == NULL)
    return FALSE;

  g_hash_table_replace (self->principals, g_strdup (request->token_hash),
                        kvota_principal_copy (request->principal));
  return TRUE;
}

static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const KvotaRoute *route;
  gboolean path_known;
  goffset length;
  gsize limit = KVOTA_SERVER_MAX_JSON_BODY;
  KvotaRequest request = { .message = message };
  g_autoptr(GError) error = NULL;

  /* Refuse oversized bodies before reading them. A body without a length
   * could be endless, so it needs one. Only a body larger than any JSON
   * request needs its route's own limit looked up. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    kvota_set_error (&error, KVOTA_ERROR_LENGTH_REQUIRED, NULL);
  else if ((length = soup_message_headers_get_content_length (headers)) > (goffset) limit)
    {
      route = g_str_has_prefix (path, API_PREFIX) ?
        find_route (soup_server_message_get_method (message), path, NULL, &path_known) : NULL;
      if (route != NULL && route->max_body > 0)
        limit = route->max_body;
      if (length > (goffset) limit)
        kvota_set_error (&error, KVOTA_ERROR_BODY_TOO_LARGE, NULL);
    }

  if (error != NULL)
    {
      _kvota_request_reply_error (&request, error);
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Connection", "close");
      kvota_access_log_append (((KvotaServer *) user_data)->access_log,
                               soup_server_message_get_remote_host (message), NULL,
                               soup_server_message_get_method (message), path,
                               soup_server_message_get_status (message), 0);
    }
}

/* Whether the request's session may call its route. */
static gboolean
check_access (KvotaServer   *self,
              KvotaRequest  *request,
              GError       **error)
{
  if (request->route->access == ACCESS_PUBLIC)
    return TRUE;

  g_clear_pointer (&request->principal, kvota_principal_free);
  g_clear_pointer (&request->token_hash, g_free);
  if (!authenticate (self, request, error))
    return FALSE;

  if (request->principal->enrolment_only &&
      (request->route->flags & ROUTE_DURING_ENROLMENT) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_TWO_FACTOR_REQUIRED, NULL);
      return FALSE;
    }

  if ((principal_access (request->principal) & request->route->access) == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }

  return TRUE;
}

/* Group commit. Ledger operations whose requests arrive together, read in
 * the same turn of the main loop, are carried out one after another in one
 * SQLite transaction, each as its own savepoint, which is committed once
 * the main loop has nothing else ready: one flush of the disk for all of
 * them. Their replies wait for that commit; if it fails, each of them says
 * so and none happened. Any other request first runs the waiting ones, so
 * that every request finds the registry as the requests before it left it.
 * Each operation checks its session again when it runs: a block or a
 * logout that came between counts. */
#define GROUP_MAX_OPERATIONS 64

static void
run_group (KvotaServer *self)
{
  g_autoptr(GPtrArray) group = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->group_commit_id, g_source_remove);
  if (self->group->len == 0)
    return;

  group = g_steal_pointer (&self->group);
  self->group = g_ptr_array_new ();

  /* Without the write lock (another program has held it for longer than
   * the store waits), none of them can be carried out now. */
  if (kvota_store_begin_group (self->store, &error))
    {
      for (guint i = 0; i < group->len; i++)
        {
          KvotaRequest *request = g_ptr_array_index (group, i);
          g_autoptr(GError) denied = NULL;

          if (check_access (self, request, &denied))
            request->route->handler (self, request);
          else
            _kvota_request_reply_error (request, denied);
        }

      kvota_store_end_group (self->store, &error);
    }

  if (error != NULL)
    {
      for (guint i = 0; i < group->len; i++)
        _kvota_request_reply_error (g_ptr_array_index (group, i), error);
    }

  for (guint i = 0; i < group->len; i++)
    _kvota_request_finish (g_ptr_array_index (group, i));
}

static gboolean
group_commit_cb (gpointer user_data)
{
  KvotaServer *self = user_data;

  self->group_commit_id = 0;
  run_group (self);

  return G_SOURCE_REMOVE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  KvotaServer *self = user_data;
  KvotaRequest *request = g_new0 (KvotaRequest, 1);
  g_autoptr(GError) error = NULL;
  gboolean path_known = FALSE;

  request->server = self;
  request->message = g_object_ref (message);
  request->started = g_get_monotonic_time ();
  request->query = query != NULL ? g_hash_table_ref (query) : NULL;

  if (g_str_has_prefix (path, API_PREFIX))
    request->route = find_route (soup_server_message_get_method (message), path,
                                 request, &path_known);

  if (request->route == NULL)
    kvota_set_error (&error,
                     path_known ? KVOTA_ERROR_METHOD_NOT_ALLOWED : KVOTA_ERROR_NOT_FOUND,
                     NULL);
  else if ((request->route->flags & ROUTE_GROUP_COMMIT) != 0)
    {
      /* Refused at once when it is refused; otherwise it joins the group. */
      if (check_access (self, request, &error))
        {
          request->paused = TRUE;
          soup_server_message_pause (message);
          g_ptr_array_add (self->group, request);
          /* A loop that never rests must not hold replies back for long. */
          if (self->group->len >= GROUP_MAX_OPERATIONS)
            run_group (self);
          else if (self->group_commit_id == 0)
            self->group_commit_id = g_idle_add (group_commit_cb, self);
          return;
        }
    }
  else
    {
      run_group (self);
      check_access (self, request, &error);
    }

  if (error != NULL)
    _kvota_request_reply_error (request, error);
  else
    request->route->handler (self, request);

  if (!request->paused)
    _kvota_request_finish (request);
}

static void
kvota_server_dispose (GObject *object)
{
  KvotaServer *self = (KvotaServer *)object;

  /* Operations still waiting are not carried out: their clients could
   * not hear the answer, and must be able to send them again. */
  if (self->group != NULL)
    {
      g_clear_handle_id (&self->group_commit_id, g_source_remove);
      for (guint i = 0; i < self->group->len; i++)
        {
          KvotaRequest *request = g_ptr_array_index (self->group, i);

          _kvota_request_reply_code (request, KVOTA_ERROR_STORAGE, NULL);
          _kvota_request_finish (request);
        }
      g_clear_pointer (&self->group, g_ptr_array_unref);
    }

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);
  g_clear_pointer (&self->access_log, kvota_access_log_free);

  G_OBJECT_CLASS (kvota_server_parent_class)->dispose (object);
}

static void
kvota_server_finalize (GObject *object)
{
  KvotaServer *self = (KvotaServer *)object;

  g_clear_pointer (&self->dummy_hash, g_free);
  g_clear_pointer (&self->attempts_in_flight, g_hash_table_unref);
  g_clear_pointer (&self->principals, g_hash_table_unref);
  g_clear_pointer (&self->replies, g_hash_table_unref);

  G_OBJECT_CLASS (kvota_server_parent_class)->finalize (object);
}

static void
kvota_server_class_init (KvotaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kvota_server_dispose;
  object_class->finalize = kvota_server_finalize;
}

static void
kvota_server_init (KvotaServer *self)
{
  g_autofree char *random = kvota_token_new ();

  self->session_lifetime = KVOTA_SERVER_DEFAULT_SESSION_LIFETIME;
  self->attempts_in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->access_log = kvota_access_log_new (STDERR_FILENO);
  self->principals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) kvota_principal_free);
  self->group = g_ptr_array_new ();
  self->replies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_bytes_unref);

  /* Unknown usernames are checked against this, so that a login takes as
   * long whether or not the user exists. */
  self->dummy_hash = kvota_password_hash (random, NULL);
}

/**
 * kvota_server_new:
 * @store: the registry the server serves
 *
 * Returns: (transfer full): a new server, not yet listening
 */
KvotaServer *
kvota_server_new (KvotaStore *store)
{
  KvotaServer *self;

  g_return_val_if_fail (KVOTA_IS_STORE (store), NULL);

  self = g_object_new (KVOTA_TYPE_SERVER, NULL);
  self->store = g_object_ref (store);

  return self;
}

void
kvota_server_set_session_lifetime (KvotaServer *self,
                                   guint        seconds)
{
  g_return_if_fail (KVOTA_IS_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->session_lifetime = seconds;
}

/**
 * kvota_server_listen:
 * @self: a #KvotaServer
 * @address: `ADDRESS:PORT`, such as `127.0.0.1:8470` or `[::1]:0`; port 0
 *   picks a free port
 * @tls_cert: (nullable): a PEM certificate file, to serve HTTPS
 * @tls_key: (nullable): its PEM private key file
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE if the server is listening
 */
gboolean
kvota_server_listen (KvotaServer  *self,
                     const char   *address,
                     const char   *tls_cert,
                     const char   *tls_key,
                     GError      **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  SoupServerListenOptions options = 0;
  const char *host;
  guint16 port;

  g_return_val_if_fail (KVOTA_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  if ((connectable = g_network_address_parse (address, KVOTA_SERVER_DEFAULT_PORT, NULL)) == NULL ||
      (host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable))) == NULL ||
      (inet_address = g_inet_address_new_from_string (host)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an address to listen on: give an IP address and a port, such as 127.0.0.1:8470."),
                   address);
      return FALSE;
    }
  port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));
  socket_address = g_inet_socket_address_new (inet_address, port);

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("HTTPS needs both a certificate and its key."));
      return FALSE;
    }

  if (tls_cert != NULL)
    {
      if ((certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, error)) == NULL)
        return FALSE;
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }

  self->soup = g_object_new (SOUP_TYPE_SERVER,
                             "server-header", "kvota-server/" PACKAGE_VERSION " ",
                             "tls-certificate", certificate,
                             NULL);
  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);

  if (!soup_server_listen (self->soup, socket_address, options, error))
    {
      g_clear_object (&self->soup);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_server_shutdown:
 * @self: a #KvotaServer
 *
 * Before the program ends, once its main loop has stopped: carries out
 * the operations waiting for a group commit and sends the replies that
 * are ready, for up to two seconds, so that no client is left without
 * the answer to a change that was made.
 */
void
kvota_server_shutdown (KvotaServer *self)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  g_return_if_fail (KVOTA_IS_SERVER (self));

  run_group (self);
  while ((self->group->len > 0 || g_main_context_pending (NULL)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

/**
 * kvota_server_get_uris:
 * @self: a #KvotaServer
 *
 * Returns: (transfer full) (element-type GUri): where the server listens
 */
GSList *
kvota_server_get_uris (KvotaServer *self)
{
  g_return_val_if_fail (KVOTA_IS_SERVER (self), NULL);
  g_return_val_if_fail (self->soup != NULL, NULL);

  return soup_server_get_uris (self->soup);
}

/**
 * kvota_server_print_routes:
 * @out: where to append one `METHOD PATH` line per route
 */
void
kvota_server_print_routes (GString *out)
{
  for (guint i = 0; i < _kvota_n_routes; i++)
    g_string_append_printf (out, "%s %s\n", _kvota_routes[i].method, _kvota_routes[i].pattern);
}
