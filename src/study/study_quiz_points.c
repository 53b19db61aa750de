/* study_quiz_points.c - the points of quiz answers, given after the answer's commit.
 *
 * An answer's transaction (the group commit its member waits for) writes the result and
 * a row of study_points_due, the durable "not yet awarded" marker. The awarder turns
 * those rows into the awards (参加学习测试 for taking part, 学习测试合格 for passing:
 * each once per quiz, under the points rules and their daily caps) and deletes each row
 * in the transaction of its awards. So an award is given once whoever runs it and
 * however often, and none is lost: a row whose awards failed, or whose server died
 * before giving them, stays until they are given. */
#include <stdio.h>
#include <string.h>

#include "../core/batch.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../points/points.h"
#include "study_int.h"

/* Attempts awarded per transaction: short, so that on SQLite (one writer) the answers'
 * commits, which alternate with them (dj_batch_turn_take), wait for little. */
#define DUE_CHUNK 16

struct due {
    int64_t attempt_id, person_id, quiz_id, at;
    bool passed;
};

static void due_from(db_stmt *s, struct due *d)
{
    d->attempt_id = db_col_i64(s, 0);
    d->person_id = db_col_i64(s, 1);
    d->quiz_id = db_col_i64(s, 2);
    d->passed = db_col_i64(s, 3) != 0;
    const char *at = db_col_text(s, 4);
    if (dj_time_parse(at ? at : "", &d->at) != DJ_OK)
        d->at = dj_now(); /* written by study_attempt_record(), so never */
}

/* Up to max rows after attempt `after`, in the order of the attempts (daily caps fill
 * in that order). */
static int due_read(db_conn *c, int64_t after, struct due *v, int max, int *n)
{
    *n = 0;
    db_stmt *s = db_prep(c, "SELECT attempt_id, person_id, quiz_id, passed, occurred_at FROM study_points_due"
                            " WHERE attempt_id > $1 ORDER BY attempt_id LIMIT $2");
    if (!s)
        return DJ_EDB;
    db_bind(s, "ii", after, (int64_t)max);
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        due_from(s, &v[(*n)++]);
    db_done(s);
    return rc == DB_DONE ? DJ_OK : rc;
}

/* The awards of one attempt, in the caller's transaction, if its row is still there: it
 * is claimed by deleting it, so a second run (here or on another server) finds nothing. */
static int award_one(db_conn *c, const struct due *d, bool *given)
{
    *given = false;
    int64_t got = 0;
    int rc = db_query_i64(c, &got, "DELETE FROM study_points_due WHERE attempt_id = $1 RETURNING attempt_id", "i",
                          d->attempt_id);
    if (rc == DJ_ENOTFOUND)
        return DJ_OK;
    if (rc)
        return rc;
    struct points_result pr;
    struct points_award aw = {d->person_id, "quiz_taken", "quiz", d->quiz_id, 1, d->at, NULL, 0, 0};
    if ((rc = points_award(c, &aw, &pr)) == DJ_ENOTFOUND)
        rc = DJ_OK; /* the committee retired the rule */
    if (rc == DJ_OK && d->passed) {
        aw.rule_code = "quiz_passed";
        if ((rc = points_award(c, &aw, &pr)) == DJ_ENOTFOUND)
            rc = DJ_OK;
    }
    *given = rc == DJ_OK;
    return rc;
}

int study_attempt_points_now(db_conn *c, int64_t attempt_id)
{
    db_stmt *s = db_prep(c, "SELECT attempt_id, person_id, quiz_id, passed, occurred_at FROM study_points_due"
                            " WHERE attempt_id = $1");
    if (!s)
        return DJ_EDB;
    db_bind(s, "i", attempt_id);
    struct due d = {0};
    int rc = db_step(s);
    bool found = rc == DB_ROW;
    if (found)
        due_from(s, &d);
    if (found || rc == DB_DONE)
        rc = DJ_OK;
    db_done(s);
    bool given;
    return rc == DJ_OK && found ? award_one(c, &d, &given) : rc;
}

/* n rows in one transaction (again while the database is busy); *awarded counts the
 * attempts whose awards this call gave. */
static int award_tx(db_conn *c, const struct due *v, int n, int64_t *awarded)
{
    int rc;
    for (int attempt = 0;; attempt++) {
        int64_t given = 0;
        dj_batch_turn_take(c);
        if ((rc = db_begin(c)) == DJ_OK) {
            for (int i = 0; i < n && rc == DJ_OK; i++) {
                bool g = false;
                rc = award_one(c, &v[i], &g);
                given += g;
            }
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        dj_batch_turn_give(c);
        if (rc == DJ_OK) {
            *awarded += given;
            return DJ_OK;
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            return rc;
    }
}

int study_quiz_points_award(db_conn *c, int64_t *awarded)
{
    int64_t local = 0, after = 0;
    if (!awarded)
        awarded = &local;
    *awarded = 0;
    int rc, failed = 0, n;
    struct due v[DUE_CHUNK];
    do {
        /* read outside the transaction: award_one() claims each row inside it */
        if ((rc = due_read(c, after, v, DUE_CHUNK, &n)) || n == 0)
            break;
        rc = award_tx(c, v, n, awarded);
        if (rc == DJ_EBUSY)
            break; /* the database is busy past the retries: the follow-up runs again later */
        if (rc != DJ_OK) {
            /* one attempt that cannot be awarded must not hold back the others: each alone */
            for (int i = 0; i < n; i++)
                if (award_tx(c, &v[i], 1, awarded) != DJ_OK) {
                    fprintf(stderr, "dangjian: the points of quiz attempt %lld could not be awarded: %s\n",
                            (long long)v[i].attempt_id, db_errmsg(c));
                    failed++;
                }
            rc = DJ_OK;
        }
        after = v[n - 1].attempt_id;
    } while (n == DUE_CHUNK);
    return rc ? rc : failed ? DJ_EDB : DJ_OK;
}
