/* kvota-nap-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-finding-object.h"
#include "kvota-format.h"
#include "kvota-json.h"
#include "kvota-nap-change-object.h"
#include "kvota-nap-line-object.h"
#include "kvota-nap-page.h"
#include "kvota-nap-page-private.h"
#include "kvota-nap-reader-task.h"
#include "kvota-nap-version-object.h"
#include "kvota-pages.h"

/* National Allocation Plans. Anyone who oversees the registry opens a
 * plan's workbook here: it is read in a worker thread, and the plan shows
 * as a table with every finding of the checks, each one a click away from
 * its line. The administrator uploads a plan without errors, with its
 * original file, as a draft; compares the draft with the version in force
 * for the same period; and applies or discards it. Below it all, the
 * registry's plans: every version, its state, and who decided it, each
 * with its original file. */

G_DEFINE_FINAL_TYPE (KvotaNapPage, kvota_nap_page, GTK_TYPE_WIDGET)

static void reload (KvotaNapPage *self);

/* Helpers */

static gboolean
is_administrator (KvotaNapPage *self)
{
  const KvotaUser *user = self->client != NULL ? kvota_client_get_user (self->client) : NULL;

  return user != NULL && kvota_user_is_administrator (user);
}

void
_kvota_nap_page_toast (KvotaNapPage *self,
                       const char   *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
}

static gboolean
pulse_cb (gpointer user_data)
{
  KvotaNapPage *self = user_data;

  gtk_progress_bar_pulse (self->reading_progress);
  if (!self->upload_counted)
    gtk_progress_bar_pulse (self->uploading_progress);
  return G_SOURCE_CONTINUE;
}

void
_kvota_nap_page_set_busy (KvotaNapPage *self,
                          gboolean      busy)
{
  self->busy = busy;

  /* Reading and encoding take seconds at most for a real plan, and cannot
   * say how far they are: the bars show that work goes on. The upload
   * then counts its bytes. */
  self->upload_counted = FALSE;
  gtk_progress_bar_set_show_text (self->uploading_progress, FALSE);
  if (busy && self->pulse_id == 0)
    self->pulse_id = g_timeout_add (100, pulse_cb, self);
  else if (!busy)
    g_clear_handle_id (&self->pulse_id, g_source_remove);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.open-file", !busy);
}

void
_kvota_nap_page_renew_work_cancellable (KvotaNapPage *self)
{
  g_cancellable_cancel (self->work_cancellable);
  g_clear_object (&self->work_cancellable);
  self->work_cancellable = g_cancellable_new ();
}

void
_kvota_nap_page_renew_cancellable (KvotaNapPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

GError *
_kvota_nap_page_bad_reply (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                              kvota_error_code_describe (KVOTA_ERROR_FAILED));
}

JsonNode *
_kvota_nap_page_get_member (JsonNode   *node,
                            const char *name)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_get_member (json_node_get_object (node), name);
}

void
_kvota_nap_page_clear_plan (KvotaNapPage *self)
{
  g_clear_object (&self->nap);
  g_clear_pointer (&self->contents, g_bytes_unref);
  g_clear_pointer (&self->file_name, g_free);
  g_clear_object (&self->version);
  g_clear_object (&self->in_force);
  g_clear_object (&self->in_force_version);
  g_hash_table_remove_all (self->unregistered);
  g_clear_object (&self->highlighted);
  self->comparison_ready = FALSE;
}

/* The list of the registry's plans */

static void
show_list_state (KvotaNapPage *self,
                 const char   *name)
{
  gtk_spinner_set_spinning (self->list_spinner, g_str_equal (name, "loading"));
  gtk_stack_set_visible_child_name (self->list_stack, name);
}

gboolean
_kvota_nap_page_read_versions (JsonNode   *root,
                               GPtrArray  *items,
                               GError    **error)
{
  JsonArray *array;

  if ((array = kvota_json_get_array (root, "naps")) == NULL)
    goto bad;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaNapVersionObject *version = kvota_nap_version_object_new_from_json (json_array_get_element (array, i));

      if (version == NULL)
        goto bad;
      g_ptr_array_add (items, version);
    }

  return TRUE;

bad:
  g_propagate_error (error, _kvota_nap_page_bad_reply ());
  return FALSE;
}

void
_kvota_nap_page_set_versions (KvotaNapPage *self,
                              GPtrArray    *items)
{
  g_list_store_splice (self->versions, 0, g_list_model_get_n_items (G_LIST_MODEL (self->versions)),
                       items->pdata, items->len);
  show_list_state (self, items->len > 0 ? "list" : "empty");
}

static void
versions_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || !_kvota_nap_page_read_versions (root, items, &error))
    {
      if (kvota_client_error_is_session_end (error))
        {
          self->requested = FALSE;
          return;
        }

      if (g_list_model_get_n_items (G_LIST_MODEL (self->versions)) > 0)
        {
          _kvota_nap_page_toast (self, error->message);
          show_list_state (self, "list");
          return;
        }

      adw_status_page_set_description (self->list_error_page, error->message);
      show_list_state (self, "error");
      return;
    }

  _kvota_nap_page_set_versions (self, items);
}

void
_kvota_nap_page_load_versions (KvotaNapPage *self)
{
  if (self->client == NULL || kvota_client_get_user (self->client) == NULL)
    return;

  self->requested = TRUE;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->versions)) == 0)
    show_list_state (self, "loading");

  kvota_client_request_async (self->client, "GET", "/api/v1/naps", NULL,
                              self->cancellable,
                              versions_loaded_cb,
                              g_object_ref (self));
}

