/* test_lists.c - the rules of work lists: overdue around midnight in
 * Shanghai, which state changes are allowed, quarters, the quarterly
 * report's figures on a known data set, the CSV reader and the encodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/core/err.h"
#include "../../src/core/timeutil.h"
#include "../../src/lists/lists.h"

static lists_day day(const char *s)
{
    lists_day d = lists_day_parse(s);
    assert_true(d >= 0);
    return d;
}

static lists_day day_at(const char *iso)
{
    int64_t t;
    assert_int_equal(dj_time_parse(iso, &t), 0);
    return lists_day_of(t);
}

static void test_overdue_midnight(void **state)
{
    (void)state;
    struct lists_item_facts f = {.state = LISTS_IN_PROGRESS, .progress = 40, .due = day("2026-03-31"), .submitted = -1};
    /* the last second of the deadline day in Shanghai is still on time */
    assert_int_equal(lists_item_status(&f, day_at("2026-03-31T23:59:59+08:00")), LISTS_ST_IN_PROGRESS);
    assert_int_equal(lists_item_status(&f, day_at("2026-03-31T15:59:59Z")), LISTS_ST_IN_PROGRESS);
    /* from 2026-04-01T00:00+08:00 (16:00 UTC the day before) it is overdue */
    assert_int_equal(lists_item_status(&f, day_at("2026-04-01T00:00:00+08:00")), LISTS_ST_OVERDUE);
    assert_int_equal(lists_item_status(&f, day_at("2026-03-31T16:00:00Z")), LISTS_ST_OVERDUE);
    /* a UTC calendar would say 03-31 here: the Shanghai one decides */
    assert_int_equal(lists_item_status(&f, day_at("2026-03-31T20:00:00Z")), LISTS_ST_OVERDUE);
    /* not started items become overdue the same way */
    f.state = LISTS_NOT_STARTED;
    f.progress = 0;
    assert_int_equal(lists_item_status(&f, day("2026-03-31")), LISTS_ST_NOT_STARTED);
    assert_int_equal(lists_item_status(&f, day("2026-04-01")), LISTS_ST_OVERDUE);
    /* no deadline: never overdue */
    f.due = -1;
    assert_int_equal(lists_item_status(&f, day("2030-01-01")), LISTS_ST_NOT_STARTED);
    assert_int_equal(lists_days_left(day("2026-04-01"), day("2026-03-29")), 3);
    assert_int_equal(lists_days_left(day("2026-03-31"), day("2026-04-02")), -2);
}

static void test_status_rules(void **state)
{
    (void)state;
    lists_day due = day("2026-06-30"), after = day("2026-08-01");
    /* reported complete in time and waiting for 销号: not overdue, not done */
    struct lists_item_facts f = {.state = LISTS_IN_PROGRESS, .progress = 100, .due = due, .submitted = day("2026-06-30")};
    assert_int_equal(lists_item_status(&f, after), LISTS_ST_IN_PROGRESS);
    /* reported a day late: overdue until checked */
    f.submitted = day("2026-07-01");
    assert_int_equal(lists_item_status(&f, after), LISTS_ST_OVERDUE);
    /* done and cancelled are final, whatever the deadline */
    f.state = LISTS_DONE;
    assert_int_equal(lists_item_status(&f, after), LISTS_ST_DONE);
    f.state = LISTS_CANCELLED;
    assert_int_equal(lists_item_status(&f, after), LISTS_ST_CANCELLED);
    /* progress alone means in progress */
    struct lists_item_facts g = {.state = LISTS_NOT_STARTED, .progress = 10, .due = due, .submitted = -1};
    assert_int_equal(lists_item_status(&g, day("2026-05-01")), LISTS_ST_IN_PROGRESS);

    const char *why = NULL;
    /* done only through 销号 */
    assert_int_equal(lists_transition_check(LISTS_IN_PROGRESS, "done", NULL, true, &why), DJ_EUNPROCESSABLE);
    assert_non_null(strstr(why, "销号"));
    /* overdue is never typed in */
    assert_int_equal(lists_transition_check(LISTS_IN_PROGRESS, "overdue", NULL, false, &why), DJ_EINVAL);
    /* cancelling needs a reason, and blanks are no reason */
    assert_int_equal(lists_transition_check(LISTS_NOT_STARTED, "cancelled", NULL, false, &why), DJ_EINVAL);
    assert_int_equal(lists_transition_check(LISTS_NOT_STARTED, "cancelled", "", false, &why), DJ_EINVAL);
    assert_int_equal(lists_transition_check(LISTS_NOT_STARTED, "cancelled", " \t", false, &why), DJ_EINVAL);
    assert_int_equal(lists_transition_check(LISTS_NOT_STARTED, "cancelled", "\xE3\x80\x80", false, &why), DJ_EINVAL);
    assert_int_equal(lists_transition_check(LISTS_NOT_STARTED, "cancelled", "职能调整", false, &why), DJ_OK);
    assert_int_equal(lists_transition_check(LISTS_NOT_STARTED, "in_progress", NULL, false, &why), DJ_OK);
    assert_int_equal(lists_transition_check(LISTS_IN_PROGRESS, "not_started", NULL, false, &why), DJ_OK);
    assert_int_equal(lists_transition_check(LISTS_IN_PROGRESS, "finished", NULL, false, &why), DJ_EINVAL);
    /* closed items stay closed */
    assert_int_equal(lists_transition_check(LISTS_DONE, "in_progress", NULL, false, &why), DJ_ECONFLICT);
    assert_int_equal(lists_transition_check(LISTS_CANCELLED, "in_progress", NULL, false, &why), DJ_ECONFLICT);
    /* 销号 needs a completion report */
    assert_int_equal(lists_verify_check(LISTS_IN_PROGRESS, false, &why), DJ_EUNPROCESSABLE);
    assert_int_equal(lists_verify_check(LISTS_IN_PROGRESS, true, &why), DJ_OK);
    assert_int_equal(lists_verify_check(LISTS_DONE, true, &why), DJ_ECONFLICT);
    assert_int_equal(lists_verify_check(LISTS_CANCELLED, true, &why), DJ_ECONFLICT);
}

