/* kvota-trading-units-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-trading-units-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-trading-money.h"
#include "kvota-trading-rows.h"
#include "kvota-trading-units-dialog.h"

/* One dialog for what a holder does with a number of its units: sign them
 * for sale, ask to buy some, surrender or cancel them. It sends the
 * request itself and stays open with everything typed when the registry
 * refuses, showing why; it closes once the registry agreed, emitting
 * ::done with the reply. */

struct _KvotaTradingUnitsDialog
{
  AdwWindow              parent_instance;

  KvotaClient           *client;
  GCancellable          *cancellable;
  KvotaTradingUnitsMode  mode;
  GArray                *choices;    /* of KvotaHolding, as holding_row lists them */
  int                    year;
  int                    first_vintage;

  /* Template widgets */
  GtkButton             *submit_button;
  GtkSpinner            *spinner;
  AdwPreferencesGroup   *group;
  AdwComboRow           *holding_row;
  AdwComboRow           *unit_type_row;
  AdwComboRow           *vintage_row;
  AdwEntryRow           *quantity_row;
  AdwEntryRow           *price_row;
  GtkLabel              *error_label;
};

G_DEFINE_FINAL_TYPE (KvotaTradingUnitsDialog, kvota_trading_units_dialog, ADW_TYPE_WINDOW)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (KvotaTradingUnitsDialog *self,
            const char              *message,
            GtkWidget               *row)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);

  if (row != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_grab_focus (row);
    }
}

static void
clear_errors (KvotaTradingUnitsDialog *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->quantity_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->price_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->holding_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->vintage_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
set_busy (KvotaTradingUnitsDialog *self,
          gboolean                 busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !busy && self->choices != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->group), !busy);
}

static gboolean
uses_holdings (KvotaTradingUnitsDialog *self)
{
  return self->mode != KVOTA_TRADING_UNITS_BUY;
}

static const KvotaHolding *
get_choice (KvotaTradingUnitsDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->holding_row);

  if (self->choices == NULL || selected >= self->choices->len)
    return NULL;

  return &g_array_index (self->choices, KvotaHolding, selected);
}

static GtkWidget *
row_for_field (KvotaTradingUnitsDialog *self,
               const char              *field)
{
  if (field == NULL)
    return NULL;
  if (g_str_equal (field, "quantity"))
    return GTK_WIDGET (self->quantity_row);
  if (g_str_has_suffix (field, "price_tiyn"))
    return GTK_WIDGET (self->price_row);
  if (g_str_equal (field, "vintage") || g_str_equal (field, "unit_type"))
    return uses_holdings (self) ? GTK_WIDGET (self->holding_row) : GTK_WIDGET (self->vintage_row);
  return NULL;
}

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KvotaTradingUnitsDialog) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (reply == NULL)
    {
      /* An ended session takes the window back to the login page; what
       * was typed here stays until the dialog is closed. */
      show_error (self, error->message,
                  error->domain == KVOTA_ERROR ? row_for_field (self, kvota_error_get_field (error)) : NULL);
      return;
    }

  g_signal_emit (self, signals[DONE], 0, reply);
  gtk_window_destroy (GTK_WINDOW (self));
}

static const char *
path_for_mode (KvotaTradingUnitsMode mode)
{
  switch (mode)
    {
    case KVOTA_TRADING_UNITS_SELL:
      return "/api/v1/sale-orders";
    case KVOTA_TRADING_UNITS_BUY:
      return "/api/v1/buy-requests";
    case KVOTA_TRADING_UNITS_SURRENDER:
      return "/api/v1/surrenders";
    case KVOTA_TRADING_UNITS_CANCEL:
    default:
      return "/api/v1/cancellations";
    }
}

