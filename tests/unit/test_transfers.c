/* test_transfers.c - the rules of 组织关系转接 (src/transfers/transfers.c): months
 * added at a month's end, a 介绍信's validity of at most three months at its
 * boundary, the flags (expired, 回执 overdue) on the last day and the day after,
 * renewal once and only of an expired letter, the 回执's reporting day, what each
 * state allows, dues owed before the transfer month, 流动党员's quarterly contact
 * and lost contact at six months, and a branch's figures from the history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/core/timeutil.h"
#include "../../src/transfers/transfers.h"

static tr_day D(const char *s)
{
    tr_day d = -1;
    assert_int_equal(tr_day_parse(s, &d), 0);
    return d;
}

static void test_days(void **state)
{
    (void)state;
    char b[11], cn[24];
    tr_day_format(tr_add_months(D("2026-11-30"), 3), b);
    assert_string_equal(b, "2027-02-28");
    tr_day_format(tr_add_months(D("2027-11-30"), 3), b);
    assert_string_equal(b, "2028-02-29");
    tr_day_format(tr_add_months(D("2027-03-15"), -4), b);
    assert_string_equal(b, "2026-11-15");
    tr_day_cn(D("2026-12-05"), cn);
    assert_string_equal(cn, "2026年12月5日");
    tr_day x;
    assert_int_not_equal(tr_day_parse("2026-02-30", &x), 0);
    assert_int_not_equal(tr_day_parse(NULL, &x), 0);
}

static void test_validity(void **state)
{
    (void)state;
    tr_day is = D("2026-11-30");
    assert_null(tr_validity_refused(is, D("2027-02-28"), 3));
    assert_non_null(tr_validity_refused(is, D("2027-03-01"), 3));
    assert_non_null(tr_validity_refused(is, D("2026-11-29"), 3));
    assert_null(tr_validity_refused(is, is, 3));
    char no[64];
    tr_number("letter", 2027, 7, no);
    assert_string_equal(no, "介字〔2027〕第007号");
    tr_number("receipt", 2027, 1234, no);
    assert_string_equal(no, "回字〔2027〕第1234号");
}

static void test_flags(void **state)
{
    (void)state;
    struct tr_flags f;
    tr_day is = D("2027-01-10"), until = D("2027-04-10");
    tr_flags_of("issued", is, until, -1, until, 3, &f);
    assert_false(f.expired);
    assert_false(f.receipt_overdue);
    assert_int_equal(f.days_left, 0);
    tr_flags_of("issued", is, until, -1, until + 1, 3, &f);
    assert_true(f.expired);
    assert_true(f.receipt_overdue);
    assert_int_equal(f.days_left, -1);
    /* reported in time: not expired, but the 回执 is still owed after three months */
    tr_flags_of("reported", is, until, D("2027-04-01"), until + 1, 3, &f);
    assert_false(f.expired);
    assert_true(f.receipt_overdue);
    /* closed letters carry no flags */
    tr_flags_of("done", is, until, -1, until + 100, 3, &f);
    assert_false(f.expired || f.receipt_overdue);
    tr_flags_of("withdrawn", is, until, -1, until + 100, 3, &f);
    assert_false(f.expired || f.receipt_overdue);
}

static void test_renew_and_receipt(void **state)
{
    (void)state;
    tr_day until = D("2027-02-01"), today = D("2027-03-15");
    assert_null(tr_renew_refused("issued", false, until, D("2027-06-15"), today, 3));
    assert_non_null(tr_renew_refused("issued", false, until, D("2027-06-16"), today, 3));
    assert_non_null(tr_renew_refused("issued", true, until, D("2027-06-15"), today, 3));  /* once */
    assert_non_null(tr_renew_refused("issued", false, today, D("2027-06-15"), today, 3)); /* still valid */
    assert_non_null(tr_renew_refused("issued", false, until, today, today, 3));
    assert_non_null(tr_renew_refused("reported", false, until, D("2027-06-15"), today, 3));
    tr_day is = D("2027-01-10");
    assert_null(tr_receipt_refused(is, D("2027-04-10"), D("2027-04-10"), today + 60));
    assert_non_null(tr_receipt_refused(is, D("2027-04-10"), D("2027-04-11"), today + 60));
    assert_non_null(tr_receipt_refused(is, D("2027-04-10"), is - 1, today));
    assert_non_null(tr_receipt_refused(is, D("2027-04-10"), today + 1, today));
}

