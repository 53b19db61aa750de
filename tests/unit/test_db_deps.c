/* test_db_deps.c - which tables a statement reads or writes (db_deps.h), and
 * the read cache kept per table: a write ends the answers read from its table
 * and no other; a write by another process (a number of the write sequence
 * this process did not take) ends them all; an org's path kept the same way
 * (auth_org_path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit_db.h"
#include "../../src/core/auth.h"
#include "../../src/core/db.h"
#include "../../src/core/db_deps.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/readcache.h"

/* the number of one name */
static uint16_t id_of(const char *name)
{
    int n;
    bool all;
    uint16_t *ids = deps_parse(name, false, &n, &all);
    assert_int_equal(n, 1);
    uint16_t id = ids[0];
    free(ids);
    return id;
}

static bool has(const uint16_t *ids, int n, const char *name)
{
    uint16_t id = id_of(name);
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static void check_write(const char *sql, const char *table)
{
    int n;
    bool all;
    uint16_t *ids = deps_parse(sql, true, &n, &all);
    if (table) {
        assert_false(all);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], id_of(table));
    } else {
        assert_true(all);
    }
    free(ids);
}

static void test_parse(void **state)
{
    (void)state;
    int n;
    bool all;
    uint16_t *ids = deps_parse("SELECT p.id FROM people p JOIN orgs o ON o.id = p.org_id"
                               " WHERE p.note = 'points_ledger' AND \"Dues\".x = 1", false, &n, &all);
    assert_false(all);
    assert_true(has(ids, n, "people"));
    assert_true(has(ids, n, "orgs"));
    assert_true(has(ids, n, "dues")); /* a quoted name, lower-cased */
    assert_false(has(ids, n, "points_ledger")); /* in a string, not a name */
    free(ids);
    check_write("INSERT INTO points_ledger (a, b) VALUES ($1, 'x')", "points_ledger");
    check_write("insert or ignore into Study_Hours (a) values ($1)", "study_hours");
    check_write("UPDATE people SET name = $1 WHERE id IN (SELECT person_id FROM dues)", "people");
    check_write("DELETE FROM role_grants WHERE user_id = $1", "role_grants");
    check_write("WITH x AS (SELECT 1 AS a FROM orgs) INSERT INTO activities (a) SELECT a FROM x", "activities");
    check_write("CREATE TABLE IF NOT EXISTS t (a INTEGER)", NULL); /* schema: every answer */
    check_write("VACUUM", NULL);
}

static void test_generations(void **state)
{
    (void)state;
    int n;
    bool all;
    uint16_t *ids = deps_parse("SELECT a FROM gen_a JOIN gen_b USING (id)", false, &n, &all);
    uint64_t gen = deps_now();
    assert_true(deps_fresh(ids, n, gen));
    deps_bump(id_of("gen_c"));
    assert_true(deps_fresh(ids, n, gen));
    deps_bump(id_of("gen_b"));
    assert_false(deps_fresh(ids, n, gen));
    gen = deps_now();
    assert_true(deps_fresh(ids, n, gen));
    deps_bump_all();
    assert_false(deps_fresh(ids, n, gen));
    free(ids);
}

/* an answer read from ta, kept under key "k" */
static json_t *cached(db_conn *c, bool *hit)
{
    deps_reads_reset();
    uint64_t gen;
    json_t *v = dj_rcache_get(c, "k", &gen);
    *hit = v != NULL;
    if (v)
        return v;
    int64_t n = -1;
    assert_int_equal(db_query_i64(c, &n, "SELECT COUNT(*) FROM ta", ""), DJ_OK);
    v = json_integer(n);
    dj_rcache_put("k", v, gen);
    return v;
}

