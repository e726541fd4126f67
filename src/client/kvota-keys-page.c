/* kvota-keys-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-keys-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kvota-admin-dialogs.h"
#include "kvota-admin-format.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-keys-page.h"
#include "kvota-search.h"

/* Registration keys: an administrator generates one for a company that
 * wants to register (optionally bound to its BIN and holder type), sees
 * it once to hand over, and may revoke it while it is unused. The
 * registry keeps only the key's hash, and the list shows its last four
 * characters. */

struct _KvotaKeysPage
{
  GtkWidget      parent_instance;

  KvotaClient   *client;
  GCancellable  *cancellable;
  gboolean       requested;
  gboolean       has_content;
  gboolean       generating;

  /* What the generate dialog held last: kept when the registry refuses. */
  char          *draft_bin;
  guint          draft_holder_type;  /* 0 for any, else KvotaHolderType + 1 */
  int            draft_days;

  /* Template widgets */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *error_page;
  GtkListBox    *list_box;
  GtkWidget     *search_entry;
  GtkWidget     *no_match;
  char          *search_text;   /* normalised, case-folded, without spaces, or NULL */
};

G_DEFINE_FINAL_TYPE (KvotaKeysPage, kvota_keys_page, GTK_TYPE_WIDGET)

/* The holder types a key may be bound to, after “any” in the dialog. */
static const KvotaHolderType bindable_types[] = {
  KVOTA_HOLDER_TYPE_NATURE_USER,
  KVOTA_HOLDER_TYPE_BROKER,
  KVOTA_HOLDER_TYPE_TRADER,
  KVOTA_HOLDER_TYPE_INDIVIDUAL,
};

static void reload (KvotaKeysPage *self);

static void
show_toast (KvotaKeysPage *self,
            const char    *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static void
show (KvotaKeysPage *self,
      const char    *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
show_error (KvotaKeysPage *self,
            const GError  *error)
{
  if (kvota_client_error_is_session_end (error))
    {
      self->requested = FALSE;
      return;
    }

  if (self->has_content)
    {
      show_toast (self, error->message);
      return;
    }

  adw_status_page_set_description (self->error_page, error->message);
  show (self, "error");
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

static KvotaRegistrationKey *
read_key (JsonNode *root)
{
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "key")) == NULL)
    return NULL;

  return kvota_registration_key_from_json (node, NULL);
}

/* Revoking */

static void
revoked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaKeysPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaRegistrationKey) key = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        show_toast (self, error->message);
    }
  else if ((key = read_key (root)) != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the last four characters of a registration key. */
      message = g_strdup_printf (_("The key ending in %s is revoked."), key->hint);
      show_toast (self, message);
    }

  reload (self);
}

static void
revoke_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KvotaKeysPage    *self)
{
  g_autofree char *path = NULL;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "kvota-key-id"));

  if (!g_str_equal (response, "revoke"))
    return;

  path = g_strdup_printf ("/api/v1/registration-keys/%" G_GINT64_FORMAT "/revoke", id);
  kvota_client_request_async (self->client, "POST", path, NULL,
                              self->cancellable,
                              revoked_cb,
                              g_object_ref (self));
}

