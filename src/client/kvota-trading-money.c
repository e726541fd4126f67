/* kvota-trading-money.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-money"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "kvota-format.h"
#include "kvota-trading-money.h"

static gboolean
set_invalid (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Enter the price in tenge as a number, with at most two digits after the decimal separator, such as 1500 or 1500,50."));
  return FALSE;
}

/**
 * kvota_trading_parse_tenge:
 * @text: a price such as `1 500,50` or `1500.5`
 * @tiyn: (out): the price in tiyn
 * @error: where to put a translated message
 *
 * Either a comma or a point separates the tiyn, whatever the locale:
 * people copy prices from documents written both ways. Digits may be
 * grouped with spaces. Nothing is rounded: a third decimal is refused.
 *
 * Returns: %TRUE if @text is a price of 0 or more
 */
gboolean
kvota_trading_parse_tenge (const char  *text,
                           gint64      *tiyn,
                           GError     **error)
{
  gint64 whole = 0;
  gint64 fraction = 0;
  int n_fraction = -1;   /* digits after the separator, -1 before it */
  gboolean seen_digit = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (tiyn != NULL, FALSE);

  if (!g_utf8_validate (text, -1, NULL))
    return set_invalid (error);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= '0' && c <= '9')
        {
          seen_digit = TRUE;
          if (n_fraction < 0)
            {
              if (__builtin_mul_overflow (whole, 10, &whole) ||
                  __builtin_add_overflow (whole, (gint64) (c - '0'), &whole))
                goto overflow;
            }
          else if (++n_fraction > 2)
            return set_invalid (error);
          else
            fraction = fraction * 10 + (c - '0');
        }
      else if ((c == ',' || c == '.') && n_fraction < 0 && seen_digit)
        n_fraction = 0;
      else if ((c == ' ' || c == 0x00A0 || c == 0x202F) && n_fraction < 0 && seen_digit)
        continue;
      else
        return set_invalid (error);
    }

  if (!seen_digit || n_fraction == 0)
    return set_invalid (error);

  if (n_fraction == 1)
    fraction *= 10;

  if (__builtin_mul_overflow (whole, 100, &whole) ||
      __builtin_add_overflow (whole, fraction, &whole))
    goto overflow;

  *tiyn = whole;
  return TRUE;

overflow:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The price is too large."));
  return FALSE;
}

/**
 * kvota_trading_format_tenge_plain:
 * @tiyn: a price in tiyn
 *
 * Returns: (transfer full): the price in tenge, grouped the local way,
 *   without the currency sign, as a price entry shows it
 */
char *
kvota_trading_format_tenge_plain (gint64 tiyn)
{
  const struct lconv *conv = localeconv ();
  const char *point = conv->decimal_point;
  g_autofree char *whole = NULL;

  if (point == NULL || point[0] == '\0')
    point = ".";

  whole = kvota_format_quantity (tiyn / 100);
  return g_strdup_printf ("%s%s%02d", whole, point, (int) (tiyn % 100));
}

/**
 * kvota_trading_format_tiyn:
 * @tiyn: a price in tiyn
 *
 * Returns: (transfer full): the price in tenge for people to read, such as
 *   “1 500,50 ₸”
 */
char *
kvota_trading_format_tiyn (gint64 tiyn)
{
  g_autofree char *amount = kvota_trading_format_tenge_plain (tiyn);

  /* Translators: a price in tenge; %s is the amount, such as 1 500,50.
   * Kazakh and Russian write the sign after the amount. */
  return g_strdup_printf (_("%s ₸"), amount);
}
