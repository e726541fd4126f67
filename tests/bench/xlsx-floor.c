/* xlsx-floor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The floor for reading a sheet of an .xlsx file: find the part in the
 * zip's central directory, inflate it with zlib, and push it through
 * libxml2's SAX parser counting cells and values. No shared strings, no
 * styles, no types: what any reader must at least do. Used by
 * nap-dump.py as the reference nothing can beat.
 *
 *   xlsx-floor FILE [PART]     (PART defaults to xl/worksheets/sheet1.xml)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <zlib.h>

typedef struct
{
  unsigned long cells;
  unsigned long values;
} Counts;

static void
start_element (void           *data,
               const xmlChar  *name,
               const xmlChar **attributes)
{
  Counts *counts = data;

  if (strcmp ((const char *) name, "c") == 0)
    counts->cells++;
  else if (strcmp ((const char *) name, "v") == 0)
    counts->values++;
}

static unsigned
le16 (const unsigned char *p)
{
  return p[0] | (p[1] << 8);
}

static unsigned long
le32 (const unsigned char *p)
{
  return (unsigned long) p[0] | ((unsigned long) p[1] << 8) |
         ((unsigned long) p[2] << 16) | ((unsigned long) p[3] << 24);
}

int
main (int   argc,
      char *argv[])
{
  const char *part = argc > 2 ? argv[2] : "xl/worksheets/sheet1.xml";
  xmlSAXHandler sax = { 0, };
  Counts counts = { 0, 0 };
  unsigned char *zip;
  long size;
  FILE *file;

  if (argc < 2 || (file = fopen (argv[1], "rb")) == NULL)
    {
      fprintf (stderr, "usage: xlsx-floor FILE [PART]\n");
      return 2;
    }

  fseek (file, 0, SEEK_END);
  size = ftell (file);
  fseek (file, 0, SEEK_SET);
  zip = malloc ((size_t) size);
  if (zip == NULL || fread (zip, 1, (size_t) size, file) != (size_t) size)
    return 1;
  fclose (file);

  for (long eocd = size - 22; eocd >= 0; eocd--)
    {
      unsigned long directory, entries;

      if (le32 (zip + eocd) != 0x06054b50)
        continue;

      entries = le16 (zip + eocd + 10);
      directory = le32 (zip + eocd + 16);
      for (unsigned long i = 0, at = directory; i < entries; i++)
        {
          const unsigned char *entry = zip + at;
          unsigned name_length = le16 (entry + 28);
          unsigned long offset = le32 (entry + 42);
          unsigned long compressed = le32 (entry + 20);

          if (name_length == strlen (part) && memcmp (entry + 46, part, name_length) == 0)
            {
              const unsigned char *local = zip + offset;
              const unsigned char *input = local + 30 + le16 (local + 26) + le16 (local + 28);
              unsigned char output[65536];
              xmlParserCtxtPtr parser;
              z_stream stream = { 0, };
              int rc;

              /* SAX1 callbacks: with the SAX2 magic set, libxml2 would
               * call startElementNs instead. */
              sax.startElement = start_element;
              parser = xmlCreatePushParserCtxt (&sax, &counts, NULL, 0, part);

              inflateInit2 (&stream, -MAX_WBITS);
              stream.next_in = (unsigned char *) input;
              stream.avail_in = (unsigned) compressed;
              do
                {
                  stream.next_out = output;
                  stream.avail_out = sizeof output;
                  rc = inflate (&stream, Z_NO_FLUSH);
                  xmlParseChunk (parser, (const char *) output, (int) (sizeof output - stream.avail_out), 0);
                }
              while (rc == Z_OK);
              xmlParseChunk (parser, NULL, 0, 1);
              inflateEnd (&stream);
              xmlFreeParserCtxt (parser);

              printf ("%lu cells, %lu values\n", counts.cells, counts.values);
              free (zip);
              return rc == Z_STREAM_END ? 0 : 1;
            }

          at += 46 + name_length + le16 (entry + 30) + le16 (entry + 32);
        }
      break;
    }

  fprintf (stderr, "xlsx-floor: no part %s\n", part);
  return 1;
}
