/* 449 Retry With policies ([MS-WDV] §2.2.6-2.2.8): what a request must
 * carry here, how a missing item is named, and the stateless echo. */
#ifndef RW_POLICY_H
#define RW_POLICY_H

#include "httpd.h"
#include "http_config.h"
#include "ap_regex.h"
#include "rwdav.h"
#include "rw_config.h"

typedef enum {
    RW_POL_HEADER,        /* RetryWithRequireHeader */
    RW_POL_PROPERTY,      /* RetryWithRequireProperty */
    RW_POL_LOCK_OWNER,    /* RetryWithRequireLockOwner */
    RW_POL_DEPTH,         /* RetryWithRetryDepth */
    RW_POL_PROP_LIST      /* RetryWithRetryPropList */
} rw_policy_kind;

typedef struct {
    rw_policy_kind kind;
    const char *id;          /* stable across a farm: kind letter + hash */
    const char *name;        /* header name, "{ns}local", or the item */
    const char *value;       /* required header value, or NULL */
    apr_int64_t methods;     /* AP_METHOD_BIT << M_*; never 0 */
    ap_regex_t *agent;       /* User-Agent pattern, or NULL for any */
    const char *text;        /* the admin's human text, or NULL */
} rw_policy;

/* One item a request lacks. */
typedef struct {
    const rw_policy *pol;
    int unverified;          /* a body rule not checked yet (100-continue) */
} rw_missing;

/* Directive handlers (the table is in rw_config.c). */
const char *rw_cmd_require_header(cmd_parms *cmd, void *dconf,
                                  const char *args);
const char *rw_cmd_require_property(cmd_parms *cmd, void *dconf,
                                  const char *args);
const char *rw_cmd_require_lock_owner(cmd_parms *cmd, void *dconf,
                                  const char *args);
const char *rw_cmd_retry_depth(cmd_parms *cmd, void *dconf,
                                  const char *args);
const char *rw_cmd_retry_prop_list(cmd_parms *cmd, void *dconf,
                                  const char *args);
const char *rw_cmd_secret(cmd_parms *cmd, void *dconf, const char *arg);
const char *rw_cmd_secret_file(cmd_parms *cmd, void *dconf, const char *arg);
const char *rw_cmd_echo_lifetime(cmd_parms *cmd, void *dconf,
                                 const char *arg);

/* The key used when no RetryWithSecret is set: random per start, so only
 * this server verifies its own echoes. */
apr_status_t rw_policy_default_secret(apr_pool_t *p);
/* The HMAC key that signs a location's echoes: the current key of its
 * RetryWithSecret or RetryWithSecretFile, else that random key. */
const unsigned char *rw_policy_key(const rw_dir_conf *c, apr_size_t *len);
/* The previous key of its RetryWithSecretFile (verifies only), or NULL. */
const unsigned char *rw_policy_prev_key(const rw_dir_conf *c,
                                        apr_size_t *len);

#endif
