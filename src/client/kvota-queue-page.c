/* kvota-queue-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-queue-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kvota-admin-dialogs.h"
#include "kvota-admin-document.h"
#include "kvota-admin-format.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-pages.h"
#include "kvota-queue-page.h"
#include "kvota-search.h"
#include "kvota-transaction-list.h"
#include "kvota-transaction-object.h"

/* The transaction queue: transfers that brokers, traders and trading
 * companies submitted, waiting for an administrator. Each opens into its
 * parties, deal, serial numbers, approvals and confirming documents, and
 * an administrator confirms or rejects it there. The Ministry sees the
 * same, without the decisions. */

struct _KvotaQueuePage
{
  GtkWidget               parent_instance;

  KvotaClient            *client;
  KvotaTransactionList   *list;
  GError                 *load_error;
  GCancellable           *cancellable;      /* the detail and decisions */
  KvotaTransactionObject *current;          /* the transfer in the detail */
  gint64                  draft_id;         /* whose rejection reason is drafted */
  char                   *draft_reason;     /* kept when a rejection fails */
  GHashTable             *account_names;    /* account number → holder's name */
  gboolean                names_requested;
  gboolean                deciding;
  gboolean                may_decide;

  /* Template widgets */
  GtkStack               *view_stack;
  GtkStack               *stack;
  GtkSpinner             *spinner;
  AdwStatusPage          *error_page;
  GtkScrolledWindow      *scrolled_window;
  GtkListBox             *list_box;
  GtkWidget              *search_entry;
  GtkWidget              *no_match;
  char                   *search_text;   /* normalised, case-folded, without spaces, or NULL */
  GtkFilterListModel     *filter_model;  /* the loaded transfers the search keeps */
  GtkRevealer            *footer_revealer;
  GtkSpinner             *footer_spinner;
  GtkLabel               *footer_label;
  GtkWidget              *footer_button;
  GtkLabel               *detail_title;
  GtkSpinner             *detail_spinner;
  AdwActionRow           *from_row;
  AdwActionRow           *to_row;
  AdwActionRow           *proposed_row;
  AdwActionRow           *quantity_row;
  AdwActionRow           *unit_row;
  AdwActionRow           *price_row;
  AdwActionRow           *total_row;
  AdwActionRow           *deal_date_row;
  AdwActionRow           *reference_row;
  AdwActionRow           *sale_order_row;
  GtkListBox             *serials_list;
  AdwActionRow           *submitted_row;
  AdwActionRow           *approved_row;
  GtkListBox             *documents_list;
  GtkLabel               *decision_note;
  GtkWidget              *decision_box;
};

G_DEFINE_FINAL_TYPE (KvotaQueuePage, kvota_queue_page, GTK_TYPE_WIDGET)

#define EM_DASH "\u2014"

static void show_detail (KvotaQueuePage         *self,
                         KvotaTransactionObject *object);

static void
show_toast (KvotaQueuePage *self,
            const char     *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  adw_action_row_set_subtitle (row, value != NULL && value[0] != '\0' ? value : EM_DASH);
}

static void
clear_list_box (GtkListBox *list_box)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list_box));

  /* The rows only: the placeholder stays. */
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (GTK_IS_LIST_BOX_ROW (child))
        gtk_list_box_remove (list_box, child);
      child = next;
    }
}

static char *
format_quotas (gint64 quantity)
{
  g_autofree char *number = kvota_format_quantity (quantity);

  /* Translators: a number of units, grouped, such as “15 000 units”. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s unit", "%s units", (gulong) quantity), number);
}

/* The list */

static void
update_state (KvotaQueuePage *self)
{
  guint n_items;
  gboolean loading;

  if (self->list == NULL)
    return;

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  loading = kvota_transaction_list_get_loading (self->list);

  if (n_items == 0)
    {
      const char *name;

      if (self->load_error != NULL)
        {
          adw_status_page_set_description (self->error_page, self->load_error->message);
          name = "error";
        }
      else if (kvota_transaction_list_get_complete (self->list))
        name = "empty";
      else
        name = "loading";

      gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
      gtk_stack_set_visible_child_name (self->stack, name);
      return;
    }

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "content");

  gtk_spinner_set_spinning (self->footer_spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->footer_spinner), loading);
  gtk_widget_set_visible (self->footer_button, !loading && self->load_error != NULL);

  if (loading)
    gtk_label_set_label (self->footer_label, _("Loading more transfers…"));
  else if (self->load_error != NULL)
    gtk_label_set_label (self->footer_label, self->load_error->message);

  gtk_revealer_set_reveal_child (self->footer_revealer, loading || self->load_error != NULL);
}

