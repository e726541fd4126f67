/* kvota-workbook-xlsx.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-workbook"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gsf/gsf-infile-impl.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "kvota-error.h"
#include "kvota-workbook-private.h"

/* The OOXML reader: .xlsx, .xlsm and .xltx, transitional or strict.
 *
 * The package is a zip (GsfInfileZip) whose parts are found through their
 * relationships, comparing names without regard to case and reading
 * backslashes as slashes, as Excel does. Every XML part is streamed, in
 * chunks read from its zip member, through libxml2's SAX2 push parser; a
 * sheet is never held in memory, only the shared strings and the number
 * formats are.
 *
 * Which elements matter is said by a table of nodes per part, read as
 * GsfXMLIn read its own: elements are matched by their local name and
 * namespace under their parent node; the root node takes any element, so
 * that the document element and anything between it and the nodes below
 * the root (<worksheet>, <dialogsheet>, an unknown wrapper) are passed
 * through; any other element that no node takes is skipped with all it
 * holds. A content node collects its text, even text inside elements it
 * does not know, for its end callback. The sheet, being most of a file,
 * is what this is shaped for: no allocation per element or cell, the
 * attributes parsed where libxml2 leaves them.
 *
 * A damaged file is not a programming error: libxml2's errors, given to
 * the parse's own structured handler (and to the thread's, for those that
 * bypass the parser), make the part damaged and stop the SAX events.
 * Namespace errors do not: an element whose prefix is not declared is
 * only an element we do not know, as it was when the reader went by
 * qualified names. Stopping a parse early (the callback said so, or the
 * cancellable) halts the parser from within its callback.
 *
 * Entities: only the predefined ones are resolved (getEntity), so the
 * entities of a DTD are never expanded and external ones never fetched; a
 * reference to one is an error that refuses the part. A sheet may have no
 * DTD at all. Attributes that a DTD would default are ignored. */

/* Bounds on what a hostile part can make us keep, beyond the public ones. */
#define MAX_ZIP_DEPTH        16
#define MAX_PATH_LENGTH      4096
#define MAX_RELATIONSHIPS    65536
#define MAX_NUMBER_FORMATS   65536
#define MAX_CELL_FORMATS     (1 << 20)
#define MAX_MERGED_RANGES    (1 << 20)
#define MAX_PREALLOCATED     (1 << 20)
#define MAX_ZIP_DIRECTORY    ((gsize) 64 * 1024 * 1024)
#define MAX_ZIP_COPY         ((gsize) 256 * 1024 * 1024)

/* How much of a part is inflated and handed to libxml2 at a time. */
#define CHUNK_SIZE           (64 * 1024)
/* The deepest node of any part's table, below the root. */
#define MAX_NODE_DEPTH       8
#define N_NAMESPACE_URIS     4

typedef struct
{
  const char *format;   /* in XlsxBackend.formats; NULL for General */
  gboolean    is_date;
  gboolean    elapsed;  /* [h]:mm and the like: a duration, never shifted */
} CellFormat;

typedef struct
{
  GsfInfile    *zip;
  GPtrArray    *strings;        /* const char *, into string_chunk */
  GStringChunk *string_chunk;
  GArray       *cell_formats;   /* CellFormat, by cellXfs index */
  GStringChunk *formats;
} XlsxBackend;

/* A sheet's own data (KvotaSheet.backend_data, freed with g_free()). */
typedef struct
{
  gboolean has_cells;   /* FALSE for a chartsheet */
  char     path[];      /* its part, normalised; empty if it has none */
} SheetPart;

typedef struct
{
  char *id;
  char *type;     /* the type's last segment: "worksheet", "styles", … */
  char *target;   /* the part, normalised */
} Relationship;

typedef struct _Parse Parse;

/* @attributes are SAX2's: for each, its local name, prefix, namespace,
 * value and the end of the value (which is not nul-terminated). */
typedef void (*NodeStartFunc) (Parse          *parse,
                               const xmlChar **attributes,
                               int             n_attributes);
typedef void (*NodeEndFunc)   (Parse          *parse);

/* One element of a part's table. The root, first, takes any element;
 * every other node one element of one namespace, under its parent. */
typedef struct
{
  guint8         parent;
  gint8          ns;        /* -1 for the root */
  gboolean       content;   /* its text is collected, for end */
  const char    *name;      /* NULL for the root */
  NodeStartFunc  start;
  NodeEndFunc    end;
} Node;

/* What a part is made of. */
typedef struct
{
  const Node *nodes;
  guint       n_nodes;
  gboolean    refuse_dtd;
} Syntax;

/* What every parse shares; the first member of each parser's state. */
struct _Parse
{
  const Syntax     *syntax;
  xmlParserCtxtPtr  ctxt;
  const xmlChar    *uris[N_NAMESPACE_URIS];  /* namespace_uris[], in ctxt's dictionary */
  GString          *content;          /* the text of the content node being read */
  gboolean          collecting;
  guint             node;             /* the innermost node open */
  guint             n_roots;          /* elements open that only the root took */
  guint             depth;
  guint8            stack[MAX_NODE_DEPTH];  /* the nodes open above those */
  guint             n_unknown;        /* elements open that no node took, above all */
  GError           *error;            /* why a callback stopped the parse */
  gboolean          stopped;          /* a callback stopped the parse */
  gboolean          damaged;          /* libxml2 found the part not well-formed */
};

typedef struct
{
  Parse       parse;
  const char *folder;           /* of the part whose relationships these are */
  GPtrArray  *relationships;    /* of Relationship */
} RelationshipsState;

typedef struct
{
  Parse     parse;
  char     *workbook;
  gboolean  binary;
} ContentTypesState;

typedef struct
{
  char     *name;
  char     *relationship;
  gboolean  hidden;
} WorkbookSheet;

typedef struct
{
  Parse      parse;
  GPtrArray *sheets;      /* of WorkbookSheet */
  gboolean   date1904;
  gboolean   seen_view;
  guint      active_tab;
} WorkbookState;

typedef struct
{
  Parse        parse;
  XlsxBackend *backend;
  GString     *text;
  gsize        bytes;
} StringsState;

typedef struct
{
  Parse       parse;
  GHashTable *codes;      /* numFmtId → format code */
  GArray     *xf_formats; /* numFmtId of each cellXfs xf */
} StylesState;

typedef enum
{
  CELL_TYPE_NUMBER,
  CELL_TYPE_SHARED_STRING,
  CELL_TYPE_INLINE_STRING,
  CELL_TYPE_FORMULA_STRING,
  CELL_TYPE_BOOLEAN,
  CELL_TYPE_ERROR,
  CELL_TYPE_DATE,
} CellType;

typedef struct
{
  Parse          parse;
  XlsxBackend   *backend;
  KvotaSheet    *sheet;
  gboolean       date1904;
  KvotaCellFunc  func;
  gpointer       user_data;
  GCancellable  *cancellable;

  guint64        row;         /* of the <row> being read */
  guint64        next_row;    /* for a <row> without r */
  gint64         column;      /* of the last <c> of this row, -1 before the first */
  gint64         last_key;    /* position of the last cell handed out, -1 before */
  guint          n_disordered;

  /* The <c> being read */
  guint64        cell_row;
  guint64        cell_column;
  CellType       cell_type;
  guint          cell_style;
  gboolean       has_value;
  gboolean       has_inline;
  GString       *value;
  GString       *inline_text;
} SheetState;

typedef enum
{
  PART_READ,
  PART_MISSING,
  PART_FAILED,
} PartResult;

enum
{
  NS_SPREADSHEET,
  NS_RELATIONSHIPS,
  NS_CONTENT_TYPES,
};

/* Transitional and strict SpreadsheetML are one namespace to us: their
 * elements and attributes have the same names. */
static const struct
{
  int         ns;
  const char *uri;
} namespace_uris[] = {
  { NS_SPREADSHEET, "http://schemas.openxmlformats.org/spreadsheetml/2006/main" },
  { NS_SPREADSHEET, "http://purl.oclc.org/ooxml/spreadsheetml/main" },
  { NS_RELATIONSHIPS, "http://schemas.openxmlformats.org/package/2006/relationships" },
  { NS_CONTENT_TYPES, "http://schemas.openxmlformats.org/package/2006/content-types" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (namespace_uris) == N_NAMESPACE_URIS);

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static gint64
days_from_civil (gint64 year,
                 guint  month,
                 guint  day)
{
  gint64 era;
  guint year_of_era, day_of_year, day_of_era;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = (guint) (year - era * 400);
  day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

  return era * 146097 + (gint64) day_of_era - 719468;
}

static gboolean
read_digits (const char **p,
             guint        n,
             guint       *value)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + (guint) ((*p)[i] - '0');
    }

  *p += n;
  *value = v;
  return TRUE;
}

/* An ISO 8601 date, date-time or time, as t="d" cells hold them: a serial
 * of the 1900 system. The time zone, if any, is ignored, as Excel does. */
