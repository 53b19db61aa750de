/* test_assess.c - the pure rules of assessment and the dashboard: period spans,
 * the requirement cells of 三会一课, each indicator's arithmetic, scaling,
 * totals, ranking, selection, the 公示's working days, the assessor-own-branch
 * rule, the heatmap cell and the points buckets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/assess/assess.h"
#include "../../src/core/err.h"
#include "../../src/core/timeutil.h"
#include "../../src/dashboard/dashboard.h"

static int64_t at(int y, int m, int d) { return dj_local_midnight(y, m, d) + 10 * 3600; }
static int64_t day(int y, int m, int d) { return dj_days_from_civil(y, m, d); }

static void test_span(void **state)
{
    (void)state;
    struct assess_span s;
    assert_int_equal(assess_span_make(2026, 0, 0, &s), DJ_OK);
    assert_string_equal(s.starts_on, "2026-01-01");
    assert_string_equal(s.ends_on, "2026-12-31");
    assert_int_equal(s.start, dj_local_midnight(2026, 1, 1));
    assert_int_equal(s.end, dj_local_midnight(2027, 1, 1));
    assert_int_equal(assess_span_months(&s), 12);
    assert_int_equal(assess_span_make(2026, 2, 0, &s), DJ_OK);
    assert_string_equal(s.starts_on, "2026-07-01");
    assert_string_equal(s.ends_on, "2026-12-31");
    assert_int_equal(assess_span_make(2024, 1, 0, &s), DJ_OK);
    assert_string_equal(s.ends_on, "2024-06-30");
    assert_int_equal(s.end, dj_local_midnight(2024, 7, 1));
    assert_int_equal(assess_span_months(&s), 6);
    assert_int_equal(assess_span_make(2026, 3, 0, &s), DJ_EINVAL);
    assert_int_equal(assess_span_make(1999, 0, 0, &s), DJ_EINVAL);
}

static void test_requirement_cells(void **state)
{
    (void)state;
    struct assess_span s;
    /* computed on 2026-11-27: Jan–Oct are over, November runs, December is ahead */
    assess_span_make(2026, 0, at(2026, 11, 27), &s);
    int64_t starts[] = {at(2026, 1, 5), at(2026, 1, 20), at(2026, 3, 9), at(2026, 11, 2), at(2025, 12, 30)};
    int met = 0, due = 0;
    struct assess_cell cells[12];
    int n = assess_requirement_cells(ASSESS_MONTH, &s, starts, 5, &met, &due, cells);
    assert_int_equal(n, 12);
    /* met: Jan, Mar, Nov; missed: Feb, Apr–Oct (8); not due: Dec */
    assert_int_equal(met, 3);
    assert_int_equal(due, 3 + 8);
    assert_int_equal(cells[0].status, 0);
    assert_int_equal(cells[0].act, 0);
    assert_int_equal(cells[1].status, 1);
    assert_int_equal(cells[10].status, 0);
    assert_int_equal(cells[10].act, 3);
    assert_int_equal(cells[11].status, 2);
    /* quarters: Q1 met, Q2 Q3 missed, Q4 met (2 Nov) though still running */
    met = due = 0;
    n = assess_requirement_cells(ASSESS_QUARTER, &s, starts, 5, &met, &due, cells);
    assert_int_equal(n, 4);
    assert_int_equal(met, 2);
    assert_int_equal(due, 4);
    assert_int_equal(cells[3].index, 4);
    assert_int_equal(cells[3].status, 0);
    /* without the November activity Q4 is not yet due */
    met = due = 0;
    assess_requirement_cells(ASSESS_QUARTER, &s, starts, 3, &met, &due, cells);
    assert_int_equal(met, 1);
    assert_int_equal(due, 3);
    assert_int_equal(cells[3].status, 2);
    /* a yearly requirement inside a half-year has no cell */
    assess_span_make(2026, 2, at(2027, 1, 10), &s);
    met = due = 0;
    assert_int_equal(assess_requirement_cells(ASSESS_YEAR, &s, starts, 5, &met, &due, NULL), 0);
    n = assess_requirement_cells(ASSESS_QUARTER, &s, starts, 5, &met, &due, cells);
    assert_int_equal(n, 2);
    assert_int_equal(cells[0].index, 3);
    assert_int_equal(met, 1); /* Q4 (Nov 2) */
    assert_int_equal(due, 2);
    /* a branch set up on 1 November 2026: Jan–Oct are not applicable, not missed */
    assess_span_make(2026, 0, at(2026, 11, 27), &s);
    met = due = 0;
    n = assess_requirement_cells_in(ASSESS_MONTH, &s, at(2026, 11, 1), INT64_MAX, starts, 5, &met, &due, cells);
    assert_int_equal(n, 12);
    assert_int_equal(cells[0].status, 3);
    assert_int_equal(cells[9].status, 3);
    assert_int_equal(cells[10].status, 0);
    assert_int_equal(met, 1);
    assert_int_equal(due, 1);
    met = due = 0;
    assess_requirement_cells_in(ASSESS_QUARTER, &s, at(2026, 11, 1), INT64_MAX, starts, 5, &met, &due, cells);
    assert_int_equal(cells[2].status, 3);
    assert_int_equal(due, 1); /* Q4 only */
}

