/* test-registration.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-registration"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-test-server.h"

/* Registration as a company and the registry's administrator meet it over
 * HTTP: registration keys, applications with their signed documents, the
 * administrator's decision, and every way an application can be wrong,
 * none of which changes anything. */

#define KEYS         "/api/v1/registration-keys"
#define APPLICATIONS "/api/v1/applications"

/* The signed application, as the files a company would scan or print.
 * The server tells them apart by their first bytes, never by their names. */
static const char pdf_document[] =
  "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
  "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
  "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
  "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

static const guchar png_document[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
  0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde,
  0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
};

static const guchar jpeg_document[] = {
  0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
  0xff, 0xd9,
};

static const char text_document[] = "Application for registration. Signed: A. Applicant\n";

static const guchar exe_document[] = {
  'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, 0xb8, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0, 'P', 'E', 0, 0,
};

/* What an applicant fills in; NULL members are left out of the request. */
typedef struct
{
  const char *key;
  const char *name_kk;
  const char *name_ru;
  const char *bin;
  const char *holder_type;
  const char *address;
  const char *phone;
  const char *email;
  const char *representative_name;
  const char *representative_position;
  const char *username;
  const char *password;
  const char *document_name;
  const char *document;        /* base64 */
  const char *surplus;         /* a member the route does not take */
} Application;

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *ministry;
  char            *expired_code;   /* made through the store: expired yesterday */
  char            *pdf;            /* base64 of each document */
  char            *png;
  char            *jpeg;
  char            *text;
  char            *exe;
} Fixture;

static char *
encode (gconstpointer data,
        gsize         length)
{
  return g_base64_encode (data, length);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  f->server = kvota_test_server_new ();
  f->expired_code = kvota_test_server_create_registration_key (f->server, NULL, NULL, -24 * 60 * 60);
  kvota_test_server_start (f->server, NULL);
  f->admin = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN);
  f->ministry = kvota_test_server_login (f->server, KVOTA_TEST_MINISTRY);

  f->pdf = encode (pdf_document, sizeof pdf_document - 1);
  f->png = encode (png_document, sizeof png_document);
  f->jpeg = encode (jpeg_document, sizeof jpeg_document);
  f->text = encode (text_document, sizeof text_document - 1);
  f->exe = encode (exe_document, sizeof exe_document);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  user_data)
{
  g_free (f->admin);
  g_free (f->ministry);
  g_free (f->expired_code);
  g_free (f->pdf);
  g_free (f->png);
  g_free (f->jpeg);
  g_free (f->text);
  g_free (f->exe);
  g_clear_pointer (&f->server, kvota_test_server_free);
}

/* Helpers */

static char *
make_bin (const char *eleven_digits)
{
  char *bin = kvota_test_bin_make (eleven_digits);

  g_assert_nonnull (bin);
  return bin;
}

static GDateTime *
parse_time (const char *text)
{
  GDateTime *time = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (time);
  g_assert_true (g_str_has_suffix (text, "Z"));

  return time;
}

/* Asserts that TEXT is within a minute of now + SECONDS. */
static void
assert_time_near (const char *text,
                  gint64      seconds)
{
  g_autoptr(GDateTime) time = parse_time (text);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan off = g_date_time_difference (time, now) - seconds * G_TIME_SPAN_SECOND;

  g_assert_cmpint (off, >, -G_TIME_SPAN_MINUTE);
  g_assert_cmpint (off, <, G_TIME_SPAN_MINUTE);
}

static void
assert_field (KvotaTestReply *reply,
              const char     *field)
{
  JsonNode *node = reply->json != NULL ? kvota_test_json_lookup (reply->json, "error.field") : NULL;
  const char *actual = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

  if (g_strcmp0 (actual, field) != 0)
    {
      g_autofree char *described = kvota_test_reply_describe (reply);

      g_error ("The error should name the member “%s”, not “%s”: %s", field, actual, described);
    }
}

static gboolean
is_null (KvotaTestReply *reply,
         const char     *path)
{
  return JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (reply, path));
}

static char *
application_body (const Application *a)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const struct { const char *name; const char *value; } members[] = {
    { "key", a->key },
    { "name_kk", a->name_kk },
    { "name_ru", a->name_ru },
    { "bin", a->bin },
    { "holder_type", a->holder_type },
    { "address", a->address },
    { "phone", a->phone },
    { "email", a->email },
    { "representative_name", a->representative_name },
    { "representative_position", a->representative_position },
    { "username", a->username },
    { "password", a->password },
    { "document_name", a->document_name },
    { "document", a->document },
    { a->surplus, "surplus" },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      if (members[i].name == NULL || members[i].value == NULL)
        continue;
      json_builder_set_member_name (builder, members[i].name);
      json_builder_add_string_value (builder, members[i].value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/* A complete, valid application for BIN, with KEY and DOCUMENT. */
static Application
application_new (const char *key,
                 const char *bin,
                 const char *holder_type,
                 const char *username,
                 const char *document)
{
  Application a = {
    .key = key,
    .name_kk = "«Жасыл Дала» ЖШС",
    .name_ru = "ТОО «Жасыл Дала»",
    .bin = bin,
    .holder_type = holder_type,
    .address = "Kabanbay Batyr 11, Astana 010000",
    .phone = "+7 (7172) 55-01-02",
    .email = "office@zhasyl-dala.kz",
    .representative_name = "Aigerim Seitkali",
    .representative_position = "Director",
    .username = username,
    .password = "applicant-pass-2024",
    .document_name = "application-signed.pdf",
    .document = document,
  };

  return a;
}

static KvotaTestReply *
submit (Fixture           *f,
        const Application *a)
{
  g_autofree char *body = application_body (a);

  return kvota_test_server_request (f->server, "POST", APPLICATIONS, NULL, body, -1);
}

/* POST /api/v1/registration-keys with BODY (NULL: no body at all).
 * Returns the key's id; its code in CODE. */
static gint64
create_key (Fixture     *f,
            const char  *body,
            char       **code)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (f->server, "POST", KEYS, f->admin, body, -1);
  kvota_test_assert_status (reply, 201);
  if (code != NULL)
    *code = g_strdup (kvota_test_reply_get_string (reply, "key.code"));

  return kvota_test_reply_get_int (reply, "key.id");
}

static KvotaTestReply *
list_keys (Fixture *f)
{
  KvotaTestReply *reply = kvota_test_server_request (f->server, "GET", KEYS, f->admin, NULL, 0);

  kvota_test_assert_status (reply, 200);
  return reply;
}

/* The state GET /api/v1/registration-keys gives the key ID. */
static char *
key_state (Fixture *f,
           gint64   id)
{
  g_autoptr(KvotaTestReply) reply = list_keys (f);
  guint n = kvota_test_reply_get_length (reply, "keys");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id_path = g_strdup_printf ("keys.%u.id", i);
      g_autofree char *state_path = g_strdup_printf ("keys.%u.state", i);

      if (kvota_test_reply_get_int (reply, id_path) == id)
        return g_strdup (kvota_test_reply_get_string (reply, state_path));
    }

  g_error ("GET %s does not list the key %" G_GINT64_FORMAT, KEYS, id);
}

static void
assert_key_state (Fixture    *f,
                  gint64      id,
                  const char *state)
{
  g_autofree char *actual = key_state (f, id);

  g_assert_cmpstr (actual, ==, state);
}

static guint
count_of (Fixture    *f,
          const char *path,
          const char *member)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

  kvota_test_assert_status (reply, 200);
  return kvota_test_reply_get_length (reply, member);
}

static guint
count_applications (Fixture *f)
{
  return count_of (f, APPLICATIONS, "applications");
}

static KvotaTestReply *
get_application (Fixture *f,
                 gint64   id)
{
  g_autofree char *path = g_strdup_printf (APPLICATIONS "/%" G_GINT64_FORMAT, id);
  KvotaTestReply *reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

  kvota_test_assert_status (reply, 200);
  return reply;
}

