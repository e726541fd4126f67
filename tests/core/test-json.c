/* test-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-records.h"
#include "kvota-types.h"

/* A request as a handler would declare it. */
typedef struct
{
  char     *name;
  char     *comment;
  gint64    quantity;
  gboolean  urgent;
  gboolean  has_comment;
  gboolean  has_urgent;
} Request;

static const KvotaField request_fields[] = {
  { "name", KVOTA_FIELD_STRING, TRUE, G_STRUCT_OFFSET (Request, name), -1 },
  { "comment", KVOTA_FIELD_TEXT, FALSE, G_STRUCT_OFFSET (Request, comment),
    G_STRUCT_OFFSET (Request, has_comment) },
  { "quantity", KVOTA_FIELD_INT64, TRUE, G_STRUCT_OFFSET (Request, quantity), -1 },
  { "urgent", KVOTA_FIELD_BOOLEAN, FALSE, G_STRUCT_OFFSET (Request, urgent),
    G_STRUCT_OFFSET (Request, has_urgent) },
};

static JsonNode *
parse (const char  *text,
       GError     **error)
{
  return kvota_json_parse (text, strlen (text), error);
}

static void
assert_parse_fails (const char *text,
                    gsize       length,
                    KvotaError  code,
                    const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_test_message ("parsing %s", text);
  node = kvota_json_parse (text, length, &error);
  g_assert_null (node);
  g_assert_error (error, KVOTA_ERROR, (gint) code);
  g_assert_cmpstr (kvota_error_get_field (error), ==, field);
}

/* Reads @text into a fresh Request; on failure checks the error's code and
 * field, and that every string read so far can still be freed. */
static gboolean
read_request (const char *text,
              Request    *request,
              KvotaError  code,
              const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean ok;

  memset (request, 0, sizeof *request);

  g_test_message ("reading %s", text);
  node = parse (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  ok = kvota_json_read_object (node, request_fields, G_N_ELEMENTS (request_fields),
                               request, &error);
  if (ok)
    g_assert_no_error (error);
  else
    {
      g_assert_error (error, KVOTA_ERROR, (gint) code);
      g_assert_cmpstr (kvota_error_get_field (error), ==, field);
      kvota_json_clear_strings (request_fields, G_N_ELEMENTS (request_fields), request);
      g_assert_null (request->name);
      g_assert_null (request->comment);
    }

  return ok;
}

static void
assert_read_fails (const char *text,
                   KvotaError  code,
                   const char *field)
{
  Request request;

  g_assert_false (read_request (text, &request, code, field));
}

/* Parsing */

static void
test_json_parse_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  node = parse ("{\"name\": \"Қарағанды\", \"max\": 9223372036854775807, "
                "\"min\": -9223372036854775808, \"list\": [1, 2.5, true, null]}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Қарағанды");
  g_assert_cmpint (json_object_get_int_member (object, "max"), ==, G_MAXINT64);
  g_assert_cmpint (json_object_get_int_member (object, "min"), ==, G_MININT64);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "list")), ==, 4);

  /* Only the given length is read. */
  {
    g_autoptr(JsonNode) prefix = kvota_json_parse ("[1]garbage", 3, &error);

    g_assert_no_error (error);
    g_assert_nonnull (prefix);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (prefix));
  }

  /* Digits inside strings are text, not numbers; an escaped backslash
   * followed by “u0000” is not an escaped NUL. */
  {
    g_autoptr(JsonNode) strings = parse ("{\"big\": \"99999999999999999999\", "
                                         "\"path\": \"C:\\\\u0000\"}", &error);

    g_assert_no_error (error);
    g_assert_nonnull (strings);
    object = json_node_get_object (strings);
    g_assert_cmpstr (json_object_get_string_member (object, "big"), ==, "99999999999999999999");
    g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, "C:\\u0000");
  }
}

static void
test_json_parse_utf8 (void)
{
  static const char with_nul[] = "{\"name\": \"a\0b\"}";

  assert_parse_fails ("{\"name\": \"\xff\"}", strlen ("{\"name\": \"\xff\"}"),
                      KVOTA_ERROR_INVALID_UTF8, NULL);
  /* An overlong “/” and a lone surrogate, both forbidden in UTF-8. */
  assert_parse_fails ("{\"name\": \"\xc0\xaf\"}", strlen ("{\"name\": \"\xc0\xaf\"}"),
                      KVOTA_ERROR_INVALID_UTF8, NULL);
  assert_parse_fails ("{\"name\": \"\xed\xa0\x80\"}", strlen ("{\"name\": \"\xed\xa0\x80\"}"),
                      KVOTA_ERROR_INVALID_UTF8, NULL);
  /* Cut in the middle of a character. */
  assert_parse_fails ("\"Қ\"", 2, KVOTA_ERROR_INVALID_UTF8, NULL);
  /* A raw NUL byte inside the body. */
  assert_parse_fails (with_nul, sizeof with_nul - 1, KVOTA_ERROR_INVALID_UTF8, NULL);
}

