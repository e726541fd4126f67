/* kvota-audit-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-audit-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-audit-entry.h"
#include "kvota-admin-format.h"
#include "kvota-audit-page.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"

/* The audit journal: every change the registry made, oldest first, a
 * page at a time as the user scrolls (a list view, so a journal of
 * millions of entries scrolls as lightly as one of ten), under the two verifications that
 * matter: the ledger balances (for every unit type and vintage, issued =
 * held + surrendered + cancelled), and the journal's hash chain is
 * intact, or where it breaks. */

struct _KvotaAuditPage
{
  GtkWidget          parent_instance;

  KvotaClient       *client;
  GCancellable      *cancellable;
  gint64             after;          /* the last entry loaded */
  gint64             first_broken;   /* 0 while the chain verifies */
  guint              loading : 1;
  guint              complete : 1;
  guint              requested : 1;
  guint              has_content : 1;

  /* Template widgets */
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkScrolledWindow *scrolled_window;
  GtkListView       *list_view;
  GListStore        *entries;        /* of KvotaAuditEntry */
  AdwActionRow      *ledger_row;
  GtkImage          *ledger_icon;
  AdwActionRow      *chain_row;
  GtkImage          *chain_icon;
};

G_DEFINE_FINAL_TYPE (KvotaAuditPage, kvota_audit_page, GTK_TYPE_WIDGET)

/* The server allows up to 1000; this fills a screen several times. */
#define PAGE_SIZE 100

static void
show (KvotaAuditPage *self,
      const char     *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
set_verdict (AdwActionRow *row,
             GtkImage     *icon,
             gboolean      good,
             const char   *text)
{
  adw_action_row_set_subtitle (row, text);
  gtk_image_set_from_icon_name (icon, good ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), good ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (icon), good ? "success" : "error");
}

/* The ledger's verification */

static void
ledger_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaAuditPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_verdict (self->ledger_row, self->ledger_icon, FALSE,
                   error != NULL ? error->message : kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return;
    }

  reply = json_node_get_object (root);

  if (json_object_get_boolean_member_with_default (reply, "balanced", FALSE))
    {
      JsonArray *totals = kvota_json_get_array (root, "totals");
      gint64 issued = 0;
      guint n_vintages = 0;
      g_autofree char *issued_text = NULL;
      g_autofree char *text = NULL;

      if (totals != NULL)
        {
          n_vintages = json_array_get_length (totals);
          for (guint i = 0; i < n_vintages; i++)
            {
              JsonNode *element = json_array_get_element (totals, i);

              if (JSON_NODE_HOLDS_OBJECT (element))
                issued += json_object_get_int_member_with_default (json_node_get_object (element), "issued", 0);
            }
        }

      issued_text = kvota_format_quantity (issued);
      /* Translators: %s is the number of units ever issued, grouped. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Balanced: of %s unit issued, every one is held, surrendered or cancelled, and no serial number is in two blocks.",
                                           "Balanced: of %s units issued, every one is held, surrendered or cancelled, and no serial number is in two blocks.",
                                           (gulong) issued),
                              issued_text);
      set_verdict (self->ledger_row, self->ledger_icon, TRUE, text);
    }
  else
    {
      const char *problem = json_object_get_string_member_with_default (reply, "problem", "");
      g_autofree char *text = NULL;

      /* Translators: %s is the registry's description of the problem, in English. */
      text = g_strdup_printf (_("Does not balance: %s"), problem);
      set_verdict (self->ledger_row, self->ledger_icon, FALSE, text);
    }
}

/* The journal */

static GtkWidget *
json_section (const char *title,
              JsonNode   *node)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (title);
  g_autofree char *text = NULL;
  GtkWidget *label;

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    text = g_strdup ("\u2014");
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (node));
  else
    text = json_to_string (node, TRUE);

  label = gtk_label_new (text);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "caption");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_box_append (GTK_BOX (box), label);

  return box;
}

static char *
describe_entry (JsonObject *entry)
{
  g_autoptr(GDateTime) at = kvota_timestamp_parse (json_object_get_string_member_with_default (entry, "at", ""));
  g_autofree char *when = kvota_format_date_time (at);
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (entry, "id", 0));

  /* Translators: an audit journal entry: its number, time, who acted and
   * on what, such as “No. 201, 2026-11-26 08:00, admin: transaction/68”. */
  return g_strdup_printf (_("No. %s, %s, %s: %s"), number, when,
                          json_object_get_string_member_with_default (entry, "actor", ""),
                          json_object_get_string_member_with_default (entry, "object", ""));
}