static KvotaTestReply *
decide (Fixture    *f,
        gint64      id,
        const char *decision,
        const char *body)
{
  g_autofree char *path = g_strdup_printf (APPLICATIONS "/%" G_GINT64_FORMAT "/%s", id, decision);

  return kvota_test_server_request (f->server, "POST", path, f->admin, body, -1);
}

/* Everything a refused request must leave as it was. */
typedef struct
{
  guint applications;
  guint audit;
  guint organisations;
  guint users;
} Counts;

static Counts
take_counts (Fixture *f)
{
  Counts counts = {
    .applications = count_applications (f),
    .audit = kvota_test_server_count_audit (f->server, f->admin),
    .organisations = count_of (f, "/api/v1/organisations", "organisations"),
    .users = count_of (f, "/api/v1/users", "users"),
  };

  return counts;
}

static void
assert_counts (Fixture      *f,
               const Counts *before,
               const char   *what)
{
  Counts after = take_counts (f);

  if (after.applications != before->applications)
    g_error ("“%s” changed the number of applications from %u to %u", what,
             before->applications, after.applications);
  if (after.audit != before->audit)
    g_error ("“%s” added %d entries to the audit journal", what, (int) after.audit - (int) before->audit);
  if (after.organisations != before->organisations)
    g_error ("“%s” changed the number of organisations", what);
  if (after.users != before->users)
    g_error ("“%s” changed the number of users", what);
}

/* Registration keys */

static void
assert_code_shape (const char *code)
{
  /* Six groups of four, from an alphabet without look-alikes. */
  if (!g_regex_match_simple ("^[ACDEFGHJKMNPQRTUVWXY34679]{4}(-[ACDEFGHJKMNPQRTUVWXY34679]{4}){5}$",
                             code, 0, 0))
    g_error ("“%s” is not a registration key of six groups of four readable characters", code);
}

static void
test_registration_keys (Fixture       *f,
                        gconstpointer  user_data)
{
  static const struct
  {
    const char *body;
    guint       status;
    const char *code;
    const char *field;
  } bad_keys[] = {
    { "{\"valid_days\": 0}", 400, "invalid-value", "valid_days" },
    { "{\"valid_days\": 366}", 400, "invalid-value", "valid_days" },
    { "{\"valid_days\": -5}", 400, "invalid-value", "valid_days" },
    { "{\"valid_days\": \"30\"}", 400, "wrong-type", "valid_days" },
    { "{\"valid_days\": 1.5}", 400, "wrong-type", "valid_days" },
    { "{\"holder_type\": \"registry\"}", 400, "invalid-value", "holder_type" },
    { "{\"holder_type\": \"ministry\"}", 400, "invalid-value", "holder_type" },
    { "{\"holder_type\": \"bank\"}", 400, "invalid-value", "holder_type" },
    { "{\"bin\": \"160840000017\"}", 400, "invalid-bin", "bin" },
    { "{\"bin\": \"16084000001\"}", 400, "invalid-bin", "bin" },
    { "{\"bin\": \"BIN160840000016\"}", 400, "invalid-bin", "bin" },
    { "{\"code\": \"AAAA-AAAA-AAAA-AAAA-AAAA-AAAA\"}", 400, "unknown-field", "code" },
    { "[]", 400, "wrong-type", NULL },
  };
  g_autoptr(KvotaTestReply) unbound = NULL;
  g_autoptr(KvotaTestReply) empty = NULL;
  g_autoptr(KvotaTestReply) bound_bin = NULL;
  g_autoptr(KvotaTestReply) bound_type = NULL;
  g_autoptr(KvotaTestReply) short_lived = NULL;
  g_autoptr(KvotaTestReply) long_lived = NULL;
  g_autoptr(KvotaTestReply) list = NULL;
  g_autoptr(KvotaTestReply) revoked = NULL;
  g_autoptr(KvotaTestReply) again = NULL;
  g_autoptr(KvotaTestReply) missing = NULL;
  g_autoptr(KvotaTestReply) with_body = NULL;
  g_autoptr(KvotaTestReply) expired = NULL;
  g_autoptr(KvotaTestReply) audit_reply = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *bin = make_bin ("16084000001");
  g_autofree char *path = NULL;
  g_autofree char *audit_text = NULL;
  const char *code;
  Counts before;
  gint64 ids[6];
  gint64 expired_id;
  gint64 entry;

  /* The key kvota_test_server_create_registration_key() made before the
   * server started is listed, as expired. */
  list = list_keys (f);
  g_assert_cmpuint (kvota_test_reply_get_length (list, "keys"), ==, 1);
  g_assert_cmpstr (kvota_test_reply_get_string (list, "keys.0.state"), ==, "expired");
  expired_id = kvota_test_reply_get_int (list, "keys.0.id");
  g_clear_pointer (&list, kvota_test_reply_free);

  /* Unbound, with no body at all and with an empty object. */
  unbound = kvota_test_server_request (f->server, "POST", KEYS, f->admin, NULL, 0);
  kvota_test_assert_status (unbound, 201);
  code = kvota_test_reply_get_string (unbound, "key.code");
  assert_code_shape (code);
  g_assert_cmpstr (kvota_test_reply_get_string (unbound, "key.hint"), ==, code + strlen (code) - 4);
  g_assert_true (is_null (unbound, "key.bin"));
  g_assert_true (is_null (unbound, "key.holder_type"));
  g_assert_cmpstr (kvota_test_reply_get_string (unbound, "key.state"), ==, "unused");
  g_assert_cmpstr (kvota_test_reply_get_string (unbound, "key.created_by"), ==, "admin");
  assert_time_near (kvota_test_reply_get_string (unbound, "key.created"), 0);
  assert_time_near (kvota_test_reply_get_string (unbound, "key.expires"), 30 * 24 * 60 * 60);
  ids[0] = kvota_test_reply_get_int (unbound, "key.id");

  empty = kvota_test_server_request (f->server, "POST", KEYS, f->admin, "{}", -1);
  kvota_test_assert_status (empty, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (empty, "key.code"), !=, code);
  ids[1] = kvota_test_reply_get_int (empty, "key.id");

  /* Bound to a BIN, typed the way people write it. */
  bound_bin = kvota_test_server_requestf (f->server, "POST", KEYS, f->admin,
                                          "{\"bin\": \"%.4s %.4s-%.4s\"}", bin, bin + 4, bin + 8);
  kvota_test_assert_status (bound_bin, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (bound_bin, "key.bin"), ==, bin);
  g_assert_true (is_null (bound_bin, "key.holder_type"));
  ids[2] = kvota_test_reply_get_int (bound_bin, "key.id");

  /* Bound to a holder type. */
  bound_type = kvota_test_server_request (f->server, "POST", KEYS, f->admin,
                                          "{\"holder_type\": \"broker\"}", -1);
  kvota_test_assert_status (bound_type, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (bound_type, "key.holder_type"), ==, "broker");
  g_assert_true (is_null (bound_type, "key.bin"));
  ids[3] = kvota_test_reply_get_int (bound_type, "key.id");

  /* valid_days from 1 to 365. */
  short_lived = kvota_test_server_request (f->server, "POST", KEYS, f->admin, "{\"valid_days\": 1}", -1);
  kvota_test_assert_status (short_lived, 201);
  assert_time_near (kvota_test_reply_get_string (short_lived, "key.expires"), 24 * 60 * 60);
  ids[4] = kvota_test_reply_get_int (short_lived, "key.id");
  long_lived = kvota_test_server_requestf (f->server, "POST", KEYS, f->admin,
                                           "{\"valid_days\": 365, \"holder_type\": \"nature-user\", "
                                           "\"bin\": \"%s\"}", KVOTA_TEST_BIN_TRADER);
  kvota_test_assert_status (long_lived, 201);
  assert_time_near (kvota_test_reply_get_string (long_lived, "key.expires"), 365 * 24 * 60 * 60);
  g_assert_cmpstr (kvota_test_reply_get_string (long_lived, "key.holder_type"), ==, "nature-user");
  ids[5] = kvota_test_reply_get_int (long_lived, "key.id");

  /* Refused keys are not made. */
  before = take_counts (f);
  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(KvotaTestReply) reply = NULL;
      g_autoptr(KvotaTestReply) after = NULL;

      g_test_message ("key %s", bad_keys[i].body);
      reply = kvota_test_server_request (f->server, "POST", KEYS, f->admin, bad_keys[i].body, -1);
      kvota_test_assert_error (reply, bad_keys[i].status, bad_keys[i].code);
      if (bad_keys[i].field != NULL)
        assert_field (reply, bad_keys[i].field);
      after = list_keys (f);
      g_assert_cmpuint (kvota_test_reply_get_length (after, "keys"), ==, 7);
      assert_counts (f, &before, bad_keys[i].body);
    }

  /* The list: newest first, every key's state, and never a code. */
  list = list_keys (f);
  g_assert_cmpuint (kvota_test_reply_get_length (list, "keys"), ==, 7);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *id_path = g_strdup_printf ("keys.%u.id", i);
      g_autofree char *state_path = g_strdup_printf ("keys.%u.state", i);
      g_autofree char *code_path = g_strdup_printf ("keys.%u.code", i);
      g_autofree char *hint_path = g_strdup_printf ("keys.%u.hint", i);

      g_assert_cmpint (kvota_test_reply_get_int (list, id_path), ==, ids[5 - i]);
      g_assert_cmpstr (kvota_test_reply_get_string (list, state_path), ==, "unused");
      g_assert_null (kvota_test_json_lookup (list->json, code_path));
      g_assert_cmpuint (strlen (kvota_test_reply_get_string (list, hint_path)), ==, 4);
    }
  g_assert_cmpint (kvota_test_reply_get_int (list, "keys.6.id"), ==, expired_id);
  g_assert_cmpstr (kvota_test_reply_get_string (list, "keys.6.state"), ==, "expired");
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (list->body, NULL), g_bytes_get_size (list->body));

    g_assert_null (strstr (text, code));
  }

  /* Revoking an unused key, once. */
  path = g_strdup_printf (KEYS "/%" G_GINT64_FORMAT "/revoke", ids[1]);
  with_body = kvota_test_server_request (f->server, "POST", path, f->admin, "{\"reason\": \"lost\"}", -1);
  kvota_test_assert_error (with_body, 400, "unknown-field");
  assert_key_state (f, ids[1], "unused");
  revoked = kvota_test_server_request (f->server, "POST", path, f->admin, NULL, 0);
  kvota_test_assert_status (revoked, 200);
  g_assert_cmpint (kvota_test_reply_get_int (revoked, "key.id"), ==, ids[1]);
  g_assert_cmpstr (kvota_test_reply_get_string (revoked, "key.state"), ==, "revoked");
  g_assert_null (kvota_test_json_lookup (revoked->json, "key.code"));
  assert_key_state (f, ids[1], "revoked");

  before = take_counts (f);
  again = kvota_test_server_request (f->server, "POST", path, f->admin, NULL, 0);
  kvota_test_assert_error (again, 409, "invalid-state");
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf (KEYS "/%" G_GINT64_FORMAT "/revoke", expired_id);
  expired = kvota_test_server_request (f->server, "POST", path, f->admin, NULL, 0);
  kvota_test_assert_error (expired, 409, "invalid-state");
  assert_key_state (f, expired_id, "expired");
  missing = kvota_test_server_request (f->server, "POST", KEYS "/999999/revoke", f->admin, NULL, 0);
  kvota_test_assert_error (missing, 404, "not-found");
  assert_counts (f, &before, "revoking a key that cannot be revoked");

  /* Every key made and revoked is in the journal, without its code. */
  audit = kvota_test_server_audit (f->server, f->admin);
  entry = 0;
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *object = g_strdup_printf ("registration-key/%" G_GINT64_FORMAT, ids[i]);

      entry = kvota_test_audit_find (audit, entry, "registration-key.create", object);
      g_assert_cmpint (entry, >, 0);
    }
  {
    g_autofree char *object = g_strdup_printf ("registration-key/%" G_GINT64_FORMAT, ids[1]);

    g_assert_cmpint (kvota_test_audit_find (audit, entry, "registration-key.revoke", object), >, 0);
  }
  audit_reply = kvota_test_server_request (f->server, "GET", "/api/v1/audit?limit=1000", f->admin, NULL, 0);
  kvota_test_assert_status (audit_reply, 200);
  audit_text = g_strndup (g_bytes_get_data (audit_reply->body, NULL), g_bytes_get_size (audit_reply->body));
  g_assert_null (strstr (audit_text, code));
  {
    /* Not even without its dashes. */
    g_autoptr(GString) bare = g_string_new (code);

    g_string_replace (bare, "-", "", 0);
    g_assert_null (strstr (audit_text, bare->str));
  }
}

