/* pgtest_db.c - the PostgreSQL driver's answers inside a transaction in which a
 * statement has failed. Needs a server: DJ_PG ("SOCKET-DIR-OR-HOST:PORT", as
 * tests/with-pg sets it); tests/run runs it on PostgreSQL's pass:
 *   tests/with-pg build-asan/tests/unit/pgtest_db */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/core/db.h"
#include "../../src/core/err.h"

static db_conn *db;
static char server[512];
static char db_url[600];

/* A statement failing with the given SQLSTATE, as the server would raise it. */
static int fail_with(const char *sqlstate)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '%s'; END $$", sqlstate);
    return db_exec(db, sql, "");
}

static int setup(void **state)
{
    (void)state;
    const char *pg = getenv("DJ_PG");
    if (!pg || !strchr(pg, ':'))
        return -1;
    char host[400];
    snprintf(host, sizeof host, "%.*s", (int)(strchr(pg, ':') - pg), pg);
    const char *port = strchr(pg, ':') + 1;
    snprintf(server, sizeof server, "postgresql://dj@/%%s?host=%s&port=%s", host, port);
    char url[600], sql[80];
    snprintf(url, sizeof url, server, "postgres");
    db_conn *admin = db_open(url, NULL);
    if (!admin)
        return -1;
    snprintf(sql, sizeof sql, "CREATE DATABASE dj_unit_%d", (int)getpid());
    int rc = db_exec_script(admin, sql);
    db_close(admin);
    if (rc)
        return -1;
    snprintf(sql, sizeof sql, "dj_unit_%d", (int)getpid());
    snprintf(url, sizeof url, server, sql);
    snprintf(db_url, sizeof db_url, "%s", url);
    db = db_open(url, NULL);
    if (!db)
        return -1;
    return db_exec_script(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE)");
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    char url[600], sql[80];
    snprintf(url, sizeof url, server, "postgres");
    db_conn *admin = db_open(url, NULL);
    if (admin) {
        snprintf(sql, sizeof sql, "DROP DATABASE dj_unit_%d", (int)getpid());
        db_exec_script(admin, sql);
        db_close(admin);
    }
    return 0;
}

/* A serialization failure whose caller let it pass (a read that meant "none"):
 * the statements after it are refused by the server as "transaction aborted";
 * the driver says "busy" for them, as for the first, so the request answers 503
 * (try again), not 500, and COMMIT writes nothing. */
static void test_busy_stays_busy(void **state)
{
    (void)state;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(fail_with("40001"), DJ_EBUSY);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (1, 'a')", ""), DJ_EBUSY);
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT COUNT(*) FROM t", ""), DJ_EBUSY);
    assert_int_equal(db_commit(db), DJ_EBUSY);
    assert_int_equal(db_query_i64(db, &n, "SELECT COUNT(*) FROM t", ""), DJ_OK);
    assert_int_equal(n, 0);
}

/* A deadlock, likewise. */
static void test_deadlock_stays_busy(void **state)
{
    (void)state;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(fail_with("40P01"), DJ_EBUSY);
    assert_int_equal(db_exec(db, "UPDATE t SET name = 'b'", ""), DJ_EBUSY);
    db_rollback(db);
}

/* A real fault stays a fault; a duplicate stays a conflict. */
static void test_fault_and_conflict_keep_their_kind(void **state)
{
    (void)state;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(db_exec(db, "SELECT 1 / 0", ""), DJ_EDB);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (2, 'c')", ""), DJ_EDB);
    db_rollback(db);

    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (3, 'd')", ""), DJ_OK);
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (4, 'd')", ""), DJ_ECONFLICT);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (5, 'e')", ""), DJ_ECONFLICT);
    db_rollback(db);
}

/* What one transaction's failure was is forgotten at its end: the next one's
 * statements are answered for what they are. */
static void test_next_transaction_starts_clean(void **state)
{
    (void)state;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(fail_with("40001"), DJ_EBUSY);
    db_rollback(db);
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(db_exec(db, "SELECT 1 / 0", ""), DJ_EDB);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (6, 'f')", ""), DJ_EDB);
    db_rollback(db);
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (7, 'g')", ""), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT COUNT(*) FROM t WHERE id = 7", ""), DJ_OK);
    assert_int_equal(n, 1);
}

