/* kvota-unit-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-unit-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-admin-document.h"
#include "kvota-admin-format.h"
#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-unit-page.h"

/* The life of one unit: given its unit type, vintage and serial number,
 * who holds it now and in what state, the allocation plan that issued
 * it, and every transaction it went through, with their documents. */

struct _KvotaUnitPage
{
  GtkWidget          parent_instance;

  KvotaClient       *client;
  GCancellable      *cancellable;   /* the look-up under way */
  GCancellable      *documents;     /* documents being opened */
  GPtrArray         *transactions;  /* of KvotaTransaction, shown */

  /* Template widgets */
  GtkDropDown       *unit_type_dropdown;
  GtkStringList     *unit_types;
  GtkSpinButton     *vintage_button;
  GtkEntry          *serial_entry;
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  AdwPreferencesGroup *unit_group;
  AdwActionRow      *holder_row;
  AdwActionRow      *state_row;
  GtkListBox        *naps_list;
  GtkListBox        *transactions_list;
};

G_DEFINE_FINAL_TYPE (KvotaUnitPage, kvota_unit_page, GTK_TYPE_WIDGET)

#define EM_DASH "\u2014"

static void
show (KvotaUnitPage *self,
      const char    *name)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
clear_list_box (GtkListBox *list_box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list_box))) != NULL)
    gtk_list_box_remove (list_box, child);
}

static GtkWidget *
value_row (const char *title,
           const char *value)
{
  GtkWidget *row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL && value[0] != '\0' ? value : EM_DASH);

  return row;
}

static char *
format_units (gint64 quantity)
{
  g_autofree char *number = kvota_format_quantity (quantity);

  /* Translators: a number of units, grouped, such as “15 000 units”. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s unit", "%s units", (gulong) quantity), number);
}

/* Documents */

static void
document_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaUnitPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kvota_admin_document_open_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !kvota_client_error_is_session_end (error))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
}

static void
document_row_activated_cb (AdwActionRow  *row,
                           KvotaUnitPage *self)
{
  const KvotaTransactionDocument *document = g_object_get_data (G_OBJECT (row), "kvota-document");

  kvota_admin_document_open_async (self->client, document->sha256, document->name,
                                   GTK_WIDGET (self), self->documents,
                                   document_opened_cb, g_object_ref (self));
}

/* The result */

