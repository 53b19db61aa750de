/* transfers_api.c - HTTP handlers of 组织关系转接 under /api/v1/transfers: the list
 * with filters and flags, one transfer, the member's own, an internal move, a
 * 介绍信 drafted / issued / reported / receipted / renewed / withdrawn, an incoming
 * letter registered and placed, a branch's figures and warnings; and a person's
 * membership history with the events that end a membership.  Every id is checked
 * against the caller's scope on the transfer's organisations; every write audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/err.h"
#include "../core/files.h"
#include "../core/readcache.h"
#include "../core/scope.h"
#include "../core/timeutil.h"
#include "../dues/dues.h"
#include "../people/people.h"
#include "../people/people_history.h"
#include "transfers.h"
#include "transfers_api.h"

static const char *const flags[] = {"expired", "overdue", "open", NULL};
static const char *const party_statuses[] = {"full", "probationary", NULL};
static const char *const genders[] = {"male", "female", NULL};

struct tr_actor tr_actor_of(dj_req *r) { return (struct tr_actor){.user_id = r->user ? r->user->id : 0, .r = r}; }

int tr_finish(dj_req *r, int rc, const struct tr_err *e)
{
    if (rc != DJ_OK && e->field)
        return dj_fail(r, rc, e->field, "%s", e->message);
    return rc;
}

/* May the caller read transfer id: transfer.read on its from or to org, or their own. */
static int can_read(dj_req *r, int64_t id)
{
    int64_t from = 0, to = 0, person = 0;
    int rc = tr_orgs(dj_db(r), id, &from, &to, &person);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, rc, "id", "找不到该转接记录");
    if (rc)
        return rc;
    if ((from && auth_can(r, "transfer.read", from)) || (to && auth_can(r, "transfer.read", to)) ||
        (person && r->user->person_id == person))
        return DJ_OK;
    return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该转接记录");
}

/* The caller needs transfer.manage on the side that acts: ours (from) going out, ours (to) coming in. */
static int can_manage(dj_req *r, int64_t id)
{
    int64_t from = 0, to = 0;
    int rc = can_read(r, id);
    if (rc || (rc = tr_orgs(dj_db(r), id, &from, &to, NULL)))
        return rc;
    if (from && (rc = auth_require(r, "transfer.manage", from)))
        return rc;
    return to ? auth_require(r, "transfer.manage", to) : DJ_OK;
}

static int reply_transfer(dj_req *r, int status, int64_t id)
{
    int rc;
    json_t *o = tr_get(dj_db(r), id, &rc);
    if (!o)
        return rc;
    int64_t from = dj_jint(o, "from_org_id", 0), to = dj_jint(o, "to_org_id", 0);
    json_object_set_new(o, "can_manage", json_boolean((!from || auth_can(r, "transfer.manage", from)) &&
                                                      (!to || auth_can(r, "transfer.manage", to))));
    return dj_reply_json(r, status, o);
}

/* One write: the store's function in a transaction, audited with before and after. */
typedef int (*tr_write_fn)(db_conn *c, const struct tr_actor *a, int64_t id, const json_t *in, struct tr_err *e);

static int write_one(dj_req *r, const char *action, int64_t id, const json_t *in, tr_write_fn fn)
{
    db_conn *c = dj_db(r);
    struct tr_actor a = tr_actor_of(r);
    struct tr_err e = {0};
    int rc = db_begin(c);
    if (rc)
        return rc;
    json_t *before = tr_get(c, id, NULL);
    rc = fn(c, &a, id, in, &e);
    json_t *after = rc == DJ_OK ? tr_get(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, action, "transfer", id, before, after);
    json_decref(before);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = tr_finish(r, rc, &e)))
        return rc;
    return reply_transfer(r, 200, id);
}

/* ---------------------------------------------------------------- list and read */

