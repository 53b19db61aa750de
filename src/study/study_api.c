/* study_api.c - HTTP handlers of 学习园地: columns, materials and their search, the
 * reader's heartbeats, the year's 学时 (mine and a branch's), assignments and their
 * completion.  Quizzes and notices are in study_quiz_api.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/batch.h"
#include "../core/err.h"
#include "../core/readcache.h"
#include "../core/scope.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "../points/points.h"
#include "study_int.h"

static int64_t user_id(dj_req *r) { return r->user ? r->user->id : 0; }

static int need_person(dj_req *r)
{
    if (!r->user->person_id)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "当前账号未关联党员信息，不能记录个人学习");
    return DJ_OK;
}

int study_in_tx(db_conn *c, int (*fn)(db_conn *, void *), void *arg)
{
    int rc;
    for (int attempt = 0;; attempt++) {
        if ((rc = db_begin(c)) == DJ_OK) {
            rc = fn(c, arg);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            return rc;
    }
}

/* ---------- columns ---------- */

static json_t *columns_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    json_t *rows = study_columns_list(dj_db(r), rc);
    return rows ? json_pack("{s:o}", "items", rows) : NULL;
}

/* GET /api/v1/study/columns : the same for everyone, kept once until a column is written. */
static int columns_list(dj_req *r)
{
    return dj_reply_kept(r, "study.columns", 0, columns_make, NULL);
}

static const struct dj_jfield column_spec[] = {
    {"name", "栏目名称", DJ_J_STR, DJ_J_REQ, 1, 30, NULL},
    {"description", "栏目说明", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
    {"sort", "排序", DJ_J_INT, 0, 0, 999, NULL},
    {"is_rules", "规章制度栏目", DJ_J_BOOL, 0, 0, 0, NULL},
    {"active", "启用", DJ_J_BOOL, 0, 0, 0, NULL},
    {NULL},
};

struct column_job {
    dj_req *r;
    int64_t id, new_id;
    json_t *in;
};

static int column_tx(db_conn *c, void *arg)
{
    struct column_job *j = arg;
    int rc = study_column_save(c, j->id, j->in, &j->new_id);
    if (rc == DJ_OK)
        rc = audit_write(c, j->r, j->id ? "update" : "create", "study_column", j->new_id, NULL, j->in);
    return rc;
}

static int column_save(dj_req *r, int64_t id)
{
    int64_t root = 0;
    int rc = points_first_root(dj_db(r), &root);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.manage", root); /* columns are the committee's */
    if (rc)
        return rc;
    struct column_job j = {r, id, 0, NULL};
    if ((rc = dj_body_json(r, column_spec, &j.in)))
        return rc;
    rc = study_in_tx(dj_db(r), column_tx, &j);
    json_decref(j.in);
    if (rc == DJ_ECONFLICT || rc == DJ_EINVAL)
        return dj_fail(r, DJ_ECONFLICT, "name", "已有同名栏目");
    if (rc)
        return rc;
    return dj_reply_json(r, id ? 200 : 201, json_pack("{s:I}", "id", (json_int_t)j.new_id));
}

static int column_create(dj_req *r) { return column_save(r, 0); }
static int column_patch(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    int64_t n = 0;
    if (db_query_i64(dj_db(r), &n, "SELECT id FROM study_columns WHERE id = $1", "i", id) != DJ_OK)
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该栏目");
    return column_save(r, id);
}

/* ---------- materials ---------- */

static const char *const material_kinds[] = {"article", "document", "video", "link", NULL};
static const char *const material_states[] = {"draft", "published", "withdrawn", NULL};

struct materials_args {
    const struct study_material_filter *f;
    struct dj_page pg;
};

static json_t *materials_make(dj_req *r, void *arg, int *rc)
{
    struct materials_args *a = arg;
    struct study_viewer v;
    study_viewer_of(r, &v);
    int64_t total = 0;
    json_t *items = study_materials_list(dj_db(r), &v, a->f, a->pg.limit, a->pg.offset, &total, rc);
    return items ? dj_page_result(&a->pg, items, total) : NULL;
}

/* GET /api/v1/study/materials : a page of what the caller may read (and what
 * they have read), kept for the caller (and their grants) under its filter
 * until a material, a column or a reading is written. */
static int materials_list(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    struct study_material_filter f = {0};
    if ((rc = dj_query_int(r, "column_id", 0, 0, INT64_MAX, &f.column_id)))
        return rc;
    f.state = dj_query(r, "state");
    if (f.state && *f.state) {
        bool ok = false;
        for (int i = 0; material_states[i]; i++)
            ok |= strcmp(material_states[i], f.state) == 0;
        if (!ok)
            return dj_fail(r, DJ_EINVAL, "state", "状态只能是草稿、已发布或已撤回");
    } else {
        f.state = NULL;
    }
    const char *q = dj_query(r, "q");
    char *fts = NULL;
    if (q && *q) {
        const char *why = NULL;
        if (dj_utf8_len(q) > 50)
            return dj_fail(r, DJ_EINVAL, "q", "搜索内容不能超过 50 个字");
        if (!(fts = study_query(q, &why)))
            return dj_fail(r, DJ_EINVAL, "q", "%s", why);
        f.fts = dj_arena_strdup(r->arena, fts);
        free(fts);
    }
    struct materials_args a = {&f, pg};
    dj_buf what = {0};
    dj_buf_printf(&what, "study.materials %lld %lld %lld %zu:%s %s", (long long)f.column_id, (long long)pg.limit,
                  (long long)pg.offset, f.state ? strlen(f.state) : 0, f.state ? f.state : "", f.fts ? f.fts : "");
    char *key = dj_buf_cstr(&what);
    rc = dj_reply_user_kept(r, key, DJ_RCACHE_USER_TTL_MS, materials_make, &a);
    free(key);
    return rc;
}

/* Loads :id and checks the caller may see it; 404 otherwise. */
static int load_material(dj_req *r, int64_t *id, int64_t *org, char state[16])
{
    int rc = dj_param_id(r, "id", id);
    if (rc)
        return rc;
    rc = study_material_org(dj_db(r), *id, org, state);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !study_may_see_material_at(r, *org, state)))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该学习材料");
    return rc;
}

