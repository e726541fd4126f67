/* test-bin.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "kvota-bin.h"
#include "kvota-error.h"

/* Every expected check digit below is worked out by hand in the comment
 * beside it, never by calling the code under test. The rule: weights
 * 1..11 on the first eleven digits, sum mod 11; a 10 is retried with the
 * weights 3,4,5,6,7,8,9,10,11,1,2; a second 10 means no such number. */

typedef struct
{
  const char *digits;   /* the first eleven digits */
  guint       check;
} Vector;

static const Vector first_pass[] = {
  /* 0·1 + 5·2 + 0·3 + 1·4 + 4·5 + 0·6 + 0·7 + 0·8 + 0·9 + 6·10 + 5·11
   * = 0 + 10 + 0 + 4 + 20 + 0 + 0 + 0 + 0 + 60 + 55 = 149 = 13·11 + 6 */
  { "05014000065", 6 },
  /* 9·1 + 4·2 + 0·3 + 7·4 + 4·5 + 0·6 + 0·7 + 0·8 + 0·9 + 1·10 + 2·11
   * = 9 + 8 + 0 + 28 + 20 + 0 + 0 + 0 + 0 + 10 + 22 = 97 = 8·11 + 9 */
  { "94074000012", 9 },
  /* 8·1 + 7·2 + 0·3 + 4·4 + 1·5 + 2·6 + 3·7 + 0·8 + 0·9 + 4·10 + 1·11
   * = 8 + 14 + 0 + 16 + 5 + 12 + 21 + 0 + 0 + 40 + 11 = 127 = 11·11 + 6 */
  { "87041230041", 6 },
  /* all zeros: the sum is 0 */
  { "00000000000", 0 },
};

static const Vector second_pass[] = {
  /* first: 1·1 + 2·2 + 3·3 + 4·4 + 5·5 + 6·6 + 7·7 + 8·8 + 9·9 + 0·10 + 1·11
   *      = 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64 + 81 + 0 + 11 = 296 = 26·11 + 10
   * second: 1·3 + 2·4 + 3·5 + 4·6 + 5·7 + 6·8 + 7·9 + 8·10 + 9·11 + 0·1 + 1·2
   *      = 3 + 8 + 15 + 24 + 35 + 48 + 63 + 80 + 99 + 0 + 2 = 377 = 34·11 + 3 */
  { "12345678901", 3 },
  /* first: 1·10 = 10; second: 1·1 = 1 */
  { "00000000010", 1 },
};

/* Both passes give 10: no twelfth digit makes these valid. */
static const char * const unusable[] = {
  /* first: 9·1 + 2·6 = 21 = 11 + 10; second: 9·3 + 2·8 = 43 = 3·11 + 10 */
  "90000200000",
  /* first: 6·1 + 5·3 = 21 = 11 + 10; second: 6·3 + 5·5 = 43 = 3·11 + 10 */
  "60500000000",
};

static char *
with_check_digit (const char *digits,
                  guint       check)
{
  return g_strdup_printf ("%s%u", digits, check);
}

static void
assert_invalid (const char *bin)
{
  g_autoptr(GError) error = NULL;

  if (kvota_bin_validate (bin, &error))
    g_error ("“%s” was accepted as a BIN", bin);
  g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_INVALID_BIN);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
assert_valid (const char *bin)
{
  g_autoptr(GError) error = NULL;

  if (!kvota_bin_validate (bin, &error))
    g_error ("“%s” was refused: %s", bin, error->message);
  g_assert_no_error (error);
}

static void
test_bin_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (first_pass); i++)
    {
      g_autofree char *bin = with_check_digit (first_pass[i].digits, first_pass[i].check);

      assert_valid (bin);
    }

  /* The same numbers written out in full, as a form would carry them. */
  assert_valid ("050140000656");
  assert_valid ("940740000129");
  assert_valid ("870412300416");

  /* No NULL error location needed. */
  g_assert_true (kvota_bin_validate ("940740000129", NULL));
}

