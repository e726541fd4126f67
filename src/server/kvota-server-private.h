/* kvota-server-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "kvota-access-log.h"
#include "kvota-document.h"
#include "kvota-json.h"
#include "kvota-server.h"

G_BEGIN_DECLS

/* Who may call a route: one bit for each (role, holder type) pair that a
 * user can have, so that the role table can tell a nature user's
 * representative from a trader's. */
#define KVOTA_ACCESS_BIT(role, holder_type) \
  (1u << ((role) * KVOTA_N_HOLDER_TYPES + (holder_type)))

G_STATIC_ASSERT (KVOTA_N_ROLES * KVOTA_N_HOLDER_TYPES <= 32);

#define ACCESS_PUBLIC          0u
#define ACCESS_ADMINISTRATOR   KVOTA_ACCESS_BIT (KVOTA_ROLE_ADMINISTRATOR, KVOTA_HOLDER_TYPE_REGISTRY)
#define ACCESS_MINISTRY        KVOTA_ACCESS_BIT (KVOTA_ROLE_MINISTRY, KVOTA_HOLDER_TYPE_MINISTRY)
#define ACCESS_REPRESENTATIVE(holder_type) KVOTA_ACCESS_BIT (KVOTA_ROLE_REPRESENTATIVE, holder_type)
#define ACCESS_ACCOUNTANT(holder_type)     KVOTA_ACCESS_BIT (KVOTA_ROLE_ACCOUNTANT, holder_type)
#define ACCESS_REPRESENTATIVES (ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_NATURE_USER) | \
                                ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_BROKER) |      \
                                ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_TRADER) |      \
                                ACCESS_REPRESENTATIVE (KVOTA_HOLDER_TYPE_INDIVIDUAL))
#define ACCESS_ACCOUNTANTS     (ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_NATURE_USER) |     \
                                ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_BROKER) |          \
                                ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_TRADER) |          \
                                ACCESS_ACCOUNTANT (KVOTA_HOLDER_TYPE_INDIVIDUAL))
#define ACCESS_OVERSIGHT       (ACCESS_ADMINISTRATOR | ACCESS_MINISTRY)
#define ACCESS_ANY_USER        (ACCESS_OVERSIGHT | ACCESS_REPRESENTATIVES | ACCESS_ACCOUNTANTS)

/* Bodies of JSON requests; routes that take files declare their own. */
#define KVOTA_SERVER_MAX_JSON_BODY (64 * 1024)

/* Login throttling: this many failures within the window lock the
 * username until the window has passed. */
#define KVOTA_LOGIN_MAX_FAILURES 5
#define KVOTA_LOGIN_WINDOW_SECONDS (15 * 60)

#define KVOTA_ROUTE_MAX_PARAMS 4

typedef struct _KvotaRequest KvotaRequest;

typedef void (*KvotaRouteHandler) (KvotaServer  *self,
                                   KvotaRequest *request);

typedef enum
{
  ROUTE_DEFAULT = 0,
  /* Open to a session that may only set up two-factor login. */
  ROUTE_DURING_ENROLMENT = 1 << 0,
  /* A ledger operation that may share its commit with others arriving
   * together; its handler answers before it returns. See group_commit_cb(). */
  ROUTE_GROUP_COMMIT = 1 << 1,
} KvotaRouteFlags;

typedef struct
{
  const char        *method;
  const char        *pattern;     /* segments; {id} is a positive integer */
  guint32            access;      /* ACCESS_PUBLIC: no token needed */
  gsize              max_body;    /* 0: KVOTA_SERVER_MAX_JSON_BODY */
  KvotaRouteHandler  handler;
  KvotaRouteFlags    flags;
} KvotaRoute;

/* A document travels base64-encoded inside JSON: 4/3 of its size. */
#define KVOTA_SERVER_MAX_DOCUMENT_BODY (KVOTA_DOCUMENT_MAX_SIZE / 3 * 4 + 64 * 1024)

struct _KvotaRequest
{
  KvotaServer       *server;
  SoupServerMessage *message;
  const KvotaRoute  *route;
  KvotaPrincipal    *principal;   /* NULL on public routes */
  char              *token_hash;
  GHashTable        *query;
  const char        *params[KVOTA_ROUTE_MAX_PARAMS];
  char              *param_storage[KVOTA_ROUTE_MAX_PARAMS];
  guint              n_params;
  gint64             started;
  gboolean           paused;      /* the handler answers later */
};

struct _KvotaServer
{
  GObject      parent_instance;

