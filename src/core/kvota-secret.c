/* kvota-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-secret"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "kvota-error.h"
#include "kvota-secret.h"

#define TOKEN_BYTES 32

/* Upper-case letters and digits that cannot be mistaken for one another
 * when read aloud or typed from paper: no 0/O, 1/I/L, 5/S, 2/Z, 8/B. */
static const char readable_alphabet[] = "ACDEFGHJKMNPQRTUVWXY34679";

/**
 * kvota_secret_init:
 * @error: return location for a #GError, or %NULL
 *
 * Prepares libsodium; call once before any other function here.
 *
 * Returns: %TRUE on success
 */
gboolean
kvota_secret_init (GError **error)
{
  if (sodium_init () < 0)
    {
      kvota_set_error (error, KVOTA_ERROR_FAILED, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_password_check_strength:
 * @password: a new password
 * @error: return location for a #GError, or %NULL
 *
 * Returns: %TRUE if @password is long enough to be accepted
 */
gboolean
kvota_password_check_strength (const char  *password,
                               GError     **error)
{
  if (password == NULL ||
      !g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (password, -1) < KVOTA_PASSWORD_MIN_LENGTH ||
      strlen (password) > 1024)
    {
      kvota_set_error (error, KVOTA_ERROR_WEAK_PASSWORD, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * kvota_password_hash:
 * @password: a password
 * @error: return location for a #GError, or %NULL
 *
 * Hashes @password with argon2id at libsodium's interactive cost.
 *
 * Returns: (transfer full) (nullable): the encoded hash
 */
char *
kvota_password_hash (const char  *password,
                     GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      kvota_set_error (error, KVOTA_ERROR_FAILED, NULL);
      return NULL;
    }

  return g_strdup (hash);
}

/**
 * kvota_password_verify:
 * @hash: an encoded hash from kvota_password_hash()
 * @password: the password to check
 *
 * Takes the same time whether or not @password matches.
 *
 * Returns: %TRUE if @password matches @hash
 */
gboolean
kvota_password_verify (const char *hash,
                       const char *password)
{
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

/**
 * kvota_token_new:
 *
 * Returns: (transfer full): a new bearer token: 256 random bits, URL-safe
 */
char *
kvota_token_new (void)
{
  guchar bytes[TOKEN_BYTES];
  char *token;

  randombytes_buf (bytes, sizeof bytes);
  token = g_base64_encode (bytes, sizeof bytes);
  sodium_memzero (bytes, sizeof bytes);

  /* URL-safe alphabet, no padding: the token travels in headers. */
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  g_strdelimit (token, "=", '\0');

  return token;
}

/**
 * kvota_token_hash:
 * @token: a bearer token
 *
 * Tokens are stored only as this hash, so a stolen database holds no
 * usable session.
 *
 * Returns: (transfer full): the SHA-256 of @token in hexadecimal
 */
char *
kvota_token_hash (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * kvota_readable_code_new:
 * @n_groups: how many groups of four characters
 *
 * Returns: (transfer full): a random code such as `HK4T-WQ9C-…` that is
 *   easy to read aloud and type: no look-alike characters, grouped by four
 */
char *
kvota_readable_code_new (guint n_groups)
{
  GString *code = g_string_new (NULL);

  g_return_val_if_fail (n_groups > 0, NULL);

  for (guint group = 0; group < n_groups; group++)
    {
      if (group > 0)
        g_string_append_c (code, '-');
      for (guint i = 0; i < 4; i++)
        {
          guint32 index = randombytes_uniform (sizeof readable_alphabet - 1);
          g_string_append_c (code, readable_alphabet[index]);
        }
    }

  return g_string_free (code, FALSE);
}

/**
 * kvota_readable_code_hash:
 * @code: a code from kvota_readable_code_new() as a person typed it
 *
 * Case, dashes and spaces do not matter; look-alike characters are read
 * as the character they can only be (O as 0 is not in the alphabet, so
 * it is refused rather than guessed).
 *
 * Returns: (transfer full) (nullable): the SHA-256 of the code's
 *   characters in hexadecimal, or %NULL if @code cannot be a code
 */
char *
kvota_readable_code_hash (const char *code)
{
  g_autoptr(GString) normalized = g_string_new (NULL);

  g_return_val_if_fail (code != NULL, NULL);

  for (const char *p = code; *p; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || c == ' ')
        continue;
      if (strchr (readable_alphabet, c) == NULL)
        return NULL;
      g_string_append_c (normalized, c);
    }

  if (normalized->len < 16 || normalized->len > 64)
    return NULL;

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, normalized->str, normalized->len);
}