/* The table of the plan */

static void
update_cell_highlight (GtkWidget          *label,
                       KvotaNapLineObject *line)
{
  if (kvota_nap_line_object_get_highlighted (line))
    gtk_widget_add_css_class (label, "nap-highlight");
  else
    gtk_widget_remove_css_class (label, "nap-highlight");
}

static void
line_highlighted_cb (KvotaNapLineObject *line,
                     GParamSpec         *pspec,
                     GtkWidget          *label)
{
  update_cell_highlight (label, line);
}

static void
year_cell_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
year_cell_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  KvotaNapLineObject *line = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  guint year_index = GPOINTER_TO_UINT (user_data);
  g_autofree char *text = kvota_format_quantity (kvota_nap_line_object_get_allocation (line, year_index));
  gulong handler;

  gtk_label_set_label (GTK_LABEL (label), text);

  if (kvota_nap_line_object_get_grand_total (line))
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_remove_css_class (label, "heading");

  update_cell_highlight (label, line);
  handler = g_signal_connect_object (line, "notify::highlighted",
                                     G_CALLBACK (line_highlighted_cb), label, 0);
  g_object_set_data (G_OBJECT (list_item), "kvota-highlight-handler", GSIZE_TO_POINTER (handler));
}

static void
year_cell_unbind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  KvotaNapLineObject *line = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (list_item), "kvota-highlight-handler"));

  if (handler != 0 && line != NULL)
    g_signal_handler_disconnect (line, handler);
}

static int
compare_allocations_cb (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  guint year_index = GPOINTER_TO_UINT (user_data);
  KvotaQuantity x = kvota_nap_line_object_get_allocation ((KvotaNapLineObject *) a, year_index);
  KvotaQuantity y = kvota_nap_line_object_get_allocation ((KvotaNapLineObject *) b, year_index);

  return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static GtkColumnViewColumn *
new_year_column (int      year,
                 guint    year_index,
                 gboolean sortable)
{
  g_autofree char *title = g_strdup_printf ("%d", year);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (year_cell_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (year_cell_bind_cb), GUINT_TO_POINTER (year_index));
  g_signal_connect (factory, "unbind", G_CALLBACK (year_cell_unbind_cb), NULL);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_fixed_width (column, 120);
  gtk_column_view_column_set_resizable (column, TRUE);

  if (sortable)
    {
      g_autoptr(GtkSorter) sorter =
        GTK_SORTER (gtk_custom_sorter_new (compare_allocations_cb, GUINT_TO_POINTER (year_index), NULL));

      gtk_column_view_column_set_sorter (column, sorter);
    }

  return column;
}

static void
set_year_columns (KvotaNapPage *self,
                  GArray       *years)
{
  for (guint i = 0; i < self->year_columns->len; i++)
    gtk_column_view_remove_column (self->lines_view, g_ptr_array_index (self->year_columns, i));
  for (guint i = 0; i < self->total_columns->len; i++)
    gtk_column_view_remove_column (self->totals_view, g_ptr_array_index (self->total_columns, i));
  g_ptr_array_set_size (self->year_columns, 0);
  g_ptr_array_set_size (self->total_columns, 0);

  /* Sorting by a column that is gone would leave the table in an order
   * the user cannot see the reason for. */
  gtk_column_view_sort_by_column (self->lines_view, NULL, GTK_SORT_ASCENDING);

  for (guint y = 0; y < years->len; y++)
    {
      int year = g_array_index (years, int, y);
      GtkColumnViewColumn *column = new_year_column (year, y, TRUE);
      GtkColumnViewColumn *total = new_year_column (year, y, FALSE);

      gtk_column_view_append_column (self->lines_view, column);
      gtk_column_view_append_column (self->totals_view, total);
      g_ptr_array_add (self->year_columns, column);
      g_ptr_array_add (self->total_columns, total);
    }
}

static gboolean
add_sums (GArray    *sums,
          GArray    *allocations)
{
  for (guint y = 0; y < sums->len && y < allocations->len; y++)
    if (!kvota_quantity_add (g_array_index (sums, KvotaQuantity, y),
                             g_array_index (allocations, KvotaQuantity, y),
                             &g_array_index (sums, KvotaQuantity, y), NULL))
      return FALSE;

  return TRUE;
}

/* The sectors' subtotals, in the order the plan first names them, the
 * reserves', and the plan's total. The reader checked that the plan's
 * totals fit in 64 bits, and so every part of them does. */
static void
fill_totals (KvotaNapPage *self)
{
  GPtrArray *lines = kvota_nap_get_lines (self->nap);
  guint n_years = kvota_nap_get_years (self->nap)->len;
  g_autoptr(GPtrArray) sectors = g_ptr_array_new ();
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                      (GDestroyNotify) g_array_unref);
  g_autoptr(GArray) no_sector = NULL;
  g_autoptr(GArray) reserves = NULL;
  g_autoptr(GArray) total = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) text = g_string_new (NULL);
  GArray *years = kvota_nap_get_years (self->nap);
  gboolean overflow = FALSE;

  g_array_set_size (total, n_years);

  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);
      GArray *sector_sums;

      if (line->reserve)
        {
          if (reserves == NULL)
            {
              reserves = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
              g_array_set_size (reserves, n_years);
            }
          sector_sums = reserves;
        }
      else if (line->sector == NULL)
        {
          if (no_sector == NULL)
            {
              no_sector = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
              g_array_set_size (no_sector, n_years);
            }
          sector_sums = no_sector;
        }
      else if ((sector_sums = g_hash_table_lookup (sums, line->sector)) == NULL)
        {
          sector_sums = g_array_new (FALSE, TRUE, sizeof (KvotaQuantity));
          g_array_set_size (sector_sums, n_years);
          g_hash_table_insert (sums, line->sector, sector_sums);
          g_ptr_array_add (sectors, line->sector);
        }

      overflow |= !add_sums (sector_sums, line->allocations);
      overflow |= !add_sums (total, line->allocations);
    }

  for (guint i = 0; i < sectors->len; i++)
    g_ptr_array_add (items, kvota_nap_line_object_new_total (g_ptr_array_index (sectors, i),
                                                             g_hash_table_lookup (sums, g_ptr_array_index (sectors, i)),
                                                             FALSE));
  if (no_sector != NULL)
    g_ptr_array_add (items, kvota_nap_line_object_new_total (NULL, no_sector, FALSE));
  /* Reserves are in the plan's total, and issued to no one. */
  if (reserves != NULL)
    g_ptr_array_add (items, kvota_nap_line_object_new_total (C_("allocation plan subtotal", "Reserves"), reserves, FALSE));
  g_ptr_array_add (items, kvota_nap_line_object_new_total (NULL, total, TRUE));

  g_list_store_splice (self->totals, 0, g_list_model_get_n_items (G_LIST_MODEL (self->totals)),
                       items->pdata, items->len);

  for (guint y = 0; y < n_years && !overflow; y++)
    {
      g_autofree char *amount = kvota_format_quantity (g_array_index (total, KvotaQuantity, y));

      if (text->len > 0)
        g_string_append (text, "   ");
      /* Translators: the plan's total for a year, under its table: the
       * year and the number of quotas, such as “Total for 2014: 42 873 554”. */
      g_string_append_printf (text, _("Total for %d: %s"), g_array_index (years, int, y), amount);
    }

  gtk_label_set_label (self->totals_label, text->str);
}

