/* The lab's journal: RetryWithLab marks a location as a scenario, and
 * every request there, whatever became of it, is one line in the file
 * RetryWithLabJournal names. The line is written at log_transaction, when
 * the final status is known, from the notes rw_record set; one write(2) on
 * a file opened for appending, so the lines of concurrent children do not
 * mix. */
#include <errno.h>
#include <unistd.h>

#include <apr_lib.h>

#include <apr_strings.h>
#include <apr_file_io.h>

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "unixd.h"

#include "rw_glue.h"
#include "rw_lab.h"
#include "rw_log.h"

APLOG_USE_MODULE(retrywith);

/* Longest User-Agent, URI and header value the journal keeps. */
#define RW_LAB_AGENT_MAX 256
#define RW_LAB_URI_MAX 512
#define RW_LAB_VALUE_MAX 128

/* Global configuration, reset before each reading of the configuration. */
static const char *journal_path;
static int scenarios_configured;
static apr_file_t *journal;

static int scenario_name_ok(const char *s)
{
    apr_size_t n = 0;

    for (; s[n]; n++)
        if (!apr_isalnum(s[n]) && s[n] != '-' && s[n] != '_' && s[n] != '.')
            return 0;
    return n >= 1 && n <= 64;
}

const char *rw_cmd_lab(cmd_parms *cmd, void *dconf, const char *arg)
{
    rw_dir_conf *c = rw_mark(dconf, RW_SET_LAB);

    if (!strcasecmp(arg, "Off")) {
        c->lab = NULL;
        return NULL;
    }
    if (!scenario_name_ok(arg))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a scenario name "
                            "(1 to 64 letters, digits, '-', '_' or '.')",
                            cmd->cmd->name, arg);
    c->lab = arg;
    scenarios_configured = 1;
    return NULL;
}

const char *rw_cmd_lab_journal(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dconf;
    if (err)
        return err;
    journal_path = ap_server_root_relative(cmd->pool, arg);
    if (!journal_path)
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'",
                            cmd->cmd->name, arg);
    return NULL;
}

const char *rw_lab_journal_path(void)
{
    return journal_path;
}

int rw_lab_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)pconf; (void)plog; (void)ptemp;
    journal_path = NULL;
    scenarios_configured = 0;
    journal = NULL;
    return OK;
}

/* The children write through the descriptor opened here, and read the
 * file anew for the report: it belongs to their user. */
int rw_lab_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv;

    if (!journal_path) {
        if (scenarios_configured)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, RW_LOGNO(00005)
                         "RetryWithLab is set but RetryWithLabJournal is "
                         "not: the lab's requests are not journaled");
        return OK;
    }
    rv = apr_file_open(&journal, journal_path, APR_FOPEN_WRITE
                       | APR_FOPEN_CREATE | APR_FOPEN_APPEND,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD,
                       pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, RW_LOGNO(00006)
                     "RetryWithLabJournal: cannot open %s", journal_path);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (geteuid() == 0 && chown(journal_path, ap_unixd_config.user_id,
                                ap_unixd_config.group_id) != 0)
        ap_log_error(APLOG_MARK, APLOG_WARNING, errno, s, RW_LOGNO(00007)
                     "RetryWithLabJournal: cannot give %s to the child "
                     "processes' user: the report cannot read it",
                     journal_path);
    return OK;
}

/* A value as one journal field: truncated, escaped, never empty. */
static const char *field(apr_pool_t *p, const char *v, apr_size_t max)
{
    apr_size_t n;

    if (!v || !*v)
        return "-";
    n = strlen(v);
    return ap_escape_logitem(p, n > max ? apr_pstrmemdup(p, v, max) : v);
}

/* The fields the notes of rw_record give, and how much of each is kept. */
static const struct {
    int at;
    const char *note;
    apr_size_t max;
} noted[] = {
    { RW_LAB_SUBSTATUS, "retrywith-substatus", RW_LAB_URI_MAX },
    { RW_LAB_RULE, "retrywith-rule", RW_LAB_URI_MAX },
    { RW_LAB_ECHO, "retrywith-echo", RW_LAB_URI_MAX },
    { RW_LAB_MISSING, "retrywith-missing", RW_LAB_URI_MAX },
    { RW_LAB_FIELD, "retrywith-field", RW_LAB_URI_MAX },
    { RW_LAB_VALUE, "retrywith-value", RW_LAB_VALUE_MAX },
    { RW_LAB_REASON, "retrywith-reason", RW_LAB_URI_MAX }
};

/* The journal line of request r, whose final answer is last's. */
static const char *journal_line(request_rec *r, const request_rec *last,
                                const char *scenario)
{
    apr_array_header_t *f = apr_array_make(r->pool, RW_LAB_NFIELDS,
                                           sizeof(const char *));
    const char *v[RW_LAB_NFIELDS];
    apr_size_t i;

    v[RW_LAB_TIME] = apr_psprintf(r->pool, "%" APR_TIME_T_FMT,
                                  r->request_time);
    v[RW_LAB_CLIENT] = field(r->pool, r->useragent_ip, RW_LAB_URI_MAX);
    v[RW_LAB_AGENT] = field(r->pool, apr_table_get(r->headers_in,
                                                   "User-Agent"),
                            RW_LAB_AGENT_MAX);
    v[RW_LAB_SCENARIO] = scenario;
    v[RW_LAB_METHOD] = field(r->pool, r->method, RW_LAB_URI_MAX);
    v[RW_LAB_URI] = field(r->pool, r->unparsed_uri, RW_LAB_URI_MAX);
    v[RW_LAB_STATUS] = apr_itoa(r->pool, last->status);
    v[RW_LAB_ECHO_REPLY] = apr_table_get(r->headers_in, "Ms-Echo-Reply")
                           ? "1" : "0";
    for (i = 0; i < sizeof(noted) / sizeof(noted[0]); i++)
        v[noted[i].at] = field(r->pool, apr_table_get(last->notes,
                                                      noted[i].note),
                               noted[i].max);
    for (i = 0; i < RW_LAB_NFIELDS; i++)
        APR_ARRAY_PUSH(f, const char *) = v[i];
    return apr_pstrcat(r->pool, apr_array_pstrcat(r->pool, f, '\t'), "\n",
                       NULL);
}

int rw_lab_log(request_rec *r)
{
    request_rec *last = r;
    const rw_dir_conf *c;
    const char *line;
    apr_status_t rv;

    while (last->next)
        last = last->next;
    c = ap_get_module_config(last->per_dir_config, &retrywith_module);
    if (!journal || !c || !c->lab)
        return DECLINED;
    line = journal_line(r, last, c->lab);
    rv = apr_file_write_full(journal, line, strlen(line), NULL);
    if (rv != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, RW_LOGNO(00108)
                      "RetryWithLabJournal: cannot write to %s",
                      journal_path);
    return OK;
}
