/* kvota-trading-rows.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-rows"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-trading-money.h"
#include "kvota-trading-rows.h"

/**
 * kvota_trading_row_new:
 *
 * Returns: (transfer floating): an action row whose title and subtitle
 *   are plain text: names of companies may hold “&” or “<”
 */
GtkWidget *
kvota_trading_row_new (void)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  return row;
}

/**
 * kvota_trading_describe_units:
 * @unit_type: a unit type
 * @vintage: a year
 *
 * Returns: (transfer full): such as “Quotas, vintage 2015”
 */
char *
kvota_trading_describe_units (KvotaUnitType unit_type,
                              int           vintage)
{
  /* Translators: a kind of units; %s is the unit type, such as Quotas,
   * %d the vintage year, such as 2015. */
  return g_strdup_printf (_("%s, vintage %d"), kvota_unit_type_describe (unit_type), vintage);
}

static void
add_part (GString    *text,
          char       *part)
{
  /* Parts are whole phrases, each translated on its own; the middle dot
   * only lists them. */
  if (text->len > 0)
    g_string_append (text, " · ");
  g_string_append (text, part);
  g_free (part);
}

static GtkWidget *
add_suffix (AdwActionRow *row,
            const char   *state,
            gboolean      open,
            gint64        id,
            const char   *button_label,
            const char   *action_name)
{
  GtkWidget *label;

  label = gtk_label_new (state);
  gtk_widget_add_css_class (label, open ? "accent" : "dim-label");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (row, label);

  if (button_label != NULL && action_name != NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
      adw_action_row_add_suffix (row, button);
      return button;
    }

  return NULL;
}

/**
 * kvota_trading_order_row_new:
 * @order: the sale order
 * @show_seller: whether the row names the nature user (for its intermediary)
 * @button_label: (nullable): the mnemonic label of the row's button
 * @action_name: (nullable): the action the button activates, with the
 *   order's id as an `x` parameter
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
kvota_trading_order_row_new (KvotaTradingOrder *order,
                             gboolean           show_seller,
                             const char        *button_label,
                             const char        *action_name)
{
  const KvotaSaleOrder *o = kvota_trading_order_get_order (order);
  g_autofree char *units = kvota_trading_describe_units (o->unit_type, o->vintage);
  GString *subtitle = g_string_new (NULL);
  g_autofree char *subtitle_text = NULL;
  gboolean open = kvota_trading_order_is_open (order);
  g_autofree char *quantity = kvota_format_quantity (o->quantity);
  g_autofree char *reserved = kvota_format_quantity (o->reserved);
  g_autofree char *pending = kvota_format_quantity (o->pending);
  g_autofree char *price = o->min_price >= 0 ? kvota_trading_format_tiyn (o->min_price) : NULL;
  g_autofree char *date = kvota_format_date_time (o->created);
  AdwActionRow *row;

  row = ADW_ACTION_ROW (kvota_trading_row_new ());

  if (show_seller)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     o->organisation_name ? o->organisation_name : "");
      add_part (subtitle, g_strdup (units));
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), units);

  /* Translators: %s is a number of tonnes, such as 62 771. */
  add_part (subtitle, g_strdup_printf (_("signed: %s t"), quantity));
  if (open)
    {
      /* Translators: %s is a number of tonnes still for sale. */
      add_part (subtitle, g_strdup_printf (_("for sale: %s t"), reserved));
      if (o->pending > 0)
        /* Translators: %s is a number of tonnes in proposed sales. */
        add_part (subtitle, g_strdup_printf (_("in proposed sales: %s t"), pending));
    }
  if (o->min_price >= 0)
    /* Translators: %s is a price, such as 1 500,00 ₸. */
    add_part (subtitle, g_strdup_printf (_("minimum %s per unit"), price));
  if (o->created != NULL)
    /* Translators: %s is a date and time. */
    add_part (subtitle, g_strdup_printf (_("signed on %s"), date));

  subtitle_text = g_string_free (subtitle, FALSE);
  adw_action_row_set_subtitle (row, subtitle_text);

  add_suffix (row, kvota_trading_order_describe_state (order), open,
              o->id,
              open && o->reserved > 0 ? button_label : NULL,
              action_name);

  return GTK_WIDGET (row);
}

/**
 * kvota_trading_request_row_new:
 * @request: the buy request
 * @show_buyer: whether the row names the nature user (for its intermediary)
 * @button_label: (nullable): the mnemonic label of the row's button
 * @action_name: (nullable): the action the button activates, with the
 *   request's id as an `x` parameter
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
kvota_trading_request_row_new (KvotaTradingRequest *request,
                               gboolean             show_buyer,
                               const char          *button_label,
                               const char          *action_name)
{
  g_autofree char *units = NULL;
  g_autofree char *subtitle_text = NULL;
  GString *subtitle = g_string_new (NULL);
  gboolean open = kvota_trading_request_is_open (request);
  g_autofree char *quantity = kvota_format_quantity (kvota_trading_request_get_quantity (request));
  g_autofree char *price = kvota_trading_request_get_max_price (request) >= 0
                           ? kvota_trading_format_tiyn (kvota_trading_request_get_max_price (request)) : NULL;
  g_autofree char *date = kvota_format_date_time (kvota_trading_request_get_created (request));
  AdwActionRow *row;

  units = kvota_trading_describe_units (kvota_trading_request_get_unit_type (request),
                                        kvota_trading_request_get_vintage (request));
  row = ADW_ACTION_ROW (kvota_trading_row_new ());

  if (show_buyer)
    {
      const char *name = kvota_trading_request_get_organisation (request);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name ? name : "");
      add_part (subtitle, g_strdup (units));
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), units);

  /* Translators: %s is a number of tonnes wanted. */
  add_part (subtitle, g_strdup_printf (_("wanted: %s t"), quantity));
  if (price != NULL)
    /* Translators: %s is a price, such as 1 500,00 ₸. */
    add_part (subtitle, g_strdup_printf (_("at most %s per unit"), price));
  if (kvota_trading_request_get_created (request) != NULL)
    /* Translators: %s is a date and time. */
    add_part (subtitle, g_strdup_printf (_("asked on %s"), date));

  subtitle_text = g_string_free (subtitle, FALSE);
  adw_action_row_set_subtitle (row, subtitle_text);

  add_suffix (row,
              open ? C_("buy request state", "Open") : C_("buy request state", "Withdrawn"),
              open,
              kvota_trading_request_get_id (request),
              open ? button_label : NULL,
              action_name);

  return GTK_WIDGET (row);
}