static void
revoke_clicked_cb (GtkButton     *button,
                   KvotaKeysPage *self)
{
  const char *hint = g_object_get_data (G_OBJECT (button), "kvota-key-hint");
  g_autofree char *heading = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  /* Translators: %s is the last four characters of a registration key. */
  heading = g_strdup_printf (_("Revoke the Key Ending in %s?"), hint);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading,
                                                       _("Nobody can apply with it afterwards. This cannot be undone.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "kvota-key-id", g_object_get_data (G_OBJECT (button), "kvota-key-id"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The list */

static GtkWidget *
create_row (KvotaKeysPage              *self,
            const KvotaRegistrationKey *key)
{
  g_autofree char *title = NULL;
  g_autofree char *binding = NULL;
  g_autofree char *created = kvota_admin_format_date (key->created);
  g_autofree char *expires = kvota_admin_format_date (key->expires);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
  GtkWidget *label;

  /* Translators: a registration key in the list; %s is its last four
   * characters. */
  title = g_strdup_printf (_("Key ending in %s"), key->hint);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  if (key->bin != NULL && key->has_holder_type)
    /* Translators: what a key is bound to: a BIN and a holder type. */
    binding = g_strdup_printf (_("For BIN %s, %s"), key->bin, kvota_holder_type_describe (key->holder_type));
  else if (key->bin != NULL)
    /* Translators: what a key is bound to: a BIN. */
    binding = g_strdup_printf (_("For BIN %s"), key->bin);
  else if (key->has_holder_type)
    /* Translators: what a key is bound to: a holder type, such as
     * “Nature user”, which begins the phrase. */
    binding = g_strdup_printf (_("%s, any BIN"), kvota_holder_type_describe (key->holder_type));
  else
    binding = g_strdup (_("For any company"));

  /* Translators: a key's binding, who made it and when, and when it
   * expires, such as “For any company · admin, 2026-11-26 · expires 2026-12-26”. */
  subtitle = g_strdup_printf (_("%s · %s, %s · expires %s"), binding, key->created_by ? key->created_by : "", created, expires);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  label = gtk_label_new (kvota_admin_format_key_state (key->state));
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  if (key->state == KVOTA_KEY_STATE_UNUSED)
    gtk_widget_add_css_class (label, "accent");
  else
    gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  if (key->state == KVOTA_KEY_STATE_UNUSED)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke…"));
      g_autofree char *accessible = NULL;

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      /* Translators: the accessible name of the Revoke button of a key. */
      accessible = g_strdup_printf (_("Revoke the key ending in %s"), key->hint);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                      -1);
      g_object_set_data (G_OBJECT (button), "kvota-key-id", GSIZE_TO_POINTER ((gsize) key->id));
      g_object_set_data_full (G_OBJECT (button), "kvota-key-hint", g_strdup (key->hint), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (revoke_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
keys_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaKeysPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      show_error (self, error);
      return;
    }

  keys = kvota_json_read_list (root, "keys",
                               (KvotaJsonDecodeFunc) kvota_registration_key_from_json,
                               (GDestroyNotify) kvota_registration_key_free, NULL);
  if (keys == NULL)
    goto bad_reply;

  clear_list_box (self->list_box);
  for (guint i = 0; i < keys->len; i++)
    gtk_list_box_append (self->list_box, create_row (self, g_ptr_array_index (keys, i)));

  self->has_content = TRUE;
  show (self, keys->len > 0 ? "content" : "empty");
  return;

bad_reply:
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               kvota_error_code_describe (KVOTA_ERROR_FAILED));
  show_error (self, error);
}

static void
reload (KvotaKeysPage *self)
{
  self->requested = TRUE;
  if (!self->has_content)
    show (self, "loading");

  kvota_client_request_async (self->client, "GET", "/api/v1/registration-keys", NULL,
                              self->cancellable,
                              keys_loaded_cb,
                              g_object_ref (self));
}

/* Generating */

static void generate_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter);

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaKeysPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaRegistrationKey) key = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *body = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->generating = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.generate", TRUE);

  if (root == NULL)
    {
      if (kvota_client_error_is_session_end (error))
        return;

      /* Back to the dialog with what was typed, and the reason. */
      show_toast (self, error->message);
      generate_action (GTK_WIDGET (self), NULL, NULL);
      return;
    }

  if ((key = read_key (root)) == NULL || key->code == NULL)
    {
      show_toast (self, kvota_error_code_describe (KVOTA_ERROR_FAILED));
      reload (self);
      return;
    }

  g_clear_pointer (&self->draft_bin, g_free);
  self->draft_holder_type = 0;
  self->draft_days = 30;

  expires = kvota_admin_format_date (key->expires);
  /* Translators: %s is the date the key expires. */
  body = g_strdup_printf (_("Give this key to the company that registers with it. It is shown only now: the registry keeps only its fingerprint. It works once, until %s."),
                          expires);
  kvota_admin_show_secret (GTK_WIDGET (self), _("Registration Key"), body, key->code);
  reload (self);
}