static void
maybe_load_more (KvotaQueuePage *self)
{
  if (self->list != NULL && self->load_error == NULL)
    kvota_transaction_list_load_more_near_end (self->list,
                                               gtk_scrolled_window_get_vadjustment (self->scrolled_window));
}

static void
load_more (KvotaQueuePage *self)
{
  g_clear_error (&self->load_error);
  kvota_transaction_list_load_more (self->list);
  update_state (self);
}

static void
reload_list (KvotaQueuePage *self)
{
  if (self->list == NULL)
    return;

  g_clear_error (&self->load_error);
  kvota_transaction_list_reload (self->list);
  update_state (self);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  KvotaTransactionObject *object = item;
  const KvotaTransaction *transaction = kvota_transaction_object_get_transaction (object);
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *created = NULL;
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *label;

  id = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->id);
  /* Translators: a transfer in the queue; %s is its number. */
  title = g_strdup_printf (_("Transfer No. %s"), id);
  /* Translators: the two accounts of a transfer, from and to. */
  subtitle = g_strdup_printf (_("%s → %s"),
                              transaction->from_account ? transaction->from_account : EM_DASH,
                              transaction->to_account ? transaction->to_account : EM_DASH);
  quantity = format_quotas (transaction->quantity);
  created = kvota_format_date_time (transaction->created);

  row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  label = gtk_label_new (quantity);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (created);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  if (transaction->approved_by != NULL)
    {
      label = gtk_label_new (_("Approved once"));
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "accent");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), label);
    }

  return row;
}

/* The detail */

static void
update_decisions (KvotaQueuePage *self)
{
  const KvotaTransaction *transaction;
  const KvotaUser *user;
  const char *note = NULL;
  gboolean may_confirm;
  gboolean may_reject;

  if (self->current == NULL)
    return;

  transaction = kvota_transaction_object_get_transaction (self->current);
  user = kvota_client_get_user (self->client);

  gtk_widget_set_visible (self->decision_box, self->may_decide);

  may_reject = self->may_decide && !self->deciding &&
               transaction->state == KVOTA_TRANSACTION_STATE_PROPOSED;
  may_confirm = may_reject;

  if (transaction->state != KVOTA_TRANSACTION_STATE_PROPOSED)
    note = _("This transfer has been decided and is no longer in the queue.");
  else if (self->may_decide && user != NULL && g_strcmp0 (transaction->proposed_by, user->username) == 0)
    {
      note = _("You proposed this transfer, so another administrator must confirm it.");
      may_confirm = FALSE;
    }
  else if (self->may_decide && user != NULL && g_strcmp0 (transaction->approved_by, user->username) == 0)
    {
      note = _("You approved this transfer. A second administrator must confirm it.");
      may_confirm = FALSE;
    }

  gtk_label_set_label (self->decision_note, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->decision_note), note != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.confirm", may_confirm);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.reject", may_reject);
}

/* An account with its holder's name, once the organisations are in. */
static char *
describe_account (KvotaQueuePage *self,
                  const char     *account)
{
  const char *name;

  if (account == NULL)
    return NULL;

  if ((name = g_hash_table_lookup (self->account_names, account)) == NULL)
    return g_strdup (account);

  /* Translators: a holder's name and its account number, such as
   * “ТОО «Жасыл Трейд», KZ-100-000005”. */
  return g_strdup_printf (_("%s, %s"), name, account);
}

