/* test_people.c - the roster's pure parts: the CSV reader (quotes, "" escapes,
 * embedded newlines, CRLF, malformed records), encodings (UTF-8 with and
 * without BOM, GBK/GB18030), masking, party standing, date forms, consistency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/core/err.h"
#include "../../src/core/timeutil.h"
#include "../../src/people/people.h"

static void test_csv_plain(void **state)
{
    (void)state;
    const char *t = "姓名,所在支部\r\n张三,第一党支部\r\n\r\n李四,第二党支部";
    struct dj_csv_reader r;
    struct dj_csv_record rec;
    dj_csv_init(&r, t, strlen(t));
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_int_equal(rec.nfields, 2);
    assert_int_equal(rec.line, 1);
    assert_string_equal(rec.fields[0], "姓名");
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.fields[1], "第一党支部");
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_int_equal(rec.line, 4); /* the blank line is skipped but counted */
    assert_string_equal(rec.fields[0], "李四");
    assert_string_equal(rec.fields[1], "第二党支部");
    assert_int_equal(dj_csv_next(&r, &rec), 0);
    dj_csv_free(&r);
}

static void test_csv_quotes(void **state)
{
    (void)state;
    const char *t = "a,\"b, with comma\",\"say \"\"hi\"\"\",\"two\nlines\",,\"\"\nnext,\"x\r\ny\"\n";
    struct dj_csv_reader r;
    struct dj_csv_record rec;
    dj_csv_init(&r, t, strlen(t));
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_int_equal(rec.nfields, 6);
    assert_string_equal(rec.fields[0], "a");
    assert_string_equal(rec.fields[1], "b, with comma");
    assert_string_equal(rec.fields[2], "say \"hi\"");
    assert_string_equal(rec.fields[3], "two\nlines");
    assert_string_equal(rec.fields[4], "");
    assert_string_equal(rec.fields[5], "");
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_int_equal(rec.line, 3); /* the embedded newline moved the line on */
    assert_string_equal(rec.fields[1], "x\r\ny");
    assert_int_equal(dj_csv_next(&r, &rec), 0);
    dj_csv_free(&r);
}

static void test_csv_bad(void **state)
{
    (void)state;
    const char *t = "a,b\n\"x\"junk,c\nok,1\n\"never closed,2\n";
    struct dj_csv_reader r;
    struct dj_csv_record rec;
    dj_csv_init(&r, t, strlen(t));
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_int_equal(dj_csv_next(&r, &rec), -1);
    assert_int_equal(r.err_line, 2);
    assert_non_null(r.err);
    /* the reader goes on after a bad record */
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_string_equal(rec.fields[0], "ok");
    assert_int_equal(rec.line, 3);
    assert_int_equal(dj_csv_next(&r, &rec), -1);
    assert_int_equal(r.err_line, 4);
    assert_int_equal(dj_csv_next(&r, &rec), 0);
    dj_csv_free(&r);
}

static void test_csv_put(void **state)
{
    (void)state;
    dj_buf b = {0};
    dj_csv_put(&b, "plain");
    dj_buf_puts(&b, ",");
    dj_csv_put(&b, "a,\"b\"\nc");
    assert_string_equal(dj_buf_cstr(&b), "plain,\"a,\"\"b\"\"\nc\"");
    /* and back */
    struct dj_csv_reader r;
    struct dj_csv_record rec;
    dj_csv_init(&r, b.data, b.len);
    assert_int_equal(dj_csv_next(&r, &rec), 1);
    assert_string_equal(rec.fields[1], "a,\"b\"\nc");
    dj_csv_free(&r);
    /* cells that would run as formulas in Excel or WPS are written as text (OWASP CSV injection) */
    dj_buf f = {0};
    const char *bad[] = {"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f.len = 0;
        dj_csv_put(&f, bad[i]);
        assert_true(dj_buf_cstr(&f)[0] == '"' && dj_buf_cstr(&f)[1] == '\'');
    }
    f.len = 0;
    dj_csv_put(&f, "张=三");
    assert_string_equal(dj_buf_cstr(&f), "张=三");
    dj_buf_free(&f);
    dj_buf_free(&b);
}