static int material_get(dj_req *r)
{
    int64_t id, org;
    char state[16];
    int rc = load_material(r, &id, &org, state);
    if (rc)
        return rc;
    json_t *o = study_material_get(dj_db(r), id, r->user->person_id, &rc);
    if (!o)
        return rc;
    json_object_set_new(o, "files", study_material_files(dj_db(r), id));
    json_object_set_new(o, "may_manage", json_boolean(auth_can(r, "study.manage", org)));
    json_object_set_new(o, "beat_seconds", json_integer(dj_setting_int(dj_db(r), "study.beat_seconds", 15)));
    return dj_reply_json(r, 200, o);
}

#define MATERIAL_FIELDS                                                                                               \
    {"column_id", "栏目", DJ_J_ID, DJ_J_REQ | DJ_J_UNSCOPED, 0, 0, NULL},                                            \
    {"kind", "材料类型", DJ_J_STR, DJ_J_REQ, 1, 16, material_kinds},                                                 \
    {"title", "标题", DJ_J_STR, DJ_J_REQ, 2, 100, NULL},                                                              \
    {"summary", "摘要", DJ_J_STR, DJ_J_NULL, 0, 300, NULL},                                                           \
    {"body", "正文", DJ_J_STR, DJ_J_NULL, 0, 200000, NULL},                                                           \
    {"url", "链接地址", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},                                                           \
    {"minutes", "学习时长（分钟）", DJ_J_INT, 0, 0, 600, NULL},                                                      \
    {"length_seconds", "学习时长（秒）", DJ_J_INT, 0, 0, STUDY_MAX_LENGTH, NULL}

