/* The report card written out: HTML for a person, JSON for a tool, the
 * same facts in both. Every string from the journal is a client's and is
 * escaped for its destination. */
#include <apr_strings.h>
#include <apr_time.h>

#include "httpd.h"
#include "http_protocol.h"

#include "rw_lab.h"
#include "rw_lab_report.h"

#define ENTRY(c, i) (&APR_ARRAY_IDX((c)->entries, (i), rw_lab_entry))
#define CLIENT(a, i) APR_ARRAY_IDX((a), (i), rw_lab_client *)
#define SCENARIO(c, i) APR_ARRAY_IDX((c)->scenarios, (i), rw_lab_scenario *)
#define SHOWN_MAX 200   /* requests listed per scenario */

static const char *stamp(apr_pool_t *p, apr_int64_t t)
{
    char *buf = apr_palloc(p, APR_RFC822_DATE_LEN);

    apr_rfc822_date(buf, (apr_time_t)t);
    return buf;
}

/* ---- HTML ---- */

static const char *h(request_rec *r, const char *s)
{
    return ap_escape_html2(r->pool, s, 0);
}

static void html_event(request_rec *r, const rw_lab_client *c,
                       const rw_lab_event *ev, int retry)
{
    const rw_lab_entry *e = ENTRY(c, ev->entry);
    const rw_lab_entry *t = ev->then >= 0 ? ENTRY(c, ev->then) : NULL;

    ap_rvputs(r, "<tr class=\"", rw_lab_verdict_name(ev->verdict), "\"><td>",
              h(r, e->method), " ", h(r, e->uri), "</td><td>",
              h(r, retry ? e->missing : e->sub), "</td><td>",
              h(r, retry ? "" : e->rule), "</td><td><b>",
              rw_lab_verdict_text(ev->verdict), "</b>", NULL);
    if (ev->verdict == RW_LAB_LOOPED)
        ap_rprintf(r, " (%d &times; 449)", ev->count);
    if (t)
        ap_rprintf(r, "; then: %s %d%s%s", h(r, t->method), t->status,
                   strcmp(t->sub, "-") ? " " : "",
                   strcmp(t->sub, "-") ? h(r, t->sub) : "");
    if (t && ev->verdict == RW_LAB_STILL_MISSING)
        ap_rvputs(r, ", still missing ", h(r, t->missing), NULL);
    ap_rputs("</td></tr>\n", r);
}

static void html_events(request_rec *r, const rw_lab_client *c,
                        const apr_array_header_t *evs, int retry)
{
    int i;

    if (!evs->nelts)
        return;
    ap_rvputs(r, "<table><tr><th>request</th><th>",
              retry ? "449 asked for" : "sub-status",
              "</th><th>", retry ? "" : "rule",
              "</th><th>what the client did next</th></tr>\n", NULL);
    for (i = 0; i < evs->nelts; i++)
        html_event(r, c, &APR_ARRAY_IDX(evs, i, rw_lab_event), retry);
    ap_rputs("</table>\n", r);
}

static void html_requests(request_rec *r, const rw_lab_client *c,
                          const rw_lab_scenario *s)
{
    int i, from = s->entries->nelts > SHOWN_MAX
                  ? s->entries->nelts - SHOWN_MAX : 0;

    ap_rprintf(r, "<details><summary>%d request%s%s</summary><table>"
               "<tr><th>time</th><th>request</th><th>answer</th>"
               "<th>Ms-Echo-Reply</th></tr>\n", s->entries->nelts,
               s->entries->nelts == 1 ? "" : "s",
               from ? " (the last 200)" : "");
    for (i = from; i < s->entries->nelts; i++) {
        const rw_lab_entry *e = ENTRY(c, APR_ARRAY_IDX(s->entries, i, int));
        const char *status = apr_itoa(r->pool, e->status);
        int sub = strcmp(e->sub, "-") && strcmp(e->sub, status);
        ap_rvputs(r, "<tr><td>", stamp(r->pool, e->time), "</td><td>",
                  h(r, e->method), " ", h(r, e->uri), "</td><td>", status,
                  sub ? " " : "", sub ? h(r, e->sub) : "", "</td><td>",
                  e->echo_reply ? "yes" : "", "</td></tr>\n", NULL);
    }
    ap_rputs("</table></details>\n", r);
}