static void
submit (KvotaTradingUnitsDialog *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *price_text;
  KvotaUnitType unit_type;
  KvotaQuantity quantity;
  gint64 price = -1;
  int vintage;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->submit_button)))
    return;

  clear_errors (self);

  if (uses_holdings (self))
    {
      const KvotaHolding *holding = get_choice (self);

      if (holding == NULL)
        {
          show_error (self, _("Choose the units."), GTK_WIDGET (self->holding_row));
          return;
        }
      unit_type = holding->unit_type;
      vintage = holding->vintage;
    }
  else
    {
      unit_type = (KvotaUnitType) adw_combo_row_get_selected (self->unit_type_row);
      vintage = self->first_vintage + (int) adw_combo_row_get_selected (self->vintage_row);
    }

  if (!kvota_quantity_parse (gtk_editable_get_text (GTK_EDITABLE (self->quantity_row)), &quantity, NULL) ||
      quantity <= 0)
    {
      show_error (self, _("Enter the number of tonnes as a whole number greater than zero."),
                  GTK_WIDGET (self->quantity_row));
      return;
    }

  if (uses_holdings (self) && quantity > get_choice (self)->available)
    {
      g_autofree char *available = kvota_format_quantity (get_choice (self)->available);
      g_autofree char *message = NULL;

      /* Translators: %s is a number of tonnes, such as 12 000. */
      message = g_strdup_printf (_("The account has only %s t of these units available."), available);
      show_error (self, message, GTK_WIDGET (self->quantity_row));
      return;
    }

  price_text = gtk_editable_get_text (GTK_EDITABLE (self->price_row));
  if (gtk_widget_get_visible (GTK_WIDGET (self->price_row)) && price_text[0] != '\0' &&
      !kvota_trading_parse_tenge (price_text, &price, &error))
    {
      show_error (self, error->message, GTK_WIDGET (self->price_row));
      return;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  if (self->mode == KVOTA_TRADING_UNITS_SURRENDER)
    {
      json_builder_set_member_name (builder, "year");
      json_builder_add_int_value (builder, self->year);
    }
  json_builder_set_member_name (builder, "unit_type");
  json_builder_add_string_value (builder, kvota_unit_type_to_string (unit_type));
  json_builder_set_member_name (builder, "vintage");
  json_builder_add_int_value (builder, vintage);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, quantity);
  if (price >= 0)
    {
      json_builder_set_member_name (builder, self->mode == KVOTA_TRADING_UNITS_SELL ? "min_price_tiyn" : "max_price_tiyn");
      json_builder_add_int_value (builder, price);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  set_busy (self, TRUE);
  kvota_client_request_async (self->client, "POST", path_for_mode (self->mode), body,
                              self->cancellable, request_done_cb, g_object_ref (self));
}

static void
submit_button_clicked_cb (KvotaTradingUnitsDialog *self,
                          GtkButton               *button)
{
  submit (self);
}

static void
row_changed_cb (KvotaTradingUnitsDialog *self,
                GtkEditable             *editable)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

static void
kvota_trading_units_dialog_dispose (GObject *object)
{
  KvotaTradingUnitsDialog *self = (KvotaTradingUnitsDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->choices, g_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_TRADING_UNITS_DIALOG);

  G_OBJECT_CLASS (kvota_trading_units_dialog_parent_class)->dispose (object);
}

static void
kvota_trading_units_dialog_class_init (KvotaTradingUnitsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_trading_units_dialog_dispose;

  /**
   * KvotaTradingUnitsDialog::done:
   * @reply: the registry's reply
   *
   * The registry did what was asked; the dialog closes.
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-trading-units-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, submit_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, group);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, holding_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, unit_type_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, vintage_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, quantity_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, price_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaTradingUnitsDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, submit_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kvota_trading_units_dialog_init (KvotaTradingUnitsDialog *self)
{
  g_autoptr(GtkExpression) expression = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  adw_combo_row_set_expression (self->holding_row, expression);
  adw_combo_row_set_expression (self->unit_type_row, expression);
  adw_combo_row_set_expression (self->vintage_row, expression);
}

static void
set_up_holdings (KvotaTradingUnitsDialog *self,
                 GArray                  *holdings)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GArray) choices = g_array_new (FALSE, FALSE, sizeof (KvotaHolding));

  for (guint i = 0; holdings != NULL && i < holdings->len; i++)
    {
      const KvotaHolding *holding = &g_array_index (holdings, KvotaHolding, i);
      g_autofree char *units = NULL;
      g_autofree char *available = NULL;
      g_autofree char *name = NULL;

      if (holding->available <= 0)
        continue;
      /* Quotas of a later vintage never count for a compliance year. */
      if (self->mode == KVOTA_TRADING_UNITS_SURRENDER && holding->vintage > self->year)
        continue;

      units = kvota_trading_describe_units (holding->unit_type, holding->vintage);
      available = kvota_format_quantity (holding->available);
      /* Translators: a choice of units; the first %s is such as
       * “Quotas, vintage 2015”, the second a number of tonnes. */
      name = g_strdup_printf (_("%s — %s t available"), units, available);
      gtk_string_list_append (names, name);
      g_array_append_val (choices, *holding);
    }

  adw_combo_row_set_model (self->holding_row, G_LIST_MODEL (names));

  if (choices->len > 0)
    self->choices = g_steal_pointer (&choices);
  else
    show_error (self,
                self->mode == KVOTA_TRADING_UNITS_SURRENDER
                  ? _("The account has no available units of this compliance year’s vintage or earlier.")
                  : _("The account has no available units."),
                NULL);
}

static void
set_up_buying (KvotaTradingUnitsDialog *self,
               GArray                  *holdings)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) years = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int last = MAX (g_date_time_get_year (now), KVOTA_VINTAGE_MIN);
  int preferred = 0;

  for (int type = 0; type < KVOTA_N_UNIT_TYPES; type++)
    gtk_string_list_append (types, kvota_unit_type_describe ((KvotaUnitType) type));

  /* The vintages the registry accepts, up to this year; the latest the
   * account holds is the likeliest wish. */
  self->first_vintage = KVOTA_VINTAGE_MIN;
  for (int year = KVOTA_VINTAGE_MIN; year <= MIN (last, KVOTA_VINTAGE_MAX); year++)
    {
      g_autofree char *text = g_strdup_printf ("%d", year);

      gtk_string_list_append (years, text);
    }

  for (guint i = 0; holdings != NULL && i < holdings->len; i++)
    preferred = MAX (preferred, g_array_index (holdings, KvotaHolding, i).vintage);
  if (preferred == 0)
    preferred = last;

  adw_combo_row_set_model (self->unit_type_row, G_LIST_MODEL (types));
  adw_combo_row_set_model (self->vintage_row, G_LIST_MODEL (years));
  adw_combo_row_set_selected (self->vintage_row, (guint) CLAMP (preferred - self->first_vintage, 0, last - self->first_vintage));

  /* Asking to buy needs no holdings; there is always something to ask. */
  self->choices = g_array_new (FALSE, FALSE, sizeof (KvotaHolding));
}

