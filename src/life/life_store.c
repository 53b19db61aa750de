/* life_store.c - activities and leave in the database: create, read, list,
 * edit, state changes, the people expected, leave requests and decisions.
 * Every change writes its audit record in the same transaction. */
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/notify.h"
#include "../core/timeutil.h"
#include "life.h"
#include "life_int.h"

#define ACTIVITY_COLS ACTIVITY_COLS_HEAD " a.minutes, a.resolutions," ACTIVITY_COLS_TAIL
/* a list leaves out the minutes and resolutions (long texts): one activity carries them */
#define ACTIVITY_LIST_COLS ACTIVITY_COLS_HEAD ACTIVITY_COLS_TAIL
#define ACTIVITY_COLS_HEAD                                                                                    \
    "SELECT a.id, a.org_id, o.name AS org_name, o.kind AS org_kind, o.path AS org_path, a.kind, a.title,"     \
    " a.starts_at, a.ends_at, a.place, a.agenda, a.host_person_id, hp.name AS host_name,"                      \
    " a.recorder_person_id, rp.name AS recorder_name, a.topic, a.project, a.study_hours, a.volunteer_hours,"   \
    " a.state,"
#define ACTIVITY_COLS_TAIL                                                                                    \
    " a.cancel_reason, a.noticed_at,"                                                                          \
    " (SELECT COUNT(*) FROM file_links fl WHERE fl.subject = 'activity' AND fl.record_id = a.id)"            \
    " AS attachment_count,"                                                                                    \
    " a.held_at, a.closed_at, a.cancelled_at, a.created_at, a.updated_at,"                                     \
    " (SELECT COUNT(*) FROM activity_people ap WHERE ap.activity_id = a.id) AS expected_count,"               \
    " (SELECT COUNT(*) FROM attendance t WHERE t.activity_id = a.id) AS present_count,"                       \
    " (SELECT COUNT(*) FROM activity_leaves l WHERE l.activity_id = a.id AND l.status = 'approved') AS leave_count" \
    " FROM activities a JOIN orgs o ON o.id = a.org_id"                                                        \
    " LEFT JOIN people hp ON hp.id = a.host_person_id LEFT JOIN people rp ON rp.id = a.recorder_person_id"

static void add_kind_name(json_t *a)
{
    const struct life_kind *k = life_kind_find(json_string_value(json_object_get(a, "kind")));
    json_object_set_new(a, "kind_name", json_string(k ? k->name : ""));
}

json_t *life_activity_row(db_conn *c, int64_t id, int *err)
{
    json_t *a = db_query_row(c, err, ACTIVITY_COLS " WHERE a.id = $1", "i", id);
    if (a) {
        add_kind_name(a);
        json_object_set_new(a, "attachments", life_activity_attachments(c, id));
    }
    return a;
}

int life_activity_brief(db_conn *c, int64_t id, struct life_activity_brief *out)
{
    db_stmt *s = db_prep(c, "SELECT a.org_id, o.path, a.kind, a.state, a.starts_at, a.ends_at, a.title"
                            " FROM activities a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1");
    if (!s)
        return DJ_EDB;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = id;
        out->org_id = db_col_i64(s, 0);
        snprintf(out->org_path, sizeof out->org_path, "%s", db_col_text(s, 1));
        snprintf(out->kind, sizeof out->kind, "%s", db_col_text(s, 2));
        snprintf(out->state, sizeof out->state, "%s", db_col_text(s, 3));
        dj_time_parse(db_col_text(s, 4), &out->starts_at);
        dj_time_parse(db_col_text(s, 5), &out->ends_at);
        snprintf(out->title, sizeof out->title, "%s", db_col_text(s, 6));
        rc = DJ_OK;
    } else if (rc == DB_DONE) {
        rc = DJ_ENOTFOUND;
    }
    db_done(s);
    return rc;
}

bool life_is_expected(db_conn *c, int64_t activity_id, int64_t person_id)
{
    int64_t one = 0;
    return person_id > 0 &&
           db_query_i64(c, &one, "SELECT 1 FROM activity_people WHERE activity_id = $1 AND person_id = $2", "ii",
                        activity_id, person_id) == DJ_OK;
}

bool life_may_see(dj_req *r, const struct life_activity_brief *a)
{
    /* a planned activity is a draft: its organisers see it, members once it is noticed */
    /* the brief carries the org's path: no query for the grants (a check-in's hot path) */
    if (strcmp(a->state, "planned") == 0)
        return auth_can_path(r, "life.manage", a->org_path);
    return auth_can_path(r, "life.read", a->org_path) || life_is_expected(dj_db(r), a->id, r->user->person_id);
}

