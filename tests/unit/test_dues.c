/* test_dues.c - party dues: the 2008 rate table (as the migration loads it) at
 * every boundary, rounding half up in integer fen, a later rate change by its
 * start month, the months a member owes (dues start, bases, 免交/少交, leaving a
 * branch), arrears in a row and their levels, which months a payment may cover
 * and how its money is split, and a payment through the store awarding the
 * on-time point once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_db.h"
#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/timeutil.h"
#include "../../src/dues/dues.h"

static db_conn *db;
static char path[64];
static struct dues_rates rates;

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/dj-test-dues-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    db = db_open(path, NULL);
    if (!db || dj_migrate(db, false) != DJ_OK)
        return -1;
    if (dues_rates_load(db, &rates) != DJ_OK)
        return -1;
    return db_exec_script(db,
                          "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                          " (1, NULL, 'committee', '机关党委', '/1/', 'x', 'x'),"
                          " (2, 1, 'branch', '第一党支部', '/1/2/', 'x', 'x'),"
                          " (3, 2, 'group', '第一党小组', '/1/2/3/', 'x', 'x'),"
                          " (4, 1, 'branch', '第二党支部', '/1/4/', 'x', 'x');"
                          "INSERT INTO people (id, name, org_id, party_status, joined_on, created_at, updated_at) VALUES"
                          " (1, '甲', 3, 'full', '2001-07-01', 'x', 'x'),"
                          " (2, '乙', 2, 'probationary', '2026-03-18', 'x', 'x'),"
                          " (3, '丙', 2, 'activist', NULL, 'x', 'x');");
}

static int teardown(void **state)
{
    (void)state;
    dues_rates_free(&rates);
    db_close(db);
    unit_db_remove(path);
    return 0;
}

static dues_month M(int y, int m)
{
    return dues_month_of(y, m);
}

/* The monthly due of a base in yuan x 100 under the migration's table. */
static int64_t due(int category, int64_t base_fen)
{
    struct dues_base b = {.from = M(2020, 1), .category = category, .base_fen = base_fen, .fixed_fen = -1};
    int64_t fen = -1;
    int bp = 0;
    assert_int_equal(dues_monthly_fen(rates.rows, rates.n, &b, M(2026, 6), &fen, &bp), DJ_OK);
    return fen;
}

static int rate_of(int category, int64_t base_fen)
{
    const struct dues_rate *r = dues_rate_find(rates.rows, rates.n, category, M(2026, 6), base_fen);
    assert_non_null(r);
    return r->rate_bp;
}

static void test_tiers_employed(void **state)
{
    (void)state;
    assert_int_equal(rate_of(DUES_EMPLOYED, 100), 50);
    assert_int_equal(rate_of(DUES_EMPLOYED, 300000), 50);   /* 3000.00: 0.5% */
    assert_int_equal(rate_of(DUES_EMPLOYED, 300001), 100);  /* 3000.01: 1% */
    assert_int_equal(rate_of(DUES_EMPLOYED, 500000), 100);  /* 5000.00 */
    assert_int_equal(rate_of(DUES_EMPLOYED, 500001), 150);  /* 5000.01: 1.5% */
    assert_int_equal(rate_of(DUES_EMPLOYED, 1000000), 150); /* 10000.00 */
    assert_int_equal(rate_of(DUES_EMPLOYED, 1000001), 200); /* 10000.01: 2% */
    assert_int_equal(rate_of(DUES_EMPLOYED, 9999999999), 200);
    /* the whole base at one rate, not progressive brackets */
    assert_int_equal(due(DUES_EMPLOYED, 300000), 1500);   /* 15.00 */
    assert_int_equal(due(DUES_EMPLOYED, 300001), 3000);   /* 30.0001 -> 30.00 */
    assert_int_equal(due(DUES_EMPLOYED, 500000), 5000);   /* 50.00 */
    assert_int_equal(due(DUES_EMPLOYED, 500001), 7500);   /* 75.00015 -> 75.00 */
    assert_int_equal(due(DUES_EMPLOYED, 1000000), 15000); /* 150.00 */
    assert_int_equal(due(DUES_EMPLOYED, 1000001), 20000); /* 200.0002 -> 200.00 */
}