static void
fill_detail (KvotaQueuePage *self)
{
  const KvotaTransaction *transaction = kvota_transaction_object_get_transaction (self->current);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->id);
  g_autofree char *title = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *price = NULL;
  g_autofree char *total = NULL;
  g_autofree char *order = NULL;
  g_autofree char *created = NULL;
  g_autofree char *submitted = NULL;
  g_autofree char *approved = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gint64 amount;

  /* Translators: the heading of a transfer's details; %s is its number. */
  title = g_strdup_printf (_("Transfer No. %s"), id);
  gtk_label_set_label (self->detail_title, title);

  from = describe_account (self, transaction->from_account);
  to = describe_account (self, transaction->to_account);
  set_value (self->from_row, from);
  set_value (self->to_row, to);
  set_value (self->proposed_row, transaction->proposed_by);

  quantity = format_quotas (transaction->quantity);
  set_value (self->quantity_row, quantity);

  /* Translators: a unit type and its vintage, such as “Quota, vintage 2015”. */
  unit = g_strdup_printf (_("%s, vintage %d"), kvota_unit_type_describe (transaction->unit_type), transaction->vintage);
  set_value (self->unit_row, unit);

  if (transaction->price >= 0)
    {
      price = kvota_admin_format_tenge (transaction->price);
      if (kvota_quantity_multiply (transaction->price, transaction->quantity, &amount, NULL))
        total = kvota_admin_format_tenge (amount);
    }
  set_value (self->price_row, price);
  set_value (self->total_row, total);
  gtk_widget_set_visible (GTK_WIDGET (self->total_row), total != NULL);

  set_value (self->deal_date_row, transaction->deal_date);
  set_value (self->reference_row, transaction->reference);

  if (transaction->order_id > 0)
    order = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->order_id);
  set_value (self->sale_order_row, order);
  gtk_widget_set_visible (GTK_WIDGET (self->sale_order_row), order != NULL);

  clear_list_box (self->serials_list);
  for (guint i = 0; transaction->serials != NULL && i < transaction->serials->len; i++)
    {
      const KvotaSerialRange *range = &g_array_index (transaction->serials, KvotaSerialRange, i);
      g_autofree char *serials = NULL;
      g_autofree char *count = NULL;
      GtkWidget *row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);

      /* Serial numbers name units: they are not grouped. */
      serials = g_strdup_printf ("%" G_GINT64_FORMAT "\u2013%" G_GINT64_FORMAT, range->first, range->last);
      count = format_quotas (range->last - range->first + 1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), serials);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), count);
      gtk_list_box_append (self->serials_list, row);
    }

  created = kvota_format_date_time (transaction->created);
  /* Translators: who submitted a transfer and when, such as
   * “zhasyl, 2026-11-26 08:00”. */
  submitted = g_strdup_printf (_("%s, %s"), transaction->proposed_by ? transaction->proposed_by : EM_DASH, created);
  set_value (self->submitted_row, submitted);

  if (transaction->approved_by != NULL)
    {
      g_autofree char *when = kvota_format_date_time (transaction->approved);

      /* Translators: who approved a transfer first and when. */
      approved = g_strdup_printf (_("%s, %s"), transaction->approved_by, when);
    }
  else if (transaction->state == KVOTA_TRANSACTION_STATE_PROPOSED)
    approved = g_strdup (_("Not approved yet"));
  set_value (self->approved_row, approved);

  clear_list_box (self->documents_list);
  for (guint i = 0; transaction->documents != NULL && i < transaction->documents->len; i++)
    {
      const KvotaTransactionDocument *document = g_ptr_array_index (transaction->documents, i);
      GtkWidget *row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
      GtkWidget *image;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document->name ? document->name : document->sha256);
      /* Translators: the SHA-256 of a stored document, which names it. */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), document->sha256);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Open in the system’s viewer"));
      image = gtk_image_new_from_icon_name ("document-open-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open"),
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), image);
      g_object_set_data (G_OBJECT (row), "kvota-document", (gpointer) document);
      gtk_list_box_append (self->documents_list, row);
    }

  if (transaction->documents == NULL || transaction->documents->len == 0)
    {
      GtkWidget *row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No documents attached"));
      gtk_list_box_append (self->documents_list, row);
    }

  update_decisions (self);
}