static const struct dj_jfield material_create_spec[] = {
    {"org_id", "发布组织", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "study.manage")},
    MATERIAL_FIELDS,
    {NULL},
};
static const struct dj_jfield material_patch_spec[] = {
    MATERIAL_FIELDS,
    {NULL},
};

/* What the rules need beyond the table: a column that exists, a body for an article,
 * an http(s) address for a link, a length for what has no text. */
static int material_check(dj_req *r, const json_t *in)
{
    int64_t n = 0;
    if (db_query_i64(dj_db(r), &n, "SELECT id FROM study_columns WHERE id = $1 AND active = 1", "i",
                     dj_jint(in, "column_id", 0)) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "column_id", "栏目不存在或已停用");
    const char *kind = dj_jstr(in, "kind", "");
    if (strcmp(kind, "article") == 0 && dj_str_blank(dj_jstr(in, "body", "")))
        return dj_fail(r, DJ_EINVAL, "body", "文章须填写正文");
    const char *url = dj_jstr(in, "url", NULL);
    if (strcmp(kind, "link") == 0 && (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)))
        return dj_fail(r, DJ_EINVAL, "url", "外部链接须以 http:// 或 https:// 开头");
    if (url && *url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return dj_fail(r, DJ_EINVAL, "url", "链接地址须以 http:// 或 https:// 开头");
    if (strcmp(kind, "article") != 0 && dj_jint(in, "minutes", 0) <= 0 && dj_jint(in, "length_seconds", 0) <= 0)
        return dj_fail(r, DJ_EINVAL, strcmp(kind, "video") == 0 ? "length_seconds" : "minutes",
                       "%s", strcmp(kind, "video") == 0 ? "请填写视频时长（秒）" : "请填写学习时长（分钟）");
    return DJ_OK;
}

struct material_job {
    dj_req *r;
    int64_t id, new_id;
    json_t *in, *before;
};

static int material_tx(db_conn *c, void *arg)
{
    struct material_job *j = arg;
    int rc = study_material_save(c, j->id, j->in, user_id(j->r), &j->new_id);
    if (rc == DJ_OK)
        rc = audit_write(c, j->r, j->id ? "update" : "create", "study_material", j->new_id, j->before, j->in);
    return rc;
}

static int material_create(dj_req *r)
{
    struct material_job j = {r, 0, 0, NULL, NULL};
    int rc = dj_body_json(r, material_create_spec, &j.in);
    if (rc)
        return rc;
    if ((rc = material_check(r, j.in)) == DJ_OK)
        rc = study_in_tx(dj_db(r), material_tx, &j);
    json_decref(j.in);
    if (rc)
        return rc;
    return dj_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)j.new_id, "state", "draft"));
}

static int material_patch(dj_req *r)
{
    int64_t id, org;
    char state[16];
    int rc = load_material(r, &id, &org, state);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.manage", org);
    if (rc)
        return rc;
    struct material_job j = {r, id, 0, NULL, NULL};
    if ((rc = dj_body_json(r, material_patch_spec, &j.in)))
        return rc;
    j.before = study_material_get(dj_db(r), id, 0, &rc);
    if (j.before && (rc = material_check(r, j.in)) == DJ_OK)
        rc = study_in_tx(dj_db(r), material_tx, &j);
    json_decref(j.in);
    json_decref(j.before);
    if (rc)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)id));
}

struct state_job {
    dj_req *r;
    int64_t id;
    const char *from, *to;
};

static int state_tx(db_conn *c, void *arg)
{
    struct state_job *j = arg;
    int rc = study_material_set_state(c, j->id, j->to);
    if (rc == DJ_OK) {
        json_t *b = json_pack("{s:s}", "state", j->from), *a = json_pack("{s:s}", "state", j->to);
        rc = audit_write(c, j->r, j->to, "study_material", j->id, b, a);
        json_decref(b);
        json_decref(a);
    }
    return rc;
}

