/* Locations served by mod_proxy: the module checks them where the admin
 * says RetryWith On, and maps a Destination (and the tagged URIs of an If
 * header) that names this server to the URL the backend knows, following
 * the ProxyPass that serves that path: mod_proxy rewrites nothing in
 * request headers, so a COPY to the public URL would name a URL the
 * backend does not serve.
 *
 * The mapping is httpd's own: a lookup sub-request of the path (as mod_dav
 * looks up a Destination), which runs mod_proxy's translation and
 * canonicalisation, so that ProxyPass in any <Location> or at server
 * level, prefix or regex, "!" exclusions and nocanon mean what they mean
 * to mod_proxy, and the URL comes out encoded as mod_proxy sends it. */
#include "mod_proxy.h"
#include "http_request.h"

#include "rw_glue.h"

static module *proxy_mod;

void rw_proxy_init(void)
{
    proxy_mod = ap_find_linked_module("mod_proxy.c");
}

int rw_proxied(const request_rec *r)
{
    return r->handler && r->handler[0] == 'p'
           && (!strcmp(r->handler, "proxy-server")
               || !strncmp(r->handler, "proxy:", 6));
}

const char *rw_proxy_backend(const request_rec *r)
{
    return r->filename && !strncmp(r->filename, "proxy:", 6)
           ? r->filename + 6 : NULL;
}

/* The backend URL of a mapped path as the backend will see it: with
 * ProxyPreserveHost (of the location that maps the path) the backend gets
 * the client's Host, so the URL names that authority; a balancer's member
 * is chosen later, so a balancer URL becomes its path alone (RFC 4918
 * allows a path-absolute Destination). */
static const char *as_backend_sees(request_rec *r, request_rec *sub,
                                   const char *url)
{
    proxy_dir_conf *dconf = ap_get_module_config(sub->per_dir_config,
                                                 proxy_mod);
    const char *host = apr_table_get(r->headers_in, "Host");
    apr_uri_t u;

    if (apr_uri_parse(r->pool, url, &u) != APR_SUCCESS || !u.scheme)
        return NULL;
    if (!u.path)
        u.path = "/";
    if (dconf && dconf->preserve_host && host)
        return apr_pstrcat(r->pool, u.scheme, "://", host, u.path, NULL);
    if (!strcasecmp(u.scheme, "balancer"))
        return u.path;
    u.query = NULL;
    u.fragment = NULL;
    return apr_uri_unparse(r->pool, &u, APR_URI_UNP_OMITUSERINFO);
}

/* Do two backend URLs name the same server (scheme, host, port)? A
 * balancer is one server here: its name is its authority. */
static int same_server(apr_pool_t *p, const char *a, const char *b)
{
    apr_uri_t ua, ub;

    if (apr_uri_parse(p, a, &ua) != APR_SUCCESS
        || apr_uri_parse(p, b, &ub) != APR_SUCCESS
        || !ua.scheme || !ub.scheme || !ua.hostname || !ub.hostname)
        return 0;
    if (!ua.port)
        ua.port = apr_uri_port_of_scheme(ua.scheme);
    if (!ub.port)
        ub.port = apr_uri_port_of_scheme(ub.scheme);
    return !strcasecmp(ua.scheme, ub.scheme)
           && !strcasecmp(ua.hostname, ub.hostname) && ua.port == ub.port;
}

const char *rw_proxy_map(request_rec *r, const rwdav_uri *dst, int *same)
{
    const char *path, *url, *mine, *mapped = NULL;
    request_rec *sub;

    if (!proxy_mod)
        return NULL;
    path = apr_pstrmemdup(r->pool, dst->path.p, dst->path.len);
    sub = ap_sub_req_method_uri(r->method, path, r, NULL);
    /* mod_proxy claims the path: its canonical backend URL */
    if (sub->status == HTTP_OK && rw_proxied(sub)
        && (url = rw_proxy_backend(sub)) != NULL) {
        if (same)
            *same = (mine = rw_proxy_backend(r)) != NULL
                    && same_server(r->pool, url, mine);
        mapped = as_backend_sees(r, sub, url);
    }
    ap_destroy_sub_req(sub);
    return mapped;
}
