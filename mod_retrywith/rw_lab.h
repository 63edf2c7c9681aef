/* The client lab (README "Testing a client"): locations marked
 * RetryWithLab <scenario> journal every request, one line each, to the
 * file RetryWithLabJournal names; SetHandler retrywith-lab-report reads the
 * journal back as a report card per client (rw_lab_report.c). */
#ifndef RW_LAB_H
#define RW_LAB_H

#include "httpd.h"
#include "http_config.h"

#define RW_LAB_REPORT_HANDLER "retrywith-lab-report"

/* The journal's fields, tab-separated, each escaped as a log item (no tab
 * or newline inside), '-' when empty. */
enum {
    RW_LAB_TIME = 0,        /* apr_time_t, microseconds */
    RW_LAB_CLIENT,          /* the client's address (mod_remoteip's view) */
    RW_LAB_AGENT,           /* User-Agent, truncated */
    RW_LAB_SCENARIO,        /* RetryWithLab's name */
    RW_LAB_METHOD,
    RW_LAB_URI,             /* as sent, truncated */
    RW_LAB_STATUS,          /* the final status */
    RW_LAB_SUBSTATUS,       /* the retrywith-substatus note */
    RW_LAB_RULE,            /* the retrywith-rule note */
    RW_LAB_ECHO,            /* the retrywith-echo note */
    RW_LAB_ECHO_REPLY,      /* 1: the request carried Ms-Echo-Reply */
    RW_LAB_MISSING,         /* the retrywith-missing note */
    RW_LAB_FIELD,           /* the retrywith-field note */
    RW_LAB_VALUE,           /* the retrywith-value note, truncated */
    RW_LAB_REASON,          /* the retrywith-reason note: the rule's text */
    RW_LAB_NFIELDS
};

/* Directives: RetryWithLab (per directory, rw_config.c's table) and
 * RetryWithLabJournal (global). */
const char *rw_cmd_lab(cmd_parms *cmd, void *dconf, const char *arg);
const char *rw_cmd_lab_journal(cmd_parms *cmd, void *dconf, const char *arg);

int rw_lab_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
/* Opens the journal in the parent, where the children inherit it. */
int rw_lab_post_config(apr_pool_t *pconf, server_rec *s);
/* The log_transaction hook: one journal line per request of a scenario. */
int rw_lab_log(request_rec *r);

/* The journal's path, or NULL when none is configured. */
const char *rw_lab_journal_path(void);

/* The report: a handler hook of its own (DECLINED for other handlers). */
int rw_lab_report(request_rec *r);

/* Its two forms (rw_lab_render.c). clients: rw_lab_client *; cut: the
 * journal was read from its end only. */
void rw_lab_html(request_rec *r, const apr_array_header_t *clients, int cut);
void rw_lab_json(request_rec *r, const apr_array_header_t *clients, int cut);

#endif
