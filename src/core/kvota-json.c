/* kvota-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-json"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-json.h"

/* json-glib wraps integers beyond 64 bits around and cuts strings at an
 * escaped NUL without a word. A request must never mean something other
 * than what its sender wrote, so one lexical pass over the raw text looks
 * for both before the parser runs, and names the member at fault.
 *
 * json-glib's scanner also takes what is not JSON: comments, single-quoted
 * strings, hexadecimal numbers, unknown escapes (dropping the backslash).
 * A quote or a comment would hide what follows it from this pass, so the
 * pass refuses them all as malformed, and with them duplicate members,
 * leading zeros and anything after the document. */
static void
scope_free (gpointer names)
{
  g_clear_pointer (&names, g_hash_table_unref);
}

static gboolean
malformed (KvotaError *code)
{
  *code = KVOTA_ERROR_MALFORMED_JSON;
  return FALSE;
}

static gboolean
scan_lexemes (const char  *data,
              gsize        length,
              char       **bad_member,
              KvotaError  *code)
{
  /* One set of member names per open object (NULL for an array): json-glib
   * keeps the last of two members with one name, and a request must not
   * say two things at once. */
  g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func (scope_free);
  const char *key = NULL;
  gsize key_length = 0;
  const char *last_string = NULL;
  gsize last_string_length = 0;
  gboolean last_was_string = FALSE;
  gboolean last_escaped = FALSE;
  gboolean finished = FALSE;
  gsize i = 0;

  while (i < length)
    {
      char c = data[i];

      if (g_ascii_isspace (c))
        {
          i++;
          continue;
        }

      /* json-glib stops after the first value and ignores the rest. */
      if (finished)
        return malformed (code);

      if (c == '"')
        {
          gsize start = ++i;
          gboolean escaped = FALSE;

          for (; i < length && data[i] != '"'; i++)
            {
              if (data[i] != '\\')
                continue;
              escaped = TRUE;
              if (i + 1 < length &&
                  (data[i + 1] == '\0' || strchr ("\"\\/bfnrtu", data[i + 1]) == NULL))
                return malformed (code);
              if (i + 5 < length && memcmp (data + i + 1, "u0000", 5) == 0)
                {
                  *bad_member = key != NULL ? g_strndup (key, key_length) : NULL;
                  *code = KVOTA_ERROR_INVALID_VALUE;
                  return FALSE;
                }
              i++;
            }
          last_string = data + start;
          last_string_length = i - start;
          last_escaped = escaped;
          last_was_string = TRUE;
          i++;
          continue;
        }

      if (c == ':')
        {
          GHashTable *names = scopes->len > 0 ? g_ptr_array_index (scopes, scopes->len - 1) : NULL;
          char *name;

          if (!last_was_string || names == NULL)
            return malformed (code);

          name = g_strndup (last_string, last_string_length);
          if (!g_hash_table_add (names, name))
            {
              *bad_member = last_escaped ? NULL : g_strndup (last_string, last_string_length);
              *code = KVOTA_ERROR_MALFORMED_JSON;
              return FALSE;
            }

          key = last_escaped ? NULL : last_string;
          key_length = last_string_length;
          last_was_string = FALSE;
          i++;
          continue;
        }

      last_was_string = FALSE;

      if (c == '{' || c == '[')
        {
          g_ptr_array_add (scopes, c == '{' ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL)
                                            : NULL);
          i++;
        }
      else if (c == '}' || c == ']')
        {
          if (scopes->len == 0)
            return malformed (code);
          g_ptr_array_remove_index (scopes, scopes->len - 1);
          finished = scopes->len == 0;
          i++;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gsize start = i;
          gsize first_digit = c == '-' ? i + 1 : i;
          gboolean integral = TRUE;

          for (i++; i < length; i++)
            {
              if (data[i] == '.' || data[i] == 'e' || data[i] == 'E')
                integral = FALSE;
              else if (!g_ascii_isdigit (data[i]) && data[i] != '+' && data[i] != '-')
                break;
            }

          /* JSON has no leading zeros; json-glib would read 010 as 10. */
          if (first_digit + 1 < i && data[first_digit] == '0' && g_ascii_isdigit (data[first_digit + 1]))
            return malformed (code);

          if (integral)
            {
              g_autofree char *token = g_strndup (data + start, i - start);
              g_autoptr(GError) number_error = NULL;

              /* A well-formed integer out of range overflows; "1-2" or a
               * lone "-" is no number at all. */
              if (!g_ascii_string_to_signed (token, 10, G_MININT64, G_MAXINT64, NULL, &number_error))
                {
                  if (g_error_matches (number_error, G_NUMBER_PARSER_ERROR,
                                       G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
                    {
                      *bad_member = key != NULL ? g_strndup (key, key_length) : NULL;
                      *code = KVOTA_ERROR_QUANTITY_OVERFLOW;
                      return FALSE;
                    }
                  return malformed (code);
                }
            }
        }
      else if (c == '\0' || strchr (",truefalsn", c) == NULL)
        return malformed (code);
      else
        i++;
    }

  return TRUE;
}

/**
 * kvota_json_parse:
 * @data: the bytes of a JSON document
 * @length: the length of @data
 * @error: return location for a #GError, or %NULL
 *
 * Parses a request or reply body. Invalid UTF-8 and NUL bytes are refused
 * before the parser sees them.
 *
 * Returns: (transfer full) (nullable): the root node
 */
JsonNode *
kvota_json_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *bad_member = NULL;
  KvotaError code;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      kvota_set_error (error, KVOTA_ERROR_MALFORMED_JSON, NULL);
      return NULL;
    }

  if (!g_utf8_validate_len (data, length, NULL))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_UTF8, NULL);
      return NULL;
    }

  if (!scan_lexemes (data, length, &bad_member, &code))
    {
      if (bad_member != NULL && !kvota_json_text_is_clean (bad_member, FALSE))
        g_clear_pointer (&bad_member, g_free);
      kvota_set_error (error, code, bad_member);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL)
    {
      g_debug ("Refusing JSON: %s", local_error ? local_error->message : "empty");
      kvota_set_error (error, KVOTA_ERROR_MALFORMED_JSON, NULL);
      return NULL;
    }

  return json_node_ref (root);
}

