/* development_api.c - HTTP handlers of 发展党员 under /api/v1/development: the
 * step catalogue, the list and board, one person's file (档案), taking a step,
 * correcting a record, 公示, stopping an application, the applicant's own
 * progress (我的入党进度), the people a 联系人/介绍人 answers for, warnings for
 * the organisation tree, the calendar, statistics and import.  Every id is
 * checked against the caller's scope on the application's organisation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../people/people.h"
#include "development_int.h"

static const char *const decisions[] = {"passed",  "failed", "approved",  "rejected",     "full",
                                        "extend",  "cancel", "withdrawn", "disqualified", NULL};
static const char *const organs[] = {"committee", "assembly", NULL};

/* Loads the application of the :id parameter; the caller needs perm on its
 * organisation (NULL: development.read, or being one of the person's
 * 联系人/介绍人 when mentor_ok).  404 when the caller may not even read it. */
static int load_app(dj_req *r, const char *perm, bool mentor_ok, struct dev_app *app)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    rc = dev_app_load(dj_db(r), r->arena, id, app);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该发展档案");
    if (rc)
        return rc;
    bool reads = auth_can(r, "development.read", app->org_id) || (perm && auth_can(r, perm, app->org_id));
    if (!reads && !(mentor_ok && (dev_is_mentor(dj_db(r), app, r->user->person_id, 6) || dev_is_mentor(dj_db(r), app, r->user->person_id, 21))))
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该发展档案");
    return perm ? auth_require(r, perm, app->org_id) : DJ_OK;
}

static int reply_file(dj_req *r, int status, struct dev_app *app, int64_t record_id)
{
    int rc;
    json_t *o = dev_app_json(dj_db(r), app, &rc);
    if (!o)
        return rc;
    if (record_id)
        json_object_set_new(o, "record_id", json_integer(record_id));
    json_object_set_new(o, "can_manage", json_boolean(auth_can(r, "development.manage", app->org_id)));
    json_object_set_new(o, "can_approve", json_boolean(auth_can(r, "development.approve", app->org_id)));
    return dj_reply_json(r, status, o);
}

/* ---------------------------------------------------------------- catalogue */

static int steps_catalogue(dj_req *r)
{
    json_t *items = json_array();
    for (int s = 0; s <= DEV_NSTEPS; s++) {
        const struct dev_step_def *d = dev_step_def(s);
        json_t *dec = json_array();
        for (int i = 0; d->decisions && d->decisions[i]; i++)
            json_array_append_new(dec, json_pack("{s:s, s:s}", "code", d->decisions[i], "label",
                                                 dev_decision_label(d->decisions[i])));
        json_array_append_new(items, json_pack("{s:i, s:i, s:s?, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o}", "no", s,
                                               "stage", d->stage, "stage_name", s ? dev_stage_name(d->stage) : NULL,
                                               "code", d->code, "name", d->name, "rule", d->rule, "committee",
                                               (d->flags & DEV_F_COMMITTEE) != 0, "repeat", (d->flags & DEV_F_REPEAT) != 0,
                                               "vote", (d->flags & DEV_F_VOTE) != 0, "people",
                                               (d->flags & DEV_F_PEOPLE) != 0, "decisions", dec));
    }
    json_t *stages = json_array();
    for (int s = 1; s <= DEV_NSTAGES; s++)
        json_array_append_new(stages, json_pack("{s:i, s:s, s:i}", "stage", s, "name", dev_stage_name(s), "first_step",
                                                dev_stage_first(s)));
    struct dev_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    dev_ctx_settings(dj_db(r), &ctx);
    json_t *notice = json_array();
    for (int s = 1; s <= DEV_NSTEPS; s++)
        if (ctx.notice_steps & (1u << s))
            json_array_append_new(notice, json_integer(s));
    return dj_reply_json(r, 200, json_pack("{s:o, s:o, s:i, s:o}", "items", items, "stages", stages, "notice_days",
                                           ctx.notice_days, "notice_steps", notice));
}

/* ---------------------------------------------------------------- list */

static int org_subtree(dj_req *r, const char *perm, const char **subtree)
{
    *subtree = "";
    const char *org = dj_query(r, "org");
    if (!org || !*org)
        return DJ_OK;
    int64_t id;
    int rc = dj_query_int(r, "org", 0, 1, INT64_MAX, &id);
    if (rc || (rc = auth_require(r, perm, id)))
        return rc;
    char *path = NULL;
    if ((rc = auth_org_path(dj_db(r), id, &path)))
        return rc;
    *subtree = dj_arena_printf(r->arena, "%s", path);
    free(path);
    return DJ_OK;
}

