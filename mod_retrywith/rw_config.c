/* Directives. Bad values stop httpd at startup with the directive named. */
#include <errno.h>
#include <stddef.h>
#include <apr_strings.h>
#include <apr_network_io.h>

#include "httpd.h"
#include "http_config.h"

#include "rw_config.h"
#include "rw_policy.h"
#include "rw_lab.h"

void *rw_create_dir_conf(apr_pool_t *p, char *dir)
{
    rw_dir_conf *c = apr_pcalloc(p, sizeof(*c));
    c->mode = RW_MODE_FS_ONLY;
    rwdav_limits_default(&c->lim);
    c->echo_lifetime = RW_ECHO_LIFETIME_DEFAULT;
    return c;   /* the flags' defaults are 0; no policy, trusted proxy or
                   key */
}

rw_dir_conf *rw_mark(void *dconf, unsigned bit)
{
    rw_dir_conf *c = dconf;
    c->set |= bit;
    return c;
}

/* RetryWith and the On/Off switches: cmd->info says which field and bit. */
typedef struct {
    apr_size_t off;
    unsigned bit;
} rw_flag_slot;

static const rw_flag_slot slot_mode = {
    offsetof(rw_dir_conf, mode), RW_SET_MODE };
static const rw_flag_slot slot_depth_infinity = {
    offsetof(rw_dir_conf, depth_infinity), RW_SET_DEPTH_INFINITY };
static const rw_flag_slot slot_strict_translate = {
    offsetof(rw_dir_conf, strict_translate), RW_SET_STRICT_TRANSLATE };
static const rw_flag_slot slot_bare_lock_token = {
    offsetof(rw_dir_conf, bare_lock_token), RW_SET_BARE_LOCK_TOKEN };
static const rw_flag_slot slot_strict_authority = {
    offsetof(rw_dir_conf, strict_authority), RW_SET_STRICT_AUTHORITY };

static const char *set_flag(cmd_parms *cmd, void *dconf, int on)
{
    const rw_flag_slot *slot = cmd->info;
    rw_dir_conf *c = rw_mark(dconf, slot->bit);
    /* RW_MODE_OFF and RW_MODE_ON are 0 and 1 too */
    *(int *)((char *)c + slot->off) = on ? 1 : 0;
    return NULL;
}

/* A field of the section that set it, else its parent's. */
#define RW_MERGE(f, bit) (c->f = (add->set & (bit)) ? add->f : base->f)

void *rw_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const rw_dir_conf *base = basev, *add = addv;
    rw_dir_conf *c;

    /* httpd merges sections without a directive of ours on every request:
     * then the other side serves unchanged, its values already in force */
    if (!add->set)
        return basev;
    if (!base->set)
        return addv;
    c = apr_pcalloc(p, sizeof(*c));
    c->set = base->set | add->set;
    RW_MERGE(mode, RW_SET_MODE);
    RW_MERGE(depth_infinity, RW_SET_DEPTH_INFINITY);
    RW_MERGE(strict_translate, RW_SET_STRICT_TRANSLATE);
    RW_MERGE(bare_lock_token, RW_SET_BARE_LOCK_TOKEN);
    RW_MERGE(strict_authority, RW_SET_STRICT_AUTHORITY);
    RW_MERGE(trusted, RW_SET_TRUSTED);
    RW_MERGE(keys, RW_SET_SECRET);
    RW_MERGE(echo_lifetime, RW_SET_ECHO_LIFETIME);
    RW_MERGE(lab, RW_SET_LAB);
    RW_MERGE(lim.body_bytes, RW_SET_BODY_BYTES);
    RW_MERGE(lim.xml_depth, RW_SET_XML_DEPTH);
    RW_MERGE(lim.if_lists, RW_SET_IF_LISTS);
    RW_MERGE(lim.if_conditions, RW_SET_IF_CONDITIONS);
    RW_MERGE(lim.header_len, RW_SET_HEADER_LEN);
    RW_MERGE(lim.timeout_types, RW_SET_TIMEOUT_TYPES);
    /* a nested location adds its policies to its parent's */
    c->policies = !add->policies ? base->policies
                : !base->policies ? add->policies
                : apr_array_append(p, base->policies, add->policies);
    return c;
}

