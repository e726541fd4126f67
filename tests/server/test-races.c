/* test-races.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-races"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>

#include "kvota-test-server.h"

/* Requests that race for the same thing, over real HTTP: two
 * administrators deciding one transfer, an intermediary's sales or a
 * holder's transfers competing for the same units, a withdrawal crossing
 * a sale. Each request of a race has its own client and connection, and
 * they all reach the server at the same moment: the server is stopped
 * (SIGSTOP) while they are written into its sockets, and continued
 * (SIGCONT) once every one of them waits there. Whatever order the server
 * takes them in, exactly the requests that fit must win, the others must be
 * refused with the documented error and change nothing, the ledger must
 * balance, the audit journal must hold one entry per change, and
 * `kvotactl verify` must accept the registry the server leaves behind. */

#define VINTAGE 2014
#define ISSUED  100000

typedef struct
{
  KvotaTestServer *server;
  char            *admin;
  char            *admin2;
  char            *rep_nature;
  char            *rep_broker;
  char            *rep_a;
  char            *documents;   /* [{"name", "data"}] with a PDF, for sales and transfers */
  gint64           issued;      /* quotas of VINTAGE issued so far */
} Fixture;

/* A one-page PDF: an exchange confirmation, or a contract. */
static const char confirmation_pdf[] =
  "%PDF-1.4\n"
  "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
  "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
  "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
  "trailer << /Root 1 0 R >>\n"
  "%%EOF\n";

/* Races */

typedef struct _Race Race;

typedef struct
{
  Race           *race;
  const char     *name;         /* who sends it, for the test's log */
  SoupSession    *session;
  SoupMessage    *message;
  guint64         connection;   /* the connection opened beforehand */
  gboolean        written;
  guint           answered;     /* 1 for the first answer, 2 for the next… */
  KvotaTestReply *reply;
  GError         *error;
} Contender;

struct _Race
{
  KvotaTestServer *server;
  GPtrArray       *contenders;
  guint            n_written;
  guint            n_answered;
};

static void
contender_free (gpointer data)
{
  Contender *contender = data;

  g_clear_object (&contender->message);
  g_clear_object (&contender->session);
  g_clear_pointer (&contender->reply, kvota_test_reply_free);
  g_clear_error (&contender->error);
  g_free (contender);
}

static Race *
race_new (KvotaTestServer *server)
{
  Race *race = g_new0 (Race, 1);

  race->server = server;
  race->contenders = g_ptr_array_new_with_free_func (contender_free);

  return race;
}

static void
race_free (Race *race)
{
  g_ptr_array_unref (race->contenders);
  g_free (race);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Race, race_free)

static void
wrote_body_cb (SoupMessage *message,
               gpointer     user_data)
{
  Contender *contender = user_data;

  if (!contender->written)
    {
      contender->written = TRUE;
      contender->race->n_written++;
    }
}

/* Adds a POST of BODY (or none) to PATH by TOKEN; NAME says who it is in
 * the test's log. It gets a client of its own, whose connection is opened
 * now, so that sending the request later needs no new connection: the
 * server accepts none while it is stopped. */
static guint
race_add (Race       *race,
          const char *name,
          const char *token,
          const char *path,
          const char *body)
{
  Contender *contender = g_new0 (Contender, 1);
  g_autoptr(SoupMessage) health = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  contender->race = race;
  contender->name = name;
  contender->session = soup_session_new_with_options ("timeout", 60,
                                                      "idle-timeout", 60,
                                                      NULL);

  health = kvota_test_server_message_new (race->server, "GET", "/api/v1/health", NULL);
  bytes = soup_session_send_and_read (contender->session, health, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (health), ==, 200);
  contender->connection = soup_message_get_connection_id (health);
  g_assert_cmpuint (contender->connection, >, 0);

  contender->message = kvota_test_server_message_new (race->server, "POST", path, token);
  if (body != NULL)
    {
      g_autoptr(GBytes) request_body = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (contender->message, "application/json", request_body);
    }

  /* libsoup sends a POST on a new connection, never an idle one, unless
   * the request may be resent should the idle connection turn out to be
   * closed. The server closes none here, so nothing is resent: race_run()
   * checks that the request went on the connection opened above. */
  soup_message_add_flags (contender->message, SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect (contender->message, "wrote-body", G_CALLBACK (wrote_body_cb), contender);

  g_ptr_array_add (race->contenders, contender);
  return race->contenders->len - 1;
}

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Contender *contender = user_data;
  g_autoptr(GBytes) body = NULL;
  KvotaTestReply *reply;
  const char *content_type;

  contender->answered = ++contender->race->n_answered;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &contender->error);
  if (body == NULL)
    return;

  reply = g_new0 (KvotaTestReply, 1);
  reply->status = soup_message_get_status (contender->message);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (contender->message));
  reply->body = g_steal_pointer (&body);
  content_type = soup_message_headers_get_content_type (reply->headers, NULL);

  if (g_bytes_get_size (reply->body) > 0 && g_strcmp0 (content_type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gsize length;
      const char *data = g_bytes_get_data (reply->body, &length);

      /* Checked once every request is in: an assertion here would leave
       * the others running. */
      if (json_parser_load_from_data (parser, data, (gssize) length, &contender->error))
        reply->json = json_node_ref (json_parser_get_root (parser));
    }

  contender->reply = reply;
}

