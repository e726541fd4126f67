/* kvota-registration-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-registration-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kvota-bin.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-records.h"
#include "kvota-registration-page.h"
#include "kvota-transfer-document.h"

/* A company that is not in the registry yet applies with the key the
 * administrator gave it: its details, its representative's login and the
 * signed application. The page then shows the application's state, as
 * it does when an applicant logs in before the administrator decided.
 * Whatever the registry refuses, everything typed and the document stay
 * for another try. */

#define KEY_LENGTH 24

/* In the order of the holder type row's choices. */
static const KvotaHolderType holder_types[] = {
  KVOTA_HOLDER_TYPE_NATURE_USER,
  KVOTA_HOLDER_TYPE_BROKER,
  KVOTA_HOLDER_TYPE_TRADER,
  KVOTA_HOLDER_TYPE_INDIVIDUAL,
};

struct _KvotaRegistrationPage
{
  GtkWidget              parent_instance;

  KvotaClient           *client;
  GCancellable          *cancellable;
  KvotaTransferDocument *document;
  GtkFileChooserNative  *chooser;
  KvotaApplication      *application;  /* the one submitted from here */
  char                  *back_username;
  gboolean               sending;

  /* Template widgets */
  AdwWindowTitle        *window_title;
  GtkWidget             *back_button;
  GtkStack              *stack;
  GtkScrolledWindow     *form_scroller;
  GtkWidget             *content_box;
  GtkRevealer           *error_revealer;
  GtkLabel              *error_label;
  AdwEntryRow           *key_row;
  GtkWidget             *key_icon;
  AdwComboRow           *holder_row;
  AdwEntryRow           *bin_row;
  GtkWidget             *bin_icon;
  GtkLabel              *bin_hint;
  AdwEntryRow           *name_kk_row;
  AdwEntryRow           *name_ru_row;
  AdwEntryRow           *address_row;
  AdwEntryRow           *phone_row;
  AdwEntryRow           *email_row;
  AdwEntryRow           *rep_name_row;
  AdwEntryRow           *rep_position_row;
  AdwEntryRow           *username_row;
  AdwEntryRow           *password_row;
  AdwEntryRow           *password2_row;
  GtkLabel              *password_hint;
  AdwActionRow          *document_row;
  GtkStack              *document_icon_stack;
  GtkImage              *document_icon;
  GtkSpinner            *document_spinner;
  GtkWidget             *choose_button;
  GtkWidget             *submit_button;
  GtkSpinner            *spinner;
  GtkLabel              *submit_label;
  GtkProgressBar        *progress_bar;
  AdwStatusPage         *status_page;
  GtkWidget             *state_row;
  GtkWidget             *reason_row;
  GtkWidget             *created_row;
  GtkWidget             *company_row;
  GtkWidget             *app_bin_row;
  GtkWidget             *app_username_row;
  GtkLabel              *next_label;
  GtkWidget             *login_button;
};

G_DEFINE_FINAL_TYPE (KvotaRegistrationPage, kvota_registration_page, GTK_TYPE_WIDGET)

enum {
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped_text_of (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (text_of (row)));
}

#define N_FORM_ROWS 14

static void
get_form_rows (KvotaRegistrationPage *self,
               GtkWidget             *rows[N_FORM_ROWS])
{
  GtkWidget *all[] = {
    GTK_WIDGET (self->key_row), GTK_WIDGET (self->holder_row), GTK_WIDGET (self->bin_row),
    GTK_WIDGET (self->name_kk_row), GTK_WIDGET (self->name_ru_row), GTK_WIDGET (self->address_row),
    GTK_WIDGET (self->phone_row), GTK_WIDGET (self->email_row), GTK_WIDGET (self->rep_name_row),
    GTK_WIDGET (self->rep_position_row), GTK_WIDGET (self->username_row), GTK_WIDGET (self->password_row),
    GTK_WIDGET (self->password2_row), GTK_WIDGET (self->document_row),
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (all) == N_FORM_ROWS);
  memcpy (rows, all, sizeof all);
}