static void test_cache_per_table(void **state)
{
    (void)state;
    db_conn *c = db_open(":memory:", NULL);
    assert_int_equal(dj_migrate(c, false), DJ_OK);
    assert_int_equal(db_exec_script(c, "CREATE TABLE ta (x INTEGER); CREATE TABLE tb (x INTEGER)"), DJ_OK);
    dj_rcache_clear();
    bool hit;
    json_decref(cached(c, &hit));
    assert_false(hit);
    json_decref(cached(c, &hit));
    assert_true(hit);
    /* another table written, autocommit and in a transaction: still kept */
    assert_int_equal(db_exec(c, "INSERT INTO tb (x) VALUES (1)", ""), DJ_OK);
    assert_int_equal(db_begin(c), DJ_OK);
    assert_int_equal(db_exec(c, "INSERT INTO tb (x) VALUES (2)", ""), DJ_OK);
    assert_int_equal(db_commit(c), DJ_OK);
    json_decref(cached(c, &hit));
    assert_true(hit);
    /* its own table written: computed again, with the new row */
    assert_int_equal(db_begin(c), DJ_OK);
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (1)", ""), DJ_OK);
    assert_int_equal(db_commit(c), DJ_OK);
    json_t *v = cached(c, &hit);
    assert_false(hit);
    assert_int_equal(json_integer_value(v), 1);
    json_decref(v);
    json_decref(cached(c, &hit));
    assert_true(hit);
    /* a number of the write sequence taken by someone else: every answer ends */
    assert_int_equal(db_exec_quiet(c, "UPDATE write_seq SET n = n + 1"), DJ_OK);
    json_decref(cached(c, &hit));
    assert_false(hit);
    json_decref(cached(c, &hit));
    assert_true(hit);
    dj_rcache_clear();
    db_close(c);
}

/* A look at the write sequence that comes back with a number below the one
 * already seen is old, not another process's write: another connection looked
 * later and its answer came first (two threads under load), or the look was
 * made in a snapshot begun before that number.  Kept answers stay; a sequence
 * that goes back below what was seen before the look (a database restored)
 * still ends them all. */
static void test_stale_look(void **state)
{
    (void)state;
    char path[] = "/tmp/dj-test-deps-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    db_conn *c = db_open(path, NULL), *old = db_open(path, NULL);
    assert_non_null(c);
    assert_non_null(old);
    assert_int_equal(dj_migrate(c, false), DJ_OK);
    assert_int_equal(db_exec_script(c, "CREATE TABLE ta (x INTEGER); CREATE TABLE tb (x INTEGER)"), DJ_OK);
    dj_rcache_clear();
    bool hit;
    json_decref(cached(c, &hit));
    json_decref(cached(c, &hit));
    assert_true(hit);
    /* old reads in a snapshot; then c writes tb (a number of its own) and sees it */
    assert_int_equal(db_snapshot_begin(old), DJ_OK);
    int64_t n = 0;
    assert_int_equal(db_query_i64(old, &n, "SELECT COUNT(*) FROM tb", ""), DJ_OK);
    assert_int_equal(db_exec(c, "INSERT INTO tb (x) VALUES (1)", ""), DJ_OK);
    json_decref(cached(c, &hit));
    assert_true(hit);
    /* old's look sees the number before c's: nothing ends */
    deps_reads_reset();
    db_notice_writes(old);
    json_decref(cached(c, &hit));
    assert_true(hit);
    db_snapshot_end(old);
    /* the sequence set back below what was seen: every answer ends */
    assert_int_equal(db_exec_quiet(c, "UPDATE write_seq SET n = n - 5"), DJ_OK);
    json_decref(cached(c, &hit));
    assert_false(hit);
    json_decref(cached(c, &hit));
    assert_true(hit);
    dj_rcache_clear();
    db_close(old);
    db_close(c);
    unit_db_remove(path);
}

/* A kept text's builder: the count of ta as text, its rows beside it; fails
 * when asked to. */
struct build_arg {
    db_conn *c;
    int calls;
    bool fail;
};

static int count_text(void *arg, dj_buf *out, int64_t *aux)
{
    struct build_arg *a = arg;
    a->calls++;
    if (a->fail)
        return DJ_EDB;
    int64_t n = -1;
    assert_int_equal(db_query_i64(a->c, &n, "SELECT COUNT(*) FROM ta", ""), DJ_OK);
    dj_buf_printf(out, "{\"n\":%lld}", (long long)n);
    *aux = n + 100;
    return DJ_OK;
}

