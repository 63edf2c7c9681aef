/* Per-directory configuration: one create and one merge function. Every
 * field holds the value in force (a directive's, else the parent
 * section's, else the default set by create), so a request reads it as it
 * is; `set` says which directives this section gave, for the merge. */
#ifndef RW_CONFIG_H
#define RW_CONFIG_H

#include "httpd.h"
#include "http_config.h"
#include "rwdav.h"

/* RetryWith: the default checks only where mod_dav_fs serves. */
typedef enum {
    RW_MODE_OFF = 0,        /* RetryWith Off */
    RW_MODE_ON = 1,         /* RetryWith On: whatever the DAV provider */
    RW_MODE_FS_ONLY = 2     /* unset */
} rw_mode;

/* The bits of rw_dir_conf.set: which directives a section gave. */
enum {
    RW_SET_MODE = 1u << 0,
    RW_SET_DEPTH_INFINITY = 1u << 1,
    RW_SET_STRICT_TRANSLATE = 1u << 2,
    RW_SET_BARE_LOCK_TOKEN = 1u << 3,
    RW_SET_STRICT_AUTHORITY = 1u << 4,
    RW_SET_TRUSTED = 1u << 5,
    RW_SET_SECRET = 1u << 6,        /* RetryWithSecret or RetryWithSecretFile:
                                       one bit, so the later one wins */
    RW_SET_ECHO_LIFETIME = 1u << 7,
    RW_SET_POLICIES = 1u << 8,
    RW_SET_BODY_BYTES = 1u << 9,
    RW_SET_XML_DEPTH = 1u << 10,
    RW_SET_IF_LISTS = 1u << 11,
    RW_SET_IF_CONDITIONS = 1u << 12,
    RW_SET_HEADER_LEN = 1u << 13,
    RW_SET_TIMEOUT_TYPES = 1u << 14,
    RW_SET_LAB = 1u << 15
};

/* The HMAC keys of Ms-Echo-Request. The current key signs and verifies;
 * the previous one, kept during a key rotation, only verifies, so that the
 * echoes of nodes not yet rotated stay good here. */
typedef struct {
    const unsigned char *cur;
    apr_size_t cur_len;
    const unsigned char *prev;      /* NULL outside a rotation */
    apr_size_t prev_len;
} rw_keys;

typedef struct {
    unsigned set;           /* RW_SET_* bits; 0: merging this section is free */
    int mode;               /* RetryWith: an rw_mode */
    int depth_infinity;     /* RetryWithDepthInfinity, default 0 */
    int strict_translate;   /* RetryWithStrictTranslate, default 0 */
    int bare_lock_token;    /* RetryWithBareLockToken, default 0 */
    int strict_authority;   /* RetryWithStrictAuthority, default 0 */
    apr_array_header_t *trusted;   /* RetryWithTrustedProxy: apr_ipsubnet_t *,
                                      or NULL */
    rwdav_limits lim;       /* RetryWithLimit, default rwdav's */
    apr_array_header_t *policies;  /* of rw_policy: inherited, then own;
                                      NULL where there are none */
    const rw_keys *keys;    /* RetryWithSecret(File), or NULL: the random
                               key */
    int echo_lifetime;      /* RetryWithEchoLifetime, seconds */
    const char *lab;        /* RetryWithLab: the scenario journaled here,
                               or NULL */
} rw_dir_conf;

#define RW_ECHO_LIFETIME_DEFAULT 300

extern const command_rec rw_cmds[];
/* Every directive's handler marks what it set with this. */
rw_dir_conf *rw_mark(void *dconf, unsigned bit);
void *rw_create_dir_conf(apr_pool_t *p, char *dir);
void *rw_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);

#endif
