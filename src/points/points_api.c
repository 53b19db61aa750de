/* points_api.c - HTTP handlers of the points subject: my score, ledgers, rankings,
 * the honour roll, the rule catalogue, claims and their approval, reversals,
 * the chain check, the sync of organisational-life events, XLSX exports. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/download.h"
#include "../core/err.h"
#include "../core/json.h"
#include "../core/readcache.h"
#include "../core/scope.h"
#include "../core/settings.h"
#include "../core/timeutil.h"
#include "points.h"

static const char *const categories[] = {"学习", "组织生活", "志愿服务", "业务贡献", "扣分", "其他", NULL};
static const char *const sources[] = {"attendance", "study_hours", "volunteer_hours", "claim", "manual", "dues",
                                      "study", "quiz", NULL};

static int64_t user_id(dj_req *r) { return r->user ? r->user->id : 0; }

/* The period asked for, or this year. */
static int period_arg(dj_req *r, const char **period)
{
    const char *p = dj_query(r, "period");
    if (!p || !*p) {
        char y[16], q[16], m[16];
        points_periods(dj_now(), y, q, m);
        *period = dj_arena_strdup(r->arena, y);
        return DJ_OK;
    }
    enum points_period_kind k;
    int64_t a, b;
    if (points_period_parse(p, &k, &a, &b))
        return dj_fail(r, DJ_EINVAL, "period", "统计周期格式应为 2026、2026-Q1 或 2026-03");
    *period = p;
    return DJ_OK;
}

/* The org of a person, for scope checks; DJ_ENOTFOUND (reported) when no such person. */
static int person_org(dj_req *r, int64_t person, int64_t *org)
{
    int64_t o = 0;
    *org = 0;
    int rc = points_person_org(dj_db(r), person, &o);
    if (rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_ENOTFOUND, "person", "找不到编号为 %lld 的人员", (long long)person);
    *org = o;
    return rc;
}

/* May the caller see this person's points? Themselves, or points.read on the person's org. */
static int may_read_person(dj_req *r, int64_t person, const char *perm)
{
    int64_t org;
    int rc = person_org(r, person, &org);
    if (rc)
        return rc;
    if (r->user->person_id == person && strcmp(perm, "points.read") == 0)
        return DJ_OK;
    if (!org)
        return dj_fail(r, DJ_EFORBIDDEN, "person", "该人员未编入组织，无权查看");
    return auth_require(r, perm, org);
}

static int need_person(dj_req *r)
{
    if (!r->user->person_id)
        return dj_fail(r, DJ_EUNPROCESSABLE, NULL, "当前账号未关联党员信息，没有个人积分");
    return DJ_OK;
}

/* The agency the caller belongs to: their branch's root, else the root of their first grant. */
static int64_t caller_agency(dj_req *r)
{
    int64_t branch = 0, agency = 0;
    if (r->user->person_id)
        points_person_orgs(dj_db(r), r->user->person_id, &branch, &agency);
    if (!agency && r->user->ngrants > 0)
        agency = strtoll(r->user->grants[0].org_path + 1, NULL, 10);
    if (!agency)
        points_first_root(dj_db(r), &agency);
    return agency;
}

/* The honour roll is the same page for every member of an agency and is read far more
 * often than it changes, so each process keeps the rendered answer for a second: a
 * new award shows on the roll within a second, and a burst of members opening 积分
 * costs one query per second per (agency, period, size). */
