/* kvota-enrolment-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-enrolment-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#if HAVE_QRENCODE
# include <qrencode.h>
#endif

#include "kvota-enrolment-page.h"

/* Two-factor enrolment, which a registry may require of administrators
 * before their session can do anything else: the server makes a secret,
 * the page shows it as a QR code (and as text, to type by hand), and the
 * app's first code confirms that the user stored it. */

struct _KvotaEnrolmentPage
{
  GtkWidget      parent_instance;

  KvotaClient   *client;
  GCancellable  *cancellable;
  char          *secret;
  gboolean       started;
  gboolean       busy;

  /* Template widgets */
  GtkStack      *qr_stack;
  GtkSpinner    *spinner;
  GtkPicture    *qr_picture;
  GtkWidget     *secret_group;
  GtkLabel      *secret_label;
  GtkRevealer   *error_revealer;
  GtkLabel      *error_label;
  AdwEntryRow   *otp_row;
  GtkWidget     *confirm_button;
  GtkSpinner    *confirm_spinner;
};

G_DEFINE_FINAL_TYPE (KvotaEnrolmentPage, kvota_enrolment_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

enum {
  ENROLLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Pixels per module, and the quiet zone around the code in modules, as
 * the QR code specification asks for. */
#define QR_MODULE_SIZE 6
#define QR_QUIET_ZONE  4

static void
show_error (KvotaEnrolmentPage *self,
            const char         *message)
{
  if (message != NULL)
    gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static GdkTexture *
make_qr_texture (const char *text)
{
#if HAVE_QRENCODE
  g_autoptr(GBytes) bytes = NULL;
  QRcode *code;
  guint8 *pixels;
  int size;
  gsize stride;

  if ((code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
    return NULL;

  size = (code->width + 2 * QR_QUIET_ZONE) * QR_MODULE_SIZE;
  stride = (gsize) size * 3;
  pixels = g_malloc (stride * size);
  memset (pixels, 0xff, stride * size);

  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if ((code->data[y * code->width + x] & 1) == 0)
          continue;

        for (int dy = 0; dy < QR_MODULE_SIZE; dy++)
          {
            int row = (y + QR_QUIET_ZONE) * QR_MODULE_SIZE + dy;
            int column = (x + QR_QUIET_ZONE) * QR_MODULE_SIZE;

            memset (pixels + row * stride + column * 3, 0x00, QR_MODULE_SIZE * 3);
          }
      }

  QRcode_free (code);

  bytes = g_bytes_new_take (pixels, stride * size);
  return gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8, bytes, stride);
#else
  return NULL;
#endif
}

static char *
group_secret (const char *secret)
{
  GString *text = g_string_new (NULL);

  /* ABCD EFGH …: easier to read out and to type. */
  for (gsize i = 0; secret[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (text, ' ');
      g_string_append_c (text, secret[i]);
    }

  return g_string_free (text, FALSE);
}

static void
enrolment_started_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaEnrolmentPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *grouped = NULL;
  const char *secret = NULL;
  const char *uri = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      kvota_client_error_is_session_end (error))
    return;

  gtk_spinner_set_spinning (self->spinner, FALSE);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *reply = json_node_get_object (root);

      secret = json_object_get_string_member_with_default (reply, "secret", NULL);
      uri = json_object_get_string_member_with_default (reply, "provisioning_uri", NULL);
    }

  if (secret == NULL || uri == NULL)
    {
      show_error (self, error != NULL ? error->message : _("The registry did not send a key for two-factor login. Please log out and try again."));
      return;
    }

  g_free (self->secret);
  self->secret = g_strdup (secret);
  grouped = group_secret (secret);
  gtk_label_set_label (self->secret_label, grouped);
  gtk_widget_set_visible (self->secret_group, TRUE);

  if ((texture = make_qr_texture (uri)) != NULL)
    {
      gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (self->qr_stack, "code");
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->qr_stack), FALSE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->otp_row), TRUE);
  gtk_widget_set_sensitive (self->confirm_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->otp_row));
}

static void
start (KvotaEnrolmentPage *self)
{
  self->started = TRUE;
  gtk_spinner_set_spinning (self->spinner, TRUE);
  kvota_client_request_async (self->client, "POST", "/api/v1/me/two-factor", NULL,
                              self->cancellable,
                              enrolment_started_cb,
                              g_object_ref (self));
}

