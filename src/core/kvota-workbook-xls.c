/* kvota-workbook-xls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-workbook"

#include "config.h"

#include <math.h>
#include <string.h>

#include "kvota-error.h"
#include "kvota-workbook-private.h"

/* The .xls reader: Excel 97–2003 (BIFF8) and Excel 5/95 (BIFF5) workbooks
 * inside an OLE2 compound file. libgsf opens the compound file; the BIFF
 * records are read here, from the workbook stream held in memory (it is
 * never larger than the file). open() reads the globals substream: code
 * page, date system, sheets, number formats and the shared strings.
 * read_sheet() walks one sheet's substream twice: a quick pass that checks
 * it and collects its merged ranges, then the pass that hands out cells,
 * one row at a time.
 *
 * Every length is checked against its record and every offset against the
 * stream, so a hostile file can only be refused, never read past. */

enum
{
  XLS_FORMULA       = 0x0006,
  XLS_EOF           = 0x000A,
  XLS_DATEMODE      = 0x0022,
  XLS_FILEPASS      = 0x002F,
  XLS_CONTINUE      = 0x003C,
  XLS_WINDOW1       = 0x003D,
  XLS_CODEPAGE      = 0x0042,
  XLS_BOUNDSHEET    = 0x0085,
  XLS_MULRK         = 0x00BD,
  XLS_RSTRING       = 0x00D6,
  XLS_XF            = 0x00E0,
  XLS_MERGEDCELLS   = 0x00E5,
  XLS_SST           = 0x00FC,
  XLS_LABELSST      = 0x00FD,
  XLS_NUMBER        = 0x0203,
  XLS_LABEL         = 0x0204,
  XLS_BOOLERR       = 0x0205,
  XLS_STRING        = 0x0207,
  XLS_RK            = 0x027E,
  XLS_FORMULA_BIFF4 = 0x0406,
  XLS_FORMAT        = 0x041E,
  XLS_BOF           = 0x0809,
  XLS_BOF_BIFF2     = 0x0009,
  XLS_BOF_BIFF3     = 0x0209,
  XLS_BOF_BIFF4     = 0x0409,
};

/* Substream types in BOF. */
enum
{
  XLS_DT_GLOBALS   = 0x0005,
  XLS_DT_WORKSHEET = 0x0010,
  XLS_DT_CHART     = 0x0020,
};

/* A sheet whose substream could not be found. */
#define XLS_NO_OFFSET G_MAXSIZE

/* Excel's number formats are indexed by 16 bits, and so are its XFs. */
#define XLS_MAX_XF 65536

typedef struct
{
  const char *format;   /* NULL for General */
  gboolean    is_date;
  gboolean    elapsed;  /* [h]:mm and the like: a duration, not a date */
} XlsStyle;

typedef struct
{
  guint8     *data;         /* the whole workbook stream */
  gsize       size;
  guint       biff;         /* 5 or 8 */
  gboolean    date1904;
  guint       codepage;
  GIConv      iconv;        /* code page to UTF-8 for 8-bit BIFF5 strings */
  GHashTable *formats;      /* ifmt → owned format code */
  GArray     *styles;       /* of XlsStyle, by XF index */
  GString    *sst_text;     /* the shared strings, each ending in NUL */
  GArray     *sst_offsets;  /* of guint32 into sst_text */
} XlsBook;

typedef struct
{
  gsize offset;             /* of the sheet's BOF, or XLS_NO_OFFSET */
} XlsSheetData;

/* One cell as it sits in a row buffer: strings stay where they are (in
 * the shared strings or in the stream) until the cell is handed out. */
typedef enum
{
  XLS_CELL_NUMBER,
  XLS_CELL_BOOLEAN,
  XLS_CELL_ERROR,
  XLS_CELL_SST,             /* v.index into the shared strings */
  XLS_CELL_LABEL,           /* v.offset of a LABEL or RSTRING record */
  XLS_CELL_STRING_RECORD,   /* v.offset of a formula's STRING record */
  XLS_CELL_EMPTY_STRING,
} XlsCellKind;

typedef struct
{
  guint32 row;
  guint32 seq;              /* record order: of two cells in one place, the later wins */
  guint16 column;
  guint16 xf;
  guint8  kind;
  guint8  code;             /* a boolean's value or an error's code */
  union
  {
    double  number;
    gsize   offset;
    guint32 index;
  } v;
} XlsCell;

/* A record's body and the CONTINUE records after it, read as one. */
typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         pos;
  gsize         end;
} Chain;

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         next;       /* offset of the next record's header */
  gsize         header;     /* offset of the current record's header */
  guint16       type;
  guint16       length;
  const guint8 *body;
} Records;

typedef enum
{
  RECORDS_OK,
  RECORDS_END,
  RECORDS_TRUNCATED,
} RecordsStatus;

typedef struct
{
  KvotaWorkbook *self;
  XlsBook       *book;
  KvotaCellFunc  func;
  gpointer       user_data;
  GCancellable  *cancellable;
  GArray        *cells;     /* of XlsCell: one row, or the whole sheet when out of order */
  gboolean       sorted;    /* whether cells are in order as they stand */
  guint32        seq;
  GString       *scratch;
  gboolean       stopped;
} SheetReader;

