/*
 * Shared helpers for the table-driven unit tests of dav/ (rwdav.h).
 *
 * Every table row carries its input as pointer + explicit length, so rows can
 * hold NUL bytes; IN("...") fills both from a string literal. Rows whose input
 * is too big or too regular to write out (64 KiB values, 65 If lists...) name
 * a generator instead, which builds the bytes at run time in the case's pool.
 */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "rwdav.h"

/* Designated-initializer helper: .in and .len from a string literal. */
#define IN(lit) .in = (lit), .len = (sizeof(lit) - 1)

/* Number of rows of a static table. */
#define NROWS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* Builds a row's input at run time; sets *len, returns the bytes. */
typedef const char *(*unit_gen_fn)(apr_pool_t *p, apr_size_t *len);

/* Size of the "64 KiB" header values. */
#define UNIT_BIG 65536

/* An expected verdict: the fault's id and where it is (dav/RULES.md says
 * which byte each fault points at); RWDAV_E_NONE: no error expected. The
 * status and sub-status follow from the id's row of the table. */
typedef struct unit_verdict {
    rwdav_error_id id;
    apr_size_t offset;
} unit_verdict;

#define V_OK          { RWDAV_E_NONE, 0 }
#define VE(id, off)   { (id), (off) }

/* The limits a row runs with: the defaults (rwdav_limits_default), then
 * each non-zero field of custom (when not NULL) in place of its default,
 * so a row names only the caps it is about. The parsers themselves apply
 * the limits as given: a zero is a cap of zero to them. */
void unit_limits(rwdav_limits *lim, const rwdav_limits *custom);

/* A new pool for one case (fails the test if APR cannot create it). */
apr_pool_t *unit_pool(void);

/* Printable, truncated rendering of bytes for failure messages. */
const char *unit_repr(apr_pool_t *p, const char *s, apr_size_t len);

/* Compares err with the expected verdict. Returns NULL when they agree,
 * else a message saying what was expected and what came back. For errors:
 * the id and the offset; the status, sub-status, reason and condition of
 * the id's table row (rwdav_fault); the field named after the rule family;
 * and (when len is not (apr_size_t)-1) an offset within the value. */
const char *unit_verdict_diff(apr_pool_t *p, const rwdav_error *err,
                              unit_verdict want, apr_size_t len);

#define UNIT_NO_LEN ((apr_size_t)-1)

/* Asserts a verdict; name and input go into the failure message. */
#define CK_VERDICT(p, err, want, len, name, in, inlen) do {                  \
        const char *diff_ = unit_verdict_diff((p), (err), (want), (len));     \
        ck_assert_msg(diff_ == NULL, "[%s] input \"%s\": %s", (name),        \
                      unit_repr((p), (in), (inlen)), diff_);                  \
    } while (0)

/* Asserts two C strings are equal, either may be NULL. */
/* A rwdav_span against a string; an absent span (p NULL) matches NULL. */
#define CK_SPANEQ(p, got, want, what, name) do {                              \
        rwdav_span s_ = (got);                                               \
        CK_STREQ((p), s_.p ? apr_pstrmemdup((p), s_.p, s_.len) : NULL,       \
                 (want), (what), (name));                                    \
    } while (0)

#define CK_STREQ(p, got, want, what, name) do {                               \
        const char *g_ = (got), *w_ = (want);                                \
        ck_assert_msg((g_ == NULL && w_ == NULL) ||                           \
                      (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0),      \
                      "[%s] %s: expected \"%s\", got \"%s\"", (name), (what), \
                      w_ ? unit_repr((p), w_, strlen(w_)) : "(null)",         \
                      g_ ? unit_repr((p), g_, strlen(g_)) : "(null)");        \
    } while (0)

/* Value of `n` copies of `unit` (unit_len bytes) between prefix and suffix. */
const char *unit_repeat(apr_pool_t *p, const char *prefix, const char *unit,
                        apr_size_t n, const char *sep, const char *suffix,
                        apr_size_t *len);

/* prefix, then `fill` repeated until the total (with suffix) is `total`. */
const char *unit_fill(apr_pool_t *p, const char *prefix, char fill,
                      const char *suffix, apr_size_t total, apr_size_t *len);

Suite *suite_depth(void);
Suite *suite_flags(void);
Suite *suite_destination(void);
Suite *suite_if(void);
Suite *suite_timeout(void);
Suite *suite_locktoken(void);
Suite *suite_body(void);
Suite *suite_echo(void);
Suite *suite_xmlscan(void);
Suite *suite_counters(void);
Suite *suite_lab(void);

#endif /* UNIT_H */
