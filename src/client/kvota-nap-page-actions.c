/* kvota-nap-page-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-format.h"
#include "kvota-nap-change-object.h"
#include "kvota-nap-page-private.h"
#include "kvota-nap-reader-task.h"

/* What the allocation plan page does with the registry: uploads a plan
 * with its original file as a draft, compares a draft with the version in
 * force, applies or discards it, and saves an original file; and opens a
 * file to read. */

typedef struct
{
  gint64 issued;
  gint64 withdrawn;
  gint64 waiting;
} Effect;

/* Comparing a draft with the version in force */

typedef struct
{
  const char *operator_name;
  const char *bin;
  int         year;
  gint64      previous;
  gint64      current;
} Change;

static void
add_to_changes (GHashTable   *changes,
                GPtrArray    *order,
                KvotaNapLine *line,
                GArray       *years,
                gboolean      previous)
{
  for (guint y = 0; y < years->len; y++)
    {
      int year = g_array_index (years, int, y);
      KvotaQuantity amount = g_array_index (line->allocations, KvotaQuantity, y);
      /* Per operator; each reserve is one of its own. */
      g_autofree char *key = line->reserve || line->bin == NULL ?
                             g_strdup_printf ("reserve\n%s\n%d", line->installation ? line->installation : "", year) :
                             g_strdup_printf ("bin\n%s\n%d", line->bin, year);
      Change *change = g_hash_table_lookup (changes, key);

      if (change == NULL)
        {
          change = g_new0 (Change, 1);
          change->operator_name = line->reserve || line->operator_name == NULL ?
                                  line->installation : line->operator_name;
          change->bin = line->reserve ? NULL : line->bin;
          change->year = year;
          g_hash_table_insert (changes, g_steal_pointer (&key), change);
          g_ptr_array_add (order, change);
        }

      /* The readers checked that the plans' sums fit in 64 bits. */
      if (previous)
        change->previous += amount;
      else
        change->current += amount;
    }
}

static char *
installation_key (KvotaNapLine *line,
                  int           year)
{
  return g_strdup_printf ("%s\n%s\n%d", line->bin, line->installation ? line->installation : "", year);
}

/* What applying the draft does, the way the server does it: for each
 * installation and year, a registered nature user gets the difference
 * from the version in force, issued or withdrawn; an unregistered one's
 * allocation waits. Reserves are not issued. */
static Effect
compute_effect (KvotaNapPage *self)
{
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *lines = kvota_nap_get_lines (self->nap);
  GArray *years = kvota_nap_get_years (self->nap);
  Effect effect = { 0, };
  GHashTableIter iter;
  gpointer value;

  if (self->in_force != NULL)
    {
      GPtrArray *old_lines = kvota_nap_get_lines (self->in_force);
      GArray *old_years = kvota_nap_get_years (self->in_force);

      for (guint i = 0; i < old_lines->len; i++)
        {
          KvotaNapLine *line = g_ptr_array_index (old_lines, i);

          if (line->reserve || line->bin == NULL)
            continue;

          for (guint y = 0; y < old_years->len; y++)
            g_hash_table_insert (before, installation_key (line, g_array_index (old_years, int, y)),
                                 &g_array_index (line->allocations, KvotaQuantity, y));
        }
    }

  for (guint i = 0; i < lines->len; i++)
    {
      KvotaNapLine *line = g_ptr_array_index (lines, i);
      gboolean registered;

      if (line->reserve || line->bin == NULL)
        continue;

      registered = !g_hash_table_contains (self->unregistered, line->bin);

      for (guint y = 0; y < years->len; y++)
        {
          g_autofree char *key = installation_key (line, g_array_index (years, int, y));
          KvotaQuantity *previous = g_hash_table_lookup (before, key);
          KvotaQuantity entitled = g_array_index (line->allocations, KvotaQuantity, y);
          KvotaQuantity was = previous != NULL ? *previous : 0;

          if (!registered)
            effect.waiting += entitled;
          else if (entitled > was)
            effect.issued += entitled - was;
          else
            effect.withdrawn += was - entitled;

          g_hash_table_remove (before, key);
        }
    }

  /* Lines the draft drops give back what they were issued. */
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    effect.withdrawn += *(KvotaQuantity *) value;

  return effect;
}

