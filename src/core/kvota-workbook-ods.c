/* kvota-workbook-ods.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-workbook"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gsf/gsf-input-impl.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "kvota-error.h"
#include "kvota-workbook-private.h"

/* The OpenDocument reader: a zip package (.ods) or the same XML as one
 * plain file (.fods). content.xml is streamed with GsfXMLIn, never loaded
 * whole: open() reads it once for the sheets and the styles, and each
 * read_sheet() reads it again and hands out the cells of one table.
 *
 * Repeat counts are numbers in the file, so empty cells and rows are
 * counted, never walked; cells with content are handed out once per
 * repetition, up to the sheet limits and a budget of repeated cells. */

/* A sheet may repeat cells with content this many times in all: far more
 * than any real sheet, far less than what a few bytes can ask for. */
#define ODS_MAX_REPEATED_CELLS ((guint64) 1 << 24)
/* Merged ranges kept for one sheet. */
#define ODS_MAX_MERGED         ((guint) 1 << 18)
/* A text:s repeat count. */
#define ODS_MAX_SPACES         1024
/* The text of one cell: 8 times what Excel holds, and a bound on what a
 * few compressed bytes of text:s can make. */
#define ODS_MAX_CELL_BYTES     ((gsize) 1 << 20)

enum
{
  NS_OFFICE,
  NS_STYLE,
  NS_TABLE,
  NS_TEXT,
  NS_NUMBER,
  NS_CONFIG,
  NS_MANIFEST,
  NS_CALCEXT,
};

static const GsfXMLInNS ods_namespaces[] = {
  GSF_XML_IN_NS (NS_OFFICE, "urn:oasis:names:tc:opendocument:xmlns:office:1.0"),
  GSF_XML_IN_NS (NS_STYLE, "urn:oasis:names:tc:opendocument:xmlns:style:1.0"),
  GSF_XML_IN_NS (NS_TABLE, "urn:oasis:names:tc:opendocument:xmlns:table:1.0"),
  GSF_XML_IN_NS (NS_TEXT, "urn:oasis:names:tc:opendocument:xmlns:text:1.0"),
  GSF_XML_IN_NS (NS_NUMBER, "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"),
  GSF_XML_IN_NS (NS_CONFIG, "urn:oasis:names:tc:opendocument:xmlns:config:1.0"),
  GSF_XML_IN_NS (NS_MANIFEST, "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"),
  GSF_XML_IN_NS (NS_CALCEXT, "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"),
  GSF_XML_IN_NS_END
};

/* What open() learns and read_sheet() needs. */
typedef struct
{
  GsfInfile  *zip;      /* NULL for a flat file */
  GHashTable *formats;  /* cell style name → number format code */
} OdsBook;

typedef enum
{
  DATA_STYLE_NONE,
  DATA_STYLE_NUMBER,
  DATA_STYLE_PERCENTAGE,
  DATA_STYLE_CURRENCY,
  DATA_STYLE_DATE,
  DATA_STYLE_TIME,
} DataStyleKind;

typedef struct
{
  char *data_style;
  char *parent;
} CellStyle;

/* The state of open()'s reading of the package's XML parts. */
typedef struct
{
  KvotaWorkbook *self;

  GHashTable    *hidden_styles;  /* table styles with table:display="false" */
  GHashTable    *cell_styles;    /* name → CellStyle */
  GHashTable    *data_styles;    /* name → format code */

  char          *style_name;
  gboolean       style_is_table;

  /* The data style being read */
  DataStyleKind  data_kind;
  char          *data_name;
  int            decimals;
  gboolean       grouping;
  gboolean       scientific;
  int            exponent_digits;
  int            fraction_digits;
  gboolean       has_number;
  gboolean       has_date;
  gboolean       has_time;
  gboolean       elapsed;

  gboolean       is_spreadsheet;
  gboolean       in_view_settings;
  gboolean       in_active_table;
  char          *active_table;

  gboolean       entry_is_content;
  gboolean       encrypted;

  guint          n_tables;
  gboolean       too_many_tables;
} OdsOpen;

typedef enum
{
  VALUE_NONE,
  VALUE_NUMBER,
  VALUE_DATE,
  VALUE_BOOLEAN,
  VALUE_STRING,
  VALUE_ERROR,
} ValueKind;

/* A cell with content, repeated over @count columns. */
typedef struct
{
  guint32        column;
  guint32        count;
  KvotaCellKind  kind;
  double         number;
  char          *text;
  gboolean       is_date;
  const char    *format;
} OdsRun;

typedef struct
{
  guint32 first_column;
  guint32 last_column;
  guint64 rows;
} OdsSpan;

typedef struct
{
  guint32     first;
  guint32     last;
  const char *format;
} OdsColumnFormat;

/* The state of read_sheet()'s streaming of content.xml. */
typedef struct
{
  OdsBook       *book;
  KvotaSheet    *sheet;
  guint          target;
  guint          n_tables;
  gboolean       in_target;
  gboolean       done;        /* no more cells: past the target, stopped or failed */
  gboolean       stopped;     /* the callback asked to stop */
  KvotaCellFunc  func;
  gpointer       user_data;
  GCancellable  *cancellable;
  GError        *error;

  GArray        *column_formats;  /* of OdsColumnFormat */
  guint64        n_columns;

  guint64        row;
  guint64        row_repeat;
  const char    *row_format;
  gboolean       row_has_format;
  GArray        *runs;            /* of OdsRun */
  GArray        *spans;           /* of OdsSpan */
  guint64        column;

  /* The cell being read */
  gboolean       covered;
  guint64        cell_repeat;
  guint64        columns_spanned;
  guint64        rows_spanned;
  const char    *cell_format;
  gboolean       cell_has_format;
  ValueKind      value_kind;
  gboolean       percentage;
  double         number;
  gboolean       number_valid;
  gboolean       has_formula;
  char          *string_value;
  GString       *text;
  guint          n_paragraphs;

  guint64        repeated_cells;
  guint64        string_bytes;
} OdsRead;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfXMLInDoc, gsf_xml_in_doc_free)

static void
ods_open_clear (OdsOpen *open)
{
  g_clear_pointer (&open->hidden_styles, g_hash_table_unref);
  g_clear_pointer (&open->cell_styles, g_hash_table_unref);
  g_clear_pointer (&open->data_styles, g_hash_table_unref);
  g_clear_pointer (&open->style_name, g_free);
  g_clear_pointer (&open->data_name, g_free);
  g_clear_pointer (&open->active_table, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OdsOpen, ods_open_clear)

static void ods_read_clear (OdsRead *read);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OdsRead, ods_read_clear)

/* The errors libxml2 reports while GsfXMLIn parses, kept here rather than
 * logged by libgsf as critical warnings. */
typedef struct
{
  guint n_errors;
} XmlErrors;

/* A window on a part that stops feeding the parser once @cancellable is
 * cancelled, so that a cancelled read stops at once. */
#define KVOTA_TYPE_ODS_STREAM (kvota_ods_stream_get_type ())

G_DECLARE_FINAL_TYPE (KvotaOdsStream, kvota_ods_stream, KVOTA, ODS_STREAM, GsfInput)

struct _KvotaOdsStream
{
  GsfInput      parent_instance;

  GsfInput     *source;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (KvotaOdsStream, kvota_ods_stream, GSF_INPUT_TYPE)

static void
kvota_ods_stream_finalize (GObject *object)
{
  KvotaOdsStream *self = (KvotaOdsStream *)object;

  g_clear_object (&self->source);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kvota_ods_stream_parent_class)->finalize (object);
}

static GsfInput *
kvota_ods_stream_dup (GsfInput  *input,
                      GError   **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not duplicable");
  return NULL;
}

static const guint8 *
kvota_ods_stream_read (GsfInput *input,
                       size_t    num_bytes,
                       guint8   *buffer)
{
  KvotaOdsStream *self = KVOTA_ODS_STREAM (input);

  if (g_cancellable_is_cancelled (self->cancellable))
    return NULL;

  return gsf_input_read (self->source, num_bytes, buffer);
}