static void
update_lines_state (KvotaNapPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->lines_selection)) == 0;

  gtk_stack_set_visible_child_name (self->lines_stack,
                                    empty && self->search_text != NULL ? "no-match" : "lines");
}

static gboolean
filter_line_cb (gpointer item,
                gpointer user_data)
{
  KvotaNapPage *self = user_data;

  return kvota_nap_line_object_matches (item, self->search_text);
}

static void
set_search_text (KvotaNapPage *self,
                 const char   *text)
{
  g_autofree char *normalized = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->lines_filter_model);

  g_clear_pointer (&self->search_text, g_free);
  if (stripped[0] != '\0')
    {
      normalized = g_utf8_normalize (stripped, -1, G_NORMALIZE_ALL);
      self->search_text = g_utf8_casefold (normalized != NULL ? normalized : stripped, -1);
    }

  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
  update_lines_state (self);
}

static guint
count_severity (KvotaNapPage     *self,
                KvotaNapSeverity  severity)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(KvotaFindingObject) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      if (kvota_finding_object_get_severity (finding) == severity)
        n++;
    }

  return n;
}

static void
update_status (KvotaNapPage *self)
{
  guint n_lines = kvota_nap_get_lines (self->nap)->len;
  guint n_errors = count_severity (self, KVOTA_NAP_SEVERITY_ERROR);
  guint n_warnings = count_severity (self, KVOTA_NAP_SEVERITY_WARNING);
  g_autofree char *text = NULL;
  const char *style = NULL;

  if (n_errors > 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The plan has %u error. Correct the file and open it again: a plan with errors cannot be uploaded.",
                                           "The plan has %u errors. Correct the file and open it again: a plan with errors cannot be uploaded.",
                                           n_errors),
                              n_errors);
      style = "error";
    }
  else if (self->version == NULL)
    {
      if (is_administrator (self))
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The plan is in order: %u line. Upload it as a draft, then compare it with the plan in force and apply it.",
                                             "The plan is in order: %u lines. Upload it as a draft, then compare it with the plan in force and apply it.",
                                             n_lines),
                                n_lines);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The plan is in order: %u line.",
                                             "The plan is in order: %u lines.",
                                             n_lines),
                                n_lines);
      style = "success";
    }
  else if (kvota_nap_version_object_is_state (self->version, "draft"))
    {
      if (n_warnings > 0)
        {
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "This draft waits to be applied or discarded. %u line is for a nature user not registered yet: its quotas wait until the nature user is registered.",
                                               "This draft waits to be applied or discarded. %u lines are for nature users not registered yet: their quotas wait until the nature users are registered.",
                                               n_warnings),
                                  n_warnings);
          style = "warning";
        }
      else
        text = g_strdup (_("This draft waits to be applied or discarded."));
    }
  else if (kvota_nap_version_object_is_state (self->version, "applied"))
    text = g_strdup (_("This version is in force: its quotas are issued."));
  else if (kvota_nap_version_object_is_state (self->version, "superseded"))
    text = g_strdup (_("A later version of the plan for the same period replaced this one."));
  else if (kvota_nap_version_object_is_state (self->version, "discarded"))
    text = g_strdup (_("This draft was discarded: it issued nothing."));

  gtk_label_set_label (self->plan_status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->plan_status), text != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->plan_status), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->plan_status), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->plan_status), "success");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->plan_status), style);
}