static void
show_changes (KvotaNapPage *self)
{
  g_autoptr(GHashTable) changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *period = kvota_nap_version_object_dup_period (self->version);
  g_autofree char *text = NULL;
  GPtrArray *lines = kvota_nap_get_lines (self->nap);

  for (guint i = 0; i < lines->len; i++)
    add_to_changes (changes, order, g_ptr_array_index (lines, i), kvota_nap_get_years (self->nap), FALSE);

  if (self->in_force != NULL)
    {
      GPtrArray *old_lines = kvota_nap_get_lines (self->in_force);

      for (guint i = 0; i < old_lines->len; i++)
        add_to_changes (changes, order, g_ptr_array_index (old_lines, i), kvota_nap_get_years (self->in_force), TRUE);
    }

  for (guint i = 0; i < order->len; i++)
    {
      Change *change = g_ptr_array_index (order, i);

      g_ptr_array_add (items, kvota_nap_change_object_new (change->operator_name, change->bin, change->year,
                                                           change->previous, change->current));
    }

  g_list_store_splice (self->changes, 0, g_list_model_get_n_items (G_LIST_MODEL (self->changes)),
                       items->pdata, items->len);

  if (self->in_force_version == NULL)
    /* Translators: %s is the plan's period, such as 2014 or 2014–2015. */
    text = g_strdup_printf (_("No version of the plan for %s is in force yet: everything this draft allocates is new."),
                            period);
  else
    {
      g_autofree char *decided = kvota_format_date_time (kvota_nap_version_object_get_decided (self->in_force_version));
      gboolean changed = FALSE;

      for (guint i = 0; i < order->len && !changed; i++)
        changed = ((Change *) g_ptr_array_index (order, i))->previous != ((Change *) g_ptr_array_index (order, i))->current;

      if (changed)
        /* Translators: the first %d is the version in force, %s the date
         * and time it was applied. */
        text = g_strdup_printf (_("Compared with version %d, in force since %s."),
                                kvota_nap_version_object_get_version (self->in_force_version), decided);
      else
        /* Translators: the first %d is the version in force, %s the date
         * and time it was applied. */
        text = g_strdup_printf (_("Compared with version %d, in force since %s: this draft allocates exactly the same."),
                                kvota_nap_version_object_get_version (self->in_force_version), decided);
    }

  gtk_label_set_label (self->changes_label, text);
  self->comparison_ready = TRUE;
  _kvota_nap_page_update_controls (self);
}

static void
in_force_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KvotaNapVersionObject) version = NULL;
  g_autoptr(KvotaNap) nap = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || !_kvota_nap_page_read_registry_plan (_kvota_nap_page_get_member (root, "nap"), &version, &nap, findings, &error))
    {
      gtk_label_set_label (self->changes_label, error->message);
      return;
    }

  g_set_object (&self->in_force_version, version);
  g_set_object (&self->in_force, nap);
  show_changes (self);
}

static void
comparison_list_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  KvotaNapVersionObject *in_force = NULL;
  g_autofree char *path = NULL;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (root == NULL || !_kvota_nap_page_read_versions (root, items, &error))
    {
      gtk_label_set_label (self->changes_label, error->message);
      return;
    }

  /* The list is fresh: the page's list shows it too. */
  _kvota_nap_page_set_versions (self, items);
  self->requested = TRUE;

  for (guint i = 0; i < items->len && in_force == NULL; i++)
    {
      KvotaNapVersionObject *version = g_ptr_array_index (items, i);

      if (kvota_nap_version_object_is_state (version, "applied") &&
          kvota_nap_version_object_get_first_year (version) == kvota_nap_version_object_get_first_year (self->version) &&
          kvota_nap_version_object_get_last_year (version) == kvota_nap_version_object_get_last_year (self->version))
        in_force = version;
    }

  if (in_force == NULL)
    {
      show_changes (self);
      return;
    }

  path = g_strdup_printf ("/api/v1/naps/%" G_GINT64_FORMAT, kvota_nap_version_object_get_id (in_force));
  kvota_client_request_async (self->client, "GET", path, NULL,
                              self->cancellable,
                              in_force_loaded_cb,
                              g_object_ref (self));
}

