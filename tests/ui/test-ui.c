/* test-ui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-admin-format.h"
#include "kvota-app.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-pages.h"
#include "kvota-session-view.h"
#include "kvota-test-server.h"
#include "kvota-trading-units-dialog.h"
#include "kvota-transfer-dialog.h"
#include "kvota-ui-test.h"
#include "kvota-window.h"

/* The desktop client as its users meet it: the real KvotaApp and
 * KvotaWindow, in this process, against a real kvota-server on a free
 * loopback port serving a registry that `kvotactl demo` made from the
 * sample plans. Each journey opens a window, types into the login page,
 * presses its button, waits until the window shows what the user came
 * for, reads it off the widgets, saves a screenshot, and closes the
 * window, which must then go away with everything it holds.
 *
 * Run under Xvfb by `meson test --suite ui`; without a display every
 * journey is skipped. */

#define QUOTAS_2014 G_GINT64_CONSTANT (1252950)
#define QUOTAS_2015 G_GINT64_CONSTANT (1983922)

typedef struct
{
  gboolean          have_display;
  KvotaApp         *app;
  KvotaTestServer  *server;
  GHashTable       *logins;   /* username → password, as `kvotactl demo` printed them */
} Ui;

static Ui ui;

/* The demo registry */

/* The login lines "  USERNAME  PASSWORD  ROLE  ORGANISATION" that
 * `kvotactl demo` prints: username → password. */
static GHashTable *
parse_logins (const char *out)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  regex = g_regex_new ("^  ([a-z][a-z0-9.-]*) +([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}) +\\S.*$",
                       G_REGEX_MULTILINE, 0, &error);
  g_assert_no_error (error);

  for (g_regex_match (regex, out, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    g_hash_table_insert (logins, g_match_info_fetch (match, 1), g_match_info_fetch (match, 2));

  return logins;
}

/* One registry and one server for the whole program, made by the first
 * journey: `kvotactl demo` takes its time, and the journeys read more
 * than they change. */
static void
ensure_registry (void)
{
  g_autofree char *nap_2014 = NULL;
  g_autofree char *nap_2015 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (ui.server != NULL)
    return;

  nap_2014 = kvota_test_source_file ("data", "nap-2014.xlsx", NULL);
  nap_2015 = kvota_test_source_file ("data", "nap-2015.xlsx", NULL);

  ui.server = kvota_test_server_new_empty ();
  status = kvota_test_run (&out, &err, kvota_test_program ("KVOTACTL"),
                           "demo", "--db", ui.server->db_path, "--nap", nap_2014, "--nap", nap_2015, NULL);
  if (status != 0)
    g_printerr ("kvotactl demo said:\n%s%s", out, err);
  g_assert_cmpint (status, ==, 0);

  ui.logins = parse_logins (out);
  g_assert_true (g_hash_table_contains (ui.logins, "admin"));

  kvota_test_server_start (ui.server, NULL);
}

static const char *
password_of (const char *username)
{
  const char *password = g_hash_table_lookup (ui.logins, username);

  if (password == NULL)
    g_error ("`kvotactl demo` printed no login for %s", username);

  return password;
}

/* The user as the server describes it, for what the window should show. */
static KvotaUser *
fetch_user (const char  *username,
            char       **token)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_login_as (ui.server, username, password_of (username));
  g_autoptr(GError) error = NULL;
  KvotaUser *user;

  kvota_test_assert_status (reply, 201);
  user = kvota_user_from_json (kvota_test_reply_lookup (reply, "user"), &error);
  g_assert_no_error (error);

  if (token != NULL)
    *token = g_strdup (kvota_test_reply_get_string (reply, "token"));

  return user;
}

/* Windows */

static gboolean
skip_without_display (void)
{
  if (ui.have_display)
    return FALSE;

  g_test_skip ("No display to open the client on (meson runs this suite under xvfb-run)");
  return TRUE;
}

static GtkWidget *
open_window (void)
{
  GtkWidget *window;

  ensure_registry ();

  window = GTK_WIDGET (kvota_window_new (ui.app));
  kvota_ui_set_window (window);
  gtk_window_present (GTK_WINDOW (window));
  kvota_ui_wait_until (gtk_widget_get_mapped (window), "the window is on screen");

  return window;
}

/* Closes the window as the user does, and checks that it goes away with
 * its pages once their requests are cancelled: nothing keeps a closed
 * window alive. */
static void
close_window (GtkWidget *window)
{
  GtkWidget *alive = window;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &alive);
  kvota_ui_set_window (NULL);
  gtk_window_close (GTK_WINDOW (window));
  kvota_ui_wait_until (alive == NULL, "the closed window is finalized, with its pages and their requests");
}

static void
screenshot (GtkWidget  *window,
            const char *name)
{
  g_autofree char *path = kvota_ui_screenshot (window, name);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static GtkWidget *
login_page_of (GtkWidget *window)
{
  GtkWidget *login_page = kvota_ui_find (window, "login_page");

  kvota_ui_wait_until (kvota_ui_is_showing (login_page), "the login page shows");
  return login_page;
}

static const char *
visible_child_name (GtkWidget *stack)
{
  const char *name = gtk_stack_get_visible_child_name (GTK_STACK (stack));

  return name != NULL ? name : "";
}

static gboolean
login_error_shows (GtkWidget *login_page)
{
  return gtk_revealer_get_child_revealed (GTK_REVEALER (kvota_ui_find (login_page, "error_revealer")));
}

/* Whether the last login failed: its error shows, and the page takes
 * input again (a message from an earlier attempt stays up while the
 * next one is under way). */
static gboolean
login_failed (GtkWidget *login_page)
{
  return login_error_shows (login_page) && gtk_widget_is_sensitive (kvota_ui_find (login_page, "log_in_button"));
}

/* Types the test server's address, the username and the password into
 * the login page and presses Log In. */
static void
type_login (GtkWidget  *window,
            const char *username,
            const char *password)
{
  GtkWidget *login_page = login_page_of (window);

  kvota_ui_type (kvota_ui_find (login_page, "server_row"), ui.server->base_url);
  kvota_ui_type (kvota_ui_find (login_page, "username_row"), username);
  kvota_ui_type (kvota_ui_find (login_page, "password_row"), password);
  kvota_ui_click (kvota_ui_find (login_page, "log_in_button"));
}

/* Waits until the window shows the signed-in user's pages. */
static GtkWidget *
wait_for_session (GtkWidget *window)
{
  GtkWidget *stack = kvota_ui_find (window, "stack");
  GtkWidget *login_page = kvota_ui_find (window, "login_page");
  GtkWidget *session;

  kvota_ui_wait_until (g_str_equal (visible_child_name (stack), "session") || login_failed (login_page),
                       "the window shows the user’s pages");
  if (!g_str_equal (visible_child_name (stack), "session"))
    g_error ("The login failed: %s",
             gtk_label_get_text (GTK_LABEL (kvota_ui_find (login_page, "error_label"))));

  session = gtk_stack_get_visible_child (GTK_STACK (stack));
  g_assert_true (KVOTA_IS_SESSION_VIEW (session));
  kvota_ui_wait_until (kvota_ui_is_showing (session), "the user’s pages are on screen");

  return session;
}

static GtkWidget *
log_in (const char *username)
{
  GtkWidget *window = open_window ();

  type_login (window, username, password_of (username));
  wait_for_session (window);

  return window;
}

static GtkWidget *
session_of (GtkWidget *window)
{
  return gtk_stack_get_child_by_name (GTK_STACK (kvota_ui_find (window, "stack")), "session");
}

static const KvotaPageInfo *
page_info (const char *name)
{
  const KvotaPageInfo *pages;
  guint n_pages;

  pages = kvota_pages_get (&n_pages);
  for (guint i = 0; i < n_pages; i++)
    if (g_str_equal (pages[i].name, name))
      return &pages[i];

  return NULL;
}

/* Clicks the page's row in the sidebar and waits until the page shows. */
static GtkWidget *
open_page (GtkWidget  *window,
           const char *name)
{
  GtkWidget *session = session_of (window);
  GtkWidget *sidebar = kvota_ui_find (session, "sidebar");
  GtkWidget *pages = kvota_ui_find (session, "pages");
  const KvotaPageInfo *info = page_info (name);
  GtkWidget *row;
  GtkWidget *page;

  g_assert_nonnull (info);
  row = kvota_ui_find_list_box_row (GTK_LIST_BOX (kvota_ui_find_type (sidebar, GTK_TYPE_LIST_BOX)),
                                    _(info->title));
  if (row == NULL)
    g_error ("The sidebar has no row “%s”", _(info->title));

  kvota_ui_click (row);
  kvota_ui_wait_until (g_str_equal (visible_child_name (pages), name), "the page shows after a click in the sidebar");

  page = gtk_stack_get_visible_child (GTK_STACK (pages));
  kvota_ui_wait_until (kvota_ui_is_showing (page), "the page is on screen");

  return page;
}

/* Waits until a page built like the balances page (a stack of loading,
 * error, empty and content) has loaded, and fails with the error it shows
 * if it could not. */
static void
wait_for_content (GtkWidget *page)
{
  GtkWidget *stack = kvota_ui_find (page, "stack");

  kvota_ui_wait_until (g_str_equal (visible_child_name (stack), "content") ||
                       g_str_equal (visible_child_name (stack), "empty") ||
                       g_str_equal (visible_child_name (stack), "error"),
                       "the page has loaded");

  if (g_str_equal (visible_child_name (stack), "error"))
    g_error ("The page shows an error: %s",
             adw_status_page_get_description (ADW_STATUS_PAGE (kvota_ui_find (page, "error_page"))));

  g_assert_cmpstr (visible_child_name (stack), ==, "content");
}

/* Waits until a page that loads from the server has stopped showing its
 * spinner, whatever it then shows: for pages the journey only looks at. */
static void
wait_until_loaded (GtkWidget *page)
{
  GtkWidget *stack = kvota_ui_try_find (page, "stack");

  if (!GTK_IS_STACK (stack) || gtk_stack_get_child_by_name (GTK_STACK (stack), "loading") == NULL)
    return;

  kvota_ui_wait_until (!g_str_equal (visible_child_name (stack), "loading"), "the first page has loaded");
}

static gint64
label_quantity (GtkWidget  *root,
                const char *id)
{
  GtkWidget *label = kvota_ui_find (root, id);

  g_assert_true (kvota_ui_is_showing (label));
  return kvota_ui_parse_quantity (gtk_label_get_text (GTK_LABEL (label)));
}

/* Reads the rows of a table again into *ROWS; returns how many. */
static guint
read_rows (GPtrArray **rows,
           GtkWidget  *view)
{
  g_clear_pointer (rows, g_ptr_array_unref);
  *rows = kvota_ui_read_rows (view);

  return (*rows)->len;
}

/* Dialogs and rows */

static GtkWidget *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type) && gtk_widget_get_mapped (l->data))
      return l->data;

  return NULL;
}