static void
clear_errors (KvotaRegistrationPage *self)
{
  GtkWidget *rows[N_FORM_ROWS];

  get_form_rows (self, rows);
  for (guint i = 0; i < N_FORM_ROWS; i++)
    gtk_widget_remove_css_class (rows[i], "error");
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
scroll_to (KvotaRegistrationPage *self,
           GtkWidget             *widget)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->form_scroller);
  double x, y;

  /* A third of the way down, clear of the toasts at the bottom. */
  if (gtk_widget_translate_coordinates (widget, self->content_box, 0, 0, &x, &y))
    gtk_adjustment_set_value (adjustment,
                              y - gtk_adjustment_get_page_size (adjustment) / 3);
}

static void
show_error (KvotaRegistrationPage *self,
            const char            *message,
            GtkWidget             *row)
{
  GtkAdjustment *adjustment;

  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);

  if (row != NULL)
    {
      /* The field may be far from the message at the top: the toast
       * says it where the user looks. */
      gtk_widget_add_css_class (row, "error");
      /* The document's row is not focusable: its button is. */
      gtk_widget_grab_focus (row == GTK_WIDGET (self->document_row) ? self->choose_button : row);
      scroll_to (self, row);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
    }
  else
    {
      /* The message is at the top of the form: bring it into view. */
      adjustment = gtk_scrolled_window_get_vadjustment (self->form_scroller);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
    }
}

static GtkWidget *
row_for_error (KvotaRegistrationPage *self,
               const GError          *error)
{
  const char *field;

  if (error->domain != KVOTA_ERROR)
    return NULL;

  switch (error->code)
    {
    case KVOTA_ERROR_INVALID_REGISTRATION_KEY:
    case KVOTA_ERROR_REGISTRATION_KEY_EXPIRED:
    case KVOTA_ERROR_REGISTRATION_KEY_USED:
    case KVOTA_ERROR_REGISTRATION_KEY_REVOKED:
      return GTK_WIDGET (self->key_row);
    case KVOTA_ERROR_INVALID_BIN:
    case KVOTA_ERROR_DUPLICATE_BIN:
      return GTK_WIDGET (self->bin_row);
    case KVOTA_ERROR_DUPLICATE_USERNAME:
      return GTK_WIDGET (self->username_row);
    case KVOTA_ERROR_WEAK_PASSWORD:
      return GTK_WIDGET (self->password_row);
    case KVOTA_ERROR_INVALID_DOCUMENT:
    case KVOTA_ERROR_DOCUMENT_TOO_LARGE:
      return GTK_WIDGET (self->document_row);
    default:
      break;
    }

  /* The key is bound to another BIN or holder type, or a value is
   * wrong: the server names which. */
  field = kvota_error_get_field (error);
  if (field == NULL)
    return error->code == KVOTA_ERROR_REGISTRATION_KEY_MISMATCH ? GTK_WIDGET (self->key_row) : NULL;

  if (g_str_equal (field, "key"))
    return GTK_WIDGET (self->key_row);
  if (g_str_equal (field, "bin"))
    return GTK_WIDGET (self->bin_row);
  if (g_str_equal (field, "holder_type"))
    return GTK_WIDGET (self->holder_row);
  if (g_str_equal (field, "name_kk"))
    return GTK_WIDGET (self->name_kk_row);
  if (g_str_equal (field, "name_ru"))
    return GTK_WIDGET (self->name_ru_row);
  if (g_str_equal (field, "address"))
    return GTK_WIDGET (self->address_row);
  if (g_str_equal (field, "phone"))
    return GTK_WIDGET (self->phone_row);
  if (g_str_equal (field, "email"))
    return GTK_WIDGET (self->email_row);
  if (g_str_equal (field, "representative_name"))
    return GTK_WIDGET (self->rep_name_row);
  if (g_str_equal (field, "representative_position"))
    return GTK_WIDGET (self->rep_position_row);
  if (g_str_equal (field, "username"))
    return GTK_WIDGET (self->username_row);
  if (g_str_equal (field, "password"))
    return GTK_WIDGET (self->password_row);
  if (g_str_equal (field, "document") || g_str_equal (field, "document_name"))
    return GTK_WIDGET (self->document_row);

  return NULL;
}

