/* study_quiz_api.c - HTTP handlers of quizzes (the bank editor, attempts answered and
 * scored on the server: the right answers reach the phone only with the result) and
 * of notices with read receipts. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/csv.h"
#include "../core/batch.h"
#include "../core/err.h"
#include "../core/readcache.h"
#include "../core/scope.h"
#include "study_int.h"

static int64_t user_id(dj_req *r) { return r->user ? r->user->id : 0; }

static int need_person(dj_req *r)
{
    if (!r->user->person_id)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "当前账号未关联党员信息，不能作答");
    return DJ_OK;
}

/* What a transaction of this file works on: the request, a record, its body,
 * and what it gives back (out is dropped and made again on a retry). */
struct quiz_tx {
    dj_req *r;
    int64_t id, new_id;
    const json_t *in;
    json_t *out;
    const char *field, *why;
};

/* ---------- quizzes ---------- */

static int quiz_save_tx(db_conn *c, void *arg)
{
    struct quiz_tx *j = arg;
    int rc = study_quiz_save(c, j->id, j->in, user_id(j->r), &j->new_id, &j->field, &j->why);
    return rc ? rc : audit_write(c, j->r, j->id ? "update" : "create", "study_quiz", j->new_id, NULL, j->in);
}

static const char *const question_kinds[] = {"single", "multi", "judge", NULL};

static const struct dj_jfield question_spec[] = {
    {"kind", "题型", DJ_J_STR, DJ_J_REQ, 1, 10, question_kinds},
    {"stem", "题干", DJ_J_STR, DJ_J_REQ, 2, 500, NULL},
    {"options", "选项", DJ_J_ARR, 0, 0, 8, NULL},
    {"answer", "答案", DJ_J_STR, DJ_J_REQ, 1, 10, NULL},
    {"explanation", "解析", DJ_J_STR, DJ_J_NULL, 0, 1000, NULL},
    {NULL},
};

#define QUIZ_FIELDS                                                                                                   \
    {"title", "测试名称", DJ_J_STR, DJ_J_REQ, 2, 100, NULL},                                                          \
    {"pass_percent", "合格分数", DJ_J_INT, 0, 1, 100, NULL},                                                          \
    {"time_limit_min", "答题时限（分钟）", DJ_J_INT, 0, 0, 300, NULL},                                                \
    {"draw_count", "随机抽题数", DJ_J_INT, 0, 0, 200, NULL},                                                          \
    {"daily", "每日一题题库", DJ_J_BOOL, 0, 0, 0, NULL},                                                                \
    {"questions", "题目", DJ_J_ARR, DJ_J_REQ, 0, 500, NULL, question_spec}

static const struct dj_jfield quiz_create_spec[] = {
    {"org_id", "组织", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "study.manage")},
    QUIZ_FIELDS,
    {NULL},
};
static const struct dj_jfield quiz_patch_spec[] = {
    QUIZ_FIELDS,
    {NULL},
};

static int quiz_save(dj_req *r, int64_t id)
{
    json_t *in;
    int rc = dj_body_json(r, id ? quiz_patch_spec : quiz_create_spec, &in);
    if (rc)
        return rc;
    if (json_array_size(json_object_get(in, "questions")) == 0) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "questions", "请至少添加一道题目");
    }
    struct quiz_tx j = {.r = r, .id = id, .in = in};
    rc = study_in_tx(dj_db(r), quiz_save_tx, &j);
    json_decref(in);
    if ((rc == DJ_EINVAL || rc == DJ_ECONFLICT) && j.why)
        return dj_fail(r, rc, j.field, "%s", j.why);
    if (rc)
        return rc;
    return dj_reply_json(r, id ? 200 : 201, json_pack("{s:I}", "id", (json_int_t)j.new_id));
}

int study_h_quiz_create(dj_req *r) { return quiz_save(r, 0); }

