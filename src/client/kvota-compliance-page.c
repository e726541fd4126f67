/* kvota-compliance-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-compliance-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-compliance-page.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-pages.h"
#include "kvota-trading-units-dialog.h"

/* A nature user's compliance: for a year, its verified emissions, the
 * quotas it surrendered against them and what is still due. Its
 * representative surrenders quotas of that year's vintage or earlier,
 * or cancels units voluntarily; its accountant only reads. */

struct _KvotaCompliancePage
{
  GtkWidget      parent_instance;

  KvotaClient   *client;
  GCancellable  *cancellable;
  GCancellable  *year_cancellable;
  gboolean       requested;
  gboolean       has_content;
  gboolean       setting_up;
  GArray        *holdings;       /* of KvotaHolding */
  int            first_year;
  int            year;
  gint64         due;

  /* Template widgets */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *error_page;
  GtkDropDown   *year_dropdown;
  GtkSpinner    *year_spinner;
  GtkWidget     *cancel_button;
  GtkWidget     *surrender_button;
  GtkLabel      *status_label;
  GtkLabel      *explanation_label;
  GtkLabel      *emitted_label;
  GtkLabel      *surrendered_label;
  GtkLabel      *due_label;
};

G_DEFINE_FINAL_TYPE (KvotaCompliancePage, kvota_compliance_page, GTK_TYPE_WIDGET)

static void load_year (KvotaCompliancePage *self);

static gboolean
acts (KvotaCompliancePage *self)
{
  const KvotaUser *user = self->client != NULL ? kvota_client_get_user (self->client) : NULL;

  return user != NULL && kvota_user_acts (user);
}

static void
toast (KvotaCompliancePage *self,
       const char          *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static void
show (KvotaCompliancePage *self,
      const char          *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
show_error (KvotaCompliancePage *self,
            const GError        *error)
{
  if (kvota_client_error_is_session_end (error))
    {
      self->requested = FALSE;
      return;
    }

  if (self->has_content)
    {
      toast (self, error->message);
      return;
    }

  adw_status_page_set_description (self->error_page, error->message);
  show (self, "error");
}

static GError *
bad_reply (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                              kvota_error_code_describe (KVOTA_ERROR_FAILED));
}

static void
set_quantity (GtkLabel *label,
              gint64    quantity)
{
  g_autofree char *text = kvota_format_quantity (quantity);

  gtk_label_set_label (label, text);
}

static void
show_status (KvotaCompliancePage *self,
             const char          *status,
             gint64               emitted,
             gint64               surrendered,
             gint64               due)
{
  g_autofree char *title = NULL;
  g_autofree char *explanation = NULL;

  set_quantity (self->emitted_label, emitted);
  set_quantity (self->surrendered_label, surrendered);
  set_quantity (self->due_label, due);
  self->due = due;

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");

  if (g_strcmp0 (status, "compliant") == 0)
    {
      /* Translators: %d is a compliance year. */
      title = g_strdup_printf (_("Compliant for %d"), self->year);
      explanation = g_strdup (_("The quotas surrendered cover the year’s verified emissions."));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "success");
    }
  else if (g_strcmp0 (status, "short") == 0)
    {
      g_autofree char *due_text = kvota_format_quantity (due);

      /* Translators: %d is a compliance year. */
      title = g_strdup_printf (_("Surrender Due for %d"), self->year);
      /* Translators: %s is a number of tonnes, %d a year. */
      explanation = g_strdup_printf (_("%s t are still to be surrendered against the year’s verified emissions. Quotas of vintage %d or earlier count."),
                                     due_text, self->year);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "warning");
    }
  else
    {
      /* Translators: %d is a compliance year. */
      title = g_strdup_printf (_("No Verified Emissions for %d"), self->year);
      explanation = g_strdup (_("The registry has no verified emissions of your installations for this year yet. Quotas can be surrendered once they are recorded."));
    }

  gtk_label_set_label (self->status_label, title);
  gtk_label_set_label (self->explanation_label, explanation);

  gtk_widget_set_sensitive (self->surrender_button, due > 0);
  gtk_widget_set_tooltip_text (self->surrender_button,
                               due > 0 ? _("Surrender quotas against the year’s verified emissions")
                                       : _("Nothing is due for this year"));
}

