/* What the glue files share. */
#ifndef RW_GLUE_H
#define RW_GLUE_H

#include <stddef.h>

#include "httpd.h"
#include "http_config.h"
#include "util_filter.h"
#include "rwdav.h"
#include "rw_config.h"
#include "rw_policy.h"

extern module AP_MODULE_DECLARE_DATA retrywith_module;

/* mod_dav's dav_get_provider_name, found at startup when mod_dav is loaded:
 * it tells whether a GET or HEAD falls in a DAV location. */
extern const char *(*rw_dav_provider_name)(request_rec *r);

extern ap_filter_rec_t *rw_replay_filter;

/* The request headers the checks read, found in one pass over the table
 * (each the first of its name, as apr_table_get would give). */
typedef struct {
    const char *depth, *destination, *overwrite, *timeout, *ifh,
               *translate, *lock_token, *echo_reply, *content_length,
               *transfer_encoding, *expect, *host;
} rw_headers;

/* What the module decided for a request. The checks and the policies
 * only decide; rw_answer writes the answer and rw_record records it. */
typedef enum {
    RW_PASS = 0,        /* hand the request on (mod_dav, or GET's handler) */
    RW_REFUSE,          /* a fault of the request: err (400.x, 403, 413, 502) */
    RW_RETRY,           /* 449 naming what is missing, with a new echo token;
                           token NULL: a genuine retry still lacks it (403) */
    RW_BAD_ECHO,        /* Ms-Echo-Reply did not verify (400) */
    RW_FAILED           /* reading the body failed: status, which httpd
                           answers (the input filters may have already) */
} rw_decision;

typedef struct {
    rw_decision kind;
    const rwdav_error *err;        /* RW_REFUSE */
    const char *value;             /* RW_REFUSE: the header value at fault,
                                      for the log, or NULL */
    const char *token;             /* RW_RETRY: Ms-Echo-Request, or NULL */
    apr_int64_t deadline;          /* RW_RETRY: the token's expiry, seconds */
    const char *condition;         /* RW_RETRY: a DAV: precondition the
                                      final answer names, or NULL */
    rwdav_echo_verdict echo;       /* RW_BAD_ECHO */
    int status;                    /* RW_FAILED */
} rw_verdict;

/* One request on its way through the checks. */
typedef struct {
    request_rec *r;
    const rw_dir_conf *conf;
    rwdav_limits lim;
    rwdav_method m;
    int fs;                        /* mod_dav_fs serves: its own rules apply */
    int proxied;                   /* mod_proxy serves (rw_proxy.c) */
    int has_if;
    apr_array_header_t *pols;      /* the policies that apply (rw_policy *),
                                      NULL where none does */
    int retry_depth;               /* a depth policy applies */
    int body_rules;                /* an applicable policy reads the body */
    apr_array_header_t *missing;   /* what the request lacks (rw_missing) */
    const char *echo;              /* Ms-Echo-Reply, verified */
    const rwdav_error *depth_refusal; /* the 403 a depth policy retries */
    rw_headers h;                  /* filled by find_headers */
    rwdav_if ifh;                  /* filled by the If parser; read only
                                      when has_if */
    rw_verdict v;                  /* the decision */
} rw_req;

/* Does an http(s) Destination name this server by one of its other
 * origins: ServerName, ServerAlias, or what a trusted proxy forwards
 * (rw_origin.c)? */
int rw_origin_known(request_rec *r, const rw_dir_conf *conf,
                    const rwdav_uri *u);

/* Locations served by mod_proxy (rw_proxy.c). init looks mod_proxy up
 * at startup; rw_proxied tells whether it serves r; rw_proxy_map gives
 * the URL the backend knows for the path of an http(s) URI or path that
 * names this server, or NULL when no ProxyPass maps that path; *same (may
 * be NULL) tells whether that backend is the one r goes to. */
void rw_proxy_init(void);
int rw_proxied(const request_rec *r);
/* The backend URL mod_proxy forwards r to, or NULL. */
const char *rw_proxy_backend(const request_rec *r);
const char *rw_proxy_map(request_rec *r, const rwdav_uri *dst, int *same);

/* The handler ordered before mod_dav's and mod_proxy's (rw_check.c). */
int rw_handler(request_rec *r);

/* 449 decisions (rw_retry.c). select runs first, headers after the header
 * checks, body after the body was judged. headers and body return 1 when
 * they decided (q->v: RW_RETRY or RW_BAD_ECHO), else 0. */
void rw_retry_select(rw_req *q);
int rw_retry_headers(rw_req *q);
int rw_retry_body(rw_req *q, const rwdav_body *body);

/* The one place that writes the module's answer (rw_response.c): nothing
 * for RW_PASS (DECLINED), the status for RW_FAILED, else the whole
 * response (DONE). */
int rw_answer(const rw_req *q);
/* Why an Ms-Echo-Reply failed, for people. */
const char *rw_echo_reason(rwdav_echo_verdict v);

/* The one place that records the outcome (rw_record.c): the notes the
 * access log reads, the live counters, the error_log line. */
void rw_record(const rw_req *q);

/* Reads, validates and buffers a PROPFIND/PROPPATCH/LOCK body, then puts a
 * filter in place that hands the same bytes to mod_dav (rw_body.c).
 * Returns OK with *err NULL (go on), OK with *err set (refuse), or an HTTP
 * error / AP_FILTER_ERROR already answered by the input filters. */
int rw_body_take(request_rec *r, rwdav_body_kind kind,
                 const rwdav_limits *lim, int collect, rwdav_body **body,
                 rwdav_error **err);
apr_status_t rw_replay_in(ap_filter_t *f, apr_bucket_brigade *bb,
                          ap_input_mode_t mode, apr_read_type_e block,
                          apr_off_t readbytes);

/* Is there at least one byte of request body? Consumes it if so. */
int rw_body_present(request_rec *r, int *present);

#endif
