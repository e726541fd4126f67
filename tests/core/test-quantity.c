/* test-quantity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "kvota-error.h"
#include "kvota-quantity.h"

/* What a failed operation must leave in its result. */
#define UNTOUCHED ((KvotaQuantity) 0x5A5A5A5A)

typedef gboolean (*Operation) (KvotaQuantity   a,
                               KvotaQuantity   b,
                               KvotaQuantity  *result,
                               GError        **error);

typedef struct
{
  KvotaQuantity a;
  KvotaQuantity b;
  gboolean      ok;
  KvotaQuantity result;
} Case;

static void
run_cases (const char  *name,
           Operation    operation,
           const Case  *cases,
           guint        n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      KvotaQuantity result = UNTOUCHED;
      gboolean ok = operation (cases[i].a, cases[i].b, &result, &error);

      g_test_message ("%s (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                      name, cases[i].a, cases[i].b);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (result, ==, cases[i].result);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_QUANTITY_OVERFLOW);
          g_assert_cmpint (result, ==, UNTOUCHED);
        }

      /* Without an error location the answer is the same. */
      result = UNTOUCHED;
      g_assert_cmpint (operation (cases[i].a, cases[i].b, &result, NULL), ==, cases[i].ok);
      g_assert_cmpint (result, ==, cases[i].ok ? cases[i].result : UNTOUCHED);
    }
}

static void
test_quantity_add (void)
{
  static const Case cases[] = {
    { 1252950, 1983922, TRUE, 3236872 },
    { G_MAXINT64, 0, TRUE, G_MAXINT64 },
    { G_MAXINT64 - 1, 1, TRUE, G_MAXINT64 },
    { G_MAXINT64, 1, FALSE, 0 },
    { 1, G_MAXINT64, FALSE, 0 },
    { G_MAXINT64, G_MAXINT64, FALSE, 0 },
    { G_MAXINT64 / 2 + 1, G_MAXINT64 / 2 + 1, FALSE, 0 },
    { G_MAXINT64 / 2, G_MAXINT64 / 2 + 1, TRUE, G_MAXINT64 },
    { G_MININT64, 0, TRUE, G_MININT64 },
    { G_MININT64, -1, FALSE, 0 },
    { G_MININT64, G_MININT64, FALSE, 0 },
    { G_MININT64, G_MAXINT64, TRUE, -1 },
    { -1, G_MININT64 + 1, TRUE, G_MININT64 },
  };

  run_cases ("add", kvota_quantity_add, cases, G_N_ELEMENTS (cases));
}

static void
test_quantity_subtract (void)
{
  static const Case cases[] = {
    { 1983922, 1252950, TRUE, 730972 },
    { 1252950, 1983922, TRUE, -730972 },
    { G_MAXINT64, G_MAXINT64, TRUE, 0 },
    { G_MAXINT64, -1, FALSE, 0 },
    { G_MININT64, 1, FALSE, 0 },
    { G_MININT64 + 1, 1, TRUE, G_MININT64 },
    { 0, G_MININT64, FALSE, 0 },
    { -1, G_MININT64, TRUE, G_MAXINT64 },
    { -1, G_MAXINT64, TRUE, G_MININT64 },
    { -2, G_MAXINT64, FALSE, 0 },
    { 0, G_MAXINT64, TRUE, -G_MAXINT64 },
  };

  run_cases ("subtract", kvota_quantity_subtract, cases, G_N_ELEMENTS (cases));
}

static void
test_quantity_multiply (void)
{
  static const Case cases[] = {
    { 1252950, 1500, TRUE, G_GINT64_CONSTANT (1879425000) },
    { G_MAXINT64, 1, TRUE, G_MAXINT64 },
    { G_MAXINT64, 0, TRUE, 0 },
    { G_MAXINT64, 2, FALSE, 0 },
    { G_MAXINT64, -1, TRUE, -G_MAXINT64 },
    { G_MININT64, 1, TRUE, G_MININT64 },
    { G_MININT64, -1, FALSE, 0 },
    { -1, G_MININT64, FALSE, 0 },
    /* 3 037 000 499² = 9 223 372 030 926 249 001 fits;
     * 3 037 000 500² = 9 223 372 037 000 250 000 does not. */
    { G_GINT64_CONSTANT (3037000499), G_GINT64_CONSTANT (3037000499),
      TRUE, G_GINT64_CONSTANT (9223372030926249001) },
    { G_GINT64_CONSTANT (3037000500), G_GINT64_CONSTANT (3037000500), FALSE, 0 },
    { G_GINT64_CONSTANT (3037000500), G_GINT64_CONSTANT (-3037000500), FALSE, 0 },
    /* 2⁶² · 2 = 2⁶³ is one too many; 2⁶² · -2 = -2⁶³ is the minimum. */
    { G_GINT64_CONSTANT (4611686018427387904), 2, FALSE, 0 },
    { G_GINT64_CONSTANT (4611686018427387904), -2, TRUE, G_MININT64 },
  };

  run_cases ("multiply", kvota_quantity_multiply, cases, G_N_ELEMENTS (cases));
}

