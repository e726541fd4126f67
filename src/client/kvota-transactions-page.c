/* kvota-transactions-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-transactions-page"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "kvota-format.h"
#include "kvota-transaction-list.h"
#include "kvota-transaction-object.h"
#include "kvota-transactions-page.h"

/* The history of transactions the user may see, newest first. The first
 * page shows as soon as it arrives and the next one loads when the user
 * scrolls near the end, so a history of millions of rows opens as fast
 * as one of ten. */

struct _KvotaTransactionsPage
{
  GtkWidget             parent_instance;

  KvotaClient          *client;
  KvotaTransactionList *list;
  GError               *load_error;   /* of the last page asked for */

  /* Template widgets */
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkScrolledWindow    *scrolled_window;
  GtkColumnView        *column_view;
  GtkRevealer          *footer_revealer;
  GtkSpinner           *footer_spinner;
  GtkLabel             *footer_label;
  GtkWidget            *footer_button;
  GtkLabel             *filter_summary;
  GtkToggleButton      *filter_button;
  GtkRevealer          *filter_revealer;
  GtkDropDown          *kind_drop_down;
  GtkDropDown          *state_drop_down;
  GtkEntry             *account_entry;
  GtkEntry             *from_entry;
  GtkEntry             *to_entry;
  GtkEntry             *min_quantity_entry;
  GtkEntry             *max_quantity_entry;
  GtkLabel             *filter_error;

  guint                 clearing : 1;  /* the fields are being emptied */
};

G_DEFINE_FINAL_TYPE (KvotaTransactionsPage, kvota_transactions_page, GTK_TYPE_WIDGET)

static void
update_state (KvotaTransactionsPage *self)
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
        name = kvota_transaction_list_get_filter (self->list) != NULL ? "no-match" : "empty";
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
    gtk_label_set_label (self->footer_label, _("Loading more transactions…"));
  else if (self->load_error != NULL)
    gtk_label_set_label (self->footer_label, self->load_error->message);

  gtk_revealer_set_reveal_child (self->footer_revealer, loading || self->load_error != NULL);
}

static void
maybe_load_more (KvotaTransactionsPage *self)
{
  if (self->list != NULL && self->load_error == NULL)
    kvota_transaction_list_load_more_near_end (self->list,
                                               gtk_scrolled_window_get_vadjustment (self->scrolled_window));
}

static void
adjustment_changed_cb (KvotaTransactionsPage *self,
                       GtkAdjustment         *adjustment)
{
  maybe_load_more (self);
}

static void
list_items_changed_cb (KvotaTransactionsPage *self,
                       guint                  position,
                       guint                  removed,
                       guint                  added,
                       GListModel            *model)
{
  update_state (self);
}

static void
list_state_changed_cb (KvotaTransactionsPage *self,
                         GParamSpec            *pspec,
                         KvotaTransactionList  *list)
{
  update_state (self);
}

static void
list_load_failed_cb (KvotaTransactionsPage *self,
                     const GError          *error,
                     KvotaTransactionList  *list)
{
  if (kvota_client_error_is_session_end (error))
    return;

  g_clear_error (&self->load_error);
  self->load_error = g_error_copy (error);
  update_state (self);
}

static void
load_more (KvotaTransactionsPage *self)
{
  g_clear_error (&self->load_error);
  kvota_transaction_list_load_more (self->list);
  update_state (self);
}

static void
footer_button_clicked_cb (KvotaTransactionsPage *self,
                          GtkButton             *button)
{
  load_more (self);
}

/* Filters. The history is filtered on the server, a page at a time like
 * the whole of it, so a filter over millions of transactions shows its
 * first rows as soon as a short history would. */

static char *
entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

/* Reads a date typed as YYYY-MM-DD. An empty field is no filter. */
static gboolean
read_date (GtkEntry  *entry,
           char     **date)
{
  g_autofree char *text = entry_text (entry);
  unsigned year, month, day;
  int end = 0;

  *date = NULL;

  if (text[0] == '\0')
    return TRUE;

  if (strlen (text) != 10 ||
      text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4u-%2u-%2u%n", &year, &month, &day, &end) != 3 ||
      end != 10 ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[5]) || !g_ascii_isdigit (text[8]) ||
      !g_date_valid_dmy (day, month, year) || year < 1000)
    return FALSE;

  *date = g_steal_pointer (&text);
  return TRUE;
}