static void
test_json_parse_malformed (void)
{
  static const char * const cases[] = {
    "{",
    "}",
    "{\"name\" \"x\"}",
    "{\"name\": }",
    "{name: 1}",
    "{\"a\": 1,}",
    "[1,]",
    "{\"a\": NaN}",
    "{\"a\": -}",
    "{\"a\": 1-2}",
    "[1, 2",
    "nope",
    "\"unterminated",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_fails (cases[i], strlen (cases[i]), KVOTA_ERROR_MALFORMED_JSON, NULL);

  /* Nothing at all is not a document either. */
  assert_parse_fails ("", 0, KVOTA_ERROR_MALFORMED_JSON, NULL);
  assert_parse_fails (NULL, 0, KVOTA_ERROR_MALFORMED_JSON, NULL);
}

/* What json-glib's scanner takes but JSON is not. A quote or a comment
 * must not hide what follows it from the overflow and NUL checks. */
static void
test_json_parse_not_json (void)
{
  static const char * const cases[] = {
    "{\"name\": 'Kazakhmys'}",
    "{\"quantity\": 1 /* tonnes */}",
    "{\"quantity\": 0x10}",
    "{\"quantity\": .5}",
    "{\"name\": \"\\x41\"}",
    "{\"name\": \"C:\\Temp\"}",
    /* Each of these would carry a quantity of 2⁶⁴ - 1 past the overflow
     * check, for json-glib to wrap around to -1. */
    "{\"a\": '\"', \"quantity\": 18446744073709551615, \"b\": '\"'}",
    "{\"quantity\": /* \" */ 18446744073709551615}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_fails (cases[i], strlen (cases[i]), KVOTA_ERROR_MALFORMED_JSON, NULL);

  /* The escapes JSON does have are all fine. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parse ("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0416\"]", &error);

    g_assert_no_error (error);
    g_assert_nonnull (node);
    g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0),
                     ==, "\"\\/\b\f\n\r\tЖ");
  }
}

/* What json-glib would read as something other than what was sent: the
 * last of two members with one name, 010 as 10, the first of two
 * documents. */
static void
test_json_parse_ambiguous (void)
{
  static const char * const duplicates[] = {
    "{\"quantity\": 1, \"quantity\": 1000000}",
    "{\"transfer\": {\"quantity\": 1, \"quantity\": 2}}",
  };
  static const char * const cases[] = {
    "{\"quantity\": 010}",
    "{\"quantity\": -01}",
    "{\"quantity\": 1} {\"quantity\": 2}",
    "{\"quantity\": 1}]",
    "{\"quantity\": 1}x",
  };

  /* A duplicate is named, for the client to point at. */
  for (guint i = 0; i < G_N_ELEMENTS (duplicates); i++)
    assert_parse_fails (duplicates[i], strlen (duplicates[i]), KVOTA_ERROR_MALFORMED_JSON, "quantity");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_fails (cases[i], strlen (cases[i]), KVOTA_ERROR_MALFORMED_JSON, NULL);

  /* The same name in two different objects is two members, and white
   * space after the document is no second document. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parse ("{\"a\": {\"quantity\": 1}, \"b\": {\"quantity\": 0}}\r\n ", &error);

    g_assert_no_error (error);
    g_assert_nonnull (node);
  }
}

static void
test_json_parse_overflow (void)
{
  static const struct {
    const char *text;
    const char *field;
  } cases[] = {
    { "{\"quantity\": 9223372036854775808}", "quantity" },
    { "{\"quantity\": -9223372036854775809}", "quantity" },
    { "{\"name\": \"x\", \"quantity\": 18446744073709551616}", "quantity" },
    { "{\"transfer\": {\"price\": 1, \"quantity\": 99999999999999999999999}}", "quantity" },
    { "{\"serials\": [1, 2, 100000000000000000000]}", "serials" },
    { "[9223372036854775808]", NULL },
    { "9223372036854775808", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_fails (cases[i].text, strlen (cases[i].text),
                        KVOTA_ERROR_QUANTITY_OVERFLOW, cases[i].field);
}

static void
test_json_parse_escaped_nul (void)
{
  static const struct {
    const char *text;
    const char *field;
  } cases[] = {
    /* json-glib would cut the name at the NUL: "ТОО" instead of the
     * whole text the client sent. */
    { "{\"name\": \"ТОО\\u0000 Kazakhmys\"}", "name" },
    { "{\"quantity\": 5, \"reason\": \"\\u0000\"}", "reason" },
    { "[\"\\u0000\"]", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_fails (cases[i].text, strlen (cases[i].text),
                        KVOTA_ERROR_INVALID_VALUE, cases[i].field);
}

/* Reading objects */

static void
test_json_read_object_valid (void)
{
  Request request;

  g_assert_true (read_request ("{\"name\": \"Kazakhmys\", \"quantity\": 1252950, "
                               "\"comment\": \"Lot 1\\nLot 2\\tpaid\", \"urgent\": true}",
                               &request, 0, NULL));
  g_assert_cmpstr (request.name, ==, "Kazakhmys");
  g_assert_cmpstr (request.comment, ==, "Lot 1\nLot 2\tpaid");
  g_assert_cmpint (request.quantity, ==, 1252950);
  g_assert_true (request.urgent);
  g_assert_true (request.has_comment);
  g_assert_true (request.has_urgent);
  kvota_json_clear_strings (request_fields, G_N_ELEMENTS (request_fields), &request);
  g_assert_null (request.name);
  g_assert_null (request.comment);

  /* Optional members left out are marked as absent; false is a value. */
  g_assert_true (read_request ("{\"quantity\": -5, \"name\": \"x\", \"urgent\": false}",
                               &request, 0, NULL));
  g_assert_cmpint (request.quantity, ==, -5);
  g_assert_null (request.comment);
  g_assert_false (request.has_comment);
  g_assert_false (request.urgent);
  g_assert_true (request.has_urgent);
  kvota_json_clear_strings (request_fields, G_N_ELEMENTS (request_fields), &request);

  /* The longest string accepted: KVOTA_JSON_MAX_STRING characters, not
   * bytes, so Cyrillic counts the same as ASCII. */
  {
    g_autoptr(GString) text = g_string_new ("{\"quantity\": 1, \"name\": \"");

    for (guint i = 0; i < KVOTA_JSON_MAX_STRING; i++)
      g_string_append (text, "Ж");
    g_string_append (text, "\"}");

    g_assert_true (read_request (text->str, &request, 0, NULL));
    g_assert_cmpint (g_utf8_strlen (request.name, -1), ==, KVOTA_JSON_MAX_STRING);
    kvota_json_clear_strings (request_fields, G_N_ELEMENTS (request_fields), &request);
  }
}

static void
test_json_read_object_unknown (void)
{
  assert_read_fails ("{\"name\": \"x\", \"quantity\": 1, \"colour\": \"red\"}",
                     KVOTA_ERROR_UNKNOWN_FIELD, "colour");
  /* Names are matched exactly. */
  assert_read_fails ("{\"Name\": \"x\", \"quantity\": 1}", KVOTA_ERROR_UNKNOWN_FIELD, "Name");
  /* A name that is not clean text is not echoed back. */
  assert_read_fails ("{\"name\": \"x\", \"quantity\": 1, \"a\\u0001b\": 1}",
                     KVOTA_ERROR_UNKNOWN_FIELD, NULL);
}

static void
test_json_read_object_wrong_type (void)
{
  static const struct {
    const char *text;
    const char *field;
  } cases[] = {
    { "{\"name\": 5, \"quantity\": 1}", "name" },
    { "{\"name\": null, \"quantity\": 1}", "name" },
    { "{\"name\": [\"x\"], \"quantity\": 1}", "name" },
    { "{\"name\": {\"first\": \"x\"}, \"quantity\": 1}", "name" },
    { "{\"name\": true, \"quantity\": 1}", "name" },
    { "{\"name\": \"x\", \"quantity\": \"5\"}", "quantity" },
    /* Numbers that are not integers are refused, never rounded. */
    { "{\"name\": \"x\", \"quantity\": 1.5}", "quantity" },
    { "{\"name\": \"x\", \"quantity\": 1.0}", "quantity" },
    { "{\"name\": \"x\", \"quantity\": 1e3}", "quantity" },
    { "{\"name\": \"x\", \"quantity\": true}", "quantity" },
    { "{\"name\": \"x\", \"quantity\": null}", "quantity" },
    { "{\"name\": \"x\", \"quantity\": 1, \"urgent\": 1}", "urgent" },
    { "{\"name\": \"x\", \"quantity\": 1, \"urgent\": \"true\"}", "urgent" },
    { "{\"name\": \"x\", \"quantity\": 1, \"comment\": 7}", "comment" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_read_fails (cases[i].text, KVOTA_ERROR_WRONG_TYPE, cases[i].field);

  /* The root must be an object. */
  {
    static const char * const roots[] = { "[]", "1", "\"name\"", "null" };

    for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
      assert_read_fails (roots[i], KVOTA_ERROR_WRONG_TYPE, NULL);
  }

  {
    g_autoptr(GError) error = NULL;
    Request request = { 0, };

    g_assert_false (kvota_json_read_object (NULL, request_fields, G_N_ELEMENTS (request_fields),
                                            &request, &error));
    g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
  }
}

static void
test_json_read_object_missing (void)
{
  assert_read_fails ("{\"name\": \"x\"}", KVOTA_ERROR_MISSING_FIELD, "quantity");
  assert_read_fails ("{\"quantity\": 1, \"comment\": \"y\"}", KVOTA_ERROR_MISSING_FIELD, "name");
  assert_read_fails ("{}", KVOTA_ERROR_MISSING_FIELD, "name");
}

static void
test_json_read_object_control (void)
{
  static const struct {
    const char *text;
    const char *field;
  } cases[] = {
    /* A one-line string takes no line breaks, tabs or other controls. */
    { "{\"quantity\": 1, \"name\": \"a\\nb\"}", "name" },
    { "{\"quantity\": 1, \"name\": \"a\\tb\"}", "name" },
    { "{\"quantity\": 1, \"name\": \"a\\rb\"}", "name" },
    { "{\"quantity\": 1, \"name\": \"\\u0001\"}", "name" },
    { "{\"quantity\": 1, \"name\": \"a\\u001bb\"}", "name" },
    { "{\"quantity\": 1, \"name\": \"a\\u007fb\"}", "name" },
    { "{\"quantity\": 1, \"name\": \"a\\u0085b\"}", "name" },
    /* A text may span lines, but holds no other control. */
    { "{\"quantity\": 1, \"name\": \"x\", \"comment\": \"line\\u0007\"}", "comment" },
    { "{\"quantity\": 1, \"name\": \"x\", \"comment\": \"a\\u001bb\"}", "comment" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_read_fails (cases[i].text, KVOTA_ERROR_INVALID_VALUE, cases[i].field);

  /* One character too long. */
  {
    g_autoptr(GString) text = g_string_new ("{\"quantity\": 1, \"name\": \"");

    for (guint i = 0; i < KVOTA_JSON_MAX_STRING + 1; i++)
      g_string_append_c (text, 'x');
    g_string_append (text, "\"}");

    assert_read_fails (text->str, KVOTA_ERROR_INVALID_VALUE, "name");
  }

  g_assert_true (kvota_json_text_is_clean ("Павлодар\nАлматы", TRUE));
  g_assert_false (kvota_json_text_is_clean ("Павлодар\nАлматы", FALSE));
  g_assert_true (kvota_json_text_is_clean ("", FALSE));
  g_assert_false (kvota_json_text_is_clean ("a\xff", TRUE));
}

/* The error table */

static void
test_json_error_table (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < KVOTA_ERROR_N_CODES; i++)
    {
      const char *string = kvota_error_code_to_string (i);
      guint status = kvota_error_code_http_status (i);
      KvotaError back = KVOTA_ERROR_N_CODES;

      g_test_message ("code %u: %s", i, string);
      g_assert_nonnull (string);
      g_assert_cmpstr (string, !=, "");
      g_assert_false (g_hash_table_contains (seen, string));
      g_hash_table_add (seen, (gpointer) string);

      g_assert_true (kvota_error_code_from_string (string, &back));
      g_assert_cmpint (back, ==, i);

      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 600);

      g_assert_nonnull (kvota_error_code_describe (i));
      g_assert_cmpstr (kvota_error_code_describe (i), !=, "");
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, KVOTA_ERROR_N_CODES);

  /* The codes are API: a few that clients already match on. */
  g_assert_cmpstr (kvota_error_code_to_string (KVOTA_ERROR_INSUFFICIENT_UNITS), ==, "insufficient-units");
  g_assert_cmpstr (kvota_error_code_to_string (KVOTA_ERROR_INVALID_BIN), ==, "invalid-bin");
  g_assert_cmpuint (kvota_error_code_http_status (KVOTA_ERROR_UNAUTHENTICATED), ==, 401);
  g_assert_cmpuint (kvota_error_code_http_status (KVOTA_ERROR_FORBIDDEN), ==, 403);
  g_assert_cmpuint (kvota_error_code_http_status (KVOTA_ERROR_NOT_FOUND), ==, 404);
  g_assert_cmpuint (kvota_error_code_http_status (KVOTA_ERROR_STORAGE), ==, 500);

  {
    KvotaError code = KVOTA_ERROR_STORAGE;

    g_assert_false (kvota_error_code_from_string ("no-such-code", &code));
    g_assert_false (kvota_error_code_from_string ("", &code));
    g_assert_false (kvota_error_code_from_string (NULL, &code));
    g_assert_false (kvota_error_code_from_string ("Insufficient-Units", &code));
    g_assert_cmpint (code, ==, KVOTA_ERROR_STORAGE);
  }

  /* A code from a newer peer falls back to the generic failure. */
  g_assert_cmpstr (kvota_error_code_to_string (KVOTA_ERROR_N_CODES), ==, "failed");
  g_assert_cmpuint (kvota_error_code_http_status (KVOTA_ERROR_N_CODES), ==, 500);
}

static void
test_json_error_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) plain = NULL;
  g_autoptr(GError) foreign = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk");
  g_autofree char *with_field = kvota_error_describe (KVOTA_ERROR_MISSING_FIELD, "quantity");
  g_autofree char *without_field = kvota_error_describe (KVOTA_ERROR_MISSING_FIELD, NULL);
  g_autofree char *no_sentence = kvota_error_describe (KVOTA_ERROR_INSUFFICIENT_UNITS, "quantity");

  kvota_set_error (&error, KVOTA_ERROR_WRONG_TYPE, "vintage");
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
  g_assert_cmpstr (kvota_error_get_field (error), ==, "vintage");
  g_assert_nonnull (strstr (error->message, "vintage"));
  g_assert_cmpint (kvota_error_to_code (error), ==, KVOTA_ERROR_WRONG_TYPE);

  /* The field travels with copies of the error. */
  copy = g_error_copy (error);
  g_assert_cmpstr (kvota_error_get_field (copy), ==, "vintage");

  kvota_error_set_field (error, "quantity");
  g_assert_cmpstr (kvota_error_get_field (error), ==, "quantity");
  g_assert_cmpstr (kvota_error_get_field (copy), ==, "vintage");

  kvota_set_error (&plain, KVOTA_ERROR_SAME_ACCOUNT, NULL);
  g_assert_null (kvota_error_get_field (plain));
  g_assert_cmpstr (plain->message, ==, kvota_error_code_describe (KVOTA_ERROR_SAME_ACCOUNT));

  g_assert_null (kvota_error_get_field (foreign));
  g_assert_cmpint (kvota_error_to_code (foreign), ==, KVOTA_ERROR_FAILED);

  g_assert_nonnull (strstr (with_field, "quantity"));
  g_assert_null (strstr (without_field, "quantity"));
  g_assert_cmpstr (without_field, ==, kvota_error_code_describe (KVOTA_ERROR_MISSING_FIELD));
  g_assert_cmpstr (no_sentence, ==, kvota_error_code_describe (KVOTA_ERROR_INSUFFICIENT_UNITS));

  /* No error location: nothing to do, nothing to crash. */
  kvota_set_error (NULL, KVOTA_ERROR_FAILED, "x");
}

/* Type name tables */

typedef const char *(*ToString)   (guint       value);
typedef gboolean    (*FromString) (const char *string,
                                   guint      *value);

/* The tables take their own enum types; these adapt them to one shape. */
#define DEFINE_ADAPTERS(prefix, Type)                                        \
  static const char *                                                        \
  prefix##_name (guint value)                                                \
  {                                                                          \
    return prefix##_to_string ((Type) value);                                \
  }                                                                          \
                                                                             \
  static gboolean                                                            \
  prefix##_value (const char *string,                                        \
                  guint      *value)                                         \
  {                                                                          \
    Type typed;                                                              \
                                                                             \
    if (!prefix##_from_string (string, &typed))                              \
      return FALSE;                                                          \
    *value = (guint) typed;                                                  \
    return TRUE;                                                             \
  }

DEFINE_ADAPTERS (kvota_holder_type, KvotaHolderType)
DEFINE_ADAPTERS (kvota_role, KvotaRole)
DEFINE_ADAPTERS (kvota_unit_type, KvotaUnitType)
DEFINE_ADAPTERS (kvota_transaction_kind, KvotaTransactionKind)
DEFINE_ADAPTERS (kvota_transaction_state, KvotaTransactionState)
DEFINE_ADAPTERS (kvota_block_state, KvotaBlockState)
DEFINE_ADAPTERS (kvota_user_state, KvotaUserState)
DEFINE_ADAPTERS (kvota_key_state, KvotaKeyState)
DEFINE_ADAPTERS (kvota_application_state, KvotaApplicationState)

static void
check_names (const char         *what,
             ToString            to_string,
             FromString          from_string,
             const char * const *expected,
             guint               n_values)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint value = 1234;

  for (guint i = 0; i < n_values; i++)
    {
      const char *name = to_string (i);
      guint back = 1234;

      g_test_message ("%s %u: %s", what, i, name);
      /* The names are stored in databases and sent over the wire. */
      g_assert_cmpstr (name, ==, expected[i]);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);

      g_assert_true (from_string (name, &back));
      g_assert_cmpuint (back, ==, i);
    }

  g_assert_false (from_string ("", &value));
  g_assert_false (from_string (NULL, &value));
  g_assert_false (from_string ("no-such-name", &value));
  {
    g_autofree char *upper = g_ascii_strup (expected[0], -1);

    g_assert_false (from_string (upper, &value));
  }
  {
    g_autofree char *padded = g_strdup_printf ("%s ", expected[0]);

    g_assert_false (from_string (padded, &value));
  }
  g_assert_cmpuint (value, ==, 1234);
}

#define CHECK_NAMES(prefix, n, ...)                                          \
  G_STMT_START {                                                             \
    static const char * const expected_[] = { __VA_ARGS__ };                 \
    G_STATIC_ASSERT (G_N_ELEMENTS (expected_) == n);                         \
    check_names (#prefix, prefix##_name, prefix##_value, expected_, n);      \
  } G_STMT_END

static void
test_json_type_names (void)
{
  CHECK_NAMES (kvota_holder_type, KVOTA_N_HOLDER_TYPES,
               "registry", "ministry", "nature-user", "broker", "trader", "individual");
  CHECK_NAMES (kvota_role, KVOTA_N_ROLES,
               "administrator", "ministry", "representative", "accountant");
  CHECK_NAMES (kvota_unit_type, KVOTA_N_UNIT_TYPES, "quota", "offset");
  CHECK_NAMES (kvota_transaction_kind, KVOTA_N_TRANSACTION_KINDS,
               "issuance", "transfer", "surrender", "cancellation");
  CHECK_NAMES (kvota_transaction_state, KVOTA_N_TRANSACTION_STATES,
               "proposed", "completed", "rejected", "cancelled");
  CHECK_NAMES (kvota_block_state, KVOTA_N_BLOCK_STATES,
               "available", "reserved", "pending", "surrendered", "cancelled");
  CHECK_NAMES (kvota_user_state, KVOTA_N_USER_STATES, "active", "blocked");
  CHECK_NAMES (kvota_key_state, KVOTA_N_KEY_STATES, "unused", "used", "expired", "revoked");
  CHECK_NAMES (kvota_application_state, KVOTA_N_APPLICATION_STATES,
               "pending", "confirmed", "declined");

  for (guint i = 0; i < KVOTA_N_HOLDER_TYPES; i++)
    {
      g_assert_nonnull (kvota_holder_type_describe (i));
      g_assert_cmpstr (kvota_holder_type_describe (i), !=, "");
    }
  for (guint i = 0; i < KVOTA_N_ROLES; i++)
    {
      g_assert_nonnull (kvota_role_describe (i));
      g_assert_cmpstr (kvota_role_describe (i), !=, "");
    }
}

static void
test_json_type_rules (void)
{
  /* Only nature users and individuals or trading companies hold units:
   * intermediaries control their clients' units. */
  static const gboolean holds_units[KVOTA_N_HOLDER_TYPES] = {
    [KVOTA_HOLDER_TYPE_REGISTRY] = FALSE,
    [KVOTA_HOLDER_TYPE_MINISTRY] = FALSE,
    [KVOTA_HOLDER_TYPE_NATURE_USER] = TRUE,
    [KVOTA_HOLDER_TYPE_BROKER] = FALSE,
    [KVOTA_HOLDER_TYPE_TRADER] = FALSE,
    [KVOTA_HOLDER_TYPE_INDIVIDUAL] = TRUE,
  };
  /* Which roles an organisation of each type may have. */
  static const gboolean allowed[KVOTA_N_ROLES][KVOTA_N_HOLDER_TYPES] = {
    [KVOTA_ROLE_ADMINISTRATOR] = { TRUE, FALSE, FALSE, FALSE, FALSE, FALSE },
    [KVOTA_ROLE_MINISTRY] = { FALSE, TRUE, FALSE, FALSE, FALSE, FALSE },
    [KVOTA_ROLE_REPRESENTATIVE] = { FALSE, FALSE, TRUE, TRUE, TRUE, TRUE },
    [KVOTA_ROLE_ACCOUNTANT] = { FALSE, FALSE, TRUE, TRUE, TRUE, TRUE },
  };

  for (guint type = 0; type < KVOTA_N_HOLDER_TYPES; type++)
    {
      g_assert_cmpint (kvota_holder_type_holds_units (type), ==, holds_units[type]);
      /* Everyone but the registry administration and the Ministry is a
       * company that registers. */
      g_assert_cmpint (kvota_holder_type_is_company (type), ==,
                       type != KVOTA_HOLDER_TYPE_REGISTRY && type != KVOTA_HOLDER_TYPE_MINISTRY);

      for (guint role = 0; role < KVOTA_N_ROLES; role++)
        {
          g_test_message ("%s in %s", kvota_role_to_string (role), kvota_holder_type_to_string (type));
          g_assert_cmpint (kvota_role_allowed_for_holder_type (role, type), ==, allowed[role][type]);
        }

      g_assert_false (kvota_role_allowed_for_holder_type (KVOTA_N_ROLES, type));
    }

  for (guint role = 0; role < KVOTA_N_ROLES; role++)
    g_assert_false (kvota_role_allowed_for_holder_type (role, KVOTA_N_HOLDER_TYPES));
  g_assert_false (kvota_holder_type_holds_units (KVOTA_N_HOLDER_TYPES));
}

/* Codecs */

/* What a peer receives: the node written out and parsed back the way the
 * server and the client parse every body. */
static JsonNode *
over_the_wire (JsonNode *node)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = kvota_json_to_string (node);
  JsonNode *parsed;

  g_assert_nonnull (text);
  parsed = kvota_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);

  return parsed;
}

/* A mutable copy of what @node would carry, to spoil one member. */
static JsonObject *
mutable_object (JsonNode  *node,
                JsonNode **holder)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = kvota_json_to_string (node);

  *holder = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*holder);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*holder));

  return json_node_get_object (*holder);
}

