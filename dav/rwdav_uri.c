/* RFC 3986 references as RFC 4918 uses them: Simple-ref (Destination,
 * Resource-Tag), absolute-URI (Coded-URL), and opaquelocktoken (App. C). */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

#define HOT_INLINE RWDAV_HOT_INLINE

/* Skips bytes of class cls from i: eight per step where it can, which
 * halves the loop's own instructions on the usual all-plain runs. (Testing
 * the eight at once, without a branch each, costs more instructions on the
 * short runs of a host name.) */
HOT_INLINE apr_size_t skip_class(const char *v, apr_size_t i,
                                 apr_size_t len, unsigned cls)
{
    while (i + 8 <= len && RWC_IS(v[i], cls) && RWC_IS(v[i + 1], cls)
           && RWC_IS(v[i + 2], cls) && RWC_IS(v[i + 3], cls)
           && RWC_IS(v[i + 4], cls) && RWC_IS(v[i + 5], cls)
           && RWC_IS(v[i + 6], cls) && RWC_IS(v[i + 7], cls))
        i += 8;
    while (i < len && RWC_IS(v[i], cls))
        i++;
    return i;
}

/* Scans pchar / "/" (and "?" in a query) with pct-encoding, up to a stop
 * byte. Returns NULL, or a reason with *i at the fault; *escaped is set
 * when a pct-encoding was seen. */
static const char *scan_chars(const char *v, apr_size_t len, apr_size_t *pi,
                              int in_query, int *escaped)
{
    apr_size_t i = *pi;        /* a local: the loop stays in registers */
    const char *why = NULL;

    while (i < len) {
        unsigned char c;
        i = skip_class(v, i, len, RWC_PATH);
        if (i >= len)
            break;
        c = (unsigned char)v[i];
        if (c == '%') {
            if (i + 2 >= len || rwdav_hexval((unsigned char)v[i + 1]) < 0
                || rwdav_hexval((unsigned char)v[i + 2]) < 0) {
                why = "malformed percent-encoding";
                break;
            }
            if (v[i + 1] == '0' && v[i + 2] == '0') {
                why = "an encoded NUL (%00) is not allowed";
                break;
            }
            *escaped = 1;
            i += 3;
            continue;
        }
        if (c == '?' && !in_query)
            break;
        if (c == '#') {
            why = "a fragment is not allowed";
            break;
        }
        if (c != '?') {
            why = "character not allowed in a URI";
            break;
        }
        i++;
    }
    *pi = i;
    return why;
}

static rwdav_span span(const char *v, apr_size_t start, apr_size_t end)
{
    rwdav_span sp;
    sp.p = v + start;
    sp.len = end - start;
    return sp;
}

static int pct_at(const char *v, apr_size_t k, apr_size_t end)
{
    return v[k] == '%' && k + 2 < end && rwdav_hexval(v[k + 1]) >= 0
        && rwdav_hexval(v[k + 2]) >= 0;
}

/* The usual authority, host[:port] of plain reg-name characters, in one
 * pass; 0 for anything else (userinfo, IP literal, escapes), which the
 * general scanner below then takes from the start. */
HOT_INLINE int plain_authority(const char *v, apr_size_t len, apr_size_t *i,
                               rwdav_uri *u)
{
    apr_size_t k = *i, he, ps;
    long port = 0;

    k = skip_class(v, k, len, RWC_UNRESERVED | RWC_SUB_DELIM);
    he = k;
    if (k < len && v[k] == ':') {
        /* at most five digits; an unsigned d > 9 is no digit */
        apr_size_t stop = len - k > 6 ? k + 6 : len;
        unsigned d;
        ps = ++k;
        if (stop - k == 5) {
            /* five bytes to read: no bound check per digit */
            const unsigned char *q = (const unsigned char *)v + k;
            apr_size_t n;
#if defined(__GNUC__)
#pragma GCC unroll 5
#endif
            for (n = 0; n < 5; n++) {
                if ((d = q[n] - (unsigned)'0') > 9)
                    break;
                port = port * 10 + d;
            }
            k += n;
        }
        else {
            for (; k < stop && (d = (unsigned char)v[k] - '0') <= 9; k++)
                port = port * 10 + d;
        }
        if (k == ps || port == 0 || port > 65535)
            return 0;
    }
    if (k < len && v[k] != '/' && v[k] != '?')
        return 0;
    if (u) {
        u->host = span(v, *i, he);
        u->authority = span(v, *i, k);
        u->port = (int)port;
    }
    *i = k;
    return 1;
}

