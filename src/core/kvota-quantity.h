/* kvota-quantity.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * KvotaQuantity:
 *
 * A number of units: whole tonnes of CO2-equivalent. Every arithmetic on
 * quantities goes through the checked helpers below.
 */
typedef gint64 KvotaQuantity;

#define KVOTA_QUANTITY_MAX G_MAXINT64

gboolean kvota_quantity_add      (KvotaQuantity  a,
                                  KvotaQuantity  b,
                                  KvotaQuantity *result,
                                  GError       **error);
gboolean kvota_quantity_subtract (KvotaQuantity  a,
                                  KvotaQuantity  b,
                                  KvotaQuantity *result,
                                  GError       **error);
gboolean kvota_quantity_multiply (KvotaQuantity  a,
                                  KvotaQuantity  b,
                                  KvotaQuantity *result,
                                  GError       **error);
gboolean kvota_quantity_validate (KvotaQuantity  quantity,
                                  GError       **error);
gboolean kvota_quantity_parse    (const char    *text,
                                  KvotaQuantity *result,
                                  GError       **error);
char    *kvota_quantity_format   (KvotaQuantity  quantity);

G_END_DECLS
