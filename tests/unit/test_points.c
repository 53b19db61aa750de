/* test_points.c - points: periods and caps at day, month and year boundaries in
 * Asia/Shanghai (+08:00), rule versions by effective date, reversals, dense ranking,
 * the hash chain (a row changed with the sqlite3 shell is named by the verifier). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_db.h"
#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/timeutil.h"
#include "../../src/points/points.h"

static db_conn *db;
static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/dj-test-points-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    db = db_open(path, NULL);
    if (!db || dj_migrate(db, false) != DJ_OK)
        return -1;
    return db_exec_script(db,
                          "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                          " (1, NULL, 'committee', '机关党委', '/1/', 'x', 'x'),"
                          " (2, 1, 'branch', '第一党支部', '/1/2/', 'x', 'x'),"
                          " (3, 2, 'group', '第一党小组', '/1/2/3/', 'x', 'x');"
                          "INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES"
                          " (1, '甲', 2, 'full', 'x', 'x'), (2, '乙', 3, 'probationary', 'x', 'x'),"
                          " (3, '丙', 2, 'activist', 'x', 'x'), (4, '丁', 2, 'full', 'x', 'x');");
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    unit_db_remove(path);
    return 0;
}

static int64_t at(const char *iso)
{
    int64_t t = 0;
    assert_int_equal(dj_time_parse(iso, &t), DJ_OK);
    return t;
}

static struct points_result award(int64_t person, const char *code, const char *source, int64_t src_id,
                                  int64_t qty, const char *iso)
{
    struct points_award a = {
        .person_id = person, .rule_code = code, .source_type = source, .source_id = src_id, .quantity = qty,
        .occurred_at = at(iso),
    };
    struct points_result r;
    assert_int_equal(db_begin(db), DJ_OK);
    int rc = points_award(db, &a, &r);
    assert_int_equal(rc, DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    return r;
}

static int64_t total(int64_t person, const char *period)
{
    int64_t v = 0;
    db_query_i64(db, &v, "SELECT total FROM points_totals WHERE person_id = $1 AND period = $2", "it", person, period);
    return v;
}

static void test_periods_in_shanghai(void **state)
{
    (void)state;
    char y[16], q[16], m[16];
    points_periods(at("2026-03-31T15:59:59Z"), y, q, m); /* 23:59:59 on 31 March in Shanghai */
    assert_string_equal(y, "2026");
    assert_string_equal(q, "2026-Q1");
    assert_string_equal(m, "2026-03");
    points_periods(at("2026-03-31T16:00:00Z"), y, q, m); /* midnight, 1 April */
    assert_string_equal(q, "2026-Q2");
    assert_string_equal(m, "2026-04");
    points_periods(at("2025-12-31T16:00:00Z"), y, q, m); /* New Year in Shanghai, still 2025 in UTC */
    assert_string_equal(y, "2026");
    assert_string_equal(q, "2026-Q1");
    enum points_period_kind k;
    int64_t s, e;
    assert_int_equal(points_period_parse("2026-Q4", &k, &s, &e), DJ_OK);
    assert_int_equal(k, POINTS_QUARTER);
    assert_int_equal(s, at("2026-09-30T16:00:00Z"));
    assert_int_equal(e, at("2026-12-31T16:00:00Z"));
    assert_int_equal(points_period_parse("2026-12", &k, &s, &e), DJ_OK);
    assert_int_equal(k, POINTS_MONTH);
    assert_int_equal(points_period_parse("2026-13", &k, &s, &e), DJ_EINVAL);
    assert_int_equal(points_period_parse("2026-Q5", &k, &s, &e), DJ_EINVAL);
    assert_int_equal(points_period_parse("26", &k, &s, &e), DJ_EINVAL);
    assert_int_equal(points_period_parse("2026-03x", &k, &s, &e), DJ_EINVAL);
}