/**
 * kvota_json_text_is_clean:
 * @text: a UTF-8 string
 * @multiline: whether line breaks and tabs are allowed
 *
 * Returns: %TRUE if @text holds no control characters (beyond line
 *   breaks when @multiline) and is no longer than %KVOTA_JSON_MAX_STRING
 */
gboolean
kvota_json_text_is_clean (const char *text,
                          gboolean    multiline)
{
  gsize length = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p), length++)
    {
      gunichar c = g_utf8_get_char (p);

      if (multiline && (c == '\n' || c == '\r' || c == '\t'))
        continue;
      if (g_unichar_iscntrl (c))
        return FALSE;
    }

  return length <= KVOTA_JSON_MAX_STRING;
}

static gboolean
read_member (JsonNode          *member,
             const KvotaField  *field,
             gpointer           target,
             GError           **error)
{
  gpointer slot = G_STRUCT_MEMBER_P (target, field->offset);
  GType value_type;

  if (field->type == KVOTA_FIELD_OBJECT || field->type == KVOTA_FIELD_ARRAY)
    {
      if (field->type == KVOTA_FIELD_OBJECT ? !JSON_NODE_HOLDS_OBJECT (member) : !JSON_NODE_HOLDS_ARRAY (member))
        goto wrong_type;
      g_clear_pointer ((JsonNode **) slot, json_node_unref);
      *(JsonNode **) slot = json_node_ref (member);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (member))
    goto wrong_type;

  value_type = json_node_get_value_type (member);

  switch (field->type)
    {
    case KVOTA_FIELD_STRING:
    case KVOTA_FIELD_TEXT:
      {
        const char *text;

        if (value_type != G_TYPE_STRING)
          goto wrong_type;

        text = json_node_get_string (member);
        if (!kvota_json_text_is_clean (text, field->type == KVOTA_FIELD_TEXT))
          {
            kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, field->name);
            return FALSE;
          }

        g_free (*(char **) slot);
        *(char **) slot = g_strdup (text);
        return TRUE;
      }

    case KVOTA_FIELD_BASE64:
      if (value_type != G_TYPE_STRING)
        goto wrong_type;
      g_free (*(char **) slot);
      *(char **) slot = g_strdup (json_node_get_string (member));
      return TRUE;

    case KVOTA_FIELD_INT64:
      if (value_type != G_TYPE_INT64)
        goto wrong_type;
      *(gint64 *) slot = json_node_get_int (member);
      return TRUE;

    case KVOTA_FIELD_BOOLEAN:
      if (value_type != G_TYPE_BOOLEAN)
        goto wrong_type;
      *(gboolean *) slot = json_node_get_boolean (member);
      return TRUE;

    case KVOTA_FIELD_OBJECT:
    case KVOTA_FIELD_ARRAY:

    default:
      g_assert_not_reached ();
    }

wrong_type:
  kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, field->name);
  return FALSE;
}

/**
 * kvota_json_read_object:
 * @node: the request's root node
 * @fields: (array length=n_fields): the members the object may have
 * @n_fields: the number of @fields
 * @target: the struct the values go into
 * @error: return location for a #GError, or %NULL
 *
 * Reads an object strictly: every member must be listed in @fields with
 * the right type, and every required one present. Numbers that are not
 * integers and integers beyond 64 bits are refused, never rounded.
 * On failure the strings already stored in @target stay there for
 * kvota_json_clear_strings() to free. The error names the member at
 * fault (kvota_error_get_field()).
 *
 * Returns: %TRUE if the whole object was read
 */
