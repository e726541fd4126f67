/* kvota-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kvota-error.h"

typedef struct
{
  const char *code;
  guint       http_status;
  const char *message;
  const char *field_message;  /* with the offending field's name, or NULL */
} ErrorInfo;

/* Indexed by KvotaError. The messages are translated where they are shown,
 * so the table only marks them. */
static const ErrorInfo error_info[KVOTA_ERROR_N_CODES] = {
  [KVOTA_ERROR_FAILED] =
    { "failed", 500,
      N_("The registry could not complete the request."), NULL },
  [KVOTA_ERROR_MALFORMED_JSON] =
    { "malformed-json", 400,
      N_("The request is not valid JSON."), NULL },
  [KVOTA_ERROR_INVALID_UTF8] =
    { "invalid-utf8", 400,
      N_("The request contains text that is not valid UTF-8."), NULL },
  [KVOTA_ERROR_WRONG_TYPE] =
    { "wrong-type", 400,
      N_("A value in the request has the wrong type."),
      N_("The value of “%s” has the wrong type.") },
  [KVOTA_ERROR_MISSING_FIELD] =
    { "missing-field", 400,
      N_("A required value is missing from the request."),
      N_("The request lacks the required value “%s”.") },
  [KVOTA_ERROR_UNKNOWN_FIELD] =
    { "unknown-field", 400,
      N_("The request contains a value the registry does not know."),
      N_("The request has a field “%s” that the registry does not accept.") },
  [KVOTA_ERROR_INVALID_VALUE] =
    { "invalid-value", 400,
      N_("A value in the request is not acceptable."),
      N_("The value of “%s” is not acceptable.") },
  [KVOTA_ERROR_BODY_TOO_LARGE] =
    { "body-too-large", 413,
      N_("The request is larger than the registry accepts."), NULL },
  [KVOTA_ERROR_LENGTH_REQUIRED] =
    { "length-required", 411,
      N_("The request must state its length."), NULL },
  [KVOTA_ERROR_NOT_FOUND] =
    { "not-found", 404,
      N_("The requested item does not exist."),
      N_("Nothing in the registry matches the value of “%s”.") },
  [KVOTA_ERROR_METHOD_NOT_ALLOWED] =
    { "method-not-allowed", 405,
      N_("This address does not accept that kind of request."), NULL },
  [KVOTA_ERROR_UNAUTHENTICATED] =
    { "unauthenticated", 401,
      N_("Please log in first."), NULL },
  [KVOTA_ERROR_INVALID_TOKEN] =
    { "invalid-token", 401,
      N_("Your session is not valid. Please log in again."), NULL },
  [KVOTA_ERROR_SESSION_EXPIRED] =
    { "session-expired", 401,
      N_("Your session has expired. Please log in again."), NULL },
  [KVOTA_ERROR_BAD_CREDENTIALS] =
    { "bad-credentials", 401,
      N_("The username or password is wrong."), NULL },
  [KVOTA_ERROR_TOO_MANY_ATTEMPTS] =
    { "too-many-attempts", 429,
      N_("Too many failed attempts. Please wait a few minutes and try again."), NULL },
  [KVOTA_ERROR_USER_BLOCKED] =
    { "user-blocked", 403,
      N_("Your access to the registry has been blocked. Please contact the registry administrator."), NULL },
  [KVOTA_ERROR_FORBIDDEN] =
    { "forbidden", 403,
      N_("Your role does not allow this action."), NULL },
  [KVOTA_ERROR_INVALID_BIN] =
    { "invalid-bin", 400,
      N_("The BIN or IIN is not valid: it must be 12 digits with a correct check digit."), NULL },
  [KVOTA_ERROR_DUPLICATE_BIN] =
    { "duplicate-bin", 409,
      N_("An organisation with this BIN is already registered."), NULL },
  [KVOTA_ERROR_DUPLICATE_USERNAME] =
    { "duplicate-username", 409,
      N_("This username is already taken."), NULL },
  [KVOTA_ERROR_WEAK_PASSWORD] =
    { "weak-password", 400,
      N_("The password must be at least 10 characters long."), NULL },
  [KVOTA_ERROR_INVALID_QUANTITY] =
    { "invalid-quantity", 400,
      N_("The quantity must be a positive whole number of tonnes."), NULL },
  [KVOTA_ERROR_QUANTITY_OVERFLOW] =
    { "quantity-overflow", 400,
      N_("The quantity is too large for the registry to hold."), NULL },
  [KVOTA_ERROR_INSUFFICIENT_UNITS] =
    { "insufficient-units", 409,
      N_("The account does not hold enough available units."), NULL },
  [KVOTA_ERROR_SAME_ACCOUNT] =
    { "same-account", 400,
      N_("The transferring and acquiring accounts must be different."), NULL },
  [KVOTA_ERROR_ACCOUNT_NOT_HOLDING] =
    { "account-not-holding", 409,
      N_("This account cannot hold units."), NULL },
  [KVOTA_ERROR_ACCOUNT_BLOCKED] =
    { "account-blocked", 409,
      N_("The account is blocked."), NULL },
  [KVOTA_ERROR_INVALID_STATE] =
    { "invalid-state", 409,
      N_("The item is not in a state that allows this action."), NULL },
  [KVOTA_ERROR_INVARIANT_BROKEN] =
    { "invariant-broken", 500,
      N_("The ledger does not balance."), NULL },
  [KVOTA_ERROR_STORAGE] =
    { "storage", 500,
      N_("The registry database could not be read or written."), NULL },
  [KVOTA_ERROR_SCHEMA_TOO_NEW] =
    { "schema-too-new", 500,
      N_("The registry database was written by a newer version of Kvota."), NULL },
  [KVOTA_ERROR_AUDIT_BROKEN] =
    { "audit-broken", 500,
      N_("The audit journal has been altered."), NULL },
  [KVOTA_ERROR_NOT_A_REGISTRY] =
    { "not-a-registry", 500,
      N_("The file is not a Kvota registry database."), NULL },
  [KVOTA_ERROR_INVALID_REGISTRATION_KEY] =
    { "invalid-registration-key", 400,
      N_("This registration key is not valid. Check that it was typed exactly as issued."), NULL },
  [KVOTA_ERROR_REGISTRATION_KEY_EXPIRED] =
    { "registration-key-expired", 410,
      N_("This registration key has expired. Ask the registry administrator for a new one."), NULL },
  [KVOTA_ERROR_REGISTRATION_KEY_USED] =
    { "registration-key-used", 409,
      N_("This registration key has already been used. Ask the registry administrator for a new one."), NULL },
  [KVOTA_ERROR_REGISTRATION_KEY_REVOKED] =
    { "registration-key-revoked", 409,
      N_("This registration key has been revoked. Ask the registry administrator for a new one."), NULL },
  [KVOTA_ERROR_REGISTRATION_KEY_MISMATCH] =
    { "registration-key-mismatch", 409,
      N_("This registration key was issued for another organisation or type of account holder."), NULL },
  [KVOTA_ERROR_INVALID_DOCUMENT] =
    { "invalid-document", 400,
      N_("The document must be a PDF file or a PNG or JPEG scan, and not empty."), NULL },
  [KVOTA_ERROR_DOCUMENT_TOO_LARGE] =
    { "document-too-large", 413,
      N_("The document is larger than 10 MB."), NULL },
  [KVOTA_ERROR_APPLICATION_PENDING] =
    { "application-pending", 403,
      N_("Your application for registration is being reviewed by the registry administrator."), NULL },
  [KVOTA_ERROR_APPLICATION_DECLINED] =
    { "application-declined", 403,
      N_("Your application for registration was declined."), NULL },
  [KVOTA_ERROR_OTP_REQUIRED] =
    { "otp-required", 401,
      N_("Enter the one-time code from your authenticator app."), NULL },
  [KVOTA_ERROR_BAD_OTP] =
    { "bad-otp", 401,
      N_("The one-time code is wrong or has already been used."), NULL },
  [KVOTA_ERROR_TWO_FACTOR_REQUIRED] =
    { "two-factor-required", 403,
      N_("Set up two-factor login before you continue."), NULL },
  [KVOTA_ERROR_LAST_ADMINISTRATOR] =
    { "last-administrator", 409,
      N_("The registry must keep at least one active administrator."), NULL },
  [KVOTA_ERROR_INVALID_RESET_KEY] =
    { "invalid-reset-key", 400,
      N_("The password reset key is wrong or has expired."), NULL },
  [KVOTA_ERROR_PASSWORD_RESET_PENDING] =
    { "password-reset-pending", 403,
      N_("The administrator has reset your password. Please set a new one using the reset key you were given."), NULL },
  [KVOTA_ERROR_SPREADSHEET_UNSUPPORTED] =
    { "spreadsheet-unsupported", 415,
      N_("The file is not a spreadsheet Kvota can read. Save it as .xlsx, .xls or .ods."), NULL },
  [KVOTA_ERROR_SPREADSHEET_ENCRYPTED] =
    { "spreadsheet-encrypted", 422,
      N_("The spreadsheet is protected with a password. Save it without a password and try again."), NULL },
  [KVOTA_ERROR_SPREADSHEET_DAMAGED] =
    { "spreadsheet-damaged", 422,
      N_("The spreadsheet is damaged or incomplete. Save it again from the office suite, or send it again."), NULL },
  [KVOTA_ERROR_SPREADSHEET_TOO_LARGE] =
    { "spreadsheet-too-large", 413,
      N_("The spreadsheet is larger than Kvota can read."), NULL },
  [KVOTA_ERROR_SPREADSHEET_NO_SHEET] =
    { "spreadsheet-no-sheet", 404,
      N_("The spreadsheet has no such sheet."), NULL },
  [KVOTA_ERROR_NAP_INVALID] =
    { "nap-invalid", 422,
      N_("The allocation plan has errors; see its findings."), NULL },
  [KVOTA_ERROR_NAP_MISMATCH] =
    { "nap-mismatch", 422,
      N_("The plan sent does not match the plan in its file."), NULL },
  [KVOTA_ERROR_NAP_DRAFT_PENDING] =
    { "nap-draft-pending", 409,
      N_("Another draft plan for this period is waiting: apply or discard it first."), NULL },
  [KVOTA_ERROR_WRONG_PASSWORD] =
    { "wrong-password", 403,
      N_("The password you entered to confirm is wrong."), NULL },
  [KVOTA_ERROR_WRONG_OTP] =
    { "wrong-otp", 403,
      N_("The one-time code is wrong. Check the time on your phone and enter the code it shows now."), NULL },
  [KVOTA_ERROR_SESSION_REVOKED] =
    { "session-revoked", 401,
      N_("Your session was ended by the administrator. Please log in again."), NULL },
  [KVOTA_ERROR_NO_INTERMEDIARY] =
    { "no-intermediary", 409,
      N_("Choose a broker or trader first: quotas are sold only through your intermediary."), NULL },
  [KVOTA_ERROR_NOT_INTERMEDIARY] =
    { "not-intermediary", 403,
      N_("This nature user has not chosen you as its intermediary."), NULL },
  [KVOTA_ERROR_PRICE_TOO_LOW] =
    { "price-too-low", 409,
      N_("The price is below the minimum the seller set."), NULL },
  [KVOTA_ERROR_NO_VERIFIED_EMISSIONS] =
    { "no-verified-emissions", 409,
      N_("No verified emissions are recorded for this company and year: there is nothing to surrender against."), NULL },
  [KVOTA_ERROR_SURRENDER_EXCEEDS_EMISSIONS] =
    { "surrender-exceeds-emissions", 409,
      N_("The quantity is more than is still due for the verified emissions of that year."), NULL },
  [KVOTA_ERROR_VINTAGE_AFTER_COMPLIANCE_YEAR] =
    { "vintage-after-compliance-year", 409,
      N_("Quotas of a later vintage than the compliance year cannot be surrendered for it."), NULL },
  [KVOTA_ERROR_SECOND_PERSON_REQUIRED] =
    { "second-person-required", 409,
      N_("Whoever proposed or first approved this transaction cannot also confirm it: another administrator must."),
      NULL },
};