static void test_actions(void **state)
{
    (void)state;
    assert_null(tr_action_refused("out", "draft", TR_ISSUE));
    assert_non_null(tr_action_refused("out", "issued", TR_ISSUE));
    assert_non_null(tr_action_refused("out", "draft", TR_RECEIPT));
    assert_null(tr_action_refused("out", "reported", TR_RECEIPT));
    assert_null(tr_action_refused("out", "issued", TR_WITHDRAW));
    assert_non_null(tr_action_refused("out", "done", TR_WITHDRAW));
    assert_non_null(tr_action_refused("out", "withdrawn", TR_RENEW));
    assert_non_null(tr_action_refused("in", "registered", TR_ISSUE));
    assert_null(tr_action_refused("in", "registered", TR_PLACE));
    assert_non_null(tr_action_refused("in", "registered", TR_WITHDRAW));
    assert_non_null(tr_action_refused("internal", "done", TR_PLACE));
    assert_string_equal(tr_state_label("out", "done"), "已回执");
    assert_string_equal(tr_state_label("in", "done"), "已接收");
    assert_string_equal(tr_state_label("out", "issued"), "已开具");
    assert_string_equal(tr_kind_label("internal"), "机关内部转接");
}

static void test_dues_owed(void **state)
{
    (void)state;
    int months[] = {100, 101, 102, 103, 104};
    const char *st[] = {"paid", "no_base", "unpaid", "short", "unpaid"};
    int first = 0;
    /* before month 104: 102 unpaid and 103 short; no base is the branch's gap, not arrears */
    assert_int_equal(tr_dues_owed(months, st, 5, 104, &first), 2);
    assert_int_equal(first, 102);
    assert_int_equal(tr_dues_owed(months, st, 5, 102, &first), 0);
    assert_int_equal(first, -1);
    const char *paid[] = {"paid", "waived", "paid", "not_due", "paid"};
    assert_int_equal(tr_dues_owed(months, paid, 5, 105, &first), 0);
}

static void test_dues_first_month(void **state)
{
    (void)state;
    int march = 2027 * 12 + 2;
    assert_int_equal(tr_dues_first_month(march, -1), march);         /* no 党费缴至 on the letter */
    assert_int_equal(tr_dues_first_month(march, march - 2), march);  /* paid to January: from March */
    assert_int_equal(tr_dues_first_month(march, march - 1), march);  /* paid to February: from March */
    assert_int_equal(tr_dues_first_month(march, march + 2), march + 3); /* paid to May: from June */
}

static void test_flow(void **state)
{
    (void)state;
    tr_day today = D("2027-03-15");
    char b[11];
    tr_day_format(tr_quarter_start(today), b);
    assert_string_equal(b, "2027-01-01");
    tr_day_format(tr_quarter_end(D("2027-11-02")), b);
    assert_string_equal(b, "2027-12-31");
    assert_true(tr_flow_contact_due(-1, today));
    assert_true(tr_flow_contact_due(D("2026-12-31"), today));
    assert_false(tr_flow_contact_due(D("2027-01-01"), today));
    /* six months to the day is not yet lost; the day after is */
    assert_false(tr_flow_lost(D("2026-09-15"), D("2026-01-01"), today, 6));
    assert_true(tr_flow_lost(D("2026-09-14"), D("2026-01-01"), today, 6));
    assert_true(tr_flow_lost(-1, D("2026-09-14"), today, 6));
    assert_false(tr_flow_lost(-1, -1, today, 6));
}

static void test_figures(void **state)
{
    (void)state;
    /* person 1 in the branch since 2010, leaves 2027-03-15; person 2 arrives
     * 2027-03-01; person 3 a probationary member in it, dies 2027-01-10;
     * person 4 an activist in it (not counted) */
    struct tr_hist h[] = {
        {1, true, true, false, D("2010-07-01")},  {1, false, false, true, D("2010-07-01")},
        {1, true, false, false, D("2027-03-15")}, {2, true, false, false, D("2012-06-20")},
        {2, false, false, true, D("2012-06-20")}, {2, true, true, false, D("2027-03-01")},
        {3, true, true, false, D("2026-01-01")},  {3, false, false, true, D("2026-01-01")},
        {3, false, false, false, D("2027-01-10")}, {4, true, true, false, D("2020-01-01")},
        {4, false, false, false, D("2020-01-01")},
    };
    struct tr_figures f;
    tr_figures(h, sizeof h / sizeof h[0], D("2026-01-01"), D("2026-12-31"), &f);
    assert_int_equal(f.start, 1);
    assert_int_equal(f.arrived, 1);
    assert_int_equal(f.left, 0);
    assert_int_equal(f.end, 2);
    tr_figures(h, sizeof h / sizeof h[0], D("2027-01-01"), D("2027-03-15"), &f);
    assert_int_equal(f.start, 2);
    assert_int_equal(f.arrived, 1);
    assert_int_equal(f.left, 2);
    assert_int_equal(f.end, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days),    cmocka_unit_test(test_validity),          cmocka_unit_test(test_flags),
        cmocka_unit_test(test_renew_and_receipt), cmocka_unit_test(test_actions), cmocka_unit_test(test_dues_owed),
        cmocka_unit_test(test_flow), cmocka_unit_test(test_dues_first_month),    cmocka_unit_test(test_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