static gboolean
race_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Sends every request of the race at once, and waits for every answer. */
static void
race_run (Race *race)
{
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  guint n = race->contenders->len;
  guint written_while_stopped;
  guint answered_while_stopped;
  gboolean timed_out = FALSE;

  g_assert_cmpuint (n, >=, 2);
  g_assert_nonnull (race->server->process);

  /* A stopped process runs no code once the signal is sent: whatever it
   * finds in its sockets when it is continued, it finds all at once. */
  g_subprocess_send_signal (race->server->process, SIGSTOP);

  for (guint i = 0; i < n; i++)
    {
      Contender *contender = g_ptr_array_index (race->contenders, i);

      soup_session_send_and_read_async (contender->session, contender->message, G_PRIORITY_DEFAULT, NULL,
                                        answered_cb, contender);
    }

  /* The requests are written into the kernel's socket buffers; wait for
   * that, but not forever, and assert nothing before SIGCONT: a failed
   * test's SIGTERM would stay pending in a stopped server, for good. */
  timeout = g_timeout_source_new_seconds (20);
  g_source_set_callback (timeout, race_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (race->n_written < n && race->n_answered == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);

  written_while_stopped = race->n_written;
  answered_while_stopped = race->n_answered;
  g_subprocess_send_signal (race->server->process, SIGCONT);

  /* Bounded by the clients' timeout. */
  while (race->n_answered < n)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (answered_while_stopped, ==, 0);
  g_assert_cmpuint (written_while_stopped, ==, n);

  for (guint i = 0; i < n; i++)
    {
      Contender *contender = g_ptr_array_index (race->contenders, i);

      g_assert_no_error (contender->error);
      g_assert_nonnull (contender->reply);
      /* Sent on the connection opened beforehand, not a new one. */
      g_assert_cmpuint (soup_message_get_connection_id (contender->message), ==, contender->connection);
    }

  for (guint answered = 1; answered <= n; answered++)
    for (guint i = 0; i < n; i++)
      {
        Contender *contender = g_ptr_array_index (race->contenders, i);

        if (contender->answered == answered)
          g_string_append_printf (order, "%s%s %u", answered > 1 ? ", " : "", contender->name,
                                  contender->reply->status);
      }
  g_test_message ("%u requests at once, answered in this order: %s", n, order->str);
}

static KvotaTestReply *
race_reply (Race  *race,
            guint  index)
{
  Contender *contender = g_ptr_array_index (race->contenders, index);

  return contender->reply;
}

static const char *
race_name (Race  *race,
           guint  index)
{
  Contender *contender = g_ptr_array_index (race->contenders, index);

  return contender->name;
}

/* How many of the race's requests got STATUS. */
static guint
race_count (Race  *race,
            guint  status)
{
  guint count = 0;

  for (guint i = 0; i < race->contenders->len; i++)
    if (race_reply (race, i)->status == status)
      count++;

  return count;
}

/* Fixture */

/* USER_DATA, when not NULL, is the registry's four-eyes threshold. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  user_data)
{
  const char *four_eyes_threshold = user_data;
  g_autofree char *pdf_base64 = NULL;

  f->server = kvota_test_server_new ();
  if (four_eyes_threshold != NULL)
    kvota_test_server_set_setting (f->server, "four-eyes-threshold", four_eyes_threshold);
  kvota_test_server_start (f->server, NULL);

  f->admin = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN);
  f->admin2 = kvota_test_server_login (f->server, KVOTA_TEST_ADMIN2);
  f->rep_nature = kvota_test_server_login (f->server, KVOTA_TEST_REP_NATURE);
  f->rep_broker = kvota_test_server_login (f->server, KVOTA_TEST_REP_BROKER);
  f->rep_a = kvota_test_server_login (f->server, KVOTA_TEST_REP_A);

  pdf_base64 = g_base64_encode ((const guchar *) confirmation_pdf, strlen (confirmation_pdf));
  f->documents = g_strdup_printf ("[{\"name\": \"deal confirmation.pdf\", \"data\": \"%s\"}]", pdf_base64);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  user_data)
{
  g_free (f->admin);
  g_free (f->admin2);
  g_free (f->rep_nature);
  g_free (f->rep_broker);
  g_free (f->rep_a);
  g_free (f->documents);
  g_clear_pointer (&f->server, kvota_test_server_free);
}

/* Requests, one at a time */

static void
issue (Fixture    *f,
       const char *account,
       gint64      quantity)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_requestf (f->server, "POST", "/api/v1/issuances", f->admin,
                                      "{\"account\": \"%s\", \"unit_type\": \"quota\", \"vintage\": %d, "
                                      "\"quantity\": %" G_GINT64_FORMAT "}", account, VINTAGE, quantity);
  kvota_test_assert_status (reply, 201);
  f->issued += quantity;
}

/* The nature user chooses the broker, which then sells for it. */
static void
choose_broker (Fixture *f)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_requestf (f->server, "POST", "/api/v1/mandates", f->rep_nature,
                                      "{\"intermediary_id\": %" G_GINT64_FORMAT "}",
                                      f->server->organisation_broker);
  kvota_test_assert_status (reply, 201);
}

/* The nature user signs QUANTITY for sale; returns the order's id. */
static gint64
sign (Fixture *f,
      gint64   quantity)
{
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_requestf (f->server, "POST", "/api/v1/sale-orders", f->rep_nature,
                                      "{\"unit_type\": \"quota\", \"vintage\": %d, "
                                      "\"quantity\": %" G_GINT64_FORMAT "}", VINTAGE, quantity);
  kvota_test_assert_status (reply, 201);
  g_assert_cmpint (kvota_test_reply_get_int (reply, "sale_order.reserved"), ==, quantity);
  return kvota_test_reply_get_int (reply, "sale_order.id");
}

static char *
sale_path (gint64 order)
{
  return g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/transfers", order);
}

static char *
sale_body (Fixture    *f,
           const char *to_account,
           gint64      quantity)
{
  return g_strdup_printf ("{\"to_account\": \"%s\", \"quantity\": %" G_GINT64_FORMAT ", "
                          "\"price_tiyn\": 150000, \"deal_date\": \"2014-03-05\", "
                          "\"reference\": \"KASE 2014/race\", \"documents\": %s}",
                          to_account, quantity, f->documents);
}

static char *
transfer_body (Fixture    *f,
               const char *to_account,
               gint64      quantity)
{
  return g_strdup_printf ("{\"from_account\": \"%s\", \"to_account\": \"%s\", \"unit_type\": \"quota\", "
                          "\"vintage\": %d, \"quantity\": %" G_GINT64_FORMAT ", \"documents\": %s}",
                          f->server->account_a, to_account, VINTAGE, quantity, f->documents);
}

static char *
decide_path (gint64      id,
             const char *action)
{
  return g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/%s", id, action);
}

/* The broker's sale from ORDER, one at a time; returns the transaction. */
static gint64
propose_sale (Fixture    *f,
              gint64      order,
              const char *to_account,
              gint64      quantity)
{
  g_autofree char *path = sale_path (order);
  g_autofree char *body = sale_body (f, to_account, quantity);
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (f->server, "POST", path, f->rep_broker, body, -1);
  kvota_test_assert_status (reply, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "proposed");
  return kvota_test_reply_get_int (reply, "transaction.id");
}

/* A's own transfer, one at a time; returns the transaction. */
static gint64
propose_transfer (Fixture    *f,
                  const char *to_account,
                  gint64      quantity)
{
  g_autofree char *body = transfer_body (f, to_account, quantity);
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (f->server, "POST", "/api/v1/transfers", f->rep_a, body, -1);
  kvota_test_assert_status (reply, 201);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "proposed");
  return kvota_test_reply_get_int (reply, "transaction.id");
}

static void
decide (Fixture    *f,
        gint64      id,
        const char *action,
        const char *body,
        const char *state)
{
  g_autofree char *path = decide_path (id, action);
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (f->server, "POST", path, f->admin, body, -1);
  kvota_test_assert_status (reply, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, state);
}

static void
withdraw_all (Fixture *f,
              gint64   order)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/withdraw", order);
  g_autoptr(KvotaTestReply) reply = NULL;

  reply = kvota_test_server_request (f->server, "POST", path, f->rep_nature, NULL, 0);
  kvota_test_assert_status (reply, 200);
}

/* State */

static KvotaHolding
get_holding (Fixture    *f,
             const char *account)
{
  KvotaHolding holding;

  kvota_test_server_get_holding (f->server, f->admin, account, "quota", VINTAGE, &holding);
  g_assert_cmpint (holding.surrendered, ==, 0);
  g_assert_cmpint (holding.cancelled, ==, 0);
  return holding;
}

#define assert_holding(f, account, available_, reserved_, pending_)               \
  G_STMT_START {                                                                  \
    KvotaHolding h_ = get_holding ((f), (account));                               \
    g_assert_cmpint (h_.available, ==, (available_));                             \
    g_assert_cmpint (h_.reserved, ==, (reserved_));                               \
    g_assert_cmpint (h_.pending, ==, (pending_));                                 \
  } G_STMT_END

/* Order ID as the administrator sees it; it must be there. */
static JsonObject *
get_order (Fixture *f,
           gint64   id)
{
  g_autoptr(KvotaTestReply) reply = NULL;
  JsonArray *orders;

  reply = kvota_test_server_request (f->server, "GET", "/api/v1/sale-orders", f->admin, NULL, 0);
  kvota_test_assert_status (reply, 200);
  orders = json_node_get_array (kvota_test_reply_lookup (reply, "sale_orders"));
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);

      if (json_object_get_int_member (order, "id") == id)
        return json_object_ref (order);
    }

  g_error ("Sale order %" G_GINT64_FORMAT " is not in the list", id);
}