/* Normalises an ISO time with any offset to stored UTC text. */
static const char *utc_text(dj_req *r, const char *iso)
{
    int64_t t;
    if (!iso || dj_time_parse(iso, &t) != DJ_OK)
        return NULL;
    char *out = dj_arena_alloc(r->arena, 21);
    dj_time_iso(t, out);
    return out;
}

static int check_person(dj_req *r, db_conn *c, const json_t *in, const char *field)
{
    if (!dj_jhas(in, field))
        return DJ_OK;
    int64_t one;
    if (db_query_i64(c, &one, "SELECT 1 FROM people WHERE id = $1", "i", dj_jint(in, field, 0)) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, field, "找不到该人员（编号 %lld）", (long long)dj_jint(in, field, 0));
    return DJ_OK;
}

/* Replaces the expected list with ids (each an existing, active person). */
static int set_expected(dj_req *r, db_conn *c, int64_t id, const json_t *ids)
{
    int rc = db_exec(c, "DELETE FROM activity_people WHERE activity_id = $1", "i", id);
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (rc != DJ_OK)
            break;
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return dj_fail(r, DJ_EINVAL, "expected_person_ids", "“应到人员”第 %zu 项不是有效的人员编号", i + 1);
        int64_t one;
        if (db_query_i64(c, &one, "SELECT 1 FROM people WHERE id = $1 AND active = 1", "i",
                         (int64_t)json_integer_value(v)) != DJ_OK)
            return dj_fail(r, DJ_EINVAL, "expected_person_ids", "“应到人员”中的人员 %lld 不存在或已停用",
                           (long long)json_integer_value(v));
        rc = db_exec(c, "INSERT INTO activity_people (activity_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                     "ii", id, (int64_t)json_integer_value(v));
    }
    return rc;
}

/* The default expected people: party members (full and probationary) whose
 * branch lies in the activity organisation's subtree. */
static int default_expected(db_conn *c, int64_t id, const char *org_path)
{
    return db_exec(c,
                   "INSERT INTO activity_people (activity_id, person_id)"
                   " SELECT $1, p.id FROM people p JOIN orgs o ON o.id = p.org_id"
                   " WHERE o.path >= $2 AND o.path < $2 || ':' AND p.active = 1 AND p.party_status IN ('full', 'probationary')",
                   "it", id, org_path);
}

static int check_times(dj_req *r, const char *starts, const char *ends)
{
    int64_t s, e;
    if (dj_time_parse(starts, &s) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "starts_at", "“开始时间”无效");
    if (dj_time_parse(ends, &e) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "ends_at", "“结束时间”无效");
    if (e <= s)
        return dj_fail(r, DJ_EINVAL, "ends_at", "“结束时间”应晚于“开始时间”");
    if (e - s > 7 * 86400)
        return dj_fail(r, DJ_EINVAL, "ends_at", "一次活动不能超过 7 天");
    return DJ_OK;
}

static int check_hours(dj_req *r, const char *kind, const json_t *in)
{
    const struct life_kind *k = life_kind_find(kind);
    if (dj_jhas(in, "study_hours") && json_number_value(json_object_get(in, "study_hours")) > 0 &&
        !(k->flags & LIFE_KIND_STUDY))
        return dj_fail(r, DJ_EINVAL, "study_hours", "只有学习类活动（理论学习、党课、微分享、党性教育）才计学时");
    if (dj_jhas(in, "volunteer_hours") && json_number_value(json_object_get(in, "volunteer_hours")) > 0 &&
        !(k->flags & LIFE_KIND_SERVICE))
        return dj_fail(r, DJ_EINVAL, "volunteer_hours", "只有志愿服务活动才计志愿服务时长");
    return DJ_OK;
}

