/* kvota-nap.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-bin.h"
#include "kvota-error.h"
#include "kvota-nap.h"
#include "kvota-types.h"

/* The National Allocation Plan as the Ministry issues it: a table on a
 * sheet, found by its header row (in Russian, Kazakh or English), with
 * sector headings, installations, reserve lines, subtotals and a totals
 * row. Reading never fails on what the plan says: every problem becomes
 * a finding with a stable code, the cell it points at, and a sentence. */

#define HEADER_SEARCH_ROWS 60

typedef enum
{
  COLUMN_NUMBER,
  COLUMN_OPERATOR,
  COLUMN_BIN,
  COLUMN_INSTALLATION,
  COLUMN_SECTOR,
  N_COLUMNS
} Column;

struct _KvotaNap
{
  GObject    parent_instance;

  char      *sheet_name;
  GArray    *years;       /* of int */
  GPtrArray *lines;       /* of KvotaNapLine */
  GPtrArray *findings;    /* of KvotaNapFinding */
  GArray    *totals;      /* of KvotaQuantity; the totals row, if any */
  guint      totals_row;  /* its 1-based row, for the findings */
  gboolean   has_totals;

  /* The lines' strings: operators, BINs and sectors repeat from line to
   * line and are kept once. */
  GStringChunk *strings;
};

G_DEFINE_FINAL_TYPE (KvotaNap, kvota_nap, G_TYPE_OBJECT)

static const char * const check_names[] = {
  "missing-columns", "empty-table", "invalid-bin", "duplicate-installation",
  "bin-name-conflict", "negative-amount", "fractional-amount", "non-numeric-amount",
  "amount-overflow", "year-outside-period", "totals-mismatch", "subtotal-mismatch",
  "unregistered-operator", "draft-pending", "missing-value",
};

G_STATIC_ASSERT (G_N_ELEMENTS (check_names) == KVOTA_N_NAP_CHECKS);

/* Words a header cell contains, casefolded; the first match wins. */
static const char * const column_words[N_COLUMNS][8] = {
  [COLUMN_NUMBER] = { "№", "п/п", "no.", "#", NULL },
  [COLUMN_OPERATOR] = { "природопользовател", "табиғат пайдаланушы", "оператор", "operator",
                        "nature user", "компания", "company", NULL },
  [COLUMN_BIN] = { "бин", "бсн", "bin", "иин", "жсн", NULL },
  [COLUMN_INSTALLATION] = { "установк", "қондырғы", "installation", "объект", NULL },
  [COLUMN_SECTOR] = { "отрасл", "сала", "sector", "сектор", NULL },
};

static const char * const total_words[] = {
  "итого", "всего", "total", "барлығы", "жиыны", "жиынтығы", NULL,
};
static const char * const subtotal_words[] = {
  "по отрасли", "по сектору", "subtotal", "sector total", "сала бойынша", "салалар бойынша", NULL,
};
static const char * const reserve_words[] = {
  "резерв", "reserve", NULL,
};

static void
line_free (gpointer data)
{
  KvotaNapLine *line = data;

  /* Its strings belong to the plan's string chunk. */
  g_clear_pointer (&line->allocations, g_array_unref);
  g_free (line);
}

static char *
keep (KvotaNap   *self,
      const char *text)
{
  return text != NULL ? g_string_chunk_insert_const (self->strings, text) : NULL;
}

static void
finding_free (gpointer data)
{
  KvotaNapFinding *finding = data;

  g_free (finding->message);
  g_free (finding);
}

static void
kvota_nap_finalize (GObject *object)
{
  KvotaNap *self = (KvotaNap *)object;

  g_free (self->sheet_name);
  g_clear_pointer (&self->years, g_array_unref);
  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->totals, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);

  G_OBJECT_CLASS (kvota_nap_parent_class)->finalize (object);
}

static void
kvota_nap_class_init (KvotaNapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kvota_nap_finalize;
}

static void
kvota_nap_init (KvotaNap *self)
{
  self->years = g_array_new (FALSE, FALSE, sizeof (int));
  self->lines = g_ptr_array_new_with_free_func (line_free);
  self->findings = g_ptr_array_new_with_free_func (finding_free);
  self->totals = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
  self->strings = g_string_chunk_new (64 * 1024);
}

/**
 * kvota_nap_check_to_string:
 * @check: a #KvotaNapCheck
 *
 * Returns: (transfer none): its stable code, such as `invalid-bin`
 */
const char *
kvota_nap_check_to_string (KvotaNapCheck check)
{
  g_return_val_if_fail (check < KVOTA_N_NAP_CHECKS, NULL);

  return check_names[check];
}

/**
 * kvota_nap_check_severity:
 * @check: a #KvotaNapCheck
 *
 * Returns: whether @check stops a plan; unregistered operators do not:
 *   their allocations wait for their registration
 */
KvotaNapSeverity
kvota_nap_check_severity (KvotaNapCheck check)
{
  return check == KVOTA_NAP_CHECK_UNREGISTERED_OPERATOR ?
         KVOTA_NAP_SEVERITY_WARNING : KVOTA_NAP_SEVERITY_ERROR;
}

/**
 * kvota_nap_cell_name:
 * @row: a 1-based row
 * @column: a 1-based column, or 0
 *
 * Returns: (transfer full): the cell's name as spreadsheets show it, such
 *   as `C12`, or the row's number alone
 */