#define assert_order(f, id, reserved_, pending_, state_)                               \
  G_STMT_START {                                                                        \
    g_autoptr(JsonObject) o_ = get_order ((f), (id));                                   \
    g_assert_cmpint (json_object_get_int_member (o_, "reserved"), ==, (reserved_));     \
    g_assert_cmpint (json_object_get_int_member (o_, "pending"), ==, (pending_));       \
    g_assert_cmpstr (json_object_get_string_member (o_, "state"), ==, (state_));        \
  } G_STMT_END

/* GET /api/v1/transactions/{id} as the administrator. */
static KvotaTestReply *
get_transaction (Fixture *f,
                 gint64   id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT, id);
  KvotaTestReply *reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

  kvota_test_assert_status (reply, 200);
  return reply;
}

/* How many transfers from or to ACCOUNT are proposed and undecided. */
static guint
count_proposed (Fixture    *f,
                const char *account)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions?state=proposed&kind=transfer&limit=500&account=%s",
                                           account);
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (f->server, "GET", path, f->admin, NULL, 0);

  kvota_test_assert_status (reply, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (kvota_test_reply_lookup (reply, "next")));
  return kvota_test_reply_get_length (reply, "transactions");
}

/* The ledger balances (kvota_test_server_ledger() checks it), and holds
 * all that was issued and nothing else. */
static void
assert_balanced (Fixture *f)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *ledger = kvota_test_server_ledger (f->server, f->admin);
  g_autoptr(GError) error = NULL;
  JsonArray *totals;

  json_parser_load_from_data (parser, ledger, -1, &error);
  g_assert_no_error (error);
  totals = json_node_get_array (kvota_test_json_lookup (json_parser_get_root (parser), "totals"));
  g_assert_cmpuint (json_array_get_length (totals), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (totals, 0), "unit_type"), ==,
                   "quota");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (totals, 0), "vintage"), ==,
                   VINTAGE);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (totals, 0), "issued"), ==,
                   f->issued);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (totals, 0), "held"), ==,
                   f->issued);
}

/* Entries of the journal with ACTION, on OBJECT unless it is NULL. */
static guint
count_audit (Fixture    *f,
             const char *action,
             const char *object)
{
  g_autoptr(JsonArray) entries = kvota_test_server_audit (f->server, f->admin);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "action"), action) == 0 &&
          (object == NULL || g_strcmp0 (json_object_get_string_member (entry, "object"), object) == 0))
        n++;
    }

  return n;
}

static guint
count_audit_transaction (Fixture    *f,
                         const char *action,
                         gint64      id)
{
  g_autofree char *object = g_strdup_printf ("transaction/%" G_GINT64_FORMAT, id);

  return count_audit (f, action, object);
}

/* Stops the server as an operator would and checks the registry with
 * `kvotactl verify`. */
static void
stop_and_verify (Fixture *f)
{
  kvota_test_server_stop (f->server);
  kvota_test_server_verify (f->server);
}

/* Tests */

/* Two administrators confirm the same transfer at the same moment: the
 * units move once, and the second is told the transfer is decided. */
static void
test_races_confirm_twice (Fixture       *f,
                          gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  static const char * const names[] = { "admin", "admin2" };
  gint64 moved = 0;
  gint64 sold = 0;
  gint64 order;

  issue (f, server->account_a, 10000);
  issue (f, server->account_nature, ISSUED);
  choose_broker (f);
  order = sign (f, 3000);

  /* Transfers of A's own, then the broker's sales from the order: the
   * last of them sells what is left, which closes the order. */
  for (guint round = 0; round < 6; round++)
    {
      gboolean sale = round >= 3;
      gint64 quantity = sale ? 1000 : 100 * (round + 1);
      gint64 id = sale ? propose_sale (f, order, server->account_b, quantity)
                       : propose_transfer (f, server->account_b, quantity);
      g_autofree char *path = decide_path (id, "confirm");
      g_autoptr(Race) race = race_new (server);
      g_autoptr(KvotaTestReply) transaction = NULL;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      guint winner;
      guint loser;

      /* Which of them the server takes first is its business; change who
       * is sent first anyway. */
      if (round % 2 == 0)
        {
          race_add (race, names[0], f->admin, path, NULL);
          race_add (race, names[1], f->admin2, path, NULL);
        }
      else
        {
          race_add (race, names[1], f->admin2, path, NULL);
          race_add (race, names[0], f->admin, path, NULL);
        }
      race_run (race);

      g_assert_cmpuint (race_count (race, 200), ==, 1);
      winner = race_reply (race, 0)->status == 200 ? 0 : 1;
      loser = 1 - winner;
      kvota_test_assert_status (race_reply (race, winner), 200);
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.state"), ==,
                       "completed");
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.decided_by"), ==,
                       race_name (race, winner));
      kvota_test_assert_error (race_reply (race, loser), 409, "invalid-state");

      /* The transfer says who decided it, and the units moved once. */
      transaction = get_transaction (f, id);
      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, "completed");
      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.decided_by"), ==,
                       kvota_test_reply_get_string (race_reply (race, winner), "transaction.decided_by"));
      if (sale)
        sold += quantity;
      else
        moved += quantity;
      assert_holding (f, server->account_a, 10000 - moved, 0, 0);
      assert_holding (f, server->account_b, moved + sold, 0, 0);
      assert_holding (f, server->account_nature, ISSUED - 3000, 3000 - sold, 0);
      assert_order (f, order, 3000 - sold, 0, sold == 3000 ? "sold" : "open");

      /* One confirmation in the journal, and nothing else. */
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.confirm", id), ==, 1);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);
      assert_balanced (f);
    }

  g_assert_cmpuint (count_audit (f, "ledger.transfer.confirm", NULL), ==, 6);
  g_assert_cmpuint (count_proposed (f, server->account_a), ==, 0);
  g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 0);
  stop_and_verify (f);
}

/* Confirmations that arrive together share one commit (the server's group
 * commit): each succeeds or fails alone all the same, and each that was
 * answered as done survives the server being killed right after. */
static void
test_races_group_commit (Fixture       *f,
                         gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  g_autoptr(Race) race = race_new (server);
  g_autofree char *missing = decide_path (999999, "confirm");
  g_autofree char *twice = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gint64 ids[5];
  guint audit_before;

  issue (f, server->account_a, 10000);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      ids[i] = propose_transfer (f, server->account_b, 100 * (i + 1));
      g_ptr_array_add (paths, decide_path (ids[i], "confirm"));
      race_add (race, i % 2 == 0 ? "admin" : "admin2", i % 2 == 0 ? f->admin : f->admin2,
                g_ptr_array_index (paths, i), NULL);
    }
  /* The third again, by the other administrator, and one that is not there. */
  twice = decide_path (ids[2], "confirm");
  race_add (race, "admin2", f->admin2, twice, NULL);
  race_add (race, "admin", f->admin, missing, NULL);
  audit_before = kvota_test_server_count_audit (server, f->admin);

  race_run (race);

  g_assert_cmpuint (race_count (race, 200), ==, 5);
  g_assert_cmpuint (race_count (race, 409), ==, 1);
  kvota_test_assert_error (race_reply (race, 6), 404, "not-found");
  for (guint i = 0; i < 5; i++)
    {
      KvotaTestReply *reply = race_reply (race, i == 2 && race_reply (race, 2)->status != 200 ? 5 : i);

      kvota_test_assert_status (reply, 200);
      g_assert_cmpint (kvota_test_reply_get_int (reply, "transaction.id"), ==, ids[i]);
      g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "completed");
    }

  /* Answered means written: a power cut now loses none of it. */
  kvota_test_server_kill (server);
  kvota_test_server_start (server, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(KvotaTestReply) transaction = get_transaction (f, ids[i]);

      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, "completed");
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.confirm", ids[i]), ==, 1);
    }
  assert_holding (f, server->account_a, 10000 - 1500, 0, 0);
  assert_holding (f, server->account_b, 1500, 0, 0);
  g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 5);
  assert_balanced (f);
  stop_and_verify (f);
}