/* The journey: apply, wait, be confirmed or declined */

typedef struct
{
  const char *holder_type;
  const char *eleven_digits;
  const char *username;
  const guchar *data;
  gsize       length;
  const char *content_type;
  const char *extension;
} Company;

static void
assert_document (Fixture        *f,
                 KvotaTestReply *application,
                 const char     *prefix,
                 const Company  *company,
                 const char     *token)
{
  g_autoptr(KvotaTestReply) download = NULL;
  g_autofree char *sha_path = g_strconcat (prefix, "document.sha256", NULL);
  g_autofree char *type_path = g_strconcat (prefix, "document.content_type", NULL);
  g_autofree char *size_path = g_strconcat (prefix, "document.size", NULL);
  g_autofree char *computed = g_compute_checksum_for_data (G_CHECKSUM_SHA256, company->data, company->length);
  g_autofree char *downloaded = NULL;
  g_autofree char *path = NULL;
  g_autofree char *disposition = NULL;
  const char *sha256 = kvota_test_reply_get_string (application, sha_path);

  g_assert_cmpstr (sha256, ==, computed);
  g_assert_cmpstr (kvota_test_reply_get_string (application, type_path), ==, company->content_type);
  g_assert_cmpint (kvota_test_reply_get_int (application, size_path), ==, (gint64) company->length);

  path = g_strdup_printf ("/api/v1/documents/%s", sha256);
  download = kvota_test_server_request (f->server, "GET", path, token, NULL, 0);
  kvota_test_assert_status (download, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (download->headers, NULL), ==, company->content_type);
  g_assert_cmpmem (g_bytes_get_data (download->body, NULL), g_bytes_get_size (download->body),
                   company->data, company->length);
  downloaded = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, download->body);
  g_assert_cmpstr (downloaded, ==, sha256);

  /* Saved, never shown as a page. */
  disposition = g_strdup_printf ("attachment; filename=\"%.16s.%s\"", sha256, company->extension);
  g_assert_cmpstr (soup_message_headers_get_one (download->headers, "Content-Disposition"), ==, disposition);
  g_assert_cmpstr (soup_message_headers_get_one (download->headers, "X-Content-Type-Options"), ==, "nosniff");
}

