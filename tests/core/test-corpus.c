/* test-corpus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads every spreadsheet of the shared corpus with `kvotactl sheet`, the
 * way a user would, and compares what it sees with what Gnumeric's
 * ssconvert read from the same file. Values are compared as values:
 * numbers as numbers to the precision the oracle shows, dates as dates.
 * Files we knowingly read differently are listed, with the reason, in
 * corpus/known-FORMAT.tsv; a listed file that matches again fails the
 * test too, so the list stays true.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

typedef struct
{
  const char *corpus;
  const char *kvotactl;
  const char *format;
} Context;

static Context ctx;

/* The user's one clear sentence, wherever it stands among the output. */
static gboolean
says_why (const char *err)
{
  return err != NULL && (g_str_has_prefix (err, "kvotactl: ") || strstr (err, "\nkvotactl: ") != NULL);
}

static void
limit_child (gpointer user_data)
{
  /* A reader that loops is stopped by the CPU limit; one that allocates
   * without bound by the memory limit (not under sanitizers, whose shadow
   * memory needs the address space). */
  struct rlimit cpu = { 60, 60 };
  struct rlimit memory = { (rlim_t) 4 << 30, (rlim_t) 4 << 30 };

  setrlimit (RLIMIT_CPU, &cpu);
  if (g_getenv ("KVOTA_TEST_SANITIZED") == NULL)
    setrlimit (RLIMIT_AS, &memory);
}

