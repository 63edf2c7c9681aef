/* Per-directory configuration: one create and one merge function. */
#ifndef RW_CONFIG_H
#define RW_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "rwdav.h"

#define RW_UNSET (-1)

typedef struct {
    int touched;            /* a directive of this module set something here:
                               merging a section without one is free */
    int enabled;            /* RetryWith: unset is on where mod_dav_fs
                               serves, off for other providers */
    int depth_infinity;     /* RetryWithDepthInfinity */
    int strict_translate;   /* RetryWithStrictTranslate */
    int bare_lock_token;    /* RetryWithBareLockToken */
    int strict_authority;   /* RetryWithStrictAuthority */
    apr_array_header_t *trusted;   /* RetryWithTrustedProxy: apr_ipsubnet_t *,
                                      or NULL */
    rwdav_limits limits;    /* RetryWithLimit set here; 0 = inherit */
    rwdav_limits in_force;  /* own, else inherited, else rwdav's defaults:
                               what a request uses, computed once here */
    apr_array_header_t *policies;  /* of rw_policy: inherited, then own */
    const char *secret;     /* RetryWithSecret, or NULL */
    int echo_lifetime;      /* RetryWithEchoLifetime, seconds; 0 = unset */
} rw_dir_conf;

#define RW_ECHO_LIFETIME_DEFAULT 300

extern const command_rec rw_cmds[];
/* Every directive's handler marks its section with this. */
rw_dir_conf *rw_touch(void *dconf);
void *rw_create_dir_conf(apr_pool_t *p, char *dir);
void *rw_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);

/* A flag's effective value: unset means the documented default. */
#define RW_FLAG(v, dflt) ((v) == RW_UNSET ? (dflt) : (v))

#endif