static void
test_registration_journey (Fixture       *f,
                           gconstpointer  user_data)
{
  const Company companies[] = {
    { "nature-user", "17014000007", "ekibastuz-gres", (const guchar *) pdf_document,
      sizeof pdf_document - 1, "application/pdf", "pdf" },
    { "broker", "17034000009", "kazakh-broker", png_document, sizeof png_document, "image/png", "png" },
    { "trader", "17044000001", "steppe-trader", jpeg_document, sizeof jpeg_document, "image/jpeg", "jpg" },
    { "individual", "17054000002", "green-investor", (const guchar *) pdf_document,
      sizeof pdf_document - 1, "application/pdf", "pdf" },
  };
  enum { NATURE, BROKER, TRADER, INDIVIDUAL, N_COMPANIES };
  static const char declined_reason[] = "The signature on the application does not match the director's.";
  char *bins[N_COMPANIES];
  char *codes[N_COMPANIES];
  gint64 key_ids[N_COMPANIES];
  gint64 application_ids[N_COMPANIES];
  gint64 organisation_ids[N_COMPANIES] = { 0, };
  const char *documents[N_COMPANIES] = { f->pdf, f->png, f->jpeg, f->pdf };
  g_autoptr(KvotaTestReply) list = NULL;
  g_autoptr(JsonArray) audit = NULL;
  Counts before;
  gint64 entry;

  for (guint i = 0; i < N_COMPANIES; i++)
    bins[i] = make_bin (companies[i].eleven_digits);

  /* The administrator hands out keys: one bound to the nature user's BIN,
   * one bound to the broker's type, two unbound. */
  {
    g_autofree char *body = g_strdup_printf ("{\"bin\": \"%s\", \"holder_type\": \"nature-user\"}", bins[NATURE]);

    key_ids[NATURE] = create_key (f, body, &codes[NATURE]);
    key_ids[BROKER] = create_key (f, "{\"holder_type\": \"broker\", \"valid_days\": 7}", &codes[BROKER]);
    key_ids[TRADER] = create_key (f, NULL, &codes[TRADER]);
    key_ids[INDIVIDUAL] = create_key (f, "{}", &codes[INDIVIDUAL]);
  }

  /* Each company applies, with a PDF, a PNG, a JPEG. */
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      const Company *company = &companies[i];
      Application a = application_new (codes[i], bins[i], company->holder_type, company->username, documents[i]);
      g_autoptr(KvotaTestReply) reply = NULL;
      g_autoptr(KvotaTestReply) login = NULL;
      g_autoptr(KvotaTestReply) wrong = NULL;
      g_autofree char *body_text = NULL;

      if (i == BROKER)
        {
          /* Only one of the two names is needed. */
          a.name_ru = NULL;
          a.document_name = "scan.png";
        }
      if (i == TRADER)
        {
          a.name_kk = NULL;
          a.document_name = "photo.jpeg";
        }

      g_test_message ("%s applies", company->username);
      reply = submit (f, &a);
      kvota_test_assert_status (reply, 201);
      application_ids[i] = kvota_test_reply_get_int (reply, "application.id");
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.state"), ==, "pending");
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.bin"), ==, bins[i]);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.holder_type"), ==, company->holder_type);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.username"), ==, company->username);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.address"), ==, a.address);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.phone"), ==, a.phone);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.email"), ==, a.email);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.representative.full_name"), ==,
                       a.representative_name);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.representative.position"), ==,
                       a.representative_position);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.document.name"), ==, a.document_name);
      if (a.name_kk != NULL)
        g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.name_kk"), ==, a.name_kk);
      else
        g_assert_true (is_null (reply, "application.name_kk"));
      if (a.name_ru != NULL)
        g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.name_ru"), ==, a.name_ru);
      else
        g_assert_true (is_null (reply, "application.name_ru"));
      assert_time_near (kvota_test_reply_get_string (reply, "application.created"), 0);
      g_assert_true (is_null (reply, "application.decided_by"));
      g_assert_true (is_null (reply, "application.decided"));
      g_assert_true (is_null (reply, "application.reason"));
      g_assert_true (is_null (reply, "application.organisation_id"));
      body_text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
      g_assert_null (strstr (body_text, a.password));
      g_assert_null (strstr (body_text, "password"));
      assert_document (f, reply, "application.", company, f->admin);

      /* The key is used up. */
      assert_key_state (f, key_ids[i], "used");

      /* The applicant learns how its application stands by logging in,
       * and only with the password it chose. */
      login = kvota_test_server_login_as (f->server, company->username, a.password);
      kvota_test_assert_error (login, 403, "application-pending");
      g_assert_cmpint (kvota_test_reply_get_int (login, "error.application.id"), ==, application_ids[i]);
      g_assert_cmpstr (kvota_test_reply_get_string (login, "error.application.state"), ==, "pending");
      g_assert_cmpstr (kvota_test_reply_get_string (login, "error.application.bin"), ==, bins[i]);
      wrong = kvota_test_server_login_as (f->server, company->username, "not-the-applicant-pass");
      kvota_test_assert_error (wrong, 401, "bad-credentials");
      g_assert_null (kvota_test_json_lookup (wrong->json, "error.application"));
    }

  /* The administrator's list: newest first while all are pending. */
  list = kvota_test_server_request (f->server, "GET", APPLICATIONS, f->admin, NULL, 0);
  kvota_test_assert_status (list, 200);
  g_assert_cmpuint (kvota_test_reply_get_length (list, "applications"), ==, N_COMPANIES);
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_autofree char *id_path = g_strdup_printf ("applications.%u.id", i);
      g_autofree char *state_path = g_strdup_printf ("applications.%u.state", i);
      g_autofree char *prefix = g_strdup_printf ("applications.%u.", i);

      g_assert_cmpint (kvota_test_reply_get_int (list, id_path), ==, application_ids[N_COMPANIES - 1 - i]);
      g_assert_cmpstr (kvota_test_reply_get_string (list, state_path), ==, "pending");
      /* The Ministry reads the documents too. */
      assert_document (f, list, prefix, &companies[N_COMPANIES - 1 - i], f->ministry);
    }
  g_clear_pointer (&list, kvota_test_reply_free);

  /* One application, as the list gives it. */
  {
    g_autoptr(KvotaTestReply) one = get_application (f, application_ids[BROKER]);

    g_assert_cmpstr (kvota_test_reply_get_string (one, "application.username"), ==, "kazakh-broker");
    g_assert_cmpstr (kvota_test_reply_get_string (one, "application.document.name"), ==, "scan.png");
    g_assert_true (is_null (one, "application.name_ru"));
  }

  /* Confirmed: the nature user (no body), the broker (with a note) and
   * the individual get their organisation and first user. */
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_autoptr(KvotaTestReply) confirmed = NULL;
      g_autoptr(KvotaTestReply) organisation = NULL;
      g_autoptr(KvotaTestReply) users = NULL;
      g_autoptr(KvotaTestReply) login = NULL;
      g_autoptr(KvotaTestReply) me = NULL;
      g_autofree char *path = NULL;
      const char *token;

      if (i == TRADER)
        continue;

      confirmed = decide (f, application_ids[i], "confirm",
                          i == BROKER ? "{\"reason\": \"Checked against the state register\"}" : NULL);
      kvota_test_assert_status (confirmed, 200);
      g_assert_cmpstr (kvota_test_reply_get_string (confirmed, "application.state"), ==, "confirmed");
      g_assert_cmpstr (kvota_test_reply_get_string (confirmed, "application.decided_by"), ==, "admin");
      assert_time_near (kvota_test_reply_get_string (confirmed, "application.decided"), 0);
      organisation_ids[i] = kvota_test_reply_get_int (confirmed, "application.organisation_id");
      g_assert_cmpint (organisation_ids[i], >, 0);

      path = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT, organisation_ids[i]);
      organisation = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
      kvota_test_assert_status (organisation, 200);
      g_assert_cmpstr (kvota_test_reply_get_string (organisation, "organisation.bin"), ==, bins[i]);
      g_assert_cmpstr (kvota_test_reply_get_string (organisation, "organisation.holder_type"), ==,
                       companies[i].holder_type);
      g_assert_cmpstr (kvota_test_reply_get_string (organisation, "organisation.state"), ==, "active");
      /* Named in Russian when it gave that name, else in Kazakh. */
      g_assert_cmpstr (kvota_test_reply_get_string (organisation, "organisation.name"), ==,
                       i == BROKER ? "«Жасыл Дала» ЖШС" : "ТОО «Жасыл Дала»");
      /* Nature users and individuals hold units; brokers hold none. */
      if (i == BROKER)
        g_assert_true (is_null (organisation, "organisation.account"));
      else if (!g_regex_match_simple ("^KZ-100-[0-9]{6}$",
                                      kvota_test_reply_get_string (organisation, "organisation.account"), 0, 0))
        g_error ("“%s” is not a holding account number",
                 kvota_test_reply_get_string (organisation, "organisation.account"));
      g_clear_pointer (&path, g_free);

      /* Its representative is the applicant. */
      path = g_strdup_printf ("/api/v1/users?organisation_id=%" G_GINT64_FORMAT, organisation_ids[i]);
      users = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
      kvota_test_assert_status (users, 200);
      g_assert_cmpuint (kvota_test_reply_get_length (users, "users"), ==, 1);
      g_assert_cmpstr (kvota_test_reply_get_string (users, "users.0.username"), ==, companies[i].username);
      g_assert_cmpstr (kvota_test_reply_get_string (users, "users.0.role"), ==, "representative");
      g_assert_cmpstr (kvota_test_reply_get_string (users, "users.0.full_name"), ==, "Aigerim Seitkali");
      g_assert_cmpstr (kvota_test_reply_get_string (users, "users.0.state"), ==, "active");

      /* ...who logs in with the password it applied with. */
      login = kvota_test_server_login_as (f->server, companies[i].username, "applicant-pass-2024");
      kvota_test_assert_status (login, 201);
      token = kvota_test_reply_get_string (login, "token");
      me = kvota_test_server_request (f->server, "GET", "/api/v1/me", token, NULL, 0);
      kvota_test_assert_status (me, 200);
      g_assert_cmpint (kvota_test_reply_get_int (me, "user.organisation.id"), ==, organisation_ids[i]);
      g_assert_cmpstr (kvota_test_reply_get_string (me, "user.role"), ==, "representative");

      if (i == BROKER)
        {
          /* Pending ones come first, whatever their age. */
          list = kvota_test_server_request (f->server, "GET", APPLICATIONS, f->admin, NULL, 0);
          kvota_test_assert_status (list, 200);
          g_assert_cmpint (kvota_test_reply_get_int (list, "applications.0.id"), ==, application_ids[INDIVIDUAL]);
          g_assert_cmpint (kvota_test_reply_get_int (list, "applications.1.id"), ==, application_ids[TRADER]);
          g_assert_cmpstr (kvota_test_reply_get_string (list, "applications.2.state"), ==, "confirmed");
          g_assert_cmpstr (kvota_test_reply_get_string (list, "applications.3.state"), ==, "confirmed");
          g_clear_pointer (&list, kvota_test_reply_free);
        }
    }

  /* Declining needs a reason, which the applicant reads. */
  before = take_counts (f);
  {
    g_autoptr(KvotaTestReply) no_body = decide (f, application_ids[TRADER], "decline", NULL);
    g_autoptr(KvotaTestReply) empty = decide (f, application_ids[TRADER], "decline", "{}");
    g_autoptr(KvotaTestReply) blank = decide (f, application_ids[TRADER], "decline", "{\"reason\": \" \\n \"}");
    g_autoptr(KvotaTestReply) wrong_type = decide (f, application_ids[TRADER], "decline", "{\"reason\": 42}");
    g_autoptr(KvotaTestReply) missing = decide (f, 999999, "decline", "{\"reason\": \"Unknown\"}");
    g_autoptr(KvotaTestReply) again = decide (f, application_ids[NATURE], "confirm", NULL);
    g_autoptr(KvotaTestReply) decline_confirmed = decide (f, application_ids[NATURE], "decline",
                                                          "{\"reason\": \"Second thoughts\"}");
    g_autoptr(KvotaTestReply) get_missing = NULL;

    kvota_test_assert_error (no_body, 400, "missing-field");
    assert_field (no_body, "reason");
    kvota_test_assert_error (empty, 400, "missing-field");
    assert_field (empty, "reason");
    kvota_test_assert_error (blank, 400, "invalid-value");
    assert_field (blank, "reason");
    kvota_test_assert_error (wrong_type, 400, "wrong-type");
    assert_field (wrong_type, "reason");
    kvota_test_assert_error (missing, 404, "not-found");
    kvota_test_assert_error (again, 409, "invalid-state");
    kvota_test_assert_error (decline_confirmed, 409, "invalid-state");
    get_missing = kvota_test_server_request (f->server, "GET", APPLICATIONS "/999999", f->admin, NULL, 0);
    kvota_test_assert_error (get_missing, 404, "not-found");
  }
  assert_counts (f, &before, "refused decisions");
  {
    g_autoptr(KvotaTestReply) still = get_application (f, application_ids[TRADER]);

    g_assert_cmpstr (kvota_test_reply_get_string (still, "application.state"), ==, "pending");
  }

  {
    g_autofree char *body = g_strdup_printf ("{\"reason\": \"%s\"}", declined_reason);
    g_autoptr(KvotaTestReply) declined = decide (f, application_ids[TRADER], "decline", body);
    g_autoptr(KvotaTestReply) login = NULL;
    g_autoptr(KvotaTestReply) confirm_declined = NULL;
    g_autoptr(KvotaTestReply) decline_again = NULL;

    kvota_test_assert_status (declined, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (declined, "application.state"), ==, "declined");
    g_assert_cmpstr (kvota_test_reply_get_string (declined, "application.reason"), ==, declined_reason);
    g_assert_true (is_null (declined, "application.organisation_id"));

    login = kvota_test_server_login_as (f->server, "steppe-trader", "applicant-pass-2024");
    kvota_test_assert_error (login, 403, "application-declined");
    g_assert_cmpstr (kvota_test_reply_get_string (login, "error.application.state"), ==, "declined");
    g_assert_cmpstr (kvota_test_reply_get_string (login, "error.application.reason"), ==, declined_reason);

    /* Decided once. */
    before = take_counts (f);
    confirm_declined = decide (f, application_ids[TRADER], "confirm", NULL);
    kvota_test_assert_error (confirm_declined, 409, "invalid-state");
    decline_again = decide (f, application_ids[TRADER], "decline", "{\"reason\": \"Again\"}");
    kvota_test_assert_error (decline_again, 409, "invalid-state");
    assert_counts (f, &before, "deciding a declined application");
  }

  /* A declined application holds neither its BIN nor its username: the
   * trader applies again with a new key, and is confirmed this time. A
   * trader holds no units: no account. */
  {
    g_autofree char *code = NULL;
    Application a;
    g_autoptr(KvotaTestReply) reply = NULL;
    g_autoptr(KvotaTestReply) login = NULL;
    g_autoptr(KvotaTestReply) confirmed = NULL;
    g_autoptr(KvotaTestReply) organisation = NULL;
    g_autoptr(KvotaTestReply) logged_in = NULL;
    g_autofree char *path = NULL;
    gint64 id;

    create_key (f, NULL, &code);
    a = application_new (code, bins[TRADER], "trader", "steppe-trader", f->jpeg);
    reply = submit (f, &a);
    kvota_test_assert_status (reply, 201);
    id = kvota_test_reply_get_int (reply, "application.id");
    login = kvota_test_server_login_as (f->server, "steppe-trader", "applicant-pass-2024");
    kvota_test_assert_error (login, 403, "application-pending");
    g_assert_cmpint (kvota_test_reply_get_int (login, "error.application.id"), ==, id);

    confirmed = decide (f, id, "confirm", "{}");
    kvota_test_assert_status (confirmed, 200);
    path = g_strdup_printf ("/api/v1/organisations/%" G_GINT64_FORMAT,
                            kvota_test_reply_get_int (confirmed, "application.organisation_id"));
    organisation = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
    kvota_test_assert_status (organisation, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (organisation, "organisation.holder_type"), ==, "trader");
    g_assert_true (is_null (organisation, "organisation.account"));
    logged_in = kvota_test_server_login_as (f->server, "steppe-trader", "applicant-pass-2024");
    kvota_test_assert_status (logged_in, 201);
    g_assert_cmpstr (kvota_test_reply_get_string (logged_in, "user.organisation.holder_type"), ==, "trader");
  }

  /* An organisation with a pending application's BIN appears meanwhile
   * (the administrator registered it by hand): confirming then creates
   * nothing. */
  {
    g_autofree char *code = NULL;
    g_autofree char *bin = make_bin ("17064000001");
    g_autofree char *org_body = NULL;
    Application a;
    g_autoptr(KvotaTestReply) reply = NULL;
    g_autoptr(KvotaTestReply) taken = NULL;
    g_autoptr(KvotaTestReply) refused = NULL;
    g_autoptr(KvotaTestReply) still = NULL;
    g_autoptr(KvotaTestReply) login = NULL;
    gint64 id;

    create_key (f, NULL, &code);
    a = application_new (code, bin, "individual", "latecomer", f->pdf);
    reply = submit (f, &a);
    kvota_test_assert_status (reply, 201);
    id = kvota_test_reply_get_int (reply, "application.id");

    org_body = g_strdup_printf ("{\"name\": \"Latecomer (registered by hand)\", \"bin\": \"%s\", "
                                "\"holder_type\": \"individual\"}", bin);
    /* The pending application holds its BIN: nobody registers it by hand
     * meanwhile, and the application can still be confirmed. */
    before = take_counts (f);
    taken = kvota_test_server_request (f->server, "POST", "/api/v1/organisations", f->admin, org_body, -1);
    kvota_test_assert_error (taken, 409, "duplicate-bin");
    assert_counts (f, &before, "registering by hand a BIN a pending application holds");
    still = get_application (f, id);
    g_assert_cmpstr (kvota_test_reply_get_string (still, "application.state"), ==, "pending");
    login = kvota_test_server_login_as (f->server, "latecomer", "applicant-pass-2024");
    kvota_test_assert_error (login, 403, "application-pending");
    refused = decide (f, id, "confirm", NULL);
    kvota_test_assert_status (refused, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (refused, "application.state"), ==, "confirmed");
  }

  /* The journal tells the whole story. */
  audit = kvota_test_server_audit (f->server, f->admin);
  entry = 0;
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_autofree char *object = g_strdup_printf ("registration-key/%" G_GINT64_FORMAT, key_ids[i]);

      entry = kvota_test_audit_find (audit, entry, "registration-key.create", object);
      g_assert_cmpint (entry, >, 0);
    }
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_autofree char *object = g_strdup_printf ("application/%" G_GINT64_FORMAT, application_ids[i]);

      entry = kvota_test_audit_find (audit, entry, "application.submit", object);
      g_assert_cmpint (entry, >, 0);
    }
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_autofree char *object = g_strdup_printf ("application/%" G_GINT64_FORMAT, application_ids[i]);
      g_autofree char *organisation = g_strdup_printf ("organisation/%" G_GINT64_FORMAT, organisation_ids[i]);

      gint64 created;
      gint64 confirmed;

      if (i == TRADER)
        continue;
      /* The organisation and its user are made in the same transaction
       * as the decision, and journaled before it. */
      created = kvota_test_audit_find (audit, entry, "organisation.create", organisation);
      confirmed = kvota_test_audit_find (audit, entry, "application.confirm", object);
      g_assert_cmpint (created, >, 0);
      g_assert_cmpint (confirmed, >, created);
      g_assert_cmpint (kvota_test_audit_find (audit, created, "user.create", NULL), >, created);
      g_assert_cmpint (kvota_test_audit_find (audit, created, "user.create", NULL), <, confirmed);
      entry = confirmed;
    }
  {
    g_autofree char *object = g_strdup_printf ("application/%" G_GINT64_FORMAT, application_ids[TRADER]);

    g_assert_cmpint (kvota_test_audit_find (audit, entry, "application.decline", object), >, 0);
  }
  for (guint i = 0; i < N_COMPANIES; i++)
    {
      g_free (bins[i]);
      g_free (codes[i]);
    }
}