static inline guint16
get_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline double
get_double (const guint8 *p)
{
  guint64 bits = (guint64) get_u32 (p) | ((guint64) get_u32 (p + 4) << 32);
  double value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

static double
decode_rk (guint32 rk)
{
  double value;

  if (rk & 0x02)
    {
      /* A signed 30-bit integer. */
      value = (double) (((gint32) rk) >> 2);
    }
  else
    {
      guint64 bits = (guint64) (rk & 0xFFFFFFFCu) << 32;

      memcpy (&value, &bits, sizeof value);
    }

  if (rk & 0x01)
    value /= 100.0;

  return value;
}

static const char *
error_text (guint8 code)
{
  switch (code)
    {
    case 0x00: return "#NULL!";
    case 0x07: return "#DIV/0!";
    case 0x0F: return "#VALUE!";
    case 0x17: return "#REF!";
    case 0x1D: return "#NAME?";
    case 0x24: return "#NUM!";
    case 0x2A: return "#N/A";
    case 0x2B: return "#GETTING_DATA";
    default:   return "#N/A";
    }
}

static gboolean
is_bof (guint16 type)
{
  return type == XLS_BOF || type == XLS_BOF_BIFF2 || type == XLS_BOF_BIFF3 || type == XLS_BOF_BIFF4;
}

/* Records */

static void
records_init (Records      *records,
              const XlsBook *book,
              gsize         offset)
{
  records->data = book->data;
  records->size = book->size;
  records->next = offset;
  records->header = offset;
  records->type = 0;
  records->length = 0;
  records->body = NULL;
}

static RecordsStatus
records_next (Records *records)
{
  gsize at = records->next;

  if (at >= records->size)
    return RECORDS_END;
  if (records->size - at < 4)
    return RECORDS_TRUNCATED;

  records->header = at;
  records->type = get_u16 (records->data + at);
  records->length = get_u16 (records->data + at + 2);
  if (records->size - at - 4 < records->length)
    return RECORDS_TRUNCATED;

  records->body = records->data + at + 4;
  records->next = at + 4 + records->length;

  return RECORDS_OK;
}

/* Moves on to the next record of the substream that began before
 * @records, skipping embedded substreams (charts inside a sheet). Returns
 * RECORDS_END at the substream's EOF. */
static RecordsStatus
records_next_in_substream (Records *records)
{
  guint depth = 0;

  for (;;)
    {
      RecordsStatus status = records_next (records);

      if (status != RECORDS_OK)
        return RECORDS_TRUNCATED;

      if (records->type == XLS_BOF)
        {
          /* Nesting is one level deep in real files; anything deeper is
           * bounded by the stream all the same. */
          depth++;
          continue;
        }

      if (records->type == XLS_EOF)
        {
          if (depth == 0)
            return RECORDS_END;
          depth--;
          continue;
        }

      if (depth == 0)
        return RECORDS_OK;
    }
}

/* Chains: a record continued by CONTINUE records */

static void
chain_init (Chain         *chain,
            const XlsBook *book,
            gsize          header)
{
  chain->data = book->data;
  chain->size = book->size;
  chain->pos = header + 4;
  chain->end = chain->pos + get_u16 (book->data + header + 2);
}

static gboolean
chain_next (Chain *chain)
{
  gsize at = chain->end;
  guint16 length;

  if (chain->size - at < 4 || get_u16 (chain->data + at) != XLS_CONTINUE)
    return FALSE;

  length = get_u16 (chain->data + at + 2);
  if (chain->size - at - 4 < length)
    return FALSE;

  chain->pos = at + 4;
  chain->end = chain->pos + length;

  return TRUE;
}

static gboolean
chain_read (Chain  *chain,
            guint8 *out,
            gsize   n)
{
  while (n > 0)
    {
      gsize k;

      if (chain->pos >= chain->end && !chain_next (chain))
        return FALSE;

      k = MIN (n, chain->end - chain->pos);
      memcpy (out, chain->data + chain->pos, k);
      out += k;
      n -= k;
      chain->pos += k;
    }

  return TRUE;
}

static gboolean
chain_skip (Chain   *chain,
            guint64  n)
{
  while (n > 0)
    {
      gsize k;

      if (chain->pos >= chain->end && !chain_next (chain))
        return FALSE;

      k = (gsize) MIN (n, (guint64) (chain->end - chain->pos));
      n -= k;
      chain->pos += k;
    }

  return TRUE;
}

/* Text */

static inline void
append_unichar (GString  *out,
                gunichar  c)
{
  /* A NUL would end the text early: it is dropped. */
  if (c == 0)
    return;

  if (c < 0x80)
    g_string_append_c (out, (char) c);
  else
    g_string_append_unichar (out, c);
}

static void
append_latin1 (GString      *out,
               const guint8 *p,
               gsize         n)
{
  gsize start = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (p[i] >= 0x80 || p[i] == 0)
        {
          g_string_append_len (out, (const char *) p + start, (gssize) (i - start));
          append_unichar (out, p[i]);
          start = i + 1;
        }
    }
  g_string_append_len (out, (const char *) p + start, (gssize) (n - start));
}

/* @pending carries a high surrogate over to the next piece of the same
 * string, for strings split between two records. */
static void
append_utf16 (GString      *out,
              const guint8 *p,
              gsize         n_units,
              gunichar     *pending)
{
  for (gsize i = 0; i < n_units; i++)
    {
      gunichar c = get_u16 (p + 2 * i);

      if (*pending != 0)
        {
          if (c >= 0xDC00 && c <= 0xDFFF)
            {
              append_unichar (out, 0x10000 + ((*pending - 0xD800) << 10) + (c - 0xDC00));
              *pending = 0;
              continue;
            }
          append_unichar (out, 0xFFFD);
          *pending = 0;
        }

      if (c >= 0xD800 && c <= 0xDBFF)
        *pending = c;
      else if (c >= 0xDC00 && c <= 0xDFFF)
        append_unichar (out, 0xFFFD);
      else
        append_unichar (out, c);
    }
}

static void
finish_utf16 (GString  *out,
              gunichar *pending)
{
  if (*pending != 0)
    append_unichar (out, 0xFFFD);
  *pending = 0;
}

