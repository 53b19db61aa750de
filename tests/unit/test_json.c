/* test_json.c - declared validation of JSON input, and error mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/err.h"
#include "../../src/core/json.h"

static const char *const kinds[] = {"branch", "group", NULL};
static const struct dj_jfield spec[] = {
    {"name", "名称", DJ_J_STR, DJ_J_REQ, 1, 10, NULL},
    {"kind", "类型", DJ_J_STR, 0, 0, 0, kinds},
    {"size", "人数", DJ_J_INT, 0, 0, 50, NULL},
    {"parent_id", "上级组织", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("org", "org.write")},
    {"on", "日期", DJ_J_DATE, 0, 0, 0, NULL},
    {"at", "时间", DJ_J_TIME, 0, 0, 0, NULL},
    {"ok", "是否", DJ_J_BOOL, 0, 0, 0, NULL},
    {NULL},
};

static int check(const char *text, const char **field, const char **code)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    assert_non_null(j);
    struct dj_jerr e;
    memset(&e, 0, sizeof e);
    int rc = dj_json_validate(j, spec, &e);
    /* e.field may point into j (an unknown key): keep a copy */
    static char fbuf[64];
    snprintf(fbuf, sizeof fbuf, "%s", e.field ? e.field : "");
    *field = fbuf;
    *code = e.code;
    if (rc)
        assert_true(strlen(e.message) > 0);
    json_decref(j);
    return rc;
}

static void expect(const char *text, const char *field, const char *code)
{
    const char *f, *c;
    assert_int_equal(check(text, &f, &c), -1);
    if (field)
        assert_string_equal(f, field);
    assert_string_equal(c, code);
}

static void test_valid(void **state)
{
    (void)state;
    const char *f, *c;
    assert_int_equal(check("{\"name\":\"第一党支部\",\"kind\":\"branch\",\"size\":12,\"parent_id\":null,"
                           "\"on\":\"2024-02-29\",\"at\":\"2026-03-01T09:00:00+08:00\",\"ok\":true}", &f, &c), 0);
}

static void test_each_failure(void **state)
{
    (void)state;
    expect("{\"kind\":\"branch\"}", "name", "missing_field");
    expect("{\"name\":\"x\",\"colour\":\"red\"}", "colour", "unknown_field");
    expect("{\"name\":5}", "name", "wrong_type");
    expect("{\"name\":\"一二三四五六七八九十一\"}", "name", "too_long"); /* 11 characters, max 10 */
    expect("{\"name\":\"　 \"}", "name", "invalid");                   /* blank, ideographic space */
    expect("{\"name\":\"x\",\"kind\":\"club\"}", "kind", "invalid");
    expect("{\"name\":\"x\",\"size\":51}", "size", "invalid");
    expect("{\"name\":\"x\",\"size\":1.5}", "size", "wrong_type");
    expect("{\"name\":\"x\",\"parent_id\":0}", "parent_id", "invalid");
    expect("{\"name\":\"x\",\"on\":\"2025-02-29\"}", "on", "invalid");  /* not a leap year */
    expect("{\"name\":\"x\",\"at\":\"2026-03-01T09:00:00\"}", "at", "invalid"); /* no offset */
    expect("{\"name\":\"x\",\"ok\":\"yes\"}", "ok", "wrong_type");
    expect("{\"name\":null}", "name", "missing_field");
    expect("{\"name\":\"x\",\"size\":null}", "size", "wrong_type");
}

static void test_utf8_length(void **state)
{
    (void)state;
    assert_int_equal(dj_utf8_len("党建abc"), 5);
    assert_true(dj_str_blank(" \t　"));
    assert_false(dj_str_blank(" 党 "));
}

static void test_error_mapping(void **state)
{
    (void)state;
    assert_int_equal(dj_err_status(DJ_EINVAL), 400);
    assert_int_equal(dj_err_status(DJ_EAUTH), 401);
    assert_int_equal(dj_err_status(DJ_EFORBIDDEN), 403);
    assert_int_equal(dj_err_status(DJ_ECSRF), 403);
    assert_int_equal(dj_err_status(DJ_ENOTFOUND), 404);
    assert_int_equal(dj_err_status(DJ_ECONFLICT), 409);
    assert_int_equal(dj_err_status(DJ_ETOOLARGE), 413);
    assert_int_equal(dj_err_status(DJ_EURI), 414);
    assert_int_equal(dj_err_status(DJ_EMEDIA), 415);
    assert_int_equal(dj_err_status(DJ_ELOCKED), 423);
    assert_int_equal(dj_err_status(DJ_ERATE), 429);
    assert_int_equal(dj_err_status(DJ_EHEADERS), 431);
    assert_int_equal(dj_err_status(DJ_EDB), 500);
    assert_int_equal(dj_err_status(12345), 500);
    assert_string_equal(dj_err_code(DJ_ECSRF), "csrf");
    assert_string_equal(dj_err_code(12345), "internal");
    assert_non_null(strstr(dj_err_message(DJ_EAUTH), "登录"));
}

static void same_as_jansson(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    size_t n;
    char *mine = dj_json_render(j, &n);
    char *theirs = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_string_equal(mine, theirs);
    assert_int_equal(n, strlen(theirs));
    free(mine);
    free(theirs);
    json_decref(j);
}

static void test_render(void **state)
{
    (void)state;
    same_as_jansson("{\"b\":1,\"a\":[true,false,null,-42,0,9223372036854775807],\"c\":{}}");
    same_as_jansson("{\"名称\":\"第一党支部\",\"esc\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\"}");
    same_as_jansson("[[],[[]],\"\",{\"x\":[1,{\"y\":\"z\"}]}]");
    same_as_jansson("[2.5,-0.125]");
    /* reals: the shortest text that reads back the same, and always a real */
    json_t *r = json_pack("[f,f,f]", 62.3, 2.0, 0.1);
    size_t n;
    char *t = dj_json_render(r, &n);
    assert_string_equal(t, "[62.3,2.0,0.1]");
    free(t);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_each_failure),
        cmocka_unit_test(test_utf8_length),
        cmocka_unit_test(test_error_mapping),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