static gboolean
parse_iso_date (const char *text,
                double     *serial)
{
  const char *p = text;
  guint year = 1899, month = 12, day = 30;
  guint hour = 0, minute = 0, second = 0;
  double fraction = 0;
  gboolean has_date = FALSE, has_time = FALSE;
  static const guint8 month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  while (g_ascii_isspace (*p))
    p++;

  if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
      g_ascii_isdigit (p[3]) && p[4] == '-')
    {
      if (!read_digits (&p, 4, &year) || *p++ != '-' ||
          !read_digits (&p, 2, &month) || *p++ != '-' ||
          !read_digits (&p, 2, &day))
        return FALSE;
      has_date = TRUE;
      if (*p == 'T' || *p == 't' || (*p == ' ' && g_ascii_isdigit (p[1])))
        p++;
    }

  if (g_ascii_isdigit (p[0]))
    {
      if (!read_digits (&p, 2, &hour) || *p++ != ':' || !read_digits (&p, 2, &minute))
        return FALSE;
      if (*p == ':')
        {
          p++;
          if (!read_digits (&p, 2, &second))
            return FALSE;
          if (*p == '.' || *p == ',')
            {
              double scale = 0.1;

              for (p++; g_ascii_isdigit (*p); p++, scale /= 10)
                fraction += (*p - '0') * scale;
            }
        }
      has_time = TRUE;

      if (*p == 'Z' || *p == 'z')
        p++;
      else if (*p == '+' || *p == '-')
        {
          guint zone_hours, zone_minutes;

          p++;
          if (!read_digits (&p, 2, &zone_hours))
            return FALSE;
          if (*p == ':')
            p++;
          if (g_ascii_isdigit (*p) && !read_digits (&p, 2, &zone_minutes))
            return FALSE;
        }
    }

  while (g_ascii_isspace (*p))
    p++;

  if (*p != '\0' || (!has_date && !has_time))
    return FALSE;
  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
      (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))))
    return FALSE;
  if (hour > 24 || minute > 59 || second > 60)
    return FALSE;

  *serial = (double) (days_from_civil (year, month, day) - days_from_civil (1899, 12, 30)) +
            (hour * 3600.0 + minute * 60.0 + second + fraction) / 86400.0;
  return TRUE;
}

/* A cell reference such as "AB12" (or "$AB$12") at the start of the
 * @end - @p bytes at @p: 0-based, possibly beyond the limits. Returns
 * where it ends, or NULL. */
static const char *
parse_reference (const char *p,
                 const char *end,
                 guint64    *row,
                 guint64    *column)
{
  guint64 r = 0, c = 0;
  guint n_letters = 0, n_digits = 0;

  if (p < end && *p == '$')
    p++;
  for (; p < end && g_ascii_isalpha (*p); p++)
    {
      if (++n_letters > 3)
        return NULL;
      c = c * 26 + (guint64) (g_ascii_toupper (*p) - 'A' + 1);
    }
  if (p < end && *p == '$')
    p++;
  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      if (++n_digits > 9)
        return NULL;
      r = r * 10 + (guint64) (*p - '0');
    }

  if (n_letters == 0 || n_digits == 0 || r == 0)
    return NULL;

  *row = r - 1;
  *column = c - 1;
  return p;
}

/* The @length bytes at @text, which need no nul, as an unsigned number
 * of at most @limit, blanks around it allowed. */
static gboolean
parse_unsigned (const char *text,
                gsize       length,
                guint64     limit,
                guint64    *value)
{
  const char *p = text, *end = text + length;
  guint64 v = 0;

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p == end || !g_ascii_isdigit (*p))
    return FALSE;
  for (; p < end && g_ascii_isdigit (*p); p++)
    {
      v = v * 10 + (guint64) (*p - '0');
      if (v > limit)
        return FALSE;
    }
  while (p < end && g_ascii_isspace (*p))
    p++;

  *value = v;
  return p == end;
}

static gboolean
parse_number (const char *text,
              double     *number)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  };
  const char *p;
  guint64 mantissa = 0;
  guint n_digits = 0, n_decimals = 0;
  gboolean negative, point = FALSE;
  char *end;

  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;

  /* Most values are short decimals: up to 15 digits, the mantissa and the
   * power of ten are exact doubles and one division rounds correctly. */
  p = text;
  negative = *p == '-';
  if (negative)
    p++;
  for (; n_digits <= 15; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          mantissa = mantissa * 10 + (guint64) (*p - '0');
          n_digits++;
          n_decimals += point;
        }
      else if (*p == '.' && !point)
        point = TRUE;
      else
        break;
    }
  if (*p == '\0' && n_digits > 0 && n_digits <= 15)
    {
      *number = (double) mantissa / powers[n_decimals];
      if (negative)
        *number = -*number;
      return TRUE;
    }

  *number = g_ascii_strtod (text, &end);
  while (g_ascii_isspace (*end))
    end++;

  return *end == '\0' && isfinite (*number);
}