static GDateTime *
almaty_time (int year,
             int month,
             int day,
             int hour,
             int minute,
             int second)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (6 * 60 * 60);

  return g_date_time_new (zone, year, month, day, hour, minute, second);
}

static void
assert_same_time (GDateTime *a,
                  GDateTime *b)
{
  if (a == NULL || b == NULL)
    {
      g_assert_true (a == b);
      return;
    }

  g_assert_cmpint (g_date_time_to_unix (a), ==, g_date_time_to_unix (b));
}

static KvotaOrganisation *
sample_organisation (void)
{
  KvotaOrganisation *organisation = g_new0 (KvotaOrganisation, 1);

  organisation->id = 3;
  organisation->name = g_strdup ("ТОО «Павлодарэнерго»");
  organisation->bin = g_strdup ("050140000656");
  organisation->holder_type = KVOTA_HOLDER_TYPE_NATURE_USER;
  organisation->state = KVOTA_USER_STATE_BLOCKED;
  organisation->account = g_strdup ("KZ-100-000003");

  return organisation;
}

static KvotaUser *
sample_user (void)
{
  KvotaUser *user = g_new0 (KvotaUser, 1);

  user->id = 17;
  user->username = g_strdup ("a.nurlanova");
  user->full_name = g_strdup ("Айгерим Нурланова");
  user->role = KVOTA_ROLE_ACCOUNTANT;
  user->state = KVOTA_USER_STATE_ACTIVE;
  user->organisation = sample_organisation ();

  return user;
}