int life_activity_create(dj_req *r, const json_t *in, int64_t *id_out)
{
    db_conn *c = dj_db(r);
    const char *kind = dj_jstr(in, "kind", "");
    int64_t org = dj_jint(in, "org_id", 0);
    const char *starts = utc_text(r, dj_jstr(in, "starts_at", NULL));
    const char *ends = utc_text(r, dj_jstr(in, "ends_at", NULL));
    int rc = check_times(r, dj_jstr(in, "starts_at", ""), dj_jstr(in, "ends_at", ""));
    if (rc == DJ_OK)
        rc = check_hours(r, kind, in);
    if (rc == DJ_OK)
        rc = check_person(r, c, in, "host_person_id");
    if (rc == DJ_OK)
        rc = check_person(r, c, in, "recorder_person_id");
    if (rc != DJ_OK)
        return rc;
    char *path = NULL;
    if (auth_org_path(c, org, &path) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "org_id", "找不到该组织");
    char now[21];
    dj_time_iso(dj_now(), now);
    int64_t id = 0;
    rc = db_begin(c);
    if (rc == DJ_OK)
        rc = db_query_i64(c, &id,
                          "INSERT INTO activities (org_id, kind, title, starts_at, ends_at, place, agenda,"
                          " host_person_id, recorder_person_id, topic, project, study_hours, volunteer_hours,"
                          " created_by, created_at, updated_at)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
                          " RETURNING id",
                          "ittttttIIttddIt", org, kind, dj_jstr(in, "title", ""), starts, ends,
                          dj_jstr(in, "place", ""), dj_jstr(in, "agenda", NULL), dj_jint(in, "host_person_id", 0),
                          dj_jint(in, "recorder_person_id", 0), dj_jstr(in, "topic", NULL),
                          dj_jstr(in, "project", NULL),
                          json_number_value(json_object_get(in, "study_hours")),
                          json_number_value(json_object_get(in, "volunteer_hours")), r->user->id, now);
    if (rc == DJ_OK) {
        if (dj_jhas(in, "expected_person_ids"))
            rc = set_expected(r, c, id, json_object_get(in, "expected_person_ids"));
        else
            rc = default_expected(c, id, path);
    }
    if (rc == DJ_OK)
        rc = audit_write(c, r, "create", "activity", id, NULL, in);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    free(path);
    *id_out = id;
    return rc;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

int life_activity_update(dj_req *r, const struct life_activity_brief *a, const json_t *in)
{
    static const char *const plan_fields[] = {"kind", "title", "starts_at", "ends_at", "place", "agenda",
                                              "host_person_id", "recorder_person_id", "topic", "project",
                                              "expected_person_ids", NULL};
    static const char *const record_fields[] = {"minutes", "resolutions", "study_hours", "volunteer_hours", NULL};
    bool planning = strcmp(a->state, "planned") == 0 || strcmp(a->state, "noticed") == 0;
    bool recording = planning || strcmp(a->state, "held") == 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v) {
        if (in_list(key, plan_fields) && !planning)
            return dj_fail(r, DJ_ECONFLICT, dj_arena_strdup(r->arena, key), "活动已%s，不能再修改安排；只能补充会议记录",
                           strcmp(a->state, "held") == 0 ? "召开" : "结束或取消");
        if (in_list(key, record_fields) && !recording)
            return dj_fail(r, DJ_ECONFLICT, dj_arena_strdup(r->arena, key), "活动已结束或取消，不能再修改");
    }
    db_conn *c = dj_db(r);
    int rc;
    json_t *before = life_activity_row(c, a->id, &rc);
    if (!before)
        return rc;
    json_t *cur = json_deep_copy(before);
    json_object_update(cur, (json_t *)in);
    const char *kind = dj_jstr(cur, "kind", "");
    const char *starts = dj_jstr(cur, "starts_at", ""), *ends = dj_jstr(cur, "ends_at", "");
    rc = check_times(r, starts, ends);
    if (rc == DJ_OK)
        rc = check_hours(r, kind, cur);
    if (rc == DJ_OK)
        rc = check_person(r, c, in, "host_person_id");
    if (rc == DJ_OK)
        rc = check_person(r, c, in, "recorder_person_id");
    char now[21];
    dj_time_iso(dj_now(), now);
    if (rc == DJ_OK)
        rc = db_begin(c);
    if (rc == DJ_OK) {
        rc = db_exec(c,
                     "UPDATE activities SET kind = $2, title = $3, starts_at = $4, ends_at = $5, place = $6,"
                     " agenda = $7, host_person_id = $8, recorder_person_id = $9, topic = $10, project = $11,"
                     " study_hours = $12, volunteer_hours = $13, minutes = $14, resolutions = $15,"
                     " updated_at = $16 WHERE id = $1",
                     "ittttttIIttddttt", a->id, kind, dj_jstr(cur, "title", ""), utc_text(r, starts),
                     utc_text(r, ends), dj_jstr(cur, "place", ""), dj_jstr(cur, "agenda", NULL),
                     dj_jint(cur, "host_person_id", 0), dj_jint(cur, "recorder_person_id", 0),
                     dj_jstr(cur, "topic", NULL), dj_jstr(cur, "project", NULL),
                     json_number_value(json_object_get(cur, "study_hours")),
                     json_number_value(json_object_get(cur, "volunteer_hours")), dj_jstr(cur, "minutes", NULL),
                     dj_jstr(cur, "resolutions", NULL), now);
        if (rc == DJ_OK && dj_jhas(in, "expected_person_ids"))
            rc = set_expected(r, c, a->id, json_object_get(in, "expected_person_ids"));
        bool tell = false; /* a noticed meeting's time, place or people changed: tell them */
        static const char *const told[] = {"title", "starts_at", "ends_at", "place", "expected_person_ids", NULL};
        for (const char *const *f = told; *f; f++)
            tell = tell || (strcmp(a->state, "noticed") == 0 && json_object_get(in, *f) &&
                            !json_equal(json_object_get(in, *f), json_object_get(before, *f)));
        if (rc == DJ_OK && tell)
            rc = life_notify_activity(c, a->id, "changed", NULL);
        if (rc == DJ_OK)
            rc = audit_write(c, r, "update", "activity", a->id, before, in);
        rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        if (rc == DJ_OK && tell)
            dj_notify_poke();
    }
    json_decref(cur);
    json_decref(before);
    return rc;
}