void
_kvota_nap_page_update_controls (KvotaNapPage *self)
{
  gboolean administrator = is_administrator (self);
  gboolean local = self->nap != NULL && self->version == NULL;
  gboolean draft = self->version != NULL && kvota_nap_version_object_is_state (self->version, "draft");
  gboolean has_errors = self->nap != NULL && count_severity (self, KVOTA_NAP_SEVERITY_ERROR) > 0;

  /* The Ministry sees everything and changes nothing: the controls that
   * would change the registry are not there at all. */
  gtk_widget_set_visible (self->upload_button, administrator && local);
  gtk_widget_set_visible (self->apply_button, administrator && draft);
  gtk_widget_set_visible (self->discard_button, administrator && draft);
  gtk_widget_set_visible (self->download_button, self->version != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.upload",
                                 administrator && local && !has_errors && self->contents != NULL && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.apply",
                                 administrator && draft && self->comparison_ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.discard", administrator && draft && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.download-shown", self->version != NULL);

  gtk_stack_page_set_visible (self->changes_stack_page, draft);
}

static void
update_titles (KvotaNapPage *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  int first_year = 0, last_year = 0;
  g_autofree char *period = NULL;

  if (self->version != NULL)
    {
      g_autofree char *created = kvota_format_date_time (kvota_nap_version_object_get_created (self->version));
      const char *created_by = kvota_nap_version_object_get_created_by (self->version);

      period = kvota_nap_version_object_dup_period (self->version);
      /* Translators: the heading of a plan the registry keeps: its version
       * and its period, such as “Version 2 of the Plan for 2014”. */
      title = g_strdup_printf (_("Version %d of the Plan for %s"),
                               kvota_nap_version_object_get_version (self->version), period);

      /* Translators: under a plan's heading: its file's name, who
       * uploaded it, and when. */
      subtitle = g_strdup_printf (_("File “%s”, uploaded by %s on %s"),
                                  kvota_nap_version_object_get_file_name (self->version),
                                  created_by != NULL ? created_by : "",
                                  created);
    }
  else
    {
      title = g_strdup (self->file_name);

      if (kvota_nap_reader_task_get_period (self->nap, &first_year, &last_year))
        {
          period = kvota_nap_period_describe (first_year, last_year);
          /* Translators: under the name of a plan's file: the sheet the plan
           * is on, and the years it allocates for. */
          subtitle = g_strdup_printf (_("Sheet “%s”, for %s"),
                                      kvota_nap_get_sheet_name (self->nap) ? kvota_nap_get_sheet_name (self->nap) : "",
                                      period);
        }
      else
        subtitle = g_strdup (_("No plan found in the file"));
    }

  gtk_label_set_label (self->plan_title, title != NULL ? title : "");
  gtk_label_set_label (self->plan_subtitle, subtitle);
}

static void
fill_findings (KvotaNapPage *self,
               GPtrArray    *items)
{
  guint n = items->len;
  g_autofree char *heading = NULL;

  g_list_store_splice (self->findings, 0, g_list_model_get_n_items (G_LIST_MODEL (self->findings)),
                       items->pdata, items->len);

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Finding", "%u Findings", n), n);
  gtk_label_set_label (self->findings_label, heading);
  gtk_widget_set_visible (self->findings_box, n > 0);
}

static void
show_plan (KvotaNapPage *self,
           GPtrArray    *finding_items)
{
  GPtrArray *lines = kvota_nap_get_lines (self->nap);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (lines->len, g_object_unref);
  int height;

  g_clear_object (&self->highlighted);

  for (guint i = 0; i < lines->len; i++)
    g_ptr_array_add (items, kvota_nap_line_object_new (g_ptr_array_index (lines, i)));

  set_year_columns (self, kvota_nap_get_years (self->nap));
  g_list_store_splice (self->lines, 0, g_list_model_get_n_items (G_LIST_MODEL (self->lines)),
                       items->pdata, items->len);
  fill_totals (self);
  fill_findings (self, finding_items);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  set_search_text (self, NULL);
  gtk_single_selection_set_selected (self->lines_selection, GTK_INVALID_LIST_POSITION);

  update_titles (self);
  update_status (self);
  _kvota_nap_page_update_controls (self);

  gtk_stack_set_visible_child_name (self->plan_views, "table");
  gtk_stack_set_visible_child_name (self->stack, "plan");

  /* The table gets most of the height; the findings what is left. */
  height = gtk_widget_get_height (GTK_WIDGET (self->plan_paned));
  if (height > 0)
    gtk_paned_set_position (self->plan_paned, MAX (height * 3 / 5, height - 320));
}

/* Going from a finding to its line */

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;

  return NULL;
}

static guint
find_line_position (KvotaNapPage       *self,
                    KvotaNapLineObject *line)
{
  GListModel *model = G_LIST_MODEL (self->lines_selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KvotaNapLineObject) item = g_list_model_get_item (model, i);

      if (item == line)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

static KvotaNapLineObject *
find_line (KvotaNapPage *self,
           guint         row)
{
  GListModel *model = G_LIST_MODEL (self->lines);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KvotaNapLineObject) item = g_list_model_get_item (model, i);

      if (kvota_nap_line_object_get_row (item) == row)
        return g_steal_pointer (&item);
    }

  return NULL;
}

