/* kvota-users-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-users-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kvota-admin-dialogs.h"
#include "kvota-admin-format.h"
#include "kvota-directory-item.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-pages.h"
#include "kvota-search.h"
#include "kvota-users-page.h"

/* Organisations and their users. An administrator blocks and restores
 * either (a block ends every session at once), adds users, and resets a
 * user's password, handing over the one-time reset key. The Ministry
 * sees the same list without any of those buttons. */

struct _KvotaUsersPage
{
  GtkWidget      parent_instance;

  KvotaClient   *client;
  GCancellable  *cancellable;
  GPtrArray     *organisations;   /* of KvotaOrganisation, while a load is out */
  GPtrArray     *users;           /* of KvotaUser, while a load is out */
  GListStore    *items;           /* of KvotaDirectoryItem: the organisations */
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkTreeListModel *tree;
  GHashTable    *expanded;        /* ids of the organisations open */
  guint          pending;         /* requests of the load still out */
  GError        *load_error;
  gboolean       requested;
  gboolean       has_content;
  gboolean       may_act;

  /* Typed text kept when the registry refuses it. */
  char          *draft_target;    /* such as "users/5/block" */
  char          *draft_reason;
  gint64         draft_organisation;
  char          *draft_full_name;
  char          *draft_username;
  char          *draft_password;
  guint          draft_role;

  /* Template widgets */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *error_page;
  GtkListView   *list_view;
  GtkWidget     *scrolled_window;
  GtkWidget     *search_entry;
  GtkWidget     *no_match;
  char          *search_text;   /* normalised, case-folded, without spaces, or NULL */
};

G_DEFINE_FINAL_TYPE (KvotaUsersPage, kvota_users_page, GTK_TYPE_WIDGET)

/* Who a button acts on. */
typedef struct
{
  const char      *collection;    /* "users" or "organisations" */
  gint64           id;
  char            *name;
  gboolean         blocked;
  KvotaHolderType  holder_type;   /* of an organisation */
} Target;

/* A request under way, with the page and what its reply needs. */
typedef struct
{
  KvotaUsersPage *self;
  gpointer        data;
  GDestroyNotify  free_data;
} Call;

static void reload (KvotaUsersPage *self);

static Call *
call_new (KvotaUsersPage *self,
          gpointer        data,
          GDestroyNotify  free_data)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->data = data;
  call->free_data = free_data;

  return call;
}

static void
call_free (Call *call)
{
  if (call->free_data != NULL)
    call->free_data (call->data);
  g_object_unref (call->self);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
target_free (gpointer data)
{
  Target *target = data;

  g_free (target->name);
  g_free (target);
}

static Target *
target_new (const char      *collection,
            gint64           id,
            const char      *name,
            gboolean         blocked,
            KvotaHolderType  holder_type)
{
  Target *target = g_new0 (Target, 1);

  target->collection = collection;
  target->id = id;
  target->name = g_strdup (name);
  target->blocked = blocked;
  target->holder_type = holder_type;

  return target;
}

static void
show_toast (KvotaUsersPage *self,
            const char     *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static void
show (KvotaUsersPage *self,
      const char     *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static AdwMessageDialog *
new_dialog (KvotaUsersPage *self,
            const char     *heading,
            const char     *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                     heading, body));
}

/* Replies of the actions */

static void
acted_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(Call) call = user_data;
  KvotaUsersPage *self = call->self;
  const char *success = call->data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        show_toast (self, error->message);
      reload (self);
      return;
    }

  /* Done: what was drafted for it is no longer needed. */
  g_clear_pointer (&self->draft_target, g_free);
  g_clear_pointer (&self->draft_reason, g_free);

  show_toast (self, success);
  reload (self);
}

static void
send (KvotaUsersPage *self,
      const char     *path,
      JsonNode       *body,
      char           *success)
{
  Call *call = call_new (self, success, g_free);

  kvota_client_request_async (self->client, "POST", path, body,
                              self->cancellable,
                              acted_cb,
                              call);
}