static void test_encodings(void **state)
{
    (void)state;
    char *out;
    size_t n;
    const char *enc;
    /* UTF-8 with BOM: the BOM goes */
    const char *bom = "\xEF\xBB\xBF姓名";
    assert_int_equal(dj_text_to_utf8(bom, strlen(bom), NULL, &out, &n, &enc), DJ_OK);
    assert_string_equal(out, "姓名");
    assert_string_equal(enc, "utf-8");
    free(out);
    /* UTF-8 without BOM */
    assert_int_equal(dj_text_to_utf8("张三", strlen("张三"), NULL, &out, &n, &enc), DJ_OK);
    assert_string_equal(out, "张三");
    free(out);
    /* GBK: 姓名,张三 = D0D5 C3FB 2C D5C5 C8FD */
    const char gbk[] = "\xD0\xD5\xC3\xFB,\xD5\xC5\xC8\xFD\r\n";
    assert_int_equal(dj_text_to_utf8(gbk, sizeof gbk - 1, NULL, &out, &n, &enc), DJ_OK);
    assert_string_equal(out, "姓名,张三\r\n");
    assert_string_equal(enc, "gb18030");
    free(out);
    /* GB18030 four-byte sequence: U+20AC is A2E3 in GBK, 0x81308130 is U+0080 */
    const char four[] = "\x81\x30\x81\x30\xA2\xE3";
    assert_int_equal(dj_text_to_utf8(four, sizeof four - 1, NULL, &out, &n, &enc), DJ_OK);
    assert_string_equal(out, "\xC2\x80\xE2\x82\xAC");
    free(out);
    /* neither */
    const char junk[] = "\xFF\xFF\xFF";
    assert_int_not_equal(dj_text_to_utf8(junk, sizeof junk - 1, NULL, &out, &n, &enc), DJ_OK);
    assert_false(dj_utf8_valid("\xC0\x80", 2)); /* overlong */
    assert_false(dj_utf8_valid("\xED\xA0\x80", 3)); /* surrogate */
    assert_true(dj_utf8_valid("纪检委员", strlen("纪检委员")));
}

static void test_masks(void **state)
{
    (void)state;
    char p[32], b[16];
    people_mask_phone("13800000001", p);
    assert_string_equal(p, "138****0001");
    people_mask_birth("1975-05-01", b);
    assert_string_equal(b, "1975-**-**");
    people_mask_phone("123", p);
    assert_string_equal(p, "****");
}

static void test_party_years(void **state)
{
    (void)state;
    int64_t today = dj_days_from_civil(2026, 11, 27);
    assert_int_equal(people_party_years("1998-07-01", today), 28);
    assert_int_equal(people_party_years("2025-11-28", today), 0);
    assert_int_equal(people_party_years("2025-11-27", today), 1);
    assert_int_equal(people_party_years(NULL, today), -1);
    assert_int_equal(people_party_years("bad", today), -1);
}

static void test_dates(void **state)
{
    (void)state;
    char d[11];
    const char *good[][2] = {{"1975-05-01", "1975-05-01"}, {"1975-5-1", "1975-05-01"}, {"1975/5/1", "1975-05-01"},
                             {"1975.05.01", "1975-05-01"}, {"19750501", "1975-05-01"}, {"1975年5月1日", "1975-05-01"},
                             {" 2000-02-29 ", "2000-02-29"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(people_date_parse(good[i][0], d), DJ_OK);
        assert_string_equal(d, good[i][1]);
    }
    const char *bad[] = {"1975-13-01", "2001-02-29", "1975/5", "abc", "", "1975-05-01x", "1975-5/1", "0001-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(people_date_parse(bad[i], d), DJ_OK);
}

static void test_status_and_checks(void **state)
{
    (void)state;
    assert_string_equal(people_status_parse("正式党员"), "full");
    assert_string_equal(people_status_parse("预备"), "probationary");
    assert_string_equal(people_status_parse("群众"), "none");
    assert_string_equal(people_status_parse("activist"), "activist");
    assert_null(people_status_parse("党外人士"));
    assert_string_equal(people_gender_parse("女"), "female");
    assert_null(people_gender_parse("x"));
    assert_true(people_phone_valid("13800000001"));
    assert_false(people_phone_valid("1380000000"));
    assert_false(people_phone_valid("23800000001"));
    const char *field = NULL;
    assert_null(people_check("full", "1975-05-01", "1998-07-01", "1999-07-01", &field));
    assert_non_null(people_check("full", NULL, "1998-07-01", NULL, &field));
    assert_string_equal(field, "full_on");
    assert_non_null(people_check("full", NULL, "1998-07-01", "1998-07-01", &field));
    assert_string_equal(field, "full_on");
    assert_non_null(people_check("probationary", NULL, NULL, NULL, &field));
    assert_string_equal(field, "joined_on");
    assert_non_null(people_check("activist", NULL, "2020-01-01", NULL, &field));
    assert_non_null(people_check("full", "2005-01-01", "2020-01-01", "2021-01-01", &field)); /* joined at 15 */
    assert_string_equal(field, "joined_on");
    /* 转正 a year after 入党 at the earliest (the day before is refused; 29 February gives 28 February) */
    assert_non_null(people_check("full", NULL, "2026-05-10", "2027-05-09", &field));
    assert_string_equal(field, "full_on");
    assert_null(people_check("full", NULL, "2026-05-10", "2027-05-10", &field));
    assert_non_null(people_check("full", NULL, "2024-02-29", "2025-02-27", &field));
    assert_null(people_check("full", NULL, "2024-02-29", "2025-02-28", &field));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_plain), cmocka_unit_test(test_csv_quotes),   cmocka_unit_test(test_csv_bad),
        cmocka_unit_test(test_csv_put),   cmocka_unit_test(test_encodings),    cmocka_unit_test(test_masks),
        cmocka_unit_test(test_party_years), cmocka_unit_test(test_dates), cmocka_unit_test(test_status_and_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
