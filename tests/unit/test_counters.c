/*
 * The User-Agent family (dav/rwdav_agent.c) and the live counters' table
 * (mod_retrywith/rw_counters.c, which has no httpd header so it links here):
 * a full family table counts in "other", a full pending table counts
 * untracked, expiry counts abandoned once, and threads updating at once
 * lose no count.
 */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>

#include "unit.h"
#include "rw_counters.h"

/* ---- rwdav_agent_family -------------------------------------------------- */

static const struct {
    const char *in;
    apr_size_t len;
    apr_size_t outsz;
    const char *want;
} family_rows[] = {
    { IN("curl/7.88.1"), 32, "curl" },
    { IN("cadaver/0.24 neon/0.32.5"), 32, "cadaver" },
    { IN("rclone/v1.60.1-DEV"), 32, "rclone" },
    { IN("Microsoft-WebDAV-MiniRedir/10.0.19045"), 32, "Microsoft-WebDAV-MiniRedir" },
    { IN("WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (x86_64)"), 32, "WebDAVFS" },
    { IN("Mozilla/5.0 (X11; Linux x86_64)"), 32, "Mozilla" },
    { IN("  litmus/0.13 neon/0.32.5"), 32, "litmus" },      /* leading space */
    { IN("\tx"), 32, "x" },
    { IN("plainname"), 32, "plainname" },                   /* no version */
    { IN("a.b_c-d+e~f!g#h$i%j&k'l*m^n`o|p/1"), 64, "a.b_c-d+e~f!g#h$i%j&k'l*m^n`o|p" },
    { IN("(compatible) Foo/1"), 32, "-" },                  /* no leading token */
    { IN(""), 32, "-" },
    { IN("   "), 32, "-" },
    { IN("/1.0"), 32, "-" },
    { IN("caf\xc3\xa9/1"), 32, "caf" },                     /* stops at non-ASCII */
    { IN("name\0hidden/1"), 32, "name" },                   /* stops at NUL */
    { IN("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij/1"), 32,
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcde" },                  /* cut at 31 */
    { IN("abc/1"), 3, "ab" },
    { IN("abc/1"), 2, "a" },
};

START_TEST(test_agent_family)
{
    char out[64];
    apr_size_t n;

    memset(out, 'Z', sizeof(out));
    n = rwdav_agent_family(family_rows[_i].in, family_rows[_i].len, out,
                           family_rows[_i].outsz);
    ck_assert_msg(!strcmp(out, family_rows[_i].want),
                  "row %d: got \"%s\", want \"%s\"", _i, out,
                  family_rows[_i].want);
    ck_assert_uint_eq(n, strlen(family_rows[_i].want));
    ck_assert_msg(family_rows[_i].outsz >= sizeof(out) || out[family_rows[_i].outsz] == 'Z',
                  "row %d wrote past outsz", _i);
}
END_TEST

/* ---- rw_counters ---------------------------------------------------------- */

static rw_counters *fresh(void)
{
    rw_counters *c = malloc(sizeof(*c));
    ck_assert_ptr_nonnull(c);
    rw_ct_init(c, apr_time_from_sec(1000));
    return c;
}

static unsigned row_of(const rw_ct_snapshot *sn, const char *name)
{
    unsigned i;
    for (i = 0; i < sn->rows; i++)
        if (!strcmp(sn->agent[i].name, name))
            return i;
    return ~0u;
}

START_TEST(test_outcomes)
{
    rw_counters *c = fresh();
    rw_ct_snapshot sn;
    unsigned o;

    for (o = 0; o < RW_OUT_COUNT; o++) {
        unsigned k;
        for (k = 0; k <= o; k++)
            rw_ct_count(c, (rw_outcome)o);
    }
    rw_ct_count(c, RW_OUT_COUNT);          /* out of range: ignored */
    rw_ct_count(c, (rw_outcome)-1);
    rw_ct_snapshot_take(c, &sn);
    for (o = 0; o < RW_OUT_COUNT; o++)
        ck_assert_uint_eq(sn.outcome[o], o + 1);
    ck_assert_int_eq(sn.since, apr_time_from_sec(1000));
    ck_assert_uint_eq(sn.rows, 0);         /* empty rows are left out */
    free(c);
}
END_TEST

START_TEST(test_family_rows_fill_then_other)
{
    rw_counters *c = fresh();
    rw_ct_snapshot sn;
    char name[16];
    unsigned i, r;

    for (i = 0; i < RW_CT_AGENTS + 8; i++) {
        sprintf(name, "fam%u", i);
        r = rw_ct_agent_row(c, name);
        ck_assert_uint_eq(r, i < RW_CT_AGENTS ? i : RW_CT_OTHER);
        rw_ct_agent_count(c, r, RW_AG_ISSUED);
        /* the same name finds the same row */
        ck_assert_uint_eq(rw_ct_agent_row(c, name), r);
    }
    rw_ct_agent_count(c, RW_CT_NOT_FOUND, RW_AG_ISSUED);   /* ignored */
    rw_ct_agent_count(c, 0, RW_AG_COUNT);                  /* ignored */
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.agents, RW_CT_AGENTS);
    ck_assert_uint_eq(sn.rows, RW_CT_AGENTS + 1);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "fam0")].n[RW_AG_ISSUED], 1);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "other")].n[RW_AG_ISSUED], 8);
    free(c);
}
END_TEST

START_TEST(test_long_family_names)
{
    rw_counters *c = fresh();
    char a[64], b[64];
    unsigned ra, rb;

    memset(a, 'a', 63); a[63] = '\0';
    memcpy(b, a, 64); b[40] = 'b';         /* differs only past the cut */
    ra = rw_ct_agent_row(c, a);
    rb = rw_ct_agent_row(c, b);
    ck_assert_uint_eq(ra, rb);
    ck_assert_uint_eq(strlen(c->agent[ra].name), RW_CT_NAME - 1);
    free(c);
}
END_TEST