static void
go_to_row (KvotaNapPage *self,
           guint         row)
{
  g_autoptr(KvotaNapLineObject) line = NULL;
  GtkWidget *list_view;
  guint position;

  if (row == 0)
    return;

  if ((line = find_line (self, row)) == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %u is a row of the plan's sheet, such as its totals. */
      message = g_strdup_printf (_("Row %u of the sheet is not a line of the plan, such as a row of totals: look at it in the file."),
                                 row);
      _kvota_nap_page_toast (self, message);
      return;
    }

  gtk_stack_set_visible_child_name (self->plan_views, "table");

  /* A line the search hides is shown again. */
  if ((position = find_line_position (self, line)) == GTK_INVALID_LIST_POSITION)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      set_search_text (self, NULL);
      position = find_line_position (self, line);
    }

  if (self->highlighted != NULL)
    kvota_nap_line_object_set_highlighted (self->highlighted, FALSE);
  g_set_object (&self->highlighted, line);
  kvota_nap_line_object_set_highlighted (line, TRUE);

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  gtk_single_selection_set_selected (self->lines_selection, position);

  /* GTK 4.8 has no gtk_column_view_scroll_to(): its list view scrolls to
   * an item with this action. */
  if ((list_view = find_list_view (GTK_WIDGET (self->lines_view))) != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", position);
}

/* Reading a file */

void
_kvota_nap_page_show_plans (KvotaNapPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "plans");

  if (!self->requested)
    _kvota_nap_page_load_versions (self);
}

static void
file_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *nap_findings;

  nap = kvota_nap_reader_task_read_finish (result, &contents, &error);

  /* The page went away, or the user cancelled: whatever it showed
   * before is what it shows now. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  _kvota_nap_page_set_busy (self, FALSE);

  if (nap == NULL)
    {
      adw_status_page_set_description (self->failed_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "failed");
      return;
    }

  /* A registry plan still loading would replace the file's. */
  _kvota_nap_page_renew_cancellable (self);
  self->requested = FALSE;

  _kvota_nap_page_clear_plan (self);
  self->nap = g_steal_pointer (&nap);
  self->contents = g_steal_pointer (&contents);
  self->file_name = g_strdup (self->reading_name);

  nap_findings = kvota_nap_get_findings (self->nap);
  for (guint i = 0; i < nap_findings->len; i++)
    g_ptr_array_add (findings, kvota_finding_object_new (g_ptr_array_index (nap_findings, i)));

  show_plan (self, findings);
}

/* The registry's plans */

gboolean
_kvota_nap_page_read_registry_plan (JsonNode               *node,
                                    KvotaNapVersionObject **version,
                                    KvotaNap              **nap,
                                    GPtrArray              *findings,
                                    GError                **error)
{
  g_autoptr(KvotaNapVersionObject) read_version = NULL;
  g_autoptr(KvotaNap) read_nap = NULL;
  JsonNode *plan;
  JsonArray *plan_findings;

  if ((read_version = kvota_nap_version_object_new_from_json (node)) == NULL ||
      (plan = _kvota_nap_page_get_member (node, "plan")) == NULL ||
      (read_nap = kvota_nap_from_json (plan, NULL)) == NULL)
    {
      g_propagate_error (error, _kvota_nap_page_bad_reply ());
      return FALSE;
    }

  plan_findings = kvota_json_get_array (plan, "findings");
  if (plan_findings != NULL)
    {
      for (guint i = 0; i < json_array_get_length (plan_findings); i++)
        {
          KvotaFindingObject *finding = kvota_finding_object_new_from_json (json_array_get_element (plan_findings, i));

          if (finding != NULL)
            g_ptr_array_add (findings, finding);
        }
    }

  *version = g_steal_pointer (&read_version);
  *nap = g_steal_pointer (&read_nap);
  return TRUE;
}

void
_kvota_nap_page_show_registry_plan (KvotaNapPage *self,
                                    JsonNode     *node,
                                    GError      **error)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KvotaNapVersionObject) version = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  GPtrArray *lines;

  if (!_kvota_nap_page_read_registry_plan (node, &version, &nap, findings, error))
    return;

  _kvota_nap_page_clear_plan (self);
  self->version = g_steal_pointer (&version);
  self->nap = g_steal_pointer (&nap);
  self->file_name = g_strdup (kvota_nap_version_object_get_file_name (self->version));

  /* The nature users the server found unregistered: their quotas wait. */
  lines = kvota_nap_get_lines (self->nap);
  for (guint i = 0; i < findings->len; i++)
    {
      KvotaFindingObject *finding = g_ptr_array_index (findings, i);

      if (g_strcmp0 (kvota_finding_object_get_code (finding), "unregistered-operator") != 0)
        continue;

      for (guint j = 0; j < lines->len; j++)
        {
          KvotaNapLine *line = g_ptr_array_index (lines, j);

          if (line->row == kvota_finding_object_get_row (finding) && line->bin != NULL)
            g_hash_table_add (self->unregistered, g_strdup (line->bin));
        }
    }

  show_plan (self, findings);

  if (kvota_nap_version_object_is_state (self->version, "draft"))
    _kvota_nap_page_load_comparison (self);
}

static void
version_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root != NULL)
    _kvota_nap_page_show_registry_plan (self, _kvota_nap_page_get_member (root, "nap"), &error);

  if (error != NULL)
    {
      /* Back where the user was: the list, or the plan shown before. */
      gtk_spinner_set_spinning (self->plan_spinner, FALSE);
      gtk_stack_set_visible_child_name (self->stack, self->nap != NULL ? "plan" : "plans");

      if (!kvota_client_error_is_session_end (error))
        _kvota_nap_page_toast (self, error->message);
    }
}

