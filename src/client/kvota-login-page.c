/* kvota-login-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-login-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-app.h"
#include "kvota-error.h"
#include "kvota-login-page.h"

/* The server address, username and password, and the one-time code when
 * the server asks for it. Whatever the server answers, what the user
 * typed stays in the fields; only a successful login clears the secrets. */

struct _KvotaLoginPage
{
  GtkWidget     parent_instance;

  KvotaClient  *client;
  GCancellable *cancellable;
  gboolean      busy;

  /* Template widgets */
  GtkImage     *logo;
  GtkRevealer  *error_revealer;
  GtkLabel     *error_label;
  AdwEntryRow  *username_row;
  AdwEntryRow  *password_row;
  GtkWidget    *otp_group;
  AdwEntryRow  *otp_row;
  AdwEntryRow  *server_row;
  GtkWidget    *log_in_button;
  GtkSpinner   *spinner;
  GtkLabel     *log_in_label;
};

G_DEFINE_FINAL_TYPE (KvotaLoginPage, kvota_login_page, GTK_TYPE_WIDGET)

enum {
  LOGGED_IN,
  REGISTER,
  APPLICATION_REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text = g_utf8_next_char (text))
    {
      if (!g_unichar_isspace (g_utf8_get_char (text)))
        return FALSE;
    }

  return TRUE;
}

static void
focus_row (AdwEntryRow *row,
           gboolean     select)
{
  gtk_widget_grab_focus (GTK_WIDGET (row));
  if (select)
    gtk_editable_select_region (GTK_EDITABLE (row), 0, -1);
}

static void
hide_error (KvotaLoginPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
set_busy (KvotaLoginPage *self,
          gboolean        busy)
{
  self->busy = busy;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_label (self->log_in_label, busy ? _("Logging In…") : _("_Log In"));
  gtk_widget_set_sensitive (self->log_in_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->otp_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
}

static void
remember (KvotaLoginPage *self)
{
  GApplication *app = g_application_get_default ();
  GSettings *settings;

  if (!KVOTA_IS_APP (app))
    return;

  /* Only an address that worked is remembered, and not the one a run
   * was pointed at with KVOTA_SERVER_URL. */
  settings = kvota_app_get_settings (KVOTA_APP (app));
  if (g_getenv ("KVOTA_SERVER_URL") == NULL)
    g_settings_set_string (settings, "server-url", kvota_client_get_base_url (self->client));
  g_settings_set_string (settings, "last-username", text_of (self->username_row));
}

static void
logged_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_client_log_in_finish (client, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);

      /* An applicant whose company is not registered yet: the window
       * shows the application's state. */
      if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_APPLICATION_PENDING) ||
          g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_APPLICATION_DECLINED))
        {
          g_autofree char *username = g_strstrip (g_strdup (text_of (self->username_row)));

          hide_error (self);
          g_signal_emit (self, signals[APPLICATION_REFUSED], 0, error, username);
          return;
        }

      /* Being asked for the code is no error: the code's row says what
       * to do. */
      if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_OTP_REQUIRED))
        hide_error (self);
      else
        kvota_login_page_show_error (self, error->message);

      if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_OTP_REQUIRED) ||
          g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_BAD_OTP))
        {
          gtk_widget_set_visible (self->otp_group, TRUE);
          focus_row (self->otp_row, TRUE);
        }
      else if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_BAD_CREDENTIALS))
        focus_row (self->password_row, TRUE);
      else if (error->domain != KVOTA_ERROR)
        focus_row (self->server_row, FALSE);
      else
        gtk_widget_grab_focus (self->log_in_button);

      return;
    }

  set_busy (self, FALSE);
  hide_error (self);
  remember (self);

  /* The secrets are not needed any more; the username and the address
   * stay for the next login. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
  gtk_widget_set_visible (self->otp_group, FALSE);

  g_signal_emit (self, signals[LOGGED_IN], 0);
}

static void
row_activated_cb (KvotaLoginPage *self,
                  AdwEntryRow    *row)
{
  /* Enter in an empty field moves on to the next one that needs
   * filling; otherwise it logs in. */
  if (row == self->username_row && is_blank (text_of (self->username_row)))
    return;

  if (row == self->username_row && text_of (self->password_row)[0] == '\0')
    {
      focus_row (self->password_row, FALSE);
      return;
    }

  kvota_login_page_submit (self);
}

static void
log_in_button_clicked_cb (KvotaLoginPage *self,
                          GtkButton      *button)
{
  kvota_login_page_submit (self);
}

static void
register_button_clicked_cb (KvotaLoginPage *self,
                            GtkButton      *button)
{
  g_autoptr(GError) error = NULL;

  if (self->busy)
    return;

  /* The application goes to the registry the address names. */
  if (!kvota_client_set_base_url (self->client, text_of (self->server_row), &error))
    {
      kvota_login_page_show_error (self, error->message);
      focus_row (self->server_row, TRUE);
      return;
    }

  hide_error (self);
  g_signal_emit (self, signals[REGISTER], 0);
}