/* 8-bit text of a BIFF5 workbook, in its code page. */
static void
append_codepage (XlsBook      *book,
                 GString      *out,
                 const guint8 *p,
                 gsize         n)
{
  g_autofree char *converted = NULL;
  gsize written = 0;
  gboolean ascii = TRUE;

  for (gsize i = 0; i < n; i++)
    {
      if (p[i] >= 0x80)
        {
          ascii = FALSE;
          break;
        }
    }

  if (ascii || book->iconv == (GIConv) -1)
    {
      append_latin1 (out, p, n);
      return;
    }

  converted = g_convert_with_iconv ((const char *) p, (gssize) n, book->iconv, NULL, &written, NULL);
  /* Reset the converter's shift state whatever happened. */
  g_iconv (book->iconv, NULL, NULL, NULL, NULL);

  if (converted == NULL || !g_utf8_validate (converted, (gssize) written, NULL))
    {
      append_latin1 (out, p, n);
      return;
    }

  for (gsize i = 0; i < written; i++)
    if (converted[i] != '\0')
      g_string_append_c (out, converted[i]);
}

/* Reads @n_chars characters of a BIFF8 string from @chain. Where the
 * characters cross into a CONTINUE record, that record starts with a
 * fresh flag byte saying whether they are 8 or 16 bits wide. */
static gboolean
chain_read_chars (Chain    *chain,
                  guint32   n_chars,
                  gboolean  wide,
                  GString  *out)
{
  gunichar pending = 0;

  while (n_chars > 0)
    {
      gsize available;
      gsize n;

      if (chain->pos >= chain->end)
        {
          if (!chain_next (chain))
            {
              finish_utf16 (out, &pending);
              return FALSE;
            }
          if (chain->pos < chain->end)
            wide = (chain->data[chain->pos++] & 0x01) != 0;
          continue;
        }

      available = chain->end - chain->pos;
      n = MIN ((gsize) n_chars, wide ? available / 2 : available);
      if (n == 0)
        {
          /* Half a 16-bit character: no writer splits one. */
          chain->pos = chain->end;
          continue;
        }

      if (wide)
        append_utf16 (out, chain->data + chain->pos, n, &pending);
      else
        append_latin1 (out, chain->data + chain->pos, n);

      chain->pos += wide ? 2 * n : n;
      n_chars -= (guint32) n;
    }

  finish_utf16 (out, &pending);
  return TRUE;
}

/* A BIFF8 string whose header has a 16-bit (or, for @short_length, 8-bit)
 * character count, then flags, then optional run and phonetic counts. The
 * runs and the phonetic block after the text are skipped. */
static gboolean
chain_read_string (Chain    *chain,
                   gboolean  short_length,
                   GString  *out)
{
  guint8 head[4];
  guint32 n_chars;
  guint8 flags;
  guint32 runs = 0;
  guint32 ext = 0;

  if (short_length)
    {
      if (!chain_read (chain, head, 2))
        return FALSE;
      n_chars = head[0];
      flags = head[1];
    }
  else
    {
      if (!chain_read (chain, head, 3))
        return FALSE;
      n_chars = get_u16 (head);
      flags = head[2];
    }

  if (flags & 0x08)
    {
      if (!chain_read (chain, head, 2))
        return FALSE;
      runs = get_u16 (head);
    }
  if (flags & 0x04)
    {
      if (!chain_read (chain, head, 4))
        return FALSE;
      ext = get_u32 (head);
    }

  if (!chain_read_chars (chain, n_chars, (flags & 0x01) != 0, out))
    return FALSE;

  return chain_skip (chain, (guint64) runs * 4 + ext);
}

/* The string @skip bytes into a record (LABEL, RSTRING, STRING, FORMAT):
 * BIFF8 with its flags, perhaps continued; or BIFF5 bytes in the code
 * page, cut at the record's end. */
static void
read_record_string (XlsBook      *book,
                    const Records *records,
                    gsize         skip,
                    GString      *out)
{
  gsize length = records->length;

  if (skip >= length)
    return;

  if (book->biff >= 8)
    {
      Chain chain;

      chain.data = book->data;
      chain.size = book->size;
      chain.pos = records->header + 4 + skip;
      chain.end = records->header + 4 + length;
      chain_read_string (&chain, FALSE, out);
    }
  else
    {
      const guint8 *p = records->body + skip;
      gsize n;

      if (length - skip < 2)
        return;
      n = MIN ((gsize) get_u16 (p), length - skip - 2);
      append_codepage (book, out, p + 2, n);
    }
}

/* The workbook */

static void
xls_book_free (gpointer data)
{
  XlsBook *book = data;

  g_free (book->data);
  if (book->iconv != (GIConv) -1)
    g_iconv_close (book->iconv);
  g_clear_pointer (&book->formats, g_hash_table_unref);
  g_clear_pointer (&book->styles, g_array_unref);
  if (book->sst_text != NULL)
    g_string_free (book->sst_text, TRUE);
  g_clear_pointer (&book->sst_offsets, g_array_unref);
  g_free (book);
}

static const char *
codepage_charset (guint  codepage,
                  char  *buffer,
                  gsize  size)
{
  switch (codepage)
    {
    case 367:
    case 1200:
    case 32769:
      return "CP1252";
    case 10000:
    case 32768:
      return "MACINTOSH";
    case 10006:
      return "MACGREEK";
    case 10007:
      return "MACCYRILLIC";
    case 10029:
      return "MACCENTRALEUROPE";
    case 10079:
      return "MACICELAND";
    case 10081:
      return "MACTURKISH";
    default:
      g_snprintf (buffer, size, "CP%u", codepage);
      return buffer;
    }
}