static void test_cache_text(void **state)
{
    (void)state;
    db_conn *c = db_open(":memory:", NULL);
    assert_int_equal(dj_migrate(c, false), DJ_OK);
    assert_int_equal(db_exec_script(c, "CREATE TABLE ta (x INTEGER)"), DJ_OK);
    dj_rcache_clear();
    struct build_arg a = {c, 0, true};
    dj_buf out = {0};
    int64_t aux = -1;
    /* a failed build keeps nothing */
    assert_int_equal(dj_rcache_text(c, "t", 0, count_text, &a, &out, &aux), DJ_EDB);
    a.fail = false;
    dj_buf_puts(&out, "x"); /* appended after what is there */
    assert_int_equal(dj_rcache_text(c, "t", 0, count_text, &a, &out, &aux), DJ_OK);
    assert_string_equal(dj_buf_cstr(&out), "x{\"n\":0}");
    assert_int_equal(aux, 100);
    assert_int_equal(a.calls, 2);
    /* kept: the same text and number, not built */
    out.len = 0;
    aux = -1;
    assert_int_equal(dj_rcache_text(c, "t", 0, count_text, &a, &out, &aux), DJ_OK);
    assert_string_equal(dj_buf_cstr(&out), "{\"n\":0}");
    assert_int_equal(aux, 100);
    assert_int_equal(a.calls, 2);
    /* a user's value is kept apart: the same key is another entry */
    int64_t v = -1;
    assert_int_equal(dj_rcache_user_value(c, "t", 0, count_text, &a, &v), DJ_OK);
    assert_int_equal(v, 100);
    assert_int_equal(a.calls, 3);
    assert_int_equal(dj_rcache_user_value(c, "t", 0, count_text, &a, &v), DJ_OK);
    assert_int_equal(a.calls, 3);
    /* its table written: both built again */
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (1)", ""), DJ_OK);
    out.len = 0;
    assert_int_equal(dj_rcache_text(c, "t", 0, count_text, &a, &out, &aux), DJ_OK);
    assert_string_equal(dj_buf_cstr(&out), "{\"n\":1}");
    assert_int_equal(aux, 101);
    assert_int_equal(dj_rcache_user_value(c, "t", 0, count_text, &a, &v), DJ_OK);
    assert_int_equal(v, 101);
    assert_int_equal(a.calls, 5);
    dj_buf_free(&out);
    dj_rcache_clear();
    db_close(c);
}

/* The answers that may lag: the count of ta, made from the connection given;
 * when nested is set, another request for the same answer arrives meanwhile
 * (made inside, on the same thread) and what it got is kept in seen. */
static int lag_calls;
static bool lag_nested, lag_write;
static int64_t lag_lag;
static char lag_seen[32];

static int count_make(db_conn *c, const char *key, dj_buf *out)
{
    assert_string_equal(key, "lag");
    if (lag_nested) {
        lag_nested = false;
        if (lag_write) /* a write lands while this one is being made */
            assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (7)", ""), DJ_OK);
        lag_write = false;
        dj_buf other = {0};
        assert_int_equal(dj_rcache_text_lagging(c, "lag", 0, lag_lag, count_make, &other), DJ_OK);
        snprintf(lag_seen, sizeof lag_seen, "%s", dj_buf_cstr(&other));
        dj_buf_free(&other);
    }
    lag_calls++;
    int64_t n = -1;
    if (db_query_i64(c, &n, "SELECT COUNT(*) FROM ta", "") != DJ_OK || n == 3)
        return DJ_EDB; /* the third row: a failed build */
    dj_buf_printf(out, "{\"n\":%lld}", (long long)n);
    return DJ_OK;
}

static void lagging(db_conn *c, int64_t ttl, int64_t lag, const char *want)
{
    dj_buf out = {0};
    assert_int_equal(dj_rcache_text_lagging(c, "lag", ttl, lag, count_make, &out), DJ_OK);
    assert_string_equal(dj_buf_cstr(&out), want);
    dj_buf_free(&out);
}