/* A decision against another one on the same transfer: an administrator
 * confirms while another rejects it, or while A cancels its own. Exactly
 * one wins, and the units are where the winner put them. */
static void
test_races_confirm_reject (Fixture       *f,
                           gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  gint64 a_available = 10000;
  gint64 b_available = 0;
  gint64 order_reserved = 5000;
  gint64 order;
  guint confirmed = 0;
  guint undone = 0;

  issue (f, server->account_a, a_available);
  issue (f, server->account_nature, ISSUED);
  choose_broker (f);
  order = sign (f, order_reserved);

  /* Rounds 0-3: A's transfers, confirmed or rejected; 4-7: the broker's
   * sales, whose rejection gives the units back to the order; 8-11: A's
   * transfers, confirmed or cancelled by A. */
  for (guint round = 0; round < 12; round++)
    {
      gboolean sale = round >= 4 && round < 8;
      gboolean cancel = round >= 8;
      gint64 quantity = 100 + round;
      gint64 id = sale ? propose_sale (f, order, server->account_b, quantity)
                       : propose_transfer (f, server->account_b, quantity);
      g_autofree char *confirm_path = decide_path (id, "confirm");
      g_autofree char *undo_path = decide_path (id, cancel ? "cancel" : "reject");
      const char *undo_action = cancel ? "ledger.transfer.cancel" : "ledger.transfer.reject";
      const char *undo_state = cancel ? "cancelled" : "rejected";
      const char *undo_body = cancel ? "{\"reason\": \"The buyer changed its mind.\"}"
                                     : "{\"reason\": \"The confirmation does not match the deal.\"}";
      g_autoptr(Race) race = race_new (server);
      g_autoptr(KvotaTestReply) transaction = NULL;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      guint confirm;
      guint undo;
      gboolean confirm_won;

      if (round % 2 == 0)
        {
          confirm = race_add (race, "admin confirms", f->admin, confirm_path, NULL);
          undo = race_add (race, cancel ? "rep-a cancels" : "admin2 rejects",
                           cancel ? f->rep_a : f->admin2, undo_path, undo_body);
        }
      else
        {
          undo = race_add (race, cancel ? "rep-a cancels" : "admin2 rejects",
                           cancel ? f->rep_a : f->admin2, undo_path, undo_body);
          confirm = race_add (race, "admin confirms", f->admin, confirm_path, NULL);
        }
      race_run (race);

      g_assert_cmpuint (race_count (race, 200), ==, 1);
      confirm_won = race_reply (race, confirm)->status == 200;
      transaction = get_transaction (f, id);

      if (confirm_won)
        {
          g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, confirm), "transaction.state"), ==,
                           "completed");
          kvota_test_assert_error (race_reply (race, undo), 409, "invalid-state");
          g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, "completed");
          g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.decided_by"), ==, "admin");
          b_available += quantity;
          if (sale)
            order_reserved -= quantity;
          else
            a_available -= quantity;
          confirmed++;
        }
      else
        {
          kvota_test_assert_status (race_reply (race, undo), 200);
          g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, undo), "transaction.state"), ==,
                           undo_state);
          kvota_test_assert_error (race_reply (race, confirm), 409, "invalid-state");
          g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, undo_state);
          g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.decided_by"), ==,
                           cancel ? "rep-a" : "admin2");
          undone++;
        }

      /* Exactly the winner's entry in the journal. */
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.confirm", id), ==, confirm_won ? 1 : 0);
      g_assert_cmpuint (count_audit_transaction (f, undo_action, id), ==, confirm_won ? 0 : 1);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);

      /* Nothing is left pending either way; a failed sale's units are for
       * sale again under their order. */
      assert_holding (f, server->account_a, a_available, 0, 0);
      assert_holding (f, server->account_b, b_available, 0, 0);
      assert_holding (f, server->account_nature, ISSUED - 5000, order_reserved, 0);
      assert_order (f, order, order_reserved, 0, "open");
      assert_balanced (f);
    }

  g_test_message ("%u confirmed, %u rejected or cancelled", confirmed, undone);
  g_assert_cmpuint (count_proposed (f, server->account_a), ==, 0);
  g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 0);
  stop_and_verify (f);
}

/* The broker proposes two sales from one order at the same moment, each
 * for more than half of it: one is accepted, the other finds too few
 * units reserved. */
static void
test_races_sale_twice (Fixture       *f,
                       gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  static const gint64 quantities[][2] = { { 600, 1000 }, { 1000, 501 }, { 1000, 1000 }, { 999, 502 } };
  gint64 signed_ = 0;
  gint64 in_sale = 0;

  issue (f, server->account_nature, ISSUED);
  choose_broker (f);

  for (guint round = 0; round < G_N_ELEMENTS (quantities); round++)
    {
      gint64 order = sign (f, 1000);
      g_autofree char *path = sale_path (order);
      g_autofree char *to_a = sale_body (f, server->account_a, quantities[round][0]);
      g_autofree char *to_b = sale_body (f, server->account_b, quantities[round][1]);
      g_autoptr(Race) race = race_new (server);
      g_autoptr(KvotaTestReply) transaction = NULL;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      guint a;
      guint b;
      gboolean a_won;
      guint winner;
      guint loser;
      gint64 sold;
      gint64 id;

      signed_ += 1000;
      if (round % 2 == 0)
        {
          a = race_add (race, "sale to A", f->rep_broker, path, to_a);
          b = race_add (race, "sale to B", f->rep_broker, path, to_b);
        }
      else
        {
          b = race_add (race, "sale to B", f->rep_broker, path, to_b);
          a = race_add (race, "sale to A", f->rep_broker, path, to_a);
        }
      race_run (race);

      g_assert_cmpuint (race_count (race, 201), ==, 1);
      a_won = race_reply (race, a)->status == 201;
      winner = a_won ? a : b;
      loser = a_won ? b : a;
      sold = quantities[round][a_won ? 0 : 1];
      kvota_test_assert_error (race_reply (race, loser), 409, "insufficient-units");
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, loser), "error.field"), ==, "quantity");

      id = kvota_test_reply_get_int (race_reply (race, winner), "transaction.id");
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.state"), ==,
                       "proposed");
      g_assert_cmpint (kvota_test_reply_get_int (race_reply (race, winner), "transaction.quantity"), ==, sold);
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.to_account"), ==,
                       a_won ? server->account_a : server->account_b);
      transaction = get_transaction (f, id);
      g_assert_cmpint (kvota_test_reply_get_int (transaction, "transaction.order_id"), ==, order);

      /* One sale is pending, from this order; the rest is still for sale. */
      in_sale += sold;
      assert_order (f, order, 1000 - sold, sold, "open");
      assert_holding (f, server->account_nature, ISSUED - signed_, signed_ - in_sale, in_sale);
      assert_holding (f, server->account_a, 0, 0, 0);
      assert_holding (f, server->account_b, 0, 0, 0);
      g_assert_cmpuint (count_proposed (f, server->account_nature), ==, round + 1);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.propose", id), ==, 1);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);
      assert_balanced (f);
    }

  stop_and_verify (f);
}