static void
open_codepage (XlsBook *book)
{
  char buffer[16];
  const char *charset = codepage_charset (book->codepage, buffer, sizeof buffer);

  book->iconv = g_iconv_open ("UTF-8", charset);
  if (book->iconv == (GIConv) -1)
    {
      g_debug ("No converter for code page %u", book->codepage);
      book->iconv = g_iconv_open ("UTF-8", "CP1252");
    }
}

static char *
read_sheet_name (XlsBook       *book,
                 const Records *records)
{
  GString *name = g_string_new (NULL);

  if (book->biff >= 8)
    {
      Chain chain;

      chain.data = book->data;
      chain.size = book->size;
      chain.pos = records->header + 4 + 6;
      chain.end = records->header + 4 + records->length;
      chain_read_string (&chain, TRUE, name);
    }
  else if (records->length > 6)
    {
      gsize n = MIN ((gsize) records->body[6], (gsize) records->length - 7);

      append_codepage (book, name, records->body + 7, n);
    }

  return g_string_free (name, FALSE);
}

static void
read_format (XlsBook       *book,
             const Records *records)
{
  GString *code = g_string_new (NULL);
  guint16 ifmt;

  if (records->length < 3)
    {
      g_string_free (code, TRUE);
      return;
    }

  ifmt = get_u16 (records->body);
  if (book->biff >= 8)
    {
      read_record_string (book, records, 2, code);
    }
  else
    {
      gsize n = MIN ((gsize) records->body[2], (gsize) records->length - 3);

      append_codepage (book, code, records->body + 3, n);
    }

  g_hash_table_insert (book->formats, GUINT_TO_POINTER (ifmt), g_string_free (code, FALSE));
}

static gboolean
read_sst (XlsBook  *book,
          gsize     header,
          GError  **error)
{
  Chain chain;
  guint8 head[8];

  chain_init (&chain, book, header);

  /* The counts are not trusted (writers get them wrong): the strings are
   * read until the record and its CONTINUE records run out. */
  if (!chain_read (&chain, head, 8))
    return TRUE;

  for (;;)
    {
      guint32 offset = (guint32) book->sst_text->len;
      gboolean complete;

      if (chain.pos >= chain.end && !chain_next (&chain))
        break;

      complete = chain_read_string (&chain, FALSE, book->sst_text);
      g_string_append_c (book->sst_text, '\0');
      g_array_append_val (book->sst_offsets, offset);

      if (book->sst_text->len > KVOTA_WORKBOOK_MAX_STRING_BYTES)
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE,
                                     "shared strings too large");
          return FALSE;
        }

      if (!complete)
        break;
    }

  return TRUE;
}

/* What the shared date test leaves out: whether @format shows elapsed
 * time ([h], [m], [s]: a duration, which a 1904 workbook leaves as it
 * is), and whether it shows only a morning/afternoon marker ("A/P"), which
 * makes it a time all the same. */
static void
scan_format (const char *format,
             gboolean   *elapsed,
             gboolean   *am_pm)
{
  *elapsed = FALSE;
  *am_pm = FALSE;

  if (format == NULL)
    return;

  for (const char *p = format; *p != '\0'; p++)
    {
      if (*p == '"')
        {
          while (p[1] != '\0' && p[1] != '"')
            p++;
          if (p[1] != '\0')
            p++;
        }
      else if ((*p == '\\' || *p == '_' || *p == '*') && p[1] != '\0')
        p++;
      else if (*p == '[')
        {
          if (p[1] != '\0' && strchr ("hHmMsS", p[1]) != NULL)
            *elapsed = TRUE;
          while (p[1] != '\0' && p[1] != ']')
            p++;
        }
      else if (*p == ';')
        return;
      else if (g_ascii_strncasecmp (p, "A/P", 3) == 0 || g_ascii_strncasecmp (p, "AM/PM", 5) == 0)
        *am_pm = TRUE;
    }
}

static void
resolve_styles (XlsBook *book,
                GArray  *xf_formats)
{
  g_array_set_size (book->styles, xf_formats->len);

  for (guint i = 0; i < xf_formats->len; i++)
    {
      guint16 ifmt = g_array_index (xf_formats, guint16, i);
      XlsStyle *style = &g_array_index (book->styles, XlsStyle, i);
      gboolean elapsed, am_pm;
      const char *format = g_hash_table_lookup (book->formats, GUINT_TO_POINTER (ifmt));

      if (format == NULL)
        format = _kvota_workbook_builtin_format (ifmt);
      if (format != NULL && (format[0] == '\0' || g_ascii_strcasecmp (format, "General") == 0))
        format = NULL;

      style->format = format;
      scan_format (format, &elapsed, &am_pm);
      style->is_date = _kvota_workbook_format_is_date (format) || am_pm;
      style->elapsed = style->is_date && elapsed;
    }
}

/* Whether @offset holds the BOF of a sheet's substream. */
static gboolean
is_sheet_bof (const XlsBook *book,
              gsize          offset)
{
  if (offset >= book->size || book->size - offset < 8)
    return FALSE;
  if (get_u16 (book->data + offset) != XLS_BOF || get_u16 (book->data + offset + 2) < 4)
    return FALSE;

  return get_u16 (book->data + offset + 6) != XLS_DT_GLOBALS;
}

/* The BOFs of the substreams after the globals, in order: where a sheet's
 * recorded offset is wrong, its substream is the one in its place. */
static GArray *
find_substreams (const XlsBook *book,
                 gsize          start)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  Records records;

  records_init (&records, book, start);
  while (records_next (&records) == RECORDS_OK)
    {
      if (records.type == XLS_BOF && is_sheet_bof (book, records.header))
        {
          g_array_append_val (offsets, records.header);
          /* Skip to the end of this substream, over embedded ones. */
          if (records_next_in_substream (&records) != RECORDS_END)
            break;
        }
    }

  return offsets;
}