static void test_cache_lagging(void **state)
{
    (void)state;
    db_conn *c = db_open(":memory:", NULL);
    assert_int_equal(dj_migrate(c, false), DJ_OK);
    assert_int_equal(db_exec_script(c, "CREATE TABLE ta (x INTEGER)"), DJ_OK);
    dj_rcache_clear();
    lagging(c, 0, 60000, "{\"n\":0}");
    assert_int_equal(lag_calls, 1);
    /* written: the first request makes it again, one arriving meanwhile gets the old one */
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (1)", ""), DJ_OK);
    lag_nested = true, lag_lag = 60000;
    lagging(c, 0, 60000, "{\"n\":1}");
    assert_string_equal(lag_seen, "{\"n\":0}");
    assert_int_equal(lag_calls, 2);
    /* the new one is kept, and nobody is making it any more */
    lagging(c, 0, 60000, "{\"n\":1}");
    assert_int_equal(lag_calls, 2);
    /* older than the lag allows: the request meanwhile makes its own */
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (2)", ""), DJ_OK);
    lag_nested = true, lag_lag = 0;
    lagging(c, 0, 0, "{\"n\":2}");
    assert_string_equal(lag_seen, "{\"n\":2}");
    assert_int_equal(lag_calls, 4);
    /* only its time up (kept for 1 ms, nothing written): served as it was, made again by a
     * worker of the pool (not running here: the next request tries again) */
    dj_rcache_clear();
    lagging(c, 1, 60000, "{\"n\":2}");
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
    lagging(c, 1, 60000, "{\"n\":2}");
    assert_int_equal(lag_calls, 5);
    /* written since: made by the request; a failed make keeps nothing, the next request makes it */
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (4)", ""), DJ_OK); /* n = 3: fails */
    dj_buf out = {0};
    assert_int_equal(dj_rcache_text_lagging(c, "lag", 1, 60000, count_make, &out), DJ_EDB);
    assert_int_equal(lag_calls, 6);
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (5)", ""), DJ_OK);
    lagging(c, 1, 60000, "{\"n\":4}");
    assert_int_equal(lag_calls, 7);
    /* a write lands while it is being made from what was read before: one arriving then
     * makes its own, with the write, rather than wait for one that will be old too */
    assert_int_equal(db_exec(c, "INSERT INTO ta (x) VALUES (6)", ""), DJ_OK);
    lag_nested = true, lag_write = true, lag_lag = 60000;
    lagging(c, 0, 60000, "{\"n\":6}");
    assert_string_equal(lag_seen, "{\"n\":6}");
    assert_int_equal(lag_calls, 9);
    dj_buf_free(&out);
    dj_rcache_clear();
    db_close(c);
}

static void assert_path(db_conn *c, int64_t id, const char *want)
{
    char *path = NULL;
    assert_int_equal(auth_org_path(c, id, &path), DJ_OK);
    assert_string_equal(path, want);
    free(path);
}

static void test_org_paths(void **state)
{
    (void)state;
    db_conn *c = db_open(":memory:", NULL);
    assert_int_equal(dj_migrate(c, false), DJ_OK);
    assert_int_equal(db_exec(c, "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at)"
                                " SELECT column1, column2, column3, column4, column5, '2026-01-01', '2026-01-01' FROM (VALUES"
                                " (91, NULL, 'committee', '机关党委', '/91/'), (92, 91, 'branch', '第一支部', '/91/92/'),"
                                " (93, 91, 'branch', '第二支部', '/91/93/'))",
                             ""),
                     DJ_OK);
    assert_path(c, 92, "/91/92/");
    assert_path(c, 92, "/91/92/"); /* kept */
    /* a path used counts as a read of orgs: an answer kept after it ends when orgs is written */
    deps_reads_reset();
    assert_path(c, 92, "/91/92/");
    int n;
    uint16_t *reads = deps_reads_take(&n);
    assert_true(has(reads, n, "orgs"));
    free(reads);
    /* the branch moved under the second: the new path at once */
    assert_int_equal(db_exec(c, "UPDATE orgs SET parent_id = 93, path = '/91/93/92/' WHERE id = 92", ""), DJ_OK);
    assert_path(c, 92, "/91/93/92/");
    /* inside a transaction that moves it: the transaction's path; rolled back: the old one */
    assert_int_equal(db_begin(c), DJ_OK);
    assert_int_equal(db_exec(c, "UPDATE orgs SET parent_id = 91, path = '/91/92/' WHERE id = 92", ""), DJ_OK);
    assert_path(c, 92, "/91/92/");
    assert_int_equal(db_rollback(c), DJ_OK);
    assert_path(c, 92, "/91/93/92/");
    /* a number of the write sequence taken by another process: read again */
    assert_int_equal(db_exec_quiet(c, "UPDATE write_seq SET n = n + 1"), DJ_OK);
    assert_path(c, 92, "/91/93/92/");
    /* no such org */
    char *path = NULL;
    assert_int_equal(auth_org_path(c, 94, &path), DJ_ENOTFOUND);
    assert_null(path);
    db_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_generations),
        cmocka_unit_test(test_cache_per_table),
        cmocka_unit_test(test_stale_look),
        cmocka_unit_test(test_cache_text),
        cmocka_unit_test(test_cache_lagging),
        cmocka_unit_test(test_org_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