/* Loads :id: the quiz's org and state; 404 unless the caller may see it. */
static int load_quiz(dj_req *r, int64_t *id, int64_t *org, char state[16], bool *manage)
{
    int rc = dj_param_id(r, "id", id);
    if (rc)
        return rc;
    rc = study_quiz_org(dj_db(r), *id, org, state);
    *manage = rc == DJ_OK && auth_can(r, "study.manage", *org);
    bool see = *manage;
    if (rc == DJ_OK && !see && strcmp(state, "draft") != 0) {
        int64_t n = 0;
        see = auth_can(r, "study.read", *org) ||
              (r->user->person_id &&
               db_query_i64(dj_db(r), &n,
                            "SELECT COUNT(*) FROM people p JOIN orgs po ON po.id = p.org_id, orgs o"
                            " WHERE p.id = $1 AND o.id = $2 AND po.path >= o.path AND po.path < o.path || ':'",
                            "ii", r->user->person_id, *org) == DJ_OK &&
               n > 0);
    }
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !see))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该测试");
    return rc;
}

int study_h_quiz_patch(dj_req *r)
{
    int64_t id, org;
    char state[16];
    bool manage;
    int rc = load_quiz(r, &id, &org, state, &manage);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.manage", org);
    return rc ? rc : quiz_save(r, id);
}

int study_h_quiz_get(dj_req *r)
{
    int64_t id, org;
    char state[16];
    bool manage;
    int rc = load_quiz(r, &id, &org, state, &manage);
    if (rc)
        return rc;
    /* answers only for whoever edits the bank */
    json_t *o = study_quiz_get(dj_db(r), id, manage, &rc);
    if (!o)
        return rc;
    json_object_set_new(o, "may_manage", json_boolean(manage));
    return dj_reply_json(r, 200, o);
}

static json_t *quizzes_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    struct study_viewer v;
    study_viewer_of(r, &v);
    json_t *rows = study_quizzes_list(dj_db(r), &v, rc);
    if (!rows)
        return NULL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *p = json_object_get(row, "my_passed");
        json_object_set_new(row, "my_passed", json_boolean(json_is_integer(p) && json_integer_value(p)));
    }
    return json_pack("{s:o}", "items", rows);
}

/* GET /api/v1/study/quizzes : the quizzes the caller may take or manage, with
 * whether they passed; kept for the caller (and their grants) until a quiz or
 * an attempt is written. */
int study_h_quizzes_list(dj_req *r)
{
    return dj_reply_user_kept(r, "study.quizzes", DJ_RCACHE_USER_TTL_MS, quizzes_make, NULL);
}

int study_h_quiz_publish(dj_req *r)
{
    int64_t id, org;
    char state[16];
    bool manage;
    int rc = load_quiz(r, &id, &org, state, &manage);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.manage", org);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)) == DJ_OK) {
        rc = db_exec(c, "UPDATE study_quizzes SET state = 'published' WHERE id = $1", "i", id);
        json_t *a = json_pack("{s:s}", "state", "published");
        if (rc == DJ_OK)
            rc = audit_write(c, r, "publish", "study_quiz", id, NULL, a);
        json_decref(a);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    return rc ? rc : dj_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "published"));
}