static void
generate_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      KvotaKeysPage    *self)
{
  GtkEditable *bin_row = g_object_get_data (G_OBJECT (dialog), "kvota-bin");
  AdwComboRow *type_row = g_object_get_data (G_OBJECT (dialog), "kvota-type");
  GtkSpinButton *days_button = g_object_get_data (G_OBJECT (dialog), "kvota-days");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *bin = NULL;

  /* libadwaita 1.2 trips over an entry row that still has the focus as
   * the dialog goes away (Enter in the row answers the dialog). */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);

  /* Kept, whatever the answer: the next dialog starts from it. */
  bin = g_strstrip (g_strdup (gtk_editable_get_text (bin_row)));
  g_free (self->draft_bin);
  self->draft_bin = g_strdup (bin);
  self->draft_holder_type = adw_combo_row_get_selected (type_row);
  self->draft_days = gtk_spin_button_get_value_as_int (days_button);

  if (!g_str_equal (response, "generate"))
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (bin[0] != '\0')
    {
      json_builder_set_member_name (builder, "bin");
      json_builder_add_string_value (builder, bin);
    }
  if (self->draft_holder_type > 0 && self->draft_holder_type <= G_N_ELEMENTS (bindable_types))
    {
      json_builder_set_member_name (builder, "holder_type");
      json_builder_add_string_value (builder, kvota_holder_type_to_string (bindable_types[self->draft_holder_type - 1]));
    }
  json_builder_set_member_name (builder, "valid_days");
  json_builder_add_int_value (builder, self->draft_days);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  self->generating = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "keys.generate", FALSE);
  kvota_client_request_async (self->client, "POST", "/api/v1/registration-keys", body,
                              self->cancellable,
                              generated_cb,
                              g_object_ref (self));
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KvotaKeysPage *self = KVOTA_KEYS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkStringList) types = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list_box;
  GtkWidget *bin_row;
  GtkWidget *type_row;
  GtkWidget *days_row;
  GtkWidget *days_button;

  if (self->generating)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Generate a Registration Key"),
                                                       _("Bind the key to the company’s BIN or holder type to make sure nobody else registers with it.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "generate", _("_Generate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "generate", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "generate");
  adw_message_dialog_set_close_response (dialog, "cancel");

  list_box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list_box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list_box, "boxed-list");

  bin_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (bin_row), _("BIN or IIN (optional)"));
  gtk_editable_set_text (GTK_EDITABLE (bin_row), self->draft_bin ? self->draft_bin : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (bin_row), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list_box), bin_row);

  types = gtk_string_list_new (NULL);
  gtk_string_list_append (types, _("Any holder type"));
  for (guint i = 0; i < G_N_ELEMENTS (bindable_types); i++)
    gtk_string_list_append (types, kvota_holder_type_describe (bindable_types[i]));
  type_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (type_row), _("Holder Type"));
  adw_combo_row_set_model (ADW_COMBO_ROW (type_row), G_LIST_MODEL (types));
  adw_combo_row_set_selected (ADW_COMBO_ROW (type_row), self->draft_holder_type);
  gtk_list_box_append (GTK_LIST_BOX (list_box), type_row);

  days_row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (days_row), _("Valid for Days"));
  days_button = gtk_spin_button_new_with_range (1, 365, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (days_button), self->draft_days);
  gtk_widget_set_valign (days_button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (days_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Valid for Days"),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (days_row), days_button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (days_row), days_button);
  gtk_list_box_append (GTK_LIST_BOX (list_box), days_row);

  adw_message_dialog_set_extra_child (dialog, list_box);
  g_object_set_data (G_OBJECT (dialog), "kvota-bin", bin_row);
  g_object_set_data (G_OBJECT (dialog), "kvota-type", type_row);
  g_object_set_data (G_OBJECT (dialog), "kvota-days", days_button);
  g_signal_connect_object (dialog, "response", G_CALLBACK (generate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (bin_row);
}

/* Actions and overrides */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_KEYS_PAGE (widget));
}

static void
kvota_keys_page_map (GtkWidget *widget)
{
  KvotaKeysPage *self = KVOTA_KEYS_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_keys_page_parent_class)->map (widget);

  if (!self->requested)
    {
      reload (self);

#ifdef KVOTA_DEVELOPMENT
      /* Development builds only: KVOTA_KEYS_GENERATE opens the dialog,
       * for screenshots and UI tests. */
      if (g_getenv ("KVOTA_KEYS_GENERATE") != NULL)
        generate_action (widget, NULL, NULL);
#endif
    }
}

/* Search, by the texts the rows show (kvota-search.c). */

static gboolean
filter_row_cb (GtkListBoxRow *row,
               gpointer       user_data)
{
  KvotaKeysPage *self = user_data;
  g_autofree char *folded = NULL;

  if (self->search_text == NULL)
    return TRUE;

  folded = kvota_search_widget_text (GTK_WIDGET (row));

  return strstr (folded, self->search_text) != NULL;
}

static void
search_changed_cb (KvotaKeysPage  *self,
                   GtkSearchEntry *entry)
{
  g_autofree char *folded = kvota_search_fold (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_clear_pointer (&self->search_text, g_free);
  if (folded[0] != '\0')
    self->search_text = g_steal_pointer (&folded);

  /* The placeholder speaks of the search only: an empty list has a page
   * of its own. */
  gtk_widget_set_visible (self->no_match, self->search_text != NULL);
  gtk_list_box_invalidate_filter (self->list_box);
}

static void
stop_search_cb (KvotaKeysPage  *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaKeysPage *self = KVOTA_KEYS_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kvota_keys_page_dispose (GObject *object)
{
  KvotaKeysPage *self = (KvotaKeysPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_KEYS_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->client);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (kvota_keys_page_parent_class)->dispose (object);
}

static void
kvota_keys_page_finalize (GObject *object)
{
  KvotaKeysPage *self = (KvotaKeysPage *)object;

  g_clear_pointer (&self->draft_bin, g_free);

  G_OBJECT_CLASS (kvota_keys_page_parent_class)->finalize (object);
}

static void
kvota_keys_page_class_init (KvotaKeysPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_keys_page_dispose;
  object_class->finalize = kvota_keys_page_finalize;

  widget_class->map = kvota_keys_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-keys-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaKeysPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaKeysPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaKeysPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaKeysPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, KvotaKeysPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaKeysPage, no_match);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "keys.generate", NULL, generate_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "keys.generate", NULL);
}

static void
kvota_keys_page_init (KvotaKeysPage *self)
{
  GtkEventController *controller;
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_filter_func (self->list_box, filter_row_cb, self, NULL);

  /* Ctrl+F works wherever the focus is in the window while the page is
   * shown, such as on the sidebar. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("page.search")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  self->cancellable = g_cancellable_new ();
  self->draft_days = 30;
}

/**
 * kvota_keys_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_keys_page_new (KvotaClient *client)
{
  KvotaKeysPage *self;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_KEYS_PAGE, NULL);
  self->client = g_object_ref (client);

  return GTK_WIDGET (self);
}