/* Closing emits the hours events of everyone present (attendance events were
 * written with each check-in). */
static int emit_hours_events(db_conn *c, int64_t id)
{
    int rc = db_exec(c,
                     "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                     " SELECT t.person_id, a.id, 'study_hours', a.kind, a.study_hours, a.starts_at"
                     " FROM attendance t JOIN activities a ON a.id = t.activity_id"
                     " WHERE a.id = $1 AND a.study_hours > 0 ON CONFLICT DO NOTHING",
                     "i", id);
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "INSERT INTO life_events (person_id, activity_id, kind, activity_kind, quantity, occurred_at)"
                     " SELECT t.person_id, a.id, 'volunteer_hours', a.kind, a.volunteer_hours, a.starts_at"
                     " FROM attendance t JOIN activities a ON a.id = t.activity_id"
                     " WHERE a.id = $1 AND a.volunteer_hours > 0 ON CONFLICT DO NOTHING",
                     "i", id);
    return rc;
}

int life_activity_transition(dj_req *r, const struct life_activity_brief *a, const char *to, const char *reason)
{
    db_conn *c = dj_db(r);
    int rc = db_begin(c);
    if (rc != DJ_OK)
        return rc;
    /* re-read the state under the write lock: two secretaries may click at once */
    char *state = NULL, *minutes = NULL;
    int64_t present = 0;
    rc = db_query_text(c, &state, "SELECT state FROM activities WHERE id = $1", "i", a->id);
    if (rc == DJ_OK && !life_transition_ok(state, to)) {
        static const struct {
            const char *to, *msg;
        } why[] = {
            {"noticed", "只有“计划中”的活动才能发布通知"},
            {"held", "只有已发布通知的活动才能标记为已召开"},
            {"closed", "只有已召开的活动才能归档结束"},
            {"cancelled", "已召开或已结束的活动不能取消"},
        };
        const char *msg = "活动当前状态不允许此操作";
        for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
            if (strcmp(why[i].to, to) == 0)
                msg = why[i].msg;
        rc = dj_fail(r, DJ_ECONFLICT, "state", "%s（当前状态：%s）", msg, state);
    }
    if (rc == DJ_OK && strcmp(to, "held") == 0 && dj_now() < a->starts_at)
        rc = dj_fail(r, DJ_ECONFLICT, "state", "活动尚未开始，不能标记为已召开");
    if (rc == DJ_OK && strcmp(to, "closed") == 0) {
        db_query_text(c, &minutes, "SELECT minutes FROM activities WHERE id = $1", "i", a->id);
        if (!minutes || dj_str_blank(minutes))
            rc = dj_fail(r, DJ_EUNPROCESSABLE, "minutes", "请先填写会议记录，再归档结束");
    }
    if (rc == DJ_OK && strcmp(to, "cancelled") == 0) {
        if (!reason || dj_str_blank(reason))
            rc = dj_fail(r, DJ_EINVAL, "reason", "请填写取消原因");
        else if (db_query_i64(c, &present, "SELECT COUNT(*) FROM attendance WHERE activity_id = $1", "i", a->id) ==
                     DJ_OK &&
                 present > 0)
            rc = dj_fail(r, DJ_ECONFLICT, "state", "已有 %lld 人签到，活动不能取消", (long long)present);
    }
    char now[21];
    dj_time_iso(dj_now(), now);
    if (rc == DJ_OK) {
        if (strcmp(to, "noticed") == 0)
            rc = db_exec(c, "UPDATE activities SET state = 'noticed', noticed_at = $2, updated_at = $2 WHERE id = $1",
                         "it", a->id, now);
        else if (strcmp(to, "held") == 0)
            rc = db_exec(c, "UPDATE activities SET state = 'held', held_at = $2, updated_at = $2 WHERE id = $1",
                         "it", a->id, now);
        else if (strcmp(to, "closed") == 0) {
            rc = db_exec(c, "UPDATE activities SET state = 'closed', closed_at = $2, updated_at = $2 WHERE id = $1",
                         "it", a->id, now);
            if (rc == DJ_OK)
                rc = emit_hours_events(c, a->id);
            if (rc == DJ_OK)
                rc = life_quorum_freeze(c, a);
        } else
            rc = db_exec(c,
                         "UPDATE activities SET state = 'cancelled', cancelled_at = $2, cancel_reason = $3,"
                         " updated_at = $2 WHERE id = $1",
                         "itt", a->id, now, reason);
    }
    if (rc == DJ_OK && (strcmp(to, "noticed") == 0 || strcmp(to, "cancelled") == 0))
        rc = life_notify_activity(c, a->id, to, reason); /* in this transaction: a rollback tells nobody */
    if (rc == DJ_OK) {
        json_t *b = json_pack("{s:s}", "state", state);
        json_t *af = json_pack("{s:s, s:s?}", "state", to, "reason", reason);
        rc = audit_write(c, r, to, "activity", a->id, b, af);
        json_decref(b);
        json_decref(af);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK && strcmp(to, "closed") == 0)
        life_points_poke(); /* the hours events just written */
    if (rc == DJ_OK && (strcmp(to, "noticed") == 0 || strcmp(to, "cancelled") == 0))
        dj_notify_poke();
    free(state);
    free(minutes);
    return rc;
}