typedef struct
{
  int       status;      /* exit status, or -1 */
  int       signal;      /* the signal that ended it, or 0 */
  gboolean  cut_short;   /* it printed more than MAX_OUTPUT */
  char     *out;
  char     *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* A reader must not turn a small hostile file into gigabytes of cells
 * (shared strings referenced a million times); what it prints beyond
 * this is not read, and the run counts as cut short. */
#define MAX_OUTPUT (64 * 1024 * 1024)

static void
run_kvotactl (Run         *run,
              const char  *first,
              ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *err_path = NULL;
  g_autofree char *err = NULL;
  GInputStream *stream;
  char buffer[65536];
  gssize n;
  int fd;
  va_list args;

  g_ptr_array_add (argv, (char *) ctx.kvotactl);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Standard error goes to a file, so that neither pipe can block the other. */
  fd = g_file_open_tmp ("kvota-corpus-XXXXXX", &err_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  g_subprocess_launcher_set_child_setup (launcher, limit_child, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  stream = g_subprocess_get_stdout_pipe (process);
  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      if (out->len + (gsize) n > MAX_OUTPUT)
        {
          run->cut_short = TRUE;
          g_subprocess_force_exit (process);
          break;
        }
      g_string_append_len (out, buffer, n);
    }
  g_subprocess_wait (process, NULL, NULL);

  if (g_file_get_contents (err_path, &err, NULL, NULL) && strlen (err) > 65536)
    err[65536] = '\0';
  g_unlink (err_path);

  if (!g_utf8_validate (out->str, (gssize) out->len, NULL))
    g_string_assign (out, "");
  run->out = g_string_free (g_steal_pointer (&out), FALSE);
  run->err = g_steal_pointer (&err);
  if (run->err == NULL)
    run->err = g_strdup ("");

  if (run->cut_short)
    {
      run->status = 0;
      run->signal = 0;
    }
  else if (g_subprocess_get_if_signaled (process))
    {
      run->signal = g_subprocess_get_term_sig (process);
      run->status = -1;
    }
  else
    run->status = g_subprocess_get_exit_status (process);
}

/* CSV as ssconvert writes it: fields quoted with doubled quotes. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;
  gboolean any = FALSE;

  while (*p)
    {
      if (*p == '"')
        {
          for (p++; *p; p++)
            {
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
          any = TRUE;
          continue;
        }

      if (*p == ',' || *p == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*p == '\n')
            {
              g_ptr_array_add (rows, row);
              row = g_ptr_array_new_with_free_func (g_free);
            }
          p++;
          any = FALSE;
          continue;
        }

      if (*p != '\r')
        g_string_append_c (field, *p);
      any = TRUE;
      p++;
    }

  if (any || field->len > 0 || row->len > 0)
    {
      g_ptr_array_add (row, g_strdup (field->str));
      g_ptr_array_add (rows, row);
    }
  else
    g_ptr_array_unref (row);

  g_string_free (field, TRUE);
  return rows;
}

static const char *
cell_at (GPtrArray *rows,
         guint      r,
         guint      c)
{
  GPtrArray *row;

  if (r >= rows->len)
    return "";
  row = g_ptr_array_index (rows, r);
  if (c >= row->len)
    return "";
  return g_ptr_array_index (row, c);
}

/* A number as the oracle formats it: 1,234.50  (12)  12.5%  1.2E+10
 * $3.00; returns the value and the tolerance its shown digits allow. */
static gboolean
parse_shown_number (const char *text,
                    double     *value,
                    double     *tolerance)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gboolean negative = FALSE;
  gboolean percent = FALSE;
  const char *dot;
  const char *exponent;
  int decimals = 0;
  char *end;

  for (const char *p = text; *p; p++)
    {
      if (*p == ',' || *p == ' ' || *p == '$')
        continue;
      if (*p == '(' || *p == ')')
        {
          negative = TRUE;
          continue;
        }
      if (*p == '%' && p[1] == '\0')
        {
          percent = TRUE;
          continue;
        }
      g_string_append_c (clean, *p);
    }

  if (clean->len == 0)
    return FALSE;

  *value = g_ascii_strtod (clean->str, &end);
  if (*end != '\0' || !isfinite (*value))
    return FALSE;

  exponent = strpbrk (clean->str, "eE");
  if ((dot = strchr (clean->str, '.')) != NULL)
    decimals = (int) ((exponent != NULL ? exponent : clean->str + clean->len) - dot - 1);

  *tolerance = 0.5 * pow (10, -decimals);
  if (exponent != NULL)
    *tolerance *= pow (10, atoi (exponent + 1));
  if (percent)
    {
      *value /= 100;
      *tolerance /= 100;
    }
  if (negative)
    *value = -*value;

  *tolerance = MAX (*tolerance, fabs (*value) * 1e-14);
  return TRUE;
}

typedef struct
{
  int parts[6];     /* year, month, day, hour, minute, second; -1 if absent */
} ShownDate;

static const char * const months[] = {
  "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

static gboolean
parse_shown_date (const char *text,
                  ShownDate  *date)
{
  int numbers[8];
  char separators[8];
  guint n = 0;
  int month_name = -1;
  gboolean pm = FALSE, am = FALSE;
  const char *p = text;
  guint date_numbers;

  for (guint i = 0; i < 6; i++)
    date->parts[i] = -1;

  while (*p)
    {
      if (g_ascii_isdigit (*p))
        {
          if (n == G_N_ELEMENTS (numbers))
            return FALSE;
          numbers[n] = (int) strtol (p, (char **) &p, 10);
          separators[n] = *p;
          n++;
        }
      else if (g_ascii_isalpha (*p))
        {
          if (g_ascii_strncasecmp (p, "AM", 2) == 0)
            am = TRUE;
          else if (g_ascii_strncasecmp (p, "PM", 2) == 0)
            pm = TRUE;
          else
            for (guint m = 0; m < 12; m++)
              if (g_ascii_strncasecmp (p, months[m], 3) == 0)
                month_name = (int) m + 1;
          while (g_ascii_isalpha (*p))
            p++;
        }
      else if (strchr ("/-: .,", *p) != NULL)
        p++;
      else
        return FALSE;
    }

  /* The date's numbers come first; the time starts with the first number
   * followed by a colon. */
  for (date_numbers = 0; date_numbers < n && separators[date_numbers] != ':'; date_numbers++)
    continue;

  {
    guint time_start = date_numbers;
    guint d = time_start;

    if (month_name > 0)
      {
        date->parts[1] = month_name;
        if (d >= 2)
          {
            date->parts[2] = numbers[0];
            date->parts[0] = numbers[1] < 100 ? 2000 + numbers[1] : numbers[1];
          }
        else if (d == 1)
          {
            if (numbers[0] > 31)
              date->parts[0] = numbers[0];
            else
              date->parts[2] = numbers[0];
          }
      }
    else if (d >= 3)
      {
        if (numbers[0] > 31)
          {
            date->parts[0] = numbers[0];
            date->parts[1] = numbers[1];
            date->parts[2] = numbers[2];
          }
        else
          {
            date->parts[1] = numbers[0];
            date->parts[2] = numbers[1];
            date->parts[0] = numbers[2] < 100 ? 2000 + numbers[2] : numbers[2];
          }
      }
    else if (d != 0)
      return FALSE;

    if (time_start < n)
      {
        date->parts[3] = numbers[time_start];
        if (time_start + 1 < n)
          date->parts[4] = numbers[time_start + 1];
        if (time_start + 2 < n)
          date->parts[5] = numbers[time_start + 2];
        if (pm && date->parts[3] < 12)
          date->parts[3] += 12;
        if (am && date->parts[3] == 12)
          date->parts[3] = 0;
      }
  }

  return date->parts[0] >= 0 || date->parts[1] >= 0 || date->parts[3] >= 0;
}

static gboolean
same_value (const char *expected,
            const char *ours)
{
  double a, b, tolerance_a, tolerance_b;
  ShownDate x, y;

  if (g_strcmp0 (expected, ours) == 0)
    return TRUE;

  /* Leading and trailing blanks are how a cell looks, not what it holds. */
  {
    g_autofree char *e = g_strstrip (g_strdup (expected));
    g_autofree char *o = g_strstrip (g_strdup (ours));

    if (g_strcmp0 (e, o) == 0)
      return TRUE;
  }

  if (parse_shown_number (expected, &a, &tolerance_a) &&
      parse_shown_number (ours, &b, &tolerance_b))
    return fabs (a - b) <= tolerance_a + 1e-12;

  if (parse_shown_date (expected, &x) && parse_shown_date (ours, &y))
    {
      gboolean compared = FALSE;

      for (guint i = 0; i < 6; i++)
        {
          if (x.parts[i] < 0 || y.parts[i] < 0)
            continue;
          /* hours beyond a day ([h]) are shown whole by one side only */
          if (i == 3 && (x.parts[i] >= 24 || y.parts[i] >= 24))
            continue;
          if (x.parts[i] != y.parts[i])
            return FALSE;
          compared = TRUE;
        }
      return compared;
    }

  return FALSE;
}

static guint
count_mismatches (GPtrArray *expected,
                  GPtrArray *ours,
                  guint      row_offset,
                  guint      column_offset,
                  GString   *report)
{
  guint mismatches = 0;
  guint n_rows = MAX (expected->len, ours->len);

  for (guint r = 0; r < n_rows; r++)
    {
      guint n_columns = 0;

      if (r < expected->len)
        n_columns = MAX (n_columns, ((GPtrArray *) g_ptr_array_index (expected, r))->len);
      if (r + row_offset < ours->len)
        n_columns = MAX (n_columns, ((GPtrArray *) g_ptr_array_index (ours, r + row_offset))->len);

      for (guint c = 0; c < n_columns; c++)
        {
          const char *e = cell_at (expected, r, c);
          const char *o = cell_at (ours, r + row_offset, c + column_offset);

          if (same_value (e, o))
            continue;

          if (report != NULL && mismatches < 3)
            g_string_append_printf (report, "  row %u column %u: ssconvert “%.60s”, we “%.60s”\n",
                                    r + row_offset + 1, c + column_offset + 1, e, o);
          mismatches++;
        }
    }

  /* What lies before the offsets must be empty on our side. */
  for (guint r = 0; r < ours->len; r++)
    for (guint c = 0; c < ((GPtrArray *) g_ptr_array_index (ours, r))->len; c++)
      if ((r < row_offset || c < column_offset) && cell_at (ours, r, c)[0] != '\0')
        mismatches++;

  return mismatches;
}

/* ssconvert's CSV starts at the first row and column its sheet uses, which
 * may be below or right of A1 (and drawings can move that corner), while
 * ours starts at A1: try the corners near ours and keep the best. */
static guint
compare_sheets (const char  *expected_csv,
                const char  *our_csv,
                GString     *report)
{
  g_autoptr(GPtrArray) expected = parse_csv (expected_csv);
  g_autoptr(GPtrArray) ours = parse_csv (our_csv);
  guint first_row = G_MAXUINT, first_column = G_MAXUINT;
  guint best = G_MAXUINT, best_row = 0, best_column = 0;

  for (guint r = 0; r < ours->len; r++)
    for (guint c = 0; c < ((GPtrArray *) g_ptr_array_index (ours, r))->len; c++)
      if (cell_at (ours, r, c)[0] != '\0')
        {
          first_row = MIN (first_row, r);
          first_column = MIN (first_column, c);
        }

  if (first_row == G_MAXUINT)
    first_row = first_column = 0;

  for (guint dr = 0; dr <= 4 && best > 0; dr++)
    for (guint dc = 0; dc <= 4 && best > 0; dc++)
      {
        guint row_offset, column_offset, mismatches;

        if (dr > first_row || dc > first_column)
          continue;
        row_offset = first_row - dr;
        column_offset = first_column - dc;
        mismatches = count_mismatches (expected, ours, row_offset, column_offset, NULL);
        if (mismatches < best)
          {
            best = mismatches;
            best_row = row_offset;
            best_column = column_offset;
          }
      }

  /* From A1 too, where neither side starts later. */
  if (best > 0)
    {
      guint mismatches = count_mismatches (expected, ours, 0, 0, NULL);

      if (mismatches < best)
        {
          best = mismatches;
          best_row = best_column = 0;
        }
    }

  if (best > 0)
    count_mismatches (expected, ours, best_row, best_column, report);

  return best;
}

static GHashTable *
load_known (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "corpus", NULL);
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *name = g_strdup_printf ("known-%s.tsv", ctx.format);

  file = g_build_filename (path, name, NULL);
  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return known;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      g_assert_nonnull (tab);
      *tab = '\0';
      g_hash_table_insert (known, g_strdup (lines[i]), g_strdup (tab + 1));
    }

  return known;
}

