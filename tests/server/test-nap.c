/* test-nap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-nap"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kvota-error.h"
#include "kvota-nap.h"
#include "kvota-workbook.h"
#include "kvota-test-server.h"

/* National Allocation Plans over HTTP, as the administrator's client
 * sends them: the original workbook and the plan it read from it, read
 * here in-process with the core library exactly as the desktop client
 * does. Upload, preview, download, apply, amendments, quotas that wait
 * for their operator's registration, discarded drafts, and every way an
 * upload can be wrong, none of which changes anything. The ledger must
 * balance and the audit journal stay intact after every step. */

#define NAPS "/api/v1/naps"

/* Operators of the sample plans (data/make-sample-naps.py). The test
 * registry's own nature user, "Pavlodar CHP (test)", has the BIN the
 * plans give to «Павлодарская ТЭЦ». */
#define BIN_PAVLODAR  KVOTA_TEST_BIN_NATURE  /* «Павлодарская ТЭЦ», second line */
#define BIN_SEVERNAYA "090240001070"         /* «Северная ТЭЦ», first line */
#define BIN_STEPNAYA  "110440001212"         /* «Степная ГРЭС», two installations */
#define BIN_KASPIY    "130640001352"         /* «Каспий Мунай» */

/* What nap-2014-amended.xls changes in nap-2014.xls. */
#define AMENDMENT_SEVERNAYA  125000
#define AMENDMENT_PAVLODAR  (-20000)

#define CONTENT_TYPE_XLS  "application/vnd.ms-excel"
#define CONTENT_TYPE_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define CONTENT_TYPE_ODS  "application/vnd.oasis.opendocument.spreadsheet"

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *ministry;
  char            *rep_nature;
  char            *acct_nature;
} Fixture;

/* A plan file as the client holds it: the bytes it sends, and the plan
 * it read from them. */
typedef struct
{
  char     *name;
  GBytes   *bytes;
  char     *base64;
  char     *sha256;
  KvotaNap *nap;
  JsonNode *plan;       /* kvota_nap_to_json (nap, FALSE) */
} PlanFile;

typedef struct
{
  gint64 issued;
  gint64 held;
  gint64 surrendered;
  gint64 cancelled;
} Total;

/* Everything a refused request must leave as it was. */
typedef struct
{
  char  *naps;          /* "id:version:state " of every plan */
  guint  audit;
  char  *ledger;
} Snapshot;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  f->server = kvota_test_server_new ();
  kvota_test_server_start (f->server, NULL);
  f->admin = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN);
  f->ministry = kvota_test_server_login (f->server, KVOTA_TEST_MINISTRY);
  f->rep_nature = kvota_test_server_login (f->server, KVOTA_TEST_REP_NATURE);
  f->acct_nature = kvota_test_server_login (f->server, KVOTA_TEST_ACCT_NATURE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  user_data)
{
  g_free (f->admin);
  g_free (f->ministry);
  g_free (f->rep_nature);
  g_free (f->acct_nature);
  g_clear_pointer (&f->server, kvota_test_server_free);
}

/* Plan files */

static void
plan_file_free (PlanFile *file)
{
  if (file == NULL)
    return;

  g_free (file->name);
  g_clear_pointer (&file->bytes, g_bytes_unref);
  g_free (file->base64);
  g_free (file->sha256);
  g_clear_object (&file->nap);
  g_clear_pointer (&file->plan, json_node_unref);
  g_free (file);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlanFile, plan_file_free)

static PlanFile *
plan_file_new_from_bytes (const char *name,
                          GBytes     *bytes)
{
  PlanFile *file = g_new0 (PlanFile, 1);
  gsize length;
  gconstpointer data = g_bytes_get_data (bytes, &length);

  file->name = g_strdup (name);
  file->bytes = g_bytes_ref (bytes);
  file->base64 = g_base64_encode (data, length);
  file->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  return file;
}

/* Reads DIRECTORY/NAME (relative to the top of the source tree) as the
 * client does: kvota_workbook_open(), kvota_nap_read(), and the plan as
 * kvota_nap_to_json (nap, FALSE) gives it. Returns NULL with ERROR if the
 * core library cannot read the file. */
static PlanFile *
plan_file_load (const char  *directory,
                const char  *name,
                GError     **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", directory, name, NULL);
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(PlanFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &local_error);
  g_assert_no_error (local_error);
  bytes = g_bytes_new_take (contents, length);
  file = plan_file_new_from_bytes (name, bytes);

  if ((workbook = kvota_workbook_open (path, error)) == NULL ||
      (file->nap = kvota_nap_read (workbook, NULL, error)) == NULL)
    return NULL;

  file->plan = kvota_nap_to_json (file->nap, FALSE);

  return g_steal_pointer (&file);
}

/* Like plan_file_load(), for the files the core library reads today. */
static PlanFile *
plan_file_read (const char *directory,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  PlanFile *file = plan_file_load (directory, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);

  return file;
}

static guint
year_index (KvotaNap *nap,
            int       year)
{
  GArray *years = kvota_nap_get_years (nap);

  for (guint y = 0; y < years->len; y++)
    if (g_array_index (years, int, y) == year)
      return y;

  g_error ("The plan has no year %d", year);
}

/* What the plan allocates to BIN for YEAR, over all its installations. */
static gint64
allocation_of (KvotaNap   *nap,
               const char *bin,
               int         year)
{
  GPtrArray *lines = kvota_nap_get_lines (nap);
  guint y = year_index (nap, year);
  gint64 sum = 0;
  gboolean found = FALSE;

  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);

      if (line->reserve || g_strcmp0 (line->bin, bin) != 0)
        continue;
      sum += g_array_index (line->allocations, KvotaQuantity, y);
      found = TRUE;
    }

  g_assert_true (found);
  return sum;
}

/* What the plan allocates for YEAR to installations, reserves left out. */
static gint64
allocated (KvotaNap *nap,
           int       year)
{
  GPtrArray *lines = kvota_nap_get_lines (nap);
  guint y = year_index (nap, year);
  gint64 sum = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);

      if (!line->reserve)
        sum += g_array_index (line->allocations, KvotaQuantity, y);
    }

  return sum;
}

/* The distinct BINs of the plan's installations, each with the row of its
 * first line. */
static GHashTable *
first_rows (KvotaNap *nap)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *lines = kvota_nap_get_lines (nap);

  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);

      if (!line->reserve && !g_hash_table_contains (rows, line->bin))
        g_hash_table_insert (rows, g_strdup (line->bin), GUINT_TO_POINTER (line->row));
    }

  return rows;
}

/* Requests */

static JsonObject *
upload_object (const PlanFile *file,
               gint64          first_year,
               gint64          last_year)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "first_year", first_year);
  json_object_set_int_member (object, "last_year", last_year);
  json_object_set_string_member (object, "file_name", file->name);
  json_object_set_string_member (object, "file", file->base64);
  if (file->plan != NULL)
    json_object_set_member (object, "plan", json_node_copy (file->plan));

  return object;
}

static char *
object_to_body (JsonObject *object)
{
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static KvotaTestReply *
send_object (Fixture    *f,
             const char *token,
             JsonObject *object)
{
  g_autofree char *body = object_to_body (object);

  return kvota_test_server_request (f->server, "POST", NAPS, token, body, -1);
}

static KvotaTestReply *
upload_as (Fixture        *f,
           const char     *token,
           const PlanFile *file,
           gint64          first_year,
           gint64          last_year)
{
  g_autoptr(JsonObject) object = upload_object (file, first_year, last_year);

  return send_object (f, token, object);
}

/* Uploads FILE as the administrator; it must be accepted. */
static gint64
upload (Fixture        *f,
        const PlanFile *file,
        gint64          first_year,
        gint64          last_year,
        gint64          version)
{
  g_autoptr(KvotaTestReply) reply = upload_as (f, f->admin, file, first_year, last_year);

  kvota_test_assert_status (reply, 201);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "nap.version"), ==, version);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "nap.state"), ==, "draft");

  return kvota_test_reply_get_int (reply, "nap.id");
}

static KvotaTestReply *
post_nap (Fixture    *f,
          const char *token,
          gint64      id,
          const char *action)
{
  g_autofree char *path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT "/%s", id, action);

  return kvota_test_server_request (f->server, "POST", path, token, NULL, 0);
}

static KvotaTestReply *
get_nap (Fixture    *f,
         const char *token,
         gint64      id)
{
  g_autofree char *path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT, id);

  return kvota_test_server_request (f->server, "GET", path, token, NULL, 0);
}

static void
assert_nap_state (Fixture    *f,
                  gint64      id,
                  const char *state)
{
  g_autoptr(KvotaTestReply) reply = get_nap (f, f->admin, id);

  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "nap.state"), ==, state);
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

static void
assert_time_now (const char *text)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan off;

  g_assert_nonnull (time);
  g_assert_true (g_str_has_suffix (text, "Z"));
  off = g_date_time_difference (now, time);
  g_assert_cmpint (off, >, -G_TIME_SPAN_MINUTE);
  g_assert_cmpint (off, <, G_TIME_SPAN_MINUTE);
}