static gboolean
kvota_ods_stream_seek (GsfInput  *input,
                       gsf_off_t  offset,
                       GSeekType  whence)
{
  KvotaOdsStream *self = KVOTA_ODS_STREAM (input);
  gsf_off_t position = offset;

  /* The base class has checked the range and not yet moved. */
  if (whence == G_SEEK_CUR)
    position += gsf_input_tell (input);
  else if (whence == G_SEEK_END)
    position += gsf_input_size (input);

  return gsf_input_seek (self->source, position, G_SEEK_SET);
}

static void
kvota_ods_stream_class_init (KvotaOdsStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GsfInputClass *input_class = GSF_INPUT_CLASS (klass);

  object_class->finalize = kvota_ods_stream_finalize;

  input_class->Dup = kvota_ods_stream_dup;
  input_class->Read = kvota_ods_stream_read;
  input_class->Seek = kvota_ods_stream_seek;
}

static void
kvota_ods_stream_init (KvotaOdsStream *self)
{
}

static GsfInput *
kvota_ods_stream_new (GsfInput     *source,
                      GCancellable *cancellable)
{
  KvotaOdsStream *self = g_object_new (KVOTA_TYPE_ODS_STREAM, NULL);

  self->source = g_object_ref (source);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  gsf_input_set_size (GSF_INPUT (self), gsf_input_size (source));
  gsf_input_set_name (GSF_INPUT (self), gsf_input_name (source));

  return GSF_INPUT (self);
}

static void
ods_book_free (gpointer data)
{
  OdsBook *book = data;

  g_clear_object (&book->zip);
  g_clear_pointer (&book->formats, g_hash_table_unref);
  g_free (book);
}

static void
cell_style_free (gpointer data)
{
  CellStyle *style = data;

  g_free (style->data_style);
  g_free (style->parent);
  g_free (style);
}

static guint64
add_saturated (guint64 a,
               guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

/* Attribute values */

static const char *
find_attribute (GsfXMLIn       *xin,
                xmlChar const **attrs,
                guint           ns,
                const char     *name)
{
  for (xmlChar const **a = attrs; a != NULL && a[0] != NULL && a[1] != NULL; a += 2)
    if (gsf_xml_in_namecmp (xin, (const char *) a[0], ns, name))
      return (const char *) a[1];

  return NULL;
}

/* A repeat or span count: a positive integer, or 1 for anything else. */
static guint64
parse_count (const char *text)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, &value, NULL))
    return 1;

  return value;
}

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end;

  if (text == NULL)
    return FALSE;

  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;

  *value = g_ascii_strtod (text, &end);
  while (g_ascii_isspace (*end))
    end++;

  return *end == '\0' && isfinite (*value);
}

static gboolean
parse_boolean (const char *text,
               gboolean   *value)
{
  if (g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "1") == 0)
    *value = TRUE;
  else if (g_strcmp0 (text, "false") == 0 || g_strcmp0 (text, "0") == 0)
    *value = FALSE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
skip_char (const char **p,
           char         c)
{
  if (**p != c)
    return FALSE;

  (*p)++;
  return TRUE;
}

/* @max_digits decimal digits at *p, at least one. */
static gboolean
read_digits (const char **p,
             guint        max_digits,
             gint64      *value)
{
  guint n = 0;

  *value = 0;
  while (g_ascii_isdigit (**p) && n < max_digits)
    {
      *value = *value * 10 + (**p - '0');
      (*p)++;
      n++;
    }

  return n > 0 && !g_ascii_isdigit (**p);
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static gint64
days_from_civil (gint64 year,
                 gint64 month,
                 gint64 day)
{
  gint64 era, year_of_era, day_of_year, day_of_era;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = year - era * 400;
  day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

  return era * 146097 + day_of_era - 719468;
}

/* An ISO 8601 date, with or without a time, as days since 1899-12-30; a
 * time zone, if any, is left out: the sheet shows the wall clock. */
static gboolean
parse_date (const char *text,
            double     *serial)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 year, month, day, hour = 0, minute = 0, whole_seconds = 0;
  double seconds = 0;

  if (text == NULL)
    return FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (!read_digits (&p, 6, &year) || !skip_char (&p, '-') ||
      !read_digits (&p, 2, &month) || !skip_char (&p, '-') ||
      !read_digits (&p, 2, &day))
    return FALSE;

  if (negative)
    year = -year;
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return FALSE;

  if (skip_char (&p, 'T'))
    {
      if (!read_digits (&p, 2, &hour) || !skip_char (&p, ':') ||
          !read_digits (&p, 2, &minute))
        return FALSE;
      if (skip_char (&p, ':'))
        {
          if (!read_digits (&p, 2, &whole_seconds))
            return FALSE;
          seconds = (double) whole_seconds;
          if (*p == '.' || *p == ',')
            {
              double scale = 0.1;

              for (p++; g_ascii_isdigit (*p); p++, scale /= 10)
                seconds += (*p - '0') * scale;
            }
        }
      if (hour > 24 || minute > 59 || seconds >= 61)
        return FALSE;
    }

  /* A time zone: Z, +hh:mm or -hh:mm. */
  if (!skip_char (&p, 'Z') && (skip_char (&p, '+') || skip_char (&p, '-')))
    {
      gint64 zone;

      if (!read_digits (&p, 2, &zone))
        return FALSE;
      skip_char (&p, ':');
      if (g_ascii_isdigit (*p) && !read_digits (&p, 2, &zone))
        return FALSE;
    }

  if (*p != '\0')
    return FALSE;

  *serial = (double) (days_from_civil (year, month, day) - days_from_civil (1899, 12, 30)) +
            ((double) hour * 3600 + (double) minute * 60 + seconds) / 86400;
  return TRUE;
}

/* An ISO 8601 duration, PT10H10M10.5S or P1DT2H, as a fraction of days. */
static gboolean
parse_duration (const char *text,
                double     *days)
{
  const char *p = text;
  gboolean negative = FALSE;
  gboolean in_time = FALSE;
  gboolean any = FALSE;
  double seconds = 0;

  if (text == NULL)
    return FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (!skip_char (&p, 'P'))
    return FALSE;

  while (*p != '\0')
    {
      double value = 0;
      char *end;

      if (*p == 'T' && !in_time)
        {
          in_time = TRUE;
          p++;
          continue;
        }

      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (value) || value > 1e12)
        return FALSE;
      p = end;

      switch (*p)
        {
        case 'D':
          if (in_time)
            return FALSE;
          seconds += value * 86400;
          break;

        case 'H':
          if (!in_time)
            return FALSE;
          seconds += value * 3600;
          break;

        case 'M':
          /* Months have no length in days. */
          if (!in_time)
            return FALSE;
          seconds += value * 60;
          break;

        case 'S':
          if (!in_time)
            return FALSE;
          seconds += value;
          break;

        default:
          return FALSE;
        }
      p++;
      any = TRUE;
    }

  if (!any)
    return FALSE;

  *days = (negative ? -seconds : seconds) / 86400;
  return TRUE;
}

/* libxml2 errors */

static void
xml_error_cb (void          *user_data,
              const xmlError *error)
{
  XmlErrors *errors = user_data;

  if (errors->n_errors++ == 0 && error != NULL && error->message != NULL)
    {
      int length = (int) strcspn (error->message, "\n");

      g_debug ("Spreadsheet XML error at line %d: %.*s", error->line, length, error->message);
    }
}

static gboolean
parse_part (GsfXMLInDoc *doc,
            GsfInput    *input,
            gpointer     state)
{
  XmlErrors errors = { 0 };
  gboolean ok;

  /* The structured handler comes before the SAX error callbacks, which
   * libgsf turns into critical warnings; it is per thread. */
  xmlSetStructuredErrorFunc (&errors, (xmlStructuredErrorFunc) xml_error_cb);
  ok = gsf_xml_in_doc_parse (doc, input, state);
  xmlSetStructuredErrorFunc (NULL, NULL);

  return ok;
}

/* The first pass over a part, before GsfXMLIn: libgsf warns of a damaged
 * document when a parse stops midway, and of a namespace bound to two
 * prefixes, so neither reaches it. */
typedef struct
{
  gboolean seen_root;
  gboolean ambiguous;
} XmlCheck;