/* Twenty sales of one unit each from an order of seven, at the same
 * moment: seven are accepted, each with a unit of its own. */
static void
test_races_sale_many (Fixture       *f,
                      gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  g_autoptr(GHashTable) serials = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(Race) race = race_new (server);
  g_autoptr(Race) confirmations = race_new (server);
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  guint audit_before;
  gint64 order;

  issue (f, server->account_nature, ISSUED);
  choose_broker (f);
  order = sign (f, 7);
  path = sale_path (order);
  body = sale_body (f, server->account_a, 1);

  audit_before = kvota_test_server_count_audit (server, f->admin);
  for (guint i = 0; i < 20; i++)
    race_add (race, "sale of 1", f->rep_broker, path, body);
  race_run (race);

  g_assert_cmpuint (race_count (race, 201), ==, 7);
  g_assert_cmpuint (race_count (race, 409), ==, 13);
  for (guint i = 0; i < 20; i++)
    {
      KvotaTestReply *reply = race_reply (race, i);
      g_autoptr(KvotaTestReply) transaction = NULL;
      gint64 id;
      gint64 *serial;

      if (reply->status != 201)
        {
          kvota_test_assert_error (reply, 409, "insufficient-units");
          continue;
        }

      /* Each accepted sale holds one unit that no other sale holds. */
      id = kvota_test_reply_get_int (reply, "transaction.id");
      g_array_append_val (ids, id);
      transaction = get_transaction (f, id);
      g_assert_cmpuint (kvota_test_reply_get_length (transaction, "transaction.serials"), ==, 1);
      serial = g_new (gint64, 1);
      *serial = kvota_test_reply_get_int (transaction, "transaction.serials.0.first");
      g_assert_cmpint (kvota_test_reply_get_int (transaction, "transaction.serials.0.last"), ==, *serial);
      g_assert_false (g_hash_table_contains (serials, serial));
      g_hash_table_add (serials, serial);
    }

  assert_order (f, order, 0, 7, "open");
  assert_holding (f, server->account_nature, ISSUED - 7, 0, 7);
  g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 7);
  g_assert_cmpuint (count_audit (f, "ledger.transfer.propose", NULL), ==, 7);
  g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 7);
  assert_balanced (f);

  /* The two administrators confirm the seven at once, turn about: seven
   * different transfers, so every one succeeds, and the order is sold. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *confirm = decide_path (g_array_index (ids, gint64, i), "confirm");

      race_add (confirmations, i % 2 == 0 ? "admin" : "admin2", i % 2 == 0 ? f->admin : f->admin2, confirm,
                NULL);
    }
  race_run (confirmations);
  for (guint i = 0; i < ids->len; i++)
    {
      kvota_test_assert_status (race_reply (confirmations, i), 200);
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (confirmations, i), "transaction.state"), ==,
                       "completed");
    }

  assert_order (f, order, 0, 0, "sold");
  assert_holding (f, server->account_nature, ISSUED - 7, 0, 0);
  assert_holding (f, server->account_a, 7, 0, 0);
  g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 0);
  g_assert_cmpuint (count_audit (f, "ledger.transfer.confirm", NULL), ==, 7);
  g_assert_cmpuint (count_audit (f, "sale-order.sign", NULL), ==, 1);
  assert_balanced (f);

  stop_and_verify (f);
}

/* A's representative proposes two transfers of its own units at the same
 * moment, which cannot both fit: one is accepted. Then many small ones:
 * exactly as many as fit. */
static void
test_races_transfer (Fixture       *f,
                     gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  static const gint64 quantities[][2] = { { 600, 1000 }, { 1000, 600 }, { 1000, 1000 } };
  gint64 in_transfer = 0;

  for (guint round = 0; round < G_N_ELEMENTS (quantities); round++)
    {
      g_autofree char *to_b = transfer_body (f, server->account_b, quantities[round][0]);
      g_autofree char *to_nature = transfer_body (f, server->account_nature, quantities[round][1]);
      g_autoptr(Race) race = race_new (server);
      guint audit_before;
      guint b;
      guint nature;
      gboolean b_won;
      guint winner;
      guint loser;
      gint64 available;
      gint64 quantity;

      /* A has 1000 available at the start of each round (the transfers
       * of the rounds before stay pending with theirs). */
      available = get_holding (f, server->account_a).available;
      if (available < 1000)
        issue (f, server->account_a, 1000 - available);
      audit_before = kvota_test_server_count_audit (server, f->admin);

      if (round % 2 == 0)
        {
          b = race_add (race, "transfer to B", f->rep_a, "/api/v1/transfers", to_b);
          nature = race_add (race, "transfer to the CHP", f->rep_a, "/api/v1/transfers", to_nature);
        }
      else
        {
          nature = race_add (race, "transfer to the CHP", f->rep_a, "/api/v1/transfers", to_nature);
          b = race_add (race, "transfer to B", f->rep_a, "/api/v1/transfers", to_b);
        }
      race_run (race);

      g_assert_cmpuint (race_count (race, 201), ==, 1);
      b_won = race_reply (race, b)->status == 201;
      winner = b_won ? b : nature;
      loser = b_won ? nature : b;
      quantity = quantities[round][b_won ? 0 : 1];
      kvota_test_assert_error (race_reply (race, loser), 409, "insufficient-units");
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, loser), "error.field"), ==, "quantity");
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.state"), ==,
                       "proposed");
      g_assert_cmpint (kvota_test_reply_get_int (race_reply (race, winner), "transaction.quantity"), ==, quantity);
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.from_account"), ==,
                       server->account_a);
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, winner), "transaction.to_account"), ==,
                       b_won ? server->account_b : server->account_nature);

      in_transfer += quantity;
      assert_holding (f, server->account_a, f->issued - in_transfer, 0, in_transfer);
      assert_holding (f, server->account_b, 0, 0, 0);
      g_assert_cmpuint (count_proposed (f, server->account_a), ==, round + 1);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);
      assert_balanced (f);
    }

  /* 25 transfers of 3 units against what is available, topped up to 10:
   * three fit, the one unit left does not. */
  {
    g_autofree char *body = transfer_body (f, server->account_b, 3);
    g_autoptr(Race) race = race_new (server);
    gint64 available = get_holding (f, server->account_a).available;
    guint audit_before;

    g_assert_cmpint (available, <, 10);
    issue (f, server->account_a, 10 - available);
    audit_before = kvota_test_server_count_audit (server, f->admin);
    for (guint i = 0; i < 25; i++)
      race_add (race, "transfer of 3", f->rep_a, "/api/v1/transfers", body);
    race_run (race);

    g_assert_cmpuint (race_count (race, 201), ==, 3);
    g_assert_cmpuint (race_count (race, 409), ==, 22);
    for (guint i = 0; i < 25; i++)
      if (race_reply (race, i)->status != 201)
        kvota_test_assert_error (race_reply (race, i), 409, "insufficient-units");

    in_transfer += 9;
    assert_holding (f, server->account_a, 1, 0, in_transfer);
    g_assert_cmpuint (count_proposed (f, server->account_a), ==, G_N_ELEMENTS (quantities) + 3);
    g_assert_cmpuint (count_audit (f, "ledger.transfer.propose", NULL), ==, G_N_ELEMENTS (quantities) + 3);
    g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 3);
    assert_balanced (f);
  }

  stop_and_verify (f);
}

