/* kvota-ui-test.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-ui-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kvota-ui-test.h"

/* The window of the running journey: a wait that times out keeps a
 * screenshot of it, to show what the window showed instead. */
static GtkWidget *current_window;
static guint failures;

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * kvota_ui_init:
 *
 * Readies GTK for the tests, once gtk_init_check() succeeded: no
 * animations (a screenshot in the middle of a crossfade shows two pages),
 * no blinking cursor, and a main loop that wakes up often enough to check a condition.
 */
gboolean
kvota_ui_init (void)
{
  /* Without a window manager the window may never have the keyboard
   * focus that a blinking cursor expects. */
  g_object_set (gtk_settings_get_default (),
                "gtk-enable-animations", FALSE,
                "gtk-cursor-blink", FALSE,
                NULL);

  /* The window of an earlier run's timeout is no news for this one. */
  if (g_getenv ("KVOTA_UI_SCREENSHOTS") != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (g_getenv ("KVOTA_UI_SCREENSHOTS"), 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_prefix (name, "timeout-") && g_str_has_suffix (name, ".png"))
          {
            g_autofree char *path = g_build_filename (g_getenv ("KVOTA_UI_SCREENSHOTS"), name, NULL);

            g_unlink (path);
          }
    }

  /* A condition may turn true without any source of the main context
   * dispatching (a widget's state set from a thread's idle, say). */
  g_timeout_add (20, wake_up_cb, NULL);

  return TRUE;
}

void
kvota_ui_set_window (GtkWidget *window)
{
  current_window = window;
}

gint64
kvota_ui_deadline (void)
{
  const char *seconds = g_getenv ("KVOTA_UI_TIMEOUT");
  gint64 timeout = 120;

  if (seconds != NULL && g_ascii_strtoll (seconds, NULL, 10) > 0)
    timeout = g_ascii_strtoll (seconds, NULL, 10);

  return g_get_monotonic_time () + timeout * G_USEC_PER_SEC;
}

void
kvota_ui_wait_step (gint64      deadline,
                    const char *what,
                    const char *file,
                    int         line,
                    const char *func)
{
  g_autofree char *message = NULL;

  if (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      return;
    }

  if (current_window != NULL)
    {
      g_autofree char *name = g_strdup_printf ("timeout-%u", ++failures);
      g_autofree char *path = kvota_ui_screenshot (current_window, name);

      message = g_strdup_printf ("Timed out waiting until %s (the window as it was: %s)", what, path);
    }
  else
    message = g_strdup_printf ("Timed out waiting until %s", what);

  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
}

/* Finding widgets */

/**
 * kvota_ui_try_find:
 * @root: where to look
 * @id: the id of a widget in the client's templates
 *
 * Returns: (transfer none) (nullable): the first widget below @root
 *   (or @root itself) whose template id is @id, in the order of the
 *   widget tree, outermost first
 */
