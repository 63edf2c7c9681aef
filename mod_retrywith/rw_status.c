/* Live counters: the shared table's httpd side and the retrywith-status
 * page (HTML for people, ?json for machines). */
#include <apr_shm.h>
#include <apr_strings.h>

#include "httpd.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "mod_status.h"

#include "rw_glue.h"
#include "rw_log.h"
#include "rw_status.h"

APLOG_USE_MODULE(retrywith);

#define RW_SHM_KEY "mod_retrywith.counters"

/* Mapped in the parent, inherited by every child: no lock, only atomics. */
static rw_counters *ct;

void rw_status_init(server_rec *s)
{
    apr_pool_t *pp = s->process->pool;
    apr_shm_t *shm = NULL;
    apr_status_t rv;
    void *data = NULL;

    /* The process pool outlives graceful restarts, so the counters do;
     * a restart may load another build of the module, whose table must
     * not be read with this one's layout (the old one then stays unused). */
    apr_pool_userdata_get(&data, RW_SHM_KEY, pp);
    if (data && ((rw_counters *)data)->magic == RW_CT_MAGIC
        && ((rw_counters *)data)->layout == RW_CT_LAYOUT
        && ((rw_counters *)data)->size == sizeof(rw_counters)) {
        ct = data;
        return;
    }
    rv = apr_shm_create(&shm, sizeof(rw_counters), NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, RW_LOGNO(00003)
                     "no anonymous shared memory for the live counters "
                     "(%" APR_SIZE_T_FMT " bytes): %s shows none",
                     sizeof(rw_counters), RW_STATUS_HANDLER);
        ct = NULL;
        return;
    }
    ct = apr_shm_baseaddr_get(shm);
    rw_ct_init(ct, apr_time_now());
    apr_pool_userdata_set(ct, RW_SHM_KEY, apr_pool_cleanup_null, pp);
}

void rw_status_count(rw_outcome o)
{
    if (ct)
        rw_ct_count(ct, o);
}

static unsigned agent_row(request_rec *r)
{
    const char *ua = apr_table_get(r->headers_in, "User-Agent");
    char family[RW_CT_NAME];

    rwdav_agent_family(ua ? ua : "", ua ? strlen(ua) : 0, family,
                       sizeof(family));
    return rw_ct_agent_row(ct, family);
}

void rw_status_issued(request_rec *r, const char *token,
                      apr_int64_t deadline_sec)
{
    if (!ct || !token)
        return;
    rw_ct_issue(ct, agent_row(r), rw_ct_key(token),
                (uint32_t)deadline_sec,
                (uint32_t)apr_time_sec(r->request_time));
}

void rw_status_retried(request_rec *r, const char *echo, int satisfied)
{
    unsigned row;

    if (!ct)
        return;
    /* the 449's own row: a client may change its User-Agent on a retry */
    row = rw_ct_resolve(ct, rw_ct_key(echo));
    if (row == RW_CT_NOT_FOUND)
        row = agent_row(r);
    rw_ct_agent_count(ct, row, satisfied ? RW_AG_SATISFIED : RW_AG_FINAL);
}

void rw_status_bad_echo(request_rec *r, rwdav_echo_verdict v)
{
    if (!ct || v == RWDAV_ECHO_OK)
        return;
    rw_ct_agent_count(ct, agent_row(r), RW_AG_BAD_ECHO);
}

/* ---- the page ----------------------------------------------------------- */

/* Outcome names as the access log's %{retrywith-substatus}n spells them. */
static const char *outcome_name(apr_pool_t *p, unsigned o)
{
    static const char *const fixed[] = {
        "449", "449-final", "449-echo-malformed", "449-echo-forged",
        "449-echo-foreign", "449-echo-expired", "403.22"
    };
    if (o == RW_OUT_PASSED)
        return "passed";
    if (o < RW_OUT_449)
        return apr_psprintf(p, "400.%u", o - RW_OUT_REFUSED_1 + 1);
    return fixed[o - RW_OUT_449];
}

static const char *const agent_cols[RW_AG_COUNT] = {
    "issued", "satisfied", "still_lacking", "bad_echo", "abandoned"
};