static void
assert_same_organisation (const KvotaOrganisation *a,
                          const KvotaOrganisation *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->bin, ==, b->bin);
  g_assert_cmpint (a->holder_type, ==, b->holder_type);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpstr (a->account, ==, b->account);
}

static void
assert_same_user (const KvotaUser *a,
                  const KvotaUser *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->username, ==, b->username);
  g_assert_cmpstr (a->full_name, ==, b->full_name);
  g_assert_cmpint (a->role, ==, b->role);
  g_assert_cmpint (a->state, ==, b->state);
  assert_same_organisation (a->organisation, b->organisation);
}

static void
test_json_codec_organisation (void)
{
  g_autoptr(KvotaOrganisation) organisation = sample_organisation ();
  g_autoptr(KvotaOrganisation) registry = g_new0 (KvotaOrganisation, 1);
  g_autoptr(KvotaOrganisation) copy = kvota_organisation_copy (organisation);

  assert_same_organisation (organisation, copy);
  g_assert_true (copy->name != organisation->name);

  {
    g_autoptr(JsonNode) node = kvota_organisation_to_json (organisation);
    g_autoptr(JsonNode) parsed = over_the_wire (node);
    g_autoptr(GError) error = NULL;
    g_autoptr(KvotaOrganisation) back = kvota_organisation_from_json (parsed, &error);
    JsonObject *object = json_node_get_object (parsed);

    g_assert_no_error (error);
    assert_same_organisation (organisation, back);
    /* The enums travel by their names. */
    g_assert_cmpstr (json_object_get_string_member (object, "holder_type"), ==, "nature-user");
    g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "blocked");
  }

  /* The registry has neither a BIN nor an account: they travel as null. */
  registry->id = 1;
  registry->name = g_strdup ("Registry administration");
  registry->holder_type = KVOTA_HOLDER_TYPE_REGISTRY;
  {
    g_autoptr(JsonNode) node = kvota_organisation_to_json (registry);
    g_autoptr(JsonNode) parsed = over_the_wire (node);
    g_autoptr(GError) error = NULL;
    g_autoptr(KvotaOrganisation) back = kvota_organisation_from_json (parsed, &error);
    JsonObject *object = json_node_get_object (parsed);

    g_assert_no_error (error);
    assert_same_organisation (registry, back);
    g_assert_null (back->bin);
    g_assert_null (back->account);
    g_assert_true (json_object_has_member (object, "bin"));
    g_assert_true (json_object_get_null_member (object, "bin"));
  }

  /* Spoiled members */
  {
    g_autoptr(JsonNode) node = kvota_organisation_to_json (organisation);
    static const struct {
      const char *member;
      const char *json;
      KvotaError  code;
    } cases[] = {
      { "id", "\"3\"", KVOTA_ERROR_WRONG_TYPE },
      { "id", "3.5", KVOTA_ERROR_WRONG_TYPE },
      { "id", "null", KVOTA_ERROR_WRONG_TYPE },
      { "name", "null", KVOTA_ERROR_WRONG_TYPE },
      { "name", "42", KVOTA_ERROR_WRONG_TYPE },
      { "bin", "50140000656", KVOTA_ERROR_WRONG_TYPE },
      { "account", "[]", KVOTA_ERROR_WRONG_TYPE },
      { "holder_type", "2", KVOTA_ERROR_WRONG_TYPE },
      { "holder_type", "\"bank\"", KVOTA_ERROR_INVALID_VALUE },
      { "state", "\"deleted\"", KVOTA_ERROR_INVALID_VALUE },
      { "state", "true", KVOTA_ERROR_WRONG_TYPE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) holder = NULL;
        g_autoptr(JsonNode) value = json_from_string (cases[i].json, NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(KvotaOrganisation) back = NULL;
        JsonObject *object = mutable_object (node, &holder);

        g_test_message ("organisation with %s = %s", cases[i].member, cases[i].json);
        json_object_set_member (object, cases[i].member, g_steal_pointer (&value));
        back = kvota_organisation_from_json (holder, &error);
        g_assert_null (back);
        g_assert_error (error, KVOTA_ERROR, (gint) cases[i].code);
        g_assert_cmpstr (kvota_error_get_field (error), ==, cases[i].member);
      }

    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(JsonNode) holder = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(KvotaOrganisation) back = NULL;
        JsonObject *object = mutable_object (node, &holder);
        const char *member = i == 0 ? "name" : "holder_type";

        json_object_remove_member (object, member);
        back = kvota_organisation_from_json (holder, &error);
        g_assert_null (back);
        g_assert_nonnull (error);
        g_assert_cmpstr (kvota_error_get_field (error), ==, member);
      }
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) array = json_from_string ("[1]", NULL);

    g_assert_null (kvota_organisation_from_json (array, &error));
    g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
    g_clear_error (&error);
    g_assert_null (kvota_organisation_from_json (NULL, &error));
    g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
  }
}

