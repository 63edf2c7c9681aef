/* The 449 policy directives. Each is parsed, checked and compiled once at
 * startup, so a request only tests method bits and a regex. */
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"

#include "rw_config.h"
#include "rw_policy.h"

static unsigned char default_key[32];

apr_status_t rw_policy_default_secret(apr_pool_t *p)
{
    /* No fallback: a key derived from the clock could be guessed, and a
     * guessed key forges every Ms-Echo-Request of this server. */
    return apr_generate_random_bytes(default_key, sizeof(default_key));
}

const unsigned char *rw_policy_key(const rw_dir_conf *c, apr_size_t *len)
{
    if (c->keys) {
        *len = c->keys->cur_len;
        return c->keys->cur;
    }
    *len = sizeof(default_key);
    return default_key;
}

const unsigned char *rw_policy_prev_key(const rw_dir_conf *c,
                                        apr_size_t *len)
{
    if (!c->keys || !c->keys->prev)
        return NULL;
    *len = c->keys->prev_len;
    return c->keys->prev;
}

/* Splits "a b=c d=\"e f\"" into words; a value may be double-quoted with
 * backslash escapes. Returns NULL on an unterminated quote. */
static apr_array_header_t *split_words(apr_pool_t *p, const char *s)
{
    apr_array_header_t *w = apr_array_make(p, 4, sizeof(char *));
    while (*s) {
        char *out, *o;
        while (apr_isspace(*s))
            s++;
        if (!*s)
            break;
        o = out = apr_palloc(p, strlen(s) + 1);
        while (*s && !apr_isspace(*s)) {
            if (*s == '"') {
                for (s++; *s && *s != '"'; s++) {
                    if (*s == '\\' && s[1])
                        s++;
                    *o++ = *s;
                }
                if (*s != '"')
                    return NULL;
                s++;
                continue;
            }
            *o++ = *s++;
        }
        *o = '\0';
        *(char **)apr_array_push(w) = out;
    }
    return w;
}

static const char *policy_id(apr_pool_t *p, char kind, const char *name,
                             const char *value)
{
    unsigned char h[32];
    const char *s = apr_pstrcat(p, name, "\n", value ? value : "", NULL);
    rwdav_sha256((const unsigned char *)s, strlen(s), h);
    return apr_psprintf(p, "%c%02x%02x%02x%02x", kind, h[0], h[1], h[2], h[3]);
}

#define ALL_METHODS ((apr_int64_t)-1)

/* Parses the options common to every policy and appends it. allowed is the
 * method mask the kind may use; dflt its default. */
static const char *add_policy(cmd_parms *cmd, rw_dir_conf *c, rw_policy *pol,
                              apr_array_header_t *words, int first,
                              apr_int64_t allowed, apr_int64_t dflt)
{
    const char *d = cmd->cmd->name;
    int i;

    pol->methods = dflt;
    for (i = first; i < words->nelts; i++) {
        const char *wd = APR_ARRAY_IDX(words, i, const char *);
        if (!strncasecmp(wd, "methods=", 8)) {
            char *list = apr_pstrdup(cmd->pool, wd + 8), *m, *last;
            pol->methods = 0;
            for (m = apr_strtok(list, ",", &last); m;
                 m = apr_strtok(NULL, ",", &last)) {
                int n = ap_method_number_of(m);
                if (n == M_INVALID || n >= 63)
                    return apr_psprintf(cmd->pool, "%s: unknown method '%s'",
                                        d, m);
                if (!((AP_METHOD_BIT << n) & allowed))
                    return apr_psprintf(cmd->pool, "%s: does not apply to "
                                        "method %s", d, m);
                pol->methods |= AP_METHOD_BIT << n;
            }
            if (!pol->methods)
                return apr_psprintf(cmd->pool, "%s: methods= is empty", d);
        }
        else if (!strncasecmp(wd, "agent=", 6)) {
            if (!wd[6])
                return apr_psprintf(cmd->pool, "%s: agent= is empty", d);
            pol->agent = ap_pregcomp(cmd->pool, wd + 6, AP_REG_ICASE
                                                       | AP_REG_NOSUB);
            if (!pol->agent)
                return apr_psprintf(cmd->pool, "%s: agent= is not a valid "
                                    "regular expression: %s", d, wd + 6);
        }
        else if (!strncasecmp(wd, "text=", 5)) {
            const char *t;
            for (t = wd + 5; *t; t++)
                if ((unsigned char)*t < 0x20 || *t == 0x7f)
                    return apr_psprintf(cmd->pool, "%s: text= holds a control "
                                        "character", d);
            pol->text = wd + 5;
        }
        else {
            return apr_psprintf(cmd->pool, "%s: unknown option '%s' (known: "
                                "methods=, agent=, text=)", d, wd);
        }
    }
    rw_mark(c, RW_SET_POLICIES);
    if (!c->policies)
        c->policies = apr_array_make(cmd->pool, 2, sizeof(rw_policy));
    *(rw_policy *)apr_array_push(c->policies) = *pol;
    return NULL;
}