#define ROLL_SLOTS 16
static struct {
    int64_t agency, limit, at_ms;
    char period[16];
    char *body; /* heap; owned by the cache */
} roll_cache[ROLL_SLOTS];
static pthread_mutex_t roll_mu = PTHREAD_MUTEX_INITIALIZER;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A copy (in the request's arena) of the cached answer, or NULL. */
static char *roll_cached(dj_req *r, int64_t agency, const char *period, int64_t limit)
{
    char *out = NULL;
    int64_t now = mono_ms();
    pthread_mutex_lock(&roll_mu);
    for (int i = 0; i < ROLL_SLOTS && !out; i++)
        if (roll_cache[i].body && roll_cache[i].agency == agency && roll_cache[i].limit == limit &&
            strcmp(roll_cache[i].period, period) == 0 && now - roll_cache[i].at_ms < 1000)
            out = dj_arena_strdup(r->arena, roll_cache[i].body);
    pthread_mutex_unlock(&roll_mu);
    return out;
}

static void roll_store(int64_t agency, const char *period, int64_t limit, const char *body)
{
    int64_t now = mono_ms();
    pthread_mutex_lock(&roll_mu);
    int slot = 0;
    for (int i = 0; i < ROLL_SLOTS; i++) {
        if (roll_cache[i].body && roll_cache[i].agency == agency && roll_cache[i].limit == limit &&
            strcmp(roll_cache[i].period, period) == 0) {
            slot = i;
            break;
        }
        if (roll_cache[i].at_ms < roll_cache[slot].at_ms)
            slot = i; /* else the oldest */
    }
    free(roll_cache[slot].body);
    roll_cache[slot].body = dj_strdup(body);
    roll_cache[slot].agency = agency;
    roll_cache[slot].limit = limit;
    roll_cache[slot].at_ms = now;
    snprintf(roll_cache[slot].period, sizeof roll_cache[slot].period, "%s", period);
    pthread_mutex_unlock(&roll_mu);
}

/* After a change made through this process, its own cache starts afresh (other
 * processes catch up within the second). */
static void roll_forget(void)
{
    pthread_mutex_lock(&roll_mu);
    for (int i = 0; i < ROLL_SLOTS; i++)
        roll_cache[i].at_ms = 0;
    pthread_mutex_unlock(&roll_mu);
}

/* ---------- my score, ledgers, rankings ---------- */

static json_t *me_make(dj_req *r, void *arg, int *rc)
{
    (void)arg;
    json_t *me = points_me(dj_db(r), r->user->person_id, dj_now(), rc);
    if (!me && *rc == DJ_ENOTFOUND)
        *rc = dj_fail(r, *rc, NULL, "找不到您的党员信息");
    return me;
}

/* GET /api/v1/points/me : kept for the person until a point or a rule changes (or the day). */
static int me_get(dj_req *r)
{
    int rc = need_person(r);
    if (rc)
        return rc;
    return dj_reply_user_kept(r, "points.me", DJ_RCACHE_USER_TTL_MS, me_make, NULL);
}

struct ledger_args {
    int64_t person;
    struct dj_page pg;
};

static json_t *ledger_make(dj_req *r, void *arg, int *rc)
{
    struct ledger_args *a = arg;
    int64_t total = 0;
    json_t *items = points_ledger_list(dj_db(r), a->person, a->pg.limit, a->pg.offset, &total, rc);
    return items ? dj_page_result(&a->pg, items, total) : NULL;
}

/* GET /api/v1/points/ledger : one person's entries, a page kept for the caller until points change. */
static int ledger_get(dj_req *r)
{
    struct ledger_args a = {0};
    int rc = dj_query_int(r, "person", 0, 0, INT64_MAX, &a.person);
    if (rc)
        return rc;
    if (!a.person) {
        if ((rc = need_person(r)))
            return rc;
        a.person = r->user->person_id;
    }
    if ((rc = may_read_person(r, a.person, "points.read")))
        return rc;
    if ((rc = dj_page_parse(r, &a.pg)))
        return rc;
    char what[96];
    snprintf(what, sizeof what, "points.ledger %lld %lld %lld", (long long)a.person, (long long)a.pg.limit,
             (long long)a.pg.offset);
    return dj_reply_user_kept(r, what, DJ_RCACHE_USER_TTL_MS, ledger_make, &a);
}

static int org_arg(dj_req *r, int64_t *org)
{
    int rc = dj_query_ref(r, "org", "org", "points.read", org);
    if (rc)
        return rc;
    if (!*org) {
        /* the widest org the caller may read: the agency for the committee, the branch
         * for its secretary */
        const struct dj_grant *best = NULL;
        for (int i = 0; i < r->user->ngrants; i++) {
            const struct dj_grant *g = &r->user->grants[i];
            if (auth_role_has(g->role, "points.read") && (!best || strlen(g->org_path) < strlen(best->org_path)))
                best = g;
        }
        *org = best ? best->org_id : caller_agency(r);
    }
    return auth_require(r, "points.read", *org);
}

/* How long the rankings are kept while no points are written, and how old they
 * may be served while newer ones are computed (a city's take a fifth of a second). */
#define RANKINGS_TTL_MS 10000
#define RANKINGS_LAG_MS 120000

/* The rankings the key names (rankings_get's), from c: may lag (a replica's). */
static int rankings_write(db_conn *c, const char *key, dj_buf *out)
{
    long long org, limit, offset;
    char period[32];
    if (sscanf(key, "points.rankings %lld %31s %lld %lld", &org, period, &limit, &offset) != 4)
        return DJ_EINVAL;
    int rc;
    json_t *v = points_rankings(c, org, period, limit, offset, &rc);
    if (!v)
        return rc;
    dj_json_render_into(out, v);
    json_decref(v);
    return DJ_OK;
}

static int rankings_get(dj_req *r)
{
    int64_t org;
    const char *period;
    struct dj_page pg;
    int rc = org_arg(r, &org);
    if (rc || (rc = period_arg(r, &period)) || (rc = dj_page_parse(r, &pg)))
        return rc;
    /* the same for every reader allowed on the organisation: computed once until
     * a write (readcache.h) however many screens open the rankings, and while
     * they are computed again the others get them as they were */
    char key[96];
    snprintf(key, sizeof key, "points.rankings %lld %s %lld %lld", (long long)org, period, (long long)pg.limit,
             (long long)pg.offset);
    dj_buf out = {0};
    if ((rc = dj_rcache_text_lagging(dj_db_read(r), key, RANKINGS_TTL_MS, RANKINGS_LAG_MS, rankings_write, &out))) {
        dj_buf_free(&out);
        return rc;
    }
    return dj_reply_buf(r, 200, &out);
}

static int honour_roll_get(dj_req *r)
{
    const char *period;
    int64_t limit;
    int rc = period_arg(r, &period);
    if (rc)
        return rc;
    int64_t def = dj_setting_int(dj_db(r), "points.honour_roll_size", 10);
    if ((rc = dj_query_int(r, "limit", def, 1, 100, &limit)))
        return rc;
    int64_t agency = caller_agency(r);
    char *body = roll_cached(r, agency, period, limit);
    if (body)
        return dj_reply_raw(r, 200, "application/json; charset=utf-8", body, strlen(body));
    json_t *out = points_honour_roll(dj_db(r), agency, period, limit, &rc);
    if (!out)
        return rc;
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    if (!text)
        return DJ_EINTERNAL;
    roll_store(agency, period, limit, text);
    body = dj_arena_strdup(r->arena, text);
    free(text);
    return dj_reply_raw(r, 200, "application/json; charset=utf-8", body, strlen(body));
}

/* ascii: the name for clients that cannot read a Chinese one; name: 积分排名-….xlsx */
static int reply_xlsx(dj_req *r, const char *ascii, const char *name, void *data, size_t len)
{
    dj_attachment(r, ascii, name);
    return dj_reply_heap(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data, len);
}

/* "2026" → 2026年, "2026-Q4" → 2026年第四季度, "2026-03" → 2026年3月 */
static const char *period_cn(dj_req *r, const char *period)
{
    static const char *const quarters[] = {"", "第一季度", "第二季度", "第三季度", "第四季度"};
    int y = atoi(period);
    if (strlen(period) == 7 && period[5] == 'Q' && period[6] >= '1' && period[6] <= '4')
        return dj_arena_printf(r->arena, "%d年%s", y, quarters[period[6] - '0']);
    if (strlen(period) == 7)
        return dj_arena_printf(r->arena, "%d年%d月", y, atoi(period + 5));
    return dj_arena_printf(r->arena, "%d年", y);
}

/* The name of a person or an organisation, for a file name ("" when none). */
static const char *name_of(dj_req *r, const char *sql, int64_t id)
{
    char *s = NULL;
    if (db_query_text(dj_db(r), &s, sql, "i", id) != DJ_OK)
        return "";
    const char *out = dj_arena_strdup(r->arena, s);
    free(s);
    return out;
}

static int ledger_export(dj_req *r)
{
    int64_t person = 0, org = 0;
    int rc = dj_query_int(r, "person", 0, 0, INT64_MAX, &person);
    if (rc)
        return rc;
    json_t *rows;
    if (person) {
        if ((rc = may_read_person(r, person, "points.read")))
            return rc;
        int64_t total;
        rows = points_ledger_list(dj_db(r), person, 100000, 0, &total, &rc);
    } else {
        if ((rc = org_arg(r, &org)))
            return rc;
        char *path = NULL;
        if ((rc = auth_org_path(dj_db(r), org, &path)))
            return rc;
        rows = points_ledger_of_org(dj_db(r), path, &rc);
        free(path);
    }
    if (!rows)
        return rc;
    static const struct points_xlsx_col cols[] = {
        {"id", "编号"},          {"person_name", "党员"},   {"org_name", "所在组织"},
        {"rule_name", "积分规则"}, {"category", "类别"},      {"delta", "分值"},
        {"reason", "事由"},      {"occurred_at", "发生时间"}, {"created_at", "记录时间"},
        {"reverses_id", "冲正条目"}, {"hash", "哈希"},       {NULL, NULL},
    };
    void *data = NULL;
    size_t len = 0;
    rc = points_xlsx("积分明细", cols, rows, &data, &len);
    json_decref(rows);
    if (rc)
        return rc;
    const char *who = person ? name_of(r, "SELECT name FROM people WHERE id = $1", person)
                             : name_of(r, "SELECT name FROM orgs WHERE id = $1", org);
    return reply_xlsx(r, "points-ledger.xlsx", dj_arena_printf(r->arena, "%s-%s.xlsx", person ? "积分台账" : "积分明细", who),
                      data, len);
}

static int rankings_export(dj_req *r)
{
    int64_t org;
    const char *period;
    int rc = org_arg(r, &org);
    if (rc || (rc = period_arg(r, &period)))
        return rc;
    json_t *out = points_rankings(dj_db(r), org, period, 100000, 0, &rc);
    if (!out)
        return rc;
    static const struct points_xlsx_col cols[] = {
        {"rank", "名次"}, {"name", "党员"}, {"org_name", "所在组织"}, {"earned", "本期得分"}, {"score", "积分"}, {NULL, NULL},
    };
    void *data = NULL;
    size_t len = 0;
    rc = points_xlsx(period, cols, json_object_get(out, "items"), &data, &len);
    json_decref(out);
    if (rc)
        return rc;
    return reply_xlsx(r, "points-rankings.xlsx",
                      dj_arena_printf(r->arena, "积分排名-%s-%s.xlsx",
                                      name_of(r, "SELECT name FROM orgs WHERE id = $1", org), period_cn(r, period)),
                      data, len);
}

/* ---------- rules ---------- */

static int rules_get(dj_req *r)
{
    int rc;
    json_t *items = points_rules_list(dj_db(r), dj_query(r, "all") && strcmp(dj_query(r, "all"), "1") == 0, &rc);
    if (!items)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int rules_post(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"code", "规则代码", DJ_J_STR, DJ_J_REQ, 2, 60, NULL},
        {"name", "规则名称", DJ_J_STR, DJ_J_REQ, 1, 60, NULL},
        {"category", "类别", DJ_J_STR, DJ_J_REQ, 1, 20, categories},
        {"points", "分值", DJ_J_INT, DJ_J_REQ, -100, 100, NULL},
        {"cap_day", "每日上限", DJ_J_INT, DJ_J_NULL, 0, 1000, NULL},
        {"cap_month", "每月上限", DJ_J_INT, DJ_J_NULL, 0, 1000, NULL},
        {"cap_year", "每年上限", DJ_J_INT, DJ_J_NULL, 0, 10000, NULL},
        {"source", "积分来源", DJ_J_STR, DJ_J_REQ, 1, 20, sources},
        {"activity_kind", "活动类型", DJ_J_STR, DJ_J_NULL, 1, 40, NULL},
        {"min_quantity", "最少时长（小时×10）", DJ_J_INT, 0, 0, 1000, NULL},
        {"needs_approval", "需要审批", DJ_J_BOOL, 0, 0, 0, NULL},
        {"several_a_day", "同日可多次", DJ_J_BOOL, 0, 0, 0, NULL},
        {"active", "启用", DJ_J_BOOL, 0, 0, 0, NULL},
        {"effective_from", "生效日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    db_conn *c = dj_db(r);
    int64_t id = 0;
    const char *field = NULL, *msg = NULL;
    for (int attempt = 0;; attempt++) {
        if ((rc = db_begin(c)) == DJ_OK) {
            rc = points_rule_save(c, in, user_id(r), &id, &field, &msg);
            if (rc == DJ_OK)
                rc = audit_write(c, r, "create", "points_rule", id, NULL, in);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    }
    json_decref(in);
    if (rc && msg)
        return dj_fail(r, rc, field, "%s", msg);
    if (rc)
        return rc;
    return dj_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---------- claims ---------- */

static int claims_get(dj_req *r)
{
    struct dj_page pg;
    int rc = dj_page_parse(r, &pg);
    if (rc)
        return rc;
    const char *mine = dj_query(r, "mine");
    const char *status = dj_query(r, "status");
    if (status && *status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
        return dj_fail(r, DJ_EINVAL, "status", "状态只能是 pending、approved 或 rejected");
    int64_t total = 0;
    json_t *items;
    if (mine && strcmp(mine, "1") == 0) {
        if ((rc = need_person(r)))
            return rc;
        items = points_claims_list(dj_db(r), r->user->person_id, NULL, status, pg.limit, pg.offset, &total, &rc);
    } else {
        /* the approval queue: claims of the branches where the caller may approve */
        if (!auth_has_perm(r, "points.approve"))
            return dj_fail(r, DJ_EFORBIDDEN, NULL, "只有支部书记或党委可以查看待审批的申报；查看本人申报请加 mine=1");
        char *scope = auth_scope_sql(r, "points.approve", "o.path");
        items = points_claims_list(dj_db(r), 0, scope, status && *status ? status : "pending", pg.limit, pg.offset,
                                   &total, &rc);
    }
    if (!items)
        return rc;
    return dj_reply_json(r, 200, dj_page_result(&pg, items, total));
}

static int claims_post(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"rule_code", "积分规则", DJ_J_STR, DJ_J_REQ, 1, 60, NULL},
        {"description", "申报说明", DJ_J_STR, DJ_J_REQ, 4, 500, NULL},
        {"occurred_on", "发生日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {NULL},
    };
    int rc = need_person(r);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    const char *when = dj_jstr(in, "occurred_on", "");
    int y, m, d, ty, tm, td;
    dj_date_parse(when, &y, &m, &d);
    dj_local_date(dj_now(), &ty, &tm, &td);
    if (dj_days_from_civil(y, m, d) > dj_days_from_civil(ty, tm, td)) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "occurred_on", "发生日期不能晚于今天");
    }
    if (dj_str_blank(dj_jstr(in, "description", ""))) {
        json_decref(in);
        return dj_fail(r, DJ_EINVAL, "description", "请填写申报说明");
    }
    db_conn *c = dj_db(r);
    int64_t id = 0;
    char msg[300] = "", lock[40];
    points_chain_lock(c, r->user->person_id, lock);
    for (int attempt = 0;; attempt++) {
        if ((rc = db_begin(c)) == DJ_OK) {
            rc = points_claim_create(c, r->user->person_id, user_id(r), dj_jstr(in, "rule_code", ""),
                                     dj_jstr(in, "description", ""), when, &id, msg, sizeof msg);
            if (rc == DJ_OK)
                rc = audit_write(c, r, "create", "points_claim", id, NULL, in);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    }
    points_chain_unlock(c, lock);
    if (rc == DJ_OK)
        roll_forget();
    json_decref(in);
    if (rc && msg[0])
        return dj_fail(r, rc, rc == DJ_EINVAL ? "rule_code" : rc == DJ_ECONFLICT ? "occurred_on" : NULL, "%s", msg);
    if (rc)
        return rc;
    json_t *k = points_claim_get(c, id, &rc);
    if (!k)
        return rc;
    return dj_reply_json(r, 201, k);
}

static int claim_decision(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"approve", "是否通过", DJ_J_BOOL, DJ_J_REQ, 0, 0, NULL},
        {"reason", "审批意见", DJ_J_STR, 0, 0, 300, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    bool approve = dj_jbool(in, "approve", false);
    const char *reason = dj_arena_strdup(r->arena, dj_jstr(in, "reason", ""));
    json_decref(in);
    if (!approve && dj_str_blank(reason))
        return dj_fail(r, DJ_EINVAL, "reason", "不通过时请填写理由");
    db_conn *c = dj_db(r);
    json_t *k = points_claim_get(c, id, &rc);
    if (!k)
        return rc == DJ_ENOTFOUND ? dj_fail(r, rc, "id", "找不到该申报") : rc;
    int64_t branch = dj_jint(k, "branch_id", 0), person = dj_jint(k, "person_id", 0);
    json_decref(k);
    if ((rc = auth_require(r, "points.approve", branch)))
        return rc;
    if (person == r->user->person_id)
        return dj_fail(r, DJ_EFORBIDDEN, NULL, "不能审批本人的申报");
    struct points_result res;
    const char *msg = NULL;
    char lock[40];
    points_chain_lock(c, person, lock);
    for (int attempt = 0;; attempt++) {
        if ((rc = db_begin(c)) == DJ_OK) {
            json_t *before = points_claim_get(c, id, &rc);
            rc = before ? points_claim_decide(c, id, user_id(r), approve, reason, &res, &msg) : rc;
            json_t *after = rc == DJ_OK ? points_claim_get(c, id, &rc) : NULL;
            if (rc == DJ_OK)
                rc = audit_write(c, r, approve ? "approve" : "reject", "points_claim", id, before, after);
            json_decref(before);
            json_decref(after);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    }
    points_chain_unlock(c, lock);
    if (rc == DJ_OK)
        roll_forget();
    if (rc && msg)
        return dj_fail(r, rc, NULL, "%s", msg);
    if (rc)
        return rc;
    return dj_reply_json(r, 200, json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)id, "status",
                                           approve ? "approved" : "rejected", "entry_id", (json_int_t)res.entry_id,
                                           "delta", (json_int_t)res.delta));
}

/* ---------- entries: manual points, reversals ---------- */

static int entries_post(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"person_id", "党员", DJ_J_ID, DJ_J_REQ, DJ_SCOPE("person", "points.manage")},
        {"rule_code", "积分规则", DJ_J_STR, DJ_J_REQ, 1, 60, NULL},
        {"reason", "事由", DJ_J_STR, DJ_J_REQ, 2, 300, NULL},
        {"occurred_on", "发生日期", DJ_J_DATE, DJ_J_REQ, 0, 0, NULL},
        {"client_key", "提交编号", DJ_J_STR, DJ_J_REQ, 8, 64, NULL},
        {NULL},
    };
    json_t *in;
    int rc = dj_body_json(r, spec, &in);
    if (rc)
        return rc;
    int64_t person = dj_jint(in, "person_id", 0);
    if ((rc = may_read_person(r, person, "points.manage"))) {
        json_decref(in);
        return rc;
    }
    int y, m, d;
    dj_date_parse(dj_jstr(in, "occurred_on", ""), &y, &m, &d);
    db_conn *c = dj_db(r);
    struct points_result res;
    bool replayed = false;
    const char *key = dj_jstr(in, "client_key", "");
    char lock[40];
    points_chain_lock(c, person, lock);
    for (int attempt = 0;; attempt++) {
        if ((rc = db_begin(c)) == DJ_OK) {
            rc = points_manual_entry(c, person, dj_jstr(in, "rule_code", ""), dj_jstr(in, "reason", ""),
                                     dj_local_midnight(y, m, d) + 12 * 3600, user_id(r), key, &res, &replayed);
            if (rc == DJ_OK && !res.entry_id)
                rc = DJ_EUNPROCESSABLE;
            if (rc == DJ_OK && !replayed)
                rc = audit_write(c, r, "create", "points_entry", res.entry_id, NULL, in);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        /* the same key sent twice at once: the loser's retry finds the winner's entry */
        if (rc == DJ_ECONFLICT && !res.entry_id && attempt < 2)
            continue;
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    }
    points_chain_unlock(c, lock);
    if (rc == DJ_OK && !replayed)
        roll_forget();
    json_decref(in);
    if (rc == DJ_EINVAL || rc == DJ_ENOTFOUND)
        return dj_fail(r, DJ_EINVAL, "rule_code", "该规则不能手工记分（请选择来源为“手工”的规则）");
    if (rc == DJ_EUNPROCESSABLE)
        return dj_fail(r, rc, NULL, "%s", res.notice[0] ? res.notice : "未能记入积分");
    if (rc == DJ_ECONFLICT)
        return dj_fail(r, rc, "client_key", "提交编号已用于另一条积分记录（第%lld号），请刷新页面后重新提交",
                       (long long)res.entry_id);
    if (rc)
        return rc;
    return dj_reply_json(r, replayed ? 200 : 201,
                         json_pack("{s:I, s:I, s:b}", "id", (json_int_t)res.entry_id, "delta", (json_int_t)res.delta,
                                   "replayed", replayed));
}

static int entry_reverse(dj_req *r)
{
    static const struct dj_jfield spec[] = {
        {"reason", "冲正理由", DJ_J_STR, DJ_J_REQ, 2, 300, NULL},
        {NULL},
    };
    int64_t id;
    int rc = dj_param_id(r, "id", &id);
    if (rc)
        return rc;
    json_t *in;
    if ((rc = dj_body_json(r, spec, &in)))
        return rc;
    db_conn *c = dj_db(r);
    int64_t person = 0;
    if (points_entry_person(c, id, &person) != DJ_OK) {
        json_decref(in);
        return dj_fail(r, DJ_ENOTFOUND, "id", "找不到该积分条目");
    }
    if ((rc = may_read_person(r, person, "points.manage"))) {
        json_decref(in);
        return rc;
    }
    int64_t new_id = 0;
    for (int attempt = 0;; attempt++) {
        if ((rc = db_begin(c)) == DJ_OK) {
            rc = points_reverse(c, id, dj_jstr(in, "reason", ""), user_id(r), &new_id);
            if (rc == DJ_OK)
                rc = audit_write(c, r, "reverse", "points_entry", id, NULL, in);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    }
    if (rc == DJ_OK)
        roll_forget();
    json_decref(in);
    if (rc == DJ_ECONFLICT)
        return dj_fail(r, rc, "id", "该条目已冲正过，或本身就是冲正条目");
    if (rc)
        return rc;
    return dj_reply_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)new_id, "reverses_id", (json_int_t)id));
}