/* Block and restore */

static void
block_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   KvotaUsersPage   *self)
{
  Target *target = g_object_get_data (G_OBJECT (dialog), "kvota-target");
  const char *verb = target->blocked ? "restore" : "block";
  g_autofree char *reason = kvota_admin_reason_dialog_get_reason (dialog);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  char *success;

  path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/%s", target->collection, target->id, verb);
  g_free (self->draft_target);
  self->draft_target = g_strdup (path);
  g_free (self->draft_reason);
  self->draft_reason = g_strdup (reason);

  if (!g_str_equal (response, "apply"))
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (reason[0] != '\0')
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  if (target->blocked)
    /* Translators: %s is a user's or an organisation's name. */
    success = g_strdup_printf (_("%s is restored."), target->name);
  else
    /* Translators: %s is a user's or an organisation's name. */
    success = g_strdup_printf (_("%s is blocked. Every session has ended."), target->name);

  send (self, path, body, success);
}

static void
block_clicked_cb (GtkButton      *button,
                  KvotaUsersPage *self)
{
  Target *target = g_object_get_data (G_OBJECT (button), "kvota-target");
  gboolean user = g_str_equal (target->collection, "users");
  g_autofree char *heading = NULL;
  g_autofree char *path = NULL;
  const char *body;
  AdwMessageDialog *dialog;

  if (target->blocked)
    {
      /* Translators: %s is a user's or an organisation's name. */
      heading = g_strdup_printf (_("Restore %s?"), target->name);
      body = user ? _("The user can log in again; sessions from before the block stay ended.")
                  : _("Its users can log in again, and its account can send and receive units.");
    }
  else
    {
      /* Translators: %s is a user's or an organisation's name. */
      heading = g_strdup_printf (_("Block %s?"), target->name);
      body = user ? _("Every session of the user ends at once, and the user cannot log in until restored.")
                  : _("Every session of its users ends at once, they cannot log in, and its account can neither send nor receive units.");
    }

  path = g_strdup_printf ("/api/v1/%s/%" G_GINT64_FORMAT "/%s", target->collection, target->id,
                          target->blocked ? "restore" : "block");
  dialog = kvota_admin_reason_dialog_new (GTK_WIDGET (self), heading, body,
                                          target->blocked ? _("_Restore") : _("_Block"),
                                          !target->blocked, !target->blocked,
                                          g_strcmp0 (self->draft_target, path) == 0 ? self->draft_reason : NULL);
  g_object_set_data_full (G_OBJECT (dialog), "kvota-target",
                          target_new (target->collection, target->id, target->name, target->blocked, target->holder_type),
                          target_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (block_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Password reset */

static void
reset_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(Call) call = user_data;
  KvotaUsersPage *self = call->self;
  const char *name = call->data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  const char *key = NULL;
  JsonObject *reply;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        show_toast (self, error->message);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      reply = json_node_get_object (root);
      key = json_object_get_string_member_with_default (reply, "reset_key", NULL);
      expires = kvota_timestamp_parse (json_object_get_string_member_with_default (reply, "expires", ""));
    }

  if (key == NULL)
    {
      show_toast (self, kvota_error_code_describe (KVOTA_ERROR_FAILED));
      return;
    }

  when = kvota_format_date_time (expires);
  /* Translators: the first %s is the user's name, the second when the
   * key expires. */
  body = g_strdup_printf (_("Give this key to %s. With it they set a new password when they next log in. It is shown only now, and works once, until %s."),
                          name, when);
  kvota_admin_show_secret (GTK_WIDGET (self), _("Password Reset Key"), body, key);
}

static void
reset_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   KvotaUsersPage   *self)
{
  Target *target = g_object_get_data (G_OBJECT (dialog), "kvota-target");
  g_autofree char *path = NULL;
  Call *call;

  if (!g_str_equal (response, "reset"))
    return;

  path = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT "/reset-password", target->id);
  call = call_new (self, g_strdup (target->name), g_free);
  kvota_client_request_async (self->client, "POST", path, NULL,
                              self->cancellable,
                              reset_cb,
                              call);
}