static const char *words_of(cmd_parms *cmd, const char *args,
                            apr_array_header_t **w)
{
    *w = split_words(cmd->pool, args);
    if (!*w)
        return apr_psprintf(cmd->pool, "%s: unterminated quote",
                            cmd->cmd->name);
    return NULL;
}

#define M(x) (AP_METHOD_BIT << (x))

const char *rw_cmd_require_header(cmd_parms *cmd, void *dconf,
                                  const char *args)
{
    apr_array_header_t *w;
    rw_policy pol;
    const char *err, *spec, *c;
    char *name, *eq;

    if ((err = words_of(cmd, args, &w)) != NULL)
        return err;
    if (w->nelts < 1)
        return apr_psprintf(cmd->pool, "%s: needs a header name",
                            cmd->cmd->name);
    memset(&pol, 0, sizeof(pol));
    spec = APR_ARRAY_IDX(w, 0, const char *);
    name = apr_pstrdup(cmd->pool, spec);
    if ((eq = strchr(name, '=')) != NULL) {
        *eq = '\0';
        pol.value = eq + 1;
        if (!*pol.value || apr_isspace(pol.value[0])
            || apr_isspace(pol.value[strlen(pol.value) - 1]))
            return apr_psprintf(cmd->pool, "%s: the value after '=' is empty "
                                "or has outer spaces", cmd->cmd->name);
        for (c = pol.value; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                return apr_psprintf(cmd->pool, "%s: the value must be "
                                    "printable ASCII", cmd->cmd->name);
    }
    if (!*name)
        return apr_psprintf(cmd->pool, "%s: empty header name",
                            cmd->cmd->name);
    for (c = name; *c; c++)
        if (!rwdav_is_tchar((unsigned char)*c))
            return apr_psprintf(cmd->pool, "%s: '%s' is not a header name",
                                cmd->cmd->name, name);
    pol.kind = RW_POL_HEADER;
    pol.name = name;
    pol.id = policy_id(cmd->pool, 'h', name, pol.value);
    return add_policy(cmd, dconf, &pol, w, 1, ALL_METHODS, ALL_METHODS);
}

const char *rw_cmd_require_property(cmd_parms *cmd, void *dconf,
                                  const char *args)
{
    apr_array_header_t *w;
    rw_policy pol;
    const char *err, *name, *c;

    if ((err = words_of(cmd, args, &w)) != NULL)
        return err;
    if (w->nelts < 1)
        return apr_psprintf(cmd->pool, "%s: needs a property {namespace}name",
                            cmd->cmd->name);
    name = APR_ARRAY_IDX(w, 0, const char *);
    if (!rwdav_propname_ok(name))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a property name of "
                            "the form {namespace}name", cmd->cmd->name, name);
    for (c = name; *c; c++)
        if ((unsigned char)*c >= 0x7f)   /* it is named in an RFC 8941 string */
            return apr_psprintf(cmd->pool, "%s: '%s' must be ASCII",
                                cmd->cmd->name, name);
    memset(&pol, 0, sizeof(pol));
    pol.kind = RW_POL_PROPERTY;
    pol.name = name;
    pol.id = policy_id(cmd->pool, 'p', name, NULL);
    return add_policy(cmd, dconf, &pol, w, 1, M(M_PROPPATCH) | M(M_PROPFIND),
                      M(M_PROPPATCH));
}