/* name, offset in rwdav_limits, its RW_SET_ bit, largest accepted value */
static const struct {
    const char *name;
    apr_size_t off;
    unsigned bit;
    apr_int64_t max;
} limit_names[] = {
    /* expat takes chunk lengths as int */
    { "body", offsetof(rwdav_limits, body_bytes), RW_SET_BODY_BYTES,
      2147483647 },
    /* apr_xml and mod_dav walk a body's tree recursively (apr_xml_to_text,
     * apr_xml_quote_elem): the cap keeps that walk's stack small in a
     * threaded child, far beyond what real clients nest */
    { "xml-depth", offsetof(rwdav_limits, xml_depth), RW_SET_XML_DEPTH, 256 },
    { "if-lists", offsetof(rwdav_limits, if_lists), RW_SET_IF_LISTS, 100000 },
    { "if-conditions", offsetof(rwdav_limits, if_conditions),
      RW_SET_IF_CONDITIONS, 100000 },
    { "header-length", offsetof(rwdav_limits, header_len), RW_SET_HEADER_LEN,
      1 << 20 },
    { "timeout-types", offsetof(rwdav_limits, timeout_types),
      RW_SET_TIMEOUT_TYPES, 1000 },
    { NULL, 0, 0, 0 }
};

static const char *set_limit(cmd_parms *cmd, void *dconf, const char *name,
                             const char *value)
{
    rw_dir_conf *c = dconf;
    char *end;
    apr_int64_t n;
    int i;

    for (i = 0; limit_names[i].name; i++)
        if (!strcasecmp(name, limit_names[i].name))
            break;
    if (!limit_names[i].name)
        return apr_psprintf(cmd->pool, "%s: unknown limit '%s' (known: body, "
                            "xml-depth, if-lists, if-conditions, "
                            "header-length, timeout-types)",
                            cmd->cmd->name, name);
    errno = 0;
    n = apr_strtoi64(value, &end, 10);
    if (errno || *end || end == value || n < 1 || n > limit_names[i].max)
        return apr_psprintf(cmd->pool, "%s %s: '%s' is not a whole number "
                            "from 1 to %" APR_INT64_T_FMT, cmd->cmd->name,
                            limit_names[i].name, value, limit_names[i].max);
    rw_mark(c, limit_names[i].bit);
    *(apr_size_t *)((char *)&c->lim + limit_names[i].off) = (apr_size_t)n;
    return NULL;
}

/* Each argument an address or a network (addr/bits, addr/mask); the
 * addresses of one directive, or of several in one section, add up. */
static const char *set_trusted(cmd_parms *cmd, void *dconf, const char *arg)
{
    rw_dir_conf *c = rw_mark(dconf, RW_SET_TRUSTED);
    char *ip = apr_pstrdup(cmd->pool, arg), *mask = strchr(ip, '/');
    apr_ipsubnet_t *sub;
    apr_status_t rv;

    if (mask)
        *mask++ = '\0';
    rv = apr_ipsubnet_create(&sub, ip, mask, cmd->pool);
    if (rv != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s: '%s' is not an IP address or "
                            "network (addr, addr/bits, addr/mask)",
                            cmd->cmd->name, arg);
    if (!c->trusted)
        c->trusted = apr_array_make(cmd->pool, 2, sizeof(apr_ipsubnet_t *));
    *(apr_ipsubnet_t **)apr_array_push(c->trusted) = sub;
    return NULL;
}

