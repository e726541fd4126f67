/* kvota-transaction-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kvota-transaction-list"

#include "config.h"

#include <glib/gi18n.h>

#include "kvota-error.h"
#include "kvota-json.h"
#include "kvota-transaction-list.h"
#include "kvota-transaction-object.h"

/* The transaction history as a GListModel that grows a page at a time.
 * The server pages by transaction id (newest first), so rows recorded
 * while the user scrolls neither repeat nor go missing; the view asks for
 * the next page when it nears the end of what is loaded. */

struct _KvotaTransactionList
{
  GObject       parent_instance;

  KvotaClient  *client;
  char         *filter;        /* extra query parameters, escaped, or NULL */
  GPtrArray    *items;         /* of KvotaTransactionObject */
  GCancellable *cancellable;
  gint64        next;          /* the `after` of the next page */
  guint         loading : 1;
  guint         complete : 1;  /* the server said there is no next page */
  guint         started : 1;   /* the first page was asked for */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KvotaTransactionList, kvota_transaction_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_FILTER,
  PROP_LOADING,
  PROP_COMPLETE,
  N_PROPS
};

enum {
  LOAD_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A page fills a screen several times over and stays quick to decode. */
#define PAGE_SIZE 100

static void
set_loading (KvotaTransactionList *self,
             gboolean              loading)
{
  if (self->loading == !!loading)
    return;

  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_complete (KvotaTransactionList *self,
              gboolean              complete)
{
  if (self->complete == !!complete)
    return;

  self->complete = !!complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

static GType
kvota_transaction_list_get_item_type (GListModel *model)
{
  return KVOTA_TYPE_TRANSACTION_OBJECT;
}

static guint
kvota_transaction_list_get_n_items (GListModel *model)
{
  KvotaTransactionList *self = KVOTA_TRANSACTION_LIST (model);

  return self->items->len;
}

static gpointer
kvota_transaction_list_get_item (GListModel *model,
                                 guint       position)
{
  KvotaTransactionList *self = KVOTA_TRANSACTION_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = kvota_transaction_list_get_item_type;
  iface->get_n_items = kvota_transaction_list_get_n_items;
  iface->get_item = kvota_transaction_list_get_item;
}

static gboolean
read_page (JsonNode   *root,
           GPtrArray  *items,
           gint64     *next,
           GError    **error)
{
  JsonNode *next_node;
  JsonArray *array;

  if ((array = kvota_json_get_array (root, "transactions")) == NULL ||
      (next_node = json_object_get_member (json_node_get_object (root), "next")) == NULL)
    goto bad_reply;

  if (JSON_NODE_HOLDS_NULL (next_node))
    *next = 0;
  else if (JSON_NODE_HOLDS_VALUE (next_node) && json_node_get_value_type (next_node) == G_TYPE_INT64)
    *next = json_node_get_int (next_node);
  else
    goto bad_reply;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KvotaTransaction *transaction;

      if ((transaction = kvota_transaction_from_json (json_array_get_element (array, i), NULL)) == NULL)
        goto bad_reply;

      g_ptr_array_add (items, kvota_transaction_object_new (transaction));
    }

  return TRUE;

bad_reply:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       kvota_error_code_describe (KVOTA_ERROR_FAILED));
  return FALSE;
}

static void
page_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KvotaClient *client = KVOTA_CLIENT (object);
  g_autoptr(KvotaTransactionList) self = user_data;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = 0;
  guint position;

  root = kvota_client_request_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);

  if (root == NULL || !read_page (root, page, &next, &error))
    {
      g_signal_emit (self, signals[LOAD_FAILED], 0, error);
      return;
    }

  /* The server's cursor only ever goes down: a page that would not move
   * it would be asked for again and again. */
  if (next != 0 && self->next != 0 && next >= self->next)
    next = 0;

  position = self->items->len;
  self->next = next;
  g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&page));
  set_complete (self, next == 0);

  if (self->items->len > position)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, self->items->len - position);
}

static void
kvota_transaction_list_dispose (GObject *object)
{
  KvotaTransactionList *self = (KvotaTransactionList *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kvota_transaction_list_parent_class)->dispose (object);
}

static void
kvota_transaction_list_finalize (GObject *object)
{
  KvotaTransactionList *self = (KvotaTransactionList *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->filter, g_free);

  G_OBJECT_CLASS (kvota_transaction_list_parent_class)->finalize (object);
}