#define LIST_COLS                                                                                                       \
    "SELECT a.id, a.person_id, p.name, a.org_id, o.name AS org_name, a.state, a.stage, a.status, a.next_step,"       \
    " a.next_on, a.due_on, a.warn_on, a.due_code, a.resolution_on, a.probation_until, a.imported AS imported__bool,"  \
    " a.updated_at FROM dev_applications a JOIN people p ON p.id = a.person_id JOIN orgs o ON o.id = a.org_id"

/* Adds labels and days left to a list row (today as days). */
static void decorate(json_t *o, dev_day today)
{
    int stage = (int)dj_jint(o, "stage", 1);
    int next = (int)dj_jint(o, "next_step", 0);
    json_object_set_new(o, "stage_name", json_string(dev_stage_name(stage)));
    json_object_set_new(o, "status_label", json_string(dev_status_label(dj_jstr(o, "status", ""))));
    json_object_set_new(o, "next_name", next ? json_string(dev_step_def(next)->name) : json_null());
    dev_day due, warn, on;
    bool has_due = dev_day_parse(dj_jstr(o, "due_on", ""), &due) == DJ_OK;
    bool has_warn = dev_day_parse(dj_jstr(o, "warn_on", ""), &warn) == DJ_OK;
    bool has_on = dev_day_parse(dj_jstr(o, "next_on", ""), &on) == DJ_OK;
    json_object_set_new(o, "days_left", has_due ? json_integer(due - today) : json_null());
    json_object_set_new(o, "days_to_next", has_on ? json_integer(on - today) : json_null());
    json_object_set_new(o, "overdue", json_boolean(has_due && today > due));
    json_object_set_new(o, "warning", json_boolean(has_due && has_warn && today >= warn && today <= due));
}

static int dev_list(dj_req *r)
{
    struct dev_page_args {
        int64_t stage, overdue, person;
    } x;
    struct dj_page pg;
    const char *subtree;
    int rc = dj_page_parse(r, &pg);
    if (rc || (rc = org_subtree(r, "development.read", &subtree)) ||
        (rc = dj_query_int(r, "stage", 0, 0, DEV_STAGE_DONE, &x.stage)) ||
        (rc = dj_query_int(r, "overdue", 0, 0, 1, &x.overdue)) ||
        (rc = dj_query_int(r, "person", 0, 0, INT64_MAX, &x.person)))
        return rc;
    const char *state = dj_query(r, "state");
    if (!state || !*state)
        state = "open";
    if (strcmp(state, "open") && strcmp(state, "finished") && strcmp(state, "stopped") && strcmp(state, "all"))
        return dj_fail(r, DJ_EINVAL, "state", "状态只能是 open、finished、stopped 或 all");
    const char *q = dj_query(r, "q");
    const char *qlike = q && *q ? dj_arena_printf(r->arena, "%%%s%%", q) : "";
    char today[11];
    dev_day t = dev_today();
    dev_day_format(t, today);
    char *scope = auth_scope_sql(r, "development.read", "o.path");
    const char *where = dj_arena_printf(r->arena,
                                        " WHERE %s AND ($1 = '' OR o.path >= $1 AND o.path < $1 || ':') AND ($2 = 0 OR a.stage = $2)"
                                        " AND ($3 = 'all' OR a.state = $3)"
                                        " AND ($4 = 0 OR EXISTS (SELECT 1 FROM dev_deadlines d"
                                        " WHERE d.application_id = a.id AND d.due_on < $5))"
                                        " AND ($6 = '' OR p.name LIKE $6) AND ($7 = 0 OR a.person_id = $7)",
                                        scope);
    db_conn *c = dj_db(r);
    char *sql = dj_arena_printf(r->arena,
                                "SELECT COUNT(*) AS n FROM dev_applications a JOIN people p ON p.id = a.person_id"
                                " JOIN orgs o ON o.id = a.org_id%s",
                                where);
    json_t *cnt = db_query_rows_dynamic(c, &rc, sql, "tititti", subtree, x.stage, state, x.overdue, today, qlike, x.person);
    if (!cnt)
        return rc;
    int64_t total = dj_jint(json_array_get(cnt, 0), "n", 0);
    json_decref(cnt);
    sql = dj_arena_printf(r->arena, LIST_COLS "%s ORDER BY a.stage, COALESCE(a.due_on, a.next_on, '9999'), a.id"
                                              " LIMIT $8 OFFSET $9", where);
    json_t *items = db_query_rows_dynamic(c, &rc, sql, "titittiii", subtree, x.stage, state, x.overdue, today, qlike,
                                          x.person, pg.limit, pg.offset);
    if (!items)
        return rc;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) decorate(o, t);
    json_t *res = dj_page_result(&pg, items, total);
    json_object_set_new(res, "today", json_string(today));
    return dj_reply_json(r, 200, res);
}