static void
kvota_login_page_dispose (GObject *object)
{
  KvotaLoginPage *self = (KvotaLoginPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_LOGIN_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_login_page_parent_class)->dispose (object);
}

static void
kvota_login_page_class_init (KvotaLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_login_page_dispose;

  /**
   * KvotaLoginPage::logged-in:
   *
   * The client has a session now.
   */
  signals[LOGGED_IN] =
    g_signal_new ("logged-in",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  /**
   * KvotaLoginPage::register:
   *
   * The user wants to apply for the registration of a company, with
   * the registry the server address names.
   */
  signals[REGISTER] =
    g_signal_new ("register",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  /**
   * KvotaLoginPage::application-refused:
   * @error: %KVOTA_ERROR_APPLICATION_PENDING or %KVOTA_ERROR_APPLICATION_DECLINED
   * @username: the username the applicant logged in with
   *
   * The user is an applicant whose application is not confirmed.
   */
  signals[APPLICATION_REFUSED] =
    g_signal_new ("application-refused",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, logo);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, otp_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, otp_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, log_in_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaLoginPage, log_in_label);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, log_in_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, register_button_clicked_cb);
}

static void
kvota_login_page_init (KvotaLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  gtk_image_set_from_icon_name (self->logo, APP_ID);
}

void
kvota_login_page_set_client (KvotaLoginPage *self,
                             KvotaClient    *client)
{
  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  g_set_object (&self->client, client);
}

void
kvota_login_page_set_server_url (KvotaLoginPage *self,
                                 const char     *server_url)
{
  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url ? server_url : "");
}

void
kvota_login_page_set_username (KvotaLoginPage *self,
                               const char     *username)
{
  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username ? username : "");
}

void
kvota_login_page_set_password (KvotaLoginPage *self,
                               const char     *password)
{
  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
}

/**
 * kvota_login_page_show_error:
 * @self: a #KvotaLoginPage
 * @message: (nullable): a translated sentence, or %NULL to hide the last one
 */
void
kvota_login_page_show_error (KvotaLoginPage *self,
                             const char     *message)
{
  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));

  if (message == NULL)
    {
      hide_error (self);
      return;
    }

  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/**
 * kvota_login_page_focus:
 * @self: a #KvotaLoginPage
 *
 * Puts the focus in the first field that still needs filling.
 */
void
kvota_login_page_focus (KvotaLoginPage *self)
{
  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));

  if (is_blank (text_of (self->server_row)))
    focus_row (self->server_row, FALSE);
  else if (is_blank (text_of (self->username_row)))
    focus_row (self->username_row, FALSE);
  else if (gtk_widget_get_visible (self->otp_group) && text_of (self->password_row)[0] != '\0')
    focus_row (self->otp_row, FALSE);
  else
    focus_row (self->password_row, FALSE);
}

/**
 * kvota_login_page_submit:
 * @self: a #KvotaLoginPage
 *
 * Logs in with what the fields hold, or says what is missing.
 */
void
kvota_login_page_submit (KvotaLoginPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  g_autofree char *otp = NULL;

  g_return_if_fail (KVOTA_IS_LOGIN_PAGE (self));
  g_return_if_fail (self->client != NULL);

  if (self->busy)
    return;

  if (!kvota_client_set_base_url (self->client, text_of (self->server_row), &error))
    {
      kvota_login_page_show_error (self, error->message);
      focus_row (self->server_row, TRUE);
      return;
    }

  username = g_strstrip (g_strdup (text_of (self->username_row)));

  if (username[0] == '\0')
    {
      kvota_login_page_show_error (self, _("Enter your username."));
      focus_row (self->username_row, FALSE);
      return;
    }

  if (text_of (self->password_row)[0] == '\0')
    {
      kvota_login_page_show_error (self, _("Enter your password."));
      focus_row (self->password_row, FALSE);
      return;
    }

  if (gtk_widget_get_visible (self->otp_group))
    {
      /* Authenticator apps show the code as "123 456". */
      GString *digits = g_string_new (NULL);

      for (const char *p = text_of (self->otp_row); *p != '\0'; p = g_utf8_next_char (p))
        {
          if (!g_unichar_isspace (g_utf8_get_char (p)))
            g_string_append_unichar (digits, g_utf8_get_char (p));
        }
      otp = g_string_free (digits, FALSE);

      if (otp[0] == '\0')
        {
          kvota_login_page_show_error (self, _("Enter the one-time code from your authenticator app."));
          focus_row (self->otp_row, FALSE);
          return;
        }
    }

  set_busy (self, TRUE);
  kvota_client_log_in_async (self->client,
                             username,
                             text_of (self->password_row),
                             otp,
                             self->cancellable,
                             logged_in_cb,
                             g_object_ref (self));
}
