/* test_study.c - the rules of 学习园地: what a heartbeat earns (idle, hidden, asleep:
 * nothing), the per-material cap, seconds into 学时, the bigram terms and queries, the
 * rich-text allow-list, quiz answers; and, on a database, a member reading several
 * materials in one day: each finished once, the points rule's daily cap applied, a
 * retried beat counting nothing; and quiz answers whose points follow their commit:
 * a marker written with the answer, the awards given once by the awarder, however often
 * it runs, once per quiz and under the daily cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit_db.h"
#include "../../src/core/db.h"
#include "../../src/core/err.h"
#include "../../src/core/migrate.h"
#include "../../src/core/timeutil.h"
#include "../../src/study/study_int.h"

static void test_beat_credit(void **state)
{
    (void)state;
    int64_t t = 1800000000;
    /* the first beat starts the clock */
    assert_int_equal(study_beat_credit(0, t, true, true, STUDY_BEAT_MAX_GAP), 0);
    /* visible and active: the time since the last beat */
    assert_int_equal(study_beat_credit(t - 15, t, true, true, STUDY_BEAT_MAX_GAP), 15);
    /* idle, or the page hidden: nothing */
    assert_int_equal(study_beat_credit(t - 15, t, true, false, STUDY_BEAT_MAX_GAP), 0);
    assert_int_equal(study_beat_credit(t - 15, t, false, true, STUDY_BEAT_MAX_GAP), 0);
    /* the screen was off (no beats for ten minutes): nothing, not ten minutes */
    assert_int_equal(study_beat_credit(t - 600, t, true, true, STUDY_BEAT_MAX_GAP), 0);
    assert_int_equal(study_beat_credit(t - STUDY_BEAT_MAX_GAP, t, true, true, STUDY_BEAT_MAX_GAP), STUDY_BEAT_MAX_GAP);
    /* a clock that went backwards */
    assert_int_equal(study_beat_credit(t + 5, t, true, true, STUDY_BEAT_MAX_GAP), 0);
}

static void test_cap_and_hours(void **state)
{
    (void)state;
    assert_int_equal(study_cap_credit(0, 15, 300), 15);
    assert_int_equal(study_cap_credit(290, 15, 300), 10);
    assert_int_equal(study_cap_credit(300, 15, 300), 0);
    assert_int_equal(study_cap_credit(310, 15, 300), 0);
    /* 45 minutes make a 学时, rounded down to the tenth */
    assert_int_equal(study_hours_tenths(45 * 60, 45, 0), 10);
    assert_int_equal(study_hours_tenths(45 * 60 - 1, 45, 0), 9);
    assert_int_equal(study_hours_tenths(90 * 60 + 269, 45, 0), 20);
    assert_int_equal(study_hours_tenths(90 * 60 + 270, 45, 0), 21);
    /* the committee's yearly limit on online 学时 */
    assert_int_equal(study_hours_tenths(100 * 3600, 45, 160), 160);
    assert_int_equal(study_hours_tenths(-5, 45, 0), 0);
    assert_int_equal(study_article_seconds(100), 60);
    assert_int_equal(study_article_seconds(4000), 600);
}

static void test_terms_and_query(void **state)
{
    (void)state;
    char *t = study_terms("学习强国，Party 2026！党");
    assert_string_equal(t, "学习 习强 强国 party 2026 党");
    free(t);
    const char *why = NULL;
    char *q = study_query("从严治党 ABC", &why);
    assert_string_equal(q, "\"从严 严治 治党\" \"abc\"");
    free(q);
    q = study_query("党", &why);
    assert_null(q);
    assert_string_equal(why, "中文请至少输入两个字");
    q = study_query("\"'*:(", &why); /* only punctuation: nothing reaches FTS syntax */
    assert_null(q);
}

static void test_html_clean(void **state)
{
    (void)state;
    char *h = study_html_clean("<P class=\"x\" onclick=\"evil()\">甲 &amp; 乙 & 丙</P><script>alert('x')</script>"
                               "<img src=x onerror=alert(1)><a href=\"javascript:x\">链接</a><br/><ul><li>一</li></ul>"
                               "<!-- note --><style>p{}</style>a<b");
    assert_string_equal(h, "<p>甲 &amp; 乙 &amp; 丙</p>链接<br><ul><li>一</li></ul>a&lt;b");
    free(h);
    char *t = study_html_text("<p>全面从严治党</p><p>永远在路上</p>");
    assert_string_equal(t, " 全面从严治党  永远在路上 ");
    free(t);
}

static void test_answers(void **state)
{
    (void)state;
    const char *why = NULL;
    char *a = study_answer_norm("multi", "c, a", 4, &why);
    assert_string_equal(a, "AC");
    free(a);
    a = study_answer_norm("judge", "对", 2, &why);
    assert_string_equal(a, "T");
    free(a);
    assert_null(study_answer_norm("single", "AB", 4, &why));
    assert_null(study_answer_norm("single", "E", 4, &why));
    assert_null(study_answer_norm("judge", "也许", 2, &why));
    assert_int_equal(study_score_percent(2, 3), 67);
    assert_int_equal(study_score_percent(1, 3), 33);
    assert_int_equal(study_score_percent(0, 0), 0);
}