static int material_state(dj_req *r, const char *to)
{
    int64_t id, org;
    char state[16];
    int rc = load_material(r, &id, &org, state);
    if (rc == DJ_OK)
        rc = auth_require(r, "study.manage", org);
    if (rc)
        return rc;
    if (strcmp(state, to) != 0) {
        struct state_job j = {r, id, state, to};
        if ((rc = study_in_tx(dj_db(r), state_tx, &j)))
            return rc;
    }
    return dj_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", to));
}

static int material_publish(dj_req *r) { return material_state(r, "published"); }
static int material_withdraw(dj_req *r) { return material_state(r, "withdrawn"); }

/* ---------- heartbeats ---------- */

static const struct dj_jfield beat_spec[] = {
    {"session", "阅读会话", DJ_J_STR, DJ_J_REQ, 8, 64, NULL},
    {"seq", "序号", DJ_J_INT, DJ_J_REQ, 1, 1000000, NULL},
    {"visible", "页面可见", DJ_J_BOOL, DJ_J_REQ, 0, 0, NULL},
    {"active", "正在阅读", DJ_J_BOOL, DJ_J_REQ, 0, 0, NULL},
    {NULL},
};

/* Heartbeats are many small writes (5,000 readers beat every 15 s): they go through a
 * group commit (batch.h), one transaction and one fsync for all the beats queued, and
 * each request answers once its beat is on disk. */
struct beat_job {
    struct dj_batch_item item;
    struct study_beat b;
    struct study_beat_result res;
    int64_t now;
};

static int beat_apply(db_conn *c, struct dj_batch_item *it, void *ctx)
{
    (void)ctx;
    struct beat_job *j = (struct beat_job *)it;
    return study_beat_record(c, &j->b, j->now, &j->res);
}

static pthread_once_t beat_once = PTHREAD_ONCE_INIT;
static dj_batch *beat_batch;
static void beat_batch_init(void)
{
    beat_batch = dj_batch_new("study_beats", beat_apply, NULL, 2048);
    /* a phone beats every 15 s: 50 ms more for its answer lets a few hundred beats a
     * second share a handful of commits (the fsyncs were most of their cost) */
    dj_batch_linger(beat_batch, 50);
}

static int beat_answer(dj_req *r)
{
    struct beat_job *j = r->work_arg;
    if (j->item.rc != DJ_OK)
        return dj_fail(r, j->item.rc == DJ_EBUSY ? DJ_EBUSY : j->item.rc, NULL, "学习时间未能保存，稍后自动重试");
    /* heartbeats are not audited one by one: the counted time is its own record
     * (study_progress, study_time), and a finished material's points are in the ledger */
    return dj_reply_json(r, 200,
                         json_pack("{s:I, s:I, s:I, s:b, s:b, s:b, s:I, s:s}", "credited", (json_int_t)j->res.credited,
                                   "seconds", (json_int_t)j->res.seconds, "length_seconds",
                                   (json_int_t)j->res.length_seconds, "finished", j->res.finished, "finished_now",
                                   j->res.finished_now, "replay", j->res.replay, "points", (json_int_t)j->res.points,
                                   "notice", j->res.notice));
}

static int material_beat(dj_req *r)
{
    int64_t id, org;
    char state[16];
    int rc = load_material(r, &id, &org, state);
    if (rc == DJ_OK)
        rc = need_person(r);
    if (rc)
        return rc;
    if (strcmp(state, "published") != 0)
        return dj_fail(r, DJ_ECONFLICT, "id", "该材料尚未发布，学习时间不计入学时");
    json_t *in;
    if ((rc = dj_body_json(r, beat_spec, &in)))
        return rc;
    pthread_once(&beat_once, beat_batch_init);
    struct beat_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->b = (struct study_beat){r->user->person_id, id, dj_arena_strdup(r->arena, dj_jstr(in, "session", "")),
                               dj_jint(in, "seq", 0), dj_jbool(in, "visible", false), dj_jbool(in, "active", false)};
    j->now = dj_now();
    json_decref(in);
    r->work_arg = j;
    return dj_batch_submit(beat_batch, r, &j->item, beat_answer);
}

/* ---------- 学时 ---------- */