GtkWidget *
kvota_ui_try_find (GtkWidget  *root,
                   const char *id)
{
  const char *root_id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (g_strcmp0 (root_id, id) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kvota_ui_try_find (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
kvota_ui_find (GtkWidget  *root,
               const char *id)
{
  GtkWidget *found = kvota_ui_try_find (root, id);

  if (found == NULL)
    g_error ("No widget with the id “%s” below %s", id, G_OBJECT_TYPE_NAME (root));

  return found;
}

/**
 * kvota_ui_find_type:
 *
 * Returns: (transfer none) (nullable): the first widget of @type below
 *   @root, outermost first
 */
GtkWidget *
kvota_ui_find_type (GtkWidget *root,
                    GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kvota_ui_find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * kvota_ui_is_showing:
 *
 * Returns: whether @widget is on screen: visible, and so are all the
 *   widgets it is in (the window is mapped)
 */
gboolean
kvota_ui_is_showing (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_get_mapped (widget) && gtk_widget_get_child_visible (widget);
}

/**
 * kvota_ui_find_label:
 *
 * Returns: (transfer none) (nullable): a label on screen below @root that
 *   reads @text, or that is the label of a button that does
 */
GtkWidget *
kvota_ui_find_label (GtkWidget  *root,
                     const char *text)
{
  if (GTK_IS_LABEL (root) && kvota_ui_is_showing (root) &&
      (g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0 ||
       g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kvota_ui_find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Acting */

/**
 * kvota_ui_type:
 * @editable: an entry, an entry row
 * @text: what the user types
 *
 * Selects what the field holds and types @text over it, as a user does:
 * the field sees the deletion and the insertion a keyboard makes.
 */
void
kvota_ui_type (GtkWidget  *editable,
               const char *text)
{
  int position = 0;

  g_assert_true (GTK_IS_EDITABLE (editable));
  g_assert_true (kvota_ui_is_showing (editable));
  g_assert_true (gtk_widget_is_sensitive (editable));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (editable)));

  gtk_widget_grab_focus (editable);
  gtk_editable_delete_text (GTK_EDITABLE (editable), 0, -1);
  gtk_editable_insert_text (GTK_EDITABLE (editable), text, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (editable), -1);

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editable)), ==, text);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/**
 * kvota_ui_click:
 * @widget: a button, a row, anything a user activates
 *
 * Activates @widget as a click or Enter would, after checking that a user
 * could: it is on screen and sensitive.
 */
void
kvota_ui_click (GtkWidget *widget)
{
  g_assert_nonnull (widget);
  if (!kvota_ui_is_showing (widget))
    g_error ("%s “%s” is not on screen to be clicked", G_OBJECT_TYPE_NAME (widget),
             gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)));
  if (!gtk_widget_is_sensitive (widget))
    g_error ("%s “%s” is insensitive", G_OBJECT_TYPE_NAME (widget),
             gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)));

  if (GTK_IS_BUTTON (widget))
    {
      guint n_clicks = 0;
      gulong handler;

      /* A button pressed from the keyboard shows itself pressed for a
       * moment and only then is clicked. */
      /* The click may close the dialog that holds the button. */
      g_object_ref (widget);
      handler = g_signal_connect_swapped (widget, "clicked", G_CALLBACK (count_cb), &n_clicks);
      g_assert_true (gtk_widget_activate (widget));
      kvota_ui_wait_until (n_clicks > 0, "the button is clicked");
      g_signal_handler_disconnect (widget, handler);
      g_object_unref (widget);
    }
  else
    g_assert_true (gtk_widget_activate (widget));
}

/* Reading */

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (!kvota_ui_is_showing (widget))
    return;

  /* A column view's titles are no row of its data. */
  if (g_strcmp0 (gtk_widget_get_css_name (widget), "header") == 0)
    return;

  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

static GtkWidget *
row_of (GtkWidget *label,
        GtkWidget *view)
{
  for (GtkWidget *widget = label; widget != NULL && widget != view; widget = gtk_widget_get_parent (widget))
    if (g_strcmp0 (gtk_widget_get_css_name (widget), "row") == 0)
      return widget;

  return NULL;
}

typedef struct
{
  GtkWidget        *row;
  graphene_point_t  origin;
  GPtrArray        *cells;  /* GtkLabel, left to right */
} Row;

static void
row_free (Row *row)
{
  g_ptr_array_unref (row->cells);
  g_free (row);
}

static GtkWidget *sorting_view;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *row_a = *(const Row * const *) a;
  const Row *row_b = *(const Row * const *) b;

  return (row_a->origin.y > row_b->origin.y) - (row_a->origin.y < row_b->origin.y);
}

static float
x_of (GtkWidget *label)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (label, sorting_view, &GRAPHENE_POINT_INIT (0, 0), &point));
  return point.x;
}

static int
compare_cells (gconstpointer a,
               gconstpointer b)
{
  float x_a = x_of (*(GtkWidget * const *) a);
  float x_b = x_of (*(GtkWidget * const *) b);

  return (x_a > x_b) - (x_a < x_b);
}

/**
 * kvota_ui_read_rows:
 * @view: a #GtkColumnView or #GtkListView
 *
 * Reads the rows on screen as a user does: top to bottom, each row's
 * labels left to right. The titles of the columns are left out.
 *
 * Returns: (transfer full) (element-type GStrv): the rows
 */
GPtrArray *
kvota_ui_read_rows (GtkWidget *view)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  GPtrArray *texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  collect_labels (view, labels);
  sorting_view = view;

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = labels->pdata[i];
      GtkWidget *row_widget = row_of (label, view);
      Row *row = NULL;

      if (row_widget == NULL)
        continue;

      for (guint j = 0; j < rows->len && row == NULL; j++)
        if (((Row *) rows->pdata[j])->row == row_widget)
          row = rows->pdata[j];

      if (row == NULL)
        {
          row = g_new0 (Row, 1);
          row->row = row_widget;
          row->cells = g_ptr_array_new ();
          g_assert_true (gtk_widget_compute_point (row_widget, view, &GRAPHENE_POINT_INIT (0, 0), &row->origin));
          g_ptr_array_add (rows, row);
        }

      g_ptr_array_add (row->cells, label);
    }

  g_ptr_array_sort (rows, compare_rows);

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = rows->pdata[i];
      GStrvBuilder *builder = g_strv_builder_new ();

      g_ptr_array_sort (row->cells, compare_cells);
      for (guint j = 0; j < row->cells->len; j++)
        g_strv_builder_add (builder, gtk_label_get_text (row->cells->pdata[j]));

      g_ptr_array_add (texts, g_strv_builder_end (builder));
      g_strv_builder_unref (builder);
    }

  sorting_view = NULL;
  return texts;
}