static void
check_element_cb (void           *user_data,
                  const xmlChar  *name,
                  const xmlChar **attrs)
{
  XmlCheck *check = user_data;
  guint bound[G_N_ELEMENTS (ods_namespaces)] = { 0 };

  if (check->seen_root)
    return;
  check->seen_root = TRUE;

  /* GsfXMLIn looks at the root element's declarations only. */
  for (const xmlChar **a = attrs; a != NULL && a[0] != NULL && a[1] != NULL; a += 2)
    {
      if (strncmp ((const char *) a[0], "xmlns:", 6) != 0)
        continue;
      for (guint i = 0; ods_namespaces[i].uri != NULL; i++)
        if (strcmp ((const char *) a[1], ods_namespaces[i].uri) == 0 && bound[i]++ > 0)
          check->ambiguous = TRUE;
    }
}

static int
check_read_cb (void *user_data,
               char *buffer,
               int   length)
{
  GsfInput *input = user_data;
  gsf_off_t remaining = gsf_input_remaining (input);

  if (length > remaining)
    length = (int) remaining;
  if (length > 0 && gsf_input_read (input, (size_t) length, (guint8 *) buffer) == NULL)
    return -1;

  return length;
}

static gboolean
check_xml (GsfInput *input)
{
  xmlSAXHandler sax = { 0 };
  XmlCheck check = { FALSE, FALSE };
  XmlErrors errors = { 0 };
  xmlParserCtxtPtr context;
  gboolean ok;

  if (gsf_input_seek (input, 0, G_SEEK_SET))
    return FALSE;

  /* No entity is declared or loaded: a reference to one is an error. */
  sax.startElement = check_element_cb;
  context = xmlCreateIOParserCtxt (&sax, &check, check_read_cb, NULL, input, XML_CHAR_ENCODING_NONE);
  if (context == NULL)
    return FALSE;
  xmlCtxtUseOptions (context, XML_PARSE_HUGE | XML_PARSE_NONET);

  xmlSetStructuredErrorFunc (&errors, (xmlStructuredErrorFunc) xml_error_cb);
  xmlParseDocument (context);
  xmlSetStructuredErrorFunc (NULL, NULL);

  ok = context->wellFormed && check.seen_root && !check.ambiguous;
  xmlFreeParserCtxt (context);

  return !gsf_input_seek (input, 0, G_SEEK_SET) && ok;
}

static gboolean
unknown_element_cb (GsfXMLIn       *xin,
                    xmlChar const  *element,
                    xmlChar const **attrs)
{
  /* Most of an ODF document is of no interest here. */
  gsf_xml_in_set_silent_unknowns (xin, TRUE);
  return FALSE;
}

static void
document_start (GsfXMLIn       *xin,
                xmlChar const **attrs)
{
  gsf_xml_in_set_silent_unknowns (xin, TRUE);
}

/* open(): styles */

static void
style_start (GsfXMLIn       *xin,
             xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;
  const char *name = find_attribute (xin, attrs, NS_STYLE, "name");
  const char *family = find_attribute (xin, attrs, NS_STYLE, "family");

  g_clear_pointer (&open->style_name, g_free);
  open->style_is_table = FALSE;

  if (name == NULL)
    return;

  if (g_strcmp0 (family, "table") == 0)
    {
      open->style_name = g_strdup (name);
      open->style_is_table = TRUE;
    }
  else if (g_strcmp0 (family, "table-cell") == 0)
    {
      CellStyle *style = g_new0 (CellStyle, 1);

      style->data_style = g_strdup (find_attribute (xin, attrs, NS_STYLE, "data-style-name"));
      style->parent = g_strdup (find_attribute (xin, attrs, NS_STYLE, "parent-style-name"));
      g_hash_table_replace (open->cell_styles, g_strdup (name), style);
    }
}

static void
style_end (GsfXMLIn   *xin,
           GsfXMLBlob *blob)
{
  OdsOpen *open = xin->user_state;

  g_clear_pointer (&open->style_name, g_free);
  open->style_is_table = FALSE;
}

static void
table_properties_start (GsfXMLIn       *xin,
                        xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;

  if (open->style_is_table && open->style_name != NULL &&
      g_strcmp0 (find_attribute (xin, attrs, NS_TABLE, "display"), "false") == 0)
    g_hash_table_add (open->hidden_styles, g_strdup (open->style_name));
}

static void
data_style_start (GsfXMLIn       *xin,
                  xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;

  g_clear_pointer (&open->data_name, g_free);
  open->data_name = g_strdup (find_attribute (xin, attrs, NS_STYLE, "name"));
  open->data_kind = xin->node->user_data.v_int;
  open->decimals = 0;
  open->grouping = FALSE;
  open->scientific = FALSE;
  open->exponent_digits = 2;
  open->fraction_digits = 0;
  open->has_number = FALSE;
  open->has_date = FALSE;
  open->has_time = FALSE;
  open->elapsed = g_strcmp0 (find_attribute (xin, attrs, NS_NUMBER, "truncate-on-overflow"), "false") == 0;
}

static int
attribute_digits (GsfXMLIn       *xin,
                  xmlChar const **attrs,
                  const char     *name,
                  int             fallback)
{
  guint64 value;
  const char *text = find_attribute (xin, attrs, NS_NUMBER, name);

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, 15, &value, NULL))
    return fallback;

  return (int) value;
}

/* The parts of a data style: number:number, number:year, … arrive here as
 * elements GsfXMLIn does not know, with the data style as current node. */
static gboolean
data_style_part_cb (GsfXMLIn       *xin,
                    xmlChar const  *element,
                    xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;
  const char *name = (const char *) element;

  gsf_xml_in_set_silent_unknowns (xin, TRUE);

  if (open == NULL || xin->node == NULL || xin->node->user_data.v_int == DATA_STYLE_NONE)
    return FALSE;

  if (gsf_xml_in_namecmp (xin, name, NS_NUMBER, "number"))
    {
      /* Without decimal places, as Excel writes General, the number
       * shows what decimals it has. */
      open->has_number = TRUE;
      open->decimals = attribute_digits (xin, attrs, "decimal-places", -1);
      open->grouping = g_strcmp0 (find_attribute (xin, attrs, NS_NUMBER, "grouping"), "true") == 0;
    }
  else if (gsf_xml_in_namecmp (xin, name, NS_NUMBER, "scientific-number"))
    {
      open->has_number = TRUE;
      open->scientific = TRUE;
      open->decimals = attribute_digits (xin, attrs, "decimal-places", 0);
      open->exponent_digits = MAX (1, attribute_digits (xin, attrs, "min-exponent-digits", 2));
    }
  else if (gsf_xml_in_namecmp (xin, name, NS_NUMBER, "fraction"))
    {
      open->has_number = TRUE;
      open->fraction_digits = MAX (1, attribute_digits (xin, attrs, "min-denominator-digits", 1));
    }
  else if (gsf_xml_in_namecmp (xin, name, NS_NUMBER, "year") ||
           gsf_xml_in_namecmp (xin, name, NS_NUMBER, "month") ||
           gsf_xml_in_namecmp (xin, name, NS_NUMBER, "day"))
    open->has_date = TRUE;
  else if (gsf_xml_in_namecmp (xin, name, NS_NUMBER, "hours") ||
           gsf_xml_in_namecmp (xin, name, NS_NUMBER, "minutes") ||
           gsf_xml_in_namecmp (xin, name, NS_NUMBER, "seconds"))
    open->has_time = TRUE;

  return FALSE;
}

/* A short number format code in Excel's syntax for what the data style
 * shows; what it writes around the number is left out. */
