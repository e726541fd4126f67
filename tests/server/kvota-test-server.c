/* kvota-test-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-test-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include <glib/gstdio.h>

#include "kvota-secret.h"
#include "kvota-store.h"
#include "kvota-test-server.h"
#include "kvota-totp.h"

#define ACTOR "kvota-test"

enum
{
  ORGANISATION_REGISTRY,
  ORGANISATION_MINISTRY,
  ORGANISATION_A,
  ORGANISATION_B,
  ORGANISATION_NATURE,
  ORGANISATION_BROKER,
  ORGANISATION_TRADER,
  N_ORGANISATIONS
};

typedef struct
{
  const char *username;
  const char *password;
  const char *full_name;
  KvotaRole   role;
  guint       organisation;
} TestUser;

static const TestUser test_users[KVOTA_TEST_N_USERS] = {
  [KVOTA_TEST_ADMIN] = { "admin", "admin-pass-0001", "Registry Administrator",
                         KVOTA_ROLE_ADMINISTRATOR, ORGANISATION_REGISTRY },
  [KVOTA_TEST_ADMIN2] = { "admin2", "admin2-pass-0002", "Second Administrator",
                          KVOTA_ROLE_ADMINISTRATOR, ORGANISATION_REGISTRY },
  [KVOTA_TEST_MINISTRY] = { "ministry", "ministry-pass-0003", "Ministry Analyst",
                            KVOTA_ROLE_MINISTRY, ORGANISATION_MINISTRY },
  [KVOTA_TEST_REP_A] = { "rep-a", "rep-a-pass-0004", "Representative of A",
                         KVOTA_ROLE_REPRESENTATIVE, ORGANISATION_A },
  [KVOTA_TEST_ACCT_A] = { "acct-a", "acct-a-pass-0005", "Accountant of A",
                          KVOTA_ROLE_ACCOUNTANT, ORGANISATION_A },
  [KVOTA_TEST_REP_B] = { "rep-b", "rep-b-pass-0006", "Representative of B",
                         KVOTA_ROLE_REPRESENTATIVE, ORGANISATION_B },
  [KVOTA_TEST_ACCT_B] = { "acct-b", "acct-b-pass-0007", "Accountant of B",
                          KVOTA_ROLE_ACCOUNTANT, ORGANISATION_B },
  [KVOTA_TEST_REP_NATURE] = { "rep-nature", "rep-nature-pass-0008", "Representative of the CHP",
                              KVOTA_ROLE_REPRESENTATIVE, ORGANISATION_NATURE },
  [KVOTA_TEST_REP_BROKER] = { "rep-broker", "rep-broker-pass-0009", "Representative of the broker",
                              KVOTA_ROLE_REPRESENTATIVE, ORGANISATION_BROKER },
  [KVOTA_TEST_ACCT_NATURE] = { "acct-nature", "acct-nature-pass-0010", "Accountant of the CHP",
                               KVOTA_ROLE_ACCOUNTANT, ORGANISATION_NATURE },
  [KVOTA_TEST_ACCT_BROKER] = { "acct-broker", "acct-broker-pass-0011", "Accountant of the broker",
                               KVOTA_ROLE_ACCOUNTANT, ORGANISATION_BROKER },
  [KVOTA_TEST_REP_TRADER] = { "rep-trader", "rep-trader-pass-0012", "Representative of the trader",
                              KVOTA_ROLE_REPRESENTATIVE, ORGANISATION_TRADER },
  [KVOTA_TEST_ACCT_TRADER] = { "acct-trader", "acct-trader-pass-0013", "Accountant of the trader",
                               KVOTA_ROLE_ACCOUNTANT, ORGANISATION_TRADER },
};

/* argon2id is slow on purpose: each password is hashed once per test
 * program, and the hashes are reused by every registry it builds. */
static char *password_hashes[KVOTA_TEST_N_USERS];

/* The server of the running test, whose log an assertion failure shows. */
static KvotaTestServer *current_server;

const char *
kvota_test_user_name (KvotaTestUser user)
{
  g_assert (user < KVOTA_TEST_N_USERS);

  return test_users[user].username;
}

const char *
kvota_test_user_password (KvotaTestUser user)
{
  g_assert (user < KVOTA_TEST_N_USERS);

  return test_users[user].password;
}

/* Programs */

const char *
kvota_test_program (const char *variable)
{
  const char *path = g_getenv (variable);

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("Set %s to the program to test (meson test does this)", variable);

  return path;
}