/* People whose roster status says they are on the way, without a file. */
static int dev_unfiled(dj_req *r)
{
    const char *subtree;
    int rc = org_subtree(r, "development.read", &subtree);
    if (rc)
        return rc;
    char *scope = auth_scope_sql(r, "development.read", "o.path");
    char *sql = dj_arena_printf(r->arena,
                                "SELECT p.id, p.name, p.party_status, p.org_id, o.name AS org_name FROM people p"
                                " JOIN orgs o ON o.id = p.org_id WHERE %s AND ($1 = '' OR o.path >= $1 AND o.path < $1 || ':')"
                                " AND p.active = 1 AND p.party_status IN ('applicant', 'activist', 'candidate', 'probationary')"
                                " AND NOT EXISTS (SELECT 1 FROM dev_applications a WHERE a.person_id = p.id"
                                " AND a.state <> 'stopped') ORDER BY o.path, p.id LIMIT 500",
                                scope);
    json_t *items = db_query_rows_dynamic(dj_db(r), &rc, sql, "t", subtree);
    if (!items)
        return rc;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o)
        json_object_set_new(o, "status_label", json_string(dev_status_label(dj_jstr(o, "party_status", ""))));
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Warnings for the organisation tree: deadlines near or passed. */
static int dev_warnings(dj_req *r)
{
    const char *subtree;
    int rc = org_subtree(r, "development.read", &subtree);
    if (rc)
        return rc;
    char today[11];
    dev_day t = dev_today();
    dev_day_format(t, today);
    char *scope = auth_scope_sql(r, "development.read", "o.path");
    char *sql = dj_arena_printf(r->arena,
                                "SELECT a.id, a.person_id, p.name, a.org_id, o.name AS org_name, a.stage, a.status,"
                                " d.code AS due_code, d.due_on, d.warn_on FROM dev_deadlines d"
                                " JOIN dev_applications a ON a.id = d.application_id JOIN people p ON p.id = a.person_id"
                                " JOIN orgs o ON o.id = a.org_id WHERE %s AND ($1 = '' OR o.path >= $1 AND o.path < $1 || ':')"
                                " AND a.state = 'open' AND d.warn_on <= $2 ORDER BY d.due_on, a.id",
                                scope);
    json_t *items = db_query_rows_dynamic(dj_db(r), &rc, sql, "tt", subtree, today);
    if (!items)
        return rc;
    static const struct {
        const char *code, *what;
    } whats[] = {{"talk", "入党申请人谈话"},
                 {"assessment", "半年考察"},
                 {"approval", "上级党委审批"},
                 {"probation", "预备期满讨论转正"}};
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        decorate(o, t);
        const char *what = "发展党员";
        for (size_t k = 0; k < sizeof whats / sizeof whats[0]; k++)
            if (strcmp(dj_jstr(o, "due_code", ""), whats[k].code) == 0)
                what = whats[k].what;
        dev_day due;
        char d[24] = "";
        if (dev_day_parse(dj_jstr(o, "due_on", ""), &due) == DJ_OK)
            dev_day_cn(due, d);
        bool over = json_is_true(json_object_get(o, "overdue"));
        bool probation = strcmp(dj_jstr(o, "due_code", ""), "probation") == 0;
        const char *msg = probation ? dj_arena_printf(r->arena, "%s：预备期%s%s期满%s", dj_jstr(o, "name", ""),
                                                      over ? "已于" : "将于", d, over ? "，尚未讨论转正" : "")
                                    : dj_arena_printf(r->arena, "%s：%s%s（%s）", dj_jstr(o, "name", ""), what,
                                                      over ? "已逾期" : "将到期", d);
        json_object_set_new(o, "message", json_string(msg));
    }
    return dj_reply_json(r, 200, json_pack("{s:o, s:s}", "items", items, "today", today));
}

/* ---------------------------------------------------------------- input */