static void test_tiers_retired_and_fixed(void **state)
{
    (void)state;
    assert_int_equal(rate_of(DUES_RETIRED, 500000), 50);  /* 5000.00: 0.5% */
    assert_int_equal(rate_of(DUES_RETIRED, 500001), 100); /* 5000.01: 1% */
    assert_int_equal(due(DUES_RETIRED, 500000), 2500);
    assert_int_equal(due(DUES_RETIRED, 500001), 5000);
    /* students, no income, relief: 0.20 a month whatever the base */
    assert_int_equal(due(DUES_STUDENT, 0), 20);
    assert_int_equal(due(DUES_NO_INCOME, 123456), 20);
    assert_int_equal(due(DUES_RELIEF, 0), 20);
    /* farmers: their own amount within 0.20-1.00 */
    struct dues_base f = {.from = M(2020, 1), .category = DUES_FARMER, .fixed_fen = 50};
    int64_t fen;
    int bp;
    assert_int_equal(dues_monthly_fen(rates.rows, rates.n, &f, M(2026, 6), &fen, &bp), DJ_OK);
    assert_int_equal(fen, 50);
    assert_int_equal(bp, -1);
    f.fixed_fen = 500; /* kept within the range */
    dues_monthly_fen(rates.rows, rates.n, &f, M(2026, 6), &fen, &bp);
    assert_int_equal(fen, 100);
    /* no table before 2008 */
    struct dues_base old = {.from = M(2000, 1), .category = DUES_EMPLOYED, .base_fen = 100000};
    assert_int_equal(dues_monthly_fen(rates.rows, rates.n, &old, M(2005, 1), &fen, &bp), DJ_ENOTFOUND);
}

static void test_rounding(void **state)
{
    (void)state;
    assert_int_equal(dues_share_fen(345650, 100), 3457); /* 3456.50 at 1% = 34.565 -> 34.57 */
    assert_int_equal(due(DUES_EMPLOYED, 345650), 3457);
    assert_int_equal(dues_share_fen(345649, 100), 3456); /* 34.5649 -> 34.56 */
    assert_int_equal(dues_share_fen(123300, 50), 617);   /* 6.165 -> 6.17 */
    assert_int_equal(dues_share_fen(123299, 50), 616);   /* 6.16495 -> 6.16 */
    assert_int_equal(dues_share_fen(682000, 150), 10230);
    assert_int_equal(dues_round_half_up(5, 10), 1);
    assert_int_equal(dues_round_half_up(4, 10), 0);
    char y[32];
    dues_yuan(3457, y);
    assert_string_equal(y, "34.57");
    dues_yuan(20, y);
    assert_string_equal(y, "0.20");
    int64_t fen;
    assert_int_equal(dues_parse_yuan("3,456.50", &fen), DJ_OK);
    assert_int_equal(fen, 345650);
    assert_int_equal(dues_parse_yuan("¥34.57", &fen), DJ_OK);
    assert_int_equal(fen, 3457);
    assert_int_equal(dues_parse_yuan("34.570", &fen), DJ_OK);
    assert_int_equal(fen, 3457);
    assert_int_equal(dues_parse_yuan("12", &fen), DJ_OK);
    assert_int_equal(fen, 1200);
    assert_int_equal(dues_parse_yuan("34.575", &fen), DJ_EINVAL);
    assert_int_equal(dues_parse_yuan("-3", &fen), DJ_EINVAL);
    assert_int_equal(dues_parse_yuan("abc", &fen), DJ_EINVAL);
    assert_int_equal(dues_parse_yuan("", &fen), DJ_EINVAL);
}

