/* test_security.c - the pure parts of the hardening: trusted proxies and the
 * client address, the sign-in delays, the hashing queue's priorities, and the
 * field tables that must declare the scope of every id they take. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../src/core/json.h"
#include "../../src/core/pool.h"
#include "../../src/core/proxy.h"
#include "../../src/core/throttle.h"

static void test_proxy_client(void **state)
{
    (void)state;
    char out[64];
    /* nobody trusted: the headers are ignored, whatever they say */
    assert_int_equal(dj_proxy_configure(NULL), 0);
    assert_string_equal(dj_proxy_client("203.0.113.9", "10.1.1.1", "10.2.2.2", out, sizeof out), "203.0.113.9");
    assert_int_equal(dj_proxy_configure("127.0.0.1,10.0.0.0/8, ::1"), 0);
    assert_true(dj_proxy_trusted("10.20.30.40"));
    assert_false(dj_proxy_trusted("11.0.0.1"));
    /* from an untrusted peer the headers mean nothing */
    assert_string_equal(dj_proxy_client("198.51.100.7", "1.2.3.4", "5.6.7.8", out, sizeof out), "198.51.100.7");
    /* nginx appends the address it saw: the right-most address that is not a proxy of ours */
    assert_string_equal(dj_proxy_client("127.0.0.1", "6.6.6.6, 198.51.100.7", NULL, out, sizeof out), "198.51.100.7");
    assert_string_equal(dj_proxy_client("127.0.0.1", "198.51.100.7, 10.0.0.5", NULL, out, sizeof out), "198.51.100.7");
    assert_string_equal(dj_proxy_client("::1", "2001:db8::1", NULL, out, sizeof out), "2001:db8::1");
    /* X-Real-IP when there is no X-Forwarded-For; garbage is not believed */
    assert_string_equal(dj_proxy_client("127.0.0.1", NULL, "192.0.2.33", out, sizeof out), "192.0.2.33");
    assert_string_equal(dj_proxy_client("127.0.0.1", "not-an-address", NULL, out, sizeof out), "127.0.0.1");
    assert_int_equal(dj_proxy_configure("10.0.0.0/33"), -1);
    assert_int_equal(dj_proxy_configure("example.com"), -1);
    dj_proxy_free();
}

static void test_throttle_delay(void **state)
{
    (void)state;
    /* five free attempts, then 5 s, 10 s, 20 s … never past the longest */
    for (int n = 1; n < 5; n++)
        assert_int_equal(dj_throttle_delay(n, 5, 900), 0);
    assert_int_equal(dj_throttle_delay(5, 5, 900), 5);
    assert_int_equal(dj_throttle_delay(6, 5, 900), 10);
    assert_int_equal(dj_throttle_delay(7, 5, 900), 20);
    assert_int_equal(dj_throttle_delay(30, 5, 900), 900);
    assert_int_equal(dj_throttle_delay(1000000, 20, 60), 60);
}

/* ---- the hashing queue ---- */

static pthread_mutex_t order_mu = PTHREAD_MUTEX_INITIALIZER;
static int order[16], norder, dropped[16], ndropped;
static volatile int gate;

static void job_block(void *arg)
{
    (void)arg;
    while (!gate)
        usleep(1000);
}

static void job_note(void *arg)
{
    pthread_mutex_lock(&order_mu);
    order[norder++] = (int)(intptr_t)arg;
    pthread_mutex_unlock(&order_mu);
}

static void job_dropped(void *arg)
{
    pthread_mutex_lock(&order_mu);
    dropped[ndropped++] = (int)(intptr_t)arg;
    pthread_mutex_unlock(&order_mu);
}

static void test_pool_priorities(void **state)
{
    (void)state;
    dj_pool_start(1, 12); /* a quarter, three places, for droppable jobs */
    gate = 0;
    assert_true(dj_pool_submit(job_block, NULL)); /* holds the one worker */
    while (dj_pool_queued() > 0)
        usleep(1000);
    /* a flood of guesses from addresses with many failures fills the queue */
    assert_true(dj_pool_submit_prio(job_note, (void *)(intptr_t)50, 50, job_dropped));
    assert_true(dj_pool_submit_prio(job_note, (void *)(intptr_t)40, 40, job_dropped));
    assert_true(dj_pool_submit_prio(job_note, (void *)(intptr_t)51, 50, job_dropped));
    /* worse than the worst: refused at once (the cheap answer) */
    assert_false(dj_pool_would_take(60));
    assert_false(dj_pool_submit_prio(job_note, (void *)(intptr_t)60, 60, job_dropped));
    assert_true(dj_pool_would_take(1));
    /* other work still has its places */
    assert_true(dj_pool_submit(job_note, (void *)(intptr_t)0));
    /* a quiet address pushes out the oldest of the worst, and goes first */
    assert_true(dj_pool_submit_prio(job_note, (void *)(intptr_t)1, 1, job_dropped));
    assert_int_equal(ndropped, 1);
    assert_int_equal(dropped[0], 50);
    /* as urgent as the worst: takes the place of the oldest of them */
    assert_true(dj_pool_submit_prio(job_note, (void *)(intptr_t)52, 50, job_dropped));
    assert_int_equal(ndropped, 2);
    assert_int_equal(dropped[1], 51);
    gate = 1;
    dj_pool_stop();
    assert_int_equal(norder, 4);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 40);
    assert_int_equal(order[3], 52);
}