const char *
kvota_test_file (const char *variable)
{
  const char *path = g_getenv (variable);

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("Set %s to the file the test reads (meson test does this)", variable);

  return path;
}

/**
 * kvota_test_source_file:
 * @first_element: a path inside the source tree, in elements, then %NULL
 *
 * Returns: (transfer full): the path of a file of the source tree, which
 *   must exist; KVOTA_SOURCE_DIR names the tree (meson test sets it)
 */
char *
kvota_test_source_file (const char *first_element,
                        ...)
{
  g_autoptr(GPtrArray) elements = g_ptr_array_new ();
  const char *source_dir = g_getenv ("KVOTA_SOURCE_DIR");
  const char *element;
  char *path;
  va_list args;

  if (source_dir == NULL || !g_file_test (source_dir, G_FILE_TEST_IS_DIR))
    g_error ("Set KVOTA_SOURCE_DIR to the top of the source tree (meson test does this)");

  g_ptr_array_add (elements, (char *) source_dir);
  va_start (args, first_element);
  for (element = first_element; element != NULL; element = va_arg (args, const char *))
    g_ptr_array_add (elements, (char *) element);
  va_end (args);
  g_ptr_array_add (elements, NULL);

  path = g_build_filenamev ((char **) elements->pdata);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("The source tree has no file %s", path);

  return path;
}