static gboolean
parse_boolean (const char *text,
               gboolean   *value)
{
  double number;

  if (g_ascii_strcasecmp (text, "true") == 0)
    *value = TRUE;
  else if (g_ascii_strcasecmp (text, "false") == 0)
    *value = FALSE;
  else if (parse_number (text, &number))
    *value = number != 0;
  else
    return FALSE;

  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The UTF-16 code unit of an _xHHHH_ escape at @p, or -1. */
static int
escape_at (const char *p)
{
  int value = 0;

  if (p[0] != '_' || (p[1] != 'x' && p[1] != 'X'))
    return -1;
  for (guint i = 2; i < 6; i++)
    {
      int digit = hex_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return p[6] == '_' ? value : -1;
}

/* Excel writes the characters XML cannot carry (and a literal "_x" that
 * would read as one) as _xHHHH_, UTF-16 code units in hex: _x000D_ is a
 * carriage return, _x005F_ an underscore. Decodes them in place; an escape
 * that is no character (a lone surrogate, NUL) stays as it is. */
static void
decode_escapes (GString *text)
{
  char *read, *write, *end;

  if (text->len < 7 || memchr (text->str, '_', text->len) == NULL)
    return;

  read = write = text->str;
  end = text->str + text->len;

  while (read < end)
    {
      int unit = read + 7 <= end ? escape_at (read) : -1;
      gunichar c = 0;
      gsize consumed = 7;

      if (unit > 0 && (unit < 0xd800 || unit > 0xdfff))
        c = (gunichar) unit;
      else if (unit >= 0xd800 && unit <= 0xdbff && read + 14 <= end)
        {
          int low = escape_at (read + 7);

          if (low >= 0xdc00 && low <= 0xdfff)
            {
              c = 0x10000 + (((gunichar) unit - 0xd800) << 10) + ((gunichar) low - 0xdc00);
              consumed = 14;
            }
        }

      if (c != 0)
        {
          /* Never longer than the escape it replaces. */
          write += g_unichar_to_utf8 (c, write);
          read += consumed;
        }
      else
        *write++ = *read++;
    }

  g_string_truncate (text, (gsize) (write - text->str));
}

/* An Excel date serial as days since 1899-12-30. A 1904 serial is
 * shifted. A 1900 serial before March 1900 gets back the day it lost to
 * the 29 February 1900 that Excel counts, so that it reads as the date
 * Excel (and Gnumeric) shows: serial 1 is 1900-01-01. */
static double
date_serial (double   serial,
             gboolean date1904)
{
  if (date1904)
    return kvota_workbook_date_from_1904 (serial);
  /* Below 1 is a time of day alone, on no date. */
  if (serial >= 1 && serial < 60)
    return serial + 1;

  return serial;
}

static gboolean
format_is_elapsed (const char *format)
{
  if (format == NULL)
    return FALSE;

  for (const char *p = strchr (format, '['); p != NULL; p = strchr (p + 1, '['))
    {
      const char *q = p + 1;

      while (*q == 'h' || *q == 'H' || *q == 'm' || *q == 'M' || *q == 's' || *q == 'S')
        q++;
      if (q > p + 1 && *q == ']')
        return TRUE;
    }

  return FALSE;
}

/* Whether the zip name @name, read with backslashes as slashes and without
 * regard to case, starts @path (a normalised part name). Returns the rest
 * of @path, or NULL. */
static const char *
match_item_name (const char *name,
                 const char *path)
{
  while (*name == '\\')
    name++;

  for (; *name != '\0'; name++, path++)
    {
      char c = *name == '\\' ? '/' : g_ascii_tolower (*name);

      if (c != *path)
        return NULL;
    }

  return path;
}

/* Opens the zip item @path, whatever case and separators the zip spells
 * it with. */
static GsfInput *
open_item (GsfInfile  *folder,
           const char *path,
           guint       depth)
{
  int n = gsf_infile_num_children (folder);

  if (depth > MAX_ZIP_DEPTH)
    return NULL;

  for (int i = 0; i < n; i++)
    {
      const char *name = gsf_infile_name_by_index (folder, i);
      g_autoptr(GsfInput) child = NULL;
      g_autoptr(GError) child_error = NULL;
      const char *rest;
      gboolean is_folder;

      if (name == NULL)
        continue;

      /* "/xl/workbook.xml" makes a folder with no name: the whole path
       * is looked for inside it. */
      if (name[0] == '\0')
        rest = NULL;
      else if ((rest = match_item_name (name, path)) == NULL || (*rest != '\0' && *rest != '/'))
        continue;

      /* The class method, not gsf_infile_child_by_index(), which warns
       * when a damaged entry cannot be opened. */
      child = GSF_INFILE_CLASS (G_OBJECT_GET_CLASS (folder))->child_by_index (folder, i, &child_error);
      if (child == NULL)
        {
          g_clear_error (&child_error);
          continue;
        }
      is_folder = GSF_IS_INFILE (child) && gsf_infile_num_children (GSF_INFILE (child)) >= 0;

      if (rest != NULL && *rest == '\0' && !is_folder)
        return g_steal_pointer (&child);

      if (is_folder && (rest == NULL || *rest == '/'))
        {
          GsfInput *found = open_item (GSF_INFILE (child), rest != NULL ? rest + 1 : path, depth + 1);

          if (found != NULL)
            return found;
        }
    }

  return NULL;
}

/* Opens a part. Relationship targets are URIs: a part named in one as
 * "sheet%201.xml" may be stored as "sheet 1.xml". */
static GsfInput *
open_part (GsfInfile  *zip,
           const char *path)
{
  g_autofree char *unescaped = NULL;
  g_autofree char *lower = NULL;
  GsfInput *item;

  if (path == NULL || path[0] == '\0')
    return NULL;

  if ((item = open_item (zip, path, 0)) != NULL || strchr (path, '%') == NULL ||
      (unescaped = g_uri_unescape_string (path, "/")) == NULL)
    return item;

  lower = g_ascii_strdown (unescaped, -1);
  return open_item (zip, lower, 0);
}

/* A part name as we compare them: lower case, '/' between folders, no
 * leading '/', "." and ".." resolved; @target is relative to @folder
 * unless it starts with a slash. */
static char *
normalize_path (const char *folder,
                const char *target)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) path = g_string_new (NULL);
  g_autofree char *joined = NULL;
  g_auto(GStrv) parts = NULL;

  if (target == NULL || strlen (target) > MAX_PATH_LENGTH)
    return NULL;

  if (target[0] == '/' || target[0] == '\\' || folder == NULL || folder[0] == '\0')
    joined = g_strdup (target);
  else
    joined = g_strconcat (folder, "/", target, NULL);

  g_strdelimit (joined, "\\", '/');
  parts = g_strsplit (joined, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          if (segments->len > 0)
            g_ptr_array_remove_index (segments, segments->len - 1);
          continue;
        }
      g_ptr_array_add (segments, g_ascii_strdown (parts[i], -1));
    }

  for (guint i = 0; i < segments->len; i++)
    {
      if (i > 0)
        g_string_append_c (path, '/');
      g_string_append (path, g_ptr_array_index (segments, i));
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

static char *
path_folder (const char *path)
{
  const char *slash = strrchr (path, '/');

  return slash != NULL ? g_strndup (path, (gsize) (slash - path)) : g_strdup ("");
}

/* Where the relationships of part @path are: "xl/_rels/workbook.xml.rels". */
static char *
relationships_path (const char *path)
{
  const char *slash = strrchr (path, '/');

  if (slash == NULL)
    return g_strconcat ("_rels/", path, ".rels", NULL);

  return g_strdup_printf ("%.*s/_rels/%s.rels", (int) (slash - path), path, slash + 1);
}

/* The value of the attribute @name, without a prefix, and its length. */
static const char *
attribute (const xmlChar **attributes,
           int             n_attributes,
           const char     *name,
           gsize          *length)
{
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + 5 * i;

      if (a[1] == NULL && strcmp ((const char *) a[0], name) == 0)
        {
          *length = (gsize) (a[4] - a[3]);
          return (const char *) a[3];
        }
    }

  return NULL;
}

/* The value of SAX2's attribute @a, as a string of its own. libxml2
 * left an ampersand as "&#38;" (the only reference it leaves, and only
 * because entities are not substituted): it is put back here. The
 * attributes of a sheet's cells mean nothing with one in them, so only
 * the other parts' need this. */
static char *
attribute_text (const xmlChar **a)
{
  const char *p = (const char *) a[3], *end = (const char *) a[4];
  GString *text = g_string_sized_new ((gsize) (end - p));

  while (p < end)
    if (end - p >= 5 && memcmp (p, "&#38;", 5) == 0)
      {
        g_string_append_c (text, '&');
        p += 5;
      }
    else
      g_string_append_c (text, *p++);

  return g_string_free (text, FALSE);
}

/* The same for the attribute @name, without a prefix; NULL if there is
 * none. */
static char *
attribute_dup (const xmlChar **attributes,
               int             n_attributes,
               const char     *name)
{
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + 5 * i;

      if (a[1] == NULL && strcmp ((const char *) a[0], name) == 0)
        return attribute_text (a);
    }

  return NULL;
}

/* Whether the element name @name is @wanted: names are short, and the
 * same few are looked for again and again. */
static inline gboolean
name_is (const xmlChar *name,
         const char    *wanted)
{
  for (; *name == (xmlChar) *wanted; name++, wanted++)
    if (*wanted == '\0')
      return TRUE;

  return FALSE;
}

/* g_string_append_len(), without a call while there is room: text comes
 * a few bytes at a time. */
static inline void
append_text (GString    *string,
             const char *text,
             gsize       length)
{
  if (G_LIKELY (string->len + length < string->allocated_len))
    {
      memcpy (string->str + string->len, text, length);
      string->len += length;
      string->str[string->len] = '\0';
    }
  else
    g_string_append_len (string, text, (gssize) length);
}

static inline gboolean
value_is (const char *value,
          gsize       length,
          const char *text)
{
  return length == strlen (text) && memcmp (value, text, length) == 0;
}

static void
relationship_free (gpointer data)
{
  Relationship *relationship = data;

  g_free (relationship->id);
  g_free (relationship->type);
  g_free (relationship->target);
  g_free (relationship);
}

static const Relationship *
find_relationship (GPtrArray  *relationships,
                   const char *type,
                   const char *id)
{
  for (guint i = 0; relationships != NULL && i < relationships->len; i++)
    {
      const Relationship *relationship = g_ptr_array_index (relationships, i);

      if ((type == NULL || g_strcmp0 (relationship->type, type) == 0) &&
          (id == NULL || g_strcmp0 (relationship->id, id) == 0))
        return relationship;
    }

  return NULL;
}

static void
workbook_sheet_free (gpointer data)
{
  WorkbookSheet *sheet = data;

  g_free (sheet->name);
  g_free (sheet->relationship);
  g_free (sheet);
}

static void
backend_free (gpointer data)
{
  XlsxBackend *backend = data;

  g_clear_object (&backend->zip);
  g_clear_pointer (&backend->strings, g_ptr_array_unref);
  g_clear_pointer (&backend->string_chunk, g_string_chunk_free);
  g_clear_pointer (&backend->cell_formats, g_array_unref);
  g_clear_pointer (&backend->formats, g_string_chunk_free);
  g_free (backend);
}

static inline gboolean
parse_over (const Parse *parse)
{
  return parse->stopped || parse->damaged;
}

/* Ends the parse from one of its callbacks: libxml2 reads no further.
 * Takes @error, if any. */
static void
parse_stop (Parse  *parse,
            GError *error)
{
  if (parse->stopped)
    {
      g_clear_error (&error);
      return;
    }

  parse->stopped = TRUE;
  parse->error = error;
  xmlStopParser (parse->ctxt);
}

static void
parse_stop_too_large (Parse      *parse,
                      const char *detail)
{
  GError *error = NULL;

  _kvota_workbook_set_error (&error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, detail);
  parse_stop (parse, error);
}

/* Which of namespace_uris[] @uri is, or -1. libxml2 keeps the names of
 * namespaces in the parser's dictionary, as it does ours: comparing the
 * pointers is enough, and comparing the strings is a fallback. */
static inline int
namespace_of (const Parse   *parse,
              const xmlChar *uri)
{
  if (uri == NULL)
    return -1;

  for (guint i = 0; i < N_NAMESPACE_URIS; i++)
    if (uri == parse->uris[i])
      return namespace_uris[i].ns;

  for (guint i = 0; i < N_NAMESPACE_URIS; i++)
    if (strcmp ((const char *) uri, namespace_uris[i].uri) == 0)
      return namespace_uris[i].ns;

  return -1;
}

