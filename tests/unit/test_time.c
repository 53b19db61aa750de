/* test_time.c - ISO-8601 instants, civil dates and the Shanghai calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/core/timeutil.h"

static void test_parse_offsets(void **state)
{
    (void)state;
    int64_t a, b, c;
    assert_int_equal(dj_time_parse("2026-03-31T16:00:00Z", &a), 0);
    assert_int_equal(dj_time_parse("2026-04-01T00:00:00+08:00", &b), 0);
    assert_int_equal(a, b);
    assert_int_equal(dj_time_parse("2026-03-31T11:00:00.250-05:00", &c), 0);
    assert_int_equal(c, a);
    assert_int_equal(dj_time_parse("1970-01-01T00:00:00Z", &a), 0);
    assert_int_equal(a, 0);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    int64_t t;
    const char *bad[] = {"2026-03-31", "2026-03-31T25:00:00Z", "2026-02-30T00:00:00Z", "2026-03-31T10:00:00",
                         "2026-03-31T10:00:00+8", "2026-03-31T10:00:00Zjunk", "", "nonsense-at-all"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(dj_time_parse(bad[i], &t), 0);
}

static void test_format_roundtrip(void **state)
{
    (void)state;
    char buf[21];
    int64_t t;
    dj_time_iso(1795743000, buf); /* 2026-11-27T01:30:00Z */
    assert_string_equal(buf, "2026-11-27T01:30:00Z");
    assert_int_equal(dj_time_parse(buf, &t), 0);
    assert_int_equal(t, 1795743000);
}

static void test_leap_and_civil(void **state)
{
    (void)state;
    assert_true(dj_leap_year(2024));
    assert_false(dj_leap_year(2100));
    assert_true(dj_leap_year(2000));
    assert_int_equal(dj_days_in_month(2028, 2), 29);
    assert_int_equal(dj_days_in_month(2026, 2), 28);
    int y, m, d;
    for (int64_t days = -1000; days < 40000; days += 37) {
        dj_civil_from_days(days, &y, &m, &d);
        assert_int_equal(dj_days_from_civil(y, m, d), days);
    }
    assert_int_equal(dj_date_parse("2024-02-29", &y, &m, &d), 0);
    assert_int_not_equal(dj_date_parse("2023-02-29", &y, &m, &d), 0);
    assert_int_not_equal(dj_date_parse("2023-13-01", &y, &m, &d), 0);
}

/* One style for people: 2026年12月5日, 14:30, in Beijing time. */
static void test_chinese_style(void **state)
{
    (void)state;
    char out[32];
    int64_t t;
    dj_time_parse("2026-12-05T06:30:59Z", &t);
    dj_date_cn(t, out);
    assert_string_equal(out, "2026年12月5日");
    dj_datetime_cn(t, out);
    assert_string_equal(out, "2026年12月5日 14:30");
    dj_time_parse("2026-12-31T16:05:00Z", &t); /* already 1 January in Beijing */
    dj_datetime_cn(t, out);
    assert_string_equal(out, "2027年1月1日 00:05");
    dj_text_cn("2026-03-07", false, out);
    assert_string_equal(out, "2026年3月7日");
    dj_text_cn("2026-03-07T01:02:03Z", true, out);
    assert_string_equal(out, "2026年3月7日");
    dj_text_cn("2026-03-07T01:02:03Z", false, out);
    assert_string_equal(out, "2026年3月7日 09:02");
    dj_text_cn("2026-Q1", false, out);
    assert_string_equal(out, "2026-Q1");
}

static void test_shanghai_calendar(void **state)
{
    (void)state;
    int y, m, d;
    int64_t t;
    /* 2026-12-31T16:00:00Z is already 2027-01-01 in Shanghai */
    dj_time_parse("2026-12-31T15:59:59Z", &t);
    dj_local_date(t, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20261231);
    dj_local_date(t + 1, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20270101);
    assert_int_equal(dj_local_midnight(2027, 1, 1), t + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_offsets),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_leap_and_civil),
        cmocka_unit_test(test_shanghai_calendar),
        cmocka_unit_test(test_chinese_style),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
