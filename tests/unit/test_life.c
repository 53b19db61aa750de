/* test_life.c - the pure rules of organisational life: periods at their
 * boundaries (last second of a quarter, year end, leap years, +08:00 versus
 * UTC), compliance statuses, the rotating check-in token, quorum, states; and
 * the group-commit batch (src/core/batch.c) against a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_db.h"
#include "../../src/core/batch.h"
#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/timeutil.h"
#include "../../src/life/life.h"

static int64_t at(const char *iso)
{
    int64_t t = 0;
    assert_int_equal(dj_time_parse(iso, &t), DJ_OK);
    return t;
}

static void test_period_bounds(void **state)
{
    (void)state;
    int64_t s, e;
    struct life_period q1 = {LIFE_QUARTER, 2026, 1};
    life_period_bounds(&q1, &s, &e);
    assert_int_equal(s, at("2026-01-01T00:00:00+08:00"));
    assert_int_equal(e, at("2026-04-01T00:00:00+08:00"));
    assert_int_equal(e, at("2026-03-31T16:00:00Z"));
    struct life_period dec = {LIFE_MONTH, 2026, 12};
    life_period_bounds(&dec, &s, &e);
    assert_int_equal(e, at("2027-01-01T00:00:00+08:00"));
    struct life_period y = {LIFE_YEAR, 2026, 1};
    life_period_bounds(&y, &s, &e);
    assert_int_equal(s, at("2025-12-31T16:00:00Z"));
    assert_int_equal(e, at("2026-12-31T16:00:00Z"));
    /* leap years: February has 29 days in 2028 and 2000, 28 in 2100 */
    struct life_period feb = {LIFE_MONTH, 2028, 2};
    life_period_bounds(&feb, &s, &e);
    assert_int_equal(e - s, 29 * 86400);
    feb.year = 2000;
    life_period_bounds(&feb, &s, &e);
    assert_int_equal(e - s, 29 * 86400);
    feb.year = 2100;
    life_period_bounds(&feb, &s, &e);
    assert_int_equal(e - s, 28 * 86400);
    struct life_period q1l = {LIFE_QUARTER, 2028, 1};
    life_period_bounds(&q1l, &s, &e);
    assert_int_equal(e - s, (31 + 29 + 31) * 86400);
}

static void test_period_of(void **state)
{
    (void)state;
    char code[16];
    /* the last second of Q1 in Shanghai, written both ways */
    struct life_period p = life_period_of(LIFE_QUARTER, at("2026-03-31T23:59:59+08:00"));
    life_period_code(&p, code);
    assert_string_equal(code, "2026-Q1");
    p = life_period_of(LIFE_QUARTER, at("2026-03-31T15:59:59Z"));
    life_period_code(&p, code);
    assert_string_equal(code, "2026-Q1");
    /* one second later it is Q2, although UTC still says 31 March */
    p = life_period_of(LIFE_QUARTER, at("2026-03-31T16:00:00Z"));
    life_period_code(&p, code);
    assert_string_equal(code, "2026-Q2");
    p = life_period_of(LIFE_MONTH, at("2026-03-31T16:00:00Z"));
    life_period_code(&p, code);
    assert_string_equal(code, "2026-04");
    /* year end */
    p = life_period_of(LIFE_YEAR, at("2026-12-31T15:59:59Z"));
    life_period_code(&p, code);
    assert_string_equal(code, "2026");
    p = life_period_of(LIFE_YEAR, at("2026-12-31T16:00:00Z"));
    life_period_code(&p, code);
    assert_string_equal(code, "2027");
    p = life_period_of(LIFE_QUARTER, at("2027-01-01T00:00:00+08:00"));
    life_period_code(&p, code);
    assert_string_equal(code, "2027-Q1");
    /* 29 February of a leap year, late in the evening */
    p = life_period_of(LIFE_MONTH, at("2028-02-29T23:59:59+08:00"));
    life_period_code(&p, code);
    assert_string_equal(code, "2028-02");
    p = life_period_of(LIFE_MONTH, at("2028-02-29T16:00:00Z"));
    life_period_code(&p, code);
    assert_string_equal(code, "2028-03");
}

static void test_status(void **state)
{
    (void)state;
    int64_t end = at("2026-04-01T00:00:00+08:00");
    assert_int_equal(life_period_status(end, end - 1, false), LIFE_NOT_DUE);
    assert_int_equal(life_period_status(end, end, false), LIFE_MISSING);
    assert_int_equal(life_period_status(end, end - 1, true), LIFE_DONE);
    assert_int_equal(life_period_status(end, end + 86400 * 365, true), LIFE_DONE);
    assert_string_equal(life_status_name(LIFE_NOT_DUE), "not_due");
}

