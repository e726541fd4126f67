/* kvota-ctl.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvotactl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kvota-ctl.h"
#include "kvota-ctl-private.h"
#include "kvota-demo.h"
#include "kvota-error.h"
#include "kvota-secret.h"
#include "kvota-store.h"

/* kvotactl: the operator's command line. Each command parses its own
 * options, works on a registry database directly, and exits 0 on
 * success, 1 on failure and 2 on a usage error. */

typedef int (*CommandFunc) (int argc, char **argv);

typedef struct
{
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} Command;

int
_kvota_ctl_fail (const GError *error)
{
  g_printerr ("kvotactl: %s\n", error->message);
  return 1;
}

int
_kvota_ctl_usage_error (const char *message)
{
  g_printerr ("kvotactl: %s\n", message);
  g_printerr (_("Run “%s --help” for the options.\n"), g_get_prgname ());
  return 2;
}

GOptionContext *
_kvota_ctl_context (const char *command,
                    const char *summary)
{
  GOptionContext *context = g_option_context_new (NULL);
  g_autofree char *name = g_strdup_printf ("kvotactl %s", command);

  g_set_prgname (name);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  return context;
}

gboolean
_kvota_ctl_parse (GOptionContext     *context,
                  const GOptionEntry *entries,
                  int                *argc,
                  char             ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      _kvota_ctl_usage_error (error->message);
      return FALSE;
    }

  if (*argc > 1)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”."), (*argv)[1]);
      _kvota_ctl_usage_error (message);
      return FALSE;
    }

  return TRUE;
}

static const char *
need_db (const char *db)
{
  if (db == NULL)
    g_printerr ("kvotactl: %s\n", _("Please give the registry to use: --db PATH."));
  return db;
}

/* Reads a password without echo from a terminal (asking twice), or one
 * line from standard input when it is not a terminal. Passwords never
 * travel as arguments: those are visible to every user of the machine. */
static char *
read_password (GError **error)
{
  g_autofree char *first = NULL;
  gboolean tty = isatty (STDIN_FILENO);

  for (guint round = 0; round < (tty ? 2u : 1u); round++)
    {
      struct termios saved, quiet;
      char buffer[1100];
      gboolean echo_off = FALSE;
      char *line;

      if (tty)
        {
          g_print ("%s", round == 0 ? _("New password: ") : _("Repeat the password: "));
          fflush (stdout);
          if (tcgetattr (STDIN_FILENO, &saved) == 0)
            {
              quiet = saved;
              quiet.c_lflag &= ~(tcflag_t) ECHO;
              echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
            }
        }

      line = fgets (buffer, sizeof buffer, stdin);

      if (echo_off)
        {
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
          g_print ("\n");
        }

      if (line == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("No password was given."));
          return NULL;
        }

      buffer[strcspn (buffer, "\r\n")] = '\0';

      if (round == 0)
        first = g_strdup (buffer);
      else if (strcmp (first, buffer) != 0)
        {
          memset (buffer, 0, sizeof buffer);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The two passwords differ."));
          return NULL;
        }

      memset (buffer, 0, sizeof buffer);
    }

  return g_steal_pointer (&first);
}

/* kvotactl init */

