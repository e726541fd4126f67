/* kvota-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-document"

#include "config.h"

#include <string.h>

#include "kvota-document.h"
#include "kvota-error.h"
#include "kvota-json.h"

/**
 * kvota_document_sniff:
 * @data: a file's bytes
 * @length: its length
 *
 * Tells a document's type from its first bytes, never from its name.
 *
 * Returns: (nullable): `application/pdf`, `image/png` or `image/jpeg`,
 *   or %NULL for anything else
 */
const char *
kvota_document_sniff (const guchar *data,
                      gsize         length)
{
  static const guchar png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guchar jpeg[] = { 0xff, 0xd8, 0xff };

  if (length >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return "application/pdf";
  if (length >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "image/png";
  if (length >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0)
    return "image/jpeg";

  return NULL;
}

/**
 * kvota_document_decode_base64:
 * @base64: a file in base64, as a request carries it
 * @max_size: the largest file accepted
 * @field: the request member it came in, for the error
 * @error: return location for a #GError, or %NULL
 *
 * GLib's decoder skips characters outside the alphabet without a word, so
 * the text is checked first: a damaged upload is refused, not stored.
 *
 * Returns: (transfer full) (nullable): the file's bytes, or %NULL with
 *   %KVOTA_ERROR_INVALID_DOCUMENT or %KVOTA_ERROR_DOCUMENT_TOO_LARGE
 */
GBytes *
kvota_document_decode_base64 (const char  *base64,
                              gsize        max_size,
                              const char  *field,
                              GError     **error)
{
  guchar *data;
  gsize length = 0;
  gsize padding = 0;
  gsize n = 0;

  if (base64 == NULL)
    goto invalid;

  for (const char *p = base64; *p; p++)
    {
      if (*p == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        goto invalid;
      n++;
    }

  if (n == 0 || n % 4 != 0 || padding > 2)
    goto invalid;

  if (n / 4 * 3 - padding > max_size)
    {
      kvota_set_error (error, KVOTA_ERROR_DOCUMENT_TOO_LARGE, field);
      return NULL;
    }

  data = g_base64_decode (base64, &length);
  if (length == 0)
    {
      g_free (data);
      goto invalid;
    }

  return g_bytes_new_take (data, length);

invalid:
  kvota_set_error (error, KVOTA_ERROR_INVALID_DOCUMENT, field);
  return NULL;
}

/**
 * kvota_document_decode:
 * @base64: the document in base64, as a request carries it
 * @content_type: (out): the type found in its bytes
 * @error: return location for a #GError, or %NULL
 *
 * A signed document: a PDF, PNG or JPEG, recognised by its content.
 *
 * Returns: (transfer full) (nullable): the document's bytes, or %NULL with
 *   %KVOTA_ERROR_INVALID_DOCUMENT or %KVOTA_ERROR_DOCUMENT_TOO_LARGE
 */
GBytes *
kvota_document_decode (const char   *base64,
                       const char  **content_type,
                       GError      **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  gconstpointer data;

  g_return_val_if_fail (content_type != NULL, NULL);

  if ((bytes = kvota_document_decode_base64 (base64, KVOTA_DOCUMENT_MAX_SIZE, "document", error)) == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  if ((*content_type = kvota_document_sniff (data, length)) == NULL)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_DOCUMENT, "document");
      return NULL;
    }

  return g_steal_pointer (&bytes);
}

/**
 * kvota_document_check_name:
 * @name: the file name a user gave
 *
 * Returns: (transfer full) (nullable): the base name, fit to show and to
 *   offer for download, or %NULL if it cannot be one
 */
char *
kvota_document_check_name (const char *name)
{
  g_autofree char *base = NULL;

  if (name == NULL || !kvota_json_text_is_clean (name, FALSE) || strlen (name) > 255)
    return NULL;

  base = g_path_get_basename (name);
  if (base[0] == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0 ||
      strchr (base, '/') != NULL || strchr (base, '"') != NULL || strchr (base, '\\') != NULL)
    return NULL;

  return g_steal_pointer (&base);
}