char *
kvota_nap_cell_name (guint row,
                     guint column)
{
  char letters[8];
  guint n = 0;

  if (column == 0)
    return g_strdup_printf ("%u", row);

  for (guint c = column; c > 0 && n < sizeof letters; c = (c - 1) / 26)
    letters[n++] = (char) ('A' + (c - 1) % 26);

  {
    GString *name = g_string_new (NULL);

    while (n > 0)
      g_string_append_c (name, letters[--n]);
    g_string_append_printf (name, "%u", row);
    return g_string_free (name, FALSE);
  }
}

/**
 * kvota_nap_add_finding:
 * @self: a #KvotaNap
 * @check: what was found
 * @row: the 1-based row, or 0
 * @column: the 1-based column, or 0
 * @message: the translated sentence
 */
void
kvota_nap_add_finding (KvotaNap      *self,
                       KvotaNapCheck  check,
                       guint          row,
                       guint          column,
                       const char    *message)
{
  KvotaNapFinding *finding = g_new0 (KvotaNapFinding, 1);

  g_return_if_fail (KVOTA_IS_NAP (self));

  finding->check = check;
  finding->severity = kvota_nap_check_severity (check);
  finding->row = row;
  finding->column = column;
  finding->message = g_strdup (message);
  g_ptr_array_add (self->findings, finding);
}

G_GNUC_PRINTF (5, 6)
static void
add_finding (KvotaNap      *self,
             KvotaNapCheck  check,
             guint          row,
             guint          column,
             const char    *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  kvota_nap_add_finding (self, check, row, column, message);
}

/* Reading rows */

typedef struct
{
  KvotaCellKind  kind;
  double         number;
  char          *text;
} RowCell;

typedef struct
{
  KvotaNap     *nap;
  GArray       *cells;        /* of RowCell, indexed by column */
  guint32       row;          /* 0-based row in cells */
  gboolean      have_row;
  gboolean      header_found;
  guint32       header_row;
  int           columns[N_COLUMNS];   /* 0-based, or -1 */
  GArray       *year_columns;         /* of int, parallel to nap->years */
  char         *sector;
  GArray       *sector_sums;          /* of KvotaQuantity */
  GHashTable   *installations;        /* line (its bin and installation) → row */
  GHashTable   *bin_names;            /* kept bin → kept operator name */
} Reader;

static void
row_clear (Reader *reader)
{
  for (guint i = 0; i < reader->cells->len; i++)
    g_clear_pointer (&g_array_index (reader->cells, RowCell, i).text, g_free);
  g_array_set_size (reader->cells, 0);
}

static char *
normalize (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x00A0)
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Lines keyed by their kept BIN and installation: pointers, since the
 * plan keeps each string once. */
static guint
installation_hash (gconstpointer key)
{
  const KvotaNapLine *line = key;

  return g_direct_hash (line->bin) ^ (g_direct_hash (line->installation) * 31);
}

static gboolean
installation_equal (gconstpointer a,
                    gconstpointer b)
{
  const KvotaNapLine *x = a;
  const KvotaNapLine *y = b;

  return x->bin == y->bin && x->installation == y->installation;
}

static gboolean
same_name (const char *a,
           const char *b)
{
  g_autofree char *x = normalize (a != NULL ? a : "");
  g_autofree char *y = normalize (b != NULL ? b : "");

  return g_str_equal (x, y);
}

static gboolean
contains_any (const char         *normalized,
              const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (normalized, words[i]) != NULL)
      return TRUE;

  return FALSE;
}

static const RowCell *
cell_at (Reader *reader,
         int     column)
{
  const RowCell *cell;

  if (column < 0 || (guint) column >= reader->cells->len)
    return NULL;

  cell = &g_array_index (reader->cells, RowCell, column);
  if (cell->kind == KVOTA_CELL_STRING && (cell->text == NULL || cell->text[0] == '\0'))
    return NULL;
  if (cell->kind == (KvotaCellKind) -1)
    return NULL;

  return cell;
}

static char *
cell_text (const RowCell *cell)
{
  if (cell == NULL)
    return NULL;

  if (cell->kind == KVOTA_CELL_STRING)
    {
      g_autofree char *text = g_strdup (cell->text);

      g_strstrip (text);
      return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
    }

  if (cell->kind == KVOTA_CELL_NUMBER)
    return g_strdup_printf ("%.15g", cell->number);

  return NULL;
}

/* A year a header cell names: 2014, "2014 год", "2014 жыл", "Allocation 2014". */
static int
year_of (const RowCell *cell)
{
  if (cell == NULL)
    return 0;

  if (cell->kind == KVOTA_CELL_NUMBER)
    {
      if (cell->number == floor (cell->number) && cell->number >= 1990 && cell->number <= 2200)
        return (int) cell->number;
      return 0;
    }

  if (cell->kind == KVOTA_CELL_STRING && cell->text != NULL)
    {
      for (const char *p = cell->text; *p; p++)
        {
          if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
              g_ascii_isdigit (p[3]) && !g_ascii_isdigit (p[4]) &&
              (p == cell->text || !g_ascii_isdigit (p[-1])))
            {
              int year = atoi (p);

              if (year >= 1990 && year <= 2200)
                return year;
            }
        }
    }

  return 0;
}

