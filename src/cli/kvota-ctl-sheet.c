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

static const char * const month_names[] = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};

static const char * const day_names[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

static guint
count_run (const char *p,
           char        c)
{
  guint n = 0;

  while (g_ascii_tolower (p[n]) == c)
    n++;

  return n;
}

/* Formats a date serial with an Excel date format code, for the tokens
 * that date formats use in practice: y, m, d, h, m (minutes after h or
 * before s), s, AM/PM and [h]. */
static void
append_date (GString    *out,
             double      serial,
             const char *format)
{
  g_autoptr(GDateTime) time = kvota_workbook_date_to_datetime (serial);
  gboolean twelve_hours;
  gboolean after_hour = FALSE;

  if (time == NULL)
    {
      g_string_append_printf (out, "%.15g", serial);
      return;
    }

  if (format == NULL || *format == '\0')
    format = "m/d/yyyy";
  twelve_hours = strstr (format, "AM/PM") != NULL || strstr (format, "am/pm") != NULL;

  for (const char *p = format; *p; )
    {
      char c = g_ascii_tolower (*p);
      guint n = count_run (p, c);

      if (*p == '"')
        {
          for (p++; *p && *p != '"'; p++)
            g_string_append_c (out, *p);
          if (*p == '"')
            p++;
          continue;
        }

      if (*p == '\\' && p[1] != '\0')
        {
          g_string_append_c (out, p[1]);
          p += 2;
          continue;
        }

      if (*p == '[')
        {
          const char *end = strchr (p, ']');

          if (end != NULL && (p[1] == 'h' || p[1] == 'H'))
            {
              g_string_append_printf (out, "%d", (int) floor (serial * 24 + 1e-9));
              after_hour = TRUE;
            }
          p = end != NULL ? end + 1 : p + 1;
          continue;
        }

      if (g_ascii_strncasecmp (p, "AM/PM", 5) == 0)
        {
          g_string_append (out, g_date_time_get_hour (time) < 12 ? "AM" : "PM");
          p += 5;
          continue;
        }

      switch (c)
        {
        case 'y':
          if (n >= 3)
            g_string_append_printf (out, "%04d", g_date_time_get_year (time));
          else
            g_string_append_printf (out, "%02d", g_date_time_get_year (time) % 100);
          break;

        case 'd':
          if (n >= 4)
            g_string_append (out, day_names[g_date_time_get_day_of_week (time) - 1]);
          else if (n == 3)
            g_string_append_len (out, day_names[g_date_time_get_day_of_week (time) - 1], 3);
          else
            g_string_append_printf (out, n == 2 ? "%02d" : "%d", g_date_time_get_day_of_month (time));
          break;

        case 'm':
          {
            const char *q = p + n;
            gboolean minutes;

            while (*q == ':' || *q == ' ' || *q == '.')
              q++;
            minutes = n <= 2 && (after_hour || g_ascii_tolower (*q) == 's');
            if (minutes)
              g_string_append_printf (out, n == 2 ? "%02d" : "%d", g_date_time_get_minute (time));
            else if (n >= 4)
              g_string_append (out, month_names[g_date_time_get_month (time) - 1]);
            else if (n == 3)
              g_string_append_len (out, month_names[g_date_time_get_month (time) - 1], 3);
            else
              g_string_append_printf (out, n == 2 ? "%02d" : "%d", g_date_time_get_month (time));
            after_hour = FALSE;
          }
          break;

        case 'h':
          {
            int hour = g_date_time_get_hour (time);

            if (twelve_hours)
              hour = hour % 12 == 0 ? 12 : hour % 12;
            g_string_append_printf (out, n >= 2 ? "%02d" : "%d", hour);
            after_hour = TRUE;
          }
          break;

        case 's':
          g_string_append_printf (out, n >= 2 ? "%02d" : "%d", g_date_time_get_second (time));
          after_hour = FALSE;
          break;

        default:
          g_string_append_len (out, p, n);
          break;
        }

      p += n;
    }
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