/* Checks as the user types */

static guint
key_length (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '-' && !g_unichar_isspace (c))
        n++;
    }

  return n;
}

static void
key_changed_cb (KvotaRegistrationPage *self,
                AdwEntryRow           *row)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_visible (self->key_icon, key_length (text_of (row)) == KEY_LENGTH);
}

static void
bin_changed_cb (KvotaRegistrationPage *self,
                AdwEntryRow           *row)
{
  g_autofree char *digits = kvota_bin_normalize (text_of (row));
  const char *hint = NULL;
  gboolean valid = FALSE;

  if (digits == NULL || strspn (digits, "0123456789") != strlen (digits))
    hint = _("A BIN or IIN is made of digits only.");
  else if (strlen (digits) > KVOTA_BIN_LENGTH)
    hint = _("A BIN or IIN has 12 digits.");
  else if (strlen (digits) == KVOTA_BIN_LENGTH)
    {
      valid = kvota_bin_validate (digits, NULL);
      if (!valid)
        hint = _("The last digit does not match the others: check the number for a typo.");
    }

  gtk_widget_set_visible (self->bin_icon, valid);
  gtk_widget_set_visible (GTK_WIDGET (self->bin_hint), hint != NULL);
  if (hint != NULL)
    {
      gtk_label_set_label (self->bin_hint, hint);
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
password_changed_cb (KvotaRegistrationPage *self,
                     AdwEntryRow           *row)
{
  const char *password = text_of (self->password_row);
  const char *again = text_of (self->password2_row);
  gboolean mismatch = again[0] != '\0' && g_strcmp0 (password, again) != 0;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");

  if (mismatch)
    {
      gtk_label_set_label (self->password_hint, _("The passwords do not match."));
      gtk_widget_add_css_class (GTK_WIDGET (self->password_hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->password_hint), "dim-label");
    }
  else
    {
      gtk_label_set_label (self->password_hint, _("At least 10 characters."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->password_hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->password_hint), "dim-label");
    }
}

static void
row_changed_cb (GtkEditable *editable,
                gpointer     user_data)
{
  /* Once edited, the field is no longer what was refused. */
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

/* The document */

static void
update_document_row (KvotaRegistrationPage *self)
{
  KvotaTransferDocument *document = self->document;
  const GError *error;
  g_autofree char *subtitle = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->document_row), "error");

  if (document == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->document_row), _("No document chosen"));
      adw_action_row_set_subtitle (self->document_row, NULL);
      gtk_image_set_from_icon_name (self->document_icon, "x-office-document-symbolic");
      gtk_stack_set_visible_child_name (self->document_icon_stack, "icon");
      gtk_spinner_stop (self->document_spinner);
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->document_row),
                                 kvota_transfer_document_get_name (document));

  error = kvota_transfer_document_get_error (document);
  if (error != NULL)
    {
      subtitle = g_strdup (error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->document_row), "error");
      gtk_image_set_from_icon_name (self->document_icon, "dialog-warning-symbolic");
      gtk_stack_set_visible_child_name (self->document_icon_stack, "icon");
      gtk_spinner_stop (self->document_spinner);
    }
  else if (!kvota_transfer_document_get_loaded (document))
    {
      subtitle = g_strdup (_("Reading…"));
      gtk_spinner_start (self->document_spinner);
      gtk_stack_set_visible_child_name (self->document_icon_stack, "spinner");
    }
  else
    {
      g_autofree char *size = g_format_size (kvota_transfer_document_get_size (document));

      /* Translators: a document's format and size, such as “PDF · 1.2 MB”. */
      subtitle = g_strdup_printf (_("%s · %s"), kvota_transfer_document_get_kind (document), size);
      gtk_image_set_from_icon_name (self->document_icon,
                                    g_strcmp0 (kvota_transfer_document_get_kind (document), "PDF") == 0
                                    ? "x-office-document-symbolic"
                                    : "image-x-generic-symbolic");
      gtk_stack_set_visible_child_name (self->document_icon_stack, "icon");
      gtk_spinner_stop (self->document_spinner);
    }

  adw_action_row_set_subtitle (self->document_row, subtitle);
}

