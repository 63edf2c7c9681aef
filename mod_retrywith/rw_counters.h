/* The live counters' table: one fixed-size block that every child process
 * maps and updates with atomic operations, no lock. Only APR and C here
 * (no httpd header), so the unit tests drive it directly, from threads.
 *
 * Nothing in it can fail: a full agent table counts in the "other" row, a
 * full pending table counts the 449 as untracked (its retry is still
 * counted, its abandonment cannot be). */
#ifndef RW_COUNTERS_H
#define RW_COUNTERS_H

#include <stdint.h>
#include <apr.h>
#include <apr_time.h>

#include "rwdav.h"

#define RW_CT_MAGIC 0x52574354u   /* "RWCT" */
#define RW_CT_LAYOUT 2            /* bump when the layout changes */
#define RW_CT_AGENTS 32           /* named rows; one more for "other" */
#define RW_CT_OTHER RW_CT_AGENTS
#define RW_CT_NAME 32
#define RW_CT_PENDING 1024
#define RW_CT_NOT_FOUND (RW_CT_OTHER + 1)   /* rw_ct_resolve: no such 449 */

/* What became of a request the module checked. */
typedef enum {
    RW_OUT_PASSED = 0,          /* handed on (to mod_dav or the GET handler) */
    RW_OUT_REFUSED_1,           /* 400.1 ... 400.9: RW_OUT_REFUSED_1 + sub - 1 */
    RW_OUT_449 = RW_OUT_REFUSED_1 + RWDAV_SUB_MAX,
    RW_OUT_449_FINAL,           /* a retry that still lacked something */
    RW_OUT_ECHO_MALFORMED,      /* RW_OUT_ECHO_MALFORMED + verdict - 1 */
    RW_OUT_ECHO_FORGED,
    RW_OUT_ECHO_FOREIGN,
    RW_OUT_ECHO_EXPIRED,
    RW_OUT_DEPTH_DENIED,        /* 403.22: a PROPFIND of infinite depth */
    RW_OUT_COUNT
} rw_outcome;

/* Per User-Agent family. */
typedef enum {
    RW_AG_ISSUED = 0,     /* 449 answers */
    RW_AG_SATISFIED,      /* retries with a genuine echo that went through */
    RW_AG_FINAL,          /* retries with a genuine echo that still lacked */
    RW_AG_BAD_ECHO,       /* retries whose Ms-Echo-Reply did not verify */
    RW_AG_ABANDONED,      /* 449s not retried before their echo expired */
    RW_AG_COUNT
} rw_agent_count;

typedef struct {
    uint32_t state;               /* 0 free, 1 being named, 2 named */
    char name[RW_CT_NAME];
    uint64_t n[RW_AG_COUNT];
} rw_ct_agent;

typedef struct {
    uint64_t key;                 /* 0 free, 1 being written, else a token hash */
    uint32_t deadline;            /* seconds since the epoch */
    uint32_t agent;
} rw_ct_pending;

typedef struct {
    uint32_t magic, layout, size;    /* which build made it */
    int64_t since;                /* apr_time_t of the table's creation */
    uint64_t outcome[RW_OUT_COUNT];
    uint64_t untracked;           /* 449s the pending table had no room for */
    rw_ct_agent agent[RW_CT_AGENTS + 1];
    rw_ct_pending pending[RW_CT_PENDING];
} rw_counters;

/* A consistent-enough copy for the page: rows of the same name (two
 * processes can name two rows at once) merged, empty rows left out. */
typedef struct {
    int64_t since;
    uint64_t outcome[RW_OUT_COUNT];
    uint64_t untracked;
    unsigned pending, agents;     /* in use now */
    unsigned rows;                /* of agent[] filled */
    struct {
        char name[RW_CT_NAME];
        uint64_t n[RW_AG_COUNT];
        unsigned pending;
    } agent[RW_CT_AGENTS + 1];    /* "other" last when present */
} rw_ct_snapshot;

void rw_ct_init(rw_counters *c, apr_time_t now);
void rw_ct_count(rw_counters *c, rw_outcome o);

/* The row of a family name (RW_CT_OTHER when the table is full). */
unsigned rw_ct_agent_row(rw_counters *c, const char *family);
void rw_ct_agent_count(rw_counters *c, unsigned row, rw_agent_count what);

/* A 449 for row, its token hashed to key, valid until deadline: counted
 * as issued and remembered until a retry resolves it or it expires. */
void rw_ct_issue(rw_counters *c, unsigned row, uint64_t key,
                 uint32_t deadline, uint32_t now);
/* A retry with a genuine echo: forgets its 449 and returns its row, or
 * RW_CT_NOT_FOUND when it was not remembered (untracked, already expired
 * and swept, or resolved by another retry of it). */
unsigned rw_ct_resolve(rw_counters *c, uint64_t key);
/* Counts the 449s whose deadline passed as abandoned, and forgets them. */
void rw_ct_sweep(rw_counters *c, uint32_t now);

void rw_ct_snapshot_take(rw_counters *c, rw_ct_snapshot *out);

/* 64-bit FNV-1a, never 0 or 1 (the pending table's free marks). */
uint64_t rw_ct_key(const char *s);

#endif
