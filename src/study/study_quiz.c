/* study_quiz.c - the SQL of quizzes (banks of questions, attempts drawn from them,
 * scored on the server once) and of notices with their read receipts. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "study_int.h"

int study_quiz_org(db_conn *c, int64_t id, int64_t *org_id, char state[16])
{
    int err = 0;
    json_t *o = db_query_row(c, &err, "SELECT org_id, state FROM study_quizzes WHERE id = $1", "i", id);
    if (!o)
        return err;
    *org_id = dj_jint(o, "org_id", 0);
    snprintf(state, 16, "%s", dj_jstr(o, "state", ""));
    json_decref(o);
    return DJ_OK;
}

/* Checks the questions of a quiz body; *field and *why name the first problem. */
static int questions_check(const json_t *qs, const char **field, const char **why)
{
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q) {
        const char *kind = dj_jstr(q, "kind", "");
        json_t *opts = json_object_get(q, "options");
        size_t n = json_array_size(opts);
        *field = "questions";
        if (strcmp(kind, "judge") != 0 && (n < 2 || n > 8)) {
            *why = "选择题须有 2 至 8 个选项";
            return DJ_EINVAL;
        }
        size_t j;
        json_t *o;
        json_array_foreach(opts, j, o) {
            if (!json_is_string(o) || dj_str_blank(json_string_value(o)) || dj_utf8_len(json_string_value(o)) > 200) {
                *why = "选项须为 1 至 200 字的文字";
                return DJ_EINVAL;
            }
        }
        char *a = study_answer_norm(kind, dj_jstr(q, "answer", ""), (int)n, why);
        if (!a)
            return DJ_EINVAL;
        free(a);
    }
    return DJ_OK;
}

int study_quiz_save(db_conn *c, int64_t id, const json_t *in, int64_t user_id, int64_t *new_id, const char **field,
                    const char **why)
{
    json_t *qs = json_object_get(in, "questions");
    int rc = questions_check(qs, field, why);
    if (rc)
        return rc;
    char now[21];
    dj_time_iso(dj_now(), now);
    bool daily = json_is_true(json_object_get(in, "daily"));
    if (id == 0) {
        rc = db_query_i64(c, new_id,
                          "INSERT INTO study_quizzes (org_id, title, pass_percent, time_limit_min, draw_count, state,"
                          " created_by, created_at, updated_at, daily) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $7, $8)"
                          " RETURNING id",
                          "itiiiItb", dj_jint(in, "org_id", 0), dj_jstr(in, "title", ""), dj_jint(in, "pass_percent", 60),
                          dj_jint(in, "time_limit_min", 0), dj_jint(in, "draw_count", 0), user_id, now, daily);
        id = *new_id;
    } else {
        *new_id = id;
        int64_t n = 0;
        /* answered in a test or as a daily question: the questions stay as they were */
        db_query_i64(c, &n,
                     "SELECT (SELECT COUNT(*) FROM study_attempts WHERE quiz_id = $1) + (SELECT COUNT(*) FROM"
                     " study_daily d JOIN study_questions x ON x.id = d.question_id WHERE x.quiz_id = $1)",
                     "i", id);
        if (n > 0) {
            *field = "questions";
            *why = "已有人作答，题目不能再修改";
            return DJ_ECONFLICT;
        }
        rc = db_exec(c,
                     "UPDATE study_quizzes SET title = $2, pass_percent = $3, time_limit_min = $4, draw_count = $5,"
                     " updated_at = $6, daily = $7 WHERE id = $1",
                     "itiiitb", id, dj_jstr(in, "title", ""), dj_jint(in, "pass_percent", 60),
                     dj_jint(in, "time_limit_min", 0), dj_jint(in, "draw_count", 0), now, daily);
        if (rc == DJ_OK)
            rc = db_exec(c, "DELETE FROM study_questions WHERE quiz_id = $1", "i", id);
    }
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q) {
        const char *kind = dj_jstr(q, "kind", "");
        json_t *opts = json_object_get(q, "options");
        char *a = study_answer_norm(kind, dj_jstr(q, "answer", ""), (int)json_array_size(opts), why);
        json_t *o = strcmp(kind, "judge") == 0 ? json_pack("[s,s]", "对", "错") : json_incref(opts);
        if (rc == DJ_OK)
            rc = db_exec(c,
                         "INSERT INTO study_questions (quiz_id, kind, stem, options, answer, explanation, sort)"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                         "ittjtti", id, kind, dj_jstr(q, "stem", ""), o, a, dj_jstr(q, "explanation", NULL),
                         (int64_t)i + 1);
        json_decref(o);
        free(a);
    }
    return rc;
}