static void
child_setup_cb (gpointer user_data)
{
#ifdef __linux__
  /* A test that fails aborts without its teardown: take the server down
   * with it rather than leave it listening. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static char *
read_log_tail (const char *path,
               gsize       max)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL || !g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("");

  if (length <= max)
    return g_steal_pointer (&contents);

  return g_strdup_printf ("…%s", contents + length - max);
}

int
kvota_test_run (char       **standard_output,
                char       **standard_error,
                const char  *first_arg,
                ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup_cb, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (standard_output != NULL)
    *standard_output = g_steal_pointer (&out);
  if (standard_error != NULL)
    *standard_error = g_steal_pointer (&err);

  if (!g_subprocess_get_if_exited (process))
    return -1;

  return g_subprocess_get_exit_status (process);
}

/* BINs: the test's own check digit, independent of the core library's */

gboolean
kvota_test_bin_check_digit (const char *digits,
                            guint      *check_digit)
{
  static const guint first[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
  static const guint second[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2 };
  guint sum = 0;

  for (guint i = 0; i < 11; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return FALSE;
      sum += (guint) (digits[i] - '0') * first[i];
    }

  if (sum % 11 == 10)
    {
      sum = 0;
      for (guint i = 0; i < 11; i++)
        sum += (guint) (digits[i] - '0') * second[i];
    }

  if (sum % 11 == 10)
    return FALSE;

  *check_digit = sum % 11;
  return TRUE;
}

char *
kvota_test_bin_make (const char *eleven_digits)
{
  guint check;

  g_assert_cmpuint (strlen (eleven_digits), ==, 11);
  if (!kvota_test_bin_check_digit (eleven_digits, &check))
    return NULL;

  return g_strdup_printf ("%s%u", eleven_digits, check);
}

/* The registry */

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }

      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static KvotaOrganisation *
create_organisation (KvotaStore      *store,
                     const char      *name,
                     const char      *bin,
                     KvotaHolderType  holder_type)
{
  g_autoptr(GError) error = NULL;
  KvotaOrganisation *organisation;

  organisation = kvota_store_create_organisation (store, ACTOR, name, bin, holder_type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (organisation);

  return organisation;
}

static void
hash_password_cb (gpointer data,
                  gpointer user_data)
{
  guint i = GPOINTER_TO_UINT (data) - 1;
  g_autoptr(GError) error = NULL;

  password_hashes[i] = kvota_password_hash (test_users[i].password, &error);
  g_assert_no_error (error);
}

/* Hashes every test user's password, once per test program, on as many
 * threads as there are processors: argon2id takes its time on purpose. */
static void
hash_passwords (void)
{
  g_autoptr(GError) error = NULL;
  GThreadPool *pool;

  if (password_hashes[0] != NULL)
    return;

  pool = g_thread_pool_new (hash_password_cb, NULL, (int) MIN (g_get_num_processors (), 4), TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < KVOTA_TEST_N_USERS; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < KVOTA_TEST_N_USERS; i++)
    g_assert_nonnull (password_hashes[i]);
}

static void
build_registry (KvotaTestServer *self)
{
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaOrganisation) a = NULL;
  g_autoptr(KvotaOrganisation) b = NULL;
  g_autoptr(KvotaOrganisation) nature = NULL;
  g_autoptr(KvotaOrganisation) broker = NULL;
  g_autoptr(KvotaOrganisation) trader = NULL;
  g_autoptr(GError) error = NULL;
  gint64 organisations[N_ORGANISATIONS];

  g_assert_true (kvota_secret_init (&error));
  g_assert_no_error (error);

  store = kvota_store_open (self->db_path, TRUE, &error);
  g_assert_no_error (error);

  hash_passwords ();

  organisations[ORGANISATION_REGISTRY] = kvota_store_find_organisation_by_type (store, KVOTA_HOLDER_TYPE_REGISTRY);
  organisations[ORGANISATION_MINISTRY] = kvota_store_find_organisation_by_type (store, KVOTA_HOLDER_TYPE_MINISTRY);
  g_assert_cmpint (organisations[ORGANISATION_REGISTRY], >, 0);
  g_assert_cmpint (organisations[ORGANISATION_MINISTRY], >, 0);

  nature = create_organisation (store, "Pavlodar CHP (test)", KVOTA_TEST_BIN_NATURE,
                                KVOTA_HOLDER_TYPE_NATURE_USER);
  broker = create_organisation (store, "Dala Broker (test)", KVOTA_TEST_BIN_BROKER,
                                KVOTA_HOLDER_TYPE_BROKER);
  a = create_organisation (store, "Zhasyl Trade (test)", KVOTA_TEST_BIN_A,
                           KVOTA_HOLDER_TYPE_INDIVIDUAL);
  b = create_organisation (store, "Astana Carbon (test)", KVOTA_TEST_BIN_B,
                           KVOTA_HOLDER_TYPE_INDIVIDUAL);
  /* Created last, so that the ids and accounts of the others stay put. */
  trader = create_organisation (store, "Shygys Trader (test)", KVOTA_TEST_BIN_TRADER,
                                KVOTA_HOLDER_TYPE_TRADER);
  g_assert_nonnull (a->account);
  g_assert_nonnull (b->account);
  g_assert_nonnull (nature->account);
  g_assert_null (broker->account);
  g_assert_null (trader->account);

  organisations[ORGANISATION_A] = a->id;
  organisations[ORGANISATION_B] = b->id;
  organisations[ORGANISATION_NATURE] = nature->id;
  organisations[ORGANISATION_BROKER] = broker->id;
  organisations[ORGANISATION_TRADER] = trader->id;

  self->organisation_a = a->id;
  self->organisation_b = b->id;
  self->organisation_nature = nature->id;
  self->organisation_broker = broker->id;
  self->organisation_trader = trader->id;
  self->organisation_registry = organisations[ORGANISATION_REGISTRY];
  self->organisation_ministry = organisations[ORGANISATION_MINISTRY];
  self->account_a = g_strdup (a->account);
  self->account_b = g_strdup (b->account);
  self->account_nature = g_strdup (nature->account);

  for (guint i = 0; i < KVOTA_TEST_N_USERS; i++)
    {
      const TestUser *test_user = &test_users[i];
      g_autoptr(KvotaUser) user = NULL;

      g_assert_nonnull (password_hashes[i]);
      user = kvota_store_create_user (store, ACTOR, organisations[test_user->organisation],
                                      test_user->username, password_hashes[i],
                                      test_user->full_name, test_user->role, &error);
      g_assert_no_error (error);
      self->user_ids[i] = user->id;
    }
}

/**
 * kvota_test_server_new:
 *
 * Builds a registry in a new temporary directory. The server is not
 * started yet: see kvota_test_server_start().
 */
KvotaTestServer *
kvota_test_server_new (void)
{
  KvotaTestServer *self = kvota_test_server_new_empty ();

  build_registry (self);

  return self;
}

/**
 * kvota_test_server_new_empty:
 *
 * Makes a new temporary directory for a registry that the test creates
 * itself (with `kvotactl demo`, say) at db_path, which does not exist
 * yet. The test users and organisations of kvota_test_server_new() are
 * not there: their ids and accounts are unset.
 */
KvotaTestServer *
kvota_test_server_new_empty (void)
{
  KvotaTestServer *self = g_new0 (KvotaTestServer, 1);
  g_autoptr(GError) error = NULL;

  self->dir = g_dir_make_tmp ("kvota-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  /* Removed when the test passes; kept for a look when it fails. */
  g_test_message ("The registry is in %s", self->dir);
  self->db_path = g_build_filename (self->dir, "registry.db", NULL);
  self->stderr_path = g_build_filename (self->dir, "server.log", NULL);

  return self;
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  KvotaTestServer *self = user_data;

  /* Exactly the certificate the test made, and nothing else. */
  return self->trusted != NULL && g_tls_certificate_is_same (certificate, self->trusted);
}

/**
 * kvota_test_server_start:
 * @self: a #KvotaTestServer
 * @...: options for kvota-server beyond --db and --listen, then %NULL
 *
 * Starts kvota-server on a free loopback port and waits until it listens.
 */
void
kvota_test_server_start (KvotaTestServer *self,
                         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GInputStream *stdout_pipe;
  const char *arg;
  va_list args;
  int log_fd;

  g_assert_null (self->process);

  g_ptr_array_add (argv, (char *) kvota_test_program ("KVOTA_SERVER"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, self->db_path);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  va_start (args, self);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* The server logs every request on stderr: keep it out of the TAP
   * stream, in a file that a failing assertion shows. */
  log_fd = g_open (self->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  g_assert_cmpint (log_fd, >=, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_take_stderr_fd (launcher, log_fd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup_cb, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  stdout_pipe = g_subprocess_get_stdout_pipe (self->process);
  self->stdout_stream = g_data_input_stream_new (stdout_pipe);

  /* Bounded by the server: it prints the line or exits. */
  while (self->base_url == NULL)
    {
      g_autofree char *line = NULL;

      line = g_data_input_stream_read_line_utf8 (self->stdout_stream, NULL, NULL, &error);
      g_assert_no_error (error);

      if (line == NULL)
        {
          g_autofree char *log = read_log_tail (self->stderr_path, 4000);

          g_printerr ("The server's log ends with:\n%s\n", log);
          g_error ("kvota-server exited before listening");
        }

      if (g_str_has_prefix (line, "Listening on ") && g_str_has_suffix (line, "/"))
        self->base_url = g_strndup (line + strlen ("Listening on "),
                                    strlen (line) - strlen ("Listening on ") - 1);
    }

  g_assert_true (g_str_has_prefix (self->base_url, "http://127.0.0.1:") ||
                 g_str_has_prefix (self->base_url, "https://127.0.0.1:"));

  self->session = soup_session_new_with_options ("timeout", 60,
                                                 "idle-timeout", 60,
                                                 NULL);
  current_server = self;
}

static void
process_exited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *exited = TRUE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * kvota_test_server_kill:
 * @self: a #KvotaTestServer
 *
 * Ends the server with SIGKILL, as a power cut would: nothing it has not
 * written yet gets written. kvota_test_server_start() starts it again on
 * the same registry.
 */
void
kvota_test_server_kill (KvotaTestServer *self)
{
  g_assert_nonnull (self->process);

  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_assert_false (g_subprocess_get_if_exited (self->process));

  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->process);
  g_clear_pointer (&self->base_url, g_free);
}

/**
 * kvota_test_server_stop:
 * @self: a #KvotaTestServer
 *
 * Stops the server with SIGTERM, as an operator would, and checks that it
 * shuts down cleanly.
 */
void
kvota_test_server_stop (KvotaTestServer *self)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timeout = NULL;
  gboolean exited = FALSE;
  gboolean timed_out = FALSE;

  if (self->process == NULL)
    return;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  /* Wait for the exit, but not forever. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new_seconds (30);
  g_source_set_callback (timeout, stop_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait_async (self->process, NULL, process_exited_cb, &exited);
  while (!exited && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (!exited)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_error ("kvota-server did not stop within 30 s of SIGTERM");
    }

  if (!g_subprocess_get_if_exited (self->process) ||
      g_subprocess_get_exit_status (self->process) != 0)
    {
      g_autofree char *log = read_log_tail (self->stderr_path, 4000);

      g_printerr ("The server's log ends with:\n%s\n", log);
      g_error ("kvota-server did not stop cleanly on SIGTERM");
    }

  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->process);
  g_clear_pointer (&self->base_url, g_free);
}

void
kvota_test_server_free (KvotaTestServer *self)
{
  if (self == NULL)
    return;

  kvota_test_server_stop (self);

  if (current_server == self)
    current_server = NULL;

  remove_tree (self->dir);

  g_clear_object (&self->trusted);
  g_free (self->account_a);
  g_free (self->account_b);
  g_free (self->account_nature);
  g_free (self->stderr_path);
  g_free (self->db_path);
  g_free (self->dir);
  g_free (self);
}

/* Requests */

SoupMessage *
kvota_test_server_message_new (KvotaTestServer *self,
                               const char      *method,
                               const char      *path,
                               const char      *token)
{
  g_autofree char *uri = NULL;
  SoupMessage *message;

  g_assert_nonnull (self->base_url);
  g_assert_true (path[0] == '/');

  uri = g_strconcat (self->base_url, path, NULL);
  message = soup_message_new (method, uri);
  g_assert_nonnull (message);

  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
    }

  if (self->trusted != NULL)
    g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);

  return message;
}

KvotaTestReply *
kvota_test_server_send (KvotaTestServer *self,
                        SoupMessage     *message)
{
  g_autoptr(KvotaTestReply) reply = g_new0 (KvotaTestReply, 1);
  g_autoptr(GError) error = NULL;
  const char *content_type;

  reply->body = soup_session_send_and_read (self->session, message, NULL, &error);
  g_assert_no_error (error);

  reply->status = soup_message_get_status (message);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  content_type = soup_message_headers_get_content_type (reply->headers, NULL);

  if (g_bytes_get_size (reply->body) > 0 && g_strcmp0 (content_type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gsize length;
      const char *data = g_bytes_get_data (reply->body, &length);

      /* Whatever the request, the server answers well-formed JSON. */
      json_parser_load_from_data (parser, data, (gssize) length, &error);
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }

  return g_steal_pointer (&reply);
}

KvotaTestReply *
kvota_test_server_request (KvotaTestServer *self,
                           const char      *method,
                           const char      *path,
                           const char      *token,
                           const char      *body,
                           gssize           length)
{
  g_autoptr(SoupMessage) message = kvota_test_server_message_new (self, method, path, token);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize) length);

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  return kvota_test_server_send (self, message);
}

KvotaTestReply *
kvota_test_server_requestf (KvotaTestServer *self,
                            const char      *method,
                            const char      *path,
                            const char      *token,
                            const char      *format,
                            ...)
{
  g_autofree char *body = NULL;
  va_list args;

  va_start (args, format);
  body = g_strdup_vprintf (format, args);
  va_end (args);

  return kvota_test_server_request (self, method, path, token, body, -1);
}

KvotaTestReply *
kvota_test_server_login_otp (KvotaTestServer *self,
                             const char      *username,
                             const char      *password,
                             const char      *otp)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  if (otp != NULL)
    {
      json_builder_set_member_name (builder, "otp");
      json_builder_add_string_value (builder, otp);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);

  return kvota_test_server_request (self, "POST", "/api/v1/session", NULL, body, -1);
}

KvotaTestReply *
kvota_test_server_login_as (KvotaTestServer *self,
                            const char      *username,
                            const char      *password)
{
  return kvota_test_server_login_otp (self, username, password, NULL);
}

char *
kvota_test_server_login (KvotaTestServer *self,
                         KvotaTestUser    user)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_login_as (self, kvota_test_user_name (user), kvota_test_user_password (user));
  kvota_test_assert_status (reply, 201);

  return g_strdup (kvota_test_reply_get_string (reply, "token"));
}