static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

/**
 * kvota_ui_read_list_box:
 *
 * Returns: (transfer full) (element-type utf8): the text of each visible
 *   row of @list_box, in the order it shows them
 */
GPtrArray *
kvota_ui_read_list_box (GtkListBox *list_box)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list_box, i)) != NULL; i++)
    {
      GString *text = g_string_new (NULL);

      if (!gtk_widget_get_visible (GTK_WIDGET (row)))
        {
          g_string_free (text, TRUE);
          continue;
        }

      collect_text (GTK_WIDGET (row), text);
      g_ptr_array_add (texts, g_string_free (text, FALSE));
    }

  return texts;
}

/**
 * kvota_ui_find_list_box_row:
 *
 * Returns: (transfer none) (nullable): the visible row of @list_box
 *   whose text is @text
 */
GtkWidget *
kvota_ui_find_list_box_row (GtkListBox *list_box,
                            const char *text)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list_box, i)) != NULL; i++)
    {
      g_autoptr(GString) row_text = g_string_new (NULL);

      if (!gtk_widget_get_visible (GTK_WIDGET (row)))
        continue;

      collect_text (GTK_WIDGET (row), row_text);
      if (g_str_equal (row_text->str, text))
        return GTK_WIDGET (row);
    }

  return NULL;
}

/**
 * kvota_ui_parse_quantity:
 * @text: a number as the client shows it, such as “1 252 950”
 *
 * The digits of @text, whatever separates their groups; a number that
 * is not grouped by threes fails the test.
 *
 * Returns: the number
 */
gint64
kvota_ui_parse_quantity (const char *text)
{
  g_autofree char *digits = g_new0 (char, strlen (text) + 1);
  guint n_digits = 0;
  guint group = 0;
  gboolean grouped = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c) && c < 0x80)
        {
          digits[n_digits++] = (char) c;
          group++;
        }
      else
        {
          /* Separators only between whole groups of three. */
          if (n_digits == 0 || (grouped && group != 3) || group > 3)
            g_error ("“%s” is not a quantity grouped by threes", text);
          grouped = TRUE;
          group = 0;
        }
    }

  if (n_digits == 0 || (grouped && group != 3) || (!grouped && n_digits > 3))
    g_error ("“%s” is not a quantity grouped by threes", text);

  return g_ascii_strtoll (digits, NULL, 10);
}

/* Screenshots */

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *n_frames = user_data;

  (*n_frames)++;
}

/**
 * kvota_ui_screenshot:
 * @widget: a window
 * @name: the journey, such as `login-admin`
 *
 * Renders @widget as its window shows it, with the window's own
 * renderer, to KVOTA_UI_SCREENSHOTS/@name.png.
 *
 * Returns: (transfer full): the path of the PNG
 */
char *
kvota_ui_screenshot (GtkWidget  *widget,
                     const char *name)
{
  const char *dir = g_getenv ("KVOTA_UI_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width;
  int height;

  if (dir == NULL)
    dir = g_get_tmp_dir ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* Until the window has drawn what it shows now: two frames, as the
   * first may only lay out what the last change queued. Not through
   * kvota_ui_wait_until, whose timeout takes a screenshot. */
  {
    GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    guint n_frames = 0;
    gulong handler = 0;

    if (clock != NULL)
      {
        handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &n_frames);
        for (guint i = 1; i <= 2; i++)
          {
            gtk_widget_queue_draw (widget);
            while (n_frames < i && g_get_monotonic_time () < deadline)
              g_main_context_iteration (NULL, TRUE);
          }
        g_signal_handler_disconnect (clock, handler);
      }
  }

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_assert_nonnull (renderer);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);

  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not save the screenshot %s", path);

  g_test_message ("Screenshot of %s (%s renderer): %s", name, G_OBJECT_TYPE_NAME (renderer), path);

  return g_steal_pointer (&path);
}