static void
start_element_cb (void           *user_data,
                  const xmlChar  *local_name,
                  const xmlChar  *prefix,
                  const xmlChar  *uri,
                  int             n_namespaces,
                  const xmlChar **namespaces,
                  int             n_attributes,
                  int             n_defaulted,
                  const xmlChar **attributes)
{
  Parse *parse = user_data;
  const Node *nodes = parse->syntax->nodes;
  int ns;

  if (parse->n_unknown > 0 || parse_over (parse))
    {
      parse->n_unknown++;
      return;
    }

  if ((ns = namespace_of (parse, uri)) >= 0)
    for (guint i = 1; i < parse->syntax->n_nodes; i++)
      if (nodes[i].parent == parse->node && nodes[i].ns == ns && name_is (local_name, nodes[i].name))
        {
          g_assert (parse->depth < MAX_NODE_DEPTH);
          parse->stack[parse->depth++] = (guint8) i;
          parse->node = i;
          if (nodes[i].content)
            {
              g_string_truncate (parse->content, 0);
              parse->collecting = TRUE;
            }
          /* The defaulted attributes, which a DTD added, come last. */
          if (nodes[i].start != NULL)
            nodes[i].start (parse, attributes, n_attributes - n_defaulted);
          return;
        }

  /* The root takes any element, but only below the root. */
  if (parse->depth == 0)
    parse->n_roots++;
  else
    parse->n_unknown++;
}

static void
end_element_cb (void          *user_data,
                const xmlChar *local_name,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  Parse *parse = user_data;
  const Node *nodes = parse->syntax->nodes;
  guint node;

  if (parse->n_unknown > 0)
    {
      parse->n_unknown--;
      return;
    }

  if (parse->depth == 0)
    {
      if (parse->n_roots > 0)
        parse->n_roots--;
      return;
    }

  node = parse->node;
  if (nodes[node].end != NULL && !parse_over (parse))
    nodes[node].end (parse);

  parse->depth--;
  parse->node = parse->depth > 0 ? parse->stack[parse->depth - 1] : 0;
  parse->collecting = nodes[parse->node].content;
}

static void
characters_cb (void          *user_data,
               const xmlChar *text,
               int            length)
{
  Parse *parse = user_data;

  if (parse->collecting)
    append_text (parse->content, (const char *) text, (gsize) length);
}

static xmlEntityPtr
get_entity_cb (void          *user_data,
               const xmlChar *name)
{
  return xmlGetPredefinedEntity (name);
}

/* A document type declaration, internal subset or not. */
static void
internal_subset_cb (void          *user_data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  Parse *parse = user_data;

  if (!parse->syntax->refuse_dtd || parse_over (parse))
    return;

  g_debug ("Spreadsheet part with a document type declaration");
  parse->damaged = TRUE;
  xmlStopParser (parse->ctxt);
}

static void
xml_error_cb (void        *user_data,
              xmlErrorPtr  error)
{
  Parse *parse = user_data;

  if (error == NULL || error->level < XML_ERR_ERROR || error->domain == XML_FROM_NAMESPACE)
    return;

  if (!parse->damaged)
    g_debug ("Spreadsheet part not well-formed: %s", error->message != NULL ? error->message : "");
  parse->damaged = TRUE;

  /* Recoverable errors too: a part that is not well-formed is damaged.
   * (Halting the parser is for its callbacks, not its error reports.) */
  if (parse->ctxt != NULL)
    parse->ctxt->disableSAX = 1;
}

/* Streams the part @path through @syntax's nodes; @parse is the first
 * member of the state the callbacks get. */
static PartResult
parse_part (XlsxBackend   *backend,
            const char    *path,
            const Syntax  *syntax,
            Parse         *parse,
            GError       **error)
{
  g_autoptr(GsfInput) item = NULL;
  g_autoptr(GString) content = NULL;
  g_autofree guint8 *chunk = NULL;
  xmlSAXHandler sax = { 0, };
  xmlStructuredErrorFunc saved_handler;
  void *saved_context;
  xmlParserCtxtPtr ctxt;
  gsf_off_t remaining;
  gsize length, head;
  gboolean well_formed;

  if ((item = open_part (backend->zip, path)) == NULL)
    return PART_MISSING;

  remaining = gsf_input_size (item);
  if (remaining > (gsf_off_t) KVOTA_WORKBOOK_MAX_PART_BYTES)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, path);
      return PART_FAILED;
    }

  /* The first bytes tell libxml2 the encoding. */
  chunk = g_malloc (CHUNK_SIZE);
  length = (gsize) MIN (remaining, (gsf_off_t) CHUNK_SIZE);
  if (length > 0 && gsf_input_read (item, length, chunk) == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, path);
      return PART_FAILED;
    }
  remaining -= (gsf_off_t) length;
  head = MIN (length, 4);

  sax.initialized = XML_SAX2_MAGIC;
  sax.internalSubset = internal_subset_cb;
  sax.getEntity = get_entity_cb;
  sax.startElementNs = start_element_cb;
  sax.endElementNs = end_element_cb;
  sax.characters = characters_cb;
  /* The same callback tells libxml2 not to look for blanks to ignore.
   * CDATA sections come as characters too. */
  sax.ignorableWhitespace = characters_cb;
  sax.serror = xml_error_cb;

  content = g_string_sized_new (256);
  parse->syntax = syntax;
  parse->content = content;

  /* For the errors that libxml2 reports outside the parser's own. */
  saved_handler = xmlStructuredError;
  saved_context = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc (parse, xml_error_cb);

  if ((ctxt = xmlCreatePushParserCtxt (&sax, parse, (const char *) chunk, (int) head, path)) == NULL)
    {
      xmlSetStructuredErrorFunc (saved_context, saved_handler);
      parse->content = NULL;
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, path);
      return PART_FAILED;
    }
  parse->ctxt = ctxt;
  /* Never XML_PARSE_NOENT: entities stay unexpanded. */
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET);
  for (guint i = 0; i < N_NAMESPACE_URIS; i++)
    parse->uris[i] = xmlDictLookup (ctxt->dict, (const xmlChar *) namespace_uris[i].uri, -1);

  xmlParseChunk (ctxt, (const char *) chunk + head, (int) (length - head), 0);
  while (remaining > 0 && !parse_over (parse))
    {
      length = (gsize) MIN (remaining, (gsf_off_t) CHUNK_SIZE);
      if (gsf_input_read (item, length, chunk) == NULL)
        {
          g_debug ("Spreadsheet part cannot be inflated: %s", path);
          parse->damaged = TRUE;
          break;
        }
      remaining -= (gsf_off_t) length;
      xmlParseChunk (ctxt, (const char *) chunk, (int) length, 0);
    }
  if (!parse_over (parse))
    xmlParseChunk (ctxt, NULL, 0, 1);

  well_formed = ctxt->wellFormed;
  /* libxml2 keeps the entities a DTD declares in a document of its own,
   * even with no tree to build. */
  g_clear_pointer (&ctxt->myDoc, xmlFreeDoc);
  xmlFreeParserCtxt (ctxt);
  parse->ctxt = NULL;
  parse->content = NULL;

  xmlSetStructuredErrorFunc (saved_context, saved_handler);

  if (parse->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&parse->error));
      return PART_FAILED;
    }

  if (parse->stopped)
    return PART_READ;

  if (!well_formed || parse->damaged)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, path);
      return PART_FAILED;
    }

  return PART_READ;
}

/* Relationships: _rels/.rels, xl/_rels/workbook.xml.rels */

static void
relationship_start (Parse          *parse,
                    const xmlChar **attributes,
                    int             n_attributes)
{
  RelationshipsState *state = (RelationshipsState *) parse;
  g_autofree char *id = attribute_dup (attributes, n_attributes, "Id");
  g_autofree char *type = attribute_dup (attributes, n_attributes, "Type");
  g_autofree char *target = attribute_dup (attributes, n_attributes, "Target");
  g_autofree char *mode = attribute_dup (attributes, n_attributes, "TargetMode");
  Relationship *relationship;
  const char *slash;

  if (id == NULL || type == NULL || target == NULL ||
      g_strcmp0 (mode, "External") == 0 || state->relationships->len >= MAX_RELATIONSHIPS)
    return;

  relationship = g_new0 (Relationship, 1);
  relationship->id = g_steal_pointer (&id);
  slash = strrchr (type, '/');
  relationship->type = g_strdup (slash != NULL ? slash + 1 : type);
  relationship->target = normalize_path (state->folder, target);
  g_ptr_array_add (state->relationships, relationship);
}

enum
{
  RELS_ROOT,
  RELS_RELATIONSHIPS,
  RELS_RELATIONSHIP,
};