json_t *study_quiz_get(db_conn *c, int64_t id, bool with_answers, int *err)
{
    json_t *o = db_query_row(c, err,
                             "SELECT q.id, q.org_id, o.name AS org_name, q.title, q.pass_percent, q.time_limit_min,"
                             " q.draw_count, q.state, q.updated_at, q.daily AS daily__bool,"
                             " (SELECT COUNT(*) FROM study_questions x WHERE x.quiz_id = q.id) AS question_count"
                             " FROM study_quizzes q JOIN orgs o ON o.id = q.org_id WHERE q.id = $1",
                             "i", id);
    if (!o || !with_answers)
        return o;
    json_t *qs = db_query_rows(c, err,
                               "SELECT id, kind, stem, options AS options__json, answer, explanation FROM study_questions"
                               " WHERE quiz_id = $1 ORDER BY sort, id",
                               "i", id);
    if (!qs) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "questions", qs);
    return o;
}

json_t *study_quizzes_list(db_conn *c, const struct study_viewer *v, int *err)
{
    char *sql = dj_asprintf(
        "SELECT q.id, q.title, q.org_id, mo.name AS org_name, q.pass_percent, q.time_limit_min, q.draw_count,"
        " q.daily AS daily__bool, q.state,"
        " (SELECT COUNT(*) FROM study_questions x WHERE x.quiz_id = q.id) AS question_count,"
        " (SELECT MAX(a.score) FROM study_attempts a WHERE a.quiz_id = q.id AND a.person_id = $1"
        "  AND a.submitted_at IS NOT NULL) AS my_best,"
        " (SELECT MAX(a.passed) FROM study_attempts a WHERE a.quiz_id = q.id AND a.person_id = $1) AS my_passed"
        " FROM study_quizzes q JOIN orgs mo ON mo.id = q.org_id WHERE ((q.state = 'published' AND (%s OR EXISTS"
        " (SELECT 1 FROM people p JOIN orgs po ON po.id = p.org_id WHERE p.id = $1 AND po.path >= mo.path AND po.path < mo.path || ':')))"
        " OR %s) ORDER BY q.id DESC LIMIT 200",
        v->read_sql, v->manage_sql);
    json_t *rows = db_query_rows_dynamic(c, err, sql, "i", v->person_id);
    free(sql);
    return rows;
}

int study_attempt_person(db_conn *c, int64_t id, int64_t *person_id)
{
    return db_query_i64(c, person_id, "SELECT person_id FROM study_attempts WHERE id = $1", "i", id);
}

/* The questions of an attempt as the phone sees them: no answers, no explanations. */
static json_t *attempt_view(db_conn *c, int64_t attempt_id, int *err)
{
    json_t *a = db_query_row(c, err,
                             "SELECT a.id, a.quiz_id, q.title, a.started_at, a.deadline_at, a.submitted_at,"
                             " a.question_ids AS question_ids__json, a.total FROM study_attempts a"
                             " JOIN study_quizzes q ON q.id = a.quiz_id WHERE a.id = $1",
                             "i", attempt_id);
    if (!a)
        return NULL;
    json_t *qs = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(a, "question_ids"), i, v) {
        json_t *q = db_query_row(c, err,
                                 "SELECT id, kind, stem, options AS options__json FROM study_questions WHERE id = $1", "i",
                                 (int64_t)json_integer_value(v));
        if (q) {
            json_array_append_new(qs, q);
        } else if (*err != DJ_ENOTFOUND) { /* a failed read is no missing question */
            json_decref(qs);
            json_decref(a);
            return NULL;
        }
    }
    json_object_del(a, "question_ids");
    json_object_set_new(a, "questions", qs);
    return a;
}