/**
 * kvota_test_server_ledger:
 *
 * Returns: (transfer full): the body of GET /api/v1/ledger, which must
 *   answer 200 and balance
 */
char *
kvota_test_server_ledger (KvotaTestServer *self,
                          const char      *token)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  JsonArray *totals;

  reply = kvota_test_server_request (self, "GET", "/api/v1/ledger", token, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_true (kvota_test_reply_get_boolean (reply, "balanced"));

  totals = json_node_get_array (kvota_test_reply_lookup (reply, "totals"));
  for (guint i = 0; i < json_array_get_length (totals); i++)
    {
      JsonObject *total = json_array_get_object_element (totals, i);
      gint64 issued = json_object_get_int_member (total, "issued");
      gint64 held = json_object_get_int_member (total, "held");
      gint64 surrendered = json_object_get_int_member (total, "surrendered");
      gint64 cancelled = json_object_get_int_member (total, "cancelled");

      g_assert_cmpint (issued, ==, held + surrendered + cancelled);
      g_assert_cmpint (json_object_get_int_member (total, "blocks"), >=, 1);
    }

  return g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
}

/**
 * kvota_test_server_get_holding:
 * @token: whose eyes: the account must be one it may see
 * @holding: (out): the account's holding of @unit_type and @vintage, all
 *   zeros if it has none
 *
 * GET /api/v1/accounts/@account, read with the core's codec.
 *
 * Returns: how many holdings the account lists in all
 */