/* POST /api/v1/organisations as the administrator. Returns its account. */
static char *
register_organisation (Fixture    *f,
                       const char *name,
                       const char *bin,
                       const char *holder_type)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *body = NULL;
  JsonNode *account;

  json_object_set_string_member (object, "name", name);
  json_object_set_string_member (object, "bin", bin);
  json_object_set_string_member (object, "holder_type", holder_type);
  body = object_to_body (object);

  reply = kvota_test_server_request (f->server, "POST", "/api/v1/organisations", f->admin, body, -1);
  kvota_test_assert_status (reply, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "organisation.bin"), ==, bin);

  account = kvota_test_reply_lookup (reply, "organisation.account");
  return JSON_NODE_HOLDS_NULL (account) ? NULL : g_strdup (json_node_get_string (account));
}

/* The account's holding of quotas of VINTAGE (zero if it has none);
 * returns how many holdings the account lists in all. */
static guint
get_holding (Fixture      *f,
             const char   *token,
             const char   *account,
             int           vintage,
             KvotaHolding *holding)
{
  return kvota_test_server_get_holding (f->server, token, account, "quota", vintage, holding);
}

/* The account holds exactly AVAILABLE quotas of VINTAGE, with CANCELLED
 * withdrawn, nothing reserved, pending or surrendered; and N_VINTAGES
 * holdings in all. */
static void
assert_holding (Fixture    *f,
                const char *token,
                const char *account,
                int         vintage,
                gint64      available,
                gint64      cancelled,
                guint       n_vintages)
{
  KvotaHolding holding;
  guint n = get_holding (f, token, account, vintage, &holding);

  g_assert_cmpuint (n, ==, n_vintages);
  g_assert_cmpint (holding.available, ==, available);
  g_assert_cmpint (holding.reserved, ==, 0);
  g_assert_cmpint (holding.pending, ==, 0);
  g_assert_cmpint (holding.surrendered, ==, 0);
  g_assert_cmpint (holding.cancelled, ==, cancelled);
}

static void
assert_no_holdings (Fixture    *f,
                    const char *account)
{
  KvotaHolding holding;

  g_assert_cmpuint (get_holding (f, f->admin, account, 2014, &holding), ==, 0);
}

/* GET /api/v1/ledger must balance; returns the quota totals of VINTAGE. */
static Total
ledger_total (Fixture *f,
              int      vintage)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *body = kvota_test_server_ledger (f->server, f->admin);
  Total total = { 0, };
  JsonArray *totals;

  reply = kvota_test_server_request (f->server, "GET", "/api/v1/ledger", f->ministry, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_true (kvota_test_reply_get_boolean (reply, "balanced"));

  totals = json_node_get_array (kvota_test_reply_lookup (reply, "totals"));
  for (guint i = 0; i < json_array_get_length (totals); i++)
    {
      JsonObject *object = json_array_get_object_element (totals, i);

      if (g_strcmp0 (json_object_get_string_member (object, "unit_type"), "quota") != 0 ||
          json_object_get_int_member (object, "vintage") != vintage)
        continue;

      total.issued = json_object_get_int_member (object, "issued");
      total.held = json_object_get_int_member (object, "held");
      total.surrendered = json_object_get_int_member (object, "surrendered");
      total.cancelled = json_object_get_int_member (object, "cancelled");
    }

  g_assert_cmpint (total.issued, ==, total.held + total.surrendered + total.cancelled);
  return total;
}

static void
assert_ledger (Fixture *f,
               int      vintage,
               gint64   issued,
               gint64   cancelled)
{
  Total total = ledger_total (f, vintage);

  g_assert_cmpint (total.issued, ==, issued);
  g_assert_cmpint (total.cancelled, ==, cancelled);
  g_assert_cmpint (total.held, ==, issued - cancelled);
  g_assert_cmpint (total.surrendered, ==, 0);
}

static Snapshot
take_snapshot (Fixture *f)
{
  g_autoptr(KvotaTestReply) list = kvota_test_server_request (f->server, "GET", NAPS, f->admin, NULL, 0);
  g_autoptr(GString) naps = g_string_new (NULL);
  Snapshot snapshot;
  guint n;

  kvota_test_assert_status (list, 200);
  n = kvota_test_reply_get_length (list, "naps");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("naps.%u.", i);
      g_autofree char *id = g_strconcat (prefix, "id", NULL);
      g_autofree char *version = g_strconcat (prefix, "version", NULL);
      g_autofree char *state = g_strconcat (prefix, "state", NULL);

      g_string_append_printf (naps, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%s ",
                              kvota_test_reply_get_int (list, id),
                              kvota_test_reply_get_int (list, version),
                              kvota_test_reply_get_string (list, state));
    }

  snapshot.naps = g_string_free (g_steal_pointer (&naps), FALSE);
  snapshot.audit = kvota_test_server_count_audit (f->server, f->admin);
  snapshot.ledger = kvota_test_server_ledger (f->server, f->admin);

  return snapshot;
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->naps, g_free);
  g_clear_pointer (&snapshot->ledger, g_free);
}

static void
assert_unchanged (Fixture        *f,
                  const Snapshot *before,
                  const char     *what)
{
  Snapshot after = take_snapshot (f);

  if (g_strcmp0 (after.naps, before->naps) != 0)
    g_error ("“%s” changed the plans from [%s] to [%s]", what, before->naps, after.naps);
  if (after.audit != before->audit)
    g_error ("“%s” added %d entries to the audit journal", what, (int) after.audit - (int) before->audit);
  if (g_strcmp0 (after.ledger, before->ledger) != 0)
    g_error ("“%s” changed the ledger from %s to %s", what, before->ledger, after.ledger);

  snapshot_clear (&after);
}

/* The original file was not kept: a refused upload stores nothing. */
static void
assert_not_stored (Fixture        *f,
                   const PlanFile *file)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/documents/%s", file->sha256);

  reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
  kvota_test_assert_error (reply, 404, "not-found");
}

/* The audit journal */

static JsonObject *
audit_entry (JsonArray *entries,
             gint64     id)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (json_object_get_int_member (entry, "id") == id)
        return entry;
    }

  g_error ("No audit entry %" G_GINT64_FORMAT, id);
}

/* Finds ACTION on OBJECT after AFTER, by the administrator; returns its id. */
static gint64
assert_audit (JsonArray  *entries,
              gint64      after,
              const char *action,
              const char *object)
{
  gint64 id = kvota_test_audit_find (entries, after, action, object);

  if (id == 0)
    g_error ("The audit journal has no “%s” of %s after entry %" G_GINT64_FORMAT, action,
             object != NULL ? object : "anything", after);
  g_assert_cmpstr (json_object_get_string_member (audit_entry (entries, id), "actor"), ==, "admin");

  return id;
}

static char *
nap_object (gint64 id)
{
  return g_strdup_printf ("nap/%" G_GINT64_FORMAT, id);
}

/* The ledger entries ACTION between the entries FIRST and LAST, for
 * ACCOUNT's quotas (any account's if NULL): their number, and in QUANTITY
 * the units they moved. */
static guint
count_ledger_entries (JsonArray  *entries,
                      gint64      first,
                      gint64      last,
                      const char *action,
                      const char *account,
                      gint64     *quantity)
{
  guint count = 0;

  *quantity = 0;
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      gint64 id = json_object_get_int_member (entry, "id");
      JsonObject *transaction;

      if (id <= first || id >= last || g_strcmp0 (json_object_get_string_member (entry, "action"), action) != 0)
        continue;

      g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "object"), "transaction/"));
      transaction = json_object_get_object_member (entry, "after");
      g_assert_cmpstr (json_object_get_string_member (transaction, "unit_type"), ==, "quota");
      g_assert_cmpstr (json_object_get_string_member (transaction, "state"), ==, "completed");
      if (account != NULL &&
          g_strcmp0 (json_object_get_string_member (transaction,
                                                    g_str_equal (action, "ledger.issue") ? "to_account" : "from_account"),
                     account) != 0)
        continue;
      *quantity += json_object_get_int_member (transaction, "quantity");
      count++;
    }

  return count;
}

/* Upload: the draft, its warnings, the list, the file */

/* The draft's plan is the plan sent, with a warning for every BIN that no
 * registered nature user has, at the BIN's first row, and for no other. */