static void
set_current (KvotaQueuePage         *self,
             KvotaTransactionObject *object)
{
  if (g_set_object (&self->current, object))
    fill_detail (self);
}

static void
detail_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaQueuePage) self = user_data;
  g_autoptr(KvotaTransactionObject) fresh = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  KvotaTransaction *transaction = NULL;
  JsonNode *node = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->detail_spinner, FALSE);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    node = json_object_get_member (json_node_get_object (root), "transaction");
  if (node != NULL)
    transaction = kvota_transaction_from_json (node, NULL);

  if (transaction == NULL)
    {
      if (error != NULL && kvota_client_error_is_session_end (error))
        return;

      /* What the list holds is still shown; the toast says it may be
       * out of date. */
      show_toast (self, error != NULL ? error->message : kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return;
    }

  fresh = kvota_transaction_object_new (transaction);
  set_current (self, fresh);
}

static void
organisations_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaQueuePage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Without the names the accounts alone are shown; the next transfer
   * opened tries again. */
  if ((array = kvota_json_get_array (root, "organisations")) == NULL)
    {
      self->names_requested = FALSE;
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(KvotaOrganisation) organisation = kvota_organisation_from_json (json_array_get_element (array, i), NULL);

      if (organisation != NULL && organisation->account != NULL)
        g_hash_table_replace (self->account_names,
                              g_strdup (organisation->account),
                              g_strdup (organisation->name));
    }

  if (self->current != NULL)
    fill_detail (self);
}

static void
load_detail (KvotaQueuePage *self,
             gint64          id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT, id);

  gtk_spinner_set_spinning (self->detail_spinner, TRUE);
  kvota_client_request_async (self->client, "GET", path, NULL,
                              self->cancellable,
                              detail_loaded_cb,
                              g_object_ref (self));

  if (!self->names_requested)
    {
      self->names_requested = TRUE;
      kvota_client_request_async (self->client, "GET", "/api/v1/organisations", NULL,
                                  self->cancellable,
                                  organisations_loaded_cb,
                                  g_object_ref (self));
    }
}

static void
show_detail (KvotaQueuePage         *self,
             KvotaTransactionObject *object)
{
  g_clear_object (&self->current);
  set_current (self, object);
  gtk_stack_set_visible_child_name (self->view_stack, "detail");

  /* Someone else may have approved or decided it meanwhile. */
  load_detail (self, kvota_transaction_object_get_id (object));
}

static void
show_list (KvotaQueuePage *self)
{
  gint64 id = self->current != NULL ? kvota_transaction_object_get_id (self->current) : 0;

  gtk_stack_set_visible_child_name (self->view_stack, "list");

  /* Back to the row the user came from. */
  for (guint i = 0; id != 0 && self->filter_model != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)); i++)
    {
      g_autoptr(KvotaTransactionObject) object = g_list_model_get_item (G_LIST_MODEL (self->filter_model), i);

      if (kvota_transaction_object_get_id (object) == id)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, (int) i);

          if (row != NULL)
            gtk_widget_grab_focus (GTK_WIDGET (row));
          break;
        }
    }
}

/* Decisions */

static void
set_deciding (KvotaQueuePage *self,
              gboolean        deciding)
{
  self->deciding = deciding;
  gtk_spinner_set_spinning (self->detail_spinner, deciding);
  update_decisions (self);
}