static const Node relationships_nodes[] = {
  [RELS_ROOT] = { RELS_ROOT, -1, FALSE, NULL, NULL, NULL },
  [RELS_RELATIONSHIPS] = { RELS_ROOT, NS_RELATIONSHIPS, FALSE, "Relationships", NULL, NULL },
  [RELS_RELATIONSHIP] = { RELS_RELATIONSHIPS, NS_RELATIONSHIPS, FALSE, "Relationship", relationship_start, NULL },
};

static const Syntax relationships_syntax = { relationships_nodes, G_N_ELEMENTS (relationships_nodes), FALSE };

/* The relationships of part @path; an empty array if it has none. */
static GPtrArray *
read_relationships (XlsxBackend  *backend,
                    const char   *path,
                    GError      **error)
{
  g_autofree char *rels = relationships_path (path);
  g_autofree char *folder = path_folder (path);
  g_autoptr(GPtrArray) relationships = g_ptr_array_new_with_free_func (relationship_free);
  RelationshipsState state = { { 0, }, folder, relationships };

  if (parse_part (backend, rels, &relationships_syntax, &state.parse, error) == PART_FAILED)
    return NULL;

  return g_steal_pointer (&relationships);
}

/* [Content_Types].xml, for packages whose relationships do not say where
 * the workbook is */

static void
override_start (Parse          *parse,
                const xmlChar **attributes,
                int             n_attributes)
{
  ContentTypesState *state = (ContentTypesState *) parse;
  g_autofree char *name = attribute_dup (attributes, n_attributes, "PartName");
  g_autofree char *type = attribute_dup (attributes, n_attributes, "ContentType");
  static const char * const workbook_types[] = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
  };

  if (name == NULL || type == NULL || state->workbook != NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (workbook_types); i++)
    if (g_ascii_strcasecmp (type, workbook_types[i]) == 0)
      state->workbook = normalize_path (NULL, name);

  if (g_ascii_strcasecmp (type, "application/vnd.ms-excel.sheet.binary.macroEnabled.main") == 0)
    {
      state->workbook = normalize_path (NULL, name);
      state->binary = TRUE;
    }
}

enum
{
  TYPES_ROOT,
  TYPES_TYPES,
  TYPES_OVERRIDE,
};

static const Node content_types_nodes[] = {
  [TYPES_ROOT] = { TYPES_ROOT, -1, FALSE, NULL, NULL, NULL },
  [TYPES_TYPES] = { TYPES_ROOT, NS_CONTENT_TYPES, FALSE, "Types", NULL, NULL },
  [TYPES_OVERRIDE] = { TYPES_TYPES, NS_CONTENT_TYPES, FALSE, "Override", override_start, NULL },
};

static const Syntax content_types_syntax = { content_types_nodes, G_N_ELEMENTS (content_types_nodes), FALSE };

static gboolean
item_exists (XlsxBackend *backend,
             const char  *path)
{
  g_autoptr(GsfInput) item = NULL;

  return (item = open_part (backend->zip, path)) != NULL;
}

/* The workbook part: where the package's relationships say, else where
 * its content types say, else where Excel puts it. */
static char *
find_workbook (XlsxBackend  *backend,
               GError      **error)
{
  g_autoptr(GPtrArray) relationships = NULL;
  g_autofree char *path = NULL;
  const Relationship *office_document;

  if ((relationships = read_relationships (backend, "", error)) == NULL)
    return NULL;

  office_document = find_relationship (relationships, "officeDocument", NULL);
  if (office_document != NULL && item_exists (backend, office_document->target))
    path = g_strdup (office_document->target);

  if (path == NULL)
    {
      ContentTypesState state = { { 0, }, NULL, FALSE };

      if (parse_part (backend, "[content_types].xml", &content_types_syntax, &state.parse, error) == PART_FAILED)
        return NULL;
      if (state.workbook != NULL && (state.binary || item_exists (backend, state.workbook)))
        path = g_steal_pointer (&state.workbook);
      g_free (state.workbook);
    }

  if (path == NULL && item_exists (backend, "xl/workbook.xml"))
    path = g_strdup ("xl/workbook.xml");
  if (path == NULL && item_exists (backend, "xl/workbook.bin"))
    path = g_strdup ("xl/workbook.bin");

  if (path == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "zip without a workbook part");
      return NULL;
    }

  /* An Excel binary workbook (.xlsb). */
  if (g_str_has_suffix (path, ".bin"))
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "binary workbook part");
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* xl/workbook.xml */

static void
workbook_pr_start (Parse          *parse,
                   const xmlChar **attributes,
                   int             n_attributes)
{
  WorkbookState *state = (WorkbookState *) parse;
  g_autofree char *date1904 = attribute_dup (attributes, n_attributes, "date1904");

  if (date1904 != NULL)
    state->date1904 = strcmp (date1904, "1") == 0 || g_ascii_strcasecmp (date1904, "true") == 0;
}

static void
workbook_view_start (Parse          *parse,
                     const xmlChar **attributes,
                     int             n_attributes)
{
  WorkbookState *state = (WorkbookState *) parse;
  gsize length;
  const char *active_tab = attribute (attributes, n_attributes, "activeTab", &length);
  guint64 tab;

  /* The first view is the one a workbook opens with. */
  if (state->seen_view)
    return;
  state->seen_view = TRUE;

  if (active_tab != NULL && parse_unsigned (active_tab, length, KVOTA_WORKBOOK_MAX_SHEETS, &tab))
    state->active_tab = (guint) tab;
}

static void
sheet_start (Parse          *parse,
             const xmlChar **attributes,
             int             n_attributes)
{
  WorkbookState *state = (WorkbookState *) parse;
  WorkbookSheet *sheet;

  if (state->sheets->len >= KVOTA_WORKBOOK_MAX_SHEETS)
    {
      parse_stop_too_large (parse, "too many sheets");
      return;
    }

  sheet = g_new0 (WorkbookSheet, 1);
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + 5 * i;
      const char *name = (const char *) a[0];
      const char *value = (const char *) a[3];
      gsize length = (gsize) (a[4] - a[3]);

      if (a[1] == NULL && strcmp (name, "name") == 0)
        {
          g_free (sheet->name);
          sheet->name = attribute_text (a);
        }
      else if (a[1] == NULL && strcmp (name, "state") == 0)
        sheet->hidden = value_is (value, length, "hidden") || value_is (value, length, "veryHidden");
      /* r:id, whatever prefix the relationships namespace has. */
      else if (a[1] != NULL && strcmp (name, "id") == 0)
        {
          g_free (sheet->relationship);
          sheet->relationship = attribute_text (a);
        }
    }

  g_ptr_array_add (state->sheets, sheet);
}

enum
{
  BOOK_ROOT,
  BOOK_WORKBOOK,
  BOOK_WORKBOOK_PR,
  BOOK_VIEWS,
  BOOK_VIEW,
  BOOK_SHEETS,
  BOOK_SHEET,
};

static const Node workbook_nodes[] = {
  [BOOK_ROOT] = { BOOK_ROOT, -1, FALSE, NULL, NULL, NULL },
  [BOOK_WORKBOOK] = { BOOK_ROOT, NS_SPREADSHEET, FALSE, "workbook", NULL, NULL },
  [BOOK_WORKBOOK_PR] = { BOOK_WORKBOOK, NS_SPREADSHEET, FALSE, "workbookPr", workbook_pr_start, NULL },
  [BOOK_VIEWS] = { BOOK_WORKBOOK, NS_SPREADSHEET, FALSE, "bookViews", NULL, NULL },
  [BOOK_VIEW] = { BOOK_VIEWS, NS_SPREADSHEET, FALSE, "workbookView", workbook_view_start, NULL },
  [BOOK_SHEETS] = { BOOK_WORKBOOK, NS_SPREADSHEET, FALSE, "sheets", NULL, NULL },
  [BOOK_SHEET] = { BOOK_SHEETS, NS_SPREADSHEET, FALSE, "sheet", sheet_start, NULL },
};

static const Syntax workbook_syntax = { workbook_nodes, G_N_ELEMENTS (workbook_nodes), FALSE };

/* xl/sharedStrings.xml */

static void
sst_start (Parse          *parse,
           const xmlChar **attributes,
           int             n_attributes)
{
  StringsState *state = (StringsState *) parse;
  gsize length;
  const char *count = attribute (attributes, n_attributes, "uniqueCount", &length);
  guint64 n;

  /* A hint only: counts in the wild are often wrong. */
  if (count != NULL && parse_unsigned (count, length, G_MAXUINT32, &n) && state->backend->strings->len == 0)
    {
      g_ptr_array_unref (state->backend->strings);
      state->backend->strings = g_ptr_array_sized_new ((guint) MIN (n, MAX_PREALLOCATED));
    }
}

static void
si_start (Parse          *parse,
          const xmlChar **attributes,
          int             n_attributes)
{
  StringsState *state = (StringsState *) parse;

  g_string_truncate (state->text, 0);
}