static gboolean
try_header (Reader *reader)
{
  int columns[N_COLUMNS] = { -1, -1, -1, -1, -1 };
  g_autoptr(GArray) years = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) year_columns = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint c = 0; c < reader->cells->len; c++)
    {
      const RowCell *cell = cell_at (reader, (int) c);
      g_autofree char *normalized = NULL;
      int year;
      gboolean matched = FALSE;

      if (cell == NULL)
        continue;

      if (cell->kind == KVOTA_CELL_STRING)
        {
          normalized = normalize (cell->text);
          for (guint k = 0; k < N_COLUMNS && !matched; k++)
            {
              if (columns[k] < 0 && contains_any (normalized, column_words[k]))
                {
                  /* "№" alone may sit in a longer header; only take it
                   * for the number column when nothing else matched. */
                  columns[k] = (int) c;
                  matched = TRUE;
                }
            }
        }

      if (!matched && (year = year_of (cell)) != 0)
        {
          int column = (int) c;

          g_array_append_val (years, year);
          g_array_append_val (year_columns, column);
        }
    }

  if (columns[COLUMN_BIN] < 0 || columns[COLUMN_OPERATOR] < 0 || years->len == 0)
    return FALSE;

  memcpy (reader->columns, columns, sizeof columns);
  g_array_append_vals (reader->nap->years, years->data, years->len);
  g_array_append_vals (reader->year_columns, year_columns->data, year_columns->len);
  g_array_set_size (reader->nap->totals, years->len);
  g_array_set_size (reader->sector_sums, years->len);
  reader->header_row = reader->row;
  return TRUE;
}

static char *
read_bin (const RowCell *cell)
{
  if (cell == NULL)
    return NULL;

  /* A BIN typed into a number cell loses its leading zeros. */
  if (cell->kind == KVOTA_CELL_NUMBER)
    {
      if (cell->number >= 0 && cell->number < 1e12 && cell->number == floor (cell->number))
        return g_strdup_printf ("%012.0f", cell->number);
      return g_strdup_printf ("%.15g", cell->number);
    }

  if (cell->kind == KVOTA_CELL_STRING)
    {
      char *bin = kvota_bin_normalize (cell->text);

      if (bin != NULL && bin[0] == '\0')
        g_clear_pointer (&bin, g_free);
      return bin;
    }

  return NULL;
}

/* Reads one allocation; empty counts as nothing allocated. Returns FALSE
 * after adding a finding. */
static gboolean
read_amount (Reader        *reader,
             const RowCell *cell,
             guint          row,
             guint          column,
             KvotaQuantity *amount)
{
  KvotaNap *self = reader->nap;
  g_autofree char *cell_name = NULL;
  double value;

  *amount = 0;

  if (cell == NULL)
    return TRUE;

  if (cell->kind == KVOTA_CELL_STRING)
    {
      g_autofree char *text = g_strstrip (g_strdup (cell->text));
      g_autofree char *decimal = NULL;
      char *end;

      if (text[0] == '\0' || g_str_equal (text, "-") || g_str_equal (text, "—"))
        return TRUE;
      if (kvota_quantity_parse (text, amount, NULL))
        return TRUE;

      /* A number written as text: with a decimal comma, perhaps. */
      decimal = g_strdelimit (g_strdup (text), ",", '.');
      value = g_ascii_strtod (decimal, &end);
      if (*end != '\0' || end == decimal)
        {
          cell_name = kvota_nap_cell_name (row, column);
          add_finding (self, KVOTA_NAP_CHECK_NON_NUMERIC_AMOUNT, row, column,
                       _("Cell %s should hold a number of tonnes, but holds “%s”."), cell_name, text);
          return FALSE;
        }
    }
  else if (cell->kind == KVOTA_CELL_NUMBER)
    value = cell->number;
  else
    {
      cell_name = kvota_nap_cell_name (row, column);
      add_finding (self, KVOTA_NAP_CHECK_NON_NUMERIC_AMOUNT, row, column,
                   _("Cell %s should hold a number of tonnes, but holds an error or a truth value."),
                   cell_name);
      return FALSE;
    }

  if (isfinite (value) && value >= 0 && value < 9.2e18 && value == floor (value))
    {
      *amount = (KvotaQuantity) value;
      return TRUE;
    }

  cell_name = kvota_nap_cell_name (row, column);

  if (!isfinite (value) || fabs (value) >= 9.2e18)
    {
      add_finding (self, KVOTA_NAP_CHECK_AMOUNT_OVERFLOW, row, column,
                   _("The amount in cell %s is too large."), cell_name);
      return FALSE;
    }

  if (value < 0)
    {
      add_finding (self, KVOTA_NAP_CHECK_NEGATIVE_AMOUNT, row, column,
                   _("The amount in cell %s is negative."), cell_name);
      return FALSE;
    }

  if (fabs (value - round (value)) > 1e-9)
    {
      add_finding (self, KVOTA_NAP_CHECK_FRACTIONAL_AMOUNT, row, column,
                   _("The amount in cell %s is not a whole number of tonnes."), cell_name);
      return FALSE;
    }

  *amount = (KvotaQuantity) llround (value);
  return TRUE;
}