/* Forms of an application that must be accepted */

static void
test_registration_lenient (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autofree char *code = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *bin = make_bin ("16094000003");
  g_autofree char *spaced_bin = g_strdup_printf ("%.6s %.6s", bin, bin + 6);
  g_autofree char *code2 = NULL;
  g_autofree char *typed2 = NULL;
  g_autofree char *bin2 = make_bin ("16104000004");
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autoptr(KvotaTestReply) reply2 = NULL;
  Application a;
  gint64 key_id;
  gint64 key_id2;

  /* The key read over the phone and typed in lower case, with spaces
   * for dashes: codes ignore case, dashes and spaces. */
  key_id = create_key (f, NULL, &code);
  typed = g_ascii_strdown (code, -1);
  g_strdelimit (typed, "-", ' ');
  g_assert_cmpstr (typed, !=, code);
  a = application_new (typed, spaced_bin, "individual", "Lower.Case_User-1", f->pdf);
  /* A path is reduced to the file's own name. */
  a.document_name = "../../etc/passwd";
  reply = submit (f, &a);
  kvota_test_assert_status (reply, 201);
  assert_key_state (f, key_id, "used");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.document.name"), ==, "passwd");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.bin"), ==, bin);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "application.username"), ==, "Lower.Case_User-1");

  /* No separators at all, mixed case. */
  key_id2 = create_key (f, NULL, &code2);
  {
    g_autoptr(GString) bare = g_string_new (code2);

    g_string_replace (bare, "-", "", 0);
    for (gsize i = 0; i < bare->len; i += 2)
      bare->str[i] = g_ascii_tolower (bare->str[i]);
    typed2 = g_string_free (g_steal_pointer (&bare), FALSE);
  }
  a = application_new (typed2, bin2, "nature-user", "second-applicant", f->png);
  a.document_name = "C:/Users/director/Documents/заявка.png";
  reply2 = submit (f, &a);
  kvota_test_assert_status (reply2, 201);
  assert_key_state (f, key_id2, "used");
  g_assert_cmpstr (kvota_test_reply_get_string (reply2, "application.document.name"), ==, "заявка.png");

  /* The username is held whatever its case: the applicant logs in with
   * any case, as users do. */
  {
    g_autoptr(KvotaTestReply) login = kvota_test_server_login_as (f->server, "lower.case_user-1",
                                                                  "applicant-pass-2024");

    kvota_test_assert_error (login, 403, "application-pending");
  }
}

