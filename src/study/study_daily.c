/* study_daily.c - 每日一题: one question a day per member, drawn at random from the published
 * quizzes marked daily whose organisation reaches the member, kept for the day (study_daily,
 * one row per member and day), answered once. The answer is checked here; a right answer
 * earns the 'study_daily' points rule (its daily cap applies). The right answer and the
 * explanation are returned only with the member's answer. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/err.h"
#include "../core/timeutil.h"
#include "../points/points.h"
#include "study_int.h"

static void today(char day[32])
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    snprintf(day, 32, "%04d-%02d-%02d", y, m, d);
}

#define DAILY_POOL                                                                                                    \
    " FROM study_questions x JOIN study_quizzes q ON q.id = x.quiz_id JOIN orgs qo ON qo.id = q.org_id"               \
    " WHERE q.daily = 1 AND q.state = 'published' AND EXISTS (SELECT 1 FROM people p JOIN orgs po ON po.id = p.org_id" \
    " WHERE p.id = $1 AND po.path >= qo.path AND po.path < qo.path || ':')"

/* Today's row for the member, drawn now if there is none; DJ_ENOTFOUND: no daily bank reaches them. */
static int draw(db_conn *c, int64_t person_id, const char *day, int64_t *row_id)
{
    if (db_query_i64(c, row_id, "SELECT id FROM study_daily WHERE person_id = $1 AND day = $2", "it", person_id,
                     day) == DJ_OK)
        return DJ_OK;
    int64_t n = 0, qid = 0;
    int rc = db_query_i64(c, &n, "SELECT COUNT(*)" DAILY_POOL, "i", person_id);
    if (rc)
        return rc;
    if (n == 0)
        return DJ_ENOTFOUND;
    int64_t k = (int64_t)randombytes_uniform((uint32_t)(n > UINT32_MAX ? UINT32_MAX : n));
    rc = db_query_i64(c, &qid, "SELECT x.id" DAILY_POOL " ORDER BY x.id LIMIT 1 OFFSET $2", "ii", person_id, k);
    char now[21];
    dj_time_iso(dj_now(), now);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO study_daily (person_id, day, question_id, drawn_at) VALUES ($1, $2, $3, $4)"
                     " ON CONFLICT (person_id, day) DO NOTHING",
                     "itit", person_id, day, qid, now);
    if (rc == DJ_OK)
        rc = db_query_i64(c, row_id, "SELECT id FROM study_daily WHERE person_id = $1 AND day = $2", "it",
                          person_id, day);
    return rc;
}

/* The day's question as the phone sees it; with the answer and explanation once answered. */
static json_t *daily_view(db_conn *c, int64_t row_id, int *err)
{
    json_t *o = db_query_row(c, err,
                             "SELECT d.id, d.day, d.answer AS my_answer, d.correct AS correct__bool, d.answered_at,"
                             " x.id AS question_id, x.kind, x.stem, x.options AS options__json, x.answer,"
                             " x.explanation, q.title AS bank FROM study_daily d"
                             " JOIN study_questions x ON x.id = d.question_id JOIN study_quizzes q ON q.id = x.quiz_id"
                             " WHERE d.id = $1",
                             "i", row_id);
    if (o && !json_is_string(json_object_get(o, "answered_at"))) {
        json_object_del(o, "answer");
        json_object_del(o, "explanation");
        json_object_del(o, "correct");
    }
    return o;
}

json_t *study_daily_drawn(db_conn *c, int64_t person_id, int *err)
{
    char day[32];
    today(day);
    int64_t id = 0;
    int rc = db_query_i64(c, &id, "SELECT id FROM study_daily WHERE person_id = $1 AND day = $2", "it", person_id, day);
    if (rc) {
        *err = rc;
        return NULL;
    }
    json_t *q = daily_view(c, id, err);
    return q ? json_pack("{s:s, s:o}", "day", day, "question", q) : NULL;
}

json_t *study_daily_today(db_conn *c, int64_t person_id, int *err)
{
    char day[32];
    today(day);
    int64_t id = 0;
    int rc = draw(c, person_id, day, &id);
    if (rc == DJ_ENOTFOUND)
        return json_pack("{s:s, s:n}", "day", day, "question");
    if (rc) {
        *err = rc;
        return NULL;
    }
    json_t *q = daily_view(c, id, err);
    return q ? json_pack("{s:s, s:o}", "day", day, "question", q) : NULL;
}

int study_daily_answer(db_conn *c, int64_t person_id, const char *given, json_t **out, const char **why)
{
    char day[32];
    today(day);
    int64_t id = 0;
    int rc = draw(c, person_id, day, &id);
    if (rc == DJ_ENOTFOUND) {
        *why = "今天没有每日一题";
        return DJ_ENOTFOUND;
    }
    int err = DJ_OK;
    json_t *q = rc ? NULL : daily_view(c, id, &err);
    if (!q)
        return rc ? rc : err;
    if (json_is_string(json_object_get(q, "answered_at"))) {
        /* answered already: the same result again, nothing changes */
        *out = q;
        return DJ_OK;
    }
    json_t *full = db_query_row(c, &err, "SELECT kind, options AS options__json, answer FROM study_questions WHERE id = $1",
                                "i", dj_jint(q, "question_id", 0));
    char *g = full ? study_answer_norm(dj_jstr(full, "kind", ""), given,
                                       (int)json_array_size(json_object_get(full, "options")), why)
                   : NULL;
    if (!g) {
        json_decref(full);
        json_decref(q);
        return full ? DJ_EINVAL : err;
    }
    bool correct = strcmp(g, dj_jstr(full, "answer", "")) == 0;
    int64_t now = dj_now();
    char at[21];
    dj_time_iso(now, at);
    rc = db_exec(c, "UPDATE study_daily SET answer = $2, correct = $3, answered_at = $4 WHERE id = $1 AND answered_at IS NULL",
                 "itbt", id, g, correct, at);
    free(g);
    json_decref(full);
    json_decref(q);
    if (rc == DJ_OK && correct) {
        struct points_result pr;
        struct points_award aw = {person_id, "study_daily", "daily", id, 1, now, NULL, 0, 0};
        if ((rc = points_award(c, &aw, &pr)) == DJ_ENOTFOUND)
            rc = DJ_OK;
    }
    if (rc)
        return rc;
    *out = daily_view(c, id, &err);
    return *out ? DJ_OK : err;
}