static void
si_text_end (Parse *parse)
{
  StringsState *state = (StringsState *) parse;

  if (state->text->len + parse->content->len > KVOTA_WORKBOOK_MAX_STRING_BYTES)
    {
      parse_stop_too_large (parse, "shared strings");
      return;
    }

  g_string_append_len (state->text, parse->content->str, (gssize) parse->content->len);
}

static void
si_end (Parse *parse)
{
  StringsState *state = (StringsState *) parse;
  XlsxBackend *backend = state->backend;

  decode_escapes (state->text);

  /* Each string costs its bytes and its pointer: a million empty <si/>
   * are not free either. */
  state->bytes += state->text->len + 1 + sizeof (gpointer);
  if (state->bytes > KVOTA_WORKBOOK_MAX_STRING_BYTES)
    {
      parse_stop_too_large (parse, "shared strings");
      return;
    }

  g_ptr_array_add (backend->strings,
                   g_string_chunk_insert_len (backend->string_chunk, state->text->str,
                                              (gssize) state->text->len));
}

enum
{
  SST_ROOT,
  SST_SST,
  SST_SI,
  SST_SI_T,
  SST_SI_R,
  SST_SI_R_T,
};

static const Node strings_nodes[] = {
  [SST_ROOT] = { SST_ROOT, -1, FALSE, NULL, NULL, NULL },
  [SST_SST] = { SST_ROOT, NS_SPREADSHEET, FALSE, "sst", sst_start, NULL },
  [SST_SI] = { SST_SST, NS_SPREADSHEET, FALSE, "si", si_start, si_end },
  [SST_SI_T] = { SST_SI, NS_SPREADSHEET, TRUE, "t", NULL, si_text_end },
  /* Rich text: the runs' text, one after the other; the phonetic runs
   * (rPh) are not part of the string. */
  [SST_SI_R] = { SST_SI, NS_SPREADSHEET, FALSE, "r", NULL, NULL },
  [SST_SI_R_T] = { SST_SI_R, NS_SPREADSHEET, TRUE, "t", NULL, si_text_end },
};

static const Syntax strings_syntax = { strings_nodes, G_N_ELEMENTS (strings_nodes), FALSE };

/* xl/styles.xml */

static void
num_fmt_start (Parse          *parse,
               const xmlChar **attributes,
               int             n_attributes)
{
  StylesState *state = (StylesState *) parse;
  gsize length = 0;
  const char *id = attribute (attributes, n_attributes, "numFmtId", &length);
  g_autofree char *code = attribute_dup (attributes, n_attributes, "formatCode");
  guint64 n;

  if (id == NULL || code == NULL ||
      !parse_unsigned (id, length, G_MAXUINT32, &n) || g_hash_table_size (state->codes) >= MAX_NUMBER_FORMATS)
    return;

  g_hash_table_insert (state->codes, GUINT_TO_POINTER ((guint) n), g_steal_pointer (&code));
}

static void
cell_xf_start (Parse          *parse,
               const xmlChar **attributes,
               int             n_attributes)
{
  StylesState *state = (StylesState *) parse;
  gsize length;
  const char *id = attribute (attributes, n_attributes, "numFmtId", &length);
  guint64 n = 0;
  guint format;

  if (state->xf_formats->len >= MAX_CELL_FORMATS)
    return;

  if (id == NULL || !parse_unsigned (id, length, G_MAXUINT32, &n))
    n = 0;
  format = (guint) n;
  g_array_append_val (state->xf_formats, format);
}

enum
{
  STYLES_ROOT,
  STYLES_STYLE_SHEET,
  STYLES_NUM_FMTS,
  STYLES_NUM_FMT,
  STYLES_CELL_XFS,
  STYLES_CELL_XF,
};

static const Node styles_nodes[] = {
  [STYLES_ROOT] = { STYLES_ROOT, -1, FALSE, NULL, NULL, NULL },
  [STYLES_STYLE_SHEET] = { STYLES_ROOT, NS_SPREADSHEET, FALSE, "styleSheet", NULL, NULL },
  [STYLES_NUM_FMTS] = { STYLES_STYLE_SHEET, NS_SPREADSHEET, FALSE, "numFmts", NULL, NULL },
  [STYLES_NUM_FMT] = { STYLES_NUM_FMTS, NS_SPREADSHEET, FALSE, "numFmt", num_fmt_start, NULL },
  [STYLES_CELL_XFS] = { STYLES_STYLE_SHEET, NS_SPREADSHEET, FALSE, "cellXfs", NULL, NULL },
  [STYLES_CELL_XF] = { STYLES_CELL_XFS, NS_SPREADSHEET, FALSE, "xf", cell_xf_start, NULL },
};

static const Syntax styles_syntax = { styles_nodes, G_N_ELEMENTS (styles_nodes), FALSE };

static gboolean
load_styles (XlsxBackend  *backend,
             const char   *path,
             GError      **error)
{
  g_autoptr(GHashTable) codes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GArray) xf_formats = g_array_new (FALSE, FALSE, sizeof (guint));
  StylesState state = { { 0, }, codes, xf_formats };

  if (parse_part (backend, path, &styles_syntax, &state.parse, error) == PART_FAILED)
    return FALSE;

  for (guint i = 0; i < xf_formats->len; i++)
    {
      guint id = g_array_index (xf_formats, guint, i);
      const char *code = g_hash_table_lookup (codes, GUINT_TO_POINTER (id));
      CellFormat format = { NULL, FALSE, FALSE };

      if (code == NULL)
        code = _kvota_workbook_builtin_format (id);
      if (code != NULL && g_ascii_strcasecmp (code, "General") != 0)
        {
          format.format = g_string_chunk_insert_const (backend->formats, code);
          format.is_date = _kvota_workbook_format_is_date (code);
          format.elapsed = format.is_date && format_is_elapsed (code);
        }

      g_array_append_val (backend->cell_formats, format);
    }

  return TRUE;
}

/* The worksheets */

static void
row_start (Parse          *parse,
           const xmlChar **attributes,
           int             n_attributes)
{
  SheetState *state = (SheetState *) parse;
  guint64 r;

  state->row = state->next_row;
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + 5 * i;

      if (a[0][0] == 'r' && a[0][1] == '\0' && a[1] == NULL)
        {
          /* A row number that is none puts the row out of reach. */
          if (parse_unsigned ((const char *) a[3], (gsize) (a[4] - a[3]), G_MAXUINT32, &r) && r > 0)
            state->row = r - 1;
          else
            state->row = KVOTA_WORKBOOK_MAX_ROWS;
        }
    }

  state->next_row = state->row + 1;
  state->column = -1;
}

static void
row_end (Parse *parse)
{
  SheetState *state = (SheetState *) parse;

  if (state->cancellable != NULL && g_cancellable_is_cancelled (state->cancellable))
    {
      GError *error = NULL;

      g_cancellable_set_error_if_cancelled (state->cancellable, &error);
      parse_stop (parse, error);
    }
}

static void
cell_start (Parse          *parse,
            const xmlChar **attributes,
            int             n_attributes)
{
  SheetState *state = (SheetState *) parse;
  gboolean has_reference = FALSE;

  state->cell_type = CELL_TYPE_NUMBER;
  state->cell_style = 0;
  state->has_value = FALSE;
  state->has_inline = FALSE;

  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **a = attributes + 5 * i;
      const char *value = (const char *) a[3];
      const char *end = (const char *) a[4];
      gsize length = (gsize) (end - value);

      if (a[0][0] == '\0' || a[0][1] != '\0' || a[1] != NULL)
        continue;

      switch (a[0][0])
        {
        case 'r':
          has_reference = parse_reference (value, end, &state->cell_row, &state->cell_column) == end;
          break;

        case 't':
          if (value_is (value, length, "s"))
            state->cell_type = CELL_TYPE_SHARED_STRING;
          else if (value_is (value, length, "inlineStr"))
            state->cell_type = CELL_TYPE_INLINE_STRING;
          else if (value_is (value, length, "str"))
            state->cell_type = CELL_TYPE_FORMULA_STRING;
          else if (value_is (value, length, "b"))
            state->cell_type = CELL_TYPE_BOOLEAN;
          else if (value_is (value, length, "e"))
            state->cell_type = CELL_TYPE_ERROR;
          else if (value_is (value, length, "d"))
            state->cell_type = CELL_TYPE_DATE;
          break;

        case 's':
          {
            guint64 style;

            if (parse_unsigned (value, length, G_MAXUINT32, &style))
              state->cell_style = (guint) style;
          }
          break;

        default:
          break;
        }
    }

  /* Without a reference, a cell is the one after the previous. */
  if (!has_reference)
    {
      state->cell_row = state->row;
      state->cell_column = (guint64) (state->column + 1);
    }
  state->column = (gint64) MIN (state->cell_column, (guint64) G_MAXINT32);
  if (state->cell_row >= state->next_row)
    state->next_row = state->cell_row + 1;
}