void
_kvota_nap_page_load_comparison (KvotaNapPage *self)
{
  self->comparison_ready = FALSE;
  g_list_store_remove_all (self->changes);
  gtk_label_set_label (self->changes_label, _("Loading the version in force…"));
  _kvota_nap_page_update_controls (self);

  kvota_client_request_async (self->client, "GET", "/api/v1/naps", NULL,
                              self->cancellable,
                              comparison_list_cb,
                              g_object_ref (self));
}

/* Uploading */

void
_kvota_nap_page_finish_upload (KvotaNapPage *self)
{
  _kvota_nap_page_set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "plan");
  _kvota_nap_page_update_controls (self);
}

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  _kvota_nap_page_finish_upload (self);

  if (root == NULL)
    {
      /* The preview stays as it was: the user can upload again once
       * the reason is gone, such as a pending draft discarded. */
      if (kvota_client_error_is_session_end (error))
        return;

      _kvota_nap_page_toast (self, error->message);
      if (g_error_matches (error, KVOTA_ERROR, KVOTA_ERROR_NAP_DRAFT_PENDING))
        _kvota_nap_page_load_versions (self);
      return;
    }

  _kvota_nap_page_renew_cancellable (self);
  _kvota_nap_page_show_registry_plan (self, _kvota_nap_page_get_member (root, "nap"), &error);
  if (error != NULL)
    {
      _kvota_nap_page_toast (self, error->message);
      return;
    }

  /* Translators: %d is the version number the registry gave the plan. */
  message = g_strdup_printf (_("The plan is uploaded as draft version %d. Compare it with the plan in force, then apply it."),
                             kvota_nap_version_object_get_version (self->version));
  _kvota_nap_page_toast (self, message);
}

/* @user_data is alive: uploaded_cb() holds a reference until the end. */
static void
upload_progress_cb (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  KvotaNapPage *self = user_data;

  self->upload_counted = TRUE;
  kvota_format_progress_bar (self->uploading_progress, sent, total);
}

static void
encoded_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  body = kvota_nap_reader_task_encode_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (body == NULL)
    {
      _kvota_nap_page_finish_upload (self);
      _kvota_nap_page_toast (self, error->message);
      return;
    }

  kvota_client_upload_async (self->client, "POST", "/api/v1/naps", body,
                             upload_progress_cb, self,
                             self->work_cancellable,
                             uploaded_cb,
                             g_object_ref (self));
}

void
_kvota_nap_page_upload_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);

  if (self->nap == NULL || self->contents == NULL || self->version != NULL ||
      kvota_nap_count_errors (self->nap) > 0)
    return;

  _kvota_nap_page_renew_work_cancellable (self);
  _kvota_nap_page_set_busy (self, TRUE);
  _kvota_nap_page_update_controls (self);

  adw_status_page_set_description (self->uploading_page, self->file_name);
  gtk_stack_set_visible_child_name (self->stack, "uploading");

  kvota_nap_reader_task_encode_async (self->nap, self->contents, self->file_name,
                                      self->work_cancellable,
                                      encoded_cb,
                                      g_object_ref (self));
}

/* Applying and discarding a draft */

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *withdrawn = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *message = NULL;
  JsonObject *object_reply;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  _kvota_nap_page_update_controls (self);

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        _kvota_nap_page_toast (self, error->message);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autoptr(GError) bad = _kvota_nap_page_bad_reply ();

      _kvota_nap_page_toast (self, bad->message);
      return;
    }

  object_reply = json_node_get_object (root);
  issued = kvota_format_quantity (json_object_get_int_member_with_default (object_reply, "issued", 0));
  withdrawn = kvota_format_quantity (json_object_get_int_member_with_default (object_reply, "withdrawn", 0));
  waiting = kvota_format_quantity (json_object_get_int_member_with_default (object_reply, "waiting", 0));

  /* Translators: after a plan is applied: quotas issued, withdrawn,
   * and waiting for nature users to register, in tonnes. */
  message = g_strdup_printf (_("The plan is applied: %s quotas issued, %s withdrawn, %s waiting for registration."),
                             issued, withdrawn, waiting);
  _kvota_nap_page_toast (self, message);

  /* The plan shown is now in force; the list says so too. */
  _kvota_nap_page_open_version (self, kvota_nap_version_object_get_id (self->version));
  self->requested = FALSE;
}