/* The parameters of a list's statement, bound in order ($1 is the caller's person). */
struct list_params {
    int n;
    const char *t[12]; /* NULL: the integer i[k] */
    int64_t i[12];
};

static const char *lp_text(dj_req *r, struct list_params *p, const char *v)
{
    p->t[p->n] = v;
    p->n++;
    return dj_arena_printf(r->arena, "$%d", p->n);
}

static const char *lp_int(dj_req *r, struct list_params *p, int64_t v)
{
    p->t[p->n] = NULL;
    p->i[p->n] = v;
    p->n++;
    return dj_arena_printf(r->arena, "$%d", p->n);
}

/* A read cache key for a statement and its parameters: the answer depends on
 * nothing else (a text is written with its length, so no value can pass for two). */
static void list_key(dj_buf *key, const char *what, const char *sql, const struct list_params *p)
{
    dj_buf_printf(key, "%s\x1f%s", what, sql);
    for (int k = 0; k < p->n; k++)
        if (p->t[k])
            dj_buf_printf(key, "\x1ft%zu:%s", strlen(p->t[k]), p->t[k]);
        else
            dj_buf_printf(key, "\x1fi%lld", (long long)p->i[k]);
}

static json_t *list_rows(db_conn *c, const char *sql, const struct list_params *p, int *err)
{
    db_stmt *s = db_prep_dynamic(c, sql);
    if (!s) {
        *err = DJ_EDB;
        return NULL;
    }
    for (int k = 0; k < p->n; k++)
        if (p->t[k])
            db_bind_text(s, k + 1, p->t[k]);
        else
            db_bind_i64(s, k + 1, p->i[k]);
    json_t *rows = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        json_array_append_new(rows, db_row_json(s));
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(rows);
        *err = rc < 0 ? rc : DJ_EDB;
        return NULL;
    }
    return rows;
}

/* A local date (the whole day) or an ISO time with an offset, as stored UTC text. */
static int list_time(dj_req *r, const char *name, const char *v, bool end_of_day, const char *msg, const char **out)
{
    int y, m, d;
    int64_t t;
    if (dj_date_parse(v, &y, &m, &d) == DJ_OK)
        t = dj_local_midnight(y, m, d) + (end_of_day ? 86400 : 0);
    else if (dj_time_parse(v, &t) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, name, "%s", msg);
    char *b = dj_arena_alloc(r->arena, 21);
    dj_time_iso(t, b);
    *out = b;
    return DJ_OK;
}

/* The list's WHERE with only the conditions asked for: each combination of
 * filters is a statement of its own, kept per connection by its text, so the
 * plan PostgreSQL keeps for it has no "$2 = '' OR a.kind = $2" it cannot fold
 * away.  $1 is the caller's person (the activities they are expected at). */