static void
reset_clicked_cb (GtkButton      *button,
                  KvotaUsersPage *self)
{
  Target *target = g_object_get_data (G_OBJECT (button), "kvota-target");
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  /* Translators: %s is a user's name. */
  heading = g_strdup_printf (_("Reset the Password of %s?"), target->name);
  dialog = new_dialog (self, heading,
                       _("The current password stops working and every session of the user ends at once. You get a one-time key to hand over, valid for 24 hours."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "reset", _("_Reset Password"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "reset", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kvota-target",
                          target_new ("users", target->id, target->name, target->blocked, target->holder_type),
                          target_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reset_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Adding a user */

static void add_user (KvotaUsersPage *self,
                      Target         *organisation);

static void
user_added_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(Call) call = user_data;
  KvotaUsersPage *self = call->self;
  Target *organisation = call->data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      if (kvota_client_error_is_session_end (error))
        return;

      /* Back to the dialog with everything typed, and the reason. */
      show_toast (self, error->message);
      add_user (self, organisation);
      return;
    }

  /* Translators: %s is the new user's username. */
  message = g_strdup_printf (_("User %s is added."), self->draft_username);
  self->draft_organisation = 0;
  g_clear_pointer (&self->draft_full_name, g_free);
  g_clear_pointer (&self->draft_username, g_free);
  g_clear_pointer (&self->draft_password, g_free);
  self->draft_role = 0;

  show_toast (self, message);
  reload (self);
}

static GPtrArray *
roles_for (KvotaHolderType holder_type)
{
  GPtrArray *roles = g_ptr_array_new ();

  for (int role = 0; role < KVOTA_N_ROLES; role++)
    if (kvota_role_allowed_for_holder_type ((KvotaRole) role, holder_type))
      g_ptr_array_add (roles, GINT_TO_POINTER (role));

  return roles;
}

static void
add_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 KvotaUsersPage   *self)
{
  Target *organisation = g_object_get_data (G_OBJECT (dialog), "kvota-target");
  GtkEditable *full_name = g_object_get_data (G_OBJECT (dialog), "kvota-full-name");
  GtkEditable *username = g_object_get_data (G_OBJECT (dialog), "kvota-username");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "kvota-password");
  AdwComboRow *role_row = g_object_get_data (G_OBJECT (dialog), "kvota-role");
  g_autoptr(GPtrArray) roles = roles_for (organisation->holder_type);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  Call *call;
  guint role;

  /* libadwaita 1.2 trips over an entry row that still has the focus as
   * the dialog goes away (Enter in the row answers the dialog). */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);

  self->draft_organisation = organisation->id;
  g_free (self->draft_full_name);
  self->draft_full_name = g_strstrip (g_strdup (gtk_editable_get_text (full_name)));
  g_free (self->draft_username);
  self->draft_username = g_strstrip (g_strdup (gtk_editable_get_text (username)));
  g_free (self->draft_password);
  self->draft_password = g_strdup (gtk_editable_get_text (password));
  self->draft_role = adw_combo_row_get_selected (role_row);

  if (!g_str_equal (response, "add") || self->draft_role >= roles->len)
    return;

  role = GPOINTER_TO_UINT (g_ptr_array_index (roles, self->draft_role));

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "organisation_id");
  json_builder_add_int_value (builder, organisation->id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, self->draft_username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->draft_password);
  json_builder_set_member_name (builder, "full_name");
  json_builder_add_string_value (builder, self->draft_full_name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, kvota_role_to_string ((KvotaRole) role));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  call = call_new (self,
                   target_new ("organisations", organisation->id, organisation->name,
                               organisation->blocked, organisation->holder_type),
                   target_free);
  kvota_client_request_async (self->client, "POST", "/api/v1/users", body,
                              self->cancellable,
                              user_added_cb,
                              call);
}