int study_h_quiz_results(dj_req *r)
{
    int64_t id, org;
    char state[16];
    bool manage;
    int rc = load_quiz(r, &id, &org, state, &manage);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.read", org);
    if (rc)
        return rc;
    json_t *o = study_quiz_results(dj_db(r), id, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

static const struct dj_jfield start_spec[] = {
    {"client_key", "提交编号", DJ_J_STR, DJ_J_REQ, 8, 64, NULL},
    {NULL},
};

static int attempt_start_tx(db_conn *c, void *arg)
{
    struct quiz_tx *j = arg;
    int rc = DJ_OK;
    json_decref(j->out);
    j->out = study_attempt_start(c, j->id, j->r->user->person_id, dj_jstr(j->in, "client_key", ""), &rc);
    return j->out ? DJ_OK : rc ? rc : DJ_EINTERNAL;
}

/* The answer a transaction made (status), or its error. */
static int reply_out(dj_req *r, int rc, int status, struct quiz_tx *j)
{
    if (rc) {
        json_decref(j->out);
        return rc;
    }
    return dj_reply_json(r, status, j->out);
}

int study_h_attempt_start(dj_req *r)
{
    int64_t id, org;
    char state[16];
    bool manage;
    int rc = load_quiz(r, &id, &org, state, &manage);
    if (rc == DJ_OK)
        rc = need_person(r);
    if (rc)
        return rc;
    if (strcmp(state, "published") != 0)
        return dj_fail(r, DJ_ECONFLICT, "id", "该测试尚未发布或已结束");
    json_t *in;
    if ((rc = dj_body_json(r, start_spec, &in)))
        return rc;
    struct quiz_tx j = {.r = r, .id = id, .in = in};
    rc = study_in_tx(dj_db(r), attempt_start_tx, &j);
    json_decref(in);
    return reply_out(r, rc, 201, &j);
}

static const struct dj_jfield submit_spec[] = {
    {"answers", "答案", DJ_J_OBJ, DJ_J_REQ, 0, 0, NULL},
    {NULL},
};

/* POST /study/quizzes/:id/import: questions from a CSV that Excel saved (UTF-8 or
 * GBK), appended to a bank nobody has answered yet. */
int study_h_quiz_import(dj_req *r)
{
    int64_t id, org;
    char state[16];
    bool manage;
    int rc = load_quiz(r, &id, &org, state, &manage);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.manage", org);
    if (rc)
        return rc;
    char *text = NULL;
    size_t len = 0;
    const char *enc = NULL;
    if (!r->body || dj_text_to_utf8(r->body, r->body_len, NULL, &text, &len, &enc) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "file", "文件编码无法识别，请在 Excel 中另存为“CSV UTF-8”");
    json_t *quiz = study_quiz_get(dj_db(r), id, true, &rc);
    if (!quiz) {
        free(text);
        return rc;
    }
    json_t *qs = json_array();
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(quiz, "questions"), i, q) {
        const char *kind = dj_jstr(q, "kind", "");
        const char *ans = dj_jstr(q, "answer", "");
        json_array_append_new(qs, json_pack("{s:s, s:s, s:O, s:s, s:O}", "kind", kind, "stem", dj_jstr(q, "stem", ""),
                                            "options", json_object_get(q, "options"), "answer",
                                            strcmp(kind, "judge") == 0 ? (strcmp(ans, "T") == 0 ? "对" : "错") : ans,
                                            "explanation", json_object_get(q, "explanation")));
    }
    size_t before = json_array_size(qs);
    char why[240];
    int n = study_questions_from_csv(text, len, qs, why, sizeof why);
    free(text);
    if (n <= 0) {
        json_decref(qs);
        json_decref(quiz);
        return dj_fail(r, DJ_EINVAL, "file", "%s", n == 0 ? "文件里没有题目" : why);
    }
    json_t *in = json_pack("{s:O, s:O, s:O, s:O, s:o}", "title", json_object_get(quiz, "title"), "pass_percent",
                           json_object_get(quiz, "pass_percent"), "time_limit_min", json_object_get(quiz, "time_limit_min"),
                           "draw_count", json_object_get(quiz, "draw_count"), "questions", qs);
    json_decref(quiz);
    db_conn *c = dj_db(r);
    const char *field = NULL, *msg = NULL;
    int64_t new_id = 0;
    if ((rc = db_begin(c)) == DJ_OK) {
        rc = study_quiz_save(c, id, in, r->user->id, &new_id, &field, &msg);
        json_t *a = json_pack("{s:i}", "imported", n);
        if (rc == DJ_OK)
            rc = audit_write(c, r, "import", "study_quiz", id, NULL, a);
        json_decref(a);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(in);
    if (rc && msg)
        return dj_fail(r, rc, "file", "%s", msg);
    if (rc)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:i, s:I}", "imported", n, "total", (json_int_t)(before + (size_t)n)));
}

/* Answers at a quiz's deadline come in a burst. Each submission is read and scored on
 * its request thread; only its writes (the attempt's result, the marker of the points it
 * is owed, the audit row) go through a group commit (batch.h), so the one committer does
 * little per answer; the request is answered once they are on disk. The points follow
 * (award_owed, within a second), behind the commit instead of inside it: an award is
 * some twenty statements (the ledger's chain, the totals, the organisations' figures). */
struct submit_job {
    struct dj_batch_item item;
    struct study_scored s;
    json_t *in; /* the body; released by dj_on_done */
    bool first; /* this submission wrote the attempt (else a retry racing it did) */
    uint64_t t0, t1; /* with DJ_TIMING: the handler's start, the item queued */
};

static void release_job(void *arg)
{
    struct submit_job *j = arg;
    json_decref(j->in);
    json_decref(j->s.answers);
    json_decref(j->s.result);
}

static int submit_apply(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct submit_job *j = (struct submit_job *)it;
    bool first = false;
    int rc = study_attempt_record(c, &j->s, &first);
    j->first = first; /* a batch retried item by item runs this again */
    /* a retry that found the attempt already submitted writes nothing, not even an audit row */
    return rc == DJ_OK && first ? audit_write(c, it->req, "submit", "study_attempt", j->s.id, NULL, j->in) : rc;
}

/* The follow-up of the answers' commits: once across the cluster (the batch's lock),
 * again after a pause while it fails. */
static int award_owed(db_conn *c, void *ctx)
{
    (void)ctx;
    int rc = study_quiz_points_award(c, NULL);
    if (rc != DJ_OK)
        fprintf(stderr, "dangjian: awarding the points of quiz answers failed (%d); tried again shortly\n", rc);
    return rc;
}

static pthread_once_t submit_once = PTHREAD_ONCE_INIT;
static dj_batch *submit_batch;
static void submit_batch_init(void)
{
    submit_batch = dj_batch_new("study_answers", submit_apply, NULL, 1024);
    /* after 100 ms of quiet, and every 500 ms through a burst: on the member's points
     * screen within a second */
    dj_batch_after(submit_batch, award_owed, NULL, 100, 500);
}

void study_quiz_points_start(void)
{
    pthread_once(&submit_once, submit_batch_init);
    dj_batch_after_now(submit_batch); /* what an earlier server left owed */
}

static int submit_reply(dj_req *r, struct submit_job *j)
{
    int rc = j->item.rc;
    if (rc == DJ_EBUSY) {
        /* on PostgreSQL the same submit sent to two servers at once: the later one's
         * write fails once the first has committed; that one's result is the answer */
        json_t *out = study_attempt_result(dj_db(r), j->s.id, &rc);
        if (out && json_is_string(json_object_get(out, "submitted_at")))
            return dj_reply_json(r, 200, out);
        json_decref(out);
        rc = DJ_EBUSY;
    }
    if (rc != DJ_OK)
        return dj_fail(r, rc, NULL, "答卷未能保存，请重新交卷");
    if (j->first && j->s.result) { /* as scored: no need to read it back */
        json_t *out = j->s.result;
        j->s.result = NULL;
        return dj_reply_json(r, 200, out);
    }
    json_t *out = study_attempt_result(dj_db(r), j->s.id, &rc);
    return out ? dj_reply_json(r, 200, out) : rc;
}

static int submit_answer(dj_req *r)
{
    struct submit_job *j = r->work_arg;
    if (!j->t0)
        return submit_reply(r, j);
    uint64_t t2 = study_timing_now();
    int rc = submit_reply(r, j);
    uint64_t t3 = study_timing_now();
    study_timing_add(STUDY_T_SCORE, j->t1 - j->t0);
    uint64_t rel = j->item.released_us > j->t1 && j->item.released_us < t2 ? j->item.released_us : t2;
    study_timing_add(STUDY_T_COMMIT, rel - j->t1);
    study_timing_add(STUDY_T_RESUME, t2 - rel);
    study_timing_add(STUDY_T_REPLY, t3 - t2);
    study_timing_add(STUDY_T_TOTAL, t3 - j->t0);
    return rc;
}

int study_h_attempt_submit(dj_req *r)
{
    uint64_t t0 = study_timing_on() ? study_timing_now() : 0;
    int64_t id, person = 0;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    if (study_attempt_person(dj_db(r), id, &person) != DJ_OK || person != r->user->person_id || !person)
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该答卷");
    json_t *in;
    if ((rc = dj_body_json(r, submit_spec, &in)))
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(in, "answers"), key, v) {
        if (!json_is_string(v) || strlen(json_string_value(v)) > 20) {
            json_decref(in);
            return dj_fail(r, DJ_EINVAL, "answers", "答案须为选项字母或“对/错”");
        }
    }
    struct submit_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->in = in;
    j->t0 = t0;
    dj_on_done(r, release_job, j);
    const char *why = NULL;
    int err = 0;
    if ((rc = study_attempt_score(dj_db(r), id, json_object_get(in, "answers"), &j->s, &err, &why)))
        return why ? dj_fail(r, rc, NULL, "%s", why) : rc;
    if (j->s.already) { /* submitted before: the same result, nothing written */
        json_t *out = study_attempt_result(dj_db(r), id, &rc);
        return out ? dj_reply_json(r, 200, out) : rc;
    }
    pthread_once(&submit_once, submit_batch_init);
    r->work_arg = j;
    if (t0)
        j->t1 = study_timing_now();
    return dj_batch_submit(submit_batch, r, &j->item, submit_answer);
}