static void test_rate_change_by_month(void **state)
{
    (void)state;
    /* a future table is new rows with their start month; earlier months keep the old rates */
    struct dues_rate r[] = {
        {DUES_EMPLOYED, M(2008, 1), 300000, 50, -1, -1},
        {DUES_EMPLOYED, M(2008, 1), -1, 100, -1, -1},
        {DUES_EMPLOYED, M(2027, 7), 400000, 40, -1, -1},
        {DUES_EMPLOYED, M(2027, 7), -1, 80, -1, -1},
    };
    assert_int_equal(dues_rate_find(r, 4, DUES_EMPLOYED, M(2027, 6), 350000)->rate_bp, 100);
    assert_int_equal(dues_rate_find(r, 4, DUES_EMPLOYED, M(2027, 7), 350000)->rate_bp, 40);
    assert_int_equal(dues_rate_find(r, 4, DUES_EMPLOYED, M(2030, 1), 400001)->rate_bp, 80);
    assert_null(dues_rate_find(r, 4, DUES_RETIRED, M(2030, 1), 1));
}

static void test_months_of_a_member(void **state)
{
    (void)state;
    struct dues_base bases[] = {
        {M(2026, 1), DUES_EMPLOYED, 450000, -1}, /* 45.00 */
        {M(2026, 5), DUES_EMPLOYED, 520000, -1}, /* a raise from May: 78.00 */
    };
    struct dues_reduction reds[] = {{M(2026, 7), M(2026, 8), true, 0}, {M(2026, 9), M(2026, 9), false, 1000}};
    struct dues_facts f = {.start = M(2025, 11), .end = -1, .bases = bases, .nbases = 2, .reds = reds, .nreds = 2,
                           .rates = rates.rows, .nrates = rates.n};
    struct dues_month_row row;
    /* months before the first base were not kept here */
    assert_int_equal(dues_first_month(&f), M(2026, 1));
    dues_month_compute(&f, M(2025, 12), 0, &row);
    assert_int_equal(row.state, DUES_NOT_DUE);
    dues_month_compute(&f, M(2026, 1), 4500, &row);
    assert_int_equal(row.state, DUES_PAID);
    assert_int_equal(row.due_fen, 4500);
    dues_month_compute(&f, M(2026, 4), 2000, &row);
    assert_int_equal(row.state, DUES_SHORT);
    dues_month_compute(&f, M(2026, 5), 0, &row);
    assert_int_equal(row.state, DUES_UNPAID);
    assert_int_equal(row.due_fen, 7800);
    assert_int_equal(row.rate_bp, 150);
    dues_month_compute(&f, M(2026, 7), 0, &row);
    assert_int_equal(row.state, DUES_WAIVED);
    dues_month_compute(&f, M(2026, 9), 0, &row);
    assert_int_equal(row.due_fen, 1000);
    assert_true(row.reduced);
    /* a probationary member from the month of the 支部大会 resolution */
    assert_int_equal(dues_start_from_joined("2026-03-18"), M(2026, 3));
    assert_int_equal(dues_start_from_joined(NULL), -1);
    struct dues_facts p = {.start = M(2026, 3), .end = -1, .bases = bases, .nbases = 1, .rates = rates.rows,
                           .nrates = rates.n};
    dues_month_compute(&p, M(2026, 2), 0, &row);
    assert_int_equal(row.state, DUES_NOT_DUE);
    dues_month_compute(&p, M(2026, 3), 0, &row);
    assert_int_equal(row.state, DUES_UNPAID);
    /* leaving the branch: due up to the month of leaving */
    p.end = M(2026, 6);
    dues_month_compute(&p, M(2026, 6), 0, &row);
    assert_int_equal(row.state, DUES_UNPAID);
    dues_month_compute(&p, M(2026, 7), 0, &row);
    assert_int_equal(row.state, DUES_NOT_DUE);
    /* a member without any base: the branch's gap, not arrears */
    struct dues_facts nb = {.start = M(2026, 3), .end = -1, .rates = rates.rows, .nrates = rates.n};
    dues_month_compute(&nb, M(2026, 4), 0, &row);
    assert_int_equal(row.state, DUES_NO_BASE);
}

