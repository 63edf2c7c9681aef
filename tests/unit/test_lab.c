/*
 * The lab's judge (mod_retrywith/rw_lab_judge.c, no httpd header): a
 * client's journal lines, in order, and the verdicts and lint its report
 * card must show. Each row is one client's story.
 */
#include "unit.h"
#include "rw_lab_report.h"

/* One journal line: scenario, method, URI, status, sub-status note, rule,
 * echo note, whether it carried Ms-Echo-Reply, and when the request
 * started (0: in journal order). */
typedef struct {
    const char *scen, *method, *uri;
    int status;
    const char *sub, *rule, *echo;
    int reply;
    long start;
} line_row;

#define MAX_LINES 8
#define PUT449(u)   { "h", "PUT", u, 449, "449", "-", "issued", 0, 0 }
#define END         { NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0 }

typedef struct {
    const char *name;
    line_row lines[MAX_LINES];
    int counts[RW_LAB_VERDICTS];    /* by rw_lab_verdict */
    int lint;                       /* rules in the lint */
    int loop;                       /* a loop's count, when one */
} judge_row;

#define V(v, n) [RW_LAB_##v] = n

static const judge_row judge_rows[] = {
    { "satisfied", { PUT449("/a"),
        { "h", "PUT", "/a", 201, "-", "-", "satisfied", 1, 0 }, END },
      { V(RETRIED_ECHO, 1) }, 0, 0 },
    { "abandoned", { PUT449("/a"), END }, { V(ABANDONED, 1) }, 0, 0 },
    { "another URI is no retry", { PUT449("/a"),
        { "h", "PUT", "/b", 201, "-", "-", "-", 0, 0 }, END },
      { V(ABANDONED, 1) }, 0, 0 },
    { "another scenario is no retry", { PUT449("/a"),
        { "s", "PUT", "/a", 201, "-", "-", "-", 0, 0 }, END },
      { V(ABANDONED, 1) }, 0, 0 },
    { "looped 3 times", { PUT449("/a"), PUT449("/a"), PUT449("/a"), END },
      { V(LOOPED, 1) }, 0, 3 },
    { "loop through other methods", { PUT449("/a"),
        { "h", "DELETE", "/a", 404, "-", "-", "-", 0, 0 }, PUT449("/a"), END },
      { V(LOOPED, 1) }, 0, 2 },
    { "without the echo", { PUT449("/a"),
        { "h", "PUT", "/a", 201, "-", "-", "-", 0, 0 }, END },
      { V(NO_ECHO, 1) }, 0, 0 },
    { "still missing", { PUT449("/a"),
        { "h", "PUT", "/a", 403, "449-final", "-", "final", 1, 0 }, END },
      { V(STILL_MISSING, 1) }, 0, 0 },
    { "bad echo, in the lint", { PUT449("/a"),
        { "h", "PUT", "/a", 400, "449-echo-forged", "-", "forged", 1, 0 }, END },
      { V(BAD_ECHO, 1) }, 1, 0 },
    { "corrected", {
        { "s", "PROPFIND", "/", 400, "400.2", "depth.value", "-", 0, 0 },
        { "s", "PROPFIND", "/", 207, "-", "-", "-", 0, 0 }, END },
      { V(CORRECTED, 1) }, 1, 0 },
    { "a 449 after a fault corrects it", {
        { "h", "PUT", "/a", 400, "400.3", "if.syntax", "-", 0, 0 },
        PUT449("/a"), END },
      { V(CORRECTED, 1), V(ABANDONED, 1) }, 1, 0 },
    { "refused again: one rule twice", {
        { "s", "UNLOCK", "/a", 400, "400.9", "lock-token.bare", "-", 0, 0 },
        { "s", "UNLOCK", "/a", 400, "400.9", "lock-token.bare", "-", 0, 0 }, END },
      { V(REFUSED_AGAIN, 1), V(NOT_CORRECTED, 1) }, 1, 0 },
    { "403.22 is no lint", {
        { "i", "PROPFIND", "/", 403, "403.22", "depth.propfind-infinity",
          "-", 0, 0 },
        { "i", "PROPFIND", "/", 207, "-", "-", "-", 0, 0 }, END },
      { V(CORRECTED, 1) }, 0, 0 },
    { "413 is no lint", {
        { "s", "PROPPATCH", "/a", 413, "400.6", "body.too-large", "-", 0, 0 },
        END },
      { V(NOT_CORRECTED, 1) }, 0, 0 },
    { "two rules, two lint rows", {
        { "s", "PROPFIND", "/", 400, "400.2", "depth.value", "-", 0, 0 },
        { "s", "COPY", "/a", 400, "400.1", "destination.bad-escape", "-", 0, 0 },
        { "s", "PROPFIND", "/x", 400, "400.2", "depth.value", "-", 0, 0 }, END },
      { V(NOT_CORRECTED, 3) }, 2, 0 },
    /* a retry on another connection ended before the 449's line was
     * written: the journal has them the other way round */
    { "journal order is not request order", {
        { "h", "PUT", "/a", 201, "-", "-", "satisfied", 1, 20 },
        { "h", "PUT", "/a", 449, "449", "-", "issued", 0, 10 }, END },
      { V(RETRIED_ECHO, 1) }, 0, 0 },
    { "quiet client", {
        { "s", "PROPFIND", "/", 207, "-", "-", "-", 0, 0 }, END },
      { 0 }, 0, 0 },
};