static GtkWidget *
create_transaction_row (KvotaUnitPage          *self,
                        const KvotaTransaction *transaction,
                        GHashTable             *naps)
{
  GtkWidget *row = g_object_new (ADW_TYPE_EXPANDER_ROW, "use-markup", FALSE, NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->id);
  g_autofree char *created = kvota_format_date_time (transaction->created);
  g_autofree char *subtitle = NULL;
  g_autofree char *quantity = format_units (transaction->quantity);
  g_autofree char *serials = NULL;
  GtkWidget *label;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kvota_format_transaction_kind (transaction->kind));
  /* Translators: a transaction in a unit's history: its number, date and
   * accounts, such as “No. 91, 2026-11-26 08:00: KZ-100-000005 → KZ-100-000006”. */
  subtitle = g_strdup_printf (_("No. %s, %s: %s → %s"), id, created,
                              transaction->from_account ? transaction->from_account : EM_DASH,
                              transaction->to_account ? transaction->to_account : EM_DASH);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  label = gtk_label_new (kvota_format_transaction_state (transaction->state));
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  if (transaction->state == KVOTA_TRANSACTION_STATE_REJECTED || transaction->state == KVOTA_TRANSACTION_STATE_CANCELLED)
    gtk_widget_add_css_class (label, "dim-label");
  else if (transaction->state == KVOTA_TRANSACTION_STATE_PROPOSED)
    gtk_widget_add_css_class (label, "accent");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), label);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Quantity"), quantity));

  if (transaction->serials != NULL && transaction->serials->len > 0)
    {
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < transaction->serials->len; i++)
        {
          const KvotaSerialRange *range = &g_array_index (transaction->serials, KvotaSerialRange, i);

          if (i > 0)
            g_string_append (text, ", ");
          g_string_append_printf (text, "%" G_GINT64_FORMAT "\u2013%" G_GINT64_FORMAT, range->first, range->last);
        }
      serials = g_string_free (text, FALSE);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Serial Numbers"), serials));
    }

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Proposed By"), transaction->proposed_by));

  if (transaction->approved_by != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("First Approval"), transaction->approved_by));

  if (transaction->decided_by != NULL)
    {
      g_autofree char *when = kvota_format_date_time (transaction->decided);
      g_autofree char *decided = NULL;

      /* Translators: who decided a transaction and when. */
      decided = g_strdup_printf (_("%s, %s"), transaction->decided_by, when);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Decided"), decided));
    }

  if (transaction->reason != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Reason"), transaction->reason));

  if (transaction->price >= 0)
    {
      g_autofree char *price = kvota_admin_format_tenge (transaction->price);

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Price per Unit"), price));
    }

  if (transaction->deal_date != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Deal Date"), transaction->deal_date));

  if (transaction->reference != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Reference"), transaction->reference));

  if (transaction->nap_id > 0)
    {
      const char *plan = g_hash_table_lookup (naps, GSIZE_TO_POINTER ((gsize) transaction->nap_id));
      g_autofree char *nap = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->nap_id);

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), value_row (_("Allocation Plan"), plan != NULL ? plan : nap));
    }

  for (guint i = 0; transaction->documents != NULL && i < transaction->documents->len; i++)
    {
      const KvotaTransactionDocument *document = g_ptr_array_index (transaction->documents, i);
      GtkWidget *document_row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
      GtkWidget *image = gtk_image_new_from_icon_name ("document-open-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (document_row),
                                     document->name ? document->name : document->sha256);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (document_row), _("Confirming document"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open"),
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (document_row), image);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (document_row), TRUE);
      gtk_widget_set_tooltip_text (document_row, _("Open in the system’s viewer"));
      g_object_set_data (G_OBJECT (document_row), "kvota-document", (gpointer) document);
      g_signal_connect_object (document_row, "activated", G_CALLBACK (document_row_activated_cb), self, 0);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), document_row);
    }

  return row;
}

static char *
describe_nap (JsonObject *nap)
{
  const char *state = json_object_get_string_member_with_default (nap, "state", "");
  gint64 version = json_object_get_int_member_with_default (nap, "version", 0);
  gint64 first_year = json_object_get_int_member_with_default (nap, "first_year", 0);
  gint64 last_year = json_object_get_int_member_with_default (nap, "last_year", 0);
  const char *state_name;

  if (g_str_equal (state, "applied"))
    state_name = C_("allocation plan state", "in force");
  else if (g_str_equal (state, "superseded"))
    state_name = C_("allocation plan state", "superseded");
  else if (g_str_equal (state, "discarded"))
    state_name = C_("allocation plan state", "discarded");
  else
    state_name = C_("allocation plan state", "draft");

  /* Translators: an allocation plan: its period, version and state,
   * such as “2014–2015, version 1, in force”. */
  return g_strdup_printf (_("%d–%d, version %d, %s"), (int) first_year, (int) last_year, (int) version, state_name);
}