/* The nature user withdraws an order while the broker sells from it. Each
 * outcome the server may choose is consistent: the sale first and the
 * rest withdrawn (or nothing left to withdraw), or the order withdrawn
 * first and the sale refused. Deciding the sale afterwards settles it. */
static void
test_races_withdraw_sale (Fixture       *f,
                          gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  gint64 sold = 0;
  guint sale_first = 0;
  guint withdrawal_first = 0;

  issue (f, server->account_nature, ISSUED);
  choose_broker (f);

  for (guint round = 0; round < 8; round++)
    {
      /* Part of the order, or all of it. */
      gint64 quantity = round % 4 < 2 ? 40 : 100;
      gint64 order = sign (f, 100);
      g_autofree char *path = sale_path (order);
      g_autofree char *body = sale_body (f, server->account_a, quantity);
      g_autofree char *withdraw_path = g_strdup_printf ("/api/v1/sale-orders/%" G_GINT64_FORMAT "/withdraw", order);
      g_autoptr(Race) race = race_new (server);
      KvotaTestReply *sale;
      KvotaTestReply *withdrawal;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      gint64 id = 0;

      if (round % 2 == 0)
        {
          race_add (race, "sale", f->rep_broker, path, body);
          race_add (race, "withdrawal", f->rep_nature, withdraw_path, NULL);
        }
      else
        {
          race_add (race, "withdrawal", f->rep_nature, withdraw_path, NULL);
          race_add (race, "sale", f->rep_broker, path, body);
        }
      race_run (race);
      sale = race_reply (race, round % 2 == 0 ? 0 : 1);
      withdrawal = race_reply (race, round % 2 == 0 ? 1 : 0);

      if (sale->status == 201)
        {
          /* The sale came first: its units stay in it; the rest, if any,
           * is withdrawn, and the order stays open for the sale. */
          sale_first++;
          id = kvota_test_reply_get_int (sale, "transaction.id");
          g_assert_cmpint (kvota_test_reply_get_int (sale, "transaction.quantity"), ==, quantity);
          if (quantity < 100)
            {
              kvota_test_assert_status (withdrawal, 200);
              g_assert_cmpint (kvota_test_reply_get_int (withdrawal, "sale_order.reserved"), ==, 0);
              g_assert_cmpint (kvota_test_reply_get_int (withdrawal, "sale_order.pending"), ==, quantity);
              g_assert_cmpstr (kvota_test_reply_get_string (withdrawal, "sale_order.state"), ==, "open");
              g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 2);
            }
          else
            {
              kvota_test_assert_error (withdrawal, 409, "invalid-state");
              g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);
            }
          assert_order (f, order, 0, quantity, "open");
          assert_holding (f, server->account_nature, ISSUED - sold - quantity, 0, quantity);
          g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 1);
        }
      else
        {
          /* The withdrawal came first: the order is closed, and the sale
           * is refused for it. */
          withdrawal_first++;
          kvota_test_assert_error (sale, 409, "invalid-state");
          kvota_test_assert_status (withdrawal, 200);
          g_assert_cmpint (kvota_test_reply_get_int (withdrawal, "sale_order.reserved"), ==, 0);
          g_assert_cmpint (kvota_test_reply_get_int (withdrawal, "sale_order.pending"), ==, 0);
          g_assert_cmpstr (kvota_test_reply_get_string (withdrawal, "sale_order.state"), ==, "withdrawn");
          assert_order (f, order, 0, 0, "withdrawn");
          assert_holding (f, server->account_nature, ISSUED - sold, 0, 0);
          g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 0);
          g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);
        }
      assert_balanced (f);

      /* Settle the sale: confirmed, the order is sold; rejected, its units
       * go back to the order, still open for them, and are withdrawn. */
      if (id > 0 && round % 4 < 2)
        {
          decide (f, id, "confirm", NULL, "completed");
          sold += quantity;
          assert_order (f, order, 0, 0, "sold");
        }
      else if (id > 0)
        {
          decide (f, id, "reject", "{\"reason\": \"The deal fell through.\"}", "rejected");
          assert_order (f, order, quantity, 0, "open");
          withdraw_all (f, order);
          assert_order (f, order, 0, 0, "withdrawn");
        }

      assert_holding (f, server->account_nature, ISSUED - sold, 0, 0);
      assert_holding (f, server->account_a, sold, 0, 0);
      g_assert_cmpuint (count_proposed (f, server->account_nature), ==, 0);
      assert_balanced (f);
    }

  g_test_message ("The sale came first %u times, the withdrawal %u times", sale_first, withdrawal_first);
  stop_and_verify (f);
}

/* With four eyes, a transfer above the threshold needs two
 * administrators: when both confirm at the same moment, one approves and
 * the other completes it, in whichever order the server takes them. The
 * same administrator twice at once approves it once. A confirmation and a
 * rejection at once end in a rejection either way: a rejection may follow
 * the approval, and nothing follows the rejection. */