void
_kvota_nap_page_open_version (KvotaNapPage *self,
                              gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/naps/%" G_GINT64_FORMAT, id);

  _kvota_nap_page_renew_cancellable (self);

  /* The plan shown stays until the new one is in; from the list, a
   * spinner says it is coming. */
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "plan"))
    {
      gtk_spinner_set_spinning (self->plan_spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading-plan");
    }

  kvota_client_request_async (self->client, "GET", path, NULL,
                              self->cancellable,
                              version_loaded_cb,
                              g_object_ref (self));
}

/* Signal callbacks */

static void
reading_cancel_button_clicked_cb (KvotaNapPage *self,
                                  GtkButton    *button)
{
  g_cancellable_cancel (self->work_cancellable);
  _kvota_nap_page_set_busy (self, FALSE);

  /* Back to what was shown before the file was opened. */
  if (self->nap != NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "plan");
      _kvota_nap_page_update_controls (self);
    }
  else
    _kvota_nap_page_show_plans (self);
}

static void
uploading_cancel_button_clicked_cb (KvotaNapPage *self,
                                    GtkButton    *button)
{
  /* A body already sent may still become a draft: the list shows it,
   * and a second upload hears that a draft is pending. */
  g_cancellable_cancel (self->work_cancellable);
  self->requested = FALSE;
  _kvota_nap_page_finish_upload (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);
  const char *shown = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (shown, "reading"))
    reading_cancel_button_clicked_cb (self, NULL);
  else if (g_str_equal (shown, "uploading"))
    uploading_cancel_button_clicked_cb (self, NULL);
}

static void
search_changed_cb (KvotaNapPage   *self,
                   GtkSearchEntry *entry)
{
  set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
findings_view_activated_cb (KvotaNapPage *self,
                            guint         position,
                            GtkListView  *list_view)
{
  g_autoptr(KvotaFindingObject) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), position);

  if (finding != NULL)
    go_to_row (self, kvota_finding_object_get_row (finding));
}

static void
versions_view_activated_cb (KvotaNapPage  *self,
                            guint          position,
                            GtkColumnView *column_view)
{
  g_autoptr(KvotaNapVersionObject) version = g_list_model_get_item (G_LIST_MODEL (self->versions_selection), position);

  if (version != NULL)
    _kvota_nap_page_open_version (self, kvota_nap_version_object_get_id (version));
}

static void
download_cell_setup_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        gpointer                  user_data)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("folder-download-symbolic");

  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Download Original File"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Download Original File"),
                                  -1);
  /* The target before the name: the action takes an id. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", (gint64) 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "page.download");
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_child (list_item, button);
}

static void
download_cell_bind_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       gpointer                  user_data)
{
  KvotaNapVersionObject *version = gtk_list_item_get_item (list_item);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (gtk_list_item_get_child (list_item)),
                                    "x", kvota_nap_version_object_get_id (version));
}

/* Closures for the templates' cells */

static char *
format_row (gpointer this_object,
            guint    row)
{
  return g_strdup_printf ("%u", row);
}

static char *
format_version (gpointer this_object,
                int      version)
{
  return g_strdup_printf ("%d", version);
}

static char *
format_period (gpointer this_object,
               int      first_year,
               int      last_year)
{
  return kvota_nap_period_describe (first_year, last_year);
}

static char *
format_nap_state (gpointer    this_object,
                  const char *state)
{
  return g_strdup (kvota_nap_state_describe (state));
}

static char *
format_difference (gpointer this_object,
                   gint64   difference)
{
  g_autofree char *amount = kvota_format_quantity (difference);

  /* The minus sign comes with the number; a gain shows its plus. */
  if (difference > 0)
    return g_strconcat ("+", amount, NULL);

  return g_steal_pointer (&amount);
}

static char *
format_cell (gpointer    this_object,
             const char *cell)
{
  /* A finding about the whole plan has no cell. */
  return g_strdup (cell != NULL ? cell : C_("finding location", "Plan"));
}

static GStrv
classes (const char *first,
         ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    g_strv_builder_add (builder, name);
  va_end (args);

  return g_strv_builder_end (builder);
}

static GStrv
line_cell_classes (gpointer this_object,
                   gboolean highlighted)
{
  return highlighted ? classes ("nap-highlight", NULL) : classes (NULL);
}

static GStrv
row_cell_classes (gpointer this_object,
                  gboolean highlighted)
{
  return highlighted ? classes ("numeric", "dim-label", "nap-highlight", NULL) : classes ("numeric", "dim-label", NULL);
}

static GStrv
total_cell_classes (gpointer this_object,
                    gboolean grand_total)
{
  return grand_total ? classes ("heading", NULL) : classes (NULL);
}

static GStrv
difference_classes (gpointer this_object,
                    gint64   difference)
{
  if (difference > 0)
    return classes ("numeric", "success", NULL);
  if (difference < 0)
    return classes ("numeric", "error", NULL);

  return classes ("numeric", "dim-label", NULL);
}

static char *
severity_icon (gpointer this_object,
               int      severity)
{
  return g_strdup (severity == KVOTA_NAP_SEVERITY_WARNING ? "dialog-warning-symbolic" : "dialog-error-symbolic");
}

static char *
severity_name (gpointer this_object,
               int      severity)
{
  return g_strdup (severity == KVOTA_NAP_SEVERITY_WARNING ? C_("finding", "Warning") : C_("finding", "Error"));
}