static int transfers_index(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    struct tr_filter f = {.kind = dj_query(r, "kind"), .state = dj_query(r, "state"), .flag = dj_query(r, "flag"),
                          .q = dj_query(r, "q")};
    char *a = auth_scope_sql(r, "transfer.read", "fo.path"), *b = auth_scope_sql(r, "transfer.read", "tg.path");
    f.scope = dj_arena_printf(r->arena, "%s OR %s", a, b);
    struct {
        const char *name, *value, *const *ok, *label;
    } enums[] = {{"kind", f.kind, tr_kinds, "类型"}, {"state", f.state, tr_states, "状态"}, {"flag", f.flag, flags, "标记"}};
    for (size_t i = 0; i < 3; i++) {
        if (!enums[i].value || !*enums[i].value)
            continue;
        bool ok = false;
        for (int k = 0; enums[i].ok[k]; k++)
            ok = ok || !strcmp(enums[i].ok[k], enums[i].value);
        if (!ok)
            return dj_fail(r, DJ_EINVAL, enums[i].name, "%s“%s”无效", enums[i].label, enums[i].value);
    }
    int64_t org = 0;
    if ((rc = dj_query_ref(r, "org", "org", "transfer.read", &org)) ||
        (rc = dj_query_ref(r, "person", "person", "person.read", &f.person_id)))
        return rc;
    if (org) {
        char *path = NULL;
        if ((rc = auth_org_path(dj_db(r), org, &path)))
            return rc;
        f.org_path = dj_arena_strdup(r->arena, path);
        free(path);
    }
    int64_t total = 0;
    json_t *items = tr_list(dj_db(r), &f, pg.limit, pg.offset, &total, &rc);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, dj_page_result(&pg, items, total));
}

static int transfers_show(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = can_read(r, id)))
        return rc;
    return reply_transfer(r, 200, id);
}

/* The 介绍信 (or our 回执) as a PDF, made off the event loop. */
struct letter_job {
    json_t *t;
    char *agency, *disposition;
    void *out;
    size_t len;
};

static void letter_job_free(void *arg)
{
    struct letter_job *j = arg;
    json_decref(j->t);
    free(j->agency);
    free(j->disposition);
    free(j->out);
    memset(j, 0, sizeof *j);
}

static void letter_work(void *arg)
{
    struct letter_job *j = arg;
    j->out = tr_letter_pdf(j->t, j->agency, &j->len);
}

static int letter_cont(dj_req *r)
{
    struct letter_job *j = r->work_arg;
    void *out = j->out;
    j->out = NULL;
    if (!out)
        return dj_fail(r, DJ_EINTERNAL, NULL, "介绍信 PDF 生成失败，请稍后再试");
    dj_add_header(r, "Content-Disposition", dj_arena_strdup(r->arena, j->disposition));
    return dj_reply_heap(r, 200, "application/pdf", out, j->len);
}

static int transfers_letter_pdf(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = can_read(r, id)))
        return rc;
    json_t *t = tr_get(dj_db(r), id, &rc);
    if (!t)
        return rc;
    const char *kind = dj_jstr(t, "kind", "");
    if (!strcmp(kind, "internal") || (!strcmp(kind, "out") && !dj_jstr(t, "letter_no", NULL)) ||
        (!strcmp(kind, "in") && !dj_jstr(t, "receipt_no", NULL))) {
        const char *why = !strcmp(kind, "internal") ? "机关内部转接不开具介绍信"
                          : !strcmp(kind, "out")    ? "介绍信尚未开具"
                                                    : "尚未接收，还没有回执";
        json_decref(t);
        return dj_fail(r, DJ_ECONFLICT, "state", why);
    }
    struct letter_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    j->t = t;
    dj_on_done(r, letter_job_free, j);
    if (!(j->agency = tr_agency_name(dj_db(r), &rc)))
        return rc;
    /* 介绍信 / 回执 in the UTF-8 name; an ASCII one for old clients */
    j->disposition = dj_asprintf("attachment; filename=\"transfer-%lld.pdf\"; filename*=UTF-8''%s-%lld.pdf",
                                 (long long)id,
                                 !strcmp(kind, "in") ? "%E5%9B%9E%E6%89%A7" : "%E4%BB%8B%E7%BB%8D%E4%BF%A1",
                                 (long long)id);
    rc = dj_defer(r, letter_work, j, letter_cont);
    if (rc == DJ_EBUSY)
        dj_fail(r, DJ_EBUSY, NULL, "生成任务较多，请稍后再试");
    return rc;
}