static const struct dj_jfield vote_spec[] = {
    {"voting_members", "应到会有表决权的正式党员", DJ_J_INT, 0, 0, 100000, NULL},
    {"present", "实到有表决权的正式党员", DJ_J_INT, 0, 0, 100000, NULL},
    {"votes_for", "赞成票", DJ_J_INT, DJ_J_REQ, 0, 100000, NULL},
    {"votes_against", "反对票", DJ_J_INT, DJ_J_REQ, 0, 100000, NULL},
    {"abstentions", "弃权票", DJ_J_INT, DJ_J_REQ, 0, 100000, NULL},
    {NULL},
};

#define STEP_FIELDS                                                                                                     \
    {"on_date", "办理日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},                                                         \
    {"decision", "结论", DJ_J_STR, 0, 0, 0, decisions},                                                               \
    {"note", "情况说明", DJ_J_STR, DJ_J_NULL, 0, 5000, NULL},                                                         \
    {"late_reason", "逾期原因", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},                                                   \
    {"organ", "研究确定的会议", DJ_J_STR, 0, 0, 0, organs},                                                          \
    {"people", "人员", DJ_J_ARR, 0, 0, 5, NULL},                                                                      \
    {"declaration", "无亲属关系声明", DJ_J_BOOL, 0, 0, 0, NULL},                                                      \
    {"months", "延长月数", DJ_J_INT, 0, 1, 24, NULL},                                                                 \
    {"train_days", "培训天数", DJ_J_NUM, 0, 0, 60, NULL},                                                             \
    {"train_hours", "培训学时", DJ_J_NUM, 0, 0, 500, NULL},                                                           \
    {"notice_clear", "公示无异议", DJ_J_BOOL, 0, 0, 0, NULL},                                                         \
    {"activity_id", "支部党员大会", DJ_J_ID, DJ_J_NULL, 0, 0, NULL, DJ_SCOPE("activity", "life.read")},               \
    {"vote", "表决情况", DJ_J_OBJ, DJ_J_NULL, 0, 0, NULL},                                                            \
    {"documents", "附件", DJ_J_ARR, 0, 0, 20, NULL},                                                                  \
    {"client_key", "提交标识", DJ_J_STR, 0, 8, 64, NULL}

static const struct dj_jfield step_spec[] = {
    {"step", "步骤", DJ_J_INT, DJ_J_REQ, 1, DEV_NSTEPS, NULL},
    STEP_FIELDS,
    {NULL},
};

static const struct dj_jfield correct_spec[] = {
    STEP_FIELDS,
    {"reason", "更正原因", DJ_J_STR, DJ_J_REQ, 1, 500, NULL},
    {"annuls", "撤销该记录", DJ_J_BOOL, 0, 0, 0, NULL},
    {NULL},
};

/* The input of a step from a validated body; people and vote checked here. */
static int read_input(dj_req *r, const json_t *in, struct dev_input *x)
{
    memset(x, 0, sizeof *x);
    x->step = (int)dj_jint(in, "step", 0);
    x->on_date = dj_jstr(in, "on_date", NULL);
    x->decision = dj_jstr(in, "decision", NULL);
    x->note = dj_jstr(in, "note", NULL);
    x->late_reason = dj_jstr(in, "late_reason", NULL);
    x->organ = dj_jstr(in, "organ", NULL);
    x->months = (int)dj_jint(in, "months", 0);
    json_t *n = json_object_get(in, "train_days");
    x->train_days = json_is_number(n) ? json_number_value(n) : 0;
    n = json_object_get(in, "train_hours");
    x->train_hours = json_is_number(n) ? json_number_value(n) : 0;
    x->declaration = dj_jbool(in, "declaration", false);
    x->notice_clear = dj_jbool(in, "notice_clear", false);
    x->activity_id = dj_jint(in, "activity_id", 0);
    x->client_key = dj_jstr(in, "client_key", NULL);
    x->documents = json_object_get(in, "documents");
    x->reason = dj_jstr(in, "reason", NULL);
    x->annuls = dj_jbool(in, "annuls", false);
    json_t *people = json_object_get(in, "people");
    size_t np = json_array_size(people), i;
    int64_t *ids = dj_arena_alloc(r->arena, (np + 1) * sizeof *ids);
    json_t *v;
    json_array_foreach(people, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return dj_fail(r, DJ_EINVAL, "people", "“人员”第%zu项应为人员编号", i + 1);
        ids[i] = json_integer_value(v);
    }
    x->people = ids;
    x->npeople = np;
    json_t *vote = json_object_get(in, "vote");
    if (json_is_object(vote)) {
        struct dj_jerr e;
        if (dj_json_validate(vote, vote_spec, &e) != 0)
            return dj_fail_code(r, DJ_EINVAL, e.code, dj_arena_printf(r->arena, "vote.%s", e.field), "%s", e.message);
        x->has_vote = true;
        x->vote.voting_members = (int)dj_jint(vote, "voting_members", 0);
        x->vote.present = (int)dj_jint(vote, "present", 0);
        x->vote.votes_for = (int)dj_jint(vote, "votes_for", 0);
        x->vote.votes_against = (int)dj_jint(vote, "votes_against", 0);
        x->vote.abstentions = (int)dj_jint(vote, "abstentions", 0);
        if (!x->activity_id && (!dj_jhas(vote, "voting_members") || !dj_jhas(vote, "present")))
            return dj_fail(r, DJ_EINVAL, "vote.voting_members",
                           "未关联组织生活中的支部党员大会时，请填写应到和实到有表决权的正式党员人数");
    }
    if ((x->step == 6 || x->step == 21) && dj_str_blank(x->note ? x->note : ""))
        return dj_fail(r, DJ_EINVAL, "note", "请填写考察意见");
    return DJ_OK;
}

/* Who may record step s: the higher committee for its steps, the branch for
 * the rest; a 联系人/介绍人 their assessments. */
static bool can_record(dj_req *r, const struct dev_app *app, int s)
{
    const struct dev_step_def *d = dev_step_def(s);
    if (d && (d->flags & DEV_F_COMMITTEE))
        return auth_can(r, "development.approve", app->org_id);
    if (d && (d->flags & DEV_F_MENTOR) && dev_is_mentor(dj_db(r), app, r->user->person_id, s))
        return true;
    return auth_can(r, "development.manage", app->org_id);
}

static int may_record(dj_req *r, const struct dev_app *app, int s)
{
    const struct dev_step_def *d = dev_step_def(s);
    if (can_record(r, app, s))
        return DJ_OK;
    if (d && (d->flags & DEV_F_COMMITTEE))
        return dj_fail(r, DJ_EFORBIDDEN, "step", "第%d步“%s”只能由上级党委（机关党委）办理，支部不得代替", s, d->name);
    return auth_require(r, "development.manage", app->org_id);
}

static int finish_take(dj_req *r, int rc, const struct dev_err *e)
{
    db_conn *c = dj_db(r);
    if (rc == DJ_OK)
        rc = db_commit(c);
    else
        db_rollback(c);
    if (rc != DJ_OK && e->field)
        return dj_fail(r, rc, e->field, "%s", e->message);
    if (rc != DJ_OK && e->message[0])
        return dj_fail(r, rc, NULL, "%s", e->message);
    return rc;
}

/* POST /api/v1/development {person_id, on_date, note} */
static int dev_create(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "人员", DJ_J_ID, DJ_J_REQ, 0, 0, NULL, DJ_SCOPE("person", "development.manage")},
        {"on_date", "递交入党申请书日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"note", "情况说明", DJ_J_STR, DJ_J_NULL, 0, 5000, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int64_t pid = dj_jint(in, "person_id", 0), org = 0, id = 0;
    rc = db_query_i64(c, &org, "SELECT COALESCE(org_id, 0) FROM people WHERE id = $1", "i", pid);
    if (rc == DJ_ENOTFOUND)
        rc = dj_fail(r, DJ_EINVAL, "person_id", "找不到该人员");
    else if (rc == DJ_OK && org == 0)
        rc = dj_fail(r, DJ_EUNPROCESSABLE, "person_id", "请先在党员名册中填写其所在党支部");
    else if (rc == DJ_OK)
        rc = auth_require(r, "development.manage", org);
    if (rc) {
        json_decref(in);
        return rc;
    }
    struct dev_input x = {.step = 1, .on_date = dj_jstr(in, "on_date", NULL), .note = dj_jstr(in, "note", NULL)};
    struct dev_err e = {0};
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dev_start(c, r, r->arena, pid, &x, 0, &id, &e);
    rc = finish_take(r, rc, &e);
    json_decref(in);
    if (rc)
        return rc;
    struct dev_app app;
    if ((rc = dev_app_load(c, r->arena, id, &app)))
        return rc;
    return reply_file(r, 201, &app, 0);
}

static int dev_show(dj_req *r)
{
    struct dev_app app;
    int rc = load_app(r, "development.read", false, &app);
    return rc ? rc : reply_file(r, 200, &app, 0);
}

/* GET /api/v1/development/:id/steps/:step : the rule and the window of a step, for its form. */
static int dev_step_rule(dj_req *r)
{
    struct dev_app app;
    int64_t s;
    int rc = load_app(r, NULL, true, &app);
    if (rc)
        return rc;
    if ((rc = dj_param_id(r, "step", &s)) || s > DEV_NSTEPS)
        return rc ? rc : dj_fail(r, DJ_ENOTFOUND, "step", "步骤应为1至25");
    const struct dev_step_def *d = dev_step_def((int)s);
    struct dev_window w;
    dev_window_of(&app.st, &app.ctx, (int)s, &w);
    char e[11], due[11], warn[11];
    dev_day_format(w.earliest, e);
    dev_day_format(w.due, due);
    dev_day_format(w.warn, warn);
    json_t *o = json_pack("{s:i, s:s, s:s, s:i, s:s, s:b, s:b, s:b}", "step", (int)s, "name", d->name, "rule", d->rule,
                          "stage", d->stage, "stage_name", dev_stage_name(d->stage), "open", w.open, "committee",
                          (d->flags & DEV_F_COMMITTEE) != 0, "notice", (app.ctx.notice_steps & (1u << s)) != 0);
    json_object_set_new(o, "earliest_on", w.earliest == DEV_NO_DAY ? json_null() : json_string(e));
    json_object_set_new(o, "due_on", w.due == DEV_NO_DAY ? json_null() : json_string(due));
    json_object_set_new(o, "warn_on", w.warn == DEV_NO_DAY ? json_null() : json_string(warn));
    json_object_set_new(o, "blocked", w.open ? json_null() : json_string(w.blocked));
    json_object_set_new(o, "can_record", json_boolean(can_record(r, &app, (int)s)));
    json_object_set_new(o, "has_committee", json_boolean(app.ctx.has_committee));
    json_object_set_new(o, "notice_days", json_integer(app.ctx.notice_days));
    return dj_reply_json(r, 200, o);
}

/* Takes a step (body has "step") or corrects record :record (body has "reason"). */
static int take_or_correct(dj_req *r, bool correct)
{
    struct dev_app app;
    int rc = load_app(r, NULL, true, &app);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, correct ? correct_spec : step_spec, &in)))
        return rc;
    struct dev_input x;
    if ((rc = read_input(r, in, &x)))
        goto out;
    if (correct) {
        int64_t rid;
        if ((rc = dj_param_id(r, "record", &rid)))
            goto out;
        bool found = false;
        for (size_t i = 0; i < app.nrows; i++)
            if (app.rows[i].id == rid) {
                found = true;
                x.step = app.rows[i].rec.step;
            }
        if (!found) {
            rc = dj_fail(r, DJ_ENOTFOUND, "record", "找不到要更正的记录");
            goto out;
        }
        x.corrects_id = rid;
    }
    if ((rc = x.step == DEV_STEP_STOP ? auth_require(r, "development.manage", app.org_id) : may_record(r, &app, x.step)))
        goto out;
    /* the people named must be people the caller may see */
    for (size_t i = 0; i < x.npeople; i++) {
        int64_t org = 0;
        if (people_scope_org(dj_db(r), x.people[i], &org) != DJ_OK || !auth_can(r, "person.read", org)) {
            rc = dj_fail(r, DJ_EINVAL, "people", "找不到第%zu位人员", i + 1);
            goto out;
        }
    }
    db_conn *c = dj_db(r);
    struct dev_err e = {0};
    int64_t step_id = 0;
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dev_take(c, r, r->arena, &app, &x, &step_id, &e);
    if ((rc = finish_take(r, rc, &e)))
        goto out;
    if (e.repeated && (rc = dev_app_load(c, r->arena, app.id, &app)))
        goto out;
    rc = reply_file(r, e.repeated ? 200 : 201, &app, step_id);
