/* test_router.c - pattern matching and route choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/core/err.h"
#include "../../src/core/router.h"

static int h_list(dj_req *r) { (void)r; return 1; }
static int h_get(dj_req *r) { (void)r; return 2; }
static int h_export(dj_req *r) { (void)r; return 3; }
static int h_sub(dj_req *r) { (void)r; return 4; }

static const struct dj_route table[] = {
    {"GET", "/api/v1/people", h_list, NULL, 0, 0},
    {"GET", "/api/v1/people/:id", h_get, NULL, 0, 0},
    {"GET", "/api/v1/people/export", h_export, NULL, 0, 0},
    {"POST", "/api/v1/orgs/:id/members/:pid", h_sub, NULL, 0, 0},
    {0},
};

static int setup(void **state)
{
    (void)state;
    dj_router_add(table);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dj_router_free();
    return 0;
}

static void match(const char *method, const char *path, enum dj_match want, dj_handler h)
{
    dj_req r;
    memset(&r, 0, sizeof r);
    r.arena = dj_arena_new();
    enum dj_match m = dj_router_match(&r, method, path);
    assert_int_equal(m, want);
    if (want == DJ_MATCH_OK)
        assert_ptr_equal(r.route->handler, h);
    dj_arena_free(r.arena);
}

static void test_literal_and_params(void **state)
{
    (void)state;
    match("GET", "/api/v1/people", DJ_MATCH_OK, h_list);
    match("GET", "/api/v1/people/42", DJ_MATCH_OK, h_get);
    match("GET", "/api/v1/people/export", DJ_MATCH_OK, h_export); /* literal beats :id */
}

static void test_params_captured(void **state)
{
    (void)state;
    dj_req r;
    memset(&r, 0, sizeof r);
    r.arena = dj_arena_new();
    assert_int_equal(dj_router_match(&r, "POST", "/api/v1/orgs/7/members/99"), DJ_MATCH_OK);
    assert_string_equal(dj_param(&r, "id"), "7");
    assert_string_equal(dj_param(&r, "pid"), "99");
    assert_null(dj_param(&r, "nope"));
    int64_t id = 0;
    assert_int_equal(dj_param_id(&r, "id", &id), 0);
    assert_int_equal(id, 7);
    dj_arena_free(r.arena);
}

static void test_method_and_none(void **state)
{
    (void)state;
    match("DELETE", "/api/v1/people/1", DJ_MATCH_METHOD, NULL);
    match("GET", "/api/v1/peoples", DJ_MATCH_NONE, NULL);
    match("GET", "/api/v1/people/", DJ_MATCH_NONE, NULL);   /* empty parameter */
    match("GET", "/api/v1/people/1/x", DJ_MATCH_NONE, NULL); /* extra segment */
    match("HEAD", "/api/v1/people", DJ_MATCH_OK, h_list);    /* HEAD answers as GET */
}

static void test_bad_param_id(void **state)
{
    (void)state;
    const char *bad[] = {"abc", "-1", "0", "12x", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dj_req r;
        memset(&r, 0, sizeof r);
        r.arena = dj_arena_new();
        r.nparams = 1;
        r.param_names[0] = "id";
        r.param_values[0] = bad[i];
        int64_t id;
        assert_int_equal(dj_param_id(&r, "id", &id), DJ_ENOTFOUND);
        assert_non_null(r.err_message);
        dj_arena_free(r.arena);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_and_params),
        cmocka_unit_test(test_params_captured),
        cmocka_unit_test(test_method_and_none),
        cmocka_unit_test(test_bad_param_id),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