static void
decided_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaQueuePage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaTransactionObject) fresh = NULL;
  KvotaTransaction *transaction = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  JsonNode *node = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_deciding (self, FALSE);

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        show_toast (self, error->message);

      /* The refusal may mean someone else decided it: show what is so. */
      if (self->current != NULL)
        load_detail (self, kvota_transaction_object_get_id (self->current));
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (root))
    node = json_object_get_member (json_node_get_object (root), "transaction");
  if (node != NULL)
    transaction = kvota_transaction_from_json (node, NULL);

  if (transaction == NULL)
    {
      show_toast (self, kvota_error_code_describe (KVOTA_ERROR_FAILED));
      reload_list (self);
      show_list (self);
      return;
    }

  id = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->id);

  if (transaction->state == KVOTA_TRANSACTION_STATE_PROPOSED && transaction->approved_by != NULL)
    {
      /* Four eyes: the first of two approvals. The transfer stays in the
       * queue until a second administrator confirms it. */
      message = g_strdup (_("Approved. A second administrator must confirm it."));
      fresh = kvota_transaction_object_new (transaction);
      set_current (self, fresh);
      reload_list (self);
      show_toast (self, message);
      return;
    }

  if (transaction->state == KVOTA_TRANSACTION_STATE_COMPLETED)
    /* Translators: %s is the number of the transfer. */
    message = g_strdup_printf (_("Transfer No. %s is confirmed: the units have moved."), id);
  else if (transaction->state == KVOTA_TRANSACTION_STATE_REJECTED)
    /* Translators: %s is the number of the transfer. */
    message = g_strdup_printf (_("Transfer No. %s is rejected: the units are back with the seller."), id);
  else
    message = g_strdup (kvota_format_transaction_state (transaction->state));

  if (transaction->state == KVOTA_TRANSACTION_STATE_REJECTED && self->draft_id == transaction->id)
    {
      self->draft_id = 0;
      g_clear_pointer (&self->draft_reason, g_free);
    }

  kvota_transaction_free (transaction);
  show_toast (self, message);
  reload_list (self);
  show_list (self);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     KvotaQueuePage   *self)
{
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "confirm") || self->current == NULL)
    return;

  path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/confirm",
                          kvota_transaction_object_get_id (self->current));
  set_deciding (self, TRUE);
  kvota_client_request_async (self->client, "POST", path, NULL,
                              self->cancellable,
                              decided_cb,
                              g_object_ref (self));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KvotaQueuePage *self = KVOTA_QUEUE_PAGE (widget);
  const KvotaTransaction *transaction;
  g_autofree char *id = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *quantity = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  if (self->current == NULL || self->deciding)
    return;

  transaction = kvota_transaction_object_get_transaction (self->current);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->id);
  quantity = format_quotas (transaction->quantity);

  /* Translators: %s is the number of the transfer. */
  heading = g_strdup_printf (_("Confirm Transfer No. %s?"), id);
  /* Translators: the first %s is a number of units (“15 000 units”), the
   * others are account numbers. */
  body = g_strdup_printf (_("%s move from %s to %s. If the transfer needs a second administrator, your confirmation is the first approval."),
                          quantity,
                          transaction->from_account ? transaction->from_account : EM_DASH,
                          transaction->to_account ? transaction->to_account : EM_DASH);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "confirm", _("C_onfirm"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "confirm");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reject_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KvotaQueuePage   *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *reason = NULL;

  if (self->current == NULL)
    return;

  /* What was typed is kept even when the dialog is cancelled. */
  reason = kvota_admin_reason_dialog_get_reason (dialog);
  self->draft_id = kvota_transaction_object_get_id (self->current);
  g_free (self->draft_reason);
  self->draft_reason = g_strdup (reason);

  if (!g_str_equal (response, "apply") || reason[0] == '\0')
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf ("/api/v1/transactions/%" G_GINT64_FORMAT "/reject",
                          kvota_transaction_object_get_id (self->current));
  set_deciding (self, TRUE);
  kvota_client_request_async (self->client, "POST", path, body,
                              self->cancellable,
                              decided_cb,
                              g_object_ref (self));
}

static void
reject_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaQueuePage *self = KVOTA_QUEUE_PAGE (widget);
  g_autofree char *id = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  gint64 transaction_id;

  if (self->current == NULL || self->deciding)
    return;

  transaction_id = kvota_transaction_object_get_id (self->current);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, transaction_id);

  /* Translators: %s is the number of the transfer. */
  heading = g_strdup_printf (_("Reject Transfer No. %s?"), id);
  dialog = kvota_admin_reason_dialog_new (widget, heading,
                                          _("The units return to the seller. The parties read the reason you give."),
                                          _("_Reject"), TRUE, TRUE,
                                          self->draft_id == transaction_id ? self->draft_reason : NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reject_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Documents */

static void
document_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaQueuePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_admin_document_open_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !kvota_client_error_is_session_end (error))
    show_toast (self, error->message);
}

