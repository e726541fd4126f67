/* kvota-csv.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-csv"

#include "config.h"

#include <string.h>

#include "kvota-csv.h"

/**
 * kvota_csv_append_field:
 * @csv: the CSV being written
 * @text: (nullable): a field's text; %NULL leaves the field empty
 *
 * Appends one CSV field, quoted when it has to be (RFC 4180). Text that a
 * spreadsheet would run as a formula gets a leading apostrophe: an
 * accountant opening a statement or a report in Excel must not execute a
 * reference someone typed as a company's name.
 */
void
kvota_csv_append_field (GString    *csv,
                        const char *text)
{
  g_autofree char *guarded = NULL;

  g_return_if_fail (csv != NULL);

  if (text == NULL)
    return;

  if (text[0] != '\0' && strchr ("=+-@", text[0]) != NULL)
    text = guarded = g_strconcat ("'", text, NULL);

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}