static void
test_json_codec_user (void)
{
  g_autoptr(KvotaUser) user = sample_user ();
  g_autoptr(JsonNode) node = kvota_user_to_json (user);
  g_autoptr(JsonNode) parsed = over_the_wire (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaUser) back = kvota_user_from_json (parsed, &error);

  g_assert_no_error (error);
  assert_same_user (user, back);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (parsed), "role"),
                   ==, "accountant");

  /* Spoiled members */
  {
    static const struct {
      const char *member;
      const char *json;
      KvotaError  code;
      const char *field;
    } cases[] = {
      { "id", "\"17\"", KVOTA_ERROR_WRONG_TYPE, "id" },
      { "username", "null", KVOTA_ERROR_WRONG_TYPE, "username" },
      { "full_name", "{}", KVOTA_ERROR_WRONG_TYPE, "full_name" },
      { "role", "\"superuser\"", KVOTA_ERROR_INVALID_VALUE, "role" },
      { "state", "0", KVOTA_ERROR_WRONG_TYPE, "state" },
      { "organisation", "\"Павлодарэнерго\"", KVOTA_ERROR_WRONG_TYPE, NULL },
      { "organisation", "{\"id\": 3}", KVOTA_ERROR_WRONG_TYPE, "name" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) holder = NULL;
        g_autoptr(JsonNode) value = json_from_string (cases[i].json, NULL);
        g_autoptr(GError) spoiled_error = NULL;
        g_autoptr(KvotaUser) spoiled = NULL;
        JsonObject *object = mutable_object (node, &holder);

        g_test_message ("user with %s = %s", cases[i].member, cases[i].json);
        json_object_set_member (object, cases[i].member, g_steal_pointer (&value));
        spoiled = kvota_user_from_json (holder, &spoiled_error);
        g_assert_null (spoiled);
        g_assert_error (spoiled_error, KVOTA_ERROR, (gint) cases[i].code);
        g_assert_cmpstr (kvota_error_get_field (spoiled_error), ==, cases[i].field);
      }
  }

  /* A user without its organisation cannot be shown. */
  {
    g_autoptr(JsonNode) holder = NULL;
    g_autoptr(GError) spoiled_error = NULL;
    g_autoptr(KvotaUser) spoiled = NULL;
    JsonObject *object = mutable_object (node, &holder);

    json_object_remove_member (object, "organisation");
    spoiled = kvota_user_from_json (holder, &spoiled_error);
    g_assert_null (spoiled);
    g_assert_error (spoiled_error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
  }
}

