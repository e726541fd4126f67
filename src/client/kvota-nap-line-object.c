/* kvota-nap-line-object.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap-line-object"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kvota-nap-line-object.h"

/* One line of an allocation plan as a row of the preview's table: an
 * installation or a reserve with its allocation for each year, or, in the
 * table of totals, a sector's subtotal or the plan's total. The plan may
 * be freed while the table lives on, so the line is copied. */

struct _KvotaNapLineObject
{
  GObject   parent_instance;

  guint     row;
  gboolean  reserve;
  gboolean  subtotal;
  gboolean  grand_total;
  gboolean  highlighted;
  char     *operator_name;
  char     *bin;
  char     *installation;
  char     *sector;
  GArray   *allocations;  /* of KvotaQuantity, one per year */
  char     *folded;       /* operator, BIN and installation, case-folded, for the search */
};

G_DEFINE_FINAL_TYPE (KvotaNapLineObject, kvota_nap_line_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROW,
  PROP_RESERVE,
  PROP_GRAND_TOTAL,
  PROP_OPERATOR,
  PROP_BIN,
  PROP_INSTALLATION,
  PROP_SECTOR,
  PROP_HIGHLIGHTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
fold (const char *text)
{
  g_autofree char *normalized = NULL;

  if (text == NULL)
    return g_strdup ("");

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  return g_utf8_casefold (normalized != NULL ? normalized : text, -1);
}

static void
update_folded (KvotaNapLineObject *self)
{
  g_autofree char *operator_name = fold (self->operator_name);
  g_autofree char *installation = fold (self->installation);

  g_free (self->folded);
  self->folded = g_strjoin ("\n", operator_name, self->bin ? self->bin : "", installation, NULL);
}

static void
kvota_nap_line_object_finalize (GObject *object)
{
  KvotaNapLineObject *self = (KvotaNapLineObject *)object;

  g_free (self->operator_name);
  g_free (self->bin);
  g_free (self->installation);
  g_free (self->sector);
  g_free (self->folded);
  g_clear_pointer (&self->allocations, g_array_unref);

  G_OBJECT_CLASS (kvota_nap_line_object_parent_class)->finalize (object);
}

static void
kvota_nap_line_object_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  KvotaNapLineObject *self = KVOTA_NAP_LINE_OBJECT (object);

  switch (prop_id)
    {
    case PROP_ROW:
      g_value_set_uint (value, self->row);
      break;

    case PROP_RESERVE:
      g_value_set_boolean (value, self->reserve);
      break;

    case PROP_GRAND_TOTAL:
      g_value_set_boolean (value, self->grand_total);
      break;

    case PROP_OPERATOR:
      {
        const char *operator_name = kvota_nap_line_object_get_operator (self);

        g_value_set_string (value, operator_name != NULL ? operator_name : "");
      }
      break;

    /* GTK 4.8's string sorter takes no NULL: a reserve's BIN is empty. */
    case PROP_BIN:
      g_value_set_string (value, self->bin != NULL ? self->bin : "");
      break;

    case PROP_INSTALLATION:
      g_value_set_string (value, self->installation != NULL ? self->installation : "");
      break;

    case PROP_SECTOR:
      {
        const char *sector = kvota_nap_line_object_get_sector (self);

        g_value_set_string (value, sector != NULL ? sector : "");
      }
      break;

    case PROP_HIGHLIGHTED:
      g_value_set_boolean (value, self->highlighted);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_nap_line_object_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  KvotaNapLineObject *self = KVOTA_NAP_LINE_OBJECT (object);

  switch (prop_id)
    {
    case PROP_HIGHLIGHTED:
      kvota_nap_line_object_set_highlighted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_nap_line_object_class_init (KvotaNapLineObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_nap_line_object_finalize;
  object_class->get_property = kvota_nap_line_object_get_property;
  object_class->set_property = kvota_nap_line_object_set_property;

  properties[PROP_ROW] =
    g_param_spec_uint ("row", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_RESERVE] =
    g_param_spec_boolean ("reserve", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_GRAND_TOTAL] =
    g_param_spec_boolean ("grand-total", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_OPERATOR] =
    g_param_spec_string ("operator", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_BIN] =
    g_param_spec_string ("bin", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_INSTALLATION] =
    g_param_spec_string ("installation", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECTOR] =
    g_param_spec_string ("sector", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_HIGHLIGHTED] =
    g_param_spec_boolean ("highlighted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_nap_line_object_init (KvotaNapLineObject *self)
{
}

/**
 * kvota_nap_line_object_new:
 * @line: a line of a plan
 *
 * Returns: (transfer full): a row for @line
 */
KvotaNapLineObject *
kvota_nap_line_object_new (const KvotaNapLine *line)
{
  KvotaNapLineObject *self;

  g_return_val_if_fail (line != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_NAP_LINE_OBJECT, NULL);
  self->row = line->row;
  self->reserve = line->reserve;
  self->operator_name = g_strdup (line->operator_name);
  self->bin = g_strdup (line->bin);
  self->installation = g_strdup (line->installation);
  self->sector = g_strdup (line->sector);
  self->allocations = g_array_copy (line->allocations);
  update_folded (self);

  return self;
}

/**
 * kvota_nap_line_object_new_total:
 * @sector: (nullable): the sector, or %NULL for lines without one
 * @sums: (element-type KvotaQuantity): the sums per year
 * @grand_total: whether this is the whole plan's total rather than a sector's
 *
 * Returns: (transfer full): a row of the table of totals
 */
KvotaNapLineObject *
kvota_nap_line_object_new_total (const char *sector,
                                 GArray     *sums,
                                 gboolean    grand_total)
{
  KvotaNapLineObject *self;

  g_return_val_if_fail (sums != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_NAP_LINE_OBJECT, NULL);
  self->subtotal = !grand_total;
  self->grand_total = grand_total;
  self->sector = g_strdup (sector);
  self->allocations = g_array_copy (sums);
  update_folded (self);

  return self;
}

guint
kvota_nap_line_object_get_row (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), 0);

  return self->row;
}

gboolean
kvota_nap_line_object_get_reserve (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), FALSE);

  return self->reserve;
}

/**
 * kvota_nap_line_object_get_operator:
 * @self: a #KvotaNapLineObject
 *
 * Returns: the nature user, or the translated word for a reserve
 */
const char *
kvota_nap_line_object_get_operator (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), NULL);

  if (self->reserve && self->operator_name == NULL)
    return C_("allocation plan line", "Reserve");

  return self->operator_name;
}