static void
add_fields_changed_cb (AdwMessageDialog *dialog)
{
  GtkEditable *full_name = g_object_get_data (G_OBJECT (dialog), "kvota-full-name");
  GtkEditable *username = g_object_get_data (G_OBJECT (dialog), "kvota-username");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "kvota-password");

  /* Rows emptied as the dialog goes away. */
  if (gtk_widget_in_destruction (GTK_WIDGET (dialog)))
    return;

  /* The registry checks the rest and says what is wrong. */
  adw_message_dialog_set_response_enabled (dialog, "add",
                                           gtk_editable_get_text (full_name)[0] != '\0' &&
                                           gtk_editable_get_text (username)[0] != '\0' &&
                                           gtk_editable_get_text (password)[0] != '\0');
}

static void
add_user (KvotaUsersPage *self,
          Target         *organisation)
{
  g_autofree char *heading = NULL;
  g_autoptr(GPtrArray) roles = roles_for (organisation->holder_type);
  g_autoptr(GtkStringList) role_names = gtk_string_list_new (NULL);
  gboolean same = self->draft_organisation == organisation->id;
  AdwMessageDialog *dialog;
  GtkWidget *list_box;
  GtkWidget *full_name;
  GtkWidget *username;
  GtkWidget *password;
  GtkWidget *role;

  /* Translators: %s is the organisation's name. */
  heading = g_strdup_printf (_("Add a User to %s"), organisation->name);
  dialog = new_dialog (self, heading,
                       _("Give the user their username and password; passwords need at least 10 characters."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add User"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");

  list_box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list_box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list_box, "boxed-list");

  full_name = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (full_name), _("Full Name"));
  gtk_editable_set_text (GTK_EDITABLE (full_name), same && self->draft_full_name ? self->draft_full_name : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (full_name), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list_box), full_name);

  username = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (username), _("Username"));
  gtk_editable_set_text (GTK_EDITABLE (username), same && self->draft_username ? self->draft_username : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (username), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list_box), username);

  password = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Password"));
  gtk_editable_set_text (GTK_EDITABLE (password), same && self->draft_password ? self->draft_password : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (password), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list_box), password);

  for (guint i = 0; i < roles->len; i++)
    gtk_string_list_append (role_names, kvota_role_describe ((KvotaRole) GPOINTER_TO_INT (g_ptr_array_index (roles, i))));
  role = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (role), _("Role"));
  adw_combo_row_set_model (ADW_COMBO_ROW (role), G_LIST_MODEL (role_names));
  if (same && self->draft_role < roles->len)
    adw_combo_row_set_selected (ADW_COMBO_ROW (role), self->draft_role);
  gtk_list_box_append (GTK_LIST_BOX (list_box), role);

  adw_message_dialog_set_extra_child (dialog, list_box);
  g_object_set_data (G_OBJECT (dialog), "kvota-full-name", full_name);
  g_object_set_data (G_OBJECT (dialog), "kvota-username", username);
  g_object_set_data (G_OBJECT (dialog), "kvota-password", password);
  g_object_set_data (G_OBJECT (dialog), "kvota-role", role);
  g_object_set_data_full (G_OBJECT (dialog), "kvota-target",
                          target_new ("organisations", organisation->id, organisation->name, organisation->blocked, organisation->holder_type),
                          target_free);
  g_signal_connect_object (full_name, "changed", G_CALLBACK (add_fields_changed_cb), dialog, G_CONNECT_SWAPPED);
  g_signal_connect_object (username, "changed", G_CALLBACK (add_fields_changed_cb), dialog, G_CONNECT_SWAPPED);
  g_signal_connect_object (password, "changed", G_CALLBACK (add_fields_changed_cb), dialog, G_CONNECT_SWAPPED);
  add_fields_changed_cb (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (full_name);
}