static void
compliance_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(KvotaCompliancePage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *status = NULL;
  JsonArray *list;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->year_spinner);

  if (root == NULL)
    {
      show_error (self, error);
      return;
    }

  if ((list = kvota_json_get_array (root, "compliance")) != NULL &&
      json_array_get_length (list) > 0)
    status = json_array_get_object_element (list, 0);

  if (status == NULL)
    {
      g_autoptr(GError) invalid = bad_reply ();

      show_error (self, invalid);
      return;
    }

  show_status (self,
               json_object_get_string_member_with_default (status, "status", ""),
               json_object_get_int_member_with_default (status, "emitted", 0),
               json_object_get_int_member_with_default (status, "surrendered", 0),
               json_object_get_int_member_with_default (status, "due", 0));

  self->has_content = TRUE;
  show (self, "content");

#ifdef KVOTA_DEVELOPMENT
  {
    /* Development builds only: KVOTA_COMPLIANCE_OPEN names a page action
     * (surrender, cancel-units) to run once, for screenshots and UI tests. */
    static gboolean done;
    const char *name = g_getenv ("KVOTA_COMPLIANCE_OPEN");

    if (!done && name != NULL && name[0] != '\0')
      {
        g_autofree char *action = g_strconcat ("page.", name, NULL);

        done = TRUE;
        gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
      }
  }
#endif
}

static void
load_year (KvotaCompliancePage *self)
{
  g_autofree char *path = NULL;

  g_cancellable_cancel (self->year_cancellable);
  g_clear_object (&self->year_cancellable);
  self->year_cancellable = g_cancellable_new ();

  gtk_spinner_start (self->year_spinner);
  path = g_strdup_printf ("/api/v1/compliance?year=%d", self->year);
  kvota_client_request_async (self->client, "GET", path, NULL, self->year_cancellable,
                              compliance_loaded_cb, g_object_ref (self));
}

static void
year_selected_cb (KvotaCompliancePage *self,
                  GParamSpec          *pspec,
                  GtkDropDown         *dropdown)
{
  if (self->setting_up)
    return;

  self->year = self->first_year + (int) gtk_drop_down_get_selected (dropdown);
  load_year (self);
}

static void
set_up_years (KvotaCompliancePage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GtkStringList) years = gtk_string_list_new (NULL);
  int last = CLAMP (g_date_time_get_year (now), KVOTA_VINTAGE_MIN, KVOTA_VINTAGE_MAX);
  int preferred = 0;

  self->first_year = KVOTA_VINTAGE_MIN;
  for (int year = self->first_year; year <= last; year++)
    {
      g_autofree char *text = g_strdup_printf ("%d", year);

      gtk_string_list_append (years, text);
    }

  /* The year the account was last allocated for is the likeliest to
   * settle; otherwise the year that ended last. */
  for (guint i = 0; self->holdings != NULL && i < self->holdings->len; i++)
    preferred = MAX (preferred, g_array_index (self->holdings, KvotaHolding, i).vintage);
  if (preferred == 0 || preferred > last)
    preferred = MAX (last - 1, self->first_year);

  self->setting_up = TRUE;
  gtk_drop_down_set_model (self->year_dropdown, G_LIST_MODEL (years));
  gtk_drop_down_set_selected (self->year_dropdown, (guint) (preferred - self->first_year));
  self->setting_up = FALSE;
  self->year = preferred;
}

static void
account_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KvotaCompliancePage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) holdings = g_array_new (FALSE, FALSE, sizeof (KvotaHolding));
  JsonArray *list;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      show_error (self, error);
      return;
    }

  if ((list = kvota_json_get_array (root, "holdings")) == NULL)
    goto invalid;

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      KvotaHolding holding;

      if (!kvota_holding_from_json (json_array_get_element (list, i), &holding, NULL))
        goto invalid;
      g_array_append_val (holdings, holding);
    }

  g_clear_pointer (&self->holdings, g_array_unref);
  self->holdings = g_steal_pointer (&holdings);

  /* The first time, the year follows the holdings; later the user's
   * choice stays. */
  if (self->year == 0)
    set_up_years (self);

  load_year (self);
  return;

