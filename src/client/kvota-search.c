/* kvota-search.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-search"

#include "config.h"

#include "kvota-search.h"

/* Searching a list by the texts its rows show, so that what the user
 * reads is what the search finds: names, BINs, account numbers,
 * usernames, states. */

/**
 * kvota_search_fold:
 * @text: what the user typed, or what a row shows
 *
 * Folds @text for matching: Unicode normalisation and case folding, and
 * no spaces of any width, so that “15000” finds “15 000”.
 *
 * Returns: (transfer full): the folded text
 */
char *
kvota_search_fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  g_autofree char *folded = g_utf8_casefold (normalized != NULL ? normalized : text, -1);
  GString *result = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0x00A0 && c != 0x202F && c != 0x2009)
        g_string_append_unichar (result, c);
    }

  return g_string_free (result, FALSE);
}

static void
append_labels (GtkWidget *widget,
               GString   *text)
{
  /* Button labels name actions, not the row. */
  if (GTK_IS_BUTTON (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_labels (child, text);
}

/**
 * kvota_search_widget_text:
 * @widget: a row of a list
 *
 * Returns: (transfer full): the texts of @widget's labels, buttons left
 *   out, folded with kvota_search_fold()
 */
char *
kvota_search_widget_text (GtkWidget *widget)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  append_labels (widget, text);
  return kvota_search_fold (text->str);
}