static void
test_bin_wrong_check_digit (void)
{
  const Vector *all[] = { first_pass, second_pass };
  const guint n_all[] = { G_N_ELEMENTS (first_pass), G_N_ELEMENTS (second_pass) };

  for (guint t = 0; t < G_N_ELEMENTS (all); t++)
    {
      for (guint i = 0; i < n_all[t]; i++)
        {
          for (guint digit = 0; digit <= 9; digit++)
            {
              g_autofree char *bin = with_check_digit (all[t][i].digits, digit);

              if (digit == all[t][i].check)
                assert_valid (bin);
              else
                assert_invalid (bin);
            }
        }
    }

  /* Mod 11 cannot see every change: the eleventh digit weighs 11, so
   * 2 → 3 there adds 11 and keeps the 9: 9·1 + 4·2 + 0·3 + 7·4 + 4·5 +
   * 0·6 + 0·7 + 0·8 + 0·9 + 1·10 + 3·11 = 108 = 9·11 + 9... */
  assert_valid ("940740000139");
  /* ...but swapping two neighbours is caught: 4·1 + 9·2 + ... = 4 + 18 +
   * 0 + 28 + 20 + 10 + 22 = 102 = 9·11 + 3, not 9. */
  assert_invalid ("490740000129");
  assert_valid ("490740000123");
  g_assert_false (kvota_bin_validate ("940740000128", NULL));
}

static void
test_bin_second_pass (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (second_pass); i++)
    {
      g_autofree char *bin = with_check_digit (second_pass[i].digits, second_pass[i].check);
      guint check = 99;

      g_assert_true (kvota_bin_check_digit (second_pass[i].digits, &check));
      g_assert_cmpuint (check, ==, second_pass[i].check);
      assert_valid (bin);
    }

  /* A first-pass 10 must not be taken as a check digit of 0 (or of 1,
   * the last digit of "10"). */
  assert_invalid ("123456789010");
  assert_invalid ("123456789011");
  assert_invalid ("000000000100");
  assert_valid ("123456789013");
  assert_valid ("000000000101");
}

static void
test_bin_check_digit (void)
{
  guint check;

  for (guint i = 0; i < G_N_ELEMENTS (first_pass); i++)
    {
      check = 99;
      g_assert_true (kvota_bin_check_digit (first_pass[i].digits, &check));
      g_assert_cmpuint (check, ==, first_pass[i].check);
    }

  /* A whole BIN works too: only the first eleven digits count, whatever
   * the twelfth says. */
  check = 99;
  g_assert_true (kvota_bin_check_digit ("940740000120", &check));
  g_assert_cmpuint (check, ==, 9);

  /* Too short, non-digits, NULL: no check digit, and check is untouched. */
  check = 99;
  g_assert_false (kvota_bin_check_digit ("9407400001", &check));
  g_assert_false (kvota_bin_check_digit ("", &check));
  g_assert_false (kvota_bin_check_digit ("9407400001a", &check));
  g_assert_false (kvota_bin_check_digit ("94074 000012", &check));
  g_assert_false (kvota_bin_check_digit (NULL, &check));
  g_assert_cmpuint (check, ==, 99);
}

static void
test_bin_unusable (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (unusable); i++)
    {
      guint check = 99;

      g_assert_false (kvota_bin_check_digit (unusable[i], &check));
      g_assert_cmpuint (check, ==, 99);

      for (guint digit = 0; digit <= 9; digit++)
        {
          g_autofree char *bin = with_check_digit (unusable[i], digit);

          assert_invalid (bin);
        }
    }
}