guint
kvota_test_server_get_holding (KvotaTestServer *self,
                               const char      *token,
                               const char      *account,
                               const char      *unit_type,
                               int              vintage,
                               KvotaHolding    *holding)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s", account);
  KvotaUnitType type;
  JsonArray *holdings;

  g_assert_true (kvota_unit_type_from_string (unit_type, &type));
  memset (holding, 0, sizeof *holding);

  reply = kvota_test_server_request (self, "GET", path, token, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "account"), ==, account);

  holdings = json_node_get_array (kvota_test_reply_lookup (reply, "holdings"));
  for (guint i = 0; i < json_array_get_length (holdings); i++)
    {
      g_autoptr(GError) error = NULL;
      KvotaHolding each;

      g_assert_true (kvota_holding_from_json (json_array_get_element (holdings, i), &each, &error));
      g_assert_no_error (error);
      if (each.unit_type == type && each.vintage == vintage)
        *holding = each;
    }

  return json_array_get_length (holdings);
}

/**
 * kvota_test_server_verify:
 *
 * Checks the registry as an operator would, with `kvotactl verify`: the
 * ledger balances and the audit journal is unbroken.
 */
void
kvota_test_server_verify (KvotaTestServer *self)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"), "verify", "--db", self->db_path, NULL);
  if (status != 0)
    g_printerr ("kvotactl verify said:\n%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Ledger: balanced."));
  g_assert_nonnull (strstr (out, "Audit journal: unbroken"));
}