static void
check_sums (Reader       *reader,
            GArray       *expected,
            GArray       *actual,
            guint         row,
            KvotaNapCheck check)
{
  for (guint y = 0; y < expected->len; y++)
    {
      KvotaQuantity want = g_array_index (expected, KvotaQuantity, y);
      KvotaQuantity have = g_array_index (actual, KvotaQuantity, y);
      guint column = (guint) g_array_index (reader->year_columns, int, y) + 1;
      g_autofree char *cell_name = kvota_nap_cell_name (row, column);
      g_autofree char *want_text = kvota_quantity_format (want);
      g_autofree char *have_text = kvota_quantity_format (have);

      if (want == have)
        continue;

      if (check == KVOTA_NAP_CHECK_TOTALS_MISMATCH)
        add_finding (reader->nap, check, row, column,
                     _("The total in cell %s is %s, but the lines above add up to %s."),
                     cell_name, want_text, have_text);
      else
        add_finding (reader->nap, check, row, column,
                     _("The sector subtotal in cell %s is %s, but the sector’s lines add up to %s."),
                     cell_name, want_text, have_text);
    }
}

static void
add_to (Reader        *reader,
        GArray        *sums,
        guint          year,
        KvotaQuantity  amount,
        guint          row)
{
  KvotaQuantity *sum = &g_array_index (sums, KvotaQuantity, year);

  if (!kvota_quantity_add (*sum, amount, sum, NULL))
    {
      guint column = (guint) g_array_index (reader->year_columns, int, year) + 1;
      g_autofree char *cell_name = kvota_nap_cell_name (row, column);

      add_finding (reader->nap, KVOTA_NAP_CHECK_AMOUNT_OVERFLOW, row, column,
                   _("The allocations up to cell %s add up to more than the registry can hold."),
                   cell_name);
    }
}

static void
process_row (Reader *reader)
{
  KvotaNap *self = reader->nap;
  guint row = reader->row + 1;
  g_autofree char *number = cell_text (cell_at (reader, reader->columns[COLUMN_NUMBER]));
  g_autofree char *operator_name = cell_text (cell_at (reader, reader->columns[COLUMN_OPERATOR]));
  g_autofree char *installation = cell_text (cell_at (reader, reader->columns[COLUMN_INSTALLATION]));
  g_autofree char *sector = cell_text (cell_at (reader, reader->columns[COLUMN_SECTOR]));
  g_autofree char *bin = read_bin (cell_at (reader, reader->columns[COLUMN_BIN]));
  g_autofree char *label_normalized = NULL;
  g_autoptr(GArray) amounts = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
  const char *label;
  gboolean any_amount = FALSE;
  gboolean amounts_ok = TRUE;

  g_array_set_size (amounts, self->years->len);
  for (guint y = 0; y < self->years->len; y++)
    {
      int column = g_array_index (reader->year_columns, int, y);
      const RowCell *cell = cell_at (reader, column);

      if (cell != NULL)
        any_amount = TRUE;
      if (bin != NULL || cell != NULL)
        amounts_ok &= read_amount (reader, cell, row, (guint) column + 1,
                                   &g_array_index (amounts, KvotaQuantity, y));
    }

  label = operator_name != NULL ? operator_name :
          installation != NULL ? installation :
          number != NULL && !g_ascii_isdigit (number[0]) ? number : sector;

  if (bin == NULL && label == NULL && !any_amount)
    return;

  /* Totals, reserves and sector headings have no BIN. */
  label_normalized = bin == NULL && label != NULL ? normalize (label) : g_strdup ("");

  if (bin == NULL && contains_any (label_normalized, total_words))
    {
      if (contains_any (label_normalized, subtotal_words) ||
          (reader->sector != NULL && strstr (label_normalized, "по") != NULL &&
           !g_str_has_prefix (label_normalized, "итого по плану")))
        {
          check_sums (reader, amounts, reader->sector_sums, row, KVOTA_NAP_CHECK_SUBTOTAL_MISMATCH);
          memset (reader->sector_sums->data, 0, reader->sector_sums->len * sizeof (KvotaQuantity));
        }
      else
        {
          g_array_set_size (self->totals, 0);
          g_array_append_vals (self->totals, amounts->data, amounts->len);
          self->totals_row = row;
          self->has_totals = TRUE;
        }
      return;
    }

  if (bin == NULL && contains_any (label_normalized, reserve_words))
    {
      KvotaNapLine *line = g_new0 (KvotaNapLine, 1);

      line->row = row;
      line->reserve = TRUE;
      line->installation = keep (self, label);
      line->allocations = g_steal_pointer (&amounts);
      g_ptr_array_add (self->lines, line);
      return;
    }

  if (bin == NULL && !any_amount)
    {
      /* A sector heading: the lines below belong to it. */
      g_free (reader->sector);
      reader->sector = g_strdup (sector != NULL ? sector : label);
      memset (reader->sector_sums->data, 0, reader->sector_sums->len * sizeof (KvotaQuantity));
      return;
    }

  if (bin == NULL)
    {
      g_autofree char *cell_name = kvota_nap_cell_name (row, (guint) reader->columns[COLUMN_BIN] + 1);

      add_finding (self, KVOTA_NAP_CHECK_MISSING_VALUE, row, (guint) reader->columns[COLUMN_BIN] + 1,
                   _("Row %u has allocations but no BIN in cell %s."), row, cell_name);
      return;
    }

  {
    KvotaNapLine *line = g_new0 (KvotaNapLine, 1);
    guint bin_column = (guint) reader->columns[COLUMN_BIN] + 1;
    const char *known_name;
    gpointer first_row;

    line->row = row;
    line->operator_name = keep (self, operator_name);
    line->bin = keep (self, bin);
    line->installation = keep (self, installation != NULL ? installation : operator_name);
    line->sector = keep (self, sector != NULL ? sector : reader->sector);
    line->allocations = g_steal_pointer (&amounts);
    g_ptr_array_add (self->lines, line);

    if (!kvota_bin_validate (bin, NULL))
      {
        g_autofree char *bin_cell = kvota_nap_cell_name (row, bin_column);

        add_finding (self, KVOTA_NAP_CHECK_INVALID_BIN, row, bin_column,
                     _("The BIN “%s” in cell %s is not valid: it must be 12 digits with a correct check digit."),
                     bin, bin_cell);
      }

    if (operator_name == NULL)
      {
        g_autofree char *operator_cell = kvota_nap_cell_name (row, (guint) reader->columns[COLUMN_OPERATOR] + 1);

        add_finding (self, KVOTA_NAP_CHECK_MISSING_VALUE, row, (guint) reader->columns[COLUMN_OPERATOR] + 1,
                     _("Row %u names no nature user in cell %s."), row, operator_cell);
      }

    /* Strings are kept once, so the same name is the same pointer; only
     * names written differently need comparing letter by letter. */
    if ((known_name = g_hash_table_lookup (reader->bin_names, line->bin)) == NULL)
      g_hash_table_insert (reader->bin_names, line->bin,
                           line->operator_name != NULL ? line->operator_name : (char *) "");
    else if (known_name != line->operator_name && !same_name (known_name, line->operator_name))
      add_finding (self, KVOTA_NAP_CHECK_BIN_NAME_CONFLICT, row, (guint) reader->columns[COLUMN_OPERATOR] + 1,
                   _("The BIN %s in row %u belongs to another nature user further up: one BIN, one name."),
                   bin, row);

    /* The same BIN and installation, as written, twice. */
    if (g_hash_table_lookup_extended (reader->installations, line, NULL, &first_row))
      add_finding (self, KVOTA_NAP_CHECK_DUPLICATE_INSTALLATION, row, 0,
                   _("Row %u repeats the installation of row %u."), row, GPOINTER_TO_UINT (first_row));
    else
      g_hash_table_insert (reader->installations, line, GUINT_TO_POINTER (row));

    for (guint y = 0; y < self->years->len && amounts_ok; y++)
      add_to (reader, reader->sector_sums, y, g_array_index (line->allocations, KvotaQuantity, y), row);
  }
}

