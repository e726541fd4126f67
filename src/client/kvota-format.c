/* kvota-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-format"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kvota-format.h"

/* U+202F NARROW NO-BREAK SPACE: how Kazakh and Russian group digits, and
 * the international (SI) way when the locale says nothing. */
#define FALLBACK_SEPARATOR "\u202f"

/**
 * kvota_format_quantity:
 * @quantity: a whole number, such as tonnes
 *
 * Groups the digits by three with the locale's thousands separator
 * (1 252 950 in Kazakh and Russian, 1,252,950 in English). The C locale
 * has none, and a registry's figures are unreadable without one, so a
 * narrow no-break space stands in.
 *
 * Returns: (transfer full): the number for people to read
 */
char *
kvota_format_quantity (gint64 quantity)
{
  const struct lconv *conv = localeconv ();
  const char *separator = conv->thousands_sep;
  g_autofree char *digits = NULL;
  GString *text;
  gsize n_digits;
  gsize start = 0;

  if (separator == NULL || separator[0] == '\0')
    separator = FALLBACK_SEPARATOR;

  digits = g_strdup_printf ("%" G_GINT64_FORMAT, quantity);
  text = g_string_new (NULL);

  if (digits[0] == '-')
    {
      /* U+2212 MINUS SIGN reads better than a hyphen next to digits. */
      g_string_append (text, "\u2212");
      start = 1;
    }

  n_digits = strlen (digits + start);
  for (gsize i = 0; i < n_digits; i++)
    {
      if (i > 0 && (n_digits - i) % 3 == 0)
        g_string_append (text, separator);
      g_string_append_c (text, digits[start + i]);
    }

  return g_string_free (text, FALSE);
}

/**
 * kvota_format_date_time:
 * @time: (nullable): a time
 *
 * Returns: (transfer full): @time in the local time zone, or an empty
 *   string for %NULL
 */
char *
kvota_format_date_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);

  /* Translators: the date and time of a transaction, as strftime() takes
   * it; for example "%d.%m.%Y %H:%M" for Russian and Kazakh. */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

/**
 * kvota_format_progress_bar:
 * @bar: a #GtkProgressBar
 * @sent: bytes sent so far
 * @total: bytes to send
 *
 * Shows how much of an upload is sent: the bar's fraction, and its text.
 */
void
kvota_format_progress_bar (GtkProgressBar *bar,
                           goffset         sent,
                           goffset         total)
{
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_PROGRESS_BAR (bar));

  if (total <= 0)
    return;

  sent_text = g_format_size ((guint64) sent);
  total_text = g_format_size ((guint64) total);
  /* Translators: how much of an upload is sent, such as "1.2 MB of 4.0 MB sent". */
  text = g_strdup_printf (_("%s of %s sent"), sent_text, total_text);

  gtk_progress_bar_set_fraction (bar, (double) sent / (double) total);
  gtk_progress_bar_set_text (bar, text);
  gtk_progress_bar_set_show_text (bar, TRUE);
}

/**
 * kvota_format_transaction_kind:
 * @kind: a #KvotaTransactionKind
 *
 * Returns: (transfer none): the translated name of @kind
 */
const char *
kvota_format_transaction_kind (KvotaTransactionKind kind)
{
  switch (kind)
    {
    case KVOTA_TRANSACTION_KIND_ISSUANCE:
      return C_("transaction kind", "Issuance");
    case KVOTA_TRANSACTION_KIND_TRANSFER:
      return C_("transaction kind", "Transfer");
    case KVOTA_TRANSACTION_KIND_SURRENDER:
      return C_("transaction kind", "Surrender");
    case KVOTA_TRANSACTION_KIND_CANCELLATION:
      return C_("transaction kind", "Cancellation");
    case KVOTA_N_TRANSACTION_KINDS:
    default:
      return "";
    }
}

/**
 * kvota_format_transaction_state:
 * @state: a #KvotaTransactionState
 *
 * Returns: (transfer none): the translated name of @state
 */
const char *
kvota_format_transaction_state (KvotaTransactionState state)
{
  switch (state)
    {
    case KVOTA_TRANSACTION_STATE_PROPOSED:
      return C_("transaction state", "Proposed");
    case KVOTA_TRANSACTION_STATE_COMPLETED:
      return C_("transaction state", "Completed");
    case KVOTA_TRANSACTION_STATE_REJECTED:
      return C_("transaction state", "Rejected");
    case KVOTA_TRANSACTION_STATE_CANCELLED:
      return C_("transaction state", "Cancelled");
    case KVOTA_N_TRANSACTION_STATES:
    default:
      return "";
    }
}

/* Closures for the cells of lists and tables, as templates call them:
 * <closure type="gchararray" function="format_quantity">. The first
 * argument is the expression's this object, which they do not need. */

static char *
format_quantity (gpointer this_object,
                 gint64   quantity)
{
  return kvota_format_quantity (quantity);
}

static char *
format_id (gpointer this_object,
           gint64   id)
{
  /* Numbers that name things are not grouped: No. 1234. */
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

static char *
format_year (gpointer this_object,
             int      year)
{
  /* Years are never grouped: 2015, not 2 015. */
  return g_strdup_printf ("%d", year);
}

static char *
format_unit_type (gpointer this_object,
                  int      unit_type)
{
  if (unit_type < 0 || unit_type >= KVOTA_N_UNIT_TYPES)
    return g_strdup ("");

  return g_strdup (kvota_unit_type_describe ((KvotaUnitType) unit_type));
}

static char *
format_transaction_kind (gpointer this_object,
                         int      kind)
{
  return g_strdup (kvota_format_transaction_kind ((KvotaTransactionKind) kind));
}

static char *
format_transaction_state (gpointer this_object,
                          int      state)
{
  return g_strdup (kvota_format_transaction_state ((KvotaTransactionState) state));
}

static char *
format_date_time (gpointer   this_object,
                  GDateTime *time)
{
  return kvota_format_date_time (time);
}

static char *
format_account (gpointer    this_object,
                const char *account)
{
  /* Issuances come from no account, surrenders go to none. */
  return g_strdup (account != NULL ? account : "\u2014");
}

/**
 * kvota_format_bind_closures:
 * @widget_class: a widget class with a template
 *
 * Makes the formatting closures available to @widget_class's template:
 * `format_quantity`, `format_id`, `format_year`, `format_unit_type`,
 * `format_transaction_kind`, `format_transaction_state`,
 * `format_date_time` and `format_account`.
 */
void
kvota_format_bind_closures (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, format_quantity);
  gtk_widget_class_bind_template_callback (widget_class, format_id);
  gtk_widget_class_bind_template_callback (widget_class, format_year);
  gtk_widget_class_bind_template_callback (widget_class, format_unit_type);
  gtk_widget_class_bind_template_callback (widget_class, format_transaction_kind);
  gtk_widget_class_bind_template_callback (widget_class, format_transaction_state);
  gtk_widget_class_bind_template_callback (widget_class, format_date_time);
  gtk_widget_class_bind_template_callback (widget_class, format_account);
}