static void page_json(request_rec *r, const rw_ct_snapshot *sn)
{
    unsigned i, k;

    ap_set_content_type_ex(r, "application/json", 1);
    ap_rprintf(r, "{\"enabled\":true,\"since\":%" APR_INT64_T_FMT
               ",\"now\":%" APR_INT64_T_FMT ",\"outcomes\":{",
               (apr_int64_t)apr_time_sec(sn->since),
               (apr_int64_t)apr_time_sec(apr_time_now()));
    for (i = 0; i < RW_OUT_COUNT; i++)
        ap_rprintf(r, "%s\"%s\":%" APR_UINT64_T_FMT, i ? "," : "",
                   outcome_name(r->pool, i), (apr_uint64_t)sn->outcome[i]);
    ap_rputs("},\"agents\":[", r);
    for (i = 0; i < sn->rows; i++) {
        /* family names are RFC 9110 tokens: nothing to escape in JSON */
        ap_rprintf(r, "%s{\"family\":\"%s\"", i ? "," : "", sn->agent[i].name);
        for (k = 0; k < RW_AG_COUNT; k++)
            ap_rprintf(r, ",\"%s\":%" APR_UINT64_T_FMT, agent_cols[k],
                       (apr_uint64_t)sn->agent[i].n[k]);
        ap_rprintf(r, ",\"pending\":%u}", sn->agent[i].pending);
    }
    ap_rprintf(r, "],\"agent_rows\":{\"used\":%u,\"size\":%d},"
               "\"pending\":{\"used\":%u,\"size\":%d,\"untracked\":%"
               APR_UINT64_T_FMT "}}\n", sn->agents, RW_CT_AGENTS,
               sn->pending, RW_CT_PENDING, (apr_uint64_t)sn->untracked);
}

/* The Prometheus text exposition format (0.0.4): counters end in _total,
 * one metric per family of values, labels for the outcome and the
 * User-Agent family (RFC 9110 tokens: nothing to escape in a label). */
static void page_prometheus(request_rec *r, const rw_ct_snapshot *sn)
{
    unsigned i, k;

    ap_set_content_type_ex(r, "text/plain; version=0.0.4; charset=utf-8", 1);
    ap_rputs("# HELP retrywith_requests_total Requests mod_retrywith checked, "
             "by outcome (the access log's retrywith-substatus note).\n"
             "# TYPE retrywith_requests_total counter\n", r);
    for (i = 0; i < RW_OUT_COUNT; i++)
        ap_rprintf(r, "retrywith_requests_total{outcome=\"%s\"} %"
                   APR_UINT64_T_FMT "\n", outcome_name(r->pool, i),
                   (apr_uint64_t)sn->outcome[i]);
    ap_rputs("# HELP retrywith_retry_events_total What became of the 449 "
             "answers, per User-Agent family.\n"
             "# TYPE retrywith_retry_events_total counter\n", r);
    for (i = 0; i < sn->rows; i++)
        for (k = 0; k < RW_AG_COUNT; k++)
            ap_rprintf(r, "retrywith_retry_events_total{family=\"%s\","
                       "event=\"%s\"} %" APR_UINT64_T_FMT "\n",
                       sn->agent[i].name, agent_cols[k],
                       (apr_uint64_t)sn->agent[i].n[k]);
    ap_rprintf(r, "# HELP retrywith_pending_retries 449 answers awaiting a "
               "retry.\n# TYPE retrywith_pending_retries gauge\n"
               "retrywith_pending_retries %u\n"
               "# HELP retrywith_untracked_total 449 answers the pending "
               "table had no room for.\n"
               "# TYPE retrywith_untracked_total counter\n"
               "retrywith_untracked_total %" APR_UINT64_T_FMT "\n"
               "# HELP retrywith_counters_since_seconds When the counters "
               "started (Unix time).\n"
               "# TYPE retrywith_counters_since_seconds gauge\n"
               "retrywith_counters_since_seconds %" APR_INT64_T_FMT "\n",
               sn->pending, (apr_uint64_t)sn->untracked,
               (apr_int64_t)apr_time_sec(sn->since));
}

/* ?format=prometheus, or the Accept header a Prometheus server sends
 * (OpenMetrics first, then text/plain;version=0.0.4). */
static int wants_prometheus(const request_rec *r)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");

    if (r->args && !strcmp(r->args, "format=prometheus"))
        return 1;
    return accept && (ap_strstr_c(accept, "application/openmetrics-text")
                      || ap_strstr_c(accept, "version=0.0.4"));
}