START_TEST(test_pending_life_cycle)
{
    rw_counters *c = fresh();
    rw_ct_snapshot sn;
    unsigned a = rw_ct_agent_row(c, "A"), b = rw_ct_agent_row(c, "B");
    uint64_t k1 = rw_ct_key("token-1"), k2 = rw_ct_key("token-2"),
             k3 = rw_ct_key("token-3");

    ck_assert(k1 != k2 && k1 > 1 && k2 > 1);
    rw_ct_issue(c, a, k1, 110, 100);
    rw_ct_issue(c, a, k2, 120, 100);
    rw_ct_issue(c, b, k3, 105, 100);
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.pending, 3);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "A")].pending, 2);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "A")].n[RW_AG_ISSUED], 2);

    ck_assert_uint_eq(rw_ct_resolve(c, k1), a);          /* retried */
    ck_assert_uint_eq(rw_ct_resolve(c, k1), RW_CT_NOT_FOUND);   /* only once */
    ck_assert_uint_eq(rw_ct_resolve(c, rw_ct_key("never")), RW_CT_NOT_FOUND);

    rw_ct_sweep(c, 105);                   /* deadline 105 is not yet past */
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.pending, 2);
    rw_ct_sweep(c, 106);                   /* k3 expired */
    rw_ct_sweep(c, 106);                   /* and is counted once */
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.pending, 1);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "B")].n[RW_AG_ABANDONED], 1);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "A")].n[RW_AG_ABANDONED], 0);
    ck_assert_uint_eq(rw_ct_resolve(c, k3), RW_CT_NOT_FOUND);   /* too late */
    ck_assert_uint_eq(rw_ct_resolve(c, k2), a);
    free(c);
}
END_TEST

START_TEST(test_pending_full_counts_untracked)
{
    rw_counters *c = fresh();
    rw_ct_snapshot sn;
    unsigned i, a = rw_ct_agent_row(c, "A");
    char tok[32];

    for (i = 0; i < RW_CT_PENDING + 10; i++) {
        sprintf(tok, "t%u", i);
        rw_ct_issue(c, a, rw_ct_key(tok), 200, 100);
    }
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.pending, RW_CT_PENDING);
    ck_assert_uint_eq(sn.untracked, 10);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "A")].n[RW_AG_ISSUED], RW_CT_PENDING + 10);
    /* a later issue reclaims an expired entry (counted abandoned) */
    rw_ct_issue(c, a, rw_ct_key("late"), 400, 300);
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.untracked, 10);
    ck_assert_uint_eq(sn.agent[row_of(&sn, "A")].n[RW_AG_ABANDONED], 1);
    ck_assert_uint_eq(rw_ct_resolve(c, rw_ct_key("late")), a);
    free(c);
}
END_TEST

/* Threads stand in for child processes: the same atomics either way. */
#define THREADS 8
#define ROUNDS 20000

typedef struct {
    rw_counters *c;
    int id;
} worker_arg;

static void *worker(void *v)
{
    worker_arg *w = v;
    char fam[16], tok[32];
    int i;

    for (i = 0; i < ROUNDS; i++) {
        unsigned row;
        rw_ct_count(w->c, RW_OUT_PASSED);
        /* every thread names the same few families at the same moment */
        sprintf(fam, "f%d", i % 4);
        row = rw_ct_agent_row(w->c, fam);
        sprintf(tok, "%d-%d", w->id, i);
        rw_ct_issue(w->c, row, rw_ct_key(tok), 1000, 10);
        if (rw_ct_resolve(w->c, rw_ct_key(tok)) <= RW_CT_OTHER)
            rw_ct_agent_count(w->c, row, RW_AG_SATISFIED);
    }
    return NULL;
}

START_TEST(test_threads_lose_nothing)
{
    rw_counters *c = fresh();
    rw_ct_snapshot sn;
    pthread_t t[THREADS];
    worker_arg args[THREADS];
    uint64_t issued = 0, satisfied = 0;
    int i;
    unsigned r;

    for (i = 0; i < THREADS; i++) {
        args[i].c = c;
        args[i].id = i;
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &args[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    rw_ct_snapshot_take(c, &sn);
    ck_assert_uint_eq(sn.outcome[RW_OUT_PASSED], (uint64_t)THREADS * ROUNDS);
    ck_assert_uint_eq(sn.pending, 0);
    ck_assert_uint_eq(sn.untracked, 0);
    /* duplicates of a name, if two threads named rows at once, are merged */
    ck_assert_uint_eq(sn.rows, 4);
    for (r = 0; r < sn.rows; r++) {
        issued += sn.agent[r].n[RW_AG_ISSUED];
        satisfied += sn.agent[r].n[RW_AG_SATISFIED];
    }
    ck_assert_uint_eq(issued, (uint64_t)THREADS * ROUNDS);
    ck_assert_uint_eq(satisfied, (uint64_t)THREADS * ROUNDS);
    free(c);
}
END_TEST

Suite *suite_counters(void)
{
    Suite *s = suite_create("counters");
    TCase *tc = tcase_create("agent_family");

    tcase_add_loop_test(tc, test_agent_family, 0, NROWS(family_rows));
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, test_outcomes);
    tcase_add_test(tc, test_family_rows_fill_then_other);
    tcase_add_test(tc, test_long_family_names);
    tcase_add_test(tc, test_pending_life_cycle);
    tcase_add_test(tc, test_pending_full_counts_untracked);
    tcase_add_test(tc, test_threads_lose_nothing);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