static void
assert_draft_plan (KvotaTestReply     *reply,
                   const char         *prefix,
                   const PlanFile     *file,
                   const char * const *registered)
{
  g_autoptr(GHashTable) expected = first_rows (file->nap);
  g_autofree char *plan_path = g_strconcat (prefix, "plan", NULL);
  JsonNode *plan = kvota_test_reply_lookup (reply, plan_path);
  JsonObject *sent = json_node_get_object (file->plan);
  JsonObject *kept = json_node_get_object (plan);
  JsonArray *findings;
  guint n_expected;

  g_assert_true (json_node_equal (json_object_get_member (kept, "lines"), json_object_get_member (sent, "lines")));
  g_assert_true (json_node_equal (json_object_get_member (kept, "years"), json_object_get_member (sent, "years")));
  g_assert_cmpstr (json_object_get_string_member (kept, "sheet"), ==, json_object_get_string_member (sent, "sheet"));

  for (guint i = 0; registered[i] != NULL; i++)
    g_assert_true (g_hash_table_remove (expected, registered[i]));
  n_expected = g_hash_table_size (expected);

  findings = json_object_get_array_member (kept, "findings");
  g_assert_cmpuint (json_array_get_length (findings), ==, n_expected);
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);
      guint row = (guint) json_object_get_int_member (finding, "row");
      const char *message = json_object_get_string_member (finding, "message");
      GHashTableIter iter;
      gpointer bin, first_row;
      gboolean found = FALSE;

      g_assert_cmpstr (json_object_get_string_member (finding, "code"), ==, "unregistered-operator");
      g_assert_cmpstr (json_object_get_string_member (finding, "severity"), ==, "warning");

      g_hash_table_iter_init (&iter, expected);
      while (!found && g_hash_table_iter_next (&iter, &bin, &first_row))
        if (GPOINTER_TO_UINT (first_row) == row)
          {
            /* The sentence names the BIN, so that the preview can say who. */
            g_assert_nonnull (strstr (message, bin));
            g_hash_table_iter_remove (&iter);
            found = TRUE;
          }

      if (!found)
        g_error ("A warning for row %u, which is not the first line of an unregistered BIN: %s", row, message);
    }

  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
}

static void
assert_upload_reply (KvotaTestReply     *reply,
                     const PlanFile     *file,
                     int                 first_year,
                     int                 last_year,
                     int                 version,
                     const char * const *registered)
{
  kvota_test_assert_status (reply, 201);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "nap.id"), >, 0);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "nap.first_year"), ==, first_year);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "nap.last_year"), ==, last_year);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "nap.version"), ==, version);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "nap.state"), ==, "draft");
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "nap.file_sha256"), ==, file->sha256);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "nap.file_name"), ==, file->name);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "nap.created_by"), ==, "admin");
  assert_time_now (kvota_test_reply_get_string (reply, "nap.created"));
  g_assert_true (is_null (reply, "nap.decided_by"));
  g_assert_true (is_null (reply, "nap.decided"));
  assert_draft_plan (reply, "nap.", file, registered);
}

/* GET /api/v1/naps/{id}/file gives back the very bytes uploaded. */
static void
assert_download (Fixture        *f,
                 const char     *token,
                 gint64          id,
                 const PlanFile *file,
                 const char     *content_type)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  g_autofree char *path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT "/file", id);
  g_autofree char *sha256 = NULL;
  g_autofree char *disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", file->name);

  reply = kvota_test_server_request (f->server, "GET", path, token, NULL, 0);
  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, content_type);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Content-Disposition"), ==, disposition);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpmem (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body),
                   g_bytes_get_data (file->bytes, NULL), g_bytes_get_size (file->bytes));
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, reply->body);
  g_assert_cmpstr (sha256, ==, file->sha256);
}

/* The whole life of the 2014 plan */

