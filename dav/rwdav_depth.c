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
    return rwdav_fault(p, len ? RWDAV_E_DEPTH_VALUE : RWDAV_E_DEPTH_EMPTY, 0);
}

rwdav_error *rwdav_depth_check(apr_pool_t *p, rwdav_method m, rwdav_depth d,
                               int is_collection, int allow_infinity)
{
    /* An absent Depth means infinity for every method that defines it. */
    int inf = (d == RWDAV_DEPTH_ABSENT || d == RWDAV_DEPTH_INFINITY);
    rwdav_error_id id = RWDAV_E_NONE;

    switch (m) {
    case RWDAV_M_PROPFIND:
        if (inf && is_collection && !allow_infinity)
            id = d == RWDAV_DEPTH_ABSENT ? RWDAV_E_DEPTH_PROPFIND_ABSENT
                                         : RWDAV_E_DEPTH_PROPFIND_INFINITY;
        break;
    case RWDAV_M_COPY:
        if (d == RWDAV_DEPTH_1)
            id = RWDAV_E_DEPTH_COPY;
        break;
    case RWDAV_M_MOVE:
        if (!inf)
            id = RWDAV_E_DEPTH_MOVE;
        break;
    case RWDAV_M_LOCK:
        if (d == RWDAV_DEPTH_1)
            id = RWDAV_E_DEPTH_LOCK;
        break;
    case RWDAV_M_DELETE:
        if (is_collection && !inf)
            id = RWDAV_E_DEPTH_DELETE_COLLECTION;
        else if (d == RWDAV_DEPTH_1)
            id = RWDAV_E_DEPTH_DELETE;
        break;
    default:
        break;
    }
    return id != RWDAV_E_NONE ? rwdav_fault(p, id, 0) : NULL;
}