out:
    json_decref(in);
    return rc;
}

static int dev_take_step(dj_req *r) { return take_or_correct(r, false); }
static int dev_correct(dj_req *r) { return take_or_correct(r, true); }

/* POST /api/v1/development/:id/stop {on_date, decision: withdrawn|disqualified, note} */
static int dev_stop(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"on_date", "终止日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"decision", "终止原因", DJ_J_STR, DJ_J_REQ, 0, 0, decisions},
        {"note", "情况说明", DJ_J_STR, DJ_J_REQ, 1, 5000, NULL},
        {NULL},
    };
    struct dev_app app;
    int rc = load_app(r, "development.manage", false, &app);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    struct dev_input x = {.step = DEV_STEP_STOP, .on_date = dj_jstr(in, "on_date", NULL),
                          .decision = dj_jstr(in, "decision", NULL), .note = dj_jstr(in, "note", NULL)};
    db_conn *c = dj_db(r);
    struct dev_err e = {0};
    int64_t step_id = 0;
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dev_take(c, r, r->arena, &app, &x, &step_id, &e);
    if ((rc = finish_take(r, rc, &e)) == DJ_OK)
        rc = reply_file(r, 201, &app, step_id);
    json_decref(in);
    return rc;
}

/* POST /api/v1/development/:id/notices {step, starts_on, working_days?, contact?} */
static int dev_notice_new(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"step", "公示的步骤", DJ_J_INT, DJ_J_REQ, 1, DEV_NSTEPS, NULL},
        {"starts_on", "公示开始日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"working_days", "公示工作日数", DJ_J_INT, 0, 1, 30, NULL},
        {"contact", "反映渠道", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
        {NULL},
    };
    struct dev_app app;
    int rc = load_app(r, "development.manage", false, &app);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    db_conn *c = dj_db(r);
    struct dev_err e = {0};
    int64_t nid = 0;
    if ((rc = db_begin(c)) == DJ_OK)
        rc = dev_notice_post(c, r, r->arena, &app, (int)dj_jint(in, "step", 0), dj_jstr(in, "starts_on", ""),
                             (int)dj_jint(in, "working_days", 0), dj_jstr(in, "contact", NULL), &nid, &e);
    if ((rc = finish_take(r, rc, &e)) == DJ_OK)
        rc = reply_file(r, 201, &app, 0);
    json_decref(in);
    return rc;
}