static void
add_clicked_cb (GtkButton      *button,
                KvotaUsersPage *self)
{
  add_user (self, g_object_get_data (G_OBJECT (button), "kvota-target"));
}

/* The list */

static GtkWidget *
new_button (KvotaUsersPage *self,
            const char     *label,
            const char     *accessible,
            Target         *target,
            GCallback       callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "kvota-target", target, target_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);

  return button;
}

/* The rows: an organisation with the expander of its users, or a user.
 * The list view makes rows for what is on screen only, and binds them to
 * item after item as the list scrolls: tens of thousands cost no more
 * than a screenful. */

static void
set_state_label (GtkLabel       *label,
                 KvotaUserState  state)
{
  gtk_label_set_label (label, kvota_admin_format_user_state (state));
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (label), state == KVOTA_USER_STATE_BLOCKED ? "error" : "dim-label");
}

static void
add_organisation_actions (KvotaUsersPage          *self,
                          GtkBox                  *actions,
                          const KvotaOrganisation *organisation)
{
  gboolean blocked = organisation->state == KVOTA_USER_STATE_BLOCKED;
  g_autofree char *add_name = NULL;

  /* The registry administration and the Ministry are blocked user by
   * user, never as a whole. */
  if (kvota_holder_type_is_company (organisation->holder_type))
    {
      g_autofree char *block_name = NULL;

      /* Translators: accessible name; %s is the organisation's name. */
      block_name = g_strdup_printf (blocked ? _("Restore %s") : _("Block %s"), organisation->name);
      gtk_box_append (actions,
                      new_button (self, blocked ? _("_Restore…") : _("_Block…"), block_name,
                                  target_new ("organisations", organisation->id, organisation->name,
                                              blocked, organisation->holder_type),
                                  G_CALLBACK (block_clicked_cb)));
    }

  /* Translators: accessible name; %s is the organisation's name. */
  add_name = g_strdup_printf (_("Add a user to %s"), organisation->name);
  gtk_box_append (actions,
                  new_button (self, _("_Add User…"), add_name,
                              target_new ("organisations", organisation->id, organisation->name,
                                          blocked, organisation->holder_type),
                              G_CALLBACK (add_clicked_cb)));
}

static void
add_user_actions (KvotaUsersPage  *self,
                  GtkBox          *actions,
                  const KvotaUser *user)
{
  gboolean blocked = user->state == KVOTA_USER_STATE_BLOCKED;
  g_autofree char *reset_name = NULL;
  g_autofree char *block_name = NULL;

  /* Translators: accessible names of a user's buttons; %s is the user's name. */
  reset_name = g_strdup_printf (_("Reset the password of %s"), user->full_name);
  block_name = g_strdup_printf (blocked ? _("Restore %s") : _("Block %s"), user->full_name);

  gtk_box_append (actions,
                  new_button (self, _("Reset _Password…"), reset_name,
                              target_new ("users", user->id, user->full_name, blocked, 0),
                              G_CALLBACK (reset_clicked_cb)));
  gtk_box_append (actions,
                  new_button (self, blocked ? _("_Restore…") : _("_Block…"), block_name,
                              target_new ("users", user->id, user->full_name, blocked, 0),
                              G_CALLBACK (block_clicked_cb)));
}

/* Screen readers hear whether an organisation is open: the row's focus
 * is on the expander, not on its arrow. */
static void
update_expanded_state (GtkWidget      *expander,
                       GtkTreeListRow *row)
{
  if (gtk_tree_list_row_is_expandable (row))
    gtk_accessible_update_state (GTK_ACCESSIBLE (expander),
                                 GTK_ACCESSIBLE_STATE_EXPANDED, gtk_tree_list_row_get_expanded (row),
                                 -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_STATE_EXPANDED);
}