/**
 * kvota_trading_units_dialog_new:
 * @parent: a widget of the window the dialog belongs to
 * @client: the signed-in client
 * @mode: what the dialog does
 * @holdings: (nullable): the account's holdings, of #KvotaHolding
 * @year: the compliance year, for %KVOTA_TRADING_UNITS_SURRENDER
 * @due: what is still due for @year, or 0
 *
 * Returns: (transfer none): the dialog, to be presented
 */
KvotaTradingUnitsDialog *
kvota_trading_units_dialog_new (GtkWidget             *parent,
                                KvotaClient           *client,
                                KvotaTradingUnitsMode  mode,
                                GArray                *holdings,
                                int                    year,
                                gint64                 due)
{
  KvotaTradingUnitsDialog *self;
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_TRADING_UNITS_DIALOG, NULL);
  self->client = g_object_ref (client);
  self->mode = mode;
  self->year = year;

  if ((root = gtk_widget_get_root (parent)) != NULL && GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));

  gtk_widget_set_visible (GTK_WIDGET (self->holding_row), uses_holdings (self));
  gtk_widget_set_visible (GTK_WIDGET (self->unit_type_row), !uses_holdings (self));
  gtk_widget_set_visible (GTK_WIDGET (self->vintage_row), !uses_holdings (self));
  gtk_widget_set_visible (GTK_WIDGET (self->price_row),
                          mode == KVOTA_TRADING_UNITS_SELL || mode == KVOTA_TRADING_UNITS_BUY);

  switch (mode)
    {
    case KVOTA_TRADING_UNITS_SELL:
      gtk_window_set_title (GTK_WINDOW (self), _("Sign Quotas for Sale"));
      gtk_button_set_label (self->submit_button, _("_Sign for Sale"));
      adw_preferences_group_set_description (self->group,
                                             _("The units are reserved in your account for your intermediary to sell. You can withdraw what is not sold yet."));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->price_row),
                                     _("Minimum Price per Unit, Tenge (Optional)"));
      break;

    case KVOTA_TRADING_UNITS_BUY:
      gtk_window_set_title (GTK_WINDOW (self), _("New Buy Request"));
      gtk_button_set_label (self->submit_button, _("_Send Request"));
      adw_preferences_group_set_description (self->group,
                                             _("Your intermediary is asked to buy these units for your account. Nothing is reserved."));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->price_row),
                                     _("Highest Price per Unit, Tenge (Optional)"));
      break;

    case KVOTA_TRADING_UNITS_SURRENDER:
      {
        g_autofree char *title = NULL;

        /* Translators: the title of a dialog; %d is a year. */
        title = g_strdup_printf (_("Surrender Quotas for %d"), year);
        gtk_window_set_title (GTK_WINDOW (self), title);
        gtk_button_set_label (self->submit_button, _("_Surrender"));
        adw_preferences_group_set_description (self->group,
                                               _("Surrendered units leave the account for good and count against the year’s verified emissions."));
        if (due > 0)
          {
            g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, due);

            gtk_editable_set_text (GTK_EDITABLE (self->quantity_row), text);
          }
      }
      break;

    case KVOTA_TRADING_UNITS_CANCEL:
    default:
      gtk_window_set_title (GTK_WINDOW (self), _("Cancel Units Voluntarily"));
      gtk_button_set_label (self->submit_button, _("Cancel _Units"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->submit_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->submit_button), "destructive-action");
      adw_preferences_group_set_description (self->group,
                                             _("Cancelled units leave the account for good and can never be used or sold. This cannot be undone."));
      break;
    }

  if (uses_holdings (self))
    set_up_holdings (self, holdings);
  else
    set_up_buying (self, holdings);

  set_busy (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->quantity_row));

#ifdef KVOTA_DEVELOPMENT
  /* Development builds only, for screenshots and UI tests:
   * KVOTA_UNITS_QUANTITY fills the quantity, KVOTA_UNITS_SUBMIT=1 sends. */
  if (g_getenv ("KVOTA_UNITS_QUANTITY") != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->quantity_row), g_getenv ("KVOTA_UNITS_QUANTITY"));
  if (g_strcmp0 (g_getenv ("KVOTA_UNITS_SUBMIT"), "1") == 0)
    submit (self);
#endif

  return self;
}
