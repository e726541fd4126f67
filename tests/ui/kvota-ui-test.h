/* kvota-ui-test.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the UI tests do with the client's widgets, as a user would: find
 * them by their id in the templates, type into them, press them, wait
 * until the window shows what is expected, read what it shows, and keep a
 * screenshot. The client has no hooks for the tests. */

gboolean    kvota_ui_init                (void);
void        kvota_ui_set_window          (GtkWidget   *window);

GtkWidget  *kvota_ui_find                (GtkWidget   *root,
                                          const char  *id);
GtkWidget  *kvota_ui_try_find            (GtkWidget   *root,
                                          const char  *id);
GtkWidget  *kvota_ui_find_type           (GtkWidget   *root,
                                          GType        type);
GtkWidget  *kvota_ui_find_label          (GtkWidget   *root,
                                          const char  *text);
gboolean    kvota_ui_is_showing          (GtkWidget   *widget);

void        kvota_ui_type                (GtkWidget   *editable,
                                          const char  *text);
void        kvota_ui_click               (GtkWidget   *widget);

GPtrArray  *kvota_ui_read_rows           (GtkWidget   *view);
GPtrArray  *kvota_ui_read_list_box       (GtkListBox  *list_box);
GtkWidget  *kvota_ui_find_list_box_row   (GtkListBox  *list_box,
                                          const char  *text);
gint64      kvota_ui_parse_quantity      (const char  *text);

char       *kvota_ui_screenshot          (GtkWidget   *widget,
                                          const char  *name);

/* Iterates the main context until the condition holds; after a generous
 * timeout (KVOTA_UI_TIMEOUT seconds, 120 by default) the test fails with
 * WHAT and a screenshot of the window as it was. Never a fixed sleep. */
#define kvota_ui_wait_until(condition, what) \
  G_STMT_START { \
    gint64 kvota_ui_deadline_ = kvota_ui_deadline (); \
    while (!(condition)) \
      kvota_ui_wait_step (kvota_ui_deadline_, (what), __FILE__, __LINE__, G_STRFUNC); \
  } G_STMT_END

gint64      kvota_ui_deadline            (void);
void        kvota_ui_wait_step           (gint64       deadline,
                                          const char  *what,
                                          const char  *file,
                                          int          line,
                                          const char  *func);

G_END_DECLS
