/* Destination: RFC 4918 §10.3 Simple-ref, §8.3 (no climbing dot-segments),
 * and "another server" (§9.8.5: 502) for scheme, host or port. */
#include <string.h>
#include <apr_strings.h>

#include "rwdav.h"
#include "rwdav_scan.h"

static int default_port(const char *scheme)
{
    if (!strcmp(scheme, "http"))
        return 80;
    if (!strcmp(scheme, "https"))
        return 443;
    return 0;
}

rwdav_error *rwdav_destination_parse(apr_pool_t *p, const char *v,
                                     apr_size_t len, const rwdav_origin *self,
                                     const rwdav_limits *lim,
                                     rwdav_destination *out)
{
    rwdav_limits l = *lim;
    rwdav_uri *u = &out->uri;
    const char *why;
    apr_size_t off;
    rwdav_error *e;
    int self_port = self->port ? self->port : default_port(self->scheme);

    rwdav_limits_default(&l);
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return rwdav_error_make(p, 400, RWDAV_SUB_DESTINATION,
                                "empty Destination header", 0);
    if (len > l.header_len)
        return rwdav_error_make(p, 400, RWDAV_SUB_DESTINATION,
                                "Destination header too long", l.header_len);
    if ((why = rwdav_parse_ref(p, v, len, 1, u, &off)) != NULL)
        return rwdav_error_make(p, 400, RWDAV_SUB_DESTINATION, why, off);

    if (u->scheme) {
        int port;
        if (strcmp(u->scheme, "http") && strcmp(u->scheme, "https"))
            return rwdav_error_make(p, 502, RWDAV_SUB_DESTINATION,
                                    "Destination names another scheme: "
                                    "this server cannot copy there", 0);
        if (!u->host || !*u->host)
            return rwdav_error_make(p, 400, RWDAV_SUB_DESTINATION,
                                    "an http(s) Destination needs a host",
                                    strlen(u->scheme) + 1);
        if (u->has_userinfo)
            return rwdav_error_make(p, 400, RWDAV_SUB_DESTINATION,
                                    "userinfo is not allowed in Destination",
                                    strlen(u->scheme) + 3);
        /* both sides are lower-case: the origin by contract, the URI as
         * parsed */
        if (strcmp(self->scheme, u->scheme))
            return rwdav_error_make(p, 502, RWDAV_SUB_DESTINATION,
                                    "Destination names another scheme: "
                                    "this server cannot copy there", 0);
        port = u->port ? u->port : default_port(u->scheme);
        if (strcmp(self->host, u->host) || port != self_port)
            return rwdav_error_make(p, 502, RWDAV_SUB_DESTINATION,
                                    "Destination names another server "
                                    "(host or port): this server cannot "
                                    "copy there", strlen(u->scheme) + 3);
    }

    e = rwdav_path_check(p, RWDAV_SUB_DESTINATION, u->path, strlen(u->path),
                         NULL);
    if (e) {
        /* the path ends where the query (if any) begins */
        apr_size_t qlen = u->query ? strlen(u->query) + 1 : 0;
        apr_size_t plen = strlen(u->path);
        e->offset += len - qlen - plen;
        return e;
    }

    if (u->scheme && !u->query) {
        out->absolute = apr_pstrmemdup(p, v, len);
    }
    else {
        const char *host = self->host;
        if (strchr(host, ':') && host[0] != '[')
            host = apr_pstrcat(p, "[", host, "]", NULL);
        out->absolute = (self_port == default_port(self->scheme))
            ? apr_pstrcat(p, self->scheme, "://", host, u->path, NULL)
            : apr_psprintf(p, "%s://%s:%d%s", self->scheme, host, self_port,
                           u->path);
        out->rewritten = 1;
    }
    return NULL;
}
