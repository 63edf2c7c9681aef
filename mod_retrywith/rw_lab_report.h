/* The report card's model: the journal's lines by client and scenario, and
 * the verdicts rw_lab_judge draws from them (rw_lab_judge.c), rendered by
 * rw_lab_render.c. APR only, no httpd header: the unit tests link
 * rw_lab_judge.c directly. */
#ifndef RW_LAB_REPORT_H
#define RW_LAB_REPORT_H

#include <apr_pools.h>
#include <apr_tables.h>

/* One journal line. The strings are escaped log items, '-' when empty. */
typedef struct {
    apr_int64_t time;
    const char *client, *agent, *scenario, *method, *uri;
    int status;
    const char *sub, *rule, *echo, *missing, *field, *value, *reason;
    int echo_reply;         /* the request carried Ms-Echo-Reply */
    int seq;                /* its line's place in the journal */
    int next;               /* the client's next request with the same
                               scenario, method and URI, or -1 */
    int follow;             /* a resend within an earlier 449's loop */
} rw_lab_entry;

/* What the client did after a 449 or a refusal. */
typedef enum {
    RW_LAB_RETRIED_ECHO = 0,    /* retried with Ms-Echo-Reply, satisfied */
    RW_LAB_STILL_MISSING,       /* retried with the echo, still lacking */
    RW_LAB_BAD_ECHO,            /* retried with a bad Ms-Echo-Reply */
    RW_LAB_NO_ECHO,             /* retried without Ms-Echo-Reply */
    RW_LAB_LOOPED,              /* resent unchanged: 449 after 449 */
    RW_LAB_ABANDONED,           /* no retry */
    RW_LAB_CORRECTED,           /* after a refusal: no longer refused */
    RW_LAB_REFUSED_AGAIN,       /* after a refusal: refused again */
    RW_LAB_NOT_CORRECTED,       /* after a refusal: never sent again */
    RW_LAB_VERDICTS
} rw_lab_verdict;

typedef struct {
    int entry;              /* the 449 or the refusal */
    rw_lab_verdict verdict;
    int then;               /* the request that followed, or -1 */
    int count;              /* RW_LAB_LOOPED: how many 449s */
} rw_lab_event;

/* One rule the client's requests broke. */
typedef struct {
    const char *rule, *sub;
    int count;
    int example;            /* its first request */
} rw_lab_lint;

typedef struct {
    const char *name;
    apr_array_header_t *entries;    /* int: indexes in the client's */
    apr_array_header_t *retries;    /* rw_lab_event, after each 449 */
    apr_array_header_t *refusals;   /* rw_lab_event, after each 400.x */
} rw_lab_scenario;

typedef struct {
    const char *client, *agent;
    apr_array_header_t *entries;    /* rw_lab_entry; rw_lab_judge puts them
                                       in the order they were sent */
    apr_array_header_t *scenarios;  /* rw_lab_scenario *, by first use */
    apr_array_header_t *lint;       /* rw_lab_lint *, by first occurrence */
    int counts[RW_LAB_VERDICTS];
} rw_lab_client;

/* The verdict's stable name (JSON) and its sentence (HTML). */
const char *rw_lab_verdict_name(rw_lab_verdict v);
const char *rw_lab_verdict_text(rw_lab_verdict v);

void rw_lab_judge(apr_pool_t *p, rw_lab_client *c);

#endif
