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
 * byte. Returns RWDAV_E_NONE, or the fault with *i at it; *escaped is set
 * when a pct-encoding was seen. */
static rwdav_error_id scan_chars(const char *v, apr_size_t len,
                                 apr_size_t *pi, int in_query, int *escaped)
{
    apr_size_t i = *pi;        /* a local: the loop stays in registers */
    rwdav_error_id id = RWDAV_E_NONE;

    while (i < len) {
        unsigned char c;
        i = skip_class(v, i, len, RWC_PATH);
        if (i >= len)
            break;
        c = (unsigned char)v[i];
        if (c == '%') {
            if (i + 2 >= len || rwdav_hexval((unsigned char)v[i + 1]) < 0
                || rwdav_hexval((unsigned char)v[i + 2]) < 0) {
                id = RWDAV_E_DEST_BAD_ESCAPE;
                break;
            }
            if (v[i + 1] == '0' && v[i + 2] == '0') {
                id = RWDAV_E_DEST_ENCODED_NUL;
                break;
            }
            *escaped = 1;
            i += 3;
            continue;
        }
        if (c == '?' && !in_query)
            break;
        if (c == '#') {
            id = RWDAV_E_DEST_FRAGMENT;
            break;
        }
        if (c != '?') {
            id = RWDAV_E_DEST_CHAR;
            break;
        }
        i++;
    }
    *pi = i;
    return id;
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

static int host_byte(unsigned char c)
{
    return RWC_IS(c, RWC_UNRESERVED | RWC_SUB_DELIM) != 0;
}

/* The userinfo, if any: up to the last '@' of the authority, so that an
 * unescaped '@' (which RFC 3986 allows in neither part) is told as the
 * userinfo's fault rather than the host's. */
static rwdav_error_id scan_userinfo(const char *v, apr_size_t start,
                                    apr_size_t end, apr_size_t *k,
                                    rwdav_uri *u)
{
    const char *at = memchr(v + start, '@', end - start);
    apr_size_t a, j;

    *k = start;
    if (!at)
        return RWDAV_E_NONE;
    a = (apr_size_t)(at - v);
    while ((at = memchr(v + a + 1, '@', end - a - 1)) != NULL)
        a = (apr_size_t)(at - v);
    for (j = start; j < a; j++) {
        if (pct_at(v, j, a)) {
            j += 2;
            continue;
        }
        if (!host_byte(v[j]) && v[j] != ':') {
            *k = j;
            return RWDAV_E_DEST_USERINFO_CHAR;
        }
    }
    if (u)
        u->has_userinfo = 1;
    *k = a + 1;
    return RWDAV_E_NONE;
}

/* "[" IPv6address / IPvFuture "]", by their characters only: an address
 * that is not this server's is refused as another server (502) anyway. */
static rwdav_error_id scan_ip_literal(const char *v, apr_size_t start,
                                      apr_size_t end, apr_size_t *k)
{
    apr_size_t j;

    for (j = start + 1; j < end && v[j] != ']'; j++)
        if (!host_byte(v[j]) && v[j] != ':') {
            *k = j;
            return RWDAV_E_DEST_IP_LITERAL_CHAR;
        }
    *k = j < end ? j + 1 : end;
    return j < end ? RWDAV_E_NONE : RWDAV_E_DEST_IP_LITERAL_UNCLOSED;
}

/* reg-name, up to a port's ':' (RFC 3986 §3.2.2). */
static rwdav_error_id scan_reg_name(const char *v, apr_size_t start,
                                    apr_size_t end, apr_size_t *k)
{
    apr_size_t j;

    for (j = start; j < end && v[j] != ':'; j++) {
        if (host_byte(v[j]))
            continue;
        if (!pct_at(v, j, end)) {
            *k = j;
            return RWDAV_E_DEST_HOST_CHAR;
        }
        j += 2;
    }
    *k = j;
    return RWDAV_E_NONE;
}

/* ":" port, start at the byte after the host. An out-of-range port is
 * told at its first digit: the number as a whole is the fault. */
static rwdav_error_id scan_port(const char *v, apr_size_t start,
                                apr_size_t end, apr_size_t *k, int *port)
{
    long n = 0;
    apr_size_t j;

    *k = start + 1;
    if (v[start] != ':') {
        *k = start;
        return RWDAV_E_DEST_AFTER_HOST;
    }
    for (j = start + 1; j < end; j++) {
        if (!RWC_IS(v[j], RWC_DIGIT)) {
            *k = j;
            return RWDAV_E_DEST_PORT_NOT_NUMBER;
        }
        n = n * 10 + (v[j] - '0');
        if (n > 65535)
            return RWDAV_E_DEST_PORT_RANGE;
    }
    /* ":" alone means the default port; an explicit 0 is no port */
    if (end > start + 1 && n == 0)
        return RWDAV_E_DEST_PORT_RANGE;
    *port = (int)n;
    *k = end;
    return RWDAV_E_NONE;
}

/* Any authority the one-pass plain_authority did not take, part by part:
 * each part's scanner above reads from start up to end (exclusive) and
 * returns RWDAV_E_NONE with *k after its part, or the fault with *k at
 * it. */
static rwdav_error_id scan_authority(const char *v, apr_size_t len,
                                     apr_size_t *i, rwdav_uri *u)
{
    apr_size_t end, hs = *i, k;
    rwdav_error_id id;
    int port = 0;

    for (end = *i; end < len && v[end] != '/' && v[end] != '?'
                   && v[end] != '#'; end++)
        ;
    if ((id = scan_userinfo(v, *i, end, &k, u)) == RWDAV_E_NONE) {
        hs = k;
        id = hs < end && v[hs] == '[' ? scan_ip_literal(v, hs, end, &k)
                                      : scan_reg_name(v, hs, end, &k);
    }
    if (id == RWDAV_E_NONE) {
        if (u) {
            u->host = span(v, hs, k);
            u->authority = span(v, hs, end);
        }
        if (k < end)
            id = scan_port(v, k, end, &k, &port);
    }
    if (id != RWDAV_E_NONE) {
        *i = k;
        return id;
    }
    if (u)
        u->port = port;
    *i = end;
    return RWDAV_E_NONE;
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

/* The ':' that ends the scheme v[0..*k), and the "//" of an authority
 * after it: 1 with *k past them (*authority set when "//" came), 0
 * without the ':'. */
HOT_INLINE int scheme_colon(const char *v, apr_size_t len, apr_size_t *k,
                            rwdav_uri *u, int *authority)
{
    apr_size_t i = *k;

    if (i >= len || v[i] != ':')
        return 0;
    if (u)
        u->scheme = span(v, 0, i);
    i++;
    *authority = i + 1 < len && v[i] == '/' && v[i + 1] == '/';
    *k = *authority ? i + 2 : i;
    return 1;
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
    int authority;

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
        if (!scheme_colon(v, len, &i, u, &authority)
            || (authority && !plain_authority(v, len, &i, u)))
            return 0;
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

rwdav_error_id rwdav_parse_ref(const char *v, apr_size_t len, int allow_path,
                               rwdav_uri *u, apr_size_t *off)
{
    if (len > 0 && plain_ref(v, len, allow_path, u)) {
        *off = 0;
        return RWDAV_E_NONE;
    }
    return rwdav_parse_ref_general(v, len, allow_path, u, off);
}

/* scheme ":" [ "//" authority ], *i after it or at the fault. */
static rwdav_error_id scan_scheme_authority(const char *v, apr_size_t len,
                                            apr_size_t *i, rwdav_uri *u)
{
    apr_size_t k = 0;
    rwdav_error_id id = RWDAV_E_NONE;
    int authority;

    if (!RWC_IS(v[0], RWC_ALPHA)) {
        *i = 0;
        return RWDAV_E_DEST_NOT_REFERENCE;
    }
    k = scheme_end(v, 1, len);
    if (!scheme_colon(v, len, &k, u, &authority)) {
        *i = k;
        return RWDAV_E_DEST_NOT_REFERENCE;
    }
    if (authority && !plain_authority(v, len, &k, u))
        id = scan_authority(v, len, &k, u);
    *i = k;
    return id;
}

rwdav_error_id rwdav_parse_ref_general(const char *v, apr_size_t len,
                                       int allow_path, rwdav_uri *u,
                                       apr_size_t *off)
{
    apr_size_t i = 0, ps;
    rwdav_error_id id;
    int escaped = 0;

    if (u)
        memset(u, 0, sizeof(*u));
    *off = 0;
    if (len == 0)
        return RWDAV_E_DEST_EMPTY;
    if (v[0] == '/') {
        if (!allow_path)
            return RWDAV_E_DEST_NOT_REFERENCE;
        if (len > 1 && v[1] == '/') {
            *off = 1;
            return RWDAV_E_DEST_NETWORK_PATH;
        }
    }
    else if ((id = scan_scheme_authority(v, len, &i, u)) != RWDAV_E_NONE) {
        *off = i;
        return id;
    }
    ps = i;
    if ((id = scan_chars(v, len, &i, 0, &escaped)) != RWDAV_E_NONE) {
        *off = i;
        return id;
    }
    if (u) {
        u->path = span(v, ps, i);
        u->path_escaped = escaped;
        if (i == ps)
            u->path.p = "/", u->path.len = 1, u->path_absent = 1;
    }
    if (i < len) {                      /* v[i] == '?' */
        apr_size_t qs = ++i;
        if ((id = scan_chars(v, len, &i, 1, &escaped)) != RWDAV_E_NONE) {
            *off = i;
            return id;
        }
        if (u)
            u->query = span(v, qs, i);
    }
    return RWDAV_E_NONE;
}

int rwdav_scan_absolute_uri(const char *v, apr_size_t len, apr_size_t *off)
{
    return rwdav_parse_ref(v, len, 0, NULL, off) == RWDAV_E_NONE;
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

rwdav_error_id rwdav_tag_fault(rwdav_error_id dest_id)
{
    static const rwdav_error_id map[][2] = {
        { RWDAV_E_DEST_EMPTY, RWDAV_E_IF_TAG_EMPTY },
        { RWDAV_E_DEST_NOT_REFERENCE, RWDAV_E_IF_TAG_NOT_REFERENCE },
        { RWDAV_E_DEST_NETWORK_PATH, RWDAV_E_IF_TAG_NETWORK_PATH },
        { RWDAV_E_DEST_BAD_ESCAPE, RWDAV_E_IF_TAG_BAD_ESCAPE },
        { RWDAV_E_DEST_ENCODED_NUL, RWDAV_E_IF_TAG_ENCODED_NUL },
        { RWDAV_E_DEST_FRAGMENT, RWDAV_E_IF_TAG_FRAGMENT },
        { RWDAV_E_DEST_CHAR, RWDAV_E_IF_TAG_CHAR },
        { RWDAV_E_DEST_USERINFO_CHAR, RWDAV_E_IF_TAG_USERINFO_CHAR },
        { RWDAV_E_DEST_IP_LITERAL_CHAR, RWDAV_E_IF_TAG_IP_LITERAL_CHAR },
        { RWDAV_E_DEST_IP_LITERAL_UNCLOSED,
          RWDAV_E_IF_TAG_IP_LITERAL_UNCLOSED },
        { RWDAV_E_DEST_HOST_CHAR, RWDAV_E_IF_TAG_HOST_CHAR },
        { RWDAV_E_DEST_AFTER_HOST, RWDAV_E_IF_TAG_AFTER_HOST },
        { RWDAV_E_DEST_PORT_NOT_NUMBER, RWDAV_E_IF_TAG_PORT_NOT_NUMBER },
        { RWDAV_E_DEST_PORT_RANGE, RWDAV_E_IF_TAG_PORT_RANGE },
        { RWDAV_E_DEST_NUL, RWDAV_E_IF_TAG_NUL },
        { RWDAV_E_DEST_DOT_SEGMENT, RWDAV_E_IF_TAG_DOT_SEGMENT },
        { RWDAV_E_DEST_NO_HOST, RWDAV_E_IF_TAG_NO_HOST },
        { RWDAV_E_DEST_USERINFO, RWDAV_E_IF_TAG_USERINFO },
    };
    apr_size_t k;

    for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
        if (map[k][0] == dest_id)
            return map[k][1];
    return dest_id;     /* not a reference fault: the unit tests see it */
}

/* The byte at path[*i], decoded when it starts an escape (*i then at the
 * escape's last digit). The server the path names decodes it so. */
static rwdav_error_id path_byte(const char *path, apr_size_t len,
                                apr_size_t *i, unsigned char *c)
{
    int hi, lo;

    *c = (unsigned char)path[*i];
    if (*c == 0)
        return RWDAV_E_DEST_NUL;
    if (*c != '%')
        return RWDAV_E_NONE;
    if (*i + 2 >= len || (hi = rwdav_hexval((unsigned char)path[*i + 1])) < 0
        || (lo = rwdav_hexval((unsigned char)path[*i + 2])) < 0)
        return RWDAV_E_DEST_BAD_ESCAPE;
    *c = (unsigned char)(hi * 16 + lo);
    if (*c == 0)
        return RWDAV_E_DEST_ENCODED_NUL;
    *i += 2;
    return RWDAV_E_NONE;
}

static rwdav_error *path_fault(apr_pool_t *p, rwdav_substatus sub,
                               rwdav_error_id id, apr_size_t at)
{
    return rwdav_fault(p, sub == RWDAV_SUB_IF ? rwdav_tag_fault(id) : id, at);
}

rwdav_error *rwdav_path_check(apr_pool_t *p, rwdav_substatus sub,
                              const char *path, apr_size_t len,
                              const char **decoded)
{
    char *d = NULL;
    apr_size_t i, n = 0, seg = 0, seg_at = 0;
    long depth = 0;
    int dots = 0;       /* the segment so far is that many dots; -1: not */
    rwdav_error_id id;

    if (!decoded && !memchr(path, '%', len) && !memchr(path, '\0', len)
        && !rwdav_path_has_dot_segment(path, len))
        return NULL;
    if (decoded)
        d = apr_palloc(p, len + 1);

    /* Segments count as the client's server would decode them: "%2e%2e"
     * and "%2f" included, so nothing encoded can climb out. A ".." that
     * climbs is told where its segment starts. */
    for (i = 0; i <= len; i++) {
        unsigned char c = '/';
        apr_size_t at = i;
        if (i < len && (id = path_byte(path, len, &i, &c)) != RWDAV_E_NONE)
            return path_fault(p, sub, id, at);
        if (c != '/') {
            seg++;
            dots = (c == '.' && dots >= 0) ? dots + 1 : -1;
        }
        else {
            if (seg == 2 && dots == 2) {
                if (--depth < 0)
                    return path_fault(p, sub, RWDAV_E_DEST_DOT_SEGMENT,
                                      seg_at);
            }
            else if (seg > 0 && !(seg == 1 && dots == 1)) {
                depth++;
            }
            seg = 0;
            dots = 0;
            seg_at = i + 1;
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
