/* kvota-workbook.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#define G_LOG_DOMAIN "kvota-workbook"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-workbook-private.h"

/* The spreadsheet reader: the only part of Kvota that includes libgsf.
 * This file finds out what a file is from its first bytes, never from its
 * name, and hands it to the backend for its format. */

G_DEFINE_FINAL_TYPE (KvotaWorkbook, kvota_workbook, G_TYPE_OBJECT)

static void
sheet_free (gpointer data)
{
  KvotaSheet *sheet = data;

  g_free (sheet->name);
  g_clear_pointer (&sheet->merged, g_array_unref);
  g_free (sheet->backend_data);
  g_free (sheet);
}

static void
kvota_workbook_finalize (GObject *object)
{
  KvotaWorkbook *self = (KvotaWorkbook *)object;

  if (self->backend != NULL && self->backend->free != NULL && self->backend_data != NULL)
    self->backend->free (self->backend_data);
  g_clear_pointer (&self->sheets, g_ptr_array_unref);
  g_clear_object (&self->input);

  G_OBJECT_CLASS (kvota_workbook_parent_class)->finalize (object);
}

static void
kvota_workbook_class_init (KvotaWorkbookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_workbook_finalize;
}

static void
kvota_workbook_init (KvotaWorkbook *self)
{
  self->sheets = g_ptr_array_new_with_free_func (sheet_free);
}

void
_kvota_workbook_set_error (GError     **error,
                           int          code,
                           const char  *detail)
{
  if (detail != NULL)
    g_debug ("Spreadsheet refused: %s", detail);
  kvota_set_error (error, (KvotaError) code, NULL);
}

KvotaSheet *
_kvota_workbook_add_sheet (KvotaWorkbook *self,
                           const char    *name,
                           gboolean       hidden)
{
  KvotaSheet *sheet = g_new0 (KvotaSheet, 1);

  sheet->name = g_strdup (name != NULL ? name : "");
  sheet->hidden = hidden;
  sheet->merged = g_array_new (FALSE, FALSE, sizeof (KvotaMergedRange));
  g_ptr_array_add (self->sheets, sheet);

  return sheet;
}

/* Excel's built-in number formats that have no code in the file. */
const char *
_kvota_workbook_builtin_format (guint id)
{
  static const char * const formats[] = {
    [0] = NULL, [1] = "0", [2] = "0.00", [3] = "#,##0", [4] = "#,##0.00",
    [9] = "0%", [10] = "0.00%", [11] = "0.00E+00", [12] = "# ?/?", [13] = "# ?\?/?\?",
    [14] = "m/d/yyyy", [15] = "d-mmm-yy", [16] = "d-mmm", [17] = "mmm-yy",
    [18] = "h:mm AM/PM", [19] = "h:mm:ss AM/PM", [20] = "h:mm", [21] = "h:mm:ss",
    [22] = "m/d/yyyy h:mm", [37] = "#,##0 ;(#,##0)", [38] = "#,##0 ;[Red](#,##0)",
    [39] = "#,##0.00;(#,##0.00)", [40] = "#,##0.00;[Red](#,##0.00)",
    [45] = "mm:ss", [46] = "[h]:mm:ss", [47] = "mmss.0", [48] = "##0.0E+0", [49] = "@",
  };

  if (id >= G_N_ELEMENTS (formats))
    return NULL;

  return formats[id];
}

/**
 * _kvota_workbook_format_is_date:
 * @format: (nullable): a number format code
 *
 * Whether a number shown with @format reads as a date or a time: it has
 * day, month, year, hour or second placeholders outside quoted text,
 * escapes and bracketed sections (colours, locales; [h] elapsed hours are
 * a time).
 */
gboolean
_kvota_workbook_format_is_date (const char *format)
{
  if (format == NULL || g_ascii_strcasecmp (format, "General") == 0)
    return FALSE;

  for (const char *p = format; *p; p++)
    {
      switch (*p)
        {
        case '"':
          while (p[1] != '\0' && p[1] != '"')
            p++;
          if (p[1] == '"')
            p++;
          break;

        case '\\':
        case '_':
        case '*':
          if (p[1] != '\0')
            p++;
          break;

        case '[':
          if (g_ascii_strncasecmp (p, "[h]", 3) == 0 || g_ascii_strncasecmp (p, "[hh]", 4) == 0 ||
              g_ascii_strncasecmp (p, "[m]", 3) == 0 || g_ascii_strncasecmp (p, "[mm]", 4) == 0 ||
              g_ascii_strncasecmp (p, "[s]", 3) == 0 || g_ascii_strncasecmp (p, "[ss]", 4) == 0)
            return TRUE;
          while (p[1] != '\0' && p[1] != ']')
            p++;
          if (p[1] == ']')
            p++;
          break;

        case ';':
          /* The first section decides. */
          return FALSE;

        case 'd': case 'D': case 'm': case 'M': case 'y': case 'Y':
        case 'h': case 'H': case 's': case 'S':
          return TRUE;

        default:
          break;
        }
    }

  return FALSE;
}