static void
cell_value_end (Parse *parse)
{
  SheetState *state = (SheetState *) parse;

  g_string_truncate (state->value, 0);
  append_text (state->value, parse->content->str, parse->content->len);
  state->has_value = TRUE;
}

static void
inline_text_end (Parse *parse)
{
  SheetState *state = (SheetState *) parse;

  if (!state->has_inline)
    g_string_truncate (state->inline_text, 0);
  append_text (state->inline_text, parse->content->str, parse->content->len);
  state->has_inline = TRUE;
}

static void
cell_end (Parse *parse)
{
  SheetState *state = (SheetState *) parse;
  XlsxBackend *backend = state->backend;
  KvotaCell cell = { 0, };
  gint64 key;

  if (state->cell_row >= KVOTA_WORKBOOK_MAX_ROWS || state->cell_column >= KVOTA_WORKBOOK_MAX_COLUMNS)
    return;

  cell.row = (guint32) state->cell_row;
  cell.column = (guint32) state->cell_column;
  if (state->cell_style < backend->cell_formats->len)
    cell.format = g_array_index (backend->cell_formats, CellFormat, state->cell_style).format;

  switch (state->cell_type)
    {
    case CELL_TYPE_SHARED_STRING:
      {
        guint64 index;

        if (!state->has_value || !parse_unsigned (state->value->str, state->value->len, G_MAXUINT32, &index) ||
            index >= backend->strings->len)
          return;
        cell.kind = KVOTA_CELL_STRING;
        cell.text = g_ptr_array_index (backend->strings, index);
      }
      break;

    case CELL_TYPE_INLINE_STRING:
      {
        GString *text = state->has_inline ? state->inline_text : state->value;

        if (!state->has_inline && !state->has_value)
          return;
        decode_escapes (text);
        cell.kind = KVOTA_CELL_STRING;
        cell.text = text->str;
      }
      break;

    case CELL_TYPE_FORMULA_STRING:
      if (!state->has_value)
        return;
      decode_escapes (state->value);
      cell.kind = KVOTA_CELL_STRING;
      cell.text = state->value->str;
      break;

    case CELL_TYPE_BOOLEAN:
      {
        gboolean value;

        if (!state->has_value || !parse_boolean (state->value->str, &value))
          return;
        cell.kind = KVOTA_CELL_BOOLEAN;
        cell.number = value ? 1 : 0;
      }
      break;

    case CELL_TYPE_ERROR:
      if (!state->has_value || state->value->len == 0)
        return;
      cell.kind = KVOTA_CELL_ERROR;
      cell.text = state->value->str;
      break;

    case CELL_TYPE_DATE:
      if (!state->has_value || state->value->len == 0)
        return;
      if (parse_iso_date (state->value->str, &cell.number))
        {
          cell.kind = KVOTA_CELL_NUMBER;
          cell.is_date = TRUE;
        }
      else
        {
          cell.kind = KVOTA_CELL_STRING;
          cell.text = state->value->str;
        }
      break;

    case CELL_TYPE_NUMBER:
    default:
      if (!state->has_value || state->value->len == 0)
        return;
      if (parse_number (state->value->str, &cell.number))
        {
          cell.kind = KVOTA_CELL_NUMBER;
          if (state->cell_style < backend->cell_formats->len)
            {
              const CellFormat *format = &g_array_index (backend->cell_formats, CellFormat, state->cell_style);

              cell.is_date = format->is_date;
              if (cell.is_date && !format->elapsed)
                cell.number = date_serial (cell.number, state->date1904);
            }
        }
      else
        {
          /* Not a number after all: keep what it says. */
          cell.kind = KVOTA_CELL_STRING;
          cell.text = state->value->str;
        }
      break;
    }

  /* A stream cannot go back: a cell out of order is dropped. */
  key = ((gint64) cell.row << 14) | cell.column;
  if (key <= state->last_key)
    {
      state->n_disordered++;
      return;
    }
  state->last_key = key;

  if (!state->func (&cell, state->user_data))
    parse_stop (parse, NULL);
}

static void
merge_cell_start (Parse          *parse,
                  const xmlChar **attributes,
                  int             n_attributes)
{
  SheetState *state = (SheetState *) parse;
  gsize length;
  const char *ref = attribute (attributes, n_attributes, "ref", &length);
  KvotaMergedRange range;
  guint64 row1, column1, row2, column2;
  const char *end;

  if (ref == NULL || state->sheet->merged->len >= MAX_MERGED_RANGES ||
      (end = parse_reference (ref, ref + length, &row1, &column1)) == NULL || end == ref + length || *end != ':' ||
      (end = parse_reference (end + 1, ref + length, &row2, &column2)) != ref + length)
    return;

  if (MAX (row1, row2) >= KVOTA_WORKBOOK_MAX_ROWS || MAX (column1, column2) >= KVOTA_WORKBOOK_MAX_COLUMNS)
    return;

  range.first_row = (guint32) MIN (row1, row2);
  range.last_row = (guint32) MAX (row1, row2);
  range.first_column = (guint32) MIN (column1, column2);
  range.last_column = (guint32) MAX (column1, column2);
  g_array_append_val (state->sheet->merged, range);
}

enum
{
  SHEET_ROOT,
  SHEET_DATA,
  SHEET_ROW,
  SHEET_CELL,
  SHEET_VALUE,
  SHEET_INLINE,
  SHEET_INLINE_T,
  SHEET_INLINE_R,
  SHEET_INLINE_R_T,
  SHEET_MERGE_CELLS,
  SHEET_MERGE_CELL,
};

/* Any document element: worksheet, dialogsheet or macrosheet alike. */
static const Node sheet_nodes[] = {
  [SHEET_ROOT] = { SHEET_ROOT, -1, FALSE, NULL, NULL, NULL },
  [SHEET_DATA] = { SHEET_ROOT, NS_SPREADSHEET, FALSE, "sheetData", NULL, NULL },
  [SHEET_ROW] = { SHEET_DATA, NS_SPREADSHEET, FALSE, "row", row_start, row_end },
  [SHEET_CELL] = { SHEET_ROW, NS_SPREADSHEET, FALSE, "c", cell_start, cell_end },
  [SHEET_VALUE] = { SHEET_CELL, NS_SPREADSHEET, TRUE, "v", NULL, cell_value_end },
  [SHEET_INLINE] = { SHEET_CELL, NS_SPREADSHEET, FALSE, "is", NULL, NULL },
  [SHEET_INLINE_T] = { SHEET_INLINE, NS_SPREADSHEET, TRUE, "t", NULL, inline_text_end },
  [SHEET_INLINE_R] = { SHEET_INLINE, NS_SPREADSHEET, FALSE, "r", NULL, NULL },
  [SHEET_INLINE_R_T] = { SHEET_INLINE_R, NS_SPREADSHEET, TRUE, "t", NULL, inline_text_end },
  [SHEET_MERGE_CELLS] = { SHEET_ROOT, NS_SPREADSHEET, FALSE, "mergeCells", NULL, NULL },
  [SHEET_MERGE_CELL] = { SHEET_MERGE_CELLS, NS_SPREADSHEET, FALSE, "mergeCell", merge_cell_start, NULL },
};

/* A sheet may declare no DTD: what it could declare would only make the
 * reading differ from Excel's. */
static const Syntax sheet_syntax = { sheet_nodes, G_N_ELEMENTS (sheet_nodes), TRUE };

static gboolean
load_strings (XlsxBackend  *backend,
              const char   *path,
              GError      **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  StringsState state = { { 0, }, backend, text, 0 };

  return parse_part (backend, path, &strings_syntax, &state.parse, error) != PART_FAILED;
}

static gboolean
dos_time_is_valid (guint32 dos_time)
{
  static const guint8 month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  guint year = (dos_time >> 25) + 1980;
  guint month = (dos_time >> 21) & 0x0f;
  guint day = (dos_time >> 16) & 0x1f;
  guint minute = (dos_time >> 5) & 0x3f;
  guint second = (dos_time & 0x1f) * 2;

  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || minute > 59 || second > 59)
    return FALSE;

  return month != 2 || day < 29 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
}

/* Looks at the zip's central directory before libgsf does. An entry
 * whose local header is not where the directory says makes the package
 * damaged (libgsf would print and warn about it). An entry time that is
 * no date at all (day 0, as some writers leave it) would make libgsf log
 * a GLib critical: such a package is read from a copy with those times
 * cleared, in *patched. A zip this cannot make sense of is left to
 * libgsf. */