/* ---------- the chain, the sync ---------- */

/* Walking every chain reads the whole ledger (35 s for 10 million entries), so it runs
 * on the worker pool with that thread's own connection, not on a request thread. */
struct verify_job {
    struct points_verify v;
    int rc;
};

static void verify_work(void *arg)
{
    struct verify_job *j = arg;
    db_conn *c = db_thread();
    j->rc = c ? points_verify_chain(c, &j->v) : DJ_EDB;
}

static int verify_cont(dj_req *r)
{
    struct verify_job *j = r->work_arg;
    if (j->rc)
        return j->rc;
    const struct points_verify *v = &j->v;
    if (v->ok)
        return dj_reply_json(r, 200, json_pack("{s:b, s:I}", "ok", 1, "entries", (json_int_t)v->entries));
    json_t *out = json_pack("{s:b, s:I, s:I, s:I, s:s}", "ok", 0, "entries", (json_int_t)v->entries, "first_bad",
                            (json_int_t)v->first_bad, "person_id", (json_int_t)v->bad_person, "problem", v->problem);
    if (!v->first_bad)
        json_object_set_new(out, "first_bad", json_null());
    return dj_reply_json(r, 200, out);
}

static int verify_get(dj_req *r)
{
    struct verify_job *j = dj_arena_alloc(r->arena, sizeof *j);
    memset(j, 0, sizeof *j);
    return dj_defer(r, verify_work, j, verify_cont);
}