static void html_lint(request_rec *r, const rw_lab_client *c)
{
    int i;

    if (!c->lint->nelts) {
        ap_rputs("<p class=\"lint-clean\">No request broke a rule.</p>\n", r);
        return;
    }
    ap_rputs("<table class=\"lint\"><tr><th>rule (dav/RULES.md)</th>"
             "<th>sub-status</th><th>why</th><th>times</th><th>example</th>"
             "</tr>\n", r);
    for (i = 0; i < c->lint->nelts; i++) {
        const rw_lab_lint *l = APR_ARRAY_IDX(c->lint, i, rw_lab_lint *);
        const rw_lab_entry *e = ENTRY(c, l->example);
        ap_rvputs(r, "<tr><td><code>", h(r, l->rule), "</code></td><td>",
                  h(r, l->sub), "</td><td>", h(r, e->reason), "</td><td>",
                  apr_itoa(r->pool, l->count),
                  "</td><td>", h(r, e->method), " ", h(r, e->uri), NULL);
        if (strcmp(e->field, "-"))
            ap_rvputs(r, "<br><code>", h(r, e->field), ": ", h(r, e->value),
                      "</code>", NULL);
        ap_rputs("</td></tr>\n", r);
    }
    ap_rputs("</table>\n", r);
}

static void html_summary(request_rec *r, const rw_lab_client *c)
{
    int v;

    ap_rputs("<ul class=\"summary\">\n", r);
    for (v = 0; v < RW_LAB_VERDICTS; v++)
        if (c->counts[v])
            ap_rprintf(r, "<li class=\"%s\">%d &times; %s</li>\n",
                       rw_lab_verdict_name((rw_lab_verdict)v), c->counts[v],
                       rw_lab_verdict_text((rw_lab_verdict)v));
    ap_rprintf(r, "<li>%d rule%s broken</li></ul>\n", c->lint->nelts,
               c->lint->nelts == 1 ? "" : "s");
}

static void html_client(request_rec *r, const rw_lab_client *c, int n)
{
    int i;

    ap_rprintf(r, "<section class=\"client\" id=\"client-%d\">\n<h2>%s</h2>\n"
               "<p>from %s: %d requests, %s to %s</p>\n", n, h(r, c->agent),
               h(r, c->client), c->entries->nelts,
               stamp(r->pool, ENTRY(c, 0)->time),
               stamp(r->pool, ENTRY(c, c->entries->nelts - 1)->time));
    html_summary(r, c);
    ap_rputs("<h3>Lint: the rules its requests broke</h3>\n", r);
    html_lint(r, c);
    for (i = 0; i < c->scenarios->nelts; i++) {
        const rw_lab_scenario *s = SCENARIO(c, i);
        ap_rvputs(r, "<h3>Scenario <code>", h(r, s->name), "</code></h3>\n",
                  NULL);
        html_events(r, c, s->retries, 1);
        html_events(r, c, s->refusals, 0);
        html_requests(r, c, s);
    }
    ap_rputs("</section>\n", r);
}

void rw_lab_html(request_rec *r, const apr_array_header_t *clients, int cut)
{
    int i;

    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_rputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
             "<title>mod_retrywith lab: report cards</title><style>"
             "body{font-family:sans-serif;margin:2em}table{border-collapse:"
             "collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:"
             ".2em .5em;text-align:left}.retried-with-echo,.corrected"
             "{background:#e6ffe6}.looped,.abandoned,.not-corrected,"
             ".retried-with-bad-echo,.refused-again{background:#ffe6e6}"
             "</style></head><body>\n<h1>Report cards</h1>\n", r);
    ap_rprintf(r, "<p>%d client%s (address and User-Agent). "
               "<a href=\"?format=json\">JSON</a></p>\n", clients->nelts,
               clients->nelts == 1 ? "" : "s");
    if (cut)
        ap_rputs("<p>The journal is long: only its last 8 MiB are read.</p>\n",
                 r);
    for (i = 0; i < clients->nelts; i++)
        html_client(r, CLIENT(clients, i), i);
    ap_rputs("</body></html>\n", r);
}

/* ---- JSON ---- */

/* A journal string as a JSON string (the journal escaped control bytes
 * and non-ASCII already; '"' and '\' remain). */
