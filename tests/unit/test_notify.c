/* test_notify.c - the outbox's rules: backoff, quiet hours, idempotent writes
 * (one message per recipient and key, one delivery per channel), claims that
 * one worker wins, retries and the sealing of channel secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/notify.h"
#include "../../src/core/timeutil.h"

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(dj_notify_backoff(30, 1), 30);
    assert_int_equal(dj_notify_backoff(30, 2), 60);
    assert_int_equal(dj_notify_backoff(30, 3), 120);
    assert_int_equal(dj_notify_backoff(30, 8), 3600); /* 30 * 128 capped at one hour */
    assert_int_equal(dj_notify_backoff(30, 1000), 3600);
    assert_int_equal(dj_notify_backoff(0, 1), 1);
    assert_int_equal(dj_notify_backoff(1, 0), 1);
}

static int64_t sh(const char *s)
{
    int64_t t = 0;
    assert_int_equal(dj_time_parse(s, &t), 0);
    return t;
}

static void test_quiet_hours(void **state)
{
    (void)state;
    /* 22:00-07:00 spans midnight */
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-05T23:30:00+08:00"), 22, 7), sh("2026-12-06T07:00:00+08:00"));
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-05T22:00:00+08:00"), 22, 7), sh("2026-12-06T07:00:00+08:00"));
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T03:10:00+08:00"), 22, 7), sh("2026-12-06T07:00:00+08:00"));
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T07:00:00+08:00"), 22, 7), 0);
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T21:59:59+08:00"), 22, 7), 0);
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T12:00:00+08:00"), 22, 7), 0);
    /* across a year's end, in Shanghai time whatever UTC says */
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-31T15:30:00Z"), 22, 7), sh("2027-01-01T07:00:00+08:00"));
    /* a window inside the day */
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T12:30:00+08:00"), 12, 14), sh("2026-12-06T14:00:00+08:00"));
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T14:00:00+08:00"), 12, 14), 0);
    /* none */
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T03:00:00+08:00"), 0, 0), 0);
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T03:00:00+08:00"), 22, 22), 0);
    assert_int_equal(dj_notify_quiet_until(sh("2026-12-06T03:00:00+08:00"), -1, 7), 0);
}

/* ---------------------------------------------------------------- with a database */

static db_conn *db;
static int sends, fail_next;

static bool fake_enabled(db_conn *c) { (void)c; return true; }
static enum dj_send_result fake_send(db_conn *c, const struct dj_outbox_msg *m, char *err, size_t n)
{
    (void)c;
    (void)m;
    if (fail_next > 0) {
        fail_next--;
        snprintf(err, n, "busy");
        return DJ_SEND_RETRY;
    }
    sends++;
    return DJ_SEND_OK;
}
static const struct dj_notify_channel fake = {"fake", fake_enabled, "1=1", fake_send};

static int setup(void **state)
{
    (void)state;
    db = db_open(":memory:", NULL);
    if (!db || dj_migrate(db, false) != DJ_OK)
        return -1;
    db_exec_script(db, "INSERT INTO people (id, name, created_at, updated_at) VALUES (1, '甲', 'x', 'x'), (2, '乙', 'x', 'x'),"
                       " (3, '丙', 'x', 'x');"
                       "INSERT INTO users (id, login, name, password_hash, person_id, created_at, disabled) VALUES"
                       " (10, 'a', '甲', 'h', 1, 'x', 0), (11, 'b', '乙', 'h', 2, 'x', 0), (12, 'c', '丙', 'h', 3, 'x', 1);"
                       "UPDATE settings SET value = '0' WHERE key IN ('notify.quiet_start_hour', 'notify.quiet_end_hour');");
    dj_notify_channel_add(&fake);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dj_notify_clear();
    db_close(db);
    return 0;
}

static int64_t count(const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, ""), DJ_OK);
    return n;
}