static int list_where(dj_req *r, db_conn *c, struct list_params *p, const char **where)
{
    const char *kind = dj_query(r, "kind"), *state = dj_query(r, "state");
    const char *from = dj_query(r, "from"), *to = dj_query(r, "to"), *q = dj_query(r, "q");
    const char *mine = dj_query(r, "mine");
    int64_t org = 0;
    int rc = dj_query_int(r, "org", 0, 0, INT64_MAX, &org);
    if (rc)
        return rc;
    if (kind && *kind && !life_kind_find(kind))
        return dj_fail(r, DJ_EINVAL, "kind", "未知的活动类型“%.40s”", kind);
    const char *from_utc = NULL, *to_utc = NULL;
    if (from && *from &&
        (rc = list_time(r, "from", from, false, "参数“from”应为日期（2026-01-01）或带时区的时间", &from_utc)))
        return rc;
    if (to && *to && (rc = list_time(r, "to", to, true, "参数“to”应为日期（2026-12-31）或带时区的时间", &to_utc)))
        return rc;
    char *org_path = NULL;
    if (org && auth_org_path(c, org, &org_path) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "org", "找不到该组织");
    bool only_mine = mine && strcmp(mine, "1") == 0;
    const char *me = lp_int(r, p, r->user->person_id);
    dj_buf w = {0};
    dj_buf_printf(&w,
                  " WHERE (%s OR a.id IN (SELECT activity_id FROM activity_people WHERE person_id = %s))"
                  " AND (a.state <> 'planned' OR %s)",
                  only_mine ? "1=0" : auth_scope_sql(r, "life.read", "o.path"), me,
                  auth_scope_sql(r, "life.manage", "o.path"));
    if (kind && *kind)
        dj_buf_printf(&w, " AND a.kind = %s", lp_text(r, p, kind));
    if (state && *state)
        dj_buf_printf(&w, " AND a.state = %s", lp_text(r, p, state));
    if (from_utc)
        dj_buf_printf(&w, " AND a.starts_at >= %s", lp_text(r, p, from_utc));
    if (to_utc)
        dj_buf_printf(&w, " AND a.starts_at < %s", lp_text(r, p, to_utc));
    if (org_path) {
        /* the subtree as a range of paths (auth_path_end): the path index, not a LIKE */
        size_t len = strlen(org_path) + 1;
        char *end = dj_arena_alloc(r->arena, len);
        auth_path_end(org_path, end, len);
        const char *lo = lp_text(r, p, dj_arena_strdup(r->arena, org_path));
        dj_buf_printf(&w, " AND o.path >= %s AND o.path < %s", lo, lp_text(r, p, end));
        free(org_path);
    }
    if (q && *q)
        dj_buf_printf(&w, " AND a.title LIKE %s", lp_text(r, p, dj_arena_printf(r->arena, "%%%s%%", q)));
    if (only_mine)
        dj_buf_printf(&w, " AND a.id IN (SELECT activity_id FROM activity_people WHERE person_id = %s)", me);
    *where = dj_arena_strdup(r->arena, dj_buf_cstr(&w));
    dj_buf_free(&w);
    return DJ_OK;
}

/* The count of every match, counted once and kept until a write: the key is the
 * query itself (the scope's SQL) and its parameters, so only the same question
 * gets the same answer (readcache.h). */
static int list_count(dj_req *r, db_conn *c, const struct list_params *p, const char *where, int64_t *total)
{
    const char *sql =
        dj_arena_printf(r->arena, "SELECT COUNT(*) AS n FROM activities a JOIN orgs o ON o.id = a.org_id%s", where);
    dj_buf key = {0};
    list_key(&key, "count", sql, p);
    uint64_t gen;
    int rc = DJ_OK;
    json_t *cnt = dj_rcache_get(c, dj_buf_cstr(&key), &gen);
    if (!cnt && (cnt = list_rows(c, sql, p, &rc)))
        dj_rcache_put(dj_buf_cstr(&key), cnt, gen);
    dj_buf_free(&key);
    if (!cnt)
        return rc;
    *total = dj_jint(json_array_get(cnt, 0), "n", 0);
    json_decref(cnt);
    return DJ_OK;
}

/* A page of the list, written straight into out as {"items":[…],"total":n,"next":…}
 * (no tree of objects): the page's rows are chosen first (by the start's index)
 * and only they are joined with their people and counted (attachments,
 * expected, present, on leave). */
static int page_rows(db_conn *c, const char *sql, const struct list_params *pp, const struct dj_page *pg,
                     int64_t total, dj_buf *out);

/* What a page not kept is written from. */
struct page_args {
    dj_req *r;
    const struct list_params *counted, *p;
    const char *where, *sql;
    const struct dj_page *pg;
};

static int page_write(void *arg, dj_buf *out, int64_t *aux)
{
    (void)aux;
    struct page_args *a = arg;
    int64_t total = 0;
    int rc = list_count(a->r, dj_db(a->r), a->counted, a->where, &total);
    return rc ? rc : page_rows(dj_db(a->r), a->sql, a->p, a->pg, total, out);
}

int life_activity_page(dj_req *r, const struct dj_page *pg, dj_buf *out)
{
    db_conn *c = dj_db(r);
    struct list_params p = {0};
    const char *where = "";
    int rc = list_where(r, c, &p, &where);
    if (rc)
        return rc;
    struct list_params counted = p; /* the filters' parameters, without the page's */
    const char *order = dj_query(r, "order");
    const char *dir = order && strcmp(order, "asc") == 0 ? "ASC" : "DESC";
    const char *limit = lp_int(r, &p, pg->limit), *offset = lp_int(r, &p, pg->offset);
    const char *sql = dj_arena_printf(r->arena,
                          ACTIVITY_LIST_COLS " WHERE a.id IN (SELECT a.id FROM activities a JOIN orgs o ON o.id = a.org_id"
                                             "%s ORDER BY a.starts_at %s, a.id LIMIT %s OFFSET %s)"
                                             " ORDER BY a.starts_at %s, a.id",
                          where, dir, limit, offset, dir);
    /* the page is the statement's and its parameters' (the viewer's person among
     * them, where it matters): kept as its text until its tables are written */
    dj_buf key = {0};
    list_key(&key, "activities.page", sql, &p);
    struct page_args a = {r, &counted, &p, where, sql, pg};
    rc = dj_rcache_text(c, dj_buf_cstr(&key), 60000, page_write, &a, out, NULL);
    dj_buf_free(&key);
    return rc;
}