/* Applications that are refused, and change nothing */

typedef enum
{
  USE_KEY,          /* the fresh unused key */
  USE_USED,
  USE_REVOKED,
  USE_EXPIRED,
  USE_BOUND_BIN,
  USE_BOUND_TYPE,
  USE_TEXT,         /* the key member as written in the case */
} KeyChoice;

typedef struct
{
  const char *what;
  KeyChoice   key;
  const char *key_text;
  const char *member;     /* which member to change, or NULL */
  const char *value;      /* its new value; NULL leaves it out */
  guint       status;
  const char *code;
  const char *field;
} BadApplication;

#define PENDING_BIN   "{pending-bin}"
#define DOCUMENT_TEXT "{text}"
#define DOCUMENT_EXE  "{exe}"

static const BadApplication bad_applications[] = {
  { "a forged key", USE_TEXT, "HK4T-WQ9C-ACDE-FGHJ-KMNP-QRTU", NULL, NULL,
    400, "invalid-registration-key", "key" },
  { "a key with look-alike characters", USE_TEXT, "0OIL-1258-ACDE-FGHJ-KMNP-QRTU", NULL, NULL,
    400, "invalid-registration-key", "key" },
  { "an empty key", USE_TEXT, "", NULL, NULL, 400, "invalid-registration-key", "key" },
  { "a key used already", USE_USED, NULL, NULL, NULL, 409, "registration-key-used", "key" },
  { "a revoked key", USE_REVOKED, NULL, NULL, NULL, 409, "registration-key-revoked", "key" },
  { "an expired key", USE_EXPIRED, NULL, NULL, NULL, 410, "registration-key-expired", "key" },
  { "a key bound to another BIN", USE_BOUND_BIN, NULL, NULL, NULL, 409, "registration-key-mismatch", "key" },
  { "a key bound to another holder type", USE_BOUND_TYPE, NULL, NULL, NULL,
    409, "registration-key-mismatch", "key" },
  { "a key that is a number", USE_KEY, NULL, "key", "{number}", 400, "wrong-type", "key" },
  { "no key", USE_KEY, NULL, "key", NULL, 400, "missing-field", "key" },

  { "a BIN with a wrong check digit", USE_KEY, NULL, "bin", "170140000077", 400, "invalid-bin", "bin" },
  { "a BIN of eleven digits", USE_KEY, NULL, "bin", "17014000007", 400, "invalid-bin", "bin" },
  { "a BIN with letters", USE_KEY, NULL, "bin", "17014000007O", 400, "invalid-bin", "bin" },
  { "the BIN of an organisation", USE_KEY, NULL, "bin", KVOTA_TEST_BIN_A, 409, "duplicate-bin", "bin" },
  { "the BIN of a pending application", USE_KEY, NULL, "bin", PENDING_BIN, 409, "duplicate-bin", "bin" },

  { "the username of a user", USE_KEY, NULL, "username", "rep-a", 409, "duplicate-username", "username" },
  { "the username of a user in capitals", USE_KEY, NULL, "username", "REP-A",
    409, "duplicate-username", "username" },
  { "the username of a pending application", USE_KEY, NULL, "username", "pending-applicant",
    409, "duplicate-username", "username" },
  { "a username with a space", USE_KEY, NULL, "username", "new applicant", 400, "invalid-value", "username" },
  { "a one-letter username", USE_KEY, NULL, "username", "x", 400, "invalid-value", "username" },

  { "a weak password", USE_KEY, NULL, "password", "short-pw", 400, "weak-password", "password" },

  { "an empty document", USE_KEY, NULL, "document", "", 400, "invalid-document", "document" },
  { "a document that is not base64", USE_KEY, NULL, "document", "%PDF-1.4 this is not base64!",
    400, "invalid-document", "document" },
  { "base64 with padding inside", USE_KEY, NULL, "document", "JVBE=i0xLjQK", 400, "invalid-document", "document" },
  { "base64 with a bad length", USE_KEY, NULL, "document", "JVBERi0xLjQ", 400, "invalid-document", "document" },
  { "a text file", USE_KEY, NULL, "document", DOCUMENT_TEXT, 400, "invalid-document", "document" },
  { "a Windows program", USE_KEY, NULL, "document", DOCUMENT_EXE, 400, "invalid-document", "document" },
  { "no document", USE_KEY, NULL, "document", NULL, 400, "missing-field", "document" },

  { "neither name", USE_KEY, NULL, "names", NULL, 400, "missing-field", "name_ru" },
  { "an empty Russian name", USE_KEY, NULL, "name_ru", "", 400, "invalid-value", "name_ru" },
  { "a blank Kazakh name", USE_KEY, NULL, "name_kk", "   ", 400, "invalid-value", "name_kk" },
  { "an e-mail without @", USE_KEY, NULL, "email", "office.zhasyl-dala.kz", 400, "invalid-value", "email" },
  { "an e-mail without a domain", USE_KEY, NULL, "email", "office@localhost", 400, "invalid-value", "email" },
  { "an e-mail with a space", USE_KEY, NULL, "email", "office @zhasyl-dala.kz", 400, "invalid-value", "email" },
  { "a phone in words", USE_KEY, NULL, "phone", "call the office", 400, "invalid-value", "phone" },
  { "a phone too short", USE_KEY, NULL, "phone", "55-01", 400, "invalid-value", "phone" },
  { "a blank address", USE_KEY, NULL, "address", " ", 400, "invalid-value", "address" },
  { "an address with a bell", USE_KEY, NULL, "address", "Kabanbay Batyr 11\a", 400, "invalid-value", "address" },
  { "no address", USE_KEY, NULL, "address", NULL, 400, "missing-field", "address" },
  { "a blank representative", USE_KEY, NULL, "representative_name", "  ", 400, "invalid-value",
    "representative_name" },
  { "a blank position", USE_KEY, NULL, "representative_position", "", 400, "invalid-value",
    "representative_position" },
  { "the registry's holder type", USE_KEY, NULL, "holder_type", "registry", 400, "invalid-value", "holder_type" },
  { "the Ministry's holder type", USE_KEY, NULL, "holder_type", "ministry", 400, "invalid-value", "holder_type" },
  { "an unknown holder type", USE_KEY, NULL, "holder_type", "bank", 400, "invalid-value", "holder_type" },
  { "a document name that is a directory", USE_KEY, NULL, "document_name", "../", 400, "invalid-value",
    "document_name" },
  { "an empty document name", USE_KEY, NULL, "document_name", "", 400, "invalid-value", "document_name" },
  { "a document name with a quote", USE_KEY, NULL, "document_name", "a\"b.pdf", 400, "invalid-value",
    "document_name" },
  { "a member the route does not take", USE_KEY, NULL, "surplus", "organisation_id", 400, "unknown-field",
    "organisation_id" },
};