static void test_ratios(void **state)
{
    (void)state;
    /* attendance: 9/10, 10/10, 4/5 and an activity without an expected list (ignored),
     * a 6/5 (someone extra signed in) counts as 1 */
    int num[] = {9, 10, 4, 3, 6}, den[] = {10, 10, 5, 0, 5};
    assert_float_equal(assess_mean_ratio(num, den, 5), (0.9 + 1 + 0.8 + 1) / 4, 1e-12);
    assert_float_equal(assess_mean_ratio(num, den, 0), -1, 0);
    /* study hours: 3 of 5 members at or above 32 (31.5 is short; 32 exactly is enough) */
    double h[] = {32, 40.5, 31.5, 0, 32.0};
    assert_float_equal(assess_share_at_least(h, 5, 32), 0.6, 1e-12);
    assert_float_equal(assess_share_at_least(h, 0, 32), -1, 0);
    assert_float_equal(assess_share_at_least(h, 5, 16), 0.8, 1e-12);
    /* points and volunteer hours per member */
    assert_float_equal(assess_per_member(126, 4), 31.5, 1e-12);
    assert_float_equal(assess_per_member(10, 0), -1, 0);
}

static void test_on_time(void **state)
{
    (void)state;
    int64_t today = day(2026, 11, 27);
    struct assess_item_facts f = {.done = true, .due = day(2026, 6, 30), .submitted = day(2026, 6, 30), .verified = day(2026, 7, 3)};
    assert_int_equal(assess_item_on_time(&f, today), ASSESS_IT_ON_TIME); /* reported on the deadline, checked later */
    f.submitted = day(2026, 7, 1);
    assert_int_equal(assess_item_on_time(&f, today), ASSESS_IT_LATE);
    f.submitted = -1;
    f.verified = day(2026, 6, 29);
    assert_int_equal(assess_item_on_time(&f, today), ASSESS_IT_ON_TIME);
    struct assess_item_facts open = {.due = day(2026, 11, 26), .submitted = -1, .verified = -1};
    assert_int_equal(assess_item_on_time(&open, today), ASSESS_IT_LATE);
    open.due = day(2026, 11, 27); /* due today: not yet overdue */
    assert_int_equal(assess_item_on_time(&open, today), ASSESS_IT_SKIP);
    open.due = day(2026, 11, 20);
    open.submitted = day(2026, 11, 19); /* reported in time, awaiting 销号 */
    assert_int_equal(assess_item_on_time(&open, today), ASSESS_IT_SKIP);
    struct assess_item_facts cancelled = {.cancelled = true, .due = day(2026, 1, 1), .submitted = -1, .verified = -1};
    assert_int_equal(assess_item_on_time(&cancelled, today), ASSESS_IT_SKIP);
    struct assess_item_facts nodue = {.done = true, .due = -1, .submitted = -1, .verified = day(2026, 1, 1)};
    assert_int_equal(assess_item_on_time(&nodue, today), ASSESS_IT_SKIP);
}

static void test_scale_and_total(void **state)
{
    (void)state;
    assert_float_equal(assess_scale(0.85, 1, 20), 17, 1e-9);
    assert_float_equal(assess_scale(0.95, 0.9, 10), 10, 1e-9); /* above the target: full marks */
    assert_float_equal(assess_scale(30, 40, 10), 7.5, 1e-9);
    assert_float_equal(assess_scale(2 / 3.0, 1, 10), 6.67, 1e-9);
    assert_float_equal(assess_scale(0, 1, 10), 0, 0);
    assert_float_equal(assess_round2(2.675), 2.68, 1e-9);
    assert_float_equal(assess_round2(-1.125), -1.13, 1e-9);
    double v[] = {30, 32};
    assert_float_equal(assess_mean(v, 2), 31, 1e-12);
    assert_float_equal(assess_mean(v, 0), -1, 0);
    /* 40 + 10 of 60 applicable points (the 40-point indicator has no data), scaled to 100 */
    double scores[] = {17, 40, 0, 10}, maxes[] = {20, 40, 40, 10};
    bool appl[] = {true, true, false, false};
    double raw, amax;
    assert_float_equal(assess_total(scores, maxes, appl, 4, 100, &raw, &amax), 95, 1e-9);
    assert_float_equal(raw, 57, 1e-9);
    assert_float_equal(amax, 60, 1e-9);
    bool none[] = {false, false, false, false};
    assert_float_equal(assess_total(scores, maxes, none, 4, 100, NULL, NULL), 0, 0);
}