static GtkWidget *
find_dialog (void)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

/* The label of a button as it reads, without its mnemonic underline. */
static char *
without_mnemonic (const char *label)
{
  g_autoptr(GString) text = g_string_new (label);

  g_string_replace (text, "_", "", 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Presses the button of an AdwMessageDialog that reads LABEL (a
 * mnemonic label, as the client gives it). */
static void
respond (GtkWidget  *dialog,
         const char *label)
{
  g_autofree char *text = without_mnemonic (label);
  GtkWidget *button;

  kvota_ui_wait_until ((button = kvota_ui_find_label (dialog, text)) != NULL, "the dialog shows its button");
  button = gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  kvota_ui_click (button);
}

static GtkWidget *
find_row_titled (GtkListBox *list_box,
                 const char *title)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list_box, i)) != NULL; i++)
    if (ADW_IS_PREFERENCES_ROW (row) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return GTK_WIDGET (row);

  return NULL;
}

/* Log in as each role: exactly the pages the role uses */

typedef struct
{
  const char *username;
  /* Pages this role must have and must never have, whatever else the
   * table of pages gains: a check of the table itself. */
  const char *has[4];
  const char *lacks[4];
} RoleJourney;

static const RoleJourney role_journeys[] = {
  { "admin", { "transactions", "trading-report" }, { "balances" } },
  { "ministry", { "transactions", "trading-report" }, { "balances" } },
  { "pavlodar", { "balances", "transactions" }, { "trading-report" } },
  { "pavlodar-accounts", { "balances", "transactions" }, { "trading-report" } },
  { "dala", { "transactions" }, { "balances", "trading-report" } },
  { "zhasyl", { "balances", "transactions" }, { "trading-report" } },
  { "astana", { "balances", "transactions" }, { "trading-report" } },
};

static void
test_login_role (gconstpointer data)
{
  const RoleJourney *journey = data;
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autofree char *shot = NULL;
  const KvotaPageInfo *pages;
  GtkWidget *window;
  GtkWidget *session;
  GtkWidget *stack;
  GtkWidget *sidebar;
  guint n_pages;

  if (skip_without_display ())
    return;

  window = log_in (journey->username);
  session = session_of (window);
  user = fetch_user (journey->username, NULL);

  /* The sidebar lists exactly the pages of the table that the user's
   * role may see, in the table's order, by their translated titles. */
  sidebar = kvota_ui_find (session, "sidebar");
  g_assert_true (kvota_ui_is_showing (sidebar));
  rows = kvota_ui_read_list_box (GTK_LIST_BOX (kvota_ui_find_type (sidebar, GTK_TYPE_LIST_BOX)));

  pages = kvota_pages_get (&n_pages);
  for (guint i = 0; i < n_pages; i++)
    if (pages[i].may_see (user))
      g_ptr_array_add (expected, (gpointer) _(pages[i].title));

  for (guint i = 0; i < MAX (rows->len, expected->len); i++)
    g_test_message ("sidebar row %u: %s (expected %s)", i,
                    i < rows->len ? (char *) rows->pdata[i] : "none",
                    i < expected->len ? (char *) expected->pdata[i] : "none");
  g_assert_cmpuint (rows->len, ==, expected->len);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpstr (rows->pdata[i], ==, expected->pdata[i]);

  /* The pages the role may not use are not there at all. */
  stack = kvota_ui_find (session, "pages");
  for (guint i = 0; i < n_pages; i++)
    {
      GtkWidget *page = gtk_stack_get_child_by_name (GTK_STACK (stack), pages[i].name);

      if (pages[i].may_see (user))
        g_assert_nonnull (page);
      else
        g_assert_null (page);
    }

  for (guint i = 0; i < G_N_ELEMENTS (journey->has) && journey->has[i] != NULL; i++)
    {
      g_assert_nonnull (page_info (journey->has[i]));
      g_assert_nonnull (gtk_stack_get_child_by_name (GTK_STACK (stack), journey->has[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (journey->lacks) && journey->lacks[i] != NULL; i++)
    {
      g_assert_nonnull (page_info (journey->lacks[i]));
      g_assert_null (gtk_stack_get_child_by_name (GTK_STACK (stack), journey->lacks[i]));
    }

  /* The session opens on the first of them, and says who is signed in
   * for which organisation. */
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (stack)) == gtk_widget_get_first_child (stack));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (session, "user_label"))), ==, user->full_name);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, user->organisation->name);
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (kvota_ui_find (session, "window_title"))), ==,
                   user->organisation->name);

  wait_until_loaded (gtk_stack_get_visible_child (GTK_STACK (stack)));
  shot = g_strdup_printf ("login-%s", journey->username);
  screenshot (window, shot);
  close_window (window);
}

/* A wrong password: the translated message, and nothing typed is lost */

static void
test_login_wrong_password (void)
{
  const char *message = kvota_error_code_describe (KVOTA_ERROR_BAD_CREDENTIALS);
  const char *language = g_getenv ("LANGUAGE");
  GtkWidget *window;
  GtkWidget *login_page;
  GtkWidget *stack;
  GtkWidget *focus;

  if (skip_without_display ())
    return;

  window = open_window ();
  login_page = login_page_of (window);
  stack = kvota_ui_find (window, "stack");

  type_login (window, "pavlodar", "not-the-password");
  kvota_ui_wait_until (login_failed (login_page), "the login page says what went wrong");

  /* The server's error code, in the user's language. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (login_page, "error_label"))), ==, message);
  if (language != NULL && (g_str_has_prefix (language, "ru") || g_str_has_prefix (language, "kk")))
    g_assert_cmpstr (message, !=, "The username or password is wrong.");

  /* Still on the login page, with what the user typed, and the password
   * ready to be typed again. */
  g_assert_cmpstr (visible_child_name (stack), ==, "login");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kvota_ui_find (login_page, "username_row"))), ==,
                   "pavlodar");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kvota_ui_find (login_page, "password_row"))), ==,
                   "not-the-password");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kvota_ui_find (login_page, "server_row"))), ==,
                   ui.server->base_url);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, kvota_ui_find (login_page, "password_row")));

  screenshot (window, "login-wrong-password");

  /* The right password, and the same user is in. */
  kvota_ui_type (kvota_ui_find (login_page, "password_row"), password_of ("pavlodar"));
  kvota_ui_click (kvota_ui_find (login_page, "log_in_button"));
  wait_for_session (window);
  g_assert_false (login_error_shows (login_page) && kvota_ui_is_showing (login_page));

  close_window (window);
}

/* The trading report: the seed presentation's figures */

static void
assert_report_row (GStrv   cells,
                   int     year,
                   gint64  quotas,
                   gint64  transactions)
{
  g_autofree char *year_text = g_strdup_printf ("%d", year);

  g_assert_cmpuint (g_strv_length (cells), ==, 3);
  g_assert_cmpstr (cells[0], ==, year_text);
  g_assert_cmpint (kvota_ui_parse_quantity (cells[1]), ==, quotas);
  g_assert_cmpint (kvota_ui_parse_quantity (cells[2]), ==, transactions);
}

static void
test_report_trading (gconstpointer data)
{
  const char *username = data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *shot = NULL;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *column_view;

  if (skip_without_display ())
    return;

  window = log_in (username);
  page = open_page (window, "trading-report");
  wait_for_content (page);

  /* The table, as it reads on screen: 2014 — 1 252 950 quotas in 34
   * transactions; 2015 — 1 983 922 in 40. */
  column_view = kvota_ui_find (page, "column_view");
  kvota_ui_wait_until (read_rows (&rows, column_view) >= 2, "the report’s table shows its rows");
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *joined = g_strjoinv (" | ", rows->pdata[i]);

      g_test_message ("report row %u: %s", i, joined);
    }
  g_assert_cmpuint (rows->len, ==, 2);
  assert_report_row (rows->pdata[0], 2014, QUOTAS_2014, 34);
  assert_report_row (rows->pdata[1], 2015, QUOTAS_2015, 40);

  /* And the totals above it. */
  g_assert_cmpint (label_quantity (page, "total_quotas_label"), ==, QUOTAS_2014 + QUOTAS_2015);
  g_assert_cmpint (label_quantity (page, "total_transactions_label"), ==, 34 + 40);

  shot = g_strdup_printf ("report-trading-%s", username);
  screenshot (window, shot);
  close_window (window);
}

/* Balances: the nature user's account, as the server has it */