static void test_compliance_eval(void **state)
{
    (void)state;
    struct life_requirement reqs[LIFE_MAX_REQS];
    int n = life_requirements(false, true, LIFE_QUARTER, reqs);
    assert_int_equal(n, 8); /* no 党小组: no group_meeting */
    n = life_requirements(false, false, LIFE_QUARTER, reqs);
    assert_int_equal(n, 7); /* no 支委会 either: no committee_meeting */
    for (int i = 0; i < n; i++)
        assert_string_not_equal(reqs[i].code, "committee_meeting");
    n = life_requirements(true, true, LIFE_YEAR, reqs);
    assert_int_equal(n, 9);
    const struct life_requirement *ba = &reqs[0];
    assert_string_equal(ba->code, "branch_assembly");
    assert_int_equal(ba->freq, LIFE_QUARTER);
    for (int i = 0; i < n; i++)
        if (strcmp(reqs[i].code, "party_lecture") == 0)
            assert_int_equal(reqs[i].freq, LIFE_YEAR);

    struct life_done_activity acts[] = {
        {1, "branch_assembly", at("2026-03-31T23:59:59+08:00")}, /* Q1, its very last second */
        {2, "branch_assembly", at("2026-03-31T16:00:00Z")},       /* Q2, its very first second */
        {3, "theme_day", at("2026-05-01T10:00:00+08:00")},
        {4, "branch_assembly", at("2025-12-31T15:59:59Z")},       /* last year */
    };
    struct life_cell cells[12];
    /* judged in the middle of Q3 */
    int64_t now = at("2026-08-15T12:00:00+08:00");
    life_compliance_eval(ba, 2026, now, NULL, acts, 4, cells);
    assert_int_equal(cells[0].status, LIFE_DONE);
    assert_int_equal(cells[0].count, 1);
    assert_int_equal(cells[1].status, LIFE_DONE);
    assert_int_equal(cells[1].count, 1);
    assert_int_equal(cells[2].status, LIFE_NOT_DUE);
    assert_int_equal(cells[3].status, LIFE_NOT_DUE);
    /* the quarter's meeting is missing once the quarter has ended, not a second before */
    life_compliance_eval(ba, 2026, at("2026-09-30T23:59:59+08:00"), NULL, acts, 4, cells);
    assert_int_equal(cells[2].status, LIFE_NOT_DUE);
    life_compliance_eval(ba, 2026, at("2026-10-01T00:00:00+08:00"), NULL, acts, 4, cells);
    assert_int_equal(cells[2].status, LIFE_MISSING);
    /* last year had its meeting in Q4 only */
    life_compliance_eval(ba, 2025, now, NULL, acts, 4, cells);
    assert_int_equal(cells[0].status, LIFE_MISSING);
    assert_int_equal(cells[3].status, LIFE_DONE);

    struct life_requirement td = {"theme_day", "主题党日", LIFE_MONTH};
    life_compliance_eval(&td, 2026, now, NULL, acts, 4, cells);
    assert_int_equal(cells[3].status, LIFE_MISSING); /* April */
    assert_int_equal(cells[4].status, LIFE_DONE);    /* May */
    assert_int_equal(cells[7].status, LIFE_NOT_DUE); /* August, still running */
    char code[16];
    life_period_code(&cells[7].period, code);
    assert_string_equal(code, "2026-08");
}

/* A branch set up on 1 November owes nothing for Q1–Q3 (not applicable, not
 * missing); one dissolved on 1 July owes nothing from July on. */