static GStrv
severity_classes (gpointer this_object,
                  int      severity)
{
  return classes (severity == KVOTA_NAP_SEVERITY_WARNING ? "warning" : "error", NULL);
}

/* Actions */

static void
reload (KvotaNapPage *self)
{
  if (self->client == NULL || kvota_client_get_user (self->client) == NULL)
    return;

  /* The registry's plan shown is read again; the list in any case. */
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "plan") && self->version != NULL)
    _kvota_nap_page_open_version (self, kvota_nap_version_object_get_id (self->version));
  else
    _kvota_nap_page_load_versions (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (KVOTA_NAP_PAGE (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);

  if (self->busy)
    return;

  _kvota_nap_page_renew_cancellable (self);
  self->requested = FALSE;
  _kvota_nap_page_show_plans (self);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "plan"))
    return;

  gtk_stack_set_visible_child_name (self->plan_views, "table");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Overrides */

#ifdef KVOTA_DEVELOPMENT
/* Development builds only: KVOTA_NAP_FILE opens a plan's file when the
 * page is first shown, KVOTA_NAP_FINDING goes to that finding (counted
 * from 1) and KVOTA_NAP_UPLOAD=1 uploads it; KVOTA_NAP_VERSION opens a
 * plan of the registry, and KVOTA_NAP_VIEW picks its view (changes,
 * totals) or a dialog (apply, discard). For screenshots and UI tests. */
static gboolean
development_step_cb (gpointer user_data)
{
  KvotaNapPage *self = user_data;
  const char *finding = g_getenv ("KVOTA_NAP_FINDING");
  const char *view = g_getenv ("KVOTA_NAP_VIEW");
  guint64 n;

  if (self->busy || !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "plan"))
    return G_SOURCE_CONTINUE;

  if (self->version == NULL && g_strcmp0 (g_getenv ("KVOTA_NAP_UPLOAD"), "1") == 0 &&
      g_object_get_data (G_OBJECT (self), "kvota-development-uploaded") == NULL)
    {
      g_object_set_data (G_OBJECT (self), "kvota-development-uploaded", GINT_TO_POINTER (TRUE));
      gtk_widget_activate_action (GTK_WIDGET (self), "page.upload", NULL);
      return G_SOURCE_CONTINUE;
    }

  if (self->version != NULL && kvota_nap_version_object_is_state (self->version, "draft") &&
      !self->comparison_ready)
    return G_SOURCE_CONTINUE;

  if (finding != NULL && g_ascii_string_to_unsigned (finding, 10, 1, G_MAXUINT, &n, NULL))
    {
      g_autoptr(KvotaFindingObject) item = g_list_model_get_item (G_LIST_MODEL (self->findings), (guint) n - 1);

      if (item != NULL)
        go_to_row (self, kvota_finding_object_get_row (item));
    }

  if (g_strcmp0 (view, "changes") == 0 || g_strcmp0 (view, "totals") == 0)
    gtk_stack_set_visible_child_name (self->plan_views, view);
  else if (g_strcmp0 (view, "apply") == 0 || g_strcmp0 (view, "discard") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), g_str_equal (view, "apply") ? "page.apply" : "page.discard", NULL);

  return G_SOURCE_REMOVE;
}

static void
development_start (KvotaNapPage *self)
{
  const char *path = g_getenv ("KVOTA_NAP_FILE");
  const char *version = g_getenv ("KVOTA_NAP_VERSION");
  guint64 id;

  if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      kvota_nap_page_open_file (self, file);
    }
  else if (version != NULL && g_ascii_string_to_unsigned (version, 10, 1, G_MAXINT64, &id, NULL))
    _kvota_nap_page_open_version (self, (gint64) id);
  else
    return;

  g_timeout_add_full (G_PRIORITY_DEFAULT, 300, development_step_cb, g_object_ref (self), g_object_unref);
}
#endif

static void
kvota_nap_page_map (GtkWidget *widget)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);

  GTK_WIDGET_CLASS (kvota_nap_page_parent_class)->map (widget);

  /* Load when first shown: a user who never opens the page costs the
   * server nothing. */
  if (!self->requested && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "plans"))
    {
      _kvota_nap_page_load_versions (self);

#ifdef KVOTA_DEVELOPMENT
      if (!self->busy && self->nap == NULL)
        development_start (self);
#endif
    }
}

static void
kvota_nap_page_dispose (GObject *object)
{
  KvotaNapPage *self = (KvotaNapPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->work_cancellable);
  g_clear_object (&self->work_cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), KVOTA_TYPE_NAP_PAGE);

  _kvota_nap_page_clear_plan (self);
  g_clear_pointer (&self->year_columns, g_ptr_array_unref);
  g_clear_pointer (&self->total_columns, g_ptr_array_unref);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_nap_page_parent_class)->dispose (object);
}

static void
kvota_nap_page_finalize (GObject *object)
{
  KvotaNapPage *self = (KvotaNapPage *)object;

  g_clear_pointer (&self->unregistered, g_hash_table_unref);
  g_free (self->search_text);
  g_free (self->reading_name);

  G_OBJECT_CLASS (kvota_nap_page_parent_class)->finalize (object);
}