static const KvotaWorkbookBackend *
sniff (GsfInput  *input,
       GError   **error)
{
  const guint8 *head;
  gsf_off_t size = gsf_input_size (input);
  guint8 buffer[512];
  gsize n = (gsize) MIN (size, (gsf_off_t) sizeof buffer);

  if (size <= 0 || (head = gsf_input_read (input, n, buffer)) == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "empty file");
      return NULL;
    }
  gsf_input_seek (input, 0, G_SEEK_SET);

  if (n >= 4 && memcmp (head, "PK\003\004", 4) == 0)
    {
      /* ODF puts an uncompressed "mimetype" first; OOXML does not. */
      if (n >= 38 + 46 && memcmp (head + 30, "mimetype", 8) == 0 &&
          memmem (head + 38, n - 38, "application/vnd.oasis.opendocument.spreadsheet", 46) != NULL)
        return &_kvota_workbook_ods_backend;
      return &_kvota_workbook_xlsx_backend;
    }

  if (n >= 8 && memcmp (head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
    return &_kvota_workbook_xls_backend;

  /* Flat ODF: an XML document whose root is office:document. */
  if (n > 5 && (memmem (head, n, "<?xml", 5) != NULL || head[0] == '<') &&
      memmem (head, n, "office:document", 15) != NULL)
    return &_kvota_workbook_ods_backend;

  _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "unknown signature");
  return NULL;
}

static void
quiet_log_cb (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        user_data)
{
  /* Not through g_log(): a log handler that logs is a fatal recursion. */
  if (g_getenv ("G_MESSAGES_DEBUG") != NULL)
    g_printerr ("%s-DEBUG: %s\n", domain, message);
}

static KvotaWorkbook *
open_input (GsfInput  *input,
            GError   **error)
{
  g_autoptr(KvotaWorkbook) self = NULL;
  const KvotaWorkbookBackend *backend;

  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      static const char * const domains[] = {
        "libgsf", "libgsf:msole", "libgsf:zip", "libgsf:utils", "libgsf:xml",
      };

      gsf_init ();
      /* A damaged file makes libgsf warn as it goes; the reader reports it
       * in one clear sentence instead, so its warnings are for debugging. */
      for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
        g_log_set_handler (domains[i], G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_MESSAGE,
                           quiet_log_cb, NULL);
      g_once_init_leave (&initialized, 1);
    }

  if ((backend = sniff (input, error)) == NULL)
    return NULL;

  self = g_object_new (KVOTA_TYPE_WORKBOOK, NULL);
  self->backend = backend;
  self->input = g_object_ref (input);

  if (!backend->open (self, input, error))
    return NULL;

  if (self->sheets->len == 0)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "no sheets");
      return NULL;
    }

  if (self->active_sheet >= self->sheets->len)
    self->active_sheet = 0;

  return g_steal_pointer (&self);
}

/**
 * kvota_workbook_open:
 * @path: a spreadsheet file: .xlsx, .xls or .ods, whatever its name says
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the workbook, or %NULL with one of
 *   the %KVOTA_ERROR_SPREADSHEET_* codes
 */
KvotaWorkbook *
kvota_workbook_open (const char  *path,
                     GError     **error)
{
  g_autoptr(GsfInput) input = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if ((input = gsf_input_stdio_new (path, &local_error)) == NULL)
    {
      g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_NOT_FOUND,
                   _("Cannot open “%s”: %s"), path, local_error->message);
      return NULL;
    }

  return open_input (input, error);
}

/**
 * kvota_workbook_open_bytes:
 * @bytes: a whole spreadsheet file in memory
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the workbook
 */
KvotaWorkbook *
kvota_workbook_open_bytes (GBytes  *bytes,
                           GError **error)
{
  g_autoptr(GsfInput) input = NULL;
  gsize size;
  gconstpointer data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  /* The input does not copy: the workbook keeps the bytes alive. */
  input = gsf_input_memory_new (data, (gsf_off_t) size, FALSE);
  g_object_set_data_full (G_OBJECT (input), "kvota-bytes", g_bytes_ref (bytes),
                          (GDestroyNotify) g_bytes_unref);

  return open_input (input, error);
}