static void test_span(void **state)
{
    (void)state;
    struct life_requirement ba = {"branch_assembly", "支部党员大会", LIFE_QUARTER};
    struct life_requirement td = {"theme_day", "主题党日", LIFE_MONTH};
    struct life_done_activity none[1] = {{0, "", 0}};
    struct life_cell cells[12];
    struct life_span span = life_span_of("2026-11-01", NULL);
    int64_t now = at("2027-01-05T10:00:00+08:00");
    life_compliance_eval(&ba, 2026, now, &span, none, 0, cells);
    for (int q = 0; q < 3; q++)
        assert_int_equal(cells[q].status, LIFE_NOT_APPLICABLE);
    assert_int_equal(cells[3].status, LIFE_MISSING);
    life_compliance_eval(&td, 2026, now, &span, none, 0, cells);
    assert_int_equal(cells[9].status, LIFE_NOT_APPLICABLE); /* October */
    assert_int_equal(cells[10].status, LIFE_MISSING);       /* November: it existed */
    assert_string_equal(life_status_name(LIFE_NOT_APPLICABLE), "not_applicable");
    /* set up mid-month: that month applies */
    span = life_span_of("2026-11-15", NULL);
    life_compliance_eval(&td, 2026, now, &span, none, 0, cells);
    assert_int_equal(cells[10].status, LIFE_MISSING);
    /* dissolved on 1 July: July onwards is not applicable, June still owed */
    span = life_span_of(NULL, "2026-07-01");
    life_compliance_eval(&td, 2026, now, &span, none, 0, cells);
    assert_int_equal(cells[5].status, LIFE_MISSING);
    assert_int_equal(cells[6].status, LIFE_NOT_APPLICABLE);
    /* a year before the set-up is not applicable for the per-person requirements too */
    double h[1] = {0};
    span = life_span_of("2027-03-01", NULL);
    assert_int_equal(life_each_status(2026, now, &span, h, 1, 32, NULL), LIFE_NOT_APPLICABLE);
    assert_int_equal(life_each_status(2027, at("2028-01-02T00:00:00+08:00"), &span, h, 1, 32, NULL), LIFE_MISSING);
}

/* Art. 7: fewer than 7 full members and no committee set up → no 支委会 owed. */
static void test_has_committee(void **state)
{
    (void)state;
    assert_false(life_has_committee("branch", 6, 1));
    assert_false(life_has_committee("branch", 6, 2));
    assert_true(life_has_committee("branch", 6, 3)); /* one was set up */
    assert_true(life_has_committee("branch", 7, 0)); /* one should be: no_committee warns */
    assert_true(life_has_committee("general_branch", 0, 0));
}

/* 谈心谈话: each committee member at least once. */
static void test_each_person(void **state)
{
    (void)state;
    double talks[] = {1, 0, 2};
    size_t met = 0;
    assert_int_equal(life_each_status(2026, at("2027-01-01T00:00:00+08:00"), NULL, talks, 3, 1, &met), LIFE_MISSING);
    assert_int_equal(met, 2);
    talks[1] = 1;
    assert_int_equal(life_each_status(2026, at("2026-03-01T00:00:00+08:00"), NULL, talks, 3, 1, &met), LIFE_DONE);
}

static void test_study_hours(void **state)
{
    (void)state;
    double hours[] = {32, 40.5, 31.5};
    size_t met = 0;
    assert_int_equal(life_study_status(2026, at("2026-06-01T00:00:00Z"), hours, 3, 32, &met), LIFE_NOT_DUE);
    assert_int_equal(met, 2);
    assert_int_equal(life_study_status(2026, at("2026-12-31T16:00:00Z"), hours, 3, 32, &met), LIFE_MISSING);
    hours[2] = 32;
    assert_int_equal(life_study_status(2026, at("2026-06-01T00:00:00Z"), hours, 3, 32, &met), LIFE_DONE);
    assert_int_equal(life_study_status(2026, at("2027-06-01T00:00:00Z"), hours, 0, 32, &met), LIFE_DONE);
    assert_int_equal(met, 0);
}