/* 我的组织关系转接: the member's own transfers, newest first. */
static int transfers_mine(dj_req *r)
{
    if (!r->user->person_id)
        return dj_reply_json(r, 200, json_pack("{s:[]}", "items"));
    struct tr_filter f = {.scope = "1=1", .person_id = r->user->person_id};
    int rc;
    json_t *items = tr_list(dj_db(r), &f, 20, 0, NULL, &rc);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---------------------------------------------------------------- internal and out */

static const struct dj_jfield internal_spec[] = {
    {"person_id", "党员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "transfer.manage")},
    {"to_org_id", "转入支部", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "transfer.manage")},
    {"on_date", "转接日期", DJ_J_DATE, 0, 0, 0, NULL},
    {"reason", "转接原因", DJ_J_STR, DJ_J_REQ, 1, 200, NULL},
    {"client_key", "请求标识", DJ_J_STR, 0, 1, 64, NULL},
    {NULL},
};

static const struct dj_jfield out_spec[] = {
    {"person_id", "党员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "transfer.manage")},
    {"outside_org", "接收党组织", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
    {"reason", "转出原因", DJ_J_STR, DJ_J_REQ, 1, 200, NULL},
    {"client_key", "请求标识", DJ_J_STR, 0, 1, 64, NULL},
    {NULL},
};

typedef int (*tr_create_fn)(db_conn *c, const struct tr_actor *a, const json_t *in, int64_t *id, struct tr_err *e);

/* A new transfer (idempotent by client_key): in a transaction, audited. */
static int create_one(dj_req *r, const struct dj_jfield *spec, const char *action, tr_create_fn fn,
                      int (*precheck)(dj_req *r, const json_t *in))
{
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    struct tr_actor a = tr_actor_of(r);
    struct tr_err e = {0};
    int64_t id = tr_by_key(c, dj_jstr(in, "client_key", NULL));
    if (id) {
        json_decref(in);
        if ((rc = can_read(r, id)))
            return rc;
        return reply_transfer(r, 200, id);
    }
    if (precheck && (rc = precheck(r, in)))
        goto out;
    if ((rc = db_begin(c)))
        goto out;
    rc = fn(c, &a, in, &id, &e);
    json_t *after = rc == DJ_OK ? tr_get(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, action, "transfer", id, NULL, after);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = tr_finish(r, rc, &e)))
        goto out;
    rc = reply_transfer(r, 201, id);
out:
    json_decref(in);
    return rc;
}

static int transfers_internal(dj_req *r) { return create_one(r, internal_spec, "transfer_internal", tr_internal, NULL); }
static int transfers_out(dj_req *r) { return create_one(r, out_spec, "transfer_out_draft", tr_out_create, NULL); }

static const struct dj_jfield issue_spec[] = {
    {"issued_on", "开具日期", DJ_J_DATE, 0, 0, 0, NULL},
    {"valid_until", "有效期至", DJ_J_DATE, 0, 0, 0, NULL},
    {"dues_override", "欠缴党费仍开具的理由", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
    {NULL},
};
static const struct dj_jfield report_spec[] = {
    {"reported_on", "报到日期", DJ_J_DATE, 0, 0, 0, NULL},
    {NULL},
};
static const struct dj_jfield receipt_spec[] = {
    {"receipt_no", "回执编号", DJ_J_STR, 0, 0, 50, NULL},
    {"receipt_on", "回执日期", DJ_J_DATE, 0, 0, 0, NULL},
    {"reported_on", "报到日期", DJ_J_DATE, 0, 0, 0, NULL},
    {NULL},
};
static const struct dj_jfield renew_spec[] = {
    {"valid_until", "新的有效期至", DJ_J_DATE, 0, 0, 0, NULL},
    {"reason", "续开理由", DJ_J_STR, DJ_J_REQ, 1, 200, NULL},
    {NULL},
};
static const struct dj_jfield withdraw_spec[] = {
    {"reason", "撤回理由", DJ_J_STR, DJ_J_REQ, 1, 200, NULL},
    {NULL},
};
static const struct dj_jfield place_spec[] = {
    {"to_org_id", "接收支部", DJ_J_ID, 0, DJ_SCOPE("org", "transfer.manage")},
    {"on_date", "接收日期", DJ_J_DATE, 0, 0, 0, NULL},
    {NULL},
};

static int action(dj_req *r, const struct dj_jfield *spec, const char *name, tr_write_fn fn)
{
    int64_t id;
    json_t *in = NULL;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = can_manage(r, id)) || (rc = dj_body_json(r, spec, &in)))
        return rc;
    rc = write_one(r, name, id, in, fn);
    json_decref(in);
    return rc;
}

