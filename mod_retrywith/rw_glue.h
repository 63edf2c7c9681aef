/* What the glue files share. */
#ifndef RW_GLUE_H
#define RW_GLUE_H

#include "httpd.h"
#include "http_config.h"
#include "util_filter.h"
#include "rwdav.h"
#include "rw_config.h"

extern module AP_MODULE_DECLARE_DATA retrywith_module;

/* mod_dav's dav_get_provider_name, found at startup when mod_dav is loaded:
 * it tells whether a GET or HEAD falls in a DAV location. */
extern const char *(*rw_dav_provider_name)(request_rec *r);

extern ap_filter_rec_t *rw_replay_filter;

/* The handler ordered before mod_dav's (rw_check.c). */
int rw_handler(request_rec *r);

/* Reads, validates and buffers a PROPFIND/PROPPATCH/LOCK body, then puts a
 * filter in place that hands the same bytes to mod_dav (rw_body.c).
 * Returns OK with *err NULL (go on), OK with *err set (refuse), or an HTTP
 * error / AP_FILTER_ERROR already answered by the input filters. */
int rw_body_take(request_rec *r, rwdav_body_kind kind,
                 const rwdav_limits *lim, rwdav_error **err,
                 apr_size_t *size);
apr_status_t rw_replay_in(ap_filter_t *f, apr_bucket_brigade *bb,
                          ap_input_mode_t mode, apr_read_type_e block,
                          apr_off_t readbytes);

/* Is there at least one byte of request body? Consumes it if so. */
int rw_body_present(request_rec *r, int *present);

/* Writes the whole refusal (rw_response.c); value is the offending header
 * value for the log, or NULL. Returns DONE. */
int rw_refuse(request_rec *r, const rwdav_error *e, const char *value);

#endif