static char *
build_format (OdsOpen *open)
{
  GString *code = g_string_new (NULL);

  switch (open->data_kind)
    {
    case DATA_STYLE_DATE:
      if (open->has_date)
        g_string_append (code, "yyyy-mm-dd");
      if (open->has_date && open->has_time)
        g_string_append_c (code, ' ');
      if (open->has_time || !open->has_date)
        g_string_append (code, "hh:mm:ss");
      break;

    case DATA_STYLE_TIME:
      g_string_append (code, open->elapsed ? "[h]:mm:ss" : "hh:mm:ss");
      break;

    case DATA_STYLE_NUMBER:
    case DATA_STYLE_PERCENTAGE:
    case DATA_STYLE_CURRENCY:
      if (!open->has_number || (open->decimals < 0 && !open->grouping))
        g_string_append (code, open->data_kind == DATA_STYLE_NUMBER ? "General" : "0");
      else if (open->fraction_digits > 0)
        {
          g_string_append (code, "# ");
          for (int i = 0; i < open->fraction_digits; i++)
            g_string_append_c (code, '?');
          g_string_append_c (code, '/');
          for (int i = 0; i < open->fraction_digits; i++)
            g_string_append_c (code, '?');
        }
      else
        {
          g_string_append (code, open->grouping ? "#,##0" : "0");
          if (open->decimals > 0)
            g_string_append_c (code, '.');
          for (int i = 0; i < open->decimals; i++)
            g_string_append_c (code, '0');
          if (open->scientific)
            {
              g_string_append (code, "E+");
              for (int i = 0; i < open->exponent_digits; i++)
                g_string_append_c (code, '0');
            }
        }
      if (open->data_kind == DATA_STYLE_PERCENTAGE)
        g_string_append_c (code, '%');
      break;

    case DATA_STYLE_NONE:
    default:
      break;
    }

  if (code->len == 0 || g_str_equal (code->str, "General"))
    {
      g_string_free (code, TRUE);
      return NULL;
    }

  return g_string_free (code, FALSE);
}

static void
data_style_end (GsfXMLIn   *xin,
                GsfXMLBlob *blob)
{
  OdsOpen *open = xin->user_state;

  if (open->data_name != NULL)
    g_hash_table_replace (open->data_styles, g_steal_pointer (&open->data_name), build_format (open));
  open->data_kind = DATA_STYLE_NONE;
}

/* open(): tables */

static void
spreadsheet_start (GsfXMLIn       *xin,
                   xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;

  open->is_spreadsheet = TRUE;
}

static void
table_name_start (GsfXMLIn       *xin,
                  xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;
  const char *name = find_attribute (xin, attrs, NS_TABLE, "name");
  const char *style = find_attribute (xin, attrs, NS_TABLE, "style-name");
  g_autofree char *fallback = NULL;

  if (open->n_tables >= KVOTA_WORKBOOK_MAX_SHEETS)
    {
      open->too_many_tables = TRUE;
      return;
    }

  open->n_tables++;
  if (name == NULL)
    name = fallback = g_strdup_printf ("Sheet%u", open->n_tables);

  _kvota_workbook_add_sheet (open->self, name,
                             style != NULL && g_hash_table_contains (open->hidden_styles, style));
}

/* open(): settings */

static void
config_set_start (GsfXMLIn       *xin,
                  xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;

  open->in_view_settings = g_strcmp0 (find_attribute (xin, attrs, NS_CONFIG, "name"),
                                      "ooo:view-settings") == 0;
}

static void
config_set_end (GsfXMLIn   *xin,
                GsfXMLBlob *blob)
{
  OdsOpen *open = xin->user_state;

  open->in_view_settings = FALSE;
}

static void
config_item_start (GsfXMLIn       *xin,
                   xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;

  open->in_active_table = open->in_view_settings && open->active_table == NULL &&
                          g_strcmp0 (find_attribute (xin, attrs, NS_CONFIG, "name"), "ActiveTable") == 0;
}

static void
config_item_end (GsfXMLIn   *xin,
                 GsfXMLBlob *blob)
{
  OdsOpen *open = xin->user_state;

  if (open->in_active_table && xin->content->len <= 1024)
    open->active_table = g_strdup (xin->content->str);
  open->in_active_table = FALSE;
}

/* open(): the manifest */

static void
file_entry_start (GsfXMLIn       *xin,
                  xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;
  const char *path = find_attribute (xin, attrs, NS_MANIFEST, "full-path");

  /* ODF 1.3's whole-package encryption hides everything in one entry. */
  open->entry_is_content = g_strcmp0 (path, "content.xml") == 0 ||
                           g_strcmp0 (path, "/content.xml") == 0 ||
                           g_strcmp0 (path, "encrypted-package") == 0;
}

static void
encryption_data_start (GsfXMLIn       *xin,
                       xmlChar const **attrs)
{
  OdsOpen *open = xin->user_state;

  if (open->entry_is_content)
    open->encrypted = TRUE;
}

#define DATA_STYLE_NODE(parent, id, name, kind) \
  GSF_XML_IN_NODE_FULL (parent, id, NS_NUMBER, name, GSF_XML_NO_CONTENT, FALSE, FALSE, \
                        data_style_start, data_style_end, kind)

/* Everything open() reads: content.xml, styles.xml, settings.xml and the
 * manifest of a package, or a flat document. Rows are not in it: the
 * parser skips them without calling back. */