static void
test_balances_pavlodar (void)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(KvotaTestReply) account = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *heading = NULL;
  gint64 available = 0;
  gint64 reserved = 0;
  gint64 pending = 0;
  guint n_holdings;
  GtkWidget *window;
  GtkWidget *page;

  if (skip_without_display ())
    return;

  window = log_in ("pavlodar");

  /* What GET /api/v1/accounts/{account} says of the same account. */
  user = fetch_user ("pavlodar", &token);
  g_assert_nonnull (user->organisation->account);
  path = g_strdup_printf ("/api/v1/accounts/%s", user->organisation->account);
  account = kvota_test_server_request (ui.server, "GET", path, token, NULL, 0);
  kvota_test_assert_status (account, 200);
  n_holdings = kvota_test_reply_get_length (account, "holdings");
  g_assert_cmpuint (n_holdings, >, 0);
  for (guint i = 0; i < n_holdings; i++)
    {
      g_autofree char *member = NULL;

      member = g_strdup_printf ("holdings.%u.available", i);
      available += kvota_test_reply_get_int (account, member);
      g_free (member);
      member = g_strdup_printf ("holdings.%u.reserved", i);
      reserved += kvota_test_reply_get_int (account, member);
      g_free (member);
      member = g_strdup_printf ("holdings.%u.pending", i);
      pending += kvota_test_reply_get_int (account, member);
    }
  g_assert_cmpint (available, >, 0);

  /* The nature user's session opens on its balances. */
  page = gtk_stack_get_visible_child (GTK_STACK (kvota_ui_find (session_of (window), "pages")));
  g_assert_nonnull (page);
  g_assert_cmpstr (visible_child_name (kvota_ui_find (session_of (window), "pages")), ==, "balances");
  wait_for_content (page);

  /* Translators' format, the client's own: "Account KZ-…". */
  heading = g_strdup_printf (_("Account %s"), user->organisation->account);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (page, "account_label"))), ==, heading);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (page, "account_label"))),
                            user->organisation->account));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (page, "organisation_label"))), ==,
                   user->organisation->name);

  g_assert_cmpint (label_quantity (page, "available_label"), ==, available);
  g_assert_cmpint (label_quantity (page, "reserved_label"), ==, reserved);
  g_assert_cmpint (label_quantity (page, "pending_label"), ==, pending);

  /* One row per holding, each with its vintage and what is available. */
  kvota_ui_wait_until (read_rows (&rows, kvota_ui_find (page, "column_view")) >= n_holdings,
                       "the holdings table shows its rows");
  g_assert_cmpuint (rows->len, ==, n_holdings);
  for (guint i = 0; i < n_holdings; i++)
    {
      g_autofree char *vintage_member = g_strdup_printf ("holdings.%u.vintage", i);
      g_autofree char *available_member = g_strdup_printf ("holdings.%u.available", i);
      g_autofree char *vintage = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  kvota_test_reply_get_int (account, vintage_member));
      gboolean found = FALSE;

      for (guint j = 0; j < rows->len && !found; j++)
        {
          GStrv cells = rows->pdata[j];

          g_assert_cmpuint (g_strv_length (cells), >=, 3);
          found = g_str_equal (cells[1], vintage) &&
                  kvota_ui_parse_quantity (cells[2]) == kvota_test_reply_get_int (account, available_member);
        }

      if (!found)
        g_error ("No row of the balances shows vintage %s with %" G_GINT64_FORMAT " available", vintage,
                 kvota_test_reply_get_int (account, available_member));
    }

  screenshot (window, "balances-pavlodar");
  close_window (window);
}

/* The nature user signs quotas for sale to its intermediary */

#define SIGNED_FOR_SALE G_GINT64_CONSTANT (1000)

/* The account's totals over its holdings, as the server has them. */
static void
fetch_totals (const char *token,
              const char *account,
              gint64     *available,
              gint64     *reserved)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s", account);
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (ui.server, "GET", path, token, NULL, 0);

  kvota_test_assert_status (reply, 200);
  *available = 0;
  *reserved = 0;
  for (guint i = 0; i < kvota_test_reply_get_length (reply, "holdings"); i++)
    {
      g_autofree char *available_member = g_strdup_printf ("holdings.%u.available", i);
      g_autofree char *reserved_member = g_strdup_printf ("holdings.%u.reserved", i);

      *available += kvota_test_reply_get_int (reply, available_member);
      *reserved += kvota_test_reply_get_int (reply, reserved_member);
    }
}

static void
test_trading_sign_for_sale (void)
{
  g_autoptr(KvotaUser) user = NULL;
  g_autofree char *token = NULL;
  g_autofree char *quantity = NULL;
  gint64 available_before;
  gint64 reserved_before;
  gint64 available_after;
  gint64 reserved_after;
  const char *signed_message;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *dialog;
  GtkWidget *error_label;

  if (skip_without_display ())
    return;

  ensure_registry ();
  user = fetch_user ("pavlodar", &token);
  fetch_totals (token, user->organisation->account, &available_before, &reserved_before);
  g_assert_cmpint (available_before, >=, SIGNED_FOR_SALE);

  window = log_in ("pavlodar");
  page = open_page (window, "trading");
  wait_for_content (page);

  /* Sign for Sale… opens the dialog; the user types a quantity. */
  kvota_ui_wait_until (kvota_ui_is_showing (kvota_ui_find (page, "sign_button")) &&
                       gtk_widget_is_sensitive (kvota_ui_find (page, "sign_button")),
                       "Sign for Sale can be pressed");
  kvota_ui_click (kvota_ui_find (page, "sign_button"));
  kvota_ui_wait_until ((dialog = find_toplevel (KVOTA_TYPE_TRADING_UNITS_DIALOG)) != NULL,
                       "the dialog to sign quotas for sale opens");
  kvota_ui_set_window (dialog);

  quantity = g_strdup_printf ("%" G_GINT64_FORMAT, SIGNED_FOR_SALE);
  kvota_ui_wait_until (gtk_widget_is_sensitive (kvota_ui_find (dialog, "quantity_row")),
                       "the dialog takes a quantity");
  kvota_ui_type (kvota_ui_find (dialog, "quantity_row"), quantity);
  screenshot (dialog, "trading-sign-for-sale-dialog");
  kvota_ui_wait_until (gtk_widget_is_sensitive (kvota_ui_find (dialog, "submit_button")),
                       "Sign for Sale in the dialog can be pressed");
  kvota_ui_click (kvota_ui_find (dialog, "submit_button"));

  /* The dialog closes, or says why the registry refused. */
  error_label = kvota_ui_find (dialog, "error_label");
  kvota_ui_wait_until (find_toplevel (KVOTA_TYPE_TRADING_UNITS_DIALOG) == NULL ||
                       kvota_ui_is_showing (error_label),
                       "the quotas are signed for sale");
  if (find_toplevel (KVOTA_TYPE_TRADING_UNITS_DIALOG) != NULL)
    g_error ("The dialog says: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  kvota_ui_set_window (window);

  signed_message = _("The quotas are signed for sale and reserved for your intermediary.");
  kvota_ui_wait_until (kvota_ui_find_label (window, signed_message) != NULL, "the toast says the quotas are signed");
  wait_for_content (page);
  screenshot (window, "trading-signed-for-sale");

  /* The server reserved exactly that many of the account's quotas. */
  fetch_totals (token, user->organisation->account, &available_after, &reserved_after);
  g_assert_cmpint (available_after, ==, available_before - SIGNED_FOR_SALE);
  g_assert_cmpint (reserved_after, ==, reserved_before + SIGNED_FOR_SALE);

  close_window (window);
}

/* NAP import: the administrator opens the 2014 sample plan */

#define NAP_2014_TOTAL G_GINT64_CONSTANT (42873554)

static gboolean
chosen_file_is (GtkWidget *chooser,
                GFile     *file)
{
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  return chosen != NULL && g_file_equal (chosen, file);
}

static void
test_nap_preview (void)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *open_label = NULL;
  g_autofree char *total = NULL;
  g_autofree char *total_text = NULL;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *stack;
  GtkWidget *button;
  GtkWidget *chooser;

  if (skip_without_display ())
    return;

  path = kvota_test_source_file ("data", "nap-2014.xlsx", NULL);
  file = g_file_new_for_path (path);

  window = log_in ("admin");
  page = open_page (window, "nap");
  stack = kvota_ui_find (page, "stack");

  /* Open Plan File…, and the file chooser takes the sample plan. */
  open_label = without_mnemonic (_("_Open Plan File…"));
  kvota_ui_wait_until ((button = kvota_ui_find_label (page, open_label)) != NULL &&
                       gtk_widget_is_sensitive (button),
                       "Open Plan File… can be pressed");
  button = gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  kvota_ui_click (button);

  kvota_ui_wait_until ((chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL,
                       "the file chooser opens");
  kvota_ui_set_window (chooser);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL));
  kvota_ui_wait_until (chosen_file_is (chooser, file), "the file chooser selects the plan");
  screenshot (chooser, "nap-file-chooser");
  button = gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_nonnull (button);
  kvota_ui_click (button);
  kvota_ui_set_window (window);

  /* It is read in the background; then the preview shows the plan. */
  kvota_ui_wait_until (g_str_equal (visible_child_name (stack), "plan") ||
                       g_str_equal (visible_child_name (stack), "failed"),
                       "the plan is read");
  if (g_str_equal (visible_child_name (stack), "failed"))
    g_error ("Reading the plan failed: %s",
             adw_status_page_get_description (ADW_STATUS_PAGE (kvota_ui_find (page, "failed_page"))));

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (page, "plan_title"))), ==, "nap-2014.xlsx");

  /* The sample plan is in order (as `kvotactl nap check` says): no
   * findings, and its total for 2014. */
  g_assert_false (kvota_ui_is_showing (kvota_ui_find (page, "findings_box")));
  total = kvota_format_quantity (NAP_2014_TOTAL);
  total_text = g_strdup_printf (_("Total for %d: %s"), 2014, total);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (page, "totals_label"))), ==, total_text);

  screenshot (window, "nap-preview-2014");
  close_window (window);
}

/* The transaction queue: the administrator confirms the demo's pending
 * transfer. It changes the registry, so it runs after every journey that
 * reads the demo's figures. */

static void
test_queue_confirm (void)
{
  g_autoptr(KvotaUser) admin = NULL;
  g_autoptr(KvotaTestReply) queue = NULL;
  g_autoptr(KvotaTestReply) after = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *row_title = NULL;
  g_autofree char *confirmed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *oldest = NULL;
  guint n_waiting;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *list_box;
  GtkWidget *row;
  GtkWidget *confirm_button;
  GtkWidget *dialog;
  gint64 id;

  if (skip_without_display ())
    return;

  /* The demo leaves one transfer waiting for the administrator (other
   * journeys may have proposed more): the oldest. */
  ensure_registry ();
  admin = fetch_user ("admin", &token);
  queue = kvota_test_server_request (ui.server, "GET", "/api/v1/transactions?state=proposed", token, NULL, 0);
  kvota_test_assert_status (queue, 200);
  n_waiting = kvota_test_reply_get_length (queue, "transactions");
  g_assert_cmpuint (n_waiting, >=, 1);
  oldest = g_strdup_printf ("transactions.%u.id", n_waiting - 1);
  id = kvota_test_reply_get_int (queue, oldest);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  window = log_in ("admin");
  page = open_page (window, "queue");
  wait_for_content (page);

  /* A row for each transfer waiting: open the demo's. */
  list_box = kvota_ui_find (page, "list_box");
  row_title = g_strdup_printf (_("Transfer No. %s"), id_text);
  kvota_ui_wait_until ((row = find_row_titled (GTK_LIST_BOX (list_box), row_title)) != NULL,
                       "the queue lists the pending transfer");
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list_box), (int) n_waiting - 1));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list_box), (int) n_waiting));
  kvota_ui_click (row);
  kvota_ui_wait_until (g_str_equal (visible_child_name (kvota_ui_find (page, "view_stack")), "detail"),
                       "the transfer opens");

  /* Confirm…, once the detail has loaded and the administrator may. */
  confirm_button = kvota_ui_find (page, "confirm_button");
  kvota_ui_wait_until (kvota_ui_is_showing (confirm_button) && gtk_widget_is_sensitive (confirm_button),
                       "Confirm… can be pressed");
  screenshot (window, "queue-detail");
  kvota_ui_click (confirm_button);

  /* The dialog asks once more; the user presses Confirm. */
  kvota_ui_wait_until ((dialog = find_dialog ()) != NULL, "the confirmation dialog opens");
  screenshot (dialog, "queue-confirm-dialog");
  respond (dialog, _("C_onfirm"));

  /* The toast says so, the queue is empty, and the ledger agrees. */
  confirmed = g_strdup_printf (_("Transfer No. %s is confirmed: the units have moved."), id_text);
  kvota_ui_wait_until (kvota_ui_find_label (window, confirmed) != NULL, "the toast says the transfer is confirmed");
  kvota_ui_wait_until (g_str_equal (visible_child_name (kvota_ui_find (page, "view_stack")), "list") &&
                       find_row_titled (GTK_LIST_BOX (list_box), row_title) == NULL,
                       "the transfer leaves the queue");
  if (n_waiting == 1)
    kvota_ui_wait_until (g_str_equal (visible_child_name (kvota_ui_find (page, "stack")), "empty"),
                         "the queue is empty");
  g_assert_null (find_dialog ());
  screenshot (window, "queue-confirmed");

  path = g_strdup_printf ("/api/v1/transactions/%s", id_text);
  after = kvota_test_server_request (ui.server, "GET", path, token, NULL, 0);
  kvota_test_assert_status (after, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (after, "transaction.state"), ==, "completed");
  g_assert_cmpstr (kvota_test_reply_get_string (after, "transaction.decided_by"), ==, admin->username);

  close_window (window);
}