/* Errors about one value of a request carry the value's name, so that the
 * reply can point at it and a client can highlight the entry at fault. */
typedef struct
{
  char *field;
} KvotaErrorPrivate;

static void
kvota_error_private_init (KvotaErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
kvota_error_private_copy (const KvotaErrorPrivate *src,
                          KvotaErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
}

static void
kvota_error_private_clear (KvotaErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (KvotaError, kvota_error)

static const ErrorInfo *
lookup (KvotaError code)
{
  if ((guint) code >= KVOTA_ERROR_N_CODES)
    code = KVOTA_ERROR_FAILED;

  return &error_info[code];
}

/**
 * kvota_error_code_to_string:
 * @code: a #KvotaError
 *
 * Returns: (transfer none): the stable code that the HTTP API uses for @code
 */
const char *
kvota_error_code_to_string (KvotaError code)
{
  return lookup (code)->code;
}

/**
 * kvota_error_code_from_string:
 * @string: an API error code such as `insufficient-units`
 * @code: (out): where to store the #KvotaError
 *
 * Returns: %TRUE if @string names a known code
 */
gboolean
kvota_error_code_from_string (const char *string,
                              KvotaError *code)
{
  g_return_val_if_fail (code != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < KVOTA_ERROR_N_CODES; i++)
    {
      if (g_strcmp0 (error_info[i].code, string) == 0)
        {
          *code = (KvotaError) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * kvota_error_code_http_status:
 * @code: a #KvotaError
 *
 * Returns: the HTTP status the server answers with for @code
 */
guint
kvota_error_code_http_status (KvotaError code)
{
  return lookup (code)->http_status;
}

/**
 * kvota_error_code_describe:
 * @code: a #KvotaError
 *
 * Returns: (transfer none): the translated sentence for @code
 */
const char *
kvota_error_code_describe (KvotaError code)
{
  return _(lookup (code)->message);
}

/**
 * kvota_error_describe:
 * @code: a #KvotaError
 * @field: (nullable): the request value the error is about
 *
 * Returns: (transfer full): the translated sentence for @code, naming
 *   @field where the code has a sentence for it
 */
char *
kvota_error_describe (KvotaError  code,
                      const char *field)
{
  const ErrorInfo *info = lookup (code);

  if (field != NULL && info->field_message != NULL)
    {
      /* The table holds each format once, with exactly one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      return g_strdup_printf (_(info->field_message), field);
#pragma GCC diagnostic pop
    }

  return g_strdup (_(info->message));
}

/**
 * kvota_error_set_field:
 * @error: a #GError in the %KVOTA_ERROR domain
 * @field: (nullable): the request value @error is about
 */
void
kvota_error_set_field (GError     *error,
                       const char *field)
{
  KvotaErrorPrivate *priv;

  g_return_if_fail (error != NULL);

  if ((priv = kvota_error_get_private (error)) != NULL)
    {
      g_free (priv->field);
      priv->field = g_strdup (field);
    }
}

/**
 * kvota_error_get_field:
 * @error: a #GError
 *
 * Returns: (transfer none) (nullable): the request value @error is about
 */
const char *
kvota_error_get_field (const GError *error)
{
  KvotaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != KVOTA_ERROR)
    return NULL;

  priv = kvota_error_get_private (error);
  return priv != NULL ? priv->field : NULL;
}

/**
 * kvota_error_to_code:
 * @error: any #GError
 *
 * Returns: the #KvotaError code of @error, or %KVOTA_ERROR_FAILED for an
 *   error of another domain
 */
KvotaError
kvota_error_to_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, KVOTA_ERROR_FAILED);

  if (error->domain != KVOTA_ERROR || error->code < 0 || error->code >= KVOTA_ERROR_N_CODES)
    return KVOTA_ERROR_FAILED;

  return (KvotaError) error->code;
}

/**
 * kvota_set_error:
 * @error: return location for a #GError, or %NULL
 * @code: a #KvotaError
 * @field: (nullable): the request value the error is about
 *
 * Sets @error to @code with its translated sentence, naming @field.
 */
void
kvota_set_error (GError     **error,
                 KvotaError   code,
                 const char  *field)
{
  g_autofree char *message = NULL;
  GError *new_error;

  if (error == NULL)
    return;

  message = kvota_error_describe (code, field);
  new_error = g_error_new_literal (KVOTA_ERROR, code, message);
  kvota_error_set_field (new_error, field);
  g_propagate_error (error, new_error);
}
