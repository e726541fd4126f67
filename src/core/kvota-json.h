/* kvota-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Strings longer than this are refused in every request. */
#define KVOTA_JSON_MAX_STRING 4096

typedef enum
{
  KVOTA_FIELD_STRING,
  KVOTA_FIELD_TEXT,        /* a string that may span lines */
  KVOTA_FIELD_BASE64,      /* a file in base64: as long as the route's body
                            * limit allows; its decoder checks the content */
  KVOTA_FIELD_INT64,
  KVOTA_FIELD_BOOLEAN,
  KVOTA_FIELD_OBJECT,      /* a JSON object, kept as a JsonNode */
  KVOTA_FIELD_ARRAY,       /* a JSON array, kept as a JsonNode */
} KvotaFieldType;

/**
 * KvotaField:
 * @name: the member name
 * @type: what the member must hold
 * @required: whether the member must be present
 * @offset: where the value goes in the target struct (`char *`,
 *   `gint64`, or `gboolean`), from G_STRUCT_OFFSET()
 * @present_offset: where a `gboolean` records that an optional member was
 *   given, or -1
 *
 * One member of a strictly read JSON object.
 */
typedef struct
{
  const char     *name;
  KvotaFieldType  type;
  gboolean        required;
  goffset         offset;
  goffset         present_offset;
} KvotaField;

/**
 * KvotaJsonDecodeFunc:
 * @node: one element of a JSON array
 * @error: return location for a #GError, or %NULL
 *
 * Decodes one element of a list, as the `kvota_*_from_json()` codecs do.
 *
 * Returns: (transfer full) (nullable): the decoded element, or %NULL if
 *   @node does not decode
 */
typedef gpointer (*KvotaJsonDecodeFunc) (JsonNode  *node,
                                         GError   **error);

JsonNode  *kvota_json_parse             (const char           *data,
                                         gsize                 length,
                                         GError              **error);
gboolean   kvota_json_read_object       (JsonNode             *node,
                                         const KvotaField     *fields,
                                         guint                 n_fields,
                                         gpointer              target,
                                         GError              **error);
void       kvota_json_clear_strings     (const KvotaField     *fields,
                                         guint                 n_fields,
                                         gpointer              target);
gboolean   kvota_json_text_is_clean     (const char           *text,
                                         gboolean              multiline);
char      *kvota_json_to_string         (JsonNode             *node);
JsonArray *kvota_json_get_array         (JsonNode             *node,
                                         const char           *member);
GPtrArray *kvota_json_read_list         (JsonNode             *node,
                                         const char           *member,
                                         KvotaJsonDecodeFunc   decode,
                                         GDestroyNotify        free_func,
                                         GError              **error);

G_END_DECLS