/* The files of one folder, with ssconvert's exit status for each. */
static GPtrArray *
load_oracle (GHashTable **oracle_status)
{
  g_autofree char *path = g_build_filename (ctx.corpus, "oracle.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prefix = g_strdup_printf ("%s/", ctx.format);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  *oracle_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) columns = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (columns) < 2 || !g_str_has_prefix (columns[0], prefix))
        continue;
      g_ptr_array_add (files, g_strdup (columns[0]));
      g_hash_table_insert (*oracle_status, g_strdup (columns[0]), GINT_TO_POINTER (atoi (columns[1])));
    }

  return files;
}

static void
test_corpus (void)
{
  g_autoptr(GHashTable) known = load_known ();
  g_autoptr(GHashTable) oracle_status = NULL;
  g_autoptr(GPtrArray) files = load_oracle (&oracle_status);
  g_autoptr(GString) failures = g_string_new (NULL);
  gboolean bad = g_str_equal (ctx.format, "bad");
  guint n_matched = 0, n_known = 0, n_refused = 0;

  g_assert_cmpuint (files->len, >, 0);

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (ctx.corpus, file, NULL);
      g_autofree char *oracle_path = g_strdup_printf ("%s/oracle/%s.csv", ctx.corpus, file);
      g_autofree char *oracle = NULL;
      g_autofree char *sheet = NULL;
      g_autoptr(GString) report = g_string_new (NULL);
      const char *reason = g_hash_table_lookup (known, file);
      Run list = { 0, }, dump = { 0, };
      guint mismatches;

      run_kvotactl (&list, "sheet", "list", path, NULL);

      if (list.signal != 0)
        g_string_append_printf (failures, "%s: kvotactl sheet list died of signal %d\n", file, list.signal);
      else if (list.status != 0 && !says_why (list.err))
        g_string_append_printf (failures, "%s: refused without a clear message: %s\n", file, list.err);

      if (list.status != 0)
        {
          n_refused++;
          /* ssconvert read it and so should we, unless we say why not. */
          if (!bad && GPOINTER_TO_INT (g_hash_table_lookup (oracle_status, file)) == 0 && reason == NULL)
            g_string_append_printf (failures, "%s: refused (%s)", file, g_strstrip (list.err));
          run_clear (&list);
          continue;
        }

      for (const char *l = list.out; l != NULL && *l; l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
        if (strstr (l, "\tactive") == strchr (l, '\t') && strchr (l, '\t') != NULL)
          {
            sheet = g_strndup (l, strchr (l, '\t') - l);
            break;
          }
      run_clear (&list);
      g_assert_nonnull (sheet);

      run_kvotactl (&dump, "sheet", "dump", path, "--sheet", sheet, NULL);
      if (dump.signal != 0 || (dump.status != 0 && !says_why (dump.err)))
        {
          g_string_append_printf (failures, "%s: kvotactl sheet dump failed badly (signal %d): %s\n",
                                  file, dump.signal, dump.err);
          run_clear (&dump);
          continue;
        }

      if (bad || !g_file_get_contents (oracle_path, &oracle, NULL, NULL))
        {
          /* Nothing to compare with: surviving the file is the test. */
          run_clear (&dump);
          continue;
        }

      if (dump.cut_short)
        g_string_append_printf (report, "  the sheet printed more than %d MiB\n", MAX_OUTPUT >> 20);
      mismatches = dump.status == 0 && !dump.cut_short ? compare_sheets (oracle, dump.out, report) : 1;
      if (dump.status != 0)
        g_string_append_printf (report, "  %s", dump.err);
      run_clear (&dump);

      if (mismatches == 0 && reason == NULL)
        n_matched++;
      else if (mismatches == 0)
        g_string_append_printf (failures, "%s: now matches the oracle; take it off known-%s.tsv\n",
                                file, ctx.format);
      else if (reason != NULL)
        n_known++;
      else
        g_string_append_printf (failures, "%s: %u cells differ from ssconvert's\n%s",
                                file, mismatches, report->str);
    }

  g_test_message ("%s: %u files match the oracle, %u differ for listed reasons, %u refused",
                  ctx.format, n_matched, n_known, n_refused);

  if (failures->len > 0)
    {
      g_test_message ("%s", failures->str);
      g_test_fail ();
    }
}

static void
test_corpus_missing (void)
{
  g_test_skip ("the shared spreadsheet corpus is not beside the checkout");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ctx.corpus = g_getenv ("KVOTA_CORPUS");
  ctx.kvotactl = g_getenv ("KVOTACTL");
  ctx.format = argc > 1 ? argv[1] : "xlsx";

  {
    g_autofree char *name = g_strdup_printf ("/core/corpus/%s", ctx.format);

    if (ctx.corpus == NULL || !g_file_test (ctx.corpus, G_FILE_TEST_IS_DIR))
      g_test_add_func (name, test_corpus_missing);
    else
      g_test_add_func (name, test_corpus);
  }

  return g_test_run ();
}