  SoupServer  *soup;
  KvotaStore  *store;
  char        *dummy_hash;
  guint        session_lifetime;
  GHashTable  *attempts_in_flight;  /* username in ASCII lower case → password checks running */
  KvotaAccessLog *access_log;

  /* See _kvota_server_check_caches() */
  guint64      cache_version;
  GHashTable  *principals;  /* token hash → KvotaPrincipal */
  GHashTable  *replies;     /* key from _kvota_request_reply_cached() → GBytes */

  /* Ledger operations waiting for the next group commit, in order */
  GPtrArray   *group;
  guint        group_commit_id;
};

extern const KvotaRoute _kvota_routes[];
extern const guint _kvota_n_routes;

void      _kvota_request_reply_json  (KvotaRequest  *request,
                                      guint          status,
                                      JsonNode      *node);
gboolean  _kvota_request_reply_cached (KvotaRequest *request,
                                      const char    *key);
void      _kvota_request_reply_json_cached (KvotaRequest *request,
                                      const char    *key,
                                      JsonNode      *node);
void      _kvota_request_reply_error (KvotaRequest  *request,
                                      const GError  *error);
void      _kvota_request_reply_error_with (KvotaRequest *request,
                                      const GError  *error,
                                      const char    *member,
                                      JsonNode      *value);
void      _kvota_request_reply_code  (KvotaRequest  *request,
                                      KvotaError     code,
                                      const char    *field);
void      _kvota_request_finish      (KvotaRequest  *request);
void      _kvota_server_check_caches (KvotaServer   *self);

typedef gboolean (*KvotaWorkFunc)     (gpointer        data,
                                       GError        **error);
typedef void     (*KvotaWorkDoneFunc) (KvotaServer    *self,
                                       KvotaRequest   *request,
                                       gpointer        data,
                                       const GError   *error);
void      _kvota_request_defer       (KvotaServer       *self,
                                      KvotaRequest      *request,
                                      KvotaWorkFunc      work,
                                      KvotaWorkDoneFunc  done,
                                      gpointer           data,
                                      GDestroyNotify     destroy);
typedef void     (*KvotaHashedFunc)   (KvotaServer    *self,
                                       KvotaRequest   *request,
                                       gpointer        data,
                                       const char     *hash,
                                       const GError   *error);
void      _kvota_request_hash_password (KvotaServer     *self,
                                      KvotaRequest    *request,
                                      const char      *password,
                                      KvotaHashedFunc  done,
                                      gpointer         data,
                                      GDestroyNotify   destroy);
gboolean  _kvota_request_read_body   (KvotaRequest      *request,
                                      const KvotaField  *fields,
                                      guint              n_fields,
                                      gpointer           target,
                                      gboolean           optional,
                                      GError           **error);
gboolean  _kvota_request_expect_no_body (KvotaRequest *request,
                                      GError       **error);
gboolean  _kvota_request_check_units (const char    *unit_type_name,
                                      gint64         vintage,
                                      gint64         quantity,
                                      KvotaUnitType *unit_type,
                                      GError       **error);
gint64    _kvota_request_param_id    (KvotaRequest  *request,
                                      guint          index);
gboolean  _kvota_request_query_int   (KvotaRequest  *request,
                                      const char    *name,
                                      gint64         minimum,
                                      gint64         maximum,
                                      gint64        *value,
                                      GError       **error);
gboolean  _kvota_request_check_query (KvotaRequest  *request,
                                      const char * const *allowed,
                                      GError       **error);
const char *_kvota_request_actor     (KvotaRequest  *request);
JsonNode *_kvota_object_node         (const char    *member,
                                      JsonNode      *value);
typedef JsonNode *(*KvotaToJson)     (gconstpointer  item);
JsonNode *_kvota_array_node          (GPtrArray     *items,
                                      KvotaToJson    to_json);
gboolean  _kvota_request_read_reason (KvotaRequest  *request,
                                      gboolean       required,
                                      char         **reason,
                                      GError       **error);
gboolean  _kvota_server_attempts_exhausted (KvotaServer *self,
                                            const char  *username);
char     *_kvota_server_begin_attempt    (KvotaServer *self,
                                          const char  *username);
void      _kvota_server_end_attempt      (KvotaServer *self,
                                          char        *key);
gboolean  _kvota_server_two_factor_required (KvotaServer *self,
                                      KvotaRole      role);