invalid:
  error = bad_reply ();
  show_error (self, error);
}

static void
reload (KvotaCompliancePage *self)
{
  const KvotaUser *user = self->client != NULL ? kvota_client_get_user (self->client) : NULL;
  g_autofree char *account = NULL;
  g_autofree char *path = NULL;

  if (user == NULL || user->organisation->account == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->requested = TRUE;

  if (!self->has_content)
    show (self, "loading");

  account = g_uri_escape_string (user->organisation->account, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/accounts/%s", account);
  kvota_client_request_async (self->client, "GET", path, NULL, self->cancellable,
                              account_loaded_cb, g_object_ref (self));
}

static void
units_dialog_done_cb (KvotaCompliancePage     *self,
                      JsonNode                *reply,
                      KvotaTradingUnitsDialog *dialog)
{
  const char *message = g_object_get_data (G_OBJECT (dialog), "kvota-done-message");

  toast (self, message);
  reload (self);
}

static void
open_units_dialog (KvotaCompliancePage   *self,
                   KvotaTradingUnitsMode  mode,
                   char                  *done_message)
{
  KvotaTradingUnitsDialog *dialog;

  dialog = kvota_trading_units_dialog_new (GTK_WIDGET (self), self->client, mode,
                                           self->holdings, self->year, self->due);
  g_object_set_data_full (G_OBJECT (dialog), "kvota-done-message", done_message, g_free);
  g_signal_connect_object (dialog, "done", G_CALLBACK (units_dialog_done_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
surrender_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KvotaCompliancePage *self = KVOTA_COMPLIANCE_PAGE (widget);

  /* Translators: %d is a compliance year. */
  open_units_dialog (self, KVOTA_TRADING_UNITS_SURRENDER,
                     g_strdup_printf (_("The quotas are surrendered for %d."), self->year));
}

static void
cancel_units_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  open_units_dialog (KVOTA_COMPLIANCE_PAGE (widget), KVOTA_TRADING_UNITS_CANCEL,
                     g_strdup (_("The units are cancelled.")));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_COMPLIANCE_PAGE (widget));
}

static void
kvota_compliance_page_map (GtkWidget *widget)
{
  KvotaCompliancePage *self = KVOTA_COMPLIANCE_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_compliance_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

static void
kvota_compliance_page_dispose (GObject *object)
{
  KvotaCompliancePage *self = (KvotaCompliancePage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->year_cancellable);
  g_clear_object (&self->year_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_COMPLIANCE_PAGE);

  g_clear_object (&self->client);
  g_clear_pointer (&self->holdings, g_array_unref);

  G_OBJECT_CLASS (kvota_compliance_page_parent_class)->dispose (object);
}

static void
kvota_compliance_page_class_init (KvotaCompliancePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_compliance_page_dispose;

  widget_class->map = kvota_compliance_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-compliance-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, year_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, year_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, surrender_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, emitted_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, surrendered_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaCompliancePage, due_label);
  gtk_widget_class_bind_template_callback (widget_class, year_selected_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.surrender", NULL, surrender_action);
  gtk_widget_class_install_action (widget_class, "page.cancel-units", NULL, cancel_units_action);
}

static void
kvota_compliance_page_init (KvotaCompliancePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * kvota_compliance_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_compliance_page_new (KvotaClient *client)
{
  KvotaCompliancePage *self = g_object_new (KVOTA_TYPE_COMPLIANCE_PAGE, NULL);

  kvota_compliance_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_compliance_page_set_client (KvotaCompliancePage *self,
                                  KvotaClient         *client)
{
  gboolean acting;

  g_return_if_fail (KVOTA_IS_COMPLIANCE_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  self->requested = FALSE;
  self->has_content = FALSE;

  /* Accountants read: nothing that changes the account is offered. */
  acting = acts (self);
  gtk_widget_set_visible (self->surrender_button, acting);
  gtk_widget_set_visible (self->cancel_button, acting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.surrender", acting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.cancel-units", acting);
}
