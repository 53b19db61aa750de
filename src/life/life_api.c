/* life_api.c - HTTP handlers of organisational life: activities, their
 * state changes, check-in and QR, attendance, leave, compliance, counts and
 * the member's own year. Rules live in life.c, SQL in life_store.c,
 * life_checkin.c and life_report.c. */
#include <stdio.h>
#include <string.h>

#include "../core/auth.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/timeutil.h"
#include "../people/people.h"
#include "life.h"
#include "life_int.h"

#define HOURS_MAX 100

/* Loads the activity of the :id parameter and checks the caller may see it. */
static int load_activity(dj_req *r, struct life_activity_brief *a)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc != DJ_OK)
        return rc;
    rc = life_activity_brief(dj_db(r), id, a);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !life_may_see(r, a)))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该活动");
    return rc;
}

static int activities_list(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    /* the page is written straight from the rows (no tree of objects) */
    dj_buf body = {0};
    if ((rc = life_activity_page(r, &pg, &body))) {
        dj_buf_free(&body);
        return rc;
    }
    return dj_reply_buf(r, 200, &body);
}

static const struct dj_jfield create_spec[] = {
    {"org_id", "组织", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "life.manage")},
    {"kind", "活动类型", DJ_J_STR, DJ_J_REQ, 1, 32, life_kind_codes},
    {"title", "活动名称", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
    {"starts_at", "开始时间", DJ_J_TIME, DJ_J_REQ, 0, 0, NULL},
    {"ends_at", "结束时间", DJ_J_TIME, DJ_J_REQ, 0, 0, NULL},
    {"place", "地点", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
    {"agenda", "议程", DJ_J_STR, DJ_J_NULL, 0, 5000, NULL},
    {"host_person_id", "主持人", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("person", "life.manage")},
    {"recorder_person_id", "记录人", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("person", "life.manage")},
    {"topic", "学习专题", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
    {"project", "联系项目/单位", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
    {"study_hours", "学时", DJ_J_NUM, 0, 0, HOURS_MAX, NULL},
    {"volunteer_hours", "志愿服务时长", DJ_J_NUM, 0, 0, HOURS_MAX, NULL},
    {"expected_person_ids", "应到人员", DJ_J_IDS, 0, 0, 20000, NULL, DJ_SCOPE("person", "life.manage")},
    {NULL},
};

static int activity_create(dj_req *r)
{
    json_t *in;
    int rc = dj_body_json(r, create_spec, &in);
    if (rc)
        return rc;
    int64_t id = 0;
    rc = auth_require(r, "life.manage", dj_jint(in, "org_id", 0));
    if (rc == DJ_ENOTFOUND)
        rc = dj_fail(r, DJ_EINVAL, "org_id", "找不到该组织");
    if (rc == DJ_OK)
        rc = life_activity_create(r, in, &id);
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    json_t *a = life_activity_row(dj_db(r), id, &rc);
    return a ? dj_reply_json(r, 201, a) : rc;
}

static int activity_get(dj_req *r)
{
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    db_conn *c = dj_db(r);
    json_t *o = life_activity_row(c, a.id, &rc);
    if (!o)
        return rc;
    json_object_set_new(o, "me", life_activity_me(c, a.id, r->user->person_id));
    json_object_set_new(o, "can_manage", json_boolean(auth_can(r, "life.manage", a.org_id)));
    if (auth_can(r, "life.read", a.org_id)) {
        json_t *ex = life_activity_expected(c, a.id, &rc);
        if (!ex) {
            json_decref(o);
            return rc;
        }
        json_object_set_new(o, "expected", ex);
    }
    return dj_reply_json(r, 200, o);
}

static int activity_patch(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"kind", "活动类型", DJ_J_STR, 0, 1, 32, life_kind_codes},
        {"title", "活动名称", DJ_J_STR, 0, 1, 100, NULL},
        {"starts_at", "开始时间", DJ_J_TIME, 0, 0, 0, NULL},
        {"ends_at", "结束时间", DJ_J_TIME, 0, 0, 0, NULL},
        {"place", "地点", DJ_J_STR, 0, 1, 100, NULL},
        {"agenda", "议程", DJ_J_STR, DJ_J_NULL, 0, 5000, NULL},
        {"host_person_id", "主持人", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("person", "life.manage")},
        {"recorder_person_id", "记录人", DJ_J_ID, DJ_J_NULL, DJ_SCOPE("person", "life.manage")},
        {"topic", "学习专题", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
        {"project", "联系项目/单位", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
        {"study_hours", "学时", DJ_J_NUM, 0, 0, HOURS_MAX, NULL},
        {"volunteer_hours", "志愿服务时长", DJ_J_NUM, 0, 0, HOURS_MAX, NULL},
        {"expected_person_ids", "应到人员", DJ_J_IDS, 0, 0, 20000, NULL, DJ_SCOPE("person", "life.manage")},
        {"minutes", "会议记录", DJ_J_STR, DJ_J_NULL, 0, 50000, NULL},
        {"resolutions", "决议", DJ_J_STR, DJ_J_NULL, 0, 10000, NULL},
        {NULL},
    };
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    rc = life_activity_update(r, &a, in);
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    json_t *o = life_activity_row(dj_db(r), a.id, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

static int transition(dj_req *r, const char *to)
{
    static const struct dj_jfield spec[] = {
        {"reason", "原因", DJ_J_STR, 0, 0, 500, NULL},
        {NULL},
    };
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    json_t *in = NULL;
    if (r->body_len > 0 && (rc = dj_body_json(r, spec, &in)))
        return rc;
    rc = life_activity_transition(r, &a, to, in ? dj_jstr(in, "reason", NULL) : NULL);
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    json_t *o = life_activity_row(dj_db(r), a.id, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

static int activity_notice(dj_req *r) { return transition(r, "noticed"); }
static int activity_hold(dj_req *r) { return transition(r, "held"); }
static int activity_close(dj_req *r) { return transition(r, "closed"); }
static int activity_cancel(dj_req *r) { return transition(r, "cancelled"); }

static int activity_qr(dj_req *r)
{
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    return rc != DJ_OK ? rc : life_qr(r, &a);
}

static int activity_checkin(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"token", "签到码", DJ_J_STR, 0, 1, 64, NULL},
        {"person_id", "签到人员", DJ_J_ID, 0, DJ_SCOPE("person", "life.manage")},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    bool has_token = dj_jhas(in, "token"), has_person = dj_jhas(in, "person_id");
    const char *token = dj_arena_strdup(r->arena, dj_jstr(in, "token", ""));
    int64_t person = dj_jint(in, "person_id", 0);
    json_decref(in);
    if (has_token == has_person)
        return dj_fail(r, DJ_EINVAL, "token", "请提供签到码 token（扫码签到）或 person_id（代为签到）其中之一");
    /* an activity the caller may not see answers as one that does not exist, whatever its state */
    struct life_activity_brief a;
    int64_t id;
    if ((rc = dj_param_id(r, "id", &id)) != DJ_OK)
        return rc;
    rc = life_activity_brief(dj_db(r), id, &a);
    if (rc == DJ_ENOTFOUND || (rc == DJ_OK && !life_may_see(r, &a)))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该活动");
    if (rc != DJ_OK)
        return rc;
    return has_token ? life_checkin_self(r, &a, token) : life_checkin_manual(r, &a, person);
}

static int activity_attendance(dj_req *r)
{
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.read", a.org_id)) != DJ_OK)
        return rc;
    json_t *o = life_attendance_sheet(dj_db(r), &a, &rc);
    if (!o)
        return rc;
    /* why someone asked for leave (illness, family) is for those who decide it */
    if (!auth_can(r, "life.manage", a.org_id)) {
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(o, "people"), i, p) {
            json_object_del(p, "leave_reason");
            json_object_del(p, "mark_reason");
        }
        /* nor why someone has no vote (留党察看) or was left out */
        json_t *q = json_object_get(o, "quorum");
        if (json_is_object(q)) {
            json_object_del(q, "not_voting");
            json_array_foreach(json_object_get(q, "exclusions"), i, p) json_object_del(p, "note");
        }
    }
    /* who was absent is for those who run or supervise the branch's life: a
     * member sees their own line and the totals */
    if (!auth_can(r, "life.attendance", a.org_id)) {
        json_t *people = json_object_get(o, "people");
        for (size_t i = json_array_size(people); i-- > 0;)
            if (dj_jint(json_array_get(people, i), "person_id", 0) != r->user->person_id || !r->user->person_id)
                json_array_remove(people, i);
    }
    return dj_reply_json(r, 200, o);
}

/* The secretary marks someone present, on leave or absent by hand, with the reason. */
static int attendance_mark(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "人员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "life.manage")},
        {"status", "出勤情况", DJ_J_STR, DJ_J_REQ, 1, 16, life_mark_codes},
        {"reason", "原因", DJ_J_STR, DJ_J_REQ, 1, 200, NULL},
        {NULL},
    };
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    const char *reason = dj_jstr(in, "reason", "");
    if (dj_str_blank(reason))
        rc = dj_fail(r, DJ_EINVAL, "reason", "请填写原因");
    if (rc == DJ_OK)
        rc = life_attendance_mark(r, &a, dj_jint(in, "person_id", 0), dj_jstr(in, "status", ""), reason);
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    json_t *o = life_attendance_sheet(dj_db(r), &a, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

static int activity_candidates(dj_req *r)
{
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    json_t *items = life_activity_candidates(dj_db(r), &a, &rc);
    return items ? dj_reply_json(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

static int activity_leave(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"reason", "请假原因", DJ_J_STR, DJ_J_REQ, 1, 500, NULL},
        {NULL},
    };
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    int64_t id = 0;
    rc = life_leave_request(r, &a, dj_jstr(in, "reason", ""), &id);
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    return dj_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "pending"));
}

static int activity_leaves(dj_req *r)
{
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    json_t *items = life_leaves_of(dj_db(r), a.id, &rc);
    return items ? dj_reply_json(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

static int leave_decide(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"approve", "是否批准", DJ_J_BOOL, DJ_J_REQ, 0, 0, NULL},
        {"note", "审批意见", DJ_J_STR, 0, 0, 500, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    bool approve = dj_jbool(in, "approve", false);
    rc = life_leave_decide(r, id, approve, dj_jstr(in, "note", NULL));
    json_decref(in);
    if (rc != DJ_OK)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status",
                                           approve ? "approved" : "refused"));
}

/* 支部党员大会: a voting member left out of the roll with a reason the committee accepted. */
static int quorum_exclude(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "党员", DJ_J_ID, DJ_J_REQ, 0, 0, NULL, DJ_SCOPE("person", "life.manage")},
        {"reason", "不计入原因", DJ_J_STR, DJ_J_REQ, 1, 16, life_quorum_reason_codes},
        {"note", "支委会意见", DJ_J_STR, DJ_J_REQ, 2, 500, NULL},
        {NULL},
    };
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    int64_t person = dj_jint(in, "person_id", 0);
    const char *reason = dj_arena_strdup(r->arena, dj_jstr(in, "reason", ""));
    const char *note = dj_arena_strdup(r->arena, dj_jstr(in, "note", ""));
    json_decref(in);
    if (dj_str_blank(note))
        return dj_fail(r, DJ_EINVAL, "note", "请填写支部委员会的意见（何时研究同意、起止时间等）");
    if ((rc = life_quorum_exclude(r, &a, person, reason, note)) != DJ_OK)
        return rc;
    json_t *x = life_quorum_exclusions(dj_db(r), a.id, &rc);
    return x ? dj_reply_json(r, 201, json_pack("{s:o}", "items", x)) : rc;
}

static int quorum_include(dj_req *r)
{
    struct life_activity_brief a;
    int rc = load_activity(r, &a);
    if (rc != DJ_OK)
        return rc;
    if ((rc = auth_require(r, "life.manage", a.org_id)) != DJ_OK)
        return rc;
    int64_t person;
    if ((rc = dj_param_id(r, "person_id", &person)) != DJ_OK)
        return rc;
    if ((rc = life_quorum_include(r, &a, person)) != DJ_OK)
        return rc;
    return dj_reply_empty(r, 204);
}

static int year_param(dj_req *r, int *year)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int64_t v;
    int rc = dj_query_int(r, "year", y, 2000, 2100, &v);
    *year = (int)v;
    return rc;
}

static int org_param(dj_req *r, int64_t *org)
{
    int rc = dj_query_int(r, "org", 0, 1, INT64_MAX, org);
    if (rc != DJ_OK)
        return rc;
    if (!*org) {
        /* the caller's first grant with life.read */
        for (int i = 0; r->user && i < r->user->ngrants; i++)
            if (auth_role_has(r->user->grants[i].role, "life.read")) {
                *org = r->user->grants[i].org_id;
                break;
            }
        if (!*org)
            return dj_fail(r, DJ_EINVAL, "org", "请指定组织（org）");
    }
    rc = auth_require(r, "life.read", *org);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_EINVAL, "org", "找不到该组织");
    return rc;
}