static const char *scan_authority(const char *v, apr_size_t len,
                                  apr_size_t *i, rwdav_uri *u)
{
    apr_size_t start = *i, end, hs, he, k;
    const char *at;

    for (end = start; end < len && v[end] != '/' && v[end] != '?'
                      && v[end] != '#'; end++)
        ;
    if ((at = memchr(v + start, '@', end - start)) != NULL) {
        apr_size_t a = (apr_size_t)(at - v);
        while ((at = memchr(v + a + 1, '@', end - a - 1)) != NULL)
            a = (apr_size_t)(at - v);   /* the last '@' ends the userinfo */
        for (k = start; k < a; k++) {
            unsigned char c = (unsigned char)v[k];
            if (pct_at(v, k, a)) {
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
        start = a + 1;
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
            if (RWC_IS(c, RWC_UNRESERVED | RWC_SUB_DELIM))
                continue;
            if (pct_at(v, k, end)) {
                k += 2;
                continue;
            }
            *i = k;
            return "character not allowed in the host";
        }
        he = k;
    }
    if (u) {
        u->host = span(v, hs, he);
        u->authority = span(v, hs, end);
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

/* The end of a scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )) that
 * starts v, its first i bytes known to belong: the index of the byte after
 * it. */
static apr_size_t scheme_end(const char *v, apr_size_t i, apr_size_t len)
{
    for (; i < len && RWC_IS(v[i], RWC_ALPHA | RWC_DIGIT | RWC_SCHEME_EXTRA);
         i++)
        ;
    return i;
}

/* The usual reference in one tight pass: scheme ":" ["//" host [":" port]]
 * then plain path bytes to the end (no escape, query, fragment, IP literal
 * or userinfo), or the same path alone. Returns 1 with *u filled (when not
 * NULL) as the general scan below would fill it; 0 for anything else, which
 * that scan then takes from the start. */
static int plain_ref(const char *v, apr_size_t len, int allow_path,
                     rwdav_uri *u)
{
    const rwdav_span none = { NULL, 0 };
    apr_size_t i = 0, ps;

    /* field by field: the compiler's memset of the whole struct was a
     * string instruction that counts once per word */
    if (u) {
        u->scheme = u->host = u->authority = u->query = none;
        u->port = u->path_escaped = u->has_userinfo = u->path_absent = 0;
    }
    if (v[0] == '/') {
        if (!allow_path || (len > 1 && v[1] == '/'))
            return 0;
    }
    else {
        /* "http" and "https" as clients write them, four bytes at once */
        if (len > 5 && !memcmp(v, "http", 4))
            i = v[4] == 's' ? 5 : 4;
        else if (RWC_IS(v[0], RWC_ALPHA))
            i = 1;
        else
            return 0;
        i = scheme_end(v, i, len);
        if (i >= len || v[i] != ':')
            return 0;
        if (u)
            u->scheme = span(v, 0, i);
        i++;
        if (i + 1 < len && v[i] == '/' && v[i + 1] == '/') {
            i += 2;
            if (!plain_authority(v, len, &i, u))
                return 0;
        }
    }
    ps = i;
    if (!rwdav_all_class(v, i, len, RWC_PATH))
        return 0;
    if (u) {
        u->path = span(v, ps, len);
        if (ps == len)
            u->path.p = "/", u->path.len = 1, u->path_absent = 1;
    }
    return 1;
}

const char *rwdav_parse_ref(const char *v, apr_size_t len, int allow_path,
                            rwdav_uri *u, apr_size_t *off)
{
    if (len > 0 && plain_ref(v, len, allow_path, u)) {
        *off = 0;
        return NULL;
    }
    return rwdav_parse_ref_general(v, len, allow_path, u, off);
}

const char *rwdav_parse_ref_general(const char *v, apr_size_t len,
                                    int allow_path, rwdav_uri *u,
                                    apr_size_t *off)
{
    apr_size_t i = 0, ps;
    const char *why;
    int escaped = 0;

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
        i = scheme_end(v, 1, len);
        if (i >= len || v[i] != ':') {
            *off = i < len ? i : len;
            return allow_path ? "neither an absolute URI nor an absolute path"
                              : "not an absolute URI";
        }
        if (u)
            u->scheme = span(v, 0, i);
        i++;
        if (i + 1 < len && v[i] == '/' && v[i + 1] == '/') {
            i += 2;
            if (!plain_authority(v, len, &i, u)
                && (why = scan_authority(v, len, &i, u)) != NULL) {
                *off = i;
                return why;
            }
        }
    }
    ps = i;
    if ((why = scan_chars(v, len, &i, 0, &escaped)) != NULL) {
        *off = i;
        return why;
    }
    if (u) {
        u->path = span(v, ps, i);
        u->path_escaped = escaped;
        if (i == ps)
            u->path.p = "/", u->path.len = 1, u->path_absent = 1;
    }
    if (i < len) {                      /* v[i] == '?' */
        apr_size_t qs = ++i;
        if ((why = scan_chars(v, len, &i, 1, &escaped)) != NULL) {
            *off = i;
            return why;
        }
        if (u)
            u->query = span(v, qs, i);
    }
    return NULL;
}

int rwdav_scan_absolute_uri(const char *v, apr_size_t len, apr_size_t *off)
{
    return rwdav_parse_ref(v, len, 0, NULL, off) == NULL;
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

int rwdav_path_has_dot_segment(const char *path, apr_size_t len)
{
    const char *dot = path, *end = path + len;
    while ((dot = memchr(dot, '.', (apr_size_t)(end - dot))) != NULL
           && dot > path && dot[-1] != '/')
        dot++;
    return dot != NULL;
}

rwdav_error *rwdav_path_check(apr_pool_t *p, rwdav_substatus sub,
                              const char *path, apr_size_t len,
                              const char **decoded)
{
    char *d = NULL;
    apr_size_t i, n = 0, seg = 0;
    long depth = 0;
    int dots = 0;       /* the segment so far is that many dots; -1: not */

    if (!decoded && !memchr(path, '%', len) && !memchr(path, '\0', len)
        && !rwdav_path_has_dot_segment(path, len))
        return NULL;
    if (decoded)
        d = apr_palloc(p, len + 1);

    /* Segments count as the client's server would decode them: "%2e%2e"
     * and "%2f" included, so nothing encoded can climb out. */
    for (i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)path[i] : '/';
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
        if (c != '/') {
            seg++;
            dots = (c == '.' && dots >= 0) ? dots + 1 : -1;
        }
        else {
            if (seg == 2 && dots == 2) {
                if (--depth < 0)
                    return rwdav_error_make(p, 400, sub, "a dot-segment "
                                            "climbs above the root", 0);
            }
            else if (seg > 0 && !(seg == 1 && dots == 1)) {
                depth++;
            }
            seg = 0;
            dots = 0;
        }
        if (d && i < len)
            d[n++] = (char)c;
    }
    if (d) {
        d[n] = '\0';
        *decoded = d;
    }
    return NULL;
}
