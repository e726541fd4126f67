/* kvota-server-worker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <string.h>

#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-server-private.h"

/* Work a request waits for off the main loop: argon2id hashes and checks
 * take a tenth of a second and 64 MiB on purpose, and the main loop must
 * keep serving everyone else meanwhile. The work never touches the
 * store; the continuation, back on the main thread, does. */

typedef struct
{
  KvotaServer       *server;
  KvotaRequest      *request;
  KvotaWorkFunc      work;
  KvotaWorkDoneFunc  done;
  gpointer           data;
  GDestroyNotify     destroy;
} Deferred;

static void
deferred_free (gpointer user_data)
{
  Deferred *deferred = user_data;

  if (deferred->destroy != NULL)
    deferred->destroy (deferred->data);
  g_clear_object (&deferred->server);
  g_free (deferred);
}

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Deferred *deferred = task_data;
  GError *error = NULL;

  if (deferred->work (deferred->data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
work_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Deferred *deferred = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  deferred->done (deferred->server, deferred->request, deferred->data, error);
  _kvota_request_finish (deferred->request);

  /* The worker thread may hold the task a moment longer and free it
   * there: the server must not be let go of in that thread, where its
   * last reference would dispose of it, and it must be free to close the
   * registry as soon as the main loop ends. */
  if (deferred->destroy != NULL)
    deferred->destroy (deferred->data);
  deferred->destroy = NULL;
  g_clear_object (&deferred->server);
}

/**
 * _kvota_request_defer:
 * @work: runs in a worker thread with @data; must not use the store
 * @done: runs in the main context with @data and the error @work set,
 *   and replies to @request
 * @destroy: (nullable): frees @data afterwards
 *
 * Pauses @request while @work runs. The handler that calls this returns
 * at once; @request is answered by @done.
 */
void
_kvota_request_defer (KvotaServer       *self,
                      KvotaRequest      *request,
                      KvotaWorkFunc      work,
                      KvotaWorkDoneFunc  done,
                      gpointer           data,
                      GDestroyNotify     destroy)
{
  g_autoptr(GTask) task = NULL;
  Deferred *deferred = g_new0 (Deferred, 1);

  /* A group's operations answer before their handler returns. */
  g_assert ((request->route->flags & ROUTE_GROUP_COMMIT) == 0);

  deferred->server = g_object_ref (self);
  deferred->request = request;
  deferred->work = work;
  deferred->done = done;
  deferred->data = data;
  deferred->destroy = destroy;

  request->paused = TRUE;
  soup_server_message_pause (request->message);

  task = g_task_new (NULL, NULL, work_done_cb, NULL);
  g_task_set_source_tag (task, _kvota_request_defer);
  g_task_set_task_data (task, deferred, deferred_free);
  g_task_run_in_thread (task, work_thread);
}

/* Hashing a new password, the commonest deferred work. */

typedef struct
{
  char             *password;
  char             *hash;
  KvotaHashedFunc   done;
  gpointer          data;
  GDestroyNotify    destroy;
} Hashing;

static void
hashing_free (gpointer user_data)
{
  Hashing *hashing = user_data;

  memset (hashing->password, 0, strlen (hashing->password));
  g_free (hashing->password);
  g_free (hashing->hash);
  if (hashing->destroy != NULL)
    hashing->destroy (hashing->data);
  g_free (hashing);
}

static gboolean
hash_password (gpointer   user_data,
               GError   **error)
{
  Hashing *hashing = user_data;

  return (hashing->hash = kvota_password_hash (hashing->password, error)) != NULL;
}

static void
password_hashed (KvotaServer  *self,
                 KvotaRequest *request,
                 gpointer      user_data,
                 const GError *error)
{
  Hashing *hashing = user_data;

  hashing->done (self, request, hashing->data, error == NULL ? hashing->hash : NULL, error);
}

/**
 * _kvota_request_hash_password:
 * @password: the new password, already checked for strength
 * @done: called in the main context with @data and the argon2id hash, or
 *   %NULL and the error; it replies to @request
 * @destroy: (nullable): frees @data afterwards
 *
 * Hashes @password in a worker thread while @request waits.
 */
void
_kvota_request_hash_password (KvotaServer     *self,
                              KvotaRequest    *request,
                              const char      *password,
                              KvotaHashedFunc  done,
                              gpointer         data,
                              GDestroyNotify   destroy)
{
  Hashing *hashing = g_new0 (Hashing, 1);

  hashing->password = g_strdup (password);
  hashing->done = done;
  hashing->data = data;
  hashing->destroy = destroy;
  _kvota_request_defer (self, request, hash_password, password_hashed, hashing, hashing_free);
}
