/* RFC 3986 references as RFC 4918 uses them: Simple-ref (Destination,
 * Resource-Tag), absolute-URI (Coded-URL), and opaquelocktoken (App. C). */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

/* Scans pchar / "/" (and "?" in a query) with pct-encoding, up to a stop
 * byte. Returns NULL, or a reason with *i at the fault. */
static const char *scan_chars(const char *v, apr_size_t len, apr_size_t *i,
                              int in_query)
{
    while (*i < len) {
        unsigned char c = (unsigned char)v[*i];
        if (c == '%') {
            if (*i + 2 >= len || rwdav_hexval((unsigned char)v[*i + 1]) < 0
                || rwdav_hexval((unsigned char)v[*i + 2]) < 0)
                return "malformed percent-encoding";
            if (v[*i + 1] == '0' && v[*i + 2] == '0')
                return "an encoded NUL (%00) is not allowed";
            *i += 3;
            continue;
        }
        if (c == '?' && !in_query)
            return NULL;
        if (c == '#')
            return "a fragment is not allowed";
        if (!(RWC_PCHAR(c) || c == '/' || c == '?'))
            return "character not allowed in a URI";
        (*i)++;
    }
    return NULL;
}

static const char *scan_authority(const char *v, apr_size_t len,
                                  apr_size_t *i, rwdav_uri *u, apr_pool_t *p)
{
    apr_size_t start = *i, end = *i, at = (apr_size_t)-1, hs, he, k;

    while (end < len && v[end] != '/' && v[end] != '?' && v[end] != '#')
        end++;
    for (k = start; k < end; k++)
        if (v[k] == '@')
            at = k;
    if (at != (apr_size_t)-1) {
        for (k = start; k < at; k++) {
            unsigned char c = (unsigned char)v[k];
            if (c == '%' && k + 2 < at && rwdav_hexval(v[k + 1]) >= 0
                && rwdav_hexval(v[k + 2]) >= 0) {
                k += 2;
                continue;
            }
            if (!(RWC_IS(c, RWC_UNRESERVED | RWC_SUB_DELIM) || c == ':')) {
                *i = k;
                return "character not allowed in the userinfo";
            }
        }
        if (u)
            u->has_userinfo = 1;
        start = at + 1;
    }
    hs = start;
    if (hs < end && v[hs] == '[') {
        for (k = hs + 1; k < end && v[k] != ']'; k++) {
            unsigned char c = (unsigned char)v[k];
            if (!(RWC_IS(c, RWC_UNRESERVED | RWC_SUB_DELIM) || c == ':')) {
                *i = k;
                return "character not allowed in an IP literal";
            }
        }
        if (k >= end) {
            *i = end;
            return "unterminated IP literal";
        }
        he = k + 1;
    }
    else {
        for (k = hs; k < end && v[k] != ':'; k++) {
            unsigned char c = (unsigned char)v[k];
            if (c == '%' && k + 2 < end && rwdav_hexval(v[k + 1]) >= 0
                && rwdav_hexval(v[k + 2]) >= 0) {
                k += 2;
                continue;
            }
            if (!RWC_IS(c, RWC_UNRESERVED | RWC_SUB_DELIM)) {
                *i = k;
                return "character not allowed in the host";
            }
        }
        he = k;
    }
    if (u) {
        char *h = apr_pstrmemdup(p, v + hs, he - hs);
        for (k = 0; h[k]; k++)
            if (h[k] >= 'A' && h[k] <= 'Z')
                h[k] += 32;
        u->host = h;
    }
    if (he < end) {
        long port = 0;
        if (v[he] != ':') {
            *i = he;
            return "character not allowed after the host";
        }
        for (k = he + 1; k < end; k++) {
            if (!RWC_IS(v[k], RWC_DIGIT)) {
                *i = k;
                return "the port is not a number";
            }
            port = port * 10 + (v[k] - '0');
            if (port > 65535) {
                *i = k;
                return "the port is out of range";
            }
        }
        /* ":" alone means the default port; an explicit 0 is no port */
        if (end > he + 1 && port == 0) {
            *i = he + 1;
            return "the port is out of range";
        }
        if (u)
            u->port = (int)port;
    }
    *i = end;
    return NULL;
}