static gboolean
show_unit (KvotaUnitPage *self,
           JsonNode      *root)
{
  g_autoptr(GPtrArray) transactions = NULL;
  g_autoptr(GHashTable) naps = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree char *title = NULL;
  g_autofree char *serial = NULL;
  JsonObject *object;
  JsonArray *array;
  KvotaBlockState state;
  KvotaUnitType unit_type;
  const char *holder;
  const char *state_text;

  if ((array = kvota_json_get_array (root, "naps")) == NULL)
    return FALSE;

  transactions = kvota_json_read_list (root, "transactions",
                                       (KvotaJsonDecodeFunc) kvota_transaction_from_json,
                                       (GDestroyNotify) kvota_transaction_free, NULL);
  if (transactions == NULL)
    return FALSE;

  object = json_node_get_object (root);

  clear_list_box (self->naps_list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *nap;
      g_autofree char *description = NULL;
      g_autofree char *file = NULL;
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      nap = json_node_get_object (element);
      description = describe_nap (nap);

      row = g_object_new (ADW_TYPE_ACTION_ROW, "use-markup", FALSE, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), description);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   json_object_get_string_member_with_default (nap, "file_name", ""));
      gtk_list_box_append (self->naps_list, row);

      g_hash_table_insert (naps,
                           GSIZE_TO_POINTER ((gsize) json_object_get_int_member_with_default (nap, "id", 0)),
                           g_steal_pointer (&description));
    }

  if (json_array_get_length (array) == 0)
    gtk_list_box_append (self->naps_list,
                         value_row (_("None"), _("An administrator issued this unit by hand, outside an allocation plan.")));

  holder = json_object_get_string_member_with_default (object, "holder", NULL);
  adw_action_row_set_subtitle (self->holder_row, holder != NULL ? holder : _("Nobody: it has left circulation"));

  if (kvota_block_state_from_string (json_object_get_string_member_with_default (object, "state", ""), &state))
    state_text = kvota_admin_format_block_state (state);
  else
    state_text = EM_DASH;
  adw_action_row_set_subtitle (self->state_row, state_text);

  if (!kvota_unit_type_from_string (json_object_get_string_member_with_default (object, "unit_type", ""), &unit_type))
    unit_type = KVOTA_UNIT_TYPE_QUOTA;
  serial = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (object, "serial", 0));
  /* Translators: the heading of a unit's life: its type, vintage and
   * serial number, such as “Quotas of 2014, serial number 1250”. */
  title = g_strdup_printf (_("%s of %d, serial number %s"),
                           kvota_unit_type_describe (unit_type),
                           (int) json_object_get_int_member_with_default (object, "vintage", 0),
                           serial);
  adw_preferences_group_set_title (self->unit_group, title);

  clear_list_box (self->transactions_list);
  for (guint i = 0; i < transactions->len; i++)
    gtk_list_box_append (self->transactions_list,
                         create_transaction_row (self, g_ptr_array_index (transactions, i), naps));

  /* The rows point into the transactions: they live as long as shown. */
  g_clear_pointer (&self->transactions, g_ptr_array_unref);
  self->transactions = g_steal_pointer (&transactions);

  return TRUE;
}

static void
unit_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaUnitPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL)
    {
      if (kvota_client_error_is_session_end (error))
        {
          show (self, "start");
          return;
        }

      if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_NOT_FOUND))
        {
          adw_status_page_set_title (self->error_page, _("No Such Unit"));
          adw_status_page_set_description (self->error_page,
                                           _("No unit of this type, vintage and serial number was ever issued. Check the numbers."));
        }
      else
        {
          adw_status_page_set_title (self->error_page, _("Could Not Look Up the Unit"));
          adw_status_page_set_description (self->error_page, error->message);
        }
      show (self, "error");
      return;
    }

  if (!show_unit (self, root))
    {
      adw_status_page_set_title (self->error_page, _("Could Not Look Up the Unit"));
      adw_status_page_set_description (self->error_page, kvota_error_code_describe (KVOTA_ERROR_FAILED));
      show (self, "error");
      return;
    }

  show (self, "result");
}