static const char *simple_policy(cmd_parms *cmd, void *dconf,
                                 const char *args, rw_policy_kind kind,
                                 char letter, const char *item, int method)
{
    apr_array_header_t *w;
    rw_policy pol;
    const char *err;

    if ((err = words_of(cmd, args, &w)) != NULL)
        return err;
    memset(&pol, 0, sizeof(pol));
    pol.kind = kind;
    pol.name = item;
    pol.id = policy_id(cmd->pool, letter, item, NULL);
    return add_policy(cmd, dconf, &pol, w, 0, M(method), M(method));
}

const char *rw_cmd_require_lock_owner(cmd_parms *cmd, void *dconf,
                                  const char *args)
{
    return simple_policy(cmd, dconf, args, RW_POL_LOCK_OWNER, 'o',
                         "{DAV:}owner", M_LOCK);
}

const char *rw_cmd_retry_depth(cmd_parms *cmd, void *dconf,
                                  const char *args)
{
    return simple_policy(cmd, dconf, args, RW_POL_DEPTH, 'd', "Depth",
                         M_PROPFIND);
}

const char *rw_cmd_retry_prop_list(cmd_parms *cmd, void *dconf,
                                  const char *args)
{
    return simple_policy(cmd, dconf, args, RW_POL_PROP_LIST, 'l',
                         "{DAV:}prop", M_PROPFIND);
}

/* Shorter keys are too easy to guess, and a guessed key forges echoes. */
#define RW_KEY_MIN 16
/* A key file is a few lines: anything bigger is the wrong file. */
#define RW_KEY_FILE_MAX 65536

const char *rw_cmd_secret(cmd_parms *cmd, void *dconf, const char *arg)
{
    rw_dir_conf *c = rw_mark(dconf, RW_SET_SECRET);
    rw_keys *k;

    if (strlen(arg) < RW_KEY_MIN)
        return apr_psprintf(cmd->pool, "%s: the secret must have at least %d "
                            "characters (the same on every server of a farm)",
                            cmd->cmd->name, RW_KEY_MIN);
    k = apr_pcalloc(cmd->pool, sizeof(*k));
    k->cur = (const unsigned char *)arg;
    k->cur_len = strlen(arg);
    c->keys = k;   /* and replaces a RetryWithSecretFile of this section */
    return NULL;
}

/* The file's text. It is read now, while httpd reads its configuration as
 * root, so that the children never need access to it; and refused when
 * group or others may read or write it: whoever reads the key forges the
 * echoes of every server of the farm. */