static gboolean
cell_cb (const KvotaCell *cell,
         gpointer         user_data)
{
  Reader *reader = user_data;
  RowCell *slot;

  if (!reader->have_row || cell->row != reader->row)
    {
      if (reader->have_row)
        {
          if (reader->header_found)
            process_row (reader);
          else if (try_header (reader))
            reader->header_found = TRUE;
          else if (reader->row > HEADER_SEARCH_ROWS)
            return FALSE;
          row_clear (reader);
        }
      reader->row = cell->row;
      reader->have_row = TRUE;
    }

  if (cell->column > 256)
    return TRUE;

  if (reader->cells->len <= cell->column)
    {
      guint old = reader->cells->len;

      g_array_set_size (reader->cells, cell->column + 1);
      for (guint i = old; i < reader->cells->len; i++)
        g_array_index (reader->cells, RowCell, i).kind = (KvotaCellKind) -1;
    }

  slot = &g_array_index (reader->cells, RowCell, cell->column);
  slot->kind = cell->kind;
  slot->number = cell->number;
  slot->text = g_strdup (cell->text);

  return TRUE;
}

static void
finish (Reader *reader)
{
  KvotaNap *self = reader->nap;
  g_autoptr(GArray) sums = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));

  if (self->lines->len == 0)
    {
      add_finding (self, KVOTA_NAP_CHECK_EMPTY_TABLE, reader->header_row + 1, 0,
                   _("The plan’s table has no installations."));
      return;
    }

  g_array_set_size (sums, self->years->len);
  for (guint i = 0; i < self->lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (self->lines, i);

      for (guint y = 0; y < self->years->len; y++)
        add_to (reader, sums, y, g_array_index (line->allocations, KvotaQuantity, y), line->row);
    }

  if (self->has_totals)
    check_sums (reader, self->totals, sums, self->totals_row, KVOTA_NAP_CHECK_TOTALS_MISMATCH);

  for (guint y = 0; y < self->years->len; y++)
    {
      int year = g_array_index (self->years, int, y);

      if (year < KVOTA_VINTAGE_MIN || year > KVOTA_VINTAGE_MAX)
        add_finding (self, KVOTA_NAP_CHECK_YEAR_OUTSIDE_PERIOD, reader->header_row + 1,
                     (guint) g_array_index (reader->year_columns, int, y) + 1,
                     _("The registry holds quotas for %d to %d; the plan allocates for %d."),
                     KVOTA_VINTAGE_MIN, KVOTA_VINTAGE_MAX, year);
    }

  /* The years of a plan run one after another, each once. */
  for (guint y = 1; y < self->years->len; y++)
    {
      int year = g_array_index (self->years, int, y);

      if (year != g_array_index (self->years, int, y - 1) + 1)
        add_finding (self, KVOTA_NAP_CHECK_YEAR_OUTSIDE_PERIOD, reader->header_row + 1,
                     (guint) g_array_index (reader->year_columns, int, y) + 1,
                     _("The years of the plan must follow one another; %d does not follow %d."),
                     year, g_array_index (self->years, int, y - 1));
    }
}