static void
test_nap_lifecycle (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autoptr(PlanFile) plan = plan_file_read ("data", "nap-2014.xls");
  g_autoptr(PlanFile) amended = plan_file_read ("tests/data", "nap-2014-amended.xls");
  const char * const registered_first[] = { BIN_PAVLODAR, NULL };
  const char * const registered_then[] = { BIN_PAVLODAR, BIN_SEVERNAYA, NULL };
  g_autoptr(KvotaTestReply) empty = NULL;
  g_autoptr(KvotaTestReply) uploaded = NULL;
  g_autoptr(KvotaTestReply) applied = NULL;
  g_autoptr(KvotaTestReply) amendment = NULL;
  g_autoptr(KvotaTestReply) amendment_applied = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *trader_account = NULL;
  g_autofree char *severnaya_account = NULL;
  g_autofree char *stepnaya_account = NULL;
  g_autofree char *object = NULL;
  g_autofree char *amendment_object = NULL;
  const char *nature = f->server->account_nature;
  gint64 pavlodar = allocation_of (plan->nap, BIN_PAVLODAR, 2014);
  gint64 severnaya = allocation_of (plan->nap, BIN_SEVERNAYA, 2014);
  gint64 pavlodar_amended = allocation_of (amended->nap, BIN_PAVLODAR, 2014);
  gint64 severnaya_amended = allocation_of (amended->nap, BIN_SEVERNAYA, 2014);
  gint64 stepnaya_amended = allocation_of (amended->nap, BIN_STEPNAYA, 2014);
  gint64 issued_total;
  gint64 quantity;
  gint64 upload_entry, apply_entry, register_entry, amend_entry, amend_apply_entry, entry;
  gint64 id, amendment_id;
  Snapshot before;

  /* What make-sample-naps.py wrote, as the client reads it. */
  g_assert_cmpuint (kvota_nap_get_lines (plan->nap)->len, ==, 17 + 2);
  {
    g_autoptr(GHashTable) operators = first_rows (plan->nap);

    g_assert_cmpuint (g_hash_table_size (operators), ==, 16);
  }
  g_assert_cmpuint (kvota_nap_get_findings (plan->nap)->len, ==, 0);
  g_assert_cmpint (pavlodar, ==, 3951765);
  g_assert_cmpint (severnaya_amended - severnaya, ==, AMENDMENT_SEVERNAYA);
  g_assert_cmpint (pavlodar_amended - pavlodar, ==, AMENDMENT_PAVLODAR);
  g_assert_cmpint (allocated (amended->nap, 2014) - allocated (plan->nap, 2014), ==,
                   AMENDMENT_SEVERNAYA + AMENDMENT_PAVLODAR);

  /* No plan yet. */
  empty = kvota_test_server_request (f->server, "GET", NAPS, f->admin, NULL, 0);
  kvota_test_assert_status (empty, 200);
  g_assert_cmpuint (kvota_test_reply_get_length (empty, "naps"), ==, 0);
  assert_ledger (f, 2014, 0, 0);

  /* A BIN of the plan that a trader has, not a nature user: still an
   * operator the plan cannot issue to. */
  trader_account = register_organisation (f, "Каспий Мунай Трейд (test)", BIN_KASPIY, "trader");
  g_assert_null (trader_account);

  /* 1. The administrator uploads the plan: a draft, version 1, with a
   * warning for every operator not registered yet. */
  uploaded = upload_as (f, f->admin, plan, 2014, 2014);
  assert_upload_reply (uploaded, plan, 2014, 2014, 1, registered_first);
  g_assert_cmpuint (kvota_test_reply_get_length (uploaded, "nap.plan.findings"), ==, 15);
  id = kvota_test_reply_get_int (uploaded, "nap.id");
  object = nap_object (id);
  assert_ledger (f, 2014, 0, 0);
  assert_no_holdings (f, nature);

  /* 2. Listed without its plan; shown with it, to the Ministry too. */
  {
    const char *tokens[] = { f->admin, f->ministry };

    for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
      {
        g_autoptr(KvotaTestReply) list = kvota_test_server_request (f->server, "GET", NAPS, tokens[i], NULL, 0);
        g_autoptr(KvotaTestReply) shown = get_nap (f, tokens[i], id);

        kvota_test_assert_status (list, 200);
        g_assert_cmpuint (kvota_test_reply_get_length (list, "naps"), ==, 1);
        g_assert_cmpint (kvota_test_reply_get_int (list, "naps.0.id"), ==, id);
        g_assert_cmpstr (kvota_test_reply_get_string (list, "naps.0.state"), ==, "draft");
        g_assert_cmpint (kvota_test_reply_get_int (list, "naps.0.version"), ==, 1);
        g_assert_cmpstr (kvota_test_reply_get_string (list, "naps.0.file_sha256"), ==, plan->sha256);
        g_assert_null (kvota_test_json_lookup (list->json, "naps.0.plan"));

        kvota_test_assert_status (shown, 200);
        g_assert_true (json_node_equal (kvota_test_reply_lookup (shown, "nap"),
                                        kvota_test_reply_lookup (uploaded, "nap")));
        assert_draft_plan (shown, "nap.", plan, registered_first);

        assert_download (f, tokens[i], id, plan, CONTENT_TYPE_XLS);
      }
  }

  /* Plans are for the registry and the Ministry only. */
  {
    g_autofree char *file_path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT "/file", id);
    g_autofree char *nap_path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT, id);
    const char *paths[] = { NAPS, nap_path, file_path };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr(KvotaTestReply) reply = NULL;

        reply = kvota_test_server_request (f->server, "GET", paths[i], f->rep_nature, NULL, 0);
        kvota_test_assert_error (reply, 403, "forbidden");
      }
  }
  {
    g_autoptr(KvotaTestReply) missing = get_nap (f, f->admin, id + 1000);
    g_autoptr(KvotaTestReply) missing_file = NULL;
    g_autofree char *path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT "/file", id + 1000);

    kvota_test_assert_error (missing, 404, "not-found");
    missing_file = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);
    kvota_test_assert_error (missing_file, 404, "not-found");
  }

  /* 3. While the draft waits, no other plan for the period: not even the
   * amendment, and not the same file again. */
  before = take_snapshot (f);
  {
    g_autoptr(KvotaTestReply) second = upload_as (f, f->admin, amended, 2014, 2014);
    g_autoptr(KvotaTestReply) again = upload_as (f, f->admin, plan, 2014, 2014);

    kvota_test_assert_error (second, 409, "nap-draft-pending");
    kvota_test_assert_error (again, 409, "nap-draft-pending");
  }
  assert_not_stored (f, amended);
  assert_unchanged (f, &before, "a second draft for 2014");

  /* 4. Only an administrator applies. */
  {
    const KvotaTestUser others[] = {
      KVOTA_TEST_MINISTRY, KVOTA_TEST_REP_NATURE, KVOTA_TEST_ACCT_NATURE, KVOTA_TEST_REP_A,
      KVOTA_TEST_REP_BROKER, KVOTA_TEST_REP_TRADER,
    };

    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      {
        g_autofree char *token = kvota_test_server_login (f->server, others[i]);
        g_autoptr(KvotaTestReply) apply = NULL;
        g_autoptr(KvotaTestReply) discard = NULL;
        g_autoptr(KvotaTestReply) again = NULL;

        g_test_message ("as %s", kvota_test_user_name (others[i]));
        apply = post_nap (f, token, id, "apply");
        discard = post_nap (f, token, id, "discard");
        again = upload_as (f, token, amended, 2014, 2014);
        kvota_test_assert_error (apply, 403, "forbidden");
        kvota_test_assert_error (discard, 403, "forbidden");
        kvota_test_assert_error (again, 403, "forbidden");
      }
  }
  assert_unchanged (f, &before, "applying as someone else than an administrator");
  snapshot_clear (&before);

  /* 5. Applied: the registered nature user gets its allocation, the rest
   * waits; reserves are not issued. */
  applied = post_nap (f, f->admin, id, "apply");
  kvota_test_assert_status (applied, 200);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "nap.id"), ==, id);
  g_assert_cmpstr (kvota_test_reply_get_string (applied, "nap.state"), ==, "applied");
  g_assert_cmpint (kvota_test_reply_get_int (applied, "nap.version"), ==, 1);
  g_assert_cmpstr (kvota_test_reply_get_string (applied, "nap.decided_by"), ==, "admin");
  assert_time_now (kvota_test_reply_get_string (applied, "nap.decided"));
  g_assert_cmpint (kvota_test_reply_get_int (applied, "issued"), ==, pavlodar);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "withdrawn"), ==, 0);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "waiting"), ==, allocated (plan->nap, 2014) - pavlodar);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "transactions"), ==, 1);
  assert_nap_state (f, id, "applied");

  /* The holder, its accountant, the administrator and the Ministry see
   * exactly the allocation, as available quotas of 2014. */
  assert_holding (f, f->admin, nature, 2014, pavlodar, 0, 1);
  assert_holding (f, f->ministry, nature, 2014, pavlodar, 0, 1);
  assert_holding (f, f->rep_nature, nature, 2014, pavlodar, 0, 1);
  assert_holding (f, f->acct_nature, nature, 2014, pavlodar, 0, 1);
  assert_no_holdings (f, f->server->account_a);
  assert_no_holdings (f, f->server->account_b);
  issued_total = pavlodar;
  assert_ledger (f, 2014, issued_total, 0);

  /* The life of its first quota names the plan that issued it. */
  {
    g_autoptr(KvotaTestReply) life = kvota_test_server_request (f->server, "GET", "/api/v1/units/quota/2014/1",
                                                                f->ministry, NULL, 0);

    kvota_test_assert_status (life, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (life, "holder"), ==, nature);
    g_assert_cmpuint (kvota_test_reply_get_length (life, "transactions"), ==, 1);
    g_assert_cmpstr (kvota_test_reply_get_string (life, "transactions.0.kind"), ==, "issuance");
    g_assert_cmpint (kvota_test_reply_get_int (life, "transactions.0.nap_id"), ==, id);
    g_assert_cmpuint (kvota_test_reply_get_length (life, "naps"), ==, 1);
    g_assert_cmpint (kvota_test_reply_get_int (life, "naps.0.id"), ==, id);
    g_assert_cmpint (kvota_test_reply_get_int (life, "naps.0.version"), ==, 1);
    g_assert_cmpint (kvota_test_reply_get_int (life, "naps.0.first_year"), ==, 2014);
    g_assert_nonnull (kvota_test_reply_get_string (life, "naps.0.file_name"));
  }

  /* 6. A plan is applied once; an applied plan is not discarded. */
  before = take_snapshot (f);
  {
    g_autoptr(KvotaTestReply) again = post_nap (f, f->admin, id, "apply");
    g_autoptr(KvotaTestReply) discard = post_nap (f, f->admin, id, "discard");
    g_autoptr(KvotaTestReply) missing = post_nap (f, f->admin, id + 1000, "apply");

    kvota_test_assert_error (again, 409, "invalid-state");
    kvota_test_assert_error (discard, 409, "invalid-state");
    kvota_test_assert_error (missing, 404, "not-found");
  }
  assert_unchanged (f, &before, "applying the plan again");
  snapshot_clear (&before);
  assert_holding (f, f->admin, nature, 2014, pavlodar, 0, 1);

  /* 7. An operator whose allocation waits registers: its account holds
   * its allocation at once. */
  severnaya_account = register_organisation (f, "АО «Северная ТЭЦ» (test)", BIN_SEVERNAYA, "nature-user");
  g_assert_nonnull (severnaya_account);
  assert_holding (f, f->admin, severnaya_account, 2014, severnaya, 0, 1);
  assert_holding (f, f->admin, nature, 2014, pavlodar, 0, 1);
  issued_total += severnaya;
  assert_ledger (f, 2014, issued_total, 0);

  /* 8. The amendment: version 2, a draft; the operator registered meanwhile
   * is no longer warned about. */
  amendment = upload_as (f, f->admin, amended, 2014, 2014);
  assert_upload_reply (amendment, amended, 2014, 2014, 2, registered_then);
  g_assert_cmpuint (kvota_test_reply_get_length (amendment, "nap.plan.findings"), ==, 14);
  amendment_id = kvota_test_reply_get_int (amendment, "nap.id");
  amendment_object = nap_object (amendment_id);
  g_assert_cmpint (amendment_id, >, id);
  assert_nap_state (f, id, "applied");
  assert_ledger (f, 2014, issued_total, 0);
  {
    g_autoptr(KvotaTestReply) list = kvota_test_server_request (f->server, "GET", NAPS, f->ministry, NULL, 0);

    /* Newest first. */
    kvota_test_assert_status (list, 200);
    g_assert_cmpuint (kvota_test_reply_get_length (list, "naps"), ==, 2);
    g_assert_cmpint (kvota_test_reply_get_int (list, "naps.0.id"), ==, amendment_id);
    g_assert_cmpstr (kvota_test_reply_get_string (list, "naps.0.state"), ==, "draft");
    g_assert_cmpint (kvota_test_reply_get_int (list, "naps.1.id"), ==, id);
    g_assert_cmpstr (kvota_test_reply_get_string (list, "naps.1.state"), ==, "applied");
  }
  assert_download (f, f->admin, amendment_id, amended, CONTENT_TYPE_XLS);
  assert_download (f, f->admin, id, plan, CONTENT_TYPE_XLS);

  /* 9. Applied: only the differences move for registered operators. One
   * gets 125 000 more, the other gives back 20 000, which are cancelled. */
  amendment_applied = post_nap (f, f->admin, amendment_id, "apply");
  kvota_test_assert_status (amendment_applied, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (amendment_applied, "nap.state"), ==, "applied");
  g_assert_cmpint (kvota_test_reply_get_int (amendment_applied, "nap.version"), ==, 2);
  g_assert_cmpint (kvota_test_reply_get_int (amendment_applied, "issued"), ==, AMENDMENT_SEVERNAYA);
  g_assert_cmpint (kvota_test_reply_get_int (amendment_applied, "withdrawn"), ==, -AMENDMENT_PAVLODAR);
  g_assert_cmpint (kvota_test_reply_get_int (amendment_applied, "waiting"), ==,
                   allocated (amended->nap, 2014) - pavlodar_amended - severnaya_amended);
  g_assert_cmpint (kvota_test_reply_get_int (amendment_applied, "transactions"), ==, 2);
  assert_nap_state (f, id, "superseded");
  assert_nap_state (f, amendment_id, "applied");
  {
    g_autoptr(KvotaTestReply) superseded = get_nap (f, f->admin, id);

    g_assert_cmpstr (kvota_test_reply_get_string (superseded, "nap.decided_by"), ==, "admin");
    /* Nothing is overwritten: the first version keeps its plan and file. */
    assert_draft_plan (superseded, "nap.", plan, registered_first);
    assert_download (f, f->admin, id, plan, CONTENT_TYPE_XLS);
  }

  assert_holding (f, f->rep_nature, nature, 2014, pavlodar_amended, -AMENDMENT_PAVLODAR, 1);
  assert_holding (f, f->admin, severnaya_account, 2014, severnaya_amended, 0, 1);
  issued_total += AMENDMENT_SEVERNAYA;
  assert_ledger (f, 2014, issued_total, -AMENDMENT_PAVLODAR);

  /* The superseded version is applied no more, nor the amendment again. */
  before = take_snapshot (f);
  {
    g_autoptr(KvotaTestReply) old = post_nap (f, f->admin, id, "apply");
    g_autoptr(KvotaTestReply) again = post_nap (f, f->admin, amendment_id, "apply");
    g_autoptr(KvotaTestReply) discard = post_nap (f, f->admin, id, "discard");

    kvota_test_assert_error (old, 409, "invalid-state");
    kvota_test_assert_error (again, 409, "invalid-state");
    kvota_test_assert_error (discard, 409, "invalid-state");
  }
  assert_unchanged (f, &before, "applying a superseded plan");
  snapshot_clear (&before);

  /* 10. An operator registered after the amendment gets what the version
   * in force allocates to its two installations, once. */
  stepnaya_account = register_organisation (f, "ТОО «Степная ГРЭС» (test)", BIN_STEPNAYA, "nature-user");
  assert_holding (f, f->admin, stepnaya_account, 2014, stepnaya_amended, 0, 1);
  issued_total += stepnaya_amended;
  assert_ledger (f, 2014, issued_total, -AMENDMENT_PAVLODAR);
  assert_holding (f, f->admin, nature, 2014, pavlodar_amended, -AMENDMENT_PAVLODAR, 1);
  assert_holding (f, f->admin, severnaya_account, 2014, severnaya_amended, 0, 1);

  /* 11. Every step is in the journal, in order, and the journal is intact. */
  audit = kvota_test_server_audit (f->server, f->admin);
  upload_entry = assert_audit (audit, 0, "nap.upload", object);
  {
    JsonObject *after = json_object_get_object_member (audit_entry (audit, upload_entry), "after");

    g_assert_cmpint (json_object_get_int_member (after, "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (after, "state"), ==, "draft");
    g_assert_cmpstr (json_object_get_string_member (after, "file_sha256"), ==, plan->sha256);
  }
  apply_entry = assert_audit (audit, upload_entry, "nap.apply", object);
  {
    JsonObject *after = json_object_get_object_member (audit_entry (audit, apply_entry), "after");

    g_assert_cmpint (json_object_get_int_member (after, "issued"), ==, pavlodar);
    g_assert_cmpint (json_object_get_int_member (after, "withdrawn"), ==, 0);
    g_assert_true (json_object_get_null_member (after, "replaces"));
  }
  /* In the same database transaction as the plan's application. */
  g_assert_cmpuint (count_ledger_entries (audit, upload_entry, apply_entry, "ledger.issue", nature, &quantity), ==, 1);
  g_assert_cmpint (quantity, ==, pavlodar);

  register_entry = assert_audit (audit, apply_entry, "organisation.create", NULL);
  amend_entry = assert_audit (audit, register_entry, "nap.upload", amendment_object);
  g_assert_cmpuint (count_ledger_entries (audit, register_entry, amend_entry, "ledger.issue",
                                          severnaya_account, &quantity), ==, 1);
  g_assert_cmpint (quantity, ==, severnaya);

  amend_apply_entry = assert_audit (audit, amend_entry, "nap.apply", amendment_object);
  {
    JsonObject *after = json_object_get_object_member (audit_entry (audit, amend_apply_entry), "after");

    g_assert_cmpint (json_object_get_int_member (after, "issued"), ==, AMENDMENT_SEVERNAYA);
    g_assert_cmpint (json_object_get_int_member (after, "withdrawn"), ==, -AMENDMENT_PAVLODAR);
    g_assert_cmpint (json_object_get_int_member (after, "replaces"), ==, id);
  }
  g_assert_cmpuint (count_ledger_entries (audit, amend_entry, amend_apply_entry, "ledger.issue",
                                          severnaya_account, &quantity), ==, 1);
  g_assert_cmpint (quantity, ==, AMENDMENT_SEVERNAYA);
  g_assert_cmpuint (count_ledger_entries (audit, amend_entry, amend_apply_entry, "ledger.cancel",
                                          nature, &quantity), ==, 1);
  g_assert_cmpint (quantity, ==, -AMENDMENT_PAVLODAR);

  /* The withdrawal is a cancellation that names the amendment as its reason. */
  entry = assert_audit (audit, amend_entry, "ledger.cancel", NULL);
  {
    g_autoptr(KvotaTestReply) cancellation = NULL;
    const char *transaction = json_object_get_string_member (audit_entry (audit, entry), "object");
    g_autofree char *path = NULL;
    const char *reason;

    g_assert_true (g_str_has_prefix (transaction, "transaction/"));
    path = g_strdup_printf ("/api/v1/transactions/%s", transaction + strlen ("transaction/"));
    cancellation = kvota_test_server_request (f->server, "GET", path, f->rep_nature, NULL, 0);
    kvota_test_assert_status (cancellation, 200);
    g_assert_cmpstr (kvota_test_reply_get_string (cancellation, "transaction.kind"), ==, "cancellation");
    g_assert_cmpstr (kvota_test_reply_get_string (cancellation, "transaction.state"), ==, "completed");
    g_assert_cmpint (kvota_test_reply_get_int (cancellation, "transaction.vintage"), ==, 2014);
    g_assert_cmpint (kvota_test_reply_get_int (cancellation, "transaction.quantity"), ==, -AMENDMENT_PAVLODAR);
    g_assert_cmpstr (kvota_test_reply_get_string (cancellation, "transaction.from_account"), ==, nature);
    reason = kvota_test_reply_get_string (cancellation, "transaction.reason");
    g_assert_nonnull (strstr (reason, "2014"));
  }

  g_assert_cmpuint (count_ledger_entries (audit, amend_apply_entry, G_MAXINT64, "ledger.issue",
                                          stepnaya_account, &quantity), ==, 1);
  g_assert_cmpint (quantity, ==, stepnaya_amended);

  /* Everything issued is in the journal, and nothing else. */
  g_assert_cmpuint (count_ledger_entries (audit, 0, G_MAXINT64, "ledger.issue", NULL, &quantity), ==, 4);
  g_assert_cmpint (quantity, ==, issued_total);
}

/* A draft thrown away */

static void
test_nap_discard (Fixture       *f,
                  gconstpointer  user_data)
{
  g_autoptr(PlanFile) plan = plan_file_read ("data", "nap-2014.xls");
  g_autoptr(KvotaTestReply) discarded = NULL;
  g_autoptr(KvotaTestReply) applied = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *object = NULL;
  g_autofree char *second_object = NULL;
  gint64 pavlodar = allocation_of (plan->nap, BIN_PAVLODAR, 2014);
  gint64 id, second, entry;
  Snapshot before;

  id = upload (f, plan, 2014, 2014, 1);
  object = nap_object (id);

  /* Only an administrator discards. */
  before = take_snapshot (f);
  {
    g_autoptr(KvotaTestReply) ministry = post_nap (f, f->ministry, id, "discard");
    g_autoptr(KvotaTestReply) holder = post_nap (f, f->rep_nature, id, "discard");
    g_autoptr(KvotaTestReply) missing = post_nap (f, f->admin, id + 1000, "discard");
    g_autoptr(KvotaTestReply) with_body = NULL;
    g_autofree char *path = g_strdup_printf (NAPS "/%" G_GINT64_FORMAT "/discard", id);

    kvota_test_assert_error (ministry, 403, "forbidden");
    kvota_test_assert_error (holder, 403, "forbidden");
    kvota_test_assert_error (missing, 404, "not-found");
    with_body = kvota_test_server_request (f->server, "POST", path, f->admin, "{\"reason\": \"typo\"}", -1);
    kvota_test_assert_error (with_body, 400, "unknown-field");
  }
  assert_unchanged (f, &before, "discarding as someone else than an administrator");
  snapshot_clear (&before);

  discarded = post_nap (f, f->admin, id, "discard");
  kvota_test_assert_status (discarded, 200);
  g_assert_cmpint (kvota_test_reply_get_int (discarded, "nap.id"), ==, id);
  g_assert_cmpstr (kvota_test_reply_get_string (discarded, "nap.state"), ==, "discarded");
  g_assert_cmpstr (kvota_test_reply_get_string (discarded, "nap.decided_by"), ==, "admin");
  assert_time_now (kvota_test_reply_get_string (discarded, "nap.decided"));
  assert_nap_state (f, id, "discarded");
  assert_no_holdings (f, f->server->account_nature);
  assert_ledger (f, 2014, 0, 0);
  /* Kept, file and all. */
  assert_download (f, f->ministry, id, plan, CONTENT_TYPE_XLS);

  /* A discarded draft is neither applied nor discarded again. */
  before = take_snapshot (f);
  {
    g_autoptr(KvotaTestReply) apply = post_nap (f, f->admin, id, "apply");
    g_autoptr(KvotaTestReply) again = post_nap (f, f->admin, id, "discard");

    kvota_test_assert_error (apply, 409, "invalid-state");
    kvota_test_assert_error (again, 409, "invalid-state");
  }
  assert_unchanged (f, &before, "applying a discarded draft");
  snapshot_clear (&before);

  /* The period is free again: the next upload is the next version, and
   * applying it issues everything, replacing nothing. */
  second = upload (f, plan, 2014, 2014, 2);
  second_object = nap_object (second);
  applied = post_nap (f, f->admin, second, "apply");
  kvota_test_assert_status (applied, 200);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "issued"), ==, pavlodar);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "withdrawn"), ==, 0);
  assert_nap_state (f, id, "discarded");
  assert_nap_state (f, second, "applied");
  assert_holding (f, f->admin, f->server->account_nature, 2014, pavlodar, 0, 1);
  assert_ledger (f, 2014, pavlodar, 0);

  audit = kvota_test_server_audit (f->server, f->admin);
  entry = assert_audit (audit, 0, "nap.upload", object);
  entry = assert_audit (audit, entry, "nap.discard", object);
  entry = assert_audit (audit, entry, "nap.upload", second_object);
  entry = assert_audit (audit, entry, "nap.apply", second_object);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (audit_entry (audit, entry), "after"),
                                              "replaces"));
  g_assert_cmpint (kvota_test_audit_find (audit, 0, "nap.apply", object), ==, 0);
}

