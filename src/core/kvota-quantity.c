/* kvota-quantity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-quantity"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-error.h"
#include "kvota-quantity.h"

static gboolean
set_overflow (GError **error)
{
  kvota_set_error (error, KVOTA_ERROR_QUANTITY_OVERFLOW, NULL);
  return FALSE;
}

/**
 * kvota_quantity_add:
 * @a: a quantity
 * @b: a quantity
 * @result: (out): @a + @b
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %FALSE with %KVOTA_ERROR_QUANTITY_OVERFLOW if the sum does not
 *   fit in 64 bits; @result is then left alone
 */
gboolean
kvota_quantity_add (KvotaQuantity   a,
                    KvotaQuantity   b,
                    KvotaQuantity  *result,
                    GError        **error)
{
  KvotaQuantity sum;

  g_return_val_if_fail (result != NULL, FALSE);

  if (__builtin_add_overflow (a, b, &sum))
    return set_overflow (error);

  *result = sum;
  return TRUE;
}

/**
 * kvota_quantity_subtract:
 * @a: a quantity
 * @b: a quantity
 * @result: (out): @a - @b
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %FALSE with %KVOTA_ERROR_QUANTITY_OVERFLOW on overflow
 */
gboolean
kvota_quantity_subtract (KvotaQuantity   a,
                         KvotaQuantity   b,
                         KvotaQuantity  *result,
                         GError        **error)
{
  KvotaQuantity difference;

  g_return_val_if_fail (result != NULL, FALSE);

  if (__builtin_sub_overflow (a, b, &difference))
    return set_overflow (error);

  *result = difference;
  return TRUE;
}

/**
 * kvota_quantity_multiply:
 * @a: a quantity
 * @b: a factor, such as a price per unit
 * @result: (out): @a × @b
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %FALSE with %KVOTA_ERROR_QUANTITY_OVERFLOW on overflow
 */
gboolean
kvota_quantity_multiply (KvotaQuantity   a,
                         KvotaQuantity   b,
                         KvotaQuantity  *result,
                         GError        **error)
{
  KvotaQuantity product;

  g_return_val_if_fail (result != NULL, FALSE);

  if (__builtin_mul_overflow (a, b, &product))
    return set_overflow (error);

  *result = product;
  return TRUE;
}

/**
 * kvota_quantity_validate:
 * @quantity: the quantity of a ledger operation
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE if @quantity can be moved: at least one whole tonne
 */
gboolean
kvota_quantity_validate (KvotaQuantity   quantity,
                         GError        **error)
{
  if (quantity <= 0)
    {
      kvota_set_error (error, KVOTA_ERROR_INVALID_QUANTITY, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_quantity_parse:
 * @text: digits, perhaps grouped with spaces as people write them
 * @result: (out): the quantity
 * @error: return location for a #GError, or %NULL
 *
 * Accepts only whole non-negative numbers; signs, fractions and exponents
 * are refused, not rounded.
 *
 * Returns: %TRUE if @text is a quantity that fits in 64 bits
 */
gboolean
kvota_quantity_parse (const char     *text,
                      KvotaQuantity  *result,
                      GError        **error)
{
  KvotaQuantity value = 0;
  gboolean seen_digit = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (!g_utf8_validate (text, -1, NULL))
    goto invalid;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= '0' && c <= '9')
        {
          if (__builtin_mul_overflow (value, 10, &value) ||
              __builtin_add_overflow (value, (KvotaQuantity) (c - '0'), &value))
            return set_overflow (error);
          seen_digit = TRUE;
        }
      else if (c == ' ' || c == 0x00A0 || c == 0x202F)
        {
          /* digit grouping: only between digits */
          if (!seen_digit || *g_utf8_next_char (p) == '\0')
            goto invalid;
        }
      else
        goto invalid;
    }

  if (!seen_digit)
    goto invalid;

  *result = value;
  return TRUE;

invalid:
  kvota_set_error (error, KVOTA_ERROR_INVALID_QUANTITY, NULL);
  return FALSE;
}

/**
 * kvota_quantity_format:
 * @quantity: a quantity
 *
 * Returns: (transfer full): @quantity with digits grouped the way the
 *   current locale groups them (1 252 950 in Kazakh and Russian)
 */
char *
kvota_quantity_format (KvotaQuantity quantity)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, quantity);
}