static void test_amount_and_clip(void **state)
{
    (void)state;
    struct points_rule r = {.points = 2, .min_quantity = 5, .cap_day = 3, .cap_year = 10};
    strcpy(r.source, "study_hours");
    assert_int_equal(points_amount(&r, 4), 0);  /* below the minimum duration */
    assert_int_equal(points_amount(&r, 5), 2);  /* half an hour meets the minimum: one hour */
    assert_int_equal(points_amount(&r, 14), 2); /* 1.4 h -> 1 hour x 2 */
    assert_int_equal(points_amount(&r, 25), 6); /* 2.5 h -> 3 hours x 2 */
    r.min_quantity = 0;
    assert_int_equal(points_amount(&r, 2), 2);  /* no minimum: any time counts one hour */
    strcpy(r.source, "attendance");
    assert_int_equal(points_amount(&r, 25), 2);
    char which;
    assert_int_equal(points_cap_clip(&r, 2, 0, 0, 0, &which), 2);
    assert_int_equal(which, 0);
    assert_int_equal(points_cap_clip(&r, 2, 2, 0, 0, &which), 1);
    assert_int_equal(which, 'd');
    assert_int_equal(points_cap_clip(&r, 2, 0, 0, 10, &which), 0);
    assert_int_equal(which, 'y');
    assert_int_equal(points_cap_clip(&r, -5, 9, 9, 99, &which), -5); /* deductions are not capped */
}

static void test_dense_rank(void **state)
{
    (void)state;
    int64_t s[] = {100, 100, 90, 80, 80, 80, 10}, r[7];
    points_dense_rank(s, 7, 1, r);
    int64_t want[] = {1, 1, 2, 3, 3, 3, 4};
    for (int i = 0; i < 7; i++)
        assert_int_equal(r[i], want[i]);
    points_dense_rank(s + 3, 4, 3, r); /* a later page starts at its own first rank */
    assert_int_equal(r[0], 3);
    assert_int_equal(r[3], 4);
    points_dense_rank(s, 0, 1, r); /* nothing to rank */
}

static void test_day_cap_at_midnight(void **state)
{
    (void)state;
    /* study_hours: 1 point per hour, cap 3 a day. 23:30 and 23:59 on 1 May in Shanghai */
    struct points_result r = award(1, "study_hours", "study_hours", 11, 20, "2026-05-01T15:30:00Z");
    assert_int_equal(r.delta, 2);
    r = award(1, "study_hours", "study_hours", 12, 20, "2026-05-01T15:59:59Z");
    assert_int_equal(r.delta, 1); /* reduced to what the day leaves */
    assert_non_null(strstr(r.notice, "本日学习积分已达上限"));
    r = award(1, "study_hours", "study_hours", 13, 10, "2026-05-01T15:59:59Z");
    assert_int_equal(r.entry_id, 0);
    assert_string_equal(r.notice, "本日学习积分已达上限");
    /* midnight in Shanghai (16:00 UTC): a new day */
    r = award(1, "study_hours", "study_hours", 14, 30, "2026-05-01T16:00:00Z");
    assert_int_equal(r.delta, 3);
    int64_t n = 0;
    db_query_i64(db, &n, "SELECT COUNT(*) FROM points_notices WHERE person_id = 1 AND source_id = 13", "");
    assert_int_equal(n, 1);
    /* replaying a capped event neither awards nor repeats the notice */
    r = award(1, "study_hours", "study_hours", 13, 10, "2026-05-01T15:59:59Z");
    assert_true(r.duplicate);
    assert_int_equal(total(1, "2026-05"), 6);
}