static const GsfXMLInNode open_nodes[] = {
  GSF_XML_IN_NODE_FULL (START, START, -1, NULL, GSF_XML_NO_CONTENT, FALSE, TRUE, NULL, NULL, 0),

  GSF_XML_IN_NODE (START, DOC_CONTENT, NS_OFFICE, "document-content", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (DOC_CONTENT, AUTO_STYLES, NS_OFFICE, "automatic-styles", GSF_XML_NO_CONTENT, NULL, NULL),
      GSF_XML_IN_NODE (AUTO_STYLES, STYLE, NS_STYLE, "style", GSF_XML_NO_CONTENT, style_start, style_end),
        GSF_XML_IN_NODE (STYLE, TABLE_PROPS, NS_STYLE, "table-properties", GSF_XML_NO_CONTENT, table_properties_start, NULL),
      DATA_STYLE_NODE (AUTO_STYLES, NUMBER_STYLE, "number-style", DATA_STYLE_NUMBER),
      DATA_STYLE_NODE (AUTO_STYLES, PERCENT_STYLE, "percentage-style", DATA_STYLE_PERCENTAGE),
      DATA_STYLE_NODE (AUTO_STYLES, CURRENCY_STYLE, "currency-style", DATA_STYLE_CURRENCY),
      DATA_STYLE_NODE (AUTO_STYLES, DATE_STYLE, "date-style", DATA_STYLE_DATE),
      DATA_STYLE_NODE (AUTO_STYLES, TIME_STYLE, "time-style", DATA_STYLE_TIME),
    GSF_XML_IN_NODE (DOC_CONTENT, BODY, NS_OFFICE, "body", GSF_XML_NO_CONTENT, NULL, NULL),
      GSF_XML_IN_NODE (BODY, SPREADSHEET, NS_OFFICE, "spreadsheet", GSF_XML_NO_CONTENT, spreadsheet_start, NULL),
        GSF_XML_IN_NODE (SPREADSHEET, TABLE, NS_TABLE, "table", GSF_XML_NO_CONTENT, table_name_start, NULL),

  GSF_XML_IN_NODE (START, DOC_STYLES, NS_OFFICE, "document-styles", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (DOC_STYLES, STYLES, NS_OFFICE, "styles", GSF_XML_NO_CONTENT, NULL, NULL),
      GSF_XML_IN_NODE (STYLES, STYLE, NS_STYLE, "style", GSF_XML_2ND, NULL, NULL),
      GSF_XML_IN_NODE (STYLES, NUMBER_STYLE, NS_NUMBER, "number-style", GSF_XML_2ND, NULL, NULL),
      GSF_XML_IN_NODE (STYLES, PERCENT_STYLE, NS_NUMBER, "percentage-style", GSF_XML_2ND, NULL, NULL),
      GSF_XML_IN_NODE (STYLES, CURRENCY_STYLE, NS_NUMBER, "currency-style", GSF_XML_2ND, NULL, NULL),
      GSF_XML_IN_NODE (STYLES, DATE_STYLE, NS_NUMBER, "date-style", GSF_XML_2ND, NULL, NULL),
      GSF_XML_IN_NODE (STYLES, TIME_STYLE, NS_NUMBER, "time-style", GSF_XML_2ND, NULL, NULL),

  GSF_XML_IN_NODE (START, DOC_SETTINGS, NS_OFFICE, "document-settings", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (DOC_SETTINGS, SETTINGS, NS_OFFICE, "settings", GSF_XML_NO_CONTENT, NULL, NULL),
      GSF_XML_IN_NODE (SETTINGS, CONFIG_SET, NS_CONFIG, "config-item-set", GSF_XML_NO_CONTENT, config_set_start, config_set_end),
        GSF_XML_IN_NODE (CONFIG_SET, CONFIG_MAP, NS_CONFIG, "config-item-map-indexed", GSF_XML_NO_CONTENT, NULL, NULL),
          GSF_XML_IN_NODE (CONFIG_MAP, CONFIG_ENTRY, NS_CONFIG, "config-item-map-entry", GSF_XML_NO_CONTENT, NULL, NULL),
            GSF_XML_IN_NODE (CONFIG_ENTRY, CONFIG_ITEM, NS_CONFIG, "config-item", GSF_XML_CONTENT, config_item_start, config_item_end),

  /* A flat document holds all of the above in one. */
  GSF_XML_IN_NODE (START, DOC, NS_OFFICE, "document", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (DOC, SETTINGS, NS_OFFICE, "settings", GSF_XML_2ND, NULL, NULL),
    GSF_XML_IN_NODE (DOC, STYLES, NS_OFFICE, "styles", GSF_XML_2ND, NULL, NULL),
    GSF_XML_IN_NODE (DOC, AUTO_STYLES, NS_OFFICE, "automatic-styles", GSF_XML_2ND, NULL, NULL),
    GSF_XML_IN_NODE (DOC, BODY, NS_OFFICE, "body", GSF_XML_2ND, NULL, NULL),

  GSF_XML_IN_NODE (START, MANIFEST, NS_MANIFEST, "manifest", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (MANIFEST, FILE_ENTRY, NS_MANIFEST, "file-entry", GSF_XML_NO_CONTENT, file_entry_start, NULL),
      GSF_XML_IN_NODE (FILE_ENTRY, ENCRYPTION_DATA, NS_MANIFEST, "encryption-data", GSF_XML_NO_CONTENT, encryption_data_start, NULL),

  GSF_XML_IN_NODE_END
};

/* read_sheet(): columns */

static const char *
lookup_format (OdsRead    *read,
               const char *style)
{
  return style != NULL ? g_hash_table_lookup (read->book->formats, style) : NULL;
}

static void
column_start (GsfXMLIn       *xin,
              xmlChar const **attrs)
{
  OdsRead *read = xin->user_state;
  guint64 first = read->n_columns;
  guint64 repeat = parse_count (find_attribute (xin, attrs, NS_TABLE, "number-columns-repeated"));
  const char *format;

  if (!read->in_target || read->done)
    return;

  read->n_columns = add_saturated (first, repeat);
  format = lookup_format (read, find_attribute (xin, attrs, NS_TABLE, "default-cell-style-name"));
  if (format != NULL && first < KVOTA_WORKBOOK_MAX_COLUMNS)
    {
      OdsColumnFormat column = {
        (guint32) first,
        (guint32) MIN (read->n_columns, KVOTA_WORKBOOK_MAX_COLUMNS) - 1,
        format,
      };

      g_array_append_val (read->column_formats, column);
    }
}

/* Columns are declared left to right: a binary search. */
static const char *
column_format (OdsRead *read,
               guint64  column)
{
  guint low = 0, high = read->column_formats->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const OdsColumnFormat *range = &g_array_index (read->column_formats, OdsColumnFormat, middle);

      if (column < range->first)
        high = middle;
      else if (column > range->last)
        low = middle + 1;
      else
        return range->format;
    }

  return NULL;
}

/* read_sheet(): rows */

static void
fail (OdsRead    *read,
      int         code,
      const char *detail)
{
  if (read->error == NULL)
    _kvota_workbook_set_error (&read->error, code, detail);
  read->done = TRUE;
}

static void
clear_row (OdsRead *read)
{
  for (guint i = 0; i < read->runs->len; i++)
    g_free (g_array_index (read->runs, OdsRun, i).text);
  g_array_set_size (read->runs, 0);
  g_array_set_size (read->spans, 0);
  read->column = 0;
}

static void
row_start (GsfXMLIn       *xin,
           xmlChar const **attrs)
{
  OdsRead *read = xin->user_state;
  const char *style;

  if (!read->in_target || read->done)
    return;

  clear_row (read);
  read->row_repeat = parse_count (find_attribute (xin, attrs, NS_TABLE, "number-rows-repeated"));
  style = find_attribute (xin, attrs, NS_TABLE, "default-cell-style-name");
  read->row_has_format = style != NULL;
  read->row_format = lookup_format (read, style);
}

static void
add_merged (OdsRead *read,
            guint64  n_rows)
{
  GArray *merged = read->sheet->merged;

  for (guint i = 0; i < read->spans->len; i++)
    {
      const OdsSpan *span = &g_array_index (read->spans, OdsSpan, i);

      for (guint64 r = 0; r < n_rows && merged->len < ODS_MAX_MERGED; r++)
        {
          guint64 first_row = read->row + r;
          KvotaMergedRange range = {
            (guint32) first_row,
            span->first_column,
            (guint32) MIN (add_saturated (first_row, span->rows - 1), KVOTA_WORKBOOK_MAX_ROWS - 1),
            span->last_column,
          };

          g_array_append_val (merged, range);
        }
    }
}

static void
emit_row (OdsRead *read,
          guint64  n_rows)
{
  guint64 per_row = 0;

  for (guint i = 0; i < read->runs->len; i++)
    per_row += g_array_index (read->runs, OdsRun, i).count;

  if (per_row == 0 || n_rows == 0)
    return;

  /* At most 16384 × 1048576: no overflow. */
  {
    guint64 repeated = per_row * n_rows - read->runs->len;

    if (repeated > ODS_MAX_REPEATED_CELLS - read->repeated_cells)
      {
        fail (read, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "too many repeated cells");
        return;
      }
    read->repeated_cells += repeated;
  }

  for (guint64 r = 0; r < n_rows; r++)
    {
      if (r > 0 && r % 4096 == 0 && g_cancellable_is_cancelled (read->cancellable))
        {
          read->done = TRUE;
          return;
        }

      for (guint i = 0; i < read->runs->len; i++)
        {
          const OdsRun *run = &g_array_index (read->runs, OdsRun, i);

          for (guint32 c = 0; c < run->count; c++)
            {
              KvotaCell cell = {
                (guint32) (read->row + r),
                run->column + c,
                run->kind,
                run->number,
                run->text,
                run->is_date,
                run->format,
              };

              if (!read->func (&cell, read->user_data))
                {
                  read->stopped = TRUE;
                  read->done = TRUE;
                  return;
                }
            }
        }
    }
}

static void
row_end (GsfXMLIn   *xin,
         GsfXMLBlob *blob)
{
  OdsRead *read = xin->user_state;
  guint64 n_rows;

  if (!read->in_target || read->done)
    return;

  n_rows = read->row < KVOTA_WORKBOOK_MAX_ROWS ? MIN (read->row_repeat, KVOTA_WORKBOOK_MAX_ROWS - read->row) : 0;
  add_merged (read, n_rows);
  emit_row (read, n_rows);
  read->row = add_saturated (read->row, read->row_repeat);
  clear_row (read);

  if (g_cancellable_is_cancelled (read->cancellable))
    read->done = TRUE;
}

/* read_sheet(): cells */

static void
clear_cell (OdsRead *read)
{
  read->covered = FALSE;
  read->cell_repeat = 1;
  read->columns_spanned = 1;
  read->rows_spanned = 1;
  read->cell_format = NULL;
  read->cell_has_format = FALSE;
  read->value_kind = VALUE_NONE;
  read->percentage = FALSE;
  read->number = 0;
  read->number_valid = FALSE;
  read->has_formula = FALSE;
  g_clear_pointer (&read->string_value, g_free);
  g_string_truncate (read->text, 0);
  read->n_paragraphs = 0;
}

static void
ods_read_clear (OdsRead *read)
{
  if (read->runs != NULL)
    clear_row (read);
  if (read->text != NULL)
    clear_cell (read);
  g_clear_pointer (&read->column_formats, g_array_unref);
  g_clear_pointer (&read->runs, g_array_unref);
  g_clear_pointer (&read->spans, g_array_unref);
  if (read->text != NULL)
    g_string_free (g_steal_pointer (&read->text), TRUE);
  g_clear_error (&read->error);
}

static void
cell_start (GsfXMLIn       *xin,
            xmlChar const **attrs)
{
  OdsRead *read = xin->user_state;
  const char *value = NULL, *date_value = NULL, *time_value = NULL, *boolean_value = NULL;
  const char *value_type = NULL, *calc_type = NULL;

  if (!read->in_target || read->done)
    return;

  clear_cell (read);
  read->covered = xin->node->user_data.v_bool;

  for (xmlChar const **a = attrs; a != NULL && a[0] != NULL && a[1] != NULL; a += 2)
    {
      const char *name = (const char *) a[0];
      const char *text = (const char *) a[1];

      if (gsf_xml_in_namecmp (xin, name, NS_TABLE, "number-columns-repeated"))
        read->cell_repeat = parse_count (text);
      else if (gsf_xml_in_namecmp (xin, name, NS_TABLE, "number-columns-spanned"))
        read->columns_spanned = parse_count (text);
      else if (gsf_xml_in_namecmp (xin, name, NS_TABLE, "number-rows-spanned"))
        read->rows_spanned = parse_count (text);
      else if (gsf_xml_in_namecmp (xin, name, NS_TABLE, "style-name"))
        {
          read->cell_has_format = TRUE;
          read->cell_format = lookup_format (read, text);
        }
      else if (gsf_xml_in_namecmp (xin, name, NS_TABLE, "formula"))
        read->has_formula = TRUE;
      else if (gsf_xml_in_namecmp (xin, name, NS_OFFICE, "value-type"))
        value_type = text;
      else if (gsf_xml_in_namecmp (xin, name, NS_OFFICE, "value"))
        value = text;
      else if (gsf_xml_in_namecmp (xin, name, NS_OFFICE, "date-value"))
        date_value = text;
      else if (gsf_xml_in_namecmp (xin, name, NS_OFFICE, "time-value"))
        time_value = text;
      else if (gsf_xml_in_namecmp (xin, name, NS_OFFICE, "boolean-value"))
        boolean_value = text;
      else if (gsf_xml_in_namecmp (xin, name, NS_OFFICE, "string-value"))
        {
          g_free (read->string_value);
          read->string_value = g_strdup (text);
        }
      else if (gsf_xml_in_namecmp (xin, name, NS_CALCEXT, "value-type"))
        calc_type = text;
    }

  if (read->covered)
    return;

  if (g_strcmp0 (calc_type, "error") == 0)
    read->value_kind = VALUE_ERROR;
  else if (g_strcmp0 (value_type, "float") == 0 ||
           g_strcmp0 (value_type, "percentage") == 0 ||
           g_strcmp0 (value_type, "currency") == 0)
    {
      read->value_kind = VALUE_NUMBER;
      read->percentage = g_str_equal (value_type, "percentage");
      read->number_valid = parse_double (value, &read->number);
    }
  else if (g_strcmp0 (value_type, "date") == 0)
    {
      read->value_kind = VALUE_DATE;
      read->number_valid = parse_date (date_value, &read->number);
    }
  else if (g_strcmp0 (value_type, "time") == 0)
    {
      read->value_kind = VALUE_DATE;
      read->number_valid = parse_duration (time_value, &read->number);
    }
  else if (g_strcmp0 (value_type, "boolean") == 0)
    {
      gboolean truth = FALSE;

      read->value_kind = VALUE_BOOLEAN;
      read->number_valid = parse_boolean (boolean_value, &truth);
      read->number = truth ? 1 : 0;
    }
  else if (g_strcmp0 (value_type, "string") == 0)
    read->value_kind = VALUE_STRING;
}

static gboolean
is_error_code (const char *text)
{
  static const char * const codes[] = {
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (text, codes[i]))
      return TRUE;

  return FALSE;
}

static gboolean
take_text (OdsRead *read,
           OdsRun  *run,
           char    *text)
{
  gsize length = strlen (text);

  if (length == 0)
    {
      g_free (text);
      return FALSE;
    }

  if (length > ODS_MAX_CELL_BYTES || length > KVOTA_WORKBOOK_MAX_STRING_BYTES - read->string_bytes)
    {
      g_free (text);
      fail (read, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "too much text");
      return FALSE;
    }

  read->string_bytes += length;
  run->text = text;
  return TRUE;
}

/* The cell just read as a run, or FALSE if it is empty. */
static gboolean
make_run (OdsRead *read,
          guint64  column,
          OdsRun  *run)
{
  const char *format = read->cell_has_format ? read->cell_format :
                       read->row_has_format ? read->row_format : column_format (read, column);

  memset (run, 0, sizeof *run);

  switch (read->value_kind)
    {
    case VALUE_NUMBER:
    case VALUE_DATE:
      if (!read->number_valid)
        break;
      /* Excel writes an error result as 0 shown as its code. */
      if (read->value_kind == VALUE_NUMBER && read->has_formula && read->number == 0 &&
          is_error_code (read->text->str))
        {
          run->kind = KVOTA_CELL_ERROR;
          return take_text (read, run, g_strdup (read->text->str));
        }
      run->kind = KVOTA_CELL_NUMBER;
      run->number = read->number;
      run->is_date = read->value_kind == VALUE_DATE;
      run->format = format != NULL ? format : read->percentage ? "0%" : NULL;
      return TRUE;

    case VALUE_BOOLEAN:
      if (!read->number_valid)
        break;
      run->kind = KVOTA_CELL_BOOLEAN;
      run->number = read->number;
      return TRUE;

    case VALUE_ERROR:
      run->kind = KVOTA_CELL_ERROR;
      return take_text (read, run, g_strdup (read->text->len > 0 ? read->text->str : "#VALUE!"));

    case VALUE_STRING:
      run->kind = KVOTA_CELL_STRING;
      if (read->string_value != NULL)
        return take_text (read, run, g_steal_pointer (&read->string_value));
      break;

    case VALUE_NONE:
    default:
      break;
    }

  /* No value, or one that does not parse: the text shown, if any. */
  run->kind = KVOTA_CELL_STRING;
  return take_text (read, run, g_strdup (read->text->str));
}

static void
cell_end (GsfXMLIn   *xin,
          GsfXMLBlob *blob)
{
  OdsRead *read = xin->user_state;
  guint64 first = read->column;
  OdsRun run;

  if (!read->in_target || read->done)
    return;

  read->column = add_saturated (first, read->cell_repeat);
  if (first >= KVOTA_WORKBOOK_MAX_COLUMNS || read->row >= KVOTA_WORKBOOK_MAX_ROWS)
    return;

  if (read->columns_spanned > 1 || read->rows_spanned > 1)
    {
      OdsSpan span = {
        (guint32) first,
        (guint32) MIN (add_saturated (first, read->columns_spanned - 1), KVOTA_WORKBOOK_MAX_COLUMNS - 1),
        read->rows_spanned,
      };

      g_array_append_val (read->spans, span);
    }

  if (read->covered || !make_run (read, first, &run))
    return;

  run.column = (guint32) first;
  run.count = (guint32) MIN (read->cell_repeat, KVOTA_WORKBOOK_MAX_COLUMNS - first);
  g_array_append_val (read->runs, run);
}

/* read_sheet(): text */

static gboolean
text_wanted (OdsRead *read)
{
  return read->in_target && !read->done && !read->covered;
}

/* Whether the cell's text can grow by @extra bytes more than the
 * paragraph read so far; fails the read if not. */
static gboolean
text_fits (GsfXMLIn *xin,
           gsize     extra)
{
  OdsRead *read = xin->user_state;
  gsize length = read->text->len + 1 + xin->content->len;
  gsize room = MIN (ODS_MAX_CELL_BYTES, KVOTA_WORKBOOK_MAX_STRING_BYTES - read->string_bytes);

  if (length > room || extra > room - length)
    {
      fail (read, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "too much text");
      return FALSE;
    }

  return TRUE;
}

static void
paragraph_end (GsfXMLIn   *xin,
               GsfXMLBlob *blob)
{
  OdsRead *read = xin->user_state;

  if (!text_wanted (read) || !text_fits (xin, 0))
    return;

  if (read->n_paragraphs++ > 0)
    g_string_append_c (read->text, '\n');
  g_string_append_len (read->text, xin->content->str, xin->content->len);
}

/* Spans and links add no text of their own: their ends are where a
 * paragraph of a great many of them is seen to grow. */
static void
span_boundary (GsfXMLIn       *xin,
               xmlChar const **attrs)
{
  OdsRead *read = xin->user_state;

  if (text_wanted (read))
    text_fits (xin, 0);
}

static void
span_end (GsfXMLIn   *xin,
          GsfXMLBlob *blob)
{
  span_boundary (xin, NULL);
}

static void
append_repeated (GsfXMLIn       *xin,
                 xmlChar const **attrs,
                 char            c,
                 gboolean        counted)
{
  OdsRead *read = xin->user_state;
  guint64 count = counted ? parse_count (find_attribute (xin, attrs, NS_TEXT, "c")) : 1;

  count = MIN (count, ODS_MAX_SPACES);
  if (!text_wanted (read) || !text_fits (xin, count))
    return;

  for (guint64 i = 0; i < count; i++)
    g_string_append_c (xin->content, c);
}

static void
space_start (GsfXMLIn       *xin,
             xmlChar const **attrs)
{
  append_repeated (xin, attrs, ' ', TRUE);
}

static void
tab_start (GsfXMLIn       *xin,
           xmlChar const **attrs)
{
  append_repeated (xin, attrs, '\t', FALSE);
}

static void
line_break_start (GsfXMLIn       *xin,
                  xmlChar const **attrs)
{
  append_repeated (xin, attrs, '\n', FALSE);
}

/* read_sheet(): tables */

static void
table_start (GsfXMLIn       *xin,
             xmlChar const **attrs)
{
  OdsRead *read = xin->user_state;

  if (read->n_tables++ != read->target || read->done)
    return;

  read->in_target = TRUE;
  read->row = 0;
  read->n_columns = 0;
  g_array_set_size (read->column_formats, 0);
  clear_row (read);
  clear_cell (read);
}

static void
table_end (GsfXMLIn   *xin,
           GsfXMLBlob *blob)
{
  OdsRead *read = xin->user_state;

  if (!read->in_target)
    return;

  /* The rest of the document is parsed to its end, without a look:
   * stopping the parser midway makes libgsf warn of a damaged file. */
  read->in_target = FALSE;
  read->done = TRUE;
}

#define TEXT_CHILDREN(parent) \
  GSF_XML_IN_NODE (parent, TEXT_S, NS_TEXT, "s", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, TEXT_TAB, NS_TEXT, "tab", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, TEXT_BREAK, NS_TEXT, "line-break", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, TEXT_SPAN, NS_TEXT, "span", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, TEXT_A, NS_TEXT, "a", GSF_XML_2ND, NULL, NULL)

#define ROW_CHILDREN(parent) \
  GSF_XML_IN_NODE (parent, ROW, NS_TABLE, "table-row", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, ROW_GROUP, NS_TABLE, "table-row-group", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, HEADER_ROWS, NS_TABLE, "table-header-rows", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, ROWS, NS_TABLE, "table-rows", GSF_XML_2ND, NULL, NULL)

#define COLUMN_CHILDREN(parent) \
  GSF_XML_IN_NODE (parent, COLUMN, NS_TABLE, "table-column", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, COLUMN_GROUP, NS_TABLE, "table-column-group", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, HEADER_COLUMNS, NS_TABLE, "table-header-columns", GSF_XML_2ND, NULL, NULL), \
  GSF_XML_IN_NODE (parent, COLUMNS, NS_TABLE, "table-columns", GSF_XML_2ND, NULL, NULL)

/* What read_sheet() reads of content.xml or a flat document. */
static const GsfXMLInNode read_nodes[] = {
  GSF_XML_IN_NODE_FULL (START, START, -1, NULL, GSF_XML_NO_CONTENT, FALSE, TRUE, NULL, NULL, 0),
  GSF_XML_IN_NODE (START, DOC_CONTENT, NS_OFFICE, "document-content", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (DOC_CONTENT, BODY, NS_OFFICE, "body", GSF_XML_NO_CONTENT, NULL, NULL),
      GSF_XML_IN_NODE (BODY, SPREADSHEET, NS_OFFICE, "spreadsheet", GSF_XML_NO_CONTENT, NULL, NULL),
        GSF_XML_IN_NODE (SPREADSHEET, TABLE, NS_TABLE, "table", GSF_XML_NO_CONTENT, table_start, table_end),
          GSF_XML_IN_NODE (TABLE, COLUMN, NS_TABLE, "table-column", GSF_XML_NO_CONTENT, column_start, NULL),
          GSF_XML_IN_NODE (TABLE, COLUMN_GROUP, NS_TABLE, "table-column-group", GSF_XML_NO_CONTENT, NULL, NULL),
          GSF_XML_IN_NODE (TABLE, HEADER_COLUMNS, NS_TABLE, "table-header-columns", GSF_XML_NO_CONTENT, NULL, NULL),
          GSF_XML_IN_NODE (TABLE, COLUMNS, NS_TABLE, "table-columns", GSF_XML_NO_CONTENT, NULL, NULL),
          COLUMN_CHILDREN (COLUMN_GROUP),
          COLUMN_CHILDREN (HEADER_COLUMNS),
          COLUMN_CHILDREN (COLUMNS),
          GSF_XML_IN_NODE (TABLE, ROW, NS_TABLE, "table-row", GSF_XML_NO_CONTENT, row_start, row_end),
            GSF_XML_IN_NODE_FULL (ROW, CELL, NS_TABLE, "table-cell", GSF_XML_NO_CONTENT, FALSE, FALSE,
                                  cell_start, cell_end, FALSE),
              GSF_XML_IN_NODE (CELL, TEXT_P, NS_TEXT, "p", GSF_XML_CONTENT, NULL, paragraph_end),
                GSF_XML_IN_NODE (TEXT_P, TEXT_S, NS_TEXT, "s", GSF_XML_NO_CONTENT, space_start, NULL),
                GSF_XML_IN_NODE (TEXT_P, TEXT_TAB, NS_TEXT, "tab", GSF_XML_NO_CONTENT, tab_start, NULL),
                GSF_XML_IN_NODE (TEXT_P, TEXT_BREAK, NS_TEXT, "line-break", GSF_XML_NO_CONTENT, line_break_start, NULL),
                GSF_XML_IN_NODE (TEXT_P, TEXT_SPAN, NS_TEXT, "span", GSF_XML_SHARED_CONTENT, span_boundary, span_end),
                GSF_XML_IN_NODE (TEXT_P, TEXT_A, NS_TEXT, "a", GSF_XML_SHARED_CONTENT, span_boundary, span_end),
                TEXT_CHILDREN (TEXT_SPAN),
                TEXT_CHILDREN (TEXT_A),
            GSF_XML_IN_NODE_FULL (ROW, COVERED_CELL, NS_TABLE, "covered-table-cell", GSF_XML_NO_CONTENT, FALSE, FALSE,
                                  cell_start, cell_end, TRUE),
          GSF_XML_IN_NODE (TABLE, ROW_GROUP, NS_TABLE, "table-row-group", GSF_XML_NO_CONTENT, NULL, NULL),
          GSF_XML_IN_NODE (TABLE, HEADER_ROWS, NS_TABLE, "table-header-rows", GSF_XML_NO_CONTENT, NULL, NULL),
          GSF_XML_IN_NODE (TABLE, ROWS, NS_TABLE, "table-rows", GSF_XML_NO_CONTENT, NULL, NULL),
          ROW_CHILDREN (ROW_GROUP),
          ROW_CHILDREN (HEADER_ROWS),
          ROW_CHILDREN (ROWS),
  GSF_XML_IN_NODE (START, DOC, NS_OFFICE, "document", GSF_XML_NO_CONTENT, document_start, NULL),
    GSF_XML_IN_NODE (DOC, BODY, NS_OFFICE, "body", GSF_XML_2ND, NULL, NULL),
  GSF_XML_IN_NODE_END
};

/* Opening */

static GsfXMLInDoc *
new_doc (const GsfXMLInNode  *nodes,
         GsfXMLInUnknownFunc  unknown)
{
  GsfXMLInDoc *doc = gsf_xml_in_doc_new (nodes, ods_namespaces);

  gsf_xml_in_doc_set_unknown_handler (doc, unknown);
  return doc;
}

/* A part small enough to read and not compressed a second time. */
static gboolean
check_part (GsfInput  *part,
            GError   **error)
{
  guint8 head[2];

  if (gsf_input_size (part) > (gsf_off_t) KVOTA_WORKBOOK_MAX_PART_BYTES)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "part too large");
      return FALSE;
    }

  /* libgsf would inflate a gzip stream behind our back, bomb or not. */
  if (gsf_input_size (part) >= 2)
    {
      if (gsf_input_seek (part, 0, G_SEEK_SET) || gsf_input_read (part, 2, head) == NULL ||
          gsf_input_seek (part, 0, G_SEEK_SET))
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "part unreadable");
          return FALSE;
        }
      if (head[0] == 0x1f && head[1] == 0x8b)
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "compressed part");
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
is_folder (GsfInput *child)
{
  return child != NULL && GSF_IS_INFILE (child) && gsf_infile_num_children (GSF_INFILE (child)) >= 0;
}

static GsfInput *
open_member (GsfInfile  *zip,
             const char *name)
{
  GsfInput *child = gsf_infile_child_by_name (zip, name);

  /* A folder is no part. */
  if (is_folder (child))
    g_clear_object (&child);

  return child;
}

/* Reads an optional part; a damaged one only costs what it would have
 * told. */
static void
read_optional (GsfXMLInDoc *doc,
               GsfInput    *part,
               OdsOpen     *open)
{
  g_autoptr(GError) error = NULL;

  if (part == NULL)
    return;

  if (!check_part (part, &error) || !check_xml (part) || !parse_part (doc, part, open))
    g_debug ("Ignoring a damaged part of a spreadsheet: %s", gsf_input_name (part));
}

static char *
resolve_format (OdsOpen    *open,
                const char *style_name)
{
  /* Follow the parent styles, not forever. */
  for (guint depth = 0; style_name != NULL && depth < 16; depth++)
    {
      CellStyle *style = g_hash_table_lookup (open->cell_styles, style_name);

      if (style == NULL)
        return NULL;
      if (style->data_style != NULL)
        return g_strdup (g_hash_table_lookup (open->data_styles, style->data_style));
      style_name = style->parent;
    }

  return NULL;
}

static gboolean
open_package (KvotaWorkbook  *self,
              OdsBook        *book,
              GsfInput       *input,
              GsfXMLInDoc    *doc,
              OdsOpen        *open,
              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GsfInput) manifest = NULL;
  g_autoptr(GsfInput) content = NULL;
  g_autoptr(GsfInput) package = NULL;
  g_autoptr(GsfInput) styles = NULL;
  g_autoptr(GsfInput) settings = NULL;

  book->zip = gsf_infile_zip_new (input, &local_error);
  if (book->zip == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED,
                                 local_error != NULL ? local_error->message : "not a zip");
      return FALSE;
    }

  manifest = gsf_infile_child_by_vname (book->zip, "META-INF", "manifest.xml", NULL);
  if (is_folder (manifest))
    g_clear_object (&manifest);
  read_optional (doc, manifest, open);

  content = open_member (book->zip, "content.xml");
  package = open_member (book->zip, "encrypted-package");
  if (open->encrypted || (content == NULL && package != NULL))
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_ENCRYPTED, "encrypted package");
      return FALSE;
    }
  if (content == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "no content.xml");
      return FALSE;
    }

  styles = open_member (book->zip, "styles.xml");
  read_optional (doc, styles, open);

  if (!check_part (content, error))
    return FALSE;
  if (!check_xml (content) || !parse_part (doc, content, open))
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "content.xml does not parse");
      return FALSE;
    }

  settings = open_member (book->zip, "settings.xml");
  read_optional (doc, settings, open);

  return TRUE;
}

