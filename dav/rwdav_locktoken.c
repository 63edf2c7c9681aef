/* Lock-Token: RFC 4918 §10.5, "Lock-Token" ":" Coded-URL. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

#define LT_ERR(id, at) rwdav_fault(p, (id), (at))

/* A Coded-URL that does not end with its '>': the first byte after its
 * first '>', or the end of the value when there is none. */
static apr_size_t after_close(const char *v, apr_size_t len)
{
    const char *gt = memchr(v + 1, '>', len - 1);
    return gt ? (apr_size_t)(gt - v) + 1 : len;
}

rwdav_error *rwdav_locktoken_parse(apr_pool_t *p, const char *v,
                                   apr_size_t len, const rwdav_limits *lim,
                                   int allow_bare,
                                   const char **token, const char **normalized)
{
    apr_size_t s = 0, e = len, off;
    int has_path;

    if (len == 0)
        return LT_ERR(RWDAV_E_LOCKTOKEN_EMPTY, 0);
    if (len > lim->header_len)
        return LT_ERR(RWDAV_E_LOCKTOKEN_TOO_LONG, lim->header_len);
    if (v[0] == '<') {
        if (v[len - 1] != '>' || len < 2)
            return LT_ERR(RWDAV_E_LOCKTOKEN_UNCLOSED, after_close(v, len));
        s = 1;
        e = len - 1;
    }
    else if (!allow_bare) {
        return LT_ERR(RWDAV_E_LOCKTOKEN_BARE, 0);
    }
    if (e == s)
        return LT_ERR(RWDAV_E_LOCKTOKEN_EMPTY_URI, s);
    if (!rwdav_scan_absolute_uri(v + s, e - s, &off))
        return LT_ERR(RWDAV_E_LOCKTOKEN_NOT_URI, s + off);
    if (!rwdav_locktoken_uri_ok(v + s, e - s, &has_path))
        return LT_ERR(RWDAV_E_LOCKTOKEN_OPAQUE, s);
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