/* GET with ?org=&year=: the scope check, then the report the caller names. */
static int org_year_report(dj_req *r, json_t *(*report)(dj_req *, int64_t, int, int *))
{
    int64_t org;
    int year;
    int rc = org_param(r, &org);
    if (rc == DJ_OK)
        rc = year_param(r, &year);
    if (rc != DJ_OK)
        return rc;
    json_t *o = report(r, org, year, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

struct compliance_args {
    dj_req *r;
    int64_t org;
    int year;
};

static int compliance_write(void *arg, dj_buf *out, int64_t *aux)
{
    (void)aux;
    struct compliance_args *a = arg;
    int rc;
    json_t *v = life_compliance(a->r, a->org, a->year, &rc);
    if (!v)
        return rc;
    dj_json_render_into(out, v);
    json_decref(v);
    return DJ_OK;
}

static int compliance_get(dj_req *r)
{
    struct compliance_args a = {r, 0, 0};
    int rc = org_param(r, &a.org);
    if (rc == DJ_OK)
        rc = year_param(r, &a.year);
    if (rc != DJ_OK)
        return rc;
    /* the same for every reader allowed on the organisation (the scope was checked
     * above): computed once until a write or a second has passed (readcache.h),
     * however many screens of the office and the committee show it */
    char key[64];
    snprintf(key, sizeof key, "life.compliance %lld %d", (long long)a.org, a.year);
    dj_buf out = {0};
    if ((rc = dj_rcache_text(dj_db(r), key, 0, compliance_write, &a, &out, NULL))) {
        dj_buf_free(&out);
        return rc;
    }
    return dj_reply_buf(r, 200, &out);
}

static int counts_get(dj_req *r)
{
    return org_year_report(r, life_counts);
}

static json_t *my_life_make(dj_req *r, void *arg, int *rc)
{
    return life_my_stats(r, *(int *)arg, rc);
}

/* GET /api/v1/life/me : the member's year, kept for them until an activity,
 * a check-in, a leave or an hour of theirs is written (or half a minute has
 * passed: an activity that has just ended turns from upcoming to absent). */
static int my_life(dj_req *r)
{
    int year;
    int rc = year_param(r, &year);
    if (rc != DJ_OK)
        return rc;
    if (!r->user->person_id)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "您的账号没有关联党员信息");
    char what[32];
    snprintf(what, sizeof what, "life.me %d", year);
    return dj_reply_user_kept(r, what, DJ_RCACHE_USER_TTL_MS, my_life_make, &year);
}

static int kinds_list(dj_req *r)
{
    json_t *items = json_array();
    for (const struct life_kind *k = life_kinds; k->code; k++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:b, s:b, s:b}", "code", k->code, "name", k->name,
                                               "study", (k->flags & LIFE_KIND_STUDY) != 0, "service",
                                               (k->flags & LIFE_KIND_SERVICE) != 0, "required",
                                               (k->flags & LIFE_KIND_REQUIRED) != 0));
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