/* GET /api/v1/development/notices/:id : the 公示 as posted, for the printable page. */
static int dev_notice_get(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *n = db_query_row(dj_db(r), &rc,
                             "SELECT n.id, n.application_id, n.step, n.starts_on, n.working_days, n.ends_on, n.title,"
                             " n.body, n.contact, n.created_at, a.org_id, o.name AS org_name, p.name AS person_name,"
                             " (SELECT r.name FROM orgs r WHERE r.parent_id IS NULL ORDER BY r.id LIMIT 1) AS agency"
                             " FROM dev_notices n JOIN dev_applications a ON a.id = n.application_id"
                             " JOIN orgs o ON o.id = a.org_id JOIN people p ON p.id = a.person_id WHERE n.id = $1",
                             "i", id);
    if (!n)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该公示") : rc;
    if (!auth_can(r, "development.read", dj_jint(n, "org_id", 0))) {
        json_decref(n);
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该公示");
    }
    json_object_set_new(n, "step_name", json_string(dev_step_def((int)dj_jint(n, "step", 1))->name));
    return dj_reply_json(r, 200, n);
}

/* ---------------------------------------------------------------- statistics and import */

static int stats_args(dj_req *r, int64_t *year, char **scope)
{
    int y, m, d;
    dj_local_date(dj_now(), &y, &m, &d);
    int rc = dj_query_int(r, "year", y, 2000, 2100, year);
    if (rc)
        return rc;
    const char *subtree;
    if ((rc = org_subtree(r, "development.read", &subtree)))
        return rc;
    char *s = auth_scope_sql(r, "development.read", "o.path");
    /* org paths are digits and slashes only: safe to splice */
    *scope = *subtree ? dj_arena_printf(r->arena, "(%s AND o.path >= '%s' AND o.path < '%s:')", s, subtree, subtree) : s;
    return DJ_OK;
}

