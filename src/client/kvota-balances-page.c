/* kvota-balances-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-balances-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-balances-page.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-holding-object.h"
#include "kvota-json.h"

/* The signed-in company's account: what it holds of each unit type and
 * vintage, available, reserved under sale orders, and pending in proposed
 * transfers, with the totals above. */

struct _KvotaBalancesPage
{
  GtkWidget      parent_instance;

  KvotaClient   *client;
  GCancellable  *cancellable;
  gboolean       requested;
  gboolean       has_content;

  /* Template widgets */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *error_page;
  GtkLabel      *account_label;
  GtkLabel      *organisation_label;
  GtkLabel      *available_label;
  GtkLabel      *reserved_label;
  GtkLabel      *pending_label;
  GListStore    *holdings;
};

G_DEFINE_FINAL_TYPE (KvotaBalancesPage, kvota_balances_page, GTK_TYPE_WIDGET)

static void
show (KvotaBalancesPage *self,
      const char        *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
set_total (GtkLabel *label,
           gint64    total)
{
  g_autofree char *text = kvota_format_quantity (total);

  gtk_label_set_label (label, text);
}

static void
show_error (KvotaBalancesPage *self,
            const GError      *error)
{
  /* The window has taken the user back to the login page already; the
   * page loads again when it is shown after the next login. */
  if (kvota_client_error_is_session_end (error))
    {
      self->requested = FALSE;
      return;
    }

  if (self->has_content)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
      return;
    }

  adw_status_page_set_description (self->error_page, error->message);
  show (self, "error");
}

static gboolean
read_account (KvotaBalancesPage  *self,
              JsonNode           *root,
              GPtrArray          *items,
              gint64              totals[3],
              GError            **error)
{
  JsonArray *array;

  if ((array = kvota_json_get_array (root, "holdings")) == NULL)
    goto bad_reply;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaHolding holding;

      if (!kvota_holding_from_json (json_array_get_element (array, i), &holding, NULL))
        goto bad_reply;

      /* Totals of whole tonnes: the server checks its own sums for
       * overflow, and so does this. */
      if (!kvota_quantity_add (totals[0], holding.available, &totals[0], error) ||
          !kvota_quantity_add (totals[1], holding.reserved, &totals[1], error) ||
          !kvota_quantity_add (totals[2], holding.pending, &totals[2], error))
        return FALSE;

      g_ptr_array_add (items, kvota_holding_object_new (&holding));
    }

  return TRUE;

bad_reply:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       kvota_error_code_describe (KVOTA_ERROR_FAILED));
  return FALSE;
}

static void
account_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaBalancesPage) self = user_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 totals[3] = { 0, 0, 0 };

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || !read_account (self, root, items, totals, &error))
    {
      show_error (self, error);
      return;
    }

  g_list_store_splice (self->holdings, 0, g_list_model_get_n_items (G_LIST_MODEL (self->holdings)),
                       items->pdata, items->len);
  set_total (self->available_label, totals[0]);
  set_total (self->reserved_label, totals[1]);
  set_total (self->pending_label, totals[2]);

  self->has_content = TRUE;
  show (self, items->len > 0 ? "content" : "empty");
}

static void
reload (KvotaBalancesPage *self)
{
  const KvotaUser *user;
  g_autofree char *account = NULL;
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;

  if (self->client == NULL || (user = kvota_client_get_user (self->client)) == NULL ||
      user->organisation->account == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->requested = TRUE;

  /* Translators: the heading of the balances page; %s is the account
   * number, such as KZ-100-000003. */
  title = g_strdup_printf (_("Account %s"), user->organisation->account);
  gtk_label_set_label (self->account_label, title);
  gtk_label_set_label (self->organisation_label, user->organisation->name);

  if (!self->has_content)
    show (self, "loading");

  account = g_uri_escape_string (user->organisation->account, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/accounts/%s", account);
  kvota_client_request_async (self->client, "GET", path, NULL,
                              self->cancellable,
                              account_loaded_cb,
                              g_object_ref (self));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_BALANCES_PAGE (widget));
}

static void
kvota_balances_page_map (GtkWidget *widget)
{
  KvotaBalancesPage *self = KVOTA_BALANCES_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_balances_page_parent_class)->map (widget);

  /* Load when first shown: a user who never opens the page costs the
   * server nothing. */
  if (!self->requested)
    reload (self);
}

static void
kvota_balances_page_dispose (GObject *object)
{
  KvotaBalancesPage *self = (KvotaBalancesPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_BALANCES_PAGE);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_balances_page_parent_class)->dispose (object);
}

static void
kvota_balances_page_class_init (KvotaBalancesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_balances_page_dispose;

  widget_class->map = kvota_balances_page_map;

  g_type_ensure (KVOTA_TYPE_HOLDING_OBJECT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-balances-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, organisation_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, available_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, reserved_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaBalancesPage, holdings);
  kvota_format_bind_closures (widget_class);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
kvota_balances_page_init (KvotaBalancesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * kvota_balances_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_balances_page_new (KvotaClient *client)
{
  KvotaBalancesPage *self = g_object_new (KVOTA_TYPE_BALANCES_PAGE, NULL);

  kvota_balances_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_balances_page_set_client (KvotaBalancesPage *self,
                                KvotaClient       *client)
{
  g_return_if_fail (KVOTA_IS_BALANCES_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  g_set_object (&self->client, client);
}
