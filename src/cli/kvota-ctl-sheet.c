/* kvota-ctl-sheet.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvotactl"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-ctl-private.h"
#include "kvota-error.h"
#include "kvota-workbook.h"

/* kvotactl sheet: what the spreadsheet reader sees, printed the way
 * Gnumeric's ssconvert exports CSV, so that anyone can compare the two. */

typedef struct
{
  guint32  n_rows;
  guint32  n_columns;
} Extent;

static gboolean
measure_cb (const KvotaCell *cell,
            gpointer         user_data)
{
  Extent *extent = user_data;

  extent->n_rows = MAX (extent->n_rows, cell->row + 1);
  extent->n_columns = MAX (extent->n_columns, cell->column + 1);
  return TRUE;
}

/* Which parts a date format shows: days, months or years; hours,
 * minutes or seconds. An "m" is a minute next to an h or an s. */
static void
format_parts (const char *format,
              gboolean   *has_date,
              gboolean   *has_time)
{
  char previous = '\0';

  *has_date = *has_time = FALSE;

  for (const char *p = format != NULL ? format : ""; *p && *p != ';'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (*p == '"')
        {
          while (p[1] != '\0' && p[1] != '"')
            p++;
          if (p[1] == '"')
            p++;
          continue;
        }
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (*p == '[' && strchr (p, ']') != NULL)
        {
          if (strchr ("hms", g_ascii_tolower (p[1])) != NULL)
            *has_time = TRUE;
          p = strchr (p, ']');
          continue;
        }

      if (c == 'y' || c == 'd')
        *has_date = TRUE;
      else if (c == 'h' || c == 's')
        *has_time = TRUE;
      else if (c == 'm')
        {
          const char *q = p;

          while (g_ascii_tolower (*q) == 'm')
            q++;
          while (*q == ':' || *q == ' ')
            q++;
          if (previous == 'h' || previous == ':' || g_ascii_tolower (*q) == 's')
            *has_time = TRUE;
          else
            *has_date = TRUE;
          p = q - 1;
        }

      if (g_ascii_isalpha (*p) || *p == ':')
        previous = c;
    }
}

/* Dates and times as ssconvert's CSV export writes them, whatever the
 * cell's format: 2014/01/31, 2014/01/31 08:30:00, and times as elapsed
 * hours, 36:15:00, with milliseconds when there are any. */
static void
append_date (GString    *out,
             double      serial,
             const char *format)
{
  g_autoptr(GDateTime) time = kvota_workbook_date_to_datetime (serial);
  gboolean has_date, has_time;
  gint64 milliseconds;

  if (time == NULL)
    {
      g_string_append_printf (out, "%.15g", serial);
      return;
    }

  format_parts (format, &has_date, &has_time);
  if (!has_date && !has_time)
    has_date = TRUE;

  milliseconds = (gint64) llround (serial * 86400000.0);

  if (has_date)
    {
      g_string_append_printf (out, "%04d/%02d/%02d", g_date_time_get_year (time),
                              g_date_time_get_month (time), g_date_time_get_day_of_month (time));
      if (!has_time && milliseconds % 86400000 == 0)
        return;
      g_string_append_printf (out, " %02d:%02d:%02d", g_date_time_get_hour (time),
                              g_date_time_get_minute (time), g_date_time_get_second (time));
    }
  else
    {
      gint64 whole = milliseconds / 1000;

      /* A time of day, unless the format counts elapsed hours: [h]. */
      if (format == NULL || strchr (format, '[') == NULL)
        whole %= 86400;
      g_string_append_printf (out, "%" G_GINT64_FORMAT ":%02d:%02d", whole / 3600,
                              (int) (whole / 60 % 60), (int) (whole % 60));
    }

  if (milliseconds % 1000 != 0)
    g_string_append_printf (out, ".%03d", (int) (llabs (milliseconds) % 1000));
}

static void
append_number (GString *out,
               double   number)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* General: up to 15 significant digits, as spreadsheets show them. */
  if (number == floor (number) && fabs (number) < 1e15)
    g_string_append_printf (out, "%.0f", number);
  else
    g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.15g", number));
}