json_t *study_attempt_start(db_conn *c, int64_t quiz_id, int64_t person_id, const char *client_key, int *err)
{
    int64_t id = 0;
    if (db_query_i64(c, &id, "SELECT id FROM study_attempts WHERE person_id = $1 AND client_key = $2", "it", person_id,
                     client_key) == DJ_OK)
        return attempt_view(c, id, err);
    json_t *quiz = db_query_row(c, err, "SELECT draw_count, time_limit_min FROM study_quizzes WHERE id = $1", "i",
                                quiz_id);
    json_t *ids = quiz ? db_query_rows(c, err, "SELECT id FROM study_questions WHERE quiz_id = $1 ORDER BY sort, id",
                                       "i", quiz_id)
                       : NULL;
    if (!ids) {
        json_decref(quiz);
        return NULL;
    }
    /* a random draw: a Fisher-Yates shuffle cut to draw_count */
    size_t n = json_array_size(ids), k = (size_t)dj_jint(quiz, "draw_count", 0);
    if (k == 0 || k > n)
        k = n;
    int64_t *v = dj_calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = dj_jint(json_array_get(ids, i), "id", 0);
    if (k < n)
        for (size_t i = 0; i < k; i++) {
            size_t j = i + randombytes_uniform((uint32_t)(n - i));
            int64_t t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    json_t *pick = json_array();
    for (size_t i = 0; i < k; i++)
        json_array_append_new(pick, json_integer(v[i]));
    free(v);
    int64_t now = dj_now(), limit = dj_jint(quiz, "time_limit_min", 0);
    char start[21], dl[21];
    dj_time_iso(now, start);
    dj_time_iso(now + limit * 60, dl);
    int rc = db_query_i64(c, &id,
                          "INSERT INTO study_attempts (quiz_id, person_id, question_ids, started_at, deadline_at, total,"
                          " client_key) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                          "iijttit", quiz_id, person_id, pick, start, limit > 0 ? dl : NULL, (int64_t)k, client_key);
    json_decref(pick);
    json_decref(ids);
    json_decref(quiz);
    if (rc) {
        *err = rc;
        return NULL;
    }
    return attempt_view(c, id, err);
}

/* Every question of a quiz, keyed by its id (one read, whatever the draw). */
static json_t *questions_by_id(db_conn *c, int64_t quiz_id, int *err)
{
    json_t *rows = db_query_rows(c, err,
                                 "SELECT id, kind, stem, options AS options__json, answer, explanation FROM study_questions"
                                 " WHERE quiz_id = $1",
                                 "i", quiz_id);
    if (!rows)
        return NULL;
    json_t *map = json_object();
    size_t i;
    json_t *q;
    json_array_foreach(rows, i, q) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)dj_jint(q, "id", 0));
        json_object_set(map, key, q);
    }
    json_decref(rows);
    return map;
}

/* The result of a submitted attempt a (its row: id, quiz_id, submitted_at, correct,
 * total, score, passed, pass_percent, answers, question_ids) with its questions from
 * bank: the right answers and explanations. Takes a. */
static json_t *result_from(json_t *a, const json_t *bank)
{
    json_t *qs = json_array();
    json_t *answers = json_object_get(a, "answers");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(a, "question_ids"), i, v) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(v));
        json_t *q = json_deep_copy(json_object_get(bank, key));
        if (!q)
            continue;
        const char *given = json_string_value(json_object_get(answers, key));
        json_object_set_new(q, "given", given ? json_string(given) : json_null());
        json_object_set_new(q, "right", json_boolean(given && strcmp(given, dj_jstr(q, "answer", "")) == 0));
        json_array_append_new(qs, q);
    }
    json_object_del(a, "question_ids");
    json_object_del(a, "answers");
    json_object_set_new(a, "questions", qs);
    return a;
}

/* The stored result of a submitted attempt, with the right answers and explanations. */
static json_t *attempt_result(db_conn *c, int64_t id, int *err)
{
    json_t *a = db_query_row(c, err,
                             "SELECT a.id, a.quiz_id, a.submitted_at, a.correct, a.total, a.score, a.passed AS passed__bool,"
                             " a.answers AS answers__json, a.question_ids AS question_ids__json, q.pass_percent"
                             " FROM study_attempts a JOIN study_quizzes q ON q.id = a.quiz_id WHERE a.id = $1",
                             "i", id);
    if (!a)
        return NULL;
    json_t *bank = questions_by_id(c, dj_jint(a, "quiz_id", 0), err);
    if (!bank) {
        json_decref(a);
        return NULL;
    }
    json_t *out = result_from(a, bank);
    json_decref(bank);
    return out;
}