static void
documents_list_row_activated_cb (KvotaQueuePage *self,
                                 GtkListBoxRow  *row,
                                 GtkListBox     *list_box)
{
  const KvotaTransactionDocument *document = g_object_get_data (G_OBJECT (row), "kvota-document");

  if (document == NULL)
    return;

  kvota_admin_document_open_async (self->client, document->sha256, document->name,
                                   GTK_WIDGET (self), self->cancellable,
                                   document_opened_cb, g_object_ref (self));
}

/* Signal callbacks */

static void
list_box_row_activated_cb (KvotaQueuePage *self,
                           GtkListBoxRow  *row,
                           GtkListBox     *list_box)
{
  g_autoptr(KvotaTransactionObject) object = NULL;
  int index = gtk_list_box_row_get_index (row);

  if (self->filter_model == NULL || index < 0)
    return;

  if ((object = g_list_model_get_item (G_LIST_MODEL (self->filter_model), (guint) index)) != NULL)
    show_detail (self, object);
}

static void
adjustment_changed_cb (KvotaQueuePage *self,
                       GtkAdjustment  *adjustment)
{
  maybe_load_more (self);
}

#ifdef KVOTA_DEVELOPMENT
/* Development builds only: KVOTA_QUEUE_OPEN opens the first transfer
 * once, and KVOTA_QUEUE_ACTION=confirm or reject then asks for that
 * decision, for screenshots and UI tests. */
static void
open_for_development (KvotaQueuePage *self)
{
  static gboolean opened;
  g_autoptr(KvotaTransactionObject) object = NULL;
  const char *action = g_getenv ("KVOTA_QUEUE_ACTION");

  if (opened || g_getenv ("KVOTA_QUEUE_OPEN") == NULL ||
      (object = g_list_model_get_item (G_LIST_MODEL (self->list), 0)) == NULL)
    return;

  opened = TRUE;
  show_detail (self, object);

  if (action != NULL && (g_str_equal (action, "confirm") || g_str_equal (action, "reject")))
    {
      g_autofree char *name = g_strconcat ("queue.", action, NULL);

      gtk_widget_activate_action (GTK_WIDGET (self), name, NULL);
    }
}
#endif

static void
list_items_changed_cb (KvotaQueuePage *self,
                       guint           position,
                       guint           removed,
                       guint           added,
                       GListModel     *model)
{
  update_state (self);

#ifdef KVOTA_DEVELOPMENT
  if (added > 0)
    open_for_development (self);
#endif
}

static void
list_state_changed_cb (KvotaQueuePage       *self,
                       GParamSpec           *pspec,
                       KvotaTransactionList *list)
{
  update_state (self);
}

static void
list_load_failed_cb (KvotaQueuePage       *self,
                     const GError         *error,
                     KvotaTransactionList *list)
{
  if (kvota_client_error_is_session_end (error))
    return;

  g_clear_error (&self->load_error);
  self->load_error = g_error_copy (error);
  update_state (self);
}

static void
footer_button_clicked_cb (KvotaQueuePage *self,
                          GtkButton      *button)
{
  load_more (self);
}

/* Actions */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaQueuePage *self = KVOTA_QUEUE_PAGE (widget);

  reload_list (self);

  if (self->current != NULL &&
      g_str_equal (gtk_stack_get_visible_child_name (self->view_stack), "detail"))
    load_detail (self, kvota_transaction_object_get_id (self->current));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_list (KVOTA_QUEUE_PAGE (widget));
}

/* Overrides */

static void
kvota_queue_page_map (GtkWidget *widget)
{
  KvotaQueuePage *self = KVOTA_QUEUE_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_queue_page_parent_class)->map (widget);

  if (self->list == NULL)
    return;

  if (!kvota_transaction_list_get_started (self->list))
    load_more (self);
  else
    maybe_load_more (self);
}

/* Search, by the texts the rows show (kvota-search.c). */

static GtkWidget *create_row (gpointer item,
                              gpointer user_data);

