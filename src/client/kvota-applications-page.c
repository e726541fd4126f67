/* kvota-applications-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-applications-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kvota-admin-dialogs.h"
#include "kvota-admin-document.h"
#include "kvota-admin-format.h"
#include "kvota-applications-page.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-pages.h"
#include "kvota-search.h"

/* Registration applications: companies that applied with a registration
 * key, their details and signed application, for an administrator to
 * confirm (the organisation and its representative are created) or to
 * decline with a reason the applicant reads. The Ministry sees them
 * without the decisions. */

struct _KvotaApplicationsPage
{
  GtkWidget         parent_instance;

  KvotaClient      *client;
  GCancellable     *cancellable;
  GPtrArray        *applications;    /* of KvotaApplication, as listed */
  KvotaApplication *current;         /* the one in the detail, owned */
  gint64            draft_id;        /* whose decline reason is drafted */
  char             *draft_reason;
  gboolean          requested;
  gboolean          has_content;
  gboolean          deciding;
  gboolean          may_decide;

  /* Template widgets */
  GtkStack         *view_stack;
  GtkStack         *stack;
  GtkSpinner       *spinner;
  AdwStatusPage    *error_page;
  GtkListBox       *list_box;
  GtkWidget        *search_entry;
  GtkWidget        *no_match;
  char             *search_text;   /* normalised, case-folded, without spaces, or NULL */
  GtkLabel         *detail_title;
  GtkSpinner       *detail_spinner;
  AdwActionRow     *name_kk_row;
  AdwActionRow     *name_ru_row;
  AdwActionRow     *bin_row;
  AdwActionRow     *holder_type_row;
  AdwActionRow     *address_row;
  AdwActionRow     *phone_row;
  AdwActionRow     *email_row;
  AdwActionRow     *representative_row;
  AdwActionRow     *position_row;
  AdwActionRow     *username_row;
  AdwActionRow     *state_row;
  AdwActionRow     *created_row;
  AdwActionRow     *decided_row;
  AdwActionRow     *reason_row;
  AdwActionRow     *document_row;
  GtkWidget        *decision_box;
};

G_DEFINE_FINAL_TYPE (KvotaApplicationsPage, kvota_applications_page, GTK_TYPE_WIDGET)

static void list_box_row_activated_cb (KvotaApplicationsPage *self,
                                       GtkListBoxRow         *row,
                                       GtkListBox            *list_box);

#define EM_DASH "\u2014"

static void
show_toast (KvotaApplicationsPage *self,
            const char            *message)
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

static const char *
application_name (const KvotaApplication *application)
{
  if (application->name_ru != NULL && application->name_ru[0] != '\0')
    return application->name_ru;
  if (application->name_kk != NULL && application->name_kk[0] != '\0')
    return application->name_kk;
  return application->bin;
}

static void
show (KvotaApplicationsPage *self,
      const char            *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
show_error (KvotaApplicationsPage *self,
            const GError          *error)
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

static GtkWidget *
create_row (const KvotaApplication *application)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *created = kvota_format_date_time (application->created);
  GtkWidget *row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
  GtkWidget *box;
  GtkWidget *label;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), application_name (application));
  /* Translators: a registration application in the list: the BIN and
   * the kind of holder, such as “960340000192, Nature user”. */
  subtitle = g_strdup_printf (_("%s, %s"), application->bin, kvota_holder_type_describe (application->holder_type));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  label = gtk_label_new (kvota_admin_format_application_state (application->state));
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  if (application->state == KVOTA_APPLICATION_STATE_PENDING)
    gtk_widget_add_css_class (label, "accent");
  else if (application->state == KVOTA_APPLICATION_STATE_DECLINED)
    gtk_widget_add_css_class (label, "error");
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (created);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  return row;
}

static void
fill_list (KvotaApplicationsPage *self)
{
  clear_list_box (self->list_box);

  for (guint i = 0; i < self->applications->len; i++)
    gtk_list_box_append (self->list_box, create_row (g_ptr_array_index (self->applications, i)));
}