/**
 * kvota_test_server_count_audit:
 *
 * Returns: how many entries GET /api/v1/audit lists, page by page; the
 *   journal must be intact
 */
guint
kvota_test_server_count_audit (KvotaTestServer *self,
                               const char      *token)
{
  gint64 after = 0;
  guint count = 0;

  for (guint page = 0; page < 1000; page++)
    {
      g_autoptr(KvotaTestReply) reply = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/audit?limit=1000&after=%" G_GINT64_FORMAT, after);
      JsonArray *entries;
      guint length;

      reply = kvota_test_server_request (self, "GET", path, token, NULL, 0);
      kvota_test_assert_status (reply, 200);
      g_assert_true (kvota_test_reply_get_boolean (reply, "intact"));

      entries = json_node_get_array (kvota_test_reply_lookup (reply, "entries"));
      length = json_array_get_length (entries);
      count += length;
      if (length < 1000)
        return count;

      after = json_object_get_int_member (json_array_get_object_element (entries, length - 1), "id");
    }

  g_assert_not_reached ();
}

void
kvota_test_server_assert_health (KvotaTestServer *self)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (self, "GET", "/api/v1/health", NULL, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "status"), ==, "ok");
  g_assert_cmpint (kvota_test_reply_get_int (reply, "api"), ==, 1);
}

/**
 * kvota_test_server_audit:
 *
 * Returns: (transfer full): every entry of GET /api/v1/audit, page by
 *   page, in order; the journal must be intact
 */
JsonArray *
kvota_test_server_audit (KvotaTestServer *self,
                         const char      *token)
{
  g_autoptr(JsonArray) all = json_array_new ();
  gint64 after = 0;

  for (guint page = 0; page < 1000; page++)
    {
      g_autoptr(KvotaTestReply) reply = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/audit?limit=1000&after=%" G_GINT64_FORMAT, after);
      JsonArray *entries;
      guint length;

      reply = kvota_test_server_request (self, "GET", path, token, NULL, 0);
      kvota_test_assert_status (reply, 200);
      g_assert_true (kvota_test_reply_get_boolean (reply, "intact"));
      g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (reply, "first_broken")));

      entries = json_node_get_array (kvota_test_reply_lookup (reply, "entries"));
      length = json_array_get_length (entries);
      for (guint i = 0; i < length; i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (entries, i)));
      if (length < 1000)
        return g_steal_pointer (&all);

      after = json_object_get_int_member (json_array_get_object_element (entries, length - 1), "id");
    }

  g_assert_not_reached ();
}