static void test_month_and_year_caps(void **state)
{
    (void)state;
    /* volunteer_hours: 1 point per hour, 10 a month, 40 a year */
    struct points_result r = award(4, "volunteer_hours", "volunteer_hours", 21, 100, "2026-04-30T15:59:00Z");
    assert_int_equal(r.delta, 10);
    r = award(4, "volunteer_hours", "volunteer_hours", 22, 20, "2026-04-30T15:59:30Z");
    assert_int_equal(r.entry_id, 0);
    assert_string_equal(r.notice, "本月志愿服务积分已达上限");
    r = award(4, "volunteer_hours", "volunteer_hours", 23, 20, "2026-04-30T16:00:00Z"); /* 1 May, Shanghai */
    assert_int_equal(r.delta, 2);
    assert_int_equal(total(4, "2026-04"), 10);
    assert_int_equal(total(4, "2026-05"), 2);
    assert_int_equal(total(4, "2026-Q2"), 12);
    /* fill the year: 12 already; three more months of 10 reach 40 */
    award(4, "volunteer_hours", "volunteer_hours", 24, 100, "2026-06-10T02:00:00Z");
    award(4, "volunteer_hours", "volunteer_hours", 25, 100, "2026-07-10T02:00:00Z");
    r = award(4, "volunteer_hours", "volunteer_hours", 26, 100, "2026-12-31T15:59:00Z");
    assert_int_equal(r.delta, 8);
    r = award(4, "volunteer_hours", "volunteer_hours", 27, 50, "2026-12-31T15:59:30Z");
    assert_string_equal(r.notice, "本年度志愿服务积分已达上限");
    r = award(4, "volunteer_hours", "volunteer_hours", 28, 50, "2026-12-31T16:00:00Z"); /* 2027 in Shanghai */
    assert_int_equal(r.delta, 5);
    assert_int_equal(total(4, "2026"), 40);
    assert_int_equal(total(4, "2027"), 5);
}

static void test_rule_versions(void **state)
{
    (void)state;
    assert_int_equal(db_exec(db,
                             "INSERT INTO points_rules (code, version, effective_from, name, category, points,"
                             " source, activity_kind, created_at) SELECT code, 2, '2026-06-01', name, category, 5,"
                             " source, activity_kind, 'x' FROM points_rules WHERE code = 'attend_branch_assembly'",
                             ""),
                     DJ_OK);
    struct points_result r = award(2, "attend_branch_assembly", "attendance", 31, 1, "2026-05-31T15:59:59Z");
    assert_int_equal(r.delta, 1); /* 31 May in Shanghai: version 1 */
    r = award(2, "attend_branch_assembly", "attendance", 32, 1, "2026-05-31T16:00:00Z");
    assert_int_equal(r.delta, 5); /* 1 June: version 2 */
    int64_t v = 0;
    db_query_i64(db, &v,
                 "SELECT r.version FROM points_ledger l JOIN points_rules r ON r.id = l.rule_id"
                 " WHERE l.person_id = 2 AND l.source_id = 31",
                 "");
    assert_int_equal(v, 1);
    /* not a party member: no points, and a notice says why */
    r = award(3, "attend_branch_assembly", "attendance", 31, 1, "2026-05-31T16:00:00Z");
    assert_int_equal(r.entry_id, 0);
    assert_non_null(strstr(r.notice, "党员"));
    /* an unknown rule, or one not yet in force */
    struct points_award a = {.person_id = 1, .rule_code = "no_such", .source_type = "manual", .source_id = 1,
                             .occurred_at = at("2026-05-01T00:00:00Z")};
    assert_int_equal(points_award(db, &a, &r), DJ_ENOTFOUND);
    a.rule_code = "attend_branch_assembly";
    a.occurred_at = at("2019-06-01T00:00:00Z");
    assert_int_equal(points_award(db, &a, &r), DJ_ENOTFOUND);
}

static void test_member_moves_branch(void **state)
{
    (void)state;
    /* person 2 is in group 3 under branch 2; a new branch 5 gets them */
    assert_int_equal(db_exec_script(db, "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at)"
                                        " VALUES (5, 1, 'branch', '第二党支部', '/1/5/', 'x', 'x');"
                                        "UPDATE people SET org_id = 5 WHERE id = 2"),
                     DJ_OK);
    assert_int_equal(points_member_moved(db, 2), DJ_OK);
    int64_t b = 0;
    db_query_i64(db, &b, "SELECT branch_id FROM points_totals WHERE person_id = 2 AND period = '2026'", "");
    assert_int_equal(b, 5);
    struct points_settings s = {.base = 60};
    int64_t rank = 0;
    assert_int_equal(points_rank(db, "2026", false, 5, total(2, "2026"), true, &s, &rank), DJ_OK);
    assert_int_equal(rank, 1); /* alone in the new branch */
    assert_int_equal(db_exec_script(db, "UPDATE people SET org_id = 3 WHERE id = 2"), DJ_OK);
    assert_int_equal(points_member_moved(db, 2), DJ_OK);
}