static void
row_expanded_cb (GtkTreeListRow *row,
                 GParamSpec     *pspec,
                 GtkWidget      *expander)
{
  GtkWidget *page = gtk_widget_get_ancestor (expander, KVOTA_TYPE_USERS_PAGE);
  KvotaUsersPage *self = page != NULL ? KVOTA_USERS_PAGE (page) : NULL;
  g_autoptr(KvotaDirectoryItem) item = gtk_tree_list_row_get_item (row);
  const KvotaOrganisation *organisation;

  /* A row whose item went away (a reload, a search) says it is closed:
   * that is no choice of the user's. */
  if (item == NULL)
    return;

  organisation = kvota_directory_item_get_organisation (item);
  update_expanded_state (expander, row);

  /* Remembered by id, so that a reload or a search keeps it open. */
  if (self != NULL && organisation != NULL)
    {
      if (gtk_tree_list_row_get_expanded (row))
        g_hash_table_add (self->expanded, GSIZE_TO_POINTER ((gsize) organisation->id));
      else
        g_hash_table_remove (self->expanded, GSIZE_TO_POINTER ((gsize) organisation->id));
    }
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              KvotaUsersPage           *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *state = gtk_label_new (NULL);
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");

  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), state);
  gtk_box_append (GTK_BOX (box), actions);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);

  g_object_set_data (G_OBJECT (expander), "kvota-title", title);
  g_object_set_data (G_OBJECT (expander), "kvota-subtitle", subtitle);
  g_object_set_data (G_OBJECT (expander), "kvota-state", state);
  g_object_set_data (G_OBJECT (expander), "kvota-actions", actions);
  gtk_list_item_set_child (list_item, expander);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             KvotaUsersPage           *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  g_autoptr(KvotaDirectoryItem) item = gtk_tree_list_row_get_item (row);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkLabel *title = g_object_get_data (G_OBJECT (expander), "kvota-title");
  GtkLabel *subtitle = g_object_get_data (G_OBJECT (expander), "kvota-subtitle");
  GtkLabel *state = g_object_get_data (G_OBJECT (expander), "kvota-state");
  GtkBox *actions = g_object_get_data (G_OBJECT (expander), "kvota-actions");
  const KvotaOrganisation *organisation = kvota_directory_item_get_organisation (item);
  const KvotaUser *user = kvota_directory_item_get_user (item);
  GtkWidget *child;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  update_expanded_state (expander, row);
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (row_expanded_cb), expander, 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (actions))) != NULL)
    gtk_box_remove (actions, child);

  gtk_label_set_label (subtitle, kvota_directory_item_get_subtitle (item));

  if (organisation != NULL)
    {
      gtk_label_set_label (title, organisation->name);
      set_state_label (state, organisation->state);
      gtk_widget_remove_css_class (GTK_WIDGET (title), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (title), "heading");
      if (self->may_act)
        add_organisation_actions (self, actions, organisation);
    }
  else
    {
      gtk_label_set_label (title, user->full_name);
      set_state_label (state, user->state);
      gtk_widget_remove_css_class (GTK_WIDGET (title), "heading");
      if (self->may_act)
        add_user_actions (self, actions, user);
    }
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               KvotaUsersPage           *self)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);

  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), row_expanded_cb, expander);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

/* A click on the row, Enter or Space opens or closes an organisation, as
 * the arrow does. */
static void
list_view_activate_cb (KvotaUsersPage *self,
                       guint           position,
                       GtkListView    *list_view)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);

  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

/* An organisation opens on its users; one without users does not open. */
static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GListModel *users = kvota_directory_item_get_users (item);

  if (users == NULL || g_list_model_get_n_items (users) == 0)
    return NULL;

  return g_object_ref (users);
}