static void test_questions_csv(void **state)
{
    (void)state;
    const char *csv = "\xEF\xBB\xBF题型,题干,选项A,选项B,选项C,选项D,答案,解析\r\n"
                      "单选,党的最高理想是,实现共产主义,发展经济,,,a,党章总纲\r\n"
                      "多选,\"“四个意识”包括\",政治意识,大局意识,核心意识,看齐意识,ABCD,\r\n"
                      ",,,,,,,\r\n"
                      "判断,党员每年集中学习不少于32学时,,,,,对,\r\n";
    json_t *out = json_array();
    char why[200] = "";
    assert_int_equal(study_questions_from_csv(csv, strlen(csv), out, why, sizeof why), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "answer")), "A");
    assert_int_equal(json_array_size(json_object_get(json_array_get(out, 0), "options")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 1), "stem")), "“四个意识”包括");
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 2), "answer")), "对");
    assert_null(json_object_get(json_array_get(out, 2), "options"));
    json_decref(out);
    /* a bad row is named by its line */
    const char *bad = "题型,题干,选项A,选项B,答案\n单选,甲,一,二,A\n单选,乙,一,二,C\n";
    out = json_array();
    assert_int_equal(study_questions_from_csv(bad, strlen(bad), out, why, sizeof why), -1);
    assert_non_null(strstr(why, "第 3 行"));
    json_decref(out);
    const char *nohead = "题干,答案\n甲,A\n";
    out = json_array();
    assert_int_equal(study_questions_from_csv(nohead, strlen(nohead), out, why, sizeof why), -1);
    assert_string_equal(why, "第一行缺少列名“题型”");
    json_decref(out);
}

/* ---------- on a database: the daily points cap through the real award path ---------- */

static db_conn *db;
static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/dj-test-study-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    db = db_open(path, NULL);
    if (!db || dj_migrate(db, false) != DJ_OK)
        return -1;
    return db_exec_script(db,
                          "INSERT INTO orgs (id, parent_id, kind, name, path, created_at, updated_at) VALUES"
                          " (1, NULL, 'committee', '机关党委', '/1/', 'x', 'x');"
                          "INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES"
                          " (1, '甲', 1, 'full', 'x', 'x');");
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    unit_db_remove(path);
    return 0;
}

static void test_daily_points_cap(void **state)
{
    (void)state;
    /* seven published two-minute materials */
    for (int i = 1; i <= 7; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO study_materials (id, column_id, org_id, kind, title, length_seconds, state, created_at,"
                 " updated_at) VALUES (%d, 1, 1, 'video', '视频%d', 30, 'published', 'x', 'x');", i, i);
        assert_int_equal(db_exec_script(db, sql), DJ_OK);
    }
    int64_t t = dj_local_midnight(2026, 12, 3) + 9 * 3600;
    int64_t points = 0;
    for (int i = 1; i <= 7; i++) {
        struct study_beat b = {1, i, "session-unit-1", 1, true, true};
        struct study_beat_result res;
        char notice[200] = "";
        for (int k = 0; k < 4; k++, b.seq++, t += 15) {
            assert_int_equal(db_begin(db), DJ_OK);
            assert_int_equal(study_beat_record(db, &b, t, &res), DJ_OK);
            assert_int_equal(db_commit(db), DJ_OK);
            points += res.points;
            if (res.finished_now)
                snprintf(notice, sizeof notice, "%s", res.notice);
        }
        assert_true(res.finished);
        assert_int_equal(res.seconds, 30); /* 45 s of beats, capped at the length */
        if (i >= 6)
            assert_string_equal(notice, "本日学习积分已达上限");
        /* the last beat again (a retry): nothing more */
        b.seq--;
        assert_int_equal(db_begin(db), DJ_OK);
        assert_int_equal(study_beat_record(db, &b, t + 10, &res), DJ_OK);
        assert_int_equal(db_commit(db), DJ_OK);
        assert_true(res.replay);
        assert_int_equal(res.credited, 0);
    }
    /* the catalogue's rule: 1 point a material, 5 a day */
    assert_int_equal(points, 5);
    int64_t n = 0;
    assert_int_equal(db_query_i64(db, &n, "SELECT SUM(delta) FROM points_ledger WHERE person_id = 1", ""), DJ_OK);
    assert_int_equal(n, 5);
    assert_int_equal(db_query_i64(db, &n, "SELECT SUM(seconds) FROM study_time WHERE person_id = 1", ""), DJ_OK);
    assert_int_equal(n, 7 * 30);
    /* the next day the cap starts again */
    struct study_beat b = {1, 7, "session-unit-2", 1, true, true};
    struct study_beat_result res;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(study_beat_record(db, &b, t + 86400, &res), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    assert_int_equal(res.credited, 0); /* finished already; a new session only starts the clock */
    int err = 0;
    json_t *h = study_hours_of(db, 1, 2026, &err);
    assert_non_null(h);
    assert_int_equal(json_integer_value(json_object_get(h, "online_seconds")), 210);
    json_decref(h);
}

/* ---------- the points of quiz answers, after the answer's commit ---------- */

static int64_t count(const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_query_i64(db, &n, sql, ""), DJ_OK);
    return n;
}