static void
update_decisions (KvotaApplicationsPage *self)
{
  gboolean pending = self->current != NULL && self->current->state == KVOTA_APPLICATION_STATE_PENDING;

  gtk_widget_set_visible (self->decision_box, self->may_decide && pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "applications.confirm", self->may_decide && pending && !self->deciding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "applications.decline", self->may_decide && pending && !self->deciding);
  gtk_spinner_set_spinning (self->detail_spinner, self->deciding);
}

static void
fill_detail (KvotaApplicationsPage *self)
{
  const KvotaApplication *application = self->current;
  g_autofree char *created = NULL;
  g_autofree char *decided = NULL;
  g_autofree char *document = NULL;
  g_autofree char *size = NULL;

  gtk_label_set_label (self->detail_title, application_name (application));

  set_value (self->name_kk_row, application->name_kk);
  set_value (self->name_ru_row, application->name_ru);
  set_value (self->bin_row, application->bin);
  set_value (self->holder_type_row, kvota_holder_type_describe (application->holder_type));
  set_value (self->address_row, application->address);
  set_value (self->phone_row, application->phone);
  set_value (self->email_row, application->email);
  set_value (self->representative_row, application->representative_name);
  set_value (self->position_row, application->representative_position);
  set_value (self->username_row, application->username);
  set_value (self->state_row, kvota_admin_format_application_state (application->state));

  created = kvota_format_date_time (application->created);
  set_value (self->created_row, created);

  if (application->decided_by != NULL)
    {
      g_autofree char *when = kvota_format_date_time (application->decided);

      /* Translators: who decided an application and when, such as
       * “admin, 2026-11-26 08:00”. */
      decided = g_strdup_printf (_("%s, %s"), application->decided_by, when);
    }
  set_value (self->decided_row, decided);
  gtk_widget_set_visible (GTK_WIDGET (self->decided_row), decided != NULL);
  set_value (self->reason_row, application->reason);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), application->reason != NULL && application->reason[0] != '\0');

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->document_row),
                                 application->document_name ? application->document_name : application->document_sha256);
  size = g_format_size (application->document_size > 0 ? (guint64) application->document_size : 0);
  /* Translators: a document's size and type, such as “1.2 MB, application/pdf”. */
  document = g_strdup_printf (_("%s, %s"), size, application->document_type ? application->document_type : "");
  adw_action_row_set_subtitle (self->document_row, document);
  gtk_widget_set_sensitive (GTK_WIDGET (self->document_row), application->document_sha256 != NULL);

  update_decisions (self);
}

static void
set_current (KvotaApplicationsPage *self,
             KvotaApplication      *application)
{
  g_clear_pointer (&self->current, kvota_application_free);
  self->current = application;
  fill_detail (self);
}

static GPtrArray *
read_applications (JsonNode  *root,
                   GError   **error)
{
  GPtrArray *items;

  items = kvota_json_read_list (root, "applications",
                                (KvotaJsonDecodeFunc) kvota_application_from_json,
                                (GDestroyNotify) kvota_application_free, NULL);
  if (items == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         kvota_error_code_describe (KVOTA_ERROR_FAILED));

  return items;
}

static KvotaApplication *
read_application (JsonNode *root)
{
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "application")) == NULL)
    return NULL;

  return kvota_application_from_json (node, NULL);
}

static void
applications_loaded_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaApplicationsPage) self = user_data;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || (items = read_applications (root, &error)) == NULL)
    {
      show_error (self, error);
      return;
    }

  g_clear_pointer (&self->applications, g_ptr_array_unref);
  self->applications = g_steal_pointer (&items);
  fill_list (self);

  self->has_content = TRUE;
  show (self, self->applications->len > 0 ? "content" : "empty");

#ifdef KVOTA_DEVELOPMENT
  /* Development builds only: KVOTA_APPLICATIONS_OPEN opens the first
   * application, for screenshots and UI tests. */
  if (g_getenv ("KVOTA_APPLICATIONS_OPEN") != NULL && self->current == NULL && self->applications->len > 0)
    list_box_row_activated_cb (self, gtk_list_box_get_row_at_index (self->list_box, 0), self->list_box);
#endif
}

