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

/* One request on its way through the checks. */
typedef struct {
    request_rec *r;
    const rw_dir_conf *conf;
    rwdav_limits lim;
    rwdav_method m;
    int fs;                        /* mod_dav_fs serves: its own rules apply */
    int has_if;
    apr_array_header_t *pols;      /* the policies that apply (rw_policy *),
                                      NULL where the location has none */
    apr_array_header_t *missing;   /* what the request lacks (rw_missing) */
    int body_rules;                /* an applicable policy reads the body */
    const char *echo;              /* Ms-Echo-Reply, verified */
    const rwdav_error *depth_refusal; /* the 403 a depth policy retries */
    rw_headers h;                  /* filled by find_headers */
    rwdav_if ifh;                  /* filled by the If parser; read only
                                      when has_if */
} rw_req;

/* Does an http(s) Destination name this server by one of its other
 * origins: ServerName, ServerAlias, or what a trusted proxy forwards
 * (rw_origin.c)? */
int rw_origin_known(request_rec *r, const rw_dir_conf *conf,
                    const rwdav_uri *u);

/* The handler ordered before mod_dav's (rw_check.c). */
int rw_handler(request_rec *r);

/* 449 decisions (rw_retry.c). select runs first; headers after the 400.x
 * header checks; body after the body was validated. Each returns OK to go
 * on, or the answer's code (DONE) once answered. */
void rw_retry_select(rw_req *q);
int rw_retry_depth(rw_req *q, const rwdav_error *refusal);
int rw_retry_headers(rw_req *q);
int rw_retry_body(rw_req *q, const rwdav_body *body);

/* The 449, the final refusal of a retry, and a bad echo (rw_response.c). */
int rw_answer_retry(request_rec *r, const apr_array_header_t *missing,
                    const char *token, const char *condition);
int rw_answer_bad_echo(request_rec *r, rwdav_echo_verdict v);

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

/* Writes the whole refusal (rw_response.c); value is the offending header
 * value for the log, or NULL. Returns DONE. */
int rw_refuse(request_rec *r, const rwdav_error *e, const char *value);

#endif