static void test_token_rotation(void **state)
{
    (void)state;
    unsigned char key[LIFE_SECRET_LEN], other[LIFE_SECRET_LEN];
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    int64_t t0 = at("2026-11-27T09:00:00+08:00"); /* a multiple of 30 */
    assert_int_equal(t0 % 30, 0);
    char tok[LIFE_TOKEN_LEN + 1], tok2[LIFE_TOKEN_LEN + 1];
    life_token_make(key, 42, life_token_window(t0), tok);
    assert_int_equal(strlen(tok), LIFE_TOKEN_LEN);
    /* the same all through its window, different in the next one */
    life_token_make(key, 42, life_token_window(t0 + 29), tok2);
    assert_string_equal(tok, tok2);
    life_token_make(key, 42, life_token_window(t0 + 30), tok2);
    assert_string_not_equal(tok, tok2);
    /* another activity or another secret gives another token */
    life_token_make(key, 43, life_token_window(t0), tok2);
    assert_string_not_equal(tok, tok2);
    life_token_make(other, 42, life_token_window(t0), tok2);
    assert_string_not_equal(tok, tok2);
    assert_int_equal(life_token_remaining(t0), 30);
    assert_int_equal(life_token_remaining(t0 + 29), 1);

    /* accepted in its window and the next one, expired after that */
    assert_int_equal(life_token_verify(key, 42, tok, t0), LIFE_TOKEN_OK);
    assert_int_equal(life_token_verify(key, 42, tok, t0 + 59), LIFE_TOKEN_OK);
    assert_int_equal(life_token_verify(key, 42, tok, t0 + 60), LIFE_TOKEN_EXPIRED);
    assert_int_equal(life_token_verify(key, 42, tok, t0 + 3600), LIFE_TOKEN_EXPIRED);
    /* not yet valid before its window, wrong for another activity or key */
    assert_int_equal(life_token_verify(key, 42, tok, t0 - 1), LIFE_TOKEN_BAD);
    assert_int_equal(life_token_verify(key, 43, tok, t0), LIFE_TOKEN_BAD);
    assert_int_equal(life_token_verify(other, 42, tok, t0), LIFE_TOKEN_BAD);
    assert_int_equal(life_token_verify(key, 42, "short", t0), LIFE_TOKEN_BAD);
    assert_int_equal(life_token_verify(key, 42, NULL, t0), LIFE_TOKEN_BAD);
    /* negative instants still fall in whole windows */
    assert_int_equal(life_token_window(-1), -1);
    assert_int_equal(life_token_window(-30), -1);
    assert_int_equal(life_token_window(-31), -2);
}

static void test_checkin_window(void **state)
{
    (void)state;
    int64_t s = 100000, e = 103600;
    assert_true(life_checkin_window(s, e, 1800, 1800, s - 1801) < 0);
    assert_int_equal(life_checkin_window(s, e, 1800, 1800, s - 1800), 0);
    assert_int_equal(life_checkin_window(s, e, 1800, 1800, e + 1800), 0);
    assert_true(life_checkin_window(s, e, 1800, 1800, e + 1801) > 0);
}

static void test_quorum(void **state)
{
    (void)state;
    /* more than half: 3 of 5 yes, 2 of 4 no, 3 of 4 yes */
    assert_true(life_quorum_met(5, 3));
    assert_false(life_quorum_met(5, 2));
    assert_false(life_quorum_met(4, 2));
    assert_true(life_quorum_met(4, 3));
    assert_true(life_quorum_met(1, 1));
    assert_false(life_quorum_met(0, 0));

    /* the roll of 10: 3 present is no quorum however the invitations were narrowed */
    struct life_quorum q;
    char text[400];
    life_quorum_count(10, 0, 3, &q);
    assert_int_equal(q.voting, 10);
    assert_int_equal(q.needed, 6);
    assert_false(q.met);
    life_quorum_statement(&q, text, sizeof text);
    assert_non_null(strstr(text, "应到有表决权的正式党员10人"));
    assert_non_null(strstr(text, "不足规定人数"));
    /* two left out by the committee (abroad, ill): 5 of 8 is more than half */
    life_quorum_count(10, 2, 5, &q);
    assert_int_equal(q.voting, 8);
    assert_int_equal(q.needed, 5);
    assert_true(q.met);
    life_quorum_statement(&q, text, sizeof text);
    assert_non_null(strstr(text, "另有2人经支部委员会同意不计入应到人数"));
    assert_non_null(strstr(text, "符合规定人数"));
    life_quorum_count(10, 2, 4, &q);
    assert_false(q.met); /* 4 of 8 is half, not more */
    assert_string_equal(life_quorum_reason_label("abroad"), "出国（境）半年以上");
    assert_string_equal(life_quorum_reason_label("nonsense"), "");
}

static void test_states_and_kinds(void **state)
{
    (void)state;
    assert_true(life_transition_ok("planned", "noticed"));
    assert_true(life_transition_ok("noticed", "held"));
    assert_true(life_transition_ok("held", "closed"));
    assert_true(life_transition_ok("noticed", "cancelled"));
    assert_false(life_transition_ok("planned", "held"));
    assert_false(life_transition_ok("held", "cancelled"));
    assert_false(life_transition_ok("closed", "noticed"));
    assert_false(life_transition_ok("cancelled", "noticed"));
    assert_true(life_state_takes_checkins("noticed"));
    assert_false(life_state_takes_checkins("closed"));
    assert_string_equal(life_kind_find("theme_day")->name, "主题党日");
    assert_null(life_kind_find("party"));
    int n = 0;
    while (life_kind_codes[n])
        assert_non_null(life_kind_find(life_kind_codes[n++]));
    assert_int_equal(n, 17);
    assert_true(life_kind_find("study_session")->flags & LIFE_KIND_STUDY);
    assert_true(life_kind_find("volunteer")->flags & LIFE_KIND_SERVICE);
}

