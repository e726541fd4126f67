/* kvota-ctl-nap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvotactl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-ctl-private.h"
#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-nap.h"
#include "kvota-store.h"

/* kvotactl nap: check a National Allocation Plan file, or print the plan
 * the reader finds in it. */

static gboolean
parse_period (const char  *text,
              int         *first,
              int         *last)
{
  g_auto(GStrv) parts = NULL;
  guint64 a, b;

  if (text == NULL)
    return FALSE;

  parts = g_strsplit (text, "-", 2);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 2013, 2100, &a, NULL))
    return FALSE;
  if (parts[1] == NULL)
    b = a;
  else if (!g_ascii_string_to_unsigned (parts[1], 10, a, 2100, &b, NULL))
    return FALSE;

  *first = (int) a;
  *last = (int) b;
  return TRUE;
}

static KvotaNap *
read_plan (const char  *path,
           GError     **error)
{
  g_autoptr(KvotaWorkbook) workbook = NULL;

  if ((workbook = kvota_workbook_open (path, error)) == NULL)
    return NULL;

  return kvota_nap_read (workbook, NULL, error);
}

static int
check (int    argc,
       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *period = NULL;
  g_autofree char *db = NULL;
  GPtrArray *findings;
  guint n_errors;
  int first = 0, last = 0;
  const GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period,
      N_("The years the plan is for, such as 2014-2015"), N_("YEARS") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      N_("A registry database: warn about nature users not registered in it"), N_("PATH") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = _kvota_ctl_context ("nap check",
                                _("Check a National Allocation Plan file and list what is wrong with it."));
  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return _kvota_ctl_usage_error (_("Give exactly one plan file."));
  if (period != NULL && !parse_period (period, &first, &last))
    return _kvota_ctl_usage_error (_("Give the period as a year or a range of years, such as 2014-2015."));

  if ((nap = read_plan (files[0], &error)) == NULL)
    return _kvota_ctl_fail (error);

  if (period != NULL)
    kvota_nap_check_period (nap, first, last);

  if (db != NULL)
    {
      g_autoptr(KvotaStore) store = kvota_store_open (db, FALSE, &error);

      if (store == NULL)
        return _kvota_ctl_fail (error);
      kvota_store_check_nap_operators (store, nap);
    }

  findings = kvota_nap_get_findings (nap);
  for (guint i = 0; i < findings->len; i++)
    {
      KvotaNapFinding *finding = g_ptr_array_index (findings, i);
      g_autofree char *cell = finding->row > 0 ? kvota_nap_cell_name (finding->row, finding->column) : NULL;

      g_print ("%s%s%s [%s] %s\n",
               cell != NULL ? cell : "",
               cell != NULL ? ": " : "",
               /* Translators: the kind of a finding, before its code and sentence. */
               finding->severity == KVOTA_NAP_SEVERITY_ERROR ? _("error") : _("warning"),
               kvota_nap_check_to_string (finding->check),
               finding->message);
    }

  n_errors = kvota_nap_count_errors (nap);
  if (n_errors > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "The plan has %u error; it cannot be uploaded as it is.\n",
                            "The plan has %u errors; it cannot be uploaded as it is.\n",
                            n_errors), n_errors);
      return 1;
    }

  {
    GArray *years = kvota_nap_get_years (nap);
    guint n_lines = kvota_nap_get_lines (nap)->len;

    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "The plan on sheet “%s” is in order: %u line.\n",
                          "The plan on sheet “%s” is in order: %u lines.\n",
                          n_lines),
             kvota_nap_get_sheet_name (nap), n_lines);
    for (guint y = 0; y < years->len; y++)
      {
        KvotaQuantity total = 0;
        g_autofree char *text = NULL;

        kvota_nap_get_total (nap, y, &total);
        text = kvota_quantity_format (total);
        g_print (_("  %d: %s quotas\n"), g_array_index (years, int, y), text);
      }
  }

  return 0;
}

static void
write_stdout (const char *text,
              gsize       length,
              gpointer    user_data)
{
  fwrite (text, 1, length, stdout);
}

static int
dump (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *format = NULL;
  g_autofree char *text = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("csv (default) or json"), N_("FORMAT") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = _kvota_ctl_context ("nap dump", _("Print the plan found in a National Allocation Plan file."));
  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return _kvota_ctl_usage_error (_("Give exactly one plan file."));
  if (format != NULL && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return _kvota_ctl_usage_error (_("The format is csv or json."));

  if ((nap = read_plan (files[0], &error)) == NULL)
    return _kvota_ctl_fail (error);

  if (format != NULL && g_str_equal (format, "json"))
    {
      g_autoptr(JsonNode) node = kvota_nap_to_json (nap, TRUE);
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_generator_set_root (generator, node);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      fputs (text, stdout);
      fputc ('\n', stdout);
    }
  else
    kvota_nap_write_csv (nap, write_stdout, NULL);

  return fflush (stdout) == 0 ? 0 : 1;
}

int
_kvota_ctl_nap (int    argc,
                char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "check") == 0)
    return check (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "dump") == 0)
    return dump (argc - 1, argv + 1);

  g_printerr ("%s\n", _("Usage: kvotactl nap check FILE [--period YEARS] [--db PATH]"));
  g_printerr ("%s\n", _("       kvotactl nap dump FILE [--format csv|json]"));
  return 2;
}