/* A trading company proposes a transfer with its confirming document,
 * attached through the file chooser. */

/* A one-page PDF, as the server tests send. */
#define CONTRACT_PDF_BASE64 \
  "JVBERi0xLjQKMSAwIG9iaiA8PCAvVHlwZSAvQ2F0YWxvZyA+PiBlbmRvYmoKdHJhaWxlciA8PCAvUm9vdCAxIDAgUiA+PgolJUVPRgo="

#define TRANSFERRED G_GINT64_CONSTANT (500)

static guint
count_proposed (const char *token,
                const char *account)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions?state=proposed&account=%s", account);
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (ui.server, "GET", path, token, NULL, 0);

  kvota_test_assert_status (reply, 200);
  return kvota_test_reply_get_length (reply, "transactions");
}

/* Drops FILES on WIDGET's drop target, as a file manager's drag would
 * end: the drag itself needs a second program, the drop is the client's. */
static gboolean
drop_files (GtkWidget *widget,
            GFile     *first,
            ...)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GSList *files = NULL;
  va_list more;
  gboolean taken = FALSE;

  va_start (more, first);
  for (GFile *file = first; file != NULL; file = va_arg (more, GFile *))
    files = g_slist_append (files, file);
  va_end (more);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      g_auto(GValue) value = G_VALUE_INIT;

      if (!GTK_IS_DROP_TARGET (controller))
        continue;

      g_value_init (&value, GDK_TYPE_FILE_LIST);
      g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
      g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &taken);
      break;
    }

  g_slist_free (files);
  return taken;
}

static void
test_transfer_with_document (void)
{
  g_autoptr(KvotaUser) seller = NULL;
  g_autoptr(KvotaUser) buyer = NULL;
  g_autoptr(KvotaTestReply) proposed = NULL;
  g_autoptr(GFile) contract = NULL;
  g_autoptr(GFile) confirmation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pdf = NULL;
  g_autofree char *token = NULL;
  g_autofree char *contract_path = NULL;
  g_autofree char *confirmation_path = NULL;
  g_autofree char *confirmation_pdf = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *path = NULL;
  gsize pdf_length;
  guint before;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *dialog;
  GtkWidget *chooser;
  GtkWidget *button;
  GtkWidget *error_label;

  if (skip_without_display ())
    return;

  ensure_registry ();
  seller = fetch_user ("zhasyl", &token);
  buyer = fetch_user ("astana", NULL);
  before = count_proposed (token, seller->organisation->account);

  /* The signed contract, in a file of the user's. */
  pdf = g_base64_decode (CONTRACT_PDF_BASE64, &pdf_length);
  contract_path = g_build_filename (ui.server->dir, "contract.pdf", NULL);
  g_file_set_contents (contract_path, (const char *) pdf, (gssize) pdf_length, &error);
  g_assert_no_error (error);
  contract = g_file_new_for_path (contract_path);
  /* Another document: other bytes, as the registry keeps each once. */
  confirmation_path = g_build_filename (ui.server->dir, "confirmation.pdf", NULL);
  confirmation_pdf = g_strdup_printf ("%.*s%% exchange confirmation\n", (int) pdf_length, (const char *) pdf);
  g_file_set_contents (confirmation_path, confirmation_pdf, -1, &error);
  g_assert_no_error (error);
  confirmation = g_file_new_for_path (confirmation_path);

  window = log_in ("zhasyl");
  page = open_page (window, "trading");
  wait_for_content (page);

  /* New Transfer… opens the dialog: the buyer's account and a quantity. */
  kvota_ui_wait_until (kvota_ui_is_showing (kvota_ui_find (page, "transfer_button")) &&
                       gtk_widget_is_sensitive (kvota_ui_find (page, "transfer_button")),
                       "New Transfer can be pressed");
  kvota_ui_click (kvota_ui_find (page, "transfer_button"));
  kvota_ui_wait_until ((dialog = find_toplevel (KVOTA_TYPE_TRANSFER_DIALOG)) != NULL,
                       "the dialog of a new transfer opens");
  kvota_ui_set_window (dialog);
  kvota_ui_type (kvota_ui_find (dialog, "buyer_row"), buyer->organisation->account);
  quantity = g_strdup_printf ("%" G_GINT64_FORMAT, TRANSFERRED);
  kvota_ui_type (kvota_ui_find (dialog, "quantity_row"), quantity);

  /* Add…: the file chooser takes the contract. */
  kvota_ui_click (kvota_ui_find (dialog, "add_button"));
  kvota_ui_wait_until ((chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL,
                       "the file chooser opens");
  kvota_ui_set_window (chooser);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), contract, NULL));
  kvota_ui_wait_until (chosen_file_is (chooser, contract), "the file chooser selects the contract");
  button = gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_nonnull (button);
  kvota_ui_click (button);
  kvota_ui_set_window (dialog);

  /* The document is read and listed; then the transfer can be sent. */
  kvota_ui_wait_until (find_row_titled (GTK_LIST_BOX (kvota_ui_find (dialog, "documents_list")),
                                        "contract.pdf") != NULL,
                       "the contract is among the documents");

  /* The exchange's confirmation is dropped onto the dialog. */
  g_assert_true (drop_files (kvota_ui_find (dialog, "content_box"), confirmation, NULL));
  kvota_ui_wait_until (find_row_titled (GTK_LIST_BOX (kvota_ui_find (dialog, "documents_list")),
                                        "confirmation.pdf") != NULL,
                       "the dropped confirmation is among the documents");

  /* The contract again under another name: the dialog says it has it. */
  {
    g_autofree char *copy_path = g_build_filename (ui.server->dir, "contract-copy.pdf", NULL);
    g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
    g_autofree char *message = NULL;

    g_file_set_contents (copy_path, (const char *) pdf, (gssize) pdf_length, &error);
    g_assert_no_error (error);
    message = g_strdup_printf (_("“%s” holds the same document as “%s”, which is added already."),
                               "contract-copy.pdf", "contract.pdf");
    g_assert_true (drop_files (kvota_ui_find (dialog, "content_box"), copy, NULL));
    kvota_ui_wait_until (g_strcmp0 (gtk_label_get_text (GTK_LABEL (kvota_ui_find (dialog, "error_label"))), message) == 0 &&
                         kvota_ui_is_showing (kvota_ui_find (dialog, "error_label")),
                         "the dialog says the copy is the contract");
    g_assert_null (find_row_titled (GTK_LIST_BOX (kvota_ui_find (dialog, "documents_list")), "contract-copy.pdf"));
  }
  kvota_ui_wait_until (gtk_widget_is_sensitive (kvota_ui_find (dialog, "submit_button")),
                       "the transfer can be submitted");
  screenshot (dialog, "transfer-with-document-dialog");
  kvota_ui_click (kvota_ui_find (dialog, "submit_button"));

  error_label = kvota_ui_find (dialog, "error_label");
  kvota_ui_wait_until (find_toplevel (KVOTA_TYPE_TRANSFER_DIALOG) == NULL || kvota_ui_is_showing (error_label),
                       "the transfer is proposed");
  if (find_toplevel (KVOTA_TYPE_TRANSFER_DIALOG) != NULL)
    g_error ("The dialog says: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  kvota_ui_set_window (window);
  wait_for_content (page);
  screenshot (window, "transfer-proposed");

  /* The registry has it, waiting for the administrator, with the
   * contract. */
  g_assert_cmpuint (count_proposed (token, seller->organisation->account), ==, before + 1);
  path = g_strdup_printf ("/api/v1/transactions?state=proposed&account=%s", seller->organisation->account);
  proposed = kvota_test_server_request (ui.server, "GET", path, token, NULL, 0);
  kvota_test_assert_status (proposed, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transactions.0.to_account"), ==,
                   buyer->organisation->account);
  g_assert_cmpint (kvota_test_reply_get_int (proposed, "transactions.0.quantity"), ==, TRANSFERRED);
  g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transactions.0.documents.0.name"), ==, "contract.pdf");
  g_assert_cmpstr (kvota_test_reply_get_string (proposed, "transactions.0.documents.1.name"), ==, "confirmation.pdf");

  close_window (window);
}

/* The audit journal's entries read as sentences: every action the demo
 * registry's history holds (issuance, trading, plans, users, settings)
 * has one, never the bare code. */