const struct dj_scope_kind life_scope_kinds[] = {
    {"activity", "活动", "SELECT o.path FROM activities a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1"},
    {0},
};

const struct dj_route life_routes[] = {
    {"GET", "/api/v1/activities", activities_list, "life.read", 0, 0},
    {"POST", "/api/v1/activities", activity_create, "life.manage", 0, 0},
    {"GET", "/api/v1/activities/counts", counts_get, "life.read", 0, 0},
    {"GET", "/api/v1/activities/:id", activity_get, NULL, 0, 0},
    {"PATCH", "/api/v1/activities/:id", activity_patch, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/notice", activity_notice, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/hold", activity_hold, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/close", activity_close, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/cancel", activity_cancel, "life.manage", 0, 0},
    {"GET", "/api/v1/activities/:id/qr", activity_qr, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/checkin", activity_checkin, NULL, 0, 1024},
    {"GET", "/api/v1/activities/:id/attendance", activity_attendance, "life.read", 0, 0},
    {"POST", "/api/v1/activities/:id/attendance/marks", attendance_mark, "life.manage", 0, 4096},
    {"GET", "/api/v1/activities/:id/candidates", activity_candidates, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/quorum/exclusions", quorum_exclude, "life.manage", 0, 4096},
    {"DELETE", "/api/v1/activities/:id/quorum/exclusions/:person_id", quorum_include, "life.manage", 0, 0},
    {"POST", "/api/v1/activities/:id/leave", activity_leave, NULL, 0, 4096},
    {"GET", "/api/v1/activities/:id/leaves", activity_leaves, "life.manage", 0, 0},
    {"POST", "/api/v1/leaves/:id/decision", leave_decide, "life.manage", 0, 4096},
    {"GET", "/api/v1/compliance", compliance_get, "life.read", 0, 0},
    {"GET", "/api/v1/activity-kinds", kinds_list, NULL, 0, 0},
    {"GET", "/api/v1/life/me", my_life, NULL, 0, 0},
    {0},
};
