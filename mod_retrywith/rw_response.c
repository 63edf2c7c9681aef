/* The refusal: status line unchanged, the sub-status in a header and a
 * note, and a DAV:error body in mod_dav's shape. Written here (not through
 * ap_die) so that no ErrorDocument replaces the explanation. */
#include <apr_strings.h>

#include "httpd.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "rw_glue.h"
#include "rw_log.h"

APLOG_USE_MODULE(retrywith);

#define RW_NS "urn:mod-retrywith:error"

int rw_refuse(request_rec *r, const rwdav_error *e, const char *value)
{
    const char *sub = apr_psprintf(r->pool, "400.%d", (int)e->sub);
    const char *reason = rwdav_xml_escape(r->pool, e->reason,
                                          strlen(e->reason));

    apr_table_setn(r->notes, "retrywith-substatus", sub);
    if (value) {
        apr_size_t n = strlen(value);
        const char *shown = ap_escape_logitem(r->pool,
            apr_pstrmemdup(r->pool, value, n > RW_LOG_VALUE_MAX
                                           ? RW_LOG_VALUE_MAX : n));
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, RW_LOGNO(00101)
                      "%d %s (%s): %s at offset %" APR_SIZE_T_FMT
                      " [%s: \"%s\"%s]", e->status, sub,
                      rwdav_substatus_name(e->sub), e->reason, e->offset,
                      e->field, shown, n > RW_LOG_VALUE_MAX ? "..." : "");
    }
    else {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, RW_LOGNO(00102)
                      "%d %s (%s): %s", e->status, sub,
                      rwdav_substatus_name(e->sub), e->reason);
    }

    r->status = e->status;
    r->status_line = ap_get_status_line(e->status);
    apr_table_setn(r->err_headers_out, "Retrywith-Substatus", sub);
    ap_set_content_type_ex(r, "text/xml; charset=\"utf-8\"", 1);
    ap_rvputs(r, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
              "<D:error xmlns:D=\"DAV:\" xmlns:m=\"http://apache.org/dav/xmlns\""
              " xmlns:R=\"" RW_NS "\">\n", NULL);
    if (e->condition)
        ap_rvputs(r, "<D:", e->condition, "/>\n", NULL);
    ap_rprintf(r, "<R:%s substatus=\"%s\" field=\"%s\" offset=\"%"
               APR_SIZE_T_FMT "\"/>\n"
               "<m:human-readable errcode=\"%d\">\n%s\n</m:human-readable>\n"
               "</D:error>\n",
               rwdav_substatus_element(e->sub), sub, e->field, e->offset,
               (int)e->sub, reason);
    return DONE;
}