static gboolean
read_globals (KvotaWorkbook  *self,
              XlsBook        *book,
              GError        **error)
{
  g_autoptr(GArray) xf_formats = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr(GArray) sheet_records = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) format_records = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) substreams = NULL;
  Records records;
  gsize sst_header = XLS_NO_OFFSET;
  gsize globals_end;
  guint active_tab = 0;
  guint active_sheet = 0;
  gboolean seen_window = FALSE;
  guint16 version;
  guint16 kind;

  records_init (&records, book, 0);
  if (records_next (&records) != RECORDS_OK || !is_bof (records.type) || records.length < 4)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "workbook stream has no BOF");
      return FALSE;
    }

  if (records.type != XLS_BOF)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "BIFF2-4 workbook stream");
      return FALSE;
    }

  version = get_u16 (records.body);
  kind = get_u16 (records.body + 2);
  if (version == 0x0600)
    book->biff = 8;
  else if (version == 0x0500)
    book->biff = 5;
  else
    book->biff = records.length >= 16 ? 8 : 5;
  book->codepage = book->biff >= 8 ? 1200 : 1252;

  if (kind == XLS_DT_WORKSHEET)
    {
      /* A lone worksheet with no globals: one sheet, the stream itself. */
      XlsSheetData *data = g_new0 (XlsSheetData, 1);

      data->offset = 0;
      _kvota_workbook_add_sheet (self, "Sheet1", FALSE)->backend_data = data;
      open_codepage (book);
      return TRUE;
    }

  if (kind != XLS_DT_GLOBALS)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED,
                                 "stream starts with no globals");
      return FALSE;
    }

  for (;;)
    {
      RecordsStatus status = records_next (&records);

      if (status == RECORDS_END)
        break;
      if (status == RECORDS_TRUNCATED)
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "globals truncated");
          return FALSE;
        }

      if (records.type == XLS_EOF)
        break;
      if (records.type == XLS_BOF)
        {
          /* The globals' EOF is missing: the first sheet starts here. */
          records.next = records.header;
          break;
        }

      switch (records.type)
        {
        case XLS_FILEPASS:
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_ENCRYPTED, "FILEPASS");
          return FALSE;

        case XLS_CODEPAGE:
          if (records.length >= 2)
            book->codepage = get_u16 (records.body);
          break;

        case XLS_DATEMODE:
          if (records.length >= 2)
            book->date1904 = get_u16 (records.body) == 1;
          break;

        case XLS_WINDOW1:
          if (!seen_window && records.length >= 12)
            {
              active_tab = get_u16 (records.body + 10);
              seen_window = TRUE;
            }
          break;

        case XLS_BOUNDSHEET:
          if (records.length >= 6)
            {
              if (sheet_records->len >= KVOTA_WORKBOOK_MAX_SHEETS)
                {
                  _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE,
                                             "too many sheets");
                  return FALSE;
                }
              g_array_append_val (sheet_records, records.header);
            }
          break;

        case XLS_FORMAT:
          if (format_records->len < XLS_MAX_XF)
            g_array_append_val (format_records, records.header);
          break;

        case XLS_XF:
          if (records.length >= 4 && xf_formats->len < XLS_MAX_XF)
            {
              guint16 ifmt = get_u16 (records.body + 2);

              g_array_append_val (xf_formats, ifmt);
            }
          break;

        case XLS_SST:
          if (book->biff >= 8 && sst_header == XLS_NO_OFFSET)
            sst_header = records.header;
          break;

        default:
          break;
        }
    }
  globals_end = records.next;

  /* Names and format codes are read once the code page is known. */
  open_codepage (book);

  for (guint i = 0; i < format_records->len; i++)
    {
      Records format;

      records_init (&format, book, g_array_index (format_records, gsize, i));
      records_next (&format);
      read_format (book, &format);
    }
  resolve_styles (book, xf_formats);

  if (sst_header != XLS_NO_OFFSET && !read_sst (book, sst_header, error))
    return FALSE;

  for (guint i = 0; i < sheet_records->len; i++)
    {
      g_autofree char *name = NULL;
      XlsSheetData *data;
      KvotaSheet *sheet;
      Records sheet_record;
      gsize offset;
      guint8 type;

      records_init (&sheet_record, book, g_array_index (sheet_records, gsize, i));
      records_next (&sheet_record);

      offset = get_u32 (sheet_record.body);
      type = sheet_record.body[5];

      /* Visual Basic modules are not sheets: they hold code. */
      if (type == 0x06)
        continue;

      /* A sheet must start after the globals: an offset back into them
       * would read the globals again, or loop. */
      if (offset < globals_end || !is_sheet_bof (book, offset))
        {
          guint n = self->sheets->len;

          if (substreams == NULL)
            substreams = find_substreams (book, globals_end);
          offset = n < substreams->len ? g_array_index (substreams, gsize, n) : XLS_NO_OFFSET;
          g_debug ("Sheet %u has a wrong offset; using %" G_GSIZE_FORMAT, i, offset);
        }

      name = read_sheet_name (book, &sheet_record);
      data = g_new0 (XlsSheetData, 1);
      data->offset = offset;
      if (i == active_tab)
        active_sheet = self->sheets->len;
      sheet = _kvota_workbook_add_sheet (self, name, (sheet_record.body[4] & 0x03) != 0);
      sheet->backend_data = data;
    }

  self->active_sheet = active_sheet;
  self->date1904 = book->date1904;

  return TRUE;
}

static gboolean
is_workbook_name (const char *name)
{
  return g_ascii_strcasecmp (name, "Workbook") == 0 || g_ascii_strcasecmp (name, "Book") == 0;
}

/* Whether the compound file's first directory sector names a workbook
 * stream that libgsf left out: it drops the entries of a truncated file
 * whose streams run past its end. */