static int dev_stats_get(dj_req *r)
{
    int64_t year;
    char *scope;
    int rc = stats_args(r, &year, &scope);
    if (rc)
        return rc;
    json_t *o = dev_stats(dj_db(r), (int)year, scope, &rc);
    return o ? dj_reply_json(r, 200, o) : rc;
}

static int dev_stats_export(dj_req *r)
{
    int64_t year;
    char *scope;
    int rc = stats_args(r, &year, &scope);
    if (rc)
        return rc;
    json_t *o = dev_stats(dj_db(r), (int)year, scope, &rc);
    if (!o)
        return rc;
    dj_buf b = {0};
    rc = dev_stats_xlsx(o, &b);
    json_decref(o);
    if (rc) {
        dj_buf_free(&b);
        return rc;
    }
    dj_add_header(r, "Content-Disposition",
                  dj_arena_printf(r->arena,
                                  "attachment; filename=\"development-%d.xlsx\"; filename*=UTF-8''%d%%E5%%B9%%B4"
                                  "%%E5%%8F%%91%%E5%%B1%%95%%E5%%85%%9A%%E5%%91%%98%%E7%%BB%%9F%%E8%%AE%%A1.xlsx",
                                  (int)year, (int)year));
    return dj_reply_heap(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.data, b.len);
}