static int year_arg(dj_req *r, int *year)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int64_t v;
    int rc = dj_query_int(r, "year", y, 2000, 2100, &v);
    *year = (int)v;
    return rc;
}

static json_t *hours_make(dj_req *r, void *arg, int *rc)
{
    return study_hours_of(dj_db(r), r->user->person_id, *(int *)arg, rc);
}

/* GET /api/v1/study/hours/me : the member's hours of the year, kept for them
 * until an hour, a reading or an activity of theirs is written. */
static int hours_me(dj_req *r)
{
    int year, rc = need_person(r);
    if (rc == DJ_OK)
        rc = year_arg(r, &year);
    if (rc)
        return rc;
    char what[32];
    snprintf(what, sizeof what, "study.hours.me %d", year);
    return dj_reply_user_kept(r, what, DJ_RCACHE_USER_TTL_MS, hours_make, &year);
}

static int hours_report(dj_req *r)
{
    int64_t org = 0;
    int year;
    int rc = dj_query_ref(r, "org_id", "org", "study.read", &org);
    if (rc == DJ_OK && !org)
        rc = dj_fail(r, DJ_EINVAL, "org_id", "请选择组织");
    if (rc == DJ_OK)
        rc = year_arg(r, &year);
    if (rc)
        return rc;
    char *path = NULL;
    if ((rc = auth_org_path(dj_db(r), org, &path)))
        return rc;
    json_t *o = study_hours_report(dj_db(r), path, year, &rc);
    free(path);
    return o ? dj_reply_json(r, 200, o) : rc;
}

/* ---------- assignments ---------- */

static const struct dj_jfield assignment_spec[] = {
    {"org_id", "布置组织", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "study.manage")},
    {"title", "任务名称", DJ_J_STR, DJ_J_REQ, 2, 100, NULL},
    {"note", "要求", DJ_J_STR, DJ_J_NULL, 0, 1000, NULL},
    {"due_on", "截止日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"material_ids", "学习材料", DJ_J_IDS, DJ_J_REQ, 0, 50, NULL, DJ_SCOPE("study_material", "study.manage")},
    {"org_ids", "学习组织", DJ_J_IDS, 0, 0, 200, NULL, DJ_SCOPE("org", "study.manage")},
    {"person_ids", "学习人员", DJ_J_IDS, 0, 0, 2000, NULL, DJ_SCOPE("person", "study.manage")},
    {"client_key", "提交编号", DJ_J_STR, 0, 8, 64, NULL},
    {NULL},
};

struct assign_job {
    dj_req *r;
    json_t *in;
    int64_t id;
    bool replayed;
};

static int assign_tx(db_conn *c, void *arg)
{
    struct assign_job *j = arg;
    int rc = study_assignment_create(c, j->in, user_id(j->r), &j->id, &j->replayed);
    if (rc == DJ_OK && !j->replayed)
        rc = audit_write(c, j->r, "create", "study_assignment", j->id, NULL, j->in);
    /* one message per member reached, in this transaction (a replay wrote them already) */
    if (rc == DJ_OK && !j->replayed)
        rc = study_notify_assignment(c, j->id);
    return rc;
}

static int assignment_create(dj_req *r)
{
    struct assign_job j = {r, NULL, 0, false};
    int rc = dj_body_json(r, assignment_spec, &j.in);
    if (rc)
        return rc;
    json_t *mats = json_object_get(j.in, "material_ids");
    if (json_array_size(mats) == 0)
        rc = dj_fail(r, DJ_EINVAL, "material_ids", "请至少选择一篇学习材料");
    else if (json_array_size(json_object_get(j.in, "org_ids")) + json_array_size(json_object_get(j.in, "person_ids")) == 0)
        rc = dj_fail(r, DJ_EINVAL, "org_ids", "请选择学习的组织或人员");
    size_t i;
    json_t *v;
    json_array_foreach(mats, i, v) {
        char state[16];
        int64_t org;
        if (rc == DJ_OK && (study_material_org(dj_db(r), json_integer_value(v), &org, state) != DJ_OK ||
                            strcmp(state, "published") != 0))
            rc = dj_fail(r, DJ_EINVAL, "material_ids", "只能布置已发布的学习材料（第 %zu 项未发布）", i + 1);
    }
    if (rc == DJ_OK)
        rc = study_in_tx(dj_db(r), assign_tx, &j);
    json_decref(j.in);
    if (rc)
        return rc;
    return dj_reply_json(r, j.replayed ? 200 : 201,
                         json_pack("{s:I, s:b}", "id", (json_int_t)j.id, "replayed", j.replayed));
}