static void
test_audit_actions_described (void)
{
  g_autoptr(KvotaTestReply) audit = NULL;
  g_autoptr(KvotaUser) admin = NULL;
  g_autofree char *token = NULL;
  JsonArray *entries;
  guint n_actions = 0;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  ensure_registry ();
  admin = fetch_user ("admin", &token);
  audit = kvota_test_server_request (ui.server, "GET", "/api/v1/audit?limit=1000", token, NULL, 0);
  kvota_test_assert_status (audit, 200);

  entries = json_node_get_array (kvota_test_reply_lookup (audit, "entries"));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      const char *action = json_object_get_string_member (json_array_get_object_element (entries, i), "action");

      if (!g_hash_table_add (seen, (gpointer) action))
        continue;
      n_actions++;
      if (g_strcmp0 (kvota_admin_format_audit_action (action), action) == 0)
        g_error ("The audit action “%s” has no description", action);
    }

  g_test_message ("%u actions described", n_actions);
  g_assert_cmpuint (n_actions, >=, 8);
}

/* Users and organisations: the administrator finds a user by name, opens
 * its organisation, blocks the user with a reason and restores it */

/* The row of the users page that reads TITLE, or NULL. */
static GtkWidget *
find_directory_row (GtkWidget  *page,
                    const char *title)
{
  GtkWidget *label = kvota_ui_find_label (kvota_ui_find (page, "list_view"), title);

  return label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_TREE_EXPANDER) : NULL;
}

/* The button of ROW that reads LABEL (with its mnemonic), or NULL. */
static GtkWidget *
find_row_button (GtkWidget  *row,
                 const char *label)
{
  g_autofree char *text = without_mnemonic (label);
  GtkWidget *found = row != NULL ? kvota_ui_find_label (row, text) : NULL;

  return found != NULL ? gtk_widget_get_ancestor (found, GTK_TYPE_BUTTON) : NULL;
}

static void
set_user_blocked (GtkWidget       *window,
                  GtkWidget       *page,
                  const KvotaUser *user,
                  gboolean         block)
{
  g_autofree char *toast = NULL;
  GtkWidget *button;
  GtkWidget *dialog;

  kvota_ui_wait_until ((button = find_row_button (find_directory_row (page, user->full_name),
                                                  block ? _("_Block…") : _("_Restore…"))) != NULL,
                       block ? "the user’s row offers Block…" : "the user’s row offers Restore…");
  kvota_ui_click (button);

  kvota_ui_wait_until ((dialog = find_dialog ()) != NULL, "the dialog opens");
  if (block)
    {
      kvota_ui_type (kvota_ui_find_type (dialog, GTK_TYPE_ENTRY), "Power of attorney expired");
      screenshot (dialog, "users-block-dialog");
    }
  respond (dialog, block ? _("_Block") : _("_Restore"));

  toast = block ? g_strdup_printf (_("%s is blocked. Every session has ended."), user->full_name)
                : g_strdup_printf (_("%s is restored."), user->full_name);
  kvota_ui_wait_until (kvota_ui_find_label (window, toast) != NULL, "the toast says it is done");
}

static void
test_users_block_restore (void)
{
  g_autoptr(KvotaUser) accountant = NULL;
  g_autoptr(KvotaTestReply) login = NULL;
  g_autofree char *search = NULL;
  GListModel *rows;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *row;

  if (skip_without_display ())
    return;

  ensure_registry ();
  accountant = fetch_user ("pavlodar-accounts", NULL);

  window = log_in ("admin");
  page = open_page (window, "users");
  wait_for_content (page);

  /* Its BIN as the row shows it finds the organisation, and only that one. */
  search = g_strdup_printf (_("%s, BIN %s"), kvota_holder_type_describe (accountant->organisation->holder_type),
                            accountant->organisation->bin);
  kvota_ui_type (kvota_ui_find (page, "search_entry"), strchr (search, ',') + 2);
  rows = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (kvota_ui_find (page, "list_view"))));
  kvota_ui_wait_until (g_list_model_get_n_items (rows) == 1, "the search by BIN leaves one organisation");

  /* So does the name of one of its users. */
  kvota_ui_type (kvota_ui_find (page, "search_entry"), accountant->full_name);
  kvota_ui_wait_until (g_list_model_get_n_items (rows) == 1, "the search by a user leaves one organisation");
  kvota_ui_wait_until ((row = find_directory_row (page, accountant->organisation->name)) != NULL,
                       "the organisation’s row shows");

  /* Activating its row (a click, Enter) opens it on its users. */
  gtk_widget_activate_action (kvota_ui_find (page, "list_view"), "list.activate-item", "u", 0);
  kvota_ui_wait_until (find_directory_row (page, accountant->full_name) != NULL, "the organisation opens on its users");
  screenshot (window, "users-search");

  set_user_blocked (window, page, accountant, TRUE);
  login = kvota_test_server_login_as (ui.server, accountant->username, password_of (accountant->username));
  kvota_test_assert_error (login, 403, "user-blocked");
  g_clear_pointer (&login, kvota_test_reply_free);
  screenshot (window, "users-blocked");

  /* The page shows the block, the organisation still open, and undoes it. */
  set_user_blocked (window, page, accountant, FALSE);
  login = kvota_test_server_login_as (ui.server, accountant->username, password_of (accountant->username));
  kvota_test_assert_status (login, 201);

  close_window (window);
}

/* Registration: a company applies with a registration key, and the
 * administrator reviews the application and confirms it */

#define APPLICANT_USERNAME "uitest-steppe"
#define APPLICANT_PASSWORD "Steppe-Wind-Carbon-2026"
#define APPLICANT_NAME_RU  "ТОО «Степной ветер» (тест)"

/* A BIN with its check digit that no organisation of the demo has. */
static char *
make_free_bin (void)
{
  const char *candidates[] = { "16094000031", "16094000032", "16094000033", "16094000034" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      char *bin = kvota_test_bin_make (candidates[i]);

      if (bin != NULL)
        return bin;
    }

  g_assert_not_reached ();
}

static void
test_applications_confirm (void)
{
  g_autoptr(KvotaTestReply) key = NULL;
  g_autoptr(KvotaTestReply) applied = NULL;
  g_autoptr(KvotaTestReply) application = NULL;
  g_autoptr(KvotaTestReply) organisations = NULL;
  g_autoptr(KvotaTestReply) login = NULL;
  g_autoptr(KvotaUser) admin = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *path = NULL;
  g_autofree char *confirm_label = NULL;
  g_autofree char *registered = NULL;
  g_autofree char *state_text = NULL;
  gint64 application_id;
  gint64 organisation_id;
  gboolean found = FALSE;
  guint n_organisations;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *list_box;
  GtkWidget *row;
  GtkWidget *button;
  GtkWidget *dialog;

  if (skip_without_display ())
    return;

  /* The administrator hands out a registration key; the company applies
   * with it and its signed application. */
  ensure_registry ();
  admin = fetch_user ("admin", &token);
  key = kvota_test_server_request (ui.server, "POST", "/api/v1/registration-keys", token, "{}", -1);
  kvota_test_assert_status (key, 201);

  bin = make_free_bin ();
  applied = kvota_test_server_requestf (ui.server, "POST", "/api/v1/applications", NULL,
                                        "{\"key\": \"%s\", \"name_ru\": \"" APPLICANT_NAME_RU "\", "
                                        "\"bin\": \"%s\", \"holder_type\": \"individual\", "
                                        "\"address\": \"Астана, пр. Мангилик Ел, 1\", \"phone\": \"+7 7172 000000\", "
                                        "\"email\": \"office@steppe.example\", "
                                        "\"representative_name\": \"Айгерим Садыкова\", "
                                        "\"representative_position\": \"Директор\", "
                                        "\"username\": \"" APPLICANT_USERNAME "\", "
                                        "\"password\": \"" APPLICANT_PASSWORD "\", "
                                        "\"document_name\": \"application.pdf\", "
                                        "\"document\": \"" CONTRACT_PDF_BASE64 "\"}",
                                        kvota_test_reply_get_string (key, "key.code"), bin);
  kvota_test_assert_status (applied, 201);
  application_id = kvota_test_reply_get_int (applied, "application.id");
  g_assert_cmpstr (kvota_test_reply_get_string (applied, "application.state"), ==, "pending");

  /* Until it is confirmed the applicant cannot log in. */
  login = kvota_test_server_login_as (ui.server, APPLICANT_USERNAME, APPLICANT_PASSWORD);
  kvota_test_assert_error (login, 403, "application-pending");
  g_clear_pointer (&login, kvota_test_reply_free);

  /* Logging in from a desktop that did not send it, the applicant sees
   * its application as the registry holds it. */
  window = open_window ();
  type_login (window, APPLICANT_USERNAME, APPLICANT_PASSWORD);
  kvota_ui_wait_until (g_str_equal (visible_child_name (kvota_ui_find (window, "stack")), "registration"),
                       "the refused login shows the application");
  page = gtk_stack_get_child_by_name (GTK_STACK (kvota_ui_find (window, "stack")), "registration");
  kvota_ui_wait_until (kvota_ui_is_showing (kvota_ui_find (page, "company_row")), "the application’s details show");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "company_row"))), ==,
                   APPLICANT_NAME_RU);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "app_bin_row"))), ==, bin);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "app_username_row"))), ==,
                   APPLICANT_USERNAME);
  screenshot (window, "application-after-login");
  close_window (window);

  window = log_in ("admin");
  page = open_page (window, "applications");
  wait_for_content (page);

  /* The application is listed by the company's name: open it. */
  list_box = kvota_ui_find (page, "list_box");
  kvota_ui_wait_until ((row = find_row_titled (GTK_LIST_BOX (list_box), APPLICANT_NAME_RU)) != NULL,
                       "the applications list the new one");
  screenshot (window, "applications-list");
  kvota_ui_click (row);
  kvota_ui_wait_until (g_str_equal (visible_child_name (kvota_ui_find (page, "view_stack")), "detail"),
                       "the application opens");

  /* What the company gave, to look at before confirming. */
  kvota_ui_wait_until (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "bin_row"))),
                                  bin) == 0,
                       "the application shows the company’s BIN");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "name_ru_row"))), ==,
                   APPLICANT_NAME_RU);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "username_row"))), ==,
                   APPLICANT_USERNAME);
  g_assert_true (gtk_widget_is_sensitive (kvota_ui_find (page, "document_row")));

  confirm_label = without_mnemonic (_("_Confirm…"));
  kvota_ui_wait_until ((button = kvota_ui_find_label (kvota_ui_find (page, "decision_box"), confirm_label)) != NULL &&
                       gtk_widget_is_sensitive (button),
                       "Confirm… can be pressed");
  button = gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  screenshot (window, "applications-detail");
  kvota_ui_click (button);

  /* The dialog asks once more; the administrator confirms. */
  kvota_ui_wait_until ((dialog = find_dialog ()) != NULL, "the confirmation dialog opens");
  screenshot (dialog, "applications-confirm-dialog");
  respond (dialog, _("C_onfirm"));

  registered = g_strdup_printf (_("%s is registered. Its representative can log in now."), APPLICANT_NAME_RU);
  kvota_ui_wait_until (kvota_ui_find_label (window, registered) != NULL, "the toast says the company is registered");
  g_assert_null (find_dialog ());
  screenshot (window, "applications-confirmed");

  /* The registry has it confirmed, with its organisation… */
  path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, application_id);
  application = kvota_test_server_request (ui.server, "GET", path, token, NULL, 0);
  kvota_test_assert_status (application, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (application, "application.state"), ==, "confirmed");
  g_assert_cmpstr (kvota_test_reply_get_string (application, "application.decided_by"), ==, admin->username);
  organisation_id = kvota_test_reply_get_int (application, "application.organisation_id");
  g_assert_cmpint (organisation_id, >, 0);

  organisations = kvota_test_server_request (ui.server, "GET", "/api/v1/organisations", token, NULL, 0);
  kvota_test_assert_status (organisations, 200);
  n_organisations = kvota_test_reply_get_length (organisations, "organisations");
  for (guint i = 0; i < n_organisations && !found; i++)
    {
      g_autofree char *id_member = g_strdup_printf ("organisations.%u.id", i);
      g_autofree char *bin_member = g_strdup_printf ("organisations.%u.bin", i);
      g_autofree char *account_member = g_strdup_printf ("organisations.%u.account", i);

      if (kvota_test_reply_get_int (organisations, id_member) != organisation_id)
        continue;
      found = TRUE;
      g_assert_cmpstr (kvota_test_reply_get_string (organisations, bin_member), ==, bin);
      /* An individual or trading company holds units. */
      g_assert_true (g_str_has_prefix (kvota_test_reply_get_string (organisations, account_member), "KZ-"));
    }
  g_assert_true (found);

  /* …and the detail, still open, says so too. */
  state_text = g_strdup (kvota_admin_format_application_state (KVOTA_APPLICATION_STATE_CONFIRMED));
  kvota_ui_wait_until (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (kvota_ui_find (page, "state_row"))),
                                  state_text) == 0,
                       "the application shows itself confirmed");

  /* The representative logs in with what the company applied with. */
  login = kvota_test_server_login_as (ui.server, APPLICANT_USERNAME, APPLICANT_PASSWORD);
  kvota_test_assert_status (login, 201);
  g_assert_cmpint (kvota_test_reply_get_int (login, "user.organisation.id"), ==, organisation_id);

  close_window (window);
}

