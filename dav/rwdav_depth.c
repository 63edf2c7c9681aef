/* Depth: RFC 4918 §10.2 syntax and the per-method rules of §9. */
#include "rwdav.h"
#include "rwdav_scan.h"

rwdav_error *rwdav_depth_parse(apr_pool_t *p, const char *v, apr_size_t len,
                               rwdav_depth *out)
{
    if (len == 1 && (v[0] == '0' || v[0] == '1')) {
        *out = v[0] == '0' ? RWDAV_DEPTH_0 : RWDAV_DEPTH_1;
        return NULL;
    }
    if (rwdav_ieq(v, len, "infinity")) {
        *out = RWDAV_DEPTH_INFINITY;
        return NULL;
    }
    return rwdav_error_make(p, 400, RWDAV_SUB_DEPTH,
                            len ? "Depth must be 0, 1 or infinity"
                                : "empty Depth header", 0);
}

rwdav_error *rwdav_depth_check(apr_pool_t *p, rwdav_method m, rwdav_depth d,
                               int is_collection, int allow_infinity)
{
    /* An absent Depth means infinity for every method that defines it. */
    int inf = (d == RWDAV_DEPTH_ABSENT || d == RWDAV_DEPTH_INFINITY);
    const char *why = NULL;
    rwdav_error *e;

    switch (m) {
    case RWDAV_M_PROPFIND:
        if (inf && is_collection && !allow_infinity) {
            e = rwdav_error_make(p, 403, RWDAV_SUB_DEPTH,
                                 d == RWDAV_DEPTH_ABSENT
                                 ? "PROPFIND without Depth means infinity, "
                                   "which this server does not allow on a "
                                   "collection: send Depth: 0 or 1"
                                 : "PROPFIND with Depth: infinity is not "
                                   "allowed on a collection here: send "
                                   "Depth: 0 or 1", 0);
            e->condition = "propfind-finite-depth";
            return e;
        }
        return NULL;
    case RWDAV_M_COPY:
        if (d == RWDAV_DEPTH_1)
            why = "COPY allows Depth 0 or infinity only";
        break;
    case RWDAV_M_MOVE:
        if (!inf)
            why = "MOVE allows Depth infinity only";
        break;
    case RWDAV_M_LOCK:
        if (d == RWDAV_DEPTH_1)
            why = "LOCK allows Depth 0 or infinity only";
        break;
    case RWDAV_M_DELETE:
        if (is_collection && !inf)
            why = "DELETE of a collection allows Depth infinity only";
        else if (d == RWDAV_DEPTH_1)
            why = "DELETE allows Depth 0 or infinity only";
        break;
    default:
        break;
    }
    return why ? rwdav_error_make(p, 400, RWDAV_SUB_DEPTH, why, 0) : NULL;
}