static void
reload (KvotaApplicationsPage *self)
{
  if (self->client == NULL)
    return;

  self->requested = TRUE;
  if (!self->has_content)
    show (self, "loading");

  kvota_client_request_async (self->client, "GET", "/api/v1/applications", NULL,
                              self->cancellable,
                              applications_loaded_cb,
                              g_object_ref (self));
}

static void
show_list (KvotaApplicationsPage *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "list");
}

/* Decisions */

static void
decided_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaApplicationsPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  KvotaApplication *application;
  g_autofree char *message = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->deciding = FALSE;
  update_decisions (self);

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        show_toast (self, error->message);
      reload (self);
      return;
    }

  if ((application = read_application (root)) == NULL)
    {
      show_toast (self, kvota_error_code_describe (KVOTA_ERROR_FAILED));
      reload (self);
      return;
    }

  if (application->state == KVOTA_APPLICATION_STATE_CONFIRMED)
    /* Translators: %s is the company's name. */
    message = g_strdup_printf (_("%s is registered. Its representative can log in now."), application_name (application));
  else
    /* Translators: %s is the company's name. */
    message = g_strdup_printf (_("The application of %s is declined."), application_name (application));

  if (self->draft_id == application->id)
    {
      self->draft_id = 0;
      g_clear_pointer (&self->draft_reason, g_free);
    }

  set_current (self, application);
  show_toast (self, message);
  reload (self);
}

static void
decide (KvotaApplicationsPage *self,
        const char            *decision,
        const char            *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  json_builder_begin_object (builder);
  if (reason != NULL && reason[0] != '\0')
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/%s", self->current->id, decision);
  self->deciding = TRUE;
  update_decisions (self);
  kvota_client_request_async (self->client, "POST", path, body,
                              self->cancellable,
                              decided_cb,
                              g_object_ref (self));
}

static void
decision_response_cb (AdwMessageDialog      *dialog,
                      const char            *response,
                      KvotaApplicationsPage *self)
{
  g_autofree char *reason = NULL;
  const char *decision = g_object_get_data (G_OBJECT (dialog), "kvota-decision");

  if (self->current == NULL)
    return;

  reason = kvota_admin_reason_dialog_get_reason (dialog);
  if (g_str_equal (decision, "decline"))
    {
      /* Kept for the next try, also when the dialog is cancelled. */
      self->draft_id = self->current->id;
      g_free (self->draft_reason);
      self->draft_reason = g_strdup (reason);
    }

  if (g_str_equal (response, "apply"))
    decide (self, decision, reason);
}

static void
ask_decision (KvotaApplicationsPage *self,
              const char            *decision)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  gboolean decline = g_str_equal (decision, "decline");

  if (self->current == NULL || self->deciding)
    return;

  if (decline)
    {
      /* Translators: %s is the company's name. */
      heading = g_strdup_printf (_("Decline the Application of %s?"), application_name (self->current));
      dialog = kvota_admin_reason_dialog_new (GTK_WIDGET (self), heading,
                                              _("The applicant reads the reason you give, and can apply again with a new registration key."),
                                              _("_Decline"), TRUE, TRUE,
                                              self->draft_id == self->current->id ? self->draft_reason : NULL);
    }
  else
    {
      /* Translators: %s is the company's name. */
      heading = g_strdup_printf (_("Register %s?"), application_name (self->current));
      dialog = kvota_admin_reason_dialog_new (GTK_WIDGET (self), heading,
                                              _("The organisation, its holding account when it holds units, and its representative are created. Check the signed application first."),
                                              _("C_onfirm"), FALSE, FALSE, NULL);
    }

  g_object_set_data (G_OBJECT (dialog), "kvota-decision", (gpointer) (decline ? "decline" : "confirm"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (decision_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ask_decision (KVOTA_APPLICATIONS_PAGE (widget), "confirm");
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ask_decision (KVOTA_APPLICATIONS_PAGE (widget), "decline");
}

/* Signal callbacks */

static void
document_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaApplicationsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_admin_document_open_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !kvota_client_error_is_session_end (error))
    show_toast (self, error->message);
}