static void
look_up (KvotaUnitPage *self)
{
  g_autofree char *serial_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->serial_entry))));
  g_autofree char *path = NULL;
  guint64 serial;
  guint selected;
  int vintage;

  gtk_spin_button_update (self->vintage_button);
  vintage = gtk_spin_button_get_value_as_int (self->vintage_button);
  selected = gtk_drop_down_get_selected (self->unit_type_dropdown);
  if (selected >= KVOTA_N_UNIT_TYPES)
    selected = KVOTA_UNIT_TYPE_QUOTA;

  if (!g_ascii_string_to_unsigned (serial_text, 10, 1, G_MAXINT64, &serial, NULL))
    {
      adw_status_page_set_title (self->error_page, _("Enter a Serial Number"));
      adw_status_page_set_description (self->error_page, _("Serial numbers are whole numbers from 1 up, such as 1250."));
      show (self, "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->serial_entry));
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  path = g_strdup_printf ("/api/v1/units/%s/%d/%" G_GUINT64_FORMAT,
                          kvota_unit_type_to_string ((KvotaUnitType) selected), vintage, serial);
  show (self, "loading");
  kvota_client_request_async (self->client, "GET", path, NULL,
                              self->cancellable,
                              unit_loaded_cb,
                              g_object_ref (self));
}

/* Signal callbacks and actions */

static void
serial_entry_activate_cb (KvotaUnitPage *self,
                          GtkEntry      *entry)
{
  look_up (self);
}

static void
look_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  look_up (KVOTA_UNIT_PAGE (widget));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaUnitPage *self = KVOTA_UNIT_PAGE (widget);

  /* Only a unit already looked up is looked up again. */
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "result"))
    look_up (self);
}

/* Overrides */

static void
kvota_unit_page_map (GtkWidget *widget)
{
  KvotaUnitPage *self = KVOTA_UNIT_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_unit_page_parent_class)->map (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->serial_entry));

#ifdef KVOTA_DEVELOPMENT
  /* Development builds only: KVOTA_UNIT=quota/2014/1250 looks that unit
   * up, for screenshots and UI tests. */
  {
    static gboolean done;
    const char *unit = g_getenv ("KVOTA_UNIT");
    g_auto(GStrv) parts = unit != NULL ? g_strsplit (unit, "/", 3) : NULL;

    if (!done && parts != NULL && g_strv_length (parts) == 3)
      {
        done = TRUE;
        gtk_drop_down_set_selected (self->unit_type_dropdown, g_str_equal (parts[0], "offset") ? 1 : 0);
        gtk_spin_button_set_value (self->vintage_button, g_ascii_strtod (parts[1], NULL));
        gtk_editable_set_text (GTK_EDITABLE (self->serial_entry), parts[2]);
        look_up (self);
      }
  }
#endif
}

static void
kvota_unit_page_dispose (GObject *object)
{
  KvotaUnitPage *self = (KvotaUnitPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->documents);
  g_clear_object (&self->documents);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_UNIT_PAGE);
  /* The template's outermost box has no name, so that left it here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->transactions, g_ptr_array_unref);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_unit_page_parent_class)->dispose (object);
}

static void
kvota_unit_page_class_init (KvotaUnitPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_unit_page_dispose;

  widget_class->map = kvota_unit_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-unit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, unit_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, unit_types);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, vintage_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, serial_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, unit_group);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, holder_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, naps_list);
  gtk_widget_class_bind_template_child (widget_class, KvotaUnitPage, transactions_list);
  gtk_widget_class_bind_template_callback (widget_class, serial_entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "unit.look-up", NULL, look_up_action);
}

static void
kvota_unit_page_init (KvotaUnitPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->documents = g_cancellable_new ();

  /* In the order of KvotaUnitType. */
  for (guint i = 0; i < KVOTA_N_UNIT_TYPES; i++)
    gtk_string_list_append (self->unit_types, kvota_unit_type_describe ((KvotaUnitType) i));
}

/**
 * kvota_unit_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_unit_page_new (KvotaClient *client)
{
  KvotaUnitPage *self;

  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  self = g_object_new (KVOTA_TYPE_UNIT_PAGE, NULL);
  self->client = g_object_ref (client);

  return GTK_WIDGET (self);
}