static gboolean
check_zip (GsfInput   *input,
           GsfInput  **patched,
           GError    **error)
{
  g_autofree guint8 *tail = NULL;
  g_autofree guint8 *directory = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GArray) invalid = g_array_new (FALSE, FALSE, sizeof (gsf_off_t));
  gsf_off_t size = gsf_input_size (input);
  gsf_off_t tail_size = MIN (size, (gsf_off_t) (65535 + 22));
  const guint8 *end_record = NULL;
  guint32 directory_size, directory_offset;
  gsize position = 0;

  *patched = NULL;

  if (size < 22)
    return TRUE;

  tail = g_malloc ((gsize) tail_size);
  if (gsf_input_seek (input, size - tail_size, G_SEEK_SET) ||
      gsf_input_read (input, (gsize) tail_size, tail) == NULL)
    return TRUE;
  for (gsf_off_t i = tail_size - 22; i >= 0 && end_record == NULL; i--)
    if (memcmp (tail + i, "PK\005\006", 4) == 0)
      end_record = tail + i;
  if (end_record == NULL)
    return TRUE;

  directory_size = GSF_LE_GET_GUINT32 (end_record + 12);
  directory_offset = GSF_LE_GET_GUINT32 (end_record + 16);
  if (directory_size == 0 || directory_size > MAX_ZIP_DIRECTORY ||
      (gsf_off_t) directory_offset + directory_size > size)
    return TRUE;

  directory = g_malloc (directory_size);
  if (gsf_input_seek (input, directory_offset, G_SEEK_SET) ||
      gsf_input_read (input, directory_size, directory) == NULL)
    return TRUE;

  while (position + 46 <= directory_size && memcmp (directory + position, "PK\001\002", 4) == 0)
    {
      const guint8 *entry = directory + position;
      guint32 dos_time = GSF_LE_GET_GUINT32 (entry + 12);
      guint32 local = GSF_LE_GET_GUINT32 (entry + 42);
      guint8 signature[4];

      /* 0xffffffff: the offset is in a zip64 field. */
      if (local != 0xffffffff &&
          ((gsf_off_t) local + 30 > size || gsf_input_seek (input, local, G_SEEK_SET) ||
           gsf_input_read (input, 4, signature) == NULL || memcmp (signature, "PK\003\004", 4) != 0))
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "zip entry without its header");
          return FALSE;
        }

      if (dos_time != 0 && !dos_time_is_valid (dos_time))
        {
          gsf_off_t offset = (gsf_off_t) directory_offset + (gsf_off_t) position + 12;

          g_array_append_val (invalid, offset);
        }
      position += 46 + (gsize) GSF_LE_GET_GUINT16 (entry + 28) +
                  GSF_LE_GET_GUINT16 (entry + 30) + GSF_LE_GET_GUINT16 (entry + 32);
    }

  if (invalid->len == 0 || size > (gsf_off_t) MAX_ZIP_COPY)
    return TRUE;

  copy = g_malloc ((gsize) size);
  if (gsf_input_seek (input, 0, G_SEEK_SET) || gsf_input_read (input, (gsize) size, copy) == NULL)
    return TRUE;
  for (guint i = 0; i < invalid->len; i++)
    memset (copy + g_array_index (invalid, gsf_off_t, i), 0, 4);

  *patched = gsf_input_memory_new (g_steal_pointer (&copy), size, TRUE);
  return TRUE;
}

static gboolean
sheet_has_cells (KvotaWorkbook *self,
                 guint          index)
{
  const KvotaSheet *sheet = g_ptr_array_index (self->sheets, index);

  return ((const SheetPart *) sheet->backend_data)->has_cells;
}

/* A chartsheet has no cells to read: when one was active, the first
 * visible sheet that has them is taken instead, as Gnumeric does. */
static void
choose_active_sheet (KvotaWorkbook *self)
{
  if (self->active_sheet >= self->sheets->len || sheet_has_cells (self, self->active_sheet))
    return;

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->sheets->len; i++)
      if (sheet_has_cells (self, i) && (pass == 1 || !kvota_workbook_get_sheet_hidden (self, i)))
        {
          self->active_sheet = i;
          return;
        }
}

static gboolean
open_xlsx (KvotaWorkbook  *self,
           GsfInput       *input,
           GError        **error)
{
  g_autoptr(GError) zip_error = NULL;
  g_autoptr(GsfInput) cleared = NULL;
  g_autoptr(GPtrArray) relationships = NULL;
  g_autoptr(GPtrArray) sheets = g_ptr_array_new_with_free_func (workbook_sheet_free);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *workbook = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *fallback = NULL;
  WorkbookState state = { { 0, }, sheets, FALSE, FALSE, 0 };
  const Relationship *relationship;
  XlsxBackend *backend;
  GsfInfile *zip;

  if (!check_zip (input, &cleared, error))
    return FALSE;
  if (cleared != NULL)
    input = cleared;
  if ((zip = gsf_infile_zip_new (input, &zip_error)) == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, zip_error->message);
      return FALSE;
    }

  backend = g_new0 (XlsxBackend, 1);
  backend->zip = zip;
  backend->strings = g_ptr_array_new ();
  backend->string_chunk = g_string_chunk_new (64 * 1024);
  backend->cell_formats = g_array_new (FALSE, FALSE, sizeof (CellFormat));
  backend->formats = g_string_chunk_new (1024);
  self->backend_data = backend;

  if ((workbook = find_workbook (backend, error)) == NULL)
    return FALSE;
  folder = path_folder (workbook);

  switch (parse_part (backend, workbook, &workbook_syntax, &state.parse, error))
    {
    case PART_READ:
      break;
    case PART_MISSING:
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, workbook);
      return FALSE;
    case PART_FAILED:
    default:
      return FALSE;
    }
  self->date1904 = state.date1904;
  self->active_sheet = state.active_tab;

  if ((relationships = read_relationships (backend, workbook, error)) == NULL)
    return FALSE;

  /* Without relationships, the parts are where Excel puts them. */
  relationship = find_relationship (relationships, "sharedStrings", NULL);
  fallback = normalize_path (folder, "sharedStrings.xml");
  if (!load_strings (backend, relationship != NULL ? relationship->target : fallback, error))
    return FALSE;

  g_clear_pointer (&fallback, g_free);
  relationship = find_relationship (relationships, "styles", NULL);
  fallback = normalize_path (folder, "styles.xml");
  if (!load_styles (backend, relationship != NULL ? relationship->target : fallback, error))
    return FALSE;

  /* The first relationship of each id, as find_relationship() would. */
  for (guint i = relationships->len; i > 0; i--)
    {
      Relationship *each = g_ptr_array_index (relationships, i - 1);

      g_hash_table_insert (by_id, each->id, each);
    }

  for (guint i = 0; i < sheets->len; i++)
    {
      const WorkbookSheet *sheet = g_ptr_array_index (sheets, i);
      KvotaSheet *added = _kvota_workbook_add_sheet (self, sheet->name, sheet->hidden);
      const char *path = NULL;
      SheetPart *part;
      gsize length;

      relationship = sheet->relationship != NULL ? g_hash_table_lookup (by_id, sheet->relationship) : NULL;
      if (relationship != NULL && relationship->target != NULL)
        path = relationship->target;

      /* A chartsheet has no cells, and neither has a sheet with no part
       * at all (r:id=""); one whose part cannot be found is damaged. */
      length = path != NULL ? strlen (path) : 0;
      part = g_malloc0 (sizeof (SheetPart) + length + 1);
      part->has_cells = sheet->relationship != NULL && sheet->relationship[0] != '\0' &&
                        (relationship == NULL || g_strcmp0 (relationship->type, "chartsheet") != 0);
      if (path != NULL)
        memcpy (part->path, path, length);
      added->backend_data = part;
    }

  choose_active_sheet (self);

  return TRUE;
}

static gboolean
read_sheet_xlsx (KvotaWorkbook  *self,
                 guint           index,
                 KvotaCellFunc   func,
                 gpointer        user_data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  XlsxBackend *backend = self->backend_data;
  KvotaSheet *sheet = g_ptr_array_index (self->sheets, index);
  SheetPart *part = sheet->backend_data;
  g_autoptr(GString) value = g_string_sized_new (64);
  g_autoptr(GString) inline_text = g_string_sized_new (64);
  SheetState state = { { 0, }, };

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* A chartsheet holds no cells. */
  if (!part->has_cells)
    return TRUE;

  state.backend = backend;
  state.sheet = sheet;
  state.date1904 = self->date1904;
  state.func = func;
  state.user_data = user_data;
  state.cancellable = cancellable;
  state.column = -1;
  state.last_key = -1;
  state.value = value;
  state.inline_text = inline_text;

  switch (parse_part (backend, part->path, &sheet_syntax, &state.parse, error))
    {
    case PART_READ:
      if (state.n_disordered > 0)
        g_debug ("Dropped %u cells out of order in %s", state.n_disordered, part->path);
      return TRUE;

    case PART_MISSING:
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "sheet part missing");
      return FALSE;

    case PART_FAILED:
    default:
      return FALSE;
    }
}

const KvotaWorkbookBackend _kvota_workbook_xlsx_backend = {
  KVOTA_WORKBOOK_FORMAT_XLSX,
  open_xlsx,
  read_sheet_xlsx,
  backend_free,
};
