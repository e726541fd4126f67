/* kvota-nap-page-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kvota-nap.h"
#include "kvota-nap-line-object.h"
#include "kvota-nap-page.h"
#include "kvota-nap-version-object.h"

G_BEGIN_DECLS

/* The page is split by concern: kvota-nap-page.c shows plans (the list,
 * a file read, a table with its findings), kvota-nap-page-actions.c
 * changes and fetches them (open, upload, compare, apply, discard,
 * download). */

struct _KvotaNapPage
{
  GtkWidget              parent_instance;

  KvotaClient           *client;
  /* Requests for the list and for the plans shown. */
  GCancellable          *cancellable;
  /* Reading a file and uploading it: what the Cancel button stops. */
  GCancellable          *work_cancellable;
  GtkFileChooserNative  *chooser;
  guint                  pulse_id;
  gboolean               upload_counted;   /* the upload bar counts bytes now */
  char                  *reading_name;  /* of the file being read */
  gboolean               requested;
  gboolean               busy;

  /* The plan shown: read from a file (with its bytes, for the upload),
   * or one of the registry's versions. */
  KvotaNap              *nap;
  GBytes                *contents;
  char                  *file_name;
  KvotaNapVersionObject *version;
  /* For a draft: the version in force for its period, once loaded;
   * in_force is NULL for a first version. */
  gboolean               comparison_ready;
  KvotaNap              *in_force;
  KvotaNapVersionObject *in_force_version;
  GHashTable            *unregistered;  /* BINs the server does not know */

  GPtrArray             *year_columns;  /* of GtkColumnViewColumn, in lines_view */
  GPtrArray             *total_columns; /* in totals_view */
  KvotaNapLineObject    *highlighted;
  char                  *search_text;   /* normalised, case-folded */

  /* Template widgets */
  GtkStack              *stack;
  GtkLabel              *plans_description;
  GtkStack              *list_stack;
  GtkSpinner            *list_spinner;
  AdwStatusPage         *list_error_page;
  GtkColumnView         *versions_view;
  GtkSingleSelection    *versions_selection;
  GListStore            *versions;
  AdwStatusPage         *reading_page;
  GtkProgressBar        *reading_progress;
  AdwStatusPage         *failed_page;
  AdwStatusPage         *uploading_page;
  GtkProgressBar        *uploading_progress;
  GtkSpinner            *plan_spinner;
  GtkLabel              *plan_title;
  GtkLabel              *plan_subtitle;
  GtkWidget             *download_button;
  GtkWidget             *discard_button;
  GtkWidget             *apply_button;
  GtkWidget             *upload_button;
  GtkLabel              *plan_status;
  GtkStack              *plan_views;
  GtkPaned              *plan_paned;
  GtkSearchEntry        *search_entry;
  GtkStack              *lines_stack;
  GtkColumnView         *lines_view;
  GtkSingleSelection    *lines_selection;
  GtkFilterListModel    *lines_filter_model;
  GListStore            *lines;
  GtkLabel              *totals_label;
  GtkWidget             *findings_box;
  GtkLabel              *findings_label;
  GtkListView           *findings_view;
  GListStore            *findings;
  GtkColumnView         *totals_view;
  GListStore            *totals;
  GtkStackPage          *changes_stack_page;
  GtkLabel              *changes_label;
  GListStore            *changes;
};

void      _kvota_nap_page_toast                  (KvotaNapPage  *self,
                                                  const char    *message);
void      _kvota_nap_page_set_busy               (KvotaNapPage  *self,
                                                  gboolean       busy);
void      _kvota_nap_page_renew_work_cancellable (KvotaNapPage  *self);
void      _kvota_nap_page_renew_cancellable      (KvotaNapPage  *self);
GError   *_kvota_nap_page_bad_reply              (void);
JsonNode *_kvota_nap_page_get_member             (JsonNode      *node,
                                                  const char    *name);
gboolean  _kvota_nap_page_read_registry_plan     (JsonNode               *node,
                                                  KvotaNapVersionObject **version,
                                                  KvotaNap              **nap,
                                                  GPtrArray              *findings,
                                                  GError                **error);
void      _kvota_nap_page_show_registry_plan     (KvotaNapPage  *self,
                                                  JsonNode      *node,
                                                  GError       **error);
gboolean  _kvota_nap_page_read_versions          (JsonNode      *root,
                                                  GPtrArray     *items,
                                                  GError       **error);
void      _kvota_nap_page_set_versions           (KvotaNapPage  *self,
                                                  GPtrArray     *items);
void      _kvota_nap_page_open_version           (KvotaNapPage  *self,
                                                  gint64         id);
void      _kvota_nap_page_load_versions          (KvotaNapPage  *self);
void      _kvota_nap_page_show_plans             (KvotaNapPage  *self);
void      _kvota_nap_page_clear_plan             (KvotaNapPage  *self);
void      _kvota_nap_page_update_controls        (KvotaNapPage  *self);

void      _kvota_nap_page_load_comparison        (KvotaNapPage  *self);
void      _kvota_nap_page_finish_upload          (KvotaNapPage  *self);
void      _kvota_nap_page_upload_action          (GtkWidget     *widget,
                                                  const char    *action_name,
                                                  GVariant      *parameter);
void      _kvota_nap_page_apply_action           (GtkWidget     *widget,
                                                  const char    *action_name,
                                                  GVariant      *parameter);
void      _kvota_nap_page_discard_action         (GtkWidget     *widget,
                                                  const char    *action_name,
                                                  GVariant      *parameter);
void      _kvota_nap_page_download_action        (GtkWidget     *widget,
                                                  const char    *action_name,
                                                  GVariant      *parameter);
void      _kvota_nap_page_download_shown_action  (GtkWidget     *widget,
                                                  const char    *action_name,
                                                  GVariant      *parameter);
void      _kvota_nap_page_open_file_action       (GtkWidget     *widget,
                                                  const char    *action_name,
                                                  GVariant      *parameter);

G_END_DECLS