static void test_arrears_streak(void **state)
{
    (void)state;
    struct dues_base b = {M(2025, 1), DUES_EMPLOYED, 300000, -1};
    struct dues_facts f = {.start = M(2020, 1), .end = -1, .bases = &b, .nbases = 1, .rates = rates.rows,
                           .nrates = rates.n};
    struct dues_month_row rows[12];
    /* Jan..Dec 2026: paid to March, short in April, nothing since */
    for (int k = 0; k < 12; k++)
        dues_month_compute(&f, M(2026, 1) + k, k < 3 ? 1500 : k == 3 ? 700 : 0, &rows[k]);
    /* as of October the last month over is September: May..September */
    assert_int_equal(dues_unpaid_streak(rows, 12, M(2026, 9)), 5);
    /* a short month is not "nothing paid" */
    assert_int_equal(dues_unpaid_streak(rows, 12, M(2026, 4)), 0);
    assert_int_equal(dues_unpaid_streak(rows, 12, M(2026, 7)), 3);
    assert_int_equal(dues_arrears_level(2, 3, 6), 0);
    assert_int_equal(dues_arrears_level(3, 3, 6), 1);
    assert_int_equal(dues_arrears_level(5, 3, 6), 1);
    assert_int_equal(dues_arrears_level(6, 3, 6), 2);
}

static void test_months_check_and_split(void **state)
{
    (void)state;
    const char *why = NULL;
    dues_month cur = M(2026, 10);
    dues_month q[] = {M(2026, 10), M(2026, 11), M(2026, 12)}; /* a quarter at once */
    assert_int_equal(dues_months_check(q, 3, cur, 6, 3, &why), DJ_OK);
    dues_month back[] = {M(2026, 4), M(2026, 5)}; /* 补交 of six months back: fine */
    assert_int_equal(dues_months_check(back, 2, cur, 6, 3, &why), DJ_OK);
    dues_month old[] = {M(2026, 3)}; /* seven months back: beyond the limit */
    assert_int_equal(dues_months_check(old, 1, cur, 6, 3, &why), DJ_EINVAL);
    assert_non_null(strstr(why, "补交"));
    dues_month far[] = {M(2027, 2)};
    assert_int_equal(dues_months_check(far, 1, cur, 6, 3, &why), DJ_EINVAL);
    dues_month dup[] = {M(2026, 9), M(2026, 9)};
    assert_int_equal(dues_months_check(dup, 2, cur, 6, 3, &why), DJ_EINVAL);
    assert_int_equal(dues_months_check(NULL, 0, cur, 6, 3, &why), DJ_EINVAL);

    int64_t owed[] = {1500, 1500, 1500}, parts[3];
    dues_split(4500, owed, 3, parts);
    assert_int_equal(parts[0] + parts[1] + parts[2], 4500);
    assert_int_equal(parts[2], 1500);
    dues_split(2000, owed, 3, parts); /* short: the earliest months first */
    assert_int_equal(parts[0], 1500);
    assert_int_equal(parts[1], 500);
    assert_int_equal(parts[2], 0);
    dues_split(5000, owed, 3, parts); /* over: the rest to the last month */
    assert_int_equal(parts[2], 2000);
    assert_true(dues_paid_on_time(M(2026, 2), "2026-02-28"));
    assert_false(dues_paid_on_time(M(2026, 2), "2026-03-01"));
}