/* Writes attempt id (of quiz, by person 2) as submitted, as the answers' group commit does. */
static bool record(int64_t id, int64_t quiz, bool passed, int64_t at)
{
    struct study_scored s = {.id = id, .person_id = 2, .quiz_id = quiz, .correct = passed ? 2 : 0,
                             .score = passed ? 100 : 0, .passed = passed, .at = at};
    s.answers = json_object();
    bool first = false;
    assert_int_equal(db_begin(db), DJ_OK);
    assert_int_equal(study_attempt_record(db, &s, &first), DJ_OK);
    assert_int_equal(db_commit(db), DJ_OK);
    json_decref(s.answers);
    return first;
}

static void test_quiz_points_follow(void **state)
{
    (void)state;
    assert_int_equal(db_exec_script(db,
                                    "INSERT INTO people (id, name, org_id, party_status, created_at, updated_at) VALUES"
                                    " (2, '乙', 1, 'full', 'x', 'x');"
                                    "INSERT INTO study_quizzes (id, org_id, title, pass_percent, time_limit_min, draw_count,"
                                    " state, created_at, updated_at) VALUES (1, 1, '测一', 60, 0, 0, 'published', 'x', 'x'),"
                                    " (2, 1, '测二', 60, 0, 0, 'published', 'x', 'x'), (3, 1, '测三', 60, 0, 0, 'published', 'x', 'x');"
                                    "INSERT INTO study_attempts (id, quiz_id, person_id, question_ids, started_at, total, client_key)"
                                    " VALUES (1, 1, 2, '[]', 'x', 2, 'unit-1'), (2, 1, 2, '[]', 'x', 2, 'unit-2'),"
                                    " (3, 2, 2, '[]', 'x', 2, 'unit-3'), (4, 3, 2, '[]', 'x', 2, 'unit-4');"),
                     DJ_OK);
    int64_t t = dj_local_midnight(2026, 12, 4) + 10 * 3600, n = -1;
    /* the answer's commit writes the result and the marker, no points */
    assert_true(record(1, 1, true, t));
    assert_int_equal(count("SELECT COUNT(*) FROM study_points_due WHERE attempt_id = 1"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM points_ledger WHERE person_id = 2"), 0);
    /* a submit sent again finds it written: no second marker */
    assert_false(record(1, 1, true, t + 1));
    assert_int_equal(count("SELECT COUNT(*) FROM study_points_due"), 1);
    /* the awarder gives taking part (1) and passing (2), and removes the marker */
    assert_int_equal(study_quiz_points_award(db, &n), DJ_OK);
    assert_int_equal(n, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM study_points_due"), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM points_ledger WHERE person_id = 2 AND rule_code = 'quiz_taken'"), 1);
    assert_int_equal(count("SELECT SUM(delta) FROM points_ledger WHERE person_id = 2"), 3);
    /* run again: nothing more */
    n = -1;
    assert_int_equal(study_quiz_points_award(db, &n), DJ_OK);
    assert_int_equal(n, 0);
    /* a second passing attempt of the same quiz: the awards are once per quiz */
    assert_true(record(2, 1, true, t + 60));
    assert_int_equal(study_quiz_points_award(db, &n), DJ_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM points_ledger WHERE person_id = 2"), 2);
    /* two more quizzes the same day, failed: taking part counts to the daily cap of 2 */
    assert_true(record(3, 2, false, t + 120));
    assert_true(record(4, 3, false, t + 180));
    assert_int_equal(count("SELECT COUNT(*) FROM study_points_due"), 2);
    assert_int_equal(study_quiz_points_award(db, &n), DJ_OK);
    assert_int_equal(n, 2);
    assert_int_equal(count("SELECT SUM(delta) FROM points_ledger WHERE person_id = 2 AND rule_code = 'quiz_taken'"), 2);
    assert_int_equal(count("SELECT COUNT(*) FROM points_ledger WHERE person_id = 2 AND rule_code = 'quiz_passed'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM points_notices WHERE person_id = 2 AND source_id = 3"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM study_points_due"), 0);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beat_credit),
        cmocka_unit_test(test_cap_and_hours),
        cmocka_unit_test(test_terms_and_query),
        cmocka_unit_test(test_html_clean),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_questions_csv),
        cmocka_unit_test(test_daily_points_cap),
        cmocka_unit_test(test_quiz_points_follow),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