static void
apply_response_cb (KvotaNapPage    *self,
                   const char      *response,
                   AdwMessageDialog *dialog)
{
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "apply") || self->version == NULL)
    return;

  self->busy = TRUE;
  _kvota_nap_page_update_controls (self);

  path = g_strdup_printf ("/api/v1/naps/%" G_GINT64_FORMAT "/apply",
                          kvota_nap_version_object_get_id (self->version));
  kvota_client_request_async (self->client, "POST", path, NULL,
                              self->cancellable,
                              applied_cb,
                              g_object_ref (self));
}

void
_kvota_nap_page_apply_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);
  g_autofree char *period = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  AdwMessageDialog *dialog;
  Effect effect;
  int version;

  if (self->version == NULL || !self->comparison_ready)
    return;

  effect = compute_effect (self);
  period = kvota_nap_version_object_dup_period (self->version);
  version = kvota_nap_version_object_get_version (self->version);

  if (effect.issued > 0)
    {
      g_autofree char *amount = kvota_format_quantity (effect.issued);

      /* Translators: %d is the plan's version, the first %s its period,
       * the second the number of quotas. */
      g_string_append_printf (text, _("Applying version %d of the plan for %s issues %s quotas into the accounts of registered nature users."),
                              version, period, amount);
    }
  else
    g_string_append_printf (text, _("Applying version %d of the plan for %s issues no new quotas."),
                            version, period);

  if (effect.withdrawn > 0)
    {
      g_autofree char *amount = kvota_format_quantity (effect.withdrawn);

      g_string_append (text, "\n\n");
      /* Translators: %s is a number of quotas. */
      g_string_append_printf (text, _("It withdraws %s quotas that the version in force issued and this version no longer allocates."),
                              amount);
    }

  if (effect.waiting > 0)
    {
      g_autofree char *amount = kvota_format_quantity (effect.waiting);

      g_string_append (text, "\n\n");
      /* Translators: %s is a number of quotas. */
      g_string_append_printf (text, _("%s quotas wait for nature users not registered yet, and are issued when they register."),
                              amount);
    }

  g_string_append (text, "\n\n");
  g_string_append (text, _("This cannot be undone: only a later version of the plan can change what it issues."));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       _("Apply the Allocation Plan?"),
                                                       text->str));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (apply_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
discarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KvotaNapPage) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = kvota_client_request_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  _kvota_nap_page_update_controls (self);

  if (root == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        _kvota_nap_page_toast (self, error->message);
      return;
    }

  _kvota_nap_page_toast (self, _("The draft is discarded."));
  _kvota_nap_page_clear_plan (self);
  self->requested = FALSE;
  _kvota_nap_page_show_plans (self);
}

static void
discard_response_cb (KvotaNapPage     *self,
                     const char       *response,
                     AdwMessageDialog *dialog)
{
  g_autofree char *path = NULL;

  if (!g_str_equal (response, "discard") || self->version == NULL)
    return;

  self->busy = TRUE;
  _kvota_nap_page_update_controls (self);

  path = g_strdup_printf ("/api/v1/naps/%" G_GINT64_FORMAT "/discard",
                          kvota_nap_version_object_get_id (self->version));
  kvota_client_request_async (self->client, "POST", path, NULL,
                              self->cancellable,
                              discarded_cb,
                              g_object_ref (self));
}

