/* Character classes of RFC 3986 and RFC 9110 as one table, and the URI
 * scanners shared by Destination, If and Lock-Token. Internal to dav/. */
#ifndef RWDAV_SCAN_H
#define RWDAV_SCAN_H

#include <apr_general.h>

#include "rwdav.h"

enum {
    RWC_ALPHA = 0x01,
    RWC_DIGIT = 0x02,
    RWC_UNRESERVED_EXTRA = 0x04,  /* - . _ ~ */
    RWC_SUB_DELIM = 0x08,         /* ! $ & ' ( ) * + , ; = */
    RWC_HEX = 0x10,
    RWC_ETAGC = 0x20,             /* %x21 / %x23-7E / obs-text */
    RWC_SCHEME_EXTRA = 0x40,      /* + - . */
    RWC_PATH = 0x80,              /* pchar without pct-encoded, and "/" */
    /* A union as one bit of its own, for rwdav_all_class: */
    RWC_TOKEN = 0x100             /* RWC_PATH but ")": what mod_dav_fs
                                     reads in an If state token */
};

extern const unsigned short rwdav_ctype[256];

#define RWC_IS(c, cls) (rwdav_ctype[(unsigned char)(c)] & (cls))
#define RWC_UNRESERVED (RWC_ALPHA | RWC_DIGIT | RWC_UNRESERVED_EXTRA)
/* pchar without pct-encoded, which the scanners handle themselves */
#define RWC_PCHAR(c) (RWC_IS(c, RWC_UNRESERVED | RWC_SUB_DELIM) \
                      || (c) == ':' || (c) == '@')

int rwdav_hexval(unsigned char c);

/* The scanning loops that sit on every COPY, MOVE and If header: GCC and
 * clang would otherwise keep them out of line, at a call per URI part. */
#if defined(__GNUC__)
#define RWDAV_HOT_INLINE static inline __attribute__((always_inline))
#else
#define RWDAV_HOT_INLINE static APR_INLINE
#endif

/* Do all bytes v[i..end) have the class bit (one bit: the class bits of
 * the bytes are ANDed, four at a time, without a branch per byte)? Stops
 * at the first group with a byte outside: the If fast path asks it of the
 * whole rest of a header that is most often of another shape. */
RWDAV_HOT_INLINE int rwdav_all_class(const char *v, apr_size_t i,
                                     apr_size_t end, unsigned bit)
{
    unsigned acc = bit;
    for (; i + 4 <= end && acc; i += 4)
        acc &= rwdav_ctype[(unsigned char)v[i]]
             & rwdav_ctype[(unsigned char)v[i + 1]]
             & rwdav_ctype[(unsigned char)v[i + 2]]
             & rwdav_ctype[(unsigned char)v[i + 3]];
    for (; i < end && acc; i++)
        acc &= rwdav_ctype[(unsigned char)v[i]];
    return acc != 0;
}

/* ASCII case-insensitive compare of a counted string with a literal. */
int rwdav_ieq(const char *s, apr_size_t len, const char *lit);
/* The same for two counted strings of n bytes each. */
int rwdav_ieqn(const char *a, const char *b, apr_size_t n);

/* Parses a Simple-ref: an absolute-URI, or (allow_path) a path-absolute
 * with an optional query. Returns RWDAV_E_NONE and fills *u (when not
 * NULL), or the fault as Destination's id (RWDAV_E_DEST_*) with *off at the
 * offending byte (len when the value ends too early); callers of another
 * family translate it (rwdav_tag_fault). */
rwdav_error_id rwdav_parse_ref(const char *v, apr_size_t len, int allow_path,
                               rwdav_uri *u, apr_size_t *off);
/* The same without the one-pass fast path for plain references: the fuzz
 * target checks that both give the same answer. */
rwdav_error_id rwdav_parse_ref_general(const char *v, apr_size_t len,
                                       int allow_path, rwdav_uri *u,
                                       apr_size_t *off);
/* A Resource-Tag is a Simple-ref like Destination, but its faults are If's
 * (400.3): the If id of a Destination reference fault. */
rwdav_error_id rwdav_tag_fault(rwdav_error_id dest_id);
/* rwdav_if_parse without its one-pass path for "(<token>)" and
 * "(Not <token>)": the fuzz target checks that both agree. */
rwdav_error *rwdav_if_parse_general(apr_pool_t *p, const char *v,
                                    apr_size_t len, const rwdav_limits *lim,
                                    rwdav_if *out);

#endif