static void
test_bin_not_digits (void)
{
  static const char * const cases[] = {
    "94074000012a",
    "a40740000129",
    "9407400001 9",
    " 94074000012",
    "94074000012 ",
    "+94074000012",
    "-94074000012",
    "9407400001.9",
    "94074000012\t",
    "94074000012\n",
    /* Full-width and Arabic-Indic digits are digits to Unicode, not to
     * the registry. */
    "９４０７４００００１２９",
    "940740000１２９",
    "٩٤٠٧٤٠٠٠٠١٢٩",
    /* Invalid UTF-8 */
    "9407400001\xff\xfe",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_invalid (cases[i]);
}

static void
test_bin_length (void)
{
  /* 11 digits: the valid number with its check digit dropped */
  assert_invalid ("94074000012");
  /* 13 digits: a valid number with one more digit */
  assert_invalid ("9407400001290");
  assert_invalid ("0940740000129");
  assert_invalid ("");
  assert_invalid ("9");
  assert_invalid ("94074000012994074000012");

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (kvota_bin_validate (NULL, &error));
    g_assert_error (error, KVOTA_ERROR, KVOTA_ERROR_INVALID_BIN);
  }
}

static void
test_bin_embedded_nul (void)
{
  /* A valid number cut by a NUL: C sees six characters, and must not
   * read on past the end of the string. */
  static const char cut[] = { '9', '4', '0', '7', '4', '0', '\0', '0', '0', '1', '2', '9', '\0' };
  /* A NUL in the twelfth place: the first eleven digits are right. */
  static const char no_check[] = { '9', '4', '0', '7', '4', '0', '0', '0', '0', '1', '2', '\0', '9', '\0' };
  guint check = 99;

  assert_invalid (cut);
  assert_invalid (no_check);
  g_assert_false (kvota_bin_check_digit (cut, &check));
  g_assert_cmpuint (check, ==, 99);
}

static void
test_bin_normalize (void)
{
  static const struct {
    const char *text;
    const char *normalized;
  } cases[] = {
    { "940740000129", "940740000129" },
    { "940 740 000 129", "940740000129" },
    { "  940740000129  ", "940740000129" },
    { "940740-000129", "940740000129" },
    { "9407-4000-0129", "940740000129" },
    { "940\xc2\xa0" "740\xc2\xa0" "000\xc2\xa0" "129", "940740000129" },        /* U+00A0 */
    { "940\xe2\x80\xaf" "740\xe2\x80\xaf" "000\xe2\x80\xaf" "129", "940740000129" }, /* U+202F */
    { "940740\xe2\x80\x91" "000129", "940740000129" },                         /* U+2011 */
    { "940\t740\n000 129", "940740000129" },
    { "", "" },
    { " - ", "" },
    /* Anything else is kept, for the validation to refuse. */
    { "94O 740 000 129", "94O740000129" },
    { "940.740.000.129", "940.740.000.129" },
    { "БИН 940740000129", "БИН940740000129" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = kvota_bin_normalize (cases[i].text);

      g_assert_cmpstr (normalized, ==, cases[i].normalized);
    }

  /* What a spreadsheet cell holds becomes a valid BIN after normalizing. */
  {
    g_autofree char *normalized = kvota_bin_normalize ("050\xc2\xa0" "140\xc2\xa0" "000\xc2\xa0" "656");

    assert_invalid ("050\xc2\xa0" "140\xc2\xa0" "000\xc2\xa0" "656");
    assert_valid (normalized);
  }

  /* Normalizing does not fix a wrong check digit. */
  {
    g_autofree char *normalized = kvota_bin_normalize ("050 140 000 655");

    g_assert_cmpstr (normalized, ==, "050140000655");
    assert_invalid (normalized);
  }

  g_assert_null (kvota_bin_normalize ("940 740\xff 000 129"));
  g_assert_null (kvota_bin_normalize ("\xc2"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/bin/valid", test_bin_valid);
  g_test_add_func ("/core/bin/wrong-check-digit", test_bin_wrong_check_digit);
  g_test_add_func ("/core/bin/second-pass", test_bin_second_pass);
  g_test_add_func ("/core/bin/check-digit", test_bin_check_digit);
  g_test_add_func ("/core/bin/unusable", test_bin_unusable);
  g_test_add_func ("/core/bin/not-digits", test_bin_not_digits);
  g_test_add_func ("/core/bin/length", test_bin_length);
  g_test_add_func ("/core/bin/embedded-nul", test_bin_embedded_nul);
  g_test_add_func ("/core/bin/normalize", test_bin_normalize);

  return g_test_run ();
}