static void
test_races_four_eyes (Fixture       *f,
                      gconstpointer  user_data)
{
  KvotaTestServer *server = f->server;
  gint64 moved = 0;

  g_assert_cmpstr (user_data, ==, "500");
  issue (f, server->account_a, 10000);

  /* Two administrators: approved and completed. */
  for (guint round = 0; round < 4; round++)
    {
      gint64 id = propose_transfer (f, server->account_b, 600);
      g_autofree char *path = decide_path (id, "confirm");
      g_autoptr(Race) race = race_new (server);
      g_autoptr(KvotaTestReply) transaction = NULL;
      KvotaTestReply *approval;
      KvotaTestReply *completion;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      guint first = round % 2 == 0 ? 0 : 1;

      race_add (race, first == 0 ? "admin" : "admin2", first == 0 ? f->admin : f->admin2, path, NULL);
      race_add (race, first == 0 ? "admin2" : "admin", first == 0 ? f->admin2 : f->admin, path, NULL);
      race_run (race);

      g_assert_cmpuint (race_count (race, 202), ==, 1);
      g_assert_cmpuint (race_count (race, 200), ==, 1);
      approval = race_reply (race, 0)->status == 202 ? race_reply (race, 0) : race_reply (race, 1);
      completion = approval == race_reply (race, 0) ? race_reply (race, 1) : race_reply (race, 0);
      g_assert_cmpstr (kvota_test_reply_get_string (approval, "transaction.state"), ==, "proposed");
      g_assert_cmpstr (kvota_test_reply_get_string (completion, "transaction.state"), ==, "completed");
      g_assert_cmpstr (kvota_test_reply_get_string (completion, "transaction.approved_by"), ==,
                       kvota_test_reply_get_string (approval, "transaction.approved_by"));
      g_assert_cmpstr (kvota_test_reply_get_string (completion, "transaction.decided_by"), !=,
                       kvota_test_reply_get_string (approval, "transaction.approved_by"));

      transaction = get_transaction (f, id);
      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, "completed");
      moved += 600;
      assert_holding (f, server->account_a, 10000 - moved, 0, 0);
      assert_holding (f, server->account_b, moved, 0, 0);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.approve", id), ==, 1);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.confirm", id), ==, 1);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 2);
      assert_balanced (f);
    }

  /* One administrator twice: approved once, and the other
   * administrator completes it. */
  for (guint round = 0; round < 2; round++)
    {
      gint64 id = propose_transfer (f, server->account_b, 700);
      g_autofree char *path = decide_path (id, "confirm");
      g_autoptr(Race) race = race_new (server);
      g_autoptr(KvotaTestReply) transaction = NULL;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      const char *token = round == 0 ? f->admin : f->admin2;
      const char *name = round == 0 ? "admin" : "admin2";
      guint approved;

      race_add (race, name, token, path, NULL);
      race_add (race, name, token, path, NULL);
      race_run (race);

      g_assert_cmpuint (race_count (race, 202), ==, 1);
      approved = race_reply (race, 0)->status == 202 ? 0 : 1;
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, approved), "transaction.approved_by"), ==,
                       name);
      kvota_test_assert_error (race_reply (race, 1 - approved), 409, "second-person-required");

      transaction = get_transaction (f, id);
      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, "proposed");
      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.approved_by"), ==, name);
      assert_holding (f, server->account_a, 10000 - moved - 700, 0, 700);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.approve", id), ==, 1);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + 1);

      {
        g_autofree char *confirm = decide_path (id, "confirm");
        g_autoptr(KvotaTestReply) reply = kvota_test_server_request (server, "POST", confirm,
                                                                     round == 0 ? f->admin2 : f->admin, NULL, 0);

        kvota_test_assert_status (reply, 200);
        g_assert_cmpstr (kvota_test_reply_get_string (reply, "transaction.state"), ==, "completed");
      }
      moved += 700;
      assert_holding (f, server->account_a, 10000 - moved, 0, 0);
      assert_holding (f, server->account_b, moved, 0, 0);
      assert_balanced (f);
    }

  /* A confirmation against a rejection: rejected either way. */
  for (guint round = 0; round < 4; round++)
    {
      gint64 id = propose_transfer (f, server->account_b, 800);
      g_autofree char *confirm_path = decide_path (id, "confirm");
      g_autofree char *reject_path = decide_path (id, "reject");
      g_autoptr(Race) race = race_new (server);
      g_autoptr(KvotaTestReply) transaction = NULL;
      guint audit_before = kvota_test_server_count_audit (server, f->admin);
      guint confirm;
      guint reject;
      gboolean approved;

      if (round % 2 == 0)
        {
          confirm = race_add (race, "admin confirms", f->admin, confirm_path, NULL);
          reject = race_add (race, "admin2 rejects", f->admin2, reject_path, "{\"reason\": \"No contract.\"}");
        }
      else
        {
          reject = race_add (race, "admin2 rejects", f->admin2, reject_path, "{\"reason\": \"No contract.\"}");
          confirm = race_add (race, "admin confirms", f->admin, confirm_path, NULL);
        }
      race_run (race);

      kvota_test_assert_status (race_reply (race, reject), 200);
      g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, reject), "transaction.state"), ==,
                       "rejected");
      approved = race_reply (race, confirm)->status == 202;
      if (approved)
        g_assert_cmpstr (kvota_test_reply_get_string (race_reply (race, confirm), "transaction.state"), ==,
                         "proposed");
      else
        kvota_test_assert_error (race_reply (race, confirm), 409, "invalid-state");

      transaction = get_transaction (f, id);
      g_assert_cmpstr (kvota_test_reply_get_string (transaction, "transaction.state"), ==, "rejected");
      assert_holding (f, server->account_a, 10000 - moved, 0, 0);
      assert_holding (f, server->account_b, moved, 0, 0);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.approve", id), ==, approved ? 1 : 0);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.reject", id), ==, 1);
      g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.confirm", id), ==, 0);
      g_assert_cmpuint (kvota_test_server_count_audit (server, f->admin), ==, audit_before + (approved ? 2 : 1));
      assert_balanced (f);
    }

  /* At or below the threshold, one confirmation completes: the second
   * finds it decided, as without four eyes. */
  {
    gint64 id = propose_transfer (f, server->account_b, 500);
    g_autofree char *path = decide_path (id, "confirm");
    g_autoptr(Race) race = race_new (server);

    race_add (race, "admin", f->admin, path, NULL);
    race_add (race, "admin2", f->admin2, path, NULL);
    race_run (race);

    g_assert_cmpuint (race_count (race, 200), ==, 1);
    g_assert_cmpuint (race_count (race, 409), ==, 1);
    kvota_test_assert_error (race_reply (race, race_reply (race, 0)->status == 200 ? 1 : 0), 409, "invalid-state");
    g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.approve", id), ==, 0);
    g_assert_cmpuint (count_audit_transaction (f, "ledger.transfer.confirm", id), ==, 1);
    moved += 500;
    assert_holding (f, server->account_a, 10000 - moved, 0, 0);
    assert_holding (f, server->account_b, moved, 0, 0);
    assert_balanced (f);
  }

  g_assert_cmpuint (count_proposed (f, server->account_a), ==, 0);
  stop_and_verify (f);
}

/* Logins */

/* The server's KVOTA_LOGIN_MAX_FAILURES: this many failed logins within
 * the window lock the username. */
#define LOGIN_MAX_FAILURES 5

static char *
login_body (const char *username,
            const char *password)
{
  return g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
}

/* A login that opened a session although the password was reset or
 * changed at the same time: it must have been done before the change, so
 * that the change ended its session as it ends all others. (Which of two
 * answers reaches its client first says nothing of which was done first.) */
static void
assert_login_ended (Fixture        *f,
                    KvotaTestReply *login)
{
  g_autoptr(KvotaTestReply) me = NULL;

  me = kvota_test_server_request (f->server, "GET", "/api/v1/me", kvota_test_reply_get_string (login, "token"),
                                  NULL, 0);
  kvota_test_assert_error (me, 401, "session-revoked");
}

/* Asserts what a login, one at a time, gets. */
static void
assert_login (Fixture    *f,
              const char *username,
              const char *password,
              guint       status,
              const char *code)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_login_as (f->server, username, password);

  kvota_test_assert_error (reply, status, code);
}

/* Wrong passwords for one username, a dozen at the same moment, as a
 * client would send them to try more guesses than the throttle allows.
 * The password of a login is checked while other requests are served, so
 * the logins being checked count as failures until they are done: no more
 * than LOGIN_MAX_FAILURES are checked, and the others are refused as they
 * would be one at a time. Spelling the username in other cases changes
 * nothing. Afterwards the username is locked even for the right password;
 * other users are not. */
