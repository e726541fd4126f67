/* kvota-admin-dialogs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-admin-dialogs"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-admin-dialogs.h"

/* The two dialogs the administrator's decisions share: one that asks for
 * a reason (a rejection, a block), and one that shows a secret the
 * registry hands out once (a registration key, a password reset key)
 * with a button that copies it. */

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  gboolean required = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kvota-required"));

  if (gtk_widget_in_destruction (GTK_WIDGET (dialog)))
    return;

  adw_message_dialog_set_response_enabled (dialog, "apply", !required || text[0] != '\0');
}

static void
reason_activated_cb (GtkEntry         *entry,
                     AdwMessageDialog *dialog)
{
  /* Enter decides, as the default button would; the dialog goes away
   * as it does after a click. */
  if (adw_message_dialog_get_response_enabled (dialog, "apply"))
    {
      adw_message_dialog_response (dialog, "apply");
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

/**
 * kvota_admin_reason_dialog_new:
 * @widget: the widget whose window the dialog belongs to
 * @heading: the question, such as “Reject Transfer No. 91?”
 * @body: (nullable): what the decision does
 * @apply_label: the label of the button that decides, with a mnemonic
 * @destructive: whether that button is styled as destructive
 * @required: whether the decision needs a reason
 * @reason: (nullable): a reason typed before, to start from
 *
 * The dialog answers `apply` or `cancel`; read the reason with
 * kvota_admin_reason_dialog_get_reason() in the response handler.
 *
 * Returns: (transfer none): the dialog, not yet presented
 */
AdwMessageDialog *
kvota_admin_reason_dialog_new (GtkWidget  *widget,
                               const char *heading,
                               const char *body,
                               const char *apply_label,
                               gboolean    destructive,
                               gboolean    required,
                               const char *reason)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "apply", apply_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "apply");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "kvota-required", GINT_TO_POINTER (!!required));

  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                  required ? _("Reason (required)") : _("Reason (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"),
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, required,
                                  -1);
  gtk_editable_set_text (GTK_EDITABLE (entry), reason != NULL ? reason : "");
  g_signal_connect_object (entry, "changed", G_CALLBACK (reason_changed_cb), dialog, 0);
  g_signal_connect_object (entry, "activate", G_CALLBACK (reason_activated_cb), dialog, 0);
  adw_message_dialog_set_extra_child (dialog, entry);
  g_object_set_data (G_OBJECT (dialog), "kvota-entry", entry);

  reason_changed_cb (GTK_EDITABLE (entry), dialog);
  gtk_widget_grab_focus (entry);

  return dialog;
}

/**
 * kvota_admin_reason_dialog_get_reason:
 * @dialog: a dialog from kvota_admin_reason_dialog_new()
 *
 * Returns: (transfer full): the reason without surrounding blanks
 */
char *
kvota_admin_reason_dialog_get_reason (AdwMessageDialog *dialog)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "kvota-entry");

  g_return_val_if_fail (GTK_IS_EDITABLE (entry), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static void
copy_clicked_cb (GtkButton *button,
                 GtkLabel  *label)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (button));

  gdk_clipboard_set_text (clipboard, gtk_label_get_label (label));
  gtk_button_set_label (button, _("Copied"));
}

/**
 * kvota_admin_show_secret:
 * @widget: the widget whose window the dialog belongs to
 * @heading: what the secret is
 * @body: what to do with it
 * @secret: the secret, shown this once
 *
 * Presents the secret with a Copy button; the registry keeps only its
 * hash, so the user is told this is the only time it is shown.
 */
void
kvota_admin_show_secret (GtkWidget  *widget,
                         const char *heading,
                         const char *body,
                         const char *secret)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *button;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  label = gtk_label_new (secret);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "title-3");
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, heading,
                                  -1);
  gtk_box_append (GTK_BOX (box), label);

  button = gtk_button_new_with_mnemonic (_("C_opy"));
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  g_signal_connect_object (button, "clicked", G_CALLBACK (copy_clicked_cb), label, 0);
  gtk_box_append (GTK_BOX (box), button);

  adw_message_dialog_set_extra_child (dialog, box);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (button);
}
