/* Lock-Token: RFC 4918 §10.5, "Lock-Token" ":" Coded-URL. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

#define LT_ERR(why, at) \
    rwdav_error_make(p, 400, RWDAV_SUB_LOCK_TOKEN, (why), (at))

rwdav_error *rwdav_locktoken_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, const rwdav_limits *lim,
                                   int allow_bare,
                                   const char **token, const char **normalized)
{
    rwdav_limits l = *lim;
    apr_size_t s = 0, e = len, off;
    int has_path;

    rwdav_limits_default(&l);
    if (len == 0)
        return LT_ERR("empty Lock-Token header", 0);
    if (len > l.header_len)
        return LT_ERR("Lock-Token header too long", l.header_len);
    if (v[0] == '<') {
        if (v[len - 1] != '>' || len < 2)
            return LT_ERR("Lock-Token must end with '>'", len - 1);
        s = 1;
        e = len - 1;
    }
    else if (!allow_bare) {
        return LT_ERR("Lock-Token must be a Coded-URL: <absolute-URI>", 0);
    }
    if (e == s)
        return LT_ERR("empty lock token '<>'", s);
    if (!rwdav_scan_absolute_uri(v + s, e - s, &off))
        return LT_ERR("the lock token must be an absolute URI", s + off);
    if (!rwdav_locktoken_uri_ok(v + s, e - s, &has_path))
        return LT_ERR("malformed opaquelocktoken URI (RFC 4918 App. C)", s);
    *token = apr_pstrmemdup(p, v + s, e - s);
    *normalized = s ? apr_pstrmemdup(p, v, len)
                    : apr_pstrcat(p, "<", *token, ">", NULL);
    return NULL;
}

int rwdav_locktoken_is_fs(const char *token)
{
    int has_path = 1;

    /* mod_dav_fs's parser looks for this exact prefix, then a bare UUID */
    return !strncmp(token, "opaquelocktoken:", 16)
           && rwdav_locktoken_uri_ok(token, strlen(token), &has_path)
           && !has_path;
}