static rw_lab_client *client_of(apr_pool_t *p, const judge_row *row)
{
    rw_lab_client *c = apr_pcalloc(p, sizeof(*c));
    const line_row *l;

    c->client = "127.0.0.1";
    c->agent = "unit";
    c->entries = apr_array_make(p, MAX_LINES, sizeof(rw_lab_entry));
    for (l = row->lines; l->scen; l++) {
        rw_lab_entry *e = apr_array_push(c->entries);
        memset(e, 0, sizeof(*e));
        e->client = c->client;
        e->agent = c->agent;
        e->scenario = l->scen;
        e->method = l->method;
        e->uri = l->uri;
        e->status = l->status;
        e->sub = l->sub;
        e->rule = l->rule;
        e->echo = l->echo;
        e->echo_reply = l->reply;
        e->missing = e->field = e->value = e->reason = "-";
        e->seq = (int)(l - row->lines);
        e->time = l->start ? l->start : e->seq + 1;
    }
    return c;
}

START_TEST(test_judge)
{
    const judge_row *row = &judge_rows[_i];
    apr_pool_t *p = unit_pool();
    rw_lab_client *c = client_of(p, row);
    int v, i, j, loop = 0;

    rw_lab_judge(p, c);
    for (v = 0; v < RW_LAB_VERDICTS; v++)
        ck_assert_msg(c->counts[v] == row->counts[v], "%s: %d x %s, want %d",
                      row->name, c->counts[v],
                      rw_lab_verdict_name((rw_lab_verdict)v), row->counts[v]);
    ck_assert_msg(c->lint->nelts == row->lint, "%s: %d lint rows, want %d",
                  row->name, c->lint->nelts, row->lint);
    for (i = 0; i < c->scenarios->nelts; i++) {
        const rw_lab_scenario *s = APR_ARRAY_IDX(c->scenarios, i,
                                                 rw_lab_scenario *);
        for (j = 0; j < s->retries->nelts; j++) {
            const rw_lab_event *ev = &APR_ARRAY_IDX(s->retries, j,
                                                    rw_lab_event);
            if (ev->verdict == RW_LAB_LOOPED)
                loop = ev->count;
        }
    }
    ck_assert_msg(loop == row->loop, "%s: loop of %d, want %d", row->name,
                  loop, row->loop);
    apr_pool_destroy(p);
}
END_TEST

Suite *suite_lab(void)
{
    Suite *s = suite_create("lab");
    TCase *tc = tcase_create("judge");

    tcase_add_loop_test(tc, test_judge, 0, NROWS(judge_rows));
    suite_add_tcase(s, tc);
    return s;
}
