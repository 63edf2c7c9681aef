/*
 * Shared helpers of the libFuzzer targets over dav/ (rwdav.h).
 *
 * Every target is one C file that includes this header once, names itself
 * with FUZZ_TARGET("name") and defines LLVMFuzzerTestOneInput. The same file
 * is linked two ways:
 *   - with clang -fsanitize=fuzzer,address,undefined (tests/fuzz/run-fuzzers.sh)
 *   - with the normal compiler and standalone.c, as tests/fuzz/replay_<name>,
 *     which `make check` runs over tests/fuzz/corpus/<name>/.
 *
 * Input layout, the same for every target: the first byte is a selector
 * (what it selects is documented at the top of each target); when its bit 7
 * is set and the target uses rwdav_limits, the next two bytes give custom
 * limits (fuzz_limits below). The rest is the value under test.
 *
 * A violated property prints "property violated" with the location and
 * aborts, which libFuzzer reports as a crash.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "rwdav.h"

/* The libFuzzer entry points (prototypes keep -Wmissing-prototypes quiet). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* standalone.c prints this name in its summary. */
extern const char fuzz_target_name[];
#define FUZZ_TARGET(name) const char fuzz_target_name[] = name

#define FUZZ_ASSERT(cond, what) do {                                         \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: property violated: %s [%s]\n",           \
                    __FILE__, __LINE__, (what), #cond);                      \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* Called once per process: libFuzzer calls LLVMFuzzerInitialize itself,
 * standalone.c calls it before the first input. The guard also makes a
 * target safe if a driver forgets. */
static int fuzz_ready;

static inline void fuzz_init_once(void)
{
    if (fuzz_ready)
        return;
    if (apr_initialize() != APR_SUCCESS) {
        fprintf(stderr, "apr_initialize failed\n");
        abort();
    }
    fuzz_ready = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_once();
    return 0;
}

/* One pool per input, destroyed before returning. */
static inline apr_pool_t *fuzz_pool(void)
{
    apr_pool_t *p = NULL;

    fuzz_init_once();
    if (apr_pool_create(&p, NULL) != APR_SUCCESS || p == NULL) {
        fprintf(stderr, "apr_pool_create failed\n");
        abort();
    }
    return p;
}

/* A cursor over the input. */
typedef struct {
    const uint8_t *d;
    size_t n;
} fuzz_in;

static inline uint8_t fuzz_byte(fuzz_in *in)
{
    uint8_t b;

    if (in->n == 0)
        return 0;
    b = in->d[0];
    in->d++;
    in->n--;
    return b;
}

#define FUZZ_CUSTOM_LIMITS 0x80

/* Limits for one input: every default (rwdav_limits_default), and with
 * FUZZ_CUSTOM_LIMITS in sel two more bytes L1 L2 taken and mapped to small
 * limits, so that every "too long / too many / too deep" path is reachable
 * with inputs of a few hundred bytes. A field that maps to zero keeps its
 * default (the parsers apply a zero as a cap of zero):
 *   header_len    = L1             (1..255)
 *   body_bytes    = L1 * 8         (8..2040)
 *   if_lists      = L2 & 15        (1..15)
 *   if_conditions = L2 >> 4        (1..15)
 *   timeout_types = L2 & 15        (1..15)
 *   xml_depth     = L2 & 63        (1..63)
 * Returns 1 when custom limits are in use. */
static inline int fuzz_limits(fuzz_in *in, uint8_t sel, rwdav_limits *lim)
{
    uint8_t l1, l2;

    rwdav_limits_default(lim);
    if (!(sel & FUZZ_CUSTOM_LIMITS))
        return 0;
    l1 = fuzz_byte(in);
    l2 = fuzz_byte(in);
#define FUZZ_CAP(f, v) if ((v) != 0) lim->f = (apr_size_t)(v)
    FUZZ_CAP(header_len, l1);
    FUZZ_CAP(body_bytes, (apr_size_t)l1 * 8);
    FUZZ_CAP(if_lists, l2 & 15);
    FUZZ_CAP(if_conditions, l2 >> 4);
    FUZZ_CAP(timeout_types, l2 & 15);
    FUZZ_CAP(xml_depth, l2 & 63);
#undef FUZZ_CAP
    return 1;
}

/* The invariants of every rwdav_error (as tests/unit/unit.h checks them):
 * a fault id whose table row (rwdav_fault) gives the error's status,
 * sub-status, reason and condition; an HTTP status the module can send;
 * the expected rule family; a non-empty reason; the field named after the
 * family; and (len not (size_t)-1) an offset within the value. */
static inline void fuzz_check_error(const rwdav_error *e, rwdav_substatus sub,
                             size_t len)
{
    apr_pool_t *p = NULL;
    const rwdav_error *row;

    FUZZ_ASSERT(e->id != RWDAV_E_NONE
                && rwdav_error_id_name(e->id)[0] != '\0', "error id");
    FUZZ_ASSERT(apr_pool_create(&p, NULL) == APR_SUCCESS, "apr_pool_create");
    row = rwdav_fault(p, e->id, 0);
    FUZZ_ASSERT(e->status == row->status && e->sub == row->sub
                && e->reason && strcmp(e->reason, row->reason) == 0
                && (e->condition == NULL) == (row->condition == NULL)
                && (!e->condition || !strcmp(e->condition, row->condition)),
                "error as its id's table row says");
    apr_pool_destroy(p);
    FUZZ_ASSERT(e->status == 400 || e->status == 403 || e->status == 413
                || e->status == 502, "error status");
    FUZZ_ASSERT(e->sub == sub, "error sub-status");
    FUZZ_ASSERT(e->reason != NULL && e->reason[0] != '\0', "error reason");
    FUZZ_ASSERT(e->field != NULL
                && strcmp(e->field, rwdav_substatus_field(sub)) == 0,
                "error field");
    if (len != (size_t)-1)
        FUZZ_ASSERT(e->offset <= len, "error offset within the value");
}

/* A C string equal to the n bytes at s. */
static inline int fuzz_streq_mem(const char *str, const void *s, size_t n)
{
    return str != NULL && strlen(str) == n && memcmp(str, s, n) == 0;
}

#endif /* FUZZ_COMMON_H */