static void
fill (KvotaUsersPage *self)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *rows = G_LIST_MODEL (self->tree);

  /* The records go over to the items. */
  g_ptr_array_set_free_func (self->organisations, NULL);
  g_ptr_array_set_free_func (self->users, NULL);

  for (guint i = 0; i < self->organisations->len; i++)
    {
      KvotaOrganisation *organisation = g_ptr_array_index (self->organisations, i);
      KvotaDirectoryItem *item = kvota_directory_item_new_organisation (organisation);

      g_hash_table_insert (by_id, GSIZE_TO_POINTER ((gsize) organisation->id), item);
      g_ptr_array_add (items, item);
    }

  for (guint i = 0; i < self->users->len; i++)
    {
      KvotaUser *user = g_ptr_array_index (self->users, i);
      KvotaDirectoryItem *organisation = NULL;
      g_autoptr(KvotaDirectoryItem) item = NULL;

      if (user->organisation != NULL)
        organisation = g_hash_table_lookup (by_id, GSIZE_TO_POINTER ((gsize) user->organisation->id));
      if (organisation == NULL)
        {
          kvota_user_free (user);
          continue;
        }

      item = kvota_directory_item_new_user (user);
      kvota_directory_item_add_user (organisation, item);
    }

  g_clear_pointer (&self->organisations, g_ptr_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);

  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);

  /* The organisations the user opened stay open across a reload. */
  if (g_hash_table_size (self->expanded) > 0)
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
        g_autoptr(KvotaDirectoryItem) item = gtk_tree_list_row_get_item (row);
        const KvotaOrganisation *organisation = kvota_directory_item_get_organisation (item);

        if (organisation != NULL &&
            g_hash_table_contains (self->expanded, GSIZE_TO_POINTER ((gsize) organisation->id)))
          gtk_tree_list_row_set_expanded (row, TRUE);
      }
}

static GPtrArray *
read_array (JsonNode   *root,
            const char *member,
            gboolean    users,
            GError    **error)
{
  GPtrArray *items;

  if (users)
    items = kvota_json_read_list (root, member,
                                  (KvotaJsonDecodeFunc) kvota_user_from_json,
                                  (GDestroyNotify) kvota_user_free, NULL);
  else
    items = kvota_json_read_list (root, member,
                                  (KvotaJsonDecodeFunc) kvota_organisation_from_json,
                                  (GDestroyNotify) kvota_organisation_free, NULL);

  if (items == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         kvota_error_code_describe (KVOTA_ERROR_FAILED));

  return items;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(Call) call = user_data;
  KvotaUsersPage *self = call->self;
  gboolean users = GPOINTER_TO_INT (call->data);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || (items = read_array (root, users ? "users" : "organisations", users, &error)) == NULL)
    {
      if (self->load_error == NULL)
        self->load_error = g_steal_pointer (&error);
    }
  else if (users)
    {
      g_clear_pointer (&self->users, g_ptr_array_unref);
      self->users = g_steal_pointer (&items);
    }
  else
    {
      g_clear_pointer (&self->organisations, g_ptr_array_unref);
      self->organisations = g_steal_pointer (&items);
    }

  g_assert (self->pending > 0);
  if (--self->pending > 0)
    return;

  if (self->load_error != NULL)
    {
      g_autoptr(GError) load_error = g_steal_pointer (&self->load_error);

      if (kvota_client_error_is_session_end (load_error))
        {
          self->requested = FALSE;
          return;
        }

      if (self->has_content)
        show_toast (self, load_error->message);
      else
        {
          adw_status_page_set_description (self->error_page, load_error->message);
          show (self, "error");
        }
      return;
    }

  fill (self);
  self->has_content = TRUE;
  show (self, g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0 ? "content" : "empty");
}