/* ---------------------------------------------------------------- prefetch */

static const char q_name[] = "SELECT name FROM t WHERE id = $1";
static const char q_count[] = "SELECT COUNT(*) FROM t WHERE id >= $1";
static const char q_div[] = "SELECT 10 / ($1 - 1)";

/* The text of the first column of q's first row with $1 = id (into out). */
static int read_text(const char *q, int64_t id, char *out, size_t n)
{
    db_stmt *s = db_prep(db, q);
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", id);
    int rc = db_step(s);
    snprintf(out, n, "%s", rc == DB_ROW && db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_done(s);
    return rc == DB_ROW ? DJ_OK : rc < 0 ? rc : DJ_ENOTFOUND;
}

/* Statements sent ahead in one pipeline answer the reads with the same SQL and
 * parameters (as they were when sent: another connection's later write is not
 * seen, which proves no second run); a read with other parameters runs itself;
 * a result is taken once; a write of this connection, db_prefetch_drop() and a
 * statement that fails in the pipeline leave the reads to run themselves. */
static void test_prefetch(void **state)
{
    (void)state;
    db_conn *other = db_open(db_url, NULL);
    assert_non_null(other);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (100, 'p1')", ""), DJ_OK);
    char v[64];

    db_prefetch(db, q_name, "i", (int64_t)100);
    db_prefetch(db, q_count, "i", (int64_t)100);
    db_prefetch_send(db);
    assert_int_equal(db_exec(other, "UPDATE t SET name = 'p2' WHERE id = 100", ""), DJ_OK);
    assert_int_equal(read_text(q_name, 100, v, sizeof v), DJ_OK);
    assert_string_equal(v, "p1"); /* the result sent ahead */
    assert_int_equal(read_text(q_name, 100, v, sizeof v), DJ_OK);
    assert_string_equal(v, "p2"); /* taken once: this one ran */
    assert_int_equal(read_text(q_count, 101, v, sizeof v), DJ_OK);
    assert_string_equal(v, "0"); /* other parameters: ran */
    db_prefetch_drop(db);

    /* a write on this connection drops what was read ahead */
    db_prefetch(db, q_count, "i", (int64_t)100);
    db_prefetch(db, q_name, "i", (int64_t)100);
    db_prefetch_send(db);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, name) VALUES (101, 'p3')", ""), DJ_OK);
    assert_int_equal(read_text(q_count, 100, v, sizeof v), DJ_OK);
    assert_string_equal(v, "2");

    /* dropped: the next read runs */
    db_prefetch(db, q_name, "i", (int64_t)101);
    db_prefetch(db, q_count, "i", (int64_t)100);
    db_prefetch_send(db);
    assert_int_equal(db_exec(other, "UPDATE t SET name = 'p4' WHERE id = 101", ""), DJ_OK);
    db_prefetch_drop(db);
    assert_int_equal(read_text(q_name, 101, v, sizeof v), DJ_OK);
    assert_string_equal(v, "p4");

    /* a statement failing in the pipeline: it fails when read, and the ones after it run */
    db_prefetch(db, q_div, "i", (int64_t)1);
    db_prefetch(db, q_name, "i", (int64_t)100);
    db_prefetch_send(db);
    assert_int_equal(read_text(q_div, 1, v, sizeof v), DJ_EDB);
    assert_int_equal(read_text(q_name, 100, v, sizeof v), DJ_OK);
    assert_string_equal(v, "p2");
    assert_int_equal(read_text(q_div, 3, v, sizeof v), DJ_OK);
    assert_string_equal(v, "5");
    db_prefetch_drop(db);
    db_close(other);
}

/* A test that failed half-way leaves no transaction open for the next. */
static int end_tx(void **state)
{
    (void)state;
    db_rollback(db);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_busy_stays_busy, end_tx),
        cmocka_unit_test_teardown(test_deadlock_stays_busy, end_tx),
        cmocka_unit_test_teardown(test_fault_and_conflict_keep_their_kind, end_tx),
        cmocka_unit_test_teardown(test_next_transaction_starts_clean, end_tx),
        cmocka_unit_test_teardown(test_prefetch, end_tx),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