int study_attempt_score(db_conn *c, int64_t id, const json_t *answers, struct study_scored *out, int *err,
                        const char **why)
{
    memset(out, 0, sizeof *out);
    out->id = id;
    json_t *a = db_query_row(c, err,
                             "SELECT a.person_id, a.quiz_id, a.submitted_at, a.deadline_at, a.question_ids AS qids__json,"
                             " q.pass_percent FROM study_attempts a JOIN study_quizzes q ON q.id = a.quiz_id WHERE a.id = $1",
                             "i", id);
    if (!a)
        return *err ? *err : DJ_ENOTFOUND;
    out->person_id = dj_jint(a, "person_id", 0);
    out->quiz_id = dj_jint(a, "quiz_id", 0);
    if (dj_jstr(a, "submitted_at", NULL)) { /* submitted before: the stored result */
        out->already = true;
        json_decref(a);
        return DJ_OK;
    }
    int64_t now = dj_now(), deadline = 0;
    const char *dl = dj_jstr(a, "deadline_at", NULL);
    /* a minute's grace for the network; later answers are not taken */
    if (dl && dj_time_parse(dl, &deadline) == DJ_OK && now > deadline + 60) {
        *why = "已超过答题时限，答案未被接受";
        json_decref(a);
        return *err = DJ_EUNPROCESSABLE;
    }
    json_t *bank = questions_by_id(c, out->quiz_id, err);
    if (!bank) {
        json_decref(a);
        return *err ? *err : DJ_EDB;
    }
    json_t *norm = json_object();
    int64_t correct = 0, total = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(a, "qids"), i, v) {
        total++;
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(v));
        json_t *q = json_object_get(bank, key);
        if (!q)
            continue;
        const char *given = json_string_value(json_object_get(answers, key));
        const char *w = NULL;
        char *g = given ? study_answer_norm(dj_jstr(q, "kind", ""), given,
                                            (int)json_array_size(json_object_get(q, "options")), &w)
                        : NULL;
        if (g) {
            json_object_set_new(norm, key, json_string(g));
            correct += strcmp(g, dj_jstr(q, "answer", "")) == 0;
        }
        free(g);
    }
    out->answers = norm;
    out->correct = correct;
    out->score = study_score_percent(correct, total);
    out->passed = out->score >= dj_jint(a, "pass_percent", 60);
    out->at = now;
    /* the result it will have once written, from the bank already read */
    char at[21];
    dj_time_iso(now, at);
    json_t *row = json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:b, s:O, s:O, s:O}", "id", (json_int_t)id, "quiz_id",
                            (json_int_t)out->quiz_id, "submitted_at", at, "correct", (json_int_t)correct, "total",
                            (json_int_t)total, "score", (json_int_t)out->score, "passed", out->passed, "pass_percent",
                            json_object_get(a, "pass_percent"), "answers", norm, "question_ids",
                            json_object_get(a, "qids"));
    out->result = row ? result_from(row, bank) : NULL;
    json_decref(bank);
    json_decref(a);
    return DJ_OK;
}

int study_attempt_record(db_conn *c, const struct study_scored *s, bool *first)
{
    *first = false;
    if (s->already)
        return DJ_OK;
    char at[21];
    dj_time_iso(s->at, at);
    int64_t got = 0;
    /* only the first submission of an attempt is written (a retry racing it finds it taken) */
    int rc = db_query_i64(c, &got,
                          "UPDATE study_attempts SET submitted_at = $2, answers = $3, correct = $4, score = $5, passed = $6"
                          " WHERE id = $1 AND submitted_at IS NULL RETURNING id",
                          "itjiib", s->id, at, s->answers, s->correct, s->score, s->passed);
    if (rc == DJ_ENOTFOUND)
        return DJ_OK;
    if (rc)
        return rc;
    *first = true;
    /* the points follow the commit (study_quiz_points.c): this row says they are owed */
    return db_exec(c,
                   "INSERT INTO study_points_due (attempt_id, person_id, quiz_id, passed, occurred_at)"
                   " VALUES ($1, $2, $3, $4, $5)",
                   "iiibt", s->id, s->person_id, s->quiz_id, (int)s->passed, at);
}

json_t *study_attempt_result(db_conn *c, int64_t id, int *err) { return attempt_result(c, id, err); }

json_t *study_attempt_submit(db_conn *c, int64_t id, const json_t *answers, int *err, const char **why)
{
    struct study_scored s;
    bool first;
    int rc = study_attempt_score(c, id, answers, &s, err, why);
    if (rc == DJ_OK)
        rc = study_attempt_record(c, &s, &first);
    if (rc == DJ_OK && first)
        rc = study_attempt_points_now(c, id); /* in the caller's transaction (the demo) */
    json_decref(s.answers);
    json_decref(s.result);
    if (rc) {
        *err = rc;
        return NULL;
    }
    return attempt_result(c, id, err);
}

