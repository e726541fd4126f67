/* kvota-nap-version-object.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-nap-version-object"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-nap-version-object.h"

/* One version of an allocation plan the registry keeps, as
 * `GET /api/v1/naps` lists it: its period, version and state, the file it
 * came from, who uploaded it and who applied or discarded it. */

struct _KvotaNapVersionObject
{
  GObject    parent_instance;

  gint64     id;
  int        first_year;
  int        last_year;
  int        version;
  char      *state;
  char      *file_name;
  char      *created_by;
  GDateTime *created;
  char      *decided_by;
  GDateTime *decided;
};

G_DEFINE_FINAL_TYPE (KvotaNapVersionObject, kvota_nap_version_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FIRST_YEAR,
  PROP_LAST_YEAR,
  PROP_VERSION,
  PROP_STATE,
  PROP_FILE_NAME,
  PROP_CREATED_BY,
  PROP_CREATED,
  PROP_DECIDED_BY,
  PROP_DECIDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GDateTime *
get_time (JsonObject *object,
          const char *name)
{
  const char *text = json_object_get_string_member_with_default (object, name, NULL);

  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

static void
kvota_nap_version_object_finalize (GObject *object)
{
  KvotaNapVersionObject *self = (KvotaNapVersionObject *)object;

  g_free (self->state);
  g_free (self->file_name);
  g_free (self->created_by);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->decided_by);
  g_clear_pointer (&self->decided, g_date_time_unref);

  G_OBJECT_CLASS (kvota_nap_version_object_parent_class)->finalize (object);
}

static void
kvota_nap_version_object_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  KvotaNapVersionObject *self = KVOTA_NAP_VERSION_OBJECT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_FIRST_YEAR:
      g_value_set_int (value, self->first_year);
      break;

    case PROP_LAST_YEAR:
      g_value_set_int (value, self->last_year);
      break;

    case PROP_VERSION:
      g_value_set_int (value, self->version);
      break;

    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;

    case PROP_FILE_NAME:
      g_value_set_string (value, self->file_name);
      break;

    case PROP_CREATED_BY:
      g_value_set_string (value, self->created_by);
      break;

    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;

    case PROP_DECIDED_BY:
      g_value_set_string (value, self->decided_by);
      break;

    case PROP_DECIDED:
      g_value_set_boxed (value, self->decided);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_nap_version_object_class_init (KvotaNapVersionObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kvota_nap_version_object_finalize;
  object_class->get_property = kvota_nap_version_object_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_FIRST_YEAR] =
    g_param_spec_int ("first-year", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_LAST_YEAR] =
    g_param_spec_int ("last-year", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_VERSION] =
    g_param_spec_int ("version", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_FILE_NAME] =
    g_param_spec_string ("file-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_BY] =
    g_param_spec_string ("created-by", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED] =
    g_param_spec_boxed ("created", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_DECIDED_BY] =
    g_param_spec_string ("decided-by", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_DECIDED] =
    g_param_spec_boxed ("decided", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kvota_nap_version_object_init (KvotaNapVersionObject *self)
{
}

/**
 * kvota_nap_version_object_new_from_json:
 * @node: a plan as the API shows it
 *
 * Returns: (transfer full) (nullable): the version, or %NULL if @node is
 *   not one
 */
KvotaNapVersionObject *
kvota_nap_version_object_new_from_json (JsonNode *node)
{
  KvotaNapVersionObject *self;
  JsonObject *object;
  gint64 id, first_year, last_year, version;
  const char *state;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  id = json_object_get_int_member_with_default (object, "id", 0);
  first_year = json_object_get_int_member_with_default (object, "first_year", 0);
  last_year = json_object_get_int_member_with_default (object, "last_year", 0);
  version = json_object_get_int_member_with_default (object, "version", 0);
  state = json_object_get_string_member_with_default (object, "state", NULL);

  if (id <= 0 || first_year <= 0 || first_year > G_MAXINT || last_year < first_year ||
      last_year > G_MAXINT || version <= 0 || version > G_MAXINT || state == NULL)
    return NULL;

  self = g_object_new (KVOTA_TYPE_NAP_VERSION_OBJECT, NULL);
  self->id = id;
  self->first_year = (int) first_year;
  self->last_year = (int) last_year;
  self->version = (int) version;
  self->state = g_strdup (state);
  self->file_name = g_strdup (json_object_get_string_member_with_default (object, "file_name", NULL));
  self->created_by = g_strdup (json_object_get_string_member_with_default (object, "created_by", NULL));
  self->created = get_time (object, "created");
  self->decided_by = g_strdup (json_object_get_string_member_with_default (object, "decided_by", NULL));
  self->decided = get_time (object, "decided");

  return self;
}

gint64
kvota_nap_version_object_get_id (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), 0);

  return self->id;
}

int
kvota_nap_version_object_get_first_year (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), 0);

  return self->first_year;
}

int
kvota_nap_version_object_get_last_year (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), 0);

  return self->last_year;
}

int
kvota_nap_version_object_get_version (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), 0);

  return self->version;
}

const char *
kvota_nap_version_object_get_state (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), NULL);

  return self->state;
}

const char *
kvota_nap_version_object_get_file_name (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), NULL);

  return self->file_name;
}

const char *
kvota_nap_version_object_get_created_by (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), NULL);

  return self->created_by;
}

/**
 * kvota_nap_version_object_get_created:
 * @self: a #KvotaNapVersionObject
 *
 * Returns: (transfer none) (nullable): when it was uploaded
 */
GDateTime *
kvota_nap_version_object_get_created (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), NULL);

  return self->created;
}

/**
 * kvota_nap_version_object_get_decided:
 * @self: a #KvotaNapVersionObject
 *
 * Returns: (transfer none) (nullable): when it was applied or discarded
 */
GDateTime *
kvota_nap_version_object_get_decided (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), NULL);

  return self->decided;
}

gboolean
kvota_nap_version_object_is_state (KvotaNapVersionObject *self,
                                   const char            *state)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), FALSE);

  return g_strcmp0 (self->state, state) == 0;
}

/**
 * kvota_nap_version_object_dup_period:
 * @self: a #KvotaNapVersionObject
 *
 * Returns: (transfer full): the years it is for, such as `2014–2015`
 */
char *
kvota_nap_version_object_dup_period (KvotaNapVersionObject *self)
{
  g_return_val_if_fail (KVOTA_IS_NAP_VERSION_OBJECT (self), NULL);

  return kvota_nap_period_describe (self->first_year, self->last_year);
}

/**
 * kvota_nap_state_describe:
 * @state: a plan's state as the API names it
 *
 * Returns: the state, translated
 */
const char *
kvota_nap_state_describe (const char *state)
{
  if (g_strcmp0 (state, "draft") == 0)
    return C_("allocation plan state", "Draft");
  if (g_strcmp0 (state, "applied") == 0)
    return C_("allocation plan state", "Applied");
  if (g_strcmp0 (state, "superseded") == 0)
    return C_("allocation plan state", "Superseded");
  if (g_strcmp0 (state, "discarded") == 0)
    return C_("allocation plan state", "Discarded");

  return state != NULL ? state : "";
}

/**
 * kvota_nap_period_describe:
 * @first_year: the first year
 * @last_year: the last year
 *
 * Returns: (transfer full): the period, such as `2014` or `2014–2015`;
 *   years are never grouped
 */
char *
kvota_nap_period_describe (int first_year,
                           int last_year)
{
  if (first_year == last_year)
    return g_strdup_printf ("%d", first_year);

  return g_strdup_printf ("%d\u2013%d", first_year, last_year);
}