/* Handlers in kvota-server-registration.c */
void _kvota_create_registration_key_cb (KvotaServer *self, KvotaRequest *request);
void _kvota_list_registration_keys_cb  (KvotaServer *self, KvotaRequest *request);
void _kvota_revoke_registration_key_cb (KvotaServer *self, KvotaRequest *request);
void _kvota_submit_application_cb      (KvotaServer *self, KvotaRequest *request);
void _kvota_list_applications_cb       (KvotaServer *self, KvotaRequest *request);
void _kvota_get_application_cb         (KvotaServer *self, KvotaRequest *request);
void _kvota_confirm_application_cb     (KvotaServer *self, KvotaRequest *request);
void _kvota_decline_application_cb     (KvotaServer *self, KvotaRequest *request);
void _kvota_get_document_cb            (KvotaServer *self, KvotaRequest *request);

/* Handlers in kvota-server-trading.c */
void _kvota_choose_intermediary_cb     (KvotaServer *self, KvotaRequest *request);
void _kvota_sign_for_sale_cb           (KvotaServer *self, KvotaRequest *request);
void _kvota_list_sale_orders_cb        (KvotaServer *self, KvotaRequest *request);
void _kvota_withdraw_sale_cb           (KvotaServer *self, KvotaRequest *request);
void _kvota_propose_sale_cb            (KvotaServer *self, KvotaRequest *request);
void _kvota_propose_transfer_cb        (KvotaServer *self, KvotaRequest *request);
void _kvota_list_mandates_cb           (KvotaServer *self, KvotaRequest *request);
void _kvota_list_intermediaries_cb     (KvotaServer *self, KvotaRequest *request);
void _kvota_trading_report_cb          (KvotaServer *self, KvotaRequest *request);

/* Handlers in kvota-server-compliance.c */
void _kvota_record_emissions_cb        (KvotaServer *self, KvotaRequest *request);
void _kvota_list_compliance_cb         (KvotaServer *self, KvotaRequest *request);
void _kvota_surrender_cb               (KvotaServer *self, KvotaRequest *request);
void _kvota_cancel_units_cb            (KvotaServer *self, KvotaRequest *request);

/* Handlers in kvota-server-buying.c */
void _kvota_create_buy_request_cb      (KvotaServer *self, KvotaRequest *request);
void _kvota_list_buy_requests_cb       (KvotaServer *self, KvotaRequest *request);
void _kvota_withdraw_buy_request_cb    (KvotaServer *self, KvotaRequest *request);

/* Handlers in kvota-server-history.c */
void _kvota_list_transactions_cb       (KvotaServer *self, KvotaRequest *request);
void _kvota_account_statement_cb       (KvotaServer *self, KvotaRequest *request);
void _kvota_unit_history_cb            (KvotaServer *self, KvotaRequest *request);

/* Handlers in kvota-server-nap.c */
void _kvota_nap_upload_cb              (KvotaServer *self, KvotaRequest *request);
void _kvota_nap_list_cb                (KvotaServer *self, KvotaRequest *request);
void _kvota_nap_get_cb                 (KvotaServer *self, KvotaRequest *request);
void _kvota_nap_file_cb                (KvotaServer *self, KvotaRequest *request);
void _kvota_nap_apply_cb               (KvotaServer *self, KvotaRequest *request);
void _kvota_nap_discard_cb             (KvotaServer *self, KvotaRequest *request);

/* Handlers in kvota-server-access.c */
void _kvota_list_users_cb              (KvotaServer *self, KvotaRequest *request);
void _kvota_create_user_cb             (KvotaServer *self, KvotaRequest *request);
void _kvota_block_user_cb              (KvotaServer *self, KvotaRequest *request);
void _kvota_restore_user_cb            (KvotaServer *self, KvotaRequest *request);
void _kvota_block_organisation_cb      (KvotaServer *self, KvotaRequest *request);
void _kvota_restore_organisation_cb    (KvotaServer *self, KvotaRequest *request);
void _kvota_change_password_cb         (KvotaServer *self, KvotaRequest *request);
void _kvota_reset_password_cb          (KvotaServer *self, KvotaRequest *request);
void _kvota_finish_password_reset_cb   (KvotaServer *self, KvotaRequest *request);
void _kvota_start_two_factor_cb        (KvotaServer *self, KvotaRequest *request);
void _kvota_confirm_two_factor_cb      (KvotaServer *self, KvotaRequest *request);
void _kvota_disable_two_factor_cb      (KvotaServer *self, KvotaRequest *request);
gboolean  _kvota_principal_is_oversight (const KvotaPrincipal *principal);
void      _kvota_principal_list_scope (const KvotaPrincipal *principal,
                                       gint64               *organisation_id,
                                       gint64               *intermediary_id);

G_END_DECLS