/* An amendment that takes back units the holder no longer has */

/* Surrenders QUANTITY of the account's 2014 quotas through the store, with
 * the server stopped: the API has no surrender yet, and a nature user
 * cannot transfer. The server starts again on the same registry. */
static void
surrender_behind_the_server (Fixture    *f,
                             const char *account,
                             gint64      quantity)
{
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;

  kvota_test_server_stop (f->server);
  store = kvota_test_server_open_store (f->server);
  transaction = kvota_store_retire (store, "rep-nature", KVOTA_TRANSACTION_KIND_SURRENDER, account,
                                    KVOTA_UNIT_TYPE_QUOTA, 2014, quantity, &error);
  g_assert_no_error (error);
  g_assert_nonnull (transaction);
  g_clear_object (&store);
  kvota_test_server_start (f->server, NULL);
}

static void
test_nap_insufficient_units (Fixture       *f,
                             gconstpointer  user_data)
{
  g_autoptr(PlanFile) plan = plan_file_read ("data", "nap-2014.xls");
  g_autoptr(PlanFile) amended = plan_file_read ("tests/data", "nap-2014-amended.xls");
  g_autoptr(KvotaTestReply) applied = NULL;
  g_autoptr(KvotaTestReply) refused = NULL;
  g_autoptr(KvotaTestReply) discarded = NULL;
  const char *nature = f->server->account_nature;
  gint64 pavlodar = allocation_of (plan->nap, BIN_PAVLODAR, 2014);
  gint64 kept = -AMENDMENT_PAVLODAR / 2;
  gint64 id, amendment_id;
  KvotaHolding holding;
  Snapshot before;

  id = upload (f, plan, 2014, 2014, 1);
  applied = post_nap (f, f->admin, id, "apply");
  kvota_test_assert_status (applied, 200);
  assert_holding (f, f->admin, nature, 2014, pavlodar, 0, 1);

  /* The holder surrenders all but 10 000 of them. */
  surrender_behind_the_server (f, nature, pavlodar - kept);
  get_holding (f, f->admin, nature, 2014, &holding);
  g_assert_cmpint (holding.available, ==, kept);
  g_assert_cmpint (holding.surrendered, ==, pavlodar - kept);

  /* The amendment takes back 20 000: more than it holds. */
  amendment_id = upload (f, amended, 2014, 2014, 2);
  before = take_snapshot (f);
  refused = post_nap (f, f->admin, amendment_id, "apply");
  kvota_test_assert_error (refused, 409, "insufficient-units");
  assert_unchanged (f, &before, "an amendment that takes back units the holder no longer has");
  snapshot_clear (&before);

  /* Nothing was applied, also not the other operator's increase. */
  assert_nap_state (f, id, "applied");
  assert_nap_state (f, amendment_id, "draft");
  get_holding (f, f->admin, nature, 2014, &holding);
  g_assert_cmpint (holding.available, ==, kept);
  g_assert_cmpint (holding.surrendered, ==, pavlodar - kept);
  g_assert_cmpint (holding.cancelled, ==, 0);

  /* The draft can still be discarded. */
  discarded = post_nap (f, f->admin, amendment_id, "discard");
  kvota_test_assert_status (discarded, 200);
  assert_nap_state (f, id, "applied");
  {
    Total total = ledger_total (f, 2014);

    g_assert_cmpint (total.issued, ==, pavlodar);
    g_assert_cmpint (total.surrendered, ==, pavlodar - kept);
    g_assert_cmpint (total.cancelled, ==, 0);
  }
}

