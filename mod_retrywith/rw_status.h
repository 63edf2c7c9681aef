/* Live counters shared by every child process (rw_counters.h holds the
 * table), and the page that shows them: SetHandler retrywith-status. */
#ifndef RW_STATUS_H
#define RW_STATUS_H

#include "httpd.h"
#include "rwdav.h"
#include "rw_counters.h"

/* Maps the shared table, made once per server start and kept across
 * graceful restarts (like the scoreboard). Never fails the start: without
 * shared memory the counters are off and the page says so. */
void rw_status_init(server_rec *s);

void rw_status_count(rw_outcome o);

/* The 449 life cycle, per User-Agent family. rw_record (rw_record.c) is
 * the only caller of these and of rw_status_count. */
void rw_status_issued(request_rec *r, const char *token,
                      apr_int64_t deadline_sec);
void rw_status_retried(request_rec *r, const char *echo, int satisfied);
void rw_status_bad_echo(request_rec *r, rwdav_echo_verdict v);

#define RW_STATUS_HANDLER "retrywith-status"

/* The page: a handler hook of its own, for SetHandler retrywith-status
 * (DECLINED for any other handler). */
int rw_status_page(request_rec *r);

/* The section of mod_status's server-status page (its status hook). */
int rw_status_hook(request_rec *r, int flags);

#endif