/**
 * kvota_test_audit_find:
 * @entries: entries from kvota_test_server_audit()
 * @after: an entry id: only later entries count
 * @action: the action, such as `user.block`
 * @object: (nullable): the object, such as `user/4`, or %NULL for any
 *
 * Returns: the id of the first matching entry after @after, or 0
 */
gint64
kvota_test_audit_find (JsonArray  *entries,
                       gint64      after,
                       const char *action,
                       const char *object)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      gint64 id = json_object_get_int_member (entry, "id");

      if (id > after &&
          g_strcmp0 (json_object_get_string_member (entry, "action"), action) == 0 &&
          (object == NULL || g_strcmp0 (json_object_get_string_member (entry, "object"), object) == 0))
        return id;
    }

  return 0;
}

/* Behind the server's back */

/**
 * kvota_test_server_open_store:
 *
 * Opens the registry the server serves, as kvotactl would. SQLite's WAL
 * lets it share the file with a running server, but the tests change it
 * only before they start the server, so that nothing races.
 *
 * Returns: (transfer full): the store
 */
KvotaStore *
kvota_test_server_open_store (KvotaTestServer *self)
{
  g_autoptr(GError) error = NULL;
  KvotaStore *store;

  store = kvota_store_open (self->db_path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

/* What `kvotactl init` does: require-admin-two-factor is "true" there. */
void
kvota_test_server_set_setting (KvotaTestServer *self,
                               const char      *key,
                               const char      *value)
{
  g_autoptr(KvotaStore) store = kvota_test_server_open_store (self);
  g_autoptr(GError) error = NULL;

  g_assert_null (self->process);
  kvota_store_set_setting (store, ACTOR, key, value, &error);
  g_assert_no_error (error);
}

/**
 * kvota_test_server_create_session:
 * @lifetime_seconds: how long the session lasts from now; negative for
 *   one that has expired already
 * @enrolment_only: whether it may only set up two-factor login
 *
 * Returns: (transfer full): the session's bearer token
 */
char *
kvota_test_server_create_session (KvotaTestServer *self,
                                  KvotaTestUser    user,
                                  gint64           lifetime_seconds,
                                  gboolean         enrolment_only)
{
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_seconds (now, (gdouble) lifetime_seconds);
  g_autofree char *token = kvota_token_new ();
  g_autofree char *token_hash = kvota_token_hash (token);

  g_assert (user < KVOTA_TEST_N_USERS);
  g_assert_null (self->process);

  store = kvota_test_server_open_store (self);
  kvota_store_create_session (store, self->user_ids[user], token_hash, expires, enrolment_only, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&token);
}

/**
 * kvota_test_server_enable_two_factor:
 *
 * Sets up two-factor login for @user as if it had enrolled and confirmed.
 *
 * Returns: (transfer full): the base32 secret its authenticator app holds
 */
char *
kvota_test_server_enable_two_factor (KvotaTestServer *self,
                                     KvotaTestUser    user)
{
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = kvota_totp_secret_new ();

  g_assert (user < KVOTA_TEST_N_USERS);
  g_assert_null (self->process);

  store = kvota_test_server_open_store (self);
  kvota_store_set_two_factor_pending (store, self->user_ids[user], secret, &error);
  g_assert_no_error (error);
  /* Counter 0: any code of the present time step is fresh. */
  kvota_store_enable_two_factor (store, ACTOR, self->user_ids[user], 0, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&secret);
}

/**
 * kvota_test_server_create_registration_key:
 * @bin: (nullable): the BIN the key is bound to
 * @holder_type: (nullable): the holder type it is bound to
 * @lifetime_seconds: how long it is valid from now; negative for a key
 *   that has expired already, which the API cannot make
 *
 * Returns: (transfer full): the key's code
 */
char *
kvota_test_server_create_registration_key (KvotaTestServer *self,
                                           const char      *bin,
                                           const char      *holder_type,
                                           gint64           lifetime_seconds)
{
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaRegistrationKey) key = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_seconds (now, (gdouble) lifetime_seconds);
  g_autofree char *code = kvota_readable_code_new (6);
  KvotaHolderType type = KVOTA_HOLDER_TYPE_NATURE_USER;

  g_assert_null (self->process);
  if (holder_type != NULL)
    g_assert_true (kvota_holder_type_from_string (holder_type, &type));

  store = kvota_test_server_open_store (self);
  key = kvota_store_create_registration_key (store, ACTOR, code, bin, holder_type != NULL, type,
                                             expires, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);

  return g_steal_pointer (&code);
}

/* Replies */

void
kvota_test_reply_free (KvotaTestReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

char *
kvota_test_reply_describe (KvotaTestReply *reply)
{
  gsize length = 0;
  const char *data = reply->body != NULL ? g_bytes_get_data (reply->body, &length) : NULL;

  return g_strdup_printf ("%u %.*s", reply->status, (int) MIN (length, 2000), data != NULL ? data : "");
}

G_GNUC_NORETURN static void
reply_failed (KvotaTestReply *reply,
              const char     *file,
              int             line,
              const char     *func,
              const char     *what)
{
  g_autofree char *described = kvota_test_reply_describe (reply);
  g_autofree char *message = g_strdup_printf ("%s; the reply was: %s", what, described);

  /* On stderr: the TAP stream on stdout takes no free text. */
  if (current_server != NULL)
    {
      g_autofree char *log = read_log_tail (current_server->stderr_path, 3000);

      g_printerr ("The server's log ends with:\n%s\n", log);
    }

  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
  g_abort ();
}

JsonNode *
kvota_test_json_lookup (JsonNode   *root,
                        const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; node != NULL && segments[i] != NULL; i++)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), segments[i]);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          guint64 index;

          if (!g_ascii_string_to_unsigned (segments[i], 10, 0, G_MAXUINT, &index, NULL) ||
              index >= json_array_get_length (array))
            return NULL;
          node = json_array_get_element (array, (guint) index);
        }
      else
        return NULL;
    }

  return node;
}