gboolean
kvota_json_read_object (JsonNode          *node,
                        const KvotaField  *fields,
                        guint              n_fields,
                        gpointer           target,
                        GError           **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, NULL);
      return FALSE;
    }

  object = json_node_get_object (node);

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      const KvotaField *field = NULL;

      for (guint i = 0; i < n_fields; i++)
        {
          if (strcmp (fields[i].name, name) == 0)
            {
              field = &fields[i];
              break;
            }
        }

      if (field == NULL)
        {
          /* The name is the client's text: only echo it when it is clean. */
          const char *shown = kvota_json_text_is_clean (name, FALSE) ? name : NULL;

          kvota_set_error (error, KVOTA_ERROR_UNKNOWN_FIELD, shown);
          return FALSE;
        }

      if (!read_member (member, field, target, error))
        return FALSE;

      if (field->present_offset >= 0)
        G_STRUCT_MEMBER (gboolean, target, field->present_offset) = TRUE;
    }

  for (guint i = 0; i < n_fields; i++)
    {
      if (fields[i].required && !json_object_has_member (object, fields[i].name))
        {
          kvota_set_error (error, KVOTA_ERROR_MISSING_FIELD, fields[i].name);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * kvota_json_clear_strings:
 * @fields: (array length=n_fields): the members read by kvota_json_read_object()
 * @n_fields: the number of @fields
 * @target: the struct they were read into
 *
 * Frees the strings kvota_json_read_object() stored in @target.
 */
void
kvota_json_clear_strings (const KvotaField *fields,
                          guint             n_fields,
                          gpointer          target)
{
  for (guint i = 0; i < n_fields; i++)
    {
      if (fields[i].type == KVOTA_FIELD_STRING || fields[i].type == KVOTA_FIELD_TEXT ||
          fields[i].type == KVOTA_FIELD_BASE64)
        g_clear_pointer ((char **) G_STRUCT_MEMBER_P (target, fields[i].offset), g_free);
      else if (fields[i].type == KVOTA_FIELD_OBJECT || fields[i].type == KVOTA_FIELD_ARRAY)
        g_clear_pointer ((JsonNode **) G_STRUCT_MEMBER_P (target, fields[i].offset), json_node_unref);
    }
}

/**
 * kvota_json_to_string:
 * @node: a JSON node
 *
 * Returns: (transfer full): @node as compact JSON
 */
char *
kvota_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/**
 * kvota_json_get_array:
 * @node: (nullable): a JSON node, usually a reply's root
 * @member: the name of a member of @node
 *
 * Looks up a list in a reply.
 *
 * Returns: (transfer none) (nullable): the array member @member of the
 *   object @node, or %NULL when @node is not an object or the member is
 *   missing or not an array
 */
JsonArray *
kvota_json_get_array (JsonNode   *node,
                      const char *member)
{
  JsonNode *value;

  g_return_val_if_fail (member != NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  value = json_object_get_member (json_node_get_object (node), member);
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;

  return json_node_get_array (value);
}

/**
 * kvota_json_read_list:
 * @node: (nullable): a JSON node, usually a reply's root
 * @member: the name of the array member of @node
 * @decode: (scope call): decodes one element
 * @free_func: (nullable): frees what @decode returns
 * @error: return location for a #GError, or %NULL
 *
 * Decodes every element of the array member @member of the object @node,
 * in order. The whole list fails if one element does not decode: a reply
 * is never shown in part. The error is the one @decode gives, else one
 * naming @member.
 *
 * Returns: (transfer full) (nullable) (element-type gpointer): the
 *   decoded elements, which the array frees with @free_func
 */
GPtrArray *
kvota_json_read_list (JsonNode             *node,
                      const char           *member,
                      KvotaJsonDecodeFunc   decode,
                      GDestroyNotify        free_func,
                      GError              **error)
{
  g_autoptr(GPtrArray) items = NULL;
  JsonArray *array;
  guint length;

  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (decode != NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, NULL);
      return NULL;
    }

  if ((array = kvota_json_get_array (node, member)) == NULL)
    {
      /* Tell a missing list from one of the wrong type, as
       * kvota_json_read_object() does. */
      if (!json_object_has_member (json_node_get_object (node), member))
        kvota_set_error (error, KVOTA_ERROR_MISSING_FIELD, member);
      else
        kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, member);
      return NULL;
    }

  length = json_array_get_length (array);
  items = g_ptr_array_new_full (length, free_func);

  for (guint i = 0; i < length; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gpointer item;

      if ((item = decode (json_array_get_element (array, i), &local_error)) == NULL)
        {
          /* A decoder may fail without saying why. */
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, member);
          return NULL;
        }

      g_ptr_array_add (items, item);
    }

  return g_steal_pointer (&items);
}