/* ---------- notices ---------- */

static const struct dj_jfield notice_spec[] = {
    {"org_id", "发送范围", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "study.manage")},
    {"title", "标题", DJ_J_STR, DJ_J_REQ, 2, 100, NULL},
    {"body", "正文", DJ_J_STR, DJ_J_REQ, 1, 20000, NULL},
    {"read_by", "阅读截止日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"client_key", "提交编号", DJ_J_STR, 0, 8, 64, NULL},
    {NULL},
};

int study_h_notice_create(dj_req *r)
{
    json_t *in;
    int rc = dj_body_json(r, notice_spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    bool replayed = false;
    if ((rc = db_begin(c)) == DJ_OK) {
        rc = study_notice_create(c, in, user_id(r), &id, &replayed);
        if (rc == DJ_OK && !replayed)
            rc = audit_write(c, r, "create", "study_notice", id, NULL, in);
        /* to its audience, in this transaction */
        if (rc == DJ_OK && !replayed)
            rc = study_notify_notice(c, id);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    json_decref(in);
    if (rc)
        return rc;
    return dj_reply_json(r, replayed ? 200 : 201, json_pack("{s:I, s:b}", "id", (json_int_t)id, "replayed", replayed));
}

int study_h_notices_list(dj_req *r)
{
    char *scope = auth_scope_sql(r, "study.read", "no.path");
    int err = 0;
    json_t *rows = study_notices_list(dj_db(r), scope, &err);
    return rows ? dj_reply_json(r, 200, json_pack("{s:o}", "items", rows)) : err;
}

static json_t *notices_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    json_t *rows = study_notices_mine(dj_db(r), r->user->person_id, rc);
    return rows ? json_pack("{s:o}", "items", rows) : NULL;
}

/* GET /api/v1/study/notices/mine : the notices that reach the member, kept for
 * them until a notice or their receipt is written. */
int study_h_notices_mine(dj_req *r)
{
    if (!r->user->person_id)
        return dj_reply_json(r, 200, json_pack("{s:[]}", "items"));
    return dj_reply_user_kept(r, "study.notices.mine", DJ_RCACHE_USER_TTL_MS, notices_make, NULL);
}

/* The notice of :id, if it reaches the caller or the caller reads study on its org. */
static int load_notice(dj_req *r, int64_t *id, int64_t *org, bool *reaches)
{
    int rc = dj_param_id(r, "id", id);
    if (rc)
        return rc;
    rc = study_notice_org(dj_db(r), *id, org);
    *reaches = rc == DJ_OK && r->user->person_id && study_notice_reaches(dj_db(r), *id, r->user->person_id);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !*reaches && !auth_can(r, "study.read", *org)))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该通知");
    return rc;
}

