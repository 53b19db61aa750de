/* test_assess_providers.c - every computed indicator on a hand-made agency
 * whose right answers are worked out in the comments, written into the real
 * tables of organisational life, points and work lists (their migrations)
 * and read back through the providers' SQL; frozen scheme versions through
 * the store; "数据不可用" when a module's table is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/assess/assess.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/timeutil.h"

static db_conn *db;
static struct assess_span year2025, h1_2025;
static const struct assess_org branch2 = {2, "/1/2/", "第一党支部"}, branch3 = {3, "/1/3/", "第二党支部"};

static const char AGENCY[] =
    "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
    " (1, NULL, 'committee', '机关党委', '/1/', 'x', 'x'),"
    " (2, 1, 'branch', '第一党支部', '/1/2/', 'x', 'x'),"
    " (3, 1, 'branch', '第二党支部', '/1/3/', 'x', 'x'),"
    " (4, 2, 'group', '第一党小组', '/1/2/4/', 'x', 'x'),"
    " (5, 2, 'group', '第二党小组', '/1/2/5/', 'x', 'x');"
    /* branch 2's party members: 1, 2, 3 (4 is an activist, 5 has left) */
    "INSERT INTO people (id, name, org_id, party_status, active, created_at, updated_at) VALUES"
    " (1, '甲', 2, 'full', 1, 'x', 'x'), (2, '乙', 4, 'full', 1, 'x', 'x'), (3, '丙', 5, 'probationary', 1, 'x', 'x'),"
    " (4, '丁', 2, 'activist', 1, 'x', 'x'), (5, '戊', 2, 'full', 0, 'x', 'x'), (6, '己', 3, 'full', 1, 'x', 'x');"
    /* branch 2 has a committee of three (so it owes a monthly 支委会); branch 3 has none */
    "INSERT INTO org_officers (org_id, post, person_id) VALUES"
    " (2, 'secretary', 1), (2, 'organization', 2), (2, 'propaganda', 3);";

/* An activity of org on a Shanghai date; returns its id. */
static int64_t act(int64_t org, const char *kind, int y, int m, int d, const char *state, double study, double volunteer)
{
    char s[21], e[21];
    dj_time_iso(dj_local_midnight(y, m, d) + 9 * 3600, s);
    dj_time_iso(dj_local_midnight(y, m, d) + 11 * 3600, e);
    int64_t id = 0;
    assert_int_equal(db_query_i64(db, &id,
                                  "INSERT INTO activities (org_id, kind, title, starts_at, ends_at, place, study_hours,"
                                  " volunteer_hours, state, created_at, updated_at)"
                                  " VALUES ($1, $2, $2, $3, $4, '会议室', $5, $6, $7, 'x', 'x') RETURNING id",
                                  "itttddt", org, kind, s, e, study, volunteer, state),
                     DJ_OK);
    return id;
}

static void expect(int64_t a, int64_t person)
{
    assert_int_equal(db_exec(db, "INSERT INTO activity_people (activity_id, person_id) VALUES ($1, $2)", "ii", a, person),
                     DJ_OK);
}

static void present(int64_t a, int64_t person)
{
    assert_int_equal(db_exec(db,
                             "INSERT INTO attendance (activity_id, person_id, method, checked_in_at)"
                             " VALUES ($1, $2, 'manual', '2025-01-01T00:00:00Z')",
                             "ii", a, person),
                     DJ_OK);
}

static void item(int64_t list, int seq, int64_t org, const char *due, const char *state, const char *submitted,
                 const char *verified, const char *created)
{
    assert_int_equal(db_exec(db,
                             "INSERT INTO list_items (list_id, seq, title, category, org_id, due_on, state, submitted_on,"
                             " verified_at, created_at, updated_at) VALUES ($1, $2, '事项', '类别', $3, $4, $5, $6, $7, $8, $8)",
                             "iiittttt", list, (int64_t)seq, org, due, state, submitted, verified, created),
                     DJ_OK);
}