/* A label on screen below ROOT whose text begins with PREFIX. */
static GtkWidget *
find_label_prefix (GtkWidget  *root,
                   const char *prefix)
{
  if (GTK_IS_LABEL (root) && kvota_ui_is_showing (root) &&
      g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_prefix (child, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The file chooser that a button of WINDOW opened takes FILE; back to
 * WINDOW. */
static void
choose_file (GtkWidget  *window,
             GFile      *file,
             const char *shot)
{
  GtkWidget *chooser;
  GtkWidget *button;

  kvota_ui_wait_until ((chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL,
                       "the file chooser opens");
  kvota_ui_set_window (chooser);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL));
  kvota_ui_wait_until (chosen_file_is (chooser, file), "the file chooser selects the file");
  if (shot != NULL)
    screenshot (chooser, shot);
  button = gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_nonnull (button);
  kvota_ui_click (button);
  kvota_ui_set_window (window);
  kvota_ui_wait_until (find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL, "the file chooser closes");
}

/* NAP amendment: the administrator uploads the amended 2014 plan as a
 * draft and applies it */

/* What tests/data/nap-2014-amended.xls changes in data/nap-2014.xlsx
 * (tests/server/test-nap.c): more for «Северная ТЭЦ», less for
 * «Павлодарская ТЭЦ», the demo's pavlodar. */
#define BIN_SEVERNAYA        "090240001070"
#define AMENDMENT_SEVERNAYA  G_GINT64_CONSTANT (125000)
#define AMENDMENT_PAVLODAR   G_GINT64_CONSTANT (-20000)

/* The account of the organisation with BIN, or NULL. */
static char *
account_of_bin (const char *token,
                const char *bin)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (ui.server, "GET", "/api/v1/organisations", token, NULL, 0);

  kvota_test_assert_status (reply, 200);
  for (guint i = 0; i < kvota_test_reply_get_length (reply, "organisations"); i++)
    {
      g_autofree char *bin_member = g_strdup_printf ("organisations.%u.bin", i);
      g_autofree char *account_member = g_strdup_printf ("organisations.%u.account", i);
      JsonNode *node = kvota_test_reply_lookup (reply, bin_member);
      JsonNode *account;

      /* The registry administration and the Ministry have no BIN. */
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || g_strcmp0 (json_node_get_string (node), bin) != 0)
        continue;
      account = kvota_test_reply_lookup (reply, account_member);
      return account != NULL && JSON_NODE_HOLDS_VALUE (account) ? g_strdup (json_node_get_string (account)) : NULL;
    }

  return NULL;
}

/* The ledger's figures for quotas of VINTAGE. */
static void
ledger_quotas (const char *token,
               int         vintage,
               gint64     *issued,
               gint64     *cancelled)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (ui.server, "GET", "/api/v1/ledger", token, NULL, 0);

  kvota_test_assert_status (reply, 200);
  g_assert_true (kvota_test_reply_get_boolean (reply, "balanced"));
  *issued = *cancelled = -1;
  for (guint i = 0; i < kvota_test_reply_get_length (reply, "totals"); i++)
    {
      g_autofree char *type_member = g_strdup_printf ("totals.%u.unit_type", i);
      g_autofree char *vintage_member = g_strdup_printf ("totals.%u.vintage", i);
      g_autofree char *issued_member = g_strdup_printf ("totals.%u.issued", i);
      g_autofree char *cancelled_member = g_strdup_printf ("totals.%u.cancelled", i);

      if (g_str_equal (kvota_test_reply_get_string (reply, type_member), "quota") &&
          kvota_test_reply_get_int (reply, vintage_member) == vintage)
        {
          *issued = kvota_test_reply_get_int (reply, issued_member);
          *cancelled = kvota_test_reply_get_int (reply, cancelled_member);
        }
    }
  g_assert_cmpint (*issued, >, 0);
}

static gint64
available_of (const char *token,
              const char *account,
              int         vintage)
{
  KvotaHolding holding = { 0 };

  kvota_test_server_get_holding (ui.server, token, account, "quota", vintage, &holding);
  return holding.available;
}

/* Keeps the highest fraction an upload's bar showed. */
static void
upload_fraction_changed_cb (GtkProgressBar *bar,
                            GParamSpec     *pspec,
                            double         *highest)
{
  *highest = MAX (*highest, gtk_progress_bar_get_fraction (bar));
}

static void
test_nap_upload_apply (void)
{
  double upload_fraction = 0.0;
  g_autoptr(KvotaUser) admin = NULL;
  g_autoptr(KvotaUser) pavlodar = NULL;
  g_autoptr(KvotaTestReply) naps = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *open_label = NULL;
  g_autofree char *severnaya = NULL;
  gint64 issued_before, cancelled_before, issued_after, cancelled_after;
  gint64 pavlodar_before, severnaya_before = 0;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *stack;
  GtkWidget *button;
  GtkWidget *dialog;

  if (skip_without_display ())
    return;

  ensure_registry ();
  admin = fetch_user ("admin", &token);
  pavlodar = fetch_user ("pavlodar", NULL);
  ledger_quotas (token, 2014, &issued_before, &cancelled_before);
  pavlodar_before = available_of (token, pavlodar->organisation->account, 2014);
  g_assert_cmpint (pavlodar_before, >=, -AMENDMENT_PAVLODAR);
  severnaya = account_of_bin (token, BIN_SEVERNAYA);
  if (severnaya != NULL)
    severnaya_before = available_of (token, severnaya, 2014);

  path = kvota_test_source_file ("tests", "data", "nap-2014-amended.xls", NULL);
  file = g_file_new_for_path (path);

  window = log_in ("admin");
  page = open_page (window, "nap");
  stack = kvota_ui_find (page, "stack");

  /* Open Plan File…: the amended plan, read and shown. */
  open_label = without_mnemonic (_("_Open Plan File…"));
  kvota_ui_wait_until ((button = kvota_ui_find_label (page, open_label)) != NULL &&
                       gtk_widget_is_sensitive (button),
                       "Open Plan File… can be pressed");
  button = gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON);
  kvota_ui_click (button);
  choose_file (window, file, NULL);

  kvota_ui_wait_until (g_str_equal (visible_child_name (stack), "plan") ||
                       g_str_equal (visible_child_name (stack), "failed"),
                       "the plan is read");
  if (g_str_equal (visible_child_name (stack), "failed"))
    g_error ("Reading the plan failed: %s",
             adw_status_page_get_description (ADW_STATUS_PAGE (kvota_ui_find (page, "failed_page"))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (page, "plan_title"))), ==, "nap-2014-amended.xls");
  g_assert_false (kvota_ui_is_showing (kvota_ui_find (page, "findings_box")));
  screenshot (window, "nap-amendment-preview");

  /* Upload as Draft: the registry keeps it as the next version, and the
   * bar counts the bytes sent up to all of them. */
  button = kvota_ui_find (page, "upload_button");
  kvota_ui_wait_until (kvota_ui_is_showing (button) && gtk_widget_is_sensitive (button),
                       "Upload as Draft can be pressed");
  g_signal_connect (kvota_ui_find (page, "uploading_progress"), "notify::fraction",
                    G_CALLBACK (upload_fraction_changed_cb), &upload_fraction);
  kvota_ui_click (button);

  button = kvota_ui_find (page, "apply_button");
  kvota_ui_wait_until (kvota_ui_is_showing (button) && gtk_widget_is_sensitive (button),
                       "the draft is uploaded and can be applied");
  {
    g_autofree char *uploaded = g_strdup_printf (_("The plan is uploaded as draft version %d. Compare it with the plan in force, then apply it."), 2);

    kvota_ui_wait_until (kvota_ui_find_label (window, uploaded) != NULL, "the toast says the draft is uploaded");
  }
  g_assert_cmpfloat (upload_fraction, ==, 1.0);
  g_signal_handlers_disconnect_by_data (kvota_ui_find (page, "uploading_progress"), &upload_fraction);
  naps = kvota_test_server_request (ui.server, "GET", "/api/v1/naps", token, NULL, 0);
  kvota_test_assert_status (naps, 200);
  g_assert_cmpstr (kvota_test_reply_get_string (naps, "naps.0.state"), ==, "draft");
  g_assert_cmpint (kvota_test_reply_get_int (naps, "naps.0.first_year"), ==, 2014);
  g_assert_cmpint (kvota_test_reply_get_int (naps, "naps.0.version"), ==, 2);
  g_assert_cmpstr (kvota_test_reply_get_string (naps, "naps.0.file_name"), ==, "nap-2014-amended.xls");
  g_clear_pointer (&naps, kvota_test_reply_free);
  screenshot (window, "nap-amendment-draft");

  /* Apply Plan…: the dialog says what it does; the user applies. */
  kvota_ui_click (button);
  kvota_ui_wait_until ((dialog = find_dialog ()) != NULL, "the dialog to apply the plan opens");
  screenshot (dialog, "nap-amendment-apply-dialog");
  respond (dialog, _("_Apply"));

  /* The toast says what was issued and withdrawn (what still waits
   * depends on whom the demo registered). */
  {
    g_autofree char *issued = kvota_format_quantity (severnaya != NULL ? AMENDMENT_SEVERNAYA : 0);
    g_autofree char *withdrawn = kvota_format_quantity (-AMENDMENT_PAVLODAR);
    g_autofree char *prefix = g_strdup_printf (_("The plan is applied: %s quotas issued, %s withdrawn, %s waiting for registration."),
                                               issued, withdrawn, "\x01");

    *strchr (prefix, '\x01') = '\0';
    kvota_ui_wait_until (find_label_prefix (window, prefix) != NULL, "the toast says the plan is applied");
  }
  g_assert_null (find_dialog ());
  kvota_ui_wait_until (!kvota_ui_is_showing (kvota_ui_find (page, "apply_button")), "the plan shown is in force");
  screenshot (window, "nap-amendment-applied");

  /* The registry has applied it, in place of version 1… */
  naps = kvota_test_server_request (ui.server, "GET", "/api/v1/naps", token, NULL, 0);
  kvota_test_assert_status (naps, 200);
  g_assert_cmpint (kvota_test_reply_get_int (naps, "naps.0.version"), ==, 2);
  g_assert_cmpstr (kvota_test_reply_get_string (naps, "naps.0.state"), ==, "applied");
  g_assert_cmpstr (kvota_test_reply_get_string (naps, "naps.0.decided_by"), ==, admin->username);

  /* …took back from pavlodar what the amendment no longer gives it, and
   * issued Severnaya's addition when it is registered. */
  g_assert_cmpint (available_of (token, pavlodar->organisation->account, 2014), ==,
                   pavlodar_before + AMENDMENT_PAVLODAR);
  if (severnaya != NULL)
    g_assert_cmpint (available_of (token, severnaya, 2014), ==, severnaya_before + AMENDMENT_SEVERNAYA);
  ledger_quotas (token, 2014, &issued_after, &cancelled_after);
  g_assert_cmpint (cancelled_after, ==, cancelled_before - AMENDMENT_PAVLODAR);
  g_assert_cmpint (issued_after, ==, issued_before + (severnaya != NULL ? AMENDMENT_SEVERNAYA : 0));

  close_window (window);
}