JsonNode *
kvota_test_reply_lookup (KvotaTestReply *reply,
                         const char     *path)
{
  JsonNode *node = reply->json != NULL ? kvota_test_json_lookup (reply->json, path) : NULL;

  if (node == NULL)
    {
      g_autofree char *what = g_strdup_printf ("the reply has no “%s”", path);

      reply_failed (reply, __FILE__, __LINE__, G_STRFUNC, what);
    }

  return node;
}

static JsonNode *
lookup_value (KvotaTestReply *reply,
              const char     *path,
              GType           type)
{
  JsonNode *node = kvota_test_reply_lookup (reply, path);

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    {
      g_autofree char *what = g_strdup_printf ("“%s” is not a %s", path, g_type_name (type));

      reply_failed (reply, __FILE__, __LINE__, G_STRFUNC, what);
    }

  return node;
}

const char *
kvota_test_reply_get_string (KvotaTestReply *reply,
                             const char     *path)
{
  return json_node_get_string (lookup_value (reply, path, G_TYPE_STRING));
}

gint64
kvota_test_reply_get_int (KvotaTestReply *reply,
                          const char     *path)
{
  return json_node_get_int (lookup_value (reply, path, G_TYPE_INT64));
}

gboolean
kvota_test_reply_get_boolean (KvotaTestReply *reply,
                              const char     *path)
{
  return json_node_get_boolean (lookup_value (reply, path, G_TYPE_BOOLEAN));
}

guint
kvota_test_reply_get_length (KvotaTestReply *reply,
                             const char     *path)
{
  JsonNode *node = kvota_test_reply_lookup (reply, path);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *what = g_strdup_printf ("“%s” is not an array", path);

      reply_failed (reply, __FILE__, __LINE__, G_STRFUNC, what);
    }

  return json_array_get_length (json_node_get_array (node));
}

/**
 * kvota_test_reply_error_code:
 *
 * Returns: (nullable): the reply's error code, or %NULL if it has none
 */
const char *
kvota_test_reply_error_code (KvotaTestReply *reply)
{
  JsonNode *node = reply->json != NULL ? kvota_test_json_lookup (reply->json, "error.code") : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

void
kvota_test_assert_reply (KvotaTestReply *reply,
                         guint           status,
                         const char     *code,
                         const char     *file,
                         int             line,
                         const char     *func)
{
  const char *actual = kvota_test_reply_error_code (reply);
  g_autofree char *what = NULL;

  if (reply->status == status &&
      (code != NULL ? g_strcmp0 (actual, code) == 0 : (status >= 400 || actual == NULL)))
    {
      /* Every error names its code, and a message for people using curl. */
      if (status >= 400 && reply->json != NULL &&
          (actual == NULL || kvota_test_json_lookup (reply->json, "error.message") == NULL))
        reply_failed (reply, file, line, func, "the error reply lacks its code or message");
      return;
    }

  what = g_strdup_printf ("expected %u %s", status, code != NULL ? code : "");
  reply_failed (reply, file, line, func, what);
}