/* Reads whole tonnes; the digits may be grouped with spaces as the
 * list shows them. An empty field is no filter (-1). */
static gboolean
read_quantity (GtkEntry *entry,
               gint64   *quantity)
{
  g_autofree char *text = entry_text (entry);
  g_autoptr(GString) digits = g_string_new (NULL);
  guint64 value;

  *quantity = -1;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 128 && g_ascii_isdigit (c))
        g_string_append_c (digits, (char) c);
      else if (!g_unichar_isspace (c) && c != 0x00A0 && c != 0x202F && c != 0x2009)
        return FALSE;
    }

  if (digits->len == 0)
    return text[0] == '\0';

  if (!g_ascii_string_to_unsigned (digits->str, 10, 0, G_MAXINT64, &value, NULL))
    return FALSE;

  *quantity = (gint64) value;
  return TRUE;
}

static void
mark_entry (GtkEntry *entry,
            gboolean  valid)
{
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (entry),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               valid ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
}

/* Builds the query of the filters the fields hold, or returns NULL and
 * says what is wrong under them. *@query is NULL when nothing filters. */
static gboolean
read_filters (KvotaTransactionsPage  *self,
              char                  **query)
{
  g_autoptr(GString) string = g_string_new (NULL);
  g_autofree char *account = entry_text (self->account_entry);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *problem = NULL;
  gint64 min_quantity, max_quantity;
  gboolean from_valid, to_valid, min_valid, max_valid;
  guint kind = gtk_drop_down_get_selected (self->kind_drop_down);
  guint state = gtk_drop_down_get_selected (self->state_drop_down);

  *query = NULL;

  from_valid = read_date (self->from_entry, &from);
  to_valid = read_date (self->to_entry, &to);
  min_valid = read_quantity (self->min_quantity_entry, &min_quantity);
  max_valid = read_quantity (self->max_quantity_entry, &max_quantity);

  if (!from_valid)
    problem = _("Type the first date as year, month and day, such as 2026-01-31.");
  else if (!to_valid)
    problem = _("Type the last date as year, month and day, such as 2026-12-31.");
  else if (from != NULL && to != NULL && strcmp (from, to) > 0)
    {
      problem = _("The last date is before the first one.");
      to_valid = FALSE;
    }
  else if (!min_valid)
    problem = _("Type the smallest quantity in whole tonnes.");
  else if (!max_valid)
    problem = _("Type the largest quantity in whole tonnes.");
  else if (min_quantity >= 0 && max_quantity >= 0 && min_quantity > max_quantity)
    {
      problem = _("The largest quantity is smaller than the smallest one.");
      max_valid = FALSE;
    }

  mark_entry (self->from_entry, from_valid);
  mark_entry (self->to_entry, to_valid);
  mark_entry (self->min_quantity_entry, min_valid);
  mark_entry (self->max_quantity_entry, max_valid);
  gtk_label_set_label (self->filter_error, problem != NULL ? problem : "");

  if (problem != NULL)
    return FALSE;

  if (kind != GTK_INVALID_LIST_POSITION && kind > 0)
    g_string_append_printf (string, "&kind=%s",
                            kvota_transaction_kind_to_string ((KvotaTransactionKind) (kind - 1)));
  if (state != GTK_INVALID_LIST_POSITION && state > 0)
    g_string_append_printf (string, "&state=%s",
                            kvota_transaction_state_to_string ((KvotaTransactionState) (state - 1)));
  if (account[0] != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (account, NULL, FALSE);

      g_string_append_printf (string, "&account=%s", escaped);
    }
  if (from != NULL)
    g_string_append_printf (string, "&from=%s", from);
  if (to != NULL)
    g_string_append_printf (string, "&to=%s", to);
  if (min_quantity >= 0)
    g_string_append_printf (string, "&min_quantity=%" G_GINT64_FORMAT, min_quantity);
  if (max_quantity >= 0)
    g_string_append_printf (string, "&max_quantity=%" G_GINT64_FORMAT, max_quantity);

  if (string->len > 0)
    *query = g_strdup (string->str + 1);

  return TRUE;
}