const char *rwdav_parse_ref(apr_pool_t *p, const char *v, apr_size_t len,
                            int allow_path, rwdav_uri *u, apr_size_t *off)
{
    apr_size_t i = 0, ps;
    const char *why;

    if (u)
        memset(u, 0, sizeof(*u));
    *off = 0;
    if (len == 0)
        return "empty";
    if (v[0] == '/') {
        if (!allow_path)
            return "not an absolute URI";
        if (len > 1 && v[1] == '/') {
            *off = 1;
            return "a network-path reference (//host) is not allowed";
        }
    }
    else {
        if (!RWC_IS(v[0], RWC_ALPHA))
            return allow_path ? "neither an absolute URI nor an absolute path"
                              : "not an absolute URI";
        for (i = 1; i < len && (RWC_IS(v[i], RWC_ALPHA | RWC_DIGIT)
                                || RWC_IS(v[i], RWC_SCHEME_EXTRA)); i++)
            ;
        if (i >= len || v[i] != ':') {
            *off = i < len ? i : len;
            return allow_path ? "neither an absolute URI nor an absolute path"
                              : "not an absolute URI";
        }
        if (u) {
            char *s = apr_pstrmemdup(p, v, i);
            apr_size_t k;
            for (k = 0; s[k]; k++)
                if (s[k] >= 'A' && s[k] <= 'Z')
                    s[k] += 32;
            u->scheme = s;
        }
        i++;
        if (i + 1 < len && v[i] == '/' && v[i + 1] == '/') {
            i += 2;
            if ((why = scan_authority(v, len, &i, u, p)) != NULL) {
                *off = i;
                return why;
            }
        }
    }
    ps = i;
    if ((why = scan_chars(v, len, &i, 0)) != NULL) {
        *off = i;
        return why;
    }
    if (u)
        u->path = (i > ps) ? apr_pstrmemdup(p, v + ps, i - ps) : "/";
    if (i < len) {                      /* v[i] == '?' */
        apr_size_t qs = ++i;
        if ((why = scan_chars(v, len, &i, 1)) != NULL) {
            *off = i;
            return why;
        }
        if (u)
            u->query = apr_pstrmemdup(p, v + qs, i - qs);
    }
    return NULL;
}

int rwdav_scan_absolute_uri(const char *v, apr_size_t len, apr_size_t *off)
{
    return rwdav_parse_ref(NULL, v, len, 0, NULL, off) == NULL;
}

int rwdav_locktoken_uri_ok(const char *v, apr_size_t len, int *has_path)
{
    static const char pfx[] = "opaquelocktoken:";
    static const int groups[] = { 8, 4, 4, 4, 12 };
    apr_size_t i = sizeof(pfx) - 1;
    int g, k;

    *has_path = 0;
    if (len < i || !rwdav_ieq(v, i, pfx))
        return 1;
    for (g = 0; g < 5; g++) {
        if (g && (i >= len || v[i++] != '-'))
            return 0;
        for (k = 0; k < groups[g]; k++, i++)
            if (i >= len || !RWC_IS(v[i], RWC_HEX))
                return 0;
    }
    if (i == len)
        return 1;
    if (v[i] != '/' || (i + 1 < len && v[i + 1] == '/'))
        return 0;   /* path-absolute never starts with "//" */
    *has_path = 1;
    return 1;
}

rwdav_error *rwdav_path_check(apr_pool_t *p, rwdav_substatus sub,
                              const char *path, apr_size_t len,
                              const char **decoded)
{
    char *d = apr_palloc(p, len + 1);
    apr_size_t i, n = 0, seg;
    long depth = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return rwdav_error_make(p, 400, sub,
                                        "malformed percent-encoding", i);
            hi = rwdav_hexval((unsigned char)path[i + 1]);
            lo = rwdav_hexval((unsigned char)path[i + 2]);
            if (hi < 0 || lo < 0)
                return rwdav_error_make(p, 400, sub,
                                        "malformed percent-encoding", i);
            c = (unsigned char)(hi * 16 + lo);
            if (c == 0)
                return rwdav_error_make(p, 400, sub,
                                        "an encoded NUL (%00) is not allowed", i);
            i += 2;
        }
        else if (c == 0) {
            return rwdav_error_make(p, 400, sub, "NUL byte in the path", i);
        }
        d[n++] = (char)c;
    }
    d[n] = '\0';

    /* Walk the decoded segments: "%2e%2e" and "%2f" count as the client's
     * server would decode them, so nothing encoded can climb out. */
    for (i = 0; i < n; i = seg + 1) {
        apr_size_t l;
        seg = i;
        while (seg < n && d[seg] != '/')
            seg++;
        l = seg - i;
        if (l == 2 && d[i] == '.' && d[i + 1] == '.') {
            if (--depth < 0)
                return rwdav_error_make(p, 400, sub,
                                        "a dot-segment climbs above the root", 0);
        }
        else if (l > 0 && !(l == 1 && d[i] == '.')) {
            depth++;
        }
    }
    *decoded = d;
    return NULL;
}