/* POST /api/v1/development/import?dry_run=1|0 (CSV) */
static int dev_import_file(dj_req *r)
{
    const char *ct = dj_header(r, "Content-Type");
    if (ct && (strncmp(ct, "application/json", 16) == 0 || strncmp(ct, "multipart/", 10) == 0))
        return dj_fail(r, DJ_EMEDIA, NULL, "请以 text/csv 上传在途人员名单");
    const char *dry = dj_query(r, "dry_run");
    if (dry && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0)
        return dj_fail(r, DJ_EINVAL, "dry_run", "参数 dry_run 只能是 1（试导入）或 0（正式导入）");
    if (r->body_len == 0)
        return dj_fail(r, DJ_EINVAL, "file", "文件为空");
    struct dev_import_opts o = {.dry_run = !dry || strcmp(dry, "1") == 0,
                                .write_scope = auth_scope_sql(r, "development.manage", "o.path"),
                                .r = r};
    db_conn *c = dj_db(r);
    json_t *res = NULL;
    int rc = db_begin(c);
    if (rc == DJ_OK)
        rc = dev_import(c, r->body, r->body_len, &o, &res);
    bool bad = res && json_array_size(json_object_get(res, "errors")) > 0;
    bool wrote = rc == DJ_OK && !bad && !o.dry_run;
    rc = rc == DJ_OK && wrote ? db_commit(c) : (db_rollback(c), rc);
    if (rc) {
        json_decref(res);
        return rc;
    }
    json_object_set_new(res, "imported", json_integer(wrote ? json_integer_value(json_object_get(res, "rows")) : 0));
    if (bad && !o.dry_run) {
        json_object_set_new(res, "error", json_pack("{s:s, s:s, s:n}", "code", "unprocessable", "message",
                                                    "名单有错误，未导入任何人员；请按错误列表修改后重试", "field"));
        return dj_reply_json(r, 422, res);
    }
    return dj_reply_json(r, 200, res);
}

const struct dj_route development_routes[] = {
    {"GET", "/api/v1/development", dev_list, "development.read", 0, 0},
    {"POST", "/api/v1/development", dev_create, "development.manage", 0, 0},
    {"GET", "/api/v1/development/steps", steps_catalogue, NULL, 0, 0},
    {"GET", "/api/v1/development/me", dev_me_get, NULL, 0, 0},
    {"GET", "/api/v1/development/mentees", dev_mentees_get, NULL, DJ_ROUTE_SNAPSHOT, 0},
    {"GET", "/api/v1/development/unfiled", dev_unfiled, "development.read", 0, 0},
    {"GET", "/api/v1/development/warnings", dev_warnings, "development.read", 0, 0},
    {"GET", "/api/v1/development/stats", dev_stats_get, "development.read", 0, 0},
    {"GET", "/api/v1/development/stats/export", dev_stats_export, "development.read", 0, 0},
    {"POST", "/api/v1/development/import", dev_import_file, "development.manage", DJ_ROUTE_ANY_BODY, 16u << 20},
    {"GET", "/api/v1/development/calendar", dev_calendar_get, NULL, 0, 0},
    {"GET", "/api/v1/development/calendar/workdays", dev_calendar_workdays, NULL, 0, 0},
    {"PUT", "/api/v1/development/calendar/:day", dev_calendar_put, "development.calendar", 0, 0},
    {"DELETE", "/api/v1/development/calendar/:day", dev_calendar_delete, "development.calendar", 0, 0},
    {"GET", "/api/v1/development/notices/:id", dev_notice_get, "development.read", 0, 0},
    {"GET", "/api/v1/development/:id", dev_show, "development.read", 0, 0},
    {"GET", "/api/v1/development/:id/steps/:step", dev_step_rule, NULL, 0, 0},
    {"POST", "/api/v1/development/:id/steps", dev_take_step, NULL, 0, 0},
    {"POST", "/api/v1/development/:id/records/:record/correct", dev_correct, NULL, 0, 0},
    {"POST", "/api/v1/development/:id/notices", dev_notice_new, "development.manage", 0, 0},
    {"POST", "/api/v1/development/:id/stop", dev_stop, "development.manage", 0, 0},
    {0},
};