static const char *js(request_rec *r, const char *s)
{
    apr_size_t n = 2;
    const char *q;
    char *out, *o;

    for (q = s; *q; q++)
        n += (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20) ? 6 : 1;
    o = out = apr_palloc(r->pool, n + 1);
    *o++ = '"';
    for (q = s; *q; q++) {
        if (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20)
            o += apr_snprintf(o, 7, "\\u%04x", (unsigned char)*q);
        else
            *o++ = *q;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

static void json_entry(request_rec *r, const rw_lab_entry *e)
{
    ap_rprintf(r, "{\"time\":%" APR_INT64_T_FMT ",\"method\":%s,\"uri\":%s,"
               "\"status\":%d,\"substatus\":%s,\"rule\":%s,\"echo\":%s,"
               "\"echo_reply\":%s,\"missing\":%s}", e->time,
               js(r, e->method), js(r, e->uri), e->status, js(r, e->sub),
               js(r, e->rule), js(r, e->echo),
               e->echo_reply ? "true" : "false", js(r, e->missing));
}

static void json_events(request_rec *r, const rw_lab_client *c,
                        const apr_array_header_t *evs)
{
    int i;

    ap_rputs("[", r);
    for (i = 0; i < evs->nelts; i++) {
        const rw_lab_event *ev = &APR_ARRAY_IDX(evs, i, rw_lab_event);
        ap_rprintf(r, "%s{\"verdict\":\"%s\",\"count\":%d,\"request\":",
                   i ? "," : "", rw_lab_verdict_name(ev->verdict), ev->count);
        json_entry(r, ENTRY(c, ev->entry));
        ap_rputs(",\"then\":", r);
        if (ev->then >= 0)
            json_entry(r, ENTRY(c, ev->then));
        else
            ap_rputs("null", r);
        ap_rputs("}", r);
    }
    ap_rputs("]", r);
}

static void json_scenario(request_rec *r, const rw_lab_client *c,
                          const rw_lab_scenario *s)
{
    int i, from = s->entries->nelts > SHOWN_MAX
                  ? s->entries->nelts - SHOWN_MAX : 0;

    ap_rprintf(r, "{\"name\":%s,\"request_count\":%d,\"requests\":[",
               js(r, s->name), s->entries->nelts);
    for (i = from; i < s->entries->nelts; i++) {
        ap_rputs(i > from ? "," : "", r);
        json_entry(r, ENTRY(c, APR_ARRAY_IDX(s->entries, i, int)));
    }
    ap_rputs("],\"retries\":", r);
    json_events(r, c, s->retries);
    ap_rputs(",\"refusals\":", r);
    json_events(r, c, s->refusals);
    ap_rputs("}", r);
}

static void json_lint(request_rec *r, const rw_lab_client *c)
{
    int i;

    ap_rputs("[", r);
    for (i = 0; i < c->lint->nelts; i++) {
        const rw_lab_lint *l = APR_ARRAY_IDX(c->lint, i, rw_lab_lint *);
        const rw_lab_entry *e = ENTRY(c, l->example);
        ap_rprintf(r, "%s{\"rule\":%s,\"substatus\":%s,\"reason\":%s,"
                   "\"count\":%d,\"example\":{\"method\":%s,\"uri\":%s,"
                   "\"field\":%s,\"value\":%s}}", i ? "," : "",
                   js(r, l->rule), js(r, l->sub), js(r, e->reason), l->count,
                   js(r, e->method), js(r, e->uri), js(r, e->field),
                   js(r, e->value));
    }
    ap_rputs("]", r);
}

static void json_client(request_rec *r, const rw_lab_client *c)
{
    int i, v, any = 0;

    ap_rprintf(r, "{\"client\":%s,\"user_agent\":%s,\"request_count\":%d,"
               "\"verdicts\":{", js(r, c->client), js(r, c->agent),
               c->entries->nelts);
    for (v = 0; v < RW_LAB_VERDICTS; v++)
        if (c->counts[v])
            ap_rprintf(r, "%s\"%s\":%d", any++ ? "," : "",
                       rw_lab_verdict_name((rw_lab_verdict)v), c->counts[v]);
    ap_rputs("},\"lint\":", r);
    json_lint(r, c);
    ap_rputs(",\"scenarios\":[", r);
    for (i = 0; i < c->scenarios->nelts; i++) {
        ap_rputs(i ? "," : "", r);
        json_scenario(r, c, SCENARIO(c, i));
    }
    ap_rputs("]}", r);
}

void rw_lab_json(request_rec *r, const apr_array_header_t *clients, int cut)
{
    int i;

    ap_set_content_type(r, "application/json");
    ap_rprintf(r, "{\"journal_cut\":%s,\"clients\":[", cut ? "true" : "false");
    for (i = 0; i < clients->nelts; i++) {
        ap_rputs(i ? ",\n" : "\n", r);
        json_client(r, CLIENT(clients, i));
    }
    ap_rputs("\n]}\n", r);
}