static void test_store_roster_payment_points(void **state)
{
    (void)state;
    struct dues_actor a = {.user_id = 0};
    struct dues_base_in b = {.person_id = 1, .effective = M(2026, 1), .category = DUES_EMPLOYED, .base_fen = 345650,
                             .fixed_fen = -1, .source = "branch"};
    int64_t id;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(dues_base_add(db, &a, &b, &id), DJ_OK);
    /* a member's declaration waits for the branch: not in force yet */
    struct dues_base_in d = b;
    d.source = "member";
    d.base_fen = 900000;
    d.effective = M(2026, 3);
    int64_t decl;
    assert_int_equal(dues_base_add(db, &a, &d, &decl), DJ_OK);
    dues_month months[] = {M(2026, 1), M(2026, 2)};
    struct dues_payment_in p = {.person_id = 1, .branch_id = 2, .months = months, .nmonths = 2, .amount_fen = 6914,
                                .method = "cash", .paid_on = "2026-01-20", .status = "confirmed", .client_key = "k-1"};
    bool dup = true;
    char why[200];
    assert_int_equal(dues_payment_add(db, &a, &p, &id, &dup, why), DJ_OK);
    assert_false(dup);
    /* the same key again records nothing */
    int64_t again;
    assert_int_equal(dues_payment_add(db, &a, &p, &again, &dup, why), DJ_OK);
    assert_true(dup);
    assert_int_equal(again, id);
    /* a month paid in full cannot be paid again */
    p.client_key = NULL;
    p.nmonths = 1;
    assert_int_equal(dues_payment_add(db, &a, &p, &again, &dup, why), DJ_ECONFLICT);
    assert_non_null(strstr(why, "已交清"));
    assert_int_equal(db_commit(db), DJ_OK);

    struct dues_roster ro;
    assert_int_equal(dues_roster_load(db, "/1/2/", 0, -1, &ro), DJ_OK);
    assert_int_equal(ro.n, 2); /* 甲 (in the group) and 乙; 丙 is no party member */
    const struct dues_member *m = ro.m[0].person_id == 1 ? &ro.m[0] : &ro.m[1];
    assert_int_equal(m->branch_id, 2);
    struct dues_month_row rows[3];
    dues_member_rows(m, M(2026, 1), M(2026, 3), rows);
    assert_int_equal(rows[0].state, DUES_PAID);
    assert_int_equal(rows[0].due_fen, 3457);
    assert_int_equal(rows[1].state, DUES_PAID);
    assert_int_equal(rows[2].due_fen, 3457); /* the pending declaration changes nothing */
    dues_roster_free(&ro);
    /* January was paid on time: one point (the points module's rule); February was paid
     * in January too, so also on time */
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT COUNT(*) FROM points_ledger WHERE person_id = 1 AND"
                                          " rule_code = 'dues_on_time'", ""),
                     DJ_OK);
    assert_int_equal(n, 2);

    /* leaving the branch in April: dues end there with April */
    assert_int_equal(dues_member_left(db, 1, 2, "2026-04", "transfer"), DJ_OK);
    assert_int_equal(db_exec(db, "UPDATE people SET org_id = 4 WHERE id = 1", ""), DJ_OK);
    assert_int_equal(dues_roster_load(db, "/1/2/", 1, -1, &ro), DJ_OK);
    assert_int_equal(ro.n, 1);
    assert_int_equal(ro.m[0].f.end, M(2026, 4));
    dues_roster_free(&ro);
    assert_int_equal(dues_roster_load(db, "/1/4/", 1, -1, &ro), DJ_OK);
    assert_int_equal(ro.n, 1);
    assert_int_equal(ro.m[0].f.start, M(2026, 5)); /* due at the new branch from May */
    assert_int_equal(ro.m[0].branch_id, 4);
    dues_roster_free(&ro);
    dues_month start;
    assert_int_equal(dues_start_month(db, 2, &start), DJ_OK);
    assert_int_equal(start, M(2026, 3));
    assert_int_equal(dues_start_month(db, 3, &start), DJ_OK);
    assert_int_equal(start, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiers_employed),         cmocka_unit_test(test_tiers_retired_and_fixed),
        cmocka_unit_test(test_rounding),               cmocka_unit_test(test_rate_change_by_month),
        cmocka_unit_test(test_months_of_a_member),     cmocka_unit_test(test_arrears_streak),
        cmocka_unit_test(test_months_check_and_split), cmocka_unit_test(test_store_roster_payment_points),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