static void
test_races_login_throttle (Fixture       *f,
                           gconstpointer  user_data)
{
  static const struct
  {
    KvotaTestUser      user;
    const char * const spellings[3];
  } rounds[] = {
    { KVOTA_TEST_REP_B, { "rep-b", "rep-b", "rep-b" } },
    { KVOTA_TEST_ACCT_B, { "acct-b", "ACCT-B", "Acct-B" } },
  };
  static const char * const names[] = {
    "guess 1", "guess 2", "guess 3", "guess 4", "guess 5", "guess 6",
    "guess 7", "guess 8", "guess 9", "guess 10", "guess 11", "guess 12",
  };

  for (guint round = 0; round < G_N_ELEMENTS (rounds); round++)
    {
      const char *username = kvota_test_user_name (rounds[round].user);
      g_autoptr(Race) race = race_new (f->server);

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *password = g_strdup_printf ("wrong-guess-%u", i);
          g_autofree char *body = login_body (rounds[round].spellings[i % 3], password);

          race_add (race, names[i], NULL, "/api/v1/session", body);
        }
      race_run (race);

      g_assert_cmpuint (race_count (race, 401), ==, LOGIN_MAX_FAILURES);
      g_assert_cmpuint (race_count (race, 429), ==, G_N_ELEMENTS (names) - LOGIN_MAX_FAILURES);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        kvota_test_assert_error (race_reply (race, i), race_reply (race, i)->status,
                                 race_reply (race, i)->status == 401 ? "bad-credentials" : "too-many-attempts");

      assert_login (f, username, kvota_test_user_password (rounds[round].user), 429, "too-many-attempts");
      assert_login (f, username, "wrong-guess-again", 429, "too-many-attempts");
    }

  /* A locked username locks nobody else. */
  assert_login (f, kvota_test_user_name (KVOTA_TEST_ACCT_A), "wrong-guess", 401, "bad-credentials");
  assert_login (f, kvota_test_user_name (KVOTA_TEST_ACCT_A), kvota_test_user_password (KVOTA_TEST_ACCT_A),
                201, NULL);
}

/* A login with the old password while an administrator resets it. The
 * password was right when the login began, but whichever the server takes
 * first, the login must not open a session that outlives the reset: it is
 * refused as a login after the reset is (unless it was done before the
 * reset began, and the reset ended its session), and the old password
 * goes on being refused until the user sets a new one with the key. */
static void
test_races_login_reset (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autofree char *password = g_strdup (kvota_test_user_password (KVOTA_TEST_REP_B));
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/reset-password",
                                           f->server->user_ids[KVOTA_TEST_REP_B]);

  for (guint round = 0; round < 6; round++)
    {
      g_autofree char *body = login_body ("rep-b", password);
      g_autofree char *new_password = g_strdup_printf ("rep-b-new-pass-%u", round);
      g_autoptr(Race) race = race_new (f->server);
      g_autoptr(KvotaTestReply) finished = NULL;
      KvotaTestReply *login;
      KvotaTestReply *reset;
      guint login_index;
      guint reset_index;

      if (round % 2 == 0)
        {
          login_index = race_add (race, "login with the old password", NULL, "/api/v1/session", body);
          reset_index = race_add (race, "admin resets the password", f->admin, path, NULL);
        }
      else
        {
          reset_index = race_add (race, "admin resets the password", f->admin, path, NULL);
          login_index = race_add (race, "login with the old password", NULL, "/api/v1/session", body);
        }
      race_run (race);
      login = race_reply (race, login_index);
      reset = race_reply (race, reset_index);

      kvota_test_assert_status (reset, 200);
      if (login->status == 201)
        assert_login_ended (f, login);
      else
        kvota_test_assert_error (login, 403, "password-reset-pending");
      assert_login (f, "rep-b", password, 403, "password-reset-pending");

      finished = kvota_test_server_requestf (f->server, "POST", "/api/v1/password-reset", NULL,
                                             "{\"username\": \"rep-b\", \"reset_key\": \"%s\", "
                                             "\"new_password\": \"%s\"}",
                                             kvota_test_reply_get_string (reset, "reset_key"), new_password);
      kvota_test_assert_status (finished, 204);
      assert_login (f, "rep-b", password, 401, "bad-credentials");
      assert_login (f, "rep-b", new_password, 201, NULL);
      g_free (password);
      password = g_steal_pointer (&new_password);
    }
}

/* A login with the old password while the user changes it: refused as a
 * login with the old password after the change is, whichever the server
 * takes first (unless it was done before the change began, and the change
 * ended its session with the user's other sessions), so that no session
 * opened with the old password outlives the change. */
static void
test_races_login_password_change (Fixture       *f,
                                  gconstpointer  user_data)
{
  g_autofree char *password = g_strdup (kvota_test_user_password (KVOTA_TEST_REP_B));

  for (guint round = 0; round < 6; round++)
    {
      g_autofree char *body = login_body ("rep-b", password);
      g_autofree char *new_password = g_strdup_printf ("rep-b-changed-pass-%u", round);
      g_autofree char *change_body = g_strdup_printf ("{\"current_password\": \"%s\", \"new_password\": \"%s\"}",
                                                      password, new_password);
      g_autofree char *token = NULL;
      g_autoptr(Race) race = race_new (f->server);
      g_autoptr(KvotaTestReply) session = kvota_test_server_login_as (f->server, "rep-b", password);
      g_autoptr(KvotaTestReply) me = NULL;
      guint login_index;
      guint change_index;

      kvota_test_assert_status (session, 201);
      token = g_strdup (kvota_test_reply_get_string (session, "token"));

      if (round % 2 == 0)
        {
          login_index = race_add (race, "login with the old password", NULL, "/api/v1/session", body);
          change_index = race_add (race, "the user changes the password", token, "/api/v1/me/password",
                                   change_body);
        }
      else
        {
          change_index = race_add (race, "the user changes the password", token, "/api/v1/me/password",
                                   change_body);
          login_index = race_add (race, "login with the old password", NULL, "/api/v1/session", body);
        }
      race_run (race);

      kvota_test_assert_status (race_reply (race, change_index), 204);
      if (race_reply (race, login_index)->status == 201)
        assert_login_ended (f, race_reply (race, login_index));
      else
        kvota_test_assert_error (race_reply (race, login_index), 401, "bad-credentials");

      /* The session that changed the password goes on. */
      me = kvota_test_server_request (f->server, "GET", "/api/v1/me", token, NULL, 0);
      kvota_test_assert_status (me, 200);
      assert_login (f, "rep-b", password, 401, "bad-credentials");
      assert_login (f, "rep-b", new_password, 201, NULL);
      g_free (password);
      password = g_steal_pointer (&new_password);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/races/confirm-twice", Fixture, NULL, fixture_set_up, test_races_confirm_twice,
              fixture_tear_down);
  g_test_add ("/server/races/group-commit", Fixture, NULL, fixture_set_up, test_races_group_commit,
              fixture_tear_down);
  g_test_add ("/server/races/confirm-reject", Fixture, NULL, fixture_set_up, test_races_confirm_reject,
              fixture_tear_down);
  g_test_add ("/server/races/sale-twice", Fixture, NULL, fixture_set_up, test_races_sale_twice,
              fixture_tear_down);
  g_test_add ("/server/races/sale-many", Fixture, NULL, fixture_set_up, test_races_sale_many,
              fixture_tear_down);
  g_test_add ("/server/races/transfer", Fixture, NULL, fixture_set_up, test_races_transfer,
              fixture_tear_down);
  g_test_add ("/server/races/withdraw-sale", Fixture, NULL, fixture_set_up, test_races_withdraw_sale,
              fixture_tear_down);
  g_test_add ("/server/races/four-eyes", Fixture, "500", fixture_set_up, test_races_four_eyes,
              fixture_tear_down);
  g_test_add ("/server/races/login-throttle", Fixture, NULL, fixture_set_up, test_races_login_throttle,
              fixture_tear_down);
  g_test_add ("/server/races/login-reset", Fixture, NULL, fixture_set_up, test_races_login_reset,
              fixture_tear_down);
  g_test_add ("/server/races/login-password-change", Fixture, NULL, fixture_set_up,
              test_races_login_password_change, fixture_tear_down);

  return g_test_run ();
}