static void page_html(request_rec *r, const rw_ct_snapshot *sn)
{
    char since[APR_RFC822_DATE_LEN];
    unsigned i, k;

    apr_rfc822_date(since, sn->since);
    ap_set_content_type_ex(r, "text/html; charset=utf-8", 1);
    ap_rvputs(r, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
              "<title>mod_retrywith status</title><style>"
              "body{font-family:sans-serif}table{border-collapse:collapse;"
              "margin-bottom:1em}td,th{border:1px solid #999;padding:2px 8px}"
              "td{text-align:right}td.n{text-align:left}</style></head><body>"
              "<h1>mod_retrywith status</h1><p>Counting since ", since,
              ", across all child processes. "
              "<a href=\"?json\">JSON</a></p>\n"
              "<h2>Outcomes</h2><table><tr><th>outcome</th><th>requests</th>"
              "</tr>\n", NULL);
    for (i = 0; i < RW_OUT_COUNT; i++)
        ap_rprintf(r, "<tr><td class=\"n\">%s</td><td>%" APR_UINT64_T_FMT
                   "</td></tr>\n", outcome_name(r->pool, i),
                   (apr_uint64_t)sn->outcome[i]);
    ap_rputs("</table>\n<h2>449 Retry With, per User-Agent family</h2>"
             "<table><tr><th>family</th>", r);
    for (k = 0; k < RW_AG_COUNT; k++)
        ap_rvputs(r, "<th>", agent_cols[k], "</th>", NULL);
    ap_rputs("<th>pending</th></tr>\n", r);
    for (i = 0; i < sn->rows; i++) {
        ap_rvputs(r, "<tr><td class=\"n\">",
                  ap_escape_html(r->pool, sn->agent[i].name), "</td>", NULL);
        for (k = 0; k < RW_AG_COUNT; k++)
            ap_rprintf(r, "<td>%" APR_UINT64_T_FMT "</td>",
                       (apr_uint64_t)sn->agent[i].n[k]);
        ap_rprintf(r, "<td>%u</td></tr>\n", sn->agent[i].pending);
    }
    ap_rprintf(r, "</table>\n<p>Family rows in use: %u of %d (then "
               "&quot;other&quot;). 449s awaiting a retry: %u of %d "
               "tracked; %" APR_UINT64_T_FMT " found no room and were not "
               "tracked.</p>\n</body></html>\n", sn->agents, RW_CT_AGENTS,
               sn->pending, RW_CT_PENDING, (apr_uint64_t)sn->untracked);
}

/* The counters now, 449s whose echo expired unanswered counted first. */
static rw_ct_snapshot *snapshot(request_rec *r)
{
    rw_ct_snapshot *sn = apr_palloc(r->pool, sizeof(*sn));

    rw_ct_sweep(ct, (uint32_t)apr_time_sec(apr_time_now()));
    rw_ct_snapshot_take(ct, sn);
    return sn;
}

/* mod_status's page (its optional status hook): the outcomes and the 449
 * life cycle per User-Agent family; with ?auto one "Key: value" line each. */
int rw_status_hook(request_rec *r, int flags)
{
    rw_ct_snapshot *sn;
    unsigned i, k;
    int brief = flags & AP_STATUS_SHORT;

    if (!ct)
        return OK;
    sn = snapshot(r);
    if (!brief)
        ap_rputs("<hr />\n<h2>mod_retrywith</h2>\n<table><tr><th>outcome"
                 "</th><th>requests</th></tr>\n", r);
    for (i = 0; i < RW_OUT_COUNT; i++)
        ap_rprintf(r, brief ? "RetryWith %s: %" APR_UINT64_T_FMT "\n"
                            : "<tr><td>%s</td><td>%" APR_UINT64_T_FMT
                              "</td></tr>\n",
                   outcome_name(r->pool, i), (apr_uint64_t)sn->outcome[i]);
    if (!brief)
        ap_rputs("</table>\n<table><tr><th>User-Agent family</th>"
                 "<th>449 event</th><th>count</th></tr>\n", r);
    for (i = 0; i < sn->rows; i++)
        for (k = 0; k < RW_AG_COUNT; k++)
            ap_rprintf(r, brief ? "RetryWith %s %s: %" APR_UINT64_T_FMT "\n"
                                : "<tr><td>%s</td><td>%s</td><td>%"
                                  APR_UINT64_T_FMT "</td></tr>\n",
                       brief ? sn->agent[i].name
                             : ap_escape_html(r->pool, sn->agent[i].name),
                       agent_cols[k], (apr_uint64_t)sn->agent[i].n[k]);
    if (!brief)
        ap_rputs("</table>\n", r);
    return OK;
}

int rw_status_page(request_rec *r)
{
    rw_ct_snapshot *sn;
    int json, prom;

    if (!r->handler || strcmp(r->handler, RW_STATUS_HANDLER))
        return DECLINED;

    r->allowed = (AP_METHOD_BIT << M_GET);
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);   /* Allow: */
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    json = r->args && (!strcmp(r->args, "json")
                       || !strcmp(r->args, "format=json"));
    prom = !json && wants_prometheus(r);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (!ct) {
        r->status = HTTP_SERVICE_UNAVAILABLE;
        ap_set_content_type_ex(r, json ? "application/json"
                                       : "text/plain; charset=utf-8", 1);
        ap_rputs(json ? "{\"enabled\":false}\n"
                      : "mod_retrywith: no shared memory, no counters "
                        "(see the error_log)\n", r);
        return OK;
    }
    sn = snapshot(r);
    if (json)
        page_json(r, sn);
    else if (prom)
        page_prometheus(r, sn);
    else
        page_html(r, sn);
    return OK;
}