static void
test_quantity_validate (void)
{
  static const KvotaQuantity valid[] = { 1, 2, 1252950, G_MAXINT64 };
  static const KvotaQuantity invalid[] = { 0, -1, -1252950, G_MININT64 };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (kvota_quantity_validate (valid[i], &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (kvota_quantity_validate (invalid[i], &error));
      g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_INVALID_QUANTITY);
      g_assert_false (kvota_quantity_validate (invalid[i], NULL));
    }
}

static void
test_quantity_parse_valid (void)
{
  static const struct {
    const char    *text;
    KvotaQuantity  value;
  } cases[] = {
    { "0", 0 },
    { "1", 1 },
    { "1252950", 1252950 },
    { "1 252 950", 1252950 },
    { "1\xc2\xa0" "252\xc2\xa0" "950", 1252950 },                /* U+00A0 */
    { "1\xe2\x80\xaf" "252\xe2\x80\xaf" "950", 1252950 },        /* U+202F */
    { "1 983\xc2\xa0" "922", 1983922 },
    { "007", 7 },
    { "9223372036854775807", G_MAXINT64 },
    { "9 223 372 036 854 775 807", G_MAXINT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      KvotaQuantity value = UNTOUCHED;

      g_test_message ("parsing “%s”", cases[i].text);
      g_assert_true (kvota_quantity_parse (cases[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, cases[i].value);
    }
}

static void
test_quantity_parse_invalid (void)
{
  static const char * const cases[] = {
    "",
    " ",
    "-1",
    "-0",
    "+1",
    "1.5",
    "1,5",
    "1.0",
    "1e3",
    "1E3",
    "0x10",
    " 1",
    "1 ",
    "\xc2\xa0" "1",
    "1\xc2\xa0",
    "1\xe2\x80\xaf",
    "1\t000",
    "1\n000",
    "1_000",
    "1'000",
    "١٢٣",                    /* Arabic-Indic digits */
    "１２３",                  /* full-width digits */
    "12 тонн",
    "1\xff" "2",              /* invalid UTF-8 */
    "1\xc2",                  /* truncated sequence */
    "\xe2\x80",
    "1\xc0\xa0" "000",        /* overlong encoding of a space */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      KvotaQuantity value = UNTOUCHED;

      g_test_message ("parsing “%s”", cases[i]);
      g_assert_false (kvota_quantity_parse (cases[i], &value, &error));
      g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_INVALID_QUANTITY);
      g_assert_cmpint (value, ==, UNTOUCHED);
    }
}

static void
test_quantity_parse_overflow (void)
{
  static const char * const cases[] = {
    "9223372036854775808",
    "9 223 372 036 854 775 808",
    "9223372036854775810",
    "18446744073709551616",
    "99999999999999999999999999999",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      KvotaQuantity value = UNTOUCHED;

      g_test_message ("parsing “%s”", cases[i]);
      g_assert_false (kvota_quantity_parse (cases[i], &value, &error));
      g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_QUANTITY_OVERFLOW);
      g_assert_cmpint (value, ==, UNTOUCHED);
    }
}

static void
test_quantity_format (void)
{
  static const struct {
    KvotaQuantity  value;
    const char    *text;
  } cases[] = {
    { 0, "0" },
    { 1, "1" },
    { 1252950, "1252950" },
    { 1983922, "1983922" },
    { -730972, "-730972" },
    { G_MAXINT64, "9223372036854775807" },
    { G_MININT64, "-9223372036854775808" },
  };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));

  /* The C locale groups nothing. */
  g_assert_nonnull (setlocale (LC_NUMERIC, "C"));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = kvota_quantity_format (cases[i].value);
      KvotaQuantity back = UNTOUCHED;

      g_assert_cmpstr (text, ==, cases[i].text);

      /* What is formatted for a positive quantity parses back. */
      if (cases[i].value >= 0)
        {
          g_assert_true (kvota_quantity_parse (text, &back, NULL));
          g_assert_cmpint (back, ==, cases[i].value);
        }
    }

  setlocale (LC_NUMERIC, saved);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/quantity/add", test_quantity_add);
  g_test_add_func ("/core/quantity/subtract", test_quantity_subtract);
  g_test_add_func ("/core/quantity/multiply", test_quantity_multiply);
  g_test_add_func ("/core/quantity/validate", test_quantity_validate);
  g_test_add_func ("/core/quantity/parse/valid", test_quantity_parse_valid);
  g_test_add_func ("/core/quantity/parse/invalid", test_quantity_parse_invalid);
  g_test_add_func ("/core/quantity/parse/overflow", test_quantity_parse_overflow);
  g_test_add_func ("/core/quantity/format", test_quantity_format);

  return g_test_run ();
}