/* The broker proposes a sale from a client's order, with the deal's
 * document attached through the file chooser */

#define SALE_ORDERED  G_GINT64_CONSTANT (777)
#define SALE_PROPOSED G_GINT64_CONSTANT (300)
#define SALE_VINTAGE  2015

/* The button below ROOT that activates ACTION_NAME for the object with
 * id ID, or NULL. */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action_name,
                    gint64      id)
{
  if (GTK_IS_BUTTON (root) && kvota_ui_is_showing (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root));

      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_INT64) && g_variant_get_int64 (target) == id)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_propose_sale (void)
{
  g_autoptr(KvotaUser) seller = NULL;
  g_autoptr(KvotaUser) buyer = NULL;
  g_autoptr(KvotaUser) admin = NULL;
  g_autoptr(KvotaTestReply) order = NULL;
  g_autoptr(KvotaTestReply) proposed = NULL;
  g_autoptr(KvotaTestReply) orders = NULL;
  g_autoptr(GFile) deal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree guchar *pdf = NULL;
  g_autofree char *seller_token = NULL;
  g_autofree char *admin_token = NULL;
  g_autofree char *deal_path = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *path = NULL;
  gsize pdf_length;
  gint64 order_id;
  gboolean found = FALSE;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *button;
  GtkWidget *dialog;
  GtkWidget *error_label;

  if (skip_without_display ())
    return;

  /* The nature user signs quotas for sale through its broker, dala. */
  ensure_registry ();
  seller = fetch_user ("pavlodar", &seller_token);
  buyer = fetch_user ("astana", NULL);
  admin = fetch_user ("admin", &admin_token);
  order = kvota_test_server_requestf (ui.server, "POST", "/api/v1/sale-orders", seller_token,
                                      "{\"unit_type\": \"quota\", \"vintage\": %d, \"quantity\": %" G_GINT64_FORMAT "}",
                                      SALE_VINTAGE, SALE_ORDERED);
  kvota_test_assert_status (order, 201);
  order_id = kvota_test_reply_get_int (order, "sale_order.id");

  /* The deal's signed confirmation, in a file of the broker's. */
  pdf = g_base64_decode (CONTRACT_PDF_BASE64, &pdf_length);
  deal_path = g_build_filename (ui.server->dir, "deal.pdf", NULL);
  g_file_set_contents (deal_path, (const char *) pdf, (gssize) pdf_length, &error);
  g_assert_no_error (error);
  deal = g_file_new_for_path (deal_path);

  window = log_in ("dala");
  page = open_page (window, "clients");
  wait_for_content (page);

  /* The order is among the client's, with Propose Sale… */
  kvota_ui_wait_until ((button = find_action_button (kvota_ui_find (page, "orders_list"), "page.propose-sale",
                                                     order_id)) != NULL &&
                       gtk_widget_is_sensitive (button),
                       "the new order can be sold");
  screenshot (window, "clients-orders");
  kvota_ui_click (button);
  kvota_ui_wait_until ((dialog = find_toplevel (KVOTA_TYPE_TRANSFER_DIALOG)) != NULL,
                       "the dialog of a proposed sale opens");
  kvota_ui_set_window (dialog);

  /* The buyer, how many, at what price, on which day. */
  kvota_ui_type (kvota_ui_find (dialog, "buyer_row"), buyer->organisation->account);
  quantity = g_strdup_printf ("%" G_GINT64_FORMAT, SALE_PROPOSED);
  kvota_ui_type (kvota_ui_find (dialog, "quantity_row"), quantity);
  kvota_ui_type (kvota_ui_find (dialog, "price_row"), "1 850,50");
  kvota_ui_type (kvota_ui_find (dialog, "date_row"), today);
  kvota_ui_type (kvota_ui_find (dialog, "reference_row"), "KASE-UI-1");

  /* Add…: the deal's document through the file chooser. */
  kvota_ui_click (kvota_ui_find (dialog, "add_button"));
  choose_file (dialog, deal, NULL);
  kvota_ui_wait_until (find_row_titled (GTK_LIST_BOX (kvota_ui_find (dialog, "documents_list")), "deal.pdf") != NULL,
                       "the document is among the deal’s");
  kvota_ui_wait_until (gtk_widget_is_sensitive (kvota_ui_find (dialog, "submit_button")),
                       "the sale can be proposed");
  screenshot (dialog, "clients-propose-sale-dialog");
  kvota_ui_click (kvota_ui_find (dialog, "submit_button"));

  error_label = kvota_ui_find (dialog, "error_label");
  kvota_ui_wait_until (find_toplevel (KVOTA_TYPE_TRANSFER_DIALOG) == NULL || kvota_ui_is_showing (error_label),
                       "the sale is proposed");
  if (find_toplevel (KVOTA_TYPE_TRANSFER_DIALOG) != NULL)
    g_error ("The dialog says: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  kvota_ui_set_window (window);
  kvota_ui_wait_until (kvota_ui_find_label (window, _("The sale is proposed. It waits for the registry administrator’s confirmation.")) != NULL,
                       "the toast says the sale is proposed");
  wait_for_content (page);
  screenshot (window, "clients-sale-proposed");

  /* The registry has the sale, waiting for the administrator, with its
   * price, date and document; the order has it pending. */
  path = g_strdup_printf ("/api/v1/transactions?state=proposed&account=%s", seller->organisation->account);
  proposed = kvota_test_server_request (ui.server, "GET", path, admin_token, NULL, 0);
  kvota_test_assert_status (proposed, 200);
  for (guint i = 0; i < kvota_test_reply_get_length (proposed, "transactions") && !found; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("transactions.%u.", i);
      g_autofree char *to_account = g_strconcat (prefix, "to_account", NULL);
      g_autofree char *quantity_member = g_strconcat (prefix, "quantity", NULL);
      g_autofree char *price = g_strconcat (prefix, "price_tiyn", NULL);
      g_autofree char *deal_date = g_strconcat (prefix, "deal_date", NULL);
      g_autofree char *document = g_strconcat (prefix, "documents.0.name", NULL);
      g_autofree char *n_documents = g_strconcat (prefix, "documents", NULL);

      if (g_strcmp0 (kvota_test_reply_get_string (proposed, to_account), buyer->organisation->account) != 0 ||
          kvota_test_reply_get_int (proposed, quantity_member) != SALE_PROPOSED)
        continue;

      found = TRUE;
      g_assert_cmpint (kvota_test_reply_get_int (proposed, price), ==, 185050);
      g_assert_cmpstr (kvota_test_reply_get_string (proposed, deal_date), ==, today);
      g_assert_cmpuint (kvota_test_reply_get_length (proposed, n_documents), ==, 1);
      g_assert_cmpstr (kvota_test_reply_get_string (proposed, document), ==, "deal.pdf");
    }
  if (!found)
    g_error ("The registry has no proposed sale of %" G_GINT64_FORMAT " t to %s", SALE_PROPOSED,
             buyer->organisation->account);

  orders = kvota_test_server_request (ui.server, "GET", "/api/v1/sale-orders", seller_token, NULL, 0);
  kvota_test_assert_status (orders, 200);
  for (guint i = 0; i < kvota_test_reply_get_length (orders, "sale_orders"); i++)
    {
      g_autofree char *id_member = g_strdup_printf ("sale_orders.%u.id", i);
      g_autofree char *pending = g_strdup_printf ("sale_orders.%u.pending", i);
      g_autofree char *reserved = g_strdup_printf ("sale_orders.%u.reserved", i);

      if (kvota_test_reply_get_int (orders, id_member) != order_id)
        continue;
      g_assert_cmpint (kvota_test_reply_get_int (orders, pending), ==, SALE_PROPOSED);
      g_assert_cmpint (kvota_test_reply_get_int (orders, reserved), ==, SALE_ORDERED - SALE_PROPOSED);
    }

  close_window (window);
}

/* The keyboard alone: Tab from field to field, Enter to log in */

/* What the keyboard's bindings do: Tab moves the focus the way the
 * window's "move-focus" binding does, Enter activates the text that has
 * the focus, and typing replaces what the focused field holds. */
static GtkWidget *
focused_editable (GtkWidget *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  g_assert_nonnull (focus);
  g_assert_true (GTK_IS_TEXT (focus));
  return focus;
}

static void
press_tab (GtkWidget *window)
{
  g_signal_emit_by_name (window, "move-focus", GTK_DIR_TAB_FORWARD);
}

static void
type_into_focus (GtkWidget  *window,
                 const char *text)
{
  GtkWidget *focus = focused_editable (window);
  int position = 0;

  gtk_editable_delete_text (GTK_EDITABLE (focus), 0, -1);
  gtk_editable_insert_text (GTK_EDITABLE (focus), text, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (focus), -1);
}

/* Tabs until the focus is in ROW (a field further on the page). */
static void
tab_to (GtkWidget *window,
        GtkWidget *row)
{
  for (guint i = 0; i < 24 && !gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), row); i++)
    press_tab (window);

  if (!gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), row))
    g_error ("Tab does not reach %s", gtk_buildable_get_buildable_id (GTK_BUILDABLE (row)));
}