int study_h_notice_get(dj_req *r)
{
    int64_t id, org;
    bool reaches;
    int rc = load_notice(r, &id, &org, &reaches);
    if (rc)
        return rc;
    json_t *o = db_query_row(dj_db(r), &rc,
                             "SELECT n.id, n.title, n.body, n.read_by, n.created_at, o.name AS org_name,"
                             " (SELECT read_at FROM study_notice_reads x WHERE x.notice_id = n.id AND x.person_id = $2)"
                             " AS read_at FROM study_notices n JOIN orgs o ON o.id = n.org_id WHERE n.id = $1",
                             "ii", id, r->user->person_id);
    if (!o)
        return rc;
    json_object_set_new(o, "files", study_notice_files(dj_db(r), id));
    return dj_reply_json(r, 200, o);
}

int study_h_notice_read(dj_req *r)
{
    int64_t id, org;
    bool reaches, first = false;
    int rc = load_notice(r, &id, &org, &reaches);
    if (rc)
        return rc;
    if (!reaches)
        return dj_fail(r, DJ_EUNPROCESSABLE, "id", "该通知不是发给您的，无需签收");
    db_conn *c = dj_db(r);
    if ((rc = db_begin(c)) == DJ_OK) {
        rc = study_notice_read(c, id, r->user->person_id, &first);
        if (rc == DJ_OK && first)
            rc = audit_write(c, r, "read", "study_notice", id, NULL, NULL);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    }
    return rc ? rc : dj_reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "first", first));
}

