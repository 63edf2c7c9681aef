/* The lab's report card (SetHandler retrywith-lab-report): the journal
 * read back, per client (address and User-Agent), per scenario: the
 * requests and their answers; what the client did after each 449 (retried
 * with Ms-Echo-Reply, without it, looped, abandoned) and after each
 * refusal (corrected or not); and the lint: every rule its requests broke,
 * with one example. HTML for people, JSON (?format=json, or an Accept
 * naming application/json) for tools. */
#include <apr_strings.h>
#include <apr_hash.h>
#include <apr_file_io.h>

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "rw_glue.h"
#include "rw_lab.h"
#include "rw_lab_report.h"
#include "rw_log.h"

APLOG_USE_MODULE(retrywith);

/* The report reads at most the journal's last 8 MiB (some 40000
 * requests): its cost per page stays bounded. */
#define RW_LAB_READ_MAX (8 * 1024 * 1024)

/* ---- reading the journal ---- */

static int parse_line(char *line, rw_lab_entry *e)
{
    char *f[RW_LAB_NFIELDS], *last;
    int i;

    for (i = 0; i < RW_LAB_NFIELDS; i++) {
        f[i] = apr_strtok(i ? NULL : line, "\t", &last);
        if (!f[i])
            return 0;
    }
    if (apr_strtok(NULL, "\t", &last))
        return 0;
    e->time = apr_atoi64(f[RW_LAB_TIME]);
    e->client = f[RW_LAB_CLIENT];
    e->agent = f[RW_LAB_AGENT];
    e->scenario = f[RW_LAB_SCENARIO];
    e->method = f[RW_LAB_METHOD];
    e->uri = f[RW_LAB_URI];
    e->status = atoi(f[RW_LAB_STATUS]);
    e->sub = f[RW_LAB_SUBSTATUS];
    e->rule = f[RW_LAB_RULE];
    e->echo = f[RW_LAB_ECHO];
    e->echo_reply = f[RW_LAB_ECHO_REPLY][0] == '1';
    e->missing = f[RW_LAB_MISSING];
    e->field = f[RW_LAB_FIELD];
    e->value = f[RW_LAB_VALUE];
    e->reason = f[RW_LAB_REASON];
    e->next = -1;
    e->follow = 0;
    return 1;
}

/* The journal's last RW_LAB_READ_MAX bytes, from a line's start. */
static apr_status_t read_journal(request_rec *r, const char *path,
                                 char **text, int *cut)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_off_t off = 0;
    apr_size_t n;
    apr_status_t rv;
    char *buf, *nl;

    if ((rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, r->pool))
        || (rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f)))
        return rv;
    *cut = fi.size > RW_LAB_READ_MAX;
    if (*cut)
        off = fi.size - RW_LAB_READ_MAX;
    if ((rv = apr_file_seek(f, APR_SET, &off)))
        return rv;
    n = (apr_size_t)(fi.size - off);
    buf = apr_palloc(r->pool, n + 1);
    rv = apr_file_read_full(f, buf, n, &n);
    apr_file_close(f);
    if (rv && rv != APR_EOF)
        return rv;
    buf[n] = '\0';
    if (*cut && (nl = strchr(buf, '\n')))
        buf = nl + 1;
    *text = buf;
    return APR_SUCCESS;
}

/* The journal's entries by client (rw_lab_client *), in the order the
 * clients first came. */
static apr_array_header_t *clients_of(apr_pool_t *p, char *text)
{
    apr_array_header_t *clients = apr_array_make(p, 8,
                                                 sizeof(rw_lab_client *));
    apr_hash_t *index = apr_hash_make(p);
    char *line, *last;
    int seq = 0;

    for (line = apr_strtok(text, "\n", &last); line;
         line = apr_strtok(NULL, "\n", &last)) {
        rw_lab_entry e;
        const char *key;
        rw_lab_client *c;

        if (!parse_line(line, &e))
            continue;   /* not a journal line of this version */
        e.seq = seq++;
        key = apr_pstrcat(p, e.client, "\t", e.agent, NULL);
        c = apr_hash_get(index, key, APR_HASH_KEY_STRING);
        if (!c) {
            c = apr_pcalloc(p, sizeof(*c));
            c->client = e.client;
            c->agent = e.agent;
            c->entries = apr_array_make(p, 16, sizeof(rw_lab_entry));
            apr_hash_set(index, key, APR_HASH_KEY_STRING, c);
            APR_ARRAY_PUSH(clients, rw_lab_client *) = c;
        }
        APR_ARRAY_PUSH(c->entries, rw_lab_entry) = e;
    }
    return clients;
}

static int wants_json(request_rec *r)
{
    const char *accept = apr_table_get(r->headers_in, "Accept");

    if (r->args && !strcmp(r->args, "format=json"))
        return 1;
    return accept && ap_strstr_c(accept, "application/json") != NULL;
}

int rw_lab_report(request_rec *r)
{
    const char *path = rw_lab_journal_path();
    apr_array_header_t *clients;
    apr_status_t rv;
    char *text;
    int cut, i;

    if (!r->handler || strcmp(r->handler, RW_LAB_REPORT_HANDLER))
        return DECLINED;
    r->allowed = (AP_METHOD_BIT << M_GET);
    ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, -1);   /* Allow: */
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    if (!path) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, RW_LOGNO(00106)
                      "the lab report needs RetryWithLabJournal");
        return HTTP_NOT_FOUND;
    }
    if ((rv = read_journal(r, path, &text, &cut)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, RW_LOGNO(00107)
                      "the lab report cannot read %s", path);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    clients = clients_of(r->pool, text);
    for (i = 0; i < clients->nelts; i++)
        rw_lab_judge(r->pool, APR_ARRAY_IDX(clients, i, rw_lab_client *));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (wants_json(r))
        rw_lab_json(r, clients, cut);
    else
        rw_lab_html(r, clients, cut);
    return OK;
}