static int transfers_issue(dj_req *r) { return action(r, issue_spec, "transfer_issue", tr_issue); }
static int transfers_report(dj_req *r) { return action(r, report_spec, "transfer_report", tr_report); }
static int transfers_receipt(dj_req *r) { return action(r, receipt_spec, "transfer_receipt", tr_receipt); }
static int transfers_renew(dj_req *r) { return action(r, renew_spec, "transfer_renew", tr_renew); }
static int transfers_withdraw(dj_req *r) { return action(r, withdraw_spec, "transfer_withdraw", tr_withdraw); }
static int transfers_place(dj_req *r) { return action(r, place_spec, "transfer_place", tr_place); }

/* The dues of the member of an out transfer, for the letter form: paid up to, owed. */
static int transfers_dues(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = can_read(r, id)))
        return rc;
    json_t *t = tr_get(dj_db(r), id, &rc);
    if (!t)
        return rc;
    tr_day d = tr_today();
    tr_day_parse(dj_jstr(t, "issued_on", NULL), &d);
    int y, m, dd, owed = 0;
    dj_civil_from_days(d, &y, &m, &dd);
    char paid[8], first[8];
    rc = dj_jint(t, "person_id", 0) ? tr_dues_status(dj_db(r), dj_jint(t, "person_id", 0), dues_month_of(y, m), paid, &owed, first)
                                    : DJ_OK;
    json_decref(t);
    if (rc)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:s?, s:i, s:s?}", "paid_until", paid[0] ? paid : NULL, "owed_months", owed,
                                           "first_owed", owed ? first : NULL));
}

/* ---------------------------------------------------------------- incoming letters */