static volatile int seen_nice = -100;

static void job_nice(void *arg)
{
    (void)arg;
    seen_nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
}

static void test_pool_below_requests(void **state)
{
    (void)state;
    /* hashing runs below the request threads' priority */
    dj_pool_start(1, 8);
    assert_true(dj_pool_submit(job_nice, NULL));
    dj_pool_stop();
    assert_int_equal(seen_nice, 10);
}

/* ---- field tables ---- */

static const struct dj_jfield person_item[] = {
    {"post", "职务", DJ_J_STR, DJ_J_REQ, 1, 10, NULL},
    {"person_id", "人员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "org.write")},
    {NULL},
};
static const struct dj_jfield good[] = {
    {"org_id", "组织", DJ_J_ID, 0, DJ_SCOPE("org", "life.manage")},
    {"expected_person_ids", "应到人员", DJ_J_IDS, 0, 0, 3, NULL, DJ_SCOPE("person", "life.manage")},
    {"rule_id", "规则", DJ_J_ID, DJ_J_UNSCOPED, 0, 0, NULL},
    {"officers", "委员", DJ_J_ARR, 0, 0, 5, NULL, person_item},
    {NULL},
};
static const struct dj_jfield forgot[] = {
    {"host_person_id", "主持人", DJ_J_ID, 0, 0, 0, NULL}, /* no scope declared */
    {NULL},
};
static const struct dj_jfield untyped[] = {
    {"owner_ids", "责任人", DJ_J_ARR, 0, 0, 0, NULL}, /* ids in a plain array */
    {NULL},
};
static const struct dj_jfield nested_item[] = {
    {"person_id", "人员", DJ_J_ID, 0, 0, 0, NULL},
    {NULL},
};
static const struct dj_jfield nested[] = {
    {"officers", "委员", DJ_J_ARR, 0, 0, 0, NULL, nested_item},
    {NULL},
};

static int validate(const char *text, const struct dj_jfield *spec, struct dj_jerr *e)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    assert_non_null(j);
    memset(e, 0, sizeof *e);
    int rc = dj_json_validate(j, spec, e);
    json_decref(j);
    return rc;
}

static void test_spec_scope(void **state)
{
    (void)state;
    struct dj_jerr e;
    assert_null(dj_json_spec_unscoped(good));
    assert_ptr_equal(dj_json_spec_unscoped(forgot), &forgot[0]);
    assert_ptr_equal(dj_json_spec_unscoped(untyped), &untyped[0]);
    assert_ptr_equal(dj_json_spec_unscoped(nested), &nested_item[0]);
    /* a table that forgets is refused whatever the input: the handler cannot run unchecked */
    assert_int_equal(validate("{}", forgot, &e), -1);
    assert_string_equal(e.code, "unscoped_id");
    assert_int_equal(validate("{\"org_id\":2,\"expected_person_ids\":[1,2,3],\"rule_id\":4,"
                              "\"officers\":[{\"post\":\"书记\",\"person_id\":7}]}", good, &e), 0);
    assert_int_equal(validate("{\"expected_person_ids\":[1,\"2\"]}", good, &e), -1);
    assert_string_equal(e.field, "expected_person_ids");
    assert_non_null(strstr(e.message, "第 2 项"));
    assert_int_equal(validate("{\"expected_person_ids\":[1,2,3,4]}", good, &e), -1);
    assert_string_equal(e.code, "too_long");
    assert_int_equal(validate("{\"expected_person_ids\":[0]}", good, &e), -1);
    /* an item of an array of objects is checked against its own table, reported under the array */
    assert_int_equal(validate("{\"officers\":[{\"post\":\"书记\",\"person_id\":7},{\"post\":\"委员\"}]}", good, &e), -1);
    assert_string_equal(e.field, "officers");
    assert_string_equal(e.code, "missing_field");
    assert_non_null(strstr(e.message, "第 2 项"));
    assert_int_equal(validate("{\"officers\":[3]}", good, &e), -1);
    assert_string_equal(e.code, "wrong_type");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy_client),
        cmocka_unit_test(test_throttle_delay),
        cmocka_unit_test(test_pool_priorities),
        cmocka_unit_test(test_pool_below_requests),
        cmocka_unit_test(test_spec_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