/* Per branch of the quiz's subtree (a group's people count in its branch; people outside any branch
 * under their own organisation) that has active people: how many it has, how many took the quiz
 * (a submitted attempt), how many passed (their best attempt passed); the pass rate is over those who took it,
 * the participation over all. */
static json_t *study_quiz_branches(db_conn *c, int64_t quiz_id, int *err)
{
    json_t *rows = db_query_rows(
        c, err,
        "SELECT o.id AS org_id, o.name AS org_name, COUNT(p.id) AS members, COUNT(b.person_id) AS taken,"
        " SUM(CASE WHEN b.passed = 1 THEN 1 ELSE 0 END) AS passed"
        " FROM people p JOIN orgs po ON po.id = p.org_id"
        " JOIN orgs o ON o.id = COALESCE((SELECT b.id FROM orgs b WHERE b.kind IN ('branch', 'general_branch')"
        "  AND po.path >= b.path AND po.path < b.path || ':' ORDER BY LENGTH(b.path) DESC LIMIT 1), po.id)"
        " LEFT JOIN (SELECT person_id, MAX(passed) AS passed FROM study_attempts"
        "  WHERE quiz_id = $1 AND submitted_at IS NOT NULL GROUP BY person_id) b ON b.person_id = p.id"
        " WHERE p.active = 1 AND po.path LIKE"
        "  (SELECT qo.path FROM study_quizzes q JOIN orgs qo ON qo.id = q.org_id WHERE q.id = $1) || '%'"
        " GROUP BY o.id, o.name, o.path ORDER BY o.path",
        "i", quiz_id);
    if (!rows)
        return NULL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        int64_t members = dj_jint(row, "members", 0), taken = dj_jint(row, "taken", 0);
        int64_t passed = dj_jint(row, "passed", 0);
        json_object_set_new(row, "passed", json_integer(passed));
        json_object_set_new(row, "pass_rate", json_integer(taken ? study_score_percent(passed, taken) : 0));
        json_object_set_new(row, "taken_rate", json_integer(members ? study_score_percent(taken, members) : 0));
    }
    return rows;
}

json_t *study_quiz_results(db_conn *c, int64_t quiz_id, int *err)
{
    /* each member's best submitted attempt */
    json_t *rows = db_query_rows(c, err,
                                 "SELECT p.id AS person_id, p.name, o.name AS org_name, MAX(a.score) AS best,"
                                 " MAX(a.passed) AS passed, COUNT(*) AS attempts FROM study_attempts a"
                                 " JOIN people p ON p.id = a.person_id LEFT JOIN orgs o ON o.id = p.org_id"
                                 " WHERE a.quiz_id = $1 AND a.submitted_at IS NOT NULL"
                                 " GROUP BY p.id, p.name, o.name ORDER BY MAX(a.score) DESC, p.id",
                                 "i", quiz_id);
    if (!rows)
        return NULL;
    int64_t passed = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        bool p = dj_jint(row, "passed", 0) != 0;
        json_object_set_new(row, "passed", json_boolean(p));
        passed += p;
    }
    size_t n = json_array_size(rows);
    json_t *branches = study_quiz_branches(c, quiz_id, err);
    if (!branches) {
        json_decref(rows);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:I, s:I, s:I}", "items", rows, "branches", branches, "taken", (json_int_t)n,
                     "passed", (json_int_t)passed, "pass_rate",
                     (json_int_t)(n ? study_score_percent(passed, (int64_t)n) : 0));
}

/* ---------- notices ---------- */

