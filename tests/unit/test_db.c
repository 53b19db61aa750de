/* test_db.c - the SQLite driver behind the one database API: $N binding,
 * the statement cache, row conversion, constraint mapping, transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/settings.h"

static db_conn *db;

static int setup(void **state)
{
    (void)state;
    db = db_open(":memory:", NULL);
    if (!db)
        return -1;
    return db_exec_script(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER, x REAL,"
                              " meta TEXT, flag INTEGER)");
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static void test_placeholders_by_number(void **state)
{
    (void)state;
    /* $2 appears before $1: binding is by number, not by position */
    assert_int_equal(db_exec(db, "INSERT INTO t (n, name) VALUES ($2, $1)", "ti", "甲", (int64_t)7), DJ_OK);
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT n FROM t WHERE name = $1", "t", "甲"), DJ_OK);
    assert_int_equal(n, 7);
    assert_int_equal(db_query_i64(db, &n, "SELECT n FROM t WHERE name = $1", "t", "乙"), DJ_ENOTFOUND);
    /* a '$' in a string, an identifier or a comment is text, not a placeholder; a
     * placeholder may come twice; a value the statement does not use is no error */
    char *text = NULL;
    assert_int_equal(db_query_text(db, &text,
                                   "SELECT '$1''$2' || json_extract('{\"$1\":\"x\"}', '$.\"$1\"') || $2 /* $1 */"
                                   " || $2 -- $3 '\n AS \"$1 col\"",
                                   "tti", "unused", "乙", (int64_t)9),
                     DJ_OK);
    assert_string_equal(text, "$1'$2x乙乙");
    free(text);
}

static void test_constraint_is_conflict(void **state)
{
    (void)state;
    assert_int_equal(db_exec(db, "INSERT INTO t (name) VALUES ($1)", "t", "重复"), DJ_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (name) VALUES ($1)", "t", "重复"), DJ_ECONFLICT);
}

static void test_rows_as_json(void **state)
{
    (void)state;
    json_t *meta = json_pack("{s:i}", "k", 1);
    assert_int_equal(db_exec(db, "INSERT INTO t (name, n, x, meta, flag) VALUES ($1, $2, $3, $4, $5)", "tidjb",
                             "丙", (int64_t)3, 2.5, meta, 1), DJ_OK);
    json_decref(meta);
    int err = -1;
    json_t *row = db_query_row(db, &err, "SELECT name, n, x, meta AS meta__json, flag AS flag__bool, NULL AS z"
                                         " FROM t WHERE name = $1", "t", "丙");
    assert_non_null(row);
    assert_int_equal(err, DJ_OK);
    assert_string_equal(json_string_value(json_object_get(row, "name")), "丙");
    assert_int_equal(json_integer_value(json_object_get(row, "n")), 3);
    assert_true(json_real_value(json_object_get(row, "x")) == 2.5);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(row, "meta"), "k")), 1);
    assert_true(json_is_true(json_object_get(row, "flag")));
    assert_true(json_is_null(json_object_get(row, "z")));
    json_decref(row);
    row = db_query_row(db, &err, "SELECT name FROM t WHERE name = $1", "t", "无");
    assert_null(row);
    assert_int_equal(err, DJ_ENOTFOUND);
}

static void test_rollback_keeps_nothing(void **state)
{
    (void)state;
    int64_t before = 0, after = 0;
    db_query_i64(db, &before, "SELECT COUNT(*) FROM t", "");
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (name) VALUES ($1)", "t", "回滚"), DJ_OK);
    assert_int_equal(db_rollback(db), DJ_OK);
    db_query_i64(db, &after, "SELECT COUNT(*) FROM t", "");
    assert_int_equal(before, after);
}

/* A snapshot's reads see one moment; a write on the same connection ends it
 * first, so the write neither fails on the old snapshot nor stays uncommitted. */
static void test_snapshot(void **state)
{
    (void)state;
    char dir[] = "/tmp/dj-snap-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_conn *a = db_open(path, NULL), *b = db_open(path, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(db_exec_script(a, "CREATE TABLE s (n INTEGER); INSERT INTO s VALUES (1)"), DJ_OK);
    int64_t n = 0;
    uint64_t gen = db_write_gen();
    assert_int_equal(db_snapshot_begin(a), DJ_OK);
    assert_int_equal(db_query_i64(a, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(n, 1);
    assert_int_equal(db_exec(b, "INSERT INTO s VALUES (2)", ""), DJ_OK);
    assert_true(db_write_gen() > gen);
    assert_int_equal(db_read_gen(a), gen); /* what a reads is as old as its start */
    assert_int_equal(db_query_i64(a, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(n, 1);
    /* a write on a: the snapshot ends first, the write commits */
    assert_int_equal(db_exec(a, "INSERT INTO s VALUES (3)", ""), DJ_OK);
    assert_int_equal(db_query_i64(b, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(n, 3);
    assert_int_equal(db_read_gen(a), db_write_gen());
    /* a transaction begun in a snapshot: the same */
    assert_int_equal(db_snapshot_begin(a), DJ_OK);
    assert_int_equal(db_query_i64(a, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(db_exec(b, "INSERT INTO s VALUES (4)", ""), DJ_OK);
    assert_int_equal(db_begin(a), DJ_OK);
    assert_int_equal(db_exec(a, "INSERT INTO s VALUES (5)", ""), DJ_OK);
    assert_int_equal(db_commit(a), DJ_OK);
    assert_int_equal(db_query_i64(b, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(n, 5);
    /* ended by hand: new reads see b's writes */
    assert_int_equal(db_snapshot_begin(a), DJ_OK);
    assert_int_equal(db_query_i64(a, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(db_exec(b, "INSERT INTO s VALUES (6)", ""), DJ_OK);
    db_snapshot_end(a);
    assert_int_equal(db_query_i64(a, &n, "SELECT COUNT(*) FROM s", ""), DJ_OK);
    assert_int_equal(n, 6);
    db_close(a);
    db_close(b);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_cache_returns_same_statement(void **state)
{
    (void)state;
    static const char sql[] = "SELECT COUNT(*) FROM t WHERE n > $1";
    db_stmt *a = db_prep(db, sql);
    db_done(a);
    db_stmt *b = db_prep(db, sql);
    assert_ptr_equal(a, b);
    db_done(b);
    assert_null(db_prep(db, "SELECT nonsense FROM nowhere"));
}

static void test_migrations_and_settings(void **state)
{
    (void)state;
    db_conn *c = db_open(":memory:", NULL);
    assert_int_equal(dj_migrate(c, false), DJ_OK);
    assert_int_equal(dj_migrate(c, false), DJ_OK); /* idempotent */
    int64_t n = 0;
    db_query_i64(c, &n, "SELECT COUNT(*) FROM schema_migrations", "");
    assert_int_equal(n, (int64_t)dj_nmigrations);
    assert_int_equal(dj_setting_int(c, "security.lockout_threshold", 99), 5);
    assert_int_equal(dj_setting_int(c, "no.such.key", 42), 42);
    assert_int_equal(dj_setting_set(c, "no.such.key", "43"), DJ_OK);
    assert_int_equal(dj_setting_int(c, "no.such.key", 42), 43);
    char *s = dj_setting_text(c, "agency.name", "x");
    assert_string_equal(s, "机关党委");
    free(s);
    db_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders_by_number),
        cmocka_unit_test(test_constraint_is_conflict),
        cmocka_unit_test(test_rows_as_json),
        cmocka_unit_test(test_rollback_keeps_nothing),
        cmocka_unit_test(test_cache_returns_same_statement),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_migrations_and_settings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
