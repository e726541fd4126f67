/* kvota-access-log.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-server"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "kvota-access-log.h"

/* One line per request, written in batches: when the server has nothing
 * else to do, or when the batch reaches BATCH_SIZE. Under load one write
 * carries many lines; an idle server writes each line at once. */
#define BATCH_SIZE (16 * 1024)

struct _KvotaAccessLog
{
  int      fd;
  GString *batch;
  guint    flush_id;
  gint64   second;        /* the second that @stamp spells */
  char     stamp[24];     /* 2026-11-26T08:15:00 */
};

/* Anything but printable ASCII is written as %XX (paths come so already), so that a line is
 * always one line and its fields are split by spaces. */
static void
append_field (GString    *out,
              const char *text)
{
  if (text == NULL || text[0] == '\0')
    {
      g_string_append_c (out, '-');
      return;
    }

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (*p > ' ' && *p < 0x7f)
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

static void
write_all (int         fd,
           const char *data,
           gsize       length)
{
  gboolean started = FALSE;

  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      /* Nowhere to say that the log is gone: drop the batch rather than
       * hold the server up, ending the line cut short if one was. */
      if (written <= 0)
        {
          if (started && data[-1] != '\n')
            (void) !write (fd, "\n", 1);
          return;
        }
      started = TRUE;
      data += written;
      length -= (gsize) written;
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  KvotaAccessLog *self = user_data;

  self->flush_id = 0;
  kvota_access_log_flush (self);

  return G_SOURCE_REMOVE;
}

/**
 * kvota_access_log_new:
 * @fd: where the lines go, such as 2 for standard error; not closed
 *
 * Returns: (transfer full): an empty log
 */
KvotaAccessLog *
kvota_access_log_new (int fd)
{
  KvotaAccessLog *self = g_new0 (KvotaAccessLog, 1);

  self->fd = fd;
  self->batch = g_string_sized_new (BATCH_SIZE + 1024);
  self->second = -1;

  return self;
}

/**
 * kvota_access_log_append:
 * @self: a #KvotaAccessLog
 * @peer: (nullable): the client's address
 * @user: (nullable): who made the request, or %NULL when nobody logged in
 * @method: the request's method
 * @path: the request's path
 * @status: the reply's HTTP status
 * @duration_us: how long the request took, in microseconds
 *
 * Adds a line: time (UTC, milliseconds), peer, user, method, path, status
 * and duration in milliseconds, each field without spaces.
 */
void
kvota_access_log_append (KvotaAccessLog *self,
                         const char     *peer,
                         const char     *user,
                         const char     *method,
                         const char     *path,
                         guint           status,
                         gint64          duration_us)
{
  gint64 now = g_get_real_time ();
  gint64 second = now / G_USEC_PER_SEC;

  g_return_if_fail (self != NULL);

  if (second != self->second)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (second);
      g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

      g_strlcpy (self->stamp, text != NULL ? text : "-", sizeof self->stamp);
      self->second = second;
    }

  duration_us = MAX (duration_us, 0);
  g_string_append_printf (self->batch, "%s.%03dZ ", self->stamp, (int) (now % G_USEC_PER_SEC / 1000));
  append_field (self->batch, peer);
  g_string_append_c (self->batch, ' ');
  append_field (self->batch, user);
  g_string_append_c (self->batch, ' ');
  append_field (self->batch, method);
  g_string_append_c (self->batch, ' ');
  append_field (self->batch, path);
  g_string_append_printf (self->batch, " %u %" G_GINT64_FORMAT ".%d ms\n",
                          status, duration_us / 1000, (int) (duration_us / 100 % 10));

  if (self->batch->len >= BATCH_SIZE)
    kvota_access_log_flush (self);
  else if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_LOW, flush_cb, self, NULL);
}

/**
 * kvota_access_log_flush:
 * @self: a #KvotaAccessLog
 *
 * Writes the lines not yet written.
 */
void
kvota_access_log_flush (KvotaAccessLog *self)
{
  g_return_if_fail (self != NULL);

  write_all (self->fd, self->batch->str, self->batch->len);
  g_string_truncate (self->batch, 0);
}

/**
 * kvota_access_log_free:
 * @self: (transfer full): a #KvotaAccessLog
 *
 * Writes what is left and frees the log.
 */
void
kvota_access_log_free (KvotaAccessLog *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  kvota_access_log_flush (self);
  g_string_free (self->batch, TRUE);
  g_free (self);
}
