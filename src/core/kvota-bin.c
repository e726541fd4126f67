/* kvota-bin.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-bin"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kvota-bin.h"
#include "kvota-error.h"

/* Kazakhstan's BIN (business identification number) and IIN (individual
 * identification number) share one check digit: weights 1..11 on the
 * first eleven digits modulo 11; a result of 10 is retried with weights
 * 3..11,1,2; a second 10 means the number is never issued. */
static const guint first_weights[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
static const guint second_weights[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2 };

static guint
weighted_sum (const char  *digits,
              const guint *weights)
{
  guint sum = 0;

  for (guint i = 0; i < KVOTA_BIN_LENGTH - 1; i++)
    sum += (guint) (digits[i] - '0') * weights[i];

  return sum % 11;
}

static gboolean
all_digits (const char *text,
            gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }

  return TRUE;
}

/**
 * kvota_bin_check_digit:
 * @digits: at least the first 11 digits of a BIN or IIN
 * @check_digit: (out): the check digit those digits call for
 *
 * Returns: %FALSE if @digits are not 11 ASCII digits, or if no check digit
 *   exists for them (such numbers are never issued)
 */
gboolean
kvota_bin_check_digit (const char *digits,
                       guint      *check_digit)
{
  guint result;

  g_return_val_if_fail (check_digit != NULL, FALSE);

  if (digits == NULL ||
      strnlen (digits, KVOTA_BIN_LENGTH - 1) < KVOTA_BIN_LENGTH - 1 ||
      !all_digits (digits, KVOTA_BIN_LENGTH - 1))
    return FALSE;

  result = weighted_sum (digits, first_weights);
  if (result == 10)
    result = weighted_sum (digits, second_weights);
  if (result == 10)
    return FALSE;

  *check_digit = result;
  return TRUE;
}

/**
 * kvota_bin_validate:
 * @bin: a BIN or IIN, exactly 12 ASCII digits
 * @error: return location for a #GError, or %NULL
 *
 * Checks the length, the digits and the check digit. The date and type
 * digits are not checked: since 2013 they no longer reliably encode
 * anything, and rejecting on them would refuse real numbers.
 *
 * Returns: %TRUE if @bin is a valid BIN or IIN
 */
gboolean
kvota_bin_validate (const char  *bin,
                    GError     **error)
{
  guint check;

  if (bin == NULL ||
      strlen (bin) != KVOTA_BIN_LENGTH ||
      !all_digits (bin, KVOTA_BIN_LENGTH) ||
      !kvota_bin_check_digit (bin, &check) ||
      check != (guint) (bin[KVOTA_BIN_LENGTH - 1] - '0'))
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_BIN, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_bin_normalize:
 * @text: a BIN as people write it, perhaps with spaces or dashes
 *
 * Drops spaces (including no-break spaces) and dashes, which spreadsheets
 * and forms often insert for readability. The result still has to be
 * validated.
 *
 * Returns: (transfer full) (nullable): the digits, or %NULL if @text is
 *   not valid UTF-8
 */
char *
kvota_bin_normalize (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == '-' || c == 0x00A0 || c == 0x202F || c == 0x2011)
        continue;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}
