/* kvota-totp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-totp"

#include "config.h"

#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "kvota-totp.h"

/* Time-based one-time codes (RFC 6238) through liboath: HMAC-SHA1, six
 * digits, thirty seconds, the parameters every authenticator app takes.
 * Secrets travel and are stored in base32, as the provisioning URI wants
 * them. */

#define SECRET_BYTES 20

static gboolean
ensure_oath (void)
{
  static gsize initialized = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&initialized))
    {
      ok = oath_init () == OATH_OK;
      g_once_init_leave (&initialized, 1);
    }

  return ok;
}

static char *
decode (const char *secret,
        gsize      *length)
{
  char *raw = NULL;
  size_t raw_length = 0;

  if (!ensure_oath () ||
      oath_base32_decode (secret, strlen (secret), &raw, &raw_length) != OATH_OK)
    return NULL;

  *length = raw_length;
  return raw;
}

/**
 * kvota_totp_secret_new:
 *
 * Returns: (transfer full): a new random secret of 160 bits, in base32
 */
char *
kvota_totp_secret_new (void)
{
  guchar raw[SECRET_BYTES];
  char *encoded = NULL;
  size_t encoded_length = 0;
  char *secret;

  g_return_val_if_fail (ensure_oath (), NULL);

  randombytes_buf (raw, sizeof raw);
  if (oath_base32_encode ((const char *) raw, sizeof raw, &encoded, &encoded_length) != OATH_OK)
    g_error ("Cannot encode a one-time code secret");
  sodium_memzero (raw, sizeof raw);

  secret = g_strndup (encoded, encoded_length);
  sodium_memzero (encoded, encoded_length);
  free (encoded);

  return secret;
}

/**
 * kvota_totp_provisioning_uri:
 * @secret: a base32 secret
 * @username: the account it is for
 *
 * Returns: (transfer full): the `otpauth://` URI that authenticator apps
 *   read from a QR code
 */
char *
kvota_totp_provisioning_uri (const char *secret,
                             const char *username)
{
  g_autofree char *label = NULL;
  g_autofree char *escaped_label = NULL;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  label = g_strdup_printf ("Kvota:%s", username);
  escaped_label = g_uri_escape_string (label, ":", FALSE);

  return g_strdup_printf ("otpauth://totp/%s?secret=%s&issuer=Kvota&algorithm=SHA1&digits=%d&period=%d",
                          escaped_label, secret, KVOTA_TOTP_DIGITS, KVOTA_TOTP_PERIOD);
}

/**
 * kvota_totp_validate:
 * @secret: the user's base32 secret
 * @code: the code the user typed
 * @now: the current time in seconds since the epoch
 * @last_counter: the time step of the last code accepted, or -1
 * @counter: (out): the time step of @code, to store as the new @last_counter
 *
 * Accepts the current code and the one before or after it, for clocks a
 * little off. A code is accepted once: never again once a later or equal
 * step was used, so an overheard code cannot be replayed.
 *
 * Returns: %TRUE if @code is valid now
 */
gboolean
kvota_totp_validate (const char *secret,
                     const char *code,
                     gint64      now,
                     gint64      last_counter,
                     gint64     *counter)
{
  g_autofree char *raw = NULL;
  gsize raw_length = 0;
  uint64_t otp_counter = 0;
  int position = 0;
  int rc;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (counter != NULL, FALSE);

  if (code == NULL || strlen (code) != KVOTA_TOTP_DIGITS)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  if ((raw = decode (secret, &raw_length)) == NULL)
    return FALSE;

  rc = oath_totp_validate3 (raw, raw_length, (time_t) now, KVOTA_TOTP_PERIOD,
                            OATH_TOTP_DEFAULT_START_TIME, 1, &position, &otp_counter, code);
  sodium_memzero (raw, raw_length);

  if (rc < 0 || (gint64) otp_counter <= last_counter)
    return FALSE;

  *counter = (gint64) otp_counter;
  return TRUE;
}

/**
 * kvota_totp_generate:
 * @secret: a base32 secret
 * @now: the time in seconds since the epoch
 *
 * What an authenticator app shows at @now; for tests and tools.
 *
 * Returns: (transfer full) (nullable): the code
 */
char *
kvota_totp_generate (const char *secret,
                     gint64      now)
{
  g_autofree char *raw = NULL;
  char code[KVOTA_TOTP_DIGITS + 1];
  gsize raw_length = 0;
  int rc;

  g_return_val_if_fail (secret != NULL, NULL);

  if ((raw = decode (secret, &raw_length)) == NULL)
    return NULL;

  rc = oath_totp_generate (raw, raw_length, (time_t) now, KVOTA_TOTP_PERIOD,
                           OATH_TOTP_DEFAULT_START_TIME, KVOTA_TOTP_DIGITS, code);
  sodium_memzero (raw, raw_length);

  return rc == OATH_OK ? g_strdup (code) : NULL;
}