int study_h_notice_receipts(dj_req *r)
{
    int64_t id, org;
    bool reaches;
    int rc = load_notice(r, &id, &org, &reaches);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.read", org);
    if (rc)
        return rc;
    json_t *o = study_notice_receipts(dj_db(r), id, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

/* ---------- 每日一题 ---------- */

static int daily_today_tx(db_conn *c, void *arg)
{
    struct quiz_tx *j = arg;
    int rc = DJ_OK;
    json_decref(j->out);
    j->out = study_daily_today(c, j->r->user->person_id, &rc);
    return j->out ? DJ_OK : rc ? rc : DJ_EINTERNAL;
}

static json_t *daily_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    return study_daily_drawn(dj_db(r), r->user->person_id, rc);
}

/* GET /api/v1/study/daily : the day's question.  Once drawn it is read without
 * a transaction and kept for the member until they answer (a write to
 * study_daily); the first read of the day draws it in a transaction. */
int study_h_daily_get(dj_req *r)
{
    int rc = need_person(r);
    if (rc)
        return rc;
    if ((rc = dj_reply_user_kept(r, "study.daily", DJ_RCACHE_USER_TTL_MS, daily_make, NULL)) != DJ_ENOTFOUND)
        return rc;
    struct quiz_tx j = {.r = r};
    return reply_out(r, study_in_tx(dj_db(r), daily_today_tx, &j), 200, &j);
}

static const struct dj_jfield daily_spec[] = {
    {"answer", "答案", DJ_J_STR, DJ_J_REQ, 1, 10, NULL},
    {NULL},
};

static int daily_answer_tx(db_conn *c, void *arg)
{
    struct quiz_tx *j = arg;
    json_decref(j->out);
    j->out = NULL;
    int rc = study_daily_answer(c, j->r->user->person_id, dj_jstr(j->in, "answer", ""), &j->out, &j->why);
    return rc ? rc : audit_write(c, j->r, "answer", "study_daily", dj_jint(j->out, "id", 0), NULL, j->in);
}

int study_h_daily_answer(dj_req *r)
{
    int rc = need_person(r);
    json_t *in = NULL;
    if (rc || (rc = dj_body_json(r, daily_spec, &in)))
        return rc;
    struct quiz_tx j = {.r = r, .in = in};
    rc = study_in_tx(dj_db(r), daily_answer_tx, &j);
    json_decref(in);
    if (rc == DJ_EINVAL || rc == DJ_ENOTFOUND) {
        json_decref(j.out);
        return dj_fail(r, rc, "answer", j.why ? j.why : "答案格式不正确");
    }
    return reply_out(r, rc, 200, &j);
}