/**
 * kvota_nap_read:
 * @workbook: the plan's workbook
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError, or %NULL
 *
 * Finds the plan on the first sheet that has one and reads it. Only a
 * file that cannot be read fails; a plan with problems comes back with
 * findings (see kvota_nap_get_findings()).
 *
 * Returns: (transfer full) (nullable): the plan
 */
KvotaNap *
kvota_nap_read (KvotaWorkbook  *workbook,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(KvotaNap) self = g_object_new (KVOTA_TYPE_NAP, NULL);

  g_return_val_if_fail (KVOTA_IS_WORKBOOK (workbook), NULL);

  for (guint sheet = 0; sheet < kvota_workbook_get_n_sheets (workbook); sheet++)
    {
      Reader reader = { self, };
      gboolean ok;

      if (kvota_workbook_get_sheet_hidden (workbook, sheet))
        continue;

      reader.cells = g_array_new (FALSE, TRUE, sizeof (RowCell));
      reader.year_columns = g_array_new (FALSE, FALSE, sizeof (int));
      reader.sector_sums = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
      reader.installations = g_hash_table_new (installation_hash, installation_equal);
      reader.bin_names = g_hash_table_new (g_direct_hash, g_direct_equal);
      for (guint k = 0; k < N_COLUMNS; k++)
        reader.columns[k] = -1;

      ok = kvota_workbook_read_sheet (workbook, sheet, cell_cb, &reader, cancellable, error);
      if (ok && reader.have_row)
        {
          if (reader.header_found)
            process_row (&reader);
          else if (try_header (&reader))
            reader.header_found = TRUE;
        }

      if (ok && reader.header_found)
        {
          self->sheet_name = g_strdup (kvota_workbook_get_sheet_name (workbook, sheet));
          finish (&reader);
        }

      row_clear (&reader);
      g_array_unref (reader.cells);
      g_array_unref (reader.year_columns);
      g_array_unref (reader.sector_sums);
      g_hash_table_unref (reader.installations);
      g_hash_table_unref (reader.bin_names);
      g_free (reader.sector);

      if (!ok)
        return NULL;
      if (reader.header_found)
        return g_steal_pointer (&self);

      /* Nothing of this sheet stays behind for the next one. */
      g_array_set_size (self->years, 0);
      g_ptr_array_set_size (self->lines, 0);
      g_ptr_array_set_size (self->findings, 0);
      g_array_set_size (self->totals, 0);
      self->totals_row = 0;
      self->has_totals = FALSE;
    }

  kvota_nap_add_finding (self, KVOTA_NAP_CHECK_MISSING_COLUMNS, 0, 0,
                         _("No sheet has the plan’s table: a header row with the nature user, "
                           "the BIN and at least one year."));
  return g_steal_pointer (&self);
}

/**
 * kvota_nap_check_period:
 * @self: a #KvotaNap
 * @first_year: the first year of the period the plan is for
 * @last_year: its last year
 *
 * Adds a finding for every year of the plan outside the period.
 */
void
kvota_nap_check_period (KvotaNap *self,
                        int       first_year,
                        int       last_year)
{
  g_return_if_fail (KVOTA_IS_NAP (self));

  for (guint y = 0; y < self->years->len; y++)
    {
      int year = g_array_index (self->years, int, y);

      if (year < first_year || year > last_year)
        add_finding (self, KVOTA_NAP_CHECK_YEAR_OUTSIDE_PERIOD, 0, 0,
                     _("The plan allocates for %d, outside its period %d–%d."),
                     year, first_year, last_year);
    }

  /* And every year of the period has its column. */
  for (int year = first_year; year <= last_year; year++)
    {
      gboolean found = FALSE;

      for (guint y = 0; y < self->years->len && !found; y++)
        found = g_array_index (self->years, int, y) == year;

      if (!found)
        add_finding (self, KVOTA_NAP_CHECK_YEAR_OUTSIDE_PERIOD, 0, 0,
                     _("The plan is for %d–%d, but allocates nothing for %d."),
                     first_year, last_year, year);
    }
}

const char *
kvota_nap_get_sheet_name (KvotaNap *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP (self), NULL);

  return self->sheet_name;
}

GArray *
kvota_nap_get_years (KvotaNap *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP (self), NULL);

  return self->years;
}

GPtrArray *
kvota_nap_get_lines (KvotaNap *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP (self), NULL);

  return self->lines;
}

GPtrArray *
kvota_nap_get_findings (KvotaNap *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP (self), NULL);

  return self->findings;
}

/**
 * kvota_nap_count_errors:
 * @self: a #KvotaNap
 *
 * Returns: how many findings stop the plan
 */