static void
show_details (KvotaAuditPage  *self,
              KvotaAuditEntry *item)
{
  JsonObject *entry = kvota_audit_entry_get_object (item);
  g_autofree char *description = describe_entry (entry);
  g_autofree char *body = NULL;
  g_autofree char *fingerprint = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  GtkWidget *scrolled;
  GtkWidget *box;

  /* The action's code stays in sight: it is what kvotactl and the API say. */
  body = g_strdup_printf ("%s\n%s", description, json_object_get_string_member_with_default (entry, "action", ""));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       kvota_admin_format_audit_action (
                                                         json_object_get_string_member_with_default (entry, "action", "")),
                                                       body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_close_response (dialog, "close");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_box_append (GTK_BOX (box), json_section (_("Before"), json_object_get_member (entry, "before")));
  gtk_box_append (GTK_BOX (box), json_section (_("After"), json_object_get_member (entry, "after")));
  gtk_box_append (GTK_BOX (box), json_section (_("Fingerprint (SHA-256)"), json_object_get_member (entry, "hash")));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  adw_message_dialog_set_extra_child (dialog, scrolled);

  gtk_window_set_default_size (GTK_WINDOW (dialog), 640, -1);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The rows of the list view */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KvotaAuditPage           *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *next = gtk_image_new_from_icon_name ("go-next-symbolic");

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  gtk_widget_add_css_class (icon, "error");
  gtk_widget_set_visible (icon, FALSE);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (box), labels);

  gtk_widget_set_tooltip_text (next, _("Press Enter or double-click for the entry’s details"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (next),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Details"),
                                  -1);
  gtk_box_append (GTK_BOX (box), next);

  g_object_set_data (G_OBJECT (box), "kvota-icon", icon);
  g_object_set_data (G_OBJECT (box), "kvota-title", title);
  g_object_set_data (G_OBJECT (box), "kvota-subtitle", subtitle);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KvotaAuditPage           *self)
{
  KvotaAuditEntry *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  JsonObject *entry = kvota_audit_entry_get_object (item);
  gint64 id = kvota_audit_entry_get_id (item);
  g_autofree char *description = describe_entry (entry);
  GtkWidget *icon = g_object_get_data (G_OBJECT (box), "kvota-icon");
  gboolean broken = self->first_broken != 0 && id >= self->first_broken;

  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "kvota-title"),
                       kvota_admin_format_audit_action (json_object_get_string_member_with_default (entry, "action", "")));
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "kvota-subtitle"), description);

  gtk_widget_set_visible (icon, broken);
  if (broken)
    gtk_widget_set_tooltip_text (icon, id == self->first_broken
                                       ? _("This entry does not verify: the journal was altered here.")
                                       : _("After the first broken entry, nothing can be trusted."));
}

static void
update_chain (KvotaAuditPage *self,
              gboolean        intact)
{
  if (intact)
    set_verdict (self->chain_row, self->chain_icon, TRUE,
                 _("Intact: every entry verifies against the one before it."));
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, self->first_broken);
      g_autofree char *text = NULL;

      /* Translators: %s is the number of the first journal entry that
       * does not verify. */
      text = g_strdup_printf (_("Broken: entry No. %s does not verify. The journal was altered; tell the registry operator at once."), number);
      set_verdict (self->chain_row, self->chain_icon, FALSE, text);
    }
}

static void load_more (KvotaAuditPage *self);