/* Writes the page's rows of sql (bound with p) and its total and next. */
static int page_rows(db_conn *c, const char *sql, const struct list_params *pp, const struct dj_page *pg,
                     int64_t total, dj_buf *out)
{
    const struct list_params p = *pp;
    int rc;
    db_stmt *s = db_prep_dynamic(c, sql);
    if (!s)
        return db_prep_error();
    for (int k = 0; k < p.n; k++)
        if (p.t[k])
            db_bind_text(s, k + 1, p.t[k]);
        else
            db_bind_i64(s, k + 1, p.i[k]);
    dj_buf_puts(out, "{\"items\":[");
    int64_t rows = 0;
    int kind_col = -1;
    while ((rc = db_step(s)) == DB_ROW) {
        if (kind_col < 0)
            for (int k = 0; k < db_ncols(s); k++)
                if (strcmp(db_col_name(s, k), "kind") == 0)
                    kind_col = k;
        dj_buf_puts(out, rows++ ? ",{" : "{");
        db_row_render(s, out, NULL, NULL);
        const struct life_kind *kd = life_kind_find(kind_col >= 0 ? db_col_text(s, kind_col) : NULL);
        dj_buf_puts(out, ",\"kind_name\":");
        dj_json_string_into(out, kd ? kd->name : "");
        dj_buf_puts(out, "}");
    }
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DJ_EDB;
    dj_buf_puts(out, "],\"total\":");
    dj_json_int_into(out, total);
    if (pg->offset + rows < total && rows > 0)
        dj_buf_printf(out, ",\"next\":\"%lld\"}", (long long)(pg->offset + rows));
    else
        dj_buf_puts(out, ",\"next\":null}");
    return DJ_OK;
}

json_t *life_activity_me(db_conn *c, int64_t activity_id, int64_t person_id)
{
    json_t *me = json_object();
    json_object_set_new(me, "person_id", person_id ? json_integer(person_id) : json_null());
    json_object_set_new(me, "expected", json_boolean(life_is_expected(c, activity_id, person_id)));
    int rc;
    json_t *att = db_query_row(c, &rc, "SELECT checked_in_at, method FROM attendance WHERE activity_id = $1 AND person_id = $2",
                               "ii", activity_id, person_id);
    json_object_set_new(me, "checked_in_at", att ? json_incref(json_object_get(att, "checked_in_at")) : json_null());
    json_decref(att);
    json_t *lv = db_query_row(c, &rc,
                              "SELECT id, reason, status, decision_note, created_at, decided_at FROM activity_leaves"
                              " WHERE activity_id = $1 AND person_id = $2",
                              "ii", activity_id, person_id);
    json_object_set_new(me, "leave", lv ? lv : json_null());
    return me;
}

json_t *life_activity_expected(db_conn *c, int64_t activity_id, int *err)
{
    return db_query_rows(c, err,
                         "SELECT p.id, p.name, p.party_status, p.org_id, o.name AS org_name FROM activity_people ap"
                         " JOIN people p ON p.id = ap.person_id LEFT JOIN orgs o ON o.id = p.org_id"
                         " WHERE ap.activity_id = $1 ORDER BY p.id",
                         "i", activity_id);
}

json_t *life_activity_candidates(db_conn *c, const struct life_activity_brief *a, int *err)
{
    return db_query_rows(c, err,
                         "SELECT p.id, p.name, p.party_status, o.name AS org_name,"
                         " CASE WHEN ap.person_id IS NULL THEN 0 ELSE 1 END AS expected__bool"
                         " FROM people p LEFT JOIN orgs o ON o.id = p.org_id"
                         " LEFT JOIN activity_people ap ON ap.activity_id = $1 AND ap.person_id = p.id"
                         " WHERE p.active = 1 AND (o.path >= $2 AND o.path < $2 || ':' OR ap.person_id IS NOT NULL)"
                         " ORDER BY p.id LIMIT 5000",
                         "it", a->id, a->org_path);
}

/* ---------------------------------------------------------------- leave */

