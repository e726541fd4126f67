/* kvota-document.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Signed applications and deal confirmations: scans or PDFs. */
#define KVOTA_DOCUMENT_MAX_SIZE (10 * 1024 * 1024)

const char *kvota_document_sniff        (const guchar  *data,
                                         gsize          length);
GBytes     *kvota_document_decode_base64 (const char   *base64,
                                         gsize          max_size,
                                         const char    *field,
                                         GError       **error);
GBytes     *kvota_document_decode       (const char    *base64,
                                         const char   **content_type,
                                         GError       **error);
char       *kvota_document_check_name   (const char    *name);

G_END_DECLS