static void test_idempotent_write_and_delivery(void **state)
{
    (void)state;
    struct dj_notice n = {.event = "thing.done", .key = "thing:1:done", .title = "标题", .body = "内容",
                          .link_type = "thing", .link_id = 1};
    const char *everyone = "SELECT id FROM people WHERE id <= $1";
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(dj_notify_people(db, &n, everyone, 3), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    /* the disabled account is skipped */
    assert_int_equal(count("SELECT COUNT(*) FROM notifications"), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM notify_outbox WHERE status = 'pending'"), 2);
    /* the same event again (a retry, another server's scan): nothing new */
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(dj_notify_people(db, &n, everyone, 3), DJ_OK);
    assert_int_equal(dj_notify_person(db, &n, 1), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM notifications"), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM notify_outbox"), 2);
    /* a rolled-back event leaves nothing */
    struct dj_notice other = n;
    other.key = "thing:2:done";
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(dj_notify_person(db, &other, 1), DJ_OK);
    assert_int_equal(db_rollback(db), DJ_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM notifications"), 2);

    /* the first send fails: retried later (backoff), then sent once; a second round sends nothing */
    int sent, retried;
    fail_next = 1;
    sends = 0;
    assert_int_equal(dj_notify_run_once(db, "w1", &sent, &retried), DJ_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(retried, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM notify_outbox WHERE status = 'pending' AND attempts = 1"
                           " AND last_error = 'busy'"),
                     1);
    assert_int_equal(dj_notify_run_once(db, "w2", &sent, &retried), DJ_OK);
    assert_int_equal(sent, 0); /* not due yet: the backoff */
    dj_time_set_offset(31);
    assert_int_equal(dj_notify_run_once(db, "w2", &sent, &retried), DJ_OK);
    dj_time_set_offset(0);
    assert_int_equal(sent, 1);
    assert_int_equal(sends, 2);
    assert_int_equal(count("SELECT COUNT(*) FROM notify_outbox WHERE status = 'sent'"), 2);
    dj_time_set_offset(4000);
    assert_int_equal(dj_notify_run_once(db, "w3", &sent, &retried), DJ_OK);
    dj_time_set_offset(0);
    assert_int_equal(sent, 0);
    assert_int_equal(sends, 2);
}

static void test_quiet_hours_hold_and_urgent(void **state)
{
    (void)state;
    db_exec_script(db, "UPDATE settings SET value = '0' WHERE key = 'notify.quiet_start_hour';"
                       "UPDATE settings SET value = '23' WHERE key = 'notify.quiet_end_hour';");
    /* quiet from 00:00 to 23:00, and the clock at noon */
    dj_time_set_offset(0);
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int64_t day = dj_local_midnight(y, m, d);
    dj_time_set_offset(day + 12 * 3600 - dj_now()); /* noon */
    struct dj_notice calm = {.event = "e", .key = "calm", .title = "t", .body = "b"};
    struct dj_notice hot = {.event = "e", .key = "hot", .title = "t", .body = "b", .urgent = true};
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(dj_notify_person(db, &calm, 1), DJ_OK);
    assert_int_equal(dj_notify_person(db, &hot, 1), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    int sent, retried;
    sends = 0;
    assert_int_equal(dj_notify_run_once(db, "w", &sent, &retried), DJ_OK);
    assert_int_equal(sent, 1); /* the urgent one */
    int64_t next = 0;
    assert_int_equal(db_query_i64(db, &next,
                                  "SELECT o.next_at FROM notify_outbox o JOIN notifications n ON n.id = o.notification_id"
                                  " WHERE n.dedup_key = 'calm'",
                                  ""),
                     DJ_OK);
    assert_int_equal(next, day + 23 * 3600);
    db_exec_script(db, "UPDATE settings SET value = '0' WHERE key IN ('notify.quiet_start_hour', 'notify.quiet_end_hour');");
    dj_time_set_offset(0); /* the offset is from the real clock: take the noon one off first */
    dj_time_set_offset(day + 23 * 3600 + 1 - dj_now()); /* just after the quiet hours */
    assert_int_equal(dj_notify_run_once(db, "w", &sent, &retried), DJ_OK);
    dj_time_set_offset(0);
    assert_int_equal(sent, 1);
}

static void test_seal(void **state)
{
    (void)state;
    assert_null(dj_notify_seal("secret")); /* no key: nothing sealed */
    unsigned char key[32];
    memset(key, 7, sizeof key);
    dj_notify_key_set(key);
    char *a = dj_notify_seal("S3cret"), *b = dj_notify_seal("S3cret");
    assert_non_null(a);
    assert_string_not_equal(a, b); /* a fresh nonce each time */
    assert_null(strstr(a, "S3cret"));
    char *o = dj_notify_open(a);
    assert_string_equal(o, "S3cret");
    a[5] = a[5] == 'A' ? 'B' : 'A';
    assert_null(dj_notify_open(a)); /* tampered */
    memset(key, 8, sizeof key);
    dj_notify_key_set(key);
    assert_null(dj_notify_open(b)); /* another key */
    dj_notify_key_set(NULL);
    free(a);
    free(b);
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_quiet_hours),
        cmocka_unit_test(test_seal),
        cmocka_unit_test_setup_teardown(test_idempotent_write_and_delivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quiet_hours_hold_and_urgent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