/* A plan for two years, with Kazakh headers */

static void
test_nap_two_years (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autoptr(PlanFile) plan = plan_file_read ("tests/data", "nap-kk-2014-2015.ods");
  g_autoptr(KvotaTestReply) uploaded = NULL;
  g_autoptr(KvotaTestReply) applied = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autofree char *severnaya_account = NULL;
  g_autofree char *object = NULL;
  const char * const registered[] = { BIN_PAVLODAR, NULL };
  const char *nature = f->server->account_nature;
  gint64 pavlodar[2], severnaya[2];
  gint64 quantity;
  gint64 upload_entry, apply_entry;
  gint64 id;

  for (int y = 0; y < 2; y++)
    {
      pavlodar[y] = allocation_of (plan->nap, BIN_PAVLODAR, 2014 + y);
      severnaya[y] = allocation_of (plan->nap, BIN_SEVERNAYA, 2014 + y);
    }
  g_assert_cmpuint (kvota_nap_get_years (plan->nap)->len, ==, 2);

  uploaded = upload_as (f, f->admin, plan, 2014, 2015);
  assert_upload_reply (uploaded, plan, 2014, 2015, 1, registered);
  id = kvota_test_reply_get_int (uploaded, "nap.id");
  object = nap_object (id);
  assert_download (f, f->admin, id, plan, CONTENT_TYPE_ODS);

  /* Registered after the upload, before the application: the plan issues
   * to whoever is registered when it is applied, warnings or not. */
  severnaya_account = register_organisation (f, "АО «Северная ТЭЦ» (test)", BIN_SEVERNAYA, "nature-user");
  assert_no_holdings (f, severnaya_account);

  applied = post_nap (f, f->admin, id, "apply");
  kvota_test_assert_status (applied, 200);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "issued"), ==,
                   pavlodar[0] + pavlodar[1] + severnaya[0] + severnaya[1]);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "withdrawn"), ==, 0);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "waiting"), ==,
                   allocated (plan->nap, 2014) + allocated (plan->nap, 2015) -
                   pavlodar[0] - pavlodar[1] - severnaya[0] - severnaya[1]);
  g_assert_cmpint (kvota_test_reply_get_int (applied, "transactions"), ==, 4);

  /* Each year's allocation as quotas of that vintage. */
  for (int y = 0; y < 2; y++)
    {
      assert_holding (f, f->rep_nature, nature, 2014 + y, pavlodar[y], 0, 2);
      assert_holding (f, f->admin, severnaya_account, 2014 + y, severnaya[y], 0, 2);
      assert_ledger (f, 2014 + y, pavlodar[y] + severnaya[y], 0);
    }
  g_assert_cmpint (ledger_total (f, 2016).issued, ==, 0);

  audit = kvota_test_server_audit (f->server, f->admin);
  upload_entry = assert_audit (audit, 0, "nap.upload", object);
  apply_entry = assert_audit (audit, upload_entry, "nap.apply", object);
  g_assert_cmpuint (count_ledger_entries (audit, upload_entry, apply_entry, "ledger.issue", nature, &quantity), ==, 2);
  g_assert_cmpint (quantity, ==, pavlodar[0] + pavlodar[1]);
  g_assert_cmpuint (count_ledger_entries (audit, upload_entry, apply_entry, "ledger.issue",
                                          severnaya_account, &quantity), ==, 2);
  g_assert_cmpint (quantity, ==, severnaya[0] + severnaya[1]);
}

/* Bad uploads: each refused with its code, none changes anything */

static void
assert_finding (KvotaTestReply *reply,
                const char     *code,
                const char     *cell)
{
  JsonArray *findings = json_node_get_array (kvota_test_reply_lookup (reply, "error.findings"));

  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);
      JsonNode *cell_node = json_object_get_member (finding, "cell");
      const char *actual_cell = JSON_NODE_HOLDS_NULL (cell_node) ? NULL : json_node_get_string (cell_node);

      if (g_strcmp0 (json_object_get_string_member (finding, "code"), code) != 0 ||
          g_strcmp0 (actual_cell, cell) != 0)
        continue;

      g_assert_cmpstr (json_object_get_string_member (finding, "severity"), ==, "error");
      g_assert_cmpstr (json_object_get_string_member (finding, "message"), !=, "");
      g_assert_true (json_object_has_member (finding, "row"));
      g_assert_true (json_object_has_member (finding, "column"));
      return;
    }

  {
    g_autofree char *described = kvota_test_reply_describe (reply);

    g_error ("No finding %s at %s: %s", code, cell != NULL ? cell : "(the whole plan)", described);
  }
}

typedef enum
{
  CHANGE_NOTHING,
  CHANGE_ALLOCATION,
  CHANGE_ROW,
  DROP_LINE,
  CHANGE_OPERATOR,
  PLAN_OF_OTHER_FILE,
} PlanChange;

/* The plan the client would send, changed the way a client that does not
 * send what the file holds would change it. */
/* The codec builds immutable nodes, and copies of them stay so. */
static JsonNode *
mutable_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  JsonNode *copy = json_from_string (text, &error);

  g_assert_no_error (error);
  return copy;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static JsonNode *