static void
document_row_activated_cb (KvotaApplicationsPage *self,
                           AdwActionRow          *row)
{
  if (self->current == NULL || self->current->document_sha256 == NULL)
    return;

  kvota_admin_document_open_async (self->client,
                                   self->current->document_sha256,
                                   self->current->document_name,
                                   GTK_WIDGET (self), self->cancellable,
                                   document_opened_cb, g_object_ref (self));
}

static void
list_box_row_activated_cb (KvotaApplicationsPage *self,
                           GtkListBoxRow         *row,
                           GtkListBox            *list_box)
{
  int index = gtk_list_box_row_get_index (row);
  g_autoptr(JsonNode) node = NULL;
  KvotaApplication *application;

  if (self->applications == NULL || index < 0 || (guint) index >= self->applications->len)
    return;

  /* The detail keeps its own copy: the list may load again meanwhile. */
  node = kvota_application_to_json (g_ptr_array_index (self->applications, index));
  if ((application = kvota_application_from_json (node, NULL)) == NULL)
    return;

  set_current (self, application);
  gtk_stack_set_visible_child_name (self->view_stack, "detail");
}

/* Actions */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_APPLICATIONS_PAGE (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_list (KVOTA_APPLICATIONS_PAGE (widget));
}

/* Overrides */

static void
kvota_applications_page_map (GtkWidget *widget)
{
  KvotaApplicationsPage *self = KVOTA_APPLICATIONS_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_applications_page_parent_class)->map (widget);

  if (!self->requested)
    reload (self);
}

/* Search, by the texts the rows show (kvota-search.c). */

static gboolean
filter_row_cb (GtkListBoxRow *row,
               gpointer       user_data)
{
  KvotaApplicationsPage *self = user_data;
  g_autofree char *folded = NULL;

  if (self->search_text == NULL)
    return TRUE;

  folded = kvota_search_widget_text (GTK_WIDGET (row));

  return strstr (folded, self->search_text) != NULL;
}

static void
search_changed_cb (KvotaApplicationsPage *self,
                   GtkSearchEntry        *entry)
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
stop_search_cb (KvotaApplicationsPage *self,
                GtkSearchEntry        *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaApplicationsPage *self = KVOTA_APPLICATIONS_PAGE (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->view_stack), "list"))
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kvota_applications_page_dispose (GObject *object)
{
  KvotaApplicationsPage *self = (KvotaApplicationsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_APPLICATIONS_PAGE);

  g_clear_object (&self->client);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (kvota_applications_page_parent_class)->dispose (object);
}

static void
kvota_applications_page_finalize (GObject *object)
{
  KvotaApplicationsPage *self = (KvotaApplicationsPage *)object;

  g_clear_pointer (&self->applications, g_ptr_array_unref);
  g_clear_pointer (&self->current, kvota_application_free);
  g_clear_pointer (&self->draft_reason, g_free);

  G_OBJECT_CLASS (kvota_applications_page_parent_class)->finalize (object);
}

static void
kvota_applications_page_class_init (KvotaApplicationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_applications_page_dispose;
  object_class->finalize = kvota_applications_page_finalize;

  widget_class->map = kvota_applications_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-applications-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, no_match);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, detail_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, name_kk_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, name_ru_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, bin_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, holder_type_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, representative_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, position_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, created_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, decided_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, reason_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, document_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaApplicationsPage, decision_box);
  gtk_widget_class_bind_template_callback (widget_class, list_box_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, document_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "applications.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "applications.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "applications.decline", NULL, decline_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "applications.back", NULL);
}

static void
kvota_applications_page_init (KvotaApplicationsPage *self)
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
  self->applications = g_ptr_array_new_with_free_func ((GDestroyNotify) kvota_application_free);
}

/**
 * kvota_applications_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_applications_page_new (KvotaClient *client)
{
  KvotaApplicationsPage *self;
  const KvotaUser *user;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_APPLICATIONS_PAGE, NULL);
  self->client = g_object_ref (client);

  /* The Ministry reads applications; only administrators decide them. */
  user = kvota_client_get_user (client);
  self->may_decide = user != NULL && kvota_user_is_administrator (user);

  return GTK_WIDGET (self);
}