static const char *read_key_file(cmd_parms *cmd, const char *path,
                                 char **text, apr_size_t *len)
{
    const char *d = cmd->cmd->name;
    apr_finfo_t fi;
    apr_file_t *f;
    apr_status_t rv;

    rv = apr_stat(&fi, path, APR_FINFO_TYPE | APR_FINFO_PROT, cmd->temp_pool);
    if (rv != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s %s: cannot read it: %pm", d, path,
                            &rv);
    if (fi.filetype != APR_REG)
        return apr_psprintf(cmd->pool, "%s %s: not a regular file", d, path);
    if (fi.protection & (APR_GREAD | APR_GWRITE | APR_WREAD | APR_WWRITE))
        return apr_psprintf(cmd->pool, "%s %s: group or others may read or "
                            "write it; keep it to its owner (chmod 600)", d,
                            path);
    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT,
                       cmd->temp_pool);
    if (rv != APR_SUCCESS)
        return apr_psprintf(cmd->pool, "%s %s: cannot read it: %pm", d, path,
                            &rv);
    /* one byte more than allowed tells a file too big */
    *text = apr_palloc(cmd->temp_pool, RW_KEY_FILE_MAX + 1);
    rv = apr_file_read_full(f, *text, RW_KEY_FILE_MAX + 1, len);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF)
        return apr_psprintf(cmd->pool, "%s %s: cannot read it: %pm", d, path,
                            &rv);
    if (*len > RW_KEY_FILE_MAX)
        return apr_psprintf(cmd->pool, "%s %s: larger than %d bytes, not a "
                            "key file", d, path, RW_KEY_FILE_MAX);
    return NULL;
}

/* One key a line, surrounding blanks and CR trimmed; blank lines and
 * '#' comments skipped. The first key is the current one, a second the
 * previous one. Error messages name lines, never a key. */
static const char *parse_keys(cmd_parms *cmd, const char *path,
                              const char *text, apr_size_t len, rw_keys *k)
{
    const char *d = cmd->cmd->name, *end = text + len, *line, *next;
    const unsigned char *key;
    int lineno = 0, n = 0;

    for (line = text; line < end; line = next) {
        const char *eol = memchr(line, '\n', end - line), *e;
        next = eol ? eol + 1 : end;
        e = eol ? eol : end;
        lineno++;
        while (line < e && apr_isspace(*line))
            line++;
        while (e > line && apr_isspace(e[-1]))
            e--;
        if (line == e || *line == '#')
            continue;
        if (e - line < RW_KEY_MIN)
            return apr_psprintf(cmd->pool, "%s %s: the key on line %d has "
                                "fewer than %d characters", d, path, lineno,
                                RW_KEY_MIN);
        if (++n > 2)
            return apr_psprintf(cmd->pool, "%s %s: more than two keys (line "
                                "%d): the current key, then at most the "
                                "previous one", d, path, lineno);
        key = (const unsigned char *)apr_pstrmemdup(cmd->pool, line,
                                                    e - line);
        if (n == 1) {
            k->cur = key;
            k->cur_len = e - line;
        }
        else {
            k->prev = key;
            k->prev_len = e - line;
        }
    }
    if (!n)
        return apr_psprintf(cmd->pool, "%s %s: holds no key", d, path);
    return NULL;
}

const char *rw_cmd_secret_file(cmd_parms *cmd, void *dconf, const char *arg)
{
    rw_dir_conf *c = rw_mark(dconf, RW_SET_SECRET);
    const char *path = ap_server_root_relative(cmd->pool, arg), *err;
    rw_keys *k;
    char *text = NULL;
    apr_size_t len = 0;

    if (!path)
        return apr_psprintf(cmd->pool, "%s %s: not a valid path",
                            cmd->cmd->name, arg);
    if ((err = read_key_file(cmd, path, &text, &len)) != NULL)
        return err;
    k = apr_pcalloc(cmd->pool, sizeof(*k));
    err = parse_keys(cmd, path, text, len, k);
    /* the text held the keys: leave no copy in the temporary pool */
    memset(text, 0, len);
    if (err)
        return err;
    c->keys = k;   /* and replaces a RetryWithSecret of this section */
    return NULL;
}

const char *rw_cmd_echo_lifetime(cmd_parms *cmd, void *dconf, const char *arg)
{
    rw_dir_conf *c = rw_mark(dconf, RW_SET_ECHO_LIFETIME);
    char *end;
    apr_int64_t n = apr_strtoi64(arg, &end, 10);
    if (*end || end == arg || n < 1 || n > 86400)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number of seconds "
                            "from 1 to 86400", cmd->cmd->name, arg);
    c->echo_lifetime = (int)n;
    return NULL;
}