static void
kvota_transaction_list_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  KvotaTransactionList *self = KVOTA_TRANSACTION_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_FILTER:
      g_value_set_string (value, self->filter);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_transaction_list_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  KvotaTransactionList *self = KVOTA_TRANSACTION_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_FILTER:
      kvota_transaction_list_set_filter (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kvota_transaction_list_class_init (KvotaTransactionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kvota_transaction_list_dispose;
  object_class->finalize = kvota_transaction_list_finalize;
  object_class->get_property = kvota_transaction_list_get_property;
  object_class->set_property = kvota_transaction_list_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         KVOTA_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FILTER] =
    g_param_spec_string ("filter", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KvotaTransactionList::load-failed:
   * @error: what went wrong, with a translated message
   *
   * A page could not be loaded; kvota_transaction_list_load_more() tries
   * again.
   */
  signals[LOAD_FAILED] =
    g_signal_new ("load-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
kvota_transaction_list_init (KvotaTransactionList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * kvota_transaction_list_new:
 * @client: the client to load with
 * @filter: (nullable): extra query parameters of
 *   `GET /api/v1/transactions`, escaped, such as `kind=transfer&state=proposed`
 *
 * Returns: (transfer full): an empty list; it loads its first page on
 *   kvota_transaction_list_load_more()
 */
KvotaTransactionList *
kvota_transaction_list_new (KvotaClient *client,
                            const char  *filter)
{
  g_return_val_if_fail (KVOTA_IS_CLIENT (client), NULL);

  return g_object_new (KVOTA_TYPE_TRANSACTION_LIST,
                       "client", client,
                       "filter", filter,
                       NULL);
}

gboolean
kvota_transaction_list_get_loading (KvotaTransactionList *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSACTION_LIST (self), FALSE);

  return self->loading;
}

/**
 * kvota_transaction_list_get_complete:
 * @self: a #KvotaTransactionList
 *
 * Returns: %TRUE once the last page is loaded
 */
gboolean
kvota_transaction_list_get_complete (KvotaTransactionList *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSACTION_LIST (self), FALSE);

  return self->complete;
}

/**
 * kvota_transaction_list_get_started:
 * @self: a #KvotaTransactionList
 *
 * Returns: %TRUE once a page was asked for
 */
gboolean
kvota_transaction_list_get_started (KvotaTransactionList *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSACTION_LIST (self), FALSE);

  return self->started;
}

/**
 * kvota_transaction_list_load_more_near_end:
 * @self: a #KvotaTransactionList
 * @adjustment: the vertical adjustment of the view showing the list
 *
 * Loads the next page when the view is within a screenful of the end,
 * so that it is on its way before the user gets there (a first page
 * shorter than the view fills it), once the first page was asked for.
 */
void
kvota_transaction_list_load_more_near_end (KvotaTransactionList *self,
                                           GtkAdjustment        *adjustment)
{
  double remaining;

  g_return_if_fail (KVOTA_IS_TRANSACTION_LIST (self));
  g_return_if_fail (GTK_IS_ADJUSTMENT (adjustment));

  if (!self->started || self->loading || self->complete)
    return;

  remaining = gtk_adjustment_get_upper (adjustment)
            - gtk_adjustment_get_value (adjustment)
            - gtk_adjustment_get_page_size (adjustment);

  if (remaining <= gtk_adjustment_get_page_size (adjustment))
    kvota_transaction_list_load_more (self);
}

/**
 * kvota_transaction_list_load_more:
 * @self: a #KvotaTransactionList
 *
 * Loads the next page, unless one is on its way or the last one is in.
 */
void
kvota_transaction_list_load_more (KvotaTransactionList *self)
{
  g_autoptr(GString) path = NULL;

  g_return_if_fail (KVOTA_IS_TRANSACTION_LIST (self));

  if (self->loading || self->complete)
    return;

  path = g_string_new ("/api/v1/transactions?");
  g_string_append_printf (path, "limit=%d", PAGE_SIZE);
  if (self->next != 0)
    g_string_append_printf (path, "&after=%" G_GINT64_FORMAT, self->next);
  if (self->filter != NULL && self->filter[0] != '\0')
    g_string_append_printf (path, "&%s", self->filter);

  self->started = TRUE;
  set_loading (self, TRUE);
  kvota_client_request_async (self->client, "GET", path->str, NULL,
                              self->cancellable,
                              page_loaded_cb,
                              g_object_ref (self));
}

static void
clear (KvotaTransactionList *self)
{
  guint removed;

  /* A page still on its way belongs to what is forgotten: its callback
   * sees the cancellation and drops it. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  removed = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  self->next = 0;
  set_loading (self, FALSE);
  set_complete (self, FALSE);

  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

/**
 * kvota_transaction_list_reload:
 * @self: a #KvotaTransactionList
 *
 * Forgets what is loaded and loads the newest page again.
 */
void
kvota_transaction_list_reload (KvotaTransactionList *self)
{
  g_return_if_fail (KVOTA_IS_TRANSACTION_LIST (self));

  clear (self);
  kvota_transaction_list_load_more (self);
}

/**
 * kvota_transaction_list_get_filter:
 * @self: a #KvotaTransactionList
 *
 * Returns: (nullable): the extra query parameters the list loads with
 */
const char *
kvota_transaction_list_get_filter (KvotaTransactionList *self)
{
  g_return_val_if_fail (KVOTA_IS_TRANSACTION_LIST (self), NULL);

  return self->filter;
}

/**
 * kvota_transaction_list_set_filter:
 * @self: a #KvotaTransactionList
 * @filter: (nullable): extra query parameters of `GET /api/v1/transactions`,
 *   escaped, such as `kind=transfer&state=proposed`
 *
 * Filters the history on the server: a page still loading is cancelled,
 * what is loaded is forgotten and, if a page was asked for before, the
 * first page of the filtered history loads. The list stays paged, so a
 * filter over millions of rows is as quick as one over ten.
 */
void
kvota_transaction_list_set_filter (KvotaTransactionList *self,
                                   const char           *filter)
{
  g_return_if_fail (KVOTA_IS_TRANSACTION_LIST (self));

  if (filter != NULL && filter[0] == '\0')
    filter = NULL;

  if (g_strcmp0 (self->filter, filter) == 0)
    return;

  g_free (self->filter);
  self->filter = g_strdup (filter);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);

  clear (self);
  if (self->started)
    kvota_transaction_list_load_more (self);
}