static void
document_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KvotaTransferDocument *document = KVOTA_TRANSFER_DOCUMENT (object);
  g_autoptr(KvotaRegistrationPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_transfer_document_load_finish (document, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Another file may have been chosen meanwhile. */
  if (document == self->document)
    update_document_row (self);
}

static void
set_document (KvotaRegistrationPage *self,
              GFile                 *file)
{
  if (self->sending)
    return;

  g_clear_object (&self->document);
  self->document = kvota_transfer_document_new (file);
  update_document_row (self);
  kvota_transfer_document_load_async (self->document, self->cancellable,
                                      document_loaded_cb, g_object_ref (self));
}

static void
chooser_response_cb (KvotaRegistrationPage *self,
                     int                    response,
                     GtkFileChooserNative  *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        set_document (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
choose_clicked_cb (KvotaRegistrationPage *self,
                   GtkButton             *button)
{
  g_autoptr(GtkFileFilter) filter = NULL;
  GtkRoot *root;

  if (self->chooser != NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = gtk_file_chooser_native_new (_("Choose the Signed Application"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PDF, PNG and JPEG Documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
drop_cb (GtkDropTarget         *target,
         const GValue          *value,
         double                 x,
         double                 y,
         KvotaRegistrationPage *self)
{
  if (self->sending)
    return FALSE;

  /* One application: of several files, the first is taken. */
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      if (files != NULL)
        set_document (self, files->data);
      g_slist_free (files);
      return files != NULL;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      set_document (self, g_value_get_object (value));
      return TRUE;
    }

  return FALSE;
}

/* The application's state */

static void
set_row (GtkWidget  *row,
         const char *value)
{
  gtk_widget_set_visible (row, value != NULL && value[0] != '\0');
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
}

static void
show_application (KvotaRegistrationPage  *self,
                  const KvotaApplication *application,
                  gboolean                declined,
                  const char             *title,
                  const char             *description,
                  const char             *username)
{
  g_autofree char *created = NULL;
  g_autofree char *company = NULL;

  adw_status_page_set_icon_name (self->status_page,
                                 declined ? "action-unavailable-symbolic" : "document-open-recent-symbolic");
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);

  set_row (self->state_row, declined ? _("Declined") : _("Pending review"));

  if (application != NULL)
    {
      created = application->created ? kvota_format_date_time (application->created) : NULL;
      if (application->name_kk != NULL && application->name_kk[0] != '\0' &&
          application->name_ru != NULL && application->name_ru[0] != '\0')
        /* Translators: a company's name in Kazakh and in Russian. */
        company = g_strdup_printf (_("%s / %s"), application->name_kk, application->name_ru);
      else
        company = g_strdup (application->name_kk && application->name_kk[0] ? application->name_kk
                                                                             : application->name_ru);
    }

  /* A declined application's reason is in the description already. */
  set_row (self->reason_row, NULL);
  set_row (self->created_row, created);
  set_row (self->company_row, company);
  set_row (self->app_bin_row, application ? application->bin : NULL);
  set_row (self->app_username_row, username);

  if (declined)
    gtk_label_set_label (self->next_label,
                         _("To apply again, ask the registry administrator for a new registration key "
                           "and submit a new application with the corrected details or document."));
  else
    gtk_label_set_label (self->next_label,
                         _("The registry administrator checks the details and the signed document. "
                           "Once the application is confirmed, log in with your username and password "
                           "to use the registry; until then, logging in shows the application's state."));

  g_free (self->back_username);
  self->back_username = g_strdup (username);

  adw_window_title_set_title (self->window_title, _("Application"));
  gtk_widget_set_visible (self->back_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "application");
  gtk_widget_grab_focus (self->login_button);
}

/* Submitting */

static void
set_sending (KvotaRegistrationPage *self,
             gboolean               sending)
{
  GtkWidget *rows[N_FORM_ROWS];

  self->sending = sending;

  get_form_rows (self, rows);
  for (guint i = 0; i < N_FORM_ROWS; i++)
    gtk_widget_set_sensitive (rows[i], !sending);
  gtk_widget_set_sensitive (self->submit_button, !sending);
  gtk_widget_set_sensitive (self->back_button, !sending);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), sending);
  gtk_spinner_set_spinning (self->spinner, sending);
  gtk_label_set_label (self->submit_label, sending ? _("Submitting…") : _("_Submit Application"));

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), sending);
  if (sending)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_progress_bar_set_text (self->progress_bar, _("Sending the application and its document to the registry…"));
    }
}