/* ---- group commit ---- */

static char dbpath[64];

struct row {
    struct dj_batch_item item;
    int64_t key;
};

static int apply_row(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct row *r = (struct row *)it;
    if (r->key < 0)
        return DJ_EINVAL; /* a bad item: must not sink the others */
    return db_exec(c, "INSERT INTO t (k) VALUES ($1) ON CONFLICT DO NOTHING", "i", r->key);
}

static dj_batch *batch;
static int after_calls;
static int64_t after_seen;

/* The follow-up work sees what the batches committed. */
static int count_after(db_conn *c, void *ctx)
{
    (void)ctx;
    after_calls++;
    return db_query_i64(c, &after_seen, "SELECT COUNT(*) FROM t", "");
}

/* follow-up work that fails twice (a busy database), then succeeds */
static volatile int flaky_calls;
static int flaky_after(db_conn *c, void *ctx)
{
    (void)c;
    (void)ctx;
    return ++flaky_calls < 3 ? DJ_EBUSY : DJ_OK;
}

static void *submitter(void *arg)
{
    int64_t base = (int64_t)(intptr_t)arg;
    for (int i = 0; i < 250; i++) {
        struct row r = {.key = base + i};
        int rc = dj_batch_run(batch, &r.item);
        assert_int_equal(rc, DJ_OK);
    }
    db_thread_close();
    return NULL;
}

static void *mixed_submitter(void *arg)
{
    int64_t base = (int64_t)(intptr_t)arg;
    for (int i = 0; i < 100; i++) {
        struct row r = {.key = i % 10 == 0 ? -1 : base + i};
        int rc = dj_batch_run(batch, &r.item);
        if (rc != (r.key < 0 ? DJ_EINVAL : DJ_OK))
            abort();
    }
    db_thread_close();
    return NULL;
}

/* A list writer: the batch's rows in multi-row INSERTs (db_values_sql); a bad row fails the list,
 * and the batch is then written item by item with apply_row. */
static int list_calls, list_ok;
static int apply_row2(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct row *r = (struct row *)it;
    return r->key < 0 ? DJ_EINVAL : db_exec(c, "INSERT INTO t2 (k) VALUES ($1)", "i", r->key);
}

static int apply_rows(db_conn *c, struct dj_batch_item *list, void *ctx)
{
    (void)ctx;
    list_calls++;
    while (list) {
        int n = 0;
        for (struct dj_batch_item *it = list; it && n < DB_VALUES_ROWS; it = it->next)
            n++;
        dj_buf sql = {0};
        db_values_sql(&sql, "INSERT INTO t2 (k)", 1, n);
        db_stmt *s = db_prep_dynamic(c, dj_buf_cstr(&sql));
        dj_buf_free(&sql);
        if (!s)
            return DJ_EDB;
        for (int i = 0; i < n; i++, list = list->next) {
            int64_t key = ((struct row *)list)->key;
            if (key < 0) {
                db_done(s);
                return DJ_EINVAL;
            }
            db_bind_i64(s, i + 1, key);
        }
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return rc < 0 ? rc : DJ_EDB;
    }
    list_ok++;
    return DJ_OK;
}

static void batch_list_check(db_conn *c)
{
    dj_buf sql = {0};
    db_values_sql(&sql, "INSERT INTO t (a, b)", 2, 3);
    assert_string_equal(dj_buf_cstr(&sql), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6)");
    dj_buf_free(&sql);

    assert_int_equal(db_exec_script(c, "CREATE TABLE t2 (k INTEGER PRIMARY KEY)"), DJ_OK);
    dj_batch *b = batch;
    batch = dj_batch_new("list", apply_row2, NULL, 100);
    dj_batch_set_list(batch, apply_rows);
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, mixed_submitter, (void *)(intptr_t)(200000 + i * 1000));
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    int64_t n = 0;
    assert_int_equal(db_query_i64(c, &n, "SELECT COUNT(*) FROM t2", ""), DJ_OK);
    assert_int_equal(n, 8 * 90); /* every good row, none twice, whether its list failed or not */
    assert_true(list_ok > 0 && list_ok < list_calls); /* lists written whole, and lists failed by a bad row */
    struct dj_batch_stats st;
    dj_batch_stats_get(batch, &st);
    assert_true(st.commits < st.items); /* rows shared statements and commits */
    batch = b;
}

