/*
 * Fuzzing builds only (tests/fuzz/run-fuzzers.sh): gives every apr_palloc()
 * its own malloc() block, freed when the pool is cleared or destroyed.
 *
 * APR carves allocations out of 8 KiB blocks, so AddressSanitizer cannot see
 * a write past the end of a pool allocation: it lands in the same block.
 * With this file linked into the fuzzer, every allocation dav/ makes through
 * apr_palloc (and apr_pcalloc, a macro over it; apr_pstrmemdup, apr_pstrcat,
 * apr_array_make/push when libapr's internal calls resolve to it) is a
 * separate heap block with redzones, so overflows and use-after-destroy are
 * reported. apr_psprintf writes into the pool's block directly and stays
 * unchecked.
 *
 * Every live block is also linked from a global list: APR may keep its pool
 * memory in mmap()ed regions, which LeakSanitizer does not scan, so blocks
 * of long-lived pools (the ones apr_initialize creates) would otherwise be
 * reported as leaks at exit.
 *
 * Not linked into the replay programs of `make check`.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <apr_pools.h>

typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);

static palloc_fn real_palloc;
static int in_shim;     /* libFuzzer runs inputs on one thread */

typedef struct shim_node {
    struct shim_node *prev, *next;
    void *block;
} shim_node;

static shim_node live = { &live, &live, NULL };

static apr_status_t free_block(void *data)
{
    shim_node *n = data;

    n->prev->next = n->next;
    n->next->prev = n->prev;
    free(n->block);
    free(n);
    return APR_SUCCESS;
}

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    shim_node *n;

    if (!real_palloc) {
        real_palloc = (palloc_fn)dlsym(RTLD_NEXT, "apr_palloc");
        if (!real_palloc) {
            fprintf(stderr, "pool_shim: apr_palloc not found\n");
            abort();
        }
    }
    if (in_shim)
        return real_palloc(p, size);
    n = malloc(sizeof(*n));
    if (!n || !(n->block = malloc(size ? size : 1))) {
        free(n);
        return NULL;
    }
    n->next = live.next;
    n->prev = &live;
    live.next->prev = n;
    live.next = n;
    in_shim = 1;    /* the cleanup record comes from the real allocator */
    apr_pool_cleanup_register(p, n, free_block, apr_pool_cleanup_null);
    in_shim = 0;
    return n->block;
}