/* @user_data is alive: submitted_cb() holds a reference until the end. */
static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  KvotaRegistrationPage *self = user_data;

  /* The bar's text keeps saying what is sent; it fills as it goes. */
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) sent / (double) total);
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KvotaRegistrationPage) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KvotaApplication) application = NULL;
  JsonObject *object_reply;

  reply = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_sending (self, FALSE);

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply) &&
      (object_reply = json_node_get_object (reply)) != NULL &&
      json_object_has_member (object_reply, "application"))
    application = kvota_application_from_json (json_object_get_member (object_reply, "application"), &error);
  else if (reply != NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The registry's answer could not be read."));

  if (application == NULL)
    {
      /* The server may have taken it anyway: say so rather than
       * inviting a second application with the same key. */
      show_error (self, error->message, row_for_error (self, error));
      return;
    }

  kvota_application_free (self->application);
  self->application = g_steal_pointer (&application);

  /* The password is not needed here any more; the rest stays in case
   * the applicant wants to look at what was sent. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password2_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");

  show_application (self, self->application, FALSE,
                    _("Application Submitted"),
                    _("Your application for registration is with the registry administrator."),
                    self->application->username);
}

static void
submit (KvotaRegistrationPage *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *key = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *name_kk = NULL;
  g_autofree char *name_ru = NULL;
  g_autofree char *address = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  g_autofree char *rep_name = NULL;
  g_autofree char *rep_position = NULL;
  g_autofree char *username = NULL;
  guint holder;

  if (self->sending)
    return;

  clear_errors (self);

  key = stripped_text_of (self->key_row);
  bin = kvota_bin_normalize (text_of (self->bin_row));
  name_kk = stripped_text_of (self->name_kk_row);
  name_ru = stripped_text_of (self->name_ru_row);
  address = stripped_text_of (self->address_row);
  phone = stripped_text_of (self->phone_row);
  email = stripped_text_of (self->email_row);
  rep_name = stripped_text_of (self->rep_name_row);
  rep_position = stripped_text_of (self->rep_position_row);
  username = stripped_text_of (self->username_row);
  holder = adw_combo_row_get_selected (self->holder_row);

  if (key_length (key) != KEY_LENGTH)
    {
      show_error (self, _("Enter the registration key: 24 letters and digits."), GTK_WIDGET (self->key_row));
      return;
    }
  if (bin == NULL || !kvota_bin_validate (bin, NULL))
    {
      show_error (self, _("Enter the company's BIN, or the IIN of an individual: 12 digits."), GTK_WIDGET (self->bin_row));
      return;
    }
  if (name_kk[0] == '\0' && name_ru[0] == '\0')
    {
      show_error (self, _("Enter the company's name in Kazakh, in Russian, or both."), GTK_WIDGET (self->name_kk_row));
      return;
    }
  if (rep_name[0] == '\0')
    {
      show_error (self, _("Enter the representative's full name."), GTK_WIDGET (self->rep_name_row));
      return;
    }
  if (username[0] == '\0')
    {
      show_error (self, _("Choose a username for the representative."), GTK_WIDGET (self->username_row));
      return;
    }
  if (text_of (self->password_row)[0] == '\0')
    {
      show_error (self, _("Choose a password for the representative."), GTK_WIDGET (self->password_row));
      return;
    }
  if (g_strcmp0 (text_of (self->password_row), text_of (self->password2_row)) != 0)
    {
      show_error (self, _("The passwords do not match. Type the same password twice."), GTK_WIDGET (self->password2_row));
      return;
    }
  if (self->document == NULL)
    {
      show_error (self, _("Choose the signed application document."), GTK_WIDGET (self->document_row));
      return;
    }
  if (kvota_transfer_document_get_error (self->document) != NULL)
    {
      show_error (self, kvota_transfer_document_get_error (self->document)->message, GTK_WIDGET (self->document_row));
      return;
    }
  if (kvota_transfer_document_get_base64 (self->document) == NULL)
    {
      show_error (self, _("Wait until the document is read."), NULL);
      return;
    }
  if (holder >= G_N_ELEMENTS (holder_types))
    holder = 0;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "holder_type");
  json_builder_add_string_value (builder, kvota_holder_type_to_string (holder_types[holder]));
  json_builder_set_member_name (builder, "bin");
  json_builder_add_string_value (builder, bin);
  if (name_kk[0] != '\0')
    {
      json_builder_set_member_name (builder, "name_kk");
      json_builder_add_string_value (builder, name_kk);
    }
  if (name_ru[0] != '\0')
    {
      json_builder_set_member_name (builder, "name_ru");
      json_builder_add_string_value (builder, name_ru);
    }
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, phone);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "representative_name");
  json_builder_add_string_value (builder, rep_name);
  json_builder_set_member_name (builder, "representative_position");
  json_builder_add_string_value (builder, rep_position);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, text_of (self->password_row));
  json_builder_set_member_name (builder, "document_name");
  json_builder_add_string_value (builder, kvota_transfer_document_get_name (self->document));
  json_builder_set_member_name (builder, "document");
  json_builder_add_string_value (builder, kvota_transfer_document_get_base64 (self->document));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  set_sending (self, TRUE);
  kvota_client_upload_async (self->client, "POST", "/api/v1/applications", body,
                             upload_progress_cb, self,
                             self->cancellable, submitted_cb, g_object_ref (self));
}

static void
submit_clicked_cb (KvotaRegistrationPage *self,
                   GtkButton             *button)
{
  submit (self);
}

static void
back_clicked_cb (KvotaRegistrationPage *self,
                 GtkButton             *button)
{
  if (self->sending)
    return;

  g_signal_emit (self, signals[BACK], 0, self->back_username);
}

#ifdef KVOTA_DEVELOPMENT
/* Development builds only: KVOTA_REGISTRATION_FORM names a key file whose
 * [form] group fills the fields (key, holder, bin, name-kk, name-ru,
 * address, phone, email, representative, position, username, password,
 * document), for screenshots and UI tests. */
static gboolean
submit_from_environment_cb (gpointer user_data)
{
  submit (user_data);
  return G_SOURCE_REMOVE;
}

static void
fill_from_environment (KvotaRegistrationPage *self)
{
  const char *path = g_getenv ("KVOTA_REGISTRATION_FORM");
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  struct { const char *name; AdwEntryRow *row; } fields[] = {
    { "key", self->key_row }, { "bin", self->bin_row },
    { "name-kk", self->name_kk_row }, { "name-ru", self->name_ru_row },
    { "address", self->address_row }, { "phone", self->phone_row },
    { "email", self->email_row }, { "representative", self->rep_name_row },
    { "position", self->rep_position_row }, { "username", self->username_row },
    { "password", self->password_row }, { "password", self->password2_row },
  };
  g_autofree char *document = NULL;

  if (path == NULL || !g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = g_key_file_get_string (key_file, "form", fields[i].name, NULL);

      if (value != NULL)
        gtk_editable_set_text (GTK_EDITABLE (fields[i].row), value);
    }

  adw_combo_row_set_selected (self->holder_row, g_key_file_get_integer (key_file, "form", "holder", NULL));

  if ((document = g_key_file_get_string (key_file, "form", "document", NULL)) != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (document);

      set_document (self, file);
    }

  if (g_key_file_get_boolean (key_file, "form", "submit", NULL))
    g_timeout_add_seconds (1, submit_from_environment_cb, self);
}
#endif

static void
kvota_registration_page_dispose (GObject *object)
{
  KvotaRegistrationPage *self = (KvotaRegistrationPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_REGISTRATION_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->document);
  g_clear_object (&self->client);
  g_clear_pointer (&self->application, kvota_application_free);
  g_clear_pointer (&self->back_username, g_free);

  G_OBJECT_CLASS (kvota_registration_page_parent_class)->dispose (object);
}

static void
kvota_registration_page_class_init (KvotaRegistrationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_registration_page_dispose;

  /**
   * KvotaRegistrationPage::back:
   * @username: (nullable): the applicant's username, to log in with
   *
   * The user is done here and goes back to the login page.
   */
  signals[BACK] =
    g_signal_new ("back",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-registration-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, form_scroller);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, key_icon);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, holder_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, bin_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, bin_icon);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, bin_hint);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, name_kk_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, name_ru_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, rep_name_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, rep_position_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, password2_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, password_hint);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, document_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, document_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, document_icon);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, document_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, choose_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, submit_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, reason_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, created_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, company_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, app_bin_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, app_username_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, next_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaRegistrationPage, login_button);
  gtk_widget_class_bind_template_callback (widget_class, key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, bin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, submit_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
kvota_registration_page_init (KvotaRegistrationPage *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  {
    AdwEntryRow *rows[] = {
      self->name_kk_row, self->name_ru_row, self->address_row, self->phone_row,
      self->email_row, self->rep_name_row, self->rep_position_row, self->username_row,
    };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      g_signal_connect (rows[i], "changed", G_CALLBACK (row_changed_cb), NULL);
  }

  /* A file dropped anywhere on the form is the signed application. */
  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (self->content_box, GTK_EVENT_CONTROLLER (target));

#ifdef KVOTA_DEVELOPMENT
  fill_from_environment (self);
#endif
}

KvotaRegistrationPage *
kvota_registration_page_new (KvotaClient *client)
{
  KvotaRegistrationPage *self;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_REGISTRATION_PAGE, NULL);
  self->client = g_object_ref (client);

  return self;
}