static void test_batch(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/test_life_batch_%d.db", (int)getpid());
    unlink(dbpath);
    assert_int_equal(db_configure(dbpath), DJ_OK);
    db_conn *c = db_thread();
    assert_non_null(c);
    assert_int_equal(db_exec_script(c, "CREATE TABLE t (k INTEGER PRIMARY KEY)"), DJ_OK);
    batch = dj_batch_new("test", apply_row, NULL, 64);
    dj_batch_after(batch, count_after, NULL, 20, 100);

    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, submitter, (void *)(intptr_t)(i * 1000));
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    /* duplicates and a bad item */
    struct row dup = {.key = 5}, bad = {.key = -1};
    assert_int_equal(dj_batch_run(batch, &dup.item), DJ_OK);
    assert_int_equal(dj_batch_run(batch, &bad.item), DJ_EINVAL);

    int64_t n = 0;
    assert_int_equal(db_query_i64(c, &n, "SELECT COUNT(*) FROM t", ""), DJ_OK);
    assert_int_equal(n, 2000);

    /* bad items queued beside good ones: each bad one fails alone, every good one lands */
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, mixed_submitter, (void *)(intptr_t)(100000 + i * 1000));
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(db_query_i64(c, &n, "SELECT COUNT(*) FROM t", ""), DJ_OK);
    assert_int_equal(n, 2000 + 8 * 90);
    struct dj_batch_stats st;
    dj_batch_stats_get(batch, &st);
    assert_int_equal(st.items, 2002 + 800);
    assert_true(st.commits <= st.items);
    assert_true(st.max_batch <= 64);
    batch_list_check(c);
    /* a failed follow-up runs again by itself, with no commit to prompt it */
    dj_batch *retry = dj_batch_new("retry", apply_row, NULL, 8);
    dj_batch_after(retry, flaky_after, NULL, 20, 100);
    dj_batch_poke(retry);
    for (int i = 0; i < 300 && flaky_calls < 3; i++)
        usleep(10000);
    usleep(100000);
    assert_int_equal(flaky_calls, 3); /* and not again once it succeeded */
    dj_batch_stop_all();
    /* debounced: far fewer runs than commits, and the last one saw everything */
    assert_true(after_calls >= 1);
    assert_true((unsigned long long)after_calls < st.commits);
    assert_int_equal(after_seen, 2000 + 8 * 90);
    struct row late = {.key = 9999};
    assert_int_equal(dj_batch_run(batch, &late.item), DJ_EBUSY);
    db_thread_close();
    unit_db_remove(dbpath);
}

/* Attendance marked by hand: who may be marked what. */
static void test_mark_check(void **state)
{
    (void)state;
    /* the expected: any mark, until signed in; then only present again */
    assert_int_equal(life_mark_check("present", true, false, false), LIFE_MARK_OK);
    assert_int_equal(life_mark_check("leave", true, false, false), LIFE_MARK_OK);
    assert_int_equal(life_mark_check("absent", true, false, false), LIFE_MARK_OK);
    assert_int_equal(life_mark_check("present", true, false, true), LIFE_MARK_OK);
    assert_int_equal(life_mark_check("leave", true, false, true), LIFE_MARK_ALREADY_PRESENT);
    assert_int_equal(life_mark_check("absent", true, true, true), LIFE_MARK_ALREADY_PRESENT);
    /* a voting member not on the notice (支部党员大会): may come, not be excused or absent */
    assert_int_equal(life_mark_check("present", false, true, false), LIFE_MARK_OK);
    assert_int_equal(life_mark_check("leave", false, true, false), LIFE_MARK_ONLY_PRESENT);
    assert_int_equal(life_mark_check("absent", false, true, false), LIFE_MARK_ONLY_PRESENT);
    /* anyone else: nothing */
    assert_int_equal(life_mark_check("present", false, false, false), LIFE_MARK_NOT_EXPECTED);
    assert_int_equal(life_mark_check("absent", false, false, true), LIFE_MARK_NOT_EXPECTED);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_bounds),
        cmocka_unit_test(test_period_of),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_compliance_eval),
        cmocka_unit_test(test_study_hours),
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_has_committee),
        cmocka_unit_test(test_each_person),
        cmocka_unit_test(test_token_rotation),
        cmocka_unit_test(test_checkin_window),
        cmocka_unit_test(test_quorum),
        cmocka_unit_test(test_states_and_kinds),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_mark_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