const command_rec rw_cmds[] = {
    AP_INIT_FLAG("RetryWith", set_flag,
                 (void *)&slot_mode,
                 RSRC_CONF | ACCESS_CONF,
                 "On checks WebDAV requests here before mod_dav, whatever "
                 "the DAV provider; Off passes them through unchecked; unset "
                 "(default): on where mod_dav_fs serves, off elsewhere"),
    AP_INIT_FLAG("RetryWithDepthInfinity", set_flag,
                 (void *)&slot_depth_infinity,
                 RSRC_CONF | ACCESS_CONF,
                 "On lets PROPFIND of infinite depth reach mod_dav; Off "
                 "(default) answers 403 DAV:propfind-finite-depth"),
    AP_INIT_FLAG("RetryWithStrictTranslate", set_flag,
                 (void *)&slot_strict_translate,
                 RSRC_CONF | ACCESS_CONF,
                 "On refuses a Translate header other than t or f (400.5); "
                 "Off (default) ignores such values"),
    AP_INIT_FLAG("RetryWithBareLockToken", set_flag,
                 (void *)&slot_bare_lock_token,
                 RSRC_CONF | ACCESS_CONF,
                 "On accepts a Lock-Token without angle brackets (some "
                 "Windows clients); Off (default) refuses it (400.9)"),
    AP_INIT_FLAG("RetryWithStrictAuthority", set_flag,
                 (void *)&slot_strict_authority,
                 RSRC_CONF | ACCESS_CONF,
                 "On refuses (502) a Destination naming a host or port this "
                 "server does not know as its own; Off (default) accepts "
                 "one with the request's scheme, as mod_dav does"),
    AP_INIT_ITERATE("RetryWithTrustedProxy", set_trusted, NULL,
                    RSRC_CONF | ACCESS_CONF,
                    "addresses or networks of the proxies in front whose "
                    "Forwarded / X-Forwarded-Proto, -Host, -Port headers "
                    "name this server's public origin"),
    AP_INIT_TAKE2("RetryWithLimit", set_limit, NULL, RSRC_CONF | ACCESS_CONF,
                  "RetryWithLimit body|xml-depth|if-lists|if-conditions|"
                  "header-length|timeout-types <n>"),
    AP_INIT_RAW_ARGS("RetryWithRequireHeader", rw_cmd_require_header, NULL,
                     RSRC_CONF | ACCESS_CONF,
                     "Name[=value] [methods=M,...] [agent=regex] [text=\"...\"]:"
                     " requests lacking the header get 449 Retry With"),
    AP_INIT_RAW_ARGS("RetryWithRequireProperty", rw_cmd_require_property,
                     NULL, RSRC_CONF | ACCESS_CONF,
                     "{namespace}name [methods=PROPPATCH,PROPFIND] "
                     "[agent=regex] [text=\"...\"]: a PROPPATCH must set it, "
                     "a PROPFIND must name it"),
    AP_INIT_RAW_ARGS("RetryWithRequireLockOwner", rw_cmd_require_lock_owner,
                     NULL, RSRC_CONF | ACCESS_CONF,
                     "[agent=regex] [text=\"...\"]: a LOCK must carry "
                     "DAV:owner"),
    AP_INIT_RAW_ARGS("RetryWithRetryDepth", rw_cmd_retry_depth, NULL,
                     RSRC_CONF | ACCESS_CONF,
                     "[agent=regex] [text=\"...\"]: PROPFIND of infinite "
                     "depth gets 449 'retry with Depth: 1' instead of 403"),
    AP_INIT_RAW_ARGS("RetryWithRetryPropList", rw_cmd_retry_prop_list, NULL,
                     RSRC_CONF | ACCESS_CONF,
                     "[agent=regex] [text=\"...\"]: PROPFIND allprop or "
                     "propname gets 449 'retry with an explicit prop list'"),
    AP_INIT_TAKE1("RetryWithSecret", rw_cmd_secret, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "key (16+ characters, the same on every server of a farm) "
                  "for the Ms-Echo-Request HMAC"),
    AP_INIT_TAKE1("RetryWithSecretFile", rw_cmd_secret_file, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "file (mode 600 or stricter) of the Ms-Echo-Request HMAC "
                  "key: the current key on its first line, optionally the "
                  "previous one on the second (verifies only, for a key "
                  "rotation)"),
    AP_INIT_TAKE1("RetryWithEchoLifetime", rw_cmd_echo_lifetime, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "seconds an Ms-Echo-Request stays valid (default 300)"),
    AP_INIT_TAKE1("RetryWithLab", rw_cmd_lab, NULL, RSRC_CONF | ACCESS_CONF,
                  "scenario name: every request here is journaled under it "
                  "for the lab's report card (Off: not here)"),
    AP_INIT_TAKE1("RetryWithLabJournal", rw_cmd_lab_journal, NULL, RSRC_CONF,
                  "file the lab's requests are journaled to (global; "
                  "relative to ServerRoot)"),
    { NULL, { NULL }, NULL, 0, RAW_ARGS, NULL }
};