/**
 * kvota_registration_page_show_form:
 * @self: a #KvotaRegistrationPage
 *
 * Shows the form, as the user left it, to apply (again).
 */
void
kvota_registration_page_show_form (KvotaRegistrationPage *self)
{
  g_return_if_fail (KVOTA_IS_REGISTRATION_PAGE (self));

  g_clear_pointer (&self->back_username, g_free);
  adw_window_title_set_title (self->window_title, _("Register a Company"));
  gtk_widget_set_visible (self->back_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
}

/**
 * kvota_registration_page_show_login_error:
 * @self: a #KvotaRegistrationPage
 * @error: the login's %KVOTA_ERROR_APPLICATION_PENDING or
 *   %KVOTA_ERROR_APPLICATION_DECLINED
 * @username: the username the applicant logged in with
 *
 * Shows the state of the application the applicant logged in with.
 */
void
kvota_registration_page_show_login_error (KvotaRegistrationPage *self,
                                          const GError          *error,
                                          const char            *username)
{
  const KvotaApplication *application = NULL;
  gboolean declined;

  g_return_if_fail (KVOTA_IS_REGISTRATION_PAGE (self));
  g_return_if_fail (error != NULL);

  declined = g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_APPLICATION_DECLINED);

  /* The login's error says the state and the reason, and carries the
   * details; failing those, the application sent from here has them. */
  application = kvota_client_get_refused_application (self->client);
  if (application == NULL &&
      self->application != NULL && g_strcmp0 (self->application->username, username) == 0)
    application = self->application;

  show_application (self, application, declined,
                    declined ? _("Application Declined") : _("Application Under Review"),
                    error->message,
                    username);
}