void
_kvota_nap_page_discard_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);
  g_autofree char *period = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->version == NULL)
    return;

  period = kvota_nap_version_object_dup_period (self->version);
  /* Translators: %d is the draft's version, %s the plan's period. */
  body = g_strdup_printf (_("Version %d of the plan for %s will never be applied. The registry keeps it and its file as discarded."),
                          kvota_nap_version_object_get_version (self->version), period);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       _("Discard the Draft?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Downloading an original file */

typedef struct
{
  KvotaNapPage *self;
  GFile        *file;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->self);
  g_clear_object (&download->file);
  g_free (download);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Download, download_free)

static void
file_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (download->file);
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Translators: %s is the file's name, the second %s the system's reason. */
      message = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
      _kvota_nap_page_toast (download->self, message);
      return;
    }

  /* Translators: %s is the name of the file saved. */
  message = g_strdup_printf (_("Saved “%s”."), name);
  _kvota_nap_page_toast (download->self, message);
}

static void
file_downloaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GFile *file;

  bytes = kvota_client_download_finish (KVOTA_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (bytes == NULL)
    {
      if (!kvota_client_error_is_session_end (error))
        _kvota_nap_page_toast (download->self, error->message);
      return;
    }

  file = download->file;
  cancellable = download->self->work_cancellable;
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable,
                                       file_saved_cb,
                                       g_steal_pointer (&download));
}

static void
save_chooser_response_cb (KvotaNapPage         *self,
                          int                   response,
                          GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "kvota-nap-id"));
  g_autofree char *path = NULL;
  Download *download;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file == NULL)
    return;

  download = g_new0 (Download, 1);
  download->self = g_object_ref (self);
  download->file = g_steal_pointer (&file);

  path = g_strdup_printf ("/api/v1/naps/%" G_GINT64_FORMAT "/file", id);
  kvota_client_download_async (self->client, path,
                               self->work_cancellable,
                               file_downloaded_cb,
                               download);
}

static void
download_version (KvotaNapPage          *self,
                  KvotaNapVersionObject *version)
{
  if (self->chooser != NULL)
    return;

  /* Translators: the title of the dialog that saves a plan's original file. */
  self->chooser = gtk_file_chooser_native_new (_("Save the Original File"),
                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     kvota_nap_version_object_get_file_name (version));
  g_object_set_data (G_OBJECT (self->chooser), "kvota-nap-id",
                     GSIZE_TO_POINTER ((gsize) kvota_nap_version_object_get_id (version)));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (save_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
_kvota_nap_page_download_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->versions)); i++)
    {
      g_autoptr(KvotaNapVersionObject) version = g_list_model_get_item (G_LIST_MODEL (self->versions), i);

      if (kvota_nap_version_object_get_id (version) == id)
        {
          download_version (self, version);
          return;
        }
    }
}

void
_kvota_nap_page_download_shown_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);

  if (self->version != NULL)
    download_version (self, self->version);
}

/* Opening a file */

static void
open_chooser_response_cb (KvotaNapPage         *self,
                          int                   response,
                          GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file != NULL)
    kvota_nap_page_open_file (self, file);
}

void
_kvota_nap_page_open_file_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  KvotaNapPage *self = KVOTA_NAP_PAGE (widget);
  g_autoptr(GtkFileFilter) spreadsheets = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) everything = gtk_file_filter_new ();

  if (self->chooser != NULL || self->busy)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Open an Allocation Plan"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (spreadsheets, _("Spreadsheets (.xlsx, .xls, .ods)"));
  gtk_file_filter_add_mime_type (spreadsheets, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  gtk_file_filter_add_mime_type (spreadsheets, "application/vnd.ms-excel");
  gtk_file_filter_add_mime_type (spreadsheets, "application/vnd.oasis.opendocument.spreadsheet");
  gtk_file_filter_add_suffix (spreadsheets, "xlsx");
  gtk_file_filter_add_suffix (spreadsheets, "xls");
  gtk_file_filter_add_suffix (spreadsheets, "ods");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), spreadsheets);

  /* A plan saved under another name is read by what it holds. */
  gtk_file_filter_set_name (everything, _("All Files"));
  gtk_file_filter_add_pattern (everything, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), everything);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), spreadsheets);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (open_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