/* Whether an address the login page shows is BASE_URL (the client
 * writes addresses with a slash at the end). */
static gboolean
same_address (const char *shown,
              const char *base_url)
{
  g_autofree char *address = g_strdup (shown);

  if (g_str_has_suffix (address, "/"))
    address[strlen (address) - 1] = '\0';
  return g_str_equal (address, base_url);
}

static void
test_login_keyboard (void)
{
  GtkWidget *window;
  GtkWidget *login_page;
  GtkWidget *server_row;
  GtkWidget *username_row;
  GtkWidget *password_row;
  GtkWidget *focus;

  if (skip_without_display ())
    return;

  window = open_window ();
  login_page = login_page_of (window);
  server_row = kvota_ui_find (login_page, "server_row");
  username_row = kvota_ui_find (login_page, "username_row");
  password_row = kvota_ui_find (login_page, "password_row");

  /* The page puts the focus in the first field to fill. The address
   * may be remembered (or the default, the local demo server's): the
   * user Tabs down to it and types the test server's when it is not. */
  kvota_ui_wait_until ((focus = gtk_root_get_focus (GTK_ROOT (window))) != NULL && GTK_IS_TEXT (focus),
                       "a field of the login page has the focus");
  if (!same_address (gtk_editable_get_text (GTK_EDITABLE (server_row)), ui.server->base_url))
    {
      tab_to (window, server_row);
      type_into_focus (window, ui.server->base_url);
    }

  tab_to (window, username_row);
  type_into_focus (window, "astana");
  press_tab (window);
  /* The next field along is the password. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), password_row));
  type_into_focus (window, password_of ("astana"));
  screenshot (window, "login-keyboard");

  /* Enter in the password field logs in. */
  g_signal_emit_by_name (focused_editable (window), "activate");
  wait_for_session (window);

  close_window (window);
}

/* A session that expires: the next reload brings the login page back,
 * with the reason and the username kept */

#define SHORT_SESSION_SECONDS 3

static gboolean
session_expired (KvotaTestServer *server,
                 const char      *token)
{
  g_autoptr(KvotaTestReply) reply = kvota_test_server_request (server, "GET", "/api/v1/me", token, NULL, 0);

  return reply->status == 401;
}

static gboolean
wake_cb (gpointer user_data)
{
  gboolean *woken = user_data;

  *woken = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_session_expired (void)
{
  g_autoptr(KvotaTestServer) server = NULL;
  g_autoptr(KvotaTestReply) login = NULL;
  const char *username = kvota_test_user_name (KVOTA_TEST_REP_A);
  const char *password = kvota_test_user_password (KVOTA_TEST_REP_A);
  const char *expired = kvota_error_code_describe (KVOTA_ERROR_SESSION_EXPIRED);
  GtkWidget *window;
  GtkWidget *login_page;
  GtkWidget *stack;

  if (skip_without_display ())
    return;

  /* A registry of its own, whose sessions last seconds. */
  ensure_registry ();
  server = kvota_test_server_new ();
  {
    g_autofree char *lifetime = g_strdup_printf ("%d", SHORT_SESSION_SECONDS);

    kvota_test_server_start (server, "--session-lifetime", lifetime, NULL);
  }

  window = open_window ();
  login_page = login_page_of (window);
  stack = kvota_ui_find (window, "stack");
  kvota_ui_type (kvota_ui_find (login_page, "server_row"), server->base_url);
  kvota_ui_type (kvota_ui_find (login_page, "username_row"), username);
  kvota_ui_type (kvota_ui_find (login_page, "password_row"), password);
  kvota_ui_click (kvota_ui_find (login_page, "log_in_button"));
  /* A session begun with the client's, to know when the client's ends. */
  login = kvota_test_server_login_as (server, username, password);
  kvota_test_assert_status (login, 201);
  wait_for_session (window);
  wait_until_loaded (gtk_stack_get_visible_child (GTK_STACK (kvota_ui_find (session_of (window), "pages"))));

  /* The user waits past the session's end (the server says when). */
  {
    gint64 deadline = kvota_ui_deadline ();

    while (!session_expired (server, kvota_test_reply_get_string (login, "token")))
      {
        gboolean woken = FALSE;

        g_timeout_add (250, wake_cb, &woken);
        while (!woken)
          kvota_ui_wait_step (deadline, "the short session expires", __FILE__, __LINE__, G_STRFUNC);
      }
  }
  /* The client's began after the one above. */
  {
    gboolean woken = FALSE;

    g_timeout_add (1000, wake_cb, &woken);
    kvota_ui_wait_until (woken, "a moment more for the client’s session");
  }

  /* Reload (Ctrl+R): the server refuses the token; the login page says
   * why, with the username as it was and the password to type. */
  gtk_widget_activate_action (window, "win.reload", NULL);
  kvota_ui_wait_until (g_str_equal (visible_child_name (stack), "login") && login_error_shows (login_page),
                       "the login page comes back with the reason");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kvota_ui_find (login_page, "error_label"))), ==, expired);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kvota_ui_find (login_page, "username_row"))), ==, username);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kvota_ui_find (login_page, "server_row"))), ==,
                   server->base_url);
  kvota_ui_wait_until (gtk_root_get_focus (GTK_ROOT (window)) != NULL &&
                       gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                               kvota_ui_find (login_page, "password_row")),
                       "the password is ready to be typed");
  screenshot (window, "session-expired");

  /* The password again, and the same user is back. */
  kvota_ui_type (kvota_ui_find (login_page, "password_row"), password);
  kvota_ui_click (kvota_ui_find (login_page, "log_in_button"));
  wait_for_session (window);

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KVOTA_LOCALEDIR");
  gboolean tap = FALSE;
  int status;

  for (int i = 1; i < argc; i++)
    tap |= g_str_equal (argv[i], "--tap");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  /* The development build's shortcuts past the login page are not for
   * the tests: they type like a user. */
  g_unsetenv ("KVOTA_USERNAME");
  g_unsetenv ("KVOTA_PASSWORD");
  g_unsetenv ("KVOTA_PAGE");
  /* The user types the server's address, which the window remembers. */
  g_unsetenv ("KVOTA_SERVER_URL");

  ui.have_display = gtk_init_check ();
  if (ui.have_display)
    {
      g_autoptr(GError) error = NULL;

      kvota_ui_init ();

      /* The client's own application, registered but not unique: each
       * test run is an instance of its own. */
      ui.app = kvota_app_new ();
      g_application_set_flags (G_APPLICATION (ui.app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (ui.app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/ui/login/wrong-password", test_login_wrong_password);
  g_test_add_func ("/ui/login/keyboard", test_login_keyboard);
  for (guint i = 0; i < G_N_ELEMENTS (role_journeys); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/ui/login/%s", role_journeys[i].username);

      g_test_add_data_func (test_path, &role_journeys[i], test_login_role);
    }
  g_test_add_data_func ("/ui/report/trading/admin", "admin", test_report_trading);
  g_test_add_data_func ("/ui/report/trading/ministry", "ministry", test_report_trading);
  g_test_add_func ("/ui/balances/pavlodar", test_balances_pavlodar);
  /* Through a file chooser: meson runs /ui/files on its own. The new
   * transfer joins the queue, which the queue's journey allows for. */
  g_test_add_func ("/ui/files/nap-preview", test_nap_preview);
  g_test_add_func ("/ui/files/transfer-with-document", test_transfer_with_document);
  /* The amended 2014 plan takes quotas back from pavlodar; the sale
   * below is of its 2015 quotas. */
  g_test_add_func ("/ui/files/nap-upload-apply", test_nap_upload_apply);
  g_test_add_func ("/ui/files/propose-sale", test_propose_sale);
  /* These change the demo's figures: after the journeys that read them. */
  g_test_add_func ("/ui/trading/sign-for-sale", test_trading_sign_for_sale);
  g_test_add_func ("/ui/queue/confirm", test_queue_confirm);
  g_test_add_func ("/ui/applications/confirm", test_applications_confirm);
  g_test_add_func ("/ui/users/block-restore", test_users_block_restore);
  g_test_add_func ("/ui/audit/actions-described", test_audit_actions_described);
  g_test_add_func ("/ui/session/expired", test_session_expired);

  status = g_test_run ();

  /* Every journey skipped: 77 tells a test driver so, unless it reads
   * the TAP stream, which says it already. */
  if (!ui.have_display && status == 0 && !tap)
    status = 77;

  g_clear_pointer (&ui.server, kvota_test_server_free);
  g_clear_pointer (&ui.logins, g_hash_table_unref);
  g_clear_object (&ui.app);

  return status;
}