static int
init_cb (int    argc,
         char **argv)
{
  g_autoptr(GOptionContext) context = _kvota_ctl_context ("init", _("Create a new, empty registry database."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The registry database to create"), N_("PATH") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;

  if (g_file_test (db, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("kvotactl: “%s” already exists; init never overwrites a registry.\n"), db);
      return 1;
    }

  if ((store = kvota_store_open (db, TRUE, &error)) == NULL ||
      !kvota_store_set_setting (store, "kvotactl", "require-admin-two-factor", "true", &error))
    return _kvota_ctl_fail (error);

  g_print (_("Created the registry “%s”.\n"), db);
  g_print (_("Next, create its first administrator:\n  kvotactl create-admin --db %s --username NAME\n"), db);
  return 0;
}

/* kvotactl create-admin */

static int
create_admin_cb (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = _kvota_ctl_context ("create-admin",
                                                       _("Create an administrator. The password is read from the terminal, or from standard input."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *username = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The registry database"), N_("PATH") },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, N_("The administrator’s login name"), N_("LOGIN") },
    { "full-name", 0, 0, G_OPTION_ARG_STRING, &full_name, N_("The administrator’s full name"), N_("FULL NAME") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;
  if (username == NULL)
    return _kvota_ctl_usage_error (_("Please give the administrator’s login name: --username LOGIN."));

  if (!kvota_secret_init (&error) ||
      (store = kvota_store_open (db, FALSE, &error)) == NULL ||
      (password = read_password (&error)) == NULL ||
      !kvota_password_check_strength (password, &error) ||
      (hash = kvota_password_hash (password, &error)) == NULL)
    return _kvota_ctl_fail (error);

  user = kvota_store_create_user (store, "kvotactl",
                                  kvota_store_find_organisation_by_type (store, KVOTA_HOLDER_TYPE_REGISTRY),
                                  username, hash, full_name != NULL ? full_name : username,
                                  KVOTA_ROLE_ADMINISTRATOR, &error);
  if (user == NULL)
    return _kvota_ctl_fail (error);

  g_print (_("Created the administrator “%s”.\n"), user->username);
  return 0;
}

/* kvotactl verify */

static int
verify_cb (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = _kvota_ctl_context ("verify",
                                                       _("Check that the ledger balances and that the audit journal is unbroken."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GArray) totals = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *db = NULL;
  gint64 n_entries = 0;
  gint64 first_bad = 0;
  int status = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The registry database"), N_("PATH") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;

  if ((store = kvota_store_open (db, FALSE, &error)) == NULL)
    return _kvota_ctl_fail (error);

  if ((totals = kvota_store_check_ledger (store, &error)) == NULL)
    {
      g_printerr (_("Ledger: BROKEN. %s\n"), error->message);
      status = 1;
    }
  else
    {
      g_print (_("Ledger: balanced.\n"));
      for (guint i = 0; i < totals->len; i++)
        {
          const KvotaLedgerTotal *total = &g_array_index (totals, KvotaLedgerTotal, i);
          g_autofree char *issued = kvota_quantity_format (total->issued);
          g_autofree char *held = kvota_quantity_format (total->held);
          g_autofree char *surrendered = kvota_quantity_format (total->surrendered);
          g_autofree char *cancelled = kvota_quantity_format (total->cancelled);

          /* Translators: the first %s is a unit type such as “Quotas”, %d a year. */
          g_print (_("  %s of %d: issued %s = held %s + surrendered %s + cancelled %s\n"),
                   kvota_unit_type_describe (total->unit_type), total->vintage,
                   issued, held, surrendered, cancelled);
        }
    }

  if (!kvota_store_verify_audit (store, &n_entries, &first_bad, &audit_error))
    {
      g_printerr (_("Audit journal: BROKEN. %s\n"), audit_error->message);
      status = 1;
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "Audit journal: unbroken, %lld entry.\n",
                          "Audit journal: unbroken, %lld entries.\n",
                          (gulong) n_entries),
             (long long) n_entries);

  return status;
}

/* kvotactl backup */

static int
backup_cb (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = _kvota_ctl_context ("backup",
                                                       _("Write a consistent copy of the registry, even while the server runs."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaStore) copy = NULL;
  g_autoptr(GArray) totals = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *to = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The registry database"), N_("PATH") },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("The backup file to write"), N_("FILE") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;
  if (to == NULL)
    return _kvota_ctl_usage_error (_("Please give the file to write the backup to: --to FILE."));

  if (g_file_test (to, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("kvotactl: “%s” already exists; choose a new file for the backup.\n"), to);
      return 1;
    }

  if ((store = kvota_store_open (db, FALSE, &error)) == NULL ||
      !kvota_store_backup (store, to, &error))
    return _kvota_ctl_fail (error);

  /* A backup is only as good as its restore: prove this one opens and balances. */
  if ((copy = kvota_store_open (to, FALSE, &error)) == NULL ||
      (totals = kvota_store_check_ledger (copy, &error)) == NULL ||
      !kvota_store_verify_audit (copy, NULL, NULL, &error))
    return _kvota_ctl_fail (error);

  g_print (_("Wrote the backup “%s”; it opens, its ledger balances and its audit journal is unbroken.\n"), to);
  return 0;
}

/* kvotactl demo */

/* Pads @text to @width characters, not bytes: Kazakh and Russian letters
 * take two bytes each. */
static char *
pad (const char *text,
     guint       width)
{
  GString *padded = g_string_new (text);
  glong length = g_utf8_strlen (text, -1);

  for (glong i = length; i < (glong) width; i++)
    g_string_append_c (padded, ' ');

  return g_string_free (padded, FALSE);
}

static int
demo_cb (int    argc,
         char **argv)
{
  g_autoptr(GOptionContext) context = _kvota_ctl_context ("demo",
                                                       _("Create a demo registry with sample organisations, users and quotas, and print its logins."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GPtrArray) logins = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_auto(GStrv) plans = NULL;
  g_auto(GStrv) default_plans = g_new0 (char *, 3);
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The demo registry database to create"), N_("PATH") },
    { "nap", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plans,
      N_("A National Allocation Plan file to apply; repeat for several (default: the sample plans)"), N_("FILE") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;

  default_plans[0] = g_build_filename (KVOTA_DATADIR, "nap-2014.xlsx", NULL);
  default_plans[1] = g_build_filename (KVOTA_DATADIR, "nap-2015.xlsx", NULL);

  if (g_file_test (db, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("kvotactl: “%s” already exists; a demo registry is never written over an existing file.\n"), db);
      return 1;
    }

  if (!kvota_secret_init (&error) ||
      (store = kvota_store_open (db, TRUE, &error)) == NULL ||
      !kvota_store_set_setting (store, "kvotactl-demo", "require-admin-two-factor", "false", &error) ||
      (logins = kvota_demo_build (store, (const char * const *) (plans != NULL ? plans : default_plans),
                                  &error)) == NULL)
    {
      g_clear_object (&store);
      g_remove (db);
      return _kvota_ctl_fail (error);
    }

  g_print (_("Created the demo registry “%s”. Two-factor login for administrators is off in a demo registry.\n"), db);
  g_print (_("Demo logins (username, password, role, organisation):\n"));
  for (guint i = 0; i < logins->len; i++)
    {
      const KvotaDemoLogin *login = g_ptr_array_index (logins, i);

      g_autofree char *role = pad (kvota_role_describe (login->role), 20);

      g_print ("  %-18s %-16s %s %s\n", login->username, login->password, role, login->organisation);
    }

  return 0;
}

/* kvotactl report */

static int
report_cb (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = _kvota_ctl_context ("report",
                                                          _("Print the yearly trading report from the ledger."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(KvotaTradingReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *format = NULL;
  g_autofree char *table_name = NULL;
  KvotaTradingTable table = KVOTA_TRADING_TABLE_YEARS;
  int year = 0;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The registry database"), N_("PATH") },
    { "year", 0, 0, G_OPTION_ARG_INT, &year, N_("Only this year"), N_("YEAR") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("csv (default) or json"), N_("FORMAT") },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table_name,
      N_("For CSV: years (default), months, sectors or accounts"), N_("TABLE") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;
  if (format != NULL && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return _kvota_ctl_usage_error (_("The format is csv or json."));
  if (year != 0 && (year < KVOTA_VINTAGE_MIN || year > KVOTA_VINTAGE_MAX))
    return _kvota_ctl_usage_error (_("Give a year from 2013 to 2100."));
  if (table_name != NULL && !kvota_trading_table_from_string (table_name, &table))
    return _kvota_ctl_usage_error (_("The table is years, months, sectors or accounts."));

  if ((store = kvota_store_open (db, FALSE, &error)) == NULL ||
      (report = kvota_store_trading_report (store, year, &error)) == NULL)
    return _kvota_ctl_fail (error);

  if (format != NULL && g_str_equal (format, "json"))
    {
      g_autoptr(JsonNode) node = kvota_trading_report_to_json (report);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *csv = kvota_trading_report_to_csv (report, table);

      g_print ("%s", csv);
    }

  return 0;
}

/* kvotactl four-eyes */

static int
four_eyes_cb (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context =
    _kvota_ctl_context ("four-eyes",
                        _("Show or set the quantity above which a transfer needs two administrators."));
  g_autoptr(KvotaStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *threshold = NULL;
  g_autofree char *current = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The registry database"), N_("PATH") },
    { "threshold", 0, 0, G_OPTION_ARG_STRING, &threshold,
      N_("A quantity in whole tonnes, or “off”"), N_("QUANTITY") },
    { NULL }
  };

  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (need_db (db) == NULL)
    return 2;

  if (threshold != NULL && !g_str_equal (threshold, "off"))
    {
      KvotaQuantity quantity;

      if (!kvota_quantity_parse (threshold, &quantity, NULL) || quantity <= 0)
        return _kvota_ctl_usage_error (_("The threshold is a positive whole number of tonnes, or “off”."));
      g_free (threshold);
      threshold = g_strdup_printf ("%" G_GINT64_FORMAT, quantity);
    }

  if ((store = kvota_store_open (db, FALSE, &error)) == NULL)
    return _kvota_ctl_fail (error);

  if (threshold != NULL &&
      !kvota_store_set_setting (store, "kvotactl", KVOTA_SETTING_FOUR_EYES_THRESHOLD, threshold, &error))
    return _kvota_ctl_fail (error);

  current = kvota_store_get_setting (store, KVOTA_SETTING_FOUR_EYES_THRESHOLD);
  if (current == NULL || g_str_equal (current, "off") || g_str_equal (current, "0"))
    g_print (_("Four eyes: off. One administrator confirms every transfer.\n"));
  else
    {
      KvotaQuantity quantity = 0;
      g_autofree char *shown = NULL;

      kvota_quantity_parse (current, &quantity, NULL);
      shown = kvota_quantity_format (quantity);
      /* Translators: %s is a quantity of tonnes, such as 100 000. */
      g_print (_("Four eyes: transfers of more than %s need two administrators.\n"), shown);
    }

  return 0;
}

static const Command commands[] = {
  { "init", init_cb, N_("Create a new, empty registry database") },
  { "create-admin", create_admin_cb, N_("Create an administrator") },
  { "verify", verify_cb, N_("Check that the ledger balances and that the audit journal is unbroken") },
  { "backup", backup_cb, N_("Write a consistent backup while the server runs") },
  { "demo", demo_cb, N_("Create a demo registry and print its logins") },
  { "report", report_cb, N_("Print the yearly trading report") },
  { "four-eyes", four_eyes_cb, N_("Show or set when a transfer needs two administrators") },
  { "nap", _kvota_ctl_nap, N_("Check a National Allocation Plan file, or print its plan: nap check, nap dump") },
  { "sheet", _kvota_ctl_sheet, N_("Show what the spreadsheet reader sees: sheet list, sheet dump") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: kvotactl COMMAND [OPTION…]"));
  fprintf (stream, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “kvotactl COMMAND --help” for a command’s options."));
}

/**
 * kvota_ctl_run:
 * @argc: the argument count
 * @argv: the arguments, the command first after the program name
 *
 * Returns: the process's exit status
 */
int
kvota_ctl_run (int    argc,
               char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }

  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("kvotactl %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        return commands[i].func (argc - 1, argv + 1);
    }

  g_printerr (_("kvotactl: there is no command “%s”.\n"), argv[1]);
  print_usage (stderr);
  return 2;
}
