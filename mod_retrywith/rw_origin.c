/* Which Destination names this server. Besides the Host the client used
 * (rwdav_destination_parse's own check), the server is known by its
 * ServerName (with its scheme: "ServerName https://files.example" behind a
 * TLS terminator), its ServerAlias names, and by what a proxy the admin
 * trusts forwards: RFC 7239 Forwarded, or X-Forwarded-Proto, -Host and
 * -Port. Headers from any other peer are ignored: a client could forge
 * them. */
#include <apr_fnmatch.h>
#include <apr_strings.h>

#include "httpd.h"
#include "http_core.h"
#include "http_protocol.h"

#include "rw_glue.h"

static int trusted_peer(const request_rec *r, const apr_array_header_t *t)
{
    int i;
    for (i = 0; i < t->nelts; i++)
        if (apr_ipsubnet_test(APR_ARRAY_IDX(t, i, apr_ipsubnet_t *),
                              r->connection->client_addr))
            return 1;
    return 0;
}

/* The last element of a list-valued header: the one the nearest proxy,
 * the trusted one, added. */
static const char *last_element(apr_pool_t *p, const char *v)
{
    const char *comma = v ? strrchr(v, ',') : NULL;
    char *e;
    apr_size_t n;

    if (!v)
        return NULL;
    if (comma)
        v = comma + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    e = apr_pstrmemdup(p, v, n);
    return *e ? e : NULL;
}

/* A parameter of a Forwarded element ("proto=https;host=\"h:1\""), its
 * quotes removed; NULL when absent. */
static const char *fwd_param(apr_pool_t *p, const char *elem, const char *name)
{
    apr_size_t n = strlen(name);
    const char *s = elem;

    while (s && *s) {
        while (*s == ' ' || *s == ';')
            s++;
        if (!strncasecmp(s, name, n) && s[n] == '=') {
            const char *v = s + n + 1, *end;
            if (*v == '"') {
                end = strchr(++v, '"');
                return end ? apr_pstrmemdup(p, v, end - v) : NULL;
            }
            end = v + strcspn(v, ";");
            return apr_pstrmemdup(p, v, end - v);
        }
        s = strchr(s, ';');
    }
    return NULL;
}

/* host[:port] into an origin: port -1 says "read it from authority". */
static void set_authority(apr_pool_t *p, rwdav_origin *o, const char *a)
{
    const char *colon = strrchr(a, ':');

    o->authority = a;
    o->port = -1;
    if (a[0] == '[') {
        const char *close = strchr(a, ']');
        o->host = close ? apr_pstrmemdup(p, a, close - a + 1) : a;
    }
    else {
        o->host = colon ? apr_pstrmemdup(p, a, colon - a) : a;
    }
}

/* The public origin a trusted proxy forwards, if it forwards one. */
static int forwarded_origin(request_rec *r, rwdav_origin *o)
{
    apr_table_t *h = r->headers_in;
    const char *fwd = last_element(r->pool, apr_table_get(h, "Forwarded"));
    const char *proto, *host, *port;

    if (fwd) {
        proto = fwd_param(r->pool, fwd, "proto");
        host = fwd_param(r->pool, fwd, "host");
        port = NULL;
    }
    else {
        proto = last_element(r->pool, apr_table_get(h, "X-Forwarded-Proto"));
        host = last_element(r->pool, apr_table_get(h, "X-Forwarded-Host"));
        port = last_element(r->pool, apr_table_get(h, "X-Forwarded-Port"));
    }
    if (!proto && !host && !port)
        return 0;
    if (proto) {
        if (!strcasecmp(proto, "https"))
            o->scheme = "https";
        else if (!strcasecmp(proto, "http"))
            o->scheme = "http";
        else
            return 0;
    }
    else {
        o->scheme = ap_http_scheme(r);
    }
    host = host ? host : apr_table_get(h, "Host");
    if (!host)
        return 0;
    set_authority(r->pool, o, host);
    if (port) {
        char *end;
        long n = strtol(port, &end, 10);
        if (*end || n < 1 || n > 65535)
            return 0;
        o->port = (int)n;
        o->authority = NULL;
    }
    return 1;
}

/* One of the server's names, at its port: ServerName's, or, where it
 * gives none, the scheme's default or the port the request came in on. */
static int names_server(request_rec *r, const rwdav_uri *u, rwdav_origin *o,
                        const char *host)
{
    o->host = host;
    o->port = r->server->port;
    if (rwdav_destination_names(u, o))
        return 1;
    o->port = r->connection->local_addr->port;
    return !r->server->port && rwdav_destination_names(u, o);
}

int rw_origin_known(request_rec *r, const rw_dir_conf *conf,
                    const rwdav_uri *u)
{
    server_rec *s = r->server;
    rwdav_origin o;
    int i;

    o.scheme = ap_http_scheme(r);   /* ServerName's scheme, if it has one */
    o.authority = NULL;
    if (s->server_hostname && names_server(r, u, &o, s->server_hostname))
        return 1;
    for (i = 0; s->names && i < s->names->nelts; i++)
        if (names_server(r, u, &o, APR_ARRAY_IDX(s->names, i, const char *)))
            return 1;
    if (s->wild_names && s->wild_names->nelts) {
        char *host = apr_pstrmemdup(r->pool, u->host.p, u->host.len);
        for (i = 0; i < s->wild_names->nelts; i++)
            if (apr_fnmatch(APR_ARRAY_IDX(s->wild_names, i, const char *),
                            host, APR_FNM_CASE_BLIND) == APR_SUCCESS
                && names_server(r, u, &o, host))
                return 1;
    }
    return conf->trusted && trusted_peer(r, conf->trusted)
           && forwarded_origin(r, &o) && rwdav_destination_names(u, &o);
}