static void
update_filter_summary (KvotaTransactionsPage *self)
{
  gboolean filtered = self->list != NULL && kvota_transaction_list_get_filter (self->list) != NULL;

  gtk_label_set_label (self->filter_summary,
                       filtered ? _("Only the transactions that match the filters, newest first")
                                : _("All transactions, newest first"));

  if (filtered)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
}

static void
apply_filters (KvotaTransactionsPage *self)
{
  g_autofree char *query = NULL;

  if (self->list == NULL || self->clearing || !read_filters (self, &query))
    return;

  if (g_strcmp0 (query, kvota_transaction_list_get_filter (self->list)) == 0)
    return;

  /* The list cancels a page on its way and loads the first page of the
   * filtered history; the view goes back to its top. */
  g_clear_error (&self->load_error);
  kvota_transaction_list_set_filter (self->list, query);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  if (!kvota_transaction_list_get_started (self->list) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    kvota_transaction_list_load_more (self->list);
  update_filter_summary (self);
  update_state (self);
}

static void
filter_choice_changed_cb (KvotaTransactionsPage *self,
                          GParamSpec            *pspec,
                          GtkDropDown           *drop_down)
{
  apply_filters (self);
}

static void
filter_entry_changed_cb (KvotaTransactionsPage *self,
                         GtkEditable           *editable)
{
  /* A mistake stays marked only until the user corrects it. */
  if (gtk_widget_has_css_class (GTK_WIDGET (editable), "error"))
    {
      mark_entry (GTK_ENTRY (editable), TRUE);
      gtk_label_set_label (self->filter_error, "");
    }
}

static void
filter_entry_activate_cb (KvotaTransactionsPage *self,
                          GtkEntry              *entry)
{
  apply_filters (self);
}

static void
apply_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  apply_filters (KVOTA_TRANSACTIONS_PAGE (widget));
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KvotaTransactionsPage *self = KVOTA_TRANSACTIONS_PAGE (widget);

  self->clearing = TRUE;
  gtk_drop_down_set_selected (self->kind_drop_down, 0);
  gtk_drop_down_set_selected (self->state_drop_down, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->account_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->min_quantity_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->max_quantity_entry), "");
  self->clearing = FALSE;

  apply_filters (self);
}

static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaTransactionsPage *self = KVOTA_TRANSACTIONS_PAGE (widget);

  gtk_toggle_button_set_active (self->filter_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->account_entry));
}

static gboolean
filter_bar_key_pressed_cb (KvotaTransactionsPage *self,
                           guint                  keyval,
                           guint                  keycode,
                           GdkModifierType        state,
                           GtkEventController    *controller)
{
  /* Escape folds the bar away; the filters stay as they are. */
  if (keyval != GDK_KEY_Escape)
    return GDK_EVENT_PROPAGATE;

  gtk_toggle_button_set_active (self->filter_button, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_button));
  return GDK_EVENT_STOP;
}

static GListModel *
choices_model (const char *any,
               const char *(*name) (int),
               int          n_names)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, any);
  for (int i = 0; i < n_names; i++)
    gtk_string_list_append (list, name (i));

  return G_LIST_MODEL (list);
}

static const char *
kind_name (int kind)
{
  return kvota_format_transaction_kind ((KvotaTransactionKind) kind);
}

static const char *
state_name (int state)
{
  return kvota_format_transaction_state ((KvotaTransactionState) state);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaTransactionsPage *self = KVOTA_TRANSACTIONS_PAGE (widget);

  if (self->list == NULL)
    return;

  g_clear_error (&self->load_error);
  kvota_transaction_list_reload (self->list);
  update_state (self);
}

static void
kvota_transactions_page_map (GtkWidget *widget)
{
  KvotaTransactionsPage *self = KVOTA_TRANSACTIONS_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_transactions_page_parent_class)->map (widget);

  if (self->list == NULL)
    return;

  /* The first time, and after a page was refused because the session
   * ended, when the user comes back from the login page. */
  if (!kvota_transaction_list_get_started (self->list))
    load_more (self);
  else
    maybe_load_more (self);
}