/**
 * kvota_trading_transfer_row_new:
 * @transaction: a transfer
 * @button_label: (nullable): the mnemonic label of the row's button, shown
 *   while the transfer is proposed
 * @action_name: (nullable): the action the button activates, with the
 *   transaction's id as an `x` parameter
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
kvota_trading_transfer_row_new (const KvotaTransaction *transaction,
                                const char             *button_label,
                                const char             *action_name)
{
  g_autofree char *units = kvota_trading_describe_units (transaction->unit_type, transaction->vintage);
  g_autofree char *quantity = kvota_format_quantity (transaction->quantity);
  g_autofree char *date = kvota_format_date_time (transaction->created);
  g_autofree char *title = NULL;
  g_autofree char *subtitle_text = NULL;
  GString *subtitle = g_string_new (NULL);
  gboolean proposed = transaction->state == KVOTA_TRANSACTION_STATE_PROPOSED;
  const char *state;
  AdwActionRow *row;

  /* Translators: a transfer; the first %s is the kind of units, such as
   * “Quotas, vintage 2015”, the second a number of tonnes. */
  title = g_strdup_printf (_("%s: %s t"), units, quantity);

  /* Translators: %s is the account number of the buyer, such as KZ-100-000005. */
  add_part (subtitle, g_strdup_printf (_("to %s"), transaction->to_account ? transaction->to_account : ""));
  if (transaction->price >= 0)
    {
      g_autofree char *price = kvota_trading_format_tiyn (transaction->price);

      /* Translators: %s is a price, such as 1 500,00 ₸. */
      add_part (subtitle, g_strdup_printf (_("%s per unit"), price));
    }
  /* Translators: %s is a date and time. */
  add_part (subtitle, g_strdup_printf (_("proposed on %s"), date));
  if (transaction->reason != NULL && transaction->reason[0] != '\0')
    /* Translators: %s is the administrator's reason for a rejection. */
    add_part (subtitle, g_strdup_printf (_("reason: %s"), transaction->reason));
  subtitle_text = g_string_free (subtitle, FALSE);

  row = ADW_ACTION_ROW (kvota_trading_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle_text);

  if (proposed)
    state = transaction->approved_by != NULL
            ? _("Approved once, awaiting a second administrator")
            : _("Awaiting confirmation");
  else
    state = kvota_format_transaction_state (transaction->state);

  add_suffix (row, state, proposed, transaction->id,
              proposed ? button_label : NULL, action_name);

  return GTK_WIDGET (row);
}

/**
 * kvota_trading_placeholder_new:
 * @text: what an empty list says
 *
 * Returns: (transfer floating): the placeholder of a list of orders,
 *   requests or transfers
 */
GtkWidget *
kvota_trading_placeholder_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  return label;
}

/**
 * kvota_trading_item_is_open:
 * @item: a #KvotaTradingOrder, a #KvotaTradingRequest or another item
 *
 * Returns: whether @item is an order or request still open; other items
 *   always count as open
 */
gboolean
kvota_trading_item_is_open (gpointer item)
{
  if (KVOTA_IS_TRADING_ORDER (item))
    return kvota_trading_order_is_open (item);
  if (KVOTA_IS_TRADING_REQUEST (item))
    return kvota_trading_request_is_open (item);
  return TRUE;
}

/**
 * kvota_trading_store_replace:
 * @store: a store of #KvotaTradingOrder or of #KvotaTradingRequest
 * @root: the reply of `GET /api/v1/sale-orders` or `/api/v1/buy-requests`
 *
 * Replaces what @store holds with the orders or requests of @root.
 *
 * Returns: %FALSE, leaving @store as it was, if @root is not such a reply
 */
gboolean
kvota_trading_store_replace (GListStore *store,
                             JsonNode   *root)
{
  gboolean orders = g_list_model_get_item_type (G_LIST_MODEL (store)) == KVOTA_TYPE_TRADING_ORDER;
  g_autoptr(GPtrArray) items = NULL;

  items = kvota_json_read_list (root, orders ? "sale_orders" : "buy_requests",
                                orders ? (KvotaJsonDecodeFunc) kvota_trading_order_new_from_json
                                       : (KvotaJsonDecodeFunc) kvota_trading_request_new_from_json,
                                g_object_unref, NULL);
  if (items == NULL)
    return FALSE;

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata, items->len);
  return TRUE;
}