static gboolean
directory_names_workbook (GsfInput *input)
{
  guint8 header[512];
  g_autofree guint8 *sector = NULL;
  gsf_off_t size = gsf_input_size (input);
  guint shift;
  guint32 first;
  gsf_off_t offset;
  gsize sector_size;

  if (size < 512 || gsf_input_seek (input, 0, G_SEEK_SET) || gsf_input_read (input, 512, header) == NULL)
    return FALSE;

  shift = get_u16 (header + 30);
  first = get_u32 (header + 48);
  if (shift != 9 && shift != 12)
    return FALSE;
  sector_size = (gsize) 1 << shift;
  offset = ((gsf_off_t) first + 1) << shift;
  if (first >= 0xFFFFFFFAu || offset > size - (gsf_off_t) sector_size)
    return FALSE;

  sector = g_malloc (sector_size);
  if (gsf_input_seek (input, offset, G_SEEK_SET) || gsf_input_read (input, sector_size, sector) == NULL)
    return FALSE;

  for (gsize at = 0; at + 128 <= sector_size; at += 128)
    {
      const guint8 *entry = sector + at;
      guint length = get_u16 (entry + 64);
      char name[32];
      guint n = 0;

      /* A stream (type 2) whose UTF-16 name is ASCII. */
      if (entry[66] != 2 || length < 2 || length > 64)
        continue;
      for (guint i = 0; i + 1 < length / 2 && n + 1 < sizeof name; i++)
        {
          guint16 c = get_u16 (entry + 2 * i);

          if (c == 0 || c >= 0x80)
            break;
          name[n++] = (char) c;
        }
      name[n] = '\0';

      if (is_workbook_name (name))
        return TRUE;
    }

  return FALSE;
}

static gboolean
find_workbook_stream (GsfInput   *input,
                      GsfInfile  *infile,
                      GsfInput  **stream,
                      GError    **error)
{
  int n_children = gsf_infile_num_children (infile);
  int found = -1;

  for (int i = 0; i < n_children; i++)
    {
      const char *name = gsf_infile_name_by_index (infile, i);

      if (name == NULL)
        continue;

      /* An encrypted OOXML package inside a compound file. */
      if (g_ascii_strcasecmp (name, "EncryptedPackage") == 0 ||
          g_ascii_strcasecmp (name, "EncryptionInfo") == 0)
        {
          _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_ENCRYPTED, "EncryptedPackage");
          return FALSE;
        }

      /* "Workbook" (BIFF8) wins over "Book" (BIFF5) when a file has both,
       * as in Excel. Names compare without regard to case, as in OLE2. */
      if (is_workbook_name (name) &&
          (found < 0 || g_ascii_strcasecmp (name, "Workbook") == 0))
        found = i;
    }

  if (found < 0)
    {
      if (directory_names_workbook (input))
        _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED,
                                   "workbook stream past the end");
      else
        _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_UNSUPPORTED, "no workbook stream");
      return FALSE;
    }

  if ((*stream = gsf_infile_child_by_index (infile, found)) == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "unreadable workbook stream");
      return FALSE;
    }

  return TRUE;
}

static gboolean
open_xls (KvotaWorkbook  *self,
          GsfInput       *input,
          GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GsfInfile) infile = NULL;
  g_autoptr(GsfInput) stream = NULL;
  XlsBook *book;
  gsf_off_t size;

  if ((infile = gsf_infile_msole_new (input, &local_error)) == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED,
                                 local_error != NULL ? local_error->message : "bad OLE2 file");
      return FALSE;
    }

  if (!find_workbook_stream (input, infile, &stream, error))
    return FALSE;

  size = gsf_input_size (stream);
  /* A stream cannot hold more than the file it is in. */
  if (size < 4 || size > gsf_input_size (input))
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "workbook stream size");
      return FALSE;
    }
  if ((guint64) size > KVOTA_WORKBOOK_MAX_PART_BYTES)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "workbook stream too large");
      return FALSE;
    }

  book = g_new0 (XlsBook, 1);
  book->iconv = (GIConv) -1;
  book->formats = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  book->styles = g_array_new (FALSE, TRUE, sizeof (XlsStyle));
  book->sst_text = g_string_new (NULL);
  book->sst_offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  book->size = (gsize) size;
  book->data = g_try_malloc (book->size);
  self->backend_data = book;

  if (book->data == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE, "out of memory");
      return FALSE;
    }

  if (gsf_input_read (stream, book->size, book->data) == NULL)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "workbook stream unreadable");
      return FALSE;
    }

  return read_globals (self, book, error);
}

/* Sheets */