guint
kvota_nap_count_errors (KvotaNap *self)
{
  guint n = 0;

  g_return_val_if_fail (KVOTA_IS_NAP (self), 0);

  for (guint i = 0; i < self->findings->len; i++)
    if (((KvotaNapFinding *) g_ptr_array_index (self->findings, i))->severity == KVOTA_NAP_SEVERITY_ERROR)
      n++;

  return n;
}

/**
 * kvota_nap_get_total:
 * @self: a #KvotaNap
 * @year_index: an index into kvota_nap_get_years()
 * @total: (out): what the plan's lines allocate for that year
 *
 * Returns: %FALSE if the sum does not fit in 64 bits
 */
gboolean
kvota_nap_get_total (KvotaNap      *self,
                     guint          year_index,
                     KvotaQuantity *total)
{
  g_return_val_if_fail (KVOTA_IS_NAP (self), FALSE);
  g_return_val_if_fail (year_index < self->years->len, FALSE);

  *total = 0;
  for (guint i = 0; i < self->lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (self->lines, i);

      if (!kvota_quantity_add (*total, g_array_index (line->allocations, KvotaQuantity, year_index),
                               total, NULL))
        return FALSE;
    }

  return TRUE;
}

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    return;

  if (strpbrk (text, ",\"\n\r") == NULL)
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

/**
 * kvota_nap_write_csv:
 * @self: a #KvotaNap
 * @func: (scope call): called with each line of the CSV text in turn
 * @user_data: for @func
 *
 * The normalised plan: the header `row,operator,bin,installation,sector,year,allocation`,
 * then one line per installation and year; reserve lines have the operator
 * `RESERVE`, no BIN, and their label as installation. The text is handed
 * out line by line, so a large plan is never held twice.
 */
void
kvota_nap_write_csv (KvotaNap          *self,
                     KvotaNapWriteFunc  func,
                     gpointer           user_data)
{
  g_autoptr(GString) out = g_string_new ("row,operator,bin,installation,sector,year,allocation\n");
  char number[48];

  g_return_if_fail (KVOTA_IS_NAP (self));

  func (out->str, out->len, user_data);

  for (guint i = 0; i < self->lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (self->lines, i);
      gsize prefix;

      /* All but the year and the amount is the same for each year. */
      g_string_truncate (out, 0);
      g_snprintf (number, sizeof number, "%u,", line->row);
      g_string_append (out, number);
      append_csv_field (out, line->reserve ? "RESERVE" : line->operator_name);
      g_string_append_c (out, ',');
      append_csv_field (out, line->reserve ? "" : line->bin);
      g_string_append_c (out, ',');
      append_csv_field (out, line->installation);
      g_string_append_c (out, ',');
      append_csv_field (out, line->sector);
      g_string_append_c (out, ',');
      prefix = out->len;

      for (guint y = 0; y < self->years->len; y++)
        {
          g_string_truncate (out, prefix);
          g_snprintf (number, sizeof number, "%d,%" G_GINT64_FORMAT "\n",
                      g_array_index (self->years, int, y),
                      g_array_index (line->allocations, KvotaQuantity, y));
          g_string_append (out, number);
          func (out->str, out->len, user_data);
        }
    }
}

static void
append_to_string (const char *text,
                  gsize       length,
                  gpointer    user_data)
{
  g_string_append_len (user_data, text, length);
}

/**
 * kvota_nap_to_csv:
 * @self: a #KvotaNap
 *
 * Returns: (transfer full): the text kvota_nap_write_csv() writes
 */
char *
kvota_nap_to_csv (KvotaNap *self)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (KVOTA_IS_NAP (self), NULL);

  kvota_nap_write_csv (self, append_to_string, out);
  return g_string_free (out, FALSE);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * kvota_nap_to_json:
 * @self: a #KvotaNap
 * @with_findings: whether to include the findings
 *
 * The plan's one JSON form, shared by `kvotactl nap dump`, the client's
 * upload and the server.
 *
 * Returns: (transfer full): the plan
 */