static int assignments_list(dj_req *r)
{
    char *scope = auth_scope_sql(r, "study.read", "o.path");
    int err = 0;
    json_t *rows = study_assignments_list(dj_db(r), scope, &err);
    if (!rows)
        return err;
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

static int assignment_get(dj_req *r)
{
    int64_t id, org = 0;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    if (study_assignment_org(dj_db(r), id, &org) != DJ_OK || !auth_can(r, "study.read", org))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该学习任务");
    json_t *o = study_assignment_progress(dj_db(r), id, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

static json_t *assignments_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    json_t *rows = study_assignments_mine(dj_db(r), r->user->person_id, rc);
    return rows ? json_pack("{s:o}", "items", rows) : NULL;
}

/* GET /api/v1/study/assignments/mine : the member's tasks with their progress,
 * kept for them until a task, its materials or their reading is written. */
static int assignments_mine(dj_req *r)
{
    int rc = need_person(r);
    return rc ? rc : dj_reply_user_kept(r, "study.assignments.mine", DJ_RCACHE_USER_TTL_MS, assignments_make, NULL);
}

const struct dj_scope_kind study_scope_kinds[] = {
    /* a draft belongs to its org; a published material to every org it is published to */
    {"study_material", "学习材料",
     "SELECT o.path FROM study_materials m JOIN orgs mo ON mo.id = m.org_id JOIN orgs o"
     " ON o.id = mo.id OR (m.state = 'published' AND o.path >= mo.path AND o.path < mo.path || ':') WHERE m.id = $1"},
    {"study_quiz", "学习测试", "SELECT o.path FROM study_quizzes q JOIN orgs o ON o.id = q.org_id WHERE q.id = $1"},
    {0},
};

const struct dj_route study_routes[] = {
    {"GET", "/api/v1/study/columns", columns_list, NULL, 0, 0},
    {"POST", "/api/v1/study/columns", column_create, "study.manage", 0, 0},
    {"PATCH", "/api/v1/study/columns/:id", column_patch, "study.manage", 0, 0},
    {"GET", "/api/v1/study/materials", materials_list, NULL, 0, 0},
    {"POST", "/api/v1/study/materials", material_create, "study.manage", 0, 0},
    {"GET", "/api/v1/study/materials/:id", material_get, NULL, 0, 0},
    {"PATCH", "/api/v1/study/materials/:id", material_patch, "study.manage", 0, 0},
    {"POST", "/api/v1/study/materials/:id/publish", material_publish, "study.manage", 0, 0},
    {"POST", "/api/v1/study/materials/:id/withdraw", material_withdraw, "study.manage", 0, 0},
    {"POST", "/api/v1/study/materials/:id/beats", material_beat, NULL, 0, 4096},
    {"GET", "/api/v1/study/hours/me", hours_me, NULL, 0, 0},
    {"GET", "/api/v1/study/hours", hours_report, "study.read", 0, 0},
    {"GET", "/api/v1/study/assignments", assignments_list, "study.read", 0, 0},
    {"POST", "/api/v1/study/assignments", assignment_create, "study.manage", 0, 0},
    {"GET", "/api/v1/study/assignments/mine", assignments_mine, NULL, 0, 0},
    {"GET", "/api/v1/study/assignments/:id", assignment_get, "study.read", 0, 0},
    STUDY_QUIZ_ROUTES,
    {0},
};
