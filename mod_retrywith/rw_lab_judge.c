/* What a client did, judged from its journal lines alone: after a 449,
 * the client's next request with the same scenario, method and URI is its
 * retry; after a refusal, that next request is its correction. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <apr_hash.h>

#include "rw_lab_report.h"

static const struct {
    const char *name, *text;
} verdicts[RW_LAB_VERDICTS] = {
    { "retried-with-echo", "retried correctly, with Ms-Echo-Reply" },
    { "retried-still-missing", "retried with Ms-Echo-Reply but still "
      "without what was asked (the final 403)" },
    { "retried-with-bad-echo", "retried with a bad Ms-Echo-Reply" },
    { "retried-without-echo", "retried without Ms-Echo-Reply" },
    { "looped", "looped: sent again unchanged, 449 after 449" },
    { "abandoned", "abandoned: never retried" },
    { "corrected", "a corrected request followed" },
    { "refused-again", "sent again and refused again" },
    { "not-corrected", "no corrected request followed" }
};

const char *rw_lab_verdict_name(rw_lab_verdict v)
{
    return verdicts[v].name;
}

const char *rw_lab_verdict_text(rw_lab_verdict v)
{
    return verdicts[v].text;
}

#define ENTRY(c, i) (&APR_ARRAY_IDX((c)->entries, (i), rw_lab_entry))

static int is_refusal(const rw_lab_entry *e)
{
    return strcmp(e->rule, "-") != 0;   /* only refusals name a rule */
}

static int is_bad_echo(const rw_lab_entry *e)
{
    return !strncmp(e->sub, "449-echo-", 9);
}

/* The journal has a request when it ended, and a client's retry can end
 * before the 449's line is written: the requests' order is their start. */
static int by_start(const void *a, const void *b)
{
    const rw_lab_entry *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->seq - y->seq;
}

/* entry.next: each request's next one with the same scenario, method and
 * URI, found in one backward pass. */
static void link_resends(apr_pool_t *p, rw_lab_client *c)
{
    apr_hash_t *later = apr_hash_make(p);
    int i;

    for (i = c->entries->nelts - 1; i >= 0; i--) {
        rw_lab_entry *e = ENTRY(c, i);
        const char *key = apr_pstrcat(p, e->scenario, "\t", e->method, "\t",
                                      e->uri, NULL);
        int *seen = apr_hash_get(later, key, APR_HASH_KEY_STRING);

        e->next = seen ? *seen : -1;
        if (!seen) {
            seen = apr_palloc(p, sizeof(*seen));
            apr_hash_set(later, key, APR_HASH_KEY_STRING, seen);
        }
        *seen = i;
    }
}

static rw_lab_event judge_retry(rw_lab_client *c, int i)
{
    rw_lab_event ev = { i, RW_LAB_ABANDONED, -1, 1 };
    int j = ENTRY(c, i)->next;
    const rw_lab_entry *f;

    while (j >= 0 && ENTRY(c, j)->status == 449 && !ENTRY(c, j)->echo_reply) {
        ENTRY(c, j)->follow = 1;
        ev.count++;
        j = ENTRY(c, j)->next;
    }
    ev.then = j;
    if (ev.count > 1) {
        ev.verdict = RW_LAB_LOOPED;
        return ev;
    }
    if (j < 0)
        return ev;
    f = ENTRY(c, j);
    if (!f->echo_reply)
        ev.verdict = RW_LAB_NO_ECHO;
    else if (!strcmp(f->echo, "final"))
        ev.verdict = RW_LAB_STILL_MISSING;
    else if (is_bad_echo(f))
        ev.verdict = RW_LAB_BAD_ECHO;
    else
        ev.verdict = RW_LAB_RETRIED_ECHO;
    return ev;
}

static rw_lab_event judge_refusal(rw_lab_client *c, int i)
{
    rw_lab_event ev = { i, RW_LAB_NOT_CORRECTED, ENTRY(c, i)->next, 0 };

    if (ev.then >= 0)
        ev.verdict = is_refusal(ENTRY(c, ev.then)) ? RW_LAB_REFUSED_AGAIN
                                                   : RW_LAB_CORRECTED;
    return ev;
}

/* The lint: a 400's rule, or a bad echo's verdict, once per rule. */
static void lint_add(apr_pool_t *p, rw_lab_client *c, apr_hash_t *rules,
                     int i)
{
    const rw_lab_entry *e = ENTRY(c, i);
    const char *rule = is_refusal(e) ? e->rule : e->sub;
    rw_lab_lint *l = apr_hash_get(rules, rule, APR_HASH_KEY_STRING);

    if (!l) {
        l = apr_pcalloc(p, sizeof(*l));
        l->rule = rule;
        l->sub = e->sub;
        l->example = i;
        apr_hash_set(rules, rule, APR_HASH_KEY_STRING, l);
        APR_ARRAY_PUSH(c->lint, rw_lab_lint *) = l;
    }
    l->count++;
}

static rw_lab_scenario *scenario_of(apr_pool_t *p, rw_lab_client *c,
                                    apr_hash_t *byname, const char *name)
{
    rw_lab_scenario *s = apr_hash_get(byname, name, APR_HASH_KEY_STRING);

    if (!s) {
        s = apr_pcalloc(p, sizeof(*s));
        s->name = name;
        s->entries = apr_array_make(p, 16, sizeof(int));
        s->retries = apr_array_make(p, 4, sizeof(rw_lab_event));
        s->refusals = apr_array_make(p, 4, sizeof(rw_lab_event));
        apr_hash_set(byname, name, APR_HASH_KEY_STRING, s);
        APR_ARRAY_PUSH(c->scenarios, rw_lab_scenario *) = s;
    }
    return s;
}

void rw_lab_judge(apr_pool_t *p, rw_lab_client *c)
{
    apr_hash_t *byname = apr_hash_make(p), *rules = apr_hash_make(p);
    int i;

    c->scenarios = apr_array_make(p, 4, sizeof(rw_lab_scenario *));
    c->lint = apr_array_make(p, 4, sizeof(rw_lab_lint *));
    qsort(c->entries->elts, c->entries->nelts, sizeof(rw_lab_entry),
          by_start);
    link_resends(p, c);
    for (i = 0; i < c->entries->nelts; i++) {
        const rw_lab_entry *e = ENTRY(c, i);
        rw_lab_scenario *s = scenario_of(p, c, byname, e->scenario);
        rw_lab_event ev;

        APR_ARRAY_PUSH(s->entries, int) = i;
        /* a 400 is the request's fault; 403.22, 413 and 502 are this
         * server's limits on requests RFC 4918 allows */
        if ((is_refusal(e) && e->status == 400) || is_bad_echo(e))
            lint_add(p, c, rules, i);
        if (e->follow)
            continue;
        if (e->status == 449)
            APR_ARRAY_PUSH(s->retries, rw_lab_event) = ev = judge_retry(c, i);
        else if (is_refusal(e))
            APR_ARRAY_PUSH(s->refusals, rw_lab_event) = ev
                = judge_refusal(c, i);
        else
            continue;
        c->counts[ev.verdict]++;
    }
}
