/* kvota-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KVOTA_ERROR (kvota_error_quark ())

/**
 * KvotaError:
 *
 * Every failure Kvota reports. The nick of each code (see
 * kvota_error_code_to_string()) is the stable `code` of the HTTP API's
 * error replies, so clients translate a reply into a sentence from the code
 * alone. Never renumber or rename a code; add new ones at the end.
 */
typedef enum
{
  KVOTA_ERROR_FAILED,
  /* Requests */
  KVOTA_ERROR_MALFORMED_JSON,
  KVOTA_ERROR_INVALID_UTF8,
  KVOTA_ERROR_WRONG_TYPE,
  KVOTA_ERROR_MISSING_FIELD,
  KVOTA_ERROR_UNKNOWN_FIELD,
  KVOTA_ERROR_INVALID_VALUE,
  KVOTA_ERROR_BODY_TOO_LARGE,
  KVOTA_ERROR_LENGTH_REQUIRED,
  KVOTA_ERROR_NOT_FOUND,
  KVOTA_ERROR_METHOD_NOT_ALLOWED,
  /* Access */
  KVOTA_ERROR_UNAUTHENTICATED,
  KVOTA_ERROR_INVALID_TOKEN,
  KVOTA_ERROR_SESSION_EXPIRED,
  KVOTA_ERROR_BAD_CREDENTIALS,
  KVOTA_ERROR_TOO_MANY_ATTEMPTS,
  KVOTA_ERROR_USER_BLOCKED,
  KVOTA_ERROR_FORBIDDEN,
  /* Identities */
  KVOTA_ERROR_INVALID_BIN,
  KVOTA_ERROR_DUPLICATE_BIN,
  KVOTA_ERROR_DUPLICATE_USERNAME,
  KVOTA_ERROR_WEAK_PASSWORD,
  /* Ledger */
  KVOTA_ERROR_INVALID_QUANTITY,
  KVOTA_ERROR_QUANTITY_OVERFLOW,
  KVOTA_ERROR_INSUFFICIENT_UNITS,
  KVOTA_ERROR_SAME_ACCOUNT,
  KVOTA_ERROR_ACCOUNT_NOT_HOLDING,
  KVOTA_ERROR_ACCOUNT_BLOCKED,
  KVOTA_ERROR_INVALID_STATE,
  KVOTA_ERROR_INVARIANT_BROKEN,
  /* Storage */
  KVOTA_ERROR_STORAGE,
  KVOTA_ERROR_SCHEMA_TOO_NEW,
  KVOTA_ERROR_AUDIT_BROKEN,
  KVOTA_ERROR_NOT_A_REGISTRY,
  /* Registration and access */
  KVOTA_ERROR_INVALID_REGISTRATION_KEY,
  KVOTA_ERROR_REGISTRATION_KEY_EXPIRED,
  KVOTA_ERROR_REGISTRATION_KEY_USED,
  KVOTA_ERROR_REGISTRATION_KEY_REVOKED,
  KVOTA_ERROR_REGISTRATION_KEY_MISMATCH,
  KVOTA_ERROR_INVALID_DOCUMENT,
  KVOTA_ERROR_DOCUMENT_TOO_LARGE,
  KVOTA_ERROR_APPLICATION_PENDING,
  KVOTA_ERROR_APPLICATION_DECLINED,
  KVOTA_ERROR_OTP_REQUIRED,
  KVOTA_ERROR_BAD_OTP,
  KVOTA_ERROR_TWO_FACTOR_REQUIRED,
  KVOTA_ERROR_LAST_ADMINISTRATOR,
  KVOTA_ERROR_INVALID_RESET_KEY,
  KVOTA_ERROR_PASSWORD_RESET_PENDING,
  /* Spreadsheets */
  KVOTA_ERROR_SPREADSHEET_UNSUPPORTED,
  KVOTA_ERROR_SPREADSHEET_ENCRYPTED,
  KVOTA_ERROR_SPREADSHEET_DAMAGED,
  KVOTA_ERROR_SPREADSHEET_TOO_LARGE,
  KVOTA_ERROR_SPREADSHEET_NO_SHEET,
  /* National Allocation Plans */
  KVOTA_ERROR_NAP_INVALID,
  KVOTA_ERROR_NAP_MISMATCH,
  KVOTA_ERROR_NAP_DRAFT_PENDING,
  /* Confirmations inside a session */
  KVOTA_ERROR_WRONG_PASSWORD,
  KVOTA_ERROR_WRONG_OTP,
  KVOTA_ERROR_SESSION_REVOKED,
  /* Trading */
  KVOTA_ERROR_NO_INTERMEDIARY,
  KVOTA_ERROR_NOT_INTERMEDIARY,
  KVOTA_ERROR_PRICE_TOO_LOW,
  /* Compliance */
  KVOTA_ERROR_NO_VERIFIED_EMISSIONS,
  KVOTA_ERROR_SURRENDER_EXCEEDS_EMISSIONS,
  KVOTA_ERROR_VINTAGE_AFTER_COMPLIANCE_YEAR,
  /* Four eyes */
  KVOTA_ERROR_SECOND_PERSON_REQUIRED,
} KvotaError;

#define KVOTA_ERROR_N_CODES (KVOTA_ERROR_SECOND_PERSON_REQUIRED + 1)

GQuark       kvota_error_quark               (void);
const char  *kvota_error_code_to_string      (KvotaError   code);
gboolean     kvota_error_code_from_string    (const char  *string,
                                              KvotaError  *code);
guint        kvota_error_code_http_status    (KvotaError   code);
const char  *kvota_error_code_describe       (KvotaError   code);
char        *kvota_error_describe            (KvotaError   code,
                                              const char  *field);
void         kvota_error_set_field           (GError      *error,
                                              const char  *field);
const char  *kvota_error_get_field           (const GError *error);
KvotaError   kvota_error_to_code             (const GError *error);
void         kvota_set_error                 (GError     **error,
                                              KvotaError   code,
                                              const char  *field);

G_END_DECLS