static void test_rank_and_select(void **state)
{
    (void)state;
    double t[] = {88.5, 92, 88.5, 70, 92.004};
    int r[5];
    assess_rank(t, 5, r);
    /* 92 and 92.004 are equal at two decimals */
    assert_int_equal(r[0], 3);
    assert_int_equal(r[1], 1);
    assert_int_equal(r[2], 3);
    assert_int_equal(r[3], 5);
    assert_int_equal(r[4], 1);
    bool sel[5];
    assert_int_equal(assess_select(t, r, 5, ASSESS_TOP_N, 1, sel), 2);
    assert_true(sel[1] && sel[4] && !sel[0]);
    /* top 3: the tie at third place is all in */
    assert_int_equal(assess_select(t, r, 5, ASSESS_TOP_N, 3, sel), 4);
    assert_false(sel[3]);
    assert_int_equal(assess_select(t, r, 5, ASSESS_THRESHOLD, 88.5, sel), 4);
    assert_int_equal(assess_select(t, r, 5, ASSESS_THRESHOLD, 92.01, sel), 0);
    assert_int_equal(assess_select(t, r, 5, ASSESS_TOP_N, 0, sel), 0);
}

static void test_publicity_days(void **state)
{
    (void)state;
    assert_int_equal(assess_weekday(day(2026, 11, 27)), 4); /* a Friday */
    assert_int_equal(assess_weekday(day(1970, 1, 1)), 3);
    assert_int_equal(assess_weekday(day(1969, 12, 29)), 0);
    /* published on Friday 27 Nov: Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 Dec */
    assert_int_equal(assess_publicity_end(day(2026, 11, 27), 5), day(2026, 12, 4));
    /* published on a Wednesday: Thu, Fri, Mon, Tue, Wed */
    assert_int_equal(assess_publicity_end(day(2026, 11, 25), 5), day(2026, 12, 2));
    /* published on a Saturday */
    assert_int_equal(assess_publicity_end(day(2026, 11, 28), 5), day(2026, 12, 4));
    assert_int_equal(assess_publicity_end(day(2026, 11, 27), 7), day(2026, 12, 8));
}

static void test_own_branch_rule(void **state)
{
    (void)state;
    /* a committee member whose roster org is 党小组 /1/2/4/ (under branch /1/2/) */
    const char *own[] = {"/1/2/4/"};
    assert_false(assess_may_score(own, 1, "/1/2/"));
    assert_true(assess_may_score(own, 1, "/1/3/"));
    /* /1/2/ must not be taken for a prefix of /1/22/ */
    assert_true(assess_may_score(own, 1, "/1/22/"));
    const char *sec[] = {"/1/22/", "/1/3/"};
    assert_false(assess_may_score(sec, 2, "/1/22/"));
    assert_false(assess_may_score(sec, 2, "/1/3/"));
    assert_true(assess_may_score(sec, 2, "/1/2/"));
    /* an office without a roster org: nothing is their own */
    assert_true(assess_may_score(NULL, 0, "/1/2/"));
}

static void test_dashboard_rules(void **state)
{
    (void)state;
    assert_int_equal(dashboard_cell_status(3, 3, true), DASH_DONE);
    assert_int_equal(dashboard_cell_status(3, 3, false), DASH_DONE);
    assert_int_equal(dashboard_cell_status(1, 3, true), DASH_PARTIAL);
    assert_int_equal(dashboard_cell_status(0, 3, true), DASH_MISSING);
    assert_int_equal(dashboard_cell_status(1, 3, false), DASH_NOT_DUE);
    assert_string_equal(dashboard_cell_name(DASH_PARTIAL), "partial");
    assert_int_equal(dashboard_bucket(0, 10, 8), 0);
    assert_int_equal(dashboard_bucket(9.9, 10, 8), 0);
    assert_int_equal(dashboard_bucket(10, 10, 8), 1);
    assert_int_equal(dashboard_bucket(250, 10, 8), 7);
    assert_int_equal(dashboard_bucket(-5, 10, 8), 0);
    /* a member's branch by the org path: the deepest listed id on it */
    const int64_t branches[] = {2, 3, 22, 1001};
    assert_int_equal(dashboard_path_find("/1/2/4/", branches, 4), 0);
    assert_int_equal(dashboard_path_find("/1/22/", branches, 4), 2);
    assert_int_equal(dashboard_path_find("/1/3/", branches, 4), 1);
    assert_int_equal(dashboard_path_find("/1/1001/2/", branches, 4), 0); /* a branch under a branch: the deeper */
    assert_int_equal(dashboard_path_find("/1/5/", branches, 4), -1);
    assert_int_equal(dashboard_path_find("", branches, 4), -1);
    assert_int_equal(dashboard_path_find("/1/2/", branches, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_requirement_cells),
        cmocka_unit_test(test_ratios),
        cmocka_unit_test(test_on_time),
        cmocka_unit_test(test_scale_and_total),
        cmocka_unit_test(test_rank_and_select),
        cmocka_unit_test(test_publicity_days),
        cmocka_unit_test(test_own_branch_rule),
        cmocka_unit_test(test_dashboard_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