typedef struct
{
  char   *key;             /* fresh and unused */
  gint64  key_id;
  char   *used;
  gint64  used_id;
  char   *revoked;
  gint64  revoked_id;
  char   *bound_bin;
  char   *bound_type;
  char   *bin;             /* valid and free */
  char   *pending_bin;
} Keys;

static void
run_bad_application (Fixture              *f,
                     Keys                 *keys,
                     const BadApplication *bad,
                     const Counts         *before)
{
  Application a = application_new (keys->key, keys->bin, "individual", "new-applicant", f->pdf);
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *body = NULL;

  g_test_message ("%s", bad->what);

  switch (bad->key)
    {
    case USE_KEY: break;
    case USE_USED: a.key = keys->used; break;
    case USE_REVOKED: a.key = keys->revoked; break;
    case USE_EXPIRED: a.key = f->expired_code; break;
    case USE_BOUND_BIN: a.key = keys->bound_bin; break;
    case USE_BOUND_TYPE: a.key = keys->bound_type; break;
    case USE_TEXT: a.key = bad->key_text; break;
    default: g_assert_not_reached ();
    }

  if (bad->member != NULL)
    {
      const char *value = bad->value;

      if (g_strcmp0 (value, PENDING_BIN) == 0)
        value = keys->pending_bin;
      else if (g_strcmp0 (value, DOCUMENT_TEXT) == 0)
        value = f->text;
      else if (g_strcmp0 (value, DOCUMENT_EXE) == 0)
        value = f->exe;

      if (strcmp (bad->member, "key") == 0) a.key = value;
      else if (strcmp (bad->member, "bin") == 0) a.bin = value;
      else if (strcmp (bad->member, "username") == 0) a.username = value;
      else if (strcmp (bad->member, "password") == 0) a.password = value;
      else if (strcmp (bad->member, "document") == 0) a.document = value;
      else if (strcmp (bad->member, "document_name") == 0) a.document_name = value;
      else if (strcmp (bad->member, "name_ru") == 0) { a.name_ru = value; a.name_kk = NULL; }
      else if (strcmp (bad->member, "name_kk") == 0) { a.name_kk = value; a.name_ru = NULL; }
      else if (strcmp (bad->member, "names") == 0) { a.name_kk = NULL; a.name_ru = NULL; }
      else if (strcmp (bad->member, "email") == 0) a.email = value;
      else if (strcmp (bad->member, "phone") == 0) a.phone = value;
      else if (strcmp (bad->member, "address") == 0) a.address = value;
      else if (strcmp (bad->member, "representative_name") == 0) a.representative_name = value;
      else if (strcmp (bad->member, "representative_position") == 0) a.representative_position = value;
      else if (strcmp (bad->member, "holder_type") == 0) a.holder_type = value;
      else if (strcmp (bad->member, "surplus") == 0) a.surplus = value;
      else g_error ("No member “%s”", bad->member);
    }

  body = application_body (&a);
  if (g_strcmp0 (bad->value, "{number}") == 0)
    {
      /* The key as a JSON number rather than a string. */
      g_autoptr(GString) text = g_string_new (body);
      g_autofree char *member = NULL;

      a.key = keys->key;
      g_free (body);
      body = application_body (&a);
      g_string_assign (text, body);
      member = g_strdup_printf ("\"key\":\"%s\"", keys->key);
      g_assert_cmpuint (g_string_replace (text, member, "\"key\":1234", 1), ==, 1);
      g_free (body);
      body = g_string_free (g_steal_pointer (&text), FALSE);
    }

  reply = kvota_test_server_request (f->server, "POST", APPLICATIONS, NULL, body, -1);
  kvota_test_assert_error (reply, bad->status, bad->code);
  if (bad->field != NULL)
    assert_field (reply, bad->field);

  /* The refused application used up nothing and left no trace. */
  assert_key_state (f, keys->key_id, "unused");
  assert_key_state (f, keys->used_id, "used");
  assert_key_state (f, keys->revoked_id, "revoked");
  assert_counts (f, before, bad->what);
}

