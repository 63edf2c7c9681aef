/* The fast path of body validation (internal to dav/): a scanner that
 * proves the common request bodies well-formed in one pass and reports
 * their elements under the names mod_dav's parser (APR's apr_xml over
 * expat) gives them. It never refuses anything itself: whatever it cannot
 * prove is judged and named exactly as apr_xml would, it hands back
 * (RWDAV_XS_BAIL), and rwdav_body runs apr_xml over the whole body, so the
 * verdict stays mod_dav's. */
#ifndef RWDAV_XMLSCAN_H
#define RWDAV_XMLSCAN_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct {
    /* Both return nonzero to stop the scan (a structure fault). uri is NULL
     * for no namespace; neither string is NUL-terminated. at is the offset
     * of the tag's '<' in the document (for the end of an empty element,
     * of its one tag). */
    int (*start)(void *baton, const char *uri, apr_size_t ulen,
                 const char *local, apr_size_t llen, apr_size_t at);
    int (*end)(void *baton, apr_size_t at);
    /* Character data that is not all white space, in the open element. */
    void (*text)(void *baton);
} rwdav_xs_events;

typedef enum {
    RWDAV_XS_OK = 0,    /* all bytes so far scanned: go on */
    RWDAV_XS_BAIL,      /* not provable here: ask apr_xml */
    RWDAV_XS_STOP       /* an event callback stopped the scan */
} rwdav_xs_result;

typedef struct rwdav_xs rwdav_xs;

rwdav_xs *rwdav_xs_create(apr_pool_t *p, const rwdav_xs_events *ev,
                          void *baton);
/* The bytes of every feed must stay valid until the scan ends: the open
 * elements and namespace bindings point into them. */
rwdav_xs_result rwdav_xs_feed(rwdav_xs *x, const char *buf, apr_size_t len);
/* OK only for a complete document (root closed, nothing pending). */
rwdav_xs_result rwdav_xs_finish(rwdav_xs *x);

#endif
