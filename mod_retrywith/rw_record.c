/* The one place that records what became of a request the module checked:
 * the notes the access log and the lab journal read (retrywith-substatus,
 * -echo, -rule, -field, -value, -reason, -missing), the live counters, and one
 * error_log line at info for each request the module answered itself. */
#include <apr_strings.h>

#include "httpd.h"
#include "http_log.h"

#include "rw_glue.h"
#include "rw_log.h"
#include "rw_status.h"

APLOG_USE_MODULE(retrywith);

/* Untrusted header values go into the log truncated and escaped. */
static void log_refusal(request_rec *r, const rwdav_error *e,
                        const char *sub, const char *value)
{
    apr_size_t n;
    const char *shown;

    if (!value) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, RW_LOGNO(00102)
                      "%d %s (%s) %s: %s%s%s%s at offset %" APR_SIZE_T_FMT
                      " [%s]", e->status, sub, rwdav_substatus_name(e->sub),
                      rwdav_error_id_name(e->id), e->reason,
                      e->detail ? " (" : "", e->detail ? e->detail : "",
                      e->detail ? ")" : "", e->offset, e->field);
        return;
    }
    n = strlen(value);
    shown = ap_escape_logitem(r->pool, apr_pstrmemdup(r->pool, value,
                              n > RW_LOG_VALUE_MAX ? RW_LOG_VALUE_MAX : n));
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, RW_LOGNO(00101)
                  "%d %s (%s) %s: %s at offset %" APR_SIZE_T_FMT
                  " [%s: \"%s\"%s]", e->status, sub,
                  rwdav_substatus_name(e->sub), rwdav_error_id_name(e->id),
                  e->reason, e->offset,
                  e->field, shown, n > RW_LOG_VALUE_MAX ? "..." : "");
}

static void record_refusal(const rw_req *q)
{
    const rwdav_error *e = q->v.err;
    const char *sub = rwdav_error_substatus(e);

    apr_table_setn(q->r->notes, "retrywith-substatus", sub);
    apr_table_setn(q->r->notes, "retrywith-rule", rwdav_error_id_name(e->id));
    apr_table_setn(q->r->notes, "retrywith-field", e->field);
    apr_table_setn(q->r->notes, "retrywith-reason", e->reason);
    if (q->v.value)
        apr_table_setn(q->r->notes, "retrywith-value", q->v.value);
    if (rwdav_error_depth_denied(e))
        rw_status_count(RW_OUT_DEPTH_DENIED);
    else if (e->sub >= 1 && e->sub <= RWDAV_SUB_MAX)
        rw_status_count((rw_outcome)(RW_OUT_REFUSED_1 + e->sub - 1));
    log_refusal(q->r, e, sub, q->v.value);
}

static void record_retry(const rw_req *q)
{
    request_rec *r = q->r;
    const char *note = q->v.token ? "449" : "449-final", *names = NULL;
    int i;

    apr_table_setn(r->notes, "retrywith-substatus", note);
    apr_table_setn(r->notes, "retrywith-echo",
                   q->v.token ? "issued" : "final");
    if (q->v.token) {
        rw_status_count(RW_OUT_449);
        rw_status_issued(r, q->v.token, q->v.deadline);
    }
    else {
        rw_status_count(RW_OUT_449_FINAL);
        rw_status_retried(r, q->echo, 0);
    }
    for (i = 0; i < q->missing->nelts; i++) {
        const rw_missing *m = &APR_ARRAY_IDX(q->missing, i, rw_missing);
        names = names ? apr_pstrcat(r->pool, names, ", ", m->pol->name, NULL)
                      : m->pol->name;
    }
    if (names)
        apr_table_setn(r->notes, "retrywith-missing", names);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, RW_LOGNO(00104)
                  "%d %s: missing %s", q->v.token ? 449 : HTTP_FORBIDDEN,
                  note, names);
}

static void record_bad_echo(const rw_req *q)
{
    request_rec *r = q->r;
    rwdav_echo_verdict v = q->v.echo;
    const char *name = rwdav_echo_verdict_name(v);
    const char *note = apr_pstrcat(r->pool, "449-echo-", name, NULL);

    apr_table_setn(r->notes, "retrywith-substatus", note);
    apr_table_setn(r->notes, "retrywith-echo", name);
    apr_table_setn(r->notes, "retrywith-reason", rw_echo_reason(v));
    rw_status_count((rw_outcome)(RW_OUT_ECHO_MALFORMED + v - 1));
    rw_status_bad_echo(r, v);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, RW_LOGNO(00105)
                  "400 %s: %s", note, rw_echo_reason(v));
}

void rw_record(const rw_req *q)
{
    switch (q->v.kind) {
    case RW_PASS:
        rw_status_count(RW_OUT_PASSED);
        if (q->echo) {
            apr_table_setn(q->r->notes, "retrywith-echo", "satisfied");
            rw_status_retried(q->r, q->echo, 1);
        }
        break;
    case RW_REFUSE:
        record_refusal(q);
        break;
    case RW_RETRY:
        record_retry(q);
        break;
    case RW_BAD_ECHO:
        record_bad_echo(q);
        break;
    case RW_FAILED:
        break;   /* httpd's own answer and log line: not ours to count */
    }
}