static int setup(void **state)
{
    (void)state;
    db = db_open(":memory:", NULL);
    if (!db || dj_migrate(db, false) != DJ_OK ||
        db_exec_script(db, AGENCY) != DJ_OK)
        return -1;
    /* figures as of 2026-01-15: the whole of 2025 is over */
    int64_t now = dj_local_midnight(2026, 1, 15);
    assess_span_make(2025, 0, now, &year2025);
    assess_span_make(2025, 1, now, &h1_2025);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static void value_of(const char *code, const struct assess_org *org, const struct assess_span *sp,
                     struct assess_value *v)
{
    memset(v, 0, sizeof *v);
    const struct assess_provider *p = assess_provider_find(code);
    assert_non_null(p);
    assert_non_null(p->formula);
    assert_int_equal(p->compute(db, org, sp, v), DJ_OK);
}

static void test_compliance(void **state)
{
    (void)state;
    /* branch 2 in 2025: 4 assemblies (one a quarter), committee meetings Jan–Jun, one 党课 (Q1),
     * a 主题党日 every month, group 4 met in Jan and Feb, group 5 never.
     * Due: 4 + 12 + 4 + 12 + 12 + 12 = 56; met: 4 + 6 + 1 + 12 + 2 + 0 = 25. */
    for (int q = 0; q < 4; q++)
        act(2, "branch_assembly", 2025, q * 3 + 2, 10, "closed", 0, 0);
    for (int m = 1; m <= 6; m++)
        act(2, "committee_meeting", 2025, m, 5, "held", 0, 0);
    act(2, "committee_meeting", 2025, 7, 5, "planned", 0, 0);     /* not held: does not count */
    act(2, "committee_meeting", 2024, 12, 5, "closed", 0, 0);     /* last year */
    act(2, "party_lecture", 2025, 2, 20, "closed", 4, 0);
    for (int m = 1; m <= 12; m++)
        act(2, "theme_day", 2025, m, 1, "closed", 0, 0);
    act(2, "theme_day", 2025, 3, 15, "cancelled", 0, 0);
    act(4, "group_meeting", 2025, 1, 8, "closed", 0, 0);
    act(4, "group_meeting", 2025, 2, 8, "closed", 0, 0);
    struct assess_value v;
    value_of("compliance", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 25.0 / 56.0, 1e-12);
    assert_int_equal(json_integer_value(json_object_get(v.evidence, "count")), 56);
    /* the evidence names the activity behind a met cell */
    json_t *first = json_array_get(json_object_get(v.evidence, "records"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "status")), "done");
    assert_true(json_integer_value(json_object_get(first, "activity_id")) > 0);
    json_decref(v.evidence);
    /* first half: due 2 + 6 + 2 + 6 + 6 + 6 = 28; met 2 + 6 + 1 + 6 + 2 = 17 */
    value_of("compliance", &branch2, &h1_2025, &v);
    assert_float_equal(v.value, 17.0 / 28.0, 1e-12);
    json_decref(v.evidence);
    /* branch 3 held nothing: 0 of 4 + 4 + 12 (no committee, so no 支委会 owed) */
    value_of("compliance", &branch3, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 0, 0);
    json_decref(v.evidence);
}

static void test_attendance(void **state)
{
    (void)state;
    /* three meetings with an expected list: 2/3, 3/3 (an activist came too, not expected), 1/3 */
    int64_t a1 = act(2, "branch_assembly", 2025, 3, 20, "closed", 0, 0);
    int64_t a2 = act(2, "theme_day", 2025, 4, 20, "closed", 0, 0);
    int64_t a3 = act(2, "party_lecture", 2025, 5, 20, "closed", 0, 0);
    for (int64_t p = 1; p <= 3; p++) {
        expect(a1, p);
        expect(a2, p);
        expect(a3, p);
    }
    present(a1, 1), present(a1, 2);
    present(a2, 1), present(a2, 2), present(a2, 3), present(a2, 4);
    present(a3, 3);
    struct assess_value v;
    value_of("attendance", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, (2.0 / 3 + 1 + 1.0 / 3) / 3, 1e-12);
    assert_non_null(strstr(v.detail, "实到 6 / 应到 9"));
    json_decref(v.evidence);
    /* branch 3 held none */
    value_of("attendance", &branch3, &year2025, &v);
    assert_false(v.available);
    assert_non_null(strstr(v.reason, "不适用"));
    json_decref(v.evidence);
}