static int
compare_cells (gconstpointer a,
               gconstpointer b)
{
  const XlsCell *x = a;
  const XlsCell *y = b;

  if (x->row != y->row)
    return x->row < y->row ? -1 : 1;
  if (x->column != y->column)
    return x->column < y->column ? -1 : 1;
  if (x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  return 0;
}

static gboolean
emit_cell (SheetReader   *reader,
           const XlsCell *xc)
{
  XlsBook *book = reader->book;
  KvotaCell cell = { 0 };
  Records records;

  cell.row = xc->row;
  cell.column = xc->column;
  if (xc->xf < book->styles->len)
    cell.format = g_array_index (book->styles, XlsStyle, xc->xf).format;

  switch ((XlsCellKind) xc->kind)
    {
    case XLS_CELL_NUMBER:
      cell.kind = KVOTA_CELL_NUMBER;
      cell.number = xc->v.number;
      if (!isfinite (cell.number))
        {
          cell.kind = KVOTA_CELL_ERROR;
          cell.number = 0;
          cell.text = "#NUM!";
        }
      else if (xc->xf < book->styles->len && g_array_index (book->styles, XlsStyle, xc->xf).is_date)
        {
          cell.is_date = TRUE;
          /* Serials count real days from 1899-12-30: a 1904 serial is
           * shifted, and a 1900 serial before March 1900 gets back the
           * day Excel counts for a 29 February 1900 that never was. */
          if (g_array_index (book->styles, XlsStyle, xc->xf).elapsed)
            {
              /* a duration: no calendar to correct */
            }
          else if (book->date1904)
            cell.number = kvota_workbook_date_from_1904 (cell.number);
          else if (cell.number >= 1 && cell.number < 60)
            cell.number += 1;
        }
      break;

    case XLS_CELL_BOOLEAN:
      cell.kind = KVOTA_CELL_BOOLEAN;
      cell.number = xc->code != 0 ? 1 : 0;
      break;

    case XLS_CELL_ERROR:
      cell.kind = KVOTA_CELL_ERROR;
      cell.text = error_text (xc->code);
      break;

    case XLS_CELL_SST:
      cell.kind = KVOTA_CELL_STRING;
      cell.text = book->sst_text->str + g_array_index (book->sst_offsets, guint32, xc->v.index);
      break;

    case XLS_CELL_LABEL:
    case XLS_CELL_STRING_RECORD:
      cell.kind = KVOTA_CELL_STRING;
      g_string_truncate (reader->scratch, 0);
      records_init (&records, book, xc->v.offset);
      if (records_next (&records) == RECORDS_OK)
        read_record_string (book, &records, xc->kind == XLS_CELL_LABEL ? 6 : 0, reader->scratch);
      cell.text = reader->scratch->str;
      break;

    case XLS_CELL_EMPTY_STRING:
    default:
      cell.kind = KVOTA_CELL_STRING;
      cell.text = "";
      break;
    }

  return reader->func (&cell, reader->user_data);
}

/* Hands out the cells gathered so far, in order; of two cells in one
 * place, the later record wins, as in Excel. */
static gboolean
flush_cells (SheetReader  *reader,
             GError      **error)
{
  GArray *cells = reader->cells;

  if (cells->len == 0 || reader->stopped)
    return TRUE;

  if (!reader->sorted)
    g_array_sort (cells, compare_cells);

  for (guint i = 0; i < cells->len; i++)
    {
      const XlsCell *xc = &g_array_index (cells, XlsCell, i);

      if (i + 1 < cells->len)
        {
          const XlsCell *after = xc + 1;

          if (after->row == xc->row && after->column == xc->column)
            continue;
          if (after->row != xc->row && g_cancellable_set_error_if_cancelled (reader->cancellable, error))
            return FALSE;
        }

      if (!emit_cell (reader, xc))
        {
          reader->stopped = TRUE;
          break;
        }
    }

  g_array_set_size (cells, 0);
  reader->sorted = TRUE;

  return TRUE;
}

static gboolean
add_cell (SheetReader  *reader,
          XlsCell      *xc,
          gboolean      by_row,
          GError      **error)
{
  GArray *cells = reader->cells;

  xc->seq = reader->seq++;

  if (cells->len > 0)
    {
      const XlsCell *last = &g_array_index (cells, XlsCell, cells->len - 1);

      if (by_row && xc->row != last->row)
        {
          if (!flush_cells (reader, error))
            return FALSE;
          if (g_cancellable_set_error_if_cancelled (reader->cancellable, error))
            return FALSE;
        }
      else if (compare_cells (last, xc) > 0 || (last->row == xc->row && last->column == xc->column))
        {
          reader->sorted = FALSE;
        }
    }

  g_array_append_val (cells, *xc);
  return TRUE;
}

static gboolean
is_cell_record (guint16 type)
{
  switch (type)
    {
    case XLS_LABELSST:
    case XLS_LABEL:
    case XLS_RSTRING:
    case XLS_NUMBER:
    case XLS_RK:
    case XLS_MULRK:
    case XLS_BOOLERR:
    case XLS_FORMULA:
    case XLS_FORMULA_BIFF4:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The first pass: checks that the substream is whole and within limits,
 * collects the merged ranges, and finds out whether the cells come row by
 * row (they do, but for odd writers). */
static gboolean
check_sheet (XlsBook     *book,
             KvotaSheet  *sheet,
             gsize        offset,
             gboolean    *in_row_order,
             GError     **error)
{
  Records records;
  guint32 last_row = 0;
  RecordsStatus status;

  *in_row_order = TRUE;
  records_init (&records, book, offset);
  records_next (&records);

  while ((status = records_next_in_substream (&records)) == RECORDS_OK)
    {
      if (is_cell_record (records.type) && records.length >= 4)
        {
          guint32 row = get_u16 (records.body);
          guint32 column = get_u16 (records.body + 2);

          if (records.type == XLS_MULRK && records.length >= 12)
            column += (records.length - 6) / 6 - 1;

          if (column >= KVOTA_WORKBOOK_MAX_COLUMNS)
            {
              _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_TOO_LARGE,
                                         "column out of range");
              return FALSE;
            }
          if (row < last_row)
            *in_row_order = FALSE;
          last_row = row;
        }
      else if (records.type == XLS_MERGEDCELLS && records.length >= 2)
        {
          guint n = MIN ((guint) get_u16 (records.body), (guint) (records.length - 2) / 8);

          for (guint i = 0; i < n; i++)
            {
              const guint8 *p = records.body + 2 + 8 * i;
              KvotaMergedRange range = {
                get_u16 (p), get_u16 (p + 4), get_u16 (p + 2), get_u16 (p + 6),
              };

              if (range.first_row <= range.last_row && range.first_column <= range.last_column &&
                  range.last_column < KVOTA_WORKBOOK_MAX_COLUMNS)
                g_array_append_val (sheet->merged, range);
            }
        }
    }

  if (status == RECORDS_TRUNCATED)
    {
      g_array_set_size (sheet->merged, 0);
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "sheet truncated");
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_cells (SheetReader  *reader,
            gsize         offset,
            gboolean      by_row,
            GError      **error)
{
  XlsBook *book = reader->book;
  Records records;
  XlsCell pending = { 0 };
  gboolean have_pending = FALSE;

  records_init (&records, book, offset);
  records_next (&records);

  while (!reader->stopped && records_next_in_substream (&records) == RECORDS_OK)
    {
      const guint8 *body = records.body;
      guint length = records.length;
      XlsCell xc = { 0 };

      if (records.type == XLS_STRING)
        {
          if (have_pending)
            {
              pending.v.offset = records.header;
              if (!add_cell (reader, &pending, by_row, error))
                return FALSE;
              have_pending = FALSE;
            }
          continue;
        }

      if (!is_cell_record (records.type) || length < 6)
        continue;

      /* A formula's string comes right after it, or not at all. */
      have_pending = FALSE;

      xc.row = get_u16 (body);
      xc.column = get_u16 (body + 2);
      xc.xf = get_u16 (body + 4);

      switch (records.type)
        {
        case XLS_LABELSST:
          if (length < 10)
            continue;
          xc.v.index = get_u32 (body + 6);
          if (xc.v.index >= book->sst_offsets->len)
            continue;
          xc.kind = XLS_CELL_SST;
          break;

        case XLS_LABEL:
        case XLS_RSTRING:
          if (length < 8)
            continue;
          xc.kind = XLS_CELL_LABEL;
          xc.v.offset = records.header;
          break;

        case XLS_NUMBER:
          if (length < 14)
            continue;
          xc.kind = XLS_CELL_NUMBER;
          xc.v.number = get_double (body + 6);
          break;

        case XLS_RK:
          if (length < 10)
            continue;
          xc.kind = XLS_CELL_NUMBER;
          xc.v.number = decode_rk (get_u32 (body + 6));
          break;

        case XLS_MULRK:
          {
            guint n = (length - 6) / 6;
            guint16 first = xc.column;

            for (guint i = 0; i < n; i++)
              {
                const guint8 *p = body + 4 + 6 * i;

                xc.column = (guint16) (first + i);
                xc.xf = get_u16 (p);
                xc.kind = XLS_CELL_NUMBER;
                xc.v.number = decode_rk (get_u32 (p + 2));
                if (!add_cell (reader, &xc, by_row, error))
                  return FALSE;
              }
          }
          continue;

        case XLS_BOOLERR:
          if (length < 8)
            continue;
          xc.kind = body[7] != 0 ? XLS_CELL_ERROR : XLS_CELL_BOOLEAN;
          xc.code = body[6];
          break;

        case XLS_FORMULA:
        case XLS_FORMULA_BIFF4:
          if (length < 14)
            continue;
          if (get_u16 (body + 12) != 0xFFFF)
            {
              xc.kind = XLS_CELL_NUMBER;
              xc.v.number = get_double (body + 6);
              break;
            }
          switch (body[6])
            {
            case 0:
              pending = xc;
              pending.kind = XLS_CELL_STRING_RECORD;
              have_pending = TRUE;
              continue;
            case 1:
              xc.kind = XLS_CELL_BOOLEAN;
              xc.code = body[8];
              break;
            case 2:
              xc.kind = XLS_CELL_ERROR;
              xc.code = body[8];
              break;
            case 3:
              xc.kind = XLS_CELL_EMPTY_STRING;
              break;
            default:
              continue;
            }
          break;

        default:
          continue;
        }

      if (!add_cell (reader, &xc, by_row, error))
        return FALSE;
    }

  return flush_cells (reader, error);
}

static gboolean
read_sheet_xls (KvotaWorkbook  *self,
                guint           index,
                KvotaCellFunc   func,
                gpointer        user_data,
                GCancellable   *cancellable,
                GError        **error)
{
  XlsBook *book = self->backend_data;
  KvotaSheet *sheet = g_ptr_array_index (self->sheets, index);
  const XlsSheetData *data = sheet->backend_data;
  g_autoptr(GArray) cells = NULL;
  g_autoptr(GString) scratch = NULL;
  SheetReader reader = { 0 };
  gboolean in_row_order;

  if (data == NULL || data->offset == XLS_NO_OFFSET)
    {
      _kvota_workbook_set_error (error, KVOTA_ERROR_SPREADSHEET_DAMAGED, "sheet substream missing");
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!check_sheet (book, sheet, data->offset, &in_row_order, error))
    return FALSE;

  /* A chart sheet has no cells: its number records are the chart's own
   * copy of the data it plots. */
  if (get_u16 (book->data + data->offset + 6) == XLS_DT_CHART)
    return TRUE;

  cells = g_array_sized_new (FALSE, FALSE, sizeof (XlsCell), 64);
  scratch = g_string_sized_new (256);

  reader.self = self;
  reader.book = book;
  reader.func = func;
  reader.user_data = user_data;
  reader.cancellable = cancellable;
  reader.cells = cells;
  reader.sorted = TRUE;
  reader.scratch = scratch;

  /* Cells out of row order (a writer's quirk) are all gathered and sorted:
   * they hold offsets into the stream, not copies of their text. */
  if (!in_row_order)
    g_debug ("Sheet %u has its cells out of row order: sorting them all", index);

  return read_cells (&reader, data->offset, in_row_order, error);
}

const KvotaWorkbookBackend _kvota_workbook_xls_backend = {
  KVOTA_WORKBOOK_FORMAT_XLS,
  open_xls,
  read_sheet_xls,
  xls_book_free,
};