int study_notice_create(db_conn *c, const json_t *in, int64_t user_id, int64_t *id, bool *replayed)
{
    *replayed = false;
    const char *key = dj_jstr(in, "client_key", NULL);
    if (key && db_query_i64(c, id, "SELECT id FROM study_notices WHERE client_key = $1", "t", key) == DJ_OK) {
        *replayed = true;
        return DJ_OK;
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    return db_query_i64(c, id,
                        "INSERT INTO study_notices (org_id, title, body, read_by, created_by, created_at, client_key)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        "itttItt", dj_jint(in, "org_id", 0), dj_jstr(in, "title", ""), dj_jstr(in, "body", ""),
                        dj_jstr(in, "read_by", NULL), user_id, now, key);
}

int study_notice_org(db_conn *c, int64_t id, int64_t *org_id)
{
    return db_query_i64(c, org_id, "SELECT org_id FROM study_notices WHERE id = $1", "i", id);
}

#define NOTICE_REACHES STUDY_NOTICE_REACHES

bool study_notice_reaches(db_conn *c, int64_t id, int64_t person_id)
{
    int64_t n = 0;
    return db_query_i64(c, &n,
                        "SELECT COUNT(*) FROM study_notices n JOIN orgs no ON no.id = n.org_id, people p"
                        " WHERE n.id = $1 AND p.id = $2 AND " NOTICE_REACHES,
                        "ii", id, person_id) == DJ_OK &&
           n > 0;
}

static const char notices_mine_sql[] =
    "SELECT n.id, n.title, n.body, n.read_by, n.created_at, no.name AS org_name,"
    " (SELECT r.read_at FROM study_notice_reads r WHERE r.notice_id = n.id AND r.person_id = p.id)"
    " AS read_at FROM study_notices n JOIN orgs no ON no.id = n.org_id, people p"
    " WHERE p.id = $1 AND " NOTICE_REACHES " ORDER BY n.created_at DESC, n.id DESC LIMIT 100";

json_t *study_notices_mine(db_conn *c, int64_t person_id, int *err)
{
    return db_query_rows(c, err, notices_mine_sql, "i", person_id);
}

void study_notices_mine_prefetch(db_conn *c, int64_t person_id)
{
    db_prefetch(c, notices_mine_sql, "i", person_id);
}

#define RECEIPT_COUNTS                                                                                                \
    " (SELECT COUNT(*) FROM people p WHERE " NOTICE_REACHES ") AS reached,"                                         \
    " (SELECT COUNT(*) FROM study_notice_reads r JOIN people p ON p.id = r.person_id WHERE r.notice_id = n.id"      \
    "  AND " NOTICE_REACHES ") AS read_count"

json_t *study_notices_list(db_conn *c, const char *scope_sql, int *err)
{
    dj_buf b = {0};
    dj_buf_puts(&b, "SELECT n.id, n.title, n.read_by, n.created_at, n.org_id, no.name AS org_name," RECEIPT_COUNTS
                    " FROM study_notices n JOIN orgs no ON no.id = n.org_id WHERE ");
    dj_buf_puts(&b, scope_sql);
    dj_buf_puts(&b, " ORDER BY n.created_at DESC, n.id DESC LIMIT 200");
    json_t *rows = db_query_rows_dynamic(c, err, dj_buf_cstr(&b), "");
    dj_buf_free(&b);
    return rows;
}

int study_notice_read(db_conn *c, int64_t id, int64_t person_id, bool *first)
{
    char now[21];
    dj_time_iso(dj_now(), now);
    int64_t n = 0;
    *first = db_query_i64(c, &n, "SELECT COUNT(*) FROM study_notice_reads WHERE notice_id = $1 AND person_id = $2", "ii",
                          id, person_id) == DJ_OK &&
             n == 0;
    if (!*first)
        return DJ_OK;
    return db_exec(c,
                   "INSERT INTO study_notice_reads (notice_id, person_id, read_at) VALUES ($1, $2, $3)"
                   " ON CONFLICT DO NOTHING",
                   "iit", id, person_id, now);
}

json_t *study_notice_receipts(db_conn *c, int64_t id, int *err)
{
    json_t *n = db_query_row(c, err,
                             "SELECT n.id, n.title, n.body, n.read_by, n.created_at, n.org_id, no.name AS org_name,"
                             RECEIPT_COUNTS " FROM study_notices n JOIN orgs no ON no.id = n.org_id WHERE n.id = $1",
                             "i", id);
    if (!n)
        return NULL;
    json_t *people = db_query_rows(c, err,
                                   "SELECT p.id AS person_id, p.name, po.name AS org_name, r.read_at"
                                   " FROM study_notices n JOIN orgs no ON no.id = n.org_id, people p"
                                   " JOIN orgs po ON po.id = p.org_id"
                                   " LEFT JOIN study_notice_reads r ON r.notice_id = $1 AND r.person_id = p.id"
                                   " WHERE n.id = $1 AND p.active = 1 AND po.path >= no.path AND po.path < no.path || ':'"
                                   " ORDER BY r.read_at IS NULL DESC, po.path, p.id",
                                   "i", id);
    if (!people) {
        json_decref(n);
        return NULL;
    }
    json_object_set_new(n, "people", people);
    return n;
}