static void test_study_hours(void **state)
{
    (void)state;
    /* 1: 28 + 4 = 32 (exactly enough); 2: 28; 3: 4 (the 2024 session and a cancelled one do not count) */
    int64_t s1 = act(1, "study_session", 2025, 5, 10, "closed", 28, 0);
    int64_t s4 = act(1, "study_session", 2025, 9, 10, "held", 4, 0);
    int64_t s2 = act(1, "study_session", 2024, 9, 10, "closed", 20, 0);
    int64_t s3 = act(1, "study_session", 2025, 8, 10, "cancelled", 10, 0);
    int64_t l1 = act(2, "party_lecture", 2025, 6, 10, "closed", 4, 0);
    present(s1, 1), present(s1, 2), present(s4, 1), present(s2, 3), present(s3, 3), present(l1, 3);
    present(s1, 4); /* an activist: not a member of the count */
    struct assess_value v;
    value_of("study_hours", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 1.0 / 3, 1e-12);
    assert_int_equal(json_integer_value(json_object_get(v.evidence, "count")), 3);
    json_decref(v.evidence);
    /* the first half needs 16: 1 has 28, 2 has 28, 3 has 4 */
    value_of("study_hours", &branch2, &h1_2025, &v);
    assert_float_equal(v.value, 2.0 / 3, 1e-12);
    json_decref(v.evidence);
    /* the same through the one-pass cache a whole computation uses */
    struct assess_hours *h = NULL;
    struct assess_span cached = year2025;
    assert_int_equal(assess_hours_load(db, &cached, &h), DJ_OK);
    assert_non_null(h);
    cached.hours = h;
    value_of("study_hours", &branch2, &cached, &v);
    assert_float_equal(v.value, 1.0 / 3, 1e-12);
    json_t *recs = json_object_get(v.evidence, "records");
    assert_float_equal(json_real_value(json_object_get(json_array_get(recs, 0), "hours")), 32, 1e-12);
    json_decref(v.evidence);
    assess_hours_free(h);
}

static void test_volunteer(void **state)
{
    (void)state;
    /* 1: 3 + 4.5, 2: 3, 3: 0 → 10.5 / 3 members */
    int64_t v1 = act(1, "volunteer", 2025, 3, 5, "closed", 0, 3);
    int64_t v2 = act(1, "volunteer", 2025, 10, 5, "closed", 0, 4.5);
    present(v1, 1), present(v1, 2), present(v2, 1);
    struct assess_value v;
    value_of("volunteer", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 3.5, 1e-12);
    json_decref(v.evidence);
    value_of("volunteer", &branch3, &year2025, &v);
    assert_float_equal(v.value, 0, 0);
    json_decref(v.evidence);
    struct assess_hours *h = NULL;
    struct assess_span cached = year2025;
    assert_int_equal(assess_hours_load(db, &cached, &h), DJ_OK);
    cached.hours = h;
    value_of("volunteer", &branch2, &cached, &v);
    assert_float_equal(v.value, 3.5, 1e-12);
    json_decref(v.evidence);
    assess_hours_free(h);
}