static gboolean
open_ods (KvotaWorkbook  *self,
          GsfInput       *input,
          GError        **error)
{
  OdsBook *book = g_new0 (OdsBook, 1);
  g_autoptr(GsfXMLInDoc) doc = NULL;
  g_auto(OdsOpen) open = { 0 };
  guint8 head[4];
  GHashTableIter iter;
  gpointer key;

  self->backend_data = book;
  book->formats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  open.self = self;
  open.hidden_styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  open.cell_styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cell_style_free);
  open.data_styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  doc = new_doc (open_nodes, data_style_part_cb);

  if (gsf_input_seek (input, 0, G_SEEK_SET) || gsf_input_read (input, sizeof head, head) == NULL ||
      gsf_input_seek (input, 0, G_SEEK_SET))
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "unreadable");
      return FALSE;
    }

  if (memcmp (head, "PK\003\004", 4) == 0)
    {
      if (!open_package (self, book, input, doc, &open, error))
        return FALSE;
    }
  else
    {
      /* A flat document: everything in one part. */
      if (!check_part (input, error))
        return FALSE;
      if (!check_xml (input) || !parse_part (doc, input, &open))
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "document does not parse");
          return FALSE;
        }
    }

  if (!open.is_spreadsheet)
    {
      /* A text document or a drawing, say. */
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "no office:spreadsheet");
      return FALSE;
    }

  if (open.too_many_tables)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "too many sheets");
      return FALSE;
    }

  if (open.active_table != NULL)
    {
      for (guint i = 0; i < self->sheets->len; i++)
        if (g_str_equal (((KvotaSheet *) g_ptr_array_index (self->sheets, i))->name, open.active_table))
          {
            self->active_sheet = i;
            break;
          }
    }

  g_hash_table_iter_init (&iter, open.cell_styles);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      char *format = resolve_format (&open, key);

      if (format != NULL)
        g_hash_table_insert (book->formats, g_strdup (key), format);
    }

  return TRUE;
}