changed_plan (const PlanFile *file,
              const PlanFile *other,
              PlanChange      change)
{
  JsonNode *plan = mutable_copy (change == PLAN_OF_OTHER_FILE ? other->plan : file->plan);
  JsonArray *lines = json_object_get_array_member (json_node_get_object (plan), "lines");
  JsonObject *line = json_array_get_object_element (lines, 1);
  JsonArray *allocations = json_object_get_array_member (line, "allocations");

  switch (change)
    {
    case CHANGE_ALLOCATION:
      {
        JsonNode *amount = json_array_get_element (allocations, 0);

        json_node_set_int (amount, json_node_get_int (amount) + 1);
      }
      break;

    case CHANGE_ROW:
      json_object_set_int_member (line, "row", json_object_get_int_member (line, "row") + 1);
      break;

    case DROP_LINE:
      json_array_remove_element (lines, json_array_get_length (lines) - 1);
      break;

    case CHANGE_OPERATOR:
      json_object_set_string_member (line, "operator", "АО «Павлодарская ТЭЦ»");
      break;

    case CHANGE_NOTHING:
    case PLAN_OF_OTHER_FILE:
    default:
      break;
    }

  return plan;
}

static void
test_nap_bad_input (Fixture       *f,
                    gconstpointer  user_data)
{
  static const char pdf[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
  static const struct
  {
    const char *what;
    PlanChange  change;
  } mismatches[] = {
    { "one allocation one tonne more", CHANGE_ALLOCATION },
    { "a line moved down a row", CHANGE_ROW },
    { "the last line left out", DROP_LINE },
    { "another operator name", CHANGE_OPERATOR },
    { "the amendment's plan with the plan's file", PLAN_OF_OTHER_FILE },
  };
  static const struct
  {
    const char *what;
    const char *member;       /* set to the JSON value, or removed if NULL */
    const char *json;
    guint       status;
    const char *code;
    const char *field;
  } members[] = {
    { "a file that is not base64", "file", "\"this is not base64!\"", 400, "invalid-document", "file" },
    { "base64 with a line break", "file", "\"UEsDBA==\\nUEsDBA==\"", 400, "invalid-document", "file" },
    { "an empty file", "file", "\"\"", 400, "invalid-document", "file" },
    { "a file name with a line break", "file_name", "\"nap\\n2014.xls\"", 400, "invalid-value", "file_name" },
    { "a file name with a tab", "file_name", "\"nap\\t2014.xls\"", 400, "invalid-value", "file_name" },
    { "a file name with an escape", "file_name", "\"nap\\u001b[31m.xls\"", 400, "invalid-value", "file_name" },
    { "an empty file name", "file_name", "\"\"", 400, "invalid-value", "file_name" },
    { "a period from 1990", "first_year", "1990", 400, "invalid-value", "first_year" },
    { "a period from 2101", "first_year", "2101", 400, "invalid-value", "first_year" },
    { "a period that ends before it starts", "last_year", "2013", 400, "invalid-value", "last_year" },
    { "a period to 2101", "last_year", "2101", 400, "invalid-value", "last_year" },
    { "a year as text", "first_year", "\"2014\"", 400, "wrong-type", "first_year" },
    { "a fractional year", "last_year", "2014.5", 400, "wrong-type", "last_year" },
    { "a file as an array", "file", "[]", 400, "wrong-type", "file" },
    { "a plan as an array", "plan", "[]", 400, "wrong-type", "plan" },
    { "a plan as text", "plan", "\"НПРК 2014\"", 400, "wrong-type", "plan" },
    { "a plan without lines", "plan", "{\"sheet\": \"НПРК 2014\", \"years\": [2014]}", 400,
      "invalid-value", "plan" },
    { "a plan with a year as text", "plan", "{\"sheet\": null, \"years\": [\"2014\"], \"lines\": []}", 400,
      "invalid-value", "plan" },
    { "a plan with a negative allocation", "plan",
      "{\"sheet\": \"НПРК 2014\", \"years\": [2014], \"lines\": [{\"row\": 6, \"reserve\": false, "
      "\"operator\": \"X\", \"bin\": \"" BIN_PAVLODAR "\", \"installation\": \"Y\", \"sector\": null, "
      "\"allocations\": [-5]}]}", 400, "invalid-value", "plan" },
    { "a plan with more allocations than years", "plan",
      "{\"sheet\": \"НПРК 2014\", \"years\": [2014], \"lines\": [{\"row\": 6, \"reserve\": false, "
      "\"operator\": \"X\", \"bin\": \"" BIN_PAVLODAR "\", \"installation\": \"Y\", \"sector\": null, "
      "\"allocations\": [1, 2]}]}", 400, "invalid-value", "plan" },
    { "a plan with a fractional allocation", "plan",
      "{\"sheet\": \"НПРК 2014\", \"years\": [2014], \"lines\": [{\"row\": 6, \"reserve\": false, "
      "\"operator\": \"X\", \"bin\": \"" BIN_PAVLODAR "\", \"installation\": \"Y\", \"sector\": null, "
      "\"allocations\": [1.5]}]}", 400, "invalid-value", "plan" },
    { "no plan", "plan", NULL, 400, "missing-field", "plan" },
    { "no file", "file", NULL, 400, "missing-field", "file" },
    { "no file name", "file_name", NULL, 400, "missing-field", "file_name" },
    { "no first year", "first_year", NULL, 400, "missing-field", "first_year" },
    { "no last year", "last_year", NULL, 400, "missing-field", "last_year" },
    { "a member the route does not take", "state", "\"applied\"", 400, "unknown-field", "state" },
  };
  /* Members of the plan's second line that the plan's codec refuses. */
  static const struct
  {
    const char *member;
    const char *json;     /* NULL: left out */
  } line_members[] = {
    { "reserve", "\"no\"" },
    { "reserve", "null" },
    { "reserve", "0" },
    { "reserve", "[]" },
    { "reserve", NULL },
    { "row", "\"7\"" },
    { "row", "0" },
    { "row", NULL },
    { "bin", "140340000018" },
    { "operator", "{}" },
    { "allocations", "3951765" },
    { "allocations", "[]" },
    { "allocations", "[\"3951765\"]" },
    { "allocations", "[3951765.0]" },
    { "allocations", "[-3951765]" },
  };
  g_autoptr(PlanFile) plan = plan_file_read ("data", "nap-2014.xls");
  g_autoptr(PlanFile) amended = plan_file_read ("tests/data", "nap-2014-amended.xls");
  g_autoptr(PlanFile) two_years = plan_file_read ("tests/data", "nap-kk-2014-2015.ods");
  g_autoptr(PlanFile) not_spreadsheet = NULL;
  g_autoptr(PlanFile) truncated = NULL;
  Snapshot before;

  {
    g_autoptr(GBytes) bytes = g_bytes_new_static (pdf, sizeof pdf - 1);

    not_spreadsheet = plan_file_new_from_bytes ("nap-2014.pdf", bytes);
    not_spreadsheet->plan = json_node_copy (plan->plan);
  }
  {
    g_autoptr(GBytes) half = g_bytes_new_from_bytes (plan->bytes, 0, g_bytes_get_size (plan->bytes) / 2);

    truncated = plan_file_new_from_bytes ("nap-2014.xls", half);
    truncated->plan = json_node_copy (plan->plan);
  }

  /* Something the registry already has, so that "nothing changed" means
   * something: the plan for 2014–2015 was applied. */
  {
    g_autoptr(KvotaTestReply) applied = NULL;
    gint64 id;

    g_assert_cmpint (g_array_index (kvota_nap_get_years (two_years->nap), int, 0), ==, 2014);
    id = upload (f, two_years, 2014, 2015, 1);
    applied = post_nap (f, f->admin, id, "apply");
    kvota_test_assert_status (applied, 200);
  }

  before = take_snapshot (f);

  /* A plan that is not what its file holds. */
  for (guint i = 0; i < G_N_ELEMENTS (mismatches); i++)
    {
      g_autoptr(JsonObject) object = upload_object (plan, 2014, 2014);
      g_autoptr(KvotaTestReply) reply = NULL;

      g_test_message ("%s", mismatches[i].what);
      json_object_set_member (object, "plan", changed_plan (plan, amended, mismatches[i].change));
      reply = send_object (f, f->admin, object);
      kvota_test_assert_error (reply, 422, "nap-mismatch");
      assert_field (reply, "plan");
      assert_unchanged (f, &before, mismatches[i].what);
    }

  /* The plan sent as it is, for a period it does not match. */
  {
    g_autoptr(KvotaTestReply) later = upload_as (f, f->admin, plan, 2015, 2015);
    g_autoptr(KvotaTestReply) one_year = upload_as (f, f->admin, two_years, 2014, 2014);
    g_autoptr(KvotaTestReply) next_year = upload_as (f, f->admin, two_years, 2015, 2015);

    kvota_test_assert_error (later, 422, "nap-invalid");
    assert_finding (later, "year-outside-period", NULL);
    kvota_test_assert_error (one_year, 422, "nap-invalid");
    assert_finding (one_year, "year-outside-period", NULL);
    kvota_test_assert_error (next_year, 422, "nap-invalid");
    assert_finding (next_year, "year-outside-period", NULL);
    assert_unchanged (f, &before, "a plan for years outside its period");
  }

  /* A file that is no workbook, and one cut short. */
  {
    g_autoptr(KvotaTestReply) reply = upload_as (f, f->admin, not_spreadsheet, 2014, 2014);

    kvota_test_assert_error (reply, 415, "spreadsheet-unsupported");
    assert_unchanged (f, &before, "a PDF");
    assert_not_stored (f, not_spreadsheet);
  }
  {
    g_autoptr(KvotaTestReply) reply = upload_as (f, f->admin, truncated, 2014, 2014);

    kvota_test_assert_error (reply, 422, "spreadsheet-damaged");
    assert_unchanged (f, &before, "the first half of a workbook");
    assert_not_stored (f, truncated);
  }

  /* Members that are wrong, or missing. */
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autoptr(JsonObject) object = upload_object (plan, 2014, 2014);
      g_autoptr(KvotaTestReply) reply = NULL;

      g_test_message ("%s", members[i].what);
      if (members[i].json != NULL)
        json_object_set_member (object, members[i].member, parse_json (members[i].json));
      else
        json_object_remove_member (object, members[i].member);

      reply = send_object (f, f->admin, object);
      kvota_test_assert_error (reply, members[i].status, members[i].code);
      assert_field (reply, members[i].field);
      assert_unchanged (f, &before, members[i].what);
    }

  /* A plan whose lines are not what the codec writes: refused as a
   * value, before it is compared with its file. */
  for (guint i = 0; i < G_N_ELEMENTS (line_members); i++)
    {
      g_autoptr(JsonObject) object = upload_object (plan, 2014, 2014);
      g_autoptr(KvotaTestReply) reply = NULL;
      g_autofree char *what = g_strdup_printf ("a line with “%s”: %s", line_members[i].member,
                                               line_members[i].json != NULL ? line_members[i].json : "(none)");
      JsonNode *changed = mutable_copy (plan->plan);
      JsonArray *lines = json_object_get_array_member (json_node_get_object (changed), "lines");
      JsonObject *line = json_array_get_object_element (lines, 1);

      g_test_message ("%s", what);
      if (line_members[i].json != NULL)
        json_object_set_member (line, line_members[i].member, parse_json (line_members[i].json));
      else
        json_object_remove_member (line, line_members[i].member);
      json_object_set_member (object, "plan", changed);

      reply = send_object (f, f->admin, object);
      kvota_test_assert_error (reply, 400, "invalid-value");
      assert_field (reply, "plan");
      assert_unchanged (f, &before, what);
    }

  /* Not for the Ministry or a holder, even a plan without fault. */
  {
    g_autoptr(KvotaTestReply) ministry = upload_as (f, f->ministry, plan, 2014, 2014);
    g_autoptr(KvotaTestReply) holder = upload_as (f, f->rep_nature, plan, 2014, 2014);
    g_autoptr(KvotaTestReply) nobody = NULL;
    g_autoptr(JsonObject) object = upload_object (plan, 2014, 2014);
    g_autofree char *body = object_to_body (object);

    kvota_test_assert_error (ministry, 403, "forbidden");
    kvota_test_assert_error (holder, 403, "forbidden");
    nobody = kvota_test_server_request (f->server, "POST", NAPS, NULL, body, -1);
    kvota_test_assert_error (nobody, 401, "unauthenticated");
    assert_unchanged (f, &before, "an upload by someone else than an administrator");
  }

  /* None of the refused files was kept. */
  assert_not_stored (f, plan);
  assert_not_stored (f, amended);
  snapshot_clear (&before);

  /* And the same plan, sent right, is taken. */
  upload (f, plan, 2014, 2014, 1);
}

