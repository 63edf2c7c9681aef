/* XML bodies: validated while they are read, kept as the very buckets that
 * arrived, and replayed to mod_dav by a resource-level input filter. */
#include <apr_strings.h>

#include "httpd.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#include "rw_glue.h"
#include "rw_log.h"

APLOG_USE_MODULE(retrywith);

typedef struct {
    apr_bucket_brigade *kept;
} rw_replay_ctx;

ap_filter_rec_t *rw_replay_filter;

/* HTTP_IN says a body ended before its Content-Length this way. */
static int is_short_body(apr_status_t rv)
{
    return rv == APR_EOF || rv == APR_INCOMPLETE
        || APR_STATUS_IS_ECONNRESET(rv) || APR_STATUS_IS_ECONNABORTED(rv);
}

static rwdav_error *short_body(request_rec *r)
{
    return rwdav_fault(r->pool, RWDAV_E_CL_SHORT_BODY, 0);
}

/* A data bucket of the body: moved to kept, then fed to the judge. Set
 * aside before rwdav sees the bytes: it keeps pointers into them until
 * the end of the body, and setting a transient bucket aside moves its
 * data. Returns OK (with *err when the bytes decided), or an HTTP status. */
static int keep_and_feed(request_rec *r, apr_bucket *b,
                         apr_bucket_brigade *kept, rwdav_body *body,
                         rwdav_error **err)
{
    const char *data;
    apr_size_t len;
    apr_status_t rv = apr_bucket_read(b, &data, &len, APR_BLOCK_READ);

    if (rv != APR_SUCCESS) {
        if (!is_short_body(rv))
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        *err = short_body(r);
        return OK;
    }
    rv = apr_bucket_setaside(b, r->pool);
    if (rv == APR_SUCCESS)
        rv = apr_bucket_read(b, &data, &len, APR_BLOCK_READ);
    if (rv != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    APR_BUCKET_REMOVE(b);
    APR_BRIGADE_INSERT_TAIL(kept, b);
    *err = rwdav_body_feed(body, data, len);
    return OK;
}

/* Reads the body to its end (or to the first fault) into kept. */
static int read_body(request_rec *r, apr_bucket_brigade *kept,
                     rwdav_body *body, rwdav_error **err)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool,
                                                r->connection->bucket_alloc);
    int seen_eos = 0, rc;

    do {
        apr_status_t rv = ap_get_brigade(r->input_filters, bb,
                                         AP_MODE_READBYTES, APR_BLOCK_READ,
                                         HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            if (rv == AP_FILTER_ERROR)
                return AP_FILTER_ERROR;
            if (is_short_body(rv)) {
                *err = short_body(r);
                return OK;
            }
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r, RW_LOGNO(00103)
                          "reading the request body failed");
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        while (!APR_BRIGADE_EMPTY(bb)) {
            apr_bucket *b = APR_BRIGADE_FIRST(bb);
            if (APR_BUCKET_IS_METADATA(b)) {
                seen_eos |= APR_BUCKET_IS_EOS(b);
                apr_bucket_delete(b);
            }
            else if ((rc = keep_and_feed(r, b, kept, body, err)) != OK
                     || *err) {
                return rc;
            }
        }
    } while (!seen_eos);
    return OK;
}

int rw_body_take(request_rec *r, rwdav_body_kind kind,
                 const rwdav_limits *lim, int collect, rwdav_body **pbody,
                 rwdav_error **err)
{
    apr_bucket_brigade *kept;
    rwdav_body *body;
    rw_replay_ctx *ctx;
    int rc;

    *err = NULL;
    *pbody = body = rwdav_body_create(r->pool, kind, lim);
    if (collect)
        rwdav_body_collect(body);
    kept = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    if ((rc = read_body(r, kept, body, err)) != OK || *err)
        return rc;
    if ((*err = rwdav_body_finish(body)) != NULL)
        return OK;

    /* mod_dav reads the body again from r->input_filters; HTTP_IN has
     * nothing left, so this filter in front of it serves the kept bytes. */
    ctx = apr_palloc(r->pool, sizeof(*ctx));
    ctx->kept = kept;
    ap_add_input_filter_handle(rw_replay_filter, ctx, r, r->connection);
    return OK;
}

apr_status_t rw_replay_in(ap_filter_t *f, apr_bucket_brigade *bb,
                          ap_input_mode_t mode, apr_read_type_e block,
                          apr_off_t readbytes)
{
    rw_replay_ctx *ctx = f->ctx;
    apr_bucket *split;
    apr_status_t rv;

    if (mode != AP_MODE_READBYTES)
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    if (APR_BRIGADE_EMPTY(ctx->kept)) {
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
        return APR_SUCCESS;
    }
    rv = apr_brigade_partition(ctx->kept, readbytes, &split);
    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE)
        return rv;
    while (!APR_BRIGADE_EMPTY(ctx->kept)
           && APR_BRIGADE_FIRST(ctx->kept) != split) {
        apr_bucket *b = APR_BRIGADE_FIRST(ctx->kept);
        APR_BUCKET_REMOVE(b);
        APR_BRIGADE_INSERT_TAIL(bb, b);
    }
    if (APR_BRIGADE_EMPTY(ctx->kept))
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
    return APR_SUCCESS;
}

int rw_body_present(request_rec *r, int *present)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool,
                                                r->connection->bucket_alloc);
    apr_status_t rv;
    apr_off_t n = 0;

    *present = 0;
    rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                        APR_BLOCK_READ, 1);
    if (rv == AP_FILTER_ERROR)
        return AP_FILTER_ERROR;
    if (rv != APR_SUCCESS)
        return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
    apr_brigade_length(bb, 1, &n);
    *present = n > 0;
    apr_brigade_destroy(bb);
    return OK;
}