static void
kvota_nap_page_class_init (KvotaNapPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kvota_nap_page_dispose;
  object_class->finalize = kvota_nap_page_finalize;

  widget_class->map = kvota_nap_page_map;

  g_type_ensure (KVOTA_TYPE_FINDING_OBJECT);
  g_type_ensure (KVOTA_TYPE_NAP_CHANGE_OBJECT);
  g_type_ensure (KVOTA_TYPE_NAP_LINE_OBJECT);
  g_type_ensure (KVOTA_TYPE_NAP_VERSION_OBJECT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/kz/kvota/Kvota/kvota-nap-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plans_description);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, list_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, list_error_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, versions_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, versions_selection);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, versions);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, reading_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, reading_progress);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, failed_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, uploading_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, uploading_progress);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plan_spinner);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plan_title);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plan_subtitle);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, download_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, discard_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, upload_button);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plan_status);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plan_views);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, plan_paned);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, lines_stack);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, lines_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, lines_selection);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, lines_filter_model);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, lines);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, totals_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, findings_box);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, findings_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, findings_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, findings);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, totals_view);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, totals);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, changes_stack_page);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, changes_label);
  gtk_widget_class_bind_template_child (widget_class, KvotaNapPage, changes);
  gtk_widget_class_bind_template_callback (widget_class, reading_cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, uploading_cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, findings_view_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, versions_view_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, download_cell_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, download_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, format_row);
  gtk_widget_class_bind_template_callback (widget_class, format_version);
  gtk_widget_class_bind_template_callback (widget_class, format_period);
  gtk_widget_class_bind_template_callback (widget_class, format_nap_state);
  gtk_widget_class_bind_template_callback (widget_class, format_difference);
  gtk_widget_class_bind_template_callback (widget_class, format_cell);
  gtk_widget_class_bind_template_callback (widget_class, line_cell_classes);
  gtk_widget_class_bind_template_callback (widget_class, row_cell_classes);
  gtk_widget_class_bind_template_callback (widget_class, total_cell_classes);
  gtk_widget_class_bind_template_callback (widget_class, difference_classes);
  gtk_widget_class_bind_template_callback (widget_class, severity_icon);
  gtk_widget_class_bind_template_callback (widget_class, severity_name);
  gtk_widget_class_bind_template_callback (widget_class, severity_classes);
  kvota_format_bind_closures (widget_class);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.open-file", NULL, _kvota_nap_page_open_file_action);
  gtk_widget_class_install_action (widget_class, "page.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "page.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "page.upload", NULL, _kvota_nap_page_upload_action);
  gtk_widget_class_install_action (widget_class, "page.apply", NULL, _kvota_nap_page_apply_action);
  gtk_widget_class_install_action (widget_class, "page.discard", NULL, _kvota_nap_page_discard_action);
  gtk_widget_class_install_action (widget_class, "page.download", "x", _kvota_nap_page_download_action);
  gtk_widget_class_install_action (widget_class, "page.download-shown", NULL, _kvota_nap_page_download_shown_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "page.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "page.cancel", NULL);
}

static void
kvota_nap_page_init (KvotaNapPage *self)
{
  GtkEventController *controller;
  GtkCustomFilter *filter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->work_cancellable = g_cancellable_new ();
  self->year_columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->total_columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->unregistered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Ctrl+O and Ctrl+F work wherever the focus is in the window while
   * the page is shown, such as on the sidebar. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_o, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("page.open-file")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("page.search")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  filter = gtk_custom_filter_new (filter_line_cb, self, NULL);
  gtk_filter_list_model_set_filter (self->lines_filter_model, GTK_FILTER (filter));
  g_object_unref (filter);

  _kvota_nap_page_set_busy (self, FALSE);
  _kvota_nap_page_update_controls (self);
}

/**
 * kvota_nap_page_new:
 * @client: the signed-in client
 *
 * Returns: (transfer floating): the page
 */
GtkWidget *
kvota_nap_page_new (KvotaClient *client)
{
  KvotaNapPage *self = g_object_new (KVOTA_TYPE_NAP_PAGE, NULL);

  kvota_nap_page_set_client (self, client);
  return GTK_WIDGET (self);
}

void
kvota_nap_page_set_client (KvotaNapPage *self,
                           KvotaClient  *client)
{
  g_return_if_fail (KVOTA_IS_NAP_PAGE (self));
  g_return_if_fail (!client || KVOTA_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  if (is_administrator (self))
    gtk_label_set_label (self->plans_description,
                         _("Open a plan’s file to check it and upload it as a draft. A draft issues quotas once you apply it; an amendment is a new version of the plan for the same period."));
  else
    gtk_label_set_label (self->plans_description,
                         _("Open a plan’s file to check it before the administrator uploads it. Below are the plans the registry keeps, with their original files."));

  _kvota_nap_page_update_controls (self);
}

/**
 * kvota_nap_page_open_file:
 * @self: a #KvotaNapPage
 * @file: a workbook
 *
 * Reads the plan in @file and shows it.
 */
void
kvota_nap_page_open_file (KvotaNapPage *self,
                          GFile        *file)
{
  g_return_if_fail (KVOTA_IS_NAP_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  /* A read under way is for a file the user no longer wants: only the
   * last one opened reports, so reading_name is its name. */
  _kvota_nap_page_renew_work_cancellable (self);
  _kvota_nap_page_set_busy (self, TRUE);

  g_free (self->reading_name);
  self->reading_name = g_file_get_basename (file);
  adw_status_page_set_description (self->reading_page, self->reading_name);
  gtk_stack_set_visible_child_name (self->stack, "reading");

  kvota_nap_reader_task_read_async (file, self->work_cancellable, file_read_cb, g_object_ref (self));
}
