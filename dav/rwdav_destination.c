/* Destination: RFC 4918 §10.3 Simple-ref, §8.3 (no climbing dot-segments),
 * and "another server" (§9.8.5: 502) for scheme, host or port. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

/* x | 0x20 folds a letter and maps nothing else onto one. */
int rwdav_scheme_port(const char *s, apr_size_t n)
{
    /* as clients write them, without folding byte by byte */
    if (n == 4 && !memcmp(s, "http", 4))
        return 80;
    if (n == 5 && !memcmp(s, "https", 5))
        return 443;
    if (n < 4 || (s[0] | 0x20) != 'h' || (s[1] | 0x20) != 't'
        || (s[2] | 0x20) != 't' || (s[3] | 0x20) != 'p')
        return 0;
    if (n == 4)
        return 80;
    return n == 5 && (s[4] | 0x20) == 's' ? 443 : 0;
}

/* The port the client addressed: given, or after the last ':' of the Host
 * value (httpd has refused a malformed one), or the scheme's default. */
static int origin_port(const rwdav_origin *o, int dport)
{
    const char *a = o->authority, *end, *d;
    int port = 0;

    if (o->port >= 0 || !a)
        return o->port > 0 ? o->port : dport;
    end = a + strlen(a);
    for (d = end; d > a && d[-1] >= '0' && d[-1] <= '9'; d--)
        ;
    if (d > a && d[-1] == ':')
        for (; d < end && port < 65536; d++)
            port = port * 10 + (*d - '0');
    return port ? port : dport;
}

/* The Destination's host against the one the client addressed: case-blind,
 * and an IPv6 literal matches with or without its brackets on either side
 * (httpd's r->hostname has shown both). */
static int same_host(rwdav_span h, const char *self)
{
    apr_size_t n = strlen(self);
    if (n > 1 && self[0] == '[' && self[n - 1] == ']')
        self++, n -= 2;
    if (h.len > 1 && h.p[0] == '[' && h.p[h.len - 1] == ']')
        h.p++, h.len -= 2;
    return h.len == n && rwdav_ieqn(h.p, self, n);
}

/* Clients build Destination from the URL they used, so its authority is
 * most often the Host header byte for byte: then it is this server. */
static int same_server(const rwdav_uri *u, const rwdav_origin *self,
                       int self_dport)
{
    int port;
    if (self->authority && u->authority.len > 0
        && !strncmp(self->authority, u->authority.p, u->authority.len)
        && self->authority[u->authority.len] == '\0')
        return 1;
    port = u->port ? u->port : self_dport;
    return same_host(u->host, self->host)
           && port == origin_port(self, self_dport);
}

int rwdav_destination_names(const rwdav_uri *u, const rwdav_origin *o)
{
    int dport = u->scheme.p ? rwdav_scheme_port(u->scheme.p, u->scheme.len) : 0;
    int odport = rwdav_scheme_port(o->scheme, strlen(o->scheme));

    return dport && dport == odport && u->host.len > 0
           && same_server(u, o, odport);
}

const char *rwdav_destination_rebase(apr_pool_t *p, const rwdav_uri *u,
                                     const rwdav_origin *o)
{
    const char *host = o->host;
    int dport = rwdav_scheme_port(o->scheme, strlen(o->scheme));
    int port = origin_port(o, dport);

    if (strchr(host, ':') && host[0] != '[')
        host = apr_pstrcat(p, "[", host, "]", NULL);
    return port == dport
        ? apr_pstrcat(p, o->scheme, "://", host,
                      apr_pstrmemdup(p, u->path.p, u->path.len), NULL)
        : apr_psprintf(p, "%s://%s:%d%.*s", o->scheme, host, port,
                       (int)u->path.len, u->path.p);
}

/* An http(s) Destination's authority (scheme known): a host, no userinfo.
 * A missing host is told where it should start. */
static rwdav_error *http_authority(apr_pool_t *p, const char *v,
                                   const rwdav_uri *u)
{
    if (u->host.len == 0)
        return rwdav_fault(p, RWDAV_E_DEST_NO_HOST,
                           u->host.p ? (apr_size_t)(u->host.p - v)
                                     : u->scheme.len + 1);
    if (u->has_userinfo)
        return rwdav_fault(p, RWDAV_E_DEST_USERINFO, u->scheme.len + 3);
    return NULL;
}