static void
entries_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaAuditPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  JsonObject *reply;
  JsonArray *array;
  guint n_entries;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (root == NULL)
    goto failed;

  if ((array = kvota_json_get_array (root, "entries")) == NULL)
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   kvota_error_code_describe (KVOTA_ERROR_FAILED));
      goto failed;
    }

  reply = json_node_get_object (root);

  if (json_object_has_member (reply, "first_broken") &&
      !json_object_get_null_member (reply, "first_broken"))
    self->first_broken = json_object_get_int_member (reply, "first_broken");
  update_chain (self, json_object_get_boolean_member_with_default (reply, "intact", FALSE));

  n_entries = json_array_get_length (array);
  page = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_entries; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      /* Ids only grow: an entry already shown is not shown twice. */
      id = json_object_get_int_member_with_default (json_node_get_object (element), "id", 0);
      if (id <= self->after)
        continue;

      g_ptr_array_add (page, kvota_audit_entry_new (json_node_get_object (element)));
      self->after = id;
    }
  g_list_store_splice (self->entries, g_list_model_get_n_items (G_LIST_MODEL (self->entries)), 0,
                       page->pdata, page->len);

  self->complete = n_entries < PAGE_SIZE;
  self->has_content = TRUE;
  show (self, "content");
  return;

failed:
  if (kvota_client_error_is_session_end (error))
    {
      if (!self->has_content)
        self->requested = FALSE;
      return;
    }

  if (self->has_content)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
  else
    {
      adw_status_page_set_description (self->error_page, error->message);
      show (self, "error");
    }
}

static void
load_more (KvotaAuditPage *self)
{
  g_autofree char *path = NULL;

  if (self->loading || self->complete)
    return;

  self->loading = TRUE;
  path = g_strdup_printf ("/api/v1/audit?after=%" G_GINT64_FORMAT "&limit=%d", self->after, PAGE_SIZE);
  kvota_client_request_async (self->client, "GET", path, NULL,
                              self->cancellable,
                              entries_loaded_cb,
                              g_object_ref (self));
}

static void
reload (KvotaAuditPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  self->requested = TRUE;
  self->loading = FALSE;
  self->complete = FALSE;
  self->after = 0;
  self->first_broken = 0;
  g_list_store_remove_all (self->entries);

  if (!self->has_content)
    show (self, "loading");

  adw_action_row_set_subtitle (self->ledger_row, _("Checking…"));
  adw_action_row_set_subtitle (self->chain_row, _("Checking…"));
  gtk_image_set_from_icon_name (self->ledger_icon, NULL);
  gtk_image_set_from_icon_name (self->chain_icon, NULL);

  kvota_client_request_async (self->client, "GET", "/api/v1/ledger", NULL,
                              self->cancellable,
                              ledger_loaded_cb,
                              g_object_ref (self));
  load_more (self);
}

/* Signal callbacks, actions and overrides */

static void
adjustment_changed_cb (KvotaAuditPage *self,
                       GtkAdjustment  *adjustment)
{
  double remaining;

  if (!self->has_content || self->loading || self->complete)
    return;

  /* Within a screenful of the end, the next page is on its way. */
  remaining = gtk_adjustment_get_upper (adjustment)
            - gtk_adjustment_get_value (adjustment)
            - gtk_adjustment_get_page_size (adjustment);
  if (remaining <= gtk_adjustment_get_page_size (adjustment))
    load_more (self);
}

static void
list_view_activate_cb (KvotaAuditPage *self,
                       guint           position,
                       GtkListView    *list_view)
{
  g_autoptr(KvotaAuditEntry) item = g_list_model_get_item (G_LIST_MODEL (self->entries), position);

  if (item != NULL)
    show_details (self, item);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_AUDIT_PAGE (widget));
}

static void
kvota_audit_page_map (GtkWidget *widget)
{
  KvotaAuditPage *self = KVOTA_AUDIT_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_audit_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

static void
kvota_audit_page_dispose (GObject *object)
{
  KvotaAuditPage *self = (KvotaAuditPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_AUDIT_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->entries);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_audit_page_parent_class)->dispose (object);
}

static void
kvota_audit_page_class_init (KvotaAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_audit_page_dispose;

  widget_class->map = kvota_audit_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, ledger_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, ledger_icon);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, chain_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaAuditPage, chain_icon);
  gtk_widget_class_bind_template_callback (widget_class, list_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
kvota_audit_page_init (KvotaAuditPage *self)
{
  GtkAdjustment *adjustment;

  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->entries = g_list_store_new (KVOTA_TYPE_AUDIT_ENTRY);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->entries)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * kvota_audit_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_audit_page_new (KvotaClient *client)
{
  KvotaAuditPage *self;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_AUDIT_PAGE, NULL);
  self->client = g_object_ref (client);

  return GTK_WIDGET (self);
}