static gboolean
read_sheet_ods (KvotaWorkbook  *self,
                guint           index,
                KvotaCellFunc   func,
                gpointer        user_data,
                GCancellable   *cancellable,
                GError        **error)
{
  OdsBook *book = self->backend_data;
  g_autoptr(GsfInput) part = NULL;
  g_autoptr(GsfInput) stream = NULL;
  g_autoptr(GsfXMLInDoc) doc = NULL;
  g_auto(OdsRead) read = { 0 };
  gboolean parsed;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  part = book->zip != NULL ? open_member (book->zip, "content.xml") : g_object_ref (self->input);
  if (part == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "no content.xml");
      return FALSE;
    }
  if (!check_part (part, error))
    return FALSE;

  read.book = book;
  read.sheet = g_ptr_array_index (self->sheets, index);
  read.target = index;
  read.func = func;
  read.user_data = user_data;
  read.cancellable = cancellable;
  read.column_formats = g_array_new (FALSE, FALSE, sizeof (OdsColumnFormat));
  read.runs = g_array_new (FALSE, FALSE, sizeof (OdsRun));
  read.spans = g_array_new (FALSE, FALSE, sizeof (OdsSpan));
  read.text = g_string_new (NULL);
  read.cell_repeat = 1;
  read.row_repeat = 1;

  /* open() has checked this part: what fails now is a cancelled read. */
  stream = kvota_ods_stream_new (part, cancellable);
  doc = new_doc (read_nodes, unknown_element_cb);
  parsed = parse_part (doc, stream, &read);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (read.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read.error));
      return FALSE;
    }

  if (!parsed && !read.stopped)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "content.xml does not parse");
      return FALSE;
    }

  return TRUE;
}

const KvotaWorkbookBackend _kvota_workbook_ods_backend = {
  KVOTA_WORKBOOK_FORMAT_ODS,
  open_ods,
  read_sheet_ods,
  ods_book_free,
};