static void test_avg_points(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(db,
                                    "INSERT INTO points_totals (person_id, period, total, entries) VALUES"
                                    " (1, '2025', 50, 9), (2, '2025', 20, 4), (6, '2025', 99, 20),"
                                    " (1, '2025-Q1', 10, 2), (1, '2025-Q2', 5, 1), (2, '2025-Q2', 3, 1),"
                                    " (2, '2025-Q3', 17, 3), (4, '2025', 80, 5), (1, '2024', 70, 8);"),
                     DJ_OK);
    struct assess_value v;
    value_of("avg_points", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 70.0 / 3, 1e-12); /* 3 has none: counts as 0 */
    json_decref(v.evidence);
    value_of("avg_points", &branch2, &h1_2025, &v);
    assert_float_equal(v.value, 6, 1e-12); /* (10 + 5 + 3) / 3 */
    json_decref(v.evidence);
    value_of("avg_points", &branch3, &year2025, &v);
    assert_float_equal(v.value, 99, 1e-12);
    json_decref(v.evidence);
}

static void test_lists(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(db, "INSERT INTO lists (id, kind, title, org_id, created_at, updated_at) VALUES"
                                        " (1, 'model_organ', '模范机关创建', 1, 'x', 'x'),"
                                        " (2, 'rectification', '整改清单', 1, 'x', 'x');"),
                     DJ_OK);
    item(1, 1, 2, "2025-03-31", "done", "2025-03-30", "2025-04-02T02:00:00Z", "2025-01-01T00:00:00Z"); /* on time */
    item(1, 2, 2, "2025-06-30", "done", "2025-07-05", "2025-07-06T02:00:00Z", "2025-01-01T00:00:00Z"); /* late */
    item(1, 3, 2, "2025-09-30", "in_progress", NULL, NULL, "2025-01-01T00:00:00Z");                    /* overdue */
    item(1, 4, 2, "2025-12-31", "in_progress", "2025-12-30", NULL, "2025-01-01T00:00:00Z"); /* awaiting 销号 */
    item(1, 5, 2, "2025-05-01", "cancelled", NULL, NULL, "2025-01-01T00:00:00Z");
    item(1, 6, 2, "2026-03-01", "in_progress", NULL, NULL, "2025-01-01T00:00:00Z"); /* due next year */
    /* checked on 2025-11-30 00:30 Shanghai, which is still the 29th in UTC */
    item(1, 7, 4, "2025-11-30", "done", NULL, "2025-11-29T16:30:00Z", "2025-01-01T00:00:00Z");
    item(1, 8, 3, "2025-06-01", "done", "2025-05-30", "2025-06-03T02:00:00Z", "2025-01-01T00:00:00Z");
    struct assess_value v;
    value_of("list_on_time", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 0.5, 1e-12); /* 1 and 7 on time; 2 and 3 late */
    assert_int_equal(json_integer_value(json_object_get(v.evidence, "count")), 4);
    json_decref(v.evidence);
    value_of("list_on_time", &branch3, &year2025, &v);
    assert_float_equal(v.value, 1, 0);
    json_decref(v.evidence);

    item(2, 1, 2, "2025-04-30", "done", "2025-04-28", "2025-05-01T02:00:00Z", "2025-02-01T00:00:00Z"); /* closed */
    item(2, 2, 2, "2025-06-30", "in_progress", NULL, NULL, "2025-03-01T00:00:00Z");                    /* open */
    item(2, 3, 2, "2024-11-30", "done", NULL, "2024-12-01T02:00:00Z", "2024-05-01T00:00:00Z");         /* closed before */
    item(2, 4, 2, "2025-08-30", "cancelled", NULL, NULL, "2025-06-01T00:00:00Z");
    item(2, 5, 4, "2025-01-31", "done", NULL, "2025-02-01T02:00:00Z", "2024-11-01T00:00:00Z"); /* carried over, closed */
    item(2, 6, 2, "2026-03-31", "not_started", NULL, NULL, "2026-01-05T00:00:00Z");            /* after the period */
    value_of("rectification", &branch2, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 2.0 / 3, 1e-12);
    json_decref(v.evidence);
    value_of("rectification", &branch3, &year2025, &v);
    assert_true(v.available);
    assert_float_equal(v.value, 1, 0); /* nothing to rectify */
    json_decref(v.evidence);
}