static const struct dj_jfield in_person_spec[] = {
    {"name", "姓名", DJ_J_STR, DJ_J_REQ, 1, 50, NULL},
    {"gender", "性别", DJ_J_STR, DJ_J_NULL, 0, 0, genders},
    {"birth_date", "出生日期", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {"ethnicity", "民族", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"education", "学历", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"phone", "手机号", DJ_J_STR, DJ_J_NULL, 0, 20, NULL},
    {"job_post", "职务", DJ_J_STR, DJ_J_NULL, 0, 50, NULL},
    {"party_status", "党员类别", DJ_J_STR, DJ_J_REQ, 0, 0, party_statuses},
    {"joined_on", "入党时间", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"full_on", "转正时间", DJ_J_DATE, DJ_J_NULL, 0, 0, NULL},
    {NULL},
};
static const struct dj_jfield in_spec[] = {
    {"letter_no", "介绍信编号", DJ_J_STR, DJ_J_REQ, 1, 50, NULL},
    {"outside_org", "开具党组织", DJ_J_STR, DJ_J_REQ, 1, 100, NULL},
    {"issued_on", "开具日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"valid_until", "有效期至", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"dues_paid_until", "党费缴至", DJ_J_STR, DJ_J_NULL, 7, 7, NULL},
    {"to_org_id", "接收支部", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("org", "transfer.manage")},
    {"reason", "转入原因", DJ_J_STR, DJ_J_NULL, 0, 200, NULL},
    {"person", "党员信息", DJ_J_OBJ, DJ_J_REQ, 0, 0, NULL},
    {"client_key", "请求标识", DJ_J_STR, 0, 1, 64, NULL},
    {NULL},
};

static int in_precheck(dj_req *r, const json_t *in)
{
    struct dj_jerr e = {0};
    if (dj_json_validate(json_object_get(in, "person"), in_person_spec, &e) != 0)
        return dj_fail(r, DJ_EINVAL, dj_arena_printf(r->arena, "person.%s", e.field ? e.field : ""), "党员信息：%s",
                       e.message);
    const char *phone = dj_jstr(json_object_get(in, "person"), "phone", NULL);
    if (phone && !people_phone_valid(phone))
        return dj_fail(r, DJ_EINVAL, "person.phone", "手机号“%s”应为11位数字", phone);
    int mo;
    const char *paid = dj_jstr(in, "dues_paid_until", NULL);
    if (paid && dues_month_parse(paid, &mo) != DJ_OK)
        return dj_fail(r, DJ_EINVAL, "dues_paid_until", "党费缴至应写成 2026-05 这样的年月");
    return DJ_OK;
}

static int transfers_in(dj_req *r) { return create_one(r, in_spec, "transfer_in_register", tr_in_register, in_precheck); }

/* ---------------------------------------------------------------- figures and warnings */

static int transfers_figures(dj_req *r)
{
    int64_t org = 0, year = 0;
    int rc = dj_query_ref(r, "org", "org", "transfer.read", &org);
    if (rc)
        return rc;
    if (!org)
        return dj_fail(r, DJ_EINVAL, "org", "请指定组织");
    int ty, tm, td;
    dj_civil_from_days(tr_today(), &ty, &tm, &td);
    if ((rc = dj_query_int(r, "year", ty, 2000, ty, &year)))
        return rc;
    char *path = NULL;
    if ((rc = auth_org_path(dj_db(r), org, &path)))
        return rc;
    tr_day from = dj_days_from_civil((int)year, 1, 1), to = dj_days_from_civil((int)year, 12, 31);
    if (to > tr_today())
        to = tr_today();
    struct tr_figures f;
    rc = tr_org_figures(dj_db(r), path, from, to, &f);
    free(path);
    if (rc)
        return rc;
    char fs[11], ts[11];
    tr_day_format(from, fs);
    tr_day_format(to, ts);
    return dj_reply_json(r, 200, json_pack("{s:I, s:I, s:s, s:s, s:i, s:i, s:i, s:i}", "org_id", (json_int_t)org, "year",
                                           (json_int_t)year, "from", fs, "to", ts, "start", f.start, "end", f.end,
                                           "arrived", f.arrived, "left", f.left));
}

/* Counts for the org tree and the dashboard: letters expired or overdue, 流动党员
 * to contact this quarter, lost contact. */
static json_t *warnings_make(dj_req *r, void *arg, int *rc)
{
    int64_t org = *(int64_t *)arg;
    char *path = NULL;
    if (org && (*rc = auth_org_path(dj_db(r), org, &path)))
        return NULL;
    const char *p = path ? dj_arena_strdup(r->arena, path) : NULL;
    free(path);
    char *a = auth_scope_sql(r, "transfer.read", "fo.path"), *b = auth_scope_sql(r, "transfer.read", "tg.path");
    struct tr_filter f = {.scope = dj_arena_printf(r->arena, "%s OR %s", a, b), .org_path = p, .flag = "expired"};
    int64_t expired = 0, overdue = 0;
    json_t *x = tr_list(dj_db(r), &f, 1, 0, &expired, rc);
    json_decref(x);
    f.flag = "overdue";
    if (x && (x = tr_list(dj_db(r), &f, 1, 0, &overdue, rc)))
        json_decref(x);
    if (!x)
        return NULL;
    json_t *flow = tr_flow_list(dj_db(r), auth_scope_sql(r, "transfer.read", "o.path"), p, false, rc);
    if (!flow)
        return NULL;
    int due = 0, lost = 0;
    size_t i;
    json_t *o;
    json_array_foreach(flow, i, o) {
        due += dj_jbool(o, "contact_due", false);
        lost += dj_jbool(o, "lost_contact", false);
    }
    json_t *out = json_pack("{s:I, s:I, s:i, s:i, s:i}", "expired", (json_int_t)expired, "receipt_overdue",
                            (json_int_t)overdue, "flow_members", (int)json_array_size(flow), "flow_contact_due", due,
                            "lost_contact", lost);
    json_decref(flow);
    return out;
}

/* GET /api/v1/transfers/warnings : the counts the org screen shows for the
 * caller's scope, kept for the caller (and their grants) until a transfer,
 * a person or an org is written. */
static int transfers_warnings(dj_req *r)
{
    int64_t org = 0;
    int rc = dj_query_ref(r, "org", "org", "transfer.read", &org);
    if (rc)
        return rc;
    char what[48];
    snprintf(what, sizeof what, "transfers.warnings %lld", (long long)org);
    return dj_reply_user_kept(r, what, DJ_RCACHE_USER_TTL_MS, warnings_make, &org);
}

/* ---------------------------------------------------------------- a person's history */

static int people_history_show(dj_req *r)
{
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    if (id != r->user->person_id && (rc = dj_scope_check(r, "person", "person.read", id, "id", "人员")))
        return rc;
    json_t *items = people_history_list(dj_db(r), id, &rc);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:I, s:o}", "person_id", (json_int_t)id, "items", items));
}

static const struct dj_jfield end_spec[] = {
    {"event", "事件", DJ_J_STR, DJ_J_REQ, 0, 0, people_end_events},
    {"on_date", "日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
    {"document", "决定文件", DJ_J_STR, DJ_J_NULL, 0, 100, NULL},
    {"note", "说明", DJ_J_STR, DJ_J_NULL, 0, 500, NULL},
    {NULL},
};

static int people_history_end(dj_req *r)
{
    int64_t id;
    json_t *in = NULL;
    int rc = dj_param_id(r, "id", &id);
    if (rc || (rc = dj_scope_check(r, "person", "person.end", id, "id", "人员")) || (rc = dj_body_json(r, end_spec, &in)))
        return rc;
    db_conn *c = dj_db(r);
    struct tr_actor a = tr_actor_of(r);
    struct tr_err e = {0};
    if ((rc = db_begin(c)))
        goto out;
    json_t *before = people_row(c, id, NULL);
    rc = tr_membership_end(c, &a, id, in, &e);
    json_t *after = rc == DJ_OK ? people_row(c, id, NULL) : NULL;
    if (rc == DJ_OK)
        rc = audit_write(c, r, "membership_end", "person", id, before, after);
    json_decref(before);
    json_decref(after);
    rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
    if ((rc = tr_finish(r, rc, &e)))
        goto out;
    json_t *items = people_history_list(c, id, &rc);
    rc = items ? dj_reply_json(r, 201, json_pack("{s:I, s:o}", "person_id", (json_int_t)id, "items", items)) : rc;
out:
    json_decref(in);
    return rc;
}

/* ---------------------------------------------------------------- tables */

const struct dj_scope_kind transfers_scope_kinds[] = {
    {"transfer", "组织关系转接",
     "SELECT o.path FROM transfers t JOIN orgs o ON o.id = t.from_org_id WHERE t.id = $1"
     " UNION ALL SELECT o.path FROM transfers t JOIN orgs o ON o.id = t.to_org_id WHERE t.id = $1"},
    {"flow", "流动党员", "SELECT o.path FROM flow_members f JOIN orgs o ON o.id = f.org_id WHERE f.id = $1"},
    {0},
};

const struct dj_route transfers_routes[] = {
    {"GET", "/api/v1/transfers", transfers_index, "transfer.read", 0, 0},
    {"GET", "/api/v1/transfers/mine", transfers_mine, NULL, 0, 0},
    {"GET", "/api/v1/transfers/figures", transfers_figures, "transfer.read", 0, 0},
    {"GET", "/api/v1/transfers/warnings", transfers_warnings, "transfer.read", 0, 0},
    {"POST", "/api/v1/transfers/internal", transfers_internal, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/out", transfers_out, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/in", transfers_in, "transfer.manage", 0, 0},
    {"GET", "/api/v1/transfers/flow", tr_flow_index, NULL, 0, 0},
    {"POST", "/api/v1/transfers/flow", tr_flow_new, "flow.manage", 0, 0},
    {"GET", "/api/v1/transfers/flow/:id", tr_flow_show, NULL, 0, 0},
    {"POST", "/api/v1/transfers/flow/:id/contacts", tr_flow_contact_new, "flow.manage", 0, 0},
    {"POST", "/api/v1/transfers/flow/:id/end", tr_flow_end_one, "flow.manage", 0, 0},
    {"GET", "/api/v1/transfers/:id", transfers_show, NULL, 0, 0},
    {"GET", "/api/v1/transfers/:id/letter.pdf", transfers_letter_pdf, NULL, 0, 0},
    {"GET", "/api/v1/transfers/:id/dues", transfers_dues, NULL, 0, 0},
    {"POST", "/api/v1/transfers/:id/issue", transfers_issue, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/:id/report", transfers_report, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/:id/receipt", transfers_receipt, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/:id/renew", transfers_renew, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/:id/withdraw", transfers_withdraw, "transfer.manage", 0, 0},
    {"POST", "/api/v1/transfers/:id/place", transfers_place, "transfer.manage", 0, 0},
    {"GET", "/api/v1/people/:id/history", people_history_show, NULL, 0, 0},
    {"POST", "/api/v1/people/:id/history", people_history_end, "person.end", 0, 0},
    {0},
};

/* ---------------------------------------------------------------- the scanned 回执 */

static int transfer_file_read(dj_req *r, int64_t id, const char *kind)
{
    (void)kind;
    return can_read(r, id);
}

static int transfer_file_attach(dj_req *r, int64_t id) { return can_manage(r, id); }

static const char *const transfer_file_kinds[] = {"receipt", "letter", "other", NULL};
static const struct dj_file_subject transfer_files = {"transfer", "组织关系转接", transfer_file_kinds, transfer_file_read,
                                                       transfer_file_attach};

void transfers_register(void)
{
    dj_files_subject_add(&transfer_files);
    transfers_todos_register();
    tr_notify_register();
}