int life_leave_request(dj_req *r, const struct life_activity_brief *a, const char *reason, int64_t *id_out)
{
    db_conn *c = dj_db(r);
    int64_t pid = r->user->person_id;
    if (!pid)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "您的账号没有关联党员信息，不能请假");
    if (strcmp(a->state, "planned") != 0 && strcmp(a->state, "noticed") != 0 && strcmp(a->state, "held") != 0)
        return dj_fail(r, DJ_ECONFLICT, "state", "活动已结束或取消，不能再请假");
    if (dj_now() > a->ends_at)
        return dj_fail(r, DJ_ECONFLICT, "state", "活动已经结束，不能再请假");
    if (!life_is_expected(c, a->id, pid))
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "您不在本次活动的应到人员中，无需请假");
    char now[21];
    dj_time_iso(dj_now(), now);
    int rc = db_begin(c);
    if (rc != DJ_OK)
        return rc;
    int64_t one;
    char *status = NULL;
    if (db_query_i64(c, &one, "SELECT 1 FROM attendance WHERE activity_id = $1 AND person_id = $2", "ii", a->id,
                     pid) == DJ_OK)
        rc = dj_fail(r, DJ_ECONFLICT, NULL, "您已签到，不能再请假");
    else if (db_query_text(c, &status, "SELECT status FROM activity_leaves WHERE activity_id = $1 AND person_id = $2",
                           "ii", a->id, pid) == DJ_OK &&
             strcmp(status, "refused") != 0)
        rc = dj_fail(r, DJ_ECONFLICT, NULL, "您已提交过请假申请（%s）",
                     strcmp(status, "approved") == 0 ? "已批准" : "待审批");
    if (rc == DJ_OK)
        rc = db_query_i64(c, id_out,
                          "INSERT INTO activity_leaves (activity_id, person_id, reason, status, created_at)"
                          " VALUES ($1, $2, $3, 'pending', $4)"
                          " ON CONFLICT (activity_id, person_id) DO UPDATE SET reason = excluded.reason,"
                          " status = 'pending', decision_note = NULL, decided_by = NULL, decided_at = NULL,"
                          " created_at = excluded.created_at RETURNING id",
                          "iitt", a->id, pid, reason, now);
    if (rc == DJ_OK) {
        json_t *af = json_pack("{s:I, s:I, s:s}", "activity_id", (json_int_t)a->id, "person_id", (json_int_t)pid,
                               "reason", reason);
        rc = audit_write(c, r, "request", "leave", *id_out, NULL, af);
        json_decref(af);
    }
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    free(status);
    return rc;
}

int life_leave_decide(dj_req *r, int64_t leave_id, bool approve, const char *note)
{
    db_conn *c = dj_db(r);
    int rc;
    json_t *lv = db_query_row(c, &rc,
                              "SELECT l.id, l.activity_id, l.person_id, l.status, a.org_id FROM activity_leaves l"
                              " JOIN activities a ON a.id = l.activity_id WHERE l.id = $1",
                              "i", leave_id);
    if (!lv)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该请假申请") : rc;
    if ((rc = auth_require(r, "life.manage", dj_jint(lv, "org_id", 0))) != DJ_OK)
        goto out;
    char now[21];
    dj_time_iso(dj_now(), now);
    if ((rc = db_begin(c)) != DJ_OK)
        goto out;
    char *status = NULL;
    rc = db_query_text(c, &status, "SELECT status FROM activity_leaves WHERE id = $1", "i", leave_id);
    if (rc == DJ_OK && strcmp(status, "pending") != 0)
        rc = dj_fail(r, DJ_ECONFLICT, "status", "该请假申请已%s", strcmp(status, "approved") == 0 ? "批准" : "驳回");
    if (rc == DJ_OK)
        rc = db_exec(c,
                     "UPDATE activity_leaves SET status = $2, decision_note = $3, decided_by = $4, decided_at = $5"
                     " WHERE id = $1",
                     "ittit", leave_id, approve ? "approved" : "refused", note, r->user->id, now);
    if (rc == DJ_OK) {
        json_t *af = json_pack("{s:s, s:s?}", "status", approve ? "approved" : "refused", "note", note);
        rc = audit_write(c, r, approve ? "approve" : "refuse", "leave", leave_id, lv, af);
        json_decref(af);
    }
    if (rc == DJ_OK)
        rc = life_notify_leave(c, leave_id);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if (rc == DJ_OK)
        dj_notify_poke();
    free(status);
out:
    json_decref(lv);
    return rc;
}

json_t *life_leaves_of(db_conn *c, int64_t activity_id, int *err)
{
    return db_query_rows(c, err,
                         "SELECT l.id, l.person_id, p.name AS person_name, l.reason, l.status, l.decision_note,"
                         " l.created_at, l.decided_at FROM activity_leaves l JOIN people p ON p.id = l.person_id"
                         " WHERE l.activity_id = $1 ORDER BY l.id",
                         "i", activity_id);
}