static int sync_post(dj_req *r)
{
    struct points_sync st = {0};
    db_conn *c = dj_db(r);
    json_t *out = NULL;
    int rc;
    for (int attempt = 0;; attempt++) {
        memset(&st, 0, sizeof st);
        json_decref(out);
        out = NULL;
        if ((rc = db_begin(c)) == DJ_OK) {
            rc = points_consume_events_tx(c, &st);
            out = json_pack("{s:I, s:I, s:I, s:I}", "events", (json_int_t)st.events, "awarded",
                            (json_int_t)st.awarded, "skipped", (json_int_t)st.skipped, "duplicates",
                            (json_int_t)st.duplicates);
            if (rc == DJ_OK && st.events)
                rc = audit_write(c, r, "sync", "points", 0, NULL, out);
            rc = rc == DJ_OK ? db_commit(c) : (db_rollback(c), rc);
        }
        if (rc != DJ_EBUSY || !db_retry_wait(attempt))
            break;
    }
    if (rc == DJ_OK)
        roll_forget();
    if (rc) {
        json_decref(out);
        return rc;
    }
    return dj_reply_json(r, 200, out);
}

const struct dj_route points_routes[] = {
    {"GET", "/api/v1/points/me", me_get, NULL, DJ_ROUTE_SNAPSHOT, 0},
    {"GET", "/api/v1/points/ledger", ledger_get, NULL, DJ_ROUTE_SNAPSHOT, 0},
    {"GET", "/api/v1/points/ledger/export", ledger_export, "points.read", 0, 0},
    {"GET", "/api/v1/points/rankings", rankings_get, "points.read", 0, 0},
    {"GET", "/api/v1/points/rankings/export", rankings_export, "points.read", 0, 0},
    {"GET", "/api/v1/points/honour-roll", honour_roll_get, NULL, 0, 0},
    {"GET", "/api/v1/points/rules", rules_get, NULL, 0, 0},
    {"POST", "/api/v1/points/rules", rules_post, "points.manage", 0, 0},
    {"GET", "/api/v1/points/claims", claims_get, NULL, 0, 0},
    {"POST", "/api/v1/points/claims", claims_post, NULL, 0, 0},
    {"POST", "/api/v1/points/claims/:id/decision", claim_decision, "points.approve", 0, 0},
    {"POST", "/api/v1/points/entries", entries_post, "points.manage", 0, 0},
    {"POST", "/api/v1/points/entries/:id/reverse", entry_reverse, "points.manage", 0, 0},
    {"GET", "/api/v1/points/verify", verify_get, "points.verify", 0, 0},
    {"POST", "/api/v1/points/sync", sync_post, "points.manage", 0, 0},
    {0},
};