static json_t *scheme_body(double brand_max)
{
    return json_pack("{s:s, s:[{s:s, s:s, s:s, s:s, s:f}, {s:s, s:s, s:s, s:f}]}", "name", "测试方案", "indicators",
                     "code", "points", "name", "平均积分", "kind", "computed", "provider", "avg_points", "max_score",
                     60.0, "code", "brand", "name", "品牌", "kind", "scored", "max_score", brand_max);
}

static void test_frozen_version_and_compute(void **state)
{
    (void)state;
    struct assess_err e = {0};
    int64_t sid, pid, version;
    assert_int_equal(db_begin(db), DJ_OK);
    json_t *b = scheme_body(40);
    assert_int_equal(assess_scheme_create(db, b, 0, &sid, &e), DJ_OK);
    json_decref(b);
    json_t *pin = json_pack("{s:I, s:s, s:i, s:s, s:i}", "scheme_id", (json_int_t)sid, "kind", "year", "year", 2025,
                            "selection_mode", "top_n", "selection_value", 1);
    assert_int_equal(assess_period_create(db, pin, 0, &pid, &e), DJ_OK);
    json_decref(pin);
    b = scheme_body(10);
    assert_int_equal(assess_scheme_new_version(db, sid, b, 0, &version, &e), DJ_OK);
    json_decref(b);
    assert_int_equal(version, 2);
    int n = 0;
    assert_int_equal(assess_compute(db, pid, dj_local_midnight(2026, 1, 15), &n, &e), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    assert_int_equal(n, 2);
    int err;
    json_t *p = assess_period_get(db, pid, &err);
    assert_non_null(p);
    assert_int_equal(json_integer_value(json_object_get(p, "version")), 1);
    assert_float_equal(json_number_value(json_object_get(json_array_get(json_object_get(p, "indicators"), 1), "max_score")),
                       40, 0);
    json_decref(p);
    /* no assessor scored: brand does not apply, the total is avg_points scaled to 100.
     * branch 2: 23.33 / 40 of 60 = 35 → 58.33 of 100; branch 3: 99 ≥ 40 → 60 → 100 */
    json_t *res = assess_results(db, pid, NULL, true, &err);
    assert_non_null(res);
    assert_int_equal(json_array_size(res), 2);
    json_t *first = json_array_get(res, 0), *second = json_array_get(res, 1);
    assert_int_equal(json_integer_value(json_object_get(first, "org_id")), 3);
    assert_float_equal(json_number_value(json_object_get(first, "total")), 100, 1e-9);
    assert_true(json_is_true(json_object_get(first, "selected")));
    assert_float_equal(json_number_value(json_object_get(second, "total")), 58.33, 1e-9);
    json_t *brand = json_array_get(json_object_get(second, "indicators"), 1);
    assert_true(json_is_null(json_object_get(brand, "value")));
    assert_string_equal(json_string_value(json_object_get(brand, "reason")), "尚无考评人评分");
    json_decref(res);
}

static void test_unavailable(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(db, "DROP TABLE points_totals; DROP TABLE list_items;"), DJ_OK);
    struct assess_value v;
    value_of("avg_points", &branch2, &year2025, &v);
    assert_false(v.available);
    assert_non_null(strstr(v.reason, "数据不可用"));
    assert_null(v.evidence);
    value_of("rectification", &branch2, &year2025, &v);
    assert_false(v.available);
    assert_non_null(strstr(v.reason, "list_items"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compliance),
        cmocka_unit_test(test_attendance),
        cmocka_unit_test(test_study_hours),
        cmocka_unit_test(test_volunteer),
        cmocka_unit_test(test_avg_points),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_frozen_version_and_compute),
        cmocka_unit_test(test_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