rwdav_error *rwdav_destination_parse(apr_pool_t *p, const char *v,
                                     apr_size_t len, const rwdav_origin *self,
                                     const rwdav_limits *lim,
                                     rwdav_destination *out)
{
    rwdav_uri *u = &out->uri;
    rwdav_error_id id;
    apr_size_t off;
    rwdav_error *e = NULL;
    int self_dport = rwdav_scheme_port(self->scheme, strlen(self->scheme));
    int foreign = 0;

    out->absolute = NULL;
    out->rewritten = 0;
    if (len == 0 || len > lim->header_len) {
        memset(u, 0, sizeof(*u));
        return len ? rwdav_fault(p, RWDAV_E_DEST_TOO_LONG, lim->header_len)
                   : rwdav_fault(p, RWDAV_E_DEST_EMPTY, 0);
    }
    if ((id = rwdav_parse_ref(v, len, 1, u, &off)) != RWDAV_E_NONE)
        return rwdav_fault(p, id, off);

    if (u->scheme.p) {
        int dport = rwdav_scheme_port(u->scheme.p, u->scheme.len);
        if (!dport)
            return rwdav_fault(p, RWDAV_E_DEST_OTHER_SCHEME, 0);
        if ((e = http_authority(p, v, u)) != NULL)
            return e;
        /* judged after the path, so that a caller who knows this server
         * by other names gets a Destination checked in full */
        foreign = dport != self_dport || !same_server(u, self, self_dport);
    }

    /* the scan refused NUL already; escapes or a leading dot may climb */
    if ((u->path_escaped || rwdav_path_has_dot_segment(u->path.p,
                                                       u->path.len))
        && (e = rwdav_path_check(p, RWDAV_SUB_DESTINATION, u->path.p,
                                 u->path.len, NULL)) != NULL) {
        /* the path is a piece of v here: only the "/" that stands for an
         * empty path is not, and it cannot climb */
        e->offset += (apr_size_t)(u->path.p - v);
        return e;
    }
    if (foreign)
        return rwdav_fault(p, RWDAV_E_DEST_OTHER_SERVER, u->scheme.len + 3);

    if (u->scheme.p && !u->query.p)
        return NULL;            /* mod_dav takes the value as it is */
    out->absolute = rwdav_destination_rebase(p, u, self);
    out->rewritten = 1;
    return NULL;
}

/* The path as httpd will map it: decoded, "." and ".." resolved, runs of
 * "/" merged, no trailing "/" (but "/" itself). */
static const char *canon_path(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 2), *o = out;

    while (*s) {
        const char *seg;
        apr_size_t n;
        while (*s == '/')
            s++;
        for (seg = s; *s && *s != '/'; s++)
            ;
        n = (apr_size_t)(s - seg);
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (o > out && *--o != '/')
                ;
            continue;
        }
        *o++ = '/';
        memcpy(o, seg, n);
        o += n;
    }
    if (o == out)
        *o++ = '/';
    *o = '\0';
    return out;
}

/* Is a the same as b or a collection above it ("/" is above everything)? */
static int holds(const char *a, const char *b)
{
    apr_size_t n = strlen(a);
    if (n == 1)
        return 1;
    return !strncmp(a, b, n) && (b[n] == '/' || b[n] == '\0');
}

rwdav_error *rwdav_copymove_check(apr_pool_t *p, const char *src,
                                  const rwdav_uri *dst)
{
    const char *d, *sp;

    if (dst->path_absent)
        return rwdav_fault(p, RWDAV_E_DEST_ROOT, 0);
    if (rwdav_path_check(p, RWDAV_SUB_DESTINATION, dst->path.p,
                         dst->path.len, &d))
        return rwdav_fault(p, RWDAV_E_DEST_PATH, 0);
    d = canon_path(p, d);
    sp = canon_path(p, src);
    if (!strcmp(d, sp))
        return rwdav_fault(p, RWDAV_E_DEST_SELF, 0);
    if (holds(d, sp))
        return rwdav_fault(p, RWDAV_E_DEST_PARENT, 0);
    if (holds(sp, d))
        return rwdav_fault(p, RWDAV_E_DEST_INSIDE, 0);
    return NULL;
}