static void
append_field (GString    *out,
              const char *text)
{
  /* Quoted as ssconvert quotes: when it holds a separator, a quote, a
   * line break or a space. */
  if (strpbrk (text, ",\"\n\r \t") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

typedef struct
{
  FILE    *stream;
  GString *line;
  GString *field;
  Extent   extent;
  guint32  row;      /* the row being written */
  guint32  column;   /* the next column of that row */
} Dump;

static void
finish_row (Dump *dump)
{
  for (; dump->column + 1 < dump->extent.n_columns; dump->column++)
    g_string_append_c (dump->line, ',');
  g_string_append_c (dump->line, '\n');
  fwrite (dump->line->str, 1, dump->line->len, dump->stream);
  g_string_truncate (dump->line, 0);
  dump->row++;
  dump->column = 0;
}

static gboolean
dump_cb (const KvotaCell *cell,
         gpointer         user_data)
{
  Dump *dump = user_data;

  while (dump->row < cell->row)
    finish_row (dump);

  for (; dump->column < cell->column; dump->column++)
    g_string_append_c (dump->line, ',');

  g_string_truncate (dump->field, 0);
  switch (cell->kind)
    {
    case KVOTA_CELL_STRING:
    case KVOTA_CELL_ERROR:
      g_string_append (dump->field, cell->text != NULL ? cell->text : "");
      break;
    case KVOTA_CELL_BOOLEAN:
      g_string_append (dump->field, cell->number != 0 ? "TRUE" : "FALSE");
      break;
    case KVOTA_CELL_NUMBER:
    default:
      if (cell->is_date)
        append_date (dump->field, cell->number, cell->format);
      else
        append_number (dump->field, cell->number);
      break;
    }

  append_field (dump->line, dump->field->str);
  return TRUE;
}

static gboolean
choose_sheet (KvotaWorkbook  *workbook,
              const char     *wanted,
              guint          *index,
              GError        **error)
{
  guint64 number;

  if (wanted == NULL)
    {
      *index = 0;
      return TRUE;
    }

  if (g_strcmp0 (wanted, "active") == 0)
    {
      *index = kvota_workbook_get_active_sheet (workbook);
      return TRUE;
    }

  if (kvota_workbook_find_sheet (workbook, wanted, index))
    return TRUE;

  if (g_ascii_string_to_unsigned (wanted, 10, 0, G_MAXUINT, &number, NULL) &&
      number < kvota_workbook_get_n_sheets (workbook))
    {
      *index = (guint) number;
      return TRUE;
    }

  g_set_error (error, KVOTA_ERROR, KVOTA_ERROR_SPREADSHEET_NO_SHEET,
               _("The spreadsheet has no sheet “%s”."), wanted);
  return FALSE;
}

static int
dump (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sheet = NULL;
  g_autofree char *format = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GString) field = g_string_new (NULL);
  Dump state = { stdout, line, field, { 0, 0 }, 0, 0 };
  guint index;
  const GOptionEntry entries[] = {
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &sheet,
      N_("The sheet: its number from 0, its name, or “active” (default: the first)"), N_("SHEET") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Output format: csv (the only one)"), N_("FORMAT") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = _kvota_ctl_context ("sheet dump",
                                _("Print one sheet of a spreadsheet as CSV, as Gnumeric’s ssconvert would."));
  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;

  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return _kvota_ctl_usage_error (_("Give exactly one spreadsheet file."));
  if (format != NULL && g_strcmp0 (format, "csv") != 0)
    return _kvota_ctl_usage_error (_("The only output format is csv."));

  if ((workbook = kvota_workbook_open (files[0], &error)) == NULL ||
      !choose_sheet (workbook, sheet, &index, &error) ||
      !kvota_workbook_read_sheet (workbook, index, measure_cb, &state.extent, NULL, &error))
    return _kvota_ctl_fail (error);

  if (!kvota_workbook_read_sheet (workbook, index, dump_cb, &state, NULL, &error))
    return _kvota_ctl_fail (error);

  if (state.extent.n_rows == 0)
    g_string_append_c (line, '\n');
  while (state.row < state.extent.n_rows)
    finish_row (&state);
  fwrite (line->str, 1, line->len, stdout);

  return fflush (stdout) == 0 ? 0 : 1;
}

static int
list (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KvotaWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = _kvota_ctl_context ("sheet list", _("List the sheets of a spreadsheet."));
  if (!_kvota_ctl_parse (context, entries, &argc, &argv))
    return 2;

  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return _kvota_ctl_usage_error (_("Give exactly one spreadsheet file."));

  if ((workbook = kvota_workbook_open (files[0], &error)) == NULL)
    return _kvota_ctl_fail (error);

  /* One line a sheet: its number, flags, and name; machine-readable. */
  for (guint i = 0; i < kvota_workbook_get_n_sheets (workbook); i++)
    g_print ("%u\t%s%s\t%s\n", i,
             i == kvota_workbook_get_active_sheet (workbook) ? "active" : "-",
             kvota_workbook_get_sheet_hidden (workbook, i) ? ",hidden" : "",
             kvota_workbook_get_sheet_name (workbook, i));

  return 0;
}

int
_kvota_ctl_sheet (int    argc,
                  char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "dump") == 0)
    return dump (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return list (argc - 1, argv + 1);

  g_printerr ("%s\n", _("Usage: kvotactl sheet dump FILE [--sheet N|NAME|active] [--format csv]"));
  g_printerr ("%s\n", _("       kvotactl sheet list FILE"));
  return 2;
}