static gboolean
filter_item_cb (gpointer item,
                gpointer user_data)
{
  KvotaQueuePage *self = user_data;
  const char *folded;

  if (self->search_text == NULL)
    return TRUE;

  /* The texts of the row the item shows as, folded once per transfer. */
  if ((folded = g_object_get_data (G_OBJECT (item), "kvota-queue-search-text")) == NULL)
    {
      GtkWidget *row = g_object_ref_sink (create_row (item, NULL));

      folded = kvota_search_widget_text (row);
      g_object_unref (row);

      g_object_set_data_full (G_OBJECT (item), "kvota-queue-search-text", (char *) folded, g_free);
    }

  return strstr (folded, self->search_text) != NULL;
}

static void
search_changed_cb (KvotaQueuePage *self,
                   GtkSearchEntry *entry)
{
  g_autofree char *folded = kvota_search_fold (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_clear_pointer (&self->search_text, g_free);
  if (folded[0] != '\0')
    self->search_text = g_steal_pointer (&folded);

  /* The placeholder speaks of the search only: an empty list has a page
   * of its own. */
  gtk_widget_set_visible (self->no_match, self->search_text != NULL);
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->filter_model), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
stop_search_cb (KvotaQueuePage *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaQueuePage *self = KVOTA_QUEUE_PAGE (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->view_stack), "list"))
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kvota_queue_page_dispose (GObject *object)
{
  KvotaQueuePage *self = (KvotaQueuePage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_QUEUE_PAGE);

  g_clear_object (&self->current);
  g_clear_object (&self->list);
  g_clear_object (&self->client);
  g_clear_object (&self->filter_model);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (kvota_queue_page_parent_class)->dispose (object);
}

static void
kvota_queue_page_finalize (GObject *object)
{
  KvotaQueuePage *self = (KvotaQueuePage *)object;

  g_clear_pointer (&self->draft_reason, g_free);
  g_clear_pointer (&self->account_names, g_hash_table_unref);

  G_OBJECT_CLASS (kvota_queue_page_parent_class)->finalize (object);
}

static void
kvota_queue_page_class_init (KvotaQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_queue_page_dispose;
  object_class->finalize = kvota_queue_page_finalize;

  widget_class->map = kvota_queue_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, list_box);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, no_match);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, footer_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, footer_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, footer_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, footer_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, detail_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, from_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, to_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, proposed_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, quantity_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, unit_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, price_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, total_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, deal_date_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, reference_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, sale_order_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, serials_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, submitted_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, approved_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, documents_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, decision_note);
  gtk_widget_class_bind_template_child (widget_class, KvotaQueuePage, decision_box);
  gtk_widget_class_bind_template_callback (widget_class, list_box_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, documents_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, footer_button_clicked_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "queue.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "queue.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "queue.reject", NULL, reject_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "queue.back", NULL);
}

static void
kvota_queue_page_init (KvotaQueuePage *self)
{
  GtkEventController *controller;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Ctrl+F works wherever the focus is in the window while the page is
   * shown, such as on the sidebar. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("page.search")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  self->cancellable = g_cancellable_new ();
  self->account_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * kvota_queue_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_queue_page_new (KvotaClient *client)
{
  KvotaQueuePage *self;
  const KvotaUser *user;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_QUEUE_PAGE, NULL);
  self->client = g_object_ref (client);

  /* The Ministry oversees: it sees the queue, never the decisions. */
  user = kvota_client_get_user (client);
  self->may_decide = user != NULL && kvota_user_is_administrator (user);

  self->list = kvota_transaction_list_new (client, "state=proposed");
  g_signal_connect_object (self->list, "items-changed",
                           G_CALLBACK (list_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::loading",
                           G_CALLBACK (list_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::complete",
                           G_CALLBACK (list_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "load-failed",
                           G_CALLBACK (list_load_failed_cb), self,
                           G_CONNECT_SWAPPED);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->list)),
                                                  GTK_FILTER (gtk_custom_filter_new (filter_item_cb, self, NULL)));
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->filter_model), create_row, NULL, NULL);

  update_state (self);

  return GTK_WIDGET (self);
}