static void
test_registration_bad_input (Fixture       *f,
                             gconstpointer  user_data)
{
  Keys keys = { NULL, };
  g_autofree char *bound_bin_body = NULL;
  g_autofree char *other_bin = make_bin ("16114000005");
  Counts before;

  keys.bin = make_bin ("16124000006");
  keys.pending_bin = make_bin ("17024000003");

  /* A pending application holds its BIN and its username. */
  {
    g_autoptr(KvotaTestReply) reply = NULL;
    Application a;

    keys.used_id = create_key (f, NULL, &keys.used);
    a = application_new (keys.used, keys.pending_bin, "nature-user", "pending-applicant", f->pdf);
    reply = submit (f, &a);
    kvota_test_assert_status (reply, 201);
  }

  keys.revoked_id = create_key (f, NULL, &keys.revoked);
  {
    g_autofree char *path = g_strdup_printf (KEYS "/%" G_GINT64_FORMAT "/revoke", keys.revoked_id);
    g_autoptr(KvotaTestReply) revoked = kvota_test_server_request (f->server, "POST", path, f->admin, NULL, 0);

    kvota_test_assert_status (revoked, 200);
  }
  bound_bin_body = g_strdup_printf ("{\"bin\": \"%s\"}", other_bin);
  create_key (f, bound_bin_body, &keys.bound_bin);
  create_key (f, "{\"holder_type\": \"nature-user\"}", &keys.bound_type);
  keys.key_id = create_key (f, NULL, &keys.key);

  before = take_counts (f);
  for (guint i = 0; i < G_N_ELEMENTS (bad_applications); i++)
    run_bad_application (f, &keys, &bad_applications[i], &before);

  /* The same application with the fresh key goes through: only the
   * faults above were wrong. */
  {
    Application a = application_new (keys.key, keys.bin, "individual", "new-applicant", f->pdf);
    g_autoptr(KvotaTestReply) reply = submit (f, &a);

    kvota_test_assert_status (reply, 201);
    assert_key_state (f, keys.key_id, "used");
  }

  g_free (keys.key);
  g_free (keys.used);
  g_free (keys.revoked);
  g_free (keys.bound_bin);
  g_free (keys.bound_type);
  g_free (keys.bin);
  g_free (keys.pending_bin);
}

/* Documents at and over 10 MB */

static char *
big_document (gsize size)
{
  g_autofree guchar *data = g_malloc (size);
  char *encoded;

  memset (data, ' ', size);
  memcpy (data, pdf_document, sizeof pdf_document - 1);
  encoded = g_base64_encode (data, size);

  return encoded;
}

static void
test_registration_large_document (Fixture       *f,
                                  gconstpointer  user_data)
{
  g_autofree char *code = NULL;
  g_autofree char *over = big_document (10 * 1024 * 1024 + 1);
  g_autofree char *at_limit = NULL;
  g_autofree char *body = NULL;
  g_autofree char *bin = make_bin ("17034000009");
  g_autoptr(KvotaTestReply) refused = NULL;
  g_autoptr(KvotaTestReply) accepted = NULL;
  g_autoptr(KvotaTestReply) download = NULL;
  g_autoptr(GString) huge = NULL;
  g_autoptr(KvotaTestReply) too_big = NULL;
  Application a;
  Counts before;
  gint64 key_id;

  key_id = create_key (f, NULL, &code);
  before = take_counts (f);

  /* One byte over 10 MB: refused by its decoded size, although the
   * request is within the route's limit. */
  a = application_new (code, bin, "nature-user", "big-documents", over);
  body = application_body (&a);
  g_assert_cmpuint (strlen (body), <, 14 * 1000 * 1000);
  refused = kvota_test_server_request (f->server, "POST", APPLICATIONS, NULL, body, -1);
  kvota_test_assert_error (refused, 413, "document-too-large");
  assert_field (refused, "document");
  assert_key_state (f, key_id, "unused");
  assert_counts (f, &before, "a document over 10 MB");
  g_clear_pointer (&body, g_free);

  /* A body over the route's limit is refused before it is read. */
  huge = g_string_sized_new (15 * 1024 * 1024);
  g_string_append (huge, "{\"document\": \"");
  g_string_append (huge, over);
  g_string_append (huge, over + strlen (over) - 1024 * 1024);
  g_string_append (huge, "\"}");
  too_big = kvota_test_server_request (f->server, "POST", APPLICATIONS, NULL, huge->str, huge->len);
  kvota_test_assert_error (too_big, 413, "body-too-large");
  assert_key_state (f, key_id, "unused");
  assert_counts (f, &before, "a body over the route's limit");

  /* Exactly 10 MB is accepted, and comes back whole. */
  g_clear_pointer (&over, g_free);
  at_limit = big_document (10 * 1024 * 1024);
  a = application_new (code, bin, "nature-user", "big-documents", at_limit);
  body = application_body (&a);
  accepted = kvota_test_server_request (f->server, "POST", APPLICATIONS, NULL, body, -1);
  kvota_test_assert_status (accepted, 201);
  g_assert_cmpint (kvota_test_reply_get_int (accepted, "application.document.size"), ==, 10 * 1024 * 1024);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/documents/%s",
                                             kvota_test_reply_get_string (accepted, "application.document.sha256"));
    g_autofree char *sha256 = NULL;

    download = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
    kvota_test_assert_status (download, 200);
    g_assert_cmpuint (g_bytes_get_size (download->body), ==, 10 * 1024 * 1024);
    sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, download->body);
    g_assert_cmpstr (sha256, ==, kvota_test_reply_get_string (accepted, "application.document.sha256"));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/registration/keys", Fixture, NULL,
              fixture_set_up, test_registration_keys, fixture_tear_down);
  g_test_add ("/server/registration/journey", Fixture, NULL,
              fixture_set_up, test_registration_journey, fixture_tear_down);
  g_test_add ("/server/registration/lenient", Fixture, NULL,
              fixture_set_up, test_registration_lenient, fixture_tear_down);
  g_test_add ("/server/registration/bad-input", Fixture, NULL,
              fixture_set_up, test_registration_bad_input, fixture_tear_down);
  g_test_add ("/server/registration/large-document", Fixture, NULL,
              fixture_set_up, test_registration_large_document, fixture_tear_down);

  return g_test_run ();
}