static void
reload (KvotaUsersPage *self)
{
  Call *call;

  /* A reload while one is out starts afresh. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->load_error);

  self->requested = TRUE;
  self->pending = 2;
  if (!self->has_content)
    show (self, "loading");

  call = call_new (self, GINT_TO_POINTER (FALSE), NULL);
  kvota_client_request_async (self->client, "GET", "/api/v1/organisations", NULL,
                              self->cancellable, loaded_cb, call);

  call = call_new (self, GINT_TO_POINTER (TRUE), NULL);
  kvota_client_request_async (self->client, "GET", "/api/v1/users", NULL,
                              self->cancellable, loaded_cb, call);
}

/* Actions and overrides */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_USERS_PAGE (widget));
}

static void
kvota_users_page_map (GtkWidget *widget)
{
  KvotaUsersPage *self = KVOTA_USERS_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_users_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

/* Search, by the texts the rows show (kvota-search.c): an organisation
 * shows, with all its users, when it or one of them matches. */

static gboolean
filter_cb (gpointer item,
           gpointer user_data)
{
  KvotaUsersPage *self = user_data;

  return kvota_directory_item_matches (item, self->search_text);
}

static void
update_no_match (KvotaUsersPage *self)
{
  gboolean none = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  /* The placeholder speaks of the search only: an empty list has a page
   * of its own. */
  gtk_widget_set_visible (self->no_match, none && self->search_text != NULL);
  gtk_widget_set_visible (self->scrolled_window, !none);
}

static void
search_changed_cb (KvotaUsersPage *self,
                   GtkSearchEntry *entry)
{
  g_autofree char *folded = kvota_search_fold (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_clear_pointer (&self->search_text, g_free);
  if (folded[0] != '\0')
    self->search_text = g_steal_pointer (&folded);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
stop_search_cb (KvotaUsersPage *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaUsersPage *self = KVOTA_USERS_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kvota_users_page_dispose (GObject *object)
{
  KvotaUsersPage *self = (KvotaUsersPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_USERS_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->client);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (kvota_users_page_parent_class)->dispose (object);
}

static void
kvota_users_page_finalize (GObject *object)
{
  KvotaUsersPage *self = (KvotaUsersPage *)object;

  g_clear_pointer (&self->organisations, g_ptr_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_object (&self->items);
  g_clear_object (&self->filter);
  g_clear_object (&self->filtered);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->draft_target, g_free);
  g_clear_pointer (&self->draft_reason, g_free);
  g_clear_pointer (&self->draft_full_name, g_free);
  g_clear_pointer (&self->draft_username, g_free);
  g_clear_pointer (&self->draft_password, g_free);

  G_OBJECT_CLASS (kvota_users_page_parent_class)->finalize (object);
}

static void
kvota_users_page_class_init (KvotaUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_users_page_dispose;
  object_class->finalize = kvota_users_page_finalize;

  widget_class->map = kvota_users_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaUsersPage, no_match);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
}

static void
kvota_users_page_init (KvotaUsersPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (KVOTA_TYPE_DIRECTORY_ITEM);
  self->expanded = g_hash_table_new (NULL, NULL);
  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->items)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), FALSE, FALSE,
                                        create_children_cb, NULL, NULL);
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_no_match), self,
                           G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (row_setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (row_bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (row_unbind_cb), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->tree))));
  gtk_list_view_set_model (self->list_view, selection);
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (list_view_activate_cb), self,
                           G_CONNECT_SWAPPED);

  /* Ctrl+F works wherever the focus is in the window while the page is
   * shown, such as on the sidebar. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("page.search")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  self->cancellable = g_cancellable_new ();
  self->organisations = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_organisation_free);
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_user_free);
}

/**
 * kvota_users_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_users_page_new (KvotaClient *client)
{
  KvotaUsersPage *self;
  const KvotaUser *user;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_USERS_PAGE, NULL);
  self->client = g_object_ref (client);

  /* The Ministry oversees: it sees who is registered, and acts on no one. */
  user = kvota_client_get_user (client);
  self->may_act = user != NULL && kvota_user_is_administrator (user);

  return GTK_WIDGET (self);
}