static void
kvota_transactions_page_dispose (GObject *object)
{
  KvotaTransactionsPage *self = (KvotaTransactionsPage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_TRANSACTIONS_PAGE);

  /* The box that holds the filters and the list is not bound. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->list);
  g_clear_object (&self->client);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (kvota_transactions_page_parent_class)->dispose (object);
}

static void
kvota_transactions_page_class_init (KvotaTransactionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_transactions_page_dispose;

  widget_class->map = kvota_transactions_page_map;

  g_type_ensure (KVOTA_TYPE_TRANSACTION_OBJECT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-transactions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, footer_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, filter_summary);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, filter_revealer);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, kind_drop_down);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, state_drop_down);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, account_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, min_quantity_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, max_quantity_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaTransactionsPage, filter_error);
  gtk_widget_class_bind_template_callback (widget_class, footer_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_choice_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_entry_activate_cb);
  kvota_format_bind_closures (widget_class);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "page.apply-filters", NULL, apply_filters_action);
  gtk_widget_class_install_action (widget_class, "page.clear-filters", NULL, clear_filters_action);
}

static void
kvota_transactions_page_init (KvotaTransactionsPage *self)
{
  g_autoptr(GListModel) kinds = NULL;
  g_autoptr(GListModel) states = NULL;
  GtkEventController *controller;
  GtkAdjustment *adjustment;

  /* Translators: the choice of a filter that keeps every kind or state */
  kinds = choices_model (C_("transaction filter", "Any"), kind_name, KVOTA_N_TRANSACTION_KINDS);
  /* Translators: the choice of a filter that keeps every kind or state */
  states = choices_model (C_("transaction filter", "Any"), state_name, KVOTA_N_TRANSACTION_STATES);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->clearing = TRUE;
  gtk_drop_down_set_model (self->kind_drop_down, kinds);
  gtk_drop_down_set_model (self->state_drop_down, states);
  self->clearing = FALSE;

  /* Ctrl+F works wherever the focus is in the window while the page is
   * shown, such as on the sidebar. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("page.filter")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed",
                           G_CALLBACK (filter_bar_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (gtk_revealer_get_child (self->filter_revealer), controller);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (adjustment_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * kvota_transactions_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_transactions_page_new (KvotaClient *client)
{
  KvotaTransactionsPage *self = g_object_new (KVOTA_TYPE_TRANSACTIONS_PAGE, NULL);

  kvota_transactions_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_transactions_page_set_client (KvotaTransactionsPage *self,
                                    KvotaClient           *client)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (KVOTA_IS_TRANSACTIONS_PAGE (self));
  g_return_if_fail (KVOTA_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  g_clear_object (&self->list);
  g_clear_error (&self->load_error);

  self->list = kvota_transaction_list_new (client, NULL);
  clear_filters_action (GTK_WIDGET (self), NULL, NULL);
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

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));

  update_state (self);

#ifdef KVOTA_DEVELOPMENT
  /* Development builds only: KVOTA_TRANSACTIONS_FILTER opens the filter
   * bar filled in, for screenshots: "kind|state|account|from|to|min|max"
   * with the positions of the kind and state in their lists. */
  if (g_getenv ("KVOTA_TRANSACTIONS_FILTER") != NULL)
    {
      g_auto(GStrv) fields = g_strsplit (g_getenv ("KVOTA_TRANSACTIONS_FILTER"), "|", 7);
      GtkEntry *entries[] = { self->account_entry, self->from_entry, self->to_entry,
                              self->min_quantity_entry, self->max_quantity_entry };

      for (guint i = 0; fields[i] != NULL; i++)
        {
          if (i == 0)
            gtk_drop_down_set_selected (self->kind_drop_down, atoi (fields[i]));
          else if (i == 1)
            gtk_drop_down_set_selected (self->state_drop_down, atoi (fields[i]));
          else
            gtk_editable_set_text (GTK_EDITABLE (entries[i - 2]), fields[i]);
        }

      gtk_toggle_button_set_active (self->filter_button, TRUE);
      apply_filters (self);
    }
#endif

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    load_more (self);
}