static void
test_json_codec_session (void)
{
  g_autoptr(KvotaSession) session = g_new0 (KvotaSession, 1);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaSession) back = NULL;

  session->token = g_strdup ("q1w2e3r4t5y6u7i8o9p0-_AbCdEfGhIjKlMnOpQrStU");
  session->expires = almaty_time (2015, 1, 1, 0, 30, 15);
  session->user = sample_user ();

  node = kvota_session_to_json (session);
  parsed = over_the_wire (node);
  back = kvota_session_from_json (parsed, &error);

  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->token, ==, session->token);
  assert_same_time (back->expires, session->expires);
  assert_same_user (back->user, session->user);

  /* Times travel in UTC: 00:30:15 in Almaty (+06:00) is 18:30:15 the day
   * before. */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (parsed), "expires"),
                   ==, "2014-12-31T18:30:15Z");

  {
    static const struct {
      const char *member;
      const char *json;
    } cases[] = {
      { "token", "null" },
      { "token", "1" },
      { "expires", "null" },
      { "expires", "\"tomorrow\"" },
      { "expires", "\"2015-01-01\"" },
      { "expires", "1420050615" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) holder = NULL;
        g_autoptr(JsonNode) value = json_from_string (cases[i].json, NULL);
        g_autoptr(GError) spoiled_error = NULL;
        g_autoptr(KvotaSession) spoiled = NULL;
        JsonObject *object = mutable_object (node, &holder);

        g_test_message ("session with %s = %s", cases[i].member, cases[i].json);
        json_object_set_member (object, cases[i].member, g_steal_pointer (&value));
        spoiled = kvota_session_from_json (holder, &spoiled_error);
        g_assert_null (spoiled);
        g_assert_error (spoiled_error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
        g_assert_cmpstr (kvota_error_get_field (spoiled_error), ==, cases[i].member);
      }
  }
}

static void
test_json_codec_holding (void)
{
  const KvotaHolding holding = {
    KVOTA_UNIT_TYPE_OFFSET, 2015, 1983922, 1252950, 34, 40, G_MAXINT64,
  };
  KvotaHolding back;
  g_autoptr(JsonNode) node = kvota_holding_to_json (&holding);
  g_autoptr(JsonNode) parsed = over_the_wire (node);
  g_autoptr(GError) error = NULL;

  memset (&back, 0, sizeof back);
  g_assert_true (kvota_holding_from_json (parsed, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.unit_type, ==, holding.unit_type);
  g_assert_cmpint (back.vintage, ==, holding.vintage);
  g_assert_cmpint (back.available, ==, holding.available);
  g_assert_cmpint (back.reserved, ==, holding.reserved);
  g_assert_cmpint (back.pending, ==, holding.pending);
  g_assert_cmpint (back.surrendered, ==, holding.surrendered);
  g_assert_cmpint (back.cancelled, ==, holding.cancelled);

  /* Quantities are JSON integers, not strings or floats. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (json_node_get_object (parsed),
                                                                     "cancelled")),
                   ==, G_TYPE_INT64);

  {
    static const struct {
      const char *member;
      const char *json;
      KvotaError  code;
    } cases[] = {
      { "unit_type", "\"gold\"", KVOTA_ERROR_INVALID_VALUE },
      { "unit_type", "0", KVOTA_ERROR_WRONG_TYPE },
      { "vintage", "\"2015\"", KVOTA_ERROR_WRONG_TYPE },
      { "available", "1.5", KVOTA_ERROR_WRONG_TYPE },
      { "reserved", "null", KVOTA_ERROR_WRONG_TYPE },
      { "pending", "\"34\"", KVOTA_ERROR_WRONG_TYPE },
      { "surrendered", "false", KVOTA_ERROR_WRONG_TYPE },
      { "cancelled", "[]", KVOTA_ERROR_WRONG_TYPE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) holder = NULL;
        g_autoptr(JsonNode) value = json_from_string (cases[i].json, NULL);
        g_autoptr(GError) spoiled_error = NULL;
        JsonObject *object = mutable_object (node, &holder);
        KvotaHolding spoiled = { 0, };

        g_test_message ("holding with %s = %s", cases[i].member, cases[i].json);
        json_object_set_member (object, cases[i].member, g_steal_pointer (&value));
        g_assert_false (kvota_holding_from_json (holder, &spoiled, &spoiled_error));
        g_assert_error (spoiled_error, KVOTA_ERROR, (gint) cases[i].code);
        g_assert_cmpstr (kvota_error_get_field (spoiled_error), ==, cases[i].member);
      }
  }
}

static KvotaTransaction *
sample_transaction (void)
{
  KvotaTransaction *transaction = kvota_transaction_new ();
  const KvotaSerialRange ranges[] = { { 251, 1000 }, { 1501, 1550 } };

  transaction->id = 42;
  transaction->kind = KVOTA_TRANSACTION_KIND_TRANSFER;
  transaction->state = KVOTA_TRANSACTION_STATE_REJECTED;
  transaction->unit_type = KVOTA_UNIT_TYPE_QUOTA;
  transaction->vintage = 2014;
  transaction->quantity = 800;
  transaction->from_account = g_strdup ("KZ-100-000003");
  transaction->to_account = g_strdup ("KZ-100-000004");
  transaction->proposed_by = g_strdup ("broker.one");
  transaction->decided_by = g_strdup ("admin");
  transaction->reason = g_strdup ("Договор не подписан.\nПовторите.");
  transaction->created = almaty_time (2014, 6, 2, 9, 0, 0);
  transaction->decided = almaty_time (2014, 6, 3, 17, 45, 59);
  g_array_append_vals (transaction->serials, ranges, G_N_ELEMENTS (ranges));

  return transaction;
}

static void
assert_same_transaction (const KvotaTransaction *a,
                         const KvotaTransaction *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpint (a->unit_type, ==, b->unit_type);
  g_assert_cmpint (a->vintage, ==, b->vintage);
  g_assert_cmpint (a->quantity, ==, b->quantity);
  g_assert_cmpstr (a->from_account, ==, b->from_account);
  g_assert_cmpstr (a->to_account, ==, b->to_account);
  g_assert_cmpstr (a->proposed_by, ==, b->proposed_by);
  g_assert_cmpstr (a->decided_by, ==, b->decided_by);
  g_assert_cmpstr (a->reason, ==, b->reason);
  assert_same_time (a->created, b->created);
  assert_same_time (a->decided, b->decided);
  g_assert_cmpuint (a->serials->len, ==, b->serials->len);
  for (guint i = 0; i < a->serials->len; i++)
    {
      const KvotaSerialRange *ra = &g_array_index (a->serials, KvotaSerialRange, i);
      const KvotaSerialRange *rb = &g_array_index (b->serials, KvotaSerialRange, i);

      g_assert_cmpint (ra->first, ==, rb->first);
      g_assert_cmpint (ra->last, ==, rb->last);
    }
}

static void
test_json_codec_transaction (void)
{
  g_autoptr(KvotaTransaction) transaction = sample_transaction ();
  g_autoptr(KvotaTransaction) issuance = kvota_transaction_new ();
  g_autoptr(JsonNode) node = kvota_transaction_to_json (transaction);

  {
    g_autoptr(JsonNode) parsed = over_the_wire (node);
    g_autoptr(GError) error = NULL;
    g_autoptr(KvotaTransaction) back = kvota_transaction_from_json (parsed, &error);

    g_assert_no_error (error);
    assert_same_transaction (transaction, back);
  }

  /* An issuance has no transferring account and is not decided by
   * anyone else: those members travel as null. */
  issuance->id = 1;
  issuance->kind = KVOTA_TRANSACTION_KIND_ISSUANCE;
  issuance->state = KVOTA_TRANSACTION_STATE_COMPLETED;
  issuance->unit_type = KVOTA_UNIT_TYPE_QUOTA;
  issuance->vintage = 2100;
  issuance->quantity = G_MAXINT64 - 1;
  issuance->to_account = g_strdup ("KZ-100-000003");
  issuance->created = almaty_time (2013, 1, 1, 0, 0, 0);
  {
    const KvotaSerialRange range = { 1, G_MAXINT64 - 1 };

    g_array_append_val (issuance->serials, range);
  }
  {
    g_autoptr(JsonNode) issuance_node = kvota_transaction_to_json (issuance);
    g_autoptr(JsonNode) parsed = over_the_wire (issuance_node);
    g_autoptr(GError) error = NULL;
    g_autoptr(KvotaTransaction) back = kvota_transaction_from_json (parsed, &error);

    g_assert_no_error (error);
    assert_same_transaction (issuance, back);
    g_assert_null (back->from_account);
    g_assert_null (back->decided);
    g_assert_null (back->reason);
  }

  {
    static const struct {
      const char *member;
      const char *json;
      KvotaError  code;
      const char *field;
    } cases[] = {
      { "id", "\"42\"", KVOTA_ERROR_WRONG_TYPE, "id" },
      { "kind", "\"gift\"", KVOTA_ERROR_INVALID_VALUE, "kind" },
      { "state", "\"approved\"", KVOTA_ERROR_INVALID_VALUE, "state" },
      { "unit_type", "null", KVOTA_ERROR_WRONG_TYPE, "unit_type" },
      { "vintage", "2014.0", KVOTA_ERROR_WRONG_TYPE, "vintage" },
      { "quantity", "\"800\"", KVOTA_ERROR_WRONG_TYPE, "quantity" },
      { "quantity", "800.5", KVOTA_ERROR_WRONG_TYPE, "quantity" },
      { "from_account", "3", KVOTA_ERROR_WRONG_TYPE, "from_account" },
      { "reason", "false", KVOTA_ERROR_WRONG_TYPE, "reason" },
      { "created", "null", KVOTA_ERROR_WRONG_TYPE, "created" },
      { "decided", "\"soon\"", KVOTA_ERROR_WRONG_TYPE, "decided" },
      { "serials", "null", KVOTA_ERROR_WRONG_TYPE, "serials" },
      { "serials", "{\"first\": 1, \"last\": 2}", KVOTA_ERROR_WRONG_TYPE, "serials" },
      { "serials", "[[1, 2]]", KVOTA_ERROR_WRONG_TYPE, NULL },
      { "serials", "[{\"first\": \"1\", \"last\": 2}]", KVOTA_ERROR_WRONG_TYPE, "first" },
      { "serials", "[{\"first\": 1}]", KVOTA_ERROR_WRONG_TYPE, "last" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonNode) holder = NULL;
        g_autoptr(JsonNode) value = json_from_string (cases[i].json, NULL);
        g_autoptr(GError) spoiled_error = NULL;
        g_autoptr(KvotaTransaction) spoiled = NULL;
        JsonObject *object = mutable_object (node, &holder);

        g_test_message ("transaction with %s = %s", cases[i].member, cases[i].json);
        json_object_set_member (object, cases[i].member, g_steal_pointer (&value));
        spoiled = kvota_transaction_from_json (holder, &spoiled_error);
        g_assert_null (spoiled);
        g_assert_error (spoiled_error, KVOTA_ERROR, (gint) cases[i].code);
        g_assert_cmpstr (kvota_error_get_field (spoiled_error), ==, cases[i].field);
      }
  }
}

/* Lists in replies */

static guint n_names_freed;

/* A decoder of the shape the codecs have: one string per element, refusing
 * anything else with an error, and "?" without one. */
static gpointer
decode_name (JsonNode  *node,
             GError   **error)
{
  const char *name;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      kvota_set_error (error, KVOTA_ERROR_WRONG_TYPE, "name");
      return NULL;
    }

  name = json_node_get_string (node);
  if (g_strcmp0 (name, "?") == 0)
    return NULL;

  return g_strdup (name);
}