KvotaWorkbookFormat
kvota_workbook_get_format (KvotaWorkbook *self)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), 0);

  return self->backend->format;
}

guint
kvota_workbook_get_n_sheets (KvotaWorkbook *self)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), 0);

  return self->sheets->len;
}

const char *
kvota_workbook_get_sheet_name (KvotaWorkbook *self,
                               guint          index)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), NULL);
  g_return_val_if_fail (index < self->sheets->len, NULL);

  return ((KvotaSheet *) g_ptr_array_index (self->sheets, index))->name;
}

gboolean
kvota_workbook_get_sheet_hidden (KvotaWorkbook *self,
                                 guint          index)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), FALSE);
  g_return_val_if_fail (index < self->sheets->len, FALSE);

  return ((KvotaSheet *) g_ptr_array_index (self->sheets, index))->hidden;
}

/**
 * kvota_workbook_get_active_sheet:
 * @self: a #KvotaWorkbook
 *
 * Returns: the sheet that was selected when the workbook was saved
 */
guint
kvota_workbook_get_active_sheet (KvotaWorkbook *self)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), 0);

  return self->active_sheet;
}

/**
 * kvota_workbook_find_sheet:
 * @self: a #KvotaWorkbook
 * @name: a sheet's name, compared without regard to case
 * @index: (out): its index
 *
 * Returns: %TRUE if there is such a sheet
 */
gboolean
kvota_workbook_find_sheet (KvotaWorkbook *self,
                           const char    *name,
                           guint         *index)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), FALSE);
  g_return_val_if_fail (name != NULL && index != NULL, FALSE);

  wanted = g_utf8_casefold (name, -1);
  for (guint i = 0; i < self->sheets->len; i++)
    {
      g_autofree char *candidate = g_utf8_casefold (kvota_workbook_get_sheet_name (self, i), -1);

      if (g_strcmp0 (wanted, candidate) == 0)
        {
          *index = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * kvota_workbook_read_sheet:
 * @self: a #KvotaWorkbook
 * @index: a sheet
 * @func: called for every non-empty cell, row by row, left to right
 * @user_data: for @func
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError, or %NULL
 *
 * Streams one sheet: memory stays bounded by the workbook's shared parts,
 * not by the size of the sheet.
 *
 * Returns: %TRUE if the sheet was read to its end or @func stopped it
 */
gboolean
kvota_workbook_read_sheet (KvotaWorkbook  *self,
                           guint           index,
                           KvotaCellFunc   func,
                           gpointer        user_data,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (index >= self->sheets->len)
    {
      kvota_set_error (error, KVOTA_ERROR_SPREADSHEET_NO_SHEET, NULL);
      return FALSE;
    }

  g_array_set_size (((KvotaSheet *) g_ptr_array_index (self->sheets, index))->merged, 0);

  return self->backend->read_sheet (self, index, func, user_data, cancellable, error);
}

/**
 * kvota_workbook_get_merged:
 * @self: a #KvotaWorkbook
 * @index: a sheet that has been read
 *
 * Returns: (transfer container) (element-type KvotaMergedRange): the
 *   sheet's merged ranges
 */
GArray *
kvota_workbook_get_merged (KvotaWorkbook *self,
                           guint          index)
{
  g_return_val_if_fail (KVOTA_IS_WORKBOOK (self), NULL);
  g_return_val_if_fail (index < self->sheets->len, NULL);

  return g_array_ref (((KvotaSheet *) g_ptr_array_index (self->sheets, index))->merged);
}

/**
 * kvota_workbook_date_from_1904:
 * @serial: a date in the 1904 date system of old Macintosh workbooks
 *
 * Returns: the same date in the 1900 system
 */
double
kvota_workbook_date_from_1904 (double serial)
{
  return serial + 1462;
}

/**
 * kvota_workbook_date_to_datetime:
 * @serial: days since 1899-12-30, the time of day as the fraction
 *
 * Excel's serials count a 29 February 1900 that never was; dates after it
 * come out right from 1899-12-30.
 *
 * Returns: (transfer full) (nullable): the date and time in UTC, to the
 *   nearest millisecond
 */
GDateTime *
kvota_workbook_date_to_datetime (double serial)
{
  g_autoptr(GDateTime) epoch = g_date_time_new_utc (1899, 12, 30, 0, 0, 0);
  double milliseconds = serial * 86400000.0;

  if (!(serial > -693593.0 && serial < 2958466.0))
    return NULL;

  milliseconds = milliseconds < 0 ? milliseconds - 0.5 : milliseconds + 0.5;
  return g_date_time_add (epoch, (GTimeSpan) milliseconds * 1000);
}
