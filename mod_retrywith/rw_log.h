/* Log tags of our own: "RW" + five digits, like httpd's AH numbers.
 * The next free number is in rw_log.h's RW_LOGNO_NEXT comment.
 *   RW00001-RW00009 startup, RW00101-RW00199 request handling.
 * RW_LOGNO_NEXT: RW00008 (startup), RW00109 (requests) */
#ifndef RW_LOG_H
#define RW_LOG_H

#define RW_LOGNO(n) "RW" #n ": "

/* Longest piece of a client's value copied into the error_log. */
#define RW_LOG_VALUE_MAX 128

#endif