static void
free_name (gpointer name)
{
  n_names_freed++;
  g_free (name);
}

static gpointer
decode_transaction (JsonNode  *node,
                    GError   **error)
{
  return kvota_transaction_from_json (node, error);
}

static void
assert_read_list_fails (const char *text,
                        KvotaError  code,
                        const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (text, &error);
  g_autoptr(GPtrArray) items = NULL;

  g_test_message ("reading the list in %s", text);
  g_assert_no_error (error);

  /* Without an error location it fails just the same. */
  g_assert_null (kvota_json_read_list (node, "names", decode_name, free_name, NULL));

  n_names_freed = 0;
  items = kvota_json_read_list (node, "names", decode_name, free_name, &error);
  g_assert_null (items);
  g_assert_error (error, KVOTA_ERROR, (gint) code);
  g_assert_cmpstr (kvota_error_get_field (error), ==, field);
}

static void
test_json_get_array (void)
{
  static const char * const no_list[] = {
    "{}",
    "{\"other\": []}",
    "{\"names\": null}",
    "{\"names\": {\"0\": \"a\"}}",
    "{\"names\": \"a, b\"}",
    "{\"names\": 2}",
    "[\"names\"]",
    "\"names\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (no_list); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse (no_list[i], &error);

      g_test_message ("looking for a list in %s", no_list[i]);
      g_assert_no_error (error);
      g_assert_null (kvota_json_get_array (node, "names"));
    }

  g_assert_null (kvota_json_get_array (NULL, "names"));

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parse ("{\"names\": [\"a\", 1], \"empty\": []}", &error);
    JsonArray *array;

    g_assert_no_error (error);
    array = kvota_json_get_array (node, "names");
    g_assert_nonnull (array);
    g_assert_true (array == json_object_get_array_member (json_node_get_object (node), "names"));
    g_assert_cmpuint (json_array_get_length (array), ==, 2);

    array = kvota_json_get_array (node, "empty");
    g_assert_nonnull (array);
    g_assert_cmpuint (json_array_get_length (array), ==, 0);
  }
}

static void
test_json_read_list_missing (void)
{
  assert_read_list_fails ("{}", KVOTA_ERROR_MISSING_FIELD, "names");
  assert_read_list_fails ("{\"name\": [\"a\"]}", KVOTA_ERROR_MISSING_FIELD, "names");

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (kvota_json_read_list (NULL, "names", decode_name, g_free, &error));
    g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_WRONG_TYPE);
  }
}