static void
set_busy (KvotaEnrolmentPage *self,
          gboolean            busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_spinner), busy);
  gtk_spinner_set_spinning (self->confirm_spinner, busy);
  gtk_widget_set_sensitive (self->confirm_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->otp_row), !busy);
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaEnrolmentPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      kvota_client_error_is_session_end (error))
    return;

  set_busy (self, FALSE);

  if (root == NULL)
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->otp_row));
      gtk_editable_select_region (GTK_EDITABLE (self->otp_row), 0, -1);
      return;
    }

  show_error (self, NULL);
  g_signal_emit (self, signals[ENROLLED], 0);
}

static void
confirm (KvotaEnrolmentPage *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  GString *otp;

  if (self->busy || self->secret == NULL)
    return;

  otp = g_string_new (NULL);
  for (const char *p = gtk_editable_get_text (GTK_EDITABLE (self->otp_row)); *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        g_string_append_unichar (otp, g_utf8_get_char (p));
    }

  if (otp->len == 0)
    {
      g_string_free (otp, TRUE);
      show_error (self, _("Enter the one-time code from your authenticator app."));
      gtk_widget_grab_focus (GTK_WIDGET (self->otp_row));
      return;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "otp");
  json_builder_add_string_value (builder, otp->str);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  g_string_free (otp, TRUE);

  set_busy (self, TRUE);
  kvota_client_request_async (self->client, "POST", "/api/v1/me/two-factor/confirm", body,
                              self->cancellable,
                              confirmed_cb,
                              g_object_ref (self));
}

static void
otp_row_activated_cb (KvotaEnrolmentPage *self,
                      AdwEntryRow        *row)
{
  confirm (self);
}

static void
confirm_button_clicked_cb (KvotaEnrolmentPage *self,
                           GtkButton          *button)
{
  confirm (self);
}

static void
copy_button_clicked_cb (KvotaEnrolmentPage *self,
                        GtkButton          *button)
{
  if (self->secret != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->secret);
}

static void
kvota_enrolment_page_map (GtkWidget *widget)
{
  KvotaEnrolmentPage *self = KVOTA_ENROLMENT_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_enrolment_page_parent_class)->map (widget);

  if (!self->started)
    start (self);
}

static void
kvota_enrolment_page_dispose (GObject *object)
{
  KvotaEnrolmentPage *self = (KvotaEnrolmentPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_ENROLMENT_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_enrolment_page_parent_class)->dispose (object);
}

static void
kvota_enrolment_page_finalize (GObject *object)
{
  KvotaEnrolmentPage *self = (KvotaEnrolmentPage *)object;

  if (self->secret != NULL)
    memset (self->secret, 0, strlen (self->secret));
  g_clear_pointer (&self->secret, g_free);

  G_OBJECT_CLASS (kvota_enrolment_page_parent_class)->finalize (object);
}

static void
kvota_enrolment_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KvotaEnrolmentPage *self = KVOTA_ENROLMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_enrolment_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  KvotaEnrolmentPage *self = KVOTA_ENROLMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_enrolment_page_class_init (KvotaEnrolmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_enrolment_page_dispose;
  object_class->finalize = kvota_enrolment_page_finalize;
  object_class->get_property = kvota_enrolment_page_get_property;
  object_class->set_property = kvota_enrolment_page_set_property;

  widget_class->map = kvota_enrolment_page_map;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         KVOTA_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KvotaEnrolmentPage::enrolled:
   *
   * Two-factor login is on: the session is a full one now.
   */
  signals[ENROLLED] =
    g_signal_new ("enrolled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-enrolment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, qr_stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, secret_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, secret_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, otp_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaEnrolmentPage, confirm_spinner);
  gtk_widget_class_bind_template_callback (widget_class, otp_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_button_clicked_cb);
}

static void
kvota_enrolment_page_init (KvotaEnrolmentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * kvota_enrolment_page_new:
 * @client: a client whose session may only enrol
 *
 * Returns: (transfer floating): the page
 */
KvotaEnrolmentPage *
kvota_enrolment_page_new (KvotaClient *client)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  return g_object_new (KVOTA_TYPE_ENROLMENT_PAGE,
                       "client", client,
                       NULL);
}
