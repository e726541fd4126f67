/* kvota-finding-object.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-finding-object"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-finding-object.h"

/* One finding of an allocation plan's checks, as an item of the preview's
 * list: what it is, how grave, where in the sheet, and the sentence the
 * user reads. */

struct _KvotaFindingObject
{
  GObject           parent_instance;

  char             *code;
  KvotaNapSeverity  severity;
  guint             row;
  guint             column;
  char             *cell;
  char             *message;
};

G_DEFINE_FINAL_TYPE (KvotaFindingObject, kvota_finding_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_SEVERITY,
  PROP_ROW,
  PROP_COLUMN,
  PROP_CELL,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The server writes its findings' sentences in English: the client says
 * in the user's language what it can. The checks the client runs itself
 * come with the reader's translated sentence; the one only the server
 * runs is said here. */
static char *
describe (const char *code,
          const char *message,
          guint       row)
{
  if (g_strcmp0 (code, "unregistered-operator") == 0 && row > 0)
    /* Translators: a warning of an allocation plan; %u is the sheet's row. */
    return g_strdup_printf (_("The nature user in row %u is not registered yet: its quotas wait until it is."), row);

  return g_strdup (message != NULL ? message : "");
}

static void
kvota_finding_object_finalize (GObject *object)
{
  KvotaFindingObject *self = (KvotaFindingObject *)object;

  g_free (self->code);
  g_free (self->cell);
  g_free (self->message);

  G_OBJECT_CLASS (kvota_finding_object_parent_class)->finalize (object);
}

static void
kvota_finding_object_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KvotaFindingObject *self = KVOTA_FINDING_OBJECT (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case PROP_SEVERITY:
      g_value_set_int (value, self->severity);
      break;

    case PROP_ROW:
      g_value_set_uint (value, self->row);
      break;

    case PROP_COLUMN:
      g_value_set_uint (value, self->column);
      break;

    case PROP_CELL:
      g_value_set_string (value, self->cell);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_finding_object_class_init (KvotaFindingObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_finding_object_finalize;
  object_class->get_property = kvota_finding_object_get_property;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_SEVERITY] =
    g_param_spec_int ("severity", NULL, NULL,
                      KVOTA_NAP_SEVERITY_ERROR, KVOTA_NAP_SEVERITY_WARNING, KVOTA_NAP_SEVERITY_ERROR,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_ROW] =
    g_param_spec_uint ("row", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_COLUMN] =
    g_param_spec_uint ("column", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_CELL] =
    g_param_spec_string ("cell", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_finding_object_init (KvotaFindingObject *self)
{
}

/**
 * kvota_finding_object_new:
 * @finding: a finding of the plan's reader
 *
 * Returns: (transfer full): an item for @finding
 */
KvotaFindingObject *
kvota_finding_object_new (const KvotaNapFinding *finding)
{
  KvotaFindingObject *self;

  g_return_val_if_fail (finding != NULL, NULL);

  self = g_object_new (KVOTA_TYPE_FINDING_OBJECT, NULL);
  self->code = g_strdup (kvota_nap_check_to_string (finding->check));
  self->severity = finding->severity;
  self->row = finding->row;
  self->column = finding->column;
  self->cell = finding->row > 0 ? kvota_nap_cell_name (finding->row, finding->column) : NULL;
  self->message = g_strdup (finding->message);

  return self;
}

/**
 * kvota_finding_object_new_from_json:
 * @node: a finding as the server writes it: `{"code", "severity", "row",
 *   "column", "cell", "message"}`
 *
 * Returns: (transfer full) (nullable): an item, or %NULL if @node is not
 *   a finding
 */
KvotaFindingObject *
kvota_finding_object_new_from_json (JsonNode *node)
{
  KvotaFindingObject *self;
  JsonObject *object;
  const char *code;
  const char *severity;
  gint64 row;
  gint64 column;
  gboolean known = FALSE;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  code = json_object_get_string_member_with_default (object, "code", NULL);
  severity = json_object_get_string_member_with_default (object, "severity", NULL);
  row = json_object_get_int_member_with_default (object, "row", 0);
  column = json_object_get_int_member_with_default (object, "column", 0);

  if (code == NULL || severity == NULL || row < 0 || row > G_MAXUINT || column < 0 || column > G_MAXUINT)
    return NULL;

  for (guint i = 0; i < KVOTA_N_NAP_CHECKS && !known; i++)
    known = g_str_equal (kvota_nap_check_to_string ((KvotaNapCheck) i), code);

  self = g_object_new (KVOTA_TYPE_FINDING_OBJECT, NULL);
  self->code = g_strdup (code);
  self->severity = g_str_equal (severity, "warning") ? KVOTA_NAP_SEVERITY_WARNING : KVOTA_NAP_SEVERITY_ERROR;
  self->row = (guint) row;
  self->column = (guint) column;
  self->cell = row > 0 ? kvota_nap_cell_name ((guint) row, (guint) column) : NULL;
  self->message = describe (code, json_object_get_string_member_with_default (object, "message", NULL),
                            self->row);

  if (!known)
    g_debug ("A finding of a newer server: %s", code);

  return self;
}

const char *
kvota_finding_object_get_code (KvotaFindingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_FINDING_OBJECT (self), NULL);

  return self->code;
}

KvotaNapSeverity
kvota_finding_object_get_severity (KvotaFindingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_FINDING_OBJECT (self), KVOTA_NAP_SEVERITY_ERROR);

  return self->severity;
}

guint
kvota_finding_object_get_row (KvotaFindingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_FINDING_OBJECT (self), 0);

  return self->row;
}

guint
kvota_finding_object_get_column (KvotaFindingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_FINDING_OBJECT (self), 0);

  return self->column;
}

/**
 * kvota_finding_object_get_cell:
 * @self: a #KvotaFindingObject
 *
 * Returns: (nullable): the cell's name, such as `C12`, the row's number,
 *   or %NULL for a finding about the whole plan
 */
const char *
kvota_finding_object_get_cell (KvotaFindingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_FINDING_OBJECT (self), NULL);

  return self->cell;
}

const char *
kvota_finding_object_get_message (KvotaFindingObject *self)
{
  g_return_val_if_fail (KVOTA_IS_FINDING_OBJECT (self), NULL);

  return self->message;
}