static void
test_json_read_list_wrong_type (void)
{
  static const char * const cases[] = {
    "{\"names\": null}",
    "{\"names\": \"a\"}",
    "{\"names\": {\"first\": \"a\"}}",
    "{\"names\": 0}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_read_list_fails (cases[i], KVOTA_ERROR_WRONG_TYPE, "names");

  /* The list must be a member of an object. */
  assert_read_list_fails ("[\"a\", \"b\"]", KVOTA_ERROR_WRONG_TYPE, NULL);
  assert_read_list_fails ("null", KVOTA_ERROR_WRONG_TYPE, NULL);
}

static void
test_json_read_list_bad_element (void)
{
  /* The decoder's own error, naming what it found wrong. */
  assert_read_list_fails ("{\"names\": [\"a\", \"b\", 3, \"c\"]}", KVOTA_ERROR_WRONG_TYPE, "name");
  /* The elements decoded before the bad one are freed, once each. */
  g_assert_cmpuint (n_names_freed, ==, 2);

  assert_read_list_fails ("{\"names\": [null]}", KVOTA_ERROR_WRONG_TYPE, "name");

  /* A decoder that fails without saying why: the list is named. */
  assert_read_list_fails ("{\"names\": [\"a\", \"?\"]}", KVOTA_ERROR_INVALID_VALUE, "names");
  g_assert_cmpuint (n_names_freed, ==, 1);

  /* A real codec's error comes through unchanged. */
  {
    g_autoptr(KvotaTransaction) transaction = sample_transaction ();
    g_autoptr(JsonNode) element = kvota_transaction_to_json (transaction);
    g_autoptr(JsonNode) holder = NULL;
    g_autoptr(JsonNode) parsed = NULL;
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(GPtrArray) items = NULL;
    g_autoptr(GError) error = NULL;

    json_object_set_string_member (mutable_object (element, &holder), "kind", "gift");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "transactions");
    json_builder_begin_array (builder);
    json_builder_add_value (builder, kvota_transaction_to_json (transaction));
    json_builder_add_value (builder, json_node_ref (holder));
    json_builder_end_array (builder);
    json_builder_end_object (builder);
    {
      g_autoptr(JsonNode) built = json_builder_get_root (builder);

      parsed = over_the_wire (built);
    }

    items = kvota_json_read_list (parsed, "transactions", decode_transaction,
                                  (GDestroyNotify) kvota_transaction_free, &error);
    g_assert_null (items);
    g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_INVALID_VALUE);
    g_assert_cmpstr (kvota_error_get_field (error), ==, "kind");
  }
}

static void
test_json_read_list_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"names\": [], \"other\": [\"a\"]}", &error);
  g_autoptr(GPtrArray) items = NULL;

  g_assert_no_error (error);
  items = kvota_json_read_list (node, "names", decode_name, free_name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_json_read_list_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse ("{\"count\": 3, \"names\": [\"Қарағанды\", \"a\", \"a\"]}", &error);
  g_autoptr(GPtrArray) items = NULL;

  g_assert_no_error (error);
  n_names_freed = 0;
  items = kvota_json_read_list (node, "names", decode_name, free_name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);

  /* In order, duplicates kept. */
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (items, 0), ==, "Қарағанды");
  g_assert_cmpstr (g_ptr_array_index (items, 1), ==, "a");
  g_assert_cmpstr (g_ptr_array_index (items, 2), ==, "a");

  /* The array owns its elements and frees them with the given function. */
  g_assert_cmpuint (n_names_freed, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  g_assert_cmpuint (n_names_freed, ==, 3);

  /* Through a real codec and over the wire. */
  {
    g_autoptr(KvotaTransaction) transaction = sample_transaction ();
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) built = NULL;
    g_autoptr(JsonNode) parsed = NULL;
    g_autoptr(GPtrArray) transactions = NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "transactions");
    json_builder_begin_array (builder);
    json_builder_add_value (builder, kvota_transaction_to_json (transaction));
    json_builder_add_value (builder, kvota_transaction_to_json (transaction));
    json_builder_end_array (builder);
    json_builder_end_object (builder);
    built = json_builder_get_root (builder);
    parsed = over_the_wire (built);

    transactions = kvota_json_read_list (parsed, "transactions", decode_transaction,
                                         (GDestroyNotify) kvota_transaction_free, &error);
    g_assert_no_error (error);
    g_assert_nonnull (transactions);
    g_assert_cmpuint (transactions->len, ==, 2);
    assert_same_transaction (transaction, g_ptr_array_index (transactions, 0));
    assert_same_transaction (transaction, g_ptr_array_index (transactions, 1));
  }
}

static void
test_json_timestamp (void)
{
  g_autoptr(GDateTime) time = almaty_time (2014, 1, 1, 5, 59, 59);
  g_autofree char *text = kvota_timestamp_format (time);
  g_autoptr(GDateTime) back = kvota_timestamp_parse (text);
  g_autoptr(GDateTime) offset = kvota_timestamp_parse ("2014-01-01T05:59:59+06:00");

  g_assert_cmpstr (text, ==, "2013-12-31T23:59:59Z");
  assert_same_time (back, time);
  assert_same_time (offset, time);

  g_assert_null (kvota_timestamp_parse (""));
  g_assert_null (kvota_timestamp_parse ("yesterday"));
  g_assert_null (kvota_timestamp_parse ("2014-13-01T00:00:00Z"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json/parse/valid", test_json_parse_valid);
  g_test_add_func ("/core/json/parse/utf8", test_json_parse_utf8);
  g_test_add_func ("/core/json/parse/malformed", test_json_parse_malformed);
  g_test_add_func ("/core/json/parse/not-json", test_json_parse_not_json);
  g_test_add_func ("/core/json/parse/ambiguous", test_json_parse_ambiguous);
  g_test_add_func ("/core/json/parse/overflow", test_json_parse_overflow);
  g_test_add_func ("/core/json/parse/escaped-nul", test_json_parse_escaped_nul);
  g_test_add_func ("/core/json/read-object/valid", test_json_read_object_valid);
  g_test_add_func ("/core/json/read-object/unknown", test_json_read_object_unknown);
  g_test_add_func ("/core/json/read-object/wrong-type", test_json_read_object_wrong_type);
  g_test_add_func ("/core/json/read-object/missing", test_json_read_object_missing);
  g_test_add_func ("/core/json/read-object/control", test_json_read_object_control);
  g_test_add_func ("/core/json/error/table", test_json_error_table);
  g_test_add_func ("/core/json/error/field", test_json_error_field);
  g_test_add_func ("/core/json/types/names", test_json_type_names);
  g_test_add_func ("/core/json/types/rules", test_json_type_rules);
  g_test_add_func ("/core/json/codec/organisation", test_json_codec_organisation);
  g_test_add_func ("/core/json/codec/user", test_json_codec_user);
  g_test_add_func ("/core/json/codec/session", test_json_codec_session);
  g_test_add_func ("/core/json/codec/holding", test_json_codec_holding);
  g_test_add_func ("/core/json/codec/transaction", test_json_codec_transaction);
  g_test_add_func ("/core/json/get-array", test_json_get_array);
  g_test_add_func ("/core/json/read-list/missing", test_json_read_list_missing);
  g_test_add_func ("/core/json/read-list/wrong-type", test_json_read_list_wrong_type);
  g_test_add_func ("/core/json/read-list/bad-element", test_json_read_list_bad_element);
  g_test_add_func ("/core/json/read-list/empty", test_json_read_list_empty);
  g_test_add_func ("/core/json/read-list/good", test_json_read_list_good);
  g_test_add_func ("/core/json/timestamp", test_json_timestamp);

  return g_test_run ();
}
