/* test_channels.c - the rules of the SMS gateway and e-mail channels: the
 * body template's placeholders encoded for the content type, the gateway's
 * success condition, RFC 2047 subjects split between whole characters, the
 * message's headers and base64 body, and what counts as an address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "../../src/core/mail.h"
#include "../../src/core/sms.h"

static void test_encoding_for(void **state)
{
    (void)state;
    assert_int_equal(sms_encoding_for("application/json; charset=utf-8"), SMS_ENC_JSON);
    assert_int_equal(sms_encoding_for("Application/JSON"), SMS_ENC_JSON);
    assert_int_equal(sms_encoding_for("application/x-www-form-urlencoded"), SMS_ENC_URL);
    assert_int_equal(sms_encoding_for(""), SMS_ENC_URL);
    assert_int_equal(sms_encoding_for(NULL), SMS_ENC_URL);
    assert_int_equal(sms_encoding_for("text/plain"), SMS_ENC_RAW);
}

static void test_expand(void **state)
{
    (void)state;
    char *s = sms_expand("mobile={phone}&content={text}&key={secret}&x={other}", SMS_ENC_URL, "13800000001",
                         "会议通知：a&b=c d", "k/ey+1");
    assert_string_equal(s, "mobile=13800000001&content=%E4%BC%9A%E8%AE%AE%E9%80%9A%E7%9F%A5%EF%BC%9Aa%26b%3Dc%20d"
                           "&key=k%2Fey%2B1&x={other}");
    free(s);
    s = sms_expand("{\"to\":\"{phone}\",\"msg\":\"{text}\"}", SMS_ENC_JSON, "138", "他说\"好\"\\\n下一行", NULL);
    assert_string_equal(s, "{\"to\":\"138\",\"msg\":\"他说\\\"好\\\"\\\\\\n下一行\"}");
    free(s);
    s = sms_expand("{phone} {text}{secret}", SMS_ENC_RAW, "1", "a&b", NULL);
    assert_string_equal(s, "1 a&b");
    free(s);
    s = sms_expand(NULL, SMS_ENC_URL, "1", "2", "3");
    assert_string_equal(s, "");
    free(s);
}

static void test_success(void **state)
{
    (void)state;
    assert_true(sms_success(200, "anything", "", ""));
    assert_true(sms_success(204, "", NULL, NULL));
    assert_false(sms_success(500, "OK", "", ""));
    assert_false(sms_success(302, "", "", ""));
    assert_true(sms_success(200, "result: OK", "OK", ""));
    assert_false(sms_success(200, "result: FAIL", "OK", ""));
    assert_true(sms_success(200, "{\"code\":0,\"msg\":\"ok\"}", "", "code=0"));
    assert_false(sms_success(200, "{\"code\":1001,\"msg\":\"余额不足\"}", "", "code=0"));
    assert_true(sms_success(200, "{\"result\":{\"status\":\"OK\"}}", "", "result.status=OK"));
    assert_false(sms_success(200, "{\"result\":{\"status\":\"FAIL\"}}", "", "result.status=OK"));
    assert_true(sms_success(200, "{\"ok\":true}", "", "ok=true"));
    assert_true(sms_success(200, "{\"code\":\"0\"}", "", "code=0"));
    assert_false(sms_success(200, "not json", "", "code=0"));
    assert_false(sms_success(200, "{\"code\":0}", "", "missing=0"));
    assert_false(sms_success(200, "{\"code\":0}", "", "=0"));
    assert_true(sms_json_cond_ok("code=0"));
    assert_true(sms_json_cond_ok("msg="));
    assert_false(sms_json_cond_ok("=0"));
    assert_false(sms_json_cond_ok("code"));
}

/* The decoded text of a header of encoded-words. */
static char *decode_words(const char *h)
{
    char *out = calloc(1, strlen(h) + 1);
    size_t olen = 0;
    const char *p = h;
    while ((p = strstr(p, "=?UTF-8?B?"))) {
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        assert_true(end - p <= 75 - 12);
        size_t n = 0;
        assert_int_equal(sodium_base642bin((unsigned char *)out + olen, strlen(h) - olen, p, (size_t)(end - p), NULL,
                                           &n, NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        /* each word holds whole characters: it is valid UTF-8 alone */
        out[olen + n] = '\0';
        olen += n;
        p = end + 2;
    }
    return out;
}

static void test_header_word(void **state)
{
    (void)state;
    char *w = mail_header_word("Meeting");
    assert_string_equal(w, "Meeting");
    free(w);
    const char *subject = "支部党员大会通知：第四季度支部党员大会（请准时参加，携带党员证和笔记本，谢谢大家）";
    w = mail_header_word(subject);
    assert_non_null(strstr(w, "\r\n =?UTF-8?B?")); /* long: more than one word, folded */
    for (const char *line = w; line; line = strstr(line, "\r\n")) {
        line += line == w ? 0 : 2;
        const char *e = strstr(line, "\r\n");
        assert_true((e ? (size_t)(e - line) : strlen(line)) <= 76);
        if (!e)
            break;
    }
    char *back = decode_words(w);
    assert_string_equal(back, subject);
    free(back);
    free(w);
    w = mail_header_word("a=?b");
    assert_string_equal(w, "=?UTF-8?B?YT0/Yg==?=");
    free(w);
}

static void test_message(void **state)
{
    (void)state;
    /* 2026-12-05 06:30:00 UTC = 14:30 in Shanghai, a Saturday */
    char *m = mail_message("dj@example.gov.cn", "智慧云党建", "li@example.com", "会议通知", "三楼会议室\n14:30",
                           1796452200, "dj.1.2");
    assert_non_null(strstr(m, "From: =?UTF-8?B?5pm65oWn5LqR5YWa5bu6?= <dj@example.gov.cn>\r\n"));
    assert_non_null(strstr(m, "To: <li@example.com>\r\n"));
    assert_non_null(strstr(m, "Subject: =?UTF-8?B?5Lya6K6u6YCa55+l?=\r\n"));
    assert_non_null(strstr(m, "Date: Sat, 05 Dec 2026 14:30:00 +0800\r\n"));
    assert_non_null(strstr(m, "Message-ID: <dj.1.2@example.gov.cn>\r\n"));
    assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
    const char *body = strstr(m, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "5LiJ5qW85Lya6K6u5a6kCjE0OjMw\r\n");
    free(m);
}

static void test_address(void **state)
{
    (void)state;
    assert_true(mail_address_ok("li.hongmei@example.gov.cn"));
    assert_false(mail_address_ok("li"));
    assert_false(mail_address_ok("@example.com"));
    assert_false(mail_address_ok("li@"));
    assert_false(mail_address_ok("li@host"));
    assert_false(mail_address_ok("a b@example.com"));
    assert_false(mail_address_ok("a@b@example.com"));
    assert_false(mail_address_ok("<a@example.com>"));
    assert_false(mail_address_ok("a@example.com\r\nBcc: x@example.com"));
    assert_false(mail_address_ok(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_for), cmocka_unit_test(test_expand),  cmocka_unit_test(test_success),
        cmocka_unit_test(test_header_word),  cmocka_unit_test(test_message), cmocka_unit_test(test_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