static void test_reversal(void **state)
{
    (void)state;
    struct points_result r = award(1, "attend_theme_day", "attendance", 41, 1, "2026-07-01T02:00:00Z");
    int64_t before = total(1, "2026");
    int64_t rev = 0;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(points_reverse(db, r.entry_id, "签到有误", 0, &rev), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    assert_int_equal(total(1, "2026"), before - 1);
    assert_int_equal(total(1, "2026-07"), 0);
    int64_t d = 0;
    db_query_i64(db, &d, "SELECT delta FROM points_ledger WHERE id = $1 AND reverses_id = $2", "ii", rev, r.entry_id);
    assert_int_equal(d, -1);
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(points_reverse(db, r.entry_id, "再次", 0, &rev), DJ_ECONFLICT);
    assert_int_equal(points_reverse(db, rev, "冲正的冲正", 0, &rev), DJ_ECONFLICT);
    assert_int_equal(points_reverse(db, 999999, "无", 0, &rev), DJ_ENOTFOUND);
    db_rollback(db);
    /* the ledger refuses edits and deletions */
    assert_int_not_equal(db_exec(db, "UPDATE points_ledger SET delta = 5 WHERE id = $1", "i", r.entry_id), DJ_OK);
    assert_int_not_equal(db_exec(db, "DELETE FROM points_ledger WHERE id = $1", "i", r.entry_id), DJ_OK);
}

static void test_demo_through_the_consumer(void **state)
{
    (void)state;
    /* the life demo's events: attendance and study; the points demo awards them through
     * points_consume_events_tx, adds claims, reverses one award */
    assert_int_equal(db_exec_script(db, "INSERT INTO life_events (person_id, activity_id, kind, activity_kind,"
                                        " quantity, occurred_at) VALUES"
                                        " (1, 900, 'attendance', 'branch_assembly', 1, '2026-09-01T02:00:00Z'),"
                                        " (4, 900, 'attendance', 'branch_assembly', 1, '2026-09-01T02:00:00Z'),"
                                        " (3, 900, 'attendance', 'branch_assembly', 1, '2026-09-01T02:00:00Z'),"
                                        " (4, 901, 'study_hours', 'study_session', 2.5, '2026-09-02T02:00:00Z')"),
                     DJ_OK);
    int64_t before = 0, after = 0, pending = 0, reversals = 0, done = 0;
    db_query_i64(db, &before, "SELECT COUNT(*) FROM points_ledger", "");
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(points_demo_load(db, "unused"), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    db_query_i64(db, &after, "SELECT COUNT(*) FROM points_ledger", "");
    db_query_i64(db, &pending, "SELECT COUNT(*) FROM points_claims WHERE status = 'pending'", "");
    db_query_i64(db, &reversals, "SELECT COUNT(*) FROM points_ledger WHERE source_type = 'correction'", "");
    db_query_i64(db, &done, "SELECT COUNT(*) FROM points_events_done", "");
    assert_int_equal(after - before, 3 + 1); /* two attendances and one study award, plus the reversal */
    assert_true(pending >= 1);
    assert_int_equal(reversals, 2);            /* the one of test_reversal and the demo's */
    assert_int_equal(done, 4);                 /* the activist's event is consumed too, with a notice */
    /* consuming again changes nothing */
    struct points_sync st = {0};
    assert_int_equal(points_consume_events(db, &st), DJ_OK);
    assert_int_equal(st.events, 0);
}

static void test_totals_checked_against_the_ledger(void **state)
{
    (void)state;
    struct points_verify v;
    assert_int_equal(points_verify_chain(db, &v), DJ_OK);
    assert_true(v.ok);
    /* the score people see comes from points_totals: a changed total is found too */
    assert_int_equal(db_exec(db, "UPDATE points_totals SET total = total + 5 WHERE person_id = 4 AND period = '2026-06'",
                             ""),
                     DJ_OK);
    assert_int_equal(points_verify_chain(db, &v), DJ_OK);
    assert_false(v.ok);
    assert_int_equal(v.bad_person, 4);
    assert_int_equal(v.first_bad, 0);
    assert_non_null(strstr(v.problem, "2026-06"));
    assert_int_equal(db_exec(db, "UPDATE points_totals SET total = total - 5 WHERE person_id = 4 AND period = '2026-06'",
                             ""),
                     DJ_OK);
    assert_int_equal(points_verify_chain(db, &v), DJ_OK);
    assert_true(v.ok);
}

static void test_hash_chain(void **state)
{
    (void)state;
    struct points_verify v;
    assert_int_equal(points_verify_chain(db, &v), DJ_OK);
    assert_true(v.ok);
    assert_true(v.entries > 10);
    /* the hash covers every field: one changed character changes it */
    struct points_entry e = {.person_id = 1, .seq = 1, .rule_id = 1, .rule_code = "a", .delta = 1,
                             .source_type = "attendance", .source_id = 1, .reason = "x|y", .occurred_at = "t",
                             .created_at = "t"};
    char h1[POINTS_HASH_HEX], h2[POINTS_HASH_HEX];
    points_entry_hash(&e, POINTS_GENESIS, h1);
    e.reason = "x|z";
    points_entry_hash(&e, POINTS_GENESIS, h2);
    assert_string_not_equal(h1, h2);

    /* someone with the file changes one stored row with the sqlite3 shell */
    int64_t victim = 0;
    db_query_i64(db, &victim, "SELECT id FROM points_ledger WHERE person_id = 4 ORDER BY seq LIMIT 1 OFFSET 2", "");
    assert_true(victim > 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "sqlite3 %s \"PRAGMA busy_timeout=5000; DROP TRIGGER points_ledger_no_update;"
             " UPDATE points_ledger SET reason = reason || ' ' WHERE id = %lld;\" >/dev/null",
             path, (long long)victim);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(points_verify_chain(db, &v), DJ_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, victim);
    assert_int_equal(v.bad_person, 4);

    /* a removed tail is caught by the member's head */
    int64_t last = 0;
    db_query_i64(db, &last, "SELECT id FROM points_ledger WHERE person_id = 1 ORDER BY seq DESC LIMIT 1", "");
    snprintf(cmd, sizeof cmd,
             "sqlite3 %s \"PRAGMA busy_timeout=5000; DROP TRIGGER points_ledger_no_delete;"
             " DELETE FROM points_ledger WHERE id = %lld;\" >/dev/null",
             path, (long long)last);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(points_verify_chain(db, &v), DJ_OK);
    assert_false(v.ok);
    /* the earliest break is named: person 1's remaining tail comes before person 4's victim? either way
     * the answer is one of the two broken entries, the smaller id */
    int64_t tail = 0;
    db_query_i64(db, &tail, "SELECT id FROM points_ledger WHERE person_id = 1 ORDER BY seq DESC LIMIT 1", "");
    assert_int_equal(v.first_bad, tail < victim ? tail : victim);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods_in_shanghai),
        cmocka_unit_test(test_amount_and_clip),
        cmocka_unit_test(test_dense_rank),
        cmocka_unit_test(test_day_cap_at_midnight),
        cmocka_unit_test(test_month_and_year_caps),
        cmocka_unit_test(test_rule_versions),
        cmocka_unit_test(test_member_moves_branch),
        cmocka_unit_test(test_reversal),
        cmocka_unit_test(test_demo_through_the_consumer),
        cmocka_unit_test(test_totals_checked_against_the_ledger),
        cmocka_unit_test(test_hash_chain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