static void test_quarters_and_dates(void **state)
{
    (void)state;
    int y, q;
    assert_int_equal(lists_quarter_parse("2026-Q3", &y, &q), 0);
    assert_int_equal(y, 2026);
    assert_int_equal(q, 3);
    const char *bad[] = {"2026-Q5", "2026-Q0", "2026Q3", "26-Q3", "2026-Q3x", "", "abcd-Q1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(lists_quarter_parse(bad[i], &y, &q), 0);
    lists_day a, b;
    lists_quarter_bounds(2026, 1, &a, &b);
    assert_int_equal(a, day("2026-01-01"));
    assert_int_equal(b, day("2026-03-31"));
    lists_quarter_bounds(2028, 1, &a, &b); /* leap year: Q1 ends 03-31 all the same */
    assert_int_equal(b - a + 1, 91);
    lists_quarter_bounds(2026, 4, &a, &b);
    assert_int_equal(b, day("2026-12-31"));
    lists_quarter_of(day("2026-07-01"), &y, &q);
    assert_int_equal(q, 3);
    lists_quarter_of(day("2026-06-30"), &y, &q);
    assert_int_equal(q, 2);

    assert_int_equal(lists_day_parse_loose("2026-3-31"), day("2026-03-31"));
    assert_int_equal(lists_day_parse_loose("2026/03/31"), day("2026-03-31"));
    assert_int_equal(lists_day_parse_loose("2026.3.1"), day("2026-03-01"));
    assert_int_equal(lists_day_parse_loose("2026年3月31日"), day("2026-03-31"));
    assert_int_equal(lists_day_parse_loose(" 2026年12月1日 "), day("2026-12-01"));
    const char *nd[] = {"2026-02-30", "2026/13/01", "2026-3/31", "31/03/2026", "2026年3月", "明年", "", "2026-03-31x"};
    for (size_t i = 0; i < sizeof nd / sizeof nd[0]; i++)
        assert_true(lists_day_parse_loose(nd[i]) < 0);
    assert_int_equal(lists_day_parse(NULL), -1);
    assert_int_equal(lists_day_parse("2026-02-29"), -2);
    char out[11];
    lists_day_format(day("2026-03-31"), out);
    assert_string_equal(out, "2026-03-31");
}

/* A known data set for 2026-Q2, reported on 2026-11-27 (so asof = 2026-06-30). */
static void test_report_figures(void **state)
{
    (void)state;
    struct lists_ritem it[] = {
        /* 1: done in Q2 */
        {.id = 1, .seq = 1, .title = "甲", .category = "政治型", .created = day("2026-01-05"),
         .f = {LISTS_DONE, 100, day("2026-05-31"), day("2026-05-30")}, .verified = day("2026-06-02"), .cancelled = -1},
        /* 2: done in Q1: done, but not "finished this quarter" */
        {.id = 2, .seq = 2, .title = "乙", .category = "政治型", .created = day("2026-01-05"),
         .f = {LISTS_DONE, 100, day("2026-03-31"), day("2026-03-20")}, .verified = day("2026-03-25"), .cancelled = -1},
        /* 3: 销号 in Q3: on 06-30 it was open, and overdue (due 06-15, reported 07-01) */
        {.id = 3, .seq = 3, .title = "丙", .category = "学习型", .created = day("2026-01-05"),
         .f = {LISTS_DONE, 100, day("2026-06-15"), day("2026-07-01")}, .verified = day("2026-07-05"), .cancelled = -1,
         .latest_note = "协调中", .latest_on = day("2026-06-20")},
        /* 4: overdue since 04-30 */
        {.id = 4, .seq = 4, .title = "丁", .category = "学习型", .created = day("2026-01-05"),
         .f = {LISTS_IN_PROGRESS, 50, day("2026-04-30"), -1}, .verified = -1, .cancelled = -1},
        /* 5: due in Q3, in progress: planned next */
        {.id = 5, .seq = 5, .title = "戊", .category = "学习型", .created = day("2026-01-05"),
         .f = {LISTS_IN_PROGRESS, 20, day("2026-08-31"), -1}, .verified = -1, .cancelled = -1},
        /* 6: not started, due in Q3 (earlier): planned, sorted first */
        {.id = 6, .seq = 6, .title = "己", .category = "效能型", .created = day("2026-01-05"),
         .f = {LISTS_NOT_STARTED, 0, day("2026-07-15"), -1}, .verified = -1, .cancelled = -1},
        /* 7: cancelled in Q2 */
        {.id = 7, .seq = 7, .title = "庚", .category = "效能型", .created = day("2026-01-05"),
         .f = {LISTS_CANCELLED, 0, day("2026-09-30"), -1}, .verified = -1, .cancelled = day("2026-05-01")},
        /* 8: recorded in Q3: not in the Q2 report at all */
        {.id = 8, .seq = 8, .title = "辛", .category = "效能型", .created = day("2026-07-10"),
         .f = {LISTS_NOT_STARTED, 0, day("2026-08-01"), -1}, .verified = -1, .cancelled = -1},
        /* 9: cancelled in Q3: open on 06-30, due in Q3 → planned */
        {.id = 9, .seq = 9, .title = "壬", .category = "效能型", .created = day("2026-01-05"),
         .f = {LISTS_CANCELLED, 0, day("2026-09-01"), -1}, .verified = -1, .cancelled = day("2026-08-01")},
    };
    struct lists_report rep;
    lists_report_compute(&rep, it, 9, 2026, 2, day("2026-11-27"));
    assert_int_equal(rep.asof, day("2026-06-30"));
    assert_int_equal(rep.total, 8);
    assert_int_equal(rep.counts[LISTS_ST_DONE], 2);
    assert_int_equal(rep.counts[LISTS_ST_OVERDUE], 2);
    assert_int_equal(rep.counts[LISTS_ST_IN_PROGRESS], 1);
    assert_int_equal(rep.counts[LISTS_ST_NOT_STARTED], 2); /* 6 and 9 (9 had no progress) */
    assert_int_equal(rep.counts[LISTS_ST_CANCELLED], 1);
    assert_int_equal(rep.ncats, 3);
    assert_string_equal(rep.cats[0].category, "政治型");
    assert_int_equal(rep.cats[0].counts[LISTS_ST_DONE], 2);
    assert_int_equal(rep.cats[1].total, 3);
    assert_int_equal(rep.cats[1].counts[LISTS_ST_OVERDUE], 2);
    assert_int_equal(rep.cats[2].total, 3);
    assert_int_equal(rep.nfinished, 1);
    assert_int_equal(it[rep.finished[0]].id, 1);
    assert_int_equal(rep.noverdue, 2);
    assert_int_equal(it[rep.overdue[0]].id, 4); /* oldest deadline first */
    assert_int_equal(it[rep.overdue[1]].id, 3);
    assert_int_equal(rep.nplanned, 3);
    assert_int_equal(it[rep.planned[0]].id, 6);
    assert_int_equal(it[rep.planned[1]].id, 5);
    assert_int_equal(it[rep.planned[2]].id, 9);
    lists_report_free(&rep);

    /* the running quarter is counted as of today */
    lists_report_compute(&rep, it, 9, 2026, 3, day("2026-08-15"));
    assert_int_equal(rep.asof, day("2026-08-15"));
    assert_int_equal(rep.total, 9);
    assert_int_equal(rep.nfinished, 1); /* item 3, 销号 07-05 */
    assert_int_equal(it[rep.finished[0]].id, 3);
    assert_int_equal(rep.counts[LISTS_ST_CANCELLED], 2);
    assert_int_equal(rep.counts[LISTS_ST_OVERDUE], 3); /* 4, 6 (due 07-15) and 8 (due 08-01) */
    lists_report_free(&rep);
}

static int next(struct lists_csv *r, int *line)
{
    return lists_csv_next(r, line);
}

static void test_csv_reader(void **state)
{
    (void)state;
    const char *csv = "事项名称,类别,具体内容\r\n"
                      "\"学习\"\"两会\"\"精神\",学习型,\"第一段\n第二段，含逗号,还有\"\r\n"
                      "\n"
                      "空字段,,\n"
                      "\"\",末行无换行,x";
    struct lists_csv r;
    lists_csv_init(&r, csv, strlen(csv));
    int line;
    assert_int_equal(next(&r, &line), 1);
    assert_int_equal(line, 1);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(r.fields[0], "事项名称");
    assert_string_equal(r.fields[2], "具体内容");
    assert_int_equal(next(&r, &line), 1);
    assert_int_equal(line, 2);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(r.fields[0], "学习\"两会\"精神");
    assert_string_equal(r.fields[2], "第一段\n第二段，含逗号,还有");
    assert_int_equal(next(&r, &line), 1);
    assert_int_equal(line, 5); /* the quoted newline took line 3, line 4 was blank */
    assert_int_equal(r.nfields, 3);
    assert_string_equal(r.fields[1], "");
    assert_string_equal(r.fields[2], "");
    assert_int_equal(next(&r, &line), 1);
    assert_int_equal(line, 6);
    assert_string_equal(r.fields[0], "");
    assert_string_equal(r.fields[2], "x");
    assert_int_equal(next(&r, &line), 0);
    lists_csv_free(&r);

    const char *bad1 = "a,b\n\"unterminated,x\n";
    lists_csv_init(&r, bad1, strlen(bad1));
    assert_int_equal(next(&r, &line), 1);
    assert_int_equal(next(&r, &line), DJ_EINVAL);
    assert_int_equal(line, 2);
    lists_csv_free(&r);
    const char *bad2 = "\"closed\"junk,b\n";
    lists_csv_init(&r, bad2, strlen(bad2));
    assert_int_equal(next(&r, &line), DJ_EINVAL);
    assert_int_equal(line, 1);
    lists_csv_free(&r);
    lists_csv_init(&r, "", 0);
    assert_int_equal(next(&r, &line), 0);
    lists_csv_free(&r);
    /* a single trailing comma is an empty last field */
    lists_csv_init(&r, "a,\n", 3);
    assert_int_equal(next(&r, &line), 1);
    assert_int_equal(r.nfields, 2);
    lists_csv_free(&r);
}

static void test_encodings(void **state)
{
    (void)state;
    size_t n;
    /* UTF-8 with a BOM: the BOM goes */
    char *s = lists_csv_to_utf8("\xEF\xBB\xBF" "类别", 9, NULL, &n);
    assert_string_equal(s, "类别");
    assert_int_equal(n, 6);
    free(s);
    /* GBK: 中文 is D6D0 CEC4 */
    s = lists_csv_to_utf8("\xD6\xD0\xCE\xC4,a", 6, NULL, &n);
    assert_string_equal(s, "中文,a");
    free(s);
    /* GB18030 four-byte sequence (€ is 0xA2E3 in GB18030) */
    s = lists_csv_to_utf8("\xA2\xE3", 2, "GB18030", &n);
    assert_string_equal(s, "\xE2\x82\xAC");
    free(s);
    /* declared UTF-8 but not: refused */
    assert_null(lists_csv_to_utf8("\xD6\xD0\xCE", 3, "utf-8", &n));
    /* neither UTF-8 nor GB18030 (a lone lead byte at the end) */
    assert_null(lists_csv_to_utf8("ab\x81", 3, NULL, &n));
    /* plain ASCII passes as it is */
    s = lists_csv_to_utf8("a,b", 3, NULL, &n);
    assert_string_equal(s, "a,b");
    free(s);

    assert_int_equal(lists_col_of_header("事项名称"), LC_TITLE);
    assert_int_equal(lists_col_of_header(" 完成时限（必填） "), LC_DUE);
    assert_int_equal(lists_col_of_header("截止日期*"), LC_DUE);
    assert_int_equal(lists_col_of_header("责任人"), LC_OWNERS);
    assert_int_equal(lists_col_of_header("Title"), LC_TITLE);
    assert_int_equal(lists_col_of_header("备注栏"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overdue_midnight),   cmocka_unit_test(test_status_rules),
        cmocka_unit_test(test_quarters_and_dates), cmocka_unit_test(test_report_figures),
        cmocka_unit_test(test_csv_reader),         cmocka_unit_test(test_encodings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