const char *
kvota_nap_line_object_get_bin (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), NULL);

  return self->bin;
}

const char *
kvota_nap_line_object_get_installation (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), NULL);

  return self->installation;
}

/**
 * kvota_nap_line_object_get_sector:
 * @self: a #KvotaNapLineObject
 *
 * Returns: the sector; for a total, the translated name of the row
 */
const char *
kvota_nap_line_object_get_sector (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), NULL);

  if (self->grand_total)
    return _("All Sectors");

  if (self->subtotal && self->sector == NULL)
    return _("Without a Sector");

  return self->sector;
}

gboolean
kvota_nap_line_object_get_grand_total (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), FALSE);

  return self->grand_total;
}

KvotaQuantity
kvota_nap_line_object_get_allocation (KvotaNapLineObject *self,
                                      guint               year_index)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), 0);

  if (year_index >= self->allocations->len)
    return 0;

  return g_array_index (self->allocations, KvotaQuantity, year_index);
}

gboolean
kvota_nap_line_object_get_highlighted (KvotaNapLineObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), FALSE);

  return self->highlighted;
}

void
kvota_nap_line_object_set_highlighted (KvotaNapLineObject *self,
                                       gboolean            highlighted)
{
  g_return_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self));

  highlighted = !!highlighted;
  if (self->highlighted == highlighted)
    return;

  self->highlighted = highlighted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHTED]);
}

/**
 * kvota_nap_line_object_matches:
 * @self: a #KvotaNapLineObject
 * @folded_text: what the user searches for, normalised and case-folded
 *
 * Returns: %TRUE if the operator, the BIN or the installation contains it
 */
gboolean
kvota_nap_line_object_matches (KvotaNapLineObject *self,
                               const char         *folded_text)
{
  g_return_val_if_fail (KVOTA_IS_NAP_LINE_OBJECT (self), FALSE);

  if (folded_text == NULL || folded_text[0] == '\0')
    return TRUE;

  /* A reserve's operator is the word the user reads. */
  if (self->reserve && self->operator_name == NULL)
    {
      g_autofree char *word = fold (kvota_nap_line_object_get_operator (self));

      if (strstr (word, folded_text) != NULL)
        return TRUE;
    }

  return strstr (self->folded, folded_text) != NULL;
}
