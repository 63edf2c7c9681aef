/* Locations served by mod_proxy: the module checks them where the admin
 * says RetryWith On, and maps a Destination (and the tagged URIs of an If
 * header) that names this server to the URL the backend knows, following
 * the ProxyPass that serves the request: mod_proxy rewrites nothing in
 * request headers, so a COPY to the public URL would name a URL the
 * backend does not serve.
 *
 * The mapping asks mod_proxy itself (ap_proxy_trans_match, its published
 * API for "which ProxyPass maps this path, and to what") on a copy of the
 * request that carries the Destination's path, so that prefix and regex
 * aliases, "!" exclusions and nocanon mean what they mean to mod_proxy. */
#include <dlfcn.h>

#include "mod_proxy.h"

#include "rw_glue.h"

static module *proxy_mod;
static int (*trans_match)(request_rec *r, struct proxy_alias *ent,
                          proxy_dir_conf *dconf);

void rw_proxy_init(void)
{
    proxy_mod = ap_find_linked_module("mod_proxy.c");
    trans_match = proxy_mod
        ? (int (*)(request_rec *, struct proxy_alias *, proxy_dir_conf *))
          dlsym(RTLD_DEFAULT, "ap_proxy_trans_match")
        : NULL;
}

int rw_proxied(const request_rec *r)
{
    return r->handler && r->handler[0] == 'p'
           && (!strcmp(r->handler, "proxy-server")
               || !strncmp(r->handler, "proxy:", 6));
}

/* mod_proxy's answer for a copy of r whose path is path: the URL of its
 * "proxy:" filename, or NULL when no ProxyPass maps it (or one says "!").
 * *encoded: the URL keeps the client's encoding (nocanon); else its path
 * is decoded, as mod_proxy's own before canonicalisation. The copy has
 * tables of its own, so r is left as it was. */
static const char *proxy_filename(request_rec *r, const char *path,
                                  const char *raw, int *encoded)
{
    proxy_dir_conf *dconf = ap_get_module_config(r->per_dir_config,
                                                 proxy_mod);
    proxy_server_conf *sconf = ap_get_module_config(r->server->module_config,
                                                    proxy_mod);
    request_rec rr = *r;
    int i, rv = HTTP_CONTINUE;

    rr.uri = apr_pstrdup(r->pool, path);
    rr.unparsed_uri = apr_pstrdup(r->pool, raw);
    rr.notes = apr_table_make(r->pool, 2);
    rr.filename = NULL;
    rr.handler = NULL;
    rr.proxyreq = PROXYREQ_NONE;
    if (dconf->alias)
        rv = trans_match(&rr, dconf->alias, dconf);
    for (i = 0; rv == HTTP_CONTINUE && i < sconf->aliases->nelts; i++)
        rv = trans_match(&rr, &APR_ARRAY_IDX(sconf->aliases, i,
                                             struct proxy_alias), dconf);
    if ((rv != OK && rv != DONE) || !rr.filename
        || strncmp(rr.filename, "proxy:", 6))
        return NULL;
    *encoded = apr_table_get(rr.notes, "proxy-nocanon")
               || apr_table_get(rr.notes, "proxy-noencode");
    return rr.filename + 6;
}

/* The backend URL of a mapped path as the backend will see it: with
 * ProxyPreserveHost the backend gets the client's Host, so the URL names
 * that authority; a balancer's member is chosen later, so a balancer URL
 * becomes its path alone (RFC 4918 allows a path-absolute Destination). */
static const char *as_backend_sees(request_rec *r, const char *url,
                                   int encoded)
{
    proxy_dir_conf *dconf = ap_get_module_config(r->per_dir_config,
                                                 proxy_mod);
    const char *host = apr_table_get(r->headers_in, "Host");
    apr_uri_t u;

    if (apr_uri_parse(r->pool, url, &u) != APR_SUCCESS || !u.scheme)
        return NULL;
    if (!u.path)
        u.path = "/";
    else if (!encoded)
        u.path = ap_os_escape_path(r->pool, u.path, 1);
    if (dconf->preserve_host && host)
        return apr_pstrcat(r->pool, u.scheme, "://", host, u.path, NULL);
    if (!strcasecmp(u.scheme, "balancer"))
        return u.path;
    u.query = NULL;
    u.fragment = NULL;
    return apr_uri_unparse(r->pool, &u, APR_URI_UNP_OMITUSERINFO);
}

const char *rw_proxy_map(request_rec *r, const rwdav_uri *dst)
{
    const char *decoded, *raw, *url;
    int encoded = 0;

    if (!trans_match)
        return NULL;
    raw = apr_pstrmemdup(r->pool, dst->path.p, dst->path.len);
    if (rwdav_path_check(r->pool, RWDAV_SUB_DESTINATION, dst->path.p,
                         dst->path.len, &decoded))
        return NULL;
    url = proxy_filename(r, decoded, raw, &encoded);
    return url ? as_backend_sees(r, url, encoded) : NULL;
}
