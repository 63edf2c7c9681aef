/* The live counters' table (rw_counters.h). Every word another process may
 * write at the same time is read and written with the compiler's atomic
 * builtins; a row or an entry is published only once it is complete
 * (state 2, or a key above 1, stored last with release order). */
#include <string.h>

#include "rw_counters.h"

#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ADD(p) ((void)__atomic_fetch_add((p), 1, __ATOMIC_RELAXED))
#define CAS(p, expect, v) \
    __atomic_compare_exchange_n((p), (expect), (v), 0, __ATOMIC_ACQ_REL, \
                                __ATOMIC_ACQUIRE)

enum { SLOT_FREE = 0, SLOT_NAMING = 1, SLOT_NAMED = 2 };
enum { KEY_FREE = 0, KEY_WRITING = 1 };

void rw_ct_init(rw_counters *c, apr_time_t now)
{
    memset(c, 0, sizeof(*c));
    c->magic = RW_CT_MAGIC;
    c->layout = RW_CT_LAYOUT;
    c->size = sizeof(*c);
    c->since = now;
    strcpy(c->agent[RW_CT_OTHER].name, "other");
    c->agent[RW_CT_OTHER].state = SLOT_NAMED;
}

void rw_ct_count(rw_counters *c, rw_outcome o)
{
    if ((unsigned)o < RW_OUT_COUNT)
        ADD(&c->outcome[o]);
}

unsigned rw_ct_agent_row(rw_counters *c, const char *family)
{
    unsigned i;

    for (i = 0; i < RW_CT_AGENTS; i++) {
        rw_ct_agent *a = &c->agent[i];
        uint32_t st = LOAD(&a->state);
        if (st == SLOT_FREE) {
            uint32_t expect = SLOT_FREE;
            if (CAS(&a->state, &expect, SLOT_NAMING)) {
                strncpy(a->name, family, RW_CT_NAME - 1);
                a->name[RW_CT_NAME - 1] = '\0';
                STORE(&a->state, SLOT_NAMED);
                return i;
            }
            st = expect;
        }
        /* A row being named by another process is passed over: if it gets
         * the same name, the page merges the two. */
        if (st == SLOT_NAMED && !strncmp(a->name, family, RW_CT_NAME - 1))
            return i;
    }
    return RW_CT_OTHER;
}

void rw_ct_agent_count(rw_counters *c, unsigned row, rw_agent_count what)
{
    if (row <= RW_CT_OTHER && (unsigned)what < RW_AG_COUNT)
        ADD(&c->agent[row].n[what]);
}

/* Frees an expired entry (counting it abandoned) if no one else has taken
 * it first. Returns 1 when this call freed it. */
static int expire(rw_counters *c, rw_ct_pending *e, uint64_t key)
{
    unsigned row = LOAD(&e->agent);
    if (!CAS(&e->key, &key, KEY_FREE))
        return 0;
    rw_ct_agent_count(c, row, RW_AG_ABANDONED);
    return 1;
}

void rw_ct_issue(rw_counters *c, unsigned row, uint64_t key,
                 uint32_t deadline, uint32_t now)
{
    unsigned i, start = (unsigned)(key % RW_CT_PENDING);

    rw_ct_agent_count(c, row, RW_AG_ISSUED);
    for (i = 0; i < RW_CT_PENDING; i++) {
        rw_ct_pending *e = &c->pending[(start + i) % RW_CT_PENDING];
        uint64_t k = LOAD(&e->key);
        if (k > KEY_WRITING && LOAD(&e->deadline) < now && expire(c, e, k))
            k = KEY_FREE;
        if (k == KEY_FREE) {
            uint64_t expect = KEY_FREE;
            if (!CAS(&e->key, &expect, KEY_WRITING))
                continue;
            STORE(&e->deadline, deadline);
            STORE(&e->agent, row);
            STORE(&e->key, key);
            return;
        }
    }
    ADD(&c->untracked);
}

unsigned rw_ct_resolve(rw_counters *c, uint64_t key)
{
    unsigned i, start = (unsigned)(key % RW_CT_PENDING);

    /* Entries are freed anywhere, so a probe cannot stop at a hole. */
    for (i = 0; i < RW_CT_PENDING; i++) {
        rw_ct_pending *e = &c->pending[(start + i) % RW_CT_PENDING];
        uint64_t k = key;
        unsigned row;
        if (LOAD(&e->key) != key)
            continue;
        row = LOAD(&e->agent);
        return CAS(&e->key, &k, KEY_FREE) ? row : RW_CT_NOT_FOUND;
    }
    return RW_CT_NOT_FOUND;
}

void rw_ct_sweep(rw_counters *c, uint32_t now)
{
    unsigned i;
    for (i = 0; i < RW_CT_PENDING; i++) {
        rw_ct_pending *e = &c->pending[i];
        uint64_t k = LOAD(&e->key);
        if (k > KEY_WRITING && LOAD(&e->deadline) < now)
            expire(c, e, k);
    }
}

void rw_ct_snapshot_take(rw_counters *c, rw_ct_snapshot *out)
{
    unsigned i, j, rows = 0, pend[RW_CT_AGENTS + 1] = { 0 };

    memset(out, 0, sizeof(*out));
    out->since = c->since;
    for (i = 0; i < RW_OUT_COUNT; i++)
        out->outcome[i] = LOAD(&c->outcome[i]);
    out->untracked = LOAD(&c->untracked);
    for (i = 0; i < RW_CT_PENDING; i++) {
        rw_ct_pending *e = &c->pending[i];
        if (LOAD(&e->key) > KEY_WRITING) {
            unsigned row = LOAD(&e->agent);
            out->pending++;
            if (row <= RW_CT_OTHER)
                pend[row]++;
        }
    }
    for (i = 0; i <= RW_CT_OTHER; i++) {
        rw_ct_agent *a = &c->agent[i];
        uint64_t n[RW_AG_COUNT], any = pend[i];
        unsigned k;
        if (LOAD(&a->state) != SLOT_NAMED)
            continue;
        if (i < RW_CT_OTHER)
            out->agents++;
        for (k = 0; k < RW_AG_COUNT; k++)
            any |= n[k] = LOAD(&a->n[k]);
        if (!any)
            continue;
        for (j = 0; j < rows && strcmp(out->agent[j].name, a->name); j++)
            ;
        if (j == rows) {
            memcpy(out->agent[j].name, a->name, RW_CT_NAME);
            rows++;
        }
        for (k = 0; k < RW_AG_COUNT; k++)
            out->agent[j].n[k] += n[k];
        out->agent[j].pending += pend[i];
    }
    out->rows = rows;
}

uint64_t rw_ct_key(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h > KEY_WRITING ? h : h + 2;
}