/* A file over the 32 MB the route takes, within the body's 48 MB. */
static void
test_nap_file_too_large (Fixture       *f,
                         gconstpointer  user_data)
{
  g_autoptr(PlanFile) plan = plan_file_read ("data", "nap-2014.xls");
  g_autoptr(JsonObject) object = upload_object (plan, 2014, 2014);
  g_autoptr(KvotaTestReply) reply = NULL;
  gsize size = 32 * 1024 * 1024 + 3;
  g_autofree char *base64 = g_malloc (size / 3 * 4 + 1);
  Snapshot before;

  memset (base64, 'A', size / 3 * 4);
  base64[size / 3 * 4] = '\0';
  json_object_set_string_member (object, "file", base64);

  before = take_snapshot (f);
  reply = send_object (f, f->admin, object);
  kvota_test_assert_error (reply, 413, "document-too-large");
  assert_field (reply, "file");
  assert_unchanged (f, &before, "a file over 32 MB");
  snapshot_clear (&before);
}

/* What the .xlsx reader finds; skipped while it cannot read them */

static gboolean
skip_unreadable_xlsx (PlanFile   **file,
                      const char  *directory,
                      const char  *name)
{
  g_autoptr(GError) error = NULL;

  *file = plan_file_load (directory, name, &error);
  if (*file != NULL)
    return FALSE;

  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED);
  g_test_skip ("The .xlsx reader cannot read the file yet");
  return TRUE;
}

static gboolean
skip_unsupported_reply (KvotaTestReply *reply)
{
  if (reply->status != 415 || g_strcmp0 (kvota_test_reply_error_code (reply), "spreadsheet-unsupported") != 0)
    return FALSE;

  g_test_skip ("The server's .xlsx reader cannot read the file yet");
  return TRUE;
}

static void
test_nap_xlsx (Fixture       *f,
               gconstpointer  user_data)
{
  g_autoptr(PlanFile) errors = NULL;
  g_autoptr(PlanFile) not_a_plan = NULL;
  g_autoptr(PlanFile) plan = NULL;
  g_autoptr(KvotaTestReply) invalid = NULL;
  g_autoptr(KvotaTestReply) unrelated = NULL;
  g_autoptr(KvotaTestReply) uploaded = NULL;
  const char * const registered[] = { BIN_PAVLODAR, NULL };
  Snapshot before;

  if (skip_unreadable_xlsx (&errors, "tests/data", "nap-errors-2014.xlsx") ||
      skip_unreadable_xlsx (&not_a_plan, "tests/data", "not-a-plan.xlsx") ||
      skip_unreadable_xlsx (&plan, "data", "nap-2014.xlsx"))
    return;

  before = take_snapshot (f);

  /* Every check the plan fails, with the cell it points at. */
  invalid = upload_as (f, f->admin, errors, 2014, 2014);
  if (skip_unsupported_reply (invalid))
    {
      snapshot_clear (&before);
      return;
    }
  kvota_test_assert_error (invalid, 422, "nap-invalid");
  assert_finding (invalid, "invalid-bin", "C7");
  assert_finding (invalid, "negative-amount", "F8");
  assert_finding (invalid, "fractional-amount", "F9");
  assert_finding (invalid, "non-numeric-amount", "F10");
  assert_finding (invalid, "bin-name-conflict", "B11");
  assert_finding (invalid, "totals-mismatch", "F36");
  assert_unchanged (f, &before, "a plan with errors");
  assert_not_stored (f, errors);

  /* A workbook without a plan in it. */
  unrelated = upload_as (f, f->admin, not_a_plan, 2014, 2014);
  kvota_test_assert_error (unrelated, 422, "nap-invalid");
  assert_finding (unrelated, "missing-columns", NULL);
  assert_unchanged (f, &before, "a workbook without a plan");
  assert_not_stored (f, not_a_plan);
  snapshot_clear (&before);

  /* The 2014 plan as .xlsx: the same plan as the .xls, kept as .xlsx. */
  {
    g_autoptr(PlanFile) xls = plan_file_read ("data", "nap-2014.xls");

    g_assert_true (kvota_nap_equal (plan->nap, xls->nap));
  }
  uploaded = upload_as (f, f->admin, plan, 2014, 2014);
  if (skip_unsupported_reply (uploaded))
    return;
  assert_upload_reply (uploaded, plan, 2014, 2014, 1, registered);
  assert_download (f, f->admin, kvota_test_reply_get_int (uploaded, "nap.id"), plan, CONTENT_TYPE_XLSX);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/nap/lifecycle", Fixture, NULL,
              fixture_set_up, test_nap_lifecycle, fixture_tear_down);
  g_test_add ("/server/nap/discard", Fixture, NULL,
              fixture_set_up, test_nap_discard, fixture_tear_down);
  g_test_add ("/server/nap/insufficient-units", Fixture, NULL,
              fixture_set_up, test_nap_insufficient_units, fixture_tear_down);
  g_test_add ("/server/nap/two-years", Fixture, NULL,
              fixture_set_up, test_nap_two_years, fixture_tear_down);
  g_test_add ("/server/nap/bad-input", Fixture, NULL,
              fixture_set_up, test_nap_bad_input, fixture_tear_down);
  g_test_add ("/server/nap/file-too-large", Fixture, NULL,
              fixture_set_up, test_nap_file_too_large, fixture_tear_down);
  g_test_add ("/server/nap/xlsx", Fixture, NULL,
              fixture_set_up, test_nap_xlsx, fixture_tear_down);

  return g_test_run ();
}