JsonNode *
kvota_nap_to_json (KvotaNap *self,
                   gboolean  with_findings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (KVOTA_IS_NAP (self), NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "sheet", self->sheet_name);
  json_builder_set_member_name (builder, "years");
  json_builder_begin_array (builder);
  for (guint y = 0; y < self->years->len; y++)
    json_builder_add_int_value (builder, g_array_index (self->years, int, y));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "lines");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (self->lines, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "row");
      json_builder_add_int_value (builder, line->row);
      json_builder_set_member_name (builder, "reserve");
      json_builder_add_boolean_value (builder, line->reserve);
      add_string_member (builder, "operator", line->operator_name);
      add_string_member (builder, "bin", line->bin);
      add_string_member (builder, "installation", line->installation);
      add_string_member (builder, "sector", line->sector);
      json_builder_set_member_name (builder, "allocations");
      json_builder_begin_array (builder);
      for (guint y = 0; y < line->allocations->len; y++)
        json_builder_add_int_value (builder, g_array_index (line->allocations, KvotaQuantity, y));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (with_findings)
    {
      json_builder_set_member_name (builder, "findings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->findings->len; i++)
        {
          KvotaNapFinding *finding = g_ptr_array_index (self->findings, i);
          g_autofree char *cell = finding->row > 0 ? kvota_nap_cell_name (finding->row, finding->column) : NULL;

          json_builder_begin_object (builder);
          add_string_member (builder, "code", kvota_nap_check_to_string (finding->check));
          add_string_member (builder, "severity",
                             finding->severity == KVOTA_NAP_SEVERITY_ERROR ? "error" : "warning");
          json_builder_set_member_name (builder, "row");
          json_builder_add_int_value (builder, finding->row);
          json_builder_set_member_name (builder, "column");
          json_builder_add_int_value (builder, finding->column);
          add_string_member (builder, "cell", cell);
          add_string_member (builder, "message", finding->message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
get_optional_string (KvotaNap    *self,
                     JsonObject  *object,
                     const char  *name,
                     char       **out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  *out = keep (self, json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int (JsonNode *node,
         gint64   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_boolean (JsonNode *node,
             gboolean *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * kvota_nap_from_json:
 * @node: a plan as kvota_nap_to_json() writes it (findings are ignored)
 * @error: return location for a #GError, or %NULL
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with
 *   %KVOTA_ERROR_WRONG_TYPE or %KVOTA_ERROR_INVALID_VALUE naming `plan`
 */
KvotaNap *
kvota_nap_from_json (JsonNode  *node,
                     GError   **error)
{
  g_autoptr(KvotaNap) self = g_object_new (KVOTA_TYPE_NAP, NULL);
  JsonObject *object;
  JsonNode *years;
  JsonNode *lines;
  char *sheet_name = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto wrong;

  object = json_node_get_object (node);
  if (!get_optional_string (self, object, "sheet", &sheet_name) ||
      (years = json_object_get_member (object, "years")) == NULL || !JSON_NODE_HOLDS_ARRAY (years) ||
      (lines = json_object_get_member (object, "lines")) == NULL || !JSON_NODE_HOLDS_ARRAY (lines))
    goto wrong;
  self->sheet_name = g_strdup (sheet_name);

  for (guint y = 0; y < json_array_get_length (json_node_get_array (years)); y++)
    {
      gint64 year;
      int value;

      if (!get_int (json_array_get_element (json_node_get_array (years), y), &year) ||
          year < KVOTA_VINTAGE_MIN || year > KVOTA_VINTAGE_MAX)
        goto wrong;
      value = (int) year;
      g_array_append_val (self->years, value);
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (lines)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (lines), i);
      JsonNode *allocations;
      JsonObject *line_object;
      KvotaNapLine *line;
      gint64 row;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto wrong;
      line_object = json_node_get_object (element);

      line = g_new0 (KvotaNapLine, 1);
      line->allocations = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
      g_ptr_array_add (self->lines, line);

      if (!get_int (json_object_get_member (line_object, "row"), &row) || row < 1 || row > G_MAXUINT ||
          !get_boolean (json_object_get_member (line_object, "reserve"), &line->reserve) ||
          !get_optional_string (self, line_object, "operator", &line->operator_name) ||
          !get_optional_string (self, line_object, "bin", &line->bin) ||
          !get_optional_string (self, line_object, "installation", &line->installation) ||
          !get_optional_string (self, line_object, "sector", &line->sector) ||
          (allocations = json_object_get_member (line_object, "allocations")) == NULL ||
          !JSON_NODE_HOLDS_ARRAY (allocations) ||
          json_array_get_length (json_node_get_array (allocations)) != self->years->len)
        goto wrong;

      line->row = (guint) row;

      for (guint y = 0; y < self->years->len; y++)
        {
          gint64 amount;

          if (!get_int (json_array_get_element (json_node_get_array (allocations), y), &amount) || amount < 0)
            goto wrong;
          g_array_append_val (line->allocations, amount);
        }
    }

  return g_steal_pointer (&self);

wrong:
  kvota_set_error (error, KVOTA_ERROR_INVALID_VALUE, "plan");
  return NULL;
}

/**
 * kvota_nap_equal:
 * @self: a #KvotaNap
 * @other: another
 *
 * Returns: %TRUE if both plans have the same years and the same lines
 */
gboolean
kvota_nap_equal (KvotaNap *self,
                 KvotaNap *other)
{
  g_return_val_if_fail (KVOTA_IS_NAP (self) && KVOTA_IS_NAP (other), FALSE);

  /* An empty GArray may have no data at all: memcmp() takes no NULL. */
  if (self->years->len != other->years->len || self->lines->len != other->lines->len ||
      (self->years->len > 0 &&
       memcmp (self->years->data, other->years->data, self->years->len * sizeof (int)) != 0))
    return FALSE;

  for (guint i = 0; i < self->lines->len; i++)
    {
      KvotaNapLine *a = g_ptr_array_index (self->lines, i);
      KvotaNapLine *b = g_ptr_array_index (other->lines, i);

      if (a->row != b->row || a->reserve != b->reserve ||
          g_strcmp0 (a->operator_name, b->operator_name) != 0 ||
          g_strcmp0 (a->bin, b->bin) != 0 ||
          g_strcmp0 (a->installation, b->installation) != 0 ||
          g_strcmp0 (a->sector, b->sector) != 0 ||
          a->allocations->len != b->allocations->len ||
          (a->allocations->len > 0 &&
           memcmp (a->allocations->data, b->allocations->data,
                   a->allocations->len * sizeof (KvotaQuantity)) != 0))
        return FALSE;
    }

  return TRUE;
}
